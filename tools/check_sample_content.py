#!/usr/bin/env python3
"""Sanity-check the sample content in ``content/`` independently of magsite.

Checks that every front matter block parses with ``yaml.safe_load``, that
required keys are present, that author and section ids resolve, that every
referenced image exists, that internal links point at real articles or pages,
and prints counts (sections, authors, articles, pages, images, image bytes)
plus tag, section and author distributions.

Usage: .venv/bin/python tools/check_sample_content.py   (exit code 1 on problems)
"""
from __future__ import annotations

import collections
import datetime as dt
import re
import sys
from pathlib import Path

import yaml
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
NOW = dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc)   # "today" for the sample site

problems: list[str] = []


def fail(path: Path, msg: str) -> None:
    problems.append(f"{path.relative_to(ROOT)}: {msg}")


def split(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        fail(path, "no front matter")
        return {}, text
    try:
        fm_text, body = text[4:].split("\n---\n", 1)
    except ValueError:
        fail(path, "unterminated front matter")
        return {}, text
    try:
        fm = yaml.safe_load(fm_text) or {}
    except yaml.YAMLError as exc:
        fail(path, f"YAML error: {exc}")
        return {}, body
    if not isinstance(fm, dict):
        fail(path, "front matter is not a mapping")
        return {}, body
    return fm, body


def as_datetime(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?", value):
        return dt.datetime.fromisoformat(value.replace(" ", "T")).replace(tzinfo=dt.timezone.utc)
    return None


def image_exists(path: Path, src: str) -> None:
    if src.startswith("https://"):
        return
    if not (CONTENT / src).is_file():
        fail(path, f"missing image {src}")


def main() -> int:
    sections = {p.stem: split(p) for p in sorted((CONTENT / "sections").glob("*.md"))}
    authors = {p.stem: split(p) for p in sorted((CONTENT / "authors").glob("*.md"))}
    pages = {p.stem: split(p) for p in sorted((CONTENT / "pages").glob("*.md"))}
    article_paths = sorted((CONTENT / "articles").rglob("*.md"))

    for sid, (fm, _) in sections.items():
        if "title" not in fm:
            fail(CONTENT / "sections" / f"{sid}.md", "section without title")
    for aid, (fm, _) in authors.items():
        p = CONTENT / "authors" / f"{aid}.md"
        if "name" not in fm:
            fail(p, "author without name")
        if fm.get("avatar"):
            image_exists(p, fm["avatar"])
    for pid, (fm, _) in pages.items():
        if "title" not in fm:
            fail(CONTENT / "pages" / f"{pid}.md", "page without title")

    articles = []
    urls: dict[str, Path] = {}
    for p in article_paths:
        fm, body = split(p)
        for key in ("title", "author", "section", "date", "dek"):
            if key not in fm:
                fail(p, f"missing {key}")
        ids = fm.get("author")
        ids = ids if isinstance(ids, list) else [ids]
        for a in ids:
            if a not in authors:
                fail(p, f"unknown author {a!r}")
        if fm.get("section") not in sections:
            fail(p, f"unknown section {fm.get('section')!r}")
        when = as_datetime(fm.get("date"))
        if when is None:
            fail(p, f"unparseable date {fm.get('date')!r}")
        if "updated" in fm:
            upd = as_datetime(fm["updated"])
            if upd is None or (when and upd <= when):
                fail(p, "updated is not later than date")
        if not isinstance(fm.get("tags", []), list):
            fail(p, "tags is not a list")
        img = fm.get("image")
        if img:
            if not img.get("alt"):
                fail(p, "image without alt")
            image_exists(p, img["src"])
        for alt, src in re.findall(r"!\[([^\]]*)\]\(([^)\s]+)", body):
            if not alt:
                fail(p, f"inline image without alt: {src}")
            image_exists(p, src)
        slug = fm.get("slug", p.stem)
        url = f"/{fm.get('section')}/{slug}/"
        if url in urls:
            fail(p, f"URL {url} also used by {urls[url]}")
        urls[url] = p
        words = len(re.findall(r"\w+", body))
        articles.append(dict(path=p, fm=fm, body=body, when=when, url=url, words=words))

    published = {a["url"] for a in articles
                 if not a["fm"].get("draft") and a["when"] and a["when"] <= NOW}
    page_urls = {f"/{pid}/" for pid in pages} | {f"/author/{aid}/" for aid in authors} \
        | {f"/{sid}/" for sid in sections}
    for a in articles:
        for target in re.findall(r"\]\((/[^)\s#]*)\)", a["body"]):
            if target not in published and target not in page_urls:
                fail(a["path"], f"internal link to unknown or unpublished URL {target}")
    for pid, (_, body) in pages.items():
        for target in re.findall(r"\]\((/[^)\s#]*)\)", body):
            if target not in published and target not in page_urls:
                fail(CONTENT / "pages" / f"{pid}.md", f"link to unknown URL {target}")

    # images: metadata and sizes
    images = sorted(p for p in (CONTENT / "images").rglob("*") if p.is_file())
    total = 0
    for p in images:
        n = p.stat().st_size
        total += n
        with Image.open(p) as im:
            if "exif" in im.info or im.getexif():
                fail(p, "image carries EXIF data")
            limit = 15_000 if "authors/" in p.as_posix() else 60_000
            if n > limit:
                fail(p, f"image is {n} bytes (limit {limit})")

    # report
    pub = [a for a in articles if a["url"] in published]
    print(f"sections: {len(sections)}  authors: {len(authors)}  articles: {len(articles)} "
          f"({len(pub)} published, {sum(1 for a in articles if a['fm'].get('draft'))} draft, "
          f"{sum(1 for a in articles if a['when'] and a['when'] > NOW)} future)  pages: {len(pages)}")
    print(f"images: {len(images)}  total image bytes: {total} ({total / 1024:.1f} KB)")
    per_section = collections.Counter(a["fm"]["section"] for a in pub)
    per_author = collections.Counter(x for a in pub for x in
                                     (a["fm"]["author"] if isinstance(a["fm"]["author"], list) else [a["fm"]["author"]]))
    tags = collections.Counter(t for a in articles for t in a["fm"].get("tags", []))
    print("published per section:", dict(sorted(per_section.items())))
    print("published per author: ", dict(sorted(per_author.items())))
    print(f"tags ({len(tags)}):", ", ".join(f"{t} {n}" for t, n in tags.most_common()))
    print("words: min {} / median {} / max {}".format(
        min(a["words"] for a in articles), sorted(a["words"] for a in articles)[len(articles) // 2],
        max(a["words"] for a in articles)))
    for sid in sections:
        if per_section[sid] < 3:
            problems.append(f"section {sid} has fewer than 3 published articles")
    for aid in authors:
        if per_author[aid] < 2:
            problems.append(f"author {aid} has fewer than 2 published articles")

    if problems:
        print(f"\n{len(problems)} problem(s):")
        for msg in problems:
            print("  " + msg)
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
