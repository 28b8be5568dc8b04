"""Attribution: quotes, forms, source kinds, certainty, polarity, author claims, scoring.

Hand-built parses pin the rules down independently of the trained parser; the
tests marked ``needs_model`` run the trained pipeline on self-written sentences
and on the example article.
"""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

import claimtrace.nlp  # noqa: F401  (registers the Doc extensions)
from claimtrace.errors import InputError
from claimtrace.extract.attribution import evaluation as ev
from claimtrace.extract.attribution import find_claims
from claimtrace.extract.attribution.lexicon import cue_lexicon
from claimtrace.extract.attribution.quotes import quote_regions
from claimtrace.model import CERTAINTIES, CLAIM_FORMS, POLARITIES, SOURCE_KINDS, Claim, Cue, Source, Span
from claimtrace.nlp import model_path

VOCAB = spacy.blank("en").vocab  # with the English lexical attributes (lower case, punctuation)

needs_model = pytest.mark.skipif(
    not (model_path() / "config.cfg").is_file(), reason="the trained pipeline is not installed"
)

# --------------------------------------------------------------------------- hand-built parses


def parsed(rows: list[tuple[str, int, str, str, str]], ents: list[tuple[int, int, str]] = ()) -> Doc:
    """A Doc from (word, head index, dep, UPOS, PTB tag) rows; each tree is a sentence."""
    words = [r[0] for r in rows]
    spaces = [words[i + 1] not in {".", ",", "'s", "”", ":"} and words[i] not in {"“"} for i in range(len(words) - 1)]
    doc = Doc(
        VOCAB, words=words, spaces=[*spaces, False],
        heads=[r[1] for r in rows], deps=[r[2] for r in rows], pos=[r[3] for r in rows], tags=[r[4] for r in rows],
        ents=_iob(len(words), ents),
    )
    return doc


def _iob(n: int, ents) -> list[str]:  # noqa: ANN001
    tags = ["O"] * n
    for start, end, label in ents:
        tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
    return tags


def said_that() -> Doc:
    # The minister said that the army did not attack the village.
    return parsed([
        ("The", 1, "det", "DET", "DT"), ("minister", 2, "nsubj", "NOUN", "NN"), ("said", 2, "ROOT", "VERB", "VBD"),
        ("that", 8, "mark", "SCONJ", "IN"), ("the", 5, "det", "DET", "DT"), ("army", 8, "nsubj", "NOUN", "NN"),
        ("did", 8, "aux", "AUX", "VBD"), ("not", 8, "advmod", "PART", "RB"), ("attack", 2, "ccomp", "VERB", "VB"),
        ("the", 10, "det", "DET", "DT"), ("village", 8, "obj", "NOUN", "NN"), (".", 2, "punct", "PUNCT", "."),
    ])


def test_indirect_speech_with_negated_content_denies():
    (claim,) = find_claims(said_that(), [])
    assert claim.form == "indirect"
    assert claim.source.text == "The minister"
    assert claim.source.kind == "person"  # one person by a unique office
    assert claim.cue.text == "said" and claim.cue.lemma == "say"
    assert claim.content.text == "that the army did not attack the village"
    assert claim.polarity == "denies"
    assert claim.certainty == "stated"
    assert claim.sentence == 0


def test_offsets_point_into_the_text():
    doc = said_that()
    (claim,) = find_claims(doc, [])
    for span in (claim.content, claim.source, claim.cue):
        assert doc.text[span.start:span.end] == span.text


def test_told_recipient_and_anonymous_source():
    # Sources told Reuters that there will be no withdrawal.
    doc = parsed([
        ("Sources", 1, "nsubj", "NOUN", "NNS"), ("told", 1, "ROOT", "VERB", "VBD"),
        ("Reuters", 1, "obj", "PROPN", "NNP"), ("that", 6, "mark", "SCONJ", "IN"),
        ("there", 6, "expl", "PRON", "EX"), ("will", 6, "aux", "AUX", "MD"), ("be", 1, "ccomp", "VERB", "VB"),
        ("no", 8, "det", "DET", "DT"), ("withdrawal", 6, "nsubj", "NOUN", "NN"), (".", 1, "punct", "PUNCT", "."),
    ], ents=[(2, 3, "ORG")])
    (claim,) = find_claims(doc, [])
    assert claim.source.kind == "anonymous"
    assert claim.recipient is not None and claim.recipient.text == "Reuters"
    assert claim.polarity == "denies"


def test_denial_cue_denies_and_confirm_cue_confirms():
    # The ministry denied the report. / The ministry confirmed that troops left.
    denied = parsed([
        ("The", 1, "det", "DET", "DT"), ("ministry", 2, "nsubj", "NOUN", "NN"), ("denied", 2, "ROOT", "VERB", "VBD"),
        ("the", 4, "det", "DET", "DT"), ("report", 2, "obj", "NOUN", "NN"), (".", 2, "punct", "PUNCT", "."),
    ])
    (claim,) = find_claims(denied, [])
    assert (claim.polarity, claim.source.kind, claim.content.text) == ("denies", "government", "the report")
    confirmed = parsed([
        ("The", 1, "det", "DET", "DT"), ("ministry", 2, "nsubj", "NOUN", "NN"),
        ("confirmed", 2, "ROOT", "VERB", "VBD"), ("that", 5, "mark", "SCONJ", "IN"),
        ("troops", 5, "nsubj", "NOUN", "NNS"), ("left", 2, "ccomp", "VERB", "VBD"), (".", 2, "punct", "PUNCT", "."),
    ])
    (claim,) = find_claims(confirmed, [])
    assert (claim.certainty, claim.polarity) == ("confirmed", "affirms")


def test_rumored_to_have_reported_keeps_media_source_and_is_rumored():
    # Opposition outlets are rumored to have reported a withdrawal.
    doc = parsed([
        ("Opposition", 1, "compound", "NOUN", "NN"), ("outlets", 3, "nsubj:pass", "NOUN", "NNS"),
        ("are", 3, "aux:pass", "AUX", "VBP"), ("rumored", 3, "ROOT", "VERB", "VBN"),
        ("to", 6, "mark", "PART", "TO"), ("have", 6, "aux", "AUX", "VB"), ("reported", 3, "xcomp", "VERB", "VBN"),
        ("a", 8, "det", "DET", "DT"), ("withdrawal", 6, "obj", "NOUN", "NN"), (".", 3, "punct", "PUNCT", "."),
    ])
    (claim,) = find_claims(doc, [])
    assert claim.source.text == "Opposition outlets"
    assert claim.source.kind == "media"
    assert claim.cue.lemma == "report"
    assert claim.certainty == "rumored"
    assert claim.content.text == "a withdrawal"


def test_impersonal_passive_is_said_to_is_hedged_without_source_phrase():
    # The commander is said to have fled.
    doc = parsed([
        ("The", 1, "det", "DET", "DT"), ("commander", 3, "nsubj:pass", "NOUN", "NN"),
        ("is", 3, "aux:pass", "AUX", "VBZ"), ("said", 3, "ROOT", "VERB", "VBN"), ("to", 6, "mark", "PART", "TO"),
        ("have", 6, "aux", "AUX", "VB"), ("fled", 3, "xcomp", "VERB", "VBN"), (".", 3, "punct", "PUNCT", "."),
    ])
    (claim,) = find_claims(doc, [])
    assert claim.certainty == "hedged"
    assert claim.source.text == "" and claim.source.kind == "anonymous"
    assert claim.content.text == "The commander is said to have fled"[:len(claim.content.text)]
    assert "fled" in claim.content.text


def test_according_to_with_hedge_word():
    # According to witnesses, the bridge was reportedly destroyed.
    doc = parsed([
        ("According", 2, "case", "VERB", "VBG"), ("to", 0, "fixed", "ADP", "IN"), ("witnesses", 8, "obl", "NOUN", "NNS"),
        (",", 2, "punct", "PUNCT", ","), ("the", 5, "det", "DET", "DT"), ("bridge", 8, "nsubj:pass", "NOUN", "NN"),
        ("was", 8, "aux:pass", "AUX", "VBD"), ("reportedly", 8, "advmod", "ADV", "RB"),
        ("destroyed", 8, "ROOT", "VERB", "VBN"), (".", 8, "punct", "PUNCT", "."),
    ])
    claims = [c for c in find_claims(doc, []) if c.form != "author"]
    (claim,) = claims
    assert claim.form == "according_to"
    assert claim.source.text == "witnesses" and claim.source.kind == "witness"
    assert claim.cue.text == "According to"
    assert claim.content.text == "the bridge was reportedly destroyed"
    assert claim.certainty == "hedged"


def test_post_posed_direct_quote():
    # “We will not retreat,” the general said.
    doc = parsed([
        ("“", 4, "punct", "PUNCT", "``"), ("We", 4, "nsubj", "PRON", "PRP"), ("will", 4, "aux", "AUX", "MD"),
        ("not", 4, "advmod", "PART", "RB"), ("retreat", 4, "ROOT", "VERB", "VB"), (",", 4, "punct", "PUNCT", ","),
        ("”", 4, "punct", "PUNCT", "''"), ("the", 8, "det", "DET", "DT"), ("general", 9, "nsubj", "NOUN", "NN"),
        ("said", 4, "parataxis", "VERB", "VBD"), (".", 4, "punct", "PUNCT", "."),
    ])
    (claim,) = find_claims(doc, [])
    assert claim.form == "direct"
    assert claim.content.text.startswith("“We will not retreat")
    assert claim.content.text.endswith("”")
    assert claim.source.text == "the general"
    assert claim.polarity == "denies"


def test_participial_continuation_takes_the_subject():
    # Officials said that talks failed, stressing that the ceasefire holds.
    doc = parsed([
        ("Officials", 1, "nsubj", "NOUN", "NNS"), ("said", 1, "ROOT", "VERB", "VBD"), ("that", 4, "mark", "SCONJ", "IN"),
        ("talks", 4, "nsubj", "NOUN", "NNS"), ("failed", 1, "ccomp", "VERB", "VBD"), (",", 6, "punct", "PUNCT", ","),
        ("stressing", 1, "advcl", "VERB", "VBG"), ("that", 10, "mark", "SCONJ", "IN"), ("the", 9, "det", "DET", "DT"),
        ("ceasefire", 10, "nsubj", "NOUN", "NN"), ("holds", 6, "ccomp", "VERB", "VBZ"), (".", 1, "punct", "PUNCT", "."),
    ])
    first, second = find_claims(doc, [])
    assert first.content.text == "that talks failed"
    assert second.cue.text == "stressing"
    assert second.source.text == "Officials" and second.source.kind == "anonymous"
    assert second.content.text == "that the ceasefire holds"


def test_pronoun_source_resolves_to_earlier_person():
    # Ivan Petrov said that troops left. He added that more would follow.
    words = [
        ("Ivan", 1, "compound", "PROPN", "NNP"), ("Petrov", 2, "nsubj", "PROPN", "NNP"), ("said", 2, "ROOT", "VERB", "VBD"),
        ("that", 5, "mark", "SCONJ", "IN"), ("troops", 5, "nsubj", "NOUN", "NNS"), ("left", 2, "ccomp", "VERB", "VBD"),
        (".", 2, "punct", "PUNCT", "."), ("He", 8, "nsubj", "PRON", "PRP"), ("added", 8, "ROOT", "VERB", "VBD"),
        ("that", 12, "mark", "SCONJ", "IN"), ("more", 12, "nsubj", "ADJ", "JJR"), ("would", 12, "aux", "AUX", "MD"),
        ("follow", 8, "ccomp", "VERB", "VB"), (".", 8, "punct", "PUNCT", "."),
    ]
    doc = parsed(words, ents=[(0, 2, "PER")])
    first, second = find_claims(doc, [])
    assert first.source.kind == "person" and first.source.canonical == "Ivan Petrov"
    assert second.source.text == "He"
    assert second.source.canonical == "Ivan Petrov"
    assert second.sentence == 1


def test_author_claims_cover_uncited_declaratives_only():
    # Troops entered the town. Did they stay?
    doc = parsed([
        ("Troops", 1, "nsubj", "NOUN", "NNS"), ("entered", 1, "ROOT", "VERB", "VBD"), ("the", 3, "det", "DET", "DT"),
        ("town", 1, "obj", "NOUN", "NN"), (".", 1, "punct", "PUNCT", "."), ("Did", 7, "aux", "AUX", "VBD"),
        ("they", 7, "nsubj", "PRON", "PRP"), ("stay", 7, "ROOT", "VERB", "VB"), ("?", 7, "punct", "PUNCT", "."),
    ])
    (claim,) = find_claims(doc, [])
    assert claim.form == "author" and claim.cue is None
    assert claim.source.kind == "author" and claim.source.text == ""
    assert claim.content.text == "Troops entered the town"


def test_unparsed_or_empty_doc_gives_no_claims():
    assert find_claims(Doc(VOCAB, words=[]), []) == []
    assert find_claims(Doc(VOCAB, words=["He", "said", "so", "."]), []) == []


def test_values_stay_within_the_model_vocabulary():
    for claim in find_claims(said_that(), []):
        assert claim.form in CLAIM_FORMS and claim.certainty in CERTAINTIES and claim.polarity in POLARITIES
        assert claim.source.kind in SOURCE_KINDS


# --------------------------------------------------------------------------- quotes


@pytest.mark.parametrize(
    ("text", "quotes"),
    [
        ('He said "we won" and left.', ['"we won"']),
        ("He said “we won” and “we stay”.", ["“we won”", "“we stay”"]),
        ("He said ''we won'' there.", ["''we won''"]),
        ("“First paragraph.\n“Second paragraph.” Done.", ["“First paragraph.\n“Second paragraph.”"]),
        ("“Never closed\nNext paragraph is narration.", ["“Never closed"]),
        ("Stray ” mark and “open", ["“open"]),
        ("", []),
        ('"', []),
    ],
)
def test_quote_regions(text, quotes):
    assert [text[s:e] for s, e in quote_regions(text)] == quotes


def test_quote_regions_never_raise_on_odd_marks():
    for text in ['""""', "“”“", "« a » b «", "''''", "``x''", "\n“\n”\n", "a ” b “ c ” d"]:
        for start, end in quote_regions(text):
            assert 0 <= start < end <= len(text)


# --------------------------------------------------------------------------- lexicon


def test_cue_lexicon_is_learned_and_seeded():
    lexicon = cue_lexicon()
    assert lexicon["said"].lemma == "say" and lexicon["said"].p > 0.5
    assert lexicon["according"].lemma == "according to"
    assert lexicon["rumored"].lemma == "rumor"
    assert lexicon["noted"].lemma == "note"


# --------------------------------------------------------------------------- scoring


ANN = "T1\tSource 0 5\tMaria\nT2\tCue 6 10\tsaid\nT3\tContent 11 29\tthe bridge was hit\nE1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n"
TEXT = "Maria said the bridge was hit. The river rose."


def test_parse_brat_and_perfect_scores():
    (gold,) = ev.parse_brat(ANN, TEXT)
    assert gold.source == ((0, 5),) and gold.cue == ((6, 10),) and gold.form == "indirect"
    claim = Claim(
        content=Span("the bridge was hit", 11, 29), source=Source("Maria", 0, 5, kind="person"),
        cue=Cue("said", 6, 10, lemma="say"), form="indirect",
    )
    author = Claim(content=Span("The river rose", 31, 45), source=Source("", 31, 31, kind="author"))
    counts = ev.Counts()
    ev.add_document(counts, TEXT, ev.claims_to_attributions([claim, author]), [gold])
    figures = ev.scores(counts)
    for key in ("source_overlap_f1", "cue_overlap_f1", "content_overlap_f1", "source_exact_f1", "relation_f1"):
        assert figures[key] == 1.0


def test_partial_overlap_scores_tokens():
    (gold,) = ev.parse_brat(ANN, TEXT)
    claim = Claim(content=Span("bridge was hit", 15, 29), source=Source("Maria", 0, 5, kind="person"),
                  cue=Cue("said", 6, 10, lemma="say"), form="indirect")
    counts = ev.Counts()
    ev.add_document(counts, TEXT, ev.claims_to_attributions([claim]), [gold])
    figures = ev.scores(counts)
    assert figures["content_overlap_p"] == 1.0
    assert figures["content_overlap_r"] == 0.75
    assert figures["content_exact_f1"] == 0.0
    assert figures["relation_f1"] == 1.0


def test_read_polnear_rejects_a_wrong_folder(tmp_path):
    with pytest.raises(InputError):
        list(ev.read_polnear(tmp_path))
    with pytest.raises(InputError):
        list(ev.read_multiply_annotated(tmp_path))


def _annotated_folder(tmp_path, annotations: dict[str, list[str]]):  # noqa: ANN202
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    for name, files in annotations.items():
        (tmp_path / "text" / f"{name}.txt").write_text(TEXT, encoding="utf-8")
        for annotator, ann in zip(("a1", "b2", "c3"), files, strict=False):
            (tmp_path / "attributions" / f"{name}_{annotator}.ann").write_text(ann, encoding="utf-8")
    return tmp_path


def _benchmark_module():  # noqa: ANN202
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "attribution.py"
    spec = importlib.util.spec_from_file_location("attribution_benchmark", script)
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    return benchmark


@needs_model
def test_benchmark_scores_and_times_a_folder(tmp_path):
    names = [f"article{i}" for i in range(10)]  # more than one batch of parses
    figures = _benchmark_module().run(_annotated_folder(tmp_path, {name: [ANN] for name in names}))
    assert (figures["articles"], figures["gold"]) == (10, 10)
    assert figures["cue_overlap_f1"] == 1.0 and figures["source_overlap_f1"] == 1.0
    assert 0.0 < figures["throughput_ratio"] < 1.0


def test_agreement_compares_annotators_and_the_system_on_shared_articles(tmp_path):
    benchmark = _benchmark_module()
    # the second annotator's cue is "said the" (one token off): cue overlap F1 2*1/(1+2)
    other = ANN.replace("Cue 6 10\tsaid", "Cue 6 14\tsaid the")
    data = _annotated_folder(tmp_path, {"shared": [ANN, other], "single": [ANN]})
    assert [name for name, _, _ in ev.read_multiply_annotated(data)] == ["shared"]
    claim = Claim(content=Span("the bridge was hit", 11, 29), source=Source("Maria", 0, 5, kind="person"),
                  cue=Cue("said", 6, 10, lemma="say"), form="indirect")
    figures = benchmark.agreement(data, {"shared": ev.claims_to_attributions([claim])})
    assert (figures["agreement_articles"], figures["agreement_pairs"]) == (1, 1)
    assert figures["agreement_cue_overlap_f1"] == pytest.approx(2 / 3, abs=1e-3)
    assert figures["agreement_source_overlap_f1"] == 1.0
    # against the first annotator the cue is right (1 of 1), against the second half right (1 of 2)
    assert figures["agreement_system_cue_overlap_f1"] == pytest.approx(2 * 2 / (2 + 3), abs=1e-3)
    assert benchmark.agreement(data, {})["agreement_system_cue_overlap_f1"] is None


# --------------------------------------------------------------------------- trained pipeline


@needs_model
def test_model_indirect_speech(claims_of):
    (claim,) = claims_of("The spokesman said that the convoy had reached the border.")
    assert claim.form == "indirect" and claim.cue.lemma == "say"
    assert claim.source.kind == "person"  # definite: one person by a unique office
    assert "convoy had reached the border" in claim.content.text


@needs_model
def test_model_direct_quote_over_two_sentences(claims_of):
    claims = claims_of("“The shelling started at dawn. Nobody was hurt,” a resident said.")
    assert claims and all(c.form == "direct" for c in claims)
    assert any("Nobody was hurt" in c.content.text for c in claims)
    assert any(c.source.kind == "witness" for c in claims)


@needs_model
def test_model_second_quote_with_a_cue_inside_it_stays_the_speakers(claims_of):
    # the second quotation holds a first-person cue of its own ("I say"): it is still the farmer's words
    claims = claims_of("“The harvest was poor this year,” the farmer said. “My neighbours think the rain came "
                       "too late, and I say the prices will rise before winter.”")
    farmer = [c for c in claims if c.source.text == "the farmer"]
    assert any(c.content.text.startswith("“My neighbours think") and c.content.text.endswith("before winter.”")
               for c in farmer)


@needs_model
def test_model_quote_after_a_post_posed_cue_is_the_same_speakers(claims_of):
    claims = claims_of('The ferry may stop running until the storm passes, the captain said. "We have never seen '
                       'waves like these. Nobody should sail this week."')
    assert any(c.source.text == "the captain" and c.form == "direct" and "Nobody should sail" in c.content.text
               for c in claims)


@needs_model
def test_model_according_to(claims_of):
    claims = claims_of("According to the health ministry, twelve people were killed in the strike.")
    (claim,) = [c for c in claims if c.form == "according_to"]
    assert claim.source.kind == "government"
    assert "twelve people were killed" in claim.content.text


@needs_model
def test_model_denial(claims_of):
    claims = claims_of("The army denied that its soldiers had fired on protesters.")
    assert any(c.polarity == "denies" and c.source.kind == "government" for c in claims)


@needs_model
def test_example_article_reads_right(example_text, nlp):
    from claimtrace.extract.entities import link_mentions

    doc = nlp(example_text)
    claims = find_claims(doc, link_mentions(doc))
    cited = [c for c in claims if c.form != "author"]
    media = [c for c in cited if c.source.kind == "media"]
    assert any(c.certainty == "stated" and "withdraw" in c.content.text for c in media)
    assert any(c.certainty == "rumored" for c in media)
    denials = [c for c in cited if c.polarity == "denies" and c.source.kind == "anonymous"]
    assert any("no such intentions" in c.content.text for c in denials)
    assert any("no Russian withdrawal" in c.content.text for c in denials)
    told = next(c for c in denials if "no Russian withdrawal" in c.content.text)
    assert told.recipient is not None and "Al Mayadeen" in told.recipient.text
    sources = next(c for c in cited if c.source.text == "The sources")
    assert sources.source.canonical.startswith("Sources close to")
    ministry = [c for c in cited if c.source.kind == "government"]
    assert any("Defense Ministry" in c.source.text and "discussed" in c.content.text for c in ministry)
    assert any(c.form == "author" for c in claims)
    for claim in claims:
        assert doc.text[claim.content.start:claim.content.end] == claim.content.text


# --------------------------------------------------------------------------- source kinds


@pytest.mark.parametrize(
    ("rows", "ents", "kind"),
    [
        ([("Residents", 0, "ROOT", "NOUN", "NNS")], [], "witness"),
        ([("Satellite", 1, "compound", "NOUN", "NN"), ("images", 1, "ROOT", "NOUN", "NNS")], [], "document"),
        ([("News", 1, "compound", "NOUN", "NN"), ("platforms", 1, "ROOT", "NOUN", "NNS")], [], "media"),
        ([("Russian", 1, "amod", "ADJ", "JJ"), ("media", 2, "compound", "NOUN", "NNS"),
          ("reports", 2, "ROOT", "NOUN", "NNS")], [], "media"),
        ([("An", 1, "det", "DET", "DT"), ("official", 1, "ROOT", "NOUN", "NN")], [], "anonymous"),
        ([("The", 2, "det", "DET", "DT"), ("Defense", 2, "compound", "PROPN", "NNP"),
          ("Ministry", 2, "ROOT", "PROPN", "NNP")], [(1, 3, "ORG")], "government"),
        ([("Amnesty", 0, "ROOT", "PROPN", "NNP"), ("International", 0, "flat", "PROPN", "NNP")],
         [(0, 2, "ORG")], "organization"),
        ([("Al", 0, "ROOT", "PROPN", "NNP"), ("Mayadeen", 0, "flat", "PROPN", "NNP")], [(0, 2, "PER")], "media"),
        ([("Anna", 0, "ROOT", "PROPN", "NNP"), ("Ivanova", 0, "flat", "PROPN", "NNP")], [(0, 2, "PER")], "person"),
        ([("Spokesman", 1, "compound", "NOUN", "NN"), ("Ivan", 1, "ROOT", "PROPN", "NNP")],
         [(1, 2, "PER")], "government"),
        ([("The", 1, "det", "DET", "DT"), ("lawyer", 1, "ROOT", "NOUN", "NN")], [], "person"),
        ([("She", 0, "ROOT", "PRON", "PRP")], [], "person"),
        # a common noun that names no person and no known kind of source is an unnamed source
        ([("Trade", 1, "compound", "NOUN", "NN"), ("activity", 1, "ROOT", "NOUN", "NN")], [], "anonymous"),
        # a bare demonstrative ("This indicates ...") points at what the article has just said
        ([("This", 0, "ROOT", "PRON", "DT")], [], "author"),
        ([("These", 0, "ROOT", "PRON", "DT")], [], "author"),
    ],
)
def test_source_kind(rows, ents, kind):
    from claimtrace.extract.attribution.sources import source_kind

    doc = parsed(rows, ents)
    root = next(t for t in doc if t.dep_ == "ROOT")
    assert source_kind([t.lower_ for t in doc], root.lower_, root, list(doc.ents)) == kind


@needs_model
@pytest.mark.parametrize(
    ("text", "kind", "certainty", "polarity"),
    [
        ("The Kremlin denied that any troops had crossed the border.", "government", "stated", "denies"),
        ("Al Jazeera reported that the airport had been closed.", "media", "stated", "affirms"),
        ("Satellite images show that the bridge was destroyed.", "document", "stated", "affirms"),
        ("It was reported that the convoy was attacked.", "anonymous", "hedged", "affirms"),
        ("The rebels are believed to have withdrawn from the town.", "anonymous", "hedged", "affirms"),
        ("Residents said the shelling allegedly began at dawn.", "witness", "hedged", "affirms"),
    ],
)
def test_model_kinds_and_certainty(claims_of, text, kind, certainty, polarity):
    (claim,) = claims_of(text)
    assert (claim.source.kind, claim.certainty, claim.polarity) == (kind, certainty, polarity)


@needs_model
def test_time_expression_after_the_cue_is_not_part_of_it(claims_of):
    said, commented = claims_of(
        "The army is leaving the town, local officials said on Sunday. The mayor commented on the plan."
    )
    assert said.cue.text == "said"
    assert commented.cue.text == "commented on"


@needs_model
@pytest.mark.parametrize(
    "text",
    [
        "Russian forces have withdrawn from the air base in northeastern Syria, residents and a security "
        "source said on Wednesday.",
        "Government troops have left the village near the northern border, farmers and a local official "
        "said on Friday.",
    ],
)
def test_post_posed_coordinated_sources_stay_out_of_the_content(claims_of, text):
    (claim,) = claims_of(text)
    assert " and " in claim.source.text and claim.source.text.split()[0] in ("residents", "farmers")
    assert claim.content.text.endswith(("Syria", "border"))


@needs_model
def test_naming_participle_is_no_cue(claims_of):
    for text in (
        "The militia, known as the Northern Brigade, controls the border crossing.",
        "The program, called EB-5, allows foreign investors to gain residency.",
        'The new unit, dubbed "the Wolves", patrols the valley.',
    ):
        assert not [c for c in claims_of(text) if c.cue.lemma in ("know", "call", "dub")], text
    claims = claims_of("A group called Free Voices said that the vote had been rigged.")
    assert any(c.cue.lemma == "say" and c.source.text == "A group called Free Voices" for c in claims)


@needs_model
def test_conflict_news_sources_and_contents(claims_of):
    text = (
        "Ukrainian forces shot down 14 drones overnight, the air force said on Tuesday, while Russia's "
        "defence ministry claimed its troops had captured the village.\n\n"
        "Western officials, speaking on condition of anonymity, said they believed Moscow was running "
        "short of artillery shells.\n\n"
        "According to the monitor, a group based in London, twelve people were killed.\n\n"
        "According to the Institute for the Study of War, a US-based think tank, Russian gains remain marginal.\n\n"
        '"All attacks were repelled," said Colonel Oleh Shevchuk, a spokesman for the southern command. '
        "He added that two civilians were wounded.\n"
    )
    claims = {c.source.text: c for c in claims_of(text)}
    assert claims["the air force"].content.text == "Ukrainian forces shot down 14 drones overnight"
    assert claims["Russia's defence ministry"].content.text.startswith("its troops had captured")
    officials = next(c for s, c in claims.items() if s.startswith("Western officials"))
    assert officials.source.kind == "anonymous" and officials.content.text.startswith("they believed")
    monitor = claims["the monitor, a group based in London"]
    assert monitor.content.text == "twelve people were killed" and monitor.source.kind == "organization"
    institute = claims["the Institute for the Study of War, a US-based think tank"]
    assert institute.content.text == "Russian gains remain marginal" and institute.source.kind == "organization"
    colonel = next(c for s, c in claims.items() if s.startswith("Colonel"))
    assert (colonel.source.kind, colonel.source.canonical) == ("person", "Oleh Shevchuk")
    assert colonel.source.affiliation is not None and colonel.source.affiliation.kind == "government"
    assert colonel.source.affiliation.text == "southern command"
    assert (claims["He"].source.kind, claims["He"].source.canonical) == ("person", "Oleh Shevchuk")
    assert claims["He"].source.affiliation == colonel.source.affiliation


@needs_model
def test_wire_constructions(claims_of):
    text = (
        "Hamas, which runs Gaza, denied the claim.\n\n"
        "The strikes, the official said, hit a fuel depot near the port.\n\n"
        "Russia's TASS news agency quoted a defence ministry source as saying the troops would remain in the region.\n\n"
        'In a televised address, the president said the counteroffensive was going "according to plan".\n\n'
        "A senior Western diplomat, who asked not to be named, said the talks were going nowhere.\n\n"
        'The ministry issued a statement. "The enemy lost up to 60 servicemen," the statement read.\n\n'
        "The occupation army claimed to have intercepted two drones, while Israeli media reported that one "
        "drone hit a military base in the north.\n\n"
        "Satellite images taken on Monday show at least 40 destroyed vehicles near the bridge, analysts at the "
        "Center for Strategic and International Studies said.\n"
    )
    claims = claims_of(text)
    by_cue = {c.cue.text: c for c in claims}
    assert by_cue["denied"].source.text == "Hamas" and by_cue["denied"].polarity == "denies"
    assert any(c.source.text == "the official" and c.content.text.startswith("hit a fuel depot") for c in claims)
    relayed = by_cue["saying"]
    assert relayed.source.text == "a defence ministry source" and relayed.source.kind == "anonymous"
    assert relayed.recipient is not None and relayed.recipient.text == "Russia's TASS news agency"
    assert "quoted" not in by_cue  # the agency relays the claim; it is not a claim of its own
    assert not [c for c in claims if c.form == "according_to"]
    assert not [c for c in claims if "to be named" in c.content.text]
    assert any(c.source.text.startswith("A senior Western diplomat") for c in claims)
    read = by_cue["read"]
    assert (read.source.text, read.source.kind, read.form) == ("the statement", "document", "direct")
    assert by_cue["claimed"].content.text == "to have intercepted two drones"
    analysts = next(c for c in claims if c.source.text.startswith("analysts"))
    assert analysts.content.text.endswith("40 destroyed vehicles near the bridge")
