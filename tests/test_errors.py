"""Broken content gives `path:line: message` lines, exit 1, no traceback, and leaves output/ untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import article, assert_build_fails_keeping_output, build_site, make_site

A = "content/articles/2024/06/broken.md"

CASES = {
    "bad_yaml": (
        {A: '---\ntitle: "Unclosed\nauthor: maya-carlin\n---\nBody\n'},
        f"{A}:2: front matter is not valid YAML",
    ),
    "missing_title": (
        {A: "---\nauthor: maya-carlin\nsection: smart-bombs\ndate: 2024-06-01\n---\nBody\n"},
        f"{A}:1: 'title' is required",
    ),
    "wrong_type": (
        {A: article(tags="{a: 1}")},
        f"{A}:6: 'tags' must be a list of text values",
    ),
    "unknown_author": (
        {A: article(author="maya-carlyn")},
        f"{A}:3: unknown author 'maya-carlyn' (hint: did you mean 'maya-carlin'?)",
    ),
    "unknown_section": (
        {A: article(section="smart-bomb")},
        f"{A}:4: unknown section 'smart-bomb' (hint: did you mean 'smart-bombs'?)",
    ),
    "invalid_date": (
        {A: article(date="2024-13-45")},
        f"{A}:5: 'date' is not a valid date: '2024-13-45'",
    ),
    "duplicate_url": (
        {A: article(slug="first-strike")},
        f"{A}:6: URL /smart-bombs/first-strike/ is also produced by content/articles/2024/05/first-strike.md",
    ),
    "missing_image": (
        {A: article(image="{src: images/nope.jpg, alt: Nothing}")},
        f"{A}:6: image 'images/nope.jpg' not found in content/",
    ),
    "missing_inline_image": (
        {A: article(body="Intro.\n\nMore.\n\n![A map](images/map.png)\n")},
        f"{A}:11: image 'images/map.png' not found in content/",
    ),
    "non_utf8": (
        {A: article().encode() + b"\nCaf\xe9 line\n"},
        f"{A}:9: file is not valid UTF-8 text",
    ),
    "empty_file": ({A: ""}, f"{A}:1: file is empty"),
    "never_closed": (
        {A: "---\ntitle: Open\nauthor: maya-carlin\n\nBody without a closing line\n"},
        f"{A}:1: front matter opened here is never closed with '---'",
    ),
    "duplicate_key": (
        {A: article(extra="1").replace("extra: 1", "title: Again")},
        f"{A}:6: key 'title' appears twice (first on line 2)",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_file_reports_its_line_and_keeps_previous_output(tmp_path: Path, case: str) -> None:
    files, expected = CASES[case]
    lines = assert_build_fails_keeping_output(tmp_path / "site", files, expected)
    assert lines[-1].startswith("build failed:")


def test_every_problem_of_a_build_is_listed_together(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site",
        {
            "content/articles/a.md": article("A", author="nobody"),
            "content/articles/b.md": article("B", date="someday"),
            "content/articles/c.md": article("C", body="![x](images/missing.png)"),
            "content/authors/bad.md": "---\nrole: Editor\n---\n",
        },
    )
    result = build_site(site)
    assert result.exit_code == 1
    assert "content/articles/a.md:3: unknown author 'nobody'" in result.output
    assert "content/articles/b.md:5: 'date' is not a valid date: 'someday'" in result.output
    assert "content/articles/c.md:7: image 'images/missing.png' not found" in result.output
    assert "content/authors/bad.md:1: 'name' is required" in result.output
    assert "4 problem(s)" in result.output
    assert not (site / "output").exists()


def test_missing_config_is_reported_without_traceback(tmp_path: Path) -> None:
    result = build_site(tmp_path)
    assert result.exit_code == 1
    assert result.output.startswith("magsite.yaml: cannot read magsite.yaml")


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("title: X\nbase_url: example.org\n", "magsite.yaml:2: 'base_url' must be an absolute http(s) URL"),
        ("title: X\nbase_url: https://example.org/\ntimezone: Mars/Olympus\n", "magsite.yaml:3: unknown timezone"),
        ("title: X\nbase_url: https://example.org/\ntheme: nonesuch\n", "magsite.yaml: theme 'nonesuch' not found"),
        (
            "title: X\nbase_url: https://example.org/\nper_pag: 3\n",
            "magsite.yaml:3: unknown key 'per_pag' (hint: did you mean 'per_page'?)",
        ),
        (
            "title: X\nbase_url: https://example.org/\npermalink: /{category}/{slug}/\n",
            "magsite.yaml:3: 'permalink' has unknown placeholders: category",
        ),
    ],
)
def test_config_mistakes_name_their_line(tmp_path: Path, config: str, expected: str) -> None:
    site = make_site(tmp_path / "site", {"magsite.yaml": config})
    result = build_site(site)
    assert result.exit_code == 1
    assert expected in result.output, result.output
