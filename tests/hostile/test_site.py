"""Hostile input at the site's door (issue #18): ``bdigest-data site`` on a hostile copy of
the real package.

The copy carries script and markup, in every form the site could mistake for HTML,
Markdown or a link, in every free-text field of the descriptor (title, description,
keywords, contributor, licence title; the licence path is a ``javascript:`` URL), of the
schemas (table and field descriptions and titles, ``bdigest:grain``) and of the rows
(names, aliases, notes, systems, sites, ...: each field's first row, so that it is also the
field's example value in the data dictionary). A ``trade`` note holds the code-span
breakout ```` `` <img src=x onerror=...> `` ````. Every vector, if it ran, would set
``window.__pwned``. The copy is otherwise valid (hashes re-stamped): the site refuses an
invalid package, so each field holds only what validation lets through. ``sources.title``,
``persons.variants`` and ``sentences.text`` are checked against the article text, so they
cannot carry a payload here.

One hostile site is built for the module (killing an earlier build first), and every one
of its pages is opened in headless Chromium.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import PACKAGE_PARTS, ROOT
from helpers import chromium, require_chromium

import bdigest_data as bd
from bdigest_data.release.stamp import stamp
from bdigest_data.website.layout import a, safe_url

LEGAL = "Trade <flows> & \"services\" &amp; 'goods'"  # a legal title: shown as written
BREAKOUT = "`` <img src=x onerror=window.__pwned='note-code'> ``"  # trade's first note
LICENCE_PATH = "javascript:window.__pwned='licence-path'"
# a codebook of Markdown that would be markup or script if its raw HTML or links were live
DOC_LINES = ("<script>window.__pwned='doc-script'</script>",
             "<img src=x onerror=\"window.__pwned='doc-img'\">",
             "<div onclick=\"window.__pwned='doc-div'\">a block</div>")
DOC = ("# Hostile codebook\n\n" + "\n\n".join(DOC_LINES) + "\n\n"
       "[a script link](javascript:window.__pwned='doc-link') <javascript:alert(1)> "
       "![pic](x) [elsewhere](../scripts/x.py) `` <b onclick=1> ``\n\n"
       "## 5. Visits (`visits`)\n\n| a | b |\n|---|---|\n| <i>cell</i> | x |\n")
# row fields that validation lets carry any text (first row of each table)
CELLS = ("actors.name", "actors.aliases", "actors.note", "places.name", "places.aliases",
         "persons.name", "persons.person_note", "sources.published_note", "arms_exports.system",
         "arms_exports.basis_note", "arms_exports.note", "trade.commodity",
         "visits.place_as_written", "visits.sites", "visits.correction_note", "visits.note",
         "participants.name_as_written", "participants.title_as_written", "event_links.note",
         "derivations.claim", "derivations.note", "rankings.index_name",
         "political_prisoners.persons", "coverage_ledger.note")
LISTS = {"actors.aliases", "places.aliases"}  # '; '-separated: the payload is appended
# what would run: anything that sets the flag, an error event, a console error
RAN = """return [window.__pwned === undefined ? null : String(window.__pwned),
                 window.__errors || ["the error listener was not installed"]];"""
LISTEN = ("window.__errors = []; addEventListener('error', e => window.__errors.push("
          "String((e.target && e.target.outerHTML) || e.message)), true);")


def payload(tag: str) -> str:
    """Script and markup that would set ``window.__pwned = tag`` if any of it ran: a
    script, event handlers, an attribute breakout, HTML and an entity, a Markdown
    ``javascript:`` link and a code-span breakout. No ``;`` (lists are ``; ``-separated)."""
    run = f"window.__pwned='{tag}'"
    return (f"{tag} <script>{run}</script><img src=x onerror=\"{run}\"> \"><svg onload="
            f"\"{run}\"> '><b>&amp;</b> [md](javascript:{run}) `` <img src=x onerror={run}> ``")


def title(table: str) -> str:
    """The title the hostile copy gives ``table`` (``trade``'s is legal)."""
    return LEGAL if table == "trade" else payload(f"title-{table}")


def code_shown(text: str) -> str:
    """``text`` as shown where backtick code spans are code (schema descriptions)."""
    return re.sub(r"(`+) (.+?) \1", r"\2", text)


def example(text: str) -> str:
    """``text`` as the data dictionary's example column shows it (60 characters)."""
    return text if len(text) <= 60 else text[:59].rstrip() + "…"


def _set_first(root: Path, spec: str, value: str) -> None:
    table, field = spec.split(".")
    path = root / "data" / f"{table}.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    old = rows[0][field]
    rows[0][field] = f"{old}; {value}" if spec in LISTS and old else value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real package with payloads in every free-text field, otherwise valid."""
    root = tmp_path_factory.mktemp("hostile") / "pkg"
    root.mkdir()
    for part in PACKAGE_PARTS:
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / part)
    desc = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    desc.update(title=payload("pkg-title"), description=payload("pkg-description"),
                keywords=[payload("keyword"), *desc["keywords"]])
    desc["contributors"][0]["title"] = payload("contributor")
    desc["licenses"][0].update(path=LICENCE_PATH, title=payload("licence-title"))
    desc["sources"][0]["title"] = payload("source-title")
    for res in desc["resources"]:
        name = res["name"]
        res.update(title=title(name), description=payload(f"rdesc-{name}"))
        if "schema" not in res:
            continue
        schema = json.loads((root / res["schema"]).read_text(encoding="utf-8"))
        schema.update({"description": payload(f"sdesc-{name}"),
                       "bdigest:grain": payload(f"grain-{name}")})
        for field in schema["fields"]:
            field.update(description=payload(f"fdesc-{name}.{field['name']}"),
                         title=payload(f"ftitle-{name}.{field['name']}"))
        (root / res["schema"]).write_text(json.dumps(schema, ensure_ascii=False),
                                          encoding="utf-8")
    (root / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False),
                                           encoding="utf-8")
    for spec in CELLS:
        _set_first(root, spec, payload(f"cell-{spec}"))
    _set_first(root, "trade.note", BREAKOUT)
    (root / "docs").mkdir()
    (root / "docs" / "codebook.md").write_text(DOC, encoding="utf-8")
    (root / "docs" / "reliability.md").write_text(payload("reliability") + "\n",
                                                  encoding="utf-8")
    stamp(root)
    report = bd.validate(root)
    assert report.valid, report.findings[:3]
    return root


def _charts_folders() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("bdigest-charts-*"))


@pytest.fixture(scope="module")
def killed(hostile: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[Path]]:
    """A ``bdigest-data site`` of the hostile package killed (SIGKILL) while it writes its
    pages: the folder it wrote into and the temporary folders it left there and in the
    system's temporary folder."""
    parent = tmp_path_factory.mktemp("killed")
    before = _charts_folders()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from bdigest_data.cli import main; raise SystemExit(main())",
         "site", str(parent / "out"), "--package", str(hostile)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        # killed once its staging folder is locked and names it (pid written): killed
        # between making the folder and writing the lock, the folder is kept for an hour
        # by design (staging.UNLOCKED_GRACE), which made this test fail under load
        while not [p for p in parent.glob(".bdigest-site-*") if _writer(p) == proc.pid] \
                and time.monotonic() < deadline:
            assert proc.poll() is None, "the build ended before it could be killed"
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    # only the charts folder of this build: another build running meanwhile (another
    # test worker) has its own, locked and kept while it runs
    charts = {p for p in _charts_folders() - before if _writer(p) == proc.pid}
    left = set(parent.glob(".bdigest-site-*")) | charts
    return parent, left


def _writer(folder: Path) -> int | None:
    """The process id written into a staging folder's lock file, if any."""
    try:
        return int((folder / ".lock").read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


@pytest.fixture(scope="module")
def built(hostile: Path, killed: tuple[Path, set[Path]]) -> Path:
    """The hostile package's site, built beside what the killed build left."""
    return bd.site(killed[0] / "out", path=hostile)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    require_chromium()
    driver = chromium(tmp_path_factory.mktemp("chromium-profile"))
    # before any script of a page: record every error event (an image that fails to load
    # fires one before its onerror handler could)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LISTEN})
    yield driver
    driver.quit()


def _page_text(browser, built: Path, page: str) -> str:
    """The page's text as shown, with every column of a table page shown (its checkbox)."""
    browser.get((built / page).as_uri())
    return browser.execute_script(
        "const all = document.getElementById('all-columns');"
        "if (all && !all.checked) { all.click(); }"
        "return document.body.innerText;")


def test_no_script_runs_on_any_page(browser, built: Path) -> None:
    """Promise: no text of a package runs as script on any page of its site: on every page
    in Chromium no payload sets its flag, no error event fires (so no ``onerror``
    handler can), and the console has no error."""
    pages = sorted(built.rglob("*.html"))
    assert len(pages) > 90
    browser.get_log("browser")
    ran = {}
    for page in pages:
        browser.get(page.as_uri())
        flag, errors = browser.execute_script(RAN)
        if flag is not None or errors:
            ran[str(page.relative_to(built))] = (flag, errors)
    assert ran == {}
    console = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert console == []


class _Markup(HTMLParser):
    """Every start tag of a page with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def test_no_text_becomes_markup_or_a_live_link(built: Path) -> None:
    """Promise: package text reaches the HTML of every page only as text: no element
    carries an event handler, there is no inline script, frame, object or inline SVG,
    the only images are the charts, and every link is relative or http(s) (the licence's
    ``javascript:`` path is no link). The charts' SVG files carry no script either."""
    found = []
    for page in sorted(built.rglob("*.html")):
        parser = _Markup()
        parser.feed(page.read_text(encoding="utf-8"))
        for tag, attrs in parser.tags:
            bad = [k for k in attrs if k.startswith("on")]
            bad += [f"{k}={v}" for k, v in attrs.items()
                    if k in ("href", "src", "action", "formaction") and not safe_url(v)]
            if tag in ("iframe", "object", "embed", "svg", "math", "base", "form"):
                bad.append(tag)
            data_block = (tag == "script" and page.name == "index.html" and page.parent == built
                          and attrs == {"type": "application/ld+json"})  # schema.org, not code
            if (tag == "script" and not data_block
                    and not attrs.get("src", "").endswith("assets/site.js")):
                bad.append("inline script")
            if tag == "img" and not re.fullmatch(r"charts/\w+\.svg", attrs.get("src", "")):
                bad.append(f"img {attrs.get('src')}")
            if bad:
                found.append((str(page.relative_to(built)), tag, bad))
    assert found == []
    for svg in (built / "charts").glob("*.svg"):
        text = svg.read_text(encoding="utf-8")
        assert "<script" not in text and not re.search(r"\son\w+=", text), svg.name


def test_the_schema_org_block_holds_hostile_text_as_json(browser, hostile: Path,
                                                         tmp_path: Path) -> None:
    """Promise: the index's schema.org JSON-LD carries the descriptor's hostile title,
    description, keywords and contributor (``</script>``, ``<!--`` and all) as JSON that no
    text can break out of: the page has exactly one such element, its text parses to the
    Dataset the descriptor gives, and its source holds no ``<`` at all; the licence's
    ``javascript:`` path is replaced by the licence's name."""
    from bdigest_data.metadata.discovery import schema_org

    root = shutil.copytree(hostile, tmp_path / "pkg")
    desc = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    desc["description"] += " </script><!-- <script>window.__pwned='ld'</script> \u2028"
    (root / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False),
                                           encoding="utf-8")
    out = bd.site(tmp_path / "site", path=root)
    source = (out / "index.html").read_text(encoding="utf-8")
    block = re.findall(r'<script type="application/ld\+json">(.*?)</script>', source, re.DOTALL)
    assert len(block) == 1 and "<" not in block[0] and "\u2028" not in block[0]
    browser.get((out / "index.html").as_uri())
    texts = browser.execute_script(
        "return [...document.querySelectorAll('script[type=\"application/ld+json\"]')]"
        ".map(s => s.textContent);")
    assert [json.loads(t) for t in texts] == [schema_org(desc)]
    dataset = json.loads(texts[0])
    assert dataset["name"] == payload("pkg-title") and dataset["license"] == "CC-BY-4.0"
    assert dataset["description"].endswith("<script>window.__pwned='ld'</script> \u2028")
    assert browser.execute_script(RAN) == [None, []]


def _tables(hostile: Path) -> list[str]:
    desc = json.loads((hostile / "datapackage.json").read_text(encoding="utf-8"))
    return [r["name"] for r in desc["resources"] if "schema" in r]


def test_every_text_shows_literally(browser, built: Path, hostile: Path) -> None:
    """Promise: hostile text shows as written (as text, not markup) wherever the site
    shows it: the index (package title, description, licence title, each table's title
    and grain), the data dictionary (titles, grains, descriptions with their code spans,
    each column's example value), and each table's page (title, description, grain,
    every cell)."""
    names = _tables(hostile)
    titles = [title(n) for n in names]
    expected = {
        "index.html": [payload("pkg-title"), payload("pkg-description"),
                       payload("licence-title"), *titles,
                       *(payload(f"grain-{n}") for n in names)],
        "dictionary.html": [payload("pkg-title"), *titles,
                            *(payload(f"grain-{n}") for n in names),
                            *(code_shown(payload(f"sdesc-{n}")) for n in names),
                            code_shown(payload("fdesc-trade.note")),
                            *(example(payload(f"cell-{spec}")) for spec in CELLS
                              if spec not in LISTS)],
        "tables/index.html": titles,
        "codebook.html": [*DOC_LINES, "[a script link](javascript:window.__pwned='doc-link')",
                          "<javascript:alert(1)>", "<b onclick=1>", "<i>cell</i>"],
    }
    for spec in CELLS:
        table = spec.split(".")[0]
        expected.setdefault(f"tables/{table}.html", [
            title(table), payload(f"sdesc-{table}"), payload(f"grain-{table}")])
        expected[f"tables/{table}.html"].append(payload(f"cell-{spec}"))
    missing = {}
    for page, texts in expected.items():
        shown = _page_text(browser, built, page)
        if lost := [t for t in texts if t not in shown]:
            missing[page] = lost
    assert missing == {}


def test_a_code_span_breakout_in_a_cell_stays_text(browser, built: Path) -> None:
    """Promise: a CSV cell that closes its own code span (the issue's ``trade`` note
    ```` `` <img src=x onerror=...> `` ````) shows as written, backticks included, in the
    data dictionary's example column and on its table's page."""
    for page in ("dictionary.html", "tables/trade.html"):
        assert BREAKOUT in _page_text(browser, built, page), page


def test_a_legal_title_shows_as_written(browser, built: Path) -> None:
    """Promise: a legal title with ``<``, ``&``, ``&amp;`` and both quotes shows exactly as
    written on the index, the data dictionary, the tables' list and its table's page (in
    its heading and in the browser's title bar)."""
    for page in ("index.html", "dictionary.html", "tables/index.html", "tables/trade.html"):
        assert LEGAL in _page_text(browser, built, page), page
    heading = browser.execute_script("return document.querySelector('h1').innerText;")
    assert heading == f"{LEGAL} trade"


def test_the_licence_link_is_not_live(browser, built: Path) -> None:
    """Promise: a licence ``path`` that is not relative or http(s) (``javascript:``) is no
    link: the footer of every page and the index show the licence's name and title as
    text, and no element of any page links to it."""
    for page in ("index.html", "dictionary.html", "tables/trade.html", "actors/ARM.html"):
        browser.get((built / page).as_uri())
        assert browser.execute_script(
            "return document.querySelectorAll('a[href^=\"javascript\" i]').length;") == 0
        footer = browser.execute_script("return document.querySelector('footer').innerText;")
        assert "CC-BY-4.0" in footer
        assert not any(LICENCE_PATH in p.read_text(encoding="utf-8")
                       for p in built.rglob("*.html"))


@pytest.mark.parametrize(("url", "live"), [
    ("https://creativecommons.org/licenses/by/4.0/", True), ("http://x.org", True),
    ("tables/trade.html#trade-001", True), ("../actors/ARM.html", True), ("#x", True),
    ("//example.org/a", True), ("tables/x.html#org:SIPRI", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False),
    (" javascript:alert(1)", False), ("java\tscript:alert(1)", False),
    ("\x01javascript:alert(1)", False), ("java\nscript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False), ("vbscript:msgbox(1)", False),
    ("file:///etc/passwd", False), ("mailto:a@b.c", False),
])
def test_links_are_only_relative_or_http(url: str, live: bool) -> None:
    """Promise: the site's one link helper writes a link only to a relative or http(s)
    target, as a browser reads it (tabs and newlines inside, controls and spaces
    around); any other target leaves just the (escaped) label."""
    html = a(url, "label")
    assert html.startswith("<a ") is live
    assert (html == "label") is not live


def test_a_killed_build_leaves_nothing_once_the_next_build_ran(
        killed: tuple[Path, set[Path]], built: Path) -> None:
    """Promise: a site build killed mid-way leaves at most its temporary folders
    (``.bdigest-site-*`` beside the output, ``bdigest-charts-*`` in the system's
    temporary folder), and the next build removes them; none is left after a build."""
    parent, left = killed
    assert any(p.name.startswith(".bdigest-site-") for p in left)
    assert [p for p in left if p.exists()] == []
    assert list(parent.glob(".bdigest-site-*")) == []
    assert sorted(p.name for p in parent.iterdir()) == [built.name]


def test_one_path_writes_text_into_html() -> None:
    """Promise: text becomes HTML by one path: only ``website/layout.py`` escapes (the
    ``html`` module), and only the article reader uses a Markdown renderer, with raw HTML
    off; the data dictionary page renders no Markdown."""
    import ast

    src = ROOT / "src" / "bdigest_data"
    escapes, markdown = [], []
    for path in [*sorted((src / "website").glob("*.py")), src / "dictionary.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                    [n.name for n in node.names]
                if any(n in ("html", "markupsafe") for n in names):
                    escapes.append(path.name)
                if any(n.startswith("markdown_it") for n in names):
                    markdown.append(path.name)
    assert escapes == ["layout.py"]
    assert markdown == ["reader.py"]
    reader = (src / "website" / "reader.py").read_text(encoding="utf-8")
    assert 'MarkdownIt("commonmark", {"html": False})' in reader


def test_an_articles_markdown_stays_text() -> None:
    """Promise: the evidence reader renders an article's Markdown with raw HTML off: tags,
    event handlers, ``javascript:`` links and autolinks, images and a code-span breakout in
    an article's text show as text (links as their label) and never become elements or
    attributes; a highlight's row id and tooltip are escaped too."""
    from bdigest_data.website.reader import ArticleRenderer, Span

    markdown = (
        "# Title <script>window.__pwned=1</script>\n\n"
        'Para <img src=x onerror="window.__pwned=2"> [a link](javascript:window.__pwned=3) '
        "<javascript:window.__pwned=4> ![pic](x) `` <b onclick=5> `` &amp; &lt;i&gt;\n\n"
        '<div onclick="window.__pwned=6">block</div>\n\n'
        '```js" onmouseover="window.__pwned=7\n<script>window.__pwned=8</script>\n```\n')
    spans = [Span('row"><script>window.__pwned=9</script>', "Para",
                  title='"><img src=x onerror="window.__pwned=10">')]
    rendered = ArticleRenderer().render(markdown, spans).html
    parser = _Markup()
    parser.feed(rendered)
    tags = {tag for tag, _ in parser.tags}
    assert tags <= {"h2", "p", "span", "mark", "code", "pre"}, tags
    attrs = {k for _, attrs in parser.tags for k in attrs}
    assert attrs <= {"class", "id", "data-rows", "tabindex", "title"}, attrs
    text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    for shown in ("<script>window.__pwned=1</script>", '<img src=x onerror="window.__pwned=2">',
                  "[a link](javascript:window.__pwned=3)", "<b onclick=5>", "& <i>",
                  '<div onclick="window.__pwned=6">block</div>'):
        assert shown in text, shown
