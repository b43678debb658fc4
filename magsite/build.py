"""build(): the whole pipeline, config -> load -> model -> images -> render -> write, each stage timed."""

from __future__ import annotations

import gc
import multiprocessing
import os
import posixpath
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from magsite import __version__
from magsite.cache import digest, input_stats, load_state, open_cache, output_id, user_key
from magsite.config import load_config
from magsite.errors import ContentError, Problem
from magsite.schedule import Change, next_change
from magsite.theme import find_theme

if TYPE_CHECKING:
    from magsite.model import Site

OUTPUT_KEY = "\x00output"  # manifest entry naming the folder the fingerprints describe
STAGES = ("config", "load", "model", "images", "render", "write", "search")
FEED_FILES = ("feed.xml", "atom.xml", "feed.json")
IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".svg")


@dataclass(frozen=True, slots=True)
class BuildOptions:
    drafts: bool = False  # include articles with draft: true
    future: bool = False  # include articles dated after `now`
    now: datetime | None = None  # fixed "now" for reproducible builds (naive: site timezone); default: the clock
    output: Path | None = None  # default: <site>/output
    cache: bool = True  # reuse the last build's work from <site>/.magsite-cache
    workers: int = 0  # processes for heavy stages; 0: one per core
    image_cache: Path | None = None  # processed images; default: <site>/.magsite-cache/images
    write: bool = True  # False: validate everything, list the outputs, write nothing (magsite check)


@dataclass(frozen=True, slots=True)
class StageDone:
    """Reported after each stage, so a front end can show progress on long builds."""

    name: str
    number: int  # 1-based position among `total` stages
    total: int
    seconds: float
    detail: str  # counts, e.g. "120 articles, 4 images"
    next: str | None  # the stage now running, if any


@dataclass
class BuildResult:
    output: Path
    files: int
    written: int  # files rendered or copied by this build; the others were unchanged
    pages: dict[str, int]  # page kind -> count
    warnings: list[Problem]
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # pages, feeds, images among the outputs
    next_change: Change | None = None  # when the site would next change by itself
    site: Site | None = None
    paths: tuple[str, ...] = ()  # every output path, relative to the output folder


def build(
    site_dir: Path, options: BuildOptions = BuildOptions(), progress: Callable[[StageDone], None] | None = None
) -> BuildResult:
    """Build the site in site_dir into its output folder.

    Stages: config, load, model, images, render, write, search (Pagefind indexes the written pages when they
    changed). Any content problem raises ContentError listing all of them, before the output folder is
    touched, so the previous output stays as it was.
    """
    if gc.get_freeze_count():  # a previous build in this process (magsite serve): let its garbage go first
        gc.unfreeze()
        gc.collect()
    collecting = gc.isenabled()
    gc.disable()  # a build makes a few big object graphs and frees them at the end: cycle scans only cost
    try:
        return _build(site_dir, options, progress)
    finally:
        gc.freeze()  # else the next collection scans the million objects the build made (0.2 s at 10,000)
        if collecting:
            gc.enable()


def _build(site_dir: Path, options: BuildOptions, progress: Callable[[StageDone], None] | None) -> BuildResult:
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def stage(name: str, detail: str = "") -> None:
        nonlocal started
        now = time.perf_counter()
        timings[name] = now - started
        started = now
        if progress:
            number = STAGES.index(name) + 1 if name in STAGES else len(timings)
            upcoming = STAGES[number] if number < len(STAGES) and options.write else None
            progress(StageDone(name, number, len(STAGES), timings[name], detail, upcoming))

    workers = options.workers or os.cpu_count() or 1
    config = load_config(site_dir)
    theme = find_theme(site_dir, config.theme)
    salt = digest(__version__, repr(config), str(options.drafts), str(options.future))
    cache = open_cache(site_dir, salt, enabled=options.cache)
    out_dir = (options.output or site_dir / "output").absolute()
    now = options.now or datetime.now(UTC)
    if now.tzinfo is None:  # never the machine's timezone: the same sources build the same everywhere
        now = now.replace(tzinfo=config.tz)
    inputs = input_stats([site_dir / "content", *theme.template_dirs, *theme.static_dirs], [site_dir / "magsite.yaml"])
    summary = cache.unchanged_since(inputs, out_dir, now.timestamp()) if options.cache and options.write else None
    if summary is not None:  # nothing to do: no input changed since the last build of this output
        stage("config", "nothing changed")
        files, pages, counts, change = summary
        return BuildResult(out_dir, files, 0, pages, [], timings, counts, change)
    load_state(cache)
    # imported here, so that a no-op build does not pay for loading Jinja, markdown-it and feedgen
    import jinja2

    from magsite.bodies import Bodies
    from magsite.images import IMAGE_CACHE, process_images
    from magsite.load import load_content
    from magsite.model import build_site, related_inputs
    from magsite.render import CompiledTemplates, render_site
    from magsite.search import BUNDLE_DIR, find_pagefind, index_site
    from magsite.theme import make_environment, template_problem
    from magsite.write import write_outputs

    pagefind = find_pagefind() if config.search else None
    stage("config", f"theme {theme.name}")
    if workers > 1 and len(cache.files) < 256:  # a cold load: parse files in parallel
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            content, problems, files = load_content(site_dir, config, cache.files, pool, inputs)
    else:
        content, problems, files = load_content(site_dir, config, cache.files, stats=inputs)
    problems = [*config.warnings, *problems]
    stage("load", f"{plural(len(content.articles), 'article')}, {plural(len(content.images), 'image')}")
    site, more = build_site(
        content, config, now, drafts=options.drafts, future=options.future, known_related=cache.related
    )
    problems += more
    stage("model", plural(len(site.posts), "published article"))
    # the cache in the site folder is keyed with the user's secret: one that comes with a site is never used
    secret = b"" if options.image_cache else user_key() or b""
    image_cache = options.image_cache or site_dir / IMAGE_CACHE
    images, more = process_images(site_dir, site, image_cache, secret=secret, workers=workers)
    problems += more
    bodies = Bodies(site, cache, site_dir, images)
    if any(not p.warning for p in problems) or not options.write:
        problems += bodies.check_all()  # report body problems too, all in one go
        if any(not p.warning for p in problems):
            raise ContentError([p for p in problems if not p.warning])
    stage("images", plural(len(images.by_src), "image"))
    try:
        env = make_environment(theme, CompiledTemplates(cache))
        outputs = render_site(site, bodies, theme, env, site_dir, images)
    except jinja2.TemplateError as err:
        raise ContentError([template_problem(err, site_dir)]) from None
    stage("render", plural(len(outputs), "output"))

    def finish() -> list[Problem]:
        bodies.save()
        found = bodies.all_problems()
        bodies.problems.clear()
        return found

    files_written = written = 0
    if options.write:
        previous = cache.manifest if cache.manifest.get(OUTPUT_KEY) == output_id(out_dir) else {}
        previous = {k: v for k, v in previous.items() if k != OUTPUT_KEY}
        try:
            result = write_outputs(
                outputs, out_dir, previous, workers=workers, finish=finish, carry=(BUNDLE_DIR,) if pagefind else ()
            )
        except jinja2.TemplateError as err:  # templates render lazily, while writing
            raise ContentError([template_problem(err, site_dir)]) from None
        related = (related_inputs(list(site.posts)), {u: tuple(p.url for p in r) for u, r in site.related.items()})
        cache.save(files, result.manifest | {OUTPUT_KEY: output_id(out_dir)}, bodies.shown(), related)
        stage("write", f"{plural(result.files, 'file')}, {result.written:,} written")
        index_files, index_written = index_site(out_dir, pagefind, changed=result.written > 0) if pagefind else (0, 0)
        stage("search", f"{plural(index_files, 'index file')}" if pagefind else "off")
        files_written, written = result.files + index_files, result.written + index_written
    pages = {
        "home": site.home.page_count,
        "article": len(site.posts),
        "section": sum(li.page_count for li in site.section_lists.values()),
        "author": sum(li.page_count for li in site.author_lists.values()),
        "tag": sum(li.page_count for li in site.tag_lists.values()),
        "page": len(site.pages),
        "redirect": len(site.aliases),
        "gone": len(site.gone),
    }
    paths = tuple(o.path for o in outputs)
    counts = _counts(paths, stubs=sum(1 for a in site.aliases if "?" not in a))
    change = next_change(content.articles, now, drafts=options.drafts, future=options.future)
    warnings = [p for p in problems if p.warning]
    if options.write and not warnings:  # a build with warnings is not skipped next time, so they are shown again
        valid_until = site.next_change.timestamp() if site.next_change else None
        cache.save_inputs(inputs, out_dir, (now.timestamp(), valid_until), (files_written, pages, counts, change))
    return BuildResult(out_dir, files_written, written, pages, warnings, timings, counts, change, site, paths)


def _counts(paths: tuple[str, ...], stubs: int) -> dict[str, int]:
    """What a reader would call pages, feeds and images among the output files."""
    names = [posixpath.basename(p) for p in paths]
    return {
        "pages": sum(1 for n in names if n.endswith(".html")) - stubs,
        "feeds": sum(1 for n in names if n in FEED_FILES),
        "images": sum(1 for p in paths if p.lower().endswith(IMAGE_TYPES) and not p.startswith("static/")),
    }


def plural(n: int, noun: str) -> str:
    """'1 article', '2 articles'."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")
