"""Rendered Markdown of every post, page, author bio and section intro, made on first use.

Looked up in memory, then in the build cache, then rendered; a missing, broken or outside image, or
one without alt text, is a problem of the document that has it. Local images become <picture>s on
the way out, so the cached HTML does not depend on the processed images.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from magsite.cache import BuildCache, digest
from magsite.errors import Problem
from magsite.frontmatter import read_body
from magsite.images import Images
from magsite.markdown import MAX_NESTING, LinkContext, render_markdown
from magsite.model import Site, page_link
from magsite.picture import with_pictures

IMAGES_HINT = "images live in content/images/ and are written as images/<name>"


@dataclass(slots=True)
class Document:
    source: str
    text: str | None  # None: not kept in the cache; read from the file when needed
    first_line: int
    key: str  # cache key: covers the text and everything its links resolve against


@dataclass
class Bodies:
    site: Site
    cache: BuildCache
    site_dir: Path
    pictures: Images = field(default_factory=lambda: Images({}))  # processed images, for <picture>s
    documents: dict[str, Document] = field(default_factory=dict)
    html: dict[str, str] = field(default_factory=dict)
    images: dict[str, tuple[str, ...]] = field(default_factory=dict)  # source -> local images it shows
    problems: dict[str, list[Problem]] = field(default_factory=dict)
    fresh: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)  # to store in the cache
    md_urls: dict[str, str] = field(default_factory=dict)
    last: tuple[str, str] = ("", "")  # the article rendered last: articles are not all kept in memory

    def __post_init__(self) -> None:
        site = self.site
        self.md_urls = {p.article.source: p.url for p in site.posts} | {pg.source: page_link(pg) for pg in site.pages}
        links = digest(*(f"{k}={v}" for k, v in sorted(self.md_urls.items())))
        salt = digest(site.config.base_path, links)
        a = [p.article for p in site.posts]
        docs = [(x.source, x.body or None, x.body_line, x.digest, x.md_links) for x in a]
        docs += [(pg.source, pg.body, 1, pg.digest, ".md" in pg.body) for pg in site.pages]
        docs += [(au.source, au.bio, 1, au.digest, ".md" in au.bio) for au in site.authors.values()]
        docs += [(se.source, se.intro, 1, se.digest, ".md" in se.intro) for se in site.sections]
        for source, text, line, file_digest, md_links in docs:
            # only documents with .md links depend on other files' URLs
            key = digest(source, file_digest, salt if md_links else site.config.base_path)
            self.documents[source] = Document(source, text, line, key)

    def __getitem__(self, source: str) -> str:
        html = self.html.get(source)
        if html is None:
            if self.last[0] == source:  # an article page asks for its summary, then its body
                return self.last[1]
            html = self._load(source)
            self.last = (source, html)
        return html

    def text(self, source: str) -> str:
        doc = self.documents[source]
        if doc.text is None:
            doc.text = read_body(self.site_dir / source)
        return doc.text

    def _load(self, source: str) -> str:
        doc = self.documents[source]
        hit = self.cache.get_html(doc.key)
        found: list[Problem] = []
        if hit is not None:
            html, images = hit
        else:
            ctx = LinkContext(source, self.site.config.base_path, self.md_urls)
            html = render_markdown(self.text(source), ctx)
            images = tuple(dict.fromkeys(i.src for i in ctx.images))
            for image in ctx.images:
                if image.alt is not None and not image.alt.strip():
                    hint = f"describe it for readers who cannot see it: ![what it shows]({image.src})"
                    found.append(self._problem(source, image.src, f"image {image.src!r} has no alt text", hint))
            if ctx.too_deep is not None:
                message = f"lists or quotes nested more than {MAX_NESTING} levels deep; the text inside would be lost"
                found.append(Problem(source, doc.first_line + ctx.too_deep, message))
            if not found:  # else rendered again next time, to report the problem again
                self.fresh.append((doc.key, html, images))
        for src in images:
            if src == ".." or src.startswith("../"):
                found.append(self._problem(source, src, f"image {src!r} is outside the site folder", IMAGES_HINT))
            elif src not in self.site.images:
                found.append(self._problem(source, src, f"image {src!r} not found in content/", IMAGES_HINT))
            elif (processed := self.pictures.get(src)) and processed.error:
                found.append(self._problem(source, src, f"image {src!r} {processed.error}"))
        if found:
            self.problems[source] = found
        if images:
            html = with_pictures(html, self.pictures, self.site.config.base_path)
        if not source.startswith("content/articles/"):  # bios, intros and pages are shown many times
            self.html[source] = html
        self.images[source] = images
        return html

    def _problem(self, source: str, src: str, message: str, hint: str | None = None) -> Problem:
        text = self.text(source)
        return Problem(
            source, self.documents[source].first_line + text.count("\n", 0, max(text.find(src), 0)), message, hint
        )

    def cached_images(self, source: str) -> tuple[str, ...] | None:
        """The local images a document showed when it was last rendered, without rendering it."""
        if source in self.images:
            return self.images[source]
        return self.cache.get_images(self.documents[source].key)

    def shown(self) -> dict[str, tuple[str, ...]]:
        """Markdown key -> local images, for every document whose images are known, to keep for next time."""
        known = {}
        for source, doc in self.documents.items():
            images = self.cached_images(source)
            if images is not None:
                known[doc.key] = images
        return known

    def check_all(self) -> list[Problem]:
        """Render (or look up) every document, so a failing build reports every problem at once."""
        for source in self.documents:
            self[source]
        return self.all_problems()

    def all_problems(self) -> list[Problem]:
        return [p for found in self.problems.values() for p in found]

    def save(self) -> None:
        """Store what was rendered in this process in the build cache."""
        self.cache.put_html(self.fresh)
        self.fresh = []
