"""meldung_lemma_check: model lemmas that are no German word, checked against a lemma table."""

from __future__ import annotations

import pytest
import spacy
from spacy.lookups import Lookups
from spacy.tokens import Doc

import pipeline.components.lemmas  # noqa: F401 - registers meldung_lemma_check

#: a small stand-in for spacy-lookups-data's German table (form -> lemma)
TABLE = {
    "saß": "sitzen", "sitzen": "sitzen", "geht": "gehen", "gehen": "gehen", "also": "also",
    "Leben": "Leben", "Konzern": "Konzern", "Sache": "Sache", "Akt": "Akt",
    "kompetenteren": "kompetent", "kompetent": "kompetent", "anderen": "ander",
    "Wahlen": "Wahl", "Wahl": "Wahl", "Kind": "Kind", "Kinder": "Kind", "es": "ich",
}


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("de")
    lookups = Lookups()
    lookups.add_table("lemma_lookup", TABLE)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup", "overwrite": False}).initialize(lookups=lookups)
    nlp.add_pipe("meldung_lemma_check")
    return nlp


def checked(nlp, words, tags, lemmas):
    """The lemmas after the check, for a sentence the model tagged and lemmatised so."""
    doc = Doc(nlp.vocab, words=words, tags=tags, lemmas=lemmas,
              sent_starts=[True] + [False] * (len(words) - 1))
    return [t.lemma_ for t in nlp.get_pipe("meldung_lemma_check")(doc)]


def test_lemma_check_replaces_an_edit_tree_lemma_that_is_no_word_by_the_tables(nlp):
    assert checked(nlp, ["Er", "saß", "."], ["PPER", "VVFIN", "$."], ["er", "saßn", "."]) == ["er", "sitzen", "."]


def test_lemma_check_lowers_a_verb_or_adverb_capitalised_by_the_sentence_start(nlp):
    assert checked(nlp, ["Geht", "es", "?"], ["VVFIN", "PPER", "$."], ["Geht", "es", "?"])[0] == "gehen"
    assert checked(nlp, ["Also", "gut"], ["ADV", "ADJD"], ["Also", "gut"])[0] == "also"


def test_lemma_check_keeps_a_compound_that_ends_in_a_known_noun(nlp):
    words = ["Das", "Nachtleben", "im", "Pharmakonzern"]
    out = checked(nlp, words, ["ART", "NN", "APPRART", "NN"], ["der", "Nachtleb", "in", "Pharmakonzer"])
    assert out == ["der", "Nachtleben", "in", "Pharmakonzern"]


def test_lemma_check_trusts_a_stripped_plural_whose_head_is_a_noun_lemma(nlp):
    # "Wahlen" is a form of "Wahl" in the table, so it is no better head than "Wahl"
    assert checked(nlp, ["Parlamentswahlen"], ["NN"], ["Parlamentswahl"]) == ["Parlamentswahl"]


def test_lemma_check_leaves_known_lemmas_closed_classes_and_pronominal_adjectives(nlp):
    assert checked(nlp, ["Kinder"], ["NN"], ["Kind"]) == ["Kind"]
    assert checked(nlp, ["Es", "regnet"], ["PPER", "VVFIN"], ["es", "regnen"])[0] == "es"  # table says "ich"
    assert checked(nlp, ["die", "anderen"], ["ART", "ADJA"], ["der", "anderer"])[1] == "anderer"
    assert checked(nlp, ["die", "kompetenteren"], ["ART", "ADJA"], ["der", "kompetenter"])[1] == "kompetent"


def test_lemma_check_without_a_lookup_table_changes_nothing():
    bare = spacy.blank("de")
    bare.add_pipe("meldung_lemma_check")
    doc = Doc(bare.vocab, words=["Er", "saß"], tags=["PPER", "VVFIN"], lemmas=["er", "saßn"])
    assert [t.lemma_ for t in bare.get_pipe("meldung_lemma_check")(doc)] == ["er", "saßn"]

