"""The dyadic events view and the panels: the same rows in pandas, polars, the SQLite and
DuckDB views and events.parquet; panels keyed as peacesciencer keys them, with every fact
either in one year or listed apart, and no total summed with its parts."""

from __future__ import annotations

import sqlite3

import duckdb
import pandas as pd
import polars as pl
import pytest
from export_roundtrip import exported

import bdigest_data as bd
from bdigest_data.loader import events


@pytest.fixture(scope="module")
def view():
    return bd.events()


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column as text (numbers without a trailing .0, dates as YYYY-MM-DD)."""
    out = frame.astype({"event_id": "string"}).set_index("event_id").sort_index()
    for c in out.columns:
        col = out[c]
        if c.startswith(("date_earliest", "date_latest")):
            col = pd.to_datetime(col).dt.strftime("%Y-%m-%d")
        elif c.endswith(("_code", "_numeric")) and c != "cameo_code" or c == "place_id":
            col = pd.to_numeric(col).astype("Int64")
        elif c in ("latitude", "longitude"):
            col = pd.to_numeric(col).round(6)
        out[c] = col.astype("string")
    return out


def test_events_columns_rows_and_backends(view):
    assert tuple(view.columns) == events.COLUMNS
    assert len(view) == 85 and view["event_id"].is_unique
    assert view.groupby("fact_table").size().to_dict() == {"arms_exports": 32, "trade": 27,
                                                           "visits": 26}
    polars = bd.events(backend="polars")
    assert isinstance(polars, pl.DataFrame) and polars.columns == list(events.COLUMNS)
    assert polars["event_id"].to_list() == view["event_id"].tolist()
    assert view.attrs["fields"].keys() == set(events.COLUMNS)


def test_direction_follows_the_event_type(view):
    by_id = view.set_index("event_id")
    visit = by_id.loc["visits:visit-001"]  # Hasanov (Azerbaijan) in Minsk
    assert (visit.actor1, visit.actor2, visit.cameo_code) == ("AZE", "BLR", "042")
    assert (visit.actor1_cow_code, visit.actor2_cow_code) == (373, 370)
    loan = by_id.loc["trade:trade-008"]  # Azerbaijan gave Belarus a loan
    assert (loan.actor1, loan.actor2, loan.cameo_code, loan.plover_event) \
        == ("AZE", "BLR", "071", "AID")
    assert by_id.loc["visits:visit-009", "actor1"] == "org:EU-PSC"
    assert pd.isna(by_id.loc["visits:visit-009", "actor1_cow_code"])


@pytest.mark.parametrize("format", ["sqlite", "duckdb", "parquet"])
def test_the_exports_hold_the_same_view(view, format, tmp_path):
    out = exported(format, tmp_path, "bdigest.db" if format == "sqlite" else
                   "bdigest.duckdb" if format == "duckdb" else "bdigest")
    if format == "sqlite":
        with sqlite3.connect(out) as con:
            frame = pd.read_sql("SELECT * FROM events", con)
    elif format == "duckdb":
        with duckdb.connect(str(out), read_only=True) as con:
            frame = con.sql("SELECT * FROM events").df()
    else:
        frame = pd.read_parquet(out.parent / "events.parquet")
        assert frame.equals(view)
    assert list(frame.columns) == list(events.COLUMNS)
    pd.testing.assert_frame_equal(_comparable(frame), _comparable(view))


def _placed(panel: pd.DataFrame) -> dict[str, tuple[int, int, int]]:
    """event id -> (code1, code2, year) of the panel cell that counts it."""
    out = {}
    for row in panel.itertuples(index=False):
        for c in panel.columns:
            if c.endswith("_ids") and pd.notna(getattr(row, c)) and getattr(row, c):
                for event_id in getattr(row, c).split("; "):
                    assert event_id not in out, f"{event_id} is counted twice"
                    out[event_id] = (row[0], row[1], row[2])
    return out


@pytest.mark.parametrize(("system", "directed"), [("cow", True), ("gw", False)])
def test_every_event_is_in_one_dyad_year_or_listed_apart(view, system, directed):
    panel = bd.dyad_years(system=system, directed=directed)
    key = "ccode" if system == "cow" else "gwcode"
    assert list(panel.columns[:3]) == [f"{key}1", f"{key}2", "year"]
    counts = [c for c in panel.columns[3:] if not c.endswith("_ids")]
    for c in counts:
        assert (panel[c] == panel[f"{c}_ids"].map(lambda s: len(s.split("; ")) if s else 0)).all()
    placed = _placed(panel)
    apart = bd.dyad_years(system=system, directed=directed, apart=True)
    assert set(placed).isdisjoint(apart["event_id"])
    assert set(placed) | set(apart["event_id"]) == set(view["event_id"])
    for event_id, (_, _, year) in placed.items():
        row = view.set_index("event_id").loc[event_id]
        assert row.date_earliest.year == row.date_latest.year == year
    reasons = apart.set_index("event_id")["reason"]
    assert reasons["trade:trade-006"] == "date spans 2006-2012"  # never put in a year
    assert reasons["visits:visit-015"] == "no date"
    assert reasons["visits:visit-009"] == f"an actor has no {system.upper()} code"
    if not directed:
        assert (panel[f"{key}1"] <= panel[f"{key}2"]).all()


def test_belarus_azerbaijan_dyad_has_its_2017_visit_and_its_arms_rows(view):
    panel = bd.dyad_years(system="cow").set_index(["ccode1", "ccode2", "year"])
    assert "visits:visit-003" in panel.loc[(370, 373, 2017), "consult_ids"]  # Zaś in Baku
    assert "visits:visit-001" in panel.loc[(373, 370, 2017), "consult_ids"]  # Hasanov in Minsk
    assert panel.loc[(370, 373, 2017), "agree_ids"].split("; ") == [  # Polonaise; shown
        "arms_exports:arms-001", "arms_exports:arms-039", "arms_exports:arms-040",
        "arms_exports:arms-041"]
    assert panel.loc[(370, 373, 2012), "uncoded_ids"].split("; ") == [
        "arms_exports:arms-012", "trade:trade-007"]  # SIPRI $69m part; trade $223.3m
    arms = set(view.query("fact_table == 'arms_exports' and actor1 == 'BLR' "
                          "and actor2 == 'AZE'")["event_id"])
    placed = set(_placed(panel.reset_index()))
    apart = set(bd.dyad_years(system="cow", apart=True)["event_id"])
    assert len(arms) == 15 and arms <= placed | apart
    assert {"arms_exports:arms-001", "arms_exports:arms-003", "arms_exports:arms-012",
            "arms_exports:arms-039", "arms_exports:arms-040", "arms_exports:arms-041"} \
        == arms & placed


def test_state_years_never_sum_a_total_and_its_parts():
    panel = bd.state_years(system="cow").set_index(["ccode", "year"])
    assert panel.loc[(370, 2012), "arms_export_tiv_millions"] == 97.0  # the total, not 97+69+28
    assert panel.loc[(370, 2013), "arms_export_tiv_millions"] == 338.0
    assert panel.loc[(370, 2013), "rank_world_press_freedom_index"] == 157
    assert panel.loc[(373, 2013), "rank_world_press_freedom_index"] == 156
    apart = bd.state_years(system="gw", apart=True).set_index("id")["reason"]
    assert apart["political_prisoners:pp-002"].startswith("a subset of another count")
    assert apart["rankings:rank-001"] == "date spans 2009-2013"
    gw = bd.state_years(system="gw", backend="polars")
    assert gw.columns[:2] == ["gwcode", "year"] and gw.height == len(panel)


def test_an_unknown_system_is_refused():
    with pytest.raises(ValueError, match="the systems are: cow, gw"):
        bd.dyad_years(system="iso")
