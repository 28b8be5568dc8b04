"""Every setting claimtrace reads from the environment, in one place.

======================================  ==========================================================
``CLAIMTRACE_MODEL``                    the trained spaCy pipeline to load (default: the bundled one)
``CLAIMTRACE_USE_BLIS``                 ``1`` keeps thinc's blis ops (default: numpy's BLAS, faster here)
``CLAIMTRACE_THREADS``                  onnxruntime threads of the sentence encoder (default: its choice)
``CLAIMTRACE_EMBEDDING_MODEL``          another exported MiniLM folder (default: the bundled one)
``CLAIMTRACE_CLAIM_ENCODER``            ``static`` (default) or ``minilm``: how claims are matched
``CLAIMTRACE_CACHE``                    where built artifacts live (default: ``$XDG_CACHE_HOME/claimtrace``
                                        or ``~/.cache/claimtrace``)
``CLAIMTRACE_DB``                       the store when ``--db`` is not given: a file or ``postgresql://...``
``CLAIMTRACE_PG_POOL``                  connections per process to a PostgreSQL store (default: 4)
``CLAIMTRACE_TOKEN``                    the token ``serve --allow-ingest`` asks of writers (default: a new one)
======================================  ==========================================================

:func:`current` reads them each time it is called (a handful of lookups), so a process that changes
its environment, as tests and ingest workers do, sees the change.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

MODEL_ENV = "CLAIMTRACE_MODEL"
USE_BLIS_ENV = "CLAIMTRACE_USE_BLIS"
THREADS_ENV = "CLAIMTRACE_THREADS"
EMBEDDING_MODEL_ENV = "CLAIMTRACE_EMBEDDING_MODEL"
CLAIM_ENCODER_ENV = "CLAIMTRACE_CLAIM_ENCODER"
CACHE_ENV = "CLAIMTRACE_CACHE"
DB_ENV = "CLAIMTRACE_DB"
PG_POOL_ENV = "CLAIMTRACE_PG_POOL"
TOKEN_ENV = "CLAIMTRACE_TOKEN"


BUNDLED_MODEL = Path(__file__).resolve().parent / "models" / "news_pipeline"


@dataclass(frozen=True)
class Settings:
    model: Path | None = None
    use_blis: bool = False
    threads: int | None = None
    embedding_model: Path | None = None
    claim_encoder: str = "static"
    cache_dir: Path = Path.home() / ".cache" / "claimtrace"
    db: str | None = None
    pg_pool: int = 4
    token: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        threads = environ.get(THREADS_ENV, "")
        pool = environ.get(PG_POOL_ENV, "")
        base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return cls(
            model=_path(environ.get(MODEL_ENV)),
            use_blis=environ.get(USE_BLIS_ENV) == "1",
            threads=int(threads) if threads.isdigit() else None,
            embedding_model=_path(environ.get(EMBEDDING_MODEL_ENV)),
            claim_encoder=(environ.get(CLAIM_ENCODER_ENV) or "static").strip().lower(),
            cache_dir=_path(environ.get(CACHE_ENV)) or Path(base) / "claimtrace",
            db=environ.get(DB_ENV) or None,
            pg_pool=int(pool) if pool.isdigit() and int(pool) > 0 else 4,
            token=environ.get(TOKEN_ENV) or None,
        )


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def current() -> Settings:
    """The settings of this process now."""
    return Settings.from_env(os.environ)


def model_path() -> Path:
    """The trained pipeline to load: ``$CLAIMTRACE_MODEL`` if set, else the bundled one.

    Here rather than in :mod:`claimtrace.nlp`, which imports spaCy: ingest's parent checks the path before it
    starts its workers and never parses (importing spaCy there cost 0.75 CPU-s before any worker started).
    """
    return current().model or BUNDLED_MODEL
