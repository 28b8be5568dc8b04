"""The events and casualty figures of one Analysis, for the terminal (rich) and the HTML report."""

from __future__ import annotations

from collections import defaultdict
from html import escape

from rich.console import Group
from rich.table import Table
from rich.text import Text

from claimtrace.model import Actor, Analysis, Casualty, Event

MODALITY_STYLE = {"actual": "white", "planned": "cyan", "threatened": "yellow", "possible": "yellow",
                  "denied": "bold red"}


def claimed_by(analysis: Analysis, index: int | None) -> str:
    """Who an event or a figure belongs to: its claim's source, else the article itself."""
    if index is None or not 0 <= index < len(analysis.claims):
        return "the article itself"
    source = analysis.claims[index].source
    if source is None or source.kind == "author":
        return "the article itself"
    return f"{source.canonical or source.text or 'unnamed source'} [{source.kind}]"


def actors_text(actors: list[Actor]) -> str:
    return ", ".join(f"{a.canonical or a.text}" + (f" ({a.country})" if a.country else "") for a in actors) or "—"


def event_where_when(event: Event) -> str:
    places = ", ".join(dict.fromkeys(p.name or p.text for p in event.places))
    when = event.date.value if event.date and event.date.value else ""
    return " · ".join(part for part in (places, when) if part) or "—"


def count_text(casualty: Casualty) -> str:
    if casualty.value is not None and casualty.high == casualty.value:
        return str(casualty.value)
    low = "?" if casualty.value is None else str(casualty.value)
    high = "…" if casualty.high is None else str(casualty.high)
    return f"{low}–{high}"


def events_table(analysis: Analysis) -> Table | None:
    if not analysis.events:
        return None
    table = Table(title="Events", title_justify="left", header_style="bold", expand=True)
    for column in ("category", "trigger", "source", "target", "where · when", "modality", "claimed by"):
        table.add_column(column)
    for event in analysis.events:
        modality = event.modality + (" (negated)" if event.negated and event.modality != "denied" else "")
        table.add_row(
            Text(event.category, style="bold"), event.trigger.text, actors_text(event.source),
            actors_text(event.target), event_where_when(event),
            Text(modality, style=MODALITY_STYLE.get(event.modality, "")), claimed_by(analysis, event.claim),
        )
    return table


def casualties_by_claimant(analysis: Analysis) -> Group | None:
    if not analysis.casualties:
        return None
    groups: dict[str, list[Casualty]] = defaultdict(list)
    for casualty in analysis.casualties:
        groups[claimed_by(analysis, casualty.claim)].append(casualty)
    parts: list[Text | Table] = [Text("Casualty figures by who claims them", style="bold underline")]
    for claimant, figures in groups.items():
        table = Table(title=Text(claimant, style="bold"), title_justify="left", header_style="dim", expand=True)
        for column in ("figure", "kind", "who", "count", "cause", "where · when"):
            table.add_column(column)
        for c in figures:
            where = " · ".join(x for x in ((c.place.name if c.place else ""), (c.date.value if c.date else "") or "") if x)
            table.add_row(Text(c.text, style="strike" if c.negated else ""), c.kind, c.who, count_text(c),
                          c.cause or "—", where or "—")
        parts.append(table)
    return Group(*parts)


def event_tip(analysis: Analysis, event: Event) -> str:
    mode = f"/{event.mode}" if event.mode else ""
    return (f"event {event.category}{mode} (CAMEO {event.cameo}): {actors_text(event.source)} → "
            f"{actors_text(event.target)}; {event_where_when(event)}; {event.modality}"
            f"{', negated' if event.negated else ''}; claimed by {claimed_by(analysis, event.claim)}")


def casualty_tip(analysis: Analysis, casualty: Casualty) -> str:
    return (f"{casualty.kind} ({casualty.who}): {count_text(casualty)}"
            f"{', cause ' + casualty.cause if casualty.cause else ''}; claimed by {claimed_by(analysis, casualty.claim)}")


def events_html(analysis: Analysis) -> str:
    """The events table, a map of the events' places, and the casualty figures by who claims them."""
    if not analysis.events and not analysis.casualties:
        return ""
    rows = "".join(
        f"<tr><td><b>{e.category}</b>{escape('/' + e.mode) if e.mode else ''}</td><td>{escape(e.trigger.text)}</td>"
        f"<td>{escape(actors_text(e.source))}</td><td>{escape(actors_text(e.target))}</td>"
        f"<td>{escape(event_where_when(e))}</td><td>{e.modality}{' (negated)' if e.negated else ''}</td>"
        f"<td>{escape(claimed_by(analysis, e.claim))}</td></tr>"
        for e in analysis.events
    )
    head = ("<tr><th>category</th><th>trigger</th><th>source</th><th>target</th><th>where · when</th>"
            "<th>modality</th><th>claimed by</th></tr>")
    located = [p for e in analysis.events for p in e.places if p.lat is not None and p.lon is not None]
    figure = ""
    if located:
        from claimtrace.report.map import places_svg

        figure = f"<h3>Where the events happen</h3>{places_svg(located)}"
    figures = "".join(
        f"<tr><td>{escape(claimed_by(analysis, c.claim))}</td><td>{escape(c.text)}</td><td>{c.kind}</td>"
        f"<td>{c.who}</td><td>{count_text(c)}</td><td>{escape(c.cause or '—')}</td></tr>"
        for c in sorted(analysis.casualties, key=lambda c: claimed_by(analysis, c.claim))
    )
    casualty_table = (
        "<h3>Casualty figures by who claims them</h3><table><tr><th>claimed by</th><th>figure</th><th>kind</th>"
        f"<th>who</th><th>count</th><th>cause</th></tr>{figures}</table>" if figures else ""
    )
    events_part = f"<table>{head}{rows}</table>" if rows else ""
    return f"<section><h2>Events</h2>{events_part}{figure}{casualty_table}</section>"
