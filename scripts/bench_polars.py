"""Benchmark the polars backend (a benchmark, not a test): prints medians and ratios.

- ``import bdigest_data`` in a fresh process imports neither pandas nor polars (checked,
  and its time printed against ``import polars``);
- warm ``load_all(backend="polars")`` (the package already known valid in the process,
  files unchanged: what a second call costs) against bare ``pl.read_csv`` of the same CSV
  files in the same process (target: at most 1.5x), on the installed package and on a
  copy whose tables repeat their rows ``--scale`` times (``validate=False``: its keys
  repeat). Calls alternate, ``--repeat``
  of each, and the median of each is reported.

Usage: python scripts/bench_polars.py [--repeat N] [--scale N] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_api import _scaled_copy

from bdigest_data.metadata.descriptor import resources
from bdigest_data.metadata.paths import package_dir

IMPORT = """
import json, sys, time
t = time.perf_counter()
import {module}
s = time.perf_counter() - t
print(json.dumps({{"s": s, "pandas": "pandas" in sys.modules, "polars": "polars" in sys.modules}}))
"""


def _import(module: str, runs: int) -> tuple[float, bool, bool]:
    """Median import time of ``module`` in fresh processes, and whether it brought pandas /
    polars."""
    samples = []
    for _ in range(runs + 1):  # the first run compiles
        done = subprocess.run([sys.executable, "-c", IMPORT.format(module=module)],
                              capture_output=True, text=True, check=True)
        samples.append(json.loads(done.stdout))
    samples = samples[1:]
    return (statistics.median(s["s"] for s in samples), any(s["pandas"] for s in samples),
            any(s["polars"] for s in samples))


def _median(call: Callable[[], object], others: list[Callable[[], object]], repeat: int
            ) -> list[float]:
    """Median seconds of ``call`` and each of ``others``, timed in alternation."""
    calls = [call, *others]
    times: list[list[float]] = [[] for _ in calls]
    for _ in range(repeat):
        for i, fn in enumerate(calls):
            t = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - t)
    return [statistics.median(t) for t in times]


def _reads(package: Path, repeat: int, label: str, validate: bool) -> None:
    import polars as pl

    import bdigest_data as bd

    files = [package / r["path"] for r in resources(package).values()]
    # validates once (the copy with repeated rows has duplicate keys: not validated)
    frames = bd.load_all(path=package, backend="polars", validate=validate)
    rows = sum(f.height for f in frames.values())
    cols = sum(f.width for f in frames.values())
    base, ours = _median(lambda: {f.stem: pl.read_csv(f) for f in files},
                         [lambda: bd.load_all(path=package, backend="polars",
                                              validate=validate)], repeat)
    print(f"{label}: {len(files)} tables, {rows} rows, {cols} typed columns")
    print(f"  pl.read_csv of the same files      {base * 1e3:8.2f} ms")
    print(f"  load_all(backend='polars'), warm   {ours * 1e3:8.2f} ms   "
          f"{ours / base:.2f}x read_csv (target <= 1.5x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=101, help="timed calls of each")
    parser.add_argument("--scale", type=int, default=200, help="row repetition of the copy")
    parser.add_argument("--runs", type=int, default=9, help="processes per import timing")
    args = parser.parse_args()
    print(f"medians; Python {sys.version.split()[0]}\n")
    ours, pandas, polars = _import("bdigest_data", args.runs)
    pl_import = _import("polars", args.runs)[0]
    print(f"import bdigest_data                  {ours * 1e3:8.2f} ms   imports pandas: "
          f"{pandas}, polars: {polars} (target: neither)")
    print(f"import polars                        {pl_import * 1e3:8.2f} ms\n")
    _reads(package_dir(), args.repeat, "package", validate=True)
    with tempfile.TemporaryDirectory() as tmp:
        _reads(_scaled_copy(args.scale, Path(tmp)), max(args.repeat // 10, 5),
               f"rows x{args.scale} (validate=False)", validate=False)


if __name__ == "__main__":
    main()
