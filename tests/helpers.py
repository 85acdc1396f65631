"""Shared test helpers: edit the CSV files of a package copy, read them back, and build the
``PackageData`` the provenance, semantics and coverage checks take; and the hostile
suite's rule that no input yields ``internal-error``.

Rows come in two shapes: lists of cells (``Rows``, header first: ``edit_rows``,
``set_cell``, ``cell``) and dicts keyed by the header (``rows``, ``write_rows``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bdigest_data import metadata
from bdigest_data.findings import Finding
from bdigest_data.validation.checks.structure.structure import read_table
from bdigest_data.validation.context import PackageData

Rows = list[list[str]]


def csv_path(pkg: Path, table: str) -> Path:
    """The CSV file of ``table`` in the package at ``pkg``."""
    return pkg / "data" / f"{table}.csv"


def _read(pkg: Path, table: str) -> Rows:
    return list(csv.reader(io.StringIO(csv_path(pkg, table).read_text(encoding="utf-8"),
                                       newline="")))


def _write(pkg: Path, table: str, rows: Rows) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    csv_path(pkg, table).write_text(out.getvalue(), encoding="utf-8")


def edit_rows(pkg: Path, table: str, change: Callable[[Rows], object]) -> None:
    """Read ``table`` as rows (header first), let ``change`` edit them, write them back."""
    rows = _read(pkg, table)
    change(rows)
    _write(pkg, table, rows)


def edit_bytes(pkg: Path, table: str, change: Callable[[bytes], bytes]) -> None:
    """Rewrite the bytes of ``table``'s CSV file with ``change``."""
    path = csv_path(pkg, table)
    path.write_bytes(change(path.read_bytes()))


def set_cell(pkg: Path, table: str, row: int, field: str, value: str) -> None:
    """Set data row ``row`` (1-based) of column ``field`` to ``value``."""

    def change(rows: Rows) -> None:
        rows[row][rows[0].index(field)] = value

    edit_rows(pkg, table, change)


def cell(pkg: Path, table: str, row: int, field: str) -> str:
    """The cell of data row ``row`` (1-based) in column ``field``."""
    rows = _read(pkg, table)
    return rows[row][rows[0].index(field)]


def rows(root: Path, table: str) -> list[dict[str, str]]:
    """The rows of ``table`` as dicts of strings."""
    text = csv_path(root, table).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def write_rows(root: Path, table: str, records: list[dict[str, str]]) -> None:
    """Rewrite ``table`` with ``records`` (header kept)."""
    header = _read(root, table)[0]
    _write(root, table, [header, *([rec.get(h, "") for h in header] for rec in records)])


def first(records: list[dict[str, str]], **wanted: object) -> dict[str, str]:
    """The first record whose fields match ``wanted`` (``True``: any non-empty value)."""
    for rec in records:
        if all((bool(rec[k]) if v is True else rec[k] == v) for k, v in wanted.items()):
            return rec
    raise LookupError(f"no row with {wanted}")


def codes(findings: list, code: str) -> list:
    """The findings with ``code``."""
    return [f for f in findings if f.code == code]


def assert_no_internal_error(findings: Iterable[Finding]) -> None:
    """Fail when a check stopped with an exception: ``internal-error`` is for bugs only, so
    no broken or hostile input may yield one (``tests/hostile`` applies this to every
    finding a case makes)."""
    bugs = [f for f in findings if f.code == "internal-error"]
    assert not bugs, "internal-error: " + "; ".join(
        f"{f.table or '-'} row {f.row or '-'}: {f.message}" for f in bugs)


def package_data(root: Path) -> PackageData:
    """The package at ``root`` with every table read and typed from its schema (with the
    validator's own reader)."""
    files = metadata.files_of(root)
    model = metadata.package(files)
    pkg = PackageData(files, model)
    for name, schema in model.tables.items():
        path = files.path(model.by_name[name].path)
        data = read_table(name, path, schema, keep=None, limit=None).data
        assert data is not None, f"{path} cannot be read"
        pkg.tables[name] = data
    return pkg


# --- a real browser (Debian's chromium and chromedriver, which .ci/run installs) ---------
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync")


def require_chromium() -> None:
    """Skip the calling test module when Chromium, chromedriver or selenium is missing;
    under CI (``CI`` set) fail instead. Call it at module level."""
    import os

    import pytest

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        if os.environ.get("CI"):
            raise RuntimeError(f"{CHROMIUM} and {CHROMEDRIVER} are needed (.ci/run installs "
                               "them)")
        pytest.skip("Debian chromium + chromium-driver not installed", allow_module_level=True)
    pytest.importorskip("selenium.webdriver")


def chromium(profile: Path, size: tuple[int, int] = (1280, 900)) -> Any:
    """A headless Chromium (selenium, the system chromedriver: nothing is downloaded) with
    a fresh profile in ``profile``, background networking off and the console logged.
    ``quit()`` it when done."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_window_size(*size)
    return driver
