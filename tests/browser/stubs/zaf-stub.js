/* Test-only stand-in for the ZAF SDK: records every call in window.__zafCalls and plays
 * Zendesk's proxy for secure requests (fills {{jwt.token}} with an HS256 JWT signed with
 * the secure setting's value, which the test passes in the page's ?stub= parameter). */
(function () {
  'use strict';
  var cfg = TestSigning.config();
  var calls = window.__zafCalls = [];
  var values = {
    'ticket.id': cfg.ticketId, 'currentUser.id': cfg.agentId, 'currentUser.locale': cfg.locale,
    'ticket.comment.text': cfg.editorText || ''
  };
  var client = {
    metadata: function () { return Promise.resolve({ settings: { tactful_url: cfg.tactfulUrl } }); },
    context: function () { return Promise.resolve({ account: { subdomain: cfg.account } }); },
    get: function (paths) {
      calls.push(['get', paths]);
      var out = {};
      [].concat(paths).forEach(function (p) { out[p] = values[p]; });
      return Promise.resolve(out);
    },
    request: function (options) {
      calls.push(['request', { url: options.url, type: options.type, secure: options.secure,
        jwt: options.jwt, headers: options.headers }]);
      if (!options.secure || options.jwt.secret_key !== '{{setting.shared_secret}}') {
        return Promise.reject({ status: 0, reason: 'not a secure request' });
      }
      var now = Math.floor(Date.now() / 1000);
      var claims = Object.assign({ iat: now, exp: now + options.jwt.expiry }, options.jwt.claims);
      return TestSigning.jwtHS256(claims, cfg.secret).then(function (token) {
        var headers = { 'Content-Type': options.contentType };
        Object.keys(options.headers).forEach(function (k) {
          headers[k] = options.headers[k].replace('{{jwt.token}}', token);
        });
        return fetch(options.url, { method: options.type, headers: headers, body: options.data });
      }).then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { throw { status: response.status, responseJSON: body }; }
          return body;
        });
      });
    },
    invoke: function (name, argument) { calls.push(['invoke', name, argument]); return Promise.resolve({}); },
    on: function (event, callback) { if (event === 'app.registered') { setTimeout(callback, 0); } }
  };
  window.ZAFClient = { init: function () { return client; } };
}());
