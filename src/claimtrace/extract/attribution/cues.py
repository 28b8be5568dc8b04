"""Cues in a sentence: reporting verbs, raising verbs, "according to" and colon cues, each with its source and content.

Misses: many noun and adjective cues and the function words of long cues ("said in a statement on
Monday", "voted in favor of"), left to the role tagger. Figures: docs/benchmarks_attribution.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from claimtrace.extract.attribution import lexicon as lex
from claimtrace.extract.attribution.contents import (
    CUE_PREPOSITIONS,
    content_of,
    cut_before_continuation,
    summary_opening,
)
from claimtrace.extract.attribution.qualities import assign_qualities, token_lemma
from claimtrace.extract.attribution.quotes import QUOTE_CHARS
from claimtrace.extract.attribution.reporting import REPORTED_NOUNS, SPEECH_LEMMAS
from claimtrace.extract.attribution.scoring import DOCUMENT_WORDING
from claimtrace.extract.attribution.spans import (
    by_agent,
    is_passive,
    overlaps,
    past_apposition,
    phrase_head,
    phrase_span,
    root_within,
    subject_of,
    token_range,
    trim,
    widen_to_quotes,
)
from claimtrace.extract.attribution.speakers import (
    TIME_WORDS,
    content_to_speaker,
    quoted_after,
    recipient_span,
    relay_recipient,
    relayed_speech,
    source_of,
)
from claimtrace.extract.attribution.state import Draft

if TYPE_CHECKING:
    from claimtrace.extract.attribution.state import Context


MEDIUM_NOUNS = lex.words("statement interview release post tweet email letter speech op-ed briefing conference")


# "going according to plan": how, not who
MANNER_NOUNS = lex.words("plan plans schedule script tradition custom expectation expectations")


def sentence_attributions(sent: SpacySpan, context: Context, used: set[int]) -> list[Draft]:
    found = []
    doc = sent.doc
    for i in range(sent.start, sent.end):
        if i in used:
            continue
        if i not in context.candidates:
            if i in context.light_verbs:
                attribution = _nominal_cue(doc[i], context)
            elif i in context.claim_nouns:
                attribution = _claim_noun(doc[i], context)
            else:
                continue
            if attribution is not None:
                used.add(i)
                found.append(attribution)
            continue
        token = doc[i]
        attribution = None
        if token.lower_ == "according" and token.i + 1 < len(token.doc) and token.nbor().lower_ == "to":
            attribution = _according_to(token, sent, context)
        elif token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB") or token.lower_ in DOCUMENT_WORDING:
            attribution = _verb_cue(token, sent, context)
            if attribution is None and i in context.light_verbs:
                attribution = _nominal_cue(token, context)  # "officials have released death tolls ranging from ..."
        elif token.text == ":":
            attribution = _colon_cue(token, sent, context)
        if attribution is None and i in context.claim_nouns:
            attribution = _claim_noun(token, context)  # ("claims" is a seed cue as a verb)
        if attribution is not None:
            used.add(token.i)
            found.append(attribution)
    return found


def _cue_entry(token: Token, context: Context) -> lex.CueEntry | None:
    p = context.cue_p.get(token.i)
    if p is None:
        return None
    known = context.lexicon.get(token.lower_)
    lemma = known.lemma if known else (token.lemma_.lower() or token.lower_)
    return lex.CueEntry(lemma, p, known.count if known else 0)


def _verb_cue(verb: Token, sent: SpacySpan, context: Context) -> Draft | None:
    if verb.lower_ in lex.RAISING_FORMS and is_passive(verb) and _raising_target(verb) is not None:
        lemma = token_lemma(verb)
        return _raising(verb, lex.CueEntry(lemma, 1.0, 0), sent, context)
    entry = _cue_entry(verb, context)
    if entry is None:
        return None
    if verb.dep_ in ("amod", "compound") or (verb.tag_ in ("JJ", "NN", "NNS") and verb.lower_ not in DOCUMENT_WORDING):
        return None  # (the tagger may call "read" of "the statement read" a noun; its subject says it is not)
    if lex.is_naming_participle(verb) or relayed_speech(verb) is not None:
        return None  # a name; "TASS quoted a source as saying ...": the claim is the source's
    reduced = _reduced_passive(verb)
    if reduced is not None:
        return reduced
    content = content_of(verb, entry, sent, context)
    if content is None:
        return None
    (c_start, c_end), content_root, _ = content
    c_end = cut_before_continuation(verb.doc, c_start, c_end, verb, context)
    cue = _cue_span(verb)
    if cue[0] <= c_start < cue[1] < c_end:  # "declined to | comment": the cue took the "to"
        gap = context.text[cue[1]:c_end]
        c_start = cue[1] + len(gap) - len(gap.lstrip())
    source_head, source_range, impersonal = source_of(verb, context)
    quoted = quoted_after(verb, c_end)
    if quoted is not None and source_range is not None:  # "“...,” TASS cites a rescue official": the official's
        source_head, source_range = quoted, phrase_span(quoted)
    summed_up = _summing_up_speaker(verb, sent) if content_root is not None and c_end <= sent.start_char else None
    if summed_up is not None:
        (source_head, source_range), impersonal = summed_up, False
    if source_head is None and not impersonal:
        return None
    if source_head is not None and source_head.lower_ in ("this", "that", "which", "these", "those") and not (
            source_head.lower_ in ("which", "that") and verb.dep_ in ("acl:relcl", "relcl")
            and verb.head.pos_ in ("PROPN", "NOUN") and (verb.head.ent_type_ in ("ORG", "PER", "GPE", "LOC", "NORP")
                                                           or verb.head.lower_ in lex.ORGANIZATION_HEADS)):
        return None  # (but "the militant group, which denied blame": the group speaks)
    if source_range and source_head is not None and source_head.dep_ == "conj" and c_end < source_range[0]:
        c_end = content_to_speaker(verb.doc, c_start, c_end, source_range[0], verb)  # a buried speaker
    if source_range and overlaps(source_range, (c_start, c_end)):
        if not c_start < source_range[0]:
            return None
        cut = trim(verb.doc, *token_range(verb.doc, c_start, source_range[0]))
        if cut is None:
            return None
        c_start, c_end = cut
    attribution = Draft(
        cue=cue,
        cue_lemma=entry.lemma,
        cue_root=verb,
        source=source_range,
        source_head=source_head,
        content=(c_start, c_end),
        content_root=content_root,
        recipient=relay_recipient(verb) or recipient_span(verb, (c_start, c_end)),
        impersonal=impersonal,
    )
    assign_qualities(attribution, context)
    return attribution


def _summing_up_speaker(verb: Token, sent: SpacySpan) -> tuple[Token, tuple[int, int]] | None:
    """ "This is what residents of the valley told the radio": the speaker stands between "what" and the cue."""
    what = summary_opening(sent)
    if what is None or what >= verb.i:
        return None
    noun = next((t for t in verb.doc[what + 1:verb.i] if t.pos_ in ("NOUN", "PROPN", "PRON")), None)
    stop = verb.i
    while stop - 1 > what and verb.doc[stop - 1].pos_ in ("AUX", "ADV", "PUNCT"):
        stop -= 1
    span = trim(verb.doc, what + 1, stop)
    return (noun, span) if noun is not None and span is not None else None


HOLDER_DEPS = frozenset({"nmod:poss", "poss"})


def _claim_noun(noun: Token, context: Context) -> Draft | None:
    """A claim noun with its "that" clause: the holder (a possessor, a nationality or name before the noun, an
    agent "by X") claims the clause; unnamed "reports" speak as unnamed reports."""
    if noun.pos_ != "NOUN" or context.quote_at(noun.idx) is not None:
        return None
    clause = next((c for c in noun.children if c.dep_ in ("acl", "acl:relcl", "ccomp") and c.i > noun.i
                   and _that_clause(c)), None)
    if clause is None:  # "accusations by X and its allies that ...", the clause hung on the agent by the parser
        agents = [c for c in noun.children if c.dep_ == "nmod" and c.i > noun.i and any(
            g.lower_ == "by" and g.dep_ == "case" for g in c.children)]
        clause = next((c for a in agents for m in [a, *a.conjuncts] for c in m.children
                       if c.dep_ in ("acl", "acl:relcl") and c.i > m.i and _that_clause(c, relative=True)), None)
    if clause is None:
        return None
    doc = noun.doc
    holder = next((c for c in noun.children if c.dep_ in HOLDER_DEPS and c.pos_ in ("PROPN", "NOUN")), None)
    if holder is None:
        holder = next((c for c in noun.children if c.i < noun.i and c.dep_ in ("amod", "compound")
                       and c.ent_type_ in ("NORP", "MISC", "GPE", "LOC", "ORG") and c.text[:1].isupper()), None)
    if holder is None:
        holder = next((c for c in noun.children if c.dep_ == "nmod" and c.i > noun.i and any(
            g.lower_ == "by" and g.dep_ == "case" for g in c.children)), None)
    if holder is not None:
        source = phrase_span(holder, skip_case=True) if holder.i > noun.i else trim(doc, holder.left_edge.i, holder.i + 1)
    elif noun.lower_ == "reports" and not any(c.dep_ == "det" for c in noun.children):
        holder, source = noun, (noun.idx, noun.idx + len(noun))  # unnamed reports
    else:
        return None
    content = trim(doc, clause.left_edge.i, clause.right_edge.i + 1)
    if source is not None and content is not None and source[0] < content[0] < source[1]:
        source = trim(doc, *token_range(doc, source[0], content[0]))  # the agent less the clause hung on it
    if source is None or content is None:
        return None
    lemma = noun.lemma_.lower()
    attribution = Draft(cue=(noun.idx, noun.idx + len(noun)), cue_lemma=lemma, cue_root=None, source=source,
                        source_head=holder, content=widen_to_quotes(content, context) or content,
                        content_root=clause)
    assign_qualities(attribution, context)
    return attribution


def _that_clause(clause: Token, relative: bool = False) -> bool:
    """A clause opening with a complementizer "that" and with a subject of its own ("that the troops had mined
    the bridge"). With ``relative``, a clause the parser read as relative counts only when "that" cannot be
    its relative pronoun: a mark, or an object beside the verb's own ("that the troops had mined the bridge")."""
    that = next((c for c in clause.children if c.lower_ == "that" and c.i == clause.left_edge.i), None)
    if that is None or not any(x.dep_ in ("nsubj", "nsubj:pass") and x.i != that.i for x in clause.children):
        return False
    if that.dep_ == "mark":
        return True
    return relative and that.dep_ in ("obj", "dobj") and any(
        c.dep_ in ("obj", "dobj", "ccomp") and c.i != that.i for c in clause.children)


def _nominal_cue(verb: Token, context: Context) -> Draft | None:
    """A light verb whose object is a reported thing with a complement or a modifier ("Medics gave conflicting
    accounts of the toll", "X has published photos of damaged houses"): the subject's claim, the object phrase
    and what follows it in the clause its content. "issued a statement" says nothing yet; "offered no evidence"
    and a negated verb claim nothing."""
    if verb.pos_ != "VERB":
        return None
    obj = next((c for c in verb.children if c.dep_ in ("obj", "dobj") and c.i > verb.i), None)
    if obj is None or obj.lower_ not in REPORTED_NOUNS or context.quote_at(verb.idx) is not None:
        return None
    if any(c.dep_ == "det" and c.lower_ in ("no", "any") for c in obj.children) or any(
            c.dep_ in ("neg", "advmod") and c.lower_ in lex.NEGATIONS for c in verb.children):
        return None  # (and "has yet to provide any evidence", "failed to offer any proof")
    if not any(c.dep_ not in ("det", "nmod:poss", "punct", "case") for c in obj.children):
        return None
    source_head, source_range, _ = source_of(verb, context)
    if source_head is None or source_range is None or source_head.pos_ not in ("NOUN", "PROPN", "PRON"):
        return None
    if source_head.i > verb.i or obj.left_edge.idx <= source_range[0] < obj.right_edge.idx + len(obj.right_edge):
        return None  # the object is what is reported, never who reports it
    span = trim(verb.doc, obj.left_edge.i, max(obj.right_edge.i, verb.right_edge.i) + 1)
    if span is None:
        return None
    attribution = Draft(
        cue=_cue_span(verb),
        cue_lemma=token_lemma(verb),
        cue_root=verb,
        source=source_range,
        source_head=source_head,
        content=widen_to_quotes(span, context) or span,
        content_root=obj,
    )
    assign_qualities(attribution, context)
    return attribution


REDUCED_PASSIVE_LEMMAS = lex.words(
    "announce echo report claim cite allege confirm deny dispute reject publish release issue quote state "
    "repeat reiterate voice make express"
)


def _reduced_passive(verb: Token) -> Draft | None:
    """ "a claim echoed by the president", "the 471 announced by the ministry": a participle of speech with its
    agent, modifying the noun of what was said; the agent's claim, the noun phrase (without the participle) its
    content."""
    doc = verb.doc
    if verb.tag_ != "VBN" or verb.dep_ not in ("acl", "advcl") or verb.head.i >= verb.i or verb.i == 0:
        return None
    noun = verb.head if verb.dep_ == "acl" else doc[verb.i - 1]  # (an advcl: the parser hung it on the clause)
    if noun.pos_ not in ("NOUN", "NUM", "PROPN") or (verb.dep_ == "advcl" and noun.i != verb.i - 1):
        return None
    if verb.lemma_.lower() not in REDUCED_PASSIVE_LEMMAS or any(c.dep_ in ("aux", "aux:pass", "nsubj", "nsubj:pass")
                                                                 for c in verb.children):
        return None
    agent = by_agent(verb)
    if agent is None or agent.pos_ not in ("NOUN", "PROPN", "PRON"):
        return None
    if verb.dep_ == "acl":
        start, end = noun.left_edge.i, verb.left_edge.i
    else:  # the noun phrase right before the participle
        start, end = noun.i, verb.i
        while start > 0 and doc[start - 1].pos_ in ("DET", "ADJ", "NUM", "NOUN", "PROPN") and not doc[start - 1].is_space:
            start -= 1
    while start < noun.i and doc[start].pos_ in ("ADP", "SCONJ", "PUNCT"):
        start += 1
    span = trim(doc, start, end)
    source = phrase_span(agent, skip_case=True)
    if span is None or source is None:
        return None
    return Draft(cue=_cue_span(verb), cue_lemma=verb.lemma_.lower(), cue_root=verb, source=source,
                 source_head=agent, content=span, content_root=noun)


def _raising_target(verb: Token) -> Token | None:
    """The infinitive of "X is said to ...": the xcomp child of a passive raising verb."""
    for child in verb.children:
        if child.dep_ == "xcomp" and child.i > verb.i:
            return child
    return None


def _raising(verb: Token, entry: lex.CueEntry, sent: SpacySpan, context: Context) -> Draft | None:
    """ "X is said to ..." -> an impersonal hedged attribution of "X ... to ..." (no source).

    When the infinitive is itself a cue ("are rumored to have reported"), the
    inner cue makes the claim (with X as source) and this passive only hedges it.
    """
    target = _raising_target(verb)
    subject = subject_of(verb)
    if subject is None and verb.dep_ == "conj" and verb.head.i < verb.i:
        subject = subject_of(verb.head)  # "X remain unclear but are rumored to be ...": the subject they share
    if target is None or subject is None:
        return None
    if _cue_entry(target, context) is not None:
        return None
    start = min(subject.left_edge.i, target.left_edge.i)
    end = max(subject.right_edge.i, target.right_edge.i) + 1
    span = trim(verb.doc, start, end)
    if span is None:
        return None
    attribution = Draft(
        cue=_cue_span(verb),
        cue_lemma=entry.lemma,
        cue_root=verb,
        source=None,
        source_head=None,
        content=span,
        content_root=target,
        impersonal=True,
    )
    assign_qualities(attribution, context)
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


def _according_to(token: Token, sent: SpacySpan, context: Context) -> Draft | None:
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
    noun = next((t for t in reversed(doc[to.i + 1:source_end])
                 if t.pos_ in ("NOUN", "PROPN", "PRON") and not t.is_space), None)  # a paragraph break may be "PROPN"
    if next((t.lower_ for t in doc[to.i + 1:source_end] if t.pos_ != "DET"), "") in MANNER_NOUNS:
        return None  # "going according to plan" says how, not who
    head = phrase_head(noun, to.i + 1, source_end) if noun is not None else None
    source_end = past_apposition(doc, to.i + 1, source_end, sent.end)
    source = trim(doc, to.i + 1, source_end)
    before = trim(doc, sent.start, token.i)
    after = trim(doc, source_end, sent.end)
    quote = context.quote_at(token.idx)
    if quote is not None and after is not None and after[1] > quote[1]:
        after = trim(doc, source_end, doc.char_span(quote[0], quote[1], alignment_mode="expand").end)
        # ("“According to our intelligence, X happened,” Y said": Y's words end with the quotation)
    speech = _inner_speech(doc, sent.start, token.i, context)
    if speech is not None:  # "X said Y, according to Z" / "X said a strike, killing 200 according to Z, was ...":
        before = trim(doc, speech + 1, token.i)  # Z vouches for what X said, not for X saying it
    if before is not None and after is not None:
        content = before if before[1] - before[0] > after[1] - after[0] else after
    else:
        content = before or after
    if source is None or content is None:
        return None
    content_root = root_within(doc, content) or sent.root
    attribution = Draft(
        cue=(token.idx, to.idx + len(to)),
        cue_lemma="according to",
        cue_root=None,
        source=source,
        source_head=head,
        content=widen_to_quotes(content, context) or content,
        content_root=content_root,
        form="according_to",
    )
    assign_qualities(attribution, context)
    return attribution


def _inner_speech(doc, start: int, end: int, context: Context) -> int | None:  # noqa: ANN001
    """The last verb of speech with its own subject in tokens [start, end) (the cue of another speaker the
    "according to" phrase follows), skipping a "that" after it; None when there is none."""
    for i in range(end - 1, start - 1, -1):
        verb = doc[i]
        if (i not in context.cue_p or verb.pos_ != "VERB" or context.quote_at(verb.idx) is not None
                or verb.lemma_.lower() not in SPEECH_LEMMAS):
            continue  # (a finding, "evidence suggests X, according to Z", is Z's own claim)
        subject = subject_of(verb)
        if subject is None or not start <= subject.i < verb.i:
            continue
        last = i
        while last + 1 < end and (doc[last + 1].lower_ == "that" or doc[last + 1].pos_ in ("ADP", "PROPN", "NOUN")
                                  and doc[last + 1].head.i == verb.i and doc[last + 1].lower_ in TIME_WORDS):
            last += 1
        return last if last + 1 < end else None
    return None


def _colon_cue(colon: Token, sent: SpacySpan, context: Context) -> Draft | None:
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
    source = trim(doc, sent.start, colon.i)
    if quote is None or source is None:
        return None
    head = before.root
    attribution = Draft(
        cue=(colon.idx, colon.idx + 1),
        cue_lemma=":",
        cue_root=None,
        source=source,
        source_head=head,
        content=quote,
        content_root=None,
        form="direct",
    )
    assign_qualities(attribution, context)
    return attribution
