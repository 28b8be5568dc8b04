"""Chunking, offsets and the language check of :mod:`claimtrace.pipeline`."""

import pytest
import spacy

from claimtrace import nlp as nlp_module
from claimtrace.errors import InputError, UnsupportedLanguageError
from claimtrace.model import Claim, Cue, Source, Span
from claimtrace.pipeline import analyze, check_language, chunk_offsets, shift


def test_chunks_cover_text_exactly_and_respect_limit():
    text = ("A sentence of words. " * 40 + "\n") * 300
    pieces = list(chunk_offsets(text, limit=5_000))
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(end - start <= 5_000 for start, end in pieces)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:], strict=False))
    assert all(text[end - 1] == "\n" for _, end in pieces[:-1])


def test_chunk_without_breaks_is_cut_hard():
    pieces = list(chunk_offsets("x" * 12_000, limit=5_000))
    assert [e - s for s, e in pieces] == [5_000, 5_000, 2_000]


def test_shift_moves_nested_spans():
    claim = Claim(content=Span("b", 5, 6), source=Source("a", 0, 1, kind="person"), cue=Cue("c", 2, 3, lemma="c"))
    shift(claim, 10)
    assert (claim.content.start, claim.source.start, claim.cue.end) == (15, 10, 13)


def test_language_check():
    assert check_language("The minister said the talks would continue next week in Geneva.") == "en"
    with pytest.raises(UnsupportedLanguageError):
        check_language("Le ministre a déclaré que les négociations se poursuivraient la semaine prochaine.")
    assert check_language("Le ministre a déclaré que les négociations continueraient.", force=True) == "fr"
    with pytest.raises(InputError):
        check_language("12 34 -- 56")


def test_empty_text_is_an_input_error():
    with pytest.raises(InputError, match="no text"):
        analyze("   \n ")


@pytest.fixture()
def blank_model(tmp_path, monkeypatch):
    """A tokenizer-and-sentencizer pipeline: chunking is tested without the cost of parsing and extraction."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.to_disk(tmp_path / "blank")
    monkeypatch.setenv(nlp_module.MODEL_ENV, str(tmp_path / "blank"))
    monkeypatch.setattr(nlp_module, "CLAIMTRACE_COMPONENTS", ())
    nlp_module.load_pipeline.cache_clear()
    yield
    nlp_module.load_pipeline.cache_clear()


def test_five_megabyte_text_is_processed_in_pieces(blank_model):
    paragraph = "The convoy reached the northern town on Tuesday and officials said aid would follow. " * 12
    text = "\n".join([paragraph] * (5_000_000 // len(paragraph) + 1))
    assert len(text) > 5_000_000
    analysis = analyze(text, published="2022-03-01")
    sentences = analysis.sentences
    assert len(sentences) > 50_000
    assert all(a.end <= b.start for a, b in zip(sentences, sentences[1:], strict=False))
    last = sentences[-1]
    assert text[last.start : last.end].endswith("follow.")
