"""The keys of a Table Schema as written in any release, for the tooling that reads old ones.

The release tooling (diff, changelog, row citations) compares packages of every release,
whose schemas need not follow today's model: ``classes.TableSchema`` may refuse an old
schema, and an old archive must still diff. So ``release.package.PackageDir`` serves each
file as written (JSON, through ``files.PackageFiles`` and its safety rules) and reads the
keys through these functions, which normalise them as the model does (``classes.key_list``:
one field name written as a string is a list of one) and check nothing else: a key that is
absent or malformed reads as no key, never as an error, whatever else the schema holds.

This is the only place besides ``classes`` that knows how ``primaryKey`` and
``foreignKeys`` are spelt (``PRIMARY_KEY``, ``FOREIGN_KEYS``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from bdigest_data.metadata.classes import key_list

PRIMARY_KEY = "primaryKey"
FOREIGN_KEYS = "foreignKeys"


def _names(value: Any) -> list[str]:
    """A key's field names as a list (a string is one name); [] when malformed."""
    names = key_list(value)
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return []
    return names


def primary_key(schema: Any) -> list[str]:
    """The primary key of ``schema`` (a Table Schema as JSON) as field names; [] for none."""
    return _names(schema.get(PRIMARY_KEY) or []) if isinstance(schema, dict) else []


@dataclass(frozen=True)
class WrittenForeignKey:
    """A foreign key as written: ``fields`` of this table refer to ``reference`` fields of
    ``resource`` (``""``: this table)."""

    fields: list[str]
    resource: str
    reference: list[str]


def foreign_keys(schema: Any) -> list[WrittenForeignKey]:
    """The foreign keys of ``schema`` that name their fields and referenced table."""
    found = schema.get(FOREIGN_KEYS) if isinstance(schema, dict) else None
    out = []
    for fk in found if isinstance(found, list) else []:
        ref = fk.get("reference") if isinstance(fk, dict) else None
        if not isinstance(ref, dict) or not isinstance(ref.get("resource", ""), str):
            continue
        fields, targets = _names(fk.get("fields")), _names(ref.get("fields"))
        if fields:
            out.append(WrittenForeignKey(fields, ref.get("resource", ""), targets))
    return out


def with_list_keys(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``schema`` with every key written as a list (``primaryKey``, and each
    foreign key's ``fields`` and ``reference.fields``) and a reference to this table without
    ``resource`` (v1 wrote ``"resource": ""``, Data Package v2 omits it), so that comparing
    two releases reports neither ``"id"`` -> ``["id"]`` nor the v2 spelling as a change;
    malformed keys are left as written."""
    out = copy.deepcopy(schema)
    if isinstance(out.get(PRIMARY_KEY), str):
        out[PRIMARY_KEY] = [out[PRIMARY_KEY]]
    found = out.get(FOREIGN_KEYS)
    for fk in found if isinstance(found, list) else []:
        if isinstance(fk, dict) and isinstance(fk.get("fields"), str):
            fk["fields"] = [fk["fields"]]
        ref = fk.get("reference") if isinstance(fk, dict) else None
        if isinstance(ref, dict) and isinstance(ref.get("fields"), str):
            ref["fields"] = [ref["fields"]]
        if isinstance(ref, dict) and ref.get("resource") == "":
            del ref["resource"]
    return out
