"""The event_types lookup: every code and name is the published CAMEO-to-PLOVER crosswalk's
(none invented), every kind it names exists in its fact table, and every dyadic fact has
exactly one event type.

``tests/data/CAMEO2PLOVER-2021.txt`` is a verbatim copy of the crosswalk in the PLOVER
repository (openeventdata/PLOVER, commit 5e0c24f, "PLOVER manual version Draft 0.8",
edited by Philip Schrodt; CC BY-SA 4.0)."""

from __future__ import annotations

import re

import pandas as pd
from conftest import ROOT

import bdigest_data as bd
from bdigest_data.validation import validate

CROSSWALK = ROOT / "tests" / "data" / "CAMEO2PLOVER-2021.txt"
LINE = re.compile(r"^(?P<code>\d{2,4}):\s*(?P<event>[A-Z]+)\s*(?:,(?P<mode>[^,#]*))?"
                  r"(?:,[^#]*)?(?:#\s*(?P<name>.*))?$")


def crosswalk() -> dict[str, tuple[str, str, str]]:
    """CAMEO code -> (PLOVER event, mode, CAMEO name), as the file gives them."""
    out = {}
    for line in CROSSWALK.read_text(encoding="utf-8").splitlines():
        m = LINE.match(line.strip())
        if m:
            out[m["code"]] = (m["event"], (m["mode"] or "").strip(), (m["name"] or "").strip())
    return out


def test_the_crosswalk_copy_is_the_published_file():
    codes = crosswalk()
    assert len(codes) > 250 and codes["042"] == ("CONSULT", "visit", "Make a visit")
    assert codes["043"][2] == "Host a visit" and codes["057"][:1] == ("SUPPORT",)
    assert codes["072"] == ("AID", "", "Provide military aid")


def test_every_code_name_and_event_is_the_crosswalks():
    codes = crosswalk()
    types = bd.load("event_types")
    for t in types.itertuples(index=False):
        if t.fit == "none":
            assert pd.isna(t.cameo_code) and pd.isna(t.plover_event) and pd.isna(t.cameo_name)
            continue
        event, mode, name = codes[t.cameo_code]
        assert (t.plover_event, t.cameo_name) == (event, name), t.event_type_id
        assert (t.plover_mode if pd.notna(t.plover_mode) else "") == mode, t.event_type_id
        if pd.notna(t.cameo_code_actor2):
            assert codes[t.cameo_code_actor2][0] == event, t.event_type_id


def test_the_issues_examples():
    types = bd.load("event_types").set_index("event_type_id")
    assert tuple(types.loc["visits/visit/held", ["cameo_code", "cameo_code_actor2"]]) \
        == ("042", "043")
    assert types.loc["arms_exports/co_production/agreed", "cameo_code"] == "057"
    assert types.loc["arms_exports/transfer/delivered", "cameo_code"] == "072"
    assert set(types[types["fit"] == "none"].index) == {
        "arms_exports/transfer/interest", "arms_exports/export_value",
        "arms_exports/in_service/deployed", "trade/turnover/reported"}


def test_every_kind_status_and_field_exists_in_its_fact_table():
    types = bd.load("event_types")
    for t in types.itertuples(index=False):
        schema = {f["name"]: f for f in bd.schema(t.fact_table)["fields"]}
        for field in (t.kind_field, t.status_field, t.actor1_field, t.actor2_field):
            assert field in schema, (t.event_type_id, field)
        assert t.kind in schema[t.kind_field]["constraints"]["enum"], t.event_type_id
        if pd.notna(t.status):
            assert t.status in schema[t.status_field]["constraints"]["enum"], t.event_type_id
        expected = "/".join(str(p) for p in (t.fact_table, t.kind, t.status) if pd.notna(p))
        assert t.event_type_id == expected


def test_every_dyadic_fact_has_exactly_one_event_type():
    """The validator's event-type rule finds nothing (tests/test_dataset_checks.py breaks
    copies to show it can), and the view has one row per fact."""
    report = validate(checks=["dataset"])
    assert [f for f in report.findings if f.code == "event-type"] == []
    view = bd.events()
    assert view["event_id"].is_unique
    assert view["plover_event"].isna().sum() == (view["fit"] == "none").sum()
