"""Screenshots of the built sample (front, article, section, author pages) at phone and desktop widths.

Usage: .venv/bin/python scripts/screenshots.py OUTPUT_DIR SHOTS_DIR
Serves OUTPUT_DIR on 127.0.0.1 and drives Debian's Chromium through Playwright; no other host is reached.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGES = {
    "front": "/",
    "article": "/smart-bombs/putins-nightmare-belgorod/",
    "section": "/smart-bombs/",
    "author": "/author/maya-carlin/",
}
WIDTHS = {"390": (390, 844), "1366": (1366, 900)}
HEIGHT = {"390": 1700, "1366": 1080}  # a little more than the first screen, so each PNG stays small
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def main(output: Path, shots: Path, full_page: bool = True) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for width, (w, h) in WIDTHS.items():
            page = browser.new_page(viewport={"width": w, "height": h})
            for name, path in PAGES.items():
                page.goto(origin + path, wait_until="networkidle")
                # scroll through so lazy images load, wait for every image, then come back to the top
                page.evaluate("async () => { for (let y = 0; y < document.body.scrollHeight; y += 400)"
                              " { window.scrollTo(0, y); await new Promise(r => setTimeout(r, 30)); } }")
                page.wait_for_function("[...document.images].every(i => i.complete)")
                page.evaluate("window.scrollTo(0, 0)")
                target = shots / f"{name}-{width}.png"
                page.screenshot(path=str(target), full_page=True, clip={"x": 0, "y": 0, "width": w, "height": HEIGHT[width]})
                print(target, target.stat().st_size)
            page.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), full_page="--viewport" not in sys.argv)
