"""Every derived value has a derivation, and agrees with what it claims to rest on.

The derivations table (``"bdigest:role": "derivations"``) has one row per entry of a fact
row's ``derived_fields`` (``field`` or ``field.part``; part ``all`` for a whole field) and
per derived part of a source's publication date.

- ``derivation-missing``: a derived_fields entry without a derivation row;
  ``derivation-orphan``: a derivation of a row that does not exist, or of a field (part)
  the row's derived_fields does not list; a derivation of ``correction_note`` (part ``all``,
  basis ``external``) is the outside knowledge a correction rests on, the value kept as the
  article gives it, and needs the row's correction_note.
- ``derivation-incomplete``: a basis without what it needs (``row`` without rests_on_*,
  ``text`` without evidence, ``arithmetic`` without expression, ``external`` without
  claim), a rests_on row that does not exist, or an ``offset`` or ``expression`` that
  gives no value (an offset that is no duration or leaves the calendar; an expression that
  does not parse, is nested too deep, divides by zero or is not finite), located at that
  cell; the other rows are still judged.
- ``derivation-evidence``: evidence that is not a verbatim passage of the row's article.
- ``derivation-disagrees``: the derived value is not what its basis gives:
  ``publication`` the article's ``published`` (shifted by ``offset``) at that part;
  ``row`` the other row's field (shifted by ``offset``), compared at the part (``all``: at
  the precision the derived date is written in, or equal for other values); ``text`` the
  part (minus offset) shown by evidence (a year, month name, day, or an actor's, person's
  or place's name); ``arithmetic`` the value of ``expression``, whose literals other than
  1 and 100 are figures of the quote or evidence; ``count`` the number of names in
  ``persons``; ``capital`` the host's capital (``places.capital_of``).
  Changing a source's ``published`` thus flags every row derived from it.
- ``derivation-uncertainty``: confidence ``uncertain`` on a date without ``?``.
"""

from __future__ import annotations

import ast
import calendar
import math
import operator
import re
from datetime import date, timedelta
from typing import Any

from bdigest_data import edtf
from bdigest_data.catalogue import (
    DERIVATION_DISAGREES,
    DERIVATION_EVIDENCE,
    DERIVATION_INCOMPLETE,
    DERIVATION_MISSING,
    DERIVATION_ORPHAN,
    DERIVATION_UNCERTAINTY,
)
from bdigest_data.findings import Finding
from bdigest_data.metadata import roles
from bdigest_data.metadata.classes import TableSchema
from bdigest_data.text.evidence import MONTHS, QuoteEvidence, articles, normalise
from bdigest_data.validation.checks.dataset.dataset import (
    DERIVED,
    Model,
    derived_entries,
    finding,
    model_of,
    split,
    word_in,
)
from bdigest_data.validation.context import PackageData, contained
from bdigest_data.validation.registry import register

PARTS = ("year", "month", "day")
CORRECTION = "correction_note"  # a derivation of it: the outside knowledge a correction rests on
_DURATION = re.compile(r"(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?")  # fullmatch
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
        ast.Div: operator.truediv}


class Unusable(ValueError):
    """A cell of a derivation row that its basis cannot use (an offset or expression that
    gives no value): reported as ``derivation-incomplete`` at that cell."""

    def __init__(self, field: str, value: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.value = value if len(value) <= 120 else value[:119] + "…"


def _quoted(text: str) -> str:
    """``text`` for a message: quoted, and cut after 60 characters."""
    return repr(text if len(text) <= 60 else text[:59] + "…")


def needs(schema: TableSchema) -> set[str]:
    return {f.name for f in schema.fields}  # a derivation may name any field


@register("dataset",
          DERIVATION_MISSING, DERIVATION_ORPHAN, DERIVATION_INCOMPLETE,
          DERIVATION_EVIDENCE, DERIVATION_DISAGREES, DERIVATION_UNCERTAINTY)
def check_derivations(pkg: PackageData) -> list[Finding]:
    """The derivations rules (see the module docstring)."""
    return _check(model_of(pkg))


def _check(model: Model) -> list[Finding]:
    td = model.pkg.role_table(roles.DERIVATIONS)
    if td is None or not model.complete():
        return []
    return _Check(model, td).run()


def shift(day: date, offset: str | None) -> date:
    """``day`` plus an ISO 8601 duration (``P1D``, ``-P1Y``; months and years by calendar)."""
    m = _DURATION.fullmatch(offset or "P0D")
    if not m:
        raise Unusable("offset", offset or "", f"offset {_quoted(offset or '')} is not an ISO "
                       "8601 duration like P1D or -P1Y")
    sign = -1 if m.group(1) else 1
    try:
        years, months, days = (int(g or 0) * sign for g in m.groups()[1:])
        month0 = day.month - 1 + months + 12 * years
        year, month = day.year + month0 // 12, month0 % 12 + 1
        d = min(day.day, calendar.monthrange(year, month)[1])
        return date(year, month, d) + timedelta(days=days)
    except (ValueError, OverflowError):  # a year outside 1-9999, a day count past C's int
        raise Unusable("offset", offset or "", f"offset {_quoted(offset or '')} takes {day} "
                       f"out of the calendar (years 1 to {date.max.year})") from None


def evaluate(expression: str) -> float:
    """The value of an arithmetic expression of numbers, + - * / and parentheses;
    ``ValueError`` for any expression that does not give a finite number (one that does
    not parse, is nested too deep, divides by zero or overflows)."""

    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            return -ev(node.operand) if isinstance(node.op, ast.USub) else ev(node.operand)
        raise Unusable("expression", expression, f"{_quoted(expression)}: only numbers, "
                       "+ - * / and parentheses")

    try:
        result = ev(_parsed(expression))
    except ZeroDivisionError:
        raise Unusable("expression", expression, f"{_quoted(expression)} divides by zero"
                       ) from None
    except (OverflowError, RecursionError) as exc:
        raise Unusable("expression", expression, f"{_quoted(expression)} cannot be "
                       f"evaluated: {exc}") from None
    if not math.isfinite(result):
        raise Unusable("expression", expression, f"{_quoted(expression)} does not give a "
                       f"finite number ({result})")
    return result


def literals(expression: str) -> list[float]:
    return [float(n.value) for n in ast.walk(_parsed(expression))
            if isinstance(n, ast.Constant) and isinstance(n.value, int | float)]


def _parsed(expression: str) -> ast.Expression:
    """The syntax tree of ``expression``; ``ValueError`` when it is no Python expression or
    is nested deeper than the parser goes (a ``RecursionError``, or the ``MemoryError``
    "source too complex" of the parser's own stack)."""
    try:
        return ast.parse(expression, mode="eval")
    except (SyntaxError, RecursionError, MemoryError, ValueError) as exc:  # ValueError: NUL
        raise Unusable("expression", expression, f"{_quoted(expression)} is not an arithmetic "
                       f"expression: {getattr(exc, 'msg', None) or exc or 'nested too deep'}"
                       ) from None


def _part_of(d: date, part: str) -> int:
    return {"year": d.year, "month": d.month, "day": d.day}[part]


def _parts_of(value: edtf.Edtf, part: str) -> list[str]:
    """The parts to compare: ``part``, or for ``all`` those the value is written with; none
    for a part outside the vocabulary (the structure group reports that cell)."""
    if part != "all":
        return [part] if part in PARTS else []
    return list(PARTS[: {"year": 1, "season": 1, "month": 2, "day": 3}[value.precision]])


class _Check:
    def __init__(self, model: Model, td: Any) -> None:
        self.model = model
        self.td = td
        self.rows = model.rows(td.name)
        self.arts = articles(model.pkg)
        self.out: list[Finding] = []

    def fail(self, i: int, code: str, msg: str, field: str | None = None,
             value: Any = None) -> None:
        self.out.append(finding(self.td, code, i, msg, field, value))

    def target(self, table: str | None, rid: Any) -> dict[str, Any] | None:
        rows = self.model.rows(table) if table else None
        if rows is None:
            return None
        keys = rows.td.schema.primary_key
        if not keys or keys[0] not in rows.td.table.column_names:
            return None
        key_type = rows.td.table.schema.field(keys[0]).type
        # an id of ASCII digits that fits an integer key ("²" is a digit int() refuses)
        number = str(rid).isascii() and str(rid).isdigit() and len(str(rid)) < 19
        return rows.get(int(rid) if str(key_type).startswith("int") and number else rid)

    def run(self) -> list[Finding]:
        assert self.rows is not None
        seen: set[tuple[Any, ...]] = set()
        for i, d in enumerate(self.rows.rows):
            seen.add((d.get("table_name"), d.get("row_id"), d.get("field"), d.get("part")))
            with contained(self.out, roles.DERIVATIONS, self.td, i):
                self.check_row(i, d)
        self.missing(seen)
        return self.out

    def check_row(self, i: int, d: dict[str, Any]) -> None:
        if self.model.unknowable(d.get("table_name")) or \
                self.model.unknowable(d.get("rests_on_table")):
            return
        row = self.target(d.get("table_name"), d.get("row_id"))
        if row is None:
            self.fail(i, DERIVATION_ORPHAN, f"no row {d.get('row_id')!r} in "
                      f"{d.get('table_name')}", "row_id", d.get("row_id"))
            return
        if d.get("field") == CORRECTION:
            if d.get("basis") != "external" or d.get("part") != "all" or not row.get(CORRECTION):
                self.fail(i, DERIVATION_ORPHAN, f"a derivation of {CORRECTION} is the outside "
                          "knowledge a correction rests on: basis 'external', part 'all', and "
                          f"{d.get('table_name')} {d.get('row_id')} must have a {CORRECTION}",
                          "field", CORRECTION)
                return
        elif d.get("table_name") != roles.SOURCES:
            entries = derived_entries(row.get(DERIVED))
            entry = d["field"] if d.get("part") == "all" else f"{d['field']}.{d['part']}"
            if entry not in entries:
                self.fail(i, DERIVATION_ORPHAN, f"{d.get('table_name')} "
                          f"{d.get('row_id')} does not list {entry!r} in derived_fields "
                          f"({row.get(DERIVED) or 'empty'})", "field", entry)
                return
        other = self.target(d.get("rests_on_table"), d.get("rests_on_id"))
        if self.model.unparsed(d.get("table_name"), row, d.get("field")) or \
                self.model.unparsed(d.get("rests_on_table"), other, d.get("rests_on_field")):
            return  # a cell it compares did not parse: reported once, by the structure group
        try:
            self.judge(i, d, row)
        except Unusable as exc:
            self.fail(i, DERIVATION_INCOMPLETE, str(exc), exc.field, exc.value)
        except ValueError as exc:
            self.fail(i, DERIVATION_INCOMPLETE, str(exc), "basis", d.get("basis"))

    def missing(self, seen: set[tuple[Any, ...]]) -> None:
        for name in self.model.facts():
            rows = self.model.rows(name)
            if rows is None or DERIVED not in rows.td.table.column_names:
                continue
            key = rows.td.schema.primary_key[0]
            if key not in rows.td.table.column_names:
                continue
            for i, r in enumerate(rows.rows):
                for e in sorted(derived_entries(r.get(DERIVED))):
                    fld, _, part = e.partition(".")
                    if (name, str(r.get(key)), fld, part or "all") not in seen:
                        self.out.append(finding(rows.td, DERIVATION_MISSING, i,
                                                f"derived_fields lists {e!r} but derivations "
                                                "has no row for it", DERIVED, e))

    # the bases --------------------------------------------------------------------------

    def judge(self, i: int, d: dict[str, Any], row: dict[str, Any]) -> None:
        basis, fld = d.get("basis"), d["field"]
        value = row.get(fld)
        kind = self.kind(d["table_name"], fld)
        if value is None:
            return  # an empty derived value rests on nothing to compare
        lookup = {"publication": roles.ARTICLE, "capital": roles.PLACE}.get(basis) or \
            (kind if basis == "text" else None)
        if lookup and not self.model.knows(lookup):
            return  # the table it is looked up in is unusable (reported on its own)
        date_value = edtf.parse(str(value)) if kind == roles.DATE else None
        if d.get("confidence") == "uncertain" and date_value is not None and "?" not in value:
            self.fail(i, DERIVATION_UNCERTAINTY, f"the derivation is uncertain but "
                      f"{fld} {value!r} has no '?'", "confidence", "uncertain")
        source = self.target(roles.SOURCES, row.get("source_id", d.get("row_id")))
        article = self.arts.get(row.get("source_id") or d.get("row_id"))
        if basis == "publication":
            published = source and source.get("published")
            if date_value is None or not published:
                raise ValueError("basis 'publication' needs a date field and a published date")
            self.compare_dates(i, d, date_value, edtf.parse(published), "sources.published")
        elif basis == "row":
            other_table, other_field = d.get("rests_on_table"), d.get("rests_on_field")
            other = self.target(other_table, d.get("rests_on_id"))
            if not (other_table and other_field and d.get("rests_on_id")):
                raise ValueError("basis 'row' needs rests_on_table, rests_on_id, rests_on_field")
            if other is None:
                raise ValueError(f"rests on {other_table} {d.get('rests_on_id')}, which does "
                                 "not exist")
            theirs = other.get(other_field)
            where = f"{other_table} {d.get('rests_on_id')} {other_field}"
            if date_value is not None and theirs is not None:
                self.compare_dates(i, d, date_value, edtf.parse(str(theirs)), where)
            elif theirs != value:
                self.disagree(i, d, value, f"{where} is {theirs!r}")
        elif basis == "text":
            evidence = d.get("evidence")
            if not evidence:
                raise ValueError("basis 'text' needs evidence")
            if self.evidence_ok(i, d, article):
                self.text(i, d, value, kind, date_value, normalise(evidence))
        elif basis == "arithmetic":
            self.arithmetic(i, d, value, row, article)
        elif basis == "count":
            n = len(split(row.get("persons")))
            if float(value) != n:
                self.disagree(i, d, value, f"persons lists {n} name(s)")
        elif basis == "capital":
            place = self.target(roles.PLACES, value)
            host = row.get("host_actor")
            if place is None or place.get("capital_of") != host:
                self.disagree(i, d, value, f"it is not the capital of the host {host!r}")
        elif basis == "external" and not d.get("claim"):
            raise ValueError("basis 'external' needs a claim a reader can check")

    def kind(self, table: str, fld: str) -> str | None:
        td = self.model.pkg.tables.get(table)
        if td is None:
            return None
        f = next((f for f in td.schema.fields if f.name == fld), None)
        if f is None:
            return None
        return roles.DATE if f.edtf else f.evidence

    def disagree(self, i: int, d: dict[str, Any], value: Any, why: str) -> None:
        self.fail(i, DERIVATION_DISAGREES, f"{d['table_name']} {d['row_id']} {d['field']} "
                  f"({d.get('part')}) = {value!s} disagrees with its basis "
                  f"{d.get('basis')!r}: {why}", "basis", d.get("basis"))

    def compare_dates(self, i: int, d: dict[str, Any], mine: edtf.Edtf, base: edtf.Edtf,
                      where: str) -> None:
        expected = shift(base.earliest, d.get("offset"))
        for part in _parts_of(mine, d.get("part") or "all"):
            if part != "year" and mine.precision == "season":
                continue
            if _part_of(mine.earliest, part) != _part_of(expected, part):
                self.disagree(i, d, mine.text, f"{where} is {base.text}, shifted by "
                              f"{d.get('offset') or 'P0D'} gives {part} "
                              f"{_part_of(expected, part)}")
                return

    def evidence_ok(self, i: int, d: dict[str, Any], article: Any) -> bool:
        evidence = d.get("evidence")
        if article is not None and evidence and normalise(evidence) not in article.text:
            self.fail(i, DERIVATION_EVIDENCE, f"evidence not found in article "
                      f"{article.source_id!r}", "evidence", evidence[:120])
            return False
        return True

    def text(self, i: int, d: dict[str, Any], value: Any, kind: str | None,
             date_value: edtf.Edtf | None, evidence: str) -> None:
        if date_value is not None:
            ev = QuoteEvidence(evidence)
            back = shift(date_value.earliest, _negate(d.get("offset")))
            for part in _parts_of(date_value, d.get("part") or "all"):
                shown = {"year": back.year in ev.years,
                         "month": back.month in ev.months,
                         "day": (back.month, back.day) in ev.days}[part]
                if not shown:
                    what = {"year": str(back.year), "month": MONTHS[back.month - 1],
                            "day": f"{back.day} {MONTHS[back.month - 1]}"}[part]
                    self.disagree(i, d, value, f"the evidence does not show {part} {what}")
                    return
        elif kind in roles.NAMED:
            names = self.model.names_of(kind, value)
            if not any(word_in(n, evidence) for n in names):
                self.disagree(i, d, value, f"the evidence names none of {', '.join(names)}")

    def arithmetic(self, i: int, d: dict[str, Any], value: Any, row: dict[str, Any],
                   article: Any) -> None:
        expression = d.get("expression")
        if not expression:
            raise ValueError("basis 'arithmetic' needs an expression")
        result = evaluate(expression)
        # a date's year (sources' publication year from "2010+6"), else the number itself
        target = float(edtf.parse(value).earliest.year) if isinstance(value, str) \
            else float(value)
        if abs(result - target) > 1e-6 * max(1.0, abs(target)) + 0.005:
            self.disagree(i, d, value, f"{expression} = {result:g}")
        if d.get("evidence") and not self.evidence_ok(i, d, article):
            return
        ev = QuoteEvidence(normalise(" ".join(t for t in (row.get("quote"), d.get("evidence"))
                                              if t)))
        unseen = [x for x in literals(expression) if x not in (1.0, 100.0)
                  and not ev.has_number(x)]
        if unseen:
            self.disagree(i, d, value, f"{', '.join(f'{x:g}' for x in unseen)} of {expression} "
                          "is no figure of the quote or the evidence")


def _negate(offset: str | None) -> str:
    off = offset or "P0D"
    return off[1:] if off.startswith("-") else "-" + off
