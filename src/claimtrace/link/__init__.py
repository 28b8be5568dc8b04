"""Across articles: claim records, matching, stories and relations."""
