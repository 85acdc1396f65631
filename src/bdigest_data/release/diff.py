"""Compare two releases of the package: tables, schemas and rows keyed by primary key.

``diff_packages(old, new)`` takes package directories (``old=None``: no previous release,
everything is new); ``open_package(path)`` also accepts a release archive (zip or tar).
The result states the smallest version bump the changes require (see ``versioning``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bdigest_data.metadata.rows import KeyedRows, format_key, primary_key
from bdigest_data.release.package import PackageDir
from bdigest_data.release.schema_diff import Change, compare_mapping, compare_schemas
from bdigest_data.release.versioning import Bump, shortfall

# Release bookkeeping that changes with every release and is no change of the data.
_PACKAGE_SKIP = frozenset({"resources", "version", "created"})
_RESOURCE_SKIP = frozenset({"name", "schema", "bytes", "hash"})


def _as_v2(resource: dict[str, Any]) -> dict[str, Any]:
    """``resource`` as Data Package v2 reads its ``type``: ``table``, or absent for a plain
    file, so the ``"type": "file"`` of releases up to 1.2.0 reads as absent (no change)."""
    if resource.get("type") == "file":
        return {k: v for k, v in resource.items() if k != "type"}
    return resource


@dataclass(frozen=True)
class RowChange:
    """One row present in both releases whose values differ: field -> (before, after)."""

    key: str
    fields: dict[str, tuple[str, str]]


@dataclass
class TableDiff:
    """What changed in one table; ``status`` is added, removed, changed or unchanged."""

    name: str
    status: str
    key_fields: tuple[str, ...] = ()
    changes: list[Change] = field(default_factory=list)
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    note: str | None = None

    def key(self, row: dict[str, str]) -> str:
        """The primary-key value of ``row`` as people read it."""
        return format_key(tuple(row[f] for f in self.key_fields))

    def summary(self) -> list[Change]:
        """One line per kind of change, each with the bump it needs."""
        counted = ((Bump.MINOR, self.added, "added"), (Bump.MAJOR, self.removed, "removed"),
                   (Bump.PATCH, self.changed, "with corrected values"))
        if self.status in ("added", "removed"):
            level = Bump.MINOR if self.status == "added" else Bump.MAJOR
            rows = self.added or self.removed
            return [Change(level, self.name, f"table {self.status} ({_rows(len(rows))})")]
        lines = [Change(level, self.name, f"{_rows(len(items))} {verb}")
                 for level, items, verb in counted if items]
        return self.changes + lines


@dataclass
class PackageDiff:
    """Every change from ``old_version`` (None: no previous release) to ``new_version``."""

    old_version: str | None
    new_version: str
    changes: list[Change] = field(default_factory=list)
    tables: list[TableDiff] = field(default_factory=list)

    def summary(self) -> list[Change]:
        """Package-level changes and each table's summary, in descriptor order."""
        return self.changes + [c for t in self.tables for c in t.summary()]

    @property
    def bump(self) -> Bump:
        """The smallest version bump the changes require (``Bump.NONE``: identical)."""
        return max((c.bump for c in self.summary()), default=Bump.NONE)

    @property
    def version_problem(self) -> str | None:
        """Why ``new_version`` is lower than the changes require (``None``: it is not, or
        there is no previous release)."""
        if self.old_version is None:
            return None
        return shortfall(self.old_version, self.new_version, self.bump)

    def reasons(self) -> list[Change]:
        """The changes that set the required bump."""
        return [c for c in self.summary() if c.bump == self.bump]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view of the whole diff."""
        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "required_bump": str(self.bump),
            "version_problem": self.version_problem,
            "reasons": [str(c) for c in self.reasons()],
            "package_changes": [_change_dict(c) for c in self.changes],
            "tables": [_table_dict(t) for t in self.tables],
        }


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def _change_dict(change: Change) -> dict[str, str]:
    return {"bump": str(change.bump), "where": change.where, "what": change.what}


def _table_dict(t: TableDiff) -> dict[str, Any]:
    return {
        "name": t.name, "status": t.status, "primary_key": list(t.key_fields),
        "schema_changes": [_change_dict(c) for c in t.changes],
        "rows_added": t.added, "rows_removed": t.removed,
        "rows_changed": [
            {"key": r.key,
             "fields": {k: {"before": b, "after": a} for k, (b, a) in r.fields.items()}}
            for r in t.changed
        ],
        "note": t.note,
    }


def diff_packages(old: Path | None, new: Path) -> PackageDiff:
    """Compare package directory ``old`` (None: no previous release) with ``new``."""
    old_pkg, new_pkg = (PackageDir(old) if old else None), PackageDir(new)
    result = PackageDiff(old_pkg.descriptor.get("version") if old_pkg else None,
                         new_pkg.descriptor.get("version", "?"))
    old_res = old_pkg.resources if old_pkg else {}
    if old_pkg:
        result.changes += _package_changes(old_pkg.descriptor, new_pkg.descriptor)
    for name in [*new_pkg.resources, *(n for n in old_res if n not in new_pkg.resources)]:
        tabular = (new_pkg.resources.get(name) or old_res[name]).get("schema")
        if tabular:
            result.tables.append(_diff_table(name, old_pkg, new_pkg))
        else:
            result.changes += _diff_file(name, old_pkg, new_pkg)
    return result


def _package_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Package metadata: a new name breaks references (major), anything else is a patch."""
    return [
        Change(Bump.MAJOR if key == "name" else Bump.PATCH, "package", f"`{key}` changed")
        for key in sorted((old.keys() | new.keys()) - _PACKAGE_SKIP)
        if old.get(key) != new.get(key)
    ]


def _diff_file(name: str, old: PackageDir | None, new: PackageDir) -> list[Change]:
    """A resource without a schema (the seed text): added, removed, or content changed."""
    where = f"resource `{name}`"
    if old is None or name not in old.resources:
        return [Change(Bump.MINOR, where, "added")]
    if name not in new.resources:
        return [Change(Bump.MAJOR, where, "removed")]
    before, after = old.resources[name], new.resources[name]
    changes = compare_mapping(where, _as_v2(before), _as_v2(after), skip=_RESOURCE_SKIP)
    old_hash, new_hash = old.stamp(name)[1], new.stamp(name)[1]
    if old_hash != new_hash:
        changes.append(Change(Bump.PATCH, where, f"content changed ({old_hash} -> {new_hash})"))
    return changes


def _diff_table(name: str, old: PackageDir | None, new: PackageDir) -> TableDiff:
    if old is None or name not in old.resources:
        return _whole_table(name, new, "added")
    if name not in new.resources:
        return _whole_table(name, old, "removed")
    old_schema, new_schema = old.schema(name) or {}, new.schema(name) or {}
    changes = compare_mapping(
        f"resource `{name}`", _as_v2(old.resources[name]), _as_v2(new.resources[name]),
        skip=_RESOURCE_SKIP
    )
    table = TableDiff(name, "changed", primary_key(new_schema),
                      changes + compare_schemas(old_schema, new_schema))
    if primary_key(old_schema) != table.key_fields:
        table.note = (f"primary key changed from {list(primary_key(old_schema))} to "
                      f"{list(table.key_fields)}: rows not compared")
    else:
        _diff_rows(table, old.rows(name, table.key_fields), new.rows(name, table.key_fields))
    if not (table.changes or table.added or table.removed or table.changed or table.note):
        table.status = "unchanged"
    return table


def _whole_table(name: str, pkg: PackageDir, status: str) -> TableDiff:
    keyed = pkg.rows(name)
    rows = list(keyed.rows.values())
    table = TableDiff(name, status, keyed.key_fields)
    if status == "added":
        table.added = rows
    else:
        table.removed = rows
    return table


def _diff_rows(table: TableDiff, old: KeyedRows, new: KeyedRows) -> None:
    common = [f for f in new.header if f in old.header]
    table.added = [row for key, row in new.rows.items() if key not in old.rows]
    table.removed = [row for key, row in old.rows.items() if key not in new.rows]
    for key, row in new.rows.items():
        before = old.rows.get(key)
        if before is None:
            continue
        fields = {f: (before[f], row[f]) for f in common if before[f] != row[f]}
        if fields:
            table.changed.append(RowChange(format_key(key), fields))
