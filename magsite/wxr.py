"""Read a WordPress eXtended RSS (WXR) export into plain records, refusing DTDs, entities and the network."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from magsite.errors import ContentError, Problem

WP_NAMESPACE = "http://wordpress.org/export/"  # followed by the WXR version: 1.0/, 1.1/, 1.2/
NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}


@dataclass(frozen=True, slots=True)
class WpAuthor:
    login: str
    display_name: str
    first_name: str = ""
    last_name: str = ""


@dataclass(frozen=True, slots=True)
class WpTerm:
    """A category or tag, as declared by the channel (kind 'category' or 'post_tag') or named by an item."""

    kind: str  # the WordPress taxonomy: category, post_tag, author (Co-Authors Plus), ...
    slug: str
    name: str
    term_id: int = 0
    parent: str = ""  # slug of the parent category
    description: str = ""


@dataclass(frozen=True, slots=True)
class WpItem:
    """One <item>: a post, page, attachment, menu item or any other post type, with its meta."""

    line: int  # where the <item> starts in the export
    id: int  # wp:post_id; 0 when missing or not a number
    type: str
    status: str
    title: str
    link: str
    guid: str
    creator: str  # author login
    content: str  # HTML as stored by WordPress
    excerpt: str
    date: str  # "YYYY-MM-DD HH:MM:SS" in the WordPress site's own timezone
    date_gmt: str  # the same moment in UTC; "0000-00-00 00:00:00" for most drafts
    modified_gmt: str
    name: str  # wp:post_name, the slug (percent-encoded when not ASCII)
    parent: int
    menu_order: int
    password: str
    sticky: bool
    attachment_url: str
    terms: tuple[WpTerm, ...]
    meta: tuple[tuple[str, str], ...]  # postmeta in export order; a key may repeat
    comments: int

    def meta_value(self, key: str) -> str:
        return next((v for k, v in self.meta if k == key), "")

    def meta_values(self, key: str) -> list[str]:
        return [v for k, v in self.meta if k == key]


@dataclass(frozen=True, slots=True)
class Export:
    title: str
    link: str  # the site's home URL
    description: str
    language: str
    base_url: str  # wp:base_blog_url, else wp:base_site_url, else link
    authors: tuple[WpAuthor, ...]
    categories: tuple[WpTerm, ...]
    tags: tuple[WpTerm, ...]
    items: tuple[WpItem, ...]


def _name(tag: object) -> str:
    """'{http://wordpress.org/export/1.2/}post_id' -> 'wp:post_id'; un-namespaced names stay as they are."""
    if not isinstance(tag, str):  # comments and processing instructions
        return ""
    if not tag.startswith("{"):
        return tag
    ns, _, local = tag[1:].partition("}")
    if ns.startswith(WP_NAMESPACE):
        return f"excerpt:{local}" if ns.rstrip("/").endswith("excerpt") else f"wp:{local}"
    return f"{NAMESPACES.get(ns, ns)}:{local}"


def _text(el: etree._Element) -> str:
    return "".join(el.itertext())


def _int(text: str) -> int:
    text = text.strip()
    return int(text) if text.isdigit() else 0


def _fields(el: etree._Element) -> dict[str, str]:
    """Child name -> text; the first of repeated children wins."""
    found: dict[str, str] = {}
    for child in el:
        found.setdefault(_name(child.tag), _text(child))
    return found


def _item(el: etree._Element) -> WpItem:
    f = _fields(el)
    terms = []
    meta = []
    comments = 0
    for child in el:
        name = _name(child.tag)
        if name == "category":
            terms.append(WpTerm(child.get("domain", "category"), child.get("nicename", ""), _text(child).strip()))
        elif name == "wp:postmeta":
            m = _fields(child)
            meta.append((m.get("wp:meta_key", ""), m.get("wp:meta_value", "")))
        elif name == "wp:comment":
            comments += 1
    return WpItem(
        line=el.sourceline or 0,
        id=_int(f.get("wp:post_id", "")),
        type=f.get("wp:post_type", "post").strip() or "post",
        status=f.get("wp:status", "publish").strip() or "publish",
        title=f.get("title", ""),
        link=f.get("link", "").strip(),
        guid=f.get("guid", "").strip(),
        creator=f.get("dc:creator", "").strip(),
        content=f.get("content:encoded", ""),
        excerpt=f.get("excerpt:encoded", ""),
        date=f.get("wp:post_date", "").strip(),
        date_gmt=f.get("wp:post_date_gmt", "").strip(),
        modified_gmt=f.get("wp:post_modified_gmt", "").strip(),
        name=f.get("wp:post_name", "").strip(),
        parent=_int(f.get("wp:post_parent", "")),
        menu_order=_int(f.get("wp:menu_order", "")),
        password=f.get("wp:post_password", ""),
        sticky=f.get("wp:is_sticky", "0").strip() == "1",
        attachment_url=f.get("wp:attachment_url", "").strip(),
        terms=tuple(terms),
        meta=tuple(meta),
        comments=comments,
    )


def _events(data: bytes, path: str) -> Iterator[tuple[str, etree._Element]]:
    """Parse events of a document that may not declare a DTD: no entity can be defined, so none expands."""
    events = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    first = True
    for event, el in events:
        if first:
            first = False
            if el.getroottree().docinfo.doctype:
                at = data.find(b"<!DOCTYPE")
                line = data.count(b"\n", 0, at) + 1 if at >= 0 else 1
                raise ContentError(
                    [
                        Problem(
                            path,
                            line,
                            "the export declares a DOCTYPE; WordPress exports never do, and DTDs can hide entity bombs",
                            "export the site again from WordPress (Tools > Export)",
                        )
                    ]
                )
        yield event, el


def parse_wxr(data: bytes, path: str) -> Export:
    """Read a WXR export; raise ContentError with `path:line: message` when it is not a WordPress export."""
    channel: dict[str, str] = {}
    authors: list[WpAuthor] = []
    categories: list[WpTerm] = []
    tags: list[WpTerm] = []
    items: list[WpItem] = []
    root = ""
    wordpress = False
    depth = 0
    try:
        for event, el in _events(data, path):
            if event == "start":
                depth += 1
                root = root or _name(el.tag)
                continue
            depth -= 1
            name = _name(el.tag)
            if depth != 2:  # only children of <channel> are read, each once complete
                continue
            wordpress = wordpress or name.startswith("wp:")
            if name == "item":
                items.append(_item(el))
            elif name == "wp:author":
                f = _fields(el)
                login = f.get("wp:author_login", "").strip()
                if login:
                    authors.append(
                        WpAuthor(
                            login,
                            f.get("wp:author_display_name", "").strip(),
                            f.get("wp:author_first_name", "").strip(),
                            f.get("wp:author_last_name", "").strip(),
                        )
                    )
            elif name == "wp:category":
                f = _fields(el)
                categories.append(
                    WpTerm(
                        "category",
                        f.get("wp:category_nicename", "").strip(),
                        f.get("wp:cat_name", "").strip(),
                        _int(f.get("wp:term_id", "")),
                        f.get("wp:category_parent", "").strip(),
                        f.get("wp:category_description", "").strip(),
                    )
                )
            elif name == "wp:tag":
                f = _fields(el)
                tags.append(
                    WpTerm(
                        "post_tag",
                        f.get("wp:tag_slug", "").strip(),
                        f.get("wp:tag_name", "").strip(),
                        _int(f.get("wp:term_id", "")),
                        description=f.get("wp:tag_description", "").strip(),
                    )
                )
            elif not len(el):
                channel.setdefault(name, _text(el).strip())
            el.clear(keep_tail=True)  # keeps memory flat on exports of many thousand posts
            while el.getprevious() is not None:
                del el.getparent()[0]
    except etree.XMLSyntaxError as err:
        line = err.lineno or (err.position[0] if err.position else None)
        message = str(err.msg or err).split(", line ")[0]
        raise ContentError([Problem(path, line, f"the export is not well-formed XML: {message}")]) from None
    if root != "rss" or not wordpress:
        raise ContentError(
            [
                Problem(
                    path,
                    1,
                    "not a WordPress export (WXR file)",
                    "in WordPress, use Tools > Export > All content and pass the .xml file it downloads",
                )
            ]
        )
    link = channel.get("link", "").rstrip("/")
    return Export(
        title=channel.get("title", ""),
        link=link,
        description=channel.get("description", ""),
        language=channel.get("language", ""),
        base_url=(channel.get("wp:base_blog_url") or channel.get("wp:base_site_url") or link).rstrip("/"),
        authors=tuple(authors),
        categories=tuple(categories),
        tags=tuple(tags),
        items=tuple(items),
    )
