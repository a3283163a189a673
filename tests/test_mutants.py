"""The mutant catalogue (``tests/mutants.py``, run by ``make mutants``) fits today's code: every
mutant's old text is in its file exactly once and every test it names exists, so the catalogue
cannot rot silently when the code or the tests move on. (Running the mutants takes minutes and
is not part of ``make test``.)"""

from __future__ import annotations

import pytest

from tests.helpers import ROOT
from tests.mutants import CATALOGUE, CatalogueRotted, Mutant, catalogue_problems


def test_every_mutant_applies_to_the_current_code_and_names_existing_tests():
    assert len(CATALOGUE) >= 12
    assert catalogue_problems(ROOT) == []


def test_a_mutant_whose_old_text_is_gone_is_refused_loudly(tmp_path):
    (tmp_path / "module.py").write_text("value = 1\nvalue = 1\n", encoding="utf-8")
    (tmp_path / "test_module.py").write_text("def test_value():\n    pass\n", encoding="utf-8")
    for old, found in (("value = 2", 0), ("value = 1", 2)):
        mutant = Mutant("m", "nothing", "module.py", old, "value = 3", ("test_module.py::test_value",))
        with pytest.raises(CatalogueRotted, match=f"{found} times, not once"):
            mutant.apply(tmp_path)
    assert (tmp_path / "module.py").read_text(encoding="utf-8") == "value = 1\nvalue = 1\n"
    missing = Mutant("m", "nothing", "module.py", "value = 1\nvalue = 1", "", ("test_module.py::test_gone",))
    assert catalogue_problems(tmp_path, (missing,)) == ["m: test_module.py has no test 'test_gone'"]


def test_a_mutant_its_tests_catch_is_caught_and_one_they_miss_survives(tmp_path):
    """The runner on a tiny project: the copy is mutated (never the original), its tests run
    with the copy's own code, and the outcome names the test that failed."""
    from ics_evidence.project import Project
    from tests.mutants import run_one, table

    root = tmp_path / "tiny"
    for name, content in {
        "_config.yml": "",
        "notebooks/pipeline.yml": "",
        "src/tiny.py": "def double(x):\n    return 2 * x\n\n\ndef half(x):\n    return x / 2\n",
        "tests/test_tiny.py": "from tiny import double\n\n\ndef test_double():\n    assert double(3) == 6\n",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content, encoding="utf-8")
    project = Project(root)
    caught = Mutant("double", "doubling", "src/tiny.py", "2 * x", "3 * x", ("tests/test_tiny.py::test_double",))
    missed = Mutant("half", "halving", "src/tiny.py", "x / 2", "x / 3", ("tests/test_tiny.py::test_double",))
    outcomes = [run_one(project, mutant, mutant.tests) for mutant in (caught, missed)]
    failed = ["tests/test_tiny.py::test_double"]
    assert [(o.status, o.failed) for o in outcomes] == [("caught", failed), ("SURVIVED", [])]
    assert "2 * x" in (root / "src" / "tiny.py").read_text(encoding="utf-8")
    shown = table(outcomes).splitlines()
    assert shown[2].startswith("| `double` |") and "| yes |" in shown[2] and "| **NO** |" in shown[3]
