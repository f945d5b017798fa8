"""meldung's tokenizer rules for German agency copy (pipeline/components/tokenizer.py)."""

from __future__ import annotations

import pytest
import spacy

from pipeline.components.tokenizer import customize_tokenizer

CASES = [
    # quotation marks split off
    ("„Das ist gut“, sagte er.", ["„", "Das", "ist", "gut", "“", ",", "sagte", "er", "."]),
    ("»Nein«, sagte sie.", ["»", "Nein", "«", ",", "sagte", "sie", "."]),
    ("Er nannte das ‚absurd‘.", ["Er", "nannte", "das", "‚", "absurd", "‘", "."]),
    ('Er sagte: "Wir gehen."', ["Er", "sagte", ":", '"', "Wir", "gehen", ".", '"']),
    # datelines and agency signatures
    ("Berlin (dpa) - Der Kreml-Sprecher sagte", ["Berlin", "(", "dpa", ")", "-", "Der", "Kreml-Sprecher", "sagte"]),
    ("Moskau (AFP) – Die Regierung", ["Moskau", "(", "AFP", ")", "–", "Die", "Regierung"]),
    ("ums Leben. (afp/so)", ["ums", "Leben", ".", "(", "afp", "/", "so", ")"]),
    ("obdachlos. (dpa/abc)", ["obdachlos", ".", "(", "dpa", "/", "abc", ")"]),
    # abbreviations kept
    ("z.B. Dr. Müller bzw. Prof. Meier", ["z.B.", "Dr.", "Müller", "bzw.", "Prof.", "Meier"]),
    ("3,5 Mio. Euro und 2 Mrd. Dollar", ["3,5", "Mio.", "Euro", "und", "2", "Mrd.", "Dollar"]),
    ("Nr. 5, ca. 20 Tsd. Menschen u.a. in Kiel etc.", ["Nr.", "5", ",", "ca.", "20", "Tsd.", "Menschen", "u.a.", "in", "Kiel", "etc."]),
    ("inkl. Steuern, ggf. mehr, zzgl. Porto", ["inkl.", "Steuern", ",", "ggf.", "mehr", ",", "zzgl.", "Porto"]),
    # ordinal dates
    ("am 2. März 2023", ["am", "2.", "März", "2023"]),
    ("der 3. Oktober", ["der", "3.", "Oktober"]),
    ("zum 100. Geburtstag", ["zum", "100.", "Geburtstag"]),
    # a full stop after a year or a long number ends the sentence
    ("Er wurde 1990. Dann", ["Er", "wurde", "1990", ".", "Dann"]),
    ("rund 36.000. Das", ["rund", "36.000", ".", "Das"]),
    ("am 24.12.2023.", ["am", "24.12.2023", "."]),
    # numbers
    ("rund 36.000 Menschen", ["rund", "36.000", "Menschen"]),
    ("3,5 Prozent", ["3,5", "Prozent"]),
    ("um 12,5% gestiegen", ["um", "12,5", "%", "gestiegen"]),
    ("um 12:30 Uhr", ["um", "12:30", "Uhr"]),
    # hyphen compounds whole
    ("Kreml-Sprecher und US-Präsident", ["Kreml-Sprecher", "und", "US-Präsident"]),
    ("die EU-Kommission", ["die", "EU-Kommission"]),
    # gender forms whole
    ("Bürger*innen", ["Bürger*innen"]),
    ("Bürger:innen und Lehrer:in", ["Bürger:innen", "und", "Lehrer:in"]),
    ("Kolleg_innen, Bürger*innen.", ["Kolleg_innen", ",", "Bürger*innen", "."]),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_tokenizer_agency_copy(de_tokenizer_nlp, text, expected):
    assert [t.text for t in de_tokenizer_nlp(text)] == expected


@pytest.mark.parametrize("text", ["Bürger:innen zahlen 1990. Mio. Euro „sagte“ er."])
def test_tokenizer_idempotent(text):
    once = customize_tokenizer(spacy.blank("de"))
    twice = customize_tokenizer(customize_tokenizer(spacy.blank("de")))
    assert [t.text for t in once(text)] == [t.text for t in twice(text)]
    assert once.tokenizer.suffix_search.__self__.pattern == twice.tokenizer.suffix_search.__self__.pattern
    assert once.tokenizer.token_match.__self__.pattern == twice.tokenizer.token_match.__self__.pattern


@pytest.mark.parametrize("text,expected", [("Bürger:innen im Jahr 2023.", ["Bürger:innen", "im", "Jahr", "2023", "."])])
def test_tokenizer_survives_to_disk(tmp_path, text, expected):
    nlp = customize_tokenizer(spacy.blank("de"))
    nlp.to_disk(tmp_path)
    loaded = spacy.load(tmp_path)  # no meldung import needed to load the rules
    assert [t.text for t in loaded(text)] == expected


@pytest.mark.parametrize("text,expected", [("Die Bürger:innen in Berlin (dpa) zahlen 1990. Mio. Euro.", None)])
def test_tokenizer_bundled_model_carries_rules(bundled_nlp, text, expected):
    blank = customize_tokenizer(spacy.blank("de"))
    assert [t.text for t in bundled_nlp.tokenizer(text)] == [t.text for t in blank(text)]


@pytest.mark.parametrize("callback", ["meldung.german_tokenizer.v1"])
def test_tokenizer_registered_callback(callback):
    make = spacy.registry.callbacks.get(callback)
    nlp = make()(spacy.blank("de"))
    assert [t.text for t in nlp("Bürger:innen")] == ["Bürger:innen"]


def test_tokenizer_copy_splits_as_the_pipeline_does_with_a_cache_of_its_own():
    """Lexicon entries are tokenised with a copy (see tokenizer_copy: spaCy's tokenizer
    caches only 10,000 words, and a gazetteer's names would take them all)."""
    from pipeline.components.tokenizer import tokenizer_copy

    nlp = customize_tokenizer(spacy.blank("de"))
    copy = tokenizer_copy(nlp)
    text = "Die Bürger:innen in Berlin (dpa) zahlen 1990. Mio. Euro an Dr. Müller-Lüdenscheidt."
    assert copy is not nlp.tokenizer
    assert [t.text for t in copy(text)] == [t.text for t in nlp.tokenizer(text)]
