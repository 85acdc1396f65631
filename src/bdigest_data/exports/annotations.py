"""Annotations export: every fact row's evidence as a W3C Web Annotation (JSON-LD).

One ``AnnotationCollection`` (context ``http://www.w3.org/ns/anno.jsonld``) with its one
``AnnotationPage`` embedded as ``first``, holding one ``Annotation`` per fact row, in
package order::

    {"id": "#visits/v-001", "type": "Annotation", "motivation": "describing",
     "body": {"type": "TextualBody", "format": "text/plain", "language": "en",
              "value": "bdigest-data 1.2.0, table visits, row v-001"},
     "target": {"type": "SpecificResource", "source": "seeds/000_….txt",
                "selector": [{"type": "TextPositionSelector", "start": 812, "end": 951},
                             {"type": "TextQuoteSelector", "exact": "…",
                              "prefix": "…", "suffix": "…"}]}}

The body names the row: its table, its id and the release version. The target's source is
the seed file's path inside the package (a relative IRI: it resolves against the location
of the package, beside which the file is meant to be read); both selectors select the same
text, the anchor of :mod:`bdigest_data.loader.anchors` (positions in characters of the raw
seed file, ``exact`` the raw text there, up to 32 characters of prefix and suffix). The
ids are fragments of the document (``#<table>/<row id>``, percent-encoded).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bdigest_data.loader.anchors import Anchor, anchors
from bdigest_data.loader.package import ExportPackage

CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def annotation(anchor: Anchor, release: str) -> dict[str, Any]:
    """The Web Annotation of one fact row."""
    return {
        "id": f"#{quote(anchor.table, safe='')}/{quote(anchor.row_id, safe='')}",
        "type": "Annotation",
        "motivation": "describing",
        "body": {"type": "TextualBody", "format": "text/plain", "language": "en",
                 "value": f"{release}, table {anchor.table}, row {anchor.row_id}"},
        "target": {
            "type": "SpecificResource",
            "source": anchor.seed_file,
            "selector": [
                {"type": "TextPositionSelector", "start": anchor.start, "end": anchor.end},
                {"type": "TextQuoteSelector", "exact": anchor.exact, "prefix": anchor.prefix,
                 "suffix": anchor.suffix},
            ],
        },
    }


def document(pkg: ExportPackage) -> dict[str, Any]:
    """The whole collection as one JSON-ready dict."""
    release = f"{pkg.name} {pkg.version}"
    items = [annotation(a, release) for a in anchors(pkg)]
    collection: dict[str, Any] = {
        "@context": CONTEXT,
        "id": "#collection",
        "type": "AnnotationCollection",
        "label": f"{pkg.title} {pkg.version}: the evidence of every fact row",
        "total": len(items),
    }
    if pkg.license.get("path"):
        collection["rights"] = pkg.license["path"]
    if items:
        collection["first"] = {"id": "#page-1", "type": "AnnotationPage", "startIndex": 0,
                               "items": items}
        collection["last"] = "#page-1"
    return collection


def outputs(out: Path, tables: list[str]) -> list[Path]:
    """The file an export to ``out`` writes."""
    return [out]


def write(pkg: ExportPackage, out: Path) -> None:
    """Write the collection to ``out`` (UTF-8 JSON-LD, indented)."""
    text = json.dumps(document(pkg), indent=1, ensure_ascii=False, allow_nan=False)
    out.write_text(text + "\n", encoding="utf-8")
