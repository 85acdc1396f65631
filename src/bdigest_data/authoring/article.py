"""``add_article``: a new article's text into the package, declared, hashed and indexed.

One call makes three changes, all or none:

1. the text, byte for byte, as a new seed file ``seeds/<id>.txt`` (an existing seed file
   never changes, so its hash and every offset into it stay true);
2. a ``sources`` row: the id, the title (the first Markdown heading, unless given), the
   publisher, the EDTF publication date and the note on how it was inferred, the seed
   file, and ``char_start``/``char_end`` spanning the article from its first to its last
   non-blank character;
3. in ``datapackage.json``, the seed file as a file resource ``seed-<id>`` (with the
   licence note of the existing seed texts) and fresh ``bytes`` and ``hash`` for it and
   for ``sources``; the other resources are left as they are.

Everything is checked before anything is written (``ArticleRefused`` names the reason);
the files are then written beside their targets and moved into place, and the originals
are put back if a move fails.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bdigest_data import edtf
from bdigest_data._paths import DESCRIPTOR
from bdigest_data.release.package import PackageDir
from bdigest_data.release.stamp import descriptor_text, digest
from bdigest_data.validation.evidence import normalise
from bdigest_data.validation.semantics import heading_free

SOURCES = "sources"
SEED_DIR = "seeds"
_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<text>\S.*)$", re.MULTILINE)
_BLANK = " \t\r\n\ufeff"  # leading and trailing characters that are not the article


class ArticleRefused(ValueError):
    """The article cannot be added; nothing was written. The message says why."""


@dataclass(frozen=True)
class AddedArticle:
    """What ``add_article`` wrote."""

    source_id: str
    title: str
    seed_file: str
    resource: str
    char_start: int
    char_end: int
    row: dict[str, str]
    files: tuple[str, ...]  # changed or new, relative to the package root


@dataclass(frozen=True)
class _Change:
    path: Path
    data: bytes
    original: bytes | None  # None: a new file


def add_article(root: Path, file: Path, *, source_id: str, published: str, note: str,
                title: str | None = None) -> AddedArticle:
    """Add the article in ``file`` to the package at ``root`` (see the module docstring).

    Raises ``ArticleRefused`` when the id exists or breaks the id pattern, the file is
    missing, empty or not UTF-8, the title is not in the text (or there is no heading to
    take it from), the date is not EDTF, or the note is empty.
    """
    pkg = PackageDir(root)
    if SOURCES not in pkg.resources:
        raise ArticleRefused(f"{root / DESCRIPTOR} has no {SOURCES} table")
    schema = pkg.schema(SOURCES) or {}
    fields = {f["name"]: f for f in schema.get("fields", [])}
    existing = pkg.rows(SOURCES)
    _check_id(source_id, fields.get(_field(schema, "id"), {}), existing.rows)
    data, text = _read_text(file)
    _check_date(published, fields.get(_field(schema, "published"), {}))
    if not note.strip():
        raise ArticleRefused("--note is empty: say how the publication date was inferred "
                             "from the text")
    title = _title(text, title, file)
    start = len(text) - len(text.lstrip(_BLANK))
    end = len(text.rstrip(_BLANK))
    seed_file = f"{SEED_DIR}/{source_id}.txt"
    seed_path = root / seed_file
    resource = f"seed-{source_id}"
    if seed_path.exists():
        raise ArticleRefused(f"{seed_path} already exists; seed files never change")
    if resource in pkg.resources:
        raise ArticleRefused(f"{root / DESCRIPTOR} already has a resource {resource!r}")
    named = {_field(schema, "id"): source_id, _field(schema, "title"): title,
             "publisher": _publisher(fields, existing), _field(schema, "published"): published,
             "published_note": note.strip(), _field(schema, "seed-file"): seed_file,
             _field(schema, "char-start"): str(start), _field(schema, "char-end"): str(end)}
    values = {k: v for k, v in named.items() if k}
    header = existing.header
    missing = [n for n in header if n not in values
               and fields.get(n, {}).get("constraints", {}).get("required")]
    if missing:
        raise ArticleRefused(f"the {SOURCES} table requires {', '.join(missing)}, which "
                             "add-article cannot fill; add the row by hand")
    row = {n: values.get(n, "") for n in header}
    sources_path = root / pkg.resources[SOURCES]["path"]
    original = sources_path.read_bytes()
    sources_bytes = _append_row(original, [row[n] for n in header])
    desc = _descriptor(pkg, resource, seed_file, title, data, sources_bytes)
    dp = root / DESCRIPTOR
    _commit([_Change(seed_path, data, None),
             _Change(sources_path, sources_bytes, original),
             _Change(dp, descriptor_text(desc).encode("utf-8"), dp.read_bytes())])
    return AddedArticle(source_id, title, seed_file, resource, start, end, row,
                        (seed_file, pkg.resources[SOURCES]["path"], DESCRIPTOR))


_FIELD_NAMES = {"id": "source_id", "title": "title", "published": "published",
                "seed-file": "seed_file", "char-start": "char_start", "char-end": "char_end"}


def _field(schema: dict[str, Any], role: str) -> str:
    """The sources field with ``"bdigest:role": role`` (the id: the primary key), else the
    field of the 0.1 name."""
    if role == "id":
        pk = schema.get("primaryKey") or [_FIELD_NAMES["id"]]
        return pk if isinstance(pk, str) else pk[0]
    for f in schema.get("fields", []):
        if f.get("bdigest:role") == role:
            return str(f["name"])
    return _FIELD_NAMES[role]


def _check_id(source_id: str, field: dict[str, Any], rows: dict[tuple[str, ...], Any]
              ) -> None:
    pattern = field.get("constraints", {}).get("pattern")
    if pattern and not re.fullmatch(pattern, source_id):
        raise ArticleRefused(f"--id {source_id!r} does not match the id pattern {pattern} "
                             "(lower-case letters, digits and hyphens)")
    if (source_id,) in rows:
        raise ArticleRefused(f"--id {source_id!r} exists already in the {SOURCES} table; "
                             "choose another id")


def _read_text(file: Path) -> tuple[bytes, str]:
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ArticleRefused(f"{file}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleRefused(f"{file}: not UTF-8 (byte {exc.start}: {exc.reason}); save the "
                             "text as UTF-8") from None
    if not text.strip(_BLANK):
        raise ArticleRefused(f"{file}: the file is empty")
    return data, text


def _check_date(published: str, field: dict[str, Any]) -> None:
    try:
        edtf.parse(published)
    except ValueError as exc:
        raise ArticleRefused(f"--published: {exc} (an EDTF date such as 2017-10, 2017-10? or "
                             "2017-10-08)") from None
    pattern = field.get("constraints", {}).get("pattern")
    if pattern and not re.search(pattern, published):
        raise ArticleRefused(f"--published {published!r} does not match the pattern of "
                             f"{SOURCES}.published ({pattern})")


def _title(text: str, given: str | None, file: Path) -> str:
    """The given title if the text holds it, else the text of the first heading."""
    if given is not None:
        title = " ".join(normalise(given).split())
        if not title or heading_free(title) not in heading_free(text):
            raise ArticleRefused(f"--title {given!r} is not in the text of {file} (compared "
                                 "with Markdown # and * dropped and whitespace folded)")
        return title
    m = _HEADING.search(text)
    if m is None:
        raise ArticleRefused(f"{file} has no Markdown heading (# Title) to take the title "
                             "from; give --title")
    return heading_free(m.group("text"))


def _publisher(fields: dict[str, Any], existing: Any) -> str:
    """The publisher: the one the schema allows, else the one every existing row names."""
    allowed = fields.get("publisher", {}).get("constraints", {}).get("enum") or []
    named = {row.get("publisher", "") for row in existing.rows.values()}
    choices = allowed if allowed else sorted(named)
    if len(choices) != 1:
        raise ArticleRefused(f"cannot tell the publisher (choices: {', '.join(choices)}); "
                             "add the row by hand")
    return choices[0]


def _append_row(data: bytes, cells: list[str]) -> bytes:
    """``data`` (a CSV file) with one more record, its existing bytes unchanged."""
    eol = b"\r\n" if data.endswith(b"\r\n") else b"\n"
    buf = io.StringIO()
    csv.writer(buf, lineterminator=eol.decode()).writerow(cells)
    if data and not data.endswith(b"\n"):
        data += eol
    return data + buf.getvalue().encode("utf-8")


def _descriptor(pkg: PackageDir, resource: str, seed_file: str, title: str, data: bytes,
                sources_bytes: bytes) -> dict[str, Any]:
    """The descriptor with the new seed resource (after the last file resource) and the
    ``sources`` resource re-stamped."""
    desc = json.loads(json.dumps(pkg.descriptor))  # a deep copy
    resources: list[dict[str, Any]] = desc["resources"]
    files = [i for i, r in enumerate(resources) if not r.get("schema")]
    template = resources[files[-1]] if files else {}
    new = {"name": resource, "title": f"Source text: {title}", "path": seed_file,
           "type": "file", "scheme": "file", "format": "txt", "mediatype": "text/plain",
           "encoding": "utf-8"}
    new["bytes"], new["hash"] = digest(data)
    for key in ("bdigest:role", "licenses"):  # what every seed text carries
        if key in template:
            new[key] = template[key]
    resources.insert(files[-1] + 1 if files else len(resources), new)
    for res in resources:
        if res["name"] == SOURCES:
            res["bytes"], res["hash"] = digest(sources_bytes)
    return desc


def _commit(changes: list[_Change]) -> None:
    """Write every change or none: each to a temporary file beside its target, then all
    moved into place; if anything fails, the targets are restored and the rest removed."""
    temps: list[Path] = []
    done: list[_Change] = []
    try:
        for change in changes:
            tmp = change.path.with_name(f".{change.path.name}.add-article.tmp")
            tmp.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(change.data)
            temps.append(tmp)
        for change, tmp in zip(changes, temps, strict=True):
            os.replace(tmp, change.path)
            done.append(change)
    except BaseException:
        for change in reversed(done):
            if change.original is None:
                change.path.unlink(missing_ok=True)
            else:
                change.path.write_bytes(change.original)
        for tmp in temps:
            tmp.unlink(missing_ok=True)
        raise

