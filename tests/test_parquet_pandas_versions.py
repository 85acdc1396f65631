"""Parquet files round-trip across pandas major versions: files written here (pandas 3) read
back under pandas 2.2 as that pandas' ``load`` gives them, and files written under pandas
2.2 read back here. pandas 2.2 runs in a virtual environment of its own (pip, PyPI) that
holds pandas 2.2 and the project's declared runtime dependencies; it runs this checkout's
``src`` (``PYTHONPATH``), so the code under test is always the working tree's.

The environment is cached (``$BDIGEST_TEST_CACHE``, default ``~/.cache/bdigest-data-tests``),
keyed by the Python version, the pandas pin and the dependency list of ``pyproject.toml``:
a warm machine does not rebuild it, and a changed floor or Python gets a new one. A lock
makes concurrent runs build it once; a build that did not finish is never used."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

import bdigest_data as bd

ROOT = Path(__file__).resolve().parents[1]
OTHER = "pandas==2.2.*"

CHILD = """
import json, sys
from pathlib import Path
import pandas as pd
import bdigest_data as bd

assert pd.__version__.startswith("2.2."), pd.__version__
assert Path(bd.__file__).is_relative_to(sys.argv[3]), bd.__file__  # this checkout's code
written, out = Path(sys.argv[1]), Path(sys.argv[2])
for table in bd.tables():
    frame = bd.read_parquet(written / f"{table}.parquet")
    pd.testing.assert_frame_equal(frame, bd.load(table), check_exact=True)
bd.export("parquet", out)
plain = pd.read_parquet(out / "visits.parquet")
print(json.dumps({"pandas": pd.__version__, "tables": bd.tables(),
                  "plain": {c: [str(d), getattr(d, "storage", None)]
                            for c, d in plain.dtypes.items()}}))
"""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(int(pd.__version__.split(".")[0]) < 3,
                       reason="this run's pandas is 2.x: the other major version is 3"),
]


def _environment_dir() -> tuple[Path, list[str]]:
    """Where the pandas 2.2 environment for this Python, pin and dependency list lives, and
    that dependency list."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["dependencies"]
    key = json.dumps([sys.base_prefix, sys.version, OTHER, sorted(deps)])
    digest = hashlib.sha256(key.encode()).hexdigest()
    cache = os.environ.get("BDIGEST_TEST_CACHE") or Path.home() / ".cache" / "bdigest-data-tests"
    return Path(cache) / f"pandas2-{digest[:16]}", deps


@pytest.fixture(scope="module")
def pandas2() -> Path:
    """The Python of a (cached) venv with pandas 2.2 and the project's runtime dependencies."""
    venv, deps = _environment_dir()
    python, done_marker = venv / "bin" / "python", venv / "complete"
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another run building it: wait, then reuse
        if not done_marker.is_file():
            shutil.rmtree(venv, ignore_errors=True)  # a build that was cut off
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
            done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", OTHER, *deps],
                                  capture_output=True, text=True, timeout=1200)
            assert done.returncode == 0, done.stderr[-3000:]
            done_marker.write_text(OTHER + "\n", encoding="utf-8")
    return python


def test_files_written_on_one_major_version_read_back_on_the_other(pandas2, tmp_path):
    here = tmp_path / "pandas3"
    bd.export("parquet", here)
    there = tmp_path / "pandas2"
    src = ROOT / "src"
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([str(pandas2), "-c", CHILD, str(here), str(there), str(src)],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["pandas"].startswith("2.2.")
    assert report["tables"] == bd.tables()
    for table in bd.tables():
        frame = bd.read_parquet(there / f"{table}.parquet")
        pd.testing.assert_frame_equal(frame, bd.load(table), check_exact=True)
    # what plain pandas 2.2 makes of the file: dates as objects, text as python strings
    assert report["plain"]["start_date_earliest"] == ["object", None]
    assert report["plain"]["visit_id"] == ["string", "python"]
