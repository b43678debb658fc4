"""sitemap.xml (split into an index when large), the Google News sitemap, and robots.txt naming both."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from xml.sax.saxutils import escape

from magsite.config import SiteConfig
from magsite.feeds import xml_safe
from magsite.model import NEWS_WINDOW, Post

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
MAX_URLS = 50_000  # per sitemap file, by the sitemaps.org protocol
MAX_BYTES = 50 * 1024 * 1024  # per sitemap file, uncompressed
NEWS_MAX = 1_000

_HEAD = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n'
_TAIL = "</urlset>\n"


def _text(value: str) -> str:
    return escape(xml_safe(value))


def _date(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def sitemap_files(
    config: SiteConfig, entries: Iterable[tuple[str, datetime | None]], *, max_urls: int = MAX_URLS
) -> dict[str, bytes]:
    """sitemap.xml for (site URL, last modified) pairs, in their order: one file while it stays within
    the protocol's limits (50,000 URLs, 50 MB), else an index of sitemap-1.xml, sitemap-2.xml, ..."""
    parts: list[tuple[list[str], datetime | None]] = []
    lines: list[str] = []
    size = len(_HEAD) + len(_TAIL)
    newest: datetime | None = None
    for url, modified in entries:
        lastmod = f"<lastmod>{_date(modified)}</lastmod>" if modified else ""
        line = f"<url><loc>{_text(config.absolute(url))}</loc>{lastmod}</url>\n"
        if lines and (len(lines) >= max_urls or size + len(line.encode()) > MAX_BYTES):
            parts.append((lines, newest))
            lines, size, newest = [], len(_HEAD) + len(_TAIL), None
        lines.append(line)
        size += len(line.encode())
        if modified and (newest is None or modified > newest):
            newest = modified
    parts.append((lines, newest))
    if len(parts) == 1:
        return {"sitemap.xml": (_HEAD + "".join(lines) + _TAIL).encode()}
    files = {f"sitemap-{i}.xml": (_HEAD + "".join(part) + _TAIL).encode() for i, (part, _) in enumerate(parts, 1)}
    index = [f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n']
    for i, (_, modified) in enumerate(parts, 1):
        lastmod = f"<lastmod>{_date(modified)}</lastmod>" if modified else ""
        index.append(f"<sitemap><loc>{_text(config.absolute(f'/sitemap-{i}.xml'))}</loc>{lastmod}</sitemap>\n")
    index.append("</sitemapindex>\n")
    return {"sitemap.xml": "".join(index).encode(), **files}


def news_language(language: str) -> str:
    """The language code Google News wants: ISO 639 ('en-US' -> 'en'), except zh-cn and zh-tw for Chinese."""
    tag = language.lower()
    if tag.startswith("zh"):
        return "zh-tw" if any(s in tag for s in ("-hant", "-tw", "-hk", "-mo")) else "zh-cn"
    return tag.split("-")[0]


def news_sitemap(config: SiteConfig, posts: Sequence[Post], now: datetime) -> bytes:
    """The Google News sitemap: articles published in the 48 hours up to `now` (newest first, at most 1,000)."""
    publication = (config.publisher.name if config.publisher else "") or config.title
    recent = [p for p in posts if now - NEWS_WINDOW < p.article.date <= now][:NEWS_MAX]
    lines = [f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n']
    for post in recent:
        lines.append(
            f"<url><loc>{_text(config.absolute(post.url))}</loc><news:news>"
            f"<news:publication><news:name>{_text(publication)}</news:name>"
            f"<news:language>{news_language(config.language)}</news:language></news:publication>"
            f"<news:publication_date>{_date(post.article.date)}</news:publication_date>"
            f"<news:title>{_text(post.article.title)}</news:title></news:news></url>\n"
        )
    lines.append(_TAIL)
    return "".join(lines).encode()


def robots_txt(config: SiteConfig) -> bytes:
    sitemaps = "".join(f"Sitemap: {config.absolute(f'/{name}')}\n" for name in ("sitemap.xml", "news-sitemap.xml"))
    return f"User-agent: *\nAllow: /\n\n{sitemaps}".encode()
