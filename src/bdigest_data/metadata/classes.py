"""The typed model of a package: descriptor, resources, Table Schemas, fields, keys.

Each class mirrors the Data Package / Table Schema profile (v1, with the v2 ``categories``)
as pydantic reads it: strict types (``required`` must be a boolean, a name a string …),
unknown properties kept (annotations such as ``bdigest:role`` are read through
``annotation``). Keys are normalised once, here: ``primaryKey``, and a foreign key's
``fields`` and ``reference.fields``, are always lists (Table Schema also allows a string);
a reference to ``""`` (this table) is resolved by ``ForeignKey.target``.

A model that parses is only well-formed; ``metadata.profile`` then checks what the profile
cannot say field by field (key fields exist, references resolve, types are supported and
compatible) and reports every fault as a finding.
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PrivateAttr,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)
from pydantic import (
    Field as Property,
)

from bdigest_data import edtf
from bdigest_data.metadata import roles, types
from bdigest_data.metadata.roles import EDTF, EVIDENCE, GRAIN, ROLE

# The fields every fact table (``"bdigest:role": "facts"``) has, defined alike in each fact
# schema (a test compares the copies); the provenance checks read them by these names.
FACT_FIELDS = ("source_id", "quote", "certainty", "value_basis", "derived_fields",
               "basis_note", "correction_note", "note")
# What the checks read by name from a table of a role, with its type, and the type of the
# fields of a role they compute with: a schema that breaks this is not used (``profile``),
# so no check reads a column that is missing or typed otherwise.
ROLE_FIELDS = {
    roles.FACTS: dict.fromkeys(FACT_FIELDS, "string"),
    roles.SENTENCES: {"sentence_id": "string", "source_id": "string", "ordinal": "integer",
                  "kind": "string", "char_start": "integer", "char_end": "integer",
                  "text": "string"},
    roles.COVERAGE_LEDGER: dict.fromkeys(("sentence_id", "figures", "disposition",
                                          "recorded_in", "text"), "string"),
}
FIELD_ROLE_TYPES = {roles.CHAR_START: "integer", roles.CHAR_END: "integer"}
# The types of a field whose quote must show it (``bdigest:evidence``): the checks compare
# it as a number, or as an EDTF date (``bdigest:edtf``)
EVIDENCE_TYPES = {roles.NUMBER: ("number", "integer"), roles.DATE: ("string",)}

# every type the Table Schema profile names (those bdigest-data supports: ``types.TYPES``)
PROFILE_TYPES = ("string", "number", "integer", "boolean", "object", "array", "date", "time",
                 "datetime", "year", "yearmonth", "duration", "geopoint", "geojson", "any",
                 "list")


def key_list(value: Any) -> Any:
    """A key as a list of field names: Table Schema allows one name as a string."""
    return [value] if isinstance(value, str) else value


Key = Annotated[list[StrictStr], BeforeValidator(key_list), Property(min_length=1)]
_CONFIG = ConfigDict(extra="allow", frozen=True, populate_by_name=True)


class _Annotated(BaseModel):
    model_config = _CONFIG

    def annotation(self, key: str, default: Any = None) -> Any:
        """The value of a namespaced property (``bdigest:…``) or another extra one."""
        return (self.model_extra or {}).get(key, default)


class Constraints(_Annotated):
    """A field's ``constraints``; bounds are checked against the field's type later."""

    required: StrictBool = False
    unique: StrictBool = False
    minLength: StrictInt | None = Property(None, ge=0)
    maxLength: StrictInt | None = Property(None, ge=0)
    pattern: StrictStr | None = None
    enum: list[Any] | None = Property(None, min_length=1)
    minimum: StrictInt | StrictFloat | StrictStr | None = None
    maximum: StrictInt | StrictFloat | StrictStr | None = None
    exclusiveMinimum: StrictInt | StrictFloat | StrictStr | None = None
    exclusiveMaximum: StrictInt | StrictFloat | StrictStr | None = None

    def given(self) -> dict[str, Any]:
        """The constraints the schema sets (those left out are not listed)."""
        return {k: getattr(self, k) for k in self.model_fields_set} | dict(self.model_extra or {})


class Category(BaseModel):
    model_config = _CONFIG
    value: StrictStr | StrictInt | StrictFloat
    label: StrictStr | None = None


class Field(_Annotated):
    """One Table Schema field and what it is in every layer."""

    name: StrictStr = Property(min_length=1)
    type: Literal[PROFILE_TYPES] = "string"  # type: ignore[valid-type]
    format: StrictStr = "default"
    title: StrictStr | None = None
    description: StrictStr | None = None
    example: Any = None
    constraints: Constraints = Constraints()
    missingValues: list[StrictStr] | None = None
    trueValues: list[StrictStr] | None = None
    falseValues: list[StrictStr] | None = None
    categories: list[StrictStr | StrictInt | StrictFloat | Category] | None = None
    categoriesOrdered: StrictBool = False
    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)

    # -- schema facts --------------------------------------------------------------------

    @property
    def raw(self) -> dict[str, Any]:
        """The field as written in the schema file."""
        return self._raw

    @property
    def role(self) -> str | None:
        """The field's ``bdigest:role`` (``part-of``, ``unit``, ``seed-file`` …)."""
        return self.annotation(ROLE)

    @property
    def edtf(self) -> bool:
        """Whether the field holds EDTF dates (``"bdigest:edtf": true`` on a string field)."""
        return self.annotation(EDTF) is True and self.type == "string"

    @property
    def evidence(self) -> str | None:
        """``number`` or ``date`` when the field's values must be shown by the quote."""
        return self.annotation(EVIDENCE)

    @property
    def derived(self) -> tuple[Field, ...]:
        """The columns ``load`` derives from the field, as fields: for an EDTF field ``X``,
        ``X_earliest`` and ``X_latest`` (dates) and ``X_precision`` (ordered categories
        ``edtf.PRECISIONS``); none for any other field."""
        return _edtf_columns(self.name) if self.edtf else ()

    @property
    def required(self) -> bool:
        return self.constraints.required

    @property
    def unique(self) -> bool:
        return self.constraints.unique

    @property
    def category_values(self) -> list[Any] | None:
        """The field's categories: v2 ``categories`` or the ``enum`` constraint."""
        cats = self.categories if self.categories is not None else self.constraints.enum
        if cats is None:
            return None
        return [c.value if isinstance(c, Category) else c for c in cats]

    @property
    def true_values(self) -> list[str]:
        return list(self.trueValues if self.trueValues is not None else types.TRUE_VALUES)

    @property
    def false_values(self) -> list[str]:
        return list(self.falseValues if self.falseValues is not None else types.FALSE_VALUES)

    # -- types in each layer -----------------------------------------------------------

    @property
    def supported(self) -> bool:
        """Whether bdigest-data reads this type and format (``types.TYPES``)."""
        return self.type in types.TYPES and self.format == "default"

    @property
    def info(self) -> types.TypeInfo:
        """The type's row of ``types.TYPES`` (``KeyError`` for an unsupported type; a schema
        with one never gets past ``metadata.profile``)."""
        return types.TYPES[self.type]

    @property
    def arrow_type(self) -> Any:
        """The Arrow type of the loaded column (``records``, ``arrow_table``)."""
        return types.arrow_type(self.type)

    @property
    def pandas_dtype(self) -> Any:
        """The pandas dtype of the column in a loaded frame (a ``category`` with the
        schema's categories, ordered by ``categoriesOrdered``, for a field that has them)."""
        cats = self.category_values
        if cats is not None:
            return types.categorical(tuple(cats), self.categoriesOrdered)
        return types.pandas_dtype(self.type)

    @property
    def polars_dtype(self) -> Any:
        """The polars dtype of the column in a ``backend="polars"`` frame (an ``Enum`` of the
        schema's categories, as text, for a field that has them); imports polars."""
        cats = self.category_values
        if cats is not None:
            return types.polars_enum(tuple(str(c) for c in cats))
        return types.polars_dtype(self.type)

    @property
    def kind(self) -> str:
        """The loaded column's family, as every export names it: ``category`` for a field
        with categories, else its type's (``string``, ``integer``, ``number``, ``boolean``,
        ``date``; ``types.TYPES``)."""
        return "category" if self.category_values is not None else self.info.kind

    @property
    def sql_type(self) -> str:
        return "TEXT" if self.category_values is not None else self.info.sql

    @property
    def duckdb_type(self) -> str | None:
        """The DuckDB type of the column; ``None`` for a field with categories, an ``ENUM``
        of them that the export spells out."""
        return None if self.category_values is not None else self.info.duckdb

    @property
    def parquet_type(self) -> Any:
        """The Arrow type of the Parquet export's column (a ``dictionary<int32, string>``,
        ordered by ``categoriesOrdered``, for a field with categories); imports pyarrow."""
        if self.category_values is None:
            return types.parquet_type(self.type)
        import pyarrow as pa

        return pa.dictionary(pa.int32(), pa.string(), ordered=self.categoriesOrdered)

    @property
    def python_type(self) -> type:
        return self.info.python


@lru_cache(maxsize=256)
def _edtf_columns(name: str) -> tuple[Field, ...]:
    """The fields of the columns derived from the EDTF field ``name`` (``Field.derived``)."""
    return (
        Field(name=f"{name}_earliest", type="date",
              description=f"First day the EDTF date in `{name}` can denote."),
        Field(name=f"{name}_latest", type="date",
              description=f"Last day the EDTF date in `{name}` can denote."),
        Field(name=f"{name}_precision", categories=list(edtf.PRECISIONS), categoriesOrdered=True,
              description=f"How precisely `{name}` is written: year, season, month or day."),
    )


class Reference(BaseModel):
    model_config = _CONFIG
    resource: StrictStr = ""
    fields: Key


class ForeignKey(BaseModel):
    """A foreign key; ``fields`` and ``reference.fields`` always lists."""

    model_config = _CONFIG
    fields: Key
    reference: Reference

    def target(self, own: str) -> str:
        """The referenced table (``own`` for a reference to ``""``, this table)."""
        return self.reference.resource or own


class TableSchema(_Annotated):
    """A Table Schema: fields, keys (always lists), missing values, annotations."""

    fields: list[Field]
    primaryKey: Key | None = None
    foreignKeys: list[ForeignKey] = []
    missingValues: list[StrictStr] = [""]
    description: StrictStr | None = None
    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> TableSchema:
        """The model of ``raw`` (pydantic ``ValidationError`` when it breaks the profile)."""
        schema = cls.model_validate(raw)
        schema._raw = raw
        for field, raw_field in zip(schema.fields, raw["fields"], strict=True):
            field._raw = raw_field
        return schema

    @property
    def raw(self) -> dict[str, Any]:
        """The schema as written in its file."""
        return self._raw

    @property
    def primary_key(self) -> list[str]:
        return list(self.primaryKey or [])

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field | None:
        return self.by_name.get(name)

    @property
    def role(self) -> str | None:
        """The table's ``bdigest:role`` (``facts``, ``sources``, ``actors`` …)."""
        return self.annotation(ROLE)

    @property
    def grain(self) -> str:
        return self.annotation(GRAIN, "")

    def with_role(self, role: str) -> list[Field]:
        """The fields whose ``bdigest:role`` is ``role``."""
        return [f for f in self.fields if f.role == role]

    def role_name(self, role: str) -> str | None:
        """The name of the (first) field with ``role``."""
        found = self.with_role(role)
        return found[0].name if found else None

    def references(self, table: str) -> list[ForeignKey]:
        """The foreign keys into ``table`` (a table's own name for a self reference)."""
        return [fk for fk in self.foreignKeys if fk.reference.resource == table]

    def key_fields(self) -> set[str]:
        """The fields the key checks read: unique fields, primary key, foreign key fields."""
        return ({f.name for f in self.fields if f.unique} | set(self.primary_key)
                | {n for fk in self.foreignKeys for n in fk.fields})


class Resource(_Annotated):
    """One resource of the descriptor; ``table`` is its parsed Table Schema, if any."""

    name: StrictStr = Property(min_length=1)
    path: StrictStr | list[StrictStr]
    schema_: StrictStr | dict[str, Any] | None = Property(None, alias="schema")
    title: StrictStr | None = None
    description: StrictStr | None = None
    bytes: StrictInt | None = None
    hash: StrictStr | None = None
    encoding: StrictStr | None = None
    _table: TableSchema | None = PrivateAttr(default=None)
    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)

    @property
    def raw(self) -> dict[str, Any]:
        return self._raw

    @property
    def table(self) -> TableSchema | None:
        """The resource's Table Schema when it has a valid one."""
        return self._table

    @property
    def tabular(self) -> bool:
        """Whether the resource declares a schema (valid or not)."""
        return self.schema_ is not None

    @property
    def role(self) -> str | None:
        return self.annotation(ROLE)


class Package(_Annotated):
    """A descriptor: its metadata and resources in order (``tables``: those with a valid
    Table Schema)."""

    name: StrictStr | None = None
    version: StrictStr | None = None
    title: StrictStr | None = None
    description: StrictStr | None = None
    resources: list[Resource] = []
    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)

    @property
    def raw(self) -> dict[str, Any]:
        return self._raw

    @cached_property
    def by_name(self) -> dict[str, Resource]:
        return {r.name: r for r in self.resources}

    def resource(self, name: str) -> Resource | None:
        return self.by_name.get(name)

    @property
    def table_names(self) -> list[str]:
        """Resources that declare a Table Schema, in descriptor order."""
        return [r.name for r in self.resources if r.tabular]

    @cached_property
    def tables(self) -> dict[str, TableSchema]:
        """Table name -> schema, for the tables whose schema is valid; worked out once (as
        ``by_name``: the parser fills ``resources`` before anyone reads them), since the
        checks ask per row and an archive has a resource per article."""
        return {r.name: r.table for r in self.resources if r.table is not None}

    def schema(self, name: str) -> TableSchema | None:
        res = self.by_name.get(name)
        return res.table if res is not None else None

    def with_role(self, role: str) -> list[str]:
        """Names of the tables whose schema has ``bdigest:role`` ``role``."""
        return [n for n, s in self.tables.items() if s.role == role]

    def table_with_role(self, role: str) -> str | None:
        found = self.with_role(role)
        return found[0] if found else None

    @property
    def fact_tables(self) -> list[str]:
        """Tables with ``"bdigest:role": "facts"``: each row a fact with its quote."""
        return self.with_role(roles.FACTS)

    def resources_with_role(self, role: str) -> list[Resource]:
        """Resources (plain files too) whose descriptor entry has ``bdigest:role``."""
        return [r for r in self.resources if r.role == role]
