"""What each page shows, as a comparable key, so a preview rebuild re-renders only pages whose inputs changed.

A page is re-rendered when its own key or the shared key (config, theme files, navigation) differs from the
previous build's. Keys mirror the context render.py passes to each template; a template that reads parts of
`site` that no key covers turns skipping off, so a preview is never staler than a cold build.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from magsite.model import Listing, Post, Site, page_link
from magsite.theme import Theme
from magsite.urls import output_path

# `site.<name>` reads each template may make that the keys below cover
_COVERED = {"nav_sections"}
_COVERED_ON_HOME = _COVERED | {"hero", "sections", "section_lists"}
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_SITE_READ = re.compile(r"\bsite\b(?:\s*\.\s*(\w+))?")
_PAGES_READ = re.compile(r"\bpages\s*\[[^\]]*\]\s*\.\s*(\w+)")


def post_key(post: Post) -> tuple[object, ...]:
    """Everything of a post a page can show: the record, URL, linked author, section and tag records, flags."""
    return (post.article, post.url, post.authors, post.section, post.tags, post.draft, post.future)


def shared_key(site: Site, theme: Theme) -> object | None:
    """Inputs every page shows, or None when a template reads more of the site than the page keys cover."""
    digest = hashlib.sha256()
    for i, folder in enumerate(theme.template_dirs):
        for file in sorted(folder.rglob("*")):
            if not file.is_file():
                continue
            rel = file.relative_to(folder).as_posix()
            data = file.read_bytes()
            if not _covered(rel, data.decode("utf-8", "replace")):
                return None
            digest.update(f"{i}\0{rel}\0{len(data)}\0".encode() + data)
    for rel, file in theme.static_files().items():
        digest.update(f"{rel}\0{file.stat().st_size}\0".encode() + file.read_bytes())
    footer_pages = tuple((p.slug, p.title) for p in site.pages)
    return (site.config, site.nav_sections, footer_pages, digest.digest())


def _covered(rel: str, source: str) -> bool:
    allowed = _COVERED_ON_HOME if rel == "home.html" else _COVERED
    for tag in _JINJA.findall(source):
        if any(m.group(1) not in allowed for m in _SITE_READ.finditer(tag)):
            return False
        if any(name != "title" for name in _PAGES_READ.findall(tag)):
            return False
    return True


def page_keys(site: Site, bodies: dict[str, str]) -> dict[str, object]:
    """Output path -> key of every page render.py renders through a template; other outputs are always made."""
    memo: dict[int, tuple[object, ...]] = {}

    def card(post: Post | None) -> tuple[object, ...] | None:
        if post is None:
            return None
        key = memo.get(id(post))
        if key is None:
            key = memo[id(post)] = post_key(post)
        return key

    keys: dict[str, object] = {}
    blocks = tuple(
        (s, tuple(card(p) for p in site.section_lists[s.id].posts[:3])) for s in site.sections
    )  # the front page's block per section
    for path, key in _listing_keys(site.home, card):
        keys[path] = (key, card(site.hero), blocks) if key[3] == 1 else key
    for section in site.sections:
        extra = (section, bodies[section.source])
        keys.update((p, (k, extra)) for p, k in _listing_keys(site.section_lists[section.id], card))
    for author in site.authors.values():
        extra = (author, bodies[author.source])
        keys.update((p, (k, extra)) for p, k in _listing_keys(site.author_lists[author.id], card))
    for tag in site.tags:
        keys.update((p, (k, tag)) for p, k in _listing_keys(site.tag_lists[tag.slug], card))
    for post in site.posts:
        older, newer = site.neighbours[post.url]
        keys[output_path(post.url)] = (
            "article",
            card(post),
            bodies[post.article.source],
            tuple(bodies[a.source] for a in post.authors),
            tuple(card(p) for p in site.related[post.url]),
            card(older),
            card(newer),
        )
    for standalone in site.pages:
        keys[output_path(page_link(standalone))] = ("page", standalone, bodies[standalone.source])
    keys["404.html"] = ("notfound", tuple(card(p) for p in site.posts[:6]))
    for alias, target in site.aliases.items():
        keys[output_path(alias)] = ("redirect", alias, target)
    return keys


def _listing_keys(listing: Listing, card: object) -> Iterator[tuple[str, tuple[object, ...]]]:
    count = listing.page_count
    for number in range(1, count + 1):
        posts = tuple(card(p) for p in listing.page(number))  # type: ignore[operator]
        yield output_path(listing.page_url(number)), (listing.kind, listing.key, listing.title, number, count, posts)
