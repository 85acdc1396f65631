"""``bdigest-data validate --format github``: an annotation on the offending line of each
file, a step summary, and a cap with a closing line."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from conftest import run_cli
from helpers import set_cell

from bdigest_data.authoring.article import add_article
from bdigest_data.release.stamp import stamp
from bdigest_data.validation.report.annotations import command

FIXTURE = Path(__file__).parent / "data" / "fixture_article.md"
ANNOTATION = re.compile(r"^::error file=(?P<file>[^,]+),line=(?P<line>\d+),title=(?P<code>[^:]+)"
                        r"::(?P<message>.*)$")


def run_github(pkg: Path, *args: str, env: dict[str, str] | None = None,
               cwd: Path | None = None):
    """The real CLI with the GitHub format, run from ``cwd`` (default: the package's parent,
    standing for the repository root), with ``env`` over an environment without GitHub's
    variables."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    return run_cli("validate", "--package", str(pkg), "--format", "github", *args,
                   cwd=cwd or pkg.parent, env=base | (env or {}))


def test_each_finding_is_an_annotation_on_its_csv_line(package_copy: Path) -> None:
    set_cell(package_copy, "trade", 3, "value", "12x")
    set_cell(package_copy, "visits", 2, "status", "cancelled")
    stamp(package_copy)
    result = run_github(package_copy, "--checks", "structure")
    assert result.returncode == 1, result.stderr
    found = [m.groupdict() for line in result.stdout.splitlines()
             if (m := ANNOTATION.match(line))]
    assert [(f["file"], f["line"], f["code"]) for f in found] == [
        ("pkg/data/trade.csv", "4", "type-error"),
        ("pkg/data/visits.csv", "3", "constraint-error"),
    ]
    assert found[0]["message"].startswith('row 3, field value: type is "number"')
    assert found[0]["message"].endswith('value "12x"')
    lines = (package_copy / "data" / "trade.csv").read_text(encoding="utf-8").splitlines()
    assert ",12x," in lines[4 - 1]  # line N is the file's own line N
    assert result.stdout.splitlines()[-1].startswith("INVALID: 2 findings")


def test_paths_are_relative_to_the_workspace_and_other_files_get_their_findings(
        package_copy: Path) -> None:
    schema = package_copy / "schemas" / "rankings.json"
    schema.write_text("{not json", encoding="utf-8")
    actors = package_copy / "schemas" / "actors.json"
    actors.write_text(actors.read_text(encoding="utf-8").replace('"type": "string"',
                                                                 '"type": "text"', 1))
    desc = json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))
    del next(r for r in desc["resources"] if r["name"] == "trade")["hash"]
    (package_copy / "datapackage.json").write_text(json.dumps(desc, indent=2))
    (package_copy / "data" / "actors.csv").write_bytes(
        (package_copy / "data" / "actors.csv").read_bytes() + b"\n")
    result = run_github(package_copy, "--checks", "structure,integrity",
                        env={"GITHUB_WORKSPACE": str(package_copy)}, cwd=Path("/"))
    lines = result.stdout.splitlines()
    assert any(line.startswith("::error file=schemas/rankings.json,title=schema-error::")
               for line in lines), lines
    assert any(line.startswith("::error file=schemas/actors.json,title=field-error::")
               for line in lines), lines
    assert any(line.startswith("::error file=datapackage.json,title=unstamped-resource::")
               for line in lines), lines
    assert any(line.startswith("::error file=data/actors.csv,title=hash-count::")
               and "bdigest-data stamp" in line for line in lines), lines


def test_uncovered_figure_points_at_the_line_of_its_own_seed_file(package_copy: Path) -> None:
    add_article(package_copy, FIXTURE, source_id="fixture-target", published="2031",
                note="An invented fixture.")
    result = run_github(package_copy, "--checks", "coverage")
    hits = [m for line in result.stdout.splitlines() if (m := ANNOTATION.match(line))]
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    # the new article's sentences are unaccounted for, the one with a figure among them
    assert {(h["file"], h["code"]) for h in hits} == {("pkg/seeds/fixture-target.txt",
                                                       "unaccounted-sentence")}
    assert all("'fixture-target'" in h["message"] for h in hits)
    assert any("$1bn" in lines[int(h["line"]) - 1] for h in hits)


def test_annotations_are_capped_with_a_closing_line_and_a_step_summary(
        package_copy: Path, tmp_path: Path) -> None:
    for row in range(1, 13):
        set_cell(package_copy, "arms_exports", row, "certainty", "rumoured")
    stamp(package_copy)
    summary = tmp_path / "summary.md"
    result = run_github(package_copy, "--checks", "structure",
                        env={"GITHUB_STEP_SUMMARY": str(summary)})
    lines = result.stdout.splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 10
    plain = [line for line in lines if line.startswith("pkg/data/arms_exports.csv:")]
    assert len(plain) == 2 and "[constraint-error]" in plain[0]
    (closing,) = [line for line in lines if line.startswith("::notice ")]
    assert "2 of 12 findings are not annotated (GitHub shows 10 per step)" in closing
    text = summary.read_text(encoding="utf-8")
    assert "**INVALID: 12 findings" in text
    assert "| `pkg/data/arms_exports.csv` | `constraint-error` | 12 |" in text
    assert text.count("| `pkg/data/arms_exports.csv` | ") == 13  # the count and 12 findings
    more = run_github(package_copy, "--checks", "structure", "--max-annotations", "0")
    assert sum(line.startswith("::error ") for line in more.stdout.splitlines()) == 12


def test_a_valid_package_annotates_nothing_and_says_valid(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = run_github(Path(__file__).resolve().parents[1], "--skip", "integrity",
                        env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("VALID: no findings")
    assert "**VALID: no findings" in summary.read_text(encoding="utf-8")


def test_workflow_commands_escape_what_would_end_them() -> None:
    line = command("error", "50% of\nrows", file="data/a,b.csv", line=3, title="x:y")
    assert line == "::error file=data/a%2Cb.csv,line=3,title=x%3Ay::50%25 of%0Arows"


def test_max_annotations_needs_the_github_format() -> None:
    result = run_cli("validate", "--max-annotations", "5")
    assert result.returncode == 2
    assert "--max-annotations applies only to --format github" in result.stderr


def test_a_package_that_cannot_be_read_is_an_annotation_too(tmp_path: Path) -> None:
    result = run_github(tmp_path / "nowhere")
    assert result.returncode == 2
    assert result.stdout.startswith("::error title=bdigest-data validate::")
    assert "no such package directory" in result.stdout
