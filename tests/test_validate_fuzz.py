"""Whatever a contributor does to the files, ``validate`` answers with a clean report."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bdigest_data.findings import Finding
from bdigest_data.validation.runner import validate

ROOT = Path(__file__).resolve().parents[1]
TABLES = sorted(p.stem for p in (ROOT / "data").glob("*.csv"))
PARTS = ("datapackage.json", "data", "schemas", "seeds")


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def cell_edit(data: bytes, draw) -> bytes:
    rows = rows_of(data)
    r = draw(st.integers(0, max(len(rows) - 1, 0)))
    if not rows or not rows[r]:
        return data
    c = draw(st.integers(0, len(rows[r]) - 1))
    rows[r][c] = draw(st.text(st.sampled_from('ab1-9.,"\n\r \t;:/é\x00$'), max_size=12))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def byte_flip(data: bytes, draw) -> bytes:
    if not data:
        return data
    i = draw(st.integers(0, len(data) - 1))
    return data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1:]


def truncate(data: bytes, draw) -> bytes:
    return data[: draw(st.integers(0, len(data)))]


def shuffle_columns(data: bytes, draw) -> bytes:
    rows = rows_of(data)
    if not rows or not rows[0]:
        return data
    width = len(rows[0])
    order = draw(st.permutations(range(width)))
    keep = order[: draw(st.integers(1, width))]  # reordered, maybe some dropped
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [[r[i] for i in keep if i < len(r)] for r in rows])
    return out.getvalue().encode("utf-8")


EDITS = [cell_edit, byte_flip, truncate, shuffle_columns]


def well_formed(f: Finding) -> bool:
    return (isinstance(f.code, str) and f.code and isinstance(f.message, str) and f.message
            and all(v is None or (isinstance(v, int) and v >= 1) for v in (f.row, f.line))
            and all(v is None or isinstance(v, str) for v in (f.table, f.field, f.value)))


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), table=st.sampled_from(TABLES), edits=st.lists(
    st.sampled_from(EDITS), min_size=1, max_size=3))
def test_corrupted_copies_get_a_clean_report(data, table, edits) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pkg = Path(tmp)
        for part in PARTS:
            (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, pkg / part)
        path = pkg / "data" / f"{table}.csv"
        content = path.read_bytes()
        for edit in edits:
            try:
                content = edit(content, data.draw)
            except UnicodeDecodeError:  # a row edit after a byte flip: keep the bytes
                continue
        path.write_bytes(content)
        report = validate(pkg)
    assert all(well_formed(f) for f in report.findings), report.findings
    assert not [f for f in report.findings if f.code == "internal-error"], report.findings
