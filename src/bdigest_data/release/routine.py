"""The release routine that ``scripts/release.py`` runs, step by step.

1. ``prepare``: refresh bytes and hashes, validate, diff against the previous release
   (``--previous`` path or archive, else the newest git tag ``v*``, else none), refuse a
   version bump smaller than the diff requires, then write the version and release date
   into ``datapackage.json``, ``CITATION.cff``, ``.zenodo.json`` and ``CHANGELOG.md``, and
   write ``croissant.json`` from the descriptor.
2. ``build``: the reproducible release zip, the sdist and wheel, and ``SHA256SUMS``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bdigest_data.metadata import roles
from bdigest_data.metadata.files import DESCRIPTOR
from bdigest_data.release.archive import (
    CHECKSUMS,
    build_archive,
    source_date_epoch,
    write_checksums,
)
from bdigest_data.release.changelog import update_changelog
from bdigest_data.release.diff import PackageDiff, diff_packages
from bdigest_data.release.metadata import write_citation_files
from bdigest_data.release.package import PackageDir, PackageError, open_package
from bdigest_data.release.stamp import replace_text, stamp, write_croissant, write_descriptor
from bdigest_data.release.versioning import bump_between, parse_version, shortfall

CHANGELOG = "CHANGELOG.md"
_PACKAGE_PARTS = (DESCRIPTOR, "data", "schemas", roles.SEED_FOLDER)


class ReleaseRefused(Exception):
    """The release cannot go ahead; the message says why and what to do."""


def latest_tag(root: Path) -> str | None:
    """The newest ``v*`` git tag of the checkout at ``root`` (None: no tag, or no git)."""
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "tag", "--list", "v*", "--sort=-v:refname"],
            capture_output=True, text=True, check=True,
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return None
    return out[0] if out else None


@contextmanager
def previous_release(root: Path, previous: str | Path | None) -> Iterator[Path | None]:
    """The previous release's package directory: ``previous``, else the newest tag, else None."""
    if previous is not None:
        with open_package(previous) as path:
            yield path
        return
    tag = latest_tag(root)
    if tag is None:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="bdigest-previous-") as tmp:
        tar = Path(tmp) / f"{tag}.tar"  # unpacked by the package reader, as any archive
        with tar.open("wb") as out:
            subprocess.run(["git", "-C", str(root), "archive", "--format=tar", tag,
                            *_PACKAGE_PARTS], stdout=out, stderr=subprocess.PIPE, check=True)
        with open_package(tar) as path:
            yield path


def check_bump(diff: PackageDiff, version: str) -> None:
    """Refuse ``version`` when it is not above the previous one or bumps less than required."""
    parse_version(version)
    if diff.old_version is None:
        return
    try:
        bump_between(diff.old_version, version)
    except ValueError as exc:
        raise ReleaseRefused(str(exc)) from exc
    if problem := shortfall(diff.old_version, version, diff.bump):
        reasons = "\n".join(f"  - [{c.bump}] {c}" for c in diff.reasons())
        raise ReleaseRefused(f"{problem}:\n{reasons}")


def _validate(root: Path) -> None:
    from bdigest_data import ValidationError, validate

    report = validate(root)
    if not report.valid:
        raise ReleaseRefused(f"the package is not valid: {ValidationError(report.findings)}")


def set_version(root: Path, version: str, date: str) -> None:
    """Write ``version`` and the release ``date`` (``created``) into the descriptor."""
    desc = PackageDir(root).descriptor
    desc["version"], desc["created"] = version, f"{date}T00:00:00Z"
    write_descriptor(root / DESCRIPTOR, desc)


def prepare(root: Path, version: str, date: str, previous: str | Path | None) -> PackageDiff:
    """Check and stamp the package at ``root`` as release ``version`` of ``date``."""
    try:
        parse_version(version)
    except ValueError as exc:
        raise ReleaseRefused(str(exc)) from exc
    stamp(root)
    _validate(root)
    with previous_release(root, previous) as old:
        diff = diff_packages(old, root)
    diff.new_version = version
    check_bump(diff, version)
    changelog = _changelog(root)  # read before anything is written
    set_version(root, version, date)
    write_citation_files(root)
    write_croissant(root)
    replace_text(root / CHANGELOG, update_changelog(changelog, version, date, diff))
    return diff


def _changelog(root: Path) -> str:
    """The text of ``CHANGELOG.md`` ("" when there is none), read through the package
    reader (``PackageError`` when it refuses it: a symlink out, not a regular file)."""
    if not os.path.lexists(root / CHANGELOG):
        return ""
    try:
        return PackageDir(root).files.read_text(CHANGELOG)
    except (OSError, UnicodeDecodeError) as exc:
        raise PackageError(f"{root / CHANGELOG}: {exc}") from None


def build_dists(root: Path, dist: Path, epoch: int, *, isolation: bool = True) -> list[Path]:
    """Build the sdist and wheel with ``python -m build`` (reproducible: SOURCE_DATE_EPOCH)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    with tempfile.TemporaryDirectory(prefix="bdigest-build-") as tmp:
        flags = [] if isolation else ["--no-isolation"]
        cmd = [sys.executable, "-m", "build", *flags, "--sdist", "--wheel", "--outdir", tmp]
        done = subprocess.run([*cmd, str(root)], env=env, capture_output=True, text=True)
        if done.returncode:
            raise ReleaseRefused(f"python -m build failed:\n{done.stdout}\n{done.stderr}")
        return [Path(shutil.move(f, dist / f.name)) for f in sorted(Path(tmp).iterdir())]


def build(root: Path, version: str, dist: Path, *, isolation: bool = True) -> list[Path]:
    """Build the release zip, sdist and wheel into ``dist`` and write ``SHA256SUMS``."""
    dist.mkdir(parents=True, exist_ok=True)
    epoch = source_date_epoch(root)
    name = f"bdigest-data-{version}"
    archive = build_archive(root, dist / f"{name}.zip", name, epoch)
    files = [archive, *build_dists(root, dist, epoch, isolation=isolation)]
    return [*files, write_checksums(files, dist / CHECKSUMS)]
