"""Compare an independent second coding of the articles with the fact tables, or with
another coding.

    python scripts/compare_codings.py CODING_DIR [CODING_DIR ...] [--package DIR]
        [--reference CODING_DIR] [--markdown FILE] [--disagreements FILE] [--json]

Input: each CODING_DIR is one coder's work, one CSV file per fact table, named after the
table (``arms_exports.csv``, ``trade.csv``, ``visits.csv``, ``rankings.csv``,
``political_prisoners.csv``, ``participants.csv`` …; a table the coder found nothing for
may be absent or hold only a header). Files are UTF-8, comma-separated, with a header row
naming the table's columns as in docs/data-dictionary.md: any subset, in any order;
unknown columns are ignored and a column the coder left out is simply not compared.
Every file needs ``source_id`` (the article) and ``quote`` (verbatim text of the article
holding the fact). Values use the data dictionary's codes: ISO 3166-1 alpha-3 states,
``org:…`` organisations, ``per:…`` persons, enum values, EDTF dates (``2016-11-11``,
``2013``, ``2009/2013``, ``2011-22``), numbers with a ``.`` decimal point. The coder's own
row ids may be anything.

Reference: the tables of the package, or with ``--reference CODING_DIR`` another coding
(coder against coder, for the agreement between the coders themselves). The method is the
same; "the reference" below is the tables or that coding, and a column is compared only
when both the reference and the coding have it. The package still gives the schemas and
the sentences.

Matching: within one table and one article, a coder row and a table row are candidates
when their quotes overlap the same sentences of ``data/sentences.csv`` (a quote that is
not verbatim is placed by its words: a sentence is overlapped when at least 60% of the
shorter one's words are shared). Candidates are paired one-to-one, best first: most
agreeing compared fields, then most shared sentences. Rows left over are then paired when
they are of the same article and at least 90% of their compared fields agree: the same fact
quoted from another sentence (counted apart as "other sentence").

Figures, per table and coder: rows in the reference and in the coding, matched; recall
(matched / reference rows) and precision (matched / coder rows). Over the matched rows:
exact agreement for values (number fields), units (unit, scale, currency) and dates (EDTF
and date fields), and percent agreement for each categorical field (an enum, or a
reference to a lookup table such as actors, persons or places), with Cohen's kappa for
every field that has categories (an empty cell is a category of its own; kappa is
undefined, —, when both codings use one category throughout).

``--markdown`` writes the report as a Markdown section (for docs/reliability.md),
``--disagreements`` a CSV of every missed row (a reference row no coder row matches), extra
row and differing field, to resolve one by one; ``--json`` prints the figures as JSON
instead of text.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bdigest_data import metadata
from bdigest_data.metadata.classes import Field, TableSchema
from bdigest_data.text.evidence import articles, normalise
from bdigest_data.validation.checks.coverage.units import Unit, units
from bdigest_data.validation.checks.structure.structure import read_table
from bdigest_data.validation.context import PackageData

ROOT = Path(__file__).resolve().parents[1]
WORD_SHARE = 0.6  # share of words a non-verbatim quote must have in common with a sentence
EMPTY = "∅"
TABLES = "tables"  # the name of the reference when it is the package's tables
UNITS = ("unit", "scale", "currency")  # the unit convention's fields, compared exactly
ELSEWHERE = 0.9  # share of compared fields that must agree to match rows of other sentences
_WORD = re.compile(r"\w+")


# --- reading -------------------------------------------------------------------------------


@dataclass
class Row:
    """One fact row (ours or a coder's): its cells as text and the sentences it covers."""

    rid: str
    source_id: str
    quote: str
    cells: dict[str, str]
    sentences: frozenset[str] = frozenset()
    verbatim: bool = True


def read_csv(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    return [{k.strip(): (v or "").strip() for k, v in r.items() if k}
            for r in csv.DictReader(io.StringIO(text, newline=""))]


class Package:
    """Our package: the fact schemas, their rows, and every article's sentences."""

    def __init__(self, root: Path) -> None:
        files = metadata.files_of(root)
        self.model = metadata.package(files)
        self.root = root
        pkg = PackageData(files, self.model)
        for name, schema in self.model.tables.items():
            data = read_table(name, files.path(self.model.by_name[name].path), schema,
                              keep=None, limit=None).data
            if data is not None:
                pkg.tables[name] = data
        self.articles = articles(pkg)
        self.units: dict[str, list[Unit]] = units(pkg)[0]
        self.facts = self.model.fact_tables

    def schema(self, table: str) -> TableSchema:
        found = self.model.schema(table)
        assert found is not None
        return found

    def rows(self, table: str) -> list[Row]:
        return self.coded(table, read_csv(self.root / self.model.by_name[table].path))

    def coded(self, table: str, records: list[dict[str, str]]) -> list[Row]:
        """``records`` of ``table`` (ours or a coder's) as placed rows; a row without an id
        is named by its position (``#1``)."""
        key = (self.schema(table).primary_key or ["quote"])[0]
        return [self.place(Row(r.get(key, "") or f"#{i + 1}", r.get("source_id", ""),
                               r.get("quote", ""), r))
                for i, r in enumerate(records)]

    def place(self, row: Row) -> Row:
        """``row`` with the sentences its quote overlaps."""
        article = self.articles.get(row.source_id)
        mine = self.units.get(row.source_id, [])
        if article is None or not row.quote:
            return row
        text = article.mapped[0]
        quote = normalise(row.quote)
        spans = [(i, i + len(quote)) for i in _occurrences(text, quote)]
        if spans:
            row.sentences = frozenset(u.sentence_id for u in mine
                                      if any(a < u.hi and u.lo < b for a, b in spans))
            return row
        words = set(_WORD.findall(quote.lower()))
        row.verbatim = False
        row.sentences = frozenset(
            u.sentence_id for u in mine
            if (shared := words & set(_WORD.findall(u.text.lower())))
            and len(shared) >= WORD_SHARE * min(len(words), len(set(_WORD.findall(
                u.text.lower())))))
        return row


def _occurrences(text: str, needle: str) -> list[int]:
    hits, i = [], text.find(needle)
    while needle and i >= 0:
        hits.append(i)
        i = text.find(needle, i + 1)
    return hits


# --- which fields are compared, and how ------------------------------------------------------


def reference(pkg: Package, table: str, f: Field) -> bool:
    """Whether ``f`` refers to a lookup table (actors, persons, places: not a fact table,
    not the sources)."""
    lookups = set(pkg.model.table_names) - set(pkg.facts) - {pkg.model.table_with_role(
        "sources"), table}
    return any(f.name in fk.fields and fk.target(table) in lookups
               for fk in pkg.schema(table).foreignKeys)


def kind_of(pkg: Package, table: str, f: Field) -> tuple[str | None, bool]:
    """How ``f`` is compared — ``unit``, ``date``, ``value`` (exactly), ``categorical`` or
    not at all (``None``) — and whether it has categories (for kappa)."""
    categories = bool(f.category_values) or reference(pkg, table, f)
    if f.name in UNITS:
        return "unit", categories
    if f.edtf or f.info.kind == "date":  # the model's kind of the field's type
        return "date", False
    if categories:
        return "categorical", True
    if f.info.kind in ("number", "integer"):
        return "value", False
    return None, False


def same(kind: str | None, a: str, b: str) -> bool:
    if kind == "value" and a and b:
        try:
            x, y = float(a), float(b)
        except ValueError:
            return a == b
        return abs(x - y) <= 1e-6 * max(1.0, abs(x), abs(y))
    return a == b


def kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two codings of the same items; ``None`` when undefined (both
    coders used one and the same category throughout)."""
    n = len(pairs)
    if not n:
        return None
    observed = sum(a == b for a, b in pairs) / n
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(left[c] * right[c] for c in left) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


# --- comparing ---------------------------------------------------------------------------------


@dataclass
class FieldAgreement:
    field: str
    kind: str  # categorical, value, unit, date
    n: int
    agree: int
    kappa: float | None = None

    @property
    def percent(self) -> float | None:
        return 100 * self.agree / self.n if self.n else None


@dataclass
class TableResult:
    table: str
    ours: int
    theirs: int
    matched: int
    not_verbatim: int
    other_sentence: int  # of the matched: the same fact quoted from another sentence
    fields: list[FieldAgreement] = field(default_factory=list)
    missed: list[Row] = field(default_factory=list)  # ours, no coder row
    extra: list[Row] = field(default_factory=list)  # the coder's, no row of ours
    differences: list[tuple[Row, Row, str]] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        return self.matched / self.ours if self.ours else None

    @property
    def precision(self) -> float | None:
        return self.matched / self.theirs if self.theirs else None


def compare_table(pkg: Package, table: str, coded: list[dict[str, str]],
                  reference: list[dict[str, str]] | None = None) -> TableResult:
    """``coded`` rows of ``table`` against the tables' rows, or against ``reference`` (the
    rows of another coding)."""
    schema = pkg.schema(table)
    ours = pkg.rows(table) if reference is None else pkg.coded(table, reference)
    theirs = pkg.coded(table, coded)
    columns = (set().union(*(r.cells for r in theirs)) if theirs else set()) \
        & (set().union(*(r.cells for r in ours)) if ours else set())
    compared = [(f.name, *kind_of(pkg, table, f)) for f in schema.fields
                if f.name in columns and f.name != "source_id"]
    compared = [c for c in compared if c[1]]

    def score(a: Row, b: Row) -> tuple[int, int]:
        agree = sum(same(k, a.cells.get(n, ""), b.cells.get(n, "")) for n, k, _ in compared)
        return agree, len(a.sentences & b.sentences)

    candidates = sorted(((score(a, b), i, j) for i, a in enumerate(ours)
                         for j, b in enumerate(theirs)
                         if a.source_id == b.source_id and a.sentences & b.sentences),
                        key=lambda c: (-c[0][0], -c[0][1], c[1], c[2]))
    pairs: list[tuple[Row, Row]] = []
    used_ours: set[int] = set()
    used_theirs: set[int] = set()
    for _, i, j in candidates:
        if i not in used_ours and j not in used_theirs:
            used_ours.add(i)
            used_theirs.add(j)
            pairs.append((ours[i], theirs[j]))
    # second pass: the same fact quoted from another sentence of the article, recognised by
    # (nearly) all compared fields agreeing
    elsewhere = sorted(((score(a, b)[0], i, j) for i, a in enumerate(ours)
                        for j, b in enumerate(theirs)
                        if i not in used_ours and j not in used_theirs
                        and a.source_id == b.source_id and compared), reverse=True)
    other = 0
    for agree, i, j in elsewhere:
        if agree >= ELSEWHERE * len(compared) and i not in used_ours and j not in used_theirs:
            used_ours.add(i)
            used_theirs.add(j)
            pairs.append((ours[i], theirs[j]))
            other += 1
    pairs.sort(key=lambda p: ours.index(p[0]))
    result = TableResult(table, len(ours), len(theirs), len(pairs),
                         sum(not r.verbatim for r in theirs), other,
                         missed=[r for i, r in enumerate(ours) if i not in used_ours],
                         extra=[r for j, r in enumerate(theirs) if j not in used_theirs])
    for name, kind, has_categories in compared:
        values = [(a.cells.get(name, "") or EMPTY, b.cells.get(name, "") or EMPTY)
                  for a, b in pairs]
        agree = sum(same(kind, x, y) for x, y in values)
        result.fields.append(FieldAgreement(
            name, kind if kind == "categorical" else f"exact {kind}", len(values), agree,
            kappa(values) if has_categories else None))
        result.differences += [(a, b, name) for a, b in pairs
                               if not same(kind, a.cells.get(name, ""), b.cells.get(name, ""))]
    result.differences.sort(key=lambda d: ours.index(d[0]))
    return result


def read_coding(coding: Path, table: str) -> list[dict[str, str]]:
    """A coder's rows of ``table`` (none when the file is absent)."""
    path = coding / f"{table}.csv"
    coded = read_csv(path) if path.is_file() else []
    if coded and not {"source_id", "quote"} <= set(coded[0]):
        raise ValueError(f"{path}: the columns source_id and quote are required")
    return coded


def compare(pkg: Package, coding: Path, reference: Path | None = None) -> list[TableResult]:
    """``coding`` against the tables, or against the coding ``reference``."""
    return [compare_table(pkg, table, read_coding(coding, table),
                          None if reference is None else read_coding(reference, table))
            for table in pkg.facts]


# --- reporting ---------------------------------------------------------------------------------


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


def num(x: float | None, digits: int = 2) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def pooled(results: list[TableResult]) -> tuple[int, int, int]:
    return (sum(r.ours for r in results), sum(r.theirs for r in results),
            sum(r.matched for r in results))


def markdown(coder: str, results: list[TableResult], reference: str = TABLES) -> str:
    ours, theirs, matched = pooled(results)
    title = f"### Coder `{coder}`" if reference == TABLES \
        else f"### Coder `{coder}` against coder `{reference}`"
    lines = [title, "",
             f"| table | rows ({reference}) | rows ({coder}) | matched | of which from "
             "another sentence | recall | precision | coder quotes not verbatim |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r.table} | {r.ours} | {r.theirs} | {r.matched} | "
                     f"{r.other_sentence} | {pct(r.recall)} | {pct(r.precision)} | "
                     f"{r.not_verbatim} |")
    lines.append(f"| **all** | {ours} | {theirs} | {matched} | "
                 f"{sum(r.other_sentence for r in results)} | "
                 f"{pct(matched / ours if ours else None)} | "
                 f"{pct(matched / theirs if theirs else None)} | "
                 f"{sum(r.not_verbatim for r in results)} |")
    lines += ["", "Agreement over matched rows:", "",
              "| table | field | kind | matched rows | agreement | Cohen's kappa |",
              "|---|---|---|---:|---:|---:|"]
    for r in results:
        for f in r.fields:
            lines.append(f"| {r.table} | `{f.field}` | {f.kind} | {f.n} | "
                         f"{num(f.percent, 0) + '%' if f.n else '—'} | {num(f.kappa)} |")
    return "\n".join(lines) + "\n"


def text(coder: str, results: list[TableResult], reference: str = TABLES) -> str:
    where = "" if reference == TABLES else f" of {reference}"
    out = [f"Coder {coder}" + ("" if reference == TABLES else f" against {reference}")]
    for r in results:
        out.append(f"  {r.table}: {r.ours} rows{where}, coder {r.theirs}, matched {r.matched} "
                   f"({r.other_sentence} from another sentence; "
                   f"recall {pct(r.recall)}, precision {pct(r.precision)}; "
                   f"{r.not_verbatim} coder quotes not verbatim)")
        for f in r.fields:
            k = f" kappa {num(f.kappa)}" if f.kappa is not None else ""
            out.append(f"    {f.field:<22} {f.kind:<12} {f.agree}/{f.n} "
                       f"({num(f.percent, 0)}%){k}")
    ours, theirs, matched = pooled(results)
    out.append(f"  all tables: {ours} rows{where}, coder {theirs}, matched {matched}")
    return "\n".join(out) + "\n"


def as_json(coder: str, results: list[TableResult], reference: str = TABLES
            ) -> dict[str, Any]:
    return {"coder": coder, "reference": reference, "tables": [
        {"table": r.table, "rows": r.ours, "coder_rows": r.theirs, "matched": r.matched,
         "recall": r.recall, "precision": r.precision, "not_verbatim": r.not_verbatim,
         "other_sentence": r.other_sentence,
         "fields": [{"field": f.field, "kind": f.kind, "n": f.n, "agree": f.agree,
                     "percent": f.percent, "kappa": f.kappa} for f in r.fields],
         "missed": [m.rid for m in r.missed],
         "extra": [{"id": e.rid, "source_id": e.source_id, "quote": e.quote} for e in r.extra],
         "differences": [{"id": a.rid, "coder_id": b.rid, "field": n,
                          "reference_value": a.cells.get(n, ""),
                          "coder_value": b.cells.get(n, "")}
                         for a, b, n in r.differences]}
        for r in results]}


DISAGREEMENTS = ("coder", "reference", "table", "kind", "reference_id", "coder_id", "field",
                 "reference_value | coder_value", "source_id", "quote")


def disagreements(coder: str, results: list[TableResult], reference: str = TABLES
                  ) -> list[list[str]]:
    """Rows of the ``--disagreements`` CSV (columns ``DISAGREEMENTS``)."""
    out = []
    for r in results:
        out += [[coder, reference, r.table, "missed", m.rid, "", "", "", m.source_id, m.quote]
                for m in r.missed]
        out += [[coder, reference, r.table, "extra", "", e.rid, "", "", e.source_id, e.quote]
                for e in r.extra]
        out += [[coder, reference, r.table, "field", a.rid, b.rid, n,
                 f"{a.cells.get(n, '')} | {b.cells.get(n, '')}", a.source_id, b.quote]
                for a, b, n in r.differences]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("codings", nargs="+", type=Path, metavar="CODING_DIR")
    parser.add_argument("--package", type=Path, default=ROOT, help="package directory")
    parser.add_argument("--reference", type=Path, metavar="CODING_DIR",
                        help="compare with this coding instead of the package's tables")
    parser.add_argument("--markdown", type=Path, metavar="FILE",
                        help="also write the figures as a Markdown section")
    parser.add_argument("--disagreements", type=Path, metavar="FILE",
                        help="also write every missed row, extra row and differing field (CSV)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args(argv)
    try:
        for path in [*args.codings, *([args.reference] if args.reference else [])]:
            if not path.is_dir():
                raise ValueError(f"{path}: not a coding directory")
        pkg = Package(args.package)
        ref = TABLES if args.reference is None else args.reference.name
        runs = [(c.name, compare(pkg, c, args.reference)) for c in args.codings]
    except (OSError, ValueError, KeyError) as exc:
        print(f"compare_codings: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([as_json(name, res, ref) for name, res in runs], indent=2,
                         ensure_ascii=False))
    else:
        sys.stdout.write("".join(text(name, res, ref) for name, res in runs))
    if args.markdown:
        args.markdown.write_text("\n".join(markdown(name, res, ref) for name, res in runs),
                                 encoding="utf-8")
    if args.disagreements:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(DISAGREEMENTS)
        for name, res in runs:
            w.writerows(disagreements(name, res, ref))
        args.disagreements.write_text(buf.getvalue(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
