"""Checking quotations against the source documents they claim to come from."""

from __future__ import annotations

import functools
import re
from functools import cached_property
from pathlib import Path

from ics_evidence.files import unsafe_reason

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


# Every validation normalises each line of every source several times (sections, contents
# pages, quotations), and a test run or an audit validates hundreds of copies of one package
# against the same sources: the lines' normal forms are kept (a pure function of the text).
@functools.lru_cache(maxsize=1 << 17)
def normalise(text: str) -> str:
    return _WHITESPACE.sub(" ", text.translate(_TYPOGRAPHY)).strip()


def word_count(text: str) -> int:
    return len(text.split())


class SourceTexts:
    """The normalised text of each source document, read lazily by file name.

    Documents are looked up first in ``local`` (the repository's own ``sources/`` folder, for
    documents the project may redistribute) and then in ``directory`` (the external folder,
    for licensed documents kept outside the repository; see data/README.md).
    """

    def __init__(self, directory: Path, local: Path | None = None):
        self.directory = directory
        self.local = local
        self._cache: dict[str, str | None] = {}
        self._lines: dict[str, list[str] | None] = {}

    @cached_property
    def available(self) -> bool:
        """Whether the external folder is here: without it only local documents are checked,
        and a missing document is not a problem."""
        return self.directory.is_dir()

    @property
    def folders(self) -> list[Path]:
        return [folder for folder in (self.local, self.directory) if folder is not None]

    def path(self, file_name: str) -> Path | None:
        for folder in self.folders:
            candidate = folder / file_name
            # A link is never read (the validator reports one in the repository's sources/).
            if candidate.is_file() and unsafe_reason(candidate, folder) is None:
                return candidate
        return None

    def text(self, file_name: str) -> str | None:
        if file_name not in self._cache:
            path = self.path(file_name)
            self._cache[file_name] = normalise(path.read_text(encoding="utf-8")) if path else None
        return self._cache[file_name]

    def checkable(self, file_name: str) -> bool:
        """A quotation can be checked (or its missing document reported) when the document is
        found or the external folder exists."""
        return self.available or self.text(file_name) is not None

    def lines(self, file_name: str) -> list[str] | None:
        """The source's raw lines (for locating its sections), None if it is absent."""
        if file_name not in self._lines:
            path = self.path(file_name)
            self._lines[file_name] = path.read_text(encoding="utf-8").split("\n") if path else None
        return self._lines[file_name]

    def contains(self, file_name: str, quote: str) -> bool | None:
        """True/False when the source is present, None when it cannot be checked."""
        text = self.text(file_name)
        if text is None:
            return None
        return normalise(quote) in text
