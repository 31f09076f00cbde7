"""The pipeline: the only place that knows the order of the stages.

    ingest -> clean -> nlp (nlp.pipe, batched) -> attributions -> actors ->
    channel / time / place / hedges -> proposition / stance -> Analysis

``run`` takes articles (and the ingest stage's failures, passed through) and
yields one ``Analysis`` or ``Failure`` per input, in input order. A failure in
one article never stops the batch. spaCy Docs never leave this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimtrack import __version__, attributions, channels, claims, clean, tagger, temporal
from claimtrack import nlp as nlp_stage
from claimtrack.actors import resolve_actors
from claimtrack.lexicons import Lexicons
from claimtrack.records import (
    Actor,
    Analysis,
    Article,
    Attribution,
    Channel,
    Exclusion,
    Failure,
    Span,
    Stamp,
    Stance,
    Statement,
)

_CARRY_SENTENCES = 2


@dataclass(frozen=True, slots=True)
class _Pending:
    article: Article
    exclusions: tuple[Exclusion, ...]


def make_stamp(nlp: Language, lex: Lexicons) -> Stamp:
    name, version = nlp_stage.model_id(nlp)
    return Stamp(__version__, name, version, lex.digest)


def run(
    items: Iterable[Article | Failure],
    nlp: Language,
    lex: Lexicons,
    batch_size: int = 32,
    attribution_model: tagger.TaggerModel | None = None,
) -> Iterator[Analysis | Failure]:
    """Analyse articles in batches; failures (from ingest or from analysis) pass through in order.

    ``attribution_model`` defaults to the shipped model; one that cannot be
    read raises ModelError before any article is analysed.
    """
    model = attribution_model or tagger.default_model()
    stamp = make_stamp(nlp, lex)
    failures: dict[int, Failure] = {}

    def texts() -> Iterator[tuple[str, _Pending | int]]:
        for n, item in enumerate(items):
            if isinstance(item, Failure):
                failures[n] = item
                yield "", n  # an empty doc keeps the order; costs nothing
                continue
            if len(item.text) > nlp.max_length:
                failures[n] = _too_long(item, nlp.max_length)
                yield "", n
                continue
            try:
                excl = clean.find_exclusions(item, lex)
                yield clean.mask_text(item.text, excl), _Pending(item, excl)
            except Exception as err:  # noqa: BLE001  a cleaning bug must not stop the batch
                failures[n] = Failure(item.source, "clean", f"internal error in clean: {err!r}")
                yield "", n

    for doc, ctx in nlp_stage.parse(nlp, texts(), batch_size=batch_size):
        if isinstance(ctx, int):
            yield failures.pop(ctx)
            continue
        try:
            yield analyze_doc(doc, ctx.article, ctx.exclusions, lex, stamp, model)
        except Exception as err:  # noqa: BLE001  one bad document costs one document
            yield Failure(ctx.article.source, "analyze", f"internal error in analysis: {err!r}")


def _too_long(article: Article, limit: int) -> Failure:
    """A text spaCy refuses to parse (over ``nlp.max_length``), as a one-line Failure.

    The parser needs about 1 GB of memory per 100,000 characters, so the limit
    is kept rather than raised: a 2 MB single-line "article" is an input error.
    """
    return Failure(
        article.source,
        "nlp",
        f"text too long to analyse ({len(article.text):,} characters; the model's limit is"
        f" {limit:,}); split it into articles",
    )


def analyze_doc(
    doc: Doc,
    article: Article,
    exclusions: tuple[Exclusion, ...],
    lex: Lexicons,
    stamp: Stamp,
    model: tagger.TaggerModel | None = None,
) -> Analysis:
    """All doc-level stages on one parsed article; the Doc is dropped after this."""
    attrs = attributions.extract_attributions(doc, article, model, lex.media)
    actors, actor_of, co_actors = resolve_actors(doc, attrs, article, lex)
    statements = [
        replace(_statement(doc, a, article, actor_of.get(a.id), lex), co_actor_ids=co_actors.get(a.id, ()))
        for a in attrs
    ]
    statements = _with_claims(doc, statements, actors, lex)
    statements = _inherit_context(doc, statements, actors, article, lex)
    statements.sort(key=lambda s: (s.attribution.cue.start, s.attribution.cue.end))
    return Analysis(article, exclusions, tuple(actors), tuple(statements), stamp)


def _statement(
    doc: Doc, attr: Attribution, article: Article, actor_id: str | None, lex: Lexicons
) -> Statement:
    cue = channels.cue_token(doc, attr)
    clause = channels.cue_clause(cue, attr)
    phrase = channels.find_time_phrase(cue, clause, article.text)
    time = (
        temporal.normalize_time(phrase, article.published, future=_is_future(cue))
        if phrase
        else None
    )
    hedges = channels.find_hedges(attr, clause, lex, doc)
    return Statement(
        attribution=attr,
        actor_id=actor_id,
        channel=channels.detect_channel(cue, clause, lex, article.text, _source_head(doc, attr)),
        time=time,
        place=channels.find_place(cue, clause, article.text, lex),
        hedges=hedges,
        proposition=None,
        stance=Stance("asserts", (attr.cue,)),
        content_times=tuple(
            temporal.normalize_time(span, article.published)
            for span in channels.content_time_phrases(attr, doc, article.text)
        ),
    )


def _with_claims(doc: Doc, statements: list[Statement], actors: Sequence[Actor], lex: Lexicons) -> list[Statement]:
    """Each statement with its claims; the first claim is its ``proposition`` and ``stance``.

    The speaker's party (the actor's side, else its name) stands for "we" and
    for a clause with no subject of its own ("Russia claimed *to have captured* X").
    """
    by_id = {a.actor_id: a for a in actors}
    speakers = {}
    for st in statements:
        actor = by_id.get(st.actor_id or "")
        if actor is not None:
            speakers[st.id] = actor.side.name if actor.side is not None else actor.name
    lemmas = {st.id: channels.cue_token(doc, st.attribution).lemma_.lower() for st in statements}
    found = claims.extract_claims(
        doc,
        [st.attribution for st in statements],
        speakers,
        {st.id: st.hedges for st in statements},
        lemmas,
        lex,
    )
    out = []
    for st in statements:
        mine = found.get(st.id, ())
        if mine:
            st = replace(st, proposition=mine[0].proposition, stance=mine[0].stance, claims=mine)
        else:
            if lex.reporting_verbs.get(lemmas[st.id]) == "denies":
                st = replace(st, stance=Stance("denies", (st.attribution.cue,), f"denying cue {st.attribution.cue.text!r}"))
        out.append(st)
    return out


def _source_head(doc: Doc, attr: Attribution) -> Token | None:
    if attr.source is None:
        return None
    span = doc.char_span(attr.source.start, attr.source.end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _is_future(cue: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in ("will", "'ll", "shall") for c in cue.children)


def _inherit_context(
    doc: Doc, statements: list[Statement], actors: Sequence[Actor], article: Article, lex: Lexicons
) -> list[Statement]:
    """Fill a missing channel, time or place from the governing cue or the speaker's last occasion.

    "X said on Friday, denying Y" -> "denying" takes "on Friday" (same clause
    family, not marked as carried over). "X told the BBC ... X added" within
    two sentences -> "added" takes the BBC interview, marked ``carried_over``,
    with its time and place when it gives none (the same occasion). So does a
    sentence that names the occasion with no statement of its own:
    "Addressing the council in Geneva on Monday, X painted a grim picture ...
    X said" (``_occasion``).
    """
    names = {a.actor_id: a for a in actors}
    cues = {st.id: channels.cue_token(doc, st.attribution) for st in statements}
    by_cue = {cues[st.id].i: st for st in statements}
    sents = list(doc.sents)
    sent_index = {s.start: k for k, s in enumerate(sents)}
    cue_tokens = set(by_cue)
    out: list[Statement] = []
    last_by_actor: dict[str, tuple[int, Statement]] = {}
    for st in sorted(statements, key=lambda s: s.attribution.cue.start):
        cue = cues[st.id]
        governor = _governing_statement(cue, by_cue)
        if governor is not None:
            st = _fill(st, governor)
        k = sent_index[cue.sent.start]
        actor_id = st.actor_id
        if actor_id is not None:
            prev = last_by_actor.get(actor_id)
            if (
                prev is not None
                and k - prev[0] <= _CARRY_SENTENCES
                and st.channel.type == "unknown"
            ):
                st = _carry(st, prev[1])
            if st.channel.type == "unknown" and actor_id in names:
                since = max(prev[0] + 1 if prev is not None else 0, k - _CARRY_SENTENCES)
                occasion = _occasion(sents[since : k + 1], cue, names[actor_id], cue_tokens, article, lex)
                if occasion is not None:
                    st = _carry(st, occasion)
            last_by_actor[actor_id] = (k, st)
        out.append(st)
    return out


def _occasion(
    sents: Sequence[SpacySpan], cue: Token, actor: Actor, cues: set[int], article: Article, lex: Lexicons
) -> Statement | None:
    """The latest occasion an earlier sentence names for this actor with no statement of its own.

    A verb that is no cue, whose subject is the actor's name, and whose clause
    names a channel: "*Addressing the council in Geneva on Monday*, Maria
    Petrova painted a grim picture." Searched in ``sents``, latest first: the
    sentences after the speaker's last statement, at most ``_CARRY_SENTENCES``
    back, up to the cue's own. Returned as a statement-shaped record of that
    channel, time and place, for ``_carry``.
    """
    name_words = {w for w in actor.name.split() if w[:1].isupper()}
    if actor.kind not in ("person", "organisation") or not name_words:
        return None
    for sent in reversed(sents):
        for verb in sent:
            if verb.pos_ != "VERB" or verb.i in cues or verb.i >= cue.i:
                continue
            subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            if subject is None:
                continue
            named = [subject, *(c for c in subject.children if c.dep_ == "appos")]  # "the commissioner, X"
            if not any(t.pos_ == "PROPN" and t.text in name_words for t in named):
                continue
            probe = Attribution("", article.id, "indirect", Span.of(article.text, verb.idx, verb.idx + len(verb)), None, ())
            clause = channels.cue_clause(verb, probe)
            channel = channels.detect_channel(verb, clause, lex, article.text)
            if channel.type == "unknown":
                continue
            phrase = channels.find_time_phrase(verb, clause, article.text)
            time = temporal.normalize_time(phrase, article.published) if phrase else None
            place = channels.find_place(verb, clause, article.text, lex)
            return Statement(probe, actor.actor_id, channel, time, place, (), None, Stance("asserts"))
    return None


def _governing_statement(cue: Token, by_cue: dict[int, Statement]) -> Statement | None:
    """The statement whose cue governs this one, when this one has no subject of its own."""
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in cue.children):
        return None
    tok = cue
    while tok.dep_ in ("advcl", "conj", "xcomp") and tok.head.i != tok.i:
        tok = tok.head
        if tok.i in by_cue:
            return by_cue[tok.i]
    return None


def _fill(st: Statement, gov: Statement) -> Statement:
    return replace(
        st,
        channel=st.channel if st.channel.type != "unknown" else gov.channel,
        time=st.time or gov.time,
        place=st.place or gov.place,
    )


def _carry(st: Statement, prev: Statement) -> Statement:
    """The speaker's previous occasion: its channel, marked carried over, and with it the
    time and place that occasion gave, where this statement gives none of its own."""
    channel = prev.channel
    if channel.type == "unknown":
        return st
    return replace(
        st,
        channel=Channel(channel.type, channel.platform, channel.evidence, carried_over=True),
        time=st.time or prev.time,
        place=st.place or prev.place,
    )
