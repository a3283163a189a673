"""The one escaping rule (``ics_evidence.assemble.markdown``): data text enters a MyST page only
as literal text, on one line, whatever it holds. Checked character by character and by parsing
the result with the MyST syntax the book uses (roles, ``{{ }}`` substitutions, directives, maths)."""

from __future__ import annotations

import string

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin
from mdit_py_plugins.substitution import substitution_plugin

from ics_evidence.assemble.markdown import code, one_line, text

MYST = (
    MarkdownIt("commonmark")
    .enable("table")
    .use(myst_role_plugin)
    .use(myst_block_plugin)
    .use(substitution_plugin)
    .use(dollarmath_plugin)
    .use(colon_fence_plugin)
)

HOSTILE = [
    "{{ project }} and {{ 7 * 7 }}",
    "{download}`/etc/passwd`",
    "{eval-rst}`.. raw:: html`",
    "<script>alert(1)</script>",
    "[a link](javascript:alert(1)) and ![image](x.png)",
    "*em* _under_ **strong** ~~struck~~",
    "# a heading",
    "- a list item",
    "1. ordered",
    "> a quotation block",
    "| a | table | row |",
    "$x$ and $$y$$",
    "```{code-cell}\nimport os\n```",
    ":::{note}\nhi\n:::",
    "(a-target)=",
    "&amp; &#60; entities",
    "back\\slash\\",
    "line one\n# line two",
    "para one\n\npara two",
    "separated\u2028by\u2029unicode\x0bbreaks\r\nhere",
]


def test_every_ascii_punctuation_character_is_escaped():
    for character in string.punctuation:
        assert text(character) == "\\" + character, character
    assert text("plain words 123") == "plain words 123"


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_renders_as_its_characters(value):
    """One paragraph of plain text whose characters are the value's (on one line): no role,
    substitution, directive, link, emphasis, block or line break."""
    tokens = MYST.parse(text(value))
    assert [token.type for token in tokens] == ["paragraph_open", "inline", "paragraph_close"], value
    children = tokens[1].children or []
    assert {child.type for child in children} == {"text"}, (value, [child.type for child in children])
    assert "".join(child.content for child in children) == one_line(value)


@pytest.mark.parametrize("value", ["a `tick`", "``double`` ticks", "`edge", "edge`", "a | pipe"])
def test_code_is_literal_whatever_backticks_it_holds(value):
    tokens = MYST.parse(code(value))
    children = tokens[1].children or []
    assert "".join(child.content for child in children) == one_line(value), value


@pytest.mark.parametrize("separator", ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x0b", "\x0c", "\x85"])
def test_text_and_code_stay_on_one_line(separator):
    value = f"first{separator}# second"
    for shown in (text(value), code(value)):
        assert len(shown.splitlines()) == 1 and "\n" not in shown, repr(shown)


def test_a_glued_value_fills_a_notebook_heading_as_literal_text():
    """A template notebook's ``{{ name }}`` placeholder (a system's name in its page heading) is
    filled with the glued value escaped, so a hostile name is shown, never run."""
    import nbformat

    from ics_evidence.assemble.execute import fill_placeholders

    hostile = "{download}`/etc/passwd` <b>x</b>\n# not a heading"
    glued = nbformat.v4.new_output(
        "display_data", data={"text/plain": repr(hostile)}, metadata={"scrapbook": {"name": "name", "mime_prefix": ""}}
    )
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# {{ name }}"), nbformat.v4.new_code_cell(outputs=[glued])]
    )
    fill_placeholders(notebook)
    heading = notebook.cells[0].source
    assert heading == "# " + text(hostile)
    tokens = MYST.parse(heading)
    assert [t.type for t in tokens] == ["heading_open", "inline", "heading_close"]
    assert "".join(child.content for child in tokens[1].children) == one_line(hostile)
