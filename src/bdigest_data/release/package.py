"""A package directory or release archive as the release tooling reads it: plain JSON.

Release tooling compares and rewrites packages, old releases included, so ``PackageDir``
does not build the model (``bdigest_data.metadata``), whose rules an old archive need not
follow: it serves each file as written through the package reader
(``metadata.files.PackageFiles``, the same safety rules) and reads keys through
``metadata.written`` (normalised as the model does, nothing else checked), so it reads an
archive whatever its schema says.
``open_package`` is ``metadata.files.open_files``: a directory, descriptor or archive.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bdigest_data.metadata.files import (
    DESCRIPTOR,
    PackageError,
    PackageFiles,
    open_files,
    unreadable,
)
from bdigest_data.metadata.rows import KeyedRows, primary_key, read_keyed

__all__ = ["PackageDir", "PackageError", "open_package"]


@contextmanager
def open_package(path: str | Path) -> Iterator[Path]:
    """Yield the directory holding ``datapackage.json`` for a directory, descriptor or
    archive (unpacked into a temporary directory, removed afterwards)."""
    with open_files(path) as files:
        if files.descriptor != DESCRIPTOR:
            raise PackageError(f"{path}: give a package directory or archive")
        yield files.root


class PackageDir:
    """A package directory's descriptor, resources and Table Schemas (read fresh, no cache)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = PackageFiles(root)
        self.descriptor = self._json(DESCRIPTOR)
        where = self.files.descriptor_path
        if not isinstance(self.descriptor, dict):
            raise PackageError(f"{where}: not a data package: the descriptor is a JSON "
                               f"{type(self.descriptor).__name__}, not an object")
        resources = self.descriptor.get("resources")
        if not (isinstance(resources, list) and resources):
            raise PackageError(f'{where}: not a data package: it needs a "resources" list')
        for i, res in enumerate(resources):
            if problem := _resource_problem(res):
                raise PackageError(f"{where} /resources/{i}: {problem}")
        self.resources = {r["name"]: r for r in resources}

    def _json(self, relpath: object) -> dict[str, Any]:
        try:
            return self.files.read_json(relpath)
        except (OSError, ValueError) as exc:
            raise PackageError(f"{self.root / str(relpath)}: {unreadable(exc)}") from exc

    def stamp(self, name: str) -> tuple[int, str]:
        """``bytes`` and ``hash`` of resource ``name``'s file (``PackageError`` when the
        reader refuses it)."""
        try:
            return self.files.stamp(self.resources[name]["path"], what=f'resource "{name}"')
        except OSError as exc:
            raise PackageError(str(exc)) from None

    def schema(self, name: str) -> dict[str, Any] | None:
        """The Table Schema of resource ``name`` (None for a resource without one)."""
        schema = self.resources[name].get("schema")
        if isinstance(schema, str):
            schema = self._json(schema)
        if schema is not None and not isinstance(schema, dict):
            raise PackageError(f'resource "{name}": its Table Schema is not a JSON object')
        return schema

    def rows(self, name: str, key_fields: tuple[str, ...] | None = None) -> KeyedRows:
        """The rows of table ``name`` keyed by ``key_fields`` (default: its primary key)."""
        if key_fields is None:
            key_fields = primary_key(self.schema(name) or {})
        relpath = self.resources[name]["path"]
        try:
            fh = self.files.open(relpath, what=f'resource "{name}"')
        except OSError as exc:
            raise PackageError(str(exc)) from None
        with fh:
            return read_keyed(fh, self.root / relpath, key_fields)


def _resource_problem(res: object) -> str | None:
    """Why ``res`` is no resource the release tooling can read (``None``: it is one)."""
    if not isinstance(res, dict):
        return "a resource must be a JSON object"
    if not isinstance(res.get("name"), str):
        return "a resource needs a name (a string)"
    if isinstance(res.get("path"), list):
        return (f'resource "{res["name"]}" has a multipart path (a list of files); this '
                "package keeps one file per resource")
    if not isinstance(res.get("path"), str):
        return f'resource "{res["name"]}" needs a path (a string)'
    return None
