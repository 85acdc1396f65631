"""One finding for one mistake (#22): a cell that does not parse, or a quote that is not in
its article, is reported once; the checks that depend on it skip it. Each case makes one
mistake in a copy of the real package, re-stamps it (so no hash finding is counted) and
counts the findings of the real ``bdigest-data validate`` command. Before the change
these mistakes gave 3, 4, 71 and 3 findings."""

from __future__ import annotations

import json
import shlex

import pytest
from conftest import run_cli
from helpers import cell, set_cell

from bdigest_data.release.stamp import stamp


def _misspelt(pkg, table: str, row: int, old: str, new: str) -> None:
    quote = cell(pkg, table, row, "quote")
    assert old in quote
    set_cell(pkg, table, row, "quote", quote.replace(old, new, 1))


MISTAKES = {
    # a malformed value: was also unit-missing and measure-missing (the unit is there)
    "malformed-value": (lambda p: set_cell(p, "trade", 3, "value", "1bn"),
                        ("type-error", "trade", 3, "value")),
    # a month 13: was also invalid-date and two derivation-incomplete in derivations
    "impossible-date": (lambda p: set_cell(p, "visits", 1, "start_date", "2016-13"),
                        ("constraint-error", "visits", 1, "start_date")),
    # an article's offset that is no number: was also 7 variant-not-found and 63
    # sentence-error ("the article is not in sources")
    "malformed-offset": (lambda p: set_cell(p, "sources", 1, "char_start", "x"),
                         ("type-error", "sources", 1, "char_start")),
    # a misspelt quote: was also two unaccounted-sentence of its article
    "misspelt-trade-quote": (lambda p: _misspelt(p, "trade", 3, "$1bn", "$2bn"),
                             ("quote-not-found", "trade", 3, "quote")),
    # a misspelt quote: was also figure-not-in-quote for its date
    "misspelt-visit-quote": (lambda p: _misspelt(p, "visits", 1, "October", "Octobar"),
                             ("quote-not-found", "visits", 1, "quote")),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_one_mistake_gives_one_finding(package_copy, mistake):
    make, expected = MISTAKES[mistake]
    make(package_copy)
    stamp(package_copy)
    result = run_cli("validate", "--package", str(package_copy), "--format", "json")
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["table"], f["row"], f["field"]) for f in findings] == [expected]


def test_an_independent_mistake_on_another_row_is_still_reported(package_copy):
    """Skipping is per row and field: a second mistake elsewhere keeps its finding."""
    set_cell(package_copy, "trade", 3, "value", "1bn")
    set_cell(package_copy, "trade", 4, "unit", "")
    stamp(package_copy)
    result = run_cli("validate", "--package", str(package_copy), "--format", "json")
    codes = [(f["code"], f["row"]) for f in json.loads(result.stdout)["findings"]]
    assert ("type-error", 3) in codes and ("unit-missing", 4) in codes
    assert [c for c in codes if c[1] == 3] == [("type-error", 3)]


def test_a_quote_not_found_shows_its_closest_passage_and_the_locate_command(package_copy):
    """The finding shows what ``bdigest-data locate`` shows (one implementation, one
    normalisation), and the command it names, run as written, finds the same passage."""
    _misspelt(package_copy, "visits", 1, "October", "Octobar")
    stamp(package_copy)
    result = run_cli("validate", "--package", str(package_copy), "--format", "json")
    (finding,) = json.loads(result.stdout)["findings"]
    message = finding["message"]
    assert "closest passage (seeds/000_bf67ec7b18639301.txt line 5" in message
    assert "“On 8 October 2017, Defence Minister" in message
    assert "quote “a” (U+0061 LATIN SMALL LETTER A) where the article has “e”" in message
    command = message.split("compare them with: ", 1)[1]
    args = shlex.split(command)
    assert args[:4] == ["bdigest-data", "locate", "--source", "azerbaijan-independence"]
    located = run_cli(*args[1:], "--package", str(package_copy), "--format", "json")
    assert located.returncode == 1  # not found: the closest passage
    closest = json.loads(located.stdout)["closest"]
    assert (closest["line"], closest["start"], closest["end"]) == (5, 62, 209)
    assert f"characters {closest['start']}-{closest['end']}" in message
