"""German news edge cases on the trained NER model (skipped when it is absent).

The model runs on gold tokens (as in evaluation), between meldung's gazetteer
(before it) and entity filter (after it), as in the bundled pipeline.
"""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

import pipeline.components.entity_ruler  # noqa: F401


@pytest.fixture(scope="module")
def ner_stack(ner_model):
    nlp = ner_model
    if "meldung_gazetteer" not in nlp.pipe_names:  # as pipeline.nlp.add_entity_rules does
        nlp.add_pipe("meldung_gazetteer", before="ner")
    if "meldung_entity_filter" not in nlp.pipe_names:
        nlp.add_pipe("meldung_entity_filter", after="ner")
    return nlp


def ents(nlp, words: list[str]) -> list[tuple[str, str]]:
    doc = Doc(nlp.vocab, words=words)
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return [(e.text, e.label_) for e in doc.ents]


@pytest.mark.parametrize("words,expected", [
    # genitive of a person's name
    ("Putins Sprecher Dmitri Peskow wies die Vorwürfe zurück .".split(),
     [("Putins", "PER"), ("Dmitri Peskow", "PER")]),
    # dateline with agency
    ("Berlin ( dpa ) - Die Bundesregierung will die Hilfen verlängern .".split(),
     [("Berlin", "LOC"), ("dpa", "ORG")]),
    # all-caps dateline and agency
    ("BERLIN ( AFP ) - Bundeskanzler Olaf Scholz reist nach Paris .".split(),
     [("AFP", "ORG"), ("Olaf Scholz", "PER"), ("Paris", "LOC")]),
])
def test_model_news_edge_cases_found(ner_stack, words, expected):
    found = ents(ner_stack, words)
    for item in expected:
        assert item in found


@pytest.mark.parametrize("words,name", [
    # a name inside a compound is GermEval's *part, which meldung scores as O
    ("Die Merkel-Regierung geriet unter Druck .".split(), "Merkel-Regierung"),
    # role noun with a country prefix is not an entity; the person is
    ("US-Präsident Joe Biden traf Selenskyj in Kiew .".split(), "US-Präsident"),
    # common nouns that look like names to a small model
    ("Der Präsident der Gruppe sprach lange .".split(), "Präsident"),
])
def test_model_news_edge_cases_not_entities(ner_stack, words, name):
    assert name not in [text for text, _ in ents(ner_stack, words)]


def test_model_us_praesident_person(ner_stack):
    found = ents(ner_stack, "US-Präsident Joe Biden traf Selenskyj in Kiew .".split())
    assert ("Joe Biden", "PER") in found
    assert ("Kiew", "LOC") in found


def test_model_labels(ner_model):
    assert set(ner_model.get_pipe("ner").labels) == {"PER", "LOC", "ORG", "MISC"}


def test_model_ner_reads_a_tok2vec_of_its_own_pipeline(ner_model):
    """A ner that listens (the joint model: one tok2vec for all pipes) must listen to a tok2vec
    that runs before it in the same pipeline; otherwise it embeds its own (models/ner)."""
    cfg = ner_model.config["components"]["ner"]["model"]["tok2vec"]
    if "Listener" in cfg["@architectures"]:
        names = ner_model.pipe_names
        assert "tok2vec" in names and names.index("tok2vec") < names.index("ner")
        assert "ner" in ner_model.get_pipe("tok2vec").listening_components
