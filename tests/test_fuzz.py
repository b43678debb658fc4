"""Property-based tests (hypothesis): arbitrary front matter, config and Markdown either build or fail with a
ContentError, never another exception; the Markdown renderer never emits a script-running link; the preview
server never maps a request to a file outside its folder.

The budget (examples per property) is kept small for the default run; docs/reliability.md records what
it covers and the time it takes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import html5lib
import pytest
import yaml
from conftest import NOW, make_site
from hypothesis import example, given, settings
from hypothesis import strategies as st

from magsite.build import BuildOptions, build
from magsite.errors import ContentError
from magsite.markdown import LinkContext, render_markdown
from magsite.serve import resolve

OPTIONS = BuildOptions(now=datetime.fromisoformat(NOW), workers=1)
FUZZ = settings(deadline=None, database=None, print_blob=True)
ARTICLE = "content/articles/fuzzed.md"

# Any character a YAML file can hold, control characters included (they come back as escapes).
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=24)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    text,
    st.dates(),
    st.datetimes(timezones=st.sampled_from([None, UTC])),
)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4), max_leaves=8
)
# Each known key gets a valid value half the time, so builds get past validation and into rendering.
GOOD = {
    "title": st.just("Fuzzed"),
    "author": st.sampled_from(["maya-carlin", ["maya-carlin"]]),
    "section": st.just("smart-bombs"),
    "date": st.sampled_from(["2024-05-02", "2024-05-02T10:00:00+02:00"]),
    "updated": st.just("2024-06-01"),
    "tags": st.lists(text, max_size=3),
    "image": st.fixed_dictionaries({"src": st.just("https://example.org/x.jpg"), "alt": text}),
    "slug": st.sampled_from(["fuzzed", "fuzzed-2"]),
    "aliases": st.lists(text.map(lambda t: f"/old/{t}/"), max_size=2),
    "dek": text,
    "summary": text,
    "draft": st.booleans(),
    "featured": st.booleans(),
}
front_matter = st.fixed_dictionaries(
    {}, optional={key: st.one_of(good, values) for key, good in GOOD.items()}
) | st.dictionaries(text, values, max_size=5)


@st.composite
def script_url(draw: st.DrawFn) -> str:
    """'javascript:' disguised as browsers still read it: any case, entities, tabs and newlines inside."""
    chars = []
    for char in draw(st.sampled_from(["javascript:", "vbscript:", "data:text/html,"])):
        form = draw(st.sampled_from(["same", "upper", "decimal", "hex", "tab", "named"]))
        if form == "upper":
            char = char.upper()
        elif form == "decimal":
            char = f"&#{ord(char)};"
        elif form == "hex":
            char = f"&#x{ord(char):x};"
        elif form == "tab":
            char = draw(st.sampled_from(["\t", "\n", "&Tab;", "&NewLine;"])) + char
        elif form == "named" and char == ":":
            char = "&colon;"
        chars.append(char)
    return draw(st.sampled_from(["", " ", "\x01"])) + "".join(chars) + "alert(1)"


@st.composite
def raw_tag(draw: st.DrawFn) -> str:
    """An HTML tag carrying a script URL, with the separators and quotes HTML allows."""
    name = draw(st.sampled_from(["a", "A", "img", "iframe", "form", "button", "svg><a", "object", "video"]))
    attribute = draw(st.sampled_from(["href", "HREF", "src", "action", "formaction", "xlink:href", "poster", "data"]))
    before = draw(st.sampled_from([" ", "/", "\n", "\t", "\x0c", ' x="1" ', " x=y/"]))
    around = draw(st.sampled_from(["", " ", "\n"]))
    quote = draw(st.sampled_from(["", '"', "'"]))
    return f"<{name}{before}{attribute}{around}={around}{quote}{draw(script_url())}{quote}>x"


link = st.builds(
    lambda kind, url: kind.format(url),
    st.sampled_from(["[x]({})", "![x]({})", "<{}>", "[x][r]\n\n[r]: {}", "[x](<{}>)"]),
    script_url(),
)
# Markdown made of what matters to a parser and to a link policy: marks, links, raw tags in and out of blocks.
MARKS = [*"[]()<>!*_`#-:=/\\\"'&;|~ \n\t", "\n\n", "    ", "> ", "- ", "1. ", "```\n", "<!--", "-->"]
chunk = st.one_of(
    st.sampled_from(MARKS),
    st.text(max_size=3),
    link,
    raw_tag(),
    raw_tag().map(lambda tag: f"\n\n<div>\n{tag}\n</div>\n\n"),
)
markdown = st.lists(chunk, max_size=40).map("".join)

URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "background", "data", "cite")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site(tmp_path_factory.mktemp("fuzz") / "site")


def builds_or_reports(site: Path) -> None:
    """The property: a result or a ContentError whose every problem names a file; nothing else escapes."""
    try:
        build(site, OPTIONS)
    except ContentError as err:
        assert err.problems
        assert all(p.path and p.message for p in err.problems)


def write(site: Path, rel: str, data: str) -> None:
    (site / rel).write_text(data, encoding="utf-8")


@settings(FUZZ, max_examples=60)
@given(meta=front_matter)
def test_any_front_matter_builds_or_is_reported(site: Path, meta: dict[str, Any]) -> None:
    write(site, ARTICLE, "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\nBody.\n")
    builds_or_reports(site)


@settings(FUZZ, max_examples=60)
@given(
    raw=st.lists(st.sampled_from([*":-[]{}&*!|>'\"#%@` \n\t,?", "\\x01", "a", "title", "<<", "---"]) | text).map(
        "".join
    )
)
def test_any_front_matter_text_builds_or_is_reported(site: Path, raw: str) -> None:
    write(site, ARTICLE, f"---\ntitle: T\nauthor: maya-carlin\nsection: smart-bombs\ndate: 2024-05-02\n{raw}\n---\nB\n")
    builds_or_reports(site)


@settings(FUZZ, max_examples=40)
@given(
    config=st.dictionaries(
        st.sampled_from(
            [
                "title",
                "base_url",
                "timezone",
                "per_page",
                "social",
                "ads",
                "feeds",
                "images",
                "limits",
                "permalink",
                "language",
                "theme",
            ]
        )
        | text,
        values,
    )
)
def test_any_config_builds_or_is_reported(site: Path, config: dict[str, Any]) -> None:
    config = {"title": "Fuzz", "base_url": "https://example.org/"} | config
    write(site, "magsite.yaml", yaml.safe_dump(config, allow_unicode=True))
    try:
        builds_or_reports(site)
    finally:
        write(site, "magsite.yaml", yaml.safe_dump({"title": "Fuzz", "base_url": "https://example.org/"}))


@settings(FUZZ, max_examples=40)
@given(body=markdown)
def test_any_markdown_body_builds_or_is_reported(site: Path, body: str) -> None:
    write(site, ARTICLE, f"---\ntitle: T\nauthor: maya-carlin\nsection: smart-bombs\ndate: 2024-05-02\n---\n{body}\n")
    builds_or_reports(site)


def script_urls(html: str) -> list[str]:
    """URL attributes that would run script, read from the HTML the way a browser reads it."""
    doc = html5lib.parse(f"<body>{html}", treebuilder="etree", namespaceHTMLElements=False)
    found = []
    for element in doc.iter():
        for name, value in element.attrib.items():
            if str(name).rpartition("}")[2].rpartition(":")[2].lower() in URL_ATTRIBUTES:
                squashed = "".join(value.split()).lower()  # browsers drop tabs and newlines inside URLs
                if squashed.startswith(("javascript:", "vbscript:", "data:text")):
                    found.append(value)
    return found


@settings(FUZZ, max_examples=400)
@given(body=markdown)
def test_the_renderer_never_emits_a_script_link(body: str) -> None:
    assert script_urls(render_markdown(body, LinkContext("content/articles/x.md"))) == []
    assert script_urls(render_markdown(body)) == []


SEGMENTS = [
    *("..", ".", "", "%2e%2e", "%2E%2e", "%2e", "..%2f", "%2e%2e%2f", "%252e%252e", "..%5c", "%5c", "\\", "%00"),
    *("%c0%ae%c0%ae", "%ff", "C:", "//", "leak.txt", "leakdir", "a", "index.html", "secret.txt", ".hidden", "mag"),
]


@pytest.fixture(scope="module")
def served_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder with a page, a dot-file and symlinks leading out, beside a secret."""
    top = tmp_path_factory.mktemp("served")
    (top / "secret.txt").write_text("secret\n")
    root = top / "output"
    (root / "a").mkdir(parents=True)
    (root / "a/index.html").write_text("page\n")
    (root / ".hidden").write_text("hidden\n")
    (root / "leak.txt").symlink_to(top / "secret.txt")
    (root / "leakdir").symlink_to(top)
    return root


@settings(FUZZ, max_examples=300)
@given(
    segments=st.lists(st.sampled_from(SEGMENTS), max_size=5) | st.lists(st.text(max_size=4), max_size=3),
    base_path=st.sampled_from(["", "/mag"]),
    absolute=st.booleans(),
)
@example(segments=["leak.txt"], base_path="", absolute=False)
@example(segments=["mag", "leakdir", "secret.txt"], base_path="/mag", absolute=True)
@example(segments=["a", "..", "..", "secret.txt"], base_path="", absolute=False)
def test_the_preview_server_never_resolves_a_file_outside_its_folder(
    served_root: Path, segments: list[str], base_path: str, absolute: bool
) -> None:
    target = ("http://127.0.0.1" if absolute else "") + "/" + "/".join(segments)
    found = resolve(served_root, base_path, target)
    if found.file is not None:
        real = found.file.resolve()
        assert real.is_relative_to(served_root.resolve()), target
        assert not any(part.startswith(".") for part in real.relative_to(served_root.resolve()).parts), target
