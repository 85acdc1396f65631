"""``bdigest-data add-article``: a new seed file, its resource, its sources row; refusals
that write nothing; all files or none."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from conftest import ROOT, run_cli, run_script
from helpers import rows

from bdigest_data.authoring import article
from bdigest_data.authoring.article import ArticleRefused, add_article

FIXTURE = Path(__file__).parent / "data" / "fixture_article.md"
NOTE = "An invented fixture article; the text carries no date."


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def add(pkg: Path, *args: str, file: Path = FIXTURE):
    return run_cli("add-article", str(file), "--package", str(pkg), *args)


def test_adds_seed_file_resource_and_sources_row(package_copy: Path) -> None:
    before = snapshot(package_copy)
    result = add(package_copy, "--id", "fixture-target", "--published", "2031-03?",
                 "--note", NOTE)
    assert result.returncode == 0, result.stderr
    assert "added article 'fixture-target': Belarus and Turkey set a fixture trade target" \
        in result.stdout
    after = snapshot(package_copy)
    seed = "seeds/fixture-target.txt"
    assert after[seed] == FIXTURE.read_bytes()  # byte for byte
    changed = {k for k in after if before.get(k) != after[k]}
    assert changed == {seed, "data/sources.csv", "data/sentences.csv", "datapackage.json"}
    # the existing rows keep their bytes; rows are appended
    assert after["data/sources.csv"].startswith(before["data/sources.csv"])
    assert after["data/sentences.csv"].startswith(before["data/sentences.csv"])
    # … the article's units, exactly as the segmentation script cuts them
    check = run_script(ROOT / "scripts" / "build_sentences.py", "--package", str(package_copy),
                       "--check")
    assert check.returncode == 0, check.stderr
    units = [r for r in rows(package_copy, "sentences") if r["source_id"] == "fixture-target"]
    assert [u["kind"] for u in units] == ["heading", "sentence", "sentence"]
    row = rows(package_copy, "sources")[-1]
    text = FIXTURE.read_text(encoding="utf-8")
    start, end = int(row["char_start"]), int(row["char_end"])
    assert text[start:end] == text.strip()
    assert row | {"published_note": ""} == row | {
        "source_id": "fixture-target", "title": "Belarus and Turkey set a fixture trade target",
        "published": "2031-03?", "seed_file": seed, "published_note": ""}
    assert row["published_note"] == NOTE
    desc = json.loads(after["datapackage.json"])
    res = {r["name"]: r for r in desc["resources"]}
    new = res["seed-fixture-target"]
    assert new["path"] == seed and "type" not in new  # a plain file in Data Package v2
    assert new["$schema"] == res["seeds"]["$schema"]
    assert new["hash"] == "sha256:" + hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    assert new["bytes"] == len(FIXTURE.read_bytes())
    assert new["licenses"] == res["seeds"]["licenses"]
    assert res["sources"]["hash"] == "sha256:" + hashlib.sha256(
        after["data/sources.csv"]).hexdigest()


def test_validate_afterwards_names_only_the_new_articles_figures(package_copy: Path) -> None:
    assert add(package_copy, "--id", "fixture-target", "--published", "2031",
               "--note", NOTE).returncode == 0
    result = run_cli("validate", "--package", str(package_copy), "-f", "json")
    doc = json.loads(result.stdout)
    assert result.returncode == 1
    assert {f["code"] for f in doc["findings"]} <= {"uncovered-figure", "unaccounted-sentence"}
    assert doc["findings"] and all("'fixture-target'" in f["message"] for f in doc["findings"])
    assert all(f["table"] == "seed-fixture-target" for f in doc["findings"])


def test_title_is_given_or_taken_from_the_first_heading(package_copy: Path) -> None:
    given = "Belarus and Turkey are aiming"
    result = add(package_copy, "--id", "fixture-target", "--published", "2031",
                 "--note", NOTE, "--title", given)
    assert result.returncode == 0, result.stderr
    assert rows(package_copy, "sources")[-1]["title"] == given


@pytest.mark.parametrize(("args", "content", "message"), [
    (["--id", "defence-sector-ukraine"], None, "exists already in the sources table"),
    (["--id", "Not_An_Id"], None, "does not match the id pattern"),
    (["--published", "October 2017"], None, "--published: "),
    (["--published", "2017-13"], None, "--published: "),
    (["--title", "A title the text does not hold"], None, "is not in the text"),
    (["--note", "  "], None, "--note is empty"),
    ([], b"", "the file is empty"),
    ([], b"  \n\n", "the file is empty"),
    ([], b"# Title\n\nCaf\xe9 au lait\n", "not UTF-8 (byte 12"),
    ([], b"No heading here, only a sentence.\n", "no Markdown heading"),
])
def test_refusals_write_nothing(package_copy: Path, tmp_path: Path, args: list[str],
                                content: bytes | None, message: str) -> None:
    file = FIXTURE
    if content is not None:
        file = tmp_path / "article.md"
        file.write_bytes(content)
    defaults = {"--id": "fixture-target", "--published": "2031", "--note": NOTE}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        defaults[flag] = value
    before = snapshot(package_copy)
    result = add(package_copy, *[x for kv in defaults.items() for x in kv], file=file)
    assert result.returncode == 1, result.stdout
    package_line, error = result.stderr.split("\n", 1)
    assert package_line == f"bdigest-data: package {package_copy} (--package)"
    assert error.startswith("bdigest-data add-article: nothing written: ")
    assert message in result.stderr
    assert snapshot(package_copy) == before


def test_a_missing_file_and_a_second_add_are_refused(package_copy: Path, tmp_path: Path
                                                     ) -> None:
    missing = add(package_copy, "--id", "x", "--published", "2031", "--note", NOTE,
                  file=tmp_path / "nowhere.md")
    assert missing.returncode == 1 and "cannot be read" in missing.stderr
    assert add(package_copy, "--id", "fixture-target", "--published", "2031",
               "--note", NOTE).returncode == 0
    again = add(package_copy, "--id", "fixture-target", "--published", "2031",
                "--note", NOTE)
    assert again.returncode == 1 and "exists already" in again.stderr


def test_the_edit_is_atomic(package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while the files are moved into place leaves the package as it was."""
    before = snapshot(package_copy)
    real = os.replace
    moved: list[str] = []

    def fail_on_the_last(src: os.PathLike, dst: os.PathLike) -> None:
        if Path(dst).name == "datapackage.json":
            raise OSError(28, "No space left on device")
        moved.append(Path(dst).name)
        real(src, dst)

    monkeypatch.setattr(article.os, "replace", fail_on_the_last)
    with pytest.raises(OSError, match="No space left"):
        add_article(package_copy, FIXTURE, source_id="fixture-target", published="2031",
                    note=NOTE)
    assert moved == ["fixture-target.txt", "sources.csv", "sentences.csv"]  # had been moved
    assert snapshot(package_copy) == before  # … and were put back; no temporary file left


def test_refusal_from_python_is_an_article_refused(package_copy: Path) -> None:
    with pytest.raises(ArticleRefused, match="not EDTF|EDTF"):
        add_article(package_copy, FIXTURE, source_id="fixture-target", published="soon",
                    note=NOTE)
