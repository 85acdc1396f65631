"""Time the provenance, semantics and coverage checks on synthetic rows from the real seed.

Each synthetic ``trade`` row quotes a random sentence of a random article that holds a
figure, takes one of the sentence's figures as ``value`` and one of its years up to the
article's year (if any) as ``period``, so the rows are valid and every check runs to the
end. Tables are built in memory: CSV parsing is not timed here.

    python scripts/bench_provenance.py [ROWS]
"""

from __future__ import annotations

import random
import re
import sys
import time
from pathlib import Path

import pyarrow as pa

from bdigest_data import metadata
from bdigest_data.text.evidence import QuoteEvidence, articles, normalise
from bdigest_data.validation.checks.coverage import coverage
from bdigest_data.validation.checks.provenance import provenance
from bdigest_data.validation.checks.semantics import semantics
from bdigest_data.validation.context import PackageData, TableData

ROOT = Path(__file__).resolve().parents[1]


def _sources(pkg: PackageData) -> TableData:
    import pyarrow.csv as pcsv

    schema = pkg.model.schema("sources")
    types = {"char_start": pa.int64(), "char_end": pa.int64()}
    table = pcsv.read_csv(ROOT / "data/sources.csv",
                          convert_options=pcsv.ConvertOptions(column_types=types))
    return TableData("sources", schema, table)


def synthetic(rows: int, seed: int = 1) -> PackageData:
    """A package with the real sources and ``rows`` synthetic trade rows."""
    files = metadata.files_of(ROOT)
    pkg = PackageData(files, metadata.package(files))
    pkg.tables["sources"] = _sources(pkg)
    candidates = []
    sources = pkg.tables["sources"].table.to_pylist()
    year = {s["source_id"]: int(s["published"][:4]) for s in sources}
    for sid, art in articles(pkg).items():
        for sentence in re.split(r"(?<=[.!?])\s+", normalise(art.raw)):
            ev = QuoteEvidence(sentence)
            if ev.numbers and len(sentence) >= 10:
                candidates.append((sid, sentence, [f.value for f in ev.numbers],
                                   sorted(y for y in ev.years if y <= year[sid])))
    rng = random.Random(seed)
    picks = [rng.choice(candidates) for _ in range(rows)]
    schema = pkg.model.schema("trade")
    columns = {f.name: pa.nulls(rows, pa.float64() if f.info.kind == "number" else pa.string())
               for f in schema.fields}
    columns["source_id"] = pa.array([p[0] for p in picks])
    columns["quote"] = pa.array([p[1] for p in picks])
    columns["value"] = pa.array([rng.choice(p[2]) for p in picks], pa.float64())
    columns["period"] = pa.array([str(rng.choice(p[3])) if p[3] else None for p in picks])
    columns["value_basis"] = pa.array(["stated"] * rows)
    columns["certainty"] = pa.array(["reported"] * rows)
    pkg.tables["trade"] = TableData("trade", schema, pa.table(columns))
    return pkg


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    pkg = synthetic(rows)
    distinct_quotes = len(set(pkg.tables["trade"].table.column("quote").to_pylist()))
    print(f"{rows:,} synthetic trade rows, {distinct_quotes} distinct quotes")
    for module in (provenance, semantics, coverage):
        start = time.perf_counter()
        findings = module.check(pkg)
        took = time.perf_counter() - start
        print(f"{module.__name__}: {took:.2f} s, {rows / took:,.0f} rows/s, "
              f"{len(findings)} findings")


if __name__ == "__main__":
    main()
