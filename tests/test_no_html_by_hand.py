"""No HTML is written by hand in the package: every fragment is a Jinja2 template rendered with
autoescape by ``ics_evidence.templating.render`` (issue 22), so a forgotten escape cannot become
a script injection.

The check reads every module under ``src/`` with ``ast`` and fails on a string constant, or a
literal part of an f-string, that contains an HTML tag (``<div``, ``</td>``). Docstrings are
documentation, not output, and are not checked.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "ics_evidence"

# The elements of HTML (WHATWG living standard), so that the placeholders of docstrings and
# messages (``<name>``, ``<package>/``) and regular-expression groups (``(?P<table>...)``) are
# not taken for markup.
# fmt: off
ELEMENTS = frozenset({
    "a", "abbr", "address", "area", "article", "aside", "audio", "b", "base", "bdi", "bdo", "blockquote",
    "body", "br", "button", "canvas", "caption", "cite", "code", "col", "colgroup", "data", "datalist",
    "dd", "del", "details", "dfn", "dialog", "div", "dl", "dt", "em", "embed", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr",
    "html", "i", "iframe", "img", "input", "ins", "kbd", "label", "legend", "li", "link", "main", "map",
    "mark", "menu", "meta", "meter", "nav", "noscript", "object", "ol", "optgroup", "option", "output",
    "p", "param", "picture", "pre", "progress", "q", "rp", "rt", "ruby", "s", "samp", "script", "search",
    "section", "select", "slot", "small", "source", "span", "strong", "style", "sub", "summary", "sup",
    "svg", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "time", "title", "tr",
    "track", "u", "ul", "var", "video", "wbr",
})
# fmt: on
# A tag opens with < or </ and the element's name, which ends at white space, > or /, or at the
# end of the text (a tag whose attributes are appended in the next piece of the expression).
TAG = re.compile(r"(?<!\?P)</?(?:" + "|".join(sorted(ELEMENTS)) + r")(?=[\s/>]|$)", re.IGNORECASE)


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def html_in(source: str) -> list[tuple[int, str]]:
    """(line, text) of each string constant in ``source`` that contains an HTML tag."""
    tree = ast.parse(source)
    skipped = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
        and TAG.search(node.value)
    ]


def modules() -> list[str]:
    return sorted(path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("module", modules())
def test_no_module_writes_html_in_strings(module):
    found = html_in((PACKAGE / module).read_text(encoding="utf-8"))
    shown = "\n".join(f"  {module}:{line}: {text[:70]!r}" for line, text in found)
    assert not found, f"HTML written as a string (use ics_evidence.templating.render):\n{shown}"


@pytest.mark.parametrize(
    "source",
    [
        "x = '<td>'",
        "x = '</table>'",
        "x = f'<a href=\"{url}\">{label}</a>'",
        "x = '<div class=\"a\"' + rest",
        "x = '<tr><td colspan=\"' + str(n) + '\">'",
        "def f():\n    '''Doc.'''\n    return '<span>'",
    ],
)
def test_the_check_finds_html(source):
    assert html_in(source)


@pytest.mark.parametrize(
    "source",
    [
        "'''Writes ``<div>`` blocks: a docstring is documentation.'''",
        "x = '_build/pdf/<name>-<version>.pdf'",
        "x = f'<package>/{name}'",
        "x = r'^- `(?P<table>[a-z_]+)`'",
        "x = '{download}`data.zip <generated/downloads/data.zip>`'",
        "x = 'a < b and c <= d'",
    ],
)
def test_the_check_leaves_other_angle_brackets_alone(source):
    assert not html_in(source)
