"""Turn a Site into Outputs: every page through the theme, plus feeds, sitemaps and robots.txt."""

from __future__ import annotations

import json
import math
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2
import jinja2.bccache
import jinja2.meta
from markupsafe import Markup, escape

from magsite import __version__, jsonld
from magsite.ads import insert_after_paragraph, slot_stylesheet
from magsite.bodies import Bodies
from magsite.cache import BuildCache, digest
from magsite.config import SiteConfig
from magsite.feeds import (
    Channel,
    FeedItem,
    FeedLink,
    atom,
    author_feed_title,
    channels,
    feed_links,
    item_source,
    json_feed,
    rss,
    section_feed_title,
)
from magsite.frontmatter import content_digest
from magsite.images import Images
from magsite.markdown import first_paragraph
from magsite.model import Listing, Post, Site, author_url, page_link, section_url
from magsite.picture import picture_global
from magsite.records import Author
from magsite.redirects import redirects_file
from magsite.sitemaps import news_sitemap, robots_txt, sitemap_files
from magsite.social import ImageSizes, ShareImage, image_urls, og_locale, share_image, x_handle
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
FeedWriter = Callable[[Channel, list[FeedItem], SiteConfig], bytes]


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
    kind: str  # home | article | section | author | tag | page | search | notfound | redirect | gone
    description: str | Lazy = ""
    image: ShareImage | None = None  # og:image and twitter:image
    pagination: Pagination | None = None
    noindex: bool = False
    feeds: tuple[FeedLink, ...] = ()  # for autodiscovery, the most specific first
    post: Post | None = None  # on articles: dates, authors, section and tags for Open Graph
    structured_data: Callable[[], tuple[jsonld.JsonLd, ...]] = tuple  # JSON-LD blocks, made when rendered


def format_date(value: datetime, tz: object) -> str:
    local = value.astimezone(tz)  # type: ignore[arg-type]
    return f"{MONTHS[local.month - 1]} {local.day}, {local.year}"


def reading_minutes(words: int) -> int:
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in the build cache (signed like the rest of it), so that a rebuild after
    an edit does not compile the theme again."""

    def __init__(self, cache: BuildCache) -> None:
        self.cache = cache

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.cache.get_blob(f"template:{bucket.key}:{bucket.checksum}")
        if data is not None:
            bucket.bytecode_from_string(data)  # ignored when another Python version wrote it

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.cache.put_blob(f"template:{bucket.key}:{bucket.checksum}", bucket.bytecode_to_string())


def template_digests(env: jinja2.Environment, cache: BuildCache | None = None) -> dict[str, str]:
    """Template name -> digest of its source and of every template it extends, includes or imports."""
    sources: dict[str, str] = {}
    refs: dict[str, set[str] | None] = {}
    for name in env.list_templates(filter_func=lambda n: n.endswith((".html", ".xml", ".txt"))):
        source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
        sources[name] = source
        key = f"refs:{digest(name, source)}"
        known = cache.get_blob(key) if cache else None
        if known is not None:
            found = json.loads(known)
            refs[name] = None if found is None else set(found)
            continue
        try:
            tree = env.parse(source)
            found = [*jinja2.meta.find_referenced_templates(tree), *_partial_names(tree)]
            refs[name] = set(found) if None not in found else None  # type: ignore[arg-type]
        except jinja2.TemplateSyntaxError:
            refs[name] = None
        if cache:
            known_refs = refs[name]
            cache.put_blob(key, json.dumps(None if known_refs is None else sorted(known_refs)).encode())
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


CARD = "partials/card.html"  # what the card() global renders


def _partial_names(tree: jinja2.nodes.Template) -> Iterator[str | None]:
    """Templates named in `partial("name", ...)` calls, and the card template where `card()` is called;
    None for a name only known when rendering."""
    for call in tree.find_all(jinja2.nodes.Call):
        if isinstance(call.node, jinja2.nodes.Name) and call.node.name == "card":
            yield CARD
        elif isinstance(call.node, jinja2.nodes.Name) and call.node.name == "partial":
            first = call.args[0] if call.args else None
            yield first.value if isinstance(first, jinja2.nodes.Const) and isinstance(first.value, str) else None


def render_site(
    site: Site, bodies: Bodies, theme: Theme, env: jinja2.Environment, site_dir: Path, pictures: Images
) -> list[Output]:
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

    summaries: dict[str, str] = {}  # meta description, Open Graph, JSON-LD, feeds and cards all ask

    def summary(post: Post) -> str:
        found = summaries.get(post.url)
        if found is None:
            a = post.article
            found = summaries[post.url] = a.summary or a.dek or first_paragraph(bodies[a.source])
        return found

    def asset(rel: str) -> str:
        if rel not in assets:
            raise jinja2.TemplateRuntimeError(f"no static file {rel!r} in theme {theme.name!r}")
        return assets[rel]

    def url(path: str) -> str:
        return path if path.startswith(("http://", "https://", "//")) else config.base_path + path

    def media(src: str) -> str:
        return url(src if src.startswith(("http://", "https://")) else f"/{src}")

    cards: dict[tuple[str, bool], Markup] = {}  # each process renders a card once and reuses it on every list

    def card(post: Post, first: bool = False) -> Markup:
        """An article's card; `first` for the top card of a list, whose image is loaded at once."""
        html = cards.get((post.url, first))
        if html is None:
            html = cards[post.url, first] = Markup(env.get_template(CARD).render(post=post, first=first))
        return html

    partials: dict[tuple[object, ...], Markup] = {}

    def partial(template: str, /, **variant: object) -> Markup:
        """A template that sees only the globals and `variant`, rendered once per process for each variant
        (Hugo's partialCached): the header and footer of 13,000 pages are rendered a handful of times."""
        key = (template, *sorted(variant.items()))
        html = partials.get(key)
        if html is None:
            html = partials[key] = Markup(env.get_template(template).render(**variant))
        return html

    env.globals.update(
        partial=partial,
        author_bio=lambda author: Markup(bodies[author.source]),
        picture=picture_global(pictures, config.base_path, media),
        image_set=pictures.image_set,
        card=card,
        site=site,
        config=config,
        asset=asset,
        summary=summary,
        section_url=section_url,
        author_url=author_url,
        reading_minutes=reading_minutes,
        pages={p.slug: p for p in site.pages},
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
        after_paragraph=insert_after_paragraph,
    )
    sizes = ImageSizes(site_dir, pictures)
    logo_src = config.publisher.logo if config.publisher else None
    logo = share_image(logo_src, config, sizes) if logo_src else None
    heroes = {p.url: image_urls(p.article.image, config, sizes) for p in site.posts if p.article.image}
    home_crumb = (config.title, config.absolute("/"))
    site_feeds = feed_links("/", config.title, json_feed=True)
    templates = template_digests(env, bodies.cache)
    everywhere = digest(
        __version__,
        repr(config),
        sizes.stamp(logo_src or ""),
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
            people = (f"{x.id}:{x.digest}:{sizes.stamp(x.avatar)}" for x in post.authors)
            hero = sizes.stamp(a.image.src if a.image else "")  # cards show it, at URLs that name its bytes
            fp = card_fps[post.url] = digest(a.digest, post.url, str(post.draft), str(post.future), hero, *people)
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

    StructuredData = Callable[[int], tuple[jsonld.JsonLd, ...]]  # page number -> JSON-LD blocks

    def no_data(number: int) -> tuple[jsonld.JsonLd, ...]:
        return ()

    def listing_pages(
        listing: Listing,
        template: str,
        description: str | Lazy,
        extra: str,
        *,
        feeds: tuple[FeedLink, ...] = site_feeds,
        image: ShareImage | None = logo,
        data: StructuredData = no_data,
        **context: object,
    ) -> Iterator[Output]:
        count = listing.page_count
        for number in range(1, count + 1):
            title = listing.title if number == 1 else f"{listing.title} – page {number}"
            pagination = Pagination(number, count, listing)
            page_url = listing.page_url(number)
            meta = Meta(
                title,
                page_url,
                listing.kind,
                description,
                image=image,
                pagination=pagination,
                feeds=feeds,
                structured_data=lambda number=number: data(number),  # type: ignore[misc]
            )
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

    def collection(listing: Listing, description: str) -> StructuredData:
        """A section or tag page's CollectionPage of the articles it shows, and its breadcrumbs."""

        def data(number: int) -> tuple[jsonld.JsonLd, ...]:
            items = [config.absolute(p.url) for p in listing.page(number)]
            url = config.absolute(listing.page_url(number))
            first = (number - 1) * listing.per_page + 1
            return (
                jsonld.collection_page(config, listing.title, url, description, items, first),
                jsonld.breadcrumbs([home_crumb, (listing.title, config.absolute(listing.url))]),
            )

        return data

    publisher = jsonld.organization(config, logo)

    def website(number: int) -> tuple[jsonld.JsonLd, ...]:
        return (jsonld.website(config, publisher),) if number == 1 else ()

    outputs.extend(listing_pages(site.home, "home.html", config.tagline, "", data=website))
    for post in site.posts:
        a = post.article
        related = site.related[post.url]
        older, newer = site.neighbours[post.url]
        images = heroes.get(post.url, ())

        def inputs(
            post: Post = post,
            related: tuple[Post, ...] = related,
            older: Post | None = older,
            newer: Post | None = newer,
        ) -> str:
            shown = bodies.cached_images(post.article.source)
            if shown is None:  # not known before the body is first rendered
                return ""
            present = ",".join(sizes.stamp(src) for src in shown)
            return digest(card_fp(post), present, card_fp(older), card_fp(newer), *map(card_fp, related))

        def structured(post: Post = post, images: tuple[ShareImage, ...] = images) -> tuple[jsonld.JsonLd, ...]:
            author_urls = [config.absolute(author_url(x.id)) for x in post.authors]
            trail = [
                home_crumb,
                (post.section.title, config.absolute(section_url(post.section.id))),
                (post.article.title, config.absolute(post.url)),
            ]
            return (
                jsonld.news_article(post, config, summary(post), images, author_urls, publisher),
                jsonld.breadcrumbs(trail),
            )

        description = Lazy(lambda post=post: summary(post))  # type: ignore[misc]
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
            listing_pages(
                listing,
                "section.html",
                section.description,
                section.digest,
                feeds=(feed_links(listing.url, section_feed_title(site, section.id)) if listing.posts else ())
                + site_feeds,
                data=collection(listing, section.description),
                section=section,
                intro=intro,
            )
        )
    for author in site.authors.values():
        listing = site.author_lists[author.id]
        bio = _html(bodies, author.source)
        avatar = share_image(author.avatar, config, sizes) if author.avatar else None
        extra = digest(author.digest, str(len(listing.posts)), sizes.stamp(author.avatar))
        description = Lazy(lambda bio=bio: first_paragraph(str(bio)))  # type: ignore[misc]

        def profile(
            number: int, author: Author = author, description: Lazy = description, avatar: ShareImage | None = avatar
        ) -> tuple[jsonld.JsonLd, ...]:
            url = config.absolute(author_url(author.id))
            return (jsonld.profile_page(author, url, str(description), avatar),)

        outputs.extend(
            listing_pages(
                listing,
                "author.html",
                description,
                extra,
                feeds=(feed_links(listing.url, author_feed_title(site, author.id)) if listing.posts else ())
                + site_feeds,
                image=avatar or logo,
                data=profile,
                author=author,
                bio=bio,
            )
        )
    for tag in site.tags:
        listing = site.tag_lists[tag.slug]
        description = f"Articles tagged {tag.name}"
        outputs.extend(
            listing_pages(listing, "tag.html", description, tag.name, data=collection(listing, description), tag=tag)
        )
    for standalone in site.pages:
        body = _html(bodies, standalone.source)
        description = standalone.description or Lazy(lambda body=body: first_paragraph(str(body)))  # type: ignore[misc]
        meta = Meta(standalone.title, page_link(standalone), "page", description, image=logo, feeds=site_feeds)
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
        if "?" in alias:  # a static file cannot answer a query; only the _redirects rule can
            continue
        meta = Meta("Redirecting…", target, "redirect", noindex=True)
        outputs.append(page("redirect.html", alias, meta, digest(alias, target), False, target=target))
    for url in site.gone:
        meta = Meta("Article no longer available", url, "gone", noindex=True)
        outputs.append(page("gone.html", url, meta, digest(url), False))
    outputs.append(Output("_redirects", data=redirects_file(site)))

    def hero(post: Post) -> ShareImage | None:
        return heroes[post.url][0] if post.url in heroes else None

    feed_item = item_source(config, lambda p: bodies[p.article.source], summary, hero)

    def item_fp(post: Post) -> str:
        source = post.article.source
        shown = (sizes.stamp(src) for src in bodies.cached_images(source) or ())
        return digest(card_fp(post), bodies.documents[source].key, *shown)

    formats = (("feed.xml", rss), ("atom.xml", atom), ("feed.json", json_feed))
    for channel in channels(site, logo):
        fp = digest(everywhere, channel.title, channel.description, *map(item_fp, channel.posts))
        for name, write in formats if channel.prefix == "/" else formats[:2]:

            def render_feed(channel: Channel = channel, write: FeedWriter = write) -> bytes:
                return write(channel, [feed_item(p) for p in channel.posts], config)

            path = channel.prefix.lstrip("/") + name  # rendered in the workers, after the pages (bodies cached)
            outputs.append(Output(path, digest(fp, name), render=render_feed, parallel=True))
    for path, fingerprint, data in _sitemaps(config, site, bodies.cache):
        outputs.append(Output(path, fingerprint, data=data))
    outputs.append(Output("news-sitemap.xml", data=news_sitemap(config, site.posts, site.now)))
    outputs.append(Output("robots.txt", data=robots_txt(config)))
    outputs.extend(Output(path, fingerprint, file=file) for path, fingerprint, file in pictures.files())
    return outputs


class Lazy:
    """Text made only when a template prints or tests it, so skipped pages cost no Markdown rendering.

    Plain text (a description, printed several times) is kept once made; HTML (a whole body, printed
    once) is not, or every page's body would stay in memory until the build ends.
    """

    __slots__ = ("make", "markup", "value")

    def __init__(self, make: Callable[[], str], *, markup: bool = False) -> None:
        self.make, self.markup, self.value = make, markup, None

    def __str__(self) -> str:
        if self.value is not None:
            return self.value
        text = self.make()
        if not self.markup:
            self.value = text
        return text

    def __html__(self) -> str:
        text = str(self)
        return text if self.markup else str(escape(text))

    def __bool__(self) -> bool:
        return bool(str(self))


def _html(bodies: Bodies, source: str) -> Lazy:
    return Lazy(lambda: bodies[source], markup=True)


def _sitemaps(config: SiteConfig, site: Site, cache: BuildCache) -> list[tuple[str, str, bytes]]:
    """(path, fingerprint, bytes) of the sitemap files; the XML of 100,000 URLs is made again only when
    a URL or a date in it changed (the last one made is kept in the build cache)."""
    entries = list(_sitemap_entries(site))
    fingerprint = digest(repr(config), content_digest(pickle.dumps(entries, protocol=5)))
    kept = cache.get_blob("sitemaps")
    if kept is not None and kept.startswith(fingerprint.encode()):
        files: dict[str, bytes] = pickle.loads(kept[len(fingerprint) :])  # signed: written by this user
    else:
        files = sitemap_files(config, entries)
        cache.put_blob("sitemaps", fingerprint.encode() + pickle.dumps(files, protocol=5))
    return [(path, digest(fingerprint, path), data) for path, data in files.items()]


def _sitemap_entries(site: Site) -> Iterator[tuple[str, datetime | None]]:
    """Every indexable page with its last change: a list page changes when a newer article pushes its
    cards down or when an article it shows is updated; the front page whenever any article changes."""
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
