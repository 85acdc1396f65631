"""Run the checks on a package: read the descriptor and the tables, then each check group.

Groups (``GROUPS``): ``structure`` (header, rows, cells, keys: what frictionless checks),
``integrity`` (bytes, hashes, versions), ``provenance``, ``semantics``, ``coverage`` (the
last three in their own modules, each ``check(pkg) -> list[Finding]``). Safety is not a
group: a path that leaves the package is never opened. ``tables`` limits the run to some
tables, the tables their foreign keys reach and the package's plain files; coverage, a
property of the whole package, then does not run.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bdigest_data._paths import descriptor_path
from bdigest_data.findings import Finding, Report
from bdigest_data.validation import GROUPS, integrity, keys, safety
from bdigest_data.validation.context import PackageData
from bdigest_data.validation.structure import read_table

PACKAGE_CHECKS = {g: f"bdigest_data.validation.{g}" for g in GROUPS[2:]}
DEFAULT_LIMIT = 1000  # findings per table and check group, like frictionless' limit-errors


def validate(path: str | Path | None = None, *, tables: Iterable[str] | None = None,
             checks: Iterable[str] | None = None, limit: int | None = DEFAULT_LIMIT) -> Report:
    """Validate the package at ``path`` (see ``bdigest_data.validation.validate``)."""
    started = time.perf_counter()
    groups = _groups(checks)
    pkg, report = load(path, tables=tables, groups=groups, limit=limit)
    if pkg is not None:
        selected = set(pkg.tables) if tables is not None else None
        for group in groups:
            if group in PACKAGE_CHECKS and not (group == "coverage" and tables is not None):
                report.extend(_package_check(group, pkg, selected))
    order = {name: i for i, name in enumerate(report.stats.get("tables", {}))}
    report.findings.sort(key=lambda f: (order.get(f.table, -1) if f.table else -1, f.row or 0))
    report.stats["seconds"] = round(time.perf_counter() - started, 3)
    return report


def _groups(checks: Iterable[str] | None) -> list[str]:
    if checks is None:
        return list(GROUPS)
    chosen = list(dict.fromkeys(checks))
    unknown = [c for c in chosen if c not in GROUPS]
    if unknown:
        raise ValueError(f"unknown check group(s) {', '.join(unknown)}; the groups are: "
                         f"{', '.join(GROUPS)}")
    return chosen


def load(path: str | Path | None = None, *, tables: Iterable[str] | None = None,
         groups: Iterable[str] = GROUPS, limit: int | None = DEFAULT_LIMIT
         ) -> tuple[PackageData | None, Report]:
    """Read a package for the checks: its descriptor and typed tables, with the findings of
    the structure and integrity groups when they are in ``groups``.

    Raises ``FileNotFoundError`` when there is no descriptor at ``path`` (a usage error);
    a descriptor that is not valid JSON is a finding (``package-error``).
    """
    groups = set(groups)
    dp = descriptor_path(path)
    if not dp.is_file():
        raise FileNotFoundError(f"no datapackage.json at {dp}")
    root = dp.parent.resolve()
    report = Report(stats={"descriptor": str(dp), "checks": [g for g in GROUPS if g in groups]})
    desc = _descriptor(dp, report)
    if desc is None:
        return None, report
    resources = {r["name"]: r for r in desc["resources"]}
    selected = list(resources) if tables is None else _closure(root, resources, tables)
    pkg = PackageData(root=root, descriptor=desc)
    report.stats["tables"] = {}
    files: dict[str, Path] = {}
    schemas: dict[str, dict[str, Any]] = {}
    for name in selected:
        res = resources[name]
        try:
            files[name] = safety.resolve(root, res.get("path"), what=f'resource "{name}": path')
        except safety.UnsafePathError as exc:
            report.findings.append(safety.finding(exc, name, res.get("path")))
            continue
        report.stats["tables"][name] = {"path": res.get("path")}
        if "schema" in res:
            schema = _schema(root, name, res, report)
            if schema is not None:
                schemas[name] = schema
    kept = _kept_fields(schemas, groups)
    labelled: dict[str, set[str]] = {}
    # one table at a time (its batches are dropped once checked), the files hashed meanwhile
    with ThreadPoolExecutor(max_workers=1, initializer=_low_priority) as pool:
        hashes = [pool.submit(_guarded, name, integrity.check_file, name, files[name],
                              resources[name])
                  for name in files if "integrity" in groups]
        reading = "structure" in groups or bool(groups & set(PACKAGE_CHECKS))
        for name, schema in schemas.items() if reading else ():
            result = _guarded(name, read_table, name, files[name], schema, limit=limit,
                              keep=kept[name])
            if isinstance(result, list):  # the file could not be read
                report.extend(result)
                continue
            if "structure" in groups:
                report.extend(result.findings)
                if result.omitted:
                    report.stats.setdefault("omitted", {})[name] = result.omitted
            if result.data is not None:
                pkg.tables[name] = result.data
                labelled[name] = result.labelled
                report.stats["tables"][name]["rows"] = result.data.table.num_rows
        for future in hashes:
            report.extend(future.result())
    if "structure" in groups:
        report.extend(_foreign_keys(pkg, schemas, labelled, set(resources)))
    if "integrity" in groups and tables is None:
        report.extend(integrity.check_versions(root, desc, dp))
    return pkg, report


def _low_priority() -> None:
    """Lower the calling thread's CPU priority (Linux: a thread has its own nice value), so
    that hashing takes the time left over by reading and checking rather than slowing them;
    on 2 cores the hashes are still done before the checks end."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def _file_error(name: str, exc: OSError) -> Finding:
    return Finding(code="file-error", table=name, message=f"the file cannot be read: {exc}")


def _guarded(name: str, work: Any, *args: Any, **kwargs: Any) -> Any:
    """``work(*args, **kwargs)``, or a list of one ``file-error`` finding when the file cannot
    be read."""
    try:
        return work(*args, **kwargs)
    except OSError as exc:
        return [_file_error(name, exc)]


def _descriptor(dp: Path, report: Report) -> dict[str, Any] | None:
    """The parsed descriptor, or ``None`` with a ``package-error`` finding."""

    def error(message: str, line: int | None = None) -> None:
        report.findings.append(Finding(code="package-error", message=message, line=line,
                                       value=dp.name))

    try:
        desc = json.loads(dp.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        return error(f"datapackage.json is not UTF-8: {exc}")
    except json.JSONDecodeError as exc:
        return error(f"datapackage.json is not valid JSON: {exc.msg} (line {exc.lineno}, "
                     f"column {exc.colno})", exc.lineno)
    if not isinstance(desc, dict) or not isinstance(desc.get("resources"), list):
        return error('datapackage.json must be an object with a "resources" list')
    names = [r.get("name") if isinstance(r, dict) else None for r in desc["resources"]]
    if any(not isinstance(n, str) or not n for n in names):
        return error("every resource in datapackage.json must be an object with a name")
    if len(set(names)) != len(names):
        return error(f"resource names must be unique: {names}")
    return desc


def _closure(root: Path, resources: dict[str, dict[str, Any]], tables: Iterable[str]
             ) -> list[str]:
    """The named tables, the tables their foreign keys reach, and the plain files (a schema
    that cannot be read reaches nothing; it is reported when its table is checked)."""
    todo = list(tables)
    unknown = [t for t in todo if t not in resources or "schema" not in resources[t]]
    if unknown:
        names = [n for n, r in resources.items() if "schema" in r]
        raise ValueError(f"no table(s) {', '.join(unknown)}; the tables are: {', '.join(names)}")
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        schema = _schema(root, name, resources[name], Report()) or {}
        for fk in schema.get("foreignKeys") or []:
            parts = _fk_parts(fk, name)
            if parts is not None and "schema" in resources.get(parts[1], {}):
                todo.append(parts[1])
    return [n for n, r in resources.items() if n in seen or "schema" not in r]


def _schema(root: Path, name: str, res: dict[str, Any], report: Report
            ) -> dict[str, Any] | None:
    """The resource's Table Schema (a file inside the package or inline)."""
    schema = res["schema"]
    if isinstance(schema, str):
        try:
            file = safety.resolve(root, schema, what=f'resource "{name}": schema')
            schema = json.loads(file.read_text(encoding="utf-8"))
        except safety.UnsafePathError as exc:
            report.findings.append(safety.finding(exc, name, schema))
            return None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            report.findings.append(Finding(code="schema-error", table=name, value=schema,
                                           message=f"the schema file is not valid JSON: {exc}"))
            return None
        res["schema"] = schema  # checks read the schema from the descriptor
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list) or not all(isinstance(f, dict) for f in fields):
        report.findings.append(Finding(code="schema-error", table=name,
                                       message='the schema must be an object with a "fields" '
                                               "list of field objects"))
        return None
    names = [f.get("name") for f in fields]
    if len(set(map(str, names))) != len(names):
        report.findings.append(Finding(code="schema-error", table=name,
                                       message=f"field names must be unique: {names}"))
        return None
    return schema


def _fk_parts(fk: Any, own: str) -> tuple[list[str], str, list[str]] | None:
    """(fields, referenced table, referenced fields) of a foreign key, ``None`` if malformed."""
    if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
        return None
    fields, ref = fk.get("fields"), fk["reference"]
    ref_fields = ref.get("fields")
    fields = [fields] if isinstance(fields, str) else fields
    ref_fields = [ref_fields] if isinstance(ref_fields, str) else ref_fields
    if not (isinstance(fields, list) and isinstance(ref_fields, list)
            and len(fields) == len(ref_fields) and fields):
        return None
    return [str(f) for f in fields], ref.get("resource") or own, [str(f) for f in ref_fields]


def _kept_fields(schemas: dict[str, dict[str, Any]], groups: set[str]
                 ) -> dict[str, set[str] | None]:
    """Per table, the typed columns to keep (``None``: all): the key fields, and the fields
    the package-wide checks in ``groups`` read (``needs`` of each check module) of a fact
    table; the other tables (sources, actors …) are kept whole for them."""
    kept: dict[str, set[str] | None] = dict(_key_fields(schemas))
    modules = [importlib.import_module(PACKAGE_CHECKS[g]) for g in PACKAGE_CHECKS if g in groups]
    for name, schema in schemas.items():
        if not modules:
            break
        names = {str(f.get("name")) for f in schema["fields"]}
        if "quote" not in names:
            kept[name] = None
            continue
        wanted = kept[name] or set()
        for module in modules:
            wanted |= module.needs(schema) & names
        kept[name] = wanted
    for name, schema in schemas.items():  # a table with no key fields still counts its rows
        if kept.get(name) == set() and schema["fields"]:
            kept[name] = {str(schema["fields"][0].get("name"))}
    return kept


def _key_fields(schemas: dict[str, dict[str, Any]]) -> dict[str, set[str]]:
    """Per table, the fields the key checks need: unique fields, the primary key and the
    fields of foreign keys on either side."""
    wanted: dict[str, set[str]] = {name: set() for name in schemas}
    for name, schema in schemas.items():
        pk = schema.get("primaryKey") or []
        wanted[name] |= {pk} if isinstance(pk, str) else set(map(str, pk))
        wanted[name] |= {str(f.get("name")) for f in schema["fields"]
                         if isinstance(f.get("constraints"), dict)
                         and f["constraints"].get("unique")}
        for fk in schema.get("foreignKeys") or []:
            parts = _fk_parts(fk, name)
            if parts is not None:
                wanted[name] |= set(parts[0])
                wanted.setdefault(parts[1], set()).update(parts[2])
    return wanted


def _foreign_keys(pkg: PackageData, schemas: dict[str, dict[str, Any]],
                  labelled: dict[str, set[str]], resources: set[str]) -> list[Finding]:
    """``foreign-key`` findings of every table (a key whose fields lack a column is not
    checked, as in frictionless)."""
    out: list[Finding] = []
    for name, schema in schemas.items():
        if name not in pkg.tables:
            continue
        for fk in schema.get("foreignKeys") or []:
            parts = _fk_parts(fk, name)
            if parts is None:
                out.append(Finding(code="schema-error", table=name, value=json.dumps(fk),
                                   message="a foreign key must have fields and a reference "
                                           "with as many fields"))
                continue
            fields, ref, ref_fields = parts
            if ref not in schemas:
                if ref not in resources:
                    out.append(Finding(code="schema-error", table=name, value=ref,
                                       message=f'foreign key "{", ".join(fields)}" refers to '
                                               f'table "{ref}", which the package lacks'))
                continue
            if not set(fields) <= labelled[name] or ref not in pkg.tables:
                continue
            out += keys.foreign_key_findings(pkg.tables[name], fields, pkg.tables[ref],
                                             ref_fields)
    return out


def _internal(group: str, exc: Exception) -> Finding:
    return Finding(code="internal-error",
                   message=f"the {group} checks stopped with {type(exc).__name__}: {exc}; "
                           "this is a bug in bdigest-data, please report it")


def _package_check(group: str, pkg: PackageData, selected: set[str] | None) -> list[Finding]:
    """Findings of one of the package-wide groups (provenance, semantics, coverage)."""
    module_name = PACKAGE_CHECKS[group]
    try:
        module = importlib.import_module(module_name)
        found = list(module.check(pkg))
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            return [_internal(group, exc)]
        return []
    except Exception as exc:  # a bug in one group must not hide the other groups' findings
        return [_internal(group, exc)]
    return [f for f in found if selected is None or f.table in selected]
