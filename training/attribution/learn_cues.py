"""Learn the attribution cue lexicon from PolNeAR train (one command).

    python training/attribution/learn_cues.py --data /work/shared/data/polnear/train \
        --out src/claimtrace/data/attribution/cues.json

For every word form that heads a gold cue span (the first word of the cue that
is not an auxiliary, negation or adverb: "has said" -> "said") it counts how
often the form is a cue head and how often it occurs at all, and stores
``{form: {"lemma", "cue", "total", "p"}}``. Lemmas come from the corpus
vocabulary ("noted" -> "note" because "note" occurs, "warned" -> "warn").
Only counts and lemmas are written: no text of the corpus.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from claimtrace.extract.attribution.evaluation import parse_brat  # noqa: E402
from claimtrace.extract.attribution.lexicon import words  # noqa: E402

WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
NOT_HEAD = words(
    "has have had having is are was were be been being also will would did does do not n't never "
    "later then further previously repeatedly publicly again just even still recently once already "
    "first often reportedly allegedly openly privately long last night widely can could may might must "
    "should shall to 's 've 'd 're"
)
IRREGULAR = {
    "said": "say", "says": "say", "told": "tell", "wrote": "write", "written": "write",
    "thought": "think", "found": "find", "spoke": "speak", "spoken": "speak", "felt": "feel",
    "knew": "know", "known": "know", "saw": "see", "seen": "see", "made": "make", "held": "hold",
    "took": "take", "taken": "take", "gave": "give", "given": "give", "meant": "mean",
    "swore": "swear", "sworn": "swear", "forecast": "forecast", "foresaw": "foresee",
    "taught": "teach", "understood": "understand", "heard": "hear", "put": "put", "set": "set",
    "read": "read", "sought": "seek", "brought": "bring", "became": "become", "led": "lead",
    "according": "according to", "shown": "show",
}
MIN_COUNT = 3


def cue_head(cue_text: str) -> str | None:
    """The word of a cue span that names the attributing act ("has also said" -> "said")."""
    words = WORD.findall(cue_text.lower())
    for word in words:
        if word not in NOT_HEAD:
            return word
    return None


def lemma(form: str, vocabulary: set[str]) -> str:
    """Base form of a verb or noun form, checked against the words the corpus contains."""
    if form in IRREGULAR:
        return IRREGULAR[form]
    candidates: list[str] = []
    if form.endswith("ied") or form.endswith("ies"):
        candidates.append(form[:-3] + "y")
    if form.endswith("ing"):
        stem = form[:-3]
        candidates += [stem + "e", stem, stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else ""]
    elif form.endswith("ed"):
        stem = form[:-2]
        candidates += [form[:-1], stem, stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else ""]
    elif form.endswith("s") and not form.endswith("ss"):
        candidates += [form[:-1], form[:-2] if form.endswith("es") else ""]
    for candidate in candidates:
        if len(candidate) > 2 and candidate in vocabulary:
            return candidate
    return form


def learn(data: Path) -> dict[str, dict[str, float | int | str]]:
    totals: Counter[str] = Counter()
    heads: Counter[str] = Counter()
    text_dir, ann_dir = data / "text", data / "attributions"
    for text_path in sorted(text_dir.glob("*.txt")):
        text = text_path.read_text(encoding="utf-8")
        totals.update(WORD.findall(text.lower()))
        for ann_path in sorted(ann_dir.glob(text_path.stem + "_*.ann"))[:1]:
            for attribution in parse_brat(ann_path.read_text(encoding="utf-8"), text):
                cue_text = " ".join(text[s:e] for s, e in attribution.cue)
                head = cue_head(cue_text)
                if head:
                    heads[head] += 1
    vocabulary = set(totals)
    lexicon = {}
    for form, count in heads.items():
        if count < MIN_COUNT:
            continue
        total = max(totals[form], count)
        lexicon[form] = {"lemma": lemma(form, vocabulary), "cue": count, "total": total,
                         "p": round(count / total, 4)}
    return dict(sorted(lexicon.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="PolNeAR train folder")
    parser.add_argument("--out", type=Path, required=True, help="where to write cues.json")
    args = parser.parse_args()
    lexicon = learn(args.data)
    payload = {
        "about": "Attribution cue heads learned from PolNeAR v1.0.0 train (networkdynamics/PolNeAR "
                 "c3eee833): per word form its lemma, cue-head count, corpus count and P(cue | form). "
                 "Counts only; research-use corpus (Newell, Margolin & Ruths 2018).",
        "min_count": MIN_COUNT,
        "cues": lexicon,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(lexicon)} cue forms -> {args.out}")


if __name__ == "__main__":
    main()
