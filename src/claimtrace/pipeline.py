"""From an Article to its Analysis: language check, chunking, the spaCy pipeline.

Long texts are cut into chunks at paragraph (else sentence, else word)
boundaries so spaCy never sees more than ``CHUNK_CHARS`` characters at once
and memory stays bounded; offsets are shifted back into ``Article.text``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from typing import Any

from claimtrace.errors import InputError, UnsupportedLanguageError
from claimtrace.extract.doctext import doc_text, keep_text
from claimtrace.extract.frames import attach_frames
from claimtrace.model import Analysis, Article, PartialDate, Sentence, Span
from claimtrace.sanitize import clean_optional, clean_text

CHUNK_CHARS = 20_000
_LANGUAGE_SAMPLE = 5_000
_MIN_LANGUAGE_CONFIDENCE = 0.5
_FEW_WORDS = 15  # below this many lower-case words, a refusal needs the surer confidence below
_MIN_CONFIDENCE_FEW_WORDS = 0.9


def analyze(
    text: str,
    title: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    *,
    force: bool = False,
) -> Analysis:
    """Analyse one article's text: sentences, entities, places, dates and claims.

    ``published`` (ISO date) anchors relative dates; without it dates stay
    unresolved. Raises :class:`InputError` for empty text and
    :class:`UnsupportedLanguageError` for non-English text unless ``force``.
    """
    article = Article(text=text, title=title, published=published, outlet=outlet, url=url)
    return analyze_article(article, force=force)


def analyze_article(
    article: Article, *, force: bool = False, on_chunk: Callable[[int, int], None] | None = None
) -> Analysis:
    """Analyse ``article`` (see :func:`analyze`); its text and metadata are cleaned first
    (:func:`claimtrace.sanitize.clean_text`: same length, so offsets hold for the given text too).
    ``on_chunk(characters done, total)`` is called after each chunk (a progress display)."""
    if not isinstance(article.text, str) or not article.text.strip():
        raise InputError("the article has no text")
    _clean_article(article)
    article.language = check_language(article.text, force=force)

    from claimtrace.nlp import load_pipeline

    nlp = load_pipeline()
    analysis = Analysis(article=article)
    chunks = list(chunk_offsets(article.text))
    docs = (_make_doc(nlp, article.text[s:e], article.published) for s, e in chunks)
    for (offset, _), doc in zip(chunks, nlp.pipe(docs, batch_size=8), strict=True):
        first_sentence = len(analysis.sentences)
        first_claim, first_event = len(analysis.claims), len(analysis.events)
        groups = doc._.entity_groups or []
        chunk_text = article.text[offset : offset + len(doc_text(doc))]
        layer = {
            "sentences": [_trimmed(chunk_text, s.start_char, s.end_char) for s in doc.sents],
            "entities": doc._.entities or [],
            "entity_groups": groups,
            "places": doc._.places or [],
            "dates": doc._.dates or [],
            "claims": doc._.claims or [],
            "events": doc._.events or [],
            "casualties": doc._.casualties or [],
        }
        for claim in layer["claims"]:
            claim.sentence += first_sentence
        _renumber(layer["events"] + layer["casualties"], first_sentence, first_claim, first_event)
        for name, items in layer.items():
            getattr(analysis, name).extend(shift(item, offset) for item in items)
        if on_chunk is not None:
            on_chunk(offset + len(chunk_text), len(article.text))
    _merge_entity_groups(analysis)
    attach_frames(analysis)
    return analysis


def _renumber(items: list[Any], first_sentence: int, first_claim: int, first_event: int) -> None:
    """Indexes of a chunk's events and casualties made relative to the whole article."""
    for item in items:
        item.sentence += first_sentence
        if item.claim is not None:
            item.claim += first_claim
        if getattr(item, "event", None) is not None:
            item.event += first_event


def _clean_article(article: Article) -> None:
    article.text = clean_text(article.text)
    for name in ("title", "outlet", "url"):
        setattr(article, name, clean_optional(getattr(article, name)))


def _trimmed(text: str, start: int, end: int) -> Sentence:
    """A sentence without the surrounding whitespace spaCy attaches to it."""
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    return Sentence(start + lead, max(start + lead, start + len(piece.rstrip())))  # blank: empty, not reversed


def _make_doc(nlp, text: str, published: PartialDate | None):  # noqa: ANN001, ANN202
    doc = keep_text(nlp.make_doc(text), text)
    doc._.published = published
    return doc


def check_language(text: str, *, force: bool = False) -> str:
    """Return the ISO 639-1 code of ``text``; non-English is an error unless ``force``.

    The language is read from the words that are neither capitalised nor numbers: names and scores
    belong to no language, and a table of Dutch club names with English headings is English. With
    few such words in Latin script the classifier must be surer before the text is refused. How often English
    documents are refused: ``benchmarks/language.py``, figures in docs/benchmarks_hardening.md.
    """
    sample = text[:_LANGUAGE_SAMPLE]
    if not re.search(r"[^\W\d_]{2,}", sample):
        raise InputError("the text contains no words")
    evidence = _language_evidence(sample)
    language, confidence = _classify(" ".join(evidence) if evidence else sample)
    few_latin_words = len(evidence) < _FEW_WORDS and _mostly_latin(evidence)
    needed = _MIN_CONFIDENCE_FEW_WORDS if few_latin_words else _MIN_LANGUAGE_CONFIDENCE
    if language != "en" and confidence >= needed and not force:
        raise UnsupportedLanguageError(
            f"the text looks like language '{language}', not English; only English is supported "
            "(use --force to analyse it anyway)"
        )
    return language


def _mostly_latin(words: list[str]) -> bool:
    """Whether most letters are Latin: another script is evidence enough on its own."""
    letters = "".join(words)
    return sum(1 for ch in letters if ch < "\u0250") * 2 >= len(letters)


def _language_evidence(sample: str) -> list[str]:
    """The sample's words that do not start with a capital (scripts without case are all kept)."""
    return [word for word in re.findall(r"[^\W\d_]+", sample) if not word[0].isupper()]


def _classify(sample: str) -> tuple[str, float]:
    from claimtrace.language import classify

    return classify(sample)


def chunk_offsets(text: str, limit: int = CHUNK_CHARS) -> Iterator[tuple[int, int]]:
    """Yield (start, end) pieces of ``text`` no longer than ``limit``, cut at natural breaks."""
    start = 0
    n = len(text)
    while start < n:
        end = min(start + limit, n)
        if end < n:
            end = _best_break(text, start, end)
        yield start, end
        start = end


def _best_break(text: str, start: int, end: int) -> int:
    floor = start + (end - start) // 2
    for pattern in ("\n", ". ", " "):
        cut = text.rfind(pattern, floor, end)
        if cut != -1:
            return cut + len(pattern)
    return end


def shift(obj: Any, delta: int) -> Any:
    """Move every span inside a model object by ``delta`` characters (in place)."""
    if delta == 0 or obj is None:
        return obj
    if isinstance(obj, list):
        for item in obj:
            shift(item, delta)
        return obj
    if dataclasses.is_dataclass(obj):
        if isinstance(obj, Span | Sentence):
            obj.start += delta
            obj.end += delta
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if dataclasses.is_dataclass(value) or isinstance(value, list):
                shift(value, delta)
    return obj


def _merge_entity_groups(analysis: Analysis) -> None:
    """Groups of the same referent found in different chunks become one."""
    merged: dict[tuple[str, str], Any] = {}
    for group in analysis.entity_groups:
        key = (group.label, group.canonical)
        if key in merged:
            merged[key].mentions.extend(group.mentions)
        else:
            merged[key] = group
    analysis.entity_groups = list(merged.values())
