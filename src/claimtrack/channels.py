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
from claimtrack.records import Attribution, Channel, ChannelType, Hedge, Place, Span

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
        path = _path(tok, cue)
        if any(a.dep_ in ("ccomp", "advcl", "conj", "xcomp", "relcl") and a.i != cue.i
               and not _opening_participle(a, cue) for a in path):  # fmt: skip
            continue
        out.append(tok)
    return out


def _modifies_a_noun(ent: SpacySpan) -> bool:
    """Whether an entity hangs from a noun outside it as a modifier ("a regular *evening* address")."""
    inside = range(ent.start, ent.end)
    return any(
        t.head.i not in inside and t.head.pos_ in ("NOUN", "PROPN") and t.dep_ in ("det", "amod", "compound", "nmod", "poss")
        for t in ent
    )


def _names_its_object(verb: Token) -> bool:
    return any(c.dep_ == "dobj" and c.pos_ == "PROPN" for c in verb.children)


def _opening_participle(tok: Token, cue: Token) -> bool:
    """"*Speaking in Geneva on Friday*, X said": a participle clause before the cue, with no
    subject of its own, tells how, when and where the speaker spoke."""
    return (
        tok.dep_ == "advcl" and tok.head.i == cue.i and tok.tag_ == "VBG" and tok.i < cue.i
        and not any(c.dep_.startswith("nsubj") for c in tok.children)
    )  # fmt: skip


def _path(tok: Token, top: Token) -> list[Token]:
    """Tokens from ``tok`` up to (not including) ``top``."""
    out = []
    while tok.i != top.i and tok.head.i != tok.i:
        out.append(tok)
        tok = tok.head
    return out


def detect_channel(
    cue: Token, clause: Sequence[Token], lex: Lexicons, text: str, source: Token | None = None
) -> Channel:
    """The channel a statement went through, from the cue's own clause.

    "said in a statement on Telegram" -> statement, platform Telegram
    "told reporters"                  -> remarks_to_reporters
    "told the BBC"                     -> interview, platform "BBC"
    "wrote in a Facebook post"        -> social_media_post, platform Facebook
    "said in an interview with CNN"   -> interview, platform "CNN"
    "announced"                       -> statement (``channel_verbs.tsv``)
    "the report said"                 -> report (the source is itself a channel noun)

    A platform is a capitalised word of ``platforms.tsv`` ("Signal", not "a
    signal"); a named addressee of "tell" or "with"-object of the channel noun
    is an outlet unless it is a person ("told Maria Petrova" is no interview).
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
                outlet = _outlet(tok)
                if outlet is not None and platform is None:
                    platform = outlet.text
        name = lex.platforms.get(tok.lower_) if tok.text[:1].isupper() else None
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
    # "*Addressing the Security Council*, X said": an opening participle counts when it
    # names its audience (a proper-noun object), not "addressing the war in public"
    verbs = [cue, *(c for c in cue.children if _opening_participle(c, cue) and _names_its_object(c))]
    verb = next((v for v in verbs if v.pos_ == "VERB" and v.lemma_.lower() in lex.channel_verbs), None)
    if kind is None and verb is not None:
        kind = lex.channel_verbs[verb.lemma_.lower()]  # type: ignore[assignment]
        evidence.append(verb)
    if kind is None and source is not None and source.pos_ == "NOUN":
        found = lex.channels.get(_compound_lemma(source)) or lex.channels.get(source.lemma_.lower())
        if found in ("report", "document", "statement"):  # "the report said", "the order says"
            kind = found  # type: ignore[assignment]
            evidence.append(source)
    if kind is None:
        return Channel("unknown")
    ev = _cover(evidence, text)
    return Channel(kind, platform, ev)


def _compound_lemma(tok: Token) -> str:
    mods = [c.lemma_.lower() for c in tok.children if c.dep_ in ("compound", "amod") and c.i < tok.i]
    return " ".join(mods + [tok.lemma_.lower()])


def _np(tok: Token) -> list[Token]:
    return [t for t in tok.subtree if not t.is_space]


def _outlet(noun: Token) -> SpacySpan | None:
    """The named outlet of a channel noun: "an interview *with CNN*", "an interview *to Rossiya-1*".

    Only an organisation or a name NER leaves unlabelled: "with Maria Petrova" is a person.
    """
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ in ("with", "to"):
            for obj in prep.children:
                if obj.dep_ == "pobj" and obj.pos_ == "PROPN" and obj.ent_type_ in ("", "ORG", "WORK_OF_ART"):
                    return _name_span(obj)
    return None


def _name_span(tok: Token) -> SpacySpan:
    toks = [t for t in tok.subtree if t.i <= tok.i and t.dep_ in ("compound", "flat") or t == tok]
    return tok.doc[min(t.i for t in toks) : max(t.i for t in toks) + 1]


def _named_addressee(cue: Token) -> SpacySpan | None:
    """A proper-noun addressee of "tell" is an outlet: "told the BBC", not "told Maria Petrova"."""
    for child in cue.children:
        if child.dep_ in _ADDRESSEE_DEPS and child.pos_ == "PROPN" and child.ent_type_ != "PERSON":
            return _name_span(child)
    return None


def _cover(tokens: Sequence[Token], text: str) -> Span | None:
    if not tokens:
        return None
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t) for t in tokens)
    return Span.of(text, start, end)


def find_time_phrase(cue: Token, clause: Sequence[Token], text: str) -> Span | None:
    """The DATE/TIME entity in the cue's clause nearest the cue, with its preposition.

    "On Friday, Smith said ..." -> "On Friday"; "have insisted for weeks that" -> "for weeks";
    "said on Tuesday talks had failed" -> "on Tuesday" (the preposition hangs on the cue,
    though the content, with no "that", starts right after it). A date that modifies a
    noun ("a regular *evening* address") or sits under the object of an opening
    participle ("Recalling the floods *of 2022*, she said") is not the statement's time.
    """
    ids = {t.i for t in clause}
    doc = cue.doc
    best: tuple[int, Span] | None = None
    for ent in doc_ents(doc):
        if ent.label_ not in ("DATE", "TIME"):
            continue
        words = [t for t in ent if not t.is_space]
        if not words:
            continue
        first = words[0]
        prep = doc[first.i - 1] if first.i > 0 else None
        on_cue = prep is not None and prep.dep_ == "prep" and prep.head.i == cue.i and prep.i > cue.i
        if _modifies_a_noun(ent) and not (on_cue and not any(t.dep_ == "det" for t in words)):
            # "in a regular *evening* address": part of a noun phrase, not a time; but "said on
            # *Tuesday* peace talks had ..." is the parser gluing the date to the content's subject
            continue
        if not on_cue:
            if not all(t.i in ids for t in words):
                continue
            if any(_opening_participle(a, cue) for a in _path(ent.root, cue)) and _under_an_argument(ent.root, cue):
                continue
        start = prep.idx if prep is not None and prep.lower_ in _TIME_PREPS and (prep.i in ids or on_cue) else first.idx
        span = Span.of(text, start, words[-1].idx + len(words[-1]))
        distance = abs(first.i - cue.i)
        if best is None or distance < best[0]:
            best = (distance, span)
    return best[1] if best else None


def content_time_phrases(attr: Attribution, doc: Doc, text: str) -> list[Span]:
    """DATE entities inside the content ("the attack *on March 4*"), with their preposition.

    These are what the statement talks about, not when it was made; they are
    kept apart from the statement's time.
    """
    out: list[Span] = []
    for c in attr.content:
        for ent in doc_ents(doc):
            if ent.label_ != "DATE" or not (c.start <= ent.start_char and ent.end_char <= c.end):
                continue
            first = ent[0]
            prep = doc[first.i - 1] if first.i > 0 else None
            start = prep.idx if prep is not None and prep.lower_ in _TIME_PREPS and prep.idx >= c.start else first.idx
            out.append(Span.of(text, start, ent.end_char))
    return out


def find_place(cue: Token, clause: Sequence[Token], text: str, lex: Lexicons) -> Place | None:
    """Where the statement was made, when the cue's clause says so.

    A place is a GPE/LOC/FAC entity, or a proper noun no entity claims for a
    person, body or date, that is the object of "in"/"at" ("said *in Geneva*",
    "told a news conference *in Singapore*", "said *at the Rose Garden*") or of
    "to" after a noun that is itself a prepositional object ("during a visit *to
    Kharkiv*"). The clause includes an opening participle ("*Speaking in
    Moscow*, X said"). Places the content talks about are outside the clause
    and never count. The name is the span's words, or the country's canonical
    name when they name one ("in the U.S." -> "United States").
    """
    for tok in clause:
        if tok.dep_ != "pobj" or not _is_place_word(tok):
            continue
        prep = tok.head
        if _under_an_argument(prep, cue, venues=True):
            continue  # "the ministry *in Gaza* said", "warned residents *in Gaza*"
        if prep.lower_ in ("in", "at") or prep.lower_ == "to" and prep.head.dep_ == "pobj":
            start = tok.left_edge
            while start.i < tok.i and (start.dep_ == "det" or start.is_punct):
                start = cue.doc[start.i + 1]
            span = Span.of(text, start.idx, tok.idx + len(tok))
            country = lex.countries.get(span.text.lower())
            return Place(span.start, span.end, span.text, name=country or span.text)
    return None


def _under_an_argument(tok: Token, cue: Token, venues: bool = False) -> bool:
    """Whether a word hangs from the cue's subject or object rather than from the cue itself.

    With ``venues``, the object of an opening participle does not count: "Addressing
    *the council in Geneva*, X said" names where X spoke.
    """
    while tok.i != cue.i and tok.head.i != tok.i:
        if tok.dep_ in ("nsubj", "nsubjpass", "dative", "relcl", "acl"):
            return True
        if tok.dep_ == "dobj" and not (venues and _opening_participle(tok.head, cue)):
            return True
        tok = tok.head
    return False


def _is_place_word(tok: Token) -> bool:
    if tok.ent_type_ in ("GPE", "LOC", "FAC"):
        return True
    return tok.pos_ == "PROPN" and not tok.ent_type_ and tok.text[:1].isupper()


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
