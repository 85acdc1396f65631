"""Benchmark ``bdigest-data validate`` against ``frictionless validate`` (not a test).

For each size (data rows over the fact tables: 10k, 100k, 1M by default) it builds a
synthetic package in a temporary directory from the real one: the real schemas, seed,
sources and actors; fact rows copied from the real rows in turn (so every quote is really in
the seed and provenance runs its real path) with fresh primary keys. The one change to the
schemas: the ``-\\d{3}`` of row ids becomes ``-\\d{3,}``, or a million distinct ids could not
exist. Each size is built clean and with injected errors (type, enum, foreign key, blank
and ragged rows), then stamped.

Each package is validated as whole processes: ``frictionless validate`` once, ours a few
times (median, ``--no-cache``: every run checks) with the checks frictionless also makes
(structure, integrity), with provenance too, and with every group. It prints wall time,
CPU time (user + system, less disturbed than wall time on a shared machine), rows/s, peak
memory (the child's max RSS) and the ratios, and checks that every frictionless error is
one of our findings (same table, code, row and field); on the clean packages, the
pyarrow.compute calls a batch of
the structure and cells path (counted in this process). Then the peak memory of ours alone
on a larger clean package (``--memory-rows``, 5M by default; frictionless would take
minutes there). Finally the real package, whole processes, ours checking and with its
verdict cached.

    python scripts/bench_validate.py                 # 10k, 100k, 1M, memory at 5M
    python scripts/bench_validate.py --sizes 10000,100000 --runs 3 --memory-rows 0
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bdigest_data import metadata
from bdigest_data.metadata.classes import TableSchema
from bdigest_data.metadata.descriptor import fact_tables

ROOT = Path(__file__).resolve().parents[1]
TIME = "/usr/bin/time"  # GNU time, for the peak memory of each process
BIN = Path(sys.executable).parent
OURS = {"structure+integrity": "structure,integrity",
        "+provenance": "structure,integrity,provenance",
        "all checks": "structure,integrity,provenance,semantics,coverage"}


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def schema_of(pkg: Path, table: str) -> TableSchema:
    """The model of ``table``'s schema in the package at ``pkg``."""
    schema = metadata.package(pkg).schema(table)
    assert schema is not None
    return schema


def copy_package(dest: Path) -> None:
    """Copy the real package's descriptor, tables, schemas and seeds into ``dest``."""
    for part in ("datapackage.json", "data", "schemas", "seeds"):
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest / part)


def widen_ids(dest: Path, tables: Iterable[str]) -> None:
    """Let the ``-NNN`` row ids in the schemas of ``tables`` in the package at ``dest`` have
    more digits (``-\\d{3}`` becomes ``-\\d{3,}``), or a million distinct ids could not
    exist."""
    for table in tables:
        path = dest / "schemas" / f"{table}.json"
        schema = path.read_text(encoding="utf-8")
        path.write_text(schema.replace('-\\\\d{3}$', '-\\\\d{3,}$'), encoding="utf-8")


def build(size: int, broken: bool, dest: Path) -> dict[str, int]:
    """Write a synthetic package of ``size`` fact rows to ``dest``; returns rows per table."""
    copy_package(dest)
    real = {t: read_rows(ROOT / "data" / f"{t}.csv") for t in fact_tables(ROOT)}
    widen_ids(dest, real)
    total_real = sum(len(r) - 1 for r in real.values())
    rng = random.Random(size)
    counts = {}
    renamed = {}  # fact table -> (id prefix, {real id: position}): the copies' ids
    for table, rows in real.items():
        id_col = rows[0].index(schema_of(ROOT, table).primary_key[0])
        renamed[table] = (rows[1][id_col].rsplit("-", 1)[0],
                          {r[id_col]: i for i, r in enumerate(rows[1:])})
    for table, rows in real.items():
        header, body = rows[0], rows[1:]
        schema = schema_of(ROOT, table)  # the copy's keys are the same
        id_col = header.index(schema.primary_key[0])
        refs = [header.index(fk.fields[0]) for fk in schema.foreignKeys
                if fk.target(table) == table]  # self-references
        # keys into another fact table point at the first copy of the row they name
        others = [(header.index(fk.fields[0]), renamed[fk.target(table)])
                  for fk in schema.foreignKeys if fk.target(table) in renamed.keys() - {table}]
        position = {r[id_col]: i for i, r in enumerate(body)}
        n = max(1, size * len(body) // total_real)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        prefix = body[0][id_col].rsplit("-", 1)[0]
        for i in range(n):
            block, k = divmod(i, len(body))
            row = list(body[k])
            row[id_col] = f"{prefix}-{i:07d}"
            for c in refs:
                if row[c] in position:
                    row[c] = f"{prefix}-{block * len(body) + position[row[c]]:07d}"
            for c, (ref_prefix, ref_position) in others:
                if row[c] in ref_position:
                    row[c] = f"{ref_prefix}-{ref_position[row[c]]:07d}"
            writer.writerow(row)
        lines = out.getvalue().split("\n")
        if broken:
            inject(lines, header, rng)
        (dest / "data" / f"{table}.csv").write_text("\n".join(lines), encoding="utf-8")
        counts[table] = n
    subprocess.run([str(BIN / "python"), "-c", "import sys, pathlib; from bdigest_data."
                    "release.stamp import stamp; stamp(pathlib.Path(sys.argv[1]))", str(dest)],
                   check=True)
    return counts


def inject(lines: list[str], header: list[str], rng: random.Random) -> None:
    """About ten errors per table on single-line rows: type, enum, foreign key, blank row,
    missing cell (rows keep their positions)."""
    last = len(lines) - 2  # the text ends with a newline
    for _ in range(2):
        i = rng.randint(1, last)
        cells = next(csv.reader([lines[i]]))
        if "certainty" in header:
            cells[header.index("certainty")] = "sure"
        if "source_id" in header:
            cells[header.index("source_id")] = "no-such-article"
        typed = [f for f in ("value", "count", "rank") if f in header]
        if typed:
            cells[header.index(typed[0])] = "12x"
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(cells)
        lines[i] = buf.getvalue()
    lines[rng.randint(1, last)] = ""
    i = rng.randint(1, last)
    lines[i] = lines[i].rsplit(",", 1)[0]


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, str, float]:
    """Wall seconds, peak RSS in MB, stdout and CPU seconds (user + system) of one process.
    Peak and CPU are measured by /usr/bin/time, a small process: a child forked from this
    (large) one would count its parent's pages in its own maximum."""
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as usage:
        start = time.perf_counter()
        subprocess.run([TIME, "-f", "%M %U %S", "-o", usage.name, *cmd], stdout=out,
                       stderr=subprocess.DEVNULL, cwd=cwd)
        wall = time.perf_counter() - start
        out.seek(0)
        peak, user, system = usage.read().split()[-3:]
        return (wall, int(peak) / 1024, out.read().decode("utf-8", "replace"),
                float(user) + float(system))


def frictionless_errors(output: str) -> set[tuple[str, str, int | None, str | None]]:
    report = json.loads(output)
    return {(t["name"], e["type"], e.get("rowNumber"), e.get("fieldName") or None)
            for t in report["tasks"] for e in t["errors"]}


def agree(theirs: set, ours: list[dict]) -> list:
    """Frictionless errors with no matching finding of ours (same table, code, row, field)."""
    mine = {(f["table"], f["code"], f["row"], f["field"]) for f in ours}
    mine_rows = {(f["table"], f["code"], f["row"]) for f in ours}
    missing = []
    for table, code, row, field in theirs:
        ours_row = None if row is None else row - 1
        if field and code not in ("primary-key", "foreign-key", "extra-cell"):
            hit = (table, code, ours_row, field) in mine
        else:
            hit = (table, code, ours_row) in mine_rows
        if not hit:
            missing.append((table, code, row, field))
    return missing


def bench(size: int, broken: bool, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pkg = Path(tmp)
        t0 = time.perf_counter()
        counts = build(size, broken, pkg)
        rows = sum(counts.values())
        mb = sum(p.stat().st_size for p in (pkg / "data").glob("*.csv")) / 1e6
        label = f"{rows:,} fact rows ({mb:.0f} MB of CSV), {'with errors' if broken else 'clean'}"
        print(f"\n== {label} (built in {time.perf_counter() - t0:.1f} s)")
        f_wall, f_mem, f_out, f_cpu = run([str(BIN / "frictionless"), "validate",
                                           "datapackage.json", "--json"], cwd=pkg)
        theirs = frictionless_errors(f_out)
        print(f"  {'frictionless validate':<34} {f_wall:8.2f} s (cpu {f_cpu:6.2f} s) "
              f"{rows / f_wall:>11,.0f} rows/s {f_mem:7.0f} MB   errors {len(theirs)}")
        for name, checks in OURS.items():
            results = [run([str(BIN / "bdigest-data"), "validate", "--package", str(pkg),
                            "--format", "json", "--checks", checks, "--max-findings", "0",
                            "--no-cache"])
                       for _ in range(runs if name != "all checks" else 1)]
            wall = statistics.median(r[0] for r in results)
            cpu = statistics.median(r[3] for r in results)
            mem = max(r[1] for r in results)
            doc = json.loads(results[0][2])
            missing = agree(theirs, doc["findings"])
            print(f"  {'bdigest-data ' + name:<34} {wall:8.2f} s (cpu {cpu:6.2f} s) "
                  f"{rows / wall:>11,.0f} rows/s {mem:7.0f} MB   findings "
                  f"{len(doc['findings'])}, x{f_wall / wall:.1f} faster (cpu "
                  f"x{f_cpu / cpu:.1f}), memory x{mem / f_mem:.2f}, "
                  f"{'agrees' if not missing else f'MISSES {len(missing)}: {missing[:3]}'}")
        if not broken:
            calls = {name: arrow_calls(pkg, checks) for name, checks in OURS.items()}
            print(f"  Arrow compute calls a batch (of {calls['all checks'][1]}): " + ", ".join(
                f"{name} {per_batch:.1f}" for name, (per_batch, _) in calls.items()))


def arrow_calls(pkg: Path, checks: str) -> tuple[float, int]:
    """pyarrow.compute calls a batch in the structure and cells path (``_Checker._batch``)
    of one in-process run with ``checks``, and the number of batches."""
    import pyarrow.compute as pc

    from bdigest_data.validation import runner
    from bdigest_data.validation.checks.structure import structure

    counted = {"calls": 0, "batches": 0, "inside": False}
    saved = {n: f for n in dir(pc) if callable(f := getattr(pc, n))
             and getattr(f, "__module__", "") == "pyarrow.compute" and not n.startswith("_")}

    def counting(function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            counted["calls"] += counted["inside"]
            return function(*args, **kwargs)
        return call

    def batch(self: Any, *args: Any, **kwargs: Any) -> None:
        counted["batches"] += 1
        counted["inside"] = True
        try:
            return check_batch(self, *args, **kwargs)
        finally:
            counted["inside"] = False

    check_batch = structure._Checker._batch
    try:
        for name, function in saved.items():
            setattr(pc, name, counting(function))
        structure._Checker._batch = batch
        runner.validate(pkg, checks=checks.split(","), limit=None)
    finally:
        structure._Checker._batch = check_batch
        for name, function in saved.items():
            setattr(pc, name, function)
    return counted["calls"] / max(counted["batches"], 1), counted["batches"]


def memory(size: int) -> None:
    """Peak memory (and time) of ours alone on a clean package of ``size`` fact rows."""
    with tempfile.TemporaryDirectory() as tmp:
        pkg = Path(tmp)
        rows = sum(build(size, False, pkg).values())
        mb = sum(p.stat().st_size for p in (pkg / "data").glob("*.csv")) / 1e6
        print(f"\n== memory: {rows:,} fact rows ({mb:.0f} MB of CSV), clean, bdigest-data alone")
        for name, checks in OURS.items():
            wall, mem, out, cpu = run([str(BIN / "bdigest-data"), "validate", "--package", str(pkg),
                                       "--format", "json", "--checks", checks,
                                       "--max-findings", "0", "--no-cache"])
            found = len(json.loads(out)["findings"])
            print(f"  {'bdigest-data ' + name:<34} {wall:8.2f} s (cpu {cpu:6.2f} s) "
                  f"{mem:7.0f} MB peak, {mem * 1e6 / rows:5.1f} bytes a row, findings {found}")


def real_package(runs: int) -> None:
    """The real package, whole processes: frictionless, ours checking (``--no-cache``) and
    ours with the verdict a run before cached (in a cache folder of the benchmark's own)."""
    ours = [str(BIN / "bdigest-data"), "validate", "--package", str(ROOT)]
    with tempfile.TemporaryDirectory() as cache:
        os.environ["BDIGEST_CACHE_DIR"] = cache
        run(ours)  # fills the cache
        f = statistics.median(run([str(BIN / "frictionless"), "validate", "datapackage.json"],
                                  cwd=ROOT)[0] for _ in range(runs))
        o = statistics.median(run([*ours, "--no-cache"])[0] for _ in range(runs))
        w = statistics.median(run(ours)[0] for _ in range(runs))
    print(f"\n== real package: frictionless validate {f:.3f} s, bdigest-data validate (all "
          f"checks) {o:.3f} s, ratio {o / f:.2f}; with the verdict cached {w:.3f} s, ratio "
          f"{w / f:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="comma-separated fact-row counts (default 10000,100000,1000000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of our command per case")
    parser.add_argument("--clean-only", action="store_true", help="skip the broken packages")
    parser.add_argument("--memory-rows", type=int, default=5_000_000,
                        help="fact rows of the memory-only case (0: skip; default 5000000)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    for size in (int(s) for s in args.sizes.split(",")):
        for broken in (False,) if args.clean_only else (False, True):
            bench(size, broken, args.runs)
    if args.memory_rows:
        memory(args.memory_rows)
    real_package(max(args.runs, 5))


if __name__ == "__main__":
    main()
