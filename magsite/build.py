"""build(): the whole pipeline, config -> load -> model -> images -> render -> write, each stage timed."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from magsite.config import load_config
from magsite.errors import Problem, raise_if_errors
from magsite.images import process_images
from magsite.load import load_content
from magsite.model import build_site
from magsite.render import render_bodies, render_site
from magsite.theme import find_theme, make_environment
from magsite.write import write_outputs


@dataclass(frozen=True, slots=True)
class BuildOptions:
    drafts: bool = False  # include articles with draft: true
    future: bool = False  # include articles dated after `now`
    now: datetime | None = None  # fixed "now" for reproducible builds; default: the clock
    output: Path | None = None  # default: <site>/output


@dataclass
class BuildResult:
    output: Path
    files: int
    pages: dict[str, int]  # page kind -> count
    warnings: list[Problem]
    timings: dict[str, float] = field(default_factory=dict)


def build(
    site_dir: Path, options: BuildOptions = BuildOptions(), log: Callable[[str], None] | None = None
) -> BuildResult:
    """Build the site in site_dir into its output folder.

    Stages: config, load, model, images, markdown, render, write. Any content problem raises ContentError
    listing all of them, before anything is written, so the previous output stays as it was.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        timings[name] = now - started
        started = now
        if log:
            log(f"{name}: {timings[name]:.3f} s")

    config = load_config(site_dir)
    theme = find_theme(site_dir, config.theme)
    stage("config")
    content, problems = load_content(site_dir, config)
    stage("load")
    now = options.now or datetime.now(UTC)
    site, more = build_site(content, config, now, drafts=options.drafts, future=options.future)
    problems += more
    stage("model")
    images, more = process_images(site_dir, site)
    problems += more
    stage("images")
    bodies, more = render_bodies(site, images)
    problems += more
    raise_if_errors(problems)
    stage("markdown")
    outputs = render_site(site, bodies, theme, make_environment(theme), images)
    stage("render")
    out_dir = options.output or site_dir / "output"
    files = write_outputs(outputs, out_dir)
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
    return BuildResult(out_dir, files, pages, [p for p in problems if p.warning], timings)
