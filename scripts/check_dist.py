"""Build the sdist and the wheel and check them as a user gets them.

    python scripts/check_dist.py                  # build into dist/ (isolated build) and check
    python scripts/check_dist.py --no-isolation   # build with this environment's hatchling
    python scripts/check_dist.py --online         # the venv gets dependencies from the index
    python scripts/check_dist.py --tag v1.2.0     # and the version must be the tag's

The release workflow (.github/workflows/release.yml) runs it before it publishes, and the
test suite runs it (tests/test_wheel.py), so CI builds and checks what a release publishes:

1. ``python -m build``: the sdist, then the wheel built from the unpacked sdist (so the
   sdist is shown to build the wheel);
2. ``twine check --strict`` of both (metadata, and the README as PyPI renders it);
3. contents: the sdist holds the package, ``croissant.json``, the codebook and the
   reliability report and no ``tests/`` (the suite tests the repository, not the sdist);
   the wheel holds every file the descriptor lists, ``croissant.json`` and both documents
   under ``bdigest_data/_package/`` (``package_files``);
4. a fresh virtual environment installs the wheel and, from outside any checkout, loads and
   validates every table, ``bdigest-data validate`` there exits 0 (valid) and
   ``bdigest-data where --docs`` names the wheel's codebook and reliability report. Offline by
   default: the environment gets the dependencies from this interpreter's site-packages
   through a ``.pth`` file (after its own, so the wheel's ``bdigest_data`` is the one
   imported); ``--online`` installs the wheel with its dependencies from the index instead.

Exit status 0 when every check passes, 1 naming the first that failed, 2 when a build or
an install cannot run.
"""

from __future__ import annotations

import argparse
import json
import site
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ("docs/codebook.md", "docs/reliability.md")
# beside the descriptor in the sdist and the wheel: the Croissant metadata written from it
METADATA = ("datapackage.json", "croissant.json")
SHIPPED = "bdigest_data/_package"

# runs in the fresh environment, from a directory outside the checkout
SMOKE = """
import json
import bdigest_data as bd
frames = bd.load_all()
print(json.dumps({"module": bd.__file__, "version": bd.__version__,
                  "valid": bd.validate().valid,
                  "rows": {name: len(frame) for name, frame in frames.items()}}))
"""


class DistError(Exception):
    """A distribution that is not what a user should get."""


class ToolError(Exception):
    """A build or an install that could not run (exit 2)."""


def run(*cmd: str | Path, cwd: Path | None = None) -> str:
    """Run ``cmd``; its stdout, or ``ToolError`` with its output when it fails."""
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, cwd=cwd,
                          timeout=600)
    if done.returncode:
        raise ToolError(f"{' '.join(map(str, cmd))} exited {done.returncode}:\n"
                        f"{done.stdout}{done.stderr}")
    return done.stdout


def build(root: Path, outdir: Path, *, isolation: bool) -> tuple[Path, Path]:
    """The sdist and the wheel built from it, in ``outdir``."""
    flags = [] if isolation else ["--no-isolation"]
    run(sys.executable, "-m", "build", *flags, "--outdir", outdir, root)
    sdists, wheels = sorted(outdir.glob("*.tar.gz")), sorted(outdir.glob("*.whl"))
    if len(sdists) != 1 or len(wheels) != 1:
        raise DistError(f"{outdir}: expected one sdist and one wheel, found "
                        f"{[p.name for p in (*sdists, *wheels)]}")
    return sdists[0], wheels[0]


def twine_check(*files: Path) -> None:
    try:
        run(sys.executable, "-m", "twine", "check", "--strict", *files)
    except ToolError as exc:
        raise DistError(f"twine check failed: {exc}") from None


def sdist_members(sdist: Path) -> set[str]:
    """The sdist's files, without its top folder (``bdigest_data-1.1.0/``)."""
    with tarfile.open(sdist) as tf:
        return {m.name.split("/", 1)[1] for m in tf.getmembers() if m.isfile() and "/" in m.name}


def wheel_members(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as zf:
        return {name for name in zf.namelist() if not name.endswith("/")}


def package_files(root: Path) -> list[str]:
    """What the wheel ships under ``SHIPPED``: the metadata, CITATION.cff, the documents,
    and every file and schema the descriptor lists."""
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    return [*METADATA, "CITATION.cff", *DOCS,
            *(r["path"] for r in descriptor["resources"]),
            *(r["schema"] for r in descriptor["resources"] if isinstance(r.get("schema"), str))]


def check_contents(root: Path, sdist: Path, wheel: Path) -> None:
    """The metadata and documents in both, the package's files in the wheel, no test suite
    in the sdist."""
    in_sdist, in_wheel = sdist_members(sdist), wheel_members(wheel)
    if tests := sorted(m for m in in_sdist if m.startswith("tests/")):
        raise DistError(f"{sdist.name} ships tests/ ({tests[0]} …): the suite tests the "
                        "repository and cannot run from the sdist")
    package = package_files(root)
    if missing := [m for m in [*METADATA, *DOCS] if m not in in_sdist]:
        raise DistError(f"{sdist.name} lacks {', '.join(missing)}")
    if missing := [m for m in package if f"{SHIPPED}/{m}" not in in_wheel]:
        raise DistError(f"{wheel.name} lacks {', '.join(f'{SHIPPED}/{m}' for m in missing)}")


def fresh_venv(wheel: Path, venv: Path, *, online: bool) -> Path:
    """A new virtual environment with ``wheel`` installed; its Python."""
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    if online:
        run(sys.executable, "-m", "venv", venv)
        run(python, "-m", "pip", "install", "--quiet", wheel)
        return python
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
        "--quiet", wheel)
    purelib = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
                   .strip())
    (purelib / "_outer_site_packages.pth").write_text("\n".join(site.getsitepackages()) + "\n",
                                                      encoding="utf-8")
    return python


def smoke(python: Path, version: str, workdir: Path) -> dict[str, object]:
    """Load, validate and ``bdigest-data validate`` with the wheel's own files."""
    result = json.loads(run(python, "-I", "-c", SMOKE, cwd=workdir))
    venv = python.parent.parent.resolve()
    if not Path(result["module"]).resolve().is_relative_to(venv):
        raise DistError(f"the fresh environment imported {result['module']}, not the wheel")
    if result["version"] != version or not result["valid"] or not all(result["rows"].values()):
        raise DistError(f"the installed wheel gives {result}, expected version {version}, "
                        "valid, every table with rows")
    command = python.with_name("bdigest-data.exe" if sys.platform == "win32" else "bdigest-data")
    run(command, "validate", cwd=workdir)
    docs = Path(run(command, "where", "--docs", cwd=workdir).strip())
    if not docs.resolve().is_relative_to(venv) or \
            not all((docs / Path(doc).name).is_file() for doc in DOCS):
        raise DistError(f"bdigest-data where --docs gives {docs}, not the wheel's documents")
    return result


def check(root: Path, outdir: Path, venv: Path, workdir: Path, *, isolation: bool,
          online: bool, tag: str | None) -> list[str]:
    """Every check in order (the smoke test runs in ``workdir``, outside any package);
    the lines to print."""
    sdist, wheel = build(root, outdir, isolation=isolation)
    twine_check(sdist, wheel)
    check_contents(root, sdist, wheel)
    version = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["version"]
    if tag is not None and tag != f"v{version}":
        raise DistError(f"tag {tag} is not the package version v{version}")
    result = smoke(fresh_venv(wheel, venv, online=online), version, workdir)
    return [f"built {sdist.name} and {wheel.name} (the wheel from the sdist)",
            "twine check --strict: passed",
            f"contents: {', '.join((*METADATA, *DOCS))} in both, every package file in "
            "the wheel, "
            "no tests/ in the sdist",
            f"fresh venv ({'online' if online else 'offline'}): version {result['version']}, "
            f"{len(result['rows'])} tables loaded and valid, bdigest-data validate exits 0, "
            "where --docs names the wheel's documents"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="project to build")
    parser.add_argument("--outdir", type=Path, help="where the sdist and wheel go "
                        "(default ROOT/dist; must hold no other distribution)")
    parser.add_argument("--venv", type=Path,
                        help="the fresh environment to create (default: a temporary one)")
    parser.add_argument("--no-isolation", action="store_true",
                        help="build with this environment's hatchling (no download)")
    parser.add_argument("--online", action="store_true",
                        help="install the wheel's dependencies from the index")
    parser.add_argument("--tag", help="the release tag; the version must be its (v1.2.0)")
    args = parser.parse_args(argv)
    outdir = args.outdir or args.root / "dist"
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bdigest-check-dist-") as tmp:
        try:
            lines = check(args.root.resolve(), outdir, args.venv or Path(tmp) / "venv",
                          Path(tmp), isolation=not args.no_isolation, online=args.online,
                          tag=args.tag)
        except DistError as exc:
            print(f"check_dist: {exc}", file=sys.stderr)
            return 1
        except ToolError as exc:
            print(f"check_dist: {exc}", file=sys.stderr)
            return 2
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
