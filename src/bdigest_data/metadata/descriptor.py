"""The package's descriptor and Table Schemas as written (plain JSON), read through the model.

Each function parses nothing itself: it asks ``bdigest_data.metadata`` (read once per
content of the files) and hands back the JSON as written, for display and for callers
that want plain dicts. Code that needs keys, types or roles uses the model instead.
``ValidationError`` when the descriptor or the schema asked for has faults.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bdigest_data import metadata
from bdigest_data.findings import ValidationError


def descriptor_text(desc: dict[str, Any]) -> str:
    """A descriptor the way the repository keeps it (2-space indent, non-ASCII as is,
    final newline): what ``stamp`` and ``add-article`` write."""
    return json.dumps(desc, indent=2, ensure_ascii=False) + "\n"


def descriptor(path: str | Path | None = None) -> dict[str, Any]:
    """The parsed ``datapackage.json`` (of the installed package when ``path`` is None)."""
    parsed = metadata.parse(path)
    if parsed.package is None:
        raise ValidationError(parsed.findings)
    return parsed.package.raw


def resources(path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Tabular resources by name, in descriptor order."""
    model = metadata.package(path)
    return {r.name: r.raw for r in model.resources if r.tabular}


def table_names(path: str | Path | None = None) -> list[str]:
    """Names of the package's tables, lookup tables included."""
    return metadata.package(path).table_names


def fact_tables(path: str | Path | None = None) -> list[str]:
    """Names of the fact tables (``"bdigest:role": "facts"``)."""
    return metadata.package(path).fact_tables


def check_name(name: str, path: str | Path | None = None) -> dict[str, Any]:
    """The resource called ``name``; a ``KeyError`` that lists the valid names otherwise."""
    res = resources(path)
    if name not in res:
        raise KeyError(f"no table {name!r}; the tables are: {', '.join(res)}")
    return res[name]


def table_schema(name: str, path: str | Path | None = None) -> dict[str, Any]:
    """The Table Schema of table ``name`` as written (its file, or inline)."""
    check_name(name, path)
    schema = metadata.package(path).schema(name)
    assert schema is not None  # metadata.package raises for a faulty schema
    return schema.raw
