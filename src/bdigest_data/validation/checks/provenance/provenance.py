"""Provenance: every fact row's quote is in its own article and shows the row's figures.

For every fact table (``"bdigest:role": "facts"``; the fields all fact tables share are
``metadata.classes.FACT_FIELDS``):

- ``quote-not-found``: the normalised quote must occur in the normalised text of the
  row's own article (``sources``: ``seed_file`` from ``char_start`` to ``char_end``); the
  finding shows the closest passage and how it differs (``text.locate``, as
  ``bdigest-data locate`` does) and the ``locate`` command to compare them.
  Normalisation, applied to both (see ``text.evidence``): Markdown links ``[label](target)``
  read as ``label``, ``*`` emphasis is dropped, the seed's ``\\$`` reads ``$``, and every
  run of whitespace (newlines included) is one space. A quote found in another article
  is reported with that article's id.
- ``ambiguous-quote``: the normalised quote must occur only once in its article (overlapping
  occurrences count), so that its evidence anchor (``text.evidence.places``: the span of
  the raw seed file, as the annotations export and the site give it) names one place and
  is never attached to a lookalike passage.
- ``figure-not-in-quote``: every non-empty value of a field marked
  ``"bdigest:evidence": "number"`` must be written in the quote, in digits or as lexicon
  words (``evidence.figures``; sign ignored, so a decrease stored negative matches); of a
  field marked ``"date"`` (EDTF), each end must show its year as a four-digit figure,
  when given its month by English name or abbreviation, and when given its day as a
  number next to the month (``8 October``, ``28-29 November``, ``November 21``). Fields
  named in the row's ``derived_fields`` are skipped, and of a date only the parts named
  there (``start_date.year``: the month and day are still checked); a season
  (``2011-22``) must show its name; a date that does not parse is left to ``semantics``
  (``invalid-date``).
- ``missing-basis-note``: a row whose ``value_basis`` is not ``stated`` needs a
  ``basis_note`` and ``derived_fields``; ``derived-fields-mismatch``: a ``stated`` row
  has ``derived_fields``; ``unknown-derived-field``: ``derived_fields`` names a field
  that is not an evidence field of the table.

Each rule runs once per distinct combination of the cells it reads (``engine.grouping``), so
the cost grows with the number of distinct quotes and values, not with the rows.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable

import pyarrow as pa

from bdigest_data import edtf
from bdigest_data.catalogue import (
    AMBIGUOUS_QUOTE,
    DERIVED_FIELDS_MISMATCH,
    FIGURE_NOT_IN_QUOTE,
    MISSING_BASIS_NOTE,
    QUOTE_NOT_FOUND,
    UNKNOWN_DERIVED_FIELD,
)
from bdigest_data.engine.arrays import from_numpy
from bdigest_data.engine.grouping import distinct
from bdigest_data.findings import Finding
from bdigest_data.metadata import roles
from bdigest_data.metadata.classes import TableSchema
from bdigest_data.text.evidence import (
    Article,
    QuoteEvidence,
    articles,
    evidence_fields,
    fact_tables,
    normalise,
    place_count,
    places,
    show,
)
from bdigest_data.text.locate import locate
from bdigest_data.validation import registry
from bdigest_data.validation.context import PackageData, TableData

STATED = "stated"
DIFFERENCES = 3  # differences from the closest passage shown in a finding (locate: all)
SHELL_QUOTE = 200  # a quote up to this long is written out in the locate command shown
QUOTE_HOLDER = "'THE QUOTE'"


@registry.register("provenance", QUOTE_NOT_FOUND, AMBIGUOUS_QUOTE, FIGURE_NOT_IN_QUOTE,
                   MISSING_BASIS_NOTE, DERIVED_FIELDS_MISMATCH, UNKNOWN_DERIVED_FIELD)
def check(pkg: PackageData) -> list[Finding]:
    """Provenance findings for every fact table of ``pkg``."""
    arts = articles(pkg)
    findings: list[Finding] = []
    for name in fact_tables(pkg):
        findings.extend(_TableCheck(pkg.tables[name], arts, pkg.text).run())
    return findings


def needs(schema: TableSchema) -> set[str]:
    """The fields of a fact table with ``schema`` that these checks read."""
    return {"quote", "source_id", "derived_fields", "value_basis", "basis_note",
            *evidence_fields(schema)}


def _short(text: str, width: int = 120) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _derived(cell: str | None) -> frozenset[str]:
    """The entries of a ``derived_fields`` cell: ``field`` or ``field.part``."""
    return frozenset(n for n in (cell or "").split(";") if n)


def _fields(entries: frozenset[str]) -> frozenset[str]:
    """The field names of ``derived_fields`` entries (``start_date.year`` -> ``start_date``)."""
    return frozenset(e.split(".", 1)[0] for e in entries)


def _parts(entries: frozenset[str], name: str) -> frozenset[str] | None:
    """The derived parts of field ``name``: ``None`` when all of it is derived."""
    if name in entries:
        return None
    return frozenset(e.split(".", 1)[1] for e in entries if e.startswith(name + "."))


class _TableCheck:
    """The provenance rules applied to one fact table."""

    def __init__(self, td: TableData, arts: dict[str, Article],
                 text: Callable[[str], str]) -> None:
        self.td = td
        self.arts = arts
        self.text = text  # a seed file's text, for the closest passage's line
        self.table: pa.Table = td.table
        self.evidence = evidence_fields(td.schema)  # every kind (for derived_fields)
        self.figure_fields = {n: k for n, k in self.evidence.items()
                              if k in (roles.NUMBER, roles.DATE)}
        self.names = set(td.schema.names)
        self.quote_evidence: dict[str, QuoteEvidence] = {}

    def finding(self, code: str, row: int, message: str, field: str | None = None,
                value: object = None) -> Finding:
        return Finding(code, message, table=self.td.name, row=row + 1, line=self.td.line(row),
                       field=field, value=None if value is None else show(value))

    def column(self, name: str) -> pa.ChunkedArray:
        if name in self.names:
            return self.table.column(name)
        return pa.chunked_array([pa.nulls(self.table.num_rows, pa.string())])

    def run(self) -> list[Finding]:
        if self.table.num_rows == 0:
            return []
        quotes = distinct(self.column("quote"))
        self.quote_of = [key[0] for key in quotes.keys]  # quote by code
        self.quote_codes = from_numpy(quotes.inverse)  # each row's quote code
        return [*self.quotes(), *self.figures(), *self.basis()]

    # quote-not-found ----------------------------------------------------------------------

    def _locate(self, source_id: str | None, quote: str | None) -> tuple[str, str] | None:
        article = self.arts.get(source_id) if source_id else None
        if article is None or not quote:
            return None  # unknown source or missing quote: the structure checks report it
        where = f"{article.seed_file} characters {article.start}-{article.end}"
        count = place_count(article, quote)  # the places' offsets only for the message
        if count > 1:
            found = places(article, quote)
            at = ", ".join(f"{a}-{b}" for a, b in found[:5])
            return (AMBIGUOUS_QUOTE,
                    f"quote occurs {len(found)} times in article {source_id!r} ({where}; at "
                    f"{at}): lengthen it until it names one place; its evidence anchor would "
                    "otherwise be a guess")
        if count:
            return None
        needle = normalise(quote)
        elsewhere = [sid for sid, a in self.arts.items() if sid != source_id and needle in a.text]
        other = f"; it is in article {elsewhere[0]!r}" if elsewhere else self._closest(
            article, quote)
        return (QUOTE_NOT_FOUND, f"quote not found in article {source_id!r} ({where}, "
                f"whitespace folded, markup dropped){other}; compare them with: "
                f"bdigest-data locate --source {source_id} "
                f"{shlex.quote(quote) if len(quote) <= SHELL_QUOTE else QUOTE_HOLDER}")

    def _closest(self, article: Article, quote: str) -> str:
        """The closest passage of ``article`` to ``quote`` and how they differ, as
        ``bdigest-data locate`` shows it (``text.locate``); empty when none is close."""
        try:
            seed = {article.seed_file: self.text(article.seed_file)}
        except (OSError, UnicodeDecodeError):
            return ""  # the seed's own finding
        found = locate(quote, {article.source_id: article}, seed)
        if found.closest is None:
            return ""
        near = found.closest
        differs = "; ".join(d.describe() for d in found.differences[:DIFFERENCES])
        more = len(found.differences) - DIFFERENCES
        return (f"; closest passage ({near.seed_file} line {near.line}, characters "
                f"{near.start}-{near.end}): “{_short(near.text)}”; "
                f"{differs}{f'; and {more} more difference(s)' if more > 0 else ''}")

    def quotes(self) -> list[Finding]:
        groups = distinct(self.column("source_id"), self.quote_codes)
        verdicts = [self._locate(s, self.quote_of[q]) for s, q in groups.keys]
        quotes = self.column("quote")
        return [self.finding(code, row, msg, "quote", _short(quotes[row].as_py()))
                for row, (code, msg) in groups.flagged(verdicts)]

    # figure-not-in-quote ------------------------------------------------------------------

    def _judge(self, kind: str, quote: str | None, value: object,
               skip: frozenset[str] = frozenset()) -> str | None:
        if quote is None or value is None or value == "":
            return None
        ev = self.quote_evidence.get(quote)
        if ev is None:
            ev = self.quote_evidence[quote] = QuoteEvidence(normalise(quote))
        if kind == roles.NUMBER:
            if ev.has_number(float(value)):  # type: ignore[arg-type]
                return None
            seen = ", ".join(f.text for f in ev.numbers[:8]) or "none"
            return f"not written in the quote (figures in it: {seen})"
        try:
            missing = ev.missing_date_parts(edtf.parse(str(value)), skip)
        except ValueError:
            return None  # semantics reports invalid-date
        return f"the quote does not show {', '.join(missing)}" if missing else None

    def figures(self) -> list[Finding]:
        if not self.figure_fields:
            return []
        derived = distinct(self.column("derived_fields"))
        derived_sets = [_derived(k[0]) for k in derived.keys]
        codes = from_numpy(derived.inverse)
        findings = []
        for name, kind in self.figure_fields.items():
            parts = [_parts(s, name) for s in derived_sets]
            skipped = derived.broadcast(p is None for p in parts)
            groups = distinct(self.quote_codes, self.column(name), codes)
            verdicts = [self._judge(kind, self.quote_of[q], v, parts[d] or frozenset())
                        for q, v, d in groups.keys]
            for row, msg in groups.flagged(verdicts, where=~skipped):
                value = groups.keys[groups.inverse[row]][1]
                findings.append(self.finding(
                    FIGURE_NOT_IN_QUOTE, row,
                    f"{name} = {show(value)}: {msg}; if it is inferred or computed, name "
                    f"{name} in derived_fields and explain it in basis_note",
                    name, value))
        return findings

    # basis --------------------------------------------------------------------------------

    def _basis(self, basis: str | None, derived: str | None, note: str | None
               ) -> list[tuple[str, str, str | None]]:
        names = _derived(derived)
        noted = bool(note and note.strip())
        problems: list[tuple[str, str, str | None]] = []
        if basis is not None and basis != STATED:
            if not noted:
                problems.append((MISSING_BASIS_NOTE, "basis_note",
                                 f"value_basis is {basis!r} but basis_note is empty"))
            if not names:
                problems.append((MISSING_BASIS_NOTE, "derived_fields",
                                 f"value_basis is {basis!r} but derived_fields names no field"))
        elif basis == STATED and names:
            problems.append((DERIVED_FIELDS_MISMATCH, "derived_fields",
                             f"value_basis is 'stated' but derived_fields is {derived!r}; "
                             "use 'inferred' or 'computed', or empty derived_fields"))
        problems.extend(
            (UNKNOWN_DERIVED_FIELD, "derived_fields",
             f"derived_fields names {n!r}, which is not an evidence field of this table "
             f"({', '.join(self.evidence) or 'none'})")
            for n in sorted(_fields(names) - self.evidence.keys()))
        return problems

    def basis(self) -> list[Finding]:
        derived = self.column("derived_fields")
        groups = distinct(self.column("value_basis"), derived, self.column("basis_note"))
        verdicts = [self._basis(*key) for key in groups.keys]
        return [self.finding(code, row, msg, field, derived[row].as_py() if
                             field == "derived_fields" else None)
                for row, problems in groups.flagged(verdicts)
                for code, field, msg in problems]
