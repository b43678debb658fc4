"""The preview's HTTP server: output/ with pretty URLs, the live-reload script injected into HTML, build events.

Only GET and HEAD; no directory listings; nothing outside the served folder is reachable (`..` in any
encoding, backslashes, dot-files and symlinks that lead out are all answered 404).
"""

from __future__ import annotations

import errno
import json
import mimetypes
import re
import secrets
import socket
import threading
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

ASSETS = "/__magsite__/"
RELOAD_JS = Path(__file__).parent / "reload.js"
PORT_TRIES = 20
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".webmanifest": "application/manifest+json",
    ".pdf": "application/pdf",
    ".wasm": "application/wasm",
}
_HEAD_END = re.compile(rb"</head\s*>", re.I)
_FALLBACK_404 = b"<!DOCTYPE html>\n<html><head><title>Not found</title></head><body><h1>Not found</h1></body></html>\n"


@dataclass(frozen=True, slots=True)
class State:
    """What open pages need to know: the last good build, the problems of the latest one, the stylesheets."""

    build: int = 0  # id of the last successful build, 0 before the first
    css_base: int = 0  # builds after this one changed only stylesheets
    problems: tuple[str, ...] = ()  # `path:line: message` lines of the latest build, empty when it succeeded
    css: tuple[str, ...] = ()  # URLs of the current stylesheets
    base_path: str = ""  # the site's URL prefix (from base_url), where output/ is served
    seq: int = 0  # bumped on every change, for waiting clients


@dataclass
class Hub:
    """The state shared by the rebuild loop (writer) and the event streams of open pages (readers)."""

    state: State = field(default_factory=State)
    run: str = field(default_factory=lambda: secrets.token_hex(4))  # tells pages of an earlier server apart
    closed: bool = False
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def built(self, css_only: bool, css: tuple[str, ...], base_path: str) -> None:
        """A build changed output/: pages reload, or only swap stylesheets when css_only."""
        with self._cond:
            s = self.state
            css_base = s.css_base if css_only and s.build else s.build + 1
            self.state = State(s.build + 1, css_base, (), css, base_path, s.seq + 1)
            self._cond.notify_all()

    def failed(self, problems: tuple[str, ...]) -> None:
        """A build failed (or a later one cleared its problems): pages show the problems, nothing reloads."""
        with self._cond:
            self.state = replace(self.state, problems=problems, seq=self.state.seq + 1)
            self._cond.notify_all()

    def unchanged(self) -> None:
        """A build that changed no file: only clears the problems, so pages do not reload."""
        if self.state.problems:
            self.failed(())

    def wait(self, seq: int, timeout: float) -> State:
        """The state once it is newer than seq, or after timeout, or when the hub closes."""
        with self._cond:
            self._cond.wait_for(lambda: self.state.seq != seq or self.closed, timeout)
            return self.state

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()


@dataclass(frozen=True, slots=True)
class Target:
    """What a request path maps to: a file, a redirect, or nothing (404)."""

    file: Path | None = None
    redirect: str | None = None


def split_target(target: str) -> tuple[str, str]:
    """The path and query of a request target, origin form (`/x?q`) or absolute form (`http://h/x?q`)."""
    if target.startswith("/"):
        path, _, query = target.partition("#")[0].partition("?")
        return path, query
    parts = urlsplit(target)
    return parts.path, parts.query


def resolve(root: Path, base_path: str, target: str) -> Target:
    """Map a request target to a file under root (pretty URLs), refusing every way out of root."""
    path, query = split_target(target)
    if not path.startswith("/") or path.startswith("//"):
        return Target()
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return Target()
    moved = path + "/" + (f"?{query}" if query else "")  # still percent-encoded, as a header needs
    if base_path:
        if decoded in ("/", base_path):
            return Target(redirect=base_path + "/")
        if not decoded.startswith(base_path + "/"):
            return Target()
        decoded = decoded[len(base_path) :]
    parts = decoded.split("/")[1:]
    if any(p in (".", "..") or p.startswith(".") or "\\" in p or "\0" in p or ":" in p for p in parts):
        return Target()
    real_root = root.resolve()
    file = real_root.joinpath(*parts)
    try:
        real = file.resolve(strict=True)
    except (OSError, RuntimeError):
        return Target()
    if not real.is_relative_to(real_root):
        return Target()
    if real.is_dir():
        index = (real / "index.html").resolve()
        if not index.is_file() or not index.is_relative_to(real_root):
            return Target()
        return Target(file=index) if decoded.endswith("/") else Target(redirect=moved)
    if decoded.endswith("/") or not real.is_file():
        return Target()
    return Target(file=real)


def content_type(file: Path) -> str:
    suffix = file.suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"


def inject(html: bytes, run: str, build: int) -> bytes:
    """Add the live-reload script (an external file, so a strict Content-Security-Policy still allows it)."""
    tag = f'<script src="{ASSETS}reload.js" data-run="{run}" data-build="{build}" defer></script>\n'.encode()
    m = _HEAD_END.search(html)
    return html[: m.start()] + tag + html[m.start() :] if m else tag + html


def make_handler(root: Path, hub: Hub) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one served folder and hub."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def version_string(self) -> str:
            return "magsite-preview"

        def do_GET(self) -> None:
            self.answer(body=True)

        def do_HEAD(self) -> None:
            self.answer(body=False)

        def answer(self, *, body: bool) -> None:
            path = split_target(self.path)[0]
            if path == ASSETS + "reload.js":
                return self.send(200, "text/javascript; charset=utf-8", RELOAD_JS.read_bytes(), body)
            if path == ASSETS + "events":
                return self.events() if body else self.send(200, "text/event-stream", b"", body)
            target = resolve(root, hub.state.base_path, self.path)
            if target.redirect is not None:
                return self.send(301, "text/plain; charset=utf-8", b"moved\n", body, location=target.redirect)
            status, file = (200, target.file) if target.file is not None else (404, root / "404.html")
            try:
                data = file.read_bytes()
            except OSError:  # no 404 page yet, or a rebuild removed the file since it was resolved
                status, file, data = 404, root / "404.html", _FALLBACK_404
            kind = content_type(file)
            if kind.startswith("text/html"):
                data = inject(data, hub.run, hub.state.build)
            self.send(status, kind, data, body)

        def send(self, status: int, kind: str, data: bytes, body: bool, location: str | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            if location:
                self.send_header("Location", location)
            self.end_headers()
            if body:
                self.wfile.write(data)

        def events(self) -> None:
            """Server-sent events: the state now, then again after every change, until the page goes away."""
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            state = hub.state
            try:
                while not hub.closed:
                    payload = {"run": hub.run, "build": state.build, "css_base": state.css_base}
                    payload |= {"problems": list(state.problems), "css": list(state.css)}
                    self.wfile.write(f"event: state\ndata: {json.dumps(payload)}\n\n".encode())
                    self.wfile.flush()
                    seq = state.seq
                    while (state := hub.wait(seq, 15)).seq == seq and not hub.closed:
                        self.wfile.write(b": still here\n\n")  # finds closed connections
                        self.wfile.flush()
            except OSError:  # the page was closed or reloaded
                pass

        def do_POST(self) -> None:
            self.refuse()

        do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_POST

        def refuse(self) -> None:
            self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
            self.send_header("Allow", "GET, HEAD")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass  # the terminal is for build results

    return Handler


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # event streams must not hold up Ctrl-C


class PreviewServer6(PreviewServer):
    address_family = socket.AF_INET6


def start_server(root: Path, hub: Hub, host: str, port: int) -> tuple[PreviewServer, str | None]:
    """Bind host:port, or the next free port when it is taken; serve in a background thread.

    Returns the server and, when the port was taken, a sentence saying so. Raises OSError when nothing is free.
    """
    handler = make_handler(root, hub)
    kind = PreviewServer6 if ":" in host else PreviewServer
    last: OSError | None = None
    for candidate in [port] if port == 0 else range(port, min(port + PORT_TRIES, 65536)):
        try:
            server = kind((host, candidate), handler)
        except OSError as err:
            if err.errno != errno.EADDRINUSE:
                raise
            last = err
            continue
        note = f"port {port} is in use, so the preview uses port {candidate}" if candidate != port else None
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        return server, note
    raise OSError(errno.EADDRINUSE, f"ports {port}-{port + PORT_TRIES - 1} are all in use") from last


def url_of(server: PreviewServer, base_path: str) -> str:
    host, port = server.server_address[:2]
    shown = f"[{host}]" if ":" in str(host) else host
    return f"http://{shown}:{port}{base_path}/"
