"""Derive the offline world outline for the HTML report's map.

Source: Natural Earth 1:110m admin-0 countries (public domain), as shipped in
the PyPI wheel geopandas 0.14.4 (``geopandas/datasets/naturalearth_lowres``).
Fetch it with pip, then run this script:

    pip download --no-deps geopandas==0.14.4 -d /tmp/gpd
    cd /tmp/gpd && unzip -o geopandas-0.14.4-py3-none-any.whl 'geopandas/datasets/*'
    python training/geo/make_world_outline.py /tmp/gpd/geopandas/datasets/naturalearth_lowres \\
        src/claimtrace/geo/data/world_110m.json

Writes ``{"source": ..., "countries": [{"iso2": .., "name": .., "rings": [[lon, lat, lon, lat, ...], ...]}]}``
with coordinates rounded to 0.01 degree. Needs only the standard library and pycountry.
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

SOURCE = ("Natural Earth 1:110m admin-0 countries (public domain, naturalearthdata.com), "
          "via the geopandas 0.14.4 wheel on PyPI (datasets/naturalearth_lowres)")


def read_polygons(shp: Path) -> list[list[list[tuple[float, float]]]]:
    """Every record of a polygon shapefile as a list of rings of (lon, lat)."""
    data = shp.read_bytes()
    offset, shapes = 100, []
    while offset < len(data):
        _, length = struct.unpack(">ii", data[offset: offset + 8])
        record = data[offset + 8: offset + 8 + 2 * length]
        offset += 8 + 2 * length
        shape_type = struct.unpack("<i", record[:4])[0]
        if shape_type not in (5, 15, 25):
            shapes.append([])
            continue
        num_parts, num_points = struct.unpack("<ii", record[36:44])
        parts = list(struct.unpack(f"<{num_parts}i", record[44: 44 + 4 * num_parts]))
        start = 44 + 4 * num_parts
        points = [struct.unpack("<dd", record[start + 16 * i: start + 16 * i + 16]) for i in range(num_points)]
        bounds = [*parts, num_points]
        shapes.append([points[bounds[k]: bounds[k + 1]] for k in range(num_parts)])
    return shapes


def read_dbf(dbf: Path) -> list[dict[str, str]]:
    data = dbf.read_bytes()
    count, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields, pos = [], 32
    while data[pos] != 0x0D:
        name = data[pos: pos + 11].split(b"\0")[0].decode()
        fields.append((name, data[pos + 16]))
        pos += 32
    rows = []
    for i in range(count):
        record = data[header_len + i * record_len: header_len + (i + 1) * record_len]
        values, cursor = {}, 1
        for name, length in fields:
            values[name] = record[cursor: cursor + length].decode("utf-8", "replace").strip()
            cursor += length
        rows.append(values)
    return rows


def iso2(iso3: str) -> str | None:
    import pycountry

    country = pycountry.countries.get(alpha_3=iso3)
    return country.alpha_2 if country else None


def main() -> None:
    folder, target = Path(sys.argv[1]), Path(sys.argv[2])
    shapes = read_polygons(folder / "naturalearth_lowres.shp")
    rows = read_dbf(folder / "naturalearth_lowres.dbf")
    countries = []
    for shape, row in zip(shapes, rows, strict=True):
        rings = [[v for lon, lat in ring for v in (round(lon, 2), round(lat, 2))] for ring in shape]
        countries.append({"iso2": iso2(row.get("iso_a3", "")), "name": row.get("name", ""), "rings": rings})
    target.write_text(json.dumps({"source": SOURCE, "countries": countries}, separators=(",", ":")))
    print(f"{len(countries)} countries -> {target} ({target.stat().st_size / 1000:.0f} kB)")


if __name__ == "__main__":
    main()
