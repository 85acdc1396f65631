"""``bdigest-data locate``: where a quote is, or the closest passage and what differs."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from conftest import ROOT, run_cli
from helpers import rows

SEED = next((ROOT / "seeds").glob("000_*.txt"))


def first_quote() -> dict[str, str]:
    return rows(ROOT, "trade")[0]


def test_a_quote_of_the_data_is_found_with_offsets_line_and_context() -> None:
    row = first_quote()
    result = run_cli("locate", row["quote"], "-f", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    (match,) = doc["matches"]
    assert doc["found"] is True and match["source_id"] == row["source_id"]
    seed = SEED.read_text(encoding="utf-8")
    assert seed[match["start"]:match["end"]] == row["quote"]  # plain text: the exact span
    assert seed.count("\n", 0, match["start"]) + 1 == match["line"]
    assert match["text"] == row["quote"] and match["before"] and match["after"]
    text = run_cli("locate", row["quote"], "--source", row["source_id"])
    assert f"found in article '{row['source_id']}': {SEED.relative_to(ROOT)} characters " \
           f"{match['start']}-{match['end']}, line {match['line']}" in text.stdout


def test_the_normalisation_is_the_provenance_checks() -> None:
    """Line breaks, link markup and \\$ as in the seed are read as provenance reads them."""
    seed = SEED.read_text(encoding="utf-8")
    start = seed.index("exports were worth just of \\$97m")
    raw = seed[start:start + 60]
    result = run_cli("locate", raw.replace(" ", "\n  ", 2), "-f", "json")
    doc = json.loads(result.stdout)
    assert doc["found"] and doc["matches"][0]["start"] == start
    assert "\\$ in the quote reads as $ (as in the seed)" in doc["notes"]


def differences(text: str, *args: str) -> tuple[dict, list[dict]]:
    result = run_cli("locate", text, "-f", "json", *args)
    assert result.returncode == 1, result.stdout + result.stderr
    doc = json.loads(result.stdout)
    assert doc["found"] is False
    return doc["closest"], doc["differences"]


def test_a_homoglyph_is_shown_with_both_code_points() -> None:
    quote = first_quote()["quote"]
    fake = quote.replace("o", "\u043e", 1)  # CYRILLIC SMALL LETTER O
    closest, (diff,) = differences(fake)
    assert closest["text"] == quote
    assert (diff["quote"], diff["article"]) == ("\u043e", "o")
    assert "homoglyph" in diff["cause"]
    text = run_cli("locate", fake).stdout
    assert "U+043E CYRILLIC SMALL LETTER O" in text and "U+006F LATIN SMALL LETTER O" in text


def test_a_decomposed_accent_is_named() -> None:
    passage = "Military-Industrial Committee Chairman Alieh Dvihalio\u016d"
    assert run_cli("locate", passage).returncode == 0
    closest, (diff,) = differences(unicodedata.normalize("NFD", passage))
    assert closest["text"].endswith("Dvihalio\u016d")
    assert diff["article"] == "\u016d" and diff["quote"] == "u\u0306"
    assert "(NFD)" in diff["cause"]


def test_a_dropped_dollar_is_named() -> None:
    closest, diffs = differences("exports were worth just of 97m (with 69m in")
    assert closest["text"] == "exports were worth just of $97m (with $69m in"
    assert [(d["quote"], d["article"]) for d in diffs] == [("", "$"), ("", "$")]
    assert "single quotes" in diffs[0]["cause"]


def test_a_no_break_space_is_read_as_a_space_and_said() -> None:
    quote = first_quote()["quote"]
    result = run_cli("locate", quote.replace(" ", "\u00a0", 1))
    assert result.returncode == 0
    assert "note: U+00A0 NO-BREAK SPACE in the quote reads as a space" in result.stdout


def test_source_limits_the_search_and_an_unknown_source_is_a_usage_error() -> None:
    row = first_quote()
    other = next(r["source_id"] for r in rows(ROOT, "sources")
                 if r["source_id"] != row["source_id"])
    elsewhere = run_cli("locate", row["quote"], "--source", other, "-f", "json")
    assert elsewhere.returncode == 1
    closest = json.loads(elsewhere.stdout)["closest"]
    assert closest is None or closest["source_id"] == other
    own = run_cli("locate", row["quote"], "--source", row["source_id"])
    assert own.returncode == 0
    bad = run_cli("locate", row["quote"], "--source", "no-such-article")
    assert bad.returncode == 2 and "no such article" in bad.stderr


def test_locate_reads_a_package_copy(package_copy: Path) -> None:
    result = run_cli("locate", first_quote()["quote"], "--package", str(package_copy))
    assert result.returncode == 0 and "found in article" in result.stdout


def test_nothing_close_and_an_empty_quote() -> None:
    far = run_cli("locate", "zzzz qqqq xxxx")
    assert far.returncode == 1 and "no passage is close" in far.stdout
    assert "closest passage" not in far.stdout
    empty = run_cli("locate", "  ")
    assert empty.returncode == 2 and "TEXT is empty" in empty.stderr
    many = run_cli("locate", "the")
    assert many.returncode == 0 and "more places (--format json lists them all)" in many.stdout
