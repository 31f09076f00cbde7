"""The command line, driven through click's CliRunner: formats, stdin, exit codes, stderr."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import claimtrack
from claimtrack import ingest as ingest_module
from claimtrack.cli import main
from conftest import SEED, assert_json_spans_match

STDIN_TEXT = "Russian forces do not control the city, the minister said on Friday."


def run(*args: str, input: str | bytes | None = None) -> Result:
    """Invoke ``claimtrack ARGS``; stdout and stderr are captured separately."""
    return CliRunner().invoke(main, list(args), input=input)


def no_crash(result: Result) -> None:
    """The command ended through its own exit path: no exception, no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout


def jsonl(stdout: str) -> list[dict[str, Any]]:
    """Every stdout line parsed as one JSON object (fails on anything else)."""
    lines = stdout.splitlines()
    objects = [json.loads(line) for line in lines]
    assert all(isinstance(obj, dict) for obj in objects)
    return objects


def stderr_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


# ---------------------------------------------------------------------------- extract


@pytest.fixture(scope="module")
def seed_jsonl() -> Result:
    return run("extract", str(SEED), "--format", "jsonl")


@pytest.mark.model
def test_extract_jsonl_is_one_valid_object(seed_jsonl: Result) -> None:
    no_crash(seed_jsonl)
    assert seed_jsonl.exit_code == 0, seed_jsonl.stderr
    objects = jsonl(seed_jsonl.stdout)
    assert len(objects) == 1
    obj = objects[0]
    assert obj["schema_version"] == "claimtrack/1" == claimtrack.SCHEMA_VERSION
    assert obj["article"]["source"] == str(SEED)
    assert obj["statements"], "the seed article has statements"


@pytest.mark.model
def test_extract_jsonl_takes_metadata_from_sidecar(seed_jsonl: Result) -> None:
    article = jsonl(seed_jsonl.stdout)[0]["article"]
    assert article["published"] == "2023-06-04"
    assert article["publisher"] == "Newsweek"
    assert article["title"].startswith("Bakhmut Not Lost")


@pytest.mark.model
def test_extract_jsonl_spans_slice_article_text(seed_jsonl: Result) -> None:
    obj = jsonl(seed_jsonl.stdout)[0]
    text = obj["article"]["text"]
    for st in obj["statements"]:
        attr = st["attribution"]
        cue = attr["cue"]
        assert text[cue["start"] : cue["end"]] == cue["text"] != ""
        if attr["source"] is not None:
            src = attr["source"]
            assert text[src["start"] : src["end"]] == src["text"] != ""
        assert attr["content"], st
        for part in attr["content"]:
            assert text[part["start"] : part["end"]] == part["text"] != ""
    assert assert_json_spans_match(obj) >= 3 * len(obj["statements"])


@pytest.mark.model
def test_extract_default_format_when_piped_is_jsonl() -> None:
    result = run("extract", str(SEED))
    assert result.exit_code == 0, result.stderr
    assert len(jsonl(result.stdout)) == 1


@pytest.mark.model
def test_extract_csv(seed_jsonl: Result) -> None:
    n_statements = len(jsonl(seed_jsonl.stdout)[0]["statements"])
    result = run("extract", str(SEED), "--format", "csv")
    no_crash(result)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    header, body = rows[0], rows[1:]
    assert "cue" in header and "content" in header and "actor" in header
    assert len(body) == n_statements
    assert all(len(row) == len(header) for row in body)
    cues = [row[header.index("cue")] for row in body]
    assert "said" in cues
    assert any("Reznikov" in row[header.index("actor")] for row in body)


@pytest.mark.model
def test_extract_table() -> None:
    result = run("extract", str(SEED), "--format", "table")
    no_crash(result)
    assert result.exit_code == 0, result.stderr
    assert "Reznikov" in result.stdout
    assert re.search(r"│\s*actor\s*│", result.stdout), result.stdout[:400]
    assert re.search(r"│\s*content\s*│", result.stdout)


@pytest.mark.model
@pytest.mark.parametrize("args", [["-"], []], ids=["dash", "no-input"])
def test_extract_reads_stdin(args: list[str]) -> None:
    result = run(
        "extract", *args, "--published", "2023-06-04", "--format", "jsonl", input=STDIN_TEXT
    )
    no_crash(result)
    assert result.exit_code == 0, result.stderr
    [obj] = jsonl(result.stdout)
    assert obj["article"]["source"] == "stdin"
    assert obj["article"]["text"] == STDIN_TEXT
    assert obj["article"]["published"] == "2023-06-04"
    [statement] = obj["statements"]
    assert statement["attribution"]["cue"]["text"] == "said"
    assert statement["time"]["start"] == "2023-06-02"  # the Friday before Sunday 4 June
    assert_json_spans_match(obj)


@pytest.mark.model
def test_extract_bad_inputs_in_a_batch(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.txt"
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"PK\x03\x04\x00\x00\x00binary\x00\xff\xfe")
    bad = [empty, missing, binary]

    result = run("extract", str(SEED), str(empty), str(missing), str(binary), "--format", "jsonl")

    assert result.exit_code == 1
    no_crash(result)
    [obj] = jsonl(result.stdout)
    assert obj["article"]["source"] == str(SEED)
    assert obj["statements"]
    lines = stderr_lines(result)
    assert all(line.startswith("claimtrack: ") for line in lines), lines
    for path in bad:
        naming = [line for line in lines if str(path) in line]
        assert len(naming) == 1, (path, lines)
    assert not any(str(SEED) in line for line in lines), lines
    assert "not text" in next(line for line in lines if str(binary) in line)


@pytest.mark.model
def test_debug_does_not_print_stray_lines_for_failures(tmp_path: Path) -> None:
    result = run("--debug", "extract", str(tmp_path / "missing.txt"), "--format", "jsonl")
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = stderr_lines(result)
    assert all(line.startswith("claimtrack: ") for line in lines), lines


# ---------------------------------------------------------------------------- usage errors


def assert_usage_error(result: Result, *words: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    no_crash(result)
    assert result.stdout == ""
    for word in words:
        assert word in result.stderr, (word, result.stderr)


def test_bad_published_date_is_usage_error() -> None:
    assert_usage_error(
        run("extract", "--published", "notadate", "x.txt"), "--published", "notadate"
    )


def test_unknown_format_is_usage_error() -> None:
    assert_usage_error(run("extract", "--format", "xml"), "--format", "xml")


def test_statements_on_missing_ledger_is_usage_error() -> None:
    assert_usage_error(run("statements", "--db", "/nonexistent/x.db"), "/nonexistent/x.db")
    assert not Path("/nonexistent/x.db").exists()


def test_statements_on_a_file_that_is_not_a_ledger(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("hello\n")
    result = run("statements", "--db", str(path))
    assert_usage_error(result, str(path), "not a claimtrack ledger")
    assert stderr_lines(result)[0].startswith("claimtrack: ")
    assert path.read_text() == "hello\n"


@pytest.mark.parametrize(
    "option", [["--max-bytes", "0"], ["--batch-size", "0"], ["--lexicons", "/nonexistent/lex"]]
)
def test_bad_option_values_are_usage_errors(option: list[str]) -> None:
    assert_usage_error(run("extract", *option, str(SEED)), option[0])


def test_missing_model_is_usage_error() -> None:
    result = run("extract", "--model", "no_such_model_xyz", str(SEED))
    assert_usage_error(result, "no_such_model_xyz", "not installed")
    assert stderr_lines(result)[0].startswith("claimtrack: ")


def test_missing_model_in_ingest_creates_no_ledger(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    result = run("ingest", "--model", "no_such_model_xyz", str(SEED), "--db", str(db))
    assert_usage_error(result, "no_such_model_xyz", "not installed")
    assert not db.exists()


def _model_of_another_format(directory: Path) -> Path:
    from claimtrack import tagger

    tagger.default_model().save(directory)
    meta = json.loads((directory / "meta.json").read_text())
    meta["format"] = "claimtrack-attribution/0"
    (directory / "meta.json").write_text(json.dumps(meta))
    return directory


@pytest.mark.parametrize("command", ["extract", "ingest"])
def test_unreadable_attribution_model_is_usage_error(tmp_path: Path, command: str) -> None:
    db = tmp_path / "news.db"
    extra = ["--db", str(db)] if command == "ingest" else ["--format", "jsonl"]
    old = _model_of_another_format(tmp_path / "old-model")
    result = run(command, "--attribution-model", str(old), str(SEED), *extra)
    assert_usage_error(result, str(old), "retrain")
    assert not db.exists()
    assert result.stdout == ""


def test_missing_attribution_model_directory_is_usage_error(tmp_path: Path) -> None:
    result = run("extract", "--attribution-model", str(tmp_path / "nothing"), str(SEED))
    assert result.exit_code == 2
    assert "--attribution-model" in result.stderr


@pytest.mark.model
def test_attribution_model_directory_is_used(tmp_path: Path) -> None:
    from dataclasses import replace

    from claimtrack import tagger

    model = tagger.default_model()
    replace(model, keep_threshold=float("inf")).save(tmp_path / "keeps-nothing")
    shipped = run("extract", "--format", "jsonl", "-q", str(SEED))
    none = run("extract", "--format", "jsonl", "-q", "--attribution-model", str(tmp_path / "keeps-nothing"), str(SEED))
    assert shipped.exit_code == none.exit_code == 0
    assert json.loads(shipped.stdout)["statements"]
    assert json.loads(none.stdout)["statements"] == []


@pytest.mark.parametrize("command", ["extract", "ingest"])
@pytest.mark.parametrize("encoding", ["no-such-encoding", "base64"])
def test_unknown_encoding_is_usage_error(tmp_path: Path, command: str, encoding: str) -> None:
    db = tmp_path / "news.db"
    extra = ["--db", str(db)] if command == "ingest" else ["--format", "jsonl"]
    result = run(command, "--encoding", encoding, str(SEED), *extra)
    assert_usage_error(result, "--encoding", encoding)
    assert not db.exists()


def test_debug_shows_traceback_for_an_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("hello\n")
    plain = run("statements", "--db", str(path))
    debug = run("--debug", "statements", "--db", str(path))
    assert plain.exit_code == debug.exit_code == 2
    assert "Traceback" not in plain.stderr
    assert "Traceback" in debug.stderr
    assert debug.stderr.startswith("claimtrack: ")


# ---------------------------------------------------------------------------- ingest / statements


def ingest(db: Path, *inputs: str) -> Result:
    return run("ingest", *inputs, "--db", str(db))


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("ledger") / "news.db"
    result = ingest(db, str(SEED))
    assert result.exit_code == 0, result.stderr
    return db


@pytest.mark.model
def test_ingest_twice_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    first = ingest(db, str(SEED))
    no_crash(first)
    assert first.exit_code == 0, first.stderr
    assert first.stdout == ""
    assert "1 added" in first.stderr
    with claimtrack.Ledger(db) as ledger:
        counts = ledger.counts()
    assert counts["articles"] == 1
    assert counts["statements"] > 0

    second = ingest(db, str(SEED))
    no_crash(second)
    assert second.exit_code == 0, second.stderr
    assert "0 added" in second.stderr
    assert "1 unchanged" in second.stderr
    with claimtrack.Ledger(db) as ledger:
        assert ledger.counts() == counts


@pytest.mark.model
def test_ingest_with_a_bad_input_stores_the_rest(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    missing = tmp_path / "missing.txt"
    result = ingest(db, str(missing), str(SEED))
    no_crash(result)
    assert result.exit_code == 1
    assert any(
        line.startswith("claimtrack: ") and str(missing) in line for line in stderr_lines(result)
    )
    assert "1 added" in result.stderr
    with claimtrack.Ledger(db) as ledger:
        assert ledger.counts()["articles"] == 1


@pytest.mark.model
def test_statements_by_actor(seed_db: Path) -> None:
    result = run("statements", "--db", str(seed_db), "--actor", "reznikov", "--format", "jsonl")
    no_crash(result)
    assert result.exit_code == 0, result.stderr
    rows = jsonl(result.stdout)
    assert rows
    for row in rows:
        assert "reznikov" in f"{row['actor']} {row['source_text']}".lower(), row
    everything = jsonl(run("statements", "--db", str(seed_db), "--format", "jsonl").stdout)
    assert len(rows) < len(everything)


@pytest.mark.model
def test_statements_by_date(seed_db: Path) -> None:
    day = "2023-06-03"
    result = run(
        "statements", "--db", str(seed_db), "--since", day, "--until", day, "--format", "jsonl"
    )
    no_crash(result)
    assert result.exit_code == 0, result.stderr
    rows = jsonl(result.stdout)
    assert rows
    for row in rows:
        assert row["date"] <= day <= (row["date_end"] or row["date"]), row
    everything = jsonl(run("statements", "--db", str(seed_db), "--format", "jsonl").stdout)
    assert len(rows) < len(everything)


@pytest.mark.model
def test_statements_csv(seed_db: Path) -> None:
    result = run("statements", "--db", str(seed_db), "--format", "csv")
    no_crash(result)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    with claimtrack.Ledger(seed_db) as ledger:
        n = ledger.counts()["statements"]
    assert len(rows) == n > 0
    assert {"cue", "content", "actor", "date"} <= set(rows[0])
    assert any("Reznikov" in row["actor"] for row in rows)


@pytest.mark.model
def test_statements_table(seed_db: Path) -> None:
    result = run("statements", "--db", str(seed_db), "--actor", "reznikov", "--format", "table")
    assert result.exit_code == 0, result.stderr
    assert "Reznikov" in result.stdout
    assert "actor" in result.stdout


@pytest.mark.model
def test_statements_with_no_match(seed_db: Path) -> None:
    result = run(
        "statements", "--db", str(seed_db), "--actor", "nobody-by-this-name", "--format", "jsonl"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""


# ---------------------------------------------------------------------------- bad inputs

GOOD = "The minister said on Friday that the talks would resume.\n"
JSONL_ONE_BAD = b'{"text": "Kyiv said the city held."}\n{"text": "cut off\n{"text": "Moscow said it did not."}\n'

# name -> (bytes, or None for a missing file; what follows the input's name on stderr)
BAD_INPUTS: dict[str, tuple[bytes | None, str]] = {
    "missing.txt": (None, ": no such file or directory"),
    "empty.txt": (b"", ": empty file (0 bytes)"),
    "blank.txt": (b"  \n\t\n", ": no text, only whitespace"),
    "nul.txt": (
        b"Officials said\x00 so.",
        ": binary file (NUL bytes at offset 14); not text (if it is text, pass --encoding)",
    ),
    "utf16-no-bom.txt": (
        GOOD.encode("utf-16-le"),
        (
            ": binary file (NUL bytes at offset 1); not text"
            " (UTF-16 without a byte-order mark? pass --encoding utf-16-le)"
        ),
    ),
    "truncated.txt": (
        "Größe said".encode() + "é".encode()[:1],
        ": not valid UTF-8 (unexpected end of data at byte 12); pass --encoding",
    ),
    "one-bad-line.jsonl": (
        JSONL_ONE_BAD,
        ":2: invalid JSON (Unterminated string starting at: column 10)",
    ),
    "one-2mb-line.txt": (
        b"word " * 400_000,
        (
            ": text too long to analyse (1,999,999 characters; the model's limit is 1,000,000);"
            " split it into articles"
        ),
    ),
    "new\nline.txt": (None, ": no such file or directory"),
}


def make_input(directory: Path, name: str, data: bytes | None) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if data is not None:
        path.write_bytes(data)
    return path


@pytest.mark.model
@pytest.mark.parametrize("name", list(BAD_INPUTS), ids=lambda n: n.replace("\n", "\\n"))
def test_a_bad_input_is_one_stderr_line_and_the_rest_is_processed(
    tmp_path: Path, name: str
) -> None:
    good = make_input(tmp_path, "good.txt", GOOD.encode())
    data, reason = BAD_INPUTS[name]
    bad = make_input(tmp_path, name, data)
    result = run("extract", str(good), str(bad), "--format", "jsonl", "--quiet")
    no_crash(result)
    assert result.exit_code == 1
    shown = str(bad).replace("\n", "\\n")
    assert stderr_lines(result) == [f"claimtrack: {shown}{reason}"]
    sources = [obj["article"]["source"] for obj in jsonl(result.stdout)]
    good_lines = [f"{bad}:1", f"{bad}:3"] if name.endswith(".jsonl") else []
    assert sources == [str(good), *good_lines]


@pytest.mark.model
def test_utf16_with_a_bom_is_read(tmp_path: Path) -> None:
    path = make_input(tmp_path, "utf16.txt", GOOD.encode("utf-16"))
    result = run("extract", str(path), "--format", "jsonl", "--quiet")
    assert result.exit_code == 0 and result.stderr == ""
    [obj] = jsonl(result.stdout)
    assert (obj["article"]["text"], obj["article"]["encoding"]) == (GOOD.strip(), "utf-16-le")


@pytest.mark.model
def test_permission_denied_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = make_input(tmp_path, "good.txt", GOOD.encode())
    secret = make_input(tmp_path, "secret.txt", GOOD.encode() + b"More.")
    real_open = open

    def guarded(path: object, *args: Any, **kwargs: Any) -> Any:
        if str(path) == str(secret):  # root reads anything: refuse as the OS would
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(ingest_module, "open", guarded, raising=False)
    result = run("extract", str(secret), str(good), "--format", "jsonl", "--quiet")
    assert result.exit_code == 1
    assert stderr_lines(result) == [f"claimtrack: {secret}: permission denied"]
    assert [obj["article"]["source"] for obj in jsonl(result.stdout)] == [str(good)]


@pytest.mark.model
def test_input_over_max_bytes_is_one_line(tmp_path: Path) -> None:
    good = make_input(tmp_path, "good.txt", GOOD.encode())
    big = make_input(tmp_path, "big.txt", b"x" * 300)
    result = run("extract", str(big), str(good), "--max-bytes", "200", "--format", "jsonl", "-q")
    assert result.exit_code == 1
    assert stderr_lines(result) == [
        f"claimtrack: {big}: 300 bytes is over the 200 bytes limit; pass --max-bytes"
    ]
    assert len(jsonl(result.stdout)) == 1


@pytest.mark.model
def test_ingest_directory_of_good_and_bad_files_stores_the_good_ones_once(tmp_path: Path) -> None:
    news, db = tmp_path / "news", tmp_path / "news.db"
    make_input(news, "good.txt", GOOD.encode())
    make_input(news, "utf16.txt", "Kyiv denied the report, officials said.".encode("utf-16"))
    for name in ("empty.txt", "nul.txt", "truncated.txt", "one-bad-line.jsonl"):
        make_input(news / "sub", name, BAD_INPUTS[name][0])
    expected = sorted(
        f"claimtrack: {news / 'sub' / name}{BAD_INPUTS[name][1]}"
        for name in ("empty.txt", "nul.txt", "truncated.txt", "one-bad-line.jsonl")
    )

    first = ingest(db, str(news))
    no_crash(first)
    assert first.exit_code == 1
    assert (
        sorted(
            line
            for line in stderr_lines(first)
            if " inputs analysed" not in line and " added, " not in line
        )
        == expected
    )
    assert "4 added, 0 replaced, 0 unchanged" in first.stderr  # 2 texts + 2 JSON Lines
    again = ingest(db, str(news))
    assert again.exit_code == 1
    assert "0 added, 0 replaced, 4 unchanged" in again.stderr
    with claimtrack.Ledger(db) as ledger:
        counts = ledger.counts()
    assert (counts["articles"], counts["article_sources"]) == (4, 4)

    only_good = ingest(db, str(news / "good.txt"), str(news / "utf16.txt"))
    assert only_good.exit_code == 0, only_good.stderr


@pytest.mark.model
def test_json_lines_with_field_options(tmp_path: Path) -> None:
    record = {
        "body": "The minister said on Friday that the talks would resume.",
        "meta": {"published": "2023-06-04T10:15:00Z", "by": ["Ann Lee"]},
        "headline": "Talks",
    }
    path = make_input(tmp_path, "dump.txt", (json.dumps(record) + "\n").encode())
    result = run(
        "extract", str(path), "--text-field", "body", "--date-field", "meta.published",
        "--author-field", "meta.by", "--title-field", "headline", "--format", "jsonl",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    [obj] = jsonl(result.stdout)
    article = obj["article"]
    assert (article["source"], article["published"], article["author"], article["title"]) == (
        str(path),  # one object: a JSON document, found by content in a .txt file
        "2023-06-04",
        "Ann Lee",
        "Talks",
    )
    assert article["raw_sha256"] and article["raw_path"] == str(path)
    assert obj["statements"][0]["time"]["start"] == "2023-06-02"  # Friday before 4 June


@pytest.mark.model
def test_input_kind_text_reads_json_as_text(tmp_path: Path) -> None:
    path = make_input(tmp_path, "a.json", b'{"text": "The mayor said so."}')
    result = run("extract", str(path), "--input-kind", "text", "--format", "jsonl", "-q")
    assert result.exit_code == 0, result.stderr
    assert jsonl(result.stdout)[0]["article"]["text"] == '{"text": "The mayor said so."}'


@pytest.mark.parametrize(
    "option",
    [["--input-kind", "xml"], ["--text-field", ""], ["--date-field", "  "]],
)
def test_bad_input_options_are_usage_errors(tmp_path: Path, option: list[str]) -> None:
    db = tmp_path / "news.db"
    assert_usage_error(run("ingest", *option, str(SEED), "--db", str(db)), option[0])
    assert not db.exists()


# ---------------------------------------------------------------------------- help / version


@pytest.mark.parametrize(
    "command", [[], ["extract"], ["ingest"], ["statements"]], ids=lambda c: c[0] if c else "main"
)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_has_an_example(command: list[str], flag: str) -> None:
    result = run(*command, flag)
    assert result.exit_code == 0, result.stderr
    assert "Example" in result.stdout
    assert "claimtrack " in result.stdout
    assert "Usage:" in result.stdout


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"claimtrack, version {claimtrack.__version__}"


@pytest.mark.model
def test_ingest_with_an_incomplete_lexicon_directory_is_a_usage_error(tmp_path: Path) -> None:
    lexicons = tmp_path / "lexicons"
    shutil.copytree(Path(claimtrack.__file__).parent / "lexicons", lexicons)
    (lexicons / "seats.tsv").unlink()
    db = tmp_path / "news.db"
    result = CliRunner().invoke(
        main, ["ingest", str(SEED), "--db", str(db), "--lexicons", str(lexicons)]
    )
    assert result.exit_code == 2
    assert "lexicon file seats.tsv is missing" in result.output
    assert not db.exists()  # refused before the ledger was created
