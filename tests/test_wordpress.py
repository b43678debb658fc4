"""`magsite import wordpress`: a hand-written WXR export becomes a site that builds, with nothing lost unseen."""

from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path

import feedparser
import html5lib
import pytest
import yaml
from conftest import build_site, run, tree_digest
from lxml import etree

FIXTURES = Path(__file__).parent / "fixtures" / "wordpress"
EXPORT = FIXTURES / "magazine.xml"
NEW_YORK = "title: Frontline Defense\nbase_url: https://frontline.example.com/\ntimezone: America/New_York\n"
PUTIN = "content/articles/2023/05/putins-nightmare.md"
DRONES = "content/articles/2023/04/drone-war.md"


def front_matter(file: Path) -> tuple[dict, str]:
    _, meta, body = file.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(meta), body


def parse(file: Path) -> etree._Element:
    return html5lib.parse(file.read_bytes(), treebuilder="lxml", namespaceHTMLElements=False).getroot()


def png(seed: int) -> bytes:
    """A real 1x1 PNG whose colour depends on seed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixel = zlib.compress(bytes([0, seed % 256, 80, 160]))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixel) + chunk(b"IEND", b"")


def site_with_config(tmp_path: Path, config: str = NEW_YORK) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "magsite.yaml").write_text(config, encoding="utf-8")
    return site


@pytest.fixture
def imported(tmp_path: Path) -> tuple[Path, str]:
    site = site_with_config(tmp_path)
    result = run("import", "wordpress", EXPORT, "--site", site)
    assert result.exit_code == 0, result.output
    return site, result.output


def test_posts_become_articles_with_every_field_mapped(imported: tuple[Path, str]) -> None:
    site, _ = imported
    meta, body = front_matter(site / PUTIN)
    assert meta == {
        "title": "Putin’s Nightmare: Moscow’s War in Ukraine Has Spread to Russia Itself",
        "dek": "Following a cross-border incursion launched from Ukraine, the war has come to Russia itself.",
        "author": "maya-carlin",
        "section": "smart-bombs",  # Yoast's primary category, though 'Ukraine War' is listed first
        "date": "2023-05-25T09:30:00-04:00",  # post_date_gmt in the site's timezone
        "updated": "2023-05-26T08:00:00-04:00",
        "tags": ["Ukraine War", "Russia", "Belgorod"],
        "image": {
            "src": "https://frontline.example.com/wp-content/uploads/2023/05/missiles.png",
            "alt": "Ukraine attack on Russian missiles",
            "caption": "Ukraine Attack on Russian Missiles",
            "credit": "YouTube Screenshot",
        },
        "summary": "Ukraine's war reaches Russia: what the Belgorod incursion means.",
        "featured": True,
        "aliases": ["/2023/05/25/putins-nightmare/", "/2023/05/25/putin-nightmare-belgorod/", "/?p=101"],
    }
    assert body.startswith("Following a cross-border incursion launched from Ukraine, Russia's Belgorod region")
    assert "The Kremlin called it *terrorism*.\\\nKyiv denied any role.\n" in body  # wpautop: newline -> <br>
    assert "## What Happened in Belgorod\n\nArmored vehicles crossed the border at dawn & clashed" in body
    assert "- More raids\n- Tighter border security" in body
    assert "<!--more-->" not in body


def test_authors_sections_and_pages_are_written(imported: tuple[Path, str]) -> None:
    site, output = imported
    names = {p.stem: front_matter(p)[0]["name"] for p in (site / "content/authors").glob("*.md")}
    # login slugified as the id, display name (or first + last name) as the name; guest authors too
    assert names == {
        "maya-carlin": "Maya Carlin",
        "j-okafor": "Jide Okafor",
        "desk": "Frontline Desk",
        "jane-doe": "Jane Doe",
    }
    sections = {p.stem: front_matter(p)[0] for p in (site / "content/sections").glob("*.md")}
    assert sections == {
        "smart-bombs": {"title": "Smart Bombs", "description": "Military, Defense and National Security"},
        "analysis": {"title": "Analysis & Opinion"},
        "армия": {"title": "Армия"},
    }
    pages = {p.stem: front_matter(p) for p in (site / "content/pages").glob("*.md")}
    assert sorted(pages) == ["about", "masthead", "search-303"]  # /search/ is magsite's own page
    assert pages["about"][0] == {"title": "About Frontline Defense"}
    assert "[desk@frontline.example.com](mailto:desk@frontline.example.com)" in pages["about"][1]
    assert 'item 302 "Masthead": old URL /about/masthead/ has no redirect to the page\'s new URL /masthead/' in output


def test_statuses_drafts_scheduled_private_and_trash(imported: tuple[Path, str]) -> None:
    site, output = imported
    draft, _ = front_matter(site / "content/articles/2023/06/hypersonic-weapons-draft-notes.md")
    assert draft["draft"] is True and draft["date"] == "2023-06-01T14:00:00-04:00"  # no GMT date: local time
    assert draft["aliases"] == ["/?p=103"]
    pending, _ = front_matter(site / "content/articles/2023/06/nato-eastern-flank.md")
    assert pending["draft"] is True
    future, _ = front_matter(site / "content/articles/2030/01/the-2030-fleet.md")
    assert future["date"] == "2030-01-15T07:00:00-05:00" and "draft" not in future
    protected, _ = front_matter(site / "content/articles/2023/09/order-of-battle.md")
    assert protected["draft"] is True
    written = {p.name for p in (site / "content/articles").rglob("*.md")}
    assert "source-memo.md" not in written and not any("rumour" in n for n in written)
    assert "posts            10 in the export: 8 imported (4 published, 3 drafts, 1 scheduled), 2 skipped" in output
    assert 'magazine.xml:229: item 106 "Internal: Source Protection Memo": private post; not imported' in output
    assert 'magazine.xml:249: item 107 "Deleted Rumour": trashed; not imported' in output
    assert 'item 111 "Subscribers Only: Order of Battle": is password-protected; imported as a draft' in output
    assert 'item 304 "Careers (draft)": draft page; not imported' in output
    assert 'item 401 "Home": menu item; not imported' in output
    assert "comments         2 not imported" in output


def test_co_authors_and_byline_meta(imported: tuple[Path, str]) -> None:
    site, output = imported
    meta, body = front_matter(site / DRONES)
    assert meta["author"] == ["maya-carlin", "jane-doe"]  # Co-Authors Plus terms, in their order
    assert meta["section"] == "analysis"
    assert "_byline' looks like a byline ('By Maya Carlin and Jane Doe, with reporting by Jide Okafor')" in output
    # Gutenberg: block comments gone, content kept
    assert "<!-- wp:" not in body and "Cheap drones have changed the front line." in body
    assert "| FPV drone | $500 |" in body


def test_unicode_titles_slugs_and_categories(imported: tuple[Path, str]) -> None:
    site, _ = imported
    meta, body = front_matter(site / "content/articles/2023/07/охота-на-панцирь.md")
    assert meta["title"] == "Охота на «Панцирь»: Ukraine’s Hunt for Russian Air Defenses — Überblick"
    assert meta["section"] == "армия" and meta["tags"] == ["Панцирь"]
    assert meta["aliases"] == ["/2023/07/04/охота-на-панцирь/", "/?p=108"]  # decoded, as the host serves it
    assert "日本語のテキスト" in body
    assert "охота-на-панцирь.md" in (site / "content/articles/2023/07/охота-на-панцирь.md").name


def test_shortcodes_embeds_and_galleries(imported: tuple[Path, str]) -> None:
    site, output = imported
    _, body = front_matter(site / PUTIN)
    assert (
        "<figure>\n\n![Map of the Belgorod region](https://frontline.example.com/wp-content/uploads/2023/05/"
        "belgorod-map.png)\n\n<figcaption>\n\nThe Belgorod region borders Ukraine.\n\n</figcaption>\n</figure>"
    ) in body
    _, body = front_matter(site / "content/articles/2023/08/air-defense-in-pictures.md")
    assert body.count("youtube-nocookie.com/embed/aBcDeFgHiJk") == 1  # [youtube URL]
    assert "https://player.vimeo.com/video/76979871" in body  # [embed]
    assert '<video src="https://frontline.example.com/wp-content/uploads/2023/08/launch.mp4"' in body  # bare URL
    gallery = "- ![A search radar](https://frontline.example.com/wp-content/uploads/2023/08/radar.png)\\\n"
    assert body.count(gallery) == 2  # [gallery ids=...] and [gallery] of the post's own attachments
    assert '[contact-form-7 id="12" title="Tips"]' in body
    assert "<script" not in body and "widgets.js" not in body
    assert 'item 110 "Air Defense in Pictures": unknown shortcode [contact-form-7] is kept as text' in output
    assert 'item 110 "Air Defense in Pictures": [gallery] image 299 is not in the export' in output
    assert 'item 102 "Inside the Drone War": the twitter.com embed of https://twitter.com/example/status/1' in output


def test_imported_site_builds_with_every_old_url_redirecting(imported: tuple[Path, str]) -> None:
    site, _ = imported
    result = build_site(site)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    out = site / "output"
    article = parse(out / "smart-bombs/putins-nightmare/index.html")
    assert article.xpath("string(//h1)").startswith("Putin’s Nightmare")
    body = "//div[@class='article-body']"
    assert article.xpath(f"normalize-space({body}//figure/figcaption)") == "The Belgorod region borders Ukraine."
    drone = parse(out / "analysis/drone-war/index.html")
    assert drone.xpath("//iframe/@src") == ["https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"]
    for old in ("2023/05/25/putins-nightmare", "2023/05/25/putin-nightmare-belgorod"):
        stub = parse(out / old / "index.html")
        assert stub.xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=/smart-bombs/putins-nightmare/"]
    assert (out / "армия/охота-на-панцирь/index.html").exists()
    assert (out / "2023/07/04/охота-на-панцирь/index.html").exists()
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    titles = {e.title for e in feed.entries}
    assert "Inside the Drone War" in titles and "The 2030 Fleet" not in titles and "Deleted Rumour" not in titles
    assert not (out / "smart-bombs/hypersonic-weapons-draft-notes").exists()


def test_media_dir_copies_uploads_and_points_images_at_them(tmp_path: Path) -> None:
    uploads = tmp_path / "backup/wp-content/uploads"
    files = {"2023/05/missiles.png": 1, "2023/05/belgorod-map.png": 2, "2023/08/Patriot Battery.png": 3}
    for rel, seed in files.items():
        (uploads / rel).parent.mkdir(parents=True, exist_ok=True)
        (uploads / rel).write_bytes(png(seed))
    site = site_with_config(tmp_path)
    result = run("import", "wordpress", EXPORT, "--site", site, "--media-dir", tmp_path / "backup")
    assert result.exit_code == 0, result.output
    meta, body = front_matter(site / PUTIN)
    assert meta["image"]["src"] == "images/2023/05/missiles.png"
    assert (site / "content/images/2023/05/missiles.png").read_bytes() == png(1)
    assert "![Map of the Belgorod region](images/2023/05/belgorod-map.png)" in body
    pictures, _ = front_matter(site / "content/articles/2023/08/air-defense-in-pictures.md")
    assert pictures["image"]["src"] == "images/2023/08/patriot-battery.png"  # a name Markdown links keep as is
    # files missing from the backup keep their URLs
    assert "(https://frontline.example.com/wp-content/uploads/2023/08/radar.png)" in front_matter(
        site / "content/articles/2023/08/air-defense-in-pictures.md"
    )[1]
    assert "images           3 copied to content/images" in result.output
    built = build_site(site)
    assert built.exit_code == 0, built.output
    assert (site / "output/images/2023/05/belgorod-map.png").read_bytes() == png(2)
    page = parse(site / "output/smart-bombs/putins-nightmare/index.html")
    srcs = page.xpath("//div[@class='article-body']/figure//img/@src")  # a responsive variant of the copy
    assert len(srcs) == 1 and srcs[0].startswith("/images/2023/05/belgorod-map-1w.")


def test_section_map_renames_and_merges_categories(tmp_path: Path) -> None:
    site = site_with_config(tmp_path)
    result = run("import", "wordpress", EXPORT, "--site", site, "--section-map", FIXTURES / "section-map.yaml")
    assert result.exit_code == 0, result.output
    assert front_matter(site / PUTIN)[0]["section"] == "war-in-ukraine"
    assert front_matter(site / DRONES)[0]["section"] == "opinion"
    assert sorted(p.stem for p in (site / "content/sections").glob("*.md")) == ["opinion", "war-in-ukraine", "армия"]
    assert front_matter(site / "content/sections/war-in-ukraine.md")[0] == {"title": "War in Ukraine"}
    assert build_site(site).exit_code == 0


def test_a_bad_section_map_is_a_clean_error(tmp_path: Path) -> None:
    site = site_with_config(tmp_path)
    bad = tmp_path / "map.yaml"
    bad.write_text("smart-bombs: War Zone\nanalysis: [1, 2]\n", encoding="utf-8")
    result = run("import", "wordpress", EXPORT, "--site", site, "--section-map", bad)
    assert result.exit_code == 1
    assert f"{bad}:1: section id 'War Zone' must be lowercase letters, digits and '-'" in result.output
    assert f"{bad}:2: 'analysis' must map to a section id, or to {{id, title}}" in result.output
    assert "Traceback" not in result.output
    assert not (site / "content").exists()


def test_update_changes_only_what_changed_and_keeps_edits(tmp_path: Path) -> None:
    site = site_with_config(tmp_path)
    export = tmp_path / "export.xml"
    shutil.copy(EXPORT, export)
    assert run("import", "wordpress", export, "--site", site).exit_code == 0
    again = run("import", "wordpress", export, "--site", site)
    assert again.exit_code == 1 and "re-run with --update" in again.output
    before = tree_digest(site / "content")

    same = run("import", "wordpress", export, "--site", site, "--update")
    assert same.exit_code == 0, same.output
    assert tree_digest(site / "content") == before
    assert "files            18 unchanged" in same.output

    edited = site / DRONES
    edited.write_text(edited.read_text(encoding="utf-8") + "\nAn editor's addendum.\n", encoding="utf-8")
    text = export.read_text(encoding="utf-8")
    text = text.replace("CDATA[putins-nightmare]]></wp:post_name>", "CDATA[putins-nightmare-spreads]]></wp:post_name>")
    text = text.replace("/2023/05/25/putins-nightmare/</link>", "/2023/05/25/putins-nightmare-spreads/</link>")
    text = text.replace("Cheap drones have changed", "Cheap drones have transformed")
    export.write_text(text, encoding="utf-8")
    result = run("import", "wordpress", export, "--site", site, "--update")
    assert result.exit_code == 0, result.output
    meta, _ = front_matter(site / PUTIN)  # same file, new slug, and every URL it ever had still redirects
    assert meta["slug"] == "putins-nightmare-spreads"
    assert meta["aliases"] == [
        "/2023/05/25/putins-nightmare-spreads/",
        "/2023/05/25/putin-nightmare-belgorod/",
        "/?p=101",
        "/2023/05/25/putins-nightmare/",  # remembered from the first import
    ]
    assert "An editor's addendum." in edited.read_text(encoding="utf-8")
    assert "Cheap drones have transformed" not in edited.read_text(encoding="utf-8")
    assert f"{DRONES}: post 102: edited after the last import and changed in WordPress since; not overwritten" in (
        result.output
    )
    assert "1 not overwritten" in result.output and "1 updated" in result.output
    changed = {k for k, v in tree_digest(site / "content").items() if before.get(k) != v}
    assert changed == {PUTIN.removeprefix("content/"), DRONES.removeprefix("content/")}
    assert build_site(site).exit_code == 0


def test_hand_made_files_are_never_overwritten(tmp_path: Path) -> None:
    site = site_with_config(tmp_path)
    author = site / "content/authors/maya-carlin.md"
    author.parent.mkdir(parents=True)
    author.write_text("---\nname: Maya Carlin\nrole: Senior Editor\n---\nMaya writes about Russia.\n", encoding="utf-8")
    clash = site / PUTIN
    clash.parent.mkdir(parents=True)
    clash.write_text("hand-written\n", encoding="utf-8")
    result = run("import", "wordpress", EXPORT, "--site", site)
    assert result.exit_code == 0, result.output
    assert "role: Senior Editor" in author.read_text(encoding="utf-8")  # an existing author is used as it is
    assert clash.read_text(encoding="utf-8") == "hand-written\n"
    assert f"{PUTIN}: post 101: a file the importer did not write is in the way; not overwritten" in result.output


def test_a_new_site_gets_a_config_from_the_export(tmp_path: Path) -> None:
    site = tmp_path / "new"
    result = run("import", "wordpress", EXPORT, "--site", site)
    assert result.exit_code == 0, result.output
    config = yaml.safe_load((site / "magsite.yaml").read_text(encoding="utf-8"))
    assert config == {
        "title": "Frontline Defense",
        "tagline": "Military, defense and national-security news",
        "base_url": "https://frontline.example.com/",
        "language": "en-US",
        "timezone": "UTC",
    }
    assert "magsite.yaml: written with timezone UTC" in result.output
    assert front_matter(site / PUTIN)[0]["date"] == "2023-05-25T13:30:00+00:00"
    assert build_site(site).exit_code == 0


def test_imports_are_deterministic(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one, two = site_with_config(tmp_path / "a"), site_with_config(tmp_path / "b")
    for site in (one, two):
        assert run("import", "wordpress", EXPORT, "--site", site).exit_code == 0
    assert tree_digest(one) == tree_digest(two)


def test_a_very_long_post_is_converted_whole(tmp_path: Path) -> None:
    paragraphs = [f"Paragraph {i}: the brigade advanced {i} kilometres under <em>heavy</em> fire." for i in range(4000)]
    text = EXPORT.read_text(encoding="utf-8").replace(
        "Cheap drones have changed the front line.", "</p>\n\n<p>".join(paragraphs)
    )
    export = tmp_path / "long.xml"
    export.write_text(text, encoding="utf-8")
    site = site_with_config(tmp_path)
    result = run("import", "wordpress", export, "--site", site)
    assert result.exit_code == 0, result.output
    _, body = front_matter(site / DRONES)
    assert len(body) > 250_000
    assert body.count("kilometres under *heavy* fire.") == 4000
    assert "Paragraph 3999: the brigade advanced 3999 kilometres" in body
    assert build_site(site).exit_code == 0


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("bomb.xml", "bomb.xml:2: the export declares a DOCTYPE; WordPress exports never do"),
        ("broken.xml", "broken.xml:7: the export is not well-formed XML: Opening and ending tag mismatch"),
        ("not-wordpress.xml", "not-wordpress.xml:1: not a WordPress export (WXR file)"),
    ],
)
def test_bad_exports_are_clean_errors(tmp_path: Path, fixture: str, expected: str) -> None:
    site = site_with_config(tmp_path)
    result = run("import", "wordpress", FIXTURES / fixture, "--site", site)
    assert result.exit_code == 1
    assert expected in result.output
    assert "import failed: 1 problem(s); nothing written" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in site.iterdir()) == ["magsite.yaml"]
