"""Builds with a memo (what `magsite serve` does on every save) redo only what changed, and write exactly what
a cold build writes."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import article, make_site, tree_digest

from magsite.build import BuildMemo, BuildOptions, build
from magsite.errors import ContentError

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
A = "content/articles/2024/05/first-strike.md"


def stories(n: int) -> dict[str, str]:
    return {
        f"content/articles/2024/06/story-{i:02d}.md": article(
            f"Story {i:02d}", date=f"2024-06-{i:02d}T10:00:00Z", tags="[Drones, Navy]" if i % 2 else "[Drones]"
        )
        for i in range(1, n + 1)
    }


def write(site: Path, rel: str, text: str) -> None:
    (site / rel).parent.mkdir(parents=True, exist_ok=True)
    (site / rel).write_text(text, encoding="utf-8")


EDITS = [
    ("body of one article", lambda s: write(s, A, article(body="A new body."))),
    ("title of one article", lambda s: write(s, A, article("First Strike, Revised", body="A new body."))),
    ("date moves it up the lists", lambda s: write(s, A, article(date="2024-06-30T09:00:00Z"))),
    ("new tag", lambda s: write(s, A, article(tags="[Artillery]"))),
    ("new article", lambda s: write(s, "content/articles/new.md", article("Brand New", date="2024-06-15"))),
    ("renamed article", lambda s: (s / "content/articles/new.md").rename(s / "content/articles/renamed.md")),
    ("deleted article", lambda s: (s / "content/articles/2024/06/story-03.md").unlink()),
    ("draft", lambda s: write(s, "content/articles/draft.md", article("Draft Story", draft="true"))),
    ("author bio", lambda s: write(s, "content/authors/maya-carlin.md", "---\nname: Maya C.\n---\nNew bio.\n")),
    ("section", lambda s: write(s, "content/sections/smart-bombs.md", "---\ntitle: Bombs\n---\nIntro.\n")),
    ("page", lambda s: write(s, "content/pages/about.md", "---\ntitle: About Us\n---\nWho we are.\n")),
    ("page title", lambda s: write(s, "content/pages/about.md", "---\ntitle: About\n---\nWho we are.\n")),
    ("template", lambda s: write(s, "templates/partials/card.html", "<p class='card'>{{ post.title }}</p>\n")),
    ("stylesheet", lambda s: write(s, "themes/default/static/css/main.css", "body { color: navy; }\n")),
    ("config", lambda s: write(s, "magsite.yaml", (s / "magsite.yaml").read_text().replace("Tests of", "Tested"))),
    ("image", lambda s: (s / "content/images").mkdir() or shutil.copy(s / "magsite.yaml", s / "content/images/x.svg")),
]


def test_every_memo_build_writes_what_a_cold_build_writes(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", stories(7))
    options = BuildOptions(drafts=True, future=True, now=NOW)
    memo = BuildMemo()
    build(site, options, memo=memo)
    for what, edit in EDITS:
        edit(site)
        build(site, options, memo=memo)
        cold = tmp_path / "cold"
        build(site, BuildOptions(drafts=True, future=True, now=NOW, output=cold))
        assert tree_digest(site / "output") == tree_digest(cold), what
        shutil.rmtree(cold)


def test_an_article_edit_rewrites_only_its_page_and_the_pages_that_show_it(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", stories(7))
    options = BuildOptions(now=NOW)
    memo = BuildMemo()
    first = build(site, options, memo=memo)
    assert len(first.changed) == first.files  # the first build writes everything
    out = site / "output"
    untouched = out / "smart-bombs/story-07/index.html"
    before = untouched.stat()

    write(site, A, article(body="A new body."))  # the oldest article: body only
    assert sorted(build(site, options, memo=memo).changed) == ["feed.xml", "smart-bombs/first-strike/index.html"]

    write(site, A, article("Renamed Strike", body="A new body."))  # its title shows on cards and neighbours
    changed = set(build(site, options, memo=memo).changed)
    assert {"smart-bombs/first-strike/index.html", "smart-bombs/story-01/index.html"} <= changed  # older/newer link
    assert {"page/4/index.html", "smart-bombs/page/4/index.html", "author/maya-carlin/page/4/index.html"} <= changed
    assert "index.html" not in changed  # the front page shows only the newest articles
    assert untouched.stat().st_mtime_ns == before.st_mtime_ns and untouched.stat().st_ino == before.st_ino

    (site / A).unlink()
    result = build(site, options, memo=memo)
    assert "smart-bombs/first-strike/index.html" in result.changed
    assert not (out / "smart-bombs/first-strike").exists()
    for last_page in ("page/4/index.html", "smart-bombs/page/4/index.html", "tag/drones/page/4/index.html"):
        html = (out / last_page).read_text()
        assert "Renamed Strike" not in html and "Story 01" in html


def test_a_failed_memo_build_leaves_output_untouched_and_the_next_one_recovers(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", stories(3))
    options = BuildOptions(now=NOW)
    memo = BuildMemo()
    build(site, options, memo=memo)
    before = tree_digest(site / "output")
    write(site, A, article(author="nobody"))
    with pytest.raises(ContentError):
        build(site, options, memo=memo)
    assert tree_digest(site / "output") == before
    write(site, A, article("Fixed"))
    assert build(site, options, memo=memo).changed
    assert "Fixed" in (site / "output/smart-bombs/first-strike/index.html").read_text()


def test_a_template_that_reads_more_of_the_site_turns_skipping_off(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", stories(3))
    sidebar = "{% for p in site.posts[:1] %}<p class='newest'>{{ p.title }}</p>{% endfor %}\n"
    write(site, "templates/partials/footer.html", sidebar)
    options = BuildOptions(now=NOW)
    memo = BuildMemo()
    build(site, options, memo=memo)
    write(site, "content/articles/2024/06/story-03.md", article("Newest Renamed", date="2024-06-03T10:00:00Z"))
    build(site, options, memo=memo)
    assert "Newest Renamed" in (site / "output/smart-bombs/story-01/index.html").read_text()
