"""The one reading path of ``analyze`` and ``ingest``: files under folders → articles with their
sidecar metadata and overrides applied.

``discover_files`` walks folders (recursively, sorted, hidden files left out); ``iter_records`` reads
one file's records with :mod:`claimtrace.readers.formats` and adds metadata (file fields < sidecar
file < overrides). Sidecar metadata: ``<file>.meta.json`` (an object with any of ``title``,
``outlet``, ``published``, ``url``) applies to every article of ``<file>``; ``metadata.csv`` in a
folder (a ``file`` column naming files of that folder, plus metadata columns) applies per file.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path

from claimtrace.errors import InputError
from claimtrace.model import Article, PartialDate
from claimtrace.readers import formats as readers

METADATA_FIELDS = ("title", "outlet", "published", "url")
SIDECAR_SUFFIX = ".meta.json"
FOLDER_METADATA = "metadata.csv"


class UnreadableFolder(InputError):
    """A folder that could not be listed: recorded as a skip like any other input left out."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: cannot list the folder ({reason})")
        self.where = where


def read_paths(
    paths: Iterable[str | Path],
    columns: Mapping[str, str] | None = None,
    overrides: Mapping[str, str | PartialDate | None] | None = None,
    encoding: str | None = None,
) -> Iterator[tuple[str, Article | InputError]]:
    """Every record of the files and folders ``paths`` as (where, article or the reason it is bad);
    a folder that cannot be listed is one such reason."""
    for path in discover_files(paths):
        if isinstance(path, UnreadableFolder):
            yield path.where, path
        else:
            yield from iter_records(path, columns, overrides, encoding)


def iter_articles(
    path: str | Path, columns: Mapping[str, str] | None = None, **overrides: str | PartialDate | None
) -> Iterator[Article]:
    """The articles of a file or a folder, with metadata; the first bad record raises its InputError."""
    for _, outcome in read_paths([path], columns, overrides):
        if isinstance(outcome, InputError):
            raise outcome
        yield outcome


def read_articles(path: str | Path, **overrides: str | PartialDate | None) -> list[Article]:
    """All articles of a file or a folder, with non-None ``overrides`` replacing their metadata."""
    return list(iter_articles(path, **overrides))


def discover_files(paths: Iterable[str | Path]) -> Iterator[Path | UnreadableFolder]:
    """Files named, and files under folders named (recursively, sorted, hidden ones left out); a
    folder that cannot be listed is yielded as an :class:`UnreadableFolder` for the caller to record."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            unreadable: list[OSError] = []
            for dirpath, dirnames, filenames in os.walk(path, onerror=unreadable.append):
                yield from _unreadable(unreadable, dirpath)
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    candidate = Path(dirpath) / name
                    if not name.startswith(".") and not _is_sidecar(candidate):
                        yield candidate
            yield from _unreadable(unreadable, path)
        else:
            yield path


def _unreadable(errors: list[OSError], fallback: str | Path) -> Iterator[UnreadableFolder]:
    while errors:
        error = errors.pop(0)
        yield UnreadableFolder(str(error.filename or fallback), error.strerror or str(error))


def _is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX) or path.name == FOLDER_METADATA


def iter_records(
    path: Path,
    columns: Mapping[str, str] | None = None,
    overrides: Mapping[str, str | PartialDate | None] | None = None,
    encoding: str | None = None,
) -> Iterator[tuple[str, Article | InputError]]:
    """Each record of one file as (where, article or the reason it is bad).

    Like :func:`readers.file_records` (a bad record does not stop the file),
    with sidecar metadata and overrides applied and whole-file errors yielded
    instead of raised.
    """
    try:
        metadata = {**sidecar_metadata(path), **{k: v for k, v in (overrides or {}).items() if v is not None}}
        if metadata.get("published"):
            metadata["published"] = readers.normalize_date(metadata["published"], f"{path}: published")
        suffix = readers.format_suffix(path)
        if suffix not in readers.SUPPORTED_SUFFIXES and path.suffix.lower() not in ("", ".gz"):
            raise InputError(f"{path}: unsupported file type '{path.suffix}'")
        for where, outcome in readers.file_records(path, columns, encoding):
            yield where, outcome if isinstance(outcome, InputError) else _with_metadata(outcome, metadata)
    except InputError as exc:
        yield str(path), exc
    except OSError as exc:
        yield str(path), InputError(f"{path}: cannot read ({exc.strerror})")


def _with_metadata(article: Article, metadata: Mapping[str, str]) -> Article:
    for name, value in metadata.items():
        if name in METADATA_FIELDS and value:
            setattr(article, name, value)
    return article


def sidecar_metadata(path: Path) -> dict[str, str]:
    """Metadata for ``path`` from ``metadata.csv`` in its folder, then from ``<path>.meta.json``."""
    table = path.parent.resolve() / FOLDER_METADATA
    stamp = table.stat().st_mtime_ns if table.is_file() else None
    found = dict(_folder_metadata(table, stamp).get(path.name, {}))
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if sidecar.is_file():
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{sidecar}: invalid metadata JSON ({exc})") from None
        if not isinstance(data, dict):
            raise InputError(f"{sidecar}: metadata must be a JSON object")
        found.update({k: str(v) for k, v in data.items() if k in METADATA_FIELDS and v not in (None, "")})
    return found


@lru_cache(maxsize=64)
def _folder_metadata(table: Path, stamp: int | None) -> dict[str, dict[str, str]]:
    """The rows of one folder's metadata table by file name (cached until the table changes)."""
    if stamp is None:
        return {}
    try:
        rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8-sig"), newline="")))
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputError(f"{table}: unreadable metadata table ({exc})") from None
    key = next((k for k in ("file", "filename", "path") if rows and k in rows[0]), None)
    if key is None:
        return {}
    return {
        Path(row[key]).name: {k: v for k, v in row.items() if k in METADATA_FIELDS and v}
        for row in rows
        if row.get(key)
    }
