"""Reports as text for a CI log (grouped by table) or as stable JSON (see ``to_json``);
``annotations`` renders them for GitHub Actions."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from bdigest_data.findings import Finding, Report

JSON_FORMAT = "bdigest-data-validate/1"  # changes when the JSON shape does
_VALUE_WIDTH = 120


def render(report: Report, fmt: str) -> str:
    """The report in format ``fmt`` (``text`` or ``json``), ending with a newline."""
    return to_json(report) if fmt == "json" else to_text(report)


def to_json(report: Report) -> str:
    """Stable JSON::

        {"format": "bdigest-data-validate/1", "valid": bool, "descriptor": path,
         "checks": [group, ...], "tables": {name: {"path": str, "rows": int}, ...},
         "summary": {"findings": int, "by_table": {...}, "by_code": {...},
                     "omitted": {table: int}},
         "findings": [{"code", "message", "table", "row", "line", "field", "value"}, ...],
         "seconds": float}

    Every finding has all seven keys (``null`` where they do not apply); ``row`` is the
    1-based data row (frictionless' rowNumber - 1), ``line`` the CSV line it starts on.
    """
    stats = report.stats
    doc = {
        "format": JSON_FORMAT,
        "valid": report.valid,
        "descriptor": stats.get("descriptor"),
        "checks": stats.get("checks", []),
        "tables": stats.get("tables", {}),
        "summary": {
            "findings": len(report.findings),
            "by_table": dict(Counter(f.table or "package" for f in report.findings)),
            "by_code": dict(Counter(f.code for f in report.findings)),
            "omitted": stats.get("omitted", {}),
        },
        "findings": [f.to_dict() for f in report.findings],
        "seconds": stats.get("seconds"),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def to_text(report: Report) -> str:
    """Findings grouped by table (package-wide ones first), one per line, then a verdict."""
    stats = report.stats
    tables: dict[str, Any] = stats.get("tables", {})
    skipped = stats.get("skipped", [])
    out = [f"bdigest-data validate {stats.get('descriptor', '')}",
           f"checks: {', '.join(stats.get('checks', [])) or 'none'}"
           + (f" (skipped: {', '.join(skipped)}, which needs the whole package, not --table)"
              if skipped else "")]
    groups: dict[str | None, list[Finding]] = {}
    for f in report.findings:
        groups.setdefault(f.table, []).append(f)
    omitted: dict[str, int] = stats.get("omitted", {})
    for table, findings in groups.items():
        where = (f"{table} ({tables[table]['path']})" if table in tables else table) \
            if table else "package"
        out += ["", f"{where}: {_count(len(findings))}"]
        out += [f"  {_line(f)}" for f in findings]
        if omitted.get(table or ""):
            out.append(f"  … and {omitted[table or '']} more not shown (the limit per table; "
                       "--max-findings 0 shows all)")
    rows = sum(t.get("rows", 0) for t in tables.values())
    checked = f"{len(tables)} resources, {rows} rows, in {stats.get('seconds', 0):.2f} s"
    if stats.get("cached"):
        checked += "; the verdict of an earlier run on the same files, from the cache " \
                   "(--no-cache checks again)"
    if report.valid:
        out += ["", f"VALID: no findings ({checked})"]
    else:
        shown = ", ".join(f"{t or 'package'} {len(fs)}" for t, fs in groups.items())
        out += ["", f"INVALID: {_count(len(report.findings))} ({shown}; {checked})"]
    return "\n".join(out) + "\n"


def _count(n: int) -> str:
    return f"{n} finding" + ("" if n == 1 else "s")


def _line(f: Finding) -> str:
    place = []
    if f.row is not None:
        place.append(f"row {f.row}")
    if f.line is not None:
        place.append(f"line {f.line}")
    if f.field is not None:
        place.append(f"field {f.field}")
    head = (", ".join(place) + " " if place else "") + f"[{f.code}]"
    value = "" if f.value is None else f"; value {_show(f.value)}"
    return f"{head} {f.message}{value}"


def _show(value: str) -> str:
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= _VALUE_WIDTH else shown[: _VALUE_WIDTH - 2] + "…\""
