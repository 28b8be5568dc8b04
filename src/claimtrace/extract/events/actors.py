"""Source and target actors of a trigger, from the parse, coded with country and sector.

Source: the subject (the "by" agent of a passive; a controlling verb's subject for "agreed to
cooperate"; the possessor, nationality adjective or "by" phrase of an event noun, or the subject of its
verb for "their strike" and "speeded up the withdrawal"; the subject of "is opposed to"). Target: the
object, a passive's subject, or the object of "with", "against", "to", "on", "from", "into", ... ,
by the kind of event as the CAMEO/PLOVER coding reads "whom": the recipient of a handing over, not
what moves; the doer of the deed an accusation names, not its addressee; whom a protest is against,
before its place; whom a conditional threat is aimed at ("unless Y ..."); an event noun's "of" phrase
(unless the noun names a movement: then what moves). "X said Y must ..." is a demand by X of Y
(:func:`demand_heads`). Named structures (bridges, borders) and the source's own forces are no targets.
Conjoined actors ("Jordan and Britain") are listed one by one. A pronoun subject of a reported clause
("Uganda said it had paid") takes the reporting verb's subject.

Country (ISO 3166-1 alpha-3) and sector come from the PETRARCH-2 actor and agent dictionaries (the
longest name in the actor's words or in its entity's fullest name), else from a place the gazetteer
resolved inside the actor's words, else from a nationality adjective among them ("two Iraqi youths": IRQ);
"X, on behalf of Y" gives X Y's country when X has none.
Misses: actors the parse attaches elsewhere, people absent from the 2014 dictionaries and from the
article's entity groups, role nouns neither those dictionaries nor ``ROLE_NOUNS`` list, a structure's
name the parser does not hang on a ``FACILITY_NOUNS`` word, and coreference beyond reported clauses.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from spacy.tokens import Token

from claimtrace.extract.doctext import doc_text
from claimtrace.extract.entities import canonical_for
from claimtrace.extract.events.coder import SUPPORT_VERBS, doc_tables, halting_code, misread_subject
from claimtrace.extract.events.lexicon import Lexicon
from claimtrace.model import Actor, EntityGroup, Place

SECTORS = {
    "GOV": "government", "LEG": "government", "SPY": "government", "ELI": "government", "PTY": "government",
    "MIL": "military", "COP": "police", "REB": "rebel", "INS": "rebel", "UAF": "rebel", "IMG": "rebel",
    "SEP": "rebel", "OPP": "opposition", "CVL": "civilian", "REF": "civilian", "EDU": "civilian",
    "HLH": "civilian", "AGR": "civilian", "LAB": "civilian", "IGO": "international", "NGO": "international",
    "HRI": "international", "MED": "media", "JRN": "media", "BUS": "business", "MNC": "business",
    "JUD": "judiciary", "REL": "religious", "CRM": "criminal",
}
SOURCE_DEPS = frozenset({"nsubj", "csubj", "nsubj:outer"})
TARGET_DEPS = frozenset({"obj", "iobj", "nsubj:pass"})
OBLIQUE_DEPS = frozenset({"obl", "nmod", "obl:unmarked"})
TARGET_PREPOSITIONS = ("with", "against", "to", "on", "at", "into", "toward", "towards", "from", "over", "upon",
                       "for", "between")
TARGET_RANK = {p: i for i, p in enumerate(TARGET_PREPOSITIONS)}
INNER_PREPOSITIONS = frozenset({"to", "from", "by", "against", "with", "for", "between", "on", "of", "into"})
ACTOR_ENTITIES = frozenset({"PER", "ORG", "LOC", "MISC"})
PROTEST_NOUNS = frozenset({"protest", "defiance", "opposition", "solidarity", "support"})
PRONOUNS = frozenset({"it", "they", "he", "she", "we", "its", "their", "his", "her"})
# General role nouns the 2014 agent dictionary lacks (it has "troop" and "soldier", not "official" or "force").
ROLE_NOUNS = frozenset({
    "official", "officer", "force", "peacekeeper", "coalition", "prisoner", "candidate", "national", "delegation",
    "negotiator", "envoy", "diplomat", "inspector", "observer", "monitor", "militant", "insurgent", "fighter",
    "protester", "protestor", "demonstrator", "activist", "authority", "administration", "regime", "ministry",
    "faction", "party", "militia", "delegate", "spokesman", "spokeswoman", "spokesperson", "commander", "leader",
    "minister", "president", "ambassador", "hostage", "detainee", "settler", "resident", "villager", "worker",
})
# Verbs of moving or handing over: their object is what moves (troops, aid), the target is where it goes or
# who gets it ("deployed peacekeepers to X", "granted asylum to Y").
TRANSFER_VERBS = frozenset({
    "send", "deploy", "dispatch", "withdraw", "pull", "move", "transfer", "ship", "deliver", "contribute",
    "provide", "give", "supply", "donate", "grant", "hand", "return", "offer", "extend", "airlift", "evacuate",
    "station", "redeploy",
})
# Verbs of an event's course ("began the withdrawal", "stepped up the attacks"): their subject is its doer.
ASPECTUAL_VERBS = frozenset({"begin", "start", "continue", "complete", "finish", "speed", "accelerate", "resume",
                             "intensify", "step", "escalate", "expand", "prolong", "extend", "end", "conclude"})
# Verbs that decree the measure their object names ("announced a suspension of links", "ordered a blockade").
DECREEING_VERBS = frozenset({"announce", "declare", "order", "decree", "impose", "approve"})
STANCE_PARTICIPLES = frozenset({"oppose", "commit", "determine", "dedicate", "devote", "resolve", "engage", "involve"})
FACILITY_NOUNS = frozenset({"bridge", "border", "road", "highway", "crossing", "airport", "facility", "plant",
                            "building", "frontier", "route", "street", "pipeline", "dam", "tunnel", "railway"})
REPORTING_LEMMAS = frozenset({"say", "tell", "announce", "report", "state", "claim", "add", "confirm", "declare"})


def preposition(token: Token) -> str | None:
    """The preposition that marks a nominal ("with" in "with Assad"), lower case."""
    marks = [c.lower_ for c in token.children if c.dep_ == "case" and c.i < token.i]
    return " ".join(marks) if marks else None


def source_heads(trigger: Token) -> list[Token]:
    heads = [c for c in trigger.children if c.dep_ in SOURCE_DEPS or c.dep_ == "expl" and c.lower_ == "it"]
    if not heads and _stative(trigger):  # "Israel is opposed to ...": who holds the stance
        heads = [c for c in trigger.children if c.dep_ == "nsubj:pass"]
    if trigger.pos_ != "VERB" and not heads:  # a noun, unless the tagger took a verb for one ("Germany plans")
        return _noun_source_heads(trigger)
    heads += [c for c in trigger.children if c.dep_ == "obl:agent"]
    if not heads and trigger.dep_ in {"xcomp", "conj", "advcl"} and trigger.head.i != trigger.i:  # "is willing to"
        return source_heads(trigger.head) if trigger.head.pos_ in {"VERB", "AUX", "NOUN", "ADJ"} else []
    if not heads and trigger.dep_ == "acl:relcl":
        heads = [trigger.head]
    if not heads:  # "army bulldozers demolished homes" read as a noun phrase: its subject is outside the verb
        subject = misread_subject(trigger)
        heads = [subject] if subject is not None else []
    if not heads and trigger.dep_ == "acl" and trigger.head.pos_ == "NOUN":  # "Russian intentions to reduce"
        heads = _noun_source_heads(trigger.head)
    return heads


def demand_heads(clause: Token) -> tuple[list[Token], list[Token]]:
    """ "X said (that) Y must withdraw": the one who demands (X, the subject of the verb that reports the
    clause, if any) and the one demanded of (Y, the clause's subject)."""
    bound = [c for c in clause.children if c.dep_ in {"nsubj", "nsubj:pass"}]
    speaker: list[Token] = []
    if clause.dep_ in {"ccomp", "parataxis"} and clause.head.i != clause.i:
        speaker = [c for c in clause.head.children if c.dep_ in SOURCE_DEPS]
    if not speaker:  # "Y must withdraw, X said"
        for child in clause.children:
            if child.dep_ in {"parataxis", "ccomp"} and child.lemma_.lower() in REPORTING_LEMMAS:
                speaker = [c for c in child.children if c.dep_ in SOURCE_DEPS]
                break
    return speaker, bound


def _stative(trigger: Token) -> bool:
    """ "is opposed to", "are committed to": a participle under a copula, or a stance participle under "be",
    states its subject's stance (the parser reads a passive)."""
    if any(c.dep_ == "obl:agent" for c in trigger.children):
        return False
    return any(c.dep_ == "cop" for c in trigger.children) or trigger.lemma_.lower() in STANCE_PARTICIPLES and any(
        c.dep_ == "aux:pass" for c in trigger.children)


def _noun_source_heads(trigger: Token) -> list[Token]:
    heads = [c for c in trigger.children if c.dep_ == "nmod:poss"]
    if heads and all(h.lower_ in PRONOUNS for h in heads) and trigger.dep_ == "obj":
        # "the workers continued their strike": the owner is the subject of the verb that governs the noun
        heads = [c for c in trigger.head.children if c.dep_ in SOURCE_DEPS] or heads
    heads += [c for c in trigger.children if c.dep_ in {"amod", "compound"} and (c.ent_type_ or c.pos_ == "PROPN")]
    heads += [c for c in trigger.children if c.dep_ == "nmod" and preposition(c) == "by"]
    if not heads and trigger.dep_ in {"xcomp", "conj"} and trigger.head.pos_ in {"VERB", "NOUN"}:
        return source_heads(trigger.head) if trigger.head.pos_ == "VERB" else _noun_source_heads(trigger.head)
    if not heads and trigger.dep_ == "obj" and trigger.head.lemma_.lower() in ASPECTUAL_VERBS | DECREEING_VERBS:
        # "the army speeded up its pullback", "X announced a suspension of ...": who runs the event's
        # course, or decrees it, does it
        heads = [c for c in trigger.head.children if c.dep_ in SOURCE_DEPS]
    return heads


OFFENCE_PREPOSITIONS = frozenset({"over", "about", "of", "for", "against", "into", "on"})
DEED_PREPOSITIONS = frozenset({"over", "about", "of", "for", "into"})  # inside a phrase, "against X" names victims


def _offence_doer(head: Token, lexicon: Lexicon, depth: int = 0) -> list[Token]:
    """Who did the deed a phrase names ("crimes committed by X", "X's suppression of ...", "Israeli air raids")."""
    for child in head.children:
        by = child.dep_ == "obl:agent" or child.dep_ == "nmod" and preposition(child) == "by"
        if by and is_actor_like(child, lexicon):
            return [child]
    owners = [c for c in head.children if c.dep_ == "nmod:poss" and c.lower_ not in PRONOUNS and is_actor_like(c, lexicon)]
    if owners:
        return owners
    names = [c for c in head.children if c.dep_ in {"amod", "compound"} and c.ent_type_ in ACTOR_ENTITIES]
    if names:
        return names[:1]
    if depth < 1:
        for child in head.children:
            if child.dep_ in {"acl", "acl:relcl"} and child.pos_ == "VERB":
                found = _offence_doer(child, lexicon, depth + 1)
                if found:
                    return found
    return []


def target_heads(trigger: Token, lexicon: Lexicon, depth: int = 0, accusing: bool = False,
                 protesting: bool = False, moving: bool = False) -> list[Token]:
    """The actor acted on, the first of:
    - an object that names an actor (not the source's own "its troops"; an event noun's "of" phrase counts as
      its object);
    - one in a "with/against/to/on/for/between/..." phrase of the trigger, or inside it ("against Sweden's
      decision");
    - one inside the object's phrase: its possessor ("praised Haiti's efforts"), a name modifying it ("a United
      Nations appeal"), or a prepositional phrase of it ("demands from the rebels", "aid to Iraq");
    - the subject of the trigger's complement clause ("demanded that Israel ease ...", "urged ... that X");
    - the target of a complement or purpose ("agreed to provide aid for Romania", "a hunger strike to demand
      the minister's resignation", "in protest of the government's refusal");
    - the subject of an "unless" clause (whom a threat is aimed at);
    - a named place the event happens in.
    A verb of sending or handing over (``TRANSFER_VERBS``) takes the recipient first: a "to" phrase of it, of a
    verb joined to it or of its objects, before a named object (what moves). ``accusing`` (an ACCUSE event: a
    complaint, an accusation, an investigation): the accused, the doer of the deed the object or an
    "over/about/of/for/into" phrase names, comes before the one addressed ("complained to the UN over Israeli
    raids": Israeli). ``protesting`` (a PROTEST): whom it is against, before the place. ``moving`` (a RETREAT or
    MOBILIZE): an event noun's "of" phrase is what moves, not the target.
    Misses: a target named only in another sentence, or one a misparse hangs elsewhere."""
    passive = any(c.dep_ in {"aux:pass", "nsubj:pass"} for c in trigger.children) and not _stative(trigger)
    objects = [c for c in trigger.children if c.dep_ in TARGET_DEPS and (passive or c.dep_ != "nsubj:pass")]
    if (trigger.dep_ == "amod" and trigger.head.i > trigger.i and misread_subject(trigger) is not None
            and trigger.lemma_.lower() not in SUPPORT_VERBS):
        objects.append(trigger.head)  # "demolished homes" read as a noun phrase: the noun is the object
    theme = []  # a movement noun's "of" phrase is what moves ("the withdrawal of its forces from X")
    if trigger.pos_ != "VERB":  # an event noun's "of" phrase is its object ("the blockade of X", "a meeting of Y")
        of = [c for c in trigger.children if c.dep_ == "nmod" and preposition(c) == "of"]
        theme, objects = (of, objects) if moving else ([], objects + of)
    named = [o for o in objects if is_actor_like(o, lexicon) and not _owned_by_the_subject(o)]
    # who gets what is sent, handed over, or halted ("halted aid to X": X)
    transfer = trigger.lemma_.lower() in TRANSFER_VERBS or halting_code(trigger) is not None
    if named and not transfer:
        return named
    if protesting:  # whom a protest is against, however deep ("rallies in X against Y", "in defiance of Y")
        found = _protested(trigger, lexicon)
        if found:
            return found
    if accusing:
        found = _accused(trigger, objects, lexicon)
        if found:
            return found
    found = [c for c in trigger.children if c.dep_ in OBLIQUE_DEPS and preposition(c) == "to"
             and is_actor_like(c, lexicon)] if transfer else []
    found = found or (_recipient(trigger, objects, lexicon) if transfer else [])
    found = found or _prepositional_actor(trigger, lexicon)
    if found:
        return found
    if named:
        return named
    for head in [*objects, *theme]:
        inside = _actor_inside(head, lexicon)
        if inside:
            return inside
    for child in trigger.children:
        if child.dep_ == "ccomp":
            subjects = [c for c in child.children if c.dep_ in SOURCE_DEPS | {"nsubj:pass"}
                        and c.lower_ not in PRONOUNS and is_actor_like(c, lexicon)]
            if subjects:
                return subjects
    if depth < 2:  # purposes of the trigger, then of its object ("staged a strike to demand ...")
        # an event noun's verb may carry the purpose ("began a hunger strike to demand ...")
        carrier = [trigger.head] if trigger.pos_ == "NOUN" and trigger.dep_ == "obj" else []
        for child in [*_purpose_clauses(trigger), *(c for o in [*objects, *carrier] for c in _purpose_clauses(o))]:
            found = target_heads(child, lexicon, depth + 1, protesting=protesting)
            if found:
                return found
    bound = _condition_subject(trigger, lexicon)
    if bound:  # "threatened to strike unless Israel rescinds ...": the threat is aimed at Israel
        return bound
    places = [_named_place(c) for c in trigger.children if c.dep_ in OBLIQUE_DEPS and preposition(c) in {"in", "at"}]
    return [p for p in places if p is not None][:1]


def _accused(trigger: Token, objects: list[Token], lexicon: Lexicon) -> list[Token]:
    """Whom an accusation is about: an object or an offence phrase ("over/about/of/for/against/into/on", of
    the trigger or, "over/about/of/for/into", inside its phrases) that is an actor itself, else the doer of
    the deed it names ("over Israeli raids": Israeli; "crimes committed by X": X)."""
    deeds = [c for c in trigger.children if c.dep_ in OBLIQUE_DEPS and preposition(c) in OFFENCE_PREPOSITIONS]
    phrases = [*objects, *(c for c in trigger.children if c.dep_ in OBLIQUE_DEPS)]
    deeds += [c for o in phrases for c in o.children if c.dep_ == "nmod" and preposition(c) in DEED_PREPOSITIONS]
    for deed in [*objects, *deeds]:
        if is_actor_like(deed, lexicon, own_word=True):
            return [_past_quantity(deed)]
        found = _offence_doer(deed, lexicon) or ([deed] if is_actor_like(deed, lexicon) else [])
        if found:
            return found
    return []


def _recipient(trigger: Token, objects: list[Token], lexicon: Lexicon) -> list[Token]:
    """Who gets what is sent or handed over: an actor in a "to" phrase of a verb joined to the trigger, of an
    object or of an object joined to it ("donated and delivered goods to X", "provided photographs and
    intelligence to X")."""
    for head in [*(c for c in trigger.conjuncts if c.pos_ == "VERB"), *objects,
                 *(t for o in objects for t in o.conjuncts)]:
        found = [c for c in head.children if c.dep_ in OBLIQUE_DEPS and preposition(c) == "to"
                 and is_actor_like(c, lexicon)]
        if found:
            return found
    return []


def _condition_subject(trigger: Token, lexicon: Lexicon) -> list[Token]:
    """The subject of an "unless" clause of the trigger or of its complement: whom a threat is aimed at."""
    heads = [trigger, *(c for c in trigger.children if c.dep_ in {"xcomp", "advcl"} and c.pos_ == "VERB")]
    for head in heads:
        for clause in head.children:
            if clause.dep_ in {"advcl", "obl"} and any(m.lower_ == "unless" for m in clause.children if m.dep_ == "mark"):
                subjects = [c for c in clause.children if c.dep_ in {"nsubj", "nsubj:pass"} and c.lower_ not in PRONOUNS
                            and is_actor_like(c, lexicon)]
                if subjects:
                    return subjects
    return []


def _protested(trigger: Token, lexicon: Lexicon) -> list[Token]:
    """An actor in an "against X" phrase or after a protest noun ("in defiance of X") within the trigger's own
    phrase (breadth first, three levels, no embedded clause)."""
    level = [c for c in trigger.children if c.dep_ in OBLIQUE_DEPS | TARGET_DEPS]
    for _ in range(3):
        following = []
        for head in level:
            if preposition(head) == "against" or head.lemma_.lower() in PROTEST_NOUNS:
                inside = ([head] if preposition(head) == "against" and is_actor_like(head, lexicon)
                          else _actor_inside(head, lexicon))
                if inside:
                    return inside
            following += [c for c in head.children if c.dep_ in OBLIQUE_DEPS]
        level = following
    return []


def _prepositional_actor(head: Token, lexicon: Lexicon) -> list[Token]:
    """An actor in a "with/against/to/..." phrase of the head: the phrase's noun, else an actor inside it
    ("against Sweden's decision", "for the United States' policies")."""
    phrases = [(c, preposition(c)) for c in head.children if c.dep_ in OBLIQUE_DEPS]
    phrases = sorted(((TARGET_RANK[p], c) for c, p in phrases if p in TARGET_RANK), key=lambda x: (x[0], x[1].i))
    for _, child in phrases:
        if is_actor_like(child, lexicon) and not _owned_by_the_subject(child):
            return [_past_quantity(child)]
    for _, child in phrases:
        inside = _actor_inside(child, lexicon)
        if inside:
            return inside
    return []


def _purpose_clauses(trigger: Token) -> list[Token]:
    """Complements and purposes of the trigger: "agreed to provide ...", "a strike to demand ...",
    "rallied, calling for ...", "in protest of ..."."""
    out = []
    for child in trigger.children:
        if child.pos_ not in {"VERB", "NOUN"}:
            continue
        marked_to = any(m.lower_ == "to" and m.dep_ == "mark" for m in child.children)
        if child.dep_ == "xcomp" or child.dep_ in {"advcl", "acl"} and (marked_to or child.tag_ == "VBG"):
            out.append(child)
        elif child.dep_ in OBLIQUE_DEPS and child.lemma_.lower() in PROTEST_NOUNS:
            out.append(child)  # "in protest of/against ..."
    return out


def _actor_inside(head: Token, lexicon: Lexicon, depth: int = 0) -> list[Token]:
    """An actor named inside a non-actor object phrase: possessor, name modifier, prepositional phrase (a
    named place for "in"), one level down through "of" ("70 million dollars of aid for Romania")."""
    owners = [c for c in head.children if c.dep_ == "nmod:poss" and c.lower_ not in PRONOUNS
              and is_actor_like(c, lexicon)]
    if owners:
        return owners
    names = [c for c in head.children if c.dep_ in {"compound", "amod"} and c.ent_type_ in ACTOR_ENTITIES
             and not _is_thing(head)]  # "the Europe Bridge": part of the bridge's name
    if names:
        return names[:1]
    for child in head.children:
        if child.dep_ != "nmod":
            continue
        marked = preposition(child)
        if marked in INNER_PREPOSITIONS and is_actor_like(child, lexicon) and not _owned_by_the_subject(child):
            return [_past_quantity(child)]
        place = _named_place(child) if marked == "in" else None
        if place is not None:
            return [place]
    if depth < 1:
        for child in head.children:
            if child.dep_ == "nmod" and preposition(child) == "of":
                found = _actor_inside(child, lexicon, depth + 1)
                if found:
                    return found
    return []


PLACE_NOUNS = frozenset({"town", "city", "village", "province", "region", "district", "capital", "area", "state",
                         "county", "enclave", "territory", "camp", "port"})


def _named_place(head: Token) -> Token | None:
    """A named place: the word itself, or the name of "the town of X" / "X province"."""
    if head.ent_type_ == "LOC":
        return head
    if head.lemma_.lower() in PLACE_NOUNS:
        for child in head.children:
            if child.ent_type_ == "LOC" and (child.dep_ == "compound" or child.dep_ == "nmod" and preposition(child) == "of"):
                return child
    return None


def _owned_by_the_subject(head: Token) -> bool:
    """ "withdraw its troops": the source's own forces are what moves, not whom it acts on."""
    return any(c.dep_ == "nmod:poss" and c.lower_ in {"its", "their", "his", "her", "our"} for c in head.children)


def is_actor_like(head: Token, lexicon: Lexicon, own_word: bool = False) -> bool:
    """Does the word name an actor: a named entity, a dictionary actor, or a role noun ("troops", "police")?
    Unless ``own_word``, also a word a name modifies ("Israeli raids")."""
    if _is_thing(head):
        return False
    if head.ent_type_ in {"PER", "ORG", "LOC", "MISC"}:
        return True
    if not own_word and any(c.ent_type_ in {"PER", "ORG", "LOC", "MISC"} for c in head.children
                            if c.dep_ in {"compound", "amod"}):
        return True
    lower = head.lower_
    keys = (head.lemma_.lower(), lower, lower[:-1] if lower.endswith("s") else "")
    return any(k and (k in lexicon.actors or k in lexicon.agents or k in ROLE_NOUNS) for k in keys)


def _is_thing(head: Token) -> bool:
    """A named structure or line ("the Europe Bridge", "the Thai border"): a place of an event, not an actor."""
    return head.lemma_.lower() in FACILITY_NOUNS


QUANTITY_HEADS = frozenset({"thousands", "hundreds", "dozens", "tens", "scores", "millions", "group", "groups",
                            "members", "some", "many", "most", "all", "number", "majority", "part", "one", "two"})


def _past_quantity(head: Token) -> Token:
    """ "Thousands of Nigerians", "a group of students": the people, not the amount."""
    if head.lower_ in QUANTITY_HEADS or head.like_num:
        for child in head.rights:
            if child.dep_ == "nmod" and preposition(child) == "of":
                return child
    return head


def with_conjuncts(heads: Iterable[Token], lexicon: Lexicon | None = None) -> list[Token]:
    """The heads and their later conjuncts ("Jordan and Britain"); with ``lexicon``, of an actor only the
    conjuncts that name actors too ("release the minister and his papers": the minister)."""
    out: list[Token] = []
    for head in (_past_quantity(h) for h in heads):
        out.append(head)
        conjuncts = [t for t in head.conjuncts if t.i > head.i]
        if lexicon is not None and is_actor_like(head, lexicon):
            conjuncts = [t for t in conjuncts if is_actor_like(t, lexicon)]
        out.extend(conjuncts)
    return out


def actor_for(
    head: Token, lexicon: Lexicon, groups: list[EntityGroup], places: list[Place], trigger: Token
) -> Actor:
    """The actor a head word names: its words, fullest name, CAMEO code, country and sector."""
    resolved = _resolve_pronoun(head, trigger)
    start, end = _actor_extent(resolved)
    if start <= trigger.i < resolved.i:  # "demolished homes" read as a noun phrase: the verb is no part of it
        start = trigger.i + 1
    doc = head.doc
    full_text = doc_text(doc)  # Doc.text joins every token anew at each access
    text = full_text[doc[start].idx : doc[end].idx + len(doc[end])]
    char_start, char_end = doc[start].idx, doc[end].idx + len(doc[end])
    canonical = canonical_for(groups, char_start, char_end, full_text)
    words = [t.lower_ for t in doc[start : end + 1] if not t.is_punct]
    code = _actor_code(words, lexicon) or (canonical and _actor_code(canonical.lower().split(), lexicon))
    country, sector = split_code(code)
    agent = _agent_code(resolved, words, lexicon)
    if agent:
        sector = SECTORS.get(agent[:3], sector)
    if country is None:
        country = _place_country(places, char_start, char_end)
    if country is None:  # "two Iraqi youths": the nationality adjective names the country
        country = next((c for t in doc[start : end + 1] if (c := _demonym_country(t.text))), None)
    return Actor(text=text, start=char_start, end=char_end, canonical=canonical, country=country,
                 sector=sector, code=code or None)


def _agent_code(head: Token, words: list[str], lexicon: Lexicon) -> str | None:
    """The agent code of the actor's role noun ("troops" -> MIL), singular forms and two-word roles too."""
    lower = head.lower_
    for key in (head.lemma_.lower(), lower, lower[:-1] if lower.endswith("s") else "",
                lower[:-2] if lower.endswith("es") else "", " ".join(words[-2:])):
        if key and key in lexicon.agents:
            return lexicon.agents[key]
    return None


def _resolve_pronoun(head: Token, trigger: Token) -> Token:
    """ "Uganda said it had paid": "it" is the subject of the reporting verb above the trigger."""
    if head.lower_ not in PRONOUNS:
        return head
    verb = trigger
    while verb.dep_ not in {"ccomp", "ROOT"} and verb.head.i != verb.i:
        verb = verb.head
    if verb.dep_ == "ccomp" and verb.head.lemma_.lower() in REPORTING_LEMMAS:
        subjects = [c for c in verb.head.children if c.dep_ in SOURCE_DEPS and c.lower_ not in PRONOUNS]
        if subjects:
            return subjects[0]
    return head


def _actor_extent(head: Token) -> tuple[int, int]:
    """Token range of an actor: the head with its left modifiers and its name parts to the right."""
    start = head.i
    for child in head.lefts:
        if child.dep_ not in {"cc", "conj", "punct", "case", "mark", "advmod"}:
            start = min(start, child.left_edge.i)
    end = head.i
    for child in head.rights:
        if child.dep_ in {"flat", "compound", "nummod"} or (child.dep_ == "appos" and child.pos_ == "PROPN"):
            end = max(end, child.right_edge.i)
    while start < head.i and head.doc[start].dep_ == "det":
        start += 1
    return start, end


def _actor_code(words: list[str], lexicon: Lexicon) -> str | None:
    """The code of the longest dictionary name among the words (a country beats a person's title)."""
    best: tuple[int, str] | None = None
    for size in range(min(lexicon.longest_actor, len(words)), 0, -1):
        for i in range(len(words) - size + 1):
            code = lexicon.actors.get(" ".join(words[i : i + size]))
            if code and (best is None or size > best[0]):
                best = (size, code)
        if best:
            return best[1]
    return None


def split_code(code: str | None) -> tuple[str | None, str | None]:
    """``SYRGOV`` -> ("SYR", "government"); ``IGOUNO`` -> (None, "international")."""
    if not code:
        return None, None
    country = code[:3] if _is_country(code[:3]) else None
    rest = code[3:] if country else code
    sector = next((SECTORS[rest[i : i + 3]] for i in range(0, len(rest), 3) if rest[i : i + 3] in SECTORS), None)
    return country, sector


@lru_cache(maxsize=512)
def _is_country(code: str) -> bool:
    import pycountry

    return pycountry.countries.get(alpha_3=code) is not None


@lru_cache(maxsize=512)
def alpha3(alpha2: str) -> str | None:
    import pycountry

    country = pycountry.countries.get(alpha_2=alpha2)
    return country.alpha_3 if country else None


def _demonym_country(word: str) -> str | None:
    from claimtrace.geo.tables import DEMONYMS

    code = DEMONYMS.get(word)
    return alpha3(code) if code and len(code) == 2 else None


def _place_country(places: list[Place], start: int, end: int) -> str | None:
    for place in places:
        if place.start < end and start < place.end and place.country:
            return alpha3(place.country)
    return None


def on_behalf_country(trigger: Token, lexicon: Lexicon, groups: list[EntityGroup], places: list[Place]) -> str | None:
    """ "X met Y, on behalf of Z": Z's country, which X then represents."""
    tables = doc_tables(trigger.doc)
    if "behalf" not in tables.words[tables.starts[trigger.i] : tables.ends[trigger.i]]:
        return None  # no walk over the trigger's subtree in the many sentences without "behalf"
    for child in trigger.subtree:
        if child.lower_ == "behalf" and preposition(child) in {"on", "in"}:
            for represented in child.children:
                if represented.dep_ == "nmod" and preposition(represented) == "of":
                    actor = actor_for(represented, lexicon, groups, places, trigger)
                    if actor.country:
                        return actor.country
    return None
