"""The pydantic models: generated from the schemas, match the data, refuse broken rows."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pydantic
import pytest

import bdigest_data as bd

ROOT = Path(__file__).resolve().parents[1]
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
SCHEMAS = {
    r["name"]: json.loads((ROOT / r["schema"]).read_text(encoding="utf-8"))
    for r in DESCRIPTOR["resources"] if r.get("schema")
}


def _violations(field: dict) -> list[tuple[str, object]]:
    """Values breaking each of the field's constraints (derived from the schema)."""
    c = field.get("constraints", {})
    out: list[tuple[str, object]] = []
    if c.get("required"):
        out.append(("required", None))
    if "enum" in c:
        out.append(("enum", "not-a-category"))
    if "pattern" in c:
        out += [("pattern", "!!"), ("pattern is anchored", None)]
    if "minimum" in c:
        out.append(("minimum", c["minimum"] - 1))
    if "minLength" in c:
        out.append(("minLength", "x" * (c["minLength"] - 1)))
    if field["type"] in ("integer", "number"):
        out.append(("type", "twelve"))
    return out


CASES = [
    pytest.param(name, field, rule, bad, id=f"{name}.{field['name']}:{rule}")
    for name, schema in SCHEMAS.items()
    for field in schema["fields"]
    for rule, bad in _violations(field)
]


@pytest.fixture(scope="module")
def all_rows() -> dict[str, list[dict]]:
    return {name: [r.model_dump() for r in bd.records(name, validate=False)] for name in SCHEMAS}


@pytest.mark.parametrize("name", SCHEMAS)
def test_model_fields_are_the_schema_fields(name):
    model = bd.model(name)
    fields = SCHEMAS[name]["fields"]
    assert list(model.model_fields) == [f["name"] for f in fields]
    for field in fields:
        info = model.model_fields[field["name"]]
        assert info.description == field["description"]
        assert info.is_required() is bool(field.get("constraints", {}).get("required"))
    props = model.model_json_schema()["properties"]
    for field in fields:
        enum = field.get("constraints", {}).get("enum")
        if enum:
            schema = props[field["name"]]
            options = schema.get("anyOf", [schema])
            assert any(o.get("enum", [o.get("const")]) == enum for o in options), field["name"]


@pytest.mark.parametrize("name", SCHEMAS)
def test_records_are_the_loaded_rows(name):
    rows = bd.records(name, validate=False)
    frame = bd.load(name, validate=False)
    assert len(rows) == len(frame)
    assert all(isinstance(r, bd.model(name)) for r in rows)
    for row, (_, expected) in zip(rows, frame.iterrows(), strict=True):
        for key, value in row.model_dump().items():
            assert (pd.isna(expected[key]) if value is None else value == expected[key]), key


@pytest.mark.parametrize(("name", "field", "rule", "bad"), CASES)
def test_a_row_breaking_the_schema_fails_validation(all_rows, name, field, rule, bad):
    assert all_rows[name], f"{name} has no rows to break"
    row = dict(all_rows[name][0])
    bd.model(name).model_validate(row)
    if rule == "pattern is anchored":  # a valid value with a character before it
        # a valid value of this field, or of the same field in another table (the fact
        # tables share their provenance fields, and not every table uses every one)
        values = [r[field["name"]] for rows in (all_rows[name], *all_rows.values())
                  for r in rows if r.get(field["name"]) is not None]
        bad = f"!{values[0]}"
    row[field["name"]] = bad
    with pytest.raises(pydantic.ValidationError) as info:
        bd.model(name).model_validate(row)
    assert info.value.errors()[0]["loc"] == (field["name"],)


def test_an_edtf_date_of_a_day_that_does_not_exist_fails():
    row = bd.records("visits", validate=False)[0].model_dump()
    row["start_date"] = "2016-02-30"
    with pytest.raises(pydantic.ValidationError, match="2016-02-30"):
        bd.model("visits").model_validate(row)


def test_unknown_fields_are_refused_and_rows_are_frozen():
    row = bd.records("actors", validate=False)[0]
    with pytest.raises(pydantic.ValidationError, match="extra"):
        bd.model("actors").model_validate({**row.model_dump(), "colour": "red"})
    with pytest.raises(pydantic.ValidationError):
        row.name = "changed"


def test_model_classes_are_named_after_their_tables():
    assert bd.model("arms_exports").__name__ == "ArmsExports"
    assert bd.model("arms_exports") is bd.model("arms_exports")
    assert bd.model("arms_exports").__doc__ == SCHEMAS["arms_exports"]["description"]
