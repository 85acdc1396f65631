"""Hostile input at the annotations export (``bdigest-data export --format annotations``)
and the anchor matching behind it: an ambiguous quote, quotes whose whitespace and markup
differ from the seed's, line ends and marks the normalisation folds, and legal lookalikes.
Each test states the promise it tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from helpers import rows, set_cell

from bdigest_data.text.evidence import Article, normalise, places

SEED = "seeds/000_bf67ec7b18639301.txt"


def stamped(pkg: Path) -> Path:
    assert run_cli("stamp", "--package", str(pkg)).returncode == 0
    return pkg


def article_of(row: dict[str, str]) -> str:
    source = next(r for r in rows(ROOT, "sources") if r["source_id"] == row["source_id"])
    seed = (ROOT / SEED).read_text(encoding="utf-8")
    return seed[int(source["char_start"]):int(source["char_end"])]


def test_an_ambiguous_quote_is_a_finding_and_exports_nothing(package_copy: Path,
                                                             tmp_path: Path) -> None:
    """A quote that occurs twice in its article is an ``ambiguous-quote`` finding naming
    the row, the field and both places; the export writes nothing rather than pick one."""
    row = rows(ROOT, "visits")[0]
    text = normalise(article_of(row))
    words = row["quote"].split()
    twice = next(" ".join(words[i:i + n]) for n in (3, 2, 1) for i in range(len(words) - n + 1)
                 if text.count(" ".join(words[i:i + n])) > 1)
    set_cell(package_copy, "visits", 1, "quote", twice)
    stamped(package_copy)
    doc = json.loads(run_cli("validate", "--package", str(package_copy), "-f", "json").stdout)
    found = [f for f in doc["findings"] if f["code"] == "ambiguous-quote"]
    assert [(f["table"], f["row"], f["field"]) for f in found] == [("visits", 1, "quote")]
    assert "lengthen it" in found[0]["message"] and str(text.count(twice)) in found[0]["message"]
    out = tmp_path / "a.jsonld"
    result = run_cli("export", "-f", "annotations", str(out), "--package", str(package_copy))
    assert result.returncode == 1 and "nothing written" in result.stderr
    assert "ambiguous-quote" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() and not list(tmp_path.glob(".bdigest-export-*"))


def test_a_quote_with_folded_whitespace_anchors_the_raw_text(package_copy: Path,
                                                             tmp_path: Path) -> None:
    """A quote pasted with extra spaces and line breaks (CRLF, CR, tabs) is still the
    row's evidence: valid, and its anchor's exact text is the seed's, not the quote's."""
    row = rows(ROOT, "visits")[0]
    mangled = row["quote"].replace(" ", " \r\n\t ", 3).replace(" ", "\r", 1)
    set_cell(package_copy, "visits", 1, "quote", mangled)
    stamped(package_copy)
    out = tmp_path / "a.jsonld"
    result = run_cli("export", "-f", "annotations", str(out), "--package", str(package_copy))
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    item = next(a for a in doc["first"]["items"] if a["id"] == f"#visits/{row['visit_id']}")
    position, quote = item["target"]["selector"]
    seed = (package_copy / SEED).read_text(encoding="utf-8")
    assert quote["exact"] == seed[position["start"]:position["end"]]
    assert "\r" not in quote["exact"] and normalise(quote["exact"]) == normalise(mangled)


def article(raw: str) -> Article:
    return Article("a", "seeds/x.txt", 10, 10 + len(raw), raw)


@pytest.mark.parametrize(("raw", "quote", "exact"), [
    # a link's label is text, its target never: the exact text keeps the brackets inside
    ("We saw [Minsk](#) today.", "saw Minsk today", "saw [Minsk](#) today"),
    ("We saw [Minsk](#) today.", "Minsk", "Minsk"),
    ("It cost **\\$5m** then.", "cost $5m then", "cost **\\$5m** then"),
    ("one\r\ntwo\rthree\n\nfour", "one two three four", "one\r\ntwo\rthree\n\nfour"),
    ("\ufeffStart here.", "Start here.", "Start here."),
    ("x  </script><!-- y", "</script><!-- y", "</script><!-- y"),
])
def test_places_map_the_normalised_match_back_to_raw_offsets(raw: str, quote: str,
                                                              exact: str) -> None:
    """Markup, escaped dollars, every kind of line end and a byte-order mark: the place is
    the raw span, offset by the article's start in its seed file."""
    art = article(raw)
    [(start, end)] = places(art, quote)
    assert raw[start - art.start:end - art.start] == exact


@pytest.mark.parametrize(("raw", "quote", "count"), [
    ("aaa", "aa", 2),  # overlapping occurrences count: either could be meant
    ("Minsk and minsk", "Minsk", 1),  # case is text: a lookalike in other case is not it
    ("Minsk and\nMinsk", "Minsk", 2),
    ("Minsk", "Moscow", 0),
    ("Minsk", "   ", 0),  # an empty quote has no place (structure reports it)
])
def test_every_place_is_counted(raw: str, quote: str, count: int) -> None:
    assert len(places(article(raw), quote)) == count
