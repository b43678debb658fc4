"""What search engines and social sites read: head metadata, JSON-LD, sitemaps and robots.txt."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
from conftest import NOW, article, build_site, make_site
from lxml import etree
from PIL import Image
from readers import feed_text, html_pages, json_ld, meta, one, parse_html, parse_html5

from magsite.config import parse_config
from magsite.sitemaps import sitemap_files

BASE = "https://frontline-defense.netlify.app"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}


def canonical_of(out: Path, file: Path) -> str:
    rel = file.relative_to(out).as_posix()
    return f"{BASE}/{rel.removesuffix('index.html')}"


def local_file(out: Path, url: str) -> Path:
    rel = url.removeprefix(BASE + "/")
    return out / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


def test_every_sample_page_has_head_metadata(sample: Path) -> None:
    kinds: Counter[str] = Counter()
    for file in html_pages(sample):
        doc = parse_html(file)
        kind = one(doc.xpath("/html/body/@class")).removeprefix("kind-")
        kinds[kind] += 1
        url = one(doc.xpath("/html/head/link[@rel='canonical']/@href"))
        assert url == canonical_of(sample, file)
        if kind in ("notfound", "search"):
            assert meta(doc, "robots") == ["noindex"]
            continue
        description = one(meta(doc, "description"))
        assert description and one(meta(doc, "og:description")) == description
        assert one(meta(doc, "og:url")) == url
        assert one(meta(doc, "og:site_name")) == "Frontline Defense"
        assert one(meta(doc, "og:locale")) == "en_US"
        assert one(meta(doc, "og:title")) in one(doc.xpath("/html/head/title/text()"))
        assert one(meta(doc, "og:type")) == ("article" if kind == "article" else "website")
        assert one(meta(doc, "twitter:site")) == "@frontlinedefense"
        image = one(meta(doc, "og:image"))
        with Image.open(local_file(sample, image)) as im:  # the stated size is the file's real size
            assert [one(meta(doc, "og:image:width")), one(meta(doc, "og:image:height"))] == [str(n) for n in im.size]
        hero = doc.xpath("//figure[@class='hero-figure']")
        assert one(meta(doc, "twitter:card")) == ("summary_large_image" if hero else "summary")
        if kind == "article":
            datetime.fromisoformat(one(meta(doc, "article:published_time")))
            datetime.fromisoformat(one(meta(doc, "article:modified_time")))
            for author in meta(doc, "article:author"):
                assert local_file(sample, author).is_file()
            assert one(meta(doc, "article:section")) in one(doc.xpath("//p[@class='section-banner']//text()"))
            assert meta(doc, "article:tag") == doc.xpath("//ul[@class='tags']/li/a/text()")
        nav = doc.xpath("//nav[@class='pagination']")
        for rel in ("prev", "next"):
            shown = nav[0].xpath(f"a[@rel='{rel}']/@href") if nav else []
            head = doc.xpath(f"/html/head/link[@rel='{rel}']/@href")
            assert head == [BASE + href for href in shown]
            assert all(local_file(sample, h).is_file() for h in head)
    assert set(kinds) >= {"home", "article", "section", "author", "tag", "page", "notfound"}  # every kind checked


def check_news_article(block: dict, doc: etree._Element, url: str, sample: Path) -> None:
    assert block["headline"] == " ".join(doc.xpath("string(//article//h1)").split())
    assert block["description"] == one(meta(doc, "description"))
    assert block["url"] == url and block["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert datetime.fromisoformat(block["datePublished"]) <= datetime.fromisoformat(block["dateModified"])
    assert block["datePublished"] == one(meta(doc, "article:published_time"))
    assert [a["@type"] for a in block["author"]] == ["Person"] * len(block["author"]) != []
    assert [a["url"] for a in block["author"]] == meta(doc, "article:author")
    assert all(a["name"] for a in block["author"])
    publisher = block["publisher"]
    assert (publisher["@type"], publisher["name"]) == ("Organization", "Frontline Defense")
    logo = publisher["logo"]
    with Image.open(local_file(sample, logo["url"])) as im:
        assert (logo["width"], logo["height"]) == im.size
    assert block["articleSection"] == one(meta(doc, "article:section"))
    assert block.get("keywords", []) == meta(doc, "article:tag")
    if doc.xpath("//figure[@class='hero-figure']"):
        assert block["image"] and block["image"][0] == one(meta(doc, "og:image"))
        assert all(local_file(sample, i).is_file() for i in block["image"])


def test_every_json_ld_block_parses_and_has_its_properties(sample: Path) -> None:
    seen: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for file in html_pages(sample):
        doc = parse_html(file)
        kind = one(doc.xpath("/html/body/@class")).removeprefix("kind-")
        kinds[kind] += 1
        url = canonical_of(sample, file)
        blocks = json_ld(doc)
        types = [b["@type"] for b in blocks]
        seen.update(types)
        assert all(b["@context"] == "https://schema.org" for b in blocks)
        expected = {
            "article": ["NewsArticle", "BreadcrumbList"],
            "section": ["CollectionPage", "BreadcrumbList"],
            "tag": ["CollectionPage", "BreadcrumbList"],
            "author": ["ProfilePage"],
            "home": ["WebSite"] if url == BASE + "/" else [],
        }.get(kind, [])
        assert types == expected, file
        for block in blocks:
            if block["@type"] == "NewsArticle":
                check_news_article(block, doc, url, sample)
            elif block["@type"] == "BreadcrumbList":
                items = block["itemListElement"]
                assert [i["position"] for i in items] == list(range(1, len(items) + 1))
                assert items[0]["item"] == BASE + "/" and all(local_file(sample, i["item"]).is_file() for i in items)
                if kind == "article":
                    assert len(items) == 3 and items[2]["item"] == url
                    assert items[1]["name"] == one(meta(doc, "article:section"))
            elif block["@type"] == "CollectionPage":
                assert block["url"] == url and block["name"] and block["isPartOf"]["@type"] == "WebSite"
                listed = [i["url"] for i in block["mainEntity"]["itemListElement"]]
                assert listed == [BASE + h for h in doc.xpath("//h3[@class='card-title']/a/@href")]
            elif block["@type"] == "ProfilePage":
                person = block["mainEntity"]
                assert person["@type"] == "Person" and person["url"] == url
                assert person["name"] == " ".join(doc.xpath("string(//h1)").split())
            elif block["@type"] == "WebSite":
                action = block["potentialAction"]
                assert action["@type"] == "SearchAction"
                assert action["target"]["urlTemplate"] == f"{BASE}/search/?q={{search_term_string}}"
                assert action["query-input"] == "required name=search_term_string"
    assert (seen["NewsArticle"], seen["ProfilePage"], seen["WebSite"]) == (kinds["article"], kinds["author"], 1)
    assert seen["CollectionPage"] == kinds["section"] + kinds["tag"] > 0


def test_sitemap_lists_every_indexable_page_with_its_last_change(sample: Path) -> None:
    tree = etree.parse(str(sample / "sitemap.xml"))
    assert tree.getroot().tag == f"{{{NS['s']}}}urlset"
    listed = {u.findtext("s:loc", namespaces=NS): u.findtext("s:lastmod", namespaces=NS) for u in tree.getroot()}
    pages = {}
    for file in html_pages(sample):
        doc = parse_html(file)
        if not meta(doc, "robots"):
            pages[canonical_of(sample, file)] = doc
    assert set(listed) == set(pages)
    for url, lastmod in listed.items():
        doc = pages[url]
        if one(doc.xpath("/html/body/@class")) == "kind-page":
            continue  # standalone pages state a lastmod only with 'updated:' in their front matter
        assert lastmod, url
        datetime.fromisoformat(lastmod)
        if meta(doc, "og:type") == ["article"]:
            assert lastmod == one(meta(doc, "article:modified_time"))
    etree.parse(str(sample / "news-sitemap.xml"))
    robots = (sample / "robots.txt").read_text().splitlines()
    assert f"Sitemap: {BASE}/sitemap.xml" in robots and f"Sitemap: {BASE}/news-sitemap.xml" in robots


def test_news_sitemap_holds_articles_of_the_48_hours_before_now(tmp_path: Path) -> None:
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    dates = {
        "at-now": now,
        "just-in": now - timedelta(hours=48) + timedelta(seconds=1),
        "just-out": now - timedelta(hours=48),
        "last-week": now - timedelta(days=7),
        "tomorrow": now + timedelta(days=1),
    }
    files = {f"content/articles/{slug}.md": article(f"{slug} & co", date=d.isoformat()) for slug, d in dates.items()}
    files["magsite.yaml"] = (
        "title: Test Weekly\nbase_url: https://example.org/\nlanguage: en-GB\npublisher: {name: Test Media}\n"
    )
    files["content/pages/guide.md"] = "---\ntitle: Guide\nupdated: 2025-01-02T03:04:05Z\n---\nHow to read us.\n"
    site = make_site(tmp_path / "s", files)
    assert build_site(site, "--future").exit_code == 0
    news = etree.parse(str(site / "output/news-sitemap.xml"))
    entries = [
        (
            u.findtext("s:loc", namespaces=NS),
            u.findtext("n:news/n:publication/n:name", namespaces=NS),
            u.findtext("n:news/n:publication/n:language", namespaces=NS),
            u.findtext("n:news/n:publication_date", namespaces=NS),
            u.findtext("n:news/n:title", namespaces=NS),
        )
        for u in news.getroot()
    ]
    assert entries == [
        ("https://example.org/smart-bombs/at-now/", "Test Media", "en", "2026-11-25T12:00:00+00:00", "at-now & co"),
        ("https://example.org/smart-bombs/just-in/", "Test Media", "en", "2026-11-23T12:00:01+00:00", "just-in & co"),
    ]
    sitemap = etree.parse(str(site / "output/sitemap.xml"))
    guide = sitemap.xpath("//s:url[s:loc='https://example.org/guide/']/s:lastmod/text()", namespaces=NS)
    assert guide == ["2025-01-02T03:04:05+00:00"]


def test_sitemap_becomes_an_index_past_50000_urls() -> None:
    config, _ = parse_config("title: T\nbase_url: https://example.org/\n")
    assert config is not None
    day = datetime(2024, 1, 1, tzinfo=UTC)
    entries = [(f"/a/{i}/", day + timedelta(minutes=i)) for i in range(50_001)]
    files = sitemap_files(config, entries)
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap.xml"]
    index = etree.fromstring(files["sitemap.xml"])
    assert index.tag == f"{{{NS['s']}}}sitemapindex"
    assert index.xpath("//s:loc/text()", namespaces=NS) == [
        "https://example.org/sitemap-1.xml",
        "https://example.org/sitemap-2.xml",
    ]
    assert index.xpath("//s:lastmod/text()", namespaces=NS) == [
        entries[49_999][1].isoformat(),
        entries[50_000][1].isoformat(),
    ]
    parts = [etree.fromstring(files[f"sitemap-{i}.xml"]).xpath("//s:loc/text()", namespaces=NS) for i in (1, 2)]
    assert [len(p) for p in parts] == [50_000, 1]
    assert parts[1] == ["https://example.org/a/50000/"]
    assert len(files["sitemap-1.xml"]) < 50 * 1024 * 1024
    single = sitemap_files(config, entries[:3])
    assert list(single) == ["sitemap.xml"] and b"<urlset" in single["sitemap.xml"]


HOSTILE = "Q&A: \"Hellfire\" <em>vs</em> 'Kinzhal' </script><script>alert(1)</script> 🚀"


def test_a_hostile_title_round_trips_through_html_feeds_and_json_ld(tmp_path: Path) -> None:
    quoted = json.dumps(HOSTILE, ensure_ascii=False)  # a valid YAML double-quoted scalar
    text = article(dek=quoted, tags=f"[{quoted}]", date=NOW).replace('title: "First Strike"', f"title: {quoted}")
    site = make_site(tmp_path / "s", {"content/articles/2024/05/first-strike.md": text})
    result = build_site(site)
    assert result.exit_code == 0, result.output
    out = site / "output"
    doc = parse_html5(out / "smart-bombs/first-strike/index.html")
    assert doc.xpath("string(//article//h1)") == HOSTILE
    assert doc.xpath("string(/html/head/title)").startswith(HOSTILE)
    assert meta(doc, "og:title") == [HOSTILE] and meta(doc, "description") == [HOSTILE]
    assert meta(doc, "article:tag") == [HOSTILE]
    scripts = doc.xpath("//script[not(@src)]")  # the theme's own scripts are files
    assert [s.get("type") for s in scripts] == ["application/ld+json"] * 2  # nothing broke out into a script
    article_ld, crumbs = (json.loads(s.text) for s in scripts)
    assert (article_ld["headline"], article_ld["description"], article_ld["keywords"]) == (HOSTILE, HOSTILE, [HOSTILE])
    assert crumbs["itemListElement"][2]["name"] == HOSTILE
    assert all("<" not in s.text and "&" not in s.text for s in scripts)
    for name in ("feed.xml", "atom.xml", "smart-bombs/feed.xml", "author/maya-carlin/atom.xml"):
        entry = feedparser.parse((out / name).read_bytes(), sanitize_html=False).entries[0]
        title, summary = feed_text(entry.title_detail), feed_text(entry.summary_detail)
        assert (title, summary, entry.tags[1].term) == (HOSTILE, HOSTILE, HOSTILE)
    item = json.loads((out / "feed.json").read_bytes())["items"][0]
    assert (item["title"], item["summary"], item["tags"]) == (HOSTILE, HOSTILE, ["Smart Bombs", HOSTILE])
    news = etree.parse(str(out / "news-sitemap.xml"))
    assert news.xpath("//n:title/text()", namespaces=NS) == [HOSTILE]
