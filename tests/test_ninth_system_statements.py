"""With a ninth system from its own 2024 annual report (tests/fixtures/ninth_system), the data's
counts change and nothing said about the report does; its figures are not ranked or charted
against the report's 2023 figures without saying so (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ics_evidence import load_package
from ics_evidence.analysis import charts, compare, figures, profile, report, scale, statements
from tests.helpers import NINTH_SYSTEM_ID, ensure_ninth_system, remove_ninth_system

from .conftest import requires_sources

pytestmark = requires_sources


@pytest.fixture(scope="module")
def eight(tmp_path_factory, sources):
    """The data without the fixture system (the suite also runs on data that already hold it)."""
    import shutil

    from tests.helpers import DATA_DIR

    data = tmp_path_factory.mktemp("eight") / "data"
    shutil.copytree(DATA_DIR, data)
    remove_ninth_system(data)
    return load_package(data, sources=sources)


@pytest.fixture(scope="module")
def nine(tmp_path_factory, sources):
    import shutil

    from tests.helpers import DATA_DIR

    data = tmp_path_factory.mktemp("nine") / "data"
    shutil.copytree(DATA_DIR, data)
    ensure_ninth_system(data)
    return load_package(data, sources=sources)


def test_the_ninth_system_is_not_one_of_the_reports_case_studies(nine, eight):
    before, after = report.statements(eight), report.statements(nine)
    assert {name for name in before if before[name] != after[name]} == {"data-systems-origin", "sources-alongside"}
    assert after["report-case-studies-word"] == "eight"
    assert after["data-systems-origin"].startswith("Of the nine systems in this edition's data, eight are")
    assert after["sources-alongside"] == "four of them"  # of six: not the 2021 case studies nor the 2024 report
    system = nine["systems"].set_index("system_id").loc[NINTH_SYSTEM_ID]
    assert report.origin_of(system, nine["sources"]).endswith("(2024)")


def test_its_figures_are_compared_with_the_reports_only_where_the_page_says_so(nine, eight):
    assert figures.comparison_year(nine) == 2023
    assert figures.other_year(nine, ["population", "nhs_budget_gbp_bn"]) == {NINTH_SYSTEM_ID: 2024}
    _chart, shown = scale.ratio_chart(nine, "budget_per_head_gbp", "Per head", "per head", "Budget", "Population")
    name = nine["systems"].set_index("system_id").loc[NINTH_SYSTEM_ID, "name"]
    assert name not in set(shown["System"])  # left out of the chart ...
    assert scale.scale_summary(nine)["budget_other_year"] == f"{name} (figures from 2024, the others' from 2023)"

    def other_year(tables):
        return next(c.value for c in statements.scale(tables) if c.claim_id == "scale-budget-other-year")

    assert other_year(nine).endswith(f"another year: {name} (figures from 2024, the others' from 2023).")
    assert other_year(eight) == ""
    key = figures.key_figures(nine, NINTH_SYSTEM_ID).set_index("measure_id")
    rank = key.loc["nhs_budget_gbp_bn", "Rank among systems reporting it"]
    assert rank == "not ranked: its figure is from 2024, the others' from 2023"  # ... and from the ranks
    _chart, data = scale.population_figure(nine)
    assert data.set_index("System").loc[name, "As the source puts it"].endswith("(2024)")  # the bar says so


def test_the_others_ranks_do_not_count_it(nine, eight):
    for system_id in eight["systems"]["system_id"]:
        before = figures.key_figures(eight, system_id)["Rank among systems reporting it"]
        after = figures.key_figures(nine, system_id)["Rank among systems reporting it"]
        assert list(before.fillna("")) == list(after.fillna(""))


def test_both_population_charts_keep_every_label_whole_with_nine_systems(nine):
    from tests.test_population_labels import _svg, _texts

    charts.enable()
    for chart in (scale.population_figure(nine)[0], profile.population_figure(nine, NINTH_SYSTEM_ID)[0]):
        for spec in charts.split_narrow(chart.to_dict()):
            drawn = " ".join(_texts(_svg(spec)).split())
            assert "…" not in drawn and all(name in drawn for name in nine["systems"]["name"])


def test_labels_name_the_source_each_system_comes_from(nine):

    ids, _header, rows = compare.compare_rows(nine)
    origins = dict(zip(ids, next(row for row in rows if row[0] == "Evidence from")[1:], strict=True))
    title = nine["sources"].set_index("source_id").loc["wessex-vale-annual-report-2024", "title"]
    assert origins[NINTH_SYSTEM_ID] == f"{title} (2024)"
    assert origins["dorset"] == "one of the report&#39;s case studies"  # markupsafe's entity for '
    assert not any(row[0] == "Case study title" for row in rows)
    system = nine["systems"].set_index("system_id").loc[NINTH_SYSTEM_ID]
    assert report.origin_sentence(system, nine["sources"]) == (
        f"The system is not one of the report's case studies: its evidence comes from {title} (2024)."
    )


def visible_text(page: Path) -> str:
    """A built page's text as a reader sees it (scripts and styles out, white space collapsed)."""
    import html
    import re

    text = re.sub(r"<(script|style)\b.*?</\1>", " ", page.read_text(encoding="utf-8"), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def check_ninth_site(site: Path, data: Path) -> None:
    """Every sentence about the report in a book built with a ninth system from its own document
    still states the report's facts; every count of the data counts nine (called by the slow
    test that builds that book, tests/test_ninth_system.py)."""
    from ics_evidence.analysis.stated import number_word
    from ics_evidence.data.csvfiles import read_rows

    facts = {row["fact_id"]: row for row in read_rows(data / "report_facts.csv")[1]}
    report_word = number_word(int(float(facts["case-studies"]["value"])))
    systems = read_rows(data / "systems.csv")[1]
    ours = sum(row["evidence_origin"] == "report-case-study" for row in systems)
    data_word, sources = number_word(len(systems)), number_word(len(read_rows(data / "sources.csv")[1]))
    assert data_word != report_word
    pages = {name: visible_text(site / "book" / f"{name}.html") for name in
             ("index", "method", "lessons", "systems", "context", "system-summaries", "recommendations")}  # fmt: skip
    about_the_report = {
        "index": [f"The report's {report_word} case studies follow integrated care systems"],
        "method": [
            f"The report's {report_word} case studies were picked because informants",
            f"compares the report's {report_word} case studies",
            "around 40 leaders across its case studies, up to six in each",
            "with three roundtables adding further views",
            "statutory bodies for around one year",
        ],
        "lessons": [f"They rest on the report's {report_word} case studies"],
        "system-summaries": [f"each of the report's {report_word} case-study systems"],
        "recommendations": [f"drawn from its {report_word} case studies"],
    }
    about_the_data = {
        "method": [
            f"Of the {data_word} systems in this edition's data, {number_word(ours)} are the report's case studies",
            f"built from {sources} public documents",
        ],
        "systems": [f"each of the {data_word} systems in this edition's data"],
        "lessons": [f"What do the {data_word} systems in this edition's data"],
        "context": [f"how the {data_word} systems in this edition's data"],
    }
    for name, sentences in (*about_the_report.items(), *about_the_data.items()):
        for sentence in sentences:
            assert sentence in pages[name], f"{name}: {sentence!r} not found"
    for page in site.rglob("*.html"):
        text = visible_text(page)
        for wrong in (f"{data_word} case studies", f"report follows {data_word}", f"drawn from {data_word}"):
            assert wrong.casefold() not in text.casefold(), f"{page.name}: {wrong!r}"
