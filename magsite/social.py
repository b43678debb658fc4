"""What crawlers and social sites read about a page: share images with their pixel sizes, the X handle, the locale."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image as PILImage

from magsite.config import SiteConfig

Sizes = dict[str, tuple[int, int]]  # site-relative image path -> (width, height) in pixels


@dataclass(frozen=True, slots=True)
class ShareImage:
    """An image as og:image, feed media and JSON-LD name it: an absolute URL and, when known, its size."""

    url: str
    width: int | None = None
    height: int | None = None
    type: str | None = None  # MIME type, from the file name


def read_sizes(site_dir: Path, srcs: Iterable[str]) -> Sizes:
    """Pixel sizes of local images (Pillow reads only the header); unreadable and remote ones are left out."""
    sizes: Sizes = {}
    for src in sorted(set(srcs)):
        if not src or src.startswith(("https://", "http://")):
            continue
        try:
            with PILImage.open(site_dir / "content" / src) as im:
                sizes[src] = im.size
        except (OSError, ValueError, PILImage.DecompressionBombError):
            continue
    return sizes


def share_image(src: str, config: SiteConfig, sizes: Sizes) -> ShareImage:
    """One image (images/... path or https URL) as an absolute URL with its size."""
    url = src if src.startswith(("https://", "http://")) else config.absolute("/" + src)
    width, height = sizes.get(src, (None, None))
    return ShareImage(url, width, height, mimetypes.guess_type(urlsplit(url).path)[0])


def image_urls(src: str, config: SiteConfig, sizes: Sizes) -> tuple[ShareImage, ...]:
    """The images that stand for an article, the og:image first.

    Today that is the original hero image; the image pipeline will return its 16:9, 4:3 and 1:1 crops here.
    """
    return (share_image(src, config, sizes),)


def x_handle(config: SiteConfig) -> str:
    """The site's '@handle' from an X or Twitter link among config.social, or ''."""
    for link in config.social:
        parts = urlsplit(link.url)
        name = parts.path.strip("/")
        if parts.hostname in ("x.com", "twitter.com", "www.x.com", "www.twitter.com") and name and "/" not in name:
            return "@" + name
    return ""


def og_locale(language: str) -> str:
    """A BCP 47 tag as an Open Graph locale ('en-US' -> 'en_US'); '' when the tag names no region."""
    lang, _, region = language.partition("-")
    return f"{lang.lower()}_{region.upper()}" if len(region) == 2 else ""
