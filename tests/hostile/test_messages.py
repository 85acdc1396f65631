"""Hostile input for the doors of #22's messages: OUT paths of every kind for ``export``
and ``site`` (standard output, a file where a folder should be, missing folders, odd
names), quotes the closest-passage search must survive, rows whose every cell is broken,
and the exit codes they end with. No case may end in a traceback or ``internal-error``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from helpers import cell, edit_rows, set_cell

from bdigest_data.release.stamp import stamp


@pytest.mark.parametrize("out", ["{tmp}/file.txt/out.json", "{tmp}/missing/../out.json",
                                 "{tmp}/file.txt"],
                         ids=["parent-is-a-file", "dot-dot-through-missing", "exists"])
def test_export_to_an_impossible_or_taken_place_exits_2(out, tmp_path):
    (tmp_path / "file.txt").write_text("keep", encoding="utf-8")
    result = run_cli("export", "-f", "json", out.format(tmp=tmp_path))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "[Errno" not in result.stderr
    assert (tmp_path / "file.txt").read_text(encoding="utf-8") == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


@pytest.mark.parametrize("name", ["-x.json", " .json", "ünïcödé ✓.json", "a\nb.json"],
                         ids=["dash-prefixed", "space", "unicode", "newline"])
def test_export_to_a_legal_odd_name_in_a_folder_that_exists(name, tmp_path):
    out = tmp_path / name
    result = run_cli("export", "-f", "json", "--", str(out)) if name.startswith("-") else \
        run_cli("export", "-f", "json", str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["name"] == "bdigest-data"


def test_export_dash_with_force_and_a_package_argument(package_copy):
    """``-`` ignores --force (nothing to overwrite) and reads the named package."""
    result = run_cli("export", "-f", "json", "-", "--force", "--package", str(package_copy))
    assert result.returncode == 0
    assert json.loads(result.stdout)["version"]


def test_export_dash_of_an_invalid_package_writes_nothing_to_stdout(package_copy):
    set_cell(package_copy, "trade", 3, "value", "1bn")
    result = run_cli("export", "-f", "json", "-", "--package", str(package_copy))
    assert result.returncode == 1 and result.stdout == ""


def test_site_into_a_file_exits_2(tmp_path):
    (tmp_path / "file.txt").write_text("keep", encoding="utf-8")
    result = run_cli("site", str(tmp_path / "file.txt" / "site"))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr


QUOTES = {
    "long": lambda q: q * 8,  # past the closest-passage limit: said, not aligned
    "control": lambda q: q.replace(" ", "\x00", 3),
    "right-to-left": lambda q: "\u202e" + q,
    "markup-only": lambda q: "**[]()**",
    "homoglyph": lambda q: q.replace("a", "\u0430", 1),  # Cyrillic a
    "one-letter": lambda q: "Z",
}


@pytest.mark.parametrize("quote", QUOTES)
def test_a_hostile_quote_not_found_is_one_finding_naming_locate(quote, package_copy):
    set_cell(package_copy, "visits", 1, "quote", QUOTES[quote](cell(package_copy, "visits", 1,
                                                                    "quote")))
    stamp(package_copy)
    result = run_cli("validate", "--package", str(package_copy), "--format", "json")
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    mine = [f for f in findings if f["table"] == "visits" and f["row"] == 1]
    assert [f["code"] for f in mine] in (["quote-not-found"], ["constraint-error"]), mine
    if mine[0]["code"] == "quote-not-found":
        assert "bdigest-data locate --source" in mine[0]["message"]


def test_a_row_whose_every_cell_is_broken_gives_only_structure_findings(package_copy):
    def garble(rows: list[list[str]]) -> None:
        rows[3] = ["\u202e%x" for _ in rows[3]]

    edit_rows(package_copy, "trade", garble)
    stamp(package_copy)
    result = run_cli("validate", "--package", str(package_copy), "--format", "json")
    assert result.returncode == 1
    on_row = [f for f in json.loads(result.stdout)["findings"]
              if f["table"] == "trade" and f["row"] == 3]
    assert on_row and {f["code"] for f in on_row} <= {"type-error", "constraint-error",
                                                      "foreign-key", "primary-key"}


def test_every_article_offset_broken_is_one_finding_each(package_copy):
    n = len(Path(package_copy / "data" / "sources.csv").read_text(
        encoding="utf-8").splitlines()) - 1
    edit_rows(package_copy, "sources",
              lambda rows: [r.__setitem__(rows[0].index("char_end"), "end") for r in rows[1:]])
    stamp(package_copy)
    result = run_cli("validate", "--package", str(package_copy), "--format", "json")
    codes = [f["code"] for f in json.loads(result.stdout)["findings"]]
    assert codes == ["type-error"] * n, codes
