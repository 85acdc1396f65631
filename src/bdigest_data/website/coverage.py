"""Coverage per article, as ``bdigest-data coverage --format json`` reports it.

The site reads the command's JSON (its documented output, ``render_json`` of the ledger,
made here as the command makes it, without going through the command line) rather than
the ledger's internals, so it shows whatever counts the command reports and keeps working
while the ledger changes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# counts shown per article first, in this order (any others the command reports follow);
# the sentence counts are the site's own when the command reports none
COUNTS = ("sentences", "sentences_covered", "set_aside", "unaccounted", "figures",
          "figures_covered", "figures_set_aside", "uncovered", "covered", "excluded",
          "sentences quoted", "sentences set aside", "sentences neither")


def per_article(root: Path) -> dict[str, dict[str, Any]]:
    """source_id -> the command's counts for it (lists are counted); empty if it fails."""
    from bdigest_data.validation.checks.coverage import coverage
    from bdigest_data.validation.report.coverage_render import render_json
    from bdigest_data.validation.runner import load

    try:
        pkg, _ = load(root, groups=("coverage",))
        entries = None if pkg is None else coverage.ledger(pkg)
    except (OSError, ValueError):
        return {}
    if entries is None:
        return {}
    reported = json.loads(render_json(entries, units=False)).get("articles", [])
    return {
        e["source_id"]: {k: _count(v) for k, v in e.items()
                         if isinstance(v, (int, list, dict)) and not isinstance(v, bool)}
        for e in reported if "source_id" in e
    }


def _count(value: int | list[Any] | dict[str, Any]) -> int:
    """A count as reported: a number, a list of items, or counts by kind (summed)."""
    if isinstance(value, dict):
        return sum(v for v in value.values() if isinstance(v, int))
    return len(value) if isinstance(value, list) else value
