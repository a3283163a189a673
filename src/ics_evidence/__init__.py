"""Shared logic for the ICS improvement-at-scale evidence book.

Data in (``data/``), validated and loaded here; notebooks, the build pipeline and the
release tooling all import from this one package.
"""

from ics_evidence.load import DataPackageError, load_package, load_table
from ics_evidence.validate import Problem, validate_package

__all__ = ["DataPackageError", "Problem", "load_package", "load_table", "validate_package"]
