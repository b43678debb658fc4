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
from markdown_it.common.normalize_url import normalizeLink, validateLink
from markdown_it.common.utils import escapeHtml

# What makes the two parsers disagree, or brings markdown-it near its nesting limit, and is found by
# a plain substring test: raw HTML and autolinks, footnotes, an escaped pipe (markdown-it counts it
# when it looks for a table), NUL and CR (markdown-it rewrites them first), whitespace other than
# space, tab and newline (markdown-it-py strips it with str.strip()), and tildes struck through by one
# parser only ('~~~a~~~').
_NEVER = ("<", "[^", "^[", "\\|", "\x00", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "~~~")
_NEVER_UNICODE = tuple(
    "\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_ENTITY = re.compile(r"&(?:#|[A-Za-z][A-Za-z0-9]*;)")  # an entity can disguise anything
# A single tilde (pulldown strikes '~a~' through), or '~~' between two non-spaces, one of which may be
# punctuation: pulldown then opens or closes where CommonMark's flanking rules, markdown-it's, do not.
_TILDE = re.compile(r"(?<!~)~(?!~)|(?:[^\w\s~]|_)~~[^\s~]|[^\s~]~~(?:[^\w\s~]|_)")
# a tab in a line's indentation (the two split it differently in quotes and lists) or ending a line
# (a hard break to pulldown)
_TAB = re.compile(r"^[ >*+\-.)0-9]*\t|\t[ \t]*$", re.M)
# a scheme markdown-it refuses to link: its link stays text, an unused definition with it a paragraph
_SCHEME = re.compile(r"(?<![a-z0-9])(?:javascript|vbscript|file|data):")
_BACKSLASH_SPACE = re.compile(r"\\ +$", re.M)  # markdown-it keeps '\ ' before a hard break
# a container prefix (quote and list markers, indentation) wide enough to come near markdown-it's limit
# (MAX_NESTING 32): every level of nesting takes at least one column
_DEEP = re.compile(r"[ >*+\-.)0-9]{24}")
_DEEP_LINE = re.compile(r"\n[ >*+\-.)0-9]{24}")
# With a link reference definition: a line right after one that is neither blank nor another
# definition in the same container (markdown-it ends a definition where CommonMark and pulldown go on
# with paragraph text), and the dotless i, the one letter whose labels the two match differently.
_DEFINITION_TROUBLE = re.compile(r"ı|^([ >]*+).*\]:.*\n(?![ >]*$|\1\[)", re.M)
# Tables: a delimiter row, its quote prefix, and what starts another block (markdown-it ends a table there)
_DELIMITER_ROW = re.compile(r"^[ >]*[|:-][ \t|:-]*$", re.M)
_QUOTES = re.compile(r"(?:> ?)*")
_BLOCK_START = re.compile(r"(?:[-+*]|[0-9]{1,9}[.)])(?:[ \t]|$)|#{1,6}(?:[ \t]|$)|```|>|(?:[-*_][ \t]*){3,}$")
# A code fence inside a list or quote (or indented): left open, it holds the item's trailing blank
# lines, which make the list loose to markdown-it and not to pulldown.
_NESTED_FENCE = re.compile(r"^[ >*+\-.)0-9]+```", re.M)
BRACKETS = 24  # markdown-it stops parsing links nested 33 deep (brackets) or with 33 nested parentheses
_OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH

# A URL markdown-it's normalizeLink returns unchanged (its parse and format give it back, nothing to
# percent-encode): a path, query or fragment without ':', or one after an http(s) host of plain labels.
_PLAIN_URL = re.compile(
    r"(?:https?://[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,3}(?=[/?#]|$))?(?!//)[A-Za-z0-9/._~#?=&+,;!*'@$-]*"
)
_ESCAPED_ATTR = re.compile(r'="([^"]*&#[^"]*)"')  # pulldown writes ' as &#39; or &#x27; in attributes
_TEXT_WITH_QUOTE = re.compile(r'(?<=>)[^<]*"[^<]*')  # text runs lie between '>' and '<'
_TABLE = re.compile(r"<table>.*?</table>", re.S)
_TABLE_BREAK = re.compile(r"(<(?:table|thead|tbody|tr)>|</(?:th|td|tr|thead|tbody)>)")


def eligible(text: str) -> bool:
    """True when pulldown-cmark's output, rewritten by html(), is byte-identical to markdown-it's.

    Substring tests first; each regular expression runs only when its substring is there.
    """
    if not text.endswith("\n"):  # content files end with one; else the last line of indented code loses it
        return not text
    for s in _NEVER if text.isascii() else _NEVER + _NEVER_UNICODE:
        if s in text:
            return False
    if ("&" in text and _ENTITY.search(text)) or ("~" in text and _TILDE.search(text)):
        return False
    if ("\t" in text and _TAB.search(text)) or ("\\ " in text and _BACKSLASH_SPACE.search(text)):
        return False
    if ":" in text:
        lower = text.lower()
        if ("script:" in lower or "file:" in lower or "data:" in lower) and _SCHEME.search(lower):
            return False
    if _DEEP.match(text) or _DEEP_LINE.search(text):
        return False
    if "```" in text and _NESTED_FENCE.search(text):
        return False
    if "]:" in text and _DEFINITION_TROUBLE.search(text):
        return False
    if "|" in text and "-" in text and _table_trouble(text):
        return False
    if text.count("[") >= BRACKETS or text.count("(") >= BRACKETS or "![" in text:
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


def _table_trouble(text: str) -> bool:
    """A table whose extent the two parsers may see differently.

    markdown-it lets a table interrupt a paragraph (pulldown does not), makes one of 'a |' over '---'
    (pulldown a heading), takes a list marker before the header for its first cell (pulldown for a list
    item holding the table) and ends the body at a line that starts another block (pulldown takes it
    for a row). Only tables at the top or in quotes, with a blank line above, a pipe in the delimiter
    row and rows that hold a pipe and start no block, are taken.
    """
    lines = text.split("\n")
    for m in _DELIMITER_ROW.finditer(text):
        i = text.count("\n", 0, m.start())
        if i == 0 or "|" not in lines[i - 1]:
            continue  # no header row: not a table to either
        header, quotes = lines[i - 1], _QUOTES.match(m[0])
        if "|" not in m[0] or (i >= 2 and lines[i - 2].strip(" >")) or not header.startswith(quotes[0]):
            return True
        header = header[quotes.end() :]
        if header[:1] == " " or _BLOCK_START.match(header) or m[0][quotes.end() : quotes.end() + 1] == " ":
            return True
        for row in lines[i + 1 :]:
            if not row.strip(" >"):
                break
            if "|" not in row or not row.startswith(quotes[0]):
                return True
            row = row[quotes.end() :]
            if row[:1] == " " or _BLOCK_START.match(row):
                return True
    return False


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
    return _TABLE_BREAK.sub(r"\1\n", table)


def link_target(escaped: str) -> str | None:
    """The URL markdown-it gives a link or image whose href or src pulldown wrote as `escaped`.

    pulldown writes the link's destination with '&' and "'" escaped and every other byte that needs
    it percent-encoded: without a '%', unescaping gives back the destination markdown-it starts from.
    None when there is one, or when markdown-it would not make a link of it at all.
    """
    url = unescape(escaped)
    if _PLAIN_URL.fullmatch(url):
        return url
    if "%" in url:
        return None
    url = normalizeLink(url)
    return url if validateLink(url) else None
