"""What the README and the examples promise a newcomer in the first hour: install lines that
work before the package is on PyPI, tags the release routine really creates, no invented
address, and facts about the API and the checks that agree with the code."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

import bdigest_data as bd
from bdigest_data.catalogue import CATALOGUE
from bdigest_data.edtf import PRECISIONS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
VERSION = bd.__version__
# the tags RELEASING.md's routine creates for this version: the release and its major tag
RELEASE_TAG, MAJOR_TAG = f"v{VERSION}", f"v{VERSION.split('.')[0]}"


def section(heading: str) -> str:
    found = re.search(rf"^## {re.escape(heading)}[ \t]*$(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert found, f"README.md has no '## {heading}' section"
    return found.group(1)


def test_releasing_creates_the_release_tag_and_moves_the_major_tag():
    routine = (ROOT / "RELEASING.md").read_text(encoding="utf-8")
    assert re.search(r"git tag v0\.2\.0 && git tag -f v0\b", routine)
    assert "git push -f origin v0" in routine


def test_examples_pin_only_tags_the_release_routine_creates():
    action = (ROOT / "action.yml").read_text(encoding="utf-8")
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    pinned = {
        "action.yml": re.findall(r"uses: \S+/bdigest-data@(\S+)", action),
        ".pre-commit-hooks.yaml": re.findall(r"rev: (\S+)", hooks),
        "README.md": re.findall(r"bdigest-data@(v[\w.]+)", README),
        "CONTRIBUTING.md": re.findall(r"bdigest-data@(v[\w.]+)", CONTRIBUTING),
    }
    assert all(pinned.values()), pinned
    for where, tags in pinned.items():
        assert set(tags) <= {RELEASE_TAG, MAJOR_TAG}, (where, tags)
    assert pinned[".pre-commit-hooks.yaml"] == [RELEASE_TAG]  # pre-commit wants a fixed tag
    assert "<owner>" not in action + hooks + README + CONTRIBUTING


def test_no_address_is_invented_and_the_placeholders_say_so():
    """The repository has no public address: the package metadata and the citation files
    carry none (a marked placeholder instead), and the README says so."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "urls" not in project
    assert "# [project.urls]: not set yet" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    cff_text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    cff = yaml.safe_load(cff_text)
    assert "repository-code" not in cff and "url" not in cff and "doi" not in cff
    assert "# repository-code: not set yet" in cff_text
    zenodo = (ROOT / ".zenodo.json").read_text(encoding="utf-8")
    assert "http" not in zenodo and "doi" not in zenodo.lower()
    assert "not on PyPI yet" in section("Install") and "no public address" in section("Install")


def test_the_install_section_installs_today_and_marks_what_needs_publishing():
    install = section("Install")
    lines = re.findall(r"^```bash\n(.*?)^```", install, re.M | re.S)[0].splitlines()
    commands = [line.split("  #")[0].strip() for line in lines]
    assert commands == [f"pip install 'bdigest_data-{VERSION}-py3-none-any.whl[polars,duckdb]'",
                        "pip install '.[polars,duckdb]'"]
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["optional-dependencies"]
    for extra in set(extras) - {"test"}:
        assert f"`{extra}`" in install, extra
    assert "once the\npackage is published on PyPI" in install
    assert f"@v{VERSION}'` installs a release tag" in install


def test_the_all_tools_line_installs_every_tool_the_section_runs():
    ten = section("The data in ten seconds")
    line = re.search(r"for all of them, in a checkout: `([^`]+)`", ten.replace("\n", " "))
    assert line, "the 'for all of them' install line moved"
    for needed in ("polars", "duckdb", "datasette", "frictionless"):
        assert needed in line.group(1), needed
        assert needed in ten.replace(line.group(0), ""), f"{needed} is not used in the section"


def test_the_python_api_shows_the_tables_in_their_order():
    shown = re.search(r"^bd\.tables\(\)\s+# \[(.*?), \.\.\.\]$", README, re.M)
    assert shown, "the bd.tables() line of the Python API moved"
    listed = [name.strip(" '") for name in shown.group(1).split(",")]
    assert listed == bd.tables()[:len(listed)]


def test_the_precision_column_lists_every_precision_in_order():
    stated = re.search(r"`X_precision` \(ordered category (.*?);", README.replace("\n", " "))
    assert stated
    assert re.findall(r"`(\w+)`", stated.group(1)) == list(PRECISIONS)


def test_the_dataset_group_is_described_with_every_code():
    described = re.search(r"^- \*\*dataset\*\*:(.*?)(?=^\S)", README, re.M | re.S)
    assert described, "README.md does not describe the dataset check group"
    codes = {c.code for c in CATALOGUE if c.group == "dataset"}
    assert codes and codes == set(re.findall(r"`([a-z]+(?:-[a-z]+)+)`", described.group(1)))
