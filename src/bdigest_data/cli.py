"""The ``bdigest-data`` command: one sub-command per module, each registering itself."""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
from typing import Any

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


class _PipeSafe(io.RawIOBase):
    """The standard output's file descriptor; once the reader has gone (a closed pipe, as
    ``| head``), what is written is dropped, so the command ends with its own verdict."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd = fd
        self.gone = False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data)
        while view and not self.gone:
            try:
                view = view[os.write(self.fd, view):]
            except BrokenPipeError:
                self.gone = True
        return len(data)


def _console() -> None:
    """The process's own standard output (not one a caller swapped in) survives a closed
    pipe, and text the console cannot encode is written escaped (``\\u2019``), not a
    traceback; standard error escapes by default."""
    out = sys.stdout
    if out is None or out is not sys.__stdout__ or not hasattr(out, "fileno"):
        return
    try:
        fd = out.fileno()
    except (OSError, ValueError):
        return
    out.flush()
    raw = _PipeSafe(fd)  # buffered as the stream it replaces (unbuffered with python -u)
    sys.stdout = io.TextIOWrapper(raw if out.write_through else io.BufferedWriter(raw),
                                  encoding=out.encoding, errors="backslashreplace",
                                  line_buffering=out.line_buffering,
                                  write_through=out.write_through)


def main(argv: list[str] | None = None) -> int:
    _console()
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
        return int(args.func(args))
    except UsageError as exc:
        return report_usage_error(args, exc)


if __name__ == "__main__":
    raise SystemExit(main())
