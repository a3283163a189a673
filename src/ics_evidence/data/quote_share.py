"""How much of each source the package republishes: ``python -m ics_evidence quote-share``.

Every quotation in every table is located in every source it occurs in (normalised as the
validator does: white space, typographic quotes and dashes), whichever source it cites:
the summary document repeats the report's comparison table word for word, so a quote
from one republishes the other too, and every place a quotation's words stand in a source
counts (a short phrase the report repeats is republished at each). Each word position is marked once;
the share is marked words / words in the source. The report's licence allows copying but
not building on it, and fair quotation means no more than the evidence needs, so the
limits are 15% of the report and 30% of any other source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ics_evidence.data.csvfiles import read_rows
from ics_evidence.data.evidence import SourceTexts, normalise
from ics_evidence.data.schema import read_package
from ics_evidence.project import local_sources_for

REPORT = "report-2023"
LIMITS = {REPORT: 0.15}
DEFAULT_LIMIT = 0.30
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Share:
    source_id: str
    covered: int
    words: int
    limit: float

    @property
    def share(self) -> float:
        return self.covered / self.words if self.words else 0.0

    @property
    def within_limit(self) -> bool:
        return self.share <= self.limit


def package_quotes(data: Path) -> set[str]:
    """Every distinct (normalised) quotation in the package."""
    package = read_package(data)
    quotes: set[str] = set()
    for resource in package.resources:
        if not resource.evidence:
            continue
        _, rows = read_rows(data / resource.path)
        for group in resource.evidence:
            quotes.update(normalise(row[group.quote]) for row in rows if row.get(group.quote))
    return quotes


def covered_words(text: str, quotes: set[str]) -> tuple[int, int]:
    """(words covered by any quotation, words) of a normalised ``text``: every occurrence of a
    quotation's words counts, as a reader finds them wherever the document has them."""
    covered = bytearray(len(text))
    for quote in quotes:
        at = text.find(quote) if quote else -1
        while at >= 0:  # every place the words stand: each is republished by the quotation
            covered[at : at + len(quote)] = b"\x01" * len(quote)
            at = text.find(quote, at + 1)
    words = list(_WORD.finditer(text))
    return sum(1 for m in words if any(covered[m.start() : m.end()])), len(words)


def quote_shares(data: Path, sources: Path) -> list[Share]:
    """The share of each source's words the package republishes, in sources.csv order; each
    document is found as the validator finds it (the repository's ``sources/`` folder, then
    ``sources``)."""
    _, rows = read_rows(data / "sources.csv")
    quotes = package_quotes(data)
    texts = SourceTexts(Path(sources), local_sources_for(data))
    out = []
    for row in rows:
        text = texts.text(row["file"])
        if text is None:
            continue
        hit, words = covered_words(text, quotes)
        out.append(Share(row["source_id"], hit, words, LIMITS.get(row["source_id"], DEFAULT_LIMIT)))
    return out


def report(shares: list[Share]) -> str:
    lines = [f"{'source':28} {'words quoted':>14} {'share':>7}  limit"]
    for s in shares:
        flag = "ok" if s.within_limit else "OVER THE LIMIT"
        lines.append(f"{s.source_id:28} {s.covered:6} of {s.words:6} {s.share:7.1%}  {s.limit:.0%} {flag}")
    return "\n".join(lines)
