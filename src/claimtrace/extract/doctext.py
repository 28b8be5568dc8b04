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


def keep_text(doc: Doc, text: str) -> Doc:
    """Note ``text`` as the text of ``doc``, which the tokenizer made of it: spaCy's tokenization keeps every
    character, so the doc's text is the text it was given, and the first :func:`doc_text` need not join it."""
    doc.user_data[_KEY] = text
    return doc
