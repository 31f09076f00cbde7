"""The Python API: ``analyze`` one text, ``analyze_sources`` many inputs. The CLI calls these."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from claimtrack import lexicons as lexicons_mod
from claimtrack import nlp as nlp_stage
from claimtrack import parallel, pipeline, tagger
from claimtrack.errors import InputError
from claimtrack.ingest import (
    DEFAULT_MAX_BYTES,
    Fields,
    InputKind,
    Metadata,
    make_article,
    parse_date,
    read_sources,
)
from claimtrack.records import Analysis, Failure

if TYPE_CHECKING:
    from claimtrack.fetch import FetchConfig


def analyze(
    text: str,
    *,
    published: date | str | None = None,
    source: str = "<text>",
    title: str | None = None,
    publisher: str | None = None,
    url: str | None = None,
    author: str | None = None,
    model: str = nlp_stage.DEFAULT_MODEL,
    lexicons: str | Path | None = None,
    attribution_model: str | Path | None = None,
) -> Analysis:
    """Analyse one article's text; raises InputError (e.g. empty text) or ModelError.

    ``published`` (a date or ISO string) anchors relative dates ("on Friday");
    without it they get precision ``unknown``. The spaCy model is loaded once
    per process and name; ``attribution_model`` is a directory written by
    ``claimtrack train attribution`` (default: the shipped model), loaded once
    per process and path.
    """
    meta = _metadata(published, title, publisher, url, author, source)
    article = make_article(text, source, meta)
    nlp = nlp_stage.cached_pipeline(model)
    lex = lexicons_mod.cached(lexicons)
    tagger_model = tagger.cached_model(attribution_model)
    result = next(pipeline.run([article], nlp, lex, attribution_model=tagger_model))
    if isinstance(result, Failure):
        raise InputError(result.source, result.message)
    return result


def analyze_sources(
    inputs: Iterable[str],
    *,
    published: date | str | None = None,
    title: str | None = None,
    publisher: str | None = None,
    url: str | None = None,
    author: str | None = None,
    model: str = nlp_stage.DEFAULT_MODEL,
    lexicons: str | Path | None = None,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    batch_size: int = 32,
    stdin: BinaryIO | None = None,
    fields: Fields | None = None,
    input_kind: InputKind = "auto",
    fetch: bool = False,
    timeout: float | None = None,
    retries: int | None = None,
    concurrency: int | None = None,
    attribution_model: str | Path | None = None,
    workers: int = 1,
    dask: str | None = None,
) -> Iterator[Analysis | Failure]:
    """Analyse files, directories, JSON Lines, http(s) URLs or stdin (``-``), one result per article.

    Bad inputs come out as ``Failure`` records and the rest goes on. ``fields``
    says where JSON records keep the text and metadata
    (``Fields(text="body", date="meta.published")``); ``input_kind`` forces how
    inputs are read ("text", "jsonl", "json", "html", "feed"; default "auto").
    URLs are fetched (``timeout`` seconds to connect or for data, ``retries``,
    ``concurrency``: ``claimtrack.fetch.FetchConfig``'s defaults when None; bodies
    up to ``max_bytes``); ``fetch`` also fetches the linked article of every feed
    entry that carries only a summary. ``attribution_model``: as in ``analyze``.
    ``workers`` > 1 analyses in that many processes (``claimtrack.parallel``),
    with the same results in the same order; reading stays in this process.
    ``dask`` (a scheduler address, or "local" for a ``LocalCluster`` of
    ``workers`` processes) analyses on a Dask cluster instead
    (``claimtrack.dask_run``; DaskError when it cannot be reached).
    ValueError for a value out of range; ModelError, on the first result, for a
    model that cannot be loaded.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    meta = _metadata(published, title, publisher, url, author, "--published")
    config = _fetch_config(max_bytes, timeout, retries, concurrency)
    # loaded here even when workers analyse: a model that cannot load fails before any starts
    nlp = nlp_stage.cached_pipeline(model)
    lex = lexicons_mod.cached(lexicons)
    articles = read_sources(
        inputs,
        meta,
        encoding=encoding,
        max_bytes=max_bytes,
        stdin=stdin,
        fields=fields,
        input_kind=input_kind,
        fetch=fetch,
        fetch_config=config,
    )
    tagger_model = tagger.cached_model(attribution_model)
    settings = parallel.Settings.of(model, lexicons, attribution_model, batch_size)
    if dask is not None:
        from claimtrack import dask_run  # Dask is imported only when it is asked for

        with dask_run.connect(dask, workers) as client:
            yield from dask_run.run(articles, settings, client)
        return
    if workers > 1:
        yield from parallel.run_processes(articles, settings, workers)
        return
    yield from pipeline.run(articles, nlp, lex, batch_size=batch_size, attribution_model=tagger_model)


def _fetch_config(
    max_bytes: int, timeout: float | None, retries: int | None, concurrency: int | None
) -> FetchConfig | None:
    """The FetchConfig the options ask for; None (read_sources' defaults) when none is given.

    A ``timeout`` longer than the default whole-attempt limit raises that limit to it.
    """
    if timeout is None and retries is None and concurrency is None:
        return None
    from claimtrack.fetch import FetchConfig  # httpx is imported only when it is needed

    default = FetchConfig()
    return FetchConfig(
        timeout=default.timeout if timeout is None else timeout,
        total_timeout=max(default.total_timeout, timeout or 0),
        retries=default.retries if retries is None else retries,
        concurrency=default.concurrency if concurrency is None else concurrency,
        max_bytes=max_bytes,
    )


def _metadata(
    published: date | str | None,
    title: str | None,
    publisher: str | None,
    url: str | None,
    author: str | None,
    where: str,
) -> Metadata:
    if isinstance(published, str):
        published = parse_date(published, where)
    return Metadata(title=title, publisher=publisher, url=url, published=published, author=author)
