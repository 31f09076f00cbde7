"""The Python API: ``analyze`` one text, ``analyze_sources`` many inputs. The CLI calls these."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import BinaryIO

from claimtrack import lexicons as lexicons_mod
from claimtrack import nlp as nlp_stage
from claimtrack import pipeline
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
) -> Analysis:
    """Analyse one article's text; raises InputError (e.g. empty text) or ModelError.

    ``published`` (a date or ISO string) anchors relative dates ("on Friday");
    without it they get precision ``unknown``. The model is loaded once per
    process and name.
    """
    meta = _metadata(published, title, publisher, url, author, source)
    article = make_article(text, source, meta)
    nlp = nlp_stage.cached_pipeline(model)
    lex = _lexicons(lexicons)
    result = next(pipeline.run([article], nlp, lex))
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
) -> Iterator[Analysis | Failure]:
    """Analyse files, directories, JSON Lines or stdin (``-``), yielding one result per article.

    Bad inputs come out as ``Failure`` records and the rest goes on. ``fields``
    says where JSON records keep the text and metadata
    (``Fields(text="body", date="meta.published")``); ``input_kind`` forces how
    inputs are read ("text", "jsonl", "json", "html", "feed"; default "auto").
    """
    meta = _metadata(published, title, publisher, url, author, "--published")
    nlp = nlp_stage.cached_pipeline(model)
    lex = _lexicons(lexicons)
    articles = read_sources(
        inputs,
        meta,
        encoding=encoding,
        max_bytes=max_bytes,
        stdin=stdin,
        fields=fields,
        input_kind=input_kind,
    )
    yield from pipeline.run(articles, nlp, lex, batch_size=batch_size)


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


_LEXICONS: dict[str, lexicons_mod.Lexicons] = {}


def _lexicons(path: str | Path | None) -> lexicons_mod.Lexicons:
    key = str(path) if path is not None else ""
    if key not in _LEXICONS:
        _LEXICONS[key] = lexicons_mod.load(path)
    return _LEXICONS[key]
