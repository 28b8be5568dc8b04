"""The ``claimtrace`` command: reports, JSON, HTML, and one-line errors for bad input."""

import json
from pathlib import Path

import jsonschema
import pytest

from claimtrace.cli import main

SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "src/claimtrace/schema/analysis.schema.json").read_text()
)
GERMAN = (
    "Titel\nDie Regierung hat am Montag erklärt, dass die Brücke nach dem Sturm wieder geöffnet wird. "
    "Die Bewohner der Stadt warten seit Wochen auf eine Entscheidung der Behörden."
)


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_analyze_json_validates_and_spans_point_into_text(capsys, example_path, full_nlp):
    code, out, _ = _run(capsys, "analyze", str(example_path), "--json", "--published", "2022-03-01")
    assert code == 0
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    text = data["article"]["text"]
    assert data["article"]["published"] == "2022-03-01"
    assert data["article"]["title"].startswith("Exclusive")
    assert len(data["sentences"]) >= 10
    for entity in data["entities"]:
        assert text[entity["start"] : entity["end"]] == entity["text"]
    labels = {e["label"] for e in data["entities"]}
    assert {"PER", "LOC"} <= labels


def test_analyze_terminal_report_shows_metadata_and_entities(capsys, example_path, full_nlp):
    code, out, _ = _run(capsys, "analyze", str(example_path), "--outlet", "Example Outlet")
    assert code == 0
    assert "Example Outlet" in out
    assert "People" in out and "Shoigu" in out


def test_analyze_html_is_self_contained(capsys, tmp_path, example_path, full_nlp):
    out_file = tmp_path / "report.html"
    code, _, err = _run(capsys, "analyze", str(example_path), "--html", str(out_file))
    assert code == 0 and "wrote" in err
    page = out_file.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "class='PER'" in page and "class='legend'" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "<script src" not in page and "<link" not in page


def test_several_files_give_a_json_list(capsys, tmp_path, full_nlp):
    for i in range(2):
        (tmp_path / f"{i}.txt").write_text(f"Title {i}\nThe mayor of Lyon said on Monday that the market would reopen.")
    code, out, _ = _run(capsys, "analyze", str(tmp_path / "0.txt"), str(tmp_path / "1.txt"), "--json")
    assert code == 0
    assert [d["article"]["title"] for d in json.loads(out)] == ["Title 0", "Title 1"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("binary.txt", b"\x7fELF\x02\x01\x01\x00" + bytes(200), "binary"),
        ("invalid.txt", bytes(range(128, 256)) * 4, "encoding"),
        ("none.html", b"<html><body><nav>Home</nav></body></html>", "no article text"),
        ("fields.json", b'{"title": 3, "text": "Some words here"}', "field 'title' must be a string"),
        ("nofield.json", b'{"title": "x"}', "field 'text'"),
        ("german.txt", GERMAN.encode(), "not English"),
        ("digits.txt", b"Title\n12 34 56 78 90", "no words"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = _run(capsys, "analyze", str(path))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("claimtrace: error:")
    assert message in err
    assert "Traceback" not in err


def test_missing_path_and_empty_folder(capsys, tmp_path):
    code, _, err = _run(capsys, "analyze", str(tmp_path / "missing.txt"))
    assert code == 2 and "no such file" in err
    code, _, err = _run(capsys, "analyze", str(tmp_path))
    assert code == 2 and "no articles in" in err


def test_bad_published_flag(capsys, example_path):
    code, _, err = _run(capsys, "analyze", str(example_path), "--published", "someday")
    assert code == 2 and "cannot read the date" in err


def test_force_analyses_non_english(capsys, tmp_path, full_nlp):
    path = tmp_path / "german.txt"
    path.write_text(GERMAN, encoding="utf-8")
    code, out, _ = _run(capsys, "analyze", str(path), "--json", "--force")
    assert code == 0
    assert json.loads(out)["article"]["language"] == "de"


def test_no_command_prints_help(capsys):
    code, out, _ = _run(capsys)
    assert code == 2 and "analyze" in out


def test_relations_of_the_demo_corpus_read_in_words(capsys, tmp_path, example_path, full_nlp):
    """The opposition report is contradicted by the denial; the 2026 departure updates the denial."""
    db = str(tmp_path / "demo.db")
    corpus = example_path.parent / "corpus"
    assert main(["ingest", str(example_path), "--published", "2022-03-01", "--outlet", "Al Mayadeen English",
                 "--db", db, "--jobs", "1", "--quiet"]) == 0
    assert main(["ingest", str(corpus), "--db", db, "--jobs", "1", "--quiet"]) == 0
    capsys.readouterr()
    code, out, _ = _run(capsys, "relations", "--db", db, "--json")
    assert code == 0
    pairs = {(r["a"]["claim"]["content"]["text"], r["b"]["claim"]["content"]["text"]): r for r in json.loads(out)}

    def find(kind: str, earlier: str, later: str) -> dict:
        return next(r for (a, b), r in pairs.items() if r["relation"] == kind and earlier in a and later in b)

    opposition = find("contradicts", "Russia is intending to withdraw", "no Russian withdrawal")
    assert opposition["reason"].startswith("Russia") and "leaving (intention) vs staying" in opposition["reason"]
    departure = find("updates", "no Russian withdrawal", "have withdrawn from Qamishli airport")
    assert "then leaving (2026-01-28): a later report of a change" in departure["reason"]
    code, out, _ = _run(capsys, "relations", "--db", db, "--type", "updates", "--csv")
    assert code == 0 and out.splitlines()[0].startswith("relation,reason,score,a_claim_id")
    assert all(line.startswith("updates,") for line in out.splitlines()[1:])
