"""Every export types every Table Schema type bdigest-data reads, from the model's mapping:
a copy of the real package with a boolean, a date and a year field added to a lookup table
exports to every format with those columns typed (the exports once typed columns by their
pandas dtype's family and refused a boolean column)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import PACKAGE_PARTS, ROOT
from helpers import edit_rows

import bdigest_data as bd
from bdigest_data.exports import export
from bdigest_data.release.stamp import stamp

TABLE = "actors"
ADDED = [{"name": "checked", "type": "boolean", "description": "Whether it was checked."},
         {"name": "checked_on", "type": "date", "description": "When it was checked."},
         {"name": "first_year", "type": "year", "description": "A year."}]


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pkg = tmp_path_factory.mktemp("typed") / "pkg"
    pkg.mkdir()
    for part in PACKAGE_PARTS:
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, pkg / part)
    schema_path = pkg / "schemas" / f"{TABLE}.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["fields"] += ADDED
    schema_path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    edit_rows(pkg, TABLE, lambda rows: [
        r.extend(["checked", "checked_on", "first_year"] if i == 0 else
                 ["true" if i % 2 else "false", "2013-11-0" + str(i % 9 + 1) if i % 3 else "",
                  str(2000 + i)])
        for i, r in enumerate(rows)])
    stamp(pkg)
    return pkg


def test_the_copy_loads_with_the_added_types(typed: Path):
    frame = bd.load(TABLE, path=typed)
    assert str(frame["checked"].dtype) == "boolean"
    assert str(frame["checked_on"].dtype) == "datetime64[us]"
    assert str(frame["first_year"].dtype) == "Int64"


def test_sqlite_declares_and_stores_each_type(typed: Path, tmp_path: Path):
    db = export("sqlite", tmp_path / "t.db", path=typed)[0]
    con = sqlite3.connect(db)
    declared = {row[1]: row[2] for row in con.execute(f'PRAGMA table_info("{TABLE}")')}
    assert (declared["checked"], declared["checked_on"], declared["first_year"]) == (
        "INTEGER", "DATE", "INTEGER")
    stored = con.execute(f'SELECT checked, checked_on, first_year FROM "{TABLE}"').fetchall()
    frame = bd.load(TABLE, path=typed)
    assert [r[0] for r in stored] == [int(v) for v in frame["checked"]]
    assert {r[1] for r in stored} - {None} <= {d.strftime("%Y-%m-%d") for d in
                                              frame["checked_on"].dropna()}
    kinds = dict(con.execute(f"SELECT column_name, schema_type FROM _meta_columns "
                             f"WHERE table_name = '{TABLE}'").fetchall())
    assert (kinds["checked"], kinds["checked_on"], kinds["first_year"]) == (
        "boolean", "date", "year")
    con.close()


def test_parquet_types_each_column_and_reads_back(typed: Path, tmp_path: Path):
    folder = export("parquet", tmp_path / "pq", path=typed)[0].parent
    schema = pq.read_schema(folder / f"{TABLE}.parquet")
    assert schema.field("checked").type == pa.bool_()
    assert schema.field("checked_on").type == pa.date32()
    assert schema.field("first_year").type == pa.int64()
    back = bd.read_parquet(folder / f"{TABLE}.parquet")
    expected = bd.load(TABLE, path=typed)
    assert back[["checked", "checked_on", "first_year"]].equals(
        expected[["checked", "checked_on", "first_year"]])


def test_duckdb_types_each_column(typed: Path, tmp_path: Path):
    duckdb = pytest.importorskip("duckdb")
    db = export("duckdb", tmp_path / "t.duckdb", path=typed)[0]
    con = duckdb.connect(str(db), read_only=True)
    types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                             f"WHERE table_name = '{TABLE}'").fetchall())
    assert (types["checked"], types["checked_on"], types["first_year"]) == (
        "BOOLEAN", "DATE", "BIGINT")
    values = con.execute(f'SELECT checked FROM "{TABLE}"').fetchall()
    assert [v for (v,) in values] == list(bd.load(TABLE, path=typed)["checked"])
    con.close()


def test_json_writes_booleans_and_dates(typed: Path, tmp_path: Path):
    out = export("json", tmp_path / "t.json", path=typed)[0]
    records = json.loads(out.read_text(encoding="utf-8"))["tables"][TABLE]["records"]
    assert {type(r["checked"]) for r in records} == {bool}
    assert {r["checked_on"] for r in records} - {None} <= {f"2013-11-0{d}" for d in range(1, 10)}
