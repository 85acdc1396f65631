"""Shared fixtures: the real package, copies of it to break, and the real CLI."""

from __future__ import annotations

import compileall
import contextlib
import importlib.util
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


def _write_bytecode_once() -> None:
    """With PYTHONDONTWRITEBYTECODE=1 (set on these machines) every xdist worker would
    assert-rewrite and compile each test module again (about 2 s a worker) and every
    subprocess would compile the bdigest_data modules it imports: this process writes its
    bytecode after all (pytest caches the rewritten test modules), and the package's is
    compiled once, into the ``__pycache__`` directories git and the build ignore."""
    sys.dont_write_bytecode = False
    spec = importlib.util.find_spec("bdigest_data")
    assert spec is not None and spec.submodule_search_locations
    for location in spec.submodule_search_locations:
        compileall.compile_dir(location, quiet=1)


_write_bytecode_once()

from bdigest_data.catalogue import CODES  # noqa: E402
from bdigest_data.findings import Finding  # noqa: E402

# finding codes made during the run that the error catalogue lacks (the run fails on any)
UNCATALOGUED: set[str] = set()
# internal-error findings made in this process since the last clear (tests/hostile fails
# each case that made one: internal-error is for bugs only)
INTERNAL_ERRORS: list[Finding] = []
_finding_init = Finding.__init__


def _checked_init(self: Finding, *args: object, **kwargs: object) -> None:
    _finding_init(self, *args, **kwargs)  # type: ignore[arg-type]
    if self.code not in CODES:
        UNCATALOGUED.add(self.code)
    if self.code == "internal-error":
        INTERNAL_ERRORS.append(self)


Finding.__init__ = _checked_init  # type: ignore[method-assign]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when any finding had a code that is not in the error catalogue. An
    xdist worker hands its codes to the controller (``pytest_testnodedown``), which fails
    the run: a worker's own exit status does not."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["uncatalogued"] = sorted(UNCATALOGUED)
    elif UNCATALOGUED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """xdist's controller: collect the uncatalogued codes a worker met."""
    UNCATALOGUED.update(getattr(node, "workeroutput", {}).get("uncatalogued", ()))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if UNCATALOGUED:
        terminalreporter.write_line(
            "FAILED: finding code(s) not in bdigest_data.catalogue: "
            + ", ".join(sorted(UNCATALOGUED)), red=True)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True, scope="session")
def _own_verdict_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The run's own cache of verdicts (``BDIGEST_CACHE_DIR``, inherited by every command
    and process a test starts), so that no test uses or fills the user's cache; a
    ``BDIGEST_NO_CACHE`` of the user's is ignored, so the cache is tested."""
    saved = {name: os.environ.get(name) for name in ("BDIGEST_CACHE_DIR", "BDIGEST_NO_CACHE")}
    folder = tmp_path_factory.mktemp("verdict-cache")
    os.environ["BDIGEST_CACHE_DIR"] = str(folder)
    os.environ.pop("BDIGEST_NO_CACHE", None)
    yield folder
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
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
    """Run the ``bdigest-data`` command in this process (``bdigest_data.cli.main``, as the
    console script does) and capture its output and exit code; ``cwd`` is the working
    directory and ``env`` replaces the environment during the call. Each command also has
    one subprocess smoke test (``run_cli_subprocess``, tests/test_cli_smoke.py)."""
    from bdigest_data.cli import main

    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), \
        io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    saved = dict(os.environ)
    try:
        with contextlib.chdir(cwd or Path.cwd()), contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(err):
            if env is not None:
                os.environ.clear()
                os.environ.update(env)
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse's usage errors and --help
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
                if isinstance(exc.code, str):
                    print(exc.code, file=sys.stderr)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    texts = []
    for stream in (out, err):
        stream.flush()
        texts.append(stream.buffer.getvalue().decode("utf-8"))  # type: ignore[attr-defined]
    return subprocess.CompletedProcess(["bdigest-data", *args], code, *texts)


def run_script(script: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the ``main(argv)`` of ``scripts/<script>.py`` in this process, as its
    ``raise SystemExit(main())`` does, and capture its output and exit code. Each script
    keeps one test that starts it as a subprocess (``python scripts/….py``)."""
    name = f"_script_{script.stem}"
    spec = importlib.util.spec_from_file_location(name, script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # as for any module (dataclasses look themselves up there)
    out, err = io.StringIO(), io.StringIO()
    try:
        spec.loader.exec_module(module)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = module.main(list(args))
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        del sys.modules[name]
    return subprocess.CompletedProcess([str(script), *args], code, out.getvalue(),
                                       err.getvalue())


def run_cli_subprocess(*args: str, cwd: Path | None = None,
                       env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real ``bdigest-data`` command in a subprocess and capture its output;
    ``env`` replaces the environment (default: this process's)."""
    exe = shutil.which("bdigest-data", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "bdigest_data.cli"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, cwd=cwd, timeout=300,
                          env=env)
