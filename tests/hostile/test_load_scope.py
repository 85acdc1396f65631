"""Hostile packages for ``load(name)``'s selection (#22): what is wrong with a table it does
not read is a ``PackageFaultWarning`` (never an ``internal-error``, never a traceback);
what is wrong with the table or one it refers to is a ``ValidationError``; a path that
leaves the package is never opened, whichever table it belongs to."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import bdigest_data as bd


def _descriptor(pkg: Path, change) -> None:
    path = pkg / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    change({r["name"]: r for r in desc["resources"]})
    path.write_text(json.dumps(desc, indent=2), encoding="utf-8")


def _warned(pkg: Path, name: str = "visits") -> list[bd.Finding]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert len(bd.load(name, path=pkg))
    found = [w.message for w in caught if isinstance(w.message, bd.PackageFaultWarning)]
    assert len(found) == 1, [str(w.message) for w in caught]
    return found[0].findings


def _missing(pkg: Path) -> None:
    (pkg / "data" / "rankings.csv").unlink()


def _outside(pkg: Path) -> None:
    (pkg.parent / "secret.csv").write_text("secret\n", encoding="utf-8")
    _descriptor(pkg, lambda r: r["rankings"].update(path="../secret.csv"))


def _directory(pkg: Path) -> None:
    (pkg / "data" / "rankings.csv").unlink()
    (pkg / "data" / "rankings.csv").mkdir()


def _schema_garbage(pkg: Path) -> None:
    (pkg / "schemas" / "rankings.json").write_text('{"fields": 5}', encoding="utf-8")


def _not_utf8(pkg: Path) -> None:
    path = pkg / "data" / "rankings.csv"
    path.write_bytes(path.read_bytes().replace(b"e", b"\xe9", 3))


def _unstamped(pkg: Path) -> None:
    _descriptor(pkg, lambda r: (r["rankings"].pop("hash"), r["rankings"].pop("bytes")))


@pytest.mark.parametrize("breaking", [_missing, _outside, _directory, _schema_garbage,
                                      _not_utf8, _unstamped], ids=lambda f: f.__name__[1:])
def test_a_hostile_unrelated_table_warns_and_names_it(package_copy, breaking):
    breaking(package_copy)
    findings = _warned(package_copy)
    assert findings and {f.table for f in findings} == {"rankings"}
    with pytest.raises(bd.ValidationError):
        bd.load_all(path=package_copy)
    assert not bd.validate(package_copy).valid


@pytest.mark.parametrize("breaking", [_missing, _outside, _directory, _schema_garbage,
                                      _not_utf8], ids=lambda f: f.__name__[1:])
def test_the_same_faults_in_the_table_asked_for_refuse(package_copy, breaking):
    breaking(package_copy)
    with pytest.raises(bd.ValidationError) as info:
        bd.load("rankings", path=package_copy)
    assert "rankings" in {f.table for f in info.value.findings}


def test_a_table_referred_to_by_a_broken_key_blocks(package_copy):
    """actors is referred to by visits: a missing actors file stops load('visits')."""
    (package_copy / "data" / "actors.csv").unlink()
    with pytest.raises(bd.ValidationError):
        bd.load("visits", path=package_copy)


def test_a_legal_unusual_package_loads_without_a_warning(package_copy):
    """A reversed resource order and an extra plain resource are no fault."""
    from bdigest_data.metadata.files import PackageFiles

    (package_copy / "NOTES.txt").write_text("notes\n", encoding="utf-8")
    size, digest = PackageFiles(package_copy).stamp("NOTES.txt")
    path = package_copy / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    desc["resources"] = [*reversed(desc["resources"]),
                         {"name": "notes", "path": "NOTES.txt", "bytes": size, "hash": digest}]
    path.write_text(json.dumps(desc, indent=2), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error", bd.PackageFaultWarning)
        assert len(bd.load("visits", path=package_copy))
