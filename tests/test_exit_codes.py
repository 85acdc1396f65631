"""The same exit codes for every command (#22): 0 ok, 1 invalid, 2 usage or I/O error.

Every command of ``bdigest_data.cli.COMMANDS`` is run for real (``main``) on a copy of
the real package: as intended (0), with an option it does not have (2), on a package
path that does not exist (2), and, for the commands that check the package, on a copy
with one broken cell (1). An unknown table or row is a usage error (2) wherever a
command takes one. A test fails when a command is added without its cases here."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from helpers import rows, set_cell

from bdigest_data.cli import COMMANDS

ARTICLE = "# A new article\n\nBelarus and its neighbours met in 2020.\n"
QUOTE = rows(ROOT, "visits")[0]["quote"]


def _ok(command: str, pkg: Path, tmp: Path) -> list[str]:
    """Arguments of ``command`` that do what it is for, on the package ``pkg``."""
    (tmp / "article.md").write_text(ARTICLE, encoding="utf-8")
    return {
        "validate": ["--checks", "structure"],
        "coverage": [],
        "diff": [str(pkg), str(pkg)],
        "cite": [],
        "stamp": [],
        "export": ["-f", "json", str(tmp / "out.json")],
        "site": None,  # built by tests/test_site.py; its other cases are here
        "add-article": ["--id", "new-article", "--published", "2020-01", "--note", "test",
                        str(tmp / "article.md")],
        "locate": [QUOTE],
        "tables": [],
        "where": [],
    }[command]


def _with_package(command: str, args: list[str], pkg: str) -> list[str]:
    """``args`` of ``command`` reading the package at ``pkg`` (diff takes OLD NEW)."""
    return [command, pkg, pkg] if command == "diff" else [command, *args, "--package", pkg]


def test_every_command_has_its_cases():
    assert set(COMMANDS) == {"validate", "coverage", "diff", "cite", "stamp", "export", "site",
                             "add-article", "locate", "tables", "where"}


@pytest.mark.parametrize("command", COMMANDS)
def test_ok_exits_0(command, package_copy, tmp_path):
    args = _ok(command, package_copy, tmp_path)
    if args is None:
        pytest.skip("the site is built in tests/test_site.py")
    result = run_cli(*_with_package(command, args, str(package_copy)))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_option_exits_2(command, package_copy, tmp_path):
    result = run_cli(command, "--no-such-option")
    assert result.returncode == 2, result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_package_exits_2(command, tmp_path):
    args = _ok(command, tmp_path, tmp_path) or [str(tmp_path / "site")]
    result = run_cli(*_with_package(command, args, str(tmp_path / "no-such-package")))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "[Errno" not in result.stderr


@pytest.mark.parametrize("command", ["validate", "export", "site"])
def test_an_invalid_package_exits_1(command, package_copy, tmp_path):
    set_cell(package_copy, "trade", 3, "value", "1bn")
    args = {"validate": [], "export": ["-f", "json", str(tmp_path / "out.json")],
            "site": [str(tmp_path / "site")]}[command]
    result = run_cli(command, *args, "--package", str(package_copy))
    assert result.returncode == 1, result.stderr
    assert "type-error" in result.stdout + result.stderr
    assert not (tmp_path / "out.json").exists() and not (tmp_path / "site").exists()


@pytest.mark.parametrize("args", [["validate", "--table", "nope"],
                                  ["cite", "--row", "nope", "x"],
                                  ["cite", "--row", "visits", "no-such-row"],
                                  ["locate", "x", "--source", "no-such-article"]],
                         ids=lambda a: " ".join(a[:2]))
def test_an_unknown_table_row_or_article_exits_2(args, package_copy):
    result = run_cli(*args, "--package", str(package_copy))
    assert result.returncode == 2, result.stderr
    assert "nope" in result.stderr or "no-such" in result.stderr
