/* Tactful sidebar view: renders what Tactful found on a ticket, shared by the Zendesk and
 * Freshdesk apps (manifest/freshdesk/app/scripts/sidebar-view.js is the same file; a test
 * keeps them identical). It knows nothing of either helpdesk: the app passes in
 *   strings      the agent's language file (i18n/<locale>.json)
 *   api          {load(), feedback(label, verdict, enrichmentId), checkReply(text)}, promises
 *   editor       {insert(text), currentText()}, promises
 *   macros       optional: what a recommended macro's button does in this helpdesk,
 *                {kind, action, done (string keys), available(rec), run(rec) -> promise}
 * Text is always set with textContent, never as HTML: ticket content cannot inject markup.
 */
(function (root) {
  'use strict';

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  function quoted(items) {
    return (items || []).slice(0, 3).map(function (e) { return '\u201c' + e + '\u201d'; }).join(', ');
  }

  function evidenceLine(strings, items) {
    return items && items.length ? el('div', { 'class': 'evidence', text: strings.evidence + ': ' + quoted(items) }) : null;
  }

  function feedbackButtons(ctx, label) {
    var box = el('div', { 'class': 'was-right', 'data-label': label });
    box.appendChild(el('span', { text: ctx.strings.was_right + ' ' }));
    [['agree', ctx.strings.yes], ['wrong', ctx.strings.no]].forEach(function (pair) {
      var button = el('button', { type: 'button', 'data-verdict': pair[0], text: pair[1] });
      if (ctx.view.feedback[label] === pair[0]) { button.className = 'chosen'; }
      button.addEventListener('click', function () {
        ctx.api.feedback(label, pair[0], ctx.view.enrichment_id).then(function () {
          Array.prototype.forEach.call(box.querySelectorAll('button'), function (b) { b.className = ''; });
          button.className = 'chosen';
          box.setAttribute('data-saved', pair[0]);
          ctx.flash(ctx.strings.thanks);
        }, function () { ctx.flash(ctx.strings.error); });
      });
      box.appendChild(button);
    });
    return box;
  }

  function labelSection(ctx, label, value, details) {
    return el('section', { 'class': 'label', id: 'label-' + label }, [
      el('h3', { text: ctx.strings[label] }),
      el('div', { 'class': 'value', text: value })
    ].concat(details).concat([feedbackButtons(ctx, label)]));
  }

  function summary(ctx) {
    var v = ctx.view, s = ctx.strings;
    var emotions = v.emotions.length ? v.emotions.map(function (e) { return e.name; }).join(', ') : s.none;
    var emotionEvidence = v.emotions.map(function (e) {
      return e.evidence.length ? el('div', { 'class': 'evidence', text: e.name + ': ' + quoted(e.evidence) }) : null;
    });
    var reasons = v.priority.reasons.length ? v.priority.reasons.join('; ') : s.none;
    var parts = [
      labelSection(ctx, 'sentiment', v.sentiment.label, [evidenceLine(s, v.sentiment.evidence)]),
      labelSection(ctx, 'emotions', emotions, emotionEvidence),
      labelSection(ctx, 'urgency', v.urgency.level, [evidenceLine(s, v.urgency.evidence)]),
      labelSection(ctx, 'topic', v.topic.name, [evidenceLine(s, v.topic.evidence)]),
      labelSection(ctx, 'priority', v.priority.value, [el('div', { 'class': 'why', text: s.why + ': ' + reasons })])
    ];
    if (v.trend) {
      var trend = typeof v.trend === 'object' ? Object.keys(v.trend).filter(function (k) {
        return typeof v.trend[k] !== 'object';
      }).map(function (k) { return k + ': ' + v.trend[k]; }).join(', ') : String(v.trend);
      parts.push(el('section', { id: 'trend' }, [el('h3', { text: s.trend }), el('div', { text: trend })]));
    }
    return parts;
  }

  function whyLine(s, rec) {
    if (!rec.matched || !rec.matched.length) { return rec.why || ''; }
    return s.matched + ': ' + rec.matched.join(', ') + (rec.boosted ? '; ' + s.helped_before : '');
  }

  function titleOf(rec) {
    // Links only to the web: an item's URL comes from the helpdesk, never a script URL.
    return /^https?:\/\//i.test(rec.url || '') ?
      el('a', { href: rec.url, target: '_blank', rel: 'noopener noreferrer', text: rec.title }) :
      el('strong', { text: rec.title });
  }

  function recommendationItem(ctx, rec) {
    var s = ctx.strings, macros = ctx.macros;
    var isMacro = rec.kind === 'macro';
    var kind = isMacro ? s[(macros && macros.kind) || 'kind_macro'] : s.kind_article;
    var item = el('li', { 'class': 'recommendation', 'data-kind': rec.kind, 'data-id': rec.id }, [
      titleOf(rec), el('span', { 'class': 'kind', text: ' \u00b7 ' + kind }),
      el('div', { 'class': 'why', text: whyLine(s, rec) })
    ]);
    if (isMacro && macros && macros.available(rec)) {
      var button = el('button', { type: 'button', 'class': 'use-macro', text: s[macros.action] });
      button.addEventListener('click', function () {
        macros.run(rec).then(function () { ctx.flash(s[macros.done]); }, function () { ctx.flash(s.error); });
      });
      item.appendChild(button);
    }
    return item;
  }

  function knowledgeSection(ctx) {
    var found = ctx.view.recommendations || [];
    if (!found.length) { return null; }
    return el('section', { id: 'recommendations' }, [
      el('h3', { text: ctx.strings.recommendations }),
      el('ul', {}, found.map(function (rec) { return recommendationItem(ctx, rec); }))
    ]);
  }

  function routingSection(ctx) {
    var r = ctx.view.routing, s = ctx.strings;
    if (!r) { return null; }
    var notes = [];
    if (r.outcome === 'kept_existing') { notes.push(s.kept_group); }
    if (r.rule) { notes.push(s.rule + ' ' + r.rule); }
    return el('section', { id: 'routing' }, [
      el('h3', { text: s.routing }),
      el('div', { 'class': 'value', id: 'routing-group',
        text: (r.assigned ? s.assigned_group : s.suggested_group) + ': ' + r.group }),
      notes.length ? el('div', { 'class': 'why', text: notes.join('; ') }) : null
    ]);
  }

  function replySection(ctx) {
    var v = ctx.view, s = ctx.strings;
    var tips = el('ul', { id: 'tips' }, v.tips.map(function (tip) { return el('li', { text: tip }); }));
    var parts = [el('h3', { text: s.tips }), tips];
    if (v.reply) {
      var insert = el('button', { type: 'button', id: 'insert-reply', 'class': 'primary', text: s.insert });
      insert.addEventListener('click', function () {
        ctx.editor.insert(v.reply).then(function () { ctx.flash(s.inserted); }, function () { ctx.flash(s.error); });
      });
      parts.push(el('h3', { text: s.reply }), el('pre', { id: 'reply', text: v.reply }), insert);
    }
    return el('section', { id: 'suggestion' }, parts);
  }

  function findingItem(s, finding) {
    var rule = s['rule_' + finding.rule] || finding.rule;
    return el('li', { 'class': 'finding', 'data-rule': finding.rule }, [
      el('strong', { text: rule }), el('span', { text: ' (\u201c' + finding.phrase + '\u201d)' }),
      el('div', { 'class': 'rewrite', text: s.suggestion + ': ' + (finding.suggestion || s.remove_sentence) })
    ]);
  }

  function checkSection(ctx) {
    var s = ctx.strings;
    var draft = el('textarea', { id: 'draft', rows: '4', placeholder: s.draft_placeholder, 'aria-label': s.draft_label });
    var results = el('div', { id: 'findings' });
    var button = el('button', { type: 'button', id: 'check-reply', text: s.check });
    button.addEventListener('click', function () {
      ctx.editor.currentText().then(function (text) {
        if (text && text.trim()) { draft.value = text; }
        if (!draft.value.trim()) { results.textContent = s.draft_placeholder; return null; }
        return ctx.api.checkReply(draft.value).then(function (answer) {
          results.textContent = '';
          results.appendChild(el('div', { id: 'readability', text: s.readability + ': ' + Math.round(answer.readability) + '/100' }));
          if (answer.ok) { results.appendChild(el('div', { id: 'no-findings', text: s.no_findings })); }
          results.appendChild(el('ul', {}, answer.findings.map(function (f) { return findingItem(s, f); })));
        });
      }).catch(function () { results.textContent = s.error; });
    });
    return el('section', { id: 'check' }, [el('h3', { text: s.check }), draft, button, results]);
  }

  function render(rootNode, ctx) {
    rootNode.textContent = '';
    rootNode.appendChild(el('div', { id: 'flash', role: 'status' }));
    if (!ctx.view) {
      rootNode.appendChild(el('p', { id: 'empty', text: ctx.strings.empty }));
    } else {
      summary(ctx).concat([routingSection(ctx), knowledgeSection(ctx)]).forEach(function (part) {
        if (part) { rootNode.appendChild(part); }
      });
      rootNode.appendChild(replySection(ctx));
    }
    rootNode.appendChild(checkSection(ctx));
  }

  function start(rootNode, options) {
    var ctx = { strings: options.strings, api: options.api, editor: options.editor,
      macros: options.macros || null, view: null };
    ctx.flash = function (message) { rootNode.querySelector('#flash').textContent = message; };
    return options.api.load().then(function (view) {
      ctx.view = view;
      render(rootNode, ctx);
    }, function (error) {
      render(rootNode, ctx);
      if (!error || error.status !== 404) { ctx.flash(ctx.strings.error); }
    });
  }

  root.TactfulSidebar = { start: start };
}(typeof window !== 'undefined' ? window : this));
