"""Export the package to SQLite, Parquet, Excel (xlsx), JSON or DuckDB, or its evidence as
W3C Web Annotations.

Every table format is written from the frames ``bdigest_data.load`` returns (after
validation), with their derived EDTF columns, and with the table and column descriptions,
the package version and the citation. See the module of each format for how it maps the
types: :mod:`.sqlite`, :mod:`.parquet`, :mod:`.xlsx`, :mod:`.jsonfile`, :mod:`.duckdbfile`.
``annotations`` (:mod:`.annotations`) writes one annotation per fact row, anchoring its
quote in its seed file.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType

from bdigest_data.metadata.descriptor import table_names
from bdigest_data.staging import OutputExists, output_folder, staging

# format -> module with ``outputs(out, tables) -> list[Path]`` and ``write(package, out)``
FORMATS = {
    "sqlite": "bdigest_data.exports.sqlite",
    "parquet": "bdigest_data.exports.parquet",
    "xlsx": "bdigest_data.exports.xlsx",
    "json": "bdigest_data.exports.jsonfile",
    "duckdb": "bdigest_data.exports.duckdbfile",
    "annotations": "bdigest_data.exports.annotations",
}


def _writer(format: str) -> ModuleType:
    if format not in FORMATS:
        raise ValueError(f"unknown export format {format!r}; the formats are: {', '.join(FORMATS)}")
    return importlib.import_module(FORMATS[format])


def outputs(format: str, out: str | Path, *, path: str | Path | None = None) -> list[Path]:
    """The files an export of ``format`` to ``out`` writes."""
    return _writer(format).outputs(Path(out), table_names(path))


def export(
    format: str, out: str | Path, *, force: bool = False, path: str | Path | None = None
) -> list[Path]:
    """Write the package at ``path`` (default: the installed one) to ``out`` as ``format``.

    ``format`` is ``sqlite`` (``out`` is the database file; ``<stem>.metadata.json`` for
    datasette is written next to it), ``parquet`` (``out`` is a directory receiving
    ``<table>.parquet`` files), ``xlsx``, ``json``, ``duckdb`` or ``annotations`` (a Web
    Annotation collection as JSON-LD; ``out`` is the file). Returns the
    files written. Raises ``FileExistsError`` when one of them exists and ``force`` is
    false, ``FileNotFoundError`` when the folder ``out`` goes in does not exist (it is not
    created), ``ValueError`` when ``out`` has no name of its own (``.``) or ends in ``/``
    (a folder) for a format that writes one file, ``bdigest_data.ValidationError`` when
    the package is invalid. The files are
    written to a temporary directory beside ``out`` first (``.bdigest-export-*``) and moved
    into place only when all succeeded; one left by an export that was killed is removed by
    the next export (:mod:`bdigest_data.staging`).
    """
    from bdigest_data.loader.package import load_package

    writer = _writer(format)
    out = output_folder(out, what=f"{format} export",
                        one_file=Path("out") in writer.outputs(Path("out"), []))
    targets = outputs(format, out, path=path)
    folders = [str(p) for p in targets if p.is_dir()]
    if folders:
        raise IsADirectoryError(f"{', '.join(folders)} is a directory, not an output file")
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        raise OutputExists(existing)
    pkg = load_package(path)
    with staging(out.parent, ".bdigest-export-") as tmp:
        staged = tmp / out.name
        writer.write(pkg, staged)
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp / target.relative_to(out.parent), target)
    return targets
