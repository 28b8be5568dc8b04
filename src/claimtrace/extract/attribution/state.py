"""The state of one doc's attribution pass: :class:`Draft` (an attribution being built) and :class:`Context`
(what every step needs about the doc: sentences, quotations, cue scores, resolved sources so far).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy
from spacy.attrs import DEP, LOWER, SENT_START
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimtrace.extract.attribution import lexicon as lex
from claimtrace.extract.attribution.config import AttributionConfig, AttributionModels
from claimtrace.extract.attribution.scoring import label_hashes
from claimtrace.extract.attribution.spans import SUBJECTS
from claimtrace.extract.doctext import doc_text
from claimtrace.extract.entities import canonical_by_span
from claimtrace.model import EntityGroup, Source


@dataclass
class Draft:
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


class Context:
    """What every step needs about one doc, computed once from token arrays (creating
    ``Token`` objects for every word would cost more than the rest of the work); the doc's
    quotations and cue scores come from the stages before (:func:`.claims.read_doc`)."""

    def __init__(
        self,
        doc: Doc,
        groups: list[EntityGroup],
        config: AttributionConfig,
        models: AttributionModels,
        *,
        quotes: list[tuple[int, int]],
        cue_p: dict[int, float],
        lexicon: dict[str, lex.CueEntry],
    ) -> None:
        self.doc = doc
        self.config, self.models = config, models
        self.text = doc_text(doc)
        array = doc.to_array([LOWER, DEP, SENT_START])
        self.lower, self.dep = array[:, 0], array[:, 1]
        self.comma = doc.vocab.strings[","]
        starts = [0, *(int(i) for i in numpy.flatnonzero(array[1:, 2] == 1) + 1)]
        self.sentences = [doc[a:b] for a, b in zip(starts, [*starts[1:], len(doc)], strict=True)]
        self.sentence_starts = [s.start_char for s in self.sentences]
        self.quotes = quotes
        self.quote_starts = [s for s, _ in self.quotes]
        self.canonical_by_span = canonical_by_span(doc, groups)
        self.lexicon = lexicon
        self.cue_p = cue_p
        self.candidates = set(self.cue_p) | set(
            numpy.flatnonzero(numpy.isin(self.lower, label_hashes(doc, ["according", ":", *lex.RAISING_FORMS]))).tolist()
        )
        # the indices of the tokens that are light verbs, of those that are claim nouns
        self.light_verbs = frozenset(numpy.flatnonzero(numpy.isin(self.lower, label_hashes(doc, lex.LIGHT_VERB_FORMS))).tolist())
        self.claim_nouns = frozenset(numpy.flatnonzero(numpy.isin(self.lower, label_hashes(doc, lex.CLAIM_NOUN_FORMS))).tolist())
        self.subjects = numpy.isin(self.dep, label_hashes(doc, SUBJECTS | {"expl"}))
        # (char offset, source, head word) of the sources resolved so far, in text order
        self.resolved: list[tuple[int, Source, str]] = []
        # quotation -> (source span, source head) of the claim that says it (set once the claims are found)
        self.quote_speakers: dict[tuple[int, int], tuple[tuple[int, int], Token | None]] = {}
        # person (lower-case canonical name) -> "m" / "f" by a courtesy title before a name (read once, lazily)
        self.titled_genders: dict[str, str] | None = None
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


def known_cue(verb: Token, context: Context, floor: float = 0.0) -> bool:
    """Whether the lexicon has seen the form as a cue often enough to trust a loose structure
    (a bare object, or a sentence the cue is merely appended to) as its content."""
    entry = context.lexicon.get(verb.lower_)
    return entry is not None and entry.p >= max(floor, context.config.lexicon_floor)
