'use strict';
// Tactful for Freshdesk: a thin serverless app.
//
// onAppInstall registers the account with Tactful (the platform fills the secure
// API key into the request template; this code never sees it) and keeps the
// per-installation secret Tactful returns in the app's server-side storage.
// Ticket events are forwarded as a small JSON summary (ids and flags, never
// ticket text or emails), signed with HMAC-SHA256 over timestamp + body so
// Tactful can tell them from anyone else's. Tactful fetches the ticket itself.

const crypto = require('crypto');

const STORE_KEY = 'tactful-installation';
const SOURCE = 'tactful-app';
// The only Tactful paths the sidebar may reach through sidebarRequest.
const SIDEBAR_PATH = /^\/sidebar\/freshdesk\/(tickets\/[\w-]{1,64}|feedback|check-reply)(\?[\w=&%.-]*)?$/;

function sign(secret, timestamp, body) {
  return crypto.createHmac('sha256', secret).update(timestamp + body).digest('hex');
}

function signedContext(installation, body) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    installation_id: installation.installation_id,
    timestamp: timestamp,
    signature: sign(installation.webhook_secret, timestamp, body)
  };
}

// Status only: an error's response may echo what we sent.
function describe(error) {
  return (error && error.status) ? 'HTTP ' + error.status : 'no response';
}

async function storedInstallation() {
  try {
    return await $db.get(STORE_KEY);
  } catch (error) {
    return null;   // not registered yet: $db answers 404
  }
}

async function sendSigned(template, summary) {
  const installation = await $db.get(STORE_KEY);
  const body = JSON.stringify(summary);
  return $request.invokeTemplate(template, {
    context: signedContext(installation, body),
    body: body
  });
}

function summaryOf(payload, eventId, ticketId, conversation) {
  const actor = (payload.data && payload.data.actor) || {};
  return {
    source: SOURCE,
    event_id: eventId,
    event: payload.event,
    ticket_id: ticketId,
    account: payload.domain,
    occurred_at: payload.timestamp,
    actor: { id: actor.id, type: actor.type },
    conversation: conversation || null
  };
}

// The sidebar's calls are signed over timestamp, method, path (no query) and body, so a
// signature for one ticket cannot be replayed against another.
function sidebarContext(installation, method, path, body) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const message = timestamp + '\n' + method + '\n' + path.split('?')[0] + '\n' + body;
  return {
    installation_id: installation.installation_id,
    timestamp: timestamp,
    path: path,
    signature: crypto.createHmac('sha256', installation.sidebar_secret)
      .update(message).digest('hex')
  };
}

async function forward(summary) {
  try {
    await sendSigned('forwardEvent', summary);
  } catch (error) {
    console.error('tactful.forward-failed', summary.event, describe(error));
  }
}

exports = {
  onAppInstallHandler: async function (payload) {
    try {
      const domain = (payload.iparams && payload.iparams.freshdesk_domain) || payload.domain;
      const body = JSON.stringify({ domain: domain });
      // Tactful hands the secret only to a proven caller: the app that already holds it
      // (signed), or an account administrator's key (a first install).
      const known = await storedInstallation();
      const reply = await $request.invokeTemplate('registerInstallation', {
        context: known ? signedContext(known, body) : { signature: '', timestamp: '' },
        body: body
      });
      const data = JSON.parse(reply.response);
      if (!data.installation_id || !data.webhook_secret || !data.sidebar_secret) {
        throw { status: reply.status };
      }
      await $db.set(STORE_KEY, {
        installation_id: data.installation_id,
        webhook_secret: data.webhook_secret,
        sidebar_secret: data.sidebar_secret
      });
      renderData();
    } catch (error) {
      // Blocks the install with a reason the admin can act on.
      renderData({ message: 'Tactful could not verify this account (' + describe(error) +
        '). Check the API key and the Tactful URL.' });
    }
  },

  onAppUninstallHandler: async function (payload) {
    try {
      await sendSigned('unregisterInstallation', {
        source: SOURCE, event: 'onAppUninstall', account: payload.domain
      });
      await $db.delete(STORE_KEY);
    } catch (error) {
      console.error('tactful.uninstall-failed', describe(error));
    }
    // Never block an uninstall: Tactful also deletes accounts whose key stops working.
    renderData();
  },

  // SMI: the sidebar (app/scripts/app.js) calls Tactful through here.
  sidebarRequest: async function (args) {
    const method = args.method === 'POST' ? 'POST' : 'GET';
    if (typeof args.path !== 'string' || !SIDEBAR_PATH.test(args.path)) {
      renderData({ status: 400, message: 'not a sidebar path' });
      return;
    }
    try {
      const installation = await $db.get(STORE_KEY);
      const body = method === 'POST' ? JSON.stringify(args.body || {}) : '';
      const reply = await $request.invokeTemplate(method === 'POST' ? 'sidebarPost' : 'sidebarGet', {
        context: sidebarContext(installation, method, args.path, body),
        body: method === 'POST' ? body : undefined
      });
      renderData(null, JSON.parse(reply.response));
    } catch (error) {
      renderData({ status: (error && error.status) || 502, message: describe(error) });
    }
  },

  onTicketCreateHandler: async function (payload) {
    const ticket = payload.data.ticket;
    await forward(summaryOf(payload, 'onTicketCreate:' + ticket.id, ticket.id, null));
  },

  onConversationCreateHandler: async function (payload) {
    const conversation = payload.data.conversation;
    // Only a customer's public message is news; notes and agent replies (ours too) are not.
    if (!conversation.incoming || conversation.private) {
      return;
    }
    await forward(summaryOf(payload, 'onConversationCreate:' + conversation.id,
      conversation.ticket_id, {
        id: conversation.id,
        incoming: conversation.incoming,
        private: conversation.private,
        user_id: conversation.user_id
      }));
  }
};
