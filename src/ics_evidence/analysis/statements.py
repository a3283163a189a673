"""The statement layer: every computed value a page states, as a typed record.

A :class:`Claim` is one value a page shows in its prose (a count, a share, a name, a rank, an
"N of M", a whole clause that states a tie): its id (the glue key the pages paste it by), the
value, the text as the page shows it and the tables it is computed from. The functions here
compute each page's claims from the loaded tables; the notebooks glue exactly these (so no page
computes a number of its own), and the build writes all of them to ``claims.csv``, the claims
ledger, whose checked-in snapshot a test compares with the data.

A numerator and its denominator count the same set: counts of integrated care systems are
"of the N integrated care systems" (the peers, :func:`peer_ids`), never of all the
case studies, and a superlative names every item that ties for it.

Why one module of about 500 lines: it is the one place every stated value is computed
(CONTRIBUTING, *the claims ledger*), one short function per page and :data:`PAGES`, which the
ledger and the page checks read; the pages share its wording (:func:`listed`, :func:`of_ics`,
:func:`most_used`) so that a tie or a count reads the same on every page. Split by chapter, the
claims would move into the chapter modules (and ``themes.py`` over 400 lines itself) or into
nine small modules, and a reviewer would no longer read every sentence's numbers in one file.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ics_evidence.analysis.codebook import most_frequent
from ics_evidence.analysis.figures import figure_text, key_figures, peer_ids, result_text
from ics_evidence.analysis.stated import counted, number_word


@dataclass(frozen=True)
class Claim:
    """One computed statement: ``claim_id`` is its glue key, ``value`` what is glued (int, float
    or str), ``tables`` the data tables it is computed from."""

    claim_id: str
    value: int | float | str | None
    tables: tuple[str, ...]
    shown: str | None = None  # the text a table shows, where it is not the value itself

    def text(self, spec: str = "") -> str:
        """The value as a page shows it with the glue format ``spec`` (``.0f``, ``.0%``, ``s``)."""
        if self.shown is not None:
            return self.shown
        if spec:
            return format(self.value, spec)
        return str(self.value)


def listed(items: list[str], *, quoted: bool = False) -> str:
    """'A', 'A and B', 'A, B and C'; each item in quotation marks when ``quoted`` (labels that
    themselves contain "and")."""
    items = [f"“{x}”" if quoted else str(x) for x in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def of_ics(n: int, total: int) -> str:
    """'5 of the 7 integrated care systems'; 'all 7 …' (or 'both …') when n is every one."""
    if n == total == 2:
        return "both integrated care systems"
    if n == total and total > 2:
        return f"all {total} integrated care systems"
    return f"{n} of the {total} integrated care systems"


# --- Themes (notebooks/themes.md; pasted on the front page and the lessons page) ------------

THEME_TABLES = ("systems", "themes", "theme_coding")


def most_shared_themes(tables: dict[str, pd.DataFrame]) -> str:
    """Which themes are the most widely shared, ties stated, as a clause that completes "Of the
    14 themes the project coded, …". Prevalence counts the integrated care systems only.

    One theme on top: "*A* is the most widely shared, present in 6 of the 7 integrated care
    systems". Several present in every system: "eight are present in all 7 integrated care
    systems; the most often central (in 5 of them) are A, B and C". Several tied below every
    system: "three tie as the most widely shared, each present in 6 of the 7 …".
    """
    from ics_evidence.analysis import themes as chapter

    prevalence = chapter.theme_prevalence(tables)
    total = len(peer_ids(tables))
    if prevalence.empty or total == 0:
        return "none is coded in any integrated care system"
    top = int(prevalence["systems_present"].max())
    if top == 0:
        return f"none is present in any of the {total} integrated care systems"
    tied = prevalence[prevalence["systems_present"] == top]
    if len(tied) == 1:
        row = tied.iloc[0]
        return (
            f"“{row['label']}” is the most widely shared, present in {of_ics(top, total)} "
            f"and central in {int(row['systems_central'])}"
        )
    central = int(tied["systems_central"].max())
    leaders = list(tied.loc[tied["systems_central"] == central, "label"])
    count = number_word(len(tied))
    where = (
        f"are present in {of_ics(top, total)}"
        if top == total
        else f"tie as the most widely shared, each present in {of_ics(top, total)}"
    )
    if central == 0:
        return f"{count} {where}"
    verb = "is" if len(leaders) == 1 else "are"
    among = "the most often central" if len(leaders) < len(tied) else "all central"
    return f"{count} {where}; among them {among} (in {central} of the {total}) {verb} {listed(leaders, quoted=True)}"


def themes(tables: dict[str, pd.DataFrame]) -> list[Claim]:
    """The themes chapter's counts and superlatives."""
    from ics_evidence.analysis import themes as chapter

    codes = chapter.code_counts(tables)
    ranked = chapter.ranked_prevalence(tables)
    everywhere, central_everywhere = chapter.shared_everywhere(tables)
    bottom = ranked.iloc[-1] if len(ranked) else None
    least = ranked[ranked["systems_present"] == ranked["systems_present"].min()] if len(ranked) else ranked
    t = THEME_TABLES
    return [
        Claim("themes-systems", len(tables["systems"]), ("systems",)),
        Claim("themes-peers", len(peer_ids(tables)), ("systems",)),
        Claim("themes-programmes", chapter.programme_names(tables), ("systems",)),
        Claim("themes-count", len(tables["themes"]), ("themes",)),
        Claim("themes-cells-central", codes[2], t),
        Claim("themes-cells-present", codes[1], t),
        Claim("themes-cells-not-evident", codes[0], t),
        Claim("themes-cells-indirect", chapter.indirect_cells(tables), t),
        Claim(
            "themes-cells-indirect-counted", counted(chapter.indirect_cells(tables), "cell", verb=("rests", "rest")), t
        ),
        Claim("themes-most-shared", most_shared_themes(tables), t),
        Claim(
            "themes-least-prevalent-label",
            listed(list(least["label"]), quoted=len(least) > 1) if len(least) else "none",
            t,
        ),
        Claim("themes-least-prevalent-systems", 0 if bottom is None else int(bottom["systems_present"]), t),
        Claim("themes-present-everywhere-count", len(everywhere), t),
        Claim("themes-central-everywhere-count", len(central_everywhere), t),
        Claim("themes-central-everywhere-labels", "; ".join(central_everywhere["label"]) or "none", t),
        *(
            Claim(name, number, t)
            for name, number in chapter.similarity_values(chapter.similarity_pairs(tables)).items()
        ),
    ]


# --- Scale and structure (notebooks/scale_and_structure.md) ---------------------------------

SCALE_TABLES = ("systems", "measures", "system_figures")


def scale(tables: dict[str, pd.DataFrame]) -> list[Claim]:
    """The scale chapter's counts, extremes and per-head budget (integrated care systems only)."""
    from ics_evidence.analysis import scale as chapter

    summary = chapter.scale_summary(tables)
    programmes = chapter.multi_system_programmes(tables)
    t = SCALE_TABLES
    keys = (
        ("scale-case-studies", "case_studies"), ("scale-systems", "systems"), ("scale-programmes", "programmes"),
        ("scale-population-reported", "population_reported"), ("scale-population-hedged", "population_hedged"),
        ("scale-total-population", "total_population"), ("scale-largest-name", "largest_name"),
        ("scale-largest-population", "largest_population"), ("scale-smallest-name", "smallest_name"),
        ("scale-smallest-population", "smallest_population"), ("scale-largest-as-stated", "largest_as_stated"),
        ("scale-smallest-as-stated", "smallest_as_stated"),
        ("scale-budget-per-head-reported", "budget_per_head_reported"),
        ("scale-median-budget-per-head", "median_budget_per_head"), ("scale-budget-basis", "budget_per_head_basis"),
        ("scale-budget-left-out-count", "budget_left_out_count"),
    )  # fmt: skip
    out = [Claim(key, summary[field], t) for key, field in keys]
    out.append(Claim("scale-programmes-counted", counted(summary["programmes"], "multi-system programme"), t))
    out.append(Claim("scale-programme-names", "; ".join(programmes["name"]) or "none", ("systems", "system_figures")))
    out.append(Claim("scale-budget-left-out", summary["budget_left_out"] or "none", t))
    # A sentence of its own, or nothing when every figure comes from the report's year.
    other = summary["budget_other_year"]
    sentence = f" Left out because their figures come from a document of another year: {other}." if other else ""
    out.append(Claim("scale-budget-other-year", sentence, (*t, "sources")))
    return out


# --- Results and targets (notebooks/results_and_targets.md) ----------------------------------

RESULT_TABLES = ("systems", "results")


def results(tables: dict[str, pd.DataFrame]) -> list[Claim]:
    """How many quantified figures of each kind, for how many systems, in how many units."""
    from ics_evidence.analysis import results as chapter

    counts = chapter.result_counts(tables)
    by_kind = counts.groupby("kind", sort=False)["count"].sum()
    shown = chapter.results_with_examples(tables)
    t = RESULT_TABLES
    linked = ("systems", "results", "improvement_examples")
    return [
        *(Claim(f"results-count-{kind}", int(by_kind[kind]), t) for kind in by_kind.index),
        Claim("results-count-total", int(by_kind.sum()), t),
        Claim("results-systems", len(tables["systems"]), ("systems",)),
        Claim("results-systems-with-figures", int(counts.loc[counts["count"] > 0, "system_id"].nunique()), t),
        Claim("results-linked-to-examples", int(shown["example_title"].notna().sum()), linked),
        Claim("results-units", int(shown["unit"].nunique()), t),
        Claim("results-without-number", int(shown["value"].isna().sum()), t),
        Claim(
            "results-result-linked", int(shown.loc[shown["kind"] == "result", "example_title"].notna().sum()), linked
        ),
    ]


# --- Methods and legacies (notebooks/methods_and_legacies.md) --------------------------------


def methods(tables: dict[str, pd.DataFrame]) -> list[Claim]:
    """How many methods the systems name, how widely each is shared, the most used (ties named)."""
    from ics_evidence.analysis import methods as chapter

    usage = chapter.method_usage(tables)
    links = chapter.system_method_links(tables)
    top, top_systems = most_frequent(usage, "name", "systems")
    t = ("systems", "methods", "system_methods")
    return [
        Claim("methods-codebook", len(usage), ("methods",)),
        Claim("methods-distinct", int((usage["systems"] > 0).sum()), t),
        Claim("methods-used-by-one", int((usage["systems"] == 1).sum()), t),
        Claim("methods-shared", int((usage["systems"] >= 2).sum()), t),
        Claim("methods-top-method", top, t),
        Claim("methods-top-method-systems", top_systems, t),
        Claim("methods-most-used", most_used(usage, "name", "systems", len(tables["systems"])), t),
        Claim("methods-links", len(links), t),
        Claim("methods-systems", len(tables["systems"]), ("systems",)),
        Claim("methods-systems-with-methods", int(links["system_id"].nunique()), t),
        Claim("methods-kinds", len(chapter.methods_by_kind(tables)), ("methods",)),
    ]


def most_used(frame: pd.DataFrame, label: str, count: str, total: int, *, alone: bool = False) -> str:
    """Which item(s) the most systems name, ties stated, counted of all ``total`` systems in the
    data: "the most widely used, “A”, appears in 5 of the 8 systems" / "the most widely used, each
    in 5 of the 8 systems, are “A” and “B”"; with ``alone`` (a partner): "“A” alone supports 5 of
    the 8 systems" / "“A” and “B” each support 5 of the 8 systems"."""
    top = int(frame[count].max()) if len(frame) else 0
    if top == 0:
        return f"none is named by any of the {total} systems"
    names = [str(x) for x in frame.loc[frame[count] == top, label]]
    of = f"{top} of the {total} systems"
    if alone:
        return (
            f"“{names[0]}” alone supports {of}"
            if len(names) == 1
            else f"{listed(names, quoted=True)} each support {of}"
        )
    if len(names) == 1:
        return f"the most widely used, “{names[0]}”, appears in {of}"
    return f"the most widely used, each in {of}, are {listed(names, quoted=True)}"


# --- Improvement work (notebooks/improvement_work.md) ----------------------------------------


def improvement(tables: dict[str, pd.DataFrame]) -> list[Claim]:
    """Examples by level, the place-and-neighbourhood share, the busiest level and theme (ties
    named), care areas and the methods the examples name."""
    from ics_evidence.analysis import improvement as chapter

    examples = tables["improvement_examples"]
    total = len(examples)
    per_level = chapter.examples_per_level(tables)
    local = int(per_level.get("place", 0) + per_level.get("neighbourhood", 0))
    t = ("systems", "improvement_examples")
    out = [
        Claim("improvement-examples-total", total, ("improvement_examples",)),
        *(Claim(f"improvement-examples-{level}", int(per_level[level]), ("improvement_examples",))
          for level in chapter.example_levels(tables)),
        Claim("improvement-examples-place-neighbourhood", local, ("improvement_examples",)),
        Claim("improvement-share-place-neighbourhood", local / total if total else float("nan"),
              ("improvement_examples",)),
        Claim("improvement-systems-count", len(tables["systems"]), ("systems",)),
        Claim("improvement-systems-with-examples", int(examples["system_id"].nunique()), t),
    ]  # fmt: skip
    grid = chapter.level_theme_grid(tables)
    themed = ("improvement_examples", "example_themes", "themes")
    busiest = grid[grid["examples"] == grid["examples"].max()] if len(grid) else grid
    combos = [f"“{r.label}” at the level of {str(r.level_label).lower()}" for r in busiest.itertuples()]
    most = int(grid["examples"].max()) if len(grid) else 0
    if len(combos) == 1:
        top_combination = f"the most frequent combination of level and theme is {combos[0]}, with {most} examples"
    elif combos:
        top_combination = (
            f"{number_word(len(combos))} combinations of level and theme tie as the most frequent, "
            f"with {most} examples each: {listed(combos)}"
        )
    else:
        top_combination = "no example is linked to a theme"
    out += [
        Claim("improvement-top-level-theme", top_combination, themed),
        Claim("improvement-theme-links", int(grid["examples"].sum()), themed),
    ]  # fmt: skip
    care = ("systems", "care_areas", "system_care_areas", "example_care_areas")
    counts = chapter.care_area_counts(tables)
    peers = len(peer_ids(tables))
    top = counts[counts["examples"] == counts["examples"].max()] if len(counts) else counts
    without_work = int((counts["systems_with_work"] == 0).sum())
    out += [
        Claim("care-peers", peers, ("systems",)),
        Claim("care-areas-count", len(counts), ("care_areas",)),
        Claim("care-links", int(counts["examples"].sum()), care),
        Claim("care-top", _most("area", [f"“{r.label}” ({r.examples} examples, in {of_ics(r.systems_with_work, peers)})"
                                         for r in top.itertuples()]), care),
        Claim("care-areas-without-work", without_work, care),
        Claim("care-areas-without-work-counted", counted(without_work, "area", verb=("is", "are")), care),
    ]  # fmt: skip
    methods = chapter.named_methods(tables)
    with_method = int(examples["method_id"].notna().sum())
    named = ("systems", "improvement_examples", "methods")
    most = int(methods["examples"].max()) if len(methods) else 0
    leaders = methods[methods["examples"] == most] if len(methods) else methods
    out += [
        Claim("improvement-examples-with-method", with_method, ("improvement_examples",)),
        Claim("improvement-examples-without-method", total - with_method, ("improvement_examples",)),
        Claim("improvement-methods-named", len(methods), named),
        Claim("improvement-top-method", _most("method", [f"“{r.name}” ({r.examples} examples from {r.systems} systems)"
                                                         for r in leaders.itertuples()]), named),
    ]  # fmt: skip
    return out


def _most(kind: str, leaders: list[str]) -> str:
    """'the area with the most examples is A (…)'; 'two areas tie for the most examples: A (…) and B (…)'."""
    if not leaders:
        return f"no {kind} has an example"
    if len(leaders) == 1:
        return f"the {kind} with the most examples is {leaders[0]}"
    return f"{number_word(len(leaders))} {kind}s tie for the most examples: {listed(leaders)}"


# --- External help (notebooks/external_help.md) ----------------------------------------------


def external_help(tables: dict[str, pd.DataFrame]) -> list[Claim]:
    """Partners, their reach (the widest, ties named) and the exemplars."""
    from ics_evidence.analysis import external_help as chapter

    reach = chapter.partner_reach(tables)
    kinds = chapter.partners_by_kind(tables)
    exemplars = tables["exemplars"]
    links = chapter.system_links(tables)
    top, top_systems = most_frequent(reach, "name", "systems")
    abroad = reach[(reach["kind"] == "international-exemplar") & (reach["systems"] > 0)]
    t = ("systems", "partners", "system_partners")
    e = ("exemplars",)
    return [
        Claim("external-help-partners", len(reach), ("partners",)),
        Claim("external-help-partners-linked", int((reach["systems"] > 0).sum()), t),
        Claim("external-help-partners-one-system", int((reach["systems"] == 1).sum()), t),
        Claim("external-help-links", len(links), t),
        Claim("external-help-systems", len(tables["systems"]), ("systems",)),
        Claim("external-help-systems-with-partners", int(links["system_id"].nunique()), t),
        Claim("external-help-partner-kinds", len(kinds), ("partners",)),
        Claim("external-help-top-partner", top, t),
        Claim("external-help-top-partner-systems", top_systems, t),
        Claim(
            "external-help-most-supportive", most_used(reach, "name", "systems", len(tables["systems"]), alone=True), t
        ),
        Claim("external-help-international-partners", len(abroad), t),
        Claim("external-help-exemplars", len(exemplars), e),
        Claim("external-help-international-exemplars", int((exemplars["kind"] == "international").sum()), e),
        Claim("external-help-other-sector-exemplars", int((exemplars["kind"] == "other-sector").sum()), e),
        Claim("external-help-exemplar-figures", len(tables["exemplar_figures"]), ("exemplar_figures",)),
    ]


# --- Earlier case studies (notebooks/earlier_case_studies.md) --------------------------------


def earlier(tables: dict[str, pd.DataFrame]) -> list[Claim]:
    """The earlier document's case studies and items, and how its figures differ from the reference."""
    from ics_evidence.analysis import earlier as chapter

    figures = chapter.earlier_figures(tables)
    inconsistencies = chapter.inconsistencies_with_sources(tables)
    involves = chapter.involves_earlier(tables, inconsistencies)
    cases = ("earlier_case_studies", "earlier_case_study_items", "sources")
    compared = ("systems", "measures", "system_figures", "sources")
    register = ("inconsistencies", "sources")
    return [
        Claim("earlier-case-studies-earlier-year", chapter.earlier_year(tables), cases),
        Claim("earlier-case-studies-reference-year", chapter.reference_year(tables), ("sources",)),
        Claim("earlier-case-studies-cases", len(chapter.cases(tables)), cases),
        Claim("earlier-case-studies-items", len(tables["earlier_case_study_items"]), cases),
        Claim("earlier-case-studies-earlier-figures", len(figures), compared),
        Claim("earlier-case-studies-differing-figures", len(chapter.source_differences(tables)), compared),
        Claim("earlier-case-studies-differing-figures-earlier", int(figures["differs"].fillna(False).sum()), compared),
        Claim("earlier-case-studies-earlier-figures-no-reference", int(figures["differs"].isna().sum()), compared),
        Claim("earlier-case-studies-inconsistencies", len(inconsistencies), register),
        Claim("earlier-case-studies-inconsistencies-earlier", int(involves.sum()), register),
    ]


# --- Explore (notebooks/explore.md) ----------------------------------------------------------


def explore(tables: dict[str, pd.DataFrame]) -> list[Claim]:
    """How many items the explore table lists, and of which kinds."""
    examples, lessons = len(tables["improvement_examples"]), len(tables["lessons"])
    return [
        Claim("explore-items", examples + lessons, ("improvement_examples", "lessons")),
        Claim("explore-examples", examples, ("improvement_examples",)),
        Claim("explore-lessons", lessons, ("lessons",)),
    ]


# --- Recommendations (notebooks/recommendations.md; its counts are pasted across the book) ---


def recommendations(tables: dict[str, pd.DataFrame]) -> list[Claim]:
    """The cross-system conclusions counted, the counts of systems and sources every page's
    running text uses, and the sentences about the report (:func:`report.statements`, from
    ``report_facts``)."""
    from ics_evidence.analysis import recommendations as page
    from ics_evidence.analysis import report

    cross = page.recommendation_context(tables)["cross"]
    groups = page.lesson_groups(cross)
    systems = len(tables["systems"])
    lessons = ("lessons",)
    priorities = sum(1 for heading, _ in page.priorities(groups["where-next"]) if heading[0].isdigit())
    return [
        Claim("recommends-cross-count", len(cross), lessons),
        Claim("recommends-recommendations", int((cross["kind"] == "recommendation").sum()), lessons),
        Claim("recommends-key-points", len(groups["key-points"]), lessons),
        Claim("recommends-priorities", priorities, lessons),
        # The count of systems in this edition's data, in figures and in words.
        Claim("systems-count", systems, ("systems",)),
        Claim("systems-count-word", number_word(systems), ("systems",)),
        Claim("systems-count-word-capital", number_word(systems).capitalize(), ("systems",)),
        Claim("sources-count-word", number_word(len(tables["sources"])), ("sources",)),
        # Facts about the report itself, never counted from the data.
        *(
            Claim(name, fact, ("report_facts", "systems", "sources"))
            for name, fact in report.statements(tables).items()
        ),
    ]


# --- Values shown in tables: the system pages' ranks and the compare page ---------------------

FIGURE_TABLES = ("systems", "measures", "system_figures")


def shown_in_tables(tables: dict[str, pd.DataFrame]) -> list[tuple[str, Claim]]:
    """(page, claim) for every computed value a table shows: each system page's key figures as
    the source states them and their ranks, and the compare page's figures and results."""
    from ics_evidence.analysis import compare as compare_page

    out: list[tuple[str, Claim]] = []
    for system_id in tables["systems"]["system_id"]:
        figures = key_figures(tables, system_id)
        for row in figures.itertuples(index=False):
            stated, rank = row[figures.columns.get_loc("As the source puts it")], row[
                figures.columns.get_loc("Rank among systems reporting it")]  # fmt: skip
            if not pd.isna(stated):
                value = row[figures.columns.get_loc("Value")]
                out.append((f"systems/{system_id}", Claim(f"figure:{row.measure_id}", float(value), FIGURE_TABLES,
                                                          str(stated))))  # fmt: skip
            if not pd.isna(rank):
                out.append((f"systems/{system_id}", Claim(f"rank:{row.measure_id}", str(rank), FIGURE_TABLES)))
    figures = tables["system_figures"]
    figures = figures[figures["is_reference"].fillna(False).astype(bool)]
    units = tables["measures"].set_index("measure_id")["unit"]
    for row in figures[figures["measure_id"].isin(compare_page.COMPARE_MEASURES)].itertuples(index=False):
        shown = figure_text(row, units.get(row.measure_id))
        out.append(("compare", Claim(f"{row.system_id}:{row.measure_id}", float(row.value), FIGURE_TABLES, shown)))
    results = tables["results"]
    for row in results[results["kind"].isin(["result", "target"])].itertuples(index=False):
        value = "" if pd.isna(row.value) else float(row.value)
        out.append(("compare", Claim(f"{row.system_id}:{row.result_id}", value, ("results",), result_text(row))))
    return out


# The page functions, by the notebook's name in notebooks/pipeline.yml.
PAGES = {
    "scale-and-structure": scale,
    "methods-and-legacies": methods,
    "themes": themes,
    "improvement-work": improvement,
    "results-and-targets": results,
    "external-help": external_help,
    "earlier-case-studies": earlier,
    "explore": explore,
    "recommendations": recommendations,
}
