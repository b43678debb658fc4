"""`magsite check`: everything build validates, plus dead internal links, missing alt text and thin author
pages; writes nothing."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it.token import Token

from magsite.build import BuildOptions, build
from magsite.errors import ContentError, Problem
from magsite.frontmatter import read_body
from magsite.markdown import parser
from magsite.model import Site, page_link

_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ALT = re.compile(r"\salt\s*=", re.I)


def check(site_dir: Path, options: BuildOptions) -> list[Problem]:
    """Every problem of the site, errors and warnings, sorted by file and line."""
    try:
        result = build(site_dir, replace(options, write=False))
    except ContentError as err:
        return err.problems
    assert result.site is not None
    problems = list(result.warnings)
    problems += _markdown_problems(site_dir, result.site, served_urls(result.paths))
    problems += _author_problems(result.site)
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))


def served_urls(paths: tuple[str, ...]) -> set[str]:
    """Every URL the output answers: '/x/index.html' is also '/x/' (and '/x', which hosts redirect to '/x/')."""
    urls = set()
    for path in paths:
        urls.add("/" + path)
        if path == "index.html" or path.endswith("/index.html"):
            folder = "/" + path.removesuffix("index.html")
            urls.update((folder, folder.rstrip("/")))
    return urls


def _documents(site_dir: Path, site: Site) -> Iterator[tuple[str, str, int]]:
    """(source, Markdown, line of its first body line) for every rendered Markdown text."""
    for post in site.posts:
        body = post.article.body or read_body(site_dir / post.article.source)  # records keep no bodies
        yield post.article.source, body, post.article.body_line
    for page in site.pages:
        yield page.source, page.body, 1
    for author in site.authors.values():
        yield author.source, author.bio, 1
    for section in site.sections:
        yield section.source, section.intro, 1


def _markdown_problems(site_dir: Path, site: Site, served: set[str]) -> list[Problem]:
    md_urls = {p.article.source: p.url for p in site.posts} | {pg.source: page_link(pg) for pg in site.pages}
    gone = set(site.gone)
    problems: list[Problem] = []
    for source, text, first_line in _documents(site_dir, site):
        lines = text.split("\n")
        for token, child in _walk(parser().parse(text, {})):
            line = _line_of(token, child, lines) + first_line
            if child is not None and child.type == "link_open":  # Markdown images without alt stop the build
                href = str(child.attrGet("href") or "")
                found = _dead_link(site_dir, source, href, served, md_urls, gone)
                if found:
                    problems.append(Problem(source, line, *found))
            html = child.content if child is not None and child.type == "html_inline" else token.content
            if (child is None and token.type == "html_block") or (child is not None and child.type == "html_inline"):
                for tag in _IMG.findall(html):
                    if not _ALT.search(tag):
                        problems.append(Problem(source, line, "<img> has no alt attribute", 'add alt="..."'))
    return problems


def _walk(tokens: list[Token]) -> Iterator[tuple[Token, Token | None]]:
    for token in tokens:
        if token.type == "html_block":
            yield token, None
        for child in token.children or ():
            yield token, child


def _line_of(token: Token, child: Token | None, lines: list[str]) -> int:
    """0-based body line of a link or image: the line of its block holding its target, else the block's first."""
    if not token.map:
        return 0
    start, end = token.map
    needle = str(child.attrGet("href") or child.attrGet("src") or "") if child is not None else ""
    if needle:
        for number in range(start, min(end, len(lines))):
            if needle in lines[number]:
                return number
    return start


def _dead_link(
    site_dir: Path, source: str, href: str, served: set[str], md_urls: dict[str, str], gone: set[str]
) -> tuple[str, str | None, bool] | None:
    """(message, hint, is warning) when an internal link leads nowhere; None when it is fine or external."""
    if not href or href.startswith(("#", "//")) or urlsplit(href).scheme:
        return None
    path = unquote(href.split("#", 1)[0].split("?", 1)[0])
    if href.startswith("/"):
        if path in gone or path + "/" in gone:
            return f"link to {path} leads to an expired article", "link elsewhere or remove the link", True
        if path not in served:
            return f"link to {path} leads nowhere: no page has that URL", None, False
        return None
    if path.endswith(".md"):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        if target in md_urls:
            return None
        if (site_dir / target).is_file():
            return f"link to {target}, which is not published (a draft, scheduled or expired)", None, False
        return f"link to {target} leads nowhere: no such file", "links to articles are relative to this file", False
    return None


def _author_problems(site: Site) -> list[Problem]:
    problems = []
    for author in site.authors.values():
        count = len(site.author_lists[author.id].posts)
        if count == 0:
            problems.append(
                Problem(author.source, None, f"author '{author.id}' has no published articles", warning=True)
            )
        elif not author.bio.strip():
            problems.append(
                Problem(
                    author.source,
                    None,
                    f"author '{author.id}' has no bio, so {count} article(s) show an empty 'Written By' box",
                    "write the bio below the front matter",
                    warning=True,
                )
            )
    return problems
