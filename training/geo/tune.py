"""Try score weights of the geoparser on the dev gold (GWN.xml, TR-News.xml) and print accuracy@161.

    python training/geo/tune.py --data GWN.xml --data TR-News.xml 'capital=2.5' 'admin1_prior=0.8'

Each argument ``name=value`` overrides one entry of ``places.WEIGHTS`` (or
``<feature>_prior`` of ``places.FEATURE_PRIOR``); candidates are looked up once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from claimtrace.extract import places  # noqa: E402
from claimtrace.geo import distance_km, load_gazetteer  # noqa: E402
from geo import ACCURACY_KM, MAX_ERROR_KM, read_corpus  # noqa: E402


def prepared(path: Path):  # noqa: ANN201
    gazetteer = load_gazetteer()
    items = []
    for article in read_corpus(path):
        mentions = [places.describe(article.text[t.start:t.end], t.start, t.end) for t in article.toponyms]
        for mention in mentions:
            mention.candidates = places.candidates_for(mention, gazetteer)
        items.append((article, mentions))
    return items


GUESS = False


def accuracy(items) -> float:  # noqa: ANN001
    hits = total = 0
    for article, mentions in items:
        for gold, place in zip(article.toponyms, places.resolve(article.text, mentions, guess_unknown=GUESS), strict=True):
            error = MAX_ERROR_KM if place.lat is None else distance_km(gold.lat, gold.lon, place.lat, place.lon)
            hits += error <= ACCURACY_KM
            total += 1
    return hits / total


def apply(setting: str) -> None:
    name, value = setting.split("=")
    if name.endswith("_prior"):
        places.FEATURE_PRIOR[name[: -len("_prior")]] = float(value)
    else:
        places.WEIGHTS[name] = float(value)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", action="append", type=Path, required=True)
    parser.add_argument("settings", nargs="*", help="name=value[,value...] to sweep")
    parser.add_argument("--guess", action="store_true", help="resolve with guess_unknown")
    args = parser.parse_args()
    global GUESS
    GUESS = args.guess
    corpora = [(p.name, prepared(p)) for p in args.data]
    baseline = dict(places.WEIGHTS), dict(places.FEATURE_PRIOR)
    print("baseline", [f"{n}: {accuracy(items):.4f}" for n, items in corpora])
    for setting in args.settings:
        name, values = setting.split("=")
        for value in values.split(","):
            places.WEIGHTS.clear()
            places.WEIGHTS.update(baseline[0])
            places.FEATURE_PRIOR.clear()
            places.FEATURE_PRIOR.update(baseline[1])
            apply(f"{name}={value}")
            print(f"{name}={value}", [f"{n}: {accuracy(items):.4f}" for n, items in corpora])


if __name__ == "__main__":
    main()
