"""`magsite serve`: build, serve output/, rebuild what each burst of saves affects, and reload open pages."""

from __future__ import annotations

import os
import signal
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from magsite.build import BuildOptions, build
from magsite.config import CONFIG_FILE, load_config
from magsite.errors import ContentError
from magsite.serve import Hub, start_server, url_of
from magsite.theme import BUILTIN_THEMES
from magsite.watch import watch_changes

Echo = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class PreviewOptions:
    host: str = "127.0.0.1"
    port: int = 8000  # the next free port is taken when this one is in use; 0 lets the system choose
    drafts: bool = True  # show drafts and scheduled articles (flagged on their pages)
    open_browser: bool = False
    output: Path | None = None  # default: <site>/output


def preview(site_dir: Path, options: PreviewOptions, echo: Echo, warn: Echo) -> int:
    """Run the preview until Ctrl-C; returns the exit code.

    Content problems never stop it: they are printed, shown over the open pages, and the last good build
    keeps being served until a save fixes them.
    """
    if not (site_dir / CONFIG_FILE).is_file():
        warn(f"{site_dir / CONFIG_FILE}: not found (pass --site DIR, the folder holding {CONFIG_FILE})")
        return 1
    stop = threading.Event()
    out_dir = (options.output or site_dir / "output").absolute()
    build_options = BuildOptions(drafts=options.drafts, future=options.drafts, output=out_dir)
    hub = Hub()

    def rebuild(changed: set[str]) -> None:
        started = time.perf_counter()
        try:
            result = build(site_dir, build_options)
            base_path = load_config(site_dir).base_path
        except ContentError as err:
            lines = tuple(p.format() for p in err.problems)
            for line in lines:
                warn(line)
            warn(f"{len(lines)} problem(s); still serving the last good build")
            hub.failed(lines)
            return
        except Exception as err:  # a bug in magsite must not end the preview
            warn(traceback.format_exc().rstrip())
            hub.failed((f"magsite: internal error: {type(err).__name__}: {err}",))
            return
        for warning in result.warnings:
            warn(warning.format())
        if result.written or hub.state.build == 0:
            css_only = bool(changed) and all(p.endswith(".css") for p in changed)
            hub.built(css_only, stylesheets(out_dir, base_path), base_path)
        else:
            hub.unchanged()
        if changed or result.written:
            seconds = time.perf_counter() - started
            echo(f"built in {seconds:.2f} s: {result.written} file(s) written")

    server = None
    previous_handler = signal.signal(signal.SIGINT, _interrupt_main_process(os.getpid()))
    try:
        echo("building…")
        rebuild(set())
        try:
            server, note = start_server(out_dir, hub, options.host, options.port)
        except OSError as err:
            warn(f"cannot serve on {options.host}:{options.port}: {err.strerror or err}")
            return 1
        if note:
            warn(note)
        url = url_of(server, hub.state.base_path)
        shown = "drafts and scheduled articles shown, flagged on their pages" if options.drafts else "published only"
        announced = False
        for changed in watch_changes(site_dir, stop, extra=BUILTIN_THEMES):
            if not announced:  # once watching runs, so a save from now on is never missed
                echo(f"serving {url} ({shown}); press Ctrl-C to stop")
                if options.open_browser:
                    webbrowser.open(url)
                announced = True
            if names := sorted(changed):
                echo(f"changed: {', '.join(names[:3])}" + (f" and {len(names) - 3} more" if len(names) > 3 else ""))
            rebuild(changed)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, previous_handler)
        stop.set()
        hub.close()
        if server is not None:
            server.shutdown()
            server.server_close()
    echo("stopped")
    return 0


def stylesheets(out_dir: Path, base_path: str) -> tuple[str, ...]:
    """URLs of the built site's stylesheets, for pages that swap them in after a CSS-only change."""
    static = out_dir / "static"
    return tuple(f"{base_path}/static/{p.relative_to(static).as_posix()}" for p in sorted(static.rglob("*.css")))


def _interrupt_main_process(main_pid: int) -> Callable[[int, object], None]:
    """A Ctrl-C handler: Ctrl-C reaches the whole process group, and build() workers forked from the preview
    inherit this handler; they leave it to the preview, which stops them without printing their tracebacks."""

    def handler(signum: int, frame: object) -> None:
        if os.getpid() == main_pid:
            raise KeyboardInterrupt

    return handler
