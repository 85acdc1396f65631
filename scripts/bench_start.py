"""Benchmark the cold start (a benchmark, not a test): prints medians, ratios and imports.

Whole processes, as a notebook kernel or a script meets them: each variant is a fresh
``python -c`` process, the variants run in turn ``--runs`` times (so that a burst of load
on a shared machine falls on all of them alike), and the median wall time and CPU time
(user + system of the child) are printed with the ratio to the baseline of the same run:

- baseline: ``import pandas; pd.read_csv`` of the table's CSV file;
- ``import bdigest_data; load(TABLE)`` with a cold verdict cache (an empty
  ``BDIGEST_CACHE_DIR``: every check runs; target <= 1.8x the baseline) and a warm one
  (the entry a run before left: the checks are skipped; target <= 1.3x);
- ``load(TABLE, validate=False)``;
- with ``--validate``: ``bdigest-data validate`` with a cold and a warm cache against
  ``frictionless validate`` of the same package (targets <= 0.35x and <= 0.15x).

Then ``python -X importtime`` of the warm load and of the baseline (median self time of
each module over ``--runs`` processes): the time by top-level package, ours beside the
baseline's, and the modules that cost the most that the baseline does not import.

Children compile modules as an installation does (``PYTHONPYCACHEPREFIX`` in a temporary
directory, one untimed run first), whatever ``PYTHONDONTWRITEBYTECODE`` says.

Usage: python scripts/bench_start.py [--runs N] [--table NAME] [--package DIR] [--validate]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bdigest_data.metadata.descriptor import resources
from bdigest_data.metadata.paths import package_dir

BASELINE = "import pandas as pd; pd.read_csv({csv!r})"
LOAD = "import bdigest_data as bd; bd.load({table!r}, path={package!r}{extra})"
_IMPORTTIME = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall and CPU seconds of one child process, and its stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1: an invalid package, still a measurement
        raise RuntimeError(f"{' '.join(argv)}: {done.stderr.strip().splitlines()[-1:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stderr


def _environment(cache: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONDONTWRITEBYTECODE", "BDIGEST_NO_CACHE")}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "bdigest-bench-pycache")
    if cache is not None:
        env["BDIGEST_CACHE_DIR"] = str(cache)
    return env


def _variants(args: argparse.Namespace, package: Path, csv: Path, warm: Path
              ) -> dict[str, tuple[list[str], Path | None]]:
    """Label -> (command, verdict cache folder: ``None`` for an empty one each run)."""
    py = [sys.executable, "-c"]
    table, where = args.table, str(package)
    out = {
        "pandas: import; read_csv": (py + [BASELINE.format(csv=str(csv))], warm),
        "load, cold verdict cache": (py + [LOAD.format(table=table, package=where, extra="")],
                                     None),
        "load, warm verdict cache": (py + [LOAD.format(table=table, package=where, extra="")],
                                     warm),
        "load(validate=False)": (py + [LOAD.format(table=table, package=where,
                                                   extra=", validate=False")], warm),
    }
    if args.validate:
        cli = [sys.executable, "-m", "bdigest_data.cli", "validate", "--package", where]
        out["bdigest-data validate, cold cache"] = (cli, None)
        out["bdigest-data validate, warm cache"] = (cli, warm)
        frictionless = shutil.which("frictionless", path=str(Path(sys.executable).parent))
        if frictionless:
            out["frictionless validate"] = ([frictionless, "validate",
                                             str(package / "datapackage.json")], warm)
        else:
            print("frictionless validate: not measured (frictionless is not installed)")
    return out


def _times(variants: dict[str, tuple[list[str], Path | None]], runs: int
           ) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of each variant, the variants taken in turn."""
    samples: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for _ in range(runs + 1):  # the first round compiles and fills the warm cache: untimed
        for label, (argv, cache) in variants.items():
            with tempfile.TemporaryDirectory(prefix="bdigest-bench-cold-") as cold:
                wall, cpu, _ = _run(argv, _environment(cache or Path(cold)))
            samples[label].append((wall, cpu))
    return {label: (statistics.median(w for w, _ in s[1:]), statistics.median(c for _, c in s[1:]))
            for label, s in samples.items()}


def _imports(code: str, runs: int, cache: Path) -> dict[str, float]:
    """Module -> median self time (seconds) over ``runs`` processes of ``-X importtime``."""
    seen: dict[str, list[float]] = defaultdict(list)
    for _ in range(runs):
        _, _, err = _run([sys.executable, "-X", "importtime", "-c", code], _environment(cache))
        for m in _IMPORTTIME.finditer(err):
            seen[m.group(4)].append(int(m.group(1)) / 1e6)
    return {module: statistics.median(v) for module, v in seen.items()}


def _by_package(modules: dict[str, float]) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for module, seconds in modules.items():
        totals[module.split(".")[0]] += seconds
    return totals


def _print_imports(ours: dict[str, float], base: dict[str, float], top: int) -> None:
    print("\nimports (python -X importtime, median self time): warm load vs baseline")
    mine, theirs = _by_package(ours), _by_package(base)
    print(f"  total {sum(mine.values()) * 1e3:7.1f} ms vs {sum(theirs.values()) * 1e3:7.1f} ms")
    for name, seconds in sorted(mine.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {name:<28} {seconds * 1e3:7.1f} ms   "
              f"baseline {theirs.get(name, 0) * 1e3:7.1f} ms")
    extra = {m: s for m, s in ours.items() if m not in base}
    print(f"  modules the baseline does not import: {len(extra)}, "
          f"{sum(extra.values()) * 1e3:.1f} ms; the costliest:")
    for module, seconds in sorted(extra.items(), key=lambda kv: -kv[1])[:top]:
        print(f"    {module:<44} {seconds * 1e3:7.1f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="processes per variant")
    parser.add_argument("--table", default="visits")
    parser.add_argument("--package", type=Path, default=package_dir())
    parser.add_argument("--validate", action="store_true",
                        help="also bdigest-data validate (cold, warm) and frictionless")
    parser.add_argument("--top", type=int, default=10, help="packages and modules listed")
    args = parser.parse_args(argv)
    package = args.package.resolve()
    csv = package / resources(package)[args.table]["path"]
    load = os.getloadavg()
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cores, load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; Python {sys.version.split()[0]}; "
          f"median of {args.runs} processes each, taken in turn\n")
    with tempfile.TemporaryDirectory(prefix="bdigest-bench-warm-") as warm:
        times = _times(_variants(args, package, csv, Path(warm)), args.runs)
        base_wall, base_cpu = times["pandas: import; read_csv"]
        for label, (wall, cpu) in times.items():
            ratio = f"{wall / base_wall:5.2f}x pandas (CPU {cpu / base_cpu:5.2f}x)"
            if "frictionless" not in label and "validate," in label \
                    and "frictionless validate" in times:
                fw, fc = times["frictionless validate"]
                ratio = f"{wall / fw:5.2f}x frictionless (CPU {cpu / fc:5.2f}x)"
            print(f"{label:<36} {wall * 1e3:7.0f} ms (CPU {cpu * 1e3:5.0f} ms)   {ratio}")
        code = LOAD.format(table=args.table, package=str(package), extra="")
        _print_imports(_imports(code, args.runs, Path(warm)),
                       _imports(BASELINE.format(csv=str(csv)), args.runs, Path(warm)),
                       args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
