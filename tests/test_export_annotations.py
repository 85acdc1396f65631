"""Annotations export: one W3C Web Annotation per fact row, each selector slicing its exact
text out of the raw seed file, both selectors naming the same text as the validator's
match, and the site's row cards showing the same anchor."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from helpers import rows

import bdigest_data as bd
from bdigest_data.text.evidence import normalise

FACTS = [n for n in bd.tables() if bd.schema(n).get("bdigest:role") == "facts"]


@pytest.fixture(scope="module")
def collection(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("annotations") / "evidence.jsonld"
    result = run_cli("export", "--format", "annotations", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(out)]
    return json.loads(out.read_text(encoding="utf-8"))


def fact_rows() -> dict[tuple[str, str], dict[str, str]]:
    """Every fact row of the real package as written, by (table, id)."""
    out = {}
    for name in FACTS:
        key = bd.schema(name)["primaryKey"][0]
        out |= {(name, r[key]): r for r in rows(ROOT, name)}
    return out


def test_a_collection_of_one_annotation_per_fact_row(collection):
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["type"] == "AnnotationCollection"
    page = collection["first"]
    assert page["type"] == "AnnotationPage" and page["startIndex"] == 0
    assert collection["last"] == page["id"]
    items = page["items"]
    facts = fact_rows()
    assert collection["total"] == len(items) == len(facts) > 100
    assert len({a["id"] for a in items}) == len(items)
    named = []
    for a in items:
        assert a["type"] == "Annotation" and a["motivation"] == "describing"
        body = a["body"]
        assert body["type"] == "TextualBody"
        m = re.fullmatch(r"bdigest-data (\S+), table (\w+), row (\S+)", body["value"])
        assert m and m[1] == bd.__version__, body
        assert a["id"] == f"#{m[2]}/{m[3]}"
        named.append((m[2], m[3]))
    assert sorted(named) == sorted(facts)


def test_every_selector_slices_its_exact_text_out_of_the_seed(collection):
    facts = fact_rows()
    sources = {r["source_id"]: r for r in rows(ROOT, "sources")}
    seeds: dict[str, str] = {}
    for a in collection["first"]["items"]:
        target = a["target"]
        assert target["type"] == "SpecificResource"
        source = target["source"]
        assert not Path(source).is_absolute() and ".." not in source
        with (ROOT / source).open(encoding="utf-8", newline="") as fh:  # raw: no newline
            seed = seeds.setdefault(source, fh.read())                   # translation
        position, quote = target["selector"]
        assert position["type"] == "TextPositionSelector"
        assert quote["type"] == "TextQuoteSelector"
        start, end = position["start"], position["end"]
        assert seed[start:end] == quote["exact"]
        assert seed[start - len(quote["prefix"]):start] == quote["prefix"]
        assert seed[end:end + len(quote["suffix"])] == quote["suffix"]
        assert len(quote["prefix"]) == min(32, start)
        # the row's own quote, in the row's own article, in exactly one place
        table, rid = a["id"][1:].split("/")
        row = facts[(table, rid)]
        article = sources[row["source_id"]]
        assert source == article["seed_file"]
        assert int(article["char_start"]) <= start < end <= int(article["char_end"])
        assert normalise(quote["exact"]) == normalise(row["quote"])
        text = normalise(seed[int(article["char_start"]):int(article["char_end"])])
        needle = normalise(row["quote"])
        assert text.count(needle) == 1 and text.find(needle, text.find(needle) + 1) == -1


def test_raw_markup_and_line_breaks_are_kept_in_exact(collection):
    """The exact text is the seed's, not the row's quote: where they differ (a link, a
    line break, an escaped dollar) the quote still matches it once normalised."""
    facts = fact_rows()
    differ = [a for a in collection["first"]["items"]
              if a["target"]["selector"][1]["exact"] != facts[tuple(a["id"][1:].split("/"))]
              ["quote"]]
    assert differ, "the real data has quotes that drop markup or fold line breaks"


def test_the_python_api_writes_the_same_document(collection, tmp_path):
    out = tmp_path / "a.jsonld"
    assert bd.export("annotations", out) == [out]
    assert json.loads(out.read_text(encoding="utf-8")) == collection


CARD_ANCHOR = re.compile(
    r'<li class="fact" id="card:(?P<rid>[^"]+)">.*?<div class="anchor-ref" '
    r'data-start="(?P<start>\d+)" data-end="(?P<end>\d+)"><p [^>]*>evidence: '
    r'<a href="(?P<href>[^"]*)" class="to-anchor"><code>(?P<source>[^<]*)</code> characters '
    r'(?P<start2>\d+)–(?P<end2>\d+)</a></p><p class="anchor-quote" [^>]*>'
    r'<span class="prefix">(?P<prefix>[^<]*)</span><span class="exact">(?P<exact>[^<]*)</span>'
    r'<span class="suffix">(?P<suffix>[^<]*)</span></p></div>', re.DOTALL)


def card_anchors(page: Path) -> dict[str, dict[str, str]]:
    """Each fact card's anchor on ``page``, by row id, its texts unescaped."""
    text = page.read_text(encoding="utf-8")
    found = {m["rid"]: {k: html.unescape(v) for k, v in m.groupdict().items()}
             for m in CARD_ANCHOR.finditer(text)}
    assert len(found) == text.count('<li class="fact" id="card:'), page.name
    return found


def test_row_cards_show_the_same_anchor_linked_to_the_highlight(collection, tmp_path):
    """Every card, on its article page and on each actor, person and place page it is on,
    shows its annotation's TextPositionSelector (seed file, start, end; linked to the
    highlight) and TextQuoteSelector (exact, prefix, suffix), as the export writes them."""
    site = bd.site(tmp_path / "site")
    items = {a["id"]: a["target"] for a in collection["first"]["items"]}
    facts = fact_rows()
    where = {rid: table for table, rid in facts}
    seen: dict[str, int] = {}
    for page in sorted(site.glob("*/*.html")):
        if page.parent.name == "tables":
            continue
        for rid, shown in card_anchors(page).items():
            table = where[rid]
            target = items[f"#{table}/{rid}"]
            position, quote = target["selector"]
            assert (shown["source"], shown["start"], shown["end"]) == (
                target["source"], str(position["start"]), str(position["end"]))
            assert (shown["start2"], shown["end2"]) == (shown["start"], shown["end"])
            assert {k: shown[k] for k in ("exact", "prefix", "suffix")} == {
                k: quote[k] for k in ("exact", "prefix", "suffix")}
            article = f"{facts[(table, rid)]['source_id']}.html"
            if page.parent.name == "articles" and page.name == article:
                assert shown["href"] == f"#{rid}"
            else:
                assert shown["href"] == f"../articles/{article}#{rid}"
            assert f'id="{rid}"' in (site / "articles" / article).read_text(encoding="utf-8")
            seen[rid] = seen.get(rid, 0) + 1
    assert set(seen) == {rid for _, rid in facts}
    assert any(n > 1 for n in seen.values())  # cards on entity pages were checked too


def test_a_card_anchor_escapes_its_seed_text():
    """The anchor's texts come from the seed file: markup in them stays text."""
    from types import SimpleNamespace

    from bdigest_data.loader.anchors import Anchor
    from bdigest_data.website.pages import _anchor

    hostile = "</span></p><script>window.__pwned=1</script><img src=x onerror=1>"
    anchor = Anchor("visits", "v-1", "a", 'seeds/"x".txt', 3, 9, f"<b>{hostile}",
                    f"{hostile}&amp;", f'"{hostile}')
    data = SimpleNamespace(anchors={("visits", "v-1"): anchor})
    out = _anchor(data, "visits", "v-1", '#v-1"><script>')
    assert "<script" not in out and "<img" not in out and "<b>" not in out
    m = re.search(r'<span class="prefix">([^<]*)</span><span class="exact">([^<]*)</span>'
                  r'<span class="suffix">([^<]*)</span>', out)
    assert m and [html.unescape(g) for g in m.groups()] == [
        anchor.prefix, anchor.exact, anchor.suffix]
    assert 'href="#v-1&quot;&gt;&lt;script&gt;"' in out
    assert _anchor(SimpleNamespace(anchors={}), "visits", "v-1", "#v-1") == ""
