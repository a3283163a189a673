"""Shared logic for the ICS improvement-at-scale evidence book.

Data in (``data/``), validated and loaded here; notebooks, the build pipeline and the
release tooling all import from this one package. The pandas-based names load on first use,
so that the command line (``python -m ics_evidence status``) starts quickly.
"""

from __future__ import annotations

from importlib import import_module

_EXPORTS = {
    "DataPackageError": "ics_evidence.data.load",
    "load_package": "ics_evidence.data.load",
    "load_table": "ics_evidence.data.load",
    "Problem": "ics_evidence.data.validate",
    "validate_package": "ics_evidence.data.validate",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'ics_evidence' has no attribute {name!r}")
