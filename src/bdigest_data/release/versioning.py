"""Version numbers and bump levels (the Frictionless Data Package Version recipe).

A breaking schema change or removed data needs a major bump; added rows, fields or tables
need a minor bump; corrected values and descriptive metadata need a patch bump.
"""

from __future__ import annotations

import re
from enum import IntEnum

_VERSION = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")  # fullmatch


class Bump(IntEnum):
    """How much a version number must grow; ordered, so ``max()`` gives the largest."""

    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3

    def __str__(self) -> str:
        return self.name.lower()


def parse_version(version: str) -> tuple[int, int, int]:
    """``"1.2.3"`` -> ``(1, 2, 3)``; a ``ValueError`` naming the rule for anything else."""
    match = _VERSION.fullmatch(version)
    if not match:
        raise ValueError(f"version {version!r} is not MAJOR.MINOR.PATCH (e.g. 0.1.0)")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def bump_between(old: str, new: str) -> Bump:
    """The bump that takes ``old`` to ``new``; ``ValueError`` unless ``new`` is greater."""
    before, after = parse_version(old), parse_version(new)
    if after <= before:
        raise ValueError(f"version {new} is not greater than the previous release {old}")
    if after[0] > before[0]:
        return Bump.MAJOR
    return Bump.MINOR if after[1] > before[1] else Bump.PATCH


def next_version(old: str, bump: Bump) -> str:
    """The lowest version after ``old`` that makes ``bump`` (``0.1.0`` + minor = ``0.2.0``)."""
    major, minor, patch = parse_version(old)
    if bump == Bump.MAJOR:
        return f"{major + 1}.0.0"
    if bump == Bump.MINOR:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}" if bump == Bump.PATCH else old


def shortfall(old: str, new: str, required: Bump) -> str | None:
    """Why ``new`` is too low a version after ``old`` for changes needing ``required``;
    ``None`` when it is high enough (or nothing changed)."""
    if required == Bump.NONE:
        return None
    wanted = f"{required} bump ({next_version(old, required)} or higher)"
    try:
        actual = bump_between(old, new)
    except ValueError as exc:
        return f"{exc}, but the changes require a {wanted}"
    if actual < required:
        return f"{new} is a {actual} release after {old}, but the changes require a {wanted}"
    return None
