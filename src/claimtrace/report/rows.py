"""Query results as flat rows: CSV writing and the flat form of nested results.

Shared by the CLI's ``--csv`` output and the web app's CSV exports, so both
write the same columns.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from typing import Any, TextIO


def write_csv(rows: list[dict[str, Any]], default_fields: Sequence[str], out: TextIO,
              clean: Callable[[str], str] | None = None) -> None:
    """Every key of ``rows`` as a column (``default_fields`` when there are none); nested values as
    JSON; ``clean`` applied to every text cell (the CLI strips terminal escapes when writing to one)."""
    fields = list(rows[0]) if rows else list(default_fields)
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: cell(v, clean) for k, v in row.items()})


def cell(value: Any, clean: Callable[[str], str] | None = None) -> Any:
    value = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
    return clean(value) if clean is not None and isinstance(value, str) else value


def relations_text(relations: list[dict[str, Any]]) -> str:
    """A timeline claim's relations to earlier claims in one line."""
    return "; ".join(f"{r['relation']} #{r['claim']} ({r['outlet'] or '?'}): {r['reason']}" for r in relations)


def flat_conflict(row: dict[str, Any]) -> dict[str, Any]:
    """A related pair (``Store.conflicts``, ``Store.relations``) as one flat row, side ``a`` then side ``b``."""
    flat: dict[str, Any] = {"relation": row["relation"], "reason": row["reason"], "score": row["score"]}
    for side in ("a", "b"):
        item = row[side]
        claim = item["claim"]
        source = claim.get("source") or {}
        flat.update({
            f"{side}_claim_id": item["claim_id"], f"{side}_published": item["published"],
            f"{side}_outlet": item["outlet"], f"{side}_url": item["url"],
            f"{side}_source": source.get("canonical") or source.get("text"),
            f"{side}_polarity": claim.get("polarity"), f"{side}_says": claim["content"]["text"],
            f"{side}_frame": frame_text(claim),
        })
    return flat


def frame_text(claim: dict[str, Any]) -> str | None:
    """A claim's frame in a few words: "responsibility: Israel (denies)"."""
    frame = claim.get("frame")
    if not frame:
        return None
    who = f" {frame['agent']}" if frame.get("agent") else ""
    return f"{frame['predicate']}:{who} ({frame['polarity']})"
