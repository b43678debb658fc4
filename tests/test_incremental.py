"""Incremental builds: after any kind of change, the result is byte-identical to a cold build."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import jinja2
import jinja2.bccache
import pytest
from conftest import NOW, REPO, run, tree_digest

ARTICLE = "content/articles/2023/05/putins-nightmare-belgorod.md"


def copy_sample(dest: Path) -> Path:
    shutil.copytree(REPO / "content", dest / "content")
    shutil.copy(REPO / "magsite.yaml", dest / "magsite.yaml")
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CHANGES: dict[str, Callable[[Path], None]] = {
    "article body": lambda s: edit(
        s / ARTICLE, "The incident continues to unfold.", "The incident is still unfolding."
    ),
    "article title": lambda s: edit(s / ARTICLE, "Putin’s Nightmare:", "Putin’s Worst Nightmare:"),
    "article tags": lambda s: edit(s / ARTICLE, "tags: [", "tags: [Drones, "),
    "new article": lambda s: (s / "content/articles/2026/11/new.md").write_text(
        "---\ntitle: Brand New\nauthor: maya-carlin\nsection: navy\ndate: 2026-11-24T10:00:00Z\ntags: [Russia]\n"
        "---\nFresh [link](../../2023/05/putins-nightmare-belgorod.md).\n"
    ),
    "deleted article": lambda s: (s / ARTICLE).unlink(),
    "renamed article": lambda s: (s / ARTICLE).rename(s / "content/articles/2023/05/belgorod.md"),
    "author bio": lambda s: edit(s / "content/authors/maya-carlin.md", "Maya Carlin", "Maya Carlin (ret.)"),
    "section title": lambda s: edit(s / "content/sections/navy.md", "title:", "title: The"),
    "standalone page": lambda s: edit(s / "content/pages/about.md", "title:", "title: All"),
    "config": lambda s: edit(s / "magsite.yaml", "per_page: 12", "per_page: 5"),
    "template override": lambda s: (
        (s / "templates").mkdir()
        or (s / "templates/page.html").write_text(
            '{% extends "theme/page.html" %}{% block main %}<p>Override</p>{{ super() }}{% endblock %}\n'
        )
    ),
    "partial override": lambda s: (  # rendered once per variant by partial(), not per page
        (s / "templates/partials").mkdir(parents=True)
        or (s / "templates/partials/footer.html").write_text("<footer>Our own footer</footer>\n")
    ),
    "nested partial override": lambda s: (  # icon.html, used through partial() inside the cached header
        (s / "templates/partials").mkdir(parents=True)
        or (s / "templates/partials/icon.html").write_text("<i>{{ name }}</i>")
    ),
    "card override": lambda s: (  # rendered by the card() global, once per article and process
        (s / "templates/partials").mkdir(parents=True)
        or (s / "templates/partials/card.html").write_text("<article class=card>{{ post.title }}</article>\n")
    ),
    "static file override": lambda s: (
        (s / "themes/default/static/css").mkdir(parents=True)
        or (s / "themes/default/static/css/main.css").write_text("body { color: navy; }\n")
    ),
    "replaced hero image": lambda s: shutil.copy(
        s / "content/images/2023/b21-raider-hangar.jpg",
        s / "content/images/2023/ukraine-attack-on-russian-missiles.jpg",
    ),
    "hero focus point": lambda s: edit(s / ARTICLE, "image:\n", "image:\n  focus: [0.2, 0.4]\n"),
    "replaced inline image": lambda s: shutil.copy(
        s / "content/images/2025/shipbuilding-capacity-chart.png",
        s / "content/images/2023/intercept-geometry-diagram.png",
    ),
    "replaced avatar": lambda s: shutil.copy(
        s / "content/images/authors/ruth-kessler.jpg", s / "content/images/authors/maya-carlin.jpg"
    ),
    "removed image": lambda s: (
        (s / "content/images/2023/ukraine-attack-on-russian-missiles.jpg").unlink()
        or edit(s / ARTICLE, "image:\n", "old_image:\n")
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_incremental_build_equals_cold_build(tmp_path: Path, change: str) -> None:
    site = copy_sample(tmp_path / "site")
    assert run("build", "--site", site, "--now", NOW).exit_code == 0
    CHANGES[change](site)

    incremental = run("build", "--site", site, "--now", NOW)
    cold = run("build", "--site", site, "--now", NOW, "--no-cache", "--output", tmp_path / "cold")

    assert incremental.exit_code == 0, incremental.output
    assert cold.exit_code == 0, cold.output
    assert tree_digest(site / "output") == tree_digest(tmp_path / "cold")


def test_unchanged_files_keep_their_mtime_and_nothing_is_written_twice(tmp_path: Path) -> None:
    site = copy_sample(tmp_path / "site")
    assert run("build", "--site", site, "--now", NOW).exit_code == 0
    mtimes = {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*") if p.is_file()}

    again = run("build", "--site", site, "--now", NOW)
    assert ", 0 written," in again.output
    CHANGES["article body"](site)
    edited = run("build", "--site", site, "--now", NOW)

    changed = {p for p, m in mtimes.items() if not p.exists() or p.stat().st_mtime_ns != m}
    rel = {p.relative_to(site / "output").as_posix() for p in changed}
    assert "smart-bombs/putins-nightmare-belgorod/index.html" in rel
    assert "tag/belgorod/index.html" in rel  # a list that shows the article's card
    assert "navy/index.html" not in rel  # a list that does not
    assert "about/index.html" not in rel
    assert f", {len(rel)} written," in edited.output


def test_a_corrupt_or_foreign_cache_is_ignored(tmp_path: Path) -> None:
    site = copy_sample(tmp_path / "site")
    assert run("build", "--site", site, "--now", NOW).exit_code == 0
    CHANGES["article title"](site)
    cache = site / ".magsite-cache"
    for file in [*cache.glob("files-*.pickle"), cache / "manifest.pickle", cache / "related.pickle"]:
        data = bytearray(file.read_bytes())
        data[len(data) // 2] ^= 0xFF  # one flipped byte: the signature no longer matches
        file.write_bytes(bytes(data))
    (cache / "html.sqlite").write_bytes(b"not a database")

    result = run("build", "--site", site, "--now", NOW)
    cold = run("build", "--site", site, "--now", NOW, "--no-cache", "--output", tmp_path / "cold")

    assert result.exit_code == 0, result.output
    assert cold.exit_code == 0, cold.output
    assert tree_digest(site / "output") == tree_digest(tmp_path / "cold")


def test_compiled_templates_in_the_cache_are_not_trusted_when_altered(tmp_path: Path) -> None:
    """Compiled templates are code: one planted in the cache without this user's signature never runs."""
    site = copy_sample(tmp_path / "site")
    assert run("build", "--site", site, "--now", NOW).exit_code == 0
    db = sqlite3.connect(site / ".magsite-cache/html.sqlite")
    rows = db.execute("SELECT key FROM blobs WHERE key LIKE 'template:%'").fetchall()
    assert len(rows) > 10  # the theme's templates were kept
    for (key,) in rows:
        _, name_key, checksum = key.split(":")
        bucket = jinja2.bccache.Bucket(jinja2.Environment(), name_key, checksum)
        bucket.code = jinja2.Environment().compile("PLANTED", "planted.html")
        db.execute("UPDATE blobs SET data = ? WHERE key = ?", (bucket.bytecode_to_string(), key))
    db.commit()
    db.close()
    CHANGES["article title"](site)  # so that pages are rendered again

    result = run("build", "--site", site, "--now", NOW)
    cold = run("build", "--site", site, "--now", NOW, "--no-cache", "--output", tmp_path / "cold")

    assert result.exit_code == 0, result.output
    assert cold.exit_code == 0, cold.output
    assert "PLANTED" not in (site / "output/index.html").read_text()
    assert tree_digest(site / "output") == tree_digest(tmp_path / "cold")


def test_a_cache_made_with_another_key_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = copy_sample(tmp_path / "site")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    assert run("build", "--site", site, "--now", NOW).exit_code == 0
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "me"))
    result = run("build", "--site", site, "--now", NOW)
    assert result.exit_code == 0
    assert ", 0 written," not in result.output  # nothing was taken from the planted cache
    assert os.listdir(tmp_path / "me" / "magsite") == ["cache-key"]


def test_a_scheduled_article_appears_when_its_time_comes_without_any_edit(tmp_path: Path) -> None:
    site = copy_sample(tmp_path / "site")
    scheduled = "content/articles/2026/12/scheduled.md"
    (site / scheduled).parent.mkdir(parents=True, exist_ok=True)
    (site / scheduled).write_text(
        "---\ntitle: Due Soon\nauthor: maya-carlin\nsection: navy\ndate: 2026-12-01T06:00:00Z\n---\nText.\n"
    )
    assert run("build", "--site", site, "--now", "2026-11-30T00:00:00Z").exit_code == 0
    assert run("build", "--site", site, "--now", "2026-11-30T12:00:00Z").output.count(", 0 written,") == 1
    assert not (site / "output/navy/scheduled/index.html").exists()

    assert run("build", "--site", site, "--now", "2026-12-01T07:00:00Z").exit_code == 0
    cold = run("build", "--site", site, "--now", "2026-12-01T07:00:00Z", "--no-cache", "--output", tmp_path / "c")
    assert cold.exit_code == 0
    assert (site / "output/navy/scheduled/index.html").exists()
    assert tree_digest(site / "output") == tree_digest(tmp_path / "c")
