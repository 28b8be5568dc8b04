"""Shared fixtures: the trained pipeline is loaded once per test session."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimtrace.model import Claim, Span
from claimtrace.store.records import ClaimRecord

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "no-russian-withdrawal.txt"


_claim_ids = itertools.count(1)


def claim_record(text: str, polarity: str = "affirms", published: str = "2024-04-02", **extra) -> ClaimRecord:
    """A stored claim whose content is ``text`` (fresh ids each call), for linking tests."""
    n = next(_claim_ids)
    content = Claim(content=Span(text, 0, len(text)), polarity=polarity)
    return ClaimRecord(id=n, article_id=n, claim=content, published=published, **extra)


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
def claims_of(nlp):
    """A function from a text to its attributed claims (author claims left out), by the trained pipeline."""
    from claimtrace.extract.attribution import find_claims
    from claimtrace.extract.entities import link_mentions

    def run(text: str) -> list[Claim]:
        doc = nlp(text)
        return [c for c in find_claims(doc, link_mentions(doc)) if c.form != "author"]

    return run


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
    from claimtrace.pipeline import analyze_article
    from claimtrace.readers import read_articles

    (article,) = read_articles(EXAMPLE, published="2022-03-01", outlet="Al Mayadeen English")
    return analyze_article(article)


POSTGRES_VARIABLE = "CLAIMTRACE_TEST_POSTGRES"  # a server the store tests may create schemas in (.ci/run sets it)


def postgres_url() -> str:
    """The configured test server; skips the test (fails it on CI, where one must be) when there is none."""
    url = os.environ.get(POSTGRES_VARIABLE)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRES_VARIABLE} is not set on CI: .ci/run must start a PostgreSQL server")
        pytest.skip(f"no PostgreSQL server configured (set {POSTGRES_VARIABLE}=postgresql://...)")
    return url


@pytest.fixture
def postgres_location() -> Iterator[str]:
    """A URL of an empty schema of its own on the test server, dropped afterwards."""
    import psycopg

    from claimtrace.store.postgres import close_pool

    server = postgres_url()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    url = f"{server}{'&' if '?' in server else '?'}options=-csearch_path%3D{schema}"
    yield url
    close_pool(url)
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_location(request, tmp_path) -> str:
    """Where a fresh store is, on each backend: a SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "corpus.db")
    return request.getfixturevalue("postgres_location")
