"""Benchmark the claimtrace English pipeline (src/claimtrace/models/news_pipeline).

    python benchmarks/nlp.py --data ../shared/data [--model PATH] [--split test|dev] [--json]

What is measured (all data is read from --data at run time; nothing is stored):

* Syntax on UD English-EWT and GUM (test split by default, ``--split dev`` for
  the dev splits): UPOS accuracy (token.pos_), PTB tag accuracy (token.tag_),
  lemma accuracy, UAS and LAS.  Gold tokenization *and* gold sentences: each
  gold sentence becomes an ``Example`` whose predicted side is a Doc with the
  gold words/spaces, so tokenizer errors do not count.  LAS uses the full UD
  label incl. subtypes (``nsubj:pass``) and counts every word, punctuation
  included (CoNLL 2018 style, but stricter because subtypes must match).
  ``*_nopunct`` gives spaCy's Scorer convention (punct excluded), and
  ``las_*_core`` strips subtypes (CoNLL 2018 shared-task LAS).
* Sentence segmentation on EWT (test/dev): for every ``# newdoc`` document the
  raw text is rebuilt by joining the gold ``# text`` lines of its sentences
  with ONE space (no paragraph breaks, so the pipeline gets no layout hint).
  The text goes through the full pipeline (our tokenizer + parser-derived
  sentences).  A predicted sentence is correct if its character span (with
  surrounding whitespace trimmed) equals a gold sentence span.  P/R/F1 over
  sentences, micro-averaged over all documents.
* The pipeline is the model plus the rule steps ``load_pipeline`` adds to it
  (``claimtrace.nlp.add_core_steps``: NER label consistency, paragraph breaks),
  i.e. exactly what users get before the claimtrace extractors.
* NER on CoNLL-2003 ``eng.testb`` (``eng.testa`` with ``--split dev``): gold
  tokens, one Doc per ``-DOCSTART-`` document (document context), IOB1 -> IOB2.
  Exact-span P/R/F1 overall and per type (spaCy Scorer).
* NER on UNER English-PUD (test only; news + Wikipedia): gold tokens, one Doc
  per ``# newdoc``.  PUD has only PER/ORG/LOC, so predicted MISC entities are
  dropped before scoring (they are neither counted as errors nor as hits);
  the number of dropped MISC predictions is reported.
* Throughput: ~600-word "articles" built by concatenating the raw ``# text``
  sentences of GUM dev and EWT dev (5 sentences per paragraph), processed with
  ``nlp.pipe`` with n_process=1 and n_process=2 (each worker pinned to one
  thread; the default thinc ops are used unless ``--numpy-ops``).
* Peak RSS: ``ru_maxrss`` of a fresh subprocess that loads the pipeline and
  processes all benchmark articles with n_process=1.
* Cold start: wall time of a fresh ``python`` subprocess that imports spaCy,
  loads the pipeline and processes one article (also the in-process part).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import spacy  # noqa: E402
from spacy.scorer import Scorer  # noqa: E402
from spacy.tokens import Doc  # noqa: E402
from spacy.training import Example, biluo_tags_to_spans, iob_to_biluo  # noqa: E402

from claimtrace.nlp import add_core_steps  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = REPO / "src" / "claimtrace" / "models" / "news_pipeline"


# ----------------------------------------------------------------- readers
def read_conllu(path: Path) -> list[dict]:
    """Return sentences: dict(newdoc, text, words, spaces, upos, xpos, lemma, head, deprel)."""
    sents = []
    for block in Path(path).read_text(encoding="utf8").strip().split("\n\n"):
        lines = [ln for ln in block.strip().split("\n") if ln]
        if not lines:
            continue
        s = dict(newdoc=False, text=None, words=[], spaces=[], upos=[], xpos=[],
                 lemma=[], head=[], deprel=[])
        mwt_end, mwt_space = -1, True
        for ln in lines:
            if ln.startswith("#"):
                if ln.startswith("# newdoc"):
                    s["newdoc"] = True
                elif ln.startswith("# text = "):
                    s["text"] = ln[len("# text = "):]
                continue
            c = ln.split("\t")
            if "." in c[0]:
                continue
            if "-" in c[0]:
                mwt_end = int(c[0].split("-")[1])
                mwt_space = "SpaceAfter=No" not in c[9]
                continue
            i = int(c[0])
            if i < mwt_end:
                space = False
            elif i == mwt_end:
                space = mwt_space
            else:
                space = "SpaceAfter=No" not in c[9]
            s["words"].append(c[1])
            s["spaces"].append(space)
            s["lemma"].append(c[2])
            s["upos"].append(c[3])
            s["xpos"].append(c[4])
            s["head"].append(int(c[6]))
            s["deprel"].append(c[7])
        sents.append(s)
    return sents


def read_conll2003(path: Path) -> list[list[tuple[list[str], list[str]]]]:
    docs: list[list] = [[]]
    words: list[str] = []
    tags: list[str] = []

    def flush():
        nonlocal words, tags
        if words:
            docs[-1].append((words, tags))
        words, tags = [], []

    for raw in Path(path).read_text(encoding="utf8").split("\n"):
        line = raw.strip()
        if line.startswith("-DOCSTART-"):
            flush()
            if docs[-1]:
                docs.append([])
            continue
        if not line:
            flush()
            continue
        parts = line.split()
        words.append(parts[0])
        tags.append(parts[-1])
    flush()
    return [d for d in docs if d]


def iob1_to_iob2(tags: list[str]) -> list[str]:
    out, prev = [], "O"
    for t in tags:
        if t.startswith("I-") and (prev == "O" or prev[2:] != t[2:]):
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


def read_uner(path: Path) -> list[list[tuple[list[str], list[str]]]]:
    docs: list[list] = []
    words: list[str] = []
    tags: list[str] = []
    for block in Path(path).read_text(encoding="utf8").strip().split("\n\n"):
        words, tags = [], []
        newdoc = False
        for ln in block.strip().split("\n"):
            if ln.startswith("#"):
                newdoc = newdoc or ln.startswith("# newdoc")
                continue
            c = ln.split("\t")
            words.append(c[1])
            tags.append(c[2])
        if newdoc or not docs:
            docs.append([])
        docs[-1].append((words, tags))
    return docs


# ----------------------------------------------------------------- syntax
LIMIT = 0  # --limit: only for quick smoke tests


def _lim(xs):
    return xs[:LIMIT] if LIMIT else xs


def eval_syntax(nlp, conllu: Path) -> dict[str, float]:
    sents = _lim(read_conllu(conllu))
    vocab = nlp.vocab
    preds = [Doc(vocab, words=s["words"], spaces=s["spaces"]) for s in sents]
    preds = list(nlp.pipe(preds, batch_size=64))
    c = defaultdict(int)
    for s, d in zip(sents, preds, strict=False):
        assert len(d) == len(s["words"])
        for i, t in enumerate(d):
            gh = s["head"][i] - 1 if s["head"][i] > 0 else i
            gd = s["deprel"][i]
            pd = "root" if t.dep_ == "ROOT" else t.dep_
            # predicted head outside the gold sentence cannot happen: one Doc per sentence
            c["n"] += 1
            c["upos"] += t.pos_ == s["upos"][i]
            c["xpos"] += t.tag_ == s["xpos"][i]
            c["lemma"] += t.lemma_ == s["lemma"][i]
            uas = t.head.i == gh
            c["uas"] += uas
            c["las"] += uas and pd == gd
            c["las_core"] += uas and pd.split(":")[0] == gd.split(":")[0]
            if s["upos"][i] != "PUNCT":
                c["n_np"] += 1
                c["uas_np"] += uas
                c["las_np"] += uas and pd == gd
    n, nnp = c["n"], c["n_np"]
    return {
        "upos": c["upos"] / n, "tag": c["xpos"] / n, "lemma": c["lemma"] / n,
        "uas": c["uas"] / n, "las": c["las"] / n, "las_core": c["las_core"] / n,
        "uas_nopunct": c["uas_np"] / nnp, "las_nopunct": c["las_np"] / nnp,
        "words": n,
    }


def eval_sentences(nlp, conllu: Path) -> dict[str, float]:
    sents = read_conllu(conllu)
    docs: list[list[str]] = []
    for s in sents:
        if s["newdoc"] or not docs:
            docs.append([])
        docs[-1].append(s["text"])
    texts, golds = [], []
    for d in _lim(docs):
        text, spans, _pos = "", set(), 0
        for j, st in enumerate(d):
            st = st.strip()
            if j:
                text += " "
            start = len(text)
            text += st
            spans.add((start, len(text)))
        texts.append(text)
        golds.append(spans)
    tp = npred = ngold = 0
    for text, gold, doc in zip(texts, golds, nlp.pipe(texts, batch_size=32), strict=False):
        pred = set()
        for sent in doc.sents:
            a, b = sent.start_char, sent.end_char
            seg = text[a:b]
            a += len(seg) - len(seg.lstrip())
            b -= len(seg) - len(seg.rstrip())
            if b > a:
                pred.add((a, b))
        tp += len(pred & gold)
        npred += len(pred)
        ngold += len(gold)
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f": f, "docs": len(texts), "gold_sents": ngold}


# ----------------------------------------------------------------- NER
def _ner_examples(nlp, docs, iob1: bool, drop_labels=()) -> tuple[list[Example], int]:
    vocab = nlp.vocab
    golds = []
    for d in _lim(docs):
        words, tags = [], []
        for w, t in d:
            words.extend(w)
            tags.extend(iob1_to_iob2(t) if iob1 else t)
        g = Doc(vocab, words=words)
        g.ents = biluo_tags_to_spans(g, iob_to_biluo(tags))
        golds.append(g)
    preds = list(nlp.pipe((Doc(vocab, words=[t.text for t in g]) for g in golds), batch_size=16))
    dropped = 0
    exs = []
    for p, g in zip(preds, golds, strict=False):
        if drop_labels:
            keep = [e for e in p.ents if e.label_ not in drop_labels]
            dropped += len(p.ents) - len(keep)
            p.ents = keep
        exs.append(Example(p, g))
    return exs, dropped


def _ner_scores(exs) -> dict[str, float]:
    sc = Scorer.score_spans(exs, "ents")
    out = {"p": sc["ents_p"], "r": sc["ents_r"], "f1": sc["ents_f"]}
    for lab, v in sorted((sc.get("ents_per_type") or {}).items()):
        out[f"p_{lab}"], out[f"r_{lab}"], out[f"f1_{lab}"] = v["p"], v["r"], v["f"]
    return out


# ----------------------------------------------------------------- speed
def build_articles(data: Path, n_articles: int, words_per_article: int = 600) -> list[str]:
    sents = [s["text"] for f in (data / "gum/gum-dev.conllu", data / "ud-ewt/en_ewt-ud-dev.conllu")
             for s in read_conllu(f) if s["text"]]
    arts, cur, para, k = [], [], [], 0
    while len(arts) < n_articles:
        st = sents[k % len(sents)]
        k += 1
        para.append(st)
        cur_words = sum(len(x.split()) for p in cur for x in p) + sum(len(x.split()) for x in para)
        if len(para) == 5 or cur_words >= words_per_article:
            cur.append(para)
            para = []
        if cur_words >= words_per_article:
            arts.append("\n\n".join(" ".join(p) for p in cur))
            cur = []
    return arts


def throughput(nlp, arts: list[str], n_process: int, batch_size: int = 8) -> dict[str, float]:
    list(nlp.pipe(arts[:2]))  # warm-up
    t = time.perf_counter()
    c = time.process_time()
    n_words = 0
    for doc in nlp.pipe(arts, n_process=n_process, batch_size=batch_size):
        n_words += sum(1 for tok in doc if not tok.is_space)
    dt = time.perf_counter() - t
    dc = time.process_time() - c
    ws = sum(len(a.split()) for a in arts)
    out = {"articles_per_s": len(arts) / dt, "words_per_s": ws / dt,
           "tokens_per_s": n_words / dt, "seconds": dt}
    if n_process == 1:  # CPU-time based rate: what one dedicated core delivers
        out["words_per_cpu_s"] = ws / dc
        out["articles_per_cpu_s"] = len(arts) / dc
    return out


_CHILD = r"""
import os, sys, time, json, resource
t0 = time.perf_counter()
if os.environ.get("CT_NUMPY_OPS"):
    from thinc.api import NumpyOps, set_current_ops
    set_current_ops(NumpyOps(use_blis=False))
import spacy
from claimtrace.nlp import add_core_steps
t1 = time.perf_counter()
nlp = add_core_steps(spacy.load(sys.argv[1]))
arts = json.load(open(sys.argv[2]))
doc = nlp(arts[0])
t2 = time.perf_counter()
for d in nlp.pipe(arts[1:], batch_size=8):
    pass
print(json.dumps({"import_s": t1 - t0, "load_and_first_doc_s": t2 - t1,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def cold_start_and_rss(model: Path, arts: list[str], numpy_ops: bool) -> dict[str, float]:
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(arts, fh)
        art_file = fh.name
    env = dict(os.environ)
    if numpy_ops:
        env["CT_NUMPY_OPS"] = "1"
    # cold start: load + one article only
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(arts[:1], fh)
        one_file = fh.name
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _CHILD, str(model), one_file], env=env,
                         capture_output=True, text=True, check=True)
    cold = time.perf_counter() - t
    cold_in = json.loads(out.stdout.strip().splitlines()[-1])
    out = subprocess.run([sys.executable, "-c", _CHILD, str(model), art_file], env=env,
                         capture_output=True, text=True, check=True)
    full = json.loads(out.stdout.strip().splitlines()[-1])
    os.unlink(art_file)
    os.unlink(one_file)
    return {"cold_start_s": cold, "cold_start_inproc_s": cold_in["import_s"] + cold_in["load_and_first_doc_s"],
            "load_and_first_doc_s": cold_in["load_and_first_doc_s"], "peak_rss_mb": full["maxrss_mb"]}


def dir_size_mb(p: Path) -> float:
    return sum(f.stat().st_size for f in Path(p).rglob("*") if f.is_file()) / 1e6


# ----------------------------------------------------------------- main
def run(data: Path, model: Path, split: str, n_articles: int, numpy_ops: bool,
        skip_speed: bool = False) -> dict[str, object]:
    if numpy_ops:
        from thinc.api import NumpyOps, set_current_ops
        set_current_ops(NumpyOps(use_blis=False))
    nlp = add_core_steps(spacy.load(model))  # exactly the trained part users get from load_pipeline
    res: dict[str, object] = {
        "model": str(model), "model_version": nlp.meta.get("version"),
        "pipeline": nlp.pipe_names, "spacy_version": spacy.__version__,
        "date_utc": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "split": split, "numpy_ops": numpy_ops, "model_size_mb": round(dir_size_mb(model), 1),
    }
    ewt = data / f"ud-ewt/en_ewt-ud-{split}.conllu"
    gum = data / f"gum/gum-{split}.conllu"
    for name, f in (("ewt", ewt), ("gum", gum)):
        s = eval_syntax(nlp, f)
        for k, v in s.items():
            key = {"upos": "upos_acc", "tag": "tag_acc", "lemma": "lemma_acc"}.get(k, k)
            res[f"{key}_{name}_{split}"] = v
    s = eval_sentences(nlp, ewt)
    res[f"sent_p_ewt_{split}"], res[f"sent_r_ewt_{split}"], res[f"sent_f1_ewt_{split}"] = s["p"], s["r"], s["f"]
    conll_name = "testb" if split == "test" else "testa"
    exs, _ = _ner_examples(nlp, read_conll2003(data / f"conll2003/eng.{conll_name}"), iob1=True)
    for k, v in _ner_scores(exs).items():
        pre, _, lab = k.partition("_")
        res[f"ner_{pre}_conll_{conll_name}" + (f"_{lab}" if lab else "")] = v
    if split == "test":
        exs, dropped = _ner_examples(nlp, read_uner(data / "uner/English-PUD/en_pud-ud-test.iob2"),
                                     iob1=False, drop_labels=("MISC",))
        for k, v in _ner_scores(exs).items():
            pre, _, lab = k.partition("_")
            res[f"ner_{pre}_pud" + (f"_{lab}" if lab else "")] = v
        res["ner_pud_dropped_misc"] = dropped
    if not skip_speed:
        arts = build_articles(data, n_articles)
        res["articles"] = len(arts)
        res["words_per_article"] = round(sum(len(a.split()) for a in arts) / len(arts), 1)
        res["loadavg_1min_before_speed"] = os.getloadavg()[0]
        for npr in (1, 2):
            t = throughput(nlp, arts, npr)
            res[f"words_per_s_{npr}proc"] = t["words_per_s"]
            res[f"articles_per_s_{npr}proc"] = t["articles_per_s"]
            if npr == 1:
                res["words_per_cpu_s_1proc"] = t["words_per_cpu_s"]
                res["articles_per_cpu_s_1proc"] = t["articles_per_cpu_s"]
        res.update(cold_start_and_rss(model, arts, numpy_ops))
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in res.items()}


def table(res: dict[str, object]) -> str:
    sp = res["split"]
    cn = "testb" if sp == "test" else "testa"
    rows = [("model", f"{res['model']} v{res['model_version']} ({res['model_size_mb']} MB)"),
            ("pipeline", ", ".join(res["pipeline"])), ("date (UTC)", res["date_utc"])]

    def pct(k):
        return f"{100 * res[k]:.2f}" if k in res else "-"
    lines = ["", f"claimtrace NLP benchmark ({sp} splits)", ""]
    lines += [f"{a:<12} {b}" for a, b in rows]
    lines += ["", f"{'syntax (gold tok+sents)':<26}{'UPOS':>7}{'TAG':>7}{'LEMMA':>7}{'UAS':>7}{'LAS':>7}{'LAScore':>8}{'LAS-nopunct':>12}"]
    for c in ("ewt", "gum"):
        lines.append(f"{c.upper() + ' ' + sp:<26}" + "".join(
            f"{pct(k + '_' + c + '_' + sp):>{w}}" for k, w in
            (("upos_acc", 7), ("tag_acc", 7), ("lemma_acc", 7), ("uas", 7), ("las", 7), ("las_core", 8), ("las_nopunct", 12))))
    lines += ["", f"sentence boundaries, EWT {sp} raw text: P {pct('sent_p_ewt_' + sp)}  R {pct('sent_r_ewt_' + sp)}  F1 {pct('sent_f1_ewt_' + sp)}", ""]
    lines.append(f"{'NER':<22}{'P':>7}{'R':>7}{'F1':>7}   per-type F1")
    for name, key in ((f"CoNLL-2003 {cn}", f"conll_{cn}"), ("UNER English-PUD", "pud")):
        if f"ner_f1_{key}" not in res:
            continue
        per = "  ".join(f"{lab} {pct(f'ner_f1_{key}_{lab}')}" for lab in ("PER", "ORG", "LOC", "MISC")
                        if f"ner_f1_{key}_{lab}" in res)
        lines.append(f"{name:<22}{pct('ner_p_' + key):>7}{pct('ner_r_' + key):>7}{pct('ner_f1_' + key):>7}   {per}")
    if "ner_pud_dropped_misc" in res:
        lines.append(f"  (PUD: {res['ner_pud_dropped_misc']} predicted MISC spans ignored)")
    if "words_per_s_1proc" in res:
        lines += ["", f"throughput ({res['articles']} articles x ~{res['words_per_article']} words, "
                      f"{'numpy' if res['numpy_ops'] else 'default'} thinc ops)"]
        for n in (1, 2):
            lines.append(f"  n_process={n}: {res[f'words_per_s_{n}proc']:.0f} words/s, {res[f'articles_per_s_{n}proc']:.1f} articles/s")
        lines.append(f"  1 process, per CPU-second: {res['words_per_cpu_s_1proc']:.0f} words, "
                     f"{res['articles_per_cpu_s_1proc']:.1f} articles (load avg before: {res['loadavg_1min_before_speed']:.1f})")
        lines.append(f"peak RSS (load + process all articles, 1 proc): {res['peak_rss_mb']:.0f} MB")
        lines.append(f"cold start (new python: import + load + 1 article): {res['cold_start_s']:.2f} s "
                     f"(load + first article only: {res['load_and_first_doc_s']:.2f} s)")
    return "\n".join(lines) + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(description="claimtrace NLP pipeline benchmark")
    p.add_argument("--data", type=Path, required=True, help="shared data folder (ud-ewt, gum, conll2003, uner)")
    p.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    p.add_argument("--split", choices=("test", "dev"), default="test",
                   help="test = final report; dev = EWT/GUM dev + CoNLL testa (model selection)")
    p.add_argument("--articles", type=int, default=120, help="number of ~600-word articles for throughput")
    p.add_argument("--numpy-ops", action="store_true",
                   help="use thinc NumpyOps(use_blis=False) (OpenBLAS gemm; faster on some CPUs)")
    p.add_argument("--no-speed", action="store_true", help="skip throughput/memory/cold-start")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--limit", type=int, default=0, help="only the first N sentences/docs per set (smoke test)")
    a = p.parse_args(argv)
    global LIMIT
    LIMIT = a.limit
    res = run(a.data, a.model, a.split, a.articles, a.numpy_ops, a.no_speed)
    if a.json:
        print(json.dumps(res))
    else:
        print(table(res))


if __name__ == "__main__":
    main()
