"""Document-level label consistency for the statistical NER.

The NER labels each mention from a narrow window, so one article often calls
the same name PER in one place and ORG in another, or labels "Tony Blair"
but misses a later "Blair". An article rarely uses one name for two kinds of
things, so (in the spirit of Ratinov & Roth 2009's non-local features) we make
the labels agree within a document:

1. **Majority label**: all mentions with the same words (case ignored, so
   headline capitals count) take the label most of them have; ties stay.
2. **Name parts**: a one-word mention equal to the first or last word of a
   multi-word PER mention ("Blair" after "Tony Blair") becomes PER (not a word
   where the NER cut the name at a hyphen: "Al" of "Bashar Al" + "-Assad", and
   not a mention that is itself part of a hyphenated word).
3. **Repeats**: an unlabeled, capitalized occurrence of a labeled name (or
   of such a name part) gets that label; the longest name wins, and tokens
   already inside an entity are never relabeled or split, nor is part of a
   hyphenated word ("Al" of "Al-Hasakah" after "Al Mayadeen"). One-word names
   that are month names or also occur in lower case in the document
   ("May", "Will") are not repeated.

PER-only name parts are kept: letting ORG/LOC parts propagate lowered F1, since "Manchester"
alone is a place but part of a club name. Figures: ``docs/benchmarks_nlp.md``.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from spacy.tokens import Doc, Span

Key = tuple[str, ...]

MONTHS = frozenset(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
)


def _key(tokens: Span) -> Key:
    return tuple(t.lower_ for t in tokens)


def _majority_labels(ents: list[Span]) -> dict[Key, str]:
    """The label each name has most often; names whose top labels tie get none."""
    votes: dict[Key, Counter[str]] = defaultdict(Counter)
    for ent in ents:
        votes[_key(ent)][ent.label_] += 1
    labels = {}
    for key, counts in votes.items():
        ranked = counts.most_common(2)
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            labels[key] = ranked[0][0]
    return labels


def _cut_at_hyphen(ent: Span) -> tuple[bool, bool]:
    """Whether the mention starts / ends at a hyphen inside a word ("Bashar Al" of "Bashar Al-Assad")."""
    doc = ent.doc
    starts = ent.start > 0 and doc[ent.start - 1].text == "-" and not doc[ent.start - 1].whitespace_
    ends = ent.end < len(doc) and doc[ent.end].text == "-" and not doc[ent.end - 1].whitespace_
    return starts, ends


def _person_name_parts(ents: list[Span]) -> set[str]:
    parts = set()
    for ent in ents:
        if ent.label_ == "PER" and len(ent) >= 2:
            cut_start, cut_end = _cut_at_hyphen(ent)
            for tok, cut in ((ent[0], cut_start), (ent[-1], cut_end)):
                if not cut and tok.is_alpha and len(tok) > 1 and tok.text[0].isupper():
                    parts.add(tok.lower_)
    return parts


def _with_label(doc: Doc, ent: Span, label: str) -> Span:
    return ent if label == ent.label_ else Span(doc, ent.start, ent.end, label=label)


def _relabel(doc: Doc, ents: list[Span]) -> list[Span]:
    majority = _majority_labels(ents)
    ents = [_with_label(doc, e, majority.get(_key(e), e.label_)) for e in ents]
    parts = _person_name_parts(ents)
    return [_with_label(doc, e, "PER") if _is_name_part(e, parts) else e for e in ents]


def _is_name_part(ent: Span, parts: set[str]) -> bool:
    """A one-word mention that is a known PER name part and a whole word (not "Al" of "Al-Hasakah")."""
    return len(ent) == 1 and ent[0].lower_ in parts and not any(_cut_at_hyphen(ent))


def _find_repeats(doc: Doc, ents: list[Span], names: dict[Key, str]) -> list[Span]:
    """Unlabeled capitalized occurrences of known names, longest first, left to right."""
    taken = [False] * len(doc)
    for ent in ents:
        taken[ent.start:ent.end] = [True] * len(ent)
    # a one-word name that is also a common word ("May", "Will", "Rose") is only
    # trusted where the NER said so: capitals alone may just mean a sentence start
    lowercase_words = {t.text for t in doc if t.is_lower} | MONTHS
    by_first: dict[str, list[Key]] = defaultdict(list)
    for key in sorted(names, key=len, reverse=True):
        if len(key) > 1 or key[0] not in lowercase_words:
            by_first[key[0]].append(key)
    found = []
    i = 0
    while i < len(doc):
        tok = doc[i]
        match = None
        if not taken[i] and tok.text[:1].isupper():
            for key in by_first.get(tok.lower_, ()):
                end = i + len(key)
                if end <= len(doc) and not any(taken[i:end]) and _key(doc[i:end]) == key:
                    if any(_cut_at_hyphen(doc[i:end])):
                        break  # part of a hyphenated word ("Al" of "Al-Hasakah") is not the name
                    match = Span(doc, i, end, label=names[key])
                    break
        if match is None:
            i += 1
        else:
            found.append(match)
            i = match.end
    return found


def harmonize_entities(doc: Doc) -> list[Span]:
    """The doc's entities with document-consistent labels plus repeats the NER missed."""
    ents = list(doc.ents)
    if not ents:
        return ents
    ents = _relabel(doc, ents)
    names = _majority_labels(ents)
    for part in _person_name_parts(ents):
        names.setdefault((part,), "PER")
    return sorted(ents + _find_repeats(doc, ents, names), key=lambda s: s.start)
