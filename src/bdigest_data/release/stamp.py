"""Write each resource's ``bytes`` and ``hash`` into ``datapackage.json``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any


def digest(data: bytes) -> tuple[int, str]:
    """Size in bytes and ``sha256:<hex>`` of ``data``."""
    return len(data), "sha256:" + hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> tuple[int, str]:
    """Size in bytes and ``sha256:<hex>`` of a file."""
    return digest(path.read_bytes())


def descriptor_text(desc: dict[str, Any]) -> str:
    """A descriptor the way the repository keeps it (2-space indent, non-ASCII as is,
    final newline)."""
    return json.dumps(desc, indent=2, ensure_ascii=False) + "\n"


def write_descriptor(path: Path, desc: dict[str, Any]) -> None:
    """Write a descriptor as ``descriptor_text`` gives it, in UTF-8."""
    path.write_text(descriptor_text(desc), encoding="utf-8")


def stamp(package_dir: Path) -> dict[str, Any]:
    """Refresh bytes and sha256 of every resource; returns the new descriptor."""
    dp = package_dir / "datapackage.json"
    desc = json.loads(dp.read_text(encoding="utf-8"))
    for res in desc["resources"]:
        res["bytes"], res["hash"] = file_digest(package_dir / res["path"])
    write_descriptor(dp, desc)
    return desc
