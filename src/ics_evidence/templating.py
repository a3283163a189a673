"""The one way this project writes HTML: Jinja2 templates with autoescape.

Every generated HTML fragment (tables, figure wrappers, profile blocks, the edition's footer,
the version switcher) is a template in ``ics_evidence/templates/`` rendered by :func:`render`,
never an f-string. Autoescape escapes every value in text and in attributes alike, so a
forgotten ``html.escape`` cannot become a script injection; a value is trusted as HTML only
when it is itself the output of :func:`render` (a :class:`markupsafe.Markup`), which is how one
fragment nests inside another.

Fragments are pasted into MyST Markdown as raw HTML blocks, which a blank line would end, and
a line break inside a value would split a table row. So every value is put on one line
(hidden characters shown as their code point) and the rendered fragment has no blank line.
This module sits below the stages (data, analysis, assemble, release all use it) and imports
none of them.
"""

from __future__ import annotations

import re
import unicodedata

import jinja2
from markupsafe import Markup

_WHITESPACE = re.compile(r"\s+")


def _visible(character: str) -> str:
    # Control, bidi and zero-width characters would reorder or hide the text around them.
    if unicodedata.category(character) in ("Cc", "Cf") and character not in "\t\n\r":
        return f"U+{ord(character):04X}"
    return character


def _one_line(value: object) -> object:
    """A value as the page shows it: on one line. Fragments already rendered (Markup) and
    non-text values pass through; ``None`` renders as nothing."""
    if value is None:
        return ""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return _WHITESPACE.sub(" ", "".join(_visible(c) for c in value)).strip()


_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("ics_evidence", "templates"),
    autoescape=True,  # every template, whatever its name: there is no unescaped output here
    undefined=jinja2.StrictUndefined,  # a misspelt variable is an error, not an empty cell
    finalize=_one_line,
    trim_blocks=True,
    lstrip_blocks=True,
)
# |tojson (which escapes <, >, & and ' so embedded JSON cannot close its <script>) writes JSON as
# the charts embed their specs: compact, keys sorted, non-ASCII text as it is.
_ENVIRONMENT.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False, "separators": (",", ":")}


def _without_blank_lines(html: str) -> str:
    # split on "\n" only: str.splitlines would also split on U+2028 inside a value.
    return "\n".join(line for line in html.split("\n") if line.strip())


def render(template: str, /, **context: object) -> Markup:
    """The named template (a file in ``ics_evidence/templates/``) rendered with ``context``."""
    return Markup(_without_blank_lines(_ENVIRONMENT.get_template(template).render(**context)))


def render_string(source: str, /, **context: object) -> Markup:
    """A one-line template given inline (for a fragment too small to deserve a file)."""
    return Markup(_without_blank_lines(_ENVIRONMENT.from_string(source).render(**context)))
