"""``bdigest-data export`` through the real command: writing, refusing, forcing, failing."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import run_cli

from bdigest_data.exports import FORMATS, outputs
from bdigest_data.release.stamp import stamp


def test_writes_the_files_it_lists(tmp_path):
    out = tmp_path / "bdigest.db"
    result = run_cli("export", "--format", "sqlite", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(p) for p in outputs("sqlite", out)]
    with sqlite3.connect(out) as con:
        assert con.execute("SELECT count(*) FROM sources").fetchone()[0] > 0
    assert not list(tmp_path.glob(".bdigest-export-*"))  # the staging directory is gone


@pytest.mark.parametrize("format", FORMATS)
def test_refuses_to_overwrite_without_force(tmp_path, format):
    out = tmp_path / f"out.{format}"
    existing = outputs(format, out)[-1]
    existing.parent.mkdir(parents=True, exist_ok=True)
    existing.write_text("keep me", encoding="utf-8")

    result = run_cli("export", "--format", format, str(out))
    assert result.returncode == 2  # an I/O error (#22: the same codes for every command)
    assert "already exist" in result.stderr and "--force" in result.stderr
    assert existing.read_text(encoding="utf-8") == "keep me"

    forced = run_cli("export", "--format", format, str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert existing.read_bytes() != b"keep me"


def test_invalid_package_exports_nothing(package_copy, tmp_path):
    path = package_copy / "data" / "trade.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + lines[1].replace(",reported,", ",rumoured,", 1) + "".join(lines[2:]),
                    encoding="utf-8")
    assert path.read_text(encoding="utf-8") != "".join(lines)
    stamp(package_copy)  # hashes match: the bad enum value is what fails
    out = tmp_path / "out.json"
    result = run_cli("export", "--format", "json", str(out), "--package", str(package_copy))
    assert result.returncode == 1
    assert "nothing written" in result.stderr
    assert "table trade" in result.stderr and "field certainty" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert not list(tmp_path.glob(".bdigest-export-*"))


def test_unknown_format_is_a_usage_error(tmp_path):
    result = run_cli("export", "--format", "csv", str(tmp_path / "x"))
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
