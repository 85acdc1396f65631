"""Integrity (sizes, hashes, versions) and safety (paths, sizes) on broken package copies."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import set_cell

from bdigest_data.metadata import files as safety
from bdigest_data.release.stamp import stamp, write_descriptor
from bdigest_data.validation.runner import validate

ROOT = Path(__file__).resolve().parents[1]


def descriptor(pkg: Path) -> dict:
    return json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))


def resource(desc: dict, name: str) -> dict:
    return next(r for r in desc["resources"] if r["name"] == name)


def codes(pkg: Path, checks: list[str] | None = None) -> set[tuple[str, str | None]]:
    return {(f.code, f.table) for f in validate(pkg, checks=checks or ["structure",
                                                                       "integrity"])}


def test_an_edited_csv_without_a_new_stamp_is_caught(package_copy: Path) -> None:
    set_cell(package_copy, "trade", 2, "note", "edited by hand")
    assert codes(package_copy) == {("hash-count", "trade"), ("byte-count", "trade")}
    stamp(package_copy)
    assert codes(package_copy) == set()


def test_same_size_tampering_is_caught_by_the_hash(package_copy: Path) -> None:
    path = package_copy / "data" / "actors.csv"
    path.write_bytes(path.read_bytes().replace(b"Armenia", b"Armenja"))
    assert codes(package_copy) == {("hash-count", "actors")}


def test_the_seed_file_is_hashed_too(package_copy: Path) -> None:
    seed = next((package_copy / "seeds").iterdir())
    seed.write_bytes(seed.read_bytes() + b" ")
    assert ("hash-count", "seeds") in codes(package_copy, ["integrity"])


def test_stated_hash_and_bytes_are_named(package_copy: Path) -> None:
    desc = descriptor(package_copy)
    resource(desc, "visits")["hash"] = "sha256:" + "0" * 64
    write_descriptor(package_copy / "datapackage.json", desc)
    (f,) = validate(package_copy, checks=["integrity"]).findings
    assert f.code == "hash-count" and "0" * 64 in f.message and f.value.startswith("sha256:")


@pytest.mark.parametrize("where", ["CITATION.cff", "pyproject.toml"])
def test_versions_must_agree(package_copy: Path, where: str) -> None:
    for name in ("CITATION.cff", "pyproject.toml"):
        shutil.copy2(ROOT / name, package_copy / name)
    assert codes(package_copy, ["integrity"]) == set()
    path = package_copy / where
    version = descriptor(package_copy)["version"]
    if where == "CITATION.cff":
        path.write_text(path.read_text().replace(f"\nversion: {version}\n", "\nversion: 9.9.9\n"))
    else:
        path.write_text(path.read_text().replace('path = "datapackage.json"',
                                                 'path = "src/other.json"'))
    (f,) = validate(package_copy, checks=["integrity"]).findings
    assert f.code == "version-mismatch" and where in f.message


def test_a_static_project_version_is_compared(package_copy: Path) -> None:
    (package_copy / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0.0.1"\n')
    (f,) = validate(package_copy, checks=["integrity"]).findings
    assert f.code == "version-mismatch" and "'0.0.1'" in f.message


@pytest.mark.parametrize(("path", "code"), [
    ("/etc/passwd", "unsafe-path"),
    ("../outside.csv", "unsafe-path"),
    ("data/../../outside.csv", "unsafe-path"),
    ("https://example.org/trade.csv", "unsafe-path"),
    ("C:\\data\\trade.csv", "unsafe-path"),
    ("data/missing.csv", "file-error"),
])
def test_resource_paths_must_stay_inside_the_package(package_copy: Path, path, code) -> None:
    (package_copy.parent / "outside.csv").write_text("trade_id\n")
    desc = descriptor(package_copy)
    resource(desc, "trade")["path"] = path
    write_descriptor(package_copy / "datapackage.json", desc)
    findings = validate(package_copy).findings
    assert [(f.code, f.table, f.value) for f in findings if f.table == "trade"] == [
        (code, "trade", path)]


def test_a_symlink_out_of_the_package_is_refused(package_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.csv"
    shutil.copy2(package_copy / "data" / "rankings.csv", outside)
    (package_copy / "data" / "rankings.csv").unlink()
    (package_copy / "data" / "rankings.csv").symlink_to(outside)
    (f,) = [f for f in validate(package_copy).findings if f.table == "rankings"]
    assert f.code == "unsafe-path" and "outside" in f.message


def test_a_schema_path_is_checked_like_a_data_path(package_copy: Path) -> None:
    desc = descriptor(package_copy)
    resource(desc, "actors")["schema"] = "../schemas/actors.json"
    write_descriptor(package_copy / "datapackage.json", desc)
    assert ("unsafe-path", "actors") in codes(package_copy)


def test_files_over_the_size_limit_are_refused(package_copy: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    limit = 20_000
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", limit)
    big = {r["name"] for r in descriptor(package_copy)["resources"]
           if (package_copy / r["path"]).stat().st_size > limit}
    assert "seeds" in big
    findings = validate(package_copy, checks=["structure"]).findings
    assert {(f.code, f.table) for f in findings} == {("file-too-large", t) for t in big}


def test_a_seed_path_in_a_cell_cannot_leave_the_package(package_copy: Path) -> None:
    from bdigest_data import metadata
    from bdigest_data.validation.context import PackageData

    files = metadata.files_of(package_copy)
    pkg = PackageData(files, metadata.package(files))
    with pytest.raises(OSError, match="not a resource"):
        pkg.text("../pkg/seeds/x.txt")
    with pytest.raises(OSError, match="'..'"):
        files.read_text("../pkg/seeds/x.txt")
