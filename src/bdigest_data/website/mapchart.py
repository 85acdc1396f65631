"""A map of the places of visits, when places carry coordinates (drawn with cartopy).

The place table is found through the schemas: the lookup table a fact table's foreign key
points to whose fields include ``latitude`` and ``longitude``. Each place that rows point
to is a dot (its size grows with the number of rows) labelled with its name. The basemap
is the Natural Earth shaded-relief image that ships inside cartopy (``stock_img``), in
the plate carrée projection it is drawn in, so nothing is fetched and nothing reprojected.
Without cartopy, or without coordinates, there is no map.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bdigest_data.website.content import Link, SiteData, Table

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from bdigest_data.website.charts import Chart

LAT, LON = "latitude", "longitude"
_PAD = 4.0  # degrees around the outermost places
_MIN_SPAN = (24.0, 12.0)  # degrees of longitude and latitude shown at least


def _placed(data: SiteData) -> tuple[Table, Link, Table] | None:
    """(fact table, its link to the places, the place table), the first that has one."""
    for facts in data.facts:
        for link in facts.links.values():
            places = data.tables.get(link.table)
            if places is not None and {LAT, LON} <= set(places.fields):
                return facts, link, places
    return None


def _name(row: dict[str, str], key: str) -> str:
    return next((row[f] for f in ("name", "title", "label") if row.get(f)), key)


def draw(data: SiteData) -> tuple[Chart, Figure] | None:
    """The map chart and its figure, or None (no place table, coordinates or cartopy)."""
    found = _placed(data)
    if found is None:
        return None
    facts, link, places = found
    by_key = {row[link.target]: row for row in places.rows}
    at: dict[str, list[str]] = {}
    for rid, row in zip(facts.ids, facts.rows, strict=True):
        place = by_key.get(row.get(link.field, ""))
        if place and place[LAT] and place[LON]:
            at.setdefault(place[link.target], []).append(rid)
    if not at:
        return None
    try:
        import cartopy.crs as ccrs
    except ImportError:
        return None
    from bdigest_data.website.charts import Chart

    points = [(float(by_key[k][LON]), float(by_key[k][LAT]), _name(by_key[k], k), ids)
              for k, ids in sorted(at.items(), key=lambda kv: -len(kv[1]))]
    fig, ax = _axes(ccrs, points)
    for lon, lat, name, ids in points:
        ax.plot(lon, lat, "o", ms=4 + 3 * len(ids) ** 0.5, color="#b23a48", mec="white", mew=1,
                alpha=0.9, transform=ccrs.PlateCarree())
        ax.annotate(f"{name} ({len(ids)})", (lon, lat), xytext=(7, 5),
                    textcoords="offset points", fontsize=9, fontweight="bold",
                    path_effects=_halo())
    chart = Chart(
        "map", f"Places of {facts.name}",
        f"Each dot is a place that rows of {facts.name} name (place coordinates from the "
        f"{places.name} table), sized by the number of rows, on Natural Earth shaded "
        "relief shipped with cartopy (no map tiles are fetched). Rows without a place are "
        "not drawn.",
        f"Map of {len(points)} places of {sum(len(p[3]) for p in points)} {facts.name} "
        "rows: " + "; ".join(f"{p[2]}, {len(p[3])}" for p in points) + ".",
        facts.name, ["place", "latitude", "longitude"],
        [(rid, [name, f"{lat:g}", f"{lon:g}"]) for lon, lat, name, ids in points
         for rid in ids],
        sorted(set(facts.ids) - {i for p in points for i in p[3]}), "no place")
    return chart, fig


def _axes(ccrs: Any, points: list[tuple[float, float, str, list[str]]]) -> tuple[Figure, Any]:
    from matplotlib.figure import Figure

    lons, lats = [p[0] for p in points], [p[1] for p in points]
    west, east = min(lons) - _PAD, max(lons) + _PAD
    south, north = min(lats) - _PAD, max(lats) + _PAD
    for lo, hi, span, i in ((west, east, _MIN_SPAN[0], 0), (south, north, _MIN_SPAN[1], 1)):
        if hi - lo < span:
            mid = (lo + hi) / 2
            lo, hi = mid - span / 2, mid + span / 2
        if i == 0:
            west, east = lo, hi
        else:
            south, north = max(lo, -89.0), min(hi, 89.0)
    width = 8.5
    height = max(3.0, min(7.0, width * (north - south) / (east - west)))
    # the relief is embedded as a raster at the figure's dpi: 40 dpi (340 px across, more
    # than the image's own pixels for such a region) keeps the SVG small
    fig = Figure(figsize=(width, height), dpi=40)
    crs = ccrs.PlateCarree()
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.98), projection=crs)
    ax.set_extent([west, east, south, north], crs=crs)
    ax.stock_img(interpolation="bilinear")
    ax.gridlines(draw_labels=False, color="white", alpha=0.4, linewidth=0.5)
    return fig, ax


def _halo() -> list[Any]:
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=3, foreground="white")]
