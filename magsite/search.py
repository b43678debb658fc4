"""The search index: Pagefind run over the finished site, so /pagefind/ is searchable offline in the browser."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import cbor2

from magsite.config import CONFIG_FILE
from magsite.errors import ContentError, Problem

BUNDLE_DIR = "pagefind"
# Only article pages carry data-pagefind-body; inside them, page furniture that is not the article's own text.
# The theme also marks navigation, footers, related lists, share links and ad slots with data-pagefind-ignore.
EXCLUDE_SELECTORS = (
    "nav",
    "footer",
    ".related",
    ".reading-time",
    ".written-by h2",
    ".written-by .bio",
)
SIGNATURE = b"pagefind_dcd"  # starts every decompressed Pagefind index file
_STALE = "the pages were written; search keeps the previous index until a build indexes them"
_HINT = "install it with pip install pagefind-bin, or set 'search: false' in magsite.yaml"


def find_pagefind() -> Path:
    """The Pagefind binary of the pagefind-bin package, else one on PATH; a ContentError if neither."""
    try:
        import pagefind_bin

        return Path(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError):
        found = shutil.which("pagefind")
    if found is None:
        raise ContentError([Problem(CONFIG_FILE, None, "search is on, but Pagefind is not installed", _HINT)])
    return Path(found)


def index_site(site: Path, binary: Path, changed: bool) -> tuple[int, int]:
    """Keep site/pagefind/ the index of the built site in site/; return its file count and files written.

    The index is rebuilt when pages changed, or when it is missing or unfinished: Pagefind writes a fresh
    bundle beside the site (its presence marks an unfinished run), which then replaces the old one. Files
    that come out the same keep their old copy, so their mtime, like an unchanged page's, stays.
    """
    bundle = site / BUNDLE_DIR
    fresh = site.with_name(f".{site.name}.{BUNDLE_DIR}")
    written = 0
    if changed or fresh.exists() or not bundle.is_dir():
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        _run(binary, site, fresh)
        stabilise(fresh)
        for file in sorted(p for p in fresh.rglob("*") if p.is_file()):
            old = bundle / file.relative_to(fresh)
            if _same_bytes(file, old):
                os.replace(_link_beside(old, file), file)
            else:
                written += 1
        old_bundle = site.with_name(f".{site.name}.{BUNDLE_DIR}-old")
        shutil.rmtree(old_bundle, ignore_errors=True)
        if bundle.exists():
            bundle.rename(old_bundle)
        fresh.rename(bundle)
        shutil.rmtree(old_bundle, ignore_errors=True)
    return sum(1 for p in bundle.rglob("*") if p.is_file()), written


def _same_bytes(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def _link_beside(source: Path, target: Path) -> Path:
    """A hard link to source (a copy where links fail) next to target, to be renamed over it."""
    link = target.with_name(target.name + ".keep")
    try:
        os.link(source, link)
    except OSError:
        shutil.copy2(source, link)
    return link


def _run(binary: Path, site: Path, bundle: Path) -> None:
    """Run Pagefind over site into bundle, without Pagefind config files or PAGEFIND_* variables."""
    command = [str(binary), "--site", str(site), "--output-path", str(bundle), "--quiet"]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    try:
        done = subprocess.run(command, cwd=bundle, env=env, capture_output=True, text=True, check=False)
    except OSError as err:
        raise ContentError(
            [Problem(CONFIG_FILE, None, f"cannot run Pagefind ({binary}): {err.strerror or err}", _HINT)]
        ) from None
    if done.returncode != 0:
        said = " ".join((done.stderr or done.stdout).split())[-500:]
        raise ContentError([Problem(CONFIG_FILE, None, f"Pagefind failed to index the site: {said}", _STALE)])


def stabilise(bundle: Path) -> None:
    """Rewrite Pagefind's filter indexes in a stable order, so the same site gives a byte-identical bundle.

    Pagefind writes filter values and filter names in hash-map order, which changes from run to run; the
    order carries no meaning (the browser loads them into maps). A file this code does not read back
    byte for byte is left as Pagefind wrote it.
    """
    entry_file = bundle / "pagefind-entry.json"
    entry_text = entry_file.read_text(encoding="utf-8")
    for language in json.loads(entry_text)["languages"].values():
        meta_file = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = _read(meta_file)
        if meta is None or len(meta) < 4:
            continue
        filter_files = [bundle / "filter" / f"{name}.pf_filter" for _, name in meta[3]]  # [filter, file hash]
        filters = [_read(file) for file in filter_files]
        if any(f is None for f in filters):
            continue
        prefix = language["hash"].rpartition("_")[0]
        for item, file, values in zip(meta[3], filter_files, filters, strict=True):
            values[1].sort()  # [value, [page numbers]] per value
            item[1] = _replace(file, values, f"{prefix}_", 7)
        meta[3].sort()
        if len(meta) > 4:
            meta[4].sort(key=lambda sort: sort[0])  # [sort key, [page numbers]] per sort key
        new_hash = _replace(meta_file, meta, f"pagefind.{prefix}_", 13).removeprefix("pagefind.")
        entry_text = entry_text.replace(f'"{language["hash"]}"', f'"{new_hash}"')
    entry_file.write_text(entry_text, encoding="utf-8")


def _read(file: Path) -> list | None:
    """A Pagefind index file as CBOR data, or None where re-encoding would not give the same bytes."""
    raw = gzip.decompress(file.read_bytes())
    if not raw.startswith(SIGNATURE):
        return None
    body = raw[len(SIGNATURE) :]
    try:
        data = cbor2.loads(body)
    except cbor2.CBORDecodeError:
        return None
    return data if isinstance(data, list) and cbor2.dumps(data) == body else None


def _replace(file: Path, data: list, prefix: str, length: int) -> str:
    """Replace file with data, named prefix + a hash of its content; return the new name without suffix."""
    body = cbor2.dumps(data)
    name = f"{prefix}{hashlib.sha256(body).hexdigest()[:length]}"
    target = file.with_name(name + file.suffix)
    target.write_bytes(gzip.compress(SIGNATURE + body, mtime=0))
    if target != file:
        file.unlink()
    return name
