"""Readers: files of text, HTML, JSON, JSON Lines and CSV (optionally gzipped) → Article."""

from claimtrace.readers.formats import (
    SUPPORTED_SUFFIXES,
    iter_articles,
    iter_records,
    normalize_date,
    read_articles,
)

__all__ = ["SUPPORTED_SUFFIXES", "iter_articles", "iter_records", "normalize_date", "read_articles"]
