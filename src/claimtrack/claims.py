"""Claims: the propositions of a statement's content, and the statement's stance toward each.

A content can hold several clauses ("Redan fighters had left X *and had been
replaced* by regular troops", "Russia sent units to X *while* Redan troops
withdrew"); each clause head gives one proposition: a predicate class, an
agent and a theme.

- **Predicate class.** ``predicates.tsv`` lists verbs with the words that must
  go with them ("fall *to*", "take *control of*") and which syntactic slot
  fills which role ("the town fell to X": the subject is the theme, the
  "to"-object the agent). Classes (``predicate_classes.tsv``) are unions of
  FrameNet frames and VerbNet classes. A predicate no pattern matches keeps its
  lemma as its class, so the same words still group.
- **Arguments** stand for a party or a place: "Russian forces", "Kyiv's
  forces" and "Moscow" are Russia / Ukraine / Russia (a modifier, possessive
  or name read through the country lexicons); "Redan Group forces" and
  "Redan fighters" are Redan (``org_designators.tsv``); "the besieged city
  of X" is X; "the city" or "the eastern settlement" is the place named
  last before it (``place_nouns.tsv``); "we" is the speaker's side; a clause
  with no subject of its own takes its conjunct's ("had left X and had been
  replaced"), or the speaker's ("Russia claimed *to have captured* X"), or
  the owner of a claim noun ("*Ankara's* claims of having captured X").
- **Partial.** A theme reached through a part ("territory on the *outskirts*
  of the city", ``partitives.tsv``) makes the claim partial.

Stance toward each proposition: ``denies`` when the cue denies or the clause is
negated (not both); else ``partial`` for a claim about a part; else ``hedges``
when the source hedges inside the clause; else ``asserts``. A content that is
only a relative pronoun ("..., which Kyiv has denied") takes the propositions
of the statement before it in the sentence. A claim whose clause lies inside
another statement's content that this one quotes ("X said that, according to
Y, ...") is marked as repeating that statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimtrack.ledger.linking import fold
from claimtrack.lexicons import Lexicons, PredicatePattern, without_article
from claimtrack.nlp import doc_ents, doc_text
from claimtrack.records import Attribution, Claim, Hedge, Proposition, Span, Stance, stable_id

_NEGATIONS = frozenset({"not", "n't", "never", "no"})
_MAX_CLAIMS = 3
_FIRST_PERSON = frozenset({"we", "us", "our", "ours", "i", "me", "my"})
_RELATIVE = frozenset({"which", "that", "this"})
_CLAUSE_MARKS = frozenset({"while", "as", "whereas", "and"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_PARTY_MODIFIERS = frozenset({"poss", "amod", "compound", "nmod"})
_PLACE_SLOTS = frozenset({"dobj", "pobj", "advmod", "npadvmod", "nsubj", "nsubjpass"})


@dataclass(frozen=True, slots=True)
class _Arg:
    span: Span
    name: str | None
    partial: Span | None = None
    place: bool = False


def extract_claims(
    doc: Doc,
    attrs: Sequence[Attribution],
    speakers: Mapping[str, str],
    hedges: Mapping[str, Sequence[Hedge]],
    cue_lemmas: Mapping[str, str],
    lex: Lexicons,
) -> dict[str, tuple[Claim, ...]]:
    """Claims of every attribution of one article, by attribution id.

    ``speakers`` maps an attribution id to the party its source speaks for
    (the actor's side, else its name), for "we" and subjectless clauses;
    ``hedges`` and ``cue_lemmas`` are the statement's hedges and cue lemma.
    """
    text = doc_text(doc)
    cues = {t.i for a in attrs for t in _tokens(doc, a.cue)}
    out: dict[str, tuple[Claim, ...]] = {}
    pending: list[Attribution] = []
    for attr in attrs:
        if _relative_content(attr):
            pending.append(attr)
            continue
        clauses = _clauses(doc, attr, cues, lex)
        claims = []
        for head, default_agent in clauses[:_MAX_CLAIMS]:
            prop = _proposition(
                head, default_agent or speakers.get(attr.id), speakers.get(attr.id), lex, text
            )
            stance = _stance(
                head, prop, attr, hedges.get(attr.id, ()), cue_lemmas.get(attr.id, ""), lex, text
            )
            claims.append(Claim(prop, stance, _repeats(head, attr, attrs)))
        out[attr.id] = tuple(claims)
    for attr in pending:
        antecedent = _antecedent(attr, attrs, out)
        claims = []
        for claim in out.get(antecedent, ()) if antecedent else ():
            prop = claim.proposition
            claims.append(
                Claim(prop, _stance_of(prop, attr, (), cue_lemmas.get(attr.id, ""), lex, None))
            )
        out[attr.id] = tuple(claims)
    return out


def _tokens(doc: Doc, span: Span) -> SpacySpan | tuple[()]:
    found = doc.char_span(span.start, span.end, alignment_mode="expand")
    return found if found is not None else ()


def _relative_content(attr: Attribution) -> bool:
    return len(attr.content) == 1 and attr.content[0].text.lower() in _RELATIVE


def _antecedent(
    attr: Attribution, attrs: Sequence[Attribution], done: Mapping[str, tuple[Claim, ...]]
) -> str | None:
    """The statement whose content ends latest before this relative pronoun, in reach."""
    pronoun = attr.content[0]
    best = None
    for other in attrs:
        if other.id == attr.id or not other.content or not done.get(other.id):
            continue
        start = other.content[0].start
        if (
            start < pronoun.start
            and pronoun.start - start < 400
            and (best is None or start > best[0])
        ):
            best = (start, other.id)
    return best[1] if best else None


def _clauses(
    doc: Doc, attr: Attribution, cues: set[int], lex: Lexicons
) -> list[tuple[Token, str | None]]:
    """Clause heads of the content, in text order, each with a default agent (or None).

    A clause head is a predicate of the content with no predicate of the
    content above it, that is no other statement's cue; a relative clause
    counts only when nothing else does. Its conjuncts and its "while"-clauses
    are clause heads too.
    """
    inside: set[int] = set()
    for part in attr.content:
        span = doc.char_span(part.start, part.end, alignment_mode="expand")
        if span is not None:
            inside.update(t.i for t in span)
    if not inside:
        return []
    tokens = [doc[i] for i in sorted(inside)]
    tops = [
        t
        for t in tokens
        if _is_predicate(t) and t.i not in cues and not _has_predicate_above(t, inside)
    ]
    heads = [t for t in tops if t.dep_ not in ("relcl", "acl", "amod")] or tops[:1]
    out: list[tuple[Token, str | None]] = []
    seen: set[int] = set()

    def add(tok: Token, default: str | None) -> None:
        if tok.i in seen:
            return
        seen.add(tok.i)
        out.append((tok, default))
        for child in tok.children:
            if child.i not in inside or child.i in cues:
                continue
            if child.dep_ == "conj" and _is_predicate(child):
                add(child, default)
            elif child.dep_ == "advcl" and _is_predicate(child) and _marked(child):
                add(child, None)

    for head in heads:
        add(head, _claim_owner(head, inside, lex))
    if not out:
        # a content headed by a claim noun: "Ankara's repeated claims of having captured X"
        for tok in tokens:
            if tok.head.i not in inside and tok.lemma_.lower() in lex.reporting_nouns:
                verb = next(
                    (t for t in tok.subtree if t.i > tok.i and t.i in inside and t.pos_ == "VERB"),
                    None,
                )
                if verb is not None:
                    owner = next((c for c in tok.children if c.dep_ == "poss"), None)
                    add(verb, _party_name(owner, lex) if owner is not None else None)
                    break
    out.sort(key=lambda item: item[0].i)
    return out


def _claim_owner(tok: Token, inside: set[int], lex: Lexicons) -> str | None:
    """Whose claim a subjectless clause reports: "*Ankara's* claims of having captured X"."""
    head = tok
    while head.head.i != head.i and head.head.i in inside:
        head = head.head
        if head.lemma_.lower() in lex.reporting_nouns:
            owner = next((c for c in head.children if c.dep_ == "poss"), None)
            return _party_name(owner, lex) if owner is not None else None
    return None


def _has_predicate_above(tok: Token, inside: set[int]) -> bool:
    head = tok
    while head.head.i != head.i:
        head = head.head
        if head.i not in inside:
            return False
        if _is_predicate(head):
            return True
    return False


def _is_predicate(tok: Token) -> bool:
    if tok.dep_ in ("aux", "auxpass"):
        return False
    return tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "ADJ" and tok.tag_ in ("VBN", "VBD"))


def _marked(tok: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ in _CLAUSE_MARKS for c in tok.children)


def _proposition(
    head: Token, default_agent: str | None, speaker: str | None, lex: Lexicons, text: str
) -> Proposition:
    passive = _is_passive(head)
    subj, obj = _surface_arguments(head, passive)
    match = _match_pattern(head, lex)
    agent_tok: Token | None
    theme_tok: Token | None
    if match is not None:
        pattern, extra = match
        fillers = {"nsubj": obj if passive else subj, "dobj": subj if passive else obj}
        agent_tok = theme_tok = None
        for slot, role in pattern.slots.items():
            tok = (
                fillers.get(slot)
                if slot in ("nsubj", "dobj")
                else _prep_object(head, slot, extra, obj)
            )
            if tok is None:
                continue
            if role == "agent" and agent_tok is None:
                agent_tok = tok
            elif role == "theme" and theme_tok is None:
                theme_tok = tok
        cls, predicate = pattern.cls, pattern.pattern
    else:
        pattern = None
        agent_tok, theme_tok = (obj, subj) if passive and obj is not None else (subj, obj)
        if passive and obj is None:
            agent_tok, theme_tok = None, subj
        if theme_tok is None and not passive:
            theme_tok = _complement(head)
        cls = predicate = _predicate_words(head)
    agent = _argument(agent_tok, speaker, lex, text)
    theme = _argument(theme_tok, speaker, lex, text)
    if pattern is not None and pattern.place_theme and not (theme is not None and theme.place):
        # "took a break" is not "took the town": fall back to the words themselves
        cls = predicate = _predicate_words(head)
    agent_name: str | None
    if agent_tok is None and subj is None and not passive and default_agent:
        agent_name = default_agent  # "Russia claimed *to have captured* X"
    else:
        agent_name = agent.name if agent is not None else None
    theme_name = theme.name if theme is not None else None
    partial = theme.partial if theme is not None else None
    return Proposition(
        key=stable_id(cls, fold(agent_name or ""), fold(theme_name or "")),
        subject=agent.span if agent is not None else None,
        predicate=predicate,
        object=theme.span if theme is not None else None,
        polarity="negative" if _negated(head) else "positive",
        predicate_class=cls,
        subject_name=agent_name,
        object_name=theme_name,
        predicate_span=Span.of(text, head.idx, head.idx + len(head)),
        partial=partial,
    )


def _is_passive(head: Token) -> bool:
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in head.children):
        return True
    # a participle modifying its noun: "the *relieved* forces", "forces *deployed* to X"
    return head.dep_ in ("amod", "acl") and head.tag_ == "VBN"


def _surface_arguments(head: Token, passive: bool) -> tuple[Token | None, Token | None]:
    """(subject, object) as written: for a passive, the nsubjpass is the 'object' slot's filler.

    Returned as (surface subject, by-object or dobj). A clause with no subject
    takes its conjunct's: "had left X and *had been replaced* by Y".
    """
    kids = list(head.children)
    subj = next((c for c in kids if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    if subj is not None and subj.dep_ == "expl":
        subj = None
    if subj is None and head.dep_ in ("amod", "acl") and head.head.pos_ in ("NOUN", "PROPN"):
        subj = head.head  # "the forces relieved in X" -> forces
    tok = head
    while subj is None and tok.dep_ == "conj" and tok.head.i != tok.i:
        tok = tok.head
        subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if passive:
        by = next(
            (g for c in kids if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None
        )
        return subj, by
    obj = next((c for c in kids if c.dep_ in ("dobj", "obj")), None)
    if obj is None:
        # the small model often calls a name right after the verb an adverb: "left *X*"
        obj = next(
            (
                c
                for c in kids
                if c.dep_ in ("advmod", "npadvmod", "oprd") and _is_name(c) and c.i > head.i
            ),
            None,
        )
    return subj, obj


def _match_pattern(head: Token, lex: Lexicons) -> tuple[PredicatePattern, Token | None] | None:
    """The first pattern of the verb that fits, with its particle or light noun (or None)."""
    for lemma in _lemmas(head):
        for pattern in lex.predicates.get(lemma, ()):
            if pattern.noun is not None:
                noun = next(
                    (
                        c
                        for c in head.children
                        if c.dep_ in ("dobj", "acomp", "attr", "prep")
                        and c.lemma_.lower() == pattern.noun
                    ),
                    None,
                )
                if noun is not None and _child_prep(noun, pattern.word or "") is not None:
                    return pattern, noun
                continue
            if pattern.word is not None:
                word = next(
                    (
                        c
                        for c in head.children
                        if c.dep_ in ("prt", "prep", "advmod", "agent") and c.lower_ == pattern.word
                    ),
                    None,
                )
                if word is not None:
                    return pattern, word
                continue
            return pattern, None
    return None


def _lemmas(head: Token) -> list[str]:
    """The verb's lemma, and for a participle the model tagged as an adjective, its stems."""
    lemma = head.lemma_.lower()
    out = [lemma]
    if head.pos_ == "ADJ":
        low = head.lower_
        out += [low[:-1], low[:-2]] if low.endswith("ed") else []
    return out


def _child_prep(tok: Token, word: str) -> Token | None:
    return next((c for c in tok.children if c.dep_ in ("prep", "agent") and c.lower_ == word), None)


def _prep_object(head: Token, word: str, extra: Token | None, obj: Token | None) -> Token | None:
    """The object of a preposition on the verb, its particle or light noun, or its object."""
    for holder in (head, extra, obj):
        if holder is None:
            continue
        prep = _child_prep(holder, word)
        if (
            prep is None
            and holder is extra
            and holder.lower_ == word
            and holder.dep_ in ("prep", "agent")
        ):
            prep = holder
        if prep is not None:
            pobj = next((g for g in prep.children if g.dep_ == "pobj"), None)
            if pobj is not None:
                return pobj
            inner = next(
                (g for g in prep.children if g.dep_ == "prep"), None
            )  # "pulled out *of* X"
            if inner is not None:
                return next((g for g in inner.children if g.dep_ == "pobj"), None)
    return None


def _complement(head: Token) -> Token | None:
    comp = next((c for c in head.children if c.dep_ in ("attr", "acomp")), None)
    if comp is not None:
        return comp
    return next(
        (g for c in head.children if c.dep_ in ("prep",) for g in c.children if g.dep_ == "pobj"),
        None,
    )


def _predicate_words(head: Token) -> str:
    if head.lemma_ == "be":
        comp = next((c for c in head.children if c.dep_ in ("acomp", "attr")), None)
        if comp is not None:
            return f"be {comp.lemma_.lower()}"
    particles = [c.lower_ for c in head.children if c.dep_ == "prt"]
    return " ".join([head.lemma_.lower(), *particles])


def _negated(head: Token) -> bool:
    return any(
        c.dep_ == "neg" or (c.lower_ in _NEGATIONS and c.dep_ in ("advmod", "det"))
        for c in head.children
    )


def _argument(tok: Token | None, speaker: str | None, lex: Lexicons, text: str) -> _Arg | None:
    """What an argument stands for: a party, a place, or the noun's lemma."""
    if tok is None:
        return None
    partial: Span | None = None
    for _ in range(4):
        low = tok.lower_
        if (
            low in lex.partitives
            or tok.lemma_.lower() in lex.partitives
            or tok.ent_type_ == "PERCENT"
            and tok.pos_ == "NOUN"
        ):
            inner = _pobj(tok, ("of", "on", "in")) or _next_prep_object(tok, ("on", "in"))
            if inner is not None:
                partial = partial or Span.of(text, tok.idx, tok.idx + len(tok))
                tok = inner
                continue
        if tok.pos_ == "NOUN":  # "the city of X" is X
            inner = _pobj(tok, ("of",))
            if inner is not None and _is_name(inner):
                tok = inner
                continue
        break
    span = _phrase_span(tok, text)
    if tok.lower_ in _FIRST_PERSON:
        return _Arg(span, speaker)
    if tok.pos_ == "PRON":
        return _Arg(span, None)
    if _is_name(tok):
        name = _proper_name(tok, lex)
        return _Arg(span, name, partial, place=lex.country_of(name) is None and _is_place(tok))
    for mod in tok.children:
        if mod.dep_ in _PARTY_MODIFIERS and mod.i < tok.i:
            party = _party_name(mod, lex)
            if party is not None:
                return _Arg(span, party, partial)
    if tok.lemma_.lower() in lex.place_nouns:
        place = _place_before(tok, lex)
        if place is not None:
            return _Arg(span, place, partial, place=True)
    return _Arg(span, tok.lemma_.lower(), partial)


def _next_prep_object(tok: Token, preps: tuple[str, ...]) -> Token | None:
    """For "controlled territory *on* the outskirts", where the parse hangs "on" from the verb."""
    after = max(t.i for t in tok.subtree) + 1
    if after >= len(tok.doc):
        return None
    prep = tok.doc[after]
    if prep.lower_ in preps and prep.dep_ == "prep" and prep.head.i == tok.head.i:
        return next((g for g in prep.children if g.dep_ == "pobj"), None)
    return None


def _pobj(tok: Token, preps: tuple[str, ...]) -> Token | None:
    return next(
        (
            g
            for c in tok.children
            if c.dep_ == "prep" and c.lower_ in preps
            for g in c.children
            if g.dep_ == "pobj"
        ),
        None,
    )


def _phrase_span(tok: Token, text: str) -> Span:
    mods = [
        c
        for c in tok.children
        if c.dep_ in ("amod", "compound", "poss", "det", "nummod") and c.i < tok.i
    ]
    left = min([tok.i] + [t.i for m in mods for t in m.subtree])
    right = tok
    start = tok.doc[left].idx
    return Span.of(text, start, right.idx + len(right))


def _party_name(tok: Token, lex: Lexicons) -> str | None:
    """The party a modifier names: a country (by name, demonym, capital or seat) or a proper name."""
    country = lex.country_of(tok.text)
    if country:
        return country
    if _is_name(tok):
        return _proper_name(tok, lex)
    return None


def _is_name(tok: Token) -> bool:
    """A proper name, also where the small model tags one as a noun or adverb ("left *Kherson*")."""
    if not tok.text[:1].isupper():
        return False
    if tok.pos_ == "PROPN":
        return True
    return (
        tok.pos_ in ("NOUN", "ADV", "X")
        and tok.i != tok.sent.start
        and tok.ent_type_
        not in ("DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY")
    )


def _proper_name(tok: Token, lex: Lexicons) -> str:
    """A name with its compounds, read as a country or international body where it is one."""
    words = [t for t in tok.subtree if t.dep_ == "compound" and _is_name(t) and t.i < tok.i] + [tok]
    words.sort(key=lambda t: t.i)
    ent = next((e for e in doc_ents(tok.doc) if e.start <= tok.i < e.end), None)
    name = without_article(
        ent.text if ent is not None and ent.label_ != "DATE" else " ".join(t.text for t in words)
    )
    name = name.removesuffix("'s").removesuffix("’s").strip()
    country = lex.country_of(name) or lex.country_of(tok.text)
    if country:
        return country
    org = lex.organisation_of(name)
    if org:
        return org
    kept = [w for w in name.split() if w.lower() not in lex.org_designators]
    return " ".join(kept) or name


def _is_place(tok: Token) -> bool:
    if tok.ent_type_ in _PLACE_LABELS:
        return True
    # the small model often calls a town an organisation; a name after "in/to/from/of" is a place
    return (
        tok.ent_type_ in ("", "ORG") and len(_entity_tokens(tok)) == 1 and tok.dep_ in _PLACE_SLOTS
    )


def _entity_tokens(tok: Token) -> SpacySpan | tuple[Token]:
    return next((e for e in doc_ents(tok.doc) if e.start <= tok.i < e.end), (tok,))


def _place_before(tok: Token, lex: Lexicons) -> str | None:
    """The place named last before a place noun ("the city" after "in Kherson"), not a country."""
    for ent in reversed(doc_ents(tok.doc)):
        if ent.end > tok.i or ent.label_ not in _PLACE_LABELS | {"ORG"}:
            continue
        if ent.label_ == "ORG" and (len(ent) > 1 or ent[0].dep_ not in _PLACE_SLOTS):
            continue
        name = without_article(ent.text).removesuffix("'s").strip()
        if lex.country_of(name) is None and lex.organisation_of(name) is None:
            return name
    return None


def _stance(
    head: Token,
    prop: Proposition,
    attr: Attribution,
    hedges: Sequence[Hedge],
    cue_lemma: str,
    lex: Lexicons,
    text: str,
) -> Stance:
    negation = next(
        (
            c
            for c in head.children
            if c.dep_ == "neg" or (c.lower_ in _NEGATIONS and c.dep_ in ("advmod", "det"))
        ),
        None,
    )
    neg_span = (
        Span.of(text, negation.idx, negation.idx + len(negation)) if negation is not None else None
    )
    lo = min(t.idx for t in head.subtree)
    hi = max(t.idx + len(t) for t in head.subtree)
    own_hedges = [h.span for h in hedges if h.by == "source" and lo <= h.span.start < hi]
    if not own_hedges:
        own_hedges = [h.span for h in hedges if h.by == "source" and _clause_count(attr) == 1]
    return _stance_of(prop, attr, own_hedges, cue_lemma, lex, neg_span)


def _clause_count(attr: Attribution) -> int:
    return len(attr.content)


def _stance_of(
    prop: Proposition,
    attr: Attribution,
    hedges: Sequence[Span],
    cue_lemma: str,
    lex: Lexicons,
    negation: Span | None,
) -> Stance:
    denies_cue = lex.reporting_verbs.get(cue_lemma) == "denies"
    negative = prop.polarity == "negative"
    if denies_cue and negative:
        return Stance("asserts", (attr.cue,), f"denies the negation ({attr.cue.text!r})")
    if denies_cue:
        return Stance("denies", (attr.cue,), f"denying cue {attr.cue.text!r}")
    if negative:
        evidence = (negation,) if negation is not None else ()
        return Stance("denies", evidence, f"negation {negation.text!r}" if negation else "negation")
    if prop.partial is not None:
        return Stance("partial", (prop.partial,), f"only part: {prop.partial.text!r}")
    if hedges:
        return Stance("hedges", tuple(hedges), "hedge " + ", ".join(repr(h.text) for h in hedges))
    return Stance("asserts", (attr.cue,))


def _repeats(head: Token, attr: Attribution, attrs: Iterable[Attribution]) -> str | None:
    """Another statement quoted inside this content whose content holds this clause."""
    inside = [(p.start, p.end) for p in attr.content]
    for other in attrs:
        if other.id == attr.id:
            continue
        if not any(a <= other.cue.start < b for a, b in inside):
            continue
        if any(p.start <= head.idx < p.end for p in other.content):
            return other.id
    return None


__all__ = ["extract_claims"]
