"""``load(..., backend="polars")``: the pandas frames' columns, rows and types, as polars."""

from __future__ import annotations

import subprocess
import sys

import polars as pl
import pytest
from helpers import set_cell
from polars_frames import assert_same_as_pandas

import bdigest_data as bd
from bdigest_data import edtf

TABLES = bd.tables()


@pytest.mark.parametrize("table", TABLES)
def test_every_table_has_the_pandas_columns_types_and_values(table):
    assert_same_as_pandas(bd.load(table, backend="polars"), bd.load(table))


def test_load_all_gives_every_table_as_polars():
    frames = bd.load_all(backend="polars")
    assert list(frames) == TABLES
    pandas_frames = bd.load_all()
    for name, frame in frames.items():
        assert_same_as_pandas(frame, pandas_frames[name])


def test_with_sources_joins_the_same_columns_in_the_same_row_order():
    frame = bd.load("visits", with_sources=True, backend="polars")
    assert_same_as_pandas(frame, bd.load("visits", with_sources=True))
    assert frame["source_title"].null_count() == 0


def test_enum_columns_keep_the_schema_order_and_refuse_other_values():
    status = bd.load("visits", backend="polars")["status"]
    assert status.dtype == pl.Enum([c for c in bd.schema("visits")["fields"]
                                    if c["name"] == "status"][0]["constraints"]["enum"])
    assert bd.load("visits", backend="polars")["start_date_precision"].dtype == pl.Enum(
        list(edtf.PRECISIONS))
    with pytest.raises(pl.exceptions.InvalidOperationError):
        status.set(status.is_not_null(), "cancelled")


@pytest.mark.parametrize(
    ("table", "field", "value"),
    [("political_prisoners", "count", "12x"), ("visits", "status", "cancelled"),
     ("visits", "start_date", "2016-02-30")],
)
def test_a_bad_cell_raises_the_same_validation_error_as_pandas(package_copy, table, field,
                                                               value):
    set_cell(package_copy, table, 2, field, value)
    errors = []
    for backend in ("pandas", "polars"):
        with pytest.raises(bd.ValidationError) as info:
            bd.load(table, validate=False, path=package_copy, backend=backend)
        errors.append(info.value.findings)
        with pytest.raises(bd.ValidationError):
            bd.load_all(validate=False, path=package_copy, backend=backend)
    assert errors[0] == errors[1]
    assert [(f.row, f.field, f.value) for f in errors[1]] == [(2, field, value)]


def test_a_broken_package_is_refused_by_validation_before_any_frame(package_copy):
    set_cell(package_copy, "trade", 1, "quote", "A sentence the article never wrote.")
    with pytest.raises(bd.ValidationError, match="quote"):
        bd.load("trade", path=package_copy, backend="polars")
    with pytest.raises(bd.ValidationError, match="quote"):
        bd.load_all(path=package_copy, backend="polars")


@pytest.mark.parametrize("call", [lambda b: bd.load("visits", backend=b),
                                  lambda b: bd.load_all(backend=b)])
def test_an_unknown_backend_names_the_valid_ones(call):
    with pytest.raises(ValueError, match=r"unknown backend 'arrow'.*pandas, polars"):
        call("arrow")


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_polars_is_imported_only_when_asked_for():
    code = ("import sys, bdigest_data as bd\n"
            "print(sorted({'pandas', 'polars'} & set(sys.modules)))\n"
            "bd.load('visits')\n"
            "print('polars' in sys.modules)\n"
            "bd.load('visits', backend='polars')\n"
            "print('polars' in sys.modules)\n")
    assert _run(code).splitlines() == ["[]", "False", "True"]


def test_without_polars_the_error_says_how_to_install_it():
    code = ("import sys\n"
            "sys.modules['polars'] = None  # as if not installed\n"
            "import bdigest_data as bd\n"
            "try:\n"
            "    bd.load('visits', backend='polars')\n"
            "except ImportError as exc:\n"
            "    print(exc)\n")
    assert "pip install 'bdigest-data[polars]'" in _run(code)
