"""Reuse from any repository: the composite action (action.yml and the script it runs), the
pre-commit hooks (``pre-commit try-repo`` on a temp copy, offline), and our CI using the
action on pull requests."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import PACKAGE_PARTS, ROOT
from helpers import set_cell

SCRIPT = ROOT / "action" / "validate.sh"
BIN = str(Path(sys.executable).parent)


def environment(**extra: str) -> dict[str, str]:
    """This environment without GitHub's variables, bdigest-data on PATH, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_"))}
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    return env | extra


def run_action(workspace: Path, **inputs: str) -> subprocess.CompletedProcess[str]:
    """The action's validate step as the runner runs it: from the workspace, the inputs as
    INPUT_* variables, a step summary file."""
    env = environment(GITHUB_WORKSPACE=str(workspace),
                      GITHUB_STEP_SUMMARY=str(workspace / "summary.md"),
                      **{f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    return subprocess.run(["bash", str(SCRIPT)], cwd=workspace, env=env, capture_output=True,
                          text=True, timeout=300)


def test_action_yml_is_a_composite_action_that_runs_the_script() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert {"path", "checks"} <= set(action["inputs"])
    steps = action["runs"]["steps"]
    install = next(s for s in steps if s.get("name") == "Install bdigest-data")
    assert '"${{ github.action_path }}"' in install["run"] and install["shell"] == "bash"
    (validate,) = [s for s in steps if "validate.sh" in s.get("run", "")]
    assert validate["run"] == 'bash "${{ github.action_path }}/action/validate.sh"'
    assert validate["env"] == {
        f"INPUT_{name.upper().replace('-', '_')}": f"${{{{ inputs.{name} }}}}"
        for name in ("path", "checks", "max-annotations")}


def test_the_action_annotates_a_broken_package_and_passes_a_valid_one(
        package_copy: Path) -> None:
    workspace = package_copy.parent
    ok = run_action(workspace, path="pkg", checks="structure,integrity", max_annotations="10")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("VALID: no findings")
    set_cell(package_copy, "rankings", 2, "rank", "minus one")
    broken = run_action(workspace, path="pkg", checks="structure")
    assert broken.returncode == 1
    assert "::error file=pkg/data/rankings.csv,line=3,title=type-error::" in broken.stdout
    assert "`pkg/data/rankings.csv`" in (workspace / "summary.md").read_text(encoding="utf-8")
    default = run_action(package_copy)  # no inputs: the package at the workspace root
    assert default.returncode == 1
    assert "::error file=data/rankings.csv,line=3,title=type-error::" in default.stdout
    assert "title=hash-count" in default.stdout


def test_our_ci_uses_the_action_on_pull_requests() -> None:
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    jobs = [j for j in ci["jobs"].values()
            if any(step.get("uses") == "./" for step in j["steps"])]
    assert len(jobs) == 1 and jobs[0]["if"] == "github.event_name == 'pull_request'"
    assert "pull_request" in ci[True]  # YAML reads the key "on" as True


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   cwd=repo, check=True, capture_output=True, timeout=60)


@pytest.fixture
def hook_repo(tmp_path: Path) -> Path:
    """A git repository holding a copy of the package and our .pre-commit-hooks.yaml."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for part in (*PACKAGE_PARTS, ".pre-commit-hooks.yaml"):
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, repo / part)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "package")
    return repo


def try_repo(repo: Path, hook: str | None = None) -> subprocess.CompletedProcess[str]:
    """``pre-commit try-repo . [HOOK] --all-files`` in ``repo`` (every hook without
    ``hook``), offline: no index, no network proxy, a fresh pre-commit home."""
    env = environment(PRE_COMMIT_HOME=str(repo.parent / "pre-commit-home"), PIP_NO_INDEX="1",
                      HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9")
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", ".",
                           *([hook] if hook else []), "--all-files"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300)


HOOKS = {h["name"]: h["id"] for h in
         yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}


def by_hook(stdout: str) -> dict[str, tuple[str, str]]:
    """Each hook's (status, output) in a ``pre-commit`` run's output, by hook id: a status
    line ``<hook name>.....Passed`` and the lines after it up to the next one."""
    found: dict[str, tuple[str, str]] = {}
    hook = None
    for line in stdout.splitlines():
        head = re.fullmatch(r"(.+?)\.{3,}(Passed|Failed|Skipped)", line)
        if head and head.group(1) in HOOKS:
            hook = HOOKS[head.group(1)]
            found[hook] = (head.group(2), "")
        elif hook:
            found[hook] = (found[hook][0], found[hook][1] + line + "\n")
    return found


def test_hook_outputs_are_told_apart():
    out = ("[INFO] Initializing environment for ..\n"
           "bdigest-data hashes are fresh.........Failed\n- hook id: bdigest-data-hashes-fresh\n"
           "- exit code: 1\n\nhash-count: data/x.csv\n"
           "bdigest-data validate.................Passed\n")
    assert by_hook(out) == {
        "bdigest-data-hashes-fresh": ("Failed", "- hook id: bdigest-data-hashes-fresh\n"
                                      "- exit code: 1\n\nhash-count: data/x.csv\n"),
        "bdigest-data-validate": ("Passed", "")}


def test_hooks_pass_on_the_package_and_catch_a_stale_hash(hook_repo: Path) -> None:
    # one pre-commit run of every hook, each hook's verdict and output read apart
    ok = try_repo(hook_repo)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert {h: status for h, (status, _) in by_hook(ok.stdout).items()} == {
        "bdigest-data-validate": "Passed", "bdigest-data-hashes-fresh": "Passed"}, ok.stdout
    set_cell(hook_repo, "rankings", 1, "note", "An edit without bdigest-data stamp.")
    stale = try_repo(hook_repo)
    assert stale.returncode == 1, stale.stdout
    hooks = by_hook(stale.stdout)
    assert set(hooks) == {"bdigest-data-validate", "bdigest-data-hashes-fresh"}, stale.stdout
    for status, output in hooks.values():
        assert status == "Failed" and "hash-count" in output, stale.stdout
        assert "re-stamp it: bdigest-data stamp" in output
    stamp = subprocess.run(["bdigest-data", "stamp"], cwd=hook_repo, env=environment(),
                           capture_output=True, text=True, timeout=120)
    assert stamp.returncode == 0, stamp.stderr
    assert try_repo(hook_repo, "bdigest-data-hashes-fresh").returncode == 0
