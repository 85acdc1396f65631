"""Loud failures: broken cells, broken files and failed validation never give a frame."""

from __future__ import annotations

import importlib

import pytest
from helpers import edit_rows, set_cell

import bdigest_data as bd
from bdigest_data.findings import Finding, Report
from bdigest_data.loader import frames


@pytest.mark.parametrize(
    ("table", "field", "value", "code"),
    [
        ("political_prisoners", "count", "12x", "type-error"),
        ("sources", "char_start", "1.5", "type-error"),
        ("trade", "value", "1,5", "type-error"),
        ("visits", "status", "cancelled", "constraint-error"),
        ("visits", "start_date", "2016-02-30", "constraint-error"),
    ],
)
def test_a_cell_that_does_not_convert_is_named(package_copy, table, field, value, code):
    set_cell(package_copy, table, 2, field, value)
    with pytest.raises(bd.ValidationError) as info:
        bd.load(table, validate=False, path=package_copy)
    (finding,) = info.value.findings
    assert (finding.code, finding.table, finding.row, finding.line, finding.field,
            finding.value) == (code, table, 2, 3, field, value)
    message = str(info.value)
    for part in (f"{table}.csv", "row 2", "line 3", repr(field), repr(value)):
        assert part in message
    with pytest.raises(bd.ValidationError):
        bd.load_all(validate=False, path=package_copy)
    with pytest.raises(bd.ValidationError):
        bd.records(table, validate=False, path=package_copy)


def test_every_bad_cell_is_reported_with_its_physical_line(package_copy):
    def edit(rows: list[list[str]]) -> None:
        rows[1][rows[0].index("note")] = "a note\nover two lines"
        rows[3][rows[0].index("count")] = "many"
        rows[4][rows[0].index("count")] = "-"

    edit_rows(package_copy, "political_prisoners", edit)
    with pytest.raises(bd.ValidationError) as info:
        bd.load("political_prisoners", validate=False, path=package_copy)
    assert [(f.row, f.line, f.value) for f in info.value.findings] == [(3, 5, "many"),
                                                                      (4, 6, "-")]


def test_a_header_that_is_not_the_schema_is_refused(package_copy):
    edit_rows(package_copy, "visits", lambda rows: rows[0].__setitem__(2, "guest"))
    with pytest.raises(bd.ValidationError, match="incorrect-label.*guest"):
        bd.load("visits", validate=False, path=package_copy)


def test_a_ragged_row_is_refused(package_copy):
    edit_rows(package_copy, "actors", lambda rows: rows[2].pop())
    with pytest.raises(bd.ValidationError, match="source-error.*actors.csv"):
        bd.load("actors", validate=False, path=package_copy)


def test_a_blank_line_is_refused_not_dropped(package_copy):
    path = package_copy / "data" / "actors.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    empty = "," * (lines[0].count(",")) + "\n"
    path.write_text("".join([*lines[:3], "\n", *lines[3:], empty]), encoding="utf-8")
    with pytest.raises(bd.ValidationError) as info:
        bd.load("actors", validate=False, path=package_copy)
    found = [(f.code, f.row, f.line, f.field) for f in info.value.findings]
    assert found == [("blank-row", 3, 4, None), ("blank-row", len(lines) + 1, len(lines) + 2, None)]
    assert "actors.csv, row 3, line 4: the row is blank" in str(info.value)


def test_a_missing_file_is_refused(package_copy):
    (package_copy / "data" / "rankings.csv").unlink()
    with pytest.raises(bd.PackageFileError, match="file-error.*rankings.csv"):
        bd.load("rankings", validate=False, path=package_copy)


def test_a_field_named_like_a_derived_column_is_refused(package_copy):
    """The derived columns are checked against the fields once per table, not per load."""
    schema = package_copy / "schemas" / "sources.json"
    schema.write_text(schema.read_text(encoding="utf-8").replace(
        '"published_note"', '"published_latest"'), encoding="utf-8")
    edit_rows(package_copy, "sources",
              lambda rows: rows[0].__setitem__(rows[0].index("published_note"),
                                               "published_latest"))
    for _ in range(2):
        with pytest.raises(bd.ValidationError,
                           match="derived column 'published_latest' clashes"):
            bd.load("sources", validate=False, path=package_copy)


# --- validate=True: the validator's findings stop the load ------------------------------

@pytest.fixture
def fake_validator(monkeypatch):
    """Replace the validator by a recorder that reports ``findings`` (settable)."""
    calls: list[tuple] = []
    state = {"findings": []}

    def validate(path=None, *, tables=None, checks=None):
        calls.append((getattr(path, "descriptor_path", path), tables))  # the loader's files
        return Report(findings=list(state["findings"]))

    module = importlib.import_module("bdigest_data.validation")
    monkeypatch.setattr(module, "validate", validate, raising=False)
    monkeypatch.setattr(frames, "_validated", {})
    return calls, state


def test_load_validates_its_tables_and_load_all_the_whole_package(fake_validator,
                                                                   package_copy):
    calls, _ = fake_validator
    descriptor = package_copy / "datapackage.json"
    bd.load("visits", path=package_copy)
    assert calls == [(descriptor, ["visits"])]
    bd.load("visits", path=package_copy)
    bd.load("visits", path=package_copy, with_sources=True)
    bd.load_all(path=package_copy)
    bd.load_all(path=package_copy)
    # one verdict per selection and content of the package
    assert calls[1:] == [(descriptor, ["visits", "sources"]), (descriptor, None)]


def test_a_finding_raises_with_the_findings_and_no_frame(fake_validator, package_copy):
    _, state = fake_validator
    found = Finding("quote-not-found", "the quote is not in the article", table="visits", row=3,
                    field="quote", value="made up")
    state["findings"] = [found]
    with pytest.raises(bd.ValidationError) as info:
        bd.load("visits", path=package_copy)
    assert info.value.findings == [found]
    assert "quote-not-found" in str(info.value)
    with pytest.raises(bd.ValidationError):
        bd.load_all(path=package_copy)
    assert bd.load("visits", validate=False, path=package_copy).shape[0] > 0


def test_load_all_validates_once_and_a_changed_package_again(fake_validator, package_copy):
    calls, _ = fake_validator
    frames = bd.load_all(path=package_copy)
    assert set(frames) == set(bd.tables())
    bd.load("trade", path=package_copy)
    bd.records("trade", path=package_copy)
    assert calls == [(package_copy / "datapackage.json", None),
                     (package_copy / "datapackage.json", ["trade"])]
    set_cell(package_copy, "trade", 1, "note", "edited")
    bd.load_all(path=package_copy)
    assert calls[2:] == [(package_copy / "datapackage.json", None)]


def test_the_real_validator_stops_a_load_of_a_broken_copy(package_copy):
    set_cell(package_copy, "visits", 1, "quote", "A quote that no article contains anywhere.")
    with pytest.raises(bd.ValidationError) as info:
        bd.load("visits", path=package_copy)
    assert any(f.table == "visits" and f.row == 1 for f in info.value.findings)
    with pytest.raises(bd.ValidationError):
        bd.load_all(path=package_copy)
    assert len(bd.load("visits", validate=False, path=package_copy)) > 0


# every public entry point that takes a package path, called on a path holding no package
_ENTRY_POINTS = {
    "tables": lambda p, out: bd.tables(p),
    "schema": lambda p, out: bd.schema("visits", p),
    "load": lambda p, out: bd.load("visits", path=p),
    "load_all": lambda p, out: bd.load_all(path=p),
    "sources": lambda p, out: bd.sources(path=p),
    "records": lambda p, out: bd.records("visits", path=p),
    "model": lambda p, out: bd.model("visits", p),
    "validate": lambda p, out: bd.validate(p),
    "cite": lambda p, out: bd.cite(path=p),
    "cite_row": lambda p, out: bd.cite_row("visits", "v001", path=p),
    "export": lambda p, out: bd.export("json", out, path=p),
    "site": lambda p, out: bd.site(out, path=p),
}


@pytest.mark.parametrize("entry", sorted(_ENTRY_POINTS))
@pytest.mark.parametrize("where", ["nothing there", "empty folder"])
def test_a_missing_package_is_one_error_everywhere(tmp_path, entry, where):
    """No package at the path: every entry point raises ``PackageFileError``, which the
    ``except`` clauses of the errors they raised before (``FileNotFoundError``,
    ``ValueError``, ``ValidationError``) still catch, and names the path."""
    path = tmp_path / "nope" if where == "nothing there" else tmp_path
    with pytest.raises(bd.PackageFileError) as info:
        _ENTRY_POINTS[entry](str(path), tmp_path / "out")
    error = info.value
    assert isinstance(error, FileNotFoundError | ValueError | bd.ValidationError)
    assert [f.code for f in error.findings] == ["file-error"]
    assert str(path) in str(error)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("entry", ["validate"])
def test_an_archive_that_cannot_be_unpacked_is_the_same_error(tmp_path, entry):
    """``validate`` reads release archives: one that cannot be unpacked is the same
    ``PackageFileError`` (it was a bare ``ValueError``)."""
    archive = tmp_path / "release.zip"
    archive.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(bd.PackageFileError, match="release.zip") as info:
        _ENTRY_POINTS[entry](str(archive), tmp_path / "out")
    assert [f.code for f in info.value.findings] == ["file-error"]
    assert not (tmp_path / "out").exists()


def test_cite_of_a_missing_path_reads_nothing_beside_it(tmp_path, monkeypatch):
    """``cite(path="/nope")`` used to read ``/datapackage.json`` and ``/CITATION.cff``, in
    the parent of a path that is not there; now it refuses the path it was given."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "datapackage.json").write_text("{}")  # bait in the parent of the missing path
    for missing in ("/nope", "nope", tmp_path / "nope" / "datapackage.json"):
        for format in ("text", "cff", "apa"):
            with pytest.raises(bd.PackageFileError) as info:
                bd.cite(format, path=missing)
            assert str(info.value).endswith(f"no datapackage.json at {missing}"), info.value
