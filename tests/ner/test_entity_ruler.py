"""meldung_gazetteer and meldung_entity_filter on blank German pipelines."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc, Span

import pipeline.components.entity_ruler  # noqa: F401  (registers the factories)

LISTS = {
    "countries.txt": ["Deutschland", "Frankreich"],
    "cities.txt": ["Berlin", "Moskau"],
    "organisations.txt": ["Bundestag", "Nato", "Europäische Union"],
    "first_names.txt": ["Olaf", "Angela", "Ursula", "Karl", "Theodor", "Anna"],
    "common_nouns.txt": ["Präsident", "Gruppe", "Regierung"],
    "roles.txt": ["Ministerin"],
}


@pytest.fixture
def gazetteer_nlp(blank_de, tmp_path):
    for name, entries in LISTS.items():
        (tmp_path / name).write_text("\n".join(entries) + "\n", encoding="utf-8")
    blank_de.add_pipe("meldung_gazetteer")
    blank_de.add_pipe("meldung_entity_filter")
    blank_de.initialize()  # package lists first
    blank_de.get_pipe("meldung_gazetteer").initialize(data_dir=tmp_path)
    blank_de.get_pipe("meldung_entity_filter").initialize(data_dir=tmp_path)
    return blank_de


@pytest.mark.parametrize("text,expected", [
    ("Die Nato trifft sich in Berlin.", [("Nato", "ORG"), ("Berlin", "LOC")]),
    ("Deutschlands Rolle in der Europäische Union", [("Deutschlands", "LOC"), ("Europäische Union", "ORG")]),
    ("Olaf Scholz sprach im Bundestag.", [("Olaf Scholz", "PER"), ("Bundestag", "ORG")]),
    ("Angela Präsident", []),
    # name particles and hyphenated first names; a known place is no surname
    ("Ursula von der Leyen reist ab.", [("Ursula von der Leyen", "PER")]),
    ("Karl-Theodor zu Guttenberg trat zurück.", [("Karl-Theodor zu Guttenberg", "PER")]),
    ("Anna von Berlin", [("Berlin", "LOC")]),
    ("Anna Maier von der Kreisverwaltung", [("Anna Maier", "PER")]),  # a particle after a surname
    ("Das ist eine Anna von Olaf.", []),  # after an article, and a first name as "surname"
])
def test_gazetteer_finds_names(gazetteer_nlp, text, expected):
    doc = gazetteer_nlp(text)
    assert [(e.text, e.label_) for e in doc.ents] == expected


def test_gazetteer_keeps_model_entities(gazetteer_nlp):
    doc = gazetteer_nlp.make_doc("Moskau und Berlin")
    doc.ents = [Span(doc, 0, 1, label="ORG")]  # as if the model said ORG
    for _, proc in gazetteer_nlp.pipeline:
        doc = proc(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("Moskau", "ORG"), ("Berlin", "LOC")]


@pytest.mark.parametrize("words,tags,expected", [
    # a place after a proper noun the lists do not know is left to the model: a club's name
    (["Borussia", "Moskau", "siegt"], ["NE", "NE", "VVFIN"], []),
    # after a known name, a first name, a common noun or with no tagger it stays a place
    (["Frankreich", "Moskau"], ["NE", "NE"], [("Frankreich", "LOC"), ("Moskau", "LOC")]),
    (["Anna", "Moskau"], ["NE", "NE"], [("Anna Moskau", "PER")]),
    (["Stadt", "Moskau"], ["NN", "NE"], [("Moskau", "LOC")]),
    (["im", "Westen", "Moskau"], ["APPRART", "NE", "NE"], [("Moskau", "LOC")]),  # after an article
    (["Gruppe", "Moskau"], ["NE", "NE"], [("Moskau", "LOC")]),  # a common noun, whatever its tag
    (["Borussia", "Moskau", "siegt"], None, [("Moskau", "LOC")]),
])
def test_gazetteer_leaves_places_inside_unknown_names_to_the_model(gazetteer_nlp, words, tags, expected):
    doc = gazetteer_nlp.get_pipe("meldung_gazetteer")(Doc(gazetteer_nlp.vocab, words=words, tags=tags))
    assert [(e.text, e.label_) for e in doc.ents] == expected


@pytest.mark.parametrize("words,ents,kept", [
    (["Der", "Präsident", "sprach"], ["O", "B-PER", "O"], []),
    (["Die", "Ministerin", "sprach"], ["O", "B-LOC", "O"], []),  # a role noun
    (["die", "deutschen", "Truppen"], ["O", "B-LOC", "O"], []),
    (["Der", "Bundestag", "tagt"], ["O", "B-ORG", "O"], ["Bundestag"]),
    (["Die", "Regierung", "Merkel"], ["O", "B-ORG", "I-ORG"], ["Regierung Merkel"]),
    (["Ein", "--", "x"], ["O", "B-MISC", "O"], []),
    (["Die", "Merkel-Regierung", "tagt"], ["O", "B-ORG", "O"], []),
    (["mit", "Adam", "Seroczynski", ",", "der"], ["O", "B-PER", "I-PER", "I-PER", "O"], ["Adam Seroczynski"]),
    (["In", "Baden-Württemberg", "regnet"], ["O", "B-LOC", "O"], ["Baden-Württemberg"]),
])
def test_entity_filter_removes_common_nouns(gazetteer_nlp, words, ents, kept):
    doc = Doc(gazetteer_nlp.vocab, words=words, ents=ents)
    doc = gazetteer_nlp.get_pipe("meldung_entity_filter")(doc)
    assert [e.text for e in doc.ents] == kept


@pytest.mark.parametrize("words,pos,ents,kept", [
    (["Mindestens", "46", "Tote"], ["ADV", "NUM", "NOUN"], ["B-ORG", "O", "O"], []),  # an adverb taken for a name
    (["Die", "PiS", "kam"], ["DET", "PRON", "VERB"], ["O", "B-ORG", "O"], ["PiS"]),  # mistagged as a pronoun
    (["Die", "AfD", "kam"], ["DET", "DET", "VERB"], ["O", "B-ORG", "O"], ["AfD"]),
])
def test_entity_filter_drops_function_words_but_not_names_with_inner_capitals(gazetteer_nlp, words, pos, ents, kept):
    doc = Doc(gazetteer_nlp.vocab, words=words, pos=pos, ents=ents)
    doc = gazetteer_nlp.get_pipe("meldung_entity_filter")(doc)
    assert [e.text for e in doc.ents] == kept


def test_entity_ruler_to_disk_round_trip(gazetteer_nlp, tmp_path):
    gazetteer_nlp.to_disk(tmp_path / "model")
    nlp2 = spacy.load(tmp_path / "model")
    assert nlp2.pipe_names == ["meldung_gazetteer", "meldung_entity_filter"]
    assert nlp2.get_pipe("meldung_gazetteer").lists == gazetteer_nlp.get_pipe("meldung_gazetteer").lists
    assert nlp2.get_pipe("meldung_entity_filter").nouns == {"Präsident", "Gruppe", "Regierung",
                                                            "Ministerin"}
    doc = nlp2("Olaf Scholz reist nach Moskau.")
    assert [(e.text, e.label_) for e in doc.ents] == [("Olaf Scholz", "PER"), ("Moskau", "LOC")]


def test_gazetteer_package_lists_load_without_initialize(blank_de):
    blank_de.add_pipe("meldung_gazetteer")
    doc = blank_de("Frankreich und die Nato")
    assert ("Frankreich", "LOC") in [(e.text, e.label_) for e in doc.ents]


def test_gazetteer_keeps_finding_names_across_memory_zones():
    """Its data loads inside the first zone; the second zone must still see it."""
    nlp = spacy.blank("de")
    nlp.add_pipe("meldung_gazetteer")
    for _ in range(2):
        with nlp.memory_zone():
            doc = nlp("Angela Merkel besuchte Berlin und die Ukraine.")
            assert [(e.text, e.label_) for e in doc.ents] == [
                ("Angela Merkel", "PER"), ("Berlin", "LOC"), ("Ukraine", "LOC")]
