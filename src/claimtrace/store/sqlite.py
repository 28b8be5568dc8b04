"""The SQLite store: one file, WAL mode, ordered migrations, FTS5 search.

Every article is stored twice on purpose: its full analysis JSON (the source
of truth, round-tripping through :meth:`Analysis.from_dict`) and normalized
rows (claims, entities, places, dates) that queries filter and join on. An
article and all its rows are written in one transaction, so a process killed
at any moment leaves either the whole article or nothing.

The schema version is ``PRAGMA user_version``; :data:`MIGRATIONS` are applied
in order, all pending ones in one transaction. All SQL of claimtrace lives here.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import sqlite3
import urllib.parse
import uuid
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from claimtrace.errors import ClaimtraceError
from claimtrace.model import Analysis, Claim, PartialDate, from_dict, to_dict
from claimtrace.store.protocol import ArticleFilter, ClaimFilter, ConflictFilter, EventFilter, StoredArticle
from claimtrace.store.records import (
    ArticleRecord,
    ClaimRecord,
    Relation,
    StoredForm,
    link_form_is_current,
    linked_claim_record,
    place_key,
)

_SCHEMA_V1 = """
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    label TEXT,
    first_date TEXT,
    last_date TEXT
);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    title TEXT,
    text TEXT NOT NULL,
    outlet TEXT,
    published TEXT,
    url TEXT,
    language TEXT,
    path TEXT,
    analysis TEXT NOT NULL,
    story_id INTEGER REFERENCES stories(id) ON DELETE SET NULL,
    linked INTEGER NOT NULL DEFAULT 0,
    added_at TEXT NOT NULL
);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_outlet ON articles(outlet);
CREATE INDEX articles_story ON articles(story_id);
CREATE INDEX articles_unlinked ON articles(id) WHERE linked = 0;
CREATE TABLE claims (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    source_kind TEXT,
    source_text TEXT,
    source_canonical TEXT COLLATE NOCASE,
    cue TEXT,
    cue_lemma TEXT,
    form TEXT NOT NULL,
    certainty TEXT NOT NULL,
    polarity TEXT NOT NULL,
    content TEXT NOT NULL,
    content_start INTEGER NOT NULL,
    content_end INTEGER NOT NULL,
    sentence INTEGER NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL,
    sentence_text TEXT,
    event_time TEXT,
    claim TEXT NOT NULL,
    embedding BLOB,
    UNIQUE (article_id, position)
);
CREATE INDEX claims_source_kind ON claims(source_kind);
CREATE INDEX claims_event_time ON claims(event_time);
CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    label TEXT,
    canonical TEXT COLLATE NOCASE
);
CREATE INDEX entities_article ON entities(article_id);
CREATE INDEX entities_canonical ON entities(canonical);
CREATE TABLE places (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    name TEXT COLLATE NOCASE,
    lat REAL,
    lon REAL,
    country TEXT,
    feature TEXT,
    place_id TEXT,
    confidence REAL
);
CREATE INDEX places_article ON places(article_id);
CREATE INDEX places_name ON places(name);
CREATE TABLE dates (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    value TEXT,
    granularity TEXT,
    resolved INTEGER NOT NULL
);
CREATE INDEX dates_article ON dates(article_id);
CREATE TABLE relations (
    a INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    b INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    relation TEXT NOT NULL,
    reason TEXT,
    score REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (a, b)
);
CREATE INDEX relations_b ON relations(b);
CREATE INDEX relations_kind ON relations(relation);
CREATE TABLE skips (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    reason TEXT NOT NULL,
    time TEXT NOT NULL,
    UNIQUE (path, reason)
);
CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='id');
CREATE VIRTUAL TABLE claims_fts USING fts5(content, source_text, content='claims', content_rowid='id');
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims BEGIN
    INSERT INTO claims_fts(rowid, content, source_text) VALUES (new.id, new.content, new.source_text);
END;
CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN
    INSERT INTO claims_fts(claims_fts, rowid, content, source_text)
    VALUES ('delete', old.id, old.content, old.source_text);
END;
CREATE TRIGGER claims_fts_update AFTER UPDATE OF content, source_text ON claims BEGIN
    INSERT INTO claims_fts(claims_fts, rowid, content, source_text)
    VALUES ('delete', old.id, old.content, old.source_text);
    INSERT INTO claims_fts(rowid, content, source_text) VALUES (new.id, new.content, new.source_text);
END;
"""

# Version 2: settings the stored data depend on (the encoder that embedded the claims), and each
# article's story vector, computed once when the article is analysed.
_SCHEMA_V2 = """
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
ALTER TABLE articles ADD COLUMN embedding BLOB;
"""

# Version 3: events (PLOVER) with their places, and casualty counts. Articles stored before it have none.
_SCHEMA_V3 = """
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    category TEXT NOT NULL,
    mode TEXT,
    cameo TEXT,
    trigger TEXT NOT NULL,
    trigger_start INTEGER NOT NULL,
    source_text TEXT,
    source_country TEXT,
    target_text TEXT,
    target_country TEXT,
    negated INTEGER NOT NULL,
    modality TEXT NOT NULL,
    claim_source TEXT,
    claim_source_kind TEXT,
    event_time TEXT,
    sentence_text TEXT,
    event TEXT NOT NULL,
    UNIQUE (article_id, position)
);
CREATE INDEX events_category ON events(category);
CREATE TABLE event_places (
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    name TEXT COLLATE NOCASE,
    place_id TEXT,
    lat REAL,
    lon REAL
);
CREATE INDEX event_places_event ON event_places(event_id);
CREATE TABLE casualties (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    event_id INTEGER REFERENCES events(id) ON DELETE SET NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    who TEXT NOT NULL,
    value INTEGER,
    high INTEGER,
    cause TEXT,
    blamed_country TEXT,
    place_name TEXT COLLATE NOCASE,
    place_id TEXT,
    negated INTEGER NOT NULL,
    claim_source TEXT,
    claim_source_kind TEXT,
    event_time TEXT
);
CREATE INDEX casualties_article ON casualties(article_id);
"""

# Version 4: the keys under which linking finds candidate claims (entities, places, story, frame keys),
# one row per key and claim, so a link run reads the blocks of its new claims' keys, never every claim.
_SCHEMA_V4 = """
CREATE TABLE claim_keys (
    key TEXT NOT NULL,
    claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    PRIMARY KEY (key, claim_id)
) WITHOUT ROWID;
CREATE INDEX claim_keys_claim ON claim_keys(claim_id);
"""

# Ordered migration steps: index i brings the schema from version i to i + 1.
# Version 5: the part of each claim's normalized form read from its wording (link/matching.py
# ``text_form``, JSON), stored when the claim is first linked so that later runs do not compute it again;
# NULL (claims stored before, or not linked yet) is computed when read, as before.
_SCHEMA_V5 = """
ALTER TABLE claims ADD COLUMN normalized TEXT;
"""

# Version 6: each claim's link form (store/records.py ``encode_link_form``: its sentence's names, polarity,
# certainty and completed frame, JSON), stored when the claim is linked, so that a later run relating it as a
# candidate reads one short row (``linked_claim_records``); NULL is read in full, as before.
_SCHEMA_V6 = """
ALTER TABLE claims ADD COLUMN link_form TEXT;
"""

# The size of each claim key's block kept as a count (``claim_key_counts``, schema 7), by triggers, so that
# every writer of claim keys (a cascade from a deleted article too) keeps it; a run reads a block's size
# instead of counting its rows (hundreds of thousands under a frequent name in a large store).
KEY_COUNTING = (
    "CREATE TRIGGER claim_keys_counted_insert AFTER INSERT ON claim_keys BEGIN"
    " INSERT INTO claim_key_counts (key, claims) VALUES (new.key, 1) ON CONFLICT (key) DO UPDATE SET claims = claims + 1;"
    " END",
    "CREATE TRIGGER claim_keys_counted_delete AFTER DELETE ON claim_keys BEGIN"
    " UPDATE claim_key_counts SET claims = claims - 1 WHERE key = old.key; END",
)

# Version 7: claim vectors in a narrow table of their own (claim id, article id, float32 BLOB), moved out of
# the claim rows: a link run reads the vectors of every claim in its new claims' pools (600,000 at a
# simulated 100,000 articles), each a short row here instead of a claim row of several kilobytes.
_SCHEMA_V7 = """
CREATE TABLE claim_vectors (
    claim_id INTEGER PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL,
    vector BLOB NOT NULL
);
INSERT INTO claim_vectors (claim_id, article_id, vector)
    SELECT id, article_id, embedding FROM claims WHERE embedding IS NOT NULL ORDER BY id;
ALTER TABLE claims DROP COLUMN embedding;
CREATE TABLE claim_key_counts (key TEXT PRIMARY KEY, claims INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO claim_key_counts (key, claims) SELECT key, COUNT(*) FROM claim_keys GROUP BY key;
""" + "".join(f"{statement};\n" for statement in KEY_COUNTING)

# Version 8: what linking reads of an article (its story, outlet, date and address) in indexes, so that neither
# engine reads the article row: SQLite keeps a row's columns in order and walks the overflow pages of the text
# and the analysis (tens of kilobytes) to reach ``story_id``, ``outlet``, ``published`` or ``url`` after them,
# which made reading the stories of 60,000 candidate articles cost 1.5 CPU-s at a simulated 100,000
# (0.06 from ``articles_linking``). The story and date indexes cover a story's dates and a date window's stories.
# (the PostgreSQL store runs the same statements as its version 8)
SCHEMA_V8_ARTICLE_INDEXES = """
DROP INDEX articles_published;
CREATE INDEX articles_published ON articles(published, story_id);
DROP INDEX articles_story;
CREATE INDEX articles_story ON articles(story_id, published);
CREATE INDEX articles_linking ON articles(id, story_id, outlet, published, url);
"""

MIGRATIONS: tuple[str, ...] = (_SCHEMA_V1, _SCHEMA_V2, _SCHEMA_V3, _SCHEMA_V4, _SCHEMA_V5, _SCHEMA_V6, _SCHEMA_V7,
                               SCHEMA_V8_ARTICLE_INDEXES)
SETTINGS_VERSION = 2
EVENTS_VERSION = 3
SCHEMA_VERSION = len(MIGRATIONS)

CHANGE_STAMP_KEY = "change_stamp"  # the settings row that every committed write transaction renews
_CHUNK = 900  # stays below SQLite's limit on bound parameters per statement
_NAMED_KINDS = ("person", "organization", "media")


# -- what is and is not a store; errors as one line ------------------------------------------

_SQLITE_HEADER = b"SQLite format 3\x00"
_STORE_TABLES = frozenset({"articles", "claims", "skips"})
_REASONS = (  # SQLite's message -> what the user can do about it
    ("readonly", "the store is read-only (check the file's permissions, or pass another --db)"),
    ("disk is full", "the disk is full (free some space and run the same command again)"),
    ("malformed", "the store file is damaged"),
    ("corrupt", "the store file is damaged"),
    ("vtable constructor failed", "the store file is damaged"),
    ("not a database", "not a claimtrace store"),
    ("locked", "the store is busy in another process (try again when it is done)"),
    ("unable to open", "cannot open the store file"),
)


def store_error(path: Path, exc: sqlite3.Error) -> ClaimtraceError:
    """One line for a SQLite failure: what it means for the user, then SQLite's own words."""
    message = str(exc)
    reason = next((text for key, text in _REASONS if key in message.lower()), "store error")
    return ClaimtraceError(f"{path}: {reason} ({message})")


def _readonly_uri(path: Path) -> str:
    return "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"


def _refuse_what_is_not_a_store(path: Path, new_allowed: bool) -> None:
    """Raise unless ``path`` is a claimtrace store (or, when ``new_allowed``, nothing yet)."""
    if path.is_dir():
        raise ClaimtraceError(f"{path}: is a directory, not a store file")
    if not path.exists():
        return
    if path.stat().st_size == 0:
        raise ClaimtraceError(f"{path}: an empty file, not a claimtrace store (remove it or pass another --db)")
    with path.open("rb") as handle:
        if handle.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
            raise ClaimtraceError(f"{path}: not a claimtrace store (not a SQLite database)")
    probe = sqlite3.connect(_readonly_uri(path), uri=True)
    try:
        version = int(probe.execute("PRAGMA user_version").fetchone()[0])
        tables = {row[0] for row in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        probe.close()
    if version > SCHEMA_VERSION:
        raise ClaimtraceError(
            f"{path}: store schema version {version} is newer than this claimtrace understands "
            f"({SCHEMA_VERSION}); upgrade claimtrace"
        )
    if version == 0 and not tables and new_allowed:
        return  # an empty SQLite database: ours to fill
    if version == 0 or not _STORE_TABLES.issubset(tables):
        raise ClaimtraceError(f"{path}: not a claimtrace store (another application's SQLite database?)")


def one_line_errors(cls: type) -> type:
    """Make every public method of a store turn SQLite's exceptions into one-line ClaimtraceErrors."""
    for name, member in list(vars(cls).items()):
        if name.startswith("_") or name == "transaction" or not callable(member):
            continue
        setattr(cls, name, _translating(member))
    return cls


def _translating(method: Any) -> Any:
    @functools.wraps(method)
    def call(self: SQLiteStore, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise store_error(self.path, exc) from None

    return call


@one_line_errors
class SQLiteStore:
    """The default :class:`~claimtrace.store.Store`: one SQLite file in WAL mode.

    Its queries are written in the SQL that SQLite and PostgreSQL share, so
    :class:`~claimtrace.store.postgres.PostgresStore` reuses them; what differs (connection,
    schema, transactions, full-text search) is overridden there.
    """

    # the claims whose content or source matches the --search query (one parameter)
    SEARCH_CONDITION = "c.id IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?)"
    BEGIN = "BEGIN IMMEDIATE"  # takes the write lock at once: two writers never deadlock on an upgrade
    AFFILIATION_KIND = "json_extract(c.claim, '$.source.affiliation.kind')"  # of the source, in the claim's JSON
    # SQLite's planner looks an article up by its row id even where an index holds every column asked for
    ARTICLE_LINKING = " INDEXED BY articles_linking"
    PLACE_LIST = "group_concat(name, '; ')"  # an event's place names in one text
    # article search: the articles matching the query (one parameter), the passage with each hit between
    # \x02 and \x03, the best first. CROSS JOIN keeps the full-text match as the outer loop (the
    # planner otherwise scans articles by date or claim kind and re-runs the match on each)
    ARTICLE_MATCH = "FROM articles_fts CROSS JOIN articles a ON a.id = articles_fts.rowid WHERE articles_fts MATCH ?"
    ARTICLE_SNIPPET = "snippet(articles_fts, 1, char(2), char(3), '…', 24)"
    ARTICLE_RANK = "rank"

    def __init__(self, path: str | Path, *, create: bool = True, readonly: bool = False) -> None:
        """Open the store at ``path``; ``readonly`` opens it for queries only (never written, never
        migrated), ``create`` allows a new file. A file that is not a claimtrace store (another
        application's database, an empty file, a directory) is refused before anything is written."""
        self.path = Path(path)
        self.readonly = readonly
        if not (create and not readonly) and not self.path.exists():
            raise ClaimtraceError(f"{self.path}: no store here (run 'claimtrace ingest' first, or pass --db)")
        try:
            _refuse_what_is_not_a_store(self.path, new_allowed=create and not readonly)
            if readonly:
                self._db = sqlite3.connect(_readonly_uri(self.path), uri=True, isolation_level=None, timeout=30)
                self._db.execute("PRAGMA query_only = ON")
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
                self._configure()
                self._migrate()
            self._db.row_factory = sqlite3.Row
        except sqlite3.Error as exc:
            raise store_error(self.path, exc) from None
        except OSError as exc:
            raise ClaimtraceError(f"{self.path}: cannot open the store ({exc.strerror})") from None
        self._depth = 0

    # -- connection, transactions, migrations ------------------------------------------------

    def _configure(self) -> None:
        self._db.execute("PRAGMA journal_mode = WAL")
        # NORMAL is durable against a killed process in WAL mode; only power loss can drop a commit
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("PRAGMA foreign_keys = ON")

    def _migrate(self) -> None:
        version = self.schema_version()
        if version < SCHEMA_VERSION:  # all pending steps in one transaction: each page is logged once
            steps = "\n".join(MIGRATIONS[step] for step in range(version, SCHEMA_VERSION))
            self._db.executescript(f"BEGIN IMMEDIATE;\n{steps}\nPRAGMA user_version = {SCHEMA_VERSION};\nCOMMIT;")

    def schema_version(self) -> int:
        """The schema version of the open file (``PRAGMA user_version``)."""
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self, stamp: bool = True) -> Iterator[SQLiteStore]:
        """One atomic unit of writes; nested uses join the outer transaction. Committing one that changed a
        row renews the :meth:`change_stamp` (unless the outermost is opened with ``stamp=False``: schema
        work only)."""
        if self._depth == 0:
            try:
                self._db.execute(self.BEGIN)
                self._changes_at_begin = self._write_count()
            except sqlite3.Error as exc:
                raise store_error(self.path, exc) from None
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._depth -= 1
            if self._depth == 0 and self._db.in_transaction:  # SQLite may have rolled back already
                self._db.execute("ROLLBACK")
            raise
        self._depth -= 1
        if self._depth == 0:
            try:
                if stamp and not self.readonly and self._wrote():
                    self._bump_change_stamp()
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise store_error(self.path, exc) from None

    def _wrote(self) -> bool:
        """Whether the transaction being committed changed a row (a known article added again does not:
        the caches keyed on the stamp stay valid)."""
        return self._write_count() != self._changes_at_begin

    def _write_count(self) -> int:
        """Rows changed on this connection so far (what :meth:`_wrote` compares)."""
        return self._db.total_changes

    def _bump_change_stamp(self) -> None:
        """A new :meth:`change_stamp`, written in the transaction being committed."""
        self._db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (CHANGE_STAMP_KEY, uuid.uuid4().hex),
        )

    def change_stamp(self) -> str | None:
        """A token that changes with every committed write (an ingest, linking, a skip, from any process):
        equal stamps mean the store did not change in between, so what was read may be reused. None
        while nothing was written since the store was created or upgraded by a claimtrace without it."""
        if self.schema_version() < SETTINGS_VERSION:  # a version 1 store opened read-only: no settings table
            return None
        return self.setting(CHANGE_STAMP_KEY)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- ingest ------------------------------------------------------------------------------

    def has_hash(self, content_hash: str) -> bool:
        row = self._db.execute("SELECT 1 FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
        return row is not None

    def add_analysis(
        self,
        analysis: Analysis,
        content_hash: str,
        path: str | None = None,
        embeddings: list[Any] | None = None,
        article_embedding: Any = None,
    ) -> StoredArticle:
        """Store one analysed article with all its rows; a known ``content_hash`` adds nothing.

        ``embeddings`` (one vector per claim, in order) are stored with the claims when given, and
        ``article_embedding`` (the story vector of the article) with the article.
        """
        with self.transaction():
            row = self._db.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
            if row is not None:
                return StoredArticle(int(row[0]), added=False)
            article_id = self._insert_article(analysis, content_hash, path, article_embedding)
            self._insert_claims(article_id, analysis, embeddings)
            self._insert_mentions(article_id, analysis)
            self._insert_events(article_id, analysis)
        return StoredArticle(article_id, added=True)

    def _insert_article(self, analysis: Analysis, content_hash: str, path: str | None, vector: Any) -> int:
        art = analysis.article
        row = self._db.execute(
            "INSERT INTO articles (content_hash, title, text, outlet, published, url, language, path, analysis,"
            " added_at, embedding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (content_hash, art.title, art.text, art.outlet, _iso(art.published), art.url, art.language, path,
             json.dumps(to_dict(analysis), ensure_ascii=False), _now(), _blob(vector)),
        )
        return int(row.fetchone()[0])

    def _insert_claims(self, article_id: int, analysis: Analysis, embeddings: list[Any] | None) -> None:
        if embeddings is not None and len(embeddings) != len(analysis.claims):
            embeddings = None  # vectors that do not line up with the claims are worse than none
        rows = [_claim_row(article_id, position, claim, analysis) for position, claim in enumerate(analysis.claims)]
        self._db.executemany(
            "INSERT INTO claims (article_id, position, source_kind, source_text, source_canonical, cue, cue_lemma,"
            " form, certainty, polarity, content, content_start, content_end, sentence, sentence_start,"
            " sentence_end, sentence_text, event_time, claim) VALUES"
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        if embeddings:
            self._db.executemany(
                "INSERT INTO claim_vectors (claim_id, article_id, vector) SELECT id, article_id, ? FROM claims"
                " WHERE article_id = ? AND position = ?",
                [(_blob(vector), article_id, position) for position, vector in enumerate(embeddings)
                 if vector is not None],
            )

    def _insert_mentions(self, article_id: int, analysis: Analysis) -> None:
        self._db.executemany(
            'INSERT INTO entities (article_id, text, start, "end", label, canonical) VALUES (?, ?, ?, ?, ?, ?)',
            [(article_id, e.text, e.start, e.end, e.label, e.canonical or e.text) for e in analysis.entities],
        )
        self._db.executemany(
            'INSERT INTO places (article_id, text, start, "end", name, lat, lon, country, feature, place_id,'
            " confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(article_id, p.text, p.start, p.end, p.name or p.text, p.lat, p.lon, p.country, p.feature, p.id,
              p.confidence) for p in analysis.places],
        )
        self._db.executemany(
            'INSERT INTO dates (article_id, text, start, "end", value, granularity, resolved)'
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(article_id, d.text, d.start, d.end, d.value, d.granularity, int(d.resolved)) for d in analysis.dates],
        )

    def _insert_events(self, article_id: int, analysis: Analysis) -> None:
        event_ids: list[int] = []
        for position, event in enumerate(analysis.events):
            source_text, source_kind = _claim_source(analysis, event.claim)
            cursor = self._db.execute(
                "INSERT INTO events (article_id, position, category, mode, cameo, trigger, trigger_start, source_text,"
                " source_country, target_text, target_country, negated, modality, claim_source, claim_source_kind,"
                " event_time, sentence_text, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " RETURNING id",
                (article_id, position, event.category, event.mode, event.cameo, event.trigger.text, event.trigger.start,
                 _joined(a.canonical or a.text for a in event.source), _joined(a.country for a in event.source),
                 _joined(a.canonical or a.text for a in event.target), _joined(a.country for a in event.target),
                 int(event.negated), event.modality, source_text, source_kind,
                 event.date.value if event.date and event.date.resolved else _iso(analysis.article.published),
                 _sentence_text(analysis, event.sentence), json.dumps(to_dict(event), ensure_ascii=False)),
            )
            event_id = int(cursor.fetchone()[0])
            event_ids.append(event_id)
            self._db.executemany(
                "INSERT INTO event_places (event_id, text, name, place_id, lat, lon) VALUES (?, ?, ?, ?, ?, ?)",
                [(event_id, p.text, p.name or p.text, p.id, p.lat, p.lon) for p in event.places],
            )
        rows = []
        for casualty in analysis.casualties:
            source_text, source_kind = _claim_source(analysis, casualty.claim)
            place = casualty.place
            rows.append((
                article_id, event_ids[casualty.event] if casualty.event is not None else None, casualty.text,
                casualty.kind, casualty.who, casualty.value, casualty.high, casualty.cause,
                casualty.blamed.country if casualty.blamed else None, place.name if place else None,
                place.id if place else None, int(casualty.negated), source_text, source_kind,
                casualty.date.value if casualty.date and casualty.date.resolved else _iso(analysis.article.published),
            ))
        self._db.executemany(
            "INSERT INTO casualties (article_id, event_id, text, kind, who, value, high, cause, blamed_country,"
            " place_name, place_id, negated, claim_source, claim_source_kind, event_time)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def add_skip(self, path: str, reason: str) -> None:
        """Record a skipped file or record; the same (path, reason) is kept once, with its latest time."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO skips (path, reason, time) VALUES (?, ?, ?)"
                " ON CONFLICT (path, reason) DO UPDATE SET time = excluded.time",
                (path, reason, _now()),
            )

    # -- the linking interface ---------------------------------------------------------------

    def claim_records(
        self, article_ids: list[int] | None = None, claim_ids: list[int] | None = None
    ) -> list[ClaimRecord]:
        """Stored claims (all when ``article_ids`` and ``claim_ids`` are None; else those of the
        articles or with the ids given) with what linking needs of each, in id order."""
        sql = (
            "SELECT c.id, c.article_id, c.claim, c.event_time, c.sentence_start, c.sentence_end, v.vector AS embedding,"
            " c.normalized, c.link_form, a.outlet, a.published, a.url FROM claims c JOIN articles a"
            " ON a.id = c.article_id LEFT JOIN claim_vectors v ON v.claim_id = c.id"
        )
        if claim_ids is not None:
            rows = self._rows_for_articles(sql, "c.id", claim_ids, order="c.id")
            if article_ids is not None:
                keep = set(article_ids)
                rows = [r for r in rows if r["article_id"] in keep]
            rows.sort(key=lambda r: r["id"])
        else:
            rows = self._rows_for_articles(sql, "c.article_id", article_ids, order="c.id")
        mentions = self._sentence_mentions({int(r["article_id"]) for r in rows})
        return [
            ClaimRecord(
                id=int(r["id"]),
                article_id=int(r["article_id"]),
                claim=from_dict(Claim, json.loads(r["claim"])),
                outlet=r["outlet"],
                published=r["published"],
                url=r["url"],
                event_time=r["event_time"],
                entities=_names_within(mentions["entities"].get(r["article_id"], []), r),
                places=_names_within(mentions["places"].get(r["article_id"], []), r),
                embedding=_vector(r["embedding"]),
                normalized=r["normalized"],
                link_form=r["link_form"],
            )
            for r in rows
        ]

    def linked_claim_records(self, claim_ids: list[int]) -> list[ClaimRecord]:
        """The stored claims ``claim_ids`` as linking relates them, in id order: from the link form stored
        when each was linked (its claim decoded only when read, no vector); a claim with no current link
        form is read in full (:meth:`claim_records`)."""
        sql = (
            "SELECT c.id, c.article_id, c.claim, c.event_time, c.normalized, c.link_form, a.outlet, a.published,"
            f" a.url FROM claims c JOIN articles a{self.ARTICLE_LINKING} ON a.id = c.article_id"
        )
        rows = self._rows_for_articles(sql, "c.id", claim_ids, order="c.id", plain=True)
        dates: dict[str, PartialDate] = {}  # parsed once per publication date (a PartialDate is immutable)

        def published(text: str | None) -> PartialDate | None:
            if text and text not in dates:
                dates[text] = PartialDate.from_iso(text)
            return dates[text] if text else None

        records: list[ClaimRecord] = []
        rest: list[int] = []  # claims with no current link form: read in full
        forms: dict[Any, StoredForm] = {}  # claims with the same stored texts share one form (records.StoredForm)
        for claim_id, article_id, claim, event_time, normalized, link_form, outlet, day, url in rows:
            if not link_form_is_current(link_form):
                rest.append(int(claim_id))
                continue
            records.append(linked_claim_record(
                int(claim_id), int(article_id), claim, link_form, forms, outlet=outlet, published=published(day),
                url=url, event_time=event_time, normalized=normalized,
            ))
        if rest:
            records = sorted(records + self.claim_records(claim_ids=rest), key=lambda record: record.id)
        return records

    def save_link_forms(self, items: list[tuple[int, str]]) -> None:
        """Store the link forms linking made of claims (``(claim id, JSON text)`` pairs, see
        ``records.encode_link_form``)."""
        with self.transaction():
            self._db.executemany("UPDATE claims SET link_form = ? WHERE id = ?",
                                 [(text, int(claim_id)) for claim_id, text in items])

    def article_records(self, article_ids: list[int] | None = None) -> list[ArticleRecord]:
        """Stored articles (all when ``article_ids`` is None) with their canonical entities and places."""
        sql = "SELECT id, title, text, outlet, published, url, story_id, embedding FROM articles"
        rows = self._rows_for_articles(sql, "id", article_ids, order="id")
        mentions = self._sentence_mentions({int(r["id"]) for r in rows})
        return [
            ArticleRecord(
                id=int(r["id"]),
                title=r["title"],
                text=r["text"],
                outlet=r["outlet"],
                published=r["published"],
                url=r["url"],
                entities=_unique(name for name, _, _ in mentions["entities"].get(r["id"], [])),
                places=_unique(name for name, _, _ in mentions["places"].get(r["id"], [])),
                story_id=r["story_id"],
                embedding=_vector(r["embedding"]),
            )
            for r in rows
        ]

    def _rows_for_articles(
        self, sql: str, column: str, article_ids: Sequence[int] | None, order: str, *, plain: bool = False
    ) -> list[Any]:
        """The rows of ``sql`` whose ``column`` is among ``article_ids`` (all when None), read in chunks;
        ``plain``: as plain tuples (:meth:`_tuples`), where many are read."""
        if article_ids is None:
            return self._db.execute(f"{sql} ORDER BY {order}").fetchall()
        rows: list[Any] = []
        for chunk in _chunks(sorted(set(article_ids))):
            query = f"{sql} WHERE {column} IN ({','.join('?' * len(chunk))}) ORDER BY {order}"
            rows.extend(self._tuples(query, chunk) if plain else self._db.execute(query, chunk))
        return rows

    def _sentence_mentions(self, article_ids: set[int]) -> dict[str, dict[int, list[tuple[str, int, int]]]]:
        """Per article: (canonical entity, start, end) and (:func:`place_key`, start, end)."""
        queries = {
            "entities": 'SELECT article_id, canonical, NULL, start, "end" FROM entities',
            "places": 'SELECT article_id, COALESCE(name, text), place_id, start, "end" FROM places',
        }
        found: dict[str, dict[int, list[tuple[str, int, int]]]] = {}
        for kind, sql in queries.items():
            by_article: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
            for chunk in _chunks(sorted(article_ids)):
                marks = ",".join("?" * len(chunk))
                for aid, name, place_id, start, end in self._db.execute(
                    f"{sql} WHERE article_id IN ({marks}) ORDER BY article_id, start", chunk
                ):
                    by_article[aid].append((place_key(name, place_id), start, end))
            found[kind] = by_article
        return found

    def setting(self, key: str) -> str | None:
        """A stored setting (None when never set)."""
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def has_embeddings(self) -> bool:
        return self._db.execute("SELECT 1 FROM claim_vectors LIMIT 1").fetchone() is not None

    def clear_embeddings(self) -> None:
        """Forget every claim vector (they are recomputed by the next link)."""
        with self.transaction():
            self._db.execute("DELETE FROM claim_vectors")

    def save_article_embeddings(self, items: list[tuple[int, Any]]) -> None:
        """Store each article's story vector as a float32 BLOB."""
        with self.transaction():
            self._db.executemany(
                "UPDATE articles SET embedding = ? WHERE id = ?",
                [(_blob(vector), int(article_id)) for article_id, vector in items],
            )

    def save_embeddings(self, items: list[tuple[int, Any]]) -> None:
        """Store each claim's vector as a float32 BLOB (replacing the one it had)."""
        with self.transaction():
            self._db.executemany(
                "INSERT INTO claim_vectors (claim_id, article_id, vector) SELECT id, article_id, ? FROM claims"
                " WHERE id = ? ON CONFLICT (claim_id) DO UPDATE SET vector = excluded.vector",
                [(_blob(vector), int(claim_id)) for claim_id, vector in items],
            )

    def save_claims(self, items: list[tuple[int, Any]]) -> None:
        """Store claims again whose frame or polarity linking completed (``(claim id, Claim)`` pairs); the
        other columns (source, cue, content, sentence) never change after analysis."""
        with self.transaction():
            self._db.executemany(
                "UPDATE claims SET claim = ?, polarity = ? WHERE id = ?",
                [(json.dumps(to_dict(claim), ensure_ascii=False), claim.polarity, int(claim_id))
                 for claim_id, claim in items],
            )

    def save_normalized(self, items: list[tuple[int, str]]) -> None:
        """Store the normalized forms linking made of claims (``(claim id, JSON text)`` pairs, see
        ``matching.encode_text_form``), so later runs read them instead of computing them again."""
        with self.transaction():
            self._db.executemany("UPDATE claims SET normalized = ? WHERE id = ?",
                                 [(text, int(claim_id)) for claim_id, text in items])

    def add_relations(self, relations: list[Relation]) -> None:
        """Insert or replace relations; one row per (a, b), so adding again changes nothing."""
        with self.transaction():
            self._db.executemany(
                "INSERT INTO relations (a, b, relation, reason, score) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (a, b) DO UPDATE SET relation = excluded.relation, reason = excluded.reason,"
                " score = excluded.score",
                [(r.a, r.b, r.relation, r.reason, float(r.score)) for r in relations],
            )

    def set_stories(self, assignments: dict[int, int], labels: dict[int, str]) -> None:
        """Put articles into stories, label stories, refresh the dates of the stories the articles join and
        leave, and drop those left empty: a run's work grows with its articles, not with the stories stored."""
        with self.transaction():
            left = set(self.article_stories(list(assignments)).values())
            story_ids = set(assignments.values()) | set(labels)
            self._db.executemany("INSERT INTO stories (id) VALUES (?) ON CONFLICT DO NOTHING", [(s,) for s in story_ids])
            self._db.executemany("UPDATE stories SET label = ? WHERE id = ?", [(v, k) for k, v in labels.items()])
            self._db.executemany(
                "UPDATE articles SET story_id = ? WHERE id = ?", [(s, a) for a, s in assignments.items()]
            )
            touched = [(s,) for s in sorted(story_ids | left)]
            self._db.executemany(
                "UPDATE stories SET"
                " first_date = (SELECT MIN(substr(published, 1, 10)) FROM articles WHERE story_id = stories.id),"
                " last_date = (SELECT MAX(substr(published, 1, 10)) FROM articles WHERE story_id = stories.id)"
                " WHERE id = ?", touched)
            self._db.executemany(
                "DELETE FROM stories WHERE id = ? AND NOT EXISTS (SELECT 1 FROM articles WHERE story_id = stories.id)",
                touched)

    def mark_linked(self, article_ids: list[int]) -> None:
        with self.transaction():
            self._db.executemany("UPDATE articles SET linked = 1 WHERE id = ?", [(int(a),) for a in article_ids])

    def sidecar(self, name: str) -> Path | None:
        """A file beside the store where linking keeps what it derives from it ("claimtrace.db.NAME")."""
        return self.path.with_name(f"{self.path.name}.{name}")

    def cache_file(self, name: str) -> Path | None:
        """A file beside the store for what linking can make again from it and keeps on this machine only."""
        return self.sidecar(name)

    def unlinked_article_ids(self) -> list[int]:
        return [int(r[0]) for r in self._db.execute("SELECT id FROM articles WHERE linked = 0 ORDER BY id")]

    def linked_article_ids(self) -> list[int]:
        return [int(r[0]) for r in self._db.execute("SELECT id FROM articles WHERE linked = 1 ORDER BY id")]

    # -- what linking reads per run instead of the whole corpus ------------------------------------

    def articles_published_between(self, ranges: list[tuple[str, str]]) -> list[int]:
        """Ids of the articles in a story whose publication date (ISO text) lies in one of ``ranges``
        (first inclusive, last exclusive, compared as text: a partial date sorts at its first day)."""
        ids: set[int] = set()
        for first, last in ranges:
            ids.update(int(r[0]) for r in self._db.execute(
                "SELECT id FROM articles WHERE published >= ? AND published < ? AND story_id IS NOT NULL",
                (first, last)))
        return sorted(ids)

    def recent_article_ids(self, limit: int, *, undated: bool = False) -> list[int]:
        """The ``limit`` most recently stored articles in a story (``undated``: of those without a
        publication date), newest first."""
        condition = " AND published IS NULL" if undated else ""
        return [int(r[0]) for r in self._db.execute(
            f"SELECT id FROM articles{self.ARTICLE_LINKING} WHERE story_id IS NOT NULL{condition} ORDER BY id DESC"
            " LIMIT ?", (int(limit),))]

    def article_stories(self, article_ids: list[int]) -> dict[int, int]:
        """The story of each of ``article_ids`` that is in one."""
        sql = f"SELECT id, story_id FROM articles{self.ARTICLE_LINKING}"
        rows = self._rows_for_articles(sql, "id", article_ids, order="id")
        return {int(r["id"]): int(r["story_id"]) for r in rows if r["story_id"] is not None}

    def claim_vector_matrix(
        self, claim_ids: list[int], out: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(claim ids, article ids, vectors) of the stored claims among ``claim_ids``, in id order, as arrays
        (int64, int64, float32 rows; a claim without a vector has a row of NaN): a run reads the vectors of every claim in its new claims' pools, so they are read as plain
        rows of the narrow ``claim_vectors`` table, a chunk at a time, into one matrix: ``out`` (float32, a
        row per distinct claim id at least) when given, which the vectors returned are then the first rows of,
        else a new one."""
        wanted = sorted(set(claim_ids))
        rows: list[tuple[Any, ...]] = []
        for chunk in _chunks(wanted):
            rows.extend(self._tuples(f"SELECT claim_id, article_id, vector FROM claim_vectors WHERE claim_id IN"
                                     f" ({','.join('?' * len(chunk))}) ORDER BY claim_id", chunk))
        if len(rows) < len(wanted):  # claims without a vector (none in a linked store, as a rule)
            rest = sorted(set(wanted) - {r[0] for r in rows})
            rows = sorted(rows + [(r[0], r[1], None) for r in self._rows_for_articles(
                "SELECT id, article_id FROM claims", "id", rest, order="id", plain=True)])
        if not rows:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 0), np.float32)
        claims, article_ids, blobs = zip(*rows, strict=True)
        ids, articles = np.array(claims, dtype=np.int64), np.array(article_ids, dtype=np.int64)
        size = next((len(blob) for blob in blobs if blob is not None), 0) // 4
        if out is None:
            vectors = np.empty((len(rows), size), dtype=np.float32)
        else:
            vectors = out[: len(rows)]
            if vectors.shape != (len(rows), size) and size:
                raise ValueError(f"claim_vector_matrix: {vectors.shape} rows given for {len(rows)} vectors of {size}")
        # a chunk's vectors joined and copied at once: one matrix of the pool, no second copy of it
        for first in range(0, len(rows), _CHUNK):
            part = blobs[first : first + _CHUNK]
            if None in part:
                for i, blob in enumerate(part, start=first):
                    vectors[i] = np.nan if blob is None else np.frombuffer(blob, dtype=np.float32)
            else:
                vectors[first : first + len(part)] = np.frombuffer(b"".join(part), dtype=np.float32).reshape(
                    len(part), size)
        return ids, articles, vectors

    def _tuples(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Rows as plain tuples (cheaper than ``sqlite3.Row`` where many are read)."""
        cursor = self._db.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, params).fetchall()

    def max_story_id(self) -> int:
        return int(self._db.execute("SELECT COALESCE(MAX(story_id), 0) FROM articles").fetchone()[0])

    def add_claim_keys(self, items: list[tuple[str, int]]) -> None:
        """File claims under linking's candidate keys ((key, claim id) pairs), in key order (writers filing
        at once update the keys' counts in one order)."""
        with self.transaction():
            self._db.executemany("INSERT INTO claim_keys (key, claim_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                                 sorted({(str(k), int(c)) for k, c in items}))

    def clear_claim_keys(self) -> None:
        """Forget every claim key and count (a rebuild files them all again)."""
        with self.transaction():
            # both tables emptied at once, with no trigger run per deleted row
            for statement in ("DROP TRIGGER claim_keys_counted_insert", "DROP TRIGGER claim_keys_counted_delete",
                              "DELETE FROM claim_keys", "DELETE FROM claim_key_counts", *KEY_COUNTING):
                self._db.execute(statement)

    def claim_key_blocks(self, keys: list[str], limit: int) -> dict[str, tuple[int, list[int]]]:
        """For each of ``keys`` filed: (how many claims, the ``limit`` highest claim ids, ascending)."""
        blocks: dict[str, tuple[int, list[int]]] = {}
        counts: dict[str, int] = {}
        for chunk in _chunks(sorted(set(keys))):
            counts.update(self._tuples(f"SELECT key, claims FROM claim_key_counts WHERE key IN"
                                       f" ({','.join('?' * len(chunk))})", chunk))
        for key in keys:
            count = int(counts.get(key) or 0)
            if count:
                rows = self._tuples("SELECT claim_id FROM claim_keys WHERE key = ? ORDER BY claim_id DESC LIMIT ?",
                                    (key, int(limit)))
                blocks[key] = (count, [claim_id for (claim_id,) in reversed(rows)])
        return blocks

    # -- reading -----------------------------------------------------------------------------

    def analysis(self, article_id: int) -> Analysis:
        """The stored analysis of one article, exactly as it was analysed."""
        row = self._db.execute("SELECT analysis FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise ClaimtraceError(f"no article with id {article_id}")
        return Analysis.from_dict(json.loads(row[0]))

    def iter_article_ids(self) -> Iterator[int]:
        for row in self._db.execute("SELECT id FROM articles ORDER BY id"):
            yield int(row[0])

    def counts(self) -> dict[str, int]:
        """Rows per table, plus how many articles still wait for linking."""
        tables = ("articles", "claims", "entities", "places", "dates", "relations", "stories", "skips")
        counts = {t: int(self._db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in tables}
        counts["unlinked"] = int(self._db.execute("SELECT COUNT(*) FROM articles WHERE linked = 0").fetchone()[0])
        return counts

    def stories(self) -> list[dict[str, Any]]:
        """Every story with its size, outlets and contradictions, the most recent first.

        Each count is one grouped pass over its table (a subquery per story rescanned every
        contradiction for every story: minutes on a 5,000-article store).
        """
        rows = self._db.execute(
            "WITH art AS (SELECT story_id, COUNT(*) AS articles, COUNT(DISTINCT outlet) AS outlets FROM articles"
            "  WHERE story_id IS NOT NULL GROUP BY story_id),"
            " cl AS (SELECT a.story_id, COUNT(*) AS claims FROM claims c JOIN articles a ON a.id = c.article_id"
            "  WHERE a.story_id IS NOT NULL GROUP BY a.story_id),"
            " con AS (SELECT a.story_id, COUNT(*) AS contradictions FROM relations r JOIN claims c ON c.id = r.b"
            "  JOIN articles a ON a.id = c.article_id WHERE r.relation = 'contradicts' AND a.story_id IS NOT NULL"
            "  GROUP BY a.story_id)"
            " SELECT s.id, s.label, s.first_date, s.last_date, COALESCE(art.articles, 0) AS articles,"
            " COALESCE(art.outlets, 0) AS outlets, COALESCE(cl.claims, 0) AS claims,"
            " COALESCE(con.contradictions, 0) AS contradictions"
            " FROM stories s LEFT JOIN art ON art.story_id = s.id LEFT JOIN cl ON cl.story_id = s.id"
            " LEFT JOIN con ON con.story_id = s.id ORDER BY s.last_date DESC NULLS LAST, s.id"
        )
        return [dict(r) for r in rows]

    def story_timeline(self, story_id: int, limit: int | None = None, offset: int = 0) -> dict[str, Any]:
        """A story's claims by time and outlet, each with its relations to earlier claims: all of them,
        or the page of ``limit`` claims from ``offset`` in that order (``total_claims`` counts all).

        A relation between two claims of the story hangs on the later one (on whichever page it is);
        one with a claim of another story hangs on this story's claim."""
        story = self._db.execute(
            "SELECT s.id, s.label, s.first_date, s.last_date,"
            " (SELECT COUNT(*) FROM articles a WHERE a.story_id = s.id) AS articles,"
            " (SELECT COUNT(*) FROM claims c JOIN articles a ON a.id = c.article_id WHERE a.story_id = s.id)"
            " AS total_claims FROM stories s WHERE s.id = ?", (story_id,)
        ).fetchone()
        if story is None:
            raise ClaimtraceError(f"no story with id {story_id} (see 'claimtrace stories')")
        params: list[Any] = [story_id]
        sql = (f"{_CLAIM_SELECT} WHERE a.story_id = ?"
               " ORDER BY time NULLS FIRST, a.outlet NULLS FIRST, a.id, c.position")
        sql += _page(params, limit, offset)
        claims = [_claim_view(r) for r in self._db.execute(sql, params).fetchall()]
        _attach_timeline_relations(claims, self._relation_rows([c["id"] for c in claims]), story_id)
        return {**dict(story), "offset": max(int(offset), 0), "claims": claims}

    def _relation_rows(self, claim_ids: list[int]) -> list[sqlite3.Row]:
        """The relations of these claims, each once, with each side's outlet and its place in a story
        timeline's order."""
        found: list[sqlite3.Row] = []
        for chunk in _chunks(claim_ids):
            marks = ",".join("?" * len(chunk))
            found.extend(self._db.execute(
                "SELECT r.a, r.b, r.relation, r.reason, r.score, aa.outlet AS a_outlet, ab.outlet AS b_outlet,"
                " aa.story_id AS a_story, ab.story_id AS b_story, aa.id AS a_article, ab.id AS b_article,"
                " ca.position AS a_position, cb.position AS b_position,"
                " COALESCE(ca.event_time, aa.published) AS a_time, COALESCE(cb.event_time, ab.published) AS b_time"
                " FROM relations r JOIN claims ca ON ca.id = r.a JOIN articles aa ON aa.id = ca.article_id"
                " JOIN claims cb ON cb.id = r.b JOIN articles ab ON ab.id = cb.article_id"
                f" WHERE r.a IN ({marks}) OR r.b IN ({marks})",
                chunk + chunk,
            ))
        return list({(r["a"], r["b"]): r for r in found}.values())

    def find_claims(self, filters: ClaimFilter) -> list[dict[str, Any]]:
        """Claims matching every given filter, the most recent first."""
        where, params = _claim_conditions(filters, self.SEARCH_CONDITION)
        order = "a.published DESC, a.id DESC, c.position" if filters.order == "published" else "time DESC, c.id"
        sql = f"{_CLAIM_SELECT}{' WHERE ' + ' AND '.join(where) if where else ''} ORDER BY {order}"
        sql += _page(params, filters.limit, filters.offset)
        rows = self._search(sql, params, filters.search)
        return [_claim_view(r) for r in rows]

    def _search(self, sql: str, params: list[Any], query: str | None) -> list[sqlite3.Row]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if query:  # FTS5 reports query syntax errors as OperationalError
                raise ClaimtraceError(f"bad search query '{query}' ({exc})") from None
            raise

    def find_events(self, filters: EventFilter) -> list[dict[str, Any]]:
        """Events matching every given filter (with their casualty counts), the most recent first."""
        self._require_events()
        where, params = _event_conditions(filters)
        sql = (
            "SELECT e.*, a.outlet, a.published, a.title, a.url,"
            f" (SELECT {self.PLACE_LIST} FROM event_places ep WHERE ep.event_id = e.id) AS places"
            " FROM events e JOIN articles a ON a.id = e.article_id"
            f"{' WHERE ' + ' AND '.join(where) if where else ''} ORDER BY e.event_time DESC, e.id"
        )
        if filters.limit is not None:
            sql += " LIMIT ?"
            params.append(int(filters.limit))
        rows = [_event_view(r) for r in self._db.execute(sql, params).fetchall()]
        by_id = {r["id"]: r for r in rows}
        for chunk in _chunks(list(by_id)):
            marks = ",".join("?" * len(chunk))
            for c in self._db.execute(f"SELECT * FROM casualties WHERE event_id IN ({marks}) ORDER BY id", chunk):
                by_id[c["event_id"]]["casualties"].append(_casualty_view(c))
        return rows

    def casualty_figures(self, kind: str | None = None, since: str | None = None) -> list[dict[str, Any]]:
        """Casualty counts with who claims each (the claim's source, else the outlet), the largest first."""
        self._require_events()
        where, params = ["c.negated = 0"], []
        if kind:
            where.append("c.kind = ?")
            params.append(kind)
        _add_date_bounds("c.event_time", since, None, where, params)
        sql = (
            "SELECT c.*, a.outlet, a.published FROM casualties c JOIN articles a ON a.id = c.article_id"
            f" WHERE {' AND '.join(where)} ORDER BY c.kind, c.value DESC NULLS LAST, c.id"
        )
        return [{**_casualty_view(r), "outlet": r["outlet"], "published": r["published"]}
                for r in self._db.execute(sql, params)]

    def _require_events(self) -> None:
        if self.schema_version() < EVENTS_VERSION:
            raise ClaimtraceError(
                f"{self.path}: this store predates events (schema {self.schema_version()}); "
                "ingest into it once to upgrade it, and re-ingest articles to find their events"
            )


    def conflicts(self, limit: int | None = None, filters: ConflictFilter | None = None) -> list[dict[str, Any]]:
        """Contradicting claim pairs, the most recently published first (``limit`` overrides the filter's)."""
        return self.relations("contradicts", limit, filters)

    def relations(self, kind: str | None = None, limit: int | None = None,
                  filters: ConflictFilter | None = None) -> list[dict[str, Any]]:
        """Related claim pairs (of one ``kind`` when given) with their reasons, the most recently
        published first; ``filters`` keep an outlet on either side and a date range on the newer side."""
        filters = filters or ConflictFilter()
        where, params = ["TRUE"], []
        pairs = self._pairs(kind, params)  # its parameter first: the subquery comes first
        if filters.outlet:
            where.append("(a_outlet = ? OR b_outlet = ?)")
            params += [filters.outlet, filters.outlet]
        for bound, op in ((filters.since, ">="), (filters.until, "<=")):
            if bound:
                where.append(f"substr(newest, 1, 10) {op} ?")
                params.append(bound)
        sql = f"SELECT a, b FROM ({pairs}) AS r WHERE {' AND '.join(where)} {_NEWEST_FIRST}"
        sql += _page(params, filters.limit if limit is None else limit, filters.offset)
        return self.relations_of_pairs([(r["a"], r["b"]) for r in self._db.execute(sql, params)])

    def relation_index(self, kind: str | None = None) -> list[tuple[int, int, str, str | None, str | None]]:
        """Every related pair (of one ``kind``) in :meth:`relations`' order, as (a, b, the newer side's
        publication date, a's outlet, b's outlet): small enough to keep, so a caller that pages and
        filters through them many times (the web app) sorts them once; :meth:`relations_of_pairs`
        gives a page's relations."""
        params: list[Any] = []
        rows = self._db.execute(
            f"SELECT a, b, newest, a_outlet, b_outlet FROM ({self._pairs(kind, params)}) AS r {_NEWEST_FIRST}", params)
        return [(int(r[0]), int(r[1]), r[2], r[3], r[4]) for r in rows]

    def _pairs(self, kind: str | None, params: list[Any]) -> str:
        """The related pairs (of one ``kind``) with both outlets and the newer publication date."""
        if kind is not None:
            params.append(kind)
        return (
            "SELECT r.a AS a, r.b AS b, aa.outlet AS a_outlet, ab.outlet AS b_outlet,"
            " CASE WHEN COALESCE(aa.published, '') > COALESCE(ab.published, '')"
            " THEN aa.published ELSE COALESCE(ab.published, '') END AS newest"
            " FROM relations r JOIN claims ca ON ca.id = r.a JOIN articles aa ON aa.id = ca.article_id"
            " JOIN claims cb ON cb.id = r.b JOIN articles ab ON ab.id = cb.article_id"
            f"{' WHERE r.relation = ?' if kind is not None else ''}"
        )

    def relations_of_pairs(self, pairs: Sequence[tuple[int, int]]) -> list[dict[str, Any]]:
        """The relations of these (a, b) claim pairs as :meth:`relations` gives them, in the given order
        (pairs that are not related are left out)."""
        found: dict[tuple[int, int], sqlite3.Row] = {}
        for start in range(0, len(pairs), _CHUNK // 2):
            chunk = pairs[start:start + _CHUNK // 2]
            rows = self._db.execute(
                "SELECT a, b, relation, reason, score FROM relations WHERE "
                + " OR ".join(["(a = ? AND b = ?)"] * len(chunk)), [v for pair in chunk for v in pair])
            found.update({(r["a"], r["b"]): r for r in rows})
        kept = [found[(a, b)] for a, b in pairs if (a, b) in found]
        sides = self._claim_sides({r["a"] for r in kept} | {r["b"] for r in kept})
        return [
            {"relation": r["relation"], "reason": r["reason"], "score": r["score"], "a": sides[r["a"]],
             "b": sides[r["b"]]}
            for r in kept
        ]

    def _claim_sides(self, claim_ids: set[int]) -> dict[int, dict[str, Any]]:
        sides: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(sorted(claim_ids)):
            marks = ",".join("?" * len(chunk))
            for r in self._db.execute(
                "SELECT c.id, c.article_id, c.claim, a.url, a.outlet, a.published, a.title FROM claims c"
                f" JOIN articles a ON a.id = c.article_id WHERE c.id IN ({marks})",
                chunk,
            ):
                sides[r["id"]] = {
                    "claim_id": r["id"], "article_id": r["article_id"], "url": r["url"], "outlet": r["outlet"],
                    "published": r["published"], "title": r["title"], "claim": json.loads(r["claim"]),
                }
        return sides

    def outlets(self) -> list[dict[str, Any]]:
        """Per outlet: articles, claims, source-kind shares and how often others contradict it.

        Shares are over attributed claims (every source kind but ``author``): named (a person,
        organization or outlet), official (a government body, or a person or unnamed source speaking
        for one), anonymous, witness;
        ``contradicted`` counts contradictions with a claim of a different outlet.
        """
        rows = self._db.execute(
            "SELECT a.outlet AS outlet, COUNT(DISTINCT a.id) AS articles, COUNT(c.id) AS claims,"
            " COUNT(c.id) FILTER (WHERE c.source_kind != 'author') AS attributed,"
            " COUNT(c.id) FILTER (WHERE c.source_kind = 'anonymous') AS anonymous,"
            " COUNT(c.id) FILTER (WHERE c.source_kind = 'witness') AS witness,"
            " COUNT(c.id) FILTER (WHERE c.source_kind = 'government'"
            f" OR {self.AFFILIATION_KIND} = 'government') AS official,"
            f" COUNT(c.id) FILTER (WHERE c.source_kind IN {_NAMED_KINDS}) AS named"
            " FROM articles a LEFT JOIN claims c ON c.article_id = a.id GROUP BY a.outlet"
            " ORDER BY articles DESC, outlet"
        ).fetchall()
        contradicted: dict[str | None, int] = defaultdict(int)
        for pair in self.outlet_contradictions():
            contradicted[pair["outlet"]] += pair["pairs"]
        return [_outlet_view(r, contradicted.get(r["outlet"], 0)) for r in rows]

    def outlet_names(self) -> list[str]:
        """Every outlet name in the store, sorted."""
        rows = self._db.execute("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY outlet")
        return [r[0] for r in rows]

    def outlet_source_kinds(self) -> list[dict[str, Any]]:
        """Claims per outlet and source kind (``author`` included), for the mix of sources."""
        rows = self._db.execute(
            "SELECT a.outlet AS outlet, k.source_kind AS source_kind, SUM(k.n) AS claims FROM"
            " (SELECT article_id, source_kind, COUNT(*) AS n FROM claims GROUP BY article_id, source_kind) AS k"
            " JOIN articles a ON a.id = k.article_id GROUP BY a.outlet, k.source_kind ORDER BY a.outlet, claims DESC"
        )
        return [dict(r) for r in rows]

    def outlet_contradictions(self) -> list[dict[str, Any]]:
        """Who contradicts whom: pairs of contradicting claims per (outlet, other outlet), most first."""
        # "by" is quoted (a keyword in PostgreSQL) and the derived table named (PostgreSQL 15 wants it)
        rows = self._db.execute(
            "SELECT outlet, \"by\", COUNT(*) AS pairs FROM ("
            " SELECT aa.outlet AS outlet, ab.outlet AS \"by\" FROM relations r"
            " JOIN claims ca ON ca.id = r.a JOIN articles aa ON aa.id = ca.article_id"
            " JOIN claims cb ON cb.id = r.b JOIN articles ab ON ab.id = cb.article_id"
            " WHERE r.relation = 'contradicts' AND aa.outlet IS DISTINCT FROM ab.outlet"
            " UNION ALL"
            " SELECT ab.outlet, aa.outlet FROM relations r"
            " JOIN claims ca ON ca.id = r.a JOIN articles aa ON aa.id = ca.article_id"
            " JOIN claims cb ON cb.id = r.b JOIN articles ab ON ab.id = cb.article_id"
            " WHERE r.relation = 'contradicts' AND aa.outlet IS DISTINCT FROM ab.outlet"
            ") AS pairs_by_outlet GROUP BY outlet, \"by\" ORDER BY pairs DESC, outlet, \"by\""
        )
        return [dict(r) for r in rows]

    def map_places(self, since: str | None = None, until: str | None = None) -> list[dict[str, Any]]:
        """Located places with their mentions and articles (published in the date range), most mentioned first."""
        where, params = ["p.lat IS NOT NULL", "p.lon IS NOT NULL"], []
        _add_date_bounds("a.published", since, until, where, params)
        rows = self._db.execute(
            "SELECT MIN(p.name) AS name, MIN(p.place_id) AS place_id, MIN(p.lat) AS lat, MIN(p.lon) AS lon,"
            " MIN(p.country) AS country, MIN(p.feature) AS feature, COUNT(*) AS mentions,"
            " COUNT(DISTINCT p.article_id) AS articles"
            f" FROM places p JOIN articles a ON a.id = p.article_id WHERE {' AND '.join(where)}"
            " GROUP BY COALESCE(p.place_id, p.name) ORDER BY mentions DESC, name",
            params,
        )
        return [dict(r) for r in rows]

    def map_events(self, since: str | None = None, until: str | None = None) -> list[dict[str, Any]]:
        """Located places of events that happened (negated ones left out) dated in the range (the event's
        date, else its article's), with their events, articles, first and last day and events per PLOVER
        category (most first); places with the most events first."""
        if self.schema_version() < EVENTS_VERSION:
            return []
        where, params = ["ep.lat IS NOT NULL", "ep.lon IS NOT NULL", "e.negated = 0"], []
        _add_date_bounds("e.event_time", since, until, where, params)
        source = f"FROM event_places ep JOIN events e ON e.id = ep.event_id WHERE {' AND '.join(where)}"
        rows = self._db.execute(
            "SELECT COALESCE(ep.place_id, ep.name) AS place_key, MIN(ep.name) AS name, MIN(ep.place_id) AS place_id,"
            " MIN(ep.lat) AS lat, MIN(ep.lon) AS lon, COUNT(DISTINCT e.id) AS events,"
            " COUNT(DISTINCT e.article_id) AS articles, MIN(substr(e.event_time, 1, 10)) AS first_date,"
            f" MAX(substr(e.event_time, 1, 10)) AS last_date {source} GROUP BY COALESCE(ep.place_id, ep.name)"
            " ORDER BY events DESC, name",
            params,
        ).fetchall()
        categories: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in self._db.execute(
            f"SELECT COALESCE(ep.place_id, ep.name) AS place_key, e.category, COUNT(DISTINCT e.id) AS events {source}"
            " GROUP BY COALESCE(ep.place_id, ep.name), e.category ORDER BY events DESC, e.category",
            params,
        ):
            categories[r["place_key"]].append({"category": r["category"], "events": r["events"]})
        places = [dict(r) for r in rows]
        for place in places:
            place["categories"] = categories[place.pop("place_key")]
        return places

    def article(self, article_id: int) -> dict[str, Any]:
        """One article's metadata with its story and number of claims."""
        row = self._db.execute(
            "SELECT a.id, a.title, a.outlet, a.published, a.url, a.language, a.story_id, s.label AS story_label,"
            " (SELECT COUNT(*) FROM claims c WHERE c.article_id = a.id) AS claims"
            " FROM articles a LEFT JOIN stories s ON s.id = a.story_id WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            raise ClaimtraceError(f"no article with id {article_id}")
        return dict(row)

    def find_articles(self, filters: ArticleFilter) -> list[dict[str, Any]]:
        """Articles matching every given filter: best match first when searching, else the newest.

        With a search, ``snippet`` holds the matching passage with each hit between
        ``\x02`` and ``\x03`` (plain text: the caller escapes and marks it).
        """
        where, params = _article_conditions(filters)
        columns = _ARTICLE_COLUMNS
        if filters.search:
            sql = (f"SELECT {columns}, {self.ARTICLE_SNIPPET} AS snippet {self.ARTICLE_MATCH}"
                   f"{''.join(' AND ' + w for w in where)} ORDER BY {self.ARTICLE_RANK}")
            params.insert(0, filters.search)
        else:
            sql = (f"SELECT {columns}, NULL AS snippet FROM articles a"
                   f"{' WHERE ' + ' AND '.join(where) if where else ''} ORDER BY a.published DESC, a.id DESC")
        sql += _page(params, filters.limit, filters.offset)
        return [dict(r) for r in self._search(sql, params, filters.search)]

    def claim(self, claim_id: int) -> dict[str, Any]:
        """One claim with its sentence and every relation, each with the other claim."""
        row = self._db.execute(f"{_CLAIM_SELECT} WHERE c.id = ?", (claim_id,)).fetchone()
        if row is None:
            raise ClaimtraceError(f"no claim with id {claim_id}")
        sentence = self._db.execute("SELECT sentence_text FROM claims WHERE id = ?", (claim_id,)).fetchone()[0]
        return {**_claim_view(row), "sentence_text": sentence,
                "relations": self.claim_relations([claim_id]).get(claim_id, [])}

    def claim_relations(self, claim_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        """For each given claim, its relations: kind, reason, score, whether the other claim is the
        earlier one (``a``) of the pair, and the other claim itself."""
        rows = self._relation_rows(list(claim_ids))
        wanted = set(claim_ids)
        others = {r["b"] if r["a"] in wanted else r["a"] for r in rows} | {r["a"] for r in rows if r["b"] in wanted}
        views = self._claim_views(others)
        found: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            for mine, other in ((r["a"], r["b"]), (r["b"], r["a"])):
                if mine in wanted and other in views:
                    found[mine].append({"relation": r["relation"], "reason": r["reason"], "score": r["score"],
                                        "other_is_earlier": other == r["a"], "other": views[other]})
        return dict(found)

    def _claim_views(self, claim_ids: set[int]) -> dict[int, dict[str, Any]]:
        views: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(sorted(claim_ids)):
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(f"{_CLAIM_SELECT} WHERE c.id IN ({marks})", chunk):
                views[row["id"]] = _claim_view(row)
        return views

    def skips(self) -> list[dict[str, Any]]:
        """Skipped files and records with their reasons, the most recent first."""
        rows = self._db.execute("SELECT path, reason, time FROM skips ORDER BY time DESC, id DESC")
        return [dict(r) for r in rows]


_NEWEST_FIRST = "ORDER BY newest DESC, b DESC, a DESC"  # the order of related pairs
_ARTICLE_COLUMNS = ("a.id, a.title, a.outlet, a.published, a.url, a.story_id,"
                    " (SELECT COUNT(*) FROM claims c WHERE c.article_id = a.id) AS claims")
_CLAIM_SELECT = (
    "SELECT c.id, c.article_id, c.position, c.source_kind, c.source_text, c.source_canonical, c.cue, c.form,"
    " c.certainty, c.polarity, c.content, c.sentence, c.event_time, c.claim,"
    " COALESCE(c.event_time, a.published) AS time, a.outlet, a.published, a.url, a.title, a.story_id"
    " FROM claims c JOIN articles a ON a.id = c.article_id"
)


def _claim_conditions(filters: ClaimFilter, search_condition: str) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if filters.about:
        where.append(
            'EXISTS (SELECT 1 FROM entities e WHERE e.article_id = c.article_id AND e.canonical = ?'
            ' AND e.start < c.content_end AND e."end" > c.content_start)'
        )
        params.append(filters.about.strip())
    if filters.place:
        where.append(
            'EXISTS (SELECT 1 FROM places p WHERE p.article_id = c.article_id AND (p.name = ? OR p.text = ?'
            ' COLLATE NOCASE OR p.place_id = ?) AND p.start < c.content_end AND p."end" > c.content_start)'
        )
        params.extend([filters.place.strip()] * 3)
    if filters.source_kind:
        where.append("c.source_kind = ?")
        params.append(filters.source_kind)
    if filters.source:
        where.append("(c.source_canonical LIKE ? ESCAPE '\\' OR c.source_text LIKE ? ESCAPE '\\')")
        params.extend([_like_pattern(filters.source)] * 2)
    _add_date_bounds("COALESCE(c.event_time, a.published)", filters.since, filters.until, where, params)
    if filters.search:
        where.append(search_condition)
        params.append(filters.search)
    for column, value in (("a.outlet", filters.outlet), ("a.story_id", filters.story_id),
                          ("c.article_id", filters.article_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    return where, params


def _article_conditions(filters: ArticleFilter) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if filters.outlet:
        where.append("a.outlet = ?")
        params.append(filters.outlet)
    if filters.story_id is not None:
        where.append("a.story_id = ?")
        params.append(filters.story_id)
    if filters.source_kind:
        # "|| ''" keeps SQLite on the claims' article index (the kind index would scan every claim of the
        # kind); PostgreSQL reads it as the same condition
        where.append("EXISTS (SELECT 1 FROM claims c WHERE c.article_id = a.id AND c.source_kind || '' = ?)")
        params.append(filters.source_kind)
    if filters.place:
        where.append("EXISTS (SELECT 1 FROM places p WHERE p.article_id = a.id AND (p.name = ? OR p.text = ?"
                     " COLLATE NOCASE OR p.place_id = ?))")
        params.extend([filters.place.strip()] * 3)
    for bound, op in ((filters.since, ">="), (filters.until, "<=")):
        if bound:
            where.append(f"substr(a.published, 1, 10) {op} ?")
            params.append(bound)
    return where, params


def _page(params: list[Any], limit: int | None, offset: int) -> str:
    """The LIMIT/OFFSET clause of a paged query (values bound through ``params``)."""
    if limit is None:
        return ""
    params.extend([int(limit), max(int(offset), 0)])
    return " LIMIT ? OFFSET ?"


def _event_conditions(filters: EventFilter) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if filters.place:
        where.append(
            "EXISTS (SELECT 1 FROM event_places ep WHERE ep.event_id = e.id AND (ep.name = ? OR ep.text = ?"
            " COLLATE NOCASE OR ep.place_id = ?))"
        )
        params.extend([filters.place.strip()] * 3)
    if filters.category:
        where.append("e.category = ?")
        params.append(filters.category.upper())
    if filters.country:
        where.append("(e.source_country LIKE ? OR e.target_country LIKE ?)")
        params.extend([f"%{filters.country.upper()}%"] * 2)
    _add_date_bounds("e.event_time", filters.since, filters.until, where, params)
    return where, params


def _add_date_bounds(column: str, since: str | None, until: str | None, where: list[str], params: list[Any]) -> None:
    """Conditions on the day of ``column`` (ISO text): on or after ``since``, on or before ``until``."""
    if since:
        where.append(f"substr({column}, 1, 10) >= ?")
        params.append(since)
    if until:
        where.append(f"substr({column}, 1, 10) <= ?")
        params.append(until)


def _event_view(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"], "article_id": row["article_id"], "time": row["event_time"], "outlet": row["outlet"],
        "published": row["published"], "title": row["title"], "url": row["url"], "category": row["category"],
        "mode": row["mode"], "trigger": row["trigger"], "source": row["source_text"],
        "source_country": row["source_country"], "target": row["target_text"], "target_country": row["target_country"],
        "places": row["places"], "negated": bool(row["negated"]), "modality": row["modality"],
        "claimed_by": row["claim_source"], "claimed_by_kind": row["claim_source_kind"],
        "sentence": row["sentence_text"], "event": json.loads(row["event"]), "casualties": [],
    }


def _casualty_view(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"], "article_id": row["article_id"], "event_id": row["event_id"], "text": row["text"],
        "kind": row["kind"], "who": row["who"], "value": row["value"], "high": row["high"], "cause": row["cause"],
        "blamed_country": row["blamed_country"], "place": row["place_name"], "negated": bool(row["negated"]),
        "claimed_by": row["claim_source"], "claimed_by_kind": row["claim_source_kind"], "time": row["event_time"],
    }


def _claim_source(analysis: Analysis, index: int | None) -> tuple[str | None, str | None]:
    """Who claims an event or a count: the source of its claim (None: the article's own voice)."""
    if index is None or not 0 <= index < len(analysis.claims):
        return None, None
    source = analysis.claims[index].source
    return (source.canonical or source.text, source.kind) if source else (None, "author")


def _sentence_text(analysis: Analysis, index: int) -> str | None:
    if not 0 <= index < len(analysis.sentences):
        return None
    sentence = analysis.sentences[index]
    return analysis.article.text[sentence.start : sentence.end]


def _joined(values: Iterable[str | None]) -> str | None:
    kept = [v for v in values if v]
    return "; ".join(kept) if kept else None


def _like_pattern(text: str) -> str:
    """A LIKE pattern for ``text`` anywhere in a value, its own % and _ taken literally."""
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _claim_view(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "article_id": row["article_id"],
        "story_id": row["story_id"],
        "time": row["time"],
        "published": row["published"],
        "outlet": row["outlet"],
        "url": row["url"],
        "title": row["title"],
        "source": row["source_canonical"] or row["source_text"],
        "source_kind": row["source_kind"],
        "cue": row["cue"],
        "form": row["form"],
        "certainty": row["certainty"],
        "polarity": row["polarity"],
        "content": row["content"],
        "claim": json.loads(row["claim"]),
    }


def _attach_timeline_relations(claims: list[dict[str, Any]], relations: Iterable[sqlite3.Row], story_id: int) -> None:
    """Hang each relation on the later of its two claims in the story's timeline order (the
    other claim may be on another page), or on the story's claim when the other is of another story."""
    by_id = {c["id"]: c for c in claims}
    for c in claims:
        c["relations"] = []
    for r in relations:
        sides = {side: (r[f"{side}_story"] == story_id, _timeline_key(r, side)) for side in ("a", "b")}
        if sides["a"][0] and sides["b"][0]:
            later = "a" if sides["a"][1] > sides["b"][1] else "b"
        else:
            later = "a" if sides["a"][0] else "b"
        earlier = "b" if later == "a" else "a"
        if r[later] not in by_id:
            continue  # drawn on the page that holds the later claim
        by_id[r[later]]["relations"].append(
            {"relation": r["relation"], "claim": r[earlier], "outlet": r[f"{earlier}_outlet"], "reason": r["reason"],
             "score": r["score"]}
        )


def _timeline_key(row: sqlite3.Row, side: str) -> tuple[Any, ...]:
    """A claim's place in a timeline: ``story_timeline``'s order (time, outlet, article, position; nulls first)."""
    time, outlet = row[f"{side}_time"], row[f"{side}_outlet"]
    return (time is not None, time or "", outlet is not None, outlet or "", row[f"{side}_article"],
            row[f"{side}_position"])


def _outlet_view(row: sqlite3.Row, contradicted: int) -> dict[str, Any]:
    attributed = row["attributed"] or 0

    def share(n: int | None) -> float | None:
        return round((n or 0) / attributed, 3) if attributed else None

    return {
        "outlet": row["outlet"],
        "articles": row["articles"],
        "claims": row["claims"],
        "attributed": attributed,
        "anonymous_share": share(row["anonymous"]),
        "official_share": share(row["official"]),
        "witness_share": share(row["witness"]),
        "named_share": share(row["named"]),
        "contradicted": contradicted,
    }


def _claim_row(article_id: int, position: int, claim: Claim, analysis: Analysis) -> tuple[Any, ...]:
    sentence = analysis.sentence_of(claim)
    text = analysis.article.text
    source, cue = claim.source, claim.cue
    return (
        article_id, position,
        source.kind if source else "author", source.text if source else None,
        (source.canonical or source.text) if source else None,
        cue.text if cue else None, cue.lemma if cue else None,
        claim.form, claim.certainty, claim.polarity,
        claim.content.text, claim.content.start, claim.content.end,
        claim.sentence, sentence.start, sentence.end, text[sentence.start:sentence.end],
        analysis.event_time(claim),
        json.dumps(to_dict(claim), ensure_ascii=False),
    )


def _names_within(mentions: list[tuple[str, int, int]], row: sqlite3.Row) -> list[str]:
    """Names of ``mentions`` (sorted by start) within the claim's sentence, in text order."""
    start, end = row["sentence_start"], row["sentence_end"]
    first = bisect_left(mentions, start, key=lambda m: m[1])
    names = []
    for name, s, e in itertools.islice(mentions, first, None):
        if s > end:
            break
        if e <= end:
            names.append(name)
    return _unique(names)


def _unique(names: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(n for n in names if n))


def _blob(vector: Any) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype=np.float32).tobytes()


def _vector(blob: bytes | None) -> np.ndarray | None:
    return None if blob is None else np.frombuffer(blob, dtype=np.float32).copy()


def _chunks(items: Sequence[Any]) -> Iterator[list[Any]]:
    items = list(items)
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _iso(value: PartialDate | None) -> str | None:
    return value.isoformat() if value is not None else None
