/* Test-only: a small Canvas Kit renderer standing in for Intercom's inbox. It posts
 * signed initialize/submit requests as Intercom does (X-Body-Signature: hex HMAC-SHA256
 * of the body with the client secret), renders the components it gets back, and records
 * every request and card_creation_options in window.__canvasCalls. */
(function () {
  'use strict';
  var cfg = TestSigning.config();
  var calls = window.__canvasCalls = [];
  var state = { canvas: null };

  function post(path, body) {
    var raw = JSON.stringify(body);
    calls.push({ path: path, body: body });
    return TestSigning.hmacHex(cfg.secret, raw).then(function (signature) {
      return fetch(cfg.tactfulUrl + path, { method: 'POST', body: raw, headers: {
        'Content-Type': 'application/json', 'X-Body-Signature': signature } });
    }).then(function (r) { return r.json(); });
  }

  function base() {
    return { workspace_id: cfg.workspace, admin: { id: cfg.adminId, type: 'admin' },
      conversation: { id: cfg.conversationId },
      context: { conversation_id: cfg.conversationId, locale: cfg.locale, location: 'conversation' } };
  }

  function inputValues(container) {
    var values = {};
    Array.prototype.forEach.call(container.querySelectorAll('textarea'), function (t) { values[t.id] = t.value; });
    return values;
  }

  function submit(componentId, extra) {
    var body = base();
    body.component_id = componentId;
    body.input_values = Object.assign(inputValues(document.getElementById('panel')), extra || {});
    body.current_canvas = state.canvas;
    return post('/sidebar/intercom/submit', body).then(function (answer) {
      if (answer.card_creation_options) {
        calls.push({ card_creation_options: answer.card_creation_options });
        var cardBody = base();
        cardBody.card_creation_options = answer.card_creation_options;
        post('/sidebar/intercom/initialize', cardBody).then(function (card) {
          render(document.getElementById('reply-card'), card.canvas);
        });
      }
      show(answer.canvas);
    });
  }

  function component(c) {
    var node;
    if (c.type === 'text') {
      node = document.createElement('div');
      node.className = c.style || 'paragraph';
      node.textContent = c.text.replace(/\*([^*]+)\*/g, '$1');
    } else if (c.type === 'divider') {
      node = document.createElement('hr');
    } else if (c.type === 'button') {
      node = document.createElement('button');
      node.className = c.style || 'primary';
      node.textContent = c.label;
      node.addEventListener('click', function () { submit(c.id); });
    } else if (c.type === 'textarea') {
      node = document.createElement('div');
      var label = document.createElement('div');
      label.className = 'select-label';
      label.textContent = c.label;
      var area = document.createElement('textarea');
      area.id = c.id; area.rows = 4; area.placeholder = c.placeholder || ''; area.value = c.value || '';
      node.appendChild(label); node.appendChild(area);
    } else if (c.type === 'single-select') {
      node = document.createElement('div');
      var title = document.createElement('span');
      title.className = 'select-label';
      title.textContent = c.label + ': ';
      node.appendChild(title);
      c.options.forEach(function (option) {
        var b = document.createElement('button');
        b.textContent = option.text;
        b.setAttribute('data-option', option.id);
        if (c.value === option.id) { b.className = 'chosen'; }
        b.addEventListener('click', function () {
          var extra = {}; extra[c.id] = option.id; submit(c.id, extra);
        });
        node.appendChild(b);
      });
    } else if (c.type === 'list') {
      node = document.createElement('ul');
      node.className = 'list';
      c.items.forEach(function (item) {
        var li = document.createElement('li');
        li.setAttribute('data-id', item.id);
        var title = document.createElement(item.action && item.action.type === 'url' ? 'a' : 'strong');
        if (item.action && item.action.type === 'url') { title.href = item.action.url; title.target = '_blank'; }
        title.className = 'item-title';
        title.textContent = item.title;
        var sub = document.createElement('div');
        sub.className = 'item-subtitle';
        sub.textContent = item.subtitle || '';
        if (item.tertiary_text) { sub.textContent += ' \u2022 ' + item.tertiary_text; }
        li.appendChild(title); li.appendChild(sub);
        node.appendChild(li);
      });
    } else {
      node = document.createElement('div');
      node.textContent = '[unsupported component ' + c.type + ']';
    }
    if (c.id) { node.setAttribute('data-id', c.id); }
    return node;
  }

  function render(container, canvas) {
    container.textContent = '';
    canvas.content.components.forEach(function (c) { container.appendChild(component(c)); });
  }

  function show(canvas) {
    state.canvas = canvas;
    render(document.getElementById('panel'), canvas);
    document.body.setAttribute('data-rendered', String(calls.length));
  }

  post('/sidebar/intercom/initialize', base()).then(function (answer) { show(answer.canvas); });
}());
