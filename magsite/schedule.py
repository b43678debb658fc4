"""Publishing over time: whether an article is still online, and when the site next changes by itself."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from magsite.records import Article


@dataclass(frozen=True, slots=True)
class Change:
    """A moment at which a rebuild would give a different site, and why."""

    when: datetime
    source: str  # the article file
    event: str  # "publishes" or "expires"

    def describe(self) -> str:
        return f"{self.source} {self.event}"


def is_expired(article: Article, now: datetime) -> bool:
    return article.expires is not None and article.expires <= now


def next_change(articles: Iterable[Article], now: datetime, *, drafts: bool, future: bool) -> Change | None:
    """The earliest scheduled publication or expiry after `now` (drafts never publish by themselves)."""
    changes = []
    for article in articles:
        if article.draft and not drafts:
            continue
        if article.date > now and not future:
            changes.append(Change(article.date, article.source, "publishes"))
        if article.expires is not None and article.expires > now:
            changes.append(Change(article.expires, article.source, "expires"))
    return min(changes, key=lambda c: (c.when, c.source), default=None)
