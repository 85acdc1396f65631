"""What the ``dataset`` checks share: the rules of the 1.0 data model (issue #10), one module
each, registered from its folder, ``validation/checks/dataset/``.

- ``naming``: every actor, person and place of a fact row is named in its quote.
- ``magnitudes``: value_as_written, scale and currency words, measure and aggregation roles.
- ``derivations``: every derived value has a derivation that agrees with what it rests on.
- ``links``: event links point at rows that exist, of compatible kinds, without cycles.
- ``eventtypes``: every dyadic fact has exactly one event type (``event_types``).

This module holds what they share: a view of a table as rows by primary key, the names by
which the lookup tables let a quote name an actor, person or place, and ``finding``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from bdigest_data.findings import Finding
from bdigest_data.metadata import roles
from bdigest_data.text.evidence import show
from bdigest_data.validation.context import PackageData, TableData

DERIVED = "derived_fields"
# the tables a kind of name is looked up in
_LOOKUPS = {roles.ACTOR: (roles.ACTORS, roles.PLACES), roles.PERSON: (roles.PERSONS,),
            roles.PLACE: (roles.PLACES,), roles.ARTICLE: (roles.SOURCES,)}


def model_of(pkg: PackageData) -> Model:
    """The dataset view of ``pkg``, built once per package and shared by the checks."""
    model = pkg.__dict__.get("_dataset_model")
    if model is None:
        model = pkg.__dict__["_dataset_model"] = Model(pkg)
    return model


def finding(td: TableData, code: str, row: int, message: str, field: str | None = None,
            value: Any = None) -> Finding:
    return Finding(code, message, table=td.name, row=row + 1, line=td.line(row), field=field,
                   value=None if value is None else show(value))


def referenced(pkg: PackageData, table: str, field: str) -> str | None:
    """The table that ``field`` of ``table`` refers to by a foreign key, if it was read."""
    schema = pkg.model.tables.get(table)
    for fk in schema.foreignKeys if schema else ():
        if fk.fields == [field] and fk.target(table) in pkg.tables:
            return fk.target(table)
    return None


def reference_field(pkg: PackageData, table: str, target: str) -> str | None:
    """The (first) field of ``table`` that refers to ``target`` by a one-field foreign key."""
    schema = pkg.model.tables.get(table)
    for fk in schema.foreignKeys if schema else ():
        if len(fk.fields) == 1 and fk.target(table) == target:
            return fk.fields[0]
    return None


def derived_entries(cell: str | None) -> frozenset[str]:
    """The entries of a ``derived_fields`` cell (``field`` or ``field.part``)."""
    return frozenset(e for e in (cell or "").split(";") if e)


def is_derived(entries: frozenset[str], name: str) -> bool:
    """Whether field ``name`` (all of it or a part) is derived."""
    return any(e == name or e.startswith(name + ".") for e in entries)


def split(cell: str | None) -> list[str]:
    """A ``; ``-joined list cell as its items."""
    return [p.strip() for p in (cell or "").split(";") if p.strip()]


def word_in(name: str, text: str) -> bool:
    """``name`` occurs in ``text`` as whole words (case-sensitive; ``Belarus`` in
    ``Belarus’s`` and ``Belarus'``, not in ``Belarusian``)."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


class Row(Mapping[str, Any]):
    """One row of a ``Rows`` table, read from its columns: no dict per row (a dict a row of
    every table was 450 MB at 5,000 articles)."""

    __slots__ = ("_i", "_rows")

    def __init__(self, rows: Rows, i: int) -> None:
        self._rows, self._i = rows, i

    def __getitem__(self, name: str) -> Any:
        values = self._rows.values(name)
        if values is None:
            raise KeyError(name)
        return values[self._i]

    def get(self, name: str, default: Any = None) -> Any:
        values = self._rows.values(name)
        return default if values is None else values[self._i]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows.td.table.column_names)

    def __len__(self) -> int:
        return self._rows.td.table.num_columns


@dataclass
class Rows:
    """A table's rows, by primary key (first key field). A column is made Python values
    when a check first reads it, once: the checks read a few columns of most tables."""

    td: TableData
    index: dict[Any, int] = field(default_factory=dict)
    keyed: bool = True  # False: the key field is missing, so no row can be looked up
    _values: dict[str, list[Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, td: TableData) -> Rows:
        names = td.table.column_names
        key = td.schema.primary_key[0] if td.schema.primary_key else None
        if key not in names:
            key = None  # a key field the file lacks: the structure checks report it
        rows = cls(td, keyed=key is not None)
        keys = rows.values(key) if key is not None else None
        for i, value in enumerate(keys or []):
            if value is not None:
                rows.index.setdefault(value, i)
        return rows

    def values(self, name: str) -> list[Any] | None:
        """Column ``name`` as Python values; ``None`` when the table has no such column."""
        if name not in self._values:
            if name not in self.td.table.column_names:
                return None
            self._values[name] = self.td.table.column(name).to_pylist()
        return self._values[name]

    @property
    def rows(self) -> list[Row]:
        """Every row, in order (none for a table without columns)."""
        count = self.td.table.num_rows if self.td.table.num_columns else 0
        return [Row(self, i) for i in range(count)]

    def get(self, key: Any) -> Row | None:
        i = self.index.get(key)
        return None if i is None else Row(self, i)


class Model:
    """The package as the dataset checks see it (tables read on demand)."""

    def __init__(self, pkg: PackageData) -> None:
        self.pkg = pkg
        self._rows: dict[str, Rows] = {}
        # once: the package declares a resource per article, and this is asked per row
        self._unread = frozenset(pkg.unread())

    def rows(self, name: str) -> Rows | None:
        td = self.pkg.tables.get(name)
        if td is None:
            return None
        if name not in self._rows:
            self._rows[name] = Rows.of(td)
        return self._rows[name]

    def facts(self) -> list[str]:
        return self.pkg.fact_tables()

    def unknowable(self, table: str | None) -> bool:
        """Whether rows of ``table`` cannot be looked up (its key field is broken, or the
        package declares it but it was not read: its schema or file is unusable; each is
        reported on its own), so a reference to one proves nothing."""
        if table in self._unread:
            return True
        rows = self.rows(table) if table else None
        return rows is not None and not rows.keyed

    def unparsed(self, table: str | None, row: dict[str, Any] | None, field: str | None
                 ) -> bool:
        """Whether cell ``field`` of ``row`` (a row of ``table``) did not parse (its own
        finding, from the structure group)."""
        rows = self.rows(table) if table else None
        if rows is None or row is None or not rows.keyed or field is None:
            return False
        index = rows.index.get(row.get(rows.td.schema.primary_key[0]))
        return index is not None and self.pkg.failed_in(rows.td.name, index, {field})

    def knows(self, kind: str) -> bool:
        """Whether the names of ``kind`` (``actor``, ``person``, ``place``) can be looked up:
        their tables were read (an actor is also named by its capital, from ``places``)."""
        return not any(self.unknowable(t) for t in _LOOKUPS.get(kind, ()))

    def complete(self) -> bool:
        """Whether every table of the package was read (not a ``--table`` run, where rows
        that others point at, or the places naming a capital, may be missing)."""
        return set(self.pkg.model.tables) <= set(self.pkg.tables)

    @cached_property
    def actor_names(self) -> dict[str, list[str]]:
        """actor_id -> the names a quote may use: name, aliases, its capital's names."""
        out: dict[str, list[str]] = {}
        actors = self.rows(roles.ACTORS)
        for r in actors.rows if actors else []:
            out[r["actor_id"]] = [n for n in (r.get("name"), *split(r.get("aliases"))) if n]
        for pid, names in self.place_names.items():
            place = self.rows(roles.PLACES).get(pid)  # type: ignore[union-attr]
            if place and place.get("capital_of") in out:
                out[place["capital_of"]] += names
        return out

    @cached_property
    def place_names(self) -> dict[Any, list[str]]:
        places = self.rows(roles.PLACES)
        return {r["place_id"]: [n for n in (r.get("name"), *split(r.get("aliases"))) if n]
                for r in (places.rows if places else [])}

    @cached_property
    def person_names(self) -> dict[str, list[str]]:
        persons = self.rows(roles.PERSONS)
        return {r["person_id"]: [n for n in (r.get("name"), *split(r.get("variants"))) if n]
                for r in (persons.rows if persons else [])}

    def names_of(self, kind: str, value: Any) -> list[str]:
        table = {roles.ACTOR: self.actor_names, roles.PERSON: self.person_names,
                 roles.PLACE: self.place_names}[kind]
        return table.get(value, [])
