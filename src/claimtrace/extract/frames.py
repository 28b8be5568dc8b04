"""Claim frames: the proposition each claim states, as linking compares it.

Finds, for every claim (attributed or the author's), one :class:`~claimtrace.model.Frame`:
- ``responsibility`` for a harmful event: who is blamed ("Hamas blamed an Israeli air strike",
  "a misfired Islamic Jihad rocket hit the hospital", "Russian forces blew up the dam"), whether the
  claim affirms or denies it ("Israel denied responsibility": a denial without another actor denies
  the speaker's own responsibility), the target ("hospital", "dam");
- ``presence`` of forces at a place: withdraw, leave, pull out, pullout, pullback, drawdown,
  redeployment, evacuation, exit, reduce (presence denied, a change) against remain, stay, keep,
  reinforce, deploy, arrive (presence affirmed); "no withdrawal" affirms presence; an intention
  ("intends to withdraw") keeps its modality; leaving an agreement ("withdrew from the deal"),
  casualties ("left 12 dead") or a thing ("withdrew its ambassador") is no presence, and words said
  as often of civilians (evacuate, relocate, abandon) need a force noun close by;
- ``toll``: a count of killed, dead, wounded or missing people, with its number;
- otherwise the claim's first event-verb class ("attack", "capture", ...) or "statement".
The claim's cue is read back to the lemmas of the cue lists (:func:`cue_lemma`: the trained
lemmatizer stores "blamed" as "blam"); a blame cue with no harm named (``"blamed Turkey"``) is blame
for the facility the article is about, or for the harm its sentence names, else no responsibility.
Each frame carries the agent's side (extract/actors.py), the place the claim is about (its most
specific gazetteer place in the claim, else in its sentence), the time it is about (the first
calendar date in the claim, else in its sentence, else the publication date) and the modality.

Misses: responsibility carried by inference alone ("a government bomb would have left a crater"),
agents that are persons or unlisted groups, targets outside the noun list, and a claim stating two
propositions (only the strongest frame is kept). Figures: docs/benchmarks_relations.md.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from claimtrace.extract.actors import ActorMention, actor_mentions, side_of
from claimtrace.extract.inflection import listed_base
from claimtrace.model import Claim, DateMention, Frame, PartialDate, Place, Sentence

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[.,]\d+)*")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Harm done by someone: what a responsibility claim is about.
HARM_NOUNS = _words(
    "strike strikes airstrike airstrikes air-strike rocket rockets missile missiles shell shells shelling bomb "
    "bombs bombing bombings bombardment attack attacks explosive explosives mine mines sabotage drone drones "
    "artillery munition munitions ordnance launch launches projectile projectiles blast explosion massacre "
    "crime crimes destruction demolition misfire salvo fire raid raids assault operations breach detonation "
    "terrorism terror terrorist ecocide shrapnel warhead warheads"
)
HARM_VERBS = _words(
    "struck strike strikes striking hit hits hitting bombed bomb bombing shelled shell shelling blew blow "
    "blowing blown destroyed destroy destroys destroying attacked attack attacking targeted target targeting "
    "fired fire firing launched launch mined detonated detonate sabotaged sabotage demolished demolish "
    "undermined undermine misfired misfire caused cause committed commit perpetrated carried breached detonating "
    "exploded"
)
RESPONSIBILITY_WORDS = _words(
    "responsible responsibility blame blamed blames blaming behind culprit culprits fault guilty perpetrator "
    "perpetrators involved involvement accused accuse accuses accusing accusation accusations charge condemned "
    "condemn condemns attributed attribute pinned"
)
BLAME_CUES = _words("blame accuse condemn attribute pin charge hold implicate blast slam denounce fault criticize")
DENIAL_CUES = _words("deny reject refute debunk dismiss disprove rebut contradict distance")
# Nouns an actor word qualifies when it is the one who acts ("Russian forces", "an Israeli air strike").
AGENT_NOUNS = HARM_NOUNS | _words(
    "forces force army military troops soldiers jets aircraft warplanes fighters militants terrorists group "
    "organization organisation regime occupation occupiers gunmen side team"
)
# Words before an actor that make it the one who did it ("caused by X", "blamed X", "accused X of").
AGENT_BEFORE = _words(
    "by blamed blame blames blaming accused accuse accuses accusing condemned condemn condemns within"
)
# Words before an actor whose harm they keep from happening ("to prevent X troops from attacking").
PREVENTED = _words("prevent prevents prevented preventing stop stops stopped stopping deter deters deterred deterring "
                   "thwart thwarted hinder hindered")
SAY_WORDS = _words("said says say told tell claimed claims stated states added insisted")
# Words before an actor that make it the one who had it done ("at the order of X", "on the orders of X").
ORDER_WORDS = _words("order orders ordered behest instruction instructions")
RESPONSIBILITY_AFTER = _words("responsible responsibility behind blame guilty culpable")
TARGET_PREPOSITIONS = _words("at on in into toward towards against over near inside across")
ORIGIN_WORDS = _words("from within by")
LAUNCH_WORDS = _words("launched launch fired fire shot originated came")
PREDICATE_WORDS = HARM_VERBS | RESPONSIBILITY_WORDS
BE_WORDS = _words("is was were are been being be")
SIDELESS_AGENTS = _words("militants militant fighters gunmen terrorists insurgents rebels occupiers separatists")
REFERENCE_SENTENCES = 3
FRAME_CHARS = 2_000  # a claim's frame is read from at most this much of its content (longer: nested chains)
REFERENCE_NOUNS = _words(
    "this that it these those claim claims assessment assessments finding findings version account accounts "
    "story narrative allegation allegations charge charges conclusion report theory assertion fabrication "
    "fabrications lie lies version versions"
)
AGREEMENT_CUES = _words("repeat echo back support endorse corroborate confirm accept share reiterate maintain agree")
# Cues that ask for what the content says ("demanded that the troops withdraw"): an obligation, not a report.
DEMAND_CUES = _words("demand urge call appeal request ask")
CUE_LEMMAS = BLAME_CUES | DENIAL_CUES | AGREEMENT_CUES | DEMAND_CUES
AGREEMENT_WORDS = _words("corroborates corroborated confirms confirmed backs backed supports echoes echoed")
REFUTING_WORDS = _words(
    "lie lies fabrication fabrications false fake untrue incorrect baseless nonsense propaganda disinformation "
    "debunked debunks refuted refutes"
)
CONTRAST_WORDS = _words("but while whereas although though however instead rather")
SPEAKER_NOUNS = _words(
    "officials official intelligence assessment assessments spokesman spokesperson spokeswoman ministry media "
    "sources source analysis report reports government president minister authorities statement investigation "
    "experts embassy officers"
)
ANAPHORS = _words("this that it charge charges claim claims allegation allegations accusation accusations report "
                  "reports involvement responsibility incident")
NEGATIONS = _words("no not never n't nothing none neither nor without")
TARGET_NOUNS = _words(
    "hospital hospitals clinic dam dams church mosque school schools bridge bridges plant camp camps convoy "
    "market port airport embassy reactor pipeline ship vessel train bus refinery factory prison reservoir "
    "university cathedral synagogue bakery"
)
PRESENCE_MINUS = _words(
    "withdraw withdraws withdrew withdrawn withdrawing withdrawal withdrawals leave leaves leaving left pull pulls "
    "pulled pulling pullout pullouts pull-out pull-outs pullback pullbacks pull-back pull-backs exit exits exited "
    "exiting depart departed departs departing departure departures evacuate evacuates evacuated evacuating "
    "evacuation retreat retreats retreated retreating reduce reduces reduced reducing reduction reductions "
    "drawdown drawdowns draw-down relocate relocates relocated relocating relocation redeploy redeploys "
    "redeployed redeploying redeployment vacate vacates vacated vacating abandon abandons abandoned abandoning "
    "quit quits quitting disengage disengaged disengagement remove removes removed removing removal downsize downsizes "
    "downsized downsizing"
)
PRESENCE_PLUS = _words(
    "remain remains remained remaining stay stays stayed staying keep keeps kept maintain maintains maintained "
    "reinforce reinforces reinforced reinforcing reinforcement reinforcements deploy deploys deployed deploying "
    "deployment deployments arrive arrives arrived arriving arrival stationed garrisoned continue "
    "continued continues expand expanded expands buildup build-up"
)
PRESENCE_STAY = _words(
    "remain remains remained remaining stay stays stayed staying keep keeps kept maintain maintains maintained "
    "continue continued continues"
)
# Nouns after a harm noun that make the phrase a place hit ("Syrian drone bases"), not the harm.
HARMED_SITES = TARGET_NOUNS | _words(
    "base bases site sites position positions depot depots facility facilities plants launcher launchers unit "
    "units crew crews operators warehouse warehouses storage stockpile stockpiles production factories"
)
# Presence words said as often of civilians ("families abandoned their homes", "residents quit the
# town"): about forces only with a force noun close by, not a side's name alone ("Ukrainian families").
HOLDER_ONLY = _words(
    "vacate vacates vacated vacating abandon abandons abandoned abandoning quit quits quitting "
    "keep keeps kept keeping continue continues continued continuing maintain maintains maintained maintaining"
)  # and keeping or continuing anything ("the agency kept its records", "the US will continue talks")
# ... and those said of moving people out, about forces only when forces are what is moved (:func:`_forces_moved`).
MOVED_ONLY = _words(
    "evacuate evacuates evacuated evacuating evacuation relocate relocates relocated relocating relocation"
)
# What one withdraws from that is no place ("withdrew from the fishing deal", "pulled out of the talks").
NON_PRESENCE_OBJECTS = _words(
    "agreement agreements treaty treaties deal deals accord accords pact pacts talks negotiations race election "
    "elections contest competition tournament initiative convention framework programme program scheme process "
    "bid alliance league market markets project projects contract contracts arrangement arrangements"
)
# Things withdrawn, kept or left that are no forces ("withdrew its ambassador", "kept its promise").
WITHDRAWN_THINGS = _words(
    "ambassador ambassadors envoy envoys diplomats recognition support funding aid candidacy candidate bill offer "
    "offers proposal proposals objection objections claim claims statement comments remarks request promise "
    "promises pledge word option options door silence secret sanctions accreditation membership"
)
DETERMINERS = _words("the its his her their our a an this that these those")
# Words before a name that make it where forces are or go, not whose they are ("in northern Syria").
PLACE_BEFORE = _words("in at from into inside near to across toward towards around out")
# Presence verbs whose object is the place left or entered ("leave Syria", "quit Iraq").
LEFT_PLACES = _words("leave leaves leaving left quit quits quitting exit exits exited exiting vacate vacates vacated "
                     "vacating abandon abandons abandoned abandoning enter enters entered entering")
# What forces hand over when they leave ("handed over the base to", not "handed over a letter").
HANDED_OVER = _words("base bases airbase airport airfield positions position control territory garrison facility "
                     "facilities checkpoints checkpoint city town")
# Words by which a speaker names its own forces ("its troops will stay", "we will not leave").
SPEAKER_PRONOUNS = _words("its our we it")
PRESENCE_HOLDERS = _words(
    "forces force troops troop military army soldiers units contingent presence base bases aircraft jets "
    "police fighters personnel equipment activity"
)
CASUALTY_UNITS = {
    "killed": "killed", "dead": "killed", "died": "killed", "deaths": "killed", "death": "killed",
    "victims": "killed", "martyrs": "killed", "lives": "killed", "fatalities": "killed", "bodies": "killed",
    "drowned": "killed", "wounded": "wounded", "injured": "wounded", "injuries": "wounded", "hurt": "wounded",
    "missing": "missing",
}
MODALITY_WORDS = {
    "may": "possible", "might": "possible", "could": "possible", "possibly": "possible", "perhaps": "possible",
    "likely": "possible", "probably": "possible", "apparent": "possible", "apparently": "possible",
    "reportedly": "reported", "allegedly": "reported", "alleged": "reported", "will": "future",
    "would": "conditional", "should": "obligation", "must": "obligation", "intend": "intention",
    "intends": "intention", "intending": "intention", "intention": "intention", "intentions": "intention",
    "plan": "intention", "plans": "intention", "planning": "intention", "preparing": "intention",
}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "dozen": 12, "dozens": 24, "hundred": 100, "hundreds": 200,
                 "thousand": 1000, "thousands": 2000}
_SPECIFIC = ("airport", "military_base", "city", "admin2", "natural", "admin1", "region", "country", "continent")


class Words:
    """The words of a text with their character offsets, lower-cased for lookups."""

    def __init__(self, text: str) -> None:
        self.text = text
        matches = list(_TOKEN.finditer(text))
        self.words = [m.group(0).lower().replace("’", "'") for m in matches]
        self.starts = [m.start() for m in matches]

    def index_at(self, offset: int) -> int:
        """The first word starting at or after ``offset`` (``len(words)`` when none does)."""
        return bisect_left(self.starts, offset)

    def window(self, start: int, stop: int) -> list[str]:
        return self.words[max(0, start) : max(0, stop)]


def frame_of(
    claim: Claim,
    *,
    places: Sequence[Place] = (),
    dates: Sequence[DateMention] = (),
    sentence: Sentence | None = None,
    published: PartialDate | str | None = None,
    sentence_text: str = "",
    speaker: str | None = None,
    entities: Sequence[str] = (),
    agent_nouns: Mapping[str, str] | None = None,
    event: str | None = None,
) -> Frame:
    """The frame of ``claim``; ``places`` and ``dates`` are the article's mentions, ``sentence`` the
    claim's sentence, ``sentence_text`` its text and ``speaker`` the side the source speaks for
    (default: the side its own words name), ``entities`` the canonical names in the claim and
    ``agent_nouns`` the sides the article gives side-less agent nouns (:func:`agent_noun_sides`) and
    ``event`` the facility the article is about (blame naming no harm, "blamed Turkey", is blame for
    it; with no harm named nearby and no such facility, "blamed X" is no claim of responsibility)."""
    content = framed_text(claim)
    words = Words(content)
    frame = (
        _responsibility(claim, words, sentence_text, speaker or _source_side(claim), agent_nouns, event)
        or _presence(claim, words, entities, speaker or _source_side(claim))
        or _toll(claim, words)
        or Frame(predicate=_event_class(words.words), polarity=claim.polarity, agent=_first_side(
            [m for m in actor_mentions(content) if not _is_target(words, words.index_at(m.start))]
        ))
    )
    frame.modality = "obligation" if _demanded(claim) else _modality(words.words, claim.certainty)
    if frame.target is None:
        frame.target = _target(words.words)
    _place(frame, claim, places, sentence)
    _time(frame, claim, dates, sentence, published)
    return frame


def _demanded(claim: Claim) -> bool:
    """Whether the claim's cue asks for what it says ("demanded", "urged", "called for"; not "called
    the move illegal")."""
    lemma = cue_lemma(claim)
    if lemma not in DEMAND_CUES:
        return False
    return lemma != "call" or any(w in ("for", "on", "upon") for w in claim.cue.text.lower().split())


def framed_text(claim: Claim) -> str:
    """The part of a claim's content its frame is read from: at most ``FRAME_CHARS`` characters, so
    that a chain of nested claims ("X said that Y told Z that ...") costs linear time, not quadratic."""
    return claim.content.text[:FRAME_CHARS]


def attach_frames(analysis: object) -> None:
    """Give every claim of an :class:`~claimtrace.model.Analysis` its frame."""
    sentences = analysis.sentences  # type: ignore[attr-defined]
    text = analysis.article.text  # type: ignore[attr-defined]
    lead = " ".join([analysis.article.title or ""] + [text[s.start : s.end] for s in sentences[:3]])  # type: ignore[attr-defined]
    article_target = _target(Words(lead).words)
    sides = speaker_sides(analysis)
    agent_nouns = agent_noun_sides(text)
    entities = _ByStart(analysis.entities)  # type: ignore[attr-defined]
    places, dates = _ByStart(analysis.places), _ByStart(analysis.dates)  # type: ignore[attr-defined]
    speakers: dict[int, str | None] = {}
    for claim in analysis.claims:  # type: ignore[attr-defined]
        sentence = sentences[claim.sentence] if 0 <= claim.sentence < len(sentences) else None
        speakers[id(claim)] = _source_side(claim) or (
            sides.get(claim.source.canonical or claim.source.text) if claim.source else None
        )
        near = _span_of(claim, sentence)
        claim.frame = frame_of(
            claim, places=places.overlapping(*near), dates=dates.overlapping(*near), sentence=sentence,
            published=analysis.article.published,  # type: ignore[attr-defined]
            sentence_text=_with_previous(text, sentences, claim.sentence),
            speaker=speakers[id(claim)],
            agent_nouns=agent_nouns, event=article_target,
            entities=entities.names_within(claim.content.start, min(claim.content.end, claim.content.start + FRAME_CHARS)),
        )
        if claim.frame.predicate in ("responsibility", "toll") and claim.frame.target is None:
            claim.frame.target = article_target  # the event the article is about
    _resolve_references(analysis.claims, speakers)  # type: ignore[attr-defined]


class _ByStart:
    """Mentions (entities, places, dates) sorted by start, so that those of one claim's span are found
    in O(log n + found) instead of scanning the article's for every claim."""

    def __init__(self, mentions: Sequence[Any]) -> None:
        self._mentions = sorted(mentions, key=lambda m: m.start)
        self._starts = [m.start for m in self._mentions]

    def overlapping(self, start: int, end: int) -> list[Any]:
        """The mentions that start inside [start, end), in order."""
        return self._mentions[bisect_left(self._starts, start):bisect_left(self._starts, end)]

    def names_within(self, start: int, end: int) -> list[str]:
        """Canonical names (else texts) of the mentions lying wholly inside [start, end)."""
        return [m.canonical or m.text for m in self.overlapping(start, end) if m.end <= end]


def _span_of(claim: Claim, sentence: Sentence | None) -> tuple[int, int]:
    """The characters a claim's place and time are looked for in: its content and its sentence."""
    if sentence is None:
        return claim.content.start, claim.content.end
    return min(claim.content.start, sentence.start), max(claim.content.end, sentence.end)


def _resolve_references(claims: Sequence[Claim], speakers: dict[int, str | None]) -> None:
    """Claims that only point at an earlier claim ("repeated those claims", "backed the Israeli
    assessment", "called this a fabrication", "corroborates the findings") state its proposition,
    or deny it. The claim pointed at: the latest claim of responsibility by the side the pointer
    names ("the Israeli assessment": an Israeli speaker's), else the latest one within
    ``REFERENCE_SENTENCES`` before. ``speakers``: the side of each claim's source, by ``id(claim)``."""
    framed: list[Claim] = []
    for claim in sorted(claims, key=lambda c: c.content.start):
        frame = claim.frame
        if frame is None:
            continue
        if frame.predicate == "responsibility" and frame.agent:
            framed.append(claim)
            continue
        referenced = _referenced(claim, framed, speakers)
        if referenced is None:
            continue
        words = Words(framed_text(claim)).words
        cue = cue_lemma(claim)
        refutes = cue in DENIAL_CUES or any(w in REFUTING_WORDS for w in words)
        source = referenced.frame
        polarity = source.polarity if not refutes else ("denies" if source.polarity == "affirms" else "affirms")
        claim.frame = Frame(
            predicate="responsibility", polarity=polarity, modality=frame.modality, agent=source.agent,
            agent_text=source.agent_text, target=source.target, time=frame.time, time_from=frame.time_from,
        )


def _referenced(claim: Claim, framed: list[Claim], speakers: dict[int, str | None]) -> Claim | None:
    """The earlier framed claim ``claim`` points at, or None when it points at none."""
    words = Words(framed_text(claim)).words
    cue = cue_lemma(claim)
    pointer = next((i for i, w in enumerate(words[:8]) if w in REFERENCE_NOUNS and not _complementizer(words, i)), None)
    verdict = cue in AGREEMENT_CUES or cue in DENIAL_CUES or any(
        w in REFUTING_WORDS or w in AGREEMENT_WORDS for w in words
    )
    if pointer is None or not verdict or not framed:
        return None
    before = framed_text(claim)[: sum(len(w) + 1 for w in words[:pointer]) + 8]
    owner = next((m.side for m in actor_mentions(before)), None)
    if owner is not None:  # "the Israeli assessment", "Hamas's account"
        return next((c for c in reversed(framed) if speakers.get(id(c)) == owner), None)
    latest = framed[-1]
    return latest if claim.sentence - latest.sentence <= REFERENCE_SENTENCES else None


def cue_lemma(claim: Claim) -> str:
    """The claim's cue as a lemma of the cue lists (``BLAME_CUES``, ``DENIAL_CUES``, ``AGREEMENT_CUES``),
    whatever form the extractor stored: its lemmas come from the cue lexicon, from a trained
    lemmatizer that may cut a stem short ("blamed" -> "blam") or from the cue's own words
    ("blamed", "denies", "accusing"); "" when there is no cue, else the stored lemma when no list has it."""
    if not claim.cue:
        return ""
    lemma = (claim.cue.lemma or "").lower()
    if lemma in CUE_LEMMAS:
        return lemma
    for word in [lemma, *claim.cue.text.lower().split()]:
        found = _listed_lemma(word)
        if found:
            return found
    return lemma


def _listed_lemma(word: str) -> str | None:
    """The listed cue lemma ``word`` is a form or a cut stem of ("blamed", "blam", "denies", "accusing")."""
    word = word.strip(".,;:'\"")
    if word in CUE_LEMMAS:
        return word
    return listed_base(word, CUE_LEMMAS)


def _complementizer(words: list[str], i: int) -> bool:
    """"that" opening a clause ("reiterated that Iran has remained ..."), not pointing at a claim
    ("dismissed that as propaganda", "repeated that claim", "denied that")."""
    if words[i] != "that":
        return False
    following = words[i + 1 : i + 2]
    return bool(following) and following[0] not in REFERENCE_NOUNS and following[0] not in ("as", "a", "an", "is", "was")


def _target(words: list[str]) -> str | None:
    """The first facility noun, singular ("hospitals" -> "hospital")."""
    found = next((w for w in words if w in TARGET_NOUNS), None)
    return found[:-1] if found and found.endswith("s") and found[:-1] in TARGET_NOUNS else found


def _source_side(claim: Claim) -> str | None:
    return side_of(claim.source.canonical or claim.source.text) if claim.source else None


def speaker_sides(analysis: object) -> dict[str, str]:
    """The side each person or body of the article speaks for, read from the words just before
    any of its mentions ("IDF spokesman Daniel Hagari", "the Kremlin's Dmitry Peskov"), by canonical name."""
    text = analysis.article.text  # type: ignore[attr-defined]
    sides: dict[str, str] = {}
    for group in analysis.entity_groups:  # type: ignore[attr-defined]
        found = {side_of(text[max(0, m.start - 40) : m.end]) for m in group.mentions} - {None}
        if len(found) == 1:
            sides[group.canonical] = found.pop()
    return sides


def _with_previous(text: str, sentences: Sequence[Sentence], index: int) -> str:
    """The text of sentence ``index`` and the one before it (what "denied this" refers to)."""
    if not 0 <= index < len(sentences):
        return ""
    return text[sentences[max(0, index - 1)].start : sentences[index].end]


# -- responsibility ---------------------------------------------------------------------------


def _responsibility(
    claim: Claim,
    words: Words,
    sentence_text: str = "",
    speaker_side: str | None = None,
    agent_nouns: Mapping[str, str] | None = None,
    event: str | None = None,
) -> Frame | None:
    cue = cue_lemma(claim)
    harm = any(w in HARM_NOUNS or w in HARM_VERBS for w in words.words)
    blame = cue in BLAME_CUES or any(w in RESPONSIBILITY_WORDS for w in words.words)
    denial = cue in DENIAL_CUES or (len(words.words) <= 4 and any(w in ("denial", "denials") for w in words.words))
    if not harm and not blame and not denial:
        return None
    mentions = actor_mentions(words.text)
    scored = [(score, negated, m) for m in mentions for score, negated in [_agent_score(m, words)] if score > 0]
    if cue in BLAME_CUES and mentions and not scored and (harm or event or _names_harm(Words(sentence_text).words)):
        scored = [(1, False, mentions[0])]  # "blamed Turkey": for the event of the article or sentence
    if scored:
        # The surest agent; one the claim does not negate wins ("terrorists in Gaza, not the IDF").
        _, negated, mention = max(scored, key=lambda item: (not item[1], item[0], -item[2].start))
        polarity = "denies" if negated != denial else "affirms"
        return Frame(predicate="responsibility", polarity=polarity, agent=mention.side, agent_text=mention.text)
    bare = _bare_agent(words, agent_nouns or {}) if not mentions else None
    if bare is not None:  # "a failed launch by militants", where the article's militants are Palestinian
        index, side = bare
        polarity = "denies" if _negated(words, index, index + 1) != denial else "affirms"
        return Frame(predicate="responsibility", polarity=polarity, agent=side, agent_text=words.words[index])
    own = _own_forces(words) if speaker_side and harm else None
    if own is not None:  # "our commandos did it": the speaker's side
        near = words.window(own - 3, own) + words.window(own + 1, own + 5)  # "not our forces", "our forces did not"
        polarity = "denies" if any(w in NEGATIONS or w.endswith("n't") for w in near) != denial else "affirms"
        return Frame(predicate="responsibility", polarity=polarity, agent=speaker_side, agent_text=words.words[own])
    speaker = speaker_side
    anaphoric = len(words.words) <= 6 and (blame or any(w in ANAPHORS for w in words.words))
    context_harm = harm or any(w in HARM_NOUNS or w in HARM_VERBS for w in Words(sentence_text).words)
    if (denial or claim.polarity == "denies") and speaker and (blame or harm or (anaphoric and context_harm)):
        # "Israel denied the charge", "Islamic Jihad denied responsibility": the speaker's own.
        return Frame(predicate="responsibility", polarity="denies", agent=speaker, agent_text=claim.source.text)
    return None


def _own_forces(words: Words) -> int | None:
    """The index of "our" before a force noun with a harm verb close after ("our special group did
    it", "our forces struck the depot"): the speaker's own side acted."""
    for i, w in enumerate(words.words):
        if w == "our" and any(x in AGENT_NOUNS for x in words.window(i + 1, i + 3)) and any(
            x in HARM_VERBS or x in ("did", "done") for x in words.window(i + 1, i + 8)
        ):
            return i
    return None


def _names_harm(words: Iterable[str]) -> bool:
    return any(w in HARM_NOUNS or w in HARM_VERBS for w in words)


def _bare_agent(words: Words, agent_nouns: Mapping[str, str]) -> tuple[int, str] | None:
    """A side-less agent noun in agent position ("by militants", "gunmen fired"), with the side the
    article gives that noun elsewhere ("Palestinian militants"), as (word index, side)."""
    for i, w in enumerate(words.words):
        side = agent_nouns.get(w)
        if side is None or _is_target(words, i):
            continue
        before, after = words.window(i - 4, i), words.window(i + 1, i + 7)
        if "by" in before or any(x in HARM_VERBS or x in RESPONSIBILITY_AFTER for x in after):
            return i, side
    return None


def agent_noun_sides(text: str) -> dict[str, str]:
    """The side each agent noun stands for in an article, when the article qualifies it with one
    side at least twice and at least three times in four ("Palestinian militants" -> militants: Palestine)."""
    counts: dict[str, Counter[str]] = {}
    words = Words(text)
    for mention in actor_mentions(text):
        following = words.window(words.index_at(mention.end), words.index_at(mention.end) + 1)
        if following and following[0] in SIDELESS_AGENTS:
            counts.setdefault(following[0], Counter())[mention.side] += 1
    return dominant_sides(counts)


def dominant_sides(counts: Mapping[str, Counter[str]]) -> dict[str, str]:
    """Each noun's side when one side qualifies it at least twice and at least three times in four."""
    sides = {}
    for noun, by_side in counts.items():
        side, n = by_side.most_common(1)[0]
        if n >= 2 and n >= 0.75 * sum(by_side.values()):
            sides[noun] = side
    return sides


def _agent_score(mention: ActorMention, words: Words) -> tuple[int, bool]:
    """How surely ``mention`` names who did the harm (0: not at all), and whether it is negated."""
    first = words.index_at(mention.start)
    last = words.index_at(mention.end)
    after, before = words.window(last, last + 6), words.window(first - 4, first)
    if not any(w in HARM_NOUNS or w in HARM_VERBS or w in RESPONSIBILITY_WORDS for w in words.words):
        return 0, False
    following = words.window(last, last + 3)
    located = _locates_agent(words, first)
    if _is_target(words, first) and not located and not (
        adjacent(words, mention, last) and qualifies_harm(mention, following)
    ):
        return 0, False  # "a rocket aimed at Israel", "strikes on Gaza": the target, not the agent
    if following and following[0] in TARGET_NOUNS:
        return 0, False  # "the Gaza hospital": where, not who
    if any(w in PREVENTED for w in words.window(first - 3, first)):
        return 0, False  # "to stop X troops from advancing to strike": a harm kept from happening
    ordered = any(w in ORDER_WORDS for w in before)
    for w in following:
        if w in SPEAKER_NOUNS and not ordered and not _blame_predicated(after):
            return 0, False  # "U.S. officials", "French military intelligence": who says, not who did
        if w in HARM_NOUNS:
            break
    score = 0
    if located:  # weaker than "X militants"; "militants in X said ..." are speakers
        if following[:1] and following[0] in SAY_WORDS:
            return 0, False
        score += 1
    elif any(w in HARM_NOUNS for w in following):
        score += 3
    elif any(w in AGENT_NOUNS for w in following):
        score += 2
    if any(w in HARM_VERBS or w in RESPONSIBILITY_AFTER for w in after) or _passive_blamed(after):
        score += 2
    if _source_of_passive(words, first):
        return 0, False
    if any(w in AGENT_BEFORE or w in ORDER_WORDS for w in before):
        score += 2
    elif "from" in before and any(w in LAUNCH_WORDS for w in words.window(first - 6, first)):
        score += 2  # "launched from Gaza": where the fire came from names who fired
    return score, _negated(words, first, last)


def adjacent(words: Words, mention: ActorMention, last: int) -> bool:
    """Whether the word after ``mention`` follows it with only spaces or a hyphen between (one noun
    phrase: "an Israeli air strike", "a U.S.-led strike"), not a comma ("in Tripoli, bombing")."""
    if last >= len(words.starts):
        return False
    gap = words.text[mention.end : words.starts[last]].strip(" -")
    return not gap or (gap == "." and mention.text.replace(".", "").isupper())  # "U.S. drone strike"


def qualifies_harm(mention: ActorMention, following: list[str]) -> bool:
    """An actor's adjective or acronym qualifying the harm names who did it, whatever preposition
    precedes: "killed in an Israeli air strike", "hit by a Russian missile", "in a U.S. drone strike".
    A place name before a harm noun ("in Gaza strikes") more often names the target, so only a
    nationality adjective ("Israeli", "Russian", "Chinese", "Turkish") or an acronym ("IDF") counts."""
    if not following or following[0] in TARGET_NOUNS or following[0] in TARGET_PREPOSITIONS:
        return False
    harm = next((k for k, w in enumerate(following[:2]) if w in HARM_NOUNS), None)
    if harm is None or any(w in HARMED_SITES for w in following[harm + 1 : harm + 2]):
        return False  # "strikes on Russian drone bases": the target
    last_word = mention.text.split()[-1] if mention.text.split() else ""
    acronym = last_word.replace(".", "").isupper() and len(last_word.replace(".", "")) >= 2
    low = last_word.lower()
    # "Israeli", "Iraqi", "Saudi" (the side's name and "i"), not a city ending in "i" ("Tripoli")
    stem_i = low.endswith("i") and mention.side.lower().replace(" ", "").startswith(low[:-1])
    return acronym or stem_i or low.endswith(("ian", "ean", "can", "ese", "ish"))


def _blame_predicated(after: list[str]) -> bool:
    """"the Russian government was responsible", "the Israeli government is to blame": the body
    named is the one blamed, though its noun often names a speaker."""
    return any(
        w in RESPONSIBILITY_AFTER and (after[i - 1] in BE_WORDS or after[i - 2 : i] == ["is", "to"] or
                                       after[i - 1] == "to" and after[i - 2] in BE_WORDS)
        for i, w in enumerate(after) if i >= 1
    )


def _locates_agent(words: Words, first: int) -> bool:
    """Whether the actor at word ``first`` places a side-less agent noun ("the militants in X",
    "gunmen from the Syria side"): it names who they are, not where the harm went."""
    before = words.window(first - 3, first)
    while before and before[-1] in DETERMINERS:
        before = before[:-1]
    return len(before) >= 2 and before[-1] in ("in", "from") and before[-2] in SIDELESS_AGENTS


def _is_target(words: Words, first: int) -> bool:
    near_before = words.window(first - 2, first)
    return any(w in TARGET_PREPOSITIONS for w in near_before) and not any(
        w in ORIGIN_WORDS for w in words.window(first - 4, first)
    )


def _source_of_passive(words: Words, first: int) -> bool:
    """"condemned by Jordan, Turkey and Egypt": those who blame, not the one blamed."""
    before = words.window(first - 8, first)
    blamed_at = max((i for i, w in enumerate(before) if w in RESPONSIBILITY_WORDS), default=None)
    return blamed_at is not None and "by" in before[blamed_at:]


def _passive_blamed(after: list[str]) -> bool:
    """"Jerusalem was swiftly condemned": the one blamed."""
    for i, w in enumerate(after):
        if w in RESPONSIBILITY_WORDS:
            return any(x in BE_WORDS for x in after[:i])
    return False


def _negated(words: Words, first: int, last: int) -> bool:
    """A negation near the agent, in its clause: "no Syrian strike", "Syria did not bomb", "not
    caused by a Syrian air strike", "none of it suggests a Syrian strike", "Syria was not
    responsible"."""
    before = words.window(first - 10, first)
    for i in range(len(before) - 1, -1, -1):
        if before[i] in CONTRAST_WORDS:
            before = before[i + 1 :]
            break
    after = words.window(last, last + 4)
    # Only up to the predicate: in "Gaza attacked the hospital, not the IDF" the "not" is the IDF's.
    after = after[: next((i for i, w in enumerate(after) if w in CONTRAST_WORDS or w in PREDICATE_WORDS), len(after))]
    counterfactual = " would have " in f" {' '.join(after)} " or (before[:1] == ["had"] and "been" in before)
    return counterfactual or any(w in NEGATIONS or w.endswith("n't") for w in before + after)


# -- presence ---------------------------------------------------------------------------------


def _presence(claim: Claim, words: Words, entities: Sequence[str] = (), speaker: str | None = None) -> Frame | None:
    verbs = [
        i for i, w in enumerate(words.words)
        if w in _PRESENCE_WORDS  # the cheap test first: each test below holds only for one of these words
        and (w in PRESENCE_MINUS or w in PRESENCE_PLUS or _still_there(words, i) or _has_forces(words, i)
             or _ends_presence(words, i) or _scaled_down(words, i)) and not _not_about_presence(words, i)
    ]
    mentions = actor_mentions(words.text)
    holders = [i for i, w in enumerate(words.words) if w in PRESENCE_HOLDERS]
    actors = [words.index_at(m.start) for m in mentions]
    # A presence verb with its holder or actor close by: "Russian forces withdrew", "the
    # withdrawal of troops", "Russia is intending to withdraw".
    verbs = [
        i for i in verbs
        if (_forces_moved(words, i, actors) if words.words[i] in MOVED_ONLY
            else any(-5 <= i - j <= 3 for j in (holders if words.words[i] in HOLDER_ONLY else holders + actors)))
    ]
    if not verbs:
        return None
    leaving = words.words[verbs[0]] in PRESENCE_MINUS or _ends_presence(words, verbs[0]) or _scaled_down(words, verbs[0])
    negated = any(w in NEGATIONS for w in words.words)
    # "no withdrawal" / "will not leave": the extractor already reads the negation into polarity.
    denies = claim.polarity == "denies" or (negated and _negation_in_scope(words))
    present = leaving == denies
    holder = next((m for m in mentions if _holds(words, m)), None)
    agent, agent_text = (holder.side, holder.text) if holder else (None, None)
    if agent is None and speaker and any(w in SPEAKER_PRONOUNS for w in words.words):
        agent, agent_text = speaker, claim.source.text if claim.source else None  # "its troops will stay"
    if agent is None:  # an actor with no side in the table: its name, else what it is ("troops")
        agent = agent_text = next(iter(entities), None) or (words.words[holders[0]] if holders else None)
    stay = words.words[verbs[0]] in PRESENCE_STAY or words.words[verbs[0]] in ("still", "has", "have", "had")
    changed = not denies and not stay  # "remain" is no change
    return Frame(predicate="presence", polarity="affirms" if present else "denies", agent=agent,
                 agent_text=agent_text, change=changed)


# The words a presence verb can be: PRESENCE_MINUS, PRESENCE_PLUS and the first words _still_there, _has_forces,
# _ends_presence and _scaled_down accept.
_PRESENCE_WORDS = PRESENCE_MINUS | PRESENCE_PLUS | frozenset({
    "still", "has", "have", "had", "end", "ends", "ended", "ending",
    "scale", "scales", "scaled", "scaling", "hand", "hands", "handed", "handing",
})


def _still_there(words: Words, i: int) -> bool:
    """"still in Syria", "were still at the base", "still there": presence kept, said with "still"."""
    return words.words[i] == "still" and words.window(i + 1, i + 2) in (["in"], ["at"], ["inside"], ["there"],
                                                                         ["present"], ["stationed"], ["based"],
                                                                         ["deployed"])


def _has_forces(words: Words, i: int) -> bool:
    """"has about 900 troops in Syria", "have 2,000 soldiers there": a count of forces held."""
    if words.words[i] not in ("has", "have", "had"):
        return False
    after = [w for w in words.window(i + 1, i + 5) if w not in ("about", "around", "some", "nearly", "roughly")]
    return len(after) >= 2 and _number(after[0]) is not None and after[1] in PRESENCE_HOLDERS


def _scaled_down(words: Words, i: int) -> bool:
    """"scaling down its presence", "scaled back the deployment", "handed over the base": leaving."""
    return (words.words[i] in ("scale", "scales", "scaled", "scaling") and words.window(i + 1, i + 2) in (["down"], ["back"])
            ) or (words.words[i] in ("hand", "hands", "handed", "handing") and words.window(i + 1, i + 2) == ["over"]
                  and any(w in HANDED_OVER for w in words.window(i + 2, i + 5)))


def _ends_presence(words: Words, i: int) -> bool:
    """"end its military presence", "ended the deployment": leaving."""
    return words.words[i] in ("end", "ends", "ended", "ending") and any(
        w in ("presence", "deployment", "mission", "occupation") for w in words.window(i + 1, i + 4))


def _holds(words: Words, mention: ActorMention) -> bool:
    """Whether ``mention`` names whose forces the claim is about: it qualifies a force noun ("Turkish
    troops"), or stands where a holder stands; not a place the forces are in, leave or go to ("in
    northern Iraq", "from Syria", "leave Afghanistan")."""
    first, last = words.index_at(mention.start), words.index_at(mention.end)
    if any(w in PRESENCE_HOLDERS for w in words.window(last, last + 2)):
        return True  # "Turkish troops", "U.S. combat troops"
    before = words.window(first - 2, first)
    if before[-1:] and before[-1] in LEFT_PLACES:
        return False  # "leave Syria", "quit Iraq"
    # "in Syria", "in northern Iraq"; not the "to" of a verb ("to keep Iran from ...")
    return not (before[-1:] and before[-1] in PLACE_BEFORE) and not (len(before) == 2 and before[0] in PLACE_BEFORE - {"to"})


def _forces_moved(words: Words, i: int, actors: Sequence[int]) -> bool:
    """Whether a word said as often of civilians ("evacuation", "evacuated", "relocated") moves forces:
    its object or "of" phrase is a force noun ("the evacuation of Russian troops", "evacuated its
    troops"), or, said without an object, its subject is one ("Russian troops evacuated from the
    town"); "evacuation orders of the army", "the army evacuated residents" are not."""
    after = words.window(i + 1, i + 5)
    k = 1 if after[:1] == ["of"] else 0
    while k < len(after) and (after[k] in DETERMINERS or i + 1 + k in actors):
        k += 1  # "of the Russian troops", "its troops"
    if k < len(after) and after[k] in PRESENCE_HOLDERS:
        return True
    intransitive = not after or after[0] in ("from", "out", "back", "to", "across", "towards", "toward")
    return intransitive and any(w in PRESENCE_HOLDERS for w in words.window(i - 4, i))


def _not_about_presence(words: Words, i: int) -> bool:
    """A presence word used for something else: leaving an agreement ("withdrew from the fishing deal",
    "pulled out of the talks"), leaving casualties ("the strike left 20 dead"), being left ("was left
    homeless") or a thing withdrawn or kept ("withdrew its ambassador", "kept its promise")."""
    after = words.window(i + 1, i + 6)
    if after[:1] == ["out"]:
        after = after[1:]
    if after[:1] in (["from"], ["of"], ["in"]) and any(w in NON_PRESENCE_OBJECTS for w in after[1:4]):
        return True
    direct = after[1:2] if after[:1] and after[0] in DETERMINERS else after[:1]
    if direct and direct[0] in NON_PRESENCE_OBJECTS | WITHDRAWN_THINGS:
        return True  # "withdrew its ambassador", "pulled the bill", "kept its promise"
    if words.words[i] == "left" and words.window(i - 1, i) and words.words[i - 1] in BE_WORDS:
        return True  # "has been left in a critical condition", "were left homeless"
    return words.words[i] in ("left", "leave", "leaves", "leaving") and bool(after) and (
        _number(after[0]) is not None or after[0] in CASUALTY_UNITS or after[0] in ("many", "scores", "at")
    )


def _negation_in_scope(words: Words) -> bool:
    """A negation within three words before a presence verb ("no withdrawal", "did not leave")."""
    return any(
        (w in PRESENCE_MINUS or w in PRESENCE_PLUS) and any(x in NEGATIONS for x in words.window(i - 3, i))
        for i, w in enumerate(words.words)
    )


# -- toll -------------------------------------------------------------------------------------


def _toll(claim: Claim, words: Words) -> Frame | None:
    for i, w in enumerate(words.words):
        value = _number(w)
        if value is None or re.fullmatch(r"(19|20)\d\d", w):
            continue
        for unit_word in words.window(i + 1, i + 6):
            if unit_word in CASUALTY_UNITS:
                return Frame(predicate="toll", polarity=claim.polarity, quantity=value,
                             unit=CASUALTY_UNITS[unit_word])
    return None


def _number(word: str) -> float | None:
    if word[0].isdigit():
        try:
            return float(word.replace(",", ""))
        except ValueError:
            return None
    return float(_NUMBER_WORDS[word]) if word in _NUMBER_WORDS else None


# -- shared parts -----------------------------------------------------------------------------

_EVENT_CLASSES = {
    "attack": HARM_VERBS | _words("attack attacks strike strikes"),
    "capture": _words("captured capture seized seize took taken occupied occupy retook recaptured"),
    "kill": _words("killed kill killing"),
    "meet": _words("met meet meeting meets talks"),
    "agree": _words("agreed agree agreement signed sign deal ceasefire truce"),
}


def _event_class(words: Iterable[str]) -> str:
    found = set(words)
    return next((name for name, vocabulary in _EVENT_CLASSES.items() if found & vocabulary), "statement")


def _first_side(mentions: Sequence[ActorMention]) -> str | None:
    return mentions[0].side if mentions else None


def _modality(words: list[str], certainty: str) -> str:
    for w in words:
        if w in MODALITY_WORDS:
            return MODALITY_WORDS[w]
    return "asserted" if certainty in ("confirmed", "stated") else "reported"


def _place(frame: Frame, claim: Claim, places: Sequence[Place], sentence: Sentence | None) -> None:
    """The most specific resolved place in the claim, else in its sentence; the place that names the
    frame's agent ("Israel denied", "Moscow said") is not where the claim is about."""
    offset = claim.content.start
    actors = [(offset + m.start, offset + m.end) for m in actor_mentions(framed_text(claim)) if m.side == frame.agent]
    spans = [(claim.content.start, claim.content.end)]
    if sentence is not None:
        spans.append((sentence.start, sentence.end))
    for start, end in spans:
        inside = [
            p for p in places
            if p.id and p.start >= start and p.end <= end and not any(s < p.end and p.start < e for s, e in actors)
            and not (frame.agent and side_of(p.text) == frame.agent)  # "a US official said": a speaker, not where
        ]
        if inside:
            best = min(inside, key=lambda p: _SPECIFIC.index(p.feature) if p.feature in _SPECIFIC else 3)
            frame.place, frame.place_name, frame.country, frame.place_feature = (
                best.id, best.name or best.text, best.country, best.feature,
            )
            return


def _time(
    frame: Frame,
    claim: Claim,
    dates: Sequence[DateMention],
    sentence: Sentence | None,
    published: PartialDate | str | None,
) -> None:
    """The first calendar date in the claim ("text"), else in its sentence ("sentence"), else the
    publication date ("published")."""
    spans = [(claim.content.start, claim.content.end, "text")]
    if sentence is not None:
        spans.append((sentence.start, sentence.end, "sentence"))
    for start, end, where in spans:
        for mention in dates:
            if mention.resolved and mention.value and mention.start >= start and mention.end <= end:
                frame.time, frame.time_from = mention.value, where
                return
    if published:
        frame.time, frame.time_from = str(published)[:10], "published"
