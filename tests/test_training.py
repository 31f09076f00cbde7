"""Training the attribution tagger: the PolNeAR reader, a tiny training run, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from claimtrack import polnear, tagger, training
from claimtrack.cli import main

DOCS = {
    "a_2016-01-01_one": (
        "The mayor said the bridge will reopen in May.\n",
        ("T1\tSource 0 9\tThe mayor\nT2\tCue 10 14\tsaid\nT3\tContent 15 44\tthe bridge will reopen in May\n"
        "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n"),
    ),
    "b_2016-01-02_two": (
        '"Taxes will fall," the senator said. "Nobody doubts it."\n',
        ('T1\tContent 0 18\t"Taxes will fall,"\nT2\tSource 19 30\tthe senator\nT3\tCue 31 35\tsaid\n'
        'T4\tContent 37 56\t"Nobody doubts it."\n'
        "E1\tAttribution:T3 Source:T2 Cue:T3 Content:T1 Content2:T4\n"
        "E2\tAttribution-no-source:T3 Cue:T3\n"),  # no content: dropped, as the scorer does
    ),
    "c_2016-01-03_three": (
        "According to officials, the talks failed.\n",
        ("T1\tCue 0 12\tAccording to\nT2\tSource 13 22\tofficials\nT3\tContent 24 41\tthe talks failed\n"
        "E1\tAttribution:T1 Source:T2 Cue:T1 Content:T3\n"),
    ),
}


@pytest.fixture
def split(tmp_path: Path) -> Path:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    for name, (text, ann) in DOCS.items():
        (tmp_path / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
        (tmp_path / "attributions" / f"{name}_zz01.ann").write_text(ann, encoding="utf-8")
    # a second annotator that sorts later is ignored
    (tmp_path / "attributions" / "a_2016-01-01_one_zz02.ann").write_text("E1\tbroken", encoding="utf-8")
    return tmp_path


def test_read_gold_pools_numbered_roles_and_drops_incomplete_events(split: Path) -> None:
    docs = {d.name: d for d in polnear.read_gold(split)}
    assert sorted(docs) == sorted(DOCS)
    two = docs["b_2016-01-02_two"]
    assert len(two.attributions) == 1
    attr = two.attributions[0]
    assert [two.text[a:b] for a, b in attr["content"]] == ['"Taxes will fall,"', '"Nobody doubts it."']
    assert [two.text[a:b] for a, b in attr["source"]] == ["the senator"]
    one = docs["a_2016-01-01_one"]
    assert [one.text[a:b] for a, b in one.attributions[0]["cue"]] == ["said"]


def test_read_gold_rejects_a_directory_that_is_not_a_split(tmp_path: Path) -> None:
    with pytest.raises(polnear.SplitError, match="not a PolNeAR split"):
        polnear.read_gold(tmp_path)


@pytest.mark.model
def test_instances_label_gold_tokens(split: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    gold = polnear.read_gold(split)[0]
    doc = nlp(gold.text)
    cue, role, _cont = training.instances(doc, gold)
    words = [t for t in doc if any(ch.isalnum() for ch in t.text)]
    assert len(cue.rows) == len(words)
    assert sum(cue.labels) == 1  # "said"
    # role instances: every word of the sentence but the cue; 2 source, 6 content words
    assert sorted(role.labels) == [0] * 0 + [1] * 2 + [2] * 6


@pytest.mark.model
def test_training_is_deterministic_and_the_model_tags(split: Path, nlp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    golds = polnear.read_gold(split)
    first = training.train_attribution(nlp, golds, golds, seed=3).model
    second = training.train_attribution(nlp, golds, golds, seed=3).model
    assert (first.cue.weights == second.cue.weights).all()
    first.save(tmp_path / "model")
    model = tagger.TaggerModel.load(tmp_path / "model")
    doc = nlp(golds[0].text)
    found = tagger.tag_doc(doc, [], model)
    assert [[doc[i].text for i in t.cue] for t in found] == [["said"]]
    assert model.meta["folds"] == training.FOLDS


@pytest.mark.model
def test_keep_instances_label_candidates_by_their_cue(split: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    golds = polnear.read_gold(split)
    model = tagger.default_model()
    docs = [nlp(g.text) for g in golds]
    inst = training.keep_instances(docs, golds, model)
    assert len(inst.rows) == len(inst.labels) >= 1
    # the shipped model finds "said" in the first article, and the gold cue is "said"
    first = training.keep_instances(docs[:1], golds[:1], model)
    assert 1 in first.labels
    nothing = training.keep_instances(docs[:1], [polnear.GoldDoc(golds[0].name, golds[0].text, [])], model)
    assert set(nothing.labels) == {0}


@pytest.mark.model
def test_span_instances_label_the_gold_content(split: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    golds = polnear.read_gold(split)
    docs = [nlp(g.text) for g in golds]
    inst = training.span_instances(docs[:1], golds[:1], tagger.default_model())
    assert len(inst.rows) == len(inst.labels) > 1
    # exactly one option is "the bridge will reopen in May"
    assert inst.labels.count(1) == 1
    nothing = training.span_instances(docs[:1], [polnear.GoldDoc(golds[0].name, golds[0].text, [])],
                                      tagger.default_model())
    assert nothing.rows == []


@pytest.mark.model
def test_cli_trains_and_writes_a_loadable_model(split: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["train", "attribution", "--train", str(split), "--dev", str(split),
                                  "--out", str(out), "--quiet"])
    assert r.exit_code == 0, r.output
    assert {p.name for p in out.iterdir()} == {"weights.npz", "meta.json"}
    assert tagger.TaggerModel.load(out).meta["train_articles"] == 3


def test_cli_train_on_a_missing_split_is_a_usage_error(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["train", "attribution", "--train", str(tmp_path), "--out", str(tmp_path / "o")])
    assert r.exit_code == 2
    assert "not a PolNeAR split" in r.output
