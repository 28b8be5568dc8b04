"""Benchmark of ``claimtrace.extract.entities.link_mentions`` on GUM's coreference layer.

GUM (``<data>/gum``) marks every mention with its coreference group. The
named mentions of people, places and organizations (mentions with a
Wikipedia identity whose first or last word is a proper noun; the outermost
when nested) become the doc's entities (PER, LOC, ORG), so the grouping is
measured apart from NER. Figures: B-cubed precision, recall and F1 of the
grouping over those mentions, for ``link_mentions`` and for the exact-name
baseline; and for definite descriptions ("the ministry") that
``link_mentions`` links, the share whose gold group is the one it chose.

Usage: python benchmarks/entities.py --data /work/shared/data [--split dev] [--json]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from spacy.tokens import Doc, Span

from claimtrace.extract.entities import group_at, link_mentions
from report import gum_split, print_figures

LABELS = {"person": "PER", "place": "LOC", "organization": "ORG"}


@dataclass
class GoldMention:
    start: int  # token index
    end: int  # exclusive
    group: str
    etype: str
    identity: str | None


@dataclass
class GumDoc:
    name: str
    words: list[str] = field(default_factory=list)
    spaces: list[bool] = field(default_factory=list)
    upos: list[str] = field(default_factory=list)
    mentions: list[GoldMention] = field(default_factory=list)


def read_gum(path: Path) -> list[GumDoc]:
    docs: list[GumDoc] = []
    stack: dict[str, list[tuple[int, str, str | None]]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newdoc id"):
            docs.append(GumDoc(line.split("=", 1)[1].strip()))
            stack = defaultdict(list)
            continue
        if not line or line.startswith("#") or not docs:
            continue
        cols = line.split("\t")
        if len(cols) != 10 or "-" in cols[0] or "." in cols[0]:
            continue
        doc = docs[-1]
        index = len(doc.words)
        doc.words.append(cols[1])
        doc.spaces.append("SpaceAfter=No" not in cols[9])
        doc.upos.append(cols[3])
        entity = next((item[7:] for item in cols[9].split("|") if item.startswith("Entity=")), "")
        for match in re.finditer(r"\((\d+)-([a-z]+)-([^()]*?)(\))?(?=\(|\d+\)|$)|(\d+)\)", entity):
            if match.group(1):
                fields = match.group(3).split("-")
                identity = "-".join(fields[5:]) or None
                if match.group(4):
                    doc.mentions.append(GoldMention(index, index + 1, match.group(1), match.group(2), identity))
                else:
                    stack[match.group(1)].append((index, match.group(2), identity))
            elif stack[match.group(5)]:
                start, etype, identity = stack[match.group(5)].pop()
                doc.mentions.append(GoldMention(start, index + 1, match.group(5), etype, identity))
    return docs


def named_mentions(doc: GumDoc) -> list[GoldMention]:
    named = [m for m in doc.mentions if m.etype in LABELS and m.identity
             and (doc.upos[m.start] == "PROPN" or doc.upos[m.end - 1] == "PROPN")]
    named.sort(key=lambda m: (m.start, -(m.end - m.start)))
    outermost: list[GoldMention] = []
    for mention in named:
        if not outermost or mention.start >= outermost[-1].end:
            outermost.append(mention)
    return outermost


def b_cubed(gold: list[str], predicted: list[str]) -> tuple[float, float]:
    """B-cubed precision and recall of a clustering of the same items."""
    precision = recall = 0.0
    for i in range(len(gold)):
        same_predicted = {j for j in range(len(gold)) if predicted[j] == predicted[i]}
        same_gold = {j for j in range(len(gold)) if gold[j] == gold[i]}
        both = len(same_predicted & same_gold)
        precision += both / len(same_predicted)
        recall += both / len(same_gold)
    n = len(gold) or 1
    return precision / n, recall / n


def measure(docs: list[GumDoc]) -> dict[str, float]:
    vocab = spacy.blank("en").vocab
    totals = {"ours": [0.0, 0.0], "exact": [0.0, 0.0]}
    mentions_total = descriptions = right_descriptions = 0
    for gum in docs:
        named = named_mentions(gum)
        if not named:
            continue
        doc = Doc(vocab, words=gum.words, spaces=gum.spaces)
        doc.ents = [Span(doc, m.start, m.end, label=LABELS[m.etype]) for m in named]
        groups = link_mentions(doc)
        gold = [m.group for m in named]
        ours = []
        for m in named:
            span = doc[m.start : m.end]
            group = group_at(groups, span.start_char, span.end_char, span.text)
            ours.append(f"g{id(group)}" if group else f"alone{m.start}")
        exact = [f"{LABELS[m.etype]}:{doc[m.start:m.end].text.lower()}" for m in named]
        for key, predicted in (("ours", ours), ("exact", exact)):
            p, r = b_cubed(gold, predicted)
            totals[key][0] += p * len(named)
            totals[key][1] += r * len(named)
        mentions_total += len(named)
        descriptions_, right_ = score_descriptions(doc, gum, groups, named)
        descriptions += descriptions_
        right_descriptions += right_
    figures: dict[str, float] = {"entity_documents": len(docs), "entity_mentions": mentions_total}
    for key, (p, r) in totals.items():
        p, r = p / mentions_total, r / mentions_total
        figures[f"{key}_bcubed_precision"] = p
        figures[f"{key}_bcubed_recall"] = r
        figures[f"{key}_bcubed_f1"] = 2 * p * r / (p + r) if p + r else 0.0
    figures["descriptions_linked"] = descriptions
    figures["descriptions_precision"] = right_descriptions / descriptions if descriptions else 0.0
    return figures


def score_descriptions(doc: Doc, gum: GumDoc, groups, named: list[GoldMention]) -> tuple[int, int]:  # noqa: ANN001
    """Linked descriptions whose gold mention (same start) is in the gold group of the group's names."""
    by_start: dict[int, set[str]] = defaultdict(set)
    for m in gum.mentions:
        by_start[doc[m.start].idx].add(m.group)
    named_spans = {(doc[m.start : m.end].start_char, doc[m.start : m.end].end_char): m.group for m in named}
    linked = right = 0
    for group in groups:
        names = {g for s in group.mentions for (a, b), g in named_spans.items() if a <= s.start and s.end <= b}
        for span in group.mentions:
            if any(a <= span.start and span.end <= b for a, b in named_spans) or not span.text.lower().startswith("the "):
                continue
            linked += 1
            right += bool(by_start[span.start] & names)
    return linked, right


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--split", default="dev", choices=["dev", "test", "train"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    path = gum_split(args.data, args.split)
    if not path.is_file():
        print(f"error: no {path}", file=sys.stderr)
        return 2
    figures = {"split": args.split, **measure(read_gum(path))}
    print_figures(figures, args.json, f"entity grouping on GUM {args.split}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
