"""Structured data (schema.org JSON-LD) of pages, and the one safe way to put it inside a <script> element."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from magsite.config import SiteConfig
from magsite.model import Post
from magsite.records import Author
from magsite.social import ShareImage

JsonLd = dict[str, Any]
CONTEXT = "https://schema.org"
# Characters that could end the <script> element or confuse an HTML parser, as JSON string escapes.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_script(data: JsonLd) -> Markup:
    """A JSON-LD <script> element; front-matter text like '</script>' stays inside its JSON string."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)
    return Markup(f'<script type="application/ld+json">{text}</script>')


def image_object(image: ShareImage) -> JsonLd:
    data: JsonLd = {"@type": "ImageObject", "url": image.url}
    if image.width and image.height:
        data |= {"width": image.width, "height": image.height}
    return data


def organization(config: SiteConfig, logo: ShareImage | None) -> JsonLd:
    """The publisher: name, home page, logo and social profiles."""
    name = (config.publisher.name if config.publisher else "") or config.title
    data: JsonLd = {"@type": "Organization", "name": name, "url": config.absolute("/")}
    if logo:
        data["logo"] = image_object(logo)
    profiles = [link.url for link in config.social if link.url.startswith(("https://", "http://"))]
    if profiles:
        data["sameAs"] = profiles
    return data


def person(author: Author, url: str) -> JsonLd:
    return {"@type": "Person", "name": author.name, "url": url}


def website(config: SiteConfig, publisher: JsonLd) -> JsonLd:
    """The site itself, with a SearchAction so search engines can offer a search box for it."""
    data: JsonLd = {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": config.title,
        "url": config.absolute("/"),
        "inLanguage": config.language,
        "publisher": publisher,
    }
    if config.tagline:
        data["description"] = config.tagline
    if config.search:
        data["potentialAction"] = {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": config.absolute("/search/?q={search_term_string}")},
            "query-input": "required name=search_term_string",
        }
    return data


def news_article(
    post: Post,
    config: SiteConfig,
    description: str,
    images: Sequence[ShareImage],
    author_urls: Sequence[str],
    publisher: JsonLd,
) -> JsonLd:
    a = post.article
    url = config.absolute(post.url)
    data: JsonLd = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "headline": a.title,
        "description": description,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": a.date.isoformat(timespec="seconds"),
        "dateModified": a.modified.isoformat(timespec="seconds"),
        "author": [person(author, link) for author, link in zip(post.authors, author_urls, strict=True)],
        "publisher": publisher,
        "articleSection": post.section.title,
        "inLanguage": config.language,
    }
    if images:
        data["image"] = [image.url for image in images]
    if post.tags:
        data["keywords"] = [tag.name for tag in post.tags]
    return data


def breadcrumbs(trail: Sequence[tuple[str, str]]) -> JsonLd:
    """A BreadcrumbList from (name, absolute URL) pairs, home first."""
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": url} for i, (name, url) in enumerate(trail, 1)
        ],
    }


def profile_page(author: Author, url: str, description: str, image: ShareImage | None) -> JsonLd:
    """An author page: a ProfilePage whose main entity is the author as a Person."""
    who = person(author, url)
    if author.role:
        who["jobTitle"] = author.role
    if description:
        who["description"] = description
    if image:
        who["image"] = image.url
    if author.twitter:
        who["sameAs"] = [f"https://x.com/{author.twitter}"]
    return {"@context": CONTEXT, "@type": "ProfilePage", "url": url, "mainEntity": who}


def collection_page(
    config: SiteConfig, name: str, url: str, description: str, items: Sequence[str], first: int
) -> JsonLd:
    """A section or tag page: the absolute URLs of the articles it lists, numbered from `first`."""
    data: JsonLd = {
        "@context": CONTEXT,
        "@type": "CollectionPage",
        "name": name,
        "url": url,
        "isPartOf": {"@type": "WebSite", "name": config.title, "url": config.absolute("/")},
        "mainEntity": {
            "@type": "ItemList",
            "itemListElement": [
                {"@type": "ListItem", "position": i, "url": item} for i, item in enumerate(items, first)
            ],
        },
    }
    if description:
        data["description"] = description
    return data
