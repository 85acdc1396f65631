"""Sentence segmentation: the committed sentences table is a fresh pysbd segmentation of the
seeds, its units are the seed's text, and the validator catches a table that is not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import conftest
from conftest import ROOT, run_cli
from helpers import codes, package_data, rows, write_rows

from bdigest_data.text.evidence import articles, normalise
from bdigest_data.text.sentences import segment
from bdigest_data.validation.checks.coverage import coverage, units

SCRIPT = ROOT / "scripts" / "build_sentences.py"
SEED = "seeds/000_bf67ec7b18639301.txt"


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    """The script's ``main`` in this process (``test_committed_table_is_a_fresh_segmentation``
    starts the script itself)."""
    return conftest.run_script(SCRIPT, *args)


def by_id(root: Path) -> dict[str, dict[str, str]]:
    return {r["sentence_id"]: r for r in rows(root, "sentences")}


def errors(root: Path) -> list:
    return codes(coverage.check(package_data(root)), "sentence-error")


def test_committed_table_is_a_fresh_segmentation():
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_check_fails_when_the_table_is_edited_until_regenerated(package_copy):
    recs = rows(package_copy, "sentences")
    write_rows(package_copy, "sentences", recs[:-1])
    stale = run_script("--check", "--package", str(package_copy))
    assert stale.returncode == 1 and "out of date" in stale.stderr
    assert run_script("--package", str(package_copy)).returncode == 0
    assert rows(package_copy, "sentences") == recs


def test_units_are_the_seed_text_in_order_and_deterministic():
    pkg = package_data(ROOT)
    seed = (ROOT / SEED).read_text(encoding="utf-8")
    for article in articles(pkg).values():
        found = segment(article)
        assert found == segment(article)
        assert [u.ordinal for u in found] == list(range(1, len(found) + 1))
        for before, u in zip(found, found[1:], strict=False):
            assert before.char_end <= u.char_start
        for u in found:
            assert normalise(seed[u.char_start:u.char_end]) == u.text
            assert u.text == u.text.strip() and u.text[0] not in "✘☒#"


def test_headings_captions_credits_and_run_on_sentences():
    units_ = by_id(ROOT)
    kinds = {sid: r["kind"] for sid, r in units_.items()}
    texts = {r["text"]: r for r in units_.values()}
    assert [texts[t]["kind"] for t in ("“Iskander-E” in Armenia.", "Source: azatutyun.am",
                                       "Alexander Lukashenka and Ilham Aliyev.",
                                       "Source: kp.by", "Belarus' Military Export: Tip of Iceberg",
                                       "Treatment by the EU")] == [
        "caption", "credit", "caption", "credit", "heading", "heading"]
    assert sum(k == "credit" for k in kinds.values()) == 3
    # a sentence the seed breaks over two paragraphs is one unit
    assert ("At the final stage of his visit to Belarus, Hasanov held a discussion with Belarus "
            "Security Council Secretary Stanislaŭ Zaś.") in texts
    # a quotation of several sentences within one sentence stays one unit
    assert any(t.startswith("“I do not want to make excuses") and t.endswith(
        "stated Lukashenka.") for t in texts)
    # a pull quote cut mid-sentence stays alone, the next sentence is its own unit
    assert any(t.startswith("because of disruption") and t.endswith("with Russia")
               for t in texts)
    assert any(t.startswith("Currently, Stilet is being deployed") for t in texts)


def test_real_table_has_no_errors():
    found, problems = units.units(package_data(ROOT))
    assert problems == []
    assert sum(map(len, found.values())) == len(rows(ROOT, "sentences"))


def edit(root: Path, sentence_id: str, **changes: str) -> None:
    recs = rows(root, "sentences")
    for r in recs:
        if r["sentence_id"] == sentence_id:
            r.update(changes)
    write_rows(root, "sentences", recs)


def test_a_changed_text_is_an_error(package_copy):
    edit(package_copy, "defence-sector-ukraine:013", text="According to SIPRI, in 2013, …")
    (f,) = errors(package_copy)
    assert f.row == list(by_id(package_copy)).index("defence-sector-ukraine:013") + 1
    assert f.field == "text" and "build_sentences.py" in f.message


def test_a_missing_unit_leaves_words_out(package_copy):
    recs = rows(package_copy, "sentences")
    last = max(i for i, r in enumerate(recs) if r["source_id"] == "georgia-alliance-under-threat")
    write_rows(package_copy, "sentences", recs[:last] + recs[last + 1:])
    (f,) = errors(package_copy)
    assert f.value == "georgia-alliance-under-threat" and "no unit" in f.message


def test_a_gap_a_misnumbered_unit_and_an_overlap_are_errors(package_copy):
    sid = "azerbaijan-independence:003"
    start = int(by_id(package_copy)[sid]["char_start"])
    edit(package_copy, sid, char_start=str(start + 4),
         text=normalise((package_copy / SEED).read_text(encoding="utf-8")[
             start + 4:int(by_id(package_copy)[sid]["char_end"])]))
    assert "words before this unit" in errors(package_copy)[0].message

    edit(package_copy, sid, char_start=str(start - 10))
    assert "overlaps" in errors(package_copy)[0].message


def test_a_unit_of_an_unknown_article_is_an_error(package_copy):
    recs = rows(package_copy, "sentences")
    write_rows(package_copy, "sentences", [*recs, {**recs[0], "source_id": "no-such-article",
                                                   "sentence_id": "no-such-article:001"}])
    found = errors(package_copy)
    assert [f.field for f in found] == ["source_id"] and "not in sources" in found[0].message


def test_validate_reports_a_broken_table(package_copy):
    edit(package_copy, "azerbaijan-independence:002", ordinal="7")
    assert run_cli("stamp", "--package", str(package_copy)).returncode == 0
    result = run_cli("validate", "--package", str(package_copy), "--format", "json")
    assert result.returncode == 1
    assert '"sentence-error"' in result.stdout
