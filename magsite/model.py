"""Link loaded records into one immutable Site: URLs, ids, tags, lists, related articles. Pure, no I/O."""

from __future__ import annotations

import difflib
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from magsite.config import SiteConfig
from magsite.errors import Problem
from magsite.records import Article, Author, Content, Page, Section
from magsite.schedule import is_expired
from magsite.urls import output_path, page_url, permalink, slugify

RESERVED = (
    *("author", "tag", "page", "search", "static", "images", "pagefind", "feed.xml", "atom.xml", "404.html"),
    *("sitemap.xml", "news-sitemap.xml", "robots.txt", "_redirects", "feed.json"),
)
RELATED_COUNT = 4
NEWS_WINDOW = timedelta(hours=48)


@dataclass(frozen=True, slots=True)
class Tag:
    name: str
    slug: str
    url: str


@dataclass(frozen=True, slots=True, eq=False)
class Post:
    """An article linked into the site: its URL and the author, section and tag records it names."""

    article: Article
    url: str
    authors: tuple[Author, ...]
    section: Section
    tags: tuple[Tag, ...]
    draft: bool  # shown only because of --drafts
    future: bool  # shown only because of --future

    def __getattr__(self, name: str) -> object:  # templates read post.title, post.date, ...
        if name == "article":  # not yet set while unpickling
            raise AttributeError(name)
        return getattr(self.article, name)


@dataclass(frozen=True, slots=True)
class Listing:
    """A paginated list of posts (front page, a section, an author, a tag), newest first."""

    kind: str  # home | section | author | tag
    key: str
    title: str
    url: str  # first page
    posts: tuple[Post, ...]
    per_page: int

    @property
    def page_count(self) -> int:
        return max(1, -(-len(self.posts) // self.per_page))

    def page(self, number: int) -> tuple[Post, ...]:
        return self.posts[(number - 1) * self.per_page : number * self.per_page]

    def page_url(self, number: int) -> str:
        return page_url(self.url, number)


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    now: datetime
    posts: tuple[Post, ...]  # newest first
    sections: tuple[Section, ...]  # by order, then id
    authors: dict[str, Author]
    tags: tuple[Tag, ...]  # by slug
    pages: tuple[Page, ...]
    home: Listing
    section_lists: dict[str, Listing]
    author_lists: dict[str, Listing]
    tag_lists: dict[str, Listing]
    related: dict[str, tuple[Post, ...]]  # post url -> related posts
    neighbours: dict[str, tuple[Post | None, Post | None]]  # post url -> (older, newer) in its section
    aliases: dict[str, str]  # old URL -> post URL
    images: frozenset[str]
    gone: tuple[str, ...] = ()  # URLs of expired articles, which get a "no longer available" notice
    next_change: datetime | None = None  # when the site would change with no edit (a scheduled article...)

    @property
    def hero(self) -> Post | None:
        """The front-page lead: the newest featured article, else the newest article."""
        return next((p for p in self.posts if p.article.featured), self.posts[0] if self.posts else None)

    @property
    def nav_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.nav)


@lru_cache(maxsize=65536)
def tag_slug(name: str) -> str:
    slug = slugify(name)
    if slug and len(slug.encode()) <= 120:
        return slug
    # nothing left to show, or too long for a folder name: a short, stable stand-in
    return (slug[:60].rstrip("-") + "-" if slug else "t-") + hashlib.sha1(name.encode()).hexdigest()[:8]


def section_url(section_id: str) -> str:
    return f"/{section_id}/"


def author_url(author_id: str) -> str:
    return f"/author/{author_id}/"


def page_link(page: Page) -> str:
    return f"/{page.slug}/"


def alias_url(alias: str) -> str:
    """An alias as the URL it names: '/old-url' -> '/old-url/'; file names ('/x.php') and queries are kept."""
    path, query = alias.split("?", 1) if "?" in alias else (alias, "")
    if not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
        path += "/"
    return f"{path}?{query}" if query else path


def _did_you_mean(value: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def build_site(
    content: Content,
    config: SiteConfig,
    now: datetime,
    *,
    drafts: bool = False,
    future: bool = False,
    known_related: tuple[str, dict[str, tuple[str, ...]]] | None = None,
) -> tuple[Site, list[Problem]]:
    """Resolve ids, URLs and lists. Every unknown id, missing image and URL collision is a problem.

    `known_related` (a related_inputs() digest and post URL -> related URLs) saves recomputing related
    articles when nothing they depend on changed.
    """
    problems: list[Problem] = []

    def problem(
        record: Article | Author | Section | Page, key: str | None, message: str, hint: str | None = None
    ) -> None:
        problems.append(Problem(record.source, record.lines.get(key or "", 1) if key else None, message, hint))

    images = frozenset(content.images)
    sections = content.sections
    authors = content.authors
    # output file -> what claimed it ('/x/' and '/x/index.html' are one file), and the line that did
    claimed = {output_path(f"/{name}/"): f"magsite itself (/{name}/ is reserved)" for name in RESERVED}
    lines: dict[str, int | None] = {}

    def claim(url: str, record: Article | Section | Page, key: str | None = None) -> bool:
        path = output_path(url)
        other = claimed.setdefault(path, record.source)
        lines.setdefault(path, record.lines.get(key or "", 1) if key else None)
        if other != record.source:
            hint = "remove the alias" if key == "aliases" else "change the slug or the file name"
            problem(record, key, f"URL {url} is also produced by {other}", hint)
            return False
        return True

    for section in sorted(sections.values(), key=lambda s: s.source):
        claim(section_url(section.id), section)
    for page in content.pages:
        claim(page_link(page), page, "slug")
    for author in authors.values():
        if author.avatar and not author.avatar.startswith(("https://", "http://")) and author.avatar not in images:
            problem(author, "avatar", f"avatar image {author.avatar!r} not found in content/")

    tag_names: dict[str, str] = {}
    posts: list[Post] = []
    expired: list[tuple[Article, str]] = []
    for article in sorted(content.articles, key=lambda a: a.source):
        ok = True
        for author_id in article.authors:
            if author_id not in authors:
                problem(
                    article,
                    "author",
                    f"unknown author '{author_id}'",
                    _did_you_mean(author_id, authors) or "add it as content/authors/<id>.md",
                )
                ok = False
        section = sections.get(article.section)
        if section is None:
            problem(
                article,
                "section",
                f"unknown section '{article.section}'",
                _did_you_mean(article.section, sections) or "add it as content/sections/<id>.md",
            )
            ok = False
        if article.image and not article.image.remote and article.image.src not in images:
            problem(
                article,
                "image",
                f"image {article.image.src!r} not found in content/",
                _did_you_mean(article.image.src, images),
            )
            ok = False
        if not ok or section is None:
            continue
        d = article.date
        url = permalink(
            config.permalink,
            section=section.id,
            slug=article.slug,
            year=f"{d.year:04d}",
            month=f"{d.month:02d}",
            day=f"{d.day:02d}",
        )
        is_future = article.date > now
        shown = (drafts or not article.draft) and (future or not is_future)
        if not claim(url, article, "slug") or not shown:
            continue
        if is_expired(article, now):
            expired.append((article, url))
            continue
        tags = []
        for name in article.tags:
            slug = tag_slug(name)
            tags.append(Tag(tag_names.setdefault(slug, name), slug, f"/tag/{slug}/"))
        posts.append(
            Post(
                article,
                url,
                tuple(authors[a] for a in article.authors),
                section,
                tuple(dict.fromkeys(tags)),
                article.draft,
                is_future,
            )
        )

    aliases: dict[str, str] = {}
    for article, target in sorted([(p.article, p.url) for p in posts] + expired, key=lambda pair: pair[0].source):
        seen: set[str] = set()
        for alias in article.aliases:
            url = alias_url(alias)
            path, _, query = url.partition("?")
            if url == target or url in seen:
                what = "the article's own URL" if url == target else "listed twice"
                problem(article, "aliases", f"alias {alias} is {what}", "remove it from 'aliases'")
            elif not query and (path == "/" or path.split("/")[1] in RESERVED):
                problem(article, "aliases", f"alias {alias} is a URL magsite itself writes", "aliases are old URLs")
            elif claim(url, article, "aliases"):
                aliases[url] = target
            seen.add(url)

    posts.sort(key=lambda p: (-p.article.date.timestamp(), p.article.source))
    # the site changes by itself when a scheduled article comes due, an article expires or leaves the
    # 48-hour window of the news sitemap
    moments = [a.date for a in content.articles if a.date > now and not (a.draft and not drafts)]
    moments += [a.expires for a in content.articles if a.expires is not None and a.expires > now]
    moments += [p.article.date + NEWS_WINDOW for p in posts if p.article.date + NEWS_WINDOW > now]
    per_page = config.per_page
    by_section: dict[str, list[Post]] = defaultdict(list)
    by_author: dict[str, list[Post]] = defaultdict(list)
    by_tag: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        by_section[post.section.id].append(post)
        for author in post.authors:
            by_author[author.id].append(post)
        for tag in post.tags:
            by_tag[tag.slug].append(post)

    ordered_sections = tuple(sorted(sections.values(), key=lambda s: (s.order, s.id)))
    related_key = related_inputs(posts)
    if known_related is not None and known_related[0] == related_key:
        by_url = {p.url: p for p in posts}
        related = {url: tuple(by_url[u] for u in urls) for url, urls in known_related[1].items()}
    else:
        related = _related(posts, by_section, by_tag)
    tags = tuple(sorted({t.slug: t for p in posts for t in p.tags}.values(), key=lambda t: t.slug))
    site = Site(
        config=config,
        now=now,
        posts=tuple(posts),
        sections=ordered_sections,
        authors=dict(sorted(authors.items())),
        tags=tags,
        pages=tuple(sorted(content.pages, key=lambda p: p.slug)),
        home=Listing("home", "", config.title, "/", tuple(posts), per_page),
        section_lists={
            s.id: Listing("section", s.id, s.title, section_url(s.id), tuple(by_section[s.id]), per_page)
            for s in ordered_sections
        },
        author_lists={
            a: Listing("author", a, authors[a].name, author_url(a), tuple(by_author[a]), per_page)
            for a in sorted(authors)
        },
        tag_lists={t.slug: Listing("tag", t.slug, t.name, t.url, tuple(by_tag[t.slug]), per_page) for t in tags},
        related=related,
        neighbours=_neighbours(by_section),
        aliases=dict(sorted(aliases.items())),
        images=images,
        gone=tuple(sorted(url for _, url in expired)),
        next_change=min(moments, default=None),
    )
    for listing in (site.home, *site.section_lists.values(), *site.author_lists.values(), *site.tag_lists.values()):
        for number in range(2, listing.page_count + 1):
            url = listing.page_url(number)
            if (path := output_path(url)) in claimed:
                problems.append(
                    Problem(claimed[path], lines.get(path), f"URL {url} is needed for page {number} of {listing.url}")
                )
    return site, problems


def related_inputs(posts: list[Post]) -> str:
    """A digest of everything related articles depend on: each post's URL, section and tags, in order."""
    text = "\n".join(f"{p.url} {p.section.id} {' '.join(t.slug for t in p.tags)}" for p in posts)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _related(
    posts: list[Post], by_section: dict[str, list[Post]], by_tag: dict[str, list[Post]]
) -> dict[str, tuple[Post, ...]]:
    """Up to RELATED_COUNT posts sharing tags or the section, most shared first, then newest.

    Candidates are each post's nearest neighbours in time within each of its tags and its section,
    which keeps the work linear in the number of posts at magazine scale; a candidate's score is the
    number of those neighbourhoods it is in.
    """
    rank = {id(p): i for i, p in enumerate(posts)}  # posts are newest first
    groups = [[rank[id(p)] for p in members] for members in (*by_tag.values(), *by_section.values())]
    where: list[list[tuple[list[int], int]]] = [[] for _ in posts]
    for group in groups:
        for position, i in enumerate(group):
            where[i].append((group, position))
    reach = 6
    related: dict[str, tuple[Post, ...]] = {}
    for i, post in enumerate(posts):
        score: dict[int, int] = {}
        for group, position in where[i]:
            for j in group[max(0, position - reach) : position + reach + 1]:
                score[j] = score.get(j, 0) + 1
        score.pop(i, None)
        best = sorted(score, key=lambda j: (-score[j], j))[:RELATED_COUNT]
        related[post.url] = tuple(posts[j] for j in best)
    return related


def _neighbours(by_section: dict[str, list[Post]]) -> dict[str, tuple[Post | None, Post | None]]:
    result: dict[str, tuple[Post | None, Post | None]] = {}
    for members in by_section.values():
        for i, post in enumerate(members):
            older = members[i + 1] if i + 1 < len(members) else None
            newer = members[i - 1] if i > 0 else None
            result[post.url] = (older, newer)
    return result
