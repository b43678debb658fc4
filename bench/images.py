#!/usr/bin/env python3
"""Time the image stage: a site with N generated camera photos (3000x2000 JPEG with EXIF and GPS),
built cold (empty image cache) and again with every image cached.

Usage: .venv/bin/python bench/images.py [--photos 500] [--dir DIR] [--sample .]
Prints wall and CPU seconds of each build and the time of its images stage (from `magsite build -v`).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import ExifTags, Image

MAGSITE = Path(sys.executable).with_name("magsite")
NOW = "2026-11-25T12:00:00Z"


def photo(index: int, size: tuple[int, int] = (3000, 2000)) -> Image.Image:
    """A photo-like picture: sky-to-ground gradients, a soft light spot and moderate sensor noise."""
    rnd = random.Random(index)
    sky = Image.linear_gradient("L").resize(size)
    spot = Image.radial_gradient("L").resize(size).rotate(rnd.randrange(360))
    noise = Image.effect_noise(size, 12 + rnd.random() * 8)
    return Image.merge(
        "RGB",
        [Image.blend(channel, noise, 0.25) for channel in (sky, spot, sky.transpose(Image.Transpose.FLIP_LEFT_RIGHT))],
    )


def exif(index: int) -> bytes:
    data = Image.Exif()
    data[ExifTags.Base.Make] = "BenchCam"
    data[ExifTags.Base.Orientation] = 1 + index % 2 * 5  # every other photo stored sideways
    data.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = f"SN-{index:06d}"
    gps = data.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", (50.0, 35.0, float(index % 60))
    return data.tobytes()


def make_site(root: Path, photos: int) -> None:
    (root / "content/sections").mkdir(parents=True)
    (root / "content/authors").mkdir(parents=True)
    (root / "content/articles").mkdir(parents=True)
    (root / "content/images/photos").mkdir(parents=True)
    (root / "magsite.yaml").write_text("title: Image Bench\nbase_url: https://bench.example/\n")
    (root / "content/sections/news.md").write_text("---\ntitle: News\n---\n")
    (root / "content/authors/bench.md").write_text("---\nname: Bench Writer\n---\nWrites benches.\n")
    for i in range(photos):
        photo(i).save(root / f"content/images/photos/p{i:04d}.jpg", quality=90, exif=exif(i))
        (root / f"content/articles/a{i:04d}.md").write_text(
            f"---\ntitle: Story {i}\nauthor: bench\nsection: news\ndate: 2024-01-01T00:00:00Z\n"
            f"image: {{src: images/photos/p{i:04d}.jpg, alt: Photo {i}}}\n---\nText of story {i}.\n"
        )


def timed_build(site: Path, *args: str) -> tuple[float, float, float]:
    """(wall s, cpu s of magsite and its workers, images stage s) of one `magsite build`."""
    before = os.times()
    start = time.perf_counter()
    run = subprocess.run(
        [MAGSITE, "build", "--site", site, "--now", NOW, "-v", *args], capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - start
    after = os.times()
    cpu = after.children_user + after.children_system - before.children_user - before.children_system
    stage = re.search(r"^images: ([\d.]+) s", run.stderr, re.M)
    return wall, cpu, float(stage.group(1)) if stage else float("nan")


def report(name: str, figures: tuple[float, float, float]) -> None:
    wall, cpu, images = figures
    print(f"{name:42s} wall {wall:7.2f} s   cpu {cpu:7.2f} s   images stage {images:7.2f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=500)
    parser.add_argument("--dir", type=Path, help="work folder (default: a temporary one, removed afterwards)")
    parser.add_argument("--sample", type=Path, help="also time this site (e.g. the repository's sample)")
    args = parser.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="magsite-image-bench-"))
    try:
        print(f"{os.cpu_count()} cores", flush=True)
        if args.sample:
            cache = work / "sample-cache"
            shutil.rmtree(cache, ignore_errors=True)
            out = ("--output", str(work / "sample-out"), "--image-cache", str(cache))
            report("sample: cold", timed_build(args.sample, *out, "--no-cache"))
            report("sample: images cached, pages rendered", timed_build(args.sample, *out, "--no-cache"))
        if args.photos:
            site = work / "site"
            if not (site / "magsite.yaml").exists():
                start = time.perf_counter()
                make_site(site, args.photos)
                print(f"generated {args.photos} photos in {time.perf_counter() - start:.1f} s", flush=True)
            shutil.rmtree(site / ".magsite-cache", ignore_errors=True)
            shutil.rmtree(site / "output", ignore_errors=True)
            report(f"{args.photos} photos: cold", timed_build(site))
            report(f"{args.photos} photos: images cached, pages rendered", timed_build(site, "--no-cache"))
            article = site / "content/articles/a0000.md"
            article.write_text(article.read_text() + "One more line.\n")
            report(f"{args.photos} photos: one article edited", timed_build(site))
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
