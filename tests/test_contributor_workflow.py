"""A contributor's whole path on a temp copy: add an article, add one row quoting it, set
the other sentences aside, stamp, validate (clean), diff (a minor bump), with the
documented commands only.

The article is tests/data/fixture_article.md: invented, marked FIXTURE in its text, and
never part of the package (it is only ever added to temp copies)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT, run_cli
from helpers import first, rows, write_rows

FIXTURE = Path(__file__).parent / "data" / "fixture_article.md"
SENTENCE = "Belarus and Turkey are aiming for a $1bn turnover."


def test_the_fixture_is_marked_and_never_shipped() -> None:
    assert "FIXTURE: an invented article" in FIXTURE.read_text(encoding="utf-8")
    shipped = [p.name for p in (ROOT / "seeds").iterdir()]
    assert all("fixture" not in name for name in shipped), shipped
    assert all(r["source_id"] != "fixture-target" for r in rows(ROOT, "sources"))


def test_article_to_validated_stamped_package(package_copy: Path) -> None:
    pkg = str(package_copy)
    added = run_cli("add-article", str(FIXTURE), "--id", "fixture-target",
                    "--published", "2031-03?", "--note", "Invented fixture; undated.",
                    "--package", pkg)
    assert added.returncode == 0, added.stderr

    # the article's figure is uncovered, and named by the article's id
    before = run_cli("validate", "--package", pkg, "-f", "json")
    assert before.returncode == 1
    assert all("'fixture-target'" in f["message"] for f in json.loads(before.stdout)["findings"])

    located = run_cli("locate", SENTENCE, "--source", "fixture-target", "--package", pkg)
    assert located.returncode == 0 and "found in article 'fixture-target'" in located.stdout

    # one row, modelled on the real row about the same kind of fact (a turnover target)
    trade = rows(package_copy, "trade")
    row = dict(first(trade, trade_id="trade-003"))
    key = next(f for f in row if f.endswith("_id") and f != "source_id")
    row |= {key: f"trade-{len(trade) + 100:03d}", "source_id": "fixture-target",
            "quote": SENTENCE, "note": "Fixture row.", "value_basis": "stated",
            "derived_fields": "", "basis_note": ""}
    write_rows(package_copy, "trade", [*trade, row])

    # every other sentence of the article is set aside in the coverage ledger, as listed
    left = json.loads(run_cli("coverage", "--package", pkg, "-f", "json").stdout)
    (article,) = [a for a in left["articles"] if a["source_id"] == "fixture-target"]
    ledger = rows(package_copy, "coverage_ledger")
    write_rows(package_copy, "coverage_ledger", [*ledger, *(
        {"sentence_id": u["sentence_id"], "disposition": "background", "text": u["text"],
         "note": "Fixture sentence."} for u in article["unaccounted"])])

    stamped = run_cli("stamp", "--package", pkg)
    assert stamped.returncode == 0, stamped.stderr
    valid = run_cli("validate", "--package", pkg)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert "VALID: no findings" in valid.stdout

    diff = run_cli("diff", str(ROOT), pkg)
    assert "smallest version bump required: minor" in diff.stdout
    assert "trade: 1 row added" in diff.stdout and "sources: 1 row added" in diff.stdout
    assert "resource `seed-fixture-target`: added" in diff.stdout
    version = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
    major, minor, _ = (int(part) for part in version.split("."))
    assert diff.returncode == 1 and f"{major}.{minor + 1}.0 or higher" in diff.stderr  # not bumped
