"""When the foreign key checks run while a package is read, and when key columns go.

A table's ``unique`` and primary key checks run while it is read (``structure``). Its
foreign keys run once every table they point at has been read (or could not be): all of a
table's foreign keys at once, in schema order. A key column that no package-wide check
reads is dropped as soon as no key check waits for it, so that a package of millions of
rows keeps a table's ids only while another table may still point at them. Findings are
the same whatever the order the tables come in (the runner sorts them by table and row).
"""

from __future__ import annotations

from bdigest_data.findings import Finding
from bdigest_data.metadata.classes import TableSchema
from bdigest_data.validation.checks.structure import keys
from bdigest_data.validation.context import PackageData


class KeySchedule:
    """The foreign keys of ``schemas`` still to check while the tables are read.

    ``needed``: per table, the fields the package-wide checks read (``None``: all; those
    columns stay); ``check``: whether foreign keys are checked (the ``structure`` group)."""

    def __init__(self, schemas: dict[str, TableSchema], needed: dict[str, set[str] | None],
                 *, check: bool) -> None:
        self.schemas = schemas
        self.needed = needed
        self.check = check
        self.waiting = [name for name, schema in schemas.items() if schema.foreignKeys]
        self.read: set[str] = set()

    def after_reading(self, name: str, pkg: PackageData, labelled: dict[str, set[str]]
                      ) -> list[Finding]:
        """Table ``name`` has been read (or could not be): the ``foreign-key`` findings of
        the tables whose foreign keys can now be checked; then the key columns that no
        check waits for are dropped."""
        self.read.add(name)
        self._drop(pkg)  # before the foreign keys are checked: their columns stay
        ready = [t for t in self.waiting if t in self.read and
                 all(fk.target(t) in self.read or fk.target(t) not in self.schemas
                     for fk in self.schemas[t].foreignKeys)]
        self.waiting = [t for t in self.waiting if t not in ready]
        out = [f for t in ready if self.check for f in _foreign_keys(pkg, t, self.schemas,
                                                                     labelled)]
        self._drop(pkg)
        return out

    def _drop(self, pkg: PackageData) -> None:
        pending = _linked(self.schemas, self.waiting)
        linked = _linked(self.schemas, list(self.schemas))
        for name, td in pkg.tables.items():
            needed = self.needed.get(name)
            if needed is None:
                continue
            ours = self.schemas[name].key_fields() | linked.get(name, set())
            gone = {c for c in td.table.column_names
                    if c in ours and c not in needed and c not in pending.get(name, set())}
            if gone:
                td.table = td.table.select([c for c in td.table.column_names if c not in gone])


def _linked(schemas: dict[str, TableSchema], tables: list[str]) -> dict[str, set[str]]:
    """Per table, its fields in the foreign keys of ``tables``, on either side."""
    out: dict[str, set[str]] = {}
    for name in tables:
        for fk in schemas[name].foreignKeys:
            out.setdefault(name, set()).update(fk.fields)
            out.setdefault(fk.target(name), set()).update(fk.reference.fields)
    return out


def _foreign_keys(pkg: PackageData, name: str, schemas: dict[str, TableSchema],
                  labelled: dict[str, set[str]]) -> list[Finding]:
    """``foreign-key`` findings of table ``name`` (a key whose fields lack a column, or
    whose schema is faulty, is not checked; the fault is reported by ``metadata``)."""
    out: list[Finding] = []
    if name not in pkg.tables:
        return out
    for fk in schemas[name].foreignKeys:
        ref = fk.target(name)
        if ref not in pkg.tables or not set(fk.fields) <= labelled[name] \
                or ref not in schemas or not set(fk.reference.fields) <= labelled[ref] \
                or len(fk.fields) != len(fk.reference.fields):
            continue
        out += keys.foreign_key_findings(pkg.tables[name], fk.fields, pkg.tables[ref],
                                         fk.reference.fields)
    return out
