"""Cell rules of one Table Schema field, checked on a whole column at once with pyarrow.

A ``FieldRule`` is built from a field of the package model (``metadata.Field``; its type
as ``metadata.types`` maps it, with the type's cell rule and shape, constraints as
frictionless-py reads them); ``check(raw)``
takes a column of raw text and returns the typed column (missing and invalid cells null)
and one ``Issue`` per broken rule, each with a mask of the failing rows. Frictionless'
order is kept: a cell with a type error is not checked against constraints, and a missing
cell only against ``required``.

Types are read a little more strictly than frictionless (which strips blanks around numbers
and accepts ``1_000``, ``NaN`` and one-digit months): a value we accept it accepts too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bdigest_data.catalogue import CONSTRAINT_ERROR, TYPE_ERROR
from bdigest_data.engine.arrays import (
    all_true,
    from_numpy,
    has_byte,
    null,
    scalar,
    texts,
    to_numpy,
)
from bdigest_data.metadata.classes import Field

_YES, _NO = scalar(True), scalar(False)


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

    def __init__(self, field: Field, missing_values: list[str]) -> None:
        self.name = field.name
        self.type = field.type
        self.cell = field.info.cell  # how a cell is read and its shape: the model's cell rule
        self.shape = field.info.shape
        info = field.info  # a type the schema's model accepted (``metadata.types``)
        self.arrow_type = pa.string() if info.is_text else field.arrow_type
        self.expected = info.expected
        self.missing = texts(field.missingValues if field.missingValues is not None
                             else missing_values)
        self._only_empty = self.missing.to_pylist() == [""]
        self.true_values = field.true_values
        self.false_values = field.false_values
        constraints = field.constraints.given()
        self.constraints = constraints
        self.unique = field.unique
        self._value_checks = [self._compile(k, v) for k, v in constraints.items()
                              if k not in ("required", "unique")]
        # a text field with a pattern: a regular expression costs more a cell than hashing
        # it, so ``check`` with ``encode`` tests each distinct value once
        self.tests_patterns = info.is_text and "pattern" in constraints
        # whether ``check`` can find anything (a text field without constraints cannot)
        self.checks_cells = (not info.is_text or bool(self._value_checks)
                             or field.required)

    @classmethod
    def text(cls, name: str, missing_values: list[str]) -> FieldRule:
        """The rule of a column no field describes (any text)."""
        return cls(Field(name=name, type="any"), missing_values)

    # -- reading -------------------------------------------------------------------------

    def missing_cells(self, raw: pa.Array) -> np.ndarray:
        """Which cells of ``raw`` (text, no nulls) are missing values, as a numpy mask."""
        if not len(raw):
            return np.zeros(0, dtype=bool)
        if self._only_empty:  # the usual missingValues [""]: read from the offsets
            offsets = np.frombuffer(raw.buffers()[1], dtype=np.int32, count=len(raw) + 1,
                                    offset=raw.offset * 4)
            return offsets[1:] == offsets[:-1]
        return to_numpy(pc.is_in(raw, value_set=self.missing))

    def read(self, raw: pa.Array, present: pa.Array | None
             ) -> tuple[pa.Array, pa.Array | None]:
        """(typed column, mask of present cells that fail the type, ``None`` for text and
        for numbers that all have their shape); ``present`` as in ``check``."""
        if self.cell == "text":
            return _with_nulls(raw, present), None
        if self.cell == "truth":
            text = _with_nulls(raw, present)
            truth = pc.is_in(text, value_set=texts(self.true_values))
            known = pc.or_(truth, pc.is_in(text, value_set=texts(self.false_values)))
            typed = pc.if_else(known, truth, null(pa.bool_()))
            return typed, _where(present, pc.invert(known))
        if self.cell == "calendar":
            text = _with_nulls(raw, present)
            shaped = pc.if_else(_matches(text, self.shape), text, null(pa.string()))
            stamp = pc.strptime(shaped, format="%Y-%m-%d", unit="s", error_is_null=True)
            exists = pc.equal(pc.strftime(stamp, format="%Y-%m-%d"), shaped)
            ok = pc.fill_null(exists, _NO)
            typed = pc.cast(pc.if_else(ok, stamp, null(stamp.type)), pa.date32())
            return typed, _where(present, pc.invert(ok))
        return self._number(raw, present)

    def _number(self, raw: pa.Array, present: pa.Array | None
                ) -> tuple[pa.Array, pa.Array | None]:
        """``read`` for numbers: the shape tested on the raw cells, the masks combined in
        numpy, and the ``+`` signs trimmed only where some cell has one. The cells that are
        missing or of the wrong shape are made null by ``if_else``: a typed column's validity
        is Arrow's own (pyarrow 14 crashes now and then on a numeric column whose validity is
        a numpy buffer)."""
        ok = to_numpy(pc.match_substring_regex(raw, self.shape))
        given = np.ones(len(raw), dtype=bool) if present is None else to_numpy(present)
        good = ok & given
        text = raw if good.all() else pc.if_else(from_numpy(good), raw, null(pa.string()))
        if has_byte(raw, b"+"):
            text = pc.utf8_ltrim(text, characters="+")
        bad = given & ~ok
        return pc.cast(text, self.arrow_type), from_numpy(bad) if bad.any() else None

    def values(self, values: list[Any]) -> pa.Array:
        """Constraint values (``minimum``, ``enum`` items) read as this field's type."""
        raw = texts([v if isinstance(v, str) else _json_text(v) for v in values])
        typed, _ = self.read(raw, None)
        if typed.null_count:
            bad = [v for v, t in zip(values, typed.is_valid().to_pylist(), strict=True) if not t]
            raise SchemaProblem(f'field "{self.name}": constraint value(s) {bad} are not valid '
                                f"{self.type} values")
        return typed

    # -- checking ------------------------------------------------------------------------

    def check(self, raw: pa.Array, present: pa.Array | None, *, typed: bool = True,
              encode: bool = False) -> tuple[pa.Array | None, list[Issue]]:
        """The typed column (``None`` unless ``typed``; text columns are typed only then)
        and the rules broken in ``raw`` (a column of text; ``present``: the mask of its
        cells that are not missing, from ``missing_cells``, ``None`` when none is).

        ``encode`` (text fields): the typed column is dictionary-encoded and the value rules
        are tested once per distinct value, their verdicts taken back to the rows."""
        codes = None
        if self.cell == "text":  # text rules test the raw cells, masked below
            values = _with_nulls(raw, present) if typed or encode else None
            bad, tested = None, raw
            if encode:
                values = pc.dictionary_encode(values)
                codes, tested = values.indices, values.dictionary
        else:
            values, bad = self.read(raw, present)
            tested = values
        issues = []
        if bad is not None:
            issues.append(Issue(TYPE_ERROR, f'type is "{self.type}": expected {self.expected}',
                                bad))
        if self.constraints.get("required") and present is not None:
            issues.append(Issue(CONSTRAINT_ERROR, 'constraint "required" is "True": the cell '
                                "must not be empty", from_numpy(~to_numpy(present))))
        extremes: tuple[Any, Any] | None = None
        for message, test, holds in self._value_checks:
            if holds is not None:  # a bound: the column's extremes tell whether any cell fails
                if extremes is None:
                    found = pc.min_max(tested)
                    extremes = (found["min"].as_py(), found["max"].as_py())
                if extremes[0] is None or holds(*extremes):
                    continue
            passed = test(tested)
            if all_true(passed):
                continue  # no cell failed, none was left untested (null)
            # a null (a missing or mistyped cell, or no code) fails no value rule
            failed = ~to_numpy(pc.fill_null(passed, _YES) if passed.null_count else passed)
            if codes is not None:
                mask = pc.fill_null(pc.take(from_numpy(failed), codes), _NO)
            else:
                if tested is raw and present is not None:  # a missing cell fails no rule
                    failed &= to_numpy(present)
                if not failed.any():
                    continue
                mask = from_numpy(failed)
            issues.append(Issue(CONSTRAINT_ERROR, message, mask))
        return values, issues

    def _compile(self, name: str, value: Any) -> tuple[str, Callable[[pa.Array], pa.Array],
                                                       Callable[[Any, Any], bool] | None]:
        """(message, test giving each cell's verdict, and for a bound whether it holds for
        every cell given the column's least and greatest values)."""
        head = f'constraint "{name}" is "{value}": '
        if name == "pattern":
            return head + "the value must match this regular expression", _pattern(value), None
        if name in ("minLength", "maxLength"):
            if not isinstance(value, int):
                raise SchemaProblem(f'field "{self.name}": {name} must be an integer')
            op = pc.greater_equal if name == "minLength" else pc.less_equal
            what = "at least" if name == "minLength" else "at most"
            length = scalar(value)
            return (head + f"the value must have {what} {value} characters",
                    lambda col: op(pc.utf8_length(col), length), None)
        if name == "enum":
            if not isinstance(value, list):
                raise SchemaProblem(f'field "{self.name}": enum must be a list')
            allowed = self.values(value)
            shown = ", ".join(map(str, value))
            return (head.replace(f'"{value}"', "listed") + f"the value must be one of: {shown}",
                    lambda col: pc.is_in(col, value_set=allowed), None)
        bound = self.values([value])[0]
        limit = bound.as_py()
        op, what, holds = {
            "minimum": (pc.greater_equal, "at least", lambda least, _: least >= limit),
            "maximum": (pc.less_equal, "at most", lambda _, most: most <= limit),
            "exclusiveMinimum": (pc.greater, "more than", lambda least, _: least > limit),
            "exclusiveMaximum": (pc.less, "less than", lambda _, most: most < limit)}[name]
        return head + f"the value must be {what} {value}", lambda col: op(col, bound), holds


def _where(present: pa.Array | None, mask: pa.Array) -> pa.Array:
    """``mask`` limited to the ``present`` cells (``None``: all are)."""
    return mask if present is None else pc.and_(present, mask)


def _with_nulls(raw: pa.Array, present: pa.Array | None) -> pa.Array:
    """``raw`` with its missing cells null; shares ``raw``'s buffers when it can."""
    if present is None:
        return raw
    if raw.offset == 0 and present.offset == 0 and raw.null_count == 0:
        return pa.Array.from_buffers(raw.type, len(raw), [present.buffers()[1],
                                                          *raw.buffers()[1:]])
    return pc.if_else(present, raw, null(raw.type))


def _json_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _matches(text: pa.Array, pattern: str) -> pa.Array:
    """Mask of cells matching ``pattern`` (false for nulls)."""
    return pc.fill_null(pc.match_substring_regex(text, pattern), _NO)


@functools.cache
def _pattern(pattern: str) -> Callable[[pa.Array], pa.Array]:
    """A test for a schema ``pattern`` (the whole value must match): RE2 in pyarrow, or
    Python's ``re`` on the distinct values when RE2 does not know the syntax."""
    anchored = f"^(?:{pattern})$"
    try:
        pc.match_substring_regex(texts([""]), anchored)
    except pa.ArrowInvalid:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise SchemaProblem(f"pattern {pattern!r} is not a regular expression: {exc}") from None

        def python_test(col: pa.Array) -> pa.Array:
            values = pc.unique(col.drop_null()).to_pylist()
            good = texts([v for v in values if compiled.fullmatch(v)])
            return pc.if_else(col.is_null(), null(pa.bool_()),
                              pc.is_in(col, value_set=good))

        return python_test
    return lambda col: pc.match_substring_regex(col, anchored)
