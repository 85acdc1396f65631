"""The loader: each table as a typed frame, the package as every export and page reads it.

Modules: ``frames`` (``load``, ``load_all``, ``tables``, ``schema``, ``sources``: the
typed pandas or polars frame of a table, read through the model and checked first by the
validator), ``convert`` (strict cell conversion to each field's Arrow, pandas and polars
types, by the engine's cell rules), ``backends`` (one small object per dataframe
library: pandas, polars), ``records`` (pydantic row models), ``columns`` (the
columns of a loaded table), ``values`` (a loaded frame as plain Python values),
``package`` (the package's metadata and every table as loaded, which the exports and the
site write). Heavy libraries are imported by the module that needs them, never here.
"""
