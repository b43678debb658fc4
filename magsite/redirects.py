"""The `_redirects` file for Netlify-style hosts: 301 for every alias, 410 Gone for every expired article."""

from __future__ import annotations

from urllib.parse import quote

from magsite.model import Site

_SAFE = "/%:@$&'()*+,;=~-._"


def redirects_file(site: Site) -> bytes:
    """One rule per line, forced (`!`) because an HTML stub or notice page sits at each of these paths."""
    base = site.config.base_path
    lines = ["# Written by magsite. Old URLs (aliases) redirect for good; expired articles answer 410 Gone."]
    for alias, target in site.aliases.items():
        path, _, query = alias.partition("?")
        source = quote(base + path, safe=_SAFE) + "".join(f" {q}" for q in query.split("&") if q)
        lines.append(f"{source} {quote(base + target, safe=_SAFE)} 301!")
    for url in site.gone:
        path = quote(base + url, safe=_SAFE)
        lines.append(f"{path} {path}index.html 410!")
    return ("\n".join(lines) + "\n").encode()
