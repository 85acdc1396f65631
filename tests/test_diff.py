"""``bdigest-data diff``: rows, values and schema changes between two package copies."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from conftest import run_cli

from bdigest_data.release.archive import build_archive
from bdigest_data.release.diff import diff_packages
from bdigest_data.release.versioning import Bump


@pytest.fixture
def pair(package_copy: Path) -> tuple[Path, Path]:
    """Two identical copies of the package: (old, new); tests change the new one."""
    new = package_copy.parent / "new"
    shutil.copytree(package_copy, new)
    return package_copy, new


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def edit_schema(pkg: Path, table: str, edit) -> None:
    path = pkg / "schemas" / f"{table}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    edit(schema)
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


def field(schema: dict, name: str) -> dict:
    return next(f for f in schema["fields"] if f["name"] == name)


def test_identical_packages_need_no_bump(pair):
    result = run_cli("diff", *map(str, pair))
    assert result.returncode == 0, result.stderr
    assert "smallest version bump required: none" in result.stdout
    assert diff_packages(*pair).bump == Bump.NONE


def test_corrected_value_is_a_patch_with_before_and_after(pair):
    old, new = pair
    rows = read_csv(new / "data" / "sources.csv")
    before = rows[1][1]
    rows[1][1] = "A corrected title"
    write_csv(new / "data" / "sources.csv", rows)
    result = run_cli("diff", str(old), str(new), "--format", "json")
    assert result.returncode == 1, result.stderr  # the copy kept the old version: too low
    report = json.loads(result.stdout)
    assert report["required_bump"] == "patch"
    sources = next(t for t in report["tables"] if t["name"] == "sources")
    assert sources["rows_changed"] == [
        {"key": rows[1][0], "fields": {"title": {"before": before, "after": "A corrected title"}}}
    ]
    assert sources["rows_added"] == sources["rows_removed"] == []


def test_added_row_is_minor_and_removed_row_is_major(pair):
    old, new = pair
    rows = read_csv(new / "data" / "sources.csv")
    write_csv(new / "data" / "sources.csv", [*rows, ["new-article", *rows[1][1:]]])
    added = diff_packages(old, new)
    assert added.bump == Bump.MINOR
    assert [str(c) for c in added.reasons()] == ["sources: 1 row added"]

    write_csv(new / "data" / "sources.csv", [rows[0], *rows[2:]])
    removed = diff_packages(old, new)
    assert removed.bump == Bump.MAJOR
    table = next(t for t in removed.tables if t.name == "sources")
    assert [table.key(r) for r in table.removed] == [rows[1][0]]
    text = run_cli("diff", str(old), str(new)).stdout
    assert f"  - {rows[1][0]}" in text
    assert "smallest version bump required: major" in text


def test_added_field_is_minor(pair):
    old, new = pair
    edit_schema(new, "sources", lambda s: s["fields"].append(
        {"name": "language", "type": "string", "description": "Language of the article."}))
    rows = read_csv(new / "data" / "sources.csv")
    write_csv(new / "data" / "sources.csv",
              [[*rows[0], "language"], *([*r, "en"] for r in rows[1:])])
    result = diff_packages(old, new)
    assert result.bump == Bump.MINOR
    table = next(t for t in result.tables if t.name == "sources")
    assert [str(c) for c in table.changes] == ["field `language`: added"]
    assert table.changed == []  # a new column is no changed value


def test_narrowed_enum_is_major_and_widened_enum_is_minor(pair):
    old, new = pair
    enum = field(json.loads((old / "schemas/arms_exports.json").read_text()), "record_type")[
        "constraints"]["enum"]
    edit_schema(new, "arms_exports", lambda s: field(s, "record_type")["constraints"][
        "enum"].remove(enum[-1]))
    narrowed = diff_packages(old, new)
    assert narrowed.bump == Bump.MAJOR
    assert [str(c) for c in narrowed.reasons()] == [
        f'field `record_type`: `enum` removed "{enum[-1]}"']
    markdown = run_cli("diff", str(old), str(new), "-f", "markdown").stdout
    assert "**Smallest version bump required: major**" in markdown
    assert "## `arms_exports` (changed)" in markdown

    edit_schema(new, "arms_exports", lambda s: field(s, "record_type")["constraints"][
        "enum"].extend([enum[-1], "licence_sale"]))
    assert diff_packages(old, new).bump == Bump.MINOR


@pytest.mark.parametrize(("edit", "bump"), [
    (lambda s: field(s, "title").update(description="Reworded."), Bump.PATCH),
    (lambda s: field(s, "char_start").update(type="number"), Bump.MAJOR),
    (lambda s: field(s, "published_note")["constraints"].pop("required"), Bump.MINOR),
    (lambda s: field(s, "title")["constraints"].update(unique=True), Bump.MAJOR),
    (lambda s: field(s, "char_start")["constraints"].update(minimum=1), Bump.MAJOR),
    (lambda s: field(s, "char_start")["constraints"].pop("minimum"), Bump.MINOR),
    (lambda s: s["fields"].insert(0, s["fields"].pop(1)), Bump.MAJOR),
    (lambda s: s["fields"].pop(), Bump.MAJOR),
])
def test_schema_change_rules(pair, edit, bump):
    old, new = pair
    edit_schema(new, "sources", edit)
    assert diff_packages(old, new).bump == bump


def _keys_as_strings(schema: dict) -> None:
    """The keys of a one-field key written as strings, as Table Schema allows."""
    if len(schema["primaryKey"]) == 1:
        schema["primaryKey"] = schema["primaryKey"][0]
    for fk in schema.get("foreignKeys", []):
        if len(fk["fields"]) == 1:
            fk["fields"], fk["reference"]["fields"] = fk["fields"][0], fk["reference"]["fields"][0]


def test_keys_written_as_strings_in_an_old_release_are_the_same_keys(pair):
    old, new = pair
    edit_schema(old, "participants", _keys_as_strings)
    result = diff_packages(old, new)
    assert result.bump == Bump.NONE, [str(c) for t in result.tables for c in t.changes]


def _v1_spelling(pkg: Path) -> None:
    """The package as releases up to 1.2.0 wrote it: self-references with ``"resource":
    ""`` and the seed text with ``"type": "file"``."""
    edit_schema(pkg, "arms_exports", lambda s: [
        fk["reference"].setdefault("resource", "") for fk in s["foreignKeys"]])
    path = pkg / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    next(r for r in desc["resources"] if "schema" not in r)["type"] = "file"
    path.write_text(json.dumps(desc, indent=2), encoding="utf-8")


def test_the_v1_spelling_of_an_old_release_is_no_change(pair):
    old, new = pair
    _v1_spelling(old)
    result = diff_packages(old, new)
    assert result.bump == Bump.NONE, [str(c) for t in result.tables for c in t.changes]
    assert diff_packages(new, old).bump == Bump.NONE


def test_an_old_schema_the_model_refuses_still_diffs(pair):
    old, new = pair
    edit_schema(old, "sources", lambda s: (field(s, "char_start").update(type="datetime"),
                                           s.update(missingValues="")))
    changes = {str(c) for t in diff_packages(old, new).tables for c in t.changes}
    assert 'field `char_start`: `type` changed from "datetime" to "integer"' in changes
    assert diff_packages(old, new).bump == Bump.MAJOR


def test_removed_table_is_major_and_first_release_adds_everything(pair):
    old, new = pair
    desc = json.loads((new / "datapackage.json").read_text())
    desc["resources"] = [r for r in desc["resources"] if r["name"] != "rankings"]
    (new / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    result = diff_packages(old, new)
    assert result.bump == Bump.MAJOR
    assert [t.status for t in result.tables if t.name == "rankings"] == ["removed"]

    first = diff_packages(None, old)
    assert first.old_version is None and first.bump == Bump.MINOR
    assert {t.status for t in first.tables} == {"added"}


def test_release_archive_is_compared_like_a_directory(pair, tmp_path):
    old, new = pair
    archive = build_archive(old, tmp_path / "old.zip", "bdigest-data-old", 0)
    result = run_cli("diff", str(archive), str(new))
    assert result.returncode == 0, result.stderr
    assert "smallest version bump required: none" in result.stdout


def test_unreadable_input_is_a_clear_error(pair, tmp_path):
    old, new = pair
    rows = read_csv(new / "data" / "sources.csv")
    write_csv(new / "data" / "sources.csv", [*rows, rows[1]])
    result = run_cli("diff", str(old), str(new))
    assert result.returncode == 2
    assert "sources.csv" in result.stderr and f"{rows[1][0]!r} occurs twice" in result.stderr
    assert "Traceback" not in result.stderr

    junk = tmp_path / "junk.zip"
    junk.write_text("not a zip", encoding="utf-8")
    result = run_cli("diff", str(junk), str(new))
    assert result.returncode == 2 and "junk.zip" in result.stderr
    assert "Traceback" not in result.stderr
