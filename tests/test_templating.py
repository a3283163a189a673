"""The one HTML writer: autoescape everywhere, values on one line, fragments nest unescaped."""

import pytest
from jinja2 import UndefinedError

from ics_evidence.templating import render_string

HOSTILE = '<script>alert(1)</script>" onmouseover="x'


def test_a_value_is_escaped_in_text_and_in_attributes():
    html = render_string('<a title="{{ v }}">{{ v }}</a>', v=HOSTILE)
    assert "<script>" not in html
    assert 'onmouseover="x' not in html
    assert html.count("&lt;script&gt;") == 2


def test_a_rendered_fragment_nests_without_being_escaped_again():
    inner = render_string("<b>{{ v }}</b>", v="a & b")
    outer = render_string("<p>{{ inner }}</p>", inner=inner)
    assert outer == "<p><b>a &amp; b</b></p>"


def test_a_value_stays_on_one_line_and_leaves_no_blank_line():
    html = render_string("<td>{{ v }}</td>\n\n<td>{{ w }}</td>", v="one\n\ntwo\u2028three", w="x\u202ey")
    assert html == "<td>one two three</td>\n<td>xU+202Ey</td>"


def test_a_misspelt_variable_is_an_error():
    with pytest.raises(UndefinedError):
        render_string("{{ missing }}")
