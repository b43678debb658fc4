"""The default theme: page furniture, ads, overrides; valid HTML (Nu checker); layout in a real Chromium."""

from __future__ import annotations

import functools
import http.server
import itertools
import json
import re
import struct
import subprocess
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import feedparser
import html5lib
import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, REPO, article, build_site, make_site, run
from lxml import etree
from playwright.sync_api import Browser, Page, sync_playwright

VNU_JAR = REPO / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"
SCROLL_THROUGH = """async () => {
    for (let y = 0; y < document.body.scrollHeight; y += 500) {
        window.scrollTo(0, y);
        await new Promise((done) => setTimeout(done, 20));
    }
}"""
IMAGE_FILE = re.compile(r"\.(avif|webp|jpe?g|png|svg)$")
LAYOUT_SHIFT = """() => new Promise((done) => {
    new PerformanceObserver((list) => done(list.getEntries().reduce((sum, e) => sum + e.value, 0)))
        .observe({type: "layout-shift", buffered: true});
    setTimeout(() => done(0), 300);
})"""
SAMPLE_PAGES = {
    "front": "/",
    "article": "/smart-bombs/putins-nightmare-belgorod/",
    "section": "/smart-bombs/",
    "author": "/author/maya-carlin/",
}


def png(width: int = 16, height: int = 9) -> bytes:
    """A real (tiny, solid-colour) PNG file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x50\x60\x70" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def parse(file: Path) -> etree._Element:
    return html5lib.parse(file.read_bytes(), treebuilder="lxml", namespaceHTMLElements=False).getroot()


def text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def texts(doc: etree._Element, xpath: str) -> list[str]:
    return [text(e) for e in doc.xpath(xpath)]


def paragraphs(words: int, first: str) -> str:
    return f"{first} " + " ".join(["word"] * (words - 1))


CONFIG = """\
title: Test Defense Weekly
tagline: Tests of the magazine
base_url: https://example.org/
timezone: America/New_York
per_page: 2
copyright: "© 2026 Test Defense Weekly"
social:
  - {name: X, url: "https://x.com/testdefense"}
  - {name: YouTube, url: "https://www.youtube.com/@testdefense"}
  - {name: Podcast, url: "https://example.org/podcast/"}
ads:
  header: '<a class="house-ad" href="/about/">Read the briefing</a>'
  sidebar:
  in_article:
    html: '<span class="house-ad-inline">Listen to the podcast</span>'
    width: 320
    height: 100
    after_paragraph: 2
"""
BODY = "\n\n".join(paragraphs(120, f"P{i}") for i in range(1, 5)) + "\n\n> A quoted line.\n\n- one\n- two\n"
SITE = {
    "magsite.yaml": CONFIG,
    "content/sections/navy.md": "---\ntitle: Naval Warfare\ndescription: Fleets and sea power\norder: 2\n---\n",
    "content/sections/analysis.md": "---\ntitle: Analysis\norder: 3\nnav: false\n---\n",
    "content/authors/maya-carlin.md": (
        "---\nname: Maya Carlin\nrole: Senior Editor\ntwitter: MayaCarlin\nemail: maya@example.org\n"
        "avatar: images/authors/maya.png\n---\nMaya Carlin is an analyst.\n"
    ),
    "content/authors/john-doe.md": "---\nname: John Doe\nrole: Correspondent\n---\nJohn reports.\n",
    "content/authors/ann-roe.md": "---\nname: Ann Roe\n---\nAnn edits.\n",
    "content/images/authors/maya.png": png(8, 8),
    "content/images/strike.png": png(),
    "content/pages/about.md": "---\ntitle: About Us\n---\nWho we are.\n",
    "content/pages/masthead.md": "---\ntitle: Masthead\n---\nThe staff.\n",
    "content/pages/contact.md": "---\ntitle: Contact\n---\nWrite to us.\n",
    "content/articles/2024/05/first-strike.md": article(
        "Old Story", date="2024-01-01T12:00:00Z", tags="[Drones]", featured="true", dek='"The oldest one"'
    ),
    "content/articles/middle.md": article("Middle Story", date="2024-02-01T12:00:00Z", tags="[Drones]"),
    "content/articles/joint.md": article(
        "Joint Story",
        date="2024-03-02T03:30:00Z",  # the evening of March 1 in New York
        updated="2024-03-05T12:00:00Z",
        author="[maya-carlin, john-doe, ann-roe]",
        tags="[Drones, Navy]",
        dek='"A dek for the joint story"',
        image="{src: images/strike.png, alt: A strike at dusk, caption: Strike at dusk, credit: Navy Photo}",
        body=BODY,
    ),
    "content/articles/newest.md": article("Newest Story", date="2024-05-02T12:00:00Z", section="navy", tags="[Navy]"),
    "content/articles/essay.md": article("An Essay", date="2024-04-01T12:00:00Z", section="analysis"),
}


@pytest.fixture(scope="module")
def site_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = make_site(tmp_path_factory.mktemp("theme") / "site", SITE)
    result = build_site(site)
    assert result.exit_code == 0, result.output
    return site / "output"


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "output"
    result = run("build", "--site", REPO, "--output", out, "--now", "2026-11-25T12:00:00Z", "--no-cache")
    assert result.exit_code == 0, result.output
    return out


def html_pages(out: Path) -> list[Path]:
    """Every full page of a build (redirect stubs left out)."""
    return [p for p in sorted(out.rglob("*.html")) if b'http-equiv="refresh"' not in p.read_bytes()]


# Markup of the pages, read with a real HTML parser


def test_every_page_has_the_header_and_the_footer(site_out: Path) -> None:
    pages = html_pages(site_out)
    assert len(pages) > 10
    for file in pages:
        doc = parse(file)
        where = file.relative_to(site_out).as_posix()
        assert texts(doc, "//header//*[contains(@class, 'site-title')]") == ["Test Defense Weekly"], where
        assert texts(doc, "//header//p[@class='tagline']") == ["Tests of the magazine"], where
        assert texts(doc, "//nav[@aria-label='Sections']//a") == ["Home", "Smart Bombs", "Naval Warfare"], where
        form = doc.xpath("//header//form[@role='search']")[0]
        assert (form.get("action"), form.get("method")) == ("/search/", "get")
        assert form.xpath(".//input/@placeholder") == ["Hi, what are you looking for?"]
        assert form.xpath(".//input/@name") == ["q"]
        assert texts(doc, "//header//p[@class='connect-label']") == ["Connect with us"]
        for area in ("//header", "//footer"):
            links = doc.xpath(f"{area}//ul[@class='social']//a")
            assert [a.get("href") for a in links] == [
                "https://x.com/testdefense",
                "https://www.youtube.com/@testdefense",
                "https://example.org/podcast/",
            ]
            assert [text(a) for a in links] == ["X", "YouTube", "Podcast"]
            assert all(a.xpath("./*[local-name()='svg'][@aria-hidden='true']/*[local-name()='path']") for a in links)
        assert texts(doc, "//footer//nav[@aria-labelledby='footer-pages-title']//a") == [
            "About Us",
            "Masthead",
            "Contact",
            "RSS feed",
        ]
        assert texts(doc, "//footer//p[@class='copyright']") == ["© 2026 Test Defense Weekly"]
        assert len(doc.xpath("//main")) == 1 and doc.xpath("//a[@class='skip-link']/@href") == ["#main"]
        assert all(img.get("alt") for img in doc.xpath("//img")), where
        levels = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert levels.count(1) == 1 and all(b <= a + 1 for a, b in itertools.pairwise([0, *levels])), where
        assert not doc.xpath("//script[not(@src) and not(@type='application/ld+json')]"), where  # strict CSP
        assert not doc.xpath("//*[@style]"), where  # no inline styles (strict CSP)
    # the X and YouTube icons differ; an unknown network gets the generic link icon
    doc = parse(site_out / "index.html")
    icons = [a.xpath(".//*[local-name()='path']/@d")[0] for a in doc.xpath("//header//ul[@class='social']//a")]
    assert len(set(icons)) == 3


def test_front_page_leads_with_the_newest_featured_article_then_latest_and_section_blocks(site_out: Path) -> None:
    doc = parse(site_out / "index.html")
    assert texts(doc, "//h1") == ["Test Defense Weekly"]
    assert texts(doc, "//section[@class='hero']//h2") == ["Old Story"]  # featured beats newer articles
    assert texts(doc, "//section[@class='hero']//p[@class='dek']") == ["The oldest one"]
    # page 1 holds the two newest; the hero is not repeated among them
    assert texts(doc, "//aside[@class='front-side']//ol/li//h3") == ["Newest Story", "An Essay"]
    blocks = doc.xpath("//section[contains(@class, 'section-block')]")
    assert [text(b.xpath(".//h2")[0]) for b in blocks] == ["Smart Bombs", "Naval Warfare", "Analysis"]
    assert texts(blocks[0], ".//h3[@class='card-title']") == ["Joint Story", "Middle Story", "Old Story"]
    card = blocks[0].xpath(".//article[@class='card']")[0]
    assert card.xpath(".//img/@alt") == ["A strike at dusk"]
    assert texts(card, ".//p[@class='card-section']") == ["Smart Bombs"]
    assert texts(card, ".//p[@class='card-dek']") == ["A dek for the joint story"]
    assert texts(card, ".//p[@class='byline']") == ["By Maya Carlin, John Doe and Ann Roe · March 1, 2024"]

    unfeatured = make_site(
        site_out.parent.parent / "plain", {"content/articles/b.md": article("Brand New", date="2024-06-01T12:00:00Z")}
    )
    assert build_site(unfeatured).exit_code == 0
    assert texts(parse(unfeatured / "output/index.html"), "//section[@class='hero']//h2") == ["Brand New"]


def test_article_page_has_every_element_of_the_reference_page(site_out: Path) -> None:
    doc = parse(site_out / "smart-bombs/joint/index.html")
    art = doc.xpath("//article[@data-pagefind-body]")[0]
    assert texts(art, ".//p[@class='section-banner']") == ["Smart Bombs: Military, Defense and National Security"]
    assert art.xpath(".//p[@class='section-banner']/a/@href") == ["/smart-bombs/"]
    assert texts(art, "./header/h1") == ["Joint Story"]
    assert texts(art, "./header/p[@class='dek']") == ["A dek for the joint story"]
    byline = art.xpath(".//p[@class='byline']")[0]
    assert text(byline) == "By Maya Carlin, John Doe and Ann Roe"
    assert byline.xpath("./a/@href") == ["/author/maya-carlin/", "/author/john-doe/", "/author/ann-roe/"]
    meta = art.xpath(".//div[@class='article-meta']")[0]
    assert texts(meta, "./p")[1:] == ["March 1, 2024", "Updated March 5, 2024", "3 min read"]  # site time; 488 words
    assert meta.xpath(".//time/@datetime") == ["2024-03-02T03:30:00+00:00", "2024-03-05T12:00:00+00:00"]
    figure = art.xpath(".//figure[@class='hero-figure']")[0]
    assert figure.xpath(".//img/@alt") == ["A strike at dusk"]
    assert texts(figure, "./figcaption") == ["Strike at dusk. Image Credit: Navy Photo"]
    assert texts(art, ".//ul[@class='tags']//a") == ["Drones", "Navy"]
    assert art.xpath(".//ul[@class='tags']//a/@href") == ["/tag/drones/", "/tag/navy/"]

    share = art.xpath(".//div[@class='share']")[0]
    assert share.get("data-pagefind-ignore") is not None
    hrefs = share.xpath(".//a/@href")
    assert len(hrefs) == 4 and all("https%3A//example.org/smart-bombs/joint/" in h for h in hrefs)
    assert hrefs[-1].startswith("mailto:?subject=Joint%20Story")
    assert share.xpath(".//button/@data-copy-link") == ["https://example.org/smart-bombs/joint/"]
    assert not doc.xpath("//script[contains(@src, 'x.com') or contains(@src, 'facebook')]")

    boxes = art.xpath(".//aside[@class='written-by']")
    assert [text(b.xpath("./h2")[0]) for b in boxes] == ["Written By"] * 3
    maya = boxes[0]
    (avatar,) = maya.xpath(".//img[@class='avatar']/@src")
    assert re.fullmatch(r"/images/authors/maya(-\d+w\.[0-9a-f]+)?\.png", avatar)  # a processed rendition
    assert maya.xpath(".//img[@class='avatar']/@alt") == ["Maya Carlin"]
    assert maya.xpath(".//img[@class='avatar']/@width") == ["80"]  # its displayed size
    assert texts(maya, ".//p[@class='author-name']") == ["Maya Carlin"]
    assert texts(maya, ".//p[@class='author-role']") == ["Senior Editor"]
    assert texts(maya, ".//div[@class='bio']") == ["Maya Carlin is an analyst."]
    assert maya.xpath(".//ul[@class='author-links']//a/@href") == [
        "https://x.com/MayaCarlin",
        "mailto:maya@example.org",
    ]
    assert texts(boxes[1], ".//span[contains(@class, 'avatar-initials')]") == ["JD"]  # no avatar: initials

    # related: same section or shared tags, newest first, never the article itself
    assert texts(doc, "//section[contains(@class, 'related')]//h3") == ["Newest Story", "Middle Story", "Old Story"]
    assert doc.xpath("//nav[@class='article-nav']/a[@rel='prev']/@href") == ["/smart-bombs/middle/"]
    assert doc.xpath("//nav[@class='article-nav']/a[@rel='next']") == []  # newest in its section
    middle = parse(site_out / "smart-bombs/middle/index.html")
    assert middle.xpath("//nav[@class='article-nav']/a/@href") == ["/smart-bombs/first-strike/", "/smart-bombs/joint/"]


def test_ad_slots_render_where_configured_and_nowhere_else(site_out: Path) -> None:
    doc = parse(site_out / "smart-bombs/joint/index.html")
    slots = doc.xpath("//div[contains(concat(' ', @class, ' '), ' ad ')]")
    assert [s.get("class") for s in slots] == ["ad ad-header", "ad ad-in_article"]  # sidebar and article_end empty
    for slot in slots:
        assert texts(slot, "./p[@class='ad-label']") == ["Advertisement"]
        assert slot.get("data-pagefind-ignore") is not None
    assert texts(doc, "//header//div[@class='ad-box']/a[@class='house-ad']") == ["Read the briefing"]
    # in-article: after the second top-level paragraph of the body
    body = doc.xpath("//div[@class='article-body']")[0]
    assert [(b.tag, b.get("class"), text(b)[:2]) for b in body[:5]] == [
        ("p", None, "P1"),
        ("p", None, "P2"),
        ("div", "ad ad-in_article", "Ad"),
        ("p", None, "P3"),
        ("p", None, "P4"),
    ]
    # each slot's box is reserved at its configured size, by a stylesheet (no inline styles)
    sheets = doc.xpath("//link[@rel='stylesheet']/@href")
    ad_css = (site_out / next(h for h in sheets if "ad-slots" in h).lstrip("/")).read_text()
    assert ".ad-in_article { --ad-width: 320px; --ad-height: 100px; }" in ad_css
    assert ".ad-header { --ad-width: 728px; --ad-height: 90px; }" in ad_css
    assert "ad-sidebar" not in ad_css
    # a short article has no paragraph after the second one: no in-article slot
    short = parse(site_out / "smart-bombs/middle/index.html")
    assert short.xpath("//div[@class='article-body']//div[contains(@class, 'ad-in_article')]") == []
    # never in feeds
    feed = feedparser.parse((site_out / "feed.xml").read_bytes())
    assert not feed.bozo and feed.entries
    assert "Advertisement" not in (site_out / "feed.xml").read_text()
    assert "house-ad" not in (site_out / "feed.xml").read_text()
    # pages without a configured slot show no label at all
    no_ads = make_site(site_out.parent.parent / "no-ads")
    assert build_site(no_ads).exit_code == 0
    page = (no_ads / "output/smart-bombs/first-strike/index.html").read_text()
    assert "Advertisement" not in page and "ad-slots" not in page


def test_a_misspelt_ad_slot_is_reported_with_its_line_on_every_build(tmp_path: Path) -> None:
    config = 'title: T\nbase_url: https://example.org/\nads:\n  header: "<a href=/x>House ad</a>"\n'
    config += '  sidbar: "<a href=/y>Side ad</a>"\n'
    site = make_site(tmp_path / "s", {"magsite.yaml": config})
    line = config.splitlines().index("ads:") + 1  # warnings about a slot point at its 'ads' key
    for _ in range(2):  # a build with warnings is never skipped as unchanged, so they are shown again
        result = build_site(site)
        assert result.exit_code == 0, result.output
        assert (
            f"magsite.yaml:{line}: warning: ad slot 'sidbar' is not one the default theme places"
            f" (header, sidebar, in_article, article_end) (hint: did you mean 'sidebar'?)"
        ) in result.output
    page = (site / "output/smart-bombs/first-strike/index.html").read_text()
    assert "House ad" in page and "Side ad" not in page


def test_list_pages_have_profile_headers_cards_and_numbered_pagination(site_out: Path, tmp_path: Path) -> None:
    author = parse(site_out / "author/maya-carlin/index.html")
    profile = author.xpath("//div[@class='profile']")[0]
    assert profile.xpath(".//img[@class='avatar']/@alt") == ["Maya Carlin"]
    assert texts(profile, ".//h1") == ["Maya Carlin"]
    assert texts(profile, ".//p[@class='role']") == ["Senior Editor"]
    assert texts(profile, ".//div[@class='bio']") == ["Maya Carlin is an analyst."]
    assert profile.xpath(".//ul[@class='author-links']//a/@href") == [
        "https://x.com/MayaCarlin",
        "mailto:maya@example.org",
    ]
    assert texts(profile, ".//p[@class='article-count']") == ["5 articles"]
    assert texts(author, "//h2[@id='list-title']") == ["Articles by Maya Carlin"]

    section = parse(site_out / "smart-bombs/index.html")
    assert texts(section, "//h1") == ["Smart Bombs"]
    assert texts(section, "//header[@class='list-header']/p[@class='dek']") == [
        "Military, Defense and National Security"
    ]
    assert texts(section, "//h3[@class='card-title']") == ["Joint Story", "Middle Story"]
    assert texts(parse(site_out / "tag/drones/index.html"), "//h1") == ["Drones"]

    site = make_site(
        tmp_path / "many",
        {
            "magsite.yaml": "title: Many\nbase_url: https://example.org/\nper_page: 1\n",
            **{
                f"content/articles/s{i:02d}.md": article(f"Story {i:02d}", date=f"2024-06-{i:02d}T10:00:00Z")
                for i in range(1, 12)
            },
        },
    )
    assert build_site(site).exit_code == 0
    page6 = parse(site / "output/smart-bombs/page/6/index.html")
    nav = page6.xpath("//nav[@class='pagination']")[0]
    assert texts(nav, "./ol/li") == ["1", "…", "4", "5", "6", "7", "8", "…", "12"]
    assert texts(nav, ".//span[@aria-current='page']") == ["6"]
    assert nav.xpath("./ol/li/a/@href")[0] == "/smart-bombs/"
    assert nav.xpath("./ol/li/a/@href")[-1] == "/smart-bombs/page/12/"
    assert texts(parse(site / "output/smart-bombs/index.html"), "//nav[@class='pagination']/ol/li") == [
        "1",
        "2",
        "3",
        "…",
        "12",
    ]


def test_standalone_and_not_found_pages(site_out: Path) -> None:
    about = parse(site_out / "about/index.html")
    assert texts(about, "//article[contains(@class, 'page')]/h1") == ["About Us"]
    missing = parse(site_out / "404.html")
    assert texts(missing, "//h1") == ["We couldn’t find that page"]
    form = missing.xpath("//main//form[@role='search']")[0]
    assert form.get("action") == "/search/" and form.xpath(".//input/@name") == ["q"]
    assert texts(missing, "//main//h3[@class='card-title']")[:2] == ["Newest Story", "An Essay"]
    # every link works from any depth, where the host serves 404.html for a missing URL
    assert all(h.startswith(("/", "https://", "mailto:", "#")) for h in missing.xpath("//@href | //@src"))


def test_a_site_overrides_one_template_and_one_static_file(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "s",
        {
            "templates/partials/footer.html": (
                '<footer class="site-footer">'
                '<p id="custom-footer">{{ config.copyright }} · Printed in-house</p></footer>\n'
            ),
            "themes/default/static/js/theme.js": "// the site's own script\n",
        },
    )
    assert build_site(site).exit_code == 0
    doc = parse(site / "output/smart-bombs/first-strike/index.html")
    assert texts(doc, "//p[@id='custom-footer']") == ["© Test Defense Weekly · Printed in-house"]
    assert texts(doc, "//nav[@aria-label='Sections']//a") == ["Home", "Smart Bombs"]  # the rest is the theme's
    script = doc.xpath("//script[contains(@src, '/js/theme.')]/@src")[0]
    assert (site / "output" / script.lstrip("/")).read_text() == "// the site's own script\n"
    css = doc.xpath("//link[@rel='stylesheet']/@href")[0]
    assert ".card-title" in (site / "output" / css.lstrip("/")).read_text()  # the theme's own stylesheet


# The Nu HTML Checker, once over every page of the sample and of the test site


def test_every_page_passes_the_nu_html_checker(sample_out: Path, site_out: Path) -> None:
    assert VNU_JAR.is_file(), "run scripts/test-deps to install the Nu HTML Checker"
    files = [*html_pages(sample_out), *html_pages(site_out), *sorted(sample_out.glob("static/**/*.css"))]
    files += sorted(sample_out.glob("static/**/*.svg"))
    assert len(files) > 100
    done = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--also-check-css",
            "--also-check-svg",
            "--format",
            "json",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(done.stderr or done.stdout)["messages"]
    assert [f"{m.get('url', '')}:{m.get('lastLine')}: {m['message']}" for m in messages] == []


# A real browser: Debian's Chromium through Playwright, the sample served on 127.0.0.1


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def origin(sample_out: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(sample_out))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_page(
    browser: Browser, url: str, width: int = 390, slow_images: bool = False, **options: object
) -> tuple[Page, list[str], list[str]]:
    """Load url; returns the page, every URL it requested and every console error."""
    page = browser.new_page(viewport={"width": width, "height": 800}, **options)
    if slow_images:  # the first images arrive after the first paint, as on a real network, so a shift shows
        held = itertools.count()
        page.route(IMAGE_FILE, lambda route: (held.__next__() < 4 and time.sleep(0.3), route.continue_()))
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    return page, requests, errors


@pytest.mark.parametrize("width", [360, 1366])
def test_pages_fit_the_screen_and_request_nothing_from_elsewhere(browser: Browser, origin: str, width: int) -> None:
    for name, path in {**SAMPLE_PAGES, "not found": "/404.html"}.items():
        page, requests, errors = open_page(browser, origin + path, width, slow_images=True)
        page.evaluate(SCROLL_THROUGH)  # so that every lazy image loads
        page.wait_for_function("[...document.images].every(i => i.complete)")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} at {width}px is {overflow}px too wide"
        assert [u for u in requests if not u.startswith(origin)] == [], name
        assert errors == [], name
        assert page.evaluate("[...document.images].filter(i => !i.naturalWidth).map(i => i.src)") == [], name
        assert page.evaluate(LAYOUT_SHIFT) == 0, f"{name} at {width}px moved while loading"
        page.close()


def test_dark_mode_follows_the_system_setting(browser: Browser, origin: str) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        page, _, _ = open_page(browser, origin + SAMPLE_PAGES["article"], color_scheme=scheme)
        colours[scheme] = page.evaluate(
            "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.querySelector('h1')).color]"
        )
        page.close()
    assert colours["light"] == ["rgb(255, 255, 255)", "rgb(22, 24, 28)"]
    background, ink = ([int(c) for c in re.findall(r"\d+", value)][:3] for value in colours["dark"])
    assert max(background) < 40 and min(ink) > 200


def test_print_shows_the_article_without_navigation_ads_or_sharing(browser: Browser, origin: str) -> None:
    page, _, _ = open_page(browser, origin + SAMPLE_PAGES["article"], width=1366)
    page.emulate_media(media="print")
    hidden = ".section-nav, .search-form, .ad, .share, .sidebar, .related, .article-nav"
    assert page.evaluate(f"[...document.querySelectorAll('{hidden}')].every(e => e.offsetParent === null)")
    assert page.evaluate("document.querySelectorAll('.ad').length") >= 3
    assert page.is_visible("article h1") and page.is_visible(".written-by") and page.is_visible("figcaption")
    page.close()


def test_keyboard_users_get_a_skip_link_and_visible_focus(browser: Browser, origin: str) -> None:
    page, _, _ = open_page(browser, origin + SAMPLE_PAGES["article"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 20  # on screen once focused
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "[getComputedStyle(document.activeElement).outlineStyle,"
        " parseFloat(getComputedStyle(document.activeElement).outlineWidth)]"
    )
    assert outline[0] == "solid" and outline[1] >= 2
    landmarks = page.evaluate("['header', 'nav', 'main', 'footer'].map(t => document.querySelectorAll(t).length)")
    assert all(n >= 1 for n in landmarks)
    page.close()


def test_an_ad_loading_late_moves_nothing(browser: Browser, origin: str) -> None:
    page, _, _ = open_page(browser, origin + SAMPLE_PAGES["article"])
    before = page.evaluate("""() => {
        const slot = document.querySelector('.article-body .ad');
        return [slot.querySelector('.ad-box').getBoundingClientRect().height,
                slot.nextElementSibling.getBoundingClientRect().top];
    }""")
    assert before[0] == 250  # the sample's in-article slot is 300x250
    after = page.evaluate("""() => {
        const slot = document.querySelector('.article-body .ad');
        const late = document.createElement('div');
        late.style.height = '600px';  // an ad that arrives bigger than its slot
        slot.querySelector('.ad-box').replaceChildren(late);
        return [slot.querySelector('.ad-box').getBoundingClientRect().height,
                slot.nextElementSibling.getBoundingClientRect().top];
    }""")
    assert after == before
    page.close()


def test_copy_link_button_copies_the_article_url(browser: Browser, origin: str) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(origin + SAMPLE_PAGES["article"])
    button = page.locator("button[data-copy-link]")
    assert button.is_visible()
    button.click()
    page.wait_for_function("document.querySelector('.share-status').textContent !== ''")
    assert page.text_content(".share-status") == "Link copied"
    assert page.evaluate("navigator.clipboard.readText()") == (
        "https://frontline-defense.netlify.app/smart-bombs/putins-nightmare-belgorod/"
    )
    context.close()
