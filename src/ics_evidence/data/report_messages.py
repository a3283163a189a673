"""The report's main messages (data/report_messages.csv): the rules the validator adds for them.

The front page opens with the report's argument, one message a row, in the project's own words:
the report's licence allows quoting it in short extracts but not altering or building on its
text, so a message is a fresh summary, never the report's sentences, and carries no quotation
(the package's budget of republished words is spent on the evidence tables). What a message
does carry is checked like any fact: the section that makes it must be one ``sections.csv``
lists for its source (the descriptor's foreign key to ``sections``), the page must be the one
the source's contents give for that section's part, and the text may not repeat a run of
:data:`OWN_WORDS` or more of the source's words.

The same rules hold the summaries of ``report_parts`` (the report's other parts, written the
same way): :func:`check` takes the table and its text columns. A row there may also give a
page the source itself states (``page_basis`` ``stated``): the front matter, which the contents
do not list, points readers to the page of the offer ("Find out more on page 3"), so such a page
must be one the text of the row's part names.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from ics_evidence.data.evidence import normalise

TABLE = "report_messages"
# A message repeating this many consecutive words of its source is copying, not summarising.
# Names of bodies ("the voluntary and community sector", seven words with "and other") stay
# below it.
OWN_WORDS = 8
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

Add = Callable[[str, int | None, str | None, str | None, str, str], None]


def words(text: str) -> list[str]:
    """``text``'s words, lower case, typography normalised (as quotations are compared)."""
    return _WORD.findall(normalise(text).casefold())


def copied_run(text: str, source_words: Sequence[str], length: int = OWN_WORDS) -> str | None:
    """The first run of ``length`` consecutive words of ``text`` that the source also has, or None."""
    mine = words(text)
    if len(mine) < length:
        return None
    runs = _runs(tuple(source_words), length)
    for start in range(len(mine) - length + 1):
        if tuple(mine[start : start + length]) in runs:
            return " ".join(mine[start : start + length])
    return None


@functools.lru_cache(maxsize=16)  # a source's words, once per process
def _source_words(text: str) -> tuple[str, ...]:
    return tuple(words(text))


@functools.lru_cache(maxsize=16)  # a source's runs, made once per process (validated once per build, often in tests)
def _runs(source_words: tuple[str, ...], length: int) -> frozenset[tuple[str, ...]]:
    return frozenset(source_words[i : i + length] for i in range(len(source_words) - length + 1))


def contents_pages(lines: list[str]) -> dict[str, int]:
    """{part title (case folded): page} from a source's table of contents: lines holding only a
    page number and a title ("111<TAB>Where next?") or a title and a page number."""
    found: dict[str, int] = {}
    for line in lines:
        shown = normalise(line)
        match = re.fullmatch(r"(\d{1,4})\s+(\S.*)", shown) or re.fullmatch(r"(\S.*?)[\s.]+(\d{1,4})", shown)
        if match is None:
            continue
        page, title = (match[1], match[2]) if match[1].isdigit() else (match[2], match[1])
        found.setdefault(title.casefold(), int(page))
    return found


def pointed_pages(text: str) -> set[int]:
    """The pages a passage points its reader to ("Find out more on page 3")."""
    return {int(n) for n in re.findall(r"\bon page (\d{1,4})\b", normalise(text), flags=re.IGNORECASE)}


def check(
    tables: dict,
    shown: Callable[[str], str],
    add: Add,
    lines_of: Callable[[str], list[str] | None],
    *,
    table: str = TABLE,
    columns: Sequence[str] = ("title", "message"),
    regions: dict | None = None,
) -> None:
    """Problems of ``table`` (``report_messages`` unless named; ``add`` records one): its
    ``columns`` in the project's own words, its page the source's. ``lines_of(source_id)`` gives a
    source's lines, or None when it is not available (its rules are then not checked here; the
    validator says elsewhere that the sources were not checked). ``regions`` ({source: {section:
    [text of each part]}}) is the text a ``stated`` page is looked for in."""
    rows = tables.get(table)
    if rows is None:
        return
    where = shown(table)
    texts: dict[str, tuple[list[str], dict[str, int]] | None] = {}
    for row in rows:
        source = row.raw["source_id"]
        if source not in texts:
            lines = lines_of(source)
            texts[source] = None if lines is None else (_source_words("\n".join(lines)), contents_pages(lines))
        if texts[source] is None:
            continue
        source_words, pages = texts[source]
        for column in columns:
            run = copied_run(row.raw[column], source_words)
            if run is not None:
                add(where, row.number, column, row.raw[column], "own-words",
                    f"repeats {OWN_WORDS} or more consecutive words of {source} ({run!r}); write it in "
                    "the project's own words (the source's licence allows no altering or building on it)")  # fmt: skip
        page = row.values.get("page")
        part = row.raw["section"].split(" > ")[0]
        if row.raw.get("page_basis") == "stated":
            texts_of_part = (regions or {}).get(source, {}).get(part)
            pointed = texts_of_part is None or any(page in pointed_pages(text) for text in texts_of_part)
            if page is not None and not pointed:
                add(where, row.number, "page", row.raw["page"], "page-stated",
                    f"{part!r} of {source} does not point to page {page} ('on page {page}'); give the page "
                    "its contents list the part as beginning on, with page_basis part-begins")  # fmt: skip
            continue
        listed = pages.get(part.casefold())
        if page is not None and listed != page:
            said = f"they list it as beginning on page {listed}" if listed else "they do not list it"
            add(where, row.number, "page", row.raw["page"], "page-stated",
                f"the contents of {source} do not give page {page} for {part!r}: {said}")  # fmt: skip
