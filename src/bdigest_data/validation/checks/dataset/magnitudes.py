"""Figures as written, their scale and currency words, and the measure conventions.

For every fact table with a ``value_as_written`` field (the measure tables) and its number
evidence field (``value``, ``rank``, ``count``):

- ``written-not-in-quote``: value_as_written does not occur in the quote;
  ``written-missing``: a value that is not derived has no value_as_written;
  ``written-figure``: the value (sign ignored) is not the figure value_as_written shows.
- ``scale-word``: the scale disagrees with value_as_written's scale word: ``m``, ``mn``,
  ``million`` -> million; ``bn``, ``billion`` -> billion; ``thousand`` -> thousand; no
  word -> one (``$97m`` is million, ``$1bn`` billion). ``unit-missing``: a value without
  unit or scale, or unit/scale without a value.
- ``currency-word``: ``$`` or ``dollar`` in value_as_written needs unit ``currency`` with
  currency ``USD`` or unit ``tiv`` (SIPRI's dollar figures); currency ``USD`` needs ``$``
  or ``dollar``; a currency is set only for unit ``currency``.
- ``measure-missing``: a value or a direction without a measure, or a measure without
  either; ``aggregation-role``: measure set but no aggregation, ``part`` or ``subset``
  without part_of, part_of on a row that is neither, ``total`` that no ``part`` names in
  part_of, or a row a ``part`` names that is not ``total`` (a row named only by subsets is
  ``standalone``: its subsets are not a breakdown of it); ``part-measure-mismatch``: a part
  or subset whose measure or period differs from its row's; ``parts-not-exhaustive``: the
  ``part`` rows of a total (of one unit and scale) do not add up to it (within 0.5%), so
  they are subsets, or parts are missing. So a sum over rows that are not ``total`` and
  not ``subset`` never counts a thing twice and gives what the totals give.
- ``direction-sign``: a change whose value's sign disagrees with its direction.
- ``qualifier-word``: the qualifier disagrees with value_as_written's qualifier word
  (``QUALIFIER_WORDS``: "up to" -> ``up_to``, "about", "around", "approximately",
  "roughly", "some" -> ``about``, "nearly", "almost" -> ``nearly``, "at least" ->
  ``at_least``, "more than", "over" -> ``more_than``), or is set without its word.
- ``unit-word``: value_as_written names a unit (``UNIT_WORDS``: "%", "per cent", "percent"
  -> ``percent``; "tonnes", "tons" -> ``tonne``; "16th", "141st" -> ``rank``) and the unit
  is another one ("84.7 thousand tonnes" is not ``percent``).
- ``part-actor-mismatch``: a part and its total both name an actor field
  (``"bdigest:evidence": "actor"``: a country, a supplier, a counting organisation) with
  different actors: the parts of a count are of the total's country.
"""

from __future__ import annotations

import re
from typing import Any

from bdigest_data.catalogue import (
    AGGREGATION_ROLE,
    CURRENCY_WORD,
    DIRECTION_SIGN,
    MEASURE_MISSING,
    PART_ACTOR_MISMATCH,
    PART_MEASURE_MISMATCH,
    PARTS_NOT_EXHAUSTIVE,
    QUALIFIER_WORD,
    SCALE_WORD,
    UNIT_MISSING,
    UNIT_WORD,
    WRITTEN_FIGURE,
    WRITTEN_MISSING,
    WRITTEN_NOT_IN_QUOTE,
)
from bdigest_data.engine.grouping import distinct
from bdigest_data.findings import Finding
from bdigest_data.metadata import roles
from bdigest_data.metadata.classes import TableSchema
from bdigest_data.text.evidence import QuoteEvidence, normalise
from bdigest_data.validation.checks.dataset.dataset import (
    DERIVED,
    Model,
    derived_entries,
    finding,
    is_derived,
    model_of,
)
from bdigest_data.validation.context import PackageData, TableData
from bdigest_data.validation.registry import register

WRITTEN = "value_as_written"
COLUMNS = ("quote", DERIVED, WRITTEN, "unit", "scale", "currency", "measure", "direction",
           "aggregation", "part_of", "period", "qualifier")
SCALE_WORDS = ((r"(?<![a-z])(bn|billion)\b", "billion"), (r"(?<![a-z])(m|mn|million)\b",
               "million"), (r"\bthousand\b", "thousand"))
DOLLAR = re.compile(r"\$|\bdollars?\b", re.IGNORECASE)
PARTS = ("part", "subset")  # the roles of a row that names another in part_of
TOLERANCE = 0.005  # parts written rounded may miss their total by this share of it
QUALIFIER_WORDS = ((r"\bup to\b", "up_to"), (r"\bat least\b", "at_least"),
                   (r"\b(about|around|approximately|roughly|some)\b", "about"),
                   (r"\b(nearly|almost)\b", "nearly"), (r"\b(more than|over)\b", "more_than"))
UNIT_WORDS = ((r"%|\bper ?cent\b", "percent"), (r"\b(tonnes?|tons?)\b", "tonne"),
              (r"\d(st|nd|rd|th)\b", "rank"))


def needs(schema: TableSchema) -> set[str]:
    pk = schema.primary_key
    return {*COLUMNS, *pk, *(f.name for f in schema.fields
                             if f.evidence in (roles.NUMBER, roles.ACTOR))}


@register("dataset",
          WRITTEN_MISSING, WRITTEN_NOT_IN_QUOTE, WRITTEN_FIGURE, UNIT_MISSING,
          SCALE_WORD, CURRENCY_WORD, MEASURE_MISSING, AGGREGATION_ROLE,
          PART_MEASURE_MISMATCH, PARTS_NOT_EXHAUSTIVE, DIRECTION_SIGN, QUALIFIER_WORD,
          UNIT_WORD, PART_ACTOR_MISMATCH)
def check_magnitudes(pkg: PackageData) -> list[Finding]:
    """The magnitudes rules (see the module docstring)."""
    return _check(model_of(pkg))


def _check(model: Model) -> list[Finding]:
    out: list[Finding] = []
    for name in model.facts():
        td = model.pkg.tables[name]
        if WRITTEN not in td.table.column_names:
            continue
        numbers = [f.name for f in td.schema.fields if f.evidence == roles.NUMBER]
        value = numbers[0] if numbers else None
        out += _cells(td, value)
        out += _roles(model, td)
        if value is not None:
            out += _exhaustive(model, td, value)
    return out


def scale_of(written: str) -> str:
    """The scale a figure as written shows."""
    for pattern, scale in SCALE_WORDS:
        if re.search(pattern, written, re.IGNORECASE):
            return scale
    return "one"


def word_of(written: str, words: tuple[tuple[str, str], ...]) -> str | None:
    """The value the first of ``words`` (pattern, value) that ``written`` shows stands for."""
    return next((v for pattern, v in words if re.search(pattern, written, re.IGNORECASE)),
                None)


def _words(written: str | None, qualifier: str | None, unit: str | None
           ) -> list[tuple[str, str, str]]:
    """``qualifier-word`` and ``unit-word`` problems of one figure as written."""
    problems = []
    said = word_of(written or "", QUALIFIER_WORDS)
    if written and qualifier != said and (said or qualifier):
        problems.append((QUALIFIER_WORD, "qualifier", f"qualifier is {qualifier!r} but "
                         f"{written!r} " + (f"says {said!r}" if said else "has no qualifier "
                         "word: write the figure with its word, as the quote does")))
    shown = word_of(written or "", UNIT_WORDS)
    if shown and unit is not None and unit != shown:
        problems.append((UNIT_WORD, "unit", f"unit is {unit!r} but {written!r} is written "
                         f"in {shown!r}"))
    return problems


def _judge(value_field: str | None, key: tuple[Any, ...]) -> list[tuple[str, str, str]]:
    (quote, derived, written, unit, scale, currency, measure, direction, _agg, _part, _period,
     qualifier, value) = key
    entries = derived_entries(derived)
    value_derived = value_field is not None and is_derived(entries, value_field)
    problems: list[tuple[str, str, str]] = []
    has_value = value is not None
    if has_value and not value_derived and not written:
        problems.append((WRITTEN_MISSING, WRITTEN, f"{value_field} is given but "
                         "value_as_written is empty: copy the figure as the quote writes it"))
    if written and quote and normalise(written) not in normalise(quote):
        problems.append((WRITTEN_NOT_IN_QUOTE, WRITTEN,
                         f"value_as_written {written!r} does not occur in the quote"))
    if written and has_value and not value_derived \
            and not QuoteEvidence(normalise(written)).has_number(float(value)):
        problems.append((WRITTEN_FIGURE, value_field or WRITTEN,
                         f"{value_field} {value} is not the figure of {written!r}"))
    if has_value != (unit is not None) or has_value != (scale is not None):
        problems.append((UNIT_MISSING, "unit", "a value needs a unit and a scale, and "
                         "unit and scale need a value"))
    if written and scale is not None and scale_of(written) != scale:
        problems.append((SCALE_WORD, "scale", f"scale is {scale!r} but {written!r} is "
                         f"written in {scale_of(written)!r}"))
    dollar = bool(written and DOLLAR.search(written))
    if currency is not None and unit != "currency":
        problems.append((CURRENCY_WORD, "currency", f"currency {currency!r} is set but unit "
                         f"is {unit!r}: a currency is only for money"))
    elif dollar and not (unit == "tiv" or (unit == "currency" and currency == "USD")):
        problems.append((CURRENCY_WORD, "currency", f"{written!r} is in dollars: unit "
                         "'currency' with currency 'USD' (or unit 'tiv' for SIPRI figures), "
                         f"not unit {unit!r} currency {currency!r}"))
    elif currency == "USD" and written and not dollar:
        problems.append((CURRENCY_WORD, "currency", f"currency is 'USD' but {written!r} "
                         "shows no '$' or 'dollar'"))
    if (has_value or direction is not None) != (measure is not None):
        problems.append((MEASURE_MISSING, "measure", "a value or a direction needs a "
                         "measure, and a measure needs one of them"))
    if measure == "change" and has_value and direction is not None \
            and (float(value) < 0) != (direction == "decrease") and float(value) != 0:
        problems.append((DIRECTION_SIGN, "direction", f"direction {direction!r} but value "
                         f"{value}: a decrease is negative, an increase positive"))
    return problems + _words(written, qualifier, unit)


def _cells(td: TableData, value: str | None) -> list[Finding]:
    cols = [td.column(c) for c in (*COLUMNS, value)]
    groups = distinct(*cols)
    verdicts = [_judge(value, key) for key in groups.keys]
    out = []
    for row, problems in groups.flagged(verdicts):
        key = groups.keys[groups.inverse[row]]
        cells = dict(zip((*COLUMNS, value or "value"), key, strict=True))
        for code, field, msg in problems:
            out.append(finding(td, code, row, msg, field, cells.get(field)))
    return out


def _roles(model: Model, td: TableData) -> list[Finding]:
    rows = model.rows(td.name)
    if rows is None or "aggregation" not in td.table.column_names:
        return []
    key = td.schema.primary_key[0] if td.schema.primary_key else None
    named = {r.get("part_of") for r in rows.rows
             if r.get("part_of") and r.get("aggregation") == "part"}
    actors = [f.name for f in td.schema.fields if f.evidence == roles.ACTOR
              and f.name in td.table.column_names]
    units = {f.name for f in td.schema.with_role(roles.UNIT)}  # part-unit-mismatch's
    out = []
    for i, r in enumerate(rows.rows):
        agg, part_of = r.get("aggregation"), r.get("part_of")
        problem = None
        if r.get("measure") is not None and agg is None:
            problem = "measure is set but aggregation is empty"
        elif agg in PARTS and not part_of:
            problem = f"aggregation is {agg!r} but part_of is empty"
        elif part_of and agg not in PARTS:
            problem = f"part_of is {part_of} but aggregation is {agg!r}, not 'part' or 'subset'"
        elif agg == "total" and r.get(key) not in named:
            problem = ("aggregation is 'total' but no part names it in part_of (a row with "
                       "only subsets is 'standalone')")
        elif r.get(key) in named and agg != "total":
            problem = f"parts name it in part_of but its aggregation is {agg!r}, not 'total'"
        if problem:
            out.append(finding(td, AGGREGATION_ROLE, i, problem, "aggregation", agg))
        total = rows.get(part_of) if part_of else None
        if total is not None:
            for f in ("measure", "period"):
                if f in r and f not in units and r.get(f) != total.get(f):
                    out.append(finding(td, PART_MEASURE_MISMATCH, i,
                                       f"{f} {r.get(f)!r} differs from its total {part_of}'s "
                                       f"{total.get(f)!r}", f, r.get(f)))
            for f in actors:
                if None not in (r.get(f), total.get(f)) and r.get(f) != total.get(f):
                    out.append(finding(td, PART_ACTOR_MISMATCH, i,
                                       f"{f} {r.get(f)} differs from its total {part_of}'s "
                                       f"{total.get(f)}: a part counts within its total",
                                       f, r.get(f)))
    return out


def _exhaustive(model: Model, td: TableData, value: str) -> list[Finding]:
    """parts-not-exhaustive: the parts of each total add up to no less than it. Parts that
    add up to more are ``parts-exceed-total`` (semantics), and a total is not judged while
    one of its parts is of another unit (``part-unit-mismatch``), has no value or has a
    cell that did not parse (each its own finding): one mistake, one finding."""
    rows = model.rows(td.name)
    if rows is None or "aggregation" not in td.table.column_names:
        return []
    key = td.schema.primary_key[0] if td.schema.primary_key else None
    units = [f.name for f in td.schema.with_role(roles.UNIT)]
    sums: dict[Any, float] = {}
    broken: set[Any] = set()
    for i, r in enumerate(rows.rows):
        total = rows.get(r.get("part_of")) if r.get("aggregation") == "part" else None
        if total is None:
            continue
        if r.get(value) is None or model.pkg.failed_in(td.name, i) \
                or any(r.get(u) != total.get(u) for u in units):
            broken.add(r.get("part_of"))
            continue
        sums[r.get("part_of")] = sums.get(r.get("part_of"), 0.0) + float(r.get(value))
    out = []
    for i, r in enumerate(rows.rows):
        if r.get(key) not in sums or r.get(key) in broken or r.get(value) is None:
            continue
        whole, added = float(r.get(value)), sums[r.get(key)]
        if whole - added > TOLERANCE * abs(whole):
            out.append(finding(td, PARTS_NOT_EXHAUSTIVE, i,
                               f"its parts add up to {added:g}, not {whole:g}: parts that do not "
                               "make up the whole are aggregation 'subset' (and the row they "
                               "belong to 'standalone' if it has no parts)", value, r.get(value)))
    return out
