"""Coverage per article, as ``bdigest-data coverage --format json`` reports it.

The site reads the command's JSON (its documented output) rather than the ledger's
internals, so it shows whatever counts the command reports (figures; sentences once the
sentence ledger exists) and keeps working while the ledger changes.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

# counts shown per article first, in this order (any others the command reports follow);
# the sentence counts are the site's own when the command reports none
COUNTS = ("figures", "covered", "excluded", "uncovered", "sentences", "sentences quoted",
          "sentences set aside", "sentences neither")


def per_article(root: Path) -> dict[str, dict[str, Any]]:
    """source_id -> the command's counts for it (lists are counted); empty if it fails."""
    from bdigest_data.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["coverage", "--package", str(root), "--format", "json"])
    if code != 0:
        return {}
    entries = json.loads(out.getvalue()).get("articles", [])
    return {
        e["source_id"]: {k: len(v) if isinstance(v, list) else v for k, v in e.items()
                         if isinstance(v, (int, list)) and not isinstance(v, bool)}
        for e in entries if "source_id" in e
    }
