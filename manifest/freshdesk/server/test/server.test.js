'use strict';
// The serverless handlers, run as the Freshworks platform runs them: server.js
// evaluated with the platform's globals ($request, $db, renderData) stubbed.
// Run with `node --test manifest/freshdesk/server/test/`.

const test = require('node:test');
const assert = require('node:assert');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const APP = path.join(__dirname, '..', '..');
const SERVER = path.join(APP, 'server', 'server.js');
const SOURCE = fs.readFileSync(SERVER, 'utf8');
const Module = require('node:module');
const SECRET = 'per-installation-secret';
const SIDEBAR_SECRET = 'per-installation-sidebar-secret';

function platform(options) {
  const settings = options || {};
  const calls = { requests: [], rendered: [], stored: {}, deleted: [], errors: [], data: [] };
  const $request = {
    invokeTemplate: async function (name, request) {
      calls.requests.push({ name: name, request: request });
      if (settings.fail) {
        throw { status: settings.fail, response: '{"error": "x"}' };
      }
      return { status: 201, headers: {}, response: JSON.stringify(settings.reply || {}) };
    }
  };
  const $db = {
    get: async function (key) {
      if (!(key in calls.stored)) { throw { status: 404, message: 'Record not found' }; }
      return calls.stored[key];
    },
    set: async function (key, value) { calls.stored[key] = value; return { Created: true }; },
    delete: async function (key) { calls.deleted.push(key); delete calls.stored[key]; }
  };
  const platformGlobals = {
    $request: $request, $db: $db,
    renderData: function (error, data) {
      calls.rendered.push(error || null);
      if (data !== undefined) { calls.data.push(data); }
    }
  };
  Object.assign(globalThis, platformGlobals);
  console.error = function () { calls.errors.push(Array.from(arguments)); };
  // Compiled as a module from its own path (so coverage counts server.js) with the
  // platform's globals in place; FDK apps assign `exports = {…}`, read back at the end.
  const loaded = new Module(SERVER, module);
  loaded.paths = module.paths;
  loaded._compile(SOURCE + '\nmodule.exports = exports;\n', SERVER);
  const context = { exports: loaded.exports };
  if (settings.installed) {
    calls.stored['tactful-installation'] = { installation_id: 'in_abc', webhook_secret: SECRET,
      sidebar_secret: SIDEBAR_SECRET };
  }
  return { handlers: context.exports, calls: calls };
}

function verifySignature(request) {
  const ctx = request.context;
  const expected = crypto.createHmac('sha256', SECRET)
    .update(ctx.timestamp + request.body).digest('hex');
  assert.strictEqual(ctx.signature, expected);
  assert.ok(Math.abs(Number(ctx.timestamp) - Date.now() / 1000) < 5);
}

const conversationEvent = {
  event: 'onConversationCreate', domain: 'acme.freshdesk.com', timestamp: 1768212161000,
  region: 'US', account_id: '13',
  data: {
    conversation: { id: 7001, ticket_id: 11, incoming: true, private: false, user_id: 5000001,
      body_text: 'Still nothing. I want a refund.' },
    actor: { id: 5000001, type: 'contact', name: 'Rachel', email: 'rachel@example.com' }
  }
};

test('every handler the manifest names is exported by server.js', function () {
  const manifest = JSON.parse(fs.readFileSync(path.join(APP, 'manifest.json'), 'utf8'));
  const { handlers } = platform();
  for (const module of Object.values(manifest.modules)) {
    for (const event of Object.values(module.events || {})) {
      assert.strictEqual(typeof handlers[event.handler], 'function', event.handler);
    }
  }
});

test('onAppInstall registers the domain and keeps the returned secret', async function () {
  const { handlers, calls } = platform({
    reply: { installation_id: 'in_abc', webhook_secret: SECRET, webhook_url: 'u',
      sidebar_secret: SIDEBAR_SECRET }
  });
  await handlers.onAppInstallHandler({ iparams: { freshdesk_domain: 'acme.freshdesk.com' } });
  assert.strictEqual(calls.requests.length, 1);
  assert.strictEqual(calls.requests[0].name, 'registerInstallation');
  assert.deepStrictEqual(JSON.parse(calls.requests[0].request.body),
    { domain: 'acme.freshdesk.com' });
  // Through JSON: the object was made inside the app's own realm (vm context).
  assert.deepStrictEqual(JSON.parse(JSON.stringify(calls.stored['tactful-installation'])),
    { installation_id: 'in_abc', webhook_secret: SECRET, sidebar_secret: SIDEBAR_SECRET });
  assert.deepStrictEqual(calls.rendered, [null]);
});

test('a first install is sent unsigned: the admin key is the proof', async function () {
  const { handlers, calls } = platform({
    reply: { installation_id: 'in_abc', webhook_secret: SECRET }
  });
  await handlers.onAppInstallHandler({ iparams: { freshdesk_domain: 'acme.freshdesk.com' } });
  assert.strictEqual(calls.requests[0].request.context.signature, '');
});

test('re-registering signs with the stored secret, proving it is the installed app',
  async function () {
    const { handlers, calls } = platform({
      installed: true, reply: { installation_id: 'in_abc', webhook_secret: SECRET }
    });
    await handlers.onAppInstallHandler({ iparams: { freshdesk_domain: 'acme.freshdesk.com' } });
    verifySignature(calls.requests[0].request);
  });

test('onAppInstall blocks the install with a reason when Tactful refuses', async function () {
  const { handlers, calls } = platform({ fail: 401 });
  await handlers.onAppInstallHandler({ iparams: { freshdesk_domain: 'acme.freshdesk.com' } });
  assert.strictEqual(calls.rendered.length, 1);
  assert.match(calls.rendered[0].message, /HTTP 401/);
  assert.deepStrictEqual(calls.stored, {});
});

test('onAppInstall blocks the install when the answer has no secret', async function () {
  const { handlers, calls } = platform({ reply: { installation_id: 'in_abc' } });
  await handlers.onAppInstallHandler({ domain: 'acme.freshdesk.com', iparams: {} });
  assert.ok(calls.rendered[0] && calls.rendered[0].message);
  assert.deepStrictEqual(calls.stored, {});
});

test('a public customer reply is forwarded signed, without its text', async function () {
  const { handlers, calls } = platform({ installed: true });
  await handlers.onConversationCreateHandler(conversationEvent);
  assert.strictEqual(calls.requests.length, 1);
  const { name, request } = calls.requests[0];
  assert.strictEqual(name, 'forwardEvent');
  assert.strictEqual(request.context.installation_id, 'in_abc');
  verifySignature(request);
  const body = JSON.parse(request.body);
  assert.deepStrictEqual(body, {
    source: 'tactful-app', event_id: 'onConversationCreate:7001',
    event: 'onConversationCreate', ticket_id: 11, account: 'acme.freshdesk.com',
    occurred_at: 1768212161000, actor: { id: 5000001, type: 'contact' },
    conversation: { id: 7001, incoming: true, private: false, user_id: 5000001 }
  });
  assert.ok(!request.body.includes('refund') && !request.body.includes('@'));
});

test('notes and agent replies are not forwarded', async function () {
  const { handlers, calls } = platform({ installed: true });
  for (const change of [{ private: true }, { incoming: false }]) {
    const event = structuredClone(conversationEvent);
    Object.assign(event.data.conversation, change);
    await handlers.onConversationCreateHandler(event);
  }
  assert.strictEqual(calls.requests.length, 0);
});

test('a new ticket is forwarded signed with a stable event id', async function () {
  const { handlers, calls } = platform({ installed: true });
  await handlers.onTicketCreateHandler({
    event: 'onTicketCreate', domain: 'acme.freshdesk.com', timestamp: 1768210200000,
    data: { ticket: { id: 11, subject: 'Charged twice', description_text: 'secret text' },
      requester: { email: 'rachel@example.com' }, actor: { id: 5000001, type: 'contact' } }
  });
  const { request } = calls.requests[0];
  verifySignature(request);
  const body = JSON.parse(request.body);
  assert.strictEqual(body.event_id, 'onTicketCreate:11');
  assert.strictEqual(body.ticket_id, 11);
  assert.strictEqual(body.conversation, null);
  assert.ok(!request.body.includes('Charged') && !request.body.includes('secret text'));
});

test('a failed forward is logged by status only and does not throw', async function () {
  const { handlers, calls } = platform({ installed: true, fail: 503 });
  await handlers.onConversationCreateHandler(conversationEvent);
  assert.deepStrictEqual(calls.errors, [['tactful.forward-failed', 'onConversationCreate',
    'HTTP 503']]);
});

test('onAppUninstall unregisters signed, forgets the secret, never blocks', async function () {
  const { handlers, calls } = platform({ installed: true });
  await handlers.onAppUninstallHandler({ domain: 'acme.freshdesk.com' });
  const { name, request } = calls.requests[0];
  assert.strictEqual(name, 'unregisterInstallation');
  verifySignature(request);
  assert.deepStrictEqual(calls.deleted, ['tactful-installation']);
  assert.deepStrictEqual(calls.rendered, [null]);
});

test('onAppUninstall still completes when Tactful is unreachable', async function () {
  const { handlers, calls } = platform({ installed: true, fail: 502 });
  await handlers.onAppUninstallHandler({ domain: 'acme.freshdesk.com' });
  assert.deepStrictEqual(calls.rendered, [null]);
  assert.strictEqual(calls.errors.length, 1);
});

function verifySidebarSignature(request, method, body) {
  const ctx = request.context;
  const message = ctx.timestamp + '\n' + method + '\n' + ctx.path.split('?')[0] + '\n' + body;
  const expected = crypto.createHmac('sha256', SIDEBAR_SECRET).update(message).digest('hex');
  assert.strictEqual(ctx.signature, expected);
  assert.strictEqual(ctx.installation_id, 'in_abc');
}

test('sidebarRequest GET signs method and path with the sidebar secret', async function () {
  const { handlers, calls } = platform({ installed: true, reply: { ticket_id: '11' } });
  await handlers.sidebarRequest({ method: 'GET', path: '/sidebar/freshdesk/tickets/11?agent_id=5&locale=de' });
  const { name, request } = calls.requests[0];
  assert.strictEqual(name, 'sidebarGet');
  assert.strictEqual(request.body, undefined);
  verifySidebarSignature(request, 'GET', '');
  assert.deepStrictEqual(calls.rendered, [null]);
  assert.deepStrictEqual(JSON.parse(JSON.stringify(calls.data)), [{ ticket_id: '11' }]);
});

test('sidebarRequest POST signs the body it sends', async function () {
  const { handlers, calls } = platform({ installed: true, reply: { id: 1 } });
  const feedback = { ticket_id: '11', label: 'sentiment', verdict: 'wrong' };
  await handlers.sidebarRequest({ method: 'POST', path: '/sidebar/freshdesk/feedback', body: feedback });
  const { name, request } = calls.requests[0];
  assert.strictEqual(name, 'sidebarPost');
  assert.deepStrictEqual(JSON.parse(request.body), feedback);
  verifySidebarSignature(request, 'POST', request.body);
});

test('sidebarRequest refuses any path but the sidebar API', async function () {
  const { handlers, calls } = platform({ installed: true });
  for (const path of ['/api/admin/installations', '/sidebar/zendesk/tickets/1',
    '/sidebar/freshdesk/tickets/../../admin', 42]) {
    await handlers.sidebarRequest({ method: 'GET', path: path });
  }
  assert.strictEqual(calls.requests.length, 0);
  assert.ok(calls.rendered.every(function (e) { return e && e.status === 400; }));
});

test('sidebarRequest passes Tactful errors back by status only', async function () {
  const { handlers, calls } = platform({ installed: true, fail: 404 });
  await handlers.sidebarRequest({ method: 'GET', path: '/sidebar/freshdesk/tickets/11' });
  assert.deepStrictEqual(JSON.parse(JSON.stringify(calls.rendered)),
    [{ status: 404, message: 'HTTP 404' }]);
});

test('sidebarRequest before install answers an error, not a crash', async function () {
  const { handlers, calls } = platform();
  await handlers.sidebarRequest({ method: 'GET', path: '/sidebar/freshdesk/tickets/11' });
  assert.strictEqual(calls.requests.length, 0);
  assert.strictEqual(calls.rendered[0].status, 404);
});

test('sidebarRequest POST without a body sends an empty object', async function () {
  const { handlers, calls } = platform({ installed: true, reply: {} });
  await handlers.sidebarRequest({ method: 'POST', path: '/sidebar/freshdesk/check-reply' });
  assert.strictEqual(calls.requests[0].request.body, '{}');
  verifySidebarSignature(calls.requests[0].request, 'POST', '{}');
});

test('an event without an actor is forwarded with an empty actor', async function () {
  const { handlers, calls } = platform({ installed: true });
  await handlers.onTicketCreateHandler({ event: 'onTicketCreate', domain: 'acme.freshdesk.com',
    timestamp: 1, data: { ticket: { id: 12 } } });
  assert.deepStrictEqual(JSON.parse(calls.requests[0].request.body).actor, {});
});
