"""`magsite init` and `magsite new`: write a new site or a new content file, never overwriting one."""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from magsite import __version__
from magsite.config import CONFIG_FILE, load_config, parse_config
from magsite.errors import ContentError, Problem, raise_if_errors
from magsite.urls import is_slug, slugify

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",  # no inline scripts; WebAssembly for the search index
        "style-src 'self'",
        "img-src 'self' https: data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self' https:",
        "frame-src https://www.youtube-nocookie.com https://www.youtube.com https://player.vimeo.com",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

NETLIFY_TOML = """\
# Deploy settings for Netlify: how to build, what to publish, and the headers every response carries.
[build]
  command = "{command}"
  publish = "output"

[build.environment]
  PYTHON_VERSION = "3.12"

# Security headers on every path. The theme and the search page need no inline script; widen
# script-src / frame-src here if ad snippets or embeds load code from elsewhere.
[[headers]]
  for = "/*"
  [headers.values]
    Content-Security-Policy = "{csp}"
    X-Content-Type-Options = "nosniff"
    X-Frame-Options = "DENY"
    Referrer-Policy = "strict-origin-when-cross-origin"
    Permissions-Policy = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    Strict-Transport-Security = "max-age=63072000; includeSubDomains"

# Theme CSS and JS carry a content hash in their names (main.1a2b3c4d5e.css): cache them for a year.
# HTML keeps Netlify's default (public, max-age=0, must-revalidate); no Cache-Control rule overlaps another.
[[headers]]
  for = "/static/*.css"
  [headers.values]
    Cache-Control = "public, max-age=31536000, immutable"

[[headers]]
  for = "/static/*.js"
  [headers.values]
    Cache-Control = "public, max-age=31536000, immutable"

# Feeds: readers poll often, so a short cache.
[[headers]]
  for = "/*/feed.xml"
  [headers.values]
    Cache-Control = "public, max-age=300, must-revalidate"

[[headers]]
  for = "/*/atom.xml"
  [headers.values]
    Cache-Control = "public, max-age=300, must-revalidate"

[[headers]]
  for = "/feed.json"
  [headers.values]
    Cache-Control = "public, max-age=300, must-revalidate"

# Old URLs and expired articles are in output/_redirects, written by every build. Anything else: the 404 page.
[[redirects]]
  from = "/*"
  to = "/404.html"
  status = 404
"""

GITIGNORE = """\
/output/
/.output.staging/
/.output.old/
/.magsite-cache/
/.venv/
__pycache__/
"""


def yaml_text(value: str) -> str:
    """A string as a double-quoted YAML scalar (JSON strings are valid YAML), so ':' or '#' stay text."""
    return json.dumps(value, ensure_ascii=False)


def _write_new(site_dir: Path, files: dict[str, str]) -> list[str]:
    """Write files that must not exist yet; if any exists, write none and say which."""
    existing = [rel for rel in files if (site_dir / rel).exists()]
    if existing:
        raise ContentError(
            Problem(rel, None, "already exists; magsite never overwrites it", "choose another name or delete it first")
            for rel in existing
        )
    for rel, text in files.items():
        path = site_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


def _ids(site_dir: Path, folder: str) -> list[str]:
    root = site_dir / "content" / folder
    return sorted(p.stem for p in root.glob("*.md")) if root.is_dir() else []


def _check_id(value: str, kind: str) -> None:
    if not is_slug(value):
        raise ContentError(
            [
                Problem(
                    f"content/{kind}s/{value}.md",
                    None,
                    f"{kind} id {value!r} must be lowercase letters, digits and '-'",
                    f"e.g. '{slugify(value) or kind}'",
                )
            ]
        )


def _known(site_dir: Path, folder: str, kind: str, wanted: Sequence[str]) -> list[Problem]:
    known = _ids(site_dir, folder)
    problems = []
    for value in wanted:
        if value not in known:
            close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"add it with 'magsite new {kind} {value}'"
            problems.append(Problem(f"content/{folder}", None, f"unknown {kind} '{value}'", hint))
    return problems


def article_file(
    title: str,
    section: str,
    authors: Sequence[str],
    tags: Sequence[str],
    date: datetime,
    *,
    dek: str = "",
    draft: bool = True,
    body: str = "Write the article here in Markdown. Sub-heads start with `## `.\n",
) -> str:
    """An article with every front-matter key, the optional ones as comments to fill in."""
    author = authors[0] if len(authors) == 1 else "[" + ", ".join(authors) + "]"  # ids are slugs: plain YAML
    return f"""\
---
title: {yaml_text(title)}
dek: {yaml_text(dek)}
author: {author}
section: {section}
date: {date.isoformat()}
tags: [{", ".join(map(yaml_text, tags))}]
# image:
#   src: images/{date:%Y}/photo.jpg
#   alt: What the photo shows
#   caption: ""
#   credit: ""
# expires: {date.replace(year=date.year + 1).isoformat()}
# corrections:
#   - {{date: {date.date().isoformat()}, text: "An earlier version of this article misstated ..."}}
draft: {"true" if draft else "false"}
---
{body}"""


def author_file(name: str, ident: str) -> str:
    return f"""\
---
name: {yaml_text(name)}
role: ""
twitter: ""
email: ""
# avatar: images/authors/{ident}.jpg
---
{name} writes for us. Replace this line with a short bio in Markdown.
"""


def section_file(title: str, order: int) -> str:
    return f"""\
---
title: {yaml_text(title)}
description: ""
order: {order}
nav: true
---
"""


def new_article(
    site_dir: Path,
    title: str,
    *,
    section: str,
    authors: Sequence[str],
    tags: Sequence[str] = (),
    slug: str | None = None,
    now: datetime,
) -> str:
    """Write content/articles/YYYY/MM/<slug>.md as a draft dated `now` in the site's timezone."""
    config = load_config(site_dir)
    slug = slug or slugify(title)
    problems = _known(site_dir, "sections", "section", [section]) + _known(site_dir, "authors", "author", authors)
    if not title.strip():
        problems.append(Problem("content/articles", None, "the title is empty"))
    elif not is_slug(slug):
        problems.append(Problem("content/articles", None, f"slug {slug!r} must be lowercase letters, digits and '-'"))
    else:
        clash = sorted((site_dir / "content/articles").rglob(f"{slug}.md"))
        if clash:
            rel = clash[0].relative_to(site_dir).as_posix()
            problems.append(Problem(rel, None, f"an article with the slug '{slug}' already exists", "pass --slug"))
    if problems:
        raise ContentError(problems)
    local = (
        (now if now.tzinfo else now.replace(tzinfo=config.tz)).astimezone(config.tz).replace(second=0, microsecond=0)
    )
    rel = f"content/articles/{local:%Y/%m}/{slug}.md"
    return _write_new(site_dir, {rel: article_file(title, section, authors, tags, local)})[0]


def new_author(site_dir: Path, ident: str, name: str | None = None) -> str:
    """Write content/authors/<id>.md with every author key; the body is the bio."""
    _check_id(ident, "author")
    text = author_file(name or ident.replace("-", " ").title(), ident)
    return _write_new(site_dir, {f"content/authors/{ident}.md": text})[0]


def new_section(site_dir: Path, ident: str, title: str | None = None) -> str:
    """Write content/sections/<id>.md; the body is the section's introduction."""
    _check_id(ident, "section")
    text = section_file(title or ident.replace("-", " ").title(), len(_ids(site_dir, "sections")) + 1)
    return _write_new(site_dir, {f"content/sections/{ident}.md": text})[0]


def init_site(target: Path, *, title: str, base_url: str, timezone: str, now: datetime) -> list[str]:
    """Write a complete small site into `target` that builds at once with the built-in default theme.

    The settings are validated first and every file is checked for before any is written.
    """
    if (target / CONFIG_FILE).exists():
        raise ContentError([Problem(CONFIG_FILE, None, f"{target} already holds a site", "pick an empty folder")])
    config_text = f"""\
# Site configuration: only title and base_url are required. The README lists every key.
title: {yaml_text(title)}
tagline: "Military, defense and national-security news and analysis"
base_url: {yaml_text(base_url)}
language: en
timezone: {yaml_text(timezone)}
theme: default
per_page: 20
"""
    config, problems = parse_config(config_text)
    raise_if_errors(problems)
    assert config is not None
    local = now.astimezone(config.tz).replace(second=0, microsecond=0)
    welcome = (
        "This is the first article of the site, written by `magsite init`.\n\n"
        "## Writing an article\n\n"
        'Run `magsite new article "Title" --section news --author editor`, edit the file it names, '
        "set `draft: false`, then `magsite check` and `magsite build`.\n"
    )
    files = {
        CONFIG_FILE: config_text,
        "netlify.toml": NETLIFY_TOML.format(command="pip install -r requirements.txt && magsite build", csp=CSP),
        "requirements.txt": f"# The magsite that builds this site; Netlify installs it.\nmagsite=={__version__}\n",
        ".gitignore": GITIGNORE,
        "content/sections/news.md": section_file("News", 1),
        "content/authors/editor.md": author_file("The Editors", "editor"),
        "content/pages/about.md": f"---\ntitle: About\n---\n{config.title} covers defense and national security.\n",
        f"content/articles/{local:%Y/%m}/welcome.md": article_file(
            f"Welcome to {config.title}",
            "news",
            ["editor"],
            ["Announcements"],
            local,
            dek="What this magazine covers, and how to write for it.",
            draft=False,
            body=welcome,
        ),
    }
    target.mkdir(parents=True, exist_ok=True)
    return _write_new(target, files)
