"""Training the attribution tagger on PolNeAR (``claimtrack train attribution``).

Needs the ``train`` extra (scikit-learn, for the logistic regressions); the
trained weights are plain numpy arrays, so running the tagger does not.

The gold comes from ``polnear.read_gold``.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from spacy.language import Language
from spacy.tokens import Doc

from claimtrack import tagger
from claimtrack.attributions import find_quotes
from claimtrack.polnear import Frags, GoldDoc


def token_set(doc: Doc, frags: Frags, ctx: tagger.DocContext) -> set[int]:
    """Word tokens touching any fragment (punctuation-only spans keep their tokens)."""
    out: set[int] = set()
    allt: set[int] = set()
    for a, b in frags:
        sp = doc.char_span(a, b, alignment_mode="expand")
        if sp is None:
            continue
        for t in sp:
            if not t.is_space:
                allt.add(t.i)
                if ctx.is_word[t.i]:
                    out.add(t.i)
    return out or allt


# ---------------------------------------------------------------- instances


@dataclass
class Instances:
    rows: list[list[int]]
    labels: list[int]

    def add(self, feats: list[str], label: int) -> None:
        self.rows.append(tagger.hash_features(feats))
        self.labels.append(label)


def _context(doc: Doc) -> tagger.DocContext:
    """The tagger's view of a parsed document, with its quotations found as at run time."""
    return tagger.DocContext(doc, [(q.start, q.end) for q in find_quotes(doc.text)[0]])


def instances(doc: Doc, gold: GoldDoc) -> tuple[Instances, Instances, Instances]:
    """Cue, role and continuation training instances of one parsed gold document."""
    ctx = _context(doc)
    cue_i, role_i, cont_i = Instances([], []), Instances([], []), Instances([], [])
    roles = []
    cue_tokens: set[int] = set()
    for a in gold.attributions:
        cue_set = token_set(doc, a["cue"], ctx)
        if not cue_set:
            continue
        cue_tokens |= cue_set
        roles.append((sorted(cue_set), token_set(doc, a["source"], ctx), token_set(doc, a["content"], ctx)))
    for t in doc:
        if ctx.is_word[t.i] or t.text == ":":
            cue_i.add(tagger.cue_features(t, ctx), int(t.i in cue_tokens))
    cue_sents = {int(ctx.sent_of[c[0]]) for c, _, _ in roles}
    for cue, source, content in roles:
        c, toks, feats = tagger.role_instances(ctx, cue)
        for i, f in zip(toks, feats):
            role_i.add(f, 1 if i in source else 2 if i in content else 0)
        k0 = int(ctx.sent_of[c.i])
        quoted = any(ctx.quote_of[i] >= 0 for i in content if ctx.sent_of[i] == k0)
        content_sents = {int(ctx.sent_of[i]) for i in content}
        clem = c.lemma_.lower()
        for direction in (1, -1):
            steps = tagger.MAX_NEXT_SENTENCES if direction == 1 else 2
            included = True
            for step in range(1, steps + 1):
                k = k0 + direction * step
                if not (0 <= k < len(ctx.sents)) or not tagger.sentence_words(ctx, k):
                    break
                label = int(k in content_sents)
                cont_i.add(tagger.cont_features(k, k0, ctx, included, k in cue_sents, clem, quoted), label)
                if not label:
                    break
    return cue_i, role_i, cont_i


def parse(nlp: Language, golds: Sequence[GoldDoc], progress: Callable[[int], None] | None = None) -> list[Doc]:
    """The gold texts parsed, in order."""
    docs = []
    for n, doc in enumerate(nlp.pipe((g.text for g in golds), batch_size=32), 1):
        docs.append(doc)
        if progress is not None:
            progress(n)
    return docs


Parts = tuple[Instances, Instances, Instances]


def concat(parts: Sequence[Parts], which: int) -> Instances:
    """One model's instances (0 cue, 1 role, 2 continuation) from several documents."""
    out = Instances([], [])
    for p in parts:
        out.rows.extend(p[which].rows)
        out.labels.extend(p[which].labels)
    return out


def keep_instances(docs: Sequence[Doc], golds: Sequence[GoldDoc], model: tagger.TaggerModel) -> Instances:
    """The model's candidates on gold documents, labelled 1 when the cue overlaps a gold cue."""
    out = Instances([], [])
    for doc, gold in zip(docs, golds):
        ctx = _context(doc)
        cues: set[int] = set()
        for a in gold.attributions:
            cues |= token_set(doc, a["cue"], ctx)
        for cand in tagger.candidates(ctx, model):
            out.add(cand.keep_features, int(not cues.isdisjoint(cand.tagged.cue)))
    return out


def span_instances(docs: Sequence[Doc], golds: Sequence[GoldDoc], model: tagger.TaggerModel) -> Instances:
    """The model's content options for cues that overlap a gold cue, labelled 1 when the option
    is exactly the gold content's words in the cue's sentence."""
    out = Instances([], [])
    for doc, gold in zip(docs, golds):
        ctx = _context(doc)
        marked = [(token_set(doc, a["cue"], ctx), token_set(doc, a["content"], ctx)) for a in gold.attributions]
        groups, _ = tagger.predict_cues(ctx, model)
        for g, c, source, options in tagger.role_options(ctx, model, groups):
            content = next((con for cue, con in marked if not cue.isdisjoint(g)), None)
            if content is None:
                continue
            k = ctx.sent_of[c.i]
            here = frozenset(i for i in content if ctx.sent_of[i] == k and i not in source) - set(g)
            for toks, feats in options:
                out.add(feats, int(toks == here))
    return out


def _matrix(rows: Sequence[Sequence[int]]) -> csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=indptr[1:])
    indices = np.fromiter((i for r in rows for i in r), dtype=np.int32, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float32)
    m = csr_matrix((data, indices, indptr), shape=(len(rows), tagger.N_BUCKETS))
    m.sum_duplicates()
    return m


_CONSTANT = 8.0


def fit(inst: Instances, c: float, seed: int, n_labels: int = 2) -> tagger.LinearModel:
    """L2-regularised logistic regression (multinomial when more than two labels).

    Binary models (``n_labels == 2``) have one column, the log-odds of label 1;
    others have one column of scores per label. A label missing from the data
    gets a very low score; a single label present gives a constant model.
    """
    x = _matrix(inst.rows)
    y = np.asarray(inst.labels)
    classes = [int(k) for k in np.unique(y)]
    cols = 1 if n_labels == 2 else n_labels
    weights = np.zeros((tagger.N_BUCKETS, cols), dtype=np.float32)
    bias = np.full(cols, -_CONSTANT, dtype=np.float32)
    if len(classes) < 2:  # a tiny training set: always that label
        if classes and (cols > 1 or classes[0] == 1):
            bias[classes[0] if cols > 1 else 0] = _CONSTANT
        return tagger.LinearModel(weights, bias)
    clf = LogisticRegression(C=c, max_iter=300, random_state=seed, solver="lbfgs")
    with warnings.catch_warnings():  # a few hundred lbfgs steps are enough; dev decides
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(x, y)
    coef, intercept = clf.coef_.astype(np.float32), clf.intercept_.astype(np.float32)
    if cols == 1:
        return tagger.LinearModel(np.ascontiguousarray(coef.T), intercept)
    if len(classes) == 2:  # sklearn's binary form: log-odds of the second class over the first
        coef = np.vstack([np.zeros_like(coef[0]), coef[0]])
        intercept = np.array([0.0, intercept[0]], dtype=np.float32)
    for row, k in enumerate(classes):
        weights[:, k] = coef[row]
        bias[k] = intercept[row]
    return tagger.LinearModel(weights, bias)


# ------------------------------------------------------------------ training

#: Regularisation (inverse strength) per model, chosen on PolNeAR dev.
C_CUE, C_ROLE, C_CONT, C_SPAN, C_KEEP = 0.3, 1.0, 1.0, 1.0, 0.1
#: The span and keep models learn from what models that did not see the article find: k folds.
FOLDS = 5


@dataclass(frozen=True)
class TrainReport:
    model: tagger.TaggerModel
    instances: dict[str, int]
    seconds: float


def _best_threshold(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """The logit threshold with the best F1 on held-out instances, and that F1."""
    best = (0.0, -1.0)
    for th in np.arange(-2.0, 2.01, 0.25):
        pred = scores > th
        tp = float(np.sum(pred & (labels == 1)))
        f1 = 2 * tp / max(1.0, float(pred.sum() + (labels == 1).sum()))
        if f1 > best[1]:
            best = (float(th), f1)
    return best


def _fit_three(parts: Sequence[Parts], seed: int) -> list[tagger.LinearModel]:
    """The cue, role and continuation models fitted on some documents' instances."""
    return [fit(concat(parts, 0), C_CUE, seed), fit(concat(parts, 1), C_ROLE, seed, n_labels=3),
            fit(concat(parts, 2), C_CONT, seed)]


def _with(models: Sequence[tagger.LinearModel], span: tagger.LinearModel, keep: tagger.LinearModel,
          cue_th: float, cont_th: float, keep_th: float) -> tagger.TaggerModel:
    return tagger.TaggerModel(models[0], models[1], models[2], span, keep, cue_th, cont_th, keep_th, {})


#: Before the keep model is fitted, every candidate is kept.
_KEEP_ALL = tagger.LinearModel(np.zeros((tagger.N_BUCKETS, 1), dtype=np.float32),
                               np.ones(1, dtype=np.float32))
#: Before the span model is fitted, the best-scoring span is the content (every score is 0).
_FIRST_SPAN = tagger.LinearModel(np.zeros((tagger.N_BUCKETS, 1), dtype=np.float32),
                                 np.zeros(1, dtype=np.float32))


def train_attribution(
    nlp: Language,
    train: Sequence[GoldDoc],
    dev: Sequence[GoldDoc] | None = None,
    seed: int = 0,
    log: Callable[[str], None] = lambda _: None,
) -> TrainReport:
    """Fit the cue, role, continuation, span and keep models; tune the thresholds on ``dev``.

    The span and keep models are fitted on what ``FOLDS`` copies of the
    first three models (each fitted without one fold of the training
    articles) find in the fold they did not see: the span model on their
    content options, then the keep model on their candidates with the span
    model choosing the content. Deterministic for a given
    spaCy pipeline and data: lbfgs on the same matrix gives the same weights
    (the seed goes to scikit-learn and is recorded).
    """
    t0 = time.perf_counter()
    log(f"parsing {len(train)} training articles")
    docs = parse(nlp, train, _every(100, len(train), log))
    parts = [instances(d, g) for d, g in zip(docs, train)]
    counts = {name: len(concat(parts, k).rows) for k, name in enumerate(("cue", "role", "continuation"))}
    log(f"instances: {counts}")
    t1 = time.perf_counter()
    models = _fit_three(parts, seed)
    log(f"fitted cue, role and continuation models in {time.perf_counter() - t1:.1f}s")
    cue_th = cont_th = keep_th = 0.0
    dev_f1: dict[str, float] = {}
    dev_docs: list[Doc] = []
    if dev:
        log(f"parsing {len(dev)} dev articles to tune thresholds")
        dev_docs = parse(nlp, dev)
        dparts = [instances(d, g) for d, g in zip(dev_docs, dev)]
        dcue, dcont = concat(dparts, 0), concat(dparts, 2)
        cue_th, dev_f1["cue_token_f1"] = _best_threshold(models[0].scores(dcue.rows)[:, 0], np.asarray(dcue.labels))
        cont_th, dev_f1["continuation_f1"] = _best_threshold(
            models[2].scores(dcont.rows)[:, 0], np.asarray(dcont.labels))
    folds: list[tuple[list[int], tagger.TaggerModel]] = []
    span_i = Instances([], [])
    for k in range(FOLDS):
        t1 = time.perf_counter()
        held = [i for i in range(len(docs)) if i % FOLDS == k]
        rest = [parts[i] for i in range(len(docs)) if i % FOLDS != k]
        fold_model = _with(_fit_three(rest, seed), _FIRST_SPAN, _KEEP_ALL, cue_th, cont_th, 0.0)
        folds.append((held, fold_model))
        part = span_instances([docs[i] for i in held], [train[i] for i in held], fold_model)
        span_i.rows.extend(part.rows)
        span_i.labels.extend(part.labels)
        log(f"fold {k + 1}/{FOLDS}: {len(part.rows)} content spans ({time.perf_counter() - t1:.1f}s)")
    counts["span"] = len(span_i.rows)
    span = fit(span_i, C_SPAN, seed) if len(set(span_i.labels)) > 1 else _FIRST_SPAN
    keep_i = Instances([], [])
    for held, fold_model in folds:
        part = keep_instances([docs[i] for i in held], [train[i] for i in held], replace(fold_model, span=span))
        keep_i.rows.extend(part.rows)
        keep_i.labels.extend(part.labels)
    log(f"{len(keep_i.rows)} candidates for the keep model")
    counts["keep"] = len(keep_i.rows)
    # Too few articles to have both kinds of candidate: keep everything the first models find.
    keep = fit(keep_i, C_KEEP, seed) if len(set(keep_i.labels)) > 1 else _KEEP_ALL
    if dev:
        dkeep = keep_instances(dev_docs, dev, _with(models, span, _KEEP_ALL, cue_th, cont_th, 0.0))
        keep_th, dev_f1["keep_f1"] = _best_threshold(keep.scores(dkeep.rows)[:, 0], np.asarray(dkeep.labels))
        log(f"thresholds: cue {cue_th:+.2f}, continuation {cont_th:+.2f}, keep {keep_th:+.2f} ({dev_f1})")
    seconds = time.perf_counter() - t0
    meta: dict[str, object] = {
        "spacy_pipeline": f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}-{nlp.meta.get('version')}",
        "train_articles": len(train),
        "dev_articles": len(dev or ()),
        "instances": counts,
        "seed": seed,
        "folds": FOLDS,
        "C": {"cue": C_CUE, "role": C_ROLE, "continuation": C_CONT, "span": C_SPAN, "keep": C_KEEP},
        "dev": dev_f1,
        "train_seconds": round(seconds, 1),
        "cpus": os.cpu_count(),
    }
    model = tagger.TaggerModel(models[0], models[1], models[2], span, keep, cue_th, cont_th, keep_th, meta)
    return TrainReport(model, counts, seconds)


def _every(n: int, total: int, log: Callable[[str], None]) -> Callable[[int], None]:
    def progress(done: int) -> None:
        if done % n == 0 or done == total:
            log(f"  {done}/{total}")

    return progress

