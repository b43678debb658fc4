"""Site search: Pagefind indexes the build, and a reader searches it in a real headless Chromium, offline."""

from __future__ import annotations

import functools
import gzip
import re
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from conftest import CHROMIUM, CHROMIUM_ARGS, CONFIG, NOW, REPO, article, build_site, make_site, run, tree_digest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

# The strict policy the site will be served with: no inline script or style; Pagefind's WebAssembly needs
# 'wasm-unsafe-eval'.
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)
REFERENCE = "/smart-bombs/putins-nightmare-belgorod/"

# A second, small site served under /mini/: unique words placed in page furniture that must stay out of the
# index, and in the parts that must be in it.
MINI = {
    "magsite.yaml": CONFIG.replace("https://example.org/", "https://example.org/mini/")
    + "copyright: Zephyrine Press\nads:\n  article_end: '<p>Halcyonade offers</p>'\n",
    "content/authors/maya-carlin.md": "---\nname: Maya Carlin\n---\nShe collects Quokkaware.\n",
    "content/articles/a.md": article(
        "Vexillology at Sea", dek='"A standfirst about Marzipanic fleets"', tags="[Drones, Lighthouses]"
    ),
    "content/articles/b.md": article("Second Story", date="2024-05-02T09:00:00Z", tags="[Drones, Lighthouses]"),
}


class Handler(SimpleHTTPRequestHandler):
    """Static files with the site's Content-Security-Policy, and no request log on stderr."""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample magazine built and served on 127.0.0.1, with the small site under /mini/."""
    out = tmp_path_factory.mktemp("search") / "output"
    assert run("build", "--site", REPO, "--output", out, "--now", NOW, "--no-cache").exit_code == 0
    mini = make_site(tmp_path_factory.mktemp("mini"), MINI)
    result = build_site(mini, "--output", out / "mini")
    assert result.exit_code == 0, result.output
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(out)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab; any console error (a CSP violation, a failed fetch) or uncaught exception fails the test."""
    context = browser.new_context()
    tab = context.new_page()
    errors: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error" and not msg.location["url"].endswith("/favicon.ico"):  # the theme's business
            errors.append(f"{msg.text} at {msg.location['url']}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda err: errors.append(str(err)))
    yield tab
    context.close()
    assert errors == []


def search(page: Page, url: str) -> list[str]:
    """Open a search URL and return the result links once the status line has settled."""
    page.goto(url)
    expect(page.locator("[data-search-status]")).to_have_text(re.compile(r"results?( |$)|No results"))
    return page.locator(".search-result-title a").evaluate_all("links => links.map(a => a.getAttribute('href'))")


def count(page: Page) -> int:
    status = page.locator("[data-search-status]").inner_text()
    return 0 if status.startswith("No results") else int(status.split()[0])


def test_searching_belgorod_lists_the_reference_article_first(server: str, page: Page) -> None:
    links = search(page, f"{server}/search/?q=Belgorod")
    assert links[0] == REFERENCE
    first = page.locator(".search-result").first
    expect(first.locator(".search-result-title")).to_contain_text("Putin")
    expect(first.locator(".search-result-excerpt mark").first).to_have_text(re.compile("Belgorod", re.I))
    expect(first.locator(".card-section")).to_have_text("Smart Bombs")
    expect(first.locator(".search-result-date")).to_have_text("May 25, 2023")
    expect(first.locator(".byline")).to_contain_text("Maya Carlin")
    expect(page.locator("#search-query")).to_have_value("Belgorod")


def test_the_header_box_of_an_article_page_lands_on_search_with_results(server: str, page: Page) -> None:
    page.goto(server + REFERENCE)
    page.locator("#site-search").fill("Kremlin")
    page.locator("#site-search").press("Enter")
    page.wait_for_url("**/search/?q=Kremlin")
    expect(page.locator(".search-result").first).to_be_visible()
    assert REFERENCE in page.locator(".search-result-title a").evaluate_all("a => a.map(x => x.getAttribute('href'))")
    expect(page.locator("#search-query")).to_have_value("Kremlin")


def test_a_section_filter_narrows_the_results(server: str, page: Page) -> None:
    search(page, f"{server}/search/?q=defense")
    everywhere = count(page)
    page.locator("select[name=section]").select_option("Smart Bombs")
    expect(page.locator("[data-search-status]")).to_contain_text("in Smart Bombs")
    assert 0 < count(page) < everywhere
    sections = page.locator(".search-result .card-section").all_text_contents()
    assert sections and set(sections) == {"Smart Bombs"}
    assert "section=Smart+Bombs" in page.url  # the filtered search can be bookmarked
    assert search(page, page.url) and count(page) < everywhere


def test_an_author_filter_and_newest_first_order(server: str, page: Page) -> None:
    search(page, f"{server}/search/?q=russia&author=Maya+Carlin&sort=date")
    assert count(page) >= 2
    bylines = page.locator(".search-result .byline").all_text_contents()
    assert all("Maya Carlin" in b for b in bylines)
    dates = page.locator(".search-result-date").all_text_contents()
    assert len(dates) >= 2 and dates[-1].endswith("2023")  # newest first: the 2023 reference comes last


def test_a_nonsense_query_says_there_are_no_results(server: str, page: Page) -> None:
    assert search(page, f"{server}/search/?q=qxzvlorbity") == []
    expect(page.locator("[data-search-status]")).to_have_text(re.compile("^No results for “qxzvlorbity”"))


def rare_words() -> dict[str, str]:
    """Article URL -> the body word of that sample article that the fewest other articles use."""
    bodies = {}
    for file in sorted((REPO / "content/articles").rglob("*.md")):
        _, front, body = file.read_text(encoding="utf-8").split("---\n", 2)
        keys = yaml.safe_load(front)
        if not keys.get("draft") and str(keys["date"])[:10] <= NOW[:10]:  # built: neither draft nor future
            bodies[f"/{keys['section']}/{keys.get('slug', file.stem)}/"] = set(re.findall(r"\b[a-z]{7,}\b", body))
    counts = Counter(word for words in bodies.values() for word in words)
    return {url: min(sorted(words), key=lambda w: counts[w]) for url, words in bodies.items()}


def found_by(page: Page, site: str, words: list[str]) -> dict[str, list[str]]:
    """Word -> URLs of its results, straight from the site's index through Pagefind's JS API in the page."""
    page.goto(f"{site}/search/")
    return page.evaluate(
        """async (words) => {
            const pagefind = await import("./../pagefind/pagefind.js");
            await pagefind.options({baseUrl: new URL("..", location.href).pathname});
            const found = {};
            for (const word of words) {
                const search = await pagefind.search(word);
                found[word] = await Promise.all(search.results.map(async (r) => (await r.data()).url));
            }
            return found;
        }""",
        words,
    )


def test_every_sample_article_is_found_by_a_word_of_its_body(server: str, page: Page) -> None:
    words = rare_words()
    assert len(words) > 30
    found = found_by(page, server, list(words.values()))
    assert [f"{word} -> {url}" for url, word in words.items() if url not in found[word]] == []


def test_page_furniture_is_not_indexed_but_the_article_parts_are(server: str, page: Page) -> None:
    found = found_by(page, f"{server}/mini", ["Zephyrine", "Quokkaware", "Halcyonade", "Tests", "Vexillology"])
    assert found.pop("Vexillology") == ["/mini/smart-bombs/a/"]  # its title; not b, which lists it as related
    assert found == {"Zephyrine": [], "Quokkaware": [], "Halcyonade": [], "Tests": []}  # footer, bio, ad, tagline
    # the parts of an article that are indexed, through the search page
    assert search(page, f"{server}/mini/search/?q=Marzipanic") == ["/mini/smart-bombs/a/"]  # dek
    assert len(search(page, f"{server}/mini/search/?q=Lighthouses")) == 2  # tag
    assert len(search(page, f"{server}/mini/search/?q=Carlin")) == 3  # author name, on all three articles


def test_without_javascript_the_search_page_explains_and_links_sections(browser: Browser, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{server}/search/?q=Belgorod")
    message = tab.locator("noscript .search-status")  # Playwright's text matchers skip <noscript>
    expect(message).to_be_visible()
    assert "needs JavaScript" in message.evaluate("p => p.textContent")
    expect(tab.locator(".search-sections a", has_text="Smart Bombs")).to_have_attribute("href", "/smart-bombs/")
    context.close()


def test_search_false_builds_no_index_and_no_search_page(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {"magsite.yaml": CONFIG + "search: false\n"})
    assert build_site(site).exit_code == 0
    assert (site / "output/smart-bombs/first-strike/index.html").is_file()
    assert not (site / "output/pagefind").exists()
    assert not (site / "output/search").exists()


def test_a_missing_pagefind_is_a_clear_error_and_output_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(tmp_path / "s")
    assert build_site(site).exit_code == 0
    assert (site / "output/pagefind/pagefind.js").is_file()
    before = tree_digest(site / "output")
    (site / "content/articles/2024/05/first-strike.md").write_text(article(body="An edit to index."))
    monkeypatch.setitem(sys.modules, "pagefind_bin", None)  # the package is gone
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # and no pagefind on PATH
    result = build_site(site)
    assert result.exit_code == 1
    assert "magsite.yaml: search is on, but Pagefind is not installed" in result.output
    assert "search: false" in result.output
    assert "Traceback" not in result.output
    assert tree_digest(site / "output") == before


def test_a_failed_indexing_is_reported_and_redone_by_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path / "s")
    assert build_site(site).exit_code == 0
    (site / "content/articles/2024/05/first-strike.md").write_text(article(body="Quasarine sightings."))
    fake = tmp_path / "bin/pagefind"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'disk on fire' >&2\nexit 3\n")
    fake.chmod(0o755)
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, "pagefind_bin", None)
        patch.setenv("PATH", str(fake.parent))
        failed = build_site(site)
    assert failed.exit_code == 1
    assert "magsite.yaml: Pagefind failed to index the site: disk on fire" in failed.output
    assert "search keeps the previous index" in failed.output
    assert "Quasarine" in (site / "output/smart-bombs/first-strike/index.html").read_text()

    assert build_site(site).exit_code == 0  # no source changed since, yet the index is made again
    fragments = (site / "output/pagefind/fragment").iterdir()
    assert any(b"Quasarine" in gzip.decompress(f.read_bytes()) for f in fragments)
    assert not (site / ".output.pagefind").exists()
