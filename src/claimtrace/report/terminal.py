"""A readable terminal report of one Analysis (rich).

Every string from the article goes through :func:`claimtrace.sanitize.for_terminal` and into a
plain :class:`rich.text.Text`, so neither escape sequences nor rich markup in a document reach the
terminal.
"""

from __future__ import annotations

from collections import defaultdict

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from claimtrace.model import Analysis, Claim, Frame
from claimtrace.report.events import casualties_by_claimant, events_table
from claimtrace.sanitize import for_terminal

LABEL_NAMES = {"PER": "People", "ORG": "Organizations", "LOC": "Locations", "MISC": "Other names"}
POLARITY_STYLE = {"affirms": "green", "denies": "bold red"}
CERTAINTY_STYLE = {"confirmed": "bold green", "stated": "white", "hedged": "yellow", "rumored": "magenta"}


def print_report(analysis: Analysis, console: Console | None = None) -> None:
    console = console or Console()
    console.print(_header(analysis))
    sections = (_entities(analysis), _claims(analysis), _frames(analysis), events_table(analysis),
                casualties_by_claimant(analysis), _places(analysis), _dates(analysis))
    for section in sections:
        if section is not None:
            console.print(section)


def _header(analysis: Analysis) -> Panel:
    article = analysis.article
    facts = [
        ("outlet", article.outlet),
        ("published", article.published),
        ("url", article.url),
        ("language", article.language),
    ]
    lines = Text()
    for name, value in facts:
        if value:
            lines.append(f"{name}: ", style="dim").append(for_terminal(f"{value}") + "\n")
    words = len(article.text.split())
    lines.append(
        f"{words} words, {len(analysis.sentences)} sentences, {len(analysis.entities)} entity mentions, "
        f"{len(analysis.claims)} claims, {len(analysis.events)} events, {len(analysis.places)} places, "
        f"{len(analysis.dates)} dates",
        style="dim",
    )
    return Panel(lines, title=_plain(article.title or "(untitled)", style="bold"), title_align="left")


def _entities(analysis: Analysis) -> Table | None:
    if not analysis.entities:
        return None
    by_label: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for entity in analysis.entities:
        by_label[entity.label][entity.canonical or entity.text] += 1
    table = Table(title="Entities", title_justify="left", show_header=True, header_style="bold")
    table.add_column("type")
    table.add_column("names (mentions)")
    for label in sorted(by_label, key=lambda lb: list(LABEL_NAMES).index(lb) if lb in LABEL_NAMES else 9):
        names = by_label[label]
        listed = ", ".join(f"{name} ({n})" if n > 1 else name for name, n in sorted(names.items(), key=lambda kv: -kv[1]))
        table.add_row(_plain(LABEL_NAMES.get(label, label)), _plain(listed))
    return table


def _claims(analysis: Analysis) -> Group | None:
    if not analysis.claims:
        return None
    groups: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for claim in analysis.claims:
        groups[source_key(claim)].append(claim)
    parts: list[Text | Table] = [Text("Claims by source", style="bold underline")]
    for (name, kind), claims in groups.items():
        title = _plain(name, style="bold").append(f"  [{kind}]", style="cyan")
        affiliation = affiliation_note(claims[0])
        if affiliation:
            title.append(f" {for_terminal(affiliation)}", style="dim")
        table = Table(title=title, title_justify="left", show_header=True, header_style="dim", expand=True)
        table.add_column("cue", width=16)
        table.add_column("certainty", width=10)
        table.add_column("polarity", width=8)
        table.add_column("claim", ratio=1)
        for claim in claims:
            table.add_row(
                _plain(claim.cue.text if claim.cue else "—"),
                Text(claim.certainty, style=CERTAINTY_STYLE.get(claim.certainty, "")),
                Text(claim.polarity, style=POLARITY_STYLE.get(claim.polarity, "")),
                _plain(_shorten(claim.content.text)),
            )
        parts.append(table)
    return Group(*parts)


def affiliation_note(claim: Claim) -> str:
    """ "for Kremlin (government)": whom a person or unnamed source speaks for, or ""."""
    affiliation = claim.source.affiliation if claim.source is not None else None
    if affiliation is None:
        return ""
    return f"for {affiliation.canonical} ({affiliation.kind})"


def source_key(claim: Claim) -> tuple[str, str]:
    """(display name, kind) of a claim's source; the author's voice when there is none."""
    source = claim.source
    if source is None or source.kind == "author":
        return ("the article itself", "author")
    return (source.canonical or source.text or "unnamed source", source.kind)


FRAMED = ("responsibility", "presence", "toll")


def _frames(analysis: Analysis) -> Table | None:
    """The claims that state who is blamed, whether forces stay or leave, or a toll, as propositions."""
    framed = [c for c in analysis.claims if c.frame is not None and c.frame.predicate in FRAMED]
    if not framed:
        return None
    table = Table(title="Propositions (claim frames)", title_justify="left", header_style="bold", expand=True)
    table.add_column("proposition", max_width=28)
    table.add_column("place", max_width=16)
    table.add_column("about", no_wrap=True)
    table.add_column("claim", ratio=1)
    for claim in framed:
        frame = claim.frame
        table.add_row(
            _plain(proposition_words(frame), POLARITY_STYLE.get(frame.polarity, "")),
            _plain(frame.place_name or "—"), _plain(frame.time or "—"), _plain(_shorten(claim.content.text, 100)),
        )
    return table


def proposition_words(frame: Frame) -> str:
    """A frame in a few words: "Israel blamed", "Russia leaving (intention)", "toll: 471 killed"."""
    affirms = frame.polarity == "affirms"
    if frame.predicate == "responsibility":
        words = f"{frame.agent} {'blamed' if affirms else 'cleared'}"
    elif frame.predicate == "presence":
        words = f"{frame.agent} {'staying' if affirms else 'leaving'}"
    else:
        words = f"{frame.predicate}: {frame.quantity:g} {frame.unit}" if frame.quantity is not None else frame.predicate
    return words + (f" ({frame.modality})" if frame.modality not in ("asserted", "reported") else "")


def _places(analysis: Analysis) -> Table | None:
    if not analysis.places:
        return None
    table = Table(title="Places", title_justify="left", header_style="bold")
    for column in ("mention", "resolved to", "feature", "country", "lat", "lon", "conf."):
        table.add_column(column)
    for place in analysis.places:
        table.add_row(
            _plain(place.text),
            _plain(place.name or "—"),
            _plain(place.feature or "—"),
            _plain(place.country or "—"),
            f"{place.lat:.4f}" if place.lat is not None else "—",
            f"{place.lon:.4f}" if place.lon is not None else "—",
            f"{place.confidence:.2f}",
        )
    return table


def _dates(analysis: Analysis) -> Table | None:
    if not analysis.dates:
        return None
    table = Table(title="Dates", title_justify="left", header_style="bold")
    for column in ("mention", "value", "granularity", "resolved"):
        table.add_column(column)
    for date in analysis.dates:
        table.add_row(_plain(date.text), _plain(date.value or "—"), date.granularity, "yes" if date.resolved else "no")
    return table


def _shorten(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(value: str, style: str = "") -> Text:
    """``value`` as plain text for the terminal: no markup, no escape sequences."""
    return Text(for_terminal(value), style=style)
