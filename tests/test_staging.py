"""The temporary folders that exports and the site write into (``bdigest_data.staging``):
removed when the block ends, and, when a writer was killed, by the next writer."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import bdigest_data as bd
from bdigest_data.staging import LOCK, UNLOCKED_GRACE, staging, sweep

ENTER = ("import sys; from pathlib import Path; from bdigest_data.staging import staging; "
         "block = staging(Path(sys.argv[1]), sys.argv[2]); print(block.__enter__(), flush=True)")


def _killed_writer(parent: Path, prefix: str) -> Path:
    """The folder of a writer that was killed (SIGKILL) inside its ``staging`` block."""
    done = subprocess.run(
        [sys.executable, "-c", ENTER + "; import os, signal; os.kill(os.getpid(), signal.SIGKILL)",
         str(parent), prefix], capture_output=True, text=True, timeout=60)
    assert done.returncode == -9
    folder = Path(done.stdout.strip())
    assert folder.is_dir() and folder.parent == parent
    return folder


def test_the_folder_is_gone_after_the_block_even_on_an_error(tmp_path):
    """Promise: ``staging`` leaves nothing behind, whether its block ends or raises."""
    try:
        with staging(tmp_path, ".x-") as folder:
            (folder / "half-written").write_text("…", encoding="utf-8")
            raise RuntimeError("the writer failed")
    except RuntimeError:
        pass
    assert list(tmp_path.iterdir()) == []


def test_a_killed_writers_folder_is_swept_and_a_running_writers_is_kept(tmp_path):
    """Promise: the next writer removes the folder of one that was killed, and keeps the
    folder of one that is still running (its lock is held), and one without a lock file
    younger than ``UNLOCKED_GRACE`` (a writer between creating and locking it)."""
    running = subprocess.Popen([sys.executable, "-c", ENTER + "; sys.stdin.read()",
                                str(tmp_path), ".x-"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        alive = Path(running.stdout.readline().strip())
        dead = _killed_writer(tmp_path, ".x-")
        young = tmp_path / ".x-unlocked"
        young.mkdir()
        old = tmp_path / ".x-unlocked-old"
        old.mkdir()
        os.utime(old, (time.time() - UNLOCKED_GRACE - 5,) * 2)
        assert (alive / LOCK).is_file()
        assert sorted(sweep(tmp_path, ".x-")) == sorted([dead, old])
        assert sorted(tmp_path.iterdir()) == sorted([alive, young])
    finally:
        running.stdin.close()
        running.wait(timeout=60)
    assert sweep(tmp_path, ".x-") == []  # the writer that ended cleaned up itself
    assert list(tmp_path.iterdir()) == [young]


def test_an_export_removes_what_a_killed_export_left(tmp_path):
    """Promise: an interrupted export leaves nothing once the next export has run (exports
    and the site share this mechanism)."""
    dead = _killed_writer(tmp_path, ".bdigest-export-")
    bd.export("json", tmp_path / "bdigest.json")
    assert not dead.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bdigest.json"]
