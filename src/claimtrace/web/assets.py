"""The web app's static files, read once from the package into memory.

A request names an asset; the name is looked up in a fixed table built at
start-up, so no path from a request ever reaches the file system. The base
map (country outlines of Natural Earth 1:110m, shipped for the HTML report)
is served as GeoJSON built from the same data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable

_TYPES = {".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".png": "image/png",
          ".svg": "image/svg+xml", ".geojson": "application/geo+json"}


@dataclass(frozen=True)
class Asset:
    body: bytes
    media_type: str


@lru_cache(maxsize=1)
def assets() -> dict[str, Asset]:
    """Every file under ``web/static`` (licences and READMEs left out), the shared highlight
    stylesheet of the HTML report, and the world outline as GeoJSON."""
    found: dict[str, Asset] = {}
    _collect(resources.files("claimtrace.web").joinpath("static"), "", found)
    css = resources.files("claimtrace.report").joinpath("templates/highlights.css").read_bytes()
    found["highlights.css"] = Asset(css, "text/css")
    found["world.geojson"] = Asset(json.dumps(world_geojson(), separators=(",", ":")).encode(), "application/geo+json")
    return found


def _collect(folder: Traversable, prefix: str, found: dict[str, Asset]) -> None:
    for entry in folder.iterdir():
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            _collect(entry, f"{name}/", found)
            continue
        suffix = "." + entry.name.rsplit(".", 1)[-1] if "." in entry.name else ""
        if suffix in _TYPES:  # licences and READMEs stay in the package, unserved
            found[name] = Asset(entry.read_bytes(), _TYPES[suffix])


def world_geojson() -> dict:
    """The shipped country outlines as a GeoJSON FeatureCollection of (multi)polygons."""
    from claimtrace.report.map import world_outline

    features = []
    for country in world_outline():
        rings = [[[ring[i], ring[i + 1]] for i in range(0, len(ring) - 1, 2)] for ring in country["rings"]]
        polygons = [[ring + [ring[0]]] for ring in rings if len(ring) > 2]
        features.append({"type": "Feature", "properties": {"name": country["name"], "iso2": country["iso2"]},
                         "geometry": {"type": "MultiPolygon", "coordinates": polygons}})
    return {"type": "FeatureCollection", "features": features}
