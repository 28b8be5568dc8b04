"""Convert the shared corpora into spaCy DocBin (.spacy) files.

Output goes to a cache directory OUTSIDE the repository (default
/work/corpus_cache); the corpora themselves must never be copied into the repo.

* UD English-EWT and GUM (CoNLL-U) -> syntax corpora.  Multiword tokens are
  split into their syntactic words (``don't`` -> ``do`` + ``n't``), which is
  what spaCy's English tokenizer produces as well.  Sentences are grouped into
  docs of ``n_sents`` sentences (never across ``# newdoc`` boundaries) so the
  parser learns sentence segmentation from running text.
* CoNLL-2003 (IOB1) -> NER corpora with PER/ORG/LOC/MISC.  ``-DOCSTART-``
  lines are skipped (they act as document boundaries), IOB1 is converted to
  IOB2 then BILUO, and ``n_sents`` sentences are grouped per doc.
"""
from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from spacy.tokens import Doc, DocBin
from spacy.training import biluo_tags_to_spans, iob_to_biluo
from spacy.training.converters.conllu_to_docs import conllu_sentence_to_doc
from spacy.vocab import Vocab


# --------------------------------------------------------------------- CoNLL-U
def read_conllu_sentences(path: Path) -> Iterator[tuple[bool, list[str], list[str]]]:
    """Yield (is_new_doc, comment_lines, token_lines) per sentence."""
    text = Path(path).read_text(encoding="utf8")
    for block in text.strip().split("\n\n"):
        lines = [ln for ln in block.strip().split("\n") if ln]
        if not lines:
            continue
        comments = [ln for ln in lines if ln.startswith("#")]
        toks = [ln for ln in lines if not ln.startswith("#")]
        newdoc = any(c.startswith("# newdoc") for c in comments)
        yield newdoc, comments, toks


def conllu_docs(path: Path, vocab: Vocab, n_sents: int = 10) -> Iterator[Doc]:
    buf: list[Doc] = []
    for newdoc, _comments, toks in read_conllu_sentences(path):
        if (newdoc and buf) or len(buf) >= n_sents:
            yield Doc.from_docs(buf)
            buf = []
        buf.append(conllu_sentence_to_doc(vocab, toks, "", merge_subtokens=False))
    if buf:
        yield Doc.from_docs(buf)


# ------------------------------------------------------------------ CoNLL-2003
def read_conll2003(path: Path) -> list[list[list[tuple[str, str]]]]:
    """Return documents -> sentences -> (word, IOB1 tag)."""
    docs: list[list[list[tuple[str, str]]]] = [[]]
    sent: list[tuple[str, str]] = []
    for raw in Path(path).read_text(encoding="utf8").split("\n"):
        line = raw.strip()
        if line.startswith("-DOCSTART-"):
            if sent:
                docs[-1].append(sent)
                sent = []
            if docs[-1]:
                docs.append([])
            continue
        if not line:
            if sent:
                docs[-1].append(sent)
                sent = []
            continue
        parts = line.split()
        sent.append((parts[0], parts[-1]))
    if sent:
        docs[-1].append(sent)
    return [d for d in docs if d]


def iob1_to_iob2(tags: list[str]) -> list[str]:
    out = []
    prev = "O"
    for tag in tags:
        if tag.startswith("I-"):
            typ = tag[2:]
            if prev == "O" or prev[2:] != typ:
                tag = "B-" + typ
        out.append(tag)
        prev = tag
    return out


def conll2003_docs(path: Path, vocab: Vocab, n_sents: int = 10) -> Iterator[Doc]:
    for document in read_conll2003(path):
        for i in range(0, len(document), n_sents):
            chunk = document[i : i + n_sents]
            words, tags, starts = [], [], []
            for sent in chunk:
                # IOB1 -> IOB2 per sentence (entities never cross sentences)
                words.extend(w for w, _ in sent)
                tags.extend(iob1_to_iob2([t for _, t in sent]))
                starts.extend([True] + [False] * (len(sent) - 1))
            doc = Doc(vocab, words=words, sent_starts=starts)
            doc.ents = biluo_tags_to_spans(doc, iob_to_biluo(tags))
            yield doc


def write(docs, out: Path) -> int:
    db = DocBin(store_user_data=False)
    n = 0
    for d in docs:
        db.add(d)
        n += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(out)
    return n


def convert_all(data: Path, out: Path, n_sents: int = 10, force: bool = False) -> None:
    data, out = Path(data), Path(out)
    vocab = Vocab()
    jobs = {
        "ewt-train.spacy": ("conllu", data / "ud-ewt/en_ewt-ud-train.conllu"),
        "ewt-dev.spacy": ("conllu", data / "ud-ewt/en_ewt-ud-dev.conllu"),
        "gum-train.spacy": ("conllu", data / "gum/gum-train.conllu"),
        "gum-dev.spacy": ("conllu", data / "gum/gum-dev.conllu"),
        "conll-train.spacy": ("conll", data / "conll2003/eng.train"),
        "conll-testa.spacy": ("conll", data / "conll2003/eng.testa"),
    }
    for name, (kind, src) in jobs.items():
        target = out / name
        if target.exists() and not force:
            print(f"[convert] exists: {target}")
            continue
        gen = conllu_docs(src, vocab, n_sents) if kind == "conllu" else conll2003_docs(src, vocab, n_sents)
        n = write(gen, target)
        print(f"[convert] {src.name} -> {target} ({n} docs)")
    # syntax train/dev = EWT + GUM merged into one directory each (spaCy's
    # corpus reader accepts a directory of .spacy files)
    for split in ("train", "dev"):
        link_corpus(out / f"syntax-{split}", [out / f"ewt-{split}.spacy", out / f"gum-{split}.spacy"])
    # joint corpora for configs/joint.cfg: UD docs carry no entities (missing for the NER), CoNLL docs no
    # tags, lemmas or heads (missing for tagger, morphologizer, lemmatizer and parser)
    link_corpus(out / "joint-train", [out / "ewt-train.spacy", out / "gum-train.spacy", out / "conll-train.spacy"])
    # dev links named so that the UD files sort first: spaCy 3.8's Scorer.score_deps carries the indices of
    # missing heads over from one example to the next, so a CoNLL doc before the UD docs masks their tokens
    link_corpus(out / "joint-dev", [out / "ewt-dev.spacy", out / "gum-dev.spacy", out / "conll-testa.spacy"],
                names=["1-ewt-dev.spacy", "2-gum-dev.spacy", "3-conll-testa.spacy"])


def link_corpus(directory: Path, files: list[Path], names: list[str] | None = None) -> Path:
    """One training corpus made of several .spacy files (a directory of symlinks, read in name order)."""
    directory.mkdir(parents=True, exist_ok=True)
    for src, name in zip(files, names or [f.name for f in files], strict=True):
        link = directory / name
        if not link.exists():
            link.symlink_to(src)
    return directory


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--cache", type=Path, default=Path("/work/corpus_cache"))
    p.add_argument("--n-sents", type=int, default=10)
    p.add_argument("--force", action="store_true")
    a = p.parse_args()
    convert_all(a.data, a.cache, a.n_sents, a.force)
