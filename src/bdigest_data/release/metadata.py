"""Citation metadata derived from ``datapackage.json`` and ``data/sources.csv``.

The descriptor is the single source: title, version, release date (``created``), authors
(contributors with the ``author`` role), licence, abstract and keywords; the references
are the rows of the ``sources`` table. ``CITATION.cff`` and ``.zenodo.json`` are written
from here by the release routine, and ``cite()`` formats the same data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bdigest_data.metadata import roles
from bdigest_data.release.package import PackageDir
from bdigest_data.release.stamp import replace_text

CFF_FILE = "CITATION.cff"
ZENODO_FILE = ".zenodo.json"
# The repository has no public address yet (no remote, no DOI); none is guessed. When it has
# one, add ``repository-code`` (and ``url``) to ``cff_dict`` and ``[project.urls]`` to
# pyproject.toml, and drop this comment.
REPOSITORY_PLACEHOLDER = (
    "# repository-code: not set yet. The repository has no public address; it is added here\n"
    "# (and to pyproject.toml [project.urls]) when it has one, never guessed.\n"
)
MESSAGE = (
    "If you use this dataset, please cite it as below, and cite the source article of each "
    "fact you use: `bdigest-data cite --row TABLE ID` gives it."
)


@dataclass(frozen=True)
class Article:
    """One source article: title, publisher and the EDTF publication date inferred for it."""

    source_id: str
    title: str
    publisher: str
    published: str
    published_note: str

    @property
    def year(self) -> int:
        """The (inferred) publication year."""
        return int(self.published[:4])

    def reference(self) -> str:
        """A one-line reference: title, publisher and inferred date."""
        title = self.title if self.title.endswith((".", "?", "!")) else self.title + "."
        return f"{title} {self.publisher}, {self.published} (date inferred from the text)."

    def cff(self) -> dict[str, Any]:
        """The article as a CFF reference (the text names no author and no URL)."""
        return {
            "type": "article",
            "title": self.title,
            "authors": [{"name": self.publisher}],
            "publisher": {"name": self.publisher},
            "year": self.year,
            "notes": (
                f"The text carries no date: the publication date {self.published} (EDTF) is "
                "inferred from it, see published_note in data/sources.csv. It names no "
                "author, so the publisher is given as corporate author."
            ),
        }


def articles(pkg: PackageDir) -> list[Article]:
    """The rows of the ``sources`` table, in file order."""
    fields = Article.__dataclass_fields__
    return [Article(**{k: row[k] for k in fields}) for row in pkg.rows(roles.SOURCES).rows.values()]


def cff_dict(root: Path) -> dict[str, Any]:
    """The content of ``CITATION.cff`` (CFF 1.2.0, ``type: dataset``) for package ``root``."""
    pkg = PackageDir(root)
    desc = pkg.descriptor
    return {
        "cff-version": "1.2.0",
        "message": MESSAGE,
        "type": "dataset",
        "title": desc["title"],
        "version": desc["version"],
        "date-released": desc["created"][:10],
        "authors": [{"name": c["title"]} for c in desc.get("contributors", [])
                    if "author" in c.get("roles", [])],
        "license": desc["licenses"][0]["name"],
        "abstract": desc["description"],
        "keywords": desc.get("keywords", []),
        "references": [a.cff() for a in articles(pkg)],
    }


def zenodo_dict(cff: dict[str, Any], sources: list[Article]) -> dict[str, Any]:
    """``.zenodo.json`` deposit metadata with the same facts as ``cff``."""
    return {
        "upload_type": "dataset",
        "title": cff["title"],
        "version": cff["version"],
        "publication_date": cff["date-released"],
        "creators": [{"name": a["name"]} for a in cff["authors"]],
        "description": cff["abstract"],
        "license": cff["license"].lower(),
        "keywords": cff["keywords"],
        "references": [a.reference() for a in sources],
        "notes": "The article texts in seeds/ remain the publisher's (Belarus Digest) and are "
                 "not covered by the dataset's licence.",
    }


def cff_text(cff: dict[str, Any]) -> str:
    """``cff`` as YAML, keys in CFF order (needs PyYAML, a release-time dependency)."""
    import yaml

    body = yaml.safe_dump(cff, sort_keys=False, allow_unicode=True, width=88)
    return ("# Written by scripts/release.py from datapackage.json and data/sources.csv.\n"
            + REPOSITORY_PLACEHOLDER + body)


def write_citation_files(root: Path) -> dict[str, Any]:
    """Write ``CITATION.cff`` and ``.zenodo.json`` into ``root``; returns the CFF content."""
    cff = cff_dict(root)
    replace_text(root / CFF_FILE, cff_text(cff))
    zenodo = zenodo_dict(cff, articles(PackageDir(root)))
    replace_text(root / ZENODO_FILE, json.dumps(zenodo, indent=2, ensure_ascii=False) + "\n")
    return cff
