"""A validation report for GitHub Actions: workflow-command annotations and a step summary.

``to_github`` prints one ``::error file=PATH,line=N,title=CODE::message`` per finding, so a
pull request shows each finding on the offending line of the CSV (or schema, descriptor or
seed text). PATH is relative to the repository root (``GITHUB_WORKSPACE``, else the
current directory) and N is the file's 1-based line. GitHub shows only the first 10 error
annotations of a step, so after ``limit`` of them the rest are printed as plain log lines
and a closing ``::notice`` says how many were not annotated.

``step_summary`` is the Markdown written to ``GITHUB_STEP_SUMMARY``: the verdict, the
findings per file and code, and the first ``SUMMARY_ROWS`` findings.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bdigest_data.catalogue import FIELD_ERROR, RESOURCE_ERROR, SCHEMA_ERROR, UNSTAMPED_RESOURCE
from bdigest_data.findings import Finding, Report
from bdigest_data.metadata.files import DESCRIPTOR

ANNOTATION_LIMIT = 10  # GitHub's limit of error annotations shown per step
SUMMARY_ROWS = 200  # findings listed in the step summary (it may hold 1 MiB)
SCHEMA_CODES = frozenset({SCHEMA_ERROR, FIELD_ERROR})  # about the table's schema file
DESCRIPTOR_CODES = frozenset({RESOURCE_ERROR, UNSTAMPED_RESOURCE})  # its descriptor entry


class FileMap:
    """Which file of the package a finding is about, as a path from the repository root.

    A finding about a table or file resource points at its ``path``, one about its schema
    (``SCHEMA_CODES``) at the schema file, and one about its entry in the descriptor
    (``DESCRIPTOR_CODES``) or about the whole package at ``datapackage.json``.
    """

    def __init__(self, descriptor: str | Path, base: str | Path | None = None) -> None:
        self.descriptor = Path(descriptor).resolve()
        self.root = self.descriptor.parent
        self.base = Path(base or os.environ.get("GITHUB_WORKSPACE") or Path.cwd()).resolve()
        self.data: dict[str, str] = {}
        self.schemas: dict[str, str] = {}
        try:
            resources = json.loads(self.descriptor.read_text(encoding="utf-8"))["resources"]
            for res in resources:
                if isinstance(res.get("path"), str):
                    self.data[res["name"]] = res["path"]
                if isinstance(res.get("schema"), str):
                    self.schemas[res["name"]] = res["schema"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # a broken descriptor: every finding points at it

    def relative(self, member: str) -> str:
        """``member`` (a path inside the package) as seen from the repository root."""
        path = (self.root / member).resolve()
        inside = path.is_relative_to(self.base)
        return (path.relative_to(self.base) if inside else Path(member)).as_posix()

    def file(self, f: Finding) -> str:
        """The file ``f`` is about."""
        if f.table is not None and f.code not in DESCRIPTOR_CODES:
            member = (self.schemas if f.code in SCHEMA_CODES else self.data).get(f.table)
            if member is not None:
                return self.relative(member)
        return self.relative(self.descriptor.name)

    def line(self, f: Finding) -> int | None:
        """The line ``f`` is on in ``file(f)``, when the finding names one."""
        return f.line


def _data(text: str) -> str:
    """Escape a workflow command's message (GitHub's ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """Escape a workflow command's property value (GitHub's ``escapeProperty``)."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **props: object) -> str:
    """One workflow command: ``::kind key=value,...::message``."""
    shown = ",".join(f"{k}={_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{kind}{' ' + shown if shown else ''}::{_data(message)}"


def message(f: Finding) -> str:
    """The finding's message with its row, field and value (the file is the annotation's)."""
    place = [f"{name} {value}" for name, value in (("row", f.row), ("field", f.field))
             if value is not None]
    value = "" if f.value is None else f"; value {json.dumps(f.value, ensure_ascii=False)}"
    return (f"{', '.join(place)}: " if place else "") + f.message + value


def to_github(report: Report, *, limit: int = ANNOTATION_LIMIT,
              base: str | Path | None = None) -> str:
    """The report as GitHub workflow commands (see the module docstring)."""
    files = FileMap(report.stats.get("descriptor", DESCRIPTOR), base)
    out: list[str] = []
    for i, f in enumerate(report.findings):
        path, line = files.file(f), files.line(f)
        if i < limit:
            out.append(command("error", message(f), file=path, line=line, title=f.code))
        else:
            out.append(f"{path}:{line or 1}: [{f.code}] {message(f)}")
    total = len(report.findings)
    if total > limit:
        out.append(command("notice", f"{total - limit} of {total} findings are not annotated "
                           f"(GitHub shows {limit} per step); they are listed above and in "
                           "the step summary", title="bdigest-data validate"))
    out.append(verdict(report))
    return "\n".join(out) + "\n"


def verdict(report: Report) -> str:
    """``VALID: no findings …`` or ``INVALID: N findings …``."""
    tables: Mapping[str, Any] = report.stats.get("tables", {})
    rows = sum(t.get("rows", 0) for t in tables.values())
    checks = ", ".join(report.stats.get("checks", []))
    checked = f"{len(tables)} resources, {rows} rows, checks: {checks}"
    n = len(report.findings)
    if report.valid:
        return f"VALID: no findings ({checked})"
    return f"INVALID: {n} finding{'' if n == 1 else 's'} ({checked})"


def _cell(text: object) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def step_summary(report: Report, *, base: str | Path | None = None,
                 rows: int = SUMMARY_ROWS) -> str:
    """The Markdown step summary (see the module docstring)."""
    files = FileMap(report.stats.get("descriptor", DESCRIPTOR), base)
    out = ["## bdigest-data validate", "", f"**{verdict(report)}**", ""]
    if report.valid:
        return "\n".join(out)
    counts = Counter((files.file(f), f.code) for f in report.findings)
    out += ["| file | code | findings |", "| --- | --- | ---: |"]
    out += [f"| `{_cell(path)}` | `{code}` | {n} |" for (path, code), n in counts.items()]
    out += ["", "| file | line | code | message |", "| --- | ---: | --- | --- |"]
    for f in report.findings[:rows]:
        out.append(f"| `{_cell(files.file(f))}` | {files.line(f) or ''} | `{f.code}` | "
                   f"{_cell(message(f))} |")
    if len(report.findings) > rows:
        out += ["", f"… and {len(report.findings) - rows} more findings; run "
                "`bdigest-data validate` to see them all."]
    return "\n".join(out) + "\n"
