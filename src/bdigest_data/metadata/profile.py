"""Read a package's descriptor and Table Schemas into the model, with every fault a finding.

``read_package(files)`` parses once and checks, in this order:

1. the descriptor is UTF-8 JSON, an object with a ``resources`` list of uniquely named
   objects (``package-error``); each resource fits the profile (``resource-error``, and a
   multipart ``path`` list, which bdigest-data does not read);
2. each Table Schema, read from its file through the safety rules (``unsafe-path``,
   ``file-error``) or inline, is JSON (``schema-error``) and fits the Table Schema profile:
   a fault in a field is a ``field-error`` naming the field, one elsewhere a
   ``schema-error`` (``missingValues`` must be a list of strings, keys lists or strings of
   field names …); field names are unique; every field has a type and format bdigest-data
   reads (``types.TYPES``), constraints its type supports, no unknown non-namespaced
   property, ``bdigest:edtf`` only on a string field, and the fields its roles promise the
   checks (``classes.ROLE_FIELDS``, ``FIELD_ROLE_TYPES``, ``EVIDENCE_TYPES``: a fact
   table's ``quote``, a source's ``char-start``, a number a quote must show), of their
   types. A schema with any such fault is not used (its
   table's rows are not checked, nor anything resting on them), as in frictionless;
3. cross-references of the usable schemas (``schema-error``; the schema stays in use):
   primary-key and foreign-key fields exist, a foreign key has as many fields as its
   reference, the referenced table exists and has a usable schema with those fields, and
   the fields on both sides have the same type.

Every finding names its table (and field), and the file and JSON path of the fault.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError as ProfileError

from bdigest_data.catalogue import FIELD_ERROR, PACKAGE_ERROR, RESOURCE_ERROR, SCHEMA_ERROR
from bdigest_data.findings import Finding
from bdigest_data.metadata import types
from bdigest_data.metadata.classes import (
    EVIDENCE_TYPES,
    FIELD_ROLE_TYPES,
    ROLE_FIELDS,
    Package,
    Resource,
    TableSchema,
)
from bdigest_data.metadata.files import PackageFiles, UnsafePathError, unreadable
from bdigest_data.metadata.roles import DATE, EDTF, EVIDENCE, ROLE

# field properties bdigest-data reads (others must be namespaced, e.g. ``bdigest:role``)
FIELD_PROPERTIES = {"name", "type", "format", "title", "description", "constraints", "example",
                    "missingValues", "rdfType", "trueValues", "falseValues", "categories",
                    "categoriesOrdered"}


@dataclass
class ParsedPackage:
    """The model of a package (``None`` when its descriptor is unusable) and the findings."""

    package: Package | None
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # metadata files read (descriptor, schemas)


def _pointer(loc: tuple[Any, ...]) -> str:
    return "/" + "/".join(str(p) for p in loc)


def _profile_findings(exc: ProfileError, *, code: str, table: str | None, where: str,
                      raw: Any) -> list[Finding]:
    """One finding per pydantic error, located by JSON pointer (a field's faults are
    ``field-error`` naming the field)."""
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
        this, name = code, None
        if code == SCHEMA_ERROR and len(loc) >= 2 and loc[0] == "fields" \
                and isinstance(loc[1], int):
            this = FIELD_ERROR
            fields = raw.get("fields") if isinstance(raw, dict) else None
            entry = fields[loc[1]] if isinstance(fields, list) and loc[1] < len(fields) else None
            name = entry.get("name") if isinstance(entry, dict) else None
            name = name if isinstance(name, str) else None
        value = err.get("input")
        shown = json.dumps(value, ensure_ascii=False, default=str)
        shown = shown if len(shown) <= 80 else shown[:79] + "…"
        out.append(Finding(code=this, table=table, field=name, value=_pointer(loc),
                           message=f"{where} {_pointer(loc)}: {err['msg']} (found {shown})"))
    return out


def read_package(files: PackageFiles) -> ParsedPackage:
    """The parsed and checked package at ``files`` (see the module docstring)."""
    parsed = ParsedPackage(None, files=[files.descriptor])
    name = files.descriptor

    def error(message: str, line: int | None = None) -> ParsedPackage:
        parsed.findings.append(Finding(code=PACKAGE_ERROR, message=message, line=line,
                                       value=name))
        return parsed

    try:
        raw = files.read_json(name, what="descriptor")
    except UnsafePathError as exc:
        return error(str(exc))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return error(f"{name} is {unreadable(exc)}", getattr(exc, "lineno", None))
    if not isinstance(raw, dict) or not isinstance(raw.get("resources"), list):
        return error(f'{name} must be an object with a "resources" list')
    names = [r.get("name") if isinstance(r, dict) else None for r in raw["resources"]]
    if any(not isinstance(n, str) or not n for n in names):
        return error(f"every resource in {name} must be an object with a name")
    if len(set(names)) != len(names):
        return error(f"resource names must be unique: {names}")
    try:
        package = Package.model_validate({k: v for k, v in raw.items() if k != "resources"})
    except ProfileError as exc:
        parsed.findings += _profile_findings(exc, code=PACKAGE_ERROR, table=None,
                                             where=name, raw=raw)
        return parsed
    package._raw = raw
    resources = []
    for i, res_raw in enumerate(raw["resources"]):
        res = _resource(files, i, res_raw, parsed)
        if res is not None:
            resources.append(res)
    package.resources[:] = resources  # a list field of a frozen model: filled in place
    _cross_references(package, parsed)
    parsed.package = package
    return parsed


def _resource(files: PackageFiles, index: int, raw: dict[str, Any], parsed: ParsedPackage
              ) -> Resource | None:
    name = raw["name"]
    where = f"{files.descriptor} /resources/{index}"
    try:
        res = Resource.model_validate(raw)
    except ProfileError as exc:
        parsed.findings += _profile_findings(exc, code=RESOURCE_ERROR, table=name,
                                             where=where, raw=raw)
        return None
    res._raw = raw
    if isinstance(res.path, list):
        parsed.findings.append(Finding(
            code=RESOURCE_ERROR, table=name, value=json.dumps(res.path),
            message=f'{where}/path: a list of paths (a multipart resource) is not supported; '
                    "give one relative path"))
        return None
    if res.schema_ is None:
        return res
    schema_raw: Any = res.schema_
    where = f"{where}/schema"
    if isinstance(schema_raw, str):
        where = schema_raw
        try:
            schema_raw = files.read_json(schema_raw, what=f'resource "{name}": schema')
            parsed.files.append(res.schema_)
        except UnsafePathError as exc:
            parsed.findings.append(Finding(code=exc.code, message=str(exc), table=name,
                                           value=str(res.schema_)))
            return res
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            parsed.findings.append(Finding(code=SCHEMA_ERROR, table=name, value=where,
                                           message=f"{where}: the schema file is "
                                                   f"{unreadable(exc)}"))
            return res
    if not isinstance(schema_raw, dict):
        parsed.findings.append(Finding(code=SCHEMA_ERROR, table=name, value=where,
                                       message=f"{where}: a Table Schema must be an object"))
        return res
    try:
        schema = TableSchema.parse(schema_raw)
    except ProfileError as exc:
        parsed.findings += _profile_findings(exc, code=SCHEMA_ERROR, table=name, where=where,
                                             raw=schema_raw)
        return res
    problems = _schema_problems(name, where, schema)
    parsed.findings += problems
    if not problems:
        res._table = schema
    return res


def _schema_problems(table: str, where: str, schema: TableSchema) -> list[Finding]:
    """Faults of a schema that parses: duplicate names, unsupported types and properties."""
    out: list[Finding] = []
    names = schema.names
    contract = ROLE_FIELDS.get(schema.role or "", {})
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        out.append(Finding(code=SCHEMA_ERROR, table=table, value="/fields",
                           message=f"{where} /fields: field names must be unique; repeated: "
                                   f"{', '.join(dup)}"))
    for i, f in enumerate(schema.fields):
        def bad(message: str, prop: str = "", f: Any = f, i: int = i) -> None:
            pointer = f"/fields/{i}" + (f"/{prop}" if prop else "")
            out.append(Finding(code=FIELD_ERROR, table=table, field=f.name, value=pointer,
                               message=f'{where} {pointer}: field "{f.name}": {message}'))

        if f.type not in types.TYPES:
            bad(f'type "{f.type}" is not supported by bdigest-data (supported: '
                f"{', '.join(types.TYPES)})", "type")
            continue
        if f.format != "default":
            bad(f'format "{f.format}" is not supported; only the default format is', "format")
        unknown = sorted(k for k in f.raw if k not in FIELD_PROPERTIES and ":" not in k)
        if unknown:
            bad(f"properties {unknown} are not supported")
        extra = sorted(set(f.constraints.given()) - set(f.info.constraints))
        if extra:
            bad(f'constraint(s) {extra} not supported by type "{f.type}"', "constraints")
        if f.raw.get(EDTF) is not None and not (f.raw.get(EDTF) is True and f.type == "string"):
            bad(f'"{EDTF}" must be true, on a string field', EDTF)
        needed = FIELD_ROLE_TYPES.get(f.role or "") or contract.get(f.name)
        if needed and f.type != needed:
            bad(f"the checks read it as {needed} (its role), not {f.type}", "type")
        shown_as = EVIDENCE_TYPES.get(f.evidence or "")
        if shown_as and f.type not in shown_as:
            bad(f'"{EVIDENCE}": "{f.evidence}" needs type {" or ".join(shown_as)}, not '
                f"{f.type}", "type")
        elif f.evidence == DATE and not f.edtf:
            bad(f'"{EVIDENCE}": "date" needs "{EDTF}": true', EDTF)
    absent = [n for n in contract if n not in names]
    if absent:
        out.append(Finding(code=SCHEMA_ERROR, table=table, value="/fields",
                           message=f'{where} /fields: a table with "{ROLE}": "{schema.role}" '
                                   f"needs the field(s) {', '.join(absent)}, which the checks "
                                   "read"))
    return out


def _cross_references(package: Package, parsed: ParsedPackage) -> None:
    """Key fields exist, references resolve, and both sides of a foreign key agree."""
    for res in package.resources:
        schema = res.table
        if schema is None:
            continue
        name = res.name
        where = res.schema_ if isinstance(res.schema_, str) else f"resource {name!r} schema"

        def problem(pointer: str, message: str, field: str | None = None,
                    name: str = name, where: Any = where) -> None:
            parsed.findings.append(Finding(code=SCHEMA_ERROR, table=name, field=field,
                                           value=pointer, message=f"{where} {pointer}: {message}"))

        missing = [k for k in schema.primary_key if schema.field(k) is None]
        if missing:
            problem("/primaryKey", f"primary key field(s) {', '.join(missing)} are not fields "
                    f"of the schema ({', '.join(schema.names)})", ", ".join(missing))
        for i, fk in enumerate(schema.foreignKeys):
            pointer = f"/foreignKeys/{i}"
            label = ", ".join(fk.fields)
            absent = [k for k in fk.fields if schema.field(k) is None]
            if absent:
                problem(f"{pointer}/fields", f'foreign key "{label}": field(s) '
                        f"{', '.join(absent)} are not fields of the schema", label)
                continue
            if len(fk.fields) != len(fk.reference.fields):
                problem(pointer, f'foreign key "{label}" has {len(fk.fields)} field(s) but its '
                        f"reference {len(fk.reference.fields)}", label)
                continue
            target_name = fk.target(name)
            target_res = package.resource(target_name)
            if target_res is None or not target_res.tabular:
                problem(f"{pointer}/reference/resource", f'foreign key "{label}" refers to '
                        f'table "{target_name}", which the package lacks', label)
                continue
            target = target_res.table
            if target is None:
                continue  # its schema's faults are reported on its own
            gone = [k for k in fk.reference.fields if target.field(k) is None]
            if gone:
                problem(f"{pointer}/reference/fields", f'foreign key "{label}": table '
                        f'"{target_name}" has no field(s) {", ".join(gone)}', label)
                continue
            for here, there in zip(fk.fields, fk.reference.fields, strict=True):
                a, b = schema.by_name[here], target.by_name[there]
                if a.info.arrow != b.info.arrow:
                    problem(pointer, f'foreign key "{label}": field {here} is {a.type} but '
                            f'{target_name}.{there} is {b.type}; the types must agree', label)
