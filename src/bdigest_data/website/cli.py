"""``bdigest-data site OUT [--force] [--package DIR]``."""

from __future__ import annotations

import argparse
from typing import Any

from bdigest_data.cliargs import add_package, failure, reading


def register(subparsers: Any) -> None:
    """Add the ``site`` sub-command."""
    parser = subparsers.add_parser(
        "site",
        help="write a static site: data card, evidence reader, tables and charts",
        description="Validate the package and write a static site into the directory OUT: "
        "an index (tables, version, licence, citation, coverage), one reader page per "
        "article with every fact row's quote highlighted, sortable and filterable table "
        "pages, pages of the actors, persons and places, and SVG charts. It works from "
        "file:// and any static host.",
    )
    parser.add_argument("out", metavar="OUT", help="output directory")
    parser.add_argument("--force", action="store_true",
                        help="replace OUT when it is an earlier site")
    add_package(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build; print the index page's path, or the reason nothing was written (exit 1 for an
    invalid package, 2 for a usage or I/O error)."""
    from bdigest_data.findings import ValidationError
    from bdigest_data.website import site

    try:
        with reading(args.package) as descriptor:
            out = site(args.out, force=args.force, path=descriptor)
    except (OSError, ImportError, ValueError, ValidationError) as exc:
        return failure("site", exc, nothing_written=True)
    print(out / "index.html")
    return 0
