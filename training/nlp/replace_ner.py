"""Replace only the NER of an assembled pipeline; every other component stays byte-identical.

    python training/nlp/replace_ner.py --base src/claimtrace/models/news_pipeline \\
        --ner /work/runs/ner_final/model-last --out src/claimtrace/models/news_pipeline \
        [--meta-json extra.json] [--perf-from /work/runs/ner/model-best]

Used when the NER is retrained alone (so parses, tags and lemmas cannot change). The NER's own
tok2vec is copied in (``replace_listeners``), its static vectors become the pipeline's vectors,
``ner`` stays before the parser, the vocab is pruned as in ``assemble.py``, and the result is
swapped in atomically. Fails if any file of tok2vec/tagger/morphologizer/lemmatizer/parser changed.
"""
from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import spacy

sys.path.insert(0, str(Path(__file__).resolve().parent))
from assemble import (
    reload_with_minimal_strings,
    swap_into_place,  # noqa: E402
)

KEPT = ("tok2vec", "tagger", "morphologizer", "trainable_lemmatizer", "parser")


def replace_ner(base: Path, ner_dir: Path, out: Path, extra_meta: dict | None = None,
                perf_from: Path | None = None) -> Path:
    nlp = spacy.load(base)
    ner_nlp = spacy.load(ner_dir)
    if "tok2vec" in ner_nlp.pipe_names:
        ner_nlp.replace_listeners("tok2vec", "ner", ["model.tok2vec"])
    nlp.remove_pipe("ner")
    nlp.add_pipe("ner", source=ner_nlp, name="ner", before="parser")
    nlp.vocab.vectors = ner_nlp.vocab.vectors
    meta = dict(nlp.meta)
    perf = dict(meta.get("performance") or {})
    # a final fit on train + dev has no dev score of its own: take the train-only run's
    perf_meta = spacy.load(perf_from).meta if perf_from else ner_nlp.meta
    perf.update({k: v for k, v in (perf_meta.get("performance") or {}).items()
                 if k.startswith("ents_") or k == "ner_loss"})
    meta["performance"] = perf
    meta.update(extra_meta or {})
    nlp.meta = meta

    out.parent.mkdir(parents=True, exist_ok=True)
    full = Path(tempfile.mkdtemp(prefix=f".{out.name}.full-", dir=out.parent))
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    nlp.to_disk(full)
    reload_with_minimal_strings(full).to_disk(tmp)
    shutil.rmtree(full)
    for name in KEPT:
        if name in nlp.pipe_names:
            _, mismatch, errors = filecmp.cmpfiles(base / name, tmp / name, os.listdir(base / name), shallow=False)
            if mismatch or errors:
                shutil.rmtree(tmp)
                raise SystemExit(f"{name} changed: {mismatch + errors}")
    if (base / "MODEL_CARD.md").exists():
        shutil.copy(base / "MODEL_CARD.md", tmp / "MODEL_CARD.md")
    check = spacy.load(tmp)
    assert check.pipe_names.index("ner") < check.pipe_names.index("parser")
    return swap_into_place(tmp, out)


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base", type=Path, required=True)
    p.add_argument("--ner", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--meta-json", type=Path, default=None, help="extra meta fields (JSON)")
    p.add_argument("--perf-from", type=Path, default=None,
                   help="NER run whose dev scores go into meta performance (for a final fit on train + dev)")
    a = p.parse_args()
    extra = json.loads(a.meta_json.read_text()) if a.meta_json else None
    print(replace_ner(a.base, a.ner, a.out, extra, a.perf_from))
