"""Repository hygiene: lint clean, pinned environment, reviewable notebook sources, no
personal data, generated files never committed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

RUFF = Path(sys.executable).with_name("ruff")


def tracked_files() -> list[str]:
    result = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.skip("not a git checkout")
    return result.stdout.split()


def test_ruff_lint_and_format_are_clean():
    lint = subprocess.run([str(RUFF), "check", "."], cwd=ROOT, capture_output=True, text=True, check=False)
    assert lint.returncode == 0, lint.stdout
    form = subprocess.run([str(RUFF), "format", "--check", "."], cwd=ROOT, capture_output=True, text=True, check=False)
    assert form.returncode == 0, form.stdout


def test_every_direct_dependency_is_pinned_exactly():
    direct = []
    for line in (ROOT / "requirements.in").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            direct.append(re.split(r"[<>=!~\[ ]", line)[0].lower())
    pins = {
        m.group(1).lower(): m.group(2)
        for m in re.finditer(
            r"^([A-Za-z0-9_.-]+)==(\S+)", (ROOT / "requirements.txt").read_text(encoding="utf-8"), re.M
        )
    }
    missing = [name for name in direct if name not in pins]
    assert missing == []
    assert pins["jupyter-book"].startswith("1.")


def test_notebook_sources_are_myst_markdown_and_outputs_are_not_committed():
    files = tracked_files()
    assert not [f for f in files if f.endswith(".ipynb")]
    assert not [f for f in files if f.startswith(("book/systems/", "book/analyses/", "book/generated/", "_build/"))]
    assert [f for f in files if f.startswith("notebooks/") and f.endswith(".md") and f != "notebooks/README.md"]


def test_no_email_addresses_in_tracked_files():
    pattern = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.(?:nhs\.net|nhs\.uk|org|com|net|uk)\b")
    allowed = {"tests/test_validator.py"}  # deliberately feeds an address to the validator
    offenders = []
    for name in tracked_files():
        path = ROOT / name
        if name in allowed or not path.is_file() or path.suffix in {".png", ".pdf"}:
            continue
        if pattern.search(path.read_text(encoding="utf-8", errors="ignore")):
            offenders.append(name)
    assert offenders == []


def test_jupyter_book_does_not_execute_notebooks():
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    assert re.search(r'execute_notebooks:\s*"?off"?', config)
    assert "only_build_toc_files: true" in config


def test_workflows_pin_every_action_by_commit_and_grant_least_permissions():
    """A tag can be moved to other code, so each action is pinned by its commit; the workflow
    grants nothing by default and each job only what it names."""
    import yaml

    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows
    for path in workflows:
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert workflow.get("permissions") == {}, f"{path.name}: top-level permissions must be {{}}"
        steps = [step for job in workflow["jobs"].values() for step in job["steps"] if "uses" in step]
        assert steps
        unpinned = [step["uses"] for step in steps if not re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"])]
        assert unpinned == [], f"{path.name}: actions not pinned by commit: {unpinned}"
