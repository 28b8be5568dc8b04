"""Named entities and their canonical names within one article.

``link_mentions`` groups the doc's named entities (PER, ORG, LOC, MISC) by
referent and names each group by its fullest mention. A mention joins a group
when it

* has the same name (case, dots, a leading "the" and a possessive ignored;
  "U.S." = "US"; a few alternative country names such as "America" for
  "United States");
* is an acronym of the group's name ("SDF" for "Syrian Democratic Forces",
  "US" for "United States") or was declared by apposition ("Syrian Democratic
  Forces (SDF)"); acronyms declared by apposition are also found where the
  NER missed them;
* is a part of a longer person name ("Shoigu", "Putin" after or before
  "Sergei Shoigu", "Vladimir Putin") or the end of a longer organization name
  ("Defense Ministry" for "Russian Defense Ministry"), or an organization
  name without a generic last word ("Damascus" for "Damascus University");
  when several people share the part, the most recent one wins;
* is a definite description ("the ministry", "the army", "the president")
  whose head noun occurs in the name (or, for people, in the title) of
  exactly one earlier group; these mentions ("the ministry") join the group.

Titles are kept out of person names: "Syrian President Bashar Al-Assad"
gives the mention and canonical name "Bashar Al-Assad" (its title
"president" is remembered for "the president"). Person and non-person
mentions join only by identical name; organizations, places and MISC also by
acronym (the NER labels "US" either way); a group's label is its most
frequent one.

Misses: pronouns and other coreference ("he", "the Syrian leader"), plural or
modified descriptions ("the two ministries", "the Syrian army" when no
entity names an army), nicknames and transliteration variants ("Assad" vs
"al-Asad"), and entities the NER missed (except declared acronyms). Places
that contain each other ("Al-Hasakah" and "Al-Hasakah Province") stay apart
on purpose.

NER splits are mended first: pieces joined by a bare hyphen ("Bashar Al" +
"Assad"), a one-word nationality before an organization ("Russian" +
"Defense Ministry"), punctuation at the edges; identical names join whatever
their NER labels.

Figures (grouping on GUM coreference): ``docs/benchmarks_dates.md``.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy
from spacy.attrs import LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from claimtrace.extract.doctext import doc_text
from claimtrace.model import Entity, EntityGroup, Span


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


TITLE_WORDS = _word_set(
    """
    president vice prime premier minister foreign defense defence interior finance deputy acting
    general gen lieutenant lt colonel col major maj captain capt sergeant sgt commander admiral adm
    marshal field brigadier brig mr mrs ms miss dr prof professor sen senator rep representative
    congressman congresswoman governor gov mayor king queen prince princess crown sheikh emir sultan
    pope chancellor secretary state spokesman spokeswoman spokesperson ambassador envoy chief leader
    judge justice sir lord lady cardinal archbishop bishop rev reverend father ayatollah supreme
    president-elect chairman chairwoman chair director head commissioner
    """
)
ORGANIZATION_HEADS = _word_set(
    """
    ministry army military government agency organization organisation group council company party
    committee commission alliance coalition militia movement court parliament embassy office
    department navy guard front union league bank fund authority administration police service
    network institute university newspaper broadcaster channel federation corporation regime
    """
)
PERSON_HEADS = _word_set(
    """
    president minister general commander chancellor king queen prince spokesman spokeswoman
    secretary ambassador envoy governor mayor senator leader chief emir sheikh pope premier chairman
    """
)
# "Damascus" is "Damascus University": an organization name minus one of these is still the name.
GENERIC_ORGANIZATION_WORDS = _word_set(
    """
    university college school institute corporation corp company co inc ltd group party movement
    foundation agency bank airlines airways
    """
)
ALTERNATIVE_NAMES = {
    "america": "united states",
    "usa": "united states",
    "united states of america": "united states",
    "britain": "united kingdom",
    "great britain": "united kingdom",
    "russian federation": "russia",
    "syrian arab republic": "syria",
    "holland": "netherlands",
}
_INITIALS_SKIP = frozenset({"of", "the", "and", "for", "de", "du", "la", "al", "el", "in", "on", "&"})
_ACRONYM = re.compile(r"(?:[A-Z]\.){1,6}[A-Z]\.?|[A-Z][A-Z&]{1,6}")
_APPOSITION = re.compile(r"\s*\((?P<acronym>(?:[A-Z]\.){2,6}|[A-Z][A-Za-z&]{1,6})\)")
_WORD = re.compile(r"\w+")
_TRAILER = re.compile(r"\s*(?:['’]s?)?[\s\W]*")
_NAME_PARTICLES = frozenset({"al", "el", "ad", "as", "ash", "at", "az", "bin", "ibn", "abu", "ben", "de", "van", "von"})


@dataclass
class _Mention:
    start: int
    end: int
    text: str
    label: str
    titles: frozenset[str] = frozenset()

    @cached_property
    def key(self) -> str:
        return name_key(self.text)

    @cached_property
    def words(self) -> tuple[str, ...]:
        return tuple(_WORD.findall(self.key))

    @cached_property
    def acronym(self) -> bool:
        return is_acronym(self.text)


@dataclass
class _Group:
    """One referent being built: its name mentions, descriptions and what matching needs."""

    mentions: list[_Mention] = field(default_factory=list)
    descriptions: list[Span] = field(default_factory=list)
    acronyms: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)
    labels: Counter[str] = field(default_factory=Counter)
    initials: set[str] = field(default_factory=set)
    titles: set[str] = field(default_factory=set)
    first_seen: dict[str, int] = field(default_factory=dict)
    last_start: int = -1
    _label: str | None = field(default=None, repr=False, compare=False)  # ``label``, until the next mention

    def add(self, mention: _Mention) -> None:
        self._label = None
        self.mentions.append(mention)
        self.keys.add(_alternative(mention.key))
        self.labels[mention.label] += 1
        self.first_seen.setdefault(mention.label, len(self.mentions))
        self.titles |= mention.titles
        self.last_start = max(self.last_start, mention.start)
        if len(mention.words) > 1:
            self.initials.add(initials(mention.text))

    @property
    def names(self) -> list[_Mention]:
        return self.mentions

    @property
    def person(self) -> bool:
        return self.label == "PER"

    @property
    def label(self) -> str:
        """The most frequent label, the first seen on ties (kept until a mention is added: matching asks often)."""
        if self._label is None:
            self._label = max(self.labels, key=lambda label: (self.labels[label], -self.first_seen[label]))
        return self._label

    @property
    def canonical(self) -> str:
        full = [m for m in self.mentions if not m.acronym] or self.mentions
        best = max(full, key=lambda m: (len(m.words), len(m.text), -m.start))
        return best.text

    def to_entity_group(self) -> EntityGroup:
        spans = [Span(m.text, m.start, m.end) for m in self.mentions] + self.descriptions
        return EntityGroup(canonical=self.canonical, label=self.label, mentions=sorted(spans, key=lambda s: s.start))


# --- names ------------------------------------------------------------------


def name_key(text: str) -> str:
    """A name's comparison key: lower case, no dots, no leading "the", no possessive."""
    key = re.sub(r"['’]s?$", "", text.strip())
    key = re.sub(r"^(?:the|The|THE)\s+", "", key)
    key = key.replace(".", "").lower()
    return re.sub(r"[\s-]+", " ", key).strip()


def _alternative(key: str) -> str:
    return ALTERNATIVE_NAMES.get(key, key)


def is_acronym(text: str) -> bool:
    """ "SDF", "U.S.", "NATO" (2-7 capitals, optionally dotted)."""
    return bool(_ACRONYM.fullmatch(re.sub(r"^(?:the|The)\s+", "", text.strip())))


def acronym_letters(text: str) -> str:
    return re.sub(r"^(?:the|The)\s+", "", text.strip()).replace(".", "").upper()


def initials(name: str) -> str:
    """ "Syrian Democratic Forces" -> "SDF"; function words ("of", "the", "al") are skipped."""
    words = [w for w in re.findall(r"[^\W\d_][\w']*", name) if w.lower() not in _INITIALS_SKIP]
    return "".join(w[0] for w in words).upper()


def strip_title(tokens: list[str]) -> tuple[int, frozenset[str]]:
    """How many leading tokens of a person mention are its title, and the title words.

    "Syrian President Bashar Al-Assad" -> 2, {"president"}; the nationality
    before a title goes with it. A mention that would be left without a
    capitalized word keeps everything.
    """
    cut = 0
    for i, token in enumerate(tokens[:-1]):
        word = token.lower().rstrip(".")
        if word in TITLE_WORDS:
            cut = i + 1
        elif not (token[:1].isupper() or word in {"of", "the", "-"}):
            break
    if not any(t[:1].isupper() for t in tokens[cut:]):
        return 0, frozenset()
    titles = frozenset(t.lower().rstrip(".") for t in tokens[:cut] if t.lower().rstrip(".") in TITLE_WORDS)
    return cut, titles


def _titles_before(doc: Doc, ent: SpacySpan) -> frozenset[str]:
    """Title words just before an entity ("Syrian President [Bashar Al-Assad]")."""
    titles: set[str] = set()
    for token in reversed(doc[max(0, ent.start - 4) : ent.start]):
        word = token.lower_.rstrip(".")
        if word in TITLE_WORDS:
            titles.add(word)
        elif not token.text[:1].isupper():
            break
    return frozenset(titles)


def _mention_of(doc: Doc, ent: SpacySpan, text: str) -> _Mention | None:
    tokens = list(ent)
    titles: frozenset[str] = frozenset()
    if ent.label_ == "PER":
        cut, titles = strip_title([t.text for t in tokens])
        tokens = tokens[cut:]
        titles = titles | _titles_before(doc, ent)
    while tokens and (tokens[0].lower_ == "the" or tokens[0].is_punct):
        tokens = tokens[1:]
    while tokens and (tokens[-1].text in {"'s", "’s", "'", "’"} or tokens[-1].is_punct):
        tokens = tokens[:-1]
    if not tokens:
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    return _Mention(start, end, text[start:end], ent.label_, titles)


def _repaired_entities(doc: Doc, text: str) -> list[SpacySpan]:
    """The doc's entities with two common NER splits mended.

    Pieces joined by a bare hyphen are one name ("Bashar Al" "-" "Assad"), and
    a one-word nationality (MISC) right before an organization belongs to it
    ("Russian" "Defense Ministry").
    """
    mended: list[SpacySpan] = []
    for ent in doc.ents:
        if mended and _belong_together(text, mended[-1], ent):
            previous = mended.pop()
            label = ent.label_ if previous.label_ == "MISC" or len(ent) >= len(previous) else previous.label_
            mended.append(SpacySpan(doc, previous.start, ent.end, label=label))
        else:
            mended.append(ent)
    return mended


def _belong_together(text: str, first: SpacySpan, second: SpacySpan) -> bool:
    between = text[first.end_char : second.start_char]
    if between in {"-", "‐", "‑"}:
        return first.label_ == second.label_ or first[-1].lower_ in _NAME_PARTICLES
    return (
        between == " " and first.label_ == "MISC" and second.label_ == "ORG" and len(first) == 1
        and _is_nationality(first.text)
    )


# --- grouping ---------------------------------------------------------------


def _compatible(mention: _Mention, group: _Group) -> bool:
    return (mention.label == "PER") == group.person


def _contains(long: tuple[str, ...], short: tuple[str, ...], suffix_only: bool) -> bool:
    if not short or len(short) >= len(long):
        return False
    if suffix_only:
        generic_tail = len(long) == len(short) + 1 and long[-1] in GENERIC_ORGANIZATION_WORDS
        return long[-len(short) :] == short or (generic_tail and long[:-1] == short)
    return any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1))


def _part_of(mention: _Mention, group: _Group) -> bool:
    """The mention is a shorter part of one of the group's names (surname, end of an org name)."""
    if mention.label == "LOC" or not _compatible(mention, group):
        return False
    return any(_contains(m.words, mention.words, suffix_only=not group.person) for m in group.names)


def _whole_of(mention: _Mention, group: _Group) -> bool:
    """Every name of a person group is a part of the (longer) mention ("Putin" before "Vladimir Putin")."""
    if not (mention.label == "PER" and group.person):
        return False
    return all(_contains(mention.words, m.words, suffix_only=False) for m in group.names)


class _GroupIndex:
    """The groups built so far with look-ups by key, letters and word, so that finding a mention's
    group costs about the number of groups sharing a word with it, not the number of groups.

    Each look-up returns groups in creation order, like a scan of the list would.
    """

    def __init__(self) -> None:
        self.groups: list[_Group] = []
        self._order: dict[int, int] = {}  # id(group) -> creation rank
        self._by_key: dict[str, _Group] = {}
        # key -> {id(group): group} in creation order (a dict: groups compare by value, not identity)
        self._by_letters: dict[str, dict[int, _Group]] = defaultdict(dict)  # initials, declared acronyms
        self._by_acronym: dict[str, dict[int, _Group]] = defaultdict(dict)  # letters of acronym names
        self._by_word: dict[str, dict[int, _Group]] = defaultdict(dict)
        self._forms: dict[int, set[tuple[str, ...]]] = defaultdict(set)  # distinct word tuples per group
        self._named: set[int] = set()  # groups with a name that is not an acronym

    def new(self) -> _Group:
        group = _Group()
        self._order[id(group)] = len(self.groups)
        self.groups.append(group)
        return group

    def add(self, group: _Group, mention: _Mention) -> None:
        group.add(mention)
        self._by_key.setdefault(_alternative(mention.key), group)
        if len(mention.words) > 1:
            self._note(self._by_letters, initials(mention.text), group)
        if mention.acronym:
            self._note(self._by_acronym, acronym_letters(mention.text), group)
        else:
            self._named.add(id(group))
        if mention.words not in self._forms[id(group)]:
            self._forms[id(group)].add(mention.words)
            for word in set(mention.words):
                self._note(self._by_word, word, group)

    def declare(self, letters: str, group: _Group) -> None:
        group.acronyms.add(letters)
        self._note(self._by_letters, letters, group)

    @staticmethod
    def _note(index: dict[str, dict[int, _Group]], key: str, group: _Group) -> None:
        index[key].setdefault(id(group), group)

    def only_acronyms(self, group: _Group) -> bool:
        return id(group) not in self._named

    def forms(self, group: _Group) -> set[tuple[str, ...]]:
        return self._forms[id(group)]

    def by_key(self, key: str) -> _Group | None:
        return self._by_key.get(key)

    def by_letters(self, letters: str) -> list[_Group]:
        return list(self._by_letters.get(letters, {}).values())

    def by_acronym(self, letters: str) -> list[_Group]:
        return list(self._by_acronym.get(letters, {}).values())

    def sharing_words(self, words: Iterable[str]) -> list[_Group]:
        found = {key: g for word in words for key, g in self._by_word.get(word, {}).items()}
        return sorted(found.values(), key=lambda g: self._order[id(g)])


def _part_of(mention: _Mention, group: _Group, forms: set[tuple[str, ...]]) -> bool:
    """The mention is a shorter part of one of the group's names (surname, end of an org name)."""
    if mention.label == "LOC" or not _compatible(mention, group):
        return False
    return any(_contains(words, mention.words, suffix_only=not group.person) for words in forms)


def _whole_of(mention: _Mention, group: _Group, forms: set[tuple[str, ...]]) -> bool:
    """Every name of a person group is a part of the (longer) mention ("Putin" before "Vladimir Putin")."""
    if not (mention.label == "PER" and group.person):
        return False
    return all(_contains(mention.words, words, suffix_only=False) for words in forms)


def _find_group(mention: _Mention, index: _GroupIndex, declared: dict[str, _Group]) -> _Group | None:
    same = index.by_key(_alternative(mention.key))
    if same is not None:  # the same name is the same referent whatever the NER label says
        return same
    if is_acronym(mention.text):
        letters = acronym_letters(mention.text)
        if letters in declared and _compatible(mention, declared[letters]):
            return declared[letters]
        matches = [g for g in index.by_letters(letters) if not g.person and mention.label != "PER"]
        if len(matches) == 1:
            return matches[0]
    elif len(mention.words) > 1 and mention.label != "PER":
        own = initials(mention.text)
        matches = [g for g in index.by_acronym(own) if not g.person and index.only_acronyms(g)]
        if len(matches) == 1:
            return matches[0]
    return _by_parts(mention, index)


def _by_parts(mention: _Mention, index: _GroupIndex) -> _Group | None:
    if not mention.words:
        return None
    wider = [g for g in index.sharing_words(mention.words[:1]) if _part_of(mention, g, index.forms(g))]
    if wider:
        return max(wider, key=lambda g: g.last_start)  # the most recent one
    narrower = [g for g in index.sharing_words(mention.words) if _whole_of(mention, g, index.forms(g))]
    return narrower[0] if len(narrower) == 1 else None


def _declared_acronyms(text: str, mentions: list[_Mention]) -> dict[str, int]:
    """Acronyms in parentheses right after a multi-word name: "Syrian Democratic Forces (SDF)"."""
    declared: dict[str, int] = {}
    for index, mention in enumerate(mentions):
        match = _APPOSITION.match(text, mention.end)
        if match and len(mention.words) > 1 and not is_acronym(mention.text):
            declared.setdefault(acronym_letters(match["acronym"]), index)
    return declared


def _group_mentions(text: str, mentions: list[_Mention]) -> list[_Group]:
    declared_at = _declared_acronyms(text, mentions)
    declared_by_position: dict[int, list[str]] = defaultdict(list)
    for letters, at in declared_at.items():
        declared_by_position[at].append(letters)
    declared: dict[str, _Group] = {}
    groups = _GroupIndex()
    for position, mention in enumerate(mentions):
        group = _find_group(mention, groups, declared) or groups.new()
        groups.add(group, mention)
        for letters in declared_by_position.get(position, []):
            declared[letters] = group
            groups.declare(letters, group)
    merged = _merge_acronym_groups(groups, declared)
    _add_missed_acronyms(text, mentions, declared)
    return [g for g in groups.groups if id(g) not in merged]


def _merge_acronym_groups(groups: _GroupIndex, declared: dict[str, _Group]) -> set[int]:
    """A group of bare acronyms ("the ONI" before or after "Office of Naval Intelligence (ONI)") joins
    the group that declared those letters; the ids of the groups merged away."""
    merged: set[int] = set()
    for letters, target in declared.items():
        for group in groups.by_acronym(letters):
            if group is target or not groups.only_acronyms(group) or target.person:
                continue
            if any(acronym_letters(m.text) != letters for m in group.mentions):
                continue
            for mention in group.mentions:
                target.add(mention)
            merged.add(id(group))
    return merged


def _add_missed_acronyms(text: str, mentions: list[_Mention], declared: dict[str, _Group]) -> None:
    """Occurrences of a declared acronym that the NER did not tag join the declaring group."""
    covered = [(m.start, m.end) for m in mentions]
    for letters, group in declared.items():
        label = group.label
        for match in re.finditer(rf"(?<![\w.]){re.escape(letters)}(?![\w])", text):
            if any(s < match.end() and match.start() < e for s, e in covered):
                continue
            group.add(_Mention(match.start(), match.end(), match.group(0), label))
            covered.append((match.start(), match.end()))


# --- definite descriptions ----------------------------------------------------


def _descriptions(doc: Doc, text: str, groups: list[_Group]) -> None:
    """ "the ministry" joins the one earlier group whose name (or title) holds "ministry".

    A nationality may stand between ("the Syrian army"); it must then be in the name too.
    """
    entity_tokens = {i for ent in doc.ents if ent.label_ != "MISC" for i in range(ent.start, ent.end)}
    entity_tokens |= {i for ent in doc.ents if ent.label_ == "MISC" and len(ent) > 1 for i in range(ent.start, ent.end)}
    for i in _indices_of_the(doc):
        token = doc[i]
        head, modifier = doc[token.i + 1], None
        if _is_nationality(head.text) and head.i + 1 < len(doc):
            head, modifier = doc[head.i + 1], head.lower_
        if head.i in entity_tokens or not _is_description_head(doc, head):
            continue
        group = _description_target(head.lower_, modifier, head.idx, groups)
        if group is not None:
            end = head.idx + len(head.text)
            group.descriptions.append(Span(text[token.idx : end], token.idx, end))


def _indices_of_the(doc: Doc) -> list[int]:
    """The indices of the tokens "the" (any case) but the last token, read from the doc's LOWER array."""
    lower = doc.to_array(LOWER)[:-1]
    return numpy.flatnonzero(lower == get_string_id("the")).tolist()


def _is_nationality(word: str) -> bool:
    return word[:1].isupper() and word.isalpha() and re.search(r"(?:an|ese|ish|i)$", word) is not None


def _is_description_head(doc: Doc, head) -> bool:  # noqa: ANN001
    word = head.lower_
    if word not in ORGANIZATION_HEADS and word not in PERSON_HEADS:
        return False
    following = doc[head.i + 1] if head.i + 1 < len(doc) else None
    if following is None:
        return True
    return not (following.lower_ in {"of", "-"} or following.text[:1].isupper() and following.is_alpha)


def _description_target(word: str, modifier: str | None, position: int, groups: list[_Group]) -> _Group | None:
    candidates = []
    for group in groups:
        earlier = [m for m in group.mentions if m.start < position]
        if not earlier:
            continue
        by_title = group.person and modifier is None and word in PERSON_HEADS and word in group.titles
        by_name = not group.person and word in ORGANIZATION_HEADS and any(
            word in m.words and (modifier is None or modifier in m.words) for m in earlier)
        if by_title or by_name:
            candidates.append(group)
    return candidates[0] if len(candidates) == 1 else None


# --- public -------------------------------------------------------------------


def link_mentions(doc: Doc) -> list[EntityGroup]:
    """The doc's named entities grouped by referent, each group with its canonical name.

    Mentions are character spans in ``doc.text`` (titles stripped from
    person names; definite descriptions such as "the ministry" included).
    Groups come in order of first mention. See the module docstring for what
    is found and missed.
    """
    text = doc_text(doc)
    mentions = [m for ent in _repaired_entities(doc, text) if (m := _mention_of(doc, ent, text)) is not None]
    groups = _group_mentions(text, mentions)
    _descriptions(doc, text, groups)
    result = [g.to_entity_group() for g in groups]
    return sorted(result, key=lambda g: g.mentions[0].start if g.mentions else 0)


def group_at(groups: list[EntityGroup], start: int, end: int, text: str = "") -> EntityGroup | None:
    """The group a character span refers to, if one of its mentions is that span's name.

    A mention counts when it covers the span, or lies inside it and either
    ends where it ends ("Russian Defense Minister [Sergei Shoigu]") or covers
    at least half of it. Otherwise (e.g. "Syrian opposition news outlets")
    None. ``text``, the span's own text, lets a trailing possessive or
    punctuation ("Putin's") be ignored.
    """
    best: tuple[int, EntityGroup] | None = None
    pairs = groups.near(start, end) if isinstance(groups, IndexedGroups) else (
        (group, mention) for group in groups for mention in group.mentions)
    for group, mention in pairs:
        if not (mention.start <= start and end <= mention.end or start <= mention.start and mention.end <= end):
            continue  # neither covers the other: no score (checked here, the call costs more than the test)
        score = _overlap_score(mention, start, end, text)
        if score and (best is None or score > best[0]):
            best = (score, group)
    return best[1] if best else None


class IndexedGroups(list):
    """Entity groups whose mentions are indexed by start, for many :func:`group_at` calls while neither the groups
    nor their mentions change (the events step asks for the group of every actor): :meth:`near` gives the
    (group, mention) pairs that may cover a span or lie inside it, in the order ``group_at`` reads all pairs."""

    def __init__(self, groups: Iterable[EntityGroup]) -> None:
        super().__init__(groups)
        entries = sorted((m.start, g, k) for g, group in enumerate(self) for k, m in enumerate(group.mentions))
        self._entries = [(g, k) for _, g, k in entries]
        self._starts = [start for start, _, _ in entries]
        self._longest = max((m.end - m.start for group in self for m in group.mentions), default=0)

    def near(self, start: int, end: int) -> list[tuple[EntityGroup, Span]]:
        """Every pair whose mention starts within ``_longest`` characters before the span and not after its end (a
        mention that covers the span or lies inside it does), in group order."""
        low = bisect.bisect_left(self._starts, min(start, end) - self._longest)
        high = bisect.bisect_right(self._starts, max(start, end))
        return [(self[g], self[g].mentions[k]) for g, k in sorted(self._entries[low:high])]


def _overlap_score(mention: Span, start: int, end: int, text: str = "") -> int:
    if mention.start <= start and end <= mention.end:
        return 3
    if start <= mention.start and mention.end <= end:
        if mention.end >= end - 1 or _TRAILER.fullmatch(text[mention.end - start :] if text else "x"):
            return 2
        if 2 * (mention.end - mention.start) >= end - start:
            return 1
    return 0


def canonical_for(groups: list[EntityGroup], start: int, end: int, text: str = "") -> str | None:
    """The canonical name for a character span (e.g. a claim's source), or None.

    "Russian Defense Minister Sergei Shoigu" or "Shoigu" -> "Sergei Shoigu";
    "the ministry" -> "Russian Defense Ministry" when the grouping linked it.
    """
    group = group_at(groups, start, end, text)
    return group.canonical if group else None


def entities_with_canonical(doc: Doc, groups: list[EntityGroup]) -> list[Entity]:
    """The doc's entities, each with the canonical name of its group (else its own text)."""
    exact = {(m.start, m.end): g for g in groups for m in g.mentions}
    entities = []
    for ent in doc.ents:
        group = exact.get((ent.start_char, ent.end_char)) or group_at(groups, ent.start_char, ent.end_char, ent.text)
        entities.append(Entity(ent.text, ent.start_char, ent.end_char, label=ent.label_,
                               canonical=group.canonical if group else ent.text))
    return entities


def canonical_by_span(doc: Doc, groups: list[EntityGroup]) -> dict[tuple[int, int], str]:
    """Canonical names keyed by the (start, end) characters of every group mention and every doc entity.

    Entities keep their NER spans ("Russian Defense Minister Sergei Shoigu",
    "Bashar Al") while mentions are mended and stripped ("Sergei Shoigu",
    "Bashar Al-Assad"); this map answers for both.
    """
    mapping = {(m.start, m.end): g.canonical for g in groups for m in g.mentions}
    computed = doc._.entities if Doc.has_extension("entities") else None  # set by the entities component
    for entity in computed if computed is not None else entities_with_canonical(doc, groups):
        mapping.setdefault((entity.start, entity.end), entity.canonical or entity.text)
    return mapping
