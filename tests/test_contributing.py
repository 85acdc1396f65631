"""CONTRIBUTING.md shows the real output of its commands (replayed on a temp copy)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_contributing_shows_real_output() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_contributing.py"),
                             "--check"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_contributing_links_the_codebook_and_has_a_checklist() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "](docs/codebook.md)" in text and (ROOT / "docs" / "codebook.md").is_file()
    assert text.count("- [ ] ") >= 8
