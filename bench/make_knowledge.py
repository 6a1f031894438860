"""Writes integration/sandbox/knowledge/articles.json: the sample knowledge base (200 articles)
and a labelled ticket for each, used by the sandbox and by bench/recommend.py.

Each article is one (product area, task) pair. Articles use the help centre's words; the
labelled tickets use a customer's words for the same thing (synonyms, other phrasing), so
the benchmark measures matching across vocabulary, not copying. Run it again after editing.
"""
from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "integration/sandbox/knowledge/articles.json"

# area: (help-centre noun, customer's word for it, a detail only this area has)
AREAS = {
    "password": ("password", "login code", "the reset email expires after one hour"),
    "two_factor": ("two-factor authentication", "6-digit verification code from my phone",
                   "backup codes can be printed from Security settings"),
    "invoice": ("invoice", "bill", "invoices are issued on the first day of the month"),
    "refund": ("refund", "money back", "refunds reach the card within five to ten days"),
    "subscription": ("subscription plan", "membership", "plan changes are prorated daily"),
    "cancellation": ("account cancellation", "closing my account for good",
                     "data is kept for thirty days after closing"),
    "shipping": ("shipment", "parcel", "tracking numbers appear once the courier scans it"),
    "returns": ("return label", "sending the item back", "returns are free within 30 days"),
    "mobile_app": ("mobile app", "phone application", "the app needs iOS 16 or Android 11"),
    "sync": ("calendar sync", "my meetings not showing up",
             "sync runs every fifteen minutes for Google and Outlook"),
    "export": ("data export", "downloading all my records", "exports arrive as a CSV zip"),
    "import": ("spreadsheet import", "uploading my contacts list",
               "the importer reads the first sheet only"),
    "notifications": ("email notifications", "too many emails from you",
                      "digest mode sends one summary a day"),
    "api": ("API key", "developer token", "keys are scoped per workspace"),
    "integrations": ("Slack integration", "chat app connection",
                     "the Slack app posts to one channel per project"),
    "team": ("team members", "colleagues", "admins can invite up to 50 seats"),
    "privacy": ("personal data request", "what information you store about me",
                "requests are answered within thirty days"),
    "payment_method": ("payment card", "credit card on file",
                       "cards are verified with a one euro hold"),
    "gift_card": ("gift card", "voucher", "gift cards never expire"),
    "performance": ("slow dashboard", "pages taking forever to load",
                    "large reports load faster with date filters"),
}

# task: (article title template, article body template, customer ticket template)
TASKS = {
    "how_to": ("How to set up your {noun}",
               "Step-by-step guide to get started with your {noun}: where to start, how to turn it "
               "on and get it going. Open Settings, choose {noun} and follow the wizard. Good "
               "to know: {detail}.",
               "Hi, where do I even start with the {word}? Is there a guide to get it going?"),
    "not_working": ("Troubleshooting: {noun} not working",
                    "If your {noun} is broken or stopped working, try these fixes: sign out "
                    "and back in, then clear the cache. If nothing fixes it, check the status "
                    "page. "
                    "Note: {detail}.",
                    "The {word} is broken since this morning and nothing I try fixes it."),
    "change": ("Changing or updating your {noun}",
               "You can change, edit or modify your {noun} at any time from the Account page; "
               "changes apply immediately. Note that {detail}.",
               "I need to modify my {word}, what is the way to edit it?"),
    "error": ("Error messages related to {noun}",
              "A list of error messages and popups you may see with your {noun}, what each one "
              "means and how to clear it. Also: {detail}.",
              "I keep getting a red error popup about the {word}, what does it mean?"),
    "limits": ("Limits and quotas for {noun}",
               "Each plan has a maximum for {noun}. When you hit the cap or quota, usage pauses "
               "until the next cycle. Remember: {detail}.",
               "Is there a maximum for the {word}? I think I hit some cap."),
    "security": ("Keeping your {noun} secure",
                 "Best practices to protect and lock down your {noun}: never share it, review who "
                 "got access, and report anyone suspicious. Also, {detail}.",
                 "I'm worried someone else got into my {word}, how do I lock it down?"),
    "billing_impact": ("How {noun} affects what you pay",
                       "Extra charges related to {noun} appear on your monthly statement as "
                       "a separate line, so you can see why you were charged. Details: {detail}.",
                       "Why was I charged extra, is it because of the {word}?"),
    "delete": ("Removing or deleting your {noun}",
               "To delete your {noun} completely, open its settings and choose Remove. This "
               "cannot be undone. Keep in mind: {detail}.",
               "How can I get rid of the {word} completely?"),
    "faq": ("Frequently asked questions about {noun}",
            "Quick answers to the most common questions we get about {noun}, collected by our "
            "support team. For instance, {detail}.",
            "I have a couple of quick questions about the {word}, is there an FAQ?"),
    "contact": ("When to contact support about {noun}",
                "Most {noun} issues can be solved with the guides, but contact a human in support "
                "when you followed the steps and it still fails. Please include screenshots. "
                "Tip: {detail}.",
                "I already followed the steps for the {word} and it still fails, I need a "
                "human to look at it."),
}


def build() -> dict:
    articles, tickets = [], []
    for area, (noun, word, detail) in AREAS.items():
        for task, (title, body, ticket) in TASKS.items():
            article_id = f"{area}-{task}"
            # Labels: the words customers use for the area, as help centres tag articles
            # for search (Zendesk's label_names).
            articles.append({"id": article_id, "area": area,
                             "title": title.format(noun=noun),
                             "body": body.format(noun=noun, detail=detail),
                             "labels": [word]})
            tickets.append({"text": ticket.format(word=word), "article": article_id})
    return {"articles": articles, "tickets": tickets}


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
