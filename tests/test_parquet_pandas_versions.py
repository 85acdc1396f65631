"""Parquet files round-trip across pandas major versions: files written here (pandas 3) read
back under pandas 2.2 as that pandas' ``load`` gives them, and files written under pandas
2.2 read back here. pandas 2.2 runs in a throwaway virtual environment with this project
installed from the checkout (pip, PyPI)."""

from __future__ import annotations

import json
import subprocess
import sys
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


@pytest.fixture(scope="module")
def pandas2(tmp_path_factory) -> Path:
    """The Python of a fresh venv with pandas 2.2 and this checkout installed."""
    venv = tmp_path_factory.mktemp("pandas2") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", OTHER, str(ROOT)],
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    return python


def test_files_written_on_one_major_version_read_back_on_the_other(pandas2, tmp_path):
    here = tmp_path / "pandas3"
    bd.export("parquet", here)
    there = tmp_path / "pandas2"
    done = subprocess.run([str(pandas2), "-c", CHILD, str(here), str(there)],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
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
