"""The rule attributions refined by the learned role tagger (:mod:`.role_tagger`).

* cue spans of rule claims grow over neighbouring tokens the tagger takes for
  cue ("has repeatedly said", "went on to say") and lose edge tokens it rejects;
* rule claims whose cue the tagger strongly rejects are dropped;
* confident learned cues that no rule found (noun cues such as "criticism of",
  "For X, ...", intentions) become claims, with the tagger's source and content
  tokens of the same sentence.

Thresholds were chosen on PolNeAR dev (see docs/benchmarks_attribution.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH
from spacy.tokens import Doc

from claimtrace.extract.attribution import lexicon as lex
from claimtrace.extract.attribution.qualities import assign_qualities, token_lemma
from claimtrace.extract.attribution.sources import is_plausible_source
from claimtrace.extract.attribution.spans import root_within, trim, widen_to_quotes
from claimtrace.extract.attribution.speakers import relayed_speech
from claimtrace.extract.attribution.state import Draft

if TYPE_CHECKING:
    from claimtrace.extract.attribution.state import Context

CUE, SOURCE, CONTENT = 0, 1, 2
MAX_CUE_TOKENS = 6
FRAGMENT_POS = frozenset({"DET", "ADJ", "NUM", "PART"})  # a source run ending on one lacks its noun
MIN_CONTENT_TOKENS = 3  # shorter learned contents are fragments ("a broad"), not claims


def refine(found: list[Draft], context: Context) -> list[Draft]:
    """``found`` adjusted by the tagger, plus the claims of learned cues; unchanged without a tagger."""
    tagger = context.models.role_tagger
    if tagger is None:
        return found
    probabilities = tagger.probabilities(context.doc, context.quotes)
    if probabilities is None:
        return found
    tokens = _TokenIndex(context.doc)
    kept = []
    for attribution in found:
        cue = tokens.range(*attribution.cue)
        if cue is None:
            kept.append(attribution)
            continue
        if _rejected(attribution, probabilities[cue[0]:cue[1], CUE], context.config.drop_cue):
            continue
        if attribution.cue_root is not None:
            attribution.cue = tokens.chars(*_adjust_cue(cue, attribution, probabilities, context, tokens))
        kept.append(attribution)
    kept.extend(_learned_claims(kept, probabilities, context, tokens))
    return kept


def _rejected(attribution: Draft, cue_probabilities: numpy.ndarray, drop_cue: float) -> bool:
    """A verb cue the tagger strongly rejects; seed verbs of conflict news ("rumored", "stressing"),
    rare in the US news the tagger learned from, and light verbs with a reported thing ("gave conflicting
    accounts") always stay."""
    root = attribution.cue_root
    if root is None or root.lower_ in lex.SEED_CUES:
        return False
    if lex.reports_through_object(root, attribution.content_root):
        return False  # "gave a higher number of injured": the rules' light verb with a reported thing stays
    return float(cue_probabilities.max()) < drop_cue


class _TokenIndex:
    """Char offsets <-> token indices of one doc."""

    def __init__(self, doc: Doc) -> None:
        array = doc.to_array([IDX, LENGTH, IS_SPACE, IS_PUNCT]).astype(numpy.int64)
        self.doc = doc
        self.starts = array[:, 0]
        self.ends = array[:, 0] + array[:, 1]
        self.blank = (array[:, 2] | array[:, 3]).astype(bool)  # spaces and punctuation

    def range(self, start: int, end: int) -> tuple[int, int] | None:
        first = int(numpy.searchsorted(self.ends, start, side="right"))
        last = int(numpy.searchsorted(self.starts, end, side="left"))
        return (first, last) if first < last else None

    def chars(self, first: int, last: int) -> tuple[int, int]:
        return int(self.starts[first]), int(self.ends[last - 1])


def _sentence_bounds(context: Context, i: int) -> tuple[int, int]:
    sent = context.sentences[context.sentence_of(int(context.doc[i].idx))]
    return sent.start, sent.end


def _adjust_cue(
    cue: tuple[int, int], a: Draft, probabilities: numpy.ndarray, context: Context, tokens: _TokenIndex
) -> tuple[int, int]:
    doc = context.doc
    start, end = cue
    head = a.cue_root.i if a.cue_root is not None else start
    blocked = _role_tokens(a, tokens)
    low, high = _sentence_bounds(context, head)
    p = probabilities[:, CUE]
    while start > low and end - start < MAX_CUE_TOKENS and p[start - 1] >= context.config.extend_cue and (
        start - 1 not in blocked and not doc[start - 1].is_space
    ):
        start -= 1
    while end < high and end - start < MAX_CUE_TOKENS and p[end] >= context.config.extend_cue and (
        end not in blocked and not doc[end].is_space
    ):
        end += 1
    while start < head and p[start] < context.config.trim_cue:
        start += 1
    while end - 1 > head and p[end - 1] < context.config.trim_cue:
        end -= 1
    return start, end


def _role_tokens(a: Draft, tokens: _TokenIndex) -> set[int]:
    taken: set[int] = set()
    for span in (a.source, a.content, *a.extra_contents):
        if span is None:
            continue
        found = tokens.range(*span)
        if found is not None:
            taken.update(range(*found))
    return taken


def _runs(mask: numpy.ndarray, low: int, high: int) -> list[tuple[int, int]]:
    """Maximal runs [i, j) of True in ``mask[low:high]``."""
    runs = []
    i = low
    while i < high:
        if mask[i]:
            j = i
            while j < high and mask[j]:
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def _learned_claims(
    found: list[Draft], probabilities: numpy.ndarray, context: Context, tokens: _TokenIndex
) -> list[Draft]:
    doc = context.doc
    taken_cues = numpy.zeros(len(doc), dtype=bool)
    for a in found:
        cue = tokens.range(*a.cue)
        if cue is not None:
            taken_cues[cue[0]:cue[1]] = True
    config = context.config
    cue_mask = (probabilities[:, CUE] >= config.extend_cue) & ~taken_cues & ~tokens.blank
    source_mask = probabilities[:, SOURCE] >= config.role_token
    content_mask = probabilities[:, CONTENT] >= config.role_token
    result = []
    for index, sent in enumerate(context.sentences):
        for start, end in _runs(cue_mask, sent.start, sent.end):
            if probabilities[start:end, CUE].max() < config.new_cue or end - start > MAX_CUE_TOKENS:
                continue
            attribution = _learned_attribution(
                (start, end), (sent.start, sent.end), source_mask & ~cue_mask, content_mask, probabilities, context,
            )
            if attribution is not None:
                attribution.sentence = index
                if _reads_as_claim(attribution, found, context):
                    result.append(attribution)
    return result


def _reads_as_claim(a: Draft, found: list[Draft], context: Context) -> bool:
    """Whether a learned claim reads as one: not in the sentence of an "according to" or colon claim
    (whose content it would repeat), a source that can be a speaker, and no aspect verb as cue
    ("has continued", "began") unless the content is quoted ("he continued, “...”").

    Dropping every learned claim inside another claim's content was measured too: it loses the
    nested attributions PolNeAR annotates (source 0.755 -> 0.745 on dev), so only these go.
    """
    if any(f.sentence == a.sentence and (f.form == "according_to" or f.cue_lemma == ":") for f in found):
        return False
    if a.source is not None and not is_plausible_source(a.source, a.source_head, context):
        return False
    return not (a.cue_lemma in lex.ASPECT_LEMMAS and a.form not in ("direct", "mixed"))


def _nearest_run(runs: list[tuple[int, int]], cue: tuple[int, int]) -> tuple[int, int] | None:
    def distance(run: tuple[int, int]) -> int:
        return cue[0] - run[1] if run[1] <= cue[0] else run[0] - cue[1]

    outside = [r for r in runs if r[1] <= cue[0] or r[0] >= cue[1]]
    return min(outside, key=distance) if outside else None


def _same_side(runs: list[tuple[int, int]], nearest: tuple[int, int], cue: tuple[int, int]) -> tuple[int, int]:
    """From the nearest content run to the farthest one on the same side of the cue: the tagger
    often leaves a word or two of a long content below its threshold."""
    if nearest[0] >= cue[1]:
        return nearest[0], max(r[1] for r in runs if r[0] >= cue[1])
    return min(r[0] for r in runs if r[1] <= cue[0]), nearest[1]


def _learned_attribution(
    cue: tuple[int, int], sentence: tuple[int, int], source_mask: numpy.ndarray, content_mask: numpy.ndarray,
    probabilities: numpy.ndarray, context: Context,
) -> Draft | None:
    doc = context.doc
    content_mask = content_mask.copy()
    content_mask[cue[0]:cue[1]] = False
    content_runs = _runs(content_mask, *sentence)
    nearest = _nearest_run(content_runs, cue)
    if nearest is None:
        return None
    content_run = _same_side(content_runs, nearest, cue)
    if content_run[1] - content_run[0] < MIN_CONTENT_TOKENS:
        return None
    content = widen_to_quotes(trim(doc, *content_run), context)
    if content is None:
        return None
    source_runs = [
        r for r in _runs(source_mask, *sentence)
        if r[1] <= content_run[0] or r[0] >= content_run[1]
    ]
    source_run = _nearest_run(source_runs, cue)
    if source_run is not None:
        source_run = _complete_source(doc, source_run, sentence, (cue, content_run))
    source = trim(doc, *source_run) if source_run is not None else None
    cue_chars = (doc[cue[0]].idx, doc[cue[1] - 1].idx + len(doc[cue[1] - 1]))
    # the cue's syntactic root names it ("has continued" is "continue", not "have")
    head = root_within(doc, cue_chars) or doc[cue[0] + int(numpy.argmax(probabilities[cue[0]:cue[1], CUE]))]
    if source is None and lex.is_naming_participle(head):
        return None  # "The program, called EB-5, ...": a name, not a claim of an unnamed source
    if relayed_speech(head) is not None:
        return None  # "TASS quoted a source as saying ...": the claim is the source's, TASS its recipient
    attribution = Draft(
        cue=cue_chars,
        cue_lemma=token_lemma(head),  # the cue lexicon's lemma first: the trained lemmatizer clips some verbs
        cue_root=None,
        source=source,
        source_head=root_within(doc, source) if source is not None else None,
        content=content,
        content_root=root_within(doc, content),
        impersonal=source is None,
    )
    assign_qualities(attribution, context)
    return attribution


def _complete_source(
    doc: Doc, run: tuple[int, int], sentence: tuple[int, int], taken: tuple[tuple[int, int], ...]
) -> tuple[int, int]:
    """A source run that stops at a determiner or modifier ("the", "Other") grows to the noun it
    belongs to ("the campaign", "Other officials"), when that adds no cue or content token."""
    root = next((doc[i] for i in range(*run) if not run[0] <= doc[i].head.i < run[1] or doc[i].head.i == i), None)
    if root is None or root.pos_ not in FRAGMENT_POS or root.head.pos_ not in ("NOUN", "PROPN"):
        return run
    noun = root.head
    start, end = min(run[0], noun.left_edge.i), max(run[1], noun.i + 1)
    if start < sentence[0] or end > sentence[1] or any(start < t[1] and t[0] < end for t in taken):
        return run
    return start, end
