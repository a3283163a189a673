"""Where each section of a source lies, from data/sections.csv, for the validator rule
"quote-in-section".

sections.csv lists, per source, every section the package cites (and a few that only end
others) with the heading line that opens it: the ``occurrence``-th line, counting from the
line that opens its parent section, whose text (normalised) starts with ``heading``. A
section runs from its heading to the next listed heading that is not inside it; a
section listed more than once (a comparison-table row split over two pages) is the union
of its parts. A quote must be found inside one part of the section it names.
"""

from __future__ import annotations

from ics_evidence.data.evidence import normalise


def _inside(section: str, ancestor: str) -> bool:
    return section == ancestor or section.startswith(ancestor + " > ")


def section_regions(lines: list[str], entries: list[tuple[str, str, int]]) -> tuple[dict[str, list[str]], list[str]]:
    """Normalised text of each section (list of parts) and the problems found locating them."""
    spans, problems = section_spans(lines, entries)
    normal = [normalise(line) for line in lines]
    regions = {section: [normalise(" ".join(normal[at:end])) for at, end in parts] for section, parts in spans.items()}
    return regions, problems


def section_spans(
    lines: list[str], entries: list[tuple[str, str, int]]
) -> tuple[dict[str, list[tuple[int, int]]], list[str]]:
    """The lines each section covers, as (first, past the last) line indexes of each of its parts,
    and the problems found locating them (for rules that read a section line by line)."""
    normal = [normalise(line) for line in lines]
    starts: list[tuple[int, str]] = []
    first: dict[str, int] = {}
    problems = []
    for section, heading, occurrence in entries:
        parent = section.rsplit(" > ", 1)[0] if " > " in section else None
        begin = first.get(parent, 0) if parent else 0
        head = normalise(heading)
        seen, at = 0, None
        for index in range(begin, len(normal)):
            if normal[index].startswith(head):
                seen += 1
                if seen == occurrence:
                    at = index
                    break
        if at is None:
            problems.append(f"heading {heading!r} (occurrence {occurrence}) of {section!r} not found")
            continue
        first.setdefault(section, at)
        starts.append((at, section))
    starts.sort()
    spans: dict[str, list[tuple[int, int]]] = {}
    for i, (at, section) in enumerate(starts):
        end = next((b for b, other in starts[i + 1 :] if b > at and not _inside(other, section)), len(normal))
        spans.setdefault(section, []).append((at, end))
    return spans, problems
