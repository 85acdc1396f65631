"""Hostile input at the croissant.json door: what ``stamp`` writes and the validator reads
beside the descriptor (a link out of the package, a folder, bytes that are not JSON, a
hostile descriptor) and the legal package without one. Each test states the promise it
tests."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT, run_cli

from bdigest_data import metadata
from bdigest_data.metadata.discovery import CROISSANT_FILE, croissant


def findings(pkg: Path) -> list[tuple[str, str | None]]:
    doc = json.loads(run_cli("validate", "--package", str(pkg), "-f", "json").stdout)
    return [(f["code"], f["value"]) for f in doc["findings"]]


def test_a_link_out_of_the_package_is_reported_and_replaced_never_followed(
        package_copy: Path, tmp_path: Path) -> None:
    """A croissant.json that links to a file outside the package is a finding (never read),
    and stamp replaces the link with the package's own file, leaving the target as it was."""
    outside = tmp_path / "outside.json"
    outside.write_text('{"keep": "me"}', encoding="utf-8")
    (package_copy / CROISSANT_FILE).symlink_to(outside)
    assert [c for c, _ in findings(package_copy)] == ["stale-croissant"]
    assert run_cli("stamp", "--package", str(package_copy)).returncode == 0
    assert outside.read_text(encoding="utf-8") == '{"keep": "me"}'
    written = package_copy / CROISSANT_FILE
    assert not written.is_symlink()
    assert json.loads(written.read_text(encoding="utf-8")) == croissant(
        metadata.package(package_copy))
    assert findings(package_copy) == []


def test_bytes_that_are_not_json_and_a_folder_are_findings(package_copy: Path) -> None:
    """Bytes that are not UTF-8 JSON, JSON of another shape, and a folder in its place are
    each a ``stale-croissant`` finding, never an internal error; stamp refuses to write over
    the folder (exit 2, its reason on stderr)."""
    path = package_copy / CROISSANT_FILE
    for content in (b"\xff\xfe{not json", b"[1, 2]", b'{"version": "0.0.1"}'):
        path.write_bytes(content)
        assert [c for c, _ in findings(package_copy)] == ["stale-croissant"], content
    path.unlink()
    path.mkdir()
    assert [c for c, _ in findings(package_copy)] == ["stale-croissant"]
    result = run_cli("stamp", "--package", str(package_copy))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "croissant.json" in result.stderr


def test_hostile_descriptor_text_stays_data_and_a_script_licence_is_no_address(
        package_copy: Path) -> None:
    """A descriptor whose title and description carry markup and a ``javascript:`` licence
    path: croissant.json holds the text as JSON strings, and the licence by its name."""
    desc_path = package_copy / "datapackage.json"
    desc = json.loads(desc_path.read_text(encoding="utf-8"))
    desc["title"] = "</script><script>alert(1)</script> \u2028 \"quoted\""
    desc["licenses"][0]["path"] = "javascript:alert(1)"
    desc_path.write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    (package_copy / CROISSANT_FILE).write_text("{}", encoding="utf-8")
    assert run_cli("stamp", "--package", str(package_copy)).returncode == 0
    doc = json.loads((package_copy / CROISSANT_FILE).read_text(encoding="utf-8"))
    assert doc["name"] == desc["title"]
    assert doc["license"] == "CC-BY-4.0"
    assert findings(package_copy) == []


def test_a_package_without_one_is_legal_and_stamp_adds_none(package_copy: Path) -> None:
    """Legal: a package without croissant.json validates and stamp does not create one (the
    release routine writes it); the real package's own file is current."""
    assert findings(package_copy) == []
    assert run_cli("stamp", "--package", str(package_copy)).returncode == 0
    assert not (package_copy / CROISSANT_FILE).exists()
    assert findings(ROOT) == []
