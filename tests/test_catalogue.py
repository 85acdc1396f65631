"""The error catalogue lists every finding code; the check registry ties checks to groups."""

from __future__ import annotations

import ast
from pathlib import Path

import conftest

from bdigest_data.findings import Finding
from bdigest_data.validation import GROUPS, catalogue, registry

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "bdigest_data"


def _literal_codes() -> dict[str, str]:
    """code -> file of every string literal given as a finding's code in the sources:
    ``Finding("code", …)`` / ``Finding(code="code", …)`` and the validators' helpers that
    take the code first or second (``_finding(td, "code", …)``, ``Issue("code", …)``)."""
    found: dict[str, str] = {}
    makers = {"Finding": 0, "Issue": 0, "UnsafePathError": 0, "finding": 0, "_finding": 1}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in makers:
                continue
            args = [kw.value for kw in node.keywords if kw.arg == "code"]
            if len(node.args) > makers[name]:
                args.append(node.args[makers[name]])
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found[arg.value] = str(path.relative_to(ROOT))
    return found


def test_every_code_written_in_the_sources_is_in_the_catalogue():
    codes = _literal_codes()
    assert len(codes) > 30
    missing = {c: f for c, f in codes.items() if c not in catalogue.CODES}
    assert not missing, f"add these codes to bdigest_data/validation/catalogue.py: {missing}"


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
