"""The typed model of the package, read once: every layer asks it, none re-parses JSON.

Modules: ``files`` (the one reader of package files, with the safety rules), ``classes``
(pydantic models of descriptor, resources, Table Schemas, fields and keys), ``types`` (the
one mapping of Table Schema types to Arrow, pandas, SQL and Python), ``profile`` (parse and
check, every fault a located finding).

``parse(path)`` gives the ``ParsedPackage`` of a package directory or descriptor
(default: the installed package), remembered while its descriptor and schema files keep
their content (``parse_stamped`` also gives the digest of that content); ``package(path)``
the model itself, raising ``ValidationError`` when the metadata has faults.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bdigest_data.findings import PackageError, ValidationError
from bdigest_data.metadata.files import DESCRIPTOR, PackageFiles, open_files

if TYPE_CHECKING:
    from bdigest_data.metadata.classes import Package
    from bdigest_data.metadata.profile import ParsedPackage

__all__ = ["DESCRIPTOR", "DOCS", "Field", "ForeignKey", "Package", "PackageFiles", "ParsedPackage",
           "Resource", "TableSchema", "docs_files", "files_of", "open_files", "package", "parse",
           "parse_stamped"]
# names imported on first use (pydantic is loaded only when the model is needed)
_LAZY = {"Field": "classes", "ForeignKey": "classes", "Package": "classes",
         "Resource": "classes", "TableSchema": "classes", "ParsedPackage": "profile"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_cache: dict[tuple[Path, str], tuple[str, ParsedPackage]] = {}
_lock = threading.Lock()


def files_of(path: str | Path | None = None) -> PackageFiles:
    """The files of the package directory or descriptor ``path`` (default: installed).

    ``PackageFileError`` when there is no descriptor there.
    """
    from bdigest_data.metadata.paths import descriptor_path

    dp = descriptor_path(path)
    if not dp.is_file():
        raise PackageError(f"no {DESCRIPTOR} at {dp}", value=str(dp))
    return PackageFiles(dp.parent, dp.name)


# what counts as a visit, a meeting, a transfer (the codebook) and how far two coders agree
DOCS = ("docs/codebook.md", "docs/reliability.md")


def docs_files(files: PackageFiles) -> PackageFiles | None:
    """The package whose files hold the codebook and the reliability report (``DOCS``): the
    package's own, else the installed copy's (a release archive ships none); None when
    neither holds both. Read them through it (``read_text``)."""
    from bdigest_data.metadata.files import UnsafePathError

    candidates = [files]
    with contextlib.suppress(ValidationError):  # no installed copy: the package's or none
        candidates.append(files_of(None))
    for candidate in candidates:
        try:
            for doc in DOCS:
                candidate.path(doc, what="document")
        except UnsafePathError:  # absent or refused
            continue
        return candidate
    return None


def parse(path: str | Path | PackageFiles | None = None) -> ParsedPackage:
    """The parsed package at ``path`` (see ``profile.read_package``), read again only when
    the content of its descriptor or a schema file changes."""
    return parse_stamped(path)[0]


def parse_stamped(path: str | Path | PackageFiles | None = None) -> tuple[ParsedPackage, str]:
    """``parse(path)`` and the content digest of the files it read (``ParsedPackage.files``:
    the descriptor and schema files), for callers whose own cache key includes them."""
    files = path if isinstance(path, PackageFiles) else files_of(path)
    key = (files.root, files.descriptor)
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        digest = files.digest(cached[1].files)
        if digest == cached[0]:
            return cached[1], digest
    from bdigest_data.metadata.profile import read_package

    parsed = read_package(files)
    digest = files.digest(parsed.files)
    with _lock:
        _cache[key] = (digest, parsed)
    return parsed, digest


def package(path: str | Path | PackageFiles | None = None) -> Package:
    """The model of the package at ``path``; ``ValidationError`` with the findings when its
    descriptor or schemas have faults."""
    parsed = parse(path)
    if parsed.findings or parsed.package is None:
        raise ValidationError(parsed.findings)
    return parsed.package
