"""The ``bdigest-data`` command: one sub-command per module, each registering itself."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

# sub-command -> module whose ``register(subparsers)`` adds it (its parser sets
# ``func(args) -> int``). Only the module of the command being run is imported, so
# ``bdigest-data validate`` pays for nothing but the validator.
COMMANDS = {
    "validate": "bdigest_data.validation.cli",
    "coverage": "bdigest_data.validation.cli",
    "diff": "bdigest_data.release.cli",
    "cite": "bdigest_data.release.cli",
    "stamp": "bdigest_data.release.cli",
    "export": "bdigest_data.exports.cli",
    "site": "bdigest_data.website.cli",
    "add-article": "bdigest_data.authoring.cli",
    "locate": "bdigest_data.authoring.cli",
    "tables": "bdigest_data.overview",
    "where": "bdigest_data.overview",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``command`` (a known sub-command) only its module is imported."""
    parser = argparse.ArgumentParser(
        prog="bdigest-data",
        description="Validate, cite, diff, stamp and export the bdigest-data package; add "
        "an article and locate a quote in it; list its tables and say where it is. Every "
        "command uses --package, else the datapackage.json in the current folder or a "
        "parent, else the installed package, and says which on its first line (stderr).",
    )
    parser.add_argument("--version", action="store_true", help="print the package version")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = [COMMANDS[command]] if command in COMMANDS else COMMANDS.values()
    for module in dict.fromkeys(modules):
        importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv[0] if argv else None)
    args = parser.parse_args(argv)
    if args.version:
        from bdigest_data import __version__

        print(__version__)
        return 0
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    from bdigest_data.cliargs import UsageError, report_usage_error, settle_package

    try:
        if "package_writes" in vars(args):  # every command that takes --package
            settle_package(args)
        status = int(args.func(args))
        sys.stdout.flush()  # here, so that a reader gone away is met below
        return status
    except UsageError as exc:
        return report_usage_error(args, exc)
    except BrokenPipeError:
        # the reader of stdout went away (``bdigest-data tables | head -3``): stop quietly,
        # and send what is still buffered nowhere, so exiting raises nothing
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
