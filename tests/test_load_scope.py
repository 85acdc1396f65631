"""Load what you asked for (#22): ``load(name)`` checks that table and the tables it refers
to; a fault elsewhere in the package is a ``PackageFaultWarning`` naming it, while
``load_all()`` and ``validate()`` stay whole-package and strict. Every case breaks a copy
of the real package in a temp dir."""

from __future__ import annotations

import warnings

import pytest
from conftest import run_cli
from helpers import set_cell

import bdigest_data as bd
from bdigest_data.release.stamp import stamp


def _load(name: str, pkg: object) -> tuple[object, list[bd.PackageFaultWarning]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = bd.load(name, path=pkg)
    return frame, [w.message for w in caught if isinstance(w.message, bd.PackageFaultWarning)]


def test_a_valid_package_loads_without_a_warning(package_copy):
    frame, warned = _load("visits", package_copy)
    assert len(frame) and warned == []


@pytest.mark.parametrize("stamped", [True, False], ids=["broken-and-stamped", "stale-hash"])
def test_a_broken_unrelated_table_warns_but_does_not_block(package_copy, stamped):
    set_cell(package_copy, "trade", 2, "value", "1,5")  # does not parse
    if stamped:
        stamp(package_copy)
    frame, warned = _load("visits", package_copy)
    assert len(frame) == len(bd.load("visits"))
    if stamped:  # the hashes agree: visits and what it refers to are all that is read
        assert warned == []
    else:
        (warning,) = warned
        assert {f.table for f in warning.findings} == {"trade"}
        assert {f.code for f in warning.findings} == {"hash-count", "byte-count"}
        assert "trade" in str(warning) and "bdigest-data validate" in str(warning)
    with pytest.raises(bd.ValidationError) as info:
        bd.load("trade", path=package_copy)
    assert "trade" in {f.table for f in info.value.findings}
    with pytest.raises(bd.ValidationError):
        bd.load_all(path=package_copy)
    assert not bd.validate(package_copy).valid
    assert run_cli("validate", "--package", str(package_copy)).returncode == 1


@pytest.mark.parametrize("table", ["visits", "persons", "places"])
def test_a_broken_table_or_one_it_refers_to_blocks(package_copy, table):
    field = {"visits": "status", "persons": "state", "places": "country"}[table]
    set_cell(package_copy, table, 1, field, "no-such-thing")
    stamp(package_copy)
    with pytest.raises(bd.ValidationError) as info:
        bd.load("visits", path=package_copy)
    assert table in {f.table for f in info.value.findings}
    with pytest.raises(bd.ValidationError):
        bd.records("visits", path=package_copy)
    frame, warned = _load("trade", package_copy)  # trade refers to neither
    assert len(frame) and warned == []


def test_a_stale_seed_blocks_every_fact_table(package_copy):
    """The seed files hold the quotes every fact table's provenance reads."""
    seed = next((package_copy / "seeds").iterdir())
    seed.write_bytes(seed.read_bytes() + b"\n")
    with pytest.raises(bd.ValidationError):
        bd.load("visits", path=package_copy)


def test_the_warning_can_be_made_an_error(package_copy):
    set_cell(package_copy, "rankings", 1, "note", "re-saved")
    with warnings.catch_warnings():
        warnings.simplefilter("error", bd.PackageFaultWarning)
        with pytest.raises(bd.PackageFaultWarning, match="rankings"):
            bd.load("visits", path=package_copy)
    with warnings.catch_warnings():  # a remembered verdict still warns
        warnings.simplefilter("error", bd.PackageFaultWarning)
        with pytest.raises(bd.PackageFaultWarning, match="rankings"):
            bd.load("visits", path=package_copy)
