"""Rebuild the claimtrace English pipeline with one command.

    python training/nlp/train.py --data ../shared/data --out src/claimtrace/models/news_pipeline

Steps
1. convert UD EWT + GUM (CoNLL-U) and CoNLL-2003 (IOB1) into .spacy corpora in
   --cache (outside the repo; default /work/corpus_cache),
2. train the syntax pipeline (tok2vec, tagger, morphologizer,
   trainable_lemmatizer, parser) and the NER pipeline (own tok2vec, ner) as two
   parallel `spacy train` runs, one CPU thread each,
3. assemble the two `model-best` pipelines into one (NER sourced with its
   tok2vec copied in via replace_listeners), set meta, and swap the result into
   --out atomically (MODEL_CARD.md in --out is kept).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import assemble  # noqa: E402
import build_vectors  # noqa: E402
import convert  # noqa: E402


def launch(cfg: Path, out: Path, log: Path, overrides: list[str]) -> subprocess.Popen:
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    cmd = [sys.executable, str(HERE / "run_spacy_train.py"), str(cfg), str(out)] + overrides
    print("[train] $", " ".join(cmd), ">", log, flush=True)
    return subprocess.Popen(cmd, stdout=open(log, "w"), stderr=subprocess.STDOUT, env=env)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--cache", type=Path, default=Path("/work/corpus_cache"))
    p.add_argument("--runs", type=Path, default=Path("/work/runs/final"), help="training output dirs + logs")
    p.add_argument("--syntax-config", type=Path, default=HERE / "configs/syntax.cfg")
    p.add_argument("--ner-config", type=Path, default=HERE / "configs/ner.cfg")
    p.add_argument("--syntax-max-steps", type=int, default=None)
    p.add_argument("--ner-max-steps", type=int, default=None)
    p.add_argument("--skip-train", action="store_true", help="only (re)assemble from existing runs")
    p.add_argument("--ner-final-fit", action="store_true",
                   help="train the NER on eng.train + eng.testa for exactly --ner-max-steps (chosen on testa "
                        "in an earlier train-only run) and use model-last; testa scores are then not dev scores")
    a = p.parse_args(argv)

    t0 = time.time()
    convert.convert_all(a.data, a.cache)
    vectors = a.cache / "vectors_floret"
    if not (vectors / "vocab").is_dir():
        build_vectors.main(["--data", str(a.data), "--cache", str(a.cache)])
    a.runs.mkdir(parents=True, exist_ok=True)
    c = a.cache
    syn_over = ["--paths.train", str(c / "syntax-train"), "--paths.dev", str(c / "syntax-dev")]
    ner_train = c / "conll-train.spacy"
    if a.ner_final_fit:
        ner_train = convert.link_corpus(c / "conll-train-testa", [c / "conll-train.spacy", c / "conll-testa.spacy"])
    ner_over = ["--paths.train", str(ner_train), "--paths.dev", str(c / "conll-testa.spacy"),
                "--paths.vectors", str(vectors)]
    if a.syntax_max_steps:
        syn_over += ["--training.max_steps", str(a.syntax_max_steps)]
    if a.ner_max_steps:
        ner_over += ["--training.max_steps", str(a.ner_max_steps)]
    if not a.skip_train:
        procs = [launch(a.syntax_config, a.runs / "syntax", a.runs / "syntax.log", syn_over),
                 launch(a.ner_config, a.runs / "ner", a.runs / "ner.log", ner_over)]
        for pr in procs:
            if pr.wait() != 0:
                sys.exit(f"training failed, see logs in {a.runs}")
    wall = time.time() - t0

    syn_best = a.runs / "syntax" / "model-best"
    ner_best = a.runs / "ner" / ("model-last" if a.ner_final_fit else "model-best")
    dev = {}
    for path in (syn_best, ner_best):
        perf = json.loads((path / "meta.json").read_text()).get("performance", {})
        dev.update({k: v for k, v in perf.items() if isinstance(v, (int, float))})
    extra = {"claimtrace_training": {
        "command": "python training/nlp/train.py " + " ".join(sys.argv[1:]) if argv is None else "",
        "wall_time_s": round(wall),
        "dev_scores": dev,
        "dev_sets": "syntax: UD EWT dev + GUM dev; NER: CoNLL-2003 eng.testa"
                    + (" (NER final fit on eng.train + eng.testa: its ents_* are not dev scores)"
                       if a.ner_final_fit else ""),
    }}
    out = assemble.assemble(syn_best, ner_best, a.out, extra_meta=extra)
    print(f"[train] wrote {out} (training wall time {wall / 60:.1f} min)")


if __name__ == "__main__":
    main()
