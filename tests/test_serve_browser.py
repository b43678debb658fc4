"""Live reload in a real headless Chromium: the test only edits files; the open page follows by itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, article, make_site
from playwright.sync_api import Browser, Page, sync_playwright
from preview import WAIT, Preview

A = "content/articles/2024/05/first-strike.md"
CSS = "themes/default/static/css/main.css"
# A strict policy: the live-reload script must work as an external file, without inline script or style.
CSP = """{% extends "theme/base.html" %}
{% block head %}<meta http-equiv="Content-Security-Policy" content="default-src 'self'">{% endblock %}
"""
TIMEOUT_MS = WAIT * 1000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    page.close()
    assert refused == []


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, Preview]]:
    files = {"templates/base.html": CSP, CSS: "body { color: rgb(1, 2, 3); }\n", A: article(body="The original text.")}
    site = make_site(tmp_path / "site", files)
    preview = Preview(site, "--port", "0")
    yield site, preview
    preview.stop()


def open_article(page: Page, preview: Preview) -> None:
    page.goto(f"http://127.0.0.1:{preview.port}/smart-bombs/first-strike/")
    page.wait_for_selector("html[data-magsite-preview=live]", state="attached")


def test_an_open_article_shows_the_saved_text_by_itself(page: Page, site: tuple[Path, Preview]) -> None:
    root, preview = site
    open_article(page, preview)
    assert page.inner_text(".article-body") == "The original text."
    (root / A).write_text(article(body="Text saved while the page was open."))
    page.wait_for_selector("text=Text saved while the page was open.")
    assert page.inner_text(".article-body") == "Text saved while the page was open."


def test_a_broken_file_shows_an_overlay_that_the_fix_clears(page: Page, site: tuple[Path, Preview]) -> None:
    root, preview = site
    open_article(page, preview)
    (root / A).write_text(article(author="nobody", body="Broken edit."))
    overlay = page.wait_for_selector("#magsite-problems")
    terminal = preview.wait_for_line(r"unknown author 'nobody'")
    assert overlay.inner_text().splitlines()[1:] == [terminal]
    assert page.inner_text(".article-body") == "The original text."  # the last good build, underneath

    (root / A).write_text(article(body="Fixed edit."))
    page.wait_for_selector("#magsite-problems", state="detached")
    page.wait_for_selector("text=Fixed edit.")


def test_a_stylesheet_change_is_swapped_in_without_a_reload(page: Page, site: tuple[Path, Preview]) -> None:
    root, preview = site
    css = root / CSS
    open_article(page, preview)
    page.wait_for_function("() => getComputedStyle(document.body).color === 'rgb(1, 2, 3)'")
    page.evaluate("() => { window.notReloaded = true; }")
    css.write_text("body { color: rgb(200, 0, 0); }\n")
    page.wait_for_function("() => getComputedStyle(document.body).color === 'rgb(200, 0, 0)'")
    assert page.evaluate("() => window.notReloaded") is True, preview.lines
    assert page.eval_on_selector_all("link[rel=stylesheet]", "links => links.length") == 1


def test_every_open_tab_reloads(browser: Browser, site: tuple[Path, Preview]) -> None:
    """Eight tabs: more than a browser's six connections per server, so the event stream must be shared."""
    root, preview = site
    tabs = [browser.new_page() for _ in range(8)]
    try:
        for tab in tabs:
            tab.set_default_timeout(TIMEOUT_MS)
            open_article(tab, preview) if tab is tabs[0] else tab.goto(f"http://127.0.0.1:{preview.port}/")
        (root / A).write_text(article("Headline For Every Tab"))
        for tab in tabs:
            tab.wait_for_selector("text=Headline For Every Tab")
    finally:
        for tab in tabs:
            tab.close()
