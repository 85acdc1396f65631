"""The coverage ledger's dispositions agree with the units they set aside (codebook section
15); the ``coverage`` group judges whether a row is needed at all.

- ``disposition-kind``: a ledger row sets a unit aside with a disposition given by rule to
  another kind of unit (``caption`` for a caption or credit, ``heading`` for a heading,
  ``coverage.BY_RULE``), e.g. a plain sentence set aside as a ``caption``.
- ``recorded-elsewhere``: a ``recorded_in`` sentence of another article than the sentence
  set aside: a fact is recorded from a sentence of its own article.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from bdigest_data.catalogue import DISPOSITION_KIND, RECORDED_ELSEWHERE
from bdigest_data.engine.arrays import from_numpy, texts, true_indices
from bdigest_data.findings import Finding
from bdigest_data.metadata import roles
from bdigest_data.validation.checks.coverage.coverage import BY_RULE
from bdigest_data.validation.checks.dataset.dataset import finding
from bdigest_data.validation.context import PackageData, TableData
from bdigest_data.validation.registry import register


def needs(schema: object) -> set[str]:
    return set()  # no field of a fact table


@register("dataset", DISPOSITION_KIND, RECORDED_ELSEWHERE)
def check_ledger(pkg: PackageData) -> list[Finding]:
    """The ledger rules (see the module docstring)."""
    ledger, units = pkg.role_table(roles.COVERAGE_LEDGER), pkg.role_table(roles.SENTENCES)
    if ledger is None or units is None or units.table.num_rows == 0:
        return []
    ids = units.column("sentence_id").combine_chunks()
    own = pc.index_in(ledger.column("sentence_id"), value_set=ids, skip_nulls=True)
    kind = pc.take(units.column("kind"), own)
    source = pc.take(units.column("source_id"), own)
    return _kinds(ledger, kind) + _recorded(ledger, units, ids, source)


def _kinds(ledger: TableData, kind: pa.ChunkedArray) -> list[Finding]:
    disposition = ledger.column("disposition")
    out = []
    for d in sorted(set(BY_RULE.values())):
        kinds = sorted(k for k, v in BY_RULE.items() if v == d)
        wrong = pc.and_(pc.and_(pc.is_in(disposition, value_set=texts([d])), pc.is_valid(kind)),
                        pc.invert(pc.is_in(kind, value_set=texts(kinds))))
        rows = true_indices(wrong)
        shown = kind.take(from_numpy(rows)).to_pylist() if len(rows) else []
        out += [finding(ledger, DISPOSITION_KIND, int(row), f"the unit is a {k}, but the "
                        f"disposition {d!r} is for a {' or '.join(kinds)}: set it aside as "
                        "analysis, background, statement or recorded", "disposition", d)
                for row, k in zip(rows, shown, strict=True)]
    return sorted(out, key=lambda f: f.row or 0)


def _recorded(ledger: TableData, units: TableData, ids: pa.Array,
              source: pa.ChunkedArray) -> list[Finding]:
    recorded = ledger.column("recorded_in")
    theirs = pc.take(units.column("source_id"),
                     pc.index_in(recorded, value_set=ids, skip_nulls=True))
    rows = true_indices(pc.not_equal(source, theirs))
    shown = recorded.take(from_numpy(rows)).to_pylist() if len(rows) else []
    return [finding(ledger, RECORDED_ELSEWHERE, int(row), f"recorded_in {rid} is a sentence "
                    "of another article: a fact is recorded from a sentence of its own "
                    "article", "recorded_in", rid) for row, rid in zip(rows, shown, strict=True)]
