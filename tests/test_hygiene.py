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


def _declared() -> dict[str, list[str]]:
    """pyproject.toml's requirements by role: the book's (runtime) and each extra's."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {"runtime": project["dependencies"], **project["optional-dependencies"]}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement)[0].lower().replace("_", "-")


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text(encoding="utf-8")
    return {m.group(1).lower(): m.group(2) for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M)}


def test_every_declared_dependency_is_pinned_exactly_in_its_lock_file():
    declared, runtime, everything = _declared(), _pins("requirements.txt"), _pins("requirements-dev.txt")
    assert declared["runtime"] and declared["test"] and declared["lint"]
    assert [_name(r) for r in declared["runtime"] if _name(r) not in runtime] == []
    tools = declared["test"] + declared["lint"]
    assert [_name(r) for r in tools if _name(r) not in everything] == []
    # One environment: the tools are resolved against the book's pins, never other versions.
    assert {name: (pin, everything[name]) for name, pin in runtime.items() if everything.get(name) != pin} == {}
    assert runtime["jupyter-book"].startswith("1.")


def _imports(folder: Path) -> set[str]:
    import ast

    found = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize(("folder", "roles"), [("src", ("runtime",)), ("tests", ("runtime", "test"))])
def test_every_third_party_import_is_declared(folder, roles):
    """A module imported directly is a declared requirement, not one that happens to arrive with
    another (pydantic once did)."""
    from importlib.metadata import packages_distributions

    declared = {_name(r) for role in roles for r in _declared()[role]}
    providers = packages_distributions()
    local = {"ics_evidence", "tests"}
    undeclared = sorted(
        f"{module} ({', '.join(providers[module])})"
        for module in _imports(ROOT / folder) - local - set(sys.stdlib_module_names)
        if module in providers and not {_name(d) for d in providers[module]} & declared
    )
    assert undeclared == []


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


def test_the_commit_hook_refuses_every_build_product_the_pipeline_writes_into_book():
    """The hook once guarded book/executed/, a folder the pipeline never wrote."""
    import yaml

    hooks = {hook["id"]: hook for repo in yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text("utf-8"))["repos"]
             for hook in repo["hooks"]}  # fmt: skip
    refused = re.compile(hooks["no-executed-notebooks"]["files"])
    ignored = [line.strip() for line in (ROOT / ".gitignore").read_text("utf-8").splitlines()]
    products = [p for p in ignored if p.startswith(("book/", "_build")) and not p.startswith("book/_static")]
    assert products
    examples = [p.replace("*", "page") if "*" in p else p + "page.ipynb" for p in products]
    assert [e for e in examples if not refused.search(e)] == []
    assert not refused.search("book/index.md") and not refused.search("notebooks/themes.md")
