"""Temporary folders for output that is moved into place when complete, and never left behind.

Exports and the site write into a folder beside their target (``.bdigest-export-*``,
``.bdigest-site-*``) and move the result into place; the site's charts are drawn into one
in the system's temporary folder (``bdigest-charts-*``). ``staging`` removes its folder
when the block ends, whatever ends it. A process that is killed (``SIGKILL``, a power cut)
cannot clean up, so each folder holds a lock file (``.lock``) that its process keeps
locked (``fcntl.flock``) while it runs and, once locked, writes its process id into: the
next ``staging`` with the same prefix in the same place first removes every such folder
whose lock is free, because its writer is gone. A folder of a writer still running is
locked and kept; one whose lock file is missing or empty (a writer between creating the
folder and locking it, or an earlier version's folder) is removed only once it is older
than ``UNLOCKED_GRACE``. Where ``fcntl`` is missing (Windows) nothing is swept.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK = ".lock"
SEPARATORS = tuple(sep for sep in (os.sep, os.altsep) if sep)
# seconds after which a folder without a written lock file is taken to be abandoned
UNLOCKED_GRACE = 3600.0


class OutputExists(FileExistsError):
    """Output that is there already (``paths``) and is not overwritten without ``force``
    (the commands' ``--force``)."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        super().__init__(f"{', '.join(map(str, paths))} already exist(s); pass force=True "
                         "to overwrite")


def output_folder(given: str | Path, *, one_file: bool, what: str) -> Path:
    """The output path ``given`` (the commands' OUT) as a ``Path``, refused before anything
    is written: a ``ValueError`` when it names no file or folder of its own (``.``, ``..``,
    ``/``, ``out/.``, an empty text), or ends in ``/`` while ``what`` is ``one_file``
    (``Path`` would drop the slash and write a file where the user typed a folder); a
    ``FileNotFoundError`` naming its folder when that does not exist: a mistyped path is
    not made into new folders, however deep; only ``out`` itself is written (a file, or the
    folder of a Parquet export or a site)."""
    text, out = str(given), Path(given)
    last = text
    for sep in SEPARATORS:
        last = last.rsplit(sep, 1)[-1]
    if out.name in ("", ".", "..") or last in (".", ".."):  # Path reads out/. as out
        raise ValueError(f"{text or 'an empty OUT'} is no name of its own for the {what}; "
                         f"give the name of the {'file' if one_file else 'folder'} to write")
    if one_file and text.endswith(SEPARATORS):
        raise ValueError(f"{text} ends in {text[-1]}, which names a folder, but the {what} is "
                         f"one file: give a file name ({out.name} without the {text[-1]})")
    if not out.parent.is_dir():
        raise FileNotFoundError(f"the output folder {out.parent} does not exist (or is not "
                                "a folder); create it first")
    return out


@contextmanager
def staging(parent: Path, prefix: str) -> Iterator[Path]:
    """A new empty folder ``parent/<prefix>XXXX`` (``parent`` must exist), locked for this
    process while the block runs and removed after it; earlier ones left by writers that
    are gone are removed first (:func:`sweep`)."""
    sweep(parent, prefix)
    folder = Path(tempfile.mkdtemp(dir=parent, prefix=prefix))
    try:
        with (folder / LOCK).open("w") as lock:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            lock.write(f"{os.getpid()}\n")
            lock.flush()
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def sweep(parent: Path, prefix: str) -> list[Path]:
    """Remove the folders ``parent/<prefix>*`` whose writer is gone; returns them."""
    if fcntl is None:
        return []
    gone = []
    for folder in parent.glob(f"{prefix}*"):
        if folder.is_symlink() or not folder.is_dir():
            continue
        if _abandoned(folder):
            shutil.rmtree(folder, ignore_errors=True)
            gone.append(folder)
    return gone


def _abandoned(folder: Path) -> bool:
    """Whether no process holds ``folder``'s lock (without a written lock file: whether it
    is older than ``UNLOCKED_GRACE``)."""
    try:
        lock = (folder / LOCK).open("r")
    except FileNotFoundError:
        return _old(folder)
    except OSError:
        return False
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return False  # its writer is running
        return bool(lock.read()) or _old(folder)


def _old(folder: Path) -> bool:
    try:
        return time.time() - folder.stat().st_mtime > UNLOCKED_GRACE
    except OSError:
        return False
