/* Tactful for Zendesk: the ticket sidebar. Every call to Tactful is a ZAF secure request:
 * Zendesk's proxy fills in the secure `shared_secret` setting and signs a short-lived
 * HS256 JWT (iss = this account, aud = the Tactful URL, sub = the agent), so the secret
 * never reaches this browser. Strings come from i18n/<locale>.json. */
(function () {
  'use strict';
  var LOCALES = ['en', 'es', 'fr', 'de'];
  var client = ZAFClient.init();

  function localeOf(raw) {
    var short = String(raw || 'en').slice(0, 2).toLowerCase();
    return LOCALES.indexOf(short) === -1 ? 'en' : short;
  }

  function loadStrings(locale) {
    return fetch('i18n/' + locale + '.json').then(function (r) { return r.json(); });
  }

  function tactfulApi(base, account, agentId) {
    function call(method, path, body) {
      return client.request({
        url: base + path, type: method, contentType: 'application/json', dataType: 'json',
        data: body ? JSON.stringify(body) : undefined, secure: true, cors: false,
        headers: { Authorization: 'Bearer {{jwt.token}}' },
        jwt: {
          algorithm: 'HS256', secret_key: '{{setting.shared_secret}}', expiry: 300,
          claims: { iss: 'https://' + account + '.zendesk.com', aud: base, sub: String(agentId) }
        }
      });
    }
    return function (ticketId) {
      var ticket = encodeURIComponent(ticketId);
      return {
        load: function () { return call('GET', '/sidebar/zendesk/tickets/' + ticket); },
        feedback: function (label, verdict, enrichmentId) {
          return call('POST', '/sidebar/zendesk/feedback', {
            ticket_id: String(ticketId), label: label, verdict: verdict, enrichment_id: enrichmentId });
        },
        checkReply: function (text) {
          return call('POST', '/sidebar/zendesk/check-reply', { ticket_id: String(ticketId), text: text });
        }
      };
    };
  }

  var editor = {
    insert: function (text) { return client.invoke('ticket.editor.insert', text); },
    currentText: function () {
      return client.get('ticket.comment.text').then(function (data) { return data['ticket.comment.text'] || ''; });
    }
  };

  // A recommended macro is applied as the agent would from the macro menu: the ticket
  // sidebar's `macro` action (ZAF), with the macro's id; the agent reviews, then submits.
  var macros = {
    kind: 'kind_macro', action: 'apply_macro', done: 'macro_applied',
    available: function () { return true; },
    run: function (rec) { return client.invoke('macro', /^\d+$/.test(rec.id) ? Number(rec.id) : rec.id); }
  };

  function start() {
    Promise.all([client.metadata(), client.context(),
      client.get(['ticket.id', 'currentUser.id', 'currentUser.locale'])]).then(function (answers) {
      var settings = answers[0].settings || {};
      var base = String(settings.tactful_url || '').replace(/\/+$/, '');
      var data = answers[2];
      var api = tactfulApi(base, answers[1].account.subdomain, data['currentUser.id']);
      return loadStrings(localeOf(data['currentUser.locale'])).then(function (strings) {
        document.documentElement.lang = localeOf(data['currentUser.locale']);
        return TactfulSidebar.start(document.getElementById('tactful'), {
          strings: strings, api: api(data['ticket.id']), editor: editor, macros: macros });
      });
    }).then(function () { client.invoke('resize', { width: '100%', height: '640px' }); });
  }

  client.on('app.registered', start);
}());
