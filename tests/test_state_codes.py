"""State codes of actors: every ISO numeric, COW and G-W code is the ``countrycode``
library's for the state's ISO alpha-3 id (none typed by hand), organisations have none, and
where COW and G-W disagree for a state we hold is stated here."""

from __future__ import annotations

import subprocess
import sys

import conftest
import pandas as pd
from conftest import ROOT
from countrycode import countrycode
from helpers import rows, write_rows

import bdigest_data as bd

SCRIPT = ROOT / "scripts" / "build_state_codes.py"
CODES = {"iso_numeric": "iso3n", "cow_code": "cown", "cow_abbrev": "cowc", "gw_code": "gwn"}


def test_every_state_code_is_the_librarys():
    actors = bd.load("actors")
    states = actors[actors["actor_type"] == "state"]
    assert len(states) == 20
    for column, code in CODES.items():
        expected = countrycode(list(states["actor_id"]), origin="iso3c", destination=code)
        held = [None if pd.isna(v) else v for v in states[column]]
        assert held == expected, column


def test_organisations_have_no_state_codes():
    actors = bd.load("actors")
    orgs = actors[actors["actor_type"] != "state"]
    assert len(orgs) == 16
    assert orgs[list(CODES)].isna().all().all()


def test_where_cow_and_gw_disagree_for_the_states_we_hold():
    actors = bd.load("actors").set_index("actor_id")
    states = actors[actors["actor_type"] == "state"]
    pairs = {i: (r.cow_code, None if pd.isna(r.gw_code) else r.gw_code)
             for i, r in states.iterrows()}
    differ = {i: pair for i, pair in pairs.items() if pair[0] != pair[1]}
    # Germany: COW numbers unified Germany 255, G-W continues West Germany's 260.
    # Yemen: countrycode maps ISO YEM to no G-W number (G-W lists the Yemen Arab Republic,
    # 678, and the People's Republic, 680), so gw_code stays empty rather than a guess.
    assert differ == {"DEU": (255, 260), "YEM": (679, None)}
    assert actors.loc["BLR", "cow_code"] == 370 and actors.loc["AZE", "cow_code"] == 373


def test_committed_codes_are_the_scripts():
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_check_fails_on_a_code_typed_by_hand_and_rewrite_restores_it(package_copy):
    recs = rows(package_copy, "actors")
    recs[0]["cow_code"] = "999"
    recs[-1]["gw_code"] = "1"  # an organisation
    write_rows(package_copy, "actors", recs)
    checked = conftest.run_script(SCRIPT, "--package", str(package_copy), "--check")
    assert checked.returncode == 1 and "out of date" in checked.stderr
    assert conftest.run_script(SCRIPT, "--package", str(package_copy)).returncode == 0
    assert (package_copy / "data" / "actors.csv").read_bytes() \
        == (ROOT / "data" / "actors.csv").read_bytes()
