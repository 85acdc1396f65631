"""``add_article``: a new article's text into the package, declared, hashed and indexed.

One call makes these changes, all or none:

1. the text as a new seed file ``seeds/<id>.txt``, byte for byte but for two things that
   are not text: line ends CRLF and CR become LF and a leading byte-order mark is dropped
   (``AddedArticle.normalised`` says which; every seed is then stored alike, and the
   offsets count the characters of the stored file). An existing seed file never changes,
   so its hash and every offset into it stay true;
2. a row of the sources table (``"bdigest:role": "sources"``): the id, the title (the
   first Markdown heading, unless given), the publisher, the EDTF publication date and the
   note on how it was inferred, the seed file, and the offsets (fields found by their
   roles) spanning the article from its first to its last non-blank character;
3. the article's units (sentences, headings, captions, credits) appended to the sentences
   table (role ``sentences``), cut by ``bdigest_data.text.sentences`` exactly as
   ``scripts/build_sentences.py`` would (needs pysbd, in the test extras);
4. in ``datapackage.json``, the seed file as a file resource ``seed-<id>`` (with the role
   and licence note of the existing seed texts) and fresh ``bytes`` and ``hash`` for it
   and the tables written; the other resources are left as they are.

Everything is checked before anything is written (``ArticleRefused`` names the reason):
the article is at most ``MAX_ARTICLE_BYTES``, and no heading runs on into the next line
(the coverage check sets headings aside, so a body glued to its heading would never be
checked). The files are then written beside their targets (new temporary files, never
through a symlink) and moved into place, and the originals are put back if a move fails;
an ``OSError`` (a folder that cannot be written) is raised after that rollback. The
seed folder must be a real folder inside the package, not a symlink. The new article's
sentences are unaccounted for (and its figures uncovered) until rows quote them:
``bdigest-data validate`` lists them by its id.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bdigest_data import edtf, metadata
from bdigest_data.findings import ValidationError
from bdigest_data.metadata import roles
from bdigest_data.metadata.classes import Field, Package
from bdigest_data.metadata.descriptor import descriptor_text
from bdigest_data.metadata.files import stamp_of
from bdigest_data.metadata.rows import KeyedRows, RowsError, read_keyed
from bdigest_data.text.evidence import LINE_BREAK, Article, heading_free, normalise

_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<text>\S.*)$", re.MULTILINE)
_BLANK = " \t\r\n\ufeff"  # leading and trailing characters that are not the article
BOM = "\ufeff"
MAX_ARTICLE_BYTES = 256 * 1024  # the longest article of the package has 7,362 characters


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
    sentences: int  # units appended to the sentences table
    files: tuple[str, ...]  # changed or new, relative to the package root
    normalised: tuple[str, ...] = ()  # what changed from the file given to the seed stored


@dataclass(frozen=True)
class _Change:
    path: Path
    data: bytes
    original: bytes | None  # None: a new file


class _Table:
    """A table of the package found by its role: schema, file and rows."""

    def __init__(self, model: Package, files: metadata.PackageFiles, role: str) -> None:
        name = model.table_with_role(role)
        schema = model.schema(name) if name else None
        if name is None or schema is None:
            raise ArticleRefused(f"the package has no table with role {role!r}")
        self.name, self.schema = name, schema
        self.relpath = str(model.by_name[name].path)
        self.path = files.path(self.relpath, what=f"resource {name!r}")
        self.original = files.read_bytes(self.relpath, what=f"resource {name!r}")
        try:
            self.rows: KeyedRows = read_keyed(io.BytesIO(self.original), self.path,
                                              tuple(schema.primary_key))
        except RowsError as exc:  # not keyed rows of UTF-8 CSV: the validator says more
            raise ArticleRefused(f"{exc}; run bdigest-data validate") from None

    def field(self, role: str, default: str) -> str:
        """The name of the field with ``role`` (the 0.1 name where no field has it)."""
        return self.schema.role_name(role) or default

    def appended(self, records: list[dict[str, str]]) -> bytes:
        return _append_rows(self.original, [[r.get(n, "") for n in self.rows.header]
                                            for r in records])


def add_article(root: Path, file: Path, *, source_id: str, published: str, note: str,
                title: str | None = None) -> AddedArticle:
    """Add the article in ``file`` to the package at ``root`` (see the module docstring).

    Raises ``ArticleRefused`` when the id exists or breaks the id pattern, the file is
    missing, empty or not UTF-8, the title is not in the text (or there is no heading to
    take it from), the date is not EDTF, or the note is empty.
    """
    try:
        files = metadata.files_of(root)
        model = metadata.package(files)
    except ValidationError as exc:
        raise ArticleRefused(f"the package's metadata has faults; run bdigest-data validate "
                             f"first:\n{exc}") from None
    sources = _Table(model, files, roles.SOURCES)
    id_field = sources.schema.primary_key[0] if sources.schema.primary_key else "source_id"
    _check_id(source_id, sources.schema.field(id_field), sources.rows)
    data, text, normalised = _read_text(file)
    published_field = sources.field(roles.PUBLISHED, "published")
    _check_date(published, sources.schema.field(published_field))
    if not note.strip():
        raise ArticleRefused("--note is empty: say how the publication date was inferred "
                             "from the text")
    title = _title(text, title, file)
    start = len(text) - len(text.lstrip(_BLANK))
    end = len(text.rstrip(_BLANK))
    seed_file = f"{roles.SEED_FOLDER}/{source_id}.txt"
    seed_path = _seed_path(files.root, seed_file)
    resource = f"seed-{source_id}"
    if resource in model.by_name:
        raise ArticleRefused(f"{files.descriptor_path} already has a resource {resource!r}")
    named = {id_field: source_id, sources.field(roles.TITLE, "title"): title,
             "publisher": _publisher(sources), published_field: published,
             "published_note": note.strip(), sources.field(roles.SEED_FILE, "seed_file"): seed_file,
             sources.field(roles.CHAR_START, "char_start"): str(start),
             sources.field(roles.CHAR_END, "char_end"): str(end)}
    missing = [n for n in sources.rows.header if n not in named
               and (f := sources.schema.field(n)) is not None and f.constraints.required]
    if missing:
        raise ArticleRefused(f"the {sources.name} table requires {', '.join(missing)}, which "
                             "add-article cannot fill; add the row by hand")
    row = {n: named.get(n, "") for n in sources.rows.header}
    written = {sources.relpath: sources.appended([row])}
    units = _units(Article(source_id, seed_file, start, end, text[start:end]))
    _check_headings(units or [], text, file)
    if units is not None and model.table_with_role(roles.SENTENCES):
        sentences = _Table(model, files, roles.SENTENCES)
        written[sentences.relpath] = sentences.appended(
            [{n: str(getattr(u, n, "")) for n in sentences.rows.header} for u in units])
    desc = _descriptor(model, resource, seed_file, title, data, written)
    changes = [_Change(seed_path, data, None)]
    changes += [_Change(files.root / rel, new, (files.root / rel).read_bytes())
                for rel, new in written.items()]
    dp = files.descriptor_path
    changes.append(_Change(dp, descriptor_text(desc).encode("utf-8"), dp.read_bytes()))
    _commit(changes)
    return AddedArticle(source_id, title, seed_file, resource, start, end, row,
                        len(units or []), (seed_file, *written, files.descriptor), normalised)


def _units(article: Article) -> list[Any] | None:
    """The article's units, as ``scripts/build_sentences.py`` cuts them."""
    try:
        from bdigest_data.text.sentences import segment

        return segment(article)
    except ModuleNotFoundError as exc:
        if exc.name != "pysbd":
            raise
        raise ArticleRefused("cutting the article into sentences needs pysbd: pip install "
                             "-e '.[test]' (or pip install pysbd)") from None


def _check_id(source_id: str, field: Field | None, rows: KeyedRows) -> None:
    pattern = field.constraints.pattern if field is not None else None
    if pattern and not re.fullmatch(pattern, source_id):
        raise ArticleRefused(f"--id {source_id!r} does not match the id pattern {pattern} "
                             "(lower-case letters, digits and hyphens)")
    if (source_id,) in rows.rows:
        raise ArticleRefused(f"--id {source_id!r} exists already in the sources table; "
                             "choose another id")


def _read_text(file: Path) -> tuple[bytes, str, tuple[str, ...]]:
    """The seed's bytes and text, and what was normalised (see the module docstring)."""
    try:  # opened without blocking: a FIFO would wait for a writer
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise ArticleRefused(f"{file}: not a regular file")
            if st.st_size > MAX_ARTICLE_BYTES:
                raise ArticleRefused(f"{file}: {st.st_size} bytes, more than the limit of "
                                     f"{MAX_ARTICLE_BYTES} for one article")
            data = fh.read(MAX_ARTICLE_BYTES + 1)
    except OSError as exc:
        raise ArticleRefused(f"{file}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_ARTICLE_BYTES:  # it grew while being read
        raise ArticleRefused(f"{file}: more than the limit of {MAX_ARTICLE_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleRefused(f"{file}: not UTF-8 (byte {exc.start}: {exc.reason}); save the "
                             "text as UTF-8") from None
    normalised = []
    if text.startswith(BOM):
        text = text[len(BOM):]
        normalised.append("the byte-order mark (U+FEFF) at its start dropped")
    ends = sorted({m.group() for m in LINE_BREAK.finditer(text)} - {"\n"})
    if ends:
        text = LINE_BREAK.sub("\n", text)
        normalised.append(f"line ends {' and '.join(_END_NAMES[e] for e in ends)} made LF")
    if not text.strip(_BLANK):
        raise ArticleRefused(f"{file}: the file is empty")
    return (text.encode("utf-8") if normalised else data), text, tuple(normalised)


_END_NAMES = {"\r\n": "CRLF", "\r": "CR"}


def _seed_path(root: Path, seed_file: str) -> Path:
    """Where the new seed file goes: inside the package's own seed folder (no symlink on the
    way, so nothing is written outside the package), where no file is yet."""
    folder = root / roles.SEED_FOLDER
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise ArticleRefused(f"{folder} is a symlink or not a folder; seed files are written "
                             "only into a real seeds/ folder inside the package")
    path = root / seed_file
    if os.path.lexists(path):
        raise ArticleRefused(f"{path} already exists; seed files never change")
    return path


def _check_headings(units: list[Any], text: str, file: Path) -> None:
    """Refuse a heading that runs on into the next line: the text glued to it would be set
    aside with the heading by the coverage check, never checked."""
    for u in units:
        if u.kind == "heading" and "\n" in text[u.char_start:u.char_end]:
            line = text.count("\n", 0, u.char_start) + 1
            raise ArticleRefused(f"{file} line {line}: the heading runs on into the next "
                                 "line; put a blank line after each heading (a heading is "
                                 "set aside by coverage with all its lines)")


def _check_date(published: str, field: Field | None) -> None:
    try:
        edtf.parse(published)
    except ValueError as exc:
        raise ArticleRefused(f"--published: {exc} (an EDTF date such as 2017-10, 2017-10? or "
                             "2017-10-08)") from None
    pattern = field.constraints.pattern if field is not None else None
    if pattern and not re.fullmatch(pattern, published):
        raise ArticleRefused(f"--published {published!r} does not match the pattern of the "
                             f"sources table's {field.name if field else ''} ({pattern})")


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


def _publisher(sources: _Table) -> str:
    """The publisher: the one the schema allows, else the one every existing row names."""
    field = sources.schema.field("publisher")
    allowed = (field.constraints.enum if field is not None else None) or []
    named = sorted({row.get("publisher", "") for row in sources.rows.rows.values()})
    choices = [str(c) for c in allowed] or named
    if len(choices) != 1:
        raise ArticleRefused(f"cannot tell the publisher (choices: {', '.join(choices)}); "
                             "add the row by hand")
    return choices[0]


def _append_rows(data: bytes, records: list[list[str]]) -> bytes:
    """``data`` (a CSV file) with more records, its existing bytes unchanged."""
    eol = b"\r\n" if data.endswith(b"\r\n") else b"\n"
    lines = []
    for record in records:  # CRLF as the writer's terminator: a cell with a lone CR is quoted
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerow(record)
        lines.append(buf.getvalue().removesuffix("\r\n").encode("utf-8") + eol)
    if data and not data.endswith(b"\n"):
        data += eol
    return data + b"".join(lines)


def _descriptor(model: Package, resource: str, seed_file: str, title: str, data: bytes,
                written: dict[str, bytes]) -> dict[str, Any]:
    """The descriptor with the new seed resource (after the last seed text) and the tables
    in ``written`` (path -> new bytes) re-stamped."""
    desc = json.loads(json.dumps(model.raw))  # a deep copy
    resources: list[dict[str, Any]] = desc["resources"]
    seeds = [i for i, r in enumerate(resources) if r.get(roles.ROLE) == roles.SEEDS] or \
        [i for i, r in enumerate(resources) if not r.get("schema")]
    template = resources[seeds[-1]] if seeds else {}
    # a plain file has no ``type`` in Data Package v2 (only ``table`` is one); its
    # ``$schema`` (the v2 profile) is the other seed texts'
    new: dict[str, Any] = {key: template[key] for key in ("$schema",) if key in template}
    new |= {"name": resource, "title": f"Source text: {title}", "path": seed_file,
            "scheme": "file", "format": "txt", "mediatype": "text/plain", "encoding": "utf-8"}
    new["bytes"], new["hash"] = stamp_of(data)
    for key in (roles.ROLE, "licenses"):  # what every seed text carries
        if key in template:
            new[key] = template[key]
    resources.insert(seeds[-1] + 1 if seeds else len(resources), new)
    for res in resources:
        if res.get("path") in written:
            res["bytes"], res["hash"] = stamp_of(written[res["path"]])
    return desc


def _commit(changes: list[_Change]) -> None:
    """Write every change or none: each to a temporary file beside its target, then all
    moved into place; if anything fails, the targets are restored and the rest removed."""
    temps: list[Path] = []
    done: list[_Change] = []
    try:
        for change in changes:
            change.path.parent.mkdir(exist_ok=True)
            fd, name = tempfile.mkstemp(dir=change.path.parent, prefix=f".{change.path.name}.",
                                        suffix=".add-article.tmp")  # a new file, O_EXCL
            temps.append(Path(name))
            with os.fdopen(fd, "wb") as fh:
                fh.write(change.data)
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

