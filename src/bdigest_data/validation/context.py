"""What every check sees: the package's descriptor, its tables as typed Arrow tables, texts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bdigest_data.validation.safety import resolve

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass
class TableData:
    """One table after the structure checks.

    ``table`` has one column per schema field, typed from the schema (integer -> int64,
    number -> float64, boolean -> bool, date -> date32, string -> string); a cell that
    failed its type check is null here (and already reported). ``lines[i]`` is the 1-based
    CSV line where data row ``i`` (0-based) starts; ``None`` when every row is one line
    (then row ``i`` starts on line ``i + 2``). Data row ``i + 1`` in findings is ``table``
    row ``i``: blank rows and rows with missing or extra cells are kept (cut or padded).
    """

    name: str
    schema: dict[str, Any]
    table: pa.Table
    lines: Sequence[int] | None = None

    def line(self, index: int) -> int:
        """CSV line of the 0-based data row ``index`` (header on line 1)."""
        return self.lines[index] if self.lines is not None else index + 2


@dataclass
class PackageData:
    """A package being validated: ``root`` holds ``datapackage.json``."""

    root: Path
    descriptor: dict[str, Any]
    tables: dict[str, TableData] = field(default_factory=dict)
    _texts: dict[str, str] = field(default_factory=dict, repr=False)

    def text(self, relpath: str) -> str:
        """A file of the package decoded as UTF-8 (cached), e.g. a seed file.

        Raises ``OSError`` (``safety.UnsafePathError``) for a path outside the package, and
        ``UnicodeDecodeError`` for a file that is not UTF-8.
        """
        if relpath not in self._texts:
            path = resolve(self.root, relpath, what="file")
            self._texts[relpath] = path.read_text(encoding="utf-8")
        return self._texts[relpath]
