"""The dataset rules for swaps and stray links (issue #21, part 5) on broken copies of the
real package: each edit is one the 1.1.0 validator let through, and its rule must now name
the file, row, column and value; a legal edit close to it must still pass that rule."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import assert_no_internal_error, rows, write_rows
from test_dataset_checks import CHECKS, change

from bdigest_data.findings import Finding
from bdigest_data.release.stamp import stamp
from bdigest_data.validation import validate

PT, VISIT, LEDGER = ("participants", "participant_id"), ("visits", "visit_id"), \
    ("coverage_ledger", "sentence_id")
ARMS, TRADE, PLACES = ("arms_exports", "arms_id"), ("trade", "trade_id"), \
    ("places", "place_id")
AI = "azerbaijan-independence"


def report(pkg: Path) -> list[Finding]:
    stamp(pkg)
    return list(validate(pkg, checks=CHECKS))


def link(pkg: Path, from_id: str, relation: str, to_id: str) -> int:
    """Point the first link from ``from_id`` at ``to_id`` with ``relation``; its row."""
    records = rows(pkg, "event_links")
    row = next(r for r in records if r["from_id"] == from_id)
    row.update(relation=relation, to_id=to_id)
    write_rows(pkg, "event_links", records)
    return records.index(row) + 1


# (code, edits as (table, key, id, values), the finding's table, id, field and value)
BROKEN = [
    ("transfer-direction", [(ARMS, "arms-027", {"supplier": "AZE", "recipient": "BLR"})],
     ARMS, "arms-027", "supplier", "AZE"),       # "Belarus sells … to Azerbaijan"
    ("transfer-direction", [(ARMS, "arms-001", {"supplier": "AZE", "recipient": "BLR"})],
     ARMS, "arms-001", "supplier", "AZE"),       # "supplying Baku with"
    ("reporter-rule", [(TRADE, "trade-005", {"reporter": "AZE", "partner": "BLR"})],
     TRADE, "trade-005", "reporter", "AZE"),
    ("host-place", [(VISIT, "visit-004", {"visitor_actor": "BLR", "host_actor": "TUR"})],
     VISIT, "visit-004", "host_actor", "TUR"),   # Erdoğan's visit to Minsk, no meetings
    ("person-state", [(PT, "pt-042", {"actor_id": "AZE"})],
     PT, "pt-042", "actor_id", "AZE"),           # Zaś serves Belarus
    ("visitor-repeated", [(PT, "pt-023", {"role": "visitor"})],
     PT, "pt-023", "role", "visitor"),           # Aliyev hosts Lukashenka
    ("reference-article", [(PT, "pt-014", {"visit_id": "visit-013"})],
     PT, "pt-014", "visit_id", "visit-013"),     # Fico on a visit of another article
    ("part-actor-mismatch", [(("political_prisoners", "prisoner_id"), "pp-002",
                              {"country": "BLR"})],
     ("political_prisoners", "prisoner_id"), "pp-002", "country", "BLR"),
    ("qualifier-word", [(ARMS, "arms-020", {"qualifier": "about"})],
     ARMS, "arms-020", "qualifier", "about"),    # "Up to 70 per cent"
    ("unit-word", [(TRADE, "trade-005", {"unit": "percent"})],
     TRADE, "trade-005", "unit", "percent"),     # "84.7 thousand tonnes"
    ("recorded-elsewhere", [(LEDGER, f"{AI}:009",
                             {"recorded_in": "belarus-azerbaijan-eu:014"})],
     LEDGER, f"{AI}:009", "recorded_in", "belarus-azerbaijan-eu:014"),
    ("disposition-kind", [(LEDGER, f"{AI}:006", {"disposition": "caption"})],
     LEDGER, f"{AI}:006", "disposition", "caption"),   # a plain sentence
    ("place-coordinates", [(PLACES, "625144", {"latitude": "27.56653",
                                               "longitude": "53.90019"})],
     PLACES, "625144", "latitude", "27.56653"),  # Minsk, latitude and longitude swapped
    ("place-coordinates", [(PLACES, "593116", {"latitude": "48.85341",
                                               "longitude": "2.3488"})],
     PLACES, "593116", "latitude", "48.85341"),  # Vilnius at Paris
]


@pytest.mark.parametrize(("code", "edits", "table", "rid", "field", "value"), BROKEN,
                         ids=[f"{b[0]}-{b[3]}" for b in BROKEN])
def test_a_swap_or_stray_reference_is_a_located_finding(package_copy, code, edits, table, rid,
                                                        field, value):
    for (name, key), eid, values in edits:
        change(package_copy, name, key, eid, **values)
    row = next(i for i, r in enumerate(rows(package_copy, table[0]), 1) if r[table[1]] == rid)
    got = [f for f in report(package_copy) if f.code == code]
    assert [(f.table, f.row, f.line, f.field, f.value) for f in got] == \
        [(table[0], row, row + 1, field, value)]
    assert value in got[0].message or code == "place-coordinates"


@pytest.mark.parametrize(("from_id", "relation", "to_id", "values", "codes"), [
    # same_event between visits years apart (the Normandy meeting and a 2010 visit)
    ("visit-011", "same_event", "visit-008", {}, {"link-date"}),
    # a meeting within a visit in another city (Baku) and month
    ("visit-002", "within_visit", "visit-001", {"place_id": "587084", "start_date": "2017-11-10"},
     {"link-date", "link-place"}),
])
def test_links_that_join_rows_of_other_dates_or_places_are_caught(package_copy, from_id,
                                                                  relation, to_id, values,
                                                                  codes):
    row = link(package_copy, from_id, relation, to_id)
    if values:
        change(package_copy, *VISIT, from_id, **values)
    got = {f.code for f in report(package_copy) if f.table == "event_links" and f.row == row
           and f.field == "to_id" and f.value == to_id}
    assert codes <= got


# a legal edit close to each broken one: the rule stays silent
LEGAL = [
    ("transfer-direction", [(ARMS, "arms-024", {"supplier": "UKR", "co_supplier": "BLR"})]),
    ("reporter-rule", [(TRADE, "trade-027", {"reporter": "VEN", "partner": "AZE"})]),  # no BLR
    ("host-place", [(VISIT, "visit-004", {"place_id": "624079"})]),   # Orsha: in Belarus
    ("person-state", [(PT, "pt-036", {"actor_id": "org:BLR-SMIC"})]),  # its state: Belarus
    ("visitor-repeated", [(PT, "pt-023", {"role": "counterpart"})]),
    ("reference-article", [(PT, "pt-009", {"visit_id": "visit-007"})]),   # same article
    ("part-actor-mismatch", [(ARMS, "arms-012", {"recipient": "YEM"})]),  # total: none
    ("qualifier-word", [(ARMS, "arms-020", {"value_as_written": "70 per cent",
                                            "qualifier": ""})]),
    ("unit-word", [(TRADE, "trade-004", {"unit": "percent"})]),  # "dropping by two thirds"
    ("recorded-elsewhere", [(LEDGER, f"{AI}:009", {"recorded_in": f"{AI}:002"})]),
    ("disposition-kind", [(LEDGER, f"{AI}:006", {"disposition": "statement"})]),
    ("place-coordinates", [(PLACES, "624079", {"latitude": "55.1", "longitude": "30.2"})]),
    ("link-date", [(VISIT, "visit-012", {"start_date": "2015-03"})]),   # same_event: a month
    ("link-place", [(VISIT, "visit-002", {"place_id": "624079"})]),    # Orsha: in Belarus
]


@pytest.mark.parametrize(("code", "edits"), LEGAL, ids=[f"{c}-ok" for c, _ in LEGAL])
def test_a_legal_edit_close_to_a_broken_one_passes_its_rule(package_copy, code, edits):
    for (name, key), eid, values in edits:
        change(package_copy, name, key, eid, **values)
    assert [f.message for f in report(package_copy) if f.code == code] == []


def test_the_country_boxes_are_the_librarys():
    """No box is typed by hand: the module is what the script writes from countryinfo, and
    a box the script would not write (a hand edit) fails the check."""
    from conftest import ROOT

    from bdigest_data.validation.checks.dataset.country_boxes import BOXES

    checked = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_country_boxes.py"),
                              "--check"], capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stderr
    assert BOXES["BLR"][0] < 53.90019 < BOXES["BLR"][1]  # Minsk
    assert "SGP" not in BOXES  # the library has no outline of Singapore: not judged


def _schema_type(pkg: Path, table: str, field: str, kind: str) -> None:
    path = pkg / "schemas" / f"{table}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    found = next(f for f in schema["fields"] if f["name"] == field)
    found["type"] = kind
    found.pop("constraints", None)
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


# hostile edits of the rules' inputs: (edit, the codes that may appear, at most how many)
def _blank_sentence_id(pkg: Path) -> None:
    change(pkg, "sentences", "sentence_id", f"{AI}:009", sentence_id="")


def _blank_event_type_id(pkg: Path) -> None:
    records = rows(pkg, "event_types")
    records.append({**records[0], "event_type_id": ""})
    write_rows(pkg, "event_types", records)


def _blank_actor2_field(pkg: Path) -> None:
    change(pkg, "event_types", "event_type_id", "visits/visit/held", actor2_field="")


def _from_table_outside_the_enum(pkg: Path) -> None:
    records = rows(pkg, "event_links")
    records[0]["from_table"] = "visitz"
    write_rows(pkg, "event_links", records)


HOSTILE = {
    "a blank sentence id": (_blank_sentence_id, {"recorded-elsewhere", "disposition-kind"}),
    "a duplicate event type without an id": (_blank_event_type_id, {"event-type"}),
    "an event type without its second actor": (_blank_actor2_field, {"event-type"}),
    "a link from a table outside the enum": (_from_table_outside_the_enum, {"link-target"}),
    "latitudes typed as text": (lambda pkg: _schema_type(pkg, "places", "latitude", "string"),
                                {"place-coordinates"}),
    "roles typed as integers": (lambda pkg: _schema_type(pkg, "participants", "role",
                                                         "integer"), {"visitor-repeated"}),
    "ledger dispositions typed as integers": (
        lambda pkg: _schema_type(pkg, "coverage_ledger", "disposition", "integer"),
        {"disposition-kind", "recorded-elsewhere"}),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_broken_input_of_a_rule_is_its_own_finding_alone(package_copy, case):
    """One mistake, one finding: a rule whose input is broken (a blank or unparsed cell, a
    column of another type) is silent, never an internal error or a flood of its own."""
    edit, codes = HOSTILE[case]
    edit(package_copy)
    found = report(package_copy)
    assert_no_internal_error(found)
    assert [f.message for f in found if f.code in codes] == []


# one mistake in a part of arms-011 (97): the finding that names it, and the codes that
# must not repeat it
ONE_PART = [
    ({"value": "80", "value_as_written": "80"}, "parts-exceed-total"),  # 80 + 28 > 97
    ({"scale": "thousand"}, "part-unit-mismatch"),
    ({"measure": "change"}, "part-unit-mismatch"),  # measure has the unit role
    ({"value": "sixty-nine"}, "type-error"),
]


@pytest.mark.parametrize(("values", "code"), ONE_PART, ids=[c for _, c in ONE_PART])
def test_a_wrong_part_is_one_finding(package_copy, values, code):
    """A part that breaks its total's sum or unit is named once, by the group that owns the
    rule: parts-not-exhaustive (parts falling short of a total) and part-measure-mismatch
    stay silent on it."""
    change(package_copy, *ARMS, "arms-012", **values)
    stamp(package_copy)
    found = validate(package_copy, checks=["structure", "semantics", "dataset"])
    assert_no_internal_error(found)
    assert code in {f.code for f in found if f.table == "arms_exports"}
    assert [f.message for f in found
            if f.code in ("parts-not-exhaustive", "part-measure-mismatch")] == []
