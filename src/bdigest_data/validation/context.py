"""What every check sees: the package's model, its tables as typed Arrow tables, its texts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bdigest_data.catalogue import (
    CONSTRAINT_ERROR,
    INTERNAL_ERROR,
    QUOTE_NOT_FOUND,
    TYPE_ERROR,
    UNSAFE_PATH,
)
from bdigest_data.findings import Finding
from bdigest_data.metadata.classes import Package, TableSchema
from bdigest_data.metadata.files import PackageFiles, UnsafePathError

if TYPE_CHECKING:
    import pyarrow as pa

# the codes of a cell that did not parse (structure: a type, or a constraint such as a
# pattern or an enum) or, for a quote, is not in its article (provenance, which runs before
# the other package-wide groups): the checks skip what depends on such a cell
PARSE_CODES = frozenset({TYPE_ERROR, CONSTRAINT_ERROR, QUOTE_NOT_FOUND})


@dataclass
class TableData:
    """One table after the structure checks.

    ``schema`` is the table's model (``metadata.TableSchema``). ``table`` has one column
    per kept schema field, typed from the schema (``metadata.types``); a cell that failed
    its type check is null here (and already reported). ``lines[i]`` is the 1-based CSV
    line where data row ``i`` (0-based) starts; ``None`` when every row is one line (then
    row ``i`` starts on line ``i + 2``). Data row ``i + 1`` in findings is ``table`` row
    ``i``: blank rows and rows with missing or extra cells are kept (cut or padded).
    """

    name: str
    schema: TableSchema
    table: pa.Table
    lines: Sequence[int] | None = None

    def line(self, index: int) -> int:
        """CSV line of the 0-based data row ``index`` (header on line 1)."""
        return self.lines[index] if self.lines is not None else index + 2

    def column(self, name: str | None) -> pa.ChunkedArray:
        """The kept column ``name``, or a column of nulls when the table has none."""
        import pyarrow as pa

        if name is not None and name in self.table.column_names:
            return self.table.column(name)
        return pa.chunked_array([pa.nulls(self.table.num_rows, pa.string())])


@dataclass
class PackageData:
    """A package being validated: its files, its model and its tables as read."""

    files: PackageFiles
    model: Package
    tables: dict[str, TableData] = field(default_factory=dict)
    # per table, the 0-based rows with a cell that did not parse (``PARSE_CODES``, reported
    # on their own) and the fields of those cells: a check that depends on such a
    # cell skips it, so that one mistake gives one finding
    failed: dict[str, dict[int, set[str]]] = field(default_factory=dict)
    _texts: dict[str, str] = field(default_factory=dict, repr=False)
    _declared: set[str] | None = field(default=None, repr=False)  # the resources' paths

    @property
    def root(self) -> Path:
        return self.files.root

    def fact_tables(self) -> list[str]:
        """The fact tables (``"bdigest:role": "facts"``) that were read, in package order."""
        return [n for n in self.model.fact_tables if n in self.tables]

    def unread(self) -> list[str]:
        """The tables the package declares (a resource with a schema) whose rows were not
        read: an unusable schema, an unsafe or unreadable file (each has its own finding),
        or a table a ``tables`` run leaves out. A check must not take their rows for absent:
        it skips what rests on them instead of reporting follow-on findings."""
        return [n for n in self.model.table_names if n not in self.tables]

    def note_failed(self, findings: Sequence[Finding]) -> None:
        """Remember the cells of ``findings`` that did not parse (``PARSE_CODES``)."""
        for f in findings:
            if f.code in PARSE_CODES and f.table and f.row and f.field:
                self.failed.setdefault(f.table, {}).setdefault(f.row - 1, set()).add(f.field)

    def failed_in(self, table: str, index: int, fields: set[str] | None = None) -> bool:
        """Whether the 0-based row ``index`` of ``table`` has a cell that did not parse
        (among ``fields``; any when ``None``)."""
        bad = self.failed.get(table, {}).get(index)
        return bool(bad) and (fields is None or not bad.isdisjoint(fields))

    def role_table(self, role: str) -> TableData | None:
        """The table read whose schema has ``bdigest:role`` ``role``."""
        name = self.model.table_with_role(role)
        return self.tables.get(name) if name else None

    def text(self, relpath: str) -> str:
        """A file of the package decoded as UTF-8 (cached), e.g. a seed file. Only a file
        the descriptor declares as a resource is read.

        Raises ``OSError`` (``UnsafePathError``) for a path outside the package or not
        declared, and ``UnicodeDecodeError`` for a file that is not UTF-8.
        """
        if relpath not in self._texts:
            if self._declared is None:  # once, not once a file: a package has a seed an article
                self._declared = {r.path for r in self.model.resources
                                  if isinstance(r.path, str)}
            if relpath not in self._declared:
                raise UnsafePathError(UNSAFE_PATH, f"{relpath!r} is not a resource of the "
                                                     "package")
            self._texts[relpath] = self.files.read_text(relpath, what="file")
        return self._texts[relpath]


def internal_error(check: str, exc: Exception, td: TableData | None = None,
                   index: int | None = None, table: str | None = None) -> Finding:
    """The ``internal-error`` of a check that stopped with ``exc`` (a bug), about ``table``,
    or located at the 0-based data row ``index`` of ``td`` when it stopped on one row."""
    where = "" if td is None or index is None else " on this row"
    return Finding(code=INTERNAL_ERROR,
                   message=f"the check {check} stopped{where} with {type(exc).__name__}: "
                           f"{exc}; this is a bug in bdigest-data, please report it",
                   table=table if td is None else td.name,
                   row=None if index is None else index + 1,
                   line=None if td is None or index is None else td.line(index))


@contextmanager
def contained(out: list[Finding], check: str, td: TableData, index: int) -> Iterator[None]:
    """Contain a fault in the check of one row: an exception becomes an ``internal-error``
    at that row (appended to ``out``) and the check goes on with the next row, so a bug
    met on one row hides no finding of the others."""
    try:
        yield
    except Exception as exc:
        out.append(internal_error(check, exc, td, index))
