"""Data Package v2, consistently (#20 part 7): the descriptor, every resource and every
Table Schema name the v2.0 profiles in ``$schema`` and fit them, checked with jsonschema
against the published profiles (``tests/data/datapackage-v2/``, verbatim copies; SOURCE.md
there says where they come from) and by frictionless."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT

frictionless = pytest.importorskip("frictionless")

PROFILES = Path(__file__).parent / "data" / "datapackage-v2"
V2 = "https://datapackage.org/profiles/2.0/"
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = DESCRIPTOR["resources"]
SCHEMA_FILES = sorted((ROOT / "schemas").glob("*.json"))


def profile(name: str) -> jsonschema.protocols.Validator:
    """A validator for the shipped v2 profile ``name`` (``tableschema`` …), formats checked."""
    schema = json.loads((PROFILES / f"{name}.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def errors(validator: jsonschema.protocols.Validator, instance: object) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in validator.iter_errors(instance)]


def test_the_shipped_profiles_are_the_published_bytes() -> None:
    """Each profile file has the sha256 SOURCE.md records for it (no hand edits)."""
    note = (PROFILES / "SOURCE.md").read_text(encoding="utf-8")
    recorded = dict(re.findall(r"^\| (\w+\.json) \| \S+ \| ([0-9a-f]{64}) \|$", note, re.M))
    shipped = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
               for p in PROFILES.glob("*.json")}
    assert set(recorded) == {"datapackage.json", "dataresource.json", "tableschema.json",
                             "tabledialect.json"}
    assert shipped == recorded


def test_every_descriptor_names_its_v2_profile() -> None:
    assert DESCRIPTOR["$schema"] == V2 + "datapackage.json"
    assert {r["name"]: r.get("$schema") for r in RESOURCES} == {
        r["name"]: V2 + "dataresource.json" for r in RESOURCES}
    schemas = {p.name: json.loads(p.read_text(encoding="utf-8")).get("$schema")
               for p in SCHEMA_FILES}
    assert schemas == dict.fromkeys(schemas, V2 + "tableschema.json")
    # nothing left of v1: no ``profile`` property anywhere, tables say ``"type": "table"``
    assert all("profile" not in d for d in [DESCRIPTOR, *RESOURCES])
    assert all(r.get("type") == "table" for r in RESOURCES if "schema" in r)


def test_self_references_omit_the_resource() -> None:
    """v2: a foreign key into its own table MUST omit ``reference.resource`` (v1 wrote
    ``""``); the profile cannot say so, so this test does."""
    for path in SCHEMA_FILES:
        for fk in json.loads(path.read_text(encoding="utf-8")).get("foreignKeys", []):
            assert fk["reference"].get("resource") != "", (path.name, fk)


def test_the_descriptor_fits_the_v2_data_package_profile() -> None:
    assert errors(profile("datapackage"), DESCRIPTOR) == []


@pytest.mark.parametrize("resource", RESOURCES, ids=[r["name"] for r in RESOURCES])
def test_every_resource_fits_the_v2_data_resource_profile(resource: dict) -> None:
    assert errors(profile("dataresource"), resource) == []
    if "dialect" in resource:
        assert errors(profile("tabledialect"), resource["dialect"]) == []


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=[p.stem for p in SCHEMA_FILES])
def test_every_table_schema_fits_the_v2_table_schema_profile(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert errors(profile("tableschema"), schema) == []


def test_every_schema_file_is_a_resource_schema() -> None:
    """The files checked above are the schemas the descriptor uses, all of them."""
    used = {r["schema"] for r in RESOURCES if "schema" in r}
    assert used == {f"schemas/{p.name}" for p in SCHEMA_FILES}


def test_the_profiles_catch_a_v1_leftover() -> None:
    """The checks above can fail: a v1-style field (``"type": "text"``, not a v2 type) and
    a v2 resource without a name break the shipped profiles."""
    schema = json.loads(SCHEMA_FILES[0].read_text(encoding="utf-8"))
    schema["fields"][0]["type"] = "text"
    assert errors(profile("tableschema"), schema)
    resource = {k: v for k, v in RESOURCES[0].items() if k != "name"}
    assert errors(profile("dataresource"), resource)


def test_frictionless_reads_every_table_schema_as_valid() -> None:
    for path in SCHEMA_FILES:
        report = frictionless.Schema.validate_descriptor(str(path))
        assert report.valid, (path.name, report.flatten(["type", "note"]))


def test_frictionless_reads_the_package_as_v2() -> None:
    """(Its rows are valid for frictionless too: test_validate_frictionless_agreement.)"""
    package = frictionless.Package(str(ROOT / "datapackage.json"))
    written = package.to_descriptor()
    assert written.get("$schema") == V2 + "datapackage.json"
