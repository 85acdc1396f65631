"""A table's rows as written, keyed by its primary key: text, no pandas, no typing
(``files.dict_records``), for the release diff and add-article, which read tables of any
release (the key as ``written`` reads it)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bdigest_data.metadata import written
from bdigest_data.metadata.files import dict_records

Key = tuple[str, ...]


class RowsError(ValueError):
    """A table that cannot be keyed: missing key column or duplicate key (file, line, value)."""


@dataclass(frozen=True)
class KeyedRows:
    """The rows of one CSV file: ``header`` in file order, ``rows`` by primary-key tuple."""

    path: Path
    key_fields: tuple[str, ...]
    header: tuple[str, ...]
    rows: dict[Key, dict[str, str]]


def primary_key(schema: dict[str, Any]) -> tuple[str, ...]:
    """The schema's primary key as a tuple of field names (a schema of any release, read as
    written by ``metadata.written``; a string key is one field)."""
    return tuple(written.primary_key(schema))


def format_key(key: Key) -> str:
    """A key for people: ``arms-001``, or ``a|b`` for a composite key."""
    return "|".join(key)


def read_keyed(fh: IO[bytes], path: Path, key_fields: tuple[str, ...]) -> KeyedRows:
    """Read the CSV file open as ``fh`` (``path`` names it in messages) and key its rows by
    ``key_fields``; ``RowsError`` when that fails or the file is not UTF-8 CSV."""
    text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
    reader = dict_records(text)
    rows: dict[Key, dict[str, str]] = {}
    try:
        header = tuple(reader.fieldnames or ())
        missing = [f for f in key_fields if f not in header]
        if not key_fields or missing:
            raise RowsError(
                f"{path}: cannot key the rows: primary key {list(key_fields)} "
                f"is not in the header {list(header)}"
            )
        for row in reader:
            key = tuple(row[f] or "" for f in key_fields)
            if key in rows:
                raise RowsError(
                    f"{path}, line {reader.line_num}: primary key {list(key_fields)} "
                    f"value {format_key(key)!r} occurs twice"
                )
            rows[key] = {name: row.get(name) or "" for name in header}
    except UnicodeDecodeError:  # decoded in chunks: neither its line nor offset is the file's
        raise RowsError(f"{path}: not UTF-8 text; a table must be UTF-8 encoded") from None
    except csv.Error as exc:
        raise RowsError(f"{path}, line {reader.line_num + 1}: not a CSV record ({exc})") \
            from None
    finally:
        text.detach()  # the caller closes fh
    return KeyedRows(path, key_fields, header, rows)
