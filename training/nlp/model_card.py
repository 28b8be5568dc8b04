"""Render MODEL_CARD.md for the news_pipeline from benchmark JSON outputs.

    python benchmarks/nlp.py --data ../shared/data --json > /tmp/test.json
    python benchmarks/nlp.py --data ../shared/data --split dev --no-speed --json > /tmp/dev.json
    python training/nlp/model_card.py --model src/claimtrace/models/news_pipeline \
        --test /tmp/test.json --dev /tmp/dev.json

Writes MODEL_CARD.md into the model folder (only that file is touched).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path


def pct(d, k):
    v = d.get(k)
    return "–" if v is None else f"{100 * v:.2f}"


def render(meta: dict, test: dict, dev: dict, notes: str = "", speed_numpy: dict | None = None) -> str:
    tr = meta.get("claimtrace_training", {})
    perf = meta.get("performance", {})
    comps = ", ".join(meta.get("pipeline", []))
    L = []
    L.append(f"# news_pipeline {meta.get('version')} — claimtrace English pipeline (spaCy {test.get('spacy_version')})\n")
    L.append(meta.get("description", "") + "\n")
    L.append("Load: `spacy.load(path_to_this_folder)`. Offline; no spacy-lookups-data, no downloads. claimtrace's "
             "`load_pipeline()` (and `benchmarks/nlp.py`) add the rule step `claimtrace_ner_consistency` right after `ner` "
             "(one label per name within a document, see `claimtrace/nlp/ner_consistency.py`); all NER scores below include it.\n")
    L.append("## Components\n")
    L.append(f"Pipeline: `{comps}` (+ spaCy's default English tokenizer rules).\n")
    L.append("| component | sets | trained on |\n|---|---|---|")
    L.append("| tokenizer | tokens (English rules; splits `don't` → `do n't` like UD words) | rules |")
    L.append("| tok2vec | shared features for tagger/morphologizer/lemmatizer/parser: MultiHashEmbed (NORM, PREFIX, SUFFIX, SHAPE; rows 10000/4000/4000/1000) + MaxoutWindowEncoder (width 192, depth 4, window 1, maxout 3) | UD EWT train + GUM train |")
    L.append("| tagger | `token.tag_` (PTB XPOS) | UD EWT + GUM |")
    L.append("| morphologizer | `token.pos_` (UPOS) and `token.morph` (UD FEATS) | UD EWT + GUM |")
    L.append("| trainable_lemmatizer | `token.lemma_` (edit-tree lemmatizer, backoff = form) | UD EWT + GUM |")
    L.append("| parser | `token.dep_` (UD v2 relations incl. subtypes; root label is spaCy's `ROOT`), `token.head`, `doc.sents` | UD EWT + GUM |")
    L.append(f"| ner | `doc.ents` with PER, ORG, LOC, MISC; its own tok2vec ({meta.get('claimtrace_ner_tok2vec', 'see config.cfg')}) "
             f"| {meta.get('claimtrace_ner_trained_on', 'CoNLL-2003 eng.train')} |")
    L.append("")
    L.append("## Training data, licences, commits\n")
    L.append("| data | role | source @ commit | licence |\n|---|---|---|---|")
    L.append("| UD English-EWT (train 12,544 sents; dev; test) | syntax train / dev / test | UniversalDependencies/UD_English-EWT @ 15d613d8447b3478787d4c278730a1e48a945efb (train rebuilt byte-identical from the repo sources) | CC BY-SA 4.0 (texts: LDC EWT, partly © Google/Yahoo!/UPenn/authors) |")
    L.append("| GUM, genres academic, bio, court, interview, news, voyage (train 3,707 sents; dev; test) | syntax train / dev / test | amir-zeldes/gum @ 72ce5ac14978a324c2fd18d49484e65292cbe316 | annotations CC BY 4.0; texts CC BY 4.0 / CC BY 2.5 / CC BY-SA 3.0 per genre |")
    L.append("| CoNLL-2003 English (eng.train / eng.testa / eng.testb) | NER train / dev (all choices) / test; the shipped NER's final fit also trains on eng.testa | glample/tagger @ 1c9618889fb89500cc5e70c45c27859b89d44449 | Reuters RCV1 research agreement, not an open licence; only the trained weights are shipped |")
    L.append("| floret vectors corpus: CoNLL-2003 eng.train (×2), UD EWT train, GUM train, FNC-1 train bodies, PolNeAR train texts, "
             "PTC (SemEval-2020 T11) train articles; 2.56M tokens, built by `training/nlp/build_vectors.py` | static vectors of the NER "
             "tok2vec (floret: 50,000 hashed subword rows × 100, no word list) | UKPLab/coling2018_fake-news-challenge @ "
             "6446c4459b520b7f7713bc66117917e341d899dc; networkdynamics/PolNeAR @ c3eee833c035bf7b8c84f55b58c0bf7346cfae76; "
             "yrf1/SemEval23-Task-3-UIUC-Team @ 259634db215b4e2d999389348ad45100e34b6bf2 (PTC v2 copy); CoNLL/EWT/GUM as above "
             "| research use (no licence files; texts belong to their publishers); only the learned hashed vectors are shipped |")
    L.append("| UNER English-PUD | NER test only (not trained on) | UniversalNER/UNER_English-PUD @ 07ea0553144e3fcf3d6633efe2a075b725a0d262 | CC BY-SA 3.0 |")
    L.append("")
    L.append("Licence of this model: the syntax components are derived from CC BY-SA annotations (EWT, GUM bio/voyage), so "
             "treat the model as **CC BY-SA 4.0** with attribution to UD English-EWT (Stanford) and GUM (Zeldes 2017). "
             "The NER weights are trained on CoNLL-2003/Reuters data under its research agreement; check it before any "
             "commercial redistribution. No corpus text is included in this folder (vocab/strings hold hashed features and "
             "token strings seen by the model, as in any spaCy pipeline).\n")
    L.append("## Training\n")
    L.append("```bash\npython training/nlp/train.py --data ../shared/data --out src/claimtrace/models/news_pipeline\n```\n")
    L.append("Two parallel spaCy trainings (one thread each), `model-best` by dev score, then assembly (see training/nlp/README.md). "
             "Conversion: CoNLL-U multiword tokens split into syntactic words, 10 sentences per doc within a document; "
             "CoNLL-2003 IOB1 → IOB2 → BILUO, `-DOCSTART-` skipped, 10 sentences per doc. No pretrained vectors from elsewhere: "
             "the NER's floret vectors are trained by `training/nlp/build_vectors.py` on training-split text only.\n")
    if tr.get("wall_time_s"):
        L.append(f"Training wall time: {tr['wall_time_s'] / 60:.0f} min on 2 shared CPU cores (other jobs were running).\n")
    if notes:
        L.append(notes + "\n")
    L.append("## Scores\n")
    L.append(f"Measured with `python benchmarks/nlp.py --data ../shared/data [--split dev] --json` on {test.get('date_utc')} UTC. "
             "Syntax: gold tokenization and gold sentences, LAS counts every word incl. punctuation and needs the full label "
             "(subtypes) to match; LAS-core ignores subtypes; no-punct = spaCy's convention.\n")
    L.append("| metric | EWT dev | EWT test | GUM dev | GUM test |\n|---|---|---|---|---|")
    for name, k in (("UPOS acc", "upos_acc"), ("PTB tag acc", "tag_acc"), ("lemma acc", "lemma_acc"), ("UAS", "uas"),
                    ("LAS", "las"), ("LAS-core", "las_core"), ("UAS no-punct", "uas_nopunct"), ("LAS no-punct", "las_nopunct")):
        L.append(f"| {name} | {pct(dev, k + '_ewt_dev')} | {pct(test, k + '_ewt_test')} | {pct(dev, k + '_gum_dev')} | {pct(test, k + '_gum_test')} |")
    L.append("")
    L.append("Sentence boundaries from raw text (EWT, each document's sentences joined by one space, exact sentence span match):\n")
    L.append("| | P | R | F1 |\n|---|---|---|---|")
    L.append(f"| EWT dev | {pct(dev, 'sent_p_ewt_dev')} | {pct(dev, 'sent_r_ewt_dev')} | {pct(dev, 'sent_f1_ewt_dev')} |")
    L.append(f"| EWT test | {pct(test, 'sent_p_ewt_test')} | {pct(test, 'sent_r_ewt_test')} | {pct(test, 'sent_f1_ewt_test')} |")
    L.append("")
    L.append("NER (exact span match; gold tokens; one doc per source document):\n")
    L.append("| set | P | R | F1 | PER F1 | ORG F1 | LOC F1 | MISC F1 |\n|---|---|---|---|---|---|---|---|")
    for name, d, key in (("CoNLL-2003 eng.testa (dev)", dev, "conll_testa"), ("CoNLL-2003 eng.testb (test)", test, "conll_testb"),
                         ("UNER English-PUD (test, MISC predictions ignored)", test, "pud")):
        L.append(f"| {name} | {pct(d, 'ner_p_' + key)} | {pct(d, 'ner_r_' + key)} | {pct(d, 'ner_f1_' + key)} | "
                 + " | ".join(pct(d, f"ner_f1_{key}_{lab}") for lab in ("PER", "ORG", "LOC", "MISC")) + " |")
    L.append("")
    if "words_per_s_1proc" in test:
        L.append(f"Speed and memory ({test.get('articles')} texts of ~{test.get('words_per_article')} words built from GUM/EWT dev sentences; "
                 f"thinc {'numpy' if test.get('numpy_ops') else 'default (blis)'} ops; 1-min load average before the run: "
                 f"{test.get('loadavg_1min_before_speed')}, i.e. the 2 cores were shared with other jobs):\n")
        L.append("| metric | value |\n|---|---|")
        L.append(f"| n_process=1 | {test['words_per_s_1proc']:.0f} words/s, {test['articles_per_s_1proc']:.1f} articles/s |")
        L.append(f"| n_process=1, per CPU-second | {test['words_per_cpu_s_1proc']:.0f} words, {test['articles_per_cpu_s_1proc']:.1f} articles |")
        L.append(f"| n_process=2 | {test['words_per_s_2proc']:.0f} words/s, {test['articles_per_s_2proc']:.1f} articles/s |")
        if speed_numpy:
            sn = speed_numpy
            L.append(f"| with numpy/OpenBLAS ops (`NumpyOps(use_blis=False)` before `spacy.load`), per CPU-second | {sn['words_per_cpu_s_1proc']:.0f} words, {sn['articles_per_cpu_s_1proc']:.1f} articles |")
            L.append(f"| with numpy ops, n_process=1 / 2 (wall, load {sn['loadavg_1min_before_speed']:.1f}) | {sn['words_per_s_1proc']:.0f} / {sn['words_per_s_2proc']:.0f} words/s, {sn['articles_per_s_1proc']:.1f} / {sn['articles_per_s_2proc']:.1f} articles/s |")
        L.append(f"| peak RSS (load + process all texts) | {test['peak_rss_mb']:.0f} MB |")
        L.append(f"| cold start (new python: import spaCy + load + 1 article) | {test['cold_start_s']:.2f} s (load + first article: {test['load_and_first_doc_s']:.2f} s) |")
        L.append(f"| size on disk | {test['model_size_mb']} MB |")
        L.append("")
    if perf:
        L.append("Training-time dev scores stored in meta.json `performance` (spaCy's own scorer: predicted tokenization aligned to gold, "
                 "10-sentence docs, punctuation excluded): "
                 + ", ".join(f"{k} {100 * perf[k]:.2f}" for k in ("tag_acc", "pos_acc", "morph_acc", "lemma_acc", "dep_uas", "dep_las", "sents_f", "ents_f")
                             if isinstance(perf.get(k), (int, float))) + ".\n")
    L.append("## Limitations\n")
    L.append("- Trained from scratch; the only pretrained features are the NER's floret vectors from 2.56M tokens of "
             "training text: rare words and names outside the training genres are weaker.")
    L.append("- NER follows CoNLL-2003 (Reuters 1996) conventions; MISC covers nationalities, events, works etc. "
             "UNER/PUD has no MISC, so MISC predictions are ignored there.")
    L.append("- Syntax follows UD v2 (EWT 2025, GUM 2025) guidelines; web/blog text (EWT) and six GUM genres.")
    L.append("- Tagger and morphologizer are independent: `tag_` and `pos_` can disagree on a few tokens.")
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--model", type=Path, required=True)
    p.add_argument("--test", type=Path, required=True)
    p.add_argument("--dev", type=Path, required=True)
    p.add_argument("--notes", type=Path, default=None)
    p.add_argument("--speed-numpy", type=Path, default=None, help="benchmark JSON run with --numpy-ops (speed keys used)")
    a = p.parse_args()
    meta = json.loads((a.model / "meta.json").read_text())
    test = json.loads(a.test.read_text().strip().splitlines()[-1])
    dev = json.loads(a.dev.read_text().strip().splitlines()[-1])
    notes = a.notes.read_text() if a.notes else ""
    sn = json.loads(a.speed_numpy.read_text().strip().splitlines()[-1]) if a.speed_numpy else None
    (a.model / "MODEL_CARD.md").write_text(render(meta, test, dev, notes, sn), encoding="utf8")
    print(a.model / "MODEL_CARD.md")
