"""Typed records of a site's content, as read from disk and before they are linked together."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Image:
    """A hero image: a site-relative path under images/ or an https URL, with its credit line."""

    src: str
    alt: str
    caption: str = ""
    credit: str = ""
    focus: tuple[float, float] = (0.5, 0.5)  # focal point for crops, as fractions of width and height

    @property
    def remote(self) -> bool:
        return self.src.startswith(("https://", "http://"))


@dataclass(frozen=True)
class Correction:
    """A dated correction note shown at the top of an article (plain text, never HTML)."""

    date: datetime
    text: str


@dataclass(frozen=True)
class Article:
    source: str  # site-relative path of the Markdown file, e.g. content/articles/2023/05/x.md
    title: str
    authors: tuple[str, ...]  # author ids, first is the lead author
    section: str  # section id
    date: datetime  # timezone-aware
    body: str  # Markdown ("" in a cached copy: read from the file when it is needed)
    body_line: int  # file line where the body starts
    slug: str
    dek: str = ""
    updated: datetime | None = None
    tags: tuple[str, ...] = ()
    image: Image | None = None
    summary: str = ""
    draft: bool = False
    featured: bool = False
    aliases: tuple[str, ...] = ()
    expires: datetime | None = None  # taken down from this moment on
    corrections: tuple[Correction, ...] = ()  # oldest first
    extra: dict[str, Any] = field(default_factory=dict)  # unknown front-matter keys, for themes
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)  # key -> file line
    digest: str = ""  # hash of the file's bytes, for incremental builds
    words: int = 0  # in the body, for reading time
    md_links: bool = False  # the body links to other Markdown files, so depends on their URLs

    @property
    def modified(self) -> datetime:
        return self.updated or self.date


@dataclass(frozen=True)
class Author:
    id: str
    source: str
    name: str
    bio: str = ""  # Markdown
    role: str = ""
    twitter: str = ""  # handle without @
    email: str = ""
    avatar: str = ""  # site-relative image path or https URL
    extra: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    digest: str = ""


@dataclass(frozen=True)
class Section:
    id: str
    source: str
    title: str
    description: str = ""
    intro: str = ""  # Markdown
    order: int = 100
    nav: bool = True
    extra: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    digest: str = ""


@dataclass(frozen=True)
class Page:
    slug: str
    source: str
    title: str
    body: str  # Markdown
    description: str = ""
    updated: datetime | None = None  # last edit, for the sitemap's lastmod
    extra: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    digest: str = ""


@dataclass(frozen=True)
class Content:
    """Everything load() read from a site's content folder."""

    articles: tuple[Article, ...]
    authors: dict[str, Author]
    sections: dict[str, Section]
    pages: tuple[Page, ...]
    images: tuple[str, ...]  # site-relative paths of every file under content/images
