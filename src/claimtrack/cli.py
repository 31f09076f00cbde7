"""The ``claimtrack`` command line: thin commands over the public API.

Data goes to stdout, progress, notes and errors to stderr. Exit status: 0
when every input was processed, 1 when some failed (the rest are processed
and stored), 2 for a usage error caught before any work starts.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import sys
import tempfile
import time
import traceback
import typing
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn, TypeVar

import click
from spacy.language import Language

import claimtrack
from claimtrack import actoreval, claimeval, output, parallel, pipeline, polnear, stateval
from claimtrack import bench as bench_mod
from claimtrack import lexicons as lexicons_mod
from claimtrack.errors import ClaimtrackError, InputError, ModelError
from claimtrack.ingest import DEFAULT_MAX_BYTES, INPUT_KINDS, Fields, parse_date
from claimtrack.ledger import pg
from claimtrack.nlp import DEFAULT_MODEL, cached_pipeline
from claimtrack.records import ActorKind, Analysis, Article, Failure
from claimtrack.tagger import TaggerModel, cached_model

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_DB = "claimtrack.db"
ATTRIBUTION_MODEL_OPTION = click.option(
    "--attribution-model",
    type=click.Path(exists=True, file_okay=False),
    help="Attribution model directory from 'claimtrack train attribution' [default: the shipped one].",
)

#: The --*-field options: Fields attribute -> its default, for --help.
FIELD_OPTIONS = {
    "text": "text",
    "title": "title",
    "date": "published, publication_date, date",
    "url": "url",
    "publisher": "publisher",
    "author": "author",
}

# Control characters (a newline in a file name...) would break "one line per failure".
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_date(value, f"--{param.name}")
    except InputError as err:
        raise click.BadParameter(f"{value!r} is not an ISO date (YYYY-MM-DD)") from err


def _encoding_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        info = codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(f"{value!r} is not a known text encoding") from None
    if not info._is_text_encoding:
        raise click.BadParameter(f"{value!r} is not a text encoding")
    return value


def _field_option(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    if any(not path.strip() for path in value):
        raise click.BadParameter("needs a key or dotted path, e.g. meta.published")
    return value


def _field_options() -> list[Callable[[F], F]]:
    """--text-field, --title-field, ...: where JSON records keep each field (repeatable)."""
    return [
        click.option(
            f"--{name}-field",
            f"{name}_field",
            multiple=True,
            metavar="PATH",
            callback=_field_option,
            help=f"JSON key or dotted path of the {name}, repeatable [default: {default}].",
        )
        for name, default in FIELD_OPTIONS.items()
    ]


def output_options(fn: F) -> F:
    """--format, shared by every command that prints records."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(output.FORMATS),
        default=None,
        help="Output format [default: table on a terminal, jsonl when piped].",
    )(fn)


def db_option(fn: F) -> F:
    return click.option(
        "--db",
        default=lambda: os.environ.get("CLAIMTRACK_DB", DEFAULT_DB),
        show_default="claimtrack.db",
        help="Ledger: a SQLite file, or postgresql://user@host/dbname (or set CLAIMTRACK_DB).",
    )(fn)


def analysis_options(fn: F) -> F:
    """Inputs and the options that shape analysis, shared by extract and ingest."""
    options = [
        click.argument("inputs", nargs=-1, type=str),
        click.option(
            "--published",
            callback=_date_option,
            help="Publication date (YYYY-MM-DD) for inputs without one.",
        ),
        click.option("--title", help="Title for inputs without one."),
        click.option("--publisher", help="Publisher for inputs without one."),
        click.option("--url", help="URL for inputs without one."),
        click.option("--author", help="Author for inputs without one."),
        click.option(
            "--input-kind",
            type=click.Choice(INPUT_KINDS),
            default="auto",
            show_default=True,
            help="How to read every input; auto decides by content, then extension.",
        ),
        *_field_options(),
        click.option(
            "--encoding",
            callback=_encoding_option,
            help="Text encoding to try when a file is not UTF-8.",
        ),
        click.option(
            "--max-bytes",
            type=click.IntRange(min=1),
            default=DEFAULT_MAX_BYTES,
            show_default=True,
            help="Largest input accepted, in bytes (a file, stdin or a fetched body).",
        ),
        click.option(
            "--fetch",
            is_flag=True,
            help="Fetch the linked article of feed entries that carry only a summary.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            help="Seconds to wait for a server to connect or send data [default: 20].",
        ),
        click.option(
            "--retries",
            type=click.IntRange(min=0),
            help="Retries of a URL after a timeout or a 429/5xx answer [default: 3].",
        ),
        click.option(
            "--concurrency",
            type=click.IntRange(min=1),
            help="URLs fetched at once [default: 4].",
        ),
        click.option(
            "--model",
            default=DEFAULT_MODEL,
            show_default=True,
            help="Installed spaCy pipeline to use.",
        ),
        click.option(
            "--lexicons",
            type=click.Path(exists=True, file_okay=False),
            help="Directory with your own lexicon files.",
        ),
        ATTRIBUTION_MODEL_OPTION,
        click.option("--batch-size", type=click.IntRange(min=1), default=32, show_default=True),
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            default=1,
            show_default=True,
            help="Processes that analyse at once (one batch each); results are the same as with 1.",
        ),
        click.option("--quiet", "-q", is_flag=True, help="No progress or summary on stderr."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(claimtrack.__version__, prog_name="claimtrack")
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Turn news articles into a ledger of attributed claims.

    \b
    Example:
      claimtrack extract article.txt --published 2023-06-04
      claimtrack ingest articles/ --db news.db && claimtrack statements --db news.db --actor minister
    """
    ctx.obj = {"debug": debug}


@main.command()
@analysis_options
@output_options
@click.pass_context
def extract(
    ctx: click.Context, /, inputs: tuple[str, ...], fmt: str | None, quiet: bool, **opts: Any
) -> None:
    """Analyse INPUTS and print their statements, storing nothing.

    INPUTS are text files, JSON Lines or JSON files, HTML pages, RSS/Atom feeds,
    directories, http(s) URLs (fetched), or - for stdin (the default). A file
    x.txt may have metadata in x.json beside it.
    JSON records keep their text in "text" unless --text-field says otherwise.

    \b
    Example:
      claimtrack extract examples/newsweek-bakhmut.txt --format jsonl | jq '.statements | length'
      claimtrack extract dump.jsonl --text-field body --date-field meta.published
      claimtrack extract https://example.com/news.rss --fetch --timeout 10
    """
    fmt = fmt or _default_format()
    _load_model(ctx, opts["model"])
    _load_attribution_model(ctx, opts["attribution_model"])
    results = _run(ctx, inputs, quiet, opts)
    failed = 0
    rows: list[dict[str, Any]] = []
    for result in results:
        if isinstance(result, Failure):
            failed += 1
            continue
        if fmt == "jsonl":
            output.write_jsonl([result], sys.stdout)
            sys.stdout.flush()
        else:
            rows.extend(output.statement_rows(result))
    if fmt != "jsonl":
        output.write_rows(rows, fmt, sys.stdout)
    ctx.exit(1 if failed else 0)


@main.command()
@analysis_options
@db_option
@click.option(
    "--dask",
    metavar="SCHEDULER",
    help="Analyse on a Dask cluster: a scheduler address (tcp://host:8786), or 'local' for a"
    " local cluster of --workers processes. Needs claimtrack[dask].",
)
@click.pass_context
def ingest(
    ctx: click.Context, /, inputs: tuple[str, ...], db: str, quiet: bool, **opts: Any
) -> None:
    """Analyse INPUTS and store them in the ledger (idempotent: re-running adds nothing).

    \b
    Example:
      claimtrack ingest examples/newsweek-bakhmut.txt --db news.db
      claimtrack ingest 'shards/*.jsonl' --db news.db --workers 4
      claimtrack ingest 'shards/*.jsonl' --db news.db --dask tcp://scheduler:8786
    """
    # a missing model is a usage error: fail before touching the ledger
    _load_model(ctx, opts["model"])
    _load_attribution_model(ctx, opts["attribution_model"])
    ledger = _open_ledger(ctx, db, opts["lexicons"])
    outcomes = {"added": 0, "replaced": 0, "unchanged": 0}
    failed = 0
    with ledger:
        for result in _run(ctx, inputs, quiet, opts):
            if isinstance(result, Failure):
                failed += 1
                continue
            try:
                outcomes[ledger.add(result)] += 1
            except ClaimtrackError as err:
                failed += 1
                _error(ctx, f"{result.article.source}: not stored: {err}", exc=True)
    if not quiet:
        click.echo(
            f"claimtrack: {ledger.path}: {outcomes['added']} added, {outcomes['replaced']} replaced, "
            f"{outcomes['unchanged']} unchanged",
            err=True,
        )
    ctx.exit(1 if failed else 0)


@main.command("export")
@db_option
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="File to write [default: stdout].")
@click.pass_context
def export_cmd(ctx: click.Context, /, db: str, output: str | None) -> None:
    """Write the whole ledger as JSON Lines, to move it to another database.

    \b
    Example:
      claimtrack export --db news.db -o news.jsonl
      claimtrack import news.jsonl --db postgresql://me@dbhost/news
    """
    _require_ledger(db)
    ledger = _open_ledger(ctx, db)
    with ledger:
        try:
            if output is None:
                rows = ledger.export(sys.stdout)
            else:
                with open(output, "w", encoding="utf-8") as out:
                    rows = ledger.export(out)
        except OSError as err:
            _error(ctx, f"{output}: cannot write the export ({err.strerror})")
            ctx.exit(1)
    click.echo(f"claimtrack: {ledger.path}: {rows} rows exported", err=True)


@main.command("import")
@click.argument("export_file", metavar="FILE")
@db_option
@click.pass_context
def import_cmd(ctx: click.Context, /, export_file: str, db: str) -> None:
    """Load FILE, written by 'claimtrack export' (- for stdin), into a new, empty ledger.

    The ledger (a SQLite file or a PostgreSQL URL) is created if need be; one that
    already holds articles is refused. All rows go in one transaction.

    \b
    Example:
      claimtrack export --db news.db | claimtrack import - --db postgresql://me@dbhost/news
    """
    ledger = _open_ledger(ctx, db)
    with ledger:
        try:
            if export_file == "-":
                written = ledger.import_rows(sys.stdin, "stdin")
            else:
                with open(export_file, encoding="utf-8") as lines:
                    written = ledger.import_rows(lines, export_file)
        except OSError as err:
            _usage_error(ctx, f"{export_file}: cannot read ({err.strerror})")
        except UnicodeDecodeError as err:
            _usage_error(ctx, f"{export_file}: not UTF-8 text ({err.reason})")
        except ClaimtrackError as err:
            _error(ctx, str(err))
            ctx.exit(1)
    click.echo(f"claimtrack: {ledger.path}: {sum(written.values())} rows imported", err=True)


@main.command()
@db_option
@click.option(
    "--actor", help="Actor name or words of the source, case-insensitive (e.g. 'minister')."
)
@click.option(
    "--since", callback=_date_option, help="Statements made on or after this date (YYYY-MM-DD)."
)
@click.option(
    "--until", callback=_date_option, help="Statements made on or before this date (YYYY-MM-DD)."
)
@click.option("--place", help="Where the statement was made.")
@click.option("--side", help="The side the actor speaks for (e.g. 'Russia').")
@click.option("--article", "article_id", help="Only this article id.")
@output_options
@click.pass_context
def statements(ctx: click.Context, /, db: str, fmt: str | None, **filters: Any) -> None:
    """List stored statements, ordered by date (the publication date when the text gives none).

    --actor matches the actor's name, the source's words, or any alias of the
    same actor in other articles ("defense minister" finds the statements of
    the person described so anywhere in the ledger).

    \b
    Example:
      claimtrack statements --db news.db --actor reznikov --since 2023-06-01 --format csv
      claimtrack statements --db news.db --side russia
    """
    _require_ledger(db)
    with _open_ledger(ctx, db) as ledger:
        rows = ledger.statements(**filters)
    output.write_rows(rows, fmt or _default_format(), sys.stdout, output.LEDGER_COLUMNS)


@main.command()
@db_option
@click.option("--name", help="Any alias: a name, title or mention, case-insensitive substring.")
@click.option("--side", help="The side the actor speaks for.")
@click.option(
    "--kind", type=click.Choice(typing.get_args(ActorKind)), help="Only actors of this kind."
)
@click.option("--id", "actor_id", help="Only this ledger actor id.")
@output_options
@click.pass_context
def actors(ctx: click.Context, /, db: str, fmt: str | None, **filters: Any) -> None:
    """List the actors across the ledger's articles, most statements first.

    One actor per person or body: the same person named in two articles is
    one actor with the names, titles and mentions of both as aliases. jsonl
    adds each actor's links: the article, the name used there, and the
    confidence and reason of the link.

    \b
    Example:
      claimtrack actors --db news.db --side ukraine
      claimtrack actors --db news.db --name ivanova --format jsonl
    """
    _require_ledger(db)
    with _open_ledger(ctx, db) as ledger:
        rows = ledger.actors(**filters)
    output.write_actors(rows, fmt or _default_format(), sys.stdout)


def group_actor_filter(fn: F) -> F:
    """--actor for the commands that list groups of statements."""
    option = click.option(
        "--actor", help="Only propositions a statement of this actor (name, alias or source words) takes part in."
    )
    return option(fn)


def claim_filters(fn: F) -> F:
    """--since/--until/--place/--side, shared by the proposition commands."""
    options = [
        click.option("--since", callback=_date_option, help="Statements made on or after this date (YYYY-MM-DD)."),
        click.option("--until", callback=_date_option, help="Statements made on or before this date (YYYY-MM-DD)."),
        click.option("--place", help="A place the proposition names, or where a statement was made."),
        click.option("--side", help="Only propositions a statement of this side takes part in."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


@main.command()
@db_option
@claim_filters
@group_actor_filter
@click.option(
    "--min-statements", type=click.IntRange(min=1), default=1, show_default=True,
    help="Only propositions with at least this many statements.",
)
@output_options
@click.pass_context
def propositions(ctx: click.Context, /, db: str, fmt: str | None, **filters: Any) -> None:
    """List propositions across the ledger: what is claimed of whom, by how many statements.

    A proposition is a predicate class with an agent and a theme
    ("control(Russia, Kherson)": "captured", "took control of" and "fell to"
    are one class). Statements from any article join it, with their stance.

    \b
    Example:
      claimtrack propositions --db news.db --min-statements 2
      claimtrack propositions --db news.db --place bakhmut --format jsonl
    """
    _require_ledger(db)
    with _open_ledger(ctx, db) as ledger:
        rows = ledger.propositions(**filters)
    output.write_propositions(rows, fmt or _default_format(), sys.stdout)


@main.command()
@db_option
@claim_filters
@group_actor_filter
@output_options
@click.pass_context
def disputes(ctx: click.Context, /, db: str, fmt: str | None, **filters: Any) -> None:
    """List propositions one side asserts and another denies, with both sides' statements.

    Asserting that another party holds what only one can hold ("Ukrainian
    forces still control X" against "Russian forces captured X") counts as
    denying. jsonl gives one object per dispute; csv one row per statement.

    \b
    Example:
      claimtrack disputes --db news.db --since 2023-05-01
      claimtrack disputes --db news.db --side ukraine --format csv
    """
    _require_ledger(db)
    with _open_ledger(ctx, db) as ledger:
        rows = ledger.disputes(**filters)
    output.write_groups(rows, fmt or _default_format(), sys.stdout, "disputes")


@main.command()
@db_option
@claim_filters
@group_actor_filter
@click.option(
    "--min-sources", type=click.IntRange(min=2), default=2, show_default=True,
    help="Only propositions asserted by at least this many independent sources.",
)
@output_options
@click.pass_context
def corroborations(ctx: click.Context, /, db: str, fmt: str | None, **filters: Any) -> None:
    """List propositions asserted by independent sources.

    Two statements are independent when their speakers speak for different
    sides (without a side: are different actors across the ledger). A claim
    that only repeats another source ("according to X") does not count.

    \b
    Example:
      claimtrack corroborations --db news.db --min-sources 3
    """
    _require_ledger(db)
    with _open_ledger(ctx, db) as ledger:
        rows = ledger.corroborations(**filters)
    output.write_groups(rows, fmt or _default_format(), sys.stdout, "corroborations")


@main.command()
@db_option
@click.option("--proposition", help="A proposition key (or its first characters), from 'claimtrack propositions'.")
@click.option("--actor", help="Actor name, alias or source words, case-insensitive.")
@claim_filters
@output_options
@click.pass_context
def timeline(ctx: click.Context, /, db: str, fmt: str | None, **filters: Any) -> None:
    """One proposition's or one actor's claims in the order they were made, with each latest word.

    Dates are the statement's own ("said on Friday"), else the article's
    publication date, marked "(pub.)" in the table and date_precision
    "published" in jsonl/csv.

    \b
    Example:
      claimtrack timeline --db news.db --proposition 3f2a
      claimtrack timeline --db news.db --actor prigozhin --format csv
    """
    if (filters["proposition"] is None) == (filters["actor"] is None):
        raise click.UsageError("give --proposition or --actor (one of them)")
    _require_ledger(db)
    with _open_ledger(ctx, db) as ledger:
        result = ledger.timeline(**filters)
    output.write_timeline(result, fmt or _default_format(), sys.stdout)


_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback lets other machines read the ledger.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port to listen on.")
@click.option("--upgrade", is_flag=True,
              help="First bring a ledger written by an older claimtrack to this version (the one write serve makes).")
@click.pass_context
def serve(ctx: click.Context, /, db: str, host: str, port: int, upgrade: bool) -> None:
    """Browse the ledger in a web browser: articles with highlighted statements, actors,
    propositions with a timeline chart, disputes and corroborations.

    The ledger is opened read-only; every page is also JSON (add ".json" to its
    path, or send "Accept: application/json"). Stop with Ctrl-C.

    \b
    Example:
      claimtrack serve --db news.db            # then open http://127.0.0.1:8765/
      claimtrack serve --db news.db --port 9000
    """
    import uvicorn

    from claimtrack.web import create_app

    _require_ledger(db)
    if upgrade:
        _open_ledger(ctx, db).close()
    try:
        app = create_app(db)
    except ClaimtrackError as err:
        _error(ctx, str(err), exc=True)
        ctx.exit(2)
    if host not in _LOOPBACK:
        _error(ctx, f"warning: serving on {host}: anyone who can reach this address can read the ledger")
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"claimtrack: serving {pg.redact(db)} (read-only) at http://{shown}:{port}/ ; Ctrl-C to stop", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _require_ledger(db: str) -> None:
    """A SQLite file must exist to be queried (a PostgreSQL URL is checked when opened)."""
    if not pg.is_url(db) and not os.path.exists(db):
        raise click.UsageError(
            f"{db}: no such ledger; create one with 'claimtrack ingest INPUT --db {db}'"
        )


MODEL_HELP = "Installed spaCy pipeline to use."


@main.group("eval")
def eval_group() -> None:
    """Score claimtrack's attributions against an annotated corpus.

    \b
    Example:
      claimtrack eval polnear --gold PolNeAR/data/dev --limit 10
    """


@eval_group.command("polnear")
@click.option("--gold", required=True, help="PolNeAR split directory (text/, attributions/).")
@click.option(
    "--scorer",
    type=click.Path(exists=True, dir_okay=False),
    help="The scorer script [default: GOLD/../../bench/polnear_score.py].",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    help="Keep the predictions in this JSON Lines file [default: a temporary file].",
)
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help=MODEL_HELP)
@ATTRIBUTION_MODEL_OPTION
@click.option("--json", "as_json", is_flag=True, help="The scores as one JSON object.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    help="Only the first N articles by name, scored against those N only.",
)
@click.option("--batch-size", type=click.IntRange(min=1), default=32, show_default=True)
@click.option("--quiet", "-q", is_flag=True, help="No progress or summary on stderr.")
@click.pass_context
def eval_polnear(
    ctx: click.Context,
    /,
    gold: str,
    scorer: str | None,
    out: str | None,
    model: str,
    attribution_model: str | None,
    as_json: bool,
    limit: int | None,
    batch_size: int,
    quiet: bool,
) -> None:
    """Analyse a PolNeAR split and print the scorer's table of precision, recall and F1.

    Texts are analysed exactly as written (offsets are those of text/NAME.txt);
    dates come from metadata.tsv in GOLD or its parent. The predictions (one
    JSON line per article) are scored by running the scorer script, never a
    copy of it. Exit status 1 when an article failed (it predicts nothing) or
    the scorer failed.

    \b
    Example:
      claimtrack eval polnear --gold PolNeAR/data/dev --out dev.pred.jsonl
      claimtrack eval polnear --gold PolNeAR/data/dev --limit 10 --scorer bench/polnear_score.py
    """
    split, scorer_path = _polnear_inputs(ctx, gold, scorer, out, limit)
    nlp = _load_model(ctx, model)
    tagger_model = _load_attribution_model(ctx, attribution_model)
    lex = _load_lexicons(ctx)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="claimtrack-polnear-") as tmp:
        pred = out or os.path.join(tmp, "predictions.jsonl")
        predicted = polnear.predict(split, nlp, lex, batch_size, tagger_model)
        results = _polnear_progress(ctx, predicted, len(split), quiet)
        try:
            with open(pred, "w", encoding="utf-8") as handle:
                failed = polnear.write_predictions(results, handle)
        except OSError as err:
            _error(ctx, f"{pred}: cannot write predictions ({err.strerror})", exc=True)
            ctx.exit(1)
        if not quiet:
            click.echo(
                f"claimtrack: {len(split) - failed} of {len(split)} articles analysed, "
                f"{failed} failed ({time.perf_counter() - start:.1f} s)",
                err=True,
            )
        only = [name for name, _ in split] if limit is not None else None
        try:
            done = polnear.run_scorer(scorer_path, gold, pred, as_json, only=only)
        except OSError as err:
            _error(ctx, f"{scorer_path}: cannot run the scorer ({err})", exc=True)
            ctx.exit(1)
    click.echo(done.stdout, nl=False)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    if done.returncode != 0:
        first = f": {lines.pop(0)}" if lines else ""
        _error(ctx, f"{scorer_path} exited with status {done.returncode}{first}")
    for line in lines:
        click.echo(f"claimtrack: scorer: {line}", err=True)
    ctx.exit(1 if failed or done.returncode != 0 else 0)


def _eval_options(what: str, errors: str) -> Callable[[F], F]:
    """The options every hand-checked-set command takes: --gold, --model,
    --attribution-model, --json, --errors."""

    def apply(f: F) -> F:
        f = click.option("--errors", is_flag=True, help=f"Also list {errors}.")(f)
        f = click.option("--json", "as_json", is_flag=True, help="The figures as one JSON object.")(f)
        f = ATTRIBUTION_MODEL_OPTION(f)
        f = click.option("--model", default=DEFAULT_MODEL, show_default=True, help=MODEL_HELP)(f)
        return click.option(
            "--gold",
            required=True,
            type=click.Path(exists=True, file_okay=False),
            help=f"{what} evaluation set: a directory with gold/*.json and the texts they name.",
        )(f)

    return apply


@eval_group.command("actors")
@_eval_options("Actor", "each missed source and each wrong actor or side")
@click.pass_context
def eval_actors(
    ctx: click.Context,
    /,
    gold: str,
    model: str,
    attribution_model: str | None,
    as_json: bool,
    errors: bool,
) -> None:
    """Score each statement's actor and side against a hand-checked set.

    Every gold source is matched to the statement whose source overlaps it
    most; over those found, the figures are the actor's name (exact, or any
    name the set uses for that actor), B-cubed clusters within each article,
    the side, the kind, and links across articles through a scratch ledger.
    See evals/actors/README.md for the set and its format.

    \b
    Example:
      claimtrack eval actors --gold evals/actors --errors
    """
    _run_eval(ctx, actoreval, gold, model, attribution_model, as_json=as_json, errors=errors)


@eval_group.command("statements")
@_eval_options("Statement", "each missed statement and each wrong channel, time or place")
@click.pass_context
def eval_statements(
    ctx: click.Context,
    /,
    gold: str,
    model: str,
    attribution_model: str | None,
    as_json: bool,
    errors: bool,
) -> None:
    """Score each statement's channel, time and place against a hand-checked set.

    Every gold statement is matched to the statement whose cue overlaps it
    most; over those found, the figures are the channel type and platform,
    whether a time and a place were found (precision and recall), and the
    time's precision and value and the place's name where both have one.
    See evals/statements/README.md for the set and its format.

    \b
    Example:
      claimtrack eval statements --gold evals/statements --errors
    """
    _run_eval(ctx, stateval, gold, model, attribution_model, as_json=as_json, errors=errors)


@eval_group.command("claims")
@_eval_options("Claims", "each missed statement, each claim outside its proposition's group, each wrong stance, and each extra or missed dispute and corroboration")
@click.pass_context
def eval_claims(
    ctx: click.Context,
    /,
    gold: str,
    model: str,
    attribution_model: str | None,
    as_json: bool,
    errors: bool,
) -> None:
    """Score proposition grouping, stances, disputes and corroborations against a hand-checked set.

    The articles are stored in a temporary ledger and its groups, disputes and
    corroborations (what 'claimtrack propositions/disputes/corroborations'
    print) are compared with the gold: grouping as pairwise precision and
    recall, stance accuracy, and dispute and corroboration precision and
    recall. See evals/claims/README.md for the set and its format.

    \b
    Example:
      claimtrack eval claims --gold evals/claims --errors
    """
    _run_eval(ctx, claimeval, gold, model, attribution_model, as_json=as_json, errors=errors)


def _run_eval(
    ctx: click.Context,
    scorer: ModuleType,
    gold: str,
    model: str,
    attribution_model: str | None,
    *,
    as_json: bool,
    errors: bool,
) -> None:
    """Read a hand-checked set with ``scorer`` (``actoreval``, ``stateval``, ``claimeval``), run the
    pipeline on its articles, print the figures and, with ``errors``, each miss."""
    try:
        gold_set = scorer.read_gold(gold)
    except ClaimtrackError as err:
        _usage_error(ctx, str(err))
    nlp = _load_model(ctx, model)
    tagger_model = _load_attribution_model(ctx, attribution_model)
    lex = _load_lexicons(ctx)
    results = list(pipeline.run((g.article for g in gold_set), nlp, lex, 8, tagger_model))
    report = scorer.score(gold_set, results, lex)
    for line in report.failed:
        _error(ctx, line)
    figures = report.figures()
    click.echo(json.dumps(figures) if as_json else scorer.render(figures))
    if errors:
        for line in report.errors():
            click.echo(line, err=as_json)
    ctx.exit(1 if report.failed else 0)


def _polnear_inputs(
    ctx: click.Context, gold: str, scorer: str | None, out: str | None, limit: int | None
) -> tuple[list[tuple[str, Article | Failure]], Path]:
    """The split's articles and the scorer, or a usage error before the model is loaded."""
    try:
        split = polnear.read_split(gold, limit)
    except polnear.SplitError as err:
        _usage_error(ctx, str(err))
    if not split:
        _usage_error(ctx, f"{gold}: no text/*.txt files")
    scorer_path = Path(scorer) if scorer else polnear.find_scorer(gold)
    if scorer_path is None:
        expected = os.path.normpath(Path(gold) / polnear.SCORER_FROM_SPLIT)
        _usage_error(ctx, f"no scorer at {expected}; pass --scorer PATH/TO/polnear_score.py")
    if out is not None:
        parent = os.path.dirname(out) or "."
        if not os.path.isdir(parent):
            _usage_error(ctx, f"{out}: its directory does not exist")
        if not os.access(out if os.path.exists(out) else parent, os.W_OK):
            _usage_error(ctx, f"{out}: not writable")
    return split, scorer_path


def _polnear_progress(
    ctx: click.Context, results: Iterable[tuple[str, Analysis | Failure]], total: int, quiet: bool
) -> Iterator[tuple[str, Analysis | Failure]]:
    """Report failures as they happen, and a running count when stderr is a terminal."""
    progress = sys.stderr.isatty() and not quiet
    for n, (name, result) in enumerate(results, 1):
        if isinstance(result, Failure):
            _error(ctx, f"{result}; predicting nothing for {name}", clear=progress)
        if progress:
            click.echo(f"\rclaimtrack: {n} of {total} articles", err=True, nl=False)
        yield name, result
    if progress:
        click.echo("\r\033[K", err=True, nl=False)


@main.command()
@click.option(
    "--texts",
    "texts_dir",
    required=True,
    type=click.Path(exists=True, file_okay=False),
    help="Directory of .txt files, read recursively.",
)
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help=MODEL_HELP)
@click.option("--json", "as_json", is_flag=True, help="The figures as one JSON object on one line.")
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N files by path.")
@click.option("--batch-size", type=click.IntRange(min=1), default=32, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes per side: claimtrack's worker pool, spaCy's n_process.",
)
@click.pass_context
def bench(
    ctx: click.Context,
    /,
    texts_dir: str,
    model: str,
    as_json: bool,
    limit: int | None,
    batch_size: int,
    workers: int,
) -> None:
    """Time claimtrack's whole pipeline against bare spaCy on the same texts.

    Both run in this process, bare spaCy first, each warmed up on the first
    few texts; model loading is not timed. With --workers N, each side runs in
    N processes (claimtrack first) and the largest worker's peak memory is shown. Prints docs, words, seconds and
    rates for both, the ratio of claimtrack's docs/s to spaCy's, the peak
    memory of the process, the model and the number of CPUs.

    \b
    Example:
      claimtrack bench --texts PolNeAR/data/dev/text --limit 20 --json
    """
    try:
        texts = bench_mod.read_texts(texts_dir, limit)
    except bench_mod.BenchError as err:
        _usage_error(ctx, str(err))
    nlp = _load_model(ctx, model)
    try:
        bare = bench_mod.load_bare(model)
    except ModelError as err:
        _usage_error(ctx, str(err))
    settings = parallel.Settings.of(model, batch_size=batch_size)
    result = bench_mod.run_bench(
        texts, nlp, bare, _load_lexicons(ctx), batch_size=batch_size, workers=workers, settings=settings
    )
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        click.echo(bench_mod.format_table(result))
    if result.failed:
        _error(
            ctx,
            f"{result.failed} of {result.docs} texts failed in claimtrack's pipeline "
            "(run 'claimtrack extract' on them to see why)",
        )
    ctx.exit(1 if result.failed else 0)


@main.group("train")
def train_group() -> None:
    """Train claimtrack's learned models (needs the extra: pip install 'claimtrack[train]')."""


@train_group.command("attribution")
@click.option(
    "--train",
    "train_dir",
    required=True,
    type=click.Path(exists=True, file_okay=False),
    help="PolNeAR training split (text/, attributions/).",
)
@click.option(
    "--dev",
    "dev_dir",
    type=click.Path(exists=True, file_okay=False),
    help="PolNeAR dev split, to tune the decision thresholds [default: none, thresholds 0].",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory to write weights.npz and meta.json into.",
)
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help=MODEL_HELP)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
@click.pass_context
def train_attribution(
    ctx: click.Context,
    /,
    train_dir: str,
    dev_dir: str | None,
    out: str,
    model: str,
    seed: int,
    quiet: bool,
) -> None:
    """Train the attribution tagger; the shipped model is this command on PolNeAR train and dev.

    The result loads with --attribution-model OUT, or replaces the packaged
    model when written to src/claimtrack/models/attribution.

    \b
    Example:
      claimtrack train attribution --train PolNeAR/data/train --dev PolNeAR/data/dev \\
          --out src/claimtrack/models/attribution
    """
    try:
        from claimtrack import training
    except ImportError as err:  # scikit-learn / scipy missing
        _usage_error(
            ctx, f"training needs the train extra (pip install 'claimtrack[train]'): {err}"
        )
    try:
        train_docs = polnear.read_gold(train_dir)
        dev_docs = polnear.read_gold(dev_dir) if dev_dir else None
    except polnear.SplitError as err:
        _usage_error(ctx, str(err))
    if not train_docs:
        _usage_error(ctx, f"{train_dir}: no text/*.txt files")
    nlp = _load_model(ctx, model)
    report = training.train_attribution(
        nlp,
        train_docs,
        dev_docs,
        seed=seed,
        log=(lambda _: None) if quiet else (lambda m: click.echo(f"claimtrack: {m}", err=True)),
    )
    try:
        report.model.save(Path(out))
    except OSError as err:
        _error(ctx, f"{out}: cannot write the model ({err.strerror})")
        ctx.exit(1)
    click.echo(f"claimtrack: model written to {out} ({report.seconds:.0f} s)", err=True)


# ------------------------------------------------------------------ helpers


def _default_format() -> str:
    return "table" if sys.stdout.isatty() else "jsonl"


def _load_model(ctx: click.Context, name: str) -> Language:
    try:
        return cached_pipeline(name)
    except ModelError as err:
        _error(ctx, str(err))
        ctx.exit(2)


def _load_attribution_model(ctx: click.Context, directory: str | None) -> TaggerModel:
    try:
        return cached_model(directory)
    except ModelError as err:
        _usage_error(ctx, str(err))


def _load_lexicons(ctx: click.Context) -> lexicons_mod.Lexicons:
    try:
        return lexicons_mod.load()
    except ClaimtrackError as err:
        _usage_error(ctx, str(err))


def _usage_error(ctx: click.Context, message: str) -> NoReturn:
    """One line on stderr and exit status 2: a usage error, caught before any work starts."""
    _error(ctx, message, exc=sys.exc_info()[0] is not None)
    ctx.exit(2)


def _open_ledger(ctx: click.Context, db: str, lexicons: str | None = None) -> claimtrack.Ledger:
    """The ledger at ``db``; ``lexicons`` (a directory) is what actor linking reads."""
    try:
        lex = lexicons_mod.load(lexicons) if lexicons is not None else None
        return claimtrack.Ledger(db, lexicons=lex)
    except ClaimtrackError as err:
        _error(ctx, str(err), exc=True)
        ctx.exit(2)
        raise AssertionError("unreachable") from None


def _run(
    ctx: click.Context, inputs: tuple[str, ...], quiet: bool, opts: dict[str, Any]
) -> Iterator[Analysis | Failure]:
    """Analyse inputs, reporting failures and progress on stderr as they happen."""
    start = time.perf_counter()
    opts = dict(opts)
    paths = {name: opts.pop(f"{name}_field") for name in FIELD_OPTIONS}
    fields = Fields(**{name: value for name, value in paths.items() if value})
    try:
        results = claimtrack.analyze_sources(list(inputs) or ["-"], fields=fields, **opts)
        first = next(results, None)
    except ClaimtrackError as err:  # a missing model or lexicon directory: nothing ran yet
        _error(ctx, str(err), exc=True)
        ctx.exit(2)
    progress = sys.stderr.isatty() and not quiet
    n = failed = statements_n = 0
    for result in _chain(first, results):
        n += 1
        if isinstance(result, Failure):
            failed += 1
            _error(ctx, str(result), clear=progress)
        else:
            statements_n += len(result.statements)
        if progress:
            click.echo(
                f"\rclaimtrack: {n} articles, {statements_n} statements, {failed} failed",
                err=True,
                nl=False,
            )
        yield result
    if progress:
        click.echo("\r\033[K", err=True, nl=False)
    if not quiet:
        seconds = time.perf_counter() - start
        click.echo(
            f"claimtrack: {n - failed} of {n} inputs analysed, {statements_n} statements, "
            f"{failed} failed ({seconds:.1f} s)",
            err=True,
        )


def _chain(
    first: Analysis | Failure | None, rest: Iterable[Analysis | Failure]
) -> Iterator[Analysis | Failure]:
    if first is not None:
        yield first
        yield from rest


def _error(ctx: click.Context, message: str, clear: bool = False, exc: bool = False) -> None:
    """One line on stderr; with --debug and an exception being handled, its traceback too."""
    prefix = "\r\033[K" if clear else ""
    one_line = _CONTROL_CHARS.sub(lambda m: repr(m.group())[1:-1], message)
    click.echo(f"{prefix}claimtrack: {one_line}", err=True)
    if exc and ctx.obj and ctx.obj.get("debug"):
        traceback.print_exc()
