"""The one reader of a package's files, with the safety rules in one place.

A descriptor (and a CSV cell naming a seed file) is untrusted input. Every file of a
package is opened through ``PackageFiles``, which refuses a path that is not a string, is
a URL, is absolute, contains ``..``, or resolves (following symlinks) outside the package
directory, a file that is not a regular file (a FIFO or a device would block or never
end: the type is checked before opening, and the file is opened non-blocking and checked
again), and a file larger than ``MAX_FILE_BYTES``. These rules hold whatever the caller
checks afterwards: ``load(validate=False)`` skips checks, never these rules. The release
tooling (``stamp``, ``diff``, the release routine) reads through the same reader.

``open_files(path)`` serves a package directory, a descriptor file, or a release archive
(``.zip`` or tar, by name or by content): an archive is unpacked into a temporary
directory and read from there like a directory. ``unpack`` does not use
``tarfile``'s extraction filters (Python 3.11.0-3.11.3 have none): it lists every member
first and refuses the archive, naming the member, when one is absolute or under ``..``,
occurs twice, is a link (symbolic or hard) or anything but a regular file or a directory,
is encrypted or uses a compression method that cannot be read; then it reads the
descriptor and refuses an archive whose members declare more than the resources' ``bytes``
plus ``ARCHIVE_MARGIN`` (the descriptor, schemas and documents), never more than
``MAX_ARCHIVE_BYTES``; then it writes the members one by one, regular files and
directories only, with fixed modes, counting the bytes as they come (headers can lie).
An archive that cannot be read (corrupt data, a bad CRC, truncated, not an archive at
all) is a ``PackageError`` naming the archive and the member, never a traceback. The
reader only serves bytes and JSON; it does not interpret schemas, so the release diff
reads an old archive whatever its schema says.

SHA-256 is computed here and nowhere else (``stamp_of``, ``hash_file``,
``PackageFiles.stamp``). ``PackageFiles.digest`` is what caches (the parsed model, the
loader's verdict) are keyed by: the SHA-256 of each file's content. A file's digest is
remembered, for the process, with its stat signature (device, inode, size, and
modification and status-change times in nanoseconds) and reused while the signature is
unchanged, so a warm call hashes nothing. An edit that preserves size and modification
time (``cp -p``, ``rsync -t``, ``tar``, ``os.utime``) still changes the status-change time
(``st_ctime``), which no user call can set back; a file whose status changed within
``RACY_NS`` of being hashed is hashed again on every call (a second edit within the
clock's tick could keep every field of the signature, as git's "racy" index entries).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import stat
import tarfile
import tempfile
import threading
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import IO, TYPE_CHECKING, Any

from bdigest_data.catalogue import FILE_ERROR, FILE_TOO_LARGE, UNSAFE_PATH
from bdigest_data.findings import PackageError

if TYPE_CHECKING:
    from _csv import _reader as _csv_reader

try:
    from lzma import LZMAError
except ImportError:  # a Python built without lzma: zipfile and tarfile refuse such members
    LZMAError = zlib.error  # type: ignore[misc,assignment]

DESCRIPTOR = "datapackage.json"
HASH = "sha256"  # the algorithm of every hash the package declares
MAX_FILE_BYTES = 2 * 1024**3  # per file; the real files are a few kilobytes
MAX_ARCHIVE_BYTES = 8 * 1024**3  # unpacked, per archive, whatever the descriptor declares
ARCHIVE_MARGIN = 16 * 1024**2  # unpacked beyond the resources' bytes: descriptor, schemas, docs
MAX_MEMBERS = 10_000  # members of an archive; the real release has about 40
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_CHUNK = 1024**2
# a file whose status changed this recently when hashed is not trusted by its stat signature
RACY_NS = 2 * 10**9
_MAX_REMEMBERED = 4096
# package root joined with a relative path -> (stat signature, SHA-256 of the content)
_digests: dict[str, tuple[tuple[int, ...], bytes]] = {}
_digests_lock = threading.Lock()
_ZIP_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate",
                zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "lzma"}
_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
_COMPRESSED = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")  # gzip, bzip2, xz: a compressed tar
# what reading a damaged archive raises: zipfile, tarfile and the decompressors
_UNREADABLE = (OSError, EOFError, zlib.error, LZMAError, zipfile.BadZipFile,
               tarfile.TarError, NotImplementedError, RuntimeError, ValueError)


class UnsafePathError(OSError):
    """A path the reader refuses to open; ``code`` is the finding code to report
    (``unsafe-path``, ``file-error``, ``file-too-large``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def unreadable(exc: BaseException) -> str:
    """Why a file could not be read or parsed, in a user's words rather than Python's: the
    JSON error with its line and column, the first byte that is not UTF-8, the system's
    reason for an ``OSError`` as ``cat`` says it (``FILE: Permission denied``, no ``[Errno
    N]``); the reader's own refusals (``UnsafePathError``) and anything else as written."""
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    if isinstance(exc, UnicodeDecodeError):
        byte = exc.object[exc.start:exc.start + 1]
        shown = f"byte 0x{byte.hex()} " if isinstance(byte, bytes) and byte else ""
        return f"not UTF-8 text ({shown}at byte offset {exc.start})"
    if isinstance(exc, OSError) and not isinstance(exc, UnsafePathError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return str(exc)


def _long_cells() -> None:
    """Let Python's ``csv`` module read a cell as long as a file may be: its default limit
    (131,072 characters) would end the read of a valid file with ``_csv.Error`` (the limit
    is the module's, for the process; raising it changes nothing else)."""
    csv.field_size_limit(min(MAX_FILE_BYTES, 2**31 - 1))


def records(text: IO[str]) -> _csv_reader:
    """The records of CSV text (a file opened with ``newline=""``, or a ``StringIO``),
    the header first; a blank line is a record of no cells, and ``.line_num`` is the line
    the last record ended on. Every reader of CSV text reads through here or
    ``dict_records`` (``engine.stream`` reads a table with Arrow); ``csv.Error`` or
    ``UnicodeDecodeError`` when the text is not UTF-8 CSV."""
    _long_cells()
    return csv.reader(text)


def dict_records(text: IO[str]) -> csv.DictReader[str]:
    """The data rows of CSV text as dicts keyed by its header, blank lines skipped (see
    ``records``)."""
    _long_cells()
    return csv.DictReader(text)


def check_path(relpath: object, *, what: str) -> str:
    """``relpath`` when it is a relative path that stays in the package (before symlinks
    are looked at); ``UnsafePathError`` otherwise."""
    if not isinstance(relpath, str) or not relpath:
        raise UnsafePathError(UNSAFE_PATH, f"{what} {relpath!r} is not a relative path")
    if _URL.match(relpath):
        raise UnsafePathError(UNSAFE_PATH, f"{what} {relpath!r} is a URL; only files inside "
                                             "the package directory are read")
    posix, windows = PurePosixPath(relpath), PureWindowsPath(relpath)
    if posix.is_absolute() or windows.is_absolute() or windows.drive:
        raise UnsafePathError(UNSAFE_PATH, f"{what} {relpath!r} is absolute; it must be "
                                             "relative to the package directory")
    if ".." in posix.parts or ".." in windows.parts:
        raise UnsafePathError(UNSAFE_PATH, f"{what} {relpath!r} contains '..'; it must stay "
                                             "inside the package directory")
    return relpath


def _kind(mode: int) -> str:
    """What a file of ``mode`` is, for messages."""
    kinds = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link"))
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def _regular(st: os.stat_result, label: str) -> None:
    """Refuse ``st`` unless it is a regular file within ``MAX_FILE_BYTES``."""
    if not stat.S_ISREG(st.st_mode):
        raise UnsafePathError(FILE_ERROR, f"{label} is {_kind(st.st_mode)}, not a regular "
                                            "file")
    if st.st_size > MAX_FILE_BYTES:
        raise UnsafePathError(FILE_TOO_LARGE, f"{label} has {st.st_size} bytes, more than "
                                                f"the limit of {MAX_FILE_BYTES}")


def open_regular(path: Path, *, label: str | None = None, follow: bool = True
                 ) -> tuple[IO[bytes], os.stat_result]:
    """Open the regular file ``path`` for reading, with its ``fstat``; ``UnsafePathError``
    when it is not one (a FIFO, a device, a directory: checked before opening, so nothing
    blocks, and again on the open file, which is opened non-blocking) or is too large.
    ``follow=False`` refuses a symlink in the last component (a path already resolved)."""
    label = label or str(path)
    _regular(os.stat(path), label)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        _regular(st, label)  # replaced between the check and the open
        return os.fdopen(fd, "rb"), st
    except BaseException:
        os.close(fd)
        raise


def stamp_of(data: bytes) -> tuple[int, str]:
    """``bytes`` and ``hash`` (``sha256:<hex>``) as a descriptor declares them for ``data``."""
    return len(data), f"{HASH}:{hashlib.sha256(data).hexdigest()}"


def hash_algorithm_known(name: str) -> bool:
    """Whether files can be hashed with algorithm ``name`` (``md5``, ``sha256`` …)."""
    return name in hashlib.algorithms_available


def hash_file(path: Path, algorithm: str = HASH) -> tuple[int, str]:
    """The size and hex digest of the regular file ``path`` (``open_regular``'s rules; for
    a package file that ``PackageFiles.path`` resolved, or a file the tooling wrote)."""
    fh, st = open_regular(path)
    with fh:
        return st.st_size, hashlib.file_digest(fh, algorithm).hexdigest()


def tree_digest(root: Path, suffix: str) -> str:
    """A digest of the names and content of every ``*suffix`` file under ``root`` outside
    ``__pycache__``: for the library's own modules (``verdicts.code_digest``), which are
    not a package's files, so they are read directly, not with a package's rules."""
    h = hashlib.sha256()
    for path in sorted(root.rglob(f"*{suffix}")):
        if "__pycache__" in path.parts:
            continue
        data = path.read_bytes()
        h.update(f"{path.relative_to(root).as_posix()}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


class PackageFiles:
    """The files of the package whose descriptor is ``root / descriptor``."""

    def __init__(self, root: Path, descriptor: str = DESCRIPTOR) -> None:
        self.named = root / descriptor  # the descriptor as the caller named it, for messages
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
            raise UnsafePathError(UNSAFE_PATH, f"{what} {rel!r} resolves to {target}, "
                                                 f"outside the package directory {self.root} "
                                                 "(a symlink?)")
        try:
            st = target.stat()
        except OSError:
            raise UnsafePathError(FILE_ERROR, f"{what} {rel!r} is not a file in "
                                                f"{self.root}") from None
        _regular(st, f"{what} {rel!r}")
        return target

    def open(self, relpath: object, *, what: str = "file") -> IO[bytes]:
        """The file ``relpath`` opened for reading in binary mode, by every rule above."""
        return self._open(relpath, what)[0]

    def _open(self, relpath: object, what: str) -> tuple[IO[bytes], os.stat_result]:
        target = self.path(relpath, what=what)
        return open_regular(target, label=f"{what} {relpath!r}", follow=False)

    def read_bytes(self, relpath: object, *, what: str = "file") -> bytes:
        with self.open(relpath, what=what) as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:  # grew while read
            raise UnsafePathError(FILE_TOO_LARGE, f"{what} {relpath!r} has more than "
                                                    f"{MAX_FILE_BYTES} bytes")
        return data

    def read_text(self, relpath: object, *, what: str = "file") -> str:
        """The file decoded as UTF-8 (``UnicodeDecodeError`` when it is not)."""
        return self.read_bytes(relpath, what=what).decode("utf-8")

    def read_json(self, relpath: object, *, what: str = "file") -> Any:
        """The parsed JSON file (``UnicodeDecodeError``, ``json.JSONDecodeError``)."""
        return json.loads(self.read_text(relpath, what=what))

    def stamp(self, relpath: object, *, what: str = "file") -> tuple[int, str]:
        """``bytes`` and ``hash`` (``sha256:<hex>``) of file ``relpath`` as a descriptor
        declares them (``UnsafePathError`` if refused; a remembered digest is reused as
        ``file_digest`` says)."""
        size, digest = self._hashed(relpath, what)
        return size, f"{HASH}:{digest.hex()}"

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
        return self._hashed(relpath, "file")[1]

    def _hashed(self, relpath: object, what: str) -> tuple[int, bytes]:
        """Size and SHA-256 of file ``relpath``, remembered as ``file_digest`` says."""
        key = os.path.join(self.root, relpath) if isinstance(relpath, str) else None
        known = _digests.get(key) if key is not None else None
        if known is not None:
            try:
                if _signature(os.stat(key)) == known[0]:
                    return known[0][2], known[1]
            except OSError:
                pass  # gone or unreadable: the rules below say what it is
        fh, st = self._open(relpath, what)  # fstat before reading: an edit changes it
        with fh:
            settled = time.time_ns() - st.st_ctime_ns > RACY_NS
            digest = hashlib.file_digest(fh, HASH).digest()
        if settled and key is not None:
            with _digests_lock:
                if len(_digests) >= _MAX_REMEMBERED:
                    _digests.clear()
                _digests[key] = (_signature(st), digest)
        return st.st_size, digest


def _signature(st: os.stat_result) -> tuple[int, ...]:
    """What a file's digest is remembered with: device, inode, size, modification and
    status-change times (ns); an edit, a replaced file or ``os.utime`` changes one."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@contextmanager
def open_files(path: str | Path) -> Iterator[PackageFiles]:
    """The files of a package directory, a descriptor file, or a release archive (unpacked
    into a temporary directory that is removed afterwards; its descriptor may sit at the
    top or in one top-level folder). ``PackageError`` when ``path`` is none of these or
    the archive cannot be unpacked (see ``unpack``)."""
    p = Path(path)
    if p.is_dir():
        if not (p / DESCRIPTOR).is_file():
            raise PackageError(f"{p}: no {DESCRIPTOR} here; give a package directory or archive")
        yield PackageFiles(p)
        return
    if not is_archive(p):
        if not p.is_file():
            raise PackageError(f"{p}: no such package directory, descriptor or release "
                               "archive (or not a regular file)")
        yield PackageFiles(p.parent, p.name)  # a descriptor file
        return
    with tempfile.TemporaryDirectory(prefix="bdigest-package-") as tmp:
        yield PackageFiles(unpack(p, Path(tmp)))


def archive_kind(path: str | Path) -> str | None:
    """``"zip"`` or ``"tar"`` when ``path`` is a regular file that is a release archive by
    its name (``.zip``, ``.tar``, ``.tar.gz`` …) or its first bytes; ``None`` otherwise (a
    directory, a descriptor, nothing there)."""
    p = Path(path)
    name = p.name.lower()
    if p.is_dir():
        return None
    if name.endswith(".zip"):
        return "zip"
    if name.endswith(_TAR_SUFFIXES):
        return "tar"
    try:
        fh, _ = open_regular(p)
    except OSError:
        return None
    with fh:
        head = fh.read(512)
        if head.startswith(b"PK") or zipfile.is_zipfile(fh):
            return "zip"
    return "tar" if head.startswith(_COMPRESSED) or head[257:262] == b"ustar" else None


def writable_root(path: str | Path) -> Path | None:
    """The folder of the package a writing command (``stamp``, ``add-article``) rewrites:
    ``path`` itself when it is a folder, its parent when it is a ``datapackage.json``;
    ``None`` for anything else (a release archive or another file: a package is written
    only where it lies unpacked). What the folder holds is read, as always, through
    ``PackageFiles``."""
    p = Path(path)
    if p.is_dir():
        return p
    return p.parent if p.name == DESCRIPTOR else None


def find_descriptor(start: Path) -> Path | None:
    """The ``datapackage.json`` in ``start`` or in its nearest parent folder that holds one
    (as git finds its repository), else ``None``. Only its existence is looked at: what it
    names is read, as always, through ``PackageFiles`` and its rules."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / DESCRIPTOR).is_file():
            return folder / DESCRIPTOR
    return None


def is_archive(path: str | Path) -> bool:
    """Whether ``path`` is a release archive (``archive_kind``)."""
    return archive_kind(path) is not None


@dataclass(frozen=True)
class _Member:
    """One member of an archive, as the unpacker judges it."""

    name: str  # as the archive writes it
    parts: tuple[str, ...]  # the checked relative path
    kind: str  # "file", "directory", or what else it is ("a symbolic link" …)
    size: int  # declared by its header
    problem: str | None  # why it cannot be read (encrypted, compression method)
    info: Any  # the ZipInfo or TarInfo


class _Archive:
    """A zip or tar archive read member by member (``members``, ``open``)."""

    def __init__(self, fh: IO[bytes], kind: str) -> None:
        self.zip = zipfile.ZipFile(fh) if kind == "zip" else None
        self.tar = tarfile.open(fileobj=fh, mode="r:*") if kind == "tar" else None  # noqa: SIM115

    def close(self) -> None:
        for opened in (self.zip, self.tar):
            if opened is not None:
                opened.close()

    def infos(self) -> Iterator[tuple[str, str, int, str | None, Any]]:
        """Name, kind, declared size, problem and info of each member."""
        if self.zip is not None:
            for info in self.zip.infolist():
                yield info.filename, _zip_kind(info), info.file_size, _zip_problem(info), info
            return
        assert self.tar is not None
        while (info := self.tar.next()) is not None:
            yield info.name, _tar_kind(info), info.size, None, info

    def open(self, member: _Member) -> IO[bytes]:
        if self.zip is not None:
            return self.zip.open(member.info)
        assert self.tar is not None
        stream = self.tar.extractfile(member.info)
        assert stream is not None  # a regular member
        return stream


def _zip_kind(info: zipfile.ZipInfo) -> str:
    mode = info.external_attr >> 16
    if info.is_dir() or stat.S_ISDIR(mode):
        return "directory"
    return "file" if stat.S_IFMT(mode) in (0, stat.S_IFREG) else _kind(mode)


def _zip_problem(info: zipfile.ZipInfo) -> str | None:
    if info.flag_bits & 0x1:
        return "is encrypted"
    if info.compress_type not in _ZIP_METHODS:
        return (f"uses compression method {info.compress_type}, which cannot be read (only "
                f"{', '.join(_ZIP_METHODS.values())})")
    return None


def _tar_kind(info: tarfile.TarInfo) -> str:
    kinds = ((info.isreg, "file"), (info.isdir, "directory"), (info.issym, "a symbolic link"),
             (info.islnk, "a hard link"), (info.ischr, "a character device"),
             (info.isblk, "a block device"), (info.isfifo, "a FIFO"))
    return next((name for test, name in kinds if test()), "a special member")


def unpack(archive: Path, dest: Path) -> Path:
    """Unpack the zip or tar ``archive`` into the empty directory ``dest`` (see the module
    docstring for what is refused) and return the directory holding its one descriptor;
    ``PackageError`` naming the archive (and the member) when it is refused or cannot be
    read."""
    kind = archive_kind(archive)
    if kind is None:
        raise PackageError(f"{archive}: not a zip or tar archive")
    try:
        fh, _ = open_regular(archive)
        with fh:
            try:
                opened = _Archive(fh, kind)
            except _UNREADABLE as exc:
                raise PackageError(f"{archive}: not a readable {kind} archive ({exc})") from None
            try:
                return _unpack(archive, opened, dest)
            finally:
                opened.close()
    except PackageError:
        raise
    except UnsafePathError as exc:
        raise PackageError(f"{archive}: {exc}") from None
    except _UNREADABLE as exc:
        raise PackageError(f"{archive}: cannot unpack the archive ({exc})") from None


def _unpack(archive: Path, opened: _Archive, dest: Path) -> Path:
    members = _members(archive, opened)
    descriptors = [m for m in members if m.kind == "file" and m.parts[-1] == DESCRIPTOR
                   and len(m.parts) <= 2]
    if len(descriptors) != 1:
        raise PackageError(f"{archive}: expected one {DESCRIPTOR} at the top of the archive "
                           f"or in one top-level folder, found {len(descriptors)}")
    limit = _limit(archive, opened, descriptors[0])
    declared = sum(m.size for m in members)
    if declared > limit:
        raise PackageError(f"{archive}: its members declare {declared} bytes unpacked, more "
                           f"than {limit} ({_LIMIT_RULE})")
    written = 0
    for member in members:
        target = dest.joinpath(*member.parts)
        if member.kind == "directory":
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        written = _write(archive, opened, member, target, written, limit)
    return dest.joinpath(*descriptors[0].parts[:-1])


_LIMIT_RULE = (f"the limit is the resources' bytes in its {DESCRIPTOR} plus {ARCHIVE_MARGIN} "
               f"for the descriptor, schemas and documents, and at most {MAX_ARCHIVE_BYTES}")


def _members(archive: Path, opened: _Archive) -> list[_Member]:
    """Every member, checked: a refused one is a ``PackageError`` naming it."""
    members: list[_Member] = []
    seen: dict[tuple[str, ...], str] = {}
    for name, kind, size, problem, info in opened.infos():
        if len(members) >= MAX_MEMBERS:
            raise PackageError(f"{archive}: more than {MAX_MEMBERS} members")
        where = f"{archive}: member {name!r}"
        try:
            rel = check_path(name.rstrip("/") or ".", what="archive member")
        except UnsafePathError as exc:
            raise PackageError(f"{archive}: {exc}") from None
        parts = tuple(p for p in PurePosixPath(rel.replace("\\", "/")).parts if p != ".")
        if kind not in ("file", "directory"):
            raise PackageError(f"{where} is {kind}; an archive may hold only regular files "
                               "and directories")
        if problem is not None:
            raise PackageError(f"{where} {problem}")
        if size > MAX_FILE_BYTES:
            raise PackageError(f"{where} declares {size} bytes, more than the limit of "
                               f"{MAX_FILE_BYTES}")
        if parts in seen and "file" in (kind, seen[parts]):
            raise PackageError(f"{where} occurs twice; each member must have one name")
        if parts:
            seen[parts] = kind
            members.append(_Member(name, parts, kind, size, problem, info))
    return members


def _limit(archive: Path, opened: _Archive, descriptor: _Member) -> int:
    """How many bytes the archive may unpack to: the resources' ``bytes`` as its
    descriptor declares them, plus ``ARCHIVE_MARGIN`` (a descriptor that cannot be read
    declares nothing: the validator reports it once unpacked)."""
    if descriptor.size > ARCHIVE_MARGIN:
        raise PackageError(f"{archive}: member {descriptor.name!r} declares {descriptor.size} "
                           f"bytes, more than {ARCHIVE_MARGIN} for a descriptor")
    try:
        with opened.open(descriptor) as fh:
            desc = json.loads(fh.read(ARCHIVE_MARGIN + 1))
    except (UnicodeDecodeError, json.JSONDecodeError):
        desc = None
    except _UNREADABLE as exc:
        raise PackageError(f"{archive}: member {descriptor.name!r} cannot be read ({exc})"
                           ) from None
    resources = desc.get("resources") if isinstance(desc, dict) else None
    declared = sum(r["bytes"] for r in resources if isinstance(r, dict)
                   and type(r.get("bytes")) is int and r["bytes"] > 0) \
        if isinstance(resources, list) else 0
    return min(MAX_ARCHIVE_BYTES, declared + ARCHIVE_MARGIN)


def _write(archive: Path, opened: _Archive, member: _Member, target: Path, written: int,
           limit: int) -> int:
    """Copy one regular member to ``target`` (a new file, mode 0644 less the umask),
    counting bytes against its header and ``limit``; the bytes written so far."""
    where = f"{archive}: member {member.name!r}"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                 0o644)
    with os.fdopen(fd, "wb") as out:
        try:
            with opened.open(member) as src:
                left = member.size
                while chunk := src.read(_CHUNK):
                    left -= len(chunk)
                    written += len(chunk)
                    if left < 0:
                        raise PackageError(f"{where} holds more bytes than its header "
                                           f"declares ({member.size})")
                    if written > limit:
                        raise PackageError(f"{archive}: unpacks to more than {limit} bytes "
                                           f"({_LIMIT_RULE})")
                    out.write(chunk)
        except PackageError:
            raise
        except _UNREADABLE as exc:
            raise PackageError(f"{where} cannot be read ({exc})") from None
    return written
