"""The page frame every site page shares, and the one path by which text becomes HTML.

Every page writes text into HTML only through :func:`esc` (text and attribute values),
:func:`a` (links, whose target must pass :func:`safe_url`) and :func:`code`; the article
reader renders its Markdown with raw HTML disabled and its text pieces through :func:`esc`
too. Package text (titles, descriptions, cells, notes) is never read as Markdown or HTML:
``<b>``, ``&amp;`` and quotes show as written.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bdigest_data.website.content import SiteData

NAV = (("index.html", "Overview"), ("tables/index.html", "Tables"),
       ("charts.html", "Charts"), ("dictionary.html", "Data dictionary"),
       ("codebook.html", "Codebook"), ("reliability.html", "Reliability"))


def esc(value: object) -> str:
    """``value`` as HTML text (quotes escaped too, so it is safe in attributes)."""
    return html.escape(str(value), quote=True)


def code(value: object) -> str:
    """``value`` as inline code."""
    return f"<code>{esc(value)}</code>"


def phrase(parts: Iterable[object]) -> str:
    """A run of text as HTML (``bdigest_data.dictionary.Phrase``): strings escaped, ``Code``
    as code and ``Emph`` emphasised."""
    from bdigest_data.dictionary import Code, Emph

    return "".join(code(p.text) if isinstance(p, Code) else f"<em>{esc(p.text)}</em>"
                   if isinstance(p, Emph) else esc(p) for p in parts)


# a URL's scheme, once a browser has dropped tabs and newlines and trimmed controls and spaces
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_C0_SPACE = "".join(map(chr, range(0x21)))
SCHEMES = ("http", "https")


def safe_url(url: str) -> bool:
    """Whether ``url`` is a relative link or an ``http(s):`` one (as a browser reads it:
    ``java\tscript:`` and `` javascript:`` are ``javascript:`` links and refused)."""
    scheme = _SCHEME.match(_TAB_NEWLINE.sub("", url).strip(_C0_SPACE))
    return scheme is None or scheme.group(1).lower() in SCHEMES


def a(href: str, label: str, **attrs: str) -> str:
    """A link; ``label`` is HTML (escape it first), attribute values are escaped here.

    A target that is neither relative nor ``http(s):`` (:func:`safe_url`) is no link:
    only ``label`` is written."""
    if not safe_url(href):
        return label
    extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items())
    return f'<a href="{esc(href)}"{extra}>{label}</a>'


def rel(depth: int) -> str:
    """The prefix from a page ``depth`` folders deep back to the site root."""
    return "../" * depth


def page(title: str, body: str, *, depth: int, version: str, licence: str,
         scripts: Iterable[str] = ("site.js",), current: str = "") -> str:
    """A whole HTML document: head, navigation, ``body`` in ``<main>``, footer."""
    root = rel(depth)
    nav = " ".join(
        a(root + href, esc(label), aria_current="page") if href == current
        else a(root + href, esc(label)) for href, label in NAV)
    js = "".join(f'<script src="{root}assets/{esc(s)}"></script>' for s in scripts)
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)} · bdigest-data {esc(version)}</title>\n"
        f'<link rel="stylesheet" href="{root}assets/site.css">\n</head>\n<body>\n'
        '<a class="skip" href="#main">Skip to content</a>\n'
        f'<header><nav aria-label="Site">{a(root + "index.html", "bdigest-data", class_="brand")}'
        f' <span class="version">{esc(version)}</span> {nav}</nav></header>\n'
        f'<main id="main">\n{body}\n</main>\n'
        f"<footer><p>bdigest-data {esc(version)} · {licence} · built from the "
        "package's validated tables and its source articles.</p></footer>\n"
        f"{js}\n</body>\n</html>\n"
    )


def site_page(data: SiteData, title: str, body: str, depth: int, current: str = "") -> str:
    """:func:`page` with the package's version and licence (linked) in the frame."""
    pkg = data.package
    lic = pkg.license
    licence = (a(lic["path"], esc(lic.get("name", "")), rel="license") if lic.get("path")
               else esc(lic.get("name", "")))
    return page(title, body, depth=depth, version=pkg.version, licence=licence, current=current)
