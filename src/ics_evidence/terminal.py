"""The one rule for text that reaches a terminal: nothing raw.

A message may quote untrusted input (a cell, a header name, an id typed after ``make``, a
``releases.yml`` value, a path). Control characters would move the cursor, recolour or clear
the screen (an ESC sequence) or start a new line that looks like another message; bidi and
zero-width characters (format characters) would reorder or hide the text around them; line
and paragraph separators break it. Every such character is shown as its Python escape
(``\\x1b``, ``\\u202e``, ``\\n``), so a message is one line of the characters it names.
Every message the command line prints goes through :func:`escaped`.
"""

from __future__ import annotations

import unicodedata

UNSAFE_CATEGORIES = ("Cc", "Cf", "Cs", "Zl", "Zp")  # control, format, lone surrogate, separators


_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _shown(character: str) -> str:
    if unicodedata.category(character) not in UNSAFE_CATEGORIES:
        return character
    code = ord(character)
    if character in _SHORT:
        return _SHORT[character]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (decoded with surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def escaped(text: object) -> str:
    """``text`` with every control, format, surrogate and separator character escaped."""
    return "".join(_shown(character) for character in str(text))
