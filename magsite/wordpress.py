"""`magsite import wordpress`: map a WXR export onto the content schema, write it, and account for everything.

Posts become articles, pages pages, users authors, categories sections (the rest tags), attachments
hero images; every old permalink, old slug and `?p=ID` link becomes an alias.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from magsite.config import CONFIG_FILE, SiteConfig, load_config, parse_config
from magsite.errors import ContentError, Problem, raise_if_errors
from magsite.frontmatter import decode, parse_mapping
from magsite.load import load_content
from magsite.model import RESERVED
from magsite.urls import is_slug, permalink, slugify
from magsite.wp_markdown import Picture, to_markdown
from magsite.wp_media import Media
from magsite.wp_sync import (
    CONFLICT,
    CREATED,
    EXISTS,
    KEPT_DELETED,
    MANIFEST,
    UNCHANGED,
    UPDATED,
    Planned,
    Record,
    read_manifest,
    sync,
)
from magsite.wxr import Export, WpItem, WpTerm, parse_wxr

IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|svg)$", re.I)
CREDIT = re.compile(
    r"(?:^|[\s.;,(–—-])\s*(?:(?:image|photo|picture|video)\s+)?(?:credits?|courtesy(?:\s+of)?|source)\s*[:\-–—]\s*(.+?)\)?\s*$"
    r"|(?:^|[\s.;,(–—-])\s*(?:image|photo|picture)s?\s+(?:by|courtesy\s+of)\s+(.+?)\)?\s*$",
    re.I,
)
BYLINE_META = re.compile(r"co-?_?authors?|byline|guest_?authors?|additional_?authors?|ppma_authors", re.I)
SKIPPED_TYPES = {  # WordPress machinery with no place in a magazine's content
    "nav_menu_item": "menu item",
    "revision": "revision",
    "custom_css": "custom CSS",
    "customize_changeset": "customizer changeset",
    "oembed_cache": "oEmbed cache entry",
    "user_request": "privacy request",
    "wp_block": "reusable block",
    "wp_template": "block template",
    "wp_template_part": "block template part",
    "wp_global_styles": "global styles",
    "wp_navigation": "navigation menu",
    "wp_font_family": "font family",
    "wp_font_face": "font face",
}
SKIPPED_STATUSES = ("private", "trash", "auto-draft", "inherit")
DEFAULT_TAGLINE = "Just another WordPress site"


@dataclass(frozen=True, slots=True)
class ImportOptions:
    media_dir: Path | None = None  # a copy of wp-content/uploads (or a folder holding wp-content/uploads)
    section_map: Path | None = None  # YAML: category slug -> section id, or -> {id, title}
    update: bool = False  # the site already holds an import: bring it up to date


@dataclass(frozen=True, slots=True)
class Report:
    """Everything an import did, for the operator to check that nothing was lost."""

    site: str
    counts: tuple[tuple[str, str], ...]  # (kind, what happened), in reading order
    skipped: tuple[Problem, ...]  # items not imported, each with its WordPress id and title
    notes: tuple[Problem, ...]  # things imported but not converted faithfully, and old URLs with no redirect
    files: tuple[tuple[str, int], ...]  # file status -> count
    kept: tuple[Problem, ...]  # files not overwritten, and why
    problems: tuple[Problem, ...] = ()  # imported files that magsite cannot load (a bug: please report it)


@dataclass
class _Run:
    """The state of one import while items are mapped; thrown away at the end."""

    export: Export
    name: str  # the export's file name, as problems print it
    config: SiteConfig
    manifest: dict[str, Record]
    media: Media
    section_map: dict[str, tuple[str, str]]
    planned: list[Planned] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    claimed: dict[str, str] = field(default_factory=dict)  # URL -> what has it
    paths: set[str] = field(default_factory=set)
    author_ids: dict[str, str] = field(default_factory=dict)  # login -> author id
    author_names: dict[str, str] = field(default_factory=dict)  # author id -> display name
    sections: dict[str, tuple[str, str]] = field(default_factory=dict)  # section id -> (title, description)
    tags: set[str] = field(default_factory=set)
    taken: set[str] = field(init=False)  # paths of earlier imports
    categories: dict[str, WpTerm] = field(init=False)  # by decoded slug
    category_ids: dict[int, WpTerm] = field(init=False)

    def __post_init__(self) -> None:
        self.taken = {r.path for r in self.manifest.values()}
        self.categories = {unquote(c.slug): c for c in self.export.categories}
        self.category_ids = {c.term_id: c for c in self.export.categories if c.term_id}

    def note(self, item: WpItem, message: str, *, skipped: bool = False) -> None:
        title = _plain(item.title) or "(no title)"
        title = title if len(title) <= 60 else title[:57] + "..."
        problem = Problem(self.name, item.line or None, f'item {item.id} "{title}": {message}')
        (self.skipped if skipped else self.notes).append(problem)

    def path(self, key: str, wanted: str, ident: int) -> str:
        """The file for a key: where the last import put it, else `wanted`, made unique with the item id."""
        if key in self.manifest:
            path = self.manifest[key].path
        else:
            path = wanted
            if path in self.paths or path in self.taken:
                stem, ext = posixpath.splitext(wanted)
                path = f"{stem}-{ident}{ext}"
        self.paths.add(path)
        return path

    def claim(self, url: str, owner: str) -> bool:
        return self.claimed.setdefault(url, owner) == owner


def _plain(markup: str) -> str:
    """Text of a bit of WordPress HTML: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", markup)).split())


def _slug(*candidates: str) -> str:
    """The first candidate that makes a slug; WordPress keeps non-ASCII slugs percent-encoded."""
    for text in candidates:
        slug = slugify(unquote(text))
        if slug and is_slug(slug):
            return slug
    return ""


def _when(text: str, tz: Any) -> datetime | None:
    """A WordPress 'YYYY-MM-DD HH:MM:SS' in tz; None for the '0000-00-00' of unscheduled drafts."""
    try:
        value = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return value.replace(tzinfo=tz) if 1800 <= value.year <= 9000 else None


def _document(meta: dict[str, Any], body: str) -> bytes:
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1_000_000)
    return f"---\n{front}---\n{body}".encode()


def _credit(caption: str, description: str) -> tuple[str, str]:
    """(caption, credit): a 'Credit: X' or 'Photo by X' ending the caption, else the description, else ''.

    Photo desks put the credit in either field; a short description without such words counts as the credit.
    """
    if m := CREDIT.search(caption):
        return caption[: m.start()].rstrip(" ;,(–—-"), (m.group(1) or m.group(2)).strip()
    if m := CREDIT.search(description):
        return caption, (m.group(1) or m.group(2)).strip()
    return caption, description if len(description) <= 120 and description != caption else ""


def import_wordpress(export: Path, site_dir: Path, options: ImportOptions, name: str | None = None) -> Report:
    """Import a WXR export into site_dir. Fatal problems (bad XML, bad map) raise ContentError before any write."""
    name = name or str(export)
    try:
        data = export.read_bytes()
    except OSError as err:
        raise ContentError([Problem(name, None, f"cannot read the export: {err.strerror or err}")]) from None
    wxr = parse_wxr(data, name)
    manifest = read_manifest(site_dir)
    if manifest and not options.update:
        raise ContentError(
            [
                Problem(
                    MANIFEST,
                    None,
                    "this site already holds a WordPress import",
                    "re-run with --update to bring it up to date without overwriting edited files",
                )
            ]
        )
    config, config_file = _config(site_dir, wxr)
    section_map, warnings = _section_map(options.section_map, wxr)
    run = _Run(
        export=wxr,
        name=name,
        config=config,
        manifest=manifest,
        media=Media(options.media_dir, wxr.base_url or wxr.link),
        section_map=section_map,
        notes=warnings,
    )
    if config_file is not None:
        run.planned.append(Planned("config", CONFIG_FILE, config_file, shared=True))
    _plan(run)
    results, _ = sync(site_dir, run.planned, manifest)
    statuses = Counter(status for _, status in results)
    kept = [_kept(p, status) for p, status in results if status in (CONFLICT, EXISTS, KEPT_DELETED)]
    if any(p.key == "config" and status == CREATED for p, status in results):
        run.notes.append(
            Problem(CONFIG_FILE, None, "written with timezone UTC", "set your timezone, then re-run with --update")
        )
    written = {p.path for p, status in results if status in (CREATED, UPDATED, UNCHANGED)}
    _, problems, _ = load_content(site_dir, load_config(site_dir))
    return Report(
        site=str(site_dir),
        counts=_counts(run),
        skipped=tuple(sorted(run.skipped, key=_by_place)),
        notes=tuple(sorted(run.notes, key=_by_place)),
        files=tuple(sorted(statuses.items())),
        kept=tuple(kept),
        problems=tuple(p for p in problems if p.path in written and not p.warning),
    )


def _by_place(p: Problem) -> tuple[str, int, str]:
    return p.path, p.line or 0, p.message


def _kept(planned: Planned, status: str) -> Problem:
    hints = {
        CONFLICT: (
            "edited after the last import and changed in WordPress since; not overwritten",
            "merge by hand, or delete the file and re-run with --update to take the WordPress version",
        ),
        EXISTS: ("a file the importer did not write is in the way; not overwritten", "move it, then re-run"),
        KEPT_DELETED: ("deleted after the last import; left deleted", None),
    }
    message, hint = hints[status]
    return Problem(planned.path, None, f"{planned.key}: {message}", hint)


def _config(site_dir: Path, wxr: Export) -> tuple[SiteConfig, bytes | None]:
    """The site's config, or a new magsite.yaml made from the export's title, URL and language."""
    if (site_dir / CONFIG_FILE).exists():
        return load_config(site_dir), None
    base = wxr.link if wxr.link.startswith(("https://", "http://")) else "https://example.com"
    data: dict[str, str] = {"title": _plain(wxr.title) or "Imported magazine"}
    tagline = _plain(wxr.description)
    if tagline and tagline != DEFAULT_TAGLINE:
        data["tagline"] = tagline
    data |= {"base_url": base + "/", "language": wxr.language or "en", "timezone": "UTC"}
    config, problems = parse_config(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    if config is None:  # an odd language code in the export: fall back to the default
        data.pop("language")
        config, problems = parse_config(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    raise_if_errors(problems)
    assert config is not None
    text = "# Written by `magsite import wordpress`; every key is described in the README.\n"
    return config, (text + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1_000_000)).encode()


def _section_map(path: Path | None, wxr: Export) -> tuple[dict[str, tuple[str, str]], list[Problem]]:
    """The --section-map file: category slug (or name) -> (section id, title), and its warnings."""
    if path is None:
        return {}, []
    name = str(path)
    try:
        text, problems = decode(path.read_bytes(), name)
    except OSError as err:
        raise ContentError([Problem(name, None, f"cannot read the section map: {err.strerror or err}")]) from None
    data: dict[str, Any] | None = None
    key_lines: dict[str, int] = {}
    if text is not None:
        data, key_lines, more = parse_mapping(text, name, what="section map")
        problems += more
    raise_if_errors(problems)
    known = {unquote(c.slug): c for c in wxr.categories} | {_plain(c.name).lower(): c for c in wxr.categories}
    result: dict[str, tuple[str, str]] = {}
    for key, value in (data or {}).items():
        line = key_lines.get(key)
        if isinstance(value, str):
            ident, title = value, ""
        elif isinstance(value, dict) and isinstance(value.get("id"), str):
            ident, title = value["id"], str(value.get("title") or "")
        else:
            problems.append(Problem(name, line, f"'{key}' must map to a section id, or to {{id, title}}"))
            continue
        if not is_slug(ident) or ident in RESERVED:
            problems.append(
                Problem(name, line, f"section id {ident!r} must be lowercase letters, digits and '-', and not reserved")
            )
            continue
        category = known.get(key) or known.get(key.lower())
        if category is None:
            problems.append(
                Problem(name, line, f"no category '{key}' in the export", "use a category slug or name", warning=True)
            )
            continue
        result[unquote(category.slug)] = (ident, title)
    raise_if_errors(problems)
    titles = {ident: title for ident, title in reversed(result.values()) if title}  # the first title given wins
    return {slug: (ident, titles.get(ident, "")) for slug, (ident, _) in result.items()}, problems


def _plan(run: _Run) -> None:
    """Every file the import wants, in a fixed order: pages, articles, sections, authors, images."""
    wxr = run.export
    items = [i for i in wxr.items if i.id]
    for item in wxr.items:
        if not item.id:
            run.note(item, "has no post id; not imported", skipped=True)
    attachments = {i.id: i for i in items if i.type == "attachment"}
    children: dict[int, list[WpItem]] = {}
    for a in sorted(attachments.values(), key=lambda a: (a.menu_order, a.id)):
        if IMAGE_FILE.search(urlsplit(a.attachment_url or a.guid).path):
            children.setdefault(a.parent, []).append(a)
    run.counts["attachments"] = len(attachments)

    guests = {
        g.meta_value("cap-user_login"): _plain(g.meta_value("cap-display_name") or g.title)
        for g in items
        if g.type == "guest-author" and g.meta_value("cap-user_login")
    }
    run.counts["guest authors"] = len(guests)
    for author in wxr.authors:
        name = author.display_name or f"{author.first_name} {author.last_name}".strip() or author.login
        _author(run, author.login, _plain(name))

    posts = [i for i in items if i.type == "post"]
    pages = [i for i in items if i.type == "page"]
    for ident in RESERVED:
        run.claim(f"/{ident}/", "magsite")
    sections = {i.id: _section_of(run, i) for i in posts if i.status not in SKIPPED_STATUSES}
    for ident, _ in sections.values():
        run.claim(f"/{ident}/", f"section {ident}")

    def picture(ident: int) -> Picture | None:
        a = attachments.get(ident)
        if a is None:
            return None
        alt = _plain(a.meta_value("_wp_attachment_image_alt")) or _plain(a.title)
        return Picture(a.attachment_url or a.guid, alt, a.excerpt)

    def body(item: WpItem) -> str:
        attached = tuple(a.id for a in children.get(item.id, []))
        converted = to_markdown(item.content, image_src=run.media.src, attachment=picture, attached=attached)
        for note in converted.notes:
            run.note(item, note)
        return converted.markdown

    for item in pages:
        _page(run, item, body)
    placed = [p for item in posts if (p := _place(run, item, sections.get(item.id))) is not None]
    for post in placed:
        _article(run, post, attachments, guests, body)
    for item in items:
        if item.type in ("post", "page", "attachment", "guest-author"):
            continue
        kind = SKIPPED_TYPES.get(item.type, f"'{item.type}' item")
        run.counts["other items"] += 1
        run.note(item, f"{kind}; not imported (magsite has no such content)", skipped=True)
    run.counts["comments"] = sum(i.comments for i in items)

    for ident, (title, description) in sorted(run.sections.items()):
        meta = {"title": title} | ({"description": description} if description else {})
        path = run.path(f"section {ident}", f"content/sections/{ident}.md", 0)
        run.planned.append(Planned(f"section {ident}", path, _document(meta, ""), shared=True))
    for ident, name in sorted(run.author_names.items()):
        path = run.path(f"author {ident}", f"content/authors/{ident}.md", 0)
        run.planned.append(Planned(f"author {ident}", path, _document({"name": name}, ""), shared=True))
    for dest, file in sorted(run.media.copies.items()):
        run.planned.append(Planned(f"image {dest}", f"content/{dest}", source=file))
    run.counts["sections"] = len(run.sections)
    run.counts["authors"] = len(run.author_names)
    run.counts["tags"] = len(run.tags)


def _author(run: _Run, login: str, name: str) -> str:
    """The author id of a WordPress login (its slug), registering the author the first time."""
    if login in run.author_ids:
        return run.author_ids[login]
    ident = _slug(login, name) or f"author-{len(run.author_ids) + 1}"
    base, n = ident, 1
    while ident in run.author_names:
        n += 1
        ident = f"{base}-{n}"
    run.author_ids[login] = ident
    run.author_names[ident] = name or login
    return ident


def _section_of(run: _Run, item: WpItem) -> tuple[str, WpTerm | None]:
    """(section id, its category): the primary category (Yoast, Rank Math), else the first; mapped by --section-map."""
    categories = [t for t in item.terms if t.kind == "category"]
    primary = None
    for key in ("_yoast_wpseo_primary_category", "rank_math_primary_category"):
        wanted = run.category_ids.get(int(v)) if (v := item.meta_value(key).strip()).isdigit() else None
        primary = primary or next((t for t in categories if wanted and t.slug == wanted.slug), None)
    category = primary or (categories[0] if categories else None)
    slug = unquote(category.slug) if category else "uncategorized"
    declared = run.categories.get(slug)
    name = _plain(category.name if category else "Uncategorized") or slug
    if slug in run.section_map:
        ident, title = run.section_map[slug]
        mapped_from = run.categories.get(ident)
        title = title or (_plain(mapped_from.name) if mapped_from else "") or name
        run.sections.setdefault(ident, (title, ""))
        return ident, category
    ident = _slug(slug, name) or f"section-{declared.term_id if declared else 0}"
    if ident in RESERVED:
        ident = f"{ident}-section"
    run.sections.setdefault(ident, (name, _plain(declared.description) if declared else ""))
    return ident, category


def _old_path(run: _Run, path: str) -> str:
    """A URL path of the WordPress site, decoded and relative to its home (which may be in a sub-folder)."""
    home = urlsplit(run.export.link).path.rstrip("/")
    path = unquote(path) or "/"
    return (path[len(home) :] or "/") if home and path.startswith(home + "/") else path


def _aliases(run: _Run, item: WpItem, url: str, key: str) -> tuple[str, ...]:
    """Old URLs of a post, relative to the WordPress home: its permalink, its old slugs, `/?p=ID`."""
    parts = urlsplit(item.link)
    paths = []
    if parts.path or parts.query:
        path = _old_path(run, parts.path)
        query = f"?{parts.query}" if parts.query else ""
        paths.append(path + query)
        stem = path.rstrip("/")
        last = stem.rsplit("/", 1)[-1]
        if not query and last and last == unquote(item.name):
            for old in item.meta_values("_wp_old_slug"):
                if old.strip():
                    paths.append(stem[: -len(last)] + unquote(old.strip()) + path[len(stem) :])
    paths.append(f"/?p={item.id}")
    previous = run.manifest[key].aliases if key in run.manifest else ()
    aliases = []
    for alias in dict.fromkeys([*paths, *previous]):
        if alias.rstrip("/") == url.rstrip("/") or alias == "/":
            continue
        if ".." in alias.split("/") or "\\" in alias or "//" in alias or not alias.startswith("/"):
            run.note(item, f"old URL {alias!r} cannot be an alias; it will not redirect")
            continue
        last = alias.rsplit("/", 1)[-1]
        claimed = alias if "?" in alias or "." in last else alias.rstrip("/") + "/"
        if not run.claim(claimed, key):
            run.note(item, f"old URL {alias} is now the URL of {run.claimed[claimed]}; it will not redirect")
            continue
        aliases.append(alias)
    return tuple(aliases)


def _page(run: _Run, item: WpItem, body: Any) -> None:
    run.counts["pages in the export"] += 1
    if item.status != "publish" or item.password:
        why = "password-protected" if item.password and item.status == "publish" else item.status
        run.counts["pages skipped"] += 1
        run.note(item, f"{why} page; not imported (magsite pages are always public)", skipped=True)
        return
    slug = _slug(item.name, _plain(item.title)) or f"page-{item.id}"
    if not run.claim(f"/{slug}/", f"page {item.id}"):
        taken_by = run.claimed[f"/{slug}/"]
        slug = f"{slug}-{item.id}"
        run.claim(f"/{slug}/", f"page {item.id}")
        run.note(item, f"slug taken by {taken_by}; the page is at /{slug}/")
    key = f"page {item.id}"
    path = run.path(key, f"content/pages/{slug}.md", item.id)
    meta: dict[str, Any] = {"title": _plain(item.title) or f"Page {item.id}"}
    if description := _plain(item.excerpt):
        meta["description"] = description
    if posixpath.splitext(posixpath.basename(path))[0] != slug:
        meta["slug"] = slug
    old = _old_path(run, urlsplit(item.link).path)
    if urlsplit(item.link).path and old.rstrip("/") != f"/{slug}":
        run.note(item, f"old URL {old} has no redirect to the page's new URL /{slug}/ (pages take no aliases)")
    run.planned.append(Planned(key, path, _document(meta, body(item))))
    run.counts["pages"] += 1


@dataclass(frozen=True, slots=True)
class _Placed:
    """Where an importable post goes, settled for all posts before any is written, so aliases can be checked."""

    item: WpItem
    section: str
    category: WpTerm | None  # the category that became the section; the others become tags
    date: datetime
    title: str
    slug: str
    url: str
    path: str


def _place(run: _Run, item: WpItem, section: tuple[str, WpTerm | None] | None) -> _Placed | None:
    """Claim a post's URL and file, or count it as skipped."""
    run.counts["posts in the export"] += 1
    if section is None:  # a status that is never imported
        run.counts["posts skipped"] += 1
        reason = {"auto-draft": "auto-draft (never saved by an editor)", "trash": "trashed"}.get(item.status)
        run.note(item, f"{reason or item.status + ' post'}; not imported", skipped=True)
        return None
    tz = run.config.tz
    gmt = _when(item.date_gmt, UTC)
    date = gmt.astimezone(tz) if gmt else _when(item.date, tz)
    if date is None:
        run.counts["posts skipped"] += 1
        run.note(item, f"has no valid date ({item.date_gmt or item.date!r}); not imported", skipped=True)
        return None
    section_id, category = section
    title = _plain(item.title)
    if not title:
        title = f"Untitled {item.id}"
        run.note(item, f"has no title; imported as {title!r}")
    slug = _slug(item.name, title) or f"post-{item.id}"
    url = ""
    for candidate in (slug, f"{slug}-{item.id}"):
        url = permalink(
            run.config.permalink,
            section=section_id,
            slug=candidate,
            year=f"{date.year:04d}",
            month=f"{date.month:02d}",
            day=f"{date.day:02d}",
        )
        if run.claim(url, f"post {item.id}"):
            if candidate != slug:
                run.note(item, f"URL taken by another item; the article's slug is {candidate!r}")
            slug = candidate
            break
    path = run.path(f"post {item.id}", f"content/articles/{date.year:04d}/{date.month:02d}/{slug}.md", item.id)
    return _Placed(item, section_id, category, date, title, slug, url, path)


def _article(run: _Run, placed: _Placed, attachments: dict[int, WpItem], guests: dict[str, str], body: Any) -> None:
    item, title, slug, url, path, date = placed.item, placed.title, placed.slug, placed.url, placed.path, placed.date
    tz = run.config.tz
    gmt = _when(item.date_gmt, UTC)
    key = f"post {item.id}"

    meta: dict[str, Any] = {"title": title}
    if dek := _plain(item.excerpt):
        meta["dek"] = dek
    authors = _authors(run, item, guests)
    meta["author"] = authors[0] if len(authors) == 1 else authors
    meta["section"] = placed.section
    meta["date"] = date.isoformat(timespec="seconds")
    modified = _when(item.modified_gmt, UTC)
    if gmt and modified and modified > gmt:
        meta["updated"] = modified.astimezone(tz).isoformat(timespec="seconds")
    tags = _tags(run, item, placed.category)
    if tags:
        meta["tags"] = tags
    if image := _hero(run, item, attachments):
        meta["image"] = image
    if posixpath.splitext(posixpath.basename(path))[0] != slug:
        meta["slug"] = slug
    summary = _plain(item.meta_value("_yoast_wpseo_metadesc") or item.meta_value("rank_math_description"))
    if summary and "%%" not in summary:  # Yoast templates such as %%title%% are not text
        meta["summary"] = summary
    status = item.status
    if item.password:
        run.note(item, "is password-protected; imported as a draft (a static site cannot ask for the password)")
    if status in ("draft", "pending") or item.password:
        meta["draft"] = True
        run.counts["drafts"] += 1
    elif status == "future":
        run.counts["scheduled"] += 1
    else:
        run.counts["published"] += 1
        if status != "publish":
            run.note(item, f"has the unknown status {status!r}; imported as published")
    if item.sticky:
        meta["featured"] = True
    aliases = _aliases(run, item, url, key)
    if aliases:
        meta["aliases"] = list(aliases)
    run.counts["aliases"] += len(aliases)
    for k, v in item.meta:
        if BYLINE_META.search(k) and v.strip() and not k.startswith("_edit"):
            run.note(item, f"meta {k!r} looks like a byline ({_plain(v)[:60]!r}) and was not imported")
    run.planned.append(Planned(key, path, _document(meta, body(item)), aliases=aliases))
    run.counts["posts"] += 1


def _authors(run: _Run, item: WpItem, guests: dict[str, str]) -> list[str]:
    """Author ids: Co-Authors Plus / PublishPress bylines in their order, else the post's creator."""
    logins = {a.login for a in run.export.authors}
    ids = []
    for term in item.terms:
        if term.kind != "author":
            continue
        login = term.name if term.name in logins else unquote(term.slug).removeprefix("cap-")
        ids.append(_author(run, login, guests.get(login) or guests.get(term.name) or _plain(term.name)))
    if not ids:
        ids.append(_author(run, item.creator or "unknown", item.creator or "Unknown author"))
    return list(dict.fromkeys(ids))


def _tags(run: _Run, item: WpItem, section: WpTerm | None) -> list[str]:
    """Tag names: the post's other categories, then its tags, one per slug."""
    names: dict[str, str] = {}
    for term in item.terms:
        if term.kind in ("category", "post_tag") and term is not section:
            name = _plain(term.name) or unquote(term.slug)
            if name:
                names.setdefault(slugify(name) or name, name)
    run.tags.update(names.values())
    return list(names.values())


def _hero(run: _Run, item: WpItem, attachments: dict[int, WpItem]) -> dict[str, str] | None:
    """The featured image (`_thumbnail_id`) with its alt text, caption and credit."""
    thumb = item.meta_value("_thumbnail_id").strip()
    if not thumb:
        return None
    a = attachments.get(int(thumb)) if thumb.isdigit() else None
    if a is None:
        run.note(item, f"featured image {thumb} is not in the export; the article has no image")
        return None
    src = run.media.src(a.attachment_url or a.guid)
    if not src.startswith(("https://", "http://", "images/")):
        run.note(item, f"featured image {a.id} has no usable URL ({src!r}); the article has no image")
        return None
    alt = _plain(a.meta_value("_wp_attachment_image_alt"))
    if not alt:
        alt = _plain(a.title) or _plain(item.title)
        run.note(item, f"featured image {a.id} has no alt text; used {alt!r}")
    caption, credit = _credit(_plain(a.excerpt), _plain(a.content))
    run.counts["featured images"] += 1
    image = {"src": src, "alt": alt}
    if caption:
        image["caption"] = caption
    if credit:
        image["credit"] = credit
    return image


def _counts(run: _Run) -> tuple[tuple[str, str], ...]:
    c = run.counts
    media = run.media
    posts = (
        f"{c['posts in the export']} in the export: {c['posts']} imported ({c['published']} published, "
        f"{c['drafts']} drafts, {c['scheduled']} scheduled), {c['posts skipped']} skipped"
    )
    copied = len(media.copies)
    return (
        ("posts", posts),
        ("pages", f"{c['pages in the export']} in the export: {c['pages']} imported, {c['pages skipped']} skipped"),
        ("authors", f"{c['authors']} ({c['guest authors']} guest authors)"),
        ("sections", str(c["sections"])),
        ("tags", str(c["tags"])),
        ("featured images", f"{c['featured images']} of {c['attachments']} attachments"),
        ("images", f"{copied} copied to content/images, {len(media.remote)} left at their URLs"),
        ("old URLs", f"{c['aliases']} aliases (permalinks, old slugs, ?p= links)"),
        ("comments", f"{c['comments']} not imported (magsite has no comments)"),
        ("other items", f"{c['other items']} skipped"),
    )


def report_lines(report: Report) -> list[str]:
    """The report as printed at the end of an import."""
    lines = [f"Imported into {report.site}:"]
    width = max(len(k) for k, _ in report.counts)
    lines += [f"  {kind:<{width}}  {text}" for kind, text in report.counts]
    lines.append("  files" + " " * (width - 3) + ", ".join(f"{n} {status}" for status, n in report.files))
    for title, problems in (
        ("Skipped", report.skipped),
        ("Not converted", report.notes),
        ("Not overwritten", report.kept),
        ("Problems in imported files (please report this as a bug)", report.problems),
    ):
        if problems:
            lines.append(f"{title} ({len(problems)}):")
            lines += [f"  {p.format()}" for p in problems]
    return lines
