"""The dataset's one-line citation (APA), built from the descriptor alone.

The loader puts it in every frame's ``attrs`` and the exports record it; ``cite("apa")``
(release tooling, which also formats the other styles) gives the same line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def apa(authors: list[str], released: str, title: str, version: str) -> str:
    """``Authors. (Year). Title (Version v) [Data set].`` (``released``: an ISO date)."""
    return f"{' and '.join(authors)}. ({released[:4]}). {title} (Version {version}) [Data set]."


def of_descriptor(descriptor: Mapping[str, Any]) -> str:
    """The one-line citation of a descriptor (as written): its authors are the contributors
    with the ``author`` role, its year that of ``created``."""
    authors = [c["title"] for c in descriptor.get("contributors", [])
               if "author" in c.get("roles", [])]
    return apa(authors, descriptor["created"][:10], descriptor["title"], descriptor["version"])
