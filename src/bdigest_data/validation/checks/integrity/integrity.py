"""Integrity: each file's size and hash against the descriptor, one version everywhere.

- ``bytes`` and ``hash`` (``sha256:<hex>``; a bare hex digest is md5, as in Data Package v1)
  of every resource are recomputed from the file (``byte-count``, ``hash-count``); in this
  package every resource must declare both (``unstamped-resource``), so no file escapes;
- the ``version`` of ``datapackage.json`` must equal CITATION.cff's and the project's in
  ``pyproject.toml``, where those files are present (``version-mismatch``): a static
  ``[project] version``, or the ``[tool.hatch.version]`` source, which must read the
  version from this ``datapackage.json``;
- ``croissant.json``, where present beside the descriptor, must be what the descriptor
  gives (``metadata.discovery.croissant``; ``stale-croissant``), so the discovery metadata
  never describes another version, file or field than the package's.
"""

from __future__ import annotations

import json
import os
import re
import tomllib

from bdigest_data.catalogue import (
    BYTE_COUNT,
    HASH_COUNT,
    STALE_CROISSANT,
    UNSTAMPED_RESOURCE,
    VERSION_MISMATCH,
)
from bdigest_data.findings import Finding
from bdigest_data.metadata.classes import Resource
from bdigest_data.metadata.discovery import CROISSANT_FILE, croissant
from bdigest_data.metadata.files import HASH, PackageFiles, hash_algorithm_known, hash_file
from bdigest_data.validation.context import PackageData
from bdigest_data.validation.registry import register

_CFF_VERSION = re.compile(r"^version:\s*['\"]?([^'\"\s#]+)", re.MULTILINE)
RESTAMP = ("the file changed after datapackage.json was stamped; if the change is intended, "
           "re-stamp it: bdigest-data stamp")
_HATCH_DEFAULT = r"""(?i)^(__version__|VERSION) *= *(['"])v?(?P<version>.+?)\2"""


@register("integrity", UNSTAMPED_RESOURCE, BYTE_COUNT, HASH_COUNT, scope="file")
def check_file(name: str, files: PackageFiles, resource: Resource) -> list[Finding]:
    """``unstamped-resource``, ``byte-count`` and ``hash-count`` findings for one resource's
    file. Its SHA-256 is the reader's (``PackageFiles.stamp``): the digest the caches are
    keyed by, computed once a process while the file's stat signature holds."""
    out: list[Finding] = []
    expected_bytes, expected = resource.bytes, resource.hash
    absent = [k for k, v in (("bytes", expected_bytes), ("hash", expected)) if v is None]
    if absent:
        out.append(Finding(code=UNSTAMPED_RESOURCE, table=name, value=resource.path,
                           message=f"the resource declares no {' and no '.join(absent)}, so "
                                   "its file is not checked; stamp it (bdigest-data stamp)"))
    algorithm, _, digest = str(expected or "").rpartition(":")
    algorithm = algorithm or "md5"
    known = hash_algorithm_known(algorithm)
    what = f'resource "{name}": path'
    if known and algorithm != HASH:  # an md5 or other digest the descriptor chose
        size, actual = hash_file(files.path(resource.path, what=what), algorithm)
    else:
        size, stamped = files.stamp(resource.path, what=what)
        actual = stamped.removeprefix(f"{HASH}:")
    if expected_bytes is not None and expected_bytes != size:
        out.append(Finding(code=BYTE_COUNT, table=name, value=str(size),
                           message=f"the file has {size} bytes, datapackage.json says "
                                   f"{expected_bytes}: {RESTAMP}"))
    if expected is not None and not known:
        out.append(Finding(code=HASH_COUNT, table=name, value=str(expected),
                           message=f'hash algorithm "{algorithm}" is not known'))
    elif expected is not None and actual != digest.lower():
        out.append(Finding(code=HASH_COUNT, table=name, value=f"{algorithm}:{actual}",
                           message=f"the file's {algorithm} is {actual}, datapackage.json "
                                   f"says {digest}: {RESTAMP}"))
    return out


@register("integrity", VERSION_MISMATCH)
def check_versions(pkg: PackageData) -> list[Finding]:
    """``version-mismatch`` findings between datapackage.json, CITATION.cff, pyproject.toml
    (run by the runner for a whole package, not for some tables)."""
    files, version = pkg.files, pkg.model.version
    if not version:
        return [Finding(code=VERSION_MISMATCH, value=repr(version),
                        message="datapackage.json has no version")]
    out: list[Finding] = []
    cff = _text(files, "CITATION.cff")
    if cff is not None:
        m = _CFF_VERSION.search(cff)
        found = m.group(1) if m else None
        if found != version:
            out.append(_mismatch("CITATION.cff", found, version))
    pyproject = _text(files, "pyproject.toml")
    if pyproject is not None:
        out += _pyproject(pyproject, version, files)
    return out


def _text(files: PackageFiles, name: str) -> str | None:
    """A top-level file's text (bad bytes replaced), ``None`` when it is absent or refused."""
    try:
        return files.read_bytes(name).decode("utf-8", errors="replace")
    except OSError:
        return None


def _mismatch(where: str, found: str | None, version: str) -> Finding:
    return Finding(code=VERSION_MISMATCH, value=str(found),
                   message=f"{where} has version {found!r}, datapackage.json {version!r}; "
                           "they must be equal")


def _pyproject(text: str, version: str, files: PackageFiles) -> list[Finding]:
    try:
        project = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [Finding(code=VERSION_MISMATCH, value=None,
                        message=f"pyproject.toml cannot be read: {exc}")]
    static = project.get("project", {}).get("version")
    if static is not None:
        return [] if static == version else [_mismatch("pyproject.toml [project]", static,
                                                       version)]
    source = project.get("tool", {}).get("hatch", {}).get("version", {})
    if not source:
        return [Finding(code=VERSION_MISMATCH, value=None,
                        message="pyproject.toml has neither a [project] version nor a "
                                "[tool.hatch.version] source")]
    if (files.root / str(source.get("path", ""))).resolve() != files.descriptor_path.resolve():
        return [Finding(code=VERSION_MISMATCH, value=str(source.get("path")),
                        message="pyproject.toml [tool.hatch.version] reads the version from "
                                f"{source.get('path')!r}, not from datapackage.json")]
    pattern = source.get("pattern", _HATCH_DEFAULT)
    m = re.search(pattern, files.read_text(files.descriptor), re.MULTILINE)
    found = m.group("version") if m else None
    return [] if found == version else [_mismatch("pyproject.toml [tool.hatch.version]", found,
                                                  version)]


@register("integrity", STALE_CROISSANT)
def check_croissant(pkg: PackageData) -> list[Finding]:
    """``stale-croissant``: a ``croissant.json`` beside the descriptor that is not JSON or
    differs from what the descriptor gives."""
    text = _text(pkg.files, CROISSANT_FILE)
    fix = "rewrite it from datapackage.json: bdigest-data stamp"
    if text is None:
        if not os.path.lexists(pkg.files.root / CROISSANT_FILE):
            return []
        return [Finding(code=STALE_CROISSANT, value=None,
                        message=f"{CROISSANT_FILE} is not a regular file inside the package "
                                f"(a folder, or a link out of it); remove it, or {fix}")]
    try:
        written = json.loads(text)
    except json.JSONDecodeError as exc:
        return [Finding(code=STALE_CROISSANT, value=None,
                        message=f"{CROISSANT_FILE} is not JSON ({exc}); {fix}")]
    expected = croissant(pkg.model)
    if written == expected:
        return []
    differ = [k for k in dict.fromkeys([*expected, *(written if isinstance(written, dict)
                                                       else {})])
              if not isinstance(written, dict) or written.get(k) != expected.get(k)]
    return [Finding(code=STALE_CROISSANT, value=", ".join(differ[:5]),
                    message=f"{CROISSANT_FILE} differs from what datapackage.json and the "
                            f"Table Schemas give (in {', '.join(differ[:5]) or 'its type'}); "
                            f"{fix}")]
