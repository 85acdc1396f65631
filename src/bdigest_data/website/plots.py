"""The charts' figures, drawn with matplotlib from plain data (see :mod:`.charts`).

Run as ``python -m bdigest_data.website.plots OUT``: it imports matplotlib (and cartopy)
first, then reads a JSON list of plots (``name``, ``kind``, ``payload``) from its standard
input and draws each into ``OUT/<name>.svg``. :class:`bdigest_data.website.charts.Painter`
starts it before the package is read, so imports and drawing overlap the rest of the
build. Panels are placed in inches, not by a layout engine
(which would cost more time than all the drawing); text stays text in the SVG.
"""

from __future__ import annotations

import datetime as dt
import json
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


def places(payload: dict[str, Any]) -> Figure:
    """Dots ``[lon, lat, name, count]`` on the shaded relief that ships with cartopy."""
    import cartopy.crs as ccrs
    from matplotlib import patheffects
    from matplotlib.figure import Figure

    points = payload["points"]
    extent = []
    for axis, span, limit in ((0, _MIN_SPAN[0], 180.0), (1, _MIN_SPAN[1], 89.0)):
        lo = min(p[axis] for p in points) - _PAD
        hi = max(p[axis] for p in points) + _PAD
        if hi - lo < span:
            mid = (lo + hi) / 2
            lo, hi = mid - span / 2, mid + span / 2
        extent += [max(lo, -limit), min(hi, limit)]
    west, east, south, north = extent
    height = max(3.0, min(7.0, _WIDTH * (north - south) / (east - west)))
    # the relief is embedded as a raster at the figure's dpi: 40 dpi (340 px across, more
    # than the image's own pixels for such a region) keeps the SVG small
    fig = Figure(figsize=(_WIDTH, height), dpi=40)
    crs = ccrs.PlateCarree()
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.98), projection=crs)
    ax.set_extent(extent, crs=crs)
    ax.stock_img(interpolation="bilinear")
    ax.gridlines(draw_labels=False, color="white", alpha=0.4, linewidth=0.5)
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    for lon, lat, name, count in points:
        ax.plot(lon, lat, "o", ms=4 + 3 * count ** 0.5, color="#b23a48", mec="white", mew=1,
                alpha=0.9, transform=crs)
        ax.annotate(f"{name} ({count})", (lon, lat), xytext=(7, 5), textcoords="offset points",
                    fontsize=9, fontweight="bold", path_effects=halo)
    return fig


DRAW: dict[str, Callable[[dict[str, Any]], Figure]] = {
    "timeline": timeline, "bars": bars, "map": places}


def main(out: Path) -> None:
    """Import the plotting libraries, then draw the plots listed on standard input."""
    import importlib.util

    import matplotlib
    import matplotlib.figure  # noqa: F401  (imported before the plots arrive)

    if importlib.util.find_spec("cartopy") is not None:
        import cartopy.crs  # noqa: F401
    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "bdigest",
                                "font.size": 9, "font.family": "DejaVu Sans"})
    listed = sys.stdin.read()
    for plot in json.loads(listed) if listed.strip() else []:
        fig = DRAW[plot["kind"]](plot["payload"])
        fig.savefig(out / f"{plot['name']}.svg", format="svg", metadata={"Date": None})


if __name__ == "__main__":
    main(Path(sys.argv[1]))
