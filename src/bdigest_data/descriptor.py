"""Read ``datapackage.json`` and the Table Schemas it points to (plain JSON, no frictionless)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from bdigest_data._paths import descriptor_path


def _read_json(path: Path) -> dict[str, Any]:
    """The parsed JSON file, read again only when its size or modification time changes."""
    stat = path.stat()
    return _parse_json(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _parse_json(path: Path, size: int, mtime_ns: int) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def descriptor(path: str | Path | None = None) -> dict[str, Any]:
    """The parsed ``datapackage.json`` (of the installed package when ``path`` is None)."""
    return _read_json(descriptor_path(path).resolve())


def resources(path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Tabular resources by name, in descriptor order."""
    return {r["name"]: r for r in descriptor(path)["resources"] if r.get("schema")}


def table_names(path: str | Path | None = None) -> list[str]:
    """Names of the package's tables, lookup tables included."""
    return list(resources(path))


def fact_tables(path: str | Path | None = None) -> list[str]:
    """Names of the fact tables: those whose rows carry a verbatim ``quote``."""
    return [name for name in table_names(path)
            if any(f["name"] == "quote" for f in table_schema(name, path)["fields"])]


def check_name(name: str, path: str | Path | None = None) -> dict[str, Any]:
    """The resource called ``name``; a ``KeyError`` that lists the valid names otherwise."""
    res = resources(path)
    if name not in res:
        raise KeyError(f"no table {name!r}; the tables are: {', '.join(res)}")
    return res[name]


def table_schema(name: str, path: str | Path | None = None) -> dict[str, Any]:
    """The Table Schema of table ``name`` (the schema file the descriptor points to)."""
    res = check_name(name, path)
    schema = res["schema"]
    if isinstance(schema, str):
        return _read_json((descriptor_path(path).resolve().parent / schema).resolve())
    return schema
