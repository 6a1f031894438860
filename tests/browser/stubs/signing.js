/* Test-only: HMAC-SHA256 in the browser (Web Crypto), standing in for what the vendors'
 * servers do with a secret the page itself never holds in production. */
(function () {
  'use strict';
  var encoder = new TextEncoder();
  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  function base64url(bytes) {
    var text = typeof bytes === 'string' ? bytes : String.fromCharCode.apply(null, new Uint8Array(bytes));
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function hmac(secret, message) {
    return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' },
      false, ['sign']).then(function (key) { return crypto.subtle.sign('HMAC', key, encoder.encode(message)); });
  }
  window.TestSigning = {
    hmacHex: function (secret, message) { return hmac(secret, message).then(hex); },
    jwtHS256: function (claims, secret) {
      var head = base64url(unescape(encodeURIComponent(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))));
      var body = base64url(unescape(encodeURIComponent(JSON.stringify(claims))));
      return hmac(secret, head + '.' + body).then(function (sig) { return head + '.' + body + '.' + base64url(sig); });
    },
    config: function () {
      return JSON.parse(atob(new URLSearchParams(location.search).get('stub')));
    }
  };
}());
