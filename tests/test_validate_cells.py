"""Cell rules with few Arrow calls give the verdict of each cell that the rule states.

The number path tests the shape on the raw cells and combines the masks in numpy; a bound
is first tested on the column's least and greatest values; an enum or a length on a column
that is not kept is tested on the cells, a pattern once per distinct value. Each verdict is
compared with the rule evaluated cell by cell in Python.
"""

from __future__ import annotations

import re

import pytest

from bdigest_data.engine.arrays import from_numpy, texts
from bdigest_data.engine.cells import FieldRule
from bdigest_data.metadata.classes import Field

CELLS = ["3", "+4", "", "12x", "0", "-2", "7", "", "+0", "5"]
BOUNDS = {"minimum": lambda v, b: v >= b, "maximum": lambda v, b: v <= b,
          "exclusiveMinimum": lambda v, b: v > b, "exclusiveMaximum": lambda v, b: v < b}


def _check(field: Field, cells: list[str], **kwargs):
    rule = FieldRule(field, [""])
    raw = texts(cells)
    absent = rule.missing_cells(raw)
    values, issues = rule.check(raw, from_numpy(~absent) if absent.any() else None, **kwargs)
    return values, {(i.code, i.message.split(":")[0]): i.mask.to_pylist() for i in issues}


@pytest.mark.parametrize("name", list(BOUNDS))
@pytest.mark.parametrize("bound", [-5, 0, 3, 7, 9])
def test_a_bound_flags_exactly_the_cells_that_break_it(name, bound):
    field = Field(name="n", type="integer", constraints={name: bound})
    values, issues = _check(field, CELLS)
    typed = [int(c) if re.fullmatch(r"[+-]?\d+", c) else None for c in CELLS]
    assert values.to_pylist() == typed
    assert issues.pop(("type-error", 'type is "integer"')) == [c == "12x" for c in CELLS]
    expected = [v is not None and not BOUNDS[name](v, bound) for v in typed]
    assert issues.pop(("constraint-error", f'constraint "{name}" is "{bound}"'), None) == \
        (expected if any(expected) else None)
    assert not issues


def test_numbers_of_the_right_shape_give_no_type_error_mask():
    field = Field(name="x", type="number")
    values, issues = _check(field, ["1.5", "+2", "-3e2", ".5"])
    assert values.to_pylist() == [1.5, 2.0, -300.0, 0.5]
    assert issues == {}


@pytest.mark.parametrize("encode", [False, True])
@pytest.mark.parametrize(("constraints", "breaks"), [
    ({"enum": ["a", "bb"]}, lambda c: c not in ("a", "bb")),
    ({"minLength": 2}, lambda c: len(c) < 2),
    ({"pattern": "[ab]+"}, lambda c: not re.fullmatch("[ab]+", c)),
])
def test_text_rules_flag_present_cells_only(constraints, breaks, encode):
    cells = ["a", "bb", "", "c", "a", "", "bbb", "ab"]
    field = Field(name="t", type="string", constraints=constraints)
    _, issues = _check(field, cells, typed=False, encode=encode)
    (code, _), mask = issues.popitem()
    assert code == "constraint-error" and not issues
    assert mask == [c != "" and breaks(c) for c in cells]
