"""What the site shows, read from the validated package and driven by its Table Schemas.

Every table's primary key gives its rows' ids; its foreign keys give the links between
pages; the schema roles (``bdigest:role``) say which tables are facts (rows with a
verbatim ``quote``), which is the list of source articles (and where each article's text
is: the ``seed-file``, ``char-start`` and ``char-end`` fields), which table holds the
articles' sentences (role ``sentences``), and which tables set text aside (a field with
role ``context``, or a link to the sentences; shown with the row's ``reason``). A lookup table
that fact rows point to, directly or through a link table, is an *entity* table: each of
its rows (actor, person, place) gets a page listing the facts it appears in. New tables
therefore appear on the site without code of their own.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bdigest_data import metadata
from bdigest_data.metadata import roles
from bdigest_data.metadata.files import PackageFiles

if TYPE_CHECKING:
    import pandas as pd

    from bdigest_data.loader.anchors import Anchor
    from bdigest_data.loader.package import ExportPackage, ExportTable
    from bdigest_data.metadata.classes import TableSchema

QUOTE = "quote"
CONTEXT = "context"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def text(value: Any) -> str:
    """A cell as the site prints it: empty for missing, integers without ``.0``."""
    if value is None or value is getattr(value, "NA", object()):
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def slug(value: str) -> str:
    """``value`` made safe as a file name and a relative URL (``org:SIPRI`` -> ``org_SIPRI``)."""
    return _UNSAFE.sub("_", value).strip("_") or "_"


@dataclass(frozen=True)
class Link:
    """A single-field foreign key: ``field`` of this table points at ``table.target``."""

    field: str
    table: str
    target: str


@dataclass
class Table:
    """One table of the site: its export table (schema, frame), rows as text, and links."""

    source: ExportTable
    rows: list[dict[str, str]]
    ids: list[str]
    links: dict[str, Link]
    role: str = ""

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def schema(self) -> TableSchema:
        """The table's Table Schema (the model's)."""
        return self.source.model

    @property
    def fields(self) -> list[str]:
        return self.schema.names

    @property
    def is_facts(self) -> bool:
        return self.role == roles.FACTS or (not self.role and QUOTE in self.fields)

    @functools.cached_property
    def row_refs(self) -> dict[str, str]:
        """Polymorphic references to rows of any table: id field -> the field naming its
        table (``from_table``/``from_id``, ``table_name``/``row_id``, ...)."""
        names = set(self.fields)
        pairs = {}
        for name in names:
            if name.endswith("_table"):
                ident = name[: -len("_table")] + "_id"
                if ident in names:
                    pairs[ident] = name
        if {"table_name", "row_id"} <= names:
            pairs["row_id"] = "table_name"
        return pairs

    def field_with_role(self, role: str) -> str | None:
        """The field annotated with ``bdigest:role`` ``role``, if any."""
        return self.schema.role_name(role)

    def link_to(self, table: str) -> Link | None:
        """This table's (first) foreign key to ``table``."""
        return next((lk for lk in self.links.values() if lk.table == table), None)


@dataclass(frozen=True)
class Aside:
    """Article text that rows set aside: its key (for ids), text and reason."""

    key: str
    text: str
    reason: str


@dataclass
class Article:
    """A source article: its id, title, Markdown text and the site's data about it."""

    source_id: str
    title: str
    row: dict[str, str]
    markdown: str


@dataclass(frozen=True)
class Document:
    """One of the package's documents (``metadata.DOCS``) and its page on the site;
    ``markdown`` is empty when neither the package nor the installed copy has it."""

    page: str
    title: str
    file: str
    markdown: str


# each document's page and title, in the order of metadata.DOCS
_PAGES = (("codebook.html", "Codebook"), ("reliability.html", "Reliability report"))


@dataclass
class SiteData:
    """The whole package as the site uses it."""

    package: ExportPackage
    files: PackageFiles  # the package's files: every file the site reads is read through it
    tables: dict[str, Table]
    articles: dict[str, Article] = field(default_factory=dict)
    documents: list[Document] = field(default_factory=list)

    @property
    def root(self) -> Path:
        """The package directory."""
        return self.files.root

    @property
    def facts(self) -> list[Table]:
        return [t for t in self.tables.values() if t.is_facts]

    @functools.cached_property
    def anchors(self) -> dict[tuple[str, str], Anchor]:
        """Each fact row's evidence anchor (``loader.anchors``: the span of its seed file the
        annotations export gives) by table and row id."""
        from bdigest_data.loader.anchors import anchors

        return {(a.table, a.row_id): a for a in anchors(self.package)}

    @functools.cached_property
    def sources(self) -> Table | None:
        by_role = [t for t in self.tables.values() if t.role == roles.SOURCES]
        return by_role[0] if by_role else self.tables.get(roles.SOURCES)

    @functools.cached_property
    def sentences(self) -> Table | None:
        """The table of the articles' sentences (role ``sentences``), if there is one."""
        return next((t for t in self.tables.values() if t.role == roles.SENTENCES), None)

    @functools.cached_property
    def asides(self) -> list[Table]:
        """Tables that set article text aside: with a link to the sources, either a
        ``context`` field (a snippet) or a link to the sentences (whole sentences)."""
        if self.sources is None:
            return []
        sentences = self.sentences.name if self.sentences else None
        return [t for t in self.tables.values()
                if not t.is_facts and t.name != sentences
                and ((t.field_with_role(CONTEXT) and t.link_to(self.sources.name))
                     or (sentences and t.link_to(sentences)))]

    def asides_of(self, source_id: str) -> list[Aside]:
        """The text of article ``source_id`` set aside, each with its reason."""
        out = []
        by_id = ({rid: row for rid, row in zip(self.sentences.ids, self.sentences.rows,
                                               strict=True)} if self.sentences else {})
        for t in self.asides:
            context = t.field_with_role(CONTEXT)
            to_sentence = t.link_to(self.sentences.name) if self.sentences else None
            for i, row in enumerate(t.rows):
                sentence = by_id.get(row.get(to_sentence.field, ""), {}) if to_sentence else {}
                if (sentence.get("source_id") if to_sentence else self.source_of(t, i)) \
                        != source_id:
                    continue
                snippet = row.get(context, "") if context else sentence.get("text", "")
                reason = row.get("reason", "") or row.get("note", "")
                if row.get("disposition"):
                    reason = f"{row['disposition']}: {reason}" if reason else row["disposition"]
                if snippet:
                    out.append(Aside(f"aside:{t.name}:{t.ids[i]}", snippet, reason))
        return out

    @functools.cached_property
    def entities(self) -> list[Table]:
        """Lookup tables that fact rows point to, directly or through a link table."""
        fact_names = {t.name for t in self.facts}
        skip = fact_names | {self.sources.name if self.sources else ""}
        out = []
        for t in self.tables.values():
            if t.name in skip or t in self.asides:
                continue
            direct = any(lk.table == t.name for f in self.facts for lk in f.links.values())
            linked = any(lk.table == t.name for other in self.tables.values()
                         if other.name not in skip for lk in other.links.values()
                         if any(o.table in fact_names for o in other.links.values()))
            if direct or linked:
                out.append(t)
        return out

    def entity_names(self) -> set[str]:
        return {t.name for t in self.entities}

    def href(self, table: str, key: str) -> str:
        """Where a reference to row ``key`` of ``table`` points (relative to the site root)."""
        if self.sources is not None and table == self.sources.name:
            return f"articles/{slug(key)}.html"
        if table in self.entity_names():
            return f"{table}/{slug(key)}.html"
        return f"tables/{table}.html#{key}"

    @functools.cached_property
    def _names(self) -> dict[str, dict[str, str]]:
        """table -> row id -> the row's name (or title), for tables that have one."""
        out = {}
        for t in self.tables.values():
            field = next((f for f in ("name", "title") if f in t.fields), None)
            if field:
                out[t.name] = {rid: row[field] for rid, row in zip(t.ids, t.rows, strict=True)}
        return out

    def name_of(self, table: str, key: str) -> str:
        """The name of row ``key`` of ``table`` ('' when it has none)."""
        return self._names.get(table, {}).get(key, "")

    def label(self, table: Table, row: dict[str, str], fields: tuple[str, ...]) -> str:
        """The first of ``fields`` that the row fills, as a name when it is a reference."""
        for name in fields:
            value = row.get(name, "")
            if value:
                link = table.links.get(name)
                return (self.name_of(link.table, value) if link else "") or value
        return ""

    @functools.cached_property
    def referrers(self) -> dict[tuple[str, str], list[tuple[Table, int, str]]]:
        """(table, row id) -> rows of other tables that name it through a polymorphic
        reference (an event link, a derivation), with the id field that names it."""
        out: dict[tuple[str, str], list[tuple[Table, int, str]]] = {}
        for t in self.tables.values():
            for ident, tname in t.row_refs.items():
                for i, row in enumerate(t.rows):
                    if row.get(tname) in self.tables and row.get(ident):
                        out.setdefault((row[tname], row[ident]), []).append((t, i, ident))
        return out

    def source_of(self, table: Table, i: int) -> str:
        """The source article id of row ``i`` of ``table`` ('' when it has none)."""
        link = table.link_to(self.sources.name) if self.sources else None
        return table.rows[i].get(link.field, "") if link else ""

    @functools.cached_property
    def mentions(self) -> dict[tuple[str, str], list[tuple[Table, int]]]:
        """(entity table, entity id) -> the fact rows that name it, directly or through a
        link table (a row of which points both at a fact row and at the entity)."""
        entity_names = self.entity_names()
        fact_index = {t.name: {rid: i for i, rid in enumerate(t.ids)} for t in self.facts}
        found: dict[tuple[str, str], dict[tuple[str, int], tuple[Table, int]]] = {}

        def add(key: tuple[str, str], table: Table, i: int) -> None:
            found.setdefault(key, {})[(table.name, i)] = (table, i)

        for t in self.tables.values():
            ent_links = [lk for lk in t.links.values() if lk.table in entity_names]
            if not ent_links:
                continue
            if t.is_facts:
                for i, row in enumerate(t.rows):
                    for lk in ent_links:
                        if row.get(lk.field):
                            add((lk.table, row[lk.field]), t, i)
                continue
            fact_links = [lk for lk in t.links.values() if lk.table in fact_index]
            for row in t.rows:
                for flk in fact_links:
                    j = fact_index[flk.table].get(row.get(flk.field, ""))
                    if j is None:
                        continue
                    for lk in ent_links:
                        if row.get(lk.field):
                            add((lk.table, row[lk.field]), self.tables[flk.table], j)
        return {k: list(v.values()) for k, v in found.items()}


    def sentence_counts(self, source_id: str) -> dict[str, int]:
        """Of the article's sentences (units of kind ``sentence``): how many, how many a
        fact row's quote overlaps, how many rows set aside, and how many neither."""
        if self.sentences is None or source_id not in self.articles:
            return {}
        from bdigest_data.text.evidence import fold

        text = fold(self.articles[source_id].markdown)
        quotes = []
        for t in self.facts:
            for i, row in enumerate(t.rows):
                needle = fold(row.get(QUOTE, "")) if self.source_of(t, i) == source_id else ""
                at = text.find(needle) if needle else -1
                if at >= 0:
                    quotes.append((at, at + len(needle)))
        aside = {x.text for x in self.asides_of(source_id)}
        counts = {"sentences": 0, "sentences quoted": 0, "sentences set aside": 0,
                  "sentences neither": 0}
        table = self.sentences
        for i, row in enumerate(table.rows):
            if self.source_of(table, i) != source_id or row.get("kind", "sentence") != "sentence":
                continue
            counts["sentences"] += 1
            needle = fold(row.get("text", ""))
            at = text.find(needle) if needle else -1
            if at >= 0 and any(a < at + len(needle) and at < b for a, b in quotes):
                counts["sentences quoted"] += 1
            elif row.get("text") in aside:
                counts["sentences set aside"] += 1
            else:
                counts["sentences neither"] += 1
        return counts


def _links(table: ExportTable) -> dict[str, Link]:
    out: dict[str, Link] = {}
    for fields, ref, targets in table.foreign_keys():  # keys are lists in the model
        if len(fields) == 1:
            out[fields[0]] = Link(fields[0], ref, targets[0])
    return out


def _rows(frame: pd.DataFrame, names: list[str]) -> list[dict[str, str]]:
    columns = {n: [text(v) for v in frame[n].tolist()] for n in names}
    return [{n: columns[n][i] for n in names} for i in range(len(frame))]


def _ids(table: ExportTable, rows: list[dict[str, str]]) -> list[str]:
    key = table.primary_key
    if not key:
        return [f"{table.name}-{i + 1}" for i in range(len(rows))]
    if len(key) == 1:
        return [row[key[0]] for row in rows]
    return [slug("~".join(row[k] for k in key)) for row in rows]


def read(path: str | Path | None = None) -> SiteData:
    """Validate and load the package at ``path`` (default: the installed one).

    Raises ``bdigest_data.ValidationError`` when the package is invalid.
    """
    from bdigest_data.loader.package import load_package

    package = load_package(path)
    tables = {}
    for t in package.tables:
        rows = _rows(t.frame, t.model.names)
        tables[t.name] = Table(t, rows, _ids(t, rows), _links(t), t.model.role or "")
    data = SiteData(package, metadata.files_of(path), tables)
    data.articles = _articles(data)
    data.documents = _documents(data.files)
    return data


def _documents(files: PackageFiles) -> list[Document]:
    """The codebook and the reliability report, read through the one reader from the
    package that holds them (``metadata.docs_files``)."""
    holder = metadata.docs_files(files)
    return [Document(page, title, doc, holder.read_text(doc, what="document") if holder else "")
            for (page, title), doc in zip(_PAGES, metadata.DOCS, strict=True)]


def _articles(data: SiteData) -> dict[str, Article]:
    src = data.sources
    if src is None:
        return {}
    key = src.source.primary_key[0]
    title = src.field_with_role(roles.TITLE) or "title"
    seed, start, end = (src.field_with_role(r)
                        for r in (roles.SEED_FILE, roles.CHAR_START, roles.CHAR_END))
    if not (seed and start and end):
        return {}
    texts: dict[str, str] = {}
    out = {}
    for row in src.rows:
        if row[seed] not in texts:  # the reader refuses a path out of the package
            texts[row[seed]] = data.files.read_text(row[seed], what=f"{src.name} seed file")
        body = texts[row[seed]][int(row[start]): int(row[end])]
        out[row[key]] = Article(row[key], row.get(title, row[key]), row, body)
    return out
