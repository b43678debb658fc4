"""build(): the whole pipeline, config -> load -> model -> render -> write, each stage timed."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import jinja2

from magsite.config import SiteConfig, load_config
from magsite.errors import ContentError, Problem, raise_if_errors
from magsite.load import LoadMemo, load_content
from magsite.model import build_site
from magsite.pagekeys import page_keys, shared_key
from magsite.render import BodyMemo, Output, render_bodies, render_site
from magsite.theme import MemoryBytecodeCache, find_theme, make_environment, template_problem
from magsite.write import fingerprint, update_outputs, write_outputs


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
    changed: list[str] = field(default_factory=list)  # output paths written or deleted


@dataclass
class BuildMemo:
    """What one build keeps in memory so the next build of the same site redoes only what changed (serve).

    Parsed files and rendered Markdown are reused when their text is unchanged; a page is rendered again only
    when its key (magsite/pagekeys.py) differs; output/ is then updated in place, file by file.
    """

    config: SiteConfig | None = None
    documents: LoadMemo = field(default_factory=dict)
    bodies: BodyMemo = field(default_factory=dict)
    templates: MemoryBytecodeCache = field(default_factory=MemoryBytecodeCache)
    output: Path | None = None  # the folder the last build wrote, None when it must be written whole
    shared: object | None = None  # shared page key of the last build
    pages: dict[str, object] = field(default_factory=dict)  # output path -> key of the page written there
    written: dict[str, str] = field(default_factory=dict)  # output path -> fingerprint of the file there


def build(
    site_dir: Path,
    options: BuildOptions = BuildOptions(),
    log: Callable[[str], None] | None = None,
    memo: BuildMemo | None = None,
) -> BuildResult:
    """Build the site in site_dir into its output folder.

    Stages: config, load, model, render, write. Any content problem raises ContentError listing all of
    them, before anything is written, so the previous output stays as it was. A memo from the previous build
    makes this one incremental; its output is byte-identical to a build without one.
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
    if memo is not None and memo.config != config:
        memo.config = config
        memo.documents.clear()  # records depend on the config (timezone)
    stage("config")
    content, problems = load_content(site_dir, config, memo.documents if memo else None)
    stage("load")
    now = options.now or datetime.now(UTC)
    site, more = build_site(content, config, now, drafts=options.drafts, future=options.future)
    problems += more
    stage("model")
    bodies, more = render_bodies(site, memo.bodies if memo else None)
    problems += more
    raise_if_errors(problems)
    stage("markdown")
    out_dir = options.output or site_dir / "output"
    in_place = memo is not None and memo.output == out_dir.absolute() and out_dir.is_dir()
    skip: frozenset[str] = frozenset()
    if memo is not None:
        shared, keys = shared_key(site, theme), page_keys(site, bodies)
        if in_place and shared is not None and shared == memo.shared:
            skip = frozenset(path for path, key in keys.items() if memo.pages.get(path) == key)
    try:
        outputs = render_site(
            site, bodies, theme, make_environment(theme, memo.templates if memo else None), site_dir, skip
        )
    except jinja2.TemplateError as err:
        raise ContentError([template_problem(err, site_dir)]) from None
    stage("render")
    if memo is None:
        write_outputs(outputs, out_dir)
        changed = [o.path for o in outputs]
    else:
        changed = _write_memoized(outputs, out_dir, memo, in_place)
        memo.shared, memo.pages = shared, keys
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
    return BuildResult(out_dir, len(outputs), pages, [p for p in problems if p.warning], timings, changed)


def _write_memoized(outputs: list[Output], out_dir: Path, memo: BuildMemo, in_place: bool) -> list[str]:
    """Update out_dir in place when the memo knows its files, else write it whole; return the changed paths.

    The memo forgets out_dir until the write has succeeded, so a failed write is followed by a whole one.
    """
    memo.output = None
    if in_place:
        memo.written, changed = update_outputs(outputs, out_dir, memo.written)
    else:
        write_outputs(outputs, out_dir)
        memo.written, changed = {o.path: fingerprint(o) for o in outputs}, [o.path for o in outputs]
    memo.output = out_dir.absolute()
    return changed
