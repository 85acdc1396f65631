"""The dataframe libraries ``load`` returns: one small object per library.

A backend makes a table's frame from its converted Arrow columns (``frame``: the columns of
each field's ``Converter``, in the table's order), says whether its frames carry the
table's metadata (``attrs``: pandas' ``df.attrs``; polars frames have none), and joins a
table with its source articles (``join``). ``BACKENDS`` holds them by name, the default
first; ``named`` picks one. A library is imported only when its backend makes a frame.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from bdigest_data.loader.convert import Converter


def _in_order(columns: Iterable[str], parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Every field's columns (``parts``), in the order of ``columns`` (the table's)."""
    out: dict[str, Any] = dict.fromkeys(columns)
    for part in parts:
        out.update(part)
    return out


class Pandas:
    """``pd.DataFrame`` frames; the table's metadata in ``df.attrs``."""

    name = "pandas"
    attrs = True

    def frame(self, converters: Iterable[Converter], arrays: dict[str, pa.Array],
              columns: Iterable[str], attrs: dict[str, Any]) -> Any:
        import pandas as pd

        out = _in_order(columns, (c.to_pandas(arrays[c.name]) for c in converters))
        frame = pd.DataFrame(out, copy=False)
        frame.attrs = attrs
        return frame

    def join(self, frame: Any, source: Any, local: str, renamed: dict[str, str],
             source_name: str) -> Any:
        right = source[list(renamed)].rename(columns=renamed)
        joined = frame.merge(right, on=local, how="left", validate="many_to_one")
        joined.attrs = copy.deepcopy(frame.attrs)
        joined.attrs["fields"].update({new: f"From {source_name}: {source.attrs['fields'][old]}"
                                       for old, new in renamed.items() if new != local})
        return joined


class Polars:
    """``pl.DataFrame`` frames (the extra ``bdigest-data[polars]``); no ``attrs``."""

    name = "polars"
    attrs = False

    def frame(self, converters: Iterable[Converter], arrays: dict[str, pa.Array],
              columns: Iterable[str], attrs: dict[str, Any]) -> Any:
        import polars as pl

        out = _in_order(columns, (c.to_polars(arrays[c.name]) for c in converters))
        return pl.DataFrame(list(out.values()))

    def join(self, frame: Any, source: Any, local: str, renamed: dict[str, str],
             source_name: str) -> Any:
        right = source.select(list(renamed)).rename(renamed)
        return frame.join(right, on=local, how="left", validate="m:1", maintain_order="left")


Backend = Pandas | Polars
BACKENDS: dict[str, Backend] = {b.name: b for b in (Pandas(), Polars())}


def named(backend: str) -> Backend:
    """The backend ``backend``: ``ValueError`` for an unknown one, ``ImportError`` saying how
    to add its library when that is missing."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; the backends are: {', '.join(BACKENDS)}")
    if backend != next(iter(BACKENDS)):
        try:
            importlib.import_module(backend)
        except ImportError as exc:
            raise ImportError(f"backend={backend!r} needs {backend}: "
                              f"pip install 'bdigest-data[{backend}]'") from exc
    return BACKENDS[backend]
