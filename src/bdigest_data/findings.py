"""Findings: what a check reports about one broken rule, and the report that collects them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from bdigest_data.catalogue import FILE_ERROR


@dataclass(frozen=True)
class Finding:
    """One broken rule at one place.

    ``code`` reuses frictionless-py's error vocabulary where one exists (``type-error``,
    ``constraint-error``, ``missing-cell``, ``extra-cell``, ``blank-row``, ``primary-key``,
    ``foreign-key``, ``hash-count``, ``byte-count`` …) and adds our own for provenance,
    semantics, coverage and safety (``quote-not-found``, ``figure-not-in-quote`` …).
    ``row`` is the 1-based data row (the header is not counted; frictionless' rowNumber
    is ``row + 1``), ``line`` the 1-based physical line of the CSV file where the row starts.
    """

    code: str  # a ``catalogue.Code``, kept as its plain string
    message: str
    table: str | None = None
    row: int | None = None
    line: int | None = None
    field: str | None = None
    value: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", str(self.code))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    """All findings of a validation run; ``valid`` when there are none."""

    findings: list[Finding] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.findings

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)


class ValidationError(Exception):
    """Raised by ``load(..., validate=True)`` when the package breaks a rule.

    ``findings`` holds every finding; the message lists the first few.
    """

    def __init__(self, findings: list[Finding], *, shown: int = 10) -> None:
        self.findings = findings
        lines = [f"{len(findings)} finding(s):"]
        for f in findings[:shown]:
            where = ", ".join(
                f"{k} {v}" for k, v in (("table", f.table), ("row", f.row), ("line", f.line),
                                        ("field", f.field)) if v is not None
            )
            lines.append(f"  [{f.code}] {where}: {f.message}" if where else
                         f"  [{f.code}] {f.message}")
        if len(findings) > shown:
            lines.append(f"  … and {len(findings) - shown} more")
        super().__init__("\n".join(lines))


class PackageFaultWarning(UserWarning):
    """Warned by ``load(name)`` (and ``records``, ``sources``) when the table asked for and
    the tables it refers to pass their checks but something elsewhere in the package does
    not: another table's file changed since it was stamped (its hash or size), another
    table's schema has faults, the versions disagree (CITATION.cff, pyproject.toml).
    ``findings`` holds them; the message names the tables and codes. ``load_all()`` and
    ``validate()`` treat the same faults as errors. Turn it into an error with
    ``warnings.simplefilter("error", bdigest_data.PackageFaultWarning)``.
    """

    def __init__(self, asked: str, findings: list[Finding]) -> None:
        self.findings = findings
        where: dict[str, set[str]] = {}
        for f in findings:
            where.setdefault(f.table or "the package", set()).add(f.code)
        named = "; ".join(f"{t} ({', '.join(sorted(c))})" for t, c in where.items())
        super().__init__(f"the checks of {asked} passed, but {len(findings)} finding(s) "
                         f"elsewhere in the package: {named}; run `bdigest-data validate` "
                         "(or bdigest_data.validate()) for the details")


class PackageFileError(ValidationError, FileNotFoundError, ValueError):
    """The one error of every entry point (``load``, ``validate``, ``cite``, ``records`` …)
    for a package that is missing or cannot be read: no descriptor at the path given, an
    archive that cannot be unpacked, a path the safety rules refuse, a file that is missing
    or unreadable. ``findings`` says which file and why (code ``file-error`` …).

    It is a ``ValidationError`` (what ``load`` raised), a ``FileNotFoundError`` (what
    ``validate`` raised for a missing descriptor) and a ``ValueError`` (what ``cite`` and an
    unreadable archive raised), so an ``except`` clause written for any of them still
    catches it.
    """



class PackageError(PackageFileError):
    """A ``PackageFileError`` of one ``file-error`` finding whose text is ``message``: no
    package at a path, an archive that cannot be unpacked (``metadata.files``), a file the
    release tooling cannot read."""

    def __init__(self, message: str, *, value: str | None = None) -> None:
        super().__init__([Finding(code=FILE_ERROR, message=message, value=value)])
        self.args = (message,)
