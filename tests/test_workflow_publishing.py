"""Publishing over time and redirects: expires, corrections, next change, aliases -> _redirects and stubs."""

from __future__ import annotations

from pathlib import Path

import feedparser
import html5lib
from conftest import NOW, article, build_site, make_site, run, tree_digest
from lxml import etree


def parse(file: Path) -> etree._Element:
    return html5lib.parse(file.read_bytes(), treebuilder="lxml", namespaceHTMLElements=False).getroot()


def texts(doc: etree._Element, xpath: str) -> list[str]:
    return [" ".join("".join(e.itertext()).split()) for e in doc.xpath(xpath)]


def all_text(folder: Path) -> str:
    """Every page, feed and sitemap of a build, as one string, to prove a title appears nowhere."""
    return "\n".join(p.read_text() for p in folder.rglob("*") if p.suffix in (".html", ".xml", ".txt"))


def test_an_expired_article_disappears_everywhere_and_its_url_says_gone(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {
        "content/articles/old-news.md": article("Old News Story", date="2024-01-10T09:00:00Z",
                                                expires="2025-01-01", tags="[Drones]", aliases="[/2024/old-news/]"),
        "content/articles/later.md": article("Still Online", date="2024-01-11T09:00:00Z", tags="[Drones]"),
    })
    assert build_site(site).exit_code == 0  # NOW is 2026: the article has expired
    out = site / "output"
    notice = parse(out / "smart-bombs/old-news/index.html")
    assert texts(notice, "//h1") == ["This article is no longer available"]
    assert notice.xpath("//meta[@name='robots']/@content") == ["noindex"]
    everywhere_else = all_text(out).replace((out / "smart-bombs/old-news/index.html").read_text(), "")
    assert "Old News Story" not in everywhere_else
    assert "old-news" not in (out / "sitemap.xml").read_text()
    assert [e.title for e in feedparser.parse((out / "feed.xml").read_bytes()).entries] == [
        "First Strike", "Still Online"]
    rules = (out / "_redirects").read_text().splitlines()
    assert "/smart-bombs/old-news/ /smart-bombs/old-news/index.html 410!" in rules
    assert "/2024/old-news/ /smart-bombs/old-news/ 301!" in rules
    # before its expiry date the same article is an ordinary article (an incremental build equals a cold one)
    assert run("build", "--site", site, "--now", "2024-06-01T00:00:00Z").exit_code == 0
    assert texts(parse(out / "smart-bombs/old-news/index.html"), "//article/header/h1") == ["Old News Story"]
    assert "Old News Story" in texts(parse(out / "tag/drones/index.html"), "//h3[@class='card-title']")
    cold = tmp_path / "cold"
    assert run("build", "--site", site, "--now", "2024-06-01T00:00:00Z", "--no-cache", "--output", cold).exit_code == 0
    assert tree_digest(out) == tree_digest(cold)
    # with no file changed, a later build still takes the article down once it has expired
    assert build_site(site).exit_code == 0
    assert texts(parse(out / "smart-bombs/old-news/index.html"), "//h1") == ["This article is no longer available"]


def test_expires_before_the_date_is_an_error_with_its_line(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {"content/articles/bad.md": article("Bad", expires="2024-04-01")})
    result = build_site(site)
    assert result.exit_code == 1
    assert "content/articles/bad.md:6: 'expires' must be after 'date'" in result.output


def test_corrections_show_at_the_top_newest_first_and_bump_the_modified_date(tmp_path: Path) -> None:
    corrections = (
        '\n  - {date: 2024-05-03, text: "An earlier version misnamed the <b>brigade</b>."}'
        '\n  - {date: "2024-05-07T10:00:00Z", text: "The range is 300 km, not 30 km."}'
    )
    site = make_site(tmp_path / "s", {"content/articles/2024/05/first-strike.md": article(corrections=corrections)})
    assert build_site(site).exit_code == 0
    doc = parse(site / "output/smart-bombs/first-strike/index.html")
    notes = doc.xpath("//article//aside[@class='corrections']")[0]
    assert texts(notes, "./h2") == ["Corrections"]
    assert texts(notes, ".//li") == [
        "May 7, 2024: The range is 300 km, not 30 km.",
        "May 3, 2024: An earlier version misnamed the <b>brigade</b>.",  # text, never HTML
    ]
    assert notes.xpath(".//time/@datetime")[0] == "2024-05-07T10:00:00+00:00"
    # the notes come before the body, and the newest correction counts as the update
    article_el = doc.xpath("//article")[0]
    order = [e.get("class") for e in article_el.iter() if e.get("class") in ("corrections", "article-body")]
    assert order == ["corrections", "article-body"]
    assert doc.xpath("//p[@class='updated']/time/@datetime") == ["2024-05-07T10:00:00+00:00"]
    assert "<lastmod>2024-05-07T10:00:00+00:00</lastmod>" in (site / "output/sitemap.xml").read_text()


def test_bad_corrections_are_reported_with_their_line(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {
        "content/articles/a.md": article("A", corrections='\n  - {date: 2024-04-01, text: "Too early."}'),
        "content/articles/b.md": article("B", corrections='\n  - {text: "No date."}'),
        "content/articles/c.md": article("C", corrections='"fixed a typo"'),
    })
    result = build_site(site)
    assert result.exit_code == 1
    assert "content/articles/a.md:6: correction 1 is dated before the article was published" in result.output
    assert "content/articles/b.md:6: 'corrections[1].date' is required" in result.output
    assert "content/articles/c.md:6: 'corrections' must be a list of {date, text} entries" in result.output


def test_every_build_prints_the_next_change_and_next_change_prints_it_alone(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {
        "content/articles/scheduled.md": article("Scheduled", date="2026-12-01T06:00:00-05:00"),
        "content/articles/expiring.md": article("Expiring", expires="2026-11-30T00:00:00Z"),
        "content/articles/draft.md": article("Draft", date="2026-11-26T00:00:00Z", draft="true"),
    })
    result = build_site(site)
    assert result.exit_code == 0
    assert "next change: 2026-11-30T00:00:00Z (content/articles/expiring.md expires)" in result.output
    alone = run("next-change", "--site", site, "--now", NOW)
    assert alone.exit_code == 0
    assert alone.output == "2026-11-30T00:00:00Z\n"
    later = run("next-change", "--site", site, "--now", "2026-11-30T00:00:00Z")
    assert later.output == "2026-12-01T11:00:00Z\n"  # the scheduled article, in UTC; drafts never count
    assert run("next-change", "--site", site, "--now", "2027-01-01T00:00:00Z").output == "none\n"
    assert "next change: none scheduled" in run("build", "--site", site, "--now", "2027-01-01T00:00:00Z").output


def test_aliases_become_redirect_rules_and_html_stubs(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {
        "magsite.yaml": "title: T\nbase_url: https://example.org/mag/\n",
        "content/articles/2024/05/first-strike.md": article(
            aliases='["/2023/05/old-url/", "/old/strike.php", "/?p=123", "/caf\u00e9/"]'),
    })
    assert build_site(site).exit_code == 0
    out = site / "output"
    rules = (out / "_redirects").read_text().splitlines()
    assert rules[1:] == [
        "/mag/2023/05/old-url/ /mag/smart-bombs/first-strike/ 301!",
        "/mag/ p=123 /mag/smart-bombs/first-strike/ 301!",
        "/mag/caf%C3%A9/ /mag/smart-bombs/first-strike/ 301!",
        "/mag/old/strike.php /mag/smart-bombs/first-strike/ 301!",
    ]
    stub = parse(out / "2023/05/old-url/index.html")
    assert stub.xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=/mag/smart-bombs/first-strike/"]
    assert stub.xpath("//link[@rel='canonical']/@href") == ["https://example.org/mag/smart-bombs/first-strike/"]
    assert (out / "old/strike.php").is_file()
    assert not list(out.glob("*p=123*"))  # a query alias has only its rule


def test_duplicate_and_conflicting_aliases_are_errors(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {
        "content/articles/a.md": article("A", aliases="[/old/a/, /old/a]"),
        "content/articles/b.md": article("B", aliases="[/old/shared/]"),
        "content/articles/c.md": article("C", aliases="[/old/shared/, /smart-bombs/b/]"),
        "content/articles/d.md": article("D", aliases="[/smart-bombs/d/, /tag/drones/, /feed.xml]"),
    })
    result = build_site(site)
    assert result.exit_code == 1
    for expected in (
        "content/articles/a.md:6: alias /old/a is listed twice",
        "content/articles/c.md:6: URL /old/shared/ is also produced by content/articles/b.md",
        "content/articles/c.md:6: URL /smart-bombs/b/ is also produced by content/articles/b.md",
        "content/articles/d.md:6: alias /smart-bombs/d/ is the article's own URL",
        "content/articles/d.md:6: alias /tag/drones/ is a URL magsite itself writes",
        "content/articles/d.md:6: alias /feed.xml is a URL magsite itself writes",
    ):
        assert expected in result.output, result.output
