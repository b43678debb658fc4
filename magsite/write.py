"""Write outputs into a fresh staging folder, then swap it with output/ in one step."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from magsite.errors import ContentError, Problem
from magsite.render import Output

_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with renameat2(RENAME_EXCHANGE) where the OS has it (Linux)."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def write_outputs(outputs: Iterable[Output], out_dir: Path, finish: Callable[[Path], None] | None = None) -> int:
    """Write every output to a staging folder beside out_dir and swap it in; return the file count.

    `finish` runs on the complete staging folder just before the swap (the search indexer adds its files).
    A failure there or in writing (disk full, permissions) leaves out_dir exactly as it was, staging removed.
    """
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.with_name(f".{out_dir.name}.staging")
    old = out_dir.with_name(f".{out_dir.name}.old")
    for leftover in (staging, old):  # from a build that was killed
        shutil.rmtree(leftover, ignore_errors=True)
    count = 0
    seen: set[str] = set()
    try:
        staging.mkdir()
        made: set[Path] = set()
        for output in outputs:
            if output.path in seen:
                raise ContentError([Problem(output.path, None, "two outputs were written to this path")])
            seen.add(output.path)
            target = staging / output.path
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if output.file is not None:
                shutil.copyfile(output.file, target)
            else:
                target.write_bytes(output.data or b"")
            count += 1
        if finish is not None:
            finish(staging)
        if out_dir.exists() and not _exchange(staging, out_dir):
            out_dir.rename(old)
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
    for leftover in (staging, old):  # after the swap, one of them holds the previous site
        shutil.rmtree(leftover, ignore_errors=True)
    return count
