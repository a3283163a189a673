"""Codebook words and counts the chapters and pages share: the labels of improvement levels,
partner kinds and lesson kinds, and how many systems use each codebook entry."""

from __future__ import annotations

import pandas as pd

# The levels improvement examples work at, from the widest footprint to the most local, with
# the plain-English label charts and tables use.
EXAMPLE_LEVELS = {
    "multi-system": "Several systems together",
    "system": "Whole system",
    "provider-collaborative": "Provider collaborative",
    "place": "Place",
    "neighbourhood": "Neighbourhood",
}


# Plain-English names for the partner kinds of partners.csv; an unlisted kind falls back to its id.
PARTNER_KIND_LABELS = {
    "national-expert": "National improvement expert",
    "ahsn": "Academic health science network",
    "university": "University",
    "consultancy": "Consultancy",
    "international-exemplar": "International exemplar",
    "national-body": "National body",
    "charity-funder": "Charity or funder",
    "network": "Network",
    "think-tank": "Think tank",
    "local-body": "Local body",
    "other": "Other",
}


def label_for_kind(kind) -> str:
    """A codebook kind as words: the partner-kind label where there is one, else the id de-hyphenated."""
    if kind is None or pd.isna(kind):
        return ""
    kind = str(kind)
    return PARTNER_KIND_LABELS.get(kind, kind.replace("-", " ").capitalize())


def names_in_system_order(tables: dict[str, pd.DataFrame], links: pd.DataFrame, key: str) -> pd.Series:
    """For each value of ``key`` in ``links``, the names of its systems in systems.csv order, joined."""
    systems = tables["systems"][["system_id", "name"]].reset_index(drop=True)
    order = {system_id: i for i, system_id in enumerate(systems["system_id"])}
    named = links[[key, "system_id"]].drop_duplicates().merge(systems, on="system_id")
    named = named.assign(order=named["system_id"].map(order)).sort_values([key, "order"])
    return named.groupby(key)["name"].agg(lambda names: "; ".join(names))


def most_frequent(frame: pd.DataFrame, label: str, count: str) -> tuple[str, int]:
    """The label(s) with the largest count, joined with 'and' when tied, and that count; ('', 0) if none."""
    if frame.empty or frame[count].max() == 0 or pd.isna(frame[count].max()):
        return "", 0
    top = int(frame[count].max())
    labels = [str(x) for x in frame.loc[frame[count] == top, label]]
    joined = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    return joined, top


def codebook_reach(tables: dict[str, pd.DataFrame], codebook: str, links_table: str, key: str) -> pd.DataFrame:
    """Every codebook entry with how many systems link to it and which (widest reach first).

    Entries no system uses stay in, with 0 systems; ties keep codebook order.
    """
    entries = tables[codebook][[key, "name", "kind", "description"]].reset_index(drop=True)
    links = tables[links_table]
    links = links[links["system_id"].isin(set(tables["systems"]["system_id"]))]
    counts = links.groupby(key)["system_id"].nunique()
    out = entries.assign(
        systems=entries[key].map(counts).fillna(0).astype(int),
        system_names=entries[key].map(names_in_system_order(tables, links, key)),
        codebook_order=range(len(entries)),
    )
    out = out.sort_values(["systems", "codebook_order"], ascending=[False, True])
    return out.drop(columns="codebook_order").reset_index(drop=True)


KIND_LABELS = {"lesson": "Lesson", "barrier": "Barrier", "enabler": "Enabler", "recommendation": "Recommendation"}
