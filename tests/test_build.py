"""What `magsite build` writes: page kinds, pagination, options, overrides, determinism."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import feedparser
import html5lib
import pytest
from conftest import article, build_site, make_site, run, tree_digest
from lxml import etree

XHTML = "{http://www.w3.org/1999/xhtml}"


def parse(file: Path) -> etree._Element:
    """Parse an HTML page the way browsers do; returns the lxml tree."""
    return html5lib.parse(file.read_bytes(), treebuilder="lxml", namespaceHTMLElements=False).getroot()


def texts(doc: etree._Element, xpath: str) -> list[str]:
    return [" ".join("".join(e.itertext()).split()) for e in doc.xpath(xpath)]


def many_articles(n: int) -> dict[str, str]:
    return {
        f"content/articles/2024/{i:02d}.md": article(
            f"Story {i:02d}", date=f"2024-06-{i:02d}T10:00:00Z", tags="[Drones]"
        )
        for i in range(1, n + 1)
    }


def test_lists_are_paginated_with_working_previous_and_next_links(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", many_articles(5))  # + first-strike = 6 articles, 2 per page
    assert build_site(site).exit_code == 0
    out = site / "output"
    for base in ("", "smart-bombs/", "author/maya-carlin/", "tag/drones/"):
        first = parse(out / base / "index.html")
        assert first.xpath("//a[@rel='prev']") == [] or base == ""  # home has no list prev
        next_href = first.xpath("//nav[@class='pagination']/a[@rel='next']/@href")[0]
        page2 = parse(out / next_href.lstrip("/") / "index.html")
        assert page2.xpath("//nav[@class='pagination']/a[@rel='prev']/@href") == [f"/{base}"]
        assert not (out / base / "page/1").exists()
    # the tag has 5 articles: pages 1-3, the last with no "next"
    last = parse(out / "tag/drones/page/3/index.html")
    assert texts(last, "//h3[@class='card-title']") == ["Story 01"]
    assert last.xpath("//nav[@class='pagination']/a[@rel='next']") == []
    newest_first = texts(parse(out / "smart-bombs/index.html"), "//h3[@class='card-title']")
    assert newest_first == ["Story 05", "Story 04"]


def test_drafts_and_future_articles_need_their_flags(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "s",
        {
            "content/articles/draft.md": article("Draft Story", draft="true"),
            "content/articles/later.md": article("Later Story", date="2030-01-01"),
        },
    )
    assert build_site(site).exit_code == 0
    assert not (site / "output/smart-bombs/draft").exists()
    assert not (site / "output/smart-bombs/later").exists()
    assert "Later Story" not in (site / "output/feed.xml").read_text()
    assert build_site(site, "--drafts", "--future").exit_code == 0
    assert "Draft" in texts(parse(site / "output/smart-bombs/draft/index.html"), "//p[@class='flag']")
    assert (site / "output/smart-bombs/later/index.html").exists()
    # --now moves the cut-off: at a later "now" the future article is published
    assert run("build", "--site", site, "--now", "2030-06-01T00:00:00Z").exit_code == 0
    assert (site / "output/smart-bombs/later/index.html").exists()


def test_output_and_site_options(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    os.chdir(tmp_path)
    result = build_site(Path("s"), "--output", tmp_path / "elsewhere")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "elsewhere/smart-bombs/first-strike/index.html").exists()
    assert not (site / "output").exists()


def test_co_authors_aliases_and_unknown_keys(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "s",
        {
            "content/authors/john-doe.md": "---\nname: John Doe\n---\nBio.\n",
            "content/articles/joint.md": article(
                "Joint Story",
                author="[maya-carlin, john-doe]",
                aliases="[/2019/01/old-joint/, /old/joint.html]",
                sponsor='"Acme"',
            ),
            "templates/partials/card.html": "<p class='sponsor'>{{ post.extra.sponsor|default('') }}</p>\n",
        },
    )
    assert build_site(site).exit_code == 0
    out = site / "output"
    doc = parse(out / "smart-bombs/joint/index.html")
    assert texts(doc, "//article//p[@class='byline']")[0].startswith("By Maya Carlin and John Doe")
    assert (out / "author/john-doe/index.html").exists()
    for alias in ("2019/01/old-joint/index.html", "old/joint.html"):
        stub = parse(out / alias)
        assert stub.xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=/smart-bombs/joint/"]
        assert stub.xpath("//link[@rel='canonical']/@href") == ["https://example.org/smart-bombs/joint/"]
    assert "Acme" in texts(parse(out / "index.html"), "//p[@class='sponsor']")


def test_a_site_template_overrides_the_theme_and_can_extend_it(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "s",
        {
            "templates/article.html": (
                '{% extends "theme/article.html" %}\n'
                '{% block main %}<p id="override">Special edition</p>{{ super() }}{% endblock %}\n'
            ),
            "themes/default/static/css/main.css": "body { color: red; }\n",
        },
    )
    assert build_site(site).exit_code == 0
    doc = parse(site / "output/smart-bombs/first-strike/index.html")
    assert texts(doc, "//p[@id='override']") == ["Special edition"]
    assert texts(doc, "//article/header/h1") == ["First Strike"]  # the theme's block still renders
    css_href = doc.xpath("//link[@rel='stylesheet']/@href")[0]
    assert (site / "output" / css_href.lstrip("/")).read_text() == "body { color: red; }\n"


def test_markdown_extensions_and_link_policy(tmp_path: Path) -> None:
    body = (
        "## Order of Battle\n\n| Unit | Role |\n|---|---|\n| 1st | Armor |\n\n"
        "Claim[^1] and ~~retracted~~ text.\n\n[^1]: Source note.\n\n"
        '[bad](javascript:alert(1)) <a href="JaVaScRiPt:alert(2)">raw</a> [ok](/about/)\n\n'
        '<iframe src="https://www.youtube-nocookie.com/embed/x" title="Video"></iframe>\n'
    )
    site = make_site(tmp_path / "s", {"content/articles/2024/05/first-strike.md": article(body=body)})
    assert build_site(site).exit_code == 0
    doc = parse(site / "output/smart-bombs/first-strike/index.html")
    body_el = doc.xpath("//div[@class='article-body']")[0]
    assert body_el.xpath(".//h2/@id") == ["order-of-battle"]
    assert body_el.xpath(".//table//td/text()") == ["1st", "Armor"]
    assert body_el.xpath(".//s/text()") == ["retracted"]
    assert body_el.xpath(".//section[contains(@class, 'footnotes')]//li/@id") == ["fn1"]
    assert body_el.xpath(".//iframe/@src") == ["https://www.youtube-nocookie.com/embed/x"]
    hrefs = [h for h in doc.xpath("//@href | //@src")]
    assert not [h for h in hrefs if "javascript" in h.lower()]
    assert "/about/" in hrefs


def test_sample_magazine_has_every_page_type(tmp_path: Path, repo: Path) -> None:
    out = tmp_path / "out"
    result = run("build", "--site", repo, "--output", out, "--now", "2026-11-25T12:00:00Z")
    assert result.exit_code == 0, result.output
    article_page = out / "smart-bombs/putins-nightmare-belgorod/index.html"
    doc = parse(article_page)
    assert texts(doc, "//h1") == ["Putin’s Nightmare: Moscow’s War in Ukraine Has Spread to Russia Itself"]
    assert texts(doc, "//p[@class='section-banner']") == ["Smart Bombs: Military, Defense and National Security"]
    assert texts(doc, "//figcaption") == ["Ukraine Attack on Russian Missiles. Image Credit: YouTube Screenshot"]
    assert texts(doc, "//div[@class='article-body']/h2") == [
        "What Happened in Belgorod This Week?",
        "A Rough Year for the Border Region",
    ]
    assert "Written By" in texts(doc, "//aside//h2")
    for page in (
        "index.html",
        "page/2/index.html",
        "smart-bombs/index.html",
        "author/maya-carlin/index.html",
        "tag/belgorod/index.html",
        "about/index.html",
        "masthead/index.html",
        "contact/index.html",
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "feed.xml",
    ):
        assert (out / page).is_file(), page
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo
    assert len(feed.entries) == 20
    assert all(e.link.startswith("https://") for e in feed.entries)
    assert all(e.content[0].value for e in feed.entries)
    dates = [e.published_parsed for e in feed.entries]
    assert dates == sorted(dates, reverse=True)
    sitemap = etree.parse(str(out / "sitemap.xml"))
    locs = sitemap.xpath("//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    assert "https://frontline-defense.netlify.app/smart-bombs/putins-nightmare-belgorod/" in locs
    assert "Sitemap: https://frontline-defense.netlify.app/sitemap.xml" in (out / "robots.txt").read_text()


@pytest.fixture
def repo() -> Path:
    return Path(__file__).resolve().parent.parent


def test_two_builds_are_byte_identical(tmp_path: Path, repo: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    assert run("build", "--site", repo, "--output", one, "--now", "2026-11-25T12:00:00Z").exit_code == 0
    assert run("build", "--site", repo, "--output", two, "--now", "2026-11-25T12:00:00Z").exit_code == 0
    assert tree_digest(one) == tree_digest(two)
    assert len(tree_digest(one)) > 100


def test_the_magsite_command_reports_and_exits_like_main(tmp_path: Path) -> None:
    """The console entry point skips Python's slow teardown; its output and exit codes must not suffer."""
    site = make_site(tmp_path / "s")
    command = [sys.executable, "-c", "from magsite.cli import console; console()", "build", "--site", str(site)]
    ok = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("built ") and "next change:" in ok.stdout  # flushed before the fast exit
    assert (site / "output/index.html").is_file()
    (site / "content/articles/broken.md").write_text("---\ntitle: [unclosed\n---\nBody\n")
    bad = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert "content/articles/broken.md:3:" in bad.stderr and "build failed: 1 problem(s)" in bad.stderr
