"""Slugs, permalinks, pagination URLs and the mapping from a URL to its file in output/."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+")
SLUG = re.compile(r"[^\W_](?:[\w-]*[^\W_])?")


def slugify(text: str) -> str:
    """'Hypersonic Weapons' -> 'hypersonic-weapons'; accents dropped, other scripts kept, '' if nothing is left."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub("-", plain.lower()).strip("-")


def is_slug(text: str) -> bool:
    return SLUG.fullmatch(text) is not None and "--" not in text and text == text.lower()


def permalink(pattern: str, **values: str) -> str:
    """Fill a permalink pattern such as '/{section}/{slug}/'."""
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], pattern)


def page_url(base: str, number: int) -> str:
    """URL of page `number` of a paginated list whose first page is `base` ('/x/' -> '/x/page/2/')."""
    return base if number == 1 else f"{base}page/{number}/"


def output_path(url: str) -> str:
    """The file under output/ that serves a site URL: '/x/' -> 'x/index.html', '/feed.xml' -> 'feed.xml'."""
    path = url.lstrip("/")
    return f"{path}index.html" if path == "" or path.endswith("/") else path
