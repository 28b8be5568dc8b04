"""Time expressions resolved against the publication date (first version)."""

from __future__ import annotations

from spacy.tokens import Doc

from claimtrace.model import DateMention


def find_dates(doc: Doc, published: str | None) -> list[DateMention]:
    return []
