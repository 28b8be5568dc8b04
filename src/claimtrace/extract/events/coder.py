"""Triggers and their codes: a verb or an event noun -> CAMEO code -> PLOVER 0.8 category and mode.

A verb is looked up by lemma (and particle, for multi-word forms such as "meet with") in the
PETRARCH-2 verb blocks; the block's pattern whose words all occur, in order, before the verb (its
subject side) and after it (its phrase) with the most words wins (on a tie the verb's own pattern, then the
one matching nearest the verb), else the form's own code ("ARREST [173]") or the block's default; a form
with its own code takes only the patterns written for it, and a pattern written for another verb of the block
may refine the block's event within its CAMEO root but not make it another kind of event. An infinitive's
"to" is no preposition for a pattern. An event noun ("withdrawal", "arrival", "attack") is coded as the verb it names. A movement whose
theme is military ("the arrival of new military equipment", "sent troops") is a mobilization
(CAMEO 154) unless a pattern coded it. Codes without a PLOVER category (CAMEO 01 statements, 02
appeals) and the null code give no event. Codebook decisions the dictionary misses: a demand verb
whose pattern reads an appeal stays a demand (02x -> 10x); reject, refuse, veto name a rejection
(120) whatever is rejected; a promise or refusal ("agreed to share ...") is the event when what it
frames codes none, and a promise no pattern reads is CAMEO 030 (AGREE); codes by what a verb acts on
(:func:`object_code`: halting aid or talks 16x, calling off a protest 082, expelling inspectors 166x,
receiving them 0862, acceding to demands 083, dismissing an appeal or denying entry 120, declaring a state of
emergency 1724); a mission sent, or an ambassador summoned, to investigate or to complain is the
investigation or the complaint. A verb the parser read as a noun phrase's modifier ("bulldozers demolished
homes" as "demolished homes") keeps its clause (:func:`misread_subject`). A lemma the lemmatizer clipped ("expelled" -> "expell") is looked up as the
dictionary's verb (:func:`claimtrace.extract.inflection.clipped_verb`; irregular forms are missed).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.attrs import IS_PUNCT, IS_SPACE
from spacy.symbols import NOUN, PART, PROPN, VERB
from spacy.tokens import Doc, Token

from claimtrace.extract.attribution.lexicon import TIME_NOUNS
from claimtrace.extract.events.lexicon import Lexicon, Pattern, VerbForm
from claimtrace.extract.inflection import clipped_verb, listed_base
from claimtrace.extract.tokentable import token_table

# Nouns that name an event under the same word as their verb ("attack", "visit", "talks").
ZERO_DERIVED_EVENT_NOUNS = frozenset({
    "attack", "strike", "airstrike", "raid", "visit", "talk", "meeting", "bombing", "shelling", "assault",
    "invasion", "offensive", "protest", "boycott", "embargo", "blockade", "ceasefire", "truce", "retreat",
    "withdrawal", "deployment", "arrival", "arrest", "ban", "threat", "ultimatum", "demand", "accusation", "agreement",
    "deal", "sanction", "evacuation", "negotiation", "summit", "incursion", "bombardment", "killing",
    "massacre", "ambush", "crackdown", "siege", "pullout", "handover", "condemnation", "appeal",
    "demonstration", "rally", "march", "riot", "sit-in", "uprising", "mediation", "investigation", "inquiry",
})
# Nominal suffixes and the verb endings they come from ("withdrawal" -> "withdraw", "arrival" -> "arrive").
NOMINAL_SUFFIXES = (("al", ""), ("al", "e"), ("ment", ""), ("ation", "e"), ("ation", ""), ("ion", "e"),
                    ("ion", ""), ("sion", "de"), ("ance", ""), ("ing", ""), ("ing", "e"))
NOUN_TO_VERB = {"strike": "strike", "airstrike": "bomb", "talk": "talk", "bombing": "bomb", "shelling": "shell",
                "invasion": "invade", "offensive": "attack", "pullout": "withdraw", "handover": "hand",
                "threat": "threaten", "ultimatum": "threaten", "accusation": "accuse", "agreement": "agree", "deal": "agree",
                "summit": "meet", "incursion": "invade", "bombardment": "bomb", "killing": "kill",
                "massacre": "massacre", "siege": "besiege", "crackdown": "crack", "truce": "ceasefire",
                "meeting": "meet", "condemnation": "condemn", "demonstration": "demonstrate", "rally": "rally",
                "march": "march", "riot": "riot", "sit-in": "demonstrate", "uprising": "rebel",
                "mediation": "mediate", "investigation": "investigate", "inquiry": "investigate"}
# "hunger strike", "general strike": a strike that is a protest, not an attack.
PROTEST_STRIKE_MODIFIERS = frozenset({"hunger", "general", "labour", "labor", "workers", "national", "nationwide",
                                      "open-ended", "indefinite", "token", "wildcat", "teachers", "miners"})
# "air strike", "missile strike": an attack (CAMEO 19x), whoever strikes.
MILITARY_STRIKES = frozenset({"air", "missile", "drone", "rocket", "military", "aerial", "nuclear", "pre-emptive",
                              "preemptive", "artillery"})
DURATIONS = frozenset({"day", "hour", "week"})
# Verbs of moving or building up forces: with a military theme, CAMEO 154 "mobilize or increase armed forces".
MOVEMENT_VERBS = frozenset({"arrive", "deploy", "send", "dispatch", "move", "reinforce", "bring", "mass",
                            "amass", "transfer", "ship", "deliver", "station", "build", "strengthen", "bolster"})
MILITARY_THEMES = frozenset({"military", "troop", "soldier", "force", "equipment", "weapon", "tank", "warship",
                             "army", "reinforcement", "artillery", "missile", "jet", "aircraft", "battalion",
                             "brigade", "armour", "armor", "helicopter", "unit", "contingent"})
# Verbs that only frame the event of their complement ("intends to withdraw", "began to shell").
FRAMING_VERBS = frozenset({"intend", "plan", "aim", "want", "seek", "hope", "expect", "try", "attempt", "begin",
                           "start", "continue", "look", "prepare", "need", "wish", "mean", "appear", "seem",
                           "agree", "promise", "pledge", "vow", "swear", "offer", "decide", "refuse", "decline"})
# Framing verbs that commit to (or refuse) what they frame: an event of their own when it is not one
# (AGREE or REJECT, :func:`claimtrace.extract.events.modality.coded_as`).
PROMISING_VERBS = frozenset({"agree", "promise", "pledge", "vow", "offer"})
DECLINING_VERBS = frozenset({"refuse", "decline"})
COMMISSIVE_VERBS = PROMISING_VERBS | DECLINING_VERBS
# Support verbs: the event is named by their object ("opened an investigation", "staged a protest").
SUPPORT_VERBS = frozenset({"hold", "launch", "stage", "open", "conduct", "mount", "issue", "undertake", "lodge",
                           "organize", "organise", "wage", "carry", "give", "make"})
NON_TRIGGER_DEPS = frozenset({"case", "fixed", "mark", "aux", "aux:pass", "cop", "amod"})
EMBEDDED_CLAUSES = frozenset({"ccomp", "advcl", "acl:relcl", "advcl:relcl", "conj", "parataxis", "csubj"})
MOBILIZE_CODE = "154"
INTENT_CODE = "030"  # CAMEO "express intent to cooperate" (PLOVER AGREE)
NO_EVENT = "---"
STATEMENT_ROOTS = frozenset({"01", "02"})
APPEAL_ROOT, DEMAND_ROOT = "02", "10"
# Verbs that name a rejection in any use (the dictionary's REFUSE block codes nothing by default, because "deny"
# and "decline" are not always rejections; "veto" it lacks).
REJECTION_VERBS = frozenset({"reject", "refuse", "spurn", "rebuff", "veto", "repudiate"})
REJECT_CODE = "120"
# CAMEO's own code for verbs the dictionary files under another block's default (negotiating and mediating under
# COMPROMISE [080] "yield"; suing under arrest [173]): the codebook names them (046 engage in negotiation,
# 045 mediate, 115 bring lawsuit against). Used when no pattern matches.
VERB_CODES = {"negotiate": "046", "mediate": "045", "intercede": "045", "arbitrate": "045", "sue": "115"}


@dataclass(frozen=True)
class Coding:
    cameo: str
    category: str
    mode: str | None
    context: str | None


def verb_lemma(token: Token) -> str | None:
    """The verb a trigger stands for: its own lemma, or the verb an event noun names; None otherwise."""
    if token.pos_ == "VERB":
        return token.lemma_.lower()
    if token.pos_ not in {"NOUN", "PROPN"} or token.pos_ == "PROPN" and not token.is_lower:
        return None
    lemma = token.lemma_.lower()
    if lemma == "strike":
        kind = strike_kind(token)
        if kind is not None:
            return kind
    if lemma in NOUN_TO_VERB:
        return NOUN_TO_VERB[lemma]
    if lemma in ZERO_DERIVED_EVENT_NOUNS:
        return lemma
    return None


def strike_kind(token: Token) -> str | None:
    """What a "strike" noun's modifiers say it is: "bomb" for an air or missile strike (CAMEO 195), "demonstrate"
    for a hunger, general or four-day strike (143, a protest); None when they say neither."""
    if token.lemma_.lower() != "strike":
        return None
    words = token.doc[token.left_edge.i : token.i].text.lower().split()  # "open-ended", "four-day" as written
    if any(w in MILITARY_STRIKES for w in words):
        return "bomb"
    if any(w in PROTEST_STRIKE_MODIFIERS or w.rsplit("-", 1)[-1].rstrip("s") in DURATIONS for w in words):
        return "demonstrate"
    return None


def candidate_verbs(token: Token, lexicon: Lexicon) -> list[str]:
    """Verb words to try for a trigger, most likely first (an event noun may name several)."""
    lemma = verb_lemma(token)
    if lemma is None:
        return []
    if token.dep_ in NON_TRIGGER_DEPS and not _clause_taken_for_modifier(token):
        return []  # a function word or a modifier ("the shelled town"), unless a clause the parser took for one
    if _frames_a_complement(token, lemma) and not _commits_to_uncoded(token, lemma, lexicon):
        return []  # "intends to withdraw": the withdrawal is the event
    if lemma in lexicon.forms:
        return [lemma]
    if token.pos_ == "VERB":
        return [clipped_verb(lemma, token.lower_, lexicon.forms) or lemma]  # "upgrad" -> "upgrade"
    out = []
    for suffix, ending in NOMINAL_SUFFIXES:
        if lemma.endswith(suffix):
            stem = lemma[: -len(suffix)] + ending
            if stem in lexicon.forms:
                out.append(stem)
    return out


def _commits_to_uncoded(token: Token, lemma: str, lexicon: Lexicon) -> bool:
    """ "agreed to share information", "refused to commit": a promise or a refusal is the event when what is
    promised or refused names none the dictionary codes (CAMEO 03 intent to cooperate, 12 reject)."""
    if lemma not in COMMISSIVE_VERBS:
        return False
    return not any(_code_token(c, lexicon) is not None for c in complements(token))


def _clause_taken_for_modifier(token: Token) -> bool:
    """A finite verb with its own subject that the parser attached as a modifier ("police confiscated weapons"
    read as "confiscated weapons"), or with the subject the parser left outside it (:func:`misread_subject`):
    still a clause."""
    if token.pos_ != "VERB" or token.dep_ != "amod":
        return False
    return any(c.dep_ == "nsubj" for c in token.children) or misread_subject(token) is not None


MODIFIER_DEPS = frozenset({"amod", "acl", "advmod"})
HANGING_DEPS = frozenset({"acl", "parataxis", "appos", "advmod", "amod"})
NOUN_PHRASE_STARTS = frozenset({"DET", "ADJ", "NOUN", "PROPN", "NUM"})
TIME_ENTITIES = frozenset({"DATE", "TIME"})


def misread_subject(token: Token) -> Token | None:
    """The subject of a verb the parser read as a noun phrase's modifier, when the sentence shows a clause:
    "Albania on Friday denounced ..." with the verb hung on the sentence's nominal root (no main verb found: the
    root is its subject), or "army bulldozers demolished homes" with the "-ed" verb between a noun phrase and
    its object read as "demolished homes" (the noun phrase before it, dates and adverbs skipped). None for a
    real modifier ("the shelled town", "weapons used against ..."), a verb with a subject or an agent."""
    if token.pos_ != "VERB" or any(c.dep_ in {"nsubj", "nsubj:pass", "csubj", "obl:agent"} for c in token.children):
        return None
    head = token.head
    if (token.dep_ in HANGING_DEPS and head.dep_ == "ROOT" and head.pos_ in {"NOUN", "PROPN"} and head.i < token.i
            and not any(c.pos_ in {"VERB", "AUX"} and c.dep_ not in HANGING_DEPS for c in head.children)):
        return head
    if token.dep_ not in MODIFIER_DEPS or not token.lower_.endswith("ed"):
        return None
    after = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if after is None or after.pos_ not in NOUN_PHRASE_STARTS or after.ent_type_ in TIME_ENTITIES:
        return None
    before = token.i - 1
    while before >= token.sent.start and _skipped_before_verb(token.doc[before]):
        before -= 1
    if before < token.sent.start or token.doc[before].pos_ not in {"NOUN", "PROPN"}:
        return None
    subject = token.doc[before]
    if subject.head.i == token.head.i:
        return None  # "flood affected areas": both modify the noun after them, a compound modifier
    while subject.head.i < token.i and subject.head.i != subject.i and subject.head.pos_ in {"NOUN", "PROPN"}:
        subject = subject.head
    if subject.dep_ not in {"ROOT", "nsubj", "nsubj:pass"} and subject.head.i < token.i:
        return None  # "reached the flood affected villages": the noun is an earlier verb's object
    return subject


def _skipped_before_verb(token: Token) -> bool:
    """Adverbs and time phrases between a subject and its verb ("sexually", "on Friday", "last week")."""
    return token.pos_ == "ADV" or token.ent_type_ in TIME_ENTITIES or token.lower_ in TIME_NOUNS or token.lower_ == "on"


def _frames_a_complement(token: Token, lemma: str) -> bool:
    return lemma in FRAMING_VERBS and bool(complements(token))


def complements(token: Token) -> list[Token]:
    """What a verb frames: its complement clauses, and a "to" clause the parser attached as an adverbial
    ("agreed on Tuesday, in principle, to send relief")."""
    return [c for c in token.children if c.dep_ in {"xcomp", "ccomp"} or c.dep_ == "advcl" and c.pos_ == "VERB"
            and any(m.lower_ == "to" and m.dep_ == "mark" for m in c.children)]


# Only these code an event: every rule below reads a verb or a noun (verb_lemma, object_code, support verbs).
TRIGGER_POS = frozenset({"VERB", "NOUN", "PROPN"})


def trigger_candidates(doc: Doc) -> list[Token]:
    """The doc's tokens :func:`code_trigger` may code, in order: its verbs, and its nouns whose lemma names an
    event or a halting (``EVENT_NOUN_LEMMAS``), found in the doc's columns."""
    table = token_table(doc)
    return [doc[i] for i, (pos, lemma) in enumerate(zip(table.pos, table.lemmas, strict=True))
            if pos == VERB or pos in (NOUN, PROPN) and lemma in EVENT_NOUN_LEMMAS]


def code_trigger(token: Token, lexicon: Lexicon) -> Coding | None:
    """The PLOVER coding of a trigger token, or None when it names no PLOVER event.

    A support verb takes the coding of the event noun it governs ("opened an investigation", "staged a
    strike", "held talks"), and that noun then names no event of its own: the verb carries its actors.
    Codes by what a verb acts on (halting aid, expelling inspectors, accepting demands: :func:`object_code`) come
    first, whatever the verb's block."""
    if token.pos_ not in TRIGGER_POS:
        return None
    codebook = object_code(token) or _purposeful_mission(token, lexicon)
    if codebook is not None:
        return _coding(codebook, lexicon)
    if token.pos_ == "VERB" and token.lemma_.lower() in SUPPORT_VERBS:
        for child in _objects(token):
            if child.pos_ == "NOUN":
                coding = _code_token(child, lexicon)
                if coding is not None:
                    return coding
    elif token.pos_ == "NOUN" and (verb_lemma(token) is None or _supported(token)):
        return None  # a noun that names no event codes none (the first test is the cheap one)
    return _code_token(token, lexicon)


def _objects(verb: Token) -> list[Token]:
    """A verb's objects, with the noun it was read as modifying ("staged mass demonstrations" after its subject)."""
    objects = [c for c in verb.children if c.dep_ == "obj"]
    if verb.dep_ == "amod" and verb.head.i > verb.i and misread_subject(verb) is not None:
        objects.append(verb.head)
    return objects


def _coding(cameo: str, lexicon: Lexicon) -> Coding | None:
    plover = lexicon.plover(cameo)
    if plover is None:
        return None
    category, mode, context = plover
    return Coding(cameo, category, mode or None, context.replace(";", ",").strip() or None)


PURPOSE_ROOTS = frozenset({"09", "11"})  # investigate; disapprove (criticize, complain, protest verbally)
SUMMONING_VERBS = frozenset({"summon", "call", "convene"})
MISSION_VERBS = MOVEMENT_VERBS | SUMMONING_VERBS | {"dispatch", "despatch"}


def _purposeful_mission(token: Token, lexicon: Lexicon) -> str | None:
    """ "sent a team to Bosnia to investigate ...", "summoned the ambassador to complain": a mission sent or a
    meeting called to investigate or to complain is the investigation or the complaint (CAMEO 09, 11), not a
    movement of people or a consultation."""
    if token.pos_ != "VERB":
        return None
    if _listed_verb(token.lemma_.lower(), MISSION_VERBS) is None:
        return None
    for clause in complements(token):
        coding = _code_token(clause, lexicon) if clause.pos_ == "VERB" else None
        if coding is not None and coding.cameo[:2] in PURPOSE_ROOTS:
            return coding.cameo
    return None


def _supported(noun: Token) -> bool:
    """An event noun whose verb carries its event: a support verb's object, or what a verb coded by its object
    acts on ("ended its mediation", "accepted the demands": the ending, the acceding is the event)."""
    head = noun.head if noun.dep_ == "obj" and noun.head.pos_ == "VERB" else None
    if head is None:  # "accepted demands" read as a noun phrase after its subject: the noun is still the object
        head = next((c for c in noun.lefts if c.dep_ == "amod" and misread_subject(c) is not None), None)
    return head is not None and (head.lemma_.lower() in SUPPORT_VERBS or object_code(head) is not None)


# Codes by what a verb acts on, where the dictionary files the verb under another block's reading (CAMEO):
# halting aid (162), negotiations (164), mediation (165), diplomatic relations (161) or other links (160) reduces
# relations; calling off or postponing a protest eases dissent (082); expelling peacekeepers (1661), inspectors
# and observers (1662) or aid agencies (1663) is 166x, not deporting individuals (174); acceding to a demand is 08
# (083); dismissing, ignoring or turning down an appeal, a proposal or a demand is a rejection (120); receiving or
# allowing peacekeepers (0861), inspectors and observers (0862) or humanitarian access (0863) de-escalates
# (RETREAT); imposing or declaring a curfew (1723) or a state of emergency or siege (1724) coerces; denying
# access, entry or a permit is a rejection (120; "deny" alone is ambiguous: denying a report is no event).
HALTING_VERBS = frozenset({"halt", "suspend", "stop", "end", "cut", "freeze", "cease", "terminate", "cancel",
                           "reduce", "curtail", "withhold", "discontinue", "sever", "break off", "call off",
                           "postpone"})
HALTING_NOUNS = {"suspension": "suspend", "halt": "halt", "cut": "cut", "cutoff": "cut", "freeze": "freeze",
                 "termination": "terminate", "cessation": "cease", "cancellation": "cancel", "severance": "sever",
                 "reduction": "reduce", "postponement": "postpone"}
# The nouns code_trigger may code: one an event noun names (verb_lemma) or a halting noun (object_code); it codes
# no other noun.
EVENT_NOUN_LEMMAS = frozenset(NOUN_TO_VERB) | ZERO_DERIVED_EVENT_NOUNS | frozenset(HALTING_NOUNS)
PROTEST_CODE = "082"
HALTED_CODES = {"aid": "162", "assistance": "162", "supply": "162", "supplies": "162", "loan": "162", "credit": "162",
                "funding": "162", "grant": "162", "donation": "162",
                "talk": "164", "negotiation": "164", "dialogue": "164",
                "mediation": "165",
                "relation": "161", "tie": "161",
                "link": "160", "contact": "160",
                **dict.fromkeys(("protest", "demonstration", "rally", "march", "boycott", "sit-in", "strike"),
                                PROTEST_CODE)}
EXPELLING_VERBS = frozenset({"expel", "deport", "oust", "evict"})
EXPELLED_CODES = {"peacekeeper": "1661", "peacekeeping": "1661", "inspector": "1662", "observer": "1662",
                  "monitor": "1662", "investigator": "1662", "aid": "1663", "agency": "1663", "relief": "1663"}
ACCEDING_VERBS = frozenset({"accept", "meet", "grant", "heed", "satisfy", "fulfil", "fulfill"})
ACCEDED_CODES = dict.fromkeys(("demand", "request", "call"), "083")
DISMISSING_VERBS = frozenset({"dismiss", "ignore", "defy", "rebuff", "spurn", "turn down", "brush aside"})
DISMISSED_CODES = dict.fromkeys(("appeal", "proposal", "offer", "demand", "request", "call", "plan", "ultimatum",
                                 "initiative", "bid", "overture"), REJECT_CODE)
RECEIVING_VERBS = frozenset({"receive", "admit", "accept", "host", "allow", "permit", "welcome"})
RECEIVED_CODES = {"peacekeeper": "0861", "peacekeeping": "0861", "inspector": "0862", "observer": "0862",
                  "monitor": "0862", "investigator": "0862", "access": "0863", "delivery": "0863"}
DENYING_VERBS = frozenset({"deny", "withhold"})
DENIED_CODES = dict.fromkeys(("access", "entry", "permission", "visa", "permit", "admission",
                              "passage", "request", "landing"), REJECT_CODE)
IMPOSING_VERBS = frozenset({"impose", "declare", "proclaim", "introduce"})
IMPOSED_CODES = {"curfew": "1723", "emergency": "1724", "siege": "1724"}
OBJECT_RULES = ((HALTING_VERBS, HALTED_CODES), (EXPELLING_VERBS, EXPELLED_CODES), (RECEIVING_VERBS, RECEIVED_CODES),
                (ACCEDING_VERBS, ACCEDED_CODES), (DISMISSING_VERBS, DISMISSED_CODES), (DENYING_VERBS, DENIED_CODES),
                (IMPOSING_VERBS, IMPOSED_CODES))
PARTICLES = frozenset({"off", "down", "aside", "out", "up"})
OBJECT_VERBS = frozenset(verb.split()[0] for verbs, _ in OBJECT_RULES for verb in verbs)


def object_code(token: Token) -> str | None:
    """The CAMEO code of a verb by what it acts on (``OBJECT_RULES``: "halted economic aid" 162, "ended its
    mediation" 165, "called off the strike" 082, "expelled UN inspectors" 1662, "accepted the rebels' demands"
    083, "dismissed an appeal" 120), or of a halting noun by its "of" phrase ("a suspension of air links" 160);
    None when the verb acts on something else ("stopped the fighting" is a ceasefire, which the dictionary
    codes)."""
    if token.pos_ == "NOUN":
        return _halting_noun_code(token)
    if token.pos_ != "VERB":
        return None
    lemma = _listed_verb(token.lemma_.lower(), OBJECT_VERBS)
    if lemma is None:
        return None
    particle = next((c.lower_ for c in token.children if c.dep_ == "compound:prt" or c.lower_ in PARTICLES
                     and c.i == token.i + 1), None)
    objects = _objects(token) + [c for c in token.children if c.dep_ == "nsubj:pass"]
    phrasal = f"{lemma} {particle}" if particle else None
    for verbs, codes in OBJECT_RULES:
        verb = phrasal if phrasal in verbs else lemma
        if verb in verbs:
            code = _acted_on(objects, codes)
            if code:
                return code
    return None


@lru_cache(maxsize=8192)
def _listed_verb(lemma: str, verbs: frozenset[str]) -> str | None:
    """The verb of a short list a lemma is ("halted", "summoned" left unlemmatized: "halt", "summon"), else None."""
    return lemma if lemma in verbs else listed_base(lemma, verbs)


def halting_code(token: Token) -> str | None:
    """The CAMEO 16 (or 082) code of halting or cutting what the trigger acts on (:func:`object_code`), else None."""
    code = object_code(token)
    return code if code is not None and (code[:2] == "16" or code == PROTEST_CODE) else None


def _halting_noun_code(token: Token) -> str | None:
    if token.lemma_.lower() not in HALTING_NOUNS:
        return None
    halted = [c for c in token.children if c.dep_ == "nmod" and any(m.lower_ in {"of", "in", "to", "on"}
                                                                  for m in c.children if m.dep_ == "case")]
    return _acted_on(halted, HALTED_CODES)


def _acted_on(heads: list[Token], codes: dict[str, str]) -> str | None:
    """The code of the first head, conjunct or noun naming its kind or members the table lists; a
    strike counts as a protest unless it is a military one ("air strikes")."""
    for head in heads:  # "mediation efforts", "a team of inspectors", "a state of siege"
        kinds = [c for c in head.children if c.dep_ == "compound" and c.pos_ == "NOUN"
                 or c.dep_ == "nmod" and any(m.lower_ == "of" and m.dep_ == "case" for m in c.children)]
        for noun in (head, *head.conjuncts, *kinds):
            lemma = noun.lemma_.lower()
            code = codes.get(lemma) or codes.get(noun.lower_)
            if code == PROTEST_CODE and strike_kind(noun) == "bomb":
                continue
            if code:
                return code
    return None


def _code_token(token: Token, lexicon: Lexicon) -> Coding | None:
    for verb in candidate_verbs(token, lexicon):
        cameo = _code_verb(token, verb, lexicon)
        if cameo is None:
            continue
        if verb in MOVEMENT_VERBS and (cameo == NO_EVENT or cameo[:2] in {"03", "04"}) and _has_military_theme(token):
            cameo = MOBILIZE_CODE
        if cameo == NO_EVENT:
            return None
        plover = lexicon.plover(cameo)
        if plover is None:
            return None
        category, mode, context = plover
        return Coding(cameo, category, mode or None, context.replace(";", ",").strip() or None)
    return None


def is_statement(token: Token, lexicon: Lexicon) -> bool:
    """Does the dictionary code the verb as a statement or an appeal (CAMEO 01, 02: "said", "urged"), which
    PLOVER does not count as an event?"""
    if token.pos_ != "VERB":
        return False
    cameo = _code_verb(token, token.lemma_.lower(), lexicon)
    return cameo is not None and cameo != NO_EVENT and cameo[:2] in STATEMENT_ROOTS


def _code_verb(token: Token, verb: str, lexicon: Lexicon) -> str | None:
    codes = _verb_codes(token.doc, lexicon)
    key = (token.i, verb)
    if key not in codes:
        codes[key] = _uncached_code_verb(token, verb, lexicon)
    return codes[key]


def _verb_codes(doc: Doc, lexicon: Lexicon) -> dict[tuple[int, str], str | None]:
    """The codes found so far in ``doc`` with ``lexicon``, by (token index, verb): the events step asks again for
    the verbs of sentences it coded nothing in (:func:`is_statement`). One lexicon at a time."""
    memo = token_table(doc).memo
    held = memo.get("verb codes")
    if held is None or held[0] is not lexicon:
        held = memo["verb codes"] = (lexicon, {})
    return held[1]


def _uncached_code_verb(token: Token, verb: str, lexicon: Lexicon) -> str | None:
    code = _dictionary_code(token, verb, lexicon)
    if code in {None, NO_EVENT} and verb in REJECTION_VERBS and token.pos_ == "VERB":
        return REJECT_CODE  # "rejected a peace plan": a rejection whatever is rejected (CAMEO 12)
    return code


def _dictionary_code(token: Token, verb: str, lexicon: Lexicon) -> str | None:
    forms = _matching_forms(token, verb, lexicon)
    if not forms:
        return None
    before, after = _windows(token)
    present = frozenset().union(*before, *after)
    best: tuple[tuple[int, int, int], str] | None = None
    demands = False
    for form in forms:
        block = lexicon.blocks[form.block]
        default = form.code or VERB_CODES.get(verb) or block.code
        demands = demands or (form.code or block.code)[:2] == DEMAND_ROOT
        for pattern in block.patterns:
            if not pattern.literals <= present or not _pattern_for(pattern, verb, form, default):
                continue
            score = _pattern_score(pattern, before, after, lexicon)
            if score is None:
                continue
            # the most elements; on a tie, the verb's own pattern, then the one matching nearest the verb
            key = (score[0], int(_written_for(pattern, verb)), -score[1])
            if best is None or key > best[0]:
                best = (key, pattern.code)
        if best is None and default != NO_EVENT:
            best = ((-1, 0, 0), default)
    if best is None:
        return NO_EVENT
    if best[0][0] < 0 and verb in PROMISING_VERBS and token.pos_ == "VERB":
        return INTENT_CODE  # "agreed to a longer mandate": no pattern read it; a promise is CAMEO 030
    code = best[1].split(":")[0]
    if demands and code[:2] == APPEAL_ROOT:
        # a demand verb ("demanded elections") whose pattern reads an appeal: CAMEO's appeals (02x) and demands
        # (10x) run in parallel (024 appeal for / 104 demand political reform); the verb's force decides
        return DEMAND_ROOT + code[2:]
    return code


def _pattern_for(pattern: Pattern, verb: str, form: VerbForm, default: str) -> bool:
    """May this pattern of the verb's block code the verb? A verb with its own code takes only the patterns
    written for it. A pattern written for another verb of the block may refine the block's event within its
    CAMEO root ("withdrawal from X" takes a pattern written for "pull out") but not make it another kind of
    event ("press on" is an attack; "demanded an end to curbs on the press" is a demand). CAMEO's own code of a
    verb (``VERB_CODES``) stands against patterns of another root ("sue for" is filed as an arrest, 173; suing is
    115, bring a lawsuit against)."""
    own = VERB_CODES.get(verb)
    if not pattern.verbs or _written_for(pattern, verb):
        return own is None or pattern.code[:2] == own[:2]
    if form.code:
        return False
    root = pattern.code[:2]
    return default == NO_EVENT or root == default[:2] or root in STATEMENT_ROOTS or pattern.code == NO_EVENT


def _written_for(pattern: Pattern, verb: str) -> bool:
    """Was the pattern written for this verb (or one of its inflected forms: "rallied" for "rally")?"""
    return verb in pattern.verbs or any(_inflects(written, verb) for written in pattern.verbs)


@lru_cache(maxsize=8192)
def _inflects(written: str, verb: str) -> bool:
    return listed_base(written, (verb,)) is not None


def _matching_forms(token: Token, verb: str, lexicon: Lexicon) -> list[VerbForm]:
    """The verb's forms whose other words surround the trigger as listed ("meet with"); single words last."""
    lowers = doc_tables(token.doc).lowers
    following = lowers[token.i + 1 : token.i + 4]
    preceding = lowers[max(0, token.i - 3) : token.i]
    multi, single = [], []
    for form in lexicon.forms.get(verb, []):
        if len(form.words) == 1:
            single.append(form)
            continue
        after = list(form.words[form.verb_index + 1 :])
        before = list(form.words[: form.verb_index])
        if following[: len(after)] == after and (not before or preceding[-len(before) :] == before):
            multi.append(form)
    return multi + single


Keys = frozenset[str]
INFINITIVE_KEYS: Keys = frozenset({"to:infinitive"})


def word_keys(token: Token) -> Keys:
    """The forms a dictionary word may take to match this token: its text, lemma and singular."""
    return _word_keys(token.lower_, token.lemma_.lower(), token.pos_ == "PART")


@lru_cache(maxsize=65536)
def _word_keys(lower: str, lemma: str, particle: bool) -> Keys:
    """:func:`word_keys` of a token by its lower-case text, lower-case lemma and whether it is a particle (the
    same words recur in every document)."""
    if lower == "to" and particle:
        return INFINITIVE_KEYS  # "a wish for the dispute to end": no preposition for a pattern's "to"
    keys = {lower, lemma}
    if lower.endswith("es"):
        keys.add(lower[:-2])
    if lower.endswith("s"):
        keys.add(lower[:-1])
    return frozenset(keys)


def _windows(token: Token) -> tuple[list[Keys], list[Keys]]:
    """Words before the trigger (its subject side) and after it (its phrase without embedded clauses)."""
    tables = doc_tables(token.doc)
    subject_side = tables.keys[tables.starts[token.i] : token.i]
    after = sorted(i for child in token.rights if child.dep_ not in EMBEDDED_CLAUSES
                   for i in subtree(child, tables.heads))
    return subject_side, [tables.keys[i] for i in after]


@dataclass(frozen=True)
class DocTables:
    """Per token of a document: dictionary keys, head index, sentence start and end, the lower-case word
    (None for punctuation and spaces) and the lower-case text (of every token)."""

    keys: list[Keys]
    heads: list[int]
    starts: list[int]
    ends: list[int]
    words: list[str | None]
    lowers: list[str]


def doc_tables(doc: Doc) -> DocTables:
    """The :class:`DocTables` of a document, computed once (the coder and the classifier ask for them for every
    trigger, and building spaCy tokens is what costs)."""
    memo = token_table(doc).memo
    if "event tables" not in memo:
        memo["event tables"] = _build_tables(doc)
    return memo["event tables"]


def _build_tables(doc: Doc) -> DocTables:
    """:class:`DocTables` read from the document's arrays (:func:`token_table`): no spaCy token is built."""
    size = len(doc)
    starts, ends = [0] * size, [0] * size
    for sentence in doc.sents:
        length = sentence.end - sentence.start
        starts[sentence.start : sentence.end] = [sentence.start] * length
        ends[sentence.start : sentence.end] = [sentence.end] * length
    if not size:
        return DocTables([], [], starts, ends, [], [])
    table, particle = token_table(doc), int(PART)
    lowers = table.lowers
    keys = [_word_keys(lower, lemma, pos == particle)
            for lower, lemma, pos in zip(lowers, table.lemmas, table.pos, strict=True)]
    columns = doc.to_array([IS_PUNCT, IS_SPACE]).T
    words = [None if punct or space else lower
             for lower, punct, space in zip(lowers, columns[0].tolist(), columns[1].tolist(), strict=True)]
    return DocTables(keys, table.heads, starts, ends, words, lowers)


def subtree(child: Token, heads: list[int]) -> list[int]:
    """Indices of ``child.subtree`` (the tokens between its edges whose chain of heads reaches it)."""
    low, high, root = child.left_edge.i, child.right_edge.i, child.i
    out = []
    for i in range(low, high + 1):
        j = i
        while j != root and low <= j <= high and heads[j] != j:
            j = heads[j]
        if j == root:
            out.append(i)
    return out


def _pattern_score(pattern: Pattern, before: list[Keys], after: list[Keys],
                   lexicon: Lexicon) -> tuple[int, int] | None:
    """The number of pattern elements matched and where in the phrase after the verb the first one is (0 for
    none after it), or None when one of them is missing."""
    if not pattern.pre and not pattern.post:
        return 0, 0
    if pattern.pre and _in_order(pattern.pre, before, lexicon) is None:
        return None
    first = _in_order(pattern.post, after, lexicon) if pattern.post else 0
    if first is None:
        return None
    return len(pattern.pre) + len(pattern.post), first


def _in_order(elements: tuple[str, ...], window: list[Keys], lexicon: Lexicon) -> int | None:
    """Where the first of the elements matches when all match in order, else None."""
    position, first = 0, None
    for element in elements:
        while position < len(window) and not _matches(element, window, position, lexicon):
            position += 1
        if position >= len(window):
            return None
        first = position if first is None else first
        position += 1
    return first


def _matches(element: str, window: list[Keys], position: int, lexicon: Lexicon) -> bool:
    if not element.startswith("&"):
        return element in window[position]
    members = lexicon.synset_index.get(element, {})
    for key in window[position]:
        for rest in members.get(key, ()):
            if position + len(rest) < len(window) and all(
                word in window[position + 1 + k] for k, word in enumerate(rest)
            ):
                return True
    return False


def _has_military_theme(token: Token) -> bool:
    """Is what moves (the subject of "arrive", the object of "send", "of X" after a noun) military?"""
    theme_heads = [c for c in token.children if c.dep_ in {"nsubj", "nsubj:pass", "obj"}]
    theme_heads += [c for c in token.children if c.dep_ == "nmod" and any(m.lower_ == "of" for m in c.children)]
    for head in theme_heads:
        for t in head.subtree:
            if t.lemma_.lower() in MILITARY_THEMES and t.i <= head.i:
                return True
    return False
