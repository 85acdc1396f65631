"""Write docs/data-dictionary.md (schemas, data) and docs/findings.md (the error catalogue).

``--check`` only compares.

    python scripts/build_data_dictionary.py            # regenerate the committed file
    python scripts/build_data_dictionary.py --check    # exit 1 when it is out of date
    python scripts/build_data_dictionary.py --package DIR --output FILE
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bdigest_data import catalogue
from bdigest_data.dictionary import OUTPUT, render

FINDINGS = "docs/findings.md"

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, default=ROOT, help="package directory")
    parser.add_argument("--output", type=Path, help=f"file to write (default PACKAGE/{OUTPUT})")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 when the file differs from the schemas/data")
    args = parser.parse_args(argv)
    try:
        outputs = [(args.output or args.package / OUTPUT, render(args.package)),
                   (args.package / FINDINGS, catalogue.render())]
    except (OSError, KeyError, ValueError) as exc:
        print(f"cannot render the data dictionary: {exc}", file=sys.stderr)
        return 2
    stale = [out for out, text in outputs
             if (out.read_text(encoding="utf-8") if out.is_file() else None) != text]
    if args.check:
        for out in stale:
            print(f"{out} is out of date: run python scripts/build_data_dictionary.py",
                  file=sys.stderr)
        for out, _ in outputs:
            if out not in stale:
                print(f"{out} is up to date")
        return 1 if stale else 0
    for out, text in outputs:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out} ({len(text.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
