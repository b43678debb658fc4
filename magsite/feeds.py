"""RSS 2.0 feeds (feedgen) with absolute URLs and full content."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from feedgen.feed import FeedGenerator

from magsite.config import SiteConfig
from magsite.model import Post

_REL_URL = re.compile(r"""(\s(?:href|src|poster)=)(["'])(/[^/"'][^"']*|/)\2""")


def absolutize(html: str, config: SiteConfig) -> str:
    """Make every root-relative href/src in rendered HTML absolute, as feed readers need."""
    return _REL_URL.sub(lambda m: f"{m.group(1)}{m.group(2)}{config.origin}{m.group(3)}{m.group(2)}", html)


def rss_feed(
    config: SiteConfig,
    title: str,
    url: str,
    feed_url: str,
    posts: Sequence[Post],
    body_html: Callable[[Post], str],
    summary: Callable[[Post], str],
) -> bytes:
    """An RSS 2.0 document for the newest `feed_limit` posts, newest first."""
    fg = FeedGenerator()
    fg.title(title)
    fg.link(href=config.absolute(url), rel="alternate")
    fg.link(href=config.absolute(feed_url), rel="self")
    fg.description(config.tagline or title)
    fg.language(config.language)
    fg.generator("magsite")
    fg.load_extension("dc")
    items = list(posts[: config.feed_limit])
    if items:
        fg.lastBuildDate(max(p.article.modified for p in items))
    for post in reversed(items):  # feedgen prepends entries
        a = post.article
        entry = fg.add_entry()
        link = config.absolute(post.url)
        entry.title(a.title)
        entry.link(href=link)
        entry.guid(link, permalink=True)
        entry.pubDate(a.date)
        entry.description(summary(post))
        entry.dc.dc_creator([author.name for author in post.authors])  # RSS <author> would expose e-mail
        entry.category([{"term": post.section.title}] + [{"term": t.name} for t in post.tags])
        if config.feed_full_content:
            entry.content(absolutize(body_html(post), config), type="CDATA")
    return fg.rss_str(pretty=True)
