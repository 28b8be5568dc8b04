"""Check that the joint training (configs/joint.cfg) treats missing annotation as missing.

    python training/nlp/check_joint_missing.py [--cache /work/corpus_cache]

The joint corpus mixes UD docs (tags, morphology, lemmas, heads; no entities) and CoNLL-2003 docs
(entities; no tags, lemmas or heads). spaCy must read the absent layers as *missing*, not as "O" or
as empty labels, otherwise the NER learns that UD's names are no entities and the tagger learns empty
tags on CoNLL text. Checked here, on a small initialised copy of the joint pipeline:

1. the converted docs: UD docs have no ENT_IOB annotation, CoNLL docs no TAG/POS/MORPH/LEMMA/DEP;
2. per component, the gradient on the other corpus's docs is exactly zero (``get_loss``), and the
   loss ``nlp.update`` reports for that component on them is 0;
3. the scorer skips the missing layers (NER scores on UD-only docs and tag/LAS scores on CoNLL-only
   docs are None), so dev scores of the joint run mean the same as those of the separate runs.

Exits 1 if any check fails.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy
import spacy
from spacy.tokens import DocBin
from spacy.training import Example

HERE = Path(__file__).resolve().parent
SYNTAX_LAYERS = ("TAG", "POS", "MORPH", "LEMMA", "DEP")
TAGGERS = ("tagger", "morphologizer", "trainable_lemmatizer")


def load_docs(path: Path, vocab, limit: int) -> list:  # noqa: ANN001
    return list(DocBin().from_disk(path).get_docs(vocab))[:limit]


def examples_of(nlp, docs: list) -> list[Example]:  # noqa: ANN001
    return [Example(nlp.make_doc(doc.text), doc) for doc in docs]


def small_pipeline(cache: Path, ud: list, conll: list):  # noqa: ANN201
    overrides = {"paths.train": str(cache / "joint-train"), "paths.dev": str(cache / "joint-dev"),
                 "paths.vectors": None,
                 "components.tok2vec.model.embed.include_static_vectors": False}
    config = spacy.util.load_config(HERE / "configs" / "joint.cfg", overrides=overrides, interpolate=True)
    nlp = spacy.util.load_model_from_config(config, auto_fill=True)
    nlp.initialize(lambda: examples_of(nlp, ud + conll))
    return nlp


def zero_gradient(nlp, name: str, examples: list[Example]) -> bool:  # noqa: ANN001
    component = nlp.get_pipe(name)
    docs = [eg.predicted for eg in examples]
    for pipe_name, pipe in nlp.pipeline:  # the listeners need the tok2vec output
        if pipe_name == "tok2vec":
            docs = list(pipe.pipe(docs))
    scores = component.model.predict(docs)
    _loss, d_scores = component.get_loss(examples, scores)
    arrays = d_scores if isinstance(d_scores, list) else [d_scores]
    return all(float(numpy.abs(numpy.asarray(a)).sum()) == 0.0 for a in arrays)


def update_losses(nlp, examples: list[Example]) -> dict[str, float]:  # noqa: ANN001
    losses: dict[str, float] = {}
    nlp.update(examples, sgd=None, losses=losses, drop=0.0)
    return losses


def report(checks: list[tuple[str, bool]]) -> int:
    for label, ok in checks:
        print(f"{'ok  ' if ok else 'FAIL'} {label}")
    return 0 if all(ok for _, ok in checks) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=Path("/work/corpus_cache"))
    parser.add_argument("--docs", type=int, default=20, help="docs per corpus")
    args = parser.parse_args(argv)
    vocab = spacy.blank("en").vocab
    ud = load_docs(args.cache / "ewt-train.spacy", vocab, args.docs) + load_docs(
        args.cache / "gum-train.spacy", vocab, args.docs)
    conll = load_docs(args.cache / "conll-train.spacy", vocab, args.docs)
    checks = [("UD docs carry no entity annotation", not any(d.has_annotation("ENT_IOB") for d in ud)),
              ("CoNLL docs carry entities", all(d.has_annotation("ENT_IOB") for d in conll))]
    checks += [(f"CoNLL docs carry no {layer}", not any(d.has_annotation(layer) for d in conll))
               for layer in SYNTAX_LAYERS]
    nlp = small_pipeline(args.cache, ud, conll)
    ud_egs, conll_egs = examples_of(nlp, ud), examples_of(nlp, conll)
    checks += [(f"{name}: zero gradient on CoNLL docs", zero_gradient(nlp, name, conll_egs)) for name in TAGGERS]
    checks += [(f"{name}: nonzero gradient on UD docs", not zero_gradient(nlp, name, ud_egs)) for name in TAGGERS]
    on_conll, on_ud = update_losses(nlp, conll_egs), update_losses(nlp, ud_egs)
    print(f"losses on CoNLL docs: {on_conll}\nlosses on UD docs:    {on_ud}")
    checks += [(f"{name}: loss 0 on CoNLL docs", on_conll.get(name, 0.0) == 0.0) for name in (*TAGGERS, "parser")]
    checks += [("ner: loss 0 on UD docs", on_ud.get("ner", 0.0) == 0.0),
               ("ner: loss > 0 on CoNLL docs", on_conll.get("ner", 0.0) > 0.0),
               ("parser: loss > 0 on UD docs", on_ud.get("parser", 0.0) > 0.0)]
    ud_scores, conll_scores = nlp.evaluate(ud_egs), nlp.evaluate(conll_egs)
    checks += [("scorer: no NER score on UD docs", ud_scores.get("ents_f") is None),
               ("scorer: no tag/LAS/lemma score on CoNLL docs",
                all(conll_scores.get(k) is None for k in ("tag_acc", "pos_acc", "lemma_acc", "dep_las")))]
    return report(checks)


if __name__ == "__main__":
    sys.exit(main())
