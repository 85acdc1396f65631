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
    assert "No module named" not in result.stderr


def test_checks_help_wraps_between_words():
    text = run_cli("validate", "--help").stdout
    words = " ".join(text.split())  # the help as one line: a group cut by a wrap is split
    assert f"(default: all of {', '.join(GROUPS)})" in words
    helped = text[text.index("\n  --checks LIST"):text.index("\n  --skip LIST")].split()
    assert all({g, f"{g},", f"{g})"} & set(helped) for g in GROUPS), helped
