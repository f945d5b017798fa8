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


@pytest.mark.parametrize("variant", ["baseline", "silver", "pretrain", "wide", "long", "silver_pretrain"])
def test_training_variants_resolve(variant):
    """Every ablation variant's overrides fit the config."""
    sys.path.insert(0, str(REPO / "models"))
    from train import VARIANTS

    from spacy.util import load_config

    import pipeline.components.tokenizer  # noqa: F401

    overrides = {k: v for k, v in VARIANTS[variant]["overrides"].items() if not k.startswith("paths.")}
    config = load_config(CONFIG, overrides=overrides, interpolate=True)
    assert config["components"]["tok2vec"]["model"]["encode"]["width"] >= 96
