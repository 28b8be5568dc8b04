"""How fast would the trained pipeline be with a narrower or a shared encoder? Timing only, no training.

    python benchmarks/speed_architectures.py --data /work/shared/data [--rounds 3] [--json]

Builds variants of the shipped pipeline's architecture (``config.cfg`` of the bundled model) with
untrained weights, initialised on silver annotations of the first texts (the shipped pipeline's own
output, so every component has labels), and times them with ``nlp.pipe`` on one thread (CPU time,
interleaved rounds, median) against the shipped pipeline and, where installed, en_core_web_sm, over
the texts of ``benchmarks/speed.py``. Speed does not depend on the weights' values, only on the
layer sizes and the number of labels: the ``as shipped, untrained`` row measures the bias of the
method (fewer lemmatizer trees and labels in a small silver set) against the trained pipeline.

Variants: ``as shipped`` (shared tok2vec width 192; NER with its own width-192 encoder and static
vectors), ``NER on the shared encoder`` (the NER listens to the shared tok2vec),
``width 96`` (both encoders 96 wide, as en_core_web_sm), ``width 128, NER shared`` and
``width 96, NER shared``.

``--model PATH`` adds a trained pipeline (e.g. a retrained narrower encoder) as ``model``;
``--components`` also times the shipped pipeline with claimtrace's extraction steps
(``shipped_components``) and adds their cost to ``model``'s time as ``model_components`` (an estimate:
the attribution role tagger reads the shared tok2vec's output, so it only loads on the encoder it was
trained on, and a narrower one makes its first layer cheaper); ``--no-variants`` skips the untrained
variants.

JSON keys: ``<variant>_words_per_cpu_s`` and ``<variant>_ratio`` (to en_core_web_sm, > 1 is faster)
for variants shipped, shipped_untrained, ner_shared, width_96, width_128_ner_shared,
width_96_ner_shared, reference; n_texts, n_words.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from speed import measure_throughput, read_texts, reference_name, word_count  # noqa: E402

SILVER_TEXTS = 20
LISTENER = {"@architectures": "spacy.Tok2VecListener.v1", "width": 192, "upstream": "*"}


def variant_configs(config: dict) -> dict[str, dict]:
    """The architecture variants, as spaCy configs derived from the shipped one."""
    components = config["components"]

    def with_changes(shared_width: int | None = None, ner_width: int | None = None, ner_shared: bool = False) -> dict:
        changed = copy.deepcopy(config)
        parts = changed["components"]
        if shared_width:
            parts["tok2vec"]["model"]["encode"]["width"] = shared_width
            parts["tok2vec"]["model"]["embed"]["width"] = shared_width
            for name in ("tagger", "morphologizer", "trainable_lemmatizer", "parser"):
                parts[name]["model"]["tok2vec"]["width"] = shared_width
        if ner_width:
            parts["ner"]["model"]["tok2vec"]["encode"]["width"] = ner_width
            parts["ner"]["model"]["tok2vec"]["embed"]["width"] = ner_width
        if ner_shared:
            parts["ner"]["model"]["tok2vec"] = dict(LISTENER, width=shared_width or 192)
        return changed

    assert "ner" in components and "tok2vec" in components
    return {
        "shipped_untrained": with_changes(),
        "ner_shared": with_changes(ner_shared=True),
        "width_96": with_changes(shared_width=96, ner_width=96),
        "width_128_ner_shared": with_changes(shared_width=128, ner_shared=True),
        "width_96_ner_shared": with_changes(shared_width=96, ner_shared=True),
    }


def untrained_pipeline(config: dict, shipped, silver: list):  # noqa: ANN001, ANN201
    """A pipeline built from ``config`` with random weights, labels taken from the silver examples."""
    import spacy
    from spacy.training import Example

    config = spacy.util.load_config_from_str(_as_text(config))
    nlp = spacy.util.load_model_from_config(config, vocab=shipped.vocab, auto_fill=True)  # its floret vectors too
    examples = [Example(nlp.make_doc(doc.text), doc) for doc in silver]
    nlp.initialize(lambda: examples)
    return nlp


def _as_text(config: dict) -> str:
    from thinc.api import Config

    return Config(config).to_str()


def untrained_variants(shipped, texts: list[str]) -> dict:  # noqa: ANN001
    import spacy

    from claimtrace.nlp import model_path

    base = spacy.util.load_config(model_path() / "config.cfg", interpolate=True)
    raw = json.loads(json.dumps(base))  # plain dicts
    for section in ("paths", "corpora", "training", "pretraining", "initialize"):
        raw.pop(section, None)
    silver = list(shipped.pipe(texts[:SILVER_TEXTS]))
    return {name: untrained_pipeline(cfg, shipped, silver) for name, cfg in variant_configs(raw).items()}


def trained_model(model: Path, components: bool) -> dict:
    """The pipeline at ``model`` (and, with ``components``, the shipped one with claimtrace's steps)."""
    from claimtrace.nlp import load_pipeline

    pipelines = {"model": load_pipeline(str(model), with_components=False)}
    if components:
        pipelines["shipped_components"] = load_pipeline(with_components=True)
    return pipelines


def with_estimated_components(seconds: dict[str, float]) -> dict[str, float]:
    """``model_components``: the model's time plus what claimtrace's steps add to the shipped pipeline."""
    if "model" in seconds and "shipped_components" in seconds:
        seconds = dict(seconds, model_components=seconds["model"] + seconds["shipped_components"] - seconds["shipped"])
    return seconds


def run(data: Path, rounds: int, limit: int, model: Path | None = None, components: bool = False,
        variants: bool = True) -> dict:
    import spacy

    from claimtrace.nlp import load_pipeline

    texts = [body for _, body in read_texts(data, limit)]
    shipped = load_pipeline(with_components=False)
    pipelines = {"shipped": shipped}
    if variants:
        pipelines.update(untrained_variants(shipped, texts))
    if model:
        pipelines.update(trained_model(model, components))
    reference = reference_name()
    if reference:
        pipelines["reference"] = spacy.load(reference)
    systems = {name: (lambda nlp=nlp: list(nlp.pipe(texts))) for name, nlp in pipelines.items()}
    seconds = with_estimated_components(measure_throughput(systems, rounds))
    words = word_count(texts)
    figures: dict = {"n_texts": len(texts), "n_words": words, "reference": reference or "absent"}
    for name, cpu in seconds.items():
        figures[f"{name}_words_per_cpu_s"] = round(words / cpu)
        if reference:
            figures[f"{name}_ratio"] = round(seconds["reference"] / cpu, 3)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder of .txt articles, or the shared data folder")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles (0: all)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--model", type=Path, help="a trained pipeline to time against the shipped one")
    parser.add_argument("--components", action="store_true", help="with --model: also with claimtrace's steps")
    parser.add_argument("--no-variants", action="store_true", help="skip the untrained architecture variants")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"speed_architectures.py: no such folder: {args.data}", file=sys.stderr)
        return 2
    if args.model and not (args.model / "config.cfg").is_file():
        print(f"speed_architectures.py: no trained pipeline at {args.model}", file=sys.stderr)
        return 2
    figures = run(args.data, args.rounds, args.limit, args.model, args.components, not args.no_variants)
    if args.json:
        print(json.dumps(figures))
        return 0
    print(f"{figures['n_texts']} texts, {figures['n_words']:,} words; en_core_web_sm: {figures['reference']}")
    for key, value in figures.items():
        if key.endswith("_words_per_cpu_s"):
            name = key[: -len("_words_per_cpu_s")]
            print(f"  {name:<24}{value:>10,} words/CPU-s{figures.get(f'{name}_ratio', ''):>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
