"""What every export writes: the package's metadata and each table as a loaded frame."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bdigest_data import metadata
from bdigest_data.loader.columns import Column, table_columns
from bdigest_data.metadata.classes import TableSchema
from bdigest_data.metadata.files import PackageFiles

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class ExportTable:
    """One table: its schema facts, its columns and its frame as ``bdigest_data.load`` gives it."""

    name: str
    title: str
    description: str
    grain: str
    model: TableSchema
    columns: list[Column]
    frame: pd.DataFrame

    @property
    def schema(self) -> dict[str, Any]:
        """The Table Schema as written."""
        return self.model.raw

    @property
    def primary_key(self) -> list[str]:
        """The fields of the table's primary key."""
        return self.model.primary_key

    def foreign_keys(self) -> list[tuple[list[str], str, list[str]]]:
        """``(fields, referenced table, referenced fields)``; ``""`` resolved to this table."""
        return [(fk.fields, fk.target(self.name), fk.reference.fields)
                for fk in self.model.foreignKeys]


@dataclass(frozen=True)
class ExportPackage:
    """The package being exported: descriptor metadata, its tables in descriptor order, and
    its files (through which a writer reads any other file, e.g. a seed)."""

    descriptor: dict[str, Any]
    citation: str
    tables: list[ExportTable]
    files: PackageFiles

    @property
    def name(self) -> str:
        """The package name."""
        return str(self.descriptor["name"])

    @property
    def version(self) -> str:
        """The package version."""
        return str(self.descriptor["version"])

    @property
    def title(self) -> str:
        """The package title."""
        return str(self.descriptor.get("title", self.name))

    @property
    def license(self) -> dict[str, str]:
        """The package's first licence (``name``, ``path``, ``title``), empty if none."""
        return dict((self.descriptor.get("licenses") or [{}])[0])

    def about(self) -> dict[str, str]:
        """Package facts every export records: name, version, title, licence, citation."""
        return {"name": self.name, "version": self.version, "title": self.title,
                "description": self.descriptor.get("description", ""),
                "license": self.license.get("name", ""), "citation": self.citation}


def load_package(path: str | Path | None = None) -> ExportPackage:
    """Validate the package at ``path`` (default: the installed one) and load every table.

    Raises ``bdigest_data.ValidationError`` when the package breaks a rule: nothing is
    exported from an invalid package.
    """
    from bdigest_data.loader.frames import citation, load_all

    frames = load_all(path=path)
    model = metadata.package(path)
    tables = []
    for name, schema in model.tables.items():
        res = model.by_name[name]
        columns = table_columns(schema)
        frame = frames[name]
        if list(frame.columns) != [c.name for c in columns]:
            raise ValueError(f"table {name!r}: loaded columns {list(frame.columns)} differ from "
                             f"the schema's {[c.name for c in columns]}")
        tables.append(ExportTable(
            name=name,
            title=res.title or name,
            description=schema.description or res.description or "",
            grain=schema.grain,
            model=schema,
            columns=columns,
            frame=frame,
        ))
    return ExportPackage(model.raw, citation(path), tables, metadata.files_of(path))
