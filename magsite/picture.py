"""`<picture>` markup for processed images: srcset per format, sizes, and width/height on every <img>."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape, unescape

from markupsafe import Markup

from magsite.images import Images, Processed, Rendition
from magsite.markdown import IMAGE_MARK
from magsite.records import Image

BODY_SIZES = "(min-width: 44rem) 44rem, 100vw"  # inline images span the article column
_MARKED = re.compile(rf'<img\s[^>]*\b{IMAGE_MARK}="[^"]*"[^>]*>')
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')


def picture_html(
    found: Processed | None,
    src_url: str,
    alt: str,
    *,
    base_path: str = "",
    sizes: str = "100vw",
    hero: bool = False,
    width: int | None = None,
    class_name: str = "",
    title: str = "",
) -> str:
    """A <picture> with one <source> per modern format, or a plain <img> for remote and copied files.

    `width` fixes the displayed CSS width (avatars); the height follows the image's shape. The hero
    loads at once with high priority; every other image loads lazily.
    """
    attrs: dict[str, str | int] = {}
    sources = ""
    if found and found.format and found.width and found.height:
        by_format: dict[str, list[Rendition]] = {}
        for r in found.renditions:
            by_format.setdefault(r.format, []).append(r)
        fallback = by_format.pop(found.format)  # the <img>: the source's own format, at most 1200 px as src
        src_url = base_path + next((r for r in reversed(fallback) if r.width <= 1200), fallback[0]).url
        sizes = f"{width}px" if width else sizes
        sources = "".join(
            f'<source type="{group[0].type}" srcset="{_srcset(group, base_path)}" sizes="{escape(sizes)}">'
            for group in by_format.values()
        )
        shown = width or fallback[-1].width
        attrs = {"srcset": _srcset(fallback, base_path), "sizes": sizes}
        attrs |= {"width": shown, "height": max(1, round(shown * found.height / found.width))}
    attrs = {"src": src_url, **attrs, "alt": alt}
    if title:
        attrs["title"] = title
    if class_name:
        attrs["class"] = class_name
    attrs |= {"fetchpriority": "high"} if hero else {"loading": "lazy", "decoding": "async"}
    img = "<img " + " ".join(f'{k}="{escape(str(v))}"' for k, v in attrs.items()) + ">"
    return f"<picture>{sources}{img}</picture>" if sources else img


def _srcset(renditions: list[Rendition], base_path: str) -> str:
    return escape(", ".join(f"{base_path}{r.url} {r.width}w" for r in renditions))


def picture_global(images: Images, base_path: str, media: Callable[[str], str]) -> Callable[..., Markup]:
    """The `picture(image, sizes=..., hero=...)` template global; `image` is an Image record or a path."""

    def picture(
        image: Image | str,
        sizes: str = "100vw",
        hero: bool = False,
        alt: str | None = None,
        width: int | None = None,
        class_name: str = "",
    ) -> Markup:
        src = image if isinstance(image, str) else image.src
        text = alt if alt is not None else getattr(image, "alt", "")
        html = picture_html(
            images.get(src),
            media(src),
            text,
            base_path=base_path,
            sizes=sizes,
            hero=hero,
            width=width,
            class_name=class_name,
        )
        return Markup(html)

    return picture


def with_pictures(html: str, images: Images, base_path: str) -> str:
    """Rendered Markdown with each local image (marked by the Markdown step) as a <picture>."""

    def replace(m: re.Match[str]) -> str:
        attrs = {k: unescape(v) for k, v in _ATTR.findall(m.group(0))}
        found = images.get(attrs[IMAGE_MARK])
        if found is None or found.error:
            return m.group(0)
        return picture_html(
            found,
            attrs.get("src", ""),
            attrs.get("alt", ""),
            base_path=base_path,
            sizes=BODY_SIZES,
            title=attrs.get("title", ""),
        )

    return _MARKED.sub(replace, html)
