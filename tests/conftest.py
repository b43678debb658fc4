"""Shared helpers: small real sites written into temp folders, built through the public interface."""

from __future__ import annotations

import hashlib
import os
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from magsite.cli import main

REPO = Path(__file__).resolve().parent.parent
NOW = "2026-11-25T12:00:00Z"
CHROMIUM = "/usr/bin/chromium"  # Debian's Chromium, driven by Playwright; never a downloaded browser
CHROMIUM_ARGS = [  # headless as root on a machine with no network but loopback
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]

CONFIG = """\
title: Test Defense Weekly
tagline: Tests of the magazine
base_url: https://example.org/
timezone: Europe/London
per_page: 2
"""

SECTION = """\
---
title: Smart Bombs
description: Military, Defense and National Security
order: 1
---
Precision weapons and the wars they shape.
"""

AUTHOR = """\
---
name: Maya Carlin
role: Senior Editor
twitter: MayaCarlin
---
Maya Carlin is an analyst.
"""


def article(
    title: str = "First Strike", *, date: str = "2024-05-01T09:00:00Z", body: str = "Body text.", **keys: str
) -> str:
    """Front matter + body of a valid article; keyword arguments add or replace YAML lines."""
    fields = {"title": f'"{title}"', "author": "maya-carlin", "section": "smart-bombs", "date": date} | keys
    lines = "".join(f"{k}: {v}\n" for k, v in fields.items() if v is not None)
    return f"---\n{lines}---\n{body}\n"


def make_site(root: Path, files: dict[str, str | bytes] | None = None, *, defaults: bool = True) -> Path:
    """Write a site: config, one section, one author, one article, plus `files` (path -> text or bytes)."""
    base: dict[str, str | bytes] = {}
    if defaults:
        base = {
            "magsite.yaml": CONFIG,
            "content/sections/smart-bombs.md": SECTION,
            "content/authors/maya-carlin.md": AUTHOR,
            "content/articles/2024/05/first-strike.md": article(),
        }
    for rel, data in (base | (files or {})).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data) if data.startswith("\n") else data, encoding="utf-8")
    return root


def run(*args: str | Path) -> Result:
    """Run the magsite CLI in-process, as a user would from a shell."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def build_site(site: Path, *extra: str | Path) -> Result:
    return run("build", "--site", site, "--now", NOW, *extra)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample magazine at the repository root, built once per test module at NOW."""
    out = tmp_path_factory.mktemp("sample") / "output"
    result = run("build", "--site", REPO, "--output", out, "--now", NOW)
    assert result.exit_code == 0, result.output
    return out


def assert_build_fails_keeping_output(root: Path, files: dict[str, str | bytes], expected: str) -> list[str]:
    """Build a valid site, add `files`, build again: exit 1, a line starting with `expected`, no traceback,
    and the previous output byte for byte. Returns the failed build's output lines."""
    site = make_site(root)
    assert build_site(site).exit_code == 0
    before = tree_digest(site / "output")
    make_site(site, files, defaults=False)
    result = build_site(site)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith(expected) for line in lines), result.output
    assert "Traceback" not in result.output
    assert tree_digest(site / "output") == before
    return lines


def tree_digest(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under folder."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


@pytest.fixture(autouse=True, scope="session")
def shared_image_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One image cache (--image-cache) for every site of the session: copies of the sample share their images."""
    os.environ["MAGSITE_IMAGE_CACHE"] = str(tmp_path_factory.mktemp("image-cache"))
    yield
    del os.environ["MAGSITE_IMAGE_CACHE"]
