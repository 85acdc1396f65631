"""The committed data dictionary is generated from the schemas and data, and up to date."""

from __future__ import annotations

import subprocess

import conftest
import pytest
from conftest import ROOT

import bdigest_data
from bdigest_data.dictionary import OUTPUT, render
from bdigest_data.loader.columns import table_columns

SCRIPT = ROOT / "scripts" / "build_data_dictionary.py"


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    """The script's ``main`` run in-process (its own start-up is tested by CI's --check)."""
    return conftest.run_script(SCRIPT, *args)


def test_committed_dictionary_is_up_to_date():
    committed = (ROOT / OUTPUT).read_text(encoding="utf-8")
    assert committed == render(ROOT), (
        f"{OUTPUT} is out of date: run python scripts/build_data_dictionary.py"
    )


def test_check_fails_when_data_or_schema_change_until_regenerated(package_copy):
    out = package_copy / OUTPUT
    assert run_script("--package", str(package_copy)).returncode == 0
    assert run_script("--check", "--package", str(package_copy)).returncode == 0

    data = package_copy / "data" / "rankings.csv"
    lines = data.read_text(encoding="utf-8").splitlines(keepends=True)
    data.write_text("".join(lines[:-1]), encoding="utf-8")  # one row fewer
    stale = run_script("--check", "--package", str(package_copy))
    assert stale.returncode == 1
    assert "out of date" in stale.stderr
    assert run_script("--package", str(package_copy)).returncode == 0
    assert f"- Rows: {len(lines) - 2}\n" in out.read_text(encoding="utf-8")
    assert run_script("--check", "--package", str(package_copy)).returncode == 0

    schema = package_copy / "schemas" / "rankings.json"
    schema.write_text(schema.read_text(encoding="utf-8").replace(
        "One row per state's position in an index.", "One row per ranking."), encoding="utf-8")
    assert run_script("--check", "--package", str(package_copy)).returncode == 1
    assert run_script("--package", str(package_copy)).returncode == 0
    assert "| One row per ranking. |" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("table", bdigest_data.tables())
def test_every_table_and_column_is_described_with_its_row_count(table):
    text = render(ROOT)
    section = text.split(f"\n## {table}\n", 1)[1].split("\n## ", 1)[0]
    schema = bdigest_data.schema(table)
    assert schema["bdigest:grain"] in section
    assert f"- Rows: {len(bdigest_data.load(table, validate=False))}\n" in section
    for col in table_columns(schema):
        assert f"| `{col.name}` |" in section
    assert len(section.strip().splitlines()) == 9 + len(table_columns(schema))


def test_the_events_view_and_what_else_is_built_are_described(tmp_path):
    """The events view's every column, in the order bd.events() gives them, with its
    description; the panels, the annotations and croissant.json named; the site's
    dictionary page says the same."""
    text = render(ROOT)
    view = text.split("\n## events (view)\n", 1)[1].split("\n## ", 1)[0]
    columns = [line.split("`")[1] for line in view.splitlines() if line.startswith("| `")]
    assert columns == list(bdigest_data.events().columns)
    assert "`bdigest_data.events()`" in view and "`events.parquet`" in view
    also = text.split("\n## Also built\n", 1)[1]
    for name in ("bdigest_data.dyad_years()", "bdigest_data.state_years()", "ccode1",
                 "gwcode", "export --format annotations", "TextPositionSelector",
                 "croissant.json", "schema.org"):
        assert name in also, name
    page = (bdigest_data.site(tmp_path / "site") / "dictionary.html").read_text(
        encoding="utf-8")
    assert '<h2 id="events">events (view)</h2>' in page
    assert all(f"<code>{c}</code>" in page for c in columns)
    assert "<code>croissant.json</code>" in page and '<h2 id="also-built">' in page
