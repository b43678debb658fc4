"""Feeds of the site, each section and each author: RSS 2.0 and Atom (feedgen), and JSON Feed 1.1 for the site."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import lxml.etree  # noqa: F401  (feedgen.util uses lxml.etree without importing it)
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.ext.dc import DcEntryExtension, DcExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from magsite.config import SiteConfig
from magsite.model import Post, Site, author_url
from magsite.social import ShareImage, media_url

RSS, ATOM, JSON_FEED = "application/rss+xml", "application/atom+xml", "application/feed+json"
MEDIA_NS = "http://search.yahoo.com/mrss/"
DCTERMS_NS = "http://purl.org/dc/terms/"
EMPTY_FEED_DATE = datetime(1970, 1, 1, tzinfo=UTC)  # 'updated' of a feed with no items, so builds stay identical

# Characters XML 1.0 cannot carry at all; front matter may still contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# An HTML start tag, and a URL-valued attribute inside one (quoted or not).
_START_TAG = re.compile(r"""<[a-zA-Z][^\s/>]*(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>""")
_URL_ATTR = re.compile(r"""(\s(?:href|src|poster|cite|action)\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""", re.I)
_SRCSET_ATTR = re.compile(r"""(\ssrcset\s*=\s*)("[^"]*"|'[^']*')""", re.I)


def xml_safe(text: str) -> str:
    """Text with the characters XML 1.0 forbids removed."""
    return _NOT_XML.sub("", text)


def absolutize(markup: str, base: str) -> str:
    """Resolve every link and image URL in rendered HTML against `base`, as feed readers need absolute URLs."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))

    def resolve(url: str) -> str:
        if url.startswith("/") and not url.startswith("//"):  # the common case, without urljoin's cost
            return origin + url
        return urljoin(base, url) if url and not urlsplit(url).scheme else url

    def join(value: str) -> str:
        url = value.strip("\"'").strip()
        return html.escape(resolve(html.unescape(url) if "&" in url else url))

    def srcset(value: str) -> str:
        candidates = (c.strip().split(None, 1) for c in html.unescape(value.strip("\"'")).split(","))
        return ", ".join(" ".join([resolve(c[0]), *c[1:]]) for c in candidates if c)

    def tag(m: re.Match[str]) -> str:
        text = _URL_ATTR.sub(lambda a: f'{a.group(1)}"{join(a.group(2))}"', m.group(0))
        return _SRCSET_ATTR.sub(lambda a: f'{a.group(1)}"{html.escape(srcset(a.group(2)))}"', text)

    return _START_TAG.sub(tag, markup)


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed as a page head announces it for autodiscovery."""

    title: str
    type: str  # MIME type
    url: str  # site URL


@dataclass(frozen=True, slots=True)
class FeedAuthor:
    name: str
    url: str  # absolute URL of the author page
    avatar: str  # absolute image URL, or ''


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One article as every feed shows it; prepared once and shared by all the feeds it appears in."""

    url: str  # absolute; also the guid and Atom id
    title: str
    summary: str
    content: str  # full HTML with absolute URLs; '' when feeds carry summaries only
    published: datetime
    modified: datetime
    authors: tuple[FeedAuthor, ...]
    categories: tuple[str, ...]  # section title, then tags
    image: ShareImage | None
    image_credit: str
    image_alt: str


@dataclass(frozen=True, slots=True)
class Channel:
    """One feed's subject: the site, a section or an author, with the articles its feeds show."""

    title: str
    description: str
    home: str  # absolute URL of the matching HTML page
    prefix: str  # site URL the feed files live under: '/', '/smart-bombs/', '/author/x/'
    posts: tuple[Post, ...]  # newest first, at most feed_limit
    logo: ShareImage | None  # the publisher's logo


def feed_links(prefix: str, title: str, *, json_feed: bool = False) -> tuple[FeedLink, ...]:
    """Autodiscovery links for the feeds under a prefix."""
    links = (
        FeedLink(f"{title} (RSS)", RSS, f"{prefix}feed.xml"),
        FeedLink(f"{title} (Atom)", ATOM, f"{prefix}atom.xml"),
    )
    return (*links, FeedLink(f"{title} (JSON Feed)", JSON_FEED, f"{prefix}feed.json")) if json_feed else links


def section_feed_title(site: Site, section_id: str) -> str:
    return f"{site.section_lists[section_id].title} – {site.config.title}"


def author_feed_title(site: Site, author_id: str) -> str:
    return f"{site.authors[author_id].name} – {site.config.title}"


def channels(site: Site, logo: ShareImage | None) -> list[Channel]:
    """The site's channel (RSS, Atom and JSON Feed), then one per section and author with articles (RSS, Atom)."""
    config = site.config
    limit = config.feed_limit
    home = config.absolute("/")
    found = [Channel(config.title, config.tagline or config.title, home, "/", site.posts[:limit], logo)]
    for section in site.sections:
        listing = site.section_lists[section.id]
        if listing.posts:
            title = section_feed_title(site, section.id)
            about = section.description or section.title
            found.append(Channel(title, about, config.absolute(listing.url), listing.url, listing.posts[:limit], logo))
    for author in site.authors.values():
        listing = site.author_lists[author.id]
        if listing.posts:
            title = author_feed_title(site, author.id)
            about = f"Articles by {author.name}" + (f", {author.role}" if author.role else "")
            found.append(Channel(title, about, config.absolute(listing.url), listing.url, listing.posts[:limit], logo))
    return found


def item_source(
    config: SiteConfig,
    body_html: Callable[[Post], str],
    summary: Callable[[Post], str],
    hero: Callable[[Post], ShareImage | None],
) -> Callable[[Post], FeedItem]:
    """A post's feed item, made once (its body made absolute once) however many feeds show the post."""
    prepared: dict[str, FeedItem] = {}

    def item(post: Post) -> FeedItem:
        found = prepared.get(post.url)
        if found is None:
            a = post.article
            url = config.absolute(post.url)
            categories = (post.section.title, *(t.name for t in post.tags))
            found = prepared[post.url] = FeedItem(
                url=url,
                title=xml_safe(a.title),
                summary=xml_safe(summary(post)),
                content=xml_safe(absolutize(body_html(post), url)) if config.feed_full_content else "",
                published=a.date,
                modified=a.modified,
                authors=tuple(
                    FeedAuthor(
                        xml_safe(au.name),
                        config.absolute(author_url(au.id)),
                        media_url(au.avatar, config) if au.avatar else "",
                    )
                    for au in post.authors
                ),
                categories=tuple(dict.fromkeys(xml_safe(c) for c in categories)),
                image=hero(post),
                image_credit=xml_safe(a.image.credit) if a.image else "",
                image_alt=xml_safe(a.image.alt) if a.image else "",
            )
        return found

    return item


class _ItemExtension(BaseExtension):
    def extend_ns(self) -> dict[str, str]:
        return {"media": MEDIA_NS, "dcterms": DCTERMS_NS}


class _ItemEntryExtension(BaseEntryExtension):
    """The hero image as media:content with its media:credit, and (RSS only) dcterms:modified."""

    def __init__(self) -> None:
        self.item: FeedItem | None = None

    def extend_atom(self, entry: object) -> object:
        image = self.item.image if self.item else None
        if image and self.item:
            content = xml_elem(f"{{{MEDIA_NS}}}content", entry, url=image.url, medium="image")
            for name, value in (("type", image.type), ("width", image.width), ("height", image.height)):
                if value:
                    content.set(name, str(value))
            if self.item.image_credit:
                xml_elem(f"{{{MEDIA_NS}}}credit", content).text = self.item.image_credit
        return entry

    def extend_rss(self, entry: object) -> object:
        if self.item:
            xml_elem(f"{{{DCTERMS_NS}}}modified", entry).text = self.item.modified.isoformat(timespec="seconds")
        return self.extend_atom(entry)


def _generator(
    channel: Channel, items: Sequence[FeedItem], config: SiteConfig, self_url: str, *, rss: bool
) -> FeedGenerator:
    fg = FeedGenerator()
    fg.register_extension("dc", DcExtension, DcEntryExtension, atom=False)  # dc:creator names RSS authors
    fg.register_extension("magsite", _ItemExtension, _ItemEntryExtension)
    fg.id(self_url)
    fg.title(xml_safe(channel.title))
    fg.subtitle(xml_safe(channel.description))
    fg.link(href=self_url, rel="self")
    fg.link(href=channel.home, rel="alternate")  # the last link is RSS's <link>
    fg.language(config.language)
    fg.rights(xml_safe(config.copyright))
    fg.generator("magsite")
    fg.updated(max((i.modified for i in items), default=EMPTY_FEED_DATE))  # also RSS lastBuildDate; never the clock
    if channel.logo:
        fg.logo(channel.logo.url)
        fg.image(channel.logo.url, xml_safe(channel.title), channel.home)
    for item in reversed(items):  # feedgen puts each new entry first
        entry = fg.add_entry()
        entry.id(item.url)
        entry.guid(item.url, permalink=True)
        entry.title(item.title)
        entry.link(href=item.url, rel="alternate")
        entry.published(item.published)
        entry.updated(item.modified)
        entry.author([{"name": a.name, "uri": a.url} for a in item.authors])
        entry.dc.dc_creator([a.name for a in item.authors])  # RSS <author> would have to expose an e-mail
        entry.category([{"term": c} for c in item.categories])
        if item.summary:  # RSS readers take <description> as HTML; Atom's <summary> is plain text
            entry.summary(html.escape(item.summary, quote=False) if rss else item.summary)
        if item.content:
            entry.content(item.content, type="html")
        entry.magsite.item = item
    return fg


def rss(channel: Channel, items: Sequence[FeedItem], config: SiteConfig) -> bytes:
    """An RSS 2.0 document of the channel's items, newest first."""
    self_url = config.absolute(f"{channel.prefix}feed.xml")
    return _generator(channel, items, config, self_url, rss=True).rss_str(pretty=True)


def atom(channel: Channel, items: Sequence[FeedItem], config: SiteConfig) -> bytes:
    """An Atom 1.0 document of the channel's items, newest first."""
    self_url = config.absolute(f"{channel.prefix}atom.xml")
    return _generator(channel, items, config, self_url, rss=False).atom_str(pretty=True)


def json_feed(channel: Channel, items: Sequence[FeedItem], config: SiteConfig) -> bytes:
    """A JSON Feed 1.1 document of the channel's items, with every field the spec defines for them."""
    feed: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": channel.title,
        "home_page_url": channel.home,
        "feed_url": config.absolute(f"{channel.prefix}feed.json"),
        "description": channel.description,
        "language": config.language,
    }
    logo = channel.logo
    if logo and logo.width and logo.width == logo.height:  # JSON Feed's icon is square
        feed["icon"] = logo.url
    feed["items"] = [_json_item(item, config) for item in items]
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode()


def _json_item(item: FeedItem, config: SiteConfig) -> dict[str, object]:
    data: dict[str, object] = {"id": item.url, "url": item.url, "title": item.title}
    if item.content:
        data["content_html"] = item.content
    else:
        data["content_text"] = item.summary
    data |= {
        "summary": item.summary,
        "date_published": item.published.isoformat(timespec="seconds"),
        "date_modified": item.modified.isoformat(timespec="seconds"),
        "authors": [{"name": a.name, "url": a.url} | ({"avatar": a.avatar} if a.avatar else {}) for a in item.authors],
        "tags": list(item.categories),
        "language": config.language,
    }
    if item.image:
        data["image"] = item.image.url
        image: dict[str, object] = {"url": item.image.url, "alt": item.image_alt}
        if item.image.width and item.image.height:
            image |= {"width": item.image.width, "height": item.image.height}
        if item.image_credit:
            image["credit"] = item.image_credit
        data["_magsite"] = {"image": image}  # JSON Feed has no field for an image credit
    return data
