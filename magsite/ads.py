"""Advertisement slots: the stylesheet that reserves each slot's box, and the in-article insertion point."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markupsafe import Markup

from magsite.config import AdSlot

_CSS_NAME = re.compile(r"[a-z][a-z0-9_-]*")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def slot_stylesheet(ads: dict[str, AdSlot]) -> bytes:
    """One rule per slot giving its configured size, so the page reserves the box before the ad loads.

    Sizes live in a generated stylesheet (not style attributes) so a strict Content-Security-Policy holds.
    """
    rules = [
        f".ad-{name} {{ --ad-width: {slot.width}px; --ad-height: {slot.height}px; }}\n"
        for name, slot in sorted(ads.items())
        if _CSS_NAME.fullmatch(name)
    ]
    return "".join(rules).encode()


class _TopLevelParagraphs(HTMLParser):
    """Records where each top-level </p> ends; paragraphs inside lists, quotes or footnotes don't count."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.ends: list[tuple[int, int]] = []  # (line, column) of each top-level </p>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        self.depth = max(0, self.depth - 1)
        if tag == "p" and self.depth == 0:
            self.ends.append(self.getpos())


def insert_after_paragraph(body: object, number: int, insert: str) -> Markup:
    """The HTML of `body` (its str(), e.g. a lazily rendered article) with `insert` after paragraph `number`.

    Only top-level paragraphs count. Unchanged when no top-level paragraph follows that one: an in-article
    slot belongs inside the text, not after its last line.
    """
    html = str(body)
    parser = _TopLevelParagraphs()
    parser.feed(html)
    parser.close()
    if number < 1 or len(parser.ends) <= number:
        return Markup(html)
    line, column = parser.ends[number - 1]
    start = 0
    for _ in range(line - 1):  # the parser counts lines by "\n" alone
        start = html.index("\n", start) + 1
    offset = html.index(">", start + column) + 1
    return Markup("".join((html[:offset], "\n", str(insert), html[offset:])))
