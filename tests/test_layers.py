"""The pipeline's modules import only from earlier stages, so data flows one way."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "magsite"

# Lower layers first; a module may import only from its own layer or lower ones.
LAYERS = [
    {"__init__", "errors", "urls", "cache"},
    {"fields", "frontmatter"},
    {"config", "records"},
    {"load", "schedule"},
    {"model"},
    {"images"},
    {"markdown_fast"},
    {"markdown", "theme", "social", "ads"},
    {"picture"},
    {"bodies"},
    {"feeds", "sitemaps", "jsonld", "redirects"},
    {"render"},
    {"write", "search"},
    {"build"},
    {"watch", "serve"},
    {"preview"},
    {"wxr", "wp_markdown", "wp_media", "wp_sync"},  # the WordPress importer writes content files; it never builds
    {"wordpress", "check", "scaffold"},
    {"cli"},
]


def layer_of(module: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if module in names)


def test_every_module_has_a_layer() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert modules <= set().union(*LAYERS), sorted(modules - set().union(*LAYERS))


def test_imports_only_reach_down_the_pipeline() -> None:
    upward = []
    for file in sorted(PACKAGE.glob("*.py")):
        mine = layer_of(file.stem)
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("magsite."):
                target = node.module.split(".")[1]
                if layer_of(target) > mine:
                    upward.append(f"{file.stem} imports {target}")
    assert upward == []
