"""build(): the whole pipeline, config -> load -> model -> render -> write, each stage timed."""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from magsite import __version__
from magsite.cache import digest, input_stats, open_cache, output_id
from magsite.config import load_config
from magsite.errors import ContentError, Problem
from magsite.theme import find_theme

OUTPUT_KEY = "\x00output"  # manifest entry naming the folder the fingerprints describe


@dataclass(frozen=True, slots=True)
class BuildOptions:
    drafts: bool = False  # include articles with draft: true
    future: bool = False  # include articles dated after `now`
    now: datetime | None = None  # fixed "now" for reproducible builds (naive: site timezone); default: the clock
    output: Path | None = None  # default: <site>/output
    cache: bool = True  # reuse the last build's work from <site>/.magsite-cache
    workers: int = 0  # processes for heavy stages; 0: one per core


@dataclass
class BuildResult:
    output: Path
    files: int
    written: int  # files rendered or copied by this build; the others were unchanged
    pages: dict[str, int]  # page kind -> count
    warnings: list[Problem]
    timings: dict[str, float] = field(default_factory=dict)


def build(
    site_dir: Path, options: BuildOptions = BuildOptions(), log: Callable[[str], None] | None = None
) -> BuildResult:
    """Build the site in site_dir into its output folder.

    Stages: config, load, model, render, write. Any content problem raises ContentError listing all of
    them, before the output folder is touched, so the previous output stays as it was.
    """
    collecting = gc.isenabled()
    gc.disable()  # a build makes a few big object graphs and frees them at the end: cycle scans only cost
    try:
        return _build(site_dir, options, log)
    finally:
        if collecting:
            gc.enable()


def _build(site_dir: Path, options: BuildOptions, log: Callable[[str], None] | None) -> BuildResult:
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        timings[name] = now - started
        started = now
        if log:
            log(f"{name}: {timings[name]:.3f} s")

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
    summary = cache.unchanged_since(inputs, out_dir, now.timestamp()) if options.cache else None
    if summary is not None:  # nothing to do: no input changed since the last build of this output
        stage("config")
        files, pages = summary
        return BuildResult(out_dir, files, 0, pages, [], timings)
    # imported here, so that a no-op build does not pay for loading Jinja, markdown-it and feedgen
    from magsite.bodies import Bodies
    from magsite.load import load_content
    from magsite.model import build_site
    from magsite.render import render_site
    from magsite.theme import make_environment
    from magsite.write import write_outputs

    stage("config")
    if workers > 1 and len(cache.files) < 256:  # a cold load: parse files in parallel
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            content, problems, files = load_content(site_dir, config, cache.files, pool, inputs)
    else:
        content, problems, files = load_content(site_dir, config, cache.files, stats=inputs)
    stage("load")
    site, more = build_site(content, config, now, drafts=options.drafts, future=options.future)
    problems += more
    bodies = Bodies(site, cache, site_dir)
    if any(not p.warning for p in problems):
        problems += bodies.check_all()  # report body problems too, all in one go
        raise ContentError([p for p in problems if not p.warning])
    stage("model")
    outputs = render_site(site, bodies, theme, make_environment(theme), site_dir)
    stage("render")

    def finish() -> list[Problem]:
        bodies.save()
        found = bodies.all_problems()
        bodies.problems.clear()
        return found

    previous = cache.manifest if cache.manifest.get(OUTPUT_KEY) == output_id(out_dir) else {}
    previous = {k: v for k, v in previous.items() if k != OUTPUT_KEY}
    result = write_outputs(outputs, out_dir, previous, workers=workers, finish=finish)
    cache.save(files, result.manifest | {OUTPUT_KEY: output_id(out_dir)}, bodies.shown())
    stage("write")
    pages = {
        "home": site.home.page_count,
        "article": len(site.posts),
        "section": sum(li.page_count for li in site.section_lists.values()),
        "author": sum(li.page_count for li in site.author_lists.values()),
        "tag": sum(li.page_count for li in site.tag_lists.values()),
        "page": len(site.pages),
        "redirect": len(site.aliases),
    }
    warnings = [p for p in problems if p.warning]
    if not warnings:  # a build with warnings is not skipped next time, so they are shown again
        valid_until = site.next_change.timestamp() if site.next_change else None
        cache.save_inputs(inputs, out_dir, valid_until, (result.files, pages))
    return BuildResult(out_dir, result.files, result.written, pages, warnings, timings)
