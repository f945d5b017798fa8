"""meldung_parse_conventions: "es" without another subject is the subject, as in UD German GSD."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

import pipeline.components.parse_conventions  # noqa: F401 - registers the factory


def relabel(words, heads, deps):
    nlp = spacy.blank("de")
    component = nlp.add_pipe("meldung_parse_conventions")
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps)
    return [t.dep_ for t in component(doc)], [t.head.i for t in doc]


def test_es_without_another_subject_becomes_the_subject():
    deps, heads = relabel(["Es", "gibt", "Streit", "."], [1, 1, 1, 1], ["expl", "ROOT", "obj", "punct"])
    assert deps == ["nsubj", "ROOT", "obj", "punct"]
    assert heads == [1, 1, 1, 1]  # only the label changes


def test_es_beside_another_subject_stays_an_expletive():
    deps, _ = relabel(["Es", "kamen", "viele", "Leute", "."], [1, 1, 3, 1, 1],
                      ["expl", "ROOT", "det", "nsubj", "punct"])
    assert deps[0] == "expl"
