"""What keeps the validator's memory bounded changes no finding.

- A key column that no package-wide check reads (a table's ids, a foreign key's column) is
  dropped as soon as the key checks that read it are done (``schedule``); a table's foreign
  keys are checked once every table they point at has been read, in whatever order the
  descriptor lists the tables.
- pyarrow reads a file at most a few blocks ahead of the batches it has parsed
  (``reader._Paced``), and a read that has to wait too long goes on anyway.
"""

from __future__ import annotations

import json
import time

import pytest
from helpers import csv_path, edit_rows

from bdigest_data.catalogue import CODES
from bdigest_data.engine import stream as reader
from bdigest_data.validation import runner


def _findings(report):
    return sorted((f.table or "", f.row or 0, f.line or 0, f.code, f.field or "",
                   str(f.value), f.message) for f in report.findings)


def _break_keys(pkg):
    """A repeated participant id, a visit id no visit has, a total no row has, a repeated
    visit id (which participants point at)."""
    def participants(rows):
        pid, visit = rows[0].index("participant_id"), rows[0].index("visit_id")
        rows[3][pid] = rows[2][pid]
        rows[5][visit] = "visit-999"

    def arms(rows):
        rows[4][rows[0].index("part_of")] = "arms-999"

    def visits(rows):
        vid = rows[0].index("visit_id")
        rows[6][vid] = rows[1][vid]

    edit_rows(pkg, "participants", participants)
    edit_rows(pkg, "arms_exports", arms)
    edit_rows(pkg, "visits", visits)


def test_key_columns_go_once_checked_and_the_findings_stay(package_copy):
    _break_keys(package_copy)
    data, report = runner.load(package_copy, groups=("structure",), limit=None)
    codes = {f.code for f in report.findings}
    assert {"primary-key", "unique-error", "foreign-key"} <= codes
    assert any(f.table == "participants" and f.field == "visit_id" and f.value == "visit-999"
               for f in report.findings if f.code == "foreign-key")
    assert any(f.table == "arms_exports" and f.value == "arms-999"
               for f in report.findings if f.code == "foreign-key")
    participants = data.tables["participants"].table
    assert "participant_id" not in participants.column_names
    assert "visit_id" not in participants.column_names
    assert "visit_id" not in data.tables["visits"].table.column_names
    lines = csv_path(package_copy, "participants").read_text(encoding="utf-8").splitlines()
    assert participants.num_rows == len(lines) - 1
    # every column kept (the dataset group reads the ids): the same structure findings
    every = runner.validate(package_copy, limit=None)
    structure = [f for f in _findings(every) if CODES[f[3]].group == "structure"]
    assert _findings(runner.validate(package_copy, checks=["structure"], limit=None)) \
        == structure


def test_foreign_keys_wait_for_the_tables_they_point_at(package_copy):
    """Visits listed after the participants that point at them: the same findings."""
    _break_keys(package_copy)
    before = _findings(runner.validate(package_copy, checks=["structure"], limit=None))
    path = package_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    names = [r["name"] for r in descriptor["resources"]]
    assert names.index("visits") < names.index("participants")
    visits = descriptor["resources"].pop(names.index("visits"))
    descriptor["resources"].append(visits)
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    assert _findings(runner.validate(package_copy, checks=["structure"], limit=None)) == before


def _paced(monkeypatch):
    """Record the ``_Paced`` files the reader opens."""
    opened = []

    class Recorded(reader._Paced):
        def __init__(self, path):
            super().__init__(path)
            opened.append(self)

    monkeypatch.setattr(reader, "_Paced", Recorded)
    return opened


def _rows(path):
    return reader.read(path, lambda s: sum(b.num_rows for b in s.batches))[0]


def test_pyarrow_reads_a_few_blocks_ahead_of_the_batches(package_copy, monkeypatch):
    monkeypatch.setattr(reader, "BLOCK_SIZE", 1024)
    opened = _paced(monkeypatch)
    path = csv_path(package_copy, "sentences")
    blocks = path.stat().st_size // 1024
    assert blocks > 4 * (reader.LEAD + reader.AHEAD)

    streams = []

    def first_batch(stream):
        streams.append(stream)
        next(stream.batches)
        time.sleep(0.3)  # pyarrow's I/O thread would read on meanwhile
        return opened[-1]._reads

    ahead, _ = reader.read(path, first_batch)
    assert ahead <= reader.LEAD + reader.AHEAD + 3
    # a consumer that stops early leaves a reader run to its end, so that dropping it
    # never waits for a read that needs the GIL (a deadlock with pyarrow 14)
    with pytest.raises(StopIteration):
        streams[0].reader.read_next_batch()
    assert _rows(path) == len(path.read_text(encoding="utf-8").splitlines()) - 1
    assert opened[-1].closed


@pytest.mark.parametrize("lead", [0, 1])
def test_a_read_past_its_turn_waits_then_goes_on(package_copy, monkeypatch, lead):
    monkeypatch.setattr(reader, "BLOCK_SIZE", 4096)
    path = csv_path(package_copy, "sentences")
    expected = _rows(path)
    monkeypatch.setattr(reader, "LEAD", lead)
    monkeypatch.setattr(reader, "PACE_WAIT", 0.01)
    assert _rows(path) == expected
