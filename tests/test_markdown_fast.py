"""The accelerated Markdown path: markdown-it's exact bytes and link context for every document it takes.

Every test renders both ways (render_markdown, and render_markdown(fast=False), which is markdown-it)
and compares the HTML and what the renderer records (links, images, too_deep).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import astuple
from pathlib import Path

import pytest
from conftest import REPO, build_site, tree_digest
from hypothesis import given, settings
from hypothesis import strategies as st

from magsite.frontmatter import read_document
from magsite.markdown import LinkContext, render_fast, render_markdown

SOURCE = "content/articles/2024/05/story.md"
MD_URLS = {"content/articles/2024/other.md": "/smart-bombs/other/"}
FUZZ = settings(deadline=None, database=None, print_blob=True)


def both_ways(text: str, source: str = SOURCE, md_urls: dict[str, str] | None = None) -> str | None:
    """The fast path's HTML (None when it declines), after checking it against markdown-it's."""
    fast_ctx, slow_ctx = (LinkContext(source, "/mag", MD_URLS if md_urls is None else md_urls) for _ in range(2))
    fast = render_fast(text, fast_ctx)
    slow = render_markdown(text, slow_ctx, fast=False)
    if fast is None:
        assert (fast_ctx.links, fast_ctx.images) == ([], [])  # an abandoned render leaves ctx alone
    else:
        assert fast == slow
        assert astuple(fast_ctx) == astuple(slow_ctx)
    assert render_markdown(text) == render_markdown(text, fast=False)  # without a context too
    return fast


def bodies(root: Path) -> list[tuple[str, str]]:
    """(site-relative path, Markdown body) of every content file under root/content."""
    found = []
    for file in sorted((root / "content").rglob("*.md")):
        doc, _ = read_document(file, file.relative_to(root).as_posix(), required=False)
        if doc is not None:
            found.append((file.relative_to(root).as_posix(), doc.body))
    return found


def taken(docs: list[tuple[str, str]], md_urls: dict[str, str]) -> float:
    """Check every document both ways; the fraction that took the fast path."""
    fast = [both_ways(body, source, md_urls) is not None for source, body in docs]
    return sum(fast) / len(fast)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site of 300 generated articles (bench/corpus.py): headings, lists, quotes, links, .md links."""
    root = tmp_path_factory.mktemp("corpus")
    subprocess.run([sys.executable, REPO / "bench/corpus.py", "300", root], check=True, capture_output=True)
    return root


def test_the_sample_magazine_renders_the_same_both_ways() -> None:
    docs = bodies(REPO)
    assert len(docs) > 20
    assert taken(docs, {}) > 0.75  # footnotes and raw HTML (embeds) go through markdown-it


def test_generated_articles_render_the_same_and_all_take_the_fast_path(corpus: Path) -> None:
    docs = bodies(corpus)
    md_urls = {source: "/section/" + Path(source).stem + "/" for source, _ in docs}
    assert len(docs) > 300  # articles, authors, sections
    assert taken(docs, md_urls) == 1.0


def test_the_hostile_corpus_renders_the_same_both_ways() -> None:
    hostile = REPO / "tests/hostile"
    docs = [pair for case in sorted(hostile.iterdir()) if case.is_dir() for pair in bodies(case)]
    assert len(docs) > 20
    taken(docs, {})
    # what the hostile makers write in code: many equal headings, deep nesting
    assert both_ways("".join("## Order of Battle\n\nText.\n\n" for _ in range(2_000)))
    assert both_ways(f"{'[' * 1_000}link{']' * 1_000}\n\n{'*' * 1_000}em{'*' * 1_000}\n\n{'[a](' * 1_000}\n") is None
    assert both_ways("".join("  " * i + "- level\n" for i in range(300))) is None


def test_a_build_is_byte_identical_with_and_without_the_fast_path(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert build_site(corpus, "--no-cache", "--output", tmp_path / "fast").exit_code == 0
    monkeypatch.setattr("magsite.markdown.render_fast", lambda text, ctx=None: None)
    assert build_site(corpus, "--no-cache", "--output", tmp_path / "slow").exit_code == 0
    fast, slow = tree_digest(tmp_path / "fast"), tree_digest(tmp_path / "slow")
    assert len(fast) > 300
    assert fast == slow


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>\n",
        "Text <b>bold</b>\n",
        "<https://example.org>\n",
        "[x](javascript:alert(1))\n",
        "[x](JavaScript:alert(1))\n",
        "[unused]: javascript:alert(1)\n",
        "![x](data:image/svg+xml,x)\n",
        "[x](&#106;avascript:alert(1))\n",
        "Claim.[^1]\n\n[^1]: The note.\n",
        "Claim.^[An inline note.]\n",
        "AT&amp;T\n",
        "~struck once~\n",
        "a~~.b~~\n",
        "~~~\nfenced with tildes\n~~~\n",
        f"{'>' * 40} deep\n",
        f"{'- ' * 20}deep\n",
        f"{'[' * 33}a{']' * 33}(b)\n",
        f"[a]({'(' * 33}b{')' * 33})\n",
        "no\u00a0break\n",
        "tab at the end\t\n",
        "> ```\n>\tcode\n> ```\n",
        "\\   \nbreak\n",
        "    code without a final newline",
        "text\n| a | b |\n|---|---|\n",
        "- a | b\n  --|--\n",
        "a\\|b\n---\n",
        "[r]: /x\n    indented\n",
        "![a\\*b](x.jpg)\n",
        "![a\nb](x.jpg)\n",
        "[ı][]\n\n[I]: /x\n",
        "nul\x00\n",
        "cr\r\n",
    ],
)
def test_what_the_parsers_may_disagree_on_goes_through_markdown_it(text: str) -> None:
    assert both_ways(text) is None


def test_nesting_near_markdown_its_limit_goes_through_markdown_it_and_is_reported() -> None:
    assert both_ways(f"{'>' * 22} shallow enough\n") is not None  # 23 columns of prefix
    assert both_ways(f"{'- ' * 11}shallow enough\n") is not None
    ctx = LinkContext(SOURCE)
    render_markdown(f"Fine.\n\n{'>' * 40} lost\n", ctx)
    assert ctx.too_deep == 2


def test_links_and_images_are_rewritten_as_markdown_it_does() -> None:
    html = both_ways(
        "## Order of *Battle*: `F-35` & [more](other.md)\n\n"
        "## Order of *Battle*: `F-35` & [more](other.md)\n\n"
        "See [the other story](../other.md#map \"It's here\"), [home](/), [x](https://x.example/a'b&c).\n\n"
        "![A \"quoted\" map](images/map.png 'Map')\n"
    )
    assert html is not None
    assert '<h2 id="order-of-battle-f-35--more">' in html
    assert '<h2 id="order-of-battle-f-35--more-1">' in html
    assert '<a href="/mag/smart-bombs/other/#map" title="It\'s here">' in html
    assert '<a href="https://x.example/a\'b&amp;c">' in html
    assert '<img src="/mag/images/map.png" alt="A &quot;quoted&quot; map" title="Map" data-magsite-image=' in html


URLS = st.sampled_from(
    [
        *("other.md", "../other.md", "./a.md#frag", "a.md?x=1", "/smart-bombs/", "/", "#top", "", "?q=1"),
        *("images/x.jpg", "/images/y.png", "./pic.jpg", "../images/z.jpg", "../../../../outside.jpg", "img.svg"),
        *("https://example.com/a?b=c&d=e", "http://EXAMPLE.com/A_B", "https://x.com/it's", "//cdn.example/x.js"),
        *("mailto:ed@example.org", "tel:+1555", "http://[::1]/", "http://a.com:8080/x", "https://ü.example/ä"),
        *("javascript:alert(1)", "JaVaScRiPt:x", "vbscript:x", "data:text/html,x", "file:///etc/passwd"),
        *("&#106;avascript:x", "java\\script:x", "jav&#x09;ascript:x", "<a b>", "a(b)c", "a%20b", "%zz", "ü.md"),
        *("a\\_b", "a\\)b", 'x\\"y', "a&b", "a&amp;b", "a[b]", "a{b}", "a|b", "a^b", "a`b", "*x*", "x:y", "a b"),
    ]
)
TITLES = st.sampled_from(["", ' "t"', " 'it''s'", " (paren)", ' "a \\"q\\" & b"', ' "ü"', '\n"next line"'])
LABELS = st.sampled_from(["r1", "R1", "r 2", "ß", "SS", "ı", "I", "Σ", "ς", "a\\]b"])
WORDS = st.sampled_from(
    [
        *("drone", "Order", "of", "Battle", "F-35", "naïve", "Київ", "東京", "🚀", "e\u0301", "a_b", "50%", "AT&T"),
        *("it's", '"quoted"', "“curly”", "—", "...", "(paren)", "[bracket]", "a*b", "_x_", "#tag", "$5", "!", "?"),
        *(":", "/", "a\\*b", "\\[", "\\]", "\\#", "\\\\", "\\_", "\\`", "~~", "|", "^", "=", "+", "-", "x>y", "°"),
        *("ß", "İ", "ı", "ﬁ", "Σ", "ς", "€", "™", "→", "\\!", "a\\b", "]:"),
    ]
    * 20  # mostly the above; now and then something that makes the document ineligible
    + ["\u00a0", "\t", "&amp;", "&#65;", "<b>", "~", "\\ "]
)


@st.composite
def inline(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.integers(0, 11 if depth < 2 else 1))
        if kind <= 1:
            parts.append(draw(WORDS))
        elif kind == 2:
            mark = draw(st.sampled_from(["*", "**", "_", "__", "~~", "***"]))
            parts.append(mark + draw(inline(depth + 1)) + mark)
        elif kind == 3:
            ticks = draw(st.sampled_from(["`", "``"]))
            code = draw(st.sampled_from(["x", "a `b` c", " y ", "a > b", "&", "\\*", '"q"', "a|b", "`", "  "]))
            parts.append(ticks + code + ticks)
        elif kind == 4:
            parts.append(f"[{draw(inline(depth + 1))}]({draw(URLS)}{draw(TITLES)})")
        elif kind == 5:
            parts.append(f"![{draw(inline(depth + 1))}]({draw(URLS)}{draw(TITLES)})")
        elif kind == 6:
            label = draw(LABELS)
            parts.append(draw(st.sampled_from([f"[text][{label}]", f"[{label}]", f"[{label}][]", f"![img][{label}]"])))
        elif kind == 7:
            parts.append(draw(st.sampled_from(["  \n", "\\\n", "\n", " \n"])))
        else:
            parts.append(draw(st.sampled_from(["*", "_", "**", "[", "]", "(", ")", "![", "`", "\\", "&", "#", "|"])))
    return draw(st.sampled_from([" ", ""])).join(parts).strip("\n") or "x"


@st.composite
def block(draw: st.DrawFn, depth: int = 0) -> str:
    kind = draw(st.integers(0, 11 if depth < 3 else 5))
    text = draw(inline())
    if kind == 1:  # ATX heading
        level = "#" * draw(st.integers(1, 6))
        return level + draw(st.sampled_from([" ", "  "])) + text.replace("\n", " ") + draw(st.sampled_from(["", " ##"]))
    if kind == 2:  # setext heading
        return text.strip() + "\n" + draw(st.sampled_from(["===", "---", "-"]))
    if kind == 3:
        return draw(st.sampled_from(["---", "***", "___", "- - -", " * * *"]))
    if kind == 4:  # link reference definition
        return f"[{draw(LABELS)}]:" + draw(st.sampled_from([" ", "\n  ", ""])) + draw(URLS) + draw(TITLES)
    if kind == 5:  # code
        fence = draw(st.sampled_from(["```", "````", "~~~", "    "]))
        code = draw(st.sampled_from(["x = 1", 'print("hi")', "a & b", "  indented", "", "```", "\\*", "x\n\n\ny"]))
        if fence == "    ":
            return fence + code.replace("\n", "\n    ")
        info = draw(st.sampled_from(["", "python", "py x", 'a"b', "x\\_y", "ü", "a'b"]))
        return f"{fence}{info}\n{code}\n" + draw(st.sampled_from([fence, ""]))
    if kind == 6:  # list
        marker = draw(st.sampled_from(["-", "*", "+", "1.", "2)", "10."]))
        items = []
        for _ in range(draw(st.integers(1, 3))):
            pad = "\n" + " " * (len(marker) + draw(st.sampled_from([1, 2])))
            items.append(marker + " " + draw(blocks(depth + 1)).replace("\n", pad))
        return draw(st.sampled_from(["\n", "\n\n"])).join(items)
    if kind == 7:  # quote
        mark = draw(st.sampled_from(["> ", ">"]))
        return "\n".join(mark + line if line else ">" for line in draw(blocks(depth + 1)).split("\n"))
    if kind == 8:  # table
        columns = draw(st.integers(1, 3))
        edge = draw(st.sampled_from(["|", ""]))

        def row(cells: int) -> str:
            return edge + " | ".join(draw(inline(2)).replace("\n", " ").strip() or "c" for _ in range(cells)) + edge

        delimiter = edge + "|".join(draw(st.sampled_from(["---", ":--", "--:", ":-:"])) for _ in range(columns)) + edge
        rows = [
            row(columns),
            delimiter,
            *(row(draw(st.integers(1, columns + 1))) for _ in range(draw(st.integers(0, 2)))),
        ]
        return "\n".join(rows)
    return text


@st.composite
def blocks(draw: st.DrawFn, depth: int = 0) -> str:
    parts = [draw(block(depth)) for _ in range(draw(st.integers(1, 3 if depth else 6)))]
    return draw(st.sampled_from(["\n\n", "\n"])).join(parts)


documents = st.builds(lambda text, end: text + end, blocks(), st.sampled_from(["\n", "\n", "\n\n", ""]))


@settings(FUZZ, max_examples=300)
@given(text=documents)
def test_generated_markdown_renders_the_same_both_ways(text: str) -> None:
    both_ways(text)


@settings(FUZZ, max_examples=300)
@given(text=st.text(" \n\n*_[]()!#>-+.1`\\:|~&a b\"'/=é", max_size=80))
def test_character_soup_renders_the_same_both_ways(text: str) -> None:
    both_ways(text + "\n")


@settings(FUZZ, max_examples=300)
@given(
    url=st.one_of(
        st.from_regex(r"(https?://[a-z0-9-]{1,63}(\.[a-zA-Z0-9-]{1,63}){0,4})?[!-~]{0,30}", fullmatch=True),
        st.text(st.characters(codec="utf-8", exclude_characters="\n\r"), max_size=30),
    ),
    title=TITLES,
)
def test_any_link_target_renders_the_same_both_ways(url: str, title: str) -> None:
    both_ways(f"[a]({url}{title}) and ![b]({url}{title})\n\n[c][r]\n\n[r]: {url}{title}\n")


MEMORY = """
import os, sys
from magsite.markdown import LinkContext, render_fast, render_markdown

def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

def doc(i: int) -> str:
    part = f"## Part {i}\\n\\nText with *emphasis*, `code` and [a link](/x/{i}/) to [another](../s{i}.md).\\n\\n"
    return part * 12 + f"- one {i}\\n- two\\n\\n> quoted {i}\\n"

assert render_fast(doc(0), LinkContext("content/articles/a.md")) is not None
for i in range(2_000):
    render_markdown(doc(i), LinkContext("content/articles/a.md"))
before = rss()
for i in range(int(sys.argv[1])):
    render_markdown(doc(i), LinkContext("content/articles/a.md"))
print(rss() - before)
"""


def test_memory_stays_flat_over_twenty_thousand_documents() -> None:
    """A renderer that kept ~10 KB per call (as cmarkgfm did) would grow by ~200 MB here."""
    run = subprocess.run([sys.executable, "-c", textwrap.dedent(MEMORY), "20000"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert int(run.stdout) < 8 * 2**20
