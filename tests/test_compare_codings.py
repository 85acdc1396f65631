"""scripts/compare_codings.py: a second coding compared with the tables, row by row and
field by field."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_script
from helpers import rows

SCRIPT = ROOT / "scripts" / "compare_codings.py"
FACTS = tuple(p.stem for p in sorted((ROOT / "schemas").glob("*.json"))
              if json.loads(p.read_text(encoding="utf-8")).get("bdigest:role") == "facts")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The script's ``main`` in this process (``test_a_file_without_quotes_is_refused``
    starts the script itself)."""
    return run_script(SCRIPT, *args)


def run_subprocess(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=300)


def write(path: Path, recs: list[dict[str, str]], drop: tuple[str, ...] = ()) -> None:
    header = [k for k in recs[0] if k not in drop]
    out = io.StringIO()
    w = csv.DictWriter(out, header, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows(recs)
    path.write_text(out.getvalue(), encoding="utf-8")


def report(coding: Path) -> dict[str, dict]:
    result = run(str(coding), "--json")
    assert result.returncode == 0, result.stderr
    (doc,) = json.loads(result.stdout)
    return {t["table"]: t for t in doc["tables"]}


def field(table: dict, name: str) -> dict:
    return next(f for f in table["fields"] if f["field"] == name)


@pytest.fixture
def coding(tmp_path: Path) -> Path:
    """A coder who wrote exactly our tables, with their own ids."""
    out = tmp_path / "coder-a"
    out.mkdir()
    for table in FACTS:
        recs = rows(ROOT, table)
        key = next(iter(recs[0]))
        write(out / f"{table}.csv", [{**r, key: f"c{i}"} for i, r in enumerate(recs)])
    return out


def test_identical_coding_agrees_fully(coding):
    tables = report(coding)
    assert set(tables) >= set(FACTS)
    for name in FACTS:
        t = tables[name]
        assert t["recall"] == t["precision"] == 1.0 and t["matched"] == len(rows(ROOT, name))
        assert all(f["agree"] == f["n"] for f in t["fields"])
        assert all(f["kappa"] in (1.0, None) for f in t["fields"])
        assert not t["missed"] and not t["extra"] and not t["differences"]


def test_missed_extra_and_differing_rows_are_counted(coding):
    arms = list(csv.DictReader((coding / "arms_exports.csv").open(encoding="utf-8")))
    ours = rows(ROOT, "arms_exports")
    arms.pop(0)  # missed
    changed = next(r for r in arms if r["status"] == "interest")
    changed["status"] = "agreed"  # a categorical disagreement
    extra = {**arms[-1], "arms_id": "c-extra", "quote": "The Azeris remain important "
             "customers of the Belarusian defence industry.", "source_id": "belarus-azerbaijan-eu"}
    arms.append(extra)
    # a quote the coder did not copy verbatim still finds its sentence
    paraphrased = next(r for r in arms if r["quote"].startswith("A decade earlier"))
    paraphrased["quote"] = "a decade earlier, together with Russians, Belarusian specialists " \
                           "modernised Egypt's Pechoras"
    write(coding / "arms_exports.csv", arms)
    trade = list(csv.DictReader((coding / "trade.csv").open(encoding="utf-8")))
    target = next(r for r in trade if r["value"] == "223.3")
    target["value"] = "223.0"
    write(coding / "trade.csv", trade, drop=("currency",))  # a column the coder left out

    tables = report(coding)
    arms_t, trade_t = tables["arms_exports"], tables["trade"]
    n = len(ours)
    assert (arms_t["rows"], arms_t["coder_rows"], arms_t["matched"]) == (n, n, n - 1)
    assert arms_t["recall"] == pytest.approx((n - 1) / n)
    assert arms_t["precision"] == pytest.approx((n - 1) / n)
    assert arms_t["missed"] == [ours[0]["arms_id"]]
    assert [e["id"] for e in arms_t["extra"]] == ["c-extra"]
    assert arms_t["not_verbatim"] == 1
    status = field(arms_t, "status")
    assert (status["n"], status["agree"]) == (n - 1, n - 2) and 0 < status["kappa"] < 1
    assert [(d["field"], d["reference_value"], d["coder_value"]) for d in arms_t["differences"]] \
        == [("status", "interest", "agreed")]
    value = field(trade_t, "value")
    assert (value["n"], value["agree"], value["kind"]) == (len(trade), len(trade) - 1,
                                                           "exact value")
    assert "currency" not in {f["field"] for f in trade_t["fields"]}


def test_markdown_and_disagreements_files(coding, tmp_path):
    arms = list(csv.DictReader((coding / "arms_exports.csv").open(encoding="utf-8")))
    write(coding / "arms_exports.csv", arms[1:])
    md, dis = tmp_path / "section.md", tmp_path / "dis.csv"
    result = run(str(coding), "--markdown", str(md), "--disagreements", str(dis))
    assert result.returncode == 0, result.stderr
    n = len(arms)
    assert f"arms_exports: {n} rows, coder {n - 1}, matched {n - 1}" in result.stdout
    text = md.read_text(encoding="utf-8")
    assert (f"| arms_exports | {n} | {n - 1} | {n - 1} | 0 | {100 * (n - 1) / n:.0f}% | 100% "
            "| 0 |") in text
    assert "Cohen's kappa" in text
    (missed,) = [r for r in csv.DictReader(dis.open(encoding="utf-8"))]
    assert (missed["kind"], missed["reference_id"]) == ("missed", rows(ROOT, "arms_exports")[0][
        "arms_id"])


def test_a_file_without_quotes_is_refused(coding):
    write(coding / "rankings.csv", rows(ROOT, "rankings"), drop=("quote",))
    result = run_subprocess(str(coding))
    assert result.returncode == 2 and "quote are required" in result.stderr


def test_a_coding_against_another_coding(coding, tmp_path):
    """``--reference``: coder against coder, by the same method; the tables play no part."""
    ours = rows(ROOT, "arms_exports")
    arms = list(csv.DictReader((coding / "arms_exports.csv").open(encoding="utf-8")))
    write(coding / "arms_exports.csv", arms[1:])  # the reference lacks a row of the tables
    trade = list(csv.DictReader((coding / "trade.csv").open(encoding="utf-8")))
    write(coding / "trade.csv", trade, drop=("currency",))  # and a column
    other = tmp_path / "coder-b"
    other.mkdir()
    for path in coding.iterdir():
        (other / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    theirs = arms[1:]
    changed = next(r for r in theirs if r["status"] == "interest")
    changed["status"] = "agreed"
    write(other / "arms_exports.csv", theirs)
    write(other / "trade.csv", trade)  # the coder has the currency column

    result = run(str(other), "--reference", str(coding), "--json")
    assert result.returncode == 0, result.stderr
    (doc,) = json.loads(result.stdout)
    assert (doc["coder"], doc["reference"]) == ("coder-b", "coder-a")
    tables = {t["table"]: t for t in doc["tables"]}
    n = len(ours) - 1
    arms_t = tables["arms_exports"]
    assert (arms_t["rows"], arms_t["coder_rows"], arms_t["matched"]) == (n, n, n)
    assert not arms_t["missed"] and not arms_t["extra"]
    assert [(d["id"], d["field"], d["reference_value"], d["coder_value"])
            for d in arms_t["differences"]] == [(changed["arms_id"], "status", "interest",
                                                 "agreed")]
    assert "currency" not in {f["field"] for f in tables["trade"]["fields"]}
    assert all(f["agree"] == f["n"] for f in tables["trade"]["fields"])

    md = tmp_path / "cc.md"
    assert run(str(coding), "--reference", str(coding), "--markdown", str(md)).returncode == 0
    text = md.read_text(encoding="utf-8")
    assert text.startswith("### Coder `coder-a` against coder `coder-a`")
    assert f"| arms_exports | {n} | {n} | {n} | 0 | 100% | 100% | 0 |" in text

    missing = run(str(other), "--reference", str(tmp_path / "nobody"))
    assert missing.returncode == 2 and "not a coding directory" in missing.stderr
