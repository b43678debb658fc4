"""Find and read a site's content files into typed records, collecting every problem on the way."""

from __future__ import annotations

import os
import posixpath
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, time
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from magsite.cache import StatKey, stat_key
from magsite.config import SiteConfig
from magsite.errors import Problem
from magsite.fields import Fields
from magsite.frontmatter import UNPUBLISHABLE, Document, read_document
from magsite.records import Article, Author, Content, Correction, Image, Page, Section
from magsite.urls import is_slug, slugify

ARTICLE_KEYS = [
    "title",
    "dek",
    "author",
    "section",
    "date",
    "updated",
    "tags",
    "image",
    "slug",
    "summary",
    "draft",
    "featured",
    "aliases",
    "expires",
    "corrections",
]
IMAGE_KEYS = ("src", "alt", "caption", "credit", "focus")
MAX_NAME = 255  # bytes in one file name: a slug or a part of an alias becomes one


def walk(
    site_dir: Path, folder: str, suffix: str = "", linked: list[str] | None = None
) -> Iterator[tuple[str, str, bool]]:
    """(file path, site-relative path, whether it is a symlink) under a folder, sorted, from one scandir
    per folder (no stat per file); symlinked folders are not followed but listed in `linked`."""
    yield from _walk(str(site_dir / folder), folder, suffix, linked)  # as input_stats() names files


def _walk(path: str, rel_dir: str, suffix: str, linked: list[str] | None) -> Iterator[tuple[str, str, bool]]:
    try:
        with os.scandir(path) as found:
            entries = sorted(found, key=lambda e: e.name)
    except OSError:
        return
    folders = []
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if not entry.is_symlink():
                folders.append(entry)
            elif linked is not None:
                linked.append(f"{rel_dir}/{entry.name}")
        elif not entry.name.startswith(".") and entry.name.endswith(suffix):
            yield entry.path, f"{rel_dir}/{entry.name}", entry.is_symlink()
    for entry in folders:
        yield from _walk(entry.path, f"{rel_dir}/{entry.name}", suffix, linked)


Parsed = tuple[Any, list[Problem]]  # (record or None, problems) of one file


def _parse_file(job: tuple[str, Path, str, ZoneInfo, bool, int]) -> Parsed:
    kind, file, rel, tz, required, max_bytes = job
    doc, problems = read_document(file, rel, required=required, max_bytes=max_bytes)
    if doc is None:
        return None, problems
    record = LOADERS[kind](doc, tz, problems)
    if isinstance(record, Article) and record.body:  # read again when rendered: not sent, kept nor cached
        record = replace(record, body="")
    return record, problems


def _unreadable_name(rel: str) -> str | None:
    """A file name that is not UTF-8 (Python holds its bytes as surrogates), which no URL can carry."""
    if rel.isascii():
        return None
    try:
        rel.encode()
    except UnicodeEncodeError:
        return "file name is not UTF-8 text (rename the file; or run magsite in a UTF-8 locale)"
    return None


def _escapes(file: Path, inside: Path) -> str | None:
    """Why a symlinked file may not be read (a loop, or a target outside the site), else None."""
    if not file.is_symlink():
        return None
    try:
        target = file.resolve(strict=True)
    except RuntimeError:  # Python's word for a symlink loop
        return "cannot read file: symlink loop"
    except OSError as err:
        return f"cannot read file: {err.strerror or err}"
    return None if target.is_relative_to(inside) else "symlink leads outside the site folder"


def _images(
    site_dir: Path, max_bytes: int, linked: list[str], stats: dict[str, StatKey]
) -> tuple[list[str], list[Problem]]:
    """Every file under content/images that can be read, as images/... paths; the others are problems.

    (A symlink out of the site is left to the image stage, which names the documents that show it.)
    """
    images: list[str] = []
    problems: list[Problem] = []
    for file, rel, _ in walk(site_dir, "content/images", linked=linked):
        why = _unreadable_name(rel)
        size = (stats.get(file) or (0,))[0]
        if why is None and size <= 0:  # not known, unreadable, or a pipe or device (they have no size)
            try:
                st = os.stat(file)
                size = st.st_size
                if not stat.S_ISREG(st.st_mode):
                    why = "not a regular file (a pipe, device or socket)"
            except OSError as err:
                why = f"cannot read file: {err.strerror or err}"
        if why is None and size > max_bytes:
            why = f"image is {size:,} bytes, more than the limit of {max_bytes:,} (limits.max_image_bytes)"
        if why is None:
            images.append(rel.removeprefix("content/"))
        else:
            problems.append(Problem(rel, None, why))
    return images, problems


def load_content(
    site_dir: Path,
    config: SiteConfig,
    cached: dict[str, tuple[StatKey, Parsed]] | None = None,
    pool: Pool | None = None,
    stats: dict[str, StatKey] | None = None,
) -> tuple[Content, list[Problem], dict[str, tuple[StatKey, Parsed]]]:
    """Read every article, author, section, page and image name under site_dir/content.

    Files whose stat is unchanged since the build that filled `cached` are not read again; the rest
    are parsed in `pool` when one is given; `stats` (file path -> stat key) saves stat calls when the
    caller has them. Returns the content, its problems and the new cache entries.
    """
    stats = stats or {}
    cached = cached or {}
    inside = site_dir.resolve()
    tz = config.tz
    results: dict[str, tuple[StatKey, Parsed]] = {}
    todo: list[tuple[str, tuple[str, Path, str, ZoneInfo, bool, int]]] = []
    order: list[tuple[str, str]] = []
    linked: list[str] = []
    for kind in ("articles", "authors", "sections", "pages"):
        for file, rel, is_link in walk(site_dir, f"content/{kind}", ".md", linked):
            order.append((kind, rel))
            try:
                key = stats.get(file) or stat_key(os.stat(file))
            except OSError as err:
                results[rel] = ((0, 0, 0, 0), (None, [Problem(rel, None, f"cannot read file: {err.strerror or err}")]))
                continue
            if why := _unreadable_name(rel) or (_escapes(Path(file), inside) if is_link else None):
                results[rel] = (key, (None, [Problem(rel, None, why)]))
            elif rel in cached and cached[rel][0] == key:
                results[rel] = cached[rel]
            else:
                todo.append((rel, (kind, Path(file), rel, tz, kind != "pages", config.max_article_bytes)))
                results[rel] = (key, (None, []))
    jobs = [job for _, job in todo]
    parsed = pool.map(_parse_file, jobs, chunksize=64) if pool and len(jobs) > 256 else map(_parse_file, jobs)
    for (rel, _), result in zip(todo, parsed, strict=True):
        results[rel] = (results[rel][0], result)

    problems: list[Problem] = []
    found: dict[str, list[Any]] = {"articles": [], "authors": [], "sections": [], "pages": []}
    for kind, rel in order:
        record, more = results[rel][1]
        problems.extend(more)
        if record is not None:
            found[kind].append(record)
    images, more = _images(site_dir, config.max_image_bytes, linked, stats)
    problems += more
    hint = "move the files into content/, or link single files"
    problems += [Problem(rel, None, "symlinked folder is not followed", hint, warning=True) for rel in linked]
    content = Content(
        articles=tuple(found["articles"]),
        authors={a.id: a for a in found["authors"]},
        sections={s.id: s for s in found["sections"]},
        pages=tuple(found["pages"]),
        images=tuple(images),
    )
    return content, problems, results


def _id(doc: Document, kind: str, problems: list[Problem]) -> str | None:
    stem = posixpath.splitext(posixpath.basename(doc.path))[0]
    if not is_slug(stem):
        problems.append(
            Problem(doc.path, None, f"{kind} file name must be a lowercase id like '{slugify(stem) or 'name'}.md'")
        )
        return None
    return stem


def parse_date(value: Any, tz: ZoneInfo) -> datetime | None:
    """A YAML date, datetime or ISO 8601 string as an aware datetime (no offset -> site timezone)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if isinstance(value, datetime):
        pass
    elif isinstance(value, date):
        value = datetime.combine(value, time())
    else:
        return None
    if not 1800 <= value.year <= 9000:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def _date(f: Fields, key: str, tz: ZoneInfo, *, required: bool) -> datetime | None:
    value = f.data.get(key)
    if value is None or value == "":
        if required:
            f.error(key, f"'{f.name(key)}' is required", "e.g. date: 2024-05-25T09:30:00-04:00")
        return None
    parsed = parse_date(value, tz)
    if parsed is None:
        f.error(
            key, f"'{f.name(key)}' is not a valid date: {str(value)!r}", "use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+00:00"
        )
    return parsed


def _image(f: Fields) -> Image | None:
    value = f.data.get("image")
    if value is None:
        return None
    if isinstance(value, str):
        value = {"src": value}
    if not isinstance(value, dict):
        f.error("image", f"'image' must be a mapping with src, alt, caption and credit, not {value!r}")
        return None
    i = f.sub("image", value)
    i.unknown_keys(IMAGE_KEYS, error=True)
    src = i.text("src", required=True)
    alt = i.text("alt")
    if alt is None or not alt.strip():
        hint = "describe what the picture shows for readers who cannot see it"
        i.error("alt", f"image {src!r} needs alt text ('image.alt')" if src else "'image.alt' is required", hint)
        alt = None
    focus = value.get("focus", [0.5, 0.5])
    if not (
        isinstance(focus, list)
        and len(focus) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1 for v in focus)
    ):
        i.error("focus", "'image.focus' must be [x, y] with both between 0 and 1")
        focus = [0.5, 0.5]
    if src is None or alt is None:
        return None
    if not src.startswith(("https://", "http://")):
        normal = posixpath.normpath(src.lstrip("./") if src.startswith("./") else src)
        if normal.startswith(("..", "/")) or not normal.startswith("images/"):
            i.error("src", f"image {src!r} must be a path under content/images/ (like images/x.jpg) or an https URL")
            return None
        src = normal
    return Image(src, alt, i.text("caption", "") or "", i.text("credit", "") or "", (float(focus[0]), float(focus[1])))


def _corrections(f: Fields, tz: ZoneInfo, published: datetime | None) -> tuple[Correction, ...]:
    """`corrections: [{date, text}]`, oldest first; a correction dated before publication is an error."""
    value = f.data.get("corrections")
    if value is None or value == []:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        f.error("corrections", "'corrections' must be a list of {date, text} entries")
        return ()
    found = []
    for number, item in enumerate(value, 1):
        c = f.sub("corrections", item, name=f"corrections[{number}]")
        c.unknown_keys(("date", "text"), error=True)
        when = _date(c, "date", tz, required=True)
        text = c.text("text", required=True)
        if when is not None and published is not None and when.astimezone(tz).date() < published.astimezone(tz).date():
            c.error("date", f"correction {number} is dated before the article was published")
        elif when is not None and text is not None:
            found.append(Correction(when, text))
    return tuple(sorted(found, key=lambda c: c.date))


def _article(doc: Document, tz: ZoneInfo, problems: list[Problem]) -> Article | None:
    f = Fields(doc.meta, doc.path, doc.key_lines, problems)
    unknown = f.unknown_keys(ARTICLE_KEYS, error=False)
    before = len(problems)
    title = f.text("title", required=True)
    authors = f.text_list("author")
    if doc.meta.get("author") in (None, "", []):
        f.error("author", "'author' is required", "an author id from content/authors/, or a list of ids")
    section = f.text("section", required=True)
    when = _date(f, "date", tz, required=True)
    updated = _date(f, "updated", tz, required=False)
    expires = _date(f, "expires", tz, required=False)
    if expires is not None and when is not None and expires <= when:
        f.error("expires", "'expires' must be after 'date'", "leave it out to keep the article online")
    corrections = _corrections(f, tz, when)
    if corrections and corrections[-1].date > (updated or when or corrections[-1].date):
        updated = corrections[-1].date  # a correction modifies the article
    stem = posixpath.splitext(posixpath.basename(doc.path))[0]
    slug = f.text("slug") or slugify(stem)
    if not is_slug(slug):
        f.error("slug" if "slug" in doc.meta else "title", f"slug {slug!r} must be lowercase letters, digits and '-'")
    elif len(slug.encode()) > MAX_NAME:
        f.error("slug", f"slug is longer than {MAX_NAME} bytes, too long for a file name")
    aliases = f.text_list("aliases")
    for alias in aliases:
        parts = alias.split("/")
        if not alias.startswith("/") or {".", ".."} & set(parts) or "\\" in alias or "//" in alias:
            f.error("aliases", f"alias {alias!r} must be a site path starting with '/' (no '.' or '..')")
        elif UNPUBLISHABLE.search(alias):  # a NUL cannot even be in a file name
            f.error("aliases", f"alias {alias!r} holds a control character")
        elif any(len(part.encode()) > MAX_NAME for part in parts):
            f.error(
                "aliases", f"alias {alias[:40]!r}... has a part longer than {MAX_NAME} bytes, too long for a file name"
            )
    article = Article(
        source=doc.path,
        title=title or "",
        authors=authors,
        section=section or "",
        date=when or datetime.min,
        body=doc.body,
        body_line=doc.body_line,
        slug=slug,
        dek=f.text("dek", "") or "",
        updated=updated,
        tags=tuple(dict.fromkeys(f.text_list("tags"))),
        image=_image(f),
        summary=f.text("summary", "") or "",
        draft=f.boolean("draft"),
        featured=f.boolean("featured"),
        aliases=aliases,
        expires=expires,
        corrections=corrections,
        extra={k: doc.meta[k] for k in unknown},
        lines=doc.key_lines,
        digest=doc.digest,
        words=len(doc.body.split()),
        md_links=".md" in doc.body,
    )
    return None if any(not p.warning for p in problems[before:]) else article


def _author(doc: Document, tz: ZoneInfo, problems: list[Problem]) -> Author | None:
    f = Fields(doc.meta, doc.path, doc.key_lines, problems)
    known = ("name", "role", "twitter", "email", "avatar")
    unknown = f.unknown_keys(known, error=False)
    before = len(problems)
    ident = _id(doc, "author", problems)
    twitter = (f.text("twitter", "") or "").lstrip("@")
    if twitter and not re.fullmatch(r"\w{1,15}", twitter, re.ASCII):
        f.error("twitter", f"'twitter' must be a handle like @MayaCarlin, not {twitter!r}")
    email = f.text("email", "") or ""
    if email and not re.fullmatch(r"[^@\s<>\"'()\[\]:;,\\]+@[\w.-]+\.\w+", email):
        f.error("email", f"'email' must be an address like name@example.com, not {email!r}")
    author = Author(
        id=ident or "",
        source=doc.path,
        name=f.text("name", required=True) or "",
        bio=doc.body,
        role=f.text("role", "") or "",
        twitter=twitter,
        email=email,
        avatar=f.text("avatar", "") or "",
        extra={k: doc.meta[k] for k in unknown},
        lines=doc.key_lines,
        digest=doc.digest,
    )
    return None if any(not p.warning for p in problems[before:]) else author


def _section(doc: Document, tz: ZoneInfo, problems: list[Problem]) -> Section | None:
    f = Fields(doc.meta, doc.path, doc.key_lines, problems)
    unknown = f.unknown_keys(("title", "description", "order", "nav"), error=False)
    before = len(problems)
    ident = _id(doc, "section", problems)
    section = Section(
        id=ident or "",
        source=doc.path,
        title=f.text("title", required=True) or "",
        description=f.text("description", "") or "",
        intro=doc.body,
        order=f.integer("order", 100, minimum=-10_000, maximum=10_000),
        nav=f.boolean("nav", True),
        extra={k: doc.meta[k] for k in unknown},
        lines=doc.key_lines,
        digest=doc.digest,
    )
    return None if any(not p.warning for p in problems[before:]) else section


def _page(doc: Document, tz: ZoneInfo, problems: list[Problem]) -> Page | None:
    f = Fields(doc.meta, doc.path, doc.key_lines, problems)
    unknown = f.unknown_keys(("title", "description", "slug", "updated"), error=False)
    before = len(problems)
    stem = posixpath.splitext(posixpath.basename(doc.path))[0]
    slug = f.text("slug") or slugify(stem)
    if not is_slug(slug) or len(slug.encode()) > MAX_NAME:
        f.error("slug", f"page slug {slug[:60]!r} must be lowercase letters, digits and '-', at most {MAX_NAME} bytes")
    page = Page(
        slug=slug,
        source=doc.path,
        title=f.text("title", required=True) or "",
        body=doc.body,
        description=f.text("description", "") or "",
        updated=_date(f, "updated", tz, required=False),
        extra={k: doc.meta[k] for k in unknown},
        lines=doc.key_lines,
        digest=doc.digest,
    )
    return None if any(not p.warning for p in problems[before:]) else page


LOADERS: dict[str, Callable[[Document, ZoneInfo, list[Problem]], Any]] = {
    "articles": _article,
    "authors": _author,
    "sections": _section,
    "pages": _page,
}
