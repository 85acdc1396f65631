"""The page frame every site page shares, and small HTML helpers."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bdigest_data.website.content import SiteData

NAV = (("index.html", "Overview"), ("tables/index.html", "Tables"),
       ("charts.html", "Charts"), ("dictionary.html", "Data dictionary"))


def esc(value: object) -> str:
    """``value`` as HTML text (quotes escaped too, so it is safe in attributes)."""
    return html.escape(str(value), quote=True)


def a(href: str, label: str, **attrs: str) -> str:
    """A link; ``label`` is HTML (escape it first), attribute values are escaped here."""
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
