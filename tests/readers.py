"""Read built pages the way crawlers do: HTML with a browser-grade parser, head metadata, JSON-LD blocks."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import html5lib
import lxml.html
from lxml import etree


def parse_html(file: Path) -> etree._Element:
    """Parse a page with libxml2's HTML parser: fast enough to read every page of a build."""
    return lxml.html.document_fromstring(file.read_bytes())


def parse_html5(file: Path) -> etree._Element:
    """Parse a page exactly as browsers do (the HTML5 algorithm), for pages whose markup is under attack."""
    return html5lib.parse(file.read_bytes(), treebuilder="lxml", namespaceHTMLElements=False).getroot()


def meta(doc: etree._Element, name: str) -> list[str]:
    """Values of <meta property=name> or <meta name=name> in the head, in order."""
    return doc.xpath(f"/html/head/meta[@property='{name}' or @name='{name}']/@content")


def one(values: list[str]) -> str:
    assert len(values) == 1, values
    return values[0]


def json_ld(doc: etree._Element) -> list[dict[str, Any]]:
    """Every JSON-LD block of a page, parsed as JSON."""
    return [json.loads(script.text) for script in doc.xpath("//script[@type='application/ld+json']")]


def html_pages(out: Path) -> list[Path]:
    """Every HTML page a build wrote that is not a redirect stub."""
    return [p for p in sorted(out.rglob("*.html")) if b'http-equiv="refresh"' not in p.read_bytes()]


def urls_in_html(markup: str) -> list[str]:
    """Every href, src and srcset URL in a fragment of HTML."""
    root = lxml.html.fragment_fromstring(markup, create_parent="div")
    urls = root.xpath("//@href | //@src")
    for srcset in root.xpath("//@srcset"):
        urls += [candidate.split()[0] for candidate in srcset.split(",")]
    return urls


def feed_text(detail: Any) -> str:
    """A feedparser text construct as a reader displays it: HTML rendered to its text, plain text as it is."""
    if detail.type in ("text/html", "application/xhtml+xml"):
        return lxml.html.fragment_fromstring(detail.value, create_parent="div").text_content()
    return detail.value


def article_facts(out: Path, base_url: str) -> dict[str, dict[str, Any]]:
    """What each built article page states about itself, keyed by its canonical URL."""
    facts = {}
    for file in html_pages(out):
        doc = parse_html(file)
        if meta(doc, "og:type") != ["article"]:
            continue
        article = next(b for b in json_ld(doc) if b["@type"] == "NewsArticle")
        credit = doc.xpath("string(//figure[@class='hero-figure']/figcaption)").rpartition("Image Credit: ")[2]
        url = one(doc.xpath("/html/head/link[@rel='canonical']/@href"))
        facts[url] = {
            "title": article["headline"],
            "description": one(meta(doc, "description")),
            "section": one(meta(doc, "article:section")),
            "tags": meta(doc, "article:tag"),
            "authors": [a["name"] for a in article["author"]],
            "author_urls": meta(doc, "article:author"),
            "published": datetime.fromisoformat(one(meta(doc, "article:published_time"))),
            "modified": datetime.fromisoformat(one(meta(doc, "article:modified_time"))),
            "image": one(meta(doc, "og:image")) if doc.xpath("//figure[@class='hero-figure']") else None,
            "width": (meta(doc, "og:image:width") or [None])[0],
            "height": (meta(doc, "og:image:height") or [None])[0],
            "credit": credit.strip(),
        }
        assert url.startswith(base_url), url
    return facts
