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


def stated_numbers(quote: str) -> set[float]:
    """Every number the quotation states, as written and as scaled (a set of floats)."""
    text = quote.replace("\u2013", "-").replace("\u2014", "-").replace("\u00a0", " ")
    found: set[float] = set()
    for match in _DIGITS.finditer(text):
        whole, fraction, scale = match.groups()
        number = float(whole.replace(",", "") + (f".{fraction}" if fraction else ""))
        found.add(number)
        if scale:
            found.add(number * _SCALES[scale.lower()])
    for match in _WORD.finditer(text):
        first, second, scale = match.groups()
        number = WORDS[first.lower()] + (WORDS[second.lower()] if second else 0)
        found.add(number)
        if scale:
            found.add(number * _SCALES[scale.lower()])
    for match in _FRACTION.finditer(text):
        value = _FRACTIONS[match.group(1).lower()]
        found |= {value, value * 100}  # "halved": 0.5 or 50 (per cent)
    return found


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def states_value(quote: str, value: float, unit: str = "") -> bool:
    """True when the quotation states ``value`` (in ``unit``: GBP million/billion rescale)."""
    numbers = stated_numbers(quote)
    candidates = {float(value)}
    lowered = (unit or "").lower()
    if "million" in lowered:
        candidates.add(float(value) * 1e6)
    if "billion" in lowered:
        candidates.add(float(value) * 1e9)
    return any(_close(n, c) for n in numbers for c in candidates)
