"""Notebooks get typed pandas frames, one per table, matching the schema."""

from __future__ import annotations

import pandas as pd
import pytest

from ics_evidence import load_package, load_table
from ics_evidence.data.schema import read_package
from tests.helpers import DATA_DIR

EXPECTED_DTYPES = {
    "string": pd.StringDtype(),
    "integer": pd.Int64Dtype(),
    "year": pd.Int64Dtype(),
    "number": pd.Float64Dtype(),
    "boolean": pd.BooleanDtype(),
}


@pytest.fixture(scope="module")
def tables():
    return load_package(DATA_DIR)


def test_one_frame_per_resource_with_schema_columns(tables):
    package = read_package(DATA_DIR)
    assert list(tables) == [r.name for r in package.resources]
    for resource in package.resources:
        assert list(tables[resource.name].columns) == resource.field_names


def test_columns_carry_the_schema_types(tables):
    for resource in read_package(DATA_DIR).resources:
        frame = tables[resource.name]
        for field in resource.fields:
            if field.type == "date":
                assert pd.api.types.is_datetime64_any_dtype(frame[field.name])
            else:
                assert frame[field.name].dtype == EXPECTED_DTYPES[field.type], (resource.name, field.name)


def test_empty_cells_are_missing_not_empty_strings(tables):
    lessons = tables["lessons"]
    assert lessons["system_id"].isna().any()
    assert not (lessons["system_id"] == "").any()


def test_numbers_are_the_values_written_in_the_csv(tables):
    from ics_evidence.data.csvfiles import read_rows

    _, rows = read_rows(DATA_DIR / "system_figures.csv")
    figures = tables["system_figures"]
    assert figures["value"].dtype == pd.Float64Dtype()
    assert figures["value"].tolist() == [float(row["value"]) if row["value"] else pd.NA for row in rows]
    assert figures.query("measure_id == 'population' and is_reference")["value"].min() > 100_000


def test_load_table_returns_one_table():
    from ics_evidence.data.csvfiles import read_rows

    systems = load_table("systems", DATA_DIR)
    assert systems["system_id"].tolist() == [row["system_id"] for row in read_rows(DATA_DIR / "systems.csv")[1]]
