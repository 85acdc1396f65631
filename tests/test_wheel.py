"""The built wheel carries the data: install it into a fresh venv and load every table there.

The new venv gets the dependencies without downloading anything: a ``.pth`` file appends
this interpreter's site-packages to its ``sys.path`` (after its own, so the wheel's
``bdigest_data`` is the one imported; a plain path line does not run the editable hook).
"""

from __future__ import annotations

import json
import site
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# runs inside the new venv, from a directory outside the checkout
SCRIPT = """
import json, sys, tempfile
from pathlib import Path
import bdigest_data as bd
from bdigest_data._paths import package_dir

frames = bd.load_all()
records = {name: len(bd.records(name)) for name in bd.tables()}
site = bd.site(Path(tempfile.mkdtemp()) / "site")
print(json.dumps({
    "site": sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file()),
    "module": bd.__file__,
    "package_dir": str(package_dir()),
    "prefix": sys.prefix,
    "version": bd.__version__,
    "shapes": {name: list(df.shape) for name, df in frames.items()},
    "records": records,
    "sources": sorted({df.attrs["source"] for df in frames.values()}),
}))
"""


def _run(*cmd: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, cwd=cwd,
                          timeout=120)
    assert done.returncode == 0, f"{cmd}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_the_installed_wheel_loads_every_table_from_its_own_files(tmp_path):
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", dist, ROOT)
    (wheel,) = dist.glob("bdigest_data-*.whl")

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
         "--quiet", wheel)
    purelib = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
                   .strip())
    (purelib / "_outer_site_packages.pth").write_text("\n".join(site.getsitepackages()) + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = json.loads(_run(python, "-I", "-c", SCRIPT, cwd=elsewhere))

    venv_dir = venv.resolve()
    assert Path(result["prefix"]).resolve() == venv_dir
    assert Path(result["module"]).resolve().is_relative_to(venv_dir)
    assert Path(result["package_dir"]).resolve().is_relative_to(venv_dir)
    assert all(Path(s).resolve().is_relative_to(venv_dir) for s in result["sources"])
    expected = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert result["version"] == expected["version"]
    tables = [r["name"] for r in expected["resources"] if r.get("schema")]
    assert list(result["shapes"]) == tables
    for name in tables:
        with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8") as fh:
            rows = sum(1 for line in fh if line.strip()) - 1
        assert result["shapes"][name][0] == result["records"][name] == rows, name
    # the site builds from the wheel's own files, its assets shipped inside the wheel
    assert {"index.html", "assets/site.css", "assets/site.js", "charts.html"} <= set(
        result["site"])
    assert {f"tables/{name}.html" for name in tables} <= set(result["site"])
