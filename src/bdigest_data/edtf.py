"""The subset of EDTF (ISO 8601-2) dates the tables use, and their earliest and latest day.

Accepted: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, the level-1 seasons ``YYYY-21`` (spring),
``-22`` (summer), ``-23`` (autumn), ``-24`` (winter) — northern meteorological seasons:
March-May, June-August, September-November, December to February of the next year —, each
optionally followed by ``?`` (uncertain) or ``~`` (approximate), and intervals ``A/B`` of two
such dates. A schema marks
an EDTF field with the annotation ``"bdigest:edtf": true`` (``metadata.roles.EDTF``, read by
``metadata.Field.edtf``); its ``pattern``
constraint (``PATTERN``) admits exactly these shapes; this module turns them into dates.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_PART = r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?([?~])?"
_RE = re.compile(rf"{_PART}(?:/{_PART})?")  # the whole text: fullmatch
PRECISIONS = ("year", "season", "month", "day")
SEASONS = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}
_SEASON_START = {21: 3, 22: 6, 23: 9, 24: 12}

# The ``pattern`` constraint of an EDTF field (its shape, which frictionless checks too).
PATTERN = (
    r"^\d{4}(-(0[1-9]|1[0-2]|2[1-4])(-(0[1-9]|[12]\d|3[01]))?)?[?~]?"
    r"(/\d{4}(-(0[1-9]|1[0-2]|2[1-4])(-(0[1-9]|[12]\d|3[01]))?)?[?~]?)?$"
)


@dataclass(frozen=True)
class Edtf:
    """A parsed EDTF value: the span of days it may denote and how precisely it is given."""

    text: str
    earliest: date
    latest: date
    precision: str  # "year", "season", "month" or "day" (of the coarser end of an interval)

    @property
    def season(self) -> str | None:
        """The season's name when the value (its first end) is a season, else ``None``."""
        m = _RE.fullmatch(self.text)
        code = int(m.group(2)) if m and m.group(2) else 0
        return SEASONS.get(code)


def _bounds(y: str, m: str | None, d: str | None) -> tuple[date, date, int]:
    year = int(y)
    if m is None:
        return date(year, 1, 1), date(year, 12, 31), 0
    month = int(m)
    if month in SEASONS:
        if d is not None:
            raise ValueError("a season has no day")
        first = _SEASON_START[month]
        end_year, end_month = (year + 1, 2) if month == 24 else (year, first + 2)
        return (date(year, first, 1),
                date(end_year, end_month, calendar.monthrange(end_year, end_month)[1]), 1)
    if d is None:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), 2
    day = date(year, month, int(d))
    return day, day, 3


def parse(text: str) -> Edtf:
    """Parse ``text``; ``ValueError`` with the reason when it is not a date we accept."""
    m = _RE.fullmatch(text)
    if not m:
        raise ValueError(
            f"{text!r} is not an EDTF date of the forms YYYY, YYYY-MM, YYYY-MM-DD, A/B"
        )
    g = m.groups()
    try:
        lo, hi, prec = _bounds(g[0], g[1], g[2])
        if g[4] is not None:
            lo2, hi2, prec2 = _bounds(g[4], g[5], g[6])
            if lo2 < lo:
                raise ValueError(f"{text!r}: the interval ends before it starts")
            hi, prec = hi2, min(prec, prec2)
    except ValueError as exc:  # a day or month that does not exist
        raise ValueError(f"{text!r}: {exc}") from None
    return Edtf(text, lo, hi, PRECISIONS[prec])


_QUALIFIED = {"~": "about {}", "?": "possibly {}"}


def _part_words(y: str, m: str | None, d: str | None, mark: str | None) -> str:
    if m is None:
        said = y
    elif int(m) in SEASONS:  # winter runs into the next year
        said = f"{SEASONS[int(m)]} {y}" + (f"–{int(y) + 1}" if int(m) == 24 else "")
    else:
        month = calendar.month_name[int(m)]
        said = f"{int(d)} {month} {y}" if d else f"{month} {y}"
    return _QUALIFIED[mark].format(said) if mark else said


def words(text: str) -> str:
    """An EDTF value in words, as a reader says it: ``2011-22`` "summer 2011",
    ``2013/2015`` "2013 to 2015", ``2016~`` "about 2016", ``2012-04?`` "possibly April
    2012", ``2014-07-24`` "24 July 2014". ``ValueError`` as :func:`parse` for other text."""
    parse(text)  # the same refusals, with the same reasons
    m = _RE.fullmatch(text)
    assert m is not None
    g = m.groups()
    first = _part_words(*g[:4])
    return first if g[4] is None else f"{first} to {_part_words(*g[4:])}"
