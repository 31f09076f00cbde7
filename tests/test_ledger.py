"""The ledger, on Analysis records built by hand (no spaCy model needed)."""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
import typing
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.errors import LedgerError, SchemaVersionError
from claimtrack.ledger import Ledger, migrations, store
from claimtrack.ledger.migrations import Migration
from claimtrack.records import (
    Actor,
    Analysis,
    Article,
    Attribution,
    Channel,
    Claim,
    Exclusion,
    Hedge,
    Place,
    Proposition,
    Side,
    Span,
    Stamp,
    Stance,
    Statement,
    TimeRef,
    stable_id,
)
from conftest import statement_columns_before

TEXT = (
    "Kyiv Denies Bakhmut Has Fallen\n\n"
    "Ukraine's defense minister Oleksii Reznikov said on Friday in Singapore that "
    "Russian forces had not captured Bakhmut.\n"
    '"Our men are still there," Wagner chief Yevgeny Prigozhin wrote on Telegram, '
    '"but they will likely leave."\n'
    "Newsweek magazine delivered to your door.\n"
    "Photo: Reuters\n"
)
PUBLISHED = date(2023, 6, 4)
STAMP = Stamp("0.1.0", "en_core_web_sm", "3.8.0", "lex-aaaa")
OTHER_STAMP = Stamp("0.2.0", "en_core_web_sm", "3.8.0", "lex-bbbb")


def find(text: str, phrase: str) -> Span:
    """The span of the first occurrence of ``phrase`` in ``text``."""
    start = text.index(phrase)
    return Span.of(text, start, start + len(phrase))


def _place(text: str, phrase: str, name: str) -> Place:
    span = find(text, phrase)
    return Place(span.start, span.end, span.text, name=name)


def make_analysis(
    text: str = TEXT,
    source: str = "a.txt",
    stamp: Stamp = STAMP,
    published: date | None = PUBLISHED,
) -> Analysis:
    """An analysis of ``text`` (which must contain TEXT's phrases): two actors, two statements.

    Reznikov's statement is dated "on Friday" (2023-06-02) in Singapore; Prigozhin's
    has no time, so the ledger dates it by publication.
    """
    article_id = hashlib.sha256(text.encode("utf-8")).hexdigest()
    article = Article(
        id=article_id,
        text=text,
        source=source,
        title="Kyiv Denies Bakhmut Has Fallen",
        publisher="Newsweek",
        url="https://example.org/bakhmut",
        published=published,
    )
    reznikov = Actor(
        actor_id=stable_id("actor", "Oleksii Reznikov"),
        name="Oleksii Reznikov",
        kind="person",
        titles=("defense minister",),
        side=Side("Ukraine", find(text, "Ukraine's")),
        mentions=(find(text, "Oleksii Reznikov"),),
    )
    prigozhin = Actor(
        actor_id=stable_id("actor", "Yevgeny Prigozhin"),
        name="Yevgeny Prigozhin",
        kind="person",
        titles=("chief",),
        side=Side("Wagner Group", find(text, "Wagner")),
        mentions=(find(text, "Yevgeny Prigozhin"),),
    )
    exclusions = (
        Exclusion(find(text, "Newsweek magazine delivered to your door."), "promo"),
        Exclusion(find(text, "Photo: Reuters"), "credit"),
    )
    statements = (_reznikov_said(article, reznikov), _prigozhin_wrote(article, prigozhin))
    return Analysis(article, exclusions, (reznikov, prigozhin), statements, stamp)


def _reznikov_said(article: Article, actor: Actor) -> Statement:
    text = article.text
    cue = find(text, "said")
    captured = find(text, "had not captured Bakhmut")
    attribution = Attribution(
        id=stable_id(article.id, cue.start, cue.end),
        article_id=article.id,
        kind="indirect",
        cue=cue,
        source=find(text, "Ukraine's defense minister Oleksii Reznikov"),
        content=(find(text, "Russian forces had not captured Bakhmut"),),
    )
    proposition = Proposition(
        key="bakhmut-control",
        subject=find(text, "Russian forces"),
        predicate="capture",
        object=Span.of(text, captured.end - len("Bakhmut"), captured.end),
        polarity="negative",
        predicate_class="control",
        subject_name="Russia",
        object_name="Bakhmut",
        predicate_span=Span.of(text, captured.start + 8, captured.start + 16),
    )
    stance = Stance("denies", (Span.of(text, captured.start + 4, captured.start + 7),), "negation 'not'")
    return Statement(
        attribution=attribution,
        actor_id=actor.actor_id,
        channel=Channel("remarks_to_reporters"),
        time=TimeRef(find(text, "on Friday"), "day", date(2023, 6, 2), date(2023, 6, 2)),
        place=_place(text, "Singapore", "Singapore"),
        hedges=(),
        proposition=proposition,
        stance=stance,
        claims=(Claim(proposition, stance),),
    )


def _prigozhin_wrote(article: Article, actor: Actor) -> Statement:
    text = article.text
    cue = find(text, "wrote")
    content = (find(text, "Our men are still there,"), find(text, "but they will likely leave."))
    attribution = Attribution(
        id=stable_id(article.id, cue.start, cue.end),
        article_id=article.id,
        kind="direct",
        cue=cue,
        source=find(text, "Wagner chief Yevgeny Prigozhin"),
        content=content,
        notes=("split quote",),
    )
    return Statement(
        attribution=attribution,
        actor_id=actor.actor_id,
        channel=Channel("social_media_post", "Telegram", find(text, "on Telegram")),
        time=None,
        place=None,
        hedges=(Hedge(find(text, "likely"), "source"),),
        proposition=None,
        stance=Stance("hedges", (find(text, "likely"),)),
    )


def other_article(published: date | None = date(2023, 6, 1)) -> Analysis:
    """A second article (other text, so another id), with no resolved times."""
    analysis = make_analysis(TEXT + "Updated.\n", source="b.txt", published=published)
    return replace(analysis, statements=tuple(replace(s, time=None) for s in analysis.statements))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "news.db"


@pytest.fixture
def ledger(db: Path) -> Iterator[Ledger]:
    with Ledger(db) as opened:
        yield opened


def raw(path: Path) -> closing[sqlite3.Connection]:
    """A plain sqlite3 connection, closed on leaving the ``with``."""
    return closing(sqlite3.connect(path))


# --- opening, reopening, versions -------------------------------------------------


def test_create_and_reopen_keeps_data(db: Path) -> None:
    analysis = make_analysis()
    with Ledger(db) as ledger:
        assert ledger.add(analysis) == "added"
        before = ledger.counts()
    with Ledger(db) as ledger:
        assert ledger.counts() == before
        assert ledger.analysis(analysis.article.id) == analysis
    assert before == {
        "articles": 1,
        "article_sources": 1,
        "article_versions": 1,
        "exclusions": 2,
        "actors": 2,
        "statements": 2,
        "ledger_actors": 2,
        "actor_aliases": 4,  # each: its name and its one title
        "claims": 1,
        "statement_co_actors": 0,
    }


def test_new_ledger_is_versioned_and_in_wal_mode(db: Path) -> None:
    Ledger(db).close()
    with raw(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.latest_version()
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {
        "articles",
        "article_sources",
        "article_versions",
        "exclusions",
        "actors",
        "statements",
        "ledger_actors",
        "actor_keys",
        "actor_aliases",
        "claims",
        "statement_co_actors",
    }


def test_foreign_keys_are_enforced(ledger: Ledger) -> None:
    conn = ledger._db
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO article_sources (article_id, source, first_seen)"
            " VALUES ('no-such-article', 'x', 'now')"
        )


def test_newer_schema_version_raises(db: Path) -> None:
    Ledger(db).close()
    with raw(db) as conn:
        conn.execute("PRAGMA user_version = 99")
        conn.commit()
    with pytest.raises(SchemaVersionError) as info:
        Ledger(db)
    message = str(info.value)
    assert str(db) in message
    assert "99" in message and f"version {migrations.latest_version()}" in message


@pytest.mark.parametrize(
    "junk", [b"not a database at all\n" * 200, b"SQLite format 3\x00" + b"\xff" * 50]
)
def test_garbage_file_raises_and_is_left_alone(db: Path, junk: bytes) -> None:
    db.write_bytes(junk)
    with pytest.raises(LedgerError, match="not a claimtrack ledger") as info:
        Ledger(db)
    assert str(db) in str(info.value)
    assert db.read_bytes() == junk


def test_other_applications_database_is_refused(db: Path) -> None:
    with raw(db) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.commit()
    with pytest.raises(LedgerError, match="not a claimtrack ledger"):
        Ledger(db)


def test_unopenable_path_raises_ledger_error(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="cannot open ledger"):
        Ledger(tmp_path / "missing-dir" / "news.db")


def test_migration_step_is_applied_to_an_older_ledger(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Ledger(db) as ledger:
        ledger.add(make_analysis())
    new = migrations.latest_version() + 1
    step = Migration(new, "article notes", lambda: "ALTER TABLE articles ADD COLUMN note TEXT;")
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, step))
    with Ledger(db) as ledger:
        assert ledger.counts()["statements"] == 2
    with raw(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == new
        columns = {r[1] for r in conn.execute("PRAGMA table_info(articles)")}
    assert "note" in columns


def test_failing_migration_step_is_rolled_back_whole(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Ledger(db).close()
    sql = "ALTER TABLE articles ADD COLUMN note TEXT;\nCREATE TABLE articles (x);"
    old = migrations.latest_version()
    step = Migration(old + 1, "broken", lambda: sql)
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, step))
    with pytest.raises(LedgerError, match=f"migration to schema version {old + 1}"):
        Ledger(db)
    with raw(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == old
        columns = {r[1] for r in conn.execute("PRAGMA table_info(articles)")}
    assert "note" not in columns


def test_split_statements_keeps_semicolons_in_strings() -> None:
    sql = "-- a comment; not a statement\nCREATE TABLE t (x TEXT DEFAULT 'a;b');\nSELECT 1;\n"
    assert list(migrations.split_statements(sql)) == [
        "-- a comment; not a statement\nCREATE TABLE t (x TEXT DEFAULT 'a;b');",
        "SELECT 1;",
    ]


# --- a ledger written by claimtrack 0.1 (schema version 1) ---------------------------

# The fingerprint claimtrack 0.1.0 stored for make_analysis(): computed with that
# release's code. Unchanged, so re-adding an article after the upgrade is "unchanged".
V1_HASH = "b54b9cbbc70b00e5d4ba9b855af8a71590ca320e54976b3e041ae52f22aef813"
V1_ARTICLE_COLUMNS = (
    "id", "text", "source", "title", "publisher", "url", "published", "encoding",
    "schema_version", "claimtrack_version", "model", "model_version", "lexicon_hash",
    "analysis_hash", "added_at", "updated_at",
)  # fmt: skip


def write_version_1_ledger(
    path: Path, monkeypatch: pytest.MonkeyPatch, adds: list[tuple[Analysis, str, list[str]]]
) -> None:
    """A ledger as claimtrack 0.1 wrote it: migration step 1 only, then its rows.

    Each add is (analysis, added_at, sources); the article row is the first source's.
    """
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
        patch.setattr(store, "STATEMENT_COLUMNS", statement_columns_before(1))
        patch.setattr(store, "_insert_claims", lambda conn, analysis: None)  # claims: version 6
        patch.setattr(store, "_insert_co_actors", lambda conn, analysis: None)  # version 7
        with closing(sqlite3.connect(path, isolation_level=None)) as conn:
            assert migrations.migrate(conn, str(path)) == 1
            conn.execute("BEGIN")
            for analysis, added_at, sources in adds:
                row = store._article_row(analysis, store.analysis_hash(analysis), added_at)
                row["source"] = sources[0]
                v1_row = {column: row[column] for column in V1_ARTICLE_COLUMNS}
                conn.execute(store._insert_sql("articles", V1_ARTICLE_COLUMNS), v1_row)
                store._insert_children(conn, analysis)
                conn.executemany(
                    "INSERT INTO article_sources VALUES (?, ?, ?)",
                    [(analysis.article.id, source, added_at) for source in sources],
                )
            conn.execute("COMMIT")


def test_version_1_ledger_is_migrated_with_its_data(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # as claimtrack 0.1 analysed them: no claims, stance reasons or proposition names
    first, second = (_before_claims(a) for a in (make_analysis(), other_article()))  # same URL, different text
    write_version_1_ledger(
        db,
        monkeypatch,
        [
            (second, "2023-06-05T08:00:00+00:00", ["b.txt"]),
            (first, "2023-06-04T08:00:00+00:00", ["a.txt", "copy/a.txt"]),
        ],
    )
    with Ledger(db) as ledger:
        assert ledger.analysis(first.article.id) == first
        assert ledger.analysis(second.article.id) == second
        versions = ledger.versions("https://example.org/bakhmut")
        assert [(v["version"], v["article_id"], v["previous_id"]) for v in versions] == [
            (1, first.article.id, None),  # numbered by when each was first added
            (2, second.article.id, first.article.id),
        ]
        stored = ledger.article(first.article.id)
        assert stored is not None and stored["author"] is None
        assert [(s["source"], s["url"]) for s in stored["sightings"]] == [
            ("a.txt", "https://example.org/bakhmut"),  # the stored analysis's own source
            ("copy/a.txt", None),  # version 1 did not record where else it had a URL
        ]
        before = ledger.counts()
        assert ledger.add(first) == "unchanged"
        assert ledger.add(second) == "unchanged"
        assert ledger.counts() == before
    with raw(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.latest_version()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        hashes = dict(conn.execute("SELECT id, analysis_hash FROM articles").fetchall())
    assert hashes[first.article.id] == V1_HASH == store.analysis_hash(first)


def _before_claims(analysis: Analysis) -> Analysis:
    """An analysis as written before schema 6: no claims, no stance reason, bare propositions."""
    statements = []
    for old in analysis.statements:
        prop = old.proposition
        if prop is not None:
            prop = Proposition(prop.key, prop.subject, prop.predicate, prop.object, prop.polarity)
        statements.append(replace(old, proposition=prop, stance=replace(old.stance, reason=None), claims=()))
    return replace(analysis, statements=tuple(statements))


def test_version_1_ledger_without_urls_gets_no_versions(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    analysis = make_analysis()
    no_url = replace(analysis, article=replace(analysis.article, url=None))
    write_version_1_ledger(db, monkeypatch, [(no_url, "2023-06-04T08:00:00+00:00", ["a.txt"])])
    with Ledger(db) as ledger:
        assert ledger.counts()["article_versions"] == 0
        assert ledger.articles()[0]["versions"] == []
        ledger.add(make_analysis(source="https://example.org/bakhmut"))
        assert [v["version"] for v in ledger.versions("https://example.org/bakhmut")] == [1]


def test_closed_ledger_refuses_work(db: Path) -> None:
    ledger = Ledger(db)
    ledger.close()
    ledger.close()
    with pytest.raises(LedgerError, match="closed"):
        ledger.counts()


# --- adding -------------------------------------------------------------------------


def test_adding_twice_changes_nothing(ledger: Ledger) -> None:
    analysis = make_analysis()
    assert ledger.add(analysis) == "added"
    once = ledger.counts()
    assert ledger.add(analysis) == "unchanged"
    assert ledger.counts() == once


def test_other_stamp_replaces_without_duplicates(ledger: Ledger) -> None:
    analysis = make_analysis()
    ledger.add(analysis)
    once = ledger.counts()
    newer = make_analysis(stamp=OTHER_STAMP)
    assert ledger.add(newer) == "replaced"
    assert ledger.counts() == once
    assert ledger.analysis(analysis.article.id) == newer
    assert ledger.articles()[0]["claimtrack_version"] == "0.2.0"


def test_replacement_drops_rows_the_new_analysis_lacks(ledger: Ledger) -> None:
    ledger.add(make_analysis())
    analysis = make_analysis(stamp=OTHER_STAMP)
    smaller = replace(analysis, statements=analysis.statements[:1], exclusions=())
    assert ledger.add(smaller) == "replaced"
    counts = ledger.counts()
    assert (counts["statements"], counts["exclusions"], counts["actors"]) == (1, 0, 2)


def test_other_publication_date_replaces(ledger: Ledger) -> None:
    ledger.add(make_analysis())
    assert ledger.add(make_analysis(published=date(2023, 6, 5))) == "replaced"
    assert ledger.articles()[0]["published"] == "2023-06-05"


def test_same_text_from_two_sources_is_one_article(ledger: Ledger) -> None:
    first = make_analysis(source="feeds/world.xml")
    assert ledger.add(first) == "added"
    assert ledger.add(make_analysis(source="saved/bakhmut.html")) == "unchanged"
    assert ledger.add(make_analysis(source="feeds/world.xml")) == "unchanged"
    counts = ledger.counts()
    assert (counts["articles"], counts["article_sources"], counts["statements"]) == (1, 2, 2)
    stored = ledger.article(first.article.id)
    assert stored is not None
    assert sorted(stored["sources"]) == ["feeds/world.xml", "saved/bakhmut.html"]


def test_failure_mid_add_stores_nothing_of_that_article(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier = make_analysis()
    ledger.add(earlier)
    before = ledger.counts()
    real_insert = store._insert_statements

    def insert_then_fail(conn: sqlite3.Connection, analysis: Analysis) -> None:
        real_insert(conn, analysis)  # rows are written, then the add fails
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "_insert_statements", insert_then_fail)
    failing = other_article()
    with pytest.raises(RuntimeError, match="disk on fire"):
        ledger.add(failing)
    assert ledger.counts() == before
    assert ledger.article(failing.article.id) is None
    assert ledger.analysis(earlier.article.id) == earlier
    monkeypatch.undo()
    assert ledger.add(failing) == "added"


def test_failed_replacement_keeps_the_old_analysis(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = make_analysis()
    ledger.add(old)

    def fail(conn: sqlite3.Connection, analysis: Analysis) -> None:
        raise RuntimeError("interrupted")

    monkeypatch.setattr(store, "_insert_actors", fail)
    with pytest.raises(RuntimeError):
        ledger.add(make_analysis(stamp=OTHER_STAMP))
    assert ledger.analysis(old.article.id) == old


def test_database_error_mid_add_is_a_ledger_error_and_rolls_back(ledger: Ledger) -> None:
    analysis = make_analysis()
    duplicated = replace(analysis, statements=analysis.statements + analysis.statements[:1])
    with pytest.raises(LedgerError, match=analysis.article.id):
        ledger.add(duplicated)
    assert set(ledger.counts().values()) == {0}


def test_statement_of_another_article_is_refused(ledger: Ledger) -> None:
    analysis = make_analysis()
    stray = replace(analysis, statements=other_article().statements)
    with pytest.raises(LedgerError, match="belongs to article"):
        ledger.add(stray)
    assert ledger.counts()["articles"] == 0


def test_two_ledgers_on_one_file(db: Path) -> None:
    with Ledger(db) as one, Ledger(db) as two:
        one.add(make_analysis())
        assert two.counts()["articles"] == 1
        two.add(other_article())
        assert one.counts()["articles"] == 2
        assert one.add(other_article()) == "unchanged"
    with raw(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# --- sightings and versions -----------------------------------------------------------

URL = "https://example.org/bakhmut"


def with_article(analysis: Analysis, **changes: object) -> Analysis:
    return replace(analysis, article=replace(analysis.article, **changes))


def rewritten(text: str, source: str = "a.txt") -> Analysis:
    """An analysis of another text (so another article id) at the same URL."""
    return make_analysis(TEXT + text, source=source)


def test_same_article_from_a_file_a_url_and_a_feed_is_stored_once(ledger: Ledger) -> None:
    sha = "ab" * 32
    sightings = [
        with_article(make_analysis(source="saved/bakhmut.txt"), url=None),
        with_article(make_analysis(source=URL), raw_sha256=sha, raw_path="cache/page.html"),
        make_analysis(source="feeds/world.xml#3"),
    ]
    assert [ledger.add(a) for a in sightings] == ["added", "replaced", "unchanged"]
    counts = ledger.counts()
    assert (counts["articles"], counts["article_sources"], counts["statements"]) == (1, 3, 2)
    stored = ledger.article(sightings[0].article.id)
    assert stored is not None
    assert sorted((s["source"], s["url"], s["raw_sha256"]) for s in stored["sightings"]) == [
        ("feeds/world.xml#3", URL, None),
        ("https://example.org/bakhmut", URL, sha),
        ("saved/bakhmut.txt", None, None),
    ]
    assert [v["version"] for v in ledger.versions(URL)] == [1]


def test_provenance_is_not_part_of_the_analysis(ledger: Ledger) -> None:
    analysis = make_analysis()
    ledger.add(analysis)
    moved = with_article(analysis, source="b.json:3", raw_sha256="cd" * 32, raw_path="b.json")
    assert ledger.add(moved) == "unchanged"
    assert store.analysis_hash(moved) == store.analysis_hash(analysis)


def test_seeing_a_source_again_only_fills_in_what_was_unknown(ledger: Ledger) -> None:
    analysis = make_analysis()
    ledger.add(with_article(analysis, url=None))
    ledger.add(with_article(analysis, raw_sha256="ab" * 32, raw_path="a.json"))
    ledger.add(with_article(analysis, raw_sha256="cd" * 32, raw_path="other.json", url="x"))
    stored = ledger.article(analysis.article.id)
    assert stored is not None
    [sighting] = stored["sightings"]
    assert (sighting["url"], sighting["raw_sha256"], sighting["raw_path"]) == (
        URL,
        "ab" * 32,
        "a.json",
    )


def test_changed_text_at_a_url_is_a_new_version_linked_to_the_earlier(ledger: Ledger) -> None:
    first, second, third = make_analysis(), rewritten("Updated.\n"), rewritten("Corrected.\n")
    for analysis in (first, second, first, third):  # the first text seen again: no new version
        ledger.add(analysis)
    versions = ledger.versions(URL)
    assert [(v["version"], v["article_id"], v["previous_id"]) for v in versions] == [
        (1, first.article.id, None),
        (2, second.article.id, first.article.id),
        (3, third.article.id, second.article.id),
    ]
    assert versions[0]["title"] == "Kyiv Denies Bakhmut Has Fallen" and versions[0]["first_seen"]
    listed = {a["article_id"]: a["versions"] for a in ledger.articles()}
    assert listed[third.article.id] == [
        {"url": URL, "version": 3, "previous_id": second.article.id}
    ]
    assert ledger.versions("https://example.org/never-seen") == []
    assert ledger.counts()["articles"] == 3


def test_versions_are_kept_per_url(ledger: Ledger) -> None:
    syndicated = make_analysis()
    ledger.add(syndicated)
    ledger.add(with_article(syndicated, url="https://mirror.example/bakhmut", source="m.txt"))
    ledger.add(with_article(rewritten("Mirror edit.\n"), url="https://mirror.example/bakhmut"))
    assert [v["article_id"] for v in ledger.versions(URL)] == [syndicated.article.id]
    mirror = ledger.versions("https://mirror.example/bakhmut")
    assert [(v["version"], v["previous_id"]) for v in mirror] == [
        (1, None),
        (2, syndicated.article.id),
    ]


def test_author_is_stored_listed_and_part_of_the_analysis(ledger: Ledger) -> None:
    analysis = with_article(make_analysis(), author="Ann Lee, Bo Li")
    assert ledger.add(analysis) == "added"
    assert ledger.analysis(analysis.article.id) == analysis
    assert {row["author"] for row in ledger.statements()} == {"Ann Lee, Bo Li"}
    assert ledger.articles()[0]["author"] == "Ann Lee, Bo Li"
    assert ledger.add(with_article(analysis, author="Ann Lee")) == "replaced"


# --- reading ------------------------------------------------------------------------


@pytest.mark.parametrize("reason", typing.get_args(typing.get_type_hints(Exclusion)["reason"]))
def test_every_exclusion_reason_is_stored(ledger: Ledger, reason: str) -> None:
    analysis = make_analysis()
    exclusion = Exclusion(find(TEXT, "Photo: Reuters"), reason)  # type: ignore[arg-type]
    analysis = replace(analysis, exclusions=(exclusion,))
    assert ledger.add(analysis) == "added"
    assert ledger.analysis(analysis.article.id) == analysis


def test_offsets_round_trip(ledger: Ledger) -> None:
    analysis = make_analysis()
    ledger.add(analysis)
    stored = ledger.article(analysis.article.id)
    assert stored is not None
    text = stored["text"]
    for row in ledger.statements():
        assert text[row["cue_start"] : row["cue_end"]] == row["cue"]
        assert text[row["source_start"] : row["source_end"]] == row["source_text"]
    for exclusion in stored["exclusions"]:
        assert text[exclusion["start"] : exclusion["end"]] == exclusion["text"]
    rebuilt = ledger.analysis(analysis.article.id)
    assert rebuilt == analysis
    for statement in rebuilt.statements:
        for span in statement.attribution.content:
            assert text[span.start : span.end] == span.text


def test_place_name_and_content_times_round_trip(ledger: Ledger) -> None:
    analysis = make_analysis()
    text = analysis.article.text
    friday = TimeRef(find(text, "on Friday"), "day", date(2023, 6, 2), date(2023, 6, 2))
    weeks = TimeRef(find(text, "Bakhmut"), "duration", duration="PXW")  # any span: the ledger keeps what it is given
    reznikov = replace(
        analysis.statements[0], place=_place(text, "in Singapore", "Singapore"), content_times=(friday, weeks)
    )
    analysis = replace(analysis, statements=(reznikov, *analysis.statements[1:]))
    ledger.add(analysis)
    rebuilt = ledger.analysis(analysis.article.id)
    assert rebuilt is not None
    place = rebuilt.statements[0].place
    assert place is not None and (place.text, place.name) == ("in Singapore", "Singapore")
    assert text[place.start : place.end] == place.text
    assert rebuilt.statements[0].content_times == (friday, weeks)
    assert rebuilt.statements[1].content_times == ()
    assert [r["place"] for r in ledger.statements()] == ["Singapore", None]  # the name, not "in Singapore"
    assert len(ledger.statements(place="singapore")) == 1


def test_statement_rows_are_flat(ledger: Ledger) -> None:
    ledger.add(make_analysis())
    rezn, prig = ledger.statements()
    assert (rezn["actor"], rezn["side"], rezn["cue"], rezn["kind"]) == (
        "Oleksii Reznikov",
        "Ukraine",
        "said",
        "indirect",
    )
    assert (rezn["date"], rezn["date_precision"], rezn["place"]) == (
        "2023-06-02",
        "day",
        "Singapore",
    )
    assert rezn["publisher"] == "Newsweek" and rezn["published"] == "2023-06-04"
    assert prig["content"] == "Our men are still there, … but they will likely leave."
    assert (prig["channel"], prig["platform"], prig["hedges"]) == (
        "social_media_post",
        "Telegram",
        "likely",
    )
    assert (prig["date"], prig["date_precision"], prig["stance"]) == (
        "2023-06-04",
        "published",
        "hedges",
    )
    assert all(isinstance(v, (str, int, type(None))) for v in rezn.values())


@pytest.mark.parametrize(
    ("actor", "cues"),
    [
        ("reznikov", ["said"]),  # actor name, other case
        ("OLEKSII", ["said"]),
        ("defense minister", ["said"]),  # only in the source words
        ("wagner chief", ["wrote"]),
        ("e", ["said", "wrote"]),
        ("Shoigu", []),
    ],
)
def test_statements_by_actor(ledger: Ledger, actor: str, cues: list[str]) -> None:
    ledger.add(make_analysis())
    assert [row["cue"] for row in ledger.statements(actor=actor)] == cues


def test_actor_match_folds_non_ascii_case(ledger: Ledger) -> None:
    analysis = make_analysis()
    cyrillic = replace(analysis.actors[0], name="Олексій Резніков")
    ledger.add(replace(analysis, actors=(cyrillic, analysis.actors[1])))
    assert [row["actor"] for row in ledger.statements(actor="РЕЗНІКОВ")] == ["Олексій Резніков"]


def test_actor_filter_treats_wildcards_literally(ledger: Ledger) -> None:
    ledger.add(make_analysis())
    assert ledger.statements(actor="%") == []
    assert ledger.statements(actor="_") == []


@pytest.mark.parametrize(
    ("since", "until", "cues"),
    [
        (date(2023, 6, 3), None, ["wrote"]),  # published fallback, 2023-06-04
        (None, date(2023, 6, 2), ["said"]),  # "on Friday", 2023-06-02
        (date(2023, 6, 2), date(2023, 6, 2), ["said"]),
        (date(2023, 6, 2), date(2023, 6, 4), ["said", "wrote"]),
        (date(2023, 6, 5), None, []),
        (None, date(2023, 6, 1), []),
    ],
)
def test_statements_by_date(
    ledger: Ledger, since: date | None, until: date | None, cues: list[str]
) -> None:
    ledger.add(make_analysis())
    assert [row["cue"] for row in ledger.statements(since=since, until=until)] == cues


def test_date_filter_matches_overlapping_intervals(ledger: Ledger) -> None:
    analysis = make_analysis()
    mid_may = TimeRef(find(TEXT, "on Friday"), "interval", date(2023, 5, 11), date(2023, 5, 20))
    first = replace(analysis.statements[0], time=mid_may)
    ledger.add(replace(analysis, statements=(first, analysis.statements[1])))
    assert [
        r["cue"] for r in ledger.statements(since=date(2023, 5, 15), until=date(2023, 5, 16))
    ] == ["said"]
    assert [
        r["cue"] for r in ledger.statements(since=date(2023, 5, 20), until=date(2023, 5, 31))
    ] == ["said"]
    assert ledger.statements(since=date(2023, 5, 21), until=date(2023, 5, 31)) == []
    row = ledger.statements(actor="reznikov")[0]
    assert (row["date"], row["date_end"], row["date_precision"]) == (
        "2023-05-11",
        "2023-05-20",
        "interval",
    )


def test_undated_statements_are_last_and_skip_date_filters(ledger: Ledger) -> None:
    undated = other_article(published=None)
    ledger.add(undated)
    ledger.add(make_analysis())
    rows = ledger.statements()
    assert [r["article_id"] for r in rows][-2:] == [undated.article.id] * 2
    assert rows[-1]["date"] is None and rows[-1]["date_precision"] is None
    assert undated.article.id not in {
        r["article_id"] for r in ledger.statements(since=date(2000, 1, 1))
    }


def test_statements_ordered_by_date_then_article_then_cue(ledger: Ledger) -> None:
    ledger.add(make_analysis())  # statements dated 2023-06-02 and 2023-06-04
    earlier = other_article(published=date(2023, 6, 2))  # both dated 2023-06-02
    ledger.add(earlier)
    rows = ledger.statements()
    keys = [(r["date"], r["article_id"], r["cue_start"]) for r in rows]
    assert keys == sorted(keys)
    assert [r["date"] for r in rows] == ["2023-06-02"] * 3 + ["2023-06-04"]


def test_date_orders_before_article_id(ledger: Ledger) -> None:
    main = make_analysis()  # statements dated 2023-06-02 and 2023-06-04
    # Date the other article so that date order and article-id order disagree.
    later_id = other_article().article.id > main.article.id
    other = other_article(published=date(2023, 6, 1) if later_id else date(2023, 6, 5))
    ledger.add(main)
    ledger.add(other)
    dates = [r["date"] for r in ledger.statements()]
    assert dates == sorted(dates)


def test_statements_by_place_and_article(ledger: Ledger) -> None:
    ledger.add(make_analysis())
    other = other_article()
    ledger.add(other)
    assert [r["cue"] for r in ledger.statements(place="singapore")] == ["said", "said"]
    assert ledger.statements(place="Moscow") == []
    rows = ledger.statements(article_id=other.article.id)
    assert {r["article_id"] for r in rows} == {other.article.id} and len(rows) == 2
    both = ledger.statements(place="SINGAPORE", article_id=other.article.id)
    assert [r["article_id"] for r in both] == [other.article.id]


def test_articles_and_article(ledger: Ledger) -> None:
    analysis = make_analysis()
    ledger.add(other_article())
    ledger.add(analysis)
    listed = ledger.articles()
    assert [a["published"] for a in listed] == ["2023-06-01", "2023-06-04"]
    assert listed[1]["statements"] == 2 and "text" not in listed[1]
    stored = ledger.article(analysis.article.id)
    assert stored is not None
    assert stored["text"] == TEXT and stored["sources"] == ["a.txt"]
    assert [e["reason"] for e in stored["exclusions"]] == ["promo", "credit"]
    assert ledger.article("0" * 64) is None and ledger.analysis("0" * 64) is None


# --- properties ---------------------------------------------------------------------


def _counts_after(analyses: list[Analysis]) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp, Ledger(Path(tmp) / "p.db") as ledger:
        for analysis in analyses:
            ledger.add(analysis)
        return ledger.counts()


ONCE = _counts_after([make_analysis()])


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=1, max_value=4))
def test_adding_n_times_equals_adding_once(n: int) -> None:
    assert _counts_after([make_analysis()] * n) == ONCE


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([STAMP, OTHER_STAMP]), st.sampled_from(["a.txt", "b.html"])),
        min_size=1,
        max_size=4,
    )
)
def test_any_sequence_of_reanalyses_stores_the_last(adds: list[tuple[Stamp, str]]) -> None:
    analyses = [make_analysis(stamp=stamp, source=source) for stamp, source in adds]
    with tempfile.TemporaryDirectory() as tmp, Ledger(Path(tmp) / "p.db") as ledger:
        for analysis in analyses:
            ledger.add(analysis)
        counts = ledger.counts()
        stored = ledger.analysis(analyses[-1].article.id)
    assert counts == {**ONCE, "article_sources": len({source for _, source in adds})}
    assert stored is not None and stored.stamp == adds[-1][0]


_texts = st.sampled_from(["", "Updated.\n", "Corrected.\n"])
_urls = st.sampled_from([URL, "https://mirror.example/b", None])
_sources = st.sampled_from(["a.txt", "feed.xml#1", URL])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(_texts, _urls, _sources), min_size=1, max_size=8))
def test_any_sequence_of_sightings_stores_each_article_once(
    adds: list[tuple[str, str | None, str]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp, Ledger(Path(tmp) / "p.db") as ledger:
        for extra, url, source in adds:
            ledger.add(with_article(rewritten(extra, source), url=url))
        counts = ledger.counts()
        chains = {url: ledger.versions(url) for url in {u for _, u, _ in adds if u}}
        ok = ledger._db.execute("PRAGMA integrity_check").fetchone()[0]
    assert ok == "ok"
    assert counts["articles"] == len({extra for extra, _, _ in adds})
    assert counts["article_sources"] == len({(extra, source) for extra, _, source in adds})
    for url, chain in chains.items():
        seen = list(dict.fromkeys(extra for extra, u, _ in adds if u == url))
        assert [v["version"] for v in chain] == list(range(1, len(seen) + 1))
        assert [v["previous_id"] for v in chain] == [None] + [v["article_id"] for v in chain[:-1]]
