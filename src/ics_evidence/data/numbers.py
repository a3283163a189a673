"""The numbers a quotation states, for the validator rule "value-stated".

Forms: digits with thousands separators and decimals ("4,241", "6.6", "c.£2m"), scaled
("2.4 million", "£6.6 billion", "£2m", "£2bn"), number words ("ten", "Fourteen",
"twenty-five"), hyphenated ("11-year", "seven-week"), percentages ("30 per cent", "75%"),
ranges ("15–20", "between 250,000 and 300,000", "eight to ten"), and "half"/"halved",
"double"/"doubled". Every number is offered both as written and multiplied by its
scale, so a value in GBP billion (6.6) and one in people (2,400,000) both match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
WORDS: dict[str, float] = {w: float(i) for i, w in enumerate(_UNITS)}
WORDS.update({w: float(n) for w, n in _TENS.items()})
WORDS.update({"hundred": 100.0, "thousand": 1000.0, "dozen": 12.0})
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "m": 1e6, "bn": 1e9, "k": 1e3}
_FRACTIONS = {"half": 0.5, "halved": 0.5, "halve": 0.5, "double": 2.0, "doubled": 2.0, "twice": 2.0}

_DIGITS = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*(million|billion|thousand|bn|m|k)?(?![\w])", re.I
)
_WORD = re.compile(
    r"\b("
    + "|".join(sorted([*WORDS, *_TENS], key=len, reverse=True))
    + r")(?:[- ]("
    + "|".join(_UNITS[1:10])
    + r"))?\b(?:\s+(million|billion|thousand))?",
    re.I,
)
_FRACTION = re.compile(r"\b(" + "|".join(_FRACTIONS) + r")\b", re.I)


@dataclass(frozen=True)
class Mention:
    """One number in a quotation: where it is (``start``, ``end`` in the normalised text) and
    the values it can stand for (as written, and multiplied by its scale)."""

    start: int
    end: int
    values: frozenset[float]


def plain(quote: str) -> str:
    """The quotation with typographic dashes and spaces made plain (offsets are kept)."""
    return quote.replace("\u2013", "-").replace("\u2014", "-").replace("\u00a0", " ")


def mentions(quote: str) -> list[Mention]:
    """Every number the quotation states, in order of position."""
    text = plain(quote)
    found: list[Mention] = []
    for match in _DIGITS.finditer(text):
        whole, fraction, scale = match.groups()
        number = float(whole.replace(",", "") + (f".{fraction}" if fraction else ""))
        values = {number, number * _SCALES[scale.lower()]} if scale else {number}
        found.append(Mention(match.start(), match.end(), frozenset(values)))
    for match in _WORD.finditer(text):
        first, second, scale = match.groups()
        number = WORDS[first.lower()] + (WORDS[second.lower()] if second else 0)
        values = {number, number * _SCALES[scale.lower()]} if scale else {number}
        found.append(Mention(match.start(), match.end(), frozenset(values)))
    for match in _FRACTION.finditer(text):
        value = _FRACTIONS[match.group(1).lower()]
        found.append(Mention(match.start(), match.end(), frozenset({value, value * 100})))  # "halved": 0.5 or 50%
    return sorted(found, key=lambda m: (m.start, m.end))


def stated_numbers(quote: str) -> set[float]:
    """Every number the quotation states, as written and as scaled (a set of floats)."""
    return {value for mention in mentions(quote) for value in mention.values}


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def candidates(value: float, unit: str = "") -> set[float]:
    """``value`` and, in a unit of GBP million or billion, the same amount in pounds."""
    found = {float(value)}
    lowered = (unit or "").lower()
    if "million" in lowered:
        found.add(float(value) * 1e6)
    if "billion" in lowered:
        found.add(float(value) * 1e9)
    return found


def same_number(a: float, b: float) -> bool:
    return _close(a, b)


def mentions_of(quote: str, value: float, unit: str = "") -> list[Mention]:
    """The mentions in ``quote`` that state ``value`` (in ``unit``)."""
    wanted = candidates(value, unit)
    return [m for m in mentions(quote) if any(_close(n, c) for n in m.values for c in wanted)]


def states_value(quote: str, value: float, unit: str = "") -> bool:
    """True when the quotation states ``value`` (in ``unit``: GBP million/billion rescale)."""
    return bool(mentions_of(quote, value, unit))
