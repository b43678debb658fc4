"""Write imported files into a site and remember what was written, so a re-import never clobbers an edit."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from magsite.errors import ContentError, Problem

MANIFEST = "wordpress-import.json"

# What happened to each planned file
CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
KEPT_EDITED = "kept, edited after import"  # the export did not change it, so the edit stays
KEPT_DELETED = "kept deleted"  # deleted after import and unchanged in the export
CONFLICT = "not overwritten"  # edited after import and changed in the export
EXISTS = "exists"  # a file the importer did not write is in the way
USED = "used as it is"  # a hand-made author, section or config file of that name


@dataclass(frozen=True, slots=True)
class Planned:
    """One file an import wants in the site: bytes, or a file to copy."""

    key: str  # what it holds, stable across imports: 'post 101', 'author maya', 'image images/x.jpg'
    path: str  # site-relative, '/'-separated
    data: bytes | None = None
    source: Path | None = None
    shared: bool = False  # authors, sections, magsite.yaml: a hand-made file of that name is simply used
    aliases: tuple[str, ...] = ()  # remembered, so old URLs survive a later change of permalink


@dataclass(frozen=True, slots=True)
class Record:
    """What the last import wrote for a key."""

    path: str
    sha256: str
    aliases: tuple[str, ...] = ()


def read_manifest(site_dir: Path) -> dict[str, Record]:
    """The records of earlier imports into this site; none when it has never had one."""
    file = site_dir / MANIFEST
    if not file.exists():
        return {}
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        return {
            key: Record(str(r["path"]), str(r["sha256"]), tuple(str(a) for a in r.get("aliases", ())))
            for key, r in data["files"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise ContentError(
            [
                Problem(
                    MANIFEST, None, f"cannot read the record of earlier imports: {err}", f"restore {MANIFEST} from git"
                )
            ]
        ) from None


def _digest(planned: Planned) -> str:
    if planned.source is not None:
        return _file_digest(planned.source)
    return hashlib.sha256(planned.data or b"").hexdigest()


def _file_digest(file: Path) -> str:
    h = hashlib.sha256()
    with file.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _write(target: Path, planned: Planned) -> None:
    """Write via a temporary file and a rename, so a file is never left half-written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            if planned.source is not None:
                with planned.source.open("rb") as src:
                    shutil.copyfileobj(src, f)
            else:
                f.write(planned.data or b"")
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _status(planned: Planned, new: str, current: str | None, record: Record | None) -> str:
    if record is None:
        if current is None:
            return CREATED
        if current == new:
            return UNCHANGED
        return USED if planned.shared else EXISTS
    if current is None:
        return KEPT_DELETED if new == record.sha256 else CREATED
    if current == record.sha256:
        return UNCHANGED if new == current else UPDATED
    if new in (current, record.sha256):
        return UNCHANGED if new == current else KEPT_EDITED
    return CONFLICT


def sync(
    site_dir: Path, planned: list[Planned], manifest: dict[str, Record]
) -> tuple[list[tuple[Planned, str]], dict[str, Record]]:
    """Write what changed; return each file's status and the new manifest (also written to the site)."""
    results = []
    records = dict(manifest)
    try:
        for p in planned:
            target = site_dir / p.path
            new = _digest(p)
            current = _file_digest(target) if target.is_file() else None
            status = _status(p, new, current, manifest.get(p.key))
            if status in (CREATED, UPDATED):
                _write(target, p)
            if status in (CREATED, UPDATED, UNCHANGED):
                records[p.key] = Record(p.path, new, p.aliases)
            results.append((p, status))
        files = {
            k: {"path": r.path, "sha256": r.sha256} | ({"aliases": list(r.aliases)} if r.aliases else {})
            for k, r in sorted(records.items())
        }
        text = json.dumps({"version": 1, "files": files}, indent=1, ensure_ascii=False) + "\n"
        _write(site_dir / MANIFEST, Planned(MANIFEST, MANIFEST, text.encode()))
    except OSError as err:
        where = err.filename or site_dir
        raise ContentError([Problem(str(where), None, f"cannot write: {err.strerror or err}")]) from None
    return results, records
