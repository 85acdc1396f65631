"""Batching is invisible: a package read in many small batches, with the kept columns merged
every few batches, gives the same findings and the same typed tables as one batch a file.

The validator streams each CSV file in 1 MB batches and merges the kept columns of every
``structure.MERGE`` batches (narrowest dictionary codes); ragged and blank rows are spliced
back in at the end. The real tables are far below 1 MB, so here the block is shrunk to 1 or 2
KB and the merge to every two or three batches, on a copy with ragged, blank, multi-line
and invalid rows spread over the file.
"""

from __future__ import annotations

import pytest
from helpers import edit_rows

from bdigest_data.engine import stream as reader
from bdigest_data.validation import runner
from bdigest_data.validation.checks.structure import structure


def _break(pkg):
    def change(rows):
        width = len(rows[0])
        quote = rows[0].index("quote")
        rows[3] = rows[3][:-2]  # missing cells
        rows[7] = rows[7] + ["extra"]  # an extra cell
        rows[11] = [""] * width  # a blank row
        rows[14][quote] = rows[14][quote].replace(" ", "\n", 1)  # a record over two lines
        rows[18][rows[0].index("certainty")] = "sure"  # an enum error
        rows[22][rows[0].index("value")] = "12x"  # a type error
        rows.insert(25, rows[24][:3])  # a ragged copy, late in the file

    edit_rows(pkg, "arms_exports", change)


def _report(pkg, monkeypatch, block, merge):
    monkeypatch.setattr(reader, "BLOCK_SIZE", block)
    monkeypatch.setattr(structure, "MERGE", merge)
    data, report = runner.load(pkg, limit=None)
    findings = sorted((f.table or "", f.row or 0, f.line or 0, f.code, f.field or "",
                       str(f.value)) for f in report.findings)
    return findings, {name: td.table.to_pylist() for name, td in data.tables.items()}, \
        {name: td.lines for name, td in data.tables.items()}


@pytest.mark.parametrize(("block", "merge"), [(1024, 2), (2048, 3)])
def test_small_batches_and_merges_change_nothing(package_copy, monkeypatch, block, merge):
    _break(package_copy)
    whole = _report(package_copy, monkeypatch, 1 << 20, structure.MERGE)
    assert {c for _, _, _, c, _, _ in whole[0]} >= {"missing-cell", "extra-cell", "blank-row",
                                                   "constraint-error", "type-error"}
    assert whole[2]["arms_exports"] is not None  # the multi-line record shifts lines
    assert _report(package_copy, monkeypatch, block, merge) == whole
