"""Coverage: every sentence of the articles overlaps some row's quote or is set aside in the
coverage ledger with a reason, every figure is in a quote or set aside, and a ledger row
that no longer applies is reported."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT, run_cli
from helpers import codes, package_data, rows, write_rows

from bdigest_data.text.evidence import QuoteEvidence, normalise
from bdigest_data.validation.checks.coverage import coverage
from bdigest_data.validation.context import PackageData

LEDGER = "coverage_ledger"
FACT = "arms_exports"
ADEX = "azerbaijan-independence:019"  # a covered sentence holding "ADEX-2016"


def ledger(root: Path) -> dict[str, coverage.ArticleCoverage]:
    return {a.source_id: a for a in coverage.ledger(package_data(root))}


def statuses(root: Path) -> dict[str, str]:
    return {u.sentence_id: u.status for a in ledger(root).values() for u in a.units}


def units(root: Path) -> dict[str, dict[str, str]]:
    return {r["sentence_id"]: r for r in rows(root, "sentences")}


def found(root: Path, code: str) -> list:
    return codes(coverage.check(package_data(root)), code)


def add_rows(root: Path, *new: dict[str, str]) -> None:
    write_rows(root, LEDGER, [*rows(root, LEDGER), *new])


def row(sentence_id: str, text: str, disposition: str = "analysis", **more: str
        ) -> dict[str, str]:
    return {"sentence_id": sentence_id, "text": text, "disposition": disposition, **more}


def test_real_package_is_accounted_for_and_its_ledger_adds_up():
    pkg: PackageData = package_data(ROOT)
    entries = coverage.ledger(pkg)
    assert {a.source_id for a in entries} == {r["source_id"] for r in rows(ROOT, "sources")}
    for a in entries:
        assert a.sentences == a.sentences_covered + sum(a.set_aside.values()) + len(a.unaccounted)
        assert a.sentences == len(a.units) == sum(u.sentence_id.startswith(a.source_id + ":")
                                                  for u in a.units)
        assert a.figures == a.figures_covered + a.figures_set_aside + len(a.uncovered)
        assert not a.unaccounted and not a.uncovered
    assert coverage.check(pkg) == []
    assert set(entries[0].set_aside) == {"analysis", "background", "statement", "recorded",
                                         "caption", "heading"}


def test_headings_captions_and_credits_are_set_aside_by_rule():
    by_kind = {(u.kind, u.status, u.by_rule) for a in ledger(ROOT).values() for u in a.units
               if u.kind != "sentence" and u.status != "covered"}
    assert by_kind == {("heading", "heading", True), ("caption", "caption", True),
                       ("credit", "caption", True)}


def drop_quote(root: Path) -> dict[str, str]:
    """Delete the rows of a quote with figures that no other quote contains; its row."""
    recs = rows(root, FACT)
    tables = [t for t in ("arms_exports", "trade", "visits", "rankings", "political_prisoners",
                          "participants") if (root / "data" / f"{t}.csv").exists()]
    quotes = [normalise(r["quote"]) for t in tables for r in rows(root, t)]
    rec = next(r for r in recs if r["value"]
               and sum(normalise(r["quote"]) in q for q in quotes)
               == sum(r["quote"] == o["quote"] for o in recs))
    write_rows(root, FACT, [r for r in recs if r["quote"] != rec["quote"]])
    return rec


def test_removing_a_quote_leaves_its_sentences_unaccounted(package_copy):
    before = statuses(package_copy)
    rec = drop_quote(package_copy)
    after = statuses(package_copy)
    lost = sorted(s for s in before if before[s] == "covered" and after[s] != "covered")
    assert lost and all(after[s] == "unaccounted" for s in lost)
    assert all(normalise(rec["quote"]).find(units(package_copy)[s]["text"][:20]) >= 0
               for s in lost)
    gaps = found(package_copy, "unaccounted-sentence")
    assert sorted(f.value for f in gaps) == lost
    # the figures of the quote are now in unaccounted sentences: counted, reported with them
    figures = [f.text for f in QuoteEvidence(normalise(rec["quote"])).numbers
               if f.ignored is None]
    entry = ledger(package_copy)[rec["source_id"]]
    assert set(figures) <= {f.figure for f in entry.uncovered}
    assert {f.sentence_id for f in entry.uncovered} <= set(lost)
    assert not found(package_copy, "uncovered-figure")


def test_unaccounted_sentence_names_article_line_and_the_row_to_paste(package_copy):
    drop_quote(package_copy)
    seed = (package_copy / "seeds" / "000_bf67ec7b18639301.txt").read_text(encoding="utf-8")
    lines = seed.split("\n")
    gaps = found(package_copy, "unaccounted-sentence")
    for f in gaps:
        text = units(package_copy)[f.value]["text"]
        assert f.table == "seeds" and f"line {f.line}" in f.message
        assert normalise(lines[f.line - 1].replace("\\$", "$"))[:10] in text
        assert coverage.ledger_row(f.value, text) in f.message


def test_a_ledger_row_accounts_for_the_sentence(package_copy):
    drop_quote(package_copy)
    gaps = found(package_copy, "unaccounted-sentence")
    lost = {f.value for f in gaps}
    figure_rows = [r for r in rows(package_copy, LEDGER)
                   if r["figures"] and r["sentence_id"] in lost]
    stale = found(package_copy, "stale-disposition")
    assert len(stale) == len(figure_rows)
    assert all("only a figure of a sentence that a quote covers" in f.message for f in stale)
    kept = [r for r in rows(package_copy, LEDGER) if r not in figure_rows]
    write_rows(package_copy, LEDGER, [*kept, *(
        row(f.value, units(package_copy)[f.value]["text"], "background") for f in gaps)])
    assert not found(package_copy, "unaccounted-sentence")
    assert not found(package_copy, "uncovered-figure")  # their figures are set aside with them
    assert not found(package_copy, "stale-disposition")


def covered_sentence(root: Path) -> str:
    return next(s for s, st in statuses(root).items() if st == "covered"
                and units(root)[s]["kind"] == "sentence")


def test_stale_rows_are_reported(package_copy):
    recs = rows(package_copy, LEDGER)
    aside = next(r for r in recs if not r["figures"] and r["disposition"] == "analysis")
    covered = covered_sentence(package_copy)
    text = {s: r["text"] for s, r in units(package_copy).items()}
    heading = next(s for s, r in units(package_copy).items() if r["kind"] == "heading")
    unaccounted_figure_free = next(
        s for s, r in units(package_copy).items() if statuses(package_copy)[s] == "covered"
        and not [f for f in QuoteEvidence(r["text"]).numbers if f.ignored is None])
    stale = [
        row(covered, text[covered]),                                     # a quote covers it
        row(aside["sentence_id"], aside["text"] + " (edited)"),           # text changed
        row("azerbaijan-independence:999", "No such sentence."),          # no such sentence
        row(heading, text[heading], "heading"),                           # set aside by rule
        row(aside["sentence_id"], aside["text"], "background", figures=""),  # (kept: duplicate
        row(aside["sentence_id"], aside["text"], "recorded"),             # recorded, no target
        row(aside["sentence_id"], aside["text"], "recorded",              # target not covered
            figures="x", recorded_in=aside["sentence_id"]),
        row(aside["sentence_id"], aside["text"], "analysis", figures="y",  # recorded_in misplaced
            recorded_in=covered),
        row(aside["sentence_id"], aside["text"], figures="z"),            # not covered
        row(ADEX, text[ADEX], figures="2016"),                             # a name, by rule
        row(unaccounted_figure_free, text[unaccounted_figure_free], figures="42"),  # not there
    ]
    write_rows(package_copy, LEDGER, [*recs, *stale])
    n = len(recs)
    result = {f.row - n: f for f in found(package_copy, "stale-disposition")}
    assert sorted(result) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [
        (r, f.message) for r, f in result.items()]
    assert "now overlaps" in result[1].message
    assert result[2].field == "text" and "now reads" in result[2].message
    assert "no such sentence" in result[3].message
    assert "by rule" in result[4].message
    assert "already sets the sentence aside" in result[5].message
    assert "needs recorded_in" in result[6].message
    assert "is not another sentence that a fact row's quote covers" in result[7].message
    assert "only for the disposition recorded" in result[8].message
    assert "only a figure of a sentence that a quote covers" in result[9].message
    assert "set aside by rule (name)" in result[10].message
    assert "does not hold the figure" in result[11].message
    assert all(f.table == LEDGER and f.line == f.row + 1 for f in result.values())


def test_a_figure_row_sets_aside_a_figure_outside_the_quotes(package_copy):
    recs = rows(package_copy, FACT)
    # shorten a quote so that its sentence stays covered but loses a figure
    rec = next(r for r in recs if r["source_id"] == "defence-sector-ukraine"
               and r["quote"].startswith("According to SIPRI, in 2012"))
    original = rec["quote"]
    short = original.split(" (with")[0]
    kept = [r for r in recs if r["quote"] != original or not r["part_of"]]
    for r in kept:
        if r["quote"] == original:
            r["quote"] = short
    write_rows(package_copy, FACT, kept)
    sid = next(s for s, r in units(package_copy).items() if r["text"].startswith(short))
    gaps = {f.value for f in found(package_copy, "uncovered-figure")}
    assert {"69", "28"} <= gaps
    text = units(package_copy)[sid]["text"]
    add_rows(package_copy, row(sid, text, figures="69; 28"))
    assert not {"69", "28"} & {f.value for f in found(package_copy, "uncovered-figure")}
    assert not found(package_copy, "stale-disposition")


def stamp(root: Path) -> None:
    done = run_cli("stamp", "--package", str(root))
    assert done.returncode == 0, done.stderr


def test_validate_fails_on_an_unaccounted_sentence(package_copy):
    recs = rows(package_copy, LEDGER)
    gone = next(r for r in recs if not r["figures"])
    write_rows(package_copy, LEDGER, [r for r in recs if r is not gone])
    stamp(package_copy)
    result = run_cli("validate", "--package", str(package_copy), "--format", "json")
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    assert [(f["code"], f["value"]) for f in doc["findings"]] == [
        ("unaccounted-sentence", gone["sentence_id"])]


def test_validate_fails_on_a_stale_sentence(package_copy):
    covered = covered_sentence(package_copy)
    add_rows(package_copy, row(covered, units(package_copy)[covered]["text"]))
    recs = rows(package_copy, LEDGER)
    recs[0]["text"] = recs[0]["text"].replace(" ", "  ", 1) + " And more."
    write_rows(package_copy, LEDGER, recs)
    stamp(package_copy)
    result = run_cli("validate", "--package", str(package_copy), "--format", "json")
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    assert sorted((f["code"], f["row"]) for f in doc["findings"]) == [
        ("stale-disposition", 1), ("stale-disposition", len(recs)),
        ("unaccounted-sentence", None)]


def test_coverage_command_prints_both_ledgers():
    text = run_cli("coverage")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[1].split()[:3] == ["article", "units", "covered"]
    assert "unaccounted" in lines[1] and "background" in lines[1]
    assert any(line.split()[:2] == ["article", "figures"] for line in lines)
    doc = json.loads(run_cli("coverage", "--format", "json").stdout)
    assert doc["format"] == "bdigest-data-coverage/1"
    sources = {r["source_id"] for r in rows(ROOT, "sources")}
    assert {a["source_id"] for a in doc["articles"]} == sources
    assert all("units" not in a for a in doc["articles"])
    t = doc["totals"]
    assert t["sentences"] == len(rows(ROOT, "sentences"))
    assert t["sentences"] == (t["sentences_covered"] + sum(t["set_aside"].values())
                              + t["unaccounted"])
    listed = json.loads(run_cli("coverage", "--format", "json", "--units").stdout)
    assert sum(len(a["units"]) for a in listed["articles"]) == t["sentences"]


def test_coverage_command_lists_what_is_left(package_copy):
    drop_quote(package_copy)
    text = run_cli("coverage", "--package", str(package_copy)).stdout
    gaps = found(package_copy, "unaccounted-sentence")
    assert "To account for" in text
    for f in gaps:
        assert coverage.ledger_row(f.value, units(package_copy)[f.value]["text"]) in text
