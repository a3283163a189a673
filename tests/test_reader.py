"""The reader's pages from the data: every cross-system lesson on the recommendations page,
grouped by the report's parts and by whom it addresses; the explore and compare tables
escape every data value; counts in words; CITATION.cff states no count from the data."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from ics_evidence.analysis import compare, explore, profile, recommendations, stated
from ics_evidence.data.load import load_package
from ics_evidence.manifest import Manifest
from tests.helpers import DATA_DIR, PROJECT

PAYLOAD = '<img src=x onerror="alert(1)"> {{ 6*7 }} `{raw}` </script>'


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return load_package(DATA_DIR)


def test_counts_are_written_in_words_up_to_twenty():
    assert [stated.number_word(n) for n in (0, 1, 8, 9, 20, 21, 1200)] == [
        "no", "one", "eight", "nine", "twenty", "21", "1,200"
    ]  # fmt: skip


def test_every_cross_system_lesson_falls_in_exactly_one_group(tables):
    cross = recommendations.cross_system_lessons(tables["lessons"])
    assert len(cross) and cross["system_id"].isna().all()
    groups = recommendations.lesson_groups(cross)
    ids = [i for frame in groups.values() for i in frame["lesson_id"]]
    assert sorted(ids) == sorted(cross["lesson_id"]) and len(ids) == len(set(ids))
    assert len(groups["key-points"]) and len(groups["where-next"])


def test_a_lesson_from_an_unknown_section_is_still_shown():
    cross = pd.DataFrame({"lesson_id": ["a", "b"], "section": ["Key points", "A section added later"]})
    groups = recommendations.lesson_groups(cross)
    assert list(groups["elsewhere"]["lesson_id"]) == ["b"]


def test_priorities_come_in_the_report_s_order_then_the_framing():
    where = pd.DataFrame({
        "lesson_id": ["x", "y", "z", "w"],
        "section": ["Where next? > 2. Second", "Where next?", "Where next? > 1. First", "Where next? > 10. Tenth"],
    })  # fmt: skip
    headings = [h for h, _ in recommendations.priorities(where)]
    assert headings == ["1. First", "2. Second", "10. Tenth", "Framing the priorities"]


def test_every_recommendation_is_listed_under_whom_it_addresses_or_as_unnamed(tables):
    cross = recommendations.cross_system_lessons(tables["lessons"])
    groups = recommendations.by_audience(cross, tables["lesson_audiences"], tables["audiences"])
    listed = {i for _, frame in groups for i in frame["lesson_id"]}
    assert listed == set(cross.loc[cross["kind"] == "recommendation", "lesson_id"])
    labels = [label for label, _ in groups]
    assert labels[-1] == "No addressee named"
    assert "The Care Quality Commission" in labels
    # A system's leaders find theirs first; the one asked of the NHS Confederation alone is there.
    assert labels[0].startswith("Integrated care systems")
    confederation = dict(groups)["The NHS Confederation"]
    assert "cross-rec-high-trust-low-bureaucracy" in set(confederation["lesson_id"])


def test_the_addressees_list_opens_with_a_link_to_each_addressee_s_group(tables):
    cross = recommendations.cross_system_lessons(tables["lessons"])
    groups = recommendations.by_audience(cross, tables["lesson_audiences"], tables["audiences"])
    page = str(recommendations.audience_index_html(groups))
    index, _, body = page.partition("</p>")
    links = re.findall(r'<a href="#(ics-addressee-\d+)">([^<]+)</a>', index)
    headings = re.findall(r'<h3 id="(ics-addressee-\d+)">([^<]+)</h3>', body)
    assert links == headings and [html.unescape(label) for _, label in headings] == [label for label, _ in groups]


def test_addressees_are_given_only_for_cross_system_recommendations(tables):
    lessons = tables["lessons"].set_index("lesson_id")
    linked = lessons.loc[tables["lesson_audiences"]["lesson_id"]]
    assert len(linked) and linked["system_id"].isna().all()
    assert (linked["kind"] == "recommendation").all()


def test_the_recommendations_page_renders_every_cross_system_lesson_with_evidence(tables):
    context = recommendations.recommendation_context(tables)
    groups = recommendations.lesson_groups(context["cross"])
    page = "".join(recommendations.lesson_list_html(rows, context) for rows in groups.values())
    rendered = set(re.findall(r'<article class="ics-lesson" id="lesson-([a-z0-9-]+)"', page))
    assert rendered == set(context["cross"]["lesson_id"])
    assert page.count("<details><summary>Evidence</summary>") == len(context["cross"])
    assert 'href="systems/' in page  # at least one lesson is borne out by a system's own data


def test_bearing_links_only_systems_coding_the_theme_central_or_reporting_it(tables):
    context = recommendations.recommendation_context(tables)
    coding, lessons = tables["theme_coding"], tables["lessons"]
    for row in context["cross"].itertuples(index=False):
        bearing = context["bearings"][row.lesson_id]
        for system_id in bearing.central:
            assert ((coding["system_id"] == system_id) & (coding["theme_id"] == row.theme_id)
                    & (coding["strength"] == 2)).any()  # fmt: skip
        for system_id in bearing.own_lessons:
            assert ((lessons["system_id"] == system_id) & (lessons["theme_id"] == row.theme_id)).any()


def poisoned(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    tables = {name: frame.copy() for name, frame in tables.items()}
    tables["systems"].loc[0, "name"] = PAYLOAD
    tables["lessons"]["summary"] = PAYLOAD
    tables["lessons"]["quote"] = PAYLOAD
    tables["improvement_examples"]["title"] = PAYLOAD
    tables["themes"]["label"] = PAYLOAD
    tables["audiences"]["label"] = PAYLOAD
    tables["methods"]["name"] = PAYLOAD
    tables["partners"]["name"] = PAYLOAD
    tables["results"]["description"] = PAYLOAD
    return tables


def test_data_text_reaches_the_reader_s_pages_only_escaped(tables):
    bad = poisoned(tables)
    context = recommendations.recommendation_context(bad)
    groups = recommendations.lesson_groups(context["cross"])
    audiences = recommendations.by_audience(context["cross"], bad["lesson_audiences"], bad["audiences"])
    pages = [
        "".join(recommendations.lesson_list_html(rows, context) for rows in groups.values()),
        recommendations.audience_index_html(audiences),
        compare.compare_html(bad),
        explore.grouped_listing_html(explore.explore_items(bad), "Explore", "ics-explore-plain"),
        explore.explore_table_html(explore.explore_items(bad), "Explore"),
    ]
    for page in pages:
        assert "<img" not in page and "</script> {{" not in page
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page  # markupsafe's entity for "


def test_ids_that_are_not_ids_are_refused(tables):
    bad = {name: frame.copy() for name, frame in tables.items()}
    bad["systems"].loc[0, "system_id"] = '../x" onclick="y'
    with pytest.raises(ValueError, match="not an id"):
        compare.compare_html(bad)


def test_explore_lists_every_example_and_lesson_with_evidence_and_a_link(tables):
    items = explore.explore_items(tables)
    assert len(items) == len(tables["improvement_examples"]) + len(tables["lessons"]) > 0
    assert items["Item"].str.contains('<details class="ics-evidence"><summary>Evidence</summary>“').all()
    assert items["Item"].str.contains('See: <a href="').all()
    cross = items[items["System"] == explore.ACROSS]
    assert cross["Item"].str.contains('href="recommendations.html#lesson-').all()
    html = explore.explore_table_html(items, "Explore")
    assert "https://cdn" not in html and "connected" not in html.split("<script")[0]


def test_compare_has_a_column_per_system_and_a_chooser_that_keeps_the_choice(tables):
    ids, _header, rows = compare.compare_rows(tables)
    assert ids == list(tables["systems"]["system_id"])
    assert rows and all(len(row) == len(ids) + 1 for row in rows)
    page = compare.compare_html(tables)
    assert page.count('<option value="') == 2 * len(ids)
    assert 'method="get"' in page and 'name="a"' in page and 'name="b"' in page
    labels = [re.sub("<[^>]+>", "", row[0]) for row in rows]
    assert {"Population served", "Methods", "Results reported"} <= set(labels)


def _cells(tables, label: str) -> dict[str, str]:
    """The compare table's row ``label`` as visible text per system (tags dropped, titles too)."""
    ids, _header, rows = compare.compare_rows(tables)
    row = next(r for r in rows if re.sub("<[^>]+>", "", r[0]) == label)
    return {s: html.unescape(re.sub("<[^>]+>", " ", cell)) for s, cell in zip(ids, row[1:], strict=True)}


def test_compare_shows_every_result_and_target_with_its_value_as_stated(tables):
    from ics_evidence.analysis.stated import as_stated

    results = tables["results"]
    for kind, label in (("result", "Results reported"), ("target", "Targets")):
        cells = _cells(tables, label)
        for row in results[results["kind"] == kind].itertuples(index=False):
            figure = as_stated(row.value, row.unit, row.qualifier, row.low, row.high, row.quote)
            shown = f"{str(row.description).rstrip('. ')}: {figure}" if figure else str(row.description).rstrip(". ")
            assert figure or pd.isna(row.value), row.result_id  # only a result stated without a number has none
            assert shown in cells[row.system_id], row.result_id
    shown = " ".join(_cells(tables, "Results reported").values())
    assert "over 4,400 people" in shown and "around 2,000" in shown and ": halved" in shown


def test_compare_shows_each_budget_with_its_basis_in_the_cell(tables):
    from ics_evidence.analysis.figures import BASIS_LABELS

    label = tables["measures"].set_index("measure_id").loc["nhs_budget_gbp_bn", "label"]
    cells = _cells(tables, label)
    figures = tables["system_figures"]
    budgets = figures[(figures["measure_id"] == "nhs_budget_gbp_bn") & figures["is_reference"]]
    assert budgets["basis"].nunique() > 1  # the shipped data mix bases: the reason to say which
    for row in budgets.itertuples(index=False):
        assert f"({BASIS_LABELS[row.basis]})" in cells[row.system_id]


def test_reader_pages_are_placed_by_the_toc_not_listed_as_analyses():
    manifest = Manifest.read(PROJECT.manifest)
    own = {e.name for e in manifest.notebooks if e.toc == "own"}
    assert {"recommendations", "explore", "compare"} <= own
    assert not own & {e.name for e in manifest.chapters}
    toc = (PROJECT.root / "_toc.yml").read_text(encoding="utf-8")
    for name in ("book/recommendations", "book/explore", "book/compare"):
        assert f"- file: {name}\n" in toc
    # Reading order: the systems come before the cross-system chapters.
    assert toc.index("caption: The systems") < toc.index("chapters_from_manifest")


def test_citation_states_no_count_from_the_data():
    """CITATION.cff is a tracked file that no build writes (issue 17), so it must not state a
    count that a data edit would make false: the abstract describes the package, not its size."""
    import yaml

    cff = yaml.safe_load((PROJECT.root / "CITATION.cff").read_text(encoding="utf-8"))
    abstract = cff["abstract"]
    words = "|".join(stated.number_word(n) for n in range(2, 21))  # number_word writes digits above twenty
    count = re.compile(rf"\b({words}|\d+) (integrated care )?(systems|case studies|ICSs|documents)\b", re.I)
    assert not count.search(abstract), abstract


def test_narrative_pages_type_no_count_of_systems_or_sources():
    words = r"(three|four|five|six|seven|eight|nine|ten)"  # "two systems" is what compare shows
    typed = re.compile(
        rf"\b{words} (integrated care )?(systems|case studies|ICSs)\b|\b{words} (public |source )?documents\b", re.I
    )
    offenders = []
    texts = [*sorted((PROJECT.root / "book").glob("*.md")), *sorted((PROJECT.root / "notebooks").glob("*.md"))]
    for path in [*texts, PROJECT.root / "data" / "datapackage.json"]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if typed.search(line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []


def test_narrative_pages_type_no_fact_about_the_report():
    """The report's facts (its case studies, interviews, roundtables, date) come from
    report_facts.csv through glue, like every other number."""
    typed = re.compile(
        r"\b(around|about|some) (40|forty)\b|\b(40|forty) leaders\b|\b(six|6) in each\b"
        r"|\b(two|three|four|five|\d) roundtables\b|\b(about|around) (a|one) year\b|\bNovember 2023\b"
        r"|\ball but one published\b",
        re.I,
    )
    offenders = []
    for path in [*sorted((PROJECT.root / "book").glob("*.md")), *sorted((PROJECT.root / "notebooks").glob("*.md"))]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if typed.search(line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []


def test_a_profile_opens_with_figures_as_people_write_them_and_each_quote_once(tables):
    page = profile.at_a_glance_html(tables, "dorset")
    assert "£1.6 billion (NHS budget)" in page and "800,000 people" in page and "GBP" not in page
    quotes = re.findall(r"<li>“([^”]*)”", page)
    assert len(quotes) == len(set(quotes)) >= 2
    assert page.index("<dl") < page.index("<details")  # figures first, evidence collapsed after


def test_every_chart_can_be_downloaded_as_png_svg_and_the_csv_of_its_data(tmp_path):
    import altair as alt

    from ics_evidence.analysis import charts, figure_credit
    from ics_evidence.citation_file import Credit

    data = pd.DataFrame({"name": ["A", "=B"], "value": [1, 2]})
    spec = alt.Chart(data).mark_bar().encode(x="value", y="name").properties(description="Test chart").to_dict()
    names = charts.write_downloads(spec, data, tmp_path, "page--chart")
    assert (tmp_path / names["svg"]).read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert (tmp_path / names["png"]).read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / names["csv"]).read_text(encoding="utf-8") == "name,value\nA,1\n'=B,2\n"
    credit = Credit("Edition", "", "Ham (2023), The report", "CC BY 4.0")
    citation = figure_credit.figure_citation(credit, "1", "Test <chart>", "book/x.html", "figure-chart")
    tools = charts.downloads_html(names, "../../", "figure-chart", citation)
    assert f'href="../../_static/figures/{names["png"]}" download' in tools
    assert 'id="figure-chart"' in tools and 'href="#figure-chart"' in tools and "Test &lt;chart&gt;" in tools


@pytest.mark.slow
def test_a_ninth_system_changes_the_count_the_narrative_pastes(tmp_path, data_copy):
    import dataclasses

    import nbformat

    from ics_evidence.assemble.execute import execute
    from ics_evidence.assemble.jobs import load_jobs
    from ics_evidence.data.csvfiles import read_rows
    from tests.helpers import add_ninth_system

    add_ninth_system(data_copy)  # a system from its own document, as an analyst adds one
    _header, systems = read_rows(data_copy / "systems.csv")
    job = next(j for j in load_jobs(PROJECT, data_copy) if j.label == "recommendations")
    job = dataclasses.replace(job, output=tmp_path / "recommendations.ipynb")
    execute(job, {})
    glued = {}
    for cell in nbformat.read(job.output, as_version=4).cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                glued[name] = output["data"]["application/papermill.record/text/plain"]
    assert glued["systems-count"] == str(len(systems))
    assert glued["systems-count-word"] == repr(stated.number_word(len(systems)))
