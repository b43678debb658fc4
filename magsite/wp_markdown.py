"""WordPress post HTML -> clean Markdown: WordPress's own transforms first, then markdownify.

The order follows WordPress's `the_content` filters: block comments go, embeds and bare video URLs
become players, classic posts get `wpautop` paragraphs, then `[caption]` and `[gallery]` are expanded.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from markdownify import ATX, BACKSLASH, MarkdownConverter


@dataclass(frozen=True, slots=True)
class Picture:
    """An image attachment as a gallery or caption needs it."""

    url: str
    alt: str
    caption: str = ""  # HTML allowed, as WordPress stores it


@dataclass(frozen=True, slots=True)
class Converted:
    markdown: str
    notes: tuple[str, ...]  # what could not be converted faithfully, one sentence each


ImageSrc = Callable[[str], str]  # an image URL as found -> the src to write (a local images/ path or a URL)

_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^>]*?-->\n?")
_MORE = re.compile(r"<!--\s*(?:more\b[^>]*|nextpage|noteaser)\s*-->")
_VIDEO_FILE = re.compile(r"\.(?:mp4|m4v|webm|ogv|mov)(?:\?.*)?$", re.I)
_AUDIO_FILE = re.compile(r"\.(?:mp3|m4a|ogg|oga|wav|flac)(?:\?.*)?$", re.I)
_BARE_URL = re.compile(r"^[ \t]*(?:<p>[ \t]*)?(https?://[^\s<>\"']+)[ \t]*(?:</p>[ \t]*)?$", re.M)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>\n?", re.S | re.I)
_PRE = re.compile(r"<pre\b.*?</pre>", re.S | re.I)
_ATTR = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)"""
    r"""|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"""
)
_LOOKS_LIKE_SHORTCODE = re.compile(r"(?<!\[)\[([A-Za-z][\w-]*)((?:\s+[^\]]*)?)/?\](?!\])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"(^|\n)([ \t]*)(#{1,6}(?=\s)|[-+*](?=\s)|>)")  # would start a heading, list or quote
_ORDERED = re.compile(r"(^|\n)([ \t]*\d{1,9})([.)])(?=\s)")

OEMBED_HOSTS = {  # sites WordPress embeds from a bare URL with their scripts; magsite links to them instead
    "twitter.com",
    "x.com",
    "instagram.com",
    "facebook.com",
    "tiktok.com",
    "soundcloud.com",
    "open.spotify.com",
    "flickr.com",
    "reddit.com",
    "dailymotion.com",
    "ted.com",
    "scribd.com",
    "imgur.com",
    "tumblr.com",
    "wordpress.tv",
}
EARLY = ("embed", "youtube", "vimeo", "video", "audio")
LATE = ("caption", "wp_caption", "gallery")


def shortcode_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """WordPress's get_shortcode_regex(): [name attrs], [name attrs /], [name]...[/name] and [[escaped]]."""
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(
        r"\[(\[?)(" + alternatives + r")(?![\w-])([^\]/]*(?:/(?!\])[^\]/]*)*?)"
        r"(?:(/)\]|\](?:((?:(?!\[/\2\]).)*?)\[/\2\])?)(\]?)",
        re.S,
    )


def shortcode_attrs(text: str) -> tuple[dict[str, str], list[str]]:
    """WordPress's shortcode_parse_atts(): named attributes and positional values; `[youtube=URL]` is positional."""
    text = text.strip()
    if text.startswith("="):
        return {}, [text[1:].strip()]
    named: dict[str, str] = {}
    positional: list[str] = []
    for m in _ATTR.finditer(text.replace("\u00a0", " ").replace("\u200b", " ")):
        if m.group(1):
            named[m.group(1).lower()] = m.group(2)
        elif m.group(3):
            named[m.group(3).lower()] = m.group(4)
        elif m.group(5):
            named[m.group(5).lower()] = m.group(6)
        else:
            positional.append(next(g for g in m.groups()[6:] if g is not None))
    return named, positional


def embed_url(url: str) -> str | None:
    """The https player URL of a YouTube or Vimeo page URL, None for anything else."""
    parts = urlsplit(html.unescape(url.strip()))
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    path = parts.path
    video = ""
    if host in ("youtube.com", "youtube-nocookie.com"):
        if path == "/watch":
            video = parse_qs(parts.query).get("v", [""])[0]
        elif path.startswith(("/embed/", "/shorts/", "/live/", "/v/")):
            video = path.split("/")[2]
    elif host == "youtu.be":
        video = path.lstrip("/").split("/")[0]
    elif host in ("vimeo.com", "player.vimeo.com"):
        number = next((p for p in path.split("/") if p.isdigit()), "")
        return f"https://player.vimeo.com/video/{number}" if number else None
    if video and re.fullmatch(r"[\w-]{6,20}", video):
        return f"https://www.youtube-nocookie.com/embed/{video}"
    return None


def _player(url: str) -> str | None:
    """HTML for a media URL: an iframe for video sites, <video>/<audio> for media files, None otherwise."""
    url = html.unescape(url.strip())
    if (src := embed_url(url)) is not None:
        return f'<iframe src="{html.escape(src)}" title="Video"></iframe>'
    if not url.startswith(("https://", "http://")):
        return None
    if _VIDEO_FILE.search(urlsplit(url).path):
        return f'<video src="{html.escape(url)}"></video>'
    if _AUDIO_FILE.search(urlsplit(url).path):
        return f'<audio src="{html.escape(url)}"></audio>'
    return None


def wpautop(text: str) -> str:
    """A port of WordPress's wpautop(): blank lines make paragraphs, single newlines make <br />."""
    if not text.strip():
        return ""
    blocks = (
        r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area"
        r"|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer"
        r"|nav|figure|figcaption|details|menu|summary)"
    )
    pre: dict[str, str] = {}

    def hide_pre(m: re.Match[str]) -> str:
        key = f"<pre wp-pre-tag-{len(pre)}></pre>"
        pre[key] = m.group(0)
        return key

    text = _PRE.sub(hide_pre, text + "\n")
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text)
    text = re.sub(rf"(<{blocks}[\s/>])", r"\n\n\1", text)
    text = re.sub(rf"(</{blocks}>)", r"\1\n\n", text)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text)
    text = re.sub(r"<(?:!--.*?-->|[^>]*>)", lambda m: m.group(0).replace("\n", " <!-- wpnl --> "), text, flags=re.S)
    for tag in ("option", "source", "track", "param", "embed", "figcaption"):
        if f"<{tag}" in text:
            text = re.sub(rf"\s*(<{tag}[^>]*>)", r"\1", text)
            text = re.sub(rf"(</{tag}>)\s*", r"\1", text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p]
    text = "".join(f"<p>{p.strip(chr(10))}</p>\n" for p in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>\s*(</?{blocks}[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?{blocks}[^>]*>)", r"\1", text)
    text = re.sub(rf"(</?{blocks}[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(
        r"<(script|style|svg|math).*?</\1>",
        lambda m: m.group(0).replace("\n", "<WPPreserveNewline />"),
        text,
        flags=re.S,
    )
    text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
    text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
    text = text.replace("<WPPreserveNewline />", "\n")
    text = re.sub(rf"(</?{blocks}[^>]*>)\s*<br />", r"\1", text)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    for key, value in pre.items():
        text = text.replace(key, value)
    return text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")


def _autoembed(text: str, notes: list[str]) -> str:
    """Media URLs alone on a line become players, as WordPress's autoembed does (never inside <pre>)."""

    def embed(m: re.Match[str]) -> str:
        url = m.group(1)
        if (player := _player(url)) is not None:
            return f"\n{player}\n"
        host = urlsplit(url).netloc.lower().removeprefix("www.")
        if host in OEMBED_HOSTS:
            notes.append(f"the {host} embed of {url} is kept as a link")
        return f'\n<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>\n'

    pieces = []
    last = 0
    for m in _PRE.finditer(text):
        pieces += [_BARE_URL.sub(embed, text[last : m.start()]), m.group(0)]
        last = m.end()
    return "".join([*pieces, _BARE_URL.sub(embed, text[last:])])


class _Converter(MarkdownConverter):
    """markdownify with players, figures and images as magsite wants them, and nothing unsafe let through."""

    def __init__(self, image_src: ImageSrc, notes: list[str]) -> None:
        super().__init__(
            heading_style=ATX,
            bullets="-",
            newline_style=BACKSLASH,
            bs4_options="html.parser",
            keep_inline_images_in=["a"],
        )
        self.image_src = image_src
        self.notes = notes

    def escape(self, text: str, parent_tags: Any) -> str:
        text = super().escape(text, parent_tags)
        # text that looked like markup or Markdown in WordPress must stay text
        text = _ENTITY.sub(r"\\&", text.replace("<", r"\<"))
        return _ORDERED.sub(r"\1\2\\\3", _LINE_START.sub(r"\1\2\\\3", text))

    def _src(self, el: Any) -> str:
        src = el.get("src") or ""
        if not src or src.startswith("data:"):
            src = el.get("data-src") or el.get("data-lazy-src") or el.get("data-orig-file") or src
        return self.image_src(src) if src and not src.startswith("data:") else ""

    def convert_img(self, el: Any, text: str, parent_tags: Any) -> str:
        src = self._src(el)
        if not src:
            return ""
        alt = " ".join((el.get("alt") or "").split()).replace("[", "(").replace("]", ")")
        if "_inline" in parent_tags and el.parent.name != "a":
            return alt
        return f"![{alt}]({_link(src)})"

    def convert_a(self, el: Any, text: str, parent_tags: Any) -> str:
        href = el.get("href")
        if href:
            el["href"] = _link(href)
        return str(super().convert_a(el, text, parent_tags))

    def convert_figure(self, el: Any, text: str, parent_tags: Any) -> str:
        img = el.find("img")
        if el.find("figure") is not None or img is None or el.find(["iframe", "video", "audio", "table"]):
            return f"\n\n{text.strip()}\n\n"
        image = self.convert_img(img, "", set())
        caption_el = el.find("figcaption")
        caption = self.process_tag(caption_el, set(parent_tags)).strip() if caption_el is not None else ""
        if not caption:
            return f"\n\n{image}\n\n"
        return f"\n\n<figure>\n\n{image}\n\n<figcaption>\n\n{caption}\n\n</figcaption>\n</figure>\n\n"

    def convert_iframe(self, el: Any, text: str, parent_tags: Any) -> str:
        raw = el.get("src") or el.get("data-src") or ""
        src = embed_url(raw) or (
            raw.replace("http://", "https://", 1) if raw.startswith(("https://", "http://")) else ""
        )
        if not src:
            self.notes.append(f"an iframe without an http(s) source ({raw[:60]!r}) was removed")
            return ""
        title = " ".join((el.get("title") or "Embedded content").split())
        return _block(f'<iframe src="{html.escape(src)}" title="{html.escape(title)}" loading="lazy" allowfullscreen>')

    def _media(self, el: Any, tag: str) -> str:
        source = el.find("source", src=True)
        src = el.get("src") or (source.get("src") if source is not None else "")
        if not src.startswith(("https://", "http://")):
            self.notes.append(f"a <{tag}> without an http(s) source was removed")
            return ""
        return _block(f'<{tag} src="{html.escape(src)}" controls preload="metadata">', tag)

    def convert_video(self, el: Any, text: str, parent_tags: Any) -> str:
        return self._media(el, "video")

    def convert_audio(self, el: Any, text: str, parent_tags: Any) -> str:
        return self._media(el, "audio")

    def convert_noscript(self, el: Any, text: str, parent_tags: Any) -> str:
        return ""  # the fallback of a lazy-loaded image or a script embed; the real thing is beside it

    def convert_form(self, el: Any, text: str, parent_tags: Any) -> str:
        self.notes.append("a <form> was removed (a static site cannot receive it)")
        return ""


def _block(open_tag: str, tag: str = "iframe") -> str:
    """A player as a raw HTML block on its own, which Markdown passes through and the theme sizes."""
    return f'\n\n<figure class="embed">\n{open_tag}</{tag}>\n</figure>\n\n'


def _link(url: str) -> str:
    """A URL as a Markdown link destination: spaces and parentheses encoded so the link stays one token."""
    return quote(url.strip(), safe="/:?#[]@!$&'*+,;=%~-._")


def _shortcodes(
    text: str, names: Iterable[str], expand: Callable[[str, dict[str, str], list[str], str], str | None]
) -> str:
    """Replace each shortcode of these names by expand(name, attrs, positional, content); None keeps it."""

    def replace(m: re.Match[str]) -> str:
        if m.group(1) == "[" and m.group(6) == "]":  # [[caption]] is how WordPress writes a literal [caption]
            return m.group(0)[1:-1]
        named, positional = shortcode_attrs(m.group(3))
        result = expand(m.group(2).lower(), named, positional, m.group(5) or "")
        return m.group(0) if result is None else m.group(1) + result + m.group(6)

    return shortcode_pattern(names).sub(replace, text)


def to_markdown(
    body: str,
    *,
    image_src: ImageSrc = lambda url: url,
    attachment: Callable[[int], Picture | None] = lambda _id: None,
    attached: tuple[int, ...] = (),
) -> Converted:
    """Convert one post's HTML. `attachment` looks up gallery images; `attached` lists the post's own ones."""
    notes: list[str] = []
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    has_blocks = "<!-- wp:" in text
    text = _MORE.sub("", _BLOCK_COMMENT.sub("", text))
    removed = {m.group(1).lower() for m in _SCRIPT.finditer(text)}
    text = _SCRIPT.sub("", text)
    if "script" in removed:
        notes.append("a <script> was removed (an embed that needs one keeps its fallback text)")

    def early(name: str, named: dict[str, str], positional: list[str], content: str) -> str | None:
        urls = [content, *positional] if name == "embed" else [*positional, content]
        urls += [named.get(k, "") for k in ("src", "url", "mp4", "m4v", "webm", "ogv", "mp3", "m4a", "ogg", "wav")]
        url = next((u.strip() for u in urls if u.strip().startswith(("http://", "https://"))), "")
        if name == "vimeo" and not url and positional and positional[0].isdigit():
            url = f"https://vimeo.com/{positional[0]}"
        if name == "youtube" and not url and positional and re.fullmatch(r"[\w-]{6,20}", positional[0]):
            url = f"https://youtu.be/{positional[0]}"
        player = _player(url) if url else None
        if player is None:
            notes.append(f"[{name}] of {url or 'an unknown source'} is kept as a link, not a player")
            return f'\n<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>\n' if url else ""
        return f"\n{player}\n"

    text = _autoembed(_shortcodes(text, EARLY, early), notes)
    if not has_blocks:
        text = wpautop(text)

    def late(name: str, named: dict[str, str], positional: list[str], content: str) -> str | None:
        if name == "gallery":
            return _gallery(named, attachment, attached, notes)
        caption = named.get("caption", "")
        m = re.match(r"\s*((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)", content, re.S | re.I)
        if m is None:
            notes.append(f"a [{name}] without an image was kept as its text")
            return content
        caption = caption or m.group(2)
        caption = re.sub(r"^(?:\s|<br\s*/?>)+|(?:\s|<br\s*/?>)+$", "", caption)
        return f"<figure>{m.group(1)}<figcaption>{caption}</figcaption></figure>"

    text = _shortcodes(text, LATE, late)
    text = re.sub(r"<p>\s*(<figure>.*?</figure>|<ul class=\"wp-gallery\">.*?</ul>)\s*</p>", r"\1", text, flags=re.S)
    for m in _LOOKS_LIKE_SHORTCODE.finditer(text):
        name, attrs = m.group(1), m.group(2)
        if "=" in attrs or "_" in name or "-" in name or f"[/{name}]" in text:
            notes.append(f"unknown shortcode [{name}] is kept as text")
    markdown = _Converter(image_src, notes).convert(text)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip()
    return Converted(markdown + "\n" if markdown else "", tuple(dict.fromkeys(notes)))


def _gallery(
    named: dict[str, str], attachment: Callable[[int], Picture | None], attached: tuple[int, ...], notes: list[str]
) -> str:
    spec = named.get("ids") or named.get("include") or ""
    ids = [int(i) for i in re.findall(r"\d+", spec)] if spec else list(attached)
    items = []
    for ident in ids:
        picture = attachment(ident)
        if picture is None:
            notes.append(f"[gallery] image {ident} is not in the export and was left out")
            continue
        caption = f"<br>{picture.caption}" if picture.caption.strip() else ""
        items.append(f'<li><img src="{html.escape(picture.url)}" alt="{html.escape(picture.alt)}">{caption}</li>')
    if not items:
        notes.append("a [gallery] with no images in the export was removed")
        return ""
    return '<ul class="wp-gallery">' + "".join(items) + "</ul>"
