"""The event dictionaries as data: PETRARCH-2 verb patterns, actors and agents, the CAMEO->PLOVER table.

``load_lexicon()`` is the one function that loads them, from the compact artifact
``claimtrace/data/events/petrarch.json.gz`` compiled by ``training/events/compile_dictionaries.py``
(its README gives the sources and licences). A missing or unreadable artifact is an error naming the file.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from claimtrace.errors import ClaimtraceError

LEXICON_PATH = Path(__file__).resolve().parents[2] / "data" / "events" / "petrarch.json.gz"


@dataclass(frozen=True)
class Pattern:
    """``pre * post [code]``: words (or ``&SYNSET`` names) before and after the verb, in order."""

    pre: tuple[str, ...]
    post: tuple[str, ...]
    code: str
    literals: frozenset[str] = frozenset()  # the plain words, all of which must occur for a match
    verbs: frozenset[str] = frozenset()  # the verbs the pattern was written for (empty: the whole block)


@dataclass(frozen=True)
class VerbBlock:
    code: str  # the block's default CAMEO code ("---": no event)
    patterns: tuple[Pattern, ...]


@dataclass(frozen=True)
class VerbForm:
    words: tuple[str, ...]  # lower case ("meet", "with")
    verb_index: int  # which word is the verb
    block: int
    code: str | None = None  # the form's own default code, replacing the block's ("arrest" [173])


@dataclass
class Lexicon:
    synsets: dict[str, tuple[tuple[str, ...], ...]]
    blocks: list[VerbBlock]
    forms: dict[str, list[VerbForm]]  # verb word (lower case) -> forms containing it
    actors: dict[str, str]  # name (lower case, space-joined) -> CAMEO actor code
    agents: dict[str, str]  # role noun (lower case) -> agent code ("GOV", "MIL", ...)
    cameo2plover: dict[str, tuple[str, str, str]]  # CAMEO code -> (category, mode, context)
    synset_index: dict[str, dict[str, list[tuple[str, ...]]]] = field(default_factory=dict)  # first word -> rests
    longest_actor: int = 1

    def plover(self, cameo: str) -> tuple[str, str, str] | None:
        """The PLOVER (category, mode, context) of a CAMEO code: exact, else its 3- then 2-digit root."""
        for length in (len(cameo), 3, 2):
            entry = self.cameo2plover.get(cameo[:length])
            if entry and entry[0]:
                return entry
        return None


def load_lexicon(path: Path | None = None) -> Lexicon:
    """The event lexicon (cached): see the module docstring."""
    return _load(str(path or LEXICON_PATH))


@lru_cache(maxsize=2)
def _load(path: str) -> Lexicon:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            raw = json.load(handle)
    except (OSError, ValueError) as error:
        raise ClaimtraceError(f"cannot read the event lexicon {path}: {error}") from error
    synsets = {name.lower(): tuple(tuple(w.lower() for w in member) for member in members)
               for name, members in raw["synsets"].items()}
    blocks = [
        VerbBlock(block["code"], tuple(_pattern(p) for p in block["patterns"])) for block in raw["blocks"]
    ]
    forms: dict[str, list[VerbForm]] = {}
    for index, block in enumerate(raw["blocks"]):
        for words, verb_index, code in block["forms"]:
            form = VerbForm(tuple(w.lower() for w in words), verb_index, index, code)
            forms.setdefault(form.words[verb_index], []).append(form)
    for candidates in forms.values():
        candidates.sort(key=lambda f: -len(f.words))  # multi-word forms first
    actors = raw["actors"]
    return Lexicon(
        synsets=synsets,
        blocks=blocks,
        forms=forms,
        actors=actors,
        agents=raw["agents"],
        cameo2plover={code: tuple(entry) for code, entry in raw["cameo2plover"].items()},
        synset_index={name: _first_word_index(members) for name, members in synsets.items()},
        longest_actor=max(len(name.split()) for name in actors),
    )


def _pattern(raw: list) -> Pattern:
    pre, post = tuple(e.lower() for e in raw[0]), tuple(e.lower() for e in raw[1])
    verbs = frozenset(v.lower().replace("+", "").split("_")[0] for v in raw[3]) if len(raw) > 3 else frozenset()
    return Pattern(pre, post, raw[2], frozenset(e for e in pre + post if not e.startswith("&")), verbs)


def _first_word_index(members: tuple[tuple[str, ...], ...]) -> dict[str, list[tuple[str, ...]]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for member in members:
        index.setdefault(member[0], []).append(member[1:])
    return index
