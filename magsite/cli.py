"""The `magsite` command line: parses options and calls the pipeline, nothing more."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from magsite import __version__
from magsite.build import BuildOptions, BuildResult, StageDone, build, plural
from magsite.errors import ContentError, Problem
from magsite.frontmatter import HAS_LIBYAML
from magsite.load import parse_date
from magsite.schedule import Change

WARNINGS_SHOWN = 20  # more are folded into one line unless -v


def _now(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = parse_date(value, None)  # type: ignore[arg-type]  # no offset: stays naive, for the site's timezone
    if parsed is None:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 date or datetime")
    return parsed


def _fail(err: ContentError, what: str, after: str = "") -> NoReturn:
    for problem in err.problems:
        click.echo(problem.format(), err=True)
    click.echo(f"{what}: {len(err.problems)} problem(s){after}", err=True)
    sys.exit(1)


def site_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--site",
        "site_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=".",
        help="Site folder holding magsite.yaml (default: current folder).",
    )(f)


def time_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--now", "now_text", metavar="ISO", help="Fix the current time, e.g. 2024-01-01T12:00:00Z.")(f)
    f = click.option("--future", is_flag=True, help="Include articles dated in the future.")(f)
    return click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")(f)


def image_cache_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--image-cache",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="MAGSITE_IMAGE_CACHE",
        help="Folder of processed images, shareable between sites and builds (default: SITE/.magsite-cache/images).",
    )(f)


def utc(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@click.group()
@click.version_option(__version__, prog_name="magsite")
def main() -> None:
    """magsite: build a news magazine from Markdown articles."""
    _utf8_file_names()


def console() -> NoReturn:
    """The `magsite` command: main(), then exit without Python freeing a large build's objects one by one
    (tenths of a second at 10,000 articles); output and cache files are closed by then."""
    try:
        main()
        code: int | str | None = 0
    except SystemExit as exit:
        code = exit.code
    if isinstance(code, str):
        print(code, file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)


def _utf8_file_names() -> None:
    """Re-run the magsite command in Python's UTF-8 mode where the locale is not UTF-8 (LC_ALL=C with
    PYTHONUTF8=0, a Latin-1 locale): file names, and so slugs and URLs, then read the same on every machine."""
    if sys.getfilesystemencoding() == "utf-8" or sys.flags.utf8_mode or Path(sys.argv[0]).name != "magsite":
        return
    os.execv(sys.executable, [sys.executable, "-X", "utf8", *sys.argv])


class _Progress:
    """Stage progress on stderr: one redrawn bar on a terminal, plain lines elsewhere (CI logs)."""

    def __init__(self, verbose: bool) -> None:
        self.tty = sys.stderr.isatty()
        self.verbose = verbose

    def __call__(self, done: StageDone) -> None:
        timing = f" in {done.seconds:.2f} s" if self.verbose else ""
        line = f"{done.name}: {done.detail}{timing}" if done.detail else f"{done.name}{timing}"
        if self.tty and not self.verbose:
            filled = round(20 * done.number / done.total)
            doing = f"{done.next}…" if done.next else "done"
            click.echo(
                f"\r\x1b[K[{'#' * filled}{'-' * (20 - filled)}] {done.number}/{done.total} {line}; {doing}",
                err=True,
                nl=False,
            )
        else:
            click.echo(line, err=True)

    def clear(self) -> None:
        if self.tty and not self.verbose:
            click.echo("\r\x1b[K", err=True, nl=False)


def _summary(result: BuildResult, seconds: float) -> str:
    """'built 100 pages, 1 feed, 45 images (152 files, 3 written, into output), 2 warnings, in 0.3 s'."""
    counts = result.counts
    parts = [plural(counts[k], k.rstrip("s")) for k in ("pages", "feeds", "images")]
    files = f"{plural(result.files, 'file')}, {result.written:,} written, into {result.output}"
    warned = f"{plural(len(result.warnings), 'warning')}, " if result.warnings else ""  # none: not a word about them
    return f"built {', '.join(parts)} ({files}), {warned}in {seconds:.2f} s"


def _next_change_line(change: Change | None) -> str:
    if change is None:
        return "next change: none scheduled"
    return f"next change: {utc(change.when)} ({change.describe()})"


@main.command("build")
@site_option
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the site (default: SITE/output).",
)
@time_options
@click.option(
    "--no-cache",
    is_flag=True,
    help="Neither use nor update the build cache in SITE/.magsite-cache: a cold build"
    " (processed images, keyed by their content, are still reused).",
)
@image_cache_option
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@click.option("-v", "--verbose", is_flag=True, help="Print each stage with its time, and every warning.")
def build_command(
    site_dir: Path,
    output: Path | None,
    drafts: bool,
    future: bool,
    now_text: str | None,
    no_cache: bool,
    image_cache: Path | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build the site into its output folder."""
    if not HAS_LIBYAML:
        click.echo("warning: PyYAML was built without libyaml; reading front matter is ~10x slower", err=True)
    options = BuildOptions(
        drafts=drafts, future=future, now=_now(now_text), output=output, cache=not no_cache, image_cache=image_cache
    )
    progress = None if quiet else _Progress(verbose)
    try:
        result = build(site_dir, options, progress=progress)
    except ContentError as err:
        if progress:
            progress.clear()
        _fail(err, "build failed", "; output left unchanged")
    if progress:
        progress.clear()
    shown = result.warnings if verbose else result.warnings[:WARNINGS_SHOWN]
    for warning in shown:
        click.echo(warning.format(), err=True)
    if len(result.warnings) > len(shown):
        click.echo(f"… and {len(result.warnings) - len(shown)} more warnings (-v lists them all)", err=True)
    if quiet:
        return
    if verbose:
        kinds = ", ".join(f"{n:,} {kind}" for kind, n in result.pages.items() if n)
        click.echo(f"pages by kind: {kinds}", err=True)
    click.echo(_summary(result, sum(result.timings.values())))
    click.echo(_next_change_line(result.next_change))


@main.command("check")
@site_option
@time_options
@image_cache_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Output for people or for tools."
)
def check_command(
    site_dir: Path, drafts: bool, future: bool, now_text: str | None, image_cache: Path | None, strict: bool, fmt: str
) -> None:
    """Validate the site without writing anything. Exit 0: fine; 1: problems; 2: wrong usage."""
    from magsite.check import check

    options = BuildOptions(drafts=drafts, future=future, now=_now(now_text), image_cache=image_cache)
    problems = check(site_dir, options)
    errors = [p for p in problems if not p.warning or strict]
    warnings = [p for p in problems if p.warning and not strict]
    if fmt == "json":
        report = {
            "ok": not errors,
            "strict": strict,
            "errors": len(errors),
            "warnings": len(warnings),
            "problems": [_problem_json(p, strict) for p in problems],
        }
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            click.echo(problem.format())
        click.echo(f"check: {len(errors)} error(s), {len(warnings)} warning(s)" + (" (--strict)" if strict else ""))
    sys.exit(1 if errors else 0)


def _problem_json(problem: Problem, strict: bool) -> dict[str, object]:
    return {
        "path": problem.path,
        "line": problem.line,
        "severity": "warning" if problem.warning and not strict else "error",
        "message": problem.message,
        "hint": problem.hint,
    }


@main.command("next-change")
@site_option
@time_options
def next_change_command(site_dir: Path, drafts: bool, future: bool, now_text: str | None) -> None:
    """Print when the site next changes by itself (a scheduled article or an expiry), in UTC, or 'none'."""
    from magsite.config import load_config
    from magsite.load import load_content
    from magsite.schedule import next_change

    now = _now(now_text) or datetime.now(UTC)
    try:
        config = load_config(site_dir)
        now = now if now.tzinfo else now.replace(tzinfo=config.tz)
        content, problems, _ = load_content(site_dir, config)
        if errors := [p for p in problems if not p.warning]:
            raise ContentError(errors)
    except ContentError as err:
        _fail(err, "next-change failed")
    change = next_change(content.articles, now, drafts=drafts, future=future)
    click.echo(utc(change.when) if change else "none")


@main.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="Defense Magazine", show_default=True, help="The site's name.")
@click.option("--base-url", default="https://example.netlify.app/", show_default=True, help="Where it will be served.")
@click.option("--timezone", default="UTC", show_default=True, help="IANA timezone for dates, e.g. America/New_York.")
def init_command(directory: Path, title: str, base_url: str, timezone: str) -> None:
    """Create a new site in DIRECTORY that builds at once."""
    from magsite.scaffold import init_site

    try:
        written = init_site(directory, title=title, base_url=base_url, timezone=timezone, now=datetime.now(UTC))
    except ContentError as err:
        _fail(err, "init failed")
    for rel in written:
        click.echo(f"wrote {directory / rel}")
    click.echo(f"next: cd {directory} && magsite build")


@main.group("new")
def new_group() -> None:
    """Write a new article, author or section file (never overwrites one)."""


@new_group.command("article")
@click.argument("title")
@click.option("--section", required=True, help="Section id (a file in content/sections/).")
@click.option("--author", "authors", required=True, multiple=True, help="Author id; repeat for co-authors.")
@click.option("--tags", multiple=True, help="Comma-separated tags; may be repeated.")
@click.option("--slug", help="URL slug (default: from the title).")
@click.option("--now", "now_text", metavar="ISO", help="Date the article at this time instead of now.")
@site_option
def new_article_command(
    title: str,
    section: str,
    authors: tuple[str, ...],
    tags: tuple[str, ...],
    slug: str | None,
    now_text: str | None,
    site_dir: Path,
) -> None:
    """Write content/articles/YYYY/MM/<slug>.md as a draft dated now."""
    from magsite.scaffold import new_article

    tag_list = [t.strip() for group in tags for t in group.split(",") if t.strip()]
    now = _now(now_text) or datetime.now(UTC)
    try:
        rel = new_article(site_dir, title, section=section, authors=authors, tags=tag_list, slug=slug, now=now)
    except ContentError as err:
        _fail(err, "new article failed")
    click.echo(f"wrote {site_dir / rel} (draft: true; set it to false to publish)")


@new_group.command("author")
@click.argument("ident", metavar="ID")
@click.option("--name", help="Display name (default: from the id).")
@site_option
def new_author_command(ident: str, name: str | None, site_dir: Path) -> None:
    """Write content/authors/ID.md."""
    from magsite.scaffold import new_author

    try:
        rel = new_author(site_dir, ident, name)
    except ContentError as err:
        _fail(err, "new author failed")
    click.echo(f"wrote {site_dir / rel}")


@new_group.command("section")
@click.argument("ident", metavar="ID")
@click.option("--title", help="Title (default: from the id).")
@site_option
def new_section_command(ident: str, title: str | None, site_dir: Path) -> None:
    """Write content/sections/ID.md."""
    from magsite.scaffold import new_section

    try:
        rel = new_section(site_dir, ident, title)
    except ContentError as err:
        _fail(err, "new section failed")
    click.echo(f"wrote {site_dir / rel}")


@main.group("import")
def import_group() -> None:
    """Bring a magazine over from another publishing system."""


@import_group.command("wordpress")
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    help="Site folder to import into (default: current folder); magsite.yaml is written when missing.",
)
@click.option(
    "--media-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A copy of wp-content/uploads: images found there are copied under content/images/.",
)
@click.option(
    "--section-map",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML file renaming or merging categories: category-slug: section-id.",
)
@click.option("--update", is_flag=True, help="Re-import into a site that already holds an import.")
def import_wordpress_command(
    export: Path, site_dir: Path, media_dir: Path | None, section_map: Path | None, update: bool
) -> None:
    """Import a WordPress export (Tools > Export, a WXR .xml file) into a site."""
    from magsite.wordpress import ImportOptions, import_wordpress, report_lines  # HTML parsing: slow to import

    options = ImportOptions(media_dir=media_dir, section_map=section_map, update=update)
    try:
        report = import_wordpress(export, site_dir, options)
    except ContentError as err:
        for problem in err.problems:
            click.echo(problem.format(), err=True)
        click.echo(f"import failed: {len(err.problems)} problem(s); nothing written", err=True)
        sys.exit(1)
    for line in report_lines(report):
        click.echo(line)
    if report.problems:
        sys.exit(1)
    click.echo(f"Next: magsite build --site {site_dir}")


@main.command("serve")
@site_option
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the site (default: SITE/output).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on; the next free one is taken when it is in use (0: any free port).",
)
@click.option("--no-drafts", is_flag=True, help="Hide drafts and scheduled articles, as the published site does.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in the web browser.")
def serve_command(
    site_dir: Path, output: Path | None, host: str, port: int, no_drafts: bool, open_browser: bool
) -> None:
    """Build, serve and rebuild the site on every save, reloading open pages."""
    from magsite.preview import PreviewOptions, preview

    options = PreviewOptions(host=host, port=port, drafts=not no_drafts, open_browser=open_browser, output=output)
    sys.exit(preview(site_dir, options, echo=click.echo, warn=lambda m: click.echo(m, err=True)))
