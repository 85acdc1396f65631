"""Excel export (openpyxl): a README sheet, then one sheet per table.

Cell types: integer and number -> numeric cells, derived EDTF dates -> date cells
(``yyyy-mm-dd``), strings and categories -> text cells (Excel has no categorical type;
the allowed values are listed on the README sheet), missing values -> empty cells.

Formula injection: every text cell is written as a string, never a formula (openpyxl would
otherwise turn text beginning with ``=`` into one), and text beginning with ``=``, ``+``,
``-`` or ``@`` also gets Excel's quote prefix, the invisible apostrophe Excel itself adds
when such text is typed as ``'=...``: the cell shows and keeps the exact text, and stays
text when edited. The text is not altered, so what is read back equals what was loaded.

Carriage returns: XML reads a CR written as is in text as a line feed (``\r`` and ``\r\n``
become ``\n``), and openpyxl writes it as is; so each CR in the workbook's XML is written
as the character reference ``&#13;``, which XML keeps (openpyxl writes no CR of its own,
and escapes one in an attribute already).
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

try:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet
except ModuleNotFoundError:  # the optional extra is not installed
    raise ModuleNotFoundError(
        "the xlsx export needs openpyxl: pip install 'bdigest-data[xlsx]'", name="openpyxl"
    ) from None

from bdigest_data.loader.package import ExportPackage, ExportTable
from bdigest_data.loader.values import rows

README = "README"
FORMULA_STARTS = ("=", "+", "-", "@")
DATE_FORMAT = "yyyy-mm-dd"


def _write_rows(ws: Worksheet, values: list[Sequence[Any]], bold: set[int]) -> None:
    """Write rows (0-based ``bold`` ones in bold); text is stored as text, never a formula."""
    for r, row in enumerate(values, start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl makes "=..." a formula, "#N/A" an error
                cell.quotePrefix = value.startswith(FORMULA_STARTS)
            elif cell.is_date:
                cell.number_format = DATE_FORMAT
            if r - 1 in bold:
                cell.font = Font(bold=True)


def _readme(ws: Worksheet, pkg: ExportPackage) -> None:
    labels = {"name": "Package", "version": "Version", "title": "Title",
              "description": "Description", "license": "Licence", "citation": "Cite as"}
    lines: list[Sequence[Any]] = [[labels[k], v] for k, v in pkg.about().items()]
    lines.append(["Formulas", "Text beginning with =, +, - or @ is stored as text with "
                  "Excel's quote prefix; no cell holds a formula."])
    lines += [[], ["Sheet", "Title", "Rows", "Grain", "Description"]]
    bold = {len(lines) - 1}
    lines += [[t.name, t.title, len(t.frame), t.grain, t.description] for t in pkg.tables]
    lines += [[], ["Sheet", "Column", "Type", "Allowed values", "Description"]]
    bold.add(len(lines) - 1)
    lines += [[t.name, c.name, c.kind, ", ".join(c.categories), c.description]
              for t in pkg.tables for c in t.columns]
    _write_rows(ws, lines, bold)


def _table(ws: Worksheet, table: ExportTable) -> None:
    _write_rows(ws, [[c.name for c in table.columns], *rows(table)], {0})
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def outputs(out: Path, tables: list[str]) -> list[Path]:
    """The file an export to ``out`` writes."""
    return [out]


def write(pkg: ExportPackage, out: Path) -> None:
    """Write the workbook ``out``: README first, then a sheet per table (named as the table)."""
    wb = Workbook()
    ws = wb.active
    ws.title = README
    _readme(ws, pkg)
    for table in pkg.tables:
        _table(wb.create_sheet(table.name), table)
    wb.save(out)
    _keep_carriage_returns(out)


def _keep_carriage_returns(path: Path) -> None:
    """Rewrite the XML parts of the workbook at ``path`` that hold a CR with ``&#13;``
    instead (see the module docstring); a workbook without one is left as it is."""
    with zipfile.ZipFile(path) as zf:
        parts = [(info, zf.read(info)) for info in zf.infolist()]
    if not any(b"\r" in data for info, data in parts if info.filename.endswith(".xml")):
        return
    with zipfile.ZipFile(path, "w") as zf:
        for info, data in parts:
            if info.filename.endswith(".xml"):
                data = data.replace(b"\r", b"&#13;")
            zf.writestr(info, data)
