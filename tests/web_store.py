"""A small store for the web app's tests, written by hand (no pipeline): three articles of two
outlets about one port, one contradiction, one corroboration, one update, places and events
with coordinates, and a hostile article whose title, outlet, URL, text, source, place, entity,
relation reason, event place and story label carry HTML and script meant to run if anything is unescaped."""

from __future__ import annotations

from pathlib import Path

from claimtrace.model import (
    Affiliation,
    Analysis,
    Article,
    Claim,
    Cue,
    DateMention,
    Entity,
    Event,
    Place,
    Sentence,
    Source,
    Span,
)
from claimtrace.store import ClaimFilter, open_store
from claimtrace.store.records import Relation

HOSTILE_TITLE = "<script>window.__pwned='title';alert('title')</script>Hostile report"
HOSTILE_OUTLET = "<img src=x onerror=\"alert('outlet')\">Evil Wire"
HOSTILE_URL = "javascript:alert('url')"
HOSTILE_TEXT = (
    "<svg onload=alert('source')> officials said that <script>alert('text')</script> was found in Lviv.\n"
    "A clerk said that <a href=\"javascript:alert('link')\">click me</a> and "
    "<img src=\"http://192.0.2.1/x.png\" onerror=\"alert('img')\"> appeared."
)
HOSTILE_REASON = "<script>alert('reason')</script>polarity flip"
HOSTILE_STORY = "<script>alert('story')</script>Hostile story"
HOSTILE_PLACE = "<img src=x onerror=alert('place')>Lviv"


def _at(text: str, part: str, cls: type = Span, **extra) -> Span:
    start = text.index(part)
    return cls(part, start, start + len(part), **extra)


def _sentences(text: str) -> list[Sentence]:
    found, start = [], 0
    for i, char in enumerate(text):
        if char in ".\n" and (i + 1 == len(text) or text[i + 1] in " \n"):
            found.append(Sentence(start, i + 1))
            start = i + 2
    if start < len(text):
        found.append(Sentence(start, len(text)))
    return found


def _claim(text: str, content: str, source: str | None, kind: str, cue: str | None, sentence: int,
           polarity: str = "affirms", certainty: str = "stated", affiliation: Affiliation | None = None) -> Claim:
    return Claim(
        content=_at(text, content),
        source=_at(text, source, Source, kind=kind, canonical=source, affiliation=affiliation) if source else None,
        cue=_at(text, cue, Cue, lemma=cue) if cue else None,
        form="indirect" if source else "author", certainty=certainty, polarity=polarity, sentence=sentence,
    )


def _port_articles() -> list[Analysis]:
    t1 = ("The regional governor said that three warehouses at the Odesa grain port were destroyed overnight.\n"
          "Port workers told reporters that no one was injured on 2 May 2024.")
    a1 = Analysis(
        article=Article(t1, "Shelling hits grain port in Odesa", "2024-05-02", "Harbor Gazette", "https://example.org/a1"),
        sentences=_sentences(t1),
        entities=[_at(t1, "Odesa", Entity, label="LOC", canonical="Odesa")],
        places=[_at(t1, "Odesa", Place, name="Odesa", lat=46.48, lon=30.73, country="UA", feature="city", id="geo:698740")],
        dates=[_at(t1, "2 May 2024", DateMention, value="2024-05-02", resolved=True)],
        claims=[_claim(t1, "three warehouses at the Odesa grain port were destroyed overnight", "The regional governor",
                       "government", "said", 0),
                _claim(t1, "no one was injured on 2 May 2024", "Port workers", "witness", "told", 1,
                       affiliation=Affiliation("the port", "Odesa Port Authority", "organization"))],
    )
    t2 = ("The port authority said that no warehouses were destroyed at the Odesa grain port.\n"
          "A witness said that smoke rose over the harbor for hours.")
    a2 = Analysis(
        article=Article(t2, "Officials deny damage at Odesa port", "2024-05-03", "Steppe Daily", "https://example.org/a2"),
        sentences=_sentences(t2),
        places=[_at(t2, "Odesa", Place, name="Odesa", lat=46.48, lon=30.73, country="UA", feature="city", id="geo:698740")],
        claims=[_claim(t2, "no warehouses were destroyed at the Odesa grain port", "The port authority", "organization",
                       "said", 0, polarity="denies"),
                _claim(t2, "smoke rose over the harbor for hours", "A witness", "witness", "said", 1)],
    )
    t3 = "The port authority said on Monday that the Odesa grain port had reopened after repairs."
    a3 = Analysis(
        article=Article(t3, "Odesa port reopens", "2024-05-20", "Harbor Gazette", "https://example.org/a3"),
        sentences=_sentences(t3),
        places=[_at(t3, "Odesa", Place, name="Odesa", lat=46.48, lon=30.73, country="UA", feature="city", id="geo:698740")],
        claims=[_claim(t3, "the Odesa grain port had reopened after repairs", "The port authority", "organization",
                       "said", 0)],
    )
    a1.events = [Event("ASSAULT", _at(t1, "destroyed"), places=[a1.places[0]], claim=0, sentence=0)]
    a3.events = [Event("COOPERATE", _at(t3, "reopened"), places=[a3.places[0]], claim=0, sentence=0),
                 Event("ASSAULT", _at(t3, "repairs"), places=[a3.places[0]], negated=True, sentence=0)]
    return [a1, a2, a3]


def _hostile_article() -> Analysis:
    text = HOSTILE_TEXT
    return Analysis(
        article=Article(text, HOSTILE_TITLE, "2024-05-04", HOSTILE_OUTLET, HOSTILE_URL),
        sentences=_sentences(text),
        entities=[_at(text, "Lviv", Entity, label="LOC", canonical="<b onmouseover=alert('entity')>Lviv</b>")],
        places=[_at(text, "Lviv", Place, name=HOSTILE_PLACE, lat=49.84, lon=24.03, country="UA", feature="city",
                    id="geo:702550")],
        events=[Event("COERCE", _at(text, "found"), places=[_at(text, "Lviv", Place, name=HOSTILE_PLACE, lat=49.84,
                                                               lon=24.03, id="geo:702550")], claim=0, sentence=0)],
        claims=[_claim(text, "<script>alert('text')</script> was found in Lviv", "<svg onload=alert('source')> officials",
                       "government", "said", 0),
                _claim(text, "<a href=\"javascript:alert('link')\">click me</a>", "A clerk", "person", "said", 1)],
    )


def build_web_store(path: Path) -> dict[str, int]:
    """Write the store at ``path``; returns the ids the tests click through."""
    store = open_store(path)
    try:
        articles = _port_articles() + [_hostile_article()]
        ids = [store.add_analysis(a, f"hash-{i}").id for i, a in enumerate(articles)]
        claims = [[c["id"] for c in sorted(store.find_claims(ClaimFilter(article_id=a, limit=None)),
                                           key=lambda c: c["claim"]["content"]["start"])] for a in ids]
        store.add_relations([
            Relation(claims[0][0], claims[1][0], "contradicts", "polarity flip: affirms vs denies", 0.81),
            Relation(claims[0][1], claims[1][1], "corroborates", "same event, two witnesses", 0.62),
            Relation(claims[1][0], claims[2][0], "updates", "17 days apart: a later state", 0.55),
            Relation(claims[0][0], claims[3][0], "contradicts", HOSTILE_REASON, 0.5),
        ])
        store.set_stories({ids[0]: 1, ids[1]: 1, ids[2]: 1, ids[3]: 2}, {1: "Odesa grain port", 2: HOSTILE_STORY})
        store.mark_linked(ids)
    finally:
        store.close()
    return {"governor_article": ids[0], "authority_article": ids[1], "reopen_article": ids[2], "hostile_article": ids[3],
            "governor_claim": claims[0][0], "denial_claim": claims[1][0], "hostile_claim": claims[3][0],
            "story": 1, "hostile_story": 2}
