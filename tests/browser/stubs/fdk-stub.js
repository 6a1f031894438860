/* Test-only stand-in for the Freshworks client: records every call in window.__fdkCalls,
 * and plays the app's serverless `sidebarRequest` function (server.js), which signs each
 * call with the installation's sidebar secret, as the test passes it in ?stub=. */
(function () {
  'use strict';
  var cfg = TestSigning.config();
  var calls = window.__fdkCalls = [];
  function sidebarRequest(args) {
    var body = args.body ? JSON.stringify(args.body) : '';
    var path = args.path.split('?')[0];
    var stamp = String(Math.floor(Date.now() / 1000));
    return TestSigning.hmacHex(cfg.secret, stamp + '\n' + args.method + '\n' + path + '\n' + body)
      .then(function (signature) {
        return fetch(cfg.tactfulUrl + args.path, { method: args.method, body: body || undefined, headers: {
          'Content-Type': 'application/json', 'X-Tactful-Installation': cfg.installationId,
          'X-Tactful-Timestamp': stamp, 'X-Tactful-Signature': signature } });
      }).then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { throw { status: response.status, message: JSON.stringify(data) }; }
          return { response: data };
        });
      });
  }
  var client = {
    data: { get: function (name) {
      calls.push(['data.get', name]);
      if (name === 'ticket') { return Promise.resolve({ ticket: { id: Number(cfg.ticketId) } }); }
      if (name === 'loggedInUser') {
        return Promise.resolve({ loggedInUser: { id: Number(cfg.agentId), contact: { language: cfg.locale } } });
      }
      return Promise.reject({ status: 404 });
    } },
    events: { on: function (event, callback) { if (event === 'app.activated') { setTimeout(callback, 0); } } },
    request: { invoke: function (name, args) {
      calls.push(['request.invoke', name, args]);
      return name === 'sidebarRequest' ? sidebarRequest(args) : Promise.reject({ status: 404 });
    } },
    interface: { trigger: function (name, options) { calls.push(['interface.trigger', name, options]); return Promise.resolve({}); } }
  };
  window.app = { initialized: function () { return Promise.resolve(client); } };
}());
