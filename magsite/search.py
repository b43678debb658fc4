"""The search index: Pagefind run over the finished site, so /pagefind/ is searchable offline in the browser."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from magsite.config import CONFIG_FILE
from magsite.errors import ContentError, Problem

BUNDLE_DIR = "pagefind"
# Only article pages carry data-pagefind-body; inside them, page furniture that is not the article's own text.
# The theme also marks navigation, footers, related lists, share links and ad slots with data-pagefind-ignore.
EXCLUDE_SELECTORS = (
    "nav",
    "footer",
    "form",
    ".related",
    ".reading-time",
    ".written-by h2",
    ".written-by .bio",
)
_HINT = "install it with pip install 'pagefind[bin]', or set 'search: false' in magsite.yaml"


def find_pagefind() -> Path | None:
    """The Pagefind binary shipped by the pagefind-bin package, else one on PATH."""
    try:
        import pagefind_bin

        return Path(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError):
        found = shutil.which("pagefind")
        return Path(found) if found else None


def index_site(folder: Path) -> int:
    """Index the built site in folder into folder/pagefind/; return the number of files Pagefind wrote.

    Pagefind's own config files and PAGEFIND_* variables are kept out, so the same site gives the same index.
    """
    binary = find_pagefind()
    if binary is None:
        raise ContentError([Problem(CONFIG_FILE, None, "search is on, but Pagefind is not installed", _HINT)])
    command = [str(binary), "--site", str(folder), "--output-subdir", BUNDLE_DIR, "--quiet"]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    try:
        done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, check=False)
    except OSError as err:
        raise ContentError(
            [Problem(CONFIG_FILE, None, f"cannot run Pagefind ({binary}): {err.strerror or err}", _HINT)]
        ) from None
    if done.returncode != 0:
        said = " ".join((done.stderr or done.stdout).split())[-500:]
        raise ContentError([Problem(CONFIG_FILE, None, f"Pagefind failed to index the site: {said}")])
    return sum(1 for p in (folder / BUNDLE_DIR).rglob("*") if p.is_file())
