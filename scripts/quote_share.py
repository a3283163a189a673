"""Share of each source's words that the data package republishes verbatim.

Standalone draft (stdlib only); it becomes the ``quote-share`` command in phase 2.
Every quote in every table is located in its source (normalised as the validator
does: white space, typographic quotes and dashes); each word position it covers is
marked; the share is marked positions / words in the source.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

_TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                             "\u2013": "-", "\u2014": "-", "\u00a0": " "})
_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _WS.sub(" ", text.translate(_TYPOGRAPHY)).strip()


def shares(data: Path, sources: Path) -> dict[str, tuple[int, int]]:
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    files = {r["source_id"]: r["file"] for r in csv.DictReader((data / "sources.csv").open(encoding="utf-8"))}
    # Every quote counts against every source it occurs in, whichever source_id it cites:
    # the summary table repeats the report's annex word for word.
    quotes: set[str] = set()
    for res in package["resources"]:
        for group in res.get("evidence", []):
            for row in csv.DictReader((data / res["path"]).open(encoding="utf-8")):
                if row.get(group["quote"], ""):
                    quotes.add(normalise(row[group["quote"]]))
    out = {}
    for source, file in files.items():
        text = normalise((sources / file).read_text(encoding="utf-8"))
        covered = bytearray(len(text))
        for q in quotes:
            at = text.find(q)
            if at >= 0:
                covered[at : at + len(q)] = b"\x01" * len(q)
        words = list(re.finditer(r"\S+", text))
        hit = sum(1 for m in words if any(covered[m.start() : m.end()]))
        out[source] = (hit, len(words))
    return out


LIMITS = {"report-2023": 0.15}
DEFAULT_LIMIT = 0.30

if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "data"
    src = Path(sys.argv[2]) if len(sys.argv) > 2 else root.parent / "shared" / "sources"
    bad = 0
    for source, (hit, words) in shares(data, src).items():
        share, limit = hit / words, LIMITS.get(source, DEFAULT_LIMIT)
        flag = "ok" if share <= limit else "OVER"
        bad += share > limit
        print(f"{source:28} {hit:6}/{words:6} words  {share:6.1%}  (limit {limit:.0%}) {flag}")
    sys.exit(1 if bad else 0)
