"""One pydantic model per table, generated from its Table Schema (the schema ``load`` uses).

A field becomes a model attribute with its Python type (``Field.python_type`` from the one
mapping in ``metadata.types``: integer -> ``int``, number -> ``float``, boolean -> ``bool``,
date -> ``datetime.date``, string -> ``str``), ``Literal``
of the categories for an enum, the ``pattern`` (matched against the whole value, as Table
Schema does), ``minLength``/``maxLength`` and ``minimum``/``maximum`` constraints, a check
that an EDTF value names real days, and the field's title and description. A field that
is not ``required`` is ``T | None`` with default ``None``. Models are frozen and refuse
unknown fields, so a row that breaks the schema fails model validation.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model

from bdigest_data import edtf, metadata
from bdigest_data.loader import frames
from bdigest_data.metadata.classes import Field as SchemaField

# Table Schema constraint -> pydantic Field argument
_CONSTRAINTS = {
    "minLength": "min_length",
    "maxLength": "max_length",
    "minimum": "ge",
    "maximum": "le",
    "exclusiveMinimum": "gt",
    "exclusiveMaximum": "lt",
}


def model(name: str, path: frames.PathArg = None) -> type[BaseModel]:
    """The pydantic model class of table ``name`` (one instance per row)."""
    return _build(name, json.dumps(frames.schema(name, path), sort_keys=True))


def records(name: str, *, validate: bool = True, path: frames.PathArg = None) -> list[BaseModel]:
    """The rows of table ``name`` as instances of :func:`model` ``(name)``.

    ``validate`` runs the package's checks first, as :func:`bdigest_data.load` does.
    """
    cls = model(name, path)
    return [cls.model_validate(row) for row in
            frames.arrow_table(name, validate=validate, path=path).to_pylist()]


@cache
def _build(name: str, schema_json: str) -> type[BaseModel]:
    schema = metadata.TableSchema.parse(json.loads(schema_json))
    return create_model(
        "".join(part.capitalize() for part in name.split("_")),
        __config__=ConfigDict(extra="forbid", frozen=True),
        __doc__=schema.description or f"A row of table {name}.",
        __module__=__name__,
        **{f.name: _field(f) for f in schema.fields},
    )


def _field(field: SchemaField) -> tuple[Any, Any]:
    """The (annotation, FieldInfo) pair of one schema field."""
    constraints = field.constraints
    cats = field.category_values
    kind: Any = Literal[tuple(cats)] if cats is not None else field.python_type
    limits = {arg: getattr(constraints, key) for key, arg in _CONSTRAINTS.items()
              if getattr(constraints, key) is not None}
    if constraints.pattern is not None:
        limits["pattern"] = f"^(?:{constraints.pattern})$"
    if field.edtf:
        kind = Annotated[kind, AfterValidator(_edtf)]
    required = constraints.required
    info = Field(... if required else None, title=field.title,
                 description=field.description, **limits)
    return (kind if required else kind | None), info


def _edtf(value: str) -> str:
    edtf.parse(value)
    return value
