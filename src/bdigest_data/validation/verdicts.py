"""Verdicts that outlive the process: a clean validation report, cached on disk.

A new process (a notebook kernel, a script, a pre-commit hook) that loads or validates
files that passed before skips the checks. ``load`` and ``load_all`` use it, and so does
``bdigest-data validate`` unless given ``--no-cache``; ``bdigest_data.validate()`` always
checks.

Where: the folder ``BDIGEST_CACHE_DIR`` when it is set, else the user's cache folder
(``platformdirs.user_cache_dir("bdigest-data")``: ``~/.cache/bdigest-data`` on Linux, or
``$XDG_CACHE_HOME/bdigest-data``; ``~/Library/Caches/bdigest-data`` on macOS;
``%LOCALAPPDATA%\\bdigest-data\\Cache`` on Windows), in its ``verdicts/`` folder, one small
JSON file an entry. ``BDIGEST_NO_CACHE=1`` turns it off: nothing is read or written.

The key: the content (SHA-256, from the one reader ``metadata.files``) of every file the
checks read (``Checked``: the descriptor, the schemas, every resource's file, seeds
included, the version files and ``croissant.json``; listed from the descriptor as JSON, so
that a cached verdict of the command needs neither the model nor pydantic), the package's
location (findings name its files) and version, the library's version and the content of
its code (an edited checkout misses, like a new release), and the check selection (the
tables and the groups; not the limit of findings shown, which cannot make a clean report
of a faulty one). An entry is named by a digest of its key and holds the key itself,
compared in full when read: an entry that cannot be read, is not of this shape or holds
another key is ignored, never trusted, and the checks run. An entry is written to a
temporary file and moved into place, so a reader never sees half of one; a cache folder
that is missing, read-only or not a folder only means that nothing is remembered.

Only a clean report (no findings) is stored: a run with findings is followed by an edit
(a miss anyway), and a finding may have a cause that must not outlive the process (a file
that could not be read, an internal error). A release archive is unpacked anew for every
run, into another folder, so its verdict is not cached.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bdigest_data.findings import Report
from bdigest_data.metadata.discovery import CROISSANT_FILE
from bdigest_data.metadata.files import PackageFiles, open_regular, stamp_of, tree_digest
from bdigest_data.validation import GROUPS

if TYPE_CHECKING:
    from bdigest_data.metadata.profile import ParsedPackage

APP = "bdigest-data"
FORMAT = 1  # of an entry; an entry of another format is ignored
MAX_ENTRY_BYTES = 16 * 1024**2  # an entry is a few kilobytes; a larger file is ignored
# read by integrity's versions check when present, besides the descriptor's files
VERSION_FILES = ("CITATION.cff", "pyproject.toml")


def folder() -> Path | None:
    """The folder of the entries; ``None`` when the cache is off (``BDIGEST_NO_CACHE``)."""
    if os.environ.get("BDIGEST_NO_CACHE", "").strip() not in ("", "0"):
        return None
    chosen = os.environ.get("BDIGEST_CACHE_DIR")
    if chosen:
        return Path(chosen) / "verdicts"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP, appauthor=False)) / "verdicts"


@dataclass(frozen=True)
class Checked:
    """What the checks of a package read: the files (descriptor, schema files, each
    resource's file, the seeds included, the version files and ``croissant.json``, in that
    order), the digest of their content (``PackageFiles.digest``: hashed once while a file
    keeps its stat signature) and the version the descriptor declares."""

    listed: tuple[str, ...]
    content: str
    version: str | None

    @classmethod
    def of(cls, files: PackageFiles, parsed: ParsedPackage | None = None) -> Checked:
        """From the model ``parsed`` when the caller has it (nothing more is read), else
        from the descriptor as JSON (no model: a cached verdict needs no pydantic). The
        two agree on a package whose model has no faults, the only one stored."""
        if parsed is not None:
            raw = parsed.package.raw if parsed.package is not None else None
            paths = [r.path for r in parsed.package.resources] if parsed.package else []
            listed = [*parsed.files, *(p for p in paths if isinstance(p, str))]
        else:
            try:
                raw = files.read_json(files.descriptor, what="descriptor")
            except (OSError, ValueError):  # refused, not UTF-8, not JSON: the run says so
                raw = None
            resources = raw.get("resources") if isinstance(raw, dict) else None
            resources = [r for r in resources if isinstance(r, dict)] \
                if isinstance(resources, list) else []
            listed = [files.descriptor, *(s for r in resources
                                          if isinstance(s := r.get("schema"), str)),
                      *(p for r in resources if isinstance(p := r.get("path"), str))]
        listed += [*VERSION_FILES, CROISSANT_FILE]
        version = raw.get("version") if isinstance(raw, dict) else None
        return cls(tuple(listed), files.digest(listed),
                   None if version is None else str(version))


@functools.cache
def library() -> dict[str, str]:
    """This library's version (its distribution's) and the digest of its code
    (``code_digest``), once a process."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version(APP)
    except PackageNotFoundError:  # the source on the path, not installed: the code says it
        release = "not installed"
    return {"version": release, "code": code_digest(Path(__file__).resolve().parents[1])}


def code_digest(root: Path) -> str:
    """A digest of the content of every ``.py`` file under ``root`` (the installed
    ``bdigest_data``), so that a changed check in a checkout misses like a new release
    (4 ms for the library: read directly, since these are not a package's files)."""
    return tree_digest(root, ".py")


@dataclass(frozen=True)
class Entry:
    """The cache entry of one validation run of the package ``files``: ``key`` says what
    it is the verdict of."""

    files: PackageFiles
    key: dict[str, Any]

    @classmethod
    def of(cls, files: PackageFiles, checked: Checked, *,
           tables: Iterable[str] | None = None, checks: Iterable[str] | None = None
           ) -> Entry:
        """The entry of validating ``files`` as ``checked`` says they are, with the
        selection ``tables`` and ``checks`` (``None``: all)."""
        return cls(files, {
            "format": FORMAT,
            "package": {"root": str(files.root), "descriptor": files.descriptor,
                        "version": checked.version, "content": checked.content},
            "library": library(),
            "selection": {"tables": None if tables is None else sorted(set(tables)),
                          "checks": sorted(set(GROUPS if checks is None else checks))},
        })

    @property
    def path(self) -> Path | None:
        """Where the entry is (``None``: the cache is off)."""
        where = folder()
        if where is None:
            return None
        name = stamp_of(json.dumps(self.key, sort_keys=True).encode("utf-8"))[1]
        return where / f"{name.split(':', 1)[1]}.json"

    def lookup(self) -> Report | None:
        """The clean report stored under this key, or ``None`` (the cache is off, the entry
        is absent, cannot be read, is of another shape or holds another key)."""
        started = time.perf_counter()
        path = self.path
        if path is None:
            return None
        try:
            fh, _ = open_regular(path, follow=False)
            with fh:
                data = fh.read(MAX_ENTRY_BYTES + 1)
            stored = json.loads(data) if len(data) <= MAX_ENTRY_BYTES else None
        except (OSError, ValueError):  # UnsafePathError, UnicodeDecodeError, JSONDecodeError
            return None
        if not isinstance(stored, dict) or stored.get("key") != self.key \
                or stored.get("findings") != [] or not isinstance(stored.get("stats"), dict):
            return None
        stats = stored["stats"]
        stats["descriptor"] = str(self.files.named)
        stats["seconds"] = round(time.perf_counter() - started, 3)
        stats["cached"] = True
        return Report(stats=stats)

    def store(self, report: Report) -> None:
        """Remember ``report`` if it is clean; a cache folder that cannot be written to is
        left as it is."""
        path = self.path
        if path is None or report.findings:
            return
        stats = {k: v for k, v in report.stats.items() if k not in ("seconds", "cached")}
        with contextlib.suppress(OSError, TypeError, ValueError):
            text = json.dumps({"key": self.key, "findings": [], "stats": stats})
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".entry-", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(text)
                os.replace(tmp, path)  # whole or not at all, for a reader meanwhile
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise


def remembered(run: Callable[..., Report], files: PackageFiles, *,
               tables: Iterable[str] | None = None, checks: Iterable[str] | None = None,
               known: Checked | None = None) -> Report:
    """``run(files, tables=tables, checks=checks)`` (a ``validate``) through the cache: the
    clean report stored for this key when there is one, else ``run``'s report, stored
    when clean and the files were not changed meanwhile. ``known`` is ``Checked.of`` the
    files when the caller has it."""
    checked = known or Checked.of(files)
    entry = Entry.of(files, checked, tables=tables, checks=checks)
    report = entry.lookup()
    if report is None:
        report = run(files, tables=tables, checks=checks)
        if files.digest(checked.listed) == checked.content:  # what ran is what the key says
            entry.store(report)
    return report
