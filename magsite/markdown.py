"""Markdown -> HTML: CommonMark with tables, footnotes, strikethrough and heading ids; no `javascript:` links."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from mdit_py_plugins.footnote import footnote_plugin

from magsite import markdown_fast

# A URL-valued attribute in raw HTML, with its (possibly quoted) value; '/' separates attributes too (<a/href=...>).
_URL_ATTR = re.compile(
    r"""([\s/](?:href|src|action|formaction|xlink:href|poster|background|data|cite|srcdoc)\s*=\s*)("[^"]*"|'[^']*'|[^\s>]+)""",
    re.I,
)
_SCRIPTY = re.compile(r"^(?:javascript|vbscript|data(?!:image/(?:gif|png|jpeg|webp);)|file):", re.I)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_NOT_IN_ID = re.compile(r"[^\w\u4e00-\u9fff\- ]")
# markdown-it drops every block nested deeper than this without a word (CommonMark's preset: 20); the
# limit also bounds its recursion and the time of pathological brackets
MAX_NESTING = 32


def is_unsafe_url(value: str) -> bool:
    """True for script-running URLs, however they are disguised with entities, case or whitespace."""
    decoded = html.unescape(html.unescape(value))
    return bool(_SCRIPTY.match(_CONTROL.sub("", decoded)))


def _defuse_raw_html(markup: str) -> str:
    def fix(m: re.Match[str]) -> str:
        value = m.group(2).strip("\"'")
        return f'{m.group(1)}"#"' if is_unsafe_url(value) else m.group(0)

    return _URL_ATTR.sub(fix, markup)


IMAGE_MARK = "data-magsite-image"  # on a local image's <img>: its site-relative path, for the <picture> step


@dataclass(frozen=True, slots=True)
class InlineImage:
    """A local image a document shows or links to, for checks: its site-relative path and alt text."""

    src: str  # e.g. images/x.jpg; starts with '..' when it points outside the site folder
    alt: str | None  # None for a link to an image


@dataclass
class LinkContext:
    """What links in one document resolve against, and what the renderer found in it."""

    source: str  # site-relative path of the Markdown file
    base_path: str = ""  # prefix of every site URL ('' at a domain root)
    md_urls: dict[str, str] = field(default_factory=dict)  # site-relative .md path -> URL
    links: list[str] = field(default_factory=list)  # internal link targets, for checks
    images: list[InlineImage] = field(default_factory=list)  # local images shown or linked to
    too_deep: int | None = None  # first line (from 0) nested past MAX_NESTING, whose text would be lost

    def fresh(self) -> LinkContext:
        """An empty context resolving like this one, for a render that may be abandoned."""
        return LinkContext(self.source, self.base_path, self.md_urls)


def image_path(source: str, path: str) -> str:
    """The site-relative path of a local image: '/x' and 'x' from the site root, './x' and '../x' from the document."""
    if not path.startswith("."):
        return posixpath.normpath(path).lstrip("/")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
    return target.removeprefix("content/")


def _resolve(ctx: LinkContext, url: str, *, image: bool, alt: str | None = None) -> str:
    if is_unsafe_url(url):
        return "#"
    if url.startswith(("http://", "https://", "mailto:", "tel:", "#", "//", "data:")):
        return url
    path, _, frag = url.partition("#")
    if path.startswith(("images/", "/images/")) or (image and path and not path.startswith("/")):
        rel = image_path(ctx.source, path)
        ctx.images.append(InlineImage(rel, alt if image else None))
        return f"{ctx.base_path}/{rel}"
    if url.startswith("/"):
        ctx.links.append(path)
        return ctx.base_path + url
    if not path:
        return url
    target = posixpath.normpath(posixpath.join(posixpath.dirname(ctx.source), path))
    if path.endswith(".md"):
        found = ctx.md_urls.get(target)
        ctx.links.append(found or target)
        return ctx.base_path + (found or "/" + target) + (f"#{frag}" if frag else "")
    return url


def _link_href(ctx: LinkContext | None, href: str) -> str:
    return _resolve(ctx, href, image=False) if ctx else ("#" if is_unsafe_url(href) else href)


def _image_src(ctx: LinkContext | None, src: str, alt: str) -> tuple[str, str | None]:
    """The src to write, and the site-relative path for IMAGE_MARK when it is a local image."""
    if ctx is None:
        return ("#" if is_unsafe_url(src) else src), None
    found = len(ctx.images)
    src = _resolve(ctx, src, image=True, alt=alt)
    return src, (ctx.images[-1].src if len(ctx.images) > found else None)


def _rewrite_links(state: StateCore) -> None:
    ctx: LinkContext | None = state.env.get("ctx")
    for token in state.tokens:
        if token.type in ("html_block", "html_inline"):
            token.content = _defuse_raw_html(token.content)
        if token.children is None:
            continue
        for child in token.children:
            if child.type == "link_open":
                child.attrSet("href", _link_href(ctx, str(child.attrGet("href") or "")))
            elif child.type == "image":
                # the alt text readers get, as the renderer will write it
                alt = state.md.renderer.renderInlineAsText(child.children, state.md.options, state.env)
                src, mark = _image_src(ctx, str(child.attrGet("src") or ""), alt)
                child.attrSet("src", src)
                if mark is not None:
                    child.attrSet(IMAGE_MARK, mark)
            elif child.type == "html_inline":
                child.content = _defuse_raw_html(child.content)


def _id_maker() -> Callable[[str], str]:
    """ids for one document's headings as GitHub makes them ('order-of-battle', then 'order-of-battle-1', ...).

    Replaces mdit-py-plugins' anchors, whose search for a free id is quadratic in the number of
    headings with the same text (10,000 of them took minutes).
    """
    taken: set[str] = set()
    next_number: dict[str, int] = {}

    def make(title: str) -> str:
        base = _NOT_IN_ID.sub("", title.lower().replace(" ", "-"))
        slug, number = base, next_number.get(base, 1)
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        next_number[base] = number
        taken.add(slug)
        return slug

    return make


def _heading_ids(state: StateCore) -> None:
    """ids on h2-h4, from their text and code (not image alt text)."""
    make_id = _id_maker()
    for i, token in enumerate(state.tokens):
        if token.type != "heading_open" or token.tag not in ("h2", "h3", "h4"):
            continue
        children = state.tokens[i + 1].children or []
        token.attrSet("id", make_id("".join(c.content for c in children if c.type in ("text", "code_inline"))))


def _check_depth(state: StateCore) -> None:
    ctx: LinkContext | None = state.env.get("ctx")
    if ctx is None:
        return
    deepest = next((t for t in state.tokens if t.level >= MAX_NESTING - 1 and t.map), None)
    if deepest is not None and deepest.map is not None:
        ctx.too_deep = deepest.map[0]


@cache
def parser() -> MarkdownIt:
    """The one configured parser of this process (built once: plugin setup is not free)."""
    options = {"html": True, "xhtmlOut": False, "maxNesting": MAX_NESTING}
    md = MarkdownIt("commonmark", options).enable(["table", "strikethrough"])
    footnote_plugin(md)
    md.core.ruler.push("magsite_heading_ids", _heading_ids)
    md.core.ruler.push("magsite_depth", _check_depth)
    md.core.ruler.push("magsite_links", _rewrite_links)
    return md


def render_markdown(text: str, ctx: LinkContext | None = None, *, fast: bool = True) -> str:
    """Render one Markdown document to HTML, rewriting links through ctx when given.

    An eligible document goes the accelerated way (render_fast); fast=False forces markdown-it,
    which gives the same bytes and the same ctx.
    """
    if fast:
        found = render_fast(text, ctx)
        if found is not None:
            return found
    env: dict[str, Any] = {"ctx": ctx}
    return parser().render(text, env)


_HEADING = re.compile(r"<h([234])>(.*?)</h\1>", re.S)
_TAG = re.compile(r"<[^>]*>")
_LINK_OR_IMAGE = re.compile(r'<a href="([^"]*)"|<img src="([^"]*)" alt="([^"]*)"([^>]*)>')


class _Abandon(Exception):
    """A link the fast path cannot reproduce exactly."""


def render_fast(text: str, ctx: LinkContext | None = None) -> str | None:
    """What render_markdown gives, through pulldown-cmark (markdown_fast), or None for markdown-it to do it.

    Heading ids and links are made with the helpers of the markdown-it rules above; ctx is filled
    only when the result is not None.
    """
    if not markdown_fast.eligible(text):
        return None
    out = markdown_fast.html(text)
    if "<h" in out:
        make_id = _id_maker()

        def heading(m: re.Match[str]) -> str:
            title = html.unescape(_TAG.sub("", m[2])).replace("\n", "")  # '\n' only from line breaks
            return f'<h{m[1]} id="{escapeHtml(make_id(title))}">{m[2]}</h{m[1]}>'

        out = _HEADING.sub(heading, out)
    scratch = ctx.fresh() if ctx is not None else None

    def rewrite(m: re.Match[str]) -> str:
        url = markdown_fast.link_target(m[1] if m[1] is not None else m[2])
        if url is None:
            raise _Abandon
        if m[1] is not None:
            return f'<a href="{escapeHtml(_link_href(scratch, url))}"'
        src, mark = _image_src(scratch, url, html.unescape(m[3]))
        marked = f' {IMAGE_MARK}="{escapeHtml(mark)}"' if mark is not None else ""
        return f'<img src="{escapeHtml(src)}" alt="{m[3]}"{m[4]}{marked}>'

    try:
        if "<a " in out or "<img " in out:  # in document order, as ctx records them
            out = _LINK_OR_IMAGE.sub(rewrite, out)
    except _Abandon:
        return None
    if ctx is not None and scratch is not None:
        ctx.links += scratch.links
        ctx.images += scratch.images
    return out


def first_paragraph(markdown_html: str) -> str:
    """Plain text of the first <p> of rendered HTML, for summaries and meta descriptions."""
    m = re.search(r"<p>(.*?)</p>", markdown_html, re.S)
    if not m:
        return ""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).split())
