"""Write data/sentences.csv: every article of the package cut into units (pysbd); ``--check``
only compares.

    python scripts/build_sentences.py            # regenerate data/sentences.csv, then run
                                                 # bdigest-data stamp
    python scripts/build_sentences.py --check    # exit 1 when the file differs from a fresh
                                                 # segmentation of the seed texts
    python scripts/build_sentences.py --package DIR

Needs ``pysbd`` (in the test extras: ``pip install -e ".[test]"``). The rules are those of
``bdigest_data.text.sentences``. Run it after adding an article to ``seeds/`` and ``sources``;
the ids of an existing article's units do not change as long as its text does not.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from bdigest_data import metadata
from bdigest_data.text.evidence import articles
from bdigest_data.text.sentences import Unit, segment
from bdigest_data.validation.checks.structure.structure import read_table
from bdigest_data.validation.context import PackageData

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = Path("data") / "sentences.csv"
HEADER = ("sentence_id", "source_id", "ordinal", "kind", "char_start", "char_end", "text")


def units(package: Path) -> list[Unit]:
    """The units of every article of the package at ``package``, in sources order."""
    files = metadata.files_of(package)
    model = metadata.package(files)
    pkg = PackageData(files, model)
    name = model.table_with_role("sources")
    schema = model.schema(name) if name else None
    if name is None or schema is None:
        raise ValueError("the package has no sources table")
    path = files.path(model.by_name[name].path)
    data = read_table(name, path, schema, keep=None, limit=None).data
    if data is None:
        raise ValueError(f"{path} cannot be read")
    pkg.tables[name] = data
    return [u for article in articles(pkg).values() for u in segment(article)]


def render(found: list[Unit]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for u in found:
        writer.writerow((u.sentence_id, u.source_id, u.ordinal, u.kind, u.char_start,
                         u.char_end, u.text))
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, default=ROOT, help="package directory")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 when the file differs from the seed texts")
    args = parser.parse_args(argv)
    out = args.package / OUTPUT
    try:
        text = render(units(args.package))
    except (OSError, KeyError, ValueError) as exc:
        print(f"cannot segment the articles: {exc}", file=sys.stderr)
        return 2
    current = out.read_text(encoding="utf-8") if out.is_file() else None
    if args.check:
        if current != text:
            print(f"{out} is out of date: run python scripts/build_sentences.py, then "
                  "bdigest-data stamp", file=sys.stderr)
            return 1
        print(f"{out} is up to date")
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out} ({len(text.splitlines()) - 1} units); now run bdigest-data stamp")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
