"""Every command's errors come from one place and speak CLI (#22).

Each command is run for real (``bdigest_data.cli.main``) on packages that are broken in the
ways a user meets first: a path that does not exist, an empty folder, a folder named
``datapackage.json``, a descriptor that is not JSON, one that is JSON but no object, a
descriptor that is not UTF-8. Every message is one ``bdigest-data COMMAND: …`` line (or
lines) on stderr, with no Python exception text (a traceback, ``[Errno N]``, a
``Finding(...)`` repr, ``(char N)``, a codec's ``can't decode byte``), and the exit status
is the one the README states: 2 when there is no package at the path, 1 when the package
there breaks a rule. And the module test: only ``cliargs`` writes to stderr, so no
command formats its own errors.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from bdigest_data.cli import COMMANDS

# Python's words that a user should never see
PYTHON = re.compile(r"Traceback|\[Errno \d+\]|Finding\(|\(char \d+\)|can't decode byte|"
                    r"PosixPath\(|codec|Error:|Exception")

# the arguments of each command (diff takes OLD NEW instead of --package)
ARGS: dict[str, list[str]] = {
    "validate": [], "coverage": [], "locate": ["Belarus"], "tables": [], "where": [],
    "cite": [], "stamp": [], "export": ["-f", "json", "{tmp}/out.json"],
    "site": ["{tmp}/site"],
    "add-article": ["{tmp}/article.md", "--id", "x", "--published", "2020", "--note", "n"],
}


def broken(kind: str, tmp: Path) -> Path:
    """A path to a package broken as ``kind``."""
    where = tmp / kind
    if kind == "missing":
        return where
    where.mkdir()
    descriptor = where / "datapackage.json"
    if kind == "folder-descriptor":
        descriptor.mkdir()
    elif kind == "not-json":
        descriptor.write_text("{\n  resources: []\n}\n", encoding="utf-8")
    elif kind == "json-list":
        descriptor.write_text("[]\n", encoding="utf-8")
    elif kind == "not-utf8":
        descriptor.write_bytes(b'{"name": "\xff\xfe"}\n')
    return where


# kind -> exit status (2: no package at the path; 1: a package that breaks a rule), for the
# commands that read a package with the model; the release tooling (cite, stamp, diff)
# reads a descriptor that is no data package as no package at all (2, as the README says
# of diff)
KINDS = {"missing": 2, "empty": 2, "folder-descriptor": 2, "not-json": 1, "json-list": 1,
         "not-utf8": 1}
RELEASE_TOOLING = {"cite", "stamp", "diff"}


def call(command: str, pkg: Path, tmp: Path):
    (tmp / "article.md").write_text("# A\n\nBelarus met in 2020.\n", encoding="utf-8")
    if command == "diff":
        return run_cli("diff", str(ROOT), str(pkg))
    args = [a.format(tmp=tmp) for a in ARGS[command]]
    return run_cli(command, *args, "--package", str(pkg))


def test_every_command_is_here():
    assert set(ARGS) | {"diff"} == set(COMMANDS)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_broken_package_is_one_cli_message_and_the_stated_exit(command, kind, tmp_path):
    pkg = broken(kind, tmp_path)
    result = call(command, pkg, tmp_path)
    expected = 2 if command in RELEASE_TOOLING else KINDS[kind]
    if command in ("validate", "coverage") and expected == 1:
        # the report is the message: the finding is on stdout, the verdict is exit 1
        assert result.returncode == 1, result.stderr
        assert "package-error" in result.stdout and not PYTHON.search(result.stdout)
        return
    assert result.returncode == expected, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines()
             if not line.startswith("bdigest-data: package ")]
    assert lines and lines[0].startswith(f"bdigest-data {command}: "), result.stderr
    assert not PYTHON.search(result.stderr), result.stderr
    assert not (tmp_path / "out.json").exists() and not (tmp_path / "site").exists()


def test_not_json_says_where_in_words(tmp_path):
    pkg = broken("not-json", tmp_path)
    for command in ("tables", "where", "cite", "locate"):
        result = call(command, pkg, tmp_path)
        assert "not valid JSON" in result.stderr and "(line 2, column 3)" in result.stderr, \
            result.stderr


def test_not_utf8_names_the_byte(tmp_path):
    pkg = broken("not-utf8", tmp_path)
    result = call("tables", pkg, tmp_path)
    assert result.returncode == 1
    assert "not UTF-8 text (byte 0xff at byte offset 10)" in result.stderr, result.stderr


def test_a_finding_without_a_place_has_no_stray_colon(tmp_path):
    pkg = broken("json-list", tmp_path)
    result = call("export", pkg, tmp_path)
    assert '[package-error] datapackage.json must be an object' in result.stderr, \
        result.stderr


def test_only_cliargs_writes_to_stderr():
    """The one place: a command module that printed its own error would bypass ``say``."""
    src = ROOT / "src"
    modules = {src / (m.replace(".", "/") + ".py") for m in COMMANDS.values()}
    assert len(modules) == 6
    assert not [m.name for m in modules if "sys.stderr" in m.read_text(encoding="utf-8")]
