"""What each page of the web view shows, as plain JSON-ready dicts.

The HTML templates render these dicts and the ``.json`` routes return them
unchanged, so a script and a reader see the same thing. Everything comes from
the stored ledger rows and their character offsets: nothing is re-analysed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from claimtrack.ledger import Ledger
from claimtrack.ledger.linking import fold
from claimtrack.records import Actor, Analysis, Span, Statement

PER_PAGE = 50
MAX_PER_PAGE = 500
#: date precisions whose interval is drawn as a range on the timeline
RANGE_PRECISIONS = frozenset({"interval", "week", "month", "quarter", "season", "year", "duration"})


@dataclass(frozen=True, slots=True)
class Filters:
    """The list filters of the CLI (``--since/--until/--side/--place/--actor``) and a search."""

    q: str | None = None
    since: date | None = None
    until: date | None = None
    side: str | None = None
    place: str | None = None
    actor: str | None = None

    def claim_filters(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "until": self.until,
            "side": self.side,
            "place": self.place,
            "actor": self.actor,
        }

    def as_dict(self) -> dict[str, str]:
        """The filters given, as query-string values."""
        return {
            name: str(getattr(self, name))
            for name in ("q", "since", "until", "side", "place", "actor")
            if getattr(self, name) not in (None, "")
        }


def paginate(items: Sequence[Any], page: int, per_page: int) -> dict[str, Any]:
    """One page of ``items`` with the numbers a pager needs."""
    total = len(items)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    start = (page - 1) * per_page
    return {
        "items": list(items[start : start + per_page]),
        "page": page,
        "pages": pages,
        "per_page": per_page,
        "total": total,
    }


def _matches(q: str | None, *fields: object) -> bool:
    if not q:
        return True
    want = fold(q)
    return any(want in fold(str(f)) for f in fields if f)


# ------------------------------------------------------------------ lists


def home(led: Ledger) -> dict[str, Any]:
    counts = led.counts()
    return {
        "ledger": str(led.path),
        "articles": counts["articles"],
        "statements": counts["statements"],
        "actors": counts["ledger_actors"],
        "claims": counts["claims"],
    }


def articles(led: Ledger, f: Filters, page: int, per_page: int) -> dict[str, Any]:
    rows = [
        {
            k: a[k]
            for k in (
                "article_id",
                "title",
                "publisher",
                "author",
                "url",
                "published",
                "source",
                "statements",
            )
        }
        for a in led.articles()
        if _matches(f.q, a["title"], a["publisher"], a["url"], a["source"], a["author"])
        and (f.since is None or (a["published"] or "") >= f.since.isoformat())
        and (
            f.until is None
            or (a["published"] is not None and a["published"] <= f.until.isoformat())
        )
    ]
    rows.reverse()  # newest first
    return {"filters": f.as_dict(), **paginate(rows, page, per_page)}


def actors(led: Ledger, f: Filters, page: int, per_page: int) -> dict[str, Any]:
    rows = [
        {k: a[k] for k in ("ledger_actor_id", "name", "kind", "side", "articles", "statements")}
        for a in led.actors(name=f.q or f.actor, side=f.side)
    ]
    return {"filters": f.as_dict(), **paginate(rows, page, per_page)}


def propositions(led: Ledger, f: Filters, page: int, per_page: int) -> dict[str, Any]:
    rows = [r for r in led.propositions(**f.claim_filters()) if _matches(f.q, r["proposition"])]
    return {"filters": f.as_dict(), **paginate(rows, page, per_page)}


def groups(led: Ledger, what: str, f: Filters, page: int, per_page: int) -> dict[str, Any]:
    """Disputes or corroborations, each without its statement list (the proposition page has it)."""
    found = (
        led.disputes(**f.claim_filters())
        if what == "disputes"
        else led.corroborations(**f.claim_filters())
    )
    rows = [
        {k: v for k, v in g.items() if k != "statements_list"}
        for g in found
        if _matches(f.q, g["proposition"], *(st["actor"] for st in g["statements_list"]))
    ]
    return {"filters": f.as_dict(), **paginate(rows, page, per_page)}


# ------------------------------------------------------------------ article


def article(led: Ledger, article_id: str) -> dict[str, Any] | None:
    """The article's text cut into segments, each with the statement roles and exclusion over it."""
    summary = led.article(article_id)
    analysis = led.analysis(article_id)
    if summary is None or analysis is None:
        return None
    flat = {row["statement_id"]: row for row in led.statements(article_id=article_id)}
    actors = {a.actor_id: a for a in analysis.actors}
    statements = [_statement_card(st, actors, flat.get(st.id, {})) for st in analysis.statements]
    text = summary.pop("text")
    return {
        "article": summary,
        "text_length": len(text),
        "segments": segments(text, analysis),
        "statements": statements,
        "tips": {st["statement_id"]: _tip(st) for st in statements},
        "exclusions": summary.pop("exclusions"),
    }


def _tip(st: Mapping[str, Any]) -> str:
    """One line on a statement, for the tooltip of its highlights."""
    when = st["date"] or "undated"
    if st["date_precision"]:
        when += f" [{st['date_precision']}]"
    hedged = f", hedged: {', '.join(st['hedges'])}" if st["hedges"] else ""
    return f"{st['actor'] or '?'} ({st['side'] or 'no side'}), {st['channel']}, {when}, {st['stance']}{hedged}"


def _roles(st: Statement) -> Iterable[tuple[str, Span]]:
    att = st.attribution
    if att.source is not None:
        yield "source", att.source
    yield "cue", att.cue
    for part in att.content:
        yield "content", part


def segments(text: str, analysis: Analysis) -> list[dict[str, Any]]:
    """``text`` cut at every span edge: [{"start", "end", "text", "marks": ["<id>:<role>"],
    "excluded": reason or None, "anchors": [statement ids that start here]}].

    The segments tile the text, so joining their texts gives it back; a statement's
    role spans are exactly the segments whose marks name it.
    """
    edges = {0, len(text)}
    marks: list[tuple[int, int, str]] = []
    first: dict[int, list[str]] = {}
    for st in analysis.statements:
        spans = list(_roles(st))
        for role, span in spans:
            marks.append((span.start, span.end, f"{st.id}:{role}"))
            edges.update((span.start, span.end))
        first.setdefault(min(span.start for _, span in spans), []).append(st.id)
    excluded = [(e.span.start, e.span.end, e.reason) for e in analysis.exclusions]
    for start, end, _ in excluded:
        edges.update((start, end))
    cuts = sorted(e for e in edges if 0 <= e <= len(text))
    out = []
    for a, b in itertools.pairwise(cuts):
        if a == b:
            continue
        out.append(
            {
                "start": a,
                "end": b,
                "text": text[a:b],
                "marks": [m for s, e, m in marks if s <= a and b <= e],
                "excluded": next((r for s, e, r in excluded if s <= a and b <= e), None),
                "anchors": first.get(a, []),
            }
        )
    return out


def _span(span: Span | None) -> dict[str, Any] | None:
    return None if span is None else {"start": span.start, "end": span.end, "text": span.text}


def _statement_card(st: Statement, actors: Mapping[str, Actor], row: Mapping[str, Any]) -> dict[str, Any]:
    actor = actors.get(st.actor_id or "")
    att = st.attribution
    return {
        "statement_id": st.id,
        "kind": att.kind,
        "source": _span(att.source),
        "cue": _span(att.cue),
        "content": [_span(c) for c in att.content],
        "actor": None if actor is None else actor.name,
        "ledger_actor_id": row.get("ledger_actor_id"),
        "side": None if actor is None or actor.side is None else actor.side.name,
        "co_actors": [actors[i].name for i in st.co_actor_ids if i in actors],
        "channel": st.channel.type,
        "platform": st.channel.platform,
        "date": row.get("date"),
        "date_end": row.get("date_end"),
        "date_precision": row.get("date_precision"),
        "time_text": None if st.time is None else st.time.span.text,
        "place": None if st.place is None else (st.place.name or st.place.text),
        "hedges": [h.span.text for h in st.hedges],
        "stance": st.stance.label,
        "stance_reason": st.stance.reason,
        "claims": [
            {
                "proposition_key": c.proposition.key,
                "proposition": c.proposition.label,
                "stance": c.stance.label,
                "reason": c.stance.reason,
            }
            for c in st.claims
        ],
    }


# ------------------------------------------------------------------ actor and proposition


def actor(led: Ledger, ledger_actor_id: str) -> dict[str, Any] | None:
    found = led.actors(actor_id=ledger_actor_id)
    if not found:
        return None
    statements = led.statements(ledger_actor_id=ledger_actor_id)
    return {
        "actor": found[0],
        "statements": [_statement_row(s) for s in statements],
    }


_ROW_KEYS = (
    "statement_id", "article_id", "article_title", "publisher", "actor", "side", "cue", "cue_start",
    "content", "content_start", "date", "date_end", "date_precision", "channel", "platform", "stance",
)  # fmt: skip


def _statement_row(row: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: row.get(k) for k in _ROW_KEYS}
    if out["actor"] is None:
        out["actor"] = row.get("source_text")
    return out


def proposition(led: Ledger, key: str) -> dict[str, Any] | None:
    """One proposition: its statements by stance and side, its disputes, and its timeline data."""
    found = led.proposition(key)
    if found is None:
        return None
    statements = found.pop("statements_list")
    by_stance: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for st in statements:
        by_stance.setdefault(st["stance"], {}).setdefault(
            st["side"] or st["actor"] or "?", []
        ).append(st)
    return {
        **found,
        "disputes": [
            {k: v for k, v in d.items() if k != "statements_list"} for d in found["disputes"]
        ],
        "corroboration": None
        if found["corroboration"] is None
        else {k: v for k, v in found["corroboration"].items() if k != "statements_list"},
        "statements_list": statements,
        "by_stance": by_stance,
        "timeline": timeline_marks(statements),
    }


def timeline_marks(statements: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One mark per dated statement (undated ones are left out): a point for a day, a range
    from the first to the day after the last for an interval, week, month or year."""
    out = []
    for st in statements:
        if not st.get("date"):
            continue
        start = date.fromisoformat(st["date"])
        end = date.fromisoformat(st.get("date_end") or st["date"])
        ranged = st.get("date_precision") in RANGE_PRECISIONS and end > start
        out.append(
            {
                "statement_id": st["statement_id"],
                "start": start.isoformat(),
                "end": (end + timedelta(days=1)).isoformat() if ranged else start.isoformat(),
                "range": ranged,
                "precision": st.get("date_precision"),
                "stance": st["stance"],
                "speaker": st["side"] or st["actor"] or "?",
                "actor": st["actor"] or "?",
                "cue": st["cue"],
                "href": f"/articles/{st['article_id']}#st-{st['statement_id']}",
            }
        )
    return out
