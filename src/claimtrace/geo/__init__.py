"""The offline gazetteer: places from PyPI packages compiled into a local index.

``load_gazetteer()`` returns the shared :class:`Gazetteer` (built into the
user's cache on first use); ``build_gazetteer()`` compiles it explicitly
(``python -m claimtrace.geo`` does the same from a shell).
"""

from claimtrace.geo.index import Candidate, Gazetteer, build_gazetteer, cache_dir, distance_km, load_gazetteer

__all__ = ["Candidate", "Gazetteer", "build_gazetteer", "cache_dir", "distance_km", "load_gazetteer"]
