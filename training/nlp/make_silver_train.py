"""Make a joint training dir of gold and silver `.spacy` files, each gold file linked several times.

    python training/nlp/make_silver_train.py --cache /work/corpus_cache --silver silver/silver-ner-2m.spacy \
        --out /work/corpus_cache/joint-silver2-train --ud-times 4 --conll-times 2

spaCy's corpus reader reads every `.spacy` file under the train path and shuffles all docs each epoch, so a
file linked N times is seen N times per epoch. Oversampling the gold keeps the syntax layers' share of each
batch when ~1.8M words of silver NER docs (``silver_ner.py``) join the ~0.5M gold words (experiment J3).
"""
from __future__ import annotations

import argparse
from pathlib import Path

UD_FILES = ("ewt-train.spacy", "gum-train.spacy")
CONLL_FILES = ("conll-train.spacy",)
FINAL_FIT_CONLL_FILES = ("conll-train.spacy", "conll-testa.spacy")


def link(out: Path, target: Path, name: str) -> None:
    if not target.is_file():
        raise SystemExit(f"missing corpus file: {target}")
    (out / name).symlink_to(target.resolve())


def make_dir(
    cache: Path, silver: Path, out: Path, ud_times: int, conll_times: int, final_fit: bool = False
) -> list[str]:
    out.mkdir(parents=True, exist_ok=False)
    conll_files = FINAL_FIT_CONLL_FILES if final_fit else CONLL_FILES
    for files, times in ((UD_FILES, ud_times), (conll_files, conll_times)):
        for name in files:
            for i in range(times):
                link(out, cache / name, f"{Path(name).stem}-{i + 1}.spacy")
    link(out, cache / silver, silver.name)
    return sorted(p.name for p in out.iterdir())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=Path("/work/corpus_cache"))
    parser.add_argument("--silver", type=Path, required=True, help="silver .spacy file, relative to --cache")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--ud-times", type=int, default=4)
    parser.add_argument("--conll-times", type=int, default=2)
    parser.add_argument(
        "--final-fit", action="store_true",
        help="add CoNLL eng.testa to the gold NER docs (the final fit, at a step count chosen on testa before)",
    )
    args = parser.parse_args(argv)
    names = make_dir(args.cache, args.silver, args.out, args.ud_times, args.conll_times, args.final_fit)
    print(f"[silver-train] {args.out}: {', '.join(names)}")


if __name__ == "__main__":
    main()
