"""A self-contained HTML report: the text with layered highlights, tables and a map.

Annotations may overlap (an entity inside a claim's content), so the text is
cut at every annotation boundary and each piece carries the classes and
tooltips of all annotations covering it. No scripts or assets are fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from claimtrace.model import Analysis, Claim
from claimtrace.report.events import casualty_tip, event_tip, events_html
from claimtrace.report.terminal import affiliation_note, source_key

STYLE = """
body{font:16px/1.6 Georgia,serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.6rem;margin-bottom:.2rem} .meta{color:#666;font:14px sans-serif}
.legend span{margin-right:.8rem;font:13px sans-serif;padding:1px 4px}
.text p{margin:.6rem 0}
.PER{background:#ffe3b3}.ORG{background:#cfe8ff}.LOC{background:#d6f5d6}.MISC{background:#eee}
.date{border-bottom:2px dotted #b35c00}.place{outline:1px solid #3a9c3a}
.source{font-weight:bold;border-bottom:3px solid #6a3d9a}
.cue{font-style:italic;color:#6a3d9a}
.content{background:rgba(106,61,154,.08)}
.content.denies{background:rgba(200,30,30,.10)}
.content.rumored,.content.hedged{text-decoration:underline wavy #c0a000}
.event{background:#fff3a0;border-bottom:2px solid #d08c00}.event.denied{background:#ffd0d0}
.casualty{background:#ffb3b3;font-weight:bold}
table{border-collapse:collapse;font:14px sans-serif;margin:1rem 0;width:100%}
td,th{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
section{margin-top:2rem} svg{max-width:100%;height:auto;border:1px solid #ddd}
[title]{cursor:help}
"""


@dataclass
class _Mark:
    start: int
    end: int
    css: str
    tip: str


def render_html(analyses: list[Analysis]) -> str:
    """One HTML page for one or more analyses."""
    title = analyses[0].article.title if len(analyses) == 1 else f"{len(analyses)} articles"
    body = "\n".join(_article_html(a) for a in analyses)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>claimtrace: {escape(title or 'report')}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )


def _article_html(analysis: Analysis) -> str:
    article = analysis.article
    meta = " · ".join(escape(str(v)) for v in (article.outlet, article.published, article.url) if v)
    parts = [
        f"<article><h1>{escape(article.title or '(untitled)')}</h1><div class='meta'>{meta}</div>",
        _legend(),
        f"<div class='text'>{_highlighted_text(analysis)}</div>",
        _claims_table(analysis.claims),
        events_html(analysis),
        _places_section(analysis),
        "</article>",
    ]
    return "\n".join(p for p in parts if p)


def _legend() -> str:
    items = [
        ("PER", "person"), ("ORG", "organization"), ("LOC", "location"), ("MISC", "other name"),
        ("date", "date"), ("place", "resolved place"), ("source", "claim source"), ("cue", "cue"),
        ("content", "claim content"), ("content denies", "denial"), ("event", "event"),
        ("event denied", "denied event"), ("casualty", "casualty figure"),
    ]
    spans = "".join(f"<span class='{css}'>{label}</span>" for css, label in items)
    return f"<p class='legend'>{spans}</p>"


def _marks(analysis: Analysis) -> list[_Mark]:
    marks = [_Mark(e.start, e.end, e.label, f"{e.label}: {e.canonical or e.text}") for e in analysis.entities]
    marks += [_Mark(d.start, d.end, "date", f"date: {d.value or '?'} ({d.granularity}"
                    f"{', resolved' if d.resolved else ', unresolved'})") for d in analysis.dates]
    for p in analysis.places:
        where = f"{p.lat:.3f}, {p.lon:.3f}" if p.lat is not None and p.lon is not None else "unresolved"
        marks.append(_Mark(p.start, p.end, "place", f"place: {p.name} [{p.feature or '?'}, {p.country or '?'}] {where}"))
    for claim in analysis.claims:
        tip = _claim_tip(claim)
        marks.append(_Mark(claim.content.start, claim.content.end, f"content {claim.polarity} {claim.certainty}", tip))
        if claim.source and claim.source.text:
            marks.append(_Mark(claim.source.start, claim.source.end, "source", tip))
        if claim.cue:
            marks.append(_Mark(claim.cue.start, claim.cue.end, "cue", tip))
    marks += [_Mark(e.trigger.start, e.trigger.end, f"event {e.modality}", event_tip(analysis, e)) for e in analysis.events]
    marks += [_Mark(c.start, c.end, "casualty", casualty_tip(analysis, c)) for c in analysis.casualties]
    return [m for m in marks if 0 <= m.start < m.end <= len(analysis.article.text)]


def _claim_tip(claim: Claim) -> str:
    source, kind = source_key(claim)
    cue = f", cue '{claim.cue.text}'" if claim.cue else ""
    recipient = f", to {claim.recipient.text}" if claim.recipient else ""
    affiliation = affiliation_note(claim)
    kind = f"{kind}, {affiliation}" if affiliation else kind
    return f"claim by {source} [{kind}]{cue}{recipient}: {claim.form}, {claim.certainty}, {claim.polarity}"


def _highlighted_text(analysis: Analysis) -> str:
    text = analysis.article.text
    marks = _marks(analysis)
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [m for m in marks if m.start <= start and end <= m.end]
        piece = escape(text[start:end])
        for mark in sorted(covering, key=lambda m: m.start - m.end):
            piece = f"<span class='{mark.css}' title='{escape(mark.tip, quote=True)}'>{piece}</span>"
        pieces.append(piece)
    paragraphs = "".join(pieces).split("\n")
    return "".join(f"<p>{p}</p>" for p in paragraphs if p.strip())


def _claims_table(claims: list[Claim]) -> str:
    if not claims:
        return ""
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in (*_source_cells(c), c.cue.text if c.cue else "—"))
        + f"<td>{c.certainty}</td><td>{c.polarity}</td><td>{escape(c.content.text)}</td></tr>"
        for c in claims
    )
    head = "<tr><th>source</th><th>kind</th><th>cue</th><th>certainty</th><th>polarity</th><th>claim</th></tr>"
    return f"<section><h2>Claims</h2><table>{head}{rows}</table></section>"


def _source_cells(claim: Claim) -> tuple[str, str]:
    """The source's name and its kind, with whom it speaks for ("person, for Kremlin (government)")."""
    name, kind = source_key(claim)
    affiliation = affiliation_note(claim)
    return name, f"{kind}, {affiliation}" if affiliation else kind


def _places_section(analysis: Analysis) -> str:
    located = [p for p in analysis.places if p.lat is not None and p.lon is not None]
    if not analysis.places:
        return ""
    try:
        from claimtrace.report.map import places_svg

        figure = places_svg(located) if located else ""
    except ImportError:
        figure = ""
    mentions: dict[tuple, list[str]] = {}
    for p in analysis.places:
        mentions.setdefault((p.name, p.feature, p.country, p.lat, p.lon), []).append(p.text)
    rows = "".join(
        f"<tr><td>{escape(', '.join(sorted(set(texts))))} ({len(texts)})</td><td>{escape(name)}</td>"
        f"<td>{escape(feature or '—')}</td><td>{escape(country or '—')}</td>"
        f"<td>{'' if lat is None else f'{lat:.4f}, {lon:.4f}'}</td></tr>"
        for (name, feature, country, lat, lon), texts in mentions.items()
    )
    head = "<tr><th>mentions</th><th>place</th><th>feature</th><th>country</th><th>coordinates</th></tr>"
    return f"<section><h2>Places</h2>{figure}<table>{head}{rows}</table></section>"
