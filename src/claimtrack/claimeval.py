"""Scoring propositions, stances, disputes and corroborations: ``claimtrack eval claims``.

A set is a directory laid out as ``evals/claims/README.md`` describes:
``gold/*.json`` (each gold statement's cue span and its claims: a proposition
id and a stance), ``propositions/*.tsv``, ``disputes/*.tsv`` and
``corroborations/*.tsv``. The articles are analysed and stored in a temporary
ledger, and the ledger's own groups, disputes and corroborations are scored,
so the figures measure what ``claimtrack propositions / disputes /
corroborations`` print.

Each gold statement is matched to the predicted statement whose cue overlaps
it most. Over the statements so found:

- **grouping**, pairwise: two statements belong together when they share a
  gold proposition, and are grouped when they share a ledger group; precision
  and recall of "grouped" against "belong together", and F1;
- **stance**: each gold proposition is mapped to the ledger group most of its
  statements fall in; a gold claim's stance is right when its statement is in
  that group with the same stance (``stance_where_grouped`` counts only claims
  whose statement is in the group); ``main_stance`` compares a statement's
  first gold claim with its own stance;
- **disputes / corroborations**: each ledger dispute (corroboration) is read as
  the gold proposition most of its statements claim; precision is the share of
  ledger disputes whose proposition is a gold dispute, recall the share of gold
  disputes found so.
"""

from __future__ import annotations

import csv
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimtrack.actoreval import GoldError, gold_files, render
from claimtrack.ingest import as_article
from claimtrack.ledger import Ledger
from claimtrack.ledger import propositions as ledger_propositions
from claimtrack.lexicons import Lexicons
from claimtrack.records import Analysis, Article, Failure, Statement
from claimtrack.stateval import best_by_cue, read_gold_file

__all__ = ["GoldError", "read_gold", "render", "score"]

STANCES = frozenset({"asserts", "denies", "hedges", "partial"})


@dataclass(frozen=True, slots=True)
class GoldClaim:
    proposition: str
    stance: str
    repeats: str | None = None


@dataclass(frozen=True, slots=True)
class GoldStatement:
    start: int
    end: int
    text: str
    source: str
    side: str | None
    claims: tuple[GoldClaim, ...]


@dataclass(frozen=True)
class GoldArticle:
    name: str
    article: Article
    statements: tuple[GoldStatement, ...]


@dataclass
class GoldSet:
    """The articles of a set (iterated like a list) and its set-wide tables."""

    articles: list[GoldArticle]
    propositions: dict[str, str]
    disputes: set[str]
    corroborations: set[str]

    def __iter__(self) -> Iterator[GoldArticle]:
        return iter(self.articles)

    def __len__(self) -> int:
        return len(self.articles)


def read_gold(directory: str | Path) -> GoldSet:
    """A claims set; raises GoldError naming the bad file or the unknown proposition."""
    root = Path(directory)
    props = _table_column(root / "propositions", "id", "proposition")
    disputes = set(_table_column(root / "disputes", "proposition", None))
    corroborations = set(_table_column(root / "corroborations", "proposition", None))
    articles = [_read_one(root, path) for path in gold_files(root, "a claim")]
    for a in articles:
        for s in a.statements:
            for c in s.claims:
                if c.proposition not in props:
                    raise GoldError(
                        f"{root}/gold/{a.name}.json: proposition {c.proposition!r} is in no propositions/*.tsv"
                    )
    for what, ids in (("disputes", disputes), ("corroborations", corroborations)):
        unknown = sorted(ids - props.keys())
        if unknown:
            raise GoldError(f"{root}/{what}: unknown propositions {', '.join(unknown)}")
    return GoldSet(articles, props, disputes, corroborations)


def _table_column(folder: Path, key: str, value: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted(folder.glob("*.tsv")) if folder.is_dir() else ():
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                    out[row[key].strip()] = (row.get(value) or "") if value else ""
        except (OSError, KeyError, csv.Error) as err:
            raise GoldError(f"{path}: cannot read ({type(err).__name__}: {err})") from None
    return out


def _read_one(root: Path, path: Path) -> GoldArticle:
    try:
        data, text, metadata = read_gold_file(root, path)
        statements = tuple(_statement(s, text) for s in data["statements"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise GoldError(f"{path}: cannot read gold ({type(err).__name__}: {err})") from None
    return GoldArticle(path.stem, as_article(text, str(root / data["text"]), metadata), statements)


def _statement(data: dict[str, Any], text: str) -> GoldStatement:
    cue = data["cue"]
    start, end, words = int(cue["start"]), int(cue["end"]), str(cue["text"])
    if text[start:end] != words:
        raise ValueError(f"cue {words!r} at {start}-{end} does not slice the text")
    claims = []
    for c in data.get("claims") or ():
        if c["stance"] not in STANCES:
            raise ValueError(f"cue at {start}: unknown stance {c['stance']!r}")
        claims.append(GoldClaim(str(c["proposition"]), c["stance"], c.get("repeats")))
    return GoldStatement(
        start, end, words, str(data.get("source") or ""), data.get("side"), tuple(claims)
    )


@dataclass
class Match:
    article: str
    gold: GoldStatement
    statement: Statement | None = None


@dataclass
class Report:
    gold: GoldSet
    failed: list[str] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    #: statement id -> {group key: stance}
    membership: dict[str, dict[str, str]] = field(default_factory=dict)
    group_labels: dict[str, str] = field(default_factory=dict)
    disputes: list[str] = field(default_factory=list)  # group keys
    corroborations: list[str] = field(default_factory=list)

    @property
    def found(self) -> list[Match]:
        return [m for m in self.matches if m.statement is not None]

    def _groups_of(self, m: Match) -> dict[str, str]:
        assert m.statement is not None
        return self.membership.get(m.statement.id, {})

    def figures(self) -> dict[str, Any]:
        found = self.found
        pairs = _pairs(found, self._groups_of)
        gold_map = self._gold_to_group()
        stance_hits = stance_total = grouped_total = grouped_hits = 0
        main_hits = main_total = 0
        for m in found:
            groups = self._groups_of(m)
            for n, claim in enumerate(m.gold.claims):
                stance_total += 1
                group = gold_map.get(claim.proposition)
                if group is not None and group in groups:
                    grouped_total += 1
                    hit = groups[group] == claim.stance
                    grouped_hits += hit
                    stance_hits += hit
                if n == 0:
                    main_total += 1
                    assert m.statement is not None
                    main_hits += m.statement.stance.label == claim.stance
        dp, dr = self._found_rate(self.disputes, self.gold.disputes)
        cp, cr = self._found_rate(self.corroborations, self.gold.corroborations)
        statements_per_prop = Counter(c.proposition for m in self.matches for c in m.gold.claims)
        return {
            "articles": len(self.gold.articles),
            "failed": len(self.failed),
            "gold_statements": len(self.matches),
            "found": len(found),
            "gold_propositions": len(statements_per_prop),
            "gold_propositions_shared": sum(1 for n in statements_per_prop.values() if n > 1),
            "grouping_pairs_gold": pairs["gold"],
            "grouping_pairs_predicted": pairs["pred"],
            "grouping_precision": _ratio(pairs["both"], pairs["pred"]),
            "grouping_recall": _ratio(pairs["both"], pairs["gold"]),
            "grouping_f1": _f1(
                _ratio(pairs["both"], pairs["pred"]), _ratio(pairs["both"], pairs["gold"])
            ),
            "stance": _ratio(stance_hits, stance_total),
            "stance_where_grouped": _ratio(grouped_hits, grouped_total),
            "main_stance": _ratio(main_hits, main_total),
            "gold_disputes": len(self.gold.disputes),
            "disputes_found": len(self.disputes),
            "dispute_precision": dp,
            "dispute_recall": dr,
            "gold_corroborations": len(self.gold.corroborations),
            "corroborations_found": len(self.corroborations),
            "corroboration_precision": cp,
            "corroboration_recall": cr,
        }

    def _gold_to_group(self) -> dict[str, str]:
        """Each gold proposition -> the ledger group most of its found statements are in."""
        votes: dict[str, Counter[str]] = defaultdict(Counter)
        for m in self.found:
            for claim in m.gold.claims:
                votes[claim.proposition].update(self._groups_of(m).keys())
        return {p: _top(c) for p, c in votes.items() if c}

    def _group_to_gold(self, group: str) -> str | None:
        """The gold proposition most statements of a ledger group claim."""
        votes: Counter[str] = Counter()
        for m in self.found:
            if group in self._groups_of(m):
                votes.update({c.proposition for c in m.gold.claims})
        return _top(votes) if votes else None

    def _found_rate(
        self, groups: Sequence[str], gold: set[str]
    ) -> tuple[float | None, float | None]:
        read = [self._group_to_gold(g) for g in groups]
        right = sum(1 for p in read if p in gold)
        found = len(gold & {p for p in read if p})
        return _ratio(right, len(groups)), _ratio(found, len(gold))

    def errors(self) -> list[str]:
        """Missed statements, claims outside their proposition's group, wrong stances, and
        disputes and corroborations missed or not in the gold."""
        out = []
        gold_map = self._gold_to_group()
        for m in self.matches:
            where = f"{m.article}: {m.gold.text!r} ({m.gold.start}) {m.gold.source}"
            if m.statement is None:
                out.append(f"missed        {where}")
                continue
            groups = self._groups_of(m)
            for claim in m.gold.claims:
                group = gold_map.get(claim.proposition)
                shown = self.group_labels.get(group or "", "none")
                if group not in groups:
                    mine = ", ".join(self.group_labels.get(g, g) for g in groups) or "none"
                    out.append(f"ungrouped     {where}: {claim.proposition} ({shown}) -> {mine}")
                elif groups[group] != claim.stance:
                    out.append(
                        f"stance        {where}: {claim.proposition} gold {claim.stance} -> {groups[group]}"
                    )
        for what, keys, gold in (
            ("dispute", self.disputes, self.gold.disputes),
            ("corroboration", self.corroborations, self.gold.corroborations),
        ):
            read = {key: self._group_to_gold(key) for key in keys}
            for key, p in read.items():
                if p not in gold:
                    out.append(f"extra {what:<14} {self.group_labels.get(key, key)} (reads as {p})")
            for p in sorted(gold - set(read.values())):
                out.append(f"missed {what:<13} {p}: {self.gold.propositions.get(p, '')}")
        return out


def _top(votes: Counter[str]) -> str:
    """The most common item; ties go to the smallest, so figures do not depend on order."""
    return min(votes, key=lambda item: (-votes[item], item))


def _pairs(found: Sequence[Match], groups_of: Any) -> dict[str, int]:
    counts = {"gold": 0, "pred": 0, "both": 0}
    items = [({c.proposition for c in m.gold.claims}, set(groups_of(m))) for m in found]
    for i in range(len(items)):
        gi, pi = items[i]
        for j in range(i + 1, len(items)):
            gj, pj = items[j]
            g, p = bool(gi & gj), bool(pi & pj)
            counts["gold"] += g
            counts["pred"] += p
            counts["both"] += g and p
    return counts


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def _f1(p: float | None, r: float | None) -> float | None:
    return round(2 * p * r / (p + r), 3) if p and r else None


def score(gold: GoldSet, results: Sequence[Analysis | Failure], lex: Lexicons) -> Report:
    """Store the analyses in a temporary ledger and score its groups against the gold."""
    report = Report(gold)
    with (
        tempfile.TemporaryDirectory(prefix="claimtrack-eval-") as tmp,
        Ledger(Path(tmp) / "eval.db", lex) as ledger,
    ):
        for g, result in zip(gold.articles, results, strict=True):
            if isinstance(result, Failure):
                report.failed.append(str(result))
            else:
                ledger.add(result)
            for s in g.statements:
                match = Match(g.name, s)
                if isinstance(result, Analysis):
                    match.statement = best_by_cue(s.start, s.end, result.statements)
                report.matches.append(match)
        conn = ledger._db
        for grp in ledger_propositions.groups(conn, lex.exclusive_classes):
            report.group_labels[grp.key] = grp.label
            for member in grp.members:
                report.membership.setdefault(member.row["statement_id"], {})[grp.key] = (
                    member.stance
                )
        report.disputes = [d["proposition_key"] for d in ledger.disputes()]
        report.corroborations = [c["proposition_key"] for c in ledger.corroborations()]
    return report
