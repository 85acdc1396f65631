"""Benchmark ``bdigest-data site`` (a benchmark, not a test): build time and site size.

Each build runs as the real command in a fresh process (``--runs`` times, median reported),
so it includes interpreter start, imports, validation, charts and writing every page; wall
time and CPU time (user + system, less sensitive to a busy machine) are both printed;
modules are byte-compiled once first, as an installation does. The
baseline, timed the same way in the same run, is ``bdigest-data export --format json`` of
the same package: it validates and loads every table too, so the ratio shows what the site
adds. Targets (issue #12): build at most 2 s, site at most 5 MB.

Usage: python scripts/bench_site.py [--runs N] [--package DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUILD_LIMIT_S = 2.0
SIZE_LIMIT_MB = 5.0


def _command() -> list[str]:
    exe = shutil.which("bdigest-data", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "bdigest_data.cli"]


def _cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def _env(cache: Path) -> dict[str, str]:
    """Children byte-compile modules as an installation does, whatever
    ``PYTHONDONTWRITEBYTECODE`` says (else every run would time compiling this package)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def _timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one run of the command."""
    start, cpu = time.perf_counter(), _cpu()
    done = subprocess.run([*_command(), *args], capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr}")
    return elapsed, _cpu() - cpu


def _size(root: Path) -> tuple[int, int]:
    files = [p for p in root.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--package", help="package directory (default: the installed one)")
    args = parser.parse_args(argv)
    package = ["--package", args.package] if args.package else []
    with tempfile.TemporaryDirectory() as tmp:
        out, export = Path(tmp) / "site", Path(tmp) / "export.json"
        env = _env(Path(tmp) / "pycache")
        _timed(["site", str(out), *package], env)  # untimed: byte-compiles, warms caches
        site = [_timed(["site", str(out), "--force", *package], env) for _ in range(args.runs)]
        json_ = [_timed(["export", "--format", "json", str(export), "--force", *package], env)
                 for _ in range(args.runs)]
        size, files = _size(out)
        pages = len(list(out.rglob("*.html")))
        charts = len(list(out.glob("charts/*.svg")))
    build, base = (statistics.median(w for w, _ in site), statistics.median(w for w, _ in json_))
    cpu, base_cpu = (statistics.median(c for _, c in site), statistics.median(c for _, c in json_))
    mb = size / 1e6
    print(f"site build (median of {args.runs}): {build:.2f} s wall, {cpu:.2f} s CPU "
          f"[wall min {min(w for w, _ in site):.2f}]  limit {BUILD_LIMIT_S:.1f} s: "
          f"{'OK' if build <= BUILD_LIMIT_S else 'OVER'}")
    print(f"baseline export --format json:  {base:.2f} s wall, {base_cpu:.2f} s CPU  "
          f"ratio site/json {build / base:.2f}x wall, {cpu / base_cpu:.2f}x CPU")
    print(f"site size: {mb:.2f} MB in {files} files ({pages} pages, {charts} charts)  "
          f"limit {SIZE_LIMIT_MB:.0f} MB: {'OK' if mb <= SIZE_LIMIT_MB else 'OVER'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
