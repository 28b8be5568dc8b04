"""link_corpus over a tiny in-memory store that implements the linking interface."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pytest

from claimtrace.errors import InputError
from claimtrace.link.linker import CandidateIndex, link_corpus
from claimtrace.model import Claim, Source, Span
from claimtrace.store.records import ArticleRecord, ClaimRecord, Relation


class FakeStore:
    """Articles and claims in dicts; records what linking writes."""

    def __init__(self) -> None:
        self.articles: dict[int, ArticleRecord] = {}
        self.claims: dict[int, ClaimRecord] = {}
        self.relations: dict[tuple[int, int], Relation] = {}
        self.labels: dict[int, str] = {}
        self.linked: set[int] = set()
        self.transactions = 0
        self.settings: dict[str, str] = {}
        self.keys: dict[str, set[int]] = {}

    def add(self, article: ArticleRecord, claims: list[tuple[str, str]]) -> None:
        self.articles[article.id] = article
        for text, polarity in claims:
            cid = len(self.claims) + 1
            content = Claim(content=Span(text, 0, len(text)), polarity=polarity)
            self.claims[cid] = ClaimRecord(
                id=cid,
                article_id=article.id,
                claim=content,
                outlet=article.outlet,
                published=article.published,
                entities=list(article.entities),
                places=list(article.places),
            )

    def claim_records(self, article_ids=None, claim_ids=None):
        keep = set(article_ids) if article_ids is not None else None
        ids = set(claim_ids) if claim_ids is not None else None
        return [
            ClaimRecord(**{**c.__dict__})
            for c in self.claims.values()
            if (keep is None or c.article_id in keep) and (ids is None or c.id in ids)
        ]

    def article_records(self, article_ids=None):
        keep = set(article_ids) if article_ids is not None else None
        return [
            ArticleRecord(**{**a.__dict__}) for a in self.articles.values() if keep is None or a.id in keep
        ]

    def save_embeddings(self, items):
        for cid, vector in items:
            self.claims[cid].embedding = np.asarray(vector, dtype=np.float32)

    def save_claims(self, items):
        self.saved_claims = [cid for cid, _ in items]
        for cid, claim in items:
            self.claims[cid].claim = claim

    def save_normalized(self, items):
        for cid, text in items:
            self.claims[cid].normalized = text

    def linked_claim_records(self, claim_ids):
        return self.claim_records(claim_ids=claim_ids)

    def save_link_forms(self, items):
        for cid, text in items:
            self.claims[cid].link_form = text

    def save_article_embeddings(self, items):
        for aid, vector in items:
            self.articles[aid].embedding = np.asarray(vector, dtype=np.float32)

    def has_embeddings(self):
        return any(c.embedding is not None for c in self.claims.values())

    def clear_embeddings(self):
        for claim in self.claims.values():
            claim.embedding = None

    def setting(self, key):
        return self.settings.get(key)

    def set_setting(self, key, value):
        self.settings[key] = value

    def add_relations(self, relations):
        for r in relations:
            self.relations[(r.a, r.b)] = r

    def set_stories(self, assignments, labels):
        for aid, sid in assignments.items():
            self.articles[aid].story_id = sid
        self.labels.update(labels)

    def mark_linked(self, article_ids):
        self.linked.update(article_ids)

    def unlinked_article_ids(self):
        return sorted(set(self.articles) - self.linked)

    def sidecar(self, name):  # keeps no files: the vector index lives in memory
        return None

    def cache_file(self, name):
        return None

    def linked_article_ids(self):
        return sorted(self.linked)

    def articles_published_between(self, ranges):
        return sorted(a.id for a in self.articles.values() if a.story_id is not None and a.published is not None
                      and any(first <= a.published.isoformat() < last for first, last in ranges))

    def recent_article_ids(self, limit, *, undated=False):
        ids = [a.id for a in self.articles.values() if a.story_id is not None and (not undated or a.published is None)]
        return sorted(ids, reverse=True)[:limit]

    def article_stories(self, article_ids):
        return {i: self.articles[i].story_id for i in article_ids if self.articles[i].story_id is not None}

    def claim_vector_matrix(self, claim_ids, out=None):
        ids = [i for i in sorted(set(claim_ids)) if i in self.claims]
        vectors = [self.claims[i].embedding for i in ids]
        size = next((len(v) for v in vectors if v is not None), 0)
        return (np.array(ids, dtype=np.int64), np.array([self.claims[i].article_id for i in ids], dtype=np.int64),
                np.array([np.full(size, np.nan) if v is None else v for v in vectors], dtype=np.float32).reshape(
                    len(ids), size))

    def max_story_id(self):
        return max((a.story_id or 0 for a in self.articles.values()), default=0)

    def add_claim_keys(self, items):
        for key, claim_id in items:
            self.keys.setdefault(key, set()).add(claim_id)

    def clear_claim_keys(self):
        self.keys.clear()

    def claim_key_blocks(self, keys, limit):
        return {k: (len(self.keys[k]), sorted(self.keys[k])[-limit:]) for k in keys if self.keys.get(k)}

    @contextmanager
    def transaction(self):
        self.transactions += 1
        yield self


def article(i: int, title: str, published: str, outlet: str) -> ArticleRecord:
    return ArticleRecord(
        id=i,
        title=title,
        text=title + ".",
        outlet=outlet,
        published=published,
        url=None,
        entities=["Northern Army"],
        places=["geo:42"],
    )


@pytest.fixture()
def store() -> FakeStore:
    s = FakeStore()
    s.add(
        article(1, "Strike on the market kills 20", "2024-05-01", "Daily A"),
        [("20 people were killed in the strike on the market", "affirms")],
    )
    s.add(
        article(2, "Market strike death toll put at 35", "2024-05-01", "Daily B"),
        [("35 people were killed in the strike on the market", "affirms")],
    )
    return s


def test_link_corpus_embeds_assigns_stories_relates_and_marks(store):
    summary = link_corpus(store, store.unlinked_article_ids())
    assert summary["articles"] == 2 and summary["claims"] == 2 and summary["embedded"] == 2
    assert all(c.embedding is not None for c in store.claims.values())
    assert store.articles[1].story_id == store.articles[2].story_id is not None
    assert summary["contradicts"] == 1
    (relation,) = store.relations.values()
    assert relation.relation == "contradicts" and "20 vs 35 killed" in relation.reason
    assert store.linked == {1, 2} and store.transactions == 1


def test_linking_new_articles_against_stored_ones(store):
    link_corpus(store, [1, 2])
    store.add(
        article(3, "Toll from market strike stands at 20", "2024-05-02", "Daily C"),
        [("20 people were killed in the strike on the market", "affirms")],
    )
    summary = link_corpus(store, [3])
    assert summary["articles"] == 1 and summary["embedded"] == 1
    assert store.articles[3].story_id == store.articles[1].story_id
    kinds = {(r.a, r.b): r.relation for r in store.relations.values()}
    assert kinds[(1, 3)] == "corroborates"
    assert kinds[(2, 3)] == "contradicts"
    assert summary["new_stories"] == 0


def test_claims_of_the_same_article_are_not_related():
    s = FakeStore()
    s.add(
        article(1, "Strike on the market", "2024-05-01", "Daily A"),
        [
            ("20 people were killed in the strike", "affirms"),
            ("35 people were killed in the strike", "affirms"),
        ],
    )
    assert link_corpus(s, [1])["relations"] == 0


def test_empty_and_bad_ids(store):
    assert link_corpus(store, [])["relations"] == 0
    with pytest.raises(InputError):
        link_corpus(store, "1,2")


def test_candidate_index_uses_blocks_and_skips_own_article():
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((3, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    records = [
        ClaimRecord(
            id=i + 1, article_id=1 if i < 2 else 2, claim=Claim(content=Span("x", 0, 1)), entities=["E"]
        )
        for i in range(3)
    ]
    index = CandidateIndex(records, vectors, {})
    probe = records[0]
    found = index.candidates(probe, vectors[2] * 0.5 + vectors[0] * 0.5, ["entity:E"])
    # only the claim of the other article, found through the shared entity, with its cosine
    assert [i for i, _ in found] == [2]
    assert abs(found[0][1] - float(vectors[2] @ (vectors[2] * 0.5 + vectors[0] * 0.5))) < 1e-5


def test_nearest_claims_found_by_the_vector_index_join_the_pool():
    records = [ClaimRecord(id=i, article_id=i, claim=Claim(content=Span("x", 0, 1))) for i in (1, 2, 3)]
    vectors = np.eye(3, 384, dtype=np.float32)
    index = CandidateIndex(records, vectors, {})
    found = index.candidates(records[0], vectors[1], [], nearest=[2, 99])
    assert [i for i, _ in found] == [1]  # claim 2, at position 1; an unknown id is ignored


def _analysis(text: str, outlet: str, published: str):
    from claimtrace.model import Analysis, Article, Place, Sentence

    start = text.index("Dorvik")
    return Analysis(
        article=Article(text=text, title=text[:40], outlet=outlet, published=published, language="en"),
        sentences=[Sentence(0, len(text))],
        places=[Place("Dorvik", start, start + 6, name="Dorvik", id="geo:7")],
        claims=[Claim(content=Span(text, 0, len(text)))],
    )


def test_link_corpus_with_the_sqlite_store(tmp_path):
    from claimtrace.store import open_store

    store = open_store(tmp_path / "corpus.db")
    try:
        store.add_analysis(
            _analysis("20 people were killed in the strike on Dorvik", "Daily A", "2024-05-01"), "h1"
        )
        store.add_analysis(
            _analysis("35 people were killed in the strike on Dorvik", "Daily B", "2024-05-01"), "h2"
        )
        summary = link_corpus(store, store.unlinked_article_ids())
        assert summary["contradicts"] == 1
        assert store.unlinked_article_ids() == []
        assert store.sidecar("claims.faiss").is_file()  # the vector index, kept for the next run
        assert all(record.embedding is not None for record in store.claim_records())
        stories = {a.story_id for a in store.article_records()}
        assert len(stories) == 1 and None not in stories
    finally:
        store.close()


def test_only_stories_near_a_new_article_are_context():
    from datetime import date

    from claimtrace.link.linker import _near_any

    new_days = [date(2024, 1, 10), date(2025, 6, 1)]
    assert _near_any(date(2024, 1, 15), new_days)
    assert _near_any(date(2025, 5, 26), new_days)
    assert not _near_any(date(2024, 9, 1), new_days)
    assert _near_any(None, new_days) and _near_any(date(2020, 1, 1), [])


def test_changing_the_claim_encoder_re_embeds_every_stored_claim(store, monkeypatch):
    from claimtrace.link.embed import get_encoder

    monkeypatch.setenv("CLAIMTRACE_CLAIM_ENCODER", "minilm")
    link_corpus(store, [1, 2])
    assert store.settings["claim_encoder"] == "minilm"
    text = store.claims[1].claim.content.text
    assert np.allclose(store.claims[1].embedding, get_encoder().encode([text])[0], atol=1e-5)

    monkeypatch.setenv("CLAIMTRACE_CLAIM_ENCODER", "static")
    store.linked.clear()
    link_corpus(store, [2])
    assert store.settings["claim_encoder"] == "static"
    assert not np.allclose(store.claims[1].embedding, get_encoder().encode([text])[0], atol=1e-3)


def test_a_store_with_vectors_but_no_setting_holds_minilm_vectors(store, monkeypatch):
    from claimtrace.link.embed import ensure_claim_encoder

    store.claims[1].embedding = np.ones(384, dtype=np.float32)
    monkeypatch.setenv("CLAIMTRACE_CLAIM_ENCODER", "minilm")
    assert ensure_claim_encoder(store) == "minilm"
    assert store.claims[1].embedding is not None
    monkeypatch.setenv("CLAIMTRACE_CLAIM_ENCODER", "static")
    ensure_claim_encoder(store)
    assert store.claims[1].embedding is None


def test_an_unknown_claim_encoder_is_a_one_line_error(store, monkeypatch):
    from claimtrace.errors import ClaimtraceError

    monkeypatch.setenv("CLAIMTRACE_CLAIM_ENCODER", "bert-large")
    with pytest.raises(ClaimtraceError, match="CLAIMTRACE_CLAIM_ENCODER"):
        link_corpus(store, [1])


def test_story_vectors_are_computed_once_and_kept(store, monkeypatch):
    import claimtrace.link.linker as link_module

    embedded: list[int] = []
    real = link_module.embed_articles

    def counting(articles):
        embedded.extend(a.id for a in articles)
        return real(articles)

    monkeypatch.setattr(link_module, "embed_articles", counting)
    link_corpus(store, [1])
    assert embedded == [1] and store.articles[1].embedding is not None
    link_corpus(store, [2])  # article 1 is context now: its stored vector is reused
    assert embedded == [1, 2] and store.articles[2].embedding is not None


def test_relating_on_forked_workers_finds_exactly_what_one_process_finds(monkeypatch):
    import claimtrace.link.linker as link_module

    stores = []
    for _ in range(2):
        s = FakeStore()
        for i in range(1, 7):
            s.add(
                article(i, f"Strike on the market, report {i}", f"2024-05-0{i}", f"Daily {i}"),
                [(f"{10 * i} people were killed in the strike on the market", "affirms"),
                 ("the army denied any strike on the market", "denies" if i % 2 else "affirms")],
            )
        stores.append(s)
    monkeypatch.setattr(link_module, "_MIN_CLAIMS_PER_JOB", 2)  # make the tiny corpus worth splitting
    one = link_corpus(stores[0], list(range(1, 7)), jobs=1)
    two = link_corpus(stores[1], list(range(1, 7)), jobs=2)
    assert one == two and one["relations"] > 0
    assert {k: (r.relation, r.reason) for k, r in stores[0].relations.items()} == {
        k: (r.relation, r.reason) for k, r in stores[1].relations.items()
    }


_DORVIK = [
    ("20 people were killed in the strike on Dorvik", "Daily A", "2024-05-01"),
    ("35 people were killed in the strike on Dorvik", "Daily B", "2024-05-01"),
    ("20 people were killed in the strike on Dorvik, officials said", "Daily C", "2024-05-02"),
    ("Nobody was killed in the strike on Dorvik", "Daily D", "2024-05-03"),
    ("The bridge at Dorvik reopened to traffic", "Daily E", "2025-01-20"),
]


def _relations(store) -> set[tuple[int, int, str, str]]:
    return {(r["a"]["claim_id"], r["b"]["claim_id"], r["relation"], r["reason"]) for r in store.relations()}


def test_linking_run_by_run_reads_only_candidates_and_finds_what_one_run_finds(tmp_path, monkeypatch):
    from claimtrace.store import open_store

    with open_store(tmp_path / "one.db") as one:
        for i, (text, outlet, day) in enumerate(_DORVIK):
            one.add_analysis(_analysis(text, outlet, day), f"h{i}")
        link_corpus(one, one.unlinked_article_ids())
        expected, stories = _relations(one), [a.story_id for a in one.article_records()]
    assert expected
    with open_store(tmp_path / "runs.db") as store:
        reads: list[tuple] = []
        real = store.claim_records

        def recording(article_ids=None, claim_ids=None):
            reads.append((article_ids, claim_ids))
            return real(article_ids, claim_ids)

        monkeypatch.setattr(store, "claim_records", recording)
        for i, (text, outlet, day) in enumerate(_DORVIK):
            store.add_analysis(_analysis(text, outlet, day), f"h{i}")
            link_corpus(store, store.unlinked_article_ids())
        assert _relations(store) == expected
        assert [a.story_id for a in store.article_records()] == stories
        assert (None, None) not in reads  # never every stored claim
        blocks = store.claim_key_blocks(["place:Dorvik (geo:7)"], 10)
        assert blocks["place:Dorvik (geo:7)"][0] == len(_DORVIK)  # every linked claim is filed


def test_normalized_forms_are_stored_once_and_relate_as_computed_ones(tmp_path):
    """Each claim's normalized form is stored when it is first linked; later runs that meet it as a
    candidate read it, and find exactly the relations of runs that compute every form again."""
    import sqlite3

    from claimtrace.link.matching import _normalized_form, normalized_form
    from claimtrace.store import open_store

    found = []
    for keep in (True, False):
        path = tmp_path / f"forms-{keep}.db"
        with open_store(path) as store:
            for i, (text, outlet, day) in enumerate(_DORVIK):
                store.add_analysis(_analysis(text, outlet, day), f"h{i}")
                if not keep:  # a store linked before forms were stored: every form (and link form) made when read
                    with sqlite3.connect(path) as db:
                        db.execute("UPDATE claims SET normalized = NULL, link_form = NULL")
                link_corpus(store, store.unlinked_article_ids())
            found.append(_relations(store))
            records = store.claim_records()
        if keep:
            assert all(r.normalized and r.link_form for r in records)
        else:  # the last run stored the forms of its new claims and of the older claims it related
            assert records[-1].normalized and sum(bool(r.normalized) for r in records) > 1
    assert found[0] == found[1] and found[0]
    with open_store(tmp_path / "forms-True.db") as store:
        for record in store.claim_records():
            assert record.normalized
            assert normalized_form(record) == _normalized_form(ClaimRecord(**{**record.__dict__, "normalized": None}))


def test_a_vector_index_that_does_not_match_the_store_is_rebuilt(tmp_path):
    from claimtrace.link.vectors import INDEX_NAME
    from claimtrace.store import open_store

    with open_store(tmp_path / "corpus.db") as store:
        for i, (text, outlet, day) in enumerate(_DORVIK[:3]):
            store.add_analysis(_analysis(text, outlet, day), f"h{i}")
        link_corpus(store, store.unlinked_article_ids())
        store.sidecar(INDEX_NAME).unlink()  # lost, as by a crash before its save
        store.add_analysis(_analysis(*_DORVIK[3]), "h3")
        summary = link_corpus(store, store.unlinked_article_ids())
        assert summary["candidate_pairs"] == 3  # the new claim still meets all three stored ones
        from claimtrace.link.vectors import open_vector_index

        assert len(open_vector_index(store.sidecar(INDEX_NAME), None, 384)) == 4


def test_articles_marked_unlinked_again_are_linked_as_on_the_first_run(tmp_path):
    import sqlite3

    from claimtrace.link.vectors import INDEX_NAME, open_vector_index
    from claimtrace.store import open_store

    with open_store(tmp_path / "corpus.db") as store:
        for i, (text, outlet, day) in enumerate(_DORVIK):
            store.add_analysis(_analysis(text, outlet, day), f"h{i}")
        first = link_corpus(store, store.unlinked_article_ids())
        expected = _relations(store)
    with sqlite3.connect(tmp_path / "corpus.db") as db:  # forgotten, as benchmarks/scale.py does
        db.execute("DELETE FROM relations")
        db.execute("UPDATE articles SET linked = 0, story_id = NULL")
        db.execute("DELETE FROM stories")
    with open_store(tmp_path / "corpus.db") as store:
        again = link_corpus(store, store.unlinked_article_ids())
        assert _relations(store) == expected and again["candidate_pairs"] == first["candidate_pairs"]
        assert len(open_vector_index(store.sidecar(INDEX_NAME), None, 384)) == len(_DORVIK)  # each claim once


def test_relating_stays_in_this_process_while_another_thread_runs(monkeypatch):
    import multiprocessing
    import threading

    import claimtrace.link.linker as link_module

    s = FakeStore()
    for i in range(1, 5):
        s.add(article(i, f"Strike on the market, report {i}", f"2024-05-0{i}", f"Daily {i}"),
              [(f"{10 * i} people were killed in the strike on the market", "affirms")])
    monkeypatch.setattr(link_module, "_MIN_CLAIMS_PER_JOB", 1)

    def no_fork(*args, **kwargs):
        raise AssertionError("forked while another thread was running")

    monkeypatch.setattr(multiprocessing, "get_context", no_fork)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert link_corpus(s, [1, 2, 3, 4], jobs=2)["candidate_pairs"] > 0
    finally:
        stop.set()
        other.join()


def test_frames_completed_at_link_time_are_stored_back(store):
    store.add(
        article(3, "No evidence of a missile at the market", "2024-05-02", "Daily C"),
        [("a Russian missile struck the market", "affirms")],
    )
    store.claims[3].claim.source = Source("none of the evidence", 0, 20, kind="document")
    link_corpus(store, [1, 2, 3])
    stored = store.claims[3].claim
    assert stored.polarity == "denies" and stored.frame is not None and stored.frame.polarity == "denies"
    assert store.saved_claims == [3]  # only what linking completed is written again


class _PairByPair:
    """Stands in for relations.PairJudge: relates every pair on its own, sharing nothing."""

    def __init__(self, claim, stance_model=None) -> None:
        self.claim, self.stance_model = claim, stance_model

    def relate(self, other, *, similarity=None, same_story=False):
        from claimtrace.link.relations import relate

        return relate(self.claim, other, stance_model=self.stance_model, similarity=similarity, same_story=same_story)


def test_republished_claims_share_their_stored_form_and_relate_as_each_pair_alone(tmp_path, monkeypatch):
    from claimtrace.link import linker
    from claimtrace.store import open_store

    found, shared = [], []
    for judge in (linker.PairJudge, _PairByPair):
        monkeypatch.setattr(linker, "PairJudge", judge)
        with open_store(tmp_path / f"{judge.__name__}.db") as store:
            real = store.linked_claim_records

            def reading(claim_ids, real=real):
                records = real(claim_ids)
                shared.append(len(records) - len({id(r.stored) for r in records}))
                return records

            monkeypatch.setattr(store, "linked_claim_records", reading)
            for copy in range(3):  # each report, then the same reports republished by other outlets
                for i, (text, outlet, day) in enumerate(_DORVIK):
                    store.add_analysis(_analysis(text, f"{outlet} {copy}", day), f"h{copy}-{i}")
                link_corpus(store, store.unlinked_article_ids())
            found.append(_relations(store))
    assert found[0] == found[1] and len(found[0]) > len(_DORVIK)
    assert max(shared) > 0  # candidates read in one run shared stored forms


def test_the_collector_is_paused_while_linking_and_restored_after():
    import gc

    from claimtrace.link.linker import collector_paused

    was = gc.isenabled()
    try:
        gc.enable()
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled()
        gc.disable()
        with collector_paused():
            pass
        assert not gc.isenabled()  # left as it was
        gc.enable()
        with pytest.raises(RuntimeError), collector_paused():
            raise RuntimeError("a failed run")
        assert gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


def test_held_claims_are_in_id_order_with_their_vectors_copied_once():
    from claimtrace.link.linker import _held

    new_vectors = np.arange(2 * 4, dtype=np.float32).reshape(2, 4)
    pool_vectors = -np.arange(1, 3 * 4 + 1, dtype=np.float32).reshape(3, 4)
    pool_vectors.setflags(write=False)  # as the store reads it
    for new_ids, pool_ids in (([7, 8], [2, 4, 5]), ([3, 9], [2, 4, 10])):  # the new ones last; interleaved
        ids, articles, vectors = _held(np.array(new_ids), np.array(new_ids) * 10, new_vectors,
                                       np.array(pool_ids), np.array(pool_ids) * 10, pool_vectors)
        assert ids.tolist() == sorted(new_ids + pool_ids) and articles.tolist() == [i * 10 for i in ids]
        rows = dict(zip(new_ids + pool_ids, [*new_vectors, *pool_vectors], strict=True))
        assert all((vectors[k] == rows[i]).all() for k, i in enumerate(ids.tolist()))


def test_an_index_from_blocks_keeps_the_held_claims_of_each_block_in_order():
    ids = np.array([2, 4, 5, 9])
    index = CandidateIndex.from_blocks(ids, ids * 10, np.eye(4, 8, dtype=np.float32),
                                       {"entity:E": (12, [1, 4, 9, 11]), "frame|toll|story:3": (2, [2, 5])})
    assert index.blocks["entity:E"] == [1, 3] and index.sizes["entity:E"] == 12  # claims 1 and 11 not held
    assert index.frame_blocks["toll|story:3"] == [0, 2] and index.position == {2: 0, 4: 1, 5: 2, 9: 3}


def test_pool_vectors_come_from_the_vector_file_and_a_lost_or_stale_one_is_made_again(tmp_path, monkeypatch):
    """Runs gather their pools' vectors from the file kept beside the store, not from the store, and relate
    exactly as runs reading the store do; a file lost (or left behind by a crash) is written afresh."""
    from claimtrace.link.vectors import VECTORS_NAME, VectorFile
    from claimtrace.store import open_store

    found = []
    for keep in (True, False):
        with open_store(tmp_path / f"{keep}.db") as store:
            for i, (text, outlet, day) in enumerate(_DORVIK):
                store.add_analysis(_analysis(text, outlet, day), f"h{i}")
                if i and not keep:
                    store.cache_file(VECTORS_NAME).unlink()
                if i and keep:  # the store's vectors are not read: the file holds the pool
                    monkeypatch.setattr(store, "claim_vector_matrix", _refusing)
                link_corpus(store, store.unlinked_article_ids())
                monkeypatch.undo()
            found.append(_relations(store))
            claims = [c.id for c in store.claim_records()]
            assert VectorFile(store.cache_file(VECTORS_NAME), 384).summary() == (len(claims), sum(claims))
    assert found[0] == found[1] and found[0]


def _refusing(*args, **kwargs):
    raise AssertionError("the pool's vectors were read from the store")
