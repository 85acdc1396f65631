"""A package directory or release archive, read fresh from disk (no caching).

``descriptor.py`` caches what it reads, which suits the installed package; release tooling
compares and rewrites packages, so it reads through ``PackageDir`` instead.
"""

from __future__ import annotations

import json
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bdigest_data._paths import DESCRIPTOR
from bdigest_data.release.rows import KeyedRows, primary_key, read_keyed


class PackageError(ValueError):
    """A path that is no package or archive, or unreadable JSON; names the file and cause."""


@contextmanager
def open_package(path: str | Path) -> Iterator[Path]:
    """Yield the directory holding ``datapackage.json`` for a directory, descriptor or archive.

    An archive (``.zip``, ``.tar.gz`` …) is unpacked into a temporary directory that is
    removed afterwards; its descriptor may sit at the top or in one top-level folder.
    """
    p = Path(path)
    if p.is_dir() or p.name == DESCRIPTOR:
        root = p if p.is_dir() else p.parent
        if not (root / DESCRIPTOR).is_file():
            raise PackageError(f"{p}: no {DESCRIPTOR} here; give a package directory or archive")
        yield root
        return
    if not p.is_file():
        raise PackageError(f"{p}: no such package directory or release archive")
    with tempfile.TemporaryDirectory(prefix="bdigest-package-") as tmp:
        _unpack(p, Path(tmp))
        found = [*Path(tmp).glob(DESCRIPTOR), *Path(tmp).glob(f"*/{DESCRIPTOR}")]
        if len(found) != 1:
            raise PackageError(f"{p}: expected one {DESCRIPTOR} in the archive, found {len(found)}")
        yield found[0].parent


def _unpack(archive: Path, dest: Path) -> None:
    """Unpack a zip or tar archive safely (no paths outside ``dest``)."""
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(dest)
        elif tarfile.is_tarfile(archive):
            with tarfile.open(archive) as tf:
                tf.extractall(dest, filter="data")
        else:
            raise PackageError(f"{archive}: not a package directory or a zip/tar archive")
    except (zipfile.BadZipFile, tarfile.TarError, OSError) as exc:
        raise PackageError(f"{archive}: cannot unpack the archive ({exc})") from exc


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PackageError(f"{path}: cannot read JSON ({exc})") from exc


class PackageDir:
    """A package directory's descriptor, resources and Table Schemas (read fresh, no cache)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.descriptor = _read_json(root / DESCRIPTOR)
        resources = self.descriptor.get("resources") if isinstance(self.descriptor, dict) \
            else None
        if not (isinstance(resources, list) and resources and all(
                isinstance(r, dict) and isinstance(r.get("name"), str)
                and isinstance(r.get("path"), str) for r in resources)):
            raise PackageError(f"{root / DESCRIPTOR}: not a data package (it needs a "
                               '"resources" list, each resource with a name and a path)')
        self.resources = {r["name"]: r for r in resources}

    def schema(self, name: str) -> dict[str, Any] | None:
        """The Table Schema of resource ``name`` (None for a resource without one)."""
        schema = self.resources[name].get("schema")
        return _read_json(self.root / schema) if isinstance(schema, str) else schema

    def rows(self, name: str, key_fields: tuple[str, ...] | None = None) -> KeyedRows:
        """The rows of table ``name`` keyed by ``key_fields`` (default: its primary key)."""
        if key_fields is None:
            key_fields = primary_key(self.schema(name) or {})
        return read_keyed(self.root / self.resources[name]["path"], key_fields)
