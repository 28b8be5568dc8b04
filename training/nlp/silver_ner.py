"""Silver NER docs for distillation: the shipped pipeline's entities on news text of TRAINING splits only.

    python training/nlp/silver_ner.py --data ../shared/data --out /work/corpus_cache/silver-ner.spacy [--words N]

Texts: PolNeAR train, PTC train articles, FNC-1 train bodies (the news part of ``build_vectors.py``'s corpus;
never dev/test text). Each paragraph is tokenized and tagged by the pipeline at ``--model`` (default: the
shipped one, with claimtrace's consistency step); the saved docs keep only words, spaces and entities, so
for the joint training they carry NER labels and nothing else (syntax layers missing). Output goes outside
the repository.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

from spacy.tokens import Doc, DocBin

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_vectors import news_texts  # noqa: E402

PARAGRAPHS_PER_DOC = 8


def paragraphs(data: Path) -> list[str]:
    """News paragraphs, articles in a fixed shuffled order so that a word budget mixes the three sources."""
    texts = list(news_texts(data))
    random.Random(0).shuffle(texts)
    return [p.strip() for t in texts for p in re.split(r"\n+", t) if len(p.split()) >= 5]


def silver_docs(nlp, texts: list[str], max_words: int) -> list[Doc]:  # noqa: ANN001
    docs, buffer, words = [], [], 0
    for predicted in nlp.pipe(texts, batch_size=32):
        copy = Doc(predicted.vocab, words=[t.text for t in predicted], spaces=[bool(t.whitespace_) for t in predicted])
        copy.ents = [copy.char_span(e.start_char, e.end_char, label=e.label_) for e in predicted.ents]
        buffer.append(copy)
        words += len(copy)
        if len(buffer) == PARAGRAPHS_PER_DOC:
            docs.append(Doc.from_docs(buffer))
            buffer = []
        if words >= max_words:
            break
    if buffer:
        docs.append(Doc.from_docs(buffer))
    return docs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--model", type=str, default=None, help="pipeline to distil from (default: the shipped one)")
    parser.add_argument("--words", type=int, default=400_000)
    args = parser.parse_args(argv)
    from claimtrace.nlp import load_pipeline

    nlp = load_pipeline(args.model, with_components=False)
    with nlp.select_pipes(disable=[n for n in nlp.pipe_names if n in ("parser", "claimtrace_paragraphs")]):
        docs = silver_docs(nlp, paragraphs(args.data), args.words)
    bin_ = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=False)
    for doc in docs:
        bin_.add(doc)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    bin_.to_disk(args.out)
    print(f"[silver] {len(docs)} docs, {sum(len(d) for d in docs)} words, "
          f"{sum(len(d.ents) for d in docs)} entities -> {args.out}")


if __name__ == "__main__":
    main()
