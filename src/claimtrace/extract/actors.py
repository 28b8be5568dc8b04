"""Actors named in a text and the side each stands for: "Russian forces", "Moscow", "the Kremlin" -> Russia.

Finds state and armed-group actors by an alias table: country names, demonyms, capitals and seats of
government used as metonyms ("Moscow", "the White House"), armies and services ("IDF", "SBU") and
well-known non-state armed groups, each mapped to the side it acts for (an armed group to its own
name, or to the people it fights for when it is one of several of that people: Hamas and Islamic
Jihad both count as "Palestine", so that blaming either is blaming the same side). Names are
matched word by word (a dictionary lookup of one to four words at each position, longest first),
case-blind except the abbreviations "US" and "UK", which must be written in capitals.

Misses: persons (a leader stands for no side here), groups not in the table, and sides that change
over time (a militia changing allegiance).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# side: aliases (lower case; multiword aliases allowed); all-capital abbreviations below.
_SIDES: dict[str, str] = {
    "Israel": "israel|israeli|israelis|idf|israel defense forces|israel defence forces|tel aviv|jerusalem"
              "|israeli occupation|zionist|zionists|shin bet|mossad",
    "Palestine": "palestine|palestinian|palestinians|gaza|gazan|gazans|hamas|islamic jihad|pij|al-qassam"
                 "|qassam brigades|al-quds brigades|fatah|west bank|palestinian authority",
    "Russia": "russia|russian|russians|moscow|kremlin|russian federation|wagner|rosgvardia|fsb",
    "Ukraine": "ukraine|ukrainian|ukrainians|kyiv|kiev|sbu|afu|armed forces of ukraine",
    "United States": "united states|american|americans|washington|pentagon|white house|cia",
    "United Kingdom": "united kingdom|britain|british|london|downing street",
    "France": "france|french|paris|elysee",
    "Germany": "germany|german|berlin",
    "Iran": "iran|iranian|iranians|tehran|irgc|revolutionary guards",
    "Lebanon": "lebanon|lebanese|beirut|hezbollah|hizbollah",
    "Syria": "syria|syrian|syrians|damascus",
    "Iraq": "iraq|iraqi|iraqis|baghdad",
    "Yemen": "yemen|yemeni|houthi|houthis|ansar allah|sanaa",
    "Saudi Arabia": "saudi arabia|saudi|saudis|riyadh",
    "Turkey": "turkey|turkish|türkiye|ankara",
    "Egypt": "egypt|egyptian|cairo",
    "Jordan": "jordan|jordanian|amman",
    "Qatar": "qatar|qatari|doha",
    "China": "china|chinese|beijing|pla",
    "Taiwan": "taiwan|taiwanese|taipei",
    "North Korea": "north korea|north korean|pyongyang",
    "South Korea": "south korea|south korean|seoul",
    "India": "india|indian|new delhi",
    "Pakistan": "pakistan|pakistani|islamabad",
    "Afghanistan": "afghanistan|afghan|kabul|taliban",
    "Belarus": "belarus|belarusian|minsk",
    "Poland": "poland|polish|warsaw",
    "Armenia": "armenia|armenian|yerevan",
    "Azerbaijan": "azerbaijan|azerbaijani|azeri|baku",
    "Georgia": "tbilisi",
    "Sudan": "sudan|sudanese|khartoum|sudanese armed forces",
    "Rapid Support Forces": "rapid support forces|rsf",
    "Ethiopia": "ethiopia|ethiopian|addis ababa",
    "Eritrea": "eritrea|eritrean|asmara",
    "Tigray": "tplf|tigrayan forces",
    "Somalia": "somalia|somali|mogadishu",
    "al-Shabaab": "al-shabaab|al shabaab|shabaab",
    "Libya": "libya|libyan|tripoli",
    "Mali": "mali|malian|bamako",
    "Nigeria": "nigeria|nigerian|abuja",
    "Boko Haram": "boko haram",
    "Myanmar": "myanmar|burmese|naypyidaw|tatmadaw",
    "Islamic State": "islamic state|isis|isil|daesh",
    "al-Qaeda": "al-qaeda|al qaeda|al-qaida",
    "Kurdish forces": "sdf|ypg|pkk|peshmerga|syrian democratic forces",
    "NATO": "nato",
    "Serbia": "serbia|serbian|belgrade",
    "Kosovo": "kosovo|kosovar|pristina",
    "Colombia": "colombia|colombian|bogota",
    "Venezuela": "venezuela|venezuelan|caracas",
    "Mexico": "mexico|mexican",
    "Congo": "congo|congolese|kinshasa",
    "M23": "m23",
    "Rwanda": "rwanda|rwandan|kigali",
}
# All-capital abbreviations matched as written only ("US", not "us").
_CAPITALS = {"US": "United States", "U.S.": "United States", "U.S": "United States", "USA": "United States",
             "UK": "United Kingdom", "U.K.": "United Kingdom", "U.K": "United Kingdom"}


@dataclass(frozen=True)
class ActorMention:
    side: str
    text: str
    start: int  # character offsets into the text searched
    end: int


_LONGEST = 4  # words in the longest alias


@lru_cache(maxsize=1)
def _aliases() -> dict[tuple[str, ...], str]:
    """Every alias as its lower-case words ("tel aviv" -> ("tel", "aviv")), hyphens as word breaks."""
    table: dict[tuple[str, ...], str] = {}
    for side, aliases in _SIDES.items():
        for alias in aliases.split("|"):
            table[tuple(re.split(r"[\s-]+", alias))] = side
    return table


@lru_cache(maxsize=1)
def _alias_starts() -> frozenset[str]:
    """The first word of every alias: only at such a word can an alias start (most words are none)."""
    return frozenset(words[0] for words in _aliases())


def _longest_alias_at(lowered: list[str], i: int, table: dict[tuple[str, ...], str]) -> int:
    """How many words from ``i`` on make the longest alias of ``table`` (0: none)."""
    for n in range(min(_LONGEST, len(lowered) - i), 0, -1):
        if tuple(lowered[i : i + n]) in table:
            return n
    return 0


_WORDS = re.compile(r"[A-Za-zÀ-ÿ]+(?:\.[A-Za-z]+)*\.?")


@lru_cache(maxsize=1024)  # a claim's frame asks several times about the same text
def actor_mentions(text: str) -> tuple[ActorMention, ...]:
    """Every actor alias in ``text`` with its side, in order of position (longest alias first)."""
    table, starts = _aliases(), _alias_starts()
    words = [(m.group(0).rstrip("."), m.start()) for m in _WORDS.finditer(text)]
    lowered = [w.lower() for w, _ in words]
    found: list[ActorMention] = []
    i = 0
    while i < len(words):
        n = _longest_alias_at(lowered, i, table) if lowered[i] in starts else 0
        if n:
            side = table[tuple(lowered[i : i + n])]
            end = words[i + n - 1][1] + len(words[i + n - 1][0])
            found.append(ActorMention(side, text[words[i][1] : end], words[i][1], end))
            i += n
            continue
        side = _CAPITALS.get(words[i][0]) or _CAPITALS.get(words[i][0] + ".")
        if side:
            start = words[i][1]
            found.append(ActorMention(side, text[start : start + len(words[i][0])], start, start + len(words[i][0])))
        i += 1
    return tuple(found)


def side_of(name: str | None) -> str | None:
    """The side a name stands for ("the Israeli army" -> Israel), or None when it names none or several."""
    if not name:
        return None
    sides = {m.side for m in actor_mentions(name)}
    return sides.pop() if len(sides) == 1 else None
