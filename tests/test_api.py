"""The pandas API on the real package: dtypes from the schemas, values, metadata, joins."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

import bdigest_data as bd
from bdigest_data import edtf
from bdigest_data.loader.frames import citation
from bdigest_data.metadata.classes import Field


def _is_edtf(field: dict) -> bool:
    return Field.model_validate(field).edtf


ROOT = Path(__file__).resolve().parents[1]
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
TABLES = [r["name"] for r in DESCRIPTOR["resources"] if r.get("schema")]
# the expected pandas dtype name per Table Schema type (an oracle written independently)
EXPECTED = {"integer": "Int64", "number": "Float64", "string": "string", "boolean": "boolean",
            "date": "datetime64[us]"}


def _schema(name: str) -> dict:
    res = next(r for r in DESCRIPTOR["resources"] if r["name"] == name)
    return json.loads((ROOT / res["schema"]).read_text(encoding="utf-8"))


def _raw(name: str) -> list[dict[str, str]]:
    with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return bd.load_all(validate=False)


def test_tables_are_the_descriptors_tabular_resources():
    assert bd.tables() == TABLES
    assert "seeds" not in bd.tables()


def test_version_is_the_descriptors():
    assert bd.__version__ == DESCRIPTOR["version"]


@pytest.mark.parametrize("name", TABLES)
def test_dtypes_follow_the_schema(frames, name):
    df = frames[name]
    objects = [c for c, dtype in df.dtypes.items() if pd.api.types.is_object_dtype(dtype)]
    assert objects == []
    for field in _schema(name)["fields"]:
        col = df[field["name"]]
        enum = field.get("constraints", {}).get("enum")
        if enum:
            assert isinstance(col.dtype, pd.CategoricalDtype)
            assert list(col.dtype.categories) == enum
            assert col.dtype.ordered is bool(field.get("categoriesOrdered", False))
        else:
            assert str(col.dtype) == EXPECTED[field["type"]], field["name"]
        if _is_edtf(field):
            name_ = field["name"]
            assert str(df[f"{name_}_earliest"].dtype) == "datetime64[us]"
            assert str(df[f"{name_}_latest"].dtype) == "datetime64[us]"
            assert list(df[f"{name_}_precision"].dtype.categories) == list(edtf.PRECISIONS)
            assert df[f"{name_}_precision"].dtype.ordered


def test_every_evidence_date_field_is_recognised_as_edtf():
    for name in TABLES:
        for field in _schema(name)["fields"]:
            if field.get("bdigest:evidence") == "date" or "EDTF" in field.get("description", ""):
                assert _is_edtf(field), (name, field["name"])


def test_the_edtf_annotation_and_the_edtf_pattern_go_together():
    for name in TABLES:
        for field in _schema(name)["fields"]:
            has_pattern = field.get("constraints", {}).get("pattern") == edtf.PATTERN
            assert has_pattern is _is_edtf(field), (name, field["name"])


@pytest.mark.parametrize("name", TABLES)
def test_values_equal_the_csv_cells(frames, name):
    df, raw = frames[name], _raw(name)
    assert len(df) == len(raw)
    convert = {"integer": int, "number": float, "string": str}
    for field in _schema(name)["fields"]:
        f = field["name"]
        for i, row in enumerate(raw):
            value = df[f].iloc[i]
            if row[f] == "":
                assert pd.isna(value), (f, i)
            else:
                assert value == convert[field["type"]](row[f]), (f, i)
                if _is_edtf(field):
                    parsed = edtf.parse(row[f])
                    assert df[f"{f}_earliest"].iloc[i].date() == parsed.earliest
                    assert df[f"{f}_latest"].iloc[i].date() == parsed.latest
                    assert df[f"{f}_precision"].iloc[i] == parsed.precision
        if _is_edtf(field):
            missing = [row[f] == "" for row in raw]
            assert df[f"{f}_earliest"].isna().tolist() == missing


@pytest.mark.parametrize("name", TABLES)
def test_attrs_carry_the_metadata(frames, name):
    attrs = frames[name].attrs
    res = next(r for r in DESCRIPTOR["resources"] if r["name"] == name)
    assert attrs["table"] == name
    assert attrs["title"] == res["title"]
    assert attrs["description"] == res["description"]
    assert attrs["version"] == DESCRIPTOR["version"]
    assert DESCRIPTOR["version"] in attrs["citation"]
    assert attrs["citation"] == bd.cite("apa").strip()
    assert Path(attrs["source"]) == (ROOT / res["path"]).resolve()
    assert list(attrs["fields"]) == list(frames[name].columns)
    for field in _schema(name)["fields"]:
        assert attrs["fields"][field["name"]] == field["description"]
    assert all(attrs["fields"].values())


def test_columns_are_schema_fields_plus_derived_edtf_columns(frames):
    for name in TABLES:
        expected = []
        for field in _schema(name)["fields"]:
            expected.append(field["name"])
            if _is_edtf(field):
                expected += [f"{field['name']}_{s}" for s in ("earliest", "latest", "precision")]
        assert list(frames[name].columns) == expected


def test_schema_returns_fields_with_descriptions_and_a_copy():
    s = bd.schema("visits")
    assert s == _schema("visits")
    s["fields"].clear()
    assert bd.schema("visits")["fields"]


@pytest.mark.parametrize("call", [bd.load, bd.schema, bd.records])
def test_an_unknown_name_lists_the_tables(call):
    with pytest.raises(KeyError) as info:
        call("vists")
    for name in TABLES:
        assert name in str(info.value)


def test_sources_is_the_sources_table(frames):
    pd.testing.assert_frame_equal(bd.sources(validate=False), frames["sources"])


def test_with_sources_joins_title_and_date(frames):
    visits = bd.load("visits", validate=False, with_sources=True)
    src = frames["sources"].set_index("source_id")
    assert len(visits) == len(frames["visits"])
    pd.testing.assert_frame_equal(visits[frames["visits"].columns], frames["visits"])
    for _, row in visits.iterrows():
        assert row["source_title"] == src.loc[row["source_id"], "title"]
        assert row["source_published"] == src.loc[row["source_id"], "published"]
        assert row["source_published_earliest"] == src.loc[row["source_id"], "published_earliest"]
    assert str(visits["source_published_latest"].dtype) == "datetime64[us]"
    assert list(visits.attrs["fields"]) == list(visits.columns)


def test_with_sources_needs_a_foreign_key_to_sources():
    with pytest.raises(ValueError, match="no foreign key to sources.*visits"):
        bd.load("actors", validate=False, with_sources=True)


def test_load_from_a_package_copy(package_copy, frames):
    df = bd.load("trade", validate=False, path=package_copy)
    pd.testing.assert_frame_equal(df, frames["trade"], check_like=False)
    assert Path(df.attrs["source"]).is_relative_to(package_copy)
    assert bd.tables(package_copy / "datapackage.json") == TABLES


def _edit_json(path: Path, edit) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def test_an_edited_package_copy_is_read_afresh(package_copy):
    before = bd.load("trade", validate=False, path=package_copy)
    assert bd.load_all(validate=False, path=package_copy)["trade"].attrs == before.attrs
    field = _schema("trade")["fields"][0]["name"]
    _edit_json(package_copy / "schemas" / "trade.json",
               lambda s: s["fields"][0].update(description="An edited description."))
    _edit_json(package_copy / "datapackage.json",
               lambda d: d.update(version=d["version"] + "-edited"))
    after = bd.load_all(validate=False, path=package_copy)["trade"]
    assert after.attrs["fields"][field] == "An edited description."
    assert after.attrs["version"] == DESCRIPTOR["version"] + "-edited"
    assert DESCRIPTOR["version"] + "-edited" in after.attrs["citation"]
    assert citation(package_copy) == after.attrs["citation"]
    assert bd.schema("trade", package_copy)["fields"][0]["description"] == "An edited description."
    assert before.attrs["fields"][field] != "An edited description."
