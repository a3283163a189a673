"""Where each section of a source lies, from data/sections.csv (draft of the validator rule
"quote-in-section").

sections.csv lists, per source, every section the package cites (and a few that only end
others) with the heading line that opens it: the ``occurrence``-th line, counting from the
line that opens its parent section, whose text (normalised) starts with ``heading``. A
section runs from its heading to the next listed heading that is not inside it; a
section listed more than once (a comparison-table row split over two pages) is the union
of its parts. A quote must be found inside one part of the section it names.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

_TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                             "\u2013": "-", "\u2014": "-", "\u00a0": " "})
_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _WS.sub(" ", text.translate(_TYPOGRAPHY)).strip()


def _inside(section: str, ancestor: str) -> bool:
    return section == ancestor or section.startswith(ancestor + " > ")


def section_regions(lines: list[str], entries: list[tuple[str, str, int]]) -> tuple[dict[str, list[str]], list[str]]:
    """Normalised text of each section (list of parts) and the problems found locating them."""
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
    regions: dict[str, list[str]] = {}
    for i, (at, section) in enumerate(starts):
        end = next((b for b, other in starts[i + 1 :] if b > at and not _inside(other, section)), len(normal))
        regions.setdefault(section, []).append(normalise(" ".join(normal[at:end])))
    return regions, problems


if __name__ == "__main__":
    import json

    root = Path(__file__).resolve().parent.parent
    data, src = root / "data", root.parent / "shared" / "sources"
    files = {r["source_id"]: r["file"] for r in csv.DictReader((data / "sources.csv").open(encoding="utf-8"))}
    entries: dict[str, list] = {}
    for r in csv.DictReader((data / "sections.csv").open(encoding="utf-8")):
        entries.setdefault(r["source_id"], []).append((r["section"], r["heading"], int(r["occurrence"])))
    regions = {}
    for source, file in files.items():
        lines = (src / file).read_text(encoding="utf-8").split("\n")
        regions[source], problems = section_regions(lines, entries.get(source, []))
        for p in problems:
            print(source, p)
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    bad = 0
    for res in package["resources"]:
        for g in res.get("evidence", []):
            for n, row in enumerate(csv.DictReader((data / res["path"]).open(encoding="utf-8")), start=2):
                q, s, sec = row.get(g["quote"]), row.get(g["source"]), row.get(g["section"])
                if not q:
                    continue
                parts = regions.get(s, {}).get(sec)
                if parts is None:
                    bad += 1
                    print(f"{res['name']}:{n} section {sec!r} of {s} is not in sections.csv")
                elif not any(normalise(q) in part for part in parts):
                    bad += 1
                    print(f"{res['name']}:{n} {g['quote']} not inside {s} > {sec}: {q}")
    print(f"{bad} problem(s)")
