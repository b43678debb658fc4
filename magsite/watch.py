"""What the preview watches (the site's sources, never output/) and the bursts of changes it rebuilds for."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import watchfiles

from magsite.config import CONFIG_FILE

SOURCE_FOLDERS = ("content", "templates", "static", "themes")
QUIET_MS = 50  # a burst of saves ends after this long without another change
POLL_MS = 250  # how often magsite.yaml and new source folders are looked for
Batch = set[tuple[watchfiles.Change, str]]


def watched_roots(site_dir: Path, extra: Iterable[Path] = ()) -> tuple[Path, ...]:
    """The site's source folders that exist, plus extra folders (a built-in theme) not already inside one."""
    roots = [site_dir / name for name in SOURCE_FOLDERS if (site_dir / name).is_dir()]
    for folder in extra:
        if folder.is_dir() and not any(folder.resolve().is_relative_to(r.resolve()) for r in roots):
            roots.append(folder)
    return tuple(roots)


def _signature(file: Path) -> tuple[int, int, int] | None:
    try:
        st = file.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _shown(path: str, site_dir: Path) -> str:
    """A changed path as the terminal shows it: relative to the site where it is inside it."""
    try:
        return Path(path).relative_to(site_dir.absolute()).as_posix()
    except ValueError:
        return path


def watch_changes(site_dir: Path, stop: threading.Event, extra: Iterable[Path] = ()) -> Iterator[set[str]]:
    """Yield the set of changed source paths once per burst of saves, until stop is set.

    Each time watching (re)starts, a first set is yielded once it runs, empty if nothing changed: a rebuild
    then catches what changed before. Changes that arrive while the caller is still rebuilding are gathered
    into the next set. The site's folders are watched one by one, not the site folder, so output/ and a .venv
    inside it cost nothing.
    """
    extra = tuple(extra)
    config = site_dir / CONFIG_FILE
    config_seen = _signature(config)
    resync = True  # after (re)starting to watch, one rebuild catches what changed in between
    while not stop.is_set():
        roots = watched_roots(site_dir, extra)
        batches = _watch(roots, stop) if roots else _idle(stop)
        try:
            for batch in batches:
                changed = {_shown(path, site_dir) for _, path in batch}
                if (now := _signature(config)) != config_seen:
                    config_seen = now
                    changed.add(CONFIG_FILE)
                now_roots = watched_roots(site_dir, extra)
                changed |= {_shown(os.fspath(r), site_dir) for r in set(now_roots) - set(roots)}
                if changed or resync:
                    resync = False
                    yield changed
                if now_roots != roots:
                    resync = True
                    break
        except (OSError, RuntimeError):  # a watched folder vanished while being watched: look again
            resync = True
            stop.wait(POLL_MS / 1000)


def _watch(roots: tuple[Path, ...], stop: threading.Event) -> Iterator[Batch]:
    return watchfiles.watch(*roots, stop_event=stop, step=QUIET_MS, rust_timeout=POLL_MS, yield_on_timeout=True)


def _idle(stop: threading.Event) -> Iterator[Batch]:
    """No source folder to watch yet: an empty batch every poll, so magsite.yaml and new folders are seen."""
    while not stop.wait(POLL_MS / 1000):
        yield set()
