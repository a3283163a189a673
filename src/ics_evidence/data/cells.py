"""The rules one cell obeys, whatever its table: valid UTF-8, no hidden characters or
surrounding white space, its type (ASCII digits, ISO dates), its schema constraints, no
spreadsheet formula, no e-mail address, and ids short enough to name files. The validator
applies them to every cell; the scaffold to what it is given."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any

from ics_evidence.data.schema import Field

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
# ASCII digits only: Python's int() and float() also accept Arabic-Indic, full-width and other
# digits (and "1_000", "infinity"), which the loader, pandas and a reader's spreadsheet do not.
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
# date.fromisoformat accepts "20230105" and "2023-W01-4" too; the package means YYYY-MM-DD.
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection, OWASP).
FORMULA_START = ("=", "+", "-", "@")
# Ids name executed notebooks and pages; file systems refuse names over 255 bytes.
ID_MAX_LENGTH = 100


# Control, format (bidi overrides, zero-width) and line or paragraph separator characters.
HIDDEN_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")


def hidden_character(text: str) -> str | None:
    """The first control, bidi-override, zero-width or other format character (Unicode
    categories Cc and Cf): they reorder or hide text, or make two ids look identical. And the
    line and paragraph separators U+2028 and U+2029 (Zl, Zp): a chart library or a script that
    splits lines on them breaks (six notebooks failed with a Vega stack trace)."""
    if text.isprintable():  # in C: no Cc, Cf, Zl or Zp character (nor any other unprintable one)
        return None
    for character in text:
        if unicodedata.category(character) in HIDDEN_CATEGORIES:
            return f"U+{ord(character):04X} {unicodedata.name(character, 'control character')}"
    return None


def same_text_key(text: str) -> str:
    """How uniqueness compares text: ids or names differing only in case or Unicode form are
    the same thing to a reader (and to a case-insensitive file system)."""
    return unicodedata.normalize("NFKC", text).casefold()


def _parse(field: Field, text: str) -> tuple[Any, str | None]:
    """Parse one non-empty cell; return (value, error message)."""
    kind = field.type
    if kind in ("integer", "year"):
        if not _INTEGER.match(text):
            return None, "not an integer"
        return int(text), None
    if kind == "number":
        if not _NUMBER.match(text):
            return None, "not a number (ASCII digits, optional sign, decimal point and exponent)"
        number = float(text)
        if not math.isfinite(number):
            return None, "not a finite number"
        return number, None
    if kind == "boolean":
        if text not in ("true", "false"):
            return None, "not a boolean (true or false)"
        return text == "true", None
    if kind == "date":
        if not _DATE.match(text):
            return None, "not an ISO date (YYYY-MM-DD)"
        try:
            return dt.date.fromisoformat(text), None
        except ValueError:
            return None, "not an ISO date (YYYY-MM-DD)"
    return text, None


def _check_constraints(field: Field, value: Any, text: str) -> list[tuple[str, str]]:
    c = field.constraints
    errors = []
    if c.enum is not None and value not in c.enum:
        errors.append(("enum", f"must be one of {', '.join(map(str, c.enum))}"))
    if c.minimum is not None and value < c.minimum:
        errors.append(("minimum", f"must be at least {c.minimum}"))
    if c.maximum is not None and value > c.maximum:
        errors.append(("maximum", f"must be at most {c.maximum}"))
    if c.pattern is not None and not re.fullmatch(c.pattern, text):
        errors.append(("pattern", f"must match {c.pattern}"))
    if c.maxLength is not None and len(text) > c.maxLength:
        errors.append(("maxLength", f"longer than {c.maxLength} characters"))
    if c.minLength is not None and len(text) < c.minLength:
        errors.append(("minLength", f"shorter than {c.minLength} characters"))
    return errors


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def has_invalid_bytes(text: str) -> bool:
    """Bytes that were not UTF-8 survive decoding as lone surrogates (errors="surrogateescape")."""
    return _ESCAPED_BYTE.search(text) is not None


def shown_bytes(text: str) -> str:
    return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="backslashreplace")


def check_cell(field: Field, cell: str) -> tuple[Any, list[tuple[str, str, str]]]:
    """The text rules every cell obeys (the scaffold applies them to what it is given too):
    its parsed value (None when missing or unusable) and each problem as (value shown, rule,
    message)."""
    if has_invalid_bytes(cell):
        return None, [(shown_bytes(cell), "encoding", "not valid UTF-8")]
    if cell == "":
        return None, [(cell, "required", "must not be empty")] if field.required else []
    found: list[tuple[str, str, str]] = []
    if cell != cell.strip():
        found.append((cell, "whitespace", "leading or trailing white space"))
    hidden = hidden_character(cell)
    if hidden:
        shown = cell.encode("unicode_escape").decode("ascii")
        found.append((shown, "characters", f"contains {hidden}; retype the value without it"))
        return None, found
    if field.name.endswith("_id") and len(cell) > ID_MAX_LENGTH:
        message = f"longer than {ID_MAX_LENGTH} characters; ids name files and web addresses, shorten it"
        found.append((cell, "id-length", message))
    if field.type == "string" and cell.startswith(FORMULA_START):
        found.append((cell, "formula", f"starts with {cell[0]!r}, which a spreadsheet opening the download runs as "
                      "a formula; reword it to start with a letter or digit"))  # fmt: skip
    value, error = _parse(field, cell)
    if error:
        found.append((cell, "type", f"{error} (type {field.type})"))
        return None, found
    found += [(cell, rule, message) for rule, message in _check_constraints(field, value, cell)]
    if field.type == "string" and EMAIL.search(cell):
        found.append((cell, "personal-data", "contains an e-mail address"))
    return value, found
