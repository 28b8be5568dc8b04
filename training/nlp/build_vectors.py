"""Build the floret static vectors used by the NER tok2vec (``configs/ner.cfg``).

    python training/nlp/build_vectors.py --data ../shared/data --cache /work/corpus_cache

Reads TRAINING splits only (never CoNLL testa/testb, EWT/GUM dev/test or other held-out text):
CoNLL-2003 eng.train (twice: in-domain), UD EWT train, GUM train, FNC-1 train bodies,
PolNeAR train texts, PTC (persuasion) train articles; ~2.6M tokens in all.
Writes, all outside the repo:

* ``<cache>/vectors_raw.txt``: one tokenized line per sentence/paragraph (spaCy's English tokenizer),
* ``<cache>/vectors.floret``: floret skipgram vectors (100 dims, 50k hash rows, char 3-5-grams),
* ``<cache>/vectors_floret/``: a blank spaCy pipeline holding them (``--paths.vectors`` for training).

floret mode stores only hashed subword rows, so no word list of the corpora ends up in the model.
Needs the ``floret`` package at build time only (not at run time).
"""
from __future__ import annotations

import argparse
import csv
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

FLORET_PARAMS = {
    "model": "skipgram", "mode": "floret", "hashCount": 2, "bucket": 50000, "minn": 3, "maxn": 5,
    "minCount": 2, "dim": 100, "epoch": 5, "thread": 1, "lr": 0.05, "ws": 5, "neg": 10, "verbose": 0,
}


def conll2003_sentences(path: Path) -> Iterator[str]:
    sent: list[str] = []
    for line in path.read_text(encoding="utf8").split("\n"):
        if not line.strip() or line.startswith("-DOCSTART-"):
            if sent:
                yield " ".join(sent)
            sent = []
            continue
        sent.append(line.split(" ")[0])
    if sent:
        yield " ".join(sent)


def conllu_sentences(path: Path) -> Iterator[str]:
    sent: list[str] = []
    for line in path.read_text(encoding="utf8").split("\n"):
        if line.startswith("#"):
            continue
        if not line.strip():
            if sent:
                yield " ".join(sent)
            sent = []
            continue
        cols = line.split("\t")
        if "-" not in cols[0] and "." not in cols[0]:
            sent.append(cols[1])
    if sent:
        yield " ".join(sent)


def news_texts(data: Path) -> Iterator[str]:
    csv.field_size_limit(10**9)
    with open(data / "stance/fnc1/train/bodies.csv", encoding="utf8", newline="") as fh:
        for row in csv.DictReader(fh):
            yield row["articleBody"]
    for pattern in ("polnear/train/text/*.txt", "persuasion/ptc/train/train-articles/*.txt"):
        for f in sorted(data.glob(pattern)):
            yield f.read_text(encoding="utf8")


def write_corpus(data: Path, out: Path) -> int:
    import spacy

    tokenizer = spacy.blank("en")
    paragraphs = [p.strip() for t in news_texts(data) for p in re.split(r"\n+", t) if p.strip()]
    n = 0
    with open(out, "w", encoding="utf8") as fh:
        for doc in tokenizer.pipe(paragraphs, batch_size=1000):
            fh.write(" ".join(t.text for t in doc if not t.is_space) + "\n")
            n += len(doc)
        for _ in range(2):
            for s in conll2003_sentences(data / "conll2003/eng.train"):
                fh.write(s + "\n")
                n += s.count(" ") + 1
        for f in ("ud-ewt/en_ewt-ud-train.conllu", "gum/gum-train.conllu"):
            for s in conllu_sentences(data / f):
                fh.write(s + "\n")
                n += s.count(" ") + 1
    return n


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--cache", type=Path, default=Path("/work/corpus_cache"))
    a = p.parse_args(argv)
    import floret

    a.cache.mkdir(parents=True, exist_ok=True)
    raw, vec, spacy_dir = a.cache / "vectors_raw.txt", a.cache / "vectors.floret", a.cache / "vectors_floret"
    print(f"[vectors] corpus {raw}: {write_corpus(a.data, raw)} tokens", flush=True)
    model = floret.train_unsupervised(str(raw), **FLORET_PARAMS)
    model.save_floret_vectors(str(vec))
    subprocess.run([sys.executable, "-m", "spacy", "init", "vectors", "en", str(vec), str(spacy_dir),
                    "--mode", "floret"], check=True)
    print(f"[vectors] wrote {spacy_dir}", flush=True)


if __name__ == "__main__":
    main()
