"""The editors' commands through the CLI: init, new, check, and the build's progress and summary."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import html5lib
import yaml
from conftest import AUTHOR, NOW, article, build_site, make_site, run


def front_matter(file: Path) -> dict[str, object]:
    return yaml.safe_load(file.read_text().split("---\n")[1])


def test_init_makes_a_site_that_builds_at_once(tmp_path: Path) -> None:
    result = run("init", tmp_path / "mag", "--title", "Front Line: Weekly", "--timezone", "America/New_York")
    assert result.exit_code == 0, result.output
    site = tmp_path / "mag"
    for rel in ("magsite.yaml", "netlify.toml", ".gitignore", "requirements.txt", "content/sections/news.md",
                "content/authors/editor.md", "content/pages/about.md"):
        assert (site / rel).is_file(), rel
    assert yaml.safe_load((site / "magsite.yaml").read_text())["title"] == "Front Line: Weekly"
    assert yaml.safe_load((site / "magsite.yaml").read_text())["theme"] == "default"
    assert "/output/" in (site / ".gitignore").read_text().splitlines()
    [first] = (site / "content/articles").rglob("*.md")
    assert front_matter(first)["draft"] is False
    built = run("build", "--site", site)  # the real clock: the first article is published now
    assert built.exit_code == 0, built.output
    page = html5lib.parse((site / "output/news/welcome/index.html").read_bytes(), namespaceHTMLElements=False)
    assert page.find(".//article//h1").text == "Welcome to Front Line: Weekly"
    assert run("check", "--site", site).exit_code == 0


def test_init_refuses_an_existing_site_and_bad_settings(tmp_path: Path) -> None:
    assert run("init", tmp_path / "mag").exit_code == 0
    before = (tmp_path / "mag/magsite.yaml").read_text()
    again = run("init", tmp_path / "mag", "--title", "Other")
    assert again.exit_code == 1
    assert "already holds a site" in again.output
    assert (tmp_path / "mag/magsite.yaml").read_text() == before
    bad = run("init", tmp_path / "bad", "--timezone", "Mars/Olympus", "--base-url", "example.org")
    assert bad.exit_code == 1
    assert "magsite.yaml:6: unknown timezone 'Mars/Olympus'" in bad.output
    assert "magsite.yaml:4: 'base_url' must be an absolute http(s) URL" in bad.output
    assert not (tmp_path / "bad").exists()  # nothing written


def test_new_article_writes_a_complete_draft_dated_in_the_site_timezone(site: Path) -> None:
    title = 'Hypersonic Race: "Who Leads?" #2'
    result = run("new", "article", title, "--section", "smart-bombs", "--author", "maya-carlin",
                 "--tags", "Russia, China", "--tags", "Missiles", "--site", site, "--now", "2026-11-30T23:30:00-05:00")
    assert result.exit_code == 0, result.output
    file = site / "content/articles/2026/12/hypersonic-race-who-leads-2.md"  # 04:30 on Dec 1 in London
    meta = front_matter(file)
    assert meta == {
        "title": title, "dek": "", "author": "maya-carlin", "section": "smart-bombs",
        "date": datetime(2026, 12, 1, 4, 30, tzinfo=UTC), "tags": ["Russia", "China", "Missiles"], "draft": True,
    }
    assert not (site / "output").exists()
    assert build_site(site).exit_code == 0
    assert not (site / "output/smart-bombs/hypersonic-race-who-leads-2").exists()  # a draft
    assert run("build", "--site", site, "--drafts", "--future").exit_code == 0
    page = html5lib.parse((site / "output/smart-bombs/hypersonic-race-who-leads-2/index.html").read_bytes(),
                          namespaceHTMLElements=False)
    assert page.find(".//article//h1").text == title


def test_new_refuses_to_overwrite_and_suggests_ids(site: Path) -> None:
    args = ("new", "article", "First Strike", "--section", "smart-bombs", "--author", "maya-carlin", "--site", site)
    before = (site / "content/articles/2024/05/first-strike.md").read_text()
    again = run(*args)
    assert again.exit_code == 1
    assert "content/articles/2024/05/first-strike.md: an article with the slug 'first-strike' already exists" in (
        again.output)
    assert (site / "content/articles/2024/05/first-strike.md").read_text() == before
    wrong = run("new", "article", "Next", "--section", "smart-bomb", "--author", "maya-carlon", "--site", site)
    assert wrong.exit_code == 1
    assert "content/sections: unknown section 'smart-bomb' (hint: did you mean 'smart-bombs'?)" in wrong.output
    assert "content/authors: unknown author 'maya-carlon' (hint: did you mean 'maya-carlin'?)" in wrong.output
    assert not list((site / "content/articles").rglob("next.md"))
    assert run("new", "author", "maya-carlin", "--site", site).exit_code == 1
    assert (site / "content/authors/maya-carlin.md").read_text() == AUTHOR
    bad_id = run("new", "section", "Cyber War", "--site", site)
    assert bad_id.exit_code == 1
    assert "e.g. 'cyber-war'" in bad_id.output


def test_new_author_and_section_build(site: Path) -> None:
    assert run("new", "author", "john-doe", "--name", "John Doe", "--site", site).exit_code == 0
    assert run("new", "section", "cyber-war", "--site", site).exit_code == 0
    assert front_matter(site / "content/authors/john-doe.md")["name"] == "John Doe"
    assert front_matter(site / "content/sections/cyber-war.md") == {
        "title": "Cyber War", "description": "", "order": 2, "nav": True}
    new = run("new", "article", "Cyber Attack", "--section", "cyber-war", "--author", "john-doe",
              "--author", "maya-carlin", "--site", site, "--now", "2024-06-01T10:00:00Z")
    assert new.exit_code == 0
    assert front_matter(site / "content/articles/2024/06/cyber-attack.md")["author"] == ["john-doe", "maya-carlin"]
    assert run("build", "--site", site, "--drafts", "--now", NOW).exit_code == 0
    assert (site / "output/cyber-war/cyber-attack/index.html").is_file()
    assert (site / "output/author/john-doe/index.html").is_file()


TINY_PNG = bytes.fromhex(  # a real 1x1 PNG
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c49444154789c6310b1a90000013000c99be737f10000000049454e44ae426082"
)


def problem_site(root: Path) -> Path:
    body = (
        "See [the brief](/smart-bombs/first-strike/), [home](/), [the feed](/feed.xml) and [a gap](/no/such/).\n\n"
        "Read [the first](../2024/05/first-strike.md), [a ghost](ghost.md) and [the draft](draft.md).\n\n"
        "![A map](images/map.png)\n\n"
        '<img src="/images/map.png">\n'
    )
    return make_site(root, {
        "content/articles/2024/linking.md": article("Linking", body=body, auther="maya-carlin"),
        "content/articles/2024/draft.md": article("Draft", draft="true"),
        "content/authors/idle.md": "---\nname: Idle Writer\n---\nNo articles yet.\n",
        "content/authors/terse.md": "---\nname: Terse Writer\n---\n",
        "content/articles/2024/terse.md": article("Terse", author="terse"),
        "content/images/map.png": TINY_PNG,
    })


def test_check_reports_dead_links_missing_alt_text_and_thin_authors(tmp_path: Path) -> None:
    site = problem_site(tmp_path / "s")
    result = run("check", "--site", site, "--now", NOW)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    source = "content/articles/2024/linking.md"
    for expected in (
        f"{source}:6: warning: unknown key 'auther' is passed to templates as is (hint: did you mean 'author'?)",
        f"{source}:8: link to /no/such/ leads nowhere: no page has that URL",
        f"{source}:10: link to content/articles/2024/ghost.md leads nowhere: no such file",
        f"{source}:10: link to content/articles/2024/draft.md, which is not published (a draft, scheduled or expired)",
        f"{source}:14: <img> has no alt attribute",
        "content/authors/idle.md: warning: author 'idle' has no published articles",
        "content/authors/terse.md: warning: author 'terse' has no bio, so 1 article(s) show an empty 'Written By' box",
    ):
        assert any(line.startswith(expected) for line in lines), (expected, result.output)
    assert sum("leads nowhere" in line for line in lines) == 2  # the good links pass
    assert lines[-1] == "check: 4 error(s), 3 warning(s)"
    assert not (site / "output").exists()


def test_check_after_a_build_still_reads_every_body(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {"content/articles/2024/05/first-strike.md": article(body="[gap](/no/such/)")})
    assert build_site(site).exit_code == 0  # a dead link does not stop a build; the build cache is filled
    result = run("check", "--site", site, "--now", NOW)
    assert result.exit_code == 1
    assert "content/articles/2024/05/first-strike.md:7: link to /no/such/ leads nowhere" in result.output


def test_check_json_output_and_strict_mode(tmp_path: Path) -> None:
    site = problem_site(tmp_path / "s")
    report = json.loads(run("check", "--site", site, "--now", NOW, "--format", "json").output)
    assert (report["ok"], report["errors"], report["warnings"]) == (False, 4, 3)
    first = report["problems"][0]
    assert set(first) == {"path", "line", "severity", "message", "hint"}
    assert {p["severity"] for p in report["problems"]} == {"error", "warning"}
    # only warnings: fine, unless --strict
    clean = make_site(tmp_path / "w", {"content/authors/idle.md": "---\nname: Idle\n---\nBio.\n"})
    assert run("check", "--site", clean, "--now", NOW).exit_code == 0
    strict = run("check", "--site", clean, "--now", NOW, "--strict", "--format", "json")
    assert strict.exit_code == 1
    assert json.loads(strict.output)["problems"][0]["severity"] == "error"
    assert run("check", "--site", make_site(tmp_path / "ok"), "--now", NOW, "--strict").exit_code == 0


def test_check_reports_what_build_rejects(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {"content/articles/bad.md": article("Bad", section="nowhere")})
    result = run("check", "--site", site, "--now", NOW)
    assert result.exit_code == 1
    assert "content/articles/bad.md:4: unknown section 'nowhere'" in result.output
    assert result.output.splitlines()[-1] == "check: 1 error(s), 0 warning(s)"


def test_build_prints_stages_then_one_summary_line(site: Path) -> None:
    result = build_site(site)
    assert result.exit_code == 0
    stages = [line.split(":")[0] for line in result.stderr.splitlines()]
    assert stages == ["config", "load", "model", "images", "render", "write", "search"]
    summary, upcoming = result.stdout.splitlines()
    pattern = r"built 6 pages, 7 feeds, 0 images \(\d+ files, \d+ written, into .*output\), in [\d.]+ s"
    assert re.fullmatch(pattern, summary)
    assert upcoming == "next change: none scheduled"


def test_quiet_and_verbose(tmp_path: Path) -> None:
    files = {f"content/articles/w{i}.md": article(f"W{i}", titel="x", dekk="y") for i in range(13)}  # 26 warnings
    site = make_site(tmp_path / "s", files)
    quiet = build_site(site, "-q")
    assert quiet.exit_code == 0
    assert quiet.stdout == ""
    assert len(quiet.stderr.splitlines()) == 21
    assert quiet.stderr.splitlines()[-1] == "… and 6 more warnings (-v lists them all)"
    verbose = build_site(site, "-v")
    assert re.search(r"^render: \d+ outputs in [\d.]+ s$", verbose.stderr, re.M)
    assert sum("did you mean" in line for line in verbose.stderr.splitlines()) == 26
    assert "pages by kind: 7 home, 14 article" in verbose.stderr


def test_on_a_terminal_progress_is_one_redrawn_bar(site: Path) -> None:
    leader, follower = pty.openpty()
    proc = subprocess.run(
        [sys.executable, "-c", "from magsite.cli import main; main()", "build", "--site", str(site), "--now", NOW],
        stderr=follower, stdout=subprocess.PIPE, timeout=60, check=True,
    )
    os.close(follower)
    shown = os.read(leader, 65536).decode()
    os.close(leader)
    assert "[###" in shown and "1/7 config" in shown and "6/7 write" in shown and "7/7 search" in shown
    assert "\n" not in shown  # redrawn in place, then cleared
    assert shown.endswith("\r\x1b[K")
    assert proc.stdout.decode().startswith("built 6 pages")
