"""The built site in a real headless Chromium (Debian's chromium and chromedriver, which
``.ci/run`` installs), opened from ``file://`` as a reader would open a downloaded copy.

Selenium drives the system chromedriver (``Service('/usr/bin/chromedriver')``), so nothing
is downloaded; Chromium runs with its background networking off and a fresh profile.
Without the browser the tests skip, except under CI, where they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import chromium, require_chromium

import bdigest_data as bd

DESKTOP, PHONE = (1280, 900), (390, 844)
ARTICLE = "azerbaijan-independence"

require_chromium()
from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return bd.site(tmp_path_factory.mktemp("site") / "out")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = chromium(tmp_path_factory.mktemp("chromium-profile"), DESKTOP)
    yield driver
    driver.quit()


def _open(browser, built: Path, page: str) -> None:
    browser.get((built / page).as_uri())
    browser.get_log("browser")  # drop what an earlier page logged


def _facts_of(source_id: str) -> list[tuple[str, str]]:
    out = []
    for name in bd.tables():
        schema = bd.schema(name)
        if schema.get("bdigest:role") != "facts":
            continue
        frame = bd.load(name)
        key = schema["primaryKey"][0]
        out += [(name, rid) for rid in frame.loc[frame["source_id"] == source_id, key]]
    return out


IN_VIEW = """
const el = document.getElementById(arguments[0]);
if (!el) { return "missing"; }
const r = el.getBoundingClientRect();
const header = document.querySelector("header").getBoundingClientRect().bottom;
return (r.top >= header - 1 && r.top < window.innerHeight) ? "in view" : "at " + r.top;
"""


SCROLL_EACH = """
const check = new Function(""" + repr(IN_VIEW) + """);
return arguments[0].map(id => {
  const el = document.getElementById(id);
  if (el) { el.scrollIntoView({block: "start"}); }
  return check.call(null, id);
});
"""


@pytest.mark.parametrize("page", ["index.html", f"articles/{ARTICLE}.html", "charts.html",
                                  "tables/visits.html"])
def test_page_loads_without_console_errors_and_its_images_render(browser, built, page):
    browser.get((built / page).as_uri())
    assert browser.find_element(By.TAG_NAME, "h1").text
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    broken = browser.execute_script(
        "return [...document.images].filter(i => !i.complete || !i.naturalWidth)"
        ".map(i => i.src);")
    assert broken == []


def test_every_fact_anchor_exists_and_scrolls_into_view(browser, built):
    for src in bd.sources()["source_id"]:
        _open(browser, built, f"articles/{src}.html")
        facts = _facts_of(src)
        assert facts, src
        ids = [rid for _, rid in facts]
        where = browser.execute_script(SCROLL_EACH, ids)
        assert {rid: w for rid, w in zip(ids, where, strict=True) if w != "in view"} == {}, src


def test_a_deep_link_opens_the_article_at_the_highlight(browser, built):
    browser.get((built / "articles" / f"{ARTICLE}.html").as_uri() + "#arms-005")
    assert browser.execute_script(IN_VIEW, "arms-005") == "in view"
    lit = browser.find_elements(By.CSS_SELECTOR, "mark.target")
    assert lit and all("arms-005" in m.get_attribute("data-rows").split() for m in lit)


def test_a_highlight_links_to_its_row_and_the_row_links_back(browser, built):
    _open(browser, built, f"articles/{ARTICLE}.html")
    mark = browser.find_element(By.CSS_SELECTOR, "mark[data-rows~='visit-001']")
    webdriver.ActionChains(browser).move_to_element(mark).perform()
    pop = browser.find_element(By.ID, "pop")
    assert pop.is_displayed() and "visit-001" in pop.text
    pop.find_element(By.CSS_SELECTOR, "a.to-row").click()
    assert browser.current_url.endswith("tables/visits.html#visit-001")
    assert browser.execute_script(IN_VIEW, "visit-001") == "in view"
    row = browser.find_element(By.ID, "visit-001")
    row.find_element(By.CSS_SELECTOR, "a.to-text").click()
    assert browser.current_url.endswith(f"articles/{ARTICLE}.html#visit-001")
    assert browser.execute_script(IN_VIEW, "visit-001") == "in view"


def test_a_cards_evidence_anchor_opens_the_highlighted_passage(browser, built):
    """A fact card on an actor's page shows the row's Web Annotation anchor (characters
    start–end of its seed file, and the exact seed text); following it opens the article
    at the row's highlight."""
    _open(browser, built, "actors/AZE.html")
    card = browser.find_element(By.ID, "card:visit-001")
    anchor = card.find_element(By.CSS_SELECTOR, ".anchor-ref")
    start, end = int(anchor.get_attribute("data-start")), int(anchor.get_attribute("data-end"))
    exact = anchor.find_element(By.CSS_SELECTOR, ".anchor-quote .exact").text
    assert 0 <= start < end and exact and f"characters {start}–{end}" in anchor.text
    anchor.find_element(By.CSS_SELECTOR, "a.to-anchor").click()
    assert browser.current_url.endswith(f"articles/{ARTICLE}.html#visit-001")
    assert browser.execute_script(IN_VIEW, "visit-001") == "in view"
    lit = browser.find_elements(By.CSS_SELECTOR, "mark.target")
    assert lit and all("visit-001" in m.get_attribute("data-rows").split() for m in lit)


def test_one_quote_backing_several_rows_shows_them_all(browser, built):
    _open(browser, built, f"articles/{ARTICLE}.html")
    mark = browser.find_element(By.CSS_SELECTOR, "mark[data-rows~='arms-004']")
    ids = mark.get_attribute("data-rows").split()
    assert len(ids) > 1
    webdriver.ActionChains(browser).move_to_element(mark).perform()
    text = browser.find_element(By.ID, "pop").text
    assert all(rid in text for rid in ids)


def test_filtering_and_sorting_a_table(browser, built):
    _open(browser, built, "tables/visits.html")
    visits = bd.load("visits")
    wanted = sorted(visits.loc[visits["visitor"].str.contains("Erdoğan", na=False),
                               "visit_id"])
    box = browser.find_element(By.ID, "filter")
    box.send_keys("erdoğan")
    shown = [r.get_attribute("id") for r in browser.find_elements(By.CSS_SELECTOR,
                                                                   "#rows tbody tr")
             if r.is_displayed()]
    assert sorted(shown) == wanted and wanted
    assert browser.find_element(By.ID, "count").text == f"{len(wanted)} of {len(visits)} rows"
    box.clear()
    box.send_keys(" ")  # an empty filter shows every row again
    header = browser.find_element(By.XPATH, "//th[button[text()='visit_id']]")
    header.find_element(By.TAG_NAME, "button").click()
    header.find_element(By.TAG_NAME, "button").click()
    assert header.get_attribute("aria-sort") == "descending"
    first = browser.find_element(By.CSS_SELECTOR, "#rows tbody tr").get_attribute("id")
    assert first == max(visits["visit_id"])


def test_keyboard_focus_reaches_a_highlight_and_shows_its_row(browser, built):
    _open(browser, built, f"articles/{ARTICLE}.html")
    body = browser.find_element(By.TAG_NAME, "body")
    for _ in range(30):
        body.send_keys(Keys.TAB) if _ == 0 else browser.switch_to.active_element.send_keys(
            Keys.TAB)
        focused = browser.switch_to.active_element
        if focused.tag_name == "mark":
            break
    assert focused.tag_name == "mark", "no highlight within 30 tab stops"
    assert browser.find_element(By.ID, "pop").is_displayed()
    assert focused.get_attribute("aria-describedby") == "pop"


@pytest.mark.parametrize("page", ["index.html", f"articles/{ARTICLE}.html", "charts.html",
                                  "tables/visits.html", "actors/AZE.html"])
def test_basic_accessibility(browser, built, page):
    _open(browser, built, page)
    assert browser.execute_script("return document.documentElement.lang") == "en"
    levels = browser.execute_script(
        "return [...document.querySelectorAll('main h1,main h2,main h3,main h4,main h5,"
        "main h6')].map(h => +h.tagName[1]);")
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert browser.execute_script(
        "return [...document.images].filter(i => !(i.alt || '').trim()).length;") == 0


def _not_blank(png: Path) -> bool:
    from PIL import Image

    with Image.open(png) as im:
        colours = im.convert("RGB").getcolors(maxcolors=1 << 16)
    # None: more colours than counted; else more than a handful, none covering it all
    return colours is None or (len(colours) > 8 and max(colours)[0] < 0.97 * sum(
        c for c, _ in colours))


def test_screenshots_at_desktop_and_phone_widths_are_not_blank(browser, built,
                                                               tmp_path_factory):
    shots = tmp_path_factory.mktemp("screenshots")
    try:
        for width, height in (DESKTOP, PHONE):
            browser.set_window_size(width, height)
            for page in ("index.html", f"articles/{ARTICLE}.html", "charts.html",
                         "tables/visits.html", "codebook.html", "reliability.html",
                         "dictionary.html"):
                _open(browser, built, page)
                png = shots / f"{page.replace('/', '_')}-{width}.png"
                assert browser.save_screenshot(str(png))
                assert _not_blank(png), png
    finally:
        browser.set_window_size(*DESKTOP)
    if os.environ.get("BDIGEST_SCREENSHOTS"):
        shutil.copytree(shots, os.environ["BDIGEST_SCREENSHOTS"], dirs_exist_ok=True)


WIDE = "return document.scrollingElement.scrollWidth - window.innerWidth;"


def test_no_page_scrolls_sideways_at_desktop_or_phone_width(browser, built):
    pages = sorted(str(p.relative_to(built)) for p in built.rglob("*.html"))
    assert len(pages) > 90
    wide = {}
    try:
        for width, height in (DESKTOP, PHONE):
            browser.set_window_size(width, height)
            for page in pages:
                browser.get((built / page).as_uri())
                if (over := browser.execute_script(WIDE)) > 0:
                    wide[(page, width)] = over
    finally:
        browser.set_window_size(*DESKTOP)
    assert wide == {}


SHOWN = """return [...document.querySelectorAll('#rows thead th')]
  .filter(th => th.offsetParent !== null).map(th => th.innerText.trim());"""


@pytest.mark.parametrize(("width", "height"), [DESKTOP, PHONE])
def test_a_table_page_shows_its_key_columns_then_all_on_request(browser, built, width,
                                                                height):
    try:
        browser.set_window_size(width, height)
        _open(browser, built, "tables/visits.html")
        key = browser.execute_script(SHOWN)
        assert key[:2] == ["evidence", "visit_id"] and "start_date" in key
        assert "status" in key and "quote" not in key
        row = browser.find_element(By.ID, "visit-001")
        # the key columns fit the phone's width: the date and status are on screen
        right = browser.execute_script(
            "const r = document.querySelector('#rows').getBoundingClientRect();"
            "return r.right;")
        if width == DESKTOP[0]:
            assert right <= width
        browser.find_element(By.CSS_SELECTOR, "label.all-columns").click()
        every = browser.execute_script(SHOWN)
        assert len(every) == len(bd.schema("visits")["fields"]) + 1 and "quote" in every
        assert row.find_element(By.CSS_SELECTOR, "td.quote").is_displayed()
        assert browser.execute_script(WIDE) <= 0  # the table scrolls in its box, not the page
    finally:
        browser.set_window_size(*DESKTOP)


def test_the_codebooks_contents_links_scroll_to_their_sections(browser, built):
    _open(browser, built, "codebook.html")
    link = browser.find_element(By.CSS_SELECTOR, "a[href='#13-dates']")
    link.click()
    assert browser.execute_script(IN_VIEW, "13-dates") == "in view"


CLIPPED = """const box = document.documentElement.viewBox.baseVal;
return [...document.querySelectorAll('text')].filter(t => {
  const b = t.getBBox();
  return b.x < box.x - 0.5 || b.x + b.width > box.x + box.width + 0.5;
}).map(t => t.textContent);"""


@pytest.mark.parametrize("chart", ["visits", "map", "arms", "trade"])
def test_no_chart_label_is_clipped(browser, built, chart):
    browser.get((built / "charts" / f"{chart}.svg").as_uri())
    assert browser.execute_script("return document.querySelectorAll('text').length;") > 3
    assert browser.execute_script(CLIPPED) == []


SCREENSHOT = Path(__file__).resolve().parents[1] / "scripts" / "site_screenshot.py"


def _screenshot(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCREENSHOT), *args], capture_output=True,
                          text=True, timeout=300)


def test_the_readme_screenshot_script_shows_a_rows_card(tmp_path):
    """scripts/site_screenshot.py: the README's picture, the reader with a card open, at
    the size asked for; the card is open (its check) and the picture is not blank."""
    from PIL import Image

    png = tmp_path / "shot.png"
    done = _screenshot("--out", str(png), "--size", "900x600")
    assert done.returncode == 0, done.stderr
    with Image.open(png) as im:
        assert im.size == (900, 600)
    assert _not_blank(png) and f"site {bd.__version__}" in done.stdout


@pytest.mark.parametrize(("args", "says"), [
    (["--row", "no-such-row"], "no highlight of row 'no-such-row'"),
    (["--size", "wide"], "'wide' is not WIDTHxHEIGHT"),
    (["--size", "10x10"], "each side between 200 and 4000 pixels")])
def test_the_screenshot_script_refuses_what_it_cannot_show(args, says, tmp_path):
    done = _screenshot("--out", str(tmp_path / "shot.png"), *args)
    assert done.returncode == 2 and says in done.stderr, done.stderr
    assert not (tmp_path / "shot.png").exists() and "Traceback" not in done.stderr
