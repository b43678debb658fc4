"""Measure the search index of a site: indexing time, bundle size, and the bytes one query fetches.

Usage: python bench/search_index.py SITE_DIR [QUERY]

Builds SITE_DIR into a temporary folder (timing each stage), indexes it once more on its own (wall time,
Pagefind's CPU time and peak memory), then serves it on 127.0.0.1 and runs QUERY (default: the first word
of the site's title) on /search/ in headless Chromium, adding up every byte fetched from /pagefind/.
"""

from __future__ import annotations

import functools
import resource
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Response, sync_playwright

from magsite.build import BuildOptions, build
from magsite.config import load_config
from magsite.search import find_pagefind, index_site


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def query_bytes(out: Path, query: str) -> tuple[dict[str, int], str]:
    """Bytes of each file fetched from /pagefind/ to show the first page of results for query; the status."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(out)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    fetched: dict[str, int] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()

            def on_response(response: Response) -> None:
                if "/pagefind/" in response.url:
                    fetched[response.url.split("/pagefind/")[1]] = len(response.body())

            page.on("response", on_response)
            page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/search/?q={quote(query)}")
            page.locator(".search-result").first.wait_for(timeout=60_000)
            page.wait_for_load_state("networkidle")
            status = page.locator("[data-search-status]").inner_text()
            browser.close()
    finally:
        httpd.shutdown()
    return fetched, status


def main() -> None:
    site = Path(sys.argv[1])
    query = sys.argv[2] if len(sys.argv) > 2 else load_config(site).title.split()[0]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "output"
        result = build(site, BuildOptions(output=out, cache=False))
        bundle = out / "pagefind"
        files = [f for f in bundle.rglob("*") if f.is_file()]
        index = [f for f in files if f.suffix.startswith(".pf_") or f.suffix == ".pagefind"]
        print(f"articles: {result.pages['article']}")
        print("stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items()))
        before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        index_site(out, find_pagefind(), changed=True)
        wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        print(f"indexing again: {wall:.2f} s wall, Pagefind {cpu:.2f} s CPU, peak {after.ru_maxrss / 1024:.0f} MiB")
        print(f"bundle: {len(files)} files, {sum(f.stat().st_size for f in files):,} bytes")
        print(f"  index (fragments, words, filters, meta, wasm): {sum(f.stat().st_size for f in index):,} bytes")
        for kind in ("fragment", "index", "filter"):
            chunk = [f.stat().st_size for f in (bundle / kind).iterdir()]
            print(f"  {kind}/: {len(chunk)} files, {sum(chunk):,} bytes")
        fetched, status = query_bytes(out, query)
        print(f"query {query!r}: {status}; fetched {sum(fetched.values()):,} bytes from /pagefind/:")
        for name, size in sorted(fetched.items(), key=lambda item: -item[1]):
            print(f"  {size:>10,}  {name}")


if __name__ == "__main__":
    main()
