"""Coverage: every sentence and every figure of every article is accounted for.

The units of an article (sentences, headings, captions, credits) are the rows of the
``sentences`` table, checked against the seed first (``validation.units``:
``sentence-error``). A unit is *covered* when it overlaps an occurrence, in its article, of
the quote of a fact row of that article (texts normalised as for provenance). Headings,
captions and credits not covered are set aside by rule (dispositions ``heading`` and
``caption``). Every other sentence must be covered or have a row in the coverage ledger
(``"bdigest:role": "coverage-ledger"``, ``data/coverage_ledger.csv``) with a
``disposition`` from its schema's vocabulary and the sentence's ``text``; ``recorded``
names, in ``recorded_in``, the covered sentence that records the same fact.

Figures (``evidence.figures``, less those set aside by the rules ``name``, ``pronoun`` and
``anaphoric``) stay checked: a figure is *covered* when a quote holds it whole; *set aside*
when its unit is set aside, or when the ledger row of a covered sentence whose quotes
leave it out names it in ``figures`` (one mechanism for both: one row per sentence, its
``figures`` empty when the whole sentence is set aside).

Findings:

- ``unaccounted-sentence``: a sentence neither covered nor set aside (the article, the
  sentence id, its line in the seed file and the ledger row to paste);
- ``uncovered-figure``: a figure of a covered sentence outside every quote and not set
  aside (a figure of an unaccounted sentence is reported with its sentence); neither is
  reported for an article one of whose quotes is not in it (``quote-not-found``, reported
  on its own), whose coverage is known once that quote is fixed;
- ``stale-disposition``: a ledger row whose sentence does not exist or whose text has
  changed, that a quote now covers, that sets aside a heading, caption or credit (done by
  rule), that repeats another row, that names a figure that is not an uncovered figure of
  its covered sentence, or whose ``recorded_in`` is missing, misplaced or not a covered sentence. So
  the ledger cannot rot.
"""

from __future__ import annotations

import bisect
import csv
import io
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import pyarrow as pa

from bdigest_data.catalogue import (
    SENTENCE_ERROR,
    STALE_DISPOSITION,
    UNACCOUNTED_SENTENCE,
    UNCOVERED_FIGURE,
)
from bdigest_data.engine.grouping import distinct
from bdigest_data.findings import Finding
from bdigest_data.metadata import roles
from bdigest_data.metadata.classes import TableSchema
from bdigest_data.text.evidence import (
    Article,
    articles,
    fact_tables,
    figures,
    line_numbers,
    normalise,
)
from bdigest_data.validation import registry
from bdigest_data.validation.checks.coverage.units import Unit, short, units
from bdigest_data.validation.context import PackageData, TableData

BY_RULE = {"heading": "heading", "caption": "caption", "credit": "caption"}
COVERED = "covered"
UNACCOUNTED = "unaccounted"
LEDGER_COLUMNS = ("sentence_id", "figures", "disposition", "recorded_in", "text", "note")
LIST_SEPARATOR = "; "  # between the figures of one row


@dataclass(slots=True)  # one a sentence: 300,000 at 5,000 articles
class UnitStatus:
    """One unit of an article and how it is accounted for."""

    sentence_id: str
    kind: str
    line: int  # 1-based line of the seed file where the unit starts
    text: str
    status: str  # ``covered``, a disposition, or ``unaccounted``
    by_rule: bool = False  # set aside by its kind, without a ledger row


@dataclass
class Uncovered:
    """A figure that no quote covers and nothing sets aside."""

    figure: str
    line: int  # 1-based line of the seed file
    sentence_id: str  # the unit it is in
    sentence: str  # that unit's text


@dataclass
class ArticleCoverage:
    """The coverage ledger of one article: its units and its figures."""

    source_id: str
    title: str
    seed_file: str
    sentences: int = 0  # units, headings and captions included
    sentences_covered: int = 0
    set_aside: dict[str, int] = field(default_factory=dict)  # by disposition
    unaccounted: list[UnitStatus] = field(default_factory=list)
    figures: int = 0
    figures_covered: int = 0
    figures_set_aside: int = 0
    uncovered: list[Uncovered] = field(default_factory=list)
    units: list[UnitStatus] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)  # one a ledger row: 200,000 at 5,000 articles
class _Entry:
    row: int  # 0-based row of the ledger table
    sentence_id: str
    figure: str | None  # one of the row's figures; None: the whole sentence
    disposition: str
    recorded_in: str | None
    texts: pa.Array  # the ledger's text column, one chunk (``text``: this row's, when read)

    @property
    def text(self) -> str:
        return self.texts[self.row].as_py()


def needs(schema: TableSchema) -> set[str]:
    """The fields of a fact table that coverage reads."""
    return {"source_id", "quote"}


def dispositions(pkg: PackageData) -> list[str]:
    """The ledger's dispositions, from its schema (in schema order), and those by rule."""
    td = pkg.role_table(roles.COVERAGE_LEDGER)
    found = td.schema.field("disposition") if td else None
    enum = (found.category_values or []) if found else []
    return list(dict.fromkeys([*map(str, enum), *BY_RULE.values()]))


def ledger(pkg: PackageData) -> list[ArticleCoverage]:
    """Per article: units covered, set aside by disposition and unaccounted; figures."""
    return _Coverage(pkg, every_unit=True).ledger


def ledger_row(sentence_id: str, text: str, figure: str = "", disposition: str = "") -> str:
    """A coverage-ledger CSV row (no note) for a unit, ready to paste."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([sentence_id, figure, disposition, "", text, ""])
    return out.getvalue()


@registry.register("coverage", SENTENCE_ERROR, UNACCOUNTED_SENTENCE, UNCOVERED_FIGURE,
                   STALE_DISPOSITION)
def check(pkg: PackageData) -> list[Finding]:
    """``sentence-error``, ``unaccounted-sentence``, ``uncovered-figure`` and
    ``stale-disposition`` findings for ``pkg``; none while a table of the package is unread
    (its schema or file is unusable, reported on its own): coverage is a property of every
    table together, so a missing one would show its sentences as unaccounted."""
    if pkg.unread():
        return []
    cov = _Coverage(pkg, every_unit=False)
    findings = list(cov.findings)
    # a finding about a seed text names the resource of its file (one file per new article)
    seeds = {r.path: r.name for r in pkg.model.resources_with_role(roles.SEEDS)
             if isinstance(r.path, str)}
    table = pkg.model.table_with_role(roles.COVERAGE_LEDGER) or "the coverage ledger"
    unplaced = _misquoted(pkg)
    for entry in cov.ledger:
        if entry.source_id in unplaced:
            continue  # which sentences a quote not in its article covers is not known yet
        for u in entry.unaccounted:
            findings.append(Finding(
                UNACCOUNTED_SENTENCE,
                f"article {entry.source_id!r}: sentence {u.sentence_id} ({entry.seed_file} line "
                f"{u.line}, “{short(u.text)}”) overlaps no fact row's quote and is not set "
                f"aside; add a fact row, or a row to {table} with a disposition: "
                f"{ledger_row(u.sentence_id, u.text)}",
                table=seeds.get(entry.seed_file), line=u.line, value=u.sentence_id))
        gaps = {u.sentence_id for u in entry.unaccounted}
        for f in entry.uncovered:
            if f.sentence_id in gaps:
                continue  # reported with its sentence
            findings.append(Finding(
                UNCOVERED_FIGURE,
                f"article {entry.source_id!r}: the figure {f.figure!r} ({entry.seed_file} line "
                f"{f.line}, sentence {f.sentence_id} “{short(f.sentence)}”) is in no fact "
                f"row's quote; quote it, or add a row to {table} with a disposition: "
                f"{ledger_row(f.sentence_id, f.sentence, f.figure)}",
                table=seeds.get(entry.seed_file), line=f.line, value=f.figure))
    return findings


def _misquoted(pkg: PackageData) -> set[str]:
    """The articles of the fact rows whose quote is not in their article (``quote-not-found``,
    reported on its own, and noted in ``pkg.failed`` by the runner)."""
    out: set[str] = set()
    for name in fact_tables(pkg):
        td = pkg.tables[name]
        rows = [i for i, fields in pkg.failed.get(name, {}).items() if "quote" in fields]
        ids = td.column("source_id").to_pylist() if rows else []  # not take(): no pandas
        out.update(ids[i] for i in rows if ids[i] is not None)
    return out


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in spans)


class _Coverage:
    """Units, quote spans and ledger rows of every article, worked out once; the status of
    every unit (``ArticleCoverage.units``, for the report) only with ``every_unit``, else
    those of the unaccounted units alone (for the findings)."""

    def __init__(self, pkg: PackageData, *, every_unit: bool) -> None:
        self.pkg = pkg
        self.every_unit = every_unit
        self.td: TableData | None = pkg.role_table(roles.COVERAGE_LEDGER)
        self.vocabulary = dispositions(pkg)
        self.ledger: list[ArticleCoverage] = []
        found, self.findings = units(pkg)
        quotes = self._quotes()
        arts = articles(pkg)
        self.spans: dict[str, list[tuple[int, int]]] = {}
        self.covered: set[str] = set()
        for sid, mine in found.items():
            text = arts[sid].text  # its offsets (``mapped``) only per article, in _figures
            spans = [(i, i + len(q)) for q in quotes.get(sid, []) for i in _occurrences(text, q)]
            self.spans[sid] = spans
            self.covered |= {u.sentence_id for u in mine
                             if any(a < u.hi and u.lo < b for a, b in spans)}
        by_id = {u.sentence_id: u for mine in found.values() for u in mine}
        aside, figure_rows = self._dispositions(self._entries(), by_id)
        titles = self._titles()
        for sid, mine in found.items():
            self.ledger.append(self._article(arts[sid], titles.get(sid, ""), mine, aside,
                                             figure_rows))
        self.findings.sort(key=lambda f: (f.table or "", f.row or 0))

    # --- reading ------------------------------------------------------------------------

    def _titles(self) -> dict[str, str]:
        sources = self.pkg.role_table(roles.SOURCES)
        if sources is None or not sources.schema.primary_key:
            return {}
        return dict(zip(sources.column(sources.schema.primary_key[0]).to_pylist(),
                        sources.column(sources.schema.role_name(roles.TITLE)).to_pylist(),
                        strict=True))

    def _quotes(self) -> dict[str, list[str]]:
        """Normalised distinct quotes of every fact table, by source_id."""
        quotes: dict[str, set[str]] = {}
        for name in fact_tables(self.pkg):
            table = self.pkg.tables[name].table
            if table.num_rows == 0:
                continue
            for sid, quote in distinct(table.column("source_id"), table.column("quote")).keys:
                if sid and quote:
                    quotes.setdefault(sid, set()).add(normalise(quote))
        return {sid: sorted(q) for sid, q in quotes.items()}

    def _entries(self) -> list[_Entry]:
        if self.td is None:
            return []
        texts = self.td.column("text").combine_chunks()
        cols = [self.td.column(c).to_pylist() for c in LEDGER_COLUMNS[:-2]]
        entries = []
        shared: dict[str, str] = {}  # one string for each disposition, not one a row
        for row, (sid, figs, disposition, recorded_in, has_text) in enumerate(zip(
                *cols, texts.is_valid().to_pylist(), strict=True)):
            if sid is None or disposition is None or not has_text:
                continue  # a missing or mistyped cell: the structure checks report it
            disposition = shared.setdefault(disposition, disposition)
            for figure in [f.strip() for f in figs.split(";") if f.strip()] if figs else [None]:
                entries.append(_Entry(row, sid, figure, disposition, recorded_in, texts))
        return entries

    # --- the ledger rows ----------------------------------------------------------------

    def _stale(self, e: _Entry, message: str, column: str, value: object) -> None:
        assert self.td is not None
        what = f"figure {e.figure!r} of sentence" if e.figure else "sentence"
        self.findings.append(Finding(
            STALE_DISPOSITION, f"the {what} {e.sentence_id} ({e.disposition}): {message}",
            table=self.td.name, row=e.row + 1, line=self.td.line(e.row), field=column,
            value=str(value)))

    def _dispositions(self, entries: list[_Entry], by_id: dict[str, Unit]
                      ) -> tuple[dict[str, str], dict[str, list[_Entry]]]:
        """Whole-sentence dispositions and figure rows, by sentence id; rows that no longer
        apply become findings."""
        aside: dict[str, str] = {}
        figure_rows: dict[str, list[_Entry]] = {}
        sound = {u.source_id for u in by_id.values()}
        for e in entries:
            u = by_id.get(e.sentence_id)
            if u is None:
                if e.sentence_id.rpartition(":")[0] in sound:
                    self._stale(e, "there is no such sentence", "sentence_id", e.sentence_id)
                continue  # an article whose sentences are broken is reported already
            if normalise(e.text) != u.text:
                self._stale(e, f"the sentence's text has changed; it now reads “{u.text}”",
                            "text", e.text)
            elif e.disposition not in self.vocabulary or not self._recorded_ok(e):
                continue  # an unknown disposition is an enum finding
            elif u.kind in BY_RULE:
                self._stale(e, f"a {u.kind} is set aside by rule and needs no row",
                            "sentence_id", e.sentence_id)
            elif e.figure is None:
                if e.sentence_id in self.covered:
                    self._stale(e, "a fact row's quote now overlaps the sentence; remove the "
                                "row", "sentence_id", e.sentence_id)
                elif e.sentence_id in aside:
                    self._stale(e, "another row already sets the sentence aside",
                                "sentence_id", e.sentence_id)
                else:
                    aside[e.sentence_id] = e.disposition
            else:
                figure_rows.setdefault(e.sentence_id, []).append(e)
        for sid in [s for s in figure_rows if s not in self.covered]:
            for e in figure_rows.pop(sid):
                self._stale(e, "only a figure of a sentence that a quote covers is set aside "
                            "alone; set the whole sentence aside (empty figures)", "figures",
                            e.figure)
        return aside, figure_rows

    def _recorded_ok(self, e: _Entry) -> bool:
        if e.disposition != "recorded":
            if e.recorded_in is None:
                return True
            self._stale(e, "recorded_in is only for the disposition recorded", "recorded_in",
                        e.recorded_in)
        elif e.recorded_in is None:
            self._stale(e, "recorded needs recorded_in: the covered sentence that records the "
                        "fact", "recorded_in", "")
        elif e.recorded_in not in self.covered or e.recorded_in == e.sentence_id:
            self._stale(e, f"recorded_in {e.recorded_in} is not another sentence that a fact "
                        "row's quote covers", "recorded_in", e.recorded_in)
        else:
            return True
        return False

    # --- per article ----------------------------------------------------------------------

    def _article(self, article: Article, title: str, mine: list[Unit], aside: dict[str, str],
                 figure_rows: dict[str, list[_Entry]]) -> ArticleCoverage:
        line = line_numbers(self.pkg.text(article.seed_file))

        entry = ArticleCoverage(article.source_id, title, article.seed_file,
                                set_aside=dict.fromkeys(self.vocabulary, 0))
        status: dict[str, str] = {}
        for u in mine:
            covered = u.sentence_id in self.covered
            s = COVERED if covered else BY_RULE.get(u.kind) or aside.get(u.sentence_id) \
                or UNACCOUNTED
            status[u.sentence_id] = s
            if self.every_unit or s == UNACCOUNTED:
                unit = UnitStatus(u.sentence_id, u.kind, line(u.start), u.text, s,
                                  not covered and u.kind in BY_RULE)
                if self.every_unit:
                    entry.units.append(unit)
            if s == COVERED:
                entry.sentences_covered += 1
            elif s == UNACCOUNTED:
                entry.unaccounted.append(unit)
            else:
                entry.set_aside[s] = entry.set_aside.get(s, 0) + 1
        entry.sentences = len(mine)
        self._figures(article, entry, mine, status, figure_rows, line)
        return entry

    def _figures(self, article: Article, entry: ArticleCoverage, mine: list[Unit],
                 status: dict[str, str], figure_rows: dict[str, list[_Entry]],
                 line: Callable[[int], int]) -> None:
        text, origin = article.mapped
        spans = self.spans[article.source_id]
        every = list(figures(text))
        named: dict[str, set[str]] = {}
        for u in mine:
            for e in figure_rows.get(u.sentence_id, []):
                inside = [f for f in every
                          if u.lo <= f.start and f.end <= u.hi and f.text == e.figure]
                if any(f.ignored is None and not _inside(f.start, f.end, spans) for f in inside):
                    named.setdefault(u.sentence_id, set()).add(e.figure or "")
                    continue
                ignored = sorted({f.ignored for f in inside if f.ignored})
                self._stale(e, f"the figure is set aside by rule ({', '.join(ignored)}) and "
                            "needs no row" if ignored else "a fact row's quote now holds the "
                            "figure; remove it" if inside else "the sentence does not "
                            "hold the figure as written", "figures", e.figure)
        starts = [u.lo for u in mine]
        for f in every:
            if f.ignored is not None:
                continue
            entry.figures += 1
            if _inside(f.start, f.end, spans):
                entry.figures_covered += 1
                continue
            u = mine[max(0, bisect.bisect_right(starts, f.start) - 1)]
            if status[u.sentence_id] not in (COVERED, UNACCOUNTED) \
                    or f.text in named.get(u.sentence_id, ()):
                entry.figures_set_aside += 1
            else:
                entry.uncovered.append(Uncovered(f.text, line(article.start + origin[f.start]),
                                                 u.sentence_id, u.text))


def _occurrences(text: str, needle: str) -> list[int]:
    hits: list[int] = []
    i = text.find(needle)
    while needle and i >= 0:
        hits.append(i)
        i = text.find(needle, i + 1)
    return hits
