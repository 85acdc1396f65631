"""What counts as an article's text and as a figure in it: shared by provenance and coverage.

Normalisation (applied alike to an article and to a quote before one is looked up in the
other):

1. Markdown inline markup is dropped: a link or image ``[label](target)`` becomes its
   ``label`` (so the target, e.g. ``(#)``, is never text), runs of ``*`` (bold/italic)
   vanish, and the seed's escaped dollar ``\\$`` reads ``$``. Headings' ``#`` are kept.
2. Every run of whitespace (spaces, line ends of any kind: LF, CRLF, CR; blank lines; a
   byte-order mark U+FEFF) becomes one space; the result is stripped.

A quote may thus keep or drop link brackets and emphasis; it must match otherwise verbatim
(typographic quotes and apostrophes as in the article).

Figures (found in the normalised text):

- digit figures: ``97``, ``84.7``, ``1,000`` (thousands separators), also when glued to a
  symbol or suffix (``$1bn``, ``139th``, ``51.4%``, ``2000s``), on digit boundaries (``97``
  never matches inside ``1997``; ``2009-2013`` is two figures);
- word figures, from the lexicon below: a cardinal (``zero`` … ``nineteen``, ``twenty``
  … ``ninety``), optionally joined by spaces or hyphens to further cardinals or the
  multipliers ``hundred``/``thousand``/``million``/``billion`` (``two hundred`` = 200,
  ``twenty-five`` = 25), optionally followed by a fraction word (``half``, ``third``,
  ``quarter``, plurals: ``two thirds`` = 2/3, matched with tolerance 1e-3) or by
  ``-fold`` (``six-fold`` = 6). ``five-hour`` is the figure ``five``. Ordinals (``first``,
  ``second``) and vague quantities without a cardinal (``several thousand``,
  ``hundreds of``) are not figures.

Figures that coverage ignores (provenance still accepts them as evidence), with the rule:

- ``name``: digits that are part of a name or model number — glued to a letter (``T38``)
  or joined by a hyphen to a capitalised word (``ADEX-2016``, ``Search-2017``, ``S-125``,
  ``MI-8``); a lower-case prefix (``mid-2000``) does not make a name;
- ``pronoun``: the bare word ``one`` (``one can``, ``one of``);
- ``anaphoric``: a word figure right after ``the`` (``the two countries``), which points
  back at things already named rather than counting them.

Digits inside link targets and image lines vanish with the markup (rule 1 above); caption
paragraphs (containing ``Source:``) are skipped by coverage, see ``coverage``.
"""

from __future__ import annotations

import bisect
import functools
import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

from bdigest_data.edtf import Edtf
from bdigest_data.metadata import roles

if TYPE_CHECKING:
    from bdigest_data.metadata.classes import TableSchema

# --- normalisation -------------------------------------------------------------------------

_MARKUP = re.compile(
    r"(?P<dollar>\\\$)|!?\[(?P<label>[^\[\]\n]*)\]\([^()\n]*\)|(?P<emph>\*+)"
)
_WS = re.compile(r"[\s\ufeff]+")  # a byte-order mark is not text
LINE_BREAK = re.compile(r"\r\n|\r(?!\n)|\n")  # a line end: LF, CRLF or CR
# what ``fold`` drops too: a heading's marks (``##`` before a space), as a reader sees text
_MARKUP_AND_HEADINGS = re.compile(_MARKUP.pattern + r"|(?P<heading>(?<!\S)#{1,6}(?=\s))")


def _kept(m: re.Match[str]) -> tuple[int, int]:
    """The span of ``m`` that survives markup removal (empty for emphasis and headings'
    marks)."""
    if m.group("dollar") is not None:
        return m.end() - 1, m.end()
    if m.group("label") is not None:
        return m.span("label")
    return m.end(), m.end()


def normalise(raw: str) -> str:
    """``raw`` with markup dropped and whitespace folded (see the module docstring)."""
    return _normalise(raw) if len(raw) > CACHED_CHARS else _normalised(raw)


def _normalise(raw: str) -> str:
    bare = _MARKUP.sub(lambda m: m.string[slice(*_kept(m))], raw)
    return _WS.sub(" ", bare).strip()


# Pure functions of their text, cached for the process: quotes repeat from one check and one
# validation to the next (a suite validates hundreds of copies of the same texts). A text
# longer than a quote is an article's, normalised once by its ``Article``: 8,192 of them
# held here would keep 150 MB (key and value) for the life of the process at 5,000 articles.
CACHED_CHARS = 4096
_normalised = functools.lru_cache(maxsize=8192)(_normalise)


def fold(raw: str) -> str:
    """``normalise(raw)`` with the marks of Markdown headings (``##`` before a space) dropped
    as well: the text as a reader sees it, by which the site finds each quote in its
    article."""
    bare = _MARKUP_AND_HEADINGS.sub(lambda m: m.string[slice(*_kept(m))], raw)
    return _WS.sub(" ", bare).strip()


def heading_free(text: str) -> str:
    """``text`` normalised as a quote, with every ``#`` dropped too (how a source's title is
    found in its article's heading)."""
    return " ".join(normalise(text).replace("#", " ").split())


@functools.lru_cache(maxsize=64)
def normalise_mapped(raw: str) -> tuple[str, Sequence[int]]:
    """``normalise(raw)`` and, for each of its characters, its offset in ``raw`` (a read-only
    view of 4-byte integers, not a tuple of ints at 36 bytes a character). Only the last 64
    are kept: ``Article.mapped`` is not cached on the article, so that a check going through
    every article never holds all their offsets at once (300 MB at 5,000 articles)."""
    origin: list[int] = []
    pos = 0
    for m in _MARKUP.finditer(raw):
        origin.extend(range(pos, m.start()))
        origin.extend(range(*_kept(m)))
        pos = m.end()
    origin.extend(range(pos, len(raw)))
    bare = "".join(raw[i] for i in origin)
    chars: list[str] = []
    folded: list[int] = []
    pos = 0
    for m in _WS.finditer(bare):
        chars.append(bare[pos : m.start()])
        folded.extend(origin[pos : m.start()])
        chars.append(" ")
        folded.append(origin[m.start()])
        pos = m.end()
    chars.append(bare[pos:])
    folded.extend(origin[pos:])
    text = "".join(chars)
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    return text, memoryview(array("i", folded[lead : lead + len(text)])).toreadonly()


# --- figures -------------------------------------------------------------------------------

_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
CARDINALS = {w: i for i, w in enumerate(_UNITS)} | {w: 10 * i for i, w in enumerate(_TENS, 2)}
MULTIPLIERS = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 10**9}
FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4}
WORD_TOLERANCE = 1e-3  # for fractions: "two thirds" matches 0.6667

_CARD = "|".join(sorted(CARDINALS, key=len, reverse=True))
_MULT = "|".join(MULTIPLIERS)
_FRAC = "|".join(sorted(FRACTIONS, key=len, reverse=True))
_FIGURE = re.compile(
    r"(?P<digits>(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\d))"
    rf"|(?P<words>\b(?:{_CARD})(?:[\s-]+(?:{_CARD}|{_MULT})\b)*"
    rf"(?:[\s-]+(?P<frac>{_FRAC})\b|-fold\b)?)\b",
    re.IGNORECASE,
)
_NAME_BEFORE = re.compile(r"(?:[A-Za-z]|\b[A-Z][A-Za-z]*-)\Z")
_THE_BEFORE = re.compile(r"\bthe \Z", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    """One figure in a normalised text: where, as written, its value, and whether it counts.

    ``ignored`` is ``None`` for a figure coverage counts, else the rule that sets it aside
    (``name``, ``pronoun``, ``anaphoric``; see the module docstring).
    """

    start: int
    end: int
    text: str
    value: float
    tolerance: float
    ignored: str | None

    @property
    def year(self) -> int | None:
        """The figure as a year when it is written as four plain digits."""
        return int(self.text) if len(self.text) == 4 and self.text.isdigit() else None


def _word_value(phrase: str) -> float:
    total, current, denominator = 0, 0, 1
    for word in re.split(r"[\s-]+", phrase.lower()):
        if word in CARDINALS:
            current += CARDINALS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in MULTIPLIERS:
            total, current = total + max(current, 1) * MULTIPLIERS[word], 0
        elif word in FRACTIONS:
            denominator = FRACTIONS[word]
    return (total + current) / denominator


def figures(text: str) -> Iterator[Figure]:
    """Every figure of a normalised ``text``, in order."""
    for m in _FIGURE.finditer(text):
        before = text[max(0, m.start() - 40) : m.start()]
        if m.group("digits") is not None:
            written = m.group("digits")
            value = float(written.replace(",", ""))
            ignored = "name" if _NAME_BEFORE.search(before) else None
            yield Figure(m.start(), m.end(), written, value, 1e-9 * max(1.0, value), ignored)
            continue
        written = m.group("words")
        tolerance = WORD_TOLERANCE if m.group("frac") else 1e-9
        if written.lower() == "one":
            ignored: str | None = "pronoun"
        elif _THE_BEFORE.search(before):
            ignored = "anaphoric"
        else:
            ignored = None
        yield Figure(m.start(), m.end(), written, _word_value(written), tolerance, ignored)


# --- dates ---------------------------------------------------------------------------------

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_MONTH_NAMES = {name: i for i, name in enumerate(MONTHS, start=1)} | {
    name[:3]: i for i, name in enumerate(MONTHS, start=1)
} | {"Sept": 9}
_MONTH = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_RANGE = r"\s*(?:-|–|—|and|to)\s*"
_DAY_MONTH = re.compile(rf"(?<!\d){_DAY}(?:{_RANGE}{_DAY})?\s+(?:of\s+)?({_MONTH})\b\.?")
_MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+{_DAY}(?:{_RANGE}{_DAY})?(?!\d)")
_MONTH_WORD = re.compile(rf"\b({_MONTH})\b")


@dataclass
class QuoteEvidence:
    """The figures and date parts written in one normalised quote."""

    text: str
    numbers: list[Figure] = field(init=False)
    years: set[int] = field(init=False)
    months: set[int] = field(init=False)
    days: set[tuple[int, int]] = field(init=False)  # (month, day)

    def __post_init__(self) -> None:
        self.numbers = list(figures(self.text))
        self.years = {y for f in self.numbers if (y := f.year) is not None}
        self.months = {_MONTH_NAMES[m.group(1)] for m in _MONTH_WORD.finditer(self.text)}
        self.days = set()
        for m in _DAY_MONTH.finditer(self.text):
            month = _MONTH_NAMES[m.group(3)]
            self.days |= {(month, int(d)) for d in m.group(1, 2) if d}
        for m in _MONTH_DAY.finditer(self.text):
            month = _MONTH_NAMES[m.group(1)]
            self.days |= {(month, int(d)) for d in m.group(2, 3) if d}

    def has_number(self, value: float) -> bool:
        """Is ``value`` (sign ignored) written in the quote, in digits or in words?"""
        target = abs(value)
        return any(abs(f.value - target) <= f.tolerance for f in self.numbers)

    def missing_date_parts(self, date: Edtf, skip: frozenset[str] = frozenset()) -> list[str]:
        """The parts of ``date`` (both ends of an interval) that the quote does not show,
        leaving out the parts named in ``skip`` (``year``, ``month``, ``day``: derived ones).
        A season (``2011-22``) is shown by its name (``summer``) and its year."""
        missing: list[str] = []
        season = date.season
        if season is not None and "month" not in skip and not re.search(
                rf"\b{season}\b", self.text, re.IGNORECASE):
            missing.append(f"season {season}")
        ends = (date.earliest,) if season is not None else (date.earliest, date.latest)
        for day in dict.fromkeys(ends):
            if "year" not in skip and day.year not in self.years:
                missing.append(f"year {day.year}")
            if (date.precision in ("month", "day") and "month" not in skip
                    and day.month not in self.months):
                missing.append(f"month {MONTHS[day.month - 1]}")
            if (date.precision == "day" and "day" not in skip
                    and (day.month, day.day) not in self.days):
                missing.append(f"day {day.day} {MONTHS[day.month - 1]}")
        return list(dict.fromkeys(missing))


def show(value: object) -> str:
    """A cell value as text for a message: ``97.0`` reads ``97``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- articles ------------------------------------------------------------------------------


@dataclass
class Article:
    """One source article: its span of the seed file and its normalised text."""

    source_id: str
    seed_file: str
    start: int
    end: int
    raw: str  # the article's span of the seed text

    @property
    def mapped(self) -> tuple[str, Sequence[int]]:
        """Normalised text and, per character, its offset in ``raw`` (``normalise_mapped``:
        the last 64 articles' are cached; ``text`` alone costs a quarter as much)."""
        return normalise_mapped(self.raw)

    @cached_property
    def text(self) -> str:
        """Normalised text."""
        return normalise(self.raw)


class PackageText(Protocol):
    """What ``articles`` and ``fact_tables`` read of a package (the validator's
    ``validation.context.PackageData``; named here so this floor imports nothing above)."""

    def role_table(self, role: str) -> Any: ...

    def text(self, relpath: str) -> str: ...

    def fact_tables(self) -> list[str]: ...


def line_numbers(text: str) -> Callable[[int], int]:
    """For ``text`` (a seed file), the 1-based line of each offset; LF, CRLF and CR each end
    a line."""
    breaks = [m.start() for m in LINE_BREAK.finditer(text)]
    return lambda offset: bisect.bisect_left(breaks, offset) + 1


def articles(pkg: PackageText) -> dict[str, Article]:
    """The package's articles by source id (the rows of the ``"bdigest:role": "sources"``
    table, its fields found by role: ``seed-file``, ``char-start``, ``char-end``); rows whose
    seed file is not a declared resource or cannot be read are left out (other checks
    report those)."""
    sources = pkg.role_table(roles.SOURCES)
    cols = source_columns(sources.schema) if sources is not None else None
    if cols is None:
        return {}
    return read_articles(zip(*(sources.column(c).to_pylist() for c in cols), strict=True),
                         pkg.text)


def source_columns(schema: TableSchema) -> tuple[str, str, str, str] | None:
    """The fields of a sources table that place an article: its key, ``seed-file``,
    ``char-start``, ``char-end`` (``None`` when one is missing)."""
    cols = (schema.primary_key[0] if schema.primary_key else None,
            schema.role_name(roles.SEED_FILE), schema.role_name(roles.CHAR_START),
            schema.role_name(roles.CHAR_END))
    return None if None in cols else cols  # type: ignore[return-value]


def read_articles(rows: Iterable[Sequence[Any]], text: Callable[[str], str]
                  ) -> dict[str, Article]:
    """The articles of ``rows`` (source id, seed file, start, end), each seed file read with
    ``text``; a row with a missing cell, or whose seed file cannot be read (``OSError``,
    ``UnicodeDecodeError``), is left out."""
    result: dict[str, Article] = {}
    for sid, seed, start, end in rows:
        if None in (sid, seed, start, end):
            continue
        try:
            seed_text = text(seed)
        except (OSError, UnicodeDecodeError):
            continue
        result[sid] = Article(sid, seed, int(start), int(end), seed_text[int(start):int(end)])
    return result


def places(article: Article, quote: str) -> list[tuple[int, int]]:
    """Every place of ``quote`` in ``article``: each occurrence of the normalised quote in
    the article's normalised text (overlapping ones too), as the span ``[start, end)`` of
    the raw seed file it comes from (first and last matched character mapped back through
    ``normalise_mapped``). Empty when the quote is not there; more than one place is an
    ambiguous quote."""
    needle = normalise(quote)
    if not needle:
        return []
    text, origin = article.mapped
    found = []
    at = text.find(needle)
    while at >= 0:
        found.append((article.start + origin[at],
                      article.start + origin[at + len(needle) - 1] + 1))
        at = text.find(needle, at + 1)
    return found


def place_count(article: Article, quote: str) -> int:
    """How many places ``places`` gives ``quote`` in ``article``, counted up to 2 (more than
    one: an ambiguous quote), found in its normalised ``text`` alone: no offset is mapped
    back, so a check of every quote needs no article's offsets."""
    needle = normalise(quote)
    at = article.text.find(needle) if needle else -1
    if at < 0:
        return 0
    return 1 if article.text.find(needle, at + 1) < 0 else 2


def listed_sources(pkg: PackageText) -> set[str]:
    """The ids of the sources table's rows, whether or not ``articles`` could read them (a
    row whose offsets or seed file are broken is reported on its own): an id listed here but
    missing from ``articles`` is unreadable, not absent."""
    sources = pkg.role_table(roles.SOURCES)
    if sources is None or not sources.schema.primary_key:
        return set()
    return {sid for sid in sources.column(sources.schema.primary_key[0]).to_pylist()
            if sid is not None}


def fact_tables(pkg: PackageText) -> list[str]:
    """The fact tables read (``"bdigest:role": "facts"``), in package order."""
    return pkg.fact_tables()


def evidence_fields(schema: TableSchema) -> dict[str, str]:
    """Field name -> ``number`` or ``date`` for the fields marked ``bdigest:evidence``."""
    return {f.name: f.evidence for f in schema.fields if f.evidence}
