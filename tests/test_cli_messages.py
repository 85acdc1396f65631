"""Messages speak CLI (#22): flags and commands a user types, not Python names; ``export -``
writes JSON to standard output and refuses the formats that are files; a missing output
folder is refused (exit 2), never created; ``--checks`` help wraps between words. Every
case is a real command (``bdigest_data.cli.main``)."""

from __future__ import annotations

import json
import sys

import pytest
from conftest import run_cli

from bdigest_data.exports import FORMATS
from bdigest_data.validation import GROUPS


def test_export_dash_writes_json_to_stdout(tmp_path):
    streamed = run_cli("export", "-f", "json", "-")
    assert streamed.returncode == 0, streamed.stderr
    assert run_cli("export", "-f", "json", str(tmp_path / "out.json")).returncode == 0
    assert json.loads(streamed.stdout) == json.loads((tmp_path / "out.json").read_text())
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("format", [f for f in FORMATS if f != "json"])
def test_export_dash_is_refused_for_the_formats_that_are_files(format, tmp_path):
    result = run_cli("export", "-f", format, "-", cwd=tmp_path)
    assert result.returncode == 2
    assert f"--format {format} cannot be written to standard output" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no file named '-'


@pytest.mark.parametrize("command", ["export", "site"])
@pytest.mark.parametrize("depth", [1, 3])
def test_a_missing_output_folder_is_refused_not_created(command, depth, tmp_path):
    folder = tmp_path.joinpath(*(f"missing{i}" for i in range(depth)))
    out = folder / ("out.json" if command == "export" else "site")
    args = ["-f", "json"] if command == "export" else []
    result = run_cli(command, *args, str(out))
    assert result.returncode == 2
    assert f"the output folder {folder} does not exist" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_existing_output_names_the_flag(tmp_path):
    out = tmp_path / "out.json"
    out.write_text("{}", encoding="utf-8")
    result = run_cli("export", "-f", "json", str(out))
    assert result.returncode == 2
    assert f"{out} already exist(s); add --force to overwrite" in result.stderr
    assert "force=True" not in result.stderr and "[Errno" not in result.stderr
    assert run_cli("export", "-f", "json", str(out), "--force").returncode == 0


def test_a_missing_extra_is_named_as_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "markdown_it", None)  # import markdown_it fails
    result = run_cli("site", str(tmp_path / "site"))
    assert result.returncode == 2, result.stderr
    assert "pip install 'bdigest-data[site]'" in result.stderr
    assert "in a checkout of the repository: pip install '.[site]'" in result.stderr
    assert "No module named" not in result.stderr


def test_a_missing_export_extra_says_how_to_install_it_from_a_checkout(monkeypatch, tmp_path):
    """Not on PyPI yet: the message names the extra as the checkout installs it too."""
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    result = run_cli("export", "-f", "xlsx", str(tmp_path / "out.xlsx"))
    assert result.returncode == 2, result.stderr
    assert ("the xlsx export needs openpyxl: pip install 'bdigest-data[xlsx]' (in a checkout "
            "of the repository: pip install '.[xlsx]')") in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_checks_help_wraps_between_words():
    text = run_cli("validate", "--help").stdout
    words = " ".join(text.split())  # the help as one line: a group cut by a wrap is split
    assert f"(default: all of {', '.join(GROUPS)})" in words
    helped = text[text.index("\n  --checks LIST"):text.index("\n  --skip LIST")].split()
    assert all({g, f"{g},", f"{g})"} & set(helped) for g in GROUPS), helped


# one format of each kind: a database file with a sidecar, a workbook, a JSON file and the
# annotations (files); parquet writes a folder
ONE_FILE = ["sqlite", "xlsx", "json", "annotations"]


@pytest.mark.parametrize("format", ONE_FILE)
@pytest.mark.parametrize("exists", [False, True], ids=["new", "existing-file"])
def test_a_file_format_out_ending_in_slash_is_refused(format, exists, tmp_path):
    """``out.json/`` names a folder: the export is one file, so nothing is written (Path
    would drop the slash and write ``out.json``), and the message says what to give."""
    out = tmp_path / f"out.{format}"
    if exists:
        out.write_text("keep", encoding="utf-8")
    result = run_cli("export", "-f", format, f"{out}/", "--force")
    assert result.returncode == 2, result.stderr
    assert (f"{out}/ ends in /, which names a folder, but the {format} export is one file: "
            f"give a file name (out.{format} without the /)") in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ([out.name] if exists else [])
    assert not exists or out.read_text(encoding="utf-8") == "keep"


@pytest.mark.parametrize(("command", "args"), [("export", ["-f", "json"]),
                                               ("export", ["-f", "parquet"]), ("site", [])])
@pytest.mark.parametrize("out", [".", "..", "/", "sub/..", "sub/.", ""])
def test_an_out_with_no_name_of_its_own_is_refused(command, args, out, tmp_path):
    (tmp_path / "sub").mkdir()
    result = run_cli(command, *args, out, "--force", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert f"{out} is no name of its own for the " in result.stderr, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["sub"]
    assert list((tmp_path / "sub").iterdir()) == []


def test_a_folder_out_ending_in_slash_is_written(tmp_path):
    """The legal case: parquet (and the site) write a folder, so ``bdigest/`` is its name."""
    result = run_cli("export", "-f", "parquet", f"{tmp_path / 'bdigest'}/")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "bdigest" / "visits.parquet").is_file()


def test_the_api_refuses_a_file_out_ending_in_slash(tmp_path):
    import bdigest_data

    with pytest.raises(ValueError, match="ends in /, which names a folder"):
        bdigest_data.export("json", f"{tmp_path / 'out.json'}/")
    assert list(tmp_path.iterdir()) == []


def test_a_site_out_that_is_a_file_is_refused_clearly(tmp_path):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    result = run_cli("site", f"{tmp_path / 'afile'}/")
    assert result.returncode == 2
    assert f"{tmp_path / 'afile'} exists and is not a directory" in result.stderr
