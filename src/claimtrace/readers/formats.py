"""Turn files into :class:`~claimtrace.model.Article` objects.

Formats, chosen by suffix (a trailing ``.gz`` is decompressed first):

- ``.txt``: the first non-empty line is the title, the rest the text;
- ``.html``/``.htm``: main text by trafilatura, title/date/site/url from the page;
- ``.json``: one object or a list of objects; ``.jsonl``: one object per line;
- ``.csv``: one article per row (header names, or a column mapping).

Records carry ``title``, ``text``, ``published``, ``outlet``, ``url``. Every
problem a user can cause raises :class:`InputError` with one clear line.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from claimtrace.errors import InputError
from claimtrace.model import Article, PartialDate

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl", ".csv")
MAX_BYTES = 50 * 1024 * 1024
MIN_HTML_WORDS = 5  # below this, what trafilatura finds is navigation or boilerplate
FIELDS = ("title", "text", "published", "outlet", "url")
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x7fELF", b"\x1f\x8b")


Record = tuple[str, Article | InputError]


def read_articles(path: str | Path, **overrides: str | None) -> list[Article]:
    """All articles in one file, with non-None ``overrides`` replacing file metadata."""
    return list(iter_articles(path, **overrides))


def iter_articles(
    path: str | Path, columns: Mapping[str, str] | None = None, **overrides: str | None
) -> Iterator[Article]:
    """Yield the articles of one file; the first bad record raises its InputError."""
    for _, outcome in iter_records(path, columns):
        if isinstance(outcome, InputError):
            raise outcome
        yield _apply_overrides(outcome, overrides)


def iter_records(path: str | Path, columns: Mapping[str, str] | None = None) -> Iterator[Record]:
    """Each record of one file as (where, article or the reason it is bad).

    A bad record of a JSON, JSON Lines or CSV file does not stop the records
    after it; a problem with the whole file (missing, binary, unparsable)
    raises InputError. ``columns`` maps our field names to CSV headers.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory (analyze takes files; use 'claimtrace ingest' for folders)")
    data = read_bytes(path)
    reader = _READERS.get(format_suffix(path), _read_txt)
    yield from reader(path, data, columns)


def format_suffix(path: Path) -> str:
    """The suffix that names the file's format, looking through a trailing ``.gz``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def read_bytes(path: Path) -> bytes:
    """The file's bytes, decompressed when gzipped; InputError when too large or not gzip."""
    size = path.stat().st_size
    if size > MAX_BYTES * (10 if path.suffix.lower() == ".gz" else 1):
        raise InputError(f"{path}: file is too large ({size / 2**20:.0f} MiB; the limit is {MAX_BYTES // 2**20} MiB)")
    data = path.read_bytes()
    if path.suffix.lower() == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(f"{path}: not a valid gzip file ({exc})") from None
        if len(data) > MAX_BYTES:
            raise InputError(f"{path}: decompressed text is too large (limit {MAX_BYTES // 2**20} MiB)")
    return data


def decode_text(data: bytes, name: str | Path = "input") -> str:
    """Decode bytes as UTF-8, else as the detected encoding; reject empty and binary data."""
    if not data.strip():
        raise InputError(f"{name}: file is empty")
    if data.startswith(_BINARY_MAGIC) or b"\x00" in data[:8192] and not _is_utf16(data):
        raise InputError(f"{name}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: not valid UTF-8 and its encoding could not be detected")
    return str(best)


def _is_utf16(data: bytes) -> bool:
    return data[:2] in (b"\xff\xfe", b"\xfe\xff")


def _read_txt(path: Path, data: bytes, columns: Mapping[str, str] | None = None) -> Iterator[Record]:
    text = decode_text(data, path)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    title = lines[0].strip() if lines else ""
    body = "\n".join(lines[1:]).strip("\n")
    if not body.strip():
        body, title = title, None
    yield str(path), Article(text=body, title=title or None)


def _read_html(path: Path, data: bytes, columns: Mapping[str, str] | None = None) -> Iterator[Record]:
    import trafilatura

    html = decode_text(data, path)
    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    except Exception as exc:  # trafilatura raises assorted errors on broken markup
        raise InputError(f"{path}: could not parse the HTML ({type(exc).__name__})") from None
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if len(text.split()) < MIN_HTML_WORDS:
        raise InputError(f"{path}: no article text found in the HTML")
    yield str(path), Article(
        text=doc.text,
        title=doc.title or None,
        published=normalize_date(doc.date) if doc.date else None,
        outlet=doc.sitename or None,
        url=doc.url or None,
    )


def _read_json(path: Path, data: bytes, columns: Mapping[str, str] | None = None) -> Iterator[Record]:
    text = decode_text(data, path)
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(payload, list):
        yield str(path), _article_or_error(payload, str(path))
        return
    for index, record in enumerate(payload):
        where = f"{path}[{index}]"
        yield where, _article_or_error(record, where)


def _read_jsonl(path: Path, data: bytes, columns: Mapping[str, str] | None = None) -> Iterator[Record]:
    text = decode_text(data, path)
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield where, InputError(f"{where}: invalid JSON ({exc.msg})")
            continue
        yield where, _article_or_error(record, where)


def _read_csv(path: Path, data: bytes, columns: Mapping[str, str] | None = None) -> Iterator[Record]:
    text = decode_text(data, path)
    csv.field_size_limit(MAX_BYTES)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    mapping = {name: (columns or {}).get(name, name) for name in FIELDS}
    headers = reader.fieldnames or []
    if mapping["text"] not in headers:
        raise InputError(f"{path}: no '{mapping['text']}' column (columns: {', '.join(headers) or 'none'})")
    try:
        for lineno, row in enumerate(reader, 2):
            where = f"{path}:{lineno}"
            record = {name: row.get(column) for name, column in mapping.items() if row.get(column)}
            yield where, _article_or_error(record, where)
    except csv.Error as exc:
        raise InputError(f"{path}: malformed CSV ({exc})") from None


def _article_or_error(record: Any, where: str) -> Article | InputError:
    try:
        return article_from_record(record, where)
    except InputError as exc:
        return exc


def article_from_record(record: Any, where: str) -> Article:
    """Validate one JSON-like record (``text`` required, other fields optional strings)."""
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected an object with a 'text' field, got {type(record).__name__}")
    values: dict[str, str | None] = {}
    for name in FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{where}: field '{name}' must be a string, got {type(value).__name__}")
        values[name] = value or None
    if not values["text"] or not values["text"].strip():
        raise InputError(f"{where}: missing or empty field 'text'")
    if values["published"]:
        values["published"] = normalize_date(values["published"], where)
    return Article(**values)  # type: ignore[arg-type]


def normalize_date(value: str | PartialDate, where: str = "published") -> PartialDate:
    """The publication date ``value`` names: ISO 8601 (day, month or year, or a datetime), else any
    wording dateparser reads ("March 1, 2022", "April 2024"); raise InputError when unreadable."""
    if isinstance(value, PartialDate):
        return value
    try:
        return PartialDate.from_iso(value, where)
    except InputError:
        pass
    import dateparser.date

    text = value.strip()
    full = dateparser.date.DateDataParser(settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["year"]})
    parsed = full.get_date_data(text).date_obj
    if parsed is not None:
        return PartialDate.from_datetime(parsed, with_time=parsed.tzinfo is not None or ":" in text)
    month = dateparser.date.DateDataParser(settings={"REQUIRE_PARTS": ["month", "year"]}).get_date_data(text)
    if month.date_obj is not None and month.period == "month":
        return PartialDate(month.date_obj.year, month.date_obj.month)
    raise InputError(f"{where}: cannot read the date '{text}' (use YYYY-MM-DD, YYYY-MM or YYYY)")


def _apply_overrides(article: Article, overrides: Mapping[str, str | None]) -> Article:
    for name, value in overrides.items():
        if value is not None and name in FIELDS:
            setattr(article, name, normalize_date(value, f"--{name}") if name == "published" else value)
    return article


_READERS: dict[str, Any] = {
    ".txt": _read_txt,
    ".html": _read_html,
    ".htm": _read_html,
    ".json": _read_json,
    ".jsonl": _read_jsonl,
    ".csv": _read_csv,
}
