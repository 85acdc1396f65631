"""scripts/bench_archive.py builds a synthetic archive that every check group accepts, and
in which a broken article is still found."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import ROOT, run_cli, run_script

from bdigest_data import validate
from bdigest_data.validation import GROUPS

SCRIPT = ROOT / "scripts" / "bench_archive.py"
ARTICLES = 50


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pkg = tmp_path_factory.mktemp("archive") / "pkg"
    result = run_script(SCRIPT, "--build", str(ARTICLES), "--out", str(pkg))
    assert result.returncode == 0, result.stderr
    return pkg


def rows(pkg: Path, table: str) -> list[dict[str, str]]:
    with (pkg / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_archive_is_valid_with_every_group(archive: Path) -> None:
    report = validate(archive)
    assert report.stats["checks"] == list(GROUPS)
    assert report.findings == []
    assert report.valid
    sources = rows(archive, "sources")
    assert len(sources) == ARTICLES
    assert len({s["title"] for s in sources}) == ARTICLES  # each article is a new text
    seeds = {(archive / s["seed_file"]).read_text(encoding="utf-8") for s in sources}
    assert len(seeds) == ARTICLES
    texts: dict[str, set[str]] = {}
    for s in rows(archive, "sentences"):
        if s["kind"] == "sentence":
            texts.setdefault(s["source_id"], set()).add(s["text"])
    assert len(set().union(*texts.values())) == sum(map(len, texts.values()))  # none shared
    # rows of every table are copied with their references: ids stay unique
    for table in ("visits", "participants", "event_links", "persons"):
        ids = [next(iter(r.values())) for r in rows(archive, table)]
        assert len(ids) == len(set(ids))


def test_a_broken_quote_in_one_article_is_found_at_its_row(archive: Path, tmp_path: Path
                                                           ) -> None:
    import shutil

    pkg = tmp_path / "pkg"
    shutil.copytree(archive, pkg)
    path = pkg / "data" / "trade.csv"
    table = rows(pkg, "trade")
    late = [s["source_id"] for s in rows(pkg, "sources")][ARTICLES // 2:]
    i = next(i for i, r in enumerate(table) if r["source_id"] in late)  # not a first copy
    table[i]["quote"] = table[i]["quote"].replace(" ", " not ", 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    assert run_cli("stamp", "--package", str(pkg)).returncode == 0
    report = validate(pkg, checks=["provenance"])
    assert [(f.code, f.table, f.row) for f in report.findings] == \
        [("quote-not-found", "trade", i + 1)]
    assert repr(table[i]["source_id"]) in report.findings[0].message
