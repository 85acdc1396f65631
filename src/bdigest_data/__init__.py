"""bdigest-data: facts about Belarus' foreign relations from Belarus Digest articles.

Every row of every table carries its source article and a verbatim quote that code checks
against the article text. The public API is small:

- ``tables()`` — names of the tables (fact tables and lookup tables).
- ``load(name, *, validate=True, with_sources=False, backend="pandas")`` — one table as a
  typed pandas DataFrame (dtypes derived from its Table Schema; metadata in ``df.attrs``),
  or with ``backend="polars"`` a polars DataFrame (extra ``bdigest-data[polars]``). It
  checks that table and the tables it refers to (``validate(tables=[name])``) and hashes
  the other files; a fault elsewhere is a ``PackageFaultWarning`` naming it.
- ``load_all(*, validate=True, backend="pandas")`` — every table, as a dict of DataFrames,
  after every check of the package (any finding raises).
- ``schema(name)`` — the table's Table Schema (fields with types, constraints, descriptions).
- ``records(name)`` — the rows as pydantic models generated from the same schema;
  ``model(name)`` is the model class.
- ``events(*, validate=True, backend="pandas")`` — every dyadic fact (a visit or meeting,
  an arms transfer, an economic flow between two actors) as one row: ``actor1`` and
  ``actor2`` in the direction the ``event_types`` table gives (the visitor, the supplier,
  the lender first) with their ISO, COW and G-W codes, the CAMEO code and PLOVER event
  type (or ``fit`` ``none``), date, place, certainty, source and quote.
- ``dyad_years(system="cow", *, directed=True, apart=False, backend="pandas")`` and
  ``state_years(system="cow", *, apart=False, backend="pandas")`` — panels keyed as
  peacesciencer keys them (``ccode1, ccode2, year`` / ``ccode, year``; ``gwcode…`` for
  ``system="gw"``): counts of dyadic facts per PLOVER event type with their event ids;
  rankings, political-prisoner counts and arms-export totals (never a part of a total).
  A fact with no date in one year, or an actor without a code, is not put in a year:
  ``apart=True`` lists those facts with the reason.
- ``sources()`` — the source articles (title, inferred publication date, offsets).
- ``validate(path=None)`` — validate a package directory (default: the installed one) and
  return a ``Report`` of ``Finding`` s. Every failure of ``load`` (and ``load_all``,
  ``records`` …) is a ``ValidationError``. An unknown table name is a ``KeyError`` naming
  the tables.
- ``PackageFileError`` — the one error of every function above for a package that is
  missing or cannot be read (no descriptor at ``path``, an archive that cannot be
  unpacked, a path the safety rules refuse, a missing file); ``findings`` says which file.
  It is a ``ValidationError``, a ``FileNotFoundError`` and a ``ValueError``, so clauses
  written for what ``load``, ``validate`` and ``cite`` raised before still catch it.
- ``PackageFaultWarning`` — the warning of ``load(name)`` (``records``, ``sources``) when
  the table asked for passes but another part of the package does not (a changed file,
  a faulty schema, versions that disagree); ``findings`` holds them.
- ``cite(format="text")`` — how to cite the dataset; ``cite_row(name, row)`` for the
  article behind one row.
- ``export(format, out, *, force=False)`` — write SQLite, Parquet, xlsx, JSON or DuckDB.
- ``read_parquet(path, *, backend="pandas")`` — a file of the Parquet export as the frame
  ``load`` gives (the same dtypes on pandas 2 and 3).
- ``site(out, *, force=False)`` — write a static site: data card, article readers with
  every row's quote highlighted, sortable tables, charts (the ``site`` extra).
- ``__version__`` — the dataset version (equal to ``datapackage.json`` and CITATION.cff).

Heavy libraries (pandas, pyarrow, pydantic, polars) are imported only when a function needs
them.
"""

from __future__ import annotations

import importlib
from typing import Any

from bdigest_data.findings import (
    Finding,
    PackageFaultWarning,
    PackageFileError,
    Report,
    ValidationError,
)

# public name -> module that defines it (imported on first use)
_LAZY = {
    "tables": "bdigest_data.loader.frames",
    "load": "bdigest_data.loader.frames",
    "load_all": "bdigest_data.loader.frames",
    "schema": "bdigest_data.loader.frames",
    "sources": "bdigest_data.loader.frames",
    "events": "bdigest_data.loader.events",
    "dyad_years": "bdigest_data.loader.panels",
    "state_years": "bdigest_data.loader.panels",
    "records": "bdigest_data.loader.records",
    "model": "bdigest_data.loader.records",
    "validate": "bdigest_data.validation",
    "cite": "bdigest_data.release.citation",
    "cite_row": "bdigest_data.release.citation",
    "export": "bdigest_data.exports",
    "site": "bdigest_data.website",
    "read_parquet": "bdigest_data.exports.parquet",
}

__all__ = ["Finding", "PackageFaultWarning", "PackageFileError", "Report", "ValidationError",
           "__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name == "__version__":  # read without the model (no pydantic for a version)
        from bdigest_data.metadata import DESCRIPTOR, files_of

        return files_of(None).read_json(DESCRIPTOR)["version"]
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'bdigest_data' has no attribute {name!r}")
