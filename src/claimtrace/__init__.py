"""claimtrace: trace every claim in conflict news, its source, authority and certainty."""

from claimtrace.model import (
    Analysis,
    Article,
    Claim,
    Cue,
    DateMention,
    Entity,
    EntityGroup,
    PartialDate,
    Place,
    Sentence,
    Source,
    Span,
)

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "Article",
    "Claim",
    "Cue",
    "DateMention",
    "Entity",
    "EntityGroup",
    "PartialDate",
    "Place",
    "Sentence",
    "Source",
    "Span",
    "analyze",
    "analyze_article",
]


def analyze(text, title=None, published=None, outlet=None, url=None, *, force=False):  # noqa: ANN001, ANN201
    """Analyse one article's text; see :func:`claimtrace.pipeline.analyze`."""
    from claimtrace.pipeline import analyze as _analyze

    return _analyze(text, title=title, published=published, outlet=outlet, url=url, force=force)


def analyze_article(article, *, force=False):  # noqa: ANN001, ANN201
    """Analyse an :class:`Article`; see :func:`claimtrace.pipeline.analyze_article`."""
    from claimtrace.pipeline import analyze_article as _analyze_article

    return _analyze_article(article, force=force)
