"""The ``claimtrack`` command line: thin commands over the public API.

Data goes to stdout, progress, notes and errors to stderr. Exit status: 0
when every input was processed, 1 when some failed (the rest are processed
and stored), 2 for a usage error caught before any work starts.
"""

from __future__ import annotations

import codecs
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any, TypeVar

import click

import claimtrack
from claimtrack import output
from claimtrack.errors import ClaimtrackError, InputError, ModelError
from claimtrack.ingest import DEFAULT_MAX_BYTES, parse_date
from claimtrack.nlp import DEFAULT_MODEL, cached_pipeline
from claimtrack.records import Analysis, Failure

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_DB = "claimtrack.db"


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


def output_options(fn: F) -> F:
    """--format, shared by every command that prints records."""
    return click.option(
        "--format", "fmt", type=click.Choice(output.FORMATS), default=None,
        help="Output format [default: table on a terminal, jsonl when piped].",
    )(fn)


def db_option(fn: F) -> F:
    return click.option(
        "--db", default=lambda: os.environ.get("CLAIMTRACK_DB", DEFAULT_DB), show_default="claimtrack.db",
        help="SQLite ledger file (or set CLAIMTRACK_DB).",
    )(fn)


def analysis_options(fn: F) -> F:
    """Inputs and the options that shape analysis, shared by extract and ingest."""
    options = [
        click.argument("inputs", nargs=-1, type=str),
        click.option("--published", callback=_date_option, help="Publication date (YYYY-MM-DD) for inputs without one."),
        click.option("--title", help="Title for inputs without one."),
        click.option("--publisher", help="Publisher for inputs without one."),
        click.option("--url", help="URL for inputs without one."),
        click.option("--encoding", callback=_encoding_option, help="Text encoding to try when a file is not UTF-8."),
        click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
                     help="Largest input accepted, in bytes."),
        click.option("--model", default=DEFAULT_MODEL, show_default=True, help="Installed spaCy pipeline to use."),
        click.option("--lexicons", type=click.Path(exists=True, file_okay=False), help="Directory with your own lexicon files."),
        click.option("--batch-size", type=click.IntRange(min=1), default=32, show_default=True),
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
def extract(ctx: click.Context, /, inputs: tuple[str, ...], fmt: str | None, quiet: bool, **opts: Any) -> None:
    """Analyse INPUTS and print their statements, storing nothing.

    INPUTS are text files, JSON Lines files, directories, or - for stdin
    (the default). A file x.txt may have metadata in x.json beside it.

    \b
    Example:
      claimtrack extract examples/newsweek-bakhmut.txt --format jsonl | jq '.statements | length'
    """
    fmt = fmt or _default_format()
    _load_model(ctx, opts["model"])
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
@click.pass_context
def ingest(ctx: click.Context, /, inputs: tuple[str, ...], db: str, quiet: bool, **opts: Any) -> None:
    """Analyse INPUTS and store them in the ledger (idempotent: re-running adds nothing).

    \b
    Example:
      claimtrack ingest examples/newsweek-bakhmut.txt --db news.db
    """
    _load_model(ctx, opts["model"])  # a missing model is a usage error: fail before touching the ledger
    ledger = _open_ledger(ctx, db)
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
        click.echo(f"claimtrack: {db}: {outcomes['added']} added, {outcomes['replaced']} replaced, "
                   f"{outcomes['unchanged']} unchanged", err=True)
    ctx.exit(1 if failed else 0)


@main.command()
@db_option
@click.option("--actor", help="Actor name or words of the source, case-insensitive (e.g. 'minister').")
@click.option("--since", callback=_date_option, help="Statements made on or after this date (YYYY-MM-DD).")
@click.option("--until", callback=_date_option, help="Statements made on or before this date (YYYY-MM-DD).")
@click.option("--place", help="Where the statement was made.")
@click.option("--article", "article_id", help="Only this article id.")
@output_options
@click.pass_context
def statements(ctx: click.Context, /, db: str, fmt: str | None, **filters: Any) -> None:
    """List stored statements, ordered by date (the publication date when the text gives none).

    \b
    Example:
      claimtrack statements --db news.db --actor reznikov --since 2023-06-01 --format csv
    """
    if not os.path.exists(db):
        raise click.UsageError(f"{db}: no such ledger; create one with 'claimtrack ingest INPUT --db {db}'")
    with _open_ledger(ctx, db) as ledger:
        rows = ledger.statements(**filters)
    output.write_rows(rows, fmt or _default_format(), sys.stdout)


# ------------------------------------------------------------------ helpers


def _default_format() -> str:
    return "table" if sys.stdout.isatty() else "jsonl"


def _load_model(ctx: click.Context, name: str) -> None:
    try:
        cached_pipeline(name)
    except ModelError as err:
        _error(ctx, str(err))
        ctx.exit(2)


def _open_ledger(ctx: click.Context, db: str) -> claimtrack.Ledger:
    try:
        return claimtrack.Ledger(db)
    except ClaimtrackError as err:
        _error(ctx, str(err), exc=True)
        ctx.exit(2)
        raise AssertionError("unreachable") from None


def _run(ctx: click.Context, inputs: tuple[str, ...], quiet: bool, opts: dict[str, Any]) -> Iterator[Analysis | Failure]:
    """Analyse inputs, reporting failures and progress on stderr as they happen."""
    start = time.perf_counter()
    try:
        results = claimtrack.analyze_sources(list(inputs) or ["-"], **opts)
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
            click.echo(f"\rclaimtrack: {n} articles, {statements_n} statements, {failed} failed", err=True, nl=False)
        yield result
    if progress:
        click.echo("\r\033[K", err=True, nl=False)
    if not quiet:
        seconds = time.perf_counter() - start
        click.echo(f"claimtrack: {n - failed} of {n} inputs analysed, {statements_n} statements, "
                   f"{failed} failed ({seconds:.1f} s)", err=True)


def _chain(first: Analysis | Failure | None, rest: Iterable[Analysis | Failure]) -> Iterator[Analysis | Failure]:
    if first is not None:
        yield first
        yield from rest


def _error(ctx: click.Context, message: str, clear: bool = False, exc: bool = False) -> None:
    """One line on stderr; with --debug and an exception being handled, its traceback too."""
    prefix = "\r\033[K" if clear else ""
    click.echo(f"{prefix}claimtrack: {message}", err=True)
    if exc and ctx.obj and ctx.obj.get("debug"):
        traceback.print_exc()
