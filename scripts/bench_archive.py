"""Benchmark every check group at the scale of the whole archive (not a test).

For each size N (articles: 50, 500, 5,000 by default) it builds a synthetic package from the
real one in a temporary directory, then validates it, one check group at a time and all
together, each run in a new process, and prints time, CPU and peak memory per group with
the slope between sizes (time ratio / size ratio: 1.0 is linear).

The synthetic package (``build``): article k is a copy of real article ``k mod A`` (A real
articles: copy block ``k // A`` holds one copy of each), made unique by a marker word
(``Arc`` and five letters that encode k: ``Arcaaabc``) put in front of every unit of kind
sentence and in front of the title heading, so that each article's text, sentences and
almost every quote are new texts (the marker has no figure, no name and no date in it,
and no unit's neighbour changes). Each copy gets its own seed file (``seeds/<id>.txt``,
declared as a resource ``seed-<id>``, as ``add-article`` does) and every row of its article,
with new ids: ``<source_id>-<k>`` for the article, ``<id>:NNN`` for its sentences (the
ordinals are unchanged), ``<prefix>-NNNNNN`` for fact rows and links (numbered per table),
and a copy of every person per block (``per:<name>-<block letters>``): the quotes and
derivation evidence are the same passages of the new text (markers included), the
sentences' offsets and texts those of the new seed, the coverage ledger's texts too.
References (foreign keys, event links, derivations' rows and ``rests_on`` rows, the
ledger's ``recorded_in``) point at the copies in the same block, so the rules that join
articles (``same_event`` links, rows resting on another article's row) stay true. Actors
(states by ISO code), places (a gazetteer) and event types are bounded sets every copy
shares. The schemas only let row ids have more digits. The clean package validates with
zero findings with every group (tests/test_bench_archive.py).

Measurement: each run is a new process (``python bench_archive.py --measure``) under GNU
time, which gives its peak memory (max RSS, the whole process: interpreter and imports
included); the process itself times ``bdigest_data.validate(pkg, checks=...)`` alone, wall
and CPU (``time.process_time``: every thread), so imports do not flatten the slopes. Each
figure is the median of ``--repeat`` runs. The verdict cache is off (``BDIGEST_NO_CACHE``).
``--profile`` runs cProfile on the two largest sizes (all groups) and lists the functions
whose own time grows faster than the package.

    python scripts/bench_archive.py                          # 50, 500, 5000 articles
    python scripts/bench_archive.py --sizes 50,500 --repeat 1 --profile
    python scripts/bench_archive.py --build 50 --out /tmp/arc  # only write the package
"""

from __future__ import annotations

import argparse
import bisect
import csv
import io
import json
import os
import pstats
import shutil
import statistics
import string
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_validate  # noqa: E402  (read_rows, copy_package, widen_ids, run)

from bdigest_data import metadata  # noqa: E402
from bdigest_data.metadata.classes import Package  # noqa: E402
from bdigest_data.release.stamp import stamp  # noqa: E402
from bdigest_data.text.evidence import normalise  # noqa: E402
from bdigest_data.validation import GROUPS  # noqa: E402

ROOT = bench_validate.ROOT
MARK_LETTERS = 5  # 26**5 distinct markers
PLACEHOLDER = "Arc" + "?" * MARK_LETTERS  # a marker's place in a template, as long as one
GAP = len(PLACEHOLDER) + 1  # a marker and the space after it
SHARED = ("actors", "places", "event_types")  # bounded lookup sets, shared by every copy
PER_BLOCK = ("persons",)  # lookup rows copied once per block
ALL = "all"


def letters(n: int) -> str:
    """``n`` in base 26, ``MARK_LETTERS`` lower-case letters (``0`` is ``aaaaa``)."""
    out = []
    for _ in range(MARK_LETTERS):
        n, r = divmod(n, 26)
        out.append(string.ascii_lowercase[r])
    return "".join(reversed(out))


def marker(k: int) -> str:
    """The word that makes article ``k``'s text its own."""
    return "Arc" + letters(k)


# --- the real package as templates ----------------------------------------------------------


@dataclass
class Table:
    header: list[str]
    rows: list[dict[str, str]]


def read_table(root: Path, name: str) -> Table:
    rows = bench_validate.read_rows(root / "data" / f"{name}.csv")
    return Table(rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]])


@dataclass
class Template:
    """A real article with a marker's place before each sentence and its title."""

    source: dict[str, str]
    raw: str  # the new seed text, with placeholders
    title: str
    units: dict[str, tuple[int, int, str]]  # sentence id -> new offsets and text
    text: str  # the real article's normalised text
    marked: str  # the new one's, with placeholders
    marks: list[int]  # where the markers go in ``text``

    def passage(self, quoted: str) -> str:
        """A quote or evidence of the real article as the same passage of the new text."""
        needle = normalise(quoted)
        i = self.text.find(needle)
        if i < 0:
            raise ValueError(f"{needle[:60]!r} is not in {self.source['source_id']}")
        j = i + len(needle)
        return self.marked[i + GAP * bisect.bisect_left(self.marks, i):
                           j + GAP * bisect.bisect_left(self.marks, j)]


def template(source: dict[str, str], seed: str, units: list[dict[str, str]]) -> Template:
    start, end = int(source["char_start"]), int(source["char_end"])
    raw = seed[start:end]
    title = source["title"]
    first = units[0]
    titled = first["kind"] == "heading" and title.startswith(first["text"])
    points = sorted({int(u["char_start"]) - start for u in units
                     if u["kind"] == "sentence" or (titled and u is first)})
    pieces = [raw[a:b] for a, b in zip([0, *points], [*points, len(raw)], strict=True)]
    new_raw = (PLACEHOLDER + " ").join(pieces)

    def moved(offset: int) -> int:  # a marker at a unit's start is inside the unit
        return offset + GAP * bisect.bisect_left(points, offset)

    new_units = {}
    for u in units:
        a, b = moved(int(u["char_start"]) - start), moved(int(u["char_end"]) - start)
        text = normalise(new_raw[a:b])
        shifted = int(u["char_start"]) - start in points
        assert text == (PLACEHOLDER + " " if shifted else "") + u["text"], u["sentence_id"]
        new_units[u["sentence_id"]] = (a, b, text)
    text, marked = normalise(raw), normalise(new_raw)
    found = [i for i in range(len(marked)) if marked.startswith(PLACEHOLDER + " ", i)]
    marks = [m - GAP * n for n, m in enumerate(found)]
    assert marked.replace(PLACEHOLDER + " ", "") == text
    return Template(source, new_raw, f"{PLACEHOLDER} {title}" if titled else title,
                    new_units, text, marked, marks)


# --- the synthetic package ------------------------------------------------------------------


class Archive:
    """The real package's tables and the rules to copy them into blocks of articles."""

    def __init__(self, root: Path = ROOT) -> None:
        self.model: Package = metadata.package(root)
        names = self.model.table_names
        self.tables = {n: read_table(root, n) for n in names}
        role = self.model.table_with_role
        self.sources, self.sentences = role("sources"), role("sentences")
        self.ledger, self.links = role("coverage-ledger"), role("event-links")
        self.derivations = role("derivations")
        assert None not in (self.sources, self.sentences, self.ledger, self.links,
                            self.derivations)
        self.facts = list(self.model.fact_tables)
        sources = self.tables[self.sources].rows
        self.articles = {s["source_id"]: i for i, s in enumerate(sources)}
        by_article: dict[str, list[dict[str, str]]] = {}
        for u in self.tables[self.sentences].rows:
            by_article.setdefault(u["source_id"], []).append(u)
        seeds = {s["seed_file"]: (root / s["seed_file"]).read_text(encoding="utf-8")
                 for s in sources}
        self.templates = {s["source_id"]: template(s, seeds[s["seed_file"]],
                                                   by_article[s["source_id"]])
                          for s in sources}
        # numbered ids (``arms-001``): table -> (prefix, position of each id)
        self.numbered: dict[str, tuple[str, dict[str, int]]] = {}
        for name in [*self.facts, self.links]:
            key = self.key(name)
            ids = [r[key] for r in self.tables[name].rows]
            self.numbered[name] = (ids[0].rsplit("-", 1)[0], {v: i for i, v in enumerate(ids)})
        self.owner = {(t, r[self.key(t)]): r["source_id"] for t in self.facts
                      for r in self.tables[t].rows}

    def key(self, table: str) -> str:
        schema = self.model.schema(table)
        assert schema is not None and len(schema.primary_key) == 1
        return schema.primary_key[0]

    def article(self, block: int, source_id: str) -> int:
        """The number of the copy of ``source_id`` in ``block``."""
        return block * len(self.articles) + self.articles[source_id]

    def rename(self, table: str | None, value: str, block: int) -> str:
        """The id in ``block`` of the row ``value`` of ``table`` (shared rows keep theirs)."""
        if not value or not table:
            return value
        if table == self.sources:
            return f"{value}-{self.article(block, value):06d}"
        if table == self.sentences:
            source, _, ordinal = value.rpartition(":")
            return f"{self.rename(self.sources, source, block)}:{ordinal}"
        if table in PER_BLOCK:
            return f"{value}-{letters(block)}"
        if table in self.numbered:
            prefix, position = self.numbered[table]
            return f"{prefix}-{block * len(position) + position[value] + 1:06d}"
        return value

    def references(self, table: str) -> list[tuple[str, str]]:
        """(field, table it names) of ``table``'s one-field foreign keys and primary key."""
        schema = self.model.schema(table)
        assert schema is not None
        refs = [(fk.fields[0], fk.target(table)) for fk in schema.foreignKeys
                if len(fk.fields) == 1]
        if len(schema.primary_key) == 1 and schema.primary_key[0] not in dict(refs):
            refs.append((schema.primary_key[0], table))
        return refs

    def block(self, name: str, block: int) -> list[dict[str, str]]:
        """The rows of table ``name`` in copy block ``block``."""
        table = self.tables[name]
        refs = self.references(name)
        out = []
        for row in table.rows:
            new = dict(row)
            for field, target in refs:
                new[field] = self.rename(target, row[field], block)
            self.retext(name, row, new, block)
            out.append(new)
        return out

    def retext(self, name: str, row: dict[str, str], new: dict[str, str], block: int) -> None:
        """The cells that hold text of the article, or ids named outside a foreign key."""
        def mark(source_id: str) -> Callable[[str], str]:
            word = marker(self.article(block, source_id))
            return lambda text: text.replace(PLACEHOLDER, word)

        if name == self.sources:
            tpl = self.templates[row["source_id"]]
            new["title"] = mark(row["source_id"])(tpl.title)
            new["seed_file"] = f"seeds/{new['source_id']}.txt"
            new["char_start"], new["char_end"] = "0", str(len(tpl.raw))
        elif name == self.sentences:
            a, b, text = self.templates[row["source_id"]].units[row["sentence_id"]]
            new.update(char_start=str(a), char_end=str(b), text=mark(row["source_id"])(text))
        elif name == self.ledger:
            source = row["sentence_id"].rpartition(":")[0]
            text = self.templates[source].units[row["sentence_id"]][2]
            new["text"] = mark(source)(text)
        elif name == self.links:
            for side in ("from", "to"):
                new[f"{side}_id"] = self.rename(row[f"{side}_table"], row[f"{side}_id"], block)
        elif name == self.derivations:
            table = row["table_name"]
            new["row_id"] = self.rename(table, row["row_id"], block)
            new["rests_on_id"] = self.rename(row["rests_on_table"], row["rests_on_id"], block)
            if row["evidence"]:
                source = row["row_id"] if table == self.sources else \
                    self.owner[(table, row["row_id"])]
                new["evidence"] = mark(source)(self.templates[source].passage(row["evidence"]))
        elif name in self.facts and row.get("quote"):
            tpl = self.templates[row["source_id"]]
            new["quote"] = mark(row["source_id"])(tpl.passage(row["quote"]))

    def seeds(self, block: int) -> dict[str, str]:
        """Seed path -> text of the articles of ``block``."""
        return {f"seeds/{self.rename(self.sources, sid, block)}.txt":
                tpl.raw.replace(PLACEHOLDER, marker(self.article(block, sid))) + "\n"
                for sid, tpl in self.templates.items()}


def build(articles: int, dest: Path, archive: Archive | None = None) -> dict[str, int]:
    """Write a synthetic package of ``articles`` articles to ``dest`` (a new or empty
    directory), stamped; returns the rows of each table. ``articles`` must be a multiple of
    the real articles (one copy block holds one copy of each)."""
    archive = archive or Archive()
    per_block = len(archive.articles)
    if articles <= 0 or articles % per_block:
        raise ValueError(f"the number of articles must be a positive multiple of "
                         f"{per_block}, the real articles")
    blocks = articles // per_block
    dest.mkdir(parents=True, exist_ok=True)
    bench_validate.copy_package(dest)
    for seed in (dest / "seeds").iterdir():
        seed.unlink()  # the copies have their own seed files
    bench_validate.widen_ids(dest, archive.tables)
    counts = {}
    for name, table in archive.tables.items():
        copies = [table.rows] if name in SHARED else \
            [archive.block(name, b) for b in range(blocks)]
        out = io.StringIO()
        writer = csv.DictWriter(out, table.header, lineterminator="\n")
        writer.writeheader()
        for rows in copies:
            writer.writerows(rows)
        (dest / "data" / f"{name}.csv").write_text(out.getvalue(), encoding="utf-8")
        counts[name] = sum(len(rows) for rows in copies)
    descriptor = json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))
    resources = descriptor["resources"]
    seed_resource = next(r for r in resources if r.get("bdigest:role") == "seeds")
    resources[:] = [r for r in resources if r.get("bdigest:role") != "seeds"]
    for b in range(blocks):
        for path, text in archive.seeds(b).items():
            (dest / path).write_text(text, encoding="utf-8")
            name = "seed-" + Path(path).stem
            resources.append({**seed_resource, "name": name, "path": path})
    (dest / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False),
                                           encoding="utf-8")
    stamp(dest)
    return counts


# --- measurement ----------------------------------------------------------------------------


def measure(pkg: Path, checks: str, profile: Path | None) -> dict[str, Any]:
    """One validation of ``pkg`` in this (new) process: its wall and CPU seconds alone."""
    import resource

    import bdigest_data

    imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    groups = list(GROUPS) if checks == ALL else checks.split(",")
    profiler = None
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    wall, cpu = time.perf_counter(), time.process_time()
    report = bdigest_data.validate(pkg, checks=groups)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    return {"wall": wall, "cpu": cpu, "findings": len(report.findings),
            "checks": report.stats.get("checks"), "imported_mb": imported}


@dataclass
class Figures:
    wall: float
    cpu: float
    peak: float  # MB, the process
    findings: int


def timed(pkg: Path, checks: str, repeat: int, profile: Path | None = None) -> Figures:
    """Medians of ``repeat`` runs of ``checks`` on ``pkg``, each in a new process."""
    runs = []
    for _ in range(repeat):
        cmd = [sys.executable, __file__, "--measure", str(pkg), "--checks", checks]
        if profile is not None:
            cmd += ["--pstats", str(profile)]
        _, peak, out, _ = bench_validate.run(cmd)
        runs.append((json.loads(out), peak))
    return Figures(statistics.median(r["wall"] for r, _ in runs),
                   statistics.median(r["cpu"] for r, _ in runs),
                   statistics.median(p for _, p in runs),
                   max(r["findings"] for r, _ in runs))


def slope(small: float, large: float, ratio: float) -> str:
    return f"{(large / small) / ratio:5.2f}" if small > 0 else "  -  "


def report(sizes: list[int], results: dict[int, dict[str, Figures]]) -> None:
    selections = list(results[sizes[0]])
    head = "".join(f" | N={n:<6,} wall s   cpu s  peak MB" for n in sizes)
    slopes = "".join(f" | {a}->{b} wall  cpu" for a, b in zip(sizes, sizes[1:], strict=False))
    print(f"\n{'checks':<11}{head}{slopes}  findings")
    for sel in selections:
        line = f"{sel:<11}"
        for n in sizes:
            f = results[n][sel]
            line += f" | {' ' * 8}{f.wall:7.2f} {f.cpu:7.2f} {f.peak:8.0f}"
        for a, b in zip(sizes, sizes[1:], strict=False):
            fa, fb = results[a][sel], results[b][sel]
            width = len(f"{a}->{b}") - 4
            line += f" | {' ' * width}{slope(fa.wall, fb.wall, b / a)} " \
                    f"{slope(fa.cpu, fb.cpu, b / a)}"
        line += "  " + ",".join(str(results[n][sel].findings) for n in sizes)
        print(line)
    print("slope: (time at the larger size / time at the smaller) / (size ratio); "
          "1.00 is linear")


def growth(small: Path, large: Path, ratio: float, top: int = 15) -> None:
    """The functions whose own time grows faster than the package between two profiles."""
    a, b = (pstats.Stats(str(p)).stats for p in (small, large))  # type: ignore[attr-defined]
    total = sum(v[2] for v in b.values())
    rows = []
    for key, (_, calls, own, cumulative, _) in b.items():
        before = a.get(key)
        if before is None or own < 0.01 * total:
            continue
        rows.append((own / max(before[2], 1e-6) / ratio, own, cumulative, calls, before[1],
                     key))
    rows.sort(key=lambda r: -r[1])
    print(f"\nown time, largest first (profile, all groups; {total:.1f} s at the larger size):")
    print(f"  {'slope':>6} {'own s':>7} {'cum s':>7} {'calls':>10} {'calls before':>12}  function")
    for s, own, cumulative, calls, calls_before, (path, line, func) in rows[:top]:
        flag = "  <-- super-linear" if s > 1.3 else ""
        print(f"  {s:6.2f} {own:7.2f} {cumulative:7.2f} {calls:10,} {calls_before:12,}  "
              f"{Path(path).name}:{line} {func}{flag}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="50,500,5000",
                        help="comma-separated numbers of articles (multiples of the real "
                             "articles; default 50,500,5000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each case (median)")
    parser.add_argument("--profile", action="store_true",
                        help="profile all groups at the two largest sizes and compare")
    parser.add_argument("--build", type=int, metavar="N",
                        help="only write a package of N articles to --out")
    parser.add_argument("--out", type=Path, help="directory for --build")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # a child's run
    parser.add_argument("--checks", default=ALL, help=argparse.SUPPRESS)
    parser.add_argument("--pstats", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.checks, args.pstats)))
        return 0
    if args.build is not None:
        if args.out is None:
            parser.error("--build needs --out")
        counts = build(args.build, args.out)
        print(f"{args.build} articles in {args.out}: " +
              ", ".join(f"{t} {n:,}" for t, n in counts.items()))
        return 0
    os.environ["BDIGEST_NO_CACHE"] = "1"
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, median of {args.repeat}")
    archive = Archive()
    results: dict[int, dict[str, Figures]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        profiles = []
        for n in sizes:
            pkg = Path(tmp) / f"n{n}"
            started = time.perf_counter()
            counts = build(n, pkg, archive)
            mb = sum(p.stat().st_size for p in pkg.rglob("*") if p.is_file()) / 1e6
            facts = sum(counts[t] for t in archive.facts)
            print(f"N={n:,}: {facts:,} fact rows, {counts[archive.sentences]:,} sentences, "
                  f"{counts[archive.ledger]:,} ledger rows, {counts[archive.derivations]:,} "
                  f"derivations, {mb:.0f} MB (built in {time.perf_counter() - started:.1f} s)",
                  flush=True)
            results[n] = {}
            for checks in [*GROUPS, ALL]:
                results[n][checks] = timed(pkg, checks, args.repeat)
                f = results[n][checks]
                print(f"  {checks:<11} {f.wall:7.2f} s wall {f.cpu:7.2f} s cpu "
                      f"{f.peak:6.0f} MB peak, findings {f.findings}", flush=True)
            if args.profile and n in sizes[-2:]:
                profiles.append(Path(tmp) / f"n{n}.pstats")
                timed(pkg, ALL, 1, profiles[-1])
            shutil.rmtree(pkg)
        report(sizes, results)
        if len(profiles) == 2:
            growth(*profiles, sizes[-1] / sizes[-2])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
