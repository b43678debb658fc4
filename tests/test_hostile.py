"""The hostile corpus: every case in tests/hostile/ fails with its exact `path:line` lines or builds safely.

A case is a folder of files laid over a small valid site (tests/conftest.py make_site), plus
`expected.txt`: a `# description` line, an optional `make: NAME` (a maker below adds what git cannot
hold: symlinks, a FIFO, an unreadable file, 20 MB of text), then `fails` followed by every problem
line the build prints (a line ending in ' …' is a prefix), or `builds` followed by checks:
`warns LINE`, `has PATH`, `lacks PATH`, `text PATH XPATH = VALUE` (an HTML or XML file of output/).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

import html5lib
import lxml.html
import pytest
from conftest import NOW, REPO, article, make_site, tree_digest
from lxml import etree

from magsite.build import BuildOptions, build
from magsite.errors import ContentError

HOSTILE = Path(__file__).parent / "hostile"
CASES = sorted(d.name for d in HOSTILE.iterdir() if d.is_dir())
OPTIONS = BuildOptions(now=datetime.fromisoformat(NOW), workers=1)
PR_CAPBSET_DROP = 24


@dataclass
class Spec:
    description: str
    outcome: str  # fails | builds
    make: str | None = None
    lines: list[str] = field(default_factory=list)


def read_spec(case: str) -> Spec:
    text = (HOSTILE / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    description = text.pop(0).removeprefix("# ")
    make = text.pop(0).removeprefix("make: ") if text[0].startswith("make: ") else None
    return Spec(description, text[0], make, [line for line in text[1:] if line.strip()])


def body_file(site: Path, name: str, body: str, **keys: str) -> None:
    (site / f"content/articles/{name}.md").write_text(article(name.title(), body=body, **keys), encoding="utf-8")


def _article_20mb(site: Path) -> None:
    body = "Twenty megabytes of dispatches. " * 625_000
    (site / "content/articles/huge.md").write_text(article("Huge", body=body), encoding="utf-8")


def _headings(site: Path) -> None:
    body_file(site, "headings", "".join("## Order of Battle\n\nText.\n\n" for _ in range(10_000)))


def _deep_blocks(site: Path) -> None:
    indented = "".join("  " * i + "- level\n" for i in range(300))
    body_file(site, "lists", f"Fine.\n\n{'- ' * 10_000}list\n\n{indented}")
    body_file(site, "quotes", f"Fine.\n\n{'> ' * 10_000}quote\n")


def _deep_inline(site: Path) -> None:
    n = 10_000
    body_file(site, "inline", f"{'[' * n}link{']' * n}\n\n{'*' * n}em{'*' * n}\n\n{'[a](' * 2000}\n\n{'<b>' * 2000}\n")


def _symlink_loop_folder(site: Path) -> None:
    os.symlink(".", site / "content/articles/loop")


def _symlink_loop_file(site: Path) -> None:
    os.symlink("b.md", site / "content/articles/a.md")
    os.symlink("a.md", site / "content/articles/b.md")


def _symlink_outside(site: Path) -> None:
    os.symlink("/etc/passwd", site / "content/articles/passwd.md")


def _image_symlink_outside(site: Path) -> None:
    (site / "content/images").mkdir()
    os.symlink("/etc/passwd", site / "content/images/passwd.jpg")


def _image_specials(site: Path) -> None:
    (site / "content/images").mkdir()
    os.symlink("loop.jpg", site / "content/images/loop.jpg")
    os.mkfifo(site / "content/images/pipe.jpg")


def _dangling_symlink(site: Path) -> None:
    os.symlink("gone.md", site / "content/articles/dangling.md")


def _fifo(site: Path) -> None:
    os.mkfifo(site / "content/articles/pipe.md")


def _unreadable(site: Path) -> None:
    (site / "content/articles/secret.md").write_text(article("Secret"), encoding="utf-8")
    (site / "content/articles/secret.md").chmod(0)


def _latin1_names(site: Path) -> None:
    articles, images = os.fsencode(site / "content/articles"), os.fsencode(site / "content/images")
    Path(os.fsdecode(os.path.join(articles, b"caf\xe9.md"))).write_text(article("Cafe"), encoding="utf-8")
    os.mkdir(images)
    Path(os.fsdecode(os.path.join(images, b"cr\xe8me.jpg"))).write_bytes(b"\xff\xd8\xff")


def _config_missing(site: Path) -> None:
    (site / "magsite.yaml").unlink()


def _config_directory(site: Path) -> None:
    (site / "magsite.yaml").unlink()
    (site / "magsite.yaml").mkdir()


MAKERS: dict[str, Callable[[Path], None]] = {
    "article_20mb": _article_20mb,
    "headings": _headings,
    "deep_blocks": _deep_blocks,
    "deep_inline": _deep_inline,
    "symlink_loop_folder": _symlink_loop_folder,
    "symlink_loop_file": _symlink_loop_file,
    "symlink_outside": _symlink_outside,
    "image_symlink_outside": _image_symlink_outside,
    "image_specials": _image_specials,
    "dangling_symlink": _dangling_symlink,
    "fifo": _fifo,
    "unreadable": _unreadable,
    "latin1_names": _latin1_names,
    "config_missing": _config_missing,
    "config_directory": _config_directory,
}


@pytest.fixture(scope="module")
def previous_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output of the valid base site, built once and copied under every case."""
    site = make_site(tmp_path_factory.mktemp("base") / "site")
    build(site, OPTIONS)
    return site / "output"


def without_root_powers() -> None:
    """In a child about to exec: drop root's power to read and write any file (CAP_DAC_OVERRIDE and
    CAP_DAC_READ_SEARCH), so permission tests are real when the tests run as root, as in CI."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def build_lines(site: Path, *, unprivileged: bool) -> tuple[bool, list[str]]:
    """(built?, problem lines): the errors of a failed build, or the warnings of a good one."""
    if unprivileged:  # root reads even a mode-000 file: build in a child without that power
        done = subprocess.run(
            [sys.executable, "-c", "from magsite.cli import main; main()", "build", "--site", site, "--now", NOW, "-q"],
            capture_output=True,
            text=True,
            preexec_fn=without_root_powers,
            timeout=120,
        )
        assert "Traceback" not in done.stderr, done.stderr
        lines = done.stderr.splitlines()
        return done.returncode == 0, lines[:-1] if done.returncode == 1 else lines
    try:
        result = build(site, OPTIONS)
    except ContentError as err:
        return False, [shown(p.format()) for p in err.problems]
    return True, [shown(w.format()) for w in result.warnings]


def shown(line: str) -> str:
    """A line as the CLI prints it: bytes of a name that is not UTF-8 as \\udcXX escapes."""
    return line.encode("utf-8", "backslashreplace").decode()


@cache
def parse(file: Path) -> etree._Element:
    """XML as XML; HTML as browsers parse it (libxml2 drops what is nested past 256 levels, browsers keep
    it), except big pages, which html5lib takes many seconds over and libxml2 reads as well when flat."""
    data = file.read_bytes()
    if file.suffix == ".xml":
        return etree.fromstring(data)
    if len(data) > 200_000:
        return lxml.html.document_fromstring(data)
    return html5lib.parse(data, treebuilder="lxml", namespaceHTMLElements=False).getroot()


def xpath_value(doc: etree._Element, xpath: str) -> str:
    value = doc.xpath(xpath)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, list):
        return " | ".join(v if isinstance(v, str) else " ".join("".join(v.itertext()).split()) for v in value)
    return str(value)


def check_built(out: Path, spec: Spec, warnings: list[str]) -> None:
    expected_warnings = [line.removeprefix("warns ") for line in spec.lines if line.startswith("warns ")]
    assert warnings == expected_warnings
    for line in spec.lines:
        verb, _, rest = line.partition(" ")
        if verb == "has":
            assert (out / rest).is_file(), rest
        elif verb == "lacks":
            assert not (out / rest).exists(), rest
        elif verb == "text":
            path, _, query = rest.partition(" ")
            xpath, _, value = query.rpartition(" = ")
            assert xpath_value(parse(out / path), xpath) == value, line
        else:
            assert verb == "warns", f"unknown check {line!r}"


def matches(got: list[str], expected: list[str]) -> bool:
    """Line by line; an expected line ending in ' …' needs only to start the line it stands for."""
    return len(got) == len(expected) and all(
        g.startswith(e[:-2]) if e.endswith(" …") else g == e for g, e in zip(got, expected, strict=True)
    )


@pytest.mark.parametrize("case", CASES)
def test_hostile_case(case: str, tmp_path: Path, previous_output: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = read_spec(case)
    site = make_site(tmp_path / "site")
    shutil.copytree(previous_output, site / "output")
    before = tree_digest(site / "output")
    shutil.copytree(HOSTILE / case, site, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt"))
    if spec.make:
        MAKERS[spec.make](site)
    monkeypatch.chdir(site)  # a payload that managed to run a command would leave its file here

    built, lines = build_lines(site, unprivileged=spec.make == "unreadable" and os.geteuid() == 0)

    assert built == (spec.outcome == "builds"), lines
    if built:
        check_built(site / "output", spec, lines)
    else:
        assert matches(lines, spec.lines), "\n".join(lines)
        assert tree_digest(site / "output") == before
    assert not (site / "pwned").exists()
    assert not list(site.glob(".output.*")), "a build left its staging folder or journal behind"


def test_the_corpus_has_forty_cases_and_each_is_documented() -> None:
    docs = (REPO / "docs/reliability.md").read_text(encoding="utf-8")
    assert len(CASES) >= 40
    assert [case for case in CASES if f"`{case}`" not in docs] == []
    assert sorted(MAKERS) == sorted({read_spec(case).make for case in CASES} - {None})
