"""The failures of issue #9 ("Why"), each on a copy of the real package broken that way:
malformed and legal-but-unusual schemas, hostile paths, loader and validator agreement,
the verdict cache, integrity holes and missing values."""

from __future__ import annotations

import ast
import json
import os
import shutil
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import csv_path, edit_rows, set_cell

import bdigest_data as bd
from bdigest_data import metadata
from bdigest_data.loader import frames
from bdigest_data.release.stamp import stamp, write_descriptor
from bdigest_data.validation.runner import validate

ROOT = Path(__file__).resolve().parents[1]
VERSION = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]


def edit_schema(pkg: Path, table: str, change: Callable[[dict], object]) -> None:
    path = pkg / "schemas" / f"{table}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(schema)
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


def edit_descriptor(pkg: Path, change: Callable[[dict], object]) -> None:
    path = pkg / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    change(desc)
    write_descriptor(path, desc)


def resource(desc: dict, name: str) -> dict:
    return next(r for r in desc["resources"] if r["name"] == name)


def field(schema: dict, name: str) -> dict:
    return next(f for f in schema["fields"] if f["name"] == name)


# --- schema faults are located findings, never tracebacks ---------------------------------

SCHEMA_FAULTS = {
    "fk-to-missing-field": (lambda s: s["foreignKeys"][0].__setitem__("fields", ["nope"]),
                            "schema-error", "nope"),
    "fk-to-missing-referenced-field": (
        lambda s: s["foreignKeys"][0]["reference"].__setitem__("fields", ["nope"]),
        "schema-error", "source_id"),
    "fk-to-missing-table": (
        lambda s: s["foreignKeys"][0]["reference"].__setitem__("resource", "nope"),
        "schema-error", "source_id"),
    "pk-names-no-field": (lambda s: s.__setitem__("primaryKey", ["nope"]), "schema-error",
                          "nope"),
    "constraints-not-an-object": (lambda s: field(s, "source_id").__setitem__(
        "constraints", ["required"]), "field-error", "source_id"),
    "field-without-name": (lambda s: field(s, "qualifier").pop("name"), "field-error", None),
    "missing-values-a-string": (lambda s: s.__setitem__("missingValues", ""), "schema-error",
                                None),
    "required-not-a-boolean": (lambda s: field(s, "trade_id")["constraints"].__setitem__(
        "required", "yes"), "field-error", "trade_id"),
    "unknown-type": (lambda s: field(s, "value").__setitem__("type", "numeric"),
                     "field-error", "value"),
    "fk-types-disagree": (lambda s: field(s, "partner").__setitem__("type", "integer") or
                          field(s, "partner")["constraints"].pop("pattern", None),
                          "schema-error", "partner"),
    "fact-field-retyped": (lambda s: field(s, "source_id").__setitem__("type", "integer") or
                           field(s, "source_id")["constraints"].pop("pattern", None),
                           "field-error", "source_id"),
}


@pytest.mark.parametrize("case", SCHEMA_FAULTS, ids=list(SCHEMA_FAULTS))
def test_a_schema_fault_is_one_located_finding_everywhere(package_copy: Path, case: str):
    change, code, field_name = SCHEMA_FAULTS[case]
    edit_schema(package_copy, "trade", change)
    report = validate(package_copy)
    faults = [f for f in report.findings if f.code.endswith(("schema-error", "field-error"))]
    assert len(faults) == 1, faults
    (f,) = faults
    assert (f.code, f.table, f.field) == (code, "trade", field_name)
    assert f.message.startswith("schemas/trade.json /") and f.value.startswith("/")
    assert not [f for f in report.findings if f.code == "internal-error"]
    with pytest.raises(bd.ValidationError) as info:  # never KeyError, TypeError …
        bd.load("trade", path=package_copy)
    assert any(x.code == code for x in info.value.findings)
    with pytest.raises(bd.ValidationError):
        bd.load_all(validate=False, path=package_copy) if code == "field-error" else \
            bd.load_all(path=package_copy)


def test_a_wrong_missing_values_is_one_schema_error_not_a_cell_error_per_row(package_copy):
    edit_schema(package_copy, "trade", lambda s: s.__setitem__("missingValues", ""))
    findings = validate(package_copy).findings
    assert [f.code for f in findings if f.table == "trade"] == ["schema-error"]


def test_a_string_primary_key_is_legal_and_read_as_a_list(package_copy: Path, tmp_path: Path):
    edit_schema(package_copy, "trade", lambda s: s.__setitem__("primaryKey", "trade_id"))
    assert validate(package_copy).valid
    assert metadata.package(package_copy).schema("trade").primary_key == ["trade_id"]
    from bdigest_data.dictionary import render

    assert "- Primary key: `trade_id`\n" in render(package_copy)
    db = bd.export("sqlite", tmp_path / "data.db", path=package_copy)
    assert db


def test_a_primary_key_field_that_does_not_exist_is_reported_not_skipped(package_copy):
    edit_schema(package_copy, "visits", lambda s: s.__setitem__("primaryKey", ["visit_no"]))
    report = validate(package_copy)
    assert not report.valid
    assert [(f.code, f.table, f.field) for f in report.findings] == [
        ("schema-error", "visits", "visit_no")]


# --- one verdict for load and load_all ------------------------------------------------------

def test_coverage_is_checked_by_load_all_not_by_load_of_one_table(package_copy: Path):
    """Coverage is a property of the whole package (#22: load checks what it loads)."""
    # a ledger row removed: a package-wide coverage finding, in no table's rows
    edit_rows(package_copy, "coverage_ledger", lambda rows: rows.pop(1))
    stamp(package_copy)
    with warnings.catch_warnings():
        warnings.simplefilter("error", bd.PackageFaultWarning)
        assert len(bd.load("rankings", path=package_copy))
    with pytest.raises(bd.ValidationError) as every:
        bd.load_all(path=package_copy)
    assert any(f.code == "unaccounted-sentence" for f in every.value.findings)


def test_load_of_one_table_warns_of_the_versions(package_copy: Path):
    shutil.copy2(ROOT / "CITATION.cff", package_copy / "CITATION.cff")
    cff = package_copy / "CITATION.cff"
    text = cff.read_text(encoding="utf-8")
    assert f"\nversion: {VERSION}\n" in text  # not cff-version, which can be the same number
    cff.write_text(text.replace(f"\nversion: {VERSION}\n", "\nversion: 9.9.9\n"),
                   encoding="utf-8")
    with pytest.warns(bd.PackageFaultWarning, match="version-mismatch"):
        bd.load("actors", path=package_copy)
    with pytest.raises(bd.ValidationError, match="version-mismatch"):
        bd.load_all(path=package_copy)


# --- the loader accepts exactly what the validator accepts ---------------------------------

def test_a_signed_integer_validates_and_loads(package_copy: Path):
    set_cell(package_copy, "rankings", 1, "rank", "+16")
    stamp(package_copy)
    assert validate(package_copy, checks=["structure", "integrity"]).valid
    assert bd.load("rankings", path=package_copy)["rank"].iloc[0] == 16


def test_a_record_over_a_megabyte_validates_and_loads(package_copy: Path):
    long_note = "x" * (1 << 20) + "y"
    set_cell(package_copy, "actors", 2, "note", long_note)
    stamp(package_copy)
    assert validate(package_copy, checks=["structure", "integrity"]).valid
    assert bd.load("actors", validate=False, path=package_copy)["note"].iloc[1] == long_note


@pytest.mark.parametrize("spelling", ["NaN", "nan", "NA", "null", "-"])
def test_no_spelling_outside_missing_values_becomes_missing(package_copy: Path, spelling):
    set_cell(package_copy, "trade", 3, "value", spelling)
    with pytest.raises(bd.ValidationError) as info:
        bd.load("trade", validate=False, path=package_copy)
    assert [(f.code, f.row, f.value) for f in info.value.findings] == [
        ("type-error", 3, spelling)]
    stamp(package_copy)
    assert any(f.code == "type-error" and f.row == 3 for f in validate(package_copy).findings)


# --- paths: validate=False changes the checks, never the files read -------------------------

@pytest.mark.parametrize("kind", ["absolute", "dotdot", "symlink"])
def test_load_without_validation_never_reads_outside_the_package(package_copy: Path,
                                                                 tmp_path: Path, kind: str):
    outside = tmp_path / "secret.csv"
    outside.write_text("TOP-SECRET-LINE\n", encoding="utf-8")
    if kind == "symlink":
        csv_path(package_copy, "actors").unlink()
        csv_path(package_copy, "actors").symlink_to(outside)
    else:
        target = str(outside) if kind == "absolute" else "../secret.csv"
        edit_descriptor(package_copy, lambda d: resource(d, "actors").__setitem__("path", target))
    with pytest.raises(bd.PackageFileError) as info:
        bd.load("actors", validate=False, path=package_copy)
    assert info.value.findings[0].code == "unsafe-path"
    assert "TOP-SECRET" not in str(info.value)


# --- every load failure is a ValidationError -------------------------------------------------

LOAD_FAULTS = {
    "descriptor-not-json": lambda p: (p / "datapackage.json").write_text("{", encoding="utf-8"),
    "no-descriptor": lambda p: (p / "datapackage.json").unlink(),
    "schema-file-missing": lambda p: (p / "schemas" / "trade.json").unlink(),
    "schema-not-json": lambda p: (p / "schemas" / "trade.json").write_text("[", encoding="utf-8"),
    "multipart-path": lambda p: edit_descriptor(p, lambda d: resource(d, "trade").__setitem__(
        "path", ["data/trade.csv", "data/trade.csv"])),
    "resource-without-path": lambda p: edit_descriptor(p, lambda d: resource(d, "trade").pop(
        "path")),
}


@pytest.mark.parametrize("case", LOAD_FAULTS, ids=list(LOAD_FAULTS))
@pytest.mark.parametrize("check", [True, False], ids=["validate", "no-validate"])
def test_every_load_failure_is_a_validation_error(package_copy: Path, case: str, check: bool):
    LOAD_FAULTS[case](package_copy)
    with pytest.raises(bd.ValidationError) as info:
        bd.load("trade", validate=check, path=package_copy)
    assert info.value.findings
    if case == "no-descriptor":
        assert isinstance(info.value, bd.PackageFileError)


# --- the verdict cache is keyed by content ---------------------------------------------------

def _edit_keeping_size_and_mtime(path: Path, old: bytes, new: bytes) -> None:
    assert len(old) == len(new)
    st = path.stat()
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns


def test_an_edit_that_keeps_size_and_mtime_is_seen_by_the_verdict_cache(package_copy: Path):
    bd.load("trade", path=package_copy)  # validated and remembered
    _edit_keeping_size_and_mtime(csv_path(package_copy, "trade"), b"$1bn", b"$2bn")
    with pytest.raises(bd.ValidationError, match="hash-count"):
        bd.load("trade", path=package_copy)


def _copy_keeping_size_and_mtime(path: Path, old: bytes, new: bytes) -> None:
    """``cp -p edited path``: an edited copy with the original's times copied over it."""
    assert len(old) == len(new)
    st = path.stat()
    edited = path.with_name(path.name + ".edited")
    edited.write_bytes(path.read_bytes().replace(old, new, 1))
    os.utime(edited, ns=(st.st_atime_ns, st.st_mtime_ns))
    shutil.copy2(edited, path)  # what cp -p, rsync -t and tar do: content, then times
    edited.unlink()
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    assert path.stat().st_ino == st.st_ino


@pytest.mark.parametrize("edit", [_edit_keeping_size_and_mtime, _copy_keeping_size_and_mtime],
                         ids=["os.utime", "cp -p"])
def test_a_warm_load_hashes_nothing_yet_sees_an_edit_that_keeps_size_and_mtime(
        package_copy: Path, monkeypatch: pytest.MonkeyPatch, edit: Callable) -> None:
    from bdigest_data.metadata import files

    monkeypatch.setattr(files, "_digests", {})
    monkeypatch.setattr(files, "RACY_NS", 10**8)  # trust a file's stat after 0.1 s, not 2 s
    time.sleep(0.2)
    bd.load_all(path=package_copy)  # validated; each file's digest kept with its stat
    hashed: list[object] = []
    file_digest = files.hashlib.file_digest
    monkeypatch.setattr(files.hashlib, "file_digest",
                        lambda fh, name: hashed.append(fh.name) or file_digest(fh, name))
    bd.load_all(path=package_copy)
    assert hashed == []  # every file known unchanged by its stat signature
    edit(csv_path(package_copy, "trade"), b"$1bn", b"$2bn")
    with pytest.raises(bd.ValidationError, match="hash-count"):
        bd.load("trade", path=package_copy)


def test_a_file_changed_just_before_it_was_hashed_is_hashed_again(package_copy: Path,
                                                                  monkeypatch: pytest.MonkeyPatch):
    from bdigest_data.metadata import files

    monkeypatch.setattr(files, "_digests", {})
    bd.load_all(path=package_copy)  # the copy is seconds old: no stat is trusted yet
    assert files._digests == {}


def test_citation_cff_is_in_the_verdict_cache_key(package_copy: Path):
    shutil.copy2(ROOT / "CITATION.cff", package_copy / "CITATION.cff")
    bd.load("trade", path=package_copy)
    other = VERSION[:-1] + ("8" if VERSION.endswith("9") else "9")  # same size, other version
    # the line "version:", not "cff-version:" (CFF 1.2.0 and our 1.2.0 read the same)
    _edit_keeping_size_and_mtime(package_copy / "CITATION.cff",
                                 f"\nversion: {VERSION}\n".encode(),
                                 f"\nversion: {other}\n".encode())
    with pytest.warns(bd.PackageFaultWarning, match="version-mismatch"):
        bd.load("trade", path=package_copy)


def test_the_cache_key_holds_every_file_the_checks_read(package_copy: Path):
    _, _, stamp = frames._package(package_copy)
    assert {"datapackage.json", "schemas/trade.json", "data/trade.csv",
            "seeds/000_bf67ec7b18639301.txt", "CITATION.cff", "pyproject.toml"} \
        <= set(stamp.listed)


# --- integrity holes -------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["hash", "bytes"])
def test_a_resource_without_hash_or_bytes_is_a_finding(package_copy: Path, key: str):
    edit_descriptor(package_copy, lambda d: resource(d, "seeds").pop(key))
    findings = validate(package_copy).findings
    expected = {("unstamped-resource", "seeds")}
    if key == "hash":  # the articles' text is no longer checked either
        expected.add(("undeclared-seed", "sources"))
    assert {(f.code, f.table) for f in findings} == expected


def test_a_seed_file_must_be_a_declared_hashed_resource(package_copy: Path):
    seed = package_copy / "seeds" / "000_bf67ec7b18639301.txt"
    copy = package_copy / "seeds" / "copy.txt"
    copy.write_text(seed.read_text(encoding="utf-8").replace(r"\$97m", r"\$98m"),
                    encoding="utf-8")
    edit_rows(package_copy, "sources", lambda rows: [
        r.__setitem__(rows[0].index("seed_file"), "seeds/copy.txt") for r in rows[1:]])
    edit_rows(package_copy, "arms_exports", lambda rows: [
        (r.__setitem__(rows[0].index("value"), "98"),
         r.__setitem__(rows[0].index("quote"), r[rows[0].index("quote")].replace("$97m", "$98m")))
        for r in rows[1:] if r[0] == "arms-011"])
    stamp(package_copy)
    findings = [f for f in validate(package_copy).findings if f.table == "sources"]
    assert findings and {(f.code, f.field) for f in findings} == {("undeclared-seed",
                                                                  "seed_file")}


# --- one source of truth ---------------------------------------------------------------------

def test_the_fields_every_fact_table_shares_are_identical():
    from bdigest_data.metadata.classes import FACT_FIELDS

    model = metadata.package(ROOT)
    assert len(model.fact_tables) >= 5
    for name in FACT_FIELDS:
        copies = {t: json.dumps(model.schema(t).field(name).raw, sort_keys=True)
                  for t in model.fact_tables}
        assert len(set(copies.values())) == 1, f"{name} differs between fact tables: {copies}"


# The rule of issue #9: no module outside the model (``src/bdigest_data/metadata/``) parses
# ``primaryKey`` or ``foreignKeys`` or maps a Table Schema type. Checked in the package, the
# scripts and the tests' helper modules (test modules may write raw JSON to break a copy).
# Even the cell rule of a type (how ``engine.cells`` reads a cell) is the model's
# (``TypeInfo.cell`` and ``shape``), so nothing is allowed.
KEY_PROPERTIES = {"primaryKey", "foreignKeys"}


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) \
                and node.body and isinstance(node.body[0], ast.Expr) \
                and isinstance(node.body[0].value, ast.Constant):
            found.add(id(node.body[0].value))
    return found


def _reads_type(node: ast.AST) -> bool:
    """``x.type``, ``x["type"]`` or ``x.get("type")``."""
    if isinstance(node, ast.Attribute):
        return node.attr == "type"
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value == "type"
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get" and bool(node.args)
            and isinstance(node.args[0], ast.Constant) and node.args[0].value == "type")


def _type_names(node: ast.AST) -> set[str]:
    from bdigest_data.metadata.classes import PROFILE_TYPES

    values = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
    return {v.value for v in values if isinstance(v, ast.Constant)} & set(PROFILE_TYPES)


def model_rule_breaches(path: Path) -> list[str]:
    """Where ``path`` spells a key property or maps a Table Schema type by name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in KEY_PROPERTIES and id(node) not in docs:
            out.append(f"line {node.lineno}: {node.value!r}")
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(map(_reads_type, sides)) and any(_type_names(s) for s in sides):
                out.append(f"line {node.lineno}: compares a field's type with type names")
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Dict) \
                and _reads_type(node.slice):
            out.append(f"line {node.lineno}: looks a field's type up in a mapping")
    return out


def test_no_module_outside_the_model_parses_keys_or_maps_types():
    checked = [*(ROOT / "src" / "bdigest_data").rglob("*.py"), *(ROOT / "scripts").glob("*.py"),
               *(p for p in (ROOT / "tests").glob("*.py") if not p.name.startswith("test_"))]
    offenders = {}
    for path in checked:
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("src/bdigest_data/metadata/"):
            continue
        if found := model_rule_breaches(path):
            offenders[rel] = found
    assert not offenders, f"read keys and types through bdigest_data.metadata: {offenders}"


def test_the_model_rule_check_catches_what_it_names(tmp_path: Path):
    module = tmp_path / "raw.py"
    module.write_text('def f(s, field):\n    """Reads ``primaryKey``."""\n'
                      '    key = s["primaryKey"]\n'
                      '    numeric = field.get("type") in ("integer", "number")\n'
                      '    return key, numeric, {"string": "TEXT"}[field.type]\n',
                      encoding="utf-8")
    assert sorted(b.split(":")[0] for b in model_rule_breaches(module)) == ["line 3", "line 4",
                                                                       "line 5"]


def test_validate_reads_a_release_archive(package_copy: Path, tmp_path: Path):
    import zipfile

    archive = tmp_path / "bdigest-data-0.1.0.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(package_copy.rglob("*")):
            if f.is_file():
                zf.write(f, f"bdigest-data-0.1.0/{f.relative_to(package_copy)}")
    report = bd.validate(archive)
    assert report.valid, report.findings
    assert report.stats["descriptor"].endswith("bdigest-data-0.1.0/datapackage.json")


def test_a_packages_tables_are_worked_out_once_for_every_check_that_asks():
    """The dataset checks ask for the tables per row, and an archive has a resource per
    article: working them out on every call made the dataset group quadratic
    (scripts/bench_archive.py: 14 s at 500 articles, 133 s at 2,000; now 7 s and 23 s)."""
    model = metadata.package(ROOT)
    assert model.tables is model.tables
    assert list(model.tables) == [r.name for r in model.resources if r.table is not None]
    assert model.with_role("facts") == [n for n, s in model.tables.items() if s.role == "facts"]
