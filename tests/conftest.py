"""Shared fixtures: the trained pipeline is loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "no-russian-withdrawal.txt"


@pytest.fixture(scope="session")
def nlp():
    """Our trained pipeline without the claimtrace components."""
    from claimtrace.nlp import load_pipeline

    return load_pipeline(with_components=False)


@pytest.fixture(scope="session")
def full_nlp():
    """Our trained pipeline with the claimtrace components (entities, dates, places, claims)."""
    from claimtrace.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def example_path() -> Path:
    return EXAMPLE


@pytest.fixture(scope="session")
def example_text() -> str:
    """The example article's body (the first line, its title, removed)."""
    return EXAMPLE.read_text(encoding="utf-8").split("\n", 1)[1]


@pytest.fixture(scope="session")
def example_analysis():
    """The example article analysed with a publication date in March 2022."""
    from claimtrace.ingest.readers import read_articles
    from claimtrace.pipeline import analyze_article

    (article,) = read_articles(EXAMPLE, published="2022-03-01", outlet="Al Mayadeen English")
    return analyze_article(article)
