"""Reading PolNeAR-style brat attributions and scoring predicted claims against them.

The scores follow Citron (BBC R&D, ``citron/metrics.py``):

* **exact**: a predicted cue counts when a gold cue has exactly its span; a
  predicted source (content) counts when a gold attribution has an
  overlapping cue and exactly the same source (content) spans.
* **overlap**: token level. Precision is the number of predicted tokens that
  lie inside gold spans of the same role (summed over every predicted/gold
  pair) divided by the number of predicted tokens; recall divides the same
  sum by the number of gold tokens.
* **relation**: a predicted attribution matches a gold one when their cues,
  contents and sources all overlap (sources count as overlapping when both are
  absent).

Predicted claims that share a cue span are one attribution (their contents
become fragments of one content), as PolNeAR annotates a quote broken by
"he said" as one attribution with a discontinuous content.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from claimtrace.errors import InputError
from claimtrace.model import Claim

Fragments = tuple[tuple[int, int], ...]
_TOKEN = re.compile(r"\w+|[^\w\s]")
_ANN_LINE = re.compile(r"^(T|E|#|R|A|N)\d+\t")


@dataclass
class Attribution:
    """One attribution: each role is a tuple of (start, end) fragments (empty when absent)."""

    cue: Fragments
    source: Fragments = ()
    content: Fragments = ()
    form: str = "indirect"


@dataclass
class GoldDocument:
    name: str
    text: str
    attributions: list[Attribution] = field(default_factory=list)


def read_polnear(directory: Path) -> Iterator[GoldDocument]:
    """Yield the articles of a PolNeAR split (``text/*.txt`` + ``attributions/*.ann``).

    Articles annotated by several annotators are read once, with the
    alphabetically first annotator's file.
    """
    for text_path, ann_paths in _annotated_texts(directory):
        if not ann_paths:
            continue
        text = text_path.read_text(encoding="utf-8")
        attributions = parse_brat(ann_paths[0].read_text(encoding="utf-8"), text)
        yield GoldDocument(text_path.stem, text, attributions)


def read_multiply_annotated(directory: Path) -> Iterator[tuple[str, str, list[list[Attribution]]]]:
    """(name, text, each annotator's attributions) of every article that several annotators
    annotated: the material of an inter-annotator agreement."""
    for text_path, ann_paths in _annotated_texts(directory):
        if len(ann_paths) < 2:
            continue
        text = text_path.read_text(encoding="utf-8")
        yield text_path.stem, text, [parse_brat(path.read_text(encoding="utf-8"), text) for path in ann_paths]


def _annotated_texts(directory: Path) -> Iterator[tuple[Path, list[Path]]]:
    """Each ``text/*.txt`` of a PolNeAR-style folder with its ``.ann`` files, one per annotator."""
    text_dir, ann_dir = directory / "text", directory / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise InputError(f"{directory} has no text/ and attributions/ folders (PolNeAR layout expected)")
    for text_path in sorted(text_dir.glob("*.txt")):
        yield text_path, sorted(ann_dir.glob(text_path.stem + "_*.ann"))


def parse_brat(ann: str, text: str) -> list[Attribution]:
    """The attribution events of one brat ``.ann`` file (continuation lines are tolerated)."""
    spans: dict[str, tuple[str, Fragments]] = {}
    events: list[dict[str, str]] = []
    for line in _logical_lines(ann):
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label, _, offsets = parts[1].partition(" ")
            spans[parts[0]] = (label, _fragments(offsets))
        elif line.startswith("E") and len(parts) >= 2:
            roles = dict(arg.split(":", 1) for arg in parts[1].split() if ":" in arg)
            events.append(roles)
    result = []
    for roles in events:
        def role(name: str, roles: dict[str, str] = roles) -> Fragments:
            ref = roles.get(name)
            return spans[ref][1] if ref in spans else ()

        cue = role("Cue") or role("Attribution")
        if not cue:
            continue
        content = role("Content")
        result.append(Attribution(cue, role("Source"), content, gold_form(text, cue, content)))
    return result


def _logical_lines(ann: str) -> Iterator[str]:
    current = ""
    for raw in ann.split("\n"):
        if _ANN_LINE.match(raw) or not current:
            if current:
                yield current
            current = raw
        else:
            current += "\n" + raw
    if current:
        yield current


def _fragments(offsets: str) -> Fragments:
    pieces = []
    for piece in offsets.split(";"):
        start, end = piece.split()
        pieces.append((int(start), int(end)))
    return tuple(pieces)


_QUOTES = "\"“”"


def gold_form(text: str, cue: Fragments, content: Fragments) -> str:
    """The form of a gold attribution, as claimtrace names forms."""
    cue_text = " ".join(text[s:e] for s, e in cue).lower()
    if "according" in cue_text:
        return "according_to"
    content_text = " ".join(text[s:e] for s, e in content).strip()
    if not any(q in content_text for q in _QUOTES):
        return "indirect"
    if content_text[:1] in _QUOTES and content_text.rstrip(".,;:!?")[-1:] in _QUOTES:
        return "direct"
    return "mixed"


def claims_to_attributions(claims: Iterable[Claim]) -> list[Attribution]:
    """Predicted claims as attributions; author claims are not attributions and are dropped."""
    by_cue: dict[tuple[int, int], Attribution] = {}
    for claim in claims:
        if claim.form == "author" or claim.cue is None:
            continue
        key = (claim.cue.start, claim.cue.end)
        source = ((claim.source.start, claim.source.end),) if claim.source and claim.source.text else ()
        content = ((claim.content.start, claim.content.end),)
        if key in by_cue:
            by_cue[key].content += content
        else:
            by_cue[key] = Attribution((key,), source, content, claim.form)
    return list(by_cue.values())


@dataclass
class Counts:
    """Running sums for one group of attributions (overall, or one form)."""

    # [matched predicted, predicted, gold, matched gold]; overlap sums use the first three
    exact: dict[str, list[int]] = field(default_factory=lambda: {r: [0, 0, 0, 0] for r in ROLES})
    overlap: dict[str, list[int]] = field(default_factory=lambda: {r: [0, 0, 0, 0] for r in ROLES})
    relation: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    predicted: int = 0
    gold: int = 0


ROLES = ("source", "cue", "content")


def token_index(text: str) -> list[tuple[int, int]]:
    """Token (start, end) offsets: words and single punctuation marks."""
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _tokens(fragments: Fragments, starts: list[int], tokens: list[tuple[int, int]]) -> set[int]:
    found: set[int] = set()
    for start, end in fragments:
        i = bisect.bisect_left(starts, start)
        if i > 0 and tokens[i - 1][1] > start:
            i -= 1
        while i < len(tokens) and tokens[i][0] < end:
            found.add(i)
            i += 1
    return found


def _overlaps(a: Fragments, b: Fragments) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def add_document(
    counts: Counts, text: str, predicted: list[Attribution], gold: list[Attribution]
) -> None:
    """Add one document's predicted and gold attributions to ``counts``."""
    tokens = token_index(text)
    starts = [s for s, _ in tokens]
    counts.predicted += len(predicted)
    counts.gold += len(gold)
    toks = {
        id(a): {r: _tokens(getattr(a, r), starts, tokens) for r in ROLES} for a in [*predicted, *gold]
    }
    for role in ROLES:
        overlap = counts.overlap[role]
        for p in predicted:
            overlap[1] += len(toks[id(p)][role])
            overlap[0] += sum(len(toks[id(p)][role] & toks[id(g)][role]) for g in gold)
        overlap[2] += sum(len(toks[id(g)][role]) for g in gold)
        exact = counts.exact[role]
        exact[0] += sum(any(_exact_match(p, g, role) for g in gold) for p in predicted)
        exact[1] += len(predicted)
        exact[2] += len(gold)
        exact[3] += sum(any(_exact_match(p, g, role) for p in predicted) for g in gold)
    rel = counts.relation
    rel[0] += sum(any(_relation_match(p, g) for g in gold) for p in predicted)
    rel[1] += len(predicted)
    rel[2] += len(gold)
    rel[3] += sum(any(_relation_match(p, g) for p in predicted) for g in gold)


def _exact_match(p: Attribution, g: Attribution, role: str) -> bool:
    if role == "cue":
        return sorted(p.cue) == sorted(g.cue)
    return _overlaps(p.cue, g.cue) and sorted(getattr(p, role)) == sorted(getattr(g, role))


def _relation_match(p: Attribution, g: Attribution) -> bool:
    sources = (not p.source and not g.source) or _overlaps(p.source, g.source)
    return sources and _overlaps(p.cue, g.cue) and _overlaps(p.content, g.content)


def prf(matched_predicted: int, predicted: int, gold: int, matched_gold: int | None = None) -> tuple[float, float, float]:
    """Precision, recall and F1 (recall from ``matched_gold`` when given)."""
    precision = matched_predicted / predicted if predicted else 0.0
    recall = (matched_gold if matched_gold is not None else matched_predicted) / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def scores(counts: Counts) -> dict[str, float]:
    """Flat figures: ``<role>_<exact|overlap>_<p|r|f1>`` and ``relation_<p|r|f1>``."""
    result: dict[str, float] = {}
    for role in ROLES:
        ov = counts.overlap[role]
        p, r, f = prf(ov[0], ov[1], ov[2])
        result |= {f"{role}_overlap_p": p, f"{role}_overlap_r": r, f"{role}_overlap_f1": f}
        ex = counts.exact[role]
        p, r, f = prf(ex[0], ex[1], ex[2], ex[3])
        result |= {f"{role}_exact_p": p, f"{role}_exact_r": r, f"{role}_exact_f1": f}
    rel = counts.relation
    p, r, f = prf(rel[0], rel[1], rel[2], rel[3])
    result |= {"relation_p": p, "relation_r": r, "relation_f1": f}
    result |= {"predicted": counts.predicted, "gold": counts.gold}
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}
