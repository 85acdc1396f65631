"""Cold start (#23): a new process imports only what its call needs. Each case is a fresh
interpreter (the imports of this test process say nothing); timings are the benchmark's
(scripts/bench_start.py), never asserted here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("pandas", "numpy", "pyarrow", "pyarrow.compute", "polars", "pydantic",
         "bdigest_data.validation.runner")


def _modules_after(code: str, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run ``code`` in a new interpreter; it sets ``result``; the heavy modules imported."""
    wrapper = (f"import json, sys\n{code}\n"
               f"print(json.dumps({{'result': result, 'heavy': sorted(m for m in {HEAVY!r} "
               f"if m in sys.modules)}}))\n")
    done = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True,
                          timeout=300, env=env or os.environ.copy())
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_a_cached_verdict_of_the_command_imports_no_model_arrow_or_checks(package_copy,
                                                                        tmp_path):
    env = os.environ | {"BDIGEST_CACHE_DIR": str(tmp_path / "cache")}
    code = ("import contextlib, io\n"
            "from bdigest_data.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            f"    code = main(['validate', '--package', {str(package_copy)!r}])\n"
            "result = [code, 'from the cache' in out.getvalue()]\n")
    first = _modules_after(code, env)
    assert first["result"] == [0, False]
    assert {"pyarrow", "bdigest_data.validation.runner"} <= set(first["heavy"])
    again = _modules_after(code, env)
    assert again == {"result": [0, True], "heavy": []}


def test_the_model_alone_does_not_import_pandas(package_copy: Path):
    code = ("import bdigest_data as bd\n"
            f"result = [bd.tables(path={str(package_copy)!r})[0], "
            f"sorted(bd.schema('visits', path={str(package_copy)!r}))]\n")
    found = _modules_after(code)
    assert found["result"][0] == "sources" and "fields" in found["result"][1]
    assert "pandas" not in found["heavy"] and "polars" not in found["heavy"]
