"""Agreement with frictionless-py: for every error class our schemas can trigger, a copy of
the real package broken once; ``validate`` must report every error frictionless reports, at
the same row (frictionless' rowNumber = our row + 1) and field."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import Rows, cell, edit_bytes, edit_rows, set_cell

from bdigest_data.release.stamp import stamp
from bdigest_data.validation.runner import validate

frictionless = pytest.importorskip("frictionless")

ROOT = Path(__file__).resolve().parents[1]
CELL_CODES = {"type-error", "constraint-error", "missing-cell", "unique-error"}
LABEL_CODES = {"missing-label", "incorrect-label", "duplicate-label", "blank-label"}


def frictionless_errors(pkg: Path, tables: set[str] | None = None
                        ) -> list[tuple[str, str, int | None, str | None, str]]:
    """(table, code, row number, field name, cell or label) of each frictionless error, for
    the whole package or only the resources ``tables``."""
    package = frictionless.Package(str(pkg / "datapackage.json"))
    if tables is not None:
        for name in [r.name for r in package.resources if r.name not in tables]:
            package.remove_resource(name)
    out = []
    for task in package.validate().tasks:
        for e in task.errors:
            d = e.to_descriptor()
            out.append((task.name, d["type"], d.get("rowNumber"), d.get("fieldName") or None,
                        str(d.get("cell", d.get("label", "")))))
    return out


def referenced(table: str) -> set[str]:
    """The tables whose rows ``table``'s foreign keys read (itself included)."""
    schema = json.loads((ROOT / "schemas" / f"{table}.json").read_text(encoding="utf-8"))
    return {table} | {fk["reference"].get("resource") or table
                      for fk in schema.get("foreignKeys", [])}


TABLES = sorted(p.stem for p in (ROOT / "schemas").glob("*.json"))


def affected(table: str) -> set[str]:
    """The tables whose frictionless report an edit of ``table``'s data can change: itself
    and every table whose foreign keys read it, with the tables those read (frictionless
    needs them to check the keys). No other table reads the edited rows; the untouched
    package is valid for frictionless (``test_frictionless_finds_the_real_package_valid``)."""
    readers = [t for t in TABLES if table in referenced(t)]
    return set().union(*(referenced(t) for t in readers))


def matches(ours, table: str, code: str, row: int | None, field: str | None, value: str) -> bool:
    """Whether our finding ``ours`` is frictionless' error. Frictionless also reports a
    referenced table's encoding error in every table whose foreign keys read it; we report
    it once, in the table that has it."""
    if code == "encoding-error":
        return ours.code == code and ours.table in referenced(table)
    if (ours.table, ours.code) != (table, code):
        return False
    if row is not None and ours.row != row - 1:
        return False
    if code in CELL_CODES | LABEL_CODES:
        return ours.field == field
    if code in ("extra-cell", "extra-label"):
        return ours.value == value
    return True


def _rows(change: Callable[[Rows], object], table: str) -> Callable[[Path], None]:
    return lambda pkg: edit_rows(pkg, table, change)


def _cell(table: str, row: int, field: str, value: str) -> Callable[[Path], None]:
    return lambda pkg: set_cell(pkg, table, row, field, value)


def _insert(index: int, row: list[str]) -> Callable[[Rows], object]:
    return lambda rows: rows.insert(index, row)


def _header(i: int, label: str) -> Callable[[Rows], object]:
    return lambda rows: rows[0].__setitem__(i, label)


# (case, table, edit, restamp, frictionless error code the edit must trigger)
CASES = [
    ("integer", "rankings", _cell("rankings", 2, "rank", "second"), True, "type-error"),
    ("number", "trade", _cell("trade", 3, "value", "12x"), True, "type-error"),
    ("required", "arms_exports", _cell("arms_exports", 4, "source_id", ""), True,
     "constraint-error"),
    ("pattern", "visits", _cell("visits", 2, "visit_id", "visit-1"), True, "constraint-error"),
    ("enum", "trade", _cell("trade", 1, "certainty", "sure"), True, "constraint-error"),
    ("minimum", "rankings", _cell("rankings", 1, "rank", "0"), True, "constraint-error"),
    ("minLength", "political_prisoners", _cell("political_prisoners", 1, "quote", "short"),
     True, "constraint-error"),
    ("unique", "actors", lambda p: set_cell(p, "actors", 3, "actor_id",
                                            cell(p, "actors", 1, "actor_id")), True,
     "unique-error"),
    ("primary-key", "visits", _cell("visits", 5, "visit_id", "visit-001"), True, "primary-key"),
    ("foreign-key", "trade", _cell("trade", 2, "source_id", "no-such-article"), True,
     "foreign-key"),
    ("foreign-key-self", "arms_exports", _cell("arms_exports", 3, "part_of", "arms-999"), True,
     "foreign-key"),
    ("foreign-key-lookup", "actors", _cell("actors", 2, "country", "XXX"), True, "foreign-key"),
    ("missing-cell", "visits", _rows(lambda r: r[3].pop(), "visits"), True, "missing-cell"),
    ("missing-cell-required", "visits", _rows(lambda r: r.__setitem__(2, r[2][:3]), "visits"),
     True, "missing-cell"),
    ("extra-cell", "trade", _rows(lambda r: r[2].append("surplus"), "trade"), True,
     "extra-cell"),
    ("blank-row", "rankings", _rows(_insert(2, []), "rankings"), True, "blank-row"),
    ("blank-row-commas", "trade", _rows(_insert(3, [""] * 20), "trade"), True, "blank-row"),
    ("missing-label", "rankings", _rows(lambda r: [x.pop() for x in r], "rankings"), True,
     "missing-label"),
    ("extra-label", "rankings", _rows(lambda r: [x.append("x") for x in r], "rankings"), True,
     "extra-label"),
    ("duplicate-label", "trade", _rows(_header(3, "reporter"), "trade"), True,
     "duplicate-label"),
    ("incorrect-label", "visits", _rows(_header(4, "role"), "visits"), True, "incorrect-label"),
    ("blank-label", "actors", _rows(_header(4, ""), "actors"), True, "blank-label"),
    ("swapped-columns", "rankings", _rows(lambda r: [x.insert(5, x.pop(6)) for x in r],
                                           "rankings"), True, "incorrect-label"),
    ("hash-count", "trade", _cell("trade", 1, "note", "changed after stamping"), False,
     "hash-count"),
    ("byte-count", "visits", _cell("visits", 1, "note", "x"), False, "byte-count"),
    ("encoding-error", "actors", lambda p: edit_bytes(p, "actors", lambda b: b.replace(
        b"Belarus", b"Bel\xffrus", 1)), True, "encoding-error"),
    ("source-error", "rankings", lambda p: edit_bytes(p, "rankings", lambda b: b""), True,
     "source-error"),
    ("multiline-record", "trade", lambda p: (
        set_cell(p, "trade", 1, "note", "two\nlines"), set_cell(p, "trade", 4, "value", "x")),
     True, "type-error"),
    ("crlf-bom", "visits", lambda p: (
        set_cell(p, "visits", 6, "certainty", "maybe"),
        edit_bytes(p, "visits", lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n"))),
     True, "constraint-error"),
]


@pytest.mark.parametrize(("case", "table", "edit", "restamp", "code"), CASES,
                         ids=[c[0] for c in CASES])
def test_reports_every_frictionless_error(package_copy: Path, case, table, edit, restamp,
                                          code) -> None:
    edit(package_copy)
    if restamp:
        stamp(package_copy)
    theirs = frictionless_errors(package_copy, affected(table))  # a fifth of the package's time
    assert any(t == table and c == code for t, c, *_ in theirs), theirs  # the edit bites
    ours = validate(package_copy, checks=["structure", "integrity"]).findings
    missed = [e for e in theirs if not any(matches(f, *e) for f in ours)]
    assert not missed, f"frictionless reports, we do not: {missed}"


def test_frictionless_finds_the_real_package_valid() -> None:
    report = frictionless.validate(str(ROOT / "datapackage.json"))
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])


def test_we_find_the_real_package_valid_too() -> None:
    report = validate(ROOT, checks=["structure", "integrity"])
    assert report.valid, report.findings


# --- the schema side: a broken Table Schema -------------------------------------------------

def _schema_edit(change: Callable[[dict], object]) -> Callable[[Path], None]:
    def edit(pkg: Path) -> None:
        path = pkg / "schemas" / "trade.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        change(schema)
        path.write_text(json.dumps(schema), encoding="utf-8")
    return edit


def _field(schema: dict, name: str) -> dict:
    return next(f for f in schema["fields"] if f["name"] == name)


# frictionless' metadata error -> the codes of ours that report the same fault
SCHEMA_CODES = {"schema-error": {"schema-error"}, "field-error": {"field-error"},
                "resource-error": {"schema-error", "resource-error"}}
SCHEMA_CASES = [
    ("primary-key-no-field", _schema_edit(lambda s: s.__setitem__("primaryKey", ["nope"]))),
    ("foreign-key-no-field", _schema_edit(
        lambda s: s["foreignKeys"][0].__setitem__("fields", ["nope"]))),
    ("foreign-key-no-table", _schema_edit(
        lambda s: s["foreignKeys"][0]["reference"].__setitem__("resource", "nope"))),
    ("constraints-not-object", _schema_edit(
        lambda s: _field(s, "source_id").__setitem__("constraints", [1]))),
    ("field-without-name", _schema_edit(lambda s: _field(s, "qualifier").pop("name"))),
    ("missing-values-string", _schema_edit(lambda s: s.__setitem__("missingValues", ""))),
    ("unknown-type", _schema_edit(lambda s: _field(s, "value").__setitem__("type", "numeric"))),
    ("required-not-boolean", _schema_edit(
        lambda s: _field(s, "trade_id")["constraints"].__setitem__("required", "yes"))),
]


@pytest.mark.parametrize(("case", "edit"), SCHEMA_CASES, ids=[c[0] for c in SCHEMA_CASES])
def test_reports_every_frictionless_schema_error(package_copy: Path, case, edit) -> None:
    edit(package_copy)
    report = frictionless.validate(str(package_copy / "datapackage.json"))
    theirs = {e.type for e in report.errors} | {e.type for t in report.tasks for e in t.errors}
    assert theirs and theirs <= set(SCHEMA_CODES), theirs  # the edit bites, on the schema side
    ours = {f.code for f in validate(package_copy).findings if f.table == "trade"}
    missed = [code for code in theirs if not ours & SCHEMA_CODES[code]]
    assert not missed, f"frictionless reports, we do not: {missed} (ours: {ours})"


def test_a_string_primary_key_is_valid_for_both(package_copy: Path) -> None:
    _schema_edit(lambda s: s.__setitem__("primaryKey", "trade_id"))(package_copy)
    assert frictionless.validate(str(package_copy / "datapackage.json")).valid
    assert validate(package_copy).valid
