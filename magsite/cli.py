"""The `magsite` command line: parses options and calls the pipeline, nothing more."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from magsite import __version__
from magsite.build import BuildOptions, build
from magsite.errors import ContentError
from magsite.load import parse_date


def _now(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = parse_date(value, datetime.now().astimezone().tzinfo)  # type: ignore[arg-type]
    if parsed is None:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 date or datetime")
    return parsed


@click.group()
@click.version_option(__version__, prog_name="magsite")
def main() -> None:
    """magsite: build a news magazine from Markdown articles."""


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
