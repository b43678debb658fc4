#!/usr/bin/env python3
"""Generate the sample images used by the demo content in ``content/``.

Every picture is drawn from scratch with Pillow: gradient skies, seas and
ground, simple polygon silhouettes (aircraft, ships, vehicles), soft haze and a
little film grain, so that the demo site looks like a news site without
shipping any third-party photographs.

The output is deterministic: each image has its own random generator seeded
from its file name, so running the script twice produces identical bytes.
No EXIF or text metadata is written.

Usage (from the repository root)::

    .venv/bin/python tools/make_sample_images.py          # write all images
    .venv/bin/python tools/make_sample_images.py --only 2024/  # a subset
"""
from __future__ import annotations

import argparse
import io
import math
import random
import sys
import zlib
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "content" / "images"

SS = 2                      # supersampling factor for smooth silhouette edges
HERO_MAX_BYTES = 58_000     # keep every hero JPEG under ~60 KB
AVATAR_MAX_BYTES = 14_000   # and every avatar under ~15 KB

RGB = tuple[int, int, int]


# --------------------------------------------------------------------------
# Small colour helpers
# --------------------------------------------------------------------------

def mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(int(round(a[i] + (b[i] - a[i]) * t)) for i in range(3))  # type: ignore[return-value]


def shade(c: RGB, f: float) -> RGB:
    return tuple(max(0, min(255, int(v * f))) for v in c)  # type: ignore[return-value]


# --------------------------------------------------------------------------
# Scene: a canvas with drawing helpers working in 0..1 coordinates
# --------------------------------------------------------------------------

class Scene:
    def __init__(self, name: str, w: int, h: int):
        self.name = name
        self.w, self.h = w, h
        self.W, self.H = w * SS, h * SS
        self.rnd = random.Random(zlib.crc32(name.encode("utf-8")))
        self.img = Image.new("RGB", (self.W, self.H), (0, 0, 0))

    # coordinate helpers -------------------------------------------------
    def px(self, x: float, y: float) -> tuple[float, float]:
        return x * self.W, y * self.H

    def size(self, s: float) -> float:
        """Scale relative to the image width."""
        return s * self.W

    # backgrounds -----------------------------------------------------------
    def gradient(self, y0: float, y1: float, stops: list[RGB]) -> None:
        top, bottom = int(y0 * self.H), int(y1 * self.H)
        n = max(1, bottom - top)
        col = Image.new("RGB", (1, n))
        seg = len(stops) - 1
        data = []
        for i in range(n):
            t = i / max(1, n - 1) * seg
            k = min(int(t), seg - 1)
            data.append(mix(stops[k], stops[k + 1], t - k))
        col.putdata(data)
        self.img.paste(col.resize((self.W, n), Image.Resampling.BILINEAR), (0, top))

    def glow(self, x: float, y: float, r: float, color: RGB, strength: float = 1.0) -> None:
        rad = int(self.size(r))
        if rad < 2:
            return
        mask = Image.radial_gradient("L").resize((rad * 2, rad * 2), Image.Resampling.BILINEAR)
        # radial_gradient is 0 at the centre and 181 at the middle of each edge
        mask = mask.point(lambda v: int(255 * strength * max(0.0, 1 - v / 181) ** 2))
        cx, cy = self.px(x, y)
        layer = Image.new("RGB", mask.size, color)
        box = (int(cx - rad), int(cy - rad))
        base = self.img.crop((box[0], box[1], box[0] + rad * 2, box[1] + rad * 2))
        blended = Image.composite(ImageChops.screen(base, layer), base, mask)
        self.img.paste(blended, box)

    def disc(self, x: float, y: float, r: float, color: RGB) -> None:
        d = ImageDraw.Draw(self.img)
        cx, cy = self.px(x, y)
        rr = self.size(r)
        d.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), fill=color)

    def stars(self, n: int, ymax: float, bright: int = 220) -> None:
        d = ImageDraw.Draw(self.img)
        for _ in range(n):
            x, y = self.rnd.random() * self.W, self.rnd.random() * ymax * self.H
            r = self.rnd.choice([1, 1, 1, 2, 2, 3])
            v = self.rnd.randint(bright // 2, bright)
            d.ellipse((x, y, x + r, y + r), fill=(v, v, min(255, v + 20)))

    def layer(self) -> tuple[Image.Image, ImageDraw.ImageDraw]:
        lay = Image.new("RGBA", (self.W, self.H), (0, 0, 0, 0))
        return lay, ImageDraw.Draw(lay)

    def merge(self, lay: Image.Image, blur: float = 0.0) -> None:
        if blur:
            # blur in premultiplied form so transparent (black) pixels do not darken edges
            lay = lay.convert("RGBa").filter(ImageFilter.GaussianBlur(blur * SS)).convert("RGBA")
        self.img.paste(lay, (0, 0), lay)

    def tint(self, mask: Image.Image, color: RGB, blur: float = 0.0) -> None:
        """Lay a flat colour over the image through a greyscale mask."""
        if blur:
            mask = mask.filter(ImageFilter.GaussianBlur(blur * SS))
        self.img.paste(Image.new("RGB", self.img.size, color), (0, 0), mask)

    def clouds(self, n: int, y0: float, y1: float, color: RGB, alpha: int = 90,
               size: tuple[float, float] = (0.08, 0.22)) -> None:
        body = Image.new("L", self.img.size, 0)
        tops = Image.new("L", self.img.size, 0)
        db, dt = ImageDraw.Draw(body), ImageDraw.Draw(tops)
        for _ in range(n):
            cx = self.rnd.uniform(-0.1, 1.1) * self.W
            cy = self.rnd.uniform(y0, y1) * self.H
            w = self.rnd.uniform(*size) * self.W
            for _k in range(self.rnd.randint(3, 6)):
                ox = self.rnd.uniform(-0.5, 0.5) * w
                oy = self.rnd.uniform(-0.12, 0.12) * w
                rw = self.rnd.uniform(0.3, 0.6) * w
                rh = rw * self.rnd.uniform(0.25, 0.45)
                db.ellipse((cx + ox - rw, cy + oy - rh, cx + ox + rw, cy + oy + rh), fill=alpha)
                dt.ellipse((cx + ox - rw * 0.7, cy + oy - rh * 1.1, cx + ox + rw * 0.7, cy + oy + rh * 0.2),
                           fill=alpha // 2)
        self.tint(body, color, blur=18)
        self.tint(tops, mix(color, (255, 255, 255), 0.35), blur=22)

    def haze(self, y0: float, y1: float, color: RGB, alpha: int = 120, up: bool = True) -> None:
        """A band of haze fading out toward y0 (if up) and densest at y1."""
        top, bottom = int(y0 * self.H), int(y1 * self.H)
        n = max(1, bottom - top)
        mask = Image.new("L", (1, n))
        mask.putdata([int(alpha * ((i / n) if up else (1 - i / n))) for i in range(n)])
        mask = mask.resize((self.W, n), Image.Resampling.BILINEAR)
        patch = Image.new("RGB", (self.W, n), color)
        base = self.img.crop((0, top, self.W, bottom))
        self.img.paste(Image.composite(patch, base, mask), (0, top))

    def ridge(self, base: float, amp: float, color: RGB, rough: float = 0.5,
              step: float = 0.01, bottom: float = 1.0) -> None:
        """A random-walk hill or shoreline silhouette."""
        d = ImageDraw.Draw(self.img)
        pts = []
        y = 0.0
        x = -0.02
        while x <= 1.04:
            y += self.rnd.uniform(-rough, rough)
            y *= 0.93
            pts.append((x * self.W, (base - amp * (0.5 + 0.5 * math.sin(x * 5.3 + self.rnd.random() * 0.2)) + y * amp * 0.4) * self.H))
            x += step
        pts += [(1.05 * self.W, bottom * self.H), (-0.05 * self.W, bottom * self.H)]
        d.polygon(pts, fill=color)

    def water_lines(self, y0: float, y1: float, color: RGB, n: int = 260, alpha: int = 60) -> None:
        lay, d = self.layer()
        for _ in range(n):
            t = self.rnd.random() ** 1.6
            y = (y0 + (y1 - y0) * t) * self.H
            x = self.rnd.random() * self.W
            length = (0.01 + 0.06 * t) * self.W
            d.line((x, y, x + length, y), fill=color + (int(alpha * self.rnd.uniform(0.4, 1)),),
                   width=max(1, int(SS * (1 + 2 * t))))
        self.merge(lay, blur=0.6)

    # silhouettes -------------------------------------------------------------
    def shape(self, pts: list[tuple[float, float]], x: float, y: float, s: float,
              color: RGB | tuple[int, int, int, int], angle: float = 0.0, flip: bool = False,
              ydown: bool = False, draw: ImageDraw.ImageDraw | None = None) -> None:
        """Draw a polygon given in unit coordinates (x right, y up) at (x, y) with length s."""
        cx, cy = self.px(x, y)
        L = self.size(s)
        ca, sa = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        out = []
        for u, v in pts:
            if flip:
                u = -u
            if not ydown:
                v = -v
            rx, ry = u * ca - v * sa, u * sa + v * ca
            out.append((cx + rx * L, cy + ry * L))
        (draw or ImageDraw.Draw(self.img)).polygon(out, fill=color)

    def rect(self, x0: float, y0: float, x1: float, y1: float, ax: float, ay: float, s: float,
             color: RGB, flip: bool = False) -> None:
        self.shape([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], ax, ay, s, color, flip=flip)

    def circle_u(self, u: float, v: float, r: float, ax: float, ay: float, s: float,
                 color: RGB, flip: bool = False) -> None:
        L = self.size(s)
        cx, cy = self.px(ax, ay)
        if flip:
            u = -u
        d = ImageDraw.Draw(self.img)
        d.ellipse((cx + (u - r) * L, cy - (v + r) * L, cx + (u + r) * L, cy - (v - r) * L), fill=color)

    def line_u(self, pts: list[tuple[float, float]], ax: float, ay: float, s: float, color,
               width: float, flip: bool = False, draw: ImageDraw.ImageDraw | None = None) -> None:
        L = self.size(s)
        cx, cy = self.px(ax, ay)
        out = [(cx + (-u if flip else u) * L, cy - v * L) for u, v in pts]
        (draw or ImageDraw.Draw(self.img)).line(out, fill=color, width=max(1, int(width * L)), joint="curve")

    # finishing ---------------------------------------------------------------
    def finish(self, grain: int = 3, mottle: int = 6, vignette: float = 0.35, soften: float = 0.0) -> Image.Image:
        img = self.img.resize((self.w, self.h), Image.Resampling.LANCZOS)
        if soften:
            img = img.filter(ImageFilter.GaussianBlur(soften))
        w, h = img.size
        if mottle:
            sw, sh = max(2, w // 40), max(2, h // 40)
            small = Image.frombytes("L", (sw, sh), self.rnd.randbytes(sw * sh))
            small = small.point(lambda v: v * 2 * mottle // 255).filter(ImageFilter.GaussianBlur(1.2))
            big = small.resize((w, h), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(24))
            img = ImageChops.add(img, Image.merge("RGB", (big, big, big)), 1.0, -mottle)
        if grain:
            noise = Image.frombytes("L", (w, h), self.rnd.randbytes(w * h))
            noise = noise.point(lambda v: v * 2 * grain // 255)
            img = ImageChops.add(img, Image.merge("RGB", (noise, noise, noise)), 1.0, -grain)
        if vignette:
            mask = Image.radial_gradient("L").resize((w, h), Image.Resampling.BILINEAR)
            mask = mask.point(lambda v: int(min(255, max(0, (v - 90) * 1.6)) * vignette))
            img = Image.composite(Image.new("RGB", (w, h), (0, 0, 0)), img, mask)
        return img


# --------------------------------------------------------------------------
# Silhouette library (unit coordinates, x forward/right, y up)
# --------------------------------------------------------------------------

def mirrored(top: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Build a symmetric planform from its upper half (nose first, tail last)."""
    return top + [(x, -y) for x, y in reversed(top) if y != 0]


FIGHTER = mirrored([(0.5, 0), (0.4, 0.03), (0.22, 0.06), (0.1, 0.08), (-0.14, 0.36), (-0.22, 0.36),
                    (-0.22, 0.1), (-0.3, 0.1), (-0.43, 0.22), (-0.5, 0.22), (-0.5, 0.05), (-0.53, 0.0)])
FIGHTER_6G = mirrored([(0.5, 0), (0.32, 0.05), (0.12, 0.1), (-0.3, 0.42), (-0.38, 0.4), (-0.3, 0.22),
                       (-0.42, 0.12), (-0.48, 0.0)])
FLYING_WING = mirrored([(0.32, 0), (0.22, 0.06), (-0.24, 0.5), (-0.31, 0.47), (-0.12, 0.26),
                        (-0.26, 0.1), (-0.14, 0.0)])
BOMBER = mirrored([(0.5, 0), (0.46, 0.025), (0.14, 0.035), (-0.06, 0.5), (-0.13, 0.5), (-0.08, 0.035),
                   (-0.36, 0.03), (-0.45, 0.19), (-0.5, 0.19), (-0.48, 0.02), (-0.5, 0)])
DELTA_DRONE = mirrored([(0.5, 0), (0.42, 0.035), (-0.28, 0.5), (-0.4, 0.5), (-0.42, 0.06), (-0.5, 0)])
CCA = mirrored([(0.5, 0), (0.35, 0.04), (0.1, 0.07), (-0.12, 0.34), (-0.2, 0.33), (-0.18, 0.08),
                (-0.4, 0.16), (-0.46, 0.14), (-0.44, 0.0)])

DESTROYER_HULL = [(-0.5, 0.0), (-0.5, 0.045), (0.38, 0.05), (0.5, 0.075), (0.46, 0.0)]
CARRIER_HULL = [(-0.5, 0.0), (-0.49, 0.05), (0.48, 0.058), (0.44, 0.0)]
SUB_HULL = [(-0.5, 0.0), (-0.46, 0.022), (0.36, 0.03), (0.47, 0.018), (0.5, 0.0)]
BOAT_HULL = [(-0.5, 0.0), (-0.5, 0.1), (0.22, 0.1), (0.5, 0.03), (0.44, 0.0)]


def draw_aircraft(sc: Scene, kind: list, x: float, y: float, s: float, color: RGB, angle: float = 0.0) -> None:
    sc.shape(kind, x, y, s, color, angle=angle, ydown=True)


def draw_destroyer(sc: Scene, x: float, y: float, s: float, c: RGB, flip: bool = False) -> None:
    sc.shape(DESTROYER_HULL, x, y, s, c, flip=flip)
    for x0, y0, x1, y1 in [(-0.32, 0.04, -0.2, 0.085), (-0.16, 0.04, 0.16, 0.11), (0.06, 0.1, 0.16, 0.14),
                           (-0.1, 0.1, -0.04, 0.145), (0.24, 0.05, 0.28, 0.07)]:
        sc.rect(x0, y0, x1, y1, x, y, s, c, flip=flip)
    sc.shape([(0.0, 0.11), (0.025, 0.25), (0.05, 0.11)], x, y, s, c, flip=flip)
    sc.line_u([(0.26, 0.07), (0.36, 0.075)], x, y, s, c, 0.006, flip=flip)
    sc.line_u([(0.025, 0.21), (-0.02, 0.2), (0.07, 0.2)], x, y, s, c, 0.004, flip=flip)


def draw_carrier(sc: Scene, x: float, y: float, s: float, c: RGB, flip: bool = False) -> None:
    sc.shape(CARRIER_HULL, x, y, s, c, flip=flip)
    sc.shape([(-0.52, 0.05), (0.52, 0.058), (0.52, 0.068), (-0.52, 0.064)], x, y, s, c, flip=flip)
    sc.rect(0.08, 0.06, 0.16, 0.125, x, y, s, c, flip=flip)
    sc.shape([(0.1, 0.12), (0.12, 0.19), (0.14, 0.12)], x, y, s, c, flip=flip)
    for u in (-0.42, -0.34, -0.27, -0.18, 0.24, 0.31, 0.4):
        sc.shape([(u - 0.025, 0.066), (u + 0.02, 0.066), (u + 0.028, 0.074), (u - 0.02, 0.078)], x, y, s, c, flip=flip)


def draw_submarine(sc: Scene, x: float, y: float, s: float, c: RGB, flip: bool = False) -> None:
    sc.shape(SUB_HULL, x, y, s, c, flip=flip)
    sc.shape([(0.08, 0.025), (0.1, 0.12), (0.2, 0.12), (0.21, 0.025)], x, y, s, c, flip=flip)
    sc.rect(0.06, 0.085, 0.24, 0.095, x, y, s, c, flip=flip)
    sc.shape([(-0.47, 0.015), (-0.45, 0.065), (-0.42, 0.065), (-0.42, 0.02)], x, y, s, c, flip=flip)


def draw_boat(sc: Scene, x: float, y: float, s: float, c: RGB, flip: bool = False) -> None:
    sc.shape(BOAT_HULL, x, y, s, c, flip=flip)
    sc.rect(-0.28, 0.1, -0.12, 0.16, x, y, s, c, flip=flip)
    sc.line_u([(-0.2, 0.16), (-0.2, 0.26)], x, y, s, c, 0.012, flip=flip)


def draw_minehunter(sc: Scene, x: float, y: float, s: float, c: RGB, flip: bool = False) -> None:
    sc.shape([(-0.5, 0.0), (-0.5, 0.09), (0.35, 0.095), (0.5, 0.13), (0.45, 0.0)], x, y, s, c, flip=flip)
    sc.rect(-0.1, 0.09, 0.25, 0.2, x, y, s, c, flip=flip)
    sc.rect(0.05, 0.2, 0.2, 0.26, x, y, s, c, flip=flip)
    sc.shape([(0.1, 0.25), (0.125, 0.42), (0.15, 0.25)], x, y, s, c, flip=flip)
    sc.rect(-0.42, 0.09, -0.3, 0.13, x, y, s, c, flip=flip)
    sc.line_u([(-0.36, 0.13), (-0.3, 0.3), (-0.18, 0.34)], x, y, s, c, 0.008, flip=flip)


def draw_tank(sc: Scene, x: float, y: float, s: float, c: RGB, flip: bool = False, cage: bool = False) -> None:
    sc.shape([(-0.46, 0.02), (-0.5, 0.1), (-0.46, 0.14), (0.44, 0.14), (0.5, 0.09), (0.45, 0.02)], x, y, s, c, flip=flip)
    sc.shape([(-0.48, 0.13), (-0.45, 0.24), (0.42, 0.24), (0.5, 0.16), (0.48, 0.13)], x, y, s, c, flip=flip)
    sc.shape([(-0.3, 0.24), (-0.27, 0.37), (0.1, 0.38), (0.22, 0.3), (0.2, 0.24)], x, y, s, c, flip=flip)
    sc.line_u([(0.18, 0.31), (0.78, 0.33)], x, y, s, c, 0.028, flip=flip)
    if cage:
        pts = [(-0.34, 0.38), (-0.3, 0.52), (0.2, 0.52), (0.26, 0.38)]
        sc.line_u(pts, x, y, s, c, 0.012, flip=flip)
        for u in (-0.2, -0.08, 0.04, 0.14):
            sc.line_u([(u, 0.38), (u + 0.01, 0.52)], x, y, s, c, 0.008, flip=flip)
        sc.line_u([(-0.32, 0.45), (0.23, 0.45)], x, y, s, c, 0.006, flip=flip)


def draw_howitzer(sc: Scene, x: float, y: float, s: float, c: RGB, flip: bool = False, angle: float = 32) -> None:
    a = math.radians(angle)
    sc.circle_u(0.02, 0.11, 0.11, x, y, s, c, flip=flip)
    sc.line_u([(0.0, 0.18), (-0.55, 0.0)], x, y, s, c, 0.035, flip=flip)
    sc.line_u([(0.02, 0.16), (-0.45, 0.02)], x, y, s, c, 0.03, flip=flip)
    sc.shape([(-0.08, 0.12), (-0.05, 0.3), (0.12, 0.3), (0.12, 0.12)], x, y, s, c, flip=flip)
    sc.line_u([(0.0, 0.24), (0.0 + 0.95 * math.cos(a), 0.24 + 0.95 * math.sin(a))], x, y, s, c, 0.04, flip=flip)
    sc.shape([(0.1, 0.1), (0.16, 0.1), (0.2, 0.42), (0.14, 0.44)], x, y, s, c, flip=flip)  # gun shield
    sc.circle_u(-0.5, 0.02, 0.03, x, y, s, c, flip=flip)
    sc.line_u([(-0.08, 0.24), (0.25 * math.cos(a) - 0.08, 0.24 + 0.25 * math.sin(a))], x, y, s, c, 0.06, flip=flip)


def draw_truck(sc: Scene, x: float, y: float, s: float, c: RGB, flip: bool = False, wheels: int = 4) -> None:
    sc.rect(-0.5, 0.09, 0.33, 0.17, x, y, s, c, flip=flip)
    sc.shape([(0.3, 0.09), (0.3, 0.36), (0.44, 0.36), (0.5, 0.24), (0.5, 0.09)], x, y, s, c, flip=flip)
    for i in range(wheels):
        u = 0.38 - i * (0.8 / max(1, wheels - 1))
        sc.circle_u(u, 0.07, 0.07, x, y, s, c, flip=flip)


def draw_launcher(sc: Scene, x: float, y: float, s: float, c: RGB, flip: bool = False, angle: float = 38,
                  length: float = 0.62, thick: float = 0.18) -> None:
    draw_truck(sc, x, y, s, c, flip=flip)
    a = math.radians(angle)
    p0 = (-0.44, 0.17)
    ux, uy = math.cos(a), math.sin(a)
    nx, ny = -uy, ux
    pts = [p0, (p0[0] + ux * length, p0[1] + uy * length),
           (p0[0] + ux * length + nx * thick, p0[1] + uy * length + ny * thick), (p0[0] + nx * thick, p0[1] + ny * thick)]
    sc.shape(pts, x, y, s, c, flip=flip)


def draw_radar_truck(sc: Scene, x: float, y: float, s: float, c: RGB, flip: bool = False) -> None:
    draw_truck(sc, x, y, s, c, flip=flip)
    sc.shape([(-0.42, 0.17), (-0.3, 0.62), (0.08, 0.62), (-0.04, 0.17)], x, y, s, c, flip=flip)


def draw_quadcopter(sc: Scene, x: float, y: float, s: float, c: RGB, draw=None) -> None:
    L = sc.size(s)
    cx, cy = sc.px(x, y)
    d = draw or ImageDraw.Draw(sc.img)
    d.line((cx - 0.45 * L, cy - 0.05 * L, cx + 0.45 * L, cy - 0.05 * L), fill=c, width=max(1, int(0.05 * L)))
    d.ellipse((cx - 0.16 * L, cy - 0.12 * L, cx + 0.16 * L, cy + 0.06 * L), fill=c)
    for u in (-0.45, 0.45):
        d.line((cx + u * L, cy - 0.05 * L, cx + u * L, cy - 0.14 * L), fill=c, width=max(1, int(0.03 * L)))
        d.ellipse((cx + (u - 0.24) * L, cy - 0.18 * L, cx + (u + 0.24) * L, cy - 0.12 * L), fill=c)
    d.line((cx - 0.08 * L, cy + 0.05 * L, cx - 0.12 * L, cy + 0.16 * L), fill=c, width=max(1, int(0.025 * L)))
    d.line((cx + 0.08 * L, cy + 0.05 * L, cx + 0.12 * L, cy + 0.16 * L), fill=c, width=max(1, int(0.025 * L)))


def draw_pine(sc: Scene, x: float, y: float, h: float, c: RGB) -> None:
    for i in range(4):
        w = h * (0.32 - i * 0.06)
        top = y - h * (0.35 + i * 0.2)
        bot = y - h * (0.05 + i * 0.2)
        d = ImageDraw.Draw(sc.img)
        d.polygon([(x * sc.W - w * sc.H, bot * sc.H if False else bot * sc.H),
                   (x * sc.W, top * sc.H), (x * sc.W + w * sc.H, bot * sc.H)], fill=c)
    ImageDraw.Draw(sc.img).rectangle((x * sc.W - 0.01 * h * sc.H, (y - 0.06 * h) * sc.H,
                                      x * sc.W + 0.01 * h * sc.H, y * sc.H), fill=c)


def draw_crane(sc: Scene, x: float, y: float, s: float, c: RGB) -> None:
    """A shipyard gantry crane; y is the ground line, s its height as a fraction of width."""
    lw = 0.02
    sc.line_u([(-0.25, 0), (-0.2, 1.0)], x, y, s, c, lw)
    sc.line_u([(0.25, 0), (0.2, 1.0)], x, y, s, c, lw)
    sc.line_u([(-0.05, 0), (-0.15, 1.0)], x, y, s, c, lw * 0.8)
    sc.rect(-0.45, 0.95, 0.5, 1.06, x, y, s, c)
    sc.rect(-0.05, 0.85, 0.12, 0.95, x, y, s, c)
    sc.line_u([(0.03, 0.85), (0.03, 0.45)], x, y, s, c, 0.005)
    for k in range(9):
        u = -0.42 + k * 0.1
        sc.line_u([(u, 0.95), (u + 0.05, 1.06)], x, y, s, c, 0.006)


def draw_tower_crane(sc: Scene, x: float, y: float, s: float, c: RGB, flip: bool = False) -> None:
    sc.line_u([(0, 0), (0, 1.0)], x, y, s, c, 0.03, flip=flip)
    sc.line_u([(-0.25, 0.95), (0.7, 0.95)], x, y, s, c, 0.02, flip=flip)
    sc.line_u([(0, 1.1), (0.65, 0.96)], x, y, s, c, 0.006, flip=flip)
    sc.line_u([(0, 1.1), (-0.24, 0.96)], x, y, s, c, 0.006, flip=flip)
    sc.rect(-0.25, 0.88, -0.12, 0.95, x, y, s, c, flip=flip)
    sc.line_u([(0.45, 0.95), (0.45, 0.55)], x, y, s, c, 0.004, flip=flip)


def draw_satellite(sc: Scene, x: float, y: float, s: float, c: RGB, panel: RGB, angle: float = -18) -> None:
    body = [(-0.09, -0.12), (0.09, -0.12), (0.09, 0.12), (-0.09, 0.12)]
    left = [(-0.5, -0.08), (-0.13, -0.08), (-0.13, 0.08), (-0.5, 0.08)]
    right = [(u * -1, v) for u, v in left]
    sc.shape(left, x, y, s, panel, angle=angle)
    sc.shape(right, x, y, s, panel, angle=angle)
    sc.shape(body, x, y, s, c, angle=angle)
    sc.shape([(-0.13, -0.01), (0.13, -0.01), (0.13, 0.01), (-0.13, 0.01)], x, y, s, c, angle=angle)
    sc.shape([(0.0, 0.12), (-0.06, 0.22), (0.06, 0.22)], x, y, s, c, angle=angle)
    # panel grid
    d = ImageDraw.Draw(sc.img)
    for u in (-0.41, -0.32, -0.22, 0.22, 0.32, 0.41):
        sc.shape([(u - 0.004, -0.08), (u + 0.004, -0.08), (u + 0.004, 0.08), (u - 0.004, 0.08)], x, y, s, c,
                 angle=angle, draw=d)


def draw_soldier(sc: Scene, x: float, y: float, h: float, c: RGB) -> tuple[float, float]:
    """Standing figure, arms raised; returns the position of the hands (0..1 coords)."""
    s = h * sc.H / sc.W  # unit length so that 1.0 == figure height
    sc.circle_u(0.0, 0.9, 0.065, x, y, s, c)
    sc.shape([(-0.06, 0.955), (0.07, 0.955), (0.08, 0.99), (-0.07, 0.99)], x, y, s, c)  # helmet brim
    sc.shape([(-0.13, 0.82), (0.13, 0.82), (0.12, 0.48), (-0.12, 0.48)], x, y, s, c)
    sc.shape([(-0.12, 0.5), (0.12, 0.5), (0.1, 0.0), (0.03, 0.0), (0.0, 0.4), (-0.03, 0.0), (-0.1, 0.0)], x, y, s, c)
    sc.line_u([(-0.11, 0.8), (-0.18, 1.0), (-0.06, 1.12)], x, y, s, c, 0.05)
    sc.line_u([(0.11, 0.8), (0.2, 1.0), (0.08, 1.12)], x, y, s, c, 0.05)
    return x, y - 1.18 * h


def draw_flag(sc: Scene, x: float, y: float, h: float, c: RGB, pole: RGB, phase: float) -> None:
    d = ImageDraw.Draw(sc.img)
    px, top, bot = x * sc.W, (y - h) * sc.H, y * sc.H
    d.line((px, top, px, bot), fill=pole, width=int(0.006 * sc.H))
    fw, fh = 0.5 * h * sc.H, 0.3 * h * sc.H
    pts_top, pts_bot = [], []
    for i in range(21):
        t = i / 20
        wave = math.sin(t * 6 + phase) * 0.08 * fh * (0.3 + t)
        pts_top.append((px + t * fw, top + wave + t * 0.06 * fh))
        pts_bot.append((px + t * fw, top + fh + wave - t * 0.02 * fh))
    d.polygon(pts_top + list(reversed(pts_bot)), fill=c)
    # fold shading
    lay, ld = sc.layer()
    for i in range(20):
        t = i / 20
        a = int(50 + 45 * math.sin(t * 6 + phase))
        x0 = px + t * fw
        ld.rectangle((x0, top - 0.2 * fh, x0 + fw / 20 + 1, top + 1.2 * fh), fill=(0, 0, 0, max(0, a - 40)))
    mask = Image.new("L", (sc.W, sc.H), 0)
    ImageDraw.Draw(mask).polygon(pts_top + list(reversed(pts_bot)), fill=255)
    alpha = ImageChops.multiply(lay.getchannel("A"), mask)
    lay.putalpha(alpha)
    sc.merge(lay)


def trail(sc: Scene, pts: list[tuple[float, float]], color: RGB, width: float, glow: float = 14,
          core: RGB = (255, 250, 235)) -> None:
    """A glowing smoke or exhaust trail along a quadratic Bezier (three points)."""
    (x0, y0), (x1, y1), (x2, y2) = pts
    path = []
    for i in range(60):
        t = i / 59
        x = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * x1 + t * t * x2
        y = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * y1 + t * t * y2
        path.append((x * sc.W, y * sc.H))
    lay, d = sc.layer()
    for i in range(len(path) - 1):
        t = i / len(path)
        d.line((path[i], path[i + 1]), fill=color + (int(200 * (0.3 + 0.7 * t)),), width=int(sc.size(width) * (0.4 + 0.6 * t)) + 1)
    sc.merge(lay, blur=glow)
    lay, d = sc.layer()
    for i in range(len(path) - 1):
        t = i / len(path)
        d.line((path[i], path[i + 1]), fill=core + (int(255 * t ** 1.5),), width=max(1, int(sc.size(width) * 0.25)))
    sc.merge(lay, blur=1.2)
    hx, hy = path[-1]
    sc.glow(hx / sc.W, hy / sc.H, width * 5, core, 0.9)


def skyline(sc: Scene, base: float, c: RGB, lights: RGB | None = None, hmax: float = 0.12) -> None:
    d = ImageDraw.Draw(sc.img)
    x = -0.01
    while x < 1.01:
        w = sc.rnd.uniform(0.015, 0.05)
        h = sc.rnd.uniform(0.02, hmax) * (1.4 if sc.rnd.random() < 0.08 else 1)
        d.rectangle((x * sc.W, (base - h) * sc.H, (x + w) * sc.W, sc.H), fill=c)
        if lights:
            for _ in range(int(w * h * 9000)):
                lx = sc.rnd.uniform(x + 0.003, x + w - 0.003) * sc.W
                ly = sc.rnd.uniform(base - h + 0.006, base) * sc.H
                if sc.rnd.random() < 0.35:
                    d.rectangle((lx, ly, lx + 2 * SS, ly + 2 * SS), fill=lights)
        x += w + sc.rnd.uniform(0.0, 0.008)


def dust(sc: Scene, x: float, y: float, r: float, color: RGB, n: int = 14, alpha: int = 120) -> None:
    mask = Image.new("L", sc.img.size, 0)
    d = ImageDraw.Draw(mask)
    for _ in range(n):
        cx = (x + sc.rnd.uniform(-r, r)) * sc.W
        cy = (y + sc.rnd.uniform(-r * 0.5, r * 0.2)) * sc.H
        rr = sc.rnd.uniform(0.3, 1.0) * r * sc.W * 0.5
        d.ellipse((cx - rr, cy - rr * 0.7, cx + rr, cy + rr * 0.7), fill=alpha)
    sc.tint(mask, color, blur=26)


# --------------------------------------------------------------------------
# Hero scenes, one function per image
# --------------------------------------------------------------------------

def hero_ukraine_attack(sc: Scene) -> None:
    sc.gradient(0, 0.8, [(4, 6, 18), (14, 18, 42), (48, 38, 62)])
    sc.gradient(0.8, 1.0, [(20, 16, 24), (8, 8, 12)])
    sc.stars(260, 0.6)
    sc.glow(0.5, 0.86, 0.45, (120, 60, 30), 0.55)
    trail(sc, [(0.08, 0.84), (0.22, 0.2), (0.47, 0.12)], (255, 150, 60), 0.006)
    trail(sc, [(0.2, 0.86), (0.38, 0.32), (0.62, 0.22)], (255, 170, 80), 0.005)
    trail(sc, [(0.86, 0.88), (0.72, 0.3), (0.58, 0.16)], (255, 200, 120), 0.004)
    trail(sc, [(0.95, 0.84), (0.9, 0.5), (0.78, 0.36)], (255, 140, 60), 0.0035)
    sc.glow(0.6, 0.2, 0.05, (255, 230, 190), 0.9)
    sc.glow(0.6, 0.2, 0.14, (255, 140, 70), 0.5)
    skyline(sc, 0.86, (10, 9, 14), lights=(255, 196, 110), hmax=0.1)
    sc.gradient(0.93, 1.0, [(10, 9, 14), (6, 6, 9)])


def hero_leopard(sc: Scene) -> None:
    sc.gradient(0, 0.68, [(52, 60, 88), (150, 128, 140), (232, 168, 120)])
    sc.glow(0.72, 0.64, 0.18, (255, 190, 120), 0.7)
    sc.ridge(0.66, 0.05, (90, 92, 110), rough=0.4)
    sc.gradient(0.68, 1.0, [(205, 208, 222), (150, 156, 176)])
    for i in range(26):
        draw_pine(sc, 0.02 + i * 0.04 + sc.rnd.uniform(-0.01, 0.01), 0.69, sc.rnd.uniform(0.07, 0.12), (52, 54, 66))
    sc.haze(0.55, 0.7, (210, 180, 170), 70)
    draw_tank(sc, 0.42, 0.86, 0.3, (28, 28, 34))
    draw_tank(sc, 0.8, 0.76, 0.14, (60, 60, 72))
    dust(sc, 0.2, 0.86, 0.08, (230, 232, 240), alpha=110)


def hero_shahed(sc: Scene) -> None:
    sc.gradient(0, 1.0, [(8, 10, 24), (20, 26, 52), (40, 46, 74)])
    sc.stars(180, 0.8, 180)
    sc.clouds(6, 0.55, 0.9, (60, 66, 96), 90)
    sc.glow(0.25, 0.2, 0.08, (220, 225, 240), 0.6)
    sc.disc(0.25, 0.2, 0.018, (225, 228, 236))
    draw_aircraft(sc, DELTA_DRONE, 0.58, 0.44, 0.22, (6, 7, 12), angle=-12)
    sc.glow(0.67, 0.42, 0.01, (255, 120, 60), 0.9)
    skyline(sc, 1.0, (6, 6, 10), lights=(255, 205, 130), hmax=0.08)


def hero_b21(sc: Scene) -> None:
    sc.gradient(0, 1.0, [(18, 20, 28), (34, 36, 46), (22, 22, 28)])
    for x in (0.2, 0.5, 0.8):
        sc.glow(x, 0.08, 0.22, (200, 205, 220), 0.35)
    lay, d = sc.layer()
    for i in range(12):
        x = i / 11
        d.line((x * sc.W, 0, 0.5 * sc.W + (x - 0.5) * 0.3 * sc.W, 0.25 * sc.H), fill=(120, 125, 140, 80), width=SS * 3)
    sc.merge(lay, blur=2)
    sc.gradient(0.74, 1.0, [(58, 60, 68), (30, 30, 36)])
    draw_aircraft(sc, FLYING_WING, 0.5, 0.6, 0.5, (14, 14, 18), angle=-90)
    sc.glow(0.5, 0.78, 0.35, (150, 150, 165), 0.25)


def hero_columbia(sc: Scene) -> None:
    sc.gradient(0, 0.58, [(120, 130, 142), (182, 186, 190)])
    sc.clouds(9, 0.05, 0.4, (150, 156, 166), 120, size=(0.15, 0.35))
    sc.gradient(0.58, 1.0, [(76, 86, 96), (38, 46, 56)])
    sc.water_lines(0.6, 1.0, (150, 160, 172))
    draw_submarine(sc, 0.5, 0.64, 0.7, (22, 26, 32))
    lay, d = sc.layer()
    d.ellipse((0.1 * sc.W, 0.625 * sc.H, 0.9 * sc.W, 0.67 * sc.H), fill=(215, 222, 228, 120))
    sc.merge(lay, blur=6)
    sc.haze(0.45, 0.6, (186, 190, 196), 90)


def hero_baltic(sc: Scene) -> None:
    sc.gradient(0, 0.6, [(92, 116, 156), (200, 180, 176), (246, 206, 160)])
    sc.glow(0.3, 0.58, 0.2, (255, 210, 150), 0.8)
    sc.gradient(0.6, 0.86, [(120, 130, 150), (70, 80, 100)])
    sc.water_lines(0.6, 0.8, (240, 210, 170), n=180, alpha=80)
    sc.ridge(0.8, 0.03, (52, 48, 44), rough=0.2, step=0.02)
    d = ImageDraw.Draw(sc.img)
    sc.line_u([(0, 0), (0, 1)], 0.78, 0.79, 0.22, (40, 38, 40), 0.012)
    sc.shape([(-0.12, 0.95), (0.12, 1.0), (0.12, 1.06), (-0.12, 1.01)], 0.78, 0.79, 0.22, (40, 38, 40))
    sc.gradient(0.86, 1.0, [(70, 62, 54), (44, 40, 36)])
    for _ in range(40):
        x = sc.rnd.random()
        d.line((x * sc.W, 0.86 * sc.H, (x + sc.rnd.uniform(-0.01, 0.01)) * sc.W, (0.8 + sc.rnd.uniform(0, 0.04)) * sc.H),
               fill=(60, 54, 46), width=SS * 2)


def hero_taiwan_haze(sc: Scene) -> None:
    sc.gradient(0, 0.62, [(170, 176, 180), (214, 210, 200)])
    sc.glow(0.8, 0.3, 0.18, (250, 240, 220), 0.6)
    sc.gradient(0.62, 1.0, [(120, 130, 136), (70, 80, 88)])
    sc.water_lines(0.62, 1.0, (190, 196, 200), n=220)
    for x, s, f in [(0.18, 0.2, False), (0.45, 0.13, True), (0.7, 0.17, False), (0.9, 0.1, True)]:
        draw_destroyer(sc, x, 0.62 + s * 0.02, s, mix((60, 66, 72), (170, 176, 180), 0.5 - s), flip=f)
    sc.haze(0.5, 0.7, (206, 204, 196), 110, up=False)


def hero_howitzer(sc: Scene) -> None:
    sc.gradient(0, 0.7, [(160, 170, 186), (222, 212, 190)])
    sc.gradient(0.7, 1.0, [(150, 130, 96), (96, 82, 60)])
    sc.ridge(0.7, 0.03, (130, 118, 96), rough=0.3)
    draw_howitzer(sc, 0.46, 0.84, 0.3, (34, 30, 26), angle=34)
    dust(sc, 0.56, 0.82, 0.14, (210, 196, 170), n=22, alpha=170)
    sc.glow(0.7, 0.58, 0.06, (255, 210, 140), 0.9)
    dust(sc, 0.78, 0.5, 0.08, (200, 196, 188), n=12, alpha=120)


def hero_patriot(sc: Scene) -> None:
    sc.gradient(0, 0.74, [(40, 44, 80), (170, 96, 90), (246, 150, 80)])
    sc.glow(0.2, 0.72, 0.2, (255, 180, 100), 0.8)
    sc.gradient(0.74, 1.0, [(40, 30, 32), (18, 14, 16)])
    sc.ridge(0.75, 0.025, (40, 30, 32), rough=0.3)
    draw_launcher(sc, 0.55, 0.86, 0.36, (16, 12, 14), angle=38)
    draw_radar_truck(sc, 0.15, 0.8, 0.12, (30, 22, 24), flip=True)
    trail(sc, [(0.66, 0.55), (0.76, 0.3), (0.9, 0.1)], (255, 214, 170), 0.004, glow=10)


def hero_red_sea(sc: Scene) -> None:
    sc.gradient(0, 0.64, [(10, 12, 26), (28, 30, 54), (60, 50, 66)])
    sc.stars(140, 0.4, 160)
    sc.gradient(0.64, 1.0, [(22, 24, 36), (8, 10, 16)])
    sc.water_lines(0.64, 1.0, (80, 84, 110), n=180, alpha=50)
    draw_destroyer(sc, 0.42, 0.67, 0.5, (6, 7, 12))
    trail(sc, [(0.6, 0.58), (0.63, 0.3), (0.8, 0.12)], (255, 190, 120), 0.006)
    sc.glow(0.6, 0.6, 0.08, (255, 170, 90), 0.7)


def hero_japan_portrait(sc: Scene) -> None:
    sc.gradient(0, 0.7, [(130, 150, 176), (214, 222, 230)])
    sc.clouds(6, 0.1, 0.5, (236, 238, 244), 130, size=(0.3, 0.6))
    sc.gradient(0.7, 1.0, [(76, 92, 112), (36, 46, 60)])
    sc.water_lines(0.7, 1.0, (170, 186, 204), n=160)
    draw_destroyer(sc, 0.42, 0.74, 1.3, (36, 42, 52))


def hero_carrier(sc: Scene) -> None:
    sc.gradient(0, 0.62, [(60, 82, 120), (200, 170, 160), (250, 200, 140)])
    sc.glow(0.78, 0.6, 0.16, (255, 220, 160), 0.9)
    sc.disc(0.78, 0.6, 0.025, (255, 236, 200))
    sc.gradient(0.62, 1.0, [(70, 76, 96), (26, 30, 44)])
    sc.water_lines(0.62, 1.0, (250, 206, 150), n=220, alpha=70)
    draw_carrier(sc, 0.44, 0.64, 0.66, (18, 20, 28))
    draw_aircraft(sc, FIGHTER, 0.2, 0.24, 0.05, (30, 32, 44), angle=-8)


def hero_f35(sc: Scene) -> None:
    sc.gradient(0, 0.66, [(30, 36, 70), (140, 90, 110), (238, 142, 90)])
    sc.glow(0.5, 0.66, 0.25, (255, 170, 100), 0.7)
    sc.gradient(0.66, 1.0, [(60, 50, 56), (24, 20, 24)])
    d = ImageDraw.Draw(sc.img)
    for i in range(10):
        x = 0.05 + i * 0.1
        d.ellipse(((x - 0.003) * sc.W, 0.67 * sc.H, (x + 0.003) * sc.W, 0.675 * sc.H), fill=(255, 220, 160))
    for x, s, f in [(0.25, 0.26, False), (0.56, 0.2, False), (0.82, 0.15, False)]:
        y = 0.86 - (0.26 - s) * 0.5
        sc.shape([(-0.5, 0.06), (-0.44, 0.22), (-0.36, 0.22), (-0.3, 0.1), (0.2, 0.1), (0.3, 0.15), (0.38, 0.12),
                  (0.5, 0.07), (0.42, 0.04), (-0.46, 0.04)], x, y, s, (16, 14, 18), flip=f)
        sc.line_u([(0.1, 0.05), (0.1, 0.0)], x, y, s, (16, 14, 18), 0.02, flip=f)
        sc.line_u([(-0.3, 0.05), (-0.3, 0.0)], x, y, s, (16, 14, 18), 0.025, flip=f)


def hero_black_sea(sc: Scene) -> None:
    sc.gradient(0, 0.36, [(34, 40, 56), (82, 90, 104)])
    sc.gradient(0.36, 1.0, [(40, 50, 62), (12, 18, 26)])
    sc.water_lines(0.36, 1.0, (110, 124, 140), n=260)
    lay, d = sc.layer()
    d.polygon([(0.56 * sc.W, 0.56 * sc.H), (0.0, 0.9 * sc.H), (0.0, 1.0 * sc.H), (0.06 * sc.W, 1.0 * sc.H),
               (0.58 * sc.W, 0.58 * sc.H)], fill=(230, 236, 240, 160))
    sc.merge(lay, blur=10)
    draw_boat(sc, 0.62, 0.575, 0.12, (10, 12, 16), flip=False)
    lay, d = sc.layer()
    d.ellipse((0.55 * sc.W, 0.56 * sc.H, 0.7 * sc.W, 0.6 * sc.H), fill=(240, 244, 246, 130))
    sc.merge(lay, blur=5)


def hero_border(sc: Scene) -> None:
    sc.gradient(0, 0.55, [(150, 160, 170), (200, 200, 196)])
    sc.gradient(0.55, 1.0, [(110, 110, 96), (70, 70, 60)])
    for i in range(34):
        draw_pine(sc, i * 0.031 + sc.rnd.uniform(-0.01, 0.01), 0.57, sc.rnd.uniform(0.25, 0.4), (40, 50, 44))
    sc.haze(0.2, 0.57, (190, 196, 196), 60)
    d = ImageDraw.Draw(sc.img)
    for row in range(3):
        y = 0.68 + row * 0.1
        s = 0.035 + row * 0.015
        for k in range(int(1 / (s * 1.6)) + 2):
            x = k * s * 1.6 + (row % 2) * s * 0.8
            pts = [(x * sc.W, y * sc.H), ((x + s / 2) * sc.W, (y - s * 1.3) * sc.H), ((x + s) * sc.W, y * sc.H)]
            d.polygon(pts, fill=(170, 168, 160))
            d.polygon([pts[1], pts[2], ((x + s * 0.62) * sc.W, (y + s * 0.15) * sc.H)], fill=(120, 118, 112))


def hero_sixth_gen(sc: Scene) -> None:
    sc.gradient(0, 1.0, [(30, 60, 110), (110, 150, 196), (190, 210, 228), (214, 222, 234)])
    sc.clouds(14, 0.66, 0.95, (238, 240, 246), 200, size=(0.15, 0.3))
    sc.gradient(0.86, 1.0, [(226, 230, 238), (200, 206, 218)])
    sc.clouds(10, 0.78, 1.0, (246, 248, 250), 220, size=(0.2, 0.35))
    draw_aircraft(sc, FIGHTER_6G, 0.48, 0.36, 0.34, (26, 30, 40), angle=-14)


def hero_soldier_quad(sc: Scene) -> None:
    sc.gradient(0, 0.72, [(150, 160, 166), (206, 200, 178)])
    sc.glow(0.2, 0.5, 0.2, (240, 226, 190), 0.6)
    sc.gradient(0.72, 1.0, [(104, 104, 76), (64, 62, 46)])
    sc.ridge(0.73, 0.04, (96, 98, 80), rough=0.4)
    hx, hy = draw_soldier(sc, 0.55, 0.95, 0.5, (30, 30, 28))
    draw_quadcopter(sc, hx, hy - 0.02, 0.1, (30, 30, 28))
    draw_quadcopter(sc, 0.2, 0.22, 0.035, (70, 72, 70))


def hero_perth(sc: Scene) -> None:
    sc.gradient(0, 0.62, [(90, 140, 196), (196, 218, 232)])
    sc.ridge(0.56, 0.06, (120, 120, 96), rough=0.3)
    sc.gradient(0.6, 1.0, [(70, 110, 130), (30, 60, 76)])
    sc.water_lines(0.6, 1.0, (190, 220, 230), n=200)
    sc.rect(-0.5, 0.0, 0.5, 0.05, 0.8, 0.62, 0.4, (90, 86, 80))
    draw_submarine(sc, 0.45, 0.68, 0.6, (16, 18, 22))


def hero_arctic(sc: Scene) -> None:
    sc.gradient(0, 0.62, [(150, 166, 186), (216, 222, 230)])
    sc.ridge(0.5, 0.14, (226, 232, 240), rough=0.6)
    sc.ridge(0.56, 0.06, (170, 180, 196), rough=0.5)
    sc.gradient(0.6, 1.0, [(44, 60, 74), (16, 26, 36)])
    sc.water_lines(0.6, 1.0, (200, 214, 226), n=160, alpha=50)
    lay, d = sc.layer()
    for _ in range(30):
        x, y = sc.rnd.random() * sc.W, sc.rnd.uniform(0.62, 1.0) * sc.H
        w = sc.rnd.uniform(0.02, 0.08) * sc.W
        d.polygon([(x, y), (x + w, y + w * 0.05), (x + w * 0.8, y + w * 0.18), (x + w * 0.1, y + w * 0.15)],
                  fill=(228, 236, 244, 210))
    sc.merge(lay, blur=0.8)
    sc.shape([(0.0, 0.0), (0.02, 0.2), (0.12, 0.2), (0.14, 0.0)], 0.5, 0.68, 0.5, (14, 18, 22))
    sc.rect(-0.02, 0.15, 0.16, 0.165, 0.5, 0.68, 0.5, (14, 18, 22))


def hero_silo(sc: Scene) -> None:
    sc.gradient(0, 0.5, [(120, 128, 140), (180, 184, 190)])
    sc.clouds(8, 0.05, 0.4, (140, 146, 156), 150, size=(0.2, 0.4))
    sc.ridge(0.48, 0.08, (100, 108, 120), rough=0.4)
    sc.gradient(0.5, 1.0, [(210, 214, 220), (170, 174, 184)])
    d = ImageDraw.Draw(sc.img)
    d.ellipse((0.3 * sc.W, 0.68 * sc.H, 0.62 * sc.W, 0.82 * sc.H), fill=(120, 124, 130))
    d.ellipse((0.34 * sc.W, 0.7 * sc.H, 0.58 * sc.W, 0.8 * sc.H), fill=(20, 22, 26))
    d.polygon([(0.58 * sc.W, 0.74 * sc.H), (0.8 * sc.W, 0.7 * sc.H), (0.84 * sc.W, 0.78 * sc.H), (0.62 * sc.W, 0.82 * sc.H)],
              fill=(90, 94, 100))
    for i in range(8):
        x = 0.05 + i * 0.12
        d.line((x * sc.W, 0.55 * sc.H, x * sc.W, 0.6 * sc.H), fill=(60, 64, 70), width=SS * 2)
    d.line((0, 0.56 * sc.H, sc.W, 0.56 * sc.H), fill=(70, 74, 80), width=SS)


def hero_trenches(sc: Scene) -> None:
    sc.gradient(0, 0.4, [(150, 150, 160), (214, 196, 170)])
    sc.glow(0.8, 0.38, 0.14, (255, 220, 170), 0.7)
    sc.gradient(0.4, 1.0, [(120, 110, 84), (70, 62, 46)])
    d = ImageDraw.Draw(sc.img)
    for k in range(4):
        y = 0.5 + k * 0.13
        pts = []
        x = -0.05
        while x < 1.05:
            pts.append((x * sc.W, (y + sc.rnd.uniform(-0.02, 0.02)) * sc.H))
            x += 0.06
        d.line(pts, fill=(38, 32, 24), width=int(SS * (4 + k * 5)), joint="curve")
    for _ in range(60):
        x, y = sc.rnd.random(), sc.rnd.uniform(0.45, 1.0)
        r = sc.rnd.uniform(0.004, 0.014)
        d.ellipse(((x - r) * sc.W, (y - r * 0.5) * sc.H, (x + r) * sc.W, (y + r * 0.5) * sc.H), fill=(80, 70, 52))
    draw_quadcopter(sc, 0.36, 0.24, 0.09, (24, 22, 22))
    sc.haze(0.3, 0.5, (200, 190, 170), 80, up=False)


def hero_shipyard(sc: Scene) -> None:
    sc.gradient(0, 0.7, [(40, 50, 80), (150, 110, 110), (240, 160, 100)])
    sc.gradient(0.7, 0.86, [(90, 70, 80), (40, 34, 44)])
    sc.water_lines(0.7, 0.86, (250, 180, 120), n=120, alpha=70)
    sc.glow(0.3, 0.66, 0.18, (255, 190, 120), 0.7)
    draw_crane(sc, 0.3, 0.82, 0.36, (24, 22, 28))
    draw_crane(sc, 0.72, 0.82, 0.3, (30, 28, 34))
    draw_tower_crane(sc, 0.92, 0.78, 0.22, (34, 30, 36), flip=True)
    sc.shape([(-0.5, 0.0), (-0.48, 0.16), (0.4, 0.18), (0.5, 0.24), (0.47, 0.0)], 0.5, 0.84, 0.56, (20, 18, 24))
    sc.rect(-0.2, 0.16, 0.0, 0.3, 0.5, 0.84, 0.56, (20, 18, 24))
    d = ImageDraw.Draw(sc.img)
    for i in range(14):
        x = 0.25 + i * 0.035
        d.rectangle((x * sc.W, 0.8 * sc.H, (x + 0.004) * sc.W, 0.803 * sc.H), fill=(255, 200, 120))
    sc.gradient(0.84, 1.0, [(40, 36, 44), (20, 18, 22)])


def hero_golden_dome(sc: Scene) -> None:
    sc.gradient(0, 1.0, [(0, 0, 4), (4, 6, 16), (8, 12, 28)])
    sc.stars(300, 1.0, 200)
    d = ImageDraw.Draw(sc.img)
    cx, cy, r = 0.5 * sc.W, 2.35 * sc.H, 1.7 * sc.H
    lay, ld = sc.layer()
    ld.ellipse((cx - r - 40 * SS, cy - r - 40 * SS, cx + r + 40 * SS, cy + r + 40 * SS), fill=(90, 150, 255, 150))
    sc.merge(lay, blur=22)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(14, 26, 52))
    sc.glow(0.18, 0.68, 0.2, (255, 200, 120), 0.9)
    sc.glow(0.18, 0.68, 0.05, (255, 250, 230), 1.0)
    draw_satellite(sc, 0.62, 0.3, 0.26, (60, 60, 66), (36, 48, 92))


def hero_taiwan_portrait(sc: Scene) -> None:
    sc.gradient(0, 0.5, [(120, 160, 190), (220, 226, 220)])
    sc.ridge(0.4, 0.2, (60, 100, 70), rough=0.7)
    sc.ridge(0.55, 0.12, (40, 76, 52), rough=0.6)
    sc.gradient(0.72, 1.0, [(88, 90, 92), (60, 62, 64)])
    d = ImageDraw.Draw(sc.img)
    d.polygon([(0, 0.66 * sc.H), (sc.W, 0.62 * sc.H), (sc.W, 0.72 * sc.H), (0, 0.78 * sc.H)], fill=(96, 98, 100))
    draw_launcher(sc, 0.5, 0.78, 0.7, (32, 36, 32), angle=16, length=0.55, thick=0.15)
    sc.haze(0.3, 0.6, (220, 226, 220), 70)


def hero_fiber_road(sc: Scene) -> None:
    sc.gradient(0, 0.42, [(170, 170, 170), (236, 214, 170)])
    sc.glow(0.65, 0.4, 0.18, (255, 226, 170), 0.8)
    sc.gradient(0.42, 1.0, [(130, 120, 90), (80, 72, 52)])
    d = ImageDraw.Draw(sc.img)
    d.polygon([(0.46 * sc.W, 0.42 * sc.H), (0.54 * sc.W, 0.42 * sc.H), (0.95 * sc.W, sc.H), (0.05 * sc.W, sc.H)],
              fill=(96, 90, 78))
    lay, ld = sc.layer()
    for i in range(14):
        t = i / 13
        ld.line((0.46 * sc.W, 0.42 * sc.H, (0.05 + 0.9 * t) * sc.W, sc.H), fill=(40, 40, 36, 110), width=SS)
    for j in range(16):
        y = 0.42 + (j / 15) ** 1.8 * 0.58
        hw = 0.04 + (y - 0.42) / 0.58 * 0.45
        ld.line(((0.5 - hw) * sc.W, y * sc.H, (0.5 + hw) * sc.W, y * sc.H), fill=(40, 40, 36, 100), width=SS)
        ld.line(((0.5 - hw) * sc.W, y * sc.H, (0.5 - hw) * sc.W, (y - 0.25 * hw) * sc.H), fill=(40, 40, 36, 140), width=SS * 2)
        ld.line(((0.5 + hw) * sc.W, y * sc.H, (0.5 + hw) * sc.W, (y - 0.25 * hw) * sc.H), fill=(40, 40, 36, 140), width=SS * 2)
    for _ in range(18):
        x0, y0 = sc.rnd.random() * sc.W, sc.rnd.uniform(0.5, 1.0) * sc.H
        pts = [(x0, y0)]
        for _k in range(6):
            x0 += sc.rnd.uniform(-60, 60) * SS
            y0 += sc.rnd.uniform(-20, 30) * SS
            pts.append((x0, y0))
        ld.line(pts, fill=(255, 244, 210, 200), width=SS, joint="curve")
    sc.merge(lay, blur=0.5)


def hero_guam(sc: Scene) -> None:
    sc.gradient(0, 0.64, [(40, 110, 190), (150, 196, 228)])
    sc.clouds(10, 0.4, 0.62, (246, 248, 252), 190, size=(0.1, 0.25))
    sc.gradient(0.64, 1.0, [(20, 110, 150), (10, 56, 90)])
    sc.water_lines(0.64, 1.0, (160, 210, 230), n=180)
    sc.shape([(-0.5, 0), (-0.35, 0.05), (-0.1, 0.08), (0.2, 0.07), (0.4, 0.04), (0.5, 0)], 0.62, 0.66, 0.5, (50, 96, 70))
    draw_aircraft(sc, BOMBER, 0.38, 0.24, 0.34, (24, 28, 36), angle=-6)


def hero_air_defense_snow(sc: Scene) -> None:
    sc.gradient(0, 0.66, [(130, 140, 156), (200, 204, 212)])
    sc.clouds(7, 0.05, 0.45, (168, 174, 186), 140, size=(0.2, 0.4))
    for i in range(30):
        draw_pine(sc, i * 0.034, 0.62, sc.rnd.uniform(0.12, 0.2), (58, 66, 70))
    sc.gradient(0.62, 1.0, [(226, 230, 236), (190, 196, 206)])
    draw_radar_truck(sc, 0.25, 0.86, 0.22, (44, 50, 46))
    draw_launcher(sc, 0.62, 0.88, 0.3, (40, 46, 42), angle=45)
    draw_launcher(sc, 0.88, 0.76, 0.14, (80, 86, 84), angle=45, flip=True)
    lay, d = sc.layer()
    for _ in range(500):
        x, y = sc.rnd.random() * sc.W, sc.rnd.random() * sc.H
        r = sc.rnd.uniform(1, 3) * SS
        d.ellipse((x, y, x + r, y + r), fill=(250, 250, 255, 180))
    sc.merge(lay, blur=0.6)


def hero_cca(sc: Scene) -> None:
    sc.gradient(0, 1.0, [(50, 90, 150), (140, 180, 214), (200, 214, 230)])
    sc.clouds(16, 0.6, 1.0, (236, 240, 246), 210, size=(0.15, 0.3))
    draw_aircraft(sc, FIGHTER, 0.45, 0.42, 0.2, (30, 34, 44), angle=-170)
    draw_aircraft(sc, CCA, 0.68, 0.3, 0.12, (40, 44, 56), angle=-170)
    draw_aircraft(sc, CCA, 0.72, 0.56, 0.12, (40, 44, 56), angle=-170)


def hero_hypersonic(sc: Scene) -> None:
    sc.gradient(0, 0.74, [(40, 70, 120), (150, 170, 196), (226, 210, 196)])
    sc.gradient(0.74, 1.0, [(60, 80, 96), (30, 44, 56)])
    sc.water_lines(0.76, 1.0, (180, 196, 210), n=100)
    sc.shape([(-0.6, 0.0), (-0.6, 0.03), (-0.1, 0.025), (0.2, 0.01), (0.3, 0.0)], 0.3, 0.8, 0.9, (66, 70, 62))
    dust(sc, 0.3, 0.78, 0.12, (236, 232, 226), n=22, alpha=210)
    trail(sc, [(0.3, 0.78), (0.34, 0.4), (0.56, 0.16)], (250, 244, 236), 0.012, glow=10, core=(255, 255, 240))
    sc.glow(0.56, 0.16, 0.03, (255, 220, 150), 1.0)


def hero_minehunter(sc: Scene) -> None:
    sc.gradient(0, 0.5, [(96, 104, 112), (150, 154, 158)])
    sc.clouds(10, 0.0, 0.4, (80, 86, 94), 150, size=(0.2, 0.45))
    sc.gradient(0.5, 1.0, [(72, 82, 88), (34, 40, 46)])
    sc.water_lines(0.5, 1.0, (170, 180, 186), n=320, alpha=70)
    draw_minehunter(sc, 0.5, 0.56, 0.34, (26, 30, 34))
    lay, d = sc.layer()
    d.ellipse((0.3 * sc.W, 0.54 * sc.H, 0.72 * sc.W, 0.58 * sc.H), fill=(220, 226, 230, 110))
    sc.merge(lay, blur=6)


def hero_nato_flags(sc: Scene) -> None:
    sc.gradient(0, 1.0, [(120, 128, 140), (180, 184, 190)])
    sc.clouds(10, 0.0, 0.8, (150, 156, 166), 120, size=(0.25, 0.5))
    colours = [(28, 60, 120), (170, 40, 44), (230, 190, 40), (40, 110, 70), (230, 230, 230), (30, 30, 34),
               (200, 90, 40), (60, 120, 180)]
    for i in range(9):
        x = 0.06 + i * 0.105
        h = 0.62 + (i % 3) * 0.05
        draw_flag(sc, x, 1.02, h, colours[i % len(colours)], (70, 74, 80), phase=i * 1.3)


def hero_tank_cage(sc: Scene) -> None:
    sc.gradient(0, 0.62, [(176, 170, 150), (220, 204, 170)])
    sc.gradient(0.62, 1.0, [(150, 128, 92), (100, 84, 60)])
    dust(sc, 0.3, 0.72, 0.25, (214, 196, 160), n=30, alpha=160)
    draw_tank(sc, 0.52, 0.86, 0.42, (42, 40, 32), cage=True)
    dust(sc, 0.2, 0.86, 0.12, (200, 180, 146), n=16, alpha=170)


def hero_laser(sc: Scene) -> None:
    sc.gradient(0, 0.8, [(4, 6, 14), (12, 16, 34), (24, 26, 44)])
    sc.stars(150, 0.7, 170)
    sc.gradient(0.8, 1.0, [(14, 14, 18), (6, 6, 8)])
    draw_truck(sc, 0.4, 0.9, 0.3, (4, 4, 6))
    sc.rect(-0.36, 0.17, -0.1, 0.3, 0.4, 0.9, 0.3, (4, 4, 6))
    x0, y0 = 0.4 + (-0.23) * 0.3, 0.9 - 0.3 * 0.3 * sc.W / sc.H
    lay, d = sc.layer()
    d.line((x0 * sc.W, y0 * sc.H, 0.82 * sc.W, 0.12 * sc.H), fill=(120, 220, 255, 200), width=SS * 3)
    sc.merge(lay, blur=8)
    lay, d = sc.layer()
    d.line((x0 * sc.W, y0 * sc.H, 0.82 * sc.W, 0.12 * sc.H), fill=(230, 250, 255, 255), width=SS)
    sc.merge(lay, blur=0.8)
    sc.glow(0.82, 0.12, 0.03, (255, 230, 200), 1.0)
    draw_quadcopter(sc, 0.82, 0.12, 0.025, (10, 10, 14))


HEROES = {
    # path: (scene function, (width, height))
    "2023/ukraine-attack-on-russian-missiles.jpg": (hero_ukraine_attack, (1600, 900)),
    "2023/leopard-tanks-winter-field.jpg": (hero_leopard, (1600, 900)),
    "2023/shahed-drone-night-sky.jpg": (hero_shahed, (1600, 900)),
    "2023/b21-raider-hangar.jpg": (hero_b21, (1600, 900)),
    "2023/columbia-class-submarine-surface.jpg": (hero_columbia, (1600, 900)),
    "2023/baltic-coast-dawn.jpg": (hero_baltic, (1200, 800)),
    "2023/taiwan-strait-warships-haze.jpg": (hero_taiwan_haze, (1600, 900)),
    "2023/howitzer-firing-dust.jpg": (hero_howitzer, (1600, 900)),
    "2023/patriot-launcher-dusk.jpg": (hero_patriot, (1600, 900)),
    "2023/destroyer-red-sea-night.jpg": (hero_red_sea, (1600, 900)),
    "2024/japan-destroyer-portrait.jpg": (hero_japan_portrait, (900, 1200)),
    "2024/carrier-flight-deck-sunrise.jpg": (hero_carrier, (1600, 900)),
    "2024/f35-flightline-evening.jpg": (hero_f35, (1600, 900)),
    "2024/black-sea-drone-boat-wake.jpg": (hero_black_sea, (1600, 900)),
    "2024/border-fortifications-forest.jpg": (hero_border, (1200, 800)),
    "2024/sixth-gen-fighter-concept.jpg": (hero_sixth_gen, (1600, 900)),
    "2024/soldier-launching-quadcopter.jpg": (hero_soldier_quad, (1600, 900)),
    "2024/submarine-harbor-perth.jpg": (hero_perth, (1600, 900)),
    "2024/arctic-fjord-submarine.jpg": (hero_arctic, (1200, 800)),
    "2024/interceptor-silo-alaska.jpg": (hero_silo, (1600, 900)),
    "2025/fpv-drone-over-trenches.jpg": (hero_trenches, (1600, 900)),
    "2025/shipyard-cranes-dusk.jpg": (hero_shipyard, (1600, 900)),
    "2025/golden-dome-orbit-sunrise.jpg": (hero_golden_dome, (1600, 900)),
    "2025/taiwan-coastal-missile-portrait.jpg": (hero_taiwan_portrait, (900, 1200)),
    "2025/fiber-optic-spool-road.jpg": (hero_fiber_road, (1600, 900)),
    "2025/bomber-over-pacific-island.jpg": (hero_guam, (1600, 900)),
    "2026/air-defense-battery-snow.jpg": (hero_air_defense_snow, (1600, 900)),
    "2026/cca-drone-formation.jpg": (hero_cca, (1600, 900)),
    "2026/hypersonic-test-launch.jpg": (hero_hypersonic, (1600, 900)),
    "2026/minehunter-grey-sea.jpg": (hero_minehunter, (1600, 900)),
    "2026/nato-flags-wind.jpg": (hero_nato_flags, (1600, 900)),
    "2026/tank-cope-cage-dust.jpg": (hero_tank_cage, (1600, 900)),
    "2027/counter-drone-laser-night.jpg": (hero_laser, (1600, 900)),
}


# --------------------------------------------------------------------------
# Diagrams (PNG, used inline in article bodies)
# --------------------------------------------------------------------------

def font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType support
        return ImageFont.load_default()


def diagram_intercept() -> Image.Image:
    w, h = 1200, 675
    img = Image.new("RGB", (w * SS, h * SS), (246, 244, 238))
    d = ImageDraw.Draw(img)
    S = SS
    ground = 560 * S
    d.rectangle((0, ground, w * S, h * S), fill=(222, 216, 200))
    d.line((0, ground, w * S, ground), fill=(120, 110, 90), width=2 * S)
    # atmosphere boundary
    for x in range(0, w * S, 24 * S):
        d.line((x, 230 * S, x + 12 * S, 230 * S), fill=(160, 170, 190), width=S)
    # terminal defense coverage
    cov = Image.new("RGBA", img.size, (0, 0, 0, 0))
    cd = ImageDraw.Draw(cov)
    cd.pieslice((820 * S, 300 * S, 1180 * S, 820 * S), 180, 360, fill=(46, 120, 90, 60), outline=(46, 120, 90, 200), width=2 * S)
    img.paste(cov, (0, 0), cov)
    d.polygon([(985 * S, ground), (1000 * S, 535 * S), (1015 * S, ground)], fill=(46, 100, 80))
    # ballistic arc
    pts = []
    for i in range(101):
        t = i / 100
        x = 80 + t * 900
        y = 560 - 4 * 470 * t * (1 - t)
        pts.append((x * S, y * S))
    d.line(pts, fill=(180, 60, 40), width=4 * S, joint="curve")
    # glide trajectory
    pts = []
    for i in range(101):
        t = i / 100
        x = 80 + t * 900
        if t < 0.2:
            y = 560 - 330 * (t / 0.2) ** 0.8
        else:
            y = 230 + 40 * math.sin((t - 0.2) * 18) * (1 - t) + (t - 0.2) * 40
            if t > 0.85:
                y += (t - 0.85) / 0.15 * 290
        pts.append((x * S, y * S))
    d.line(pts, fill=(40, 80, 160), width=4 * S, joint="curve")
    f = font(22 * S)
    fs = font(18 * S)
    d.text((420 * S, 62 * S), "Ballistic missile: high, predictable arc", fill=(180, 60, 40), font=f)
    d.text((300 * S, 290 * S), "Hypersonic glide vehicle: lower, maneuvering path", fill=(40, 80, 160), font=f)
    d.text((850 * S, 580 * S), "Terminal defense coverage", fill=(46, 100, 80), font=fs)
    d.text((40 * S, 200 * S), "Upper atmosphere", fill=(120, 130, 150), font=fs)
    d.text((40 * S, 620 * S), "Illustrative, not to scale", fill=(110, 104, 92), font=fs)
    return img.resize((w, h), Image.Resampling.LANCZOS)


def diagram_shipbuilding() -> Image.Image:
    w, h = 1200, 675
    img = Image.new("RGB", (w * SS, h * SS), (248, 247, 243))
    d = ImageDraw.Draw(img)
    S = SS
    f_title = font(30 * S)
    f = font(24 * S)
    fs = font(18 * S)
    d.text((60 * S, 40 * S), "Share of global commercial shipbuilding output", fill=(30, 34, 44), font=f_title)
    d.text((60 * S, 84 * S), "Approximate, by gross tonnage completed", fill=(100, 104, 112), font=fs)
    rows = [("China", 0.53, "more than half", (176, 52, 44)),
            ("South Korea", 0.28, "about a quarter", (70, 96, 140)),
            ("Japan", 0.15, "about a seventh", (70, 96, 140)),
            ("United States", 0.002, "under 1 percent", (40, 40, 48))]
    x0, bar_w = 300, 820
    for i, (name, share, label, col) in enumerate(rows):
        y = 160 + i * 115
        d.text((60 * S, (y + 14) * S), name, fill=(30, 34, 44), font=f)
        d.rectangle((x0 * S, y * S, (x0 + bar_w) * S, (y + 60) * S), fill=(232, 230, 224))
        d.rectangle((x0 * S, y * S, (x0 + max(4, bar_w * share)) * S, (y + 60) * S), fill=col)
        lx = x0 + max(4, bar_w * share) + 16
        d.text((lx * S, (y + 16) * S), label, fill=(30, 34, 44), font=fs)
    d.text((60 * S, 630 * S), "Illustrative chart based on commonly cited industry estimates", fill=(110, 110, 110), font=fs)
    return img.resize((w, h), Image.Resampling.LANCZOS)


DIAGRAMS = {
    "2023/intercept-geometry-diagram.png": diagram_intercept,
    "2025/shipbuilding-capacity-chart.png": diagram_shipbuilding,
}


# --------------------------------------------------------------------------
# Author avatars and logos
# --------------------------------------------------------------------------

AVATARS = {
    # id: (background top, background bottom, figure colour)
    "maya-carlin": ((150, 60, 64), (96, 34, 40), (44, 20, 24)),
    "ruth-kessler": ((52, 76, 116), (30, 44, 72), (16, 24, 40)),
    "daniel-areyano": ((70, 112, 96), (40, 70, 60), (20, 36, 30)),
    "ilse-marchetti": ((176, 130, 70), (120, 84, 40), (58, 40, 20)),
    "graham-toller": ((50, 96, 130), (26, 56, 80), (12, 28, 42)),
    "priya-venkatesh": ((120, 80, 130), (74, 46, 84), (36, 22, 42)),
    "cole-hadaway": ((110, 120, 136), (66, 74, 88), (30, 34, 42)),
    "sanna-lindqvist": ((80, 130, 140), (44, 80, 90), (20, 40, 46)),
}


def avatar(name: str, top: RGB, bottom: RGB, fig: RGB) -> Image.Image:
    sc = Scene("avatar-" + name, 400, 400)
    sc.gradient(0, 1.0, [top, bottom])
    sc.glow(0.3, 0.25, 0.5, mix(top, (255, 255, 255), 0.3), 0.35)
    d = ImageDraw.Draw(sc.img)
    W, H = sc.W, sc.H
    rnd = sc.rnd
    head_r = W * rnd.uniform(0.15, 0.17)
    hx, hy = W * 0.5, H * rnd.uniform(0.4, 0.43)
    d.ellipse((hx - W * 0.36, H * 0.72, hx + W * 0.36, H * 1.35), fill=fig)           # shoulders
    d.rectangle((hx - W * 0.07, hy + head_r * 0.6, hx + W * 0.07, H * 0.78), fill=fig)  # neck
    d.ellipse((hx - head_r, hy - head_r * 1.15, hx + head_r, hy + head_r * 1.15), fill=fig)
    return sc.finish(grain=0, mottle=4, vignette=0.25)


def logo_wordmark() -> Image.Image:
    w, h = 600, 120
    img = Image.new("RGBA", (w * SS, h * SS), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    S = SS
    navy, red = (20, 32, 56, 255), (190, 40, 40, 255)
    d.rounded_rectangle((4 * S, 8 * S, 108 * S, 112 * S), radius=14 * S, fill=navy)
    d.polygon([(24 * S, 82 * S), (56 * S, 30 * S), (88 * S, 82 * S), (74 * S, 82 * S), (56 * S, 52 * S), (38 * S, 82 * S)], fill=red)
    d.rectangle((30 * S, 88 * S, 82 * S, 96 * S), fill=(236, 236, 240, 255))
    f_big = font(46 * S)
    f_small = font(13 * S)
    d.text((128 * S, 14 * S), "FRONTLINE", fill=navy, font=f_big)
    d.text((128 * S, 62 * S), "DEFENSE", fill=red, font=f_big)
    tagline = "MILITARY \u00b7 DEFENSE \u00b7 SECURITY"
    tw = d.textlength(tagline, font=f_small)
    d.text(((w - 10) * S - tw, 86 * S), tagline, fill=(90, 96, 110, 255), font=f_small)
    return img.resize((w, h), Image.Resampling.LANCZOS)


def logo_square() -> Image.Image:
    n = 512
    img = Image.new("RGB", (n * SS, n * SS), (20, 32, 56))
    d = ImageDraw.Draw(img)
    S = SS
    red = (190, 40, 40)
    d.polygon([(120 * S, 330 * S), (256 * S, 110 * S), (392 * S, 330 * S), (336 * S, 330 * S), (256 * S, 200 * S),
               (176 * S, 330 * S)], fill=red)
    d.rectangle((150 * S, 356 * S, 362 * S, 380 * S), fill=(236, 236, 240))
    f = font(44 * S)
    text = "FD"
    bbox = d.textbbox((0, 0), text, font=f)
    d.text(((n * S - (bbox[2] - bbox[0])) / 2, 404 * S), text, fill=(236, 236, 240), font=f)
    return img.resize((n, n), Image.Resampling.LANCZOS)


# --------------------------------------------------------------------------
# Saving
# --------------------------------------------------------------------------

def encode_jpeg(img: Image.Image, max_bytes: int, quality: int = 72) -> bytes:
    q = quality
    while True:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=q, optimize=True, progressive=True, subsampling="4:2:0")
        data = buf.getvalue()
        if len(data) <= max_bytes or q <= 40:
            return data
        q -= 4


def encode_png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    if img.mode == "RGB":
        img = img.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def write(rel: str, data: bytes, report: list[tuple[str, int]]) -> None:
    path = OUT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    report.append((rel, len(data)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="only generate images whose path contains this text")
    args = ap.parse_args(argv)
    report: list[tuple[str, int]] = []

    for rel, (fn, (w, h)) in HEROES.items():
        if args.only and args.only not in rel:
            continue
        sc = Scene(rel, w, h)
        fn(sc)
        write(rel, encode_jpeg(sc.finish(), HERO_MAX_BYTES), report)

    for rel, fn in DIAGRAMS.items():
        if args.only and args.only not in rel:
            continue
        write(rel, encode_png(fn()), report)

    for name, (top, bottom, fig) in AVATARS.items():
        rel = f"authors/{name}.jpg"
        if args.only and args.only not in rel:
            continue
        write(rel, encode_jpeg(avatar(name, top, bottom, fig), AVATAR_MAX_BYTES, quality=78), report)

    if not args.only or "logo" in args.only:
        buf = io.BytesIO()
        logo_wordmark().save(buf, "PNG", optimize=True)
        write("logo.png", buf.getvalue(), report)
        write("logo-square.png", encode_png(logo_square()), report)

    total = sum(n for _, n in report)
    for rel, n in report:
        print(f"{n / 1024:7.1f} KB  images/{rel}")
    print(f"{len(report)} files, {total / 1024:.1f} KB total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
