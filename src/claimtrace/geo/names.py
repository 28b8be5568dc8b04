"""How place names become index keys, the same way at build and at lookup time."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Arabic (and a few Romance) articles that sources write or drop at will:
# "Al-Hasakah" / "Hasakah", "Al Qamishli" / "Qamishli", "Ar Raqqah" / "Raqqa".
_ARTICLES = ("al", "el", "ad", "ar", "as", "at", "ash", "az", "an", "adh", "ath", "ad-", "ed", "es")
_ARTICLE_RE = re.compile(r"^(?:" + "|".join(a.rstrip("-") for a in _ARTICLES) + r") (?=\S{3})")
_QUOTES = re.compile(r"['’‘`ʿʾʻ]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SAINT = re.compile(r"^(?:st|ste|saint|sainte) ")

# Generic words that name the kind of an administrative area, with the feature they point to.
ADMIN_SUFFIXES: dict[str, str] = {
    "province": "admin1",
    "governorate": "admin1",
    "oblast": "admin1",
    "region": "admin1",
    "state": "admin1",
    "prefecture": "admin1",
    "krai": "admin1",
    "canton": "admin1",
    "territory": "admin1",
    "department": "admin1",
    "voivodeship": "admin1",
    "sheng": "admin1",
    "shi": "admin1",
    "zizhiqu": "admin1",
    "ostan": "admin1",
    "okrug": "admin1",
    "kray": "admin1",
    "respublika": "admin1",
    "co": "admin2",
    "county": "admin2",
    "district": "admin2",
    "parish": "admin2",
    "municipality": "admin2",
    "borough": "admin2",
    "raion": "admin2",
    "rayon": "admin2",
}
_SUFFIX_RE = re.compile(r" (?:" + "|".join(ADMIN_SUFFIXES) + r")$")
_PREFIX_RE = re.compile(r"^(?:province|governorate|state|county|city|district|region) of ")
_MUHAFAZAT_RE = re.compile(r"^(?:muhafazat|mohafazat|provincia|provincia de|departamento de) ")


def fold(text: str) -> str:
    """Lowercase ASCII form: diacritics and apostrophes removed, other punctuation to spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_text = _QUOTES.sub("", ascii_text.lower())
    return _NON_ALNUM.sub(" ", ascii_text).strip()


@lru_cache(maxsize=65536)  # place names recur in every article; at build time too
def name_key(text: str) -> str:
    """The lookup key of a name: folded, leading article dropped, "St." spelled "saint"."""
    key = fold(text)
    key = _ARTICLE_RE.sub("", key)
    return _SAINT.sub("saint ", key)


def strip_admin_words(key: str) -> tuple[str, str | None]:
    """``"hasakah province"`` -> ``("hasakah", "admin1")``; keys without such words come back unchanged.

    Applied twice, for double suffixes ("Guangxi Zhuangzu Zizhiqu" loses "zizhiqu", then "zhuangzu").
    """
    first, hint = _strip_once(key)
    if hint:
        second, _ = _strip_once(first)
        return second, hint
    return first, hint


_ETHNIC_WORDS = re.compile(r" (?:zhuangzu|huizu|weiwuer|uygur|avtonomnyy)$")


def _strip_once(key: str) -> tuple[str, str | None]:
    ethnic = _ETHNIC_WORDS.search(key)
    if ethnic:
        return key[: ethnic.start()], "admin1"
    for pattern in (_SUFFIX_RE, _PREFIX_RE):
        match = pattern.search(key)
        if match and len(key) - len(match.group(0)) >= 3:
            word = match.group(0).strip().split()[0 if pattern is _PREFIX_RE else -1]
            stripped = (key[: match.start()] + key[match.end():]).strip()
            return name_key(stripped), ADMIN_SUFFIXES.get(word, "admin1" if word != "city" else "city")
    match = _MUHAFAZAT_RE.search(key)
    if match:
        return name_key(key[match.end():]), "admin1"
    return key, None


def is_latin_name(name: str) -> bool:
    """True for names written in Latin script and starting with a capital (GeoNames' real exonyms)."""
    if not name or not name[0].isupper():
        return False
    return all(ord(c) < 0x250 or unicodedata.combining(c) or c in "’‘ʻʿʾ" for c in name)
