"""Claims: the content of a statement as a proposition, and the statement's stance.

First version. The proposition is the content's main clause reduced to
(subject, predicate, object) lemmas, with demonyms read as countries and
"the city of X" read as X; its ``key`` hashes those three, not the polarity,
so "Russian forces control X" and "Russian forces do not control X" share a
key and differ in stance. Grouping predicates into classes ("captured" ~
"took control of") is the claims issue's work; this key groups statements
that use the same words.

Stance: ``denies`` when the cue denies (lexicon stance) or the content is
negated, but not both; ``hedges`` when the source hedges; else ``asserts``.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Token

from claimtrack.lexicons import Lexicons
from claimtrack.nlp import doc_text
from claimtrack.records import Attribution, Hedge, Proposition, Span, Stance, stable_id

_NEGATIONS = {"not", "n't", "never", "no"}


def extract_proposition(doc: Doc, attr: Attribution, lex: Lexicons) -> Proposition | None:
    """(subject, predicate, object) of the content's main clause; None without a verb.

    "Russian forces do not entirely control the city of Mariupol" ->
    subject "Russian forces", predicate "control", object "Mariupol", negative.
    """
    if not attr.content:
        return None
    first = attr.content[0]
    span = doc.char_span(first.start, first.end, alignment_mode="expand")
    if span is None:
        return None
    verbs = [t for t in span if t.pos_ in ("VERB", "AUX") and (t.head.i == t.i or not first.start <= t.head.idx < first.end)]
    if not verbs:
        return None
    root = verbs[0]
    predicate = _predicate(root)
    subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    obj = next((c for c in root.children if c.dep_ in ("dobj", "attr", "acomp")), None)
    if obj is None:
        obj = next((g for c in root.children if c.dep_ in ("prep", "agent") for g in c.children if g.dep_ == "pobj"), None)
    subj_key, subj_span = _argument(subj, lex, doc_text(doc))
    obj_key, obj_span = _argument(obj, lex, doc_text(doc))
    negative = any(c.dep_ == "neg" or c.lower_ in _NEGATIONS and c.dep_ in ("advmod", "det") for c in root.children)
    return Proposition(
        key=stable_id(subj_key, predicate, obj_key),
        subject=subj_span,
        predicate=predicate,
        object=obj_span,
        polarity="negative" if negative else "positive",
    )


def _predicate(root: Token) -> str:
    if root.lemma_ == "be":
        comp = next((c for c in root.children if c.dep_ in ("acomp", "attr")), None)
        if comp is not None:
            return f"be {comp.lemma_.lower()}"
    particles = [c.lower_ for c in root.children if c.dep_ == "prt"]
    return " ".join([root.lemma_.lower(), *particles])


def _argument(tok: Token | None, lex: Lexicons, text: str) -> tuple[str, Span | None]:
    """A key for an argument and the span of its core noun phrase."""
    if tok is None:
        return "", None
    head = tok
    if head.pos_ == "NOUN":  # "the city of X" is X
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                objs = [g for g in child.children if g.dep_ == "pobj" and g.pos_ == "PROPN"]
                if objs:
                    head = objs[0]
    mods = [c for c in head.children if c.dep_ in ("amod", "compound", "poss") and c.i < head.i]
    words = []
    for m in mods:
        country = lex.country_of(m.text)
        if country:
            words.append(country.lower())
    words.append(head.lemma_.lower() if head.pos_ != "PROPN" else head.text.lower())
    left = min([head.i] + [t.i for m in mods for t in m.subtree])
    start = head.doc[left].idx
    return " ".join(words), Span.of(text, start, head.idx + len(head))


def detect_stance(
    attr: Attribution, proposition: Proposition | None, hedges: Sequence[Hedge], cue_lemma: str, lex: Lexicons
) -> Stance:
    """asserts / denies / hedges, with the spans that decide it."""
    denies_cue = lex.reporting_verbs.get(cue_lemma) == "denies"
    negative = proposition is not None and proposition.polarity == "negative"
    if denies_cue != negative:
        return Stance("denies", (attr.cue,) if denies_cue else ())
    source_hedges = [h.span for h in hedges if h.by == "source"]
    if source_hedges:
        return Stance("hedges", tuple(source_hedges))
    return Stance("asserts", (attr.cue,))
