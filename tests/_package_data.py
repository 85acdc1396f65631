"""Test helpers for the provenance, semantics and coverage checks.

``package_data`` builds the ``PackageData`` the checks take with the validator's own reader
(``structure.read_table``); ``rows`` and ``write_rows`` read and rewrite a table of a
package copy.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from bdigest_data.validation.context import PackageData
from bdigest_data.validation.structure import read_table


def package_data(root: Path) -> PackageData:
    """The package at ``root`` with every table read and typed from its schema."""
    desc = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    pkg = PackageData(root, desc)
    for res in desc["resources"]:
        if not res.get("schema"):
            continue
        schema = json.loads((root / res["schema"]).read_text(encoding="utf-8"))
        data = read_table(res["name"], root / res["path"], schema, keep=None, limit=None).data
        assert data is not None, f"{res['path']} cannot be read"
        pkg.tables[res["name"]] = data
    return pkg


def rows(root: Path, table: str) -> list[dict[str, str]]:
    """The rows of ``data/<table>.csv`` as dicts of strings."""
    with (root / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_rows(root: Path, table: str, records: list[dict[str, str]]) -> None:
    """Rewrite ``data/<table>.csv`` with ``records`` (header kept)."""
    path = root / "data" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(records)


def first(records: list[dict[str, str]], **wanted: object) -> dict[str, str]:
    """The first record whose fields match ``wanted`` (``True``: any non-empty value)."""
    for rec in records:
        if all((bool(rec[k]) if v is True else rec[k] == v) for k, v in wanted.items()):
            return rec
    raise LookupError(f"no row with {wanted}")


def codes(findings: list, code: str) -> list:
    """The findings with ``code``."""
    return [f for f in findings if f.code == code]
