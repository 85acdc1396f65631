"""Hostile input at the authoring door: ``add-article``, the sentence cutter and the
coverage check that reads the seeds. Each test states the promise it tests."""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, run_cli, run_script
from helpers import rows, write_rows

from bdigest_data import edtf
from bdigest_data.authoring import article
from bdigest_data.release.versioning import parse_version
from bdigest_data.text.evidence import Article, normalise
from bdigest_data.text.sentences import segment

FIXTURE = ROOT / "tests" / "data" / "fixture_article.md"
NOTE = "An invented fixture article; the text carries no date."
SEED = "seeds/000_bf67ec7b18639301.txt"
ENDINGS = {"CRLF": "\r\n", "CR": "\r"}


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the package by path (read with open, which no test patches)."""
    files = {}
    for p in sorted(root.rglob("*")):
        if p.is_file():
            with p.open("rb") as fh:
                files[str(p.relative_to(root))] = fh.read()
    return files


def add(pkg: Path, file: Path, *args: str, source_id: str = "fixture-target",
        published: str = "2031") -> object:
    return run_cli("add-article", str(file), "--package", str(pkg), "--id", source_id,
                   "--published", published, "--note", NOTE, *args)


def refused(pkg: Path, file: Path, message: str, *, code: int = 1, **kw: str) -> str:
    """Add ``file``, expect a refusal naming ``message`` and an unchanged package."""
    before = snapshot(pkg)
    result = add(pkg, file, **kw)
    assert result.returncode == code, result.stdout + result.stderr
    package_line, error = result.stderr.split("\n", 1)
    assert package_line == f"bdigest-data: package {pkg} (--package)"
    assert error.startswith("bdigest-data add-article: nothing written: ")
    assert message in error and "Traceback" not in error
    assert snapshot(pkg) == before
    return result.stderr


@functools.cache
def real_articles() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Each article of the package: its id, its text (LF) and its units' kinds and texts."""
    seed = (ROOT / SEED).read_text(encoding="utf-8")
    out = []
    for r in rows(ROOT, "sources"):
        raw = seed[int(r["char_start"]):int(r["char_end"])]
        units = segment(Article(r["source_id"], SEED, 0, len(raw), raw))
        out.append((r["source_id"], raw, [(u.kind, u.text) for u in units]))
    return out


@pytest.mark.parametrize("variant", ["CRLF", "CR", "BOM", "BOM+CRLF"])
def test_the_cutter_gives_the_same_units_whatever_the_line_ends(variant: str) -> None:
    """Sentences are cut the same with LF, CRLF or CR line ends and with or without a
    UTF-8 byte-order mark: the same kinds and texts, each unit's offsets slicing its text
    out of the file as it is."""
    for sid, raw, lf in real_articles():
        text = raw.replace("\n", ENDINGS.get(variant.split("+")[-1], "\n"))
        text = "\ufeff" + text if variant.startswith("BOM") else text
        units = segment(Article(sid, SEED, 0, len(text), text))
        assert [(u.kind, u.text) for u in units] == lf, sid
        assert all(normalise(text[u.char_start:u.char_end]) == u.text for u in units)
        first = text[units[0].char_start]
        assert first != "\ufeff" and not first.isspace()


def _seed_with_line_ends(pkg: Path, end: str) -> None:
    """Rewrite the package's seed file with ``end`` line ends: the sources' offsets moved
    to match, the sentences table cut again from the new file, and the package stamped."""
    path = pkg / SEED
    lf = path.read_text(encoding="utf-8")
    path.write_bytes(lf.replace("\n", end).encode("utf-8"))
    grow = len(end) - 1

    def moved(offset: str) -> str:
        return str(int(offset) + grow * lf.count("\n", 0, int(offset)))

    sources = rows(pkg, "sources")
    for r in sources:
        r["char_start"], r["char_end"] = moved(r["char_start"]), moved(r["char_end"])
    write_rows(pkg, "sources", sources)
    built = run_script(ROOT / "scripts" / "build_sentences.py", "--package", str(pkg))
    assert built.returncode == 0, built.stderr
    assert run_cli("stamp", "--package", str(pkg)).returncode == 0


@pytest.mark.parametrize("end", ["CRLF", "CR"])
def test_a_seed_with_other_line_ends_is_checked_not_skipped(package_copy: Path,
                                                            end: str) -> None:
    """An article saved with CRLF or CR line ends is never silently skipped: cut again,
    it has the units it has with LF (the coverage ledger still fits it: VALID), and a
    sentence that nothing accounts for is reported, on its line of the file."""
    _seed_with_line_ends(package_copy, ENDINGS[end])
    assert len(rows(package_copy, "sentences")) == len(rows(ROOT, "sentences"))
    assert [r["text"] for r in rows(package_copy, "sentences")] == \
        [r["text"] for r in rows(ROOT, "sentences")]
    result = run_cli("validate", "--package", str(package_copy))
    assert result.returncode == 0, result.stdout
    ledger = rows(package_copy, "coverage_ledger")
    dropped = next(r for r in ledger if r["figures"] == "" and r["disposition"] != "recorded")
    write_rows(package_copy, "coverage_ledger", [r for r in ledger if r is not dropped])
    assert run_cli("stamp", "--package", str(package_copy)).returncode == 0
    doc = json.loads(run_cli("validate", "--package", str(package_copy), "-f", "json").stdout)
    found = [f for f in doc["findings"] if f["code"] == "unaccounted-sentence"]
    assert [f["value"] for f in found] == [dropped["sentence_id"]]
    unit = next(r for r in rows(ROOT, "sentences") if r["sentence_id"] == dropped["sentence_id"])
    lf_line = (ROOT / SEED).read_text(encoding="utf-8").count("\n", 0,
                                                              int(unit["char_start"])) + 1
    assert found[0]["line"] == lf_line


@pytest.mark.parametrize("variant", ["CRLF", "CR", "BOM", "BOM+CRLF"])
def test_add_article_stores_lf_without_a_bom_and_says_so(package_copy: Path, tmp_path: Path,
                                                         variant: str) -> None:
    """add-article normalises line ends and a byte-order mark (and says so): the stored
    seed is the LF text without the mark, its title is found, and its units are those of
    the LF article, so the coverage check reads every sentence of it."""
    text = FIXTURE.read_text(encoding="utf-8").replace("\n",
                                                        ENDINGS.get(variant.split("+")[-1], "\n"))
    file = tmp_path / "article.md"
    file.write_bytes((("\ufeff" if variant.startswith("BOM") else "") + text).encode("utf-8"))
    result = add(package_copy, file)
    assert result.returncode == 0, result.stderr
    assert "added article 'fixture-target': Belarus and Turkey set a fixture trade target" \
        in result.stdout
    said = [line for line in result.stdout.splitlines() if "(the seed is stored that way)" in line]
    assert len(said) == variant.count("+") + 1
    if variant.startswith("BOM"):
        assert "byte-order mark (U+FEFF) at its start dropped" in result.stdout
    if "CR" in variant:
        assert f"line ends {variant.split('+')[-1]} made LF" in result.stdout
    assert (package_copy / "seeds" / "fixture-target.txt").read_bytes() == FIXTURE.read_bytes()
    units = [r for r in rows(package_copy, "sentences") if r["source_id"] == "fixture-target"]
    assert [u["kind"] for u in units] == ["heading", "sentence", "sentence"]
    check = run_script(ROOT / "scripts" / "build_sentences.py", "--package", str(package_copy),
                       "--check")
    assert check.returncode == 0, check.stderr


def test_a_plain_lf_article_is_added_as_it_is(package_copy: Path) -> None:
    """Legal input: an LF article without a mark is stored byte for byte and nothing is
    said about normalising it."""
    result = add(package_copy, FIXTURE)
    assert result.returncode == 0, result.stderr
    assert "stored that way" not in result.stdout
    assert (package_copy / "seeds" / "fixture-target.txt").read_bytes() == FIXTURE.read_bytes()


def test_a_heading_that_runs_into_the_body_is_refused(package_copy: Path,
                                                      tmp_path: Path) -> None:
    """add-article never writes an article that the coverage check would skip: a heading
    glued to the next line (no blank line) would set that text aside with the heading."""
    file = tmp_path / "glued.md"
    file.write_text("# A title\nTrade grew to $5m in 2031, the minister said.\n",
                    encoding="utf-8")
    refused(package_copy, file, "line 1: the heading runs on into the next line")


@pytest.mark.parametrize("date", ["2017-10\n", "2017-10\r\n", "\n2017-10", "2017-10 "])
def test_a_date_with_a_trailing_newline_is_refused(package_copy: Path, date: str) -> None:
    """--published must be an EDTF date and nothing more: a final newline does not pass
    (``$`` matches before it; full matches are used)."""
    refused(package_copy, FIXTURE, "--published", published=date)
    with pytest.raises(ValueError, match="not an EDTF date"):
        edtf.parse(date)


def test_full_match_rules_refuse_a_final_newline() -> None:
    """Every rule that checks a whole value with a regular expression refuses a value
    with a newline after it: a version, a derivation offset."""
    from bdigest_data.validation.checks.dataset.derivations import _DURATION

    with pytest.raises(ValueError, match="MAJOR.MINOR.PATCH"):
        parse_version("1.1.0\n")
    assert parse_version("1.1.0") == (1, 1, 0)
    assert _DURATION.fullmatch("P1D\n") is None and _DURATION.fullmatch("P1D")


def test_a_seeds_symlink_cannot_make_it_write_outside(package_copy: Path,
                                                      tmp_path: Path) -> None:
    """A seeds/ folder that is a symlink out of the package is refused: nothing is
    written outside the package (nor inside)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    seeds = package_copy / "seeds"
    for f in seeds.iterdir():
        f.rename(outside / f.name)
    seeds.rmdir()
    seeds.symlink_to(outside, target_is_directory=True)
    before = sorted(p.name for p in outside.iterdir())
    refused(package_copy, FIXTURE, "is a symlink or not a folder")
    assert sorted(p.name for p in outside.iterdir()) == before


def test_a_symlink_where_the_seed_would_go_is_refused(package_copy: Path,
                                                      tmp_path: Path) -> None:
    """A (dangling) symlink at seeds/<id>.txt is an existing file: refused, the target
    outside is not created."""
    target = tmp_path / "elsewhere.txt"
    (package_copy / "seeds" / "fixture-target.txt").symlink_to(target)
    refused(package_copy, FIXTURE, "already exists; seed files never change")
    assert not target.exists()


def test_an_unwritable_data_folder_is_a_clear_error_and_rolled_back(
        package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder of the package that cannot be written gives a one-line message and exit
    2, not a traceback; nothing is left written (the seed file made before is removed).
    The suite runs as root, whom permissions do not stop, so the refusal is the
    system's PermissionError raised where data/ is written."""
    real = tempfile.mkstemp

    def denied(*args: object, dir: str | None = None, **kw: object) -> tuple[int, str]:
        if dir is not None and Path(dir).name == "data":
            raise PermissionError(13, "Permission denied", dir)
        return real(*args, dir=dir, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(article.tempfile, "mkstemp", denied)
    message = refused(package_copy, FIXTURE, "Permission denied", code=2)
    assert f"{package_copy / 'data'}: Permission denied" in message


def test_an_unreadable_descriptor_is_a_clear_error(package_copy: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A descriptor that cannot be read: a one-line message naming it, exit 2."""
    real = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self.name == "datapackage.json":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    refused(package_copy, FIXTURE, "datapackage.json: Permission denied", code=2)


def test_a_fifo_or_a_huge_article_is_refused(package_copy: Path, tmp_path: Path) -> None:
    """The article is read only if it is a regular file (a FIFO would block forever) of
    at most MAX_ARTICLE_BYTES, the limit the message names."""
    fifo = tmp_path / "article.fifo"
    os.mkfifo(fifo)
    refused(package_copy, fifo, "not a regular file")
    huge = tmp_path / "huge.md"
    huge.write_bytes(b"# Huge\n\n" + b"A sentence. " * (article.MAX_ARTICLE_BYTES // 12))
    refused(package_copy, huge, f"more than the limit of {article.MAX_ARTICLE_BYTES}")


def test_an_article_at_the_limit_is_added_in_time(package_copy: Path, tmp_path: Path) -> None:
    """A long article under the limit is cut and added (a bounded input: every step is
    linear or bounded by the limit; the suite would time out otherwise)."""
    para = "Trade between the two countries grew again in 2031, the ministry said. " * 40
    body = "\n\n".join([para] * ((article.MAX_ARTICLE_BYTES // 2) // (len(para) + 2)))
    file = tmp_path / "long.md"
    file.write_text(f"# A long article\n\n{body}\n", encoding="utf-8")
    assert file.stat().st_size <= article.MAX_ARTICLE_BYTES
    result = add(package_copy, file)
    assert result.returncode == 0, result.stderr
    added = [r for r in rows(package_copy, "sentences") if r["source_id"] == "fixture-target"]
    assert len(added) == 1 + 40 * (body.count("\n\n") + 1)  # the heading, 40 a paragraph


def test_the_written_tables_stay_csv(package_copy: Path) -> None:
    """The appended rows parse as CSV with the header's width, even when the note holds
    a lone carriage return (which the csv module leaves unquoted with LF line ends)."""
    result = run_cli("add-article", str(FIXTURE), "--package", str(package_copy), "--id",
                     "fixture-target", "--published", "2031", "--note", "one\rtwo")
    assert result.returncode == 0, result.stderr
    for table in ("sources", "sentences"):
        text = (package_copy / "data" / f"{table}.csv").read_bytes().decode("utf-8")
        table_rows = list(csv.reader(io.StringIO(text, newline="")))
        assert {len(r) for r in table_rows} == {len(table_rows[0])}, table
        if table == "sources":
            header = table_rows[0]
            assert table_rows[-1][header.index("published_note")] == "one\rtwo"


def test_tables_are_found_by_role_whatever_their_names(package_copy: Path) -> None:
    """Legal input: the sentences table under another name (its role says what it is) still
    gets the new article's units."""
    for rel, old, new in (("datapackage.json", '"name": "sentences"', '"name": "units"'),
                          ("schemas/coverage_ledger.json", '"resource": "sentences"',
                           '"resource": "units"')):
        text = (package_copy / rel).read_text(encoding="utf-8")
        assert old in text
        (package_copy / rel).write_text(text.replace(old, new), encoding="utf-8")
    assert run_cli("validate", "--package", str(package_copy), "--no-cache").returncode == 0
    units = package_copy / "data" / "sentences.csv"
    before = units.read_bytes()
    result = add(package_copy, FIXTURE)
    assert result.returncode == 0, result.stderr
    assert b"\nfixture-target:001," in units.read_bytes()[len(before) - 1:]


def test_a_sources_table_that_cannot_be_keyed_is_a_clear_refusal(package_copy: Path) -> None:
    """A sources table with a repeated id: a one-line refusal that names the file, the line
    and the id, never a traceback, and nothing written."""
    path = package_copy / "data" / "sources.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join([*lines, lines[-1]]))
    error = refused(package_copy, FIXTURE, "occurs twice")
    assert "sources.csv, line" in error and "georgia-alliance-under-threat" in error
