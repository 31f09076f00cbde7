"""The web view over HTTP: pages and their JSON, filters, pagination, errors, escaping, read-only."""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

import claimtrack
from claimtrack.cli import main
from claimtrack.errors import LedgerError, SchemaVersionError
from claimtrack.ledger import migrations
from claimtrack.web import create_app

pytestmark = pytest.mark.model

PAGES = ["/", "/articles", "/actors", "/propositions", "/disputes", "/corroborations"]


@pytest.fixture(scope="module")
def client(web_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=web_server, timeout=30) as c:
        yield c


def get_json(client: httpx.Client, path: str, **params: Any) -> Any:
    r = client.get(path + ".json" if path != "/" else "/index.json", params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    return r.json()


def reference(client: httpx.Client) -> dict[str, Any]:
    items = get_json(client, "/articles")["items"]
    return next(a for a in items if a["title"] == "Reference article")


def injected(client: httpx.Client) -> dict[str, Any]:
    items = get_json(client, "/articles")["items"]
    return next(a for a in items if a["publisher"] == "Test")


@pytest.mark.parametrize("path", PAGES)
def test_list_pages_answer_html_and_the_same_json_two_ways(client: httpx.Client, path: str) -> None:
    html = client.get(path)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "<nav>" in html.text
    by_suffix = get_json(client, path)
    by_accept = client.get(path, headers={"Accept": "application/json"}).json()
    assert by_suffix == by_accept


def test_security_headers(client: httpx.Client) -> None:
    headers = client.get("/articles").headers
    csp = headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-eval" not in csp
        and "script-src 'self' 'unsafe-inline'" not in csp
    )
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


def test_article_segments_rebuild_the_text_and_every_statement_span(
    client: httpx.Client, web_ledger: Path
) -> None:
    art = reference(client)
    data = get_json(client, f"/articles/{art['article_id']}")
    with claimtrack.Ledger(web_ledger, read_only=True) as led:
        stored = led.article(art["article_id"])
        analysis = led.analysis(art["article_id"])
    assert stored is not None and analysis is not None
    text = stored["text"]
    assert "".join(s["text"] for s in data["segments"]) == text
    for seg in data["segments"]:
        assert text[seg["start"] : seg["end"]] == seg["text"]
    assert len(data["statements"]) == len(analysis.statements) > 10
    for st in analysis.statements:
        att = st.attribution
        roles = [("cue", [att.cue])] + [("content", list(att.content))]
        if att.source is not None:
            roles.append(("source", [att.source]))
        for role, spans in roles:
            marked = "".join(s["text"] for s in data["segments"] if f"{st.id}:{role}" in s["marks"])
            assert marked == "".join(span.text for span in spans), (role, st.id)
    # boilerplate is marked with its reason; the promo block of the reference article is
    assert {s["excluded"] for s in data["segments"]} >= {None, "promo"}


def test_article_page_escapes_markup_in_the_text_and_title(client: httpx.Client) -> None:
    art = injected(client)
    page = client.get(f"/articles/{art['article_id']}").text
    shown = re.sub(r"</?span[^>]*>", "", page)  # the text without its highlights
    assert "&lt;script&gt;window.claimtrackPwned = 1&lt;/script&gt;" in shown  # shown as text
    assert "<script>window" not in page and "<img src=x" not in page
    assert "&lt;img src=x onerror=&#34;window.claimtrackPwned = 2&#34;&gt;" in shown
    assert "Injected &lt;b&gt;title&lt;/b&gt;" in page
    listing = client.get("/articles", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)" not in listing and "&lt;script&gt;alert(1)&lt;/script&gt;" in listing


def test_proposition_page_groups_statements_and_lists_its_dispute(client: httpx.Client) -> None:
    (dispute,) = [
        d for d in get_json(client, "/disputes")["items"] if d["predicate_class"] == "control"
    ]
    data = get_json(client, f"/propositions/{dispute['proposition_key']}")
    assert data["proposition"] == "control(Russia, Bakhmut)"
    assert [d["proposition_key"] for d in data["disputes"]] == [dispute["proposition_key"]]
    assert set(data["by_stance"]) >= {"asserts", "denies", "partial"}
    assert "Ukraine" in data["by_stance"]["denies"]
    dated = [st for st in data["statements_list"] if st["date"]]
    assert (
        len(data["timeline"]) == len(dated) == data["statements"] + 1
    )  # + the Wagner Group's joint voice
    html = client.get(f"/propositions/{dispute['proposition_key']}").text
    assert 'id="timeline-data"' in html and "Dispute" in html


def test_timeline_draws_ranges_for_intervals(client: httpx.Client) -> None:
    props = get_json(client, "/propositions", per_page=500)["items"]
    key = next(
        p["proposition_key"] for p in props if p["first_date"] == "2023-03-21"
    )  # "In late March"
    (mark,) = get_json(client, f"/propositions/{key}")["timeline"]
    assert (mark["start"], mark["end"], mark["range"], mark["precision"]) == (
        "2023-03-21",
        "2023-04-01",
        True,
        "interval",
    )
    assert mark["href"].startswith("/articles/") and "#st-" in mark["href"]


def test_actor_page_lists_statements_with_links(client: httpx.Client) -> None:
    actors = get_json(client, "/actors", q="reznikov")["items"]
    assert [a["name"] for a in actors] == ["Oleksii Reznikov"]
    data = get_json(client, f"/actors/{actors[0]['ledger_actor_id']}")
    assert data["actor"]["name"] == "Oleksii Reznikov"
    assert len(data["statements"]) == data["actor"]["statements"] >= 3
    assert [s["date"] for s in data["statements"]] == sorted(s["date"] for s in data["statements"])
    html = client.get(f"/actors/{actors[0]['ledger_actor_id']}").text
    assert (
        f"/articles/{data['statements'][0]['article_id']}#st-{data['statements'][0]['statement_id']}"
        in html
    )


def test_a_co_actor_page_holds_its_joint_statement(client: httpx.Client) -> None:
    (wagner,) = [
        a
        for a in get_json(client, "/actors", q="wagner group")["items"]
        if a["name"] == "Wagner Group"
    ]
    assert (
        wagner["statements"] == 1
    )  # "Russia's defense ministry and the Wagner Group ... have insisted"
    data = get_json(client, f"/actors/{wagner['ledger_actor_id']}")
    assert [s["cue"] for s in data["statements"]] == ["have insisted"]


def test_filters_and_pagination(client: httpx.Client) -> None:
    assert len(get_json(client, "/disputes", side="ukraine")["items"]) == 1
    assert get_json(client, "/disputes", side="narnia")["items"] == []
    assert len(get_json(client, "/disputes", actor="wagner")["items"]) == 1
    assert get_json(client, "/disputes", since="2024-01-01")["items"] == []
    assert get_json(client, "/propositions", place="kherson")["items"] == []
    assert get_json(client, "/articles", until="2023-06-04")["total"] == 1
    first = get_json(client, "/articles", per_page=1)
    second = get_json(client, "/articles", per_page=1, page=2)
    assert (first["total"], first["pages"], second["page"]) == (2, 2, 2)
    assert first["items"] != second["items"]
    assert (
        get_json(client, "/articles", per_page=1, page=9)["page"] == 2
    )  # past the end: the last page


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/articles/feedface", 404, "no article 'feedface'"),
        ("/actors/feedface", 404, "no actor"),
        ("/propositions/feedface", 404, "no proposition"),
        ("/nowhere", 404, "Not Found"),
        ("/articles?since=yesterday", 400, "since: 'yesterday' is not a date"),
        ("/articles?per_page=0", 400, "per_page 1 to 500"),
        ("/articles?page=x", 400, "whole numbers"),
    ],
)
def test_errors_are_pages_and_json(
    client: httpx.Client, path: str, status: int, words: str
) -> None:
    html = client.get(path)
    assert html.status_code == status and words.replace("'", "&#39;") in html.text
    as_json = client.get(path, headers={"Accept": "application/json"})
    assert as_json.status_code == status and words in as_json.json()["error"]


def test_serving_never_writes_the_ledger(client: httpx.Client, web_ledger: Path) -> None:
    before = hashlib.sha256(web_ledger.read_bytes()).hexdigest()
    for path in PAGES:
        client.get(path)
    assert hashlib.sha256(web_ledger.read_bytes()).hexdigest() == before
    with (
        claimtrack.Ledger(web_ledger, read_only=True) as led,
        pytest.raises(sqlite3.OperationalError, match="readonly"),
    ):
        led._db.execute("DELETE FROM articles")


def copy_at_version(ledger: Path, to: Path, version: int) -> Path:
    """A copy of ``ledger`` whose header says it has schema ``version``."""
    shutil.copy(ledger, to)
    with sqlite3.connect(to) as conn:
        conn.execute(f"PRAGMA user_version = {version}")
    return to


def test_a_missing_newer_or_older_ledger_is_refused(tmp_path: Path, web_ledger: Path) -> None:
    with pytest.raises(LedgerError, match="no such ledger"):
        create_app(tmp_path / "absent.db")
    with pytest.raises(SchemaVersionError, match="newer than this claimtrack"):
        create_app(
            copy_at_version(web_ledger, tmp_path / "newer.db", migrations.latest_version() + 1)
        )
    with pytest.raises(LedgerError, match="serve --upgrade"):
        create_app(
            copy_at_version(web_ledger, tmp_path / "older.db", migrations.latest_version() - 1)
        )
    text = tmp_path / "notes.db"
    text.write_text("not a database at all, just words " * 50)
    with pytest.raises(LedgerError, match="not a claimtrack ledger"):
        create_app(text)


def test_cli_serve_refuses_bad_ledgers_and_defaults_to_loopback(
    tmp_path: Path, web_ledger: Path
) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["serve", "--db", str(tmp_path / "absent.db")])
    assert missing.exit_code == 2 and "no such ledger" in missing.output
    newer = copy_at_version(web_ledger, tmp_path / "newer.db", migrations.latest_version() + 1)
    refused = runner.invoke(main, ["serve", "--db", str(newer)])
    assert refused.exit_code == 2 and "newer than this claimtrack" in refused.output
    serve = main.get_command(click_context(), "serve")
    assert serve is not None
    assert {p.name: p.default for p in serve.params}["host"] == "127.0.0.1"


def click_context() -> Any:
    import click

    return click.Context(main)
