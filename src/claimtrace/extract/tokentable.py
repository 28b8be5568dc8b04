"""Per-token columns of a parsed ``Doc`` (words, lemmas, tags, labels, heads, children), read once from its arrays.

spaCy builds a new ``Token`` at every ``doc[i]``, ``token.head`` and ``token.children``, and that is most of
what reading the parse token by token costs. The steps after the parser (claims, events) read the same
columns many times per doc; :func:`token_table` reads each column at most once per doc, when first asked for.
A table is for a doc whose annotations no longer change (the components after the parser change none).
"""

from __future__ import annotations

import threading
from functools import cached_property
from typing import Any

import numpy
from spacy.attrs import DEP, HEAD, LEMMA, LOWER, POS, TAG
from spacy.tokens import Doc


class TokenTable:
    """Columns of one doc, each a list indexed by token (computed on first use)."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.memo: dict[str, Any] = {}  # what other steps derive from the same doc, kept as long as this table

    def _strings(self, attr: int) -> list[str]:
        strings = self.doc.vocab.strings
        return [strings[h] for h in self.doc.to_array(attr).astype(numpy.uint64).tolist()]

    @cached_property
    def lowers(self) -> list[str]:
        """``token.lower_``."""
        return self._strings(LOWER)

    @cached_property
    def lemmas(self) -> list[str]:
        """``token.lemma_.lower()``."""
        return [lemma.lower() for lemma in self._strings(LEMMA)]

    @cached_property
    def tags(self) -> list[str]:
        """``token.tag_``."""
        return self._strings(TAG)

    @cached_property
    def deps(self) -> list[str]:
        """``token.dep_``."""
        return self._strings(DEP)

    @cached_property
    def pos(self) -> list[int]:
        """``token.pos`` (a ``spacy.symbols`` id)."""
        return self.doc.to_array(POS).astype(numpy.int64).tolist()

    @cached_property
    def heads(self) -> list[int]:
        """``token.head.i`` (a root is its own head)."""
        if not len(self.doc):
            return []
        return (numpy.arange(len(self.doc)) + self.doc.to_array(HEAD).astype(numpy.int64)).tolist()

    def children(self, i: int) -> list[int]:
        """``[c.i for c in doc[i].children]``: in text order, the root not its own child."""
        order, offsets = self._children_index
        return order[offsets[i] : offsets[i + 1]]

    @cached_property
    def _children_index(self) -> tuple[list[int], list[int]]:
        """Every dependent's index, grouped by head in text order, and where each head's group starts: no list per
        token (thousands of small lists per doc would bring the garbage collector's full passes sooner)."""
        heads = numpy.array(self.heads, dtype=numpy.int64)
        dependents = numpy.flatnonzero(heads != numpy.arange(len(heads)))
        order = dependents[numpy.argsort(heads[dependents], kind="stable")]
        offsets = numpy.concatenate([[0], numpy.cumsum(numpy.bincount(heads[dependents], minlength=len(heads)))])
        return order.tolist(), offsets.tolist()


_TABLE = threading.local()


def token_table(doc: Doc) -> TokenTable:
    """The :class:`TokenTable` of ``doc``; the last doc's is kept (a step reads one doc at a time)."""
    if getattr(_TABLE, "doc", None) is not doc:
        _TABLE.table = TokenTable(doc)
        _TABLE.doc = doc
    return _TABLE.table
