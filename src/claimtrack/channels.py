"""Channel, time phrase, place and hedges of a statement, read from the cue's clause.

The *cue clause* is what the cue verb governs, less the content and the
source: "Smith said *in a statement on Telegram* that ..." -> the channel
phrase. Everything here reads lexicons (``channels.tsv``, ``platforms.tsv``,
``hedges.tsv``) and the parse; nothing names an outlet or a place.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimtrack.lexicons import Lexicons
from claimtrack.nlp import doc_ents, doc_text
from claimtrack.records import Attribution, Channel, ChannelType, Hedge, Span

_CHANNEL_PREPS = {"in", "on", "at", "via", "through", "during", "to", "with"}
_TIME_PREPS = {"on", "in", "since", "for", "during", "at", "by", "until", "over", "earlier", "last"}
_ADDRESSEE_DEPS = {"dobj", "dative", "iobj"}
_MAX_HEDGE_WORDS = 4


def cue_token(doc: Doc, attr: Attribution) -> Token:
    """The token of the cue's head word (the verb of "pointed out", "to" of "according to")."""
    span = doc.char_span(attr.cue.start, attr.cue.end, alignment_mode="expand")
    assert span is not None and len(span)
    return span.root


def cue_clause(cue: Token, attr: Attribution) -> list[Token]:
    """Tokens the cue governs outside the content and source spans, and outside nested cues' content."""
    blocked = [(c.start, c.end) for c in attr.content]
    if attr.source is not None:
        blocked.append((attr.source.start, attr.source.end))
    out: list[Token] = []
    for tok in cue.subtree:
        if tok.is_space or any(s <= tok.idx < e for s, e in blocked):
            continue
        if any(a.dep_ in ("ccomp", "advcl", "conj", "xcomp", "relcl") and a.i != cue.i for a in _path(tok, cue)):
            continue
        out.append(tok)
    return out


def _path(tok: Token, top: Token) -> list[Token]:
    """Tokens from ``tok`` up to (not including) ``top``."""
    out = []
    while tok.i != top.i and tok.head.i != tok.i:
        out.append(tok)
        tok = tok.head
    return out


def detect_channel(cue: Token, clause: Sequence[Token], lex: Lexicons, text: str) -> Channel:
    """The channel a statement went through, from the cue's own clause.

    "said in a statement on Telegram" -> statement, platform Telegram
    "told reporters"                  -> remarks_to_reporters
    "told the BBC"                     -> interview, platform "BBC"
    "wrote in a Facebook post"        -> social_media_post, platform Facebook
    """
    kind: ChannelType | None = None
    platform: str | None = None
    evidence: list[Token] = []
    for tok in clause:
        is_object = tok.dep_ == "pobj" and tok.head.lower_ in _CHANNEL_PREPS or tok.dep_ in _ADDRESSEE_DEPS
        if not is_object and tok.dep_ != "compound":
            continue
        if is_object and tok.pos_ != "PROPN" and kind is None:
            found = lex.channels.get(_compound_lemma(tok)) or lex.channels.get(tok.lemma_.lower())
            if found:
                kind = found  # type: ignore[assignment]
                evidence.extend(_np(tok))
        name = lex.platforms.get(tok.lower_)
        if name and platform is None:
            platform = name
            evidence.append(tok)
    if kind is None and cue.lemma_ == "tell":
        outlet = _named_addressee(cue)
        if outlet is not None:
            kind, platform = "interview", outlet.text
            evidence.extend(outlet)
    if kind is None and platform is not None:
        kind = "social_media_post"
    if kind is None:
        return Channel("unknown")
    ev = _cover(evidence, text)
    return Channel(kind, platform, ev)


def _compound_lemma(tok: Token) -> str:
    mods = [c.lemma_.lower() for c in tok.children if c.dep_ in ("compound", "amod") and c.i < tok.i]
    return " ".join(mods + [tok.lemma_.lower()])


def _np(tok: Token) -> list[Token]:
    return [t for t in tok.subtree if not t.is_space]


def _named_addressee(cue: Token) -> SpacySpan | None:
    """A proper-noun addressee of "tell" is an outlet: "told the BBC"."""
    for child in cue.children:
        if child.dep_ in _ADDRESSEE_DEPS and child.pos_ == "PROPN":
            toks = [t for t in child.subtree if t.i <= child.i and t.dep_ in ("compound", "flat") or t == child]
            return cue.doc[min(t.i for t in toks) : max(t.i for t in toks) + 1]
    return None


def _cover(tokens: Sequence[Token], text: str) -> Span | None:
    if not tokens:
        return None
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t) for t in tokens)
    return Span.of(text, start, end)


def find_time_phrase(cue: Token, clause: Sequence[Token], text: str) -> Span | None:
    """The DATE/TIME entity in the cue's clause nearest the cue, with its preposition.

    "On Friday, Smith said ..." -> "On Friday"; "have insisted for weeks that" -> "for weeks".
    """
    ids = {t.i for t in clause}
    best: tuple[int, Span] | None = None
    for ent in doc_ents(cue.doc):
        if ent.label_ not in ("DATE", "TIME") or not all(t.i in ids for t in ent if not t.is_space):
            continue
        words = [t for t in ent if not t.is_space]
        if not words:
            continue
        first = words[0]
        prep = cue.doc[first.i - 1] if first.i > 0 else None
        start = prep.idx if prep is not None and prep.lower_ in _TIME_PREPS and prep.i in ids else first.idx
        span = Span.of(text, start, words[-1].idx + len(words[-1]))
        distance = abs(first.i - cue.i)
        if best is None or distance < best[0]:
            best = (distance, span)
    return best[1] if best else None


def find_place(cue: Token, clause: Sequence[Token], text: str) -> Span | None:
    """A GPE/LOC the statement was made in: "... on the sidelines of a summit *in Singapore*"."""
    ids = {t.i for t in clause}
    for ent in doc_ents(cue.doc):
        if ent.label_ not in ("GPE", "LOC", "FAC") or ent.root.i not in ids:
            continue
        root = ent.root
        if root.dep_ == "pobj" and root.head.lower_ in ("in", "at") and ent.label_ != "FAC":
            return Span.of(text, ent.start_char, ent.end_char)
    return None


def find_hedges(attr: Attribution, clause: Sequence[Token], lex: Lexicons, doc: Doc) -> tuple[Hedge, ...]:
    """Hedge words in the content (the source's) and in the cue's clause (the reporter's)."""
    hedges: list[Hedge] = []
    for c in attr.content:
        span = doc.char_span(c.start, c.end, alignment_mode="expand")
        if span is not None:
            hedges.extend(Hedge(s, "source") for s in _match_hedges(list(span), lex, doc_text(doc)))
    hedges.extend(Hedge(s, "reporter") for s in _match_hedges(list(clause), lex, doc_text(doc)))
    return tuple(hedges)


def _match_hedges(tokens: Sequence[Token], lex: Lexicons, text: str) -> list[Span]:
    """Longest lexicon phrases over consecutive tokens (by lower-cased text)."""
    out: list[Span] = []
    k = 0
    words = [t for t in tokens if not t.is_space]
    while k < len(words):
        for n in range(min(_MAX_HEDGE_WORDS, len(words) - k), 0, -1):
            chunk = words[k : k + n]
            if chunk[-1].i - chunk[0].i != n - 1:
                continue
            phrase = " ".join(t.lower_ for t in chunk)
            if phrase in lex.hedges and not (n == 1 and chunk[0].pos_ == "PROPN"):
                out.append(Span.of(text, chunk[0].idx, chunk[-1].idx + len(chunk[-1])))
                k += n
                break
        else:
            k += 1
    return out
