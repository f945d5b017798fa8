"""The training config stays honest: a few steps on ~20 UD sentences (seconds)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

REPO = Path(__file__).resolve().parents[2]
CORPORA = Path(os.environ.get("MELDUNG_CORPORA") or REPO.parent / "shared" / "corpora")
GSD_DEV = CORPORA / "ud/UD_German-GSD/de_gsd-ud-dev.conllu"
CONFIG = REPO / "models/configs/ud.cfg"


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory):
    if not GSD_DEV.exists():
        pytest.skip(f"UD German GSD not found at {GSD_DEV}")
    from pipeline.evaluate.ud import read_conllu, sentence_to_doc

    vocab = spacy.blank("de").vocab
    docs = [sentence_to_doc(vocab, s) for s in read_conllu(GSD_DEV, limit=20)]
    out = tmp_path_factory.mktemp("corpus")
    DocBin(docs=docs[:16]).to_disk(out / "train.spacy")
    DocBin(docs=docs[16:]).to_disk(out / "dev.spacy")
    return out


@pytest.mark.parametrize("steps", [6])
def test_training_smoke_config_trains(tiny_corpus, tmp_path, steps):
    from spacy.cli.train import train

    import pipeline.components.tokenizer  # noqa: F401  (the config's before_init callback)

    overrides = {
        "paths.train": str(tiny_corpus / "train.spacy"),
        "paths.dev": str(tiny_corpus / "dev.spacy"),
        "training.max_steps": steps,
        "training.eval_frequency": 3,
        "training.batcher.size.start": 200,
        "training.batcher.size.stop": 200,
        # frequent edit trees and labels only: lower the thresholds for 16 sentences
        "components.trainable_lemmatizer.min_tree_freq": 1,
        "components.parser.min_action_freq": 1,
    }
    train(CONFIG, tmp_path / "out", overrides=overrides, use_gpu=-1)
    nlp = spacy.load(tmp_path / "out" / "model-last")
    assert nlp.pipe_names == ["tok2vec", "tagger", "morphologizer", "parser", "trainable_lemmatizer"]
    doc = nlp("Die Bürger:innen zahlen 3,5 Mio. Euro.")
    assert [t.text for t in doc][:2] == ["Die", "Bürger:innen"]  # the saved tokenizer carries meldung's rules
    assert all(t.tag_ for t in doc) and all(t.dep_ for t in doc)


@pytest.mark.parametrize("variant", ["baseline", "silver", "pretrain", "wide", "long", "silver_pretrain", "joint_small"])
def test_training_variants_resolve(variant):
    """Every ablation variant's overrides fit the config."""
    sys.path.insert(0, str(REPO / "models"))
    from train import VARIANTS

    from spacy.util import load_config

    import pipeline.components.tokenizer  # noqa: F401

    overrides = {k: v for k, v in VARIANTS[variant]["overrides"].items() if not k.startswith("paths.")}
    config = load_config(REPO / "models/configs" / VARIANTS[variant]["config"], overrides=overrides, interpolate=True)
    assert config["components"]["tok2vec"]["model"]["encode"]["width"] >= 96


GERMEVAL_DEV = CORPORA / "ner/GermEval2014/NER-de-dev.tsv"
JOINT_CONFIG = REPO / "models/configs/joint.cfg"


@pytest.fixture(scope="module")
def tiny_joint_corpus(tiny_corpus, tmp_path_factory):
    """The UD sentences plus 12 GermEval sentences with entities only (no tags, no heads)."""
    if not GERMEVAL_DEV.exists():
        pytest.skip(f"GermEval 2014 not found at {GERMEVAL_DEV}")
    from itertools import islice

    from spacy.tokens import Doc

    from pipeline.evaluate.ner import read_gold

    vocab = spacy.blank("de").vocab
    ner_docs = [Doc(vocab, words=words, ents=[t if t != "O" else "O" for t in tags])
                for words, tags in islice(read_gold(GERMEVAL_DEV), 12)]
    out = tmp_path_factory.mktemp("joint")
    for name in ("train", "dev"):
        (out / name).mkdir()
        (out / name / "ud.spacy").symlink_to(tiny_corpus / f"{name}.spacy")
    DocBin(docs=ner_docs[:9]).to_disk(out / "train" / "ner.spacy")
    DocBin(docs=ner_docs[9:]).to_disk(out / "dev" / "ner.spacy")
    return out


SMOKE = {
    "training.max_steps": 4,
    "training.eval_frequency": 2,
    "training.batcher.size.start": 200,
    "training.batcher.size.stop": 200,
}


def test_training_smoke_joint_config_trains_one_tok2vec_for_all(tiny_joint_corpus, tmp_path):
    """configs/joint.cfg: the NER listens to the tok2vec the UD pipes share; UD Docs without
    entities and NER Docs without tags or heads train side by side. Then a stage-2 config
    (every pipe sourced but a fresh lemmatizer, models/train.py stage2_config) trains on."""
    from spacy.cli.train import train

    import pipeline.components.tokenizer  # noqa: F401

    sys.path.insert(0, str(REPO / "models"))
    from train import stage2_config

    overrides = {
        "paths.train": str(tiny_joint_corpus / "train"),
        "paths.dev": str(tiny_joint_corpus / "dev"),
        **SMOKE,
        "components.trainable_lemmatizer.min_tree_freq": 1,
        "components.parser.min_action_freq": 1,
    }
    train(JOINT_CONFIG, tmp_path / "stage1", overrides=overrides, use_gpu=-1)
    nlp = spacy.load(tmp_path / "stage1" / "model-last")
    assert "ner" in nlp.get_pipe("tok2vec").listening_components
    doc = nlp("Angela Merkel besuchte am Montag Paris.")
    assert all(t.tag_ for t in doc) and all(t.dep_ for t in doc)

    config = stage2_config(JOINT_CONFIG, tmp_path / "stage1" / "model-last", tmp_path / "stage2",
                           fresh=["trainable_lemmatizer"])
    overrides.pop("components.parser.min_action_freq")
    train(config, tmp_path / "stage2", use_gpu=-1, overrides={
        **overrides, "training.frozen_components": ["tok2vec", "tagger", "morphologizer", "parser", "ner"],
        "training.annotating_components": ["tok2vec"]})
    nlp2 = spacy.load(tmp_path / "stage2" / "model-last")
    assert nlp2.pipe_names == nlp.pipe_names
    assert "trainable_lemmatizer" in nlp2.get_pipe("tok2vec").listening_components
