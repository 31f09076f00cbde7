"""Attributions: source / cue / content spans of direct, indirect and mixed speech.

Rule-based first version, on the dependency parse and a lexicon of reporting
verbs. For every reporting verb (the cue) it looks for content in this order:

1. a clausal complement after the cue ("said *that X*", "said *X*"), also when
   the parser hung the ``that`` clause elsewhere;
2. content first, then ``, SOURCE CUE`` ("*X*, the minister said";
   ""*X*," she said"; ""*X*," said Smith"), also when the parser misread it;
3. an infinitive ("claimed *to have taken the town*");
4. the object of a verb like "deny" when it is a reporting noun ("denied
   *the claims that ...*");
5. a quotation inside the cue's clause ("described it as *"a ruin"*").

"according to X, Y" and headlines "Y, Minister Insists" have rules of their
own. A sentence that is nothing but a quotation, right after a direct or
mixed attribution, continues it (multi-sentence quotes). The kind is
``direct`` when every content word is inside quotation marks, ``mixed`` when
some are, ``indirect`` otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimtrack.lexicons import Lexicons
from claimtrack.records import Article, Attribution, AttributionKind, Span, stable_id

_FINITE = {"VBD", "VBZ", "VBP", "MD"}
_SUBJ = {"nsubj", "nsubjpass", "csubj"}
_RELATIVE = {"who", "which", "that", "whom"}
_DISCOURSE = {"however", "but", "and", "so", "yet", "still", "meanwhile", "also", "moreover"}
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


def extract_attributions(doc: Doc, article: Article, lex: Lexicons) -> list[Attribution]:
    """Find every attribution in a parsed article.

    ``doc`` is the parse of the article's analysis text (same length as
    ``article.text``), so token offsets are article offsets.

    "Russian forces do not control the city, the minister said on Friday." ->
    indirect; source "the minister", cue "said", content "Russian forces do
    not control the city".
    """
    quotes, notes = find_quotes(doc.text)
    found: list[_Found] = []
    for sent in doc.sents:
        found.extend(_sentence_attributions(sent, quotes, lex))
    found = _continue_quotes(doc, found, quotes)
    _attach_notes(doc, found, notes)
    return [_to_record(f, article, quotes) for f in found]


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


# ---------------------------------------------------------------- per sentence


def _sentence_attributions(sent: SpacySpan, quotes: Sequence[Quote], lex: Lexicons) -> list[_Found]:
    out: list[_Found] = []
    headline = _headline(sent, lex)
    if headline is not None:
        return [headline]
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < sent.end and tok.nbor().lower_ == "to":
            acc = _according_to(tok, sent)
            if acc is not None:
                out.append(acc)
            continue
        if tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in lex.reporting_verbs:
            continue
        if tok.dep_ in ("amod", "aux", "auxpass", "compound"):
            continue
        found = _verb_attribution(tok, sent, quotes, lex) or _which_clause(tok, out)
        if found is not None:
            out.append(found)
    return out


def _which_clause(cue: Token, earlier: Sequence[_Found]) -> _Found | None:
    """"X said that Y, which Z denied": the relative clause's cue takes Y as content."""
    if cue.dep_ != "relcl":
        return None
    which = [c for c in cue.children if c.lower_ == "which" and c.i < cue.i]
    if not which:
        return None
    text = cue.doc.text
    for f in reversed(earlier):
        end = f.content[-1][1]
        if end <= which[0].idx and text[end : which[0].idx].strip(" ,\"”") == "":
            return _Found(cue=_cue_span(cue), source=_source(cue, cue.sent), content=[f.content[-1]])
    return None


def _verb_attribution(
    cue: Token, sent: SpacySpan, quotes: Sequence[Quote], lex: Lexicons
) -> _Found | None:
    content = _complement(cue, sent)
    source: tuple[int, int] | None = None
    if content is None:
        inverted = _content_first(cue, sent)
        if inverted is not None:
            content, source = inverted
    if content is None:
        content = _infinitive(cue) or _reported_object(cue, lex) or _quote_in_clause(cue, quotes)
    if content is None:
        return None
    if source is None:
        source = _source(cue, sent)
    if source is not None and _overlaps(source, content):
        source = None
    return _Found(cue=_cue_span(cue), source=source, content=[_trim_content(content, sent.doc)])


def _cue_span(cue: Token) -> tuple[int, int]:
    """The cue verb with its particle ("pointed out") and negation ("did not say")."""
    toks = [cue] + [c for c in cue.children if c.dep_ in ("prt", "neg") and abs(c.i - cue.i) <= 2]
    return min(t.idx for t in toks), max(t.idx + len(t) for t in toks)


def _subtree_span(tok: Token) -> tuple[int, int]:
    left, right = tok.left_edge, tok.right_edge
    return left.idx, right.idx + len(right)


def _complement(cue: Token, sent: SpacySpan) -> tuple[int, int] | None:
    """A clause the cue governs: ccomp, or a ``that``/``whether`` clause after it."""
    for child in cue.children:
        is_clause = child.dep_ == "ccomp" or (child.dep_ in ("advcl", "dep") and _has_mark(child))
        if is_clause and child.i > cue.i:
            return _subtree_span(child)
    # The parser sometimes hangs "that S" on a noun ("insisted for weeks that S").
    for tok in sent.doc[cue.i + 1 : sent.end]:
        if tok.tag_ in _FINITE and tok.head != cue and tok.dep_ != "conj":
            return None  # another clause starts before any "that"
        if _complementizer(tok):
            head = tok.head
            if _reporting_ancestor(head) in (cue, None):
                return tok.idx, head.right_edge.idx + len(head.right_edge)
    return None


def _complementizer(tok: Token) -> bool:
    """``that``/``whether`` opening a clause, also when parsed as a relative pronoun.

    "wrote in a letter that the budget was balanced": the parser reads "that"
    as the object of a relative clause that already has its own subject.
    """
    if tok.lower_ not in ("that", "whether") or tok.head.i <= tok.i:
        return False
    if tok.dep_ == "mark":
        return True
    head = tok.head
    return head.dep_ == "relcl" and any(c.dep_ in _SUBJ and c.i != tok.i for c in head.children)


def _has_mark(tok: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ in ("that", "whether", "if") for c in tok.children)


def _reporting_ancestor(tok: Token) -> Token | None:
    for anc in tok.ancestors:
        if anc.pos_ == "VERB":
            return anc
    return None


def _content_first(cue: Token, sent: SpacySpan) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """``CONTENT, SOURCE CUE`` or ``CONTENT, CUE SOURCE``: the content precedes a comma.

    The source is the cue's subject when the parse gives a clean one before the
    cue; else the words between the cue and the nearest comma to its left, if
    they hold no finite verb and name something. With nothing between ("...,
    said Smith"), the source is the subject after the cue. The content must
    hold a verb: "On Friday, he said" has none.
    """
    doc = sent.doc
    if cue.dep_ not in ("ROOT", "conj", "parataxis"):
        return None
    boundary = _boundary_before(cue, sent)
    if boundary is None:
        return None
    comma, src_toks = boundary
    content_toks = [t for t in doc[sent.start : comma] if not t.is_space]
    if len(content_toks) < 3 or not any(t.pos_ in ("VERB", "AUX") for t in content_toks):
        return None
    source: tuple[int, int] | None
    if src_toks:
        if src_toks[0].pos_ == "ADP" or not any(t.pos_ in ("NOUN", "PROPN", "PRON") for t in src_toks):
            return None
        source = (src_toks[0].idx, src_toks[-1].idx + len(src_toks[-1]))
    else:
        subj = [c for c in cue.children if c.dep_ in _SUBJ and c.i > cue.i]
        if not subj:
            return None
        source = _subtree_span(subj[0])
    start = content_toks[0]
    while start.lower_ in _DISCOURSE and start.i + 2 < comma and doc[start.i + 1].text == ",":
        start = doc[start.i + 2]
    end = doc[comma - 1]
    return (start.idx, end.idx + len(end)), source


def _boundary_before(cue: Token, sent: SpacySpan) -> tuple[int, list[Token]] | None:
    """(index of the comma ending the content, source tokens between it and the cue)."""
    doc = sent.doc
    subj = [c for c in cue.children if c.dep_ in _SUBJ and c.i < cue.i]
    if subj:
        toks = list(doc[subj[0].left_edge.i : cue.i])
        if not any(t.is_quote or t.tag_ in _FINITE and t.dep_ not in ("aux", "auxpass") for t in toks):
            j = subj[0].left_edge.i - 1
            comma = _comma_at(doc, j, sent)
            if comma is not None:
                return comma, _source_tokens(doc[subj[0].left_edge.i : subj[0].right_edge.i + 1])
    j = cue.i - 1
    while j > sent.start:
        comma = _comma_at(doc, j, sent)
        if comma is not None:
            between = list(doc[j + 1 : cue.i])
            if any(_is_clause_start(t) for t in between):
                return None
            return comma, _source_tokens(between)
        if doc[j].tag_ in _FINITE or doc[j].is_quote:
            return None
        j -= 1
    return None


def _comma_at(doc: Doc, j: int, sent: SpacySpan) -> int | None:
    """``j`` if doc[j] ends a content ("," ":" "—"); ``j-1`` for a closing mark after one."""
    if j <= sent.start:
        return None
    if doc[j].text in (",", ":", "—"):
        return j
    if doc[j].is_quote and j - 1 > sent.start and doc[j - 1].text in (",", "?", "!"):
        return j - 1 if doc[j - 1].text == "," else j
    return None


def _source_tokens(toks: Iterable[Token]) -> list[Token]:
    out = [t for t in toks if not t.is_space]
    while out and out[0].is_punct and out[0].text not in ("(", "["):
        out.pop(0)
    while out and out[-1].is_punct and out[-1].text not in (")", "]"):
        out.pop()
    return out


def _is_clause_start(tok: Token) -> bool:
    return tok.dep_ == "mark" or (tok.tag_ in _FINITE and tok.dep_ not in ("aux", "auxpass"))


def _infinitive(cue: Token) -> tuple[int, int] | None:
    for child in cue.children:
        if child.dep_ == "xcomp" and child.i > cue.i and any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children):
            return _subtree_span(child)
    return None


def _reported_object(cue: Token, lex: Lexicons) -> tuple[int, int] | None:
    """"denied *Moscow's claims of X*": the object is content when it is a reporting noun."""
    if lex.reporting_verbs.get(cue.lemma_.lower()) not in ("denies", "asserts", "hedges"):
        return None
    for child in cue.children:
        if child.dep_ == "dobj" and child.i > cue.i and child.lemma_.lower() in lex.reporting_nouns:
            return _subtree_span(child)
    return None


def _quote_in_clause(cue: Token, quotes: Sequence[Quote]) -> tuple[int, int] | None:
    """A quotation inside the cue's own phrase ("described it as 'a ruin'")."""
    lo, hi = _subtree_span(cue)
    for child in cue.children:
        if child.dep_ in ("ccomp", "advcl", "conj", "xcomp") and child.i > cue.i:
            hi = min(hi, child.left_edge.idx)
    for q in quotes:
        if q.start >= cue.idx and q.end <= hi and q.start >= lo:
            return q.start, q.end
    return None


def _source(cue: Token, sent: SpacySpan) -> tuple[int, int] | None:
    """The speaker: the cue's subject, the agent of a passive, or its governor's subject."""
    seen = 0
    tok: Token | None = cue
    while tok is not None and seen < 4:
        seen += 1
        for child in tok.children:
            if child.dep_ in ("nsubj", "csubj"):
                return _subject_span(child, tok)
            if child.dep_ == "agent":
                objs = [g for g in child.children if g.dep_ == "pobj"]
                if objs:
                    return _subtree_span(objs[0])
        if any(c.dep_ == "nsubjpass" for c in tok.children):
            return None  # "it was reported that ..." has no source
        if tok.dep_ in ("advcl", "xcomp", "conj", "pcomp") and tok.head.i != tok.i:
            tok = tok.head
        else:
            tok = None
    return None


def _subject_span(subj: Token, verb: Token) -> tuple[int, int] | None:
    if subj.lower_ in _RELATIVE and verb.dep_ == "relcl":
        head = verb.head
        names = [t for t in head.subtree if t.i <= head.i and t.dep_ in ("compound", "flat", "amod", "poss", "det", "case")] + [head]
        return min(t.idx for t in names), head.idx + len(head)
    left, right = subj.left_edge, subj.right_edge
    toks = [t for t in subj.doc[left.i : right.i + 1]]
    # A subject that runs into a quotation is a misparse: keep the part before it.
    for k, t in enumerate(toks):
        if t.is_quote and k > 0:
            toks = toks[:k]
            break
    toks = [t for t in toks if not t.is_space]
    while toks and toks[-1].is_punct and toks[-1].text not in (")", "]"):
        toks.pop()
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def _according_to(tok: Token, sent: SpacySpan) -> _Found | None:
    """"According to X, Y." / "Y, according to X.": X is the source, Y the content."""
    to = tok.nbor()
    objs = [c for c in to.children if c.dep_ == "pobj"] or [c for c in tok.children if c.dep_ == "pobj"]
    if not objs:
        return None
    src = _subtree_span(objs[0])
    phrase_start, phrase_end = tok.idx, src[1]
    words = [t for t in sent if not (t.is_punct or t.is_space) and not phrase_start <= t.idx < phrase_end]
    if len(words) < 2:
        return None
    before = [t for t in words if t.idx < phrase_start]
    after = [t for t in words if t.idx >= phrase_end]
    part = after if len(after) >= len(before) else before
    content = (part[0].idx, part[-1].idx + len(part[-1]))
    return _Found(cue=(tok.idx, to.idx + len(to)), source=src, content=[content])


def _headline(sent: SpacySpan, lex: Lexicons) -> _Found | None:
    """A title-case line "CONTENT, SOURCE Cues ..." (no final punctuation)."""
    words = [t for t in sent if not t.is_space]
    if not words or words[-1].text in (".", "?", "!", '"', "”") or sent.start != 0 and "\n" not in sent.doc[sent.start - 1].text_with_ws:
        return None
    caps = sum(1 for t in words if t.is_alpha and t.text[0].isupper())
    alpha = sum(1 for t in words if t.is_alpha)
    if alpha < 4 or caps < 0.7 * alpha:
        return None
    commas = [t for t in words if t.text in (",", ":")]
    if not commas:
        return None
    comma = commas[-1]
    for t in words:
        if t.i <= comma.i + 1:
            continue
        lemma = t.lower_[:-1] if t.lower_.endswith("s") and t.lower_[:-1] in lex.reporting_verbs else t.lower_
        if lemma in lex.reporting_verbs and t.lower_ != lemma:  # third person: "Insists", "Says"
            content = (words[0].idx, comma.idx)
            src = sent.doc[comma.i + 1 : t.i]
            if not len(src):
                return None
            return _Found(cue=(t.idx, t.idx + len(t)), source=(src[0].idx, src[-1].idx + len(src[-1])), content=[content])
    return None


# ------------------------------------------------------------------- helpers


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _trim_content(span: tuple[int, int], doc: Doc) -> tuple[int, int]:
    """Drop edge whitespace and punctuation other than quotation marks."""
    text = doc.text
    start, end = span
    while start < end and (text[start].isspace() or text[start] in ",.;:—-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—-"):
        end -= 1
    return start, end


def _continue_quotes(doc: Doc, found: list[_Found], quotes: Sequence[Quote]) -> list[_Found]:
    """Append whole-sentence quotations with no cue of their own to the attribution before."""
    claimed = [c for f in found for c in f.content]
    by_sentence: dict[int, _Found] = {}
    for f in found:  # the sentence's last quoted attribution is the one a quote continues
        cue_span = doc.char_span(f.cue[0], f.cue[1], alignment_mode="expand")
        start = cue_span.sent.start if cue_span is not None else -1
        if start not in by_sentence or _is_quoted(f, quotes):
            by_sentence[start] = f
    sents = list(doc.sents)
    for k, sent in enumerate(sents):
        if sent.start in by_sentence:
            continue
        q = _whole_sentence_quote(sent, quotes)
        if q is None or any(_overlaps((q.start, q.end), c) for c in claimed):
            continue
        for back in (k - 1, k - 2):
            prev = by_sentence.get(sents[back].start) if back >= 0 else None
            if prev is not None and _is_quoted(prev, quotes):
                prev.content.append((q.start, q.end))
                by_sentence[sent.start] = prev
                break
            if prev is not None or (back >= 0 and _has_words(sents[back])):
                break
    return found


def _has_words(sent: SpacySpan) -> bool:
    return any(t.is_alpha for t in sent)


def _whole_sentence_quote(sent: SpacySpan, quotes: Sequence[Quote]) -> Quote | None:
    words = [t for t in sent if not (t.is_space or t.is_punct)]
    if not words:
        return None
    for q in quotes:
        if q.start <= words[0].idx and words[-1].idx + len(words[-1]) <= q.end:
            return q
    return None


def _is_quoted(f: _Found, quotes: Sequence[Quote]) -> bool:
    return any(q.start < c[1] and c[0] < q.end for c in f.content for q in quotes)


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
