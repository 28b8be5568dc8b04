"""The text of a spaCy ``Doc``, built once per doc.

``Doc.text`` joins every token's text anew on each access; several extractors read it per doc,
so it is kept in ``doc.user_data`` the first time (a doc's text never changes).
"""

from __future__ import annotations

from spacy.tokens import Doc

_KEY = "claimtrace.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed on the first call for this doc only."""
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.user_data[_KEY] = doc.text
    return text
