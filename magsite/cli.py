"""The `magsite` command line: parses options and calls the pipeline, nothing more."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

import click

from magsite import __version__
from magsite.build import BuildOptions, build
from magsite.errors import ContentError
from magsite.frontmatter import HAS_LIBYAML
from magsite.load import parse_date
from magsite.wordpress import ImportOptions, import_wordpress, report_lines


def _now(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = parse_date(value, None)  # type: ignore[arg-type]  # no offset: stays naive, for the site's timezone
    if parsed is None:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 date or datetime")
    return parsed


@click.group()
@click.version_option(__version__, prog_name="magsite")
def main() -> None:
    """magsite: build a news magazine from Markdown articles."""
    _utf8_file_names()


def _utf8_file_names() -> None:
    """Re-run the magsite command in Python's UTF-8 mode where the locale is not UTF-8 (LC_ALL=C with
    PYTHONUTF8=0, a Latin-1 locale): file names, and so slugs and URLs, then read the same on every machine."""
    if sys.getfilesystemencoding() == "utf-8" or sys.flags.utf8_mode or Path(sys.argv[0]).name != "magsite":
        return
    os.execv(sys.executable, [sys.executable, "-X", "utf8", *sys.argv])


@main.command("build")
@click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    help="Site folder holding magsite.yaml (default: current folder).",
)
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the site (default: SITE/output).",
)
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--future", is_flag=True, help="Include articles dated in the future.")
@click.option("--now", "now_text", metavar="ISO", help="Fix the current time, e.g. 2024-01-01T12:00:00Z.")
@click.option("--no-cache", is_flag=True, help="Neither use nor update SITE/.magsite-cache: a cold build.")
@click.option("-v", "--verbose", is_flag=True, help="Print each stage's time.")
def build_command(
    site_dir: Path,
    output: Path | None,
    drafts: bool,
    future: bool,
    now_text: str | None,
    no_cache: bool,
    verbose: bool,
) -> None:
    """Build the site into its output folder."""
    if not HAS_LIBYAML:
        click.echo("warning: PyYAML was built without libyaml; reading front matter is ~10x slower", err=True)
    options = BuildOptions(drafts=drafts, future=future, now=_now(now_text), output=output, cache=not no_cache)
    try:
        result = build(site_dir, options, log=(lambda m: click.echo(m, err=True)) if verbose else None)
    except ContentError as err:
        for problem in err.problems:
            click.echo(problem.format(), err=True)
        click.echo(f"build failed: {len(err.problems)} problem(s); output left unchanged", err=True)
        sys.exit(1)
    for warning in result.warnings:
        click.echo(warning.format(), err=True)
    kinds = ", ".join(f"{n} {kind}" for kind, n in result.pages.items() if n)
    seconds = sum(result.timings.values())
    click.echo(
        f"built {result.files} files ({kinds}), {result.written} written, into {result.output} in {seconds:.2f} s"
    )


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
