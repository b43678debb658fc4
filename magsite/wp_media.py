"""Image URLs of a WordPress export -> what the site uses: a local copy under images/ when the uploads are at hand."""

from __future__ import annotations

import html
import posixpath
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit


class Media:
    """Resolves image URLs of one import and remembers which files to copy and which URLs stay remote."""

    def __init__(self, media_dir: Path | None, base_url: str) -> None:
        self.root = media_dir.resolve() if media_dir else None
        self.base = base_url + "/" if base_url else ""
        self.copies: dict[str, Path] = {}  # images/... -> file in media_dir
        self.by_source: dict[Path, str] = {}
        self.remote: set[str] = set()

    def absolute(self, url: str) -> str:
        url = html.unescape(url.strip())
        return urljoin(self.base, url) if self.base and not url.startswith(("http://", "https://")) else url

    def src(self, url: str) -> str:
        url = self.absolute(url)
        local = self._local(url)
        if local is None:
            self.remote.add(url)
            return url
        return local

    def _local(self, url: str) -> str | None:
        if self.root is None:
            return None
        path = unquote(urlsplit(url).path)
        _, found, rel = path.partition("/wp-content/uploads/")
        rel = posixpath.normpath(rel) if found else ""
        if not rel or rel.startswith((".", "/")):
            return None
        for candidate in (self.root / rel, self.root / "wp-content/uploads" / rel, self.root / "uploads" / rel):
            try:
                file = candidate.resolve()
            except OSError:
                continue
            if file.is_file() and file.is_relative_to(self.root):
                return self._copy(file, rel)
        return None

    def _copy(self, file: Path, rel: str) -> str:
        if file in self.by_source:
            return self.by_source[file]
        folder, name = posixpath.split(rel)
        stem, ext = posixpath.splitext(name)
        safe_dir = "/".join(_ascii_slug(p) or "x" for p in folder.split("/") if p)
        safe_stem = _ascii_slug(stem) or "image"
        dest = posixpath.join("images", safe_dir, safe_stem + ext.lower())
        n = 1
        while dest in self.copies:
            n += 1
            dest = posixpath.join("images", safe_dir, f"{safe_stem}-{n}{ext.lower()}")
        self.copies[dest] = file
        self.by_source[file] = dest
        return dest


def _ascii_slug(text: str) -> str:
    """A file-name-safe ASCII slug: Markdown link checks compare paths byte for byte."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9._]+", "-", plain.lower()).strip("-.")
