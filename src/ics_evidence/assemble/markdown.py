"""The one escaping rule: data text enters a MyST page only as literal text.

Generated pages and notebook headings are Markdown that MyST parses with roles, directives,
raw HTML, links and Jinja-rendered ``{{ }}`` substitutions. Any of those in a cell or a
descriptor description would run (a substitution evaluates Python expressions; ``{download}``
copies a local file into the site). CommonMark lets a backslash escape *every* ASCII
punctuation character, and an escaped character can start no construct, so escaping all of
them (rather than a list of the ones known to be special today) keeps data text inert under
any MyST extension that is switched on later.
"""

from __future__ import annotations

import re
import unicodedata

_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_WHITESPACE = re.compile(r"\s+")


def _visible(character: str) -> str:
    """Control, bidi and zero-width characters (categories Cc and Cf) would reorder or hide
    the text around them; they are shown as their code point instead."""
    if unicodedata.category(character) in ("Cc", "Cf") and character not in "\t\n\r":
        return f"U+{ord(character):04X}"
    return character


def one_line(value: object) -> str:
    """``value``'s characters on one line: hidden characters shown as code points, any run of
    white space (new lines and U+2028/U+2029 separators included) as one space."""
    return _WHITESPACE.sub(" ", "".join(_visible(c) for c in str(value))).strip()


def text(value: object) -> str:
    """``value`` as Markdown that renders exactly as its characters, on one line (a newline
    would end a table row or start a block)."""
    return _ASCII_PUNCTUATION.sub(r"\\\1", one_line(value))


def code(value: object) -> str:
    """``value`` as an inline code span: literal by construction, whatever backticks it holds
    (the fence is longer than any run of backticks inside)."""
    shown = one_line(value)
    if "|" in shown:  # a pipe would split a table cell even inside a code span
        return text(value)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", shown)), default=0) + 1)
    return f"{fence} {shown} {fence}" if shown.startswith("`") or shown.endswith("`") else f"{fence}{shown}{fence}"


# The addresses a page may link to: https, a host name, a plain path. Nothing in it can end the
# link's destination or start markup (no space, bracket, parenthesis, backslash, quote or colon
# after the scheme), so the address is written as it is.
_ADDRESS = re.compile(r"https://[a-z0-9-]+(\.[a-z0-9-]+)+(/[A-Za-z0-9._~-]+)*/?")


def link(label: object, url: str) -> str:
    """A Markdown link to ``url`` showing ``label`` as literal text (:func:`text`). ``url`` must be
    a plain https address (:data:`_ADDRESS`): anything else is refused, never escaped into a link
    that would still go somewhere (``javascript:``, a local file, a role)."""
    if not isinstance(url, str) or not _ADDRESS.fullmatch(url):
        raise ValueError(f"not an address a page may link to: {one_line(url)!r}")
    return f"[{text(label) or text(url)}]({url})"
