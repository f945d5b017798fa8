"""meldung_numbers on a blank German pipeline: values, qualifiers, units, counted nouns."""

from __future__ import annotations

import pytest
import spacy

import pipeline.components.numbers  # noqa: F401 - registers meldung_numbers
from pipeline.components.numbers import find_numbers, parse_digits


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("meldung_numbers")
    return nlp


def rows(nlp, text):
    doc = nlp(text)
    return [(s.text, s._.number_value, s._.number_approx, s._.number_unit, s._.number_what) for s in doc.spans["numbers"]]


@pytest.mark.parametrize("text,expected", [
    ("Bei Überschwemmungen in Norditalien kamen am Montag mindestens 14 Menschen ums Leben, "
     "rund 36.000 wurden obdachlos.",
     [("mindestens 14", 14.0, "mindestens", None, "Menschen"), ("rund 36.000", 36000.0, "rund", None, None)]),
    ("Knapp eine Million Zivilisten sind auf der Flucht.",
     [("Knapp eine Million", 1e6, "knapp", None, "Zivilisten")]),
    ("Die EU sagte 1,5 Milliarden Euro zu.", [("1,5 Milliarden Euro", 1.5e9, None, "Euro", None)]),
    ("Der Konzern zahlt 2,3 Mrd. Euro.", [("2,3 Mrd. Euro", 2.3e9, None, "Euro", None)]),
    ("Die Partei kam auf 12,5 %.", [("12,5 %", 12.5, None, "Prozent", None)]),
    ("Bei dem Angriff starben 34 Soldaten.", [("34", 34.0, None, None, "Soldaten")]),
    ("Dreiundzwanzig Bergleute sind eingeschlossen.", [("Dreiundzwanzig", 23.0, None, None, "Bergleute")]),
    ("Zweihundert Soldaten wurden verlegt.", [("Zweihundert", 200.0, None, None, "Soldaten")]),
    ("Die Firma verlor drei Milliarden Dollar.", [("drei Milliarden Dollar", 3e9, None, "Dollar", None)]),
    ("Die Temperatur sank auf -5 Grad.", [("-5 Grad", -5.0, None, "°C", None)]),
    ("Es kamen ca. 700 Besucher.", [("ca. 700", 700.0, "circa", None, "Besucher")]),
    ("Mehr als 100 Menschen wurden verletzt.", [("Mehr als 100", 100.0, "mehr als", None, "Menschen")]),
    ("Bis zu 5000 Soldaten sollen verlegt werden.", [("Bis zu 5000", 5000.0, "bis zu", None, "Soldaten")]),
    ("Das Unternehmen beschäftigt 12 000 Mitarbeiter.", [("12 000", 12000.0, None, None, "Mitarbeiter")]),
    ("Die Polizei nahm 1.234.567 Datensätze in Verwahrung.",
     [("1.234.567", 1234567.0, None, None, "Datensätze")]),
    ("Er zahlte 36.000.", [("36.000.", 36000.0, None, None, None)]),
])
def test_numbers_values(nlp, text, expected):
    assert rows(nlp, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Zwei Drittel der Befragten lehnen das ab.", [("Zwei Drittel", 2 / 3, None, None, "Befragten")]),
    ("Ein Viertel der Bevölkerung ist betroffen.", [("Ein Viertel", 0.25, None, None, "Bevölkerung")]),
    ("Die Hälfte der Stimmen ging an die Opposition.", [("Hälfte", 0.5, None, None, "Stimmen")]),
])
def test_numbers_fractions(nlp, text, expected):
    got = rows(nlp, text)[0]
    assert got[1] == pytest.approx(expected[0][1]) and got[2:] == expected[0][2:]


@pytest.mark.parametrize("text,expected", [
    ("Dutzende Verletzte wurden gebracht.", ("Dutzende", 24.0, 120.0, "mindestens", "Verletzte")),
    ("Hunderte Menschen protestierten.", ("Hunderte", 200.0, 1000.0, "mindestens", "Menschen")),
    ("Tausende Menschen flohen.", ("Tausende", 2000.0, 10000.0, "mindestens", "Menschen")),
    ("Mehrere Tausend Menschen versammelten sich.", ("Mehrere Tausend", 2000.0, 10000.0, "mindestens", "Menschen")),
])
def test_numbers_vague_quantities_are_lower_bounds(nlp, text, expected):
    doc = nlp(text)
    span = doc.spans["numbers"][0]
    assert (span.text, span._.number_value, span._.number_value_max, span._.number_approx, span._.number_what) == expected


@pytest.mark.parametrize("text,expected", [
    ("Zwischen 10 und 20 Häuser wurden zerstört.", ("Zwischen 10 und 20", 10.0, 20.0, None)),
    ("Die Staus waren 10 bis 20 Kilometer lang.", ("10 bis 20 Kilometer", 10.0, 20.0, "km")),
    ("Es gab 10-20 Festnahmen.", ("10-20", 10.0, 20.0, None)),
    ("Zwei bis drei Millionen Menschen sind auf der Flucht.", ("Zwei bis drei Millionen", 2e6, 3e6, None)),
])
def test_numbers_ranges_lower_bound_and_value_max(nlp, text, expected):
    doc = nlp(text)
    span = doc.spans["numbers"][0]
    assert (span.text, span._.number_value, span._.number_value_max, span._.number_unit) == expected


@pytest.mark.parametrize("text", [
    "Am 2. März 2020 begann es.",
    "Im Jahr 2020 war alles anders.",
    "Das Treffen beginnt um 14.30 Uhr.",
    "Nach Artikel 5 ist das verboten.",
    "Er belegte den 3. Platz.",
    "Die zweite Runde beginnt.",
    "Ein Mann kam mit einem Hund.",
    "Rufen Sie 030 1234567 an.",
    "Der Stau auf der A 100 wächst.",
    "Die Saison 2019/20 endete.",
    "Die Elf gewann 3:1.",
    "Das war am 02.03.2020.",
])
def test_numbers_not_quantities(nlp, text):
    assert rows(nlp, text) == []


@pytest.mark.parametrize("text,expected", [
    ("36.000", 36000.0), ("1.234.567", 1234567.0), ("3,5", 3.5), ("-3,5", -3.5), ("12", 12.0), ("2.", None),
])
def test_numbers_parse_digits(text, expected):
    assert parse_digits(text) == expected


def test_numbers_find_numbers_leaves_doc_alone(nlp):
    doc = nlp.make_doc("Rund 36.000 wurden obdachlos.")
    matches = list(find_numbers(doc))
    assert [(m.start, m.end, m.value, m.approx) for m in matches] == [(0, 2, 36000.0, "rund")]
    assert "numbers" not in doc.spans


def test_numbers_to_disk_round_trip(tmp_path, nlp):
    nlp.to_disk(tmp_path / "p")
    nlp2 = spacy.load(tmp_path / "p")
    assert rows(nlp2, "Rund 36.000 Menschen, 1,5 Mio. Euro.") == rows(nlp, "Rund 36.000 Menschen, 1,5 Mio. Euro.")
    assert (tmp_path / "p" / "meldung_numbers" / "lexicon" / "units.tsv").exists()
