"""Split a content file into YAML front matter and Markdown body, keeping line numbers."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

import yaml

from magsite.errors import Problem

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ~10x faster; both are safe
HAS_LIBYAML = _Base is not yaml.SafeLoader


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """A safe loader that leaves timestamps as text, so a bad date is reported at its key, not as a crash."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }


# Characters XML 1.0 cannot carry (feeds, sitemaps): C0 controls other than tab and newlines, U+FFFE, U+FFFF.
UNPUBLISHABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONTROL_BYTES = bytes(c for c in range(32) if c not in b"\t\n\r")
_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)", re.M)
_MAX_NODES = 100_000  # guards against "billion laughs" alias expansion


@dataclass(frozen=True, slots=True)
class Document:
    """A content file's front matter mapping and body, with where each key and the body start."""

    path: str
    meta: dict[str, Any]
    body: str
    body_line: int
    key_lines: dict[str, int]
    digest: str = ""  # hash of the file's bytes

    def line_of(self, key: str) -> int:
        """The line of a top-level key, or of the opening `---` when the key is absent."""
        return self.key_lines.get(key, 1)


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Bytes -> text with a BOM dropped and line endings normalised; non-UTF-8 and control characters are problems."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return None, [Problem(path, line, "file is not valid UTF-8 text", "save it as UTF-8")]
    # the cheap test on bytes first: a regex over every file's text would cost more than decoding it
    suspect = (
        len(data.translate(None, _CONTROL_BYTES)) != len(data) or b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data
    )
    if suspect and (bad := UNPUBLISHABLE.search(text)):
        line = text.count("\n", 0, bad.start()) + 1
        what = "a NUL byte" if bad.group() == "\x00" else f"the unprintable character U+{ord(bad.group()):04X}"
        return None, [Problem(path, line, f"file contains {what}", "delete it; feeds and sitemaps cannot carry it")]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, []


def parse_document(text: str, path: str, *, required: bool = True) -> tuple[Document | None, list[Problem]]:
    """Parse `---\\nYAML\\n---\\nbody`; without front matter the whole text is the body unless required."""
    if not text.strip():
        return None, [Problem(path, 1, "file is empty", "an article needs front matter between '---' lines")]
    if not text.startswith("---\n"):
        if required:
            return None, [Problem(path, 1, "file does not start with front matter ('---' on the first line)")]
        return Document(path, {}, text, 1, {}), []
    split = _split(text)
    if split is None:
        return None, [Problem(path, 1, "front matter opened here is never closed with '---'")]
    yaml_text, body, body_line = split
    meta, key_lines, problems = parse_mapping(yaml_text, path, first_line=2, what="front matter")
    if meta is None:
        return None, problems
    return Document(path, meta, body, body_line, key_lines), []


def _split(text: str) -> tuple[str, str, int] | None:
    """Front matter, body and the body's first line of a text starting with '---'; None if never closed."""
    end = re.search(r"^---[ \t]*$", text[4:], re.M)
    if end is None:
        return None
    after = 4 + end.end()
    body = text[after + 1 :] if text[after : after + 1] == "\n" else text[after:]
    return text[4 : 4 + end.start()], body, text[:after].count("\n") + 2


def parse_mapping(
    yaml_text: str, path: str, *, first_line: int = 1, what: str = "file"
) -> tuple[dict[str, Any] | None, dict[str, int], list[Problem]]:
    """Parse a YAML mapping safely; return it with each top-level key's file line, or the problems."""
    key_lines: dict[str, int] = {}
    problems: list[Problem] = []
    for m in _KEY.finditer(yaml_text):
        line = yaml_text.count("\n", 0, m.start()) + first_line
        key = m.group(1)
        if key in key_lines:
            problems.append(Problem(path, line, f"key '{key}' appears twice (first on line {key_lines[key]})"))
        else:
            key_lines[key] = line
    try:
        meta = yaml.load(yaml_text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        problem, context = err.problem or "", err.context or ""
        # an unclosed quote or bracket is found at the end; where it was opened is more useful
        at_end = "end of stream" in problem and err.context_mark is not None
        mark = err.context_mark if at_end or err.problem_mark is None else err.problem_mark
        line = mark.line + first_line if mark is not None else first_line
        reason = f"{context}, {problem}" if context and problem else problem or context
        return None, key_lines, [Problem(path, line, f"{what} is not valid YAML: {reason}")]
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError) as err:  # e.g. out-of-range timestamps
        reason = str(err).split("; use sys.")[0]  # Python's advice on its integer limit is not for editors
        return None, key_lines, [Problem(path, first_line, f"{what} holds a value that cannot be read: {reason}")]
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return None, key_lines, [Problem(path, first_line, f"{what} must be a mapping of keys to values")]
    if "&" in yaml_text and _too_big(meta):
        return None, key_lines, [Problem(path, first_line, f"{what} expands to too many values (YAML aliases)")]
    for k in meta:
        if not isinstance(k, str):
            at = re.search(rf"^{re.escape(str(k))}[ \t]*:", yaml_text, re.M)
            line = yaml_text.count("\n", 0, at.start()) + first_line if at else first_line
            problems.append(Problem(path, line, f"key {k!r} must be text"))
    return (None if problems else meta), key_lines, problems


def _too_big(value: Any) -> bool:
    """True when walking the value (aliases expanded) would visit more than _MAX_NODES nodes."""
    budget = _MAX_NODES
    stack = [value]
    while stack:
        budget -= 1
        if budget < 0:
            return True
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def read_document(
    file: Path, path: str, *, required: bool = True, max_bytes: int | None = None
) -> tuple[Document | None, list[Problem]]:
    """Read and parse one content file; I/O failures become problems, never exceptions."""
    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO must not block the build
        with open(fd, "rb") as f:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return None, [Problem(path, None, "not a regular file (a pipe, device or socket)")]
            if max_bytes is not None and st.st_size > max_bytes:
                size = f"{st.st_size:,} bytes, more than the limit of {max_bytes:,}"
                return None, [Problem(path, None, f"file is {size}", "split it, or raise limits.max_article_bytes")]
            data = f.read()
    except OSError as err:
        return None, [Problem(path, None, f"cannot read file: {err.strerror or err}")]
    text, problems = decode(data, path)
    if text is None:
        return None, problems
    doc, problems = parse_document(text, path, required=required)
    return (replace(doc, digest=content_digest(data)) if doc else None), problems


def read_body(file: Path) -> str:
    """The Markdown body of a content file that loaded without problems, without parsing its front matter
    again: records keep no bodies, so a build of 100,000 articles does not hold them all in memory."""
    try:
        text, _ = decode(file.read_bytes(), str(file))
    except OSError:
        return ""
    split = _split(text) if text and text.startswith("---\n") else None
    return split[1] if split else text or ""


def content_digest(data: bytes) -> str:
    """A short, stable hash of some bytes (fingerprints for incremental builds)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()
