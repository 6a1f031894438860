"""The demo's second part: customer memory, a proactive alert, routing and recommendations.

Everything goes the way a real ticket goes (sandbox webhook -> web -> worker ->
write-back); this module only sets the scene and reads the outcome back from where an
agent and an alert channel would see it: the sandbox's tickets and notes, and a small
webhook receiver in this process standing in for a Slack incoming webhook.

The scene, in a fresh sandbox account of the demo's helpdesk (installation settings put
through the admin API, the sandbox's help centre indexed as `tactful knowledge refresh`
does):
- a customer writes twice about the same billing problem, on two tickets;
- a VIP writes twice the same day about leaving (alerts are on for `at_risk` only);
- a routing rule sends billing to the "Billing" group, here and in a sandbox account of
  each other helpdesk.
"""
from __future__ import annotations

import os
import re
import secrets
import time
from dataclasses import dataclass, field

import click
import requests

from integration.sandbox.alert_receiver import AlertReceiver

REPEAT = ({"name": "Nadia Brooks", "email": "nadia.brooks@example.org"},
          "I was billed twice for my subscription this month and my invoice is wrong. "
          "Please refund the extra charge.",
          "My invoice is wrong again: you charged my card twice for the same plan.")
VIP = ({"name": "Victor Hale", "email": "victor.hale@example.org"},
       "I'm cancelling my subscription and switching to a competitor. Your billing failed "
       "again and I am done with this.",
       "Still no answer. If my account is not sorted today I am moving to another provider.")
ROUTED = ({"name": "Owen Price", "email": "owen.price@example.org"},
          "Could you move the charge on my invoice to our new company card? The bill went "
          "to the old one.")
ROUTING = {"mode": "assign", "rules": [{"when": {"topic": "billing"}, "group": "Billing"}]}
REPEAT_TAG, AT_RISK_TAG = "tactful_customer_repeat_topic", "tactful_customer_at_risk"
REPEAT_WORDS = "contact us about this before"     # the draft's repeat-contact sentence
ALERT_QUIET_S = 1.5   # after the VIP's last message, for a second alert to show if one were sent
TIMEOUT_S = 90.0


@dataclass
class Place:
    """One sandbox account the scene uses, and its installation in Tactful."""

    vendor: str
    account: str
    installation_id: str


@dataclass
class MemoryScene:
    """What the scene sent where, and what it read back afterwards."""

    provider: str
    places: dict[str, Place]
    receiver_url: str = ""
    indexed: int = 0
    repeat: tuple[str, str] = ("", "")          # Nadia's first and second ticket
    vip_ticket: str = ""
    vip_messages: int = 0                       # Victor's messages Tactful remembered
    routed: dict[str, str] = field(default_factory=dict)      # vendor -> ticket id
    views: dict[tuple[str, str], dict] = field(default_factory=dict)
    alerts: list[dict] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)     # vendor -> why

    def view(self, vendor: str, ticket_id: str) -> dict:
        return self.views.get((vendor, str(ticket_id))) or {}


def service_env(environ=None) -> tuple[dict[str, str], dict[str, str]]:
    """Environment the service's processes need for the scene, and the helpdesks left out.

    The alert receiver is on loopback, hence TACTFUL_ALERTS_ALLOW_LOOPBACK. A sandbox
    vendor's app-level secrets (Intercom's) are added unless already set to something
    else: a real app's secret is never overridden, that helpdesk is left out instead."""
    from integration.sandbox.core import load_vendors
    environ = os.environ if environ is None else environ
    env, skipped = {"TACTFUL_ALERTS_ALLOW_LOOPBACK": "1"}, {}
    for name, vendor in load_vendors().items():
        clash = sorted(k for k, v in vendor.service_env.items() if environ.get(k, v) != v)
        if clash:
            skipped[name] = f"{', '.join(clash)} is set to your own app's"
        else:
            env.update(vendor.service_env)
    return env, skipped


def run_scene(app, running_sandbox, base_url: str, admin_token: str, provider: str,
              skipped: dict[str, str] | None = None) -> MemoryScene:
    """Install, configure, send the scene's tickets and wait for what they lead to."""
    from integration.sandbox.core import load_vendors
    vendors = [v for v in load_vendors() if v not in (skipped or {}) or v == provider]
    receiver = AlertReceiver().start()
    try:
        account = f"memory-{secrets.token_hex(3)}"
        scene = MemoryScene(provider, {v: _install(app, running_sandbox, v, account, base_url)
                                       for v in vendors},
                            receiver_url=receiver.url, skipped=dict(skipped or {}))
        _configure(app, scene, base_url, admin_token)
        _play(app, running_sandbox.sandbox, scene, receiver)
    finally:
        receiver.stop()
    return scene


def _install(app, running_sandbox, vendor: str, account: str, base_url: str) -> Place:
    from integration.sandbox.core import VENDORS
    module = VENDORS[vendor]
    credentials = module.create_account(running_sandbox.sandbox, account)
    return Place(vendor, account, module.install(app, running_sandbox.base_url, credentials,
                                                 base_url))


def _configure(app, scene: MemoryScene, base_url: str, admin_token: str) -> None:
    """Settings through the admin API, as an admin would; the main account's knowledge
    indexed from the sandbox's help centre."""
    from integration.pipeline import knowledge
    from integration.runtime import database, keyring
    for vendor, place in scene.places.items():
        settings = {"routing": ROUTING}
        if vendor == scene.provider:
            settings.update(policy={"vip_tags": ["vip"]},
                            alerts={"webhook_url": scene.receiver_url, "on": ["at_risk"]})
        answer = requests.put(f"{base_url}/api/admin/installations/{place.installation_id}"
                              "/settings", json=settings, timeout=10,
                              headers={"Authorization": f"Bearer {admin_token}"})
        if answer.status_code != 200:
            raise click.ClickException(f"the admin API refused the demo's {vendor} settings "
                                       f"({answer.status_code}): {answer.text[:300]}")
    main = scene.places[scene.provider]
    scene.indexed = knowledge.refresh(database(app), keyring(app), main.installation_id)


def _play(app, sandbox, scene: MemoryScene, receiver: AlertReceiver) -> None:
    """Second messages go in once the first is remembered, so memory has something to
    remember; then wait until every outcome is visible (or the time is up)."""
    from integration.sandbox.core import VENDORS
    main = scene.places[scene.provider]
    first = _open(sandbox, main, REPEAT[0], REPEAT[1], "Invoice charged twice")
    scene.vip_ticket = _open(sandbox, main, VIP[0], VIP[1], "Cancelling", tags=["vip"])
    scene.routed = {v: _open(sandbox, p, ROUTED[0], ROUTED[1], "Card for invoices")
                    for v, p in scene.places.items() if v != scene.provider}
    second, replied, quiet_from = "", False, None
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if not second and _remembered(app, main, first):
            second = scene.routed[scene.provider] = _open(
                sandbox, main, REPEAT[0], REPEAT[2], "Charged twice again")
        if not replied and _remembered(app, main, scene.vip_ticket):
            VENDORS[scene.provider].add_reply(sandbox, main.account, scene.vip_ticket, VIP[2])
            replied = True
        if quiet_from is None and _remembered(app, main, scene.vip_ticket) >= 2:
            quiet_from = time.monotonic()
        if second and quiet_from and time.monotonic() >= quiet_from + ALERT_QUIET_S \
                and receiver.alerts() and _remembered(app, main, second) \
                and _routed(sandbox, scene):
            break
        time.sleep(0.2)
    scene.repeat = (first, second)
    scene.vip_messages = _remembered(app, main, scene.vip_ticket)
    scene.alerts = receiver.alerts()
    _read_views(sandbox, scene)


def _open(sandbox, place: Place, who: dict, body: str, subject: str, tags=()) -> str:
    from integration.sandbox.core import VENDORS
    return str(VENDORS[place.vendor].create_ticket(sandbox, place.account, {
        "subject": subject, "body": body, "requester": who, "tags": list(tags)}))


def _remembered(app, place: Place, ticket_id: str) -> int:
    """Messages of the ticket in customer memory: written after its note is in the helpdesk."""
    from sqlalchemy import func, select

    from integration.runtime import database
    from integration.store.models import CustomerMessage
    with database(app).session() as session:
        return session.scalar(select(func.count()).select_from(CustomerMessage).where(
            CustomerMessage.installation_id == place.installation_id,
            CustomerMessage.ticket_id == str(ticket_id))) or 0


def _routed(sandbox, scene: MemoryScene) -> bool:
    from integration.sandbox.core import VENDORS
    return all(VENDORS[v].ticket_view(sandbox, scene.places[v].account, t).get("group")
               is not None for v, t in scene.routed.items())


def _read_views(sandbox, scene: MemoryScene) -> None:
    from integration.sandbox.core import VENDORS
    wanted = [(scene.provider, t) for t in (*scene.repeat, scene.vip_ticket) if t]
    wanted += [(v, t) for v, t in scene.routed.items() if t]
    for vendor, ticket_id in wanted:
        scene.views[(vendor, ticket_id)] = VENDORS[vendor].ticket_view(
            sandbox, scene.places[vendor].account, ticket_id)


def recommended_titles(note: str) -> list[str]:
    """Titles from the note's "Suggested help (Tactful):" block, as an agent reads them."""
    _, _, block = note.partition("Suggested help (Tactful):")
    found = re.findall(r"^- \[(?:article|macro)\] (.+?) (?:https?://\S+|\(id [^)]*\)) \(",
                       block, flags=re.MULTILINE)
    return found


def routed_group_name(note: str) -> str | None:
    """The group the note says the ticket was assigned to ("Routing (Tactful): …")."""
    found = re.search(r"Routing \(Tactful\): Assigned to (.+?) \(rule \d+\)\.", note)
    return found.group(1) if found else None


def repeat_sentence(note: str) -> str | None:
    found = re.search(rf"[^.!?\n]*{REPEAT_WORDS}[^.!?\n]*[.!?]?", note)
    return found.group(0).strip() if found else None


GROUP_FIELD = {"zendesk": "group_id", "freshdesk": "group_id", "intercom": "team"}
KNOWLEDGE = {"zendesk": "Help Center articles and macros",
             "freshdesk": "solution articles and canned responses",
             "intercom": "Help Center articles"}


def _our_note(view: dict) -> str:
    """Tactful's latest note on the ticket (each carries its op marker)."""
    ours = [n for n in view.get("notes") or [] if "tactful-op:" in n]
    return ours[-1] if ours else ""


def facts(scene: MemoryScene) -> dict:
    """What the scene shows, read from the sandbox's tickets and the receiver's alerts."""
    first, second = (scene.view(scene.provider, t) for t in scene.repeat)
    vip = scene.view(scene.provider, scene.vip_ticket)
    return {
        "provider": scene.provider, "account": scene.places[scene.provider].account,
        "indexed": scene.indexed,
        "repeat": {"tickets": list(scene.repeat),
                   "flagged": [REPEAT_TAG in v.get("tags", []) for v in (first, second)],
                   "draft": repeat_sentence(_our_note(second))},
        "alert": {"ticket": scene.vip_ticket, "messages": scene.vip_messages,
                  "at_risk": AT_RISK_TAG in vip.get("tags", []),
                  "received": len(scene.alerts), "url": scene.receiver_url,
                  "payloads": list(scene.alerts)},
        "routing": {v: {"ticket": t, "group_id": scene.view(v, t).get("group"),
                        "group": routed_group_name(_our_note(scene.view(v, t)))}
                    for v, t in sorted(scene.routed.items())},
        "recommendations": {"ticket": scene.repeat[1],
                            "titles": recommended_titles(_our_note(second))},
        "skipped": dict(scene.skipped),
    }


def summary_lines(found: dict) -> list[str]:
    """One line per feature, for someone who has never seen Tactful."""
    repeat, alert, recs = found["repeat"], found["alert"], found["recommendations"]
    flagged = [f"ticket {t} " + (f"tagged {REPEAT_TAG}" if f else "not flagged")
               for t, f in zip(repeat["tickets"], repeat["flagged"], strict=True)]
    draft = f'; its draft: "{_cut(repeat["draft"], 60)}"' if repeat["draft"] else \
        "; its draft does not say so"
    # The payload's text: "<headline> (<account>). <reasons>. Priority <p>."
    why = str(alert["payloads"][0].get("text", "")).partition(". ")[2].rpartition(
        ". Priority")[0] if alert["payloads"] else ""
    routed = [f"{v} {GROUP_FIELD.get(v, 'group')} {r['group_id']}"
              if r["group_id"] is not None else f"{v} not assigned"
              for v, r in sorted(found["routing"].items(), key=lambda i: _vendor_order(i[0]))]
    routed += [f"{v} skipped ({why})" for v, why in sorted(found["skipped"].items())]
    return [
        f"In sandbox account {found['account']} (settings put through the admin API; "
        f"{found['indexed']} {KNOWLEDGE.get(found['provider'], 'knowledge items')} indexed):",
        f"  repeat customer  {REPEAT[0]['name']} wrote twice about billing: "
        f"{', '.join(flagged)}{draft}",
        f"  proactive alert  {VIP[0]['name']} (VIP) wrote {alert['messages']} messages today "
        f"on ticket {alert['ticket']}" + (", tagged at risk" if alert["at_risk"] else "")
        + f"; the demo's alert webhook received {alert['received']}"
        + (f' (why: "{_cut(why, 60)}")' if why else ""),
        "  routing          rule topic=billing -> group \"Billing\", assigned in each helpdesk: "
        + ", ".join(routed),
        f"  recommendations  ticket {recs['ticket']}'s note suggests: "
        + (" | ".join(recs["titles"]) or "nothing"),
    ]


def _vendor_order(vendor: str) -> int:
    return list(GROUP_FIELD).index(vendor) if vendor in GROUP_FIELD else len(GROUP_FIELD)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
