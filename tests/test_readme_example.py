"""The README's example runs: the first python block under ``## Example`` is executed as is."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def example_code(text: str) -> str | None:
    """The first ```python block after the ``## Example`` heading (None without heading)."""
    section = re.search(r"^## Example[ \t]*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if section is None:
        return None
    block = re.search(r"^```python[ \t]*\n(.*?)^```", section.group(1), re.M | re.S)
    assert block, "README.md: the Example section has no ```python block"
    return block.group(1)


def test_example_code_is_found_under_its_heading():
    text = "# T\n\n```python\nfirst()\n```\n\n## Example\n\nText.\n\n```python\nx = 1\n```\n"
    assert example_code(text) == "x = 1\n"
    assert example_code("# T\n\n## Other\n") is None
    with pytest.raises(AssertionError, match="no ```python block"):
        example_code("## Example\n\nno code\n\n## Next\n\n```python\ny()\n```\n")


def test_the_readme_example_runs(tmp_path):
    code = example_code(README.read_text(encoding="utf-8"))
    assert code is not None, "README.md has no '## Example' heading: did it move or change?"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
