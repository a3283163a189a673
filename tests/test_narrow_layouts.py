"""Phone layouts: every chart too wide for a phone carries a narrow layout that fits the phone's
chart column unscaled, shows the systems in the same order and colours, and is embedded as inert
as the wide one."""

from __future__ import annotations

import json
import re
import shutil

import altair as alt
import pandas as pd
import pytest

from ics_evidence.analysis import charts, earlier, external_help, improvement, methods, results, scale, themes
from ics_evidence.analysis.common import short_names
from tests.helpers import (
    DATA_DIR,
    NINTH_SYSTEM_ID,
    add_ninth_system,
    grow_with_copies_of_the_ninth_system,
    remove_ninth_system,
)

FACTORIES = {
    "themes matrix": themes.matrix_figure,
    "themes prevalence": themes.prevalence_figure,
    "themes similarity": themes.similarity_figure,
    "improvement level by theme": improvement.level_theme_figure,
    "improvement care areas": improvement.care_areas_figure,
    "external help systems by kind": external_help.systems_by_kind_figure,
    "earlier items": earlier.items_figure,
    "methods systems grid": methods.systems_grid_figure,
    "results counts": results.counts_figure,
    "scale organisations": scale.organisations_figure,
}


def layouts(factory, tables) -> tuple[dict, dict]:
    charts.enable()
    wide, narrow = charts.split_narrow(factory(tables)[0].to_dict())
    assert narrow is not None, "no narrow layout"
    return wide, narrow


def natural_width(spec: dict) -> float:
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec)
    return float(re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg).group(1))


def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def colour_scales(spec: dict) -> list:
    return [
        node["color"]["scale"]
        for node in walk(spec)
        if isinstance(node.get("color"), dict) and isinstance(node["color"].get("scale"), dict)
    ]


@pytest.mark.parametrize("name", list(FACTORIES))
def test_narrow_layout_fits_a_phone_column_unscaled(name, shipped_tables):
    wide, narrow = layouts(FACTORIES[name], shipped_tables)
    assert natural_width(wide) > charts.PHONE_COLUMN  # the wide layout would be shrunk on a phone
    assert natural_width(narrow) <= charts.PHONE_COLUMN
    assert narrow["description"]
    assert "usermeta" not in wide


@pytest.fixture(scope="module")
def at_the_limit(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """The data grown to the stated number of systems (copies of the ninth-system fixture,
    named in full), every one counted as an integrated care system, so that even the layouts
    of the peers alone have a column for each."""
    from ics_evidence import load_package

    data = tmp_path_factory.mktemp("limit") / "data"
    shutil.copytree(DATA_DIR, data)
    tables = load_package(grow_with_copies_of_the_ninth_system(data, charts.NARROW_SYSTEMS))
    tables["systems"] = tables["systems"].assign(kind="ics")
    return tables


@pytest.fixture(scope="module")
def with_ninth_system(tmp_path_factory) -> dict[str, pd.DataFrame]:
    from ics_evidence import load_package

    data = tmp_path_factory.mktemp("nine") / "data"
    shutil.copytree(DATA_DIR, data)
    remove_ninth_system(data)
    return load_package(add_ninth_system(data))


@pytest.mark.parametrize("name", list(FACTORIES))
def test_narrow_layout_fits_at_the_stated_number_of_systems(name, at_the_limit):
    assert len(at_the_limit["systems"]) == charts.NARROW_SYSTEMS
    _, narrow = layouts(FACTORIES[name], at_the_limit)
    assert natural_width(narrow) <= charts.PHONE_COLUMN


@pytest.mark.parametrize("name", list(FACTORIES))
def test_narrow_layout_fits_with_the_ninth_system(name, with_ninth_system):
    assert NINTH_SYSTEM_ID in set(with_ninth_system["systems"]["system_id"])
    _, narrow = layouts(FACTORIES[name], with_ninth_system)
    assert natural_width(narrow) <= charts.PHONE_COLUMN


def test_columns_narrow_as_systems_are_added_down_to_the_readable_width():
    steps = [charts.column_step(n, 125, 24, 16) for n in range(1, charts.NARROW_SYSTEMS + 6)]
    assert steps[0] == 24 and steps == sorted(steps, reverse=True)
    assert steps[charts.NARROW_SYSTEMS - 1] >= 16 and steps[-1] == 16  # beyond the limit: readable, wider
    fits = charts.PHONE_COLUMN - 125 - charts.LABEL_MARGIN
    assert all(n * step <= fits for n, step in enumerate(steps[: charts.NARROW_SYSTEMS], start=1))
    with pytest.raises(ValueError, match="NARROW_SYSTEMS"):
        charts.column_step(3, 125, 24, fits // charts.NARROW_SYSTEMS + 1)  # a limit it cannot keep


@pytest.mark.parametrize("name", list(FACTORIES))
def test_narrow_layout_keeps_the_system_order_and_colours(name, shipped_tables):
    wide, narrow = layouts(FACTORIES[name], shipped_tables)
    assert colour_scales(narrow) == colour_scales(wide)
    systems = shipped_tables["systems"]
    in_order = list(short_names(systems).values())
    for node in walk(narrow):
        sort = node.get("sort") if node.get("field") in ("short", "short_a", "short_b") else None
        labels = [label.removesuffix(" (programme)") for label in sort] if isinstance(sort, list) else []
        if labels and set(labels) <= set(in_order):  # systems by their short names, in systems.csv order
            assert labels == [label for label in in_order if label in labels]


def test_short_names_use_an_abbreviation_only_where_given_and_unambiguous():
    systems = pd.DataFrame(
        {
            "name": ["North East", "West", "Dorset", "Clash one", "Clash two", "Named"],
            "abbreviation": ["NE", None, "", "CL", "CL", "West"],
        }
    )
    assert short_names(systems) == {
        "North East": "NE", "West": "West", "Dorset": "Dorset", "Clash one": "Clash one",
        "Clash two": "Clash two", "Named": "Named",
    }  # fmt: skip
    assert short_names(systems.drop(columns="abbreviation"))["North East"] == "North East"


def test_transposed_layout_describes_its_own_rows_and_columns(shipped_tables):
    wide, narrow = layouts(external_help.systems_by_kind_figure, shipped_tables)
    assert "systems (rows)" in wide["description"]
    assert "kinds of outside partner (rows)" in narrow["description"]


HOSTILE = '</script><img src=x onerror="alert(1)">'


def test_render_html_embeds_the_narrow_layout_inertly_and_shares_its_data(shipped_tables):
    charts.enable()
    tables = dict(shipped_tables)
    systems = tables["systems"].copy()
    systems.loc[0, "name"] = HOSTILE + " & co"
    systems.loc[1, "abbreviation"] = HOSTILE
    tables["systems"] = systems
    spec = themes.matrix_figure(tables)[0].to_dict()
    output = charts.render_html(spec)
    script = output.split('<script type="text/javascript">', 1)[1]
    assert script.count("</script") == 1 and script.rstrip().endswith("</script>")
    assert "<img" not in output and "\\u003c/script\\u003e" in output
    wide_line = re.search(r"^  var spec = (.*);$", output, re.MULTILINE).group(1)
    narrow_line = re.search(r"^  var narrow = (.*);$", output, re.MULTILINE).group(1)
    wide, narrow = json.loads(wide_line), json.loads(narrow_line)
    assert "usermeta" not in wide
    # The cells are one data set, held once (by the wide layout); the narrow one adds its labels.
    shared = set(wide["datasets"]) & set(charts.split_narrow(spec)[1]["datasets"])
    assert shared and not shared & set(narrow["datasets"])
    assert f"room < {charts.NARROW_BELOW}" in output
    assert output == charts.render_html(spec)  # deterministic


def test_chart_without_narrow_layout_renders_as_before():
    charts.enable()
    chart = alt.Chart(pd.DataFrame({"a": [1]})).mark_bar().encode(x="a:Q").properties(description="A bar")
    spec = chart.to_dict()
    assert charts.split_narrow(spec) == (spec, None)
    assert "var narrow = null;" in charts.render_html(spec)


def test_narrow_layout_takes_the_wide_description_unless_it_has_its_own():
    charts.enable()
    data = pd.DataFrame({"a": [1]})
    wide = alt.Chart(data).mark_bar().encode(x="a:Q").properties(description="Wide words", usermeta={"kept": 1})
    spec = charts.with_narrow_layout(wide, alt.Chart(data).mark_bar().encode(y="a:Q")).to_dict()
    rest, narrow = charts.split_narrow(spec)
    assert narrow["description"] == "Wide words" and rest["usermeta"] == {"kept": 1}
    spec["usermeta"]["narrow"]["description"] = ""
    with pytest.raises(ValueError, match="narrow layout"):
        charts.render_html(spec)


def test_wrapped_labels_are_code_that_reads_only_the_label():
    expression = charts.wrapped_labels(18)
    assert "datum.label" in expression and "datum." not in expression.replace("datum.label", "")
    axis = charts.wrapped_axis(18, 120).to_dict()
    assert axis["labelLimit"] == 0 and axis["labelOffset"]["value"] == 0  # 0: no label is cut short
