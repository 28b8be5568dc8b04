"""Claims with their sources, cues, certainty and polarity (first version)."""

from __future__ import annotations

from spacy.tokens import Doc

from claimtrace.model import Claim, EntityGroup


def find_claims(doc: Doc, groups: list[EntityGroup]) -> list[Claim]:
    return []
