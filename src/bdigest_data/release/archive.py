"""The release archive: a byte-for-byte reproducible zip of the package, and SHA256SUMS.

Entries are sorted, every file gets the same timestamp and permissions, and the archive
holds only the descriptor, the files it lists (data, schemas, seeds) and the top-level
documents, so two builds of the same tree give identical bytes. The timestamp is
``SOURCE_DATE_EPOCH`` when set, else the release date in the descriptor (``created``).
"""

from __future__ import annotations

import os
import time
import zipfile
from datetime import datetime
from pathlib import Path

from bdigest_data.metadata.files import DESCRIPTOR, hash_file
from bdigest_data.release.package import PackageDir, PackageError

DOCUMENTS = ("README.md", "LICENSE", "CITATION.cff", "CHANGELOG.md", "croissant.json")
CHECKSUMS = "SHA256SUMS"
_ZIP_EPOCH_MIN = 315532800  # 1980-01-01, the earliest time a zip entry can carry
_FILE_MODE = 0o100644  # regular file, rw-r--r--
_UNIX = 3


def source_date_epoch(root: Path) -> int:
    """``SOURCE_DATE_EPOCH`` if set, else midnight UTC of the descriptor's ``created`` date."""
    if env := os.environ.get("SOURCE_DATE_EPOCH"):
        return int(env)
    created = PackageDir(root).descriptor["created"]
    return int(datetime.fromisoformat(created.replace("Z", "+00:00")).timestamp())


def archive_members(root: Path) -> list[str]:
    """Relative paths of the files the archive holds, sorted (a document is left out
    when absent, not when refused: reading it then refuses the archive)."""
    pkg = PackageDir(root)
    members = {DESCRIPTOR, *(d for d in DOCUMENTS if os.path.lexists(root / d))}
    for res in pkg.resources.values():
        members.add(res["path"])
        if isinstance(res.get("schema"), str):
            members.add(res["schema"])
    return sorted(members)


def build_archive(root: Path, out: Path, prefix: str, epoch: int) -> Path:
    """Write ``out`` (a zip whose entries sit under ``prefix/``) from package ``root``,
    every file read first through the package reader (``PackageError`` when it refuses
    one; then nothing is written)."""
    stamp = time.gmtime(max(epoch, _ZIP_EPOCH_MIN))[:6]
    files = PackageDir(root).files
    try:
        contents = [(rel, files.read_bytes(rel)) for rel in archive_members(root)]
    except OSError as exc:
        raise PackageError(f"{root}: {exc}") from None
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as zf:
        for rel, data in contents:
            info = zipfile.ZipInfo(f"{prefix}/{rel}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = _FILE_MODE << 16
            info.create_system = _UNIX
            zf.writestr(info, data, compresslevel=9)
    return out


def write_checksums(files: list[Path], out: Path) -> Path:
    """Write ``out`` in ``sha256sum`` format (``<hex>  <name>``) for ``files``, sorted."""
    lines = [f"{hash_file(f)[1]}  {f.name}\n"
             for f in sorted(files, key=lambda f: f.name)]
    out.write_text("".join(lines), encoding="utf-8")
    return out
