"""Time expressions, resolved against the publication date.

``find_dates`` finds time expressions with regular expressions over the text
(the NER has no DATE label) and resolves each to a partial ISO 8601 value:

* absolute dates: "February 16, 2022", "16 Feb 2022", "2022-02-16",
  "March 2021", "in 2019", "the 1990s";
* dates without a year: "on February 16" is the latest February 16 not after
  publication ("--02-16" and unresolved when there is no publication date),
  "in March" likewise at month level; in a future-tense clause ("will meet on
  March 5") the earliest such date not before publication is taken instead;
* relative expressions: "yesterday", "today", "last night", "two days ago",
  "in two weeks", "last Tuesday", "on Monday" (the latest Monday not after
  publication, or the next one in a future-tense clause), "last week" /
  "this weekend" (Monday-to-Sunday weeks, as ranges), "earlier this month",
  "next month", "late last year", "by the end of the year", "last winter";
* decades, centuries and seasons with a year: "the 1990s", "the 12th
  century", "the summer of 2020" (northern seasons, as month ranges);
* ranges: "from March 1 to March 5", "March 1-5", "1-5 March 2022",
  "between 2019 and 2021", "2019-2021", "between March and May",
  "January-June 2020"; the value is
  "start/end" and a range without a year takes its year from the other end.

Each result carries ``value`` ("2022-02-16", "2022-02", "2022",
"--02-16", "2022-03-01/2022-03-05"), ``granularity`` (day, month, year,
range) and ``resolved`` (anchored to the calendar). Without a publication
date relative expressions keep ``value=None`` and are unresolved: today's
date is never used. Spans leave out the preposition ("on", "in") but keep
the words that make the meaning ("last", "earlier this", "from ... to").

False positives avoided: month names need a day, a year or a temporal
preposition ("in May", not "May God"); a capitalized neighbour ("Sunday
Times", "Bloody Sunday", "Theresa May") or a PER/ORG/MISC entity over the
word rejects a bare weekday or month; a four-digit number counts as a year
only after a temporal preposition, in "the 2019 election" or "2019's", and
not before a plural noun ("in 2000 homes").

Misses: numeric dates like "16/02/2022" (day/month order is ambiguous),
quarters ("Q3"), bare seasons ("in summer"), times of day, "the 16th" with no
month, dates relative to another event or to the narrative ("two days
later", "that year"), BC/AD and three-digit years, and vague durations ("for
years"). "a few days ago" is found but left unresolved. Generic "today"
("Syria today is ...") is taken as the publication day.

Figures (``benchmarks/dates.py``): ``docs/benchmarks_dates.md``.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from spacy.attrs import IDX
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from claimtrace.extract.doctext import doc_text
from claimtrace.model import DateMention, PartialDate
from claimtrace.readers.formats import normalize_date

# --- vocabulary -------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"),
            ("May",), ("June", "Jun"), ("July", "Jul"), ("August", "Aug"),
            ("September", "Sept", "Sep"), ("October", "Oct"), ("November", "Nov"), ("December", "Dec"),
        ],
        start=1,
    )
    for name in names
}
_FULL_MONTHS = {calendar.month_name[i] for i in range(1, 13)}
_WEEKDAYS = {calendar.day_name[i]: i for i in range(7)}
_VAGUE_AMOUNTS = {"a few", "several", "a couple of", "few", "some"}
_FUTURE_WORDS = {"will", "'ll", "shall", "wo", "next", "upcoming", "scheduled", "due"}
_FUTURE_CUES = {"expected", "planned", "plans", "expects", "intends", "aims"}
_FUTURE_LEMMAS = {"expect", "plan", "schedule", "due", "set", "intend", "aim", "hope"}
_REPORTING_WORDS = {"said", "says", "told", "announced", "added", "stated", "reported"}
_NOT_PLURAL_NOUNS = {
    "was", "has", "is", "this", "its", "as", "us", "thus", "whereas", "across", "unless",
    "plus", "versus", "perhaps", "his", "less", "does", "always", "afterwards", "towards",
}
_BLOCKING_LABELS = {"PER", "ORG", "MISC"}
_CAPITALIZED_OK = {
    "On", "In", "Last", "Next", "This", "Since", "By", "Until", "Till", "Early", "Late", "From",
    "Between", "Before", "After", "During", "Through", "Of", "And", "Or", "To", "Mid",
    "Coming", "Past", "Earlier", "Later", "The", "Each", "Every",
}

# --- regular expressions ----------------------------------------------------

_MON = r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)\b" \
       r"|(?:Sept|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b\.?)"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b(?![,.:]\d)"
_YEAR = r"(?:1\d\d\d|20\d\d)\b(?![,.]\d)"
_WD_PREFIX = rf"(?:(?P<wd>{_WD}),?\s+(?:the\s+)?)?"
_SEP = r"\s*(?:-|–|—|(?i:to|until|till|through))\s*"
_YEAR_PREPS = (
    r"in|since|until|till|by|during|from|before|after|through|throughout|of|around|circa|c\.|ca\.|and|or|to"
    r"|between|early|late|mid|year|end|start|beginning"
)
_MONTH_PREPS = (
    r"in|since|until|till|by|during|from|before|after|through|throughout|of|and|or|to|between"
    r"|last|next|this|early|late|mid|coming|past|end|start|beginning"
)
_AMOUNT = r"\d{1,2}|a\s+couple\s+of|a\s+few|several|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"


_NEXT_WORD = re.compile(r"\s*([\w'’]+)")
_NEXT_LOWER_WORD = re.compile(r"\s+([a-z]+)\b")
_PREVIOUS_WORD = re.compile(r"([\w'’]+)?([^\w'’]*)$")
_UNIT = re.compile(r"(?:\s+|-)(?:years?|old|ft|feet|km|m|miles?|metres?|meters?|kg|tons?|tonnes?|%|percent)\b",
                   re.IGNORECASE)
_COUNTED_NOUNS = {
    "troops", "soldiers", "people", "civilians", "fighters", "militants", "refugees", "families", "homes",
    "houses", "residents", "children", "men", "women", "dead", "deaths", "casualties", "prisoners",
    "detainees", "members", "officers", "police", "policemen", "rockets", "missiles", "shells", "tanks",
    "vehicles", "buildings", "villages", "votes", "dollars", "euros", "pounds", "workers", "students",
}


def _mon(name: str) -> str:
    return f"(?P<{name}>{_MON})"


def _day(name: str) -> str:
    return f"(?P<{name}>{_DAY})"


def _year(name: str) -> str:
    return f"(?P<{name}>{_YEAR})"


# --- what the text says, before resolution ----------------------------------


@dataclass(frozen=True)
class _Calendar:
    """A calendar date as written, possibly without a year ("February 16")."""

    year: int | None
    month: int | None
    day: int | None


@dataclass(frozen=True)
class _DayShift:
    """A day counted from the publication date ("yesterday": -1)."""

    days: int


@dataclass(frozen=True)
class _Period:
    """The week, weekend, month or year ``offset`` steps from the publication's own."""

    unit: str
    offset: int


@dataclass(frozen=True)
class _NamedMonth:
    """ "last March" (the latest March before the publication month) or "next March"."""

    month: int
    relation: str  # "last" or "next"


@dataclass(frozen=True)
class _Season:
    """A (northern) season of a given year ("summer 2020") or relative to publication ("last winter")."""

    season: str
    year: int | None
    relation: str  # "last", "this", "next" or ""


@dataclass(frozen=True)
class _Weekday:
    weekday: int
    relation: str  # "last", "next", "this" or "" (nearest, by tense)


@dataclass(frozen=True)
class _Phrase:
    """A counted offset ("two days ago", "in three weeks") resolved by dateparser."""

    text: str
    granularity: str


@dataclass(frozen=True)
class _Fixed:
    """A range fixed by the text alone ("the 1990s")."""

    first: int
    last: int


@dataclass(frozen=True)
class _Range:
    first: _Expr
    last: _Expr


_Expr = _Calendar | _DayShift | _Period | _NamedMonth | _Season | _Weekday | _Phrase | _Fixed | _Range


@dataclass
class _Candidate:
    start: int
    end: int
    expr: _Expr


@dataclass
class _Resolved:
    value: str | None
    granularity: str
    resolved: bool
    first: dt.date | None = None
    last: dt.date | None = None


# --- detection --------------------------------------------------------------

_Handler = Callable[[re.Match[str], "_Context"], _Candidate | None]
_PATTERNS: list[tuple[re.Pattern[str], re.Pattern[str], _Handler]] = []
_DIGITS = re.compile(r"\d\d")
_MONTH_WORD = re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")
_WEEKDAY = re.compile(r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday")
_CENTURY = re.compile(r"(?i)century")
_NAMED_DAY = re.compile(r"(?i)yesterday|today|tomorrow|tonight")
_DAY_PART = re.compile(r"(?i)morning|afternoon|evening|night")
_PERIOD = re.compile(r"(?i)week|month|year")
_SEASON = re.compile(r"(?i)spring|summer|autumn|fall|winter")
_COUNTED = re.compile(r"(?i)(?:day|week|month|year)s?\b")


def _pattern(trigger: re.Pattern[str], regex: str) -> Callable[[_Handler], _Handler]:
    """Register a handler for a regex, tried only on texts where ``trigger`` (a fast literal search) occurs."""

    def register(handler: _Handler) -> _Handler:
        _PATTERNS.append((trigger, re.compile(regex), handler))
        return handler

    return register


class _Context:
    """The text plus what the doc knows about it (entities, tags) for filtering."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.blocked = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in _BLOCKING_LABELS]
        self.tagged = doc.has_annotation("TAG")
        self.parsed = doc.has_annotation("DEP")
        self.token_starts = doc.to_array(IDX).tolist()  # no spaCy token built

    def tokens_over(self, start: int, end: int) -> SpacySpan:
        """The tokens that overlap the characters [start, end)."""
        first = max(0, bisect.bisect_right(self.token_starts, start) - 1)
        last = bisect.bisect_left(self.token_starts, end)
        return self.doc[first:last]

    def inside_entity(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.blocked)

    def next_word(self, end: int) -> str:
        match = _NEXT_WORD.match(self.text, end)
        return match.group(1) if match else ""

    def previous_word(self, start: int) -> tuple[str, bool]:
        """The word before ``start`` and whether a sentence boundary separates them."""
        match = _PREVIOUS_WORD.search(self.text[max(0, start - 80) : start])
        if not match or not match.group(1):
            return "", True
        return match.group(1), bool(re.search(r"[.!?:\n\"“]", match.group(2)))

    def lone_word_ok(self, start: int, end: int) -> bool:
        """A bare weekday or month name with no capitalized neighbour and no entity over it."""
        if self.inside_entity(start, end):
            return False
        following = self.next_word(end)
        if following[:1].isupper() and following not in _CAPITALIZED_OK and following not in _MONTHS:
            return False
        previous, boundary = self.previous_word(start)
        return boundary or not previous[:1].isupper() or previous in _CAPITALIZED_OK

    def counts_things(self, end: int, after_article: bool = False) -> bool:
        """True when the number ending at ``end`` counts the plural noun after it ("2000 homes").

        After "the" a plural is usually what the year qualifies ("the 2019 elections"),
        unless it is a noun of things counted in war news ("the 2000 troops").
        """
        if _UNIT.match(self.text, end):
            return True
        if after_article:
            counted = _NEXT_WORD.match(self.text, end)
            return bool(counted) and counted.group(1).lower() in _COUNTED_NOUNS
        if self.tagged:
            for token in self.tokens_over(end, min(len(self.text), end + 40)):
                if token.is_space or token.idx < end:
                    continue
                return token.tag_ in {"NNS", "NNPS"}
            return False
        word = _NEXT_LOWER_WORD.match(self.text, end)
        return bool(word) and word.group(1).endswith("s") and word.group(1) not in _NOT_PLURAL_NOUNS


def _month(text: str) -> int:
    return _MONTHS[text.rstrip(".")]


def _int_day(text: str) -> int:
    return int(re.match(r"\d+", text).group(0))  # type: ignore[union-attr]


def _valid(year: int | None, month: int, day: int | None) -> bool:
    if day is None:
        return True
    leap_year = 2000 if year is None else year
    return day <= calendar.monthrange(leap_year, month)[1]


def _calendar(year: str | None, month: str, day: str | None) -> _Calendar | None:
    cal = _Calendar(int(year) if year else None, _month(month), _int_day(day) if day else None)
    return cal if _valid(cal.year, cal.month, cal.day) else None  # type: ignore[arg-type]


def _start_of(m: re.Match[str], *groups: str) -> int:
    starts = [m.start(g) for g in groups if m.group(g)]
    return min(starts) if starts else m.start()


@_pattern(_DIGITS, r"(?<![\d-])(?P<y>\d{4})([-/])(?P<m>0[1-9]|1[0-2])\2(?P<d>[0-3]\d)(?![\d/-])")
def _iso(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
    if not _valid(year, month, day) or not day:
        return None
    return _Candidate(m.start(), m.end(), _Calendar(year, month, day))


@_pattern(_MONTH_WORD, rf"\b{_WD_PREFIX}{_mon('m')}\s+{_day('d')}(?:\s*,\s*|\s+){_year('y')}")
def _month_day_year(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    cal = _calendar(m["y"], m["m"], m["d"])
    if cal is None or ctx.counts_things(m.end()):
        return None
    return _Candidate(m.start(), m.end(), cal)


@_pattern(_MONTH_WORD, rf"\b{_WD_PREFIX}(?:the\s+)?{_day('d')}(?:\s+of)?\s+{_mon('m')}(?:\s*,?\s*{_year('y')})?")
def _day_month_year(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    year = m["y"] if m["y"] and not ctx.counts_things(m.end()) else None
    cal = _calendar(year, m["m"], m["d"])
    if cal is None:
        return None
    end = m.end() if year or not m["y"] else m.end("m")
    return _Candidate(m.start(), end, cal)


@_pattern(_MONTH_WORD, rf"\b{_WD_PREFIX}{_mon('m')}\s+{_day('d')}(?!\s*[-–—]\s*\d)")
def _month_day(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    cal = _calendar(None, m["m"], m["d"])
    if cal is None or ctx.inside_entity(m.start("m"), m.end("m")):
        return None
    return _Candidate(m.start(), m.end(), cal)


@_pattern(_MONTH_WORD, rf"\b(?:(?P<mod>(?i:early|late|mid|the\s+end\s+of|the\s+start\s+of|the\s+beginning\s+of))[\s-]+)?"
          rf"{_mon('m')},?\s+(?:of\s+)?{_year('y')}")
def _month_year(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    if ctx.counts_things(m.end()):
        return None
    cal = _calendar(m["y"], m["m"], None)
    return _Candidate(_start_of(m, "mod", "m"), m.end(), cal) if cal else None


@_pattern(_MONTH_WORD, rf"(?i:\b(?P<prep>{_MONTH_PREPS}))[\s-]+(?:(?P<mod>(?i:early|late|mid))[\s-]+)?(?P<m>{_MON})")
def _bare_month(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    name = m["m"].rstrip(".")
    if name not in _FULL_MONTHS or not ctx.lone_word_ok(m.start("m"), m.start("m") + len(name)):
        return None
    prep = m["prep"].lower()
    start = m.start("prep") if prep in {"last", "next", "this", "early", "late", "mid", "coming", "past"} \
        else _start_of(m, "mod", "m")
    if prep in {"last", "next", "past", "coming"}:
        relation = "next" if prep in {"next", "coming"} else "last"
        return _Candidate(start, m.start("m") + len(name), _NamedMonth(_month(name), relation))
    return _Candidate(start, m.start("m") + len(name), _Calendar(None, _month(name), None))


@_pattern(_DIGITS, rf"(?i:\b(?P<prep>{_YEAR_PREPS}))[\s-]+(?:(?P<mod>(?i:early|late|mid))[\s-]+)?{_year('y')}")
def _bare_year(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    if ctx.counts_things(m.end()):
        return None
    prep = m["prep"].lower()
    start = m.start("prep") if prep in {"early", "late", "mid"} else _start_of(m, "mod", "y")
    return _Candidate(start, m.end(), _Calendar(int(m["y"]), None, None))


@_pattern(_DIGITS, rf"(?:\b(?i:the|an?)|['’]s)\s+{_year('y')}(?=\s+\w)|\b{_year('y2')}(?=['’]s\b)|\({_year('y3')}\)")
def _year_as_modifier(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    if m["y"] and ctx.counts_things(m.end(), after_article=True):
        return None
    group = next(g for g in ("y", "y2", "y3") if m[g])
    return _Candidate(m.start(group), m.end(group), _Calendar(int(m[group]), None, None))


@_pattern(_DIGITS, r"\b(?:(?i:the)\s+)?(?:(?i:early|late|mid)[\s-]+)?(?P<y>1\d\d0|20\d0)['’]?s\b")
def _decade(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    first = int(m["y"])
    last = first + 99 if first % 100 == 0 and first < 2000 else first + 9  # "the 1800s" is a century
    return _Candidate(m.start(), m.end(), _Fixed(first, last))


@_pattern(_CENTURY, r"(?i)\b(?:the\s+)?(?:(?:early|late|mid)[\s-]+)?(?P<n>[12]?\d)(?:st|nd|rd|th)[\s-]+century\b")
def _century(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    number = int(m["n"])
    if not 1 <= number <= 21:
        return None
    return _Candidate(m.start(), m.end(), _Fixed((number - 1) * 100, (number - 1) * 100 + 99))


@_pattern(_MONTH_WORD, rf"\b{_mon('a')}\s*(?:-|–|—)\s*{_mon('b')}(?:\s*,?\s*{_year('y')})?")
def _month_range(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    year = int(m["y"]) if m["y"] else None
    first, last = _month(m["a"]), _month(m["b"])
    if first == last:
        return None
    end = m.end() if year else m.end("b")
    return _Candidate(m.start(), end, _Range(_Calendar(year, first, None), _Calendar(year, last, None)))


@_pattern(_DIGITS, rf"(?:\b(?P<pre>(?i:from|between))\s+)?(?<![\d-]){_year('a')}\s*(?:-|–|—)\s*(?P<b>\d{{4}}|\d{{2}})\b(?![-/]\d)")
def _year_range(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    first = int(m["a"])
    last = int(m["b"]) if len(m["b"]) == 4 else first // 100 * 100 + int(m["b"])
    if not first < last <= first + 100:
        return None
    return _Candidate(m.start(), m.end(), _Range(_Calendar(first, None, None), _Calendar(last, None, None)))


@_pattern(_MONTH_WORD, rf"(?:\b(?P<pre>(?i:from|between))\s+)?\b{_mon('m')}\s+{_day('a')}(?:{_SEP}|\s+(?i:and)\s+){_day('b')}"
          rf"(?:\s*,?\s*{_year('y')})?")
def _month_day_range(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    return _day_range(m, ctx)


@_pattern(_MONTH_WORD, rf"(?:\b(?P<pre>(?i:from|between))\s+)?\b{_day('a')}(?:{_SEP}|\s+(?i:and)\s+){_day('b')}\s+{_mon('m')}"
          rf"(?:\s*,?\s*{_year('y')})?")
def _day_month_range(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    return _day_range(m, ctx)


def _day_range(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    between = re.search(r"(?i)\band\b", m.group(0)) is not None
    if between != ((m["pre"] or "").lower() == "between"):
        return None
    year = m["y"] if m["y"] and not ctx.counts_things(m.end()) else None
    first, last = _calendar(year, m["m"], m["a"]), _calendar(year, m["m"], m["b"])
    if first is None or last is None or first.day >= last.day:  # type: ignore[operator]
        return None
    end = m.end() if year or not m["y"] else m.end("b") if m.end("b") > m.end("m") else m.end("m")
    return _Candidate(m.start(), end, _Range(first, last))


@_pattern(_NAMED_DAY, r"(?i)\b(?P<w>yesterday|today|tomorrow|tonight)\b")
def _named_day(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    shift = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[m["w"].lower()]
    return _Candidate(m.start(), m.end(), _DayShift(shift))


@_pattern(_DAY_PART, r"(?i)\b(?P<rel>this|last)\s+(?:morning|afternoon|evening|night)\b")
def _part_of_day(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    last_night = m.group(0).lower().split()[-1] == "night" and m["rel"].lower() == "last"
    return _Candidate(m.start(), m.end(), _DayShift(-1 if last_night else 0))


@_pattern(_PERIOD, r"(?i)\b(?:(?:earlier|later|early|late|the\s+end\s+of|the\s+start\s+of|the\s+beginning\s+of"
          r"|the\s+middle\s+of)\s+)?(?P<rel>this|last|next)\s+(?P<unit>week|weekend|month|year)\b"
          r"|\bthe\s+(?:end|start|beginning|middle)\s+of\s+the\s+(?P<unit2>week|month|year)\b")
def _relative_period(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    offset = {"this": 0, "last": -1, "next": 1}[(m["rel"] or "this").lower()]
    return _Candidate(m.start(), m.end(), _Period((m["unit"] or m["unit2"]).lower(), offset))


@_pattern(_SEASON, rf"(?i)\b(?:(?P<rel>last|this|next|early|late|mid)[\s-]+)?(?:the\s+)?"
          rf"(?P<season>spring|summer|autumn|fall|winter)\b(?:\s+of)?(?:\s+{_year('y')})?")
def _season(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    relation = (m["rel"] or "").lower()
    relation = relation if relation in {"last", "this", "next"} else ""
    if not m["y"] and not relation:
        return None  # "in summer" is any summer
    if m["season"].lower() == "fall" and not m["y"] and relation != "last":
        return None  # "fall" is too often the verb or "the fall of" a city
    season = "autumn" if m["season"].lower() == "fall" else m["season"].lower()
    return _Candidate(m.start(), m.end(), _Season(season, int(m["y"]) if m["y"] else None, relation))


@_pattern(_WEEKDAY, rf"(?:\b(?P<rel>(?i:last|this|next|coming|past))\s+)?\b(?P<wd>{_WD})\b"
          r"(?:\s+(?P<part>morning|afternoon|evening|night)\b)?")
def _weekday(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    if not ctx.lone_word_ok(m.start("wd"), m.end("wd")):
        return None
    if re.match(r"\s+(?:mornings|afternoons|evenings|nights)\b", ctx.text[m.end("wd"):]):
        return None
    if ctx.previous_word(m.start())[0].lower() in {"every", "each", "a", "an"}:
        return None  # a recurring or generic day, not a date
    relation = {"coming": "next", "past": "last"}.get((m["rel"] or "").lower(), (m["rel"] or "").lower())
    return _Candidate(m.start(), m.end(), _Weekday(_WEEKDAYS[m["wd"]], relation))


@_pattern(_COUNTED, rf"(?i)\b(?P<n>{_AMOUNT})\s+(?P<unit>day|week|month|year)s?\s+ago\b"
          rf"|\bin\s+(?P<n2>{_AMOUNT})\s+(?P<unit2>day|week|month|year)s?(?:['’]\s*time)?\b")
def _counted(m: re.Match[str], ctx: _Context) -> _Candidate | None:
    unit = (m["unit"] or m["unit2"]).lower()
    granularity = unit if unit in {"month", "year"} else "day"
    if m["n2"] and re.fullmatch(r"\d+", m["n2"]) and int(m["n2"]) > 12 and unit == "year":
        return None
    return _Candidate(m.start(), m.end(), _Phrase(m.group(0), granularity))


def _candidates(ctx: _Context) -> Iterator[_Candidate]:
    present: dict[re.Pattern[str], bool] = {}
    for trigger, regex, handler in _PATTERNS:
        if trigger not in present:
            present[trigger] = trigger.search(ctx.text) is not None
        if not present[trigger]:
            continue
        for match in regex.finditer(ctx.text):
            candidate = handler(match, ctx)
            if candidate is not None:
                yield candidate


def _longest_first(candidates: list[_Candidate]) -> list[_Candidate]:
    """Non-overlapping candidates, the longer winning, in text order."""
    chosen: list[_Candidate] = []
    taken: set[int] = set()
    for cand in sorted(candidates, key=lambda c: (-(c.end - c.start), c.start)):
        covered = range(cand.start, cand.end)
        if not taken.intersection(covered):
            chosen.append(cand)
            taken.update(covered)
    return sorted(chosen, key=lambda c: c.start)


_JOIN = re.compile(r"\s*(?:(?P<dash>-|–|—)|(?P<word>to|until|till|through|and))\s*$", re.IGNORECASE)
_OPENER = re.compile(r"\b(?P<opener>from|between)\s+$", re.IGNORECASE)


def _join_ranges(candidates: list[_Candidate], text: str) -> list[_Candidate]:
    """Adjacent expressions joined by "to", "until", "-" ("from X to Y", "between X and Y")."""
    joined: list[_Candidate] = []
    for cand in candidates:
        if joined and _joinable(joined[-1], cand, text):
            first = joined.pop()
            opener = _OPENER.search(text[: first.start])
            start = opener.start() if opener else first.start
            joined.append(_Candidate(start, cand.end, _Range(first.expr, cand.expr)))
        else:
            joined.append(cand)
    return joined


def _joinable(first: _Candidate, second: _Candidate, text: str) -> bool:
    if not (isinstance(first.expr, _Calendar) and isinstance(second.expr, _Calendar)):
        return False
    join = _JOIN.fullmatch(text[first.end : second.start])
    if join is None:
        return False
    opener = _OPENER.search(text[: first.start])
    word = (join["word"] or "").lower()
    if word == "and":
        return bool(opener) and opener["opener"].lower() == "between"
    if word == "to":
        return bool(opener) and opener["opener"].lower() == "from"
    return not (opener and opener["opener"].lower() == "between")


# --- resolution -------------------------------------------------------------


def parse_published(published: PartialDate | str | None) -> dt.date | None:
    """The day relative dates are resolved against: the publication date when it is known to the
    day; None for None and for a date known only to the month or the year (relative expressions then
    stay unresolved). A string is read by :func:`claimtrace.readers.normalize_date`, which raises
    :class:`InputError` when it is not a date.
    """
    if isinstance(published, str):
        if not published.strip():
            return None
        published = normalize_date(published, "the publication date")
    return published.as_date() if published is not None else None


def _dateparser_parse(text: str, base: dt.date | None, *, require_full: bool) -> dt.date | None:
    import dateparser

    settings: dict[str, object] = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime(base.year, base.month, base.day)
    if require_full:
        settings["REQUIRE_PARTS"] = ["day", "month", "year"]
    parsed = dateparser.parse(text, languages=["en"], settings=settings)  # type: ignore[arg-type]
    return parsed.date() if parsed else None


@lru_cache(maxsize=256)
def _resolve_phrase(text: str, base: dt.date) -> dt.date | None:
    # RELATIVE_BASE anchors the phrase to publication; dateparser would otherwise use today.
    return _dateparser_parse(text, base, require_full=False)


def _format(d: dt.date, granularity: str) -> str:
    return {"day": d.isoformat(), "month": f"{d.year:04d}-{d.month:02d}", "year": f"{d.year:04d}"}[granularity]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(d: dt.date, months: int) -> dt.date:
    index = d.year * 12 + d.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _calendar_span(year: int, month: int | None, day: int | None) -> _Resolved:
    if month is None:
        return _Resolved(f"{year:04d}", "year", True, dt.date(year, 1, 1), dt.date(year, 12, 31))
    if day is None:
        return _Resolved(f"{year:04d}-{month:02d}", "month", True, dt.date(year, month, 1), _month_end(year, month))
    d = dt.date(year, month, day)
    return _Resolved(d.isoformat(), "day", True, d, d)


def _infer_year(cal: _Calendar, anchor: dt.date, future: bool) -> int:
    """The year that puts a year-less date latest before (or, for the future, first after) ``anchor``."""
    key = (cal.month, cal.day or 0)
    anchor_key = (anchor.month, anchor.day if cal.day else 0)
    if future:
        year = anchor.year if key >= anchor_key else anchor.year + 1
    else:
        year = anchor.year if key <= anchor_key else anchor.year - 1
    step = 1 if future else -1
    while not _valid(year, cal.month, cal.day):  # type: ignore[arg-type]
        year += step  # February 29 waits for a leap year
    return year


def _resolve_calendar(cal: _Calendar, published: dt.date | None, future: bool) -> _Resolved:
    if cal.year is not None:
        return _calendar_span(cal.year, cal.month, cal.day)
    granularity = "month" if cal.day is None else "day"
    if published is None:
        text = f"--{cal.month:02d}" + (f"-{cal.day:02d}" if cal.day else "")
        return _Resolved(text, granularity, False)
    return _calendar_span(_infer_year(cal, published, future), cal.month, cal.day)


def _resolve_weekday(wd: _Weekday, published: dt.date, future: bool) -> _Resolved:
    monday = published - dt.timedelta(days=published.weekday())
    if wd.relation == "this":
        day = monday + dt.timedelta(days=wd.weekday)
    elif wd.relation == "next" or (not wd.relation and future):
        day = published + dt.timedelta(days=(wd.weekday - published.weekday() - 1) % 7 + 1)
    elif wd.relation == "last":
        day = published - dt.timedelta(days=(published.weekday() - wd.weekday - 1) % 7 + 1)
    else:
        day = published - dt.timedelta(days=(published.weekday() - wd.weekday) % 7)
    return _Resolved(day.isoformat(), "day", True, day, day)


def _resolve_period(period: _Period, published: dt.date, future: bool) -> _Resolved:
    if period.unit in {"week", "weekend"}:
        offset = period.offset
        if period.unit == "weekend" and offset == 0 and published.weekday() < 5 and not future:
            offset = -1  # "this weekend" in a past-tense clause, published on a weekday: the one just gone
        monday = published - dt.timedelta(days=published.weekday()) + dt.timedelta(weeks=offset)
        first = monday + dt.timedelta(days=5) if period.unit == "weekend" else monday
        last = monday + dt.timedelta(days=6)
        return _Resolved(f"{first.isoformat()}/{last.isoformat()}", "range", True, first, last)
    if period.unit == "month":
        first = _add_months(published.replace(day=1), period.offset)
        return _calendar_span(first.year, first.month, None)
    return _calendar_span(published.year + period.offset, None, None)


_SEASON_MONTHS = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}


def _season_span(season: str, year: int) -> _Resolved:
    first = dt.date(year, _SEASON_MONTHS[season], 1)
    last_month = _add_months(first, 2)
    last = _month_end(last_month.year, last_month.month)
    return _Resolved(f"{_format(first, 'month')}/{_format(last, 'month')}", "range", True, first, last)


def _resolve_season(season: _Season, published: dt.date | None) -> _Resolved:
    if season.year is not None:
        return _season_span(season.season, season.year)
    if published is None:
        return _Resolved(None, "range", False)
    spans = [_season_span(season.season, year) for year in range(published.year - 2, published.year + 2)]
    if season.relation == "last":
        return [s for s in spans if s.last < published.replace(day=1)][-1]  # type: ignore[operator]
    if season.relation == "next":
        return next(s for s in spans if s.first > published)  # type: ignore[operator]
    containing = [s for s in spans if s.first <= published <= s.last]  # type: ignore[operator]
    return containing[0] if containing else next(s for s in spans if s.first > published)  # type: ignore[operator]


def _resolve_named_month(named: _NamedMonth, published: dt.date) -> _Resolved:
    month = named.month
    if named.relation == "next":
        year = published.year if month > published.month else published.year + 1
    else:
        year = published.year if month < published.month else published.year - 1
    return _calendar_span(year, month, None)


def _resolve(expr: _Expr, published: dt.date | None, future: bool) -> _Resolved | None:
    if isinstance(expr, _Calendar):
        return _resolve_calendar(expr, published, future)
    if isinstance(expr, _Fixed):
        return _Resolved(f"{expr.first:04d}/{expr.last:04d}", "range", True,
                         dt.date(expr.first, 1, 1), dt.date(expr.last, 12, 31))
    if isinstance(expr, _Range):
        return _resolve_range(expr, published, future)
    if isinstance(expr, _Season):
        return _resolve_season(expr, published)
    if isinstance(expr, _NamedMonth) and published is None:
        return _Resolved(f"--{expr.month:02d}", "month", False)
    if isinstance(expr, _NamedMonth):
        return _resolve_named_month(expr, published)  # type: ignore[arg-type]
    granularity = expr.granularity if isinstance(expr, _Phrase) else "range" if (
        isinstance(expr, _Period) and expr.unit in {"week", "weekend"}) else (
        expr.unit if isinstance(expr, _Period) else "day")
    if published is None:
        return _Resolved(None, granularity, False)
    if isinstance(expr, _DayShift):
        day = published + dt.timedelta(days=expr.days)
        return _Resolved(day.isoformat(), "day", True, day, day)
    if isinstance(expr, _Weekday):
        return _resolve_weekday(expr, published, future)
    if isinstance(expr, _Period):
        return _resolve_period(expr, published, future)
    if any(vague in expr.text.lower() for vague in _VAGUE_AMOUNTS):
        return _Resolved(None, granularity, False)
    day = _resolve_phrase(expr.text, published)
    if day is None:
        return _Resolved(None, granularity, False)
    return _Resolved(_format(day, granularity), granularity, True, day, day)


def _resolve_range(rng: _Range, published: dt.date | None, future: bool) -> _Resolved | None:
    first_expr, last_expr = _share_years(rng.first, rng.last, published, future)
    first = _resolve(first_expr, published, future)
    last = _resolve(last_expr, published, future)
    if first is None or last is None:
        return None
    value = f"{first.value}/{last.value}" if first.value and last.value else None
    return _Resolved(value, "range", first.resolved and last.resolved, first.first, last.last)


def _share_years(
    first: _Expr, last: _Expr, published: dt.date | None, future: bool
) -> tuple[_Expr, _Expr]:
    """Give a year-less end of a range the year of the other end ("March 1-5, 2022")."""
    if not (isinstance(first, _Calendar) and isinstance(last, _Calendar)) or first.month is None:
        return first, last
    if last.month is None:
        return first, last
    first_key, last_key = (first.month, first.day or 0), (last.month, last.day or 0)
    if first.year is None and last.year is not None:
        year = last.year if first_key <= last_key else last.year - 1
        return _Calendar(year, first.month, first.day), last
    if first.year is None and published is not None:
        first = _Calendar(_infer_year(first, published, future), first.month, first.day)
    if first.year is not None and last.year is None:
        year = first.year if last_key >= first_key else first.year + 1
        return first, _Calendar(year, last.month, last.day)
    return first, last


# --- tense ------------------------------------------------------------------


def _is_future(ctx: _Context, start: int, end: int) -> bool:
    """Whether the clause holding the expression speaks of the future ("will meet on Monday")."""
    span = ctx.tokens_over(start, end)
    if len(span) == 0:
        return False
    if ctx.parsed:
        return _future_by_parse(span)
    return _future_by_window(ctx.doc, span)


def _future_by_parse(span: SpacySpan) -> bool:
    """Climb from the expression to its verb (through nouns and "expected to" chains)."""
    token = span.root.head
    if any(child.dep_ == "cop" and child.tag_ in {"VBZ", "VBP"} for child in token.children):
        return True  # "the summit is on Friday"
    for _ in range(4):
        if any(child.dep_.startswith("aux") and child.lower_ in _FUTURE_WORDS for child in token.children):
            return True
        if token.lemma_.lower() in _FUTURE_LEMMAS or token.lower_ in {"upcoming", "next", "due"}:
            return True
        is_verb = token.pos_ in {"VERB", "AUX"}
        if (is_verb and token.dep_ != "xcomp") or token.head is token:
            return False
        token = token.head
    return False


def _future_by_window(doc: Doc, span: SpacySpan) -> bool:
    """Without a parse: a future auxiliary in the same clause, no reporting verb in between."""
    before: list[str] = []
    for token in reversed(doc[max(0, span.start - 8) : span.start]):
        if token.text in {".", "!", "?", ";"}:
            break
        before.append(token.lower_)
    after: list[str] = []
    for token in doc[span.end : span.end + 6]:
        if token.text in {".", "!", "?", ";", ","}:
            break
        after.append(token.lower_)
    for words in (before, after):
        for word in words:
            if word in _REPORTING_WORDS:
                break
            if word in _FUTURE_WORDS or word in _FUTURE_CUES:
                return True
    return False


# --- entry point --------------------------------------------------------------


def find_dates(doc: Doc, published: PartialDate | str | None) -> list[DateMention]:
    """Every time expression in ``doc`` with its ISO value resolved against ``published``.

    ``published`` is the article's :class:`PartialDate` (or an ISO date string) or None; see the module
    docstring for what is found and missed. Raises :class:`InputError` when
    ``published`` is given but is not a date.
    """
    anchor = parse_published(published)
    ctx = _Context(doc)
    mentions = []
    for cand in _join_ranges(_longest_first(list(_candidates(ctx))), ctx.text):
        resolved = _resolve(cand.expr, anchor, _needs_tense(cand.expr) and _is_future(ctx, cand.start, cand.end))
        if resolved is None:
            continue
        mentions.append(DateMention(
            ctx.text[cand.start : cand.end], cand.start, cand.end,
            value=resolved.value, granularity=resolved.granularity, resolved=resolved.resolved,
        ))
    return mentions


def _needs_tense(expr: _Expr) -> bool:
    if isinstance(expr, _Range):
        return _needs_tense(expr.first)
    if isinstance(expr, _Calendar):
        return expr.year is None
    if isinstance(expr, _Period):
        return expr.unit == "weekend" and expr.offset == 0
    return isinstance(expr, _Weekday) and not expr.relation
