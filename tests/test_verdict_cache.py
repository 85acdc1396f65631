"""The verdict cache (#23): a clean report outlives the process, and is never trusted for
files, versions or a selection it was not made for. Every case works on a copy of the
real package in a temp dir and its own cache folder (``BDIGEST_CACHE_DIR``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import platformdirs
import pytest
from conftest import ROOT, run_cli
from helpers import csv_path

from bdigest_data import metadata
from bdigest_data.metadata import files_of
from bdigest_data.validation import verdicts

CACHED = "from the cache"
SEED = "seeds/000_bf67ec7b18639301.txt"


@pytest.fixture
def pkg(package_copy: Path) -> Path:
    """The package copy with the version files and croissant.json, which the checks also
    read."""
    for name in ("CITATION.cff", "pyproject.toml", "croissant.json"):
        shutil.copy2(ROOT / name, package_copy / name)
    return package_copy


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own (not there yet: made by the first entry)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("BDIGEST_CACHE_DIR", str(folder))
    monkeypatch.delenv("BDIGEST_NO_CACHE", raising=False)
    return folder


def validate(pkg: Path, *args: str) -> tuple[int, bool]:
    """The real command on ``pkg``: its exit status and whether its verdict came from the
    cache."""
    done = run_cli("validate", "--package", str(pkg), *args)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, CACHED in done.stdout


def entries(cache: Path) -> list[Path]:
    return sorted((cache / "verdicts").glob("*.json")) if (cache / "verdicts").is_dir() else []


def entry_path(pkg: Path) -> Path:
    """Where the entry of a whole-package run on ``pkg`` as it is now goes."""
    files = files_of(pkg)
    path = verdicts.Entry.of(files, verdicts.Checked.of(files)).path
    assert path is not None
    return path


def edit_in_place(path: Path) -> None:
    """Change one byte of ``path`` keeping its size and modification time (as ``cp -p``
    or ``rsync -t`` can): only its content says it changed."""
    st = path.stat()
    data = bytearray(path.read_bytes())
    i = max(i for i, b in enumerate(data) if chr(b).isalnum())
    data[i] = ord("x") if data[i] != ord("x") else ord("y")
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_a_clean_verdict_is_reused_and_no_cache_checks_again(pkg, cache):
    assert validate(pkg) == (0, False)
    assert len(entries(cache)) == 1
    assert validate(pkg) == (0, True)
    assert validate(pkg, "--no-cache") == (0, False)
    assert validate(pkg, "--format", "json")[1] is False  # JSON output keeps its shape
    report = json.loads(run_cli("validate", "--package", str(pkg), "-f", "json").stdout)
    assert report["valid"] and report["tables"]["trade"]["rows"] > 0


def test_no_cache_in_the_environment_reads_and_writes_nothing(pkg, cache, monkeypatch):
    monkeypatch.setenv("BDIGEST_NO_CACHE", "1")
    assert validate(pkg) == (0, False)
    assert validate(pkg) == (0, False)
    assert entries(cache) == []


@pytest.mark.parametrize("name", ["datapackage.json", "schemas/trade.json", "data/trade.csv",
                                  SEED, "CITATION.cff", "pyproject.toml", "croissant.json"])
def test_an_edit_of_any_file_the_checks_read_misses(pkg, cache, name):
    assert validate(pkg) == (0, False)
    assert validate(pkg) == (0, True)
    edit_in_place(pkg / name)
    assert validate(pkg)[1] is False


def test_a_faulty_edit_is_reported_not_the_cached_verdict(pkg, cache):
    assert validate(pkg) == (0, False)
    trade = csv_path(pkg, "trade")
    data = trade.read_bytes()
    st = trade.stat()
    trade.write_bytes(data.replace(b"$1bn", b"$2bn", 1))
    os.utime(trade, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert validate(pkg) == (1, False)
    assert len(entries(cache)) == 1  # a report with findings is not stored


def test_a_new_package_version_misses(pkg, cache):
    assert validate(pkg) == (0, False)
    version = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
    for name in ("datapackage.json", "CITATION.cff"):  # the version, consistently
        text = (pkg / name).read_text(encoding="utf-8")
        (pkg / name).write_text(text.replace(version, version + ".post1", 1), encoding="utf-8")
    assert validate(pkg)[1] is False


def test_a_new_library_version_or_code_misses(pkg, cache, monkeypatch):
    assert validate(pkg) == (0, False)
    real = verdicts.library()
    for changed in ({**real, "version": real["version"] + ".post1"},
                    {**real, "code": "0" * 64}):
        monkeypatch.setattr(verdicts, "library", lambda changed=changed: changed)
        assert validate(pkg) == (0, False)
        assert validate(pkg) == (0, True)
    monkeypatch.undo()
    assert validate(pkg, "--no-cache") == (0, False)


def test_the_command_and_the_loader_key_a_package_alike(pkg):
    """The command reads the descriptor as JSON (no model on a cached verdict), the loader
    its model: the same files in the same order, so one verdict serves both."""
    files = files_of(pkg)
    from_json = verdicts.Checked.of(files)
    assert from_json == verdicts.Checked.of(files, metadata.parse(files))
    assert {"datapackage.json", "schemas/trade.json", "data/trade.csv", SEED, "CITATION.cff",
            "pyproject.toml", "croissant.json"} <= set(from_json.listed)


def test_the_code_digest_changes_with_any_module(tmp_path):
    lib = tmp_path / "bdigest_data"
    shutil.copytree(Path(verdicts.__file__).parents[1], lib,
                    ignore=shutil.ignore_patterns("__pycache__", "_package"))
    before = verdicts.code_digest(lib)
    assert before == verdicts.library()["code"]
    edit_in_place(lib / "validation" / "checks" / "dataset" / "links.py")
    assert verdicts.code_digest(lib) != before


def test_a_different_check_selection_misses(pkg, cache):
    assert validate(pkg) == (0, False)
    assert validate(pkg, "--checks", "structure") == (0, False)
    assert validate(pkg, "--checks", "structure") == (0, True)
    assert validate(pkg, "--skip", "coverage") == (0, False)
    assert validate(pkg, "--table", "visits") == (0, False)
    assert validate(pkg, "--table", "visits") == (0, True)
    assert validate(pkg, "--table", "trade") == (0, False)
    assert len(entries(cache)) == 5
    assert validate(pkg) == (0, True)


@pytest.mark.parametrize("content", [b"", b"{not json", b"\xff\xfe", b"[]", b"null",
                                     b'{"key": null, "findings": [], "stats": {}}'],
                         ids=["empty", "truncated", "not-utf8", "a-list", "null", "no-key"])
def test_a_corrupt_entry_is_ignored_and_replaced(pkg, cache, content):
    assert validate(pkg) == (0, False)
    (entry,) = entries(cache)
    entry.write_bytes(content)
    assert validate(pkg) == (0, False)
    assert validate(pkg) == (0, True)


def test_a_foreign_entry_is_never_trusted(pkg, cache):
    """The clean entry of the valid package, put where the entry of the broken one goes
    (or with its findings emptied), does not make the broken package valid."""
    assert validate(pkg) == (0, False)
    (clean,) = entries(cache)
    stored = json.loads(clean.read_bytes())
    edit_in_place(csv_path(pkg, "trade"))  # its hash no longer matches the descriptor's
    broken = entry_path(pkg)
    assert broken != clean
    shutil.copy(clean, broken)
    assert validate(pkg) == (1, False)
    stored["key"]["package"]["content"] = "0" * 64  # the key of other content
    broken.write_text(json.dumps(stored), encoding="utf-8")
    assert validate(pkg) == (1, False)
    stored["key"] = json.loads(clean.read_bytes())["key"] | {"format": 0}
    broken.write_text(json.dumps(stored), encoding="utf-8")
    assert validate(pkg) == (1, False)


def test_an_entry_stored_with_findings_is_not_a_verdict(pkg, cache):
    assert validate(pkg) == (0, False)
    (entry,) = entries(cache)
    stored = json.loads(entry.read_bytes())
    stored["findings"] = [{"code": "hash-count", "message": "made up"}]
    entry.write_text(json.dumps(stored), encoding="utf-8")
    assert validate(pkg) == (0, False)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_an_entry_that_is_not_a_regular_file_is_ignored(pkg, cache):
    """A FIFO would block a reader, a directory cannot be read, a symlink may point
    anywhere: each is passed over, never waited on."""
    assert validate(pkg) == (0, False)
    (entry,) = entries(cache)
    entry.unlink()
    os.mkfifo(entry)
    assert validate(pkg) == (0, False)
    entry.unlink()
    entry.mkdir()
    assert validate(pkg) == (0, False)
    entry.rmdir()
    (cache / "elsewhere.json").write_bytes(b"{}")
    entry.symlink_to(cache / "elsewhere.json")
    assert validate(pkg) == (0, False)


def test_a_missing_cache_folder_is_made(pkg, tmp_path, monkeypatch):
    deep = tmp_path / "not" / "there" / "yet"
    monkeypatch.setenv("BDIGEST_CACHE_DIR", str(deep))
    assert validate(pkg) == (0, False)
    assert validate(pkg) == (0, True)
    assert len(entries(deep)) == 1


def test_a_cache_folder_that_cannot_be_made_only_means_no_cache(pkg, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("BDIGEST_CACHE_DIR", str(blocker / "cache"))
    assert validate(pkg) == (0, False)
    assert validate(pkg) == (0, False)
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_a_read_only_cache_folder_works(pkg, cache, monkeypatch):
    assert validate(pkg) == (0, False)
    folder = cache / "verdicts"
    for entry in entries(cache):
        entry.unlink()
    folder.chmod(0o555)
    try:
        if os.geteuid() == 0:  # root writes anyway: refuse the write as the kernel would
            def refused(*args, **kwargs):
                raise PermissionError(13, "Permission denied", str(folder))

            monkeypatch.setattr(tempfile, "mkstemp", refused)
        assert validate(pkg) == (0, False)
        assert validate(pkg) == (0, False)
        assert entries(cache) == []
    finally:
        folder.chmod(0o755)


def test_a_write_that_fails_halfway_leaves_no_entry_and_no_temporary_file(pkg, cache,
                                                                        monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    assert validate(pkg) == (0, False)
    assert list((cache / "verdicts").iterdir()) == []


def _load_in_a_new_process(pkg: Path) -> subprocess.CompletedProcess[str]:
    code = ("import sys, bdigest_data as bd\n"
            "try:\n"
            f"    bd.load('visits', path={str(pkg)!r})\n"
            "except bd.ValidationError as exc:\n"
            "    print('invalid', sorted({f.code for f in exc.findings}))\n"
            "print('checks ran' if 'bdigest_data.validation.runner' in sys.modules else "
            "'checks skipped')\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, env=os.environ.copy())


def test_load_in_a_new_process_reuses_the_verdict_and_sees_an_edit(pkg, cache):
    assert _load_in_a_new_process(pkg).stdout.splitlines() == ["checks ran"]
    assert len(entries(cache)) == 1
    assert _load_in_a_new_process(pkg).stdout.splitlines() == ["checks skipped"]
    # load(name) checks a selection (#22): its entry is not the whole package's
    assert validate(pkg) == (0, False)
    edit_in_place(csv_path(pkg, "visits"))
    done = _load_in_a_new_process(pkg)
    assert done.stdout.splitlines()[-1] == "checks ran" and "invalid" in done.stdout, done


def test_the_test_suite_does_not_use_the_users_cache():
    """tests/conftest.py points ``BDIGEST_CACHE_DIR`` at a temporary folder for the run."""
    chosen = verdicts.folder()
    assert chosen is not None
    users = Path(platformdirs.user_cache_dir(verdicts.APP, appauthor=False))
    assert not chosen.resolve().is_relative_to(users.resolve())
    assert Path(os.environ["BDIGEST_CACHE_DIR"]).resolve().is_relative_to(
        Path(tempfile.gettempdir()).resolve())
