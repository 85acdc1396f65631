"""Hostile input, release door: ``stamp``, ``diff`` (both sides) and the release routine
read package files only through the one reader (``metadata.files``).

Each test breaks a copy of the real package in a temp dir and states in its docstring the
promise it tests: a path that leaves the package, a FIFO, a device, a multipart path or a
descriptor that is no object is a clean refusal (exit 2, the file named), never a
traceback, never a hang, never a size or hash of a file outside the package.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, run_cli, run_script

from bdigest_data.metadata.files import PackageError, stamp_of
from bdigest_data.release.archive import build_archive
from bdigest_data.release.routine import prepare
from bdigest_data.release.stamp import stamp

SECRET = b"secret,outside\n1,2\n"


def edit_descriptor(pkg: Path, change: Callable[[dict], object]) -> None:
    path = pkg / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    change(desc)
    path.write_text(json.dumps(desc, indent=2), encoding="utf-8")


def resource(desc: dict, name: str) -> dict:
    return next(r for r in desc["resources"] if r["name"] == name)


def seed_name(pkg: Path) -> str:
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    return next(r["name"] for r in desc["resources"] if "schema" not in r)


def outside(tmp_path: Path) -> Path:
    """A file outside the package whose size and hash must never be read."""
    secret = tmp_path / "secret.csv"
    secret.write_bytes(SECRET)
    return secret


def secret_hash() -> str:
    return stamp_of(SECRET)[1].removeprefix("sha256:")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess with a short timeout: a FIFO must not block it."""
    return subprocess.run([sys.executable, "-m", "bdigest_data.cli", *args],
                          capture_output=True, text=True, timeout=60)


def point_at(pkg: Path, name: str, target: str) -> None:
    edit_descriptor(pkg, lambda d: resource(d, name).__setitem__("path", target))


def escapes(pkg: Path, tmp_path: Path) -> dict[str, Callable[[str], None]]:
    """Ways to make resource ``name``'s path leave the package, by name."""
    secret = outside(tmp_path)

    def symlink(name: str) -> None:
        desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
        path = pkg / resource(desc, name)["path"]
        path.unlink()
        path.symlink_to(secret)

    return {"..": lambda name: point_at(pkg, name, os.path.relpath(secret, pkg)),
            "absolute": lambda name: point_at(pkg, name, str(secret)),
            "symlink out": symlink}


@pytest.mark.parametrize("way", ["..", "absolute", "symlink out"])
def test_stamp_never_reads_outside_the_package(way, package_copy, tmp_path):
    """stamp refuses a resource path with '..', an absolute one and a symlink out of the
    package (exit 2, the resource named) and writes nothing: the outside file's size and
    hash never reach datapackage.json."""
    escapes(package_copy, tmp_path)[way]("actors")
    before = (package_copy / "datapackage.json").read_bytes()
    result = run_cli("stamp", "--package", str(package_copy))
    assert result.returncode == 2, result.stdout
    assert 'resource "actors"' in result.stderr and "Traceback" not in result.stderr
    assert (package_copy / "datapackage.json").read_bytes() == before
    assert secret_hash() not in before.decode()


@pytest.mark.parametrize("way", ["..", "absolute", "symlink out"])
@pytest.mark.parametrize("side", ["old", "new"])
def test_diff_never_prints_a_hash_of_a_file_outside(way, side, package_copy, tmp_path):
    """diff refuses, on either side, a seed or table path that leaves the package (exit 2)
    and never prints the size or hash of the outside file."""
    other = tmp_path / "other"
    shutil.copytree(package_copy, other)
    broken = package_copy if side == "old" else other
    ways = escapes(broken, tmp_path)
    ways[way](seed_name(broken))
    if way != "symlink out":
        ways[way]("actors")
    pair = (str(package_copy), str(other))
    result = run_cli("diff", *pair)
    assert result.returncode == 2, result.stdout
    assert "outside" in result.stderr or "absolute" in result.stderr or ".." in result.stderr
    assert secret_hash() not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def fifo(pkg: Path, name: str) -> None:
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    path = pkg / resource(desc, name)["path"]
    path.unlink()
    os.mkfifo(path)


def test_a_fifo_makes_stamp_and_diff_refuse_at_once(package_copy, tmp_path):
    """A FIFO where a resource's file should be (a table or the seed) is refused as not a
    regular file, promptly (each command under a 60 s timeout; before, both blocked
    forever), exit 2."""
    other = tmp_path / "other"
    shutil.copytree(package_copy, other)
    fifo(package_copy, "actors")
    fifo(other, seed_name(other))
    stamped = cli("stamp", "--package", str(package_copy))
    assert stamped.returncode == 2 and "is a FIFO, not a regular file" in stamped.stderr
    for pair in ((package_copy, ROOT), (ROOT, other)):
        result = cli("diff", *map(str, pair))
        assert result.returncode == 2, result.stdout
        assert "is a FIFO, not a regular file" in result.stderr
        assert "Traceback" not in result.stderr


def test_a_device_is_refused(package_copy, tmp_path):
    """A device (here /dev/zero, as an absolute path, through a symlink, and as a device
    node inside the package where the machine allows mknod) is never read: stamp and diff
    refuse it promptly, exit 2."""
    point_at(package_copy, "actors", "/dev/zero")
    assert cli("stamp", "--package", str(package_copy)).returncode == 2
    data = package_copy / "data" / "places.csv"
    data.unlink()
    data.symlink_to("/dev/zero")
    result = cli("diff", str(ROOT), str(package_copy))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    node = package_copy / "data" / "actors.csv"
    point_at(package_copy, "actors", "data/actors.csv")
    node.unlink()
    try:
        os.mknod(node, 0o666 | 0o020000, os.makedev(1, 5))  # character device, as /dev/zero
    except PermissionError:
        pytest.skip("this machine does not allow mknod")
    result = cli("stamp", "--package", str(package_copy))
    assert result.returncode == 2 and "is a character device" in result.stderr


@pytest.mark.parametrize(("descriptor", "says"), [
    ("[]", "is a JSON list, not an object"),
    ('"a string"', "is a JSON str, not an object"),
    ('{"resources": {}}', 'needs a "resources" list'),
    ('{"resources": [7]}', "/resources/0: a resource must be a JSON object"),
    ("{not json", "not valid JSON: Expecting property name"),
])
def test_stamp_and_diff_refuse_a_descriptor_that_is_no_package(descriptor, says,
                                                              package_copy):
    """A descriptor that is not a JSON object (or has no resources list) is a clear error,
    exit 2, no traceback, for stamp and for diff."""
    (package_copy / "datapackage.json").write_text(descriptor, encoding="utf-8")
    for args in (("stamp", "--package", str(package_copy)),
                 ("diff", str(ROOT), str(package_copy))):
        result = run_cli(*args)
        assert result.returncode == 2, (args, result.stdout)
        assert says in result.stderr and "Traceback" not in result.stderr


def test_stamp_refuses_a_multipart_path(package_copy):
    """A multipart path (a list of files) is refused by stamp and diff with a message
    naming the resource (exit 2), not a traceback; the descriptor is left as it was."""
    point_at(package_copy, "actors", ["data/actors.csv", "data/places.csv"])  # type: ignore[arg-type]
    before = (package_copy / "datapackage.json").read_bytes()
    for args in (("stamp", "--package", str(package_copy)),
                 ("diff", str(ROOT), str(package_copy))):
        result = run_cli(*args)
        assert result.returncode == 2
        assert 'resource "actors" has a multipart path' in result.stderr
        assert "Traceback" not in result.stderr
    assert (package_copy / "datapackage.json").read_bytes() == before


def test_a_reader_during_stamp_sees_the_old_or_the_new_descriptor(package_copy):
    """stamp replaces datapackage.json atomically: a reader at the same moment parses
    either the old or the new descriptor, never an empty or half-written file; no
    temporary file is left and the file keeps its permissions."""
    dp = package_copy / "datapackage.json"
    dp.chmod(0o640)
    seen: set[str] = set()
    errors: list[str] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                seen.add(resource(json.loads(dp.read_text(encoding="utf-8")), "actors")["hash"])
            except (ValueError, OSError) as exc:
                errors.append(repr(exc))

    csv = package_copy / "data" / "actors.csv"
    original = csv.read_bytes()
    hashes = {stamp_of(original)[1], stamp_of(original + b"\n")[1]}
    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(30):
            csv.write_bytes(original + b"\n" * (i % 2))
            stamp(package_copy)
    finally:
        done.set()
        reader.join()
    assert not errors, errors[:3]
    assert seen <= hashes | {resource(json.loads(dp.read_text()), "actors")["hash"]}
    assert sorted(p.name for p in package_copy.iterdir()) == [
        "data", "datapackage.json", "schemas", "seeds"]
    assert dp.stat().st_mode & 0o777 == 0o640


def test_the_release_routine_refuses_a_path_out_and_writes_nothing(package_copy, tmp_path):
    """The release routine stamps and archives through the reader: a resource path out of
    the package refuses the release (before any version is written), and a document
    symlinked out refuses the archive."""
    escapes(package_copy, tmp_path)[".."]("actors")
    before = (package_copy / "datapackage.json").read_bytes()
    with pytest.raises(PackageError, match="contains '..'"):
        prepare(package_copy, "9.0.0", "2026-12-01", None)
    assert (package_copy / "datapackage.json").read_bytes() == before
    point_at(package_copy, "actors", "data/actors.csv")
    (package_copy / "README.md").symlink_to(outside(tmp_path))
    with pytest.raises(PackageError, match="README.md"):
        build_archive(package_copy, tmp_path / "r.zip", "r", 0)
    assert not (tmp_path / "r.zip").exists()


def test_the_release_script_reports_a_refused_path(tmp_path, package_copy):
    """scripts/release.py on a package whose resource path leaves it: 'release refused'
    with the reason, exit 1, no traceback."""
    escapes(package_copy, tmp_path)["absolute"]("actors")
    result = run_script(ROOT / "scripts" / "release.py", "9.0.0", "--root", str(package_copy),
                        "--date", "2026-12-01", "--previous", str(package_copy))
    assert result.returncode == 1
    assert "release refused" in result.stderr and "is absolute" in result.stderr


def test_sha256_is_computed_in_one_module():
    """One module hashes files (metadata/files.py): no other module imports hashlib, so the
    reader's rules and the digest cache cannot be bypassed by a second hashing site."""
    src = ROOT / "src" / "bdigest_data"
    importers = []
    for path in src.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) else []
            if "hashlib" in names:
                importers.append(path.relative_to(src).as_posix())
    assert importers == ["metadata/files.py"]


def test_the_release_routine_never_reads_or_writes_through_a_symlink_out(package_copy,
                                                                        tmp_path):
    """The release routine reads CHANGELOG.md through the reader (a symlink out refuses
    the release before a version is written) and replaces CITATION.cff, .zenodo.json and
    CHANGELOG.md atomically, so a symlink there is replaced, never written through; cite
    --format cff refuses a CITATION.cff that points outside."""
    secret = outside(tmp_path)
    (package_copy / "CHANGELOG.md").symlink_to(secret)
    with pytest.raises(PackageError, match="CHANGELOG.md"):
        prepare(package_copy, "9.0.0", "2026-12-01", package_copy)
    assert json.loads((package_copy / "datapackage.json").read_text())["version"] != "9.0.0"
    (package_copy / "CHANGELOG.md").unlink()
    for name in ("CITATION.cff", ".zenodo.json"):
        (package_copy / name).symlink_to(secret)
    cited = run_cli("cite", "--format", "cff", "--package", str(package_copy))
    assert cited.returncode == 2 and "outside the package" in cited.stderr
    assert SECRET.decode() not in cited.stdout
    prepare(package_copy, "9.0.0", "2026-12-01", package_copy)
    assert secret.read_bytes() == SECRET
    for name in ("CITATION.cff", ".zenodo.json", "CHANGELOG.md"):
        assert (package_copy / name).is_file() and not (package_copy / name).is_symlink()


@pytest.mark.parametrize("schema", [
    {"fields": 5},
    {"fields": [1, "x"]},
    {"fields": [{"name": "actor_id", "constraints": 5}], "primaryKey": "actor_id"},
    {"fields": [{"name": "actor_id", "constraints": {"minimum": "3", "enum": 5}}],
     "primaryKey": "actor_id", "foreignKeys": 7},
    {"fields": [{"name": "actor_id", "constraints": {"enum": [{"a": 1}]}}],
     "primaryKey": ["actor_id"]},
], ids=["fields-not-a-list", "fields-not-objects", "constraints-not-an-object",
        "wrong-types-inside", "unhashable-enum"])
def test_diff_compares_a_malformed_schema_without_a_traceback(schema, package_copy):
    """diff reads an old or broken schema as written: a property of the wrong JSON type
    is compared as a whole, on either side (a verdict, exit 0 or 1), never a traceback."""
    (package_copy / "schemas" / "actors.json").write_text(json.dumps(schema), encoding="utf-8")
    for pair in ((ROOT, package_copy), (package_copy, ROOT)):
        result = run_cli("diff", *map(str, pair))
        assert result.returncode in (0, 1), result.stderr
        assert "table actors (changed" in result.stdout and "Traceback" not in result.stderr


def test_stamp_never_stamps_an_archive_or_the_package_beside_it(package_copy):
    """stamp --package names a package directory or its datapackage.json: an archive (or
    any other file) is refused with exit 2, and the package that sits beside it is left
    as it was (stamp used to rewrite the archive's folder)."""
    archive = build_archive(package_copy, package_copy / "release.zip", "r", 0)
    (package_copy / "data" / "actors.csv").write_text("actor_id\nedited\n", encoding="utf-8")
    before = (package_copy / "datapackage.json").read_bytes()
    for path in (archive, package_copy / "data" / "actors.csv"):
        result = run_cli("stamp", "--package", str(path))
        assert result.returncode == 2 and "an archive is never stamped" in result.stderr
    assert (package_copy / "datapackage.json").read_bytes() == before
    stamped = run_cli("stamp", "--package", str(package_copy / "datapackage.json"))
    assert stamped.returncode == 0 and (package_copy / "datapackage.json").read_bytes() != before
