"""Evidence anchors: where each fact row's quote stands in its seed file.

One anchor per fact row, found by the validator's matching (``text.evidence.places``: the
quote and the article normalised alike, the match mapped back to the raw seed file), so the
annotations export and the site's row cards point at exactly the text the validator
accepted. ``start``/``end`` are character offsets (Unicode code points) of the raw seed
file, ``exact`` is the seed text between them, ``prefix`` and ``suffix`` the up to
``CONTEXT`` characters around it. A quote that is not in its article, or is in it more than
once (``ambiguous-quote``), has no anchor: ``anchors`` raises instead of picking one.
"""

from __future__ import annotations

from dataclasses import dataclass

from bdigest_data.loader.package import ExportPackage, ExportTable
from bdigest_data.loader.values import column_values
from bdigest_data.metadata import roles
from bdigest_data.text.evidence import Article, places, read_articles, source_columns

CONTEXT = 32  # characters of prefix and suffix


@dataclass(frozen=True)
class Anchor:
    """The evidence of one fact row in its seed file."""

    table: str
    row_id: str
    source_id: str
    seed_file: str  # the path inside the package
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def row_ids(table: ExportTable) -> list[str]:
    """Each row's id: its primary key's value (several joined by ``~``)."""
    keys = [column_values(table.frame[k], "string") for k in table.primary_key]
    return ["~".join(map(str, values)) for values in zip(*keys, strict=True)]


def _articles(pkg: ExportPackage) -> tuple[dict[str, Article], dict[str, str]]:
    """The articles by source id and the seed files read (only a seed file the descriptor
    declares is read)."""
    sources = next((t for t in pkg.tables if t.model.role == roles.SOURCES), None)
    cols = source_columns(sources.model) if sources is not None else None
    seeds: dict[str, str] = {}
    if sources is None or cols is None:
        return {}, seeds
    declared = {r.get("path") for r in pkg.descriptor.get("resources", [])}
    kinds = {c.name: c.kind for c in sources.columns}
    values = [column_values(sources.frame[c], kinds[c]) for c in cols]

    def text(relpath: str) -> str:
        if relpath not in seeds:
            if relpath not in declared:
                raise OSError(f"{relpath!r} is not a resource of the package")
            seeds[relpath] = pkg.files.read_text(relpath, what=f"{sources.name} seed file")
        return seeds[relpath]

    return read_articles(zip(*values, strict=True), text), seeds


def anchors(pkg: ExportPackage) -> list[Anchor]:
    """The anchor of every fact row, table by table in package order, rows in order.

    Raises ``ValueError`` naming the row when a quote has no single place in its article
    (the validator reports it as ``quote-not-found`` or ``ambiguous-quote``; nothing is
    re-attached to a lookalike passage).
    """
    arts, seeds = _articles(pkg)
    out: list[Anchor] = []
    for table in pkg.tables:
        if table.model.role != roles.FACTS:
            continue
        ids = row_ids(table)
        quotes = column_values(table.frame["quote"], "string")
        sources = column_values(table.frame["source_id"], "string")
        for rid, quote, sid in zip(ids, quotes, sources, strict=True):
            article = arts.get(sid) if sid else None
            found = places(article, quote) if article is not None and quote else []
            if article is None or len(found) != 1:
                why = "occurs more than once in" if found else "is not in"
                raise ValueError(f"table {table.name!r} row {rid!r}: its quote {why} article "
                                 f"{sid!r}, so it has no evidence anchor")
            (start, end), seed = found[0], seeds[article.seed_file]
            out.append(Anchor(table.name, rid, sid, article.seed_file, start, end,
                              seed[start:end], seed[max(0, start - CONTEXT):start],
                              seed[end:end + CONTEXT]))
    return out
