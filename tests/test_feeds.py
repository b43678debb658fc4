"""Feeds as readers get them: every feed of the sample parsed by feedparser and lxml, JSON Feed by its schema."""

from __future__ import annotations

import calendar
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import feedparser
import jsonschema
import pytest
from conftest import article, build_site, make_site
from lxml import etree
from PIL import Image
from readers import article_facts, feed_text, html_pages, meta, one, parse_html, urls_in_html

BASE = "https://frontline-defense.netlify.app"
LIMIT = 20  # feeds.limit of the sample's magsite.yaml
JSON_FEED_SCHEMA = json.loads((Path(__file__).parent / "jsonfeed-1.1.schema.json").read_text())


@pytest.fixture(scope="module")
def facts(sample: Path) -> dict[str, dict[str, Any]]:
    return article_facts(sample, BASE)


def read_feed(file: Path) -> feedparser.FeedParserDict:
    """Parse a feed as it is: feedparser would otherwise resolve relative URLs and drop srcset for us."""
    return feedparser.parse(file.read_bytes(), resolve_relative_uris=False, sanitize_html=False)


def timestamp(parsed: Any) -> float:
    return float(calendar.timegm(parsed))


def expected_items(out: Path, facts: dict[str, dict[str, Any]], prefix: str) -> list[str]:
    """URLs a feed under `prefix` ('', 'smart-bombs/', 'author/x/') should list: its newest articles."""
    if prefix.startswith("author/"):
        chosen = [u for u, f in facts.items() if f"{BASE}/{prefix}" in f["author_urls"]]
    elif prefix:
        section = one(meta(parse_html(out / prefix / "index.html"), "og:title"))
        chosen = [u for u, f in facts.items() if f["section"] == section]
    else:
        chosen = list(facts)
    return sorted(chosen, key=lambda u: facts[u]["published"], reverse=True)[:LIMIT]


def assert_absolute(markup: str) -> None:
    urls = urls_in_html(markup)
    relative = [u for u in urls if not u.startswith(("https://", "http://", "mailto:"))]
    assert relative == []


def test_every_sample_feed_parses_and_every_item_is_complete(sample: Path, facts: dict[str, dict[str, Any]]) -> None:
    feeds = sorted(sample.rglob("feed.xml")) + sorted(sample.rglob("atom.xml"))
    assert len(feeds) >= 2 * (1 + 1 + 1)  # the site, at least one section and one author
    assert (sample / "smart-bombs/feed.xml").is_file() and (sample / "author/maya-carlin/atom.xml").is_file()
    for file in feeds:
        etree.parse(str(file))  # well-formed XML, or lxml raises
        feed = read_feed(file)
        assert not feed.bozo, (file, feed.get("bozo_exception"))
        assert feed.version == ("rss20" if file.name == "feed.xml" else "atom10")
        prefix = file.parent.relative_to(sample).as_posix() + "/" if file.parent != sample else ""
        assert feed.feed.link == f"{BASE}/{prefix}"
        assert [e.link for e in feed.entries] == expected_items(sample, facts, prefix), file
        for entry in feed.entries:
            fact = facts[entry.link]
            assert feed_text(entry.title_detail) == fact["title"]
            assert entry.id == entry.link
            assert timestamp(entry.published_parsed) == fact["published"].timestamp()
            assert timestamp(entry.updated_parsed) == fact["modified"].timestamp()
            assert [a["name"] for a in entry.authors] == fact["authors"]
            assert [t.term for t in entry.tags] == [fact["section"], *fact["tags"]]
            assert feed_text(entry.summary_detail) == fact["description"]
            assert "<p>" in entry.content[0].value
            assert_absolute(entry.content[0].value)
            if fact["image"]:
                media = one(entry.media_content)
                assert (media["url"], media["medium"]) == (fact["image"], "image")
                assert (media["width"], media["height"]) == (fact["width"], fact["height"])
                assert one(entry.media_credit)["content"] == fact["credit"]
            else:
                assert "media_content" not in entry


def test_the_sample_json_feed_follows_json_feed_1_1(sample: Path, facts: dict[str, dict[str, Any]]) -> None:
    feed = json.loads((sample / "feed.json").read_bytes())
    jsonschema.validate(feed, JSON_FEED_SCHEMA)
    assert feed["feed_url"] == f"{BASE}/feed.json"
    assert [i["id"] for i in feed["items"]] == expected_items(sample, facts, "")
    for item in feed["items"]:
        fact = facts[item["url"]]
        assert item["title"] == fact["title"]
        assert datetime.fromisoformat(item["date_published"]) == fact["published"]
        assert datetime.fromisoformat(item["date_modified"]) == fact["modified"]
        assert [a["name"] for a in item["authors"]] == fact["authors"]
        assert [a["url"] for a in item["authors"]] == fact["author_urls"]
        assert all((sample / a["avatar"].removeprefix(BASE + "/")).is_file() for a in item["authors"] if "avatar" in a)
        assert item["tags"] == [fact["section"], *fact["tags"]]
        assert item["summary"] == fact["description"]
        assert_absolute(item["content_html"])
        assert item.get("image") == fact["image"]
        if fact["image"]:
            assert item["_magsite"]["image"]["credit"] == fact["credit"]


def test_pages_announce_feeds_that_exist(sample: Path) -> None:
    announced: set[str] = set()
    for file in html_pages(sample):
        doc = parse_html(file)
        for kind, href in zip(
            doc.xpath("/html/head/link[@rel='alternate']/@type"),
            doc.xpath("/html/head/link[@rel='alternate']/@href"),
            strict=True,
        ):
            assert href.startswith(BASE + "/")
            target = sample / href.removeprefix(BASE + "/")
            assert target.is_file(), (file, href)
            assert kind == {"feed.xml": "application/rss+xml", "atom.xml": "application/atom+xml"}.get(
                target.name, "application/feed+json"
            )
            announced.add(href)
    feeds = {
        f"{BASE}/{p.relative_to(sample).as_posix()}"
        for p in sample.rglob("*")
        if p.name in ("feed.xml", "atom.xml", "feed.json")
    }
    assert announced == feeds  # every feed is discoverable from some page
    section = parse_html(sample / "smart-bombs/index.html").xpath("/html/head/link[@rel='alternate']/@href")
    assert section[:2] == [f"{BASE}/smart-bombs/feed.xml", f"{BASE}/smart-bombs/atom.xml"]
    author = parse_html(sample / "author/maya-carlin/index.html").xpath("/html/head/link[@rel='alternate']/@href")
    assert author[:2] == [f"{BASE}/author/maya-carlin/feed.xml", f"{BASE}/author/maya-carlin/atom.xml"]
    story = parse_html(sample / "smart-bombs/putins-nightmare-belgorod/index.html")
    assert f"{BASE}/smart-bombs/feed.xml" in story.xpath("/html/head/link[@rel='alternate']/@href")


def test_feed_size_and_summary_only_come_from_the_config(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "s",
        {
            "magsite.yaml": "title: T\nbase_url: https://example.org/\nfeeds: {limit: 2, full_content: false}\n",
            "content/articles/a.md": article("Alpha", date="2024-05-02", summary="Alpha in short."),
            "content/articles/b.md": article("Bravo", date="2024-05-03", body="Bravo's first paragraph.\n\nMore."),
        },
    )
    assert build_site(site).exit_code == 0
    out = site / "output"
    for name in ("feed.xml", "atom.xml", "smart-bombs/feed.xml", "author/maya-carlin/atom.xml"):
        feed = read_feed(out / name)
        assert not feed.bozo
        assert [e.title for e in feed.entries] == ["Bravo", "Alpha"]  # newest two of three
        assert [feed_text(e.summary_detail) for e in feed.entries] == ["Bravo's first paragraph.", "Alpha in short."]
        assert all("content" not in e for e in feed.entries)
    items = json.loads((out / "feed.json").read_bytes())["items"]
    jsonschema.validate({"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": items}, JSON_FEED_SCHEMA)
    assert [(i["content_text"], "content_html" in i) for i in items] == [
        ("Bravo's first paragraph.", False),
        ("Alpha in short.", False),
    ]


def test_feed_content_has_absolute_urls_and_no_ads(tmp_path: Path) -> None:
    body = (
        "See [the about page](/about/), [a source](https://example.com/x?a=1&b=2) and a note[^1].\n\n"
        "![Chart](images/chart.png)\n\n"
        '<img src="/mag/images/chart.png" srcset="/mag/images/chart.png 1x, images/chart.png 2x" alt="raw">\n\n'
        "[^1]: The note.\n"
    )
    site = make_site(
        tmp_path / "s",
        {
            "magsite.yaml": (
                "title: T\nbase_url: https://example.org/mag/\n"
                "ads:\n  in_article: '<div class=\"ad-probe\">Advertisement</div>'\n"
            ),
            "content/articles/2024/05/first-strike.md": article(body=body),
            "content/pages/about.md": "---\ntitle: About\n---\nAbout us.\n",
        },
    )
    (site / "content/images").mkdir(parents=True)
    Image.new("RGB", (40, 30), "navy").save(site / "content/images/chart.png")
    assert build_site(site).exit_code == 0
    out = site / "output"
    here = "https://example.org/mag/smart-bombs/first-strike/"
    rss = read_feed(out / "feed.xml").entries[0].content[0].value
    atom = read_feed(out / "atom.xml").entries[0].content[0].value
    json_html = json.loads((out / "feed.json").read_bytes())["items"][0]["content_html"]
    for content in (rss, atom, json_html):
        urls = urls_in_html(content)
        assert "https://example.org/mag/about/" in urls
        assert "https://example.com/x?a=1&b=2" in urls
        assert urls.count("https://example.org/mag/images/chart.png") == 2  # raw src, srcset 1x
        assert [u for u in urls if u.startswith("https://example.org/mag/images/chart-40w.")]  # Markdown <picture>
        assert "https://example.org/mag/smart-bombs/first-strike/images/chart.png" in urls  # srcset 2x, relative
        assert f"{here}#fn1" in urls
        assert_absolute(content)
        assert "ad-probe" not in content and "Advertisement" not in content


def test_section_and_author_feeds_follow_their_articles(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "s",
        {
            "content/authors/john-doe.md": "---\nname: John Doe\n---\nBio.\n",
            "content/sections/navy.md": "---\ntitle: Naval Warfare\n---\nShips.\n",
            "content/articles/joint.md": article("Joint Story", date="2024-06-01", author="[john-doe, maya-carlin]"),
        },
    )
    assert build_site(site).exit_code == 0
    out = site / "output"
    for name in ("author/maya-carlin/feed.xml", "author/john-doe/feed.xml"):
        titles = [e.title for e in read_feed(out / name).entries]
        assert "Joint Story" in titles
    joint = read_feed(out / "author/john-doe/atom.xml").entries[0]
    assert [a["name"] for a in joint.authors] == ["John Doe", "Maya Carlin"]
    assert joint.authors[0]["href"] == "https://example.org/author/john-doe/"
    assert not (out / "navy/feed.xml").exists()  # no articles, no feed...
    navy = parse_html(out / "navy/index.html").xpath("/html/head/link[@rel='alternate']/@href")
    assert navy == ["https://example.org/feed.xml", "https://example.org/atom.xml", "https://example.org/feed.json"]


def test_control_characters_in_front_matter_cannot_break_the_xml(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "s",
        {
            "content/articles/2024/05/first-strike.md": article(
                "Vertical\\vTab", date="2026-11-25T08:00:00Z", dek='"Bell\\a"'
            )
        },
    )
    assert build_site(site).exit_code == 0
    for name in ("feed.xml", "atom.xml", "news-sitemap.xml", "sitemap.xml"):
        etree.parse(str(site / "output" / name))
    entry = read_feed(site / "output/feed.xml").entries[0]
    assert (entry.title, entry.summary) == ("VerticalTab", "Bell")
