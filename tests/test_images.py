"""Images: responsive variants, hero crops, stripped metadata, sRGB, the cache, bad input, and real browsers."""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    NOW,
    REPO,
    article,
    assert_build_fails_keeping_output,
    build_site,
    make_site,
    run,
    tree_digest,
)
from lxml import etree
from PIL import ExifTags, Image, features
from PIL.PngImagePlugin import PngInfo
from playwright.sync_api import sync_playwright
from test_build import parse

A = "content/articles/2024/06/story.md"
HERO = "{src: images/hero.jpg, alt: Tanks on a winter field}"
MODERN = ("avif", "webp") if features.check("avif") else ("webp",)
NAME = re.compile(r"-(\d+w|og|16x9|4x3|1x1)\.([0-9a-f]{10})\.(avif|webp|jpg|png)$")
SECRETS = (b"SN-4242-SECRET", b"GPS-SECRET-CAM", b"xmp-secret", b"comment-secret", b"png-secret")


def photo(width: int, height: int, fmt: str = "JPEG", **save: object) -> bytes:
    """A photo-like test image: gradients in two channels, soft blotches in the third."""
    ramp = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((8, 6), 80).resize((width, height), Image.Resampling.BICUBIC)
    image = Image.merge("RGB", (ramp, noise, ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def halves(width: int, height: int) -> bytes:
    """Left half blue, right half red: shows which side a crop kept."""
    image = Image.new("RGB", (width, height), (0, 0, 255))
    image.paste((255, 0, 0), (width // 2, 0, width, height))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ \0\0\0\0" + _s15(x) + _s15(y) + _s15(z)


def swapped_profile() -> bytes:
    """An ICC RGB profile with sRGB's red and blue primaries swapped and linear curves: its red is sRGB blue."""
    curve = b"curv\0\0\0\0" + struct.pack(">I", 0)
    desc = b"desc\0\0\0\0" + struct.pack(">I", 8) + b"swapped\0" + b"\0" * 79
    tags = [
        (b"desc", desc),
        (b"wtpt", _xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", _xyz(0.1431, 0.0606, 0.7141)),
        (b"gXYZ", _xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", _xyz(0.4361, 0.2225, 0.0139)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table = data = b""
    for signature, body in tags:
        body += b"\0" * (-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    header = struct.pack(">I4sI4s4s4s", offset + len(data), b"none", 0x02100000, b"mntr", b"RGB ", b"XYZ ")
    header += b"\0" * 12 + b"acsp" + b"\0" * 28 + _s15(0.9642) + _s15(1.0) + _s15(0.8249) + b"\0" * 48
    return header + struct.pack(">I", len(tags)) + table + data


def camera_jpeg(width: int, height: int) -> bytes:
    """A JPEG as a phone writes it: GPS position, camera serial, XMP, a comment, EXIF orientation 6, a profile."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "GPS-SECRET-CAM"
    exif[ExifTags.Base.Orientation] = 6  # stored sideways: shown rotated 90° clockwise
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = "SN-4242-SECRET"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (50.0, 35.0, 48.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (36.0, 35.0, 12.0)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description note="xmp-secret"/></x:xmpmeta>'
    return photo(width, height, exif=exif.tobytes(), xmp=xmp, comment=b"comment-secret", icc_profile=swapped_profile())


def published_images(out: Path) -> list[Path]:
    return sorted(p for p in (out / "images").rglob("*") if p.is_file())


def picture_of(doc: etree._Element, xpath: str) -> dict[str, object]:
    """The <source>s and <img> of one <picture>, as plain data."""
    pic = doc.xpath(xpath)[0]
    return {
        "sources": {s.get("type"): s.get("srcset") for s in pic.xpath("source")},
        "sizes": {s.get("sizes") for s in pic.xpath("source | img")},
        "img": dict(pic.xpath("img")[0].attrib),
    }


def srcset_urls(srcset: str) -> list[tuple[str, int]]:
    return [(url, int(w.rstrip("w"))) for url, w in (c.split() for c in srcset.split(", "))]


def test_hero_inline_and_avatar_images_become_responsive_pictures(tmp_path: Path) -> None:
    body = 'Intro.\n\n![A range map of the "new" missile & <its> reach](images/map.png "Range")\n'
    site = make_site(
        tmp_path / "s",
        {
            A: article("Story", image=HERO, body=body),
            "content/images/hero.jpg": photo(2000, 1125),
            "content/images/map.png": photo(600, 400, "PNG"),
            "content/images/maya.jpg": photo(300, 300),
            "content/authors/maya-carlin.md": "---\nname: Maya Carlin\navatar: images/maya.jpg\n---\nBio.\n",
        },
    )
    result = build_site(site)
    assert result.exit_code == 0, result.output
    out = site / "output"
    doc = parse(out / "smart-bombs/story/index.html")

    hero = picture_of(doc, "//figure[@class='hero-figure']/picture")
    assert list(hero["sources"]) == [f"image/{f}" for f in MODERN]
    assert hero["sizes"] == {"(min-width: 75rem) 46rem, 100vw"}  # as article.html asks
    img = hero["img"]
    assert (img["width"], img["height"], img["alt"]) == ("1600", "900", "Tanks on a winter field")
    assert img["fetchpriority"] == "high" and "loading" not in img
    candidates = [*srcset_urls(img["srcset"])] + [c for s in hero["sources"].values() for c in srcset_urls(s)]
    assert sorted({w for _, w in candidates}) == [480, 800, 1200, 1600]
    assert img["src"] in {url for url, _ in candidates}
    for url, width in candidates:
        file = out / url.lstrip("/")
        with Image.open(file) as served:
            assert served.width == width
            assert served.height == round(1125 * width / 2000)
            kind = served.format.lower().replace("jpeg", "jpg")
        name = NAME.search(url)
        assert name and name.group(3) == kind
        assert name.group(2) == hashlib.sha256(file.read_bytes()).hexdigest()[:10]  # cacheable forever

    inline = picture_of(doc, "//div[@class='article-body']//picture")
    assert (inline["img"]["alt"], inline["img"]["title"]) == ('A range map of the "new" missile & <its> reach', "Range")
    assert (inline["img"]["loading"], inline["img"]["decoding"]) == ("lazy", "async")
    assert (inline["img"]["width"], inline["img"]["height"]) == ("600", "400")
    assert [w for _, w in srcset_urls(inline["img"]["srcset"])] == [480, 600]  # never upscaled
    assert inline["img"]["src"].endswith(".png")

    avatar = picture_of(doc, "//aside[@class='written-by']//picture")["img"]
    assert (avatar["width"], avatar["height"], avatar["class"]) == ("80", "80", "avatar")  # partials/avatar.html
    assert [w for _, w in srcset_urls(avatar["srcset"])] == [120, 240, 300]
    assert avatar["sizes"] == "80px"

    card = parse(out / "index.html").xpath("//article[@class='card']//img")
    assert card and all(i.get("loading") == "lazy" and i.get("width") for i in card)
    with Image.open(out / "images/hero.jpg") as clean_copy:  # the source's own URL still works
        assert clean_copy.size == (2000, 1125)


def test_the_top_card_of_a_list_page_loads_at_once_and_the_others_lazily(tmp_path: Path) -> None:
    """The first card's image is what a reader sees first on a section, author or tag page (its LCP)."""
    older = article("Older Story", image=HERO, date="2024-04-01T09:00:00Z", tags="[Drones]")
    site = make_site(
        tmp_path / "s",
        {
            A: article("Story", image=HERO, date="2024-06-01T09:00:00Z", tags="[Drones]"),
            "content/articles/2024/04/older.md": older,
            "content/images/hero.jpg": photo(2000, 1125),
        },
    )
    assert build_site(site).exit_code == 0
    out = site / "output"
    lists = ("smart-bombs/index.html", "smart-bombs/page/2/index.html", "author/maya-carlin/index.html")
    for page in (*lists, "tag/drones/index.html"):  # two cards a page; First Strike has no image
        first, *others = parse(out / page).xpath("//article[contains(@class, 'card')]//img")
        assert (first.get("fetchpriority"), first.get("loading")) == ("high", None), page
        assert all(i.get("loading") == "lazy" and not i.get("fetchpriority") for i in others), page
    assert len(others) == 1  # on the tag page: Older Story's card, lazy
    front = parse(out / "index.html").xpath("//article[@class='card']//img")  # below the lead story
    assert front and all(i.get("loading") == "lazy" for i in front)


def test_remote_images_pass_through_untouched(tmp_path: Path) -> None:
    url = "https://cdn.example.org/photos/strike.jpg?w=1200"
    site = make_site(tmp_path / "s", {A: article("Story", image=f'{{src: "{url}", alt: Remote}}')})
    assert build_site(site).exit_code == 0
    doc = parse(site / "output/smart-bombs/story/index.html")
    assert doc.xpath("//figure//picture") == []
    assert doc.xpath("//figure//img/@src") == [url]
    assert not (site / "output/images").exists()


def test_hero_crops_centre_on_the_focus_point_and_reach_metadata_and_templates(tmp_path: Path) -> None:
    override = (  # the image_set() template global, in an article-only include point
        "{% if post.image %}{% set s = image_set(post.image) %}<p id='set'>{{ s.og.width }}x{{ s.og.height }}"
        "{% for c in s.crops %} {{ c.url|url }}{% endfor %}</p>{% endif %}\n"
    )
    site = make_site(
        tmp_path / "s",
        {
            A: article("Story", image="{src: images/hero.png, alt: Two halves, focus: [1.0, 0.5]}"),
            "content/images/hero.png": halves(2400, 1000),
            "templates/partials/corrections.html": override,
        },
    )
    assert build_site(site).exit_code == 0
    out = site / "output"
    doc = parse(out / "smart-bombs/story/index.html")
    og = doc.xpath("//meta[@property='og:image']/@content")[0]
    assert og.startswith("https://example.org/images/hero-og.")
    assert doc.xpath("//meta[@property='og:image:width']/@content") == ["1200"]
    assert doc.xpath("//meta[@property='og:image:height']/@content") == ["630"]
    blocks = [json.loads(t) for t in doc.xpath("//script[@type='application/ld+json']/text()")]
    news = next(b for b in blocks if b.get("@type") == "NewsArticle")
    set_text = doc.xpath("//p[@id='set']/text()")[0].split()
    assert set_text[0] == "1200x630"
    assert news["image"] == [og] + [f"https://example.org{url}" for url in set_text[1:]]
    sizes = {}
    for url in news["image"]:
        with Image.open(out / url.removeprefix("https://example.org/")) as crop:
            sizes[NAME.search(url).group(1)] = crop.size
            if "-1x1." in url:  # the square from a focus at the right edge is all red
                assert crop.convert("RGB").getcolors() == [(1200 * 1200, (255, 0, 0))]
    assert sizes == {"og": (1200, 630), "16x9": (1200, 675), "4x3": (1200, 900), "1x1": (1200, 1200)}


def test_published_files_carry_no_metadata_and_are_upright_srgb(tmp_path: Path) -> None:
    red_but_profiled = io.BytesIO()
    Image.new("RGB", (64, 48), (255, 0, 0)).save(red_but_profiled, "PNG", icc_profile=swapped_profile())
    png_info = PngInfo()
    png_info.add_text("Comment", "png-secret")
    tagged_png = photo(500, 300, "PNG", pnginfo=png_info)
    site = make_site(
        tmp_path / "s",
        {
            A: article("Story", image=HERO, body="![Profiled](images/red.png)\n\n![Tagged](images/tagged.png)\n"),
            "content/images/hero.jpg": camera_jpeg(1000, 600),  # upright: 600 wide, 1000 high
            "content/images/red.png": red_but_profiled.getvalue(),
            "content/images/tagged.png": tagged_png,
        },
    )
    assert camera_jpeg(10, 10).count(b"SN-4242-SECRET") == 1  # the test image really carries it
    assert build_site(site).exit_code == 0
    out = site / "output"
    files = published_images(out)
    assert len(files) > 20
    for file in files:
        data = file.read_bytes()
        assert not [s for s in SECRETS if s in data], file.name
        with Image.open(file) as image:
            assert not image.getexif(), file.name
            assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "Comment"} & set(image.info)
            if "hero" in file.name and "w." in file.name:
                assert image.height > image.width, file.name  # EXIF orientation applied
            if file.name.startswith("red"):
                pixel = image.convert("RGB").getpixel((5, 5))  # converted to sRGB: it was blue
                assert max(abs(a - b) for a, b in zip(pixel, (0, 0, 255), strict=True)) < 12, (file.name, pixel)
    img = parse(out / "smart-bombs/story/index.html").xpath("//figure//img")[0]
    assert (img.get("width"), img.get("height")) == ("600", "1000")


def test_a_rebuild_takes_unchanged_images_from_the_cache_outside_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MAGSITE_IMAGE_CACHE")  # the default: <site>/.magsite-cache/images
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "me"))
    site = make_site(tmp_path / "s", {A: article("Story", image=HERO), "content/images/hero.jpg": photo(1300, 700)})
    assert build_site(site).exit_code == 0
    cached = [p for p in (site / ".magsite-cache/images").rglob("*") if p.is_file() and p.name != "index.json"]
    assert len(cached) > 10
    assert not [p for p in (site / "output").rglob("*") if "cache" in p.name]
    for file in cached:
        file.write_bytes(b"cached " + file.name.encode())  # an encode would write an image here instead
    shutil.copytree(site, tmp_path / "copy")

    shutil.rmtree(site / "output")
    assert build_site(site).exit_code == 0
    served = published_images(site / "output")
    assert {p.read_bytes() for p in served} == {b"cached " + p.name.encode() for p in served}

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))  # a cache that came with the site
    shutil.rmtree(tmp_path / "copy/output")
    assert build_site(tmp_path / "copy").exit_code == 0
    assert not [p for p in published_images(tmp_path / "copy/output") if p.read_bytes().startswith(b"cached ")]

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "me"))
    (site / "magsite.yaml").write_text((site / "magsite.yaml").read_text() + "images: {widths: [320, 640]}\n")
    assert build_site(site).exit_code == 0  # new settings, new cache keys: images made again
    widths = {m.group(1) for p in published_images(site / "output") if (m := NAME.search(p.name))}
    assert {"320w", "640w"} <= widths and "800w" not in widths
    with Image.open(next((site / "output/images").glob("hero-640w.*.jpg"))) as image:
        assert image.size == (640, 345)


def test_two_cold_builds_are_byte_identical(tmp_path: Path) -> None:
    files = {
        "magsite.yaml": "title: T\nbase_url: https://example.org/\nimages: {widths: [200, 400]}\n",
        A: article("Story", image=HERO, body="![A chart](images/chart.png)\n"),
        "content/images/hero.jpg": photo(600, 400),
        "content/images/chart.png": photo(500, 300, "PNG"),
        "content/images/unused.webp": photo(300, 300, "WEBP"),
    }
    one, two = make_site(tmp_path / "one", files), make_site(tmp_path / "two", files)
    assert build_site(one, "--image-cache", tmp_path / "cache-one").exit_code == 0
    assert build_site(two, "--image-cache", tmp_path / "cache-two").exit_code == 0  # every image encoded again
    assert tree_digest(one / "output") == tree_digest(two / "output")
    assert len(published_images(one / "output")) > 20


def bomb_png(width: int, height: int) -> bytes:
    """A tiny PNG file whose header claims a huge size (a decompression bomb)."""
    data = bytearray(photo(8, 8, "PNG"))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


GOOD = photo(64, 48)
CUT = photo(400, 300)[:1500]
INLINE_AT = 9  # line of a body's third line in article() without extra keys

BAD = {
    "missing_hero": (
        {A: article(image="{src: images/nope.jpg, alt: Nothing}")},
        f"{A}:6: image 'images/nope.jpg' not found",
    ),
    "missing_inline": (
        {A: article(body="One.\n\n![Map](images/nope.png)")},
        f"{A}:{INLINE_AT}: image 'images/nope.png' not found",
    ),
    "truncated_hero": (
        {A: article(image=HERO), "content/images/hero.jpg": CUT},
        f"{A}:6: image 'images/hero.jpg' cannot be read: image file is truncated",
    ),
    "truncated_inline": (
        {A: article(body="One.\n\n![Map](images/cut.jpg)"), "content/images/cut.jpg": CUT},
        f"{A}:{INLINE_AT}: image 'images/cut.jpg' cannot be read",
    ),
    "not_an_image": (
        {A: article(image=HERO), "content/images/hero.jpg": b"<html>not a photo</html>"},
        f"{A}:6: image 'images/hero.jpg' is not an image file Pillow can read",
    ),
    "over_pixel_limit": (
        {
            A: article(image=HERO),
            "content/images/hero.jpg": GOOD,
            "magsite.yaml": "title: T\nbase_url: https://e.org/\nimages: {max_pixels: 3000}\n",
        },
        f"{A}:6: image 'images/hero.jpg' is 64x48 pixels, more than the limit of 3,000 (images.max_pixels)",
    ),
    "decompression_bomb": (
        {A: article(body="One.\n\n![Bomb](images/bomb.png)"), "content/images/bomb.png": bomb_png(40_000, 40_000)},
        f"{A}:{INLINE_AT}: image 'images/bomb.png' has more pixels than the limit of 80,000,000 (images.max_pixels)",
    ),
    "hero_outside_site": (
        {A: article(image="{src: ../secret.jpg, alt: Secret}")},
        f"{A}:6: image '../secret.jpg' must be a path under content/images/",
    ),
    "inline_outside_site": (
        {A: article(body="One.\n\n![Secret](../../../../../secret.jpg)")},
        f"{A}:{INLINE_AT}: image '../secret.jpg' is outside the site folder",
    ),
    "hero_without_alt": (
        {A: article(image="{src: images/hero.jpg}"), "content/images/hero.jpg": GOOD},
        f"{A}:6: image 'images/hero.jpg' needs alt text ('image.alt')",
    ),
    "inline_without_alt": (
        {A: article(body="One.\n\n![](images/hero.jpg)"), "content/images/hero.jpg": GOOD},
        f"{A}:{INLINE_AT}: image 'images/hero.jpg' has no alt text",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_images_name_article_line_and_image_and_keep_previous_output(tmp_path: Path, case: str) -> None:
    files, expected = BAD[case]
    assert_build_fails_keeping_output(tmp_path / "site", files, expected)


def test_check_reports_image_problems_as_build_does(tmp_path: Path) -> None:
    body = "One.\n\n![](images/ok.jpg) ![Cut](images/cut.jpg)"
    site = make_site(
        tmp_path / "s", {A: article(body=body), "content/images/ok.jpg": GOOD, "content/images/cut.jpg": CUT}
    )
    result = run("check", "--site", site, "--now", NOW)
    assert result.exit_code == 1
    assert f"{A}:{INLINE_AT}: image 'images/ok.jpg' has no alt text" in result.output
    assert f"{A}:{INLINE_AT}: image 'images/cut.jpg' cannot be read" in result.output
    assert not (site / "output").exists()


def test_an_image_symlinked_from_outside_the_site_is_refused(tmp_path: Path) -> None:
    (tmp_path / "private.jpg").write_bytes(GOOD)
    site = make_site(tmp_path / "site", {A: article(image=HERO)})
    (site / "content/images").mkdir()
    os.symlink(tmp_path / "private.jpg", site / "content/images/hero.jpg")
    result = build_site(site)
    assert result.exit_code == 1
    assert f"{A}:6: image 'images/hero.jpg' is a symlink that leads outside the site folder" in result.output


def test_a_broken_image_nothing_uses_is_a_warning_and_not_published(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {"content/images/old/cut.jpg": CUT, "content/images/ok.jpg": GOOD})
    result = build_site(site)
    assert result.exit_code == 0, result.output
    assert "content/images/old/cut.jpg: warning: image 'images/old/cut.jpg' cannot be read" in result.output
    assert not (site / "output/images/old").exists()
    assert (site / "output/images/ok.jpg").is_file()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A built test site with a hero, a far-down inline image and an avatar, served over HTTP on 127.0.0.1."""
    tmp_path = tmp_path_factory.mktemp("served")
    text = "\n\n".join(
        f"Paragraph {i} of the analysis, long enough to fill a line or two of the column." for i in range(60)
    )
    site = make_site(
        tmp_path / "s",
        {
            A: article("Story", image=HERO, body=f"Lead.\n\n{text}\n\n![A chart far down](images/chart.png)\n"),
            "content/images/hero.jpg": photo(2000, 1125),
            "content/images/chart.png": photo(1000, 600, "PNG"),
            "content/images/maya.jpg": photo(300, 300),
            "content/authors/maya-carlin.md": "---\nname: Maya Carlin\navatar: images/maya.jpg\n---\nBio.\n",
        },
    )
    assert build_site(site).exit_code == 0
    handler = functools.partial(_QuietHandler, directory=str(site / "output"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", site / "output"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_chromium_picks_a_modern_variant_big_enough_and_nothing_shifts(served: tuple[str, Path]) -> None:
    origin, _ = served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for viewport, scale in (({"width": 412, "height": 823}, 1.75), ({"width": 1350, "height": 940}, 1)):
            page = browser.new_page(viewport=viewport, device_scale_factor=scale)
            page.goto(f"{origin}/smart-bombs/story/", wait_until="load")
            src, shown, complete = page.evaluate(
                "() => { const i = document.querySelector('figure img');"
                " return [i.currentSrc, i.getBoundingClientRect().width, i.complete]; }"
            )
            assert complete and src.endswith(f".{MODERN[0]}")
            assert int(NAME.search(src).group(1).rstrip("w")) >= shown * scale  # sharp on this screen
            inline_requested = page.evaluate(
                "() => performance.getEntriesByType('resource').some(e => e.name.includes('/chart-'))"
            )
            assert not inline_requested  # lazy: far below the fold
            page.locator(".article-body picture img").scroll_into_view_if_needed()
            page.wait_for_function("() => document.querySelector('.article-body picture img').complete")
            shift = page.evaluate(
                "() => new Promise(done => { new PerformanceObserver(list => done(list.getEntries()"
                ".reduce((sum, e) => sum + e.value, 0))).observe({type: 'layout-shift', buffered: true});"
                " setTimeout(() => done(0), 500); })"
            )
            detail = page.evaluate(
                "() => new Promise(done => { new PerformanceObserver(list => done(list.getEntries().map(e => [e.value,"
                " e.sources.map(s => s.node ? s.node.nodeName + '.' + s.node.className : '?')]))).observe({type:"
                " 'layout-shift', buffered: true}); setTimeout(() => done([]), 500); })"
            )
            assert shift == 0, (viewport, detail)
            page.close()
        browser.close()


LIGHTHOUSE = REPO / ".tools/node_modules/.bin/lighthouse"
IMAGE_AUDITS = (
    "unsized-images",
    "image-aspect-ratio",
    "image-size-responsive",
    "modern-image-formats",
    "uses-optimized-images",
    "uses-responsive-images",
    "offscreen-images",
    "lcp-lazy-loaded",
    "prioritize-lcp-image",
    "image-delivery-insight",
)


def test_lighthouse_image_audits_pass_on_an_article_page(served: tuple[str, Path]) -> None:
    assert LIGHTHOUSE.exists(), "run scripts/test-deps to install Lighthouse"
    origin, _ = served
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, f"--remote-debugging-port={port}"]
        )
        run = subprocess.run(
            [
                LIGHTHOUSE,
                f"{origin}/smart-bombs/story/",
                f"--port={port}",
                "--output=json",
                "--quiet",
                f"--only-audits={','.join(IMAGE_AUDITS)}",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        browser.close()
    assert run.returncode == 0, run.stderr[-2000:]
    audits = json.loads(run.stdout)["audits"]
    failed = {
        k: (a["score"], a.get("displayValue"))
        for k, a in audits.items()
        if a["scoreDisplayMode"] != "notApplicable" and (a["score"] is None or a["score"] < 0.9)
    }
    assert failed == {}, json.dumps({k: audits[k].get("details") for k in failed})[:4000]
    applicable = {k for k, a in audits.items() if a["scoreDisplayMode"] != "notApplicable"}
    assert {"unsized-images", "modern-image-formats", "uses-responsive-images", "lcp-lazy-loaded"} <= applicable
