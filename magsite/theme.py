"""The Jinja environment of a site's theme: site templates/ > site themes/<name>/ > built-in theme."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from magsite.errors import ContentError, Problem

if TYPE_CHECKING:
    import jinja2

BUILTIN_THEMES = (Path(__file__).parent / "themes", Path(__file__).parent.parent / "themes")


@dataclass(frozen=True, slots=True)
class Theme:
    """Where a theme's templates and static files come from, highest priority first."""

    name: str
    template_dirs: tuple[Path, ...]
    static_dirs: tuple[Path, ...]

    def static_files(self) -> dict[str, Path]:
        """Relative path -> file for every static file; a site's file hides the theme's one."""
        files: dict[str, Path] = {}
        for root in reversed(self.static_dirs):
            for file in sorted(root.rglob("*")):
                if file.is_file() and not file.name.startswith("."):
                    files[file.relative_to(root).as_posix()] = file
        return dict(sorted(files.items()))


def builtin_theme_dir(name: str) -> Path | None:
    for root in BUILTIN_THEMES:
        if (root / name / "templates").is_dir():
            return root / name
    return None


def find_theme(site_dir: Path, name: str) -> Theme:
    """Resolve a theme by name; a theme folder in the site may override single files of a built-in one."""
    layers = [site_dir / "themes" / name]
    builtin = builtin_theme_dir(name)
    if builtin is not None and builtin.resolve() != layers[0].resolve():
        layers.append(builtin)
    layers = [d for d in layers if d.is_dir()]
    if not layers:
        raise ContentError(
            [
                Problem(
                    "magsite.yaml",
                    None,
                    f"theme '{name}' not found",
                    "themes live in themes/<name>/ of the site; the built-in theme is 'default'",
                )
            ]
        )
    templates = [site_dir / "templates"] + [d / "templates" for d in layers]  # the last is the theme itself
    statics = [site_dir / "static"] + [d / "static" for d in layers]
    return Theme(name, tuple(d for d in templates if d.is_dir()), tuple(d for d in statics if d.is_dir()))


def asset_name(rel: str, data: bytes) -> str:
    """Fingerprinted name for CSS and JS ('css/main.css' -> 'css/main.1a2b3c4d.css'); others keep theirs."""
    stem, dot, ext = rel.rpartition(".")
    if ext not in ("css", "js") or not dot:
        return rel
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}.{ext}"


def make_environment(theme: Theme, compiled: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """Autoescaping environment; an override reaches the theme's own file as `{% extends "theme/x.html" %}`."""
    import jinja2  # not needed by builds that render nothing

    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader([str(d) for d in theme.template_dirs]),
            jinja2.PrefixLoader({"theme": jinja2.FileSystemLoader(str(theme.template_dirs[-1]))}),
        ]
    )
    return jinja2.Environment(
        loader=loader,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
        bytecode_cache=compiled,
    )


def template_problem(err: jinja2.TemplateError, site_dir: Path) -> Problem:
    """A template mistake as a Problem at the template's file and line, so it is reported, not a traceback."""
    import jinja2

    where, line = None, None
    if isinstance(err, jinja2.TemplateSyntaxError):
        where, line = err.filename, err.lineno
    else:  # Jinja rewrites tracebacks so that template frames carry the template's file and line
        tb = err.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.endswith(".html"):
                where, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
            tb = tb.tb_next
    path = Path(where) if where else None
    if path is not None and path.is_relative_to(site_dir.absolute()):
        path = path.relative_to(site_dir.absolute())
    message = err.message or type(err).__name__
    return Problem(path.as_posix() if path else "templates", line, f"template error: {message}")
