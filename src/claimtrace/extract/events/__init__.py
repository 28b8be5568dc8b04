"""Events (who did what to whom, where and when, in PLOVER 0.8) and casualty counts.

``find_events(doc, ...)`` codes every verb and event noun of a parsed ``Doc``
(:mod:`.coder`: PETRARCH-2 verb patterns -> CAMEO -> PLOVER category and mode), finds its source and
target actors with country and sector (:mod:`.actors`), its places and date (the gazetteer places and
resolved dates inside the trigger's phrase), its negation and modality (:mod:`.modality`), and the
claim whose content holds it, so that "X said Russia withdrew" is an event claimed by X.
``find_casualties`` (:mod:`.casualties`) reads counts of people killed, injured, missing, displaced,
evacuated or affected, and ties each to its event and claim.

What it misses: events only a paraphrase or an adjective names, actors outside the trigger's clause,
and events the 2015 CAMEO verb dictionary lacks. Figures: docs/benchmarks_events.md.
"""

from __future__ import annotations

import copy

from spacy.tokens import Doc, Token

from claimtrace.extract.events.actors import (
    actor_for,
    on_behalf_country,
    source_heads,
    target_heads,
    with_conjuncts,
)
from claimtrace.extract.events.casualties import find_casualties
from claimtrace.extract.events.coder import code_trigger
from claimtrace.extract.events.lexicon import LEXICON_PATH, Lexicon, load_lexicon
from claimtrace.extract.events.modality import coded_as, is_negated, modality
from claimtrace.model import Actor, Claim, DateMention, EntityGroup, Event, Place, Span

__all__ = ["LEXICON_PATH", "Lexicon", "find_events", "find_casualties", "load_lexicon", "trigger_depth"]

CLAUSE_DEPS = frozenset({"ccomp", "advcl", "acl:relcl", "advcl:relcl", "conj", "parataxis", "xcomp", "csubj"})


def find_events(
    doc: Doc,
    claims: list[Claim] | None = None,
    places: list[Place] | None = None,
    dates: list[DateMention] | None = None,
    entity_groups: list[EntityGroup] | None = None,
    lexicon: Lexicon | None = None,
) -> list[Event]:
    """Every PLOVER event the parse of ``doc`` shows, in text order (offsets into ``doc.text``)."""
    lexicon = lexicon or load_lexicon()
    claims, places, dates, groups = claims or [], places or [], dates or [], entity_groups or []
    sentence_index = {sent.start: i for i, sent in enumerate(doc.sents)}
    events = []
    for token in doc:
        coding = code_trigger(token, lexicon)
        if coding is None:
            continue
        negated = is_negated(token)
        modality_value = modality(token, negated=negated)
        event = Event(
            category=coding.category,
            trigger=Span(token.text, token.idx, token.idx + len(token)),
            coded_as=coded_as(coding.category, token, modality_value),
            mode=coding.mode,
            context=coding.context,
            cameo=coding.cameo,
            source=[actor_for(h, lexicon, groups, places, token) for h in with_conjuncts(source_heads(token))],
            target=[actor_for(h, lexicon, groups, places, token) for h in with_conjuncts(target_heads(token, lexicon))],
            negated=negated,
            modality=modality_value,
            claim=_carrying_claim(claims, token),
            sentence=sentence_index.get(token.sent.start, 0),
        )
        if token.pos_ == "VERB" and not any(_is_named(a) for a in event.source + event.target):
            continue  # a verb names an event between actors only (PETRARCH codes none without them)
        _fill_where_and_when(event, token, places, dates)
        _represented_country(event, token, lexicon, groups, places)
        events.append(event)
    return events


def _is_named(actor: Actor) -> bool:
    """An actor the dictionaries, the gazetteer or the entity groups know (not "which" or "the movement")."""
    return bool(actor.code or actor.country or actor.sector or actor.canonical)


def trigger_depth(token: Token) -> int:
    """Steps from the trigger to its sentence root (the main event of a sentence is the shallowest)."""
    depth = 0
    while token.head.i != token.i:
        token, depth = token.head, depth + 1
    return depth


def _phrase_range(trigger: Token) -> tuple[int, int]:
    """Character range of the trigger's own phrase: its subtree without embedded clauses."""
    tokens = [trigger]
    for child in trigger.children:
        if child.dep_ not in CLAUSE_DEPS:
            tokens.extend(child.subtree)
    return min(t.idx for t in tokens), max(t.idx + len(t) for t in tokens)


def _fill_where_and_when(event: Event, trigger: Token, places: list[Place], dates: list[DateMention]) -> None:
    start, end = _phrase_range(trigger)
    event.places = [
        copy.deepcopy(p) for p in places
        if start <= p.start and p.end <= end and p.id
        and not any(a.start <= p.start and p.end <= a.end for a in event.source)
    ]
    inside = [d for d in dates if start <= d.start and d.end <= end]
    if not inside:
        sentence = trigger.sent
        in_sentence = [d for d in dates if sentence.start_char <= d.start and d.end <= sentence.end_char]
        inside = in_sentence if len(in_sentence) == 1 else []
    event.date = copy.deepcopy(inside[0]) if inside else None


def _represented_country(event: Event, trigger: Token, lexicon: Lexicon, groups: list[EntityGroup],
                         places: list[Place]) -> None:
    if event.source and not event.source[0].country:
        event.source[0].country = on_behalf_country(trigger, lexicon, groups, places)


def _carrying_claim(claims: list[Claim], trigger: Token) -> int | None:
    """The index of the innermost claim whose content holds the trigger (attributed claims first)."""
    position = trigger.idx
    holding = [i for i, c in enumerate(claims) if c.content.start <= position < c.content.end]
    if not holding:
        return None
    return min(holding, key=lambda i: (claims[i].source is None, claims[i].content.end - claims[i].content.start))
