"""Every command finds its package the same way: ``--package``; else a ``datapackage.json``
in the current folder or a parent (as git, ruff and frictionless find theirs); else, for a
command that only reads, the installed copy. The first line on stderr says which. Broken,
hostile and legal inputs for that lookup and for the two commands that show it, ``tables``
and ``where``: a missing package, a broken descriptor, a hostile package in a parent folder
(resource paths with ``..``, a descriptor that is a symlink out)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from helpers import set_cell

from bdigest_data.cli import COMMANDS

DESCRIPTOR = "datapackage.json"


def first_line(result) -> str:
    return result.stderr.splitlines()[0]


def broken(package: Path) -> Path:
    """``package`` with a rank that is not a number."""
    set_cell(package, "rankings", 1, "rank", "12x")
    return package


# every command that names a package, run with no flags but what it needs, from inside a
# broken checkout (one folder down): what each then does with that checkout
INSIDE = {
    "validate": ([], 1),
    "coverage": ([], 0),
    "cite": ([], 0),
    "export": (["--format", "json", "{tmp}/out.json"], 1),
    "site": (["{tmp}/site"], 1),
    "locate": (["Belarus"], 0),
    "tables": ([], 0),
    "where": ([], 0),
    "stamp": ([], 0),
    "add-article": (["{tmp}/missing.md", "--id", "x", "--published", "2020", "--note", "n"], 1),
}


def test_every_command_that_takes_a_package_is_run_from_inside_a_checkout():
    assert set(INSIDE) == set(COMMANDS) - {"diff"}  # diff compares the two it is given


@pytest.mark.parametrize("command", sorted(INSIDE))
def test_each_command_uses_the_checkout_it_is_run_in(package_copy, tmp_path, command):
    broken(package_copy)
    extra, status = INSIDE[command]
    result = run_cli(command, *(a.format(tmp=tmp_path) for a in extra),
                     cwd=package_copy / "data")
    assert first_line(result) == (f"bdigest-data: package {package_copy / DESCRIPTOR} "
                                  "(found in a parent of the current folder)"), result.stderr
    assert result.returncode == status, result.stdout + result.stderr


def test_validate_with_no_flags_in_a_broken_checkout_reports_it_invalid(package_copy):
    broken(package_copy)
    result = run_cli("validate", cwd=package_copy)
    assert first_line(result) == (f"bdigest-data: package {package_copy / DESCRIPTOR} "
                                  "(found in the current folder)")
    assert result.returncode == 1
    assert "rankings (data/rankings.csv)" in result.stdout and "12x" in result.stdout
    assert "INVALID" in result.stdout


def test_package_wins_over_the_current_folder(package_copy, tmp_path):
    broken(package_copy)
    result = run_cli("validate", "--package", str(ROOT), "--checks", "structure",
                     cwd=package_copy)
    assert first_line(result) == f"bdigest-data: package {ROOT} (--package)"
    assert result.returncode == 0, result.stdout


def test_outside_any_package_a_reading_command_uses_the_installed_copy(tmp_path):
    from bdigest_data.metadata.paths import package_dir

    result = run_cli("where", cwd=tmp_path)
    installed = package_dir() / DESCRIPTOR
    assert first_line(result) == (f"bdigest-data: package {installed} (the installed copy; "
                                  f"no {DESCRIPTOR} in the current folder or a parent)")
    assert result.returncode == 0 and result.stdout == f"{installed}\n"


def test_outside_any_package_a_writing_command_writes_nothing_and_names_package(tmp_path):
    from bdigest_data.metadata.paths import package_dir

    before = (package_dir() / DESCRIPTOR).read_bytes()
    result = run_cli("stamp", cwd=tmp_path)
    assert result.returncode == 2
    assert "give --package" in result.stderr and "never written to" in result.stderr
    assert (package_dir() / DESCRIPTOR).read_bytes() == before
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("command", ["tables", "where"])
def test_a_missing_package_is_an_io_error(tmp_path, command):
    result = run_cli(command, "--package", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert first_line(result) == f"bdigest-data: package {tmp_path / 'nope'} (--package)"
    assert f"{tmp_path / 'nope'}: no such package" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", "\ud800".encode("utf-8", "surrogatepass")
                                  .decode("latin-1")])
@pytest.mark.parametrize("command", ["tables", "where", "validate"])
def test_a_broken_descriptor_in_the_current_folder_is_invalid(tmp_path, text, command):
    (tmp_path / DESCRIPTOR).write_text(text, encoding="latin-1")
    result = run_cli(command, cwd=tmp_path)
    assert first_line(result).endswith("(found in the current folder)")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal-error" not in result.stdout


def hostile_parent(tmp_path: Path) -> tuple[Path, Path]:
    """A package folder whose descriptor names ``../secret.csv`` and a schema outside it,
    with a folder inside it to run commands from."""
    (tmp_path / "secret.csv").write_text("name\nTOP-SECRET\n", encoding="utf-8")
    parent = tmp_path / "parent"
    (parent / "child").mkdir(parents=True)
    (parent / DESCRIPTOR).write_text(json.dumps({
        "name": "hostile", "resources": [
            {"name": "secret", "path": "../secret.csv", "schema": {"fields": [
                {"name": "name", "type": "string"}]}},
        ]}), encoding="utf-8")
    return parent, parent / "child"


@pytest.mark.parametrize("command", ["tables", "validate"])
def test_a_hostile_package_in_a_parent_folder_is_found_and_never_read_outside(
        tmp_path, command):
    parent, child = hostile_parent(tmp_path)
    result = run_cli(command, cwd=child)
    assert first_line(result) == (f"bdigest-data: package {parent / DESCRIPTOR} "
                                  "(found in a parent of the current folder)")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "contains '..'" in result.stdout + result.stderr
    assert "TOP-SECRET" not in result.stdout + result.stderr


def test_where_names_a_hostile_parent_without_reading_its_resources(tmp_path):
    parent, child = hostile_parent(tmp_path)
    result = run_cli("where", cwd=child)
    assert result.returncode == 0 and result.stdout == f"{parent / DESCRIPTOR}\n"


@pytest.mark.parametrize("command", ["tables", "where"])
def test_a_descriptor_that_is_a_symlink_out_of_the_package_is_refused(tmp_path, command):
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps({"name": "elsewhere", "resources": []}), encoding="utf-8")
    here = tmp_path / "here"
    here.mkdir()
    (here / DESCRIPTOR).symlink_to(outside)
    result = run_cli(command, cwd=here)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "outside the package directory" in result.stderr


def test_tables_lists_every_table_with_its_rows_and_grain():
    import bdigest_data as bd
    from bdigest_data import metadata

    result = run_cli("tables", "--package", str(ROOT))
    assert result.returncode == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    assert header.split() == ["table", "rows", "grain"]
    frames = bd.load_all()
    model = metadata.package(ROOT)
    assert [line.split()[0] for line in lines] == list(frames)
    for line, (name, frame) in zip(lines, frames.items(), strict=True):
        assert line.split(maxsplit=2)[1:] == [str(len(frame)), model.schema(name).grain] \
            if model.schema(name).grain else line.split()[1:] == [str(len(frame))]
    listed = json.loads(run_cli("tables", "-f", "json", "--package", str(ROOT)).stdout)
    assert {t["table"]: t["rows"] for t in listed} == {n: len(f) for n, f in frames.items()}


def test_where_docs_is_the_package_own_else_the_installed_copy(package_copy):
    own = run_cli("where", "--docs", "--package", str(ROOT))
    assert own.stdout == f"{ROOT / 'docs'}\n"
    assert (ROOT / "docs" / "codebook.md").is_file()
    # the copy has no docs/: the installed copy's (here the checkout's)
    from bdigest_data.metadata.paths import package_dir

    fallback = run_cli("where", "--docs", cwd=package_copy)
    assert fallback.returncode == 0
    assert fallback.stdout == f"{package_dir() / 'docs'}\n"


def test_a_reader_that_goes_away_ends_the_command_quietly():
    """``bdigest-data tables | head -1``: the pipe is closed before the command writes;
    the command ends quietly with the exit status of what it did (0), as every command
    does (tests/hostile/test_cli.py: a closed pipe keeps validate's verdict)."""
    child = subprocess.Popen([sys.executable, "-m", "bdigest_data.cli", "tables"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    child.stdout.close()  # the reader is gone before the first line is written
    stderr = child.stderr.read().decode("utf-8")
    assert child.wait(timeout=120) == 0
    assert stderr.startswith("bdigest-data: package ")
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
