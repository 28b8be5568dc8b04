"""Quotation marks: the regions of a text inside quotes (straight, curly, guillemets, paragraph continuations).

A paragraph that opens with a mark while the previous one left its quote open continues it; an
unbalanced mark closes at the end of its paragraph. Misses: quotations in single marks (‘...’, '...')
and quotations shown only by layout (block quotes, italics). Figures: docs/benchmarks_attribution.md.
"""

from __future__ import annotations

import re

OPENING_QUOTES = frozenset("“«„")


CLOSING_QUOTES = frozenset("”»")


STRAIGHT_QUOTE = '"'


QUOTE_CHARS = OPENING_QUOTES | CLOSING_QUOTES | {STRAIGHT_QUOTE, "''", "``"}


# what quote_regions acts on: quote marks, typewriter pairs and line breaks (the rest is skipped)
_QUOTE_EVENTS = re.compile("''|``|[\n" + "".join(OPENING_QUOTES | CLOSING_QUOTES) + STRAIGHT_QUOTE + "]")


def quote_regions(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quotation in ``text``, marks included.

    Curly and guillemet marks say whether they open or close; a straight mark
    opens after a space, line start or bracket and closes otherwise. A quote
    still open at a paragraph end continues when the next paragraph opens with
    a mark, else it closes there (unbalanced marks never leak further).
    """
    regions: list[tuple[int, int]] = []
    start: int | None = None
    n = len(text)
    for event in _QUOTE_EVENTS.finditer(text):
        mark, found = event.start(), event.group()
        if found == "\n":
            if start is not None and not _paragraph_continues_quote(text, mark):
                regions.append((start, _rstrip_index(text, start, mark)))
                start = None
            continue
        # typewriter pairs ('' and ``) are straight double quotes; `` always opens
        ch = {"``": "“", "''": STRAIGHT_QUOTE}.get(found, found)
        opening = ch in OPENING_QUOTES or (ch == STRAIGHT_QUOTE and _opens(text, mark))
        if start is None and (opening or ch == STRAIGHT_QUOTE):
            start = mark
        elif start is not None and not opening:
            regions.append((start, event.end()))
            start = None
        elif start is not None and opening and not _continuation_mark(text, mark):
            start = mark  # a new opening mark while open: the earlier mark was unbalanced
    if start is not None:
        regions.append((start, _rstrip_index(text, start, n)))
    return [(s, e) for s, e in regions if e - s > 1]


def _opens(text: str, i: int) -> bool:
    return i == 0 or text[i - 1].isspace() or text[i - 1] in "([{—–-/"


def _paragraph_continues_quote(text: str, newline: int) -> bool:
    j = newline
    while j < len(text) and text[j].isspace():
        j += 1
    return j < len(text) and (text[j] in OPENING_QUOTES or text[j] == STRAIGHT_QUOTE)


def _continuation_mark(text: str, i: int) -> bool:
    """An opening mark at a paragraph start that continues the open quote."""
    j = i - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j >= 0 and text[j] == "\n"


def _rstrip_index(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def ends_with_quote(text: str) -> bool:
    return text[-1:] in QUOTE_CHARS or text[-2:] in QUOTE_CHARS
