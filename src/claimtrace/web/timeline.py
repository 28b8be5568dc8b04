"""The layout of a story's timeline: outlets as lanes, dates as columns, claims as dots.

Columns are the distinct dates of the story in order (equally spaced, so a
story spread over months stays readable; the date labels tell the gaps);
claims of one outlet on one date share a cell, a few dots a row. Each
relation is a curve from the earlier claim's dot to the later one's,
classed by its kind and titled with its reason. Undated claims sit in a
first column. Only geometry is computed here; the template draws it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

STEP = 11  # px between dots of one cell
PER_ROW = 6  # dots per row inside a cell
LANE_LABEL = 150  # px kept left of the first column for outlet names
HEADER = 34  # px above the first lane for date labels
PAD = 12
MIN_COLUMN = 78  # px: room for a date label ("2024-05-02")
UNDATED = "undated"


@dataclass
class Timeline:
    width: int
    height: int
    lanes: list[dict[str, Any]]
    columns: list[dict[str, Any]]
    dots: list[dict[str, Any]]
    links: list[dict[str, Any]]


def lay_out(claims: list[dict[str, Any]]) -> Timeline:
    """Place every claim of a story timeline (``Store.story_timeline``'s ``claims``)."""
    cells: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    outlets: list[str] = []
    dates: set[str] = set()
    for claim in claims:
        outlet, date = claim["outlet"] or "unknown outlet", (claim["time"] or "")[:10] or UNDATED
        cells[(outlet, date)].append(claim)
        dates.add(date)
        if outlet not in outlets:
            outlets.append(outlet)
    order = sorted(dates, key=lambda d: (d != UNDATED, d))
    col_width = {d: max(MIN_COLUMN, _cols(max(len(cells.get((o, d), [])) for o in outlets)) * STEP + 2 * PAD)
                 for d in order}
    lane_height = {o: _rows(max(len(cells.get((o, d), [])) for d in order)) * STEP + 2 * PAD for o in outlets}
    x0 = dict(zip(order, _starts(LANE_LABEL, [col_width[d] for d in order]), strict=True))
    y0 = dict(zip(outlets, _starts(HEADER, [lane_height[o] for o in outlets]), strict=True))
    dots, where = [], {}
    for (outlet, date), members in cells.items():
        for i, claim in enumerate(members):
            x = x0[date] + PAD + (i % PER_ROW) * STEP + STEP // 2
            y = y0[outlet] + PAD + (i // PER_ROW) * STEP + STEP // 2
            where[claim["id"]] = (x, y)
            dots.append({"x": x, "y": y, "id": claim["id"], "css": f"dot {claim['polarity']}", "tip": _tip(claim)})
    return Timeline(
        width=LANE_LABEL + sum(col_width.values()) + PAD,
        height=HEADER + sum(lane_height.values()) + PAD,
        lanes=[{"y": y0[o], "height": lane_height[o], "label": o} for o in outlets],
        columns=[{"x": x0[d], "width": col_width[d], "label": d} for d in order],
        dots=dots,
        links=_links(claims, where),
    )


def _cols(n: int) -> int:
    return max(1, min(n, PER_ROW))


def _rows(n: int) -> int:
    return max(1, math.ceil(n / PER_ROW))


def _starts(first: int, sizes: list[int]) -> list[int]:
    starts, at = [], first
    for size in sizes:
        starts.append(at)
        at += size
    return starts


def _tip(claim: dict[str, Any]) -> str:
    source = claim["source"] or "the article itself"
    return f"{claim['time'] or 'undated'} · {claim['outlet'] or '?'} · {source}: {claim['content']}"


def _links(claims: list[dict[str, Any]], where: dict[int, tuple[int, int]]) -> list[dict[str, Any]]:
    links = []
    for claim in claims:
        for relation in claim.get("relations", []):
            if relation["claim"] not in where:
                continue
            (x1, y1), (x2, y2) = where[relation["claim"]], where[claim["id"]]
            lift = 18 + abs(x2 - x1) // 6
            path = f"M{x1},{y1} Q{(x1 + x2) // 2},{min(y1, y2) - lift} {x2},{y2}"
            links.append({"d": path, "css": f"link {relation['relation']}",
                          "tip": f"{relation['relation']}: {relation['reason'] or ''}"})
    return links
