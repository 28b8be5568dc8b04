"""Events (who did what to whom, where and when, in PLOVER 0.8) and casualty counts.

``find_events(doc, ...)`` codes every verb and event noun of a parsed ``Doc``
(:mod:`.coder`: PETRARCH-2 verb patterns -> CAMEO -> PLOVER category and mode), finds its source and
target actors with country and sector (:mod:`.actors`), its places and date (the gazetteer places and
resolved dates inside the trigger's phrase), its negation and modality (:mod:`.modality`), and the
claim whose content holds it, so that "X said Russia withdrew" is an event claimed by X. Two codebook
readings are settled here and never overridden by the typer: "X said Y must ..." is a REQUEST by X of Y,
and blocking (a road, a bridge) by actors none of which is a state is CAMEO 144, a PROTEST, not a COERCE.
``find_casualties`` (:mod:`.casualties`) reads counts of people killed, injured, missing, displaced,
evacuated or affected, and ties each to its event and claim.

What it misses: events only a paraphrase or an adjective names, actors outside the trigger's clause,
and events the 2015 CAMEO verb dictionary lacks. Figures: docs/benchmarks_events.md.
"""

from __future__ import annotations

import copy

import numpy as np
from spacy.symbols import VERB
from spacy.tokens import Doc, Token

from claimtrace.extract.entities import IndexedGroups
from claimtrace.extract.events.actors import (
    actor_for,
    demand_heads,
    on_behalf_country,
    source_heads,
    target_heads,
    with_conjuncts,
)
from claimtrace.extract.events.casualties import find_casualties
from claimtrace.extract.events.classifier import CLASSIFIER_PATH, EventModel, load_classifier
from claimtrace.extract.events.coder import (
    Coding,
    code_trigger,
    is_statement,
    strike_kind,
    trigger_candidates,
    verb_lemma,
)
from claimtrace.extract.events.lexicon import LEXICON_PATH, Lexicon, load_lexicon
from claimtrace.extract.events.modality import coded_as, is_negated, modality, obligation_clause
from claimtrace.extract.tokentable import token_table
from claimtrace.model import Actor, Claim, DateMention, EntityGroup, Event, Place, Span

__all__ = ["CLASSIFIER_PATH", "LEXICON_PATH", "EventModel", "Lexicon", "find_events", "find_casualties",
           "load_classifier", "load_lexicon", "trigger_depth"]

OBSTRUCTION_CODE = "144"  # CAMEO "obstruct passage, block" (PLOVER PROTEST)
UNCODED_MAX_DEPTH = 2  # an uncoded verb may be the sentence's event near its root only
UNCODED_SKIP_DEPS = frozenset({"aux", "aux:pass", "cop", "amod", "acl", "advcl", "acl:relcl"})
CLAUSE_DEPS = frozenset({"ccomp", "advcl", "acl:relcl", "advcl:relcl", "conj", "parataxis", "xcomp", "csubj"})


def find_events(
    doc: Doc,
    claims: list[Claim] | None = None,
    places: list[Place] | None = None,
    dates: list[DateMention] | None = None,
    entity_groups: list[EntityGroup] | None = None,
    lexicon: Lexicon | None = None,
    classifier: EventModel | None | bool = True,
) -> list[Event]:
    """Every PLOVER event the parse of ``doc`` shows, in text order (offsets into ``doc.text``).

    ``classifier``: the event typer (:mod:`.classifier`); True loads the shipped one, None or False codes
    with the lexicon alone (also when no classifier is shipped)."""
    lexicon = lexicon or load_lexicon()
    if classifier is True:
        classifier = load_classifier()
    typer = classifier or None
    claims, places, dates = claims or [], places or [], dates or []
    groups = IndexedGroups(entity_groups or [])  # unchanged while the events are found: indexed once
    sentence_index = {sent.start: i for i, sent in enumerate(doc.sents)}
    found = []
    for token in trigger_candidates(doc):  # code_trigger codes no other token
        coding = code_trigger(token, lexicon)
        if coding is not None:
            event = _event(token, coding, None, lexicon, groups, places, dates, claims, sentence_index)
            if event is not None:
                found.append((token, coding, event))
    events = [event for _, _, event in found]
    if typer is None:
        return events
    # the typer learned the category of a sentence's event: it types each sentence's shallowest trigger
    main: dict[int, tuple[Token, Coding, Event]] = {}
    for token, coding, event in found:
        held = main.get(event.sentence)
        if held is None or trigger_depth(token) < trigger_depth(held[0]):
            main[event.sentence] = (token, coding, event)
    vectors = typer.typer.batch_vectors([token for token, _, _ in main.values()])
    sentence_verbs: dict[int, list[str]] = {}
    for token, coding, event in main.values():
        _retype(event, token, coding, typer, vectors[token.i], sentence_verbs)
    if typer.detector is not None:
        events = _add_uncoded(doc, events, lexicon, typer, groups, places, dates, claims, sentence_index,
                              sentence_verbs)
    return events


def _event(token: Token, coding: Coding, statement: str | None, lexicon: Lexicon, groups: list[EntityGroup],
           places: list[Place], dates: list[DateMention], claims: list[Claim],
           sentence_index: dict[int, int]) -> Event | None:
    clause = obligation_clause(token)
    sources, targets = demand_heads(clause) if clause is not None else (source_heads(token), None)
    # a subject's conjuncts stand before its verb too (a misparse joins the sayers after it: "X did Y, Z said")
    source = [actor_for(h, lexicon, groups, places, token) for h in with_conjuncts(sources)
              if h in sources or h.i < token.i or all(s.i > token.i for s in sources)]
    coding = _obstruction(token, coding, source, lexicon)
    if targets is None:
        targets = target_heads(token, lexicon, accusing=coding.category == "ACCUSE",
                               protesting=coding.category == "PROTEST",
                               moving=coding.category in {"RETREAT", "MOBILIZE"})
    target = [actor_for(h, lexicon, groups, places, token) for h in with_conjuncts(targets, lexicon)]
    if token.pos_ == "VERB" and not any(_is_named(a) for a in source + target):
        return None  # a verb names an event between actors only (PETRARCH codes none without them)
    negated = is_negated(token)
    modality_value = modality(token, negated=negated)
    event = Event(
        category=coding.category,
        trigger=Span(token.text, token.idx, token.idx + len(token)),
        coded_as="REQUEST" if clause is not None else statement or coded_as(coding.category, token, modality_value),
        mode=coding.mode,
        context=coding.context,
        cameo=coding.cameo or None,
        source=source,
        target=target,
        negated=negated,
        modality=modality_value,
        claim=_carrying_claim(claims, token),
        sentence=sentence_index.get(token.sent.start, 0),
    )
    _fill_where_and_when(event, token, places, dates)
    _represented_country(event, token, lexicon, groups, places)
    return event


OBSTRUCTION_LEMMAS = frozenset({"block", "blockade", "obstruct", "barricade", "close"})
STATE_SECTORS = frozenset({"government", "military", "police"})


def _obstruction(token: Token, coding: Coding, source: list[Actor], lexicon: Lexicon) -> Coding:
    """CAMEO tells a state's blockade (191, COERCE) from people blocking a road or a bridge (144, "obstruct
    passage", PROTEST) by who does it: coerced blocking by actors none of which is a state (a government, the
    military, the police, or a country named as such) is a protest."""
    if not source or not _blocking(token, coding):
        return coding
    if any(a.sector in STATE_SECTORS or _names_a_country(a) for a in source):
        return coding
    category, mode, context = lexicon.plover(OBSTRUCTION_CODE) or ("PROTEST", "obstruct", "")
    return Coding(OBSTRUCTION_CODE, category, mode or None, context or None)


def _blocking(token: Token, coding: Coding) -> bool:
    """A coerced blocking ("blocked", "the blockade of"): who does it decides its category (:func:`_obstruction`)."""
    return coding.category == "COERCE" and verb_lemma(token) in OBSTRUCTION_LEMMAS


def _names_a_country(actor: Actor) -> bool:
    """ "Chile", "the United States" (a country as actor), not "Chilean truckers" (people with a nationality)."""
    words = actor.text.split()
    return bool(actor.country and not actor.sector and words and words[-1][:1].isupper())


def _add_uncoded(doc: Doc, events: list[Event], lexicon: Lexicon, model: EventModel, groups: list[EntityGroup],
                 places: list[Place], dates: list[DateMention], claims: list[Claim],
                 sentence_index: dict[int, int], sentence_verbs: dict[int, list[str]]) -> list[Event]:
    """In a sentence where the lexicon coded nothing, the verb the detector finds most likely an event (when
    at least ``model.admit``), typed by the classifier: a verb the 2015 dictionary lists but whose patterns code
    nothing here ("rejected an ultimatum"), near the sentence's root, between a named source and a named target.
    (The gold records have an event in every sentence, so the detector learned which verb, not whether: on news
    text, any verb and any actors made mostly false events.)"""
    covered = {e.sentence for e in events}
    added = []
    for index, sentence in enumerate(doc.sents):
        if index in covered:
            continue
        best: tuple[float, Token] | None = None
        verbs = _uncoded_candidates(doc, sentence.start, sentence.end, lexicon)
        vectors = model.detector.batch_vectors(verbs)
        for token in verbs:
            probability = model.event_probability(token, None, vectors[token.i], sentence_verbs)
            if probability >= model.admit and (best is None or probability > best[0]):
                best = (probability, token)
        if best is None:
            continue
        token = best[1]
        label = model.type(token, None, vectors[token.i], sentence_verbs).label
        event = _event(token, Coding("", label, None, None), label, lexicon, groups, places, dates, claims,
                       sentence_index)
        if event is not None and any(map(_is_named, event.source)) and any(map(_is_named, event.target)):
            added.append(event)  # a verb no dictionary codes is an event only between two named actors
    return sorted(events + added, key=lambda e: e.trigger.start) if added else events


def _uncoded_candidates(doc: Doc, start: int, end: int, lexicon: Lexicon) -> list[Token]:
    """The verbs of tokens [start, end) an uncoded event may be: listed, near the root, not a statement, not
    an auxiliary or a modifier. The parse is read from the doc's columns; a ``Token`` is built for the few
    verbs that pass the cheap tests."""
    table = token_table(doc)
    verbs = []
    for i in range(start, end):
        if table.pos[i] != VERB or table.deps[i] in UNCODED_SKIP_DEPS or table.lemmas[i] not in lexicon.forms:
            continue
        if _depth(table.heads, i) > UNCODED_MAX_DEPTH:
            continue
        token = doc[i]
        if not token.is_space and not is_statement(token, lexicon):
            verbs.append(token)
    return verbs


def _depth(heads: list[int], i: int) -> int:
    """Steps from token ``i`` to its sentence root, along the heads column (a root is its own head)."""
    depth = 0
    while heads[i] != i:
        i, depth = heads[i], depth + 1
    return depth


def _retype(event: Event, token: Token, coding: Coding, model: EventModel, vector: np.ndarray,
            sentence_verbs: dict[int, list[str]]) -> None:
    """Type a trigger the lexicon coded with the classifier.

    The lexicon finds the triggers; the classifier types them. Its label is PLOVER's coding of the
    statement: when it agrees with the lexicon's category or its coding after modality, the lexicon's CAMEO
    code, mode and context stay; otherwise (when at least ``model.override`` probable) the label is also the
    event's category, and the event keeps no CAMEO code, mode or context."""
    if obligation_clause(token) is not None or _blocking(token, coding) or _decided_strike(token, coding, event):
        # a codebook rule coded it ("Y must withdraw" is a demand on Y; who blocks decides; an air strike is an
        # attack, a hunger strike a protest): it stands
        return
    prediction = model.type(token, coding, vector, sentence_verbs, (event.negated, event.modality, event.coded_as))
    if prediction.label in {event.coded_as, coding.category}:
        event.coded_as = prediction.label
    elif prediction.probability >= model.override:
        event.category = event.coded_as = prediction.label
        event.cameo = event.mode = event.context = None


def _decided_strike(token: Token, coding: Coding, event: Event) -> bool:
    """A strike its modifiers name ("air strike", "hunger strike"), or a state's strike (a country named as its
    actor, or its government, military or police: states strike with weapons, workers with their work): the
    typer, whose few strikes were mostly protests, does not recode it."""
    if token.lemma_.lower() != "strike":
        return False
    if strike_kind(token) is not None:
        return True
    return coding.category == "ASSAULT" and any(a.sector in STATE_SECTORS or _names_a_country(a) for a in event.source)


def _is_named(actor: Actor) -> bool:
    """An actor the dictionaries, the gazetteer or the entity groups know (not "which" or "the movement")."""
    return bool(actor.code or actor.country or actor.sector or actor.canonical)


def trigger_depth(token: Token) -> int:
    """Steps from the trigger to its sentence root (the main event of a sentence is the shallowest)."""
    return _depth(token_table(token.doc).heads, token.i)


def _phrase_range(trigger: Token) -> tuple[int, int]:
    """Character range of the trigger's own phrase: its subtree without embedded clauses."""
    low = high = trigger  # a subtree's first and last tokens are its edges: no walk over its tokens
    for child in trigger.children:
        if child.dep_ not in CLAUSE_DEPS:
            left, right = child.left_edge, child.right_edge
            low = left if left.i < low.i else low
            high = right if right.i > high.i else high
    return low.idx, high.idx + len(high)


def _fill_where_and_when(event: Event, trigger: Token, places: list[Place], dates: list[DateMention]) -> None:
    start, end = _phrase_range(trigger)
    event.places = [
        copy.copy(p) for p in places
        if start <= p.start and p.end <= end and p.id
        and not any(a.start <= p.start and p.end <= a.end for a in event.source)
    ]
    inside = [d for d in dates if start <= d.start and d.end <= end]
    if not inside:
        sentence = trigger.sent
        in_sentence = [d for d in dates if sentence.start_char <= d.start and d.end <= sentence.end_char]
        inside = in_sentence if len(in_sentence) == 1 else []
    event.date = copy.copy(inside[0]) if inside else None  # spans of plain fields: a shallow copy is a copy


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
