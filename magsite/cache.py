"""The persistent build cache in <site>/.magsite-cache: parsed content files, rendered Markdown and
the fingerprint of every output of the last successful build.

Pickled state is signed with a per-user key kept outside the site, so a cache that is corrupt, stale,
from another magsite version or planted in a repository is detected and ignored, never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import pickle
import secrets
import sqlite3
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CACHE_DIR = ".magsite-cache"
FORMAT = "7"  # bump when the layout of cached values changes

StatKey = tuple[int, int, int, int]
SHARDS = 32  # the parsed files are kept in this many pickles, so an edit rewrites only one


def _shards(files: dict[str, Any]) -> dict[int, dict[str, Any]]:
    shards: dict[int, dict[str, Any]] = {n: {} for n in range(SHARDS)}
    for path, value in files.items():
        shards[zlib.crc32(path.encode()) % SHARDS][path] = value
    return shards


def stat_key(st: os.stat_result) -> StatKey:
    """What must stay the same for a file to count as unchanged (any write changes ctime)."""
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def output_id(out_dir: Path) -> str:
    """Which output folder the last build's fingerprints describe: its path and inode.

    A folder swapped in by a build killed before it saved the cache has another inode, and one with an
    unfinished journal (write.py) is marked, so neither is ever taken for the folder the cache describes.
    """
    try:
        st = out_dir.stat()
    except OSError:
        return f"{out_dir} missing"
    unfinished = " unfinished" if out_dir.with_name(f".{out_dir.name}.journal").exists() else ""
    return f"{out_dir} {st.st_dev} {st.st_ino}{unfinished}"


def digest(*parts: str) -> str:
    """A short hash of some strings; the fingerprint of an output is a digest of its inputs."""
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


def user_key() -> bytes | None:
    """The signing key of this user, created on first use; None when it cannot be stored."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "magsite"
    file = base / "cache-key"
    try:
        return file.read_bytes()
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        base.mkdir(parents=True, exist_ok=True)
        tmp = file.with_suffix(f".{os.getpid()}")
        tmp.write_bytes(secrets.token_bytes(32))
        os.replace(tmp, file)
        return file.read_bytes()
    except OSError:
        return None


@dataclass
class BuildCache:
    """State carried from one build of a site to the next; empty when there is none to trust."""

    folder: Path | None  # None: caching disabled
    salt: str  # magsite version + config digest + options; any change starts afresh
    key: bytes | None = None
    files: dict[str, tuple[StatKey, Any]] = field(default_factory=dict)  # content file -> parsed result
    manifest: dict[str, str] = field(default_factory=dict)  # output path -> fingerprint
    shown: dict[str, tuple[str, ...]] = field(default_factory=dict)  # Markdown key -> local images it shows
    related: tuple[str, dict[str, tuple[str, ...]]] | None = None  # inputs digest, post URL -> related URLs
    _db: sqlite3.Connection | None = field(default=None, repr=False)
    _db_pid: int = 0

    def _read(self, name: str) -> Any:
        if self.folder is None or self.key is None:
            return None
        try:
            blob = (self.folder / name).read_bytes()
        except OSError:
            return None
        mac, payload = blob[:32], blob[32:]
        expected = hmac.new(self.key, self.salt.encode() + payload, hashlib.sha256).digest()
        if not hmac.compare_digest(mac, expected):
            return None
        try:
            return pickle.loads(payload)
        except Exception:  # a signed but unreadable cache (e.g. a class that changed) is ignored too
            return None

    def unchanged_since(self, inputs: dict[str, StatKey], out_dir: Path, now: float) -> Any:
        """The summary of the last build if no input changed, its output is in place and its content
        cannot have changed with time (no article was due to appear, expire or leave a time window
        between that build's "now" and this one's)."""
        state = self._read("inputs.pickle")
        if not (isinstance(state, tuple) and len(state) == 5):
            return None
        old_inputs, old_out, valid_from, valid_until, summary = state
        if old_out != output_id(out_dir) or old_inputs != inputs:
            return None
        return summary if valid_from <= now and (valid_until is None or now < valid_until) else None

    def save_inputs(
        self, inputs: dict[str, StatKey], out_dir: Path, valid: tuple[float, float | None], summary: Any
    ) -> None:
        """Remember what this build read and the span of "now" over which its output stays the same."""
        with contextlib.suppress(OSError):
            self._write("inputs.pickle", (inputs, output_id(out_dir), *valid, summary))

    def _write(self, name: str, value: Any) -> None:
        if self.folder is None or self.key is None:
            return
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        mac = hmac.new(self.key, self.salt.encode() + payload, hashlib.sha256).digest()
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f"{name}.{os.getpid()}.tmp"
        tmp.write_bytes(mac + payload)
        os.replace(tmp, self.folder / name)

    def save(
        self,
        files: dict[str, tuple[StatKey, Any]],
        manifest: dict[str, str],
        shown: dict[str, tuple[str, ...]],
        related: tuple[str, dict[str, tuple[str, ...]]],
    ) -> None:
        """Keep this build's parsed files and output fingerprints for the next build (what changed)."""
        try:
            old = _shards(self.files)
            for number, shard in _shards(files).items():
                if shard != old.get(number):
                    self._write(f"files-{number:02d}.pickle", shard)
            self.files = files
            if manifest != self.manifest or shown != self.shown:
                self._write("manifest.pickle", (manifest, shown))
                self.manifest, self.shown = manifest, shown
            if related[0] != (self.related or ("",))[0]:
                self._write("related.pickle", related)
        except OSError:
            pass  # a cache that cannot be written only makes the next build slower

    # Rendered Markdown, looked up by a key that covers every input of the rendering.
    def _connection(self) -> sqlite3.Connection | None:
        if self.folder is None:
            return None
        if self._db is None or self._db_pid != os.getpid():  # never share a connection across fork
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.folder / "html.sqlite", timeout=60, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS html"
                    " (key TEXT PRIMARY KEY, html TEXT, images TEXT, mac BLOB, imac BLOB)"
                )
                db.execute("CREATE TABLE IF NOT EXISTS blobs (key TEXT PRIMARY KEY, data BLOB, mac BLOB)")
            except (sqlite3.Error, OSError):  # e.g. a read-only site folder: build without the cache
                self.folder = None
                return None
            self._db, self._db_pid = db, os.getpid()
        return self._db

    def get_html(self, key: str) -> tuple[str, tuple[str, ...]] | None:
        db = self._connection()
        if db is None:
            return None
        try:
            row = db.execute("SELECT html, images, mac FROM html WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        if row is None or not hmac.compare_digest(row[2], self._sign(key, row[0], row[1])):
            return None
        return row[0], tuple(filter(None, row[1].split("\n")))

    def get_images(self, key: str) -> tuple[str, ...] | None:
        """The local images a rendered document shows, without reading its HTML."""
        if key in self.shown:
            return self.shown[key]
        db = self._connection()
        if db is None:
            return None
        try:
            row = db.execute("SELECT images, imac FROM html WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        if row is None or not hmac.compare_digest(row[1], self._sign(key, "", row[0])):
            return None
        return tuple(filter(None, row[0].split("\n")))

    def get_blob(self, key: str) -> bytes | None:
        """Bytes stored under key by put_blob (e.g. a compiled template), if signed with this user's key."""
        db = self._connection()
        if db is None or self.key is None:
            return None
        try:
            row = db.execute("SELECT data, mac FROM blobs WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        if row is None or not hmac.compare_digest(row[1], self._sign_blob(key, row[0])):
            return None
        return bytes(row[0])

    def put_blob(self, key: str, data: bytes) -> None:
        db = self._connection()
        if db is None or self.key is None:
            return
        with contextlib.suppress(sqlite3.Error):
            db.execute("INSERT OR REPLACE INTO blobs VALUES (?, ?, ?)", (key, data, self._sign_blob(key, data)))

    def _sign_blob(self, key: str, data: bytes) -> bytes:
        return hmac.new(self.key or b"", f"{self.salt}\x1f{key}\x1f".encode() + data, "sha256").digest()

    def _sign(self, key: str, html: str, images: str) -> bytes:
        return hmac.new(self.key or b"", f"{self.salt}\x1f{key}\x1f{images}\x1f{html}".encode(), "sha256").digest()

    def put_html(self, entries: list[tuple[str, str, tuple[str, ...]]]) -> None:
        db = self._connection()
        if db is None or self.key is None or not entries:
            return
        rows = [(k, h, "\n".join(i)) for k, h, i in entries]
        try:
            db.execute("BEGIN")
            db.executemany(
                "INSERT OR REPLACE INTO html VALUES (?, ?, ?, ?, ?)",
                [(k, h, i, self._sign(k, h, i), self._sign(k, "", i)) for k, h, i in rows],
            )
            db.execute("COMMIT")
        except sqlite3.Error:
            if db.in_transaction:
                db.execute("ROLLBACK")


def input_stats(roots: list[Path], files: list[Path]) -> dict[str, StatKey]:
    """Stat of every file under the given folders and of the given files: what a build reads."""
    stats: dict[str, StatKey] = {}
    for root in roots:
        for dirpath, _dirs, names in os.walk(root):
            for name in names:
                path = os.path.join(dirpath, name)
                try:
                    stats[path] = stat_key(os.stat(path))
                except OSError:
                    stats[path] = (-1, 0, 0, 0)
    for file in files:
        try:
            stats[str(file)] = stat_key(file.stat())
        except OSError:
            stats[str(file)] = (-1, 0, 0, 0)
    return stats


def open_cache(site_dir: Path, salt: str, *, enabled: bool = True) -> BuildCache:
    """The cache of a site; its state is read by load_state(), after the cheap unchanged_since() test."""
    if not enabled:
        return BuildCache(None, salt)
    return BuildCache(site_dir / CACHE_DIR, FORMAT + salt, user_key())


def load_state(cache: BuildCache) -> None:
    """Fill the cache with whatever of the last build's state can be trusted."""
    for number in range(SHARDS):
        shard = cache._read(f"files-{number:02d}.pickle")
        if isinstance(shard, dict):
            cache.files.update(shard)
    state = cache._read("manifest.pickle")
    related = cache._read("related.pickle")
    cache.related = related if isinstance(related, tuple) and len(related) == 2 else None
    if isinstance(state, tuple) and len(state) == 2 and all(isinstance(x, dict) for x in state):
        cache.manifest, cache.shown = state
