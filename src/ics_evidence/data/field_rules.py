"""Rules that check an evidenced field against its own quotation.

The validator already checks that a quotation is verbatim, inside its section and states the
row's number. These rules check the other fields a row claims from that quotation, so that a
careless edit of one cell (a dropped "over", "NHS allocation" turned into "NHS budget", a
renamed chief executive) is refused:

* ``qualifier``: a hedge the row records ("around", "over", "circa", "up to", ...) is written
  just before (or, for "or below", just after) the number in the quotation; a row recorded as
  ``exact`` is refused when the quotation hedges that number.
* ``basis`` (budgets): "nhs-allocation" needs "allocation" in the quotation, "nhs-budget" needs
  "NHS budget", "budget" needs "budget" and neither of the others.
* a person's name (``systems.chief_executive``) appears in the quotation given for them.

Each rule returns problems as (row, column, value, rule, message); the validator adds the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ics_evidence.data.evidence import normalise
from ics_evidence.data.numbers import Mention, mentions, mentions_of, plain

# qualifier -> the phrases that express it, and how many words may stand between the phrase
# and the number ("typically for populations of between 250,000": four).
QUALIFIER_PHRASES: dict[str, tuple[tuple[str, ...], int]] = {
    "around": (("around", "about", "roughly"), 1),
    "circa": (("circa", "c."), 1),
    "approximately": (("approximately",), 1),
    "over": (("over",), 1),
    "more-than": (("more than", "in excess of"), 1),
    "almost": (("almost", "nearly"), 1),
    "estimated": (("estimated",), 1),
    "up-to": (("up to",), 1),
    "within": (("within",), 1),
    "typically": (("typically",), 5),
}
# Hedges written after the number ("5 per cent or below").
AFTER_PHRASES: dict[str, tuple[str, ...]] = {"or-below": ("or below", "or less", "or fewer")}
# A range qualifier needs the quotation to state a range.
RANGE_QUALIFIERS = ("range",)
_RANGE = re.compile(r"\d\s*-\s*\d|\bbetween\b.+\band\b|\w+\s+to\s+\w+", re.I)

BASIS_WORDS = {
    "nhs-allocation": "allocation",
    "nhs-budget": "NHS budget",
    "budget": "budget",
}


@dataclass(frozen=True)
class Finding:
    row: int
    column: str
    value: str
    rule: str
    message: str


def _hedges_before(before: str) -> dict[str, str]:
    """{qualifier: phrase} for every hedge phrase close enough before a number."""
    found = {}
    tokens = before.split()
    for qualifier, (phrases, gap) in QUALIFIER_PHRASES.items():
        for phrase in phrases:
            size = len(phrase.split())
            for at in range(max(0, len(tokens) - size - gap), len(tokens) - size + 1):
                window = " ".join(tokens[at : at + size])
                if window == phrase or (phrase == "c." and window.startswith("c.")):
                    found[qualifier] = phrase
    return found


def _hedges_after(text: str, mention: Mention) -> dict[str, str]:
    after = " ".join(text[mention.end :].lower().split()[:5])
    after = after.removeprefix("per cent").removeprefix("%").strip()
    return {q: p for q, phrases in AFTER_PHRASES.items() for p in phrases if after.startswith(p)}


_RANGE_JOIN = re.compile(r"\s*(and|to|-)\s*")


def hedges(quote: str, value: float, unit: str = "") -> list[dict[str, str]] | None:
    """For each mention of ``value`` in the quotation, the hedges written with it ({qualifier:
    phrase}); None when the quotation does not state the value (a derived value). The words
    looked at run back to the previous number, or past it when the two form a range."""
    text = plain(normalise(quote))
    wanted = {(m.start, m.end) for m in mentions_of(text, value, unit)}
    if not wanted:
        return None
    every = mentions(text)
    out = []
    for index, mention in enumerate(every):
        if (mention.start, mention.end) not in wanted:
            continue
        begin, at = 0, index
        while at > 0:
            previous = every[at - 1]
            if previous.end > mention.start:  # overlapping forms of one number ("ten-year")
                at -= 1
                continue
            begin = previous.end
            if _RANGE_JOIN.fullmatch(text[previous.end : every[at].start]):
                at -= 1
                begin = 0
                continue
            break
        out.append(_hedges_before(text[begin : every[at].start if at != index else mention.start].lower())
                   | _hedges_after(text, mention))  # fmt: skip
    return out


def check_qualifier(quote: str, value: float | None, qualifier: str, unit: str = "") -> str | None:
    """Why ``qualifier`` does not agree with the quotation, or None."""
    if not quote or not qualifier:
        return None
    lowered = plain(normalise(quote)).lower()
    if qualifier in RANGE_QUALIFIERS:
        return None if _RANGE.search(lowered) else "the quotation states no range"
    phrases = (QUALIFIER_PHRASES.get(qualifier, ((),))[0]) or AFTER_PHRASES.get(qualifier, ())
    per_mention = hedges(quote, value, unit) if value is not None else None
    if per_mention is None:  # not stated (derived) or no value: the phrase must be in the quote
        if qualifier == "exact" or not phrases:
            return None
        if any(re.search(rf"(?<!\w){re.escape(p)}", lowered) for p in phrases):
            return None
        return f"the quotation does not say {' or '.join(repr(p) for p in phrases)}"
    if qualifier == "exact":
        if any(not found for found in per_mention):
            return None
        said = sorted({phrase for found in per_mention for phrase in found.values()})
        kinds = sorted({q for found in per_mention for q in found})
        return (
            f"the quotation hedges this number ({', '.join(repr(s) for s in said)}); "
            f"set qualifier to {' or '.join(kinds)}"
        )
    if any(qualifier in found for found in per_mention):
        return None
    if not phrases:
        return None  # a qualifier without a vocabulary is not checked here
    return f"the quotation does not say {' or '.join(repr(p) for p in phrases)} with this number"


def check_basis(quote: str, basis: str) -> str | None:
    """Why a budget's ``basis`` does not agree with the quotation, or None."""
    if not basis or not quote:
        return None
    text = normalise(quote).lower()
    allocation, nhs_budget = "allocation" in text, "nhs budget" in text
    if basis == "nhs-allocation" and not allocation:
        return "basis nhs-allocation needs the quotation to say 'allocation'"
    if basis == "nhs-budget" and not nhs_budget:
        return "basis nhs-budget needs the quotation to say 'NHS budget'"
    if basis == "budget":
        if "budget" not in text:
            return "basis budget needs the quotation to say 'budget'"
        if allocation or nhs_budget:
            which = "nhs-allocation" if allocation else "nhs-budget"
            return f"the quotation is more specific than 'budget': set basis to {which}"
    return None


def check_person(name: str, quote: str) -> str | None:
    """Why ``quote`` does not name ``name``, or None."""
    if not name or not quote:
        return None
    if normalise(name).casefold() in normalise(quote).casefold():
        return None
    return f"the quotation given for this person does not name {name!r}"


def qualifier_findings(rows: Iterable, units: dict[str, str], value_column: str = "value") -> list[Finding]:
    """Findings of the qualifier rule over rows with ``qualifier``, ``value`` and ``quote``."""
    out = []
    for row in rows:
        qualifier = row.raw.get("qualifier", "")
        unit = units.get(row.raw.get("measure_id", ""), row.raw.get("unit", ""))
        problem = check_qualifier(row.raw.get("quote", ""), row.values.get(value_column), qualifier, unit)
        if problem:
            out.append(Finding(row.number, "qualifier", qualifier, "qualifier-stated", problem))
    return out


# A target is worded as an aim; a result reports something done. A scale or context figure
# (the size of an activity, a characteristic of the population) has no wording of its own.
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
TARGET_WORDING = re.compile(
    r"\b(target|targets|aim|aims|aimed|ambition|ambitions|goal|goals|will|would|plan to|plans to|intends?|"
    r"with a view to|to achieve|set out to|seeks?|"
    rf"by (?:(?:the end of )?(?:{_MONTHS}|spring|summer|autumn|winter) )?20\d\d)\b",
    re.I,
)
RESULT_WORDING = re.compile(
    r"\b(has|have|had|was|were)\s+(?:been\s+|now\s+|also\s+)?\w+(?:ed|en|t)\b|"
    r"\b(achieved|resulted|reduced|halved|doubled|avoided|supported|enabled|enabling|improved|delivered|"
    r"secured|saved|engaged|enrolled|cut|fell|rose|led to|reached)\b",
    re.I,
)
KIND_WORDING = {"target": TARGET_WORDING, "result": RESULT_WORDING}
KIND_MEANING = {
    "target": "an aim (target, aim, will, by 2030...)",
    "result": "something achieved (has reduced, resulted in, avoided...)",
}


def check_kind(kind: str, quote: str) -> str | None:
    """Why the quotation does not read as a figure of ``kind``, or None: a target must be worded
    as an aim and a result must report something done; a result worded only as an aim is refused
    too."""
    wording = KIND_WORDING.get(kind)
    if wording is None or not quote:
        return None
    text = normalise(quote)
    if not wording.search(text):
        return f"the quotation does not read as {KIND_MEANING[kind]}; quote the words that show it is a {kind}"
    return None
