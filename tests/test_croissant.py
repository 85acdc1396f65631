"""croissant.json: Croissant 1.1 from datapackage.json, valid by mlcroissant (offline), every
table a RecordSet with its fields and keys, every file a FileObject with the descriptor's
sha256, and kept in step by stamp, the release routine and the validator."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from helpers import set_cell

import bdigest_data as bd
from bdigest_data import metadata
from bdigest_data.metadata.discovery import CROISSANT_FILE, croissant

TIMEOUT = 300  # seconds mlcroissant may take (about 10 here, cold)
# a sitecustomize for the mlcroissant subprocess: any attempt to reach the network fails
NO_NETWORK = """import socket
def _refused(*args, **kwargs):
    raise OSError("the test allows no network")
socket.socket.connect = socket.create_connection = socket.getaddrinfo = _refused
"""


@pytest.fixture(scope="module")
def document() -> dict:
    return json.loads((ROOT / CROISSANT_FILE).read_text(encoding="utf-8"))


def test_the_file_is_what_the_descriptor_gives(document):
    assert document == croissant(metadata.package(ROOT)), \
        "croissant.json is stale: bdigest-data stamp --package . rewrites it"


def test_mlcroissant_validates_it_and_reads_its_records_offline(tmp_path):
    """``mlcroissant validate`` passes with no error and no warning, with every network
    call refused, and mlcroissant reads the visits (joined to their keys' tables) as the
    loader does."""
    (tmp_path / "sitecustomize.py").write_text(NO_NETWORK, encoding="utf-8")
    env = {"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    path = str(ROOT / CROISSANT_FILE)
    done = subprocess.run([sys.executable, "-m", "mlcroissant.scripts.validate", "--jsonld",
                           path], capture_output=True, text=True, timeout=TIMEOUT, env=env,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Done." in done.stderr
    assert not re.search(r"^[WEF]\d{4} ", done.stderr, re.MULTILINE), done.stderr
    read = subprocess.run([sys.executable, "-c", "import sys, mlcroissant as mlc; print(len("
                           "list(mlc.Dataset(sys.argv[1]).records('visits'))))", path],
                          capture_output=True, text=True, timeout=TIMEOUT, env=env,
                          cwd=tmp_path)
    assert read.returncode == 0, read.stderr
    assert int(read.stdout.split()[-1]) == len(bd.load("visits"))


def test_every_table_is_a_record_set_with_its_fields_and_keys(document):
    model = metadata.package(ROOT)
    sets = {r["@id"]: r for r in document["recordSet"]}
    assert list(sets) == model.table_names
    for name, schema in model.tables.items():
        record = sets[name]
        path = model.by_name[name].path
        assert [f["name"] for f in record["field"]] == schema.names
        assert [k["@id"] for k in record["key"]] == [f"{name}/{k}" for k in schema.primary_key]
        for field in record["field"]:
            assert field["source"] == {"fileObject": {"@id": path},
                                       "extract": {"column": field["name"]}}
        refs = {f["name"]: f["references"]["field"]["@id"] for f in record["field"]
                if "references" in f}
        expected = {own: f"{fk.target(name)}/{other}" for fk in schema.foreignKeys
                    for own, other in zip(fk.fields, fk.reference.fields, strict=True)
                    if fk.target(name) != name}
        assert refs == expected
    types = {f["dataType"] for r in document["recordSet"] for f in r["field"]}
    assert {"sc:Text", "sc:Integer", "sc:Float"} <= types


def test_every_file_is_a_file_object_with_the_descriptors_sha256(document):
    desc = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    objects = {o["contentUrl"]: o for o in document["distribution"]}
    assert sorted(objects) == sorted(r["path"] for r in desc["resources"])
    for res in desc["resources"]:
        obj = objects[res["path"]]
        assert obj["@type"] == "cr:FileObject"
        assert f"sha256:{obj['sha256']}" == res["hash"]
        assert obj["contentSize"] == f"{res['bytes']} B"


def test_dataset_facts_and_responsible_ai_fields(document):
    desc = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert document["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    assert (document["name"], document["version"]) == (desc["title"], desc["version"])
    assert document["license"] == desc["licenses"][0]["path"]
    assert document["citeAs"] == bd.cite("apa").strip()
    for key in ("rai:dataCollection", "rai:dataLimitations", "rai:dataBiases"):
        assert len(document[key]) > 100, key
    assert "five" in document["rai:dataCollection"]
    assert "one outlet" in document["rai:dataBiases"]


def test_stamp_keeps_it_in_step_and_the_validator_reports_it_stale(package_copy: Path):
    """After a data change, ``stamp`` rewrites an existing croissant.json (new hash, still
    valid); one left behind is a ``stale-croissant`` finding naming what differs."""
    (package_copy / CROISSANT_FILE).write_bytes((ROOT / CROISSANT_FILE).read_bytes())
    set_cell(package_copy, "trade", 1, "note", "a note changed after the last stamp")
    doc = json.loads(run_cli("validate", "--package", str(package_copy), "-f", "json").stdout)
    assert "hash-count" in {f["code"] for f in doc["findings"]}
    assert run_cli("stamp", "--package", str(package_copy)).returncode == 0
    assert run_cli("validate", "--package", str(package_copy)).returncode == 0
    rewritten = json.loads((package_copy / CROISSANT_FILE).read_text(encoding="utf-8"))
    assert rewritten == croissant(metadata.package(package_copy)) != croissant(
        metadata.package(ROOT))
    old = (ROOT / CROISSANT_FILE).read_text(encoding="utf-8")
    (package_copy / CROISSANT_FILE).write_text(old, encoding="utf-8")
    doc = json.loads(run_cli("validate", "--package", str(package_copy), "-f", "json").stdout)
    assert [(f["code"], f["value"]) for f in doc["findings"]] == [
        ("stale-croissant", "distribution")]
