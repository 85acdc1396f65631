"""Write docs/data-dictionary.md from the schemas and the data; ``--check`` only compares.

    python scripts/build_data_dictionary.py            # regenerate the committed file
    python scripts/build_data_dictionary.py --check    # exit 1 when it is out of date
    python scripts/build_data_dictionary.py --package DIR --output FILE
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bdigest_data.dictionary import OUTPUT, render

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, default=ROOT, help="package directory")
    parser.add_argument("--output", type=Path, help=f"file to write (default PACKAGE/{OUTPUT})")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 when the file differs from the schemas/data")
    args = parser.parse_args(argv)
    out = args.output or args.package / OUTPUT
    try:
        text = render(args.package)
    except (OSError, KeyError, ValueError) as exc:
        print(f"cannot render the data dictionary: {exc}", file=sys.stderr)
        return 2
    current = out.read_text(encoding="utf-8") if out.is_file() else None
    if args.check:
        if current != text:
            print(f"{out} is out of date: run python scripts/build_data_dictionary.py",
                  file=sys.stderr)
            return 1
        print(f"{out} is up to date")
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out} ({len(text.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
