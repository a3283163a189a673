"""Both population charts draw the programme apart from the ranked systems and label every bar
in full, at a desktop's width and in a 390 px phone's chart column (issue 17: the programme's
4.2 million was the top-ranked bar, unlabelled on a phone)."""

from __future__ import annotations

import re

import pytest

from ics_evidence.analysis import charts, profile, scale


def _svg(spec: dict) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(spec)


def _texts(svg: str) -> str:
    """The text the SVG draws, tspans of a wrapped label joined by spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", chunk) for chunk in re.findall(r"<text[^>]*>(.*?)</text>", svg))


FIGURES = {
    "scale": lambda tables: scale.population_figure(tables)[0],
    "profile": lambda tables: profile.population_figure(tables, "dorset")[0],
    "profile of the programme": lambda tables: profile.population_figure(tables, "thames-valley-and-surrey")[0],
}


@pytest.mark.parametrize("name", list(FIGURES))
def test_every_bar_is_labelled_in_full_at_both_widths(name, shipped_tables):
    charts.enable()
    wide, narrow = charts.split_narrow(FIGURES[name](shipped_tables).to_dict())
    assert narrow is not None
    systems = shipped_tables["systems"]
    for spec in (wide, narrow):
        svg = _svg(spec)
        drawn = " ".join(_texts(svg).split())
        assert "…" not in drawn  # no label cut short
        for system in systems["name"]:
            assert system in drawn, f"{system} is not labelled in full"
        assert "Multi-system programme" in drawn and "not ranked" in drawn
    width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)"', _svg(narrow)).group(1))
    assert width <= charts.PHONE_COLUMN  # drawn at full size on a phone, not shrunk
