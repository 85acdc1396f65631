"""Write each resource's ``bytes`` and ``hash`` into ``datapackage.json`` (and rewrite
``croissant.json`` from it, where there is one).

Every file is read through the package reader (``metadata.files``: inside the package,
regular files, size limits) and hashed there; the descriptor is replaced atomically (a
temporary file in the same folder, flushed to disk, then renamed over it), so a reader at
the same moment sees the old descriptor or the new one, never a part.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from bdigest_data import metadata
from bdigest_data.findings import ValidationError
from bdigest_data.metadata.descriptor import descriptor_text
from bdigest_data.metadata.discovery import CROISSANT_FILE, croissant_text
from bdigest_data.metadata.files import DESCRIPTOR
from bdigest_data.release.package import PackageDir, PackageError


def write_descriptor(path: Path, desc: dict[str, Any]) -> None:
    """Replace ``path`` with ``desc`` as ``descriptor_text`` gives it (``replace_text``)."""
    replace_text(path, descriptor_text(desc))


def replace_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in UTF-8, atomically: a temporary file in the same
    folder, flushed to disk, renamed over it (a symlink there is replaced, never followed);
    the file keeps its permissions."""
    try:
        st = os.lstat(path)
        mode = 0o644 if stat.S_ISLNK(st.st_mode) else stat.S_IMODE(st.st_mode)
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # the rename itself survives a crash
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def write_croissant(package_dir: Path) -> Path:
    """Write ``croissant.json`` beside the descriptor from it (``metadata.discovery``);
    ``ValidationError`` (nothing written) when the descriptor or a schema has faults."""
    target = Path(package_dir) / CROISSANT_FILE
    replace_text(target, croissant_text(metadata.package(package_dir)))
    return target


def stamp(package_dir: Path) -> dict[str, Any]:
    """Refresh bytes and sha256 of every resource; returns the new descriptor.
    ``PackageError`` (nothing written) when the descriptor is no data package or a
    resource's file is refused by the reader or missing. A ``croissant.json`` beside the
    descriptor is rewritten from the new descriptor (left as it is when the metadata has
    faults: the validator reports those, and the stale file)."""
    pkg = PackageDir(package_dir)
    desc = pkg.descriptor
    for res in desc["resources"]:
        try:
            res["bytes"], res["hash"] = pkg.files.stamp(res["path"],
                                                        what=f'resource "{res["name"]}": path')
        except OSError as exc:
            raise PackageError(f"{pkg.files.descriptor_path}: {exc}") from None
    write_descriptor(pkg.files.root / DESCRIPTOR, desc)
    if os.path.lexists(pkg.files.root / CROISSANT_FILE):
        with contextlib.suppress(ValidationError):
            write_croissant(pkg.files.root)
    return desc
