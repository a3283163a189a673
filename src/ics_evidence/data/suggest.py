"""'Did you mean ...?' for an unknown id: the nearest valid one, as ``difflib`` finds it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def nearest(value: str, candidates: Iterable[str]) -> str | None:
    """The valid id closest to ``value``, or None when none is close.

    Ids differ from their typos in separators and case as often as in letters
    (``area-sq-miles``, ``Area_sq_miles``), so those are compared loosely first."""
    options = sorted(set(candidates))

    def loose(text: str) -> str:
        return text.casefold().replace("-", "_").replace(" ", "_")

    same = [option for option in options if loose(option) == loose(value)]
    if same:
        return same[0]
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(value: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'area_sq_miles'?"``, or an empty string when nothing is close."""
    near = nearest(value, candidates)
    return f"; did you mean {near!r}?" if near is not None and near != value else ""
