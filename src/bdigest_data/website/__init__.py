"""A static site of the package: data card, evidence reader, tables and charts.

``site(out)`` (and ``bdigest-data site OUT``) writes, into the directory ``out``:

- ``index.html``: what the dataset is, each table (rows, grain, links), version, licence,
  citation (text and BibTeX) and coverage per article;
- ``articles/<source_id>.html``: each article with every fact row's quote highlighted;
  the element with ``id`` equal to a row's primary key is its highlight;
- ``tables/<table>.html``: every table, sortable and filterable, each fact row linking to
  its highlight (and ``<tr id=...>`` for the highlight to link back to);
- ``<table>/<id>.html`` for every row of a lookup table that facts point to (actors,
  persons, places): the facts it appears in;
- ``charts.html`` and ``charts/*.svg``: static charts drawn at build time (matplotlib, the
  ``site`` extra), each with a caption, a text alternative and links to its rows;
- ``codebook.html`` and ``reliability.html``: the package's codebook and reliability
  report (``docs/``), rendered with raw HTML off, linked from every table page and fact card;
- ``dictionary.html`` and ``assets/`` (one stylesheet, one small script; nothing is
  fetched from elsewhere, so the site works from ``file://`` and any static host).

As with exports, the package is validated first and an invalid one builds nothing; an
existing ``out`` is replaced only with ``force`` and only if it is empty or an earlier
site (it holds the marker file ``.bdigest-site``). The site is written to a temporary
directory beside ``out`` (``.bdigest-site-*``) and moved into place when complete; one
left by a build that was killed is removed by the next build (:mod:`bdigest_data.staging`).
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from bdigest_data.staging import OutputExists, output_folder, staging

if TYPE_CHECKING:
    from bdigest_data.website.charts import Painter
    from bdigest_data.website.content import SiteData

MARKER = ".bdigest-site"
ASSETS = ("site.css", "site.js")


def _check_target(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"{out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise OutputExists([out])
        if not (out / MARKER).is_file():
            raise FileExistsError(f"{out} is not empty and is not a bdigest-data site (no "
                                  f"{MARKER}); refusing to replace it")


def site(out: str | Path, *, force: bool = False, path: str | Path | None = None) -> Path:
    """Build the site of the package at ``path`` (default: the installed one) into ``out``.

    Returns ``out``. Raises ``FileExistsError`` when ``out`` exists (without ``force``, or
    when it is not an earlier site), ``FileNotFoundError`` when its folder does not exist
    (it is not created), ``ValueError`` when it names no folder of its own (``.``),
    ``bdigest_data.ValidationError`` when the package is
    invalid, ``ImportError`` when the ``site`` extra (markdown-it-py) is missing.
    """
    out = output_folder(out, what="site", one_file=False)
    _check_target(out, force)
    from bdigest_data.website import charts, content

    with charts.Painter() as painter:  # imports matplotlib meanwhile, in a child process
        data = content.read(path)  # validates: nothing is written for an invalid package
        with staging(out.parent, ".bdigest-site-") as tmp:
            staged = tmp / "site"
            _write(data, staged, painter)
            if out.exists():
                out.rename(tmp / "old")
            staged.rename(out)
    return out


def _write(data: SiteData, root: Path, painter: Painter) -> None:
    from bdigest_data.website import charts, pages
    from bdigest_data.website.content import slug
    from bdigest_data.website.coverage import per_article
    from bdigest_data.website.reader import ArticleRenderer

    files: dict[str, str] = {}
    drawn = painter.paint(data)  # the child draws them while the pages are written
    files["charts.html"] = charts.page(data, drawn)
    files["index.html"] = pages.index(data, per_article(data.root), drawn)
    files["dictionary.html"] = pages.dictionary(data)
    for doc in data.documents:
        files[doc.page] = pages.document_page(data, doc)
    files["tables/index.html"] = pages.tables_index(data)
    for table in data.tables.values():
        files[f"tables/{table.name}.html"] = pages.table_page(data, table)
    renderer = ArticleRenderer()
    for article in data.articles.values():
        files[f"articles/{slug(article.source_id)}.html"] = pages.article_page(
            data, article, renderer)
    for table in data.entities:
        for i, rid in enumerate(table.ids):
            files[f"{table.name}/{slug(rid)}.html"] = pages.entity_page(data, table, i)
    for name, html in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    assets = root / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    for name in ASSETS:
        with resources.as_file(resources.files(__package__) / "assets" / name) as src:
            shutil.copyfile(src, assets / name)
    painter.finish(root / "charts")
    (root / MARKER).write_text(f"bdigest-data {data.package.version}\n", encoding="utf-8")
    (root / ".nojekyll").write_text("", encoding="utf-8")  # GitHub Pages: serve as is
