"""The offline SVG map of an article's places."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from claimtrace.model import Place
from claimtrace.report.map import places_svg, world_outline

SVG = "{http://www.w3.org/2000/svg}"


def _place(name: str, lat: float | None, lon: float | None, country: str | None = None) -> Place:
    return Place(name, 0, len(name), name=name, lat=lat, lon=lon, country=country, feature="city")


def _titles(svg: str) -> set[str]:
    root = ET.fromstring(svg)
    return {t.text for t in root.iter(f"{SVG}title")}


def test_outline_is_shipped():
    countries = world_outline()
    assert len(countries) > 150
    assert any(c["iso2"] == "SY" for c in countries)


def test_zooms_to_the_places():
    svg = places_svg([_place("Damascus", 33.51, 36.29, "SY"), _place("Aleppo", 36.2, 37.16, "SY")])
    titles = _titles(svg)
    assert "Syria" in titles and "Brazil" not in titles
    root = ET.fromstring(svg)
    assert root.get("width") == "640"
    assert len(list(root.iter(f"{SVG}circle"))) == 2


def test_mentions_of_one_point_share_one_marker():
    svg = places_svg([_place("Syria", 35.0, 38.0, "SY")] * 3)
    (circle,) = ET.fromstring(svg).iter(f"{SVG}circle")
    assert "3 mentions" in circle.find(f"{SVG}title").text


def test_without_coordinates_it_is_a_world_map():
    svg = places_svg([_place("Nowhere", None, None)], width=300)
    root = ET.fromstring(svg)
    assert root.get("width") == "300"
    assert not list(root.iter(f"{SVG}circle"))
    assert {"Brazil", "Australia", "Canada"} <= _titles(svg)


def test_names_are_escaped():
    svg = places_svg([_place("<script>alert(1)</script>", 10.0, 10.0)])
    assert "<script>" not in svg
    ET.fromstring(svg)  # still well-formed


def test_places_across_the_world_stay_on_the_canvas():
    svg = places_svg([_place("Lima", -12.0, -77.0), _place("Tokyo", 35.7, 139.7)], width=500)
    root = ET.fromstring(svg)
    width, height = float(root.get("width")), float(root.get("height"))
    for circle in root.iter(f"{SVG}circle"):
        assert 0 <= float(circle.get("cx")) <= width and 0 <= float(circle.get("cy")) <= height
