"""An offline map of an article's places, as inline SVG for the HTML report.

``places_svg(places)`` draws country outlines (Natural Earth 1:110m, shipped
in ``claimtrace/geo/data/world_110m.json``, derived by
``training/geo/make_world_outline.py``) zoomed to the places that have
coordinates, shades the countries they lie in, and marks each distinct point
with a dot sized by its number of mentions and a tooltip. No tiles, no
network. Projection: equirectangular with longitudes scaled by the cosine of
the middle latitude (faithful enough at regional zoom); views do not wrap
around the antimeridian.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from importlib import resources

from claimtrace.model import Place

MIN_SPAN_DEG = 8.0  # a lone place still shows its surroundings
PADDING = 0.2  # share of the span added on every side
MAX_LABELS = 8
_LAND = "#e8e4d8"
_LAND_FOCUS = "#d3e3c4"
_BORDER = "#9a9486"
_SEA = "#f4f8fb"
_MARK = "#c0392b"


@dataclass(frozen=True)
class View:
    """The map window in degrees and its projection onto a width x height canvas."""

    west: float
    south: float
    east: float
    north: float
    width: int
    height: int

    def x(self, lon: float) -> float:
        return (lon - self.west) / (self.east - self.west) * self.width

    def y(self, lat: float) -> float:
        return (self.north - lat) / (self.north - self.south) * self.height


@lru_cache(maxsize=1)
def world_outline() -> list[dict]:
    """The shipped country outlines: dicts with iso2, name and rings (flat lon, lat lists)."""
    text = resources.files("claimtrace.geo").joinpath("data/world_110m.json").read_text(encoding="utf-8")
    return json.loads(text)["countries"]


def _view(points: list[tuple[float, float]], width: int) -> View:
    if not points:
        return View(-180.0, -60.0, 180.0, 85.0, width, round(width * 0.5))
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    mid_lat = (min(lats) + max(lats)) / 2
    squeeze = max(math.cos(math.radians(mid_lat)), 0.2)
    lat_span = max(max(lats) - min(lats), MIN_SPAN_DEG) * (1 + 2 * PADDING)
    lon_span = max(max(lons) - min(lons), MIN_SPAN_DEG / squeeze) * (1 + 2 * PADDING)
    # keep the canvas between 2:1 and 1:1 by widening the narrower side
    ratio = (lat_span / (lon_span * squeeze))
    if ratio < 0.5:
        lat_span = 0.5 * lon_span * squeeze
    elif ratio > 1.0:
        lon_span = lat_span / squeeze
    lon_span, lat_span = min(lon_span, 360.0), min(lat_span, 170.0)
    centre_lat = min(max(mid_lat, -85 + lat_span / 2), 85 - lat_span / 2)
    centre_lon = (min(lons) + max(lons)) / 2
    centre_lon = min(max(centre_lon, -180 + lon_span / 2), 180 - lon_span / 2)
    height = round(width * lat_span / (lon_span * squeeze))
    return View(centre_lon - lon_span / 2, centre_lat - lat_span / 2, centre_lon + lon_span / 2,
                centre_lat + lat_span / 2, width, max(1, height))


def _ring_path(ring: list[float], view: View) -> str:
    lons, lats = ring[0::2], ring[1::2]
    if max(lons) < view.west or min(lons) > view.east or max(lats) < view.south or min(lats) > view.north:
        return ""
    parts, last = [], None
    for lon, lat in zip(lons, lats, strict=True):
        point = (round(view.x(lon), 1), round(view.y(lat), 1))
        if last is None or abs(point[0] - last[0]) + abs(point[1] - last[1]) >= 1.0:
            parts.append(f"{point[0]},{point[1]}")
            last = point
    return "M" + "L".join(parts) + "Z" if len(parts) > 2 else ""


def _countries_svg(view: View, focus: set[str]) -> list[str]:
    shapes = []
    for country in world_outline():
        path = "".join(_ring_path(ring, view) for ring in country["rings"])
        if path:
            fill = _LAND_FOCUS if country["iso2"] in focus else _LAND
            shapes.append(f'<path d="{path}" fill="{fill}" stroke="{_BORDER}" stroke-width="0.6">'
                          f"<title>{escape(country['name'])}</title></path>")
    return shapes


def _grouped(places: list[Place]) -> list[tuple[float, float, list[Place]]]:
    """Mentions grouped by point, most mentioned first."""
    groups: dict[tuple[float, float], list[Place]] = {}
    for place in places:
        if place.lat is not None and place.lon is not None:
            groups.setdefault((round(place.lat, 4), round(place.lon, 4)), []).append(place)
    return sorted(((lat, lon, ps) for (lat, lon), ps in groups.items()), key=lambda g: -len(g[2]))


def _markers_svg(groups: list[tuple[float, float, list[Place]]], view: View) -> list[str]:
    marks, labels = [], []
    for rank, (lat, lon, group) in enumerate(groups):
        x, y = round(view.x(lon), 1), round(view.y(lat), 1)
        radius = round(3 + 2 * math.log2(len(group)), 1)
        names = sorted({p.name or p.text for p in group})
        tip = escape(f"{', '.join(names)} ({len(group)} mention{'s' if len(group) > 1 else ''})")
        marks.append(f'<circle cx="{x}" cy="{y}" r="{radius}" fill="{_MARK}" fill-opacity="0.75" '
                     f'stroke="#fff" stroke-width="1"><title>{tip}</title></circle>')
        if rank < MAX_LABELS:
            where = f'x="{x + radius + 2}" y="{y + 4}" font-size="11" font-family="sans-serif"'
            # a white halo drawn first, then the label: readable over borders in every renderer
            labels.append(f'<text {where} fill="#fff" stroke="#fff" stroke-width="3">{escape(names[0])}</text>'
                          f'<text {where} fill="#222">{escape(names[0])}</text>')
    return marks + labels


def places_svg(places: list[Place], width: int = 640) -> str:
    """An inline SVG map zoomed to the places with coordinates (a world map when none has any)."""
    width = max(120, int(width))
    groups = _grouped(places)
    view = _view([(lat, lon) for lat, lon, _ in groups], width)
    focus = {p.country for _, _, ps in groups for p in ps if p.country}
    located = sum(len(g[2]) for g in groups)
    label = f"Map of {len(groups)} place{'s' if len(groups) != 1 else ''} ({located} mentions)"
    body = [f'<rect width="{view.width}" height="{view.height}" fill="{_SEA}"/>',
            *_countries_svg(view, focus), *_markers_svg(groups, view)]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{view.width}" height="{view.height}" '
            f'viewBox="0 0 {view.width} {view.height}" role="img" aria-label="{escape(label)}">'
            f"<title>{escape(label)}</title>{''.join(body)}</svg>")
