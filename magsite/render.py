"""Turn a Site into Outputs: every page through the theme, plus feed, sitemap and robots.txt."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import jinja2
import jinja2.meta
from markupsafe import Markup, escape

from magsite import __version__
from magsite.ads import insert_after_paragraph, slot_stylesheet
from magsite.bodies import Bodies
from magsite.cache import digest
from magsite.feeds import rss_feed
from magsite.frontmatter import content_digest
from magsite.markdown import first_paragraph
from magsite.model import Listing, Post, Site, author_url, page_link, section_url
from magsite.records import Image
from magsite.sitemaps import robots_txt, sitemap
from magsite.theme import Theme, asset_name
from magsite.urls import output_path

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WORDS_PER_MINUTE = 230


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the built site: bytes, a file to copy, or a function that renders it when needed.

    The fingerprint digests every input of the file; when it matches the last build's, the file is
    kept as it is. An empty fingerprint means: render it every time (then kept if the bytes match).
    """

    path: str  # relative to output/, '/'-separated
    fingerprint: str = ""
    data: bytes | None = None
    file: Path | None = None
    render: Callable[[], bytes] | None = None
    parallel: bool = False  # a heavy page: rendered in worker processes
    settle: Callable[[], str] | None = None  # the fingerprint, once rendering has revealed all inputs

    def content(self) -> bytes:
        if self.render is not None:
            return self.render()
        return self.data if self.data is not None else b""


@dataclass(frozen=True, slots=True)
class Pagination:
    number: int
    count: int
    listing: Listing

    @property
    def prev_url(self) -> str | None:
        return self.listing.page_url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.listing.page_url(self.number + 1) if self.number < self.count else None

    @property
    def pages(self) -> list[tuple[int, str]]:
        return [(n, self.listing.page_url(n)) for n in range(1, self.count + 1)]


@dataclass(frozen=True, slots=True)
class Meta:
    """What the base layout needs to know about the page it wraps."""

    title: str
    url: str
    kind: str  # home | article | section | author | tag | page | search | notfound | redirect
    description: str | Lazy = ""
    image: str | None = None
    pagination: Pagination | None = None
    noindex: bool = False
    feeds: tuple[tuple[str, str], ...] = field(default=())  # (title, url) for autodiscovery


def format_date(value: datetime, tz: object) -> str:
    local = value.astimezone(tz)  # type: ignore[arg-type]
    return f"{MONTHS[local.month - 1]} {local.day}, {local.year}"


def reading_minutes(words: int) -> int:
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def template_digests(env: jinja2.Environment) -> dict[str, str]:
    """Template name -> digest of its source and of every template it extends, includes or imports."""
    sources: dict[str, str] = {}
    refs: dict[str, set[str] | None] = {}
    for name in env.list_templates(filter_func=lambda n: n.endswith((".html", ".xml", ".txt"))):
        source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
        sources[name] = source
        try:
            found = jinja2.meta.find_referenced_templates(env.parse(source))
            refs[name] = set(found) if None not in (found := list(found)) else None
        except jinja2.TemplateSyntaxError:
            refs[name] = None
    everything = digest(*(f"{n}\x1e{src}" for n, src in sorted(sources.items())))
    result: dict[str, str] = {}
    for name in sources:
        seen: set[str] = set()
        stack = [name]
        dynamic = False
        while stack:
            current = stack.pop()
            if current in seen or current not in sources:
                continue
            seen.add(current)
            if refs[current] is None:
                dynamic = True  # an include by variable: any template may be used
                break
            stack.extend(refs[current])  # type: ignore[arg-type]
        result[name] = everything if dynamic else digest(*(f"{n}\x1e{sources[n]}" for n in sorted(seen)))
    return result


def render_site(site: Site, bodies: Bodies, theme: Theme, env: jinja2.Environment, site_dir: Path) -> list[Output]:
    """Every output of the site as a fingerprinted, lazily rendered Output; heavy pages marked parallel."""
    config = site.config
    outputs: list[Output] = []

    assets: dict[str, str] = {}
    for rel, file in theme.static_files().items():
        data = file.read_bytes()
        name = asset_name(rel, data)
        assets[rel] = f"{config.base_path}/static/{name}"
        outputs.append(Output(f"static/{name}", digest(content_digest(data)), file=file))
    if config.ads:  # the box of each ad slot, reserved before its ad loads
        data = slot_stylesheet(config.ads)
        name = asset_name("css/ad-slots.css", data)
        assets["css/ad-slots.css"] = f"{config.base_path}/static/{name}"
        outputs.append(Output(f"static/{name}", digest(content_digest(data)), data=data))

    def summary(post: Post) -> str:
        a = post.article
        return a.summary or a.dek or first_paragraph(bodies[a.source])

    def asset(rel: str) -> str:
        if rel not in assets:
            raise jinja2.TemplateRuntimeError(f"no static file {rel!r} in theme {theme.name!r}")
        return assets[rel]

    def url(path: str) -> str:
        return path if path.startswith(("http://", "https://", "//")) else config.base_path + path

    def media(src: str) -> str:
        return url(src if src.startswith(("http://", "https://")) else f"/{src}")

    def picture(image: Image, sizes: str = "100vw", hero: bool = False) -> Markup:
        loading = 'fetchpriority="high"' if hero else 'loading="lazy" decoding="async"'
        return Markup('<img src="{}" alt="{}" {}>').format(media(image.src), image.alt, Markup(loading))

    cards: dict[str, Markup] = {}  # each process renders a card once and reuses it on every list

    def card(post: Post) -> Markup:
        html = cards.get(post.url)
        if html is None:
            html = cards[post.url] = Markup(env.get_template("partials/card.html").render(post=post))
        return html

    env.globals.update(
        author_bio=lambda author: Markup(bodies[author.source]),
        picture=picture,
        card=card,
        site=site,
        config=config,
        asset=asset,
        summary=summary,
        section_url=section_url,
        author_url=author_url,
        reading_minutes=reading_minutes,
        pages={p.slug: p for p in site.pages},
    )
    env.filters.update(
        url=url,
        media=media,
        absolute=config.absolute,
        date=lambda d: format_date(d, config.tz),
        isodate=lambda d: d.isoformat(timespec="seconds"),
        after_paragraph=insert_after_paragraph,
    )
    site_feed = (("RSS", "/feed.xml"),)
    templates = template_digests(env)
    everywhere = digest(
        __version__,
        repr(config),
        *sorted(assets.values()),
        *(f"{s.id}:{s.digest}" for s in site.sections),
        *(f"{p.slug}:{p.digest}" for p in site.pages),
    )
    card_fps: dict[str, str] = {}

    def card_fp(post: Post | None) -> str:
        if post is None:
            return "-"
        fp = card_fps.get(post.url)
        if fp is None:
            a = post.article
            people = (f"{x.id}:{x.digest}" for x in post.authors)
            fp = card_fps[post.url] = digest(a.digest, post.url, str(post.draft), str(post.future), *people)
        return fp

    def page(
        template: str, path_url: str, meta: Meta, inputs: str | Callable[[], str], parallel: bool, **context: object
    ) -> Output:
        def render() -> bytes:
            return env.get_template(template).render(page=meta, **context).encode()

        def fingerprint() -> str:
            known = inputs() if callable(inputs) else inputs
            return digest(everywhere, templates.get(template, ""), known) if known else ""

        fp = fingerprint()
        return Output(output_path(path_url), fp, render=render, parallel=parallel, settle=None if fp else fingerprint)

    def listing_pages(
        listing: Listing, template: str, description: str, extra: str, **context: object
    ) -> Iterator[Output]:
        count = listing.page_count
        for number in range(1, count + 1):
            title = listing.title if number == 1 else f"{listing.title} – page {number}"
            pagination = Pagination(number, count, listing)
            page_url = listing.page_url(number)
            meta = Meta(title, page_url, listing.kind, description, pagination=pagination, feeds=site_feed)
            posts = listing.page(number)
            fp = digest(extra, listing.kind, listing.title, str(number), str(count), *map(card_fp, posts))
            if listing.kind == "home" and number == 1:
                blocks = (
                    f"{s.id}:" + ",".join(map(card_fp, site.section_lists[s.id].posts[:3])) for s in site.sections
                )
                fp = digest(fp, card_fp(site.hero), *blocks)
            yield page(
                template, page_url, meta, fp, True, listing=listing, posts=posts, pagination=pagination, **context
            )

    outputs.extend(listing_pages(site.home, "home.html", config.tagline, ""))
    for post in site.posts:
        a = post.article
        image = media(a.image.src) if a.image else None
        related = site.related[post.url]
        older, newer = site.neighbours[post.url]

        def inputs(
            post: Post = post,
            related: tuple[Post, ...] = related,
            older: Post | None = older,
            newer: Post | None = newer,
        ) -> str:
            shown = bodies.cached_images(post.article.source)
            if shown is None:  # not known before the body is first rendered
                return ""
            present = "".join("1" if src in site.images else "0" for src in shown)
            return digest(card_fp(post), present, card_fp(older), card_fp(newer), *map(card_fp, related))

        description = Lazy(lambda post=post: summary(post))  # type: ignore[misc]
        meta = Meta(a.title, post.url, "article", description, image=image, feeds=site_feed)
        body = _html(bodies, a.source)
        outputs.append(
            page(
                "article.html",
                post.url,
                meta,
                inputs,
                True,
                post=post,
                body=body,
                related=related,
                older=older,
                newer=newer,
            )
        )
    for section in site.sections:
        listing = site.section_lists[section.id]
        intro = _html(bodies, section.source)
        outputs.extend(
            listing_pages(listing, "section.html", section.description, section.digest, section=section, intro=intro)
        )
    for author in site.authors.values():
        listing = site.author_lists[author.id]
        bio = _html(bodies, author.source)
        extra = digest(author.digest, str(len(listing.posts)))
        description = Lazy(lambda bio=bio: first_paragraph(str(bio)))  # type: ignore[misc]
        outputs.extend(listing_pages(listing, "author.html", description, extra, author=author, bio=bio))
    for tag in site.tags:
        outputs.extend(
            listing_pages(site.tag_lists[tag.slug], "tag.html", f"Articles tagged {tag.name}", tag.name, tag=tag)
        )
    for standalone in site.pages:
        body = _html(bodies, standalone.source)
        description = standalone.description or Lazy(lambda body=body: first_paragraph(str(body)))  # type: ignore[misc]
        meta = Meta(standalone.title, page_link(standalone), "page", description)
        outputs.append(
            page("page.html", page_link(standalone), meta, standalone.digest, False, standalone=standalone, body=body)
        )
    if config.search:
        meta = Meta("Search", "/search/", "search", noindex=True)
        filters = [f"{s.title}:{bool(site.section_lists[s.id].posts)}" for s in site.sections]
        filters += [f"{a.name}:{bool(site.author_lists[a.id].posts)}" for a in site.authors.values()]
        outputs.append(page("search.html", "/search/", meta, digest("search", *filters), False))
    latest = site.posts[:6]
    meta = Meta("Page not found", "/404.html", "notfound", noindex=True)
    outputs.append(page("404.html", "/404.html", meta, digest(*map(card_fp, latest)), False, latest=latest))
    for alias, target in site.aliases.items():
        meta = Meta("Redirecting…", target, "redirect", noindex=True)
        outputs.append(page("redirect.html", alias, meta, digest(alias, target), False, target=target))

    feed_posts = site.posts[: config.feed_limit]
    outputs.append(
        Output(
            "feed.xml",
            digest(everywhere, "rss", *map(card_fp, feed_posts)),
            render=lambda: rss_feed(
                config, config.title, "/", "/feed.xml", site.posts, lambda p: bodies[p.article.source], summary
            ),
        )
    )
    outputs.append(Output("sitemap.xml", data=sitemap(config, _sitemap_entries(site))))
    outputs.append(Output("robots.txt", data=robots_txt(config)))
    for image in sorted(site.images):
        file = site_dir / "content" / image
        outputs.append(Output(image, "", file=file))
    return outputs


class Lazy:
    """Text made only when a template prints or tests it, so skipped pages cost no Markdown rendering."""

    __slots__ = ("make", "markup")

    def __init__(self, make: Callable[[], str], *, markup: bool = False) -> None:
        self.make, self.markup = make, markup

    def __str__(self) -> str:
        return self.make()

    def __html__(self) -> str:
        text = self.make()
        return text if self.markup else str(escape(text))

    def __bool__(self) -> bool:
        return bool(self.make())


def _html(bodies: Bodies, source: str) -> Lazy:
    return Lazy(lambda: bodies[source], markup=True)


def _sitemap_entries(site: Site) -> Iterator[tuple[str, datetime | None]]:
    newest = site.posts[0].article.modified if site.posts else None
    yield "/", newest
    for post in site.posts:
        yield post.url, post.article.modified
    for listings in (site.section_lists, site.author_lists, site.tag_lists):
        for listing in listings.values():
            yield listing.url, listing.posts[0].article.modified if listing.posts else None
    for standalone in site.pages:
        yield page_link(standalone), None
