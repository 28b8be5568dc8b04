"""Actors named in a text and the side each stands for: "Russian forces", "Moscow", "the Kremlin" -> Russia.

Finds state and armed-group actors by an alias table: country names, demonyms, capitals and seats of
government used as metonyms ("Moscow", "the White House"), armies and services ("IDF", "SBU") and
well-known non-state armed groups, each mapped to the side it acts for (an armed group to its own
name, or to the people it fights for when it is one of several of that people: Hamas and Islamic
Jihad both count as "Palestine", so that blaming either is blaming the same side). Names are
matched on word boundaries, case-blind except the all-capital abbreviations ("US", "UK").

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
_CAPITALS = {"US": "United States", "U.S.": "United States", "USA": "United States", "UK": "United Kingdom",
             "U.K.": "United Kingdom", "UN": "", "EU": ""}


@dataclass(frozen=True)
class ActorMention:
    side: str
    text: str
    start: int  # character offsets into the text searched
    end: int


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    sides: dict[str, str] = {}
    for side, aliases in _SIDES.items():
        for alias in aliases.split("|"):
            sides[alias] = side
    words = sorted(sides, key=len, reverse=True)
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"[\s-]+") for w in words)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE), sides


_ABBREVIATION = re.compile(r"(?<![\w.])(US|U\.S\.|USA|UK|U\.K\.)(?![\w])")


def actor_mentions(text: str) -> list[ActorMention]:
    """Every actor alias in ``text`` with its side, in order of position."""
    pattern, sides = _pattern()
    found = []
    for match in pattern.finditer(text):
        key = re.sub(r"[\s-]+", " ", match.group(0).lower())
        side = sides.get(key) or sides.get(match.group(0).lower())
        if side is None:  # a hyphenated alias spelt with a space, or the reverse
            side = next((s for a, s in sides.items() if re.sub(r"[\s-]+", " ", a) == key), None)
        if side:
            found.append(ActorMention(side, match.group(0), match.start(), match.end()))
    for match in _ABBREVIATION.finditer(text):
        side = _CAPITALS.get(match.group(0))
        if side:
            found.append(ActorMention(side, match.group(0), match.start(), match.end()))
    return sorted(found, key=lambda m: m.start)


def side_of(name: str | None) -> str | None:
    """The side a name stands for ("the Israeli army" -> Israel), or None when it names none or several."""
    if not name:
        return None
    sides = {m.side for m in actor_mentions(name)}
    return sides.pop() if len(sides) == 1 else None
