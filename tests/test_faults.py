"""Faults while writing: a build killed with SIGKILL at chosen and at random moments, a full disk, a folder
it may not write. The previous output stays complete and unchanged, or the next build makes it whole.

What holds, and is asserted below: a build that swaps in a new tree (a cold build, or a large change)
leaves output/ either exactly as it was or exactly the new site, whenever it is killed. A small edit is
moved into place under a journal: killed before the journal is committed, output/ is unchanged; killed
after, output/ may hold part of the edit until the next build, which completes the journal first and
then equals a cold build of whatever the sources are by then.
"""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import NOW, article, build_site, make_site, run, tree_digest
from test_hostile import without_root_powers

ARTICLES = {f"content/articles/2024/06/story-{i}.md": article(f"Story {i}", tags="[Drones]") for i in range(1, 7)}
EDITED = "content/articles/2024/06/story-3.md"

# Run `magsite build` in a child that SIGKILLs its whole process group (itself and its workers) at the
# n-th call of a hook: `put` (a file written), `exchange`/`swapped` (before/after the atomic swap),
# `journal`/`committed` (before/after the journal is written), `moved` (a file moved out of staging),
# `cache` (the build cache being saved).
KILLER = """
import os, signal, sys
import magsite.cache, magsite.write
hook, _, nth = os.environ["MAGSITE_KILL_AT"].partition("@")
seen = 0

def tick(name):
    global seen
    if name == hook:
        seen += 1
        if seen == int(nth):
            os.killpg(os.getpgid(0), signal.SIGKILL)

def wrap(owner, attribute, before, after=None, only=lambda *args: True):
    original = getattr(owner, attribute)
    def wrapper(*args, **kwargs):
        if only(*args):
            tick(before)
        result = original(*args, **kwargs)
        if after and only(*args):
            tick(after)
        return result
    setattr(owner, attribute, wrapper)

wrap(magsite.write, "_put", "put")
wrap(magsite.write, "_exchange", "exchange", "swapped")
wrap(magsite.write, "_write_journal", "journal", "committed")
wrap(os, "replace", "-", "moved", only=lambda source, *rest: ".staging" in str(source))
wrap(magsite.cache.BuildCache, "save", "cache")
from magsite.cli import main
main(sys.argv[1:])
"""


def build_in_child(site: Path, kill_at: str | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "MAGSITE_KILL_AT": kill_at or "none@0"}
    return subprocess.Popen(
        [sys.executable, "-c", KILLER, "build", "--site", str(site), "--now", NOW],
        env=env,
        start_new_session=True,  # its own process group, so a kill reaches its workers and never us
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def cold(site: Path, where: Path) -> dict[str, str]:
    """The tree a cold build of the site's current sources makes, elsewhere, without its cache."""
    result = run("build", "--site", site, "--now", NOW, "--no-cache", "--output", where)
    assert result.exit_code == 0, result.output
    return tree_digest(where)


def no_leftovers(site: Path) -> None:
    assert sorted(p.name for p in site.glob(".output*")) == []


def retitle(site: Path, title: str) -> None:
    config = site / "magsite.yaml"
    config.write_text(config.read_text().replace(config.read_text().splitlines()[0], f"title: {title}"))


def edit(site: Path, title: str = "Story 3, corrected") -> None:
    """A new title: the article, its neighbours, its lists and the feed change (a dozen files)."""
    (site / EDITED).write_text(article(title, tags="[Drones]"))


def retitled(site: Path) -> None:
    retitle(site, "Changed Weekly")


COLD: dict[str, tuple[dict[str, str], dict[str, str]]] = {}  # change -> cold trees before and after it


def scenario(tmp_path: Path, change: Callable[[Path], None]) -> tuple[Path, dict[str, str], dict[str, str]]:
    """A built site, then its sources changed: returns the site and the cold builds' trees before and after."""
    site = make_site(tmp_path / "site", ARTICLES)
    assert build_site(site).exit_code == 0
    if change.__name__ not in COLD:  # the same sources in every test: one cold build of each is enough
        before = cold(site, tmp_path / "cold-before")
        change(site)
        COLD[change.__name__] = before, cold(site, tmp_path / "cold-after")
    else:
        change(site)
    before, after = COLD[change.__name__]
    assert before != after
    return site, before, after


def killed(site: Path, kill_at: str) -> None:
    child = build_in_child(site, kill_at)
    _, err = child.communicate(timeout=120)
    assert child.returncode == -signal.SIGKILL, f"never reached {kill_at}: {err}"


# A config change: every page differs, the cache starts afresh, the new tree is swapped in at once.
SWAP_POINTS = {"put@1": "old", "put@6": "old", "exchange@1": "old", "swapped@1": "new", "cache@1": "new"}


@pytest.mark.parametrize("kill_at", sorted(SWAP_POINTS))
def test_a_build_killed_while_swapping_leaves_the_old_or_the_new_site_whole(tmp_path: Path, kill_at: str) -> None:
    site, before, after = scenario(tmp_path, retitled)
    assert tree_digest(site / "output") == before

    killed(site, kill_at)

    assert tree_digest(site / "output") == (before if SWAP_POINTS[kill_at] == "old" else after)
    retitle(site, "Test Defense Weekly")  # back to the old sources: the cache must not trust the new tree
    assert build_site(site).exit_code == 0
    assert tree_digest(site / "output") == before
    retitle(site, "Changed Weekly")
    assert build_site(site).exit_code == 0
    assert tree_digest(site / "output") == after
    no_leftovers(site)


# An edit of one article: staged, then moved into place under a journal. After a kill the next build
# runs on the edited sources, or on the sources reverted to what the old output was built from.
JOURNAL_POINTS = {
    "put@1": ("old", "reverted"),
    "journal@1": ("old", "edited"),
    "committed@1": ("old", "reverted"),  # committed, nothing moved yet
    "moved@1": ("part", "edited"),
    "moved@3": ("part", "reverted"),
}


@pytest.mark.parametrize("kill_at", sorted(JOURNAL_POINTS))
def test_a_build_killed_while_moving_an_edit_is_completed_by_the_next(tmp_path: Path, kill_at: str) -> None:
    site, before, after = scenario(tmp_path, edit)
    state, next_sources = JOURNAL_POINTS[kill_at]

    killed(site, kill_at)

    if state == "old":
        assert tree_digest(site / "output") == before
    else:
        assert tree_digest(site / "output") not in (before, after)  # the honest case: part of the edit is in place
    if next_sources == "reverted":
        edit(site, "Story 3")
    assert build_site(site).exit_code == 0
    assert tree_digest(site / "output") == (after if next_sources == "edited" else before)
    no_leftovers(site)


def test_builds_killed_at_random_moments_leave_a_whole_site(tmp_path: Path) -> None:
    site, before, after = scenario(tmp_path, retitled)
    moments = random.Random(9).sample([i / 20 for i in range(4, 30)], 3)  # 0.2 s to 1.5 s after the start
    for delay in moments:
        child = build_in_child(site)
        time.sleep(delay)
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
        child.communicate(timeout=120)
        assert tree_digest(site / "output") in (before, after), f"a torn site after a kill at {delay} s"
        if tree_digest(site / "output") == after:  # the build won the race: start from the old site again
            retitle(site, "Test Defense Weekly")
            assert build_site(site).exit_code == 0
            retitle(site, "Changed Weekly")
    assert build_site(site).exit_code == 0
    assert tree_digest(site / "output") == after
    no_leftovers(site)


def failing(call: Callable[..., object], nth: int, code: int) -> Callable[..., object]:
    """`call`, except that its nth use raises OSError(code)."""
    calls = 0

    def wrapper(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == nth:
            raise OSError(code, os.strerror(code), str(args[0]) if args else None)
        return call(*args, **kwargs)

    return wrapper


CHANGES: dict[str, Callable[[Path], None]] = {"retitle": retitled, "edit": edit}


@pytest.mark.parametrize(
    ("change", "method", "nth"),
    [("retitle", "write_bytes", 2), ("edit", "write_bytes", 1), ("edit", "write_text", 1)],  # a page, the journal
)
def test_a_full_disk_is_reported_and_leaves_the_output_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str, method: str, nth: int
) -> None:
    site, before, _ = scenario(tmp_path, CHANGES[change])
    monkeypatch.setattr(Path, method, failing(getattr(Path, method), nth, errno.ENOSPC))

    result = build_site(site)

    assert result.exit_code == 1
    assert ": cannot write output: No space left on device" in result.output
    assert "Traceback" not in result.output
    assert tree_digest(site / "output") == before
    monkeypatch.undo()
    assert build_site(site).exit_code == 0  # space again: the next build completes
    no_leftovers(site)


def test_a_disk_full_in_a_worker_process_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    many = {f"content/articles/2024/07/a-{i}.md": article(f"A {i}") for i in range(70)}  # rendered in workers
    site = make_site(tmp_path / "site", many)
    assert build_site(site).exit_code == 0
    before = tree_digest(site / "output")
    retitle(site, "Changed Weekly")
    monkeypatch.setattr("pathlib.Path.write_bytes", failing(Path.write_bytes, 30, errno.ENOSPC))

    result = build_site(site)

    assert result.exit_code == 1, result.output
    assert "No space left on device" in result.output
    assert tree_digest(site / "output") == before


def build_unprivileged(site: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from magsite.cli import main; main()", "build", "--site", str(site)]
    return subprocess.run(
        [*command, "--now", NOW, *extra],
        capture_output=True,
        text=True,
        preexec_fn=without_root_powers,
        timeout=120,
    )


def test_a_folder_it_may_not_write_is_reported_and_leaves_the_output_unchanged(tmp_path: Path) -> None:
    site, before, _ = scenario(tmp_path, retitled)
    site.chmod(0o555)  # no staging folder can be made beside output/
    try:
        done = build_unprivileged(site)
    finally:
        site.chmod(0o755)
    assert done.returncode == 1, done.stderr
    assert ": cannot write output: Permission denied" in done.stderr
    assert "Traceback" not in done.stderr
    assert tree_digest(site / "output") == before


def test_a_site_folder_it_may_not_write_still_builds_elsewhere(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", ARTICLES)
    site.chmod(0o555)  # a read-only checkout: no .magsite-cache can be made, output goes elsewhere
    try:
        done = build_unprivileged(site, "--output", str(tmp_path / "out"))
    finally:
        site.chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert tree_digest(tmp_path / "out") == cold(site, tmp_path / "cold")
