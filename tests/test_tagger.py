"""The learned attribution tagger: its numeric core, its model files, and its decoding helpers."""

from __future__ import annotations

import json
import zlib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from spacy.language import Language

from claimtrack import tagger
from claimtrack.errors import ModelError
from claimtrack.tagger import LinearModel, TaggerModel


def _tiny_model(seed: int = 0) -> TaggerModel:
    rng = np.random.default_rng(seed)

    def lm(k: int) -> LinearModel:
        w = rng.normal(size=(tagger.N_BUCKETS, k)).astype(np.float32)
        return LinearModel(w, rng.normal(size=k).astype(np.float32))

    return TaggerModel(lm(1), lm(3), lm(1), lm(1), lm(1), -0.5, 0.25, 0.75, {"note": "test"})


def test_hash_features_is_crc32_in_range() -> None:
    ids = tagger.hash_features(["w=said", "l=say", "w=said"])
    assert ids[0] == ids[2] == zlib.crc32(b"w=said") % tagger.N_BUCKETS
    assert ids[0] != ids[1]
    assert all(0 <= i < tagger.N_BUCKETS for i in ids)


def test_linear_model_sums_rows_and_adds_bias() -> None:
    w = np.zeros((tagger.N_BUCKETS, 2), dtype=np.float32)
    w[3] = [1.0, -1.0]
    w[7] = [0.5, 2.0]
    m = LinearModel(w, np.array([0.1, 0.2], dtype=np.float32))
    got = m.scores([[3, 7], [], [7, 7]])
    np.testing.assert_allclose(got, [[1.6, 1.2], [0.1, 0.2], [1.1, 4.2]], rtol=1e-6)
    assert m.scores([]).shape == (0, 2)


def test_model_round_trips_through_its_directory(tmp_path: Path) -> None:
    model = _tiny_model()
    model.save(tmp_path / "m")
    back = TaggerModel.load(tmp_path / "m")
    assert (back.cue_threshold, back.cont_threshold, back.keep_threshold) == (-0.5, 0.25, 0.75)
    assert back.meta["note"] == "test"
    # weights are stored as float16: equal to that precision
    np.testing.assert_allclose(back.role.weights, model.role.weights, rtol=1e-3, atol=1e-3)
    np.testing.assert_array_equal(back.cue.bias, model.cue.bias)
    np.testing.assert_allclose(back.keep.weights, model.keep.weights, rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(back.span.weights, model.span.weights, rtol=1e-3, atol=1e-3)


def test_missing_model_directory_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot be read"):
        TaggerModel.load(tmp_path / "nothing-here")


def test_model_of_another_format_is_refused(tmp_path: Path) -> None:
    _tiny_model().save(tmp_path)
    meta = json.loads((tmp_path / "meta.json").read_text())
    meta["format"] = "claimtrack-attribution/0"
    (tmp_path / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="retrain"):
        TaggerModel.load(tmp_path)


def test_shipped_model_is_small_and_describes_its_training() -> None:
    directory = Path(tagger.__file__).parent / tagger.DEFAULT_MODEL_DIR
    size = sum(p.stat().st_size for p in directory.iterdir())
    assert size < 30 * 1024 * 1024
    model = tagger.default_model()
    assert model.meta["format"] == tagger.MODEL_FORMAT
    assert model.meta["train_articles"] == 840
    assert model.role.weights.shape == (tagger.N_BUCKETS, 3)


@pytest.mark.model
def test_fragments_join_words_across_punctuation_only(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp('He said: "Yes, we will," and left.')
    ctx = tagger.DocContext(doc, [])
    words = [t.i for t in doc if t.lower_ in ("yes", "we", "will", "left")]
    frags = tagger.fragments(doc, words, ctx)
    assert [doc.text[a:b] for a, b in frags] == ["Yes, we will", "left"]


@pytest.mark.model
def test_cue_groups_join_adjacent_tokens_but_not_coordinated_cues(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("The minister has also said and insisted that it was over.")
    idx = {t.lower_: t.i for t in doc}
    groups = tagger.cue_groups(doc, [idx["has"], idx["also"], idx["said"], idx["insisted"]])
    assert [[doc[i].text for i in g] for g in groups] == [["has", "also", "said"], ["insisted"]]


@pytest.mark.model
def test_keep_model_decides_which_candidates_are_attributions(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("The mayor said the bridge would reopen. Officials hoped for rain, aides said on Friday.")
    model = tagger.default_model()
    ctx = tagger.DocContext(doc, [])
    found = tagger.candidates(ctx, model)
    assert len(found) >= 2
    everything = tagger.tag_doc(doc, [], replace(model, keep_threshold=-np.inf))
    assert everything == [c.tagged for c in found]
    assert tagger.tag_doc(doc, [], replace(model, keep_threshold=np.inf)) == []
    kept = tagger.tag_doc(doc, [], model)
    assert [doc[t.head].text for t in kept][:1] == ["said"]
    assert set(kept) <= set(everything)


@pytest.mark.model
def test_keep_features_describe_the_roles_shape(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("The mayor said the bridge would reopen.")
    ctx = tagger.DocContext(doc, [])
    said = doc[2]
    source = {0, 1}
    content = {3, 4, 5, 6}
    feats = tagger.keep_features(ctx, [2], said, source, content, False, [1.7])
    assert {"cl=say", "hs=S", "mx=2.0", "sp=NOUN", "side=L", "cdep=ccomp", "cside=R", "cv=True",
            "cfw=the", "cont=False"} <= set(feats)
    no_source = tagger.keep_features(ctx, [2], said, set(), content, True, [-0.9])
    assert {"hs=noS", "mx=-0.5", "cont=True"} <= set(no_source)
    assert not any(f.startswith("sp=") for f in no_source)


# --- content spans ----------------------------------------------------------------------------


def _said_options(nlp):  # type: ignore[no-untyped-def]
    doc = nlp("The mayor said on Monday that the old bridge would reopen in May.")
    ctx = tagger.DocContext(doc, [])
    said = next(t for t in doc if t.text == "said")
    members, source = {said.i}, {0, 1}
    # token log-odds: the words after "that" are content, the rest are not
    start = next(t.i for t in doc if t.text == "that")
    logits = np.array([2.0 if start < t.i < len(doc) - 1 else -2.0 for t in doc])
    prefix = np.zeros(len(doc) + 1)
    np.cumsum(logits, out=prefix[1:])
    return doc, tagger.content_options(ctx, said, members, source, prefix), members | source


@pytest.mark.model
def test_content_options_are_distinct_ranked_spans_without_cue_or_source(nlp) -> None:  # type: ignore[no-untyped-def]
    doc, options, banned = _said_options(nlp)
    assert 1 <= len(options) <= tagger.SPAN_CANDIDATES
    spans = [toks for toks, _ in options]
    assert len(set(spans)) == len(spans)
    assert all(not (toks & banned) for toks in spans)
    best = " ".join(doc[i].text for i in sorted(spans[0]))
    assert best == "the old bridge would reopen in May"
    assert {"rank=0", "fw=the", "pw=that", "side=R"} <= set(options[0][1])
    assert any(f.startswith("rank=") and f != "rank=0" for f in options[1][1])


@pytest.mark.model
def test_content_options_are_empty_when_no_span_scores_above_zero(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("The mayor said so.")
    ctx = tagger.DocContext(doc, [])
    prefix = -np.arange(len(doc) + 1, dtype=np.float64)  # every token -1
    assert tagger.content_options(ctx, doc[2], {2}, set(), prefix) == []


@pytest.mark.model
def test_span_model_chooses_among_the_options(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("The mayor said the bridge would reopen.")
    model = tagger.default_model()
    ctx = tagger.DocContext(doc, [])
    [(group, _, _, options)] = [x for x in tagger.role_options(ctx, model, [[2]])]
    assert list(group) == [2] and len(options) > 1
    # a span model that prefers the last option makes the last option the content
    last = options[-1][1]
    w = np.zeros((tagger.N_BUCKETS, 1), dtype=np.float32)
    for i in set(tagger.hash_features(last)) - set(tagger.hash_features(options[0][1])):
        w[i, 0] = 5.0
    picky = replace(model, span=LinearModel(w, np.zeros(1, dtype=np.float32)), keep_threshold=-np.inf)
    [found] = [c for c in tagger.candidates(ctx, picky) if c.tagged.head == 2]
    assert set(found.tagged.content) == set(options[-1][0])
    [shipped] = [c for c in tagger.candidates(ctx, model) if c.tagged.head == 2]
    assert [doc[i].text for i in shipped.tagged.content] == ["the", "bridge", "would", "reopen"]


@pytest.mark.model
def test_a_cues_medium_is_not_content(nlp: Language) -> None:
    doc = nlp("The institute wrote in its Saturday assessment. The senator commented on the verdict.")
    ctx = tagger.DocContext(doc, [], media=frozenset({"assessment"}))
    wrote, commented = doc[2], doc[10]
    assert (wrote.text, commented.text) == ("wrote", "commented")
    assessment = frozenset(range(4, 7))  # "its Saturday assessment"
    assert tagger._is_medium(ctx, wrote, assessment)
    assert not tagger._is_medium(tagger.DocContext(doc, []), wrote, assessment)  # not a medium word
    assert not tagger._is_medium(ctx, commented, frozenset(range(12, 14)))  # "on the verdict": a topic
