"""Compare two Table Schemas (or descriptors) property by property and classify each change.

The rules follow the Frictionless Data Package Version recipe: renamed, removed or
re-ordered fields, changed types and more restrictive constraints are breaking (major);
added fields and less restrictive constraints are minor; descriptive text is a patch.
Schemas of any release are compared as written (``metadata.written``), never through the
model, which an old schema need not satisfy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bdigest_data.metadata import roles, written
from bdigest_data.release.versioning import Bump

# Properties that only describe: changing them never changes what the data means.
DESCRIPTIVE = frozenset(
    {"title", "description", "example", "rdfType", "$schema", roles.GRAIN}
)
# Properties whose every change is breaking, whichever way it goes.
ALWAYS_BREAKING = frozenset({"type", "format", "missingValues", written.PRIMARY_KEY, "path"})
# Numeric bounds: the sign says which direction is more restrictive (+1: raising it).
BOUNDS = {"minimum": 1, "minLength": 1, "exclusiveMinimum": 1,
          "maximum": -1, "maxLength": -1, "exclusiveMaximum": -1}


@dataclass(frozen=True)
class Change:
    """One schema or metadata change, where it is, and the smallest bump it needs."""

    bump: Bump
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}" if self.where else self.what


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _tighter(old: Any, new: Any, key: str) -> bool | None:
    """True if ``new`` restricts more than ``old``, False if less, None if undecidable."""
    if key in ("required", "unique"):
        return bool(new) > bool(old)
    if key in BOUNDS and _number(old) and _number(new):
        return new > old if BOUNDS[key] > 0 else new < old
    if key == "enum" and isinstance(old, list) and isinstance(new, list):
        shown_old, shown_new = set(map(_show, old)), set(map(_show, new))
        added, dropped = shown_new - shown_old, shown_old - shown_new
        return None if added and dropped else bool(dropped)
    return None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _enum_detail(old: list[Any], new: list[Any]) -> str:
    parts = []
    if dropped := [v for v in old if v not in new]:
        parts.append("removed " + ", ".join(map(_show, dropped)))
    if added := [v for v in new if v not in old]:
        parts.append("added " + ", ".join(map(_show, added)))
    return "; ".join(parts)


def compare_property(where: str, key: str, old: Any, new: Any) -> Change | None:
    """Classify the change of one property (None when equal); a missing value is None."""
    if old == new:
        return None
    if old is None:
        what, bump = f"`{key}` added: {_show(new)}", Bump.MAJOR
    elif new is None:
        what, bump = f"`{key}` removed (was {_show(old)})", Bump.MINOR
    else:
        what, bump = f"`{key}` changed from {_show(old)} to {_show(new)}", Bump.MAJOR
        if key == "enum" and isinstance(old, list) and isinstance(new, list):
            what = f"`enum` {_enum_detail(old, new)}"
        tighter = _tighter(old, new, key)
        if tighter is False:
            bump = Bump.MINOR
    if key in ("required", "unique") and (old is None or new is None):
        bump = Bump.MAJOR if new else Bump.MINOR
    if key in DESCRIPTIVE:
        bump = Bump.PATCH
    elif key in ALWAYS_BREAKING:
        bump = Bump.MAJOR
    return Change(bump, where, what)


def compare_mapping(
    where: str, old: dict[str, Any], new: dict[str, Any], *, skip: frozenset[str] = frozenset()
) -> list[Change]:
    """Compare every property of two JSON objects except ``skip``; ``constraints`` nest
    (a value of the wrong JSON type, as an old or broken schema may hold, is compared as a
    whole)."""
    changes: list[Change] = []
    for key in sorted((old.keys() | new.keys()) - skip):
        before, after = old.get(key), new.get(key)
        if key == "constraints" and _all(dict, before, after):
            changes += compare_mapping(where, before or {}, after or {})
        elif key == written.FOREIGN_KEYS and _all(list, before, after):
            changes += _compare_foreign_keys(where, before or [], after or [])
        elif change := compare_property(where, key, before, after):
            changes.append(change)
    return changes


def _all(kind: type, *values: Any) -> bool:
    """Whether every value is absent or of JSON type ``kind``."""
    return all(v is None or isinstance(v, kind) for v in values)


def _fields(schema: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    """The schema's fields by name; None when ``fields`` is not a list of named objects."""
    fields = schema.get("fields", [])
    if not isinstance(fields, list) or not all(
            isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields):
        return None
    return {f["name"]: f for f in fields}


def _compare_foreign_keys(where: str, old: list[Any], new: list[Any]) -> list[Change]:
    old_set, new_set = {_show(fk) for fk in old}, {_show(fk) for fk in new}
    added = [Change(Bump.MAJOR, where, f"foreign key added: {fk}") for fk in new_set - old_set]
    dropped = [Change(Bump.MINOR, where, f"foreign key removed: {fk}") for fk in old_set - new_set]
    return sorted(added, key=str) + sorted(dropped, key=str)


def compare_schemas(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change between two Table Schemas, fields matched by name; keys compared as
    lists (``metadata.written``: a key written ``"id"`` is the key written ``["id"]``)."""
    old, new = written.with_list_keys(old), written.with_list_keys(new)
    old_fields, new_fields = _fields(old), _fields(new)
    if old_fields is None or new_fields is None:  # malformed: the fields compared whole
        changed = compare_property("schema", "fields", old.get("fields"), new.get("fields"))
        return [*([changed] if changed else []),
                *compare_mapping("schema", old, new, skip=frozenset({"fields"}))]
    changes = [Change(Bump.MINOR, f"field `{n}`", "added")
               for n in new_fields if n not in old_fields]
    changes += [Change(Bump.MAJOR, f"field `{n}`", "removed")
                for n in old_fields if n not in new_fields]
    kept_old = [n for n in old_fields if n in new_fields]
    kept_new = [n for n in new_fields if n in old_fields]
    if kept_old != kept_new:
        changes.append(Change(Bump.MAJOR, "fields", f"re-ordered: {', '.join(kept_new)}"))
    for name in kept_new:
        changes += compare_mapping(
            f"field `{name}`", old_fields[name], new_fields[name], skip=frozenset({"name"})
        )
    changes += compare_mapping("schema", old, new, skip=frozenset({"fields"}))
    return changes
