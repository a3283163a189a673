"""The project is the checkout the command runs in; the manifest is typed and feeds the table
of contents."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ics_evidence.assemble.book import write_toc
from ics_evidence.data.csvfiles import edit_cell, read_rows
from ics_evidence.manifest import Manifest, ManifestError
from ics_evidence.project import NotAProject, Project
from tests.helpers import PROJECT, ROOT, copy_project


def test_found_from_a_subfolder_and_refused_outside(tmp_path):
    assert Project.find(ROOT / "notebooks").root == ROOT
    with pytest.raises(NotAProject, match="--root"):
        Project.find(tmp_path)


def test_a_copy_leaves_out_environments_build_products_and_history(tmp_path):
    original = tmp_path / "original"
    for path in (
        "_config.yml",
        "notebooks/pipeline.yml",
        "data/x.csv",
        "book/index.md",
        "book/generated/cite.md",
        "_build/html/index.html",
        ".git/HEAD",
        "tests/browser/node_modules/axe.js",
        "src/a/__pycache__/m.pyc",
    ):
        (original / path).parent.mkdir(parents=True, exist_ok=True)
        (original / path).write_text("x", encoding="utf-8")
    (original / "notebooks" / "generated").mkdir()  # only book/generated is a build product
    copy = Project(original).copy_to(tmp_path / "copy")
    kept = sorted(str(p.relative_to(copy.root)) for p in copy.root.rglob("*"))
    assert kept == ["_config.yml", "book", "book/index.md", "data", "data/x.csv", "notebooks", "notebooks/generated",
                    "notebooks/pipeline.yml", "src", "src/a", "tests", "tests/browser"]  # fmt: skip
    assert copy.command_environment({})["PYTHONPATH"] == str(copy.root / "src")


def test_a_copied_checkout_uses_its_own_data(tmp_path):
    copy = copy_project(tmp_path / "copy")
    figure = read_rows(copy / "data" / "system_figures.csv")[1][0]
    key = {k: figure[k] for k in ("system_id", "measure_id", "source_id")}
    edit_cell(copy / "data" / "system_figures.csv", key, "value", "-5")
    # No PYTHONPATH: the installed package (bound to the original checkout) runs in the copy.
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    environment["ICS_SOURCES_DIR"] = str(PROJECT.sources_dir)
    result = subprocess.run([sys.executable, "-m", "ics_evidence", "validate"], cwd=copy, env=environment,
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 1
    assert "value '-5'" in result.stderr and str(copy / "data") in result.stderr


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pipeline.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("notebooks:\n  - name: a\n    source: a.md\n    output: book/a.ipynb\n    reeds: [systems]\n",
         r"notebooks\[0\] \(a\)\.reeds: Extra inputs are not permitted"),
        ("notebooks:\n  - name: a\n    source: a.md\n    output: ../outside.ipynb\n",
         r"notebooks\[0\] \(a\)\.output: .*relative path inside the project"),
        ("notebooks:\n  - name: a\n    source: a.md\n    output: book/a.ipynb\n    reads_own_rows: [lessons]\n",
         r"reads_own_rows needs for_each: systems"),
        ("notebooks:\n  - {name: a, source: a.md, output: book/a.ipynb}\n"
         "  - {name: a, source: b.md, output: book/b.ipynb}\n",
         r"duplicate notebook names: \['a'\]"),
        ("notebooks: [\n", r"not valid YAML"),
    ],
)  # fmt: skip
def test_manifest_mistakes_are_located(tmp_path, text, message):
    with pytest.raises(ManifestError, match=message):
        Manifest.read(write(tmp_path, text))


def test_unknown_notebook_name_suggests_the_nearest():
    with pytest.raises(ManifestError, match="did you mean 'themes'"):
        Manifest.read(PROJECT.manifest).entry("theme")


def test_analysis_chapters_in_the_toc_come_from_the_manifest(tmp_path):
    copy = Project(copy_project(tmp_path / "copy"))
    manifest = yaml.safe_load(copy.manifest.read_text(encoding="utf-8"))
    manifest["notebooks"].append({"name": "new-analysis", "source": "notebooks/themes.md",
                                  "output": "book/analyses/new_analysis.ipynb", "reads": ["systems"]})  # fmt: skip
    copy.manifest.write_text(yaml.safe_dump(manifest), encoding="utf-8")
    toc = yaml.safe_load(write_toc(copy).read_text(encoding="utf-8"))
    (part,) = [p for p in toc["parts"] if p["caption"] == "Across the systems"]
    expected = [e.output.removesuffix(".ipynb") for e in Manifest.read(copy.manifest).chapters]
    assert [c["file"] for c in part["chapters"]] == expected
    assert expected[-1] == "book/analyses/new_analysis"
