"""The report's other parts (data/report_parts.csv): the rules the validator adds for them.

The foreword, the opening quotations, the offer of learning across systems, the Q community's
framework and principles, the figures and the annex's resources are summarised in the
project's own words, as the report's messages are, and by the same rules
(:mod:`ics_evidence.data.report_messages`: the section listed, the page the source gives, no run
of the source's words). They carry no quotation: the package's share of the report's words is
spent on the evidence tables. What a page shows in the report's own words is a part's printed
name, and this module holds it to being one:

- ``name-printed``: ``printed`` must stand in the row's section as a name does: a line of its
  own that is not a sentence (a heading, a figure's title), a cell of a box's row of headings,
  the text of a link, or a term of up to :data:`TERM_WORDS` words that the report itself sets in
  quotation marks. A sentence of the report does not pass, so the column cannot carry
  quotations past the quotation budget.
- ``url-printed``: ``url`` must be an address the section prints (the report prints addresses
  without ``https://``, which the column adds): a page links only where the report does.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ics_evidence.data.evidence import normalise
from ics_evidence.data.sections import section_spans

TABLE = "report_parts"
TERM_WORDS = 4  # a term the report sets in quotation marks ('copy and paste'), not a clause
NAME_WORDS = 16  # the longest title a figure carries
_SENTENCE_END = (".", ":", ";", ",")
_ADDRESS_BEFORE = re.compile(r"[A-Za-z0-9.-]$")  # more of a host name (but https:// or <https:// may precede)
_ADDRESS_AFTER = re.compile(r"/?\.?[A-Za-z0-9_~-]")  # more of the host or path

Add = Callable[[str, int | None, str | None, str | None, str, str], None]


def printed_as_name(printed: str, lines: list[str]) -> bool:
    """Whether ``printed`` stands in ``lines`` (a section's lines) as a name: a line or a box's
    cell of its own that is not a sentence, a link's text, or a short term in quotation marks."""
    name = normalise(printed)
    if not name or len(name.split()) > NAME_WORDS:
        return False
    titled = not name.endswith(_SENTENCE_END) and not name.startswith('"')
    for line in lines:
        shown = normalise(line)
        if titled and any(normalise(cell) == name for cell in line.split("\t")):
            return True
        if f"[{name}](" in shown:
            return True
        if len(name.split()) <= TERM_WORDS and re.search(rf"(?<![A-Za-z0-9])'{re.escape(name)}'(?![A-Za-z0-9])", shown):
            return True
    return False


def printed_address(url: str, text: str) -> bool:
    """Whether ``text`` prints ``url``'s address (without its ``https://``) whole, not as part of
    a longer address: nothing of an address before it, and after it nothing but its end (a full
    stop that ends the sentence is not more of the address)."""
    address = url.removeprefix("https://").rstrip("/")
    shown = normalise(text)
    for match in re.finditer(re.escape(address), shown):
        before, after = shown[: match.start()], shown[match.end() :]
        if _ADDRESS_BEFORE.search(before) or _ADDRESS_AFTER.match(after):
            continue
        return True
    return False


def check(
    tables: dict,
    shown: Callable[[str], str],
    add: Add,
    lines_of: Callable[[str], list[str] | None],
) -> None:
    """Problems of ``report_parts``: printed names that are not names, addresses not printed.
    A source whose text is not at hand is not judged (the validator says so elsewhere)."""
    rows = tables.get(TABLE)
    if rows is None:
        return
    where = shown(TABLE)
    entries: dict[str, list[tuple[str, str, int]]] = {}
    for row in tables.get("sections", []):
        if row.values.get("occurrence") is not None:
            entries.setdefault(row.raw["source_id"], []).append(
                (row.raw["section"], row.raw["heading"], row.values["occurrence"])
            )
    spans: dict[str, dict[str, list[tuple[int, int]]]] = {}
    for row in rows:
        source, section = row.raw["source_id"], row.raw["section"]
        lines = lines_of(source)
        if lines is None:
            continue
        if source not in spans:
            spans[source] = section_spans(lines, entries.get(source, []))[0]
        parts = spans[source].get(section)
        if parts is None:
            continue  # not a section of the source: the foreign key says so
        section_lines = [line for at, end in parts for line in lines[at:end]]
        printed = row.raw.get("printed", "")
        if printed and not printed_as_name(printed, section_lines):
            add(where, row.number, "printed", printed, "name-printed",
                f"not printed as a name in {section!r} of {source}: give a heading or title as its own line, a "
                f"box's cell, a link's text or a term of up to {TERM_WORDS} words the report sets in quotation "
                "marks, verbatim (a sentence of the report is a quotation, and this table carries none)")  # fmt: skip
        url = row.raw.get("url", "")
        if url and not any(printed_address(url, " ".join(lines[at:end])) for at, end in parts):
            add(where, row.number, "url", url, "url-printed",
                f"{section!r} of {source} does not print this address; link only an address the report prints "
                "(without its https://)")  # fmt: skip
