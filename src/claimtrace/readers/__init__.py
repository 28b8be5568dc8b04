"""Readers: files and folders of text, HTML, JSON, JSON Lines and CSV (optionally gzipped) → Article.

:mod:`.formats` reads one file by its format; :mod:`.discovery` is the one reading path of
``analyze`` and ``ingest`` (folders, sidecar metadata, ``metadata.csv``, overrides, dates).
"""

from claimtrace.readers.discovery import iter_articles, read_articles, read_paths
from claimtrace.readers.formats import SUPPORTED_SUFFIXES, normalize_date

__all__ = ["SUPPORTED_SUFFIXES", "iter_articles", "normalize_date", "read_articles", "read_paths"]
