"""``bdigest-data validate`` and ``bdigest-data coverage``.

Exit status of ``validate``: 0 valid, 1 invalid, 2 usage or I/O error (no package at
``--package``, unknown table or check group, options that cannot go together).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bdigest_data.cliargs import (
    UsageError,
    add_package,
    failure,
    non_negative,
    package,
    reading,
    shown,
)
from bdigest_data.validation import GROUPS

if TYPE_CHECKING:
    from bdigest_data.findings import Report
    from bdigest_data.metadata.files import PackageFiles

FORMATS = ("text", "json", "github")
COVERAGE_FORMATS = ("text", "json")


def register(subparsers: Any) -> None:
    """Add the ``validate`` and ``coverage`` sub-commands."""
    validate = subparsers.add_parser(
        "validate",
        help="check the package: structure, integrity, provenance, semantics, coverage",
        description="Check every table against its Table Schema (as frictionless does), the "
        "files' sizes and hashes against datapackage.json, the versions, every row's "
        "quote and figures against the source article, the values' meaning, and that "
        "every figure of the articles is captured or excluded. Exit 0 valid, 1 invalid, "
        "2 usage or I/O error.",
    )
    add_package(validate, removed_positional=True)
    validate.add_argument("--format", "-f", choices=FORMATS, default="text",
                          help="text (default), json, or github: one workflow-command "
                               "annotation per finding and a step summary")
    validate.add_argument("--checks", type=_groups, default=None, metavar="LIST",
                          help=f"comma-separated check groups to run (default: all of "
                               f"{', '.join(GROUPS)})")
    validate.add_argument("--skip", type=_groups, default=[], metavar="LIST",
                          help="comma-separated check groups to leave out")
    validate.add_argument("--table", action="append", dest="tables", metavar="NAME",
                          help="check only this table and the tables it refers to "
                               "(repeatable; coverage is then skipped)")
    validate.add_argument("--max-findings", type=non_negative, default=1000, metavar="N",
                          help="findings listed per table and check group, every code "
                               "counted (default 1000, 0: all)")
    validate.add_argument("--no-cache", action="store_true",
                          help="check again even if these files passed before (a clean "
                               "verdict is cached in the user's cache folder, "
                               "BDIGEST_CACHE_DIR; BDIGEST_NO_CACHE=1 turns it off)")
    validate.add_argument("--max-annotations", type=non_negative, default=None, metavar="N",
                          help="with --format github: findings annotated (default 10, "
                               "GitHub's limit per step; 0: all); the rest are listed")
    validate.set_defaults(func=run_validate)

    coverage = subparsers.add_parser(
        "coverage",
        help="how the fact rows account for every sentence and figure of each article",
        description="Per article: its sentences (units: headings, captions and credits "
        "included) covered by a fact row's quote, set aside by disposition in the coverage "
        "ledger, or unaccounted; its figures covered, set aside or uncovered; and the "
        "ledger row to paste for each one left.",
    )
    add_package(coverage, removed_positional=True)
    coverage.add_argument("--format", "-f", choices=COVERAGE_FORMATS, default="text")
    coverage.add_argument("--units", action="store_true",
                          help="also list every unit with its status")
    coverage.set_defaults(func=run_coverage)


def _groups(text: str) -> list[str]:
    chosen = [g.strip() for g in text.split(",") if g.strip()]
    unknown = [g for g in chosen if g not in GROUPS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown check group(s) {', '.join(unknown)}; "
                                         f"choose from {', '.join(GROUPS)}")
    return chosen


def chosen_checks(args: argparse.Namespace) -> list[str]:
    """The check groups to run; a ``UsageError`` when the options leave none."""
    checks = [g for g in (args.checks or GROUPS) if g not in args.skip]
    if args.tables and args.checks and "coverage" in checks:
        raise UsageError("--table skips coverage (it needs the whole package); drop "
                         "coverage from --checks or drop --table")
    if not checks:
        raise UsageError("--checks and --skip leave no check group to run")
    if args.max_annotations is not None and args.format != "github":
        raise UsageError("--max-annotations applies only to --format github")
    return checks


# Arrow's jemalloc, tuned for a stream of batches freed soon after they are made: one
# arena and no thread caches (the reading thread's freed memory is reused by the checking
# thread), and freed pages handed back to the system after 100 ms by the threads that
# allocate (jemalloc's background thread wakes too seldom to keep up). 1M rows: peak
# 190 MB against 390 MB with Arrow's defaults, 0.05 s slower.
JEMALLOC_CONF = ("narenas:1,tcache:false,background_thread:false,dirty_decay_ms:100,"
                 "muzzy_decay_ms:0")


def _jemalloc() -> None:
    """Use Arrow's jemalloc pool (``JEMALLOC_CONF``) where pyarrow has it: it returns freed
    batches to the system sooner than the default mimalloc. Only the command's own process
    is changed, never a library user's; a ``JE_ARROW_MALLOC_CONF`` already set wins. Must
    run before pyarrow is first imported: jemalloc reads its settings when it loads."""
    os.environ.setdefault("JE_ARROW_MALLOC_CONF", JEMALLOC_CONF)
    import pyarrow as pa

    with contextlib.suppress(NotImplementedError):
        pa.set_memory_pool(pa.jemalloc_memory_pool())


def run_validate(args: argparse.Namespace) -> int:
    """Validate and print the report; 0 valid, 1 invalid, 2 usage or I/O error. A verdict
    from the cache (``verdicts``) imports neither pyarrow nor the checks."""
    checks = chosen_checks(args)
    from bdigest_data.metadata import files_of
    from bdigest_data.metadata.files import is_archive
    from bdigest_data.validation import verdicts
    from bdigest_data.validation.report.annotations import ANNOTATION_LIMIT, step_summary, to_github
    from bdigest_data.validation.report.render import render

    path = package(args)

    def run(root: Path | PackageFiles, *, tables: list[str] | None, checks: list[str]
            ) -> Report:
        _jemalloc()  # before pyarrow is imported, which only the checks need
        from bdigest_data.validation.runner import validate

        return validate(root, tables=tables, checks=checks, limit=args.max_findings or None)

    try:
        with reading(path) as root:
            if args.no_cache or is_archive(path or root):  # an archive: unpacked anew each run
                report = run(root, tables=args.tables, checks=checks)
            else:
                report = verdicts.remembered(run, files_of(root), tables=args.tables,
                                             checks=checks)
            if args.format == "github":
                limit = ANNOTATION_LIMIT if args.max_annotations is None else (
                    args.max_annotations or len(report.findings))
                out = to_github(report, limit=limit)
                if summary := os.environ.get("GITHUB_STEP_SUMMARY"):
                    with open(summary, "a", encoding="utf-8") as fh:
                        fh.write(step_summary(report))
            else:
                report.stats["descriptor"] = shown(path, Path(report.stats["descriptor"]))
                out = render(report, args.format)
    except (OSError, ValueError) as exc:
        if args.format == "github":  # so that the pull request shows why nothing was checked
            from bdigest_data.cliargs import said
            from bdigest_data.validation.report.annotations import command

            print(command("error", said(exc), title="bdigest-data validate"))
        return failure("validate", exc)
    sys.stdout.write(out)
    return 0 if report.valid else 1


def run_coverage(args: argparse.Namespace) -> int:
    """Print the coverage ledger; 1 when the package cannot be read, 2 on usage errors."""
    _jemalloc()
    from bdigest_data.validation.checks.coverage import coverage
    from bdigest_data.validation.report import coverage_render
    from bdigest_data.validation.report.render import render
    from bdigest_data.validation.runner import load

    try:
        with reading(package(args)) as root:
            pkg, report = load(root, groups=("coverage",))
            entries = None if pkg is None else coverage.ledger(pkg)
    except (OSError, ValueError) as exc:
        return failure("coverage", exc)
    if entries is None:
        sys.stdout.write(render(report, args.format))
        return 1
    if args.format == "json":
        sys.stdout.write(coverage_render.render_json(entries, units=args.units))
    else:
        sys.stdout.write(coverage_render.render_text(entries, units=args.units))
    return 0
