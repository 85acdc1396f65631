"""Semantics: rules about what the values mean, which no Table Schema constraint can state.

- ``invalid-date``: an EDTF field (a string field marked ``"bdigest:edtf": true``, like
  visits' ``start_date`` or sources' ``published``) whose value has the
  right shape but is no date (``2013-02-30``) or is an interval ending before it starts.
- ``date-order``: a row whose ``end_X`` ends before its ``start_X`` begins (any pair of
  EDTF fields named so, e.g. visits' ``start_date``/``end_date``).
- ``after-publication``: a fact dated (earliest day of a date evidence field)
  after the latest day its article can have been published (the ``published`` role of the
  sources table), unless one of the row's fields annotated
  ``"bdigest:may-postdate-source": [values]`` holds one of those values (certainty
  ``planned`` or ``target``, status ``planned``).
- ``invalid-country-code``: a field annotated ``"bdigest:country-code-when": {field:
  value}`` (actors' ``actor_id`` when ``actor_type`` is ``state``) whose value is not an
  ISO 3166-1 alpha-3 code (pycountry) in a row where the condition holds.
- ``part-unit-mismatch`` / ``part-exceeds-total`` / ``parts-exceed-total``: rows with a
  ``"bdigest:role": "part-of"`` field (a foreign key to the same table) must share the
  total's ``"unit"``-role fields (unit, scale, currency); no part may exceed the
  total's value (the table's number evidence field), nor may the parts together. A
  part naming no row is left to the foreign-key check.
- ``source-offsets``: a source whose ``char-start``/``char-end`` fall outside its seed
  text or are not ordered, or whose ``title`` does not appear in its span (Markdown ``#``
  and ``*`` dropped, whitespace folded).
- ``undeclared-seed``: a source whose ``seed-file`` is not a resource of the package with
  a ``hash`` (so every text a quote is checked against is itself checked).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bdigest_data import edtf
from bdigest_data.catalogue import (
    AFTER_PUBLICATION,
    DATE_ORDER,
    INVALID_COUNTRY_CODE,
    INVALID_DATE,
    PART_EXCEEDS_TOTAL,
    PART_UNIT_MISMATCH,
    PARTS_EXCEED_TOTAL,
    SOURCE_OFFSETS,
    UNDECLARED_SEED,
)
from bdigest_data.engine.arrays import from_numpy, scalar, texts, to_numpy
from bdigest_data.engine.grouping import decoded, decoded_type, distinct
from bdigest_data.findings import Finding
from bdigest_data.metadata import roles
from bdigest_data.metadata.classes import TableSchema
from bdigest_data.metadata.roles import COUNTRY_CODE_WHEN, MAY_POSTDATE
from bdigest_data.text.evidence import (
    evidence_fields,
    fact_tables,
    heading_free,
    show,
)
from bdigest_data.validation import registry
from bdigest_data.validation.context import PackageData, TableData

EPSILON = 1e-9


def check(pkg: PackageData) -> list[Finding]:
    """Semantic findings for ``pkg``: every registered check of the group."""
    return registry.run("semantics", pkg)


@registry.register("semantics", INVALID_DATE, DATE_ORDER)
def dates(pkg: PackageData) -> list[Finding]:
    """EDTF values that name no real day; ends before starts."""
    return [f for td in pkg.tables.values()
            for f in _dates(td, [x.name for x in td.schema.fields if x.edtf])]


@registry.register("semantics", INVALID_COUNTRY_CODE)
def country_codes(pkg: PackageData) -> list[Finding]:
    """Fields annotated ``bdigest:country-code-when`` hold ISO 3166-1 alpha-3 codes."""
    return [f for td in pkg.tables.values() for f in _country_codes(td)]


@registry.register("semantics", AFTER_PUBLICATION)
def after_publication(pkg: PackageData) -> list[Finding]:
    """Facts dated after their article, unless planned."""
    published = _published(pkg)
    return [f for name in fact_tables(pkg)
            for f in _after_publication(pkg.tables[name], published)]


@registry.register("semantics", PART_UNIT_MISMATCH, PART_EXCEEDS_TOTAL,
                   PARTS_EXCEED_TOTAL)
def parts(pkg: PackageData) -> list[Finding]:
    """Parts against their totals."""
    return [f for name in fact_tables(pkg) for f in _parts(pkg.tables[name])]


def needs(schema: TableSchema) -> set[str]:
    """The fields of a fact table with ``schema`` that these checks read."""
    parts = schema.primary_key if schema.role_name(roles.PART_OF) else []  # a total's id
    return {"source_id", *parts, *evidence_fields(schema),
            *(f.name for f in schema.fields
              if f.edtf or f.role in (roles.PART_OF, roles.UNIT) or f.annotation(MAY_POSTDATE))}


@lru_cache(maxsize=4096)
def _parse(text: str) -> edtf.Edtf | str:
    """The parsed date, or the reason it does not parse."""
    try:
        return edtf.parse(text)
    except ValueError as exc:
        return str(exc)


def _finding(td: TableData, code: str, row: int, message: str, field: str | None = None,
             value: Any = None) -> Finding:
    return Finding(code, message, table=td.name, row=row + 1, line=td.line(row), field=field,
                   value=None if value is None else show(value))


# dates ------------------------------------------------------------------------------------


def _dates(td: TableData, fields: list[str]) -> list[Finding]:
    if td.table.num_rows == 0:
        return []
    findings: list[Finding] = []
    for name in fields:
        groups = distinct(td.table.column(name))
        verdicts = [_invalid(v) for (v,) in groups.keys]
        findings.extend(_finding(td, INVALID_DATE, row, msg, name, td.table.column(name)[row])
                        for row, msg in groups.flagged(verdicts))
    for start in fields:
        end = "end_" + start.removeprefix("start_")
        if not start.startswith("start_") or end not in fields:
            continue
        groups = distinct(td.table.column(start), td.table.column(end))
        verdicts = [_order(a, b) for a, b in groups.keys]
        findings.extend(_finding(td, DATE_ORDER, row, f"{end} {b} ends before {start} {a} "
                                 "begins", end, b)
                        for row, (a, b) in groups.flagged(verdicts))
    return findings


def _invalid(value: str | None) -> str | None:
    parsed = None if value is None else _parse(value)
    return parsed if isinstance(parsed, str) else None


def _order(start: str | None, end: str | None) -> tuple[str, str] | None:
    """``(start, end)`` when the end's last day is before the start's first day."""
    if start is None or end is None:
        return None
    a, b = _parse(start), _parse(end)
    if isinstance(a, str) or isinstance(b, str) or b.latest >= a.earliest:
        return None
    return start, end


# after-publication ------------------------------------------------------------------------


def _published(pkg: PackageData) -> dict[str, edtf.Edtf]:
    sources = pkg.role_table(roles.SOURCES)
    if sources is None or not sources.schema.primary_key:
        return {}
    ids = sources.column(sources.schema.primary_key[0]).to_pylist()
    dates = sources.column(sources.schema.role_name(roles.PUBLISHED)).to_pylist()
    return {s: d for s, p in zip(ids, dates, strict=True)
            if s and p and not isinstance(d := _parse(p), str)}


def _late(published: dict[str, edtf.Edtf], source: str | None, value: str | None,
          exempt: bool) -> str | None:
    pub = published.get(source or "")
    if exempt or value is None or pub is None:
        return None
    date = _parse(value)
    if isinstance(date, str) or date.earliest <= pub.latest:
        return None
    return (f"dated {value} (from {date.earliest}), after its article {source!r} was published "
            f"({pub.text}, at the latest {pub.latest}); a fact after publication must have "
            "certainty 'planned' or 'target' (or status 'planned')")


def _after_publication(td: TableData, published: dict[str, edtf.Edtf]) -> list[Finding]:
    fields = [n for n, kind in evidence_fields(td.schema).items() if kind == roles.DATE]
    if td.table.num_rows == 0 or not fields:
        return []
    exempt = np.zeros(td.table.num_rows, dtype=bool)
    for f in td.schema.fields:
        values = f.annotation(MAY_POSTDATE)
        if values and f.name in td.table.column_names:
            hit = pc.is_in(td.table.column(f.name), value_set=texts(sorted(values)))
            exempt |= to_numpy(pc.fill_null(hit, scalar(False)))
    findings: list[Finding] = []
    for name in fields:
        groups = distinct(td.table.column("source_id"), td.table.column(name), from_numpy(exempt))
        verdicts = [_late(published, *key) for key in groups.keys]
        findings.extend(_finding(td, AFTER_PUBLICATION, row, f"{name} {msg}", name,
                                 td.table.column(name)[row])
                        for row, msg in groups.flagged(verdicts))
    return findings


# actors -----------------------------------------------------------------------------------


def _country_codes(td: TableData) -> list[Finding]:
    """Fields annotated ``bdigest:country-code-when`` hold ISO 3166-1 alpha-3 codes in the
    rows where the condition holds."""
    coded = [f for f in td.schema.fields if isinstance(f.annotation(COUNTRY_CODE_WHEN), dict)]
    if not coded or td.table.num_rows == 0:
        return []
    import pycountry

    findings = []
    for f in coded:
        conditions = f.annotation(COUNTRY_CODE_WHEN).items()
        columns = [td.column(name).to_pylist() for name, _ in conditions]
        wanted = [value for _, value in conditions]
        for row, (code, *cells) in enumerate(zip(td.column(f.name).to_pylist(), *columns,
                                                 strict=True)):
            if cells == wanted and code and pycountry.countries.get(alpha_3=code) is None:
                where = ", ".join(f"{n} {v!r}" for n, v in conditions)
                findings.append(_finding(td, INVALID_COUNTRY_CODE, row,
                                         f"{f.name} {code!r} ({where}) is not an ISO 3166-1 "
                                         "alpha-3 code", f.name, code))
    return findings


# parts and totals -------------------------------------------------------------------------


def _self_reference(td: TableData, name: str) -> bool:
    return any(fk.fields == [name] and fk.target(td.name) == td.name
               for fk in td.schema.foreignKeys)


def _rows(mask: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Indices of the rows where a boolean column is true."""
    filled = pc.fill_null(mask, scalar(False))
    return np.flatnonzero(to_numpy(filled))


def _parts(td: TableData) -> list[Finding]:
    """Parts against their totals, vectorised over the part rows; Python only builds the
    findings."""
    numbers = [f.name for f in td.schema.fields if f.evidence == roles.NUMBER]
    part_of = td.schema.role_name(roles.PART_OF)
    if len(numbers) != 1 or part_of is None or not _self_reference(td, part_of) \
            or td.table.num_rows == 0 or len(td.schema.primary_key) != 1:
        return []
    value, key = numbers[0], td.schema.primary_key[0]
    units = [f.name for f in td.schema.with_role(roles.UNIT) if f.name in td.table.column_names]
    part_rows = _rows(pc.is_valid(td.table.column(part_of)))
    if not len(part_rows):
        return []
    wanted = decoded(pc.take(td.table.column(part_of), from_numpy(part_rows)))
    keys = td.table.column(key)
    if decoded_type(keys.type) != wanted.type:
        return []  # no id can equal a total's
    total_rows = _rows(pc.is_in(keys, value_set=pc.unique(wanted)))[::-1]
    # a total is the last row with its id: index_in finds the first of the reversed rows
    found = pc.index_in(wanted, value_set=pc.take(keys, from_numpy(total_rows)))
    has = to_numpy(found.is_valid())
    parts, totals = part_rows[has], total_rows[to_numpy(found.drop_null())]
    if not len(parts):
        return []  # the foreign-key check reports the parts without a total
    take = {"part": from_numpy(parts), "total": from_numpy(totals)}
    differ = np.zeros((len(units), len(parts)), dtype=bool)
    for k, u in enumerate(units):
        a, b = (decoded(pc.take(td.table.column(u), take[w])) for w in ("part", "total"))
        same = pc.or_(pc.and_(a.is_null(), b.is_null()), pc.fill_null(pc.equal(a, b),
                                                                      scalar(False)))
        differ[k] = ~to_numpy(same)
    mismatch = differ.any(axis=0)
    mine, theirs = (pc.take(td.table.column(value), take[w]) for w in ("part", "total"))
    compared = ~mismatch & to_numpy(pc.and_(mine.is_valid(), theirs.is_valid()))
    margin = pc.add(pc.cast(theirs, pa.float64()), scalar(EPSILON))
    exceeds = compared & to_numpy(pc.fill_null(pc.greater(mine, margin), scalar(False)))
    flagged = np.flatnonzero(mismatch | exceeds)
    cells = _cells(td, [part_of, value, *units], parts[flagged], totals[flagged])
    findings: list[Finding] = []
    for j, (part, total) in zip(flagged.tolist(), cells, strict=True):
        i = int(parts[j])
        if mismatch[j]:
            bad = [u for k, u in enumerate(units) if differ[k, j]]
            findings.append(_finding(
                td, PART_UNIT_MISMATCH, i,
                f"part of {part[part_of]} but its {', '.join(bad)} differ from the total's "
                f"({', '.join(f'{u} {part[u]!r} vs {total[u]!r}' for u in bad)})",
                bad[0], part[bad[0]]))
        else:
            findings.append(_finding(
                td, PART_EXCEEDS_TOTAL, i,
                f"{value} {show(part[value])} exceeds the {value} {show(total[value])} "
                f"of its total {part[part_of]}", value, part[value]))
    return findings + _sums(td, key, value, parts[compared], totals[compared],
                            pc.filter(mine, from_numpy(compared)))


def _sums(td: TableData, key: str, value: str, parts: np.ndarray, totals: np.ndarray,
          values: pa.Array) -> list[Finding]:
    """``parts-exceed-total``: totals whose parts, none above it, add up to more."""
    if not len(parts):
        return []
    amounts = to_numpy(values.cast(pa.float64()))
    uniq, first, group = np.unique(totals, return_index=True, return_inverse=True)
    added = np.bincount(group, weights=amounts, minlength=len(uniq))  # in row order
    largest = np.full(len(uniq), -np.inf)
    np.maximum.at(largest, group, amounts)
    whole = to_numpy(pc.take(td.table.column(value), from_numpy(uniq)).cast(pa.float64()))
    bad = np.flatnonzero((added > whole + EPSILON) & (largest <= whole + EPSILON))
    findings = []
    for g in sorted(bad.tolist(), key=lambda g: first[g]):  # in order of the first part
        t = int(uniq[g])
        total = td.table.column(value)[t].as_py()
        ids = ", ".join(map(str, pc.take(td.table.column(key), from_numpy(
            parts[group == g])).to_pylist()))
        findings.append(_finding(
            td, PARTS_EXCEED_TOTAL, t,
            f"its parts ({ids}) add up to {float(added[g]):g}, more than its {value} "
            f"{total:g}", value, total))
    return findings


def _cells(td: TableData, names: list[str], parts: np.ndarray, totals: np.ndarray
           ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The cells ``names`` of each (part, total) row pair."""
    table = td.table.select(names)
    return list(zip(table.take(from_numpy(parts)).to_pylist(),
                    table.take(from_numpy(totals)).to_pylist(), strict=True))


# sources ----------------------------------------------------------------------------------


@registry.register("semantics", SOURCE_OFFSETS, UNDECLARED_SEED)
def source_offsets(pkg: PackageData) -> list[Finding]:
    """Each source's span of its seed text, and the seed a declared, hashed resource."""
    sources = pkg.role_table(roles.SOURCES)
    if sources is None or not sources.schema.primary_key:
        return []
    schema = sources.schema
    names = [schema.primary_key[0], *(schema.role_name(r) for r in (
        roles.TITLE, roles.SEED_FILE, roles.CHAR_START, roles.CHAR_END))]
    _, _, seed_field, start_field, end_field = names
    hashed = {r.path for r in pkg.model.resources if r.hash is not None}
    findings: list[Finding] = []
    for row, (sid, title, seed, start, end) in enumerate(
            zip(*(sources.column(c).to_pylist() for c in names), strict=True)):
        if seed is not None and seed not in hashed:
            findings.append(_finding(
                sources, UNDECLARED_SEED, row,
                f"source {sid!r}: {seed_field} {seed!r} is not a resource of datapackage.json "
                "with a hash; declare the seed file as a resource and stamp it",
                seed_field, seed))
            continue
        if None in (seed, start, end):
            continue
        try:
            text = pkg.text(seed)
        except (OSError, UnicodeDecodeError):
            continue  # the integrity checks report a missing or undecodable file
        if not 0 <= start < end <= len(text):
            findings.append(_finding(
                sources, SOURCE_OFFSETS, row,
                f"source {sid!r}: {start_field} {start} and {end_field} {end} must satisfy "
                f"0 <= {start_field} < {end_field} <= {len(text)} (the length of {seed})",
                end_field if end > len(text) else start_field, f"{start}-{end}"))
        elif title and heading_free(title) not in heading_free(text[start:end]):
            findings.append(_finding(
                sources, SOURCE_OFFSETS, row,
                f"the title of {sid!r} does not appear in characters {start}-{end} of {seed} "
                "(Markdown # and * dropped, whitespace folded): the offsets or the title are "
                "wrong", names[1], title))
    return findings
