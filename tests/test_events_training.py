"""The event typer's training script: reading PETRARCH-2 unit-test layout records as extra typer data
(self-written sentences and codes)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from claimtrace.extract.events import load_lexicon

ROOT = Path(__file__).resolve().parent.parent

XML = """<Validation>
<Environment><Verbfile>verbs.txt</Verbfile></Environment>
<Sentences>
<Sentence date="20200101" id="T-01" category="DEMO" sentence="true">
<EventCoding sourcecode="AAA" targetcode="BBB" eventcode="042"/>
<Text>The mayor of Riverton visited the harbour town of Lowmere on Tuesday.</Text>
</Sentence>
<Config option="x" value="y"></Config>
<Sentence date="20200101" id="T-02" category="DEMO" sentence="true">
<EventCoding sourcecode="AAA" targetcode="BBB" eventcode="010"/>
<Text>The council of Riverton made a statement about the bridge.</Text>
</Sentence>
<Sentence date="20200101" id="T-03" category="DEMO" sentence="true">
<EventCoding sourcecode="AAA" targetcode="BBB" eventcode="903"/>
<EventCoding sourcecode="AAA" targetcode="BBB" eventcode="174K"/>
<Text>Riverton will abandon its old road plans with Lowmere.</Text>
</Sentence>
<Sentence date="20200101" id="T-04" category="DEMO" sentence="true">
<EventCoding sourcecode="AAA" targetcode="BBB" eventcode="042"/>
<EventCoding sourcecode="AAA" targetcode="BBB" eventcode="190"/>
<Text>The mayor visited Lowmere and then its guards fired on the crowd.</Text>
</Sentence>
<Sentence date="20200101" id="T-05" category="DEMO" sentence="true">
<EventCoding noevents="True"/>
<Text>It rained in Riverton all week.</Text>
</Sentence>
<Sentence date="20200101" id="T-06" category="DEMO" sentence="true">
<EventCoding sourcecode="AAA" targetcode="BBB" eventcode="043"/>
<Text>The mayor of Riverton visited the harbour
town of Lowmere on Tuesday.</Text>
</Sentence>
</Sentences>
</Validation>
"""


def _training():  # noqa: ANN202
    for folder in (ROOT / "benchmarks", ROOT / "training" / "events"):
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
    spec = importlib.util.spec_from_file_location("train_events_classifier", ROOT / "training" / "events" / "train_classifier.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_petrarch_codes_are_mapped_to_plover_and_uncategorised_ones_dropped(tmp_path):
    path = tmp_path / "records.xml"
    path.write_text(XML, encoding="utf-8")
    records, counts = _training().read_petrarch(path, load_lexicon())
    # 042 (make a visit) is CONSULT; 010 (statement) and the made-up 903/174K have no category; 042 + 190 map to
    # two categories; no-event records are dropped; T-06 repeats T-01 (same words, same category) once spaces
    # are normalised.
    assert records == [{"text": "The mayor of Riverton visited the harbour town of Lowmere on Tuesday.",
                        "category": "CONSULT"}]
    assert counts == {"sentences": 6, "no_category": 3, "mixed": 1, "duplicate": 1, "kept": 1}


def test_unreadable_petrarch_file_is_a_clear_error(tmp_path, capsys):
    plover = tmp_path / "plover.json"
    plover.write_text("[]", encoding="utf-8")
    bad = tmp_path / "bad.xml"
    bad.write_text("<Validation><Sentences>", encoding="utf-8")
    assert _training().main(["--data", str(plover), "--petrarch", str(bad), "--out", str(tmp_path / "m.npz")]) == 2
    assert "cannot read PETRARCH records" in capsys.readouterr().err
