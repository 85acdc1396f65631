"""Benchmark the Python API (a benchmark, not a test): prints medians and ratios.

Each measurement runs in a fresh process (``--runs`` times, median reported; the calls'
CPU time beside their wall time, steadier on a shared machine):

- import time of ``bdigest_data`` against ``pandas`` (target: no more than +50 ms), and of
  ``bdigest_data`` plus what its first data call imports (``bd.load``: pandas, pyarrow);
- ``load_all(validate=False)`` against bare ``pd.read_csv`` of the same CSV files (target:
  at most 1.5x), each after ``import pandas``: the first call (cold: it includes the lazy
  imports pandas does not bring) and a second call in the same process (warm);
- ``load_all()`` with validation (the default): cold, it checks the whole package first
  (every table read a second time, the seed text, provenance and coverage); warm, the
  package is already known valid (same file contents) and it costs what the read does;
- the same reads on a copy of the package whose tables repeat their rows ``--scale``
  times (the per-row cost, once the fixed per-column cost no longer dominates).

Children do not use the verdict cache (``BDIGEST_NO_CACHE=1``: "cold" checks the
package), and compile modules as an installation does (``PYTHONPYCACHEPREFIX`` in a
temporary directory, one untimed run first), whatever ``PYTHONDONTWRITEBYTECODE`` says:
otherwise "cold" would time compiling this package's source, which pandas, byte-compiled at install,
never pays.

Usage: python scripts/bench_api.py [--runs N] [--scale N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bdigest_data.metadata.descriptor import resources
from bdigest_data.metadata.paths import package_dir

IMPORT = """
import json, time
{setup}
t = time.perf_counter()
{stmt}
print(json.dumps({{"s": time.perf_counter() - t}}))
"""

CALLS = """
import json, time
from pathlib import Path
import pandas as pd
import bdigest_data as bd
from bdigest_data.metadata.descriptor import resources
package = Path({package!r})
files = [package / r["path"] for r in resources(package).values()]

def read_csv():
    return {{f.stem: pd.read_csv(f) for f in files}}

def load_all():
    return bd.load_all(validate={validate}, path=package)

out = {{}}
for run in ("cold", "warm"):
    t, c = time.perf_counter(), time.process_time()
    {call}()
    out[run], out[run + " cpu"] = time.perf_counter() - t, time.process_time() - c
print(json.dumps(out))
"""

# name -> (setup, timed statement)
IMPORTS = {
    "import pandas": ("", "import pandas"),
    "import bdigest_data": ("", "import bdigest_data"),
    "import bdigest_data; bd.load": ("", "import bdigest_data as bd; bd.load"),
    "after pandas: bdigest_data; bd.load": ("import pandas",
                                             "import bdigest_data as bd; bd.load"),
}


def _child(code: str, env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        errors = [line for line in done.stderr.splitlines() if "Error" in line.split(":")[0]]
        raise RuntimeError((errors or done.stderr.splitlines())[-1])
    return json.loads(done.stdout)


def _median(code: str, runs: int) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "bdigest-bench-pycache")
    env["BDIGEST_NO_CACHE"] = "1"  # each process checks: no verdict from the disk cache
    _child(code, env)  # compiles what the code imports
    samples = [_child(code, env) for _ in range(runs)]
    return {k: statistics.median(s[k] for s in samples) for k in samples[0]}


def _scaled_copy(scale: int, dest: Path) -> Path:
    """A copy of the installed package whose tables repeat their data rows ``scale``x
    (but ``sources``: the citation in ``df.attrs`` reads it and refuses duplicate keys)."""
    src = package_dir()
    for part in ("datapackage.json", "schemas", "seeds"):
        (shutil.copytree if (src / part).is_dir() else shutil.copy2)(src / part, dest / part)
    for res in resources(src).values():
        header, *rows = (src / res["path"]).read_text(encoding="utf-8").splitlines(True)
        (dest / res["path"]).parent.mkdir(parents=True, exist_ok=True)
        times = 1 if res["name"] == "sources" else scale
        (dest / res["path"]).write_text(header + "".join(rows) * times, encoding="utf-8")
    return dest


def _line(label: str, seconds: float, note: str = "", cpu: float | None = None) -> None:
    shown = f"{seconds * 1e3:8.1f} ms" + (f" (CPU {cpu * 1e3:7.1f} ms)" if cpu is not None else "")
    print(f"{label:<44} {shown}   {note}".rstrip())


def _ratio(ours: dict[str, float], base: dict[str, float], run: str) -> str:
    """``ours`` over ``base`` for ``run``, in wall and CPU time (CPU time is less disturbed
    by other processes on a shared machine)."""
    cpu = f"{run} cpu"
    return f"{ours[run] / base[run]:.2f}x read_csv (CPU {ours[cpu] / base[cpu]:.2f}x)"


def _reads(package: Path, runs: int, label: str, validated: bool) -> None:
    base = _median(CALLS.format(package=str(package), validate=False, call="read_csv"), runs)
    ours = _median(CALLS.format(package=str(package), validate=False, call="load_all"), runs)
    for run in ("cold", "warm"):
        _line(f"{label} pd.read_csv ({run})", base[run], cpu=base[f"{run} cpu"])
        _line(f"{label} load_all(validate=False) ({run})", ours[run],
              f"{_ratio(ours, base, run)} (target <= 1.5x)", cpu=ours[f"{run} cpu"])
    if not validated:
        return
    try:
        checked = _median(CALLS.format(package=str(package), validate=True, call="load_all"),
                          runs)
    except RuntimeError as exc:
        print(f"{label} load_all() with validation: not measured ({exc})")
    else:
        for run in ("cold", "warm"):
            _line(f"{label} load_all() validating ({run})", checked[run],
                  _ratio(checked, base, run), cpu=checked[f"{run} cpu"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="processes per measurement")
    parser.add_argument("--scale", type=int, default=200, help="row repetition of the copy")
    args = parser.parse_args()
    ms = {name: _median(IMPORT.format(setup=setup, stmt=stmt), args.runs)["s"] * 1e3
          for name, (setup, stmt) in IMPORTS.items()}
    print(f"median of {args.runs} processes each (Python {sys.version.split()[0]})\n")
    for name, value in ms.items():
        _line(name, value / 1e3)
    for name in ("import bdigest_data", "import bdigest_data; bd.load"):
        print(f"{name + ' - pandas':<44} {ms[name] - ms['import pandas']:+8.1f} ms   "
              "(target <= +50 ms)")
    print()
    _reads(package_dir(), args.runs, "package:", validated=True)
    with tempfile.TemporaryDirectory() as tmp:
        print()
        _reads(_scaled_copy(args.scale, Path(tmp)), args.runs, f"rows x{args.scale}:",
               validated=False)


if __name__ == "__main__":
    main()
