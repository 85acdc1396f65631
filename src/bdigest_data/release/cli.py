"""``bdigest-data diff OLD NEW``, ``bdigest-data cite`` and ``bdigest-data stamp``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bdigest_data.cliargs import UsageError, add_package, failure, package, reading, say
from bdigest_data.release.citation import FORMATS as CITE_FORMATS
from bdigest_data.release.citation import ROW_FORMATS
from bdigest_data.release.report import FORMATS as DIFF_FORMATS


def register(subparsers: Any) -> None:
    """Add the ``diff``, ``cite`` and ``stamp`` sub-commands."""
    diff = subparsers.add_parser(
        "diff",
        help="compare two releases row by row and state the version bump required",
        description="Compare two package directories or release archives: tables, schema "
        "changes field by field, rows added and removed and changed values (keyed by each "
        "table's primary key), and the smallest version bump the changes require "
        "(major: breaking schema change or removed rows; minor: rows, fields or tables "
        "added; patch: corrected values). Exit 0; 1 when NEW's version is lower than the "
        "changes require; 2 when OLD or NEW is not a readable package.",
    )
    diff.add_argument("old", metavar="OLD", help="older package directory or release archive")
    diff.add_argument("new", metavar="NEW", help="newer package directory or release archive")
    diff.add_argument("--format", "-f", choices=DIFF_FORMATS, default="text")
    diff.set_defaults(func=run_diff)

    cite = subparsers.add_parser(
        "cite",
        help="how to cite the dataset, or the source article of one row",
        description="Print the dataset's citation, or with --row the source article "
        "(title, publisher, inferred date) and verbatim quote of one row.",
    )
    cite.add_argument("--format", "-f", choices=CITE_FORMATS, default="text",
                      help=f"default text; with --row one of {', '.join(ROW_FORMATS)}")
    cite.add_argument("--row", nargs=2, metavar=("TABLE", "ID"),
                      help="cite the source article of row ID of TABLE instead")
    add_package(cite)
    cite.set_defaults(func=run_cite)

    stamp = subparsers.add_parser(
        "stamp",
        help="write every resource's bytes and sha256 into datapackage.json",
        description="After an intended edit of the data, schemas or seeds: refresh the "
        "bytes and sha256 hash of every resource in datapackage.json (then validate).",
    )
    add_package(stamp, writes=True, removed_positional=True)
    stamp.set_defaults(func=run_stamp)


def run_diff(args: argparse.Namespace) -> int:
    """Print the diff of OLD and NEW; exit 2 with the reason when either cannot be read."""
    from bdigest_data.metadata.rows import RowsError
    from bdigest_data.release.diff import diff_packages
    from bdigest_data.release.package import PackageError, open_package
    from bdigest_data.release.report import render

    try:
        with open_package(args.old) as old, open_package(args.new) as new:
            result = diff_packages(old, new)
    except (PackageError, RowsError) as exc:
        return failure("diff", exc)
    sys.stdout.write(render(result, args.format))
    if result.version_problem:
        say("diff", f"version too low: {result.version_problem}")
        return 1
    return 0


def run_cite(args: argparse.Namespace) -> int:
    """Print the citation; exit 2 with the reason for an unknown table or row or a package
    that cannot be read, 1 for one that is invalid."""
    from bdigest_data.release.citation import cite, cite_row

    if args.row and args.format not in ROW_FORMATS:
        raise UsageError(f"--format {args.format} cites the dataset; with --row use one of "
                         f"{', '.join(ROW_FORMATS)}")
    try:
        with reading(args.package) as root:
            if args.row:
                sys.stdout.write(cite_row(*args.row, path=root).render(args.format))
            else:
                sys.stdout.write(cite(args.format, path=root))
    except (KeyError, ValueError, OSError) as exc:
        return failure("cite", exc)
    return 0


def run_stamp(args: argparse.Namespace) -> int:
    """Refresh bytes and hashes; exit 2 when the directory holds no readable package, or
    PATH is a file other than a ``datapackage.json`` (an archive is never stamped, nor the
    package that happens to sit beside it)."""
    from pathlib import Path

    from bdigest_data.metadata.files import DESCRIPTOR, writable_root
    from bdigest_data.release.stamp import stamp

    given = Path(package(args) or ".")
    root = writable_root(given)
    if root is None:
        raise UsageError(f"{given} is not a package directory or its {DESCRIPTOR}; stamp "
                         "rewrites a package's descriptor (an archive is never stamped)")
    try:
        desc = stamp(root)
    except (OSError, ValueError, KeyError) as exc:
        return failure("stamp", exc)
    print(f"stamped {len(desc['resources'])} resources in {root / DESCRIPTOR}")
    return 0
