"""Discovery metadata from the descriptor: Croissant 1.1 (``croissant.json``) and the
schema.org ``Dataset`` of the site's index page.

Both are functions of the package model alone (``datapackage.json`` and its Table
Schemas), so they cannot drift from it: the release routine and ``bdigest-data stamp``
write ``croissant.json`` beside the descriptor (``write``), the validator reports a
``croissant.json`` that differs from what the descriptor gives (``stale-croissant``), and
the site embeds ``schema_org`` in its index.

- The dataset: name (the descriptor's title), the package name as ``alternateName``,
  description, version, release date (``created``), licence (its URL), keywords,
  creators (the contributors with the ``author`` role), the one-line citation
  (``citeAs``), the sources (``isBasedOn``).
- Croissant adds one ``cr:FileObject`` per resource file (``contentUrl`` its path in the
  package, ``sha256`` the descriptor's hash, ``contentSize`` its bytes) and one
  ``cr:RecordSet`` per table: its fields (data type from ``types.TYPES``, read from the
  CSV column of the same name), its primary key (``key``) and its foreign keys
  (``references``; not one to its own table, ``part_of``, which makes mlcroissant's
  reading graph a cycle; the Table Schema keeps it); and the responsible-AI fields
  (``RAI``), written for what this dataset is: five hand-coded articles from one outlet.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from bdigest_data.metadata import citation

if TYPE_CHECKING:
    from bdigest_data.metadata.classes import Package, Resource, TableSchema

CROISSANT_FILE = "croissant.json"
CROISSANT_VERSION = "http://mlcommons.org/croissant/1.1"
# The Croissant 1.1 JSON-LD context, as the specification's examples write it
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

# Responsible-AI fields: what the dataset is, said plainly (Croissant RAI vocabulary)
RAI = {
    "rai:dataCollection": (
        "Facts extracted by hand from five analysis articles published by one outlet, "
        "Belarus Digest, between 2012 and 2017 (publication dates inferred from the texts). "
        "The article texts are kept verbatim in seeds/; every fact row names its article "
        "and carries a verbatim quote that the package's validator finds in that article, "
        "together with every figure and date of the row."),
    "rai:dataCollectionType": "Manual Human Curation",
    "rai:dataCollectionRawData": (
        "The five article texts, verbatim, in seeds/ (the publisher's texts, not covered by "
        "the dataset's licence)."),
    "rai:dataAnnotationProtocol": (
        "Each row is coded by hand following docs/codebook.md (what counts as a visit, a "
        "meeting, a transfer, a figure); values the articles do not state are left empty, "
        "and every inferred or computed value says so (value_basis, derived_fields, "
        "basis_note). docs/reliability.md reports how the coding was checked."),
    "rai:dataLimitations": (
        "Five articles from one outlet are not a sample of Belarus' foreign relations: the "
        "tables hold what these articles state, so an event, transfer or figure that is "
        "absent is unrecorded, not absent from the world, and counts over the tables are "
        "counts of what the articles mention. Article dates are inferred. Figures are as "
        "the articles give them (arms values are SIPRI trend-indicator values, not prices)."),
    "rai:dataBiases": (
        "Every fact passes through one outlet's choice of topics, sources and framing, and "
        "through the five articles chosen for coding; there is no second outlet to balance "
        "it. The coders' reading of each sentence is a further source of error, bounded by "
        "the verbatim quote every row carries."),
    "rai:dataUseCases": (
        "Research and teaching on Belarus' foreign relations, traced to the sentence each "
        "fact comes from; an example of a small, validated, hand-coded dataset. Not suited "
        "to estimating totals, trends or frequencies."),
    "rai:personalSensitiveInformation": (
        "Names of persons as the articles publish them: officials and politicians in visits "
        "and meetings, and political prisoners named in releases. No other personal data."),
}


def licence(descriptor: dict[str, Any]) -> str:
    """The descriptor's first licence as both documents give it: its ``path`` when that is
    an ``http(s)`` URL, else its name (a ``javascript:`` or relative path is no licence
    address)."""
    first = dict((descriptor.get("licenses") or [{}])[0])
    path = str(first.get("path", ""))
    return path if re.match(r"https?://", path, re.IGNORECASE) else str(first.get("name", ""))


def _creators(descriptor: dict[str, Any]) -> list[dict[str, str]]:
    return [{"@type": "sc:Organization", "name": c["title"]}
            for c in descriptor.get("contributors", []) if "author" in c.get("roles", [])]


def dataset(descriptor: dict[str, Any]) -> dict[str, Any]:
    """The schema.org ``Dataset`` facts both documents share, from the descriptor."""
    facts: dict[str, Any] = {
        "name": descriptor.get("title", descriptor["name"]),
        "alternateName": descriptor["name"],
        "description": descriptor.get("description", ""),
        "version": descriptor["version"],
        "datePublished": str(descriptor.get("created", ""))[:10],
        "license": licence(descriptor),
        "keywords": list(descriptor.get("keywords", [])),
        "inLanguage": "en",
        "creator": _creators(descriptor),
        "isBasedOn": [{"@type": "sc:CreativeWork", "name": s.get("title", ""),
                       "description": s.get("description", "")}
                      for s in descriptor.get("sources", [])],
    }
    return {k: v for k, v in facts.items() if v not in ("", [])}


def schema_org(descriptor: dict[str, Any]) -> dict[str, Any]:
    """The schema.org ``Dataset`` JSON-LD of the site's index page."""
    facts = dataset(descriptor)
    for item in [*facts.get("creator", []), *facts.get("isBasedOn", [])]:
        item["@type"] = item["@type"].removeprefix("sc:")
    return {"@context": "https://schema.org/", "@type": "Dataset", **facts,
            "citation": citation.of_descriptor(descriptor)}


def _file_object(res: Resource) -> dict[str, Any]:
    raw = res.raw
    obj: dict[str, Any] = {
        "@type": "cr:FileObject",
        "@id": res.path,
        "name": res.path,
        "description": res.description or res.title or res.name,
        "contentUrl": res.path,
        "encodingFormat": raw.get("mediatype") or raw.get("format") or "",
    }
    if res.bytes is not None:
        obj["contentSize"] = f"{res.bytes} B"
    if res.hash:
        algorithm, _, digest = res.hash.rpartition(":")
        if algorithm in ("", "sha256"):
            obj["sha256"] = digest
    return {k: v for k, v in obj.items() if v != ""}


def _record_set(name: str, path: str, schema: TableSchema) -> dict[str, Any]:
    references = {}
    for fk in schema.foreignKeys:
        target = fk.target(name)
        if target == name:
            continue  # a row naming a row of its own table: mlcroissant cannot read the cycle
        for own, other in zip(fk.fields, fk.reference.fields, strict=True):
            references[own] = {"field": {"@id": f"{target}/{other}"}}
    fields = []
    for f in schema.fields:
        field: dict[str, Any] = {
            "@type": "cr:Field",
            "@id": f"{name}/{f.name}",
            "name": f.name,
            "description": f.description or f.title or f.name,
            "dataType": f.info.schema_org,
            "source": {"fileObject": {"@id": path}, "extract": {"column": f.name}},
        }
        if f.name in references:
            field["references"] = references[f.name]
        fields.append(field)
    record: dict[str, Any] = {"@type": "cr:RecordSet", "@id": name, "name": name,
                              "description": schema.description or name}
    if schema.primary_key:
        record["key"] = [{"@id": f"{name}/{k}"} for k in schema.primary_key]
    record["field"] = fields
    return record


def croissant(model: Package) -> dict[str, Any]:
    """The Croissant 1.1 document of the package ``model``."""
    descriptor = model.raw
    files = [r for r in model.resources if isinstance(r.path, str)]
    records = [_record_set(r.name, r.path, r.table) for r in files  # type: ignore[arg-type]
               if r.table is not None]
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CROISSANT_VERSION,
        **dataset(descriptor),
        "citeAs": citation.of_descriptor(descriptor),
        **RAI,
        "distribution": [_file_object(r) for r in files],
        "recordSet": records,
    }


def croissant_text(model: Package) -> str:
    """``croissant.json`` as written: indented JSON, a final newline."""
    return json.dumps(croissant(model), indent=2, ensure_ascii=False) + "\n"


def script_json(value: Any) -> str:
    """``value`` as JSON safe inside an HTML ``<script>`` element: ``<``, ``>`` and ``&``
    are written as ``\\u`` escapes (still the same JSON), so no text can close the element
    or open a comment; so are U+2028 and U+2029."""
    text = json.dumps(value, indent=1, ensure_ascii=False)
    for ch in "<>&\u2028\u2029":
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    return text
