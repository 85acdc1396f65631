"""The README's analyst cookbook: each recipe runs here against values the articles state."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import bdigest_data as bd

README = Path(__file__).resolve().parents[1] / "README.md"


def recipe(title: str) -> str:
    """The python block under the cookbook heading ``### title``."""
    text = README.read_text(encoding="utf-8")
    section = re.search(rf"^### {re.escape(title)}[ \t]*$(.*?)(?=^##|\Z)", text, re.M | re.S)
    assert section, f"README.md has no cookbook recipe {title!r}"
    block = re.search(r"^```python[ \t]*\n(.*?)^```", section.group(1), re.M | re.S)
    assert block, f"the recipe {title!r} has no python block"
    return block.group(1)


def run(title: str) -> dict:
    scope: dict = {}
    exec(compile(recipe(title), f"README recipe {title!r}", "exec"), scope)
    return scope


def test_exports_by_recipient_and_year_add_up_to_the_stated_totals():
    scope = run("Arms exports by recipient and year")
    by_year = scope["by_year"]
    assert by_year.to_dict() == {"2012": 97.0, "2013": 338.0}  # "$97m", "$338m"
    stated = scope["arms"].query("aggregation == 'total'").set_index("period")["value"]
    assert by_year.to_dict() == stated.astype(float).to_dict()
    by_recipient = scope["by_recipient"]
    assert by_recipient[("2012", "AZE")] == 69 and by_recipient[("2013", "SDN")] == 168


def test_how_many_in_all():
    scope = run("How many in all")
    assert scope["in_all"] == 152  # not 172 (every row) nor 30 (every row but totals)
    assert sorted(scope["held"].country.astype(str)) == ["AZE", "BLR"]


def test_which_armies_field_a_system():
    scope = run("Which armies field a system")
    assert scope["armies"] == ["AZE", "BLR", "GEO", "UKR"]  # the article's four armies


def test_a_timeline_of_one_persons_foreign_visits():
    timeline = run("A timeline of one person's foreign visits")["timeline"]
    assert list(timeline.visit_id) == ["visit-017", "visit-013", "visit-010", "visit-006",
                                       "visit-016"]
    assert list(timeline.host_actor) == ["SGP", "AZE", "RUS", "AZE", "MMR"]
    assert timeline.start_date.iloc[0] == "2013-03"  # Singapore, dated from outside (3.0.0)
    assert timeline.start_date.iloc[1] == "2013-11-20"  # Baku, 20-21 November 2013


def test_who_visited_minsk_in_a_given_month():
    who = run("Who visited Minsk in a given month")["who"]
    assert set(who.visit_id) == {"visit-004", "visit-007", "visit-009"}
    assert set(who.name.dropna()) == {"Recep Tayyip Erdoğan", "Robert Fico"}
    assert "a delegation of the Political and Security Committee of the EU Council" in set(
        who.name_as_written)


def test_every_fact_about_one_bilateral_relationship():
    facts = run("Every fact about one bilateral relationship")["facts"]
    assert {"arms-001", "arms-012", "trade-007", "trade-008", "visit-003", "visit-013"} <= set(
        facts.row_id)
    assert set(facts.table) >= {"arms_exports", "trade", "visits"}
    assert facts.source_id.nunique() >= 3  # the relationship across articles
    assert "arms-015" not in set(facts.row_id)  # to China


PART_TABLES = [n for n in bd.tables() if "part_of" in bd.load(n).columns]


@pytest.mark.parametrize("name", PART_TABLES)
def test_no_level_can_be_summed_with_its_own_total(name):
    """The safe filter of the cookbook keeps a part or its total, never both."""
    df = bd.load(name)
    key = bd.schema(name)["primaryKey"][0]
    parts = df[df.part_of.notna()]
    assert len(parts), f"{name} has no parts to test"
    totals = df.set_index(key).loc[parts.part_of]
    summable = lambda rows: (rows.measure.isin(["level", "count"])  # noqa: E731
                             & ~rows.aggregation.isin(["total", "subset"]))
    both = summable(parts).to_numpy() & summable(totals).to_numpy()
    assert not both.any(), list(parts[both][key])
    assert parts.aggregation.isin(["part", "subset"]).all()
    assert (totals[parts.aggregation.eq("part").to_numpy()].aggregation == "total").all()
    assert (parts.measure.to_numpy() == totals.measure.to_numpy()).all()


def test_totals_are_not_added_by_a_groupby_over_summable_levels():
    arms = bd.load("arms_exports")
    safe = arms[arms.measure.eq("level") & ~arms.aggregation.isin(["total", "subset"])]
    assert not set(safe.arms_id) & set(arms.part_of.dropna())
    naive = arms[arms.measure.eq("level")].groupby("period").value.sum()
    assert naive.to_dict() == {"2012": 194.0, "2013": 676.0}  # what the filter prevents
    pd.testing.assert_series_equal(
        safe.groupby("period").value.sum(),
        arms[arms.aggregation.eq("total")].groupby("period").value.sum())


def test_joining_a_dyad_year_panel_to_cow_keyed_data():
    scope = run("Joining a dyad-year panel to COW-keyed data")
    joined = scope["joined"].set_index(["ccode1", "ccode2"])
    assert joined.loc[(370, 373), "consult_ids"] == "visits:visit-003"  # Zaś in Baku
    assert joined.loc[(373, 370), "consult"] == 4  # Hasanov's visit and its three dated meetings
    assert joined["my_variable"].tolist() == [1.5, 2.5]
    assert "visits:visit-015" in set(scope["apart"]["event_id"])  # Aliyev's undated visit
