"""Coverage: every figure of every article is inside some fact row's quote, or excluded.

The figures of an article are those of ``evidence.figures`` in its normalised text, less
the ones it sets aside by rule (``name``: ``ADEX-2016``, ``T38``; ``pronoun``: ``one``;
``anaphoric``: ``the two countries``) and less those in caption paragraphs (a paragraph
holding ``Source:``, the image credits). Digits in link targets are gone with the markup.

A figure is *covered* when its span lies inside an occurrence, in the same article, of
the quote of any fact row of that article; *excluded* when a row of
``coverage_exclusions`` names it:

- ``source_id``: the article;
- ``figure``: the figure as written (``97`` for ``$97m``, ``two thirds``);
- ``context``: a verbatim snippet of the article that contains the figure and occurs
  exactly once in the article (normalised like a quote);
- ``reason``: why no row captures it.

The ``sentences`` table is checked against the seed texts first (``validation.units``:
``sentence-error``).

Findings: ``uncovered-figure`` (neither covered nor excluded; names the article, the
figure, its line in the seed file and a context unique in the article, ready to paste into
the exclusions file) and ``stale-exclusion`` (an exclusion whose context is missing or not
unique, whose figure is not a counted figure of the context, which another exclusion
already names, or whose figure a quote now covers), so the list cannot rot.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from bdigest_data.findings import Finding
from bdigest_data.metadata.classes import TableSchema
from bdigest_data.validation import registry
from bdigest_data.validation.context import PackageData, TableData
from bdigest_data.validation.evidence import (
    Article,
    Figure,
    articles,
    fact_tables,
    figures,
    normalise,
)
from bdigest_data.validation.grouping import distinct
from bdigest_data.validation.units import units

EXCLUSIONS = "coverage-exclusions"  # the bdigest:role of the exclusions table
SEEDS = "seeds"  # the bdigest:role of the descriptor's resource for the seed texts
_PARAGRAPH = re.compile(r"(?s).+?(?=\n[ \t]*\n|\Z)")
_CAPTION = "Source:"
CONTEXT_WORDS = 3  # words each side a suggested context starts with


@dataclass
class Uncovered:
    """A figure no quote covers and no exclusion names."""

    figure: str
    line: int  # 1-based line of the seed file
    context: str  # unique in the article, usable as an exclusion's context


@dataclass
class ArticleCoverage:
    """The coverage ledger of one article."""

    source_id: str
    title: str
    seed_file: str
    figures: int
    covered: int
    excluded: int
    uncovered: list[Uncovered] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Exclusion:
    row: int
    source_id: str
    figure: str
    context: str


def needs(schema: TableSchema) -> set[str]:
    """The fields of a fact table that coverage reads."""
    return {"source_id", "quote"}


def ledger(pkg: PackageData) -> list[ArticleCoverage]:
    """Per article: figures counted, covered, excluded and the uncovered ones."""
    return _Coverage(pkg).ledger


@registry.register("coverage", "sentence-error", "uncovered-figure", "stale-exclusion")
def check(pkg: PackageData) -> list[Finding]:
    """``sentence-error``, ``uncovered-figure`` and ``stale-exclusion`` findings for ``pkg``."""
    cov = _Coverage(pkg)
    findings = units(pkg)[1] + cov.stale
    # a finding about a seed text names the resource of its file (one file per new article)
    seeds = {r.path: r.name for r in pkg.model.resources_with_role(SEEDS)
             if isinstance(r.path, str)}
    exclusions = pkg.model.table_with_role(EXCLUSIONS) or "the exclusions table"
    for entry in cov.ledger:
        for u in entry.uncovered:
            findings.append(Finding(
                "uncovered-figure",
                f"article {entry.source_id!r}: the figure {u.figure!r} ({entry.seed_file} line "
                f"{u.line}, “{u.context}”) is in no fact row's quote; add a row or an "
                f"exclusion to {exclusions}",
                table=seeds.get(entry.seed_file), line=u.line, value=u.figure))
    return findings


class _Coverage:
    """Figures, quote spans and exclusions of every article, worked out once."""

    def __init__(self, pkg: PackageData) -> None:
        self.pkg = pkg
        self.stale: list[Finding] = []
        self.ledger: list[ArticleCoverage] = []
        self.newlines: dict[str, list[int]] = {}
        spans = self._quote_spans()
        exclusions = self._exclusions()
        titles = self._titles()
        for sid, article in articles(pkg).items():
            self.ledger.append(self._article(article, titles.get(sid, ""), spans.get(sid, []),
                                             exclusions.get(sid, [])))
        self.stale.sort(key=lambda f: f.row or 0)

    def _newlines(self, seed_file: str) -> list[int]:
        if seed_file not in self.newlines:
            text = self.pkg.text(seed_file)
            self.newlines[seed_file] = [m.start() for m in re.finditer("\n", text)]
        return self.newlines[seed_file]

    def _titles(self) -> dict[str, str]:
        sources = self.pkg.role_table("sources")
        if sources is None or not sources.schema.primary_key:
            return {}
        return dict(zip(sources.column(sources.schema.primary_key[0]).to_pylist(),
                        sources.column(sources.schema.role_name("title")).to_pylist(),
                        strict=True))

    def _quote_spans(self) -> dict[str, list[str]]:
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

    def _exclusions(self) -> dict[str, list[_Exclusion]]:
        td: TableData | None = self.pkg.role_table(EXCLUSIONS)
        self.exclusions_table = td
        if td is None:
            return {}
        cols = [td.column(c).to_pylist() for c in
                ("source_id", td.schema.role_name("figure"), td.schema.role_name("context"))]
        result: dict[str, list[_Exclusion]] = {}
        for row, (sid, figure, context) in enumerate(zip(*cols, strict=True)):
            if sid and figure and context:
                result.setdefault(sid, []).append(_Exclusion(row, sid, figure, context))
        return result

    def _stale(self, ex: _Exclusion, message: str, column: str) -> None:
        td = self.exclusions_table
        assert td is not None
        self.stale.append(Finding(
            "stale-exclusion", f"exclusion of {ex.figure!r} in article {ex.source_id!r}: {message}",
            table=td.name, row=ex.row + 1, line=td.line(ex.row), field=column,
            value=ex.figure if column == "figure" else ex.context))

    def _article(self, article: Article, title: str, quotes: list[str],
                 exclusions: list[_Exclusion]) -> ArticleCoverage:
        text, origin = article.mapped
        captions = [m.span() for m in _PARAGRAPH.finditer(article.raw) if _CAPTION in m.group()]
        every = list(figures(text))
        counted = [f for f in every if f.ignored is None
                   and not any(a <= origin[f.start] < b for a, b in captions)]
        spans = [(i, i + len(q)) for q in quotes for i in _occurrences(text, q)]
        covered = {f.start for f in counted if any(a <= f.start and f.end <= b for a, b in spans)}
        excluded: set[int] = set()
        for ex in exclusions:
            start = self._excluded_figure(ex, text, counted, every, covered, excluded)
            if start is not None:
                excluded.add(start)
        newlines = self._newlines(article.seed_file)
        uncovered = [
            Uncovered(f.text, bisect.bisect_right(newlines, article.start + origin[f.start]) + 1,
                      _context(text, f))
            for f in counted if f.start not in covered and f.start not in excluded]
        return ArticleCoverage(article.source_id, title, article.seed_file, len(counted),
                               len(covered), len(excluded), uncovered)

    def _excluded_figure(self, ex: _Exclusion, text: str, counted: list[Figure],
                         every: list[Figure], covered: set[int], excluded: set[int]
                         ) -> int | None:
        """The start of the figure ``ex`` excludes, or ``None`` (and a finding) if stale."""
        context = normalise(ex.context)
        hits = _occurrences(text, context)
        if len(hits) != 1:
            self._stale(ex, f"the context {'is not in' if not hits else 'is not unique in'} "
                        "the article (whitespace folded, markup dropped); quote a longer, "
                        "verbatim snippet", "context")
            return None
        lo, hi = hits[0], hits[0] + len(context)
        inside = [f for f in counted if lo <= f.start and f.end <= hi and f.text == ex.figure]
        if len(inside) != 1:
            ignored = {f.ignored for f in every if lo <= f.start and f.end <= hi
                       and f.text == ex.figure and f.ignored}
            why = (f"the figure is set aside by rule ({', '.join(sorted(ignored))}) and needs no "
                   "exclusion") if ignored else (
                "the context does not hold the figure as written" if not inside else
                "the context holds the figure more than once; shorten it")
            self._stale(ex, why, "figure")
            return None
        start = inside[0].start
        if start in covered:
            self._stale(ex, "a fact row's quote now covers the figure; remove the exclusion",
                        "figure")
            return None
        if start in excluded:
            self._stale(ex, "another exclusion already names this figure", "figure")
            return None
        return start


def _occurrences(text: str, needle: str) -> list[int]:
    hits: list[int] = []
    i = text.find(needle)
    while needle and i >= 0:
        hits.append(i)
        i = text.find(needle, i + 1)
    return hits


def _context(text: str, fig: Figure) -> str:
    """The shortest run of whole words around ``fig`` (at least ``CONTEXT_WORDS`` a side)
    that occurs once in ``text``."""
    words = [m.span() for m in re.finditer(r"\S+", text)]
    first = next(i for i, (a, b) in enumerate(words) if b > fig.start)
    last = next(i for i, (a, b) in enumerate(words) if b >= fig.end)
    lo, hi = max(0, first - CONTEXT_WORDS), min(len(words) - 1, last + CONTEXT_WORDS)
    while True:
        snippet = text[words[lo][0]:words[hi][1]]
        if len(_occurrences(text, snippet)) == 1 or (lo == 0 and hi == len(words) - 1):
            return snippet
        lo, hi = max(0, lo - 1), min(len(words) - 1, hi + 1)
