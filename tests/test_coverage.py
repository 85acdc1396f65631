"""Coverage: every figure of the articles is in some row's quote or listed as excluded."""

from __future__ import annotations

from pathlib import Path

from helpers import codes, package_data, rows, write_rows

from bdigest_data.descriptor import fact_tables
from bdigest_data.validation import coverage
from bdigest_data.validation.context import PackageData
from bdigest_data.validation.evidence import QuoteEvidence, normalise

ROOT = Path(__file__).resolve().parents[1]
FACT = "arms_exports"


def ledger(root: Path) -> dict[str, coverage.ArticleCoverage]:
    return {a.source_id: a for a in coverage.ledger(package_data(root))}


def uncovered(root: Path, source_id: str) -> list[str]:
    return [u.figure for u in ledger(root)[source_id].uncovered]


def test_real_package_is_covered_and_its_ledger_adds_up():
    pkg: PackageData = package_data(ROOT)
    entries = coverage.ledger(pkg)
    assert {a.source_id for a in entries} == set(pkg.tables["sources"].table
                                               .column("source_id").to_pylist())
    for a in entries:
        assert a.figures == a.covered + a.excluded + len(a.uncovered)
        assert a.to_dict()["source_id"] == a.source_id
    assert coverage.check(pkg) == []


def drop_quote(root: Path) -> dict[str, str]:
    """Delete the rows of a quote with figures that no other quote contains; its row."""
    recs = rows(root, FACT)
    quotes = [normalise(r["quote"]) for table in fact_tables() for r in rows(root, table)]
    rec = next(r for r in recs if r["value"]
               and sum(normalise(r["quote"]) in q for q in quotes)
               == sum(r["quote"] == o["quote"] for o in recs))
    write_rows(root, FACT, [r for r in recs if r["quote"] != rec["quote"]])
    return rec


def a_gap(root: Path) -> tuple[str, coverage.Uncovered]:
    """Make a figure uncovered; its article and ledger entry."""
    sid = drop_quote(root)["source_id"]
    return sid, ledger(root)[sid].uncovered[0]


def test_removing_a_quote_uncovers_its_figures(package_copy):
    gaps = {sid: [u.figure for u in a.uncovered] for sid, a in ledger(package_copy).items()}
    rec = drop_quote(package_copy)
    figures = [f.text for f in QuoteEvidence(normalise(rec["quote"])).numbers
               if f.ignored is None]
    assert figures
    assert sorted(uncovered(package_copy, rec["source_id"])) == sorted(
        gaps[rec["source_id"]] + figures)


def test_an_exclusion_takes_a_figure_off_the_uncovered_list(package_copy):
    sid, gap = a_gap(package_copy)
    entry = ledger(package_copy)[sid]
    recs = rows(package_copy, "coverage_exclusions")
    write_rows(package_copy, "coverage_exclusions", [
        *recs, {"source_id": sid, "figure": gap.figure, "context": gap.context, "reason": "t"}])
    after = ledger(package_copy)[sid]
    assert after.excluded == entry.excluded + 1
    assert len(after.uncovered) == len(entry.uncovered) - 1
    assert not codes(coverage.check(package_data(package_copy)), "stale-exclusion")


def test_stale_exclusions_are_reported(package_copy):
    gap_sid, gap = a_gap(package_copy)
    covered = next(r for r in rows(package_copy, FACT) if r["value"])
    figure = next(f.text for f in QuoteEvidence(normalise(covered["quote"])).numbers
                  if f.ignored is None)
    exclusions = [
        # covered by a quote now
        {"source_id": covered["source_id"], "figure": figure,
         "context": normalise(covered["quote"]), "reason": "r1"},
        # context no longer in the article
        {"source_id": gap_sid, "figure": gap.figure, "context": gap.context + " (edited)",
         "reason": "r2"},
        # figure not in the context
        {"source_id": gap_sid, "figure": "4242", "context": gap.context, "reason": "r3"},
        # a name, set aside by rule
        {"source_id": "azerbaijan-independence", "figure": "2016",
         "context": "during the ADEX-2016 military exhibition", "reason": "r4"},
        # context occurs more than once
        {"source_id": "belarus-azerbaijan-eu", "figure": "x",
         "context": "The EU approaches towards Belarus and Azerbaijan remain completely",
         "reason": "r5"},
        # valid, then the same figure again
        {"source_id": gap_sid, "figure": gap.figure, "context": gap.context, "reason": "r6"},
        {"source_id": gap_sid, "figure": gap.figure, "context": gap.context, "reason": "r7"},
    ]
    write_rows(package_copy, "coverage_exclusions", exclusions)
    stale = codes(coverage.check(package_data(package_copy)), "stale-exclusion")
    assert [(f.row, f.field) for f in stale] == [
        (1, "figure"), (2, "context"), (3, "figure"), (4, "figure"), (5, "context"),
        (7, "figure")]
    assert "now covers" in stale[0].message
    assert "set aside by rule (name)" in stale[3].message


def test_uncovered_figure_names_article_line_and_context(package_copy):
    drop_quote(package_copy)
    found = codes(coverage.check(package_data(package_copy)), "uncovered-figure")
    seed = (package_copy / "seeds" / "000_bf67ec7b18639301.txt").read_text(encoding="utf-8")
    lines = seed.split("\n")
    assert found
    for f in found:
        assert f.table == "seeds" and f.value in lines[f.line - 1].replace("\\$", "$")
        assert f"line {f.line}" in f.message


def test_caption_paragraphs_are_not_counted(package_copy):
    seed = package_copy / "seeds" / "000_bf67ec7b18639301.txt"
    text = seed.read_text(encoding="utf-8")
    # same lengths, so the sources' offsets still hold
    text = text.replace("Source: kp.by", "Source: 12345").replace(
        "Lukashenka and Ilham Aliyev.\n", "Lukashenka and Ilham Aliy 678\n")
    seed.write_text(text, encoding="utf-8")
    assert uncovered(package_copy, "azerbaijan-independence") == ["678"]
