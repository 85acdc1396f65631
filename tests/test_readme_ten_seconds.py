"""README "The data in ten seconds": every bash and python block runs, in order, in a copy of
the checkout (the exports of the first block are what the others read)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
HEADING = "## The data in ten seconds"


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


@pytest.mark.slow
def test_every_snippet_runs(package_copy):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for language, code in blocks(README.read_text(encoding="utf-8")):
        if language == "bash":
            cmd = ["bash", "-euo", "pipefail", "-c", code]
        elif language == "python":
            cmd = [sys.executable, "-c", code]
        else:
            assert language == "r"  # documented, not run (no R frictionless in Debian)
            continue
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=package_copy, env=env,
                              timeout=300)
        assert done.returncode == 0, f"{language} block failed:\n{code}\n{done.stderr[-3000:]}"
        assert done.stdout.strip(), code
