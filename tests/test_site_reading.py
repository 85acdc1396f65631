"""The site as a reader wants it (issue #22): dates in words, table pages that lead with
their key columns and explain their markers, the citation one entry a line, the codebook
and the reliability report on the site. Built from the real package; the layout in a real
browser is ``test_site_browser.py``'s."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import bdigest_data as bd
from bdigest_data.edtf import words
from bdigest_data.website.content import slug
from bdigest_data.website.layout import esc

# every form of EDTF date the tables hold, and how the site says it
SAID = {
    "2012": "2012", "2009/2013": "2009 to 2013", "2013-09": "September 2013",
    "2014-07-24": "24 July 2014", "2000~": "about 2000", "2012-04?": "possibly April 2012",
    "2011-22": "summer 2011", "2016-12": "December 2016", "2023-24": "winter 2023–2024",
    "2013-11-20/2013-11-21": "20 November 2013 to 21 November 2013",
}


def _form(value: str) -> str:
    """The shape of an EDTF value: seasons apart from months, digits as 9."""
    return re.sub(r"\d", "9", re.sub(r"(\d{4})-2[1-4](?!\d)", r"\1-S", value))


def _edtf_cells() -> dict[str, set[str]]:
    """Every EDTF value of the real package, by its form."""
    out: dict[str, set[str]] = {}
    for name in bd.tables():
        for field in bd.schema(name)["fields"]:
            if field.get("bdigest:edtf"):
                for value in bd.load(name)[field["name"]].dropna():
                    out.setdefault(_form(value), set()).add(value)
    return out


@pytest.mark.parametrize(("code", "said"), SAID.items())
def test_an_edtf_date_in_words(code: str, said: str) -> None:
    assert words(code) == said


def test_every_date_form_the_data_holds_is_said_in_words() -> None:
    cells = _edtf_cells()
    assert set(cells) <= {_form(c) for c in SAID}, set(cells) - {_form(c) for c in SAID}
    for values in cells.values():
        for value in values:
            said = words(value)
            assert said and not re.search(r"\d{4}-\d", said), (value, said)
    with pytest.raises(ValueError, match="not an EDTF date"):
        words("summer 2011")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return bd.site(tmp_path_factory.mktemp("site") / "out")


def _read(built: Path, page: str) -> str:
    return (built / page).read_text(encoding="utf-8")


def test_charts_and_cards_say_the_season_in_words(built: Path) -> None:
    trade = bd.load("trade")
    summer = trade.loc[trade["period"] == "2011-22"].iloc[0]
    svg = _read(built, "charts/trade.svg")
    assert "summer 2011" in svg and "2011-22" not in svg
    assert "summer 2011" in _read(built, "charts.html")
    card = re.search(rf'<li class="fact" id="card:{summer["trade_id"]}">.*?</li>',
                     _read(built, f"articles/{summer['source_id']}.html"), re.S).group(0)
    assert '<dd>summer 2011 <span class="edtf">(2011-22)</span></dd>' in card


def _header_and_rows(html: str) -> tuple[list[tuple[str, bool]], list[str]]:
    """(column name, hidden until asked) of each header cell, and the rows' classes."""
    head = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    columns = [(m.group(2), "more" in (m.group(1) or ""))
               for m in re.finditer(r'<th scope="col" aria-sort="none"( class="[^"]*")?>'
                                    r'<button type="button" class="sort">([^<]+)</button>',
                                    head)]
    return columns, re.findall(r'<tr id="[^"]+" class="([^"]+)"', html)


@pytest.mark.parametrize("table", ["visits", "arms_exports", "trade", "political_prisoners",
                                   "rankings", "participants"])
def test_a_fact_table_leads_with_its_key_columns_and_explains_its_markers(built, table):
    html = _read(built, f"tables/{table}.html")
    columns, classes = _header_and_rows(html)
    schema = bd.schema(table)
    shown = [n for n, hidden in columns if not hidden]
    assert [n for n, _ in columns] == [f["name"] for f in schema["fields"]]
    assert schema["primaryKey"][0] == shown[0] and len(shown) <= 10
    for f in schema["fields"]:  # the dates and the status are never off-screen
        if f.get("bdigest:edtf") or f["name"] in ("status", "value"):
            assert f["name"] in shown, f["name"]
    assert "quote" not in shown and "note" not in shown
    assert f"Show all {len(columns)} columns" in html  # and the rest, without script
    assert '<input type="checkbox" id="all-columns" class="all-columns">' in html
    legend = re.search(r'<ul class="legend".*?</ul>', html, re.S).group(0)
    for marker in {c for cls in classes for c in cls.split()}:
        assert f'class="swatch {marker}"' in legend, marker
    assert "in text" in legend


def test_table_pages_name_actors_persons_and_places_with_their_codes(built: Path) -> None:
    """A reader sees "Azerbaijan", not "AZE": each actor, person or place a fact row refers
    to is its name, linking to its page, with the code after it in small print; a date whose
    code does not read as a date (a season, an interval) has its words after it."""
    html = _read(built, "tables/visits.html")
    visit = bd.load("visits").iloc[0]
    actors, persons, places = bd.load("actors"), bd.load("persons"), bd.load("places")
    row = re.search(rf'<tr id="{visit["visit_id"]}".*?</tr>', html, re.S).group(0)
    for table, frame, key, value in (
            ("actors", actors, "actor_id", visit["host_actor"]),
            ("persons", persons, "person_id", visit["visitor_person"]),
            ("places", places, "place_id", visit["place_id"])):
        name = frame.loc[frame[key] == value, "name"].item()
        href = f"../{table}/{slug(str(value))}.html"
        assert f'<a href="{href}">{esc(name)}</a> <small class="code">{value}</small>' in row
    trade = _read(built, "tables/trade.html")
    assert '<td>2011-22 <small class="words">summer 2011</small></td>' in trade
    plain = next(p for p in bd.load("trade")["period"].dropna() if re.fullmatch(r"\d{4}", p))
    assert f"<td>{plain}</td>" in trade  # a year reads as it is written: no words after it


def test_a_lookup_table_leads_with_its_id_and_name(built: Path) -> None:
    columns, _ = _header_and_rows(_read(built, "tables/actors.html"))
    shown = [n for n, hidden in columns if not hidden]
    assert shown[:2] == ["actor_id", "name"] and len(shown) < len(columns)


def test_a_short_table_shows_every_column(built: Path) -> None:
    columns, _ = _header_and_rows(_read(built, "tables/persons.html"))
    assert columns and not any(hidden for _, hidden in columns)
    assert 'id="all-columns"' not in _read(built, "tables/persons.html")


def test_the_citation_lists_one_article_a_line(built: Path) -> None:
    html = _read(built, "index.html")
    block = re.search(r'<div class="citation">(.*?)</div>', html, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", block)
    assert len(items) == len(bd.sources()) and all("Belarus Digest" in i for i in items)


def test_the_codebook_and_reliability_report_are_pages_linked_from_tables_and_cards(built):
    codebook, reliability = _read(built, "codebook.html"), _read(built, "reliability.html")
    assert '<h2 id="5-visits-and-meetings-visits">' in codebook
    assert '<a href="dictionary.html">data dictionary</a>' in codebook
    assert "<table" in reliability and '<a href="codebook.html">' in reliability
    for name in bd.tables():
        html = _read(built, f"tables/{name}.html")
        assert 'href="../codebook.html' in html and 'href="../reliability.html"' in html
    visits = _read(built, "tables/visits.html")
    assert 'href="../codebook.html#5-visits-and-meetings-visits"' in visits
    for article in (built / "articles").glob("*.html"):
        html = article.read_text(encoding="utf-8")
        cards = re.findall(r'<li class="fact" id="card:.*?<p class="fact-links">(.*?)</p>',
                           html, re.S)
        assert cards and all("../codebook.html" in c and "../reliability.html" in c
                             for c in cards), article.name


def test_the_map_is_vector_borders_and_names(built: Path) -> None:
    svg = _read(built, "charts/map.svg")
    assert "<image" not in svg  # no raster basemap
    assert svg.count("<path") > 50  # land, lakes and borders as paths
    places = bd.load("places").set_index("place_id")
    visits = bd.load("visits").dropna(subset=["place_id"])
    for place in set(visits["place_id"]):
        assert f"{places.loc[place, 'name']} (" in svg, place  # each place and its rows
    actors = bd.load("actors").set_index("actor_id")
    for capital in ("BLR", "LTU", "AZE"):  # countries named at their capitals
        assert actors.loc[capital, "name"].upper() in svg, capital
