"""``bdigest-data export --format FORMAT OUT [--force] [--package DIR]``; FORMAT is one of
sqlite, parquet, xlsx, json, duckdb, annotations."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bdigest_data.cliargs import add_package, reading
from bdigest_data.exports import FORMATS


def register(subparsers: Any) -> None:
    """Add the ``export`` sub-command."""
    parser = subparsers.add_parser(
        "export",
        help="write the tables as SQLite, Parquet, xlsx, JSON or DuckDB, or the evidence "
        "as Web Annotations",
        description="Validate the package and write every table, with descriptions, version "
        "and citation, as a SQLite database (+ datasette metadata.json), a directory of "
        "Parquet files, an Excel workbook, a JSON file or a DuckDB database; or every fact "
        "row's evidence as a W3C Web Annotation collection (JSON-LD, annotations).",
    )
    parser.add_argument("--format", "-f", required=True, choices=list(FORMATS))
    parser.add_argument("out", metavar="OUT",
                        help="output file (a directory for parquet)")
    parser.add_argument("--force", action="store_true", help="overwrite existing output")
    add_package(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Export; print the files written, or the reason nothing was written (exit 1)."""
    from bdigest_data.exports import export
    from bdigest_data.findings import ValidationError

    try:
        with reading(args.package) as root:
            written = export(args.format, args.out, force=args.force, path=root)
    except (OSError, ImportError, ValueError, ValidationError) as exc:
        print(f"bdigest-data export: nothing written: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0
