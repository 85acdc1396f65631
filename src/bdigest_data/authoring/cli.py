"""``bdigest-data add-article FILE --id ID --published EDTF --note TEXT [--title TITLE]``
and ``bdigest-data locate TEXT [--source ID]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bdigest_data.cliargs import UsageError, add_package, failure, reading

if TYPE_CHECKING:
    from bdigest_data.text.locate import Location

LOCATE_FORMATS = ("text", "json")
SHOWN = 10  # matches listed in text output


def register(subparsers: Any) -> None:
    """Add the ``add-article`` and ``locate`` sub-commands."""
    add = subparsers.add_parser(
        "add-article",
        help="add a new article's text: a new seed file, its resource, its sources row "
             "and its sentences",
        description="Copy FILE (the article's text, UTF-8 Markdown) into a new seed file "
        "seeds/ID.txt, declare it in datapackage.json with its size and hash, add its "
        "sources row (title from the first heading unless --title is given, offsets that "
        "span the article) and its sentences, and stamp what changed. Line ends CRLF and CR "
        "are stored as LF and a byte-order mark is dropped (it says so). Nothing is written "
        "when anything is wrong. Exit 0 added, 1 refused, 2 usage error or a file that "
        "cannot be read or written.",
    )
    add.add_argument("file", metavar="FILE", help="the article's text (UTF-8)")
    add.add_argument("--id", required=True, dest="source_id", metavar="ID",
                     help="the new source_id (lower-case letters, digits, hyphens)")
    add.add_argument("--published", required=True, metavar="EDTF",
                     help="publication date as EDTF, as precise as the text allows "
                          "(2017-10, 2017-10?, 2017-10-08)")
    add.add_argument("--note", required=True, metavar="TEXT",
                     help="how the publication date follows from the text (published_note)")
    add.add_argument("--title", metavar="TITLE",
                     help="the title, as it stands in the text (default: the first heading)")
    add_package(add, writes=True)
    add.set_defaults(func=run_add_article)

    locate = subparsers.add_parser(
        "locate",
        help="where a quote is in the articles, or the closest passage and how it differs",
        description="Find TEXT in the articles after the normalisation the provenance check "
        "applies (markup dropped, \\$ read as $, whitespace folded): article, offsets in the "
        "seed file, line and context. When it is not found, show the closest passage and "
        "each differing character (homoglyphs, decomposed accents, a dropped $, spaces). "
        "Exit 0 found, 1 not found, 2 usage error.",
    )
    locate.add_argument("text", metavar="TEXT", help="the quote (pass it in single quotes)")
    locate.add_argument("--source", metavar="ID", help="look only in this article")
    locate.add_argument("--format", "-f", choices=LOCATE_FORMATS, default="text")
    add_package(locate)
    locate.set_defaults(func=run_locate)


def run_add_article(args: argparse.Namespace) -> int:
    """Add the article; print what was written, or why nothing was (exit 1 for an article
    refused, 2 for a usage or I/O error)."""
    from bdigest_data.authoring.article import ArticleRefused, add_article
    from bdigest_data.metadata import files_of
    from bdigest_data.metadata.files import DESCRIPTOR, PackageError, writable_root

    root = writable_root(args.package or ".")
    if root is not None:
        try:
            files_of(root)
        except PackageError:  # no descriptor there
            root = None
    if root is None:
        return failure("add-article", PackageError(f"no package at {args.package or '.'} "
                                                   f"(no {DESCRIPTOR})"), nothing_written=True)
    try:
        added = add_article(root, Path(args.file), source_id=args.source_id,
                            published=args.published, note=args.note, title=args.title)
    except (ArticleRefused, PackageError, OSError) as exc:  # rolled back: nothing written
        return failure("add-article", exc, nothing_written=True,
                       invalid=(ArticleRefused, PackageError))
    length = added.char_end - added.char_start
    print(f"added article {added.source_id!r}: {added.title}")
    print(f"  {added.seed_file}: new seed file, characters {added.char_start}-"
          f"{added.char_end} ({length} characters) are the article")
    for change in added.normalised:
        print(f"  {added.seed_file}: {change} (the seed is stored that way)")
    tables = [f for f in added.files if f not in (added.seed_file, "datapackage.json")]
    print(f"  {tables[0]}: row {added.source_id!r} added")
    if len(tables) > 1:
        print(f"  {tables[1]}: {added.sentences} units of the article added (sentences, "
              "headings, captions)")
    print(f"  datapackage.json: resource {added.resource!r} declared; bytes and hash of it "
          f"and of {', '.join(tables)} stamped")
    print("next: add fact rows that quote the article (find a quote with "
          f"bdigest-data locate 'TEXT' --source {added.source_id}), then run "
          "bdigest-data stamp and bdigest-data validate")
    return 0


def run_locate(args: argparse.Namespace) -> int:
    """Print where the quote is (exit 0) or the closest passage (exit 1)."""
    from bdigest_data.cliargs import Invalid
    from bdigest_data.findings import ValidationError
    from bdigest_data.metadata import roles
    from bdigest_data.text.evidence import articles
    from bdigest_data.text.locate import locate
    from bdigest_data.validation.runner import load

    if not args.text.strip():
        raise UsageError("TEXT is empty; give the quote to look for")
    try:
        with reading(args.package) as root:
            pkg, report = load(root, tables=[roles.SOURCES], groups=("provenance",))
            if pkg is None:
                raise ValidationError(report.findings)
            arts = articles(pkg)
            if args.source is not None:
                if args.source not in arts:
                    raise UsageError(f"--source {args.source!r}: no such article; the "
                                     f"articles are: {', '.join(arts)}")
                arts = {args.source: arts[args.source]}
            if not arts:
                raise Invalid("the package has no readable articles; run bdigest-data "
                              "validate")
            seeds = {a.seed_file: pkg.text(a.seed_file) for a in arts.values()}
            where = locate(args.text, arts, seeds)
    except (OSError, ValueError, ValidationError, Invalid) as exc:
        return failure("locate", exc)
    if args.format == "json":
        print(json.dumps(where.to_dict(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(render(where))
    return 0 if where.found else 1


def render(where: Location) -> str:
    """A ``Location`` as text."""
    from bdigest_data.text.locate import CLOSEST_MAX

    out: list[str] = []
    for m in where.matches[:SHOWN]:
        out.append(f"found in article {m.source_id!r}: {m.seed_file} characters "
                   f"{m.start}-{m.end}, line {m.line}")
        out.append(f"  …{m.before}[{m.text}]{m.after}…")
    if len(where.matches) > SHOWN:
        out.append(f"… and {len(where.matches) - SHOWN} more places (--format json lists "
                   "them all); a longer quote is unique")
    if not where.found:
        out.append("not found in any article (markup dropped, \\$ read as $, whitespace "
                   "folded)")
        c = where.closest
        if c is None and len(where.quote) <= CLOSEST_MAX:
            out.append("no passage is close: more than half of the characters differ "
                       "everywhere")
        elif c is not None:
            out.append(f"closest passage: article {c.source_id!r}, {c.seed_file} characters "
                       f"{c.start}-{c.end}, line {c.line} ({len(where.differences)} "
                       "difference" + ("" if len(where.differences) == 1 else "s") + "):")
            out.append(f"  article: {c.text}")
            out.append(f"  quote:   {where.quote}")
            out += [f"  - {d.describe()}" for d in where.differences]
    out += [f"note: {n}" for n in where.notes]
    return "\n".join(out) + "\n"
