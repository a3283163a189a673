"""The shipped data package is valid and complete."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from ics_evidence import load_package, validate_package
from ics_evidence.data.schema import read_package
from tests.helpers import DATA_DIR, NINTH_SYSTEM, PROJECT

from .conftest import requires_sources

# The report's own case studies (a contributor may add systems; these must all stay).
SYSTEMS = {
    "north-east-and-north-cumbria",
    "west-yorkshire",
    "lancashire-and-south-cumbria",
    "dorset",
    "gloucestershire",
    "cambridgeshire-and-peterborough",
    "thames-valley-and-surrey",
    "surrey-heartlands",
}
# The report and its companion documents (a contributor may add documents; these must stay).
DOCUMENTS = {"report-2023", "case-study-summary-2023", "blog-2023", "quality-case-studies-2021", "landing-page-2023"}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return load_package(DATA_DIR)


def test_every_problem_free(sources):
    assert [str(p) for p in validate_package(DATA_DIR, sources)] == []


@requires_sources
def test_quotations_were_checked_against_the_sources(tables, sources):
    # The check must actually run here, not be skipped for want of the texts: every document
    # sources.csv names is in the repository's sources/ folder or the external one.
    files = list(tables["sources"]["file"])
    assert files
    missing = [f for f in files if not (PROJECT.local_sources_dir / f).is_file() and not (sources / f).is_file()]
    assert missing == []


def test_the_reports_case_studies_are_all_present(tables):
    # A ninth system may be added; the report's own case studies must all stay.
    assert set(tables["systems"]["system_id"]) >= SYSTEMS


def test_every_system_on_every_dimension_and_theme(tables):
    dimensions = tables["system_dimensions"].groupby("system_id")["dimension_id"].nunique()
    themes = tables["theme_coding"].groupby("system_id")["theme_id"].nunique()
    every_system = set(tables["systems"]["system_id"])
    assert (dimensions == len(tables["dimensions"])).all() and set(dimensions.index) == every_system
    assert (themes == len(tables["themes"])).all() and set(themes.index) == every_system


def test_core_figures_for_every_system(tables):
    reference = tables["system_figures"].query("is_reference")
    has_population = set(reference.loc[reference["measure_id"] == "population", "system_id"])
    # Thames Valley and Surrey is a multi-system programme whose case study gives no population.
    assert SYSTEMS - {"thames-valley-and-surrey"} <= has_population


def test_west_yorkshire_population_records_both_sources(tables):
    figures = tables["system_figures"]
    wy = figures[(figures["system_id"] == "west-yorkshire") & (figures["measure_id"] == "population")]
    values = dict(zip(wy["source_id"], wy["value"], strict=True))
    assert values["report-2023"] == 2_400_000
    assert values["quality-case-studies-2021"] == 2_600_000
    assert wy.loc[wy["source_id"] == "report-2023", "is_reference"].item()


def test_examples_results_methods_partners_lessons_are_present(tables):
    for name in ("improvement_examples", "results", "system_methods", "system_partners", "lessons"):
        per_system = tables[name].dropna(subset=["system_id"]).groupby("system_id").size()
        assert set(per_system.index) >= SYSTEMS, name
    assert set(tables["results"]["kind"]) == {"result", "target", "scale", "context"}
    assert tables["lessons"]["system_id"].isna().sum() >= 10  # cross-system lessons


def test_exemplars_and_earlier_case_studies(tables):
    names = " ".join(tables["exemplars"]["name"])
    for exemplar in (
        "Veterans",
        "Canterbury",
        "Jönköping",
        "Healthcare Improvement Scotland",
        "Improving Adult Care Together",
    ):
        assert exemplar in names
    assert set(tables["earlier_case_studies"]["system_id"]) == {"surrey-heartlands", "west-yorkshire", "dorset"}


def test_every_source_document_is_described(tables):
    assert set(tables["sources"]["source_id"]) >= DOCUMENTS
    assert tables["sources"]["title"].notna().all() and tables["sources"]["description"].notna().all()


def test_no_email_addresses_anywhere():
    """Not in the data, the repository's own source documents or the ninth-system fixture."""
    pattern = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]")
    paths = [
        p for folder in (DATA_DIR, PROJECT.local_sources_dir, NINTH_SYSTEM) for p in folder.rglob("*") if p.is_file()
    ]
    assert any(p.suffix == ".csv" for p in paths) and any(p.suffix == ".txt" for p in paths)
    for path in paths:
        assert not pattern.search(path.read_text(encoding="utf-8")), path


def test_descriptor_is_a_valid_frictionless_package():
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.Package(str(DATA_DIR / "datapackage.json")).validate()
    errors = report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.valid, errors[:10]


def test_every_fact_table_declares_its_evidence():
    for resource in read_package(DATA_DIR).resources:
        if resource.role == "fact":
            assert resource.evidence, resource.name
