"""Run the checks on a package: read its model and tables, then each check group.

The model (``metadata.parse``) comes first; its findings are reported whatever groups are
chosen. Groups (``GROUPS``, each check a unit of ``registry``): ``structure`` (header,
rows, cells, keys: what frictionless checks) and ``integrity`` (bytes, hashes, versions),
checked while each table is read (``schedule``: when the foreign keys run); then
``provenance``, ``semantics``, ``coverage``, ``dataset`` (``registry.PACKAGE_GROUPS``),
each check on its own. Safety is not a group: every file is opened through
``metadata.files``, so a path that leaves the package is never opened. ``tables`` limits
the run to some tables, the tables their foreign keys reach and the package's plain files;
coverage, a property of the whole package, then does not run.

Every check is taken from the registry (``integrity``'s file checks run in the hashing
thread, its package check, the versions, at the end), except the one that reads each table
(``structure.read_table``, which calls the header, cell and key checks): the package-wide
groups need the tables it reads even when ``structure`` is not chosen.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bdigest_data import metadata
from bdigest_data.catalogue import CATALOGUE, FILE_ERROR
from bdigest_data.engine.memory import give_back
from bdigest_data.findings import Finding, Report
from bdigest_data.metadata.classes import Package, TableSchema
from bdigest_data.metadata.files import PackageFiles, UnsafePathError, is_archive, open_files
from bdigest_data.validation import GROUPS, registry
from bdigest_data.validation.checks.structure.structure import read_table
from bdigest_data.validation.context import PARSE_CODES, PackageData, internal_error
from bdigest_data.validation.schedule import KeySchedule

PACKAGE_CHECKS = registry.PACKAGE_GROUPS  # the groups run on the whole package
DEFAULT_LIMIT = 1000  # findings per table and check group, like frictionless' limit-errors


def validate(path: str | Path | PackageFiles | None = None, *,
             tables: Iterable[str] | None = None, checks: Iterable[str] | None = None,
             limit: int | None = DEFAULT_LIMIT) -> Report:
    """Validate the package at ``path`` (see ``bdigest_data.validation.validate``; the
    loader hands over its ``PackageFiles``); a release archive (zip or tar) is unpacked
    safely into a temporary directory first."""
    if path is not None and not isinstance(path, PackageFiles) and is_archive(path):
        with open_files(path) as files:
            report = validate(files, tables=tables, checks=checks, limit=limit)
            inside = files.descriptor_path.relative_to(files.root.parent)
        report.stats["descriptor"] = f"{path}!{inside}"
        return report
    started = time.perf_counter()
    groups = _groups(checks)
    skipped = ["coverage"] if tables is not None and "coverage" in groups else []
    groups = [g for g in groups if g not in skipped]
    pkg, report = load(path, tables=tables, groups=groups, limit=limit)
    if skipped:  # coverage is a property of the whole package, not of some tables
        report.stats["skipped"] = skipped
    if pkg is not None:
        selected = set(pkg.tables) if tables is not None else None
        for group in groups:
            if group in PACKAGE_CHECKS:
                report.extend(_package_check(group, pkg, selected))
    order = {name: i for i, name in enumerate(report.stats.get("tables", {}))}
    report.findings.sort(key=lambda f: (order.get(f.table, -1) if f.table else -1, f.row or 0))
    _cap(report, limit)
    report.stats["seconds"] = round(time.perf_counter() - started, 3)
    return report


def _cap(report: Report, limit: int | None) -> None:
    """Keep the first ``limit`` findings of each table and check group, whatever their
    code (the reader stops collecting cell and key findings there already); how many were
    left out is counted per table in ``stats["omitted"]``."""
    if limit is None:
        return
    group = {c.code: c.group for c in CATALOGUE}
    shown: Counter[tuple[str | None, str]] = Counter()
    kept: list[Finding] = []
    for f in report.findings:
        shown[f.table, group.get(f.code, f.code)] += 1
        if shown[f.table, group.get(f.code, f.code)] <= limit:
            kept.append(f)
        else:
            omitted = report.stats.setdefault("omitted", {})
            omitted[f.table or ""] = omitted.get(f.table or "", 0) + 1
    report.findings[:] = kept


def _groups(checks: Iterable[str] | None) -> list[str]:
    if checks is None:
        return list(GROUPS)
    chosen = list(dict.fromkeys(checks))
    unknown = [c for c in chosen if c not in GROUPS]
    if unknown:
        raise ValueError(f"unknown check group(s) {', '.join(unknown)}; the groups are: "
                         f"{', '.join(GROUPS)}")
    return chosen


def load(path: str | Path | PackageFiles | None = None, *, tables: Iterable[str] | None = None,
         groups: Iterable[str] = GROUPS, limit: int | None = DEFAULT_LIMIT
         ) -> tuple[PackageData | None, Report]:
    """Read a package for the checks: its model (``metadata``) and typed tables, with the
    findings of its metadata, and of the structure and integrity groups when they are in
    ``groups``.

    Raises ``PackageFileError`` when there is no descriptor at ``path`` (a usage error);
    a descriptor or schema with faults gives findings (``package-error``, ``schema-error``
    …), never an exception.
    """
    groups = set(groups)
    files = path if isinstance(path, PackageFiles) else metadata.files_of(path)
    report = Report(stats={"descriptor": str(files.named),
                           "checks": [g for g in GROUPS if g in groups]})
    parsed = metadata.parse(files)
    report.extend(parsed.findings)
    model = parsed.package
    if model is None:
        return None, report
    selected = selection(model, tables)
    pkg = PackageData(files=files, model=model)
    report.stats["tables"] = {}
    paths: dict[str, Path] = {}
    schemas: dict[str, TableSchema] = {}
    for name in selected:
        res = model.by_name[name]
        try:
            paths[name] = files.path(res.path, what=f'resource "{name}": path')
        except UnsafePathError as exc:
            report.findings.append(Finding(code=exc.code, message=str(exc), table=name,
                                           value=str(res.path)))
            continue
        report.stats["tables"][name] = {"path": res.path}
        if res.table is not None:
            schemas[name] = res.table
    kept = _kept_fields(model, schemas, groups)
    schedule = KeySchedule(schemas, _needed(model, schemas, groups),
                           check="structure" in groups)
    labelled: dict[str, set[str]] = {}
    # one table at a time (its batches are dropped once checked), the files hashed meanwhile
    with ThreadPoolExecutor(max_workers=1, initializer=_low_priority) as pool:
        file_checks = registry.checks("integrity", "file") if "integrity" in groups else []
        hashes = [pool.submit(_guarded, name, check.run, name, files, model.by_name[name])
                  for check in file_checks for name in paths]
        reading = "structure" in groups or bool(groups & set(PACKAGE_CHECKS))
        for name, schema in schemas.items() if reading else ():
            result = _guarded(name, read_table, name, paths[name], schema, limit=limit,
                              keep=kept[name])
            if isinstance(result, list):  # the file could not be read
                report.extend(result)
            else:
                pkg.note_failed(result.findings)
                if "structure" in groups:
                    report.extend(result.findings)
                    if result.omitted:
                        report.stats.setdefault("omitted", {})[name] = result.omitted
                if result.data is not None:
                    pkg.tables[name] = result.data
                    labelled[name] = result.labelled
                    report.stats["tables"][name]["rows"] = result.data.table.num_rows
            report.extend(schedule.after_reading(name, pkg, labelled))
        for future in hashes:
            report.extend(future.result())
    # the readers' freed batches go back to the system before the package-wide checks build
    # their Python objects: Arrow's default pool (mimalloc) keeps them otherwise, 70 MB of
    # resident memory at 2,000 articles
    give_back()
    if "integrity" in groups and tables is None:  # the versions: a whole-package check
        for check in registry.checks("integrity", "package"):
            report.extend(check.run(pkg))
    return pkg, report


def check_integrity(files: PackageFiles, model: Package, names: Iterable[str]
                    ) -> list[Finding]:
    """The integrity group's checks without reading any table: the file checks (size and
    hash against the descriptor) of the resources ``names``, and the versions.
    ``load(name)`` runs them on the files of the tables it does not check."""
    out: list[Finding] = []
    for name in names:
        res = model.by_name[name]
        try:
            files.path(res.path, what=f'resource "{name}": path')
        except UnsafePathError as exc:
            out.append(Finding(code=exc.code, message=str(exc), table=name,
                               value=str(res.path)))
            continue
        for check in registry.checks("integrity", "file"):
            out += _guarded(name, check.run, name, files, res)
    pkg = PackageData(files=files, model=model)
    return out + [f for check in registry.checks("integrity", "package") for f in check.run(pkg)]


def _low_priority() -> None:
    """Lower the calling thread's CPU priority (Linux: a thread has its own nice value), so
    that hashing takes the time left over by reading and checking rather than slowing them;
    on 2 cores the hashes are still done before the checks end."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def _file_error(name: str, exc: OSError) -> Finding:
    return Finding(code=FILE_ERROR, table=name, message=f"the file cannot be read: {exc}")


def _guarded(name: str, work: Any, *args: Any, **kwargs: Any) -> Any:
    """``work(*args, **kwargs)``, or a list of one ``file-error`` finding when the file cannot
    be read, or of one ``internal-error`` naming the table when ``work`` stops with a bug
    (the other tables are still read and checked)."""
    try:
        return work(*args, **kwargs)
    except OSError as exc:
        return [_file_error(name, exc)]
    except Exception as exc:
        return [internal_error(f"{work.__module__}.{work.__name__}", exc, table=name)]


def selection(model: Package, tables: Iterable[str] | None) -> list[str]:
    """The resources a run of ``tables`` (``None``: all) reads: the named tables, the
    tables their foreign keys reach and the package's plain files (the seeds), in
    package order; ``ValueError`` naming the tables for an unknown one."""
    chosen = model.table_names if tables is None else _closure(model, tables)
    return [r.name for r in model.resources if r.name in chosen or not r.tabular]


def _closure(model: Package, tables: Iterable[str]) -> list[str]:
    """The named tables and the tables their foreign keys reach."""
    todo = list(tables)
    unknown = [t for t in todo if t not in model.table_names]
    if unknown:
        raise ValueError(f"no table(s) {', '.join(unknown)}; the tables are: "
                         f"{', '.join(model.table_names)}")
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        schema = model.schema(name)
        todo += [fk.target(name) for fk in (schema.foreignKeys if schema else [])
                 if fk.target(name) in model.table_names]
    return [n for n in model.table_names if n in seen]


def _kept_fields(model: Package, schemas: dict[str, TableSchema], groups: set[str]
                 ) -> dict[str, set[str] | None]:
    """Per table, the typed columns to keep (``None``: all): the key fields, and the fields
    the package-wide checks in ``groups`` read (``_needed``)."""
    keys = _key_fields(schemas)
    kept: dict[str, set[str] | None] = {
        name: None if needed is None else needed | keys[name]
        for name, needed in _needed(model, schemas, groups).items()}
    for name, schema in schemas.items():  # a table with no key fields still counts its rows
        if kept.get(name) == set() and schema.fields:
            kept[name] = {schema.fields[0].name}
    return kept


def _needed(model: Package, schemas: dict[str, TableSchema], groups: set[str]
            ) -> dict[str, set[str] | None]:
    """Per table, the fields the package-wide checks in ``groups`` read (``None``: all):
    of a fact table the ``needs`` of each check module; the other tables (sources, actors
    …) are kept whole for them."""
    modules = [m for g in PACKAGE_CHECKS if g in groups for m in registry.modules(g)]
    facts = set(model.fact_tables)
    needed: dict[str, set[str] | None] = {}
    for name, schema in schemas.items():
        if modules and name not in facts:
            needed[name] = None
            continue
        needed[name] = {f for m in modules for f in m.needs(schema)} & set(schema.names)
    return needed


def _key_fields(schemas: dict[str, TableSchema]) -> dict[str, set[str]]:
    """Per table, the fields the key checks need: unique fields, the primary key and the
    fields of foreign keys on either side."""
    wanted: dict[str, set[str]] = {name: set() for name in schemas}
    for name, schema in schemas.items():
        wanted[name] |= schema.key_fields()
        for fk in schema.foreignKeys:
            wanted.setdefault(fk.target(name), set()).update(fk.reference.fields)
    return wanted


def _package_check(group: str, pkg: PackageData, selected: set[str] | None) -> list[Finding]:
    """Findings of one of the package-wide groups: each registered check on its own, so a
    bug in one must not hide the other checks' findings."""
    found: list[Finding] = []
    try:
        checks = registry.checks(group, "package")
    except Exception as exc:  # a module that cannot be imported
        return [internal_error(group, exc)]
    for check in checks:
        try:
            got = check.run(pkg)
            got = _skip_unparsed(check, pkg, got, own=False)  # on cells already reported
            pkg.note_failed(got)  # a quote not in its article: the checks after skip it too
            found += _skip_unparsed(check, pkg, got, own=True)
        except Exception as exc:
            found.append(internal_error(check.name, exc))
        give_back()  # what the check freed, before the next one builds its own
    return [f for f in found if selected is None or f.table in selected]


def _skip_unparsed(check: registry.Check, pkg: PackageData, found: list[Finding], *,
                   own: bool) -> list[Finding]:
    """``found`` without the findings on a row whose cell did not parse (reported once:
    ``context.PARSE_CODES``) in a field the check's module reads (its ``needs``; of a
    table that is not a fact table, the finding's own field): one mistake, one finding.
    ``own``: the cells noted include the check's own ``PARSE_CODES`` findings, which stay."""
    if not pkg.failed:
        return found
    module = sys.modules[check.run.__module__]
    facts = set(pkg.model.fact_tables)
    read: dict[str, set[str] | None] = {}
    kept = []
    for f in found:
        td = pkg.tables.get(f.table or "")
        if td is None or f.row is None or (own and f.code in PARSE_CODES):
            kept.append(f)
            continue
        if f.table not in read:
            needs = getattr(module, "needs", None)
            read[f.table] = set(needs(td.schema)) if needs and f.table in facts else None
        fields = read[f.table] if read[f.table] is not None else {f.field}
        if not pkg.failed_in(td.name, f.row - 1, fields):
            kept.append(f)
    return kept
