"""The one formatter of a figure as its source states it.

Every page, table, chart label and the data the compare page's script reads write a figure
through :func:`as_stated`: the source's qualifier in words ("over", "around", "an estimated"),
the number ("4,400", "2.4 million", "£1.6 billion", "2007" for a year), its unit ("people",
"per cent", "months"), a stated range ("250,000–300,000") and, where the quotation states the
value only as a word such as "halved" or "doubled", that word rather than the number read
from it.
"""

from __future__ import annotations

import re

import pandas as pd

from ics_evidence.data.numbers import states_value

# How a source's qualifier (the qualifier enum of system_figures, results and exemplar_figures)
# reads in a sentence ("more than 3 million"); an unlisted one is shown de-hyphenated.
QUALIFIER_WORDS = {
    "exact": "",
    "around": "around",
    "circa": "circa",
    "approximately": "approximately",
    "within": "within",
    "typically": "typically",
    "or-below": "or below",
    "range": "",
    "more-than": "more than",
    "over": "over",
    "almost": "almost",
    "estimated": "an estimated",
    "up-to": "up to",
}
# Qualifiers that follow the figure ("5 per cent or below").
TRAILING = {"or-below"}
# Units a figure is written without: a bare count, a segment number (its meaning is the label's).
UNITLESS = {"", "count"}


# What a result or target the source states without a number (a standard met) shows instead.
NO_NUMBER = "stated without a number"

# Words by which a source states a value without writing the number (the validator reads
# "halved" as 0.5 or 50 per cent, "doubled" as 2 or 200 per cent).
_WORDS = re.compile(r"\b(halved|halve|half|doubled|double|twice)\b", re.I)


def stated_word(quote: str, value: float, unit: str = "") -> str | None:
    """The word ("halved", "doubled", "half") by which the quotation states ``value`` when it
    states it in no other way (no digits, no number word), lower-cased; else None."""
    for match in _WORDS.finditer(quote):
        rest = quote[: match.start()] + quote[match.end() :]
        if states_value(quote, value, unit) and not states_value(rest, value, unit):
            return match.group(1).lower()
    return None


def missing(x) -> bool:
    """True for None, NA and NaN (a cell the data leave empty)."""
    return x is None or (not isinstance(x, str) and bool(pd.isna(x)))


def _plain(number: float) -> str:
    """4400 -> '4,400'; 6.60 -> '6.6'; 0.25 -> '0.25'."""
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def _number(x, unit: str) -> str:
    """One number in the unit's usual form, without the unit word."""
    number = float(x)
    if unit == "year" and number.is_integer():
        return str(int(number))
    if unit == "GBP million" and abs(number) >= 1000:
        return "£" + _plain(number / 1000) + " billion"
    if unit in ("GBP billion", "GBP million"):
        return "£" + _plain(number) + (" billion" if unit == "GBP billion" else " million")
    if abs(number) >= 1_000_000:
        return _plain(number / 1_000_000) + " million"
    return _plain(number)


def _unit_words(unit: str, singular: bool) -> str:
    """The unit as it follows the number: 'people', 'per cent', 'day' (of 1), '' for counts."""
    if unit in UNITLESS or unit == "year" or unit.startswith(("GBP", "segment", "rating")):
        return ""
    if unit == "percent":
        return "per cent"
    if singular and unit.endswith("s") and unit not in ("people", "square miles"):
        return unit[:-1]
    return unit


def as_stated(value, unit=None, qualifier=None, low=None, high=None, quote=None) -> str:
    """A figure as its source states it; '' when the data give no value.

    >>> as_stated(4400, "people", "over")
    'over 4,400 people'
    >>> as_stated(300000, "people", "typically", 250000, 300000)
    'typically 250,000–300,000 people'
    >>> as_stated(50, "percent", "exact", quote="has halved the number of A&E admissions")
    'halved'
    """
    ranged = not missing(low) and not missing(high)
    if not ranged and missing(value):
        return ""
    unit = "" if missing(unit) else str(unit)
    if not ranged and not missing(quote):
        word = stated_word(str(quote), float(value), unit)
        if word:  # "halved", "doubled": the source's word, not the number read from it
            return word
    if ranged:
        text = f"{_number(low, unit)}–{_number(high, unit)}"
        singular = False
    else:
        text = _number(value, unit)
        singular = float(value) == 1
    words = _unit_words(unit, singular)
    body = f"{text} {words}".strip()
    q = "" if missing(qualifier) else str(qualifier)
    hedge = QUALIFIER_WORDS.get(q, q.replace("-", " "))
    if q in TRAILING:
        return f"{body} {hedge}".strip()
    return f"{hedge} {body}".strip()


ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def ordinal(n: int) -> str:
    """1 -> 'first', ..., 10 -> 'tenth', 11 -> '11th', 22 -> '22nd'."""
    if 1 <= n <= len(ORDINALS):
        return ORDINALS[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_words(position: int, tied: int, total: int) -> str:
    """A rank that states its ties: 'second of 7'; 'joint first of 7 (5 tied)' when ``tied``
    systems (this one included) share ``position``, as ranked with method 'min'."""
    if tied > 1:
        return f"joint {ordinal(position)} of {total} ({tied} tied)"
    return f"{ordinal(position)} of {total}"


NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
                "twenty")  # fmt: skip


def number_word(n: int) -> str:
    """A count as it is written in running text: words up to twenty, digits beyond."""
    n = int(n)
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else f"{n:,}"


def counted(n: int, singular: str, plural: str | None = None, verb: tuple[str, str] | None = None) -> str:
    """A count with its noun, and ``verb`` (singular, plural) if given, in the right number
    ("1 cell rests", "3 cells rest", "0 programmes"), so no page says "cell(s)"."""
    n = int(n)
    words = f"{n:,} {singular if n == 1 else (plural or singular + 's')}"
    return f"{words} {verb[0] if n == 1 else verb[1]}" if verb else words
