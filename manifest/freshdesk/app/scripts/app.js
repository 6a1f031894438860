/* Tactful for Freshdesk: the ticket sidebar. Calls to Tactful go through the app's
 * serverless function `sidebarRequest` (server/server.js), which signs them with the
 * installation's sidebar secret from the app's server-side storage, so the secret never
 * reaches this browser. Strings come from i18n/<locale>.json. */
(function () {
  'use strict';
  var LOCALES = ['en', 'es', 'fr', 'de'];

  function localeOf(raw) {
    var short = String(raw || 'en').slice(0, 2).toLowerCase();
    return LOCALES.indexOf(short) === -1 ? 'en' : short;
  }

  function tactfulApi(client, ticketId, agentId, locale) {
    function call(method, path, body) {
      return client.request.invoke('sidebarRequest', { method: method, path: path, body: body })
        .then(function (data) { return data.response; });
    }
    var ticket = String(ticketId);
    return {
      load: function () {
        return call('GET', '/sidebar/freshdesk/tickets/' + encodeURIComponent(ticket) +
          '?agent_id=' + encodeURIComponent(agentId) + '&locale=' + locale);
      },
      feedback: function (label, verdict, enrichmentId) {
        return call('POST', '/sidebar/freshdesk/feedback', { ticket_id: ticket, label: label,
          verdict: verdict, enrichment_id: enrichmentId, agent_id: String(agentId) });
      },
      checkReply: function (text) {
        return call('POST', '/sidebar/freshdesk/check-reply', { ticket_id: ticket, text: text });
      }
    };
  }

  function editorOf(client) {
    return {
      insert: function (text) {
        return client.interface.trigger('setValue', { id: 'editor', text: text, replace: false });
      },
      // Freshdesk offers no way to read the reply editor: the agent pastes into the box.
      currentText: function () { return Promise.resolve(''); }
    };
  }

  // The SDK inserts text, not a canned response by id: Tactful sends the canned response's
  // indexed text (placeholders such as {{ticket.requester.name}} stay as written).
  function cannedResponsesOf(client) {
    return {
      kind: 'kind_canned', action: 'insert_canned', done: 'inserted',
      available: function (rec) { return Boolean(rec.text); },
      run: function (rec) {
        return client.interface.trigger('setValue', { id: 'editor', text: rec.text, replace: false });
      }
    };
  }

  function start(client) {
    Promise.all([client.data.get('ticket'), client.data.get('loggedInUser')]).then(function (data) {
      var user = data[1].loggedInUser;
      var locale = localeOf(user.contact && user.contact.language);
      document.documentElement.lang = locale;
      return fetch('i18n/' + locale + '.json').then(function (r) { return r.json(); }).then(function (strings) {
        return TactfulSidebar.start(document.getElementById('tactful'), {
          strings: strings, api: tactfulApi(client, data[0].ticket.id, user.id, locale),
          editor: editorOf(client), macros: cannedResponsesOf(client) });
      });
    });
  }

  app.initialized().then(function (client) {
    client.events.on('app.activated', function () { start(client); });
  });
}());
