"""Options every ``bdigest-data`` command spells the same way, and usage errors.

- ``--package PATH`` (``-p``) names the package a command reads or writes: a package
  directory, its ``datapackage.json`` or, for commands that only read, a release archive.
  Without it every command uses the ``datapackage.json`` in the current folder or its
  nearest parent holding one (as git, ruff and frictionless find theirs), so the checkout
  you are in is the one you check; outside any package a reading command uses the
  installed copy, and a writing one (``stamp``, ``add-article``) refuses (exit 2): an
  installation is never written to. ``settle_package`` decides, once for every command,
  and prints which package it is as the first line on stderr (stdout stays clean for
  pipes and JSON).
- ``--format`` (``-f``) chooses the format of what the command writes: for a command that
  prints a report or citation, ``text`` by default (and ``json``, ``github``, ``bibtex`` …
  where they apply); for ``export``, the file format (required).
- An impossible combination of options is a ``UsageError``: the command prints it and
  exits 2, like argparse does for an unknown option.

``validate``, ``coverage`` and ``stamp`` took the package as a positional PATH in 0.1;
deprecated in 1.0.0 and removed in 1.1.0, that spelling is now a usage error that names
``--package``, rather than argparse's bare "unrecognized arguments".
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

POSITIONAL_REMOVED_IN = "1.1.0"


class UsageError(Exception):
    """Options that cannot go together, or a value a command cannot use (exit 2)."""


def add_package(parser: argparse.ArgumentParser, *, writes: bool = False,
                removed_positional: bool = False) -> None:
    """Add ``--package`` (and, hidden, the removed positional PATH where 0.1 had one, so
    that ``package`` can say what to write instead)."""
    default = "" if writes else ", else the installed package"
    archives = "" if writes else ", or a release archive (.zip, .tar.gz)"
    parser.add_argument("--package", "-p", metavar="PATH", dest="package",
                        help=f"package directory or its datapackage.json{archives} "
                             f"(default: the datapackage.json in the current folder or a "
                             f"parent{default})")
    parser.set_defaults(package_writes=writes)
    if removed_positional:
        parser.add_argument("legacy_path", nargs="?", metavar="PATH", help=argparse.SUPPRESS)


def package(args: argparse.Namespace) -> str | None:
    """The package the user named with ``--package``; a ``UsageError`` for the removed
    positional PATH."""
    legacy = getattr(args, "legacy_path", None)
    if legacy is not None:
        raise UsageError(f"PATH as a positional argument was removed in "
                         f"{POSITIONAL_REMOVED_IN}; use --package {legacy}")
    return args.package


def settle_package(args: argparse.Namespace) -> None:
    """Decide which package the command uses and say so as the first line on stderr:
    ``--package``; else the ``datapackage.json`` in the current folder or a parent; else,
    for a command that only reads, the installed copy. Sets ``args.package``; a
    ``UsageError`` for the removed positional PATH, or for a writing command outside any
    package."""
    from bdigest_data.metadata.files import DESCRIPTOR, find_descriptor

    given = package(args)
    if given is not None:
        print(f"bdigest-data: package {given} (--package)", file=sys.stderr)
        return
    here = Path.cwd()
    found = find_descriptor(here)
    if found is not None:
        where = "the current folder" if found.parent == here.resolve() else \
            "a parent of the current folder"
        args.package = str(found.parent)
        print(f"bdigest-data: package {found} (found in {where})", file=sys.stderr)
        return
    if args.package_writes:
        raise UsageError(f"no {DESCRIPTOR} in {here} or a parent folder: run it inside a "
                         "package or give --package DIR (an installed copy is never written "
                         "to)")
    from bdigest_data.findings import ValidationError
    from bdigest_data.metadata import files_of

    try:
        installed = files_of(None).root
    except ValidationError as exc:  # PackageFileError: the installation is broken
        raise UsageError(str(exc)) from None
    args.package = str(installed)
    print(f"bdigest-data: package {installed / DESCRIPTOR} (the installed copy; no "
          f"{DESCRIPTOR} in the current folder or a parent)", file=sys.stderr)


@contextmanager
def reading(path: str | None) -> Iterator[Path]:
    """The descriptor of the package at ``path`` (``None``: the installed package); a
    release archive is unpacked into a temporary directory for the time of the ``with``
    block (``metadata.files.open_files``). Raises ``ValueError`` (``PackageError``) when
    ``path`` holds no package."""
    from bdigest_data.metadata import files_of
    from bdigest_data.metadata.files import open_files

    if path is None:
        yield files_of(None).descriptor_path
        return
    with open_files(path) as files:
        yield files.descriptor_path


def shown(path: str | None, descriptor: Path) -> str:
    """How to name the ``descriptor`` read for ``path`` to the user: inside an archive it
    is ``ARCHIVE!datapackage.json``, since the unpacked copy is gone when the command ends."""
    from bdigest_data.metadata.files import is_archive

    return f"{path}!{descriptor.name}" if path is not None and is_archive(path) \
        else str(descriptor)


def non_negative(text: str) -> int:
    """An ``int`` option that must be 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; give 0 or more")
    return value


class Invalid(Exception):
    """The package (or what a command was given to add to it) breaks a rule: the command
    says why and exits 1."""


def say(command: str, text: str) -> None:
    """Print ``text`` on stderr as ``command``'s message (``bdigest-data COMMAND: text``):
    the one place a command writes its errors and verdicts for people."""
    print(f"bdigest-data {command}: {text}", file=sys.stderr)


def failure(command: str, exc: BaseException, *, nothing_written: bool = False,
            invalid: tuple[type[BaseException], ...] = ()) -> int:
    """Print why ``command`` failed, in the words a user types (``said``), and return its
    exit status, the same for every command: 1 when the package breaks a rule (a
    ``ValidationError`` that is not about reading a file, an ``Invalid``, or one of the
    command's own ``invalid`` refusals); 2 for a usage or I/O error: no package or an
    unreadable file (``PackageFileError``, ``OSError``), output that exists or whose folder
    does not, a missing extra (``ImportError``), an unknown table, row or format
    (``KeyError``, ``ValueError``)."""
    from bdigest_data.findings import PackageFileError, ValidationError

    bad = isinstance(exc, (Invalid, *invalid)) or (
        isinstance(exc, ValidationError) and not isinstance(exc, PackageFileError))
    say(command, ("nothing written: " if nothing_written else "") + said(exc))
    return 1 if bad else 2


def said(exc: BaseException) -> str:
    """``exc`` as a command says it: flags instead of keyword arguments, the extra to
    install instead of a module name, a file's path and the reason instead of ``[Errno
    17]``, JSON and UTF-8 faults with their line or byte (``metadata.files.unreadable``)."""
    from bdigest_data.metadata.files import unreadable
    from bdigest_data.staging import OutputExists

    if isinstance(exc, OutputExists):
        return f"{', '.join(map(str, exc.paths))} already exist(s); add --force to overwrite"
    if isinstance(exc, ImportError):
        text = _missing_module(exc.name) if isinstance(exc, ModuleNotFoundError) and \
            exc.name and "pip install" not in str(exc) else str(exc)
        extra = re.search(r"pip install 'bdigest-data\[(\w+)\]'", text)
        return text + (f" (in a checkout of the repository: pip install '.[{extra[1]}]')"
                       if extra else "")
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    return unreadable(exc)


def _missing_module(name: str) -> str:
    """What to install for the missing module ``name``: the extra of bdigest-data that
    requires its distribution (read from the installed metadata, the one source)."""
    from importlib import metadata

    top = name.split(".")[0]
    try:
        dists = {d.lower() for d in metadata.packages_distributions().get(top, [top])}
        requires = metadata.requires("bdigest-data") or []
    except metadata.PackageNotFoundError:
        requires, dists = [], set()
    for req in requires:
        dist = req.split(";")[0].split("[")[0]
        for sep in "<>=!~ ":
            dist = dist.split(sep)[0]
        if "extra ==" in req and dist.strip().lower().replace("_", "-") in \
                {d.replace("_", "-") for d in dists | {top}}:
            extra = req.split("extra ==")[1].strip().strip("\"'")
            if extra != "test":
                return f"{top} is not installed: pip install 'bdigest-data[{extra}]'"
    return f"{top} is not installed: pip install {top}"


def report_usage_error(args: Any, exc: UsageError) -> int:
    """Print a usage error the way argparse does and return exit status 2."""
    say(getattr(args, "command", ""), f"error: {exc}")
    return 2
