"""Excel export: README sheet, a sheet per table, round trip, formula neutralisation."""

from __future__ import annotations

import csv
import sys

import openpyxl
import pandas as pd
import pytest
from export_roundtrip import TABLES, assert_same_as_loaded, columns, exported, with_loaded_dtypes

import bdigest_data
from bdigest_data.exports import export
from bdigest_data.release.stamp import stamp

INJECTIONS = ["=HYPERLINK(\"http://example.org\",\"x\")", "+1+1", "-2+3", "@SUM(1,1)"]


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory):
    return exported("xlsx", tmp_path_factory.mktemp("xlsx"), "bdigest.xlsx")


def test_sheets_and_readme(workbook_path):
    wb = openpyxl.load_workbook(workbook_path)
    assert wb.sheetnames == ["README", *TABLES]
    readme = {row[0]: row[1] for row in wb["README"].iter_rows(values_only=True) if row[0]}
    assert readme["Version"] == bdigest_data.__version__
    assert bdigest_data.__version__ in readme["Cite as"]
    cells = [c for row in wb["README"].iter_rows(values_only=True) for c in row if c]
    assert bdigest_data.schema("trade")["bdigest:grain"] in cells


@pytest.mark.parametrize("table", TABLES)
def test_round_trip_equals_loaded_frame(workbook_path, table):
    # text columns are read as text: read_excel would turn a text cell "142" into a number
    text = {c.name: str for c in columns(table) if c.kind == "string"}
    frame = pd.read_excel(workbook_path, sheet_name=table, engine="openpyxl",
                          keep_default_na=False, na_values=[""], dtype=text)
    assert_same_as_loaded(with_loaded_dtypes(frame, table), table)


def test_no_cell_is_a_formula(workbook_path):
    wb = openpyxl.load_workbook(workbook_path)
    assert not [c.coordinate for ws in wb for row in ws.iter_rows() for c in row
                if c.data_type == "f"]


def test_text_that_looks_like_a_formula_stays_text(package_copy, tmp_path):
    path = package_copy / "data" / "actors.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row, text in zip(rows, INJECTIONS, strict=False):
        row["note"] = text
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    stamp(package_copy)

    out = exported("xlsx", tmp_path, "broken.xlsx", path=package_copy)
    ws = openpyxl.load_workbook(out)["actors"]
    header = [c.value for c in ws[1]]
    notes = [row[header.index("note")] for row in ws.iter_rows(min_row=2, max_row=5)]
    assert [c.value for c in notes] == INJECTIONS  # the text itself is not altered
    assert all(c.data_type == "s" and c.quotePrefix for c in notes)
    assert openpyxl.load_workbook(out, data_only=True)["actors"][notes[0].coordinate].value \
        == INJECTIONS[0]


def test_missing_openpyxl_is_a_clear_error_before_anything_is_written(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    monkeypatch.delitem(sys.modules, "bdigest_data.exports.xlsx", raising=False)
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'bdigest-data\[xlsx\]'"):
        export("xlsx", tmp_path / "out.xlsx")
    assert list(tmp_path.iterdir()) == []
