"""Claims on conflict news: found, source, kind, certainty and precision against a story set's gold.

    python benchmarks/claims.py --data /work/shared/data/stories/kakhovka-dam-2023 [--json] [--errors FILE]

DATA is one story folder (``articles.jsonl``, ``gold.jsonl``) or a folder of them; each story is scored
alone. Every article runs through :func:`claimtrace.analyze` as a user would call it (text, outlet,
published). Scoring follows the stories README ("How claims are scored"):

- a gold claim is **found** when a predicted claim's content covers at least half of the quote's content
  words, or the predicted cue lies inside the quote; the claim scored is one whose cue lies inside the quote
  (a claim is known by its reporting words: "X said A, Y denied it" holds two), else the one that covers
  most of the quote, and among equals the one that gets most right;
- **source** right when the claim's source text or canonical name shares a content word with the gold
  source; a gold claim without a source (the author's, or an agentless passive) needs no named source;
- **kind** right when the predicted kind is the mapped gold kind; **certainty** right when equal;
- **precision**: the share of attributed predicted claims (a source other than the author) that touch a
  gold quote (find it, or have half of their own content words inside it). Every attributed claim in
  these sets is annotated, so the others are false attributions.

Each figure but precision is a share of all gold claims. ``seconds`` and ``words_per_s`` time the analysis
of the story's articles (after one warm-up analysis that loads the pipeline). ``--errors FILE`` writes every miss (one JSON
line each: article, gold claim, the predicted claim scored, what was wrong) for error analysis.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimtrace.errors import ClaimtraceError, InputError
from claimtrace.model import SOURCE_KINDS, Analysis, Claim
from report import print_figures

GOLD_KINDS = {
    "named_person": "person",
    "named_organization": "organization",
    "government_or_military_body": "government",
    "media_outlet": "media",
    "anonymous": "anonymous",
    "eyewitness": "witness",
    "document": "document",
    "author_unattributed": "author",
}
FIGURES = ("found", "source", "kind", "certainty")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass
class Words:
    """The content words of a text piece, with their character offsets in the article."""

    spans: list[tuple[int, int]]
    lowered: set[str]


def content_words(text: str, offset: int = 0) -> Words:
    from spacy.lang.en.stop_words import STOP_WORDS

    spans, lowered = [], set()
    for match in _WORD.finditer(text):
        word = match.group().lower()
        if word in STOP_WORDS:
            continue
        spans.append((offset + match.start(), offset + match.end()))
        lowered.add(word)
    return Words(spans, lowered)


@dataclass
class GoldClaim:
    quote: str
    start: int
    end: int
    words: Words
    source: str | None
    kind: str  # claimtrace's kind
    certainty: str
    raw: dict[str, Any]


def read_story(folder: Path) -> list[tuple[dict[str, Any], list[GoldClaim]]]:
    """(article, gold claims) pairs of one story folder, gold quotes located in the article text."""
    articles_file, gold_file = folder / "articles.jsonl", folder / "gold.jsonl"
    if not articles_file.is_file() or not gold_file.is_file():
        raise InputError(f"{folder} has no articles.jsonl and gold.jsonl")
    gold = {row["id"]: row for row in _jsonl(gold_file)}
    story = []
    for article in _jsonl(articles_file):
        claims = []
        for claim in gold.get(article["id"], {}).get("claims", []):
            start = article["text"].find(claim["quote"])
            if start < 0:
                raise InputError(f"{article['id']}: gold quote not in the text: {claim['quote'][:60]!r}")
            end = start + len(claim["quote"])
            claims.append(GoldClaim(claim["quote"], start, end, content_words(claim["quote"], start),
                                    claim["source"], GOLD_KINDS[claim["source_kind"]], claim["certainty"], claim))
        story.append((article, claims))
    return story


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def finds(claim: Claim, gold: GoldClaim) -> float:
    """How much of the gold quote ``claim`` covers (0 when it does not find it; 1.0 for a cue inside)."""
    covered = sum(claim.content.start <= s and e <= claim.content.end for s, e in gold.words.spans)
    share = covered / len(gold.words.spans) if gold.words.spans else 0.0
    if share >= 0.5:
        return share
    if cue_inside(claim, gold):
        return 0.5
    return 0.0


def cue_inside(claim: Claim, gold: GoldClaim) -> bool:
    return claim.cue is not None and gold.start <= claim.cue.start and claim.cue.end <= gold.end


def touches(claim: Claim, gold: GoldClaim) -> bool:
    """A predicted claim is a real attribution when it finds the quote or lies half inside it."""
    if finds(claim, gold):
        return True
    own = content_words(claim.content.text, claim.content.start).spans
    inside = sum(gold.start <= s and e <= gold.end for s, e in own)
    return bool(own) and inside / len(own) >= 0.5


def attributed(claim: Claim) -> bool:
    return claim.source is not None and claim.source.kind != "author"


def predicted_kind(claim: Claim) -> str:
    return claim.source.kind if claim.source is not None else "author"


def source_right(claim: Claim, gold: GoldClaim) -> bool:
    if gold.source is None:
        return not attributed(claim) or (gold.kind == "anonymous" and predicted_kind(claim) == "anonymous")
    if not attributed(claim):
        return False
    named = claim.source.text + " " + (claim.source.canonical or "")
    return bool(content_words(named).lowered & content_words(gold.source).lowered)


def judge(claim: Claim, gold: GoldClaim) -> dict[str, bool]:
    return {
        "found": True,
        "source": source_right(claim, gold),
        "kind": predicted_kind(claim) == gold.kind,
        "certainty": claim.certainty == gold.certainty,
    }


def score_article(claims: list[Claim], golds: list[GoldClaim]) -> tuple[list[dict], int, int]:
    """Per gold claim its verdicts and the claim scored; and (attributed, real attributed) counts."""
    verdicts = []
    for gold in golds:
        best, best_key = None, None
        for claim in claims:
            share = finds(claim, gold)
            if not share:
                continue
            marks = judge(claim, gold)
            key = (cue_inside(claim, gold), share, marks["source"] + marks["kind"] + marks["certainty"])
            if best_key is None or key > best_key:
                best, best_key = (claim, marks), key
        if best is None:
            verdicts.append({"gold": gold, "claim": None, "marks": dict.fromkeys(FIGURES, False)})
        else:
            verdicts.append({"gold": gold, "claim": best[0], "marks": best[1]})
    mine = [c for c in claims if attributed(c)]
    real = sum(any(touches(c, g) for g in golds) for c in mine)
    return verdicts, len(mine), real


def analyze_story(story: list[tuple[dict[str, Any], list[GoldClaim]]]) -> tuple[list[Analysis], float]:
    import claimtrace

    if story:  # load the pipeline and its tables first: the timing is of the analysis alone
        claimtrace.analyze(story[0][0]["text"], force=True)
    analyses, started = [], time.perf_counter()
    for article, _ in story:
        analyses.append(claimtrace.analyze(article["text"], title=article.get("title"),
                                           published=article.get("published"), outlet=article.get("outlet"),
                                           url=article.get("url"), force=True))
    return analyses, time.perf_counter() - started


def score_story(folder: Path, errors: list[dict] | None = None) -> dict[str, Any]:
    story = read_story(folder)
    analyses, seconds = analyze_story(story)
    totals: Counter[str] = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    n_gold = n_attributed = n_real = 0
    for (article, golds), analysis in zip(story, analyses, strict=True):
        verdicts, mine, real = score_article(analysis.claims, golds)
        n_gold += len(golds)
        n_attributed += mine
        n_real += real
        for verdict in verdicts:
            totals.update(k for k, v in verdict["marks"].items() if v)
            claim = verdict["claim"]
            confusion[(verdict["gold"].kind, predicted_kind(claim) if claim else "missed")] += 1
            if errors is not None and not all(verdict["marks"].values()):
                errors.append(_error_row(folder.name, article, verdict))
        if errors is not None:
            errors.extend(_false_attributions(folder.name, article, analysis.claims, golds))
    figures: dict[str, Any] = {k: totals[k] / n_gold if n_gold else 0.0 for k in FIGURES}
    figures["precision"] = n_real / n_attributed if n_attributed else 0.0
    words = sum(len(article["text"].split()) for article, _ in story)
    figures |= {"gold_claims": n_gold, "attributed_claims": n_attributed, "articles": len(story),
                "seconds": round(seconds, 2), "words_per_s": round(words / seconds, 1) if seconds else None}
    figures["confusion"] = {gold: {pred: n for (g, pred), n in sorted(confusion.items()) if g == gold}
                            for gold in sorted({g for g, _ in confusion})}
    return figures


def _claim_row(claim: Claim | None) -> dict[str, Any] | None:
    if claim is None:
        return None
    return {
        "content": claim.content.text,
        "source": claim.source.text if claim.source else None,
        "canonical": claim.source.canonical if claim.source else None,
        "kind": predicted_kind(claim),
        "cue": claim.cue.text if claim.cue else None,
        "certainty": claim.certainty,
        "polarity": claim.polarity,
        "form": claim.form,
    }


def _error_row(story: str, article: dict[str, Any], verdict: dict) -> dict[str, Any]:
    gold: GoldClaim = verdict["gold"]
    return {
        "story": story,
        "article": article["id"],
        "wrong": [k for k, v in verdict["marks"].items() if not v],
        "gold": {k: gold.raw[k] for k in ("quote", "source", "source_kind", "cue", "certainty", "polarity")},
        "claim": _claim_row(verdict["claim"]),
    }


def _false_attributions(story: str, article: dict[str, Any], claims: list[Claim],
                        golds: list[GoldClaim]) -> list[dict[str, Any]]:
    return [{"story": story, "article": article["id"], "wrong": ["precision"], "gold": None,
             "claim": _claim_row(claim)}
            for claim in claims if attributed(claim) and not any(touches(claim, g) for g in golds)]


def story_folders(data: Path) -> list[Path]:
    if (data / "gold.jsonl").is_file():
        return [data]
    folders = sorted(p.parent for p in data.glob("*/gold.jsonl"))
    if not folders:
        raise InputError(f"no story folder (articles.jsonl + gold.jsonl) at {data}")
    return folders


def print_confusion(confusion: dict[str, dict[str, int]]) -> None:
    columns = [*SOURCE_KINDS, "missed"]
    print("  kind confusion (rows gold, columns claimtrace)")
    print("  " + " " * 12 + "".join(f"{c[:9]:>10}" for c in columns))
    for gold, row in confusion.items():
        print(f"  {gold:<12}" + "".join(f"{row.get(c, 0):>10}" for c in columns))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a story folder, or a folder of them")
    parser.add_argument("--json", action="store_true", help="print one JSON object of figures")
    parser.add_argument("--errors", type=Path, help="write every miss as JSON lines to this file")
    args = parser.parse_args(argv)
    try:
        errors: list[dict] | None = [] if args.errors else None
        results = {folder.name: score_story(folder, errors) for folder in story_folders(args.data)}
    except ClaimtraceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if errors is not None:
        args.errors.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errors), encoding="utf-8")
    if args.json:
        only = next(iter(results.values())) if len(results) == 1 else results
        print(json.dumps(only))
        return 0
    for name, figures in results.items():
        confusion = figures.pop("confusion")
        print_figures(figures, as_json=False, title=f"claims: {name}")
        print_confusion(confusion)
    return 0


if __name__ == "__main__":
    sys.exit(main())
