"""Turn a Site into Outputs: every page through the theme, plus feeds, sitemaps and robots.txt."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2
from markupsafe import Markup

from magsite import jsonld
from magsite.errors import Problem
from magsite.feeds import FeedLink, author_feed_title, feed_files, feed_links, section_feed_title
from magsite.markdown import LinkContext, first_paragraph, render_markdown
from magsite.model import Listing, Post, Site, author_url, page_link, section_url
from magsite.records import Image
from magsite.sitemaps import news_sitemap, robots_txt, sitemap_files
from magsite.social import ShareImage, image_urls, og_locale, read_sizes, share_image, x_handle
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
    image: ShareImage | None = None  # og:image and twitter:image
    pagination: Pagination | None = None
    noindex: bool = False
    feeds: tuple[FeedLink, ...] = ()  # for autodiscovery, the most specific first
    post: Post | None = None  # on articles: dates, authors, section and tags for Open Graph
    structured_data: tuple[jsonld.JsonLd, ...] = ()  # JSON-LD blocks


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
        summary=summary,
        section_url=section_url,
        author_url=author_url,
        reading_minutes=reading_minutes,
        pages={p.slug: p for p in site.pages},
        picture=picture,
        og_locale=og_locale(config.language),
        x_handle=x_handle(config),
    )
    env.filters.update(
        url=url,
        media=media,
        absolute=config.absolute,
        date=lambda d: format_date(d, config.tz),
        isodate=lambda d: d.isoformat(timespec="seconds"),
        jsonld=jsonld.json_script,
    )
    card_template = env.get_template("partials/card.html")
    cards = {p.url: Markup(card_template.render(post=p)) for p in site.posts}
    env.globals["card"] = lambda post: cards[post.url]

    sizes = read_sizes(site_dir, _image_srcs(site))
    logo = share_image(config.publisher.logo, config, sizes) if config.publisher and config.publisher.logo else None
    publisher = jsonld.organization(config, logo)
    heroes = {p.url: image_urls(p.article.image.src, config, sizes) for p in site.posts if p.article.image}
    avatars = {a.id: share_image(a.avatar, config, sizes) for a in site.authors.values() if a.avatar}
    home_crumb = (config.title, config.absolute("/"))
    site_feeds = feed_links("/", config.title, json_feed=True)
    StructuredData = Callable[[int], tuple[jsonld.JsonLd, ...]]  # page number -> JSON-LD blocks

    def page(template: str, path_url: str, meta: Meta, **context: object) -> Output:
        html = env.get_template(template).render(page=meta, **context)
        return Output(output_path(path_url), html.encode())

    def collection(listing: Listing, description: str) -> StructuredData:
        def data(number: int) -> tuple[jsonld.JsonLd, ...]:
            items = [config.absolute(p.url) for p in listing.page(number)]
            url = config.absolute(listing.page_url(number))
            first = (number - 1) * listing.per_page + 1
            return (
                jsonld.collection_page(config, listing.title, url, description, items, first),
                jsonld.breadcrumbs([home_crumb, (listing.title, config.absolute(listing.url))]),
            )

        return data

    def listing_pages(
        listing: Listing,
        template: str,
        description: str,
        *,
        feeds: tuple[FeedLink, ...] = site_feeds,
        image: ShareImage | None = logo,
        data: StructuredData = lambda number: (),
        **context: object,
    ) -> Iterator[Output]:
        count = listing.page_count
        for number in range(1, count + 1):
            title = listing.title if number == 1 else f"{listing.title} – page {number}"
            pagination = Pagination(number, count, listing)
            meta = Meta(
                title,
                listing.page_url(number),
                listing.kind,
                description,
                image=image,
                pagination=pagination,
                feeds=feeds,
                structured_data=data(number),
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

    website = jsonld.website(config, publisher)
    outputs.extend(listing_pages(site.home, "home.html", config.tagline, data=lambda n: (website,) if n == 1 else ()))
    for post in site.posts:
        a = post.article
        description = summary(post)
        images = heroes.get(post.url, ())
        author_urls = [config.absolute(author_url(au.id)) for au in post.authors]
        section_link = config.absolute(section_url(post.section.id))
        structured = (
            jsonld.news_article(post, config, description, images, author_urls, publisher),
            jsonld.breadcrumbs([home_crumb, (post.section.title, section_link), (a.title, config.absolute(post.url))]),
        )
        section_feeds = feed_links(section_url(post.section.id), section_feed_title(site, post.section.id))
        meta = Meta(
            a.title,
            post.url,
            "article",
            description,
            image=images[0] if images else logo,
            feeds=site_feeds + section_feeds,
            post=post,
            structured_data=structured,
        )
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
        listing = site.section_lists[section.id]
        feeds = feed_links(listing.url, section_feed_title(site, section.id)) if listing.posts else ()
        outputs.extend(
            listing_pages(
                listing,
                "section.html",
                section.description,
                feeds=feeds + site_feeds,
                data=collection(listing, section.description),
                section=section,
                intro=Markup(bodies[section.source]),
            )
        )
    for author in site.authors.values():
        bio = bios[author.id]
        listing = site.author_lists[author.id]
        about = first_paragraph(bio)
        feeds = feed_links(listing.url, author_feed_title(site, author.id)) if listing.posts else ()
        avatar = avatars.get(author.id)
        profile = jsonld.profile_page(author, config.absolute(listing.url), about, avatar)
        outputs.extend(
            listing_pages(
                listing,
                "author.html",
                about,
                feeds=feeds + site_feeds,
                image=avatar or logo,
                data=lambda number, profile=profile: (profile,),
                author=author,
                bio=bio,
            )
        )
    for tag in site.tags:
        listing = site.tag_lists[tag.slug]
        description = f"Articles tagged {tag.name}"
        outputs.extend(listing_pages(listing, "tag.html", description, data=collection(listing, description), tag=tag))
    for standalone in site.pages:
        body = bodies[standalone.source]
        meta = Meta(
            standalone.title,
            page_link(standalone),
            "page",
            standalone.description or first_paragraph(body),
            image=logo,
            feeds=site_feeds,
        )
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

    def hero(post: Post) -> ShareImage | None:
        return heroes[post.url][0] if post.url in heroes else None

    for path, data in feed_files(site, lambda p: bodies[p.article.source], summary, hero).items():
        outputs.append(Output(path, data))
    for path, data in sitemap_files(config, _sitemap_entries(site)).items():
        outputs.append(Output(path, data))
    outputs.append(Output("news-sitemap.xml", news_sitemap(config, site.posts, site.now)))
    outputs.append(Output("robots.txt", robots_txt(config)))
    for image in sorted(site.images):
        outputs.append(Output(image, file=site_dir / "content" / image))
    return outputs


def _image_srcs(site: Site) -> Iterator[str]:
    """Every local image whose pixel size the page heads, feeds and structured data state."""
    if site.config.publisher and site.config.publisher.logo:
        yield site.config.publisher.logo
    yield from (p.article.image.src for p in site.posts if p.article.image)
    yield from (a.avatar for a in site.authors.values() if a.avatar)


def _sitemap_entries(site: Site) -> Iterator[tuple[str, datetime | None]]:
    """Every indexable page with its last modification: a list page changes when a newer article pushes
    its cards down, or when an article it shows is updated; the front page whenever any article changes."""
    newest_edit = max((p.article.modified for p in site.posts), default=None)
    for number in range(1, site.home.page_count + 1):
        yield site.home.page_url(number), newest_edit if number == 1 else _page_modified(site.home, number)
    for post in site.posts:
        yield post.url, post.article.modified
    for listings in (site.section_lists, site.author_lists, site.tag_lists):
        for listing in listings.values():
            for number in range(1, listing.page_count + 1):
                yield listing.page_url(number), _page_modified(listing, number)
    for standalone in site.pages:
        yield page_link(standalone), standalone.updated


def _page_modified(listing: Listing, number: int) -> datetime | None:
    if not listing.posts:
        return None
    return max(listing.posts[0].article.date, *(p.article.modified for p in listing.page(number)))
