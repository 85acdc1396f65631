"""How to cite the dataset (``cite``) and the source article behind one row (``cite_row``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bdigest_data.metadata import files_of, roles, written
from bdigest_data.metadata.citation import apa
from bdigest_data.metadata.files import PackageFiles
from bdigest_data.release.metadata import CFF_FILE, Article, articles, cff_dict
from bdigest_data.release.package import PackageDir

FORMATS = ("text", "bibtex", "apa", "cff", "csl-json")
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_BIBTEX_SPECIAL = {c: "\\" + c for c in "&%$#_{}"} | {"~": r"\textasciitilde{}",
                                                      "^": r"\textasciicircum{}",
                                                      "\\": r"\textbackslash{}"}


def _root(path: str | Path | None) -> Path:
    """The package directory of ``path`` (``PackageFileError`` when it holds no package)."""
    return files_of(path).root


def _authors(cff: dict[str, Any]) -> str:
    return " and ".join(a["name"] for a in cff["authors"])


def _year(cff: dict[str, Any]) -> str:
    return cff["date-released"][:4]


def _text(cff: dict[str, Any], sources: list[Article]) -> str:
    lines = [
        f"{_authors(cff)} ({_year(cff)}). {cff['title']} (version {cff['version']}, released "
        f"{cff['date-released']}) [Data set]. Licence: {cff['license']}.",
        "",
        "Compiled from these articles (the texts carry no dates; the dates are inferred):",
    ]
    return "\n".join(lines + [f"- {a.reference()}" for a in sources]) + "\n"


def _apa(cff: dict[str, Any], sources: list[Article]) -> str:
    return apa([a["name"] for a in cff["authors"]], cff["date-released"], cff["title"],
               cff["version"]) + "\n"


def _bibtex_escape(value: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(c, c) for c in value)


def _bibtex(cff: dict[str, Any], sources: list[Article]) -> str:
    years = sorted(a.year for a in sources)
    span = f" ({years[0]}--{years[-1]})" if years else ""
    fields = {
        "author": "{" + " and ".join("{" + _bibtex_escape(a["name"]) + "}"
                                    for a in cff["authors"]) + "}",
        "title": "{{" + _bibtex_escape(cff["title"]) + "}}",
        "year": "{" + _year(cff) + "}",
        "month": _MONTHS[int(cff["date-released"][5:7]) - 1],
        "version": "{" + cff["version"] + "}",
        "howpublished": "{Data set, version " + cff["version"] + "}",
        "note": "{" + _bibtex_escape(
            f"Released {cff['date-released']}. Licence {cff['license']}. Compiled from "
            f"{len(sources)} Belarus Digest articles{span}; the article texts remain the "
            "publisher's.") + "}",
        "keywords": "{" + _bibtex_escape(", ".join(cff["keywords"])) + "}",
    }
    body = ",\n".join(f"  {k} = {v}" for k, v in fields.items())
    return f"@misc{{bdigest-data-{cff['version']},\n{body}\n}}\n"


def _csl_json(cff: dict[str, Any], sources: list[Article]) -> str:
    item = {
        "id": f"bdigest-data-{cff['version']}",
        "type": "dataset",
        "title": cff["title"],
        "author": [{"literal": a["name"]} for a in cff["authors"]],
        "issued": {"date-parts": [[int(p) for p in cff["date-released"].split("-")]]},
        "version": cff["version"],
        "abstract": cff["abstract"],
        "keyword": ", ".join(cff["keywords"]),
        "license": cff["license"],
    }
    return json.dumps([item], indent=2, ensure_ascii=False) + "\n"


_FORMATTERS: dict[str, Callable[[dict[str, Any], list[Article]], str]] = {
    "text": _text, "apa": _apa, "bibtex": _bibtex, "csl-json": _csl_json,
}


def cite(format: str = "text", path: str | Path | None = None) -> str:
    """How to cite the dataset: ``text``, ``bibtex``, ``apa``, ``cff`` or ``csl-json``.

    ``path`` is a package directory (default: the installed package). ``cff`` returns the
    package's ``CITATION.cff``; the other formats are built from the same metadata.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown citation format {format!r}; choose one of {', '.join(FORMATS)}")
    root = _root(path)
    if format == "cff":  # read by the package reader, as every other file
        return PackageFiles(root).read_text(CFF_FILE)
    return _FORMATTERS[format](cff_dict(root), articles(PackageDir(root)))


@dataclass(frozen=True)
class RowCitation:
    """The source article of one row, with the row's verbatim quote when it has one."""

    table: str
    row_id: str
    article: Article
    quote: str | None

    def __str__(self) -> str:
        text = f"{self.table} {self.row_id}: {self.article.reference()}"
        return text + (f' Quote: "{self.quote}"' if self.quote else "")

    def render(self, format: str = "text") -> str:
        """The citation in ``format``, one of ``ROW_FORMATS`` (``cff`` describes only the
        dataset), ending with a newline."""
        if format not in ROW_FORMATS:
            raise ValueError(f"a row's article cannot be cited as {format!r}; choose one of "
                             f"{', '.join(ROW_FORMATS)}")
        return _ROW_FORMATTERS[format](self)


def _row_text(c: RowCitation) -> str:
    return f"{c}\n"


def _row_note(c: RowCitation) -> str:
    note = f"Publication date {c.article.published} (EDTF) inferred from the text."
    return note + (f" {c.table} {c.row_id} quotes: \u201c{c.quote}\u201d" if c.quote else "")


def _row_apa(c: RowCitation) -> str:
    title = c.article.title if c.article.title.endswith((".", "?", "!")) else c.article.title + "."
    return f"{c.article.publisher}. ({c.article.published}). {title} {c.article.publisher}.\n"


def _row_bibtex(c: RowCitation) -> str:
    fields = {
        "author": "{{" + _bibtex_escape(c.article.publisher) + "}}",
        "title": "{{" + _bibtex_escape(c.article.title) + "}}",
        "journal": "{" + _bibtex_escape(c.article.publisher) + "}",
        "year": "{" + str(c.article.year) + "}",
        "note": "{" + _bibtex_escape(_row_note(c)) + "}",
    }
    body = ",\n".join(f"  {k} = {v}" for k, v in fields.items())
    return f"@article{{{c.article.source_id},\n{body}\n}}\n"


def _row_csl_json(c: RowCitation) -> str:
    item = {
        "id": c.article.source_id,
        "type": "article-newspaper",
        "title": c.article.title,
        "author": [{"literal": c.article.publisher}],
        "container-title": c.article.publisher,
        "issued": {"date-parts": [[c.article.year]]},
        "note": _row_note(c),
    }
    return json.dumps([item], indent=2, ensure_ascii=False) + "\n"


ROW_FORMATS = ("text", "bibtex", "apa", "csl-json")
_ROW_FORMATTERS: dict[str, Callable[[RowCitation], str]] = {
    "text": _row_text, "bibtex": _row_bibtex, "apa": _row_apa, "csl-json": _row_csl_json,
}


def _source_field(schema: dict[str, Any]) -> str | None:
    """The field of ``schema`` (as written, ``metadata.written``) that is a foreign key to
    the sources table."""
    return next((fk.fields[0] for fk in written.foreign_keys(schema)
                 if fk.resource == roles.SOURCES), None)


def cite_row(table: str, row_id: str, path: str | Path | None = None) -> RowCitation:
    """The source article (title, publisher, inferred date) of row ``row_id`` of ``table``.

    ``KeyError`` names the valid tables, or the table and id when there is no such row;
    ``ValueError`` when the table's rows have no source article (e.g. ``actors``).
    """
    pkg = PackageDir(_root(path))
    if table not in pkg.resources or not pkg.resources[table].get("schema"):
        tables = [n for n, r in pkg.resources.items() if r.get("schema")]
        raise KeyError(f"no table {table!r}; the tables are: {', '.join(tables)}")
    keyed = pkg.rows(table)
    row = keyed.rows.get((row_id,))
    if row is None:
        raise KeyError(f"no row {row_id!r} in table {table!r} (primary key "
                       f"{', '.join(keyed.key_fields)})")
    sources = {a.source_id: a for a in articles(pkg)}
    if table == roles.SOURCES:
        return RowCitation(table, row_id, sources[row_id], None)
    source_field = _source_field(pkg.schema(table) or {})
    if source_field is None:
        raise ValueError(f"rows of table {table!r} have no source article "
                         "(no foreign key to sources)")
    source_id = row[source_field]
    if source_id not in sources:
        raise KeyError(f"table {table!r} row {row_id!r}: {source_field} {source_id!r} "
                       "is not in the sources table")
    return RowCitation(table, row_id, sources[source_id], row.get("quote") or None)
