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

from bdigest_data.metadata.files import PackageError, PackageFiles, open_files
from bdigest_data.release.rows import KeyedRows, primary_key, read_keyed

__all__ = ["PackageDir", "PackageError", "open_package"]


@contextmanager
def open_package(path: str | Path) -> Iterator[Path]:
    """Yield the directory holding ``datapackage.json`` for a directory, descriptor or
    archive (unpacked into a temporary directory, removed afterwards)."""
    with open_files(path) as files:
        if files.descriptor != "datapackage.json":
            raise PackageError(f"{path}: give a package directory or archive")
        yield files.root


class PackageDir:
    """A package directory's descriptor, resources and Table Schemas (read fresh, no cache)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = PackageFiles(root)
        self.descriptor = self._json("datapackage.json")
        resources = self.descriptor.get("resources") if isinstance(self.descriptor, dict) \
            else None
        if not (isinstance(resources, list) and resources and all(
                isinstance(r, dict) and isinstance(r.get("name"), str)
                and isinstance(r.get("path"), str) for r in resources)):
            raise PackageError(f"{root / 'datapackage.json'}: not a data package (it needs a "
                               '"resources" list, each resource with a name and a path)')
        self.resources = {r["name"]: r for r in resources}

    def _json(self, relpath: object) -> dict[str, Any]:
        try:
            return self.files.read_json(relpath)
        except (OSError, ValueError) as exc:
            raise PackageError(f"{self.root / str(relpath)}: cannot read JSON ({exc})") from exc

    def path(self, relpath: object) -> Path:
        """A file of the package (``PackageError`` when the safety rules refuse it)."""
        try:
            return self.files.path(relpath)
        except OSError as exc:
            raise PackageError(str(exc)) from exc

    def schema(self, name: str) -> dict[str, Any] | None:
        """The Table Schema of resource ``name`` (None for a resource without one)."""
        schema = self.resources[name].get("schema")
        return self._json(schema) if isinstance(schema, str) else schema

    def rows(self, name: str, key_fields: tuple[str, ...] | None = None) -> KeyedRows:
        """The rows of table ``name`` keyed by ``key_fields`` (default: its primary key)."""
        if key_fields is None:
            key_fields = primary_key(self.schema(name) or {})
        return read_keyed(self.path(self.resources[name]["path"]), key_fields)
