"""A place lies in its state.

- ``place-coordinates``: a row of a table with ``latitude`` and ``longitude`` fields and a
  reference to the actors (its state, ``places.country``) whose point falls outside that
  state's box (``country_boxes``, generated from the outlines of the ``countryinfo``
  library) widened by ``MARGIN`` degrees, which the outlines' coarse drawing needs (a
  capital on a border, Bratislava). The message says when latitude and longitude look
  swapped (the swapped point is inside). A state without a box is not judged.
"""

from __future__ import annotations

from bdigest_data.catalogue import PLACE_COORDINATES
from bdigest_data.findings import Finding
from bdigest_data.metadata import roles
from bdigest_data.validation.checks.dataset.country_boxes import BOXES
from bdigest_data.validation.checks.dataset.dataset import finding, reference_field
from bdigest_data.validation.context import PackageData, TableData
from bdigest_data.validation.registry import register

LATITUDE, LONGITUDE = "latitude", "longitude"
MARGIN = 0.5  # degrees


def needs(schema: object) -> set[str]:
    return set()  # no field of a fact table


def inside(box: tuple[float, float, float, float], lat: float, lon: float) -> bool:
    south, north, west, east = box
    return south - MARGIN <= lat <= north + MARGIN and west - MARGIN <= lon <= east + MARGIN


@register("dataset", PLACE_COORDINATES)
def check_coordinates(pkg: PackageData) -> list[Finding]:
    """The coordinates rule (see the module docstring)."""
    actors = pkg.model.table_with_role(roles.ACTORS)
    out: list[Finding] = []
    for name, td in pkg.tables.items():
        state = reference_field(pkg, name, actors) if actors else None
        if state is None or not {LATITUDE, LONGITUDE, state} <= set(td.table.column_names) \
                or not all(_numeric(td, c) for c in (LATITUDE, LONGITUDE)):
            continue  # no coordinates, or not numbers (a schema the rule cannot judge)
        columns = (td.column(c).to_pylist() for c in (state, LATITUDE, LONGITUDE))
        for row, (country, lat, lon) in enumerate(zip(*columns, strict=True)):
            box = BOXES.get(country)
            if box is None or lat is None or lon is None or inside(box, lat, lon):
                continue
            swapped = " (latitude and longitude look swapped)" if inside(box, lon, lat) else ""
            out.append(finding(td, PLACE_COORDINATES, row, f"latitude {lat}, longitude {lon} "
                               f"is not in {country} ({state}){swapped}", LATITUDE, lat))
    return out


def _numeric(td: TableData, name: str) -> bool:
    found = td.schema.field(name)
    return found is not None and found.supported and found.info.python in (int, float)
