"""``bdigest-data validate`` and ``coverage`` as a contributor and CI run them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import run_cli
from helpers import edit_rows, set_cell

import bdigest_data
from bdigest_data.release.stamp import stamp

FINDING_KEYS = ["code", "message", "table", "row", "line", "field", "value"]


def test_the_installed_package_is_valid() -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VALID: no findings" in result.stdout


def test_invalid_package_exits_1_with_findings_grouped_by_table(package_copy: Path) -> None:
    set_cell(package_copy, "trade", 3, "value", "12x")
    set_cell(package_copy, "visits", 2, "status", "cancelled")
    stamp(package_copy)
    result = run_cli("validate", "-p", str(package_copy), "--checks", "structure,integrity")
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "trade (data/trade.csv): 1 finding" in out
    assert 'row 3, line 4, field value [type-error] type is "number"' in out
    assert 'value "12x"' in out
    assert out.index("trade (data/trade.csv)") < out.index("visits (data/visits.csv)")
    assert "INVALID: 2 findings" in out


def test_json_output_is_stable_and_complete(package_copy: Path) -> None:
    set_cell(package_copy, "rankings", 2, "rank", "0")
    stamp(package_copy)
    result = run_cli("validate", "-p", str(package_copy / "datapackage.json"), "-f", "json",
                     "--skip", "provenance,semantics,coverage,dataset")
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    assert list(doc) == ["format", "valid", "descriptor", "checks", "tables", "summary",
                         "findings", "seconds"]
    assert doc["format"] == "bdigest-data-validate/1" and doc["valid"] is False
    assert doc["checks"] == ["structure", "integrity"]
    assert doc["summary"]["by_code"] == {"constraint-error": 1}
    (finding,) = doc["findings"]
    assert list(finding) == FINDING_KEYS
    assert finding | {"message": None} == {"code": "constraint-error", "message": None,
                                           "table": "rankings", "row": 2, "line": 3,
                                           "field": "rank", "value": "0"}


def test_python_api_reports_the_same_findings(package_copy: Path) -> None:
    set_cell(package_copy, "actors", 4, "actor_type", "planet")
    stamp(package_copy)
    cli = json.loads(run_cli("validate", "-p", str(package_copy), "-f", "json").stdout)["findings"]
    api = [f.to_dict() for f in bdigest_data.validate(package_copy)]
    assert cli == api and api


def test_usage_and_io_errors_exit_2(tmp_path: Path) -> None:
    missing = run_cli("validate", "--package", str(tmp_path / "nowhere"))
    assert missing.returncode == 2
    assert "no such package directory" in missing.stderr
    tmp_path.joinpath("folder").mkdir()
    folder = run_cli("validate", "--package", str(tmp_path / "folder"))
    assert folder.returncode == 2 and "no datapackage.json here" in folder.stderr
    bad_group = run_cli("validate", "--checks", "spelling")
    assert bad_group.returncode == 2 and "unknown check group" in bad_group.stderr
    bad_table = run_cli("validate", "--table", "nope")
    assert bad_table.returncode == 2 and "no table" in bad_table.stderr
    assert "Traceback" not in missing.stderr + bad_group.stderr + bad_table.stderr


def test_a_descriptor_that_is_not_json_is_a_finding(package_copy: Path) -> None:
    (package_copy / "datapackage.json").write_text('{"name": "x",\n "resources": [\n')
    result = run_cli("validate", "-p", str(package_copy))
    assert result.returncode == 1 and "[package-error]" in result.stdout
    assert "Traceback" not in result.stderr


def test_invalid_utf8_in_a_ragged_row_is_a_finding_not_noise(package_copy: Path) -> None:
    path = package_copy / "data" / "visits.csv"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b",", b"\xff,", 1) + b",extra"
    path.write_bytes(b"\n".join(lines))
    stamp(package_copy)
    result = run_cli("validate", "-p", str(package_copy), "--checks", "structure")
    assert result.returncode == 1  # no noise: stderr only names the package
    assert result.stderr == f"bdigest-data: package {package_copy} (--package)\n"
    assert "line 3 [encoding-error]" in result.stdout
    assert "row 2, line 3 [extra-cell]" in result.stdout


def test_validate_imports_neither_pandas_nor_frictionless() -> None:
    code = ("import sys; from bdigest_data.cli import main; rc = main(['validate']); "
            "print(rc, 'pandas' in sys.modules, 'frictionless' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.split()[-3:] == ["0", "False", "False"], result.stdout + result.stderr


def test_the_library_validates_a_broken_package_without_pandas(package_copy: Path) -> None:
    """pyarrow imports pandas the first time it is handed a Python value (0.2 s, 40 MB);
    every path of the checks, ragged and blank rows included, must avoid that."""
    edit_rows(package_copy, "visits", lambda rows: rows[2].pop())
    edit_rows(package_copy, "trade", lambda rows: rows[3].__setitem__(slice(None), [""] * len(
        rows[3])))
    set_cell(package_copy, "arms_exports", 4, "supplier", "blr")
    code = ("import sys; from bdigest_data.validation import validate; "
            f"r = validate({str(package_copy)!r}); "
            "print(len(r.findings) > 0, 'pandas' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.split()[-2:] == ["True", "False"], result.stdout + result.stderr

