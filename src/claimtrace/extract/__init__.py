"""Extractors: plain functions over a spaCy ``Doc``, one module per capability."""
