"""benchmarks/relations.py: the story scoring rule, on a self-written story folder (no shared data)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def benchmark():  # noqa: ANN201
    sys.path.insert(0, str(BENCHMARKS))  # the script imports its sibling report.py
    spec = importlib.util.spec_from_file_location("relations_benchmark", BENCHMARKS / "relations.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


ARTICLES = [
    ("a", "2020-01-01", "Officials said the brigade stays in Velmora. The mayor said the harbour is open."),
    ("b", "2020-01-03", "A commander said the brigade left Velmora."),
    ("c", "2024-06-01", "Residents said the brigade left Velmora for good."),
    ("d", None, "Someone said the brigade stays in Velmora."),
]
GOLD = {
    "a": [("the brigade stays in Velmora", "present", "affirms"), ("the harbour is open", "other", "affirms")],
    "b": [("the brigade left Velmora", "gone", "affirms")],
    "c": [("the brigade left Velmora for good", "gone", "affirms")],
    "d": [("the brigade stays in Velmora", "present", "affirms")],
}


def _story(folder: Path, dates: bool) -> Path:
    folder.mkdir()
    with (folder / "articles.jsonl").open("w") as out:
        for name, published, text in ARTICLES:
            out.write(json.dumps({"id": name, "url": f"u:{name}", "outlet": name, "published": published,
                                  "title": None, "text": text}) + "\n")
    with (folder / "gold.jsonl").open("w") as out:
        for name, claims in GOLD.items():
            out.write(json.dumps({"id": name, "on_story": True, "claims": [
                {"quote": q, "stance": stance, "polarity": polarity} for q, stance, polarity in claims
            ]}) + "\n")
    rules = {"opposed": [["present", "gone"]], "same": [], "neutral": ["other"], "places": False,
             "window_days": 365, "dates": dates}
    (folder / "relations.json").write_text(json.dumps(rules))
    return folder


def _relation(kind: str, a: str, a_text: str, b: str, b_text: str) -> dict:
    return {"relation": kind, "reason": "", "a_text": a_text, "a_url": f"u:{a}", "b_text": b_text, "b_url": f"u:{b}"}


def test_with_dates_opposed_reports_years_apart_are_updates_and_undated_pairs_not_judged(tmp_path, benchmark):
    story = benchmark.load_story(_story(tmp_path / "story", dates=True))
    gold = {(x.article, y.article): kind for (x, y), kind in benchmark.gold_pairs(story).items()}
    assert gold == {("a", "b"): "contradicts", ("a", "c"): "updates"}  # b, c: same, years apart; d: undated
    relations = [
        _relation("contradicts", "a", "the brigade stays in Velmora", "b", "the brigade left Velmora"),
        _relation("contradicts", "a", "the brigade stays in Velmora", "c", "the brigade left Velmora for good"),
        _relation("corroborates", "a", "the harbour is open", "b", "the brigade left Velmora"),  # neutral: not judged
        _relation("corroborates", "a", "the brigade stays in Velmora", "d", "the brigade stays in Velmora"),
    ]
    figures, judged = benchmark.score(story, relations)
    assert figures["contradicts_precision"] == 0.5 and figures["contradicts_recall"] == 1.0
    assert figures["updates_recall"] == 0.0 and figures["relations_neutral"] == 2
    assert len(judged) == 2


def test_without_dates_publication_dates_do_not_matter(tmp_path, benchmark):
    story = benchmark.load_story(_story(tmp_path / "story", dates=False))
    kinds = sorted(benchmark.gold_pairs(story).values())
    assert kinds == ["contradicts"] * 4 + ["corroborates"] * 2  # undated d is judged too


def test_link_growth_exponent(benchmark):
    assert benchmark.growth_exponent({1000: 10.0, 10000: 100.0}) == 1.0
    assert benchmark.growth_exponent({1000: 10.0}) is None
