"""The check registry: every check is a small unit registered with its group and codes.

A check is a function decorated with ``@register(group, *codes, scope=...)`` in a module
of its group's folder, ``validation/checks/<group>/`` (the folders are the groups);
``codes`` are the finding codes it may report (each in ``catalogue.CODES`` with that group,
which a test checks). Its ``scope`` says what it is given and when it runs:

- ``package``: ``check(pkg: PackageData) -> list[Finding]``, once the tables are read. The
  runner imports a package-wide group's modules (``PACKAGE_GROUPS``) and runs each of its
  checks on its own, so a bug in one check costs only its findings (``internal-error``). A
  module of such a group also gives ``needs(schema)``: the fields of a fact table its checks
  read, so the reader keeps them.
- ``table``: a check of one table while it is streamed (``structure``: the reader, the
  header, rows and cells, the keys; see ``runner.load``), called by the table's reader.
- ``file``: ``check(name, files, resource)``: one resource's file, read through
  ``files`` (``integrity``), run in the hashing thread while the tables are read.

To add a check: write the function in a (new) module of its group's folder and decorate
it; the registry imports every module of the folder (``module_names``).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from bdigest_data.findings import Finding
    from bdigest_data.validation.context import PackageData

F = TypeVar("F", bound=Callable[..., "list[Finding]"])

_CHECKS = "bdigest_data.validation.checks"
PACKAGE_GROUPS = ("provenance", "semantics", "coverage", "dataset")  # run on the whole package
SCOPES = ("package", "table", "file")


@dataclass(frozen=True)
class Check:
    """One registered check: its name, group, the codes it reports, the function and its
    scope (see the module docstring)."""

    name: str
    group: str
    codes: tuple[str, ...]
    run: Callable[..., list[Finding]]
    scope: str = "package"


_REGISTERED: dict[str, Check] = {}


def register(group: str, *codes: str, scope: str = "package") -> Callable[[F], F]:
    """Register the decorated function as a check of ``group`` reporting ``codes``."""
    if group not in groups():
        raise ValueError(f"unknown group {group!r}")
    if scope not in SCOPES or (group in PACKAGE_GROUPS and scope != "package"):
        raise ValueError(f"a check of group {group!r} cannot have scope {scope!r}")

    def add(function: F) -> F:
        name = f"{function.__module__.rsplit('.', 1)[-1]}.{function.__name__.lstrip('_')}"
        _REGISTERED[name] = Check(name, group, codes, function, scope)
        return function

    return add


@functools.cache
def groups() -> tuple[str, ...]:
    """The check groups: the folders under ``validation/checks/`` (sorted by name; the run
    order is ``validation.GROUPS``, which a test holds equal to them)."""
    return tuple(sorted(p.name for p in Path(__file__).with_name("checks").iterdir()
                        if (p / "__init__.py").is_file()))


@functools.cache
def module_names(group: str) -> tuple[str, ...]:
    """The modules of ``group``'s folder: those its ``ORDER`` names first (the order its
    checks run and report in), then every other module of the folder by name."""
    package = importlib.import_module(f"{_CHECKS}.{group}")
    found = sorted(m.name for m in pkgutil.iter_modules(package.__path__))
    order: tuple[str, ...] = getattr(package, "ORDER", ())
    return tuple(f"{package.__name__}.{m}" for m in (*order, *(m for m in found
                                                              if m not in order)))


def modules(group: str) -> list[ModuleType]:
    """The check modules of ``group``, imported (which registers their checks): those of its
    folder that register a check (a helper module of the folder registers none)."""
    imported = [importlib.import_module(name)
                for name in (module_names(group) if group in groups() else ())]
    registering = {c.run.__module__ for c in _REGISTERED.values()}
    return [m for m in imported if m.__name__ in registering]


def checks(group: str | None = None, scope: str | None = None) -> list[Check]:
    """The checks of ``group`` (all groups when None) of ``scope`` (any when None), in
    registration order."""
    for g in groups() if group is None else (group,):
        modules(g)
    return [c for c in _REGISTERED.values()
            if (group is None or c.group == group) and (scope is None or c.scope == scope)]


def run(group: str, pkg: PackageData) -> list[Finding]:
    """Every finding of the package-scope checks of ``group`` (exceptions propagate; see
    the runner)."""
    return [f for check in checks(group, "package") for f in check.run(pkg)]
