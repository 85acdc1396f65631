"""The one reader of a package's files, with the safety rules in one place.

A descriptor (and a CSV cell naming a seed file) is untrusted input. Every file of a
package is opened through ``PackageFiles``, which refuses a path that is not a string, is
a URL, is absolute, contains ``..``, or resolves (following symlinks) outside the package
directory, and a file larger than ``MAX_FILE_BYTES``. These rules hold whatever the
caller checks afterwards: ``load(validate=False)`` skips checks, never these rules.

``open_files(path)`` serves a package directory, a descriptor file, or a release archive
(``.zip`` or tar): an archive is unpacked into a temporary directory (members under
``..`` or absolute, links, and more than ``MAX_ARCHIVE_BYTES`` unpacked are refused) and
read from there like a directory. The reader only serves bytes and JSON; it does not
interpret schemas, so the release diff reads an old archive whatever its schema says.

``PackageFiles.digest`` is what caches (the parsed model, the loader's verdict) are keyed
by: the SHA-256 of each file's content. A file's digest is remembered, for the process,
with its stat signature (device, inode, size, and modification and status-change times
in nanoseconds) and reused while the signature is unchanged, so a warm call hashes
nothing. An edit that preserves size and modification time (``cp -p``, ``rsync -t``,
``tar``, ``os.utime``) still changes the status-change time (``st_ctime``), which no
user call can set back; a file whose status changed within ``RACY_NS`` of being hashed
is hashed again on every call (a second edit within the clock's tick could keep every
field of the signature, as git's "racy" index entries).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tarfile
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

DESCRIPTOR = "datapackage.json"
MAX_FILE_BYTES = 2 * 1024**3  # per file; the real files are a few kilobytes
MAX_ARCHIVE_BYTES = 8 * 1024**3  # unpacked, per archive
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# a file whose status changed this recently when hashed is not trusted by its stat signature
RACY_NS = 2 * 10**9
_MAX_REMEMBERED = 4096
# package root joined with a relative path -> (stat signature, SHA-256 of the content)
_digests: dict[str, tuple[tuple[int, ...], bytes]] = {}
_digests_lock = threading.Lock()


class UnsafePathError(OSError):
    """A path the reader refuses to open; ``code`` is the finding code to report
    (``unsafe-path``, ``file-error``, ``file-too-large``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class PackageError(ValueError):
    """A path that is no package or archive, or an archive that cannot be unpacked."""


def check_path(relpath: object, *, what: str) -> str:
    """``relpath`` when it is a relative path that stays in the package (before symlinks
    are looked at); ``UnsafePathError`` otherwise."""
    if not isinstance(relpath, str) or not relpath:
        raise UnsafePathError("unsafe-path", f"{what} {relpath!r} is not a relative path")
    if _URL.match(relpath):
        raise UnsafePathError("unsafe-path", f"{what} {relpath!r} is a URL; only files inside "
                                             "the package directory are read")
    posix, windows = PurePosixPath(relpath), PureWindowsPath(relpath)
    if posix.is_absolute() or windows.is_absolute() or windows.drive:
        raise UnsafePathError("unsafe-path", f"{what} {relpath!r} is absolute; it must be "
                                             "relative to the package directory")
    if ".." in posix.parts or ".." in windows.parts:
        raise UnsafePathError("unsafe-path", f"{what} {relpath!r} contains '..'; it must stay "
                                             "inside the package directory")
    return relpath


class PackageFiles:
    """The files of the package whose descriptor is ``root / descriptor``."""

    def __init__(self, root: Path, descriptor: str = DESCRIPTOR) -> None:
        self.root = root.resolve()
        self.descriptor = descriptor

    @property
    def descriptor_path(self) -> Path:
        return self.root / self.descriptor

    def path(self, relpath: object, *, what: str = "file") -> Path:
        """The file ``relpath`` names inside the package; ``UnsafePathError`` if refused.

        ``what`` says in messages which kind of file it is ("resource path", "schema" …).
        """
        rel = check_path(relpath, what=what)
        target = (self.root / rel).resolve()
        if not target.is_relative_to(self.root):
            raise UnsafePathError("unsafe-path", f"{what} {rel!r} resolves to {target}, "
                                                 f"outside the package directory {self.root} "
                                                 "(a symlink?)")
        if not target.is_file():
            raise UnsafePathError("file-error", f"{what} {rel!r} is not a file in {self.root}")
        size = target.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnsafePathError("file-too-large", f"{what} {rel!r} has {size} bytes, more "
                                                    f"than the limit of {MAX_FILE_BYTES}")
        return target

    def read_bytes(self, relpath: object, *, what: str = "file") -> bytes:
        return self.path(relpath, what=what).read_bytes()

    def read_text(self, relpath: object, *, what: str = "file") -> str:
        """The file decoded as UTF-8 (``UnicodeDecodeError`` when it is not)."""
        return self.read_bytes(relpath, what=what).decode("utf-8")

    def read_json(self, relpath: object, *, what: str = "file") -> Any:
        """The parsed JSON file (``UnicodeDecodeError``, ``json.JSONDecodeError``)."""
        return json.loads(self.read_text(relpath, what=what))

    def digest(self, relpaths: Iterable[str]) -> str:
        """A digest of the content of the named files (a refused or missing one counts as
        absent), so that any edit, whatever it does to sizes and times, changes it; a file
        unchanged since it was last hashed is not read again (see the module docstring)."""
        h = hashlib.sha256()
        for rel in relpaths:
            h.update(rel.encode("utf-8", "surrogateescape") + b"\0")
            try:
                h.update(self.file_digest(rel))
            except OSError:
                h.update(b"absent")
        return h.hexdigest()

    def file_digest(self, relpath: object) -> bytes:
        """The SHA-256 of the content of file ``relpath`` (``UnsafePathError`` if refused),
        reused while the file's stat signature is the one it had when hashed.

        Only a file that passed the safety rules when hashed is remembered, and a reused
        digest reads nothing: the file itself is opened (and the rules applied again) by
        whoever reads it.
        """
        key = os.path.join(self.root, relpath) if isinstance(relpath, str) else None
        known = _digests.get(key) if key is not None else None
        if known is not None:
            try:
                if _signature(os.stat(key)) == known[0]:
                    return known[1]
            except OSError:
                pass  # gone or unreadable: the rules below say what it is
        path = self.path(relpath)
        with path.open("rb") as fh:
            st = os.fstat(fh.fileno())  # before reading: an edit during the read changes it
            settled = time.time_ns() - st.st_ctime_ns > RACY_NS
            digest = hashlib.file_digest(fh, "sha256").digest()
        if settled and key is not None:
            with _digests_lock:
                if len(_digests) >= _MAX_REMEMBERED:
                    _digests.clear()
                _digests[key] = (_signature(st), digest)
        return digest


def _signature(st: os.stat_result) -> tuple[int, ...]:
    """What a file's digest is remembered with: device, inode, size, modification and
    status-change times (ns); an edit, a replaced file or ``os.utime`` changes one."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@contextmanager
def open_files(path: str | Path) -> Iterator[PackageFiles]:
    """The files of a package directory, a descriptor file, or a release archive (unpacked
    into a temporary directory that is removed afterwards; its descriptor may sit at the
    top or in one top-level folder). ``PackageError`` when ``path`` is none of these."""
    p = Path(path)
    if p.is_dir():
        if not (p / DESCRIPTOR).is_file():
            raise PackageError(f"{p}: no {DESCRIPTOR} here; give a package directory or archive")
        yield PackageFiles(p)
        return
    if not p.is_file():
        raise PackageError(f"{p}: no such package directory, descriptor or release archive")
    if not (zipfile.is_zipfile(p) or tarfile.is_tarfile(p)):
        yield PackageFiles(p.parent, p.name)  # a descriptor file
        return
    with tempfile.TemporaryDirectory(prefix="bdigest-package-") as tmp:
        unpack(p, Path(tmp))
        found = [*Path(tmp).glob(DESCRIPTOR), *Path(tmp).glob(f"*/{DESCRIPTOR}")]
        if len(found) != 1:
            raise PackageError(f"{p}: expected one {DESCRIPTOR} in the archive, found {len(found)}")
        yield PackageFiles(found[0].parent)


def is_archive(path: str | Path) -> bool:
    p = Path(path)
    return p.is_file() and (zipfile.is_zipfile(p) or tarfile.is_tarfile(p))


def unpack(archive: Path, dest: Path) -> None:
    """Unpack a zip or tar archive into ``dest``, refusing members that would land outside
    it, links, and more than ``MAX_ARCHIVE_BYTES`` in all."""
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zf:
                members = zf.infolist()
                for m in members:
                    check_path(m.filename.rstrip("/") or ".", what="archive member")
                    if (m.external_attr >> 16) & 0o170000 == 0o120000:
                        raise PackageError(f"{archive}: member {m.filename!r} is a symlink")
                _limit(archive, sum(m.file_size for m in members))
                zf.extractall(dest)
        elif tarfile.is_tarfile(archive):
            with tarfile.open(archive) as tf:
                members = tf.getmembers()
                if bad := [m.name for m in members if m.issym() or m.islnk()]:
                    raise PackageError(f"{archive}: member {bad[0]!r} is a link")
                _limit(archive, sum(m.size for m in members))
                tf.extractall(dest, filter="data")
        else:
            raise PackageError(f"{archive}: not a package directory or a zip/tar archive")
    except UnsafePathError as exc:
        raise PackageError(f"{archive}: {exc}") from None
    except (zipfile.BadZipFile, tarfile.TarError, OSError) as exc:
        raise PackageError(f"{archive}: cannot unpack the archive ({exc})") from exc


def _limit(archive: Path, total: int) -> None:
    if total > MAX_ARCHIVE_BYTES:
        raise PackageError(f"{archive}: unpacks to {total} bytes, more than the limit of "
                           f"{MAX_ARCHIVE_BYTES}")
