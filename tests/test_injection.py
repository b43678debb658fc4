"""Markup in every text field of the front matter and the config comes out as text in every output.

Each field holds its own payload (script tags, an attribute breakout with onerror, a javascript: URL,
a CDATA end, a Jinja expression, U+2028), and the built site is read back with real parsers: HTML as
browsers parse it (html5lib), feeds and sitemaps with an XML parser and feedparser, JSON-LD and JSON
with json. Each payload must be found whole as text or as an attribute value, and nothing it holds
may become an element, an attribute, a script or a link.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import html5lib
import pytest
import yaml
from conftest import build_site, make_site
from lxml import etree
from playwright.sync_api import expect, sync_playwright
from test_search import CHROMIUM, CHROMIUM_ARGS

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "cite", "background", "srcset", "content"}


def payload(field: str) -> str:
    """A field's own attack string; `field` makes each one findable."""
    return (
        f"{field} <script>alert(1)</script> \"><img src=x onerror=alert(2)> '><svg onload=alert(3)> "
        "</title></textarea></style></script> ]]> <![CDATA[ --> {{ 7*7 }} {% raw %} javascript:alert(4) &amp; \u2028."
    )


SHOWN_IN_HTML = [
    "site title",
    "tagline",
    "copyright",
    "social name",
    "section title",
    "section description",
    "author name",
    "author role",
    "article title",
    "dek",
    "summary",
    "tag",
    "image alt",
    "image caption",
    "image credit",
    "page title",
    "page description",
]
IN_THE_FEED = ["site title", "article title", "tag", "section title", "author name"]  # as text
SOCIAL_URL = "https://example.org/connect?a=\"><script>alert('social')</script>&b='x"
IMAGE_URL = "https://img.example.org/hero.jpg?\"><img src=x onerror=alert('image')>"


def front_matter(fields: dict[str, Any], body: str) -> str:
    return "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False) + "---\n" + body


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = {
        "title": payload("site title"),
        "tagline": payload("tagline"),
        "copyright": payload("copyright"),
        "base_url": "https://example.org/",
        "social": [{"name": payload("social name"), "url": SOCIAL_URL}],
        "publisher": {"name": payload("publisher name")},
    }
    article = {
        "title": payload("article title"),
        "dek": payload("dek"),
        "summary": payload("summary"),
        "author": "maya-carlin",
        "section": "smart-bombs",
        "date": "2024-05-01T09:00:00Z",
        "tags": [payload("tag")],
        "image": {
            "src": IMAGE_URL,
            "alt": payload("image alt"),
            "caption": payload("image caption"),
            "credit": payload("image credit"),
        },
        "sponsor": payload("extra key"),
    }
    body = "Text with ]]> and </script> in it.\n\n<div>]]></div>\n\n```\n</script><script>alert(5)</script>\n```\n"
    site = make_site(
        tmp_path_factory.mktemp("injection") / "site",
        {
            "magsite.yaml": yaml.safe_dump(config, allow_unicode=True),
            "content/sections/smart-bombs.md": front_matter(
                {"title": payload("section title"), "description": payload("section description")}, "Intro.\n"
            ),
            "content/authors/maya-carlin.md": front_matter(
                {"name": payload("author name"), "role": payload("author role"), "twitter": "MayaCarlin"}, "Bio.\n"
            ),
            "content/articles/2024/05/first-strike.md": front_matter(article, body),
            "content/pages/about.md": front_matter(
                {"title": payload("page title"), "description": payload("page description")}, "About us.\n"
            ),
        },
    )
    result = build_site(site)
    assert result.exit_code == 0, result.output
    return site / "output"


def html_pages(out: Path) -> Iterator[tuple[str, etree._Element]]:
    for file in sorted(out.rglob("*.html")):
        doc = html5lib.parse(file.read_bytes(), treebuilder="lxml", namespaceHTMLElements=False)
        yield file.relative_to(out).as_posix(), doc.getroot()


def strings(doc: etree._Element) -> Iterator[str]:
    """Every text node and attribute value of a parsed page, whitespace-normalised."""
    for value in doc.xpath("//text() | //@*"):
        yield " ".join(str(value).split())


def test_no_payload_becomes_markup_in_any_page(out: Path) -> None:
    pages = list(html_pages(out))
    assert len(pages) >= 7
    for name, doc in pages:
        for script in doc.xpath("//script"):
            kind = script.get("type", "")
            assert script.get("src") or kind == "application/ld+json", f"{name}: inline script {script.text!r}"
            if kind == "application/ld+json":  # the whole JSON is the element's text, and it parses
                assert "</script" not in script.text.lower() and "<!--" not in script.text, name
                json.loads(script.text)
        handlers = [f"{e.tag}@{a}" for e in doc.iter(etree.Element) for a in e.attrib if a.lower().startswith("on")]
        assert handlers == [], name
        made = "//img[@src='x'] | //*[local-name()='svg' and @onload] | //textarea | //style[contains(., 'alert')]"
        assert doc.xpath(made) == [], name
        for element in doc.iter(etree.Element):
            for attribute, value in element.attrib.items():
                if attribute in URL_ATTRIBUTES:
                    squashed = "".join(value.split()).lower()
                    assert not squashed.startswith(("javascript:", "vbscript:", "data:text")), f"{name}: {value}"
        assert "49" not in doc.xpath("string(//title)"), f"{name}: a template expression in content was evaluated"


def test_every_field_is_shown_whole_as_text(out: Path) -> None:
    found: set[str] = set()
    for _, doc in html_pages(out):
        found.update(strings(doc))
    everything = "\n".join(found)
    missing = [field for field in SHOWN_IN_HTML if " ".join(payload(field).split()) not in everything]
    assert missing == []
    assert SOCIAL_URL in found  # an attribute value, exactly as configured
    assert any(IMAGE_URL in value for value in found)


def test_feeds_are_well_formed_and_carry_the_text_exactly(out: Path) -> None:
    feeds = sorted(out.rglob("*.xml"))
    assert out / "feed.xml" in feeds
    for file in feeds:
        etree.fromstring(file.read_bytes())  # well-formed: no payload broke out of a text node or CDATA
    rss = etree.fromstring((out / "feed.xml").read_bytes())
    texts = {" ".join(t.split()) for t in rss.xpath("//text()")}
    missing = [field for field in IN_THE_FEED if " ".join(payload(field).split()) not in texts]
    assert missing == []
    # RSS readers take <description> as HTML: what they show must be the summary's text, not its markup
    description = rss.xpath("//item/description/text()")[0]
    shown = html5lib.parseFragment(description, treebuilder="etree", namespaceHTMLElements=False)
    assert "".join(shown.itertext()) == payload("summary")
    content = rss.xpath("//item/*[local-name()='encoded']/text()")
    assert len(content) == 1 and "<div>]]></div>" in content[0]
    assert "&lt;/script&gt;&lt;script&gt;alert(5)&lt;/script&gt;" in content[0]  # code stays code
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [e.link for e in parsed.entries] == ["https://example.org/smart-bombs/first-strike/"]
    for file in sorted(out.rglob("*.json")):
        json.loads(file.read_bytes())
    atom = etree.fromstring((out / "atom.xml").read_bytes())
    assert payload("article title") in atom.xpath("//*[local-name()='entry']/*[local-name()='title']/text()")
    feed = json.loads((out / "feed.json").read_bytes())
    assert (feed["title"], feed["items"][0]["title"]) == (payload("site title"), payload("article title"))


def test_structured_data_carries_the_text_exactly(out: Path) -> None:
    found: set[str] = set()
    for _, doc in html_pages(out):
        for script in doc.xpath("//script[@type='application/ld+json']"):
            found.update(json_strings(json.loads(script.text)))
    fields = ["article title", "summary", "site title", "section title", "author name", "publisher name"]
    assert [field for field in fields if payload(field) not in found] == []


def json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from json_strings(item)
    elif isinstance(value, str):
        yield value


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_in_a_browser_search_results_and_pages_show_the_payload_and_run_nothing(out: Path) -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            tab = browser.new_page()
            dialogs: list[str] = []
            tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            tab.goto(f"http://127.0.0.1:{httpd.server_address[1]}/search/?q=onerror")
            title = tab.locator(".search-result-title").first
            expect(title).to_contain_text("<script>alert(1)</script>")
            results = tab.locator("[data-search-results]")
            assert results.locator("script, img[src='x'], svg, [onerror], [onload]").count() == 0
            for file in sorted(out.rglob("*.html")):  # every page: a payload that ran would open a dialog
                tab.goto(f"http://127.0.0.1:{httpd.server_address[1]}/{file.relative_to(out).as_posix()}")
            browser.close()
    finally:
        httpd.shutdown()
    assert dialogs == []


def test_sitemaps_and_robots_hold_only_clean_urls(out: Path) -> None:
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = etree.fromstring((out / "sitemap.xml").read_bytes()).xpath("//s:loc/text()", namespaces=namespace)
    assert len(locs) >= 5
    for loc in locs:
        parts = urlsplit(loc)
        assert (parts.scheme, parts.netloc) == ("https", "example.org"), loc
        assert not set(loc) & set("<>\"' \n"), loc
    robots = (out / "robots.txt").read_text(encoding="utf-8").splitlines()
    sitemaps = [line.removeprefix("Sitemap: ") for line in robots if line.startswith("Sitemap:")]
    assert "https://example.org/sitemap.xml" in sitemaps
    assert all(urlsplit(url).netloc == "example.org" and not set(url) & set("<>\"' ") for url in sitemaps)
