"""Write outputs into a fresh staging folder, then swap it with output/ in one step.

Files whose fingerprint matches the last build are hard-linked from the current output (their bytes
and mtime stay); the rest are rendered here, heavy pages in forked worker processes that inherit the
frozen site, so nothing is pickled per task. A build that changes nothing writes nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import multiprocessing
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from magsite.errors import ContentError, Problem
from magsite.render import Output

_RENAME_EXCHANGE = 2
PARALLEL_MIN = 64  # fewer heavy pages than this render in the main process

Finish = Callable[[], list[Problem]]  # run after a batch of renders: problems found, cache saved


@dataclass(frozen=True, slots=True)
class WriteResult:
    files: int  # files in the output folder
    written: int  # files rendered or copied in this build (the rest were kept)
    manifest: dict[str, str]  # output path -> fingerprint, for the next build


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with renameat2(RENAME_EXCHANGE) where the OS has it (Linux)."""
    libc_name = ctypes.util.find_library("c")
    renameat2 = getattr(ctypes.CDLL(libc_name, use_errno=True), "renameat2", None) if libc_name else None
    if renameat2 is None:
        return False
    at_fdcwd = -100
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0


def _same_file(output: Output, old: Path) -> bool:
    """Whether an output without a fingerprint (its bytes already made) is what `old` holds."""
    try:
        if output.file is not None:
            src, dst = output.file.stat(), old.stat()
            return src.st_size == dst.st_size and src.st_mtime_ns == dst.st_mtime_ns
        return old.stat().st_size == len(output.data or b"") and old.read_bytes() == output.data
    except OSError:
        return False


def _put(output: Output, target: Path, made: set[Path]) -> None:
    if target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True)
        made.add(target.parent)
    if output.file is not None:
        shutil.copy2(output.file, target)  # keeps the mtime, so an unchanged file is recognised next time
    else:
        target.write_bytes(output.content())


# Set in the main process just before the workers fork; read by them, never sent to them.
_PENDING: Sequence[Output] = ()
_FINISH: Finish | None = None


def _render_chunk(task: tuple[str, list[int]]) -> list[Problem]:
    staging, indices = task
    made: set[Path] = set()
    for i in indices:
        output = _PENDING[i]
        _put(output, Path(staging, output.path), made)
    return _FINISH() if _FINISH else []


def _render_parallel(outputs: list[Output], staging: Path, workers: int, finish: Finish | None) -> list[Problem]:
    global _PENDING, _FINISH
    _PENDING, _FINISH = outputs, finish
    try:
        size = max(8, len(outputs) // (workers * 8))
        chunks = [(str(staging), list(range(i, min(i + size, len(outputs))))) for i in range(0, len(outputs), size)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_render_chunk, chunks, chunksize=1)
    finally:
        _PENDING, _FINISH = (), None
    return [p for found in results for p in found]


def write_outputs(
    outputs: Sequence[Output],
    out_dir: Path,
    previous: dict[str, str] | None = None,
    *,
    workers: int = 1,
    finish: Finish | None = None,
    carry: tuple[str, ...] = (),
) -> WriteResult:
    """Make out_dir hold exactly `outputs`; a failure or a kill leaves out_dir as it was.

    `previous` is the manifest of the build that made out_dir. Problems found while rendering (e.g. a
    missing image in a body) abort the write with a ContentError. A large change is written as a new
    tree swapped in at once; a small one (an edit) is staged, then moved into place under a journal
    that the next build completes if this one is killed while moving (a few renames). Folders named in
    `carry` belong to a later step (the search index): they are left as they are, through a swap too.
    """
    out_dir = out_dir.absolute()
    previous = dict(previous or {}) if out_dir.is_dir() else {}
    staging = out_dir.with_name(f".{out_dir.name}.staging")
    old_dir = out_dir.with_name(f".{out_dir.name}.old")
    journal = out_dir.with_name(f".{out_dir.name}.journal")
    for path in _finish_journal(journal, out_dir):  # a build killed while moving files into place
        previous.pop(path, None)
    for leftover in (staging, old_dir):  # from a build that was killed
        shutil.rmtree(leftover, ignore_errors=True)
    seen: set[str] = set()
    for output in outputs:
        if output.path in seen:
            raise ContentError([Problem(output.path, None, "two outputs were written to this path")])
        if output.path.startswith("/") or (".." in output.path and ".." in output.path.split("/")):
            raise ContentError([Problem(output.path, None, "output path leads outside the output folder")])
        seen.add(output.path)

    keep: list[Output] = []
    fresh: list[Output] = []
    root = str(out_dir) + os.sep
    for output in outputs:
        old = root + output.path
        if output.fingerprint:
            unchanged = previous.get(output.path) == output.fingerprint and os.path.isfile(old)
        elif output.path not in previous:  # new: rendered with the others (in a worker if heavy)
            unchanged = False
        else:
            if output.render is not None:  # render once, compare, and write those same bytes if needed
                output = replace(output, data=output.content(), render=None)
            unchanged = _same_file(output, Path(old))
        (keep if unchanged else fresh).append(output)
    gone = [path for path in previous if path not in seen]
    if not fresh and not gone:  # nothing changed: leave the folder alone
        return WriteResult(len(outputs), 0, _manifest(outputs))

    in_place = bool(previous) and len(fresh) + len(gone) <= max(200, len(outputs) // 20)
    try:
        staging.mkdir(parents=True)
        made: set[Path] = set()
        if not in_place:
            for output in keep:
                target = staging / output.path
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                _link_or_copy(out_dir / output.path, target)
            for folder in carry:
                if (out_dir / folder).is_dir():
                    shutil.copytree(out_dir / folder, staging / folder, copy_function=_link_or_copy)
        heavy = [o for o in fresh if o.parallel]
        parallel = workers > 1 and len(heavy) >= PARALLEL_MIN
        problems = _render_parallel(heavy, staging, workers, finish) if parallel else []
        for output in fresh:
            if not (parallel and output.parallel):
                _put(output, staging / output.path, made)
        problems += finish() if finish else []
        if problems:
            raise ContentError(problems)
        if in_place:
            _write_journal(journal, [o.path for o in fresh], gone)
            _finish_journal(journal, out_dir)
        elif out_dir.exists() and not _exchange(staging, out_dir):
            out_dir.rename(old_dir)
            staging.rename(out_dir)
        elif not out_dir.exists():
            staging.rename(out_dir)
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)
        where = err.filename or out_dir
        raise ContentError([Problem(str(where), None, f"cannot write output: {err.strerror or err}")]) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    for leftover in (staging, old_dir):  # after the swap, one of them holds the previous site
        shutil.rmtree(leftover, ignore_errors=True)
    return WriteResult(len(outputs), len(fresh), _manifest(outputs))


def _link_or_copy(src: str | Path, dst: str | Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _write_journal(journal: Path, moves: list[str], deletions: list[str]) -> None:
    """Commit to a set of moves (staging -> output) and deletions, durably, before doing any of them."""
    tmp = journal.with_suffix(".tmp")
    tmp.write_text(json.dumps({"move": moves, "delete": deletions}))
    os.replace(tmp, journal)


def _finish_journal(journal: Path, out_dir: Path) -> list[str]:
    """Carry out a committed journal (again, if it was interrupted); return the paths it touched."""
    try:
        plan = json.loads(journal.read_text())
    except (OSError, ValueError):
        return []
    staging = out_dir.with_name(f".{out_dir.name}.staging")
    for path in plan["move"]:
        source = staging / path
        if source.exists():
            (out_dir / path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, out_dir / path)
    for path in plan["delete"]:
        target = out_dir / path
        target.unlink(missing_ok=True)
        parent = target.parent
        while parent != out_dir and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    journal.unlink()
    return plan["move"] + plan["delete"]


def _manifest(outputs: Sequence[Output]) -> dict[str, str]:
    return {o.path: o.fingerprint or (o.settle() if o.settle else "") for o in outputs}
