"""Linking new articles into the corpus: embeddings, stories, candidate pairs, relations.

``link_corpus(store, article_ids)`` embeds the claims of the new articles, assigns the articles to
stories, finds candidate pairs between the new claims and all stored claims, relates each pair and
stores the relations, then marks the articles linked.

Candidates are found by indexes, never by comparing all claims with all claims:
- nearest neighbours: the ``NEAREST`` closest stored claim vectors of each new claim, from a usearch
  index kept beside the store across runs (link/vectors.py), so a new ingest adds only its claims;
- blocking keys: every stored claim is indexed under its entities, its places and its article's
  story; a new claim looks up its own keys, rarest block first, up to ``MAX_BLOCK_CANDIDATES``;
  the ``NEIGHBOURS`` most similar of both pools (cosine at least ``MIN_CANDIDATE_COSINE``) are related;
- frame keys: claims of responsibility for an event, of tolls and of the presence of forces meet
  every claim with the same frame key (story or target, actor), up to ``FRAME_BLOCK_CAP``, whatever
  their wording ("Israel struck the hospital" and "a misfired rocket hit it" share no words).
Cost grows with the number of new claims times these caps, not with the corpus squared; with
``jobs > 1`` the new claims are related on forked workers. Claim vectors come from the claim
encoder (``embed.get_claim_encoder``), story vectors from MiniLM; both are stored, so nothing is
embedded twice. Misses: a paraphrase that is neither near in embedding space nor framed.
Figures: docs/benchmarks_relations.md.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from claimtrace.errors import InputError
from claimtrace.link.embed import ensure_claim_encoder, get_claim_encoder
from claimtrace.link.matching import embed_claims
from claimtrace.link.relations import relate
from claimtrace.link.stories import WINDOW_DAYS, Story, StoryIndex, embed_articles
from claimtrace.link.vectors import INDEX_NAME, open_vector_index
from claimtrace.model import first_day
from claimtrace.store.protocol import Store
from claimtrace.store.records import ArticleRecord, ClaimRecord, Relation

MAX_BLOCK_CANDIDATES = 200  # the vector index finds the near ones; blocks add shared names, places, story
NEIGHBOURS = 20
MIN_CANDIDATE_COSINE = 0.3
NEAREST = 48  # nearest stored vectors looked up for each new claim (usearch, see vectors.py)
_KINDS = ("corroborates", "contradicts", "updates")
_MIN_CLAIMS_PER_JOB = 2000  # below this, starting a worker costs more than it saves


FRAME_BLOCK_CAP = 300  # framed claims related to each new one, at most (the most recently stored)


def frame_keys(record: ClaimRecord, story: int | None) -> list[str]:
    """Keys under which claims stating the same kind of proposition meet, whatever their wording:
    responsibility for an event within its story or by target (an event reported in several
    stories), tolls within a story, presence by actor and country."""
    frame = record.frame
    if frame.predicate == "presence":
        return [f"presence|{frame.agent}|{frame.country or ''}"] if frame.agent else []
    if frame.predicate not in ("responsibility", "toll"):
        return []
    keys = [f"{frame.predicate}|story:{story}"] if story is not None else []
    if frame.predicate == "responsibility" and frame.target:
        keys.append(f"responsibility|target:{frame.target}")
    return keys


def blocking_keys(record: ClaimRecord, story: int | None) -> list[str]:
    keys = [f"entity:{e}" for e in sorted(set(record.entities))] + [
        f"place:{p}" for p in sorted(set(record.places))
    ]
    if story is not None:
        keys.append(f"story:{story}")
    return keys


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
        self.frame_blocks: dict[str, list[int]] = defaultdict(list)
        self.position = {record.id: i for i, record in enumerate(records)}
        for i, record in enumerate(records):
            story = stories.get(record.article_id)
            for key in blocking_keys(record, story):
                self.blocks[key].append(i)
            for key in frame_keys(record, story):
                self.frame_blocks[key].append(i)

    def framed(self, record: ClaimRecord, keys: list[str]) -> list[int]:
        """Stored claims (not of ``record``'s article) sharing a frame key with it, at most
        ``FRAME_BLOCK_CAP``, the most recently stored first."""
        pool: set[int] = set()
        for key in keys:
            pool.update(self.blocks_tail(key))
        return sorted((i for i in pool if self.article_ids[i] != record.article_id), reverse=True)[:FRAME_BLOCK_CAP]

    def blocks_tail(self, key: str) -> list[int]:
        return self.frame_blocks.get(key, [])[-FRAME_BLOCK_CAP:]

    def candidates(
        self, record: ClaimRecord, vector: np.ndarray, keys: list[str], nearest: Iterable[int] = ()
    ) -> list[tuple[int, float]]:
        """The stored claims most worth relating to ``record`` (not from its own article), as
        (index, calibrated cosine) pairs, most similar first: its ``nearest`` (claim ids the vector
        index found) and the claims sharing a blocking key, rarest key first."""
        pool: set[int] = {self.position[k] for k in nearest if k in self.position}
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


def _embeddings(store: Store, records: list[ClaimRecord]) -> tuple[np.ndarray, list[tuple[int, np.ndarray]]]:
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
    new_days = sorted(d for d in (first_day(a.published) for a in new_articles) if d)
    if len(new_days) < len(new_articles):
        new_days = []  # an undated new article may join any story: keep every stored one as context
    stored = [a for a in all_articles if a.id not in new_ids and a.story_id is not None]
    max_story = max((a.story_id for a in stored), default=0)
    # Only stories that a new article could join are rebuilt: those within the window of one.
    context = [a for a in stored if _near_any(first_day(a.published), new_days)]
    index = StoryIndex(next_id=max_story + 1)
    if context:
        grouped: dict[int, Story] = {}
        for article, vector in zip(context, article_vectors(context), strict=True):
            story = grouped.setdefault(article.story_id, Story(article.story_id))
            story.add(
                article.id, vector, article.entities, first_day(article.published), article.title or ""
            )
        for story in grouped.values():
            index.add_story(story)
    existing = set(index.stories)
    ordered = sorted(new_articles, key=lambda a: (first_day(a.published) or date.max, a.id))
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
    nearest: np.ndarray  # per new claim, the claim ids of its nearest stored vectors (-1: none)
    stories: dict[int, int]
    stance_model: Any = None


def _relate_slice(task: _Task, start: int, stop: int) -> tuple[list[Relation], np.ndarray]:
    """Relations found from new claims ``start:stop`` and the candidate pairs looked at (a << 32 | b)."""
    relations: list[Relation] = []
    seen: set[tuple[int, int]] = set()
    records = task.index.records
    for record, nearest in zip(task.new_claims[start:stop], task.nearest[start:stop], strict=True):
        story = task.stories.get(record.article_id)
        keys = blocking_keys(record, story)
        near = task.index.candidates(record, record.embedding, keys, (int(k) for k in nearest if k >= 0))
        framed = [(i, None) for i in task.index.framed(record, frame_keys(record, story))]
        for i, similarity in near + framed:
            other = records[i]
            pair = (min(record.id, other.id), max(record.id, other.id))
            if pair in seen:
                continue
            seen.add(pair)
            same_story = story is not None and story == task.stories.get(other.article_id)
            relation = relate(
                record, other, stance_model=task.stance_model, similarity=similarity, same_story=same_story
            )
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
        from claimtrace.workers import start_worker

        with multiprocessing.get_context("fork").Pool(parts, initializer=start_worker, initargs=(os.getpid(),)) as pool:
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
    store: Store, article_ids: list[int], *, stance_model: Any = None, jobs: int = 1
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

    vectors = open_vector_index(store.sidecar(INDEX_NAME), stored, all_vectors.shape[1])
    new_vectors = all_vectors[len(stored) :]
    vectors.add(np.fromiter((c.id for c in new_claims), dtype=np.int64, count=len(new_claims)), new_vectors)
    nearest, _ = vectors.search(new_vectors, NEAREST)
    relations, pairs = relate_new_claims(
        _Task(index, new_claims, nearest, stories, stance_model), jobs=jobs
    )

    with store.transaction():
        if to_save:
            store.save_embeddings(to_save)
        made = [(a.id, a.embedding) for a in all_articles if a.id in unembedded and a.embedding is not None]
        if made:
            store.save_article_embeddings(made)
        store.set_stories(assignments, labels)
        if relations:
            store.add_relations(relations)
        store.mark_linked(list(article_ids))
    vectors.save()  # after the commit: a crash before it leaves a file the next run rebuilds
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
