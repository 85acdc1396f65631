"""Hostile input at the checks' door: a row a check cannot evaluate, and a table whose
schema or file is unusable, each yield their own located finding; the other rows and
tables are still checked, and nothing follows on from the fault (issue #18).

Each case breaks a copy of the real package (re-stamped, so the integrity group stays
quiet) and states the promise it tests; ``conftest.py`` fails any case that yields
``internal-error``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import first, rows, write_rows

from bdigest_data.findings import Finding
from bdigest_data.release.stamp import stamp
from bdigest_data.validation import validate

DEEP_SUM = "1" + "+1" * 100_000           # RecursionError while the parser builds the tree
DEEP_SIGNS = "-" * 100_000 + "1"           # the parser's own stack: MemoryError
DEEP_PARENS = "(" * 300 + "1" + ")" * 300  # SyntaxError: too many nested parentheses


def dataset_findings(pkg: Path) -> list[Finding]:
    stamp(pkg)
    return validate(pkg, checks=["dataset"]).findings


def shown(text: str) -> str:
    return text if len(text) <= 120 else text[:119] + "…"


@pytest.mark.parametrize(("basis", "field", "value"), [
    ("arithmetic", "expression", "1/0"),
    ("arithmetic", "expression", "(6-1*100"),
    ("arithmetic", "expression", "1" + "0" * 400 + ".0*10"),  # in the pattern; inf
    ("arithmetic", "expression", DEEP_SUM),
    ("arithmetic", "expression", DEEP_SIGNS),
    ("arithmetic", "expression", DEEP_PARENS),
    ("publication", "offset", "P999999999999D"),
    ("publication", "offset", "P9000Y"),
    ("publication", "offset", "-P3000Y"),
], ids=["divides-by-zero", "does-not-parse", "infinite", "deep-sum", "deep-signs",
        "deep-parentheses", "days-overflow", "after-9999", "before-1"])
def test_a_derivation_that_cannot_be_evaluated_is_located_and_the_others_still_judged(
        package_copy, basis, field, value):
    """Promise: a derivation whose expression or offset gives no value (divides by zero,
    does not parse, is too deep, overflows a date) is a derivation-incomplete finding on its
    own row, naming the cell and its value, and a real fault in another derivation row is
    still reported (before, one such row stopped the whole check with one unlocated
    internal-error)."""
    records = rows(package_copy, "derivations")
    broken = first(records, basis=basis)
    broken[field] = value
    write_rows(package_copy, "derivations", records)
    visits = rows(package_copy, "visits")
    first(visits, visit_id="visit-010")["start_date"] = "2016-11-23"  # "the day after" 21st
    write_rows(package_copy, "visits", visits)
    real = first(records, table_name="visits", row_id="visit-010", field="start_date")

    got = {(f.code, f.row, f.field, f.value) for f in dataset_findings(package_copy)}

    assert ("derivation-incomplete", records.index(broken) + 1, field, shown(value)) in got
    assert ("derivation-disagrees", records.index(real) + 1, "basis", real["basis"]) in got


def make_unusable(pkg: Path, table: str) -> None:
    """Give ``table``'s schema a field type no reader knows: the schema is not used."""
    path = pkg / "schemas" / f"{table}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"][0]["type"] = "nonsense"
    path.write_text(json.dumps(schema), encoding="utf-8")


@pytest.mark.parametrize("table", ["visits", "actors", "places", "sources", "trade",
                                   "sentences", "coverage_ledger", "event_types"])
def test_an_unusable_schema_is_one_finding_and_nothing_follows_from_it(package_copy, table):
    """Promise: an unusable schema yields its own finding, and the checks that depend on its
    table (foreign keys into it, provenance, naming, derivations, links, coverage) skip it
    instead of reporting its rows as missing: one unusable visits schema used to add 62
    findings claiming visit rows do not exist, an unusable actors schema 254."""
    make_unusable(package_copy, table)
    stamp(package_copy)
    found = validate(package_copy).findings
    assert [(f.code, f.table, f.value) for f in found] == [
        ("field-error", table, "/fields/0/type")]


@pytest.mark.parametrize("table", ["visits", "places"])
def test_an_unreadable_table_file_is_its_own_finding_and_nothing_follows(package_copy, table):
    """Promise: a table whose file is missing is reported as that file's fault (file-error,
    and its size and hash); no check reports the rows of other tables that point at it."""
    (package_copy / "data" / f"{table}.csv").unlink()
    found = validate(package_copy).findings
    assert {f.table for f in found} == {table}
    assert "file-error" in {f.code for f in found}


def edit_schema(pkg: Path, table: str, change) -> None:
    path = pkg / "schemas" / f"{table}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(schema)
    path.write_text(json.dumps(schema), encoding="utf-8")


def retype(name: str, kind: str):
    def change(schema: dict) -> None:
        next(f for f in schema["fields"] if f["name"] == name).update(type=kind)
    return change


def drop(name: str):
    def change(schema: dict) -> None:
        schema["fields"] = [f for f in schema["fields"] if f["name"] != name]
    return change


@pytest.mark.parametrize(("table", "change", "code", "field"), [
    ("visits", drop("quote"), "schema-error", None),
    ("trade", drop("source_id"), "schema-error", None),
    ("sources", retype("char_start", "string"), "field-error", "char_start"),
    ("sources", retype("char_end", "number"), "field-error", "char_end"),
    ("sentences", retype("ordinal", "string"), "field-error", "ordinal"),
    ("sentences", retype("char_end", "number"), "field-error", "char_end"),
    ("arms_exports", retype("value", "string"), "field-error", "value"),
    ("visits", lambda s: next(f for f in s["fields"] if f["name"] == "start_date").pop(
        "bdigest:edtf"), "field-error", "start_date"),
], ids=["facts-without-quote", "facts-without-source", "source-offset-text",
        "source-offset-number", "sentence-ordinal-text", "sentence-offset-number",
        "evidence-number-as-text", "evidence-date-not-edtf"])
def test_a_legal_schema_that_breaks_what_its_role_promises_is_one_finding(
        package_copy, table, change, code, field):
    """Promise: a Table Schema that is legal Frictionless but lacks a field its role promises
    the checks (a fact table's quote or source_id) or types it otherwise (a source's or a
    sentence's character offsets as text, a figure the quote must show as text, a date the
    quote must show without EDTF) is one located finding on that schema, and the
    checks skip the table (a field typed as text may also break its constraints, on the
    same field); before, provenance, semantics, naming, derivations and coverage
    each stopped with an internal-error (KeyError, TypeError, ValueError, ArrowInvalid)."""
    edit_schema(package_copy, table, change)
    stamp(package_copy)
    found = validate(package_copy).findings
    assert {(f.code, f.table, f.field) for f in found} == {(code, table, field)}


@pytest.mark.parametrize("row_id", ["²", "9" * 5000])
def test_a_derivation_of_an_id_no_integer_key_can_hold_is_an_orphan(package_copy, row_id):
    """Promise: a derivation naming a row of an integer-keyed table (allowed once the schema
    drops the table_name vocabulary, which is legal) by an id that is no integer (a Unicode
    digit, 5000 digits) is a derivation-orphan on its row, not an internal-error (int()
    refuses both)."""
    edit_schema(package_copy, "derivations", lambda s: [
        f["constraints"].pop("enum") for f in s["fields"] if f["name"] == "table_name"])
    records = rows(package_copy, "derivations")
    records.append({"table_name": "places", "row_id": row_id, "field": "name", "part": "all",
                    "basis": "external", "claim": "A claim to check.", "confidence": "firm"})
    write_rows(package_copy, "derivations", records)
    got = {(f.code, f.row, f.field) for f in dataset_findings(package_copy)}
    assert got == {("derivation-orphan", len(records), "row_id")}


@pytest.mark.parametrize("part", ["\x00ear", "week"])
def test_a_derivation_of_an_unknown_part_is_left_to_the_structure_group(package_copy, part):
    """Promise: a derivation whose ``part`` is outside its vocabulary (a corrupted byte, as
    the fuzz test found: a KeyError stopped the derivations check with an internal-error)
    is the structure group's constraint finding on that cell; the derivations check goes
    on (the row no longer derives the part it did, so that part is reported as not
    derived)."""
    records = rows(package_copy, "derivations")
    at = next(i for i, r in enumerate(records) if (r["part"], r["basis"]) == ("year", "text"))
    records[at]["part"] = part
    write_rows(package_copy, "derivations", records)
    stamp(package_copy)
    findings = validate(package_copy).findings
    got = {(f.code, f.row, f.field) for f in findings}
    assert ("constraint-error", at + 1, "part") in got
    assert "internal-error" not in {code for code, _, _ in got}
    assert {code for code, _, _ in got} <= {"constraint-error", "derivation-orphan",
                                            "derivation-missing"}


@pytest.mark.parametrize(("field", "value"), [("kind", "vsit"), ("status", "cancelled"),
                                              ("host_actor", "XXX")])
def test_a_fact_cell_that_breaks_its_schema_is_not_also_an_event_type_finding(
        package_copy, field, value):
    """Promise: a visit whose kind or status is outside its enum, or whose host is no actor,
    gets the structure or integrity finding on that cell, and no event-type finding for
    the kind and status event_types cannot name (one mistake, one finding)."""
    visits = rows(package_copy, "visits")
    first(visits, visit_id="visit-001")[field] = value
    write_rows(package_copy, "visits", visits)
    stamp(package_copy)
    found = validate(package_copy).findings
    assert [(f.table, f.row, f.field) for f in found if f.code != "event-type"][:1] == [
        ("visits", 1, field)]
    assert "event-type" not in {f.code for f in found}
