"""Shared fixtures: the real package, copies of it to break, and the real CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_PARTS = ("datapackage.json", "data", "schemas", "seeds")


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the real package (descriptor, data, schemas, seeds) in a temp dir."""
    dest = tmp_path / "pkg"
    dest.mkdir()
    for part in PACKAGE_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        else:
            shutil.copy2(src, dest / part)
    return dest


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    """Run the real ``bdigest-data`` command in a subprocess and capture its output;
    ``env`` replaces the environment (default: this process's)."""
    exe = shutil.which("bdigest-data", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "bdigest_data.cli"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, cwd=cwd, timeout=300,
                          env=env)
