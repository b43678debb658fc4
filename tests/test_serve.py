"""`magsite serve` over real HTTP: pretty URLs, types, 404s, refused traversal, and rebuilds on every save."""

from __future__ import annotations

import io
import json
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import PIL.Image
import pytest
from conftest import article, build_site, make_site, tree_digest
from preview import Preview, eventually

from magsite.serve import Hub, State

A = "content/articles/2024/05/first-strike.md"


def webp() -> bytes:
    data = io.BytesIO()
    PIL.Image.new("RGB", (4, 4), "red").save(data, "WEBP")
    return data.getvalue()


ASSET_FILES: dict[str, str | bytes] = {
    "content/images/map.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n',
    "content/images/photo.webp": webp(),
    "content/images/photo.avif": b"\x00\x00\x00\x1cftypavif",
    "themes/default/static/fonts/body.woff2": b"wOF2\x00\x01\x00\x00",
    "themes/default/static/js/menu.js": "document.documentElement.dataset.menu = 'ok';\n",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Preview, Path]]:
    """One preview of a read-only site, shared by the HTTP tests."""
    site = make_site(tmp_path_factory.mktemp("served") / "site", ASSET_FILES)
    preview = Preview(site, "--port", "0")
    yield preview, site
    preview.stop()


def build_id(html: str) -> int:
    match = re.search(r'<script src="/__magsite__/reload\.js" data-run="\w+" data-build="(\d+)" defer></script>', html)
    assert match, html[:500]
    return int(match.group(1))


def test_pretty_urls_redirects_and_the_404_page(served: tuple[Preview, Path]) -> None:
    preview, _ = served
    status, headers, body = preview.request("/smart-bombs/first-strike/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert b"<h1>First Strike</h1>" in body
    status, headers, _ = preview.request("/smart-bombs/first-strike?utm=x")
    assert status == 301 and headers["location"] == "/smart-bombs/first-strike/?utm=x"
    status, headers, body = preview.request("/no/such/page/")
    assert status == 404 and headers["content-type"] == "text/html; charset=utf-8"
    assert b"Page not found" in body
    assert preview.request("/smart-bombs/first-strike/index.html")[0] == 200
    assert preview.request("/missing.css")[0] == 404


def test_content_types(served: tuple[Preview, Path]) -> None:
    preview, site = served
    css = next((site / "output/static/css").glob("main.*.css")).name
    js = next((site / "output/static/js").glob("menu.*.js")).name
    expected = {
        "/": "text/html; charset=utf-8",
        "/feed.xml": "application/xml; charset=utf-8",
        "/sitemap.xml": "application/xml; charset=utf-8",
        "/robots.txt": "text/plain; charset=utf-8",
        f"/static/css/{css}": "text/css; charset=utf-8",
        f"/static/js/{js}": "text/javascript; charset=utf-8",
        "/images/map.svg": "image/svg+xml",
        "/images/photo.webp": "image/webp",
        "/images/photo.avif": "image/avif",
        "/static/fonts/body.woff2": "font/woff2",
        "/__magsite__/reload.js": "text/javascript; charset=utf-8",
    }
    for path, kind in expected.items():
        status, headers, _ = preview.request(path)
        assert (status, headers["content-type"]) == (200, kind), path


def test_head_requests_and_other_methods(served: tuple[Preview, Path]) -> None:
    preview, _ = served
    _, get_headers, get_body = preview.request("/smart-bombs/")
    status, headers, body = preview.request("/smart-bombs/", "HEAD")
    assert status == 200 and body == b""
    assert headers["content-length"] == get_headers["content-length"] == str(len(get_body))
    assert preview.request("/nowhere/", "HEAD")[0] == 404
    status, headers, _ = preview.request("/", "POST")
    assert status == 405 and headers["allow"] == "GET, HEAD"


def test_the_reload_script_is_injected_only_by_the_server(served: tuple[Preview, Path], tmp_path: Path) -> None:
    preview, site = served
    for path in ("/", "/smart-bombs/first-strike/", "/no/such/page/"):
        html = preview.request(path)[2].decode()
        assert build_id(html) >= 1
        assert html.count("/__magsite__/reload.js") == 1  # one external script: a strict CSP allows it
    assert b"__magsite__" not in preview.request("/feed.xml")[2]
    assert build_site(site, "--output", tmp_path / "built").exit_code == 0
    for file in (tmp_path / "built").rglob("*"):
        assert not file.is_file() or b"__magsite__" not in file.read_bytes(), file


def test_no_directory_listing_and_nothing_outside_the_output_folder(served: tuple[Preview, Path]) -> None:
    preview, site = served
    output = site / "output"
    (output / "leak.yaml").symlink_to(site / "magsite.yaml")
    (output / "leakdir").symlink_to(site)
    (output / ".hidden").write_text("secret: yes\n")
    attempts = [
        "/static/",
        "/static",
        "/images/",
        "/../magsite.yaml",
        "/smart-bombs/../../magsite.yaml",
        "/%2e%2e/magsite.yaml",
        "/%2E%2E/%2e%2e/magsite.yaml",
        "/..%2fmagsite.yaml",
        "/%2e%2e%2fmagsite.yaml",
        "/static/..%5c..%5cmagsite.yaml",
        "/..\\magsite.yaml",
        "/%5c..%5cmagsite.yaml",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/etc/passwd",
        "/C:/Windows/win.ini",
        "http://127.0.0.1/../magsite.yaml",
        "/leak.yaml",
        "/leakdir/magsite.yaml",
        "/leakdir/",
        "/.hidden",
        "/%00",
        "/%ff%fe",
    ]
    for path in attempts:
        status, _, body = preview.request(path)
        assert status == 404, path
        assert b"base_url" not in body and b"root:" not in body and b"secret" not in body, path


def test_a_port_in_use_is_skipped_and_the_one_taken_is_named(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        preview = Preview(site, "--port", str(port))
        try:
            assert preview.port != port
            assert f"port {port} is in use, so the preview uses port {preview.port}" in preview.stderr
            assert preview.request("/")[0] == 200
        finally:
            assert preview.stop() == 0


def test_saves_rebuild_the_pages_that_show_them(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {"content/articles/2024/05/second.md": article("Second", tags="[Drones]")})
    preview = Preview(site, "--port", "0")
    try:
        (site / A).write_text(article("First Strike Revised"))
        eventually(lambda: "First Strike Revised" in preview.text("/smart-bombs/"), "the edited title in the list")
        assert "First Strike Revised" in preview.text("/smart-bombs/first-strike/")

        (site / "content/articles/new.md").write_text(article("Newly Filed", date="2024-05-03", tags="[Drones]"))
        eventually(lambda: "Newly Filed" in preview.text("/tag/drones/"), "a new article in its tag list")

        (site / "content/articles/new.md").rename(site / "content/articles/moved.md")
        eventually(lambda: preview.request("/smart-bombs/moved/")[0] == 200, "the renamed article's page")
        # an edit's files are moved into output/ one by one, so the old page may outlive the new one briefly
        eventually(lambda: preview.request("/smart-bombs/new/")[0] == 404, "the renamed article's old page gone")

        (site / "content/articles/moved.md").unlink()
        eventually(lambda: preview.request("/smart-bombs/moved/")[0] == 404, "the deleted article gone")
        for page in ("/", "/smart-bombs/", "/tag/drones/", "/author/maya-carlin/"):
            assert "Newly Filed" not in preview.text(page), page
        assert b"Newly Filed" not in preview.request("/feed.xml")[2]

        config = (site / "magsite.yaml").read_text()
        (site / "magsite.yaml").write_text(config.replace("Test Defense Weekly", "Renamed Weekly"))
        eventually(lambda: "Renamed Weekly" in preview.text("/smart-bombs/second/"), "the new site title")
    finally:
        assert preview.stop() == 0
    cold = tmp_path / "cold"
    assert build_site(site, "--drafts", "--future", "--no-cache", "--output", cold).exit_code == 0
    assert tree_digest(site / "output") == tree_digest(cold)  # the preview's rebuilds add up to a cold build


def test_a_burst_of_saves_is_one_rebuild(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    preview = Preview(site, "--port", "0")
    try:
        before = build_id(preview.text("/"))
        for i in range(10):
            (site / f"content/articles/burst-{i}.md").write_text(article(f"Burst {i}", date=f"2024-05-1{i}"))
        for i in range(10):
            eventually(lambda i=i: preview.request(f"/smart-bombs/burst-{i}/")[0] == 200, f"burst-{i}")
        assert build_id(preview.text("/")) - before <= 2  # ten saves; a rebuild each would make it 10
    finally:
        preview.stop()


def test_mistakes_keep_the_last_good_site_served_until_fixed(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {"content/articles/2024/05/second.md": article("Second")})
    preview = Preview(site, "--port", "0")
    try:
        good = preview.text("/smart-bombs/first-strike/")
        (site / A).write_text(article(author="nobody"))
        line = preview.wait_for_line(rf"^{re.escape(A)}:3: unknown author 'nobody'")
        assert preview.request("/smart-bombs/first-strike/")[2].decode() == good
        eventually(lambda: state(preview)["problems"] == [line], "the problem in the event stream")

        (site / "templates").mkdir()
        (site / "templates/article.html").write_text('{% extends "theme/article.html" %}\n{% block main %}{{ x(\n')
        (site / A).write_text(article("Fixed Strike"))
        preview.wait_for_line(r"^templates/article\.html:2: template error: ")
        assert "Fixed Strike" not in preview.text("/smart-bombs/first-strike/")

        (site / "templates/article.html").unlink()
        eventually(lambda: "Fixed Strike" in preview.text("/smart-bombs/first-strike/"), "the fixed article")
        eventually(lambda: state(preview)["problems"] == [], "the problems cleared")
        assert not any("Traceback" in line for line in preview.stderr)
    finally:
        assert preview.stop() == 0


def state(preview: Preview) -> dict[str, object]:
    """The first event the live-reload script receives."""
    conn = socket.create_connection((preview.host, preview.port), timeout=10)
    with conn:
        conn.sendall(b"GET /__magsite__/events HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while b"\n\n" not in data.partition(b"\r\n\r\n")[2]:
            data += conn.recv(65536)
    payload = data.partition(b"\r\n\r\n")[2].split(b"data: ", 1)[1].split(b"\n", 1)[0]
    return json.loads(payload)


def test_ctrl_c_stops_the_server_cleanly(tmp_path: Path) -> None:
    preview = Preview(make_site(tmp_path / "site"), "--port", "0")
    events = socket.create_connection((preview.host, preview.port))  # an open page's event stream
    events.sendall(b"GET /__magsite__/events HTTP/1.1\r\nHost: x\r\n\r\n")
    assert events.recv(100).startswith(b"HTTP/1.1 200")
    assert preview.stop() == 0
    assert preview.lines[-1] == "stopped"
    assert not any("Traceback" in line for line in preview.stderr)
    events.close()


def test_ctrl_c_during_a_parallel_rebuild_stops_build_workers_quietly(tmp_path: Path) -> None:
    stories = {
        f"content/articles/{i:03d}.md": article(f"Story {i}", date=f"2024-06-01T{i % 24:02d}:00:00Z")
        for i in range(100)
    }
    site = make_site(tmp_path / "site", stories)
    preview = Preview(site, "--port", "0")
    slow = '{% extends "theme/article.html" %}{% block head %}{% for i in range(300000) %}{% endfor %}{% endblock %}\n'
    (site / "templates").mkdir()
    (site / "templates/article.html").write_text(slow)  # every article page renders again, slowly, in workers
    preview.wait_for_line(r"^changed: templates")
    time.sleep(1)
    assert preview.stop() == 0
    assert preview.lines[-1] == "stopped", preview.lines
    assert [line for line in preview.stderr if "Traceback" in line or "ForkPoolWorker" in line] == []


def test_drafts_are_shown_and_flagged_unless_no_drafts(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {"content/articles/draft.md": article("Unfinished", draft="true")})
    preview = Preview(site, "--port", "0")
    try:
        assert '<p class="flag">Draft</p>' in preview.text("/smart-bombs/draft/")
    finally:
        preview.stop()
    published = Preview(site, "--port", "0", "--no-drafts")
    try:
        assert published.request("/smart-bombs/draft/")[0] == 404
        assert "Unfinished" not in published.text("/")
    finally:
        published.stop()


def test_pages_swap_stylesheets_only_when_only_stylesheets_changed() -> None:
    hub = Hub()
    hub.built(False, ("/static/css/main.1111111111.css",), "")
    hub.built(True, ("/static/css/main.2222222222.css",), "")
    assert (hub.state.build, hub.state.css_base) == (2, 1)  # a page of build 1 may swap
    hub.built(False, ("/static/css/main.2222222222.css",), "")
    assert (hub.state.build, hub.state.css_base) == (3, 3)  # earlier pages must reload
    hub.failed(("x.md:1: broken",))
    assert hub.state == State(3, 3, ("x.md:1: broken",), ("/static/css/main.2222222222.css",), "", hub.state.seq)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{% extends 'theme/article.html' %}\n{% block main %}{{ x(\n", "templates/article.html:2: template error: "),
        ("<p>ok</p>\n<p>{{ no_such_thing.title }}</p>\n", "templates/article.html:2: template error: "),
    ],
    ids=["syntax", "runtime"],
)
def test_a_template_mistake_is_a_problem_with_its_line(tmp_path: Path, template: str, expected: str) -> None:
    site = make_site(tmp_path / "site", {"templates/article.html": template})
    result = build_site(site, "--no-cache")
    assert result.exit_code == 1
    assert any(line.startswith(expected) for line in result.output.splitlines()), result.output
    assert "Traceback" not in result.output
