"""Checking quotations against the source documents they claim to come from."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

# Typographic variants a copy-and-paste (or a PDF-to-text step) may swap; a quotation is
# still verbatim if it differs from its source only by these and by white space.
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)
_WHITESPACE = re.compile(r"\s+")
QUOTE_MAX_WORDS = 20
# Fewer words than this cannot identify a passage (a one-letter quote is found anywhere).
QUOTE_MIN_WORDS = 4


def normalise(text: str) -> str:
    return _WHITESPACE.sub(" ", text.translate(_TYPOGRAPHY)).strip()


def word_count(text: str) -> int:
    return len(text.split())


class SourceTexts:
    """The normalised text of each source document, read lazily by file name."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._cache: dict[str, str | None] = {}
        self._lines: dict[str, list[str] | None] = {}

    @cached_property
    def available(self) -> bool:
        return self.directory.is_dir()

    def text(self, file_name: str) -> str | None:
        if file_name not in self._cache:
            path = self.directory / file_name
            self._cache[file_name] = normalise(path.read_text(encoding="utf-8")) if path.is_file() else None
        return self._cache[file_name]

    def lines(self, file_name: str) -> list[str] | None:
        """The source's raw lines (for locating its sections), None if it is absent."""
        if file_name not in self._lines:
            path = self.directory / file_name
            self._lines[file_name] = path.read_text(encoding="utf-8").split("\n") if path.is_file() else None
        return self._lines[file_name]

    def contains(self, file_name: str, quote: str) -> bool | None:
        """True/False when the source is present, None when it cannot be checked."""
        text = self.text(file_name)
        if text is None:
            return None
        return normalise(quote) in text
