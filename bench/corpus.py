#!/usr/bin/env python3
"""Write a deterministic N-article magsite site for benchmarks.

Usage: corpus.py N OUTDIR [--seed 7] [--images]

8 sections, 60 authors, 300 tags, ~900-word bodies with sub-heads, lists, quotes, emphasis and links
(to other articles by URL and by relative .md path, and to outside sites). Hero images are remote
URLs unless --images asks for small local JPEGs (Pillow).
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

SECTIONS = ["smart-bombs", "russia-ukraine", "navy", "air-force", "army", "missile-defense", "china", "middle-east"]
WORDS = """the of and to in a is that for on with as was by at from it an be this are have has had not but were
which their they said its more after been will who would about than also over new two into other first some
could when there up out one only all may government military forces defense missile navy army air force ship
aircraft fighter bomber drone strike system program contract pentagon officials report budget funding congress
committee war front line artillery brigade battalion division command general admiral troops soldiers sailors
training exercise deployment region border coast sea pacific atlantic baltic radar sensor satellite launch test
range interceptor warhead guided precision munition bomb glide kit production factory industry supplier delivery
cost billion million percent year month week capability threat adversary ally alliance partner treaty sanctions
export analysts expert study data imagery video claim source statement minister ministry president leader policy
strategy doctrine readiness logistics supply chain shortage stockpile upgrade modernization fleet squadron carrier
destroyer frigate submarine shipyard tank vehicle armored infantry helicopter engine jet stealth hypersonic
ballistic cruise altitude target network software electronic warfare jamming cyber space orbit intelligence
surveillance mission operation campaign offensive position trench village city port airbase runway depot convoy
bridge railway however meanwhile although because while despite across against between during without within
toward along behind beyond under above quickly recently reportedly largely nearly publicly""".split()
FIRST = "alex maria john sofia david elena james anna michael olga robert lina daniel sara peter nadia".split()
LAST = "smith kovalenko chen haddad garcia novak ivanova park okafor rossi muller tanaka levy brown silva".split()


def sentence(rng: random.Random, links: list[str], lo: int = 8, hi: int = 22) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    if rng.random() < 0.15:
        i = rng.randrange(len(words))
        words[i] = f"*{words[i]}*"
    if rng.random() < 0.08:
        i = rng.randrange(len(words))
        words[i] = f"**{words[i]}**"
    if links and rng.random() < 0.15:
        i = rng.randrange(len(words) - 1)
        words[i : i + 2] = [f"[{words[i]} {words[i + 1]}]({rng.choice(links)})"]
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".?.!")


def body(rng: random.Random, links: list[str]) -> str:
    parts: list[str] = []
    words = 0
    while words < 900:
        if parts and rng.random() < 0.2:
            parts.append("## " + sentence(rng, [], 3, 7).rstrip(".?!"))
        if parts and rng.random() < 0.1:
            marker = rng.choice(["-", "*", "1."])
            parts.append("\n".join(f"{marker} {sentence(rng, links, 4, 12)}" for _ in range(rng.randint(3, 6))))
        if parts and rng.random() < 0.08:
            parts.append("> " + sentence(rng, [], 12, 25) + "\n>\n> -- " + rng.choice(WORDS).title())
        paragraph = " ".join(sentence(rng, links) for _ in range(rng.randint(3, 6)))
        parts.append(paragraph)
        words += len(paragraph.split())
    return "\n\n".join(parts) + "\n"


def q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--images", action="store_true", help="write small local hero images (needs Pillow)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    root: Path = args.outdir
    content = root / "content"
    for folder in ("sections", "authors", "articles", "images"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    (root / "magsite.yaml").write_text(
        "title: Bench Defense Review\nbase_url: https://bench.example/\ntimezone: UTC\nper_page: 20\nsearch: false\n"
    )
    for i, section in enumerate(SECTIONS):
        title = section.replace("-", " ").title()
        (content / "sections" / f"{section}.md").write_text(
            f"---\ntitle: {q(title)}\ndescription: {q(title + ' news and analysis')}\norder: {i}\n---\n"
            f"Coverage of {title.lower()}.\n"
        )
    authors: list[str] = []
    while len(authors) < 60:
        name = f"{rng.choice(FIRST)}-{rng.choice(LAST)}"
        if name not in authors:
            authors.append(name)
    for author in authors:
        full = author.replace("-", " ").title()
        (content / "authors" / f"{author}.md").write_text(
            f"---\nname: {q(full)}\nrole: Staff writer\n---\n{full} covers defense for the magazine.\n"
        )
    tags: list[str] = []
    long_words = [w for w in WORDS if len(w) > 4]
    while len(tags) < 300:
        tag = f"{rng.choice(long_words)} {rng.choice(long_words)}".title()
        if tag not in tags:
            tags.append(tag)
    start = datetime(2019, 1, 1, tzinfo=UTC)
    metas = []
    for i in range(args.n):
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 10))).title()
        slug = f"story-{i:06d}"
        section = rng.choice(SECTIONS)
        folder = f"{2019 + i * 7 // max(args.n, 1)}/{i % 12 + 1:02d}"
        date = start + timedelta(seconds=rng.randrange(7 * 365 * 86400))
        metas.append((slug, title, section, folder, date))
    urls = [f"/{section}/{slug}/" for slug, _, section, _, _ in metas]
    for i, (slug, title, section, folder, date) in enumerate(metas):
        links = [rng.choice(urls), rng.choice(urls), "https://www.defense.gov/News/"]
        if i > 0:
            other = metas[rng.randrange(i)]
            links.append(f"../../{other[3]}/{other[0]}.md")  # a relative link to another article's file
        image = f"images/{i % 50:02d}.jpg" if args.images else f"https://images.bench.example/{slug}.jpg"
        front = (
            f"---\ntitle: {q(title)}\n"
            f"dek: {q(sentence(rng, [], 14, 28))}\n"
            f"author: {rng.choice(authors)}\nsection: {section}\n"
            f"date: {date.isoformat()}\n"
            f"tags: [{', '.join(q(t) for t in rng.sample(tags, rng.randint(2, 5)))}]\n"
            f"image:\n  src: {image}\n  alt: {q(sentence(rng, [], 4, 8).rstrip('.?!'))}\n"
            f"  caption: {q(sentence(rng, [], 6, 12))}\n  credit: Staff photo\n---\n"
        )
        path = content / "articles" / folder / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(front + body(rng, links))
    if args.images:
        from PIL import Image

        for i in range(min(50, args.n)):
            Image.new("RGB", (1600, 900), (20 + i * 4, 40, 60)).save(content / "images" / f"{i:02d}.jpg", quality=70)
    print(f"wrote {args.n} articles to {root}")


if __name__ == "__main__":
    main()
