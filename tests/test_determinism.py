"""The same sources build byte-identical output on any machine: whatever the hash seed, the locale (an
ASCII one included), the timezone and the order in which the file system lists a folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import article, make_site, tree_digest

MAGSITE = Path(sys.executable).with_name("magsite")  # the installed command, as a user runs it
NAIVE_NOW = "2026-11-25T12:00:00"  # no offset: the site's timezone, never the machine's

# `magsite build` with every folder listed backwards (os.walk, pathlib and glob all use scandir): any two
# files come in the other order than in a normal run.
REVERSED = """
import os, sys
listing = os.scandir
class Reversed:
    def __init__(self, path="."):
        with listing(path) as entries:
            self.rest = iter(list(entries)[::-1])
    def __enter__(self): return self
    def __exit__(self, *args): return False
    def __iter__(self): return self
    def __next__(self): return next(self.rest)
    def close(self): pass
os.scandir = Reversed
listdir = os.listdir
os.listdir = lambda path=".": listdir(path)[::-1]
from magsite.cli import main
main(sys.argv[1:])
"""

SOURCES = {
    "content/sections/navy.md": "---\ntitle: Navy\norder: 2\n---\nShips.\n",
    "content/authors/ilse-marchetti.md": "---\nname: Ilse Marchetti\n---\nBio.\n",
    "content/pages/about.md": "---\ntitle: About\n---\nUs.\n",
    # same date: ordered by file, never by listing order or hash order
    "content/articles/b/same-time.md": article("Same Time B", date="2024-06-01T10:00:00Z", tags="[Drones, Über]"),
    "content/articles/a/same-time-a.md": article("Same Time A", date="2024-06-01T10:00:00Z", tags="[drones, Navy]"),
    "content/articles/Ünïcödé 日本.md": article("Unicode", date="2024-06-02", tags="[İstanbul, Straße]"),
    "content/articles/My Story.md": article("Spaces", author="[maya-carlin, ilse-marchetti]", section="navy"),
    # an hour before NAIVE_NOW in the site's timezone: published only if "now" is read in that timezone
    "content/articles/just-in.md": article("Just In", date="2026-11-25T11:00:00", tags="[Breaking]"),
}


def environment(**changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHON", "TZ"))}
    return env | changes


def build(site: Path, out: Path, command: list[str], env: dict[str, str]) -> dict[str, str]:
    args = ["build", "--site", str(site), "--output", str(out), "--now", NAIVE_NOW, "--no-cache"]
    done = subprocess.run([*command, *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return tree_digest(out)


def test_output_is_the_same_whatever_the_machine(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", SOURCES)
    reference = build(site, tmp_path / "reference", [str(MAGSITE)], environment(LANG="C.UTF-8", TZ="UTC"))
    assert "smart-bombs/just-in/index.html" in reference
    assert "smart-bombs/unicode-日本/index.html" in reference

    variants = {
        "ascii locale, +14:00": (
            [str(MAGSITE)],
            environment(PYTHONHASHSEED="1", LC_ALL="C", PYTHONUTF8="0", TZ="Pacific/Kiritimati"),
        ),
        "turkish locale, -03:30, folders listed backwards": (
            [sys.executable, "-c", REVERSED],
            environment(PYTHONHASHSEED="4242", LANG="tr_TR.UTF-8", TZ="America/St_Johns"),
        ),
    }
    for name, (command, env) in variants.items():
        assert build(site, tmp_path / name.replace(" ", "-"), command, env) == reference, name
