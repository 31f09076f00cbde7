"""Attributions: source / cue / content spans of direct, indirect and mixed speech.

The spans come from the learned tagger (``tagger.py``, trained on PolNeAR):
cue tokens, then for each cue the source and content constituents, and the
neighbouring sentences a multi-sentence quote runs on into. This module turns
its token sets into ``Attribution`` records: character spans into the article
text, the kind (``direct`` when every content word is inside quotation
marks, ``mixed`` when some are, ``indirect`` otherwise), and notes on stray
quotation marks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from spacy.tokens import Doc

from claimtrack import tagger
from claimtrack.nlp import doc_text
from claimtrack.records import Article, Attribution, AttributionKind, Span, stable_id

_OPEN = {"“", "„", "«"}
_CLOSE = {"”", "»"}


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation, marks included: ``text[start:end]`` starts and ends with a mark."""

    start: int
    end: int


@dataclass(slots=True)
class _Found:
    cue: tuple[int, int]
    source: tuple[int, int] | None
    content: list[tuple[int, int]]
    notes: tuple[str, ...] = ()


def find_quotes(text: str) -> tuple[list[Quote], list[str]]:
    """Pair quotation marks within each paragraph; return quotes and notes on stray marks.

    Curly marks pair by direction; straight double quotes alternate open/close.
    A mark left unpaired at the end of a paragraph becomes a note, not an error.

    >>> find_quotes('He said "yes" and “no”.')[0]
    [Quote(start=8, end=13), Quote(start=18, end=22)]
    """
    quotes: list[Quote] = []
    notes: list[str] = []
    open_at: int | None = None
    for m in re.finditer(r"[\"“”„‟«»]|\n\s*\n", text):
        mark = m.group()
        if mark.strip() == "":  # paragraph break: an open quote does not run on
            if open_at is not None:
                notes.append(f"unmatched quotation mark at {open_at}")
            open_at = None
            continue
        if open_at is None:
            if mark in _CLOSE:
                notes.append(f"unmatched quotation mark at {m.start()}")
            else:
                open_at = m.start()
        elif mark in _OPEN:
            notes.append(f"unmatched quotation mark at {open_at}")
            open_at = m.start()
        else:
            quotes.append(Quote(open_at, m.end()))
            open_at = None
    if open_at is not None:
        notes.append(f"unmatched quotation mark at {open_at}")
    return quotes, notes


def extract_attributions(
    doc: Doc, article: Article, model: tagger.TaggerModel | None = None, media: AbstractSet[str] = frozenset()
) -> list[Attribution]:
    """Find every attribution in a parsed article.

    ``doc`` is the parse of the article's analysis text (same length as
    ``article.text``), so token offsets are article offsets. ``model`` is the
    attribution tagger (default: the one shipped in the package); ``media``
    the channel nouns and platforms a content may not be only ("wrote in *its
    assessment*"), ``Lexicons.media``.

    "Russian forces do not control the city, the minister said on Friday." ->
    indirect; source "the minister", cue "said", content "Russian forces do
    not control the city".
    """
    model = model or tagger.default_model()
    quotes, notes = find_quotes(doc_text(doc))
    spans = [(q.start, q.end) for q in quotes]
    ctx = tagger.DocContext(doc, spans, media)
    found = [_found(doc, t, ctx) for t in tagger.tag_doc(doc, spans, model, ctx)]
    _attach_notes(doc, found, notes)
    return [_to_record(f, article, quotes) for f in found]


def _found(doc: Doc, t: tagger.Tagged, ctx: tagger.DocContext) -> _Found:
    """Character spans of a tagged attribution.

    The cue is the run of cue tokens that holds its head (a cue is contiguous
    in all but a handful of PolNeAR cases); the source is one span from its
    first to its last word; the content keeps one span per run of words.
    """
    cue_frags = tagger.fragments(doc, t.cue, ctx)
    cue = next((f for f in cue_frags if f[0] <= doc[t.head].idx < f[1]), cue_frags[0])
    source = None
    if t.source:
        last = doc[t.source[-1]]
        source = (doc[t.source[0]].idx, last.idx + len(last))
    return _Found(cue=cue, source=source, content=tagger.fragments(doc, t.content, ctx))


def _attach_notes(doc: Doc, found: Sequence[_Found], notes: Sequence[str]) -> None:
    """A stray quotation mark is noted on the attributions of its sentence."""
    for note in notes:
        offset = int(note.rsplit(" ", 1)[1])
        token = doc.char_span(offset, offset + 1, alignment_mode="expand")
        if token is None:
            continue
        sent = token.sent
        for f in found:
            if sent.start_char <= f.cue[0] < sent.end_char:
                f.notes = (*f.notes, note)


def _kind(content: Iterable[tuple[int, int]], text: str, quotes: Sequence[Quote]) -> AttributionKind:
    inside = outside = 0
    for start, end in content:
        for m in re.finditer(r"\w+", text[start:end]):
            pos = start + m.start()
            if any(q.start < pos < q.end for q in quotes):
                inside += 1
            else:
                outside += 1
    if inside and not outside:
        return "direct"
    return "mixed" if inside else "indirect"


def _widen_to_quote(span: tuple[int, int], quotes: Sequence[Quote]) -> tuple[int, int]:
    """Content that is the inside of one quotation takes its marks too."""
    for q in quotes:
        if q.start <= span[0] and span[1] <= q.end:
            return q.start, q.end
    return span


def _to_record(f: _Found, article: Article, quotes: Sequence[Quote]) -> Attribution:
    text = article.text
    content = tuple(Span.of(text, *_widen_to_quote(c, quotes)) for c in f.content if c[0] < c[1])
    return Attribution(
        id=stable_id(article.id, f.cue[0], f.cue[1]),
        article_id=article.id,
        kind=_kind(((c.start, c.end) for c in content), text, quotes),
        cue=Span.of(text, *f.cue),
        source=Span.of(text, *f.source) if f.source else None,
        content=content,
        notes=f.notes,
    )
