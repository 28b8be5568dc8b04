"""Benchmark of ``claimtrace.extract.dates.find_dates``.

Two measurements:

* the hand-written cases of ``tests/test_dates.py`` (every form the extractor
  claims to handle, plus false-positive traps): share of cases whose
  mentions (text, value, granularity, resolved) are exactly as expected;
* GUM (``<data>/gum``): its TEI ``<date>`` markup (``when``, ``from``/``to``,
  ``notBefore``/``notAfter``) is gold for time expressions; each document's
  ``meta::dateCreated`` is the publication date. Detection precision, recall
  and F1 count a predicted and a gold span as matching when they overlap;
  value accuracy is the share of matched gold dates with a value whose
  calendar interval equals ours.

Usage: python benchmarks/dates.py --data /work/shared/data [--split dev] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import spacy

from claimtrace.extract.dates import find_dates
from report import gum_split, print_figures

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class GoldDate:
    start: int
    end: int
    attributes: dict[str, str]


@dataclass
class GumDocument:
    name: str
    published: str | None
    text: str = ""
    dates: list[GoldDate] = field(default_factory=list)


def read_gum(path: Path) -> list[GumDocument]:
    """GUM documents rebuilt as text, with their <date> elements as character spans."""
    documents: list[GumDocument] = []
    reader = _Reader()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newdoc id"):
            if documents:
                documents[-1].text = reader.text()
            documents.append(GumDocument(line.split("=", 1)[1].strip(), None))
            reader = _Reader()
        elif line.startswith("# meta::dateCreated") and documents:
            documents[-1].published = line.split("=", 1)[1].strip()[:10] or None
        elif line and not line.startswith("#") and documents:
            reader.token(line.split("\t"), documents[-1])
        elif not line:
            reader.sentence_end()
    if documents:
        documents[-1].text = reader.text()
    return documents


class _Reader:
    """Surface text of one document; multiword tokens ("2008's") count as one stretch."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.length = 0
        self.open_dates: list[tuple[int, dict[str, str]]] = []
        self.word_range: tuple[int, int, int] | None = None  # last word id, start, end

    def text(self) -> str:
        return "".join(self.pieces)

    def _append(self, form: str, misc: str) -> tuple[int, int]:
        start = self.length
        self.pieces.append(form)
        self.length += len(form)
        if "SpaceAfter=No" not in misc:
            self.pieces.append(" ")
            self.length += 1
        return start, start + len(form)

    def sentence_end(self) -> None:
        if self.pieces and not self.pieces[-1].endswith(" "):
            self.pieces.append(" ")
            self.length += 1

    def token(self, columns: list[str], doc: GumDocument) -> None:
        if len(columns) != 10 or "." in columns[0]:
            return
        if "-" in columns[0]:
            start, end = self._append(columns[1], columns[9])
            self.word_range = (int(columns[0].split("-")[1]), start, end)
            return
        if self.word_range and int(columns[0]) <= self.word_range[0]:
            start, end = self.word_range[1], self.word_range[2]
        else:
            self.word_range = None
            start, end = self._append(columns[1], columns[9])
        xml = next((item[4:] for item in columns[9].split("|") if item.startswith("XML=")), "")
        for tag in re.finditer(r"<date([^>]*)>|</date>", xml):
            if tag.group(0).startswith("<date"):
                self.open_dates.append((start, dict(re.findall(r'(\w+):::"([^"]*)"', tag.group(1)))))
            elif self.open_dates:
                begin, attributes = self.open_dates.pop()
                doc.dates.append(GoldDate(begin, end, attributes))


def interval(value: str | None) -> tuple[str, str] | None:
    """The first and last day a (partial) ISO value covers; None when it is not on the calendar."""
    if not value:
        return None
    if "/" in value:
        first, last = (interval(part) for part in value.split("/", 1))
        return (first[0], last[1]) if first and last else None
    if re.fullmatch(r"\d{4}", value):
        return f"{value}-01-01", f"{value}-12-31"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        year, month = int(value[:4]), int(value[5:])
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return f"{value}-01", (following - dt.timedelta(days=1)).isoformat()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value, value
    return None


def gold_value(attributes: dict[str, str]) -> str | None:
    if "when" in attributes:
        return attributes["when"]
    first = attributes.get("from") or attributes.get("notBefore")
    last = attributes.get("to") or attributes.get("notAfter")
    return f"{first}/{last}" if first and last else None


def same_value(ours: str | None, gold: str | None) -> bool:
    """Equal calendar intervals; GUM marks the two ends of "from 2004 to 2009" apart, so an end counts."""
    if ours is None or gold is None:
        return False
    if ours == gold:
        return True
    candidates = [ours, *ours.split("/")] if "/" in ours else [ours]
    return any(interval(c) is not None and interval(c) == interval(gold) for c in candidates)


def load_cases() -> list[tuple[str, str | None, list[tuple[str, str | None, str, bool]]]]:
    spec = importlib.util.spec_from_file_location("date_cases", ROOT / "tests" / "test_dates.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.CASES


def measure_cases(nlp) -> dict[str, float]:  # noqa: ANN001
    cases = load_cases()
    right = 0
    for text, published, expected in cases:
        found = [(d.text, d.value, d.granularity, d.resolved) for d in find_dates(nlp(text), published)]
        right += found == expected
    return {"cases": len(cases), "case_accuracy": right / len(cases)}


def measure_gum(nlp, documents: list[GumDocument]) -> dict[str, float]:  # noqa: ANN001
    predicted = matched_predicted = gold_total = matched_gold = valued = right_value = 0
    for document in documents:
        mentions = find_dates(nlp(document.text), document.published)
        predicted += len(mentions)
        matched_predicted += sum(any(_overlap(m, g) for g in document.dates) for m in mentions)
        for gold in document.dates:
            gold_total += 1
            hits = [m for m in mentions if _overlap(m, gold)]
            if not hits:
                continue
            matched_gold += 1
            expected = gold_value(gold.attributes)
            if interval(expected) is not None:
                valued += 1
                right_value += any(same_value(m.value, expected) for m in hits)
    precision = matched_predicted / predicted if predicted else 0.0
    recall = matched_gold / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "gum_documents": len(documents), "gum_gold_dates": gold_total, "gum_predicted": predicted,
        "gum_precision": precision, "gum_recall": recall, "gum_f1": f1,
        "gum_valued_matches": valued, "gum_value_accuracy": right_value / valued if valued else 0.0,
    }


def _overlap(mention, gold: GoldDate) -> bool:  # noqa: ANN001
    return mention.start < gold.end and gold.start < mention.end


def load_nlp(model: str):  # noqa: ANN201
    if model == "blank":
        return spacy.blank("en")
    from claimtrace.nlp import load_pipeline

    return load_pipeline(None if model == "trained" else model, with_components=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder (or its gum/ folder)")
    parser.add_argument("--split", default="dev", choices=["dev", "test", "train"])
    parser.add_argument("--model", default="trained", help="'trained', 'blank' or a pipeline path")
    parser.add_argument("--json", action="store_true", help="print one JSON object of figures")
    args = parser.parse_args(argv)
    path = gum_split(args.data, args.split)
    if not path.is_file():
        print(f"error: no {path}", file=sys.stderr)
        return 2
    nlp = load_nlp(args.model)
    figures = {"split": args.split, "model": args.model, **measure_cases(nlp), **measure_gum(nlp, read_gum(path))}
    print_figures(figures, args.json, f"dates on GUM {args.split} and the written cases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
