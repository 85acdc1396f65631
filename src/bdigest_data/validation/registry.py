"""The check registry: every package-wide check is a small unit registered with its group.

A check is a function ``check(pkg: PackageData) -> list[Finding]`` decorated with
``@register(group, *codes)`` in a module that ``MODULES`` lists for its group; ``codes``
are the finding codes it may report (each in ``catalogue.CODES`` with that group, which a
test checks). The runner imports a group's modules and runs each of its checks on its own,
so a bug in one check costs only its findings (``internal-error``). A module also gives
``needs(schema)``: the fields of a fact table its checks read, so the reader keeps them.

The ``structure`` and ``integrity`` groups run while each table is read (``runner``,
``structure``, ``integrity``); their codes are in the catalogue too.

To add a check: write the function in a (new) module, decorate it, and add the module to
``MODULES`` under its group.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bdigest_data.findings import Finding
    from bdigest_data.validation.context import PackageData

CheckFunction = Callable[["PackageData"], "list[Finding]"]

# package-wide group -> the modules that register its checks
MODULES: dict[str, tuple[str, ...]] = {
    "provenance": ("bdigest_data.validation.provenance",),
    "semantics": ("bdigest_data.validation.semantics",),
    "coverage": ("bdigest_data.validation.coverage",),
    "dataset": ("bdigest_data.validation.naming", "bdigest_data.validation.magnitudes",
                "bdigest_data.validation.derivations", "bdigest_data.validation.links"),
}


@dataclass(frozen=True)
class Check:
    """One registered check: its name, group, the codes it reports and the function."""

    name: str
    group: str
    codes: tuple[str, ...]
    run: CheckFunction


_REGISTERED: dict[str, Check] = {}


def register(group: str, *codes: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register the decorated function as a check of ``group`` reporting ``codes``."""
    if group not in MODULES:
        raise ValueError(f"unknown package-wide group {group!r}")

    def add(function: CheckFunction) -> CheckFunction:
        name = f"{function.__module__.rsplit('.', 1)[-1]}.{function.__name__.lstrip('_')}"
        _REGISTERED[name] = Check(name, group, codes, function)
        return function

    return add


def modules(group: str) -> list[ModuleType]:
    """The imported modules of ``group`` (their checks are registered once imported)."""
    return [importlib.import_module(name) for name in MODULES.get(group, ())]


def checks(group: str | None = None) -> list[Check]:
    """The checks of ``group`` (all groups when None), in registration order."""
    for g in MODULES if group is None else (group,):
        modules(g)
    return [c for c in _REGISTERED.values() if group is None or c.group == group]


def run(group: str, pkg: PackageData) -> list[Finding]:
    """Every finding of the checks of ``group`` (exceptions propagate; see the runner)."""
    return [f for check in checks(group) for f in check.run(pkg)]
