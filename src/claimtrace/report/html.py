"""A self-contained HTML report: the text with layered highlights, tables and a map.

Annotations may overlap (an entity inside a claim's content), so the text is
cut at every annotation boundary and each piece carries the classes and
tooltips of all annotations covering it (:func:`annotated_paragraphs`). The
markup lives in Jinja2 templates (``report/templates``) with autoescaping on:
``annotated.html`` holds the macros that both this report and the web app
(``claimtrace serve``) use to draw an article, so article text, titles and
names are always escaped. No scripts or assets are fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from claimtrace.model import Analysis, Claim, Place
from claimtrace.report.events import casualty_tip, event_tip, events_html
from claimtrace.report.terminal import affiliation_note, source_key

LEGEND = (
    ("PER", "person"), ("ORG", "organization"), ("LOC", "location"), ("MISC", "other name"),
    ("date", "date"), ("place", "resolved place"), ("source", "claim source"), ("cue", "cue"),
    ("content", "claim content"), ("content denies", "denial"), ("event", "event"),
    ("event denied", "denied event"), ("casualty", "casualty figure"),
)


@dataclass(frozen=True)
class Mark:
    """One annotation: its character range, CSS classes and tooltip."""

    start: int
    end: int
    css: str
    tip: str


@dataclass(frozen=True)
class Piece:
    """A run of text and the marks covering all of it, outermost (longest) first."""

    text: str
    marks: tuple[Mark, ...]


@lru_cache(maxsize=1)
def report_templates() -> Environment:
    """The report's Jinja2 templates, autoescaped (the web app loads them beside its own)."""
    return Environment(loader=PackageLoader("claimtrace.report", "templates"), autoescape=select_autoescape())


def render_html(analyses: list[Analysis]) -> str:
    """One HTML page for one or more analyses."""
    title = analyses[0].article.title if len(analyses) == 1 else f"{len(analyses)} articles"
    articles = [article_context(a) | {"map_svg": _map_svg(a.places)} for a in analyses]
    return report_templates().get_template("report.html").render(title=title or "report", articles=articles)


def article_context(analysis: Analysis) -> dict:
    """What the article macros of ``annotated.html`` draw: metadata, annotated text, claims and places."""
    return {
        "article": analysis.article,
        "paragraphs": annotated_paragraphs(analysis),
        "legend": LEGEND,
        "claims": [claim_row(c) for c in analysis.claims],
        "places": place_rows(analysis.places),
        # generated markup: events_html escapes every text it writes
        "events": Markup(events_html(analysis)),
    }


def claim_row(claim: Claim) -> dict:
    source, kind = _source_with_kind(claim)
    return {"source": source, "kind": kind, "cue": claim.cue.text if claim.cue else "—",
            "certainty": claim.certainty, "polarity": claim.polarity, "content": claim.content.text}


def place_rows(places: list[Place]) -> list[dict]:
    mentions: dict[tuple, list[str]] = {}
    for p in places:
        mentions.setdefault((p.name, p.feature, p.country, p.lat, p.lon), []).append(p.text)
    return [
        {"mentions": f"{', '.join(sorted(set(texts)))} ({len(texts)})", "name": name, "feature": feature or "—",
         "country": country or "—", "coordinates": "" if lat is None or lon is None else f"{lat:.4f}, {lon:.4f}"}
        for (name, feature, country, lat, lon), texts in mentions.items()
    ]


def _map_svg(places: list[Place]) -> Markup:
    """The outline map of the located places; ``places_svg`` escapes every name it writes."""
    located = [p for p in places if p.lat is not None and p.lon is not None]
    if not located:
        return Markup("")
    from claimtrace.report.map import places_svg

    return Markup(places_svg(located))  # generated markup: places_svg escapes every name


def marks(analysis: Analysis) -> list[Mark]:
    """Every annotation of the analysis that lies inside its text."""
    found = [Mark(e.start, e.end, e.label, f"{e.label}: {e.canonical or e.text}") for e in analysis.entities]
    found += [Mark(d.start, d.end, "date", f"date: {d.value or '?'} ({d.granularity}"
                   f"{', resolved' if d.resolved else ', unresolved'})") for d in analysis.dates]
    found += [Mark(e.trigger.start, e.trigger.end, f"event {e.modality}", event_tip(analysis, e)) for e in analysis.events]
    found += [Mark(c.start, c.end, "casualty", casualty_tip(analysis, c)) for c in analysis.casualties]
    for p in analysis.places:
        where = f"{p.lat:.3f}, {p.lon:.3f}" if p.lat is not None and p.lon is not None else "unresolved"
        found.append(Mark(p.start, p.end, "place", f"place: {p.name} [{p.feature or '?'}, {p.country or '?'}] {where}"))
    for claim in analysis.claims:
        tip = claim_tip(claim)
        found.append(Mark(claim.content.start, claim.content.end, f"content {claim.polarity} {claim.certainty}", tip))
        if claim.source and claim.source.text:
            found.append(Mark(claim.source.start, claim.source.end, "source", tip))
        if claim.cue:
            found.append(Mark(claim.cue.start, claim.cue.end, "cue", tip))
    return [m for m in found if 0 <= m.start < m.end <= len(analysis.article.text)]


def _source_with_kind(claim: Claim) -> tuple[str, str]:
    """The source's name and its kind, with whom it speaks for ("person, for Kremlin (government)")."""
    name, kind = source_key(claim)
    affiliation = affiliation_note(claim)
    return name, f"{kind}, {affiliation}" if affiliation else kind


def claim_tip(claim: Claim) -> str:
    source, kind = _source_with_kind(claim)
    cue = f", cue '{claim.cue.text}'" if claim.cue else ""
    recipient = f", to {claim.recipient.text}" if claim.recipient else ""
    return f"claim by {source} [{kind}]{cue}{recipient}: {claim.form}, {claim.certainty}, {claim.polarity}"


def annotated_paragraphs(analysis: Analysis) -> list[list[Piece]]:
    """The text as paragraphs (split at line breaks, blank ones dropped) of annotated pieces."""
    text = analysis.article.text
    found = sorted(marks(analysis), key=lambda m: m.start)
    cuts = sorted({0, len(text), *(m.start for m in found), *(m.end for m in found)})
    paragraphs: list[list[Piece]] = [[]]
    active: list[Mark] = []
    upcoming = 0
    for start, end in zip(cuts, cuts[1:], strict=False):
        # a sweep: marks open at their start cut and close at their end cut (every end is a cut)
        active = [m for m in active if m.end > start]
        while upcoming < len(found) and found[upcoming].start <= start:
            active.append(found[upcoming])
            upcoming += 1
        covering = tuple(sorted(active, key=lambda m: (m.start - m.end, m.start)))
        for i, line in enumerate(text[start:end].split("\n")):
            if i:
                paragraphs.append([])
            if line:
                paragraphs[-1].append(Piece(line, covering))
    return [p for p in paragraphs if "".join(piece.text for piece in p).strip()]
