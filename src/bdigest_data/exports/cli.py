"""``bdigest-data export --format FORMAT OUT [--force] [--package DIR]``; FORMAT is one of
sqlite, parquet, xlsx, json, duckdb, annotations. OUT ``-`` writes the JSON export to
standard output; the other formats are files a program opens by name (a database, a
workbook, a folder of Parquet files) or not yet streamed, so ``-`` is refused for them
(exit 2)."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from bdigest_data.cliargs import UsageError, add_package, failure, reading
from bdigest_data.exports import FORMATS

STDOUT = "-"
STREAMED = ("json",)  # the formats OUT "-" writes to standard output


def register(subparsers: Any) -> None:
    """Add the ``export`` sub-command."""
    parser = subparsers.add_parser(
        "export",
        help="write the tables as SQLite, Parquet, xlsx, JSON or DuckDB, or the evidence "
        "as Web Annotations",
        description="Validate the package and write every table, with descriptions, version "
        "and citation, as a SQLite database (+ datasette metadata.json), a directory of "
        "Parquet files, an Excel workbook, a JSON file or a DuckDB database; or every fact "
        "row's evidence as a W3C Web Annotation collection (JSON-LD, annotations). Exit 0 "
        "written, 1 the package is invalid, 2 usage or I/O error (nothing is written).",
    )
    parser.add_argument("--format", "-f", required=True, choices=list(FORMATS))
    parser.add_argument("out", metavar="OUT",
                        help="output file (a directory for parquet) in a folder that exists; "
                             "- writes json to standard output")
    parser.add_argument("--force", action="store_true", help="overwrite existing output")
    add_package(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Export; print the files written, or the reason nothing was written (exit 1 for an
    invalid package, 2 for a usage or I/O error)."""
    from bdigest_data.exports import export
    from bdigest_data.findings import ValidationError

    if args.out == STDOUT and args.format not in STREAMED:
        raise UsageError(f"--format {args.format} cannot be written to standard output "
                         f"('-'); give a file name (only {', '.join(STREAMED)} can)")
    try:
        with reading(args.package) as root:
            if args.out == STDOUT:
                return _to_stdout(args.format, root)
            written = export(args.format, args.out, force=args.force, path=root)
    except (OSError, ImportError, ValueError, ValidationError) as exc:
        return failure("export", exc, nothing_written=True)
    for path in written:
        print(path)
    return 0


def _to_stdout(format: str, root: Path) -> int:
    """Export to a temporary file and copy it to standard output."""
    from bdigest_data.exports import export

    with tempfile.TemporaryDirectory(prefix="bdigest-export-") as tmp:
        (written,) = export(format, Path(tmp) / f"export.{format}", path=root)
        sys.stdout.flush()
        with written.open("rb") as fh:
            shutil.copyfileobj(fh, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    return 0
