"""``scripts/release.py`` end to end on a temp copy of the repository.

diff -> bump check -> versions, CITATION.cff, CHANGELOG -> archive, sdist, wheel ->
SHA256SUMS -> a second build gives the same bytes -> a later release is checked against
the first one's archive.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_cli, run_script

from bdigest_data.metadata.descriptor import fact_tables

pytestmark = pytest.mark.slow

REPO_PARTS = ("pyproject.toml", "README.md", "LICENSE", "CITATION.cff", ".zenodo.json",
              "croissant.json", "CHANGELOG.md", "datapackage.json", "data", "schemas", "seeds",
              "src", "scripts", "docs")
DATE = "2026-11-28"


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """The files of the repository that a release reads or builds from, in a temp dir."""
    def ignore(directory: str, names: list[str]) -> list[str]:
        top = Path(directory) == ROOT
        return [n for n in names if n == "__pycache__" or (top and n not in REPO_PARTS)]

    return Path(shutil.copytree(ROOT, tmp_path / "repo", ignore=ignore))


def release(repo: Path, version: str, *extra: str, in_process: bool = True
            ) -> subprocess.CompletedProcess[str]:
    """``scripts/release.py VERSION`` on ``repo``: its ``main`` in this process, or with
    ``in_process=False`` the script started as a subprocess."""
    args = [version, "--root", str(repo), "--date", DATE, "--no-isolation", *extra]
    script = repo / "scripts" / "release.py"
    if in_process:
        return run_script(script, *args)
    return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True,
                          timeout=300)


def dist_bytes(repo: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((repo / "dist").iterdir())}


def drop_unused_enum_value(repo: Path) -> tuple[str, str]:
    """Remove from some fact table's schema an enum value that no row uses."""
    for table in fact_tables():
        path = repo / "schemas" / f"{table}.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        with (repo / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for field in schema["fields"]:
            used = {row[field["name"]] for row in rows}
            unused = [v for v in field.get("constraints", {}).get("enum", []) if v not in used]
            if unused:
                field["constraints"]["enum"].remove(unused[0])
                path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
                return field["name"], unused[0]
    raise AssertionError("every enum value is used: pick another stricter change")


def test_release_routine_end_to_end(repo_copy, tmp_path):
    done = release(repo_copy, "0.1.0", in_process=False)  # the script as a command, once
    assert done.returncode == 0, done.stderr
    built = dist_bytes(repo_copy)
    assert sorted(built) == ["SHA256SUMS", "bdigest-data-0.1.0.zip",
                             "bdigest_data-0.1.0-py3-none-any.whl", "bdigest_data-0.1.0.tar.gz"]
    sums = dict(reversed(line.split("  ")) for line in built["SHA256SUMS"].decode().splitlines())
    assert sums == {n: hashlib.sha256(b).hexdigest() for n, b in built.items() if n != "SHA256SUMS"}

    desc = json.loads((repo_copy / "datapackage.json").read_text(encoding="utf-8"))
    assert (desc["version"], desc["created"]) == ("0.1.0", f"{DATE}T00:00:00Z")
    cff = yaml.safe_load((repo_copy / "CITATION.cff").read_text(encoding="utf-8"))
    assert (cff["version"], cff["date-released"]) == ("0.1.0", DATE)
    assert json.loads((repo_copy / ".zenodo.json").read_text())["publication_date"] == DATE
    croissant = json.loads((repo_copy / "croissant.json").read_text(encoding="utf-8"))
    assert (croissant["version"], croissant["datePublished"]) == ("0.1.0", DATE)
    assert f"## [0.1.0] - {DATE}" in (repo_copy / "CHANGELOG.md").read_text(encoding="utf-8")
    with zipfile.ZipFile(repo_copy / "dist" / "bdigest-data-0.1.0.zip") as zf:
        names = set(zf.namelist())
        cff_bytes = zf.read("bdigest-data-0.1.0/CITATION.cff")
    assert cff_bytes == (repo_copy / "CITATION.cff").read_bytes()
    assert {f"bdigest-data-0.1.0/{p}" for p in ("datapackage.json", "README.md", "LICENSE",
                                                "CHANGELOG.md", "croissant.json",
                                                "data/visits.csv")} <= names
    with zipfile.ZipFile(repo_copy / "dist" / "bdigest_data-0.1.0-py3-none-any.whl") as zf:
        assert "bdigest_data/_package/CITATION.cff" in zf.namelist()

    # reproducible: the same commit built again gives the same bytes, every file
    assert release(repo_copy, "0.1.0").returncode == 0
    assert dist_bytes(repo_copy) == built

    # next release: an enum value no row uses is dropped (the data stays valid), which is a
    # stricter constraint and needs a major bump; 0.2.0 is refused and writes nothing
    previous = tmp_path / "bdigest-data-0.1.0.zip"
    shutil.copy(repo_copy / "dist" / previous.name, previous)
    name, dropped = drop_unused_enum_value(repo_copy)
    refused = release(repo_copy, "0.2.0", "--previous", str(previous))
    assert refused.returncode == 1
    assert "0.2.0 is a minor release after 0.1.0, but the changes require a major bump" in (
        refused.stderr)
    assert f'field `{name}`: `enum` removed "{dropped}"' in refused.stderr
    assert json.loads((repo_copy / "datapackage.json").read_text())["version"] == "0.1.0"

    accepted = release(repo_copy, "1.0.0", "--previous", str(previous))
    assert accepted.returncode == 0, accepted.stderr
    changelog = (repo_copy / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## [1.0.0]") < changelog.index("## [0.1.0]")
    assert f'field `{name}`: `enum` removed "{dropped}" (major).' in changelog
    diff = run_cli("diff", str(previous), str(repo_copy / "dist" / "bdigest-data-1.0.0.zip"))
    assert diff.returncode == 0, diff.stderr
    assert "0.1.0 -> 1.0.0" in diff.stdout and f'removed "{dropped}"' in diff.stdout
