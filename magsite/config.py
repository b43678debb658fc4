"""The site configuration (`magsite.yaml`): parsed once into a frozen, typed object."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from magsite.errors import ContentError, Problem, raise_if_errors
from magsite.fields import Fields
from magsite.frontmatter import decode, parse_mapping

CONFIG_FILE = "magsite.yaml"
PERMALINK_TOKENS = {"section", "slug", "year", "month", "day"}
IMAGE_FORMATS = ("avif", "webp")  # AVIF only where the installed Pillow can write it
AD_SIZES = {"header": (728, 90), "sidebar": (300, 250), "in_article": (300, 250), "article_end": (728, 90)}


@dataclass(frozen=True, slots=True)
class Social:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Publisher:
    name: str
    logo: str | None  # site-relative image path or https URL


@dataclass(frozen=True, slots=True)
class AdSlot:
    """An advertisement slot: the snippet and the box it reserves so nothing shifts when it loads."""

    name: str
    html: str
    width: int
    height: int
    after_paragraph: int = 3  # only for the in-article slot


@dataclass(frozen=True)
class SiteConfig:
    title: str  # site name, in the masthead and every <title>
    base_url: str  # absolute origin + path prefix, no trailing slash
    tagline: str = ""  # one line under the masthead
    language: str = "en"  # BCP 47
    timezone: str = "UTC"  # IANA name, for dates without an offset
    theme: str = "default"  # folder under themes/
    permalink: str = "/{section}/{slug}/"  # article URL pattern
    per_page: int = 20  # cards per list page
    social: tuple[Social, ...] = ()  # "Connect with us" links
    publisher: Publisher | None = None  # organisation in structured data
    ads: dict[str, AdSlot] = field(default_factory=dict)  # only slots with a snippet
    copyright: str = ""  # footer line; defaults to "© {title}"
    feed_limit: int = 20  # items per feed
    feed_full_content: bool = True  # full article HTML in feeds, else summary only
    image_widths: tuple[int, ...] = (480, 800, 1200, 1600)  # responsive widths, never upscaled
    image_formats: tuple[str, ...] = IMAGE_FORMATS  # written beside the source's own format, best first
    image_max_pixels: int = 80_000_000  # larger images are refused (decompression bombs)
    search: bool = True  # build the search index
    max_article_bytes: int = 1_000_000  # larger Markdown files are refused (limits.max_article_bytes)
    max_image_bytes: int = 50_000_000  # larger image files are refused (limits.max_image_bytes)
    warnings: tuple[Problem, ...] = field(default=(), compare=False, repr=False)  # reported by every build
    extra: dict[str, object] = field(default_factory=dict)  # unknown keys are errors; kept for themes

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def base_path(self) -> str:
        """The path part of base_url ('' at a domain root), prefixed to every site URL in HTML."""
        return urlsplit(self.base_url).path.rstrip("/")

    @cached_property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def absolute(self, url: str) -> str:
        """A site URL ('/x/') as an absolute URL under base_url."""
        return self.base_url + url


_KNOWN = [
    "title",
    "tagline",
    "base_url",
    "language",
    "timezone",
    "theme",
    "permalink",
    "per_page",
    "social",
    "publisher",
    "ads",
    "copyright",
    "feeds",
    "images",
    "search",
    "limits",
]
# Characters a URL may hold as written (RFC 3986); quotes, brackets, spaces and controls are not among them.
_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def parse_config(text: str, path: str = CONFIG_FILE) -> tuple[SiteConfig | None, list[Problem]]:
    """Validate the YAML text of magsite.yaml; every problem is returned with its line."""
    data, key_lines, problems = parse_mapping(text, path, what=CONFIG_FILE)
    if data is None:
        return None, problems
    f = Fields(data, path, key_lines, problems)
    f.unknown_keys(_KNOWN, error=True)
    title = f.text("title", required=True)
    base_url = f.text("base_url", required=True)
    if base_url is not None:
        parts = urlsplit(base_url)
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or parts.query
            or parts.fragment
            or not _URL_CHARS.fullmatch(base_url)
        ):
            f.error(
                "base_url", f"'base_url' must be an absolute http(s) URL like https://example.com/, not {base_url!r}"
            )
            base_url = None
        else:
            base_url = base_url.rstrip("/")
    language = f.text("language", "en") or "en"
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", language):
        f.error("language", f"'language' must be a BCP 47 tag like en or en-GB, not {language!r}")
    timezone = f.text("timezone", "UTC") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        f.error("timezone", f"unknown timezone {timezone!r}", "use an IANA name like America/New_York")
        timezone = "UTC"
    theme = f.text("theme", "default") or "default"
    if not re.fullmatch(r"[\w.-]+", theme) or theme.startswith("."):
        f.error("theme", f"'theme' must be a folder name, not {theme!r}")
    permalink = f.text("permalink", "/{section}/{slug}/") or "/{section}/{slug}/"
    tokens = set(re.findall(r"\{(\w*)\}", permalink))
    segments = permalink.strip("/").split("/")  # each would be a folder of output/
    if not permalink.startswith("/") or not permalink.endswith("/") or "slug" not in tokens:
        f.error("permalink", "'permalink' must start and end with '/' and contain {slug}")
    elif any(s in ("", ".", "..") for s in segments) or not _URL_CHARS.fullmatch(re.sub(r"\{\w*\}", "x", permalink)):
        f.error("permalink", f"'permalink' must be a plain site path (no '..', '//' or spaces), not {permalink!r}")
    elif tokens - PERMALINK_TOKENS:
        f.error(
            "permalink",
            f"'permalink' has unknown placeholders: {', '.join(sorted(tokens - PERMALINK_TOKENS))}",
            "use " + ", ".join("{" + t + "}" for t in sorted(PERMALINK_TOKENS)),
        )
    per_page = f.integer("per_page", 20, minimum=1, maximum=1000)
    social = _social(f)
    publisher = None
    if (pub := f.mapping("publisher")) is not None:
        p = f.sub("publisher", pub)
        p.unknown_keys(("name", "logo"), error=True)
        logo = p.text("logo")
        if logo and urlsplit(logo).scheme not in ("", "http", "https"):
            p.error("logo", f"'publisher.logo' must be an https URL or a path like images/logo.png, not {logo!r}")
        publisher = Publisher(p.text("name", title) or "", logo)
    feeds = f.sub("feeds", f.mapping("feeds") or {})
    feeds.unknown_keys(("limit", "full_content"), error=True)
    limits = f.sub("limits", f.mapping("limits") or {})
    limits.unknown_keys(("max_article_bytes", "max_image_bytes"), error=True)
    images = f.sub("images", f.mapping("images") or {})
    images.unknown_keys(("widths", "formats", "max_pixels"), error=True)
    widths = _widths(images)
    formats = tuple(f.lower() for f in images.text_list("formats")) or IMAGE_FORMATS
    if set(formats) - set(IMAGE_FORMATS):
        images.error("formats", f"'images.formats' may list {' and '.join(IMAGE_FORMATS)}, not {list(formats)}")
    config = SiteConfig(
        title=title or "",
        base_url=base_url or "",
        tagline=f.text("tagline", "") or "",
        language=language,
        timezone=timezone,
        theme=theme,
        permalink=permalink,
        per_page=per_page,
        social=social,
        publisher=publisher or Publisher(title or "", None),
        ads=_ads(f),
        copyright=f.text("copyright", "") or f"© {title}",
        feed_limit=feeds.integer("limit", 20, minimum=1, maximum=10_000),
        feed_full_content=feeds.boolean("full_content", True),
        image_widths=widths,
        image_formats=tuple(dict.fromkeys(formats)),
        image_max_pixels=images.integer("max_pixels", 80_000_000, minimum=1, maximum=178_000_000),  # Pillow's own cap
        search=f.boolean("search", True),
        max_article_bytes=limits.integer("max_article_bytes", 1_000_000, minimum=1000),
        max_image_bytes=limits.integer("max_image_bytes", 50_000_000, minimum=1000),
    )
    config = replace(config, warnings=tuple(p for p in problems if p.warning))
    return (None if any(not p.warning for p in problems) else config), problems


def _social(f: Fields) -> tuple[Social, ...]:
    value = f.data.get("social")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
        f.error("social", "'social' must be a list of {name, url} entries")
        return ()
    links = []
    for item in value:
        name, url = item.get("name"), item.get("url")
        if (
            not isinstance(name, str)
            or not isinstance(url, str)
            or not url.startswith(("https://", "http://", "mailto:"))
        ):
            f.error("social", f"each 'social' entry needs a name and an http(s) or mailto url, not {item!r}")
            continue
        links.append(Social(name, url))
    return tuple(links)


def _widths(f: Fields) -> tuple[int, ...]:
    value = f.data.get("widths")
    if value is None:
        return (480, 800, 1200, 1600)
    if not isinstance(value, list) or not value or not all(isinstance(w, int) and 16 <= w <= 10_000 for w in value):
        f.error("widths", "'images.widths' must be a list of pixel widths between 16 and 10000")
        return (480, 800, 1200, 1600)
    return tuple(sorted(set(value)))


def _ads(f: Fields) -> dict[str, AdSlot]:
    value = f.mapping("ads")
    if not value:
        return {}
    slots = {}
    for name, spec in value.items():
        if spec is None or spec == "":
            continue
        if name not in AD_SIZES:  # a custom theme may place it; the default theme would silently not
            close = difflib.get_close_matches(str(name), list(AD_SIZES), n=1, cutoff=0.6)
            known = ", ".join(AD_SIZES)
            f.warn(
                "ads",
                f"ad slot '{name}' is not one the default theme places ({known})",
                f"did you mean '{close[0]}'?" if close else None,
            )
        width, height = AD_SIZES.get(name, (300, 250))
        after = 3
        if isinstance(spec, dict):
            a = f.sub("ads", spec, name=f"ads.{name}")
            a.unknown_keys(("html", "width", "height", "after_paragraph"), error=True)
            html = a.text("html")
            width = a.integer("width", width, minimum=1)
            height = a.integer("height", height, minimum=1)
            after = a.integer("after_paragraph", after, minimum=1)
        elif isinstance(spec, str):
            html = spec
        else:
            f.error("ads", f"ad slot '{name}' must be an HTML snippet or a mapping with html, width and height")
            continue
        if html:
            slots[name] = AdSlot(name, html, width, height, after)
    return slots


def load_config(site_dir: Path) -> SiteConfig:
    """Read magsite.yaml from a site folder; raise ContentError listing every problem."""
    try:
        data = (site_dir / CONFIG_FILE).read_bytes()
    except OSError as err:
        hint = "run 'magsite init DIR' or pass --site DIR" if isinstance(err, FileNotFoundError) else None
        raise ContentError(
            [Problem(CONFIG_FILE, None, f"cannot read {CONFIG_FILE}: {err.strerror or err}", hint)]
        ) from None
    text, problems = decode(data, CONFIG_FILE)
    config, more = parse_config(text, CONFIG_FILE) if text is not None else (None, [])
    raise_if_errors(problems + more)
    assert config is not None
    return config
