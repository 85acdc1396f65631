"""The ``bdigest-data`` command: one sub-command per module, each registering itself."""

from __future__ import annotations

import argparse
import importlib
import sys

# Each module has ``register(subparsers)`` adding its sub-command(s), whose parser sets
# ``func(args) -> int`` as default; modules are imported only when the command runs.
COMMAND_MODULES = (
    "bdigest_data.validation.cli",
    "bdigest_data.release.cli",
    "bdigest_data.exports.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bdigest-data",
        description="Validate, cite, diff and export the bdigest-data package.",
    )
    parser.add_argument("--version", action="store_true", help="print the package version")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        try:
            importlib.import_module(module).register(sub)
        except ModuleNotFoundError as exc:
            if not exc.name or not module.startswith(exc.name):
                raise
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from bdigest_data import __version__

        print(__version__)
        return 0
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
