"""``bdigest-data validate``: every rule of the package, checked fast and reported exactly.

The package's metadata is read by ``bdigest_data.metadata`` (the typed model; its faults are
findings) and every file through its reader (``metadata.files``: the safety rules).
At the top: ``runner`` (orchestration), ``registry`` (every check, by group), ``context``
(what the checks are given), ``schedule`` (when the foreign keys run), ``verdicts`` (clean
reports cached on disk for the next process), ``cli`` (the sub-commands); the finding codes
are in ``bdigest_data.catalogue``. ``checks/<group>/``: one folder per group
(``structure``: what frictionless checks, on the CSV stream and cell rules of
``bdigest_data.engine``; ``integrity``: sizes, hashes, versions; ``provenance``,
``semantics``, ``coverage``, ``dataset``: our rules, on the article text of
``bdigest_data.text``). ``report/``: text, JSON and GitHub output, the coverage ledger.
Importing this package is cheap; pyarrow is loaded when ``validate`` runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from bdigest_data.findings import Report

if TYPE_CHECKING:
    from bdigest_data.metadata.files import PackageFiles

__all__ = ["GROUPS", "validate"]

GROUPS = ("structure", "integrity", "provenance", "semantics", "coverage", "dataset")


def validate(path: str | Path | PackageFiles | None = None, *,
             tables: Iterable[str] | None = None, checks: Iterable[str] | None = None
             ) -> Report:
    """Validate a package and return a ``Report`` of its findings (``report.valid``).

    ``path`` is a directory holding ``datapackage.json``, the descriptor itself, or a
    release archive (zip or tar, unpacked safely into a temporary directory; default: the
    installed package; the loader passes the ``PackageFiles`` it read). ``tables``
    restricts the run to the named tables and what they need (the tables their foreign
    keys reach, the seed files); ``checks`` to some of the groups ``structure``,
    ``integrity``, ``provenance``, ``semantics``, ``coverage``, ``dataset``.
    Raises ``bdigest_data.PackageFileError`` (also a ``FileNotFoundError`` and a
    ``ValueError``) when there is no descriptor at ``path`` or the archive cannot be
    unpacked, and ``ValueError`` for an unknown table or group; everything wrong inside the
    package is a finding.
    """
    from bdigest_data.validation.runner import validate as run

    return run(path, tables=tables, checks=checks)
