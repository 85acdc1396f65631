"""Rewrite the command output shown in CONTRIBUTING.md from a real run; ``--check`` compares.

    python scripts/build_contributing.py          # run every command, write the outputs
    python scripts/build_contributing.py --check  # exit 1 when an output shown is not real

The walkthrough is replayed in order on a temporary copy of the package named
``bdigest-data`` (with ``bdigest-data-main`` beside it, an unchanged copy standing for the
last release, and ``tests/data/fixture_article.md``, the invented example article):

- a ```` ```console ```` block holds commands (lines starting ``$ ``), each followed by its
  output (stdout and stderr as the terminal shows them, and ``[exit N]`` when not 0);
- a ```` ```csv data/TABLE.csv ```` block holds rows the reader appends to that file.

The copy's path reads ``~/bdigest-data`` in the output. ``--check`` does not compare what
changes with every data edit elsewhere in the package: timings (``in 0.41 s``), counts of
resources and rows, and the list of unchanged tables.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "CONTRIBUTING.md"
PARTS = ("datapackage.json", "CITATION.cff", "data", "schemas", "seeds")
FIXTURE = Path("tests") / "data" / "fixture_article.md"
_BLOCK = re.compile(r"^```(?P<info>console|csv [^\n]+)\n(?P<body>.*?)^```$", re.S | re.M)
_VOLATILE = [(re.compile(r"\b\d+\.\d+ s\b"), "N s"),
             (re.compile(r"\b\d+ resources, \d+ rows\b"), "N resources, N rows"),
             (re.compile(r"\bstamped \d+ resources\b"), "stamped N resources"),
             (re.compile(r"^unchanged tables: .*$", re.M), "unchanged tables: …")]
HOME = "~/bdigest-data"


def _copy(dest: Path) -> None:
    dest.mkdir(parents=True)
    for part in PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        elif src.is_file():
            shutil.copy2(src, dest / part)


def _run(command: str, cwd: Path) -> str:
    """The output of one command as a terminal shows it (paths and exit status tidied)."""
    argv = shlex.split(command)
    if argv[0] == "bdigest-data":  # the package this Python imports, as the console script
        argv = [sys.executable, "-m", "bdigest_data.cli", *argv[1:]]
    # unbuffered, on one pipe: stdout and stderr interleaved as a terminal shows them
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    result = subprocess.run(argv, cwd=cwd, env={**env, "PYTHONUNBUFFERED": "1"},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            timeout=300)
    out = result.stdout.replace(str(cwd.resolve()), HOME)
    out = out.replace(str(cwd.parent.resolve()), "~")
    if result.returncode:
        out += f"[exit {result.returncode}]\n"
    return out


def replay(text: str) -> str:
    """``text`` (the document) with every console block's output from a real run."""
    with tempfile.TemporaryDirectory(prefix="bdigest-contributing-") as tmp:
        work = Path(tmp) / "bdigest-data"
        _copy(work)
        _copy(Path(tmp) / "bdigest-data-main")
        (work / FIXTURE).parent.mkdir(parents=True)
        shutil.copy2(ROOT / FIXTURE, work / FIXTURE)

        def block(m: re.Match[str]) -> str:
            info, body = m.group("info"), m.group("body")
            if info.startswith("csv "):
                with (work / info.split(maxsplit=1)[1]).open("a", encoding="utf-8") as fh:
                    fh.write(body)
                return m.group(0)
            lines = [line for line in body.splitlines() if line.startswith("$ ")]
            shown = "".join(f"{line}\n{_run(line[2:], work)}" for line in lines)
            return f"```console\n{shown}```"

        return _BLOCK.sub(block, text)


def _stable(text: str) -> str:
    for pattern, placeholder in _VOLATILE:
        text = pattern.sub(placeholder, text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 when CONTRIBUTING.md shows other output")
    args = parser.parse_args(argv)
    current = DOC.read_text(encoding="utf-8")
    fresh = replay(current)
    if args.check:
        if _stable(fresh) != _stable(current):
            print(f"{DOC} shows output the commands no longer give: run "
                  "python scripts/build_contributing.py", file=sys.stderr)
            return 1
        print(f"{DOC} is up to date")
        return 0
    DOC.write_text(fresh, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
