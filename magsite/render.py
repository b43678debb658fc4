"""Turn a Site into Outputs: every page through the theme, plus feed, sitemap and robots.txt."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import jinja2
from markupsafe import Markup

from magsite.ads import insert_after_paragraph, slot_stylesheet
from magsite.errors import Problem
from magsite.feeds import rss_feed
from magsite.markdown import LinkContext, first_paragraph, render_markdown
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
    """One file of the built site: bytes to write, or a source file to copy."""

    path: str  # relative to output/, '/'-separated
    data: bytes | None = None
    file: Path | None = None


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
    kind: str  # home | article | section | author | tag | page | notfound | redirect
    description: str = ""
    image: str | None = None
    pagination: Pagination | None = None
    noindex: bool = False
    feeds: tuple[tuple[str, str], ...] = field(default=())  # (title, url) for autodiscovery


def format_date(value: datetime, tz: object) -> str:
    local = value.astimezone(tz)  # type: ignore[arg-type]
    return f"{MONTHS[local.month - 1]} {local.day}, {local.year}"


def reading_minutes(markdown: str) -> int:
    return max(1, math.ceil(len(markdown.split()) / WORDS_PER_MINUTE))


Bodies = dict[str, str]  # source path -> rendered Markdown of a post, page, author bio or section intro


def render_bodies(site: Site) -> tuple[Bodies, list[Problem]]:
    """Render all Markdown of the site; links to missing local images are problems."""
    config = site.config
    md_urls = {p.article.source: p.url for p in site.posts} | {pg.source: page_link(pg) for pg in site.pages}
    problems: list[Problem] = []
    html: dict[str, str] = {}
    documents: list[tuple[str, str, int]] = [
        (p.article.source, p.article.body, p.article.body_line) for p in site.posts
    ]
    documents += [(pg.source, pg.body, 1) for pg in site.pages]
    documents += [(a.source, a.bio, 1) for a in site.authors.values()]
    documents += [(s.source, s.intro, 1) for s in site.sections]
    for source, text, first_line in documents:
        ctx = LinkContext(source, config.base_path, md_urls)
        html[source] = render_markdown(text, ctx)
        for src in ctx.images:
            if src not in site.images:
                at = text.find(src)
                line = first_line + (text.count("\n", 0, at) if at >= 0 else 0)
                problems.append(Problem(source, line, f"image {src!r} not found in content/"))
    return html, problems


def render_site(site: Site, bodies: Bodies, theme: Theme, env: jinja2.Environment, site_dir: Path) -> list[Output]:
    """Render every page, feed and sitemap of the site; static files and images are listed for copying."""
    config = site.config
    outputs: list[Output] = []

    assets: dict[str, str] = {}
    for rel, file in theme.static_files().items():
        data = file.read_bytes()
        name = asset_name(rel, data)
        assets[rel] = f"{config.base_path}/static/{name}"
        outputs.append(Output(f"static/{name}", file=file))
    if config.ads:  # the box of each ad slot, reserved before its ad loads
        data = slot_stylesheet(config.ads)
        name = asset_name("css/ad-slots.css", data)
        assets["css/ad-slots.css"] = f"{config.base_path}/static/{name}"
        outputs.append(Output(f"static/{name}", data))

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

    bios = {a.id: Markup(bodies[a.source]) for a in site.authors.values()}
    env.globals.update(
        author_bio=lambda author: bios[author.id],
        site=site,
        config=config,
        asset=asset,
        picture=picture,
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
    card_template = env.get_template("partials/card.html")
    cards = {p.url: Markup(card_template.render(post=p)) for p in site.posts}
    env.globals["card"] = lambda post: cards[post.url]
    site_feed = (("RSS", "/feed.xml"),)

    def page(template: str, path_url: str, meta: Meta, **context: object) -> Output:
        html = env.get_template(template).render(page=meta, **context)
        return Output(output_path(path_url), html.encode())

    def listing_pages(listing: Listing, template: str, description: str, **context: object) -> Iterator[Output]:
        count = listing.page_count
        for number in range(1, count + 1):
            title = listing.title if number == 1 else f"{listing.title} – page {number}"
            pagination = Pagination(number, count, listing)
            meta = Meta(
                title, listing.page_url(number), listing.kind, description, pagination=pagination, feeds=site_feed
            )
            yield page(
                template,
                listing.page_url(number),
                meta,
                listing=listing,
                posts=listing.page(number),
                pagination=pagination,
                **context,
            )

    outputs.extend(listing_pages(site.home, "home.html", config.tagline))
    for post in site.posts:
        a = post.article
        image = media(a.image.src) if a.image else None
        meta = Meta(a.title, post.url, "article", summary(post), image=image, feeds=site_feed)
        older, newer = site.neighbours[post.url]
        outputs.append(
            page(
                "article.html",
                post.url,
                meta,
                post=post,
                body=Markup(bodies[a.source]),
                related=site.related[post.url],
                older=older,
                newer=newer,
            )
        )
    for section in site.sections:
        outputs.extend(
            listing_pages(
                site.section_lists[section.id],
                "section.html",
                section.description,
                section=section,
                intro=Markup(bodies[section.source]),
            )
        )
    for author in site.authors.values():
        bio = bios[author.id]
        listing = site.author_lists[author.id]
        outputs.extend(listing_pages(listing, "author.html", first_paragraph(bio), author=author, bio=bio))
    for tag in site.tags:
        outputs.extend(listing_pages(site.tag_lists[tag.slug], "tag.html", f"Articles tagged {tag.name}", tag=tag))
    for standalone in site.pages:
        body = bodies[standalone.source]
        meta = Meta(standalone.title, page_link(standalone), "page", standalone.description or first_paragraph(body))
        outputs.append(page("page.html", page_link(standalone), meta, standalone=standalone, body=Markup(body)))
    outputs.append(
        page(
            "404.html",
            "/404.html",
            Meta("Page not found", "/404.html", "notfound", noindex=True),
            latest=site.posts[:6],
        )
    )
    for alias, target in site.aliases.items():
        outputs.append(
            page("redirect.html", alias, Meta("Redirecting…", target, "redirect", noindex=True), target=target)
        )

    outputs.append(
        Output(
            "feed.xml",
            rss_feed(config, config.title, "/", "/feed.xml", site.posts, lambda p: bodies[p.article.source], summary),
        )
    )
    outputs.append(Output("sitemap.xml", sitemap(config, _sitemap_entries(site))))
    outputs.append(Output("robots.txt", robots_txt(config)))
    for image in sorted(site.images):
        outputs.append(Output(image, file=site_dir / "content" / image))
    return outputs


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
