"""Linking new articles into the corpus: embeddings, stories, candidate pairs, relations.

``link_corpus(store, article_ids)`` embeds the claims of the new articles, assigns the articles to
stories, finds candidate pairs between the new claims and all stored claims, relates each pair and
stores the relations, then marks the articles linked.

Candidates are found by indexes, never by comparing all claims with all claims:
- nearest neighbours: the ``NEAREST`` closest stored claim vectors of each new claim, from a faiss
  index kept beside the store across runs (link/vectors.py), so a new ingest adds only its claims;
- blocking keys: every stored claim is indexed under its entities, its places and its article's
  story; a new claim looks up its own keys, rarest block first, up to ``MAX_BLOCK_CANDIDATES``;
  the ``NEIGHBOURS`` most similar of both pools (cosine at least ``MIN_CANDIDATE_COSINE``) are related;
- frame keys: claims of responsibility for an event, of tolls and of the presence of forces meet
  every claim with the same frame key (story or target, actor), up to ``FRAME_BLOCK_CAP``, whatever
  their wording ("Israel struck the hospital" and "a misfired rocket hit it" share no words).
Cost grows with the number of new claims times these caps, not with the corpus squared; with
``jobs > 1`` the new claims are related on forked workers.

A run never reads the whole corpus. Every linked claim is filed under its blocking and frame keys in the
store (``claim_keys``); a run reads the new articles and claims, the stored articles whose stories they
may join (:func:`context_article_ids`), per key of a new claim its size and its ``BLOCK_READ_CAP`` most
recent claims, the vectors of the claims in the new claims' pools, and the records of the claims it
relates. The normalized form of each new claim (link/matching.py) is made once, after its frame is complete,
and stored with it (``claims.normalized``, schema 5), so a later run that relates it as a candidate decodes
it instead of computing it again (a claim stored before schema 5 has none: the first run that relates it makes it and stores it).
So is its link form (``claims.link_form``, schema 6: its sentence's names, polarity, certainty and completed frame),
so that a stored candidate is read as one short row (``store.linked_claim_records``) and its claim decoded only
when a pair needs its wording; pool vectors are gathered into one matrix from the vector file kept beside the
store (``vectors.VectorFile``, a float32 copy of the indexed claims' vectors in claim-id order), or read from
the store (``store.claim_vector_matrix``) where there is none.
The vector index and the keys are checked against settings written in the link transaction
and rebuilt from every linked claim when they do not match (:func:`open_link_indexes`); cost per run
then grows with the corpus only through the faiss search and the base of the vector index, which is
memory-mapped and rewritten only when the tail of the latest runs is merged into it (link/vectors.py,
docs/scaling.md). Claim vectors come from the claim
encoder (``embed.get_claim_encoder``), story vectors from MiniLM; both are stored, so nothing is
embedded twice. Misses: a paraphrase that is neither near in embedding space nor framed.
Figures: docs/benchmarks_relations.md.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

import numpy as np

from claimtrace.errors import InputError
from claimtrace.link.context import refine_frames
from claimtrace.link.embed import ensure_claim_encoder, get_claim_encoder
from claimtrace.link.matching import embed_claims, encode_text_form, stored_form_is_current
from claimtrace.link.relations import PairJudge
from claimtrace.link.stories import WINDOW_DAYS, Story, StoryIndex, embed_articles
from claimtrace.link.vectors import (
    INDEX_NAME,
    TAIL_NAME,
    VECTORS_NAME,
    VectorFile,
    empty_vector_index,
    open_vector_index,
)
from claimtrace.model import first_day, to_dict
from claimtrace.store.protocol import Store
from claimtrace.store.records import (
    ArticleRecord,
    ClaimRecord,
    Relation,
    encode_link_form,
    link_form_is_current,
)

_Pool = TypeVar("_Pool", set[int], np.ndarray)  # a candidate pool: claim ids (a run's reads) or index positions
MAX_BLOCK_CANDIDATES = 200  # the vector index finds the near ones; blocks add shared names, places, story
NEIGHBOURS = 20
MIN_CANDIDATE_COSINE = 0.3
NEAREST = 48  # nearest stored vectors looked up for each new claim (usearch, see vectors.py)
_KINDS = ("corroborates", "contradicts", "updates")
_MIN_CLAIMS_PER_JOB = 2000  # below this, starting a worker costs more than it saves


FRAME_BLOCK_CAP = 300  # framed claims related to each new one, at most (the most recently stored)
FRAME_PREFIX = "frame|"  # frame keys as filed in the store's claim keys, beside the blocking keys
BLOCK_READ_CAP = 2000  # stored claims read per blocking key: the most recent (a name in every article)
UNDATED_CONTEXT = 1000  # undated stored articles whose stories a new article may join: the most recent
RECENT_CONTEXT = 1000  # stored articles whose stories an undated new article may join: the most recent
KEYS_SETTING = "link_claim_keys"  # the key scheme the stored claim keys were filed under
INDEX_SETTING = "link_vector_index"  # encoder, count and id sum of the claims the vector index should hold


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
        self.sizes: dict[str, int] = {}  # claims under a blocking key in the whole store, when more than held here
        self._block_arrays: dict[str, np.ndarray] = {}  # blocks as arrays, made when first walked
        self.position = {record.id: i for i, record in enumerate(records)}
        for i, record in enumerate(records):
            story = stories.get(record.article_id)
            for key in blocking_keys(record, story):
                self.blocks[key].append(i)
            for key in frame_keys(record, story):
                self.frame_blocks[key].append(i)

    @classmethod
    def from_blocks(
        cls,
        ids: np.ndarray,
        article_ids: np.ndarray,
        vectors: np.ndarray,
        blocks: dict[str, tuple[int, list[int]]],
        calibrate: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> CandidateIndex:
        """An index over the claims ``ids`` (ascending, of ``article_ids``, with ``vectors``) whose blocks
        were read from the store's claim keys: ``blocks`` maps each key (frame keys prefixed
        ``FRAME_PREFIX``) to (its size in the store, claim ids, ascending); ids not held here are left out,
        sizes kept for the rarest-first order. Records are filled in later (:meth:`fill`), only for the
        claims that are related."""
        index = cls([], vectors, {}, calibrate)
        ids = np.asarray(ids, dtype=np.int64)
        index.records = [None] * len(ids)  # type: ignore[list-item]
        index.article_ids = np.asarray(article_ids, dtype=np.int64)
        index.position = dict(zip(ids.tolist(), range(len(ids)), strict=True))
        for key, (size, members) in blocks.items():
            claims = np.asarray(members, dtype=np.int64)
            found = np.searchsorted(ids, claims)
            positions = found[ids[np.minimum(found, len(ids) - 1)] == claims] if len(ids) else found
            if key.startswith(FRAME_PREFIX):
                index.frame_blocks[key[len(FRAME_PREFIX):]] = positions.tolist()
            else:
                index.blocks[key] = positions.tolist()
                index._block_arrays[key] = positions
                index.sizes[key] = size
        return index

    def _block_array(self, key: str) -> np.ndarray:
        """The positions under blocking key ``key`` as an array (made once per key)."""
        if key not in self._block_arrays:
            self._block_arrays[key] = np.asarray(self.blocks.get(key, ()), dtype=np.int64)
        return self._block_arrays[key]

    def fill(self, records: Iterable[ClaimRecord]) -> None:
        """Put ``records`` (claims this index holds) in their places."""
        for record in records:
            self.records[self.position[record.id]] = record

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
        indices = _rarest_first(  # the pool kept as a sorted array of positions
            np.unique(np.fromiter((self.position[k] for k in nearest if k in self.position), dtype=np.int64)),
            keys,
            lambda k: self.sizes.get(k) or len(self.blocks.get(k, ())),
            lambda pool, k: np.union1d(pool, self._block_array(k)),
        )
        if not len(indices):
            return []
        indices = indices[self.article_ids[indices] != record.article_id]  # never its own article
        if not len(indices):
            return []
        sims = self.calibrate(self.vectors[indices] @ vector)
        keep = np.argsort(-sims)[:NEIGHBOURS]
        return [(int(indices[k]), float(sims[k])) for k in keep if sims[k] >= MIN_CANDIDATE_COSINE]


def _rarest_first(pool: _Pool, keys: Iterable[str], size: Callable[[str], int], grow: Callable[[_Pool, str], _Pool]) -> _Pool:
    """``pool`` grown by the blocks of ``keys`` (``grow``: the pool with a key's block added), the rarest
    block first, until it holds ``MAX_BLOCK_CANDIDATES``: the one walk both the index
    (:meth:`CandidateIndex.candidates`, on an array of positions) and what a run reads (:func:`_candidate_ids`,
    on a set of claim ids) take."""
    for key in sorted(keys, key=lambda k: (size(k), k)):
        pool = grow(pool, key)
        if len(pool) >= MAX_BLOCK_CANDIDATES:
            break
    return pool


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
    all_articles: list[ArticleRecord], new_articles: list[ArticleRecord], next_story: int | None = None
) -> tuple[dict[int, int], dict[int, str], int]:
    """Story ids for ``new_articles``: join stories stored within the window, else start new ones.

    ``all_articles``: the new articles and the stored ones they may join; ``next_story``: the first
    unused story id (default: after those of ``all_articles``).
    Returns (assignments of the new articles, labels of the stories they touch, count of new stories).
    """
    new_ids = {a.id for a in new_articles}
    new_days = sorted(d for d in (first_day(a.published) for a in new_articles) if d)
    if len(new_days) < len(new_articles):
        new_days = []  # an undated new article may join any story: keep every stored one as context
    stored = [a for a in all_articles if a.id not in new_ids and a.story_id is not None]
    max_story = max((a.story_id for a in stored), default=0)
    if next_story is not None:
        max_story = max(max_story, next_story - 1)
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
    # per new claim, its candidates as (index position, similarity or None when framed), when found
    # already (link_corpus finds them first, to read only their records)
    found: list[list[tuple[int, float | None]]] | None = None


def _candidates_of(task: _Task, k: int) -> list[tuple[int, float | None]]:
    """The candidates of new claim ``k``: its nearest and blocked claims, then the framed ones."""
    if task.found is not None:
        return task.found[k]
    record, nearest = task.new_claims[k], task.nearest[k]
    story = task.stories.get(record.article_id)
    keys = blocking_keys(record, story)
    near: list[tuple[int, float | None]] = list(
        task.index.candidates(record, record.embedding, keys, (int(i) for i in nearest if i >= 0))
    )
    return near + [(i, None) for i in task.index.framed(record, frame_keys(record, story))]


def _relate_slice(task: _Task, start: int, stop: int) -> tuple[list[Relation], np.ndarray]:
    """Relations found from new claims ``start:stop`` and the candidate pairs looked at (a << 32 | b)."""
    relations: list[Relation] = []
    seen: set[tuple[int, int]] = set()
    records = task.index.records
    for k in range(start, stop):
        record = task.new_claims[k]
        story = task.stories.get(record.article_id)
        judge = PairJudge(record, task.stance_model)  # what its candidates' stored forms tell, once per form
        for i, similarity in _candidates_of(task, k):
            other = records[i]
            pair = (min(record.id, other.id), max(record.id, other.id))
            if pair in seen:
                continue
            seen.add(pair)
            same_story = story is not None and story == task.stories.get(other.article_id)
            relation = judge.relate(other, similarity=similarity, same_story=same_story)
            if relation is not None:
                relations.append(relation)
    codes = np.fromiter(((a << 32) | b for a, b in seen), dtype=np.int64, count=len(seen))
    return relations, codes


_FORKED_TASK: _Task | None = None  # set in the parent just before forking the workers that read it


def _relate_forked(bounds: tuple[int, int]) -> tuple[list[tuple[Any, ...]], np.ndarray]:
    """:func:`_relate_slice` on a worker; relations sent back as plain tuples (a pickled dataclass costs
    about twice as much, and a run can find tens of thousands)."""
    assert _FORKED_TASK is not None
    relations, codes = _relate_slice(_FORKED_TASK, *bounds)
    return [(r.a, r.b, r.relation, r.reason, r.score) for r in relations], codes


def relate_new_claims(task: _Task, jobs: int = 1) -> tuple[list[Relation], int]:
    """Relations of the new claims to their candidates, and how many distinct pairs were compared.

    With ``jobs > 1`` (a platform that can fork, and no other thread running in this process) the
    claims are split between forked workers,
    which share the index without copying it; a pair two workers both meet is related the same way
    by both (:func:`~claimtrace.link.relations.relate` does not depend on argument order), so duplicates are simply dropped.
    """
    global _FORKED_TASK
    import multiprocessing
    import threading

    parts = min(jobs, max(1, len(task.new_claims) // _MIN_CLAIMS_PER_JOB))
    # Forking a process that runs other threads copies whatever locks they hold: a child can wait on
    # one forever (seen after a Dask ingest, whose client threads outlived the analysis). Then relate here.
    alone = threading.active_count() == 1
    if parts <= 1 or not alone or "fork" not in multiprocessing.get_all_start_methods():
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
            if (relation[0], relation[1]) not in unique:
                unique[relation[0], relation[1]] = Relation(*relation)
    pairs = np.unique(np.concatenate([codes for _, codes in results]))
    return sorted(unique.values(), key=lambda r: (r.a, r.b)), len(pairs)


@functools.cache
def _keys_version() -> str:
    """Names the key scheme (the code of :func:`blocking_keys` and :func:`frame_keys`): stored keys of
    another scheme are filed again."""
    import hashlib
    import inspect

    try:
        source = inspect.getsource(blocking_keys) + inspect.getsource(frame_keys)
    except (OSError, TypeError):
        source = "unknown"
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:12]


def claim_keys(record: ClaimRecord, story: int | None) -> list[str]:
    """Every key ``record`` is filed under in the store: blocking keys, and frame keys prefixed."""
    return blocking_keys(record, story) + [FRAME_PREFIX + key for key in frame_keys(record, story)]


def context_article_ids(store: Store, new_articles: list[ArticleRecord]) -> list[int]:
    """Stored articles whose stories a new article may join: those dated within the story window of a
    new one, the ``UNDATED_CONTEXT`` most recent undated ones, and, when a new article is undated,
    the ``RECENT_CONTEXT`` most recently stored ones (an undated article is not compared with every
    story ever stored)."""
    days = sorted({d for d in (first_day(a.published) for a in new_articles) if d})
    ranges: list[list[date]] = []
    for day in days:  # merged windows, one day wider on each side (partial dates sort at their first day)
        first, last = day - timedelta(days=WINDOW_DAYS + 1), day + timedelta(days=WINDOW_DAYS + 1)
        if ranges and first <= ranges[-1][1]:
            ranges[-1][1] = last
        else:
            ranges.append([first, last])
    ids = set(store.articles_published_between([(a.isoformat(), b.isoformat()) for a, b in ranges]))
    ids.update(store.recent_article_ids(UNDATED_CONTEXT, undated=True))
    if len(days) < len(new_articles) or any(first_day(a.published) is None for a in new_articles):
        ids.update(store.recent_article_ids(RECENT_CONTEXT))
    return sorted(ids - {a.id for a in new_articles})


@dataclass
class _Indexes:
    """The store's vector index and claim keys, made current; what rebuilding them computed."""

    vectors: Any
    keys: list[tuple[str, int]]  # keys to file in this run's transaction (all of them after a rebuild)
    clear_keys: bool
    embedded: list[tuple[int, np.ndarray]]  # stored claims embedded now
    file: VectorFile  # the float32 vectors of the claims the index holds, saved with it


def open_link_indexes(
    store: Store, encoder: str, exclude: set[int], dimension: int = 384, new_claims: Iterable[int] = ()
) -> _Indexes:
    """The claim vector index (a sidecar file) and the claim keys (a table) as the last link left them;
    rebuilt from every linked claim when they do not match the store: an index file of other claims
    (a crash between the commit and its save, a copied store), another claim encoder, another key
    scheme, a store linked before the keys existed, articles linked again (``exclude``: the articles
    being linked now; ``new_claims``: their claims, which the index must not hold yet)."""
    sidecar, tail = store.sidecar(INDEX_NAME), store.sidecar(TAIL_NAME)
    vectors = open_vector_index(sidecar, None, dimension, tail)
    new_ids = np.fromiter(new_claims, dtype=np.int64)
    again = bool(exclude - set(store.unlinked_article_ids())) or vectors.holds_any(new_ids)
    rebuild_vectors = again or sidecar is None or store.setting(INDEX_SETTING) != _index_state(encoder, vectors)
    rebuild_keys = again or store.setting(KEYS_SETTING) != _keys_version()
    embedded: list[tuple[int, np.ndarray]] = []
    keys: list[tuple[str, int]] = []
    file = VectorFile(store.cache_file(VECTORS_NAME), dimension)
    if rebuild_vectors or rebuild_keys:
        linked = [a for a in store.linked_article_ids() if a not in exclude]
        stored = store.claim_records(linked)
        stored_vectors, embedded = _embeddings(store, stored)
        if rebuild_vectors:
            width = stored_vectors.shape[1] if stored else dimension
            stored_ids = np.fromiter((c.id for c in stored), dtype=np.int64, count=len(stored))
            vectors = empty_vector_index(sidecar, tail, width)
            vectors.add_to_base(stored_ids, stored_vectors)
            file = VectorFile(file.path, width)
            file.replace(stored_ids, np.fromiter((c.article_id for c in stored), dtype=np.int64, count=len(stored)),
                         stored_vectors)
        if rebuild_keys:
            stories = store.article_stories(linked)
            keys = [(key, c.id) for c in stored for key in claim_keys(c, stories.get(c.article_id))]
    if file.path is not None and file.summary() != vectors.summary():  # a store linked before the file was kept
        claims, articles, matrix = store.claim_vector_matrix(sorted(vectors.keys()))
        file = VectorFile(file.path, matrix.shape[1] if len(claims) else dimension)
        file.replace(claims, articles, matrix)
    file.save()  # made afresh, from what the store holds: this run gathers its pool from it
    return _Indexes(vectors, keys, rebuild_keys, embedded, file)


def prepare_link_indexes(store: Store) -> bool:
    """Make the vector index and the claim keys match the linked claims now (what the next link run
    would otherwise do first); True when they had to be rebuilt."""
    encoder = ensure_claim_encoder(store)
    indexes = open_link_indexes(store, encoder, set())
    if not indexes.clear_keys and not indexes.embedded and store.setting(INDEX_SETTING) == _index_state(
        encoder, indexes.vectors
    ):
        return False
    with store.transaction():
        if indexes.embedded:
            store.save_embeddings(indexes.embedded)
        if indexes.clear_keys:
            store.clear_claim_keys()
            store.add_claim_keys(indexes.keys)
        store.set_setting(KEYS_SETTING, _keys_version())
        store.set_setting(INDEX_SETTING, _index_state(encoder, indexes.vectors))
    indexes.vectors.save()
    return True


def _index_state(encoder: str, vectors: Any) -> str:
    count, total = vectors.summary()
    return f"{encoder} {count} {total}"


def _candidate_ids(
    nearest: np.ndarray,
    new_keys: list[list[str]],
    blocks: dict[str, tuple[int, list[int]]],
) -> set[int]:
    """Claim ids :meth:`CandidateIndex.candidates` and :meth:`~CandidateIndex.framed` will look at
    for the new claims (the same rarest-first walk over the same blocks): what a run reads."""
    wanted: set[int] = set()
    for near, keys in zip(nearest, new_keys, strict=True):
        plain = [k for k in keys if not k.startswith(FRAME_PREFIX)]
        wanted |= _rarest_first(
            {int(k) for k in near if k >= 0},
            plain,
            lambda k: blocks.get(k, (0, []))[0],
            lambda pool, k: pool.union(blocks.get(k, (0, []))[1]),
        )
        for key in keys:
            if key.startswith(FRAME_PREFIX):
                wanted.update(blocks.get(key, (0, []))[1][-FRAME_BLOCK_CAP:])
    return wanted


def _pool_vectors(
    store: Store, pool: list[int], new_vectors: np.ndarray, file: VectorFile | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The pooled claims (ids, article ids, vectors) and the matrix their vectors were read into: its first
    rows, with a row to spare after them for each new claim (:func:`_held` puts the new vectors there
    when the pool's ids all come first, as they do when the new claims are the last stored). Read from
    ``file`` when it holds them all, else from the store."""
    dimension = new_vectors.shape[1]
    matrix = np.empty((len(pool) + len(new_vectors), dimension), dtype=np.float32)
    if not pool:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), matrix[:0], matrix
    if file is not None and file.dimension == dimension:
        pool_ids = np.asarray(pool, dtype=np.int64)
        pool_articles = file.gather(pool_ids, matrix)
        if pool_articles is not None:
            return pool_ids, pool_articles, matrix[: len(pool)], matrix
    pool_ids, pool_articles, pool_vectors = store.claim_vector_matrix(pool, out=matrix)
    if pool_vectors.shape[1] != dimension:  # no pooled claim has a vector
        pool_vectors = np.full((len(pool_ids), dimension), np.nan, dtype=np.float32)
    return pool_ids, pool_articles, pool_vectors, matrix


def _held(
    new_ids: np.ndarray, new_articles: np.ndarray, new_vectors: np.ndarray,
    pool_ids: np.ndarray, pool_articles: np.ndarray, pool_vectors: np.ndarray,
    matrix: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The claims a run holds, new and pooled (ids, article ids, vectors), in id order; each vector is
    copied once into the one matrix (the pool's can be most of a run's memory). ``matrix``: where the
    pool's vectors were read (:func:`_pool_vectors`); when they are its first rows and every pooled id comes
    before the new ones (in order), the new vectors fill its spare rows and the pool is not copied again."""
    pooled_first = np.concatenate([pool_ids, new_ids])
    if (matrix is not None and len(matrix) == len(pooled_first) and pool_vectors.base is matrix
            and pool_vectors.ctypes.data == matrix.ctypes.data and bool((np.diff(pooled_first) > 0).all())):
        matrix[len(pool_ids):] = new_vectors
        return pooled_first, np.concatenate([pool_articles, new_articles]), matrix
    ids = np.concatenate([new_ids, pool_ids])
    order = np.argsort(ids, kind="stable")
    where = np.empty_like(order)
    where[order] = np.arange(len(order))  # the row of each claim, new ones first, in the id-ordered matrix
    vectors = np.empty((len(ids), new_vectors.shape[1]), dtype=np.float32)
    for rows, part in ((where[:len(new_ids)], new_vectors), (where[len(new_ids):], pool_vectors)):
        if len(rows) and (np.diff(rows) == 1).all():  # consecutive (the pool's ids all below the new ones, as a rule)
            vectors[rows[0]:rows[-1] + 1] = part
        else:
            vectors[rows] = part
    return ids[order], np.concatenate([new_articles, pool_articles])[order], vectors


def _refine_new_frames(
    new_claims: list[ClaimRecord], articles: list[ArticleRecord], assignments: dict[int, int]
) -> list[tuple[int, Any]]:
    """Complete the new claims' frames from their sentence, article and story (link/context.py) before
    their keys are filed and candidates looked for; returns the claims whose frame or polarity changed,
    to be stored back so that later runs meet them completed. The story context is what this run
    reads: the new articles and the stored ones whose stories they may join."""
    stories = {a.id: a.story_id for a in articles if a.story_id is not None} | assignments
    # reading ``c.frame`` derives a frame the analysis lacked, so the snapshot differs only where refining changed it
    before = {c.id: to_dict(c.claim) for c in new_claims if c.frame is not None}
    refine_frames(new_claims, articles, stories)
    return [(c.id, c.claim) for c in new_claims if to_dict(c.claim) != before[c.id]]


def _new_forms(new_claims: list[ClaimRecord]) -> list[tuple[int, str]]:
    """The stored part of the new claims' normalized forms (``matching.text_form``), made once when a
    claim is first linked, after its frame is complete; returned to be stored with the claims, and kept
    on the records (before relating forks its workers, so that the workers share them). A later run
    that meets a claim as a candidate decodes its form instead of computing it again; a candidate
    stored before forms were (schema 4), or whose form was made with other rules (``FORM_VERSION``),
    gets its form made and stored by the first run that meets it."""
    made = []
    for record in new_claims:
        if not stored_form_is_current(record.normalized):
            record.normalized = encode_text_form(record.claim.content.text)
            made.append((record.id, record.normalized))
        record.form = None
    return made


def _link_forms(records: list[ClaimRecord], *, again: bool = False) -> list[tuple[int, str]]:
    """The link forms (``records.encode_link_form``) of ``records`` that have no current one (``again``:
    of all, as for the new claims, whose frames this run completed), kept on the records and returned
    to be stored: a later run relating such a claim as a candidate reads its link form instead of
    decoding the claim and its sentence's names."""
    made = []
    for record in records:
        if again or not link_form_is_current(record.link_form):
            record.link_form = encode_link_form(record)
            made.append((record.id, record.link_form))
    return made


def link_corpus(
    store: Store, article_ids: list[int], *, stance_model: Any = None, jobs: int = 1
) -> dict[str, int]:
    """Link the articles ``article_ids`` into the stored corpus; returns counts of what was done.

    ``stance_model`` (optional) lets :func:`~claimtrace.link.relations.relate` call a pair without other evidence a
    contradiction when the model says one claim disagrees with the other. ``jobs``: processes
    for relating the new claims to their candidates (see :func:`relate_new_claims`).

    A run reads the new articles, the stored articles whose stories they may join, and the stored
    claims its new claims meet through the vector index and the claim keys, never the whole corpus
    (once, when the indexes do not match the store, they are rebuilt from every linked claim).
    """
    if not isinstance(article_ids, list | tuple) or not all(isinstance(i, int) for i in article_ids):
        raise InputError("article_ids must be a list of integer article ids")
    if not article_ids:
        empty = ("articles", "claims", "embedded", "stories", "new_stories", "candidate_pairs", "read_claims",
                 "related_claims", "relations")
        return dict.fromkeys(empty + _KINDS, 0)
    with collector_paused():
        return _link(store, article_ids, stance_model, jobs)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block (as it was after it). A run makes a record per
    claim it reads and a relation per pair it relates, and few reference cycles; each collection
    walks every object the process holds, those of the run included, so the collections a run
    triggers cost more the more candidates it reads (3.1 of 17 CPU-s at 10,000 articles, 0.9 of 7
    at 1,000, docs/scaling.md). Forked relating workers start with it off too. What the run leaves
    in cycles is collected after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _link(store: Store, article_ids: list[int], stance_model: Any, jobs: int) -> dict[str, int]:
    encoder = ensure_claim_encoder(store)
    wanted = set(article_ids)
    new_articles = store.article_records(sorted(wanted))
    new_claims = store.claim_records(sorted(wanted))
    _, to_save = _embeddings(store, new_claims)
    context = store.article_records(context_article_ids(store, new_articles))
    unembedded = {a.id for a in context + new_articles if a.embedding is None}
    assignments, labels, new_stories = assign_stories(
        context + new_articles, new_articles, next_story=store.max_story_id() + 1
    )
    refined = _refine_new_frames(new_claims, context + new_articles, assignments)
    forms = _new_forms(new_claims)
    link_forms = _link_forms(new_claims, again=True)

    new_vectors = (
        np.vstack([np.asarray(c.embedding, dtype=np.float32) for c in new_claims])
        if new_claims
        else np.zeros((0, 384), np.float32)
    )
    indexes = open_link_indexes(store, encoder, wanted, new_vectors.shape[1], (c.id for c in new_claims))
    to_save.extend(indexes.embedded)
    vectors = indexes.vectors
    vectors.add(np.fromiter((c.id for c in new_claims), dtype=np.int64, count=len(new_claims)), new_vectors)
    nearest, _ = vectors.search(new_vectors, NEAREST)

    # Blocks: under each key of a new claim, the most recently stored claims filed under it (or being
    # filed now, after a rebuild) and the new claims under it.
    new_keys = [claim_keys(c, assignments.get(c.article_id)) for c in new_claims]
    new_id_set = {c.id for c in new_claims}
    news: dict[str, set[int]] = defaultdict(set)
    for claim, keys in zip(new_claims, new_keys, strict=True):
        for key in keys:
            news[key].add(claim.id)
    if indexes.clear_keys:
        rebuilt: dict[str, list[int]] = defaultdict(list)
        for key, claim_id in indexes.keys:
            if key in news:
                rebuilt[key].append(claim_id)
        filed = {key: (len(ids), sorted(ids)[-BLOCK_READ_CAP:]) for key, ids in rebuilt.items()}
    else:
        filed = store.claim_key_blocks(sorted(news), BLOCK_READ_CAP)
    blocks: dict[str, tuple[int, list[int]]] = {}
    for key, members in news.items():
        size, ids = filed.get(key, (0, []))
        stored_ids = [c for c in ids if c not in new_id_set]
        size -= len(ids) - len(stored_ids)  # new claims filed by an earlier run (linked again now)
        blocks[key] = (size + len(members), sorted(stored_ids + list(members)))
    # The pool of every new claim, as vectors only; the records of the candidates kept, read after.
    pool = sorted(_candidate_ids(nearest, new_keys, blocks) - new_id_set)
    new_ids = np.fromiter((c.id for c in new_claims), np.int64, len(new_claims))
    new_article_ids = np.fromiter((c.article_id for c in new_claims), np.int64, len(new_claims))
    pool_ids, pool_articles, pool_vectors, matrix = _pool_vectors(store, pool, new_vectors, indexes.file)
    unembedded_rows = np.flatnonzero(np.isnan(pool_vectors).any(axis=1))
    if len(unembedded_rows):  # linked claims keep their vectors; a store that lost some gets them back
        fresh = {c.id: c for c in store.claim_records(claim_ids=pool_ids[unembedded_rows].tolist())}
        _, missing = _embeddings(store, list(fresh.values()))
        to_save.extend(missing)
        if not pool_vectors.flags.writeable:
            pool_vectors = pool_vectors.copy()
        for row in unembedded_rows:
            pool_vectors[row] = fresh[int(pool_ids[row])].embedding
    held, held_articles, held_vectors = _held(new_ids, new_article_ids, new_vectors, pool_ids, pool_articles,
                                              pool_vectors, matrix)
    index = CandidateIndex.from_blocks(held, held_articles, held_vectors, blocks, get_claim_encoder().calibrate)
    index.fill(new_claims)
    task = _Task(index, new_claims, nearest, assignments, stance_model)
    task.found = [_candidates_of(task, k) for k in range(len(new_claims))]
    kept = sorted({index_ids for found in task.found for index_ids, _ in found} - {index.position[c] for c in new_id_set})
    candidates = store.linked_claim_records(held[kept].tolist()) if kept else []
    forms.extend(_new_forms(candidates))  # candidates stored with no form, or a stale one
    link_forms.extend(_link_forms(candidates))  # candidates linked before link forms were stored
    index.fill(candidates)
    task.stories = store.article_stories(sorted({c.article_id for c in candidates})) | assignments
    relations, pairs = relate_new_claims(task, jobs=jobs)

    made = [(a.id, a.embedding) for a in context + new_articles if a.id in unembedded and a.embedding is not None]
    filing = indexes.keys + [(key, c.id) for c, keys in zip(new_claims, new_keys, strict=True) for key in keys]
    with store.transaction():
        if to_save:
            store.save_embeddings(to_save)
        if refined:
            store.save_claims(refined)
        if forms:
            store.save_normalized(forms)
        if link_forms:
            store.save_link_forms(link_forms)
        if made:
            store.save_article_embeddings(made)
        store.set_stories(assignments, labels)
        if relations:
            store.add_relations(relations)
        if indexes.clear_keys:
            store.clear_claim_keys()
        store.add_claim_keys(filing)
        store.mark_linked(list(article_ids))
        store.set_setting(KEYS_SETTING, _keys_version())
        store.set_setting(INDEX_SETTING, _index_state(encoder, vectors))
    indexes.file.add(new_ids, new_article_ids, new_vectors)
    vectors.save()  # after the commit: a crash before it leaves a file that does not match, rebuilt next run
    indexes.file.save()
    kinds = Counter(r.relation for r in relations)
    return {
        "articles": len(new_articles),
        "claims": len(new_claims),
        "embedded": len(to_save),
        "stories": len(set(assignments.values())),
        "new_stories": new_stories,
        "candidate_pairs": pairs,
        "read_claims": len(pool),  # stored claims whose vectors were read
        "related_claims": len(candidates),  # stored claims whose records were read and related
        "relations": len(relations),
        **{kind: kinds.get(kind, 0) for kind in _KINDS},
    }
