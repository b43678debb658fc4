"""Deploying: netlify.toml (headers, caching, 404), the CI workflow, the wheel carrying the theme, and the CSP
applied in a real headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import tomllib
import zipfile
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import yaml
from conftest import CHROMIUM, CHROMIUM_ARGS, REPO, run
from playwright.sync_api import sync_playwright

YEAR = 31536000


def netlify_config(path: Path = REPO / "netlify.toml") -> dict:
    return tomllib.loads(path.read_text())


def for_regexp(pattern: str) -> re.Pattern[str]:
    """Netlify's `for` path matching: ':name' is one segment, a lone '*' anything, '*' inside a segment any text."""
    parts = []
    for part in filter(None, pattern.split("/")):
        if part.startswith(":"):
            parts.append("([^/]+)")
        elif part == "*":
            parts.append("?(.*)")
        else:
            parts.append(".*".join(re.escape(p) for p in part.split("*")))
    return re.compile("^/" + "/".join(parts) + "/?$", re.I)


def headers_for(config: dict, url_path: str) -> dict[str, str]:
    """The headers Netlify adds to a response; a header set by two matching rules fails the test (it would merge)."""
    found: dict[str, str] = {}
    for rule in config["headers"]:
        if for_regexp(rule["for"]).match(url_path):
            for name, value in rule["values"].items():
                assert name not in found, f"{url_path}: {name} set by two rules"
                found[name] = value
    found.setdefault("Cache-Control", "public, max-age=0, must-revalidate")  # Netlify's default
    return found


def csp_directives(config: dict) -> dict[str, list[str]]:
    policy = headers_for(config, "/")["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


def max_age(cache_control: str) -> int:
    return int(re.search(r"max-age=(\d+)", cache_control).group(1))


def test_netlify_toml_builds_with_magsite_and_publishes_output() -> None:
    config = netlify_config()
    assert config["build"]["publish"] == "output"
    assert re.fullmatch(r"pip install \. && magsite build", config["build"]["command"])
    assert tuple(map(int, config["build"]["environment"]["PYTHON_VERSION"].split("."))) >= (3, 11)
    assert {"from": "/*", "to": "/404.html", "status": 404} in config["redirects"]


def test_every_path_gets_the_security_headers(sample: Path) -> None:
    config = netlify_config()
    csp = csp_directives(config)
    assert csp["script-src"] == ["'self'", "'wasm-unsafe-eval'"]
    assert "'unsafe-inline'" not in " ".join(csp.get("style-src", []) + csp["default-src"])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert "https://www.youtube-nocookie.com" in csp["frame-src"]
    for path in ("/", "/smart-bombs/putins-nightmare-belgorod/", "/feed.xml", "/static/x.css", "/404.html"):
        headers = headers_for(config, path)
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "camera=()" in headers["Permissions-Policy"]
        assert max_age(headers["Strict-Transport-Security"]) >= YEAR


def test_fingerprinted_assets_are_immutable_and_html_and_feeds_short_lived(sample: Path) -> None:
    config = netlify_config()
    assets = [p for p in sample.rglob("*") if p.suffix in (".css", ".js") and p.parts[-3] != "pagefind"]
    assert assets
    for asset in assets:
        rel = asset.relative_to(sample).as_posix()
        if rel.startswith("static/"):
            assert re.search(r"\.[0-9a-f]{10}\.(css|js)$", rel), rel  # the name carries a content hash
            assert headers_for(config, "/" + rel)["Cache-Control"] == f"public, max-age={YEAR}, immutable"
    for url in ("/", "/smart-bombs/", "/smart-bombs/putins-nightmare-belgorod/", "/404.html", "/feed.xml",
                "/smart-bombs/feed.xml", "/author/maya-carlin/atom.xml", "/images/2023/ukraine-attack.jpg"):
        cache = headers_for(config, url)["Cache-Control"]
        assert "immutable" not in cache and max_age(cache) <= 300, (url, cache)
    for file in sample.rglob("*"):  # no built file gets two Cache-Control values
        headers_for(config, "/" + file.relative_to(sample).as_posix())


def test_init_writes_the_same_headers_and_redirects(tmp_path: Path) -> None:
    assert run("init", tmp_path / "mag").exit_code == 0
    mine = netlify_config(tmp_path / "mag/netlify.toml")
    repo = netlify_config()
    assert (mine["headers"], mine["redirects"], mine["build"]["publish"]) == (
        repo["headers"], repo["redirects"], repo["build"]["publish"])
    assert "magsite build" in mine["build"]["command"]
    assert "magsite==" in (tmp_path / "mag/requirements.txt").read_text()


def test_the_ci_workflow_tests_checks_builds_and_deploys() -> None:
    workflow = yaml.safe_load((REPO / ".github/workflows/deploy.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"push", "pull_request", "schedule"} <= set(triggers)
    steps = [s.get("run", "") for s in workflow["jobs"]["deploy"]["steps"]]
    order = [next(i for i, s in enumerate(steps) if needle in s)
             for needle in ("make test", "magsite check --strict", "magsite build", "netlify-cli")]
    assert order == sorted(order)
    deploy = workflow["jobs"]["deploy"]["steps"][order[-1]]
    assert "--dir output" in deploy["run"] and "--prod" in deploy["run"]
    assert set(deploy["env"]) == {"NETLIFY_AUTH_TOKEN", "NETLIFY_SITE_ID"}
    readme = (REPO / "README.md").read_text()
    assert "NETLIFY_AUTH_TOKEN" in readme and "NETLIFY_SITE_ID" in readme


def test_the_wheel_carries_the_default_theme(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "magsite", "themes"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(REPO / name, src / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", tmp_path / "dist",
         "."], cwd=src, check=True, capture_output=True, timeout=120,
    )
    [wheel] = (tmp_path / "dist").glob("magsite-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "magsite/themes/default/templates/base.html" in names
    # a fresh environment holding the unpacked wheel; its dependencies come from this one's site-packages,
    # added by a path file (which, unlike a site folder, does not activate this checkout's editable install)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", tmp_path / "venv"], check=True, timeout=60)
    [site_packages] = (tmp_path / "venv/lib").glob("python3*/site-packages")
    zipfile.ZipFile(wheel).extractall(site_packages)
    deps = next(p for p in map(Path, sys.path) if p.name == "site-packages" and (p / "jinja2").is_dir())
    (site_packages / "deps.pth").write_text(f"{deps}\n")
    cli = [tmp_path / "venv/bin/python", "-c", "import sys, magsite.cli; print(magsite.cli.__file__, file=sys.stderr); "
           "magsite.cli.main()"]
    subprocess.run([*cli, "init", tmp_path / "site"], cwd=tmp_path, check=True, capture_output=True, timeout=60)
    built = subprocess.run([*cli, "build", "--site", "site"], cwd=tmp_path, capture_output=True, timeout=60, text=True)
    assert built.returncode == 0, built.stderr
    assert built.stderr.startswith(str(site_packages / "magsite/cli.py"))  # the wheel's code, not the checkout's
    assert (tmp_path / "site/output/news/welcome/index.html").is_file()


class NetlifyLikeHandler(SimpleHTTPRequestHandler):
    """Serves the build with the headers netlify.toml gives each path."""

    config: ClassVar[dict] = {}

    def end_headers(self) -> None:
        for name, value in headers_for(self.config, self.path.split("?")[0]).items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(sample: Path) -> Iterator[str]:
    (sample / "csp-canary.html").write_text(
        "<!DOCTYPE html><title>canary</title><script>document.title = 'ran';</script>\n")
    NetlifyLikeHandler.config = netlify_config()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(NetlifyLikeHandler, directory=str(sample)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_pages_load_under_the_csp_without_violations(server: str, sample: Path) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        messages: list[str] = []
        page.on("console", lambda m: messages.append(m.text))
        page.on("pageerror", lambda e: messages.append(str(e)))
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation',"
            " e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
        )
        # the canary proves violations are seen: its inline script is blocked and reported
        page.goto(f"{server}/csp-canary.html")
        assert page.title() == "canary"
        assert any("script-src" in m for m in messages), messages
        messages.clear()
        urls = ["/smart-bombs/putins-nightmare-belgorod/", "/navy/carrier-air-wing-range-problem/",  # corrections
                "/", "/smart-bombs/", "/author/maya-carlin/", "/404.html"]
        if (sample / "search/index.html").exists():
            urls.append("/search/?q=Belgorod")  # Pagefind: a worker, WebAssembly and its index files
        for url in urls:
            response = page.goto(server + url)
            assert response is not None and response.ok
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_load_state("networkidle")
            if url.startswith("/search/"):  # the search really ran under the policy
                page.locator(".search-result-title a").first.wait_for(timeout=15000)
            assert page.evaluate("[...document.styleSheets].length") >= 1  # the stylesheet was allowed
            assert not [m for m in messages if "Content Security Policy" in m or "CSP" in m], (url, messages)
        browser.close()
