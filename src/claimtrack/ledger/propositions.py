"""Propositions across the ledger: groups of claims, disputes, corroborations, timelines.

Everything here is computed from the stored ``claims`` rows when asked, so
adding an article changes the answers without reprocessing anything else, and
re-adding one changes nothing.

**Groups.** A proposition is a predicate class with an agent and a theme
("control(Russia, Kherson)"). Its group holds, each with a score:

- the claims with its key (score 1.0);
- the claims of the same class that leave one argument unnamed and agree on the
  other ("Redan troops withdrew" joins withdraw(Redan, Kherson)), with the
  stance they give (score 0.8). A claim joins every such proposition;
  propositions with an unnamed argument are listed only when no named one takes
  their claims;
- for a class that only one party can hold at a time (``exclusive`` in
  ``predicate_classes.tsv``: control), the claims that the same theme is held by
  another agent: asserting it denies this one, claiming part of it partially
  denies it (score 0.9, with the reason).

**Dispute**: a group with an asserting side and a denying (or partially
denying) side that differ. Sides are the sides of the statements' actors (the
article's, else the ledger actor's); a statement whose actor has no side stands
for itself. Of the mirror groups of an exclusive class ("Russia controls X" /
"Ukraine controls X") only the one with more direct claims is listed.

**Corroboration**: a group asserted (or assessed as likely) by two or more
independent sources. Two statements are independent when their speakers speak
for different sides, or, for speakers with no side, are different actors
across the ledger; a claim that only repeats another statement ("according to
X") does not count.

A joint source ("the ministry *and the Redan Group* said") gives each of its
actors a voice: every claim counts once per speaker, the co-actors' entries
marked ``joint_with`` the first actor. For corroboration the speakers of
one joint statement count as one source: they said it together.

**Timeline**: a group's (or an actor's) claims ordered by the date each
statement was made, falling back to the article's publication date
(``date_precision`` "published"), with each speaker's latest word.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from claimtrack.ledger import linking
from claimtrack.ledger.migrations import Conn
from claimtrack.ledger.queries import _DATED_STATEMENTS, CONTENT_JOINER, _fold

#: scores of the ways a claim joins a group
DIRECT, UNNAMED, EXCLUSIVE = 1.0, 0.8, 0.9
_ASSERTING = ("asserts", "hedges")

# Every claim with its statement's actor (speaker 0); ``_claim_rows`` adds a copy per
# co-actor of a joint source ("the ministry and the Redan Group said"), speaker 1, 2, ...
_CLAIMS = (
    _DATED_STATEMENTS.replace("SELECT * FROM dated", "")
    + """
SELECT c.*, 0 AS speaker, NULL AS joint_with, d.actor_name, d.side, d.ledger_actor_id,
    d.ledger_actor_name, d.ledger_actor_side,
    d.stmt_date, d.stmt_date_end, d.stmt_date_precision, d.article_title, d.publisher, d.url,
    d.published, d.cue_text, d.cue_start, d.cue_end, d.content, d.channel_type,
    d.channel_platform, COALESCE(d.actor_name, d.source_text) AS source_text, d.place_name, d.place_text
FROM claims AS c JOIN dated AS d ON d.id = c.statement_id
"""
)

_CO_SPEAKERS = """
SELECT ca.statement_id, ca.position + 1 AS speaker, x.name AS actor_name, x.side,
    x.ledger_actor_id, la.name AS ledger_actor_name, la.side AS ledger_actor_side
FROM statement_co_actors AS ca
JOIN actors AS x ON x.article_id = ca.article_id AND x.actor_id = ca.actor_id
LEFT JOIN ledger_actors AS la ON la.id = x.ledger_actor_id
"""

_ACTOR_FILTER = (
    "(instr(claimtrack_fold(d.actor_name), :actor) > 0"
    " OR instr(claimtrack_fold(COALESCE(d.actor_name, d.source_text)), :actor) > 0"
    " OR EXISTS (SELECT 1 FROM actor_aliases AS al WHERE al.ledger_actor_id = d.ledger_actor_id"
    " AND instr(al.alias, :actor_alias) > 0))"
)

_CO_ACTOR_FILTER = (
    "(instr(claimtrack_fold(x.name), :actor) > 0"
    " OR EXISTS (SELECT 1 FROM actor_aliases AS al WHERE al.ledger_actor_id = x.ledger_actor_id"
    " AND instr(al.alias, :actor_alias) > 0))"
)

Row = Mapping[str, Any]


@dataclass(slots=True)
class _Member:
    row: Row
    stance: str
    score: float
    reason: str | None


@dataclass(slots=True)
class _Group:
    key: str
    cls: str
    subject: str | None
    object: str | None
    subject_key: str
    object_key: str
    members: list[_Member] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.cls}({self.subject or '?'}, {self.object or '?'})"

    def direct(self) -> int:
        return sum(1 for m in self.members if m.score == DIRECT)


def _claim_rows(
    conn: Conn,
    where: str = "",
    params: Mapping[str, object] | None = None,
    co_where: str = "",
) -> list[Row]:
    """Claim rows (``where`` on the claim and its statement's actor), each followed by a
    copy per co-actor of its statement (``co_where`` on the co-actor ``x``; with
    ``co_where``, claims whose statement has a matching co-actor come too, as that
    co-actor only)."""
    order = " ORDER BY d.stmt_date IS NULL, d.stmt_date, c.article_id, d.cue_start, c.position"
    rows: list[Row] = [dict(r) for r in conn.execute(_CLAIMS + (f" WHERE {where}" if where else "") + order, params or {})]
    co_sql = _CO_SPEAKERS + " WHERE ca.statement_id IN (SELECT value FROM json_each(:ids))"
    if co_where:
        extra = conn.execute(_CO_SPEAKERS + f" WHERE {co_where}", params or {}).fetchall()
        matched = {(r["statement_id"], r["speaker"]) for r in extra}
        ids = sorted({r["statement_id"] for r in extra})
        more = conn.execute(
            _CLAIMS + " WHERE c.statement_id IN (SELECT value FROM json_each(:ids))" + order,
            {"ids": json.dumps(ids)},
        ).fetchall()
        co = conn.execute(co_sql, {"ids": json.dumps(ids)}).fetchall()
        return rows + [r for r in _with_co_speakers([dict(m) for m in more], co) if (r["statement_id"], r["speaker"]) in matched]
    co = conn.execute(co_sql, {"ids": json.dumps(sorted({r["statement_id"] for r in rows}))}).fetchall()
    return _with_co_speakers(rows, co)


def _with_co_speakers(rows: Sequence[Row], co: Iterable[sqlite3.Row]) -> list[Row]:
    by_statement: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for r in co:
        by_statement[r["statement_id"]].append(r)
    if not by_statement:
        return list(rows)
    out: list[Row] = []
    for row in rows:
        out.append(row)
        for speaker in sorted(by_statement.get(row["statement_id"], ()), key=lambda r: r["speaker"]):
            out.append(
                {
                    **row,
                    "speaker": speaker["speaker"],
                    "joint_with": row["actor_name"],
                    "actor_name": speaker["actor_name"],
                    "side": speaker["side"],
                    "ledger_actor_id": speaker["ledger_actor_id"],
                    "ledger_actor_name": speaker["ledger_actor_name"],
                    "ledger_actor_side": speaker["ledger_actor_side"],
                    "source_text": speaker["actor_name"],
                }
            )
    return out


def groups(conn: Conn, exclusive: Iterable[str], key: str | None = None) -> list[_Group]:
    """Every proposition group of the ledger (see the module docstring).

    With ``key``, only the claims that can join that proposition's group are read
    (its class, and its agent or its theme), so the group comes out as in the
    whole ledger at a fraction of the cost; other groups in the answer may lack members.
    """
    if key is None:
        rows = _claim_rows(conn)
    else:
        found = conn.execute(
            "SELECT predicate_class, subject_key, object_key FROM claims WHERE proposition_key = ? LIMIT 1",
            (key,),
        ).fetchone()
        if found is None:
            return []
        rows = _claim_rows(
            conn,
            "c.predicate_class = :cls AND (c.subject_key = :s OR c.object_key = :o)",
            {"cls": found[0], "s": found[1], "o": found[2]},
        )
    exclusive = frozenset(exclusive)
    by_key: dict[str, _Group] = {}
    for row in rows:
        g = by_key.get(row["proposition_key"])
        if g is None:
            g = by_key[row["proposition_key"]] = _Group(
                row["proposition_key"],
                row["predicate_class"],
                row["subject_name"],
                row["object_name"],
                row["subject_key"],
                row["object_key"],
            )
        g.members.append(_Member(row, row["stance"], DIRECT, row["stance_reason"]))
    named = [g for g in by_key.values() if g.subject_key and g.object_key]
    by_class: dict[str, list[_Group]] = defaultdict(list)
    for g in named:
        by_class[g.cls].append(g)
    merged: set[str] = set()
    for g in list(by_key.values()):
        if g.subject_key and g.object_key or not (g.subject_key or g.object_key):
            continue
        hosts = [
            h
            for h in by_class.get(g.cls, ())
            if (g.subject_key and h.subject_key == g.subject_key)
            or (g.object_key and h.object_key == g.object_key)
        ]
        for host in hosts:
            missing = "agent" if not g.subject_key else "theme"
            for m in g.members:
                if m.score == DIRECT:
                    host.members.append(
                        _Member(m.row, m.stance, UNNAMED, f"same claim, {missing} not named")
                    )
        if hosts:
            merged.add(g.key)
    for cls, members in by_class.items():
        if cls not in exclusive:
            continue
        for g in members:
            for other in members:
                if (
                    other is g
                    or other.object_key != g.object_key
                    or other.subject_key == g.subject_key
                ):
                    continue
                for m in other.members:
                    if m.score != DIRECT or m.stance not in ("asserts", "partial", "hedges"):
                        continue
                    stance = "partial" if m.stance == "partial" else "denies"
                    reason = f"{m.stance} {other.label}, which only one party can hold"
                    g.members.append(_Member(m.row, stance, EXCLUSIVE, reason))
    out = [g for g in by_key.values() if g.key not in merged]
    for g in out:
        best: dict[tuple[str, int], _Member] = {}
        for m in g.members:  # one entry per statement and speaker: its most direct way in
            who = (m.row["statement_id"], m.row["speaker"])
            kept = best.get(who)
            if kept is None or m.score > kept.score:
                best[who] = m
        g.members = list(best.values())
        g.members.sort(
            key=lambda m: (
                m.row["stmt_date"] is None,
                m.row["stmt_date"] or "",
                m.row["article_id"],
                m.row["cue_start"],
            )
        )
    return out


def _selected(conn: Conn, exclusive: Iterable[str], key: str | None) -> list[_Group]:
    """Every group, or with ``key`` the groups a query about that one proposition needs:
    its own, and for an exclusive class the mirror groups on the same theme."""
    if key is None:
        return groups(conn, exclusive)
    return _around(groups(conn, exclusive, key), key)


def _around(found: Sequence[_Group], key: str) -> list[_Group]:
    """The group ``key`` and the groups of its class on the same theme (its exclusive mirrors)."""
    mine = next((g for g in found if g.key == key), None)
    if mine is None:
        return []
    return [g for g in found if g.key == key or (g.cls == mine.cls and g.object_key == mine.object_key)]


def _asserting(m: _Member) -> bool:
    """Whether a member supports its group: asserts, hedges, or claims a part (not denies, and a
    partial claim that another party holds part of the place partially denies)."""
    return m.stance in _ASSERTING or (m.stance == "partial" and m.score != EXCLUSIVE)


def _side(row: Row) -> str | None:
    side: str | None = row["side"] or row["ledger_actor_side"]
    return side


def _speaker(row: Row) -> str:
    """Who a statement's independence is judged by: its side, else its ledger actor, else its words."""
    side = _side(row)
    if side:
        return f"side:{linking.fold(side)}"
    if row["ledger_actor_id"]:
        return f"actor:{row['ledger_actor_id']}"
    return f"words:{linking.fold(row['actor_name'] or row['source_text'] or row['statement_id'])}"


def _display_side(row: Row) -> str:
    return _side(row) or row["ledger_actor_name"] or row["actor_name"] or row["source_text"] or "?"


def _keep(
    g: _Group,
    since: date | None,
    until: date | None,
    place: str | None,
    side: str | None,
    actor: str | None = None,
) -> list[_Member]:
    members = g.members
    if since is not None:
        members = [m for m in members if (m.row["stmt_date_end"] or "") >= since.isoformat()]
    if until is not None:
        members = [
            m
            for m in members
            if m.row["stmt_date"] is not None and m.row["stmt_date"] <= until.isoformat()
        ]
    if place is not None:
        want = _fold(place) or ""
        names = (g.subject or "", g.object or "")
        if not any(want in (_fold(n) or "") for n in names) and not any(
            want in (_fold(m.row["place_name"] or m.row["place_text"] or "") or "") for m in members
        ):
            return []
    if side is not None:
        want = _fold(side) or ""
        if not any(want in (_fold(_display_side(m.row)) or "") for m in members):
            return []
    if actor is not None:
        want = _fold(actor) or ""
        if not any(
            want in (_fold(name) or "")
            for m in members
            for name in (m.row["actor_name"], m.row["ledger_actor_name"], m.row["source_text"])
            if name
        ):
            return []
    return members


def _statement(m: _Member) -> dict[str, Any]:
    row = m.row
    content = json.loads(row["content"])
    return {
        "statement_id": row["statement_id"],
        "article_id": row["article_id"],
        "article_title": row["article_title"],
        "publisher": row["publisher"],
        "url": row["url"],
        "actor": row["actor_name"],
        "ledger_actor": row["ledger_actor_name"],
        "side": _side(row),
        "joint_with": row["joint_with"],
        "stance": m.stance,
        "score": m.score,
        "reason": m.reason,
        "date": row["stmt_date"],
        "date_end": row["stmt_date_end"],
        "date_precision": row["stmt_date_precision"],
        "channel": row["channel_type"],
        "platform": row["channel_platform"],
        "cue": row["cue_text"],
        "cue_start": row["cue_start"],
        "cue_end": row["cue_end"],
        "content": CONTENT_JOINER.join(part[2] for part in content),
        "content_start": content[0][0] if content else None,
        "content_end": content[-1][1] if content else None,
        "claim": row["predicate_text"],
        "claim_start": row["predicate_start"],
        "claim_end": row["predicate_end"],
        "repeats": row["repeats"],
    }


def _summary(g: _Group, members: Sequence[_Member]) -> dict[str, Any]:
    counts = {
        label: sum(1 for m in members if m.stance == label)
        for label in ("asserts", "denies", "hedges", "partial")
    }
    return {
        "proposition_key": g.key,
        "proposition": g.label,
        "predicate_class": g.cls,
        "subject": g.subject,
        "object": g.object,
        "statements": len({m.row["statement_id"] for m in members}),
        "articles": len({m.row["article_id"] for m in members}),
        **counts,
        "first_date": min(
            (m.row["stmt_date"] for m in members if m.row["stmt_date"]), default=None
        ),
        "last_date": max(
            (m.row["stmt_date_end"] for m in members if m.row["stmt_date_end"]), default=None
        ),
    }


def propositions(
    conn: Conn,
    exclusive: Iterable[str],
    since: date | None = None,
    until: date | None = None,
    place: str | None = None,
    side: str | None = None,
    actor: str | None = None,
    key: str | None = None,
    min_statements: int = 1,
) -> list[dict[str, Any]]:
    """One summary per proposition group, most statements first."""
    out = []
    for g in _selected(conn, exclusive, key):
        members = _keep(g, since, until, place, side, actor)
        if len({m.row["statement_id"] for m in members}) >= max(1, min_statements):
            out.append(_summary(g, members))
    out.sort(key=lambda s: (-s["statements"], -s["articles"], s["proposition"]))
    return out


def disputes(
    conn: Conn,
    exclusive: Iterable[str],
    since: date | None = None,
    until: date | None = None,
    place: str | None = None,
    side: str | None = None,
    actor: str | None = None,
    key: str | None = None,
) -> list[dict[str, Any]]:
    """Groups asserted by one side and denied by another, with both sides' statements."""
    return _disputes(_selected(conn, exclusive, key), exclusive, since, until, place, side, actor)


def _disputes(
    selected: Iterable[_Group],
    exclusive: Iterable[str],
    since: date | None = None,
    until: date | None = None,
    place: str | None = None,
    side: str | None = None,
    actor: str | None = None,
) -> list[dict[str, Any]]:
    found = []
    for g in selected:
        members = [m for m in _keep(g, since, until, place, side, actor) if not m.row["repeats"]]
        asserting = {_display_side(m.row) for m in members if _asserting(m)}
        denying = {_display_side(m.row) for m in members if not _asserting(m)}
        if not asserting or not denying or not any(a != d for a in asserting for d in denying):
            continue
        found.append((g, members, asserting, denying))
    exclusive = frozenset(exclusive)
    topics: dict[tuple[str, str], tuple[_Group, Any, Any, Any]] = {}
    for g, members, asserting, denying in found:
        topic = (g.cls, g.object_key) if g.cls in exclusive else (g.key, "")
        best = topics.get(topic)
        if best is None or g.direct() > best[0].direct():
            topics[topic] = (g, members, asserting, denying)
    out = []
    for g, members, asserting, denying in topics.values():
        out.append(
            {
                **_summary(g, members),
                "asserted_by": sorted(asserting),
                "denied_by": sorted(denying),
                "statements_list": [_statement(m) for m in members],
            }
        )
    out.sort(key=lambda d: (-d["articles"], -d["statements"], d["proposition"]))
    return out


def corroborations(
    conn: Conn,
    exclusive: Iterable[str],
    since: date | None = None,
    until: date | None = None,
    place: str | None = None,
    side: str | None = None,
    actor: str | None = None,
    key: str | None = None,
    min_sources: int = 2,
) -> list[dict[str, Any]]:
    """Groups asserted by at least ``min_sources`` independent sources."""
    return _corroborations(_selected(conn, exclusive, key), since, until, place, side, actor, min_sources)


def _corroborations(
    selected: Iterable[_Group],
    since: date | None = None,
    until: date | None = None,
    place: str | None = None,
    side: str | None = None,
    actor: str | None = None,
    min_sources: int = 2,
) -> list[dict[str, Any]]:
    out = []
    for g in selected:
        members = [
            m
            for m in _keep(g, since, until, place, side, actor)
            if m.stance in _ASSERTING and not m.row["repeats"]
        ]
        sources = _sources(members)
        if len(sources) < max(2, min_sources):
            continue
        out.append(
            {
                **_summary(g, members),
                "independent_sources": len(sources),
                "sources": sorted(_display_side(ms[0].row) for ms in sources),
                "independence": "speakers of different sides (or, without a side, different actors)",
                "statements_list": [_statement(m) for m in members],
            }
        )
    out.sort(key=lambda c: (-c["independent_sources"], -c["articles"], c["proposition"]))
    return out


def proposition(conn: Conn, exclusive: Iterable[str], key: str) -> dict[str, Any] | None:
    """One group by its full key: its summary, every statement, and ``disputes`` (the disputes
    it takes part in: its own, or its exclusive mirror's) and ``corroboration`` (or None).

    Reads only the claims that can join the group (``groups`` with ``key``), once.
    """
    selected = _around(groups(conn, exclusive, key), key)
    group = next((g for g in selected if g.key == key), None)
    if group is None:
        return None
    return {
        **_summary(group, group.members),
        "statements_list": [_statement(m) for m in group.members],
        "disputes": _disputes(selected, exclusive),
        "corroboration": next((c for c in _corroborations([group]) if c["proposition_key"] == key), None),
    }


def _sources(members: Sequence[_Member]) -> list[list[_Member]]:
    """Members by independent source: by speaker (``_speaker``), the speakers of one joint
    statement taken as one source."""
    parent: dict[str, str] = {}

    def find(k: str) -> str:
        while parent.setdefault(k, k) != k:
            k = parent[k]
        return k

    first_of: dict[str, str] = {}
    for m in members:
        key = find(_speaker(m.row))
        other = first_of.setdefault(m.row["statement_id"], key)
        if find(other) != key:
            parent[key] = find(other)
    sources: dict[str, list[_Member]] = defaultdict(list)
    for m in members:
        sources[find(_speaker(m.row))].append(m)
    return list(sources.values())


def timeline(
    conn: Conn,
    exclusive: Iterable[str],
    proposition: str | None = None,
    actor: str | None = None,
    since: date | None = None,
    until: date | None = None,
    place: str | None = None,
    side: str | None = None,
) -> dict[str, Any]:
    """Claims of one proposition group (a key, or a prefix of one) or one actor, in date order.

    Returns {"entries": [...], "latest": [...]}: every claim with its date and
    where the date came from, and each speaker's latest word (per proposition
    for an actor's timeline).
    """
    if (proposition is None) == (actor is None):
        raise ValueError("give a proposition or an actor, not both")
    entries: list[dict[str, Any]] = []
    if proposition is not None:
        for g in groups(conn, exclusive):
            if g.key.startswith(proposition):
                entries += [
                    {**_statement(m), "proposition_key": g.key, "proposition": g.label}
                    for m in _keep(g, since, until, place, side)
                ]
    else:
        params = {"actor": _fold(actor), "actor_alias": linking.fold(actor or "")}
        rows = _claim_rows(conn, _ACTOR_FILTER, params, co_where=_CO_ACTOR_FILTER)
        for row in rows:
            g = _Group(
                row["proposition_key"],
                row["predicate_class"],
                row["subject_name"],
                row["object_name"],
                row["subject_key"],
                row["object_key"],
            )
            g.members.append(_Member(row, row["stance"], DIRECT, row["stance_reason"]))
            for m in _keep(g, since, until, place, side):
                entries.append({**_statement(m), "proposition_key": g.key, "proposition": g.label})
    entries.sort(
        key=lambda e: (e["date"] is None, e["date"] or "", e["article_id"], e["cue_start"])
    )
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for e in entries:
        who = e["ledger_actor"] or e["actor"] or "?"
        latest[(who, e["proposition_key"] if actor is not None else "")] = e
    return {"entries": entries, "latest": list(latest.values())}
