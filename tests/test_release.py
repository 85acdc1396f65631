"""Version rules, the reproducible archive, CHANGELOG drafting and the previous release."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import run_cli

from bdigest_data.release.archive import archive_members, build_archive, write_checksums
from bdigest_data.release.changelog import END, START, update_changelog
from bdigest_data.release.diff import PackageDiff, diff_packages
from bdigest_data.release.routine import ReleaseRefused, check_bump, latest_tag, previous_release
from bdigest_data.release.schema_diff import Change
from bdigest_data.release.versioning import Bump, bump_between, parse_version


@pytest.mark.parametrize(("old", "new", "bump"), [
    ("0.1.0", "0.1.1", Bump.PATCH), ("0.1.9", "0.2.0", Bump.MINOR),
    ("0.9.3", "1.0.0", Bump.MAJOR), ("1.2.3", "1.10.0", Bump.MINOR),
])
def test_bump_between(old, new, bump):
    assert bump_between(old, new) == bump


@pytest.mark.parametrize("bad", ["1.0", "v1.0.0", "1.0.0-rc1", "01.0.0", ""])
def test_parse_version_rejects_non_semver(bad):
    with pytest.raises(ValueError, match="MAJOR.MINOR.PATCH"):
        parse_version(bad)


def needing(bump: Bump) -> PackageDiff:
    return PackageDiff("0.1.0", "?", [Change(bump, "sources", "something changed")])


def test_check_bump_refuses_a_smaller_bump_than_required():
    check_bump(needing(Bump.MINOR), "0.2.0")
    check_bump(needing(Bump.PATCH), "1.0.0")  # a larger bump is allowed
    with pytest.raises(ReleaseRefused, match="patch release after 0.1.0, but the changes "
                                             "require a minor bump"):
        check_bump(needing(Bump.MINOR), "0.1.1")
    with pytest.raises(ReleaseRefused, match="not greater than the previous release"):
        check_bump(needing(Bump.NONE), "0.1.0")
    check_bump(PackageDiff(None, "0.1.0"), "0.1.0")  # first release: nothing to compare


def test_archive_is_reproducible_and_normalised(package_copy, tmp_path):
    one = build_archive(package_copy, tmp_path / "a" / "r.zip", "bdigest-data-x", 1_700_000_000)
    two = build_archive(package_copy, tmp_path / "b" / "r.zip", "bdigest-data-x", 1_700_000_000)
    assert one.read_bytes() == two.read_bytes()
    later = build_archive(package_copy, tmp_path / "c" / "r.zip", "bdigest-data-x", 1_800_000_000)
    assert later.read_bytes() != one.read_bytes()  # the timestamp is really used
    with zipfile.ZipFile(one) as zf:
        infos = zf.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert names == [f"bdigest-data-x/{m}" for m in archive_members(package_copy)]
    assert {"bdigest-data-x/datapackage.json", "bdigest-data-x/data/sources.csv",
            "bdigest-data-x/schemas/sources.json"} <= set(names)
    assert any(n.startswith("bdigest-data-x/seeds/") for n in names)
    assert {(i.date_time, i.external_attr >> 16) for i in infos} == {
        ((2023, 11, 14, 22, 13, 20), 0o100644)}


def test_checksums_match_sha256sum_format(tmp_path):
    (tmp_path / "b.txt").write_bytes(b"b")
    (tmp_path / "a.txt").write_bytes(b"")
    sums = write_checksums([tmp_path / "b.txt", tmp_path / "a.txt"], tmp_path / "SUMS")
    assert sums.read_text().splitlines() == [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a.txt",
        "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d  b.txt",
    ]


def test_changelog_section_is_drafted_and_rewritten_in_place(package_copy):
    first = diff_packages(None, package_copy)
    text = update_changelog("", "0.1.0", "2026-11-28", first)
    assert "## [Unreleased]\n\n## [0.1.0] - 2026-11-28" in text
    assert "### Added" in text and "- Table `sources` (" in text
    noted = text.replace("## [Unreleased]", "## [Unreleased]\n\nA note written by hand.")
    again = update_changelog(noted, "0.1.0", "2026-11-29", first)
    assert again.count("## [0.1.0]") == 1 and again.count(START) == again.count(END) == 1
    assert "A note written by hand." in again.split("## [0.1.0] - 2026-11-29")[1]
    assert update_changelog(again, "0.1.0", "2026-11-29", first) == again


def git(cwd: Path, *args: str) -> str:
    cmd = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(cwd), *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def test_previous_release_is_the_newest_version_tag(package_copy):
    assert latest_tag(package_copy) is None  # no git at all: first release
    git(package_copy, "init", "-q")
    git(package_copy, "add", ".")
    git(package_copy, "commit", "-q", "-m", "one")
    for tag in ("v0.9.0", "v0.10.0", "other"):
        git(package_copy, "tag", tag)
    assert latest_tag(package_copy) == "v0.10.0"
    csv_path = package_copy / "data" / "sources.csv"
    original = csv_path.read_text(encoding="utf-8")
    csv_path.write_text(original.replace("Belarus Digest,", "Belarus  Digest,", 1))
    with previous_release(package_copy, None) as old:
        assert (old / "data" / "sources.csv").read_text(encoding="utf-8") == original
        assert diff_packages(old, package_copy).bump == Bump.PATCH


def test_stamp_command_refreshes_a_stale_hash(package_copy):
    csv_path = package_copy / "data" / "rankings.csv"
    csv_path.write_text(csv_path.read_text(encoding="utf-8").replace(
        "The article gives no edition.", "The article names no edition.", 1), encoding="utf-8")
    before = run_cli("validate", "--package", str(package_copy), "--checks", "integrity")
    assert before.returncode == 1 and "hash-count" in before.stdout
    stamped = run_cli("stamp", "--package", str(package_copy))
    assert stamped.returncode == 0, stamped.stderr
    after = run_cli("validate", "--package", str(package_copy), "--checks", "integrity")
    assert after.returncode == 0, after.stdout


def test_stamp_command_reports_a_missing_package(tmp_path):
    result = run_cli("stamp", "--package", str(tmp_path))
    assert result.returncode == 2
    assert "datapackage.json" in result.stderr
