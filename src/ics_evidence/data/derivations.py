"""Derivations that are checked, not trusted: the ``derivation`` column's small structured form.

A value its quotation does not state must say how it was derived, in one of these forms at
the start of ``derivation`` (anything after a full stop or a semicolon is free text that
explains; free text alone explains but never switches the value check off):

``sum 3 + 6``                     the parts, each stated in the quote, add up to the value
``sum 3 + 1 + "an ambulance trust"``  a part may be a counted phrase (see ``words``)
``difference 19 - 15``            the first stated number minus the second
``percentage 4241 of 5000``       the first as a per cent of the second (rounded as the value is)
``halved``                        the quote says "halved" (or "half"): the value is 50 (per cent)
``doubled``                       the quote says "doubled" (or "double", "twice"): the value is 2
``rounding 4241``                 the stated number rounded (to 4000 or 4200, say) is the value
``words "a county council"``      the phrase is in the quote and its first word counts it:
                                  a, an, one, single, the, the other = 1 (``COUNTING_WORDS``)
``count "dermatology", "neurology"``  the value is the number of items, each in the quote's
                                  section (a list the quotation introduces)

Each number in a form must be one the quotation states (``numbers.states_value``), so a false
"sum of 1 + 6" where the quote gives 3 and 6 is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ics_evidence.data.evidence import normalise
from ics_evidence.data.numbers import same_number, states_value

COUNTING_WORDS = {"a": 1, "an": 1, "one": 1, "single": 1, "the": 1, "the other": 1}
FORMS = ("sum", "difference", "percentage", "halved", "doubled", "rounding", "words", "count")
_FORM = re.compile(r"^\s*(" + "|".join(FORMS) + r")\b(.*)$", re.S)  # lower case: "Sum of ..." is prose
_PHRASE = re.compile(r'"([^"]+)"')
_NUMBER = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?")


@dataclass(frozen=True)
class Derivation:
    form: str
    arguments: str


def parse(text: str) -> Derivation | None:
    """The structured form at the start of ``text``, or None when it is free text only."""
    match = _FORM.match(text or "")
    if not match:
        return None
    form, rest = match.group(1).lower(), match.group(2)
    # The form's arguments run to the first ".", ";" or " (" outside quotation marks and numbers.
    arguments, inside = [], False
    for i, character in enumerate(rest):
        if character == '"':
            inside = not inside
        full_stop = character == "." and not (i + 1 < len(rest) and rest[i + 1].isdigit())
        if not inside and (character == ";" or rest[i : i + 2] == " (" or full_stop):
            break
        arguments.append(character)
    return Derivation(form, "".join(arguments).strip())


def _counted(phrase: str, quote: str) -> tuple[int | None, str | None]:
    """The count a phrase states ("an ambulance trust": 1), or why it cannot be read."""
    if normalise(phrase).casefold() not in normalise(quote).casefold():
        return None, f"{phrase!r} is not in the quotation"
    lowered = normalise(phrase).casefold()
    for words in sorted(COUNTING_WORDS, key=len, reverse=True):
        if lowered == words or lowered.startswith(words + " "):
            return COUNTING_WORDS[words], None
    return None, f"{phrase!r} does not start with a counting word ({', '.join(COUNTING_WORDS)})"


def _parts(arguments: str, separator: str) -> list[str]:
    return [part.strip() for part in re.split(rf"\s*{re.escape(separator)}\s*", arguments) if part.strip()]


def _number(part: str, quote: str, unit: str) -> tuple[float | None, str | None]:
    """A part of a form: a number the quote states, or a counted phrase."""
    phrase = _PHRASE.fullmatch(part)
    if phrase:
        count, problem = _counted(phrase.group(1), quote)
        return (float(count) if count is not None else None), problem
    if not _NUMBER.fullmatch(part):
        return None, f"{part!r} is neither a number nor a quoted phrase"
    number = float(part.replace(",", ""))
    if not states_value(quote, number, unit):
        return None, f"the quotation does not state {part}"
    return number, None


def _decimals(value: float) -> int:
    text = f"{value:.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def check(
    derivation: Derivation, value: float, quote: str, unit: str = "", section_text: str | None = None
) -> str | None:
    """Why the derivation does not give ``value`` from the quotation, or None when it does."""
    form, arguments = derivation.form, derivation.arguments
    text = normalise(quote).casefold()
    if form in ("sum", "difference"):
        parts = _parts(arguments, "+" if form == "sum" else "-")
        if len(parts) < 2:
            return f"{form} needs at least two parts"
        numbers = []
        for part in parts:
            number, problem = _number(part, quote, unit)
            if problem:
                return problem
            numbers.append(number)
        result = sum(numbers) if form == "sum" else numbers[0] - sum(numbers[1:])
    elif form == "percentage":
        parts = _parts(arguments, " of ")
        if len(parts) != 2:
            return "percentage needs 'A of B'"
        (a, problem_a), (b, problem_b) = (_number(p, quote, unit) for p in parts)
        if problem_a or problem_b:
            return problem_a or problem_b
        result = round(a / b * 100, _decimals(value)) if b else float("nan")
    elif form == "halved":
        if not re.search(r"\b(halved|half|halve)\b", text):
            return "the quotation does not say 'halved' or 'half'"
        result = 50.0
    elif form == "doubled":
        if not re.search(r"\b(doubled|double|twice)\b", text):
            return "the quotation does not say 'doubled', 'double' or 'twice'"
        result = 2.0
    elif form == "rounding":
        number, problem = _number(arguments, quote, unit)
        if problem:
            return problem
        if not any(same_number(round(number, digits), value) for digits in range(-12, 12)):
            return f"{value:g} is not {arguments} rounded"
        result = value
    elif form == "words":
        phrases = _PHRASE.findall(arguments)
        if len(phrases) != 1:
            return 'words needs one quoted phrase: words "a county council"'
        count, problem = _counted(phrases[0], quote)
        if problem:
            return problem
        result = float(count)
    else:  # count
        items = _PHRASE.findall(arguments)
        if not items:
            return 'count needs the items, each quoted: count "dermatology", "neurology"'
        where = normalise(section_text if section_text is not None else quote).casefold()
        missing = [item for item in items if normalise(item).casefold() not in where]
        if missing:
            return f"{', '.join(repr(m) for m in missing)} not in the quotation's section"
        result = float(len(items))
    if not same_number(result, value):
        return f"the derivation gives {result:g}, not {value:g}"
    return None
