"""Linking new articles into the corpus: embeddings, stories, candidate pairs, relations.

``link_corpus(store, article_ids)`` embeds the claims of the new articles, assigns the articles to
stories, finds candidate pairs between the new claims and all stored claims, relates each pair and
stores the relations, then marks the articles linked.

Candidates are found by blocking, never by comparing all claims with all claims: every stored claim
is indexed under its entities, its places, its article's story and four random-projection (LSH)
buckets of its embedding (the nearest-neighbour part). A new claim looks up its own keys, rarest
block first, up to ``MAX_BLOCK_CANDIDATES`` claims; the ``NEIGHBOURS`` most similar of those (cosine
at least ``MIN_CANDIDATE_COSINE``) are related. Cost grows with the number of new claims times that
cap, not with the corpus squared; with ``jobs > 1`` the new claims are related on forked workers.
Claim vectors come from the claim encoder (``embed.get_claim_encoder``), story vectors from MiniLM;
both are stored, so nothing is embedded twice. Misses: a matching claim that shares no entity, place,
story or LSH bucket with the new one (a paraphrase far from it in embedding space).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from claimtrace.errors import InputError
from claimtrace.link.embed import ensure_claim_encoder, get_claim_encoder
from claimtrace.link.matching import embed_claims, parse_date
from claimtrace.link.relations import relate
from claimtrace.link.stories import WINDOW_DAYS, Story, StoryIndex, embed_articles
from claimtrace.store.records import ArticleRecord, ClaimRecord, Relation

MAX_BLOCK_CANDIDATES = 2000
NEIGHBOURS = 20
MIN_CANDIDATE_COSINE = 0.3
LSH_TABLES = 4
LSH_BITS = 12
_LSH_SEED = 20261126
_KINDS = ("corroborates", "contradicts", "updates")
_MIN_CLAIMS_PER_JOB = 2000  # below this, starting a worker costs more than it saves


def _lsh_planes(dimension: int) -> np.ndarray:
    return (
        np.random.default_rng(_LSH_SEED).standard_normal((LSH_TABLES, LSH_BITS, dimension)).astype(np.float32)
    )


def lsh_keys(vectors: np.ndarray) -> list[list[str]]:
    """Bucket keys of each vector: one per table, the signs of ``LSH_BITS`` random projections."""
    if len(vectors) == 0:
        return []
    planes = _lsh_planes(vectors.shape[1])
    bits = np.einsum("tbd,nd->ntb", planes, vectors) > 0
    weights = 1 << np.arange(LSH_BITS)
    codes = (bits * weights).sum(-1)
    return [[f"lsh:{t}:{int(c)}" for t, c in enumerate(row)] for row in codes]


def blocking_keys(record: ClaimRecord, story: int | None, lsh: Iterable[str]) -> list[str]:
    keys = [f"entity:{e}" for e in sorted(set(record.entities))] + [
        f"place:{p}" for p in sorted(set(record.places))
    ]
    if story is not None:
        keys.append(f"story:{story}")
    return keys + list(lsh)


class CandidateIndex:
    """Stored claims by blocking key, with their embeddings for the final ranking."""

    def __init__(
        self,
        records: list[ClaimRecord],
        vectors: np.ndarray,
        stories: dict[int, int],
        calibrate: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> None:
        self.records = records
        self.calibrate = calibrate or (lambda cosines: cosines)  # onto MiniLM's scale (see embed.py)
        self.vectors = vectors
        self.article_ids = np.fromiter((r.article_id for r in records), dtype=np.int64, count=len(records))
        self.blocks: dict[str, list[int]] = defaultdict(list)
        for i, (record, lsh) in enumerate(zip(records, lsh_keys(vectors), strict=True)):
            for key in blocking_keys(record, stories.get(record.article_id), lsh):
                self.blocks[key].append(i)

    def candidates(self, record: ClaimRecord, vector: np.ndarray, keys: list[str]) -> list[tuple[int, float]]:
        """The stored claims most worth relating to ``record`` (not from its own article), as
        (index, calibrated cosine) pairs, most similar first."""
        pool: set[int] = set()
        for key in sorted(keys, key=lambda k: (len(self.blocks.get(k, ())), k)):
            pool.update(self.blocks.get(key, ()))
            if len(pool) >= MAX_BLOCK_CANDIDATES:
                break
        if not pool:
            return []
        indices = np.fromiter(sorted(pool), dtype=np.int64)
        indices = indices[self.article_ids[indices] != record.article_id]  # never its own article
        if not len(indices):
            return []
        sims = self.calibrate(self.vectors[indices] @ vector)
        keep = np.argsort(-sims)[:NEIGHBOURS]
        return [(int(indices[k]), float(sims[k])) for k in keep if sims[k] >= MIN_CANDIDATE_COSINE]


def _embeddings(store: Any, records: list[ClaimRecord]) -> tuple[np.ndarray, list[tuple[int, np.ndarray]]]:
    """Vectors for ``records``, computing (and returning for saving) those not stored yet."""
    missing = [r for r in records if r.embedding is None]
    fresh = embed_claims(missing) if missing else np.zeros((0, 384), dtype=np.float32)
    for record, vector in zip(missing, fresh, strict=True):
        record.embedding = vector
    vectors = (
        np.vstack([np.asarray(r.embedding, dtype=np.float32) for r in records])
        if records
        else np.zeros((0, 384), np.float32)
    )
    return vectors, [(r.id, v) for r, v in zip(missing, fresh, strict=True)]


def _near_any(day: date | None, new_days: list[date]) -> bool:
    """Whether ``day`` lies within the story window of at least one new article (undated: always)."""
    if day is None or not new_days:
        return True
    i = bisect_left(new_days, day - timedelta(days=WINDOW_DAYS))
    return i < len(new_days) and new_days[i] <= day + timedelta(days=WINDOW_DAYS)


def article_vectors(articles: list[ArticleRecord]) -> np.ndarray:
    """Story vectors of ``articles``: the stored ones, the missing ones embedded now and kept on the records."""
    missing = [a for a in articles if a.embedding is None]
    for article, vector in zip(missing, embed_articles(missing) if missing else [], strict=True):
        article.embedding = vector
    if not articles:
        return np.zeros((0, 384), np.float32)
    return np.vstack([np.asarray(a.embedding, dtype=np.float32) for a in articles])


def assign_stories(
    all_articles: list[ArticleRecord], new_articles: list[ArticleRecord]
) -> tuple[dict[int, int], dict[int, str], int]:
    """Story ids for ``new_articles``: join stories stored within the window, else start new ones.

    Returns (assignments of the new articles, labels of the stories they touch, count of new stories).
    """
    new_ids = {a.id for a in new_articles}
    new_days = sorted(d for d in (parse_date(a.published) for a in new_articles) if d)
    if len(new_days) < len(new_articles):
        new_days = []  # an undated new article may join any story: keep every stored one as context
    stored = [a for a in all_articles if a.id not in new_ids and a.story_id is not None]
    max_story = max((a.story_id for a in stored), default=0)
    # Only stories that a new article could join are rebuilt: those within the window of one.
    context = [a for a in stored if _near_any(parse_date(a.published), new_days)]
    index = StoryIndex(next_id=max_story + 1)
    if context:
        grouped: dict[int, Story] = {}
        for article, vector in zip(context, article_vectors(context), strict=True):
            story = grouped.setdefault(article.story_id, Story(article.story_id))
            story.add(
                article.id, vector, article.entities, parse_date(article.published), article.title or ""
            )
        for story in grouped.values():
            index.add_story(story)
    existing = set(index.stories)
    ordered = sorted(new_articles, key=lambda a: (parse_date(a.published) or date.max, a.id))
    vectors = article_vectors(ordered) if ordered else []
    assignments = {
        article.id: index.assign(article, vector) for article, vector in zip(ordered, vectors, strict=True)
    }
    touched = set(assignments.values())
    labels = {sid: label for sid, label in index.labels().items() if sid in touched}
    return assignments, labels, len(touched - existing)


@dataclass
class _Task:
    """What relating the new claims needs: read-only, shared with forked workers."""

    index: CandidateIndex
    new_claims: list[ClaimRecord]
    lsh: list[list[str]]
    stories: dict[int, int]
    stance_model: Any = None


def _relate_slice(task: _Task, start: int, stop: int) -> tuple[list[Relation], np.ndarray]:
    """Relations found from new claims ``start:stop`` and the candidate pairs looked at (a << 32 | b)."""
    relations: list[Relation] = []
    seen: set[tuple[int, int]] = set()
    records = task.index.records
    for record, lsh in zip(task.new_claims[start:stop], task.lsh[start:stop], strict=True):
        keys = blocking_keys(record, task.stories.get(record.article_id), lsh)
        for i, similarity in task.index.candidates(record, record.embedding, keys):
            other = records[i]
            pair = (min(record.id, other.id), max(record.id, other.id))
            if pair in seen:
                continue
            seen.add(pair)
            relation = relate(record, other, stance_model=task.stance_model, similarity=similarity)
            if relation is not None:
                relations.append(relation)
    codes = np.fromiter(((a << 32) | b for a, b in seen), dtype=np.int64, count=len(seen))
    return relations, codes


_FORKED_TASK: _Task | None = None  # set in the parent just before forking the workers that read it


def _relate_forked(bounds: tuple[int, int]) -> tuple[list[Relation], np.ndarray]:
    assert _FORKED_TASK is not None
    return _relate_slice(_FORKED_TASK, *bounds)


def relate_new_claims(task: _Task, jobs: int = 1) -> tuple[list[Relation], int]:
    """Relations of the new claims to their candidates, and how many distinct pairs were compared.

    With ``jobs > 1`` (and a platform that can fork) the claims are split between forked workers,
    which share the index without copying it; a pair two workers both meet is related the same way
    by both (:func:`relate` does not depend on argument order), so duplicates are simply dropped.
    """
    global _FORKED_TASK
    import multiprocessing

    parts = min(jobs, max(1, len(task.new_claims) // _MIN_CLAIMS_PER_JOB))
    if parts <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        relations, codes = _relate_slice(task, 0, len(task.new_claims))
        return relations, len(codes)
    step = -(-len(task.new_claims) // parts)
    bounds = [(start, min(start + step, len(task.new_claims))) for start in range(0, len(task.new_claims), step)]
    _FORKED_TASK = task
    try:
        with multiprocessing.get_context("fork").Pool(parts) as pool:
            results = pool.map(_relate_forked, bounds)
    finally:
        _FORKED_TASK = None
    unique: dict[tuple[int, int], Relation] = {}
    for relations, _ in results:
        for relation in relations:
            unique.setdefault((relation.a, relation.b), relation)
    pairs = np.unique(np.concatenate([codes for _, codes in results]))
    return sorted(unique.values(), key=lambda r: (r.a, r.b)), len(pairs)


def link_corpus(
    store: Any, article_ids: list[int], *, stance_model: Any = None, jobs: int = 1
) -> dict[str, int]:
    """Link the articles ``article_ids`` into the stored corpus; returns counts of what was done.

    ``stance_model`` (optional) lets :func:`relate` call a pair without other evidence a
    contradiction when the model says one claim disagrees with the other. ``jobs``: processes
    for relating the new claims to their candidates (see :func:`relate_new_claims`).
    """
    if not isinstance(article_ids, list | tuple) or not all(isinstance(i, int) for i in article_ids):
        raise InputError("article_ids must be a list of integer article ids")
    if not article_ids:
        empty = ("articles", "claims", "embedded", "stories", "new_stories", "candidate_pairs", "relations")
        return dict.fromkeys(empty + _KINDS, 0)
    ensure_claim_encoder(store)
    all_articles = store.article_records()
    unembedded = {a.id for a in all_articles if a.embedding is None}
    wanted = set(article_ids)
    new_articles = [a for a in all_articles if a.id in wanted]
    records = store.claim_records()  # read once: decoding every stored claim is the costly part
    new_claims = [c for c in records if c.article_id in wanted]
    stored = [c for c in records if c.article_id not in wanted]
    _, to_save = _embeddings(store, new_claims)
    assignments, labels, new_stories = assign_stories(all_articles, new_articles)

    stored_vectors, stored_missing = _embeddings(store, stored)
    to_save.extend(stored_missing)
    all_records = stored + new_claims
    all_vectors = (
        np.vstack([stored_vectors, np.vstack([c.embedding for c in new_claims])])
        if new_claims
        else stored_vectors
    )
    stories = {a.id: a.story_id for a in all_articles if a.story_id is not None} | assignments
    index = CandidateIndex(all_records, all_vectors, stories, get_claim_encoder().calibrate)

    new_lsh = lsh_keys(all_vectors[len(stored) :])
    relations, pairs = relate_new_claims(
        _Task(index, new_claims, new_lsh, stories, stance_model), jobs=jobs
    )

    transaction = store.transaction() if hasattr(store, "transaction") else nullcontext()
    with transaction:
        if to_save:
            store.save_embeddings(to_save)
        made = [(a.id, a.embedding) for a in all_articles if a.id in unembedded and a.embedding is not None]
        if made:
            store.save_article_embeddings(made)
        store.set_stories(assignments, labels)
        if relations:
            store.add_relations(relations)
        store.mark_linked(list(article_ids))
    kinds = Counter(r.relation for r in relations)
    return {
        "articles": len(new_articles),
        "claims": len(new_claims),
        "embedded": len(to_save),
        "stories": len(set(assignments.values())),
        "new_stories": new_stories,
        "candidate_pairs": pairs,
        "relations": len(relations),
        **{kind: kinds.get(kind, 0) for kind in _KINDS},
    }
