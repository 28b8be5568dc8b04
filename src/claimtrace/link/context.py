"""Claim frames completed at link time from what linking sees beyond one claim: its sentence, article and story.

The frames of extract/frames.py are read from each claim's own words. Linking has every claim of an
article and every article of a story at hand, and completes the thin frames before candidates are
looked for (so that a completed claim meets the other claims of responsibility for the event,
whatever their wording); linking stores the completed frames of its new claims back. In order:
- **a negative source** ("none of their findings suggest a Russian strike", "no evidence to
  blame X"): the quantifier denies what the content states (claims of responsibility only);
- **an attack by an actor in subject position** on a named target ("the army shelled the dam", "By
  blowing up the dam, the Russian Federation ..."): that actor's responsibility;
- **side-less agent nouns** ("a failed launch by militants") take the side the story's articles give
  them ("Palestinian militants", at least twice and three times in four);
- **a speaker inside the claim's words** ("Israel quickly denied the charge", "the allegation was
  denied by Israel"): the frame of what it says; a speaker taken for the agent ("the Israeli army
  said a strike hit ...") loses the frame when what it says names no one;
- **accusations against an actor** blame it ("rejected the accusations against X" clears it); **an
  actor naming the harm** ("killed in an Israeli air strike") blames it, whatever preposition precedes;
- **the actor outside the claim's span**: a claim about harm with no actor, a fragment ("Russia's") or
  a claim whose words are its speaker ("the spokesman told reporters") takes the responsibility
  frame of its clause: its sentence with its own source masked (the speaker is not the one blamed)
  and the other claims of the sentence masked (another speaker's claim is not this one's); reciprocal
  blame ("each other") names no one, and a clause that names no harm blames no one;
- **pointers** ("corroborates the findings") further than extraction looks take the frame of the
  latest claim of responsibility of the article, when every earlier one agrees with it;
- a claim of responsibility with no target takes **the target most of its story's claims name**;
- **a side's account refuted or backed by name** ("dismissed the X lies", "backed the
  Russian version"): the account that side's speakers give in the story, or its denial;
- **a misfire with no actor** ("a misfired rocket hit the clinic", "a shell misfired and fell short")
  blames the side whose misfire the story's sentences name (a misfire is a side's own weapon failing:
  "an errant rebel rocket", at least twice and three times in four); negated or denied, it
  clears that side; asking who fired ("who launched the rocket") blames no one; likewise **a weapon
  with no actor that hit a target** ("a rocket hit the clinic"): the side whose weapons
  of that kind the story's sentences name ("rockets fired from X");
- a claim of a toll whose harm has a pronoun for its subject ("it had struck the clinic and dozens
  died") states **who did it**, in its clause: responsibility before the count, as extraction ranks them;
- a claim of presence whose holder names no side ("the troops would stay") is about **the forces the
  article last named** ("Russian troops");
- a date that only starts a period ("since 2008") is **not the event's date** (``time_from`` "period").

Misses: agents reached only through a pronoun in an earlier sentence; a sentence split wrongly
(abbreviations); blame by inference ("the other team", "local shrapnel"); a claim span holding two
speakers' propositions. Cost: about 0.1 ms a claim, linear. Figures: docs/benchmarks_relations.md.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from claimtrace.extract.actors import actor_mentions, side_of
from claimtrace.extract.frames import (
    AGREEMENT_CUES,
    AGREEMENT_WORDS,
    BLAME_CUES,
    DENIAL_CUES,
    HARM_NOUNS,
    HARM_VERBS,
    NEGATIONS,
    REFERENCE_NOUNS,
    REFUTING_WORDS,
    RESPONSIBILITY_WORDS,
    SIDELESS_AGENTS,
    SPEAKER_NOUNS,
    TARGET_NOUNS,
    Words,
    adjacent,
    cue_lemma,
    dominant_sides,
    frame_of,
    qualifies_harm,
)
from claimtrace.link.relations import frame_relation
from claimtrace.model import Cue, Frame, Source, Span
from claimtrace.store.records import ArticleRecord, ClaimRecord


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


KEPT = frozenset({"responsibility", "presence", "toll"})  # frames read from the claim itself are kept
NEGATIVE_QUANTIFIERS = frozenset({"no", "none", "nothing", "nobody", "neither"})
PREPOSITIONS = _set("of in on at near into against toward towards from over inside across around")
PERIOD_WORDS = _set("since until till")
PERIOD_REACH = 8  # words between "since" and the date it governs ("since Hamas launched an attack on October 7")
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
POINTER_NOUNS = REFERENCE_NOUNS - _set("this that it these those")
ACCOUNT_CHARS = 200  # a claim's first twelve words lie within this many characters, as a rule
FRAGMENT_WORDS = 3  # a claim this short that names an actor is a piece of its clause ("Russia's")
SENTENCE_CHARS = 600  # a sentence is looked for at most this far around its claim
LEAD_CHARS = 600  # an article's lead: about its first three sentences
SAY_VERBS = _set("said says say stated states claimed claims insisted insists told added maintained maintains announced")
DENY_VERBS = _set("denied denies deny denying rejected rejects dismissed dismisses refuted refutes")
# Words between a speaker and its verb: "the Israeli army said", "Israel quickly denied", "Israel on Tuesday said".
SPEAKER_FILLERS = _set(
    "army military forces force government authorities defense defence ministry also again later then has had have "
    "on monday tuesday wednesday thursday friday saturday sunday"
)
ACCUSATION_NOUNS = _set("accusation accusations allegation allegations charge charges blame")
_CLOSE = "\"'\u201d\u2019)\\]"  # closing quotes and brackets after a sentence's last word
_SENTENCE_END = re.compile(rf"(?<=[\w{_CLOSE}])[.!?][{_CLOSE}]*(?:\s+|(?=[A-Z\u201c\"]))|[!?][{_CLOSE}]*\s+|\n+")
# Words a period after does not end a sentence ("Mr. Smith", "U.S. officials", "Oct. 17").
ABBREVIATIONS = _set(
    "mr mrs ms dr st gen lt col sgt capt maj gov sen rep pres prof jr sr vs etc inc co corp "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e"
)
# Nouns after an actor that make it the one who speaks, not the one who acted ("Russian allegations").
SPEECH_NOUNS = _set(
    "allegation allegations accusation accusations claim claims version narrative account accounts propaganda "
    "story statement statements officials official media sources spokesman spokesperson"
) | SPEAKER_NOUNS
NOT_AGENT_AFTER = TARGET_NOUNS | _set("controlled occupied held backed run annexed area region side")
_NEXT_WORD = re.compile(r"[\s-]*([A-Za-z]+)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
RECIPROCAL = re.compile(r"\b(?:each other|one another|the other)\b", re.IGNORECASE)  # blame both ways: no one agent
HARM_WORDS = HARM_NOUNS | HARM_VERBS | RESPONSIBILITY_WORDS
# A side's own weapon failing: whose it was is the one blamed ("a misfired rocket", "an errant missile").
MISFIRE_WORDS = _set("misfire misfires misfired misfiring")
# Words of a failure that are a misfire only said of a weapon or a launch ("a failed launch", "an
# errant rocket", "the missile malfunctioned"; not "a failed bid", "stray dogs").
FAILURE_WORDS = _set("failed errant stray malfunction malfunctioned malfunctioning")
LAUNCHED = _set("launch launches rocket rockets missile missiles projectile projectiles")
OWNER_BEFORE = _set("by from within")  # "fired by X", "launched from within X": whose the weapon was
AIMED_AT = _set("at on toward towards against into target targeting targeted")
PRONOUN_AGENTS = _set("it they he she")
OPEN_QUESTION = _set("who whether whose which")  # "to determine who launched it": the agent is asked, not stated
WEAPONS = _set("rocket rockets missile missiles projectile projectiles")
_MISFIRE = re.compile(r"\b(?:" + "|".join(sorted(MISFIRE_WORDS | FAILURE_WORDS | WEAPONS)) + r")\b",
                      re.IGNORECASE)  # the sentences :class:`_StoryMisfires` reads, the claims :func:`_misfire` reads


def refine_frames(
    records: Sequence[ClaimRecord], articles: Iterable[ArticleRecord], stories: Mapping[int, int] | None = None
) -> int:
    """Complete the thin frames of ``records`` in place (see the module docstring); returns how many
    frames changed. ``stories``: the story of each article, whose texts together tell which side a
    side-less agent noun ("militants") stands for. Each record's cached normalized form is dropped
    when its frame or polarity changes."""
    articles = {a.id: a for a in articles}
    nouns = _StoryNouns(articles, stories or {})
    misfires = _StoryMisfires(nouns.texts)
    by_article: dict[int, list[ClaimRecord]] = defaultdict(list)
    for record in records:
        by_article[record.article_id].append(record)
    changed = 0
    for article_id, claims in by_article.items():
        article = articles.get(article_id)
        text = article.text if article else ""
        story = (stories or {}).get(article_id, -article_id)
        event = article_target(article) if article is not None else None
        for record in claims:
            done = _period_start(record)
            done = _negative_source(record) or done
            frame = record.frame
            if frame.predicate not in KEPT:
                done = (
                    _actor_of_attack(record)
                    or _own_frame(record, nouns.of(story, record.claim.content.text), event)
                    or _nested_speaker(record, text)
                    or _accused(record, record.claim.content.text)
                    or _qualified_harm(record, record.claim.content.text)
                    or (bool(text) and _frame_from_clause(record, claims, text, nouns, story, event))
                    or _misfire(record, misfires, story)
                    or done
                )
            elif frame.predicate == "responsibility" and _speaker_as_agent(record):
                done = _nested_speaker(record, text, demote=True) or done
            elif frame.predicate == "toll" and text and _harm_by_pronoun(record.claim.content.text):
                done = _frame_from_clause(record, claims, text, nouns, story, event) or done
            if done:
                _with_target(record, event)
                record.form = None
                changed += 1
        for record in _resolve_pointers(claims) + _presence_holders(claims):
            _with_target(record, event)
            record.form = None
            changed += 1
    return changed + _story_targets(records, stories or {}) + _side_accounts(records, stories or {})


def _story_targets(records: Sequence[ClaimRecord], stories: Mapping[int, int]) -> int:
    """A claim of responsibility naming no target is about its story's event: it takes the target
    most of the story's claims of responsibility name (when most do), so that it meets the claims
    about that target in other stories too."""
    named: dict[int, Counter[str]] = defaultdict(Counter)
    for record in records:
        frame = record.frame
        if frame.predicate == "responsibility" and record.article_id in stories:
            named[stories[record.article_id]][frame.target or ""] += 1
    changed = 0
    for record in records:
        frame = record.frame
        if frame.predicate != "responsibility" or frame.target or record.article_id not in stories:
            continue
        counts = named[stories[record.article_id]]
        target, n = next(((t, n) for t, n in counts.most_common() if t), ("", 0))
        if target and n * 2 > sum(counts.values()):
            frame.target = target
            record.form = None
            changed += 1
    return changed


def _side_accounts(records: Sequence[ClaimRecord], stories: Mapping[int, int]) -> int:
    """A claim that refutes or backs a side's account by name and nothing more ("dismissed the X
    lies", "backed the Y version") states the account that side's speakers give in its
    story (their claims of responsibility agreeing, at least twice and three times in four), or
    denies it; then its target is theirs too."""
    accounts: dict[int, dict[str, Counter[tuple[str, str, str | None]]]] = defaultdict(lambda: defaultdict(Counter))
    for record in records:
        frame, source = record.frame, record.claim.source
        if frame.predicate != "responsibility" or not frame.agent or source is None or record.article_id not in stories:
            continue
        speaker = side_of(source.canonical or source.text)
        if speaker:
            accounts[stories[record.article_id]][speaker][(frame.agent, frame.polarity, frame.target)] += 1
    changed = 0
    for record in records:
        if record.frame.predicate in KEPT or record.article_id not in stories:
            continue
        owner = _account_owner(record)
        if owner is None:
            continue
        side, refutes = owner
        told = _account(accounts[stories[record.article_id]][side])
        if told is None:
            continue
        agent, polarity, target = told
        flipped = ("denies" if polarity == "affirms" else "affirms") if refutes else polarity
        record.claim.frame = replace(record.frame, predicate="responsibility", polarity=flipped, agent=agent,
                                     agent_text=None, target=record.frame.target or target)
        record.form = None
        changed += 1
    return changed


def _account(frames: Counter[tuple[str, str, str | None]]) -> tuple[str, str, str | None] | None:
    """The account most of a side's claims of responsibility give, when at least two and three in four
    agree with it (blame for one actor agrees with clearing another: :func:`frame_relation`)."""
    if not frames:
        return None
    told = frames.most_common(1)[0][0]
    agree = sum(n for (agent, polarity, _), n in frames.items()
                if (agent == told[0]) == (polarity == told[1]))
    total = sum(frames.values())
    return told if agree >= 2 and agree >= 0.75 * total else None


def _account_owner(record: ClaimRecord) -> tuple[str, bool] | None:
    """(the side, refuted) when the claim's words refute or back an account named by its side ("Russian
    allegations", "the X version") within its first twelve words, else None."""
    text = record.claim.content.text
    if not any(w in POINTER_NOUNS for w in _words(text[:ACCOUNT_CHARS])[:12]):
        return None  # most claims: no account named (checked first, as most claims are unframed)
    words = Words(text)
    cue = cue_lemma(record.claim)
    refutes = cue in DENIAL_CUES or any(w in REFUTING_WORDS for w in words.words)
    agrees = cue in AGREEMENT_CUES or any(w in AGREEMENT_WORDS for w in words.words)
    if refutes == agrees:
        return None
    for mention in actor_mentions(text):
        last = words.index_at(mention.end)
        if last < 12 and words.window(last, last + 1) and words.words[last] in POINTER_NOUNS:
            return mention.side, refutes
    return None


def _with_target(record: ClaimRecord, event: str | None) -> None:
    """A completed claim of responsibility naming no target is about the article's facility ``event``
    (:func:`article_target`, read once per article), as extract/frames.py does."""
    frame = record.frame
    if frame.predicate == "responsibility" and frame.target is None and event is not None:
        frame.target = event


def _presence_holders(claims: Sequence[ClaimRecord]) -> list[ClaimRecord]:
    """A claim of presence whose holder names no side ("the troops would stay", "our forces will
    remain at the base") is about the forces the article's latest claim of presence before it named
    ("Russian troops"): a definite reference to troops already mentioned."""
    changed = []
    latest: str | None = None
    for record in sorted(claims, key=lambda r: r.claim.content.start):
        frame = record.frame
        if frame.predicate != "presence":
            continue
        if frame.agent and side_of(frame.agent) == frame.agent:
            latest = frame.agent
        elif latest is not None:
            record.claim.frame = replace(frame, agent=latest)
            changed.append(record)
    return changed


def _resolve_pointers(claims: Sequence[ClaimRecord]) -> list[ClaimRecord]:
    """Claims that only point at what the article reported before ("Reporting from its allies
    corroborates the findings", "called this a fabrication") state the proposition of the latest
    claim of responsibility before them, or deny it, when every such claim before agrees with that
    latest one (the article holds one account, so "the findings" can be only that one). Nearby
    pointers were resolved at analysis (extract/frames.py); these are the ones further away or
    pointing at frames completed here."""

    changed = []
    ordered = sorted(claims, key=lambda r: r.claim.content.start)
    for i, record in enumerate(ordered):
        if record.frame.predicate in KEPT:
            continue
        words = _words(record.claim.content.text)
        cue = cue_lemma(record.claim)
        refutes = cue in DENIAL_CUES or any(w in REFUTING_WORDS for w in words)
        agrees = cue in AGREEMENT_CUES or any(w in AGREEMENT_WORDS for w in words)
        if not any(w in POINTER_NOUNS for w in words[:8]) or not (refutes or agrees):
            continue  # a noun that points ("the findings", "those claims"), not "that" or "it"
        before = [r for r in ordered[:i] if r.frame.predicate == "responsibility" and r.frame.agent]
        if not before:
            continue
        latest = before[-1]
        if any((frame_relation(other, latest, True) or ("",))[0] != "corroborates" for other in before[:-1]):
            continue  # the article reports more than one account: which one is meant is not known
        source = latest.frame
        polarity = source.polarity if not refutes else ("denies" if source.polarity == "affirms" else "affirms")
        record.claim.frame = replace(
            record.frame, predicate="responsibility", polarity=polarity, agent=source.agent,
            agent_text=source.agent_text, target=record.frame.target or source.target,
        )
        changed.append(record)
    return changed


class _StoryNouns:
    """Side-less agent nouns with the side the articles of each story give them ("Palestinian
    militants" -> militants: Palestine), by story id (an article without a story: by -article id);
    counted once per story, and only for a story one of whose claims holds such a noun."""

    def __init__(self, articles: Mapping[int, ArticleRecord], stories: Mapping[int, int]) -> None:
        self.texts: dict[int, list[str]] = defaultdict(list)
        for article_id, article in articles.items():
            self.texts[stories.get(article_id, -article_id)].append(article.text)
        self.sides: dict[int, dict[str, str]] = {}

    def of(self, story: int, text: str) -> dict[str, str]:
        if not any(w in SIDELESS_AGENTS for w in _words(text)):
            return {}
        if story not in self.sides:
            self.sides[story] = _agent_noun_sides(self.texts.get(story, []))
        return self.sides[story]


def misfire_at(words: Sequence[str]) -> list[int]:
    """The word indices of a misfire in ``words`` (lower-cased): "misfired", and a failure word next
    to a launch or a weapon ("a failed rocket launch", "an errant missile", "the rocket malfunctioned")."""
    return [
        i for i, w in enumerate(words)
        if w in MISFIRE_WORDS or (w in FAILURE_WORDS and any(x in LAUNCHED for x in words[max(0, i - 2) : i + 3]))
    ]


class _StoryMisfires:
    """The side whose misfires, and whose weapons, each story's sentences name ("a misfired X rocket",
    "the rocket misfired by the rebels", "rockets fired from X"), by story id and
    key ("misfire", or a weapon noun in the singular: "rocket"); counted once per story, and only
    when a claim asks for it."""

    def __init__(self, texts: Mapping[int, list[str]]) -> None:
        self.texts = texts
        self.sides: dict[int, dict[str, str]] = {}

    def of(self, story: int, key: str = "misfire") -> str | None:
        if story not in self.sides:
            counts: dict[str, Counter[str]] = defaultdict(Counter)
            for text in self.texts.get(story, []):
                for found, side in _misfire_sides(text):
                    counts[found][side] += 1
            self.sides[story] = dominant_sides(counts)
        return self.sides[story].get(key)


def _weapon_key(word: str) -> str | None:
    """The singular weapon noun ``word`` is ("rockets" -> "rocket"), else None."""
    if word in WEAPONS:
        return word[:-1] if word.endswith("s") and word[:-1] in WEAPONS else word
    return None


def _misfire_sides(text: str) -> list[tuple[str, str]]:
    """(key, side) for each misfire and each weapon of ``text`` whose own phrase names one side
    (within six words before it or six after): an actor qualifying the weapon ("an X rocket that
    misfired", "a rebel rocket misfire") or after "by" or "from" ("a failed launch by the
    rebels", "fired from within X"), not where it was aimed or who speaks ("aimed at Y", "the
    army said"); a phrase that names two sides or none is not counted."""
    sides, seen = [], set()
    for match in _MISFIRE.finditer(text):
        begin, stop = sentence_bounds(text, match.start(), match.end())
        if begin in seen:
            continue
        seen.add(begin)
        sentence = text[begin:stop]
        words = Words(sentence)
        mentions = [(words.index_at(m.start), words.index_at(m.end), m) for m in actor_mentions(sentence)]
        keys = [(i, "misfire") for i in misfire_at(words.words)]
        keys += [(i, key) for i, w in enumerate(words.words) if (key := _weapon_key(w))]
        for i, key in keys:
            found = {m.side for first, last, m in mentions if -6 <= first - i <= 6 and _owns_weapon(words, first, last)}
            if len(found) == 1:
                sides.append((key, found.pop()))
    return sides


def _owns_weapon(words: Words, first: int, last: int) -> bool:
    """Whether the actor at words ``first:last`` is whose the weapon was: it qualifies a weapon or a
    misfire ("X rocket", "rebel misfire") or follows "by" or "from" ("fired by X")."""
    if any(w in AIMED_AT for w in words.window(first - 2, first)):
        return False  # "aimed at X", "to target X"
    following = words.window(last, last + 1)
    if following and (following[0] in LAUNCHED or following[0] in MISFIRE_WORDS):
        return True
    return any(w in OWNER_BEFORE for w in words.window(first - 3, first))


def _misfire(record: ClaimRecord, misfires: _StoryMisfires, story: int) -> bool:
    """A misfire with no actor blames the side whose misfires its story names (see :class:`_StoryMisfires`);
    a negation just before it ("not a misfired rocket"), a denial or a refuting word clears that side."""
    if not _MISFIRE.search(record.claim.content.text):
        return False  # no misfire, failure or weapon word (most claims)
    words = _words(record.claim.content.text)
    at = misfire_at(words)
    side = misfires.of(story) if at else None
    if not at:  # a weapon that hit the target: "a rocket hit the clinic"
        at = [i for i, w in enumerate(words) if _weapon_key(w)]
        if not at or not any(w in HARM_VERBS for w in words) or not any(w in TARGET_NOUNS for w in words):
            return False
        side = misfires.of(story, _weapon_key(words[at[0]]) or "")
    if side is None or any(w in OPEN_QUESTION for w in words):
        return False
    negated = any(w in NEGATIONS or w.endswith("n't") for i in at for w in words[max(0, i - 3) : i])
    refuted = cue_lemma(record.claim) in DENIAL_CUES or any(w in REFUTING_WORDS for w in words)
    polarity = "denies" if negated != refuted else "affirms"
    _adopt(record, Frame(predicate="responsibility", agent=side, agent_text=words[at[0]]), polarity=polarity)
    return True


def _agent_noun_sides(texts: Iterable[str]) -> dict[str, str]:
    """What :func:`~claimtrace.extract.frames.agent_noun_sides` finds in one text, over many: each
    side-less noun's side when the texts qualify it with one side at least twice and at least three
    times in four, in time linear in the texts."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        for mention in actor_mentions(text):
            following = _NEXT_WORD.match(text, mention.end)
            noun = following.group(1).lower() if following else ""
            if noun in SIDELESS_AGENTS:
                counts[noun][mention.side] += 1
    return dominant_sides(counts)


def article_target(article: ArticleRecord) -> str | None:
    """The facility the article is about: the first target noun of its title and lead (singular)."""
    lead = f"{article.title or ''} {article.text[:LEAD_CHARS]}"
    found = next((w for w in _words(lead) if w in TARGET_NOUNS), None)
    return found[:-1] if found and found.endswith("s") and found[:-1] in TARGET_NOUNS else found


def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def _period_start(record: ClaimRecord) -> bool:
    """A date the claim gives only as the start or end of a period ("pounding Gaza since the attack
    on October 7", "the deadliest since 2008") is not when its event happened: the frame's time is
    then no longer read as the event's (``time_from`` "period", the time the publication date), so it
    does not split one event in two, nor date a state by the day it began."""
    frame = record.frame
    if frame.time_from != "text" or not frame.time:
        return False
    text_words = [m.group(0).lower() for m in re.finditer(r"[A-Za-z]+|\d+", record.claim.content.text)]
    year, month = frame.time[:4], frame.time[5:7]
    names = {year}
    if month.isdigit() and 0 < int(month) <= len(MONTHS):
        names |= {MONTHS[int(month) - 1], MONTHS[int(month) - 1][:3]}
    at = next((i for i, w in enumerate(text_words) if w in names), None)
    if at is None or not any(w in PERIOD_WORDS for w in text_words[max(0, at - PERIOD_REACH) : at]):
        return False
    frame.time_from = "period"
    if record.published is not None:  # a state "since 2015" is reported as of the day it is published
        frame.time = str(record.published)[:10]
    return True


def _negative_source(record: ClaimRecord) -> bool:
    """Flip the claim's polarity when its source is a negative quantifier ("no evidence",
    "none of their intelligence"); the extractor reads negation in the content and cue only."""
    source = record.claim.source
    words = _words(source.text) if source and source.text else []
    if not words or words[0] not in NEGATIVE_QUANTIFIERS or record.claim.polarity != "affirms":
        return False
    if record.frame.predicate != "responsibility":
        return False  # measured on claims of responsibility only ("at no time" is no source)
    record.claim.polarity = "denies"
    frame = record.frame
    frame.polarity = "affirms" if frame.polarity == "denies" else "denies"
    return True


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence of ``text`` around characters [start, end): from the last sentence end before
    ``start`` to the first after ``end`` (within ``SENTENCE_CHARS`` each way)."""
    low = max(0, start - SENTENCE_CHARS)
    begin = low
    for match in _SENTENCE_END.finditer(text, low, min(len(text), start + 1)):  # + 1: the lookahead
        if match.end() <= start and _ends_sentence(text, match.start()):
            begin = match.end()
    stop = min(len(text), end + SENTENCE_CHARS)
    for match in _SENTENCE_END.finditer(text, end, stop):
        if _ends_sentence(text, match.start()):
            return begin, match.start() + 1
    return begin, stop


def _ends_sentence(text: str, at: int) -> bool:
    """Whether the punctuation at ``at`` ends a sentence (not the period of "Mr." or "U.S.")."""
    if text[at] != ".":
        return True
    word = re.search(r"[\w.]*$", text[max(0, at - 12) : at])
    token = word.group(0).lower() if word else ""
    return not (len(token) == 1 or token in ABBREVIATIONS)


def _mask(chars: list[str], span: Span | None, begin: int, stop: int) -> None:
    if span is None or span.end <= span.start:
        return
    for i in range(max(span.start, begin), min(span.end, stop)):
        if not chars[i - begin].isspace():
            chars[i - begin] = " "


def clause_text(record: ClaimRecord, claims: Sequence[ClaimRecord], text: str) -> str:
    """The claim's sentence with its own source masked and the sources and contents of the other
    claims of the sentence masked (those that do not overlap this claim's content)."""
    claim = record.claim
    lo = min([claim.content.start] + [s.start for s in (claim.source, claim.cue) if s and s.end > s.start])
    begin, stop = sentence_bounds(text, lo, claim.content.end)
    chars = list(text[begin:stop])
    _mask(chars, claim.source, begin, stop)  # the speaker is not the one blamed
    for other in claims:
        if other is record:
            continue
        content = other.claim.content
        if content.end <= begin or content.start >= stop:
            continue
        if claim.content.start <= content.start and content.end <= claim.content.end:
            continue  # nested in this claim: part of what it states
        for part in (Span("", content.start, min(content.end, claim.content.start)),
                     Span("", max(content.start, claim.content.end), content.end)):
            _mask(chars, part, begin, stop)  # another's words, around this claim or beside it
        if other.claim.source and other.claim.source.text != (claim.source.text if claim.source else None):
            _mask(chars, other.claim.source, begin, stop)
    return "".join(chars)


def _actor_of_attack(record: ClaimRecord) -> bool:
    """An attack on a named target by an actor in subject position states that actor's responsibility:
    "the army shelled the dam", "By blowing up the dam, the Russian Federation proved ...". Not an
    actor after a preposition or after the harm ("a blast in the area of Syria's dam", "it
    targeted a rebel command post"), one qualifying a speaker, the target or a place ("the army's
    spokesman", "the Russian-controlled dam", "the Gaza hospital"), nor in a claim that negates
    anything (the frame does not say what)."""
    frame = record.frame
    if frame.predicate != "attack" or not frame.agent or not frame.target:
        return False
    text = record.claim.content.text
    words = [(m.start(), m.group(0).lower().replace("’", "'")) for m in _WORD.finditer(text)]
    lows = [w for _, w in words]
    if any(w in NEGATIONS or w.endswith("n't") for w in lows):
        return False
    harm = [i for i, w in enumerate(lows) if w in HARM_NOUNS or w in HARM_VERBS]
    gerund = len(lows) > 1 and lows[0] == "by" and lows[1] in HARM_VERBS  # "By blowing up the dam, X ..."
    for mention in actor_mentions(text):
        if mention.side != frame.agent:
            continue
        first = next((i for i, (at, _) in enumerate(words) if at >= mention.start), len(words))
        last = next((i for i, (at, _) in enumerate(words) if at >= mention.end), len(words))
        before, after = lows[max(0, first - 1) : first], lows[last : last + 2]
        if (before and before[0] in PREPOSITIONS) or any(w in NOT_AGENT_AFTER for w in after[:1]) or any(
            w in SPEECH_NOUNS for w in after
        ) or text[mention.end : mention.end + 1] == "-":
            continue
        if gerund or any(0 < h - first <= 6 for h in harm):
            record.claim.frame = replace(frame, predicate="responsibility", agent_text=mention.text)
            return True
    return False


def _harm_by_pronoun(text: str) -> bool:
    """Whether a harm verb in ``text`` has a pronoun for its subject ("it had struck the clinic and
    dozens were killed"): the claim of a toll names who did it, in its clause."""
    words = _words(text)
    return any(w in HARM_VERBS and any(x in PRONOUN_AGENTS for x in words[max(0, i - 3) : i])
               for i, w in enumerate(words))


def _not_agent(clause: str, agent_text: str | None) -> bool:
    """Whether the actor found qualifies a speaker ("the Syrian claims that it was hit") or is
    the object of the harm ("the rebels shelled a Syrian army post")."""
    at = clause.find(agent_text) if agent_text else -1
    if at < 0:
        return False
    following = _words(clause[at + len(agent_text) :])[:1]
    before = _words(clause[:at])[-3:]
    return (bool(following) and following[0] in SPEECH_NOUNS) or (
        any(w in HARM_VERBS for w in before) and "by" not in before
    )


def _adopt(record: ClaimRecord, found: Frame, polarity: str | None = None) -> None:
    frame = record.frame
    record.claim.frame = replace(
        frame, predicate="responsibility", polarity=polarity or found.polarity, agent=found.agent,
        agent_text=found.agent_text, target=frame.target or found.target,
    )


def _own_frame(record: ClaimRecord, agent_nouns: Mapping[str, str], event: str | None = None) -> bool:
    """The claim's own words, with the sides its story gives side-less agent nouns ("a failed
    launch by militants", where the story's militants are Palestinian); ``event``: the facility the
    article is about."""
    if not agent_nouns:
        return False
    found = frame_of(replace(record.claim, frame=None), published=record.published, agent_nouns=agent_nouns,
                     event=event)
    if found.predicate != "responsibility" or not found.agent:
        return False
    _adopt(record, found)
    return True


def _speaker_at(text: str) -> tuple[str, int, int, str] | None:
    """An actor speaking inside a claim's words ("the Israeli army said ...", "Israel quickly denied
    the charge", "the charge was denied by Israel"): (its name, start and end of what it says, verb)."""
    words = [(m.start(), m.end(), m.group(0).lower().replace("\u2019", "'")) for m in _WORD.finditer(text)]
    for mention in actor_mentions(text):
        after = [w for w in words if w[0] >= mention.end][:4]
        for i, (_, end, word) in enumerate(after):
            if word in SAY_VERBS or word in DENY_VERBS:
                rest = text[end:].lstrip(" ,:")
                rest = rest[5:] if rest.lower().startswith("that ") else rest
                return mention.text, end + (len(text[end:]) - len(rest)), len(text), word
            if not (word in SPEAKER_FILLERS or word.endswith("ly")) or i >= 2:
                break
        before = [w[2] for w in words if w[1] <= mention.start][-3:]
        if len(before) >= 2 and before[-1] == "by" and before[-2] in DENY_VERBS:
            cut = text.lower().rfind(" was ", 0, mention.start)
            cut = cut if cut >= 0 else text.lower().rfind(" " + before[-2], 0, mention.start)
            return mention.text, 0, max(cut, 0), before[-2]
    return None


def _speaker_as_agent(record: ClaimRecord) -> bool:
    """Whether the frame's agent is an actor speaking inside the claim ("the Israeli army said a strike hit")."""
    text = record.claim.content.text
    found = _speaker_at(text)
    mentions = actor_mentions(text)
    # Only a speaker named once is surely the agent taken ("Britain blamed Russia, which Russia
    # denies": the agent may be the first "Russia", not the one that denies).
    return (found is not None and record.frame.agent_text is not None and record.frame.agent_text in found[0]
            and sum(m.text == found[0] for m in mentions) == 1)


def _nested_speaker(record: ClaimRecord, text: str, demote: bool = False) -> bool:
    """A claim whose words hold a speaker and what it says takes the frame of that nested claim
    ("Israel quickly denied the charge": Israel denies its responsibility). ``demote``: the frame
    had taken the speaker for the agent; without a frame of the nested claim it is no longer one."""
    claim = record.claim
    found = _speaker_at(claim.content.text)
    if found is None:
        return False
    name, start, end, verb = found
    said = claim.content.text[start:end]
    lemma = "deny" if verb in DENY_VERBS else "say"
    probe = replace(
        claim, content=Span(said, 0, len(said)), source=Source(name, 0, 0, kind="government"),
        cue=Cue(verb, 0, 0, lemma=lemma), frame=None,
    )
    context = ""
    if text:
        begin, stop = sentence_bounds(text, claim.content.start, claim.content.end)
        context = text[sentence_bounds(text, max(0, begin - 2), max(0, begin - 1))[0] : stop]
    nested = frame_of(probe, published=record.published, sentence_text=context)
    if nested.predicate == "responsibility" and nested.agent:
        _adopt(record, nested)
        return True
    if demote:
        record.claim.frame = replace(record.frame, predicate="statement", agent=None, agent_text=None)
        return True
    return False


def _accused(record: ClaimRecord, text: str) -> bool:
    """"accusations against Kyiv", "the charges against the army": the one accused is blamed; a
    denial or negation just before ("rejected the accusations against X") clears it."""
    words = [(m.start(), m.group(0).lower().replace("\u2019", "'")) for m in _WORD.finditer(text)]
    lows = [w for _, w in words]
    for i, word in enumerate(lows[:-2]):
        if word not in ACCUSATION_NOUNS or lows[i + 1] != "against":
            continue
        at = words[i + 2][0] if lows[i + 2] != "the" or i + 3 >= len(words) else words[i + 3][0]
        mention = next((m for m in actor_mentions(text) if m.start == at), None)
        if mention is None:
            continue
        cleared = any(w in DENY_VERBS or w in NEGATIONS for w in lows[max(0, i - 4) : i])
        _adopt(record, Frame(predicate="responsibility", agent=mention.side, agent_text=mention.text),
               polarity="denies" if cleared else "affirms")
        return True
    return False


def _qualified_harm(record: ClaimRecord, text: str) -> bool:
    """An actor naming the harm itself blames it, whatever precedes ("killed in an Israeli air
    strike", "hit by a Russian missile"), as extraction reads it (``frames.qualifies_harm``); negated
    just before ("not an Israeli strike") it clears it. Two actors naming harm ("an Israeli strike or
    a Syrian rocket") tell nothing."""
    words = Words(text)
    found = []
    for mention in actor_mentions(text):
        last = words.index_at(mention.end)
        if not (adjacent(words, mention, last) and qualifies_harm(mention, words.window(last, last + 3))):
            continue
        first = words.index_at(mention.start)
        negated = any(w in NEGATIONS or w.endswith("n't") for w in words.window(first - 3, first))
        found.append((mention, "denies" if negated else "affirms"))
    if len({m.side for m, _ in found}) != 1:
        return False
    mention, polarity = found[0]
    _adopt(record, Frame(predicate="responsibility", agent=mention.side, agent_text=mention.text), polarity=polarity)
    return True


def _frame_from_clause(
    record: ClaimRecord, claims: Sequence[ClaimRecord], text: str, nouns: _StoryNouns | None = None, story: int = 0,
    event: str | None = None,
) -> bool:
    """Give a claim about harm with no actor the responsibility frame of its clause; ``event``: the
    facility the article is about (blame with no harm named in the clause is blame for it)."""
    claim = record.claim
    cue = cue_lemma(claim)
    own = _words(claim.content.text)
    fragment = len(own) <= FRAGMENT_WORDS and bool(actor_mentions(claim.content.text))  # "Russia's"
    speaker = any(w in SAY_VERBS or w == "told" for w in own)  # the claim's words are its speaker's
    harm = any(w in HARM_NOUNS or w in HARM_VERBS for w in own)
    blame = any(w in HARM_WORDS for w in own) or cue in BLAME_CUES or cue in DENIAL_CUES
    if not (harm or blame or fragment or speaker):
        return False
    clause = clause_text(record, claims, text)
    if not clause.strip() or RECIPROCAL.search(clause):
        return False
    named = any(w in HARM_NOUNS or w in HARM_VERBS for w in _words(clause))
    if not (harm or named or (event and cue in BLAME_CUES)):
        return False  # blamed for what? ("accused of sexual harassment", "criticized the regulations")
    probe = replace(claim, content=Span(clause, 0, len(clause)), frame=None)
    found = frame_of(probe, published=record.published, agent_nouns=nouns.of(story, clause) if nouns else None,
                     event=event)
    if found.predicate != "responsibility" or not found.agent or _not_agent(clause, found.agent_text):
        return _accused(record, clause) or _qualified_harm(record, clause)
    _adopt(record, found)
    return True
