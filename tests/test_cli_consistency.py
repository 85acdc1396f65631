"""One consistent CLI: the package named the same way everywhere, --format with one
meaning, hints that name commands, impossible combinations as usage errors (exit 2),
directories and release archives alike, and the 0.1 spellings kept with a deprecation."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from helpers import first, rows, set_cell, write_rows

from bdigest_data.cli import COMMANDS, build_parser
from bdigest_data.release.archive import build_archive
from bdigest_data.release.stamp import stamp


def subparsers() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions
                  if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {s: a for a in parser._actions for s in a.option_strings}


def test_every_command_takes_the_package_as_package_or_p() -> None:
    parsers = subparsers()
    assert set(parsers) == set(COMMANDS)
    for name, parser in parsers.items():
        if name == "diff":  # compares two packages, given as OLD and NEW
            continue
        opts = options(parser)
        assert opts["--package"] is opts["-p"], name
        assert opts["--package"].dest == "package", name


def test_format_is_f_and_offers_text_wherever_a_report_is_printed() -> None:
    for name, parser in subparsers().items():
        opts = options(parser)
        if "--format" not in opts:
            continue
        assert opts["--format"] is opts["-f"], name
        if name != "export":  # export's --format is the format of the file it writes
            assert opts["--format"].default == "text", name
            assert {"text"} < set(opts["--format"].choices), name


def test_the_removed_positional_path_is_a_usage_error_naming_package(
        package_copy: Path) -> None:
    before = {p: p.read_bytes() for p in package_copy.rglob("*") if p.is_file()}
    for command in (["validate", "--checks", "structure"], ["coverage"], ["stamp"]):
        result = run_cli(command[0], str(package_copy), *command[1:])
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stderr == (f"bdigest-data {command[0]}: error: PATH as a positional "
                                 "argument was removed in 1.1.0; use --package "
                                 f"{package_copy}\n")
        assert not result.stdout
    assert {p: p.read_bytes() for p in package_copy.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(("args", "message"), [
    (["validate", "--checks", "structure", "--skip", "structure"], "leave no check group"),
    (["validate", "--table", "trade", "--checks", "coverage"], "--table skips coverage"),
    (["validate", "--max-findings", "-1"], "-1 is negative"),
    (["validate", "--max-findings", "many"], "'many' is not a whole number"),
    (["validate", "--max-annotations", "3"], "only to --format github"),
    (["cite", "--row", "trade", "trade-001", "--format", "cff"], "cites the dataset"),
])
def test_impossible_combinations_exit_2(args: list[str], message: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr


def test_table_output_does_not_list_coverage_as_run() -> None:
    text = run_cli("validate", "--table", "trade")
    assert text.returncode == 0, text.stdout
    checks = next(line for line in text.stdout.splitlines() if line.startswith("checks:"))
    assert checks.startswith("checks: structure, integrity, provenance, semantics, dataset "
                             "(skipped: "
                             "coverage")
    doc = json.loads(run_cli("validate", "--table", "trade", "-f", "json").stdout)
    assert "coverage" not in doc["checks"]


def test_hints_name_commands_not_functions(package_copy: Path) -> None:
    set_cell(package_copy, "rankings", 1, "note", "changed")
    result = run_cli("validate", "--package", str(package_copy), "--checks", "integrity")
    assert "re-stamp it: bdigest-data stamp" in result.stdout
    assert "bdigest_data." not in result.stdout + result.stderr


def test_cite_row_follows_format() -> None:
    row = rows(ROOT, "trade")[0]
    text = run_cli("cite", "--row", "trade", row["trade_id"])
    bibtex = run_cli("cite", "--row", "trade", row["trade_id"], "--format", "bibtex")
    csl = run_cli("cite", "--row", "trade", row["trade_id"], "-f", "csl-json")
    assert text.returncode == bibtex.returncode == csl.returncode == 0
    assert text.stdout.startswith(f"trade {row['trade_id']}: ")
    assert bibtex.stdout.startswith(f"@article{{{row['source_id']},")
    (item,) = json.loads(csl.stdout)
    assert item["id"] == row["source_id"] and row["quote"] in item["note"]


def release_zip(package: Path, out: Path) -> Path:
    return build_archive(package, out, "bdigest-data-x", 1_700_000_000)


def test_validate_reads_a_release_archive_like_a_directory(package_copy: Path,
                                                           tmp_path: Path) -> None:
    good = release_zip(package_copy, tmp_path / "good.zip")
    ok = run_cli("validate", "--package", str(good))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert f"bdigest-data validate {good}!datapackage.json" in ok.stdout
    set_cell(package_copy, "trade", 2, "value", "lots")
    stamp(package_copy)
    bad = release_zip(package_copy, tmp_path / "bad.zip")
    broken = run_cli("validate", "--package", str(bad), "-f", "json")
    in_dir = run_cli("validate", "--package", str(package_copy), "-f", "json")
    assert broken.returncode == in_dir.returncode == 1
    assert json.loads(broken.stdout)["findings"] == json.loads(in_dir.stdout)["findings"]
    assert run_cli("coverage", "--package", str(good)).returncode == 0


def test_diff_refuses_what_is_not_a_package(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "json").mkdir()
    (tmp_path / "json" / "datapackage.json").write_text('{"name": "x"}', encoding="utf-8")
    (tmp_path / "list").mkdir()
    (tmp_path / "list" / "datapackage.json").write_text("[1, 2]", encoding="utf-8")
    for other, message in (("folder", "no datapackage.json here"),
                           ("json", "not a data package"), ("list", "not a data package")):
        result = run_cli("diff", str(ROOT), str(tmp_path / other))
        assert result.returncode == 2, (other, result.stdout)
        assert message in result.stderr and "Traceback" not in result.stderr


def bump(package: Path, version: str) -> None:
    path = package / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    desc["version"] = version
    path.write_text(json.dumps(desc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def test_diff_flags_a_version_below_the_required_bump(package_copy: Path,
                                                      tmp_path: Path) -> None:
    ranks = rows(package_copy, "rankings")
    extra = dict(first(ranks)) | {"ranking_id": "rank-999"}
    write_rows(package_copy, "rankings", [*ranks, extra])
    current = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
    major, minor, patch = (int(part) for part in current.split("."))
    patched, next_minor = f"{major}.{minor}.{patch + 1}", f"{major}.{minor + 1}.0"
    for version, status, said in ((current, 1, f"version {current} is not greater than"),
                                  (patched, 1, f"{patched} is a patch release after {current}"),
                                  (next_minor, 0, None)):
        bump(package_copy, version)
        result = run_cli("diff", str(ROOT), str(package_copy))
        assert result.returncode == status, (version, result.stderr)
        assert "smallest version bump required: minor" in result.stdout
        if said:
            assert said in result.stdout and f"minor bump ({next_minor} or higher)" in result.stdout
            assert "version too low" in result.stderr
    archived = release_zip(package_copy, tmp_path / "new.zip")
    same = run_cli("diff", str(ROOT), str(archived), "-f", "json")
    assert same.returncode == 0 and json.loads(same.stdout)["version_problem"] is None


def test_stamp_defaults_to_the_current_directory(package_copy: Path) -> None:
    set_cell(package_copy, "rankings", 1, "note", "changed")
    result = run_cli("stamp", cwd=package_copy)
    assert result.returncode == 0, result.stderr
    assert run_cli("validate", "-p", str(package_copy), "--checks", "integrity").returncode == 0
    shutil.rmtree(package_copy / "data")
    assert run_cli("stamp", cwd=package_copy).returncode == 2
