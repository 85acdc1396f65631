"""Data 1.2 (#21): the README's summing rules give the right answer on every measure table.

How many in all: rows ``total`` or ``standalone``; a breakdown: rows neither ``total`` nor
``subset``. Both give the same sums, group by group, and each answers the articles."""

from __future__ import annotations

import pandas as pd
import pytest

import bdigest_data as bd

MEASURE_TABLES = [n for n in bd.tables() if "aggregation" in bd.load(n).columns]
# the kind of fact a sum must not mix, per table
KIND = {"arms_exports": "record_type", "trade": "flow", "political_prisoners": "counted",
        "rankings": "index_name"}
VALUE = {"political_prisoners": "count", "rankings": "rank"}


def in_all(df: pd.DataFrame) -> pd.DataFrame:
    return df[df.aggregation.isin(["total", "standalone"])]


def breakdown(df: pd.DataFrame) -> pd.DataFrame:
    return df[~df.aggregation.isin(["total", "subset"]) & df.aggregation.notna()]


def sums(name: str, rows: pd.DataFrame) -> dict:
    keys = [c for c in ("measure", "unit", "scale", "currency", KIND[name], "period", "as_of",
                        "edition", "country") if c in rows.columns]
    if name == "arms_exports":
        keys.append("supplier")
    value = VALUE.get(name, "value")
    grouped = rows.astype({value: "float64"}).groupby(keys, observed=True, dropna=False)
    return {k: v for k, v in grouped[value].sum().items() if v}


def test_every_measure_table_is_covered():
    assert sorted(MEASURE_TABLES) == sorted(KIND)


@pytest.mark.parametrize("name", sorted(KIND))
def test_the_two_filters_agree_and_count_nothing_twice(name):
    df = bd.load(name)
    key = bd.schema(name)["primaryKey"][0]
    assert sums(name, in_all(df)) == sums(name, breakdown(df))
    if "part_of" not in df.columns:  # no part or subset can be declared
        assert df.aggregation.dropna().eq("standalone").all()
        return
    # no row the breakdown keeps is a part or subset of another row it keeps
    kept = set(breakdown(df)[key])
    assert not set(breakdown(df).part_of.dropna()) & kept
    # a subset is never added: its whole is kept by both filters
    subsets = df[df.aggregation.eq("subset")]
    assert set(subsets.part_of) <= set(in_all(df)[key]) & kept


def test_political_prisoners_held_in_all_is_152():
    pp = bd.load("political_prisoners")
    held = pp[pp.counted.eq("held")]
    assert in_all(held)["count"].sum() == breakdown(held)["count"].sum() == 152  # 142 + 10
    assert held["count"].sum() + pp[pp.counted.ne("held")]["count"].sum() == 172  # naive
    assert pp.set_index("prisoner_id").loc["pp-002", "aggregation"] == "subset"


def test_arms_exports_in_all_are_the_stated_totals():
    arms = bd.load("arms_exports")
    levels = arms[arms.measure.eq("level") & arms.record_type.eq("export_value")]
    for rows in (in_all(levels), breakdown(levels)):
        assert rows.groupby("period", observed=True).value.sum().to_dict() == {
            "2012": 97.0, "2013": 338.0}


def test_trade_has_no_part_to_add_twice():
    trade = bd.load("trade")
    levels = trade[trade.measure.eq("level")]
    assert len(in_all(levels)) == len(breakdown(levels)) == len(levels)  # all standalone
    loans = levels[levels.flow.eq("loan")]
    assert loans.value.sum() == 300  # "$300-million", summer 2011


def test_rankings_are_never_added():
    ranks = bd.load("rankings")
    assert ranks.aggregation.eq("standalone").all()  # a rank is a position, not an amount
    assert "part_of" not in ranks.columns
