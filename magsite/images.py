"""Image variants with Pillow: responsive widths, hero crops, metadata stripped, cached outside output/.

Every JPEG, PNG and WebP file under content/images is decoded once per change of its bytes or of the
settings, turned upright (EXIF orientation), converted to sRGB and re-encoded without any metadata
(EXIF, GPS, XMP, comments, ICC). The results live in a cache folder outside output/ (by default
<site>/.magsite-cache/images/<key>/, the key made with the user's secret so that a cache which comes
with a site is never used), so a rebuild with unchanged images only hashes files and reads indexes.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import json
import os
import posixpath
import shutil
import warnings
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import PIL
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError, features

from magsite.cache import CACHE_DIR, stat_key
from magsite.config import CONFIG_FILE, SiteConfig
from magsite.errors import Problem
from magsite.model import Site
from magsite.records import Image as ImageRef

VERSION = 1  # bump when processing changes, so every cached variant is made again
IMAGE_CACHE = f"{CACHE_DIR}/images"  # default cache folder, relative to the site folder
PROCESSED = {"JPEG": "jpeg", "MPO": "jpeg", "PNG": "png", "WEBP": "webp"}  # Pillow format -> output format
SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")  # files handed to Pillow; others are copied as they are
EXTENSION = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}
MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
ENCODER = {
    "avif": ("AVIF", {"quality": 50, "speed": 8, "max_threads": 1}),
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "jpeg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
    "png": ("PNG", {"compress_level": 6}),  # level 9 takes 15x as long on photos for ~20% less
}
AVATAR_WIDTHS = (120, 240)  # avatars show at 80-120 CSS px; these serve them at 1x and 2x
OG_SIZE = (1200, 630)  # og:image / Twitter large card
CROPS = ((16, 9), (4, 3), (1, 1))  # what Google asks for in article structured data
CROP_WIDTH = 1200


@dataclass(frozen=True, slots=True)
class Rendition:
    """One published image file: its site URL (without the base path), pixel size and format."""

    url: str
    width: int
    height: int
    format: str  # avif | webp | jpeg | png

    @property
    def type(self) -> str:
        return MIME[self.format]


@dataclass(frozen=True, slots=True)
class ImageSet:
    """A hero's fixed-size renditions for social cards (og:image) and article structured data."""

    og: Rendition  # 1200x630
    crops: tuple[Rendition, ...]  # 16:9, 4:3 and 1:1, each 1200 px wide


@dataclass(frozen=True, slots=True)
class Processed:
    """What became of one file under content/images."""

    src: str  # images/...
    key: str = ""  # cache key: changes whenever any published byte of this image would
    format: str | None = None  # the source's own format (jpeg, png or webp); None for files copied as they are
    width: int | None = None  # upright pixel size; None for files copied as they are
    height: int | None = None
    renditions: tuple[Rendition, ...] = ()  # responsive variants, by format then width
    sets: tuple[tuple[tuple[float, float], ImageSet], ...] = ()  # focus point -> hero renditions
    files: tuple[tuple[str, Path], ...] = ()  # output path -> file to copy there
    error: str | None = None  # why the file cannot be published, as "cannot be read: ..."


@dataclass(frozen=True)
class Images:
    """Every image of the site after processing, by site-relative path."""

    by_src: dict[str, Processed]

    def get(self, src: str) -> Processed | None:
        return self.by_src.get(src)

    def image_set(self, image: ImageRef | None) -> ImageSet | None:
        """The og:image and crops of a hero image; None for remote images and images without them."""
        found = self.by_src.get(image.src) if image is not None else None
        return dict(found.sets).get(image.focus) if found and image else None

    def files(self) -> list[tuple[str, str, Path]]:
        """(output path, fingerprint, file) for every published image file, sorted, each path once."""
        files = {path: (p.key and f"{p.key}:{path}", file) for p in self.by_src.values() for path, file in p.files}
        return [(path, fp, file) for path, (fp, file) in sorted(files.items())]


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything that changes the bytes of a variant; part of every cache key."""

    widths: tuple[int, ...]
    formats: tuple[str, ...]  # modern formats written beside the source's own, best first
    max_pixels: int


@dataclass(frozen=True, slots=True)
class Job:
    src: str
    file: Path
    key: str
    folder: Path  # cache folder for this key
    tmp: Path  # where a worker writes it, before this build renames it to `folder`
    widths: tuple[int, ...]
    focuses: tuple[tuple[float, float], ...]  # hero crops wanted
    settings: Settings


def settings_for(config: SiteConfig) -> Settings:
    formats = tuple(f for f in config.image_formats if f != "avif" or features.check("avif"))
    return Settings(config.image_widths, formats, config.image_max_pixels)


def process_images(
    site_dir: Path, site: Site, cache_dir: Path, *, secret: bytes, workers: int
) -> tuple[Images, list[Problem]]:
    """Make (or find in cache_dir) the variants of every image under content/images, on `workers` cores.

    `secret` goes into every cache key. Broken images are problems where a hero, avatar or logo names
    them (inline images are checked with the Markdown), and a warning at the file itself.
    """
    settings = settings_for(site.config)
    focuses: dict[str, set[tuple[float, float]]] = {}
    for post in site.posts:
        if post.article.image and not post.article.image.remote:
            focuses.setdefault(post.article.image.src, set()).add(post.article.image.focus)
    avatars = {a.avatar for a in site.authors.values()}
    inside = site_dir.resolve()
    files = {src: site_dir / "content" / src for src in sorted(site.images)}

    results: dict[str, Processed] = {}
    digests = _digests([f for src, f in files.items() if src.lower().endswith(SUFFIXES)], cache_dir / "digests.json")
    jobs: list[Job] = []
    for src, file in files.items():
        widths = tuple(sorted(set(settings.widths + (AVATAR_WIDTHS if src in avatars else ()))))
        wanted = tuple(sorted(focuses.get(src, ())))
        if not file.resolve().is_relative_to(inside):
            results[src] = Processed(src, error="is a symlink that leads outside the site folder")
        elif not src.lower().endswith(SUFFIXES):
            results[src] = Processed(src, files=((src, file),))
        elif file not in digests:
            results[src] = Processed(src, error="cannot be read")
        else:
            name = _key(secret, src, digests[file], widths, wanted, settings)
            folder = cache_dir / name[:2] / name
            job = Job(src, file, name, folder, folder.with_name(f"{name}.tmp{os.getpid()}"), widths, wanted, settings)
            if (cached := _read_index(job)) is not None:
                results[src] = cached
            else:
                jobs.append(job)
    for job, outcome in zip(jobs, _run(jobs, workers), strict=True):
        results[job.src] = _finish(job, outcome) if isinstance(outcome, dict) else Processed(job.src, error=outcome)
    images = Images(dict(sorted(results.items())))
    return images, _problems(site, images)


def _digests(files: list[Path], memo_file: Path) -> dict[Path, str]:
    """sha256 of each file, read on all cores (hashlib releases the GIL); unreadable files are left out.

    A file whose size, times and inode are those of the last build is not read again.
    """
    try:
        memo = json.loads(memo_file.read_text())
    except (OSError, ValueError):
        memo = {}

    def digest(file: Path) -> list[Any] | None:
        try:
            stat = list(stat_key(file.stat()))
            known = memo.get(str(file)) if isinstance(memo, dict) else None
            if isinstance(known, list) and known[:-1] == stat:
                return known
            with file.open("rb") as f:
                return [*stat, hashlib.file_digest(f, "sha256").hexdigest()]
        except OSError:
            return None

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        found = {str(f): d for f, d in zip(files, pool.map(digest, files), strict=True) if d is not None}
    if found != memo:
        with contextlib.suppress(OSError):  # without it the next build reads the files again
            memo_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = memo_file.with_name(f"{memo_file.name}.{os.getpid()}")
            tmp.write_text(json.dumps(found))
            os.replace(tmp, memo_file)
    return {Path(f): d[-1] for f, d in found.items()}


def _key(secret: bytes, src: str, digest: str, widths: tuple[int, ...], focuses: Any, s: Settings) -> str:
    parts = [VERSION, PIL.__version__, src, digest, widths, s.formats, s.max_pixels, focuses]
    return hmac.new(secret, json.dumps(parts).encode(), "sha256").hexdigest()[:32]


def _read_index(job: Job) -> Processed | None:
    """The cached result of a job, or None when it is missing or incomplete."""
    try:
        processed = _from_index(job, json.loads((job.folder / "index.json").read_text()))
        present = set(os.listdir(job.folder))
    except (OSError, ValueError, KeyError, TypeError):
        processed, present = None, set()
    if processed is None or not all(file.name in present for _, file in processed.files):
        shutil.rmtree(job.folder, ignore_errors=True)  # made again from scratch
        return None
    return processed


def _finish(job: Job, index: dict[str, Any]) -> Processed:
    """Publish a job's cache folder, which a worker wrote under a temporary name, with its index."""
    (job.tmp / "index.json").write_text(json.dumps(index))
    try:
        job.tmp.rename(job.folder)
    except OSError:  # another build made the same folder meanwhile: its files are the same
        shutil.rmtree(job.tmp, ignore_errors=True)
    return _from_index(job, index)


def _from_index(job: Job, index: dict[str, Any]) -> Processed:
    folder = posixpath.dirname(job.src)
    files: list[tuple[str, Path]] = []

    def rendition(entry: list[Any]) -> Rendition:
        name, width, height, fmt = entry
        path = f"{folder}/{name}"
        files.append((path, job.folder / name))
        return Rendition(f"/{path}", width, height, fmt)

    renditions = tuple(rendition(r) for r in index["renditions"])
    sets = tuple(
        ((fx, fy), ImageSet(rendition(og), tuple(rendition(c) for c in crops))) for (fx, fy), og, crops in index["sets"]
    )
    name, width, height, fmt = index["original"]
    files.append((job.src, job.folder / name))
    return Processed(job.src, job.key, fmt, width, height, renditions, sets, tuple(files))


def _run(jobs: list[Job], workers: int) -> Iterable[dict[str, Any] | str]:
    """Process jobs in `workers` processes (in this one when there is only one job or worker)."""
    workers = min(workers, len(jobs))
    if workers <= 1:
        return [_process(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_process, jobs))


def _process(job: Job) -> dict[str, Any] | str:
    """Decode one image and write its variants into a new cache folder; an error message if it is unusable."""
    opened = _open(job.file, job.settings.max_pixels)
    if isinstance(opened, str):
        return opened
    image, fmt = opened
    width, height = image.size
    stem = posixpath.splitext(posixpath.basename(job.src))[0]
    shutil.rmtree(job.tmp, ignore_errors=True)
    job.tmp.mkdir(parents=True)

    def save(picture: Image.Image, out_format: str, label: str) -> list[Any]:
        data = _encode(picture, out_format)
        name = f"{stem}-{label}.{hashlib.sha256(data).hexdigest()[:10]}.{EXTENSION[out_format]}"
        (job.tmp / name).write_bytes(data)
        return [name, picture.width, picture.height, out_format]

    renditions = []
    formats = [f for f in job.settings.formats if f != fmt] + [fmt]
    resized = image
    for w in sorted({min(w, width) for w in job.widths}, reverse=True):  # each from the next larger: faster
        if w != resized.width:
            resized = resized.resize((w, max(1, round(height * w / width))), **_RESIZE)
        renditions += [(f, save(resized, f, f"{w}w")) for f in formats]
    crop_format = "png" if fmt == "png" else "jpeg"
    sets = []
    for focus in job.focuses:
        og = save(_crop(image, OG_SIZE, focus), crop_format, "og")
        crops = [
            save(_crop(image, (CROP_WIDTH, CROP_WIDTH * h // w), focus), crop_format, f"{w}x{h}") for w, h in CROPS
        ]
        sets.append([list(focus), og, crops])
    original = posixpath.basename(job.src)
    (job.tmp / original).write_bytes(_encode(image, fmt))
    return {
        "renditions": [r for _, r in sorted(renditions, key=lambda fr: (formats.index(fr[0]), fr[1][1]))],
        "original": [original, width, height, fmt],
        "sets": sets,
    }


_RESIZE: dict[str, Any] = {"resample": Image.Resampling.LANCZOS, "reducing_gap": 3.0}


def _open(file: Path, max_pixels: int) -> tuple[Image.Image, str] | str:
    """Decode, turn upright and convert to sRGB without metadata; or say why the file is unusable."""
    try:
        with warnings.catch_warnings(), Image.open(file) as source:
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit applies below
            fmt = PROCESSED.get(source.format or "")
            if fmt is None:
                return f"is a {source.format} file; use JPEG, PNG or WebP"
            w, h = source.size
            if w * h > max_pixels:
                return f"is {w}x{h} pixels, more than the limit of {max_pixels:,} (images.max_pixels)"
            source.load()
            upright = ImageOps.exif_transpose(source)
            assert upright is not None
            return _srgb(upright, source.info.get("icc_profile")), fmt
    except UnidentifiedImageError:
        return "is not an image file Pillow can read"
    except Image.DecompressionBombError:
        return f"has more pixels than the limit of {max_pixels:,} (images.max_pixels)"
    except Exception as err:  # decoders raise OSError, SyntaxError, ValueError, EOFError, ... on broken files
        return f"cannot be read: {err}"


def _srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """The pixels in sRGB (RGB or RGBA) with every metadata block dropped."""
    alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    mode = "RGBA" if alpha else "RGB"
    if icc:
        if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
            image = image.convert(mode)
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=mode)
        assert converted is not None
        image = converted
    elif image.mode != mode:
        image = image.convert(mode)
    image.info = {}
    return image


def _crop(image: Image.Image, size: tuple[int, int], focus: tuple[float, float]) -> Image.Image:
    """The largest region of the target's shape around the focus point, scaled to exactly `size`."""
    width, height = image.size
    tw, th = size
    if width * th >= height * tw:
        cw, ch = height * tw / th, float(height)
    else:
        cw, ch = float(width), width * th / tw
    left = min(max(focus[0] * width - cw / 2, 0), width - cw)
    top = min(max(focus[1] * height - ch / 2, 0), height - ch)
    return image.resize(size, box=(left, top, left + cw, top + ch), **_RESIZE)


def _encode(image: Image.Image, fmt: str) -> bytes:
    if fmt == "jpeg" and image.mode == "RGBA":
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, image).convert("RGB")
    name, options = ENCODER[fmt]
    out = io.BytesIO()
    image.save(out, name, **options)
    return out.getvalue()


def _problems(site: Site, images: Images) -> list[Problem]:
    """Broken images where a hero, avatar or the publisher logo uses them, and at the file itself."""
    problems = [
        Problem(f"content/{p.src}", None, f"image {p.src!r} {p.error}; it is not published", warning=True)
        for p in images.by_src.values()
        if p.error
    ]
    for post in site.posts:
        image = post.article.image
        if image and (found := images.get(image.src)) and found.error:
            problems.append(
                Problem(post.article.source, post.article.lines.get("image"), f"image {image.src!r} {found.error}")
            )
    for author in site.authors.values():
        if (found := images.get(author.avatar)) and found.error:
            problems.append(
                Problem(author.source, author.lines.get("avatar"), f"avatar image {author.avatar!r} {found.error}")
            )
    logo = site.config.publisher.logo if site.config.publisher else None
    if logo and (found := images.get(logo)) and found.error:
        problems.append(Problem(CONFIG_FILE, None, f"publisher logo {logo!r} {found.error}"))
    return problems
