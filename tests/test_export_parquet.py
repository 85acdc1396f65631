"""Parquet export: one file per table, Arrow types, metadata, round trip through pyarrow."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from export_roundtrip import TABLES, assert_same_as_loaded, columns, exported

import bdigest_data
from bdigest_data.loader.frames import citation
from bdigest_data.metadata.descriptor import table_schema

ARROW = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(),
         "date": pa.date32()}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return exported("parquet", tmp_path_factory.mktemp("parquet"), "bdigest").parent


def test_one_file_per_table_and_the_events_view(folder):
    assert sorted(p.name for p in folder.iterdir()) \
        == sorted(f"{t}.parquet" for t in [*TABLES, "events"])


@pytest.mark.parametrize("table", TABLES)
def test_round_trip_equals_loaded_frame(folder, table):
    frame = pq.read_table(folder / f"{table}.parquet").to_pandas(date_as_object=False)
    dates = {c.name: c.dtype for c in columns(table) if c.kind == "date"}
    # pandas 2 reads Arrow text back as string[python] (README); pandas 3 as string[pyarrow]
    texts = {name: "string[pyarrow]" for name, kind in frame.dtypes.items() if kind == "string"}
    assert_same_as_loaded(frame.astype({**texts, **dates}), table)  # date32: datetime64[ms]


@pytest.mark.parametrize("table", TABLES)
def test_arrow_types_and_field_metadata_follow_the_schema(folder, table):
    schema = pq.read_schema(folder / f"{table}.parquet")
    assert schema.names == [c.name for c in columns(table)]
    for col in columns(table):
        field = schema.field(col.name)
        if col.kind == "category":
            assert pa.types.is_dictionary(field.type)
            assert field.type.value_type == pa.string()
            assert field.type.ordered == col.ordered
        else:
            assert field.type == ARROW[col.kind], col.name
        assert field.nullable == (not col.required)
        assert field.metadata[b"description"].decode() == col.description


@pytest.mark.parametrize("table", TABLES)
def test_schema_metadata_carries_version_grain_and_table_schema(folder, table):
    meta = {k.decode(): v.decode() for k, v in pq.read_schema(folder / f"{table}.parquet")
            .metadata.items()}
    assert meta["bdigest:version"] == bdigest_data.__version__
    assert meta["bdigest:table"] == table
    assert meta["bdigest:grain"] == table_schema(table)["bdigest:grain"]
    assert json.loads(meta["bdigest:table_schema"]) == table_schema(table)
    assert meta["bdigest:citation"] == citation()


@pytest.mark.parametrize("table", TABLES)
def test_read_parquet_gives_the_loaded_frame(folder, table):
    frame = bdigest_data.read_parquet(folder / f"{table}.parquet")
    expected = bdigest_data.load(table)
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    assert frame.attrs["version"] == expected.attrs["version"]
    assert frame.attrs["fields"] == expected.attrs["fields"]
    polars = bdigest_data.read_parquet(folder / f"{table}.parquet", backend="polars")
    assert polars.equals(bdigest_data.load(table, backend="polars"))
    assert polars.schema == bdigest_data.load(table, backend="polars").schema


def test_plain_pandas_reads_the_dates_as_objects(folder):
    """What the README says plain reading gives (read_parquet exists because of it)."""
    plain = pd.read_parquet(folder / "visits.parquet")
    assert plain["start_date_earliest"].dtype == object
    assert plain["status"].dtype == bdigest_data.load("visits")["status"].dtype


def test_read_parquet_refuses_a_value_its_schema_does_not_allow(folder, tmp_path):
    data = pq.read_table(folder / "visits.parquet")
    status = data.column("status").cast(pa.string()).to_pylist()
    status[1] = "cancelled"
    index = data.schema.get_field_index("status")
    broken = data.set_column(index, pa.field("status", pa.string()), pa.array(status))
    pq.write_table(broken.replace_schema_metadata(data.schema.metadata), tmp_path / "v.parquet")
    with pytest.raises(bdigest_data.ValidationError, match=r"row 2, field 'status'.*cancelled"):
        bdigest_data.read_parquet(tmp_path / "v.parquet")


def test_read_parquet_refuses_a_file_of_another_origin_and_an_unknown_backend(folder,
                                                                              tmp_path):
    pq.write_table(pa.table({"x": [1]}), tmp_path / "other.parquet")
    with pytest.raises(ValueError, match="not written by the bdigest-data Parquet export"):
        bdigest_data.read_parquet(tmp_path / "other.parquet")
    with pytest.raises(ValueError, match="unknown backend 'spark'"):
        bdigest_data.read_parquet(folder / "visits.parquet", backend="spark")
