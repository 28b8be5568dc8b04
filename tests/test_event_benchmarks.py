"""The event and casualty benchmarks on self-written data: PLOVER-layout records and a latin-1 CSV."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def _benchmark(name: str):  # noqa: ANN202
    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location(f"{name}_benchmark", ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


RECORDS = [
    {"id": "HEADER", "event": "DOCUMENT", "license": "test"},
    {"id": "T-1", "event": "CONSULT", "text": "The Turkish foreign minister met with Iranian President Hassan Rouhani in Tehran.",
     "source": [{"actorText": "Turkish foreign minister", "code": "TUR"}],
     "target": [{"actorText": "Iranian President Hassan Rouhani", "code": "IRN"}], "eventText": "met"},
    {"id": "T-2", "event": "FIGHT", "eventText": "shelled", "text": "Syrian troops shelled the town of Idlib.",
     "source": [{"actorText": "Syrian troops", "code": "SYR"}], "target": [{"code": "SYR"}]},
    {"id": "T-3", "event": "DEMAND", "eventText": "demanded", "text": "Egypt demanded that Israel release the prisoners.",
     "source": [{"code": "EGY"}], "target": ""},
]


def test_plover_categories_are_mapped_to_version_08():
    events = _benchmark("events")
    assert events.plover_08("DEMAND", "demanded") == "REQUEST"
    assert events.plover_08("DISAPPROVE", "") == "ACCUSE"
    assert events.plover_08("FIGHT", "captured stronghold") == "COERCE"
    assert events.plover_08("FIGHT", "closed borders") == "COERCE"
    assert events.plover_08("FIGHT", "shelled") == "ASSAULT"
    assert events.plover_08("ASSAULT", "") == "ASSAULT"


def test_events_benchmark_scores_records(tmp_path):
    events = _benchmark("events")
    path = tmp_path / "records.txt"
    path.write_text(json.dumps(RECORDS), encoding="utf-8")
    records = events.read_records(path)
    assert [r.category for r in records] == ["CONSULT", "ASSAULT", "REQUEST"]
    figures = events.run(records)
    assert figures["records"] == 3
    assert figures["category_accuracy"] == 1.0
    assert figures["source_country_f1"] == 1.0
    assert 0.0 < figures["source_actor_f1"] <= 1.0
    assert figures["throughput"] > 0


def test_events_benchmark_rejects_a_file_without_records(tmp_path, capsys):
    events = _benchmark("events")
    path = tmp_path / "empty.txt"
    path.write_text("[]", encoding="utf-8")
    assert events.main(["--data", str(path)]) == 2
    assert "no event records" in capsys.readouterr().err


def test_casualty_benchmark_reads_a_latin1_csv():
    casualties = _benchmark("casualties")
    rows = casualties.read_csv(DATA / "casualties_latin1.csv")
    assert "café" in rows[0]["article_content"]
    figures = casualties.score_csv(DATA / "casualties_latin1.csv")
    assert figures["articles"] == 3
    assert figures["civilians_exact"] == 1.0 and figures["civilians_exact_n"] == 3
    assert figures["children_exact"] == 1.0
    assert figures["noncivilians_exact"] == 1.0
    assert figures["location_accuracy"] == 1.0
    assert figures["cause_accuracy"] == 1.0


def test_casualty_benchmark_scores_a_story_folder(tmp_path):
    casualties = _benchmark("casualties")
    text = ("The ministry said 40 people were killed in the strike. Officials said 12 people were injured. "
            "A spokesman said the convoy carried 300 tonnes of food. Police said 7 people died in a separate crash.")
    (tmp_path / "articles.jsonl").write_text(json.dumps({"id": "a", "text": text, "published": "2024-01-02"}) + "\n")
    claims = [
        {"quote": "40 people were killed in the strike", "toll": "40"},
        {"quote": "12 people were injured", "toll": None},
        {"quote": "the convoy carried 300 tonnes of food", "toll": None},
        {"quote": "7 people died in a separate crash", "toll": None},
    ]
    (tmp_path / "gold.jsonl").write_text(json.dumps({"id": "a", "claims": claims}) + "\n")
    figures = casualties.score_story(tmp_path)
    assert figures["gold_tolls"] == 1
    assert figures["toll_recall"] == 1.0
    # the deaths in the crash sit on a claim whose toll is null; the injured count there is not judged
    assert figures["toll_precision"] == 0.5
