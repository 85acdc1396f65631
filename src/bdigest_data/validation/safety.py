"""Safety: every file a descriptor names must be a plain file inside the package directory.

A descriptor (or a CSV cell naming a seed file) is untrusted input. A path is refused when it
is not a string, is a URL, is absolute, contains ``..``, or resolves (following symlinks)
outside the package directory; a file larger than ``MAX_FILE_BYTES`` is refused too, so a
hostile package cannot make the validator read without bound.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath, PureWindowsPath

from bdigest_data.findings import Finding

MAX_FILE_BYTES = 2 * 1024**3  # per file; the real files are a few kilobytes
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class UnsafePathError(OSError):
    """A path the validator refuses to open; ``code`` is the finding code to report."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def resolve(root: Path, relpath: object, *, what: str) -> Path:
    """The file ``relpath`` names inside ``root``; ``UnsafePathError`` if it is refused.

    ``what`` says in messages which kind of file it is ("resource path", "schema" …).
    """
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
    base = root.resolve()
    target = (base / relpath).resolve()
    if not target.is_relative_to(base):
        raise UnsafePathError("unsafe-path", f"{what} {relpath!r} resolves to {target}, outside "
                                             f"the package directory {base} (a symlink?)")
    if not target.is_file():
        raise UnsafePathError("file-error", f"{what} {relpath!r} is not a file in {base}")
    size = target.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnsafePathError("file-too-large", f"{what} {relpath!r} has {size} bytes, more "
                                                f"than the limit of {MAX_FILE_BYTES}")
    return target


def finding(exc: UnsafePathError, table: str | None, value: object) -> Finding:
    """The finding that reports a refused path."""
    return Finding(code=exc.code, message=str(exc), table=table, value=str(value))
