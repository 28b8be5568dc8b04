"""Turn files into :class:`~claimtrace.model.Article` objects.

Formats, chosen by suffix (a trailing ``.gz`` is decompressed first):

- ``.txt``: the first non-empty line is the title, the rest the text;
- ``.html``/``.htm``: main text by trafilatura, title/date/site/url from the page;
- ``.json``: one object or a list of objects; ``.jsonl``: one object per line;
- ``.csv``: one article per row (header names, or a column mapping).

Records carry ``title``, ``text``, ``published``, ``outlet``, ``url``. Every
problem a user can cause raises :class:`InputError` with one clear line. Files
are found, and metadata added, by :mod:`claimtrace.readers.discovery`, the one
reading path of ``analyze`` and ``ingest``.
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


def file_records(
    path: str | Path, columns: Mapping[str, str] | None = None, encoding: str | None = None
) -> Iterator[Record]:
    """Each record of one file as (where, article or the reason it is bad).

    A bad record of a JSON, JSON Lines or CSV file does not stop the records
    after it; a problem with the whole file (missing, binary, unparsable,
    unreadable) raises InputError. ``columns`` maps our field names to CSV
    headers; ``encoding`` overrides the detected one.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory")
    try:
        data = read_bytes(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    yield from records_from_bytes(data, path, format_suffix(path), columns, encoding)


def records_from_bytes(
    data: bytes, name: str | Path, suffix: str = ".txt", columns: Mapping[str, str] | None = None,
    encoding: str | None = None,
) -> Iterator[Record]:
    """The records of data read elsewhere (standard input, a fetched page) in the format of ``suffix``."""
    reader = _READERS.get(suffix, _read_txt)
    yield from reader(Path(name), data, columns, encoding)


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


def decode_text(data: bytes, name: str | Path = "input", encoding: str | None = None) -> str:
    """Decode a file's bytes: ``encoding`` when given, else by its byte-order mark, as UTF-8, as UTF-16
    without a mark (the pattern of its zero bytes), else the most plausible of the encodings
    charset-normalizer proposes. Empty and binary data, and text no encoding makes plausible, raise
    InputError. Lone surrogates and control characters are left to :func:`claimtrace.sanitize.clean_text`.
    """
    if not data.strip():
        raise InputError(f"{name}: file is empty")
    if encoding:
        return _decode_as(data, encoding, name)
    for mark, codec in _BOMS:
        if data.startswith(mark):
            return _decode_as(data, codec, name)
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    if data.startswith(_BINARY_MAGIC) or b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _most_plausible(data, name)


_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_MAX_CHAOS = 0.4  # charset-normalizer's mess ratio above which no decoding is plausible text


def _decode_as(data: bytes, encoding: str, name: str | Path) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise InputError(f"{name}: unknown encoding '{encoding}'") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not valid {encoding} (byte {exc.start}); try another --encoding") from None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a byte-order mark: nearly every character of Latin text has a zero high
    byte, and no low byte is zero."""
    sample = data[:4096] if len(data) % 2 == 0 else b""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    codec = ("utf-16-be" if even >= 0.7 * half and odd == 0
             else "utf-16-le" if odd >= 0.7 * half and even == 0 else None)
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _most_plausible(data: bytes, name: str | Path) -> str:
    """The decoding with the least mess (charset-normalizer's measure), then the fewest characters
    outside Western European text (what cp1252 can encode), then cp1252 first: short English text
    with a few accents fits many single-byte code pages equally well by mess alone."""
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    candidates: dict[str, str] = {}
    for codec in ("cp1252", *(match.encoding for match in from_bytes(data))):
        try:
            candidates.setdefault(codec, data.decode(codec))
        except (UnicodeDecodeError, LookupError):
            continue
    scored = sorted(
        (mess_ratio(text, maximum_threshold=1.0) + 0.1 * _unusual_share(text), order, text)
        for order, text in enumerate(candidates.values())
    )
    if not scored or scored[0][0] > _MAX_CHAOS:
        raise InputError(f"{name}: not valid UTF-8 and no encoding makes it plausible text (try --encoding)")
    return scored[0][2]


def _unusual_share(text: str) -> float:
    """The share of non-ASCII characters that Western European text (cp1252) does not have."""
    foreign = [ch for ch in text if not ch.isascii()]
    if not foreign:
        return 0.0
    return sum(1 for ch in foreign if not _in_cp1252(ch)) / len(foreign)


def _in_cp1252(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _read_txt(
    path: Path, data: bytes, columns: Mapping[str, str] | None = None, encoding: str | None = None
) -> Iterator[Record]:
    text = decode_text(data, path, encoding)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    title = lines[0].strip() if lines else ""
    body = "\n".join(lines[1:]).strip("\n")
    if not body.strip():
        body, title = title, None
    yield str(path), Article(text=body, title=title or None)


def _read_html(
    path: Path, data: bytes, columns: Mapping[str, str] | None = None, encoding: str | None = None
) -> Iterator[Record]:
    import trafilatura

    html = decode_text(data, path, encoding)
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


def _read_json(
    path: Path, data: bytes, columns: Mapping[str, str] | None = None, encoding: str | None = None
) -> Iterator[Record]:
    text = decode_text(data, path, encoding)
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


def _read_jsonl(
    path: Path, data: bytes, columns: Mapping[str, str] | None = None, encoding: str | None = None
) -> Iterator[Record]:
    text = decode_text(data, path, encoding)
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


def _read_csv(
    path: Path, data: bytes, columns: Mapping[str, str] | None = None, encoding: str | None = None
) -> Iterator[Record]:
    text = decode_text(data, path, encoding)
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


def apply_overrides(article: Article, overrides: Mapping[str, str | None]) -> Article:
    """``article`` with each non-None override (title, text, published, outlet, url) in place of its own."""
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
