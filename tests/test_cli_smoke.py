"""One subprocess smoke test per command: the installed console script wires each command
to its module (every other CLI test runs the command in-process, ``conftest.run_cli``)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import ROOT, run_cli_subprocess

from bdigest_data.cli import COMMANDS


def _a_quote() -> tuple[str, str]:
    with (ROOT / "data" / "trade.csv").open(encoding="utf-8", newline="") as fh:
        row = next(csv.DictReader(fh))
    return row["quote"], row["source_id"]


def _args(command: str, pkg: Path, tmp: Path) -> list[str]:
    quote, source = _a_quote()
    return {
        "validate": ["validate", "--package", str(pkg), "--checks", "structure,integrity"],
        "coverage": ["coverage", "--package", str(pkg)],
        "diff": ["diff", str(pkg), str(pkg)],
        "cite": ["cite", "--package", str(pkg)],
        "stamp": ["stamp", "--package", str(pkg)],
        "export": ["export", "--format", "json", str(tmp / "out"), "--package", str(pkg)],
        "site": ["site", str(tmp / "site"), "--package", str(pkg)],
        "add-article": ["add-article", "--help"],
        "locate": ["locate", quote, "--source", source, "--package", str(pkg)],
        "tables": ["tables", "--package", str(pkg)],
        "where": ["where", "--package", str(pkg)],
    }[command]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_console_script_runs_each_command(package_copy: Path, tmp_path: Path,
                                              command: str) -> None:
    result = run_cli_subprocess(*_args(command, package_copy, tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip()


def test_the_console_script_prints_the_version() -> None:
    result = run_cli_subprocess("--version")
    assert result.returncode == 0 and result.stdout.strip()
