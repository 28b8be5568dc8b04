"""Claims with their sources, cues, certainty and polarity.

:func:`find_claims` reads the dependency parse (UD labels) of a ``Doc`` and
returns one :class:`~claimtrace.model.Claim` per attribution, plus one per
sentence in the author's own voice.

What it finds
    * verb cues: verbs whose P(cue) reaches ``CUE_THRESHOLD`` (from the cue
      model of :mod:`~claimtrace.extract.attribution_model`, trained on PolNeAR
      train; without it, from the learned lexicon's P(cue | form)), plus seed
      reporting verbs, that govern a clause (``ccomp``/``parataxis``/a "that"
      clause), a quotation, or (surer cues only) an object, an infinitive or a
      prepositional object: "X said (that) ...", "X told Y that ..." (Y becomes
      the recipient), "X confirmed / denied / warned ...", "X called for ...";
    * post-posed and mid-posed cues ("..., X said." / "“...,” X said, “...”"),
      the cue being a ``parataxis`` of the content's head;
    * "according to X, ...", colon-introduced quotes ("X: “...”");
    * what the layout of a line says (:mod:`~claimtrace.extract.attribution_layout`):
      speaker labels ("PENCE: ..." in a transcript, "Lavrov: No plans to leave"
      in a headline; a transcript turn is direct speech, the label's capitals are
      resolved to the person of the article it names) and quote bylines ("“...” ―
      Name"), unless a verb cue already read the line;
    * passive and impersonal forms: "it was reported that ..." (no source phrase:
      an empty ``anonymous`` source at the cue, canonical "unnamed source"), "X is said to ...", "X are
      rumored to have reported ..." (the inner verb keeps X as its source and
      inherits the hedge of the outer one), "... was announced by X";
    * participial continuations and conjoined cues ("..., stressing that ...",
      "... and added that ...") take the subject of the verb they hang on;
      "X quoted / cited Y as saying ..." is Y's claim, with X (the outlet that
      relays it) as recipient; "who asked not to be named" is no claim;
    * relative clauses ("officials who said ...") take the noun they modify;
    * what a learned role tagger adds (:mod:`~claimtrace.extract.attribution_learned`,
      P(token in a cue / source / content) from the pipeline's tok2vec tensors and
      the parse): rule cues grow to multi-word spans ("has repeatedly said"),
      verb cues it strongly rejects are dropped (seed verbs never), and confident
      learned cues no rule found (noun cues, "For X, ...", intentions) become
      claims with the learned source and content of their sentence (no source
      near them: an unnamed source), unless they sit in the sentence of an
      "according to" or colon claim, their source cannot speak ("activity",
      "the economy": no pronoun, name or noun of a known source kind), or their
      cue is a verb of aspect ("has continued", "began") before unquoted content;
    * direct quotes with straight or curly marks: contents that start or end
      inside a quotation are widened to the whole quotation, even when it runs
      over several sentences or paragraphs (a paragraph that opens with a mark
      while the previous one left its quote open continues it); unbalanced
      marks close at the end of their paragraph and never raise; quoted
      sentences with no cue of their own become more claims of the nearest
      quoting attribution.

What it gives each claim
    * ``source.kind`` by rules over the source phrase: the article's named
      entities (PER -> person unless titled spokesperson; ORG -> media,
      government or organization by name words) and the head noun ("sources",
      "an official" -> anonymous; "residents" -> witness; "a statement",
      "satellite images" -> document; "outlets", "platforms" -> media;
      "the ministry" -> government), pronouns -> their antecedent's kind; names,
      pronouns and person nouns ("the lawyer") -> person; any other common noun
      -> anonymous (an unnamed source);
    * ``source.canonical``: the entity group's canonical name, else the earlier
      source or entity the pronoun, definite noun phrase ("the sources",
      "the ministry") or surname refers to, else the source text;
    * ``certainty``: rumored (rumor cues or words), hedged (hedging cues such as
      "suggest", "believe", raising passives "is said to", and "reportedly",
      "allegedly", "may" ... on the cue or the content's verb), confirmed
      ("confirm", "acknowledge", "admit" ...), else stated;
    * ``polarity``: denies when the cue denies ("deny", "reject", "dismiss" ...)
      xor the content's main predicate is negated ("not", "never", "no
      withdrawal", "nothing"), else affirms;
    * ``form``: direct (content wholly quoted), mixed (partly quoted),
      according_to, indirect.

The author's own claims
    Every sentence that holds no cue, source or content of an attribution and
    is a declarative statement becomes a claim with ``form="author"``, a
    ``Source`` of kind ``author`` with an empty span at the sentence start and
    ``cue=None``. Left out: questions, lines without final punctuation
    (headlines, datelines), sentences without a verb that has a subject, and
    prescriptive opinion (a "should"/"must"/"ought" modal or a first or second
    person subject).

What it misses
    many noun and adjective cues and the function words of long cues ("said
    in a statement on Monday", "voted in favor of"): the role tagger finds
    about 61% of the gold cue tokens, sources more than one sentence away from
    an uncued quote, nested attributions are not linked to each other, a
    transcript turn past its first paragraph, and everything a wrong parse
    hides (a few misparses are repaired: "..., residents and a security source
    said" split by the parser, an apposition after "according to X", a
    paragraph break taken for a speaker, two subjects of a mid-posed "said",
    "X, which ..., denied" read as one relative clause, a speaker buried in
    the subject of a post-posed "said").

Measured
    on PolNeAR dev (84 articles, 2,192 attributions; Citron's token-overlap F1;
    author claims are not scored), 2026-12-07 with the sequence role tagger,
    speaker labels, quote bylines and the parse repairs: source 0.839, cue
    0.663, content 0.905, whole relation 0.686 (2026-12-06 without the layout
    forms and repairs: 0.825, 0.656, 0.884, 0.672; feed-forward tagger: 0.758,
    0.612, 0.858, 0.634; rules alone, earlier NER: 0.710, 0.530, 0.818, 0.605);
    throughput 0.899-0.913 of the pipeline without it (median 0.910 of 8 runs). PolNeAR's annotators agree
    on cues at 0.689 (16 train articles, same scorer). Details in
    docs/benchmarks_attribution.md.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy
from spacy.attrs import DEP, LOWER, POS, SENT_START
from spacy.symbols import VERB
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimtrace.extract import attribution_lexicon as lex
from claimtrace.extract.attribution_certainty import author_certainty, settle_certainty
from claimtrace.extract.attribution_layout import layout_attributions
from claimtrace.extract.attribution_learned import refine
from claimtrace.extract.attribution_model import load_cue_model
from claimtrace.extract.doctext import doc_text
from claimtrace.extract.entities import canonical_by_span
from claimtrace.model import Claim, Cue, EntityGroup, Source, Span

MEASURED = {  # benchmarks/attribution.py on PolNeAR dev, 2026-12-07 (overlap F1): tagger, layout forms, repairs
    "source_overlap_f1": 0.839, "cue_overlap_f1": 0.663, "content_overlap_f1": 0.905, "relation_f1": 0.686,
}
CUE_THRESHOLD = 0.3  # P(cue) a verb needs to count as a cue (cue model, else lexicon)
OBJECT_CUE_THRESHOLD = 0.3  # a cue whose content is only its object must be surer
IMPERSONAL_SOURCE = "unnamed source"  # canonical name of "it was reported that ..." sources
SEED_FLOOR = 0.5  # P(cue) given at least to the seed reporting verbs of conflict news
LEXICON_FLOOR = 0.1  # P(cue | form) a verb needs before a bare object counts as its content
POSTPOSED_FLOOR = 0.3  # ... and before the sentence it is appended to ("..., X said") does

OPENING_QUOTES = frozenset("“«„")
CLOSING_QUOTES = frozenset("”»")
STRAIGHT_QUOTE = '"'
QUOTE_CHARS = OPENING_QUOTES | CLOSING_QUOTES | {STRAIGHT_QUOTE, "''", "``"}
# what quote_regions acts on: quote marks, typewriter pairs and line breaks (the rest is skipped)
_QUOTE_EVENTS = re.compile("''|``|[\n" + "".join(OPENING_QUOTES | CLOSING_QUOTES) + STRAIGHT_QUOTE + "]")

SUBJECTS = frozenset({"nsubj", "nsubj:pass", "csubj", "nsubjpass"})
CLAUSE_CONTENT = frozenset({"ccomp"})
PARATAXIS = frozenset({"parataxis"})
OBJECTS = frozenset({"obj", "dobj"})
RECIPIENTS = frozenset({"iobj", "obj", "dobj"})
INHERITING = frozenset({"conj", "advcl", "xcomp", "acl"})
PROMPTS = frozenset({"prompts", "prompting"})
PUNCT_TRIM = frozenset(",.;:—–-!?()[]")
PRESCRIPTIVE = frozenset({"should", "must", "ought"})
POSTMODIFIER_ADJECTIVES = lex.words("close familiar near loyal linked allied opposed based aligned connected")
CUE_PREPOSITIONS = frozenset({"to", "for", "about", "of", "on", "against", "with", "in"})
PREPOSITIONAL_CONTENT = CUE_PREPOSITIONS - {"in"}
MEDIUM_NOUNS = lex.words("statement interview release post tweet email letter speech op-ed briefing conference")
FIRST_SECOND_PERSON = frozenset({"i", "we", "you"})
# "TASS quoted a source as saying ...": the source speaks, the agency relays
QUOTING_LEMMAS = lex.words("quote cite")
RELAYED_SPEECH_LEMMAS = lex.RAISING_LEMMAS | lex.words("tell add warn")
# "“...,” the statement read": a cue only with a document as subject
DOCUMENT_WORDING = lex.words("read reads")
# ", while Israeli media reported ...": the article sets something else beside the content
CONTRAST_MARKS = lex.words("while whereas")
# "going according to plan": how, not who
MANNER_NOUNS = lex.words("plan plans schedule script tradition custom expectation expectations")
# "who asked not to be named": why a source is anonymous, not a claim of it
_ANONYMITY_REQUEST = re.compile(r"(?:not\s+)?to\s+be\s+(?:named|identified|quoted)\b", re.I)


@dataclass
class _Attribution:
    """An attribution being built (token indices and char offsets into the doc)."""

    cue: tuple[int, int]  # char offsets
    cue_lemma: str
    cue_root: Token | None
    source: tuple[int, int] | None  # char offsets, None when there is no source phrase
    source_head: Token | None
    content: tuple[int, int]  # char offsets
    content_root: Token | None
    form: str = "indirect"
    recipient: tuple[int, int] | None = None
    certainty: str = "stated"
    polarity: str = "affirms"
    sentence: int = 0
    impersonal: bool = False
    extra_contents: list[tuple[int, int]] = field(default_factory=list)


def find_claims(doc: Doc, groups: list[EntityGroup]) -> list[Claim]:
    """All claims of ``doc``: attributions in text order, then interleaved author claims.

    Offsets are character offsets into ``doc.text``; ``Claim.sentence`` is the
    index of the sentence in ``doc.sents``. Needs a parsed doc; an unparsed or
    empty doc yields no claims.
    """
    if not len(doc) or not doc.has_annotation("DEP"):
        return []
    context = _Context(doc, groups)
    found: list[_Attribution] = []
    used_cues: set[int] = set()
    for index, sent in enumerate(context.sentences):
        for attribution in _sentence_attributions(sent, context, used_cues):
            attribution.sentence = index
            found.append(attribution)
    found = [a for a in refine(found, context) if not _ANONYMITY_REQUEST.match(context.text, a.content[0])]
    found.extend(_layout_claims(found, context))
    found.extend(_uncued_quotes(found, context))
    found.sort(key=lambda a: (a.sentence, a.cue[0]))
    for attribution in found:
        attribution.certainty = settle_certainty(attribution.certainty, attribution.content, attribution.cue,
                                                 attribution.cue_lemma, context)
    claims = [_to_claim(a, context) for a in found]
    claims.extend(_author_claims(found, context))
    claims.sort(key=lambda c: (c.sentence, c.content.start))
    return claims


class _Context:
    """What every step needs about one doc, computed once from token arrays (creating
    ``Token`` objects for every word would cost more than the rest of the work)."""

    def __init__(self, doc: Doc, groups: list[EntityGroup]) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        array = doc.to_array([LOWER, DEP, SENT_START])
        self.lower, self.dep = array[:, 0], array[:, 1]
        self.comma = doc.vocab.strings[","]
        starts = [0, *(int(i) for i in numpy.flatnonzero(array[1:, 2] == 1) + 1)]
        self.sentences = [doc[a:b] for a, b in zip(starts, [*starts[1:], len(doc)], strict=True)]
        self.sentence_starts = [s.start_char for s in self.sentences]
        self.quotes = quote_regions(self.text)
        self.quote_starts = [s for s, _ in self.quotes]
        self.canonical_by_span = canonical_by_span(doc, groups)
        self.lexicon = lex.cue_lexicon()
        self.cue_p = _cue_probabilities(doc, self.lower, array_pos=doc.to_array([POS]), lexicon=self.lexicon)
        self.candidates = set(self.cue_p) | set(
            numpy.flatnonzero(numpy.isin(self.lower, _hashes(doc, ["according", ":", *lex.RAISING_FORMS]))).tolist()
        )
        self.subjects = numpy.isin(self.dep, _hashes(doc, SUBJECTS | {"expl"}))
        # (char offset, source, head word) of the sources resolved so far, in text order
        self.resolved: list[tuple[int, Source, str]] = []
        self._ents: list[SpacySpan] | None = None
        self._ent_starts: list[int] = []

    @property
    def ents(self) -> list[SpacySpan]:
        if self._ents is None:
            self._ents = list(self.doc.ents)
            self._ent_starts = [e.start_char for e in self._ents]
        return self._ents

    def sentence_of(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.sentence_starts, char) - 1)

    def quote_at(self, char: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self.quote_starts, char) - 1
        if i >= 0 and self.quotes[i][0] <= char < self.quotes[i][1]:
            return self.quotes[i]
        return None

    def ents_in(self, start: int, end: int) -> list[SpacySpan]:
        ents = self.ents
        i = bisect.bisect_left(self._ent_starts, start)
        result = []
        while i < len(ents) and ents[i].start_char < end:
            if ents[i].end_char <= end:
                result.append(ents[i])
            i += 1
        return result


# --------------------------------------------------------------------------- quotes


def quote_regions(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quotation in ``text``, marks included.

    Curly and guillemet marks say whether they open or close; a straight mark
    opens after a space, line start or bracket and closes otherwise. A quote
    still open at a paragraph end continues when the next paragraph opens with
    a mark, else it closes there (unbalanced marks never leak further).
    """
    regions: list[tuple[int, int]] = []
    start: int | None = None
    n = len(text)
    for event in _QUOTE_EVENTS.finditer(text):
        mark, found = event.start(), event.group()
        if found == "\n":
            if start is not None and not _paragraph_continues_quote(text, mark):
                regions.append((start, _rstrip_index(text, start, mark)))
                start = None
            continue
        # typewriter pairs ('' and ``) are straight double quotes; `` always opens
        ch = {"``": "“", "''": STRAIGHT_QUOTE}.get(found, found)
        opening = ch in OPENING_QUOTES or (ch == STRAIGHT_QUOTE and _opens(text, mark))
        if start is None and (opening or ch == STRAIGHT_QUOTE):
            start = mark
        elif start is not None and not opening:
            regions.append((start, event.end()))
            start = None
        elif start is not None and opening and not _continuation_mark(text, mark):
            start = mark  # a new opening mark while open: the earlier mark was unbalanced
    if start is not None:
        regions.append((start, _rstrip_index(text, start, n)))
    return [(s, e) for s, e in regions if e - s > 1]


def _opens(text: str, i: int) -> bool:
    return i == 0 or text[i - 1].isspace() or text[i - 1] in "([{—–-/"


def _paragraph_continues_quote(text: str, newline: int) -> bool:
    j = newline
    while j < len(text) and text[j].isspace():
        j += 1
    return j < len(text) and (text[j] in OPENING_QUOTES or text[j] == STRAIGHT_QUOTE)


def _continuation_mark(text: str, i: int) -> bool:
    """An opening mark at a paragraph start that continues the open quote."""
    j = i - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j >= 0 and text[j] == "\n"


def _rstrip_index(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


# --------------------------------------------------------------------------- cues


def _cue_probabilities(doc: Doc, lower: numpy.ndarray, array_pos: numpy.ndarray,
                       lexicon: dict[str, lex.CueEntry]) -> dict[int, float]:
    """P(cue) of each verb that reaches ``CUE_THRESHOLD``: from the cue model when it is
    installed, else from the lexicon; seed verbs get at least ``SEED_FLOOR``."""
    model = load_cue_model()
    seeds = numpy.isin(lower, _hashes(doc, lex.SEED_CUES))
    if model is None:
        forms = [f for f, e in lexicon.items() if e.p >= CUE_THRESHOLD and e.lemma != "according to"]
        known = numpy.flatnonzero(numpy.isin(lower, _hashes(doc, forms)) | seeds).tolist()
        result = {i: lexicon[doc[i].lower_].p for i in known}
    else:
        result = {}
        for i in numpy.flatnonzero((array_pos == VERB) | seeds).tolist():
            p = model.probability(doc[i])
            if seeds[i]:
                p = max(p, SEED_FLOOR)
            if p >= CUE_THRESHOLD:
                result[i] = p
    for i in numpy.flatnonzero(numpy.isin(lower, _hashes(doc, DOCUMENT_WORDING))).tolist():
        subject = _subject(doc[i])
        if subject is not None and subject.lower_ in lex.DOCUMENT_HEADS:
            result[i] = max(result.get(i, 0.0), SEED_FLOOR)
    return result


def _hashes(doc: Doc, labels: Iterable[str]) -> numpy.ndarray:
    # uint64 explicitly: hashes above 2**63 would otherwise turn the array into floats
    return numpy.array([doc.vocab.strings.add(label) for label in labels], dtype=numpy.uint64)


def _sentence_attributions(sent: SpacySpan, context: _Context, used: set[int]) -> list[_Attribution]:
    found = []
    doc = sent.doc
    for i in range(sent.start, sent.end):
        if i in used or i not in context.candidates:
            continue
        token = doc[i]
        attribution = None
        if token.lower_ == "according" and token.i + 1 < len(token.doc) and token.nbor().lower_ == "to":
            attribution = _according_to(token, sent, context)
        elif token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB") or token.lower_ in DOCUMENT_WORDING:
            attribution = _verb_cue(token, sent, context)
        elif token.text == ":":
            attribution = _colon_cue(token, sent, context)
        if attribution is not None:
            used.add(token.i)
            found.append(attribution)
    return found


def _cue_entry(token: Token, context: _Context) -> lex.CueEntry | None:
    p = context.cue_p.get(token.i)
    if p is None:
        return None
    known = context.lexicon.get(token.lower_)
    lemma = known.lemma if known else (token.lemma_.lower() or token.lower_)
    return lex.CueEntry(lemma, p, known.count if known else 0)


def _verb_cue(verb: Token, sent: SpacySpan, context: _Context) -> _Attribution | None:
    if verb.lower_ in lex.RAISING_FORMS and _is_passive(verb) and _raising_target(verb) is not None:
        lemma = _lemma(verb)
        return _raising(verb, lex.CueEntry(lemma, 1.0, 0), sent, context)
    entry = _cue_entry(verb, context)
    if entry is None:
        return None
    if verb.dep_ in ("amod", "compound") or (verb.tag_ in ("JJ", "NN", "NNS") and verb.lower_ not in DOCUMENT_WORDING):
        return None  # (the tagger may call "read" of "the statement read" a noun; its subject says it is not)
    if lex.is_naming_participle(verb) or _relayed_speech(verb) is not None:
        return None  # a name; "TASS quoted a source as saying ...": the claim is the source's
    content = _content_of(verb, entry, sent, context)
    if content is None:
        return None
    (c_start, c_end), content_root, _ = content
    c_end = _cut_before_continuation(verb.doc, c_start, c_end, verb, context)
    cue = _cue_span(verb)
    if cue[0] <= c_start < cue[1] < c_end:  # "declined to | comment": the cue took the "to"
        gap = context.text[cue[1]:c_end]
        c_start = cue[1] + len(gap) - len(gap.lstrip())
    source_head, source_range, impersonal = _source_of(verb, context)
    if source_head is None and not impersonal:
        return None
    if source_head is not None and source_head.lower_ in ("this", "that", "which", "these", "those"):
        return None
    if source_range and source_head is not None and source_head.dep_ == "conj" and c_end < source_range[0]:
        c_end = _content_to_speaker(verb.doc, c_start, c_end, source_range[0], verb)  # a buried speaker
    if source_range and _overlap(source_range, (c_start, c_end)):
        if not c_start < source_range[0]:
            return None
        cut = _trim(verb.doc, *_token_range(verb.doc, c_start, source_range[0]))
        if cut is None:
            return None
        c_start, c_end = cut
    attribution = _Attribution(
        cue=cue,
        cue_lemma=entry.lemma,
        cue_root=verb,
        source=source_range,
        source_head=source_head,
        content=(c_start, c_end),
        content_root=content_root,
        recipient=_relay_recipient(verb) or _recipient(verb, (c_start, c_end)),
        impersonal=impersonal,
    )
    _finish(attribution, context)
    return attribution


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("aux:pass", "auxpass", "nsubj:pass", "nsubjpass") for c in verb.children)


def _raising_target(verb: Token) -> Token | None:
    """The infinitive of "X is said to ...": the xcomp child of a passive raising verb."""
    for child in verb.children:
        if child.dep_ == "xcomp" and child.i > verb.i:
            return child
    return None


def _raising(verb: Token, entry: lex.CueEntry, sent: SpacySpan, context: _Context) -> _Attribution | None:
    """ "X is said to ..." -> an impersonal hedged attribution of "X ... to ..." (no source).

    When the infinitive is itself a cue ("are rumored to have reported"), the
    inner cue makes the claim (with X as source) and this passive only hedges it.
    """
    target = _raising_target(verb)
    subject = _subject(verb)
    if target is None or subject is None:
        return None
    if _cue_entry(target, context) is not None:
        return None
    start = min(subject.left_edge.i, target.left_edge.i)
    end = max(subject.right_edge.i, target.right_edge.i) + 1
    span = _trim(verb.doc, start, end)
    if span is None:
        return None
    attribution = _Attribution(
        cue=_cue_span(verb),
        cue_lemma=entry.lemma,
        cue_root=verb,
        source=None,
        source_head=None,
        content=span,
        content_root=target,
        impersonal=True,
    )
    _finish(attribution, context)
    return attribution


def _cue_span(verb: Token) -> tuple[int, int]:
    """The verb with its auxiliaries, negation and adverbs right before it, its particle or
    preposition ("called for", "referring to") and a medium right after it ("said in a statement"),
    as PolNeAR marks cues."""
    doc = verb.doc
    start = verb.i
    left = {c.i for c in verb.children if c.dep_ in ("aux", "aux:pass", "auxpass", "neg", "advmod")}
    while start - 1 in left and doc[start - 1].lower_ not in lex.HEDGE_WORDS:
        start -= 1
    end = verb.i
    if end + 1 < len(doc):
        after = doc[end + 1]
        if after.dep_ in ("compound:prt", "prt") and after.head.i == verb.i:
            end += 1
        elif (
            after.lower_ in CUE_PREPOSITIONS
            and after.dep_ == "case"
            and after.head.head.i == verb.i
            and after.head.lower_ not in lex.TIME_NOUNS
        ):
            end += 1
            medium = after.head
            if medium.lower_ in MEDIUM_NOUNS and medium.i - end <= 2:
                end = medium.i
    if end + 1 < len(doc) and doc[end + 1].text == ":":
        end += 1  # "said:"
    return doc[start].idx, doc[end].idx + len(doc[end])


# --------------------------------------------------------------------------- content


def _content_of(
    verb: Token, entry: lex.CueEntry, sent: SpacySpan, context: _Context
) -> tuple[tuple[int, int], Token, bool] | None:
    """(content char span, content's head, whether the content comes after the cue)."""
    doc = verb.doc
    clause = next((c for c in verb.children if c.dep_ in CLAUSE_CONTENT), None)
    if clause is None:
        clause = next((c for c in verb.children if c.dep_ in PARATAXIS and c.i > verb.i), None)
    if clause is None:
        clause = next((c for c in verb.children if c.i > verb.i and _has_complementizer(c)), None)
    if clause is not None:
        span = _clause_after(verb, clause, context) if clause.i > verb.i else _subtree_span(clause)
        return (_widen_to_quotes(span, context), clause, clause.i > verb.i) if span else None
    if verb.dep_ in PARATAXIS or (verb.dep_ == "ccomp" and verb.i > verb.head.i and _is_posed(verb)):
        posed = _posed_content(verb, context)
        if posed is not None:
            return posed
    quote = _adjacent_quote(verb, sent, context)
    if quote is not None:
        return quote, None, True  # type: ignore[return-value]
    quote = _quote_before(verb, context)
    if quote is not None:
        return quote, None, False  # type: ignore[return-value]
    that = _following_that_clause(verb, sent)
    if that is not None:
        mark, clause = that
        span = _trim(doc, mark.i, clause.right_edge.i + 1)
        return (_widen_to_quotes(span, context), clause, True) if span else None
    xcomp = next((c for c in verb.children if c.dep_ == "xcomp" and c.i > verb.i), None)
    obj = next((c for c in verb.children if c.dep_ in OBJECTS and c.i > verb.i), None)
    if xcomp is not None and entry.p >= OBJECT_CUE_THRESHOLD and _known_cue(verb, context):
        first = obj if obj is not None and obj.i < xcomp.i else xcomp
        span = _trim(doc, first.left_edge.i, xcomp.right_edge.i + 1)
        return (_widen_to_quotes(span, context), xcomp, True) if span else None
    if obj is not None and entry.p >= OBJECT_CUE_THRESHOLD and _known_cue(verb, context):
        span = _clause_after(verb, obj, context)
        if span is not None and (not _is_pronoun(obj) or span[1] > obj.idx + len(obj)):
            return _widen_to_quotes(span, context), obj, True
    oblique = _prepositional_object(verb)
    if oblique is not None and entry.p >= OBJECT_CUE_THRESHOLD and _known_cue(verb, context):
        span = _trim(doc, oblique.left_edge.i + 1, oblique.right_edge.i + 1)
        return (_widen_to_quotes(span, context), oblique, True) if span else None
    subject = _subject(verb)
    if verb.dep_ == "conj" and subject is not None and _stray_conjunct(verb.doc[subject.left_edge.i]) is not None:
        # "..., residents and a security source said on Wednesday.": the parser split the
        # coordinated source and made the cue a conjunct of the content
        posed = _posed_content(verb, context)
        if posed is not None:
            return posed
    quote = _neighbouring_quote(sent, context)
    if quote is not None:
        return quote, None, True  # type: ignore[return-value]
    return None


def _posed_content(verb: Token, context: _Context) -> tuple[tuple[int, int], Token, bool] | None:
    """The clause a post-posed cue hangs on, without the cue's own words ("..., X said.")."""
    if not _known_cue(verb, context, POSTPOSED_FLOOR):
        return None
    span = _subtree_span(verb.head, exclude=verb)
    return (_widen_to_quotes(span, context), verb.head, False) if span else None


def _quote_before(verb: Token, context: _Context) -> tuple[int, int] | None:
    """The quotation that ends right before a post-posed cue and its subject ("“...,” he said"),
    even when the sentence splitter cut between them."""
    doc = verb.doc
    subject = _subject(verb)
    first = min(verb.i, subject.left_edge.i) if subject is not None and subject.i < verb.i else verb.i
    while first > 0 and doc[first - 1].pos_ in ("AUX", "ADV"):
        first -= 1
    i = bisect.bisect_right(context.quote_starts, doc[first].idx) - 1
    if i < 0:
        return None
    start, end = context.quotes[i]
    if end <= doc[first].idx and not context.text[end:doc[first].idx].strip(" \t\n,"):
        return start, end
    return None


def _known_cue(verb: Token, context: _Context, floor: float = 0.0) -> bool:
    """Whether the lexicon has seen the form as a cue often enough to trust a loose structure
    (a bare object, or a sentence the cue is merely appended to) as its content."""
    entry = context.lexicon.get(verb.lower_)
    return entry is not None and entry.p >= max(floor, LEXICON_FLOOR)


def _prepositional_object(verb: Token) -> Token | None:
    """ "called for a ceasefire", "spoke about the attack": the oblique right after the cue."""
    if verb.i + 1 >= len(verb.doc):
        return None
    after = verb.doc[verb.i + 1]
    if after.lower_ in PREPOSITIONAL_CONTENT and after.dep_ == "case" and after.head.head.i == verb.i:
        oblique = after.head
        if oblique.left_edge.i == after.i and not _is_pronoun(oblique) and oblique.lower_ not in lex.TIME_NOUNS:
            return oblique
    return None


def _cut_before_continuation(doc: Doc, start: int, end: int, verb: Token, context: _Context) -> int:
    """End a content before ", stressing that ..." when that participle is a cue of its own, and
    before ", while ..." / ", whereas ...", where the article sets something else beside it."""
    words = doc.char_span(start, end, alignment_mode="expand")
    if words is None:
        return end
    after_comma = numpy.flatnonzero(context.lower[words.start:words.end - 1] == context.comma) + words.start + 1
    for i in after_comma.tolist():  # only the words after a comma: no Token object for the others
        token = doc[i]
        if context.quote_at(token.idx) is not None:
            continue
        participle = token.i in context.candidates and token.i != verb.i and token.tag_ == "VBG"
        if participle or (token.lower_ in CONTRAST_MARKS and token.dep_ == "mark"):
            cut = _trim(doc, words.start, token.i - 1)
            return cut[1] if cut else end
    return end


def _following_that_clause(verb: Token, sent: SpacySpan) -> tuple[Token, Token] | None:
    """ "told Al Mayadeen that ...": a "that" a few words after the cue, however it was attached."""
    doc = verb.doc
    for j in range(verb.i + 1, min(verb.i + 7, sent.end)):
        token = doc[j]
        if token.lower_ == "that" and token.dep_ == "mark" and token.head.i > j:
            return token, token.head
        if token.pos_ in ("VERB", "AUX") or token.text in (".", ";"):
            return None
    return None


def _has_complementizer(token: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ in ("that", "whether", "if") and c.i < token.i for c in token.children)


def _clause_after(verb: Token, clause: Token, context: _Context) -> tuple[int, int] | None:
    """The clause after a cue, stretched over later words the parser hung on the cue
    (up to a conjoined verb or another cue, which make statements of their own)."""
    end = clause.right_edge.i + 1
    for child in verb.rights:
        if child.i <= clause.i:
            continue
        if child.dep_ in ("conj", "cc", "parataxis") or child.i in context.candidates:
            break
        end = max(end, child.right_edge.i + 1)
    return _trim(verb.doc, clause.left_edge.i, end)


def _is_posed(verb: Token) -> bool:
    """A cue after its content, set off by a comma or a closing quote ("...,” he said")."""
    doc = verb.doc
    j = verb.i - 1
    while j >= 0 and j >= verb.left_edge.i and doc[j].pos_ in ("PROPN", "NOUN", "PRON", "DET", "ADJ", "ADV"):
        j -= 1
    stray = _stray_conjunct(doc[j]) if j >= 0 else None
    if stray is not None:  # "..., residents and a security source said"
        j = stray.left_edge.i if doc[stray.left_edge.i].is_punct else stray.left_edge.i - 1
    return j >= 0 and (doc[j].text in (",", "''", STRAIGHT_QUOTE) or doc[j].text in CLOSING_QUOTES)


def _adjacent_quote(verb: Token, sent: SpacySpan, context: _Context) -> tuple[int, int] | None:
    """A quotation right after "said:" or "said ," with no clause parsed under the verb."""
    doc = verb.doc
    j = verb.i + 1
    while j < sent.end and doc[j].is_punct and doc[j].text not in QUOTE_CHARS:
        j += 1
    if j < len(doc) and doc[j].text in QUOTE_CHARS:
        return context.quote_at(doc[j].idx)
    return None


def _neighbouring_quote(sent: SpacySpan, context: _Context) -> tuple[int, int] | None:
    """A quotation that ends right before the cue's sentence ("“...” | He said on Monday.")
    or starts right after it ("He said in a statement: | “...”")."""
    text = context.text
    i = bisect.bisect_right(context.quote_starts, sent.start_char) - 1
    if i >= 0:
        start, end = context.quotes[i]
        if end <= sent.start_char and not text[end:sent.start_char].strip(" \t,.;:—–-"):
            return start, end
    if i + 1 < len(context.quotes):
        start, end = context.quotes[i + 1]
        between = text[sent.end_char:start]
        if start >= sent.end_char and not between.strip() and text[sent.start_char:sent.end_char].rstrip()[-1:] in ":,":
            return start, end
    return None


def _is_pronoun(token: Token) -> bool:
    return token.pos_ == "PRON" or token.lower_ in lex.THING_PRONOUNS


def _subtree_span(head: Token, exclude: Token | None = None) -> tuple[int, int] | None:
    """Char span of ``head``'s subtree without ``exclude``'s subtree.

    When ``exclude`` sits inside (a cue between two parts of a quote), the
    longer part is kept; the other quoted part is picked up as its own claim. A
    part after the cue that opens with a conjunction ("..., the air force said,
    while Russia claimed ...") is the article going on, not more of the content.
    """
    start, end = head.left_edge.i, head.right_edge.i + 1
    if exclude is not None and exclude.i != head.i:
        ex_start, ex_end = exclude.left_edge.i, exclude.right_edge.i + 1
        if ex_start <= start < ex_end:
            start = ex_end
        elif ex_start < end <= ex_end:
            end = ex_start
        elif start < ex_start and ex_end < end:
            before = _trim(head.doc, start, ex_start)
            after = _trim(head.doc, ex_end, end)
            if before is None or after is None:
                return before or after
            if _opens_clause(head.doc, ex_end):
                return before
            return before if before[1] - before[0] >= after[1] - after[0] else after
    return _trim(head.doc, start, end)


def _opens_clause(doc: Doc, i: int) -> bool:
    """Whether the words from token ``i`` on start with a conjunction ("while", "but", "as")."""
    while i < len(doc) and (doc[i].is_punct or doc[i].is_space):
        i += 1
    return i < len(doc) and doc[i].dep_ in ("mark", "cc") and doc[i].text not in QUOTE_CHARS


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Char span of tokens [start, end) without edge punctuation and leading conjunctions.

    Quotation marks stay, and so does punctuation right before a closing mark.
    """
    while start < end and (_edge_punct(doc[start]) or doc[start].dep_ == "cc" or doc[start].lower_ in PROMPTS):
        start += 1
    while end > start and _edge_punct(doc[end - 1]):
        end -= 1
    if start >= end:
        return None
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1])


def _edge_punct(token: Token) -> bool:
    return token.is_space or token.text in PUNCT_TRIM or (token.is_punct and token.text not in QUOTE_CHARS)


def _widen_to_quotes(span: tuple[int, int] | None, context: _Context) -> tuple[int, int] | None:
    """Widen a content that starts or ends inside a quotation to the whole quotation."""
    if span is None:
        return None
    start, end = span
    first = context.quote_at(start)
    if first is not None:
        start = first[0]
    last = context.quote_at(end - 1)
    if last is not None:
        end = max(end, last[1])
    return start, end


# --------------------------------------------------------------------------- sources


def _source_of(verb: Token, context: _Context) -> tuple[Token | None, tuple[int, int] | None, bool]:
    """(head token, char span, impersonal) of the cue's source."""
    passive = _is_passive(verb)
    if passive:
        agent = _agent(verb)
        if agent is not None:
            return agent, _phrase_span(agent, skip_case=True), False
        return None, None, True
    subject = _subject(verb)
    if subject is not None:
        if subject.tag_ in ("WP", "WDT") or subject.lower_ in ("who", "which", "that"):
            # "officials who said": the pronoun is the source phrase (as PolNeAR marks it);
            # resolve_source names it after the noun the clause modifies
            if verb.dep_ in ("acl:relcl", "relcl") and verb.head.i < verb.i:
                return subject, (subject.idx, subject.idx + len(subject)), False
            return None, None, False
        speaker = _speaker_in_subject(subject, verb)
        if speaker is not None:
            return speaker, _clean_source(speaker, speaker.left_edge.i, subject.right_edge.i + 1), False
        return subject, _with_stray_conjunct(subject, _extend_to_cue(subject, verb)), False
    if verb.dep_ in INHERITING and verb.head.i != verb.i:
        inherited = _inherited_source(verb.head, context, verb)
        if inherited[0] is not None:
            return inherited
    inverted = _inverted_subject(verb)
    if inverted is not None:
        return inverted, _phrase_span(inverted), False
    initial = _sentence_initial_subject(verb)
    if initial is not None:
        return initial
    left = _left_nominal(verb)
    if left is not None:
        return left, _trim(verb.doc, left.left_edge.i, left.i + 1), False
    return None, None, False


def _speaker_in_subject(subject: Token, verb: Token) -> Token | None:
    """The speaker the parser buried in the subject of a post-posed cue: in "Satellite images
    show 40 vehicles near the bridge, analysts at the institute said", "vehicles" became the
    subject of "said" and "analysts" a conjunct of "bridge"; the conjunct after the comma speaks."""
    if not any(c.dep_ in CLAUSE_CONTENT and c.i < subject.i for c in verb.children):
        return None
    doc = subject.doc
    for token in doc[subject.i + 1:subject.right_edge.i + 1]:
        if (token.dep_ == "conj" and token.pos_ in ("NOUN", "PROPN") and token.head.i != subject.i
                and doc[token.i - 1].text == "," and token.head.i < token.i):
            return token
    return None


def _content_to_speaker(doc: Doc, start: int, end: int, source_start: int, verb: Token) -> int:
    """A content before its speaker that stops short ("Satellite images show" of "Satellite images
    show 40 vehicles near the bridge, analysts said") runs on to the comma before the speaker when
    the words between are the verb's misparsed subject, with no verb of their own."""
    gap = doc.char_span(end, source_start, alignment_mode="expand")
    if gap is None or not len(gap) or any(t.pos_ in ("VERB", "AUX") and t.dep_ != "amod" for t in gap):
        return end
    if not all(t.head.i == verb.i or any(a.dep_ in SUBJECTS and a.head.i == verb.i for a in [t, *t.ancestors])
               for t in gap if not t.is_punct):
        return end
    cut = _trim(doc, *_token_range(doc, start, source_start))
    return cut[1] if cut else end


def _with_stray_conjunct(subject: Token, span: tuple[int, int] | None) -> tuple[int, int] | None:
    """The source span widened over a first conjunct the parser hung on the content: in "...
    in northeastern Syria, residents and a security source said", "residents" is a conjunct
    of "Syria" and the subject starts at "and"."""
    first = _stray_conjunct(subject.doc[subject.left_edge.i])
    if span is None or first is None:
        return span
    doc = subject.doc
    start = first.left_edge.i
    while start < first.i and doc[start].is_punct:
        start += 1
    return doc[start].idx, span[1]


def _stray_conjunct(cc: Token) -> Token | None:
    """The noun before the coordinating conjunction ``cc`` when the parser made it a conjunct
    of an earlier word instead of coordinating it with ``cc``'s head."""
    if cc.dep_ != "cc" or cc.i == 0 or cc.head.i < cc.i:
        return None
    first = cc.doc[cc.i - 1]
    if first.dep_ != "conj" or first.pos_ not in ("NOUN", "PROPN") or first.head.i >= first.i:
        return None
    return first


def _sentence_initial_subject(verb: Token) -> tuple[Token, tuple[int, int] | None, bool] | None:
    """A noun phrase from the sentence start up to the cue, with no finite verb inside
    ("Sources close to the army told ...", "Ann Lee, a lawyer, said"), when the parser
    attached the cue elsewhere."""
    doc = verb.doc
    j = verb.i - 1
    while j >= 0 and (doc[j].pos_ in ("AUX", "ADV", "PART")):
        j -= 1
    start = j
    while start > 0 and not doc[start].is_sent_start:
        start -= 1
    while start <= j and (doc[start].is_space or doc[start].is_punct):
        start += 1
    if start > j or j - start > 20:
        return None
    words = doc[start:j + 1]
    if any(t.text in (";", ":") or t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in words):
        return None
    if words[0].pos_ not in ("NOUN", "PROPN", "DET", "ADJ", "NUM", "PRON"):
        return None
    nouns = [t for t in words if t.pos_ in ("NOUN", "PROPN", "PRON")]
    if not nouns:
        return None
    head = next((t for t in nouns if t.head.i < start or t.head.i > j or t.head.i == t.i), nouns[0])
    return head, _trim(doc, start, j + 1), False


def _left_nominal(verb: Token) -> Token | None:
    """The noun phrase right before a cue that the parser left without a subject."""
    doc = verb.doc
    j = verb.i - 1
    while j >= 0 and (doc[j].pos_ in ("AUX", "ADV", "PART") or doc[j].is_space):
        j -= 1
    if j < 0 or doc[j].pos_ not in ("NOUN", "PROPN", "PRON") or doc[j].lower_ in lex.THING_PRONOUNS:
        return None
    noun = doc[j]
    while noun.head.i != noun.i and noun.head.i < verb.i and noun.head.pos_ in ("NOUN", "PROPN"):
        noun = noun.head
    return noun


def _extend_to_cue(subject: Token, verb: Token) -> tuple[int, int] | None:
    """The subject's phrase, stretched up to the cue when only a verbless phrase lies between
    ("Sources close to the army told", where the parser cut "close to the army" off)."""
    doc = verb.doc
    start, end = subject.left_edge.i, subject.right_edge.i + 1
    if subject.i < verb.i and end < verb.i:
        stop = verb.i
        while stop - 1 >= end and doc[stop - 1].pos_ in ("AUX", "ADV", "PART"):
            stop -= 1
        gap = doc[end:stop]
        if len(gap) <= 12 and not any(
            t.is_punct or t.is_space or t.pos_ == "AUX" or _has_other_subject(t, subject) for t in gap
        ):
            end = stop
    return _clean_source(subject, start, end)


def _has_other_subject(token: Token, subject: Token) -> bool:
    """A finite verb in the gap: a clause of its own, unless it is an adjective the tagger
    took for a verb ("sources close to", "people familiar with")."""
    if token.tag_ not in ("VBD", "VBZ", "VBP", "MD"):
        return False
    return token.lower_ not in POSTMODIFIER_ADJECTIVES


def _subject(verb: Token) -> Token | None:
    """The verb's subject; of two before it, the nearer: in "The strikes, the official said, hit
    ..." the parser gives "said" both, and the first is the subject of the reported clause."""
    subjects = [c for c in verb.children if c.dep_ in SUBJECTS and not c.is_space]
    before = [c for c in subjects if c.i < verb.i]
    if len(before) > 1 and any(t.text == "," for t in verb.doc[before[-2].i + 1:before[-1].left_edge.i]):
        return before[-1]
    return next(iter(subjects), None)


def _inverted_subject(verb: Token) -> Token | None:
    """The speaker after a post-posed cue ("..., said the minister"), however the parser attached it."""
    if not _is_posed(verb):
        return None
    for child in verb.children:
        # not a paragraph break, to which the tagger may give any part of speech
        speaker = child.pos_ in ("PROPN", "NOUN", "PRON") and not child.is_space
        if child.i > verb.i and speaker and child.dep_ not in ("ccomp", "parataxis"):
            return child
    return None


def _inherited_source(
    head: Token, context: _Context, cue: Token
) -> tuple[Token | None, tuple[int, int] | None, bool]:
    """The source of a participle or conjoined cue: the subject of the verb it hangs on, or the
    person quoted ("TASS quoted a defence ministry source as saying ...")."""
    quoted = _relayed_speech(head)
    if quoted is not None and quoted[1].i == cue.i:
        return quoted[0], _phrase_span(quoted[0]), False
    if cue.dep_ == "conj" and head.dep_ in ("acl:relcl", "relcl") and not any(c.dep_ == "cc" for c in cue.children):
        # "Hamas, which runs Gaza, denied ...": no "and", so the cue is the sentence's own verb
        # that the parser took for a second verb of the relative clause
        noun = head.head
        return noun, _clean_source(noun, noun.left_edge.i, min(head.left_edge.i, noun.right_edge.i + 1)), False
    for _ in range(3):
        if head.dep_ == "ccomp" and head.head.i in context.candidates and head.head.i != head.i:
            head = head.head  # a participle inside a reported clause continues the reporting verb
        subject = _subject(head)
        if subject is not None and not (_is_passive(head) and head.lemma_ not in lex.RAISING_LEMMAS
                                        and context.lexicon.get(head.lower_) is None):
            return subject, _extend_to_cue(subject, cue), False
        if _is_passive(head):
            agent = _agent(head)
            if agent is not None:
                return agent, _phrase_span(agent, skip_case=True), False
        if head.dep_ not in INHERITING or head.head.i == head.i:
            break
        head = head.head
    return None, None, False


def _relayed_speech(verb: Token) -> tuple[Token, Token] | None:
    """(person quoted, speech participle) of "X quoted / cited Y (as) saying ...", else None."""
    if verb.lemma_.lower() not in QUOTING_LEMMAS:
        return None
    quoted = next((c for c in verb.children if c.dep_ in OBJECTS and c.i > verb.i), None)
    if quoted is None:
        return None
    speech = next((c for c in verb.children if c.dep_ in ("advcl", "xcomp") and c.tag_ == "VBG"
                   and c.i > quoted.i and c.lemma_.lower() in RELAYED_SPEECH_LEMMAS), None)
    return (quoted, speech) if speech is not None else None


def _relay_recipient(verb: Token) -> tuple[int, int] | None:
    """The outlet that relays a quoted speaker's words ("TASS" of "TASS quoted ... as saying")."""
    if verb.dep_ not in ("advcl", "xcomp") or verb.head.i == verb.i:
        return None
    relayed = _relayed_speech(verb.head)
    relay = _subject(verb.head)
    if relayed is None or relayed[1].i != verb.i or relay is None:
        return None
    return _phrase_span(relay)


def _agent(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("obl:agent", "agent", "obl") and any(
            g.lower_ == "by" for g in child.children if g.dep_ == "case"
        ):
            return child
        if child.dep_ == "agent":
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    return None


def _phrase_span(token: Token, skip_case: bool = False) -> tuple[int, int] | None:
    start = token.left_edge.i
    if skip_case:
        while start < token.i and token.doc[start].dep_ == "case":
            start += 1
    return _clean_source(token, start, token.right_edge.i + 1)


SOURCE_LEAD_POS = frozenset({"ADP", "SCONJ", "CCONJ", "ADV", "PUNCT", "SPACE", "VERB", "AUX"})
NAME_POS = frozenset({"PROPN"})


def _clean_source(head: Token, start: int, end: int) -> tuple[int, int] | None:
    """A source phrase without leading "when"/"with"/"to", trailing prepositions, and with
    the whole name when the parser split it ("Lindsay | Lohan", "Mr. | de Vos")."""
    doc = head.doc
    while start < head.i and doc[start].pos_ in SOURCE_LEAD_POS:
        start += 1
    while end - 1 > head.i and doc[end - 1].pos_ in ("ADP", "SCONJ", "CCONJ", "PUNCT", "SPACE"):
        end -= 1
    if head.ent_type_:
        ent_start, ent_end = head.i, head.i + 1
        while ent_start > 0 and doc[ent_start].ent_iob_ == "I":
            ent_start -= 1
        while ent_end < len(doc) and doc[ent_end].ent_iob_ == "I":
            ent_end += 1
        start, end = min(start, ent_start), max(end, ent_end)
    while start > 0 and not doc[start - 1].is_space and not doc[start].is_sent_start:
        before = doc[start - 1]
        if before.pos_ == "PROPN" and doc[start].pos_ in NAME_POS:
            start -= 1
        elif before.pos_ in ("ADJ", "NUM", "NOUN", "PROPN", "DET") and start <= before.head.i < end:
            start -= 1
            if before.pos_ == "DET":
                break
        else:
            break
    return _trim(doc, start, end)


def _recipient(verb: Token, content: tuple[int, int]) -> tuple[int, int] | None:
    """Whom the source told: the objects between the cue and a content that follows it."""
    objects = [
        c for c in verb.children
        if c.dep_ in RECIPIENTS and c.pos_ in ("PROPN", "NOUN", "PRON") and verb.i < c.i and c.idx < content[0]
    ]
    if not objects:
        return None
    return _trim(verb.doc, objects[0].left_edge.i, objects[-1].right_edge.i + 1)


# --------------------------------------------------------------------------- other forms


def _according_to(token: Token, sent: SpacySpan, context: _Context) -> _Attribution | None:
    """ "according to X, ..." : X is the source, the rest of the sentence the content.

    Token based, as parsers often attach "according to" badly: the source runs
    from "to" to the next comma (or the sentence end); the content is the longer
    side of the sentence around the "according to X" phrase.
    """
    doc = token.doc
    to = token.nbor()
    source_end = to.i + 1
    while source_end < sent.end and doc[source_end].text not in (",", ";", "—", "–") and not (
        doc[source_end].is_punct and source_end == sent.end - 1
    ):
        source_end += 1
    noun = next((t for t in reversed(doc[to.i + 1:source_end]) if t.pos_ in ("NOUN", "PROPN", "PRON")), None)
    if next((t.lower_ for t in doc[to.i + 1:source_end] if t.pos_ != "DET"), "") in MANNER_NOUNS:
        return None  # "going according to plan" says how, not who
    head = _phrase_head(noun, to.i + 1, source_end) if noun is not None else None
    source_end = _past_apposition(doc, to.i + 1, source_end, sent.end)
    source = _trim(doc, to.i + 1, source_end)
    before = _trim(doc, sent.start, token.i)
    after = _trim(doc, source_end, sent.end)
    if before is not None and after is not None:
        content = before if before[1] - before[0] > after[1] - after[0] else after
    else:
        content = before or after
    if source is None or content is None:
        return None
    content_root = _root_within(doc, content) or sent.root
    attribution = _Attribution(
        cue=(token.idx, to.idx + len(to)),
        cue_lemma="according to",
        cue_root=None,
        source=source,
        source_head=head,
        content=_widen_to_quotes(content, context) or content,
        content_root=content_root,
        form="according_to",
    )
    _finish(attribution, context)
    return attribution


def _past_apposition(doc: Doc, start: int, end: int, limit: int) -> int:
    """The end of a source phrase [start, end) grown over an apposition set off by commas that the
    parser hangs on it ("the Institute for the Study of War, a US-based think tank, ..."), if any."""
    if end >= limit or doc[end].text != ",":
        return end
    stop = end + 1
    while stop < limit and doc[stop].text not in (",", ";", "—", "–"):
        stop += 1
    words = doc[end + 1:stop]
    if not len(words) or stop >= limit - 3 or doc[stop].text != "," or len(words) > 8:
        return end
    if words[0].pos_ != "DET" or any(t.pos_ in ("VERB", "AUX") and t.tag_ not in ("VBN", "VBG") for t in words):
        return end
    root = next((t for t in words if not (end < t.head.i < stop)), None)
    if root is None:
        return end
    if start <= root.head.i < end:
        return stop
    # or the parser hung it beside the source (both obliques of one verb), or made it a second
    # subject of the verb whose own subject follows
    source = next((t for t in doc[start:end] if not (start <= t.head.i < end)), None)
    if source is not None and (source.head.i, source.dep_) == (root.head.i, root.dep_):
        return stop
    subjects = [t for t in root.head.children if t.dep_.startswith("nsubj") and t.i > stop]
    return stop if root.dep_.startswith("nsubj") and subjects else end


def _root_within(doc: Doc, span: tuple[int, int]) -> Token | None:
    """The token of a char span whose head lies outside it (the span's syntactic root)."""
    words = doc.char_span(span[0], span[1], alignment_mode="expand")
    if words is None:
        return None
    return next((t for t in words if not (words.start <= t.head.i < words.end) or t.head.i == t.i), None)


def _phrase_head(noun: Token, start: int, end: int) -> Token:
    """The highest token of [start, end) above ``noun`` (the head of "the facts and exclusive sources")."""
    while start <= noun.head.i < end and noun.head.i != noun.i:
        noun = noun.head
    return noun


def _colon_cue(colon: Token, sent: SpacySpan, context: _Context) -> _Attribution | None:
    """ "Name: “...”" : a noun phrase, a colon and a quotation, with no verb before the colon."""
    doc = colon.doc
    if colon.i + 1 >= len(doc) or doc[colon.i + 1].text not in QUOTE_CHARS:
        return None
    before = doc[sent.start:colon.i]
    if not len(before) or any(t.pos_ in ("VERB", "AUX") for t in before):
        return None
    if not any(t.pos_ in ("PROPN", "NOUN") for t in before):
        return None
    quote = context.quote_at(doc[colon.i + 1].idx)
    source = _trim(doc, sent.start, colon.i)
    if quote is None or source is None:
        return None
    head = before.root
    attribution = _Attribution(
        cue=(colon.idx, colon.idx + 1),
        cue_lemma=":",
        cue_root=None,
        source=source,
        source_head=head,
        content=quote,
        content_root=None,
        form="direct",
    )
    _finish(attribution, context)
    return attribution


def _layout_claims(found: list[_Attribution], context: _Context) -> list[_Attribution]:
    """Speaker labels and quote bylines (:mod:`attribution_layout`) that no verb cue already read:
    skipped when a found cue or source lies inside their source, or a found content holds their cue."""
    length = len(context.text)
    taken = _overlap_test([a.cue for a in found] + [a.source for a in found if a.source], length)
    in_content = _overlap_test([a.content for a in found] + [c for a in found for c in a.extra_contents], length)
    doc = context.doc
    layouts = layout_attributions(doc, context.text, context.quotes)
    transcript = sum(layout.kind == "label" for layout in layouts) >= 2  # verbatim turns of speakers
    result = []
    for layout in layouts:
        if taken(layout.source) or in_content(layout.cue):
            continue
        attribution = _Attribution(
            cue=layout.cue,
            cue_lemma=context.text[layout.cue[0]:layout.cue[1]],
            cue_root=None,
            source=layout.source,
            source_head=_root_within(doc, layout.source),
            content=layout.content,
            content_root=_root_within(doc, layout.content),
            form="direct" if layout.kind == "byline" or transcript else "indirect",
            sentence=context.sentence_of(layout.cue[0]),
        )
        _finish(attribution, context)  # an "indirect" label gets its form from its quote marks
        result.append(attribution)
    return result


def _uncued_quotes(found: list[_Attribution], context: _Context) -> list[_Attribution]:
    """Quoted sentences with no cue: more content of the nearest quoting attribution.

    The nearest is the attribution whose content ends last before the quote in
    the same or the previous sentence, else the first one starting in the next sentence.
    """
    covered = [a.content for a in found]
    quoting = [a for a in found if context.quote_at(a.content[0]) or context.quote_at(a.content[1] - 1)]
    extra: list[_Attribution] = []
    for start, end in context.quotes:
        if any(_overlap((start, end), c) for c in covered):
            continue
        if len(context.text[start:end].split()) < 4:
            continue
        sentence = context.sentence_of(start)
        before = [a for a in quoting if a.content[1] <= start and sentence - 1 <= a.sentence <= sentence]
        after = [a for a in quoting if a.cue[0] >= end and a.sentence <= context.sentence_of(end - 1) + 1]
        anchor = before[-1] if before else (after[0] if after else None)
        if anchor is None:
            continue
        extra.append(
            _Attribution(
                cue=anchor.cue,
                cue_lemma=anchor.cue_lemma,
                cue_root=anchor.cue_root,
                source=anchor.source,
                source_head=anchor.source_head,
                content=(start, end),
                content_root=None,
                form="direct",
                recipient=anchor.recipient,
                certainty=anchor.certainty,
                polarity="affirms",
                sentence=sentence,
                impersonal=anchor.impersonal,
            )
        )
    return extra


def _finish(attribution: _Attribution, context: _Context) -> None:
    """Form, certainty and polarity from the cue, its modifiers and the content."""
    if attribution.form == "indirect":  # verb cues; "according to" and colon cues keep theirs
        attribution.form = _form(attribution.content, context)
    attribution.certainty = _certainty(attribution)
    attribution.polarity = _polarity(attribution)


def _ends_with_quote(text: str) -> bool:
    return text[-1:] in QUOTE_CHARS or text[-2:] in QUOTE_CHARS


def _form(content: tuple[int, int], context: _Context) -> str:
    text = context.text[content[0]:content[1]]
    if not any(q in text for q in QUOTE_CHARS):
        return "indirect"
    region = context.quote_at(content[0])
    if region is not None and region[0] == content[0] and region[1] >= content[1] - 1:
        return "direct"
    if region is not None and region[0] == content[0] and _ends_with_quote(text.rstrip(".,;:!? ")):
        return "direct"
    return "mixed"


# --------------------------------------------------------------------------- certainty, polarity


def _governors(token: Token | None) -> list[Token]:
    """The verbs a cue is the infinitive complement of ("rumored" in "are rumored to have reported")."""
    result = []
    while token is not None and token.head.i != token.i and (
        token.dep_ == "xcomp" or (token.dep_ in ("conj", "advcl") and _is_infinitive(token))
    ):
        token = token.head
        result.append(token)
    return result


def _is_infinitive(token: Token) -> bool:
    """ "to report", "to have reported", "to be reported" (however "to" is attached)."""
    doc = token.doc
    j = token.i - 1
    while j >= 0 and doc[j].lower_ in ("have", "be", "been", "having"):
        j -= 1
    return j >= 0 and doc[j].lower_ == "to"


def _modifier_words(token: Token | None) -> set[str]:
    if token is None:
        return set()
    return {c.lower_ for c in token.children if c.dep_ in ("advmod", "aux", "aux:pass", "auxpass", "neg")}


def _certainty(a: _Attribution) -> str:
    governors = _governors(a.cue_root)
    lemmas = {a.cue_lemma} | {_lemma(g) for g in governors}
    words = _modifier_words(a.cue_root) | _modifier_words(a.content_root)
    for g in governors:
        words |= _modifier_words(g) | {g.lower_}
    if a.cue_root is not None:
        words.add(a.cue_root.lower_)
    if lemmas & lex.RUMOR_LEMMAS or words & lex.RUMOR_WORDS:
        return "rumored"
    # "X is said to ...", "it was reported that ...": nobody stands behind the claim
    raising = a.impersonal and a.source is None and a.cue_lemma in lex.RAISING_LEMMAS
    if lemmas & lex.HEDGE_LEMMAS or words & lex.HEDGE_WORDS or raising or any(
        _is_passive(g) and _lemma(g) in lex.RAISING_LEMMAS for g in governors
    ):
        return "hedged"
    if lemmas & lex.CONFIRM_LEMMAS and not _negated(a.cue_root):
        return "confirmed"
    return "stated"


def _lemma(token: Token) -> str:
    entry = lex.cue_lexicon().get(token.lower_)
    if entry is not None:
        return entry.lemma
    return token.lemma_.lower() if token.lemma_ else token.lower_


def _polarity(a: _Attribution) -> str:
    denies = a.cue_lemma in lex.DENY_LEMMAS
    if a.content_root is not None and _negated(a.content_root):
        denies = not denies
    return "denies" if denies else "affirms"


def _negated(token: Token | None) -> bool:
    """Whether a predicate is negated: "not", "never", or a "no"/"nothing" argument."""
    if token is None:
        return False
    if _negative_nominal(token):
        return True
    for child in token.children:
        if child.dep_ == "neg" or (child.dep_ in ("advmod", "neg") and child.lower_ in lex.NEGATIONS):
            return True
        if child.dep_ in ("nsubj", "nsubj:pass", "obj", "dobj", "attr", "nsubjpass") and _negative_nominal(child):
            return True
    return False


def _negative_nominal(token: Token) -> bool:
    if token.lower_ in lex.NEGATIVE_PRONOUNS:
        return True
    return token.pos_ in ("NOUN", "PROPN", "PRON", "NUM") and any(
        c.dep_ == "det" and c.lower_ == "no" for c in token.children
    )


# --------------------------------------------------------------------------- claims


def _to_claim(a: _Attribution, context: _Context) -> Claim:
    text = context.text
    content = Span(text[a.content[0]:a.content[1]], *a.content)
    cue = Cue(text[a.cue[0]:a.cue[1]], a.cue[0], a.cue[1], lemma=a.cue_lemma)
    if a.source is not None:
        source = _resolve_source(a, context)
    else:
        source = Source("", a.cue[0], a.cue[0], kind="anonymous", canonical=IMPERSONAL_SOURCE)
    recipient = Span(text[a.recipient[0]:a.recipient[1]], *a.recipient) if a.recipient else None
    return Claim(
        content=content,
        source=source,
        cue=cue,
        form=a.form,
        certainty=a.certainty,
        polarity=a.polarity,
        recipient=recipient,
        sentence=a.sentence,
    )


def _resolve_source(a: _Attribution, context: _Context) -> Source:
    from claimtrace.extract.attribution_sources import resolve_source, resolve_speaker_label

    assert a.source is not None
    resolve = resolve_speaker_label if a.cue_lemma == ":" else resolve_source  # "PENCE: ...", "PENCE: “...”"
    return resolve(a.source, a.source_head, context)


def _author_claims(found: Iterable[_Attribution], context: _Context) -> list[Claim]:
    taken = _overlap_test([span for a in found for span in (a.cue, a.content, a.source) if span], len(context.text))
    claims = []
    for index, sent in enumerate(context.sentences):
        if taken((sent.start_char, sent.end_char)) or not _is_statement(sent, context):
            continue
        trimmed = _trim(sent.doc, sent.start, sent.end)
        if trimmed is None:
            continue
        root = sent.root
        claims.append(
            Claim(
                content=Span(context.text[trimmed[0]:trimmed[1]], *trimmed),
                source=Source("", sent.start_char, sent.start_char, kind="author", canonical=None),
                cue=None,
                form="author",
                certainty=author_certainty(root, trimmed, context),
                polarity="denies" if _negated(root) else "affirms",
                sentence=index,
            )
        )
    return claims


def _is_statement(sent: SpacySpan, context: _Context) -> bool:
    """A declarative sentence: final punctuation, a verb with a subject, no question or prescription."""
    text = context.text[sent.start_char:sent.end_char].rstrip()
    if not text or text[-1] not in ".!\"”'’)" or text.rstrip("\"”'’").endswith("?"):
        return False
    subjects = numpy.flatnonzero(context.subjects[sent.start:sent.end])
    if not len(subjects):
        return False
    doc = sent.doc
    for offset in subjects.tolist():
        subject = doc[sent.start + offset]
        if subject.lower_ in FIRST_SECOND_PERSON and context.quote_at(subject.idx) is None:
            return False
        if any(c.lower_ in PRESCRIPTIVE for c in subject.head.children if c.dep_ == "aux"):
            return False
    return True


def _token_range(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Token indices [i, j) of the tokens that start within the char range."""
    words = doc.char_span(start, end, alignment_mode="contract")
    if words is None:
        words = doc.char_span(start, end, alignment_mode="expand")
    return (words.start, words.end) if words is not None else (0, 0)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _overlap_test(spans: list[tuple[int, int]], length: int) -> Callable[[tuple[int, int]], bool]:
    """Whether a span overlaps any of ``spans`` (as :func:`_overlap` says), in two lookups per call
    instead of a pass over every span: prefix sums of the characters they cover. Empty spans cover
    no character and are checked one by one."""
    covered = numpy.zeros(length + 1, dtype=numpy.int32)
    empty = []
    for start, end in spans:
        if start < end:
            covered[start:end] = 1
        else:
            empty.append((start, end))
    sums = numpy.concatenate([[0], numpy.cumsum(covered)])

    def overlaps(span: tuple[int, int]) -> bool:
        start, end = max(0, span[0]), min(span[1], length + 1)
        return bool(start < end and sums[end] > sums[start]) or any(_overlap(span, e) for e in empty)

    return overlaps
