"""What crawlers and social sites read about a page: share images with their pixel sizes, the X handle, the locale."""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image as PILImage

from magsite.config import SiteConfig
from magsite.images import Images
from magsite.records import Image


@dataclass
class ImageSizes:
    """Pixel sizes of local images: upright sizes of processed ones, else read (its header only, by Pillow)
    when first asked for.

    Pages that an incremental build skips never open their images; `stamp` is the cheap stand-in
    for an image's size in their fingerprints.
    """

    site_dir: Path
    processed: Images = field(default_factory=lambda: Images({}))
    known: dict[str, tuple[int, int] | None] = field(default_factory=dict)

    def __call__(self, src: str) -> tuple[int, int] | None:
        found = self.processed.get(src)
        if found and found.width and found.height:
            return found.width, found.height
        if src not in self.known:
            self.known[src] = None
            if not src.startswith(("https://", "http://")):
                try:
                    with PILImage.open(self.site_dir / "content" / src) as im:
                        self.known[src] = im.size
                except (OSError, ValueError, PILImage.DecompressionBombError):
                    pass  # an unreadable image has no stated size
        return self.known[src]

    def stamp(self, src: str) -> str:
        """What changes whenever the image file does (size, times, inode), without reading it."""
        if not src or src.startswith(("https://", "http://")):
            return src
        try:
            st = os.stat(self.site_dir / "content" / src)
        except OSError:
            return "missing"
        return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


@dataclass(frozen=True, slots=True)
class ShareImage:
    """An image as og:image, feed media and JSON-LD name it: an absolute URL and, when known, its size."""

    url: str
    src: str  # images/... path or https URL
    sizes: ImageSizes = field(repr=False, compare=False)
    size: tuple[int, int] | None = None  # known already (a processed crop); else asked of `sizes`

    @property
    def width(self) -> int | None:
        size = self.size or self.sizes(self.src)
        return size[0] if size else None

    @property
    def height(self) -> int | None:
        size = self.size or self.sizes(self.src)
        return size[1] if size else None

    @property
    def type(self) -> str | None:
        return mimetypes.guess_type(urlsplit(self.url).path)[0]


def media_url(src: str, config: SiteConfig) -> str:
    """The absolute URL of an image given as an images/... path or an https URL."""
    return src if src.startswith(("https://", "http://")) else config.absolute("/" + src)


def share_image(src: str, config: SiteConfig, sizes: ImageSizes) -> ShareImage:
    """One image (images/... path or https URL) with its absolute URL."""
    return ShareImage(media_url(src, config), src, sizes)


def image_urls(image: Image, config: SiteConfig, sizes: ImageSizes) -> tuple[ShareImage, ...]:
    """The images that stand for an article: its 1200x630 og:image, then its 16:9, 4:3 and 1:1 crops
    (made by the image step), or the hero image itself when it has none (a remote image)."""
    made = sizes.processed.image_set(image)
    if made is None:
        return (share_image(image.src, config, sizes),)
    return tuple(
        ShareImage(config.absolute(r.url), r.url.lstrip("/"), sizes, (r.width, r.height))
        for r in (made.og, *made.crops)
    )


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
