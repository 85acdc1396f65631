"""``bdigest-data tables`` and ``bdigest-data where``: what the package in use holds, and
where it and its documents are.

Both find the package as every command does (``cliargs.settle_package``) and read it only
through the one reader (``metadata.files``) and the model. Exit status: 0 listed or
printed; 1 the package is invalid (a descriptor or schema fault, a data file the reader
refuses or cannot decode); 2 usage or I/O (no package at ``--package``, no documents).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path
from typing import Any

from bdigest_data.cliargs import Invalid, add_package, failure, reading, shown
from bdigest_data.metadata.files import (
    PackageError,
    PackageFiles,
    UnsafePathError,
    records,
    unreadable,
)

FORMATS = ("text", "json")


def register(subparsers: Any) -> None:
    """Add the ``tables`` and ``where`` sub-commands."""
    tables = subparsers.add_parser(
        "tables",
        help="list the tables with their rows and grain",
        description="List every table of the package: its name, its number of data rows "
        "and its grain (bdigest:grain: what one row is). Nothing is validated: run "
        "bdigest-data validate for that. Exit 0; 1 when the descriptor or a schema has "
        "faults or a data file cannot be read; 2 usage or I/O error.",
    )
    tables.add_argument("--format", "-f", choices=FORMATS, default="text")
    add_package(tables)
    tables.set_defaults(func=run_tables)

    where = subparsers.add_parser(
        "where",
        help="print the datapackage.json the commands use, or where the codebook is",
        description="Print the path of the datapackage.json that every command uses: "
        "--package; else one in the current folder or a parent; else the installed copy. "
        "With --docs, print the folder holding the codebook (what counts as a visit, a "
        "meeting, a transfer) and the reliability report: the package's own, else the "
        "installed copy's. Exit 0; 1 when the descriptor is not a JSON object; 2 usage or "
        "I/O error.",
    )
    where.add_argument("--docs", action="store_true",
                       help="print the folder of codebook.md and reliability.md instead")
    add_package(where)
    where.set_defaults(func=run_where)


def _rows(files: PackageFiles, path: str | list[str]) -> int:
    """The data rows of a resource's CSV file(s): records but the header, blank lines not
    counted, each file opened through the reader."""
    count = 0
    for part in [path] if isinstance(path, str) else path:
        with files.open(part, what="resource path") as fh:
            text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
            count += sum(1 for record in records(text) if record)
    return max(count - 1, 0)


def listing(files: PackageFiles) -> list[dict[str, Any]]:
    """Name, rows, grain and title of every table; ``Invalid`` when it cannot be listed."""
    from bdigest_data import metadata
    from bdigest_data.findings import ValidationError

    parsed = metadata.parse(files)
    if parsed.findings or parsed.package is None:
        raise ValidationError(parsed.findings)
    out = []
    for name, schema in parsed.package.tables.items():
        resource = parsed.package.by_name[name]
        try:
            rows = _rows(files, resource.path)
        except (UnsafePathError, UnicodeDecodeError, csv.Error) as exc:
            raise Invalid(f"table {name}: {unreadable(exc)}") from None
        out.append({"table": name, "rows": rows, "grain": schema.grain,
                    "title": resource.title or schema.raw.get("title")})
    return out


def run_tables(args: argparse.Namespace) -> int:
    """Print the tables; 1 when the package cannot be listed, 2 when there is none."""
    from bdigest_data.findings import ValidationError

    try:
        with reading(args.package) as descriptor:
            found = listing(PackageFiles(descriptor.parent, descriptor.name))
    except (Invalid, ValidationError, OSError, ValueError) as exc:
        return failure("tables", exc)
    if args.format == "json":
        print(json.dumps(found, indent=2, ensure_ascii=False))
        return 0
    width = max([len("table"), *(len(t["table"]) for t in found)])
    print(f"{'table':<{width}}  {'rows':>6}  grain")
    for t in found:
        print(f"{t['table']:<{width}}  {t['rows']:>6}  {t['grain']}")
    return 0


def docs_dir(files: PackageFiles) -> Path | None:
    """The folder of the codebook and the reliability report (``metadata.docs_files``)."""
    from bdigest_data.metadata import DOCS, docs_files

    found = docs_files(files)
    return None if found is None else found.path(DOCS[0], what="document").parent


def run_where(args: argparse.Namespace) -> int:
    """Print the descriptor in use, or its documents' folder."""
    try:
        with reading(args.package) as descriptor:
            files = PackageFiles(descriptor.parent, descriptor.name)
            try:
                ok = isinstance(files.read_json(descriptor.name, what="descriptor"), dict)
            except (UnsafePathError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                ok, reason = False, unreadable(exc)
            else:
                reason = "it is not a JSON object"
            if not ok:
                raise Invalid(f"{shown(args.package, descriptor)} is no package descriptor: "
                              f"{reason}")
            if not args.docs:
                print(shown(args.package, descriptor))
                return 0
            docs = docs_dir(files)
            if docs is None:
                raise PackageError("no docs/codebook.md and docs/reliability.md in the package "
                                   "or the installed copy; the installation is incomplete")
    except (Invalid, OSError, ValueError) as exc:
        return failure("where", exc)
    print(docs)
    return 0
