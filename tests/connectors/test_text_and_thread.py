"""Contract tests: vendor bodies to the customer's words, and the customer's earlier messages.

Fixture shapes follow the vendors' documented payloads: Zendesk comments with `html_body`
and a system-authored (-1) chat transcript, Freshdesk conversations with `incoming` and
`private`, Intercom parts with `redacted` when the customer deleted them.
"""
from __future__ import annotations

from connectors.freshdesk.tickets import earlier_customer_messages
from connectors.intercom.tickets import customer_messages, newest_customer_message
from connectors.text import html_to_text
from connectors.zendesk.tickets import customer_thread, transcript_lines

GMAIL_REPLY = (
    '<div dir="ltr">It still fails at checkout.<br>Order 4471.</div><br>'
    '<div class="gmail_quote"><div class="gmail_attr">On Mon, 2 Dec 2026 Acme Support '
    'wrote:<br></div><blockquote class="gmail_quote">Please clear your cache.</blockquote></div>')
OUTLOOK_REPLY = (
    '<html><head><style>p.MsoNormal{margin:0cm;font-family:Calibri}</style></head><body>'
    '<p class="MsoNormal">That did not help, the invoice is still wrong.</p>'
    '<div id="appendonsend"></div><hr style="display:inline-block;width:98%">'
    '<div id="divRplyFwdMsg"><b>From:</b> Acme Billing<br><b>Sent:</b> Monday<br>'
    '<b>Subject:</b> Re: invoice</div><div>We have corrected the invoice.</div></body></html>')


def test_gmail_quote_and_blockquote_are_dropped():
    assert html_to_text(GMAIL_REPLY) == "It still fails at checkout.\nOrder 4471."


def test_outlook_reply_header_and_styles_are_dropped():
    text = html_to_text(OUTLOOK_REPLY)
    assert text == "That did not help, the invoice is still wrong."
    assert "MsoNormal" not in text and "corrected" not in text


def test_script_comments_and_entities():
    body = "<p>Caf&eacute; order &amp; refund</p><script>track()</script><!-- hidden -->"
    assert html_to_text(body) == "Café order & refund"


def test_plain_text_passes_through():
    assert html_to_text("  just text, no tags ") == "just text, no tags"
    assert html_to_text(None) == "" and html_to_text("") == ""


USERS = {1: {"id": 1, "role": "end-user", "name": "Ana Lopez"},
         2: {"id": 2, "role": "agent", "name": "Sam"}}


def _comment(cid, author, when, html, public=True):
    return {"id": cid, "author_id": author, "created_at": when, "public": public,
            "html_body": html, "plain_body": html_to_text(html)}


def test_zendesk_thread_earlier_messages_and_unanswered_follow_ups():
    comments = [
        _comment(10, 1, "2026-12-01T09:00:00Z", "<p>The export fails.</p>"),
        _comment(11, 2, "2026-12-01T10:00:00Z", "<p>Try again please.</p>"),
        _comment(12, 1, "2026-12-01T11:00:00Z", "<p>Tried, still failing.</p>"),
        _comment(13, 2, "2026-12-01T11:30:00Z", "<p>internal</p>", public=False),
        _comment(14, 1, "2026-12-02T09:00:00Z", "<p>Any update?</p>" + GMAIL_REPLY[-60:]),
        _comment(15, 1, "2026-12-03T09:00:00Z", "<p>Hello??</p>"),
    ]
    thread = customer_thread(comments, USERS, 1, "Ana Lopez")
    assert thread.latest["id"] == 15 and thread.latest["text"] == "Hello??"
    assert thread.earlier[0] == "The export fails."
    assert len(thread.earlier) == 3
    assert thread.unanswered == 2            # 12 and 14 got no public reply (13 is a note)


def test_zendesk_chat_transcript_comment_is_read_as_the_customers_lines():
    transcript = ("Chat started: 2026-12-01 09:00 AM UTC\n\n"
                  "(09:00:12 AM) Ana Lopez: my card was declined twice\n"
                  "(09:01:40 AM) Sam: Let me check that for you.\n"
                  "(09:03:05 AM) Ana Lopez: I need it for a flight tonight")
    comments = [{"id": 30, "author_id": -1, "created_at": "2026-12-01T09:05:00Z", "public": True,
                 "plain_body": transcript, "html_body": None, "body": transcript}]
    thread = customer_thread(comments, USERS, 1, "Ana Lopez")
    assert thread.latest["text"] == "I need it for a flight tonight"
    assert thread.earlier == ("my card was declined twice",)
    assert thread.unanswered == 0          # Sam answered between the two lines
    assert transcript_lines("Chat started, nothing said", "Ana Lopez") == []


def test_freshdesk_description_is_the_first_earlier_message():
    conversations = [
        {"id": 1, "incoming": False, "private": False, "created_at": "2026-12-01T10:00:00Z",
         "body": "<p>Which order?</p>"},
        {"id": 2, "incoming": True, "private": False, "created_at": "2026-12-01T11:00:00Z",
         "body": "<div>Order 88.</div><blockquote>Which order?</blockquote>"},
        {"id": 3, "incoming": True, "private": False, "created_at": "2026-12-02T11:00:00Z",
         "body": "<p>Still nothing?</p>"},
    ]
    earlier, unanswered = earlier_customer_messages(conversations, "My parcel is late.")
    assert earlier == ("My parcel is late.", "Order 88.")
    assert unanswered == 1


def test_freshdesk_no_reply_yet_has_no_earlier_messages():
    assert earlier_customer_messages([], "My parcel is late.") == ((), 0)


def _part(pid, author_type, body, **extra):
    return {"id": pid, "part_type": "comment", "body": body,
            "author": {"type": author_type, "id": f"{author_type}-1"}, **extra}


def test_intercom_redacted_parts_are_skipped():
    conversation = {"id": "9", "source": {"id": "s1", "body": "<p>My login fails.</p>",
                                          "author": {"type": "user", "id": "u1"}},
                    "conversation_parts": {"conversation_parts": [
                        _part("p1", "admin", "<p>Can you try a reset?</p>"),
                        _part("p2", "user", "<p>This message was deleted</p>", redacted=True),
                        _part("p3", "user", "<p>Reset worked, thanks!</p>"),
                        _part("p4", "user", "<p>This message was deleted</p>", redacted=True),
                    ]}}
    assert newest_customer_message(conversation) == ("Reset worked, thanks!", "p3", "user-1")
    earlier, unanswered = customer_messages(conversation)
    assert earlier == ("My login fails.",)
    assert unanswered == 0
