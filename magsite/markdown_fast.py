"""The accelerated Markdown path: pulldown-cmark (pyromark) HTML, rewritten into markdown-it's exact form.

Only for documents `eligible()` accepts: no raw HTML, footnotes, entities or other constructs on which
the two parsers disagree, and too shallow for markdown-it's nesting limit. With no '<' in the source,
every '<' of pulldown's output starts a tag it wrote, so rewriting tags with regular expressions is sound.
"""

from __future__ import annotations

import re
from functools import cache
from html import unescape

import pyromark
from markdown_it.common.utils import escapeHtml

# Whatever makes the parsers disagree or puts markdown-it near its nesting limit: raw HTML and
# autolinks ('<'), footnotes ('[^', '^['), entity references (they can disguise anything), a scheme
# markdown-it refuses to link (the link stays text), NUL and CR (markdown-it rewrites them first),
# a single or triple tilde (pulldown strikes through '~a~'), whitespace other than space, tab and
# newline (markdown-it-py strips it with str.strip()), a tab ending a line (a hard break to pulldown)
# or in its indentation (the two split it differently inside quotes and lists), and a line whose container prefix (quote
# markers, list markers, indentation) is wide enough to reach the limit.
_INELIGIBLE = re.compile(
    r"""<|\[\^|\^\[|&(?:\#|[A-Za-z][A-Za-z0-9]*;)|(?i:(?<![a-z0-9])(?:javascript|vbscript|file|data):)
    |[\x00\r]|(?<!~)~(?!~)|~~~|(?![ \t\n])\s|\t[ \t]*$|^[ >*+\-.)0-9]*\t|\\\ +$|\\\||(?P<prefix>^[ \t>*+\-.)0-9]{7,})""",
    re.M | re.X,
)
# With a link reference definition: a line right after one that is neither blank nor another
# definition (markdown-it ends a definition where CommonMark and pulldown go on with paragraph text),
# and the dotless i, the one letter whose labels the two match differently.
_DEFINITION_TROUBLE = re.compile(r"ı|\]:.*\n(?![ >]*(?:\[|$))")
# A table right under a line of text: markdown-it lets it interrupt the paragraph, pulldown does not.
_TABLE_AFTER_TEXT = re.compile(r"^(?![ \t>]*$).*\n.*\|.*\n[ \t>]*[|:-][ \t|:-]*$", re.M)
PREFIX_COLUMNS = 24  # well below markdown-it's limit (MAX_NESTING 32): each level takes at least one column
BRACKETS = 24  # markdown-it stops parsing links nested 33 deep (brackets) or with 33 nested parentheses
_OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH

_ESCAPED_ATTR = re.compile(r'="([^"]*&#[^"]*)"')  # pulldown writes ' as &#39; or &#x27; in attributes
_TEXT_WITH_QUOTE = re.compile(r'(?<=>)[^<]*"[^<]*')  # text runs lie between '>' and '<'
_TABLE = re.compile(r"<table>.*?</table>", re.S)
_TABLE_BREAK = re.compile(r"(<(?:table|thead|tbody|tr)>|</(?:th|td|tr|thead|tbody)>)")


def eligible(text: str) -> bool:
    """True when pulldown-cmark's output, rewritten here, is byte-identical to markdown-it's."""
    if not text.endswith("\n"):  # content files end with one; else the last line of indented code loses it
        return not text
    for m in _INELIGIBLE.finditer(text):
        if m.lastgroup != "prefix" or len(m[0].expandtabs(4)) >= PREFIX_COLUMNS:
            return False
    if "]:" in text and _DEFINITION_TROUBLE.search(text):
        return False
    if "|" in text and "-" in text and _TABLE_AFTER_TEXT.search(text):
        return False
    many = text.count("[") >= BRACKETS or text.count("(") >= BRACKETS
    if many or "![" in text:
        # a paragraph never spans a blank line: look at each blank-line-separated chunk
        for chunk in text.split("\n\n"):
            if chunk.count("[") >= BRACKETS or chunk.count("(") >= BRACKETS:
                return False
            # alt text: markdown-it drops escaped characters from it (an image's own text is never
            # joined) and keeps line breaks, which pulldown writes as spaces
            image = chunk.find("![")
            if image >= 0 and ("\\" in chunk[image:] or "\n" in chunk[image : chunk.rfind("]")]):
                return False
    return True


@cache
def _renderer() -> pyromark.Markdown:
    return pyromark.Markdown(options=_OPTIONS)


def html(text: str) -> str:
    """An eligible document as markdown-it renders it, before magsite's rules (heading ids, links)."""
    out = _renderer().html(text)
    out = out.replace(" />", ">")  # <hr />, <br />, <img ... />
    out = out.replace("<blockquote>\n</blockquote>", "<blockquote></blockquote>")
    if "<del>" in out:
        out = out.replace("<del>", "<s>").replace("</del>", "</s>")
    if "&#" in out:
        out = _ESCAPED_ATTR.sub(lambda m: f'="{escapeHtml(unescape(m[1]))}"', out)
    if '"' in text:
        out = _TEXT_WITH_QUOTE.sub(lambda m: m[0].replace('"', "&quot;"), out)
    if "<table>" in out:
        out = _TABLE.sub(_markdown_it_table, out.replace("><table>", ">\n<table>"))  # as in <li><table>
    return out


def _markdown_it_table(m: re.Match[str]) -> str:
    """markdown-it's layout: one tag per line, no empty tbody, 'text-align:left' without a space."""
    table = m[0].replace("\n", "").replace("<tbody></tbody>", "").replace('style="text-align: ', 'style="text-align:')
    return _TABLE_BREAK.sub(r"\1\n", table).removesuffix("\n")
