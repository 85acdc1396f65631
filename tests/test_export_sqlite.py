"""SQLite export: typed columns, keys, CHECK constraints, descriptions, round trip."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from export_roundtrip import TABLES, assert_same_as_loaded, columns, exported, with_loaded_dtypes

import bdigest_data
from bdigest_data.exports.sqlite import metadata_path
from bdigest_data.metadata.descriptor import table_schema

# the declared SQL type of each kind of column: the test's own expectation
SQL = {"string": "TEXT", "category": "TEXT", "integer": "INTEGER", "number": "REAL",
       "date": "DATE", "boolean": "INTEGER"}
STORAGE = {"TEXT": "text", "INTEGER": "integer", "REAL": "real", "DATE": "text"}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = exported("sqlite", tmp_path_factory.mktemp("sqlite"), "bdigest.db")
    con = sqlite3.connect(path)
    yield con
    con.close()


@pytest.mark.parametrize("table", TABLES)
def test_round_trip_equals_loaded_frame(db, table):
    frame = pd.read_sql(f'SELECT * FROM "{table}"', db)
    assert_same_as_loaded(with_loaded_dtypes(frame, table), table)


@pytest.mark.parametrize("table", TABLES)
def test_declared_types_and_stored_values_follow_the_schema(db, table):
    info = {row[1]: row for row in db.execute(f'PRAGMA table_info("{table}")')}
    assert list(info) == [c.name for c in columns(table)]
    for col in columns(table):
        declared = info[col.name][2]
        assert declared == SQL[col.kind]
        assert bool(info[col.name][3]) == col.required  # NOT NULL
        stored = {t for (t,) in db.execute(f'SELECT DISTINCT typeof("{col.name}") FROM "{table}"')}
        assert stored <= {STORAGE[declared], "null"}, (col.name, stored)
    pk = [name for name, row in sorted(info.items(), key=lambda kv: kv[1][5]) if row[5]]
    assert pk == table_schema(table)["primaryKey"]


@pytest.mark.parametrize("table", TABLES)
def test_foreign_keys_are_declared_and_resolve(db, table):
    listed = db.execute(f'PRAGMA foreign_key_list("{table}")')
    declared = {(row[2], row[3], row[4]) for row in listed}
    expected = {
        (fk["reference"].get("resource") or table, field, ref)
        for fk in table_schema(table).get("foreignKeys", [])
        for field, ref in zip(fk["fields"], fk["reference"]["fields"], strict=True)
    }
    assert declared == expected
    assert db.execute(f'PRAGMA foreign_key_check("{table}")').fetchall() == []


def test_a_dangling_foreign_key_is_found(tmp_path, db):
    copy = sqlite3.connect(tmp_path / "copy.db")
    db.backup(copy)
    copy.execute("UPDATE trade SET partner = 'XXX' WHERE rowid = 1")
    assert copy.execute("PRAGMA foreign_key_check(trade)").fetchall()
    copy.close()


@pytest.mark.parametrize(
    ("sql", "constraint"),
    [
        ("UPDATE trade SET certainty = 'rumoured'", "enum"),
        ("UPDATE political_prisoners SET count = -1", "minimum"),
        ("UPDATE visits SET quote = 'short'", "minLength"),
        ("UPDATE visits SET start_date_earliest = '2013-02-30'", "date"),
        ("UPDATE trade SET trade_id = NULL", "required"),
    ],
)
def test_check_constraints_reject_values_the_schema_forbids(tmp_path, db, sql, constraint):
    copy = sqlite3.connect(tmp_path / "copy.db")
    db.backup(copy)
    with pytest.raises(sqlite3.IntegrityError):
        copy.execute(sql)
    copy.close()


def test_descriptions_are_in_the_database_and_in_datasette_metadata(db):
    path = db.execute("PRAGMA database_list").fetchone()[2]
    meta = json.loads(metadata_path(Path(path)).read_text(encoding="utf-8"))
    tables = meta["databases"]["bdigest"]["tables"]
    for table in TABLES:
        rows = db.execute(
            "SELECT column_name, description FROM _meta_columns WHERE table_name = ? "
            "ORDER BY position", (table,)).fetchall()
        expected = [(c.name, c.description) for c in columns(table)]
        assert rows == expected
        assert tables[table]["columns"] == dict(expected)
        assert table_schema(table)["bdigest:grain"] in tables[table]["description"]
    count, = db.execute("SELECT row_count FROM _meta_tables WHERE table_name = 'trade'").fetchone()
    assert count == db.execute("SELECT count(*) FROM trade").fetchone()[0]
    version = dict(db.execute("SELECT key, value FROM _meta_package"))["version"]
    assert version == bdigest_data.__version__
