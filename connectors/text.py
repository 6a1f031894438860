"""Vendor HTML to the customer's own words, as plain text.

Bodies arrive as HTML (Zendesk `html_body`, Freshdesk `body`, Intercom parts). Before
the text is extracted with inscriptis (a maintained HTML-to-text renderer that keeps
block and list layout), everything that is not the customer's new message is removed
from the parsed tree: `<style>`, `<script>` and `<head>`, quoted history in
`<blockquote>`, Gmail's `gmail_quote` / `gmail_extra`, Apple Mail's quote, and an
Outlook reply header (`divRplyFwdMsg`, `appendonsend`, or an `<hr>` / top-border block
followed by From:/Sent: lines) with everything after it.
"""
from __future__ import annotations

import re

from inscriptis import Inscriptis
from inscriptis.model.config import ParserConfig
from lxml import etree, html

_DROP_TAGS = ("style", "script", "head", "title", "noscript", "template", "blockquote")
_QUOTE_CLASSES = ("gmail_quote", "gmail_extra", "gmail_attr", "yahoo_quoted", "moz-cite-prefix",
                  "AppleOriginalContents", "zd-comment-quote")
# Outlook marks the start of the quoted message with these ids; everything after is history.
_OUTLOOK_IDS = ("divRplyFwdMsg", "appendonsend", "x_divRplyFwdMsg",
                "mail-editor-reference-message-container")
_REPLY_HEADER = re.compile(
    r"^\s*(?:from|von|de|van|da)\s*:.*\n?.*(?:sent|date|gesendet|envoy|enviado)\s*:",
    re.IGNORECASE)
_CONFIG = ParserConfig(display_links=False, display_anchors=False)


def html_to_text(body: str | None) -> str:
    """The readable text of an HTML body, without quoted history, styles or scripts.

    Plain text (no tag at all) is returned as it is, trimmed.
    """
    if not body or not body.strip():
        return ""
    if "<" not in body:
        return body.strip()
    try:
        tree = html.fromstring(body)
    except (etree.ParserError, ValueError):
        return body.strip()
    _drop_history(tree)
    text = Inscriptis(tree, _CONFIG).get_text()
    # One line per block: the renderer's margins and indents carry no meaning here.
    lines = (line.strip() for line in text.replace("\xa0", " ").splitlines())
    return "\n".join(line for line in lines if line)


def _drop_history(tree) -> None:
    for element in tree.iter(etree.Comment):
        _remove(element)
    for tag in _DROP_TAGS:
        for element in tree.iter(tag):
            _remove(element)
    for name in _QUOTE_CLASSES:
        classed = f'//*[contains(concat(" ", normalize-space(@class), " "), " {name} ")]'
        for element in tree.xpath(classed):
            _remove(element)
    for outlook_id in _OUTLOOK_IDS:
        for element in tree.xpath(f'//*[@id="{outlook_id}"]'):
            _remove_from(element)
    for marker in tree.xpath("//hr | //div[contains(@style, 'border-top')]"):
        following = marker.getnext()
        header = "".join((following if following is not None else marker).itertext())[:300]
        if _REPLY_HEADER.search(header) or _REPLY_HEADER.search("".join(marker.itertext())[:300]):
            _remove_from(marker)
            break


def _remove(element) -> None:
    parent = element.getparent()
    if parent is not None:
        element.drop_tree() if hasattr(element, "drop_tree") else parent.remove(element)


def _remove_from(element) -> None:
    """Remove `element` and everything after it in document order (the quoted reply)."""
    node = element
    while node is not None and node.getparent() is not None:
        for sibling in list(node.itersiblings()):
            node.getparent().remove(sibling)
        parent = node.getparent()
        if node is element:
            _remove(node)
        node = parent
