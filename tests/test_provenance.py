"""Provenance: quotes in their own article, figures and dates visible in the quote, basis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from helpers import codes, first, package_data, rows, write_rows

from bdigest_data import edtf
from bdigest_data.text.evidence import QuoteEvidence, figures, fold, normalise, normalise_mapped
from bdigest_data.validation.checks.provenance import provenance

ROOT = Path(__file__).resolve().parents[1]


def check(root: Path) -> list:
    return provenance.check(package_data(root))


def test_real_package_has_no_provenance_findings():
    assert check(ROOT) == []


def test_real_quotes_hold_the_text_as_a_reader_sees_it():
    """Data 1.2: no link target, link bracket, emphasis mark or escaped dollar in a quote
    (the validator still finds each quote in its seed by the same normalisation)."""
    tables = [p.stem for p in sorted((ROOT / "schemas").glob("*.json"))
              if any(f["name"] == "quote" for f in json.loads(p.read_text("utf-8"))["fields"])]
    assert "participants" in tables and "visits" in tables
    for name in tables:
        for i, rec in enumerate(rows(ROOT, name), 1):
            quote = rec["quote"]
            assert fold(quote) == quote, (name, i, quote)
            assert not any(m in quote for m in ("](", "*", "\\$")), (name, i, quote)


# --- broken copies -------------------------------------------------------------------------


def test_edited_quote_is_not_found(package_copy):
    recs = rows(package_copy, "visits")
    rec = first(recs, quote=True)
    rec["quote"] = rec["quote"].replace(" ", "  ", 1) + " And then some."
    write_rows(package_copy, "visits", recs)
    found = codes(check(package_copy), "quote-not-found")
    assert [(f.table, f.row, f.field) for f in found] == [("visits", recs.index(rec) + 1, "quote")]
    assert rec["source_id"] in found[0].message


def test_quote_from_another_article_names_that_article(package_copy):
    recs = rows(package_copy, "trade")
    rec = first(recs, value_basis="stated")
    other = next(r for r in rows(package_copy, "arms_exports")
                 if r["source_id"] != rec["source_id"])
    rec["quote"] = other["quote"]
    rec["value"] = rec["period"] = ""
    write_rows(package_copy, "trade", recs)
    found = check(package_copy)
    assert [f.code for f in found] == ["quote-not-found"]
    assert f"it is in article {other['source_id']!r}" in found[0].message


def test_changed_figure_is_not_in_quote(package_copy):
    recs = rows(package_copy, "arms_exports")
    rec = first(recs, value=True)
    rec["value"] = str(float(rec["value"]) + 1)
    write_rows(package_copy, "arms_exports", recs)
    found = check(package_copy)
    assert [(f.code, f.field, f.row) for f in found] == [
        ("figure-not-in-quote", "value", recs.index(rec) + 1)]


def test_changed_day_is_not_in_quote(package_copy):
    recs = rows(package_copy, "visits")
    rec = next(r for r in recs if len(r["start_date"]) == 10
               and "start_date" not in r["derived_fields"])
    day = edtf.parse(rec["start_date"]).earliest
    rec["start_date"] = day.replace(day=day.day % 28 + 1).isoformat()
    write_rows(package_copy, "visits", recs)
    found = check(package_copy)
    assert [(f.code, f.field) for f in found] == [("figure-not-in-quote", "start_date")]
    assert "day" in found[0].message


def test_derived_field_is_not_checked_against_quote(package_copy):
    recs = rows(package_copy, "arms_exports")
    rec = first(recs, value=True, value_basis="stated")
    rec.update(value="12345", value_basis="computed", derived_fields="value",
               basis_note="value: a test computation")
    write_rows(package_copy, "arms_exports", recs)
    assert check(package_copy) == []


def test_basis_rules(package_copy):
    recs = rows(package_copy, "trade")
    stated = first(recs, value_basis="stated")
    stated["derived_fields"] = "period"
    inferred = first(recs, value_basis="inferred")
    inferred["basis_note"] = " "
    inferred["derived_fields"] = inferred["derived_fields"] + ";commodity"
    write_rows(package_copy, "trade", recs)
    found = {(f.code, f.row, f.field) for f in check(package_copy)}
    assert found == {
        ("derived-fields-mismatch", recs.index(stated) + 1, "derived_fields"),
        ("missing-basis-note", recs.index(inferred) + 1, "basis_note"),
        ("unknown-derived-field", recs.index(inferred) + 1, "derived_fields"),
    }


def test_inferred_row_without_derived_fields(package_copy):
    recs = rows(package_copy, "visits")
    rec = first(recs, value_basis="inferred")
    rec["derived_fields"] = ""
    write_rows(package_copy, "visits", recs)
    found = codes(check(package_copy), "missing-basis-note")
    assert [(f.row, f.field) for f in found] == [(recs.index(rec) + 1, "derived_fields")]


# --- the number and date matcher on real snippets ------------------------------------------


@pytest.mark.parametrize(("snippet", "value", "shown"), [
    (r"worth just of \$97m (with \$69m in sales going to Azerbaijan", 97, True),
    (r"worth just of \$97m (with \$69m in sales going to Azerbaijan", 9, False),
    ("worth just of $97m", 97, True),
    ("Lukashenka at least once, in 1994, won the democratic elections.", 94, False),
    ("Belarus recently bought 84.7 thousand tonnes of oil from Azerbaijan", 84.7, True),
    ("Belarus recently bought 84.7 thousand tonnes of oil from Azerbaijan", 84, False),
    (r"mutual trade increased six-fold, reaching \$223.3 million", 223.3, True),
    (r"mutual trade increased six-fold, reaching \$223.3 million", 6, True),
    ("Both presidents are aiming for a $1bn turnover.", 1, True),
    ("Azerbaijan held the 139th position and Belarus 141st.", 139, True),
    ("Azerbaijan held the 139th position and Belarus 141st.", 140, False),
    ("resulted in a 51.4% rise in production", 51.4, True),
    ("Up to 70 per cent of goods produced", 70, True),
    ("a budget of 1,000 million", 1000, True),
    ("nearly two hundred Turkish business executives", 200, True),
    ("nearly two hundred Turkish business executives", 2, False),
    ("bilateral trade has remained low in recent years, dropping by two thirds in 2015",
     -0.6667, True),
    ("dropping by two thirds in 2015", 0.67, False),
    ("Lukashenka had a five-hour long meeting", 5, True),
    ("from 2009-2013 Belarus' arms exports made up 1% of the world's total sales", 2013, True),
    ("from 2009-2013 Belarus' arms exports made up 1% of the world's total sales", 9, False),
    ("presented during the ADEX-2016 military exhibition", 2016, True),
])
def test_number_matcher(snippet, value, shown):
    assert QuoteEvidence(normalise(snippet)).has_number(value) is shown


@pytest.mark.parametrize(("snippet", "date", "missing"), [
    ("On 8 October 2017, Defence Minister", "2017-10-08", []),
    ("On 8 October 2017, Defence Minister", "2017-10-09", ["day 9 October"]),
    ("On 28-29 November, Lukashenka visited", "2016-11-28/2016-11-29", ["year 2016"]),
    ("On 20-21 November, Alexander Lukashenka visited Baku.", "2012-11-21", ["year 2012"]),
    ("Dalia Grybauskaitė in October 2010", "2010-10", []),
    ("Dalia Grybauskaitė in October 2010", "2010-11", ["month November"]),
    ("From 2006 to 2012 mutual trade increased six-fold", "2006/2012", []),
    ("From 2006 to 2012 mutual trade increased six-fold", "2006/2013", ["year 2013"]),
    ("his visit to Baku on 27 September 2017", "2017-09-27?", []),
    ("In June 2007, Tbilisi opened its embassy", "2007-06~", []),
    ("In June 2007, Tbilisi opened its embassy", "2007-06-01", ["day 1 June"]),
])
def test_date_matcher(snippet, date, missing):
    assert QuoteEvidence(normalise(snippet)).missing_date_parts(edtf.parse(date)) == missing


def test_normalisation_drops_markup_and_folds_whitespace():
    raw = "talks with\n [President Lukashenka](#). **Bold**  \\$1bn\n\nend"
    assert normalise(raw) == "talks with President Lukashenka. Bold $1bn end"
    seed = (ROOT / "seeds" / "000_bf67ec7b18639301.txt").read_text(encoding="utf-8")
    for text in (raw, seed):
        folded, origin = normalise_mapped(text)
        assert folded == normalise(text)
        assert all(text[o] == c for c, o in zip(folded, origin, strict=True) if c != " ")


@pytest.mark.parametrize(("snippet", "ignored"), [
    ("the ADEX-2016 military exhibition", ["name"]),
    ('the CSTO "Search-2017" military exercises', ["name"]),
    ("the S-125 Pechora", ["name"]),
    ("the T38 Stilet air defence system", ["name"]),
    ("In mid-2000 trade between two countries", [None, None]),
    ("One can't expect Russia", ["pronoun"]),
    ("The two leaders signed several bilateral documents", ["anaphoric"]),
])
def test_figures_set_aside_by_rule(snippet, ignored):
    assert [f.ignored for f in figures(snippet)] == ignored


def test_cli_reports_a_quote_not_in_its_article(package_copy):
    recs = rows(package_copy, "rankings")
    recs[0]["quote"] = recs[0]["quote"] + " Invented."
    write_rows(package_copy, "rankings", recs)
    result = run_cli("validate", "-p", str(package_copy), "--checks", "provenance", "-f", "json")
    assert result.returncode == 1
    found = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["table"], f["row"]) for f in found] == [
        ("quote-not-found", "rankings", 1)]
