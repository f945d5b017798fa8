"""Fixtures for the model tests: a blank German pipeline with meldung's tokenizer,
and the bundled model (skipped when it has not been built)."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from pipeline.components.tokenizer import customize_tokenizer

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "models" / "de_meldung"


@pytest.fixture(scope="session")
def de_tokenizer_nlp():
    return customize_tokenizer(spacy.blank("de"))


@pytest.fixture(scope="session")
def bundled_nlp():
    if not (BUNDLED / "config.cfg").exists():
        pytest.skip("models/de_meldung has not been built")
    import pipeline.components.sentences  # noqa: F401  (registers meldung_sentences)

    return spacy.load(BUNDLED)
