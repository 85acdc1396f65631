"""Semantics: date order, dates after publication, state codes, parts and totals, offsets."""

from __future__ import annotations

from pathlib import Path

from helpers import first, package_data, rows, write_rows

from bdigest_data.validation.checks.semantics import semantics

ROOT = Path(__file__).resolve().parents[1]


def check(root: Path) -> list[tuple[str, str | None, int | None, str | None]]:
    return [(f.code, f.table, f.row, f.field) for f in semantics.check(package_data(root))]


def test_real_package_has_no_semantic_findings():
    assert check(ROOT) == []


def test_visit_ending_before_it_starts(package_copy):
    recs = rows(package_copy, "visits")
    rec = first(recs, start_date=True, end_date=True)
    rec["end_date"] = str(int(rec["start_date"][:4]) - 1)
    write_rows(package_copy, "visits", recs)
    assert ("date-order", "visits", recs.index(rec) + 1, "end_date") in check(package_copy)


def test_impossible_day_is_an_invalid_date(package_copy):
    recs = rows(package_copy, "arms_exports")
    rec = first(recs, period=True)
    rec["period"] = "2013-02-30"
    write_rows(package_copy, "arms_exports", recs)
    assert check(package_copy) == [("invalid-date", "arms_exports", recs.index(rec) + 1,
                                    "period")]


def test_impossible_publication_date(package_copy):
    recs = rows(package_copy, "sources")
    recs[2]["published"] = "2014-02-30"
    write_rows(package_copy, "sources", recs)
    assert check(package_copy) == [("invalid-date", "sources", 3, "published")]


def test_reported_event_after_publication(package_copy):
    recs = rows(package_copy, "visits")
    rec = first(recs, certainty="reported", status="held", end_date="")
    rec["start_date"] = "2030-01-01"
    write_rows(package_copy, "visits", recs)
    assert check(package_copy) == [("after-publication", "visits", recs.index(rec) + 1,
                                    "start_date")]
    rec["certainty"] = "planned"
    write_rows(package_copy, "visits", recs)
    assert check(package_copy) == []


def test_fake_state_code(package_copy):
    recs = rows(package_copy, "actors")
    recs.append({**first(recs, actor_type="state"), "actor_id": "XYZ", "name": "Nowhere"})
    write_rows(package_copy, "actors", recs)
    assert check(package_copy) == [("invalid-country-code", "actors", len(recs), "actor_id")]


def test_part_exceeding_its_total(package_copy):
    recs = rows(package_copy, "arms_exports")
    part = first(recs, part_of=True)
    total = next(r for r in recs if r["arms_id"] == part["part_of"])
    part["value"] = str(float(total["value"]) + 1)
    write_rows(package_copy, "arms_exports", recs)
    assert ("part-exceeds-total", "arms_exports", recs.index(part) + 1, "value") in check(
        package_copy)


def test_parts_adding_up_to_more_than_their_total(package_copy):
    recs = rows(package_copy, "political_prisoners")
    part = first(recs, part_of=True)
    total = next(r for r in recs if r["prisoner_id"] == part["part_of"])
    recs.append({**part, "prisoner_id": "pp-999", "count": total["count"]})
    write_rows(package_copy, "political_prisoners", recs)
    assert check(package_copy) == [("parts-exceed-total", "political_prisoners",
                                    recs.index(total) + 1, "count")]


def test_part_in_another_scale(package_copy):
    recs = rows(package_copy, "arms_exports")
    part = first(recs, part_of=True, scale=True)
    part["scale"] = "billion" if part["scale"] != "billion" else "million"
    write_rows(package_copy, "arms_exports", recs)
    assert check(package_copy) == [("part-unit-mismatch", "arms_exports",
                                    recs.index(part) + 1, "scale")]


def test_source_offsets_outside_the_seed_and_wrong_title(package_copy):
    recs = rows(package_copy, "sources")
    recs[0]["char_end"] = "999999"
    recs[1]["char_start"], recs[1]["char_end"] = recs[2]["char_start"], recs[2]["char_end"]
    write_rows(package_copy, "sources", recs)
    assert check(package_copy) == [("source-offsets", "sources", 1, "char_end"),
                                   ("source-offsets", "sources", 2, "title")]
