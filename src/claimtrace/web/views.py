"""What each page and API route shows, computed from the store's query API.

Pages (``pages.py``) and the JSON API (``api.py``) call the same functions
here, so a page never shows what the API cannot give. Nothing here builds
SQL: filters go to the store as values (:class:`~claimtrace.store.ClaimFilter`
and friends), and search words become a quoted FTS5 query.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from claimtrace.model import Analysis, PartialDate
from claimtrace.report.html import article_context
from claimtrace.store import ArticleFilter, ClaimFilter, Store

MAX_LIMIT = 200
DEFAULT_LIMIT = 25
_WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass
class Page:
    """One page of a list: its items and whether more follow."""

    items: list[dict[str, Any]]
    limit: int
    offset: int
    more: bool

    def as_json(self) -> dict[str, Any]:
        return {"items": self.items, "limit": self.limit, "offset": self.offset, "more": self.more}


def paged(fetch: Callable[[int, int], list[dict[str, Any]]], limit: int, offset: int) -> Page:
    """Call ``fetch(limit + 1, offset)`` and tell from the extra row whether there is a next page."""
    rows = fetch(limit + 1, offset)
    return Page(rows[:limit], limit, offset, len(rows) > limit)


def first_day(value: str | None) -> str | None:
    """The first day of a YYYY, YYYY-MM or YYYY-MM-DD bound, as ISO text (store filters compare days)."""
    return PartialDate.from_iso(value).first_day().isoformat() if value else None


def last_day(value: str | None) -> str | None:
    """The last day of such a bound ("2024-04" -> "2024-04-30")."""
    return PartialDate.from_iso(value).last_day().isoformat() if value else None


def fts_query(text: str | None) -> str | None:
    """Words typed by a user as an FTS5 query that matches all of them (each quoted: no operators)."""
    words = _WORD.findall(text or "")
    return " ".join('"' + w.replace('"', '""') + '"' for w in words) or None


@dataclass
class SearchParams:
    """The search page's form: words, filters and the page."""

    q: str | None = None
    outlet: str | None = None
    source_kind: str | None = None
    place: str | None = None
    since: str | None = None
    until: str | None = None
    story: int | None = None
    limit: int = DEFAULT_LIMIT
    offset: int = 0

    def article_filter(self, limit: int, offset: int) -> ArticleFilter:
        return ArticleFilter(search=fts_query(self.q), outlet=self.outlet or None, source_kind=self.source_kind or None,
                             place=self.place or None, since=first_day(self.since), until=last_day(self.until),
                             story_id=self.story, limit=limit, offset=offset)

    def claim_filter(self, limit: int, offset: int) -> ClaimFilter:
        return ClaimFilter(search=fts_query(self.q), outlet=self.outlet or None, source_kind=self.source_kind or None,
                           place=self.place or None, since=first_day(self.since), until=last_day(self.until),
                           story_id=self.story, order="published", limit=limit, offset=offset)


def find_articles(store: Store, params: SearchParams) -> Page:
    page = paged(lambda n, o: store.find_articles(params.article_filter(n, o)), params.limit, params.offset)
    for item in page.items:
        item["snippet_parts"] = snippet_parts(item.pop("snippet", None))
    return page


def find_claims(store: Store, params: SearchParams) -> Page:
    return paged(lambda n, o: store.find_claims(params.claim_filter(n, o)), params.limit, params.offset)


def snippet_parts(snippet: str | None) -> list[tuple[str, bool]]:
    """An FTS snippet (hits between \\x02 and \\x03) as (text, is_hit) parts, for escaping and marking."""
    parts: list[tuple[str, bool]] = []
    for i, chunk in enumerate(re.split(r"[\x02\x03]", snippet or "")):
        if chunk:
            parts.append((chunk, i % 2 == 1))
    return parts


def article_claims(store: Store, article_id: int) -> list[dict[str, Any]]:
    """An article's stored claims in text order, each with its relations."""
    claims = store.find_claims(ClaimFilter(article_id=article_id, limit=None))
    claims.sort(key=lambda c: (c["claim"]["content"]["start"], c["id"]))
    relations = store.claim_relations([c["id"] for c in claims])
    for claim in claims:
        claim["relations"] = relations.get(claim["id"], [])
    return claims


def article_view(store: Store, article_id: int) -> dict[str, Any]:
    """An article's metadata, its annotated text, and its claims grouped by source with their relations."""
    meta = store.article(article_id)
    analysis: Analysis = store.analysis(article_id)
    claims = article_claims(store, article_id)
    return {"meta": meta, "report": article_context(analysis), "groups": claims_by_source(claims),
            "claims": claims}


def claims_by_source(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Claims grouped by (source, kind), groups in order of first appearance."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for claim in claims:
        kind = claim["source_kind"] or "author"
        name = claim["source"] if kind != "author" else "the article itself"
        group = groups.setdefault((name or "unnamed source", kind), {
            "source": name or "unnamed source", "kind": kind, "affiliation": source_affiliation(claim), "claims": []})
        group["claims"].append(claim)
    return list(groups.values())


def source_affiliation(claim: dict[str, Any]) -> str | None:
    """Whom the source speaks for ("Kremlin (government)"), where the stored claim says (older stores do not)."""
    source = claim.get("claim", {}).get("source") or {}
    value = source.get("affiliation")
    if not value:
        return None
    if isinstance(value, dict):
        name = value.get("canonical") or value.get("text") or "?"
        return f"{name} ({value['kind']})" if value.get("kind") else name
    return str(value)


def claim_view(store: Store, claim_id: int) -> dict[str, Any]:
    """A claim, its article, and every relation with the other claim beside it."""
    claim = store.claim(claim_id)
    claim["affiliation"] = source_affiliation(claim)
    for relation in claim["relations"]:
        relation["other"]["affiliation"] = source_affiliation(relation["other"])
    return claim


def conflicts(store: Store, index: list[tuple[int, int, str, str | None, str | None]], outlet: str | None,
              since: str | None, until: str | None, limit: int, offset: int) -> Page:
    """Contradicting pairs, newest first, with an outlet on either side and the newer side in the date range:
    filtered and paged from ``index`` (``Store.relation_index("contradicts")``, kept by the caller), then
    read for the page only."""
    since, until = first_day(since), last_day(until)
    kept = [(a, b) for a, b, newest, a_outlet, b_outlet in index
            if (not outlet or outlet in (a_outlet, b_outlet)) and (not since or newest[:10] >= since)
            and (not until or newest[:10] <= until)]
    return Page(store.relations_of_pairs(kept[offset:offset + limit]), limit, offset, len(kept) > offset + limit)


def outlet_profiles(store: Store) -> list[dict[str, Any]]:
    """Per outlet: counts, the mix of source kinds (shares of all claims), and who contradicts it how often."""
    kinds: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for row in store.outlet_source_kinds():
        kinds[row["outlet"]].append({"kind": row["source_kind"] or "author", "claims": row["claims"]})
    contradicted_by: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for row in store.outlet_contradictions():
        contradicted_by[row["outlet"]].append({"outlet": row["by"], "pairs": row["pairs"]})
    profiles = []
    for row in store.outlets():
        total = sum(k["claims"] for k in kinds[row["outlet"]]) or 1
        mix = [{**k, "share": k["claims"] / total} for k in kinds[row["outlet"]]]
        profiles.append({**row, "source_kinds": mix, "contradicted_by": contradicted_by[row["outlet"]]})
    return profiles


def sliced(rows: list[dict[str, Any]], limit: int, offset: int) -> Page:
    """A page of a list already in memory."""
    return Page(rows[offset:offset + limit], limit, offset, len(rows) > offset + limit)

