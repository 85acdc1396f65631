"""The distributions as a release publishes them (``scripts/check_dist.py``, which the
release workflow runs before publishing): the sdist builds the wheel, twine passes both,
the documents ship in both and the test suite in neither, and the wheel, installed in a
fresh venv, loads every table from its own files there.

The new venv gets the dependencies without downloading anything: a ``.pth`` file appends
this interpreter's site-packages to its ``sys.path`` (after its own, so the wheel's
``bdigest_data`` is the one imported; a plain path line does not run the editable hook).
"""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import run_script

ROOT = Path(__file__).resolve().parents[1]
CHECK_DIST = ROOT / "scripts" / "check_dist.py"
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
TABLES = [r["name"] for r in DESCRIPTOR["resources"] if r.get("schema")]

# runs inside the new venv, from a directory outside the checkout
SCRIPT = """
import json, sys, tempfile
from pathlib import Path
import bdigest_data as bd
from bdigest_data.metadata.paths import package_dir

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
    "croissant": json.loads((package_dir() / "croissant.json").read_text(encoding="utf-8")),
}))
"""


def _run(*cmd: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, cwd=cwd,
                          timeout=120)
    assert done.returncode == 0, f"{cmd}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def check_dist():
    """scripts/check_dist.py as a module (its checks on hand-made archives)."""
    spec = importlib.util.spec_from_file_location("_check_dist", CHECK_DIST)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.mark.slow
def test_the_distributions_pass_check_dist_and_the_wheel_loads_every_table(tmp_path):
    dist, venv = tmp_path / "dist", tmp_path / "venv"
    done = run_script(CHECK_DIST, "--outdir", str(dist), "--venv", str(venv), "--no-isolation")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"built {next(dist.glob('*.tar.gz')).name} and {next(dist.glob('*.whl')).name} "
        "(the wheel from the sdist)",
        "twine check --strict: passed",
        "contents: datapackage.json, croissant.json, docs/codebook.md, docs/reliability.md in "
        "both, every package file in the wheel, no tests/ in the sdist",
        f"fresh venv (offline): version {DESCRIPTOR['version']}, {len(TABLES)} tables loaded "
        "and valid, bdigest-data validate exits 0, where --docs names the wheel's documents"]
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = json.loads(_run(python, "-I", "-c", SCRIPT, cwd=elsewhere))
    venv_dir = venv.resolve()
    assert Path(result["prefix"]).resolve() == venv_dir
    assert Path(result["module"]).resolve().is_relative_to(venv_dir)
    assert Path(result["package_dir"]).resolve().is_relative_to(venv_dir)
    assert all(Path(s).resolve().is_relative_to(venv_dir) for s in result["sources"])
    assert result["version"] == DESCRIPTOR["version"]
    # the wheel's croissant.json is the repository's, beside the wheel's descriptor (and
    # bd.validate() in check_dist's smoke test found it current: no stale-croissant)
    assert result["croissant"] == json.loads((ROOT / "croissant.json").read_text(
        encoding="utf-8"))
    assert list(result["shapes"]) == TABLES
    for name in TABLES:
        with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8") as fh:
            rows = sum(1 for line in fh if line.strip()) - 1
        assert result["shapes"][name][0] == result["records"][name] == rows, name
    # the site builds from the wheel's own files, its assets shipped inside the wheel
    assert {"index.html", "assets/site.css", "assets/site.js", "charts.html"} <= set(
        result["site"])
    assert {f"tables/{name}.html" for name in TABLES} <= set(result["site"])


def _sdist(path: Path, names: list[str]) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name in names:
            info = tarfile.TarInfo(f"bdigest_data-9.9.9/{name}")
            info.size = 2
            tf.addfile(info, io.BytesIO(b"{}"))
    return path


def _wheel(path: Path, names: list[str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name in names:
            zf.writestr(name, "{}")
    return path


def test_check_dist_refuses_an_sdist_with_tests_and_a_wheel_without_the_documents(
        tmp_path, check_dist):
    package = check_dist.package_files(ROOT)
    assert {"datapackage.json", "croissant.json", "CITATION.cff", "docs/codebook.md",
            "schemas/actors.json", "data/actors.csv"} <= set(package)
    good_sdist = _sdist(tmp_path / "good.tar.gz", [*check_dist.METADATA, *check_dist.DOCS])
    good_wheel = _wheel(tmp_path / "good.whl", [f"bdigest_data/_package/{m}" for m in package])
    check_dist.check_contents(ROOT, good_sdist, good_wheel)  # the shape a release must have

    with_tests = _sdist(tmp_path / "tests.tar.gz",
                        ["datapackage.json", *check_dist.DOCS, "tests/test_api.py"])
    with pytest.raises(check_dist.DistError, match=r"ships tests/ \(tests/test_api.py"):
        check_dist.check_contents(ROOT, with_tests, good_wheel)
    no_docs = _sdist(tmp_path / "nodocs.tar.gz", ["datapackage.json"])
    with pytest.raises(check_dist.DistError,
                       match="lacks croissant.json, docs/codebook.md, docs/reliability"):
        check_dist.check_contents(ROOT, no_docs, good_wheel)
    no_croissant = _wheel(tmp_path / "nocroissant.whl", [
        f"bdigest_data/_package/{m}" for m in package if m != "croissant.json"])
    with pytest.raises(check_dist.DistError,
                       match="lacks bdigest_data/_package/croissant.json$"):
        check_dist.check_contents(ROOT, good_sdist, no_croissant)
    thin = _wheel(tmp_path / "thin.whl", [f"bdigest_data/_package/{m}" for m in package
                                          if m != "docs/codebook.md"])
    with pytest.raises(check_dist.DistError,
                       match="lacks bdigest_data/_package/docs/codebook.md$"):
        check_dist.check_contents(ROOT, good_sdist, thin)


def test_the_release_workflow_publishes_what_check_dist_checked_by_trusted_publishing():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml")
                              .read_text(encoding="utf-8"))
    on = workflow[True]  # YAML 1.1 reads the key "on" as true
    assert on == {"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}}  # not the moving major tag v1
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    runs = [step.get("run", "") for step in build["steps"]]
    assert any("twine" in r and "build" in r for r in runs if "pip install" in r)
    (check,) = [r for r in runs if "scripts/check_dist.py" in r]
    assert "--tag" in check and "--online" in check and "--outdir dist" in check
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    uses = [step.get("uses", "") for step in publish["steps"]]
    assert uses[-1] == "pypa/gh-action-pypi-publish@release/v1"
    assert not any("password" in step.get("with", {}) for step in publish["steps"])
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith(
        "actions/upload-artifact"))
    download = next(s for s in publish["steps"] if s.get("uses", "").startswith(
        "actions/download-artifact"))
    assert upload["with"]["name"] == download["with"]["name"]
    assert upload["with"]["path"] == download["with"]["path"] == "dist/"
