"""The learned attribution tagger: which tokens are cues, and for each cue its source and content.

Five small linear models over hashed features of the dependency parse,
trained on PolNeAR (``claimtrack train attribution``, see ``training.py``):

1. **cue** — for every word token, is it part of a cue? ("said", "has also
   said", "according to", "told reporters", "believes", "a statement"). Cue
   tokens that are adjacent or head-linked form one cue.
2. **role** — for every word token of the cue's sentence, is it in the
   cue's SOURCE, its CONTENT, or neither? The main feature is where the token
   sits in the tree relative to the cue: inside which of the cue's argument
   subtrees ("in:nsubj", "in:ccomp", "in:prep:to"), or under which branch of
   a common ancestor ("lca:parataxis>nsubj" for content-first sentences).
   Spans are token sets, so discontinuous content ("The town, he said, is
   lost") is natural.
3. **continuation** — does the content go on into the next (or previous)
   sentence? One decision per neighbouring sentence: multi-sentence quotes.
4. **span** — which of the content spans the role scores make likely is
   the content? The role scores rank the constituents of the cue's sentence
   (a subtree, a subtree less one child's subtree, a head with its outer
   children trimmed); this model re-ranks the best ``SPAN_CANDIDATES`` of
   them with what a token cannot see: the span's first and last words and
   the words just outside it, its head's place relative to the cue, its
   length, whether it opens or closes a quotation. Trained, like ``keep``,
   on spans of models that did not see the article.
5. **keep** — is the whole candidate (cue, source, content) an attribution?
   It sees what the token models cannot: the cue's score next to the shape
   of what the roles found (no source, a content with no verb, a cue inside
   a quotation). Trained on candidates the first three models produce on
   training articles they did not see (k-fold), so its inputs look like
   those at run time.

Features are strings hashed (CRC-32) into a fixed number of buckets; the
weights are one float matrix per model (``LinearModel``), so prediction is a
sum of rows and an argmax: no ML library at run time, only numpy. Punctuation
and whitespace tokens are never classified; they never decide a span's
words.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from claimtrack.errors import ModelError
from claimtrack.nlp import doc_text

#: Bucket count of the feature hash (a power of two).
N_BUCKETS = 1 << 18
ROLE_LABELS = ("O", "SOURCE", "CONTENT")
#: How far the content may run into neighbouring sentences.
MAX_NEXT_SENTENCES = 4
DEFAULT_MODEL_DIR = "models/attribution"
MODEL_FORMAT = "claimtrack-attribution/3"
_MODELS = ("cue", "role", "cont", "span", "keep")
#: How many of the best-scoring content spans the span model chooses from.
SPAN_CANDIDATES = 12


def hash_features(feats: Iterable[str]) -> list[int]:
    """Bucket ids of feature strings; stable across processes and platforms."""
    return [zlib.crc32(f.encode()) & (N_BUCKETS - 1) for f in feats]


@dataclass(frozen=True)
class LinearModel:
    """Multinomial (or binary, one column) linear scores over hashed features."""

    weights: NDArray[np.float32]  # (N_BUCKETS, n_classes)
    bias: NDArray[np.float32]  # (n_classes,)

    def scores(self, rows: Sequence[Sequence[int]]) -> NDArray[np.float32]:
        """One row of class scores per instance (a list of bucket ids)."""
        if not rows:
            return np.zeros((0, self.bias.shape[0]), dtype=np.float32)
        lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        flat = np.fromiter((i for r in rows for i in r), dtype=np.int64, count=int(lengths.sum()))
        starts = np.zeros(len(rows), dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        gathered = self.weights[flat]
        summed = np.add.reduceat(gathered, starts, axis=0)
        summed[lengths == 0] = 0.0
        return summed + self.bias


@dataclass(frozen=True)
class TaggerModel:
    """The five models and the decision thresholds tuned on dev."""

    cue: LinearModel
    role: LinearModel
    cont: LinearModel
    span: LinearModel
    keep: LinearModel
    cue_threshold: float
    cont_threshold: float
    keep_threshold: float
    meta: dict[str, object]

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, NDArray[np.float32]] = {}
        for name in _MODELS:
            model: LinearModel = getattr(self, name)
            arrays[f"{name}_w"] = model.weights.astype(np.float16)
            arrays[f"{name}_b"] = model.bias
        np.savez_compressed(directory / "weights.npz", **arrays)  # type: ignore[arg-type]
        meta = dict(self.meta)
        meta.update(format=MODEL_FORMAT, n_buckets=N_BUCKETS, cue_threshold=self.cue_threshold,
                    cont_threshold=self.cont_threshold, keep_threshold=self.keep_threshold)
        (directory / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, directory: Path | None = None) -> TaggerModel:
        """Load a trained model directory; the default is the one shipped in the package."""
        if directory is None:
            directory = Path(str(resources.files("claimtrack") / DEFAULT_MODEL_DIR))
        try:
            meta = json.loads((directory / "meta.json").read_text())
            npz = np.load(directory / "weights.npz")
        except (OSError, ValueError) as err:
            raise ModelError(f"attribution model {str(directory)!r} cannot be read: {err}") from None
        if meta.get("format") != MODEL_FORMAT or meta.get("n_buckets") != N_BUCKETS:
            raise ModelError(
                f"attribution model {str(directory)!r} has format {meta.get('format')!r}; "
                f"this claimtrack reads {MODEL_FORMAT!r} (retrain with `claimtrack train attribution`)"
            )
        models = {
            name: LinearModel(npz[f"{name}_w"].astype(np.float32), npz[f"{name}_b"].astype(np.float32))
            for name in _MODELS
        }
        return cls(models["cue"], models["role"], models["cont"], models["span"], models["keep"],
                   float(meta["cue_threshold"]), float(meta["cont_threshold"]),
                   float(meta["keep_threshold"]), meta)


@lru_cache(maxsize=1)
def default_model() -> TaggerModel:
    """The attribution model shipped in the package, loaded once per process."""
    return TaggerModel.load()


@lru_cache(maxsize=4)
def cached_model(directory: str | Path | None = None) -> TaggerModel:
    """A trained model directory (None: the shipped model), loaded once per process and path."""
    return default_model() if directory is None else TaggerModel.load(Path(directory))


# ------------------------------------------------------------------ context


class DocContext:
    """Per-document facts the features read: quotation membership, sentence index."""

    def __init__(self, doc: Doc, quotes: Sequence[tuple[int, int]], media: AbstractSet[str] = frozenset()):
        self.doc = doc
        #: channel nouns and platforms (lower-case): a cue's "in/on X" with one of them is not content
        self.media = media
        n = len(doc)
        self.quote_of = np.full(n, -1, dtype=np.int32)
        starts = np.fromiter((t.idx for t in doc), dtype=np.int64, count=n)
        for k, (qs, qe) in enumerate(quotes):
            lo, hi = np.searchsorted(starts, qs, "left"), np.searchsorted(starts, qe, "left")
            self.quote_of[lo:hi] = k
        self.sents: list[SpacySpan] = list(doc.sents)
        self.sent_of = np.zeros(n, dtype=np.int32)
        for k, s in enumerate(self.sents):
            self.sent_of[s.start : s.end] = k
        self.is_word = [_is_word(t) for t in doc]
        self.heads = [t.head.i for t in doc]
        # per sentence: the constituent-shaped spans of ``_spans``, as arrays (built when asked)
        self.spans: dict[int, tuple[NDArray[np.int64], ...]] = {}
        text = self.text = doc_text(doc)
        self.para_break_before = ["\n" in text[max(0, s.start_char - 3) : s.start_char] for s in self.sents]


def _is_word(t: Token) -> bool:
    return any(ch.isalnum() or ch == "_" for ch in t.text)


# ------------------------------------------------------------------- cues


def cue_features(t: Token, ctx: DocContext) -> list[str]:
    """Features of one token for the cue model."""
    h = t.head
    lem, dep, low = t.lemma_.lower(), t.dep_, t.lower_
    hl = h.lemma_.lower()
    i = t.i
    doc = t.doc
    prev = doc[i - 1].lower_ if i > 0 else "<s>"
    nxt = doc[i + 1].lower_ if i + 1 < len(doc) else "</s>"
    kids = [c.dep_ for c in t.children]
    q = "q" if ctx.quote_of[i] >= 0 else "nq"
    f = [
        "b", "w=" + low, "l=" + lem, "t=" + t.tag_, "d=" + dep, "ld=" + lem + "|" + dep,
        "lt=" + lem + "|" + t.tag_, "hl=" + hl, "hd=" + dep + "|" + hl, "wdh=" + low + "|" + dep + "|" + hl,
        "p=" + prev, "n=" + nxt, "pw=" + prev + "|" + low, "wn=" + low + "|" + nxt,
        "q=" + q + "|" + lem, "ht=" + h.tag_ + "|" + dep, "hhd=" + h.dep_ + "|" + dep + "|" + low,
    ]
    f.extend("k=" + k for k in kids)
    f.extend("lk=" + lem + "|" + k for k in kids)
    for ch in t.children:  # what a preposition or verb governs: "said *on Friday*" vs "*on Twitter*"
        if ch.dep_ in ("pobj", "dobj", "prep"):
            f.append("kw=" + ch.dep_ + "|" + ch.lemma_.lower())
            f.append("ke=" + ch.dep_ + "|" + (ch.ent_type_ or "-") + "|" + low)
    if t.ent_type_:
        f.append("e=" + t.ent_type_)
    return f


#: Dependencies that join two clauses: two cues linked by one are two cues ("said and added").
_CLAUSE_LINKS = frozenset({"conj", "advcl", "ccomp", "parataxis", "dep", "relcl", "acl"})


def cue_groups(doc: Doc, positive: Sequence[int]) -> list[list[int]]:
    """Group cue tokens: adjacent or head-linked tokens (at most 3 apart) form one cue."""
    pos = sorted(positive)
    parent = {i: i for i in pos}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    members = set(pos)
    for i in pos:
        if i + 1 in members:
            parent[find(i + 1)] = find(i)
        h = doc[i].head.i
        if h in members and abs(h - i) <= 3 and doc[i].dep_ not in _CLAUSE_LINKS:
            parent[find(i)] = find(h)
    groups: dict[int, list[int]] = {}
    for i in pos:
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values())


def cue_head(doc: Doc, group: Sequence[int]) -> Token:
    """The token of a cue whose syntactic head is outside it (a verb preferred)."""
    tops = _tops(doc, set(group))
    verbs = [t for t in tops if t.pos_ in ("VERB", "AUX", "NOUN")]
    return (verbs or tops or [doc[group[0]]])[0]


def _tops(doc: Doc, toks: set[int]) -> list[Token]:
    """The tokens of a set whose syntactic head is outside it (or who are a root), in order."""
    return [doc[i] for i in sorted(toks) if doc[i].head.i not in toks or doc[i].head.i == i]


# ------------------------------------------------------------------- roles


def _relation(t: Token, group: set[int], anc_c: dict[int, int], branch: dict[int, str]) -> tuple[str, str]:
    """Where ``t`` sits relative to the cue: (relation, branch label)."""
    path: list[Token] = []
    x = t
    for _ in range(60):
        if x.i in group:
            below = path[-1] if path else t
            lab = below.dep_
            if lab in ("prep", "agent", "mark", "advmod", "npadvmod") or below.pos_ == "ADP":
                lab += ":" + below.lower_
            return "in", lab + "|" + str(min(len(path), 3))
        if x.i in anc_c:
            up = str(min(anc_c[x.i], 3))
            if not path:
                return "anc", up + ">" + branch.get(x.i, "")
            return "lca", up + ">" + branch.get(x.i, "") + ">" + path[-1].dep_ + "|" + str(min(len(path), 3))
        path.append(x)
        if x.head.i == x.i:
            break
        x = x.head
    return "none", ""


def role_features(t: Token, c: Token, group: set[int], anc_c: dict[int, int],
                  branch: dict[int, str], ctx: DocContext, clem: str) -> list[str]:
    """Features of one token for the role model, given the cue."""
    rel, lab = _relation(t, group, anc_c, branch)
    side = "L" if t.i < c.i else "R"
    dist = abs(t.i - c.i)
    db = "1" if dist <= 1 else "3" if dist <= 3 else "8" if dist <= 8 else "20" if dist <= 20 else "far"
    qt, qc = int(ctx.quote_of[t.i]), int(ctx.quote_of[c.i])
    q = "same" if qt >= 0 and qt == qc else "in" if qt >= 0 else "out"
    if qc >= 0 and q != "same":
        q += "|cq"
    r = rel + ":" + lab
    f = [
        "b", "r=" + r, "rs=" + r + "|" + side, "rl=" + r + "|" + clem, "rel=" + rel + "|" + side,
        "p=" + t.pos_, "d=" + t.dep_, "rp=" + r + "|" + t.pos_, "w=" + t.lower_, "db=" + db + "|" + side,
        "q=" + q, "rq=" + r + "|" + q, "cl=" + clem + "|" + side, "cd=" + c.dep_ + "|" + r,
        "ct=" + c.tag_ + "|" + rel, "rw=" + rel + "|" + t.lower_ + "|" + side,
    ]
    if t.ent_type_:
        f.append("e=" + t.ent_type_ + "|" + side)
    return f


def cue_context(c: Token) -> tuple[dict[int, int], dict[int, str]]:
    """Ancestors of the cue head (id -> steps up), and which ancestor branch each is on."""
    anc: dict[int, int] = {}
    branch: dict[int, str] = {}
    x, up = c, 0
    while True:
        anc[x.i] = up
        if x.head.i == x.i or up > 40:
            break
        branch[x.head.i] = x.dep_
        x, up = x.head, up + 1
    return anc, branch


# -------------------------------------------------------------- continuation


def cont_features(sent_k: int, cue_sent: int, ctx: DocContext, included_prev: bool,
                  has_cue: bool, clem: str, content_quoted: bool) -> list[str]:
    """Features of a neighbouring sentence for the continuation model."""
    sents = ctx.sents
    s = sents[sent_k]
    step = sent_k - cue_sent
    words = [t for t in s if ctx.is_word[t.i]]
    first_q = int(ctx.quote_of[words[0].i]) if words else -1
    last_q = int(ctx.quote_of[words[-1].i]) if words else -1
    allq = bool(words) and all(ctx.quote_of[t.i] >= 0 for t in words)
    cue_s = sents[cue_sent]
    cue_last = [t for t in cue_s if not t.is_space]
    end_char = cue_last[-1].text if cue_last else ""
    starts_quote = ctx.text[s.start_char : s.end_char].lstrip()[:1] in "\"“'‘"
    cont_q = first_q >= 0 and first_q == int(ctx.quote_of[s.start - 1]) if s.start > 0 else False
    f = [
        "b", "step=" + str(step), "allq=" + str(allq), "sq=" + str(starts_quote),
        "cq=" + str(cont_q), "para=" + str(ctx.para_break_before[sent_k]) + "|" + str(step),
        "prev=" + str(included_prev), "cue=" + str(has_cue), "end=" + end_char + "|" + str(step),
        "lq=" + str(last_q >= 0), "cl=" + clem + "|" + str(step), "quoted=" + str(content_quoted),
        "qa=" + str(allq) + "|" + str(content_quoted) + "|" + str(has_cue),
        "len=" + str(min(len(words) // 5, 6)),
    ]
    if words:
        f.append("fw=" + words[0].lower_)
        f.append("fp=" + words[0].pos_)
    return f


# ------------------------------------------------------------------- decode


@dataclass(frozen=True, slots=True)
class Tagged:
    """One attribution as token indices (word tokens only, sorted)."""

    cue: tuple[int, ...]
    head: int  # the cue token whose head is outside the cue
    source: tuple[int, ...]
    content: tuple[int, ...]


def sentence_words(ctx: DocContext, k: int) -> list[int]:
    s = ctx.sents[k]
    return [i for i in range(s.start, s.end) if ctx.is_word[i]]


def predict_cues(ctx: DocContext, model: TaggerModel) -> tuple[list[list[int]], dict[int, float]]:
    """Cue token groups, and the cue model's log-odds of each token in them."""
    doc = ctx.doc
    idx = [t.i for t in doc if ctx.is_word[t.i] or t.text == ":"]
    rows = [hash_features(cue_features(doc[i], ctx)) for i in idx]
    scores = model.cue.scores(rows)[:, 0]
    positive = {i: float(s) for i, s in zip(idx, scores) if s > model.cue_threshold}
    return cue_groups(doc, list(positive)), positive


def role_instances(ctx: DocContext, group: Sequence[int]) -> tuple[Token, list[int], list[list[str]]]:
    """The cue head, the tokens the role model labels, and their features."""
    doc = ctx.doc
    c = cue_head(doc, group)
    members = set(group)
    anc, branch = cue_context(c)
    clem = c.lemma_.lower()
    toks = [i for i in sentence_words(ctx, int(ctx.sent_of[c.i])) if i not in members]
    return c, toks, [role_features(doc[i], c, members, anc, branch, ctx, clem) for i in toks]


def continuation(
    ctx: DocContext, c: Token, content: set[int], model: TaggerModel, cue_sents: set[int]
) -> set[int]:
    """Whole neighbouring sentences the content runs on into (next first, then previous)."""
    k0 = int(ctx.sent_of[c.i])
    quoted = any(ctx.quote_of[i] >= 0 for i in content)
    clem = c.lemma_.lower()
    added: set[int] = set()
    for direction in (1, -1):
        included = True
        steps = MAX_NEXT_SENTENCES if direction == 1 else 2
        for step in range(1, steps + 1):
            k = k0 + direction * step
            if not (0 <= k < len(ctx.sents)):
                break
            words = sentence_words(ctx, k)
            if not words:
                continue
            feats = cont_features(k, k0, ctx, included, k in cue_sents, clem, quoted)
            if model.cont.scores([hash_features(feats)])[0, 0] <= model.cont_threshold:
                break
            added.update(words)
    return added


def tag_doc(
    doc: Doc, quotes: Sequence[tuple[int, int]], model: TaggerModel, ctx: DocContext | None = None
) -> list[Tagged]:
    """All attributions of a parsed document, as token sets."""
    found = candidates(ctx or DocContext(doc, quotes), model)
    if not found:
        return []
    keep = model.keep.scores([hash_features(c.keep_features) for c in found])[:, 0]
    return [c.tagged for c, score in zip(found, keep) if score > model.keep_threshold]


@dataclass(frozen=True, slots=True)
class Candidate:
    """An attribution as the cue, role and continuation models found it, before ``keep``."""

    tagged: Tagged
    keep_features: list[str]


def candidates(ctx: DocContext, model: TaggerModel) -> list[Candidate]:
    """Every cue group with a non-empty content, its roles decoded."""
    groups, cue_scores = predict_cues(ctx, model)
    out: list[Candidate] = []
    cue_sents = {int(ctx.sent_of[g[0]]) for g in groups}
    for g, c, source, options in role_options(ctx, model, groups):
        span_scores = model.span.scores([hash_features(f) for _, f in options])[:, 0]
        ranked = sorted(range(len(options)), key=lambda j: -span_scores[j])
        best = next((j for j in ranked if not _is_medium(ctx, c, options[j][0])), ranked[0])
        content = set(options[best][0])
        more = continuation(ctx, c, content, model, cue_sents) - source
        feats = keep_features(ctx, g, c, source, content, bool(more), [cue_scores[i] for i in g])
        tagged = Tagged(tuple(g), c.i, tuple(sorted(source)), tuple(sorted(content | more)))
        out.append(Candidate(tagged, feats))
    return out


#: Prepositions that introduce where something was said ("wrote *in* its assessment", "said *on* X").
MEDIUM_PREPS = frozenset({"in", "on", "via", "through"})


def _is_medium(ctx: DocContext, c: Token, toks: AbstractSet[int]) -> bool:
    """Whether a content span is only the medium the cue names: the object of one of its
    prepositions, a channel noun or platform (``DocContext.media``) with no clause of its
    own ("wrote in *its Saturday assessment*"; not "commented on *the death*").

    Channel and content are different roles, so such a span is never the content;
    "wrote in a post *that ...*" (a clause under the object) is allowed.
    """
    top = _top(ctx, toks)
    prep = top.head
    if top.dep_ != "pobj" or prep.head.i != c.i or prep.lower_ not in MEDIUM_PREPS:
        return False
    if top.lemma_.lower() not in ctx.media and top.lower_ not in ctx.media:
        return False
    return not any(ctx.doc[i].pos_ in ("VERB", "AUX") for i in toks)


def role_options(
    ctx: DocContext, model: TaggerModel, groups: Sequence[Sequence[int]]
) -> Iterator[tuple[Sequence[int], Token, set[int], list[tuple[frozenset[int], list[str]]]]]:
    """Per cue group with any content span: the group, its head, its source and its content options."""
    if not groups:
        return
    insts = [role_instances(ctx, g) for g in groups]
    rows = [hash_features(f) for _, _, feats in insts for f in feats]
    logits = _role_logits(model.role.scores(rows))
    pos = 0
    for g, (c, toks, _) in zip(groups, insts):
        lg = logits[pos : pos + len(toks)]
        pos += len(toks)
        sent = ctx.sents[int(ctx.sent_of[c.i])]
        members = set(g)
        source = _best_subtree(sent, _token_scores(sent, toks, lg[:, 0], members), ctx) - members
        options = content_options(ctx, c, members, source, _token_scores(sent, toks, lg[:, 1], members | source))
        if options:
            yield g, c, source, options


def _bucket(x: float, edges: Sequence[float]) -> str:
    return next((str(e) for e in edges if x <= e), "inf")


_SCORE_EDGES = (-1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0)


def keep_features(ctx: DocContext, group: Sequence[int], c: Token, source: set[int], content: set[int],
                  continues: bool, cue_scores: Sequence[float]) -> list[str]:
    """Features of a whole candidate for the keep model: the cue's scores and the roles' shape."""
    doc = ctx.doc
    lem = c.lemma_.lower()
    top, low = max(cue_scores), min(cue_scores)
    has_source = "S" if source else "noS"
    prev = doc[group[0] - 1].lower_ if group[0] > 0 else "<s>"
    nxt = doc[group[-1] + 1].lower_ if group[-1] + 1 < len(doc) else "</s>"
    f = [
        "b", "cl=" + lem, "cw=" + "_".join(doc[i].lemma_.lower() for i in group), "ct=" + c.tag_,
        "cd=" + c.dep_, "n=" + str(min(len(group), 4)), "mx=" + _bucket(top, _SCORE_EDGES),
        "mn=" + _bucket(low, _SCORE_EDGES), "lmx=" + lem + "|" + _bucket(top, (-0.5, 0.5, 2.0)),
        "hs=" + has_source, "lhs=" + lem + "|" + has_source, "gd=" + "|".join(doc[i].dep_ for i in group),
        "pw=" + prev, "nw=" + nxt, "lnw=" + lem + "|" + nxt, "cq=" + str(ctx.quote_of[c.i] >= 0),
    ]
    if source:
        h = _top(ctx, source)
        f += ["sp=" + h.pos_, "se=" + (h.ent_type_ or "-"), "sd=" + h.dep_,
              "sl=" + _bucket(len(source), (1, 2, 4, 8)), "sw=" + (h.lower_ if h.pos_ == "PRON" else h.pos_),
              "sdh=" + h.dep_ + "|" + ("c" if h.head.i == c.i else "o"), "side=" + ("L" if h.i < c.i else "R")]
    h = _top(ctx, content)
    quoted = sum(1 for i in content if ctx.quote_of[i] >= 0) / len(content)
    k = ctx.sent_of[c.i]
    verb = any(doc[i].pos_ in ("VERB", "AUX") for i in content if ctx.sent_of[i] == k)
    first = min(content)
    f += ["cp=" + h.pos_, "cdep=" + h.dep_, "crel=" + h.dep_ + "|" + ("c" if h.head.i == c.i else "o"),
          "clen=" + _bucket(len(content), (1, 2, 4, 8, 16, 32)), "lcd=" + lem + "|" + h.dep_,
          "cside=" + ("L" if h.i < c.i else "R"), "cont=" + str(continues),
          "q=" + _bucket(quoted, (0.0, 0.5, 0.99, 1.0)), "lq=" + lem + "|" + _bucket(quoted, (0.0, 0.99)),
          "slen=" + _bucket(len(ctx.sents[k]), (5, 10, 20, 40)), "cv=" + str(verb), "lcv=" + lem + "|" + str(verb),
          "cfw=" + (doc[first].lower_ if first > c.i else "<L>")]
    if c.pos_ != "VERB":
        f.append("nv=" + c.pos_ + "|" + has_source)
    return f


def _top(ctx: DocContext, toks: AbstractSet[int]) -> Token:
    """The first token of a set whose head is outside it (or who is a root), as ``_tops``."""
    heads = ctx.heads
    return ctx.doc[next((i for i in sorted(toks) if heads[i] == i or heads[i] not in toks), min(toks))]


def _role_logits(scores: NDArray[np.float32]) -> NDArray[np.float64]:
    """Per token, log-odds of SOURCE and of CONTENT (columns 0, 1) from 3-class scores."""
    z = scores.astype(np.float64)
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p[:, 1:]) - np.log1p(-p[:, 1:])


_PENALTY = -8.0


def _token_scores(sent: SpacySpan, toks: Sequence[int], logit: NDArray[np.float64],
                  banned: set[int]) -> NDArray[np.float64]:
    """Prefix sums of per-token log-odds over the sentence (banned tokens penalised)."""
    vals = np.zeros(len(sent), dtype=np.float64)
    for i, v in zip(toks, logit):
        vals[i - sent.start] = v
    for i in banned:
        if sent.start <= i < sent.end:
            vals[i - sent.start] = _PENALTY
    out = np.zeros(len(sent) + 1, dtype=np.float64)
    np.cumsum(vals, out=out[1:])
    return out


def _spans(sent: SpacySpan, trims: bool = True) -> Iterable[tuple[int, int, int, int, str]]:
    """Every constituent-shaped span of a sentence, as (lo, hi, hole_lo, hole_hi, kind).

    Offsets are relative to the sentence; the hole is (-1, -1) when there is
    none. Kinds: "full" (a head's subtree), "minus" (less one child's
    subtree) and, with ``trims``, "trim" (a head and only the children
    nearest to it, outer ones on either side left out).
    """
    base = sent.start
    for h in sent:
        lo, hi = h.left_edge.i - base, h.right_edge.i - base + 1
        yield lo, hi, -1, -1, "full"
        for ch in h.children:
            yield lo, hi, ch.left_edge.i - base, ch.right_edge.i - base + 1, "minus"
        if trims:
            k = h.i - base
            los = [k] + [c.left_edge.i - base for c in h.lefts if c.left_edge.i >= sent.start]
            his = [k + 1] + [c.right_edge.i - base + 1 for c in h.rights if c.right_edge.i < sent.end]
            yield from ((a, b, -1, -1, "trim") for a in los for b in his)


def _span_score(prefix: NDArray[np.float64], lo: int, hi: int, clo: int, chi: int) -> float:
    hole = prefix[chi] - prefix[clo] if clo >= 0 else 0.0
    return float(prefix[hi] - prefix[lo] - hole)


def content_options(ctx: DocContext, c: Token, members: set[int], source: set[int],
                    prefix: NDArray[np.float64]) -> list[tuple[frozenset[int], list[str]]]:
    """The best-scoring content spans of the cue's sentence (at most ``SPAN_CANDIDATES``), with
    the span model's features; best first, cue and source words left out, no span twice.

    Empty when no span has a positive total log-odds of being content.
    """
    k = int(ctx.sent_of[c.i])
    sent = ctx.sents[k]
    if k not in ctx.spans:
        rows = list(_spans(sent))
        ctx.spans[k] = tuple(np.array([r[j] for r in rows], dtype=np.int64) for j in range(4)) + (
            np.array([_KINDS.index(r[4]) for r in rows], dtype=np.int64),)
    lo, hi, clo, chi, kinds = ctx.spans[k]
    hole = np.where(clo >= 0, prefix[chi] - prefix[clo], 0.0)
    scores = prefix[hi] - prefix[lo] - hole
    order = np.argsort(-scores, kind="stable")
    if not len(order) or scores[order[0]] <= 0.0:
        return []
    # each span's words (less cue and source) as a slice of ``words`` less an inner slice:
    # a key that is equal exactly when the word sets are, so duplicates cost no set
    base = sent.start
    words = np.array([i for i in range(sent.start, sent.end)
                      if ctx.is_word[i] and i not in members and i not in source], dtype=np.int64)
    i0, i1 = np.searchsorted(words, base + lo), np.searchsorted(words, base + hi)
    h0 = np.where(clo >= 0, np.searchsorted(words, base + clo), 0)
    h1 = np.where(clo >= 0, np.searchsorted(words, base + chi), 0)
    h0, h1 = np.clip(h0, i0, i1), np.clip(h1, i0, i1)
    no_hole = h0 >= h1
    i0 = np.where(~no_hole & (h0 == i0), h1, i0)
    i1 = np.where(~no_hole & (h1 == i1), h0, i1)
    inner = ~no_hole & (h0 > i0) & (h1 < i1)
    keys = np.stack([i0, i1, np.where(inner, h0, 0), np.where(inner, h1, 0)], axis=1)
    out: list[tuple[frozenset[int], float, str]] = []
    seen: set[tuple[int, ...]] = set()
    for j in order.tolist():
        key = tuple(keys[j].tolist())
        if key[0] >= key[1] or key in seen:
            continue
        seen.add(key)
        a, b, x, y = key
        toks = frozenset(words[a:x].tolist() + words[y:b].tolist()) if x < y else frozenset(words[a:b].tolist())
        out.append((toks, float(scores[j]), _KINDS[kinds[j]]))
        if len(out) == SPAN_CANDIDATES:
            break
    if not out or out[0][1] <= 0.0:
        return []
    anc, branch = cue_context(c)
    clem = c.lemma_.lower()
    best = out[0][1]
    return [(toks, span_features(ctx, c, members, toks, best - score, rank, kind, anc, branch, clem))
            for rank, (toks, score, kind) in enumerate(out)]


_KINDS = ("full", "minus", "trim")


def span_features(ctx: DocContext, c: Token, members: set[int], toks: frozenset[int], gap: float, rank: int,
                  kind: str, anc: dict[int, int], branch: dict[int, str], clem: str) -> list[str]:
    """Features of one content span for the span model: its edges, its head, its rank."""
    doc = ctx.doc
    lo, hi = min(toks), max(toks)
    h = _top(ctx, toks)
    rel, lab = _relation(h, members, anc, branch)
    r = rel + ":" + lab
    sent = ctx.sents[int(ctx.sent_of[c.i])]
    first, last = doc[lo], doc[hi]
    prev = doc[lo - 1].lower_ if lo > 0 else "<s>"
    prev_pos = doc[lo - 1].pos_ if lo > 0 else "<s>"
    nxt = doc[hi + 1].lower_ if hi + 1 < len(doc) else "</s>"
    holes = sum(1 for i in range(lo, hi + 1) if ctx.is_word[i] and i not in toks and i not in members)
    side = "L" if hi < c.i else "R" if lo > c.i else "X"
    return [
        "b", "rank=" + _bucket(rank, (0, 1, 2, 4, 8, 16)), "gap=" + _bucket(gap, (0.0, 0.5, 1.0, 2.0, 4.0, 8.0)),
        "kind=" + kind, "kr=" + kind + "|" + _bucket(rank, (0, 1, 3)), "rel=" + r, "cr=" + clem + "|" + r,
        "hd=" + h.dep_, "hp=" + h.pos_, "fw=" + first.lower_, "fp=" + first.pos_, "fd=" + first.dep_,
        "fwd=" + first.lower_ + "|" + first.dep_, "cfw=" + clem + "|" + first.lower_,
        "sf=" + side + "|" + first.pos_ + "|" + first.dep_, "lw=" + last.lower_, "lp=" + last.pos_,
        "pw=" + prev, "pp=" + prev_pos, "nw=" + nxt, "side=" + side,
        "ss=" + str(lo <= sent.start + 1), "se=" + str(hi >= sent.end - 2),
        "holes=" + _bucket(holes, (0, 1, 3)), "len=" + _bucket(len(toks), (1, 2, 4, 8, 16, 32)),
        "fq=" + str(ctx.quote_of[lo] >= 0), "lq=" + str(ctx.quote_of[hi] >= 0),
    ]


def _best_subtree(sent: SpacySpan, prefix: NDArray[np.float64], ctx: DocContext) -> set[int]:
    """The subtree, or subtree less one child's subtree, with the highest total log-odds.

    Spans are whole constituents, so a token-level slip does not punch holes
    in a span; the empty set wins when every candidate scores below zero.
    """
    base = sent.start
    best, best_score = None, 0.0
    for lo, hi, clo, chi, _ in _spans(sent, trims=False):
        score = _span_score(prefix, lo, hi, clo, chi)
        if score > best_score:
            best, best_score = (lo, hi, clo, chi), score
    if best is None:
        return set()
    lo, hi, clo, chi = best
    return {base + k for k in range(lo, hi) if not (clo <= k < chi) and ctx.is_word[base + k]}


def fragments(doc: Doc, toks: Sequence[int], ctx: DocContext) -> list[tuple[int, int]]:
    """Character spans of runs of tokens; punctuation between two chosen words joins them."""
    out: list[tuple[int, int]] = []
    chosen = set(toks)
    run_start: int | None = None
    last = -1
    for i in sorted(chosen):
        if run_start is not None and all(not ctx.is_word[j] for j in range(last + 1, i)):
            last = i
            continue
        if run_start is not None:
            out.append((doc[run_start].idx, doc[last].idx + len(doc[last])))
        run_start = last = i
    if run_start is not None:
        out.append((doc[run_start].idx, doc[last].idx + len(doc[last])))
    return out
