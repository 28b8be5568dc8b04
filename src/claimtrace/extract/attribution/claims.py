"""Claims with their sources, cues, certainty and polarity.

:func:`find_claims` reads the dependency parse (UD labels) of a ``Doc`` and
returns one :class:`~claimtrace.model.Claim` per attribution, plus one per
sentence in the author's own voice.

What it finds
    * verb cues: verbs whose P(cue) reaches the ``cue`` threshold of
      :class:`~claimtrace.extract.attribution.config.AttributionConfig` (from the cue
      model of :mod:`~claimtrace.extract.attribution.cue_model`, trained on PolNeAR
      train; without it, from the learned lexicon's P(cue | form)), plus seed
      reporting verbs, that govern a clause (``ccomp``/``parataxis``/a "that"
      clause), a quotation, or (surer cues only) an object, an infinitive or a
      prepositional object: "X said (that) ...", "X told Y that ..." (Y becomes
      the recipient), "X confirmed / denied / warned ...", "X called for ...";
    * post-posed and mid-posed cues ("..., X said." / "“...,” X said, “...”"),
      the cue being a ``parataxis`` of the content's head;
    * "according to X, ...", colon-introduced quotes ("X: “...”");
    * what the layout of a line says (:mod:`~claimtrace.extract.attribution.layout`):
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
    * relative clauses ("officials who said ...", "the militant group, which denied blame") take the
      noun they modify;
    * light verbs that report through their object ("nurses gave differing accounts of the number hurt",
      "officials have released death tolls ranging from ...", "has published photos of"), claim nouns with a
      "that" clause ("Portuguese claims that ...", unnamed "reports that ..."), a participle of speech
      with its agent ("the 471 announced by the ministry"), "as" clauses ("not nearly 500 as the
      rebels had claimed"); "This is what witnesses told us" sums up the paragraph's sentences before
      it, and a timeline after "According to X, ..." goes on in X's words ("Subsequently, ...");
    * what a learned role tagger adds (:mod:`~claimtrace.extract.attribution.learned`,
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
    * ``source.kind`` and ``source.affiliation`` (:mod:`.kinds`): who speaks by the stories
      convention (a named or uniquely titled person, a government body, an organization, an outlet
      or unnamed reports, an unnamed source, a witness on the scene, a document), read from the
      first member of the phrase; whom a person or unnamed source speaks for;
    * ``source.canonical``: the entity group's canonical name, else the earlier
      source or mention the pronoun, definite noun phrase ("the sources",
      "the ministry", "the terror group", "the PM", "the report", "the newspaper's report"),
      first person in a quotation or surname refers to (:mod:`.coreference`), else the source text;
    * ``certainty`` (:mod:`.certainty`): rumored (rumor cues or words), hedged (hedging cues,
      raising passives "is said to", hedges on the content's main proposition, the text's
      distance: "what he called", "allegedly"), confirmed (confirm-language, first-hand "saw"),
      else stated;
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
    (datelines, captions; a headline among the first lines stays), sentences
    without a verb that has a subject, and
    prescriptive opinion (a "should"/"must"/"ought" modal or a first or second
    person subject).

What it misses
    many noun and adjective cues and the function words of long cues ("said
    in a statement on Monday", "voted in favor of"): the role tagger finds
    part of the gold cue tokens, sources more than one sentence away from
    an uncued quote, nested attributions are not linked to each other, a
    transcript turn past its first paragraph, and everything a wrong parse
    hides (a few misparses are repaired: "..., residents and a security source
    said" split by the parser, an apposition after "according to X", a
    paragraph break taken for a speaker, two subjects of a mid-posed "said",
    "X, which ..., denied" read as one relative clause, a speaker buried in
    the subject of a post-posed "said").

A reciprocal blame with a compound source ("X and Y blamed each other") is also a claim of each later
member, so each side is typed as itself (the compound's claim keeps its first member's kind).

Only attributions resting on a reporting act are kept (:mod:`.reporting`; a silence such as
    "did not respond to a request for comment" or a motive such as "fearing reprisal" is none); a
    claim with no source phrase needs an agentless passive or a whole clause; a caption's credit
    ("handout", "courtesy of") is never a source; a content runs over a clause coordinated with it.

Figures
    ``benchmarks/attribution.py`` on PolNeAR dev: ``docs/benchmarks_attribution.md``;
    ``benchmarks/claims.py`` on the stories: ``docs/benchmarks_claims.md``.
"""

from __future__ import annotations

import re

from spacy.attrs import LOWER, POS
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from claimtrace.extract.attribution import lexicon as lex
from claimtrace.extract.attribution.author import author_claims
from claimtrace.extract.attribution.certainty import settle_certainty
from claimtrace.extract.attribution.config import (
    DEFAULT_CONFIG,
    AttributionConfig,
    AttributionModels,
    bundled_models,
)
from claimtrace.extract.attribution.coreference import quote_speakers
from claimtrace.extract.attribution.cues import sentence_attributions
from claimtrace.extract.attribution.kinds import joins_members
from claimtrace.extract.attribution.layout import layout_attributions
from claimtrace.extract.attribution.learned import refine
from claimtrace.extract.attribution.qualities import assign_qualities
from claimtrace.extract.attribution.quotes import quote_regions
from claimtrace.extract.attribution.reporting import is_reporting, keep_coordinated
from claimtrace.extract.attribution.reporting import reporting_word as is_reporting_lemma
from claimtrace.extract.attribution.scoring import score_cues
from claimtrace.extract.attribution.sources import dateline_length, resolve_source, resolve_speaker_label
from claimtrace.extract.attribution.spans import overlap_test, overlaps, root_within, trim
from claimtrace.extract.attribution.state import Context, Draft
from claimtrace.extract.doctext import doc_text
from claimtrace.model import Claim, Cue, EntityGroup, Source, Span

IMPERSONAL_SOURCE = "unnamed source"  # canonical name of "it was reported that ..." sources


# "who asked not to be named": why a source is anonymous, not a claim of it
_ANONYMITY_REQUEST = re.compile(
    r"(?:(?:not\s+)?to\s+be\s+(?:named|identified|quoted)|(?:the\s+)?conditions?\s+(?:of\s+)?anonymity)\b", re.I)
# a photo caption's credit ("This handout image courtesy of X shows ..."): captions are never sources
_CAPTION_SOURCE = re.compile(r"\b(?:handout|courtesy\s+of|photo\s*:|\(photo\b)", re.I)


def find_claims(
    doc: Doc,
    groups: list[EntityGroup],
    config: AttributionConfig = DEFAULT_CONFIG,
    models: AttributionModels | None = None,
) -> list[Claim]:
    """All claims of ``doc``: attributions in text order, then interleaved author claims.

    Offsets are character offsets into ``doc.text``; ``Claim.sentence`` is the
    index of the sentence in ``doc.sents``. Needs a parsed doc; an unparsed or
    empty doc yields no claims. ``models`` defaults to the bundled cue model and role tagger.
    """
    if not len(doc) or not doc.has_annotation("DEP"):
        return []
    context = read_doc(doc, groups, config, models if models is not None else bundled_models())
    found: list[Draft] = []
    used_cues: set[int] = set()
    for index, sent in enumerate(context.sentences):
        for attribution in sentence_attributions(sent, context, used_cues):
            attribution.sentence = index
            found.append(attribution)
    found = [a for a in refine(found, context)
             if not _ANONYMITY_REQUEST.match(context.text, a.content[0]) and is_reporting(a, context)
             and not (a.source is not None and _CAPTION_SOURCE.search(context.text, a.source[0], a.source[1]))
             and (a.source is not None or _agentless_passive(a, context))
             and any(ch.isalnum() for ch in context.text[a.content[0]:a.content[1]])]  # not a lone quote mark
    found.extend(_layout_claims(found, context))
    found.extend(_uncued_quotes(found, context))
    found.extend(_sequence_continued(found, context))
    found = [split for a in found for split in _reciprocal_members(a, context)]
    found.sort(key=lambda a: (a.sentence, a.cue[0]))
    cues = [a.cue for a in found]
    for attribution in found:
        keep_coordinated(attribution, context, cues)
        attribution.certainty = settle_certainty(attribution.certainty, attribution.content, attribution.cue,
                                                 attribution.cue_lemma, context)
    context.quote_speakers = quote_speakers(found, context)
    claims = _without_repeated_headlines([_to_claim(a, context) for a in found], context)
    claims.extend(author_claims(found, context))
    claims.sort(key=lambda c: (c.sentence, c.content.start))
    return claims


PASSIVE_AUXILIARIES = frozenset({"is", "are", "was", "were", "be", "been", "being"})


def _agentless_passive(a: Draft, context: Context) -> bool:
    """A claim without a source phrase needs a passive that leaves its speaker out ("are said to", "has
    been reported", "were seen"); an active verb ("Tells", "view", "appears") with no speaker found is
    a misread, not an unnamed source."""
    words = context.text[a.cue[0]:a.cue[1]].lower().split()
    if a.form in ("direct", "mixed") or PASSIVE_AUXILIARIES & set(words):
        return True
    root = a.content_root  # a whole clause said: the speaker is somewhere the parse lost
    return root is not None and any(c.dep_ in ("nsubj", "nsubj:pass", "expl") for c in root.children)


HEADLINE_LINES = 2  # a headline or standfirst opens the text
REPEATED_WORDS = 2  # content words a body claim of the same source shares with a headline that repeats it


def read_doc(doc: Doc, groups: list[EntityGroup], config: AttributionConfig, models: AttributionModels) -> Context:
    """The first stages of an attribution pass: the doc's quotations found, its verbs scored as cues."""
    lexicon = lex.cue_lexicon()
    cue_p = score_cues(doc, doc.to_array(LOWER), doc.to_array([POS]), lexicon, config, models)
    return Context(doc, groups, config, models, quotes=quote_regions(doc_text(doc)), cue_p=cue_p, lexicon=lexicon)


def _without_repeated_headlines(claims: list[Claim], context: Context) -> list[Claim]:
    """Claims less those of a headline line (no final punctuation, a line of its own) whose source speaks again
    in the body: the body's claim is the one the article makes ("Kyiv blames ..." over "Kyiv said ...")."""
    headline = {c.sentence for c in claims if _is_headline(context.sentences[c.sentence], context)}
    if not headline:
        return claims
    body = [(_source_words(c), _content_words(c.content.text)) for c in claims if c.sentence not in headline]
    return [c for c in claims if c.sentence not in headline or not _headline_cue(c, context) or not any(
        _source_words(c) & source and len(_content_words(c.content.text) & content) >= REPEATED_WORDS
        for source, content in body)]


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]{3,}", text.lower()) if w not in STOP_WORDS}


def _is_headline(sent: SpacySpan, context: Context) -> bool:
    text = context.text
    line = text[sent.start_char:sent.end_char].rstrip()
    after = text[sent.start_char + len(line):sent.start_char + len(line) + 1]
    return (bool(line) and line[-1] not in ".!?\"”’'…:" and after == "\n"
            and sum(1 for before in text[:sent.start_char].splitlines() if before.strip()) < HEADLINE_LINES
            and not text[:sent.start_char].rstrip().endswith(",")
            and not dateline_length(line, len(line)))  # ("Kiev, Jun. 16, (wire) – X said ...": the body begins)


def _headline_cue(claim: Claim, context: Context) -> bool:
    """A headline's reporting verb is in the present ("X says", "X blames"), or a colon ("X: ...")."""
    if claim.cue is None:
        return False
    if claim.cue.text.strip() == ":":
        return True
    words = context.doc.char_span(claim.cue.start, claim.cue.end, alignment_mode="expand")
    return words is not None and any(t.tag_ in ("VBZ", "VBP") for t in words)


def _source_words(claim: Claim) -> set[str]:
    source = claim.source
    if source is None or source.kind == "author" or not source.text:
        return set()
    return {w.lower() for w in f"{source.text} {source.canonical or ''}".split() if w.lower() not in STOP_WORDS}


def _layout_claims(found: list[Draft], context: Context) -> list[Draft]:
    """Speaker labels and quote bylines (:mod:`.layout`) that no verb cue already read:
    skipped when a found cue or source lies inside their source, or a found content holds their cue."""
    length = len(context.text)
    taken = overlap_test([a.cue for a in found] + [a.source for a in found if a.source], length)
    in_content = overlap_test([a.content for a in found] + [c for a in found for c in a.extra_contents], length)
    doc = context.doc
    layouts = layout_attributions(doc, context.text, context.quotes)
    transcript = sum(layout.kind == "label" for layout in layouts) >= 2  # verbatim turns of speakers
    result = []
    for layout in layouts:
        if taken(layout.source) or in_content(layout.cue):
            continue
        attribution = Draft(
            cue=layout.cue,
            cue_lemma=context.text[layout.cue[0]:layout.cue[1]],
            cue_root=None,
            source=layout.source,
            source_head=root_within(doc, layout.source),
            content=layout.content,
            content_root=root_within(doc, layout.content),
            form="direct" if layout.kind == "byline" or transcript else "indirect",
            sentence=context.sentence_of(layout.cue[0]),
        )
        assign_qualities(attribution, context)  # an "indirect" label gets its form from its quote marks
        result.append(attribution)
    return result


# "According to X, at 6:15 a barrage was fired. Subsequently, at 6:50, ...": a timeline goes on in X's words
SEQUENCE_OPENINGS = ("subsequently", "then", "in addition", "afterwards", "after that", "later", "next", "finally")
SEQUENCE_REACH = 3  # sentences


def _sequence_continued(found: list[Draft], context: Context) -> list[Draft]:
    """Sentences of the same paragraph right after a sentence opening "According to X," that go on with a
    sequence word ("Subsequently", "Then", "In addition") and hold no attribution of their own: more of X's
    account."""
    taken = {a.sentence for a in found}
    extra: list[Draft] = []
    for anchor in found:
        if anchor.form != "according_to" or anchor.cue[0] != context.sentences[anchor.sentence].start_char:
            continue
        index = anchor.sentence + 1
        while index < len(context.sentences) and index - anchor.sentence <= SEQUENCE_REACH and index not in taken:
            sent = context.sentences[index]
            between = context.text[context.sentences[index - 1].end_char - 1:sent.start_char]
            opening = context.text[sent.start_char:sent.start_char + 20].lower()
            if "\n" in between or not opening.startswith(SEQUENCE_OPENINGS):
                break
            content = trim(context.doc, sent.start, sent.end)
            if content is None:
                break
            extra.append(Draft(cue=anchor.cue, cue_lemma=anchor.cue_lemma, cue_root=None, source=anchor.source,
                               source_head=anchor.source_head, content=content, content_root=sent.root,
                               form="according_to", certainty=anchor.certainty, sentence=index))
            index += 1
    return extra


_RECIPROCAL = re.compile(r"\b(?:each\s+other|one\s+another)\b", re.I)
RECIPROCAL_REACH = 40  # characters into the content: "blamed each other for", "laid the blame on one another"


def _reciprocal_members(a: Draft, context: Context) -> list[Draft]:
    """ "Varnia and the rebels blamed each other for the blast": besides the compound's claim (which speaks
    with its first member's kind), one claim for each later member, who blames the others in turn."""
    head = a.source_head
    if (a.source is None or head is None
            or not _RECIPROCAL.search(context.text, a.cue[0], min(a.content[1], a.content[0] + RECIPROCAL_REACH))):
        return [a]
    # conjoined with the head, or (a misparse) a second subject of the same verb
    siblings = [c for c in head.head.children if c.dep_ == head.dep_] if head.dep_.startswith("nsubj") else []
    members = sorted({c for c in [head, *head.conjuncts, *siblings] if a.source[0] <= c.idx < a.source[1]},
                     key=lambda t: t.i)
    spans = []
    for member in members[1:]:
        others = {t.i for m in members[1:] if m.i != member.i for t in m.subtree}
        tokens = [t for t in member.subtree if t.dep_ not in ("cc", "punct") and t.i not in others]
        if tokens:
            spans.append(((tokens[0].idx, min(a.source[1], tokens[-1].idx + len(tokens[-1]))), member))
    if not spans:  # "X and Y" parsed with Y as the head and X hung elsewhere
        joint = next((t for t in context.doc.char_span(*a.source, alignment_mode="expand") or ()
                      if joins_members(t, head)), None)
        if joint is not None:
            spans.append(((context.doc[joint.i + 1].idx, a.source[1]), head))
    drafts = [a]
    for span, member in spans:
        drafts.append(Draft(cue=a.cue, cue_lemma=a.cue_lemma, cue_root=a.cue_root, source=span, source_head=member,
                            content=a.content, content_root=a.content_root, form=a.form, recipient=a.recipient,
                            certainty=a.certainty, polarity=a.polarity, sentence=a.sentence,
                            impersonal=a.impersonal, extra_contents=list(a.extra_contents)))
    return drafts


def _uncued_quotes(found: list[Draft], context: Context) -> list[Draft]:
    """Quoted sentences with no cue: more content of the nearest quoting attribution.

    The nearest is the attribution whose content ends last before the quote in
    the same or the previous sentence, else the first one starting in the next sentence.
    """
    quoting = [a for a in found if (context.quote_at(a.content[0]) or context.quote_at(a.content[1] - 1))
               and context.quote_at(a.cue[0]) is None]
    extra: list[Draft] = []
    for start, end in context.quotes:
        # a claim whose cue lies inside the quote ("“... To those I say ...”") is the speaker's own
        # words: the quote is still the content of the attribution that quotes it
        if any(overlaps((start, end), a.content) and not start <= a.cue[0] < end for a in found):
            continue
        if len(context.text[start:end].split()) < 4:
            continue
        sentence = context.sentence_of(start)
        before = [a for a in quoting if a.content[1] <= start and sentence - 1 <= a.sentence <= sentence]
        if not before:
            before = [a for a in found if _closes_sentence_before(a, start, context)]
        after = [a for a in quoting if a.cue[0] >= end and a.sentence <= context.sentence_of(end - 1) + 1]
        anchor = before[-1] if before else (after[0] if after else None)
        if anchor is None:
            continue
        extra.append(
            Draft(
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


def _closes_sentence_before(a: Draft, quote_start: int, context: Context) -> bool:
    """ "..., the captain said. “We have never seen ...”": a post-posed cue that ends the sentence right
    before a quotation of the same paragraph introduces it as well."""
    if a.content[1] > a.cue[0] or context.quote_at(a.cue[0]) is not None or a.source is None:
        return False
    index = context.sentence_of(quote_start)
    if index == 0 or a.sentence != index - 1 or context.sentences[index].start_char != quote_start:
        return False
    tail = context.text[a.cue[1]:quote_start]
    return "\n" not in tail and len(tail.split()) <= 4 and tail.rstrip()[-1:] == "."


# people who are on the scene as themselves, not as officials, experts or sources
CIVILIAN_HEADS = lex.words(
    "man woman men women volunteer volunteers mother father son daughter husband wife family families neighbour "
    "neighbor neighbours neighbors pensioner pensioners farmer farmers fisherman fishermen driver drivers nurse "
    "nurses doctor doctors teacher teachers student students worker workers shopkeeper shopkeepers"
)
SELF_PRONOUNS = lex.words("i we he she they")
RECOUNT_LEMMAS = lex.words("recount recall remember describe")


def _lived_through(a: Draft, context: Context) -> bool:
    """An unnamed civilian telling what they did or went through ("A volunteer said she and two neighbours picked
    up bodies"): an eyewitness, by the stories' convention, not an unnamed source."""
    head, root = a.source_head, a.content_root
    if head is None or root is None or head.lower_ not in CIVILIAN_HEADS:
        return False
    if root.pos_ != "VERB" or root.tag_ not in ("VBD", "VBN") or is_reporting_lemma(root.lemma_.lower()):
        return False
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubj:pass")), None)
    return subject is not None and subject.lower_ in SELF_PRONOUNS and context.quote_at(subject.idx) is None


def _recounts_own_experience(a: Draft, context: Context) -> bool:
    """A person recounting, in their own words, what they went through ("“We were asleep when the roof fell
    in,” she recalled"): an eyewitness, by the stories' convention, named or not."""
    if a.cue_lemma not in RECOUNT_LEMMAS:
        return False
    for token in context.doc.char_span(*a.content, alignment_mode="expand") or ():
        if token.dep_ in ("nsubj", "nsubj:pass") and token.lower_ in ("i", "we"):
            verb = token.head
            tags = {verb.tag_} | {c.tag_ for c in verb.children if c.dep_ in ("cop", "aux", "aux:pass")}
            if "VBD" in tags:
                return True
    return False


def _to_claim(a: Draft, context: Context) -> Claim:
    text = context.text
    content = Span(text[a.content[0]:a.content[1]], *a.content)
    cue = Cue(text[a.cue[0]:a.cue[1]], a.cue[0], a.cue[1], lemma=a.cue_lemma)
    if a.source is not None:
        source = _resolve_source(a, context)
        if (source.kind == "anonymous" and _lived_through(a, context)) or (
                source.kind == "person" and _recounts_own_experience(a, context)):
            witness = Source(source.text, source.start, source.end, kind="witness", canonical=source.canonical,
                             affiliation=source.affiliation)
            if context.resolved and context.resolved[-1][1] is source:  # "... ," he recounted. "...," he added.
                context.resolved[-1] = (context.resolved[-1][0], witness, context.resolved[-1][2])
            source = witness
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


def _resolve_source(a: Draft, context: Context) -> Source:
    assert a.source is not None
    resolve = resolve_speaker_label if a.cue_lemma == ":" else resolve_source  # "PENCE: ...", "PENCE: “...”"
    return resolve(a.source, a.source_head, context)
