"""Writers: JSON Lines (one object per article, schema ``claimtrack/1``), CSV and tables.

JSON Lines carries everything, offsets included, and is described by
``schema/claimtrack.v1.json``. CSV and table output are flat, one row per
statement, for reading and spreadsheets.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

from tabulate import tabulate  # type: ignore[import-untyped]

from claimtrack.records import SCHEMA_VERSION, Analysis, Statement, to_dict

FORMATS = ("jsonl", "csv", "table")

#: columns of the flat statement rows, in order
COLUMNS = (
    "statement_id", "article_id", "published", "source_text", "actor", "side", "cue",
    "content", "kind", "channel", "platform", "date", "date_end", "date_precision", "place", "stance",
    "hedges",
)
TABLE_COLUMNS = ("actor", "side", "cue", "content", "channel", "date", "stance")
#: columns of the ledger's statement rows: the flat columns and the actor across articles
LEDGER_COLUMNS = (*COLUMNS, "ledger_actor_id", "ledger_actor")
#: columns of ``claimtrack actors``
ACTOR_COLUMNS = (
    "ledger_actor_id", "name", "kind", "side", "articles", "statements", "mentions", "titles",
    "aliases",
)  # fmt: skip


def analysis_json(analysis: Analysis) -> dict[str, Any]:
    """One article's analysis as the documented JSON object (schema ``claimtrack/1``)."""
    data = to_dict(analysis)
    article = data.pop("article")
    return {
        "schema_version": SCHEMA_VERSION,
        "article": article,
        "stamp": data["stamp"],
        "exclusions": data["exclusions"],
        "actors": data["actors"],
        "statements": data["statements"],
    }


def statement_rows(analysis: Analysis) -> list[dict[str, Any]]:
    """Flat rows, one per statement, with the same keys as ``Ledger.statements()``."""
    actors = {a.actor_id: a for a in analysis.actors}
    published = analysis.article.published.isoformat() if analysis.article.published else None
    rows = []
    for st in analysis.statements:
        actor = actors.get(st.actor_id) if st.actor_id else None
        date, date_end, precision = _date(st, published)
        attr = st.attribution
        rows.append({
            "statement_id": st.id,
            "article_id": analysis.article.id,
            "published": published,
            "source_text": attr.source.text if attr.source else None,
            "actor": actor.name if actor else None,
            "side": actor.side.name if actor and actor.side else None,
            "cue": attr.cue.text,
            "content": " … ".join(c.text for c in attr.content),
            "kind": attr.kind,
            "channel": st.channel.type,
            "platform": st.channel.platform,
            "date": date,
            "date_end": date_end,
            "date_precision": precision,
            "place": st.place.name if st.place else None,
            "stance": st.stance.label,
            "hedges": ", ".join(h.span.text for h in st.hedges) or None,
        })
    return rows


def _date(st: Statement, published: str | None) -> tuple[str | None, str | None, str | None]:
    """(start, end, precision) of when the statement was made; the publication date if unknown."""
    t = st.time
    if t is not None and t.start is not None:
        return t.start.isoformat(), (t.end or t.start).isoformat(), t.precision
    return published, published, "published" if published else None


def write_jsonl(analyses: Iterable[Analysis], out: IO[str]) -> int:
    n = 0
    for analysis in analyses:
        out.write(json.dumps(analysis_json(analysis), ensure_ascii=False) + "\n")
        n += 1
    return n


def write_rows(rows: Iterable[Mapping[str, Any]], fmt: str, out: IO[str], columns: Sequence[str] = COLUMNS) -> int:
    """Write flat rows as jsonl, csv or a table; returns the number of rows."""
    rows = list(rows)
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(dict(row), ensure_ascii=False, default=str) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        out.write(render_table(rows) + "\n")
    return len(rows)


PROPOSITION_COLUMNS = (
    "proposition_key", "proposition", "predicate_class", "subject", "object", "statements", "articles",
    "asserts", "denies", "hedges", "partial", "first_date", "last_date",
)  # fmt: skip
GROUP_STATEMENT_COLUMNS = (
    "proposition_key", "proposition", "stance", "score", "reason", "actor", "joint_with", "side", "date", "date_end",
    "date_precision", "channel", "platform", "cue", "cue_start", "cue_end", "content", "content_start",
    "content_end", "article_id", "publisher", "article_title", "url", "statement_id",
)  # fmt: skip


def write_propositions(rows: Sequence[Mapping[str, Any]], fmt: str, out: IO[str]) -> int:
    """Proposition summaries as jsonl, csv or a table."""
    if fmt != "table":
        return write_rows(rows, fmt, out, PROPOSITION_COLUMNS)
    if not rows:
        out.write("(no propositions)\n")
        return 0
    body = [
        [r["proposition_key"][:8], _short(r["proposition"], 50), r["statements"], r["articles"],
         r["asserts"], r["denies"], r["hedges"], r["partial"], r["first_date"] or "", r["last_date"] or ""]
        for r in rows
    ]
    headers = ["key", "proposition", "statements", "articles", "asserts", "denies", "hedges", "partial", "first", "last"]
    out.write(tabulate(body, headers=headers, tablefmt="simple_grid") + "\n")
    return len(rows)


def write_groups(rows: Sequence[Mapping[str, Any]], fmt: str, out: IO[str], what: str) -> int:
    """Disputes or corroborations: jsonl one object each, csv one row per statement, or tables."""
    if fmt == "jsonl":
        return write_rows(rows, fmt, out)
    flat = [
        {"proposition_key": g["proposition_key"], "proposition": g["proposition"], **st}
        for g in rows
        for st in g["statements_list"]
    ]
    if fmt == "csv":
        write_rows(flat, fmt, out, GROUP_STATEMENT_COLUMNS)
        return len(rows)
    if not rows:
        out.write(f"(no {what})\n")
        return 0
    for g in rows:
        if what == "disputes":
            head = f"asserted by {', '.join(g['asserted_by'])}; denied by {', '.join(g['denied_by'])}"
        else:
            head = f"{g['independent_sources']} independent sources: {', '.join(g['sources'])}"
        out.write(f"{g['proposition']}  [{g['proposition_key']}]  {head}\n")
        out.write(render_table(g["statements_list"]) + "\n\n")
    return len(rows)


def write_timeline(result: Mapping[str, Any], fmt: str, out: IO[str]) -> int:
    """A timeline: jsonl one object per entry (then one per latest word), csv rows, or two tables."""
    entries = result["entries"]
    if fmt == "jsonl":
        for e in entries:
            out.write(json.dumps({"kind": "entry", **e}, ensure_ascii=False, default=str) + "\n")
        for e in result["latest"]:
            out.write(json.dumps({"kind": "latest", **e}, ensure_ascii=False, default=str) + "\n")
        return len(entries)
    if fmt == "csv":
        return write_rows(entries, fmt, out, GROUP_STATEMENT_COLUMNS)
    if not entries:
        out.write("(no statements)\n")
        return 0
    out.write(render_table(entries) + "\n\nlatest word of each speaker:\n")
    out.write(render_table(result["latest"]) + "\n")
    return len(entries)


def write_actors(rows: Sequence[Mapping[str, Any]], fmt: str, out: IO[str]) -> int:
    """Ledger actors as jsonl (with their links), csv (lists joined by "; ") or a table."""
    if fmt == "jsonl":
        return write_rows(rows, fmt, out)
    flat = [
        {**row, "titles": "; ".join(row["titles"]), "aliases": "; ".join(row["aliases"])}
        for row in rows
    ]
    if fmt == "csv":
        return write_rows(flat, fmt, out, ACTOR_COLUMNS)
    if not rows:
        out.write("(no actors)\n")
        return 0
    body = [
        [_short(r["name"], 30), r["kind"], _short(r["side"] or "", 20), r["articles"],
         r["statements"], _short(r["aliases"], 60)]
        for r in flat
    ]
    headers = ["name", "kind", "side", "articles", "statements", "aliases"]
    out.write(tabulate(body, headers=headers, tablefmt="simple_grid") + "\n")
    return len(rows)


def date_label(row: Mapping[str, Any], precision: bool = False) -> str:
    """A statement's date for people: "2023-06-02", "2023-03-21..03-31", "2023-06-04 (pub.)"
    when it is the publication date; with ``precision``, "2023-06-02 (day)" and the like.
    "" when undated."""
    start, end, kind = row.get("date"), row.get("date_end"), row.get("date_precision")
    if not start:
        return ""
    text = str(start) if not end or end == start else f"{start}..{str(end)[5:]}"
    if kind == "published":
        return f"{text} (pub.)"
    return f"{text} ({kind})" if precision and kind else text


def render_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] = TABLE_COLUMNS) -> str:
    """A grid table sized to the terminal, content wrapped rather than cut."""
    if not rows:
        return "(no statements)"
    width = shutil.get_terminal_size((160, 40)).columns
    content_width = max(30, width - 110)
    body = []
    for row in rows:
        channel = row.get("channel") or ""
        if row.get("platform"):
            channel = f"{channel} ({row['platform']})"
        date = date_label(row)
        body.append([
            _short((row.get("actor") or row.get("source_text") or "—")
                   + (f" (with {row['joint_with']})" if row.get("joint_with") else ""), 28),
            _short(row.get("side") or "", 18),
            row.get("cue") or "",
            _short(row.get("content") or "", content_width * 3),
            channel,
            date,
            row.get("stance") or "",
        ])
    table: str = tabulate(body, headers=list(columns), tablefmt="simple_grid",
                          maxcolwidths=[20, 14, 12, content_width, 18, 17, 8])
    return table


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
