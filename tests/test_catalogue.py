"""The error catalogue lists every finding code; the check registry ties checks to groups."""

from __future__ import annotations

import ast
from pathlib import Path

import conftest

from bdigest_data import catalogue
from bdigest_data.findings import Finding
from bdigest_data.validation import GROUPS, registry

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "bdigest_data"


def _written_codes(source: str) -> list[tuple[str, int]]:
    """(code, line) of every string in ``source`` that is a catalogued code (docstrings
    aside)."""
    tree = ast.parse(source)
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and n.body and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)}
    return [(n.value, n.lineno) for n in ast.walk(tree) if isinstance(n, ast.Constant)
            and isinstance(n.value, str) and n.value in catalogue.CODES and id(n) not in docs]


def test_no_finding_code_is_written_as_a_string_outside_the_catalogue():
    found = sorted((str(p.relative_to(SRC)), line, code) for p in SRC.rglob("*.py")
                   if p.name != "catalogue.py"
                   for code, line in _written_codes(p.read_text(encoding="utf-8")))
    assert not found, ("import the code's constant from bdigest_data.catalogue instead: "
                       f"{found}")
    assert _written_codes('"""a docstring may name "primary-key"."""\nx = "link-cycle"\n') \
        == [("link-cycle", 2)]


def test_every_code_is_a_constant_named_after_it():
    for c in catalogue.CATALOGUE:
        assert getattr(catalogue, c.upper().replace("-", "_")) is c
        assert c == c.code and type(c.code) is str
    assert len(catalogue.CATALOGUE) > 60
    finding = Finding(catalogue.LINK_CYCLE, "m")
    assert type(finding.code) is str and finding.to_dict()["code"] == "link-cycle"


def test_every_entry_is_complete_and_in_a_known_group():
    assert len(catalogue.CODES) == len(catalogue.CATALOGUE)
    for c in catalogue.CATALOGUE:
        assert c.group in catalogue.GROUP_ORDER, c
        assert c.title and c.description and c.example, c
    assert set(GROUPS) <= set(catalogue.GROUP_ORDER)


def test_every_registered_check_reports_codes_of_its_own_group():
    checks = registry.checks()
    folders = {p.parent.name for p in (ROOT / "src" / "bdigest_data" / "validation" / "checks")
               .glob("*/__init__.py")}
    assert {c.group for c in checks} == set(registry.groups()) == set(GROUPS) == folders
    assert {c.scope for c in checks if c.group in registry.PACKAGE_GROUPS} == {"package"}
    for check in checks:
        assert check.codes, check.name
        for code in check.codes:
            assert catalogue.CODES[code].group == check.group, (check.name, code)
    claimed = {code for check in checks for code in check.codes}
    for c in catalogue.CATALOGUE:
        if c.group in registry.groups():
            assert c.code in claimed, f"no registered check reports {c.code}"


def test_the_findings_doc_is_generated_from_the_catalogue():
    text = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    assert text == catalogue.render(), "run python scripts/build_data_dictionary.py"
    for c in catalogue.CATALOGUE:
        assert f"| `{c.code}` |" in text


def test_a_finding_with_an_unknown_code_fails_the_run():
    Finding("no-such-code", "made up")
    assert "no-such-code" in conftest.UNCATALOGUED
    conftest.UNCATALOGUED.discard("no-such-code")  # this one was on purpose
