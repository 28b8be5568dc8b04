"""Text at the two boundaries: what comes in is made safe to analyse, what goes to a terminal is inert.

Coming in (:func:`clean_text`, applied to every article's text and metadata before analysis): a lone
surrogate (possible in strings from JSON's ``\\udcff`` escapes or ``surrogateescape`` decoding, and
unencodable as UTF-8) becomes U+FFFD, and a control character other than tab, line feed and carriage
return (NUL, ESC, the C1 range, ...) becomes a space. Each replacement is one code point for one code
point, so every offset into the cleaned text is also an offset into the given string, and the
analysis's spans can be cut from either. Format characters (zero-width joiners, right-to-left marks)
are kept: they belong to names in Arabic, Persian and Hebrew.

Going out (:func:`for_terminal`): escape sequences (CSI such as a screen clear, OSC such as a
hyperlink) are removed whole, remaining control characters become spaces and bidirectional overrides
and isolates are dropped, so nothing a document contains can move the cursor, change the terminal's
title, forge a link or reorder what is shown. JSON output needs none of this (its encoder escapes
control characters).
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST (hyperlinks, window titles)
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI (cursor moves, clears, colours)
    r"|\x1b[@-Z\\-_]"  # other two-character escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """``text`` with lone surrogates as U+FFFD and control characters as spaces (same length)."""
    if text.isascii() and text.isprintable():
        return text
    return _CONTROL.sub(" ", _SURROGATE.sub("\ufffd", text))


def clean_optional(text: str | None) -> str | None:
    return None if text is None else clean_text(text)


def for_terminal(text: str) -> str:
    """``text`` without escape sequences, control characters (line feeds and tabs kept) or bidi overrides."""
    if text.isascii() and text.isprintable():
        return text
    text = _ESCAPE_SEQUENCE.sub("", _SURROGATE.sub("\ufffd", text))
    return _BIDI_CONTROL.sub("", _TERMINAL_CONTROL.sub(" ", text))
