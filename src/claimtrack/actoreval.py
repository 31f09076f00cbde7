"""Scoring actors and sides against a hand-checked set: ``claimtrack eval actors``.

A set is a directory with ``gold/*.json`` (one article each) and the texts they
name. Each gold file lists the article's actors (ids shared across articles for
the same person or body, with name, kind, side and acceptable other sides) and
every source mention of a statement, as character offsets into the text::

    {"text": "texts/ua-ap-20240301-kharkiv.txt", "publisher": "AP",
     "conflict": "russia-ukraine", "published": "2024-03-01",
     "actors": {"dmitry-peskov": {"name": "Dmitry Peskov", "kind": "person",
                                  "side": "Russia", "side_alternatives": []}},
     "sources": [{"start": 10, "end": 23, "text": "Dmitry Peskov", "actor": "dmitry-peskov"}]}

Each gold source is matched to the predicted statement whose source overlaps it
most; the figures are over the gold sources so found:

- **actor name**: the predicted actor's name is the gold actor's name
  (``exact``), or any name the set uses for that actor (``alias``: a surname,
  "the Kremlin" for Russia's government), folded for case and accents;
- **clusters**: B-cubed precision and recall of the predicted actors against
  the gold actors within each article (does "he" join the right person?);
- **side**: the predicted actor's side is the gold side or an accepted other
  (no side where the gold has none counts as right); also over the sources
  whose gold actor has a side, and with the ledger's side standing in where
  the article gives none (Biden's side, given in one article, in another);
- **kind**: person, organisation, government, group or unnamed;
- **across articles**: every pair of found sources in two different articles,
  linked when their ledger actors are one; precision and recall against the
  gold ids.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

from claimtrack.errors import ClaimtrackError
from claimtrack.ingest import Metadata, as_article
from claimtrack.ledger import Ledger
from claimtrack.ledger.linking import PRONOUNS, fold
from claimtrack.lexicons import Lexicons
from claimtrack.records import Actor, Analysis, Article, Failure, Statement

KINDS = ("person", "organisation", "government", "group", "unnamed")


class GoldError(ClaimtrackError):
    """A gold file that cannot be read or does not hold together."""


@dataclass(frozen=True, slots=True)
class GoldActor:
    id: str
    name: str
    kind: str
    side: str | None
    side_alternatives: tuple[str, ...] = ()

    def sides(self) -> set[str | None]:
        return {self.side, *self.side_alternatives}


@dataclass(frozen=True, slots=True)
class GoldSource:
    start: int
    end: int
    text: str
    actor: str


@dataclass(frozen=True)
class GoldArticle:
    name: str
    article: Article
    publisher: str
    conflict: str
    actors: dict[str, GoldActor]
    sources: tuple[GoldSource, ...]


def read_gold(directory: str | Path) -> list[GoldArticle]:
    """Every ``gold/*.json`` of a set, sorted by name; raises GoldError naming the bad file."""
    root = Path(directory)
    return [_read_one(root, path) for path in gold_files(root, "an actor")]


def gold_files(root: Path, what: str) -> list[Path]:
    """The sorted ``gold/*.json`` files of an evaluation set; GoldError when there are none."""
    files = sorted((root / "gold").glob("*.json"))
    if not files:
        raise GoldError(f"{root}: no gold/*.json files: not {what} evaluation set")
    return files


def _read_one(root: Path, path: Path) -> GoldArticle:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        text_path = root / data["text"]
        text = text_path.read_text(encoding="utf-8")
        published = date.fromisoformat(data["published"]) if data.get("published") else None
        actors = {
            key: GoldActor(
                key, a["name"], a["kind"], a.get("side"), tuple(a.get("side_alternatives") or ())
            )
            for key, a in data["actors"].items()
        }
        sources = tuple(
            GoldSource(int(s["start"]), int(s["end"]), s["text"], s["actor"])
            for s in data["sources"]
        )
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise GoldError(f"{path}: cannot read gold ({type(err).__name__}: {err})") from None
    for source in sources:
        if text[source.start : source.end] != source.text:
            raise GoldError(
                f"{path}: source {source.text!r} at {source.start}-{source.end} does not slice the text"
            )
        if source.actor not in actors:
            raise GoldError(f"{path}: source {source.text!r} names unknown actor {source.actor!r}")
    for actor in actors.values():
        if actor.kind not in KINDS:
            raise GoldError(f"{path}: actor {actor.id!r} has unknown kind {actor.kind!r}")
    meta = Metadata(title=text.split("\n", 1)[0], publisher=data.get("publisher"),
                    url=data.get("url"), published=published)  # fmt: skip
    return GoldArticle(
        name=path.stem,
        article=as_article(text, str(text_path), meta),
        publisher=str(data.get("publisher") or ""),
        conflict=str(data.get("conflict") or ""),
        actors=actors,
        sources=sources,
    )


@dataclass
class Match:
    """One gold source and what the system said of it."""

    article: str
    gold: GoldSource
    gold_actor: GoldActor
    statement: Statement | None = None
    actor: Actor | None = None
    ledger_actor: str | None = None
    ledger_side: str | None = None


@dataclass
class Report:
    articles: int = 0
    publishers: int = 0
    conflicts: int = 0
    failed: list[str] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    aliases: dict[str, set[str]] = field(default_factory=dict)

    @property
    def found(self) -> list[Match]:
        return [m for m in self.matches if m.statement is not None]

    def figures(self) -> dict[str, Any]:
        found = self.found
        n = len(found)

        def rate(hits: Iterable[bool], total: int) -> float | None:
            return round(sum(hits) / total, 3) if total else None

        with_side = [m for m in found if m.gold_actor.side is not None]
        b3p, b3r = _b_cubed(found)
        cross = _cross_article(found)
        return {
            "articles": self.articles,
            "publishers": self.publishers,
            "conflicts": self.conflicts,
            "failed": len(self.failed),
            "gold_sources": len(self.matches),
            "found": n,
            "source_recall": rate((True for _ in found), len(self.matches)),
            "actor_name_exact": rate((self._name_exact(m) for m in found), n),
            "actor_name_alias": rate((self._name_alias(m) for m in found), n),
            "cluster_b3_precision": b3p,
            "cluster_b3_recall": b3r,
            "cluster_b3_f1": _f1(b3p, b3r),
            "side": rate((_side_ok(m) for m in found), n),
            "side_where_gold_has_one": rate((_side_ok(m) for m in with_side), len(with_side)),
            "side_with_ledger": rate((_side_ok(m, ledger=True) for m in found), n),
            "kind": rate((m.actor is not None and m.actor.kind == m.gold_actor.kind for m in found), n),
            "cross_article_pairs": cross[2],
            "cross_article_precision": cross[0],
            "cross_article_recall": cross[1],
            "cross_article_f1": _f1(cross[0], cross[1]),
        }

    def _name_exact(self, m: Match) -> bool:
        return m.actor is not None and fold(m.actor.name) == fold(m.gold_actor.name)

    def _name_alias(self, m: Match) -> bool:
        return m.actor is not None and fold(m.actor.name) in self.aliases.get(m.gold_actor.id, set())

    def errors(self) -> list[str]:
        """One line per gold source missed, or found with the wrong actor name or side."""
        out = []
        for m in self.matches:
            gold = f"{m.article}: {m.gold.text!r} ({m.gold.start}) gold {m.gold_actor.name} [{m.gold_actor.side}]"
            if m.statement is None:
                out.append(f"missed   {gold}")
                continue
            name = m.actor.name if m.actor else None
            side = m.actor.side.name if m.actor and m.actor.side else None
            if not self._name_alias(m):
                out.append(f"actor    {gold} -> {name} [{side}]")
            elif not _side_ok(m):
                out.append(f"side     {gold} -> {name} [{side}]")
        return out


def _side_ok(m: Match, ledger: bool = False) -> bool:
    """The predicted side is gold's; with ``ledger``, a side the article does not give
    may come from the ledger actor (the side other articles give the same actor)."""
    side = m.actor.side.name if m.actor is not None and m.actor.side is not None else None
    if ledger and side is None:
        side = m.ledger_side
    wanted = {fold(s) if s else None for s in m.gold_actor.sides()}
    return (fold(side) if side else None) in wanted


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return round(2 * p * r / (p + r), 3) if p + r else 0.0


def _b_cubed(found: Sequence[Match]) -> tuple[float | None, float | None]:
    """B-cubed precision and recall of predicted actors against gold actors, per article."""
    if not found:
        return None, None
    precision = recall = 0.0
    by_article: dict[str, list[Match]] = {}
    for m in found:
        by_article.setdefault(m.article, []).append(m)
    for matches in by_article.values():
        pred = Counter(_pred_key(m) for m in matches)
        gold = Counter(m.gold.actor for m in matches)
        both = Counter((_pred_key(m), m.gold.actor) for m in matches)
        for m in matches:
            shared = both[(_pred_key(m), m.gold.actor)]
            precision += shared / pred[_pred_key(m)]
            recall += shared / gold[m.gold.actor]
    return round(precision / len(found), 3), round(recall / len(found), 3)


def _pred_key(m: Match) -> str:
    """The predicted cluster: the actor, or the statement itself when it has none."""
    if m.actor is not None:
        return m.actor.actor_id
    return "statement:" + (m.statement.attribution.id if m.statement else "")


def _cross_article(found: Sequence[Match]) -> tuple[float | None, float | None, int]:
    """Pairwise precision and recall of links between found sources of different articles."""
    tp = fp = fn = 0
    for a, b in combinations(found, 2):
        if a.article == b.article:
            continue
        same_gold = a.gold.actor == b.gold.actor
        same_pred = a.ledger_actor is not None and a.ledger_actor == b.ledger_actor
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    precision = round(tp / (tp + fp), 3) if tp + fp else None
    recall = round(tp / (tp + fn), 3) if tp + fn else None
    return precision, recall, tp + fn


def score(
    gold: Sequence[GoldArticle], results: Sequence[Analysis | Failure], lex: Lexicons
) -> Report:
    """Match every gold source to the predictions and link the articles in a scratch ledger."""
    report = Report(
        articles=len(gold),
        publishers=len({g.publisher for g in gold}),
        conflicts=len({g.conflict for g in gold}),
    )
    for g in gold:
        for s in g.sources:
            if fold(s.text) not in PRONOUNS:
                report.aliases.setdefault(s.actor, set()).add(fold(s.text))
        for actor in g.actors.values():
            report.aliases.setdefault(actor.id, set()).add(fold(actor.name))
    links = _ledger_links([r for r in results if isinstance(r, Analysis)], lex)
    for g, result in zip(gold, results, strict=True):
        if isinstance(result, Failure):
            report.failed.append(str(result))
        for s in g.sources:
            match = Match(g.name, s, g.actors[s.actor])
            if isinstance(result, Analysis):
                _match(match, result, links)
            report.matches.append(match)
    return report


def _match(
    match: Match, analysis: Analysis, links: dict[tuple[str, str], tuple[str, str | None]]
) -> None:
    best, overlap = None, 0
    for statement in analysis.statements:
        src = statement.attribution.source
        if src is None:
            continue
        shared = min(src.end, match.gold.end) - max(src.start, match.gold.start)
        if shared > overlap:
            best, overlap = statement, shared
    if best is None:
        return
    match.statement = best
    actors = {a.actor_id: a for a in analysis.actors}
    match.actor = actors.get(best.actor_id or "")
    if match.actor is not None:
        match.ledger_actor, match.ledger_side = links.get(
            (analysis.article.id, match.actor.actor_id), (None, None)
        )


def _ledger_links(
    analyses: Sequence[Analysis], lex: Lexicons
) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(article id, actor id) -> (ledger actor id, its side), adding the articles by date
    to a scratch ledger."""
    ordered = sorted(analyses, key=lambda a: (a.article.published or date.max, a.article.source))
    with (
        tempfile.TemporaryDirectory(prefix="claimtrack-actors-") as tmp,
        Ledger(Path(tmp) / "eval.db", lexicons=lex) as ledger,
    ):
        for analysis in ordered:
            ledger.add(analysis)
        return {
            (link["article_id"], link["actor_id"]): (actor["ledger_actor_id"], actor["side"])
            for actor in ledger.actors()
            for link in actor["links"]
        }


def render(figures: dict[str, Any]) -> str:
    """The figures as an aligned two-column table."""
    width = max(len(k) for k in figures)
    lines = []
    for key, value in figures.items():
        shown = "—" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)
        lines.append(f"{key:<{width}}  {shown:>7}")
    return "\n".join(lines)
