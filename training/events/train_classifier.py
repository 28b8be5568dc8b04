"""Train the event typer (``claimtrace/models/events/plover_classifier.npz``) and cross-validate it.

Data: PLOVER gold records (``PLOVER_GSR_CAMEO.txt`` layout, CC BY-SA 4.0, Open Event Data Alliance), the only
labelled event sentences in ``shared/data/events``. Each record's sentence is parsed by the shipped pipeline (its
events component off); every candidate trigger (:func:`claimtrace.extract.events.classifier.candidate`) is one
example when its word is one of the record's event words (``eventText``), labelled with the record's PLOVER 0.8
category (the category of the statement: "agreed to cooperate" is AGREE on both words). The lexicon finds
triggers at run time; the model only types them. A multinomial logistic regression (scikit-learn, training time only) is fitted, and
its weights are exported to numpy.

Scores are cross-validated: records are split into K folds; each fold's records are coded by a model fitted on
the other folds, through ``find_events`` and the benchmark's choice of the sentence's event
(``benchmarks/events.py``), so the figures are those of records the model never saw. The shipped model is then
fitted on all records. Nothing of the records (no sentence, no word list beyond feature names) is written except
the weights and the feature names, which are lemmas and dependency labels.

Extra typer data (``--petrarch FILE``, an experiment, off by default): the PETRARCH-2 unit-test records
(``PETR.UnitTest.records.xml`` layout, MIT, Open Event Data), their CAMEO event codes mapped to PLOVER 0.8 through
the CAMEO->PLOVER table (exact code, else its 3- then 2-digit root; codes without a category, CAMEO 01 and 02 and
the made-up or WEIS-style codes of the test dictionary such as 345 or 90x, are dropped; a sentence whose codings
map to more than one category is dropped). Each kept sentence labels one trigger: the one the lexicon makes the
sentence's event, else its shallowest candidate verb. These rows are added to the training rows of every fold
(and of the shipped model); the folds and the scored records stay the PLOVER records only.

Usage: OMP_NUM_THREADS=1 python training/events/train_classifier.py \
           --data ../shared/data/events/plover/PLOVER_GSR_CAMEO.txt [--folds 5] [--out PATH] [--scores FILE]
           [--petrarch ../shared/data/events/petrarch/PETR.UnitTest.records.xml] [--petrarch-weight 1.0]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from claimtrace.extract.events import UNCODED_SKIP_DEPS, find_events, load_lexicon  # noqa: E402
from claimtrace.extract.events.classifier import (  # noqa: E402
    CLASSIFIER_PATH,
    DIMENSION,
    EVENT,
    NONE,
    EventClassifier,
    EventModel,
    candidate,
    features,
)
from events import Tally, macro_f1, main_event, read_records, score_actors  # noqa: E402

WORD = re.compile(r"[\w'-]+")


def read(path: Path) -> list[dict]:
    """The gold records of ``benchmarks/events.py`` (its reader), with the words of each record's event text."""
    return [
        {"text": r.text, "category": r.category, "words": {w.lower() for w in WORD.findall(r.event_text)},
         "source": r.source, "target": r.target}
        for r in read_records(path)
    ]


def read_petrarch(path: Path, lexicon) -> tuple[list[dict], dict[str, int]]:  # noqa: ANN001
    """PETRARCH-2 unit-test sentences with one PLOVER 0.8 category (see the module docstring), and counts of
    what was kept and dropped."""
    import xml.etree.ElementTree as ElementTree

    root = ElementTree.parse(path).getroot()
    out, seen, counts = [], set(), {"sentences": 0, "no_category": 0, "mixed": 0, "duplicate": 0, "kept": 0}
    for sentence in root.iter("Sentence"):
        counts["sentences"] += 1
        text = " ".join((sentence.findtext("Text") or "").split())
        categories = set()
        for coding in sentence.findall("EventCoding"):
            code = coding.get("eventcode")
            entry = lexicon.plover(code) if code and code.isdigit() else None
            if entry is not None:
                categories.add(entry[0])
        if not text or not categories:
            counts["no_category"] += 1
        elif len(categories) > 1:
            counts["mixed"] += 1
        elif (text, *categories) in seen:
            counts["duplicate"] += 1
        else:
            seen.add((text, *categories))
            out.append({"text": text, "category": categories.pop()})
            counts["kept"] += 1
    return out, counts


def petrarch_examples(doc, record: dict, lexicon, encoder) -> list:  # noqa: ANN001
    """One typer row: the lexicon's main trigger of the sentence, else its shallowest candidate verb."""
    found = find_events(doc, doc._.claims, doc._.places, doc._.dates, doc._.entity_groups, lexicon,
                        classifier=False)
    event = main_event(doc, found)
    tokens = [t for t in doc if t.idx == event.trigger.start] if event else []
    if not tokens:
        tokens = sorted((t for t in doc if t.pos_ == "VERB" and candidate(t, lexicon)[0]),
                        key=lambda t: (len(list(t.ancestors)), t.i))[:1]
    rows = []
    for token in tokens:
        _, coding = candidate(token, lexicon)
        rows.append((features(token, coding), encoder.batch_vectors([token])[token.i], record["category"]))
    return rows


def examples(doc, record: dict, lexicon, encoder) -> tuple[list, list]:  # noqa: ANN001
    """Typer rows: the record's event words that are candidate triggers the lexicon codes, or verbs, labelled with
    the record's category.
    Detector rows: every verb (as the detector sees it, uncoded), EVENT when it is an event word, else NONE."""
    typer, detector = [], []
    main = None
    if MAIN_TRIGGER:
        found = find_events(doc, doc._.claims, doc._.places, doc._.dates, doc._.entity_groups, lexicon,
                            classifier=False)
        event = main_event(doc, found)
        main = event.trigger.start if event else None
    for token in doc:
        is_candidate, coding = candidate(token, lexicon)
        if not is_candidate:
            continue
        event_word = token.lower_ in record["words"]
        vector = encoder.batch_vectors([token])[token.i]
        # only what is typed at run time: a trigger the lexicon codes, or a verb the detector may admit (a noun
        # a verb carries, "called off the strike", is no trigger)
        if (event_word or token.idx == main) and (coding is not None or token.pos_ == "VERB"):
            typer.append((features(token, coding), vector, record["category"]))
        if token.pos_ == "VERB" and token.dep_ not in UNCODED_SKIP_DEPS:
            detector.append((features(token, None), vector, EVENT if event_word else NONE))
    return typer, detector


def fit(rows: list[tuple[list[str], np.ndarray, str]], c: float, balanced: bool,
        weights: list[float] | None = None) -> EventClassifier:
    import scipy.sparse as sp
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    sparse = vectorizer.fit_transform([dict.fromkeys(names, 1.0) for names, _, _ in rows])
    dense = np.vstack([vector for _, vector, _ in rows])
    x = sp.hstack([sparse, sp.csr_matrix(dense)]).tocsr()
    y = [label for _, _, label in rows]
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced" if balanced else None)
    model.fit(x, y, sample_weight=np.asarray(weights) if weights is not None else None)
    return EventClassifier(list(model.classes_), list(vectorizer.get_feature_names_out()), model.coef_.T,
                           model.intercept_, dense.shape[1])


EXTRA: list = []  # typer rows added to every fit (PETRARCH records, --petrarch), and their weight
EXTRA_WEIGHT = 1.0


def fit_typer(rows: list, c: float, balanced: bool) -> EventClassifier:
    if not EXTRA:
        return fit(rows, c, balanced)
    return fit(rows + EXTRA, c, balanced, [1.0] * len(rows) + [EXTRA_WEIGHT] * len(EXTRA))


MAIN_TRIGGER = False  # also train the typer on the trigger the lexicon alone makes the sentence's event
MISSES: list[str] | None = None  # set to a list to collect the misses of the cross-validated runs


def score(docs, records: list[dict], lexicon, classifier) -> dict[str, float]:  # noqa: ANN001
    pairs, source, target = [], Tally(), Tally()
    for doc, record in zip(docs, records, strict=True):
        found = find_events(doc, doc._.claims, doc._.places, doc._.dates, doc._.entity_groups, lexicon,
                            classifier=classifier or False)
        event = main_event(doc, found)
        pairs.append((record["category"], (event.coded_as or event.category) if event else None))
        if MISSES is not None and classifier and pairs[-1][0] != pairs[-1][1]:
            MISSES.append(f"{pairs[-1][0]}\t{pairs[-1][1]}\t{event and event.trigger.text}\t"
                          f"{event and event.cameo}\t{record['text']}")
        score_actors(record["text"], record["source"], event.source if event else [], source)
        score_actors(record["text"], record["target"], event.target if event else [], target)
    return {
        "category_accuracy": round(sum(g == p for g, p in pairs) / len(pairs), 4),
        "category_macro_f1": round(macro_f1(pairs), 4),
        "source_actor_f1": round(source.f1(), 4),
        "target_actor_f1": round(target.f1(), 4),
    }


def cross_validate(docs, records, rows_of, lexicon, folds: int, c: float, balanced: bool,  # noqa: ANN001
                   settings: list[tuple[float, float]]) -> list[dict[str, float]]:
    """Pooled figures over the folds for each (override, admit) setting."""
    order = list(range(len(records)))
    random.Random(13).shuffle(order)
    fold_models = []
    for fold in range(folds):
        held = set(order[fold::folds])
        typer = fit_typer([row for i in range(len(records)) if i not in held for row in rows_of[i][0]], c, balanced)
        detector = fit([row for i in range(len(records)) if i not in held for row in rows_of[i][1]], c, balanced)
        fold_models.append((sorted(held), typer, detector))
    out = []
    for override, admit in settings:
        per_fold = [score([docs[i] for i in held], [records[i] for i in held], lexicon,
                          EventModel(typer, detector, override, admit)) for held, typer, detector in fold_models]
        sizes = [len(held) for held, _, _ in fold_models]
        pooled = {key: round(sum(p[key] * n for p, n in zip(per_fold, sizes, strict=True)) / sum(sizes), 4)
                  for key in per_fold[0]}
        out.append({"override": override, "admit": admit, **pooled})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--c", type=float, nargs="+", default=[1.0])
    parser.add_argument("--balanced", choices=["yes", "no", "both"], default="no")
    parser.add_argument("--override", type=float, nargs="+", default=[0.0])
    parser.add_argument("--admit", type=float, nargs="+", default=[0.5])
    parser.add_argument("--out", type=Path, default=CLASSIFIER_PATH)
    parser.add_argument("--scores", type=Path, help="write the cross-validated figures here (JSON)")
    parser.add_argument("--main-trigger", action="store_true",
                        help="also label the trigger the lexicon makes the sentence's event with the record's category")
    parser.add_argument("--no-sentence-vector", action="store_true",
                        help="describe a trigger by its lemma's and phrase's vectors only (faster)")
    parser.add_argument("--petrarch", type=Path,
                        help="PETRARCH-2 unit-test records (PETR.UnitTest.records.xml) as extra typer training data")
    parser.add_argument("--petrarch-weight", type=float, default=1.0, help="sample weight of those rows")
    parser.add_argument("--misses", type=Path, help="write the misses of the cross-validated runs here (TSV)")
    args = parser.parse_args(argv)
    global MISSES, MAIN_TRIGGER, EXTRA, EXTRA_WEIGHT
    MAIN_TRIGGER = args.main_trigger
    MISSES = [] if args.misses else None
    try:
        records = read(args.data)
    except (OSError, ValueError) as error:
        print(f"error: cannot read PLOVER records from {args.data}: {error}", file=sys.stderr)
        return 2
    lexicon = load_lexicon()
    if args.petrarch:
        from xml.etree.ElementTree import ParseError

        try:
            extra_records, counts = read_petrarch(args.petrarch, lexicon)
        except (OSError, ValueError, ParseError) as error:
            print(f"error: cannot read PETRARCH records from {args.petrarch}: {error}", file=sys.stderr)
            return 2
    from claimtrace.nlp import load_pipeline

    nlp = load_pipeline()
    with nlp.select_pipes(disable=["claimtrace_events"]):
        docs = list(nlp.pipe((r["text"] for r in records), batch_size=16))
    dense = (2 if args.no_sentence_vector else 3) * DIMENSION
    encoder = EventClassifier([NONE], [], np.zeros((dense, 1)), np.zeros(1), dense)
    rows_of = [examples(doc, record, lexicon, encoder) for doc, record in zip(docs, records, strict=True)]
    extra_info = None
    if args.petrarch:
        with nlp.select_pipes(disable=["claimtrace_events"]):
            extra_docs = list(nlp.pipe((r["text"] for r in extra_records), batch_size=16))
        EXTRA = [row for doc, record in zip(extra_docs, extra_records, strict=True)
                 for row in petrarch_examples(doc, record, lexicon, encoder)]
        EXTRA_WEIGHT = args.petrarch_weight
        labels: dict[str, int] = {}
        for _, _, label in EXTRA:
            labels[label] = labels.get(label, 0) + 1
        extra_info = {**counts, "rows": len(EXTRA), "weight": EXTRA_WEIGHT, "labels": labels}
        print(json.dumps({"petrarch": extra_info}), flush=True)
    results = {"records": len(records), "typer_examples": sum(len(r[0]) for r in rows_of),
               "detector_examples": sum(len(r[1]) for r in rows_of), "folds": args.folds,
               "lexicon_only": score(docs, records, lexicon, None), "runs": []}
    if extra_info is not None:
        results["petrarch"] = extra_info
    print(json.dumps({"lexicon_only": results["lexicon_only"]}), flush=True)
    balanced = {"yes": [True], "no": [False], "both": [False, True]}[args.balanced]
    settings = [(o, a) for o in args.override for a in args.admit]
    best = None
    for c in args.c:
        for bal in balanced:
            for figures in cross_validate(docs, records, rows_of, lexicon, args.folds, c, bal, settings):
                run = {"c": c, "balanced": bal, **figures}
                results["runs"].append(run)
                print(json.dumps(run), flush=True)
                key = figures["category_accuracy"] + figures["category_macro_f1"]
                if best is None or key > best[0]:
                    best = (key, run)
    chosen = best[1]
    results["chosen"] = chosen
    typer = fit_typer([row for rows in rows_of for row in rows[0]], chosen["c"], chosen["balanced"])
    detector = fit([row for rows in rows_of for row in rows[1]], chosen["c"], chosen["balanced"])
    EventModel(typer, detector, chosen["override"], chosen["admit"]).save(args.out)
    print(f"wrote {args.out} ({json.dumps(chosen)})")
    if args.misses:
        args.misses.write_text("\n".join(MISSES) + "\n", encoding="utf-8")
    if args.scores:
        args.scores.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
