"""The ``sentences`` table against the seed texts: the units that coverage accounts for.

``data/sentences.csv`` is generated (``scripts/build_sentences.py``, rules in
``bdigest_data.text.sentences``); the validator never re-segments, it checks that the stored
units are the seed's text: for every article, the units are numbered ``001`` … in reading
order with ids ``<source_id>:<NNN>``, lie inside the article's span without overlapping,
each ``text`` is the normalised seed span ``char_start`` … ``char_end``, and no word of the
article lies outside every unit. A unit whose article is not in ``sources`` is an error too.
Each problem is a ``sentence-error`` finding; an article with one is left out of the
sentence ledger until the table is regenerated.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from bdigest_data.catalogue import SENTENCE_ERROR
from bdigest_data.findings import Finding
from bdigest_data.metadata import roles
from bdigest_data.metadata.classes import ROLE_FIELDS
from bdigest_data.text.evidence import Article, articles, listed_sources, normalise
from bdigest_data.validation.context import PackageData

COLUMNS = tuple(ROLE_FIELDS[roles.SENTENCES])  # sentence_id, source_id, ordinal, kind, … text
SHOWN = 90  # characters of a text quoted in a message
FIX = "regenerate the table with python scripts/build_sentences.py, then bdigest-data stamp"


@dataclass(slots=True)  # one a sentence: 300,000 at 5,000 articles
class Unit:
    """A row of the sentences table, placed in its article. Its ``text`` is read from the
    table's Arrow column when asked for, not held: at 5,000 articles the texts of every
    unit as Python strings are 100 MB."""

    row: int  # 0-based row of the sentences table
    sentence_id: str
    source_id: str
    ordinal: int
    kind: str
    start: int  # offsets in the seed file
    end: int
    texts: pa.Array  # the table's text column, one chunk
    lo: int = 0  # span in the article's normalised text (``Article.mapped``)
    hi: int = 0

    @property
    def text(self) -> str:
        return self.texts[self.row].as_py()


def short(text: str) -> str:
    """``text`` cut to ``SHOWN`` characters for a message."""
    return text if len(text) <= SHOWN else text[:SHOWN - 1] + "…"


def units(pkg: PackageData) -> tuple[dict[str, list[Unit]], list[Finding]]:
    """The units of every article whose units are sound, in order, by source_id; and the
    ``sentence-error`` findings."""
    td = pkg.role_table(roles.SENTENCES)
    by_source: dict[str, list[Unit]] = {}
    if td is not None:
        texts = td.column(COLUMNS[-1]).combine_chunks()
        cols: list[list[Any]] = [td.column(c).to_pylist() for c in COLUMNS[:-1]]
        shared: dict[str, str] = {}  # one string for each source id and kind, not one a row
        for row, (*values, valid) in enumerate(zip(*cols, texts.is_valid().to_pylist(),
                                                   strict=True)):
            if valid and None not in values:  # a missing or mistyped cell: structure says so
                sentence_id, source_id, ordinal, kind, start, end = values
                by_source.setdefault(source_id, []).append(Unit(
                    row, sentence_id, shared.setdefault(source_id, source_id), ordinal,
                    shared.setdefault(kind, kind), start, end, texts))
        del cols
    check = _Check(pkg)
    arts = articles(pkg)
    sound: dict[str, list[Unit]] = {}
    for sid, article in arts.items():
        mine = sorted(by_source.get(sid, []), key=lambda u: u.ordinal)
        if check.tiles(article, mine):
            text, origin = article.mapped
            for u in mine:
                u.lo = bisect.bisect_left(origin, u.start - article.start)
                u.hi = bisect.bisect_left(origin, u.end - article.start)
            sound[sid] = mine
    listed = listed_sources(pkg)  # in sources but unreadable: reported there, once
    for sid, rest in by_source.items():
        if sid not in arts and sid not in listed and pkg.role_table(roles.SOURCES) is not None:
            for u in rest:
                check.error(u, "source_id", u.source_id, f"the article {sid!r} is not in sources")
    return sound, check.findings


class _Check:
    def __init__(self, pkg: PackageData) -> None:
        self.pkg = pkg
        self.findings: list[Finding] = []
        self.name = pkg.model.table_with_role(roles.SENTENCES) or roles.SENTENCES

    def error(self, u: Unit, column: str, value: object, message: str) -> None:
        td = self.pkg.role_table(roles.SENTENCES)
        assert td is not None
        self.findings.append(Finding(
            SENTENCE_ERROR, f"sentence {u.sentence_id}: {message}; {FIX}", table=td.name,
            row=u.row + 1, line=td.line(u.row), field=column, value=str(value)))

    def tiles(self, article: Article, units: list[Unit]) -> bool:
        """Whether ``units`` are the article's text, in order, leaving no word out."""
        sid = article.source_id
        seed = self.pkg.text(article.seed_file)
        pos = article.start
        for n, u in enumerate(units, start=1):
            span = seed[u.start:u.end] if 0 <= u.start <= u.end else ""
            if u.ordinal != n or u.sentence_id != f"{sid}:{n:03d}":
                self.error(u, "ordinal", u.ordinal, f"expected unit {n} of the article, "
                           f"id {sid}:{n:03d}")
            elif not pos <= u.start < u.end <= article.end:
                self.error(u, "char_start", u.start, f"the span {u.start}…{u.end} overlaps "
                           f"the unit before or leaves the article ({article.start}…"
                           f"{article.end})")
            elif normalise(span) != u.text:
                self.error(u, "text", u.text, f"the text is not the seed's text at {u.start}…"
                           f"{u.end}, which reads “{short(normalise(span))}”")
            elif _has_words(seed[pos:u.start]):
                self.error(u, "char_start", u.start, "the seed has words before this unit "
                           f"that no unit holds: “{short(normalise(seed[pos:u.start]))}”")
            else:
                pos = u.end
                continue
            return False
        if _has_words(seed[pos:article.end]):
            self.findings.append(Finding(
                SENTENCE_ERROR, f"article {sid!r}: the seed has words that no unit of the "
                f"{self.name} table holds, from offset {pos}: "
                f"“{short(normalise(seed[pos:article.end]))}”; {FIX}", table=self.name,
                value=sid))
            return False
        return True


def _has_words(raw: str) -> bool:
    return any(ch.isalnum() for ch in normalise(raw))
