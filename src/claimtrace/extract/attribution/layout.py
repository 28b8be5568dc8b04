"""Attributions that the layout of a line makes, with no verb: speaker labels and quote bylines.

* **Speaker labels**: a line that opens with a name and a colon ("PENCE: Gennifer
  Flowers will not be attending ...", a transcript turn; "Kremlin: No plans to
  leave Syria", a headline; in "Lavrov on Syria: ..." the speaker is the part
  before "on"). The colon is the cue, the label the source and the rest of the
  line the content. A label is a name (a person entity, one proper noun, an
  organization name of at most four proper nouns) or a phrase headed by a noun
  of a known source kind ("Poll:", "Syrian Observatory for Human Rights:").
  Not speakers: section labels ("Update:", "Editor's note:", "Photo:"), dates,
  one-letter labels ("Q:", "A:"), phrases with a verb, pronoun or conjunction
  ("He added:" is a verb cue, read elsewhere), title-case kickers the NER takes
  for organizations ("Stealth Over Health:"), places heading a list ("Iowa:"),
  and contents of fewer than two words ("Clinton: 1,769."). A lone word in
  capitals ("BOOM:") counts only when it ends the name of a person of the
  article or when two such lines make a transcript.
* **Quote bylines**: a quotation followed on its line by a dash and a name
  ("“Maybe we can build a wall around him.” ― Steve Quinlan"), as under reader
  comments and epigraphs. The dash is the cue, the name (to the end of the line,
  a final full stop dropped; no finite verb) the source, the quotation the content.

Both read the text's lines, so a label the sentence splitter cut off from its
line ("PENCE:" as a sentence of its own) is still read whole. A transcript turn
that runs over several paragraphs keeps only its first paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from claimtrace.extract.attribution import lexicon as lex
from claimtrace.extract.attribution.sources import person_named_by

MAX_LABEL_WORDS = 5
MAX_BYLINE_WORDS = 8
MIN_CONTENT_WORDS = 2
MAX_ORG_WORDS = 4  # longer title-case "organizations" are headlines the tagger misread
# words that open a line as a section label, not as a speaker
SECTION_LABELS = lex.words(
    "note notes update updated editor editors correction corrections clarification photo photos photograph "
    "image images picture pictures video videos watch listen read related see source sources credit credits "
    "caption disclaimer warning exclusive breaking opinion analysis live explainer factbox fact facts "
    "tags tag topics topic share email tel phone fax address subscribe follow contact date time location "
    "advertisement sponsored summary background context keywords category published posted filed more "
    "also previously recommended trending sign join download reporting writing additional question answer "
    "headline title subject re fw from to cc bcc byline contributing contributors focus twitter facebook "
    "instagram youtube telegram look wow boom busted bombshell shocking must name notice age"
)
# head nouns of a known source kind speak for themselves or an institution ("Poll: ...", "Ministry: ...")
SPEAKING_NOUNS = (
    lex.ANONYMOUS_HEADS | lex.WITNESS_HEADS | lex.MEDIA_HEADS | lex.DOCUMENT_HEADS | lex.GOVERNMENT_HEADS
    | lex.SPOKESPERSON_HEADS | lex.ORGANIZATION_HEADS | lex.PERSON_HEADS
)
DASHES = "―—–"
_LABEL_LINE = re.compile(r"""^[ \t"“”'‘’]*(?P<label>[^\W\d_][^:\n]{0,60}?)[ \t]*:[ \t]+(?P<rest>\S[^\n]*)""", re.M)
_WORD = re.compile(r"[^\W\d_]{2,}")
_BYLINE = re.compile(rf"""[ \t\u00a0]*(?P<dash>[{DASHES}]|--)[ \t\u00a0]*(?P<name>[^\W\d_][^\n]*)""")


@dataclass(frozen=True)
class LayoutAttribution:
    """Char spans (start, end) of one attribution made by layout; ``kind`` is "label" or "byline"."""

    cue: tuple[int, int]
    source: tuple[int, int]
    content: tuple[int, int]
    kind: str


def layout_attributions(doc: Doc, text: str, quotes: list[tuple[int, int]]) -> list[LayoutAttribution]:
    """Speaker labels and quote bylines of ``doc`` (whose text is ``text``), in text order.

    ``quotes`` are the quotation regions of the text (see ``quote_regions``).
    """
    found = [*speaker_labels(doc, text), *quote_bylines(doc, text, quotes)]
    return sorted(found, key=lambda a: a.cue)


def speaker_labels(doc: Doc, text: str) -> list[LayoutAttribution]:
    """ "NAME: what they said" lines. A one-word label in capitals ("PENCE:") counts when it
    ends the name of a person of the article or when at least two lines of the article open with
    such labels (a transcript); alone and nameless it is a headline's shout ("BOOM:", "BUSTED:")."""
    found: list[LayoutAttribution] = []
    shouted: list[LayoutAttribution] = []
    for line in _LABEL_LINE.finditer(text):
        label_start, label_end = line.span("label")
        colon = text.index(":", label_end)
        topic = text.find(" on ", label_start, label_end)  # "Obama on Climate Change: ..."
        if topic > label_start and _speaker_at(doc, label_start, topic):
            label_end = topic
        elif not _speaker_at(doc, label_start, label_end):
            continue
        content = _strip_end(text, line.start("rest"), line.end("rest"))
        if len(_WORD.findall(text, *content)) < MIN_CONTENT_WORDS:
            continue  # "Clinton: 1,769." is a tally, "Twitter: @name" a handle
        label = text[label_start:label_end]
        attribution = LayoutAttribution((colon, colon + 1), (label_start, label_end), content, "label")
        shouts = label.isupper() and " " not in label and person_named_by(label, doc.ents) is None
        (shouted if shouts else found).append(attribution)
    if len(shouted) >= 2:
        found.extend(shouted)
    return found


def quote_bylines(doc: Doc, text: str, quotes: list[tuple[int, int]]) -> list[LayoutAttribution]:
    """ "“...” ― Name" : a quotation, then a dash and a name that end the line."""
    found = []
    for start, end in quotes:
        byline = _BYLINE.match(text, end)
        if byline is None:
            continue
        name_start = byline.start("name")
        name_end = _strip_end(text, name_start, byline.end("name"), strip=" \t\u00a0.")[1]
        name = doc.char_span(name_start, name_end, alignment_mode="expand")
        if name is None or not _is_byline_name(name):
            continue
        found.append(LayoutAttribution(byline.span("dash"), (name_start, name_end), (start, end), "byline"))
    return found


def _speaker_at(doc: Doc, start: int, end: int) -> bool:
    label = doc.char_span(start, end, alignment_mode="expand")
    return label is not None and _is_speaker(label)


def _is_speaker(label: SpacySpan) -> bool:
    """A name ("Pat Caddell", "PENCE", "Lavrov") or a phrase headed by a noun of a known source kind
    ("Poll", "Russian Defense Ministry"). Not a kicker that only looks like a name ("Stealth Over
    Health", "Little Relief for Refugees", "Netanyahu and Obama"), a place heading a list ("Iowa:"),
    a section label, a date, or a clause ("He added:", a verb cue read elsewhere)."""
    words = [t for t in label if not t.is_punct and not t.is_space and t.lower_ not in ("'s", "’s")]
    if not words or len(words) > MAX_LABEL_WORDS or len(label.text) < 2:
        return False
    if {t.lower_ for t in words} & (SECTION_LABELS | lex.TIME_NOUNS):
        return False
    if any(t.pos_ in ("VERB", "AUX", "CCONJ", "PRON") and not t.is_upper for t in words):
        return False
    head = label.root
    if head.lower_ in SPEAKING_NOUNS:
        return True  # "Syrian Observatory for Human Rights"
    if any(t.pos_ == "ADP" and t.lower_ != "of" for t in words):
        return False  # "Bank of America" is a name, "Stealth Over Health" a kicker
    if not all(t.pos_ == "PROPN" or t.is_upper or t.ent_type_ for t in words):
        return False
    entity = _whole_entity(label)
    if entity == "PER" or (entity == "ORG" and len(words) <= MAX_ORG_WORDS):
        return True
    return len(words) == 1 and entity != "LOC"


def _whole_entity(label: SpacySpan) -> str | None:
    """The label of the one named entity that is the whole of ``label``, else None."""
    ents = [e for e in label.doc.ents if e.start < label.end and label.start < e.end]
    if len(ents) == 1 and ents[0].start <= label.start and ents[0].end >= label.end:
        return ents[0].label_
    return None


def _is_byline_name(name: SpacySpan) -> bool:
    words = [t for t in name if not t.is_punct and not t.is_space]
    if not words or len(words) > MAX_BYLINE_WORDS or not words[0].is_title and not words[0].is_upper:
        return False
    if any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in words):
        return False  # "“...” — Reuters reported." is a post-posed verb cue
    return any(t.pos_ == "PROPN" or t.ent_type_ in ("PER", "ORG") for t in words)


def _strip_end(text: str, start: int, end: int, strip: str = " \t\u00a0") -> tuple[int, int]:
    while end > start and text[end - 1] in strip:
        end -= 1
    return start, end
