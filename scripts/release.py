"""Release bdigest-data: ``python scripts/release.py VERSION`` (see RELEASING.md).

Refreshes bytes and hashes, validates, diffs against the previous release and refuses a
version bump smaller than the changes require; then writes the version and date into
datapackage.json, CITATION.cff, .zenodo.json and CHANGELOG.md, writes croissant.json from
the descriptor, and builds
dist/bdigest-data-VERSION.zip, the sdist and the wheel, with dist/SHA256SUMS.
It does not commit or tag: that is the last, manual step.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from bdigest_data.metadata.rows import RowsError
from bdigest_data.release.package import PackageError
from bdigest_data.release.report import render_text
from bdigest_data.release.routine import ReleaseRefused, build, prepare

ROOT = Path(__file__).resolve().parents[1]


def _date(value: str) -> str:
    return dt.date.fromisoformat(value).isoformat()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("version", help="the new version, MAJOR.MINOR.PATCH")
    parser.add_argument("--date", type=_date, default=dt.datetime.now(dt.UTC).date().isoformat(),
                        help="release date YYYY-MM-DD (default: today, UTC)")
    parser.add_argument("--previous", help="previous release: package directory or release "
                        "archive (default: the newest git tag v*; none: first release)")
    parser.add_argument("--root", type=Path, default=ROOT, help="repository to release")
    parser.add_argument("--dist", type=Path, help="output directory (default: ROOT/dist)")
    parser.add_argument("--no-isolation", action="store_true",
                        help="build sdist and wheel with the current environment's hatchling")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the release; 0 when done, 1 when refused."""
    args = parse_args(argv)
    root = args.root.resolve()
    try:
        diff = prepare(root, args.version, args.date, args.previous)
        print(render_text(diff), end="")
        files = build(root, args.version, args.dist or root / "dist",
                      isolation=not args.no_isolation)
    except (ReleaseRefused, PackageError, RowsError) as exc:
        print(f"release refused: {exc}", file=sys.stderr)
        return 1
    print("built:")
    print("".join(f"  {f}\n" for f in files), end="")
    print(f"next: review the diff, commit, then tag v{args.version} (git tag v{args.version})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
