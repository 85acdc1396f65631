"""CITATION.cff, .zenodo.json, one version everywhere, ``cite()`` and ``cite_row()``."""

from __future__ import annotations

import csv
import json
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT, run_cli

import bdigest_data
from bdigest_data.metadata.descriptor import fact_tables
from bdigest_data.release.citation import FORMATS, cite, cite_row
from bdigest_data.release.metadata import cff_dict

CFF_SCHEMA = Path(__file__).parent / "data" / "cff-1.2.0.schema.json"


@pytest.fixture(scope="module")
def cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def descriptor() -> dict:
    return json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))


def sources_rows() -> list[dict[str, str]]:
    with (ROOT / "data" / "sources.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_citation_cff_is_valid_cff_1_2_0(cff):
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(cff, schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    assert cff["type"] == "dataset"
    assert cff["license"] == "CC-BY-4.0"


def test_the_cff_schema_check_can_fail(cff):
    broken = {**cff, "references": [{"title": "no type, no authors"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, json.loads(CFF_SCHEMA.read_text(encoding="utf-8")))


def test_one_version_everywhere(cff, descriptor):
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pattern = pyproject["tool"]["hatch"]["version"]["pattern"]
    text = (ROOT / pyproject["tool"]["hatch"]["version"]["path"]).read_text(encoding="utf-8")
    package_version = [m.group("version") for m in re.finditer(pattern, text)]
    assert package_version == [descriptor["version"]]  # what hatchling builds the wheel as
    assert bdigest_data.__version__ == descriptor["version"] == str(cff["version"])
    assert run_cli("--version").stdout.strip() == descriptor["version"]
    assert cff["date-released"] == descriptor["created"][:10]


def test_citation_cff_is_up_to_date_with_the_package(cff):
    """CITATION.cff is written from datapackage.json and sources.csv; they must agree."""
    assert cff == cff_dict(ROOT), "run scripts/release.py (or write_citation_files) again"


def test_references_are_the_source_articles(cff):
    rows = sources_rows()
    assert [r["title"] for r in cff["references"]] == [r["title"] for r in rows]
    assert [r["year"] for r in cff["references"]] == [int(r["published"][:4]) for r in rows]
    for ref in cff["references"]:
        assert ref["publisher"] == {"name": "Belarus Digest"}
        assert "inferred" in ref["notes"] and "url" not in ref


def test_zenodo_json_agrees_with_citation_cff(cff):
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert zenodo["upload_type"] == "dataset"
    assert (zenodo["title"], zenodo["version"], zenodo["publication_date"]) == (
        cff["title"], cff["version"], cff["date-released"])
    assert zenodo["creators"] == [{"name": a["name"]} for a in cff["authors"]]
    assert zenodo["license"] == cff["license"].lower()
    assert zenodo["keywords"] == cff["keywords"]
    assert zenodo["description"] == cff["abstract"]
    assert len(zenodo["references"]) == len(cff["references"])
    for text, ref in zip(zenodo["references"], cff["references"], strict=True):
        assert text.startswith(ref["title"]) and str(ref["year"]) in text


def test_cite_formats(cff, descriptor):
    version = descriptor["version"]
    bibtex = cite("bibtex")
    assert bibtex.startswith(f"@misc{{bdigest-data-{version},\n")
    assert bibtex.count("{") == bibtex.count("}")
    assert f"version = {{{version}}}" in bibtex
    assert f"year = {{{cff['date-released'][:4]}}}" in bibtex
    assert f"(Version {version}) [Data set]" in cite("apa")
    csl = json.loads(cite("csl-json"))
    assert csl[0]["type"] == "dataset" and csl[0]["version"] == version
    assert cite("cff") == (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    text = cite()
    assert all(row["title"] in text for row in sources_rows())
    with pytest.raises(ValueError, match="choose one of"):
        cite("mla")


@pytest.mark.parametrize("fmt", FORMATS)
def test_cite_cli(fmt):
    result = run_cli("cite", "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert result.stdout == cite(fmt)


def test_bibtex_escapes_special_characters(package_copy):
    desc = json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))
    desc["title"] = "Arms & trade: 100% of {facts} #1_data"
    (package_copy / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    bibtex = cite("bibtex", path=package_copy)
    assert r"title = {{Arms \& trade: 100\% of \{facts\} \#1\_data}}" in bibtex


def test_cite_row_gives_the_rows_article_and_quote():
    articles = {r["source_id"]: r for r in sources_rows()}
    for table in fact_tables():
        with (ROOT / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        if not rows:
            continue
        row_id = next(iter(rows[-1].values()))  # the primary key is the first column
        ref = cite_row(table, row_id)
        assert ref.article.title == articles[rows[-1]["source_id"]]["title"]
        assert ref.article.published == articles[rows[-1]["source_id"]]["published"]
        assert ref.quote == rows[-1]["quote"]
        assert ref.article.title in str(ref) and "inferred" in str(ref)


def test_cite_row_errors_name_the_problem():
    with pytest.raises(KeyError, match="the tables are: sources"):
        cite_row("nope", "x")
    with pytest.raises(KeyError, match="no row 'arms-999' in table 'arms_exports'"):
        cite_row("arms_exports", "arms-999")
    with pytest.raises(ValueError, match="no source article"):
        cite_row("actors", "BLR")
    first = sources_rows()[0]
    assert cite_row("sources", first["source_id"]).article.title == first["title"]


def test_cite_row_cli():
    source = sources_rows()[0]
    ok = run_cli("cite", "--row", "sources", source["source_id"])
    assert ok.returncode == 0 and source["title"] in ok.stdout
    bad = run_cli("cite", "--row", "visits", "visit-999")
    assert bad.returncode == 2  # an unknown row: a usage error, as an unknown table
    assert "no row 'visit-999' in table 'visits'" in bad.stderr and "Traceback" not in bad.stderr
