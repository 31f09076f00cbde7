"""Actors: resolve each statement's source to one person or body within an article.

First version, on the parse, NER and the lexicons (no coreference model):

* a source mention is split into its **core** (the head noun with its name,
  compounds, possessor and "of"-phrase) and its **description** (an
  apposition: "Anna Kovac, *Ukraine's deputy defense minister*");
* person names merge when one is the other's trailing part ("Ivanova" and
  "Maria Ivanova"); PERSON entities anywhere in the article supply full
  names for surname-only sources;
* descriptions merge with an earlier actor whose core or description has the
  same head and a superset of the words ("the defense ministry" ->
  "Russia's defense ministry");
* pronouns ("he", "she", "it", "they") go to the most recent compatible actor;
* a short form defined in the text ("Center for Policy Studies (CPS)") is the
  same actor as its long form;
* the side comes from a possessive, demonym or "of"-phrase naming a country
  (or its capital), from an affiliation phrase ("fighters *loyal to* X", "a
  militia *backed by* X"), from another mention of the same description that
  names one ("the *Hamas-run* civil defence" ... "the civil defence said"), from
  the actor being a country or capital itself, and for an organisation with no
  country in sight, from its own name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimtrack.lexicons import Lexicons, without_article
from claimtrack.nlp import doc_ents, doc_text
from claimtrack.records import Actor, ActorKind, Article, Attribution, Side, Span, stable_id

_PERSON_PRONOUNS = {"he", "she", "him", "her"}
_THING_PRONOUNS = {"it"}
_GROUP_PRONOUNS = {"they", "them", "we"}
_CORE_DEPS = {"compound", "poss", "case", "amod", "nmod", "det", "flat", "nummod"}


@dataclass(slots=True)
class _Cluster:
    name: str
    kind: ActorKind
    tokens: set[str]  # lower-cased name words, for matching persons
    mentions: list[Span] = field(default_factory=list)
    descs: list[set[str]] = field(default_factory=list)  # word sets of descriptions
    titles: list[str] = field(default_factory=list)
    side: Side | None = None
    head: str = ""  # lemma of the first mention's head noun, for descriptions


_RELATIVE = frozenset({"who", "which", "that", "whom"})


def resolve_actors(
    doc: Doc, attributions: Sequence[Attribution], article: Article, lex: Lexicons
) -> tuple[list[Actor], dict[str, str], dict[str, tuple[str, ...]]]:
    """Group the sources of ``attributions`` into actors.

    Returns the actors, a map attribution id -> actor id, and a map attribution
    id -> the actors a joint source names after the first ("the ministry *and
    the Redan Group* said": both speak). Attributions without a source have no
    entry.

    "Maria Ivanova told ... Ivanova said" -> one actor "Maria Ivanova".
    """
    clusters: list[_Cluster] = []
    persons = _person_entities(doc)
    short_forms = _short_forms(doc)
    links: dict[str, int] = {}
    joint: dict[str, list[int]] = {}
    for attr in sorted(attributions, key=lambda a: a.cue.start):
        if attr.source is None:
            continue
        src = doc.char_span(attr.source.start, attr.source.end, alignment_mode="expand")
        if src is None or not len(src):
            continue
        links[attr.id] = _assign(src, clusters, persons, lex, article, short_forms)
        others = [_assign(part, clusters, persons, lex, article, short_forms) for part in _joint_sources(src)]
        others = [k for k in dict.fromkeys(others) if k != links[attr.id]]
        if others:
            joint[attr.id] = others
    for cluster in clusters:
        if cluster.side is None and cluster.kind in ("organisation", "group"):
            cluster.side = _description_side(cluster, doc, lex)
        if cluster.side is None:
            cluster.side = _own_side(cluster, lex)
    actors = [_to_actor(c, article) for c in clusters]
    merged, actor_of = _merge_same_ids(actors, links)
    co_actors = {
        aid: ids
        for aid, ks in joint.items()
        if (ids := tuple(dict.fromkeys(i for i in (actors[k].actor_id for k in ks) if i != actor_of[aid])))
    }
    return merged, actor_of, co_actors


def _joint_sources(src: SpacySpan) -> list[SpacySpan]:
    """The other parties of a joint source: "the ministry *and the Redan Group*", "X, Y *and Z*".

    Each conjunct of the source's head that is a noun joined by "and" (its
    own conjuncts left out), as a span; a conjunct inside a modifier ("X and Y
    officials") is not one, nor is a coordinated title ("president and CEO
    Maria Petrova": the conjunct is not the head's).
    """
    head = src.root
    if head.pos_ not in ("PROPN", "NOUN") or not any(
        t.dep_ == "cc" and t.lower_ in ("and", "&") for t in src
    ):
        return []
    out: list[SpacySpan] = []
    todo = [c for c in head.children if c.dep_ == "conj"]
    while todo:
        conj = todo.pop(0)
        if conj.pos_ not in ("PROPN", "NOUN") or not (src.start <= conj.i < src.end):
            continue
        nested = [c for c in conj.children if c.dep_ == "conj"]
        todo.extend(nested)
        skip = {t.i for c in conj.children if c.dep_ in ("conj", "cc") for t in c.subtree}
        toks = [t.i for t in conj.subtree if t.i not in skip and src.start <= t.i < src.end]
        lo, hi = min(toks), max(toks) + 1
        doc = src.doc
        while hi > lo + 1 and (doc[hi - 1].is_punct or doc[hi - 1].dep_ == "cc"):
            hi -= 1
        while lo < hi - 1 and doc[lo].is_punct:
            lo += 1
        out.append(doc[lo:hi])
    return out


def _merge_same_ids(actors: list[Actor], links: dict[str, int]) -> tuple[list[Actor], dict[str, str]]:
    """One actor per id: clusters that ended with the same kind and name are one actor."""
    merged: dict[str, Actor] = {}
    for actor in actors:
        first = merged.get(actor.actor_id)
        if first is None:
            merged[actor.actor_id] = actor
            continue
        mentions = sorted({*first.mentions, *actor.mentions}, key=lambda s: (s.start, s.end))
        merged[actor.actor_id] = Actor(
            actor_id=first.actor_id,
            name=first.name,
            kind=first.kind,
            titles=tuple(dict.fromkeys(first.titles + actor.titles)),
            side=first.side or actor.side,
            mentions=tuple(mentions),
        )
    return list(merged.values()), {aid: actors[k].actor_id for aid, k in links.items()}


def _to_actor(c: _Cluster, article: Article) -> Actor:
    return Actor(
        actor_id=stable_id(article.id, c.kind, c.name),
        name=c.name,
        kind=c.kind,
        titles=tuple(dict.fromkeys(c.titles)),
        side=c.side,
        mentions=tuple(sorted(set(c.mentions), key=lambda s: (s.start, s.end))),
    )


def _assign(
    src: SpacySpan, clusters: list[_Cluster], persons: Sequence[SpacySpan], lex: Lexicons, article: Article,
    short_forms: dict[str, SpacySpan] | None = None,
) -> int:
    """Index of the cluster ``src`` belongs to, creating one when none fits."""
    text = article.text
    head = src.root
    mention = Span.of(text, src.start_char, src.end_char)
    antecedent = _relative_antecedent(src)
    if antecedent is not None:  # "Jones, who said ...": the source is "who", the actor Jones
        found = _assign(antecedent, clusters, persons, lex, article, short_forms)
        clusters[found].mentions.append(mention)
        return found
    if head.lower_ in _PERSON_PRONOUNS | _THING_PRONOUNS | _GROUP_PRONOUNS and len(src) == 1:
        k = _antecedent(head, clusters)
        if k is not None:
            clusters[k].mentions.append(mention)
            return k
        clusters.append(_Cluster(head.text, "unnamed", set(), [mention]))
        return len(clusters) - 1
    head = _named_apposition(head, lex, persons)  # "its leader Maria Petrova" -> Petrova
    core = _core(head)
    description = [c for c in head.children if c.dep_ == "appos"]
    if head.dep_ == "appos" and head.head.lemma_.lower() in lex.titles:
        description.append(head.head)
    name_toks, title_toks = _split_name(core, head, lex, persons)
    kind = _kind(head, name_toks, title_toks, src, persons, lex)
    words: set[str] = set()
    if kind == "person" and name_toks:
        name = _full_name(name_toks, persons)
        words = {w.lower() for w in name.split()}
        k = _find_person(words, clusters)
    elif kind == "government":  # "Ukraine", "Kyiv": one government per country
        name = _phrase(core)
        k = next((i for i, c in enumerate(clusters) if c.kind == "government"
                  and _government_key(c.name, lex) == _government_key(name, lex)), None)  # fmt: skip
    else:
        name = _phrase(core)
        long_form = (short_forms or {}).get(name)
        if long_form is not None:  # "CPS" where the text wrote "Center for Policy Studies (CPS)"
            core = [t for t in long_form if not t.is_punct]
            name = _phrase(core)
        k = _find_description(_content_words(core, lex), clusters, lex)
    if k is None:
        clusters.append(_Cluster(name, kind, words, head=head.lemma_.lower()))
        k = len(clusters) - 1
    cluster = clusters[k]
    if len(name) > len(cluster.name) and kind == cluster.kind:
        cluster.name, cluster.tokens = name, cluster.tokens | words
    cluster.mentions.append(mention)
    if kind != "person" or not name_toks:
        cluster.descs.append(_content_words(core, lex))
    for tok in description:
        # the title a named apposition hangs from is the title without the name:
        # "its leader Maria Petrova" -> "leader"
        bare = [t for t in tok.subtree if t not in set(head.subtree) and t.dep_ != "poss"]
        cluster.titles.append(_phrase(bare if tok == head.head else list(tok.subtree)))
        cluster.descs.append(_content_words(_core(tok), lex))
    if title_toks and kind == "person":
        cluster.titles.append(_phrase(title_toks))
    if cluster.side is None:
        own = [t for t in src if t not in _conjuncts(head)]  # "X and Y officials": not Y's side
        cluster.side = _side(own + _person_context(name, persons), lex, text) or _phrase_side(
            [head, *description], lex, text
        )
    return k


def _conjuncts(head: Token) -> set[Token]:
    return {t for c in head.children if c.dep_ in ("conj", "cc") for t in c.subtree}


def _short_forms(doc: Doc) -> dict[str, SpacySpan]:
    """Short forms the text defines: "the Center for Policy Studies (CPS)" -> {"CPS": that name}.

    The short form, in capitals, must spell the initials of the capitalised
    words before the parenthesis ("of", "and", "for", "the" may sit between
    them; a word in capitals gives all its letters: "US Trade Office (USTO)").
    """
    out: dict[str, SpacySpan] = {}
    for tok in doc:
        if not (tok.text.isupper() and tok.is_alpha and 2 <= len(tok) <= 8 and tok.i >= 2):
            continue
        if doc[tok.i - 1].text != "(" or tok.i + 1 >= len(doc) or doc[tok.i + 1].text != ")":
            continue
        letters = tok.text
        start = tok.i - 1
        while letters and start > 0:
            word = doc[start - 1]
            if word.is_stop and word.is_lower and start - 1 > 0:
                start -= 1
                continue
            initial = word.text if word.text.isupper() and word.is_alpha else word.text[:1]
            if not word.text[:1].isupper() or not letters.endswith(initial):
                break
            letters = letters[: -len(initial)]
            start -= 1
        while start < tok.i - 1 and doc[start].is_stop and doc[start].is_lower:
            start += 1
        if not letters and start < tok.i - 1:
            out.setdefault(tok.text, doc[start : tok.i - 1])
    return out


def _phrase_side(heads: Sequence[Token], lex: Lexicons, text: str) -> Side | None:
    """The party an affiliation phrase names: "fighters *loyal to the Syrian government*",
    "a militia *backed by Iran*", "a group *fighting for Russia*"."""
    for head in heads:
        for word in head.children:
            if word.dep_ not in ("acl", "relcl", "amod", "prep"):
                continue
            for prep in (word, *word.children) if word.dep_ == "prep" else word.children:
                if prep.dep_ not in ("prep", "agent") or f"{word.lemma_.lower()} {prep.lower_}" not in lex.affiliation_phrases:
                    continue
                obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                if obj is not None and obj.lemma_.lower() in ("behalf", "side"):  # "on behalf of X"
                    of = next((c for c in obj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
                    obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
                if obj is None:
                    continue
                found = _side(list(obj.subtree), lex, text)
                if found is None and obj.pos_ == "PROPN":
                    found = Side(_phrase(_core(obj)), Span.of(text, obj.left_edge.idx, obj.idx + len(obj)))
                if found is not None:
                    return found
    return None


def _description_side(c: _Cluster, doc: Doc, lex: Lexicons) -> Side | None:
    """The one side that other mentions of the same description name in the article.

    "the civil defence said" takes Hamas from an earlier "Gaza's Hamas-run civil
    defence"; when those mentions name different sides, there is none.
    """
    if not c.head or not c.descs:
        return None
    words = c.descs[0]
    text = doc_text(doc)
    sides: list[Side] = []
    for tok in _nouns_by_lemma(doc).get(c.head, ()):
        core = _core(tok)
        if not words <= _content_words(core, lex):
            continue
        found = _side(core, lex, text)
        if found is not None:
            sides.append(found)
    return sides[0] if sides and len({s.name for s in sides}) == 1 else None


def _nouns_by_lemma(doc: Doc) -> dict[str, list[Token]]:
    """Nouns and proper nouns of the doc by lower-cased lemma, built once per Doc."""
    index = doc.user_data.get("claimtrack_nouns")
    if not isinstance(index, dict):
        index = {}
        for tok in doc:
            if tok.pos_ in ("NOUN", "PROPN"):
                index.setdefault(tok.lemma_.lower(), []).append(tok)
        doc.user_data["claimtrack_nouns"] = index
    return index


def _government_key(name: str, lex: Lexicons) -> str:
    """A seat of government is its own body ("the Kremlin"); a country and its capital are one."""
    if lex.is_seat(name):
        return without_article(name).lower()
    return lex.country_of(name) or without_article(name).lower()


def _relative_antecedent(src: SpacySpan) -> SpacySpan | None:
    """The noun phrase a relative pronoun source stands for ("the mayor, *who* said")."""
    if len(src) != 1 or src[0].lower_ not in _RELATIVE or src[0].head.dep_ not in ("relcl", "acl"):
        return None
    noun = src[0].head.head
    if noun.i >= src[0].i or noun.pos_ not in ("NOUN", "PROPN"):
        return None
    return noun.doc[noun.left_edge.i : noun.i + 1]


def _core(head: Token) -> list[Token]:
    """The head with its name parts, possessor, modifiers and a capitalised "of"-phrase."""
    toks = [head]
    for child in head.children:
        if child.dep_ in _CORE_DEPS and child.i < head.i:
            toks.extend(child.subtree)
        elif child.dep_ == "prep" and child.i > head.i and child.lower_ in ("of", "for"):
            objs = [g for g in child.children if g.dep_ == "pobj"]
            if objs and objs[0].text[:1].isupper():
                toks.extend(child.subtree)
    return sorted(set(toks), key=lambda t: t.i)


def _named_apposition(head: Token, lex: Lexicons, persons: Sequence[SpacySpan]) -> Token:
    """A title noun's named apposition, else the head itself.

    "its leader *Maria Petrova*", "the minister, *Anna Kovac*": the name,
    not the title, is who speaks.
    """
    if head.pos_ != "NOUN" or head.lemma_.lower() not in lex.titles:
        return head
    for child in head.children:
        if child.dep_ == "appos" and _looks_named(child, persons):
            return child
    return head


def _looks_named(tok: Token, persons: Sequence[SpacySpan]) -> bool:
    """A capitalised proper noun, or a capitalised word the tagger missed that names a
    person elsewhere in the article ("Kovalenko" tagged NOUN, "Ivan Kovalenko" a PERSON)."""
    if not tok.text[:1].isupper():
        return False
    if tok.pos_ == "PROPN":
        return True
    return tok.pos_ == "NOUN" and any(e.text.split()[-1] == tok.text for e in persons)


def _split_name(
    core: Sequence[Token], head: Token, lex: Lexicons, persons: Sequence[SpacySpan] = ()
) -> tuple[list[Token], list[Token]]:
    """The proper-noun run ending at the head (the name) and what precedes it (titles, demonyms)."""
    name: list[Token] = []
    for tok in reversed([t for t in core if t.i <= head.i]):
        if _looks_named(tok, persons) and tok.lower_ not in lex.titles and not lex.country_of(tok.text):
            name.insert(0, tok)
        else:
            break
    titles = [t for t in core if t.i < head.i and t not in name and not t.is_punct and t.dep_ != "det"]
    return name, titles


def _kind(
    head: Token, name: Sequence[Token], titles: Sequence[Token], src: SpacySpan,
    persons: Sequence[SpacySpan], lex: Lexicons,
) -> ActorKind:
    labels = {
        e.label_
        for e in doc_ents(src.doc)
        if src.start <= e.start and e.end <= src.end and (e.root == head or head in e)
    }
    if head.pos_ == "PROPN" and _names_a_state(head.text, lex) and len(name) <= 1:
        return "government"  # "Kyiv said", "Russia said"; but "Turk" (a demonym) is a surname here
    if "PERSON" in labels or name and _is_person_name(head, persons):
        return "person"
    appos_heads = {c.lemma_.lower() for c in head.children if c.dep_ == "appos"}
    if name and appos_heads & lex.titles:
        return "person"
    if name and any(c.dep_ in ("appos", "npadvmod") and c.like_num for c in head.children):
        return "person"  # an age in apposition: "Maria Petrova, 43, said"
    if any(c.dep_ == "prep" and c.lower_ in ("of", "for") and c.i > head.i for c in head.children):
        return "organisation"  # "General Staff of the Armed Forces", "Ministry of Defence"
    if "ORG" in labels or "NORP" in labels:
        return "organisation"
    if head.pos_ == "NOUN" and (head.lemma_.lower() in lex.collective_sources or head.tag_ == "NNS"):
        return "group"
    if head.lower_ in lex.titles or any(t.lower_ in lex.titles for t in titles) and name:
        return "person"
    if name and head.pos_ == "PROPN" and not labels:
        return "person"  # a capitalised name the tagger did not label: speakers are mostly people
    return "organisation" if head.pos_ in ("PROPN", "NOUN") else "unnamed"


def _names_a_state(word: str, lex: Lexicons) -> bool:
    """A country's name, capital or seat of government (not a demonym: "Turk", "Pole")."""
    key = without_article(word).lower()
    return key in lex.countries or key in lex.capitals or key in lex.seats


def _full_name(name_toks: Sequence[Token], persons: Sequence[SpacySpan]) -> str:
    """The fullest PERSON entity in the article ending with the same surname.

    A one-word name that no entity ends with may instead be the first word of
    exactly one entity: a family name written first ("Wang" -> "Wang Wenbin").
    """
    name = " ".join(t.text for t in name_toks)
    surname = name_toks[-1].lower_
    for ent in persons:
        words = {w.lower() for w in ent.text.split()}
        if (ent.text.split()[-1].lower() == surname and len(ent.text) > len(name)
                and all(w.lower() in words for w in name.split())):
            name = ent.text
    if len(name_toks) == 1 and name == name_toks[0].text:
        first = {e.text for e in persons if len(e.text.split()) > 1 and e.text.split()[0].lower() == surname}
        if len(first) == 1:
            name = first.pop()
    return name


def _is_person_name(head: Token, persons: Sequence[SpacySpan]) -> bool:
    """Whether a PERSON entity of the article ends with this word, or begins with it alone."""
    lower = head.lower_
    if any(e.text.split()[-1].lower() == lower for e in persons):
        return True
    firsts = {e.text for e in persons if len(e.text.split()) > 1 and e.text.split()[0].lower() == lower}
    return len(firsts) == 1


def _find_person(words: set[str], clusters: Sequence[_Cluster]) -> int | None:
    for k, c in enumerate(clusters):
        if c.kind == "person" and c.tokens and (words <= c.tokens or c.tokens <= words):
            return k
    return None


def _find_description(words: set[str], clusters: Sequence[_Cluster], lex: Lexicons) -> int | None:
    """The latest actor with a description of the same words, give or take a country.

    "the defense ministry" matches "Russia's defense ministry"; "the defense
    minister" does not match "the deputy defense minister".
    """
    if not words:
        return None
    countries = {c.lower() for c in lex.countries.values()}
    best: tuple[int, int] | None = None  # (latest mention start, cluster index)
    for k, cluster in enumerate(clusters):
        for desc in cluster.descs:
            if words <= desc and desc - words <= countries and (desc & words) - countries:
                last = max(m.start for m in cluster.mentions)
                if best is None or last > best[0]:
                    best = (last, k)
    return best[1] if best else None


def _antecedent(pronoun: Token, clusters: Sequence[_Cluster]) -> int | None:
    lower = pronoun.lower_
    wanted: set[str] = (
        {"person"} if lower in _PERSON_PRONOUNS
        else {"organisation", "government"} if lower in _THING_PRONOUNS
        else {"group", "organisation", "government"}
    )
    other = {"he": "she", "him": "she", "she": "he", "her": "he"}.get(lower)
    best: tuple[int, int] | None = None
    for k, c in enumerate(clusters):
        if c.kind not in wanted:
            continue
        if other is not None and _has_pronoun(c, pronoun.doc, other):
            continue  # "she" does not go back to a person the text already called "he"
        last = max((m.start for m in c.mentions if m.start < pronoun.idx), default=-1)
        if last >= 0 and (best is None or last > best[0]):
            best = (last, k)
    return best[1] if best else None


def _has_pronoun(c: _Cluster, doc: Doc, pronoun: str) -> bool:
    text = doc_text(doc)
    return any(text[m.start : m.end].lower() in (pronoun, "him" if pronoun == "he" else "her") for m in c.mentions)


def _person_entities(doc: Doc) -> list[SpacySpan]:
    return [e for e in doc_ents(doc) if e.label_ == "PERSON" and len(e.text.split()) >= 1]


def _person_context(name: str, persons: Sequence[SpacySpan]) -> list[Token]:
    """Modifiers around other mentions of a person ("*Russian* oligarch ... Yevgeny X").

    A mention counts when it ends with the same surname and its words are all
    in the name ("Petrova" and "Maria Petrova" for "Maria Petrova").
    """
    words = name.split()
    if not words:
        return []
    out: list[Token] = []
    for ent in persons:
        ent_words = ent.text.split()
        if ent_words[-1] != words[-1] or not set(ent_words) <= set(words):
            continue
        root = ent.root
        out.extend(t for c in root.children if c.i < root.i for t in c.subtree)
        if root.dep_ in ("conj", "appos"):
            out.extend(t for c in root.head.children if c.dep_ in ("amod", "compound", "poss") for t in c.subtree)
    return out


def _side(tokens: Iterable[Token], lex: Lexicons, text: str) -> Side | None:
    """The first side named by a possessive, demonym, compound, "of"-object or affiliation.

    "*Russia's* defense ministry", "*Ukrainian* officials", "*Kremlin* spokesman",
    "*White House* officials", "the *U.N.* agency", "the *Hamas*-run health ministry".
    """
    for tok in tokens:
        if tok.dep_ in ("poss", "amod", "compound", "pobj", "nsubj", "ROOT", "appos", "nmod") or tok.pos_ in ("ADJ", "PROPN"):
            if tok.dep_ == "pobj" and tok.head.lower_ != "of":
                continue
            found = _named_side(tok, lex, text)
            if found:
                return found
    return None


def _named_side(tok: Token, lex: Lexicons, text: str) -> Side | None:
    """The country or international body a word (or the entity it begins) names."""
    country = lex.country_of(tok.text) or _affiliated(tok, lex)
    if country:
        return Side(country, Span.of(text, tok.idx, tok.idx + len(tok)))
    organisation = lex.organisation_of(tok.text)
    if organisation:
        return Side(organisation, Span.of(text, tok.idx, tok.idx + len(tok)))
    if tok.ent_iob_ == "B":  # a name of several words: "White House", "United Nations"
        ent = next((e for e in doc_ents(tok.doc) if e.start == tok.i), None)  # within its sentence
        if ent is not None and len(ent) > 1:
            named = lex.country_of(ent.text) or lex.organisation_of(ent.text)
            if named:
                return Side(named, Span.of(text, ent.start_char, ent.end_char))
    return None


def _affiliated(tok: Token, lex: Lexicons) -> str | None:
    """"Hamas" in "Hamas-run", "Iran" in "Iran-backed": the party a hyphenated compound names."""
    doc = tok.doc
    if tok.i + 2 >= len(doc) or doc[tok.i + 1].text != "-" or not tok.text[:1].isupper():
        return None
    if doc[tok.i + 2].lower_ not in lex.affiliations:
        return None
    return lex.country_of(tok.text) or lex.organisation_of(tok.text) or tok.text


def _own_side(c: _Cluster, lex: Lexicons) -> Side | None:
    """A country, capital or seat of government speaks for its country; an international
    body for itself by its canonical name; another organisation with no country in
    sight for itself."""
    country = lex.country_of(c.name)
    if c.kind in ("government", "organisation") and country and c.mentions:
        return Side(country, c.mentions[0])
    organisation = lex.organisation_of(c.name)
    if organisation and c.mentions:
        return Side(organisation, c.mentions[0])
    if c.kind == "organisation" and c.mentions and any(w[:1].isupper() for w in c.name.split()):
        m = c.mentions[0]
        return Side(c.name, m)
    return None


def _phrase(toks: Sequence[Token]) -> str:
    toks = [t for t in toks if not t.is_space]
    while toks and toks[0].dep_ == "det" and toks[0].lower_ in ("the", "a", "an"):
        toks = toks[1:]
    if not toks:
        return ""
    doc = toks[0].doc
    end = toks[-1].idx + len(toks[-1])
    full = doc_text(doc)
    text = full[toks[0].idx : end]
    if text.count("(") > text.count(")") and full[end : end + 1] == ")":
        text += ")"
    return text.strip(" ,")


def _content_words(toks: Iterable[Token], lex: Lexicons) -> set[str]:
    """Lemmas of a description's words, with demonyms and capitals read as their country."""
    out = set()
    for t in toks:
        if t.is_alpha and not t.is_stop:
            country = lex.country_of(t.text)
            out.add(country.lower() if country else t.lemma_.lower())
    return out
