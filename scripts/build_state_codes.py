"""Fill the state codes of data/actors.csv from the ``countrycode`` library; ``--check`` only
compares.

    python scripts/build_state_codes.py            # rewrite the four code columns, then run
                                                   # bdigest-data stamp
    python scripts/build_state_codes.py --check    # exit 1 when a code differs from the library
    python scripts/build_state_codes.py --package DIR

For every row with ``actor_type`` ``state``, its ISO 3166-1 alpha-3 ``actor_id`` is looked up
in ``countrycode`` (the Python port of the R package, in the test extras: ``pip install -e
".[test]"``): ``iso_numeric`` (ISO 3166-1 numeric), ``cow_code`` and ``cow_abbrev``
(Correlates of War), ``gw_code`` (Gleditsch-Ward). A code the library does not give stays
empty; an organisation's codes are always empty (docs/codebook.md, section 4). No code is
typed by hand, and the library is no runtime dependency of bdigest-data: the codes are data.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = Path("data") / "actors.csv"
# column of actors -> countrycode's destination code
CODES = {"iso_numeric": "iso3n", "cow_code": "cown", "cow_abbrev": "cowc", "gw_code": "gwn"}


def library_codes(iso3: list[str]) -> dict[str, list[str]]:
    """Each code column for the states ``iso3``, as the CSV writes it (empty: none)."""
    from countrycode import countrycode

    return {column: ["" if v is None else str(v)
                     for v in countrycode(iso3, origin="iso3c", destination=code)]
            for column, code in CODES.items()}


def render(text: str) -> str:
    """``text`` (actors.csv) with the code columns filled from the library."""
    table = list(csv.reader(io.StringIO(text, newline="")))
    header, rows = table[0], table[1:]
    missing = [c for c in ("actor_id", "actor_type", *CODES) if c not in header]
    if missing:
        raise ValueError(f"{OUTPUT} has no column(s) {', '.join(missing)}")
    at = {name: header.index(name) for name in ("actor_id", "actor_type", *CODES)}
    states = [r for r in rows if r[at["actor_type"]] == "state"]
    found = library_codes([r[at["actor_id"]] for r in states]) if states else {}
    for row in rows:
        for column in CODES:
            row[at[column]] = ""
    for i, row in enumerate(states):
        for column in CODES:
            row[at[column]] = found[column][i]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, default=ROOT, help="package directory")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 when a code differs from the library")
    args = parser.parse_args(argv)
    path = args.package / OUTPUT
    try:
        current = path.read_text(encoding="utf-8")
        text = render(current)
    except (OSError, ValueError) as exc:
        print(f"cannot fill the state codes: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if current != text:
            print(f"{path} is out of date: run python scripts/build_state_codes.py, then "
                  "bdigest-data stamp", file=sys.stderr)
            return 1
        print(f"{path} is up to date")
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}; now run bdigest-data stamp")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
