"""Hostile input at the command line: closed pipes, consoles that cannot encode, caps on
findings, long pasted quotes, killed exports, cells the CSV and xlsx formats make hard.
Each test states the promise it tests."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, run_cli, run_cli_subprocess
from helpers import edit_rows, rows

import bdigest_data
from bdigest_data.text.locate import CLOSEST_MAX

SEED = ROOT / "seeds" / "000_bf67ec7b18639301.txt"
TIMEOUT = 120  # seconds a command may take here before the test fails (never near it)


def command(*args: str) -> list[str]:
    """The real ``bdigest-data`` command line."""
    exe = Path(sys.executable).parent / "bdigest-data"
    return [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else
            ["-m", "bdigest_data.cli"]), *args]


def closed_stdout(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the command with its standard output a pipe whose reader has gone before it
    writes (as ``| head -c1`` once head has its byte)."""
    proc = subprocess.Popen(command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    code = proc.wait(timeout=TIMEOUT)
    return subprocess.CompletedProcess(args, code, "", err)


def quiet(stderr: str) -> bool:
    """Nothing on stderr but the line naming the package used."""
    return all(line.startswith("bdigest-data: package ") for line in stderr.splitlines())


def stamped(pkg: Path) -> Path:
    assert run_cli("stamp", "--package", str(pkg)).returncode == 0
    return pkg


def test_a_closed_pipe_ends_quietly_with_the_verdict(package_copy: Path) -> None:
    """A closed standard output ends the command without a traceback and with the exit
    status of its verdict: 0 for a valid package (not 1, which would say "invalid"), 1
    for an invalid one; locate keeps its found/not found status too."""
    valid = closed_stdout("validate", "--package", str(package_copy))
    assert valid.returncode == 0 and quiet(valid.stderr), valid.stderr
    for fmt in ("json", "github"):
        assert closed_stdout("validate", "--package", str(package_copy), "-f", fmt
                             ).returncode == 0
    edit_rows(package_copy, "trade", lambda r: r[1].__setitem__(r[0].index("value"), "12x"))
    invalid = closed_stdout("validate", "--package", str(package_copy))
    assert invalid.returncode == 1 and quiet(invalid.stderr), invalid.stderr
    quote = rows(ROOT, "trade")[0]["quote"]
    assert closed_stdout("locate", quote).returncode == 0
    assert closed_stdout("locate", "zzzz qqqq xxxx").returncode == 1


def test_head_of_a_long_report_keeps_the_verdict(package_copy: Path) -> None:
    """The shell pipeline itself: ``validate | head -c1`` on a report longer than a pipe
    holds ends with the command's own status (read with PIPESTATUS), and no traceback."""
    edit_rows(package_copy, "trade", lambda r: [row.__setitem__(r[0].index("value"), "12x")
                                                for row in r[1:]])
    script = (f"{' '.join(command('validate', '--package', str(package_copy), '-f', 'json'))}"
              " 2>err | head -c1 >/dev/null; echo ${PIPESTATUS[0]}; cat err")
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                         timeout=TIMEOUT, cwd=package_copy)
    status, _, err = out.stdout.partition("\n")
    assert status == "1" and quiet(err), err


def test_output_the_console_cannot_encode_is_escaped(package_copy: Path) -> None:
    """With an ASCII console (PYTHONIOENCODING=ascii) text that it cannot encode is
    written escaped (\\u2026), not a UnicodeEncodeError traceback, and the exit status is
    the verdict's."""
    env = os.environ | {"PYTHONIOENCODING": "ascii"}
    quote = next(r["quote"] for r in rows(ROOT, "trade") if not r["quote"].isascii())
    found = run_cli_subprocess("locate", quote, env=env)
    assert found.returncode == 0 and "Traceback" not in found.stderr
    assert "\\u" in found.stdout and found.stdout.isascii()
    edit_rows(package_copy, "trade", lambda r: r[1].__setitem__(r[0].index("value"), "12\u00d7"))
    report = run_cli_subprocess("validate", "--package", str(package_copy), env=env)
    assert report.returncode == 1 and "Traceback" not in report.stderr
    assert 'value "12\\xd7"' in report.stdout
    assert run_cli_subprocess("cite", env=env).returncode == 0


def test_max_findings_caps_every_code(package_copy: Path) -> None:
    """--max-findings N lists at most N findings of a table and check group whatever the
    code: repeated keys (primary-key, unique-error) are capped like cell findings, and
    the rest are counted under omitted; 0 lists them all."""
    def repeat(r: list[list[str]]) -> None:
        r[1:] = [list(r[1]) for _ in range(40)]  # one row, 40 times: 39 repeated keys

    edit_rows(package_copy, "actors", repeat)
    stamped(package_copy)
    every = json.loads(run_cli("validate", "--package", str(package_copy), "-f", "json",
                               "--checks", "structure", "--max-findings", "0").stdout)
    key_codes = {"primary-key", "unique-error"}
    by_table = [f for f in every["findings"] if f["table"] == "actors"]
    assert len([f for f in by_table if f["code"] in key_codes]) >= 39
    capped = json.loads(run_cli("validate", "--package", str(package_copy), "-f", "json",
                                "--checks", "structure", "--max-findings", "5").stdout)
    actors = [f for f in capped["findings"] if f["table"] == "actors"]
    assert len(actors) == 5 and {f["code"] for f in actors} & key_codes
    assert capped["summary"]["omitted"]["actors"] == len(by_table) - 5
    assert capped["valid"] is False
    text = run_cli("validate", "--package", str(package_copy), "--checks", "structure",
                   "--max-findings", "5")
    assert f"… and {len(by_table) - 5} more not shown" in text.stdout


def test_locate_a_long_pasted_paragraph_finishes(tmp_path: Path) -> None:
    """locate runs in linear time on long input: a 50 kB paragraph that is in no article
    is looked up and answered (no closest passage is aligned beyond CLOSEST_MAX
    characters, and the note says so), and an article pasted whole is found. Bounded by
    the subprocess timeout, not timed."""
    seed = SEED.read_text(encoding="utf-8")
    pasted = (seed * (50_000 // len(seed) + 1))[:50_000] + " nowhere"
    long = run_cli_subprocess("locate", pasted, "-f", "json")
    assert long.returncode == 1, long.stderr
    doc = json.loads(long.stdout)
    assert doc["closest"] is None
    assert f"a closest passage is looked for only up to {CLOSEST_MAX}" in " ".join(doc["notes"])
    source = rows(ROOT, "sources")[0]
    whole = seed[int(source["char_start"]):int(source["char_end"])]
    assert run_cli("locate", whole, "--source", source["source_id"]).returncode == 0
    text = run_cli("locate", pasted)
    assert "no passage is close" not in text.stdout and "try a shorter part" in text.stdout


def test_a_quote_just_under_the_limit_still_gets_its_closest_passage() -> None:
    """Legal input: a quote of a few sentences with one wrong letter is still shown with
    its closest passage and the difference."""
    source = rows(ROOT, "sources")[0]
    seed = SEED.read_text(encoding="utf-8")
    start = int(source["char_start"]) + 200
    quote = " ".join(seed[start:start + 900].split())
    fake = quote[:500] + ("X" if quote[500] != "X" else "Y") + quote[501:]
    doc = json.loads(run_cli("locate", fake, "-f", "json").stdout)
    assert doc["found"] is False and doc["closest"] is not None
    assert len(doc["differences"]) == 1


def test_an_xlsx_cell_keeps_its_carriage_returns(package_copy: Path, tmp_path: Path) -> None:
    """A text cell that starts with CR, holds CRLF or ends with CR reads back from the
    workbook exactly (XML would read each CR as LF)."""
    notes = ["\rstarts with a carriage return", "two\r\nlines", "ends with one\r"]
    table = rows(package_copy, "trade")
    for row, note in zip(table, notes, strict=False):
        row["note"] = note
    out = io.StringIO()
    writer = csv.DictWriter(out, list(table[0]), quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)  # quoted: the csv module leaves a lone CR unquoted otherwise
    (package_copy / "data" / "trade.csv").write_text(out.getvalue(), encoding="utf-8",
                                                     newline="")
    stamped(package_copy)
    book = tmp_path / "bdigest.xlsx"
    result = run_cli("export", "-f", "xlsx", str(book), "--package", str(package_copy))
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(book)["trade"]
    header = [c.value for c in sheet[1]]
    read = [row[header.index("note")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert read[:3] == notes


def test_a_csv_line_longer_than_the_csv_modules_limit(package_copy: Path) -> None:
    """A cell of more than 131,072 characters is read by every reader (validate, load,
    diff): no _csv.Error; a ragged row holding one is a located extra-cell finding."""
    long = "x" * 140_000

    def change(r: list[list[str]]) -> None:
        r[1][r[0].index("note")] = long
        r[2].append(long)

    edit_rows(package_copy, "trade", change)
    stamped(package_copy)
    doc = json.loads(run_cli("validate", "--package", str(package_copy), "-f", "json").stdout)
    assert [(f["code"], f["row"], f["line"]) for f in doc["findings"]] == \
        [("extra-cell", 2, 3)]
    assert "Traceback" not in run_cli("diff", str(ROOT), str(package_copy)).stderr
    edit_rows(package_copy, "trade", lambda r: r[2].pop())
    stamped(package_copy)
    frame = bdigest_data.load("trade", path=package_copy)
    assert frame["note"].iloc[0] == long
    diff = run_cli("diff", str(ROOT), str(package_copy))
    assert "Traceback" not in diff.stderr and "trade" in diff.stdout


def test_the_data_dictionary_reads_a_long_cell(package_copy: Path, tmp_path: Path) -> None:
    """The data dictionary's reader takes a cell over the csv module's default limit."""
    from bdigest_data.dictionary import _read_csv
    from bdigest_data.metadata.files import PackageFiles

    out = io.StringIO()
    csv.writer(out).writerows([["a", "b"], ["1", "y" * 140_000]])
    (tmp_path / "long.csv").write_text(out.getvalue(), encoding="utf-8")
    assert _read_csv(PackageFiles(tmp_path), "long.csv") == (1, {"a": "1", "b": "y" * 140_000})


@pytest.mark.parametrize("args", [["validate"], ["coverage"], ["cite"]])
def test_legal_runs_still_print_in_full(args: list[str]) -> None:
    """Legal input: with an open pipe the whole output arrives and the status is 0."""
    result = subprocess.run(command(*args), capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 0 and result.stdout.endswith("\n") and quiet(result.stderr)
    assert len(result.stdout) > 40
