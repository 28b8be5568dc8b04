"""Claims with their sources, cues, certainty and polarity.

:func:`find_claims` reads the dependency parse (UD labels) of a ``Doc`` and
returns one :class:`~claimtrace.model.Claim` per attribution, plus one per
sentence in the author's own voice.

What it finds
    * verb cues: verbs whose P(cue) reaches ``CUE_THRESHOLD`` (from the cue
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
    * relative clauses ("officials who said ...") take the noun they modify;
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

import re

from spacy.tokens import Doc

from claimtrace.extract.attribution.author import author_claims
from claimtrace.extract.attribution.cues import sentence_attributions
from claimtrace.extract.attribution.layout import layout_attributions
from claimtrace.extract.attribution.learned import refine
from claimtrace.extract.attribution.qualities import assign_qualities
from claimtrace.extract.attribution.spans import overlap_test, overlaps, root_within
from claimtrace.extract.attribution.state import Context, Draft
from claimtrace.model import Claim, Cue, EntityGroup, Source, Span

MEASURED = {  # benchmarks/attribution.py on PolNeAR dev, 2026-12-07 (overlap F1): tagger, layout forms, repairs
    "source_overlap_f1": 0.839, "cue_overlap_f1": 0.663, "content_overlap_f1": 0.905, "relation_f1": 0.686,
}


IMPERSONAL_SOURCE = "unnamed source"  # canonical name of "it was reported that ..." sources


# "who asked not to be named": why a source is anonymous, not a claim of it
_ANONYMITY_REQUEST = re.compile(r"(?:not\s+)?to\s+be\s+(?:named|identified|quoted)\b", re.I)


def find_claims(doc: Doc, groups: list[EntityGroup]) -> list[Claim]:
    """All claims of ``doc``: attributions in text order, then interleaved author claims.

    Offsets are character offsets into ``doc.text``; ``Claim.sentence`` is the
    index of the sentence in ``doc.sents``. Needs a parsed doc; an unparsed or
    empty doc yields no claims.
    """
    if not len(doc) or not doc.has_annotation("DEP"):
        return []
    context = Context(doc, groups)
    found: list[Draft] = []
    used_cues: set[int] = set()
    for index, sent in enumerate(context.sentences):
        for attribution in sentence_attributions(sent, context, used_cues):
            attribution.sentence = index
            found.append(attribution)
    found = [a for a in refine(found, context) if not _ANONYMITY_REQUEST.match(context.text, a.content[0])]
    found.extend(_layout_claims(found, context))
    found.extend(_uncued_quotes(found, context))
    found.sort(key=lambda a: (a.sentence, a.cue[0]))
    claims = [_to_claim(a, context) for a in found]
    claims.extend(author_claims(found, context))
    claims.sort(key=lambda c: (c.sentence, c.content.start))
    return claims


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


def _uncued_quotes(found: list[Draft], context: Context) -> list[Draft]:
    """Quoted sentences with no cue: more content of the nearest quoting attribution.

    The nearest is the attribution whose content ends last before the quote in
    the same or the previous sentence, else the first one starting in the next sentence.
    """
    covered = [a.content for a in found]
    quoting = [a for a in found if context.quote_at(a.content[0]) or context.quote_at(a.content[1] - 1)]
    extra: list[Draft] = []
    for start, end in context.quotes:
        if any(overlaps((start, end), c) for c in covered):
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


def _to_claim(a: Draft, context: Context) -> Claim:
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


def _resolve_source(a: Draft, context: Context) -> Source:
    from claimtrace.extract.attribution.sources import resolve_source, resolve_speaker_label

    assert a.source is not None
    resolve = resolve_speaker_label if a.cue_lemma == ":" else resolve_source  # "PENCE: ...", "PENCE: “...”"
    return resolve(a.source, a.source_head, context)
