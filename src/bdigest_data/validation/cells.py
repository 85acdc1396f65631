"""Cell rules of one Table Schema field, checked on a whole column at once with pyarrow.

A ``FieldRule`` is built from a field descriptor (types and constraints as frictionless-py
reads them, see ``TYPES``); ``check(raw)`` takes a column of raw text and returns the typed
column (missing and invalid cells null) and one ``Issue`` per broken rule, each with a mask
of the failing rows. Frictionless' order is kept: a cell with a type error is not checked
against constraints, and a missing cell only against ``required``.

Types are read a little more strictly than frictionless (which strips blanks around numbers
and accepts ``1_000``, ``NaN`` and one-digit months): a value we accept it accepts too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

_INTEGER = r"^[+-]?[0-9]{1,18}$"
_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?$"
_YEAR = r"^[0-9]{4}$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_TRUE = ["true", "True", "TRUE", "1"]
_FALSE = ["false", "False", "FALSE", "0"]

_ORDERED = ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"]
# type -> (arrow type, what a valid value looks like, constraints frictionless supports)
TYPES: dict[str, tuple[pa.DataType, str, list[str]]] = {
    "string": (pa.string(), "text", ["required", "minLength", "maxLength", "pattern", "enum"]),
    "integer": (pa.int64(), "a whole number such as 12 or -3 (digits only)", _ORDERED),
    "number": (pa.float64(), "a decimal number such as 97, 84.7 or -0.6667", _ORDERED),
    "year": (pa.int64(), "a four-digit year such as 2013", _ORDERED),
    "date": (pa.date32(), "a date written YYYY-MM-DD that exists in the calendar", _ORDERED),
    "boolean": (pa.bool_(), "one of " + ", ".join(_TRUE + _FALSE), ["required", "enum"]),
    "any": (pa.string(), "anything", ["required", "enum"]),
}
_SUPPORTED_KEYS = {"name", "type", "format", "title", "description", "constraints", "example",
                   "missingValues", "rdfType", "trueValues", "falseValues"}


class SchemaProblem(ValueError):
    """A field descriptor this validator cannot check (reported as ``schema-error``)."""


@dataclass
class Issue:
    """Rows of a column that break one rule: ``code`` is ``type-error`` or
    ``constraint-error``, ``message`` names the rule and what it requires."""

    code: str
    message: str
    mask: pa.Array


class FieldRule:
    """The compiled rules of one field (see the module docstring)."""

    def __init__(self, field: dict[str, Any], missing_values: list[str]) -> None:
        self.name = str(field.get("name"))
        self.type = field.get("type", "string")
        if self.type not in TYPES:
            raise SchemaProblem(f'field "{self.name}": type "{self.type}" is not supported '
                                f"by bdigest-data validate (supported: {', '.join(TYPES)})")
        if field.get("format", "default") != "default":
            raise SchemaProblem(f'field "{self.name}": format "{field["format"]}" is not '
                                "supported; only the default format is")
        unknown = sorted(k for k in field if k not in _SUPPORTED_KEYS and ":" not in k)
        if unknown:
            raise SchemaProblem(f'field "{self.name}": properties {unknown} are not supported')
        self.arrow_type, self.expected, supported = TYPES[self.type]
        self.missing = pa.array(field.get("missingValues", missing_values), pa.string())
        self._only_empty = self.missing.to_pylist() == [""]
        self.true_values = field.get("trueValues", _TRUE)
        self.false_values = field.get("falseValues", _FALSE)
        constraints = field.get("constraints", {})
        if not isinstance(constraints, dict):
            raise SchemaProblem(f'field "{self.name}": constraints must be an object')
        extra = sorted(set(constraints) - set(supported) - {"unique"})
        if extra:
            raise SchemaProblem(f'field "{self.name}": constraint(s) {extra} not supported by '
                                f'type "{self.type}"')
        self.constraints = constraints
        self.unique = bool(constraints.get("unique"))
        self._value_checks = [self._compile(k, v) for k, v in constraints.items()
                              if k not in ("required", "unique")]

    # -- reading -------------------------------------------------------------------------

    def present(self, raw: pa.Array) -> pa.Array:
        """Mask of the cells of ``raw`` that are not missing values."""
        if self._only_empty:  # the usual missingValues [""]: a length test, no hashing
            return pc.greater(pc.binary_length(raw), 0)
        return pc.invert(pc.is_in(raw, value_set=self.missing))

    def read(self, raw: pa.Array, present: pa.Array) -> tuple[pa.Array, pa.Array | None]:
        """(typed column, mask of present cells that fail the type, ``None`` for text)."""
        text = _with_nulls(raw, present)
        if self.type in ("string", "any"):
            return text, None
        if self.type == "boolean":
            truth = pc.is_in(text, value_set=pa.array(self.true_values, pa.string()))
            known = pc.or_(truth, pc.is_in(text, value_set=pa.array(self.false_values,
                                                                    pa.string())))
            typed = pc.if_else(known, truth, pa.scalar(None, pa.bool_()))
            return typed, pc.and_(present, pc.invert(known))
        if self.type == "date":
            shaped = pc.if_else(_matches(text, _DATE), text, pa.scalar(None, pa.string()))
            stamp = pc.strptime(shaped, format="%Y-%m-%d", unit="s", error_is_null=True)
            exists = pc.equal(pc.strftime(stamp, format="%Y-%m-%d"), shaped)
            ok = pc.fill_null(exists, False)
            typed = pc.cast(pc.if_else(ok, stamp, pa.scalar(None, stamp.type)), pa.date32())
            return typed, pc.and_(present, pc.invert(ok))
        shape = {"integer": _INTEGER, "number": _NUMBER, "year": _YEAR}[self.type]
        ok = _matches(text, shape)
        valid = pc.if_else(ok, pc.utf8_ltrim(text, characters="+"), pa.scalar(None, pa.string()))
        return pc.cast(valid, self.arrow_type), pc.and_(present, pc.invert(ok))

    def values(self, values: list[Any]) -> pa.Array:
        """Constraint values (``minimum``, ``enum`` items) read as this field's type."""
        raw = pa.array([v if isinstance(v, str) else _json_text(v) for v in values], pa.string())
        typed, _ = self.read(raw, pa.array([True] * len(values)))
        if typed.null_count:
            bad = [v for v, t in zip(values, typed.is_valid().to_pylist(), strict=True) if not t]
            raise SchemaProblem(f'field "{self.name}": constraint value(s) {bad} are not valid '
                                f"{self.type} values")
        return typed

    # -- checking ------------------------------------------------------------------------

    def check(self, raw: pa.Array, present: pa.Array, *, typed: bool = True
              ) -> tuple[pa.Array | None, list[Issue]]:
        """The typed column (``None`` unless ``typed``; text columns are typed only then)
        and the rules broken in ``raw`` (a column of text; ``present`` from ``present``)."""
        if self.type in ("string", "any"):  # text rules test the raw cells, masked below
            values, bad, tested = (_with_nulls(raw, present) if typed else None), None, raw
        else:
            values, bad = self.read(raw, present)
            tested = values
        issues = []
        valid = present
        if bad is not None:
            issues.append(Issue("type-error", f'type is "{self.type}": expected {self.expected}',
                                bad))
            valid = pc.and_(present, pc.invert(bad))
        if self.constraints.get("required"):
            issues.append(Issue("constraint-error", 'constraint "required" is "True": the cell '
                                "must not be empty", pc.invert(present)))
        for message, test in self._value_checks:
            issues.append(Issue("constraint-error", message, pc.and_(
                valid, pc.invert(pc.fill_null(test(tested), True)))))
        return values, issues

    def _compile(self, name: str, value: Any) -> tuple[str, Callable[[pa.Array], pa.Array]]:
        head = f'constraint "{name}" is "{value}": '
        if name == "pattern":
            return head + "the value must match this regular expression", _pattern(value)
        if name in ("minLength", "maxLength"):
            if not isinstance(value, int):
                raise SchemaProblem(f'field "{self.name}": {name} must be an integer')
            op = pc.greater_equal if name == "minLength" else pc.less_equal
            what = "at least" if name == "minLength" else "at most"
            return (head + f"the value must have {what} {value} characters",
                    lambda col: op(pc.utf8_length(col), value))
        if name == "enum":
            if not isinstance(value, list):
                raise SchemaProblem(f'field "{self.name}": enum must be a list')
            allowed = self.values(value)
            shown = ", ".join(map(str, value))
            return (head.replace(f'"{value}"', "listed") + f"the value must be one of: {shown}",
                    lambda col: pc.is_in(col, value_set=allowed))
        bound = self.values([value])[0]
        op, what = {"minimum": (pc.greater_equal, "at least"),
                    "maximum": (pc.less_equal, "at most"),
                    "exclusiveMinimum": (pc.greater, "more than"),
                    "exclusiveMaximum": (pc.less, "less than")}[name]
        return head + f"the value must be {what} {value}", lambda col: op(col, bound)


def _with_nulls(raw: pa.Array, present: pa.Array) -> pa.Array:
    """``raw`` with its missing cells null; shares ``raw``'s buffers when it can."""
    if present.true_count == len(present):
        return raw
    if raw.offset == 0 and present.offset == 0 and raw.null_count == 0:
        return pa.Array.from_buffers(raw.type, len(raw), [present.buffers()[1],
                                                          *raw.buffers()[1:]])
    return pc.if_else(present, raw, pa.scalar(None, raw.type))


def _json_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _matches(text: pa.Array, pattern: str) -> pa.Array:
    """Mask of cells matching ``pattern`` (false for nulls)."""
    return pc.fill_null(pc.match_substring_regex(text, pattern), False)


@functools.cache
def _pattern(pattern: str) -> Callable[[pa.Array], pa.Array]:
    """A test for a schema ``pattern`` (the whole value must match): RE2 in pyarrow, or
    Python's ``re`` on the distinct values when RE2 does not know the syntax."""
    anchored = f"^(?:{pattern})$"
    try:
        pc.match_substring_regex(pa.array([""]), anchored)
    except pa.ArrowInvalid:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise SchemaProblem(f"pattern {pattern!r} is not a regular expression: {exc}") from None

        def python_test(col: pa.Array) -> pa.Array:
            values = pc.unique(col.drop_null()).to_pylist()
            good = pa.array([v for v in values if compiled.fullmatch(v)], pa.string())
            return pc.if_else(col.is_null(), pa.scalar(None, pa.bool_()),
                              pc.is_in(col, value_set=good))

        return python_test
    return lambda col: pc.match_substring_regex(col, anchored)
