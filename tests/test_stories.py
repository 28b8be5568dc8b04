"""Stories: batch clustering and incremental assignment on self-written articles."""

from __future__ import annotations

from claimtrace.link.stories import StoryIndex, cluster_articles, embed_articles, story_text
from claimtrace.store.records import ArticleRecord

FLOOD = "Floods swept through the river valley, forcing thousands of residents from their homes."
TALKS = "Negotiators for the two governments met in Geneva to discuss a prisoner exchange."


def article(
    i: int, title: str, text: str, published: str | None, entities: list[str] | None = None
) -> ArticleRecord:
    return ArticleRecord(
        id=i,
        title=title,
        text=text,
        outlet=f"outlet {i}",
        published=published,
        url=None,
        entities=entities or [],
    )


def corpus() -> list[ArticleRecord]:
    return [
        article(1, "Floods force thousands from homes in river valley", FLOOD, "2024-03-01", ["Valley"]),
        article(
            2,
            "Thousands flee as river floods the valley",
            "Rising water drove families out of the valley.",
            "2024-03-02",
            ["Valley"],
        ),
        article(3, "Prisoner swap discussed at Geneva talks", TALKS, "2024-03-01", ["Geneva"]),
        article(
            4,
            "Governments meet in Geneva over prisoner exchange",
            "Talks in Geneva focused on swapping prisoners.",
            "2024-03-03",
            ["Geneva"],
        ),
        article(5, "Floods force thousands from homes in river valley", FLOOD, "2024-09-20", ["Valley"]),
    ]


def test_story_text_is_title_and_lead():
    text = story_text(article(1, "Title", "word " * 200, None))
    assert text.startswith("Title. word") and len(text) < 420


def test_batch_clustering_groups_by_event_and_splits_by_time_window():
    assignments, labels = cluster_articles(corpus())
    assert assignments[1] == assignments[2]
    assert assignments[3] == assignments[4]
    assert assignments[1] != assignments[3]
    # Same wording six months later is a new story: it is outside the window.
    assert assignments[5] != assignments[1]
    assert set(labels) == set(assignments.values())
    assert labels[assignments[3]] == "Geneva"


def test_incremental_assignment_joins_or_opens_stories():
    articles = corpus()
    vectors = embed_articles(articles)
    index = StoryIndex(next_id=10)
    first = index.assign(articles[0], vectors[0])
    assert first == 10
    assert index.assign(articles[1], vectors[1]) == first
    assert index.assign(articles[2], vectors[2]) == 11
    assert index.assignments() == {1: 10, 2: 10, 3: 11}


def test_empty_batch():
    assert cluster_articles([]) == ({}, {})
