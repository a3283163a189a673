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
