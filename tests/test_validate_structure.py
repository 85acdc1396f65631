"""Structure checks on broken copies of the real package: one finding, at the right place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from helpers import cell, csv_path, edit_bytes, edit_rows, set_cell

from bdigest_data.release.stamp import stamp
from bdigest_data.validation.runner import validate

STRUCTURE = ["structure", "integrity"]


def only(pkg: Path, checks: list[str] = STRUCTURE):
    """Re-stamp (the test is about structure) and return the single finding."""
    stamp(pkg)
    findings = validate(pkg, checks=checks).findings
    assert len(findings) == 1, findings
    return findings[0]


def test_real_package_is_structurally_valid() -> None:
    report = validate(checks=STRUCTURE)
    assert report.valid, report.findings
    assert report.stats["tables"]["visits"]["rows"] > 0


@pytest.mark.parametrize(("table", "row", "field", "value", "code", "rule"), [
    ("rankings", 2, "rank", "2nd", "type-error", 'type is "integer"'),
    ("trade", 1, "value", "1,5", "type-error", 'type is "number"'),
    ("trade", 1, "value", " 15", "type-error", 'type is "number"'),
    ("sources", 3, "char_start", "-1", "constraint-error", '"minimum" is "0"'),
    ("visits", 4, "status", "cancelled", "constraint-error", 'constraint "enum"'),
    ("visits", 2, "start_date", "2016-13-01", "constraint-error", 'constraint "pattern"'),
    ("arms_exports", 5, "quote", "too short", "constraint-error", '"minLength" is "10"'),
    ("actors", 6, "name", "", "constraint-error", 'constraint "required"'),
])
def test_cell_rules(package_copy: Path, table, row, field, value, code, rule) -> None:
    set_cell(package_copy, table, row, field, value)
    f = only(package_copy)
    assert (f.code, f.table, f.row, f.line, f.field, f.value) == (code, table, row, row + 1,
                                                                  field, value)
    assert rule in f.message


def test_line_numbers_count_line_breaks_inside_quoted_cells(package_copy: Path) -> None:
    set_cell(package_copy, "trade", 1, "note", "one\ntwo\nthree")
    set_cell(package_copy, "trade", 2, "basis_note", "a\r\nb")
    set_cell(package_copy, "trade", 5, "value", "five")
    f = only(package_copy)
    assert (f.row, f.line, f.field) == (5, 9, "value")  # 3 line breaks in rows 1 and 2


def test_ragged_rows_keep_the_numbering_of_later_rows(package_copy: Path) -> None:
    edit_rows(package_copy, "visits", lambda rows: rows[2].pop())  # row 2 loses its quote
    set_cell(package_copy, "visits", 4, "status", "gone")
    stamp(package_copy)
    found = {(f.code, f.row, f.field) for f in validate(package_copy, checks=STRUCTURE)}
    assert found == {("missing-cell", 2, "quote"), ("constraint-error", 2, "quote"),
                     ("constraint-error", 4, "status")}


def test_extra_cell_names_its_position_and_value(package_copy: Path) -> None:
    edit_rows(package_copy, "rankings", lambda rows: rows[3].append("stray"))
    f = only(package_copy)
    assert (f.code, f.row, f.line, f.value) == ("extra-cell", 3, 4, "stray")
    width = len((package_copy / "data" / "rankings.csv").read_text().splitlines()[0].split(","))
    assert f"cell {width + 1}" in f.message


def test_blank_row_is_one_finding_and_an_empty_key(package_copy: Path) -> None:
    edit_bytes(package_copy, "trade", lambda b: b.replace(b"\n", b"\n\n", 2).replace(
        b"\n\n", b"\n", 1))  # an empty line after data row 1
    stamp(package_copy)
    found = [(f.code, f.row, f.line) for f in validate(package_copy, checks=STRUCTURE)]
    assert found == [("blank-row", 2, 3), ("primary-key", 2, 3)]


def test_duplicate_primary_key_names_the_earlier_row(package_copy: Path) -> None:
    # trade: no other table's foreign key points at its ids
    set_cell(package_copy, "trade", 7, "trade_id", cell(package_copy, "trade", 3, "trade_id"))
    stamp(package_copy)
    found = validate(package_copy, checks=STRUCTURE).findings
    assert {(f.code, f.row) for f in found} == {("primary-key", 7), ("unique-error", 7)}
    assert all("row 3" in f.message for f in found)


def test_duplicate_primary_key_is_found_next_to_an_empty_one(package_copy: Path) -> None:
    set_cell(package_copy, "trade", 2, "trade_id", "")
    set_cell(package_copy, "trade", 7, "trade_id", cell(package_copy, "trade", 3, "trade_id"))
    stamp(package_copy)
    found = {(f.code, f.row) for f in validate(package_copy, checks=STRUCTURE)}
    assert found == {("constraint-error", 2), ("primary-key", 2), ("primary-key", 7),
                     ("unique-error", 7)}


def test_rules_of_a_kept_coded_column_reach_their_rows(package_copy: Path) -> None:
    """A foreign-key column is kept dictionary-coded: its rules run once per distinct value
    and each failure still lands on its own row."""
    set_cell(package_copy, "arms_exports", 4, "supplier", "blr")
    set_cell(package_copy, "arms_exports", 6, "supplier", "")
    stamp(package_copy)
    found = {(f.code, f.row, f.field, f.value) for f in validate(package_copy, checks=STRUCTURE)}
    assert found == {("constraint-error", 4, "supplier", "blr"),
                     ("foreign-key", 4, "supplier", "blr"),
                     ("constraint-error", 6, "supplier", "")}


def test_foreign_keys_across_tables_and_to_the_same_table(package_copy: Path) -> None:
    set_cell(package_copy, "political_prisoners", 2, "counting_org", "org:Nobody")
    set_cell(package_copy, "arms_exports", 12, "part_of", "arms-998")
    stamp(package_copy)
    found = {(f.code, f.table, f.row, f.field, f.value)
             for f in validate(package_copy, checks=STRUCTURE)}
    assert found == {("foreign-key", "political_prisoners", 2, "counting_org", "org:Nobody"),
                     ("foreign-key", "arms_exports", 12, "part_of", "arms-998")}


def test_header_is_read_by_position(package_copy: Path) -> None:
    edit_rows(package_copy, "actors", lambda rows: rows[0].__setitem__(1, "title"))
    f = only(package_copy)
    assert (f.code, f.line, f.field, f.value) == ("incorrect-label", 1, "name", "title")


def test_crlf_and_bom_are_accepted(package_copy: Path) -> None:
    for table in ("trade", "actors"):
        edit_bytes(package_copy, table, lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n"))
    stamp(package_copy)
    assert validate(package_copy, checks=STRUCTURE).valid


def test_invalid_utf8_names_the_line_and_the_rest_is_still_checked(package_copy: Path) -> None:
    set_cell(package_copy, "visits", 3, "status", "unknown")
    edit_bytes(package_copy, "visits", lambda b: b.replace(b"\n", b"\n\xff\xfe", 5).replace(
        b"\n\xff\xfe", b"\n", 4))  # two bad bytes at the start of line 6
    stamp(package_copy)
    found = [(f.code, f.row, f.line, f.field) for f in validate(package_copy, checks=STRUCTURE)]
    assert ("encoding-error", None, 6, None) in found
    assert ("constraint-error", 3, 4, "status") in found


def test_a_stray_quote_is_read_to_the_end_of_the_file(package_copy: Path) -> None:
    edit_bytes(package_copy, "trade", lambda b: b.replace(b",reported,", b',"reported,', 1))
    stamp(package_copy)
    findings = validate(package_copy, checks=STRUCTURE).findings
    assert findings and all(f.table == "trade" for f in findings)


def test_findings_over_the_limit_are_counted(package_copy: Path) -> None:
    edit_rows(package_copy, "actors", lambda rows: [r.__setitem__(2, "planet") for r in rows[1:]])
    stamp(package_copy)
    report = validate(package_copy, checks=STRUCTURE, limit=5)
    rows = len(csv_path(package_copy, "actors").read_text().splitlines()) - 1
    assert len(report.findings) == 5
    assert report.stats["omitted"] == {"actors": rows - 5}


def test_tables_restricts_to_a_table_and_what_it_refers_to(package_copy: Path) -> None:
    set_cell(package_copy, "visits", 1, "status", "bad")
    set_cell(package_copy, "rankings", 1, "rank", "bad")
    set_cell(package_copy, "actors", 1, "actor_type", "bad")
    stamp(package_copy)
    report = validate(package_copy, tables=["visits"], checks=STRUCTURE)
    assert {f.table for f in report.findings} == {"visits", "actors"}
    assert "rankings" not in report.stats["tables"]
    with pytest.raises(ValueError, match="no table"):
        validate(package_copy, tables=["nope"])


def test_unsupported_schema_type_is_a_field_error(package_copy: Path) -> None:
    schema = package_copy / "schemas" / "actors.json"
    schema.write_text(schema.read_text().replace('"type": "string"', '"type": "geopoint"', 1))
    f = only(package_copy)
    assert (f.code, f.table, f.field) == ("field-error", "actors", "actor_id")


def test_a_table_without_key_fields_still_reports_a_multiline_ragged_row(package_copy):
    # nothing of such a table is kept for the key checks: its rows must still be counted
    schema_path = package_copy / "schemas" / "rankings.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema.pop("primaryKey")
    schema["foreignKeys"] = []
    for field in schema["fields"]:
        field.get("constraints", {}).pop("unique", None)
    schema_path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    with (package_copy / "data" / "rankings.csv").open("a", encoding="utf-8") as fh:
        fh.write('rank-006,"two\nlines",x\n')
    stamp(package_copy)
    result = run_cli("validate", "-p", str(package_copy), "--checks", "structure", "-f", "json")
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert {(f["code"], f["row"], f["line"]) for f in findings} >= {("missing-cell", 6, 7)}


def test_a_bug_met_reading_one_table_is_an_internal_error_there_and_the_rest_is_checked(
        package_copy, monkeypatch):
    """A table whose reading stops with a bug (simulated) gives one internal-error naming
    that table, not a traceback; the other tables are still read and checked."""
    from bdigest_data.validation import runner

    read_table = runner.read_table

    def failing(name, *args, **kwargs):
        if name == "actors":
            raise IndexError("simulated")
        return read_table(name, *args, **kwargs)

    monkeypatch.setattr(runner, "read_table", failing)
    set_cell(package_copy, "visits", 1, "visit_id", "")
    stamp(package_copy)
    found = [(f.code, f.table) for f in validate(package_copy, checks=STRUCTURE)]
    assert [f for f in found if f[0] == "internal-error"] == [("internal-error", "actors")]
    assert ("primary-key", "visits") in found
