#!/usr/bin/env python3
"""Measure magsite builds on generated corpora and write the results table into docs/performance.md.

Usage: run.py [--sizes 1000 10000] [--runs 3] [--hugo] [--doc docs/performance.md]

For each size: cold build (no output, no cache), no-op rebuild, rebuild after editing one article's
body, rebuild after editing one template; wall-clock median of --runs and the peak RSS of the largest
process. With --hugo, ../shared/bench/compare.sh also times Hugo on its own corpus of the same size in
the same run, and the magsite/Hugo ratios go into the table.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MAGSITE = Path(sys.executable).parent / "magsite"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB, the largest process) of one command."""
    t0 = time.monotonic()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{proc.stderr.read().decode() if proc.stderr else ''}")
    return wall, usage.ru_maxrss / 1024


def measure(site: Path, runs: int) -> dict[str, tuple[float, float]]:
    build = [str(MAGSITE), "build", "--site", str(site)]
    trash = site.parent / f"trash-{site.name}"
    article = sorted((site / "content/articles").rglob("*.md"))[0]
    override = site / "templates/article.html"
    results: dict[str, list[tuple[float, float]]] = {m: [] for m in ("cold", "noop", "edit", "template")}
    for run in range(runs):
        for leftover in ("output", ".magsite-cache"):
            if (site / leftover).exists():
                (site / leftover).rename(trash.with_name(f"{trash.name}-{run}-{leftover}"))
        results["cold"].append(timed(build, site))
        results["noop"].append(timed(build, site))
        text = article.read_text()
        article.write_text(text.rstrip("\n") + f"\n\nEdited paragraph {time.time_ns()} with *new* words.\n")
        results["edit"].append(timed(build, site))
        override.parent.mkdir(exist_ok=True)
        override.write_text(f'{{% extends "theme/article.html" %}}{{# edit {time.time_ns()} #}}\n')
        results["template"].append(timed(build, site))
        override.unlink()
        article.write_text(text)
        timed(build, site)  # back to the corpus as generated
    for old in site.parent.glob(f"{trash.name}-*"):
        shutil.rmtree(old, ignore_errors=True)
    return {mode: (statistics.median(w for w, _ in rows), max(r for _, r in rows)) for mode, rows in results.items()}


def hugo_ratios(size: int, runs: int, log: Path | None) -> dict[str, float]:
    """magsite/Hugo ratios from ../shared/bench/compare.sh: run now, or read from a log of a run of it."""
    if log is not None:
        text = log.read_text()
    else:
        script = REPO.parent / "shared/bench/compare.sh"
        if not script.exists():
            return {}
        env = dict(os.environ, MAGSITE=str(MAGSITE))
        text = subprocess.run(
            ["bash", str(script), str(size), str(runs)], env=env, capture_output=True, text=True
        ).stdout
    line = text.strip().splitlines()[-1] if text.strip() else ""
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}


def targets(rows: list[tuple[int, dict[str, tuple[float, float]], dict[str, float]]]) -> list[str]:
    """Each target of the issue with the measured figure and whether it is met."""
    lines = []

    def check(what: str, value: float, limit: float, unit: str) -> None:
        lines.append(f"{what}: {value:.2f}{unit} (target <= {limit:g}{unit}): {'met' if value <= limit else 'NOT met'}")

    for size, found, ratios in rows:
        peak = max(r for _, r in found.values())
        if size == 10_000:
            if "ratio_cold" in ratios:
                check("10,000 cold build / Hugo's", ratios["ratio_cold"], 1.0, " x")
            check("10,000 no-op rebuild", found["noop"][0], 0.5, " s")
            check("10,000 one-article edit", found["edit"][0], 1.0, " s")
            check("10,000 peak RSS", peak, 300, " MiB")
        if size == 100_000:
            check("100,000 cold build", found["cold"][0], 120, " s")
            check("100,000 peak RSS", peak, 1536, " MiB")
            check("100,000 no-op rebuild", found["noop"][0], 5, " s")
            check("100,000 one-article edit", found["edit"][0], 5, " s")
    return lines


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    version = subprocess.run([str(MAGSITE), "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}, {version}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--large-runs", type=int, help="runs at 100,000 articles and more (default: --runs)")
    ap.add_argument("--hugo", action="store_true", help="compare with Hugo (compare.sh) at --hugo-size")
    ap.add_argument("--hugo-size", type=int, default=10_000, help="the corpus size compared with Hugo")
    ap.add_argument("--hugo-log", type=Path, help="read the Hugo comparison from this compare.sh output instead")
    ap.add_argument("--doc", type=Path, default=REPO / "docs/performance.md")
    ap.add_argument("--corpora", type=Path, default=Path.home() / ".cache/magsite-bench/corpora")
    args = ap.parse_args()
    rows = []
    for size in args.sizes:
        site = args.corpora / f"N{size}"
        if not (site / "magsite.yaml").exists():
            subprocess.run([sys.executable, str(HERE / "corpus.py"), str(size), str(site)], check=True)
        found = measure(site, args.large_runs or args.runs if size >= 100_000 else args.runs)
        ratios = hugo_ratios(size, args.runs, args.hugo_log) if args.hugo and size == args.hugo_size else {}
        rows.append((size, found, ratios))
        print(size, found, ratios, flush=True)
    table = [
        f"Measured by `bench/run.py --sizes {' '.join(map(str, args.sizes))} --runs {args.runs}"
        f"{f' --large-runs {args.large_runs}' if args.large_runs else ''}"
        f"{' --hugo' if args.hugo else ''}` on {time.strftime('%Y-%m-%d')}: {machine()}. Hugo's ratios come from "
        "`compare.sh` on its own corpus of the same size (magsite with the default theme, Hugo with minimal "
        "templates), in the same session.",
        "",
        "| articles | cold | no-op | one-article edit | one-template edit | peak RSS "
        "| magsite/Hugo cold, no-op, edit |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for size, found, ratios in rows:
        peak = max(r for _, r in found.values())
        ratio = (
            f"{ratios['ratio_cold']:.2f}, {ratios['ratio_noop']:.2f}, {ratios['ratio_edit']:.2f} "
            f"(Hugo cold {ratios['hugo_cold_s']:.2f} s)"
            if "ratio_cold" in ratios
            else "not measured"
        )
        table.append(
            f"| {size:,} | {found['cold'][0]:.2f} s | {found['noop'][0]:.2f} s | {found['edit'][0]:.2f} s "
            f"| {found['template'][0]:.2f} s | {peak:.0f} MiB | {ratio} |"
        )
    table += ["", "Targets of issue 10, checked by the runner against the rows above:", ""]
    table += [f"- {line}" for line in targets(rows)]
    doc = args.doc.read_text() if args.doc.exists() else "# Performance\n"
    block = f"{START}\n" + "\n".join(table) + f"\n{END}"
    doc = re.sub(f"{START}.*?{END}", lambda _: block, doc, flags=re.S) if START in doc else doc + "\n" + block + "\n"
    args.doc.write_text(doc)


if __name__ == "__main__":
    main()
