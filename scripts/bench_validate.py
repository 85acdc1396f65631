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

The peers, on the same files in the same run, when installed (optional, never runtime
dependencies; skipped with a message otherwise): pandera's polars backend (a typed
``pl.read_csv`` then a ``DataFrameSchema`` with ``lazy=True``) and DuckDB (a typed
``read_csv``, then one query per rule), each with the rules it can express, translated
from the same Table Schemas (``PEER_CHECKS``): types, required, enum, pattern, minimum,
maximum, minLength, unique and primary keys, and in DuckDB foreign keys. The ratios are
their time over ours (structure + integrity, which checks more); ``PEER_CANNOT`` lists
what each cannot check.

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


PEER_CANNOT = {
    "pandera-polars": "foreign keys, file sizes and hashes, versions, provenance, semantics, "
                      "coverage, dataset rules; the typed read stops at a table's first cell "
                      "of the wrong type or short row (the rest of that table goes unchecked)",
    "duckdb": "file sizes and hashes, versions, provenance, semantics, coverage, dataset "
              "rules; the typed read_csv stops at a table's first cell of the wrong type or "
              "short row (the rest of that table goes unchecked)",
}

# each peer's child process: argv[1] is the JSON spec (peer_spec); prints the errors found
PANDERA = """
import json, sys
import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaErrors
spec = json.load(open(sys.argv[1], encoding="utf-8"))
errors = stopped = 0
for t in spec:
    types = {f["name"]: getattr(pl, f["polars"]) for f in t["fields"]}
    columns = {}
    for f in t["fields"]:
        checks = []
        if f["enum"] is not None:
            checks.append(pa.Check.isin(f["enum"]))
        if f["pattern"] is not None:
            checks.append(pa.Check.str_matches(f["pattern"]))
        if f["minimum"] is not None:
            checks.append(pa.Check.ge(f["minimum"]))
        if f["maximum"] is not None:
            checks.append(pa.Check.le(f["maximum"]))
        if f["minLength"] is not None:
            checks.append(pa.Check.str_length(min_value=f["minLength"]))
        columns[f["name"]] = pa.Column(types[f["name"]], checks=checks,
                                       nullable=not f["required"], unique=f["unique"])
    schema = pa.DataFrameSchema(columns, unique=t["primary_key"] or None, strict=True)
    try:
        frame = pl.read_csv(t["path"], schema=types)
    except Exception:
        stopped += 1
        continue
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        errors += len(exc.failure_cases)
print(json.dumps({"errors": errors, "stopped": stopped}))
"""

DUCKDB = """
import json, sys
import duckdb
spec = json.load(open(sys.argv[1], encoding="utf-8"))
con = duckdb.connect()
q = lambda name: '"' + name.replace('"', '""') + '"'
lit = lambda text: "'" + str(text).replace("'", "''") + "'"
errors = stopped = 0
read = set()
for t in spec:
    columns = ", ".join(f"{lit(f['name'])}: {lit(f['duckdb'])}" for f in t["fields"])
    try:
        con.execute(f"CREATE TABLE {q(t['name'])} AS SELECT * FROM read_csv({lit(t['path'])}, "
                    f"header = true, auto_detect = false, columns = {{{columns}}})")
        read.add(t["name"])
    except duckdb.Error:
        stopped += 1
count = lambda sql, *args: con.execute(sql, list(args)).fetchone()[0]
for t in spec:
    if t["name"] not in read:
        continue
    table = q(t["name"])
    for f in t["fields"]:
        c = q(f["name"])
        if f["required"]:
            errors += count(f"SELECT count(*) FROM {table} WHERE {c} IS NULL")
        if f["enum"] is not None:
            errors += count(f"SELECT count(*) FROM {table} WHERE NOT list_contains(?, {c})",
                            f["enum"])
        if f["pattern"] is not None:
            errors += count(f"SELECT count(*) FROM {table} WHERE NOT regexp_full_match({c}, ?)",
                            f["pattern"])
        if f["minimum"] is not None:
            errors += count(f"SELECT count(*) FROM {table} WHERE {c} < ?", f["minimum"])
        if f["maximum"] is not None:
            errors += count(f"SELECT count(*) FROM {table} WHERE {c} > ?", f["maximum"])
        if f["minLength"] is not None:
            errors += count(f"SELECT count(*) FROM {table} WHERE length({c}) < ?",
                            f["minLength"])
        if f["unique"]:
            errors += count(f"SELECT count(*) FROM (SELECT {c} FROM {table} WHERE {c} IS NOT "
                            f"NULL GROUP BY {c} HAVING count(*) > 1)")
    if t["primary_key"]:
        key = ", ".join(q(k) for k in t["primary_key"])
        errors += count(f"SELECT count(*) FROM (SELECT {key} FROM {table} GROUP BY {key} "
                        "HAVING count(*) > 1)")
    for fields, target, refs in t["foreign_keys"]:
        if target not in read:
            continue
        on = " AND ".join(f"s.{q(a)} = r.{q(b)}" for a, b in zip(fields, refs))
        errors += count(f"SELECT count(*) FROM {table} s ANTI JOIN {q(target)} r ON {on} "
                        f"WHERE s.{q(fields[0])} IS NOT NULL")
print(json.dumps({"errors": errors, "stopped": stopped}))
"""
PEERS = {"pandera-polars": ("pandera", PANDERA), "duckdb": ("duckdb", DUCKDB)}


def peer_spec(pkg: Path) -> list[dict[str, Any]]:
    """What the peers check, from the package's model of its Table Schemas (every table):
    each field's polars and DuckDB type (``metadata.types``), its constraints, the primary
    key and the foreign keys."""
    model = metadata.package(pkg)
    spec = []
    for name, schema in model.tables.items():
        fields = []
        for field in schema.fields:
            c = field.constraints
            # the base type (a field with categories gets the enum rule besides)
            fields.append({"name": field.name, "polars": field.info.polars,
                           "duckdb": field.info.duckdb,
                           "required": bool(c.required), "unique": bool(c.unique),
                           "enum": c.enum, "pattern": c.pattern, "minimum": c.minimum,
                           "maximum": c.maximum, "minLength": c.minLength})
        spec.append({"name": name, "path": str(pkg / model.by_name[name].path),
                     "fields": fields, "primary_key": schema.primary_key,
                     "foreign_keys": [(fk.fields, fk.target(name), fk.reference.fields)
                                      for fk in schema.foreignKeys]})
    return spec


def peers(pkg: Path, rows: int, ours: dict[str, tuple[float, float]], runs: int) -> None:
    """Time each installed peer on ``pkg`` against ``ours`` (name -> wall, CPU)."""
    import importlib.util

    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as spec:
        json.dump(peer_spec(pkg), spec)
        spec.flush()
        for peer, (module, code) in PEERS.items():
            if importlib.util.find_spec(module) is None:
                print(f"  {peer:<34} not measured: {module} is not installed "
                      f"(pip install {module}{'[polars]' if module == 'pandera' else ''})")
                continue
            results = [run([str(BIN / "python"), "-c", code, spec.name]) for _ in range(runs)]
            wall = statistics.median(r[0] for r in results)
            cpu = statistics.median(r[3] for r in results)
            mem = max(r[1] for r in results)
            try:
                found = json.loads(results[0][2].strip().splitlines()[-1])
            except (ValueError, IndexError):
                print(f"  {peer:<34} failed: {results[0][2][-300:]!r}")
                continue
            base_wall, base_cpu = ours["structure+integrity"]
            print(f"  {peer:<34} {wall:8.2f} s (cpu {cpu:6.2f} s) {rows / wall:>11,.0f} rows/s "
                  f"{mem:7.0f} MB   errors {found['errors']}, tables stopped at their first "
                  f"bad cell {found['stopped']}; ours (structure+integrity) "
                  f"x{wall / base_wall:.2f} faster (cpu x{cpu / base_cpu:.2f})")
    for peer, cannot in PEER_CANNOT.items():
        print(f"  {peer} cannot check: {cannot}")


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


def bench(size: int, broken: bool, runs: int, with_peers: bool = True) -> None:
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
        timed: dict[str, tuple[float, float]] = {}
        for name, checks in OURS.items():
            results = [run([str(BIN / "bdigest-data"), "validate", "--package", str(pkg),
                            "--format", "json", "--checks", checks, "--max-findings", "0",
                            "--no-cache"])
                       for _ in range(runs if name != "all checks" else 1)]
            wall = statistics.median(r[0] for r in results)
            cpu = statistics.median(r[3] for r in results)
            mem = max(r[1] for r in results)
            doc = json.loads(results[0][2])
            timed[name] = (wall, cpu)
            missing = agree(theirs, doc["findings"])
            print(f"  {'bdigest-data ' + name:<34} {wall:8.2f} s (cpu {cpu:6.2f} s) "
                  f"{rows / wall:>11,.0f} rows/s {mem:7.0f} MB   findings "
                  f"{len(doc['findings'])}, x{f_wall / wall:.1f} faster (cpu "
                  f"x{f_cpu / cpu:.1f}), memory x{mem / f_mem:.2f}, "
                  f"{'agrees' if not missing else f'MISSES {len(missing)}: {missing[:3]}'}")
        if with_peers:
            peers(pkg, rows, timed, runs)
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
    parser.add_argument("--no-peers", action="store_true",
                        help="leave out pandera-polars and DuckDB")
    parser.add_argument("--memory-rows", type=int, default=5_000_000,
                        help="fact rows of the memory-only case (0: skip; default 5000000)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    for size in (int(s) for s in args.sizes.split(",")):
        for broken in (False,) if args.clean_only else (False, True):
            bench(size, broken, args.runs, with_peers=not args.no_peers)
    if args.memory_rows:
        memory(args.memory_rows)
    real_package(max(args.runs, 5))


if __name__ == "__main__":
    main()
