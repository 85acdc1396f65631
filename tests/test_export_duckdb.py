"""DuckDB export: typed tables, keys and constraints DuckDB enforces, comments, metadata,
views, and a round trip to pandas and polars equal to ``bdigest_data.load``."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import duckdb
import pandas as pd
import polars as pl
import pytest
from conftest import run_cli
from export_roundtrip import TABLES, columns, exported, with_loaded_dtypes
from helpers import edit_rows
from polars_frames import assert_same_as_pandas

import bdigest_data as bd
from bdigest_data.exports.duckdbfile import insert_batches
from bdigest_data.loader.frames import citation
from bdigest_data.loader.package import load_package
from bdigest_data.metadata.descriptor import table_schema

# the DuckDB type of each family of pandas dtype that ``load`` gives
DUCKDB = {"Int64": "BIGINT", "Float64": "DOUBLE", "string": "VARCHAR",
          "datetime64[us]": "DATE"}
FACTS = [t for t in TABLES if any(fk["reference"].get("resource") == "sources"
                                  for fk in table_schema(t).get("foreignKeys", []))]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = exported("duckdb", tmp_path_factory.mktemp("duckdb"), "bdigest.duckdb")
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def key(table: str) -> list[str]:
    return table_schema(table)["primaryKey"]


def by_key(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    return frame.sort_values(key(table), ignore_index=True)


def expected_type(dtype: object) -> str:
    if isinstance(dtype, pd.CategoricalDtype):
        return "ENUM(" + ", ".join(f"'{c}'" for c in dtype.categories) + ")"
    return DUCKDB[str(dtype)]


@pytest.mark.parametrize("table", TABLES)
def test_every_column_has_the_type_of_the_loaded_frame(db, table):
    found = db.execute("SELECT column_name, data_type FROM duckdb_columns() "
                       "WHERE table_name = ? ORDER BY column_index", [table]).fetchall()
    loaded = bd.load(table)
    assert found == [(name, expected_type(dtype)) for name, dtype in loaded.dtypes.items()]


@pytest.mark.parametrize("table", TABLES)
def test_round_trip_to_pandas_equals_the_loaded_frame(db, table):
    frame = with_loaded_dtypes(db.sql(f'SELECT * FROM "{table}"').df(), table)
    pd.testing.assert_frame_equal(by_key(frame, table), by_key(bd.load(table), table),
                                  check_exact=True)


@pytest.mark.parametrize("table", TABLES)
def test_round_trip_to_polars_equals_the_loaded_frame(db, table):
    order = ", ".join(f'"{k}"' for k in key(table))
    frame = db.sql(f'SELECT * FROM "{table}" ORDER BY {order}').pl()
    # DuckDB hands ENUM columns to polars as Categorical: the documented cast to Enum
    frame = frame.with_columns(pl.col(c.name).cast(pl.Enum(c.categories))
                               for c in columns(table) if c.kind == "category")
    assert_same_as_pandas(frame, by_key(bd.load(table), table))


@pytest.mark.parametrize("table", TABLES)
def test_primary_and_foreign_keys_are_declared(db, table):
    rows = db.execute("SELECT constraint_type, constraint_column_names, referenced_table, "
                      "referenced_column_names FROM duckdb_constraints() WHERE table_name = ?",
                      [table]).fetchall()
    assert [r[1] for r in rows if r[0] == "PRIMARY KEY"] == [key(table)]
    declared = sorted((r[1], r[2], r[3]) for r in rows if r[0] == "FOREIGN KEY")
    assert declared == sorted((fk["fields"], fk["reference"].get("resource") or table,
                               fk["reference"]["fields"])
                              for fk in table_schema(table).get("foreignKeys", []))
    required = {c.name for c in columns(table) if c.required}
    assert {r[1][0] for r in rows if r[0] == "NOT NULL"} == required


def test_the_database_refuses_rows_that_break_the_schema(tmp_path):
    con = duckdb.connect(str(exported("duckdb", tmp_path, "bdigest.duckdb")))
    copy = "INSERT INTO {0} SELECT * REPLACE ({1}) FROM {0} LIMIT 1"
    for table, replace, error, match in [
        ("trade", "'trade-999' AS trade_id, 'nope' AS source_id", duckdb.ConstraintException,
         "foreign key"),
        ("trade", "'trade-001' AS trade_id", duckdb.ConstraintException, "primary key"),
        ("trade", "'trade-999' AS trade_id, 'nowhere' AS certainty", duckdb.ConversionException,
         "ENUM"),
        ("sources", "'x' AS source_id, -1 AS char_start", duckdb.ConstraintException, "CHECK"),
        ("visits", "'visit-999' AS visit_id, 'soon' AS start_date", duckdb.ConstraintException,
         "CHECK"),  # the EDTF pattern
    ]:
        with pytest.raises(error, match=f"(?i){match}"):
            con.execute(copy.format(table, replace))
    con.close()


def test_every_table_view_and_column_has_its_description_as_comment(db):
    tables = dict(db.execute("SELECT table_name, comment FROM duckdb_tables()").fetchall())
    for table in TABLES:
        assert table_schema(table)["description"] in tables[table]
        comments = dict(db.execute("SELECT column_name, comment FROM duckdb_columns() "
                                   "WHERE table_name = ?", [table]).fetchall())
        assert comments == {c.name: c.description for c in columns(table)}
    assert tables["_meta_package"]
    views = dict(db.execute("SELECT view_name, comment FROM duckdb_views() "
                            "WHERE NOT internal").fetchall())
    assert {f"{t}_with_source" for t in FACTS} <= set(views)
    assert {"visits_with_places", "visits_participants"} <= set(views)
    assert all(views.values())
    missing = db.execute("SELECT table_name, column_name FROM duckdb_columns() "
                         "WHERE NOT internal AND (comment IS NULL OR comment = '')").fetchall()
    assert missing == []


def test_the_metadata_table_holds_version_and_citation(db):
    meta = dict(db.execute("SELECT key, value FROM _meta_package").fetchall())
    assert meta["version"] == bd.__version__
    assert meta["citation"] == citation()
    assert meta["name"] == "bdigest-data"


@pytest.mark.parametrize("table", FACTS)
def test_with_source_views_equal_load_with_sources(db, table):
    frame = db.sql(f'SELECT * FROM "{table}_with_source"').df()
    expected = bd.load(table, with_sources=True)
    frame = frame.astype(expected.dtypes.to_dict())
    pd.testing.assert_frame_equal(by_key(frame, table), by_key(expected, table),
                                  check_exact=True)


def test_a_part_listed_before_its_total_is_inserted_after_it(package_copy, tmp_path):
    def move_first_total_last(rows: list[list[str]]) -> None:
        total = rows[1]  # pp-001, the total pp-002 and pp-003 are part of
        del rows[1]
        rows.append(total)

    edit_rows(package_copy, "political_prisoners", move_first_total_last)
    assert run_cli("stamp", "--package", str(package_copy)).returncode == 0
    path = exported("duckdb", tmp_path, "moved.duckdb", path=package_copy)
    con = duckdb.connect(str(path), read_only=True)
    rows = con.execute("SELECT prisoner_id, part_of FROM political_prisoners "
                       "ORDER BY rowid").fetchall()
    con.close()
    ids = [r[0] for r in rows]
    assert sorted(ids) == sorted(bd.load("political_prisoners", path=package_copy)["prisoner_id"])
    parts = [i for i, (_, part_of) in enumerate(rows) if part_of == "pp-001"]
    assert parts and ids.index("pp-001") < min(parts)


def test_rows_that_refer_to_each_other_in_a_cycle_are_an_error():
    table = next(t for t in load_package().tables if t.name == "political_prisoners")
    frame = table.frame.copy()
    frame.loc[0, "part_of"] = frame.loc[1, "prisoner_id"]  # pp-001 <-> pp-002
    assert sorted(sum(insert_batches(table), [])) == list(range(len(frame)))
    with pytest.raises(ValueError, match="cycle"):
        insert_batches(dataclasses.replace(table, frame=frame))


def test_without_duckdb_the_export_says_how_to_install_it(tmp_path):
    code = ("import sys\n"
            "sys.modules['duckdb'] = None  # as if not installed\n"
            "from bdigest_data.cli import main\n"
            f"raise SystemExit(main(['export', '-f', 'duckdb', {str(tmp_path / 'x.db')!r}]))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2  # a missing extra: an I/O error, as for every command
    assert "pip install 'bdigest-data[duckdb]'" in done.stderr
    assert not (tmp_path / "x.db").exists()


def test_visits_with_places_is_the_join_on_place_id(db):
    frame = db.sql("SELECT visit_id, place_id, place_name, place_latitude, place_longitude "
                   "FROM visits_with_places ORDER BY visit_id").df()
    places = bd.load("places")[["place_id", "name", "latitude", "longitude"]]
    expected = bd.load("visits")[["visit_id", "place_id"]].merge(places, on="place_id",
                                                                 how="left")
    assert frame["visit_id"].tolist() == sorted(expected["visit_id"])
    expected = expected.sort_values("visit_id", ignore_index=True)
    assert frame["place_name"].fillna("").tolist() == expected["name"].fillna("").tolist()
    assert frame["place_latitude"].tolist() == pytest.approx(
        expected["latitude"].astype(float).tolist(), nan_ok=True)


def test_visits_participants_has_every_participant_with_its_visit(db):
    frame = db.sql("SELECT visit_id, coalesce(start_date, '') AS start_date, participant_id, "
                   "role FROM visits_participants").df()
    participants = bd.load("participants")
    visits = bd.load("visits")
    with_one = set(participants["visit_id"])
    assert len(frame) == len(participants) + sum(v not in with_one for v in visits["visit_id"])
    got = {(r.participant_id, r.visit_id, r.role, r.start_date)
           for r in frame.dropna(subset=["participant_id"]).itertuples()}
    joined = participants.merge(visits[["visit_id", "start_date"]].fillna(""), on="visit_id")
    assert got == {(r.participant_id, r.visit_id, r.role, r.start_date)
                   for r in joined.itertuples()}
