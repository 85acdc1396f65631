"""Static SVG charts drawn when the site is built (matplotlib, the ``site`` extra).

Each chart is worked out from the loaded frames (typed, with the EDTF columns ``*_earliest``,
``*_latest``), comes with a caption, a text alternative (``alt`` plus a table of every row
drawn, each linking to its row) and a link to its table. A chart whose table or columns
are missing, or which has no row to draw, is left out. The figures are drawn with
matplotlib by :mod:`.plots` in a child process (:class:`Painter`); without matplotlib the
site is built without charts.

- ``visits``: one bar per visit or meeting from the earliest to the latest day its dates
  allow (a month-precision date is a month long), in panels per period;
- ``arms``: arms-export amounts by recipient and year, totals apart from their parts,
  labelled with their unit (SIPRI TIV where the unit says so);
- ``trade``: trade and other economic levels by partner, one panel per unit;
- ``map``: the places of visits, where places carry coordinates (:mod:`.mapchart`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bdigest_data.edtf import words
from bdigest_data.metadata import roles
from bdigest_data.staging import staging
from bdigest_data.website import mapchart
from bdigest_data.website.content import SiteData, text
from bdigest_data.website.layout import a, esc, site_page

if TYPE_CHECKING:
    import pandas as pd


_NOT_AMOUNTS = {"percent", "fraction", "times", "ratio"}
_SCALE = {"": 1.0, "thousand": 1e-3, "million": 1.0, "billion": 1e3}  # to millions
# characters of a timeline label that fit its margin (plots._LEFT); the visitor's name is
# cut to leave room for the route, so no label is clipped at the left
_LABEL = 40
_GAP = dt.timedelta(days=75)  # dates further apart than this go to separate panels


@dataclass
class Chart:
    """A drawn chart: its file, words, and the rows behind it."""

    name: str
    title: str
    caption: str
    alt: str
    table: str
    columns: list[str]
    rows: list[tuple[str, list[str]]] = field(default_factory=list)  # (row id, cells)
    left_out: list[str] = field(default_factory=list)  # ids of rows not drawn (no data)
    lacking: str = "no date or value"  # why the rows left out are not drawn

    @property
    def file(self) -> str:
        return f"charts/{self.name}.svg"


@dataclass(frozen=True)
class Plot:
    """What :mod:`.plots` draws for a chart: its kind and plain data (JSON), no frames."""

    name: str
    kind: str  # "timeline", "bars" or "map"
    payload: dict[str, Any]


class Painter:
    """The charts' figures, drawn by ``python -m bdigest_data.website.plots`` in a child
    process started before the package is read: it imports matplotlib (and cartopy) while
    the package is validated and loaded, then draws while the pages are written, on the
    machine's second core. Use as a context manager: leaving it on an error stops the
    child; nothing it drew is kept (the figures are drawn into a ``bdigest-charts-*`` folder
    of :func:`bdigest_data.staging.staging`, which a later build removes if this one is
    killed). Without matplotlib there are no charts.
    """

    def __init__(self) -> None:
        self.charts: list[Chart] = []
        self._stack = contextlib.ExitStack()
        self._dir = self._stack.enter_context(
            staging(Path(tempfile.gettempdir()), "bdigest-charts-"))
        self.process: subprocess.Popen[str] | None = None
        if importlib.util.find_spec("matplotlib") is not None:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bdigest_data.website.plots", str(self._dir)],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                text=True, encoding="utf-8")

    def __enter__(self) -> Painter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
            for pipe in (self.process.stdin, self.process.stderr):
                if pipe is not None:
                    pipe.close()
        self._stack.close()

    def paint(self, data: SiteData) -> list[Chart]:
        """Work out every chart the package has data for and have the child draw them."""
        if self.process is None:
            return []
        made = [m for m in (maker(data) for maker in _MAKERS) if m is not None]
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps([asdict(p) for _, p in made], ensure_ascii=False))
        self.process.stdin.close()
        self.charts = [c for c, _ in made]
        return self.charts

    def finish(self, out: Path) -> None:
        """Wait for the figures and move them into ``out``; ``RuntimeError`` if it failed."""
        if self.process is None or not self.charts:
            return
        assert self.process.stderr is not None
        err = self.process.stderr.read()
        if self.process.wait() != 0:
            raise RuntimeError(f"drawing the charts failed: {err.strip()}")
        out.mkdir(parents=True, exist_ok=True)
        for chart in self.charts:
            shutil.move(self._dir / f"{chart.name}.svg", out / f"{chart.name}.svg")


def _frame_of(data: SiteData, name: str, needed: set[str]) -> pd.DataFrame | None:
    table = data.tables.get(name)
    if table is None or not needed <= set(table.source.frame.columns):
        return None
    return table.source.frame


# --- visits timeline ------------------------------------------------------------------------

def _visits(data: SiteData) -> tuple[Chart, Plot] | None:
    need = {"visit_id", "visitor_actor", "host_actor", "start_date_earliest",
            "start_date_latest", "end_date_latest", "status"}
    frame = _frame_of(data, roles.VISITS, need)
    if frame is None:
        return None
    import pandas as pd

    table = data.tables[roles.VISITS]
    spans = []
    left_out = []
    for text_row, row in zip(table.rows, frame.itertuples(index=False), strict=True):
        start = row.start_date_earliest
        if pd.isna(start):
            left_out.append(row.visit_id)
            continue
        ends = [v for v in (row.end_date_latest, row.start_date_latest) if not pd.isna(v)]
        end = max(ends) + pd.Timedelta(days=1)  # the latest day, included
        who = data.label(table, text_row, ("visitor_normalised", "visitor_person", "visitor"))
        place = data.label(table, text_row, ("place_id", "place", "place_as_written"))
        route = f"{row.visitor_actor} → {row.host_actor}{', ' + place if place else ''}"
        room = max(_LABEL - len(route) - 3, 8)  # " (" and ")"
        if len(who) > room:
            who = who[: room - 1].rstrip() + "…"
        label = f"{who} ({route})" if who else route
        spans.append((start.to_pydatetime(), end.to_pydatetime(), label, row))
    if not spans:
        return None
    spans.sort(key=lambda s: s[0])
    panels: list[list[Any]] = [[spans[0]]]
    for s in spans[1:]:
        if s[0] - max(p[1] for p in panels[-1]) > _GAP:
            panels.append([])
        panels[-1].append(s)
    chart = Chart(
        roles.VISITS, "Visits and meetings over time",
        "Each bar runs from the earliest to the latest day the row's dates allow: a date "
        "given to the day is a day long, one given only to the month a month long. Periods "
        "far apart are drawn in separate panels, each with its own time axis.",
        f"Timeline of {len(spans)} dated visits and meetings in {len(panels)} periods, "
        f"from {spans[0][0]:%B %Y} to {spans[-1][1]:%B %Y}; the table below lists each.",
        roles.VISITS, ["visit", "from", "to", "status"],
        [(s[3].visit_id, [s[2], f"{s[0]:%Y-%m-%d}",
                          f"{s[1] - dt.timedelta(days=1):%Y-%m-%d}", text(s[3].status)])
         for s in spans], left_out)
    payload = [[[start.isoformat(), end.isoformat(), label, text(row.status)]
                for start, end, label, row in panel] for panel in panels]
    return chart, Plot(roles.VISITS, "timeline", {"panels": payload})


# --- amounts (arms exports, trade) ----------------------------------------------------------

def _when(value: Any) -> str:
    """An EDTF cell in words (``2011-22``: "summer 2011"), '' when empty."""
    said = text(value)
    return words(said) if said else ""


def _unit_label(row: Any) -> str:
    unit = text(getattr(row, "unit", ""))
    currency = text(getattr(row, "currency", ""))
    if "tiv" in unit.lower():
        return "SIPRI TIV, millions"
    if unit in ("currency", "") and currency:
        return f"{currency} millions"
    if unit == "currency":
        return "millions, currency not stated"
    if unit in ("USD", "EUR", "RUB", "BYN"):
        return f"{unit} millions"
    return f"{unit}, {text(getattr(row, 'scale', '')) or 'units'}"


def _amount(row: Any) -> float:
    scale = text(getattr(row, "scale", ""))
    label = _unit_label(row)
    factor = _SCALE.get(scale, 1.0) if "millions" in label else 1.0
    return float(row.value) * factor


def _arms(data: SiteData) -> tuple[Chart, Plot] | None:
    frame = _frame_of(data, roles.ARMS_EXPORTS, {"arms_id", "recipient", "period", "value", "unit"})
    if frame is None:
        return None
    rows = [r for r in frame.itertuples(index=False)
            if text(r.value) and text(r.unit) not in _NOT_AMOUNTS]
    if not rows:
        return None
    rows.sort(key=lambda r: (text(r.period), bool(text(r.recipient)),
                             text(getattr(r, "aggregation", "")) != "total", -float(r.value)))
    groups: dict[str, list[tuple[str, float, str]]] = {}  # unit -> (label, value, colour)
    table = []
    for r in rows:
        unit = _unit_label(r)
        body = text(getattr(r, "cited_body", ""))
        if body.endswith("SIPRI") and "TIV" not in unit:
            unit += " (as stated; source SIPRI)"
        total = text(getattr(r, "aggregation", "")) == "total" or not text(r.recipient)
        who = text(r.recipient) or "all recipients"
        label = f"{_when(r.period) or 'no year'} · {who}{' (total)' if total else ''}"
        colour = "#9aa5ad" if total else "#1f6f8b"
        groups.setdefault(unit, []).append((label, _amount(r), colour))
        table.append((r.arms_id, [label, f"{_amount(r):g}", unit, body]))
    chart = Chart(
        "arms", "Arms-export figures by recipient and year",
        "Each bar is one row: the exports to one recipient in one year, or the total of a "
        "year (grey), drawn apart, never summed with its parts. The unit is the row's own; "
        "rows whose unit is a share or a growth rate are not drawn.",
        f"Bar chart of {len(rows)} arms-export figures by year and recipient, in "
        f"{len(groups)} unit(s): {'; '.join(groups)}.",
        roles.ARMS_EXPORTS, ["year · recipient", "value", "unit", "cited body"], table)
    return chart, Plot("arms", "bars", {"title": "Arms exports by recipient and year",
                                        "groups": groups})


def _trade(data: SiteData) -> tuple[Chart, Plot] | None:
    frame = _frame_of(data, roles.TRADE, {"trade_id", "partner", "flow", "value", "unit"})
    if frame is None:
        return None
    rows = [r for r in frame.itertuples(index=False)
            if text(r.value) and text(r.unit) not in _NOT_AMOUNTS
            and text(getattr(r, "measure", "level")) in ("", "level")]
    if not rows:
        return None
    rows.sort(key=lambda r: (text(r.partner), text(getattr(r, "period", ""))))
    groups: dict[str, list[tuple[str, float, str]]] = {}  # unit -> (label, value, colour)
    table = []
    for r in rows:
        unit = _unit_label(r)
        period = _when(getattr(r, "period", "")) or "no period"
        target = text(getattr(r, "certainty", "")) == "target"
        commodity = text(getattr(r, "commodity", ""))
        label = f"{r.partner} · {r.flow}{f' ({commodity})' if commodity else ''} · {period}"
        if target:
            label += " · target"
        groups.setdefault(unit, []).append((label, _amount(r),
                                            "#e6a100" if target else "#1f6f8b"))
        table.append((r.trade_id, [label, f"{_amount(r):g}", unit]))
    chart = Chart(
        roles.TRADE, "Trade and economic flows by partner",
        "Each bar is one row stating a level (not a change) of a flow between Belarus and a "
        "partner; one panel per unit; targets in orange. Changes and shares are in the "
        "trade table.",
        f"Bar chart of {len(rows)} trade figures by partner, in {len(groups)} unit(s): "
        f"{'; '.join(groups)}.",
        roles.TRADE, ["partner · flow · period", "value", "unit"], table)
    return chart, Plot(roles.TRADE, "bars", {"title": "Trade by partner", "groups": groups})


_MAKERS: list[Callable[[SiteData], tuple[Chart, Plot] | None]] = [
    _visits, mapchart.spec, _arms, _trade]


# --- the charts page -----------------------------------------------------------------------

def page(data: SiteData, charts: list[Chart]) -> str:
    """Every chart as a figure with caption, text alternative and links to its rows."""
    parts = ["<h1>Charts</h1>"]
    if not charts:
        parts.append("<p>No charts: this site was built without matplotlib (install the "
                     "<code>site</code> extra).</p>")
    for c in charts:
        head = "".join(f'<th scope="col">{esc(h)}</th>' for h in ["row", *c.columns])
        rows = "".join(
            f"<tr><td>{a(f'tables/{c.table}.html#{rid}', esc(rid))}</td>"
            + "".join(f"<td>{esc(v)}</td>" for v in cells) + "</tr>"
            for rid, cells in c.rows)
        left = (f"<p>Not drawn ({esc(c.lacking)}): " + ", ".join(
            a(f"tables/{c.table}.html#{rid}", esc(rid)) for rid in c.left_out) + ".</p>"
            if c.left_out else "")
        parts.append(
            f'<section id="{esc(c.name)}" aria-labelledby="{esc(c.name)}-h">'
            f'<h2 id="{esc(c.name)}-h">{esc(c.title)}</h2><figure>'
            f'<img src="{esc(c.file)}" alt="{esc(c.alt)}" loading="lazy">'
            f"<figcaption>{esc(c.caption)} Rows: "
            f"{a(f'tables/{c.table}.html', esc(c.table))}.</figcaption></figure>"
            f"<details><summary>The rows drawn ({len(c.rows)})</summary>"
            f'<div class="scroll"><table class="plain"><thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table></div></details>{left}</section>")
    return site_page(data, "Charts", "\n".join(parts), 0, "charts.html")
