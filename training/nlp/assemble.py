"""Assemble the syntax pipeline and the NER pipeline into one spaCy pipeline, or ship a joint one.

``--joint RUN`` ships a pipeline trained jointly (one shared tok2vec under every
component, ``configs/joint_silver.cfg``) as it is: same meta, the word list pruned.

The NER pipeline has its own tok2vec; its listener is replaced by a copy of
that tok2vec (``replace_listeners``) so the sourced ``ner`` component is
self-contained and independent from the syntax tok2vec.  It is inserted before
the parser so that predicted sentence boundaries cannot cut entities.

The result is written to a temporary sibling directory and then swapped in
place of ``--out`` so that readers never see a half-written model.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import spacy

SOURCES = [
    {
        "name": "UD English-EWT (UniversalDependencies/UD_English-EWT @ 15d613d8447b3478787d4c278730a1e48a945efb)",
        "url": "https://github.com/UniversalDependencies/UD_English-EWT",
        "license": "CC BY-SA 4.0",
    },
    {
        "name": "GUM, genres academic/bio/court/interview/news/voyage (amir-zeldes/gum @ 72ce5ac14978a324c2fd18d49484e65292cbe316)",
        "url": "https://github.com/amir-zeldes/gum",
        "license": "annotations CC BY 4.0; texts CC BY / CC BY-SA per genre",
    },
    {
        "name": "CoNLL-2003 English NER, Reuters RCV1 (glample/tagger @ 1c9618889fb89500cc5e70c45c27859b89d44449)",
        "url": "https://www.clips.uantwerpen.be/conll2003/ner/",
        "license": "Reuters research agreement (data not redistributed; model weights only)",
    },
]


def reload_with_minimal_strings(path: Path):
    """Reload a saved pipeline into a fresh Vocab, skipping vocab/strings.json.

    Components re-add exactly the strings they need (labels, morph features,
    edit-tree affixes, tokenizer rules) while deserialising, so the saved
    StringStore no longer carries the training corpora's word list.  Hash
    embeddings use string hashes computed at run time, so predictions are
    unchanged (checked in the benchmark against the unpruned model).
    """
    import srsly

    full = spacy.load(path)
    config = spacy.util.load_config(Path(path) / "config.cfg")
    nlp = spacy.util.load_model_from_config(config, vocab=True, auto_fill=False, validate=False)
    nlp.from_disk(path, exclude=["vocab"])
    # edit trees reference their affix strings by hash only: keep those strings
    for _name, pipe in full.pipeline:
        if hasattr(pipe, "trees"):
            for node in srsly.msgpack_loads(pipe.trees.to_bytes())["trees"]:
                for key in ("orig", "subst"):
                    if key in node:
                        nlp.vocab.strings.add(full.vocab.strings[node[key]])
        # labels are looked up by hash when annotations are set
        for label in getattr(pipe, "labels", ()) or ():
            if isinstance(label, str):
                nlp.vocab.strings.add(label)
        cfg = getattr(pipe, "cfg", {}) or {}
        for key in ("labels_morph", "labels_pos"):
            for k, v in (cfg.get(key) or {}).items():
                for x in (k, v):
                    if isinstance(x, str):
                        nlp.vocab.strings.add(x)
                        for feat in x.split("|"):
                            nlp.vocab.strings.add(feat)
                            for part in feat.split("="):
                                nlp.vocab.strings.add(part)
        moves = getattr(pipe, "moves", None)
        if moves is not None:
            for i in range(moves.n_moves):
                nlp.vocab.strings.add(moves.get_class_name(i))
    for extra in ("ROOT", "dep", "O", "-", "", "SP", "_SP", "SPACE"):
        nlp.vocab.strings.add(extra)
    # static (floret) vectors of the NER tok2vec: hashed rows only. Copied without their
    # StringStore: assigning the Vectors object would add the training word list back
    nlp.vocab.vectors.from_bytes(full.vocab.vectors.to_bytes(exclude=["strings"]), exclude=["strings"])
    return nlp


def assemble(syntax_dir: Path, ner_dir: Path, out: Path, version: str = "0.1.0",
             extra_meta: dict | None = None, model_card: Path | None = None) -> Path:
    nlp = spacy.load(syntax_dir)
    ner_nlp = spacy.load(ner_dir)
    if "tok2vec" in ner_nlp.pipe_names:
        ner_nlp.replace_listeners("tok2vec", "ner", ["model.tok2vec"])
    # NER goes BEFORE the parser: spaCy's NER never lets an entity cross a
    # sentence start, so running it after the parser makes parser segmentation
    # errors cut entities (measured on CoNLL eng.testa: F1 88.58 after the
    # parser vs 89.60 before it).  The parser still sets doc.sents.
    nlp.add_pipe("ner", source=ner_nlp, name="ner", before="parser")
    nlp.vocab.vectors = ner_nlp.vocab.vectors

    perf = dict(nlp.meta.get("performance") or {})
    for k, v in (ner_nlp.meta.get("performance") or {}).items():
        if k.startswith("ents_") or k == "ner_loss":
            perf[k] = v
    return write_pipeline(nlp, out, version, perf, extra_meta, model_card)


def assemble_joint(joint_dir: Path, out: Path, version: str = "0.2.0",
                   extra_meta: dict | None = None, model_card: Path | None = None) -> Path:
    """Ship a jointly trained pipeline (its NER already listens to the shared tok2vec)."""
    nlp = spacy.load(joint_dir)
    return write_pipeline(nlp, out, version, dict(nlp.meta.get("performance") or {}), extra_meta, model_card)


def write_pipeline(nlp, out: Path, version: str, performance: dict, extra_meta: dict | None,  # noqa: ANN001
                   model_card: Path | None) -> Path:
    meta = nlp.meta
    meta.update({
        "name": "news_pipeline",
        "lang": "en",
        "version": version,
        "description": (
            "claimtrace English news pipeline trained from scratch (no vectors or "
            "weights from elsewhere): spaCy English tokenizer, tagger (PTB tag_), morphologizer "
            "(UPOS pos_ + UD FEATS), edit-tree lemmatizer, dependency parser with "
            "UD labels (also sets sentence boundaries), NER (PER/ORG/LOC/MISC); the "
            "NER's encoder also reads floret vectors trained by training/nlp/build_vectors.py "
            "on training-split text only."
        ),
        "license": "CC BY-SA 4.0 (derived from UD English-EWT and GUM annotations); "
                   "NER trained on CoNLL-2003 (Reuters, research agreement)",
        "author": "claimtrace",
        "sources": SOURCES,
        "spacy_version": f">={spacy.about.__version__[:3]}.0,<{spacy.about.__version__[:2]}{int(spacy.about.__version__.split('.')[1]) + 1}.0",
    })
    meta["performance"] = performance
    if extra_meta:
        meta.update(extra_meta)
    nlp.meta = meta

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    full = Path(tempfile.mkdtemp(prefix=f".{out.name}.full-", dir=out.parent))
    nlp.to_disk(full)
    # drop the corpus word list from vocab/strings.json (see docstring)
    reload_with_minimal_strings(full).to_disk(tmp)
    shutil.rmtree(full)
    if model_card is not None and Path(model_card).exists():
        shutil.copy(model_card, tmp / "MODEL_CARD.md")
    elif (out / "MODEL_CARD.md").exists():
        shutil.copy(out / "MODEL_CARD.md", tmp / "MODEL_CARD.md")
    # sanity check before swapping in
    check = spacy.load(tmp)
    doc = check("The committee met in Paris on Monday. It approved the plan.")
    assert len(list(doc.sents)) >= 1 and doc[0].pos_ and doc[0].tag_
    return swap_into_place(tmp, out)


def swap_into_place(tmp: Path, out: Path) -> Path:
    """Replace the folder ``out`` by ``tmp`` with renames, so a crash never leaves half a pipeline."""
    os.chmod(tmp, 0o755)
    old = out.with_name(f".{out.name}.old-{int(time.time())}")
    if out.exists():
        os.rename(out, old)
    os.rename(tmp, out)
    if old.exists():
        shutil.rmtree(old)
    return out


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--syntax", type=Path)
    p.add_argument("--ner", type=Path)
    p.add_argument("--joint", type=Path, help="a jointly trained pipeline, shipped instead of --syntax + --ner")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--version", default="0.1.0")
    p.add_argument("--model-card", type=Path, default=None)
    p.add_argument("--meta-json", type=Path, default=None, help="extra meta fields (JSON)")
    a = p.parse_args()
    extra = json.loads(a.meta_json.read_text()) if a.meta_json else None
    if a.joint:
        print(assemble_joint(a.joint, a.out, a.version, extra, a.model_card))
    elif a.syntax and a.ner:
        print(assemble(a.syntax, a.ner, a.out, a.version, extra, a.model_card))
    else:
        p.error("give --joint, or both --syntax and --ner")
