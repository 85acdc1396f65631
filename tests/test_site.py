"""``bdigest-data site``: what it writes from the real package, and what it refuses to do.

The browser behaviour (highlights, links, filtering, screenshots) is in
``test_site_browser.py``; here the built files are read as HTML.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from helpers import rows, set_cell

import bdigest_data as bd
from bdigest_data import ValidationError

FACTS = [n for n in bd.tables() if bd.schema(n).get("bdigest:role") == "facts"]


class _Ids(HTMLParser):
    """Every id in a page, and the (href, text) of every link."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        if d.get("id"):
            self.ids.append(d["id"])
        if tag == "a" and d.get("href"):
            self.hrefs.append(d["href"])


def _parse(path: Path) -> _Ids:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return bd.site(tmp_path_factory.mktemp("site") / "out")


def _fact_rows() -> list[tuple[str, str, str]]:
    """(table, row id, source_id) of every fact row of the real package."""
    out = []
    for name in FACTS:
        key = bd.schema(name)["primaryKey"][0]
        frame = bd.load(name)
        out += [(name, rid, src) for rid, src in zip(frame[key], frame["source_id"],
                                                      strict=True)]
    return out


def test_every_fact_row_has_exactly_one_element_with_its_id_on_its_article_page(built):
    facts = _fact_rows()
    assert len(facts) > 50
    by_article: dict[str, list[str]] = {}
    for _, rid, src in facts:
        by_article.setdefault(src, []).append(rid)
    for src, ids in by_article.items():
        page = _parse(built / "articles" / f"{src}.html")
        assert [i for i in ids if page.ids.count(i) != 1] == [], src
        # and the anchor is a highlight's, not the fallback list of unplaced quotes
        text = (built / "articles" / f"{src}.html").read_text(encoding="utf-8")
        assert "not in the rendered text" not in text, src


def test_table_rows_carry_their_ids_and_link_to_their_highlight(built):
    for name, rid, src in _fact_rows():
        page = _parse(built / "tables" / f"{name}.html")
        assert rid in page.ids
        assert f"../articles/{src}.html#{rid}" in page.hrefs


def test_every_relative_link_resolves_to_a_file_and_an_id(built):
    pages = {p: _parse(p) for p in built.rglob("*.html")}
    broken = []
    for path, page in pages.items():
        for href in page.hrefs:
            if re.match(r"^[a-z]+:", href):
                continue  # the licence's address
            target, _, frag = href.partition("#")
            dest = (path.parent / target).resolve() if target else path
            if not dest.is_file() or (frag and frag not in pages[dest].ids):
                broken.append((path.name, href))
    assert broken == []


def test_index_states_tables_counts_version_licence_citation_and_coverage(built):
    html = (built / "index.html").read_text(encoding="utf-8")
    for name in bd.tables():
        assert f'href="tables/{name}.html"' in html
        assert f'href="dictionary.html#{name}"' in html
        assert f'<td class="num">{len(bd.load(name))}</td>' in html
    assert bd.__version__ in html
    assert "CC-BY-4.0" in html or "Creative Commons" in html
    assert "@" in html and "bibtex" in html.lower()  # the BibTeX entry
    for src in bd.sources()["source_id"]:
        assert f'href="articles/{src}.html"' in html
    assert "figures" in html and "covered" in html


def test_charts_are_svg_with_alt_text_caption_and_links_to_rows(built):
    html = (built / "charts.html").read_text(encoding="utf-8")
    for name in ("visits", "map", "arms", "trade"):
        svg = built / "charts" / f"{name}.svg"
        assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
        assert f'src="charts/{name}.svg" alt="' in html
    assert html.count("<figcaption>") == len(list((built / "charts").glob("*.svg")))
    assert 'href="tables/visits.html#visit-001"' in html
    assert "SIPRI" in html  # arms figures say whose they are


def test_actor_pages_list_the_facts_that_name_them(built):
    page = (built / "actors" / "AZE.html").read_text(encoding="utf-8")
    assert 'href="../articles/azerbaijan-independence.html#visit-001"' in page


def test_person_and_place_pages_list_the_facts_they_appear_in(built):
    participants = bd.load("participants")
    for person, group in participants.dropna(subset=["person_id"]).groupby("person_id"):
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", person)
        page = (built / "persons" / f"{slug}.html").read_text(encoding="utf-8")
        for rid, src in zip(group["participant_id"], group["source_id"], strict=True):
            assert f'href="../articles/{src}.html#{rid}"' in page, (person, rid)
    visits = bd.load("visits").dropna(subset=["place_id"])
    for place, group in visits.groupby("place_id"):
        page = (built / "places" / f"{place}.html").read_text(encoding="utf-8")
        assert all(f"#{rid}" in page for rid in group["visit_id"]), place
    map_page = (built / "charts.html").read_text(encoding="utf-8")
    name = bd.load("places").set_index("place_id").loc[visits["place_id"].iloc[0], "name"]
    assert f"{name}, " in map_page  # the map's text alternative names its places


def test_cards_show_the_event_links_and_derivations_that_name_a_row(built):
    links = bd.load("event_links")
    first = links.iloc[0]
    src = bd.load(first["from_table"]).set_index(bd.schema(first["from_table"])["primaryKey"][0])
    article = (built / "articles" / f"{src.loc[first['from_id'], 'source_id']}.html")
    card = re.search(rf'<li class="fact" id="card:{first["from_id"]}">.*?</li></ul>',
                     article.read_text(encoding="utf-8")).group(0)
    assert f'tables/event_links.html#{first["link_id"]}' in card
    assert f'tables/{first["to_table"]}.html#{first["to_id"]}' in card
    derived = bd.load("derivations").iloc[0]
    table = (built / "tables" / "derivations.html").read_text(encoding="utf-8")
    assert f'href="../tables/{derived["table_name"]}.html#{derived["row_id"]}"' in table


def test_nothing_is_fetched_from_elsewhere(built):
    for path in built.rglob("*"):
        if path.suffix in (".html", ".css", ".js", ".svg"):
            text = path.read_text(encoding="utf-8")
            # nothing loaded from elsewhere (a link the reader may follow is no fetch)
            assert not re.search(r"""(src=|<link[^>]*href=)["']https?://""", text), path
            assert "url(http" not in text, path


def test_an_existing_site_is_replaced_only_with_force(built, tmp_path):
    out = Path(shutil.copytree(built, tmp_path / "out"))  # an earlier build (one fewer here)
    (out / "stale.html").write_text("old", encoding="utf-8")
    with pytest.raises(FileExistsError, match="force"):
        bd.site(out)
    assert (out / "stale.html").exists()
    bd.site(out, force=True)
    assert not (out / "stale.html").exists() and (out / "index.html").is_file()


def test_force_never_replaces_a_directory_that_is_not_a_site(tmp_path):
    keep = tmp_path / "mine"
    keep.mkdir()
    (keep / "thesis.tex").write_text("precious", encoding="utf-8")
    with pytest.raises(FileExistsError, match="not a bdigest-data site"):
        bd.site(keep, force=True)
    assert (keep / "thesis.tex").read_text(encoding="utf-8") == "precious"


def test_an_invalid_package_builds_nothing(package_copy, tmp_path):
    set_cell(package_copy, "visits", 1, "quote", "A sentence no article contains.")
    with pytest.raises(ValidationError, match="quote-not-found"):
        bd.site(tmp_path / "out", path=package_copy)
    assert not (tmp_path / "out").exists()
    assert list(tmp_path.glob(".bdigest-site-*")) == []


def test_cli_refuses_to_overwrite_and_forces(built, tmp_path, package_copy):
    # the CLI's build into a new directory is the smoke test's (test_cli_smoke.py)
    out = Path(shutil.copytree(built, tmp_path / "site"))
    (out / "stale.html").write_text("old", encoding="utf-8")
    again = run_cli("site", str(out), "--package", str(package_copy))
    assert again.returncode == 2 and "nothing written" in again.stderr
    assert (out / "stale.html").exists()
    done = run_cli("site", str(out), "--force", "--package", str(package_copy))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out / "index.html")
    assert not (out / "stale.html").exists() and (out / "index.html").is_file()


def test_cli_reports_an_invalid_package_and_writes_nothing(tmp_path, package_copy):
    first = rows(package_copy, "trade")[0]["trade_id"]
    set_cell(package_copy, "trade", 2, "trade_id", first)  # a duplicate primary key
    done = run_cli("site", str(tmp_path / "out"), "--package", str(package_copy))
    assert done.returncode == 1
    assert "nothing written" in done.stderr and "trade" in done.stderr
    assert not (tmp_path / "out").exists()


def test_set_aside_sentences_are_marked_in_their_article_with_their_reason(built):
    import html as html_lib

    sentences = bd.load("sentences").set_index("sentence_id")
    ledger = bd.load("coverage_ledger")
    assert len(ledger) > 20
    for _, row in ledger.iterrows():
        src = sentences.loc[row["sentence_id"], "source_id"]
        page = (built / "articles" / f"{src}.html").read_text(encoding="utf-8")
        assert f'id="card:aside:coverage_ledger:{row["sentence_id"]}"' in page
        assert html_lib.escape(row["disposition"]) in page
        assert f'data-asides="aside:coverage_ledger:{row["sentence_id"]}' in page \
            or f'aside:coverage_ledger:{row["sentence_id"]}"' in page


def test_index_shows_the_coverage_command_counts_per_article(built):
    import json

    from conftest import ROOT

    done = run_cli("coverage", "--package", str(ROOT), "--format", "json")
    html = (built / "index.html").read_text(encoding="utf-8")
    assert "sentences covered" in html and "figures covered" in html
    for entry in json.loads(done.stdout)["articles"]:
        row = re.search(rf'href="articles/{entry["source_id"]}.html">.*?</tr>', html).group(0)
        for key in ("sentences", "sentences_covered", "figures", "figures_covered"):
            assert f'<td class="num">{entry[key]}</td>' in row, (entry["source_id"], key)


def _schema_org(built: Path) -> dict:
    """The schema.org JSON-LD block of the index page."""
    page = (built / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_citation_zenodo_croissant_and_schema_org_agree(built):
    """CITATION.cff, .zenodo.json, croissant.json and the index's schema.org Dataset name
    the same version, title and licence, the descriptor's."""
    import yaml

    desc = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    licence = desc["licenses"][0]
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    croissant = json.loads((ROOT / "croissant.json").read_text(encoding="utf-8"))
    dataset = _schema_org(built)
    assert dataset["@context"] == "https://schema.org/" and dataset["@type"] == "Dataset"
    assert {cff["version"], zenodo["version"], croissant["version"], dataset["version"]} == \
        {desc["version"]}
    assert {cff["title"], zenodo["title"], croissant["name"], dataset["name"]} == \
        {desc["title"]}
    assert (cff["license"], zenodo["license"]) == (licence["name"], licence["name"].lower())
    assert croissant["license"] == dataset["license"] == licence["path"]
