"""JSON export: records plus the schema that describes them; round trip through json."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from export_roundtrip import TABLES, assert_same_as_loaded, exported

import bdigest_data
from bdigest_data import edtf
from bdigest_data.loader import convert


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    path = exported("json", tmp_path_factory.mktemp("json"), "bdigest.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_package_metadata(document):
    assert document["version"] == bdigest_data.__version__
    assert list(document["tables"]) == TABLES
    assert document["citation"]


@pytest.mark.parametrize("table", TABLES)
def test_round_trip_with_the_embedded_schema_equals_loaded_frame(document, table):
    part = document["tables"][table]
    fields = part["schema"]["fields"]
    names = [f["name"] for f in fields]
    assert all(list(record) == names for record in part["records"])
    frame = pd.DataFrame.from_records(part["records"], columns=names)
    assert_same_as_loaded(frame.astype({f["name"]: convert.pandas_dtype(f) for f in fields}), table)


def test_derived_fields_say_where_they_come_from(document):
    fields = {f["name"]: f for f in document["tables"]["visits"]["schema"]["fields"]}
    assert fields["start_date_earliest"]["type"] == "date"
    assert fields["start_date_earliest"]["bdigest:derivedFrom"] == "start_date"
    assert fields["start_date_precision"]["constraints"]["enum"] == list(edtf.PRECISIONS)
    assert fields["start_date_precision"]["categoriesOrdered"] is True


def test_bdigest_data_export_stays_callable_after_the_exports_package_is_imported(tmp_path):
    import bdigest_data.exports.jsonfile  # noqa: F401  the package must not shadow the function

    assert bdigest_data.export("json", tmp_path / "a.json") == [tmp_path / "a.json"]
    assert bdigest_data.export("json", tmp_path / "b.json") == [tmp_path / "b.json"]
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
