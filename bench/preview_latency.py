#!/usr/bin/env python3
"""Measure save-to-reload latency of `magsite serve`: from writing an article file to the open page showing it.

Usage: preview_latency.py SITE ARTICLE URL [--edits 7]

Starts `magsite serve --site SITE --port 0`, opens URL (e.g. /smart-bombs/some-slug/) in headless Debian
Chromium driven by Playwright, then edits ARTICLE (a path under SITE) --edits times, each time appending
a paragraph with a fresh nonce, and times the write until the page, reloaded by the preview itself,
shows the nonce. Prints each latency, the median, and the server's own rebuild times. The article is
restored at the end.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("article", help="the article file, relative to SITE")
    parser.add_argument("url", help="the article's URL path, e.g. /smart-bombs/slug/")
    parser.add_argument("--edits", type=int, default=7)
    args = parser.parse_args()

    article = args.site / args.article
    original = article.read_text(encoding="utf-8")
    code = "import sys; from magsite.cli import main; sys.exit(main())"
    server = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--site", str(args.site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in server.stdout:  # type: ignore[union-attr]
            lines.append(line.rstrip())
            if line.startswith("serving http://"):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(1800):
        raise SystemExit("the preview did not start:\n" + "\n".join(lines))
    port = re.search(r"http://127\.0\.0\.1:(\d+)/", next(x for x in lines if x.startswith("serving")))
    assert port
    time.sleep(3)  # let the first check after the watcher starts finish
    latencies: list[float] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.set_default_timeout(600_000)
            page.goto(f"http://127.0.0.1:{port.group(1)}{args.url}")
            page.wait_for_selector("html[data-magsite-preview=live]", state="attached")
            for i in range(args.edits):
                nonce = f"latency-probe-{time.time_ns()}"
                text = original.rstrip("\n") + f"\n\nPreview probe {nonce}.\n"
                start = time.monotonic()
                article.write_text(text, encoding="utf-8")
                page.wait_for_function(f"() => document.body && document.body.innerText.includes('{nonce}')")
                latencies.append(time.monotonic() - start)
                print(f"edit {i + 1}: {latencies[-1]:.2f} s", flush=True)
                time.sleep(1)
            browser.close()
    finally:
        article.write_text(original, encoding="utf-8")
        time.sleep(2)
        server.terminate()
        server.wait()
    builds = [float(m.group(1)) for x in lines if (m := re.match(r"built in ([\d.]+) s", x))][1:]
    print(
        f"save-to-reload median {statistics.median(latencies):.2f} s (min {min(latencies):.2f}, "
        f"max {max(latencies):.2f}, {len(latencies)} edits)"
    )
    if builds:
        print(f"server rebuilds: median {statistics.median(builds):.2f} s over {len(builds)} rebuilds")


if __name__ == "__main__":
    main()
