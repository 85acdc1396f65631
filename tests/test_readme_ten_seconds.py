"""README "The data in ten seconds": every bash and python block runs, in order, in a copy of
the checkout (the exports of the first block are what the others read)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
HEADING = "## The data in ten seconds"
RUNNER = Path(__file__).with_name("run_snippets.py")


def blocks(text: str) -> list[tuple[str, str]]:
    """The (language, code) of each fenced block of the section."""
    section = re.search(rf"^{HEADING}[ \t]*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert section, f"README.md has no {HEADING!r} section"
    return re.findall(r"^```(\w+)[ \t]*\n(.*?)^```", section.group(1), re.M | re.S)


def test_blocks_are_found_in_their_section_only():
    text = (f"# T\n\n```python\nbefore()\n```\n\n{HEADING}\n\n```bash\nls\n```\n\n"
            "```python\nx = 1\n```\n\n## Next\n\n```python\nafter()\n```\n")
    assert blocks(text) == [("bash", "ls\n"), ("python", "x = 1\n")]
    with pytest.raises(AssertionError, match="no '## The data in ten seconds'"):
        blocks("# T\n")


def test_there_is_a_snippet_for_every_tool():
    code = "\n".join(c for _, c in blocks(README.read_text(encoding="utf-8")))
    for tool in ("bd.load(", 'backend="polars"', "bdigest.duckdb", ".parquet'", "datasette ",
                 "frictionless validate", "read_package("):
        assert tool in code, tool


def runs_in_order(found: list[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """The blocks as runs, in order: each bash block alone, consecutive python blocks
    together (they run in one interpreter, each in its own namespace); r blocks dropped."""
    runs: list[tuple[str, list[str]]] = []
    for language, code in found:
        if language == "r":  # documented, not run (no R frictionless in Debian)
            continue
        assert language in ("bash", "python"), language
        if language == "python" and runs and runs[-1][0] == "python":
            runs[-1][1].append(code)
        else:
            runs.append((language, [code]))
    return runs


def test_consecutive_python_blocks_share_a_run_and_bash_blocks_do_not():
    found = [("bash", "a\n"), ("python", "b\n"), ("python", "c\n"), ("r", "d\n"),
             ("python", "e\n"), ("bash", "f\n"), ("bash", "g\n"), ("python", "h\n")]
    assert runs_in_order(found) == [("bash", ["a\n"]), ("python", ["b\n", "c\n", "e\n"]),
                                    ("bash", ["f\n"]), ("bash", ["g\n"]),
                                    ("python", ["h\n"])]


def test_the_snippet_runner_gives_each_snippet_its_own_namespace_and_output(tmp_path):
    snippets = ["import os\nx = 1\nprint('one', x)", "print('two', 'x' in globals())",
                "os.getcwd()", "raise SystemExit(3)", "print(open('f.txt').read())"]
    (tmp_path / "f.txt").write_text("read from the working directory", encoding="utf-8")
    done = subprocess.run([sys.executable, str(RUNNER), str(tmp_path / "out.json")],
                          input=json.dumps(snippets), capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [r["stdout"] for r in out] == ["one 1\n", "two False\n", "", "",
                                         "read from the working directory\n"]
    assert out[0]["error"] is None and out[1]["error"] is None and out[4]["error"] is None
    assert "NameError: name 'os' is not defined" in out[2]["error"]  # no leak from snippet 1
    assert "SystemExit: 3" in out[3]["error"]


@pytest.mark.slow
def test_every_snippet_runs(package_copy):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for language, codes in runs_in_order(blocks(README.read_text(encoding="utf-8"))):
        if language == "bash":
            (code,) = codes
            done = subprocess.run(["bash", "-euo", "pipefail", "-c", code], capture_output=True,
                                  text=True, cwd=package_copy, env=env, timeout=300)
            assert done.returncode == 0, f"bash block failed:\n{code}\n{done.stderr[-3000:]}"
            assert done.stdout.strip(), code
            continue
        results = package_copy.parent / "snippets.json"
        done = subprocess.run([sys.executable, str(RUNNER), str(results)],
                              input=json.dumps(codes), capture_output=True, text=True,
                              cwd=package_copy, env=env, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        ran = json.loads(results.read_text(encoding="utf-8"))
        for code, result in zip(codes, ran, strict=True):
            assert result["error"] is None, f"python block failed:\n{code}\n{result['error']}"
            assert result["stdout"].strip(), code
