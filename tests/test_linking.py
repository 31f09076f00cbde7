"""Actors across articles: keys, scores, and the ledger's canonical actors (no spaCy model)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimtrack import lexicons
from claimtrack.cli import main
from claimtrack.ledger import Ledger, linking, migrations, store
from claimtrack.records import (
    Actor,
    ActorKind,
    Analysis,
    Article,
    Attribution,
    Channel,
    Side,
    Span,
    Stamp,
    Stance,
    Statement,
    stable_id,
)
from conftest import statement_columns_before

LEX = lexicons.load()
STAMP = Stamp("0.1.0", "en_core_web_sm", "3.8.0", "lex-aaaa")


def find(text: str, phrase: str) -> Span:
    start = text.index(phrase)
    return Span.of(text, start, start + len(phrase))


def article(
    text: str,
    actors: list[tuple[str, ActorKind, str | None, tuple[str, ...], str]],
    published: date = date(2024, 3, 1),
) -> Analysis:
    """An analysis of ``text`` with one "said" statement per actor.

    Each actor is (name, kind, side word in the text or None, titles, mention);
    the side's name is the country the word names, else the word itself. The
    n-th actor's cue is the n-th "said".
    """
    article_id = hashlib.sha256(text.encode()).hexdigest()
    art = Article(id=article_id, text=text, source=f"{article_id[:6]}.txt", published=published)
    records, statements = [], []
    cue_at = -1
    for name, kind, side_word, titles, mention in actors:
        side = None
        if side_word is not None:
            side = Side(LEX.country_of(side_word) or side_word, find(text, side_word))
        actor = Actor(
            actor_id=stable_id("actor", name),
            name=name,
            kind=kind,
            titles=titles,
            side=side,
            mentions=(find(text, mention),),
        )
        records.append(actor)
        cue_at = text.index("said", cue_at + 1)
        cue = Span.of(text, cue_at, cue_at + 4)
        attribution = Attribution(
            id=stable_id(article_id, cue.start, cue.end),
            article_id=article_id,
            kind="indirect",
            cue=cue,
            source=find(text, mention),
            content=(),
        )
        statements.append(
            Statement(attribution, actor.actor_id, Channel("unknown"), None, None, (), None,
                      Stance("asserts", ()))
        )  # fmt: skip
    return Analysis(art, (), tuple(records), tuple(statements), STAMP)


REZNIKOV_1 = article(
    "Ukraine's defense minister Oleksii Reznikov said the city held.",
    [("Oleksii Reznikov", "person", "Ukraine", ("defense minister",), "Oleksii Reznikov")],
)
REZNIKOV_2 = article(
    "Ukrainian minister Reznikov said on Friday that troops held. Moscow said otherwise.",
    [
        ("Reznikov", "person", "Ukrainian", ("minister",), "Reznikov"),
        ("Moscow", "government", "Moscow", (), "Moscow"),
    ],
)
SHOIGU = article(
    "Russia's defense minister Sergei Shoigu said the city fell. The Kremlin said so too.",
    [("Sergei Shoigu", "person", "Russia", ("defense minister",), "Sergei Shoigu")],
)


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger(tmp_path / "news.db") as ledger:
        yield ledger


def by_name(ledger: Ledger) -> dict[str, dict[str, object]]:
    return {str(a["name"]): a for a in ledger.actors()}


# --- keys and scores -------------------------------------------------------------


def test_person_keys_full_name_surname_and_descriptions() -> None:
    p = linking.profile(
        "person", "Oleksii Reznikov", "Ukraine", ["Ukraine's defense minister"], LEX
    )
    assert p.keys == {"p:oleksii reznikov", "s:reznikov", "d:defense minister|ukraine"}


def test_described_person_has_only_a_description_key() -> None:
    p = linking.profile("person", "Ukraine's defense minister", "Ukraine", [], LEX)
    assert p.keys == {"d:defense minister|ukraine"}


def test_government_keys_by_country_of_capital() -> None:
    assert linking.profile("government", "Moscow", "Russia", [], LEX).keys == {"c:russia"}


def test_organisation_keys_ignore_country_words_and_order() -> None:
    a = linking.profile("organisation", "Russian Defense Ministry", "Russia", [], LEX)
    b = linking.profile("organisation", "Russia's defense ministry", "Russia", [], LEX)
    assert a.keys == b.keys == {"o:defense ministry|russia"}


def test_acronyms_from_parentheses_initials_and_bare_caps() -> None:
    spelled = linking.profile("organisation", "Institute for the Study of War", None, [], LEX)
    given = linking.profile("organisation", "Institute for the Study of War (ISW)", None, [], LEX)
    bare = linking.profile("organisation", "ISW", None, [], LEX)
    assert "a:isw" in spelled.keys and "a:isw" in given.keys and "a:isw" in bare.keys


def test_collectives_link_only_with_a_side() -> None:
    assert linking.profile("group", "Ukrainian officials", "Ukraine", [], LEX).keys == {
        "g:officials|ukraine"
    }
    assert linking.profile("group", "analysts", None, [], LEX).keys == set()


def test_unnamed_actors_have_no_keys() -> None:
    assert linking.profile("unnamed", "he", None, [], LEX).keys == set()


@pytest.mark.parametrize(
    ("new", "old", "linked"),
    [
        # surname with an agreeing side: linked
        (
            ("Reznikov", "Ukraine", ["minister"]),
            ("Oleksii Reznikov", "Ukraine", ["defense minister"]),
            True,
        ),
        # surname alone, nothing else known, only such person: linked at the threshold
        (("Reznikov", None, []), ("Oleksii Reznikov", None, []), True),
        # surname with disagreeing sides: never
        (("Smith", "Russia", []), ("John Smith", "United Kingdom", []), False),
        # surname with disagreeing titles: never
        (("Smith", None, ["general"]), ("John Smith", None, ["ambassador"]), False),
        # different first names: never
        (("Jane Smith", None, []), ("John Smith", None, []), False),
    ],
)
def test_surname_rules(
    new: tuple[str, str | None, list[str]], old: tuple[str, str | None, list[str]], linked: bool
) -> None:
    a = linking.profile("person", *new, LEX)
    b = linking.profile("person", *old, LEX)
    kinds = sorted({k[0] for k in a.keys & b.keys})
    conf, _ = linking.score(a, b, kinds, unique_surname=True)
    assert (conf >= linking.LINK_THRESHOLD) is linked


def test_same_full_name_on_other_sides_is_not_linked() -> None:
    a = linking.profile("person", "John Smith", "Russia", [], LEX)
    b = linking.profile("person", "John Smith", "United Kingdom", [], LEX)
    conf, reason = linking.score(a, b, ["p", "s"], unique_surname=True)
    assert conf < linking.LINK_THRESHOLD and "sides differ" in reason


def test_fold_ignores_case_and_accents() -> None:
    assert linking.fold("Kyïv’s ZELENSKYY") == "kyiv's zelenskyy"


# --- the ledger -------------------------------------------------------------------


def test_one_person_across_articles(ledger: Ledger) -> None:
    ledger.add(REZNIKOV_1)
    ledger.add(REZNIKOV_2)
    actors = by_name(ledger)
    reznikov = actors["Oleksii Reznikov"]
    assert reznikov["articles"] == 2 and reznikov["statements"] == 2
    assert reznikov["side"] == "Ukraine"
    assert {"Oleksii Reznikov", "Reznikov", "defense minister", "minister"} <= set(
        reznikov["aliases"]  # type: ignore[arg-type]
    )
    links = reznikov["links"]
    assert isinstance(links, list)
    assert [(x["name"], x["reason"]) for x in links] == [
        ("Oleksii Reznikov", "new actor"),
        ("Reznikov", "same surname + side + title + only person of that surname"),
    ]
    assert links[1]["confidence"] == 0.99  # capped below a sure thing


def test_query_by_any_alias_finds_every_article(ledger: Ledger) -> None:
    ledger.add(REZNIKOV_1)
    ledger.add(REZNIKOV_2)
    ledger.add(SHOIGU)
    # "Oleksii" is written only in the first article; the alias finds the second too
    rows = ledger.statements(actor="oleksii")
    assert [r["source_text"] for r in rows] == ["Oleksii Reznikov", "Reznikov"]
    assert {r["ledger_actor"] for r in rows} == {"Oleksii Reznikov"}
    # the defense ministers of two sides stay two actors
    assert {r["ledger_actor"] for r in ledger.statements(actor="defense minister")} == {
        "Oleksii Reznikov",
        "Sergei Shoigu",
    }


def test_statements_by_side(ledger: Ledger) -> None:
    ledger.add(REZNIKOV_2)
    ledger.add(SHOIGU)
    assert sorted(r["source_text"] for r in ledger.statements(side="russia")) == [
        "Moscow",
        "Sergei Shoigu",
    ]


def test_capital_and_country_are_one_government(ledger: Ledger) -> None:
    ledger.add(REZNIKOV_2)
    russia = article(
        "Russia said the town fell.", [("Russia", "government", "Russia", (), "Russia")]
    )
    ledger.add(russia)
    government = [a for a in ledger.actors() if a["kind"] == "government"]
    assert len(government) == 1
    assert government[0]["name"] == "Russia" and government[0]["articles"] == 2
    assert set(government[0]["aliases"]) == {"Russia", "Moscow"}  # type: ignore[arg-type]


def test_same_surname_other_side_stays_apart(ledger: Ledger) -> None:
    ledger.add(REZNIKOV_1)
    other = article(
        "Russian blogger Reznikov said it was over.",
        [("Reznikov", "person", "Russian", ("blogger",), "Reznikov")],
    )
    ledger.add(other)
    assert sorted(a["name"] for a in ledger.actors()) == ["Oleksii Reznikov", "Reznikov"]


def test_readding_changes_nothing_and_replacing_relinks(ledger: Ledger) -> None:
    ledger.add(REZNIKOV_1)
    ledger.add(REZNIKOV_2)
    before = ledger.actors()
    assert ledger.add(REZNIKOV_2) == "unchanged"
    assert ledger.actors() == before
    # another analysis of the second article: its actors are relinked, and the
    # ledger actor only it had (Moscow's government) goes when it no longer has it
    replaced = article(
        REZNIKOV_2.article.text, [("Reznikov", "person", "Ukrainian", (), "Reznikov")]
    )
    replaced = Analysis(
        replaced.article, (), replaced.actors, replaced.statements,
        Stamp("0.2.0", "en_core_web_sm", "3.8.0", "lex-bbbb"),
    )  # fmt: skip
    assert ledger.add(replaced) == "replaced"
    actors = by_name(ledger)
    assert sorted(actors) == ["Oleksii Reznikov"]
    assert actors["Oleksii Reznikov"]["articles"] == 2
    assert ledger.counts()["ledger_actors"] == 1


def test_version_3_ledger_is_linked_when_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    with monkeypatch.context() as patch:  # as claimtrack wrote it before actors were linked
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:3])
        patch.setattr(store, "STATEMENT_COLUMNS", statement_columns_before(3))
        patch.setattr(store, "_insert_claims", lambda conn, analysis: None)  # claims: version 6
        patch.setattr(store, "_insert_co_actors", lambda conn, analysis: None)  # version 7
        with closing(sqlite3.connect(path, isolation_level=None)) as conn:
            assert migrations.migrate(conn, str(path)) == 3
            conn.execute("BEGIN")
            for analysis in (REZNIKOV_1, REZNIKOV_2):
                row = store._article_row(analysis, store.analysis_hash(analysis), "2024-03-01")
                conn.execute(store._insert_sql("articles", store.ARTICLE_COLUMNS), row)
                store._insert_children(conn, analysis)
            conn.execute("COMMIT")
    with Ledger(path) as ledger:
        assert by_name(ledger)["Oleksii Reznikov"]["articles"] == 2
        assert ledger.add(REZNIKOV_1) == "unchanged"
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.latest_version()
        pending = conn.execute("SELECT count(*) FROM actors WHERE link_reason IS NULL").fetchone()
    assert pending[0] == 0


# --- the command line ---------------------------------------------------------------


def test_actors_command_lists_and_filters(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with Ledger(db) as ledger:
        for analysis in (REZNIKOV_1, REZNIKOV_2, SHOIGU):
            ledger.add(analysis)
    runner = CliRunner()
    result = runner.invoke(main, ["actors", "--db", str(db), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["name"] for r in rows] == ["Oleksii Reznikov", "Russia", "Sergei Shoigu"]
    result = runner.invoke(
        main, ["actors", "--db", str(db), "--side", "ukraine", "--format", "csv"]
    )
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("ledger_actor_id,name,kind,side,articles,statements")
    assert len(lines) == 2 and "Oleksii Reznikov" in lines[1]
    table = runner.invoke(
        main, ["actors", "--db", str(db), "--kind", "government", "--format", "table"]
    )
    assert "Russia" in table.output and "Reznikov" not in table.output


def test_actors_command_on_a_missing_ledger_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["actors", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "no such ledger" in result.output
