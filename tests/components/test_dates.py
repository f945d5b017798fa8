"""meldung_dates on a blank German pipeline: ISO/TIMEX3 values resolved against the publication date."""

from __future__ import annotations

import pytest
import spacy

import pipeline.extensions  # noqa: F401 - doc._.published
import pipeline.components.dates  # noqa: F401 - registers meldung_dates
from pipeline.components.dates import find_dates

WORKED_EXAMPLE = (
    "Bundeskanzler Olaf Scholz und der französische Präsident Emmanuel Macron kommen am Freitag in "
    "Paris zusammen. Das teilte ein Regierungssprecher am Dienstag mit.\n\nNeue Hilfen für die Ukraine\n\n"
    "Scholz sagte, er erwarte schwierige Gespräche. Frankreich sei „ein unverzichtbarer Partner“, sagte "
    "Regierungssprecher Steffen Hebestreit. Bei Überschwemmungen in Norditalien kamen am Montag mindestens "
    "14 Menschen ums Leben, rund 36.000 wurden obdachlos. (dpa/abc)"
)


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("meldung_numbers")
    nlp.add_pipe("meldung_dates")
    return nlp


def dates(nlp, text, published="2023-05-23"):
    doc = nlp.make_doc(text)
    doc._.published = published
    doc = nlp(doc)
    return [(s.text, s._.date_value, s._.date_kind) for s in doc.spans["dates"]]


def test_dates_worked_example(nlp):
    doc = nlp.make_doc(WORKED_EXAMPLE)
    doc._.published = "2023-05-23"
    doc = nlp(doc)
    assert [(s.text, s._.date_value, s._.date_anchor) for s in doc.spans["dates"]] == [
        ("Freitag", "2023-05-26", "2023-05-23"),
        ("Dienstag", "2023-05-23", "2023-05-23"),
        ("Montag", "2023-05-22", "2023-05-23"),
    ]
    assert [(s.text, s._.number_value, s._.number_approx, s._.number_what) for s in doc.spans["numbers"]] == [
        ("mindestens 14", 14.0, "mindestens", "Menschen"), ("rund 36.000", 36000.0, "rund", None)]


@pytest.mark.parametrize("text,expected", [
    ("Am 2. März 2020 begann es.", [("2. März 2020", "2020-03-02", "date")]),
    ("Das war am 02.03.2020 in Rom.", [("02.03.2020", "2020-03-02", "date")]),
    ("Im März 2020 begann es.", [("März 2020", "2020-03", "date")]),
    ("Die Wahl 2019 war knapp.", [("2019", "2019", "date")]),
    ("Ende der 1990er Jahre war es ruhig.", [("Ende der 1990er Jahre", "199", "date")]),
    ("Im Sommer 2015 kamen viele.", [("Sommer 2015", "2015-SU", "date")]),
    ("Im Jahr 490 v. Chr. siegten die Griechen.", [("Jahr 490 v. Chr.", "BC0490", "date")]),
    ("Im 20. Jahrhundert gab es zwei Weltkriege.", [("20. Jahrhundert", "19", "date")]),
])
def test_dates_absolute(nlp, text, expected):
    assert dates(nlp, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Um 14.30 Uhr begann die Sitzung.", [("14.30 Uhr", "2023-05-23T14:30", "time")]),
    ("Am 1. September 1939 um 4:45 Uhr begann der Angriff.",
     [("1. September 1939", "1939-09-01", "date"), ("4:45 Uhr", "1939-09-01T04:45", "time")]),
    ("Gegen Mitternacht war es vorbei.", [("Gegen Mitternacht", "2023-05-23T24:00", "time")]),
])
def test_dates_times(nlp, text, expected):
    assert dates(nlp, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Gestern hatte es geregnet.", [("Gestern", "2023-05-22", "date")]),
    ("Heute beginnt der Gipfel.", [("Heute", "2023-05-23", "date")]),
    ("Der Minister war am Vortag abgereist.", [("Vortag", "2023-05-22", "date")]),
    ("Russland hatte die Stadt am Sonntag angegriffen.", [("Sonntag", "2023-05-21", "date")]),
    ("Die Minister kommen am Donnerstag in Brüssel zusammen.", [("Donnerstag", "2023-05-25", "date")]),
    ("Er war am Donnerstag abgereist.", [("Donnerstag", "2023-05-18", "date")]),
    ("Am vergangenen Montag kam es zum Streit.", [("vergangenen Montag", "2023-05-22", "date")]),
    ("Kommende Woche wird abgestimmt.", [("Kommende Woche", "2023-W22", "date")]),
    ("Vergangene Woche wurde abgestimmt.", [("Vergangene Woche", "2023-W20", "date")]),
    ("Im Dezember hatte die Regierung das beschlossen.", [("Dezember", "2022-12", "date")]),
    ("Im Dezember wird die Regierung entscheiden.", [("Dezember", "2023-12", "date")]),
    ("Anfang März hatte es begonnen.", [("Anfang März", "2023-03", "date")]),
    ("Vor drei Wochen wurde er gewählt.", [("Vor drei Wochen", "2023-05-02", "date")]),
])
def test_dates_relative_resolve_against_publication(nlp, text, expected):
    assert dates(nlp, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Seit drei Jahren herrscht Krieg.", [("drei Jahren", "P3Y", "duration")]),
    ("Sie kämpften zwei Tage lang.", [("zwei Tage", "P2D", "duration")]),  # "lang" is a postposition
    ("Die Verhandlungen dauerten 48 Stunden.", [("48 Stunden", "PT48H", "duration")]),
    ("Jeden Montag trifft sich die Gruppe.", [("Jeden Montag", "XXXX-WXX-1", "set")]),
    ("Die Zeitung erscheint täglich.", [("täglich", "P1D", "set")]),
])
def test_dates_durations_and_sets(nlp, text, expected):
    assert dates(nlp, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Am Freitag wird verhandelt.", [("Freitag", "XXXX-WXX-5", "date")]),
    ("Im Dezember hatte es geschneit.", [("Dezember", "XXXX-12", "date")]),
    ("Gestern hatte es geregnet.", [("Gestern", None, "date")]),
])
def test_dates_without_anchor_stay_underspecified(nlp, text, expected):
    assert dates(nlp, text, published=None) == expected


def test_dates_with_preposition_option():
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("meldung_dates", config={"with_preposition": True})
    assert dates(nlp, "Sie kommen am Freitag zusammen.") == [("am Freitag", "2023-05-26", "date")]


def test_dates_narrative_mode_uses_last_mentioned_year():
    doc = spacy.blank("de")("Im Jahr 1939 begann der Krieg. Im Dezember fiel Schnee.")
    values = [m.value for m in find_dates(doc, "2011-02-16", document_type="narrative")]
    assert values == ["1939", "1939-12"]


def test_dates_bad_document_type():
    with pytest.raises(ValueError):
        list(find_dates(spacy.blank("de")("heute"), None, document_type="tweet"))


def test_dates_to_disk_round_trip(tmp_path, nlp):
    nlp.to_disk(tmp_path / "p")
    nlp2 = spacy.load(tmp_path / "p")
    assert dates(nlp2, WORKED_EXAMPLE) == dates(nlp, WORKED_EXAMPLE)
    assert (tmp_path / "p" / "meldung_dates" / "lexicon" / "past_forms.txt").exists()


def narrative(text, anchor="2011-02-16"):
    doc = spacy.blank("de")(text)
    return [(m.text, m.value) for m in find_dates(doc, anchor, document_type="narrative")]


@pytest.mark.parametrize("text,expected", [
    # a capitalised number word at the start of a sentence
    ("Am 21. Juli 1942 griffen sie an. Zwei Tage später fiel Rostow.",
     [("21. Juli 1942", "1942-07-21"), ("Zwei Tage später", "1942-07-23")]),
    ("Am 3. Mai 1945 endete es. Mehr als drei Wochen verstrichen.",
     [("3. Mai 1945", "1945-05-03"), ("Mehr als drei Wochen", "P3W")]),
])
def test_dates_narrative_capitalised_number_words(text, expected):
    assert narrative(text) == expected


@pytest.mark.parametrize("text,expected", [
    # the 29th-31st stay in the reference year like every other day
    ("Am 22. Juni 1941 begann der Angriff. Am 29. Juni rief die Führung den Krieg aus.",
     [("22. Juni 1941", "1941-06-22"), ("29. Juni", "1941-06-29")]),
    ("Im Jahr 1914 begann der Krieg. Am 31. Oktober fiel die Stadt.",
     [("Jahr 1914", "1914"), ("31. Oktober", "1914-10-31")]),
])
def test_dates_narrative_day_month_keeps_reference_year(text, expected):
    assert narrative(text) == expected


@pytest.mark.parametrize("text,expected", [
    # a heading sets the scene with its first date, also at the end of the line
    ("Kriegsjahr 1915\n\nAm 7. Mai versenkte ein U-Boot die Lusitania.",
     [("1915", "1915"), ("7. Mai", "1915-05-07")]),
    ("Westfront 1944/1945\n\nIm Juni landeten die Alliierten.",
     [("1944", "1944"), ("1945", "1945"), ("Juni", "1944-06")]),
    ("Der Krieg im Osten, Juni 1941 bis Februar 1943\n\nAm 29. Juni rief Stalin zum Krieg auf.",
     [("Juni 1941", "1941-06"), ("Februar 1943", "1943-02"), ("29. Juni", "1941-06-29")]),
])
def test_dates_narrative_heading_sets_reference(text, expected):
    assert narrative(text) == expected


@pytest.mark.parametrize("text,expected", [
    # ranges written as one token are split into their two expressions
    ("Der Krieg in Nordafrika 1940–1943 war verlustreich.", [("1940", "1940"), ("1943", "1943")]),
    ("Die Balkankriege 1912/13 gingen voraus.", [("1912", "1912"), ("13", "1913")]),
    ("Der Nordfeldzug 1926–28 einte das Land.", [("1926", "1926"), ("28", "1928")]),
    ("Der Krieg dauerte von 264–260 v. Chr. an.", [("264", "BC0264"), ("260 v. Chr.", "BC0260")]),
    ("Die Stadt wurde am 27./28. September 1939 bombardiert.",
     [("27.", "1939-09-27"), ("28. September 1939", "1939-09-28")]),
])
def test_dates_range_tokens_split(nlp, text, expected):
    assert [(t, v) for t, v, _ in dates(nlp, text)] == expected


def test_dates_range_split_keeps_other_span_groups(nlp):
    doc = nlp.make_doc("Rund 36.000 Menschen flohen 1940–1943, 14 Menschen starben.")
    doc._.published = "2023-05-23"
    doc = nlp(doc)
    assert [(s.text, s._.number_value) for s in doc.spans["numbers"]] == [("Rund 36.000", 36000.0), ("14", 14.0)]
    assert [t.text for t in doc][4:7] == ["1940", "–", "1943"]


@pytest.mark.parametrize("text,expected", [
    # the event a quantity counts from is part of the expression when it is definite or bare
    ("Zwei Wochen nach Kriegsbeginn marschierten sie ein.", [("Zwei Wochen nach Kriegsbeginn", "P2W")]),
    ("Sie landeten zwei Tage nach der Unabhängigkeitserklärung.",
     [("zwei Tage nach der Unabhängigkeitserklärung", "P2D")]),
    ("Er schrieb das wenige Monate vor seinem Tod.", [("wenige Monate vor seinem Tod", "PXM")]),
    # otherwise the preposition stays out, like "lang"
    ("Sie greifen spätestens 15 Tage nach einem Angriff ein.", [("15 Tage", "P15D")]),
    ("Sie hielten die Insel eine Woche lang.", [("eine Woche", "P1W")]),
    # "nach" with a hedged quantity is elapsed time, not a date
    ("Im Jahr 1970 endete der Krieg. Nach fast drei Jahren Krieg gab Biafra auf.",
     [("Jahr 1970", "1970"), ("fast drei Jahren", "P3Y")]),
    # a vague quantity with "später"/"zuvor" is a vague reference
    ("Am 19. November 1942 griffen sie an. Wenige Tage später war die Stadt eingeschlossen.",
     [("19. November 1942", "1942-11-19"), ("Wenige Tage später", "FUTURE_REF")]),
])
def test_dates_narrative_quantity_extents(text, expected):
    assert narrative(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Im Juli 1776 erklärten sie die Unabhängigkeit. Im August desselben Jahres fiel New York.",
     [("Juli 1776", "1776-07"), ("August desselben Jahres", "1776-08")]),
    ("Im Jahr 1778 siegten sie. Am 8. Mai des folgenden Jahres kam Clinton.",
     [("Jahr 1778", "1778"), ("8. Mai des folgenden Jahres", "1779-05-08")]),
    ("Die Front hielt bis zum 16. April 1945. Im Laufe des 18. April brach sie.",
     [("16. April 1945", "1945-04-16"), ("Laufe des 18. April", "1945-04-18")]),
    ("Im Laufe des 18. Jahrhunderts wuchsen die Abgaben.", [("Laufe des 18. Jahrhunderts", "17")]),
])
def test_dates_narrative_extents_of_context(text, expected):
    assert narrative(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Im Juni 1775 belagerten sie Boston. In der Nacht vom 16. auf den 17. Juni zogen sie auf den Hügel.",
     [("Juni 1775", "1775-06"), ("Nacht vom 16.", "1775-06-16TNI"), ("17. Juni", "1775-06-17")]),
    ("Bis etwa 1945 gab es Erschießungen.", [("etwa 1945", "1945")]),
    ("Um 449 v. Chr. schlossen sie Frieden.", [("Um 449 v. Chr.", "BC0449")]),
    ("Um das Jahr 500 v. Chr. entschied er sich.", [("Um das Jahr 500 v. Chr.", "BC0500")]),
    ("Im Jahr 1914 begann es. Gegen Ende September kam die Front zum Stehen.",
     [("Jahr 1914", "1914"), ("Gegen Ende September", "1914-09")]),
    ("Am 18. April 1945 fiel die Stadt. Am selben Tag erreichten sie die Elbe.",
     [("18. April 1945", "1945-04-18"), ("Am selben Tag", "1945-04-18")]),
    ("Am 3. September 1944 fiel Brüssel und am Tag darauf Antwerpen.",
     [("3. September 1944", "1944-09-03"), ("am Tag darauf", "1944-09-04")]),
])
def test_dates_narrative_night_approx_anaphoric(text, expected):
    assert narrative(text) == expected


def test_dates_approx_mod():
    doc = spacy.blank("de")("Bis etwa 1945 gab es Erschießungen.")
    assert [m.mod for m in find_dates(doc, None, document_type="narrative")] == ["APPROX"]


@pytest.mark.parametrize("text,expected", [
    # a story before Christ: dates without a year and nearby bare years stay BC
    ("Im Jahr 218 v. Chr. zog Hannibal nach Italien. Im Dezember traf er an der Trebia auf die Römer.",
     [("Jahr 218 v. Chr.", "BC0218"), ("Dezember", "BC0218-12")]),
    ("Im Jahr 150 v. Chr. brach der Krieg aus. Das Jahr 149 brachte Niederlagen.",
     [("Jahr 150 v. Chr.", "BC0150"), ("Jahr 149", "BC0149")]),
    ("Im Jahr 478/477 v. Chr. entstand der Seebund.", [("Jahr 478", "BC0478"), ("477 v. Chr.", "BC0477")]),
])
def test_dates_narrative_bc_reference(text, expected):
    assert narrative(text) == expected


@pytest.mark.parametrize("text", [
    WORKED_EXAMPLE,
    "Am vergangenen Montag, Anfang März 2021, gegen 14.30 Uhr, kurz vor Mitternacht.",
    "Vor rund drei Jahren, 264–260 v. Chr., in den 1990er Jahren, im 19. Jahrhundert.",
    "Am \u212aommenden Freitag und am KOMMENDEN Samstag, ſelben Tag, jeden Tag, täglich.",
    "Seit Jahren, wochenlang, Winter 1777/78, vom 3. bis 5. Mai, Nacht vom 2. auf den 3. Juni.",
])
def test_dates_first_character_test_keeps_every_match(text):
    """The lookahead put before each pattern (only a speed-up) changes no match, also
    where case-insensitive parts match other characters (the Kelvin sign folds to "k")."""
    import re

    from pipeline.components.dates import _COMPILED, PATTERNS

    assert any(rx.pattern != raw for (_, raw), (_, rx) in zip(PATTERNS, _COMPILED))
    for (name, raw), (_, rx) in zip(PATTERNS, _COMPILED):
        expected = [(m.span(), m.groupdict()) for m in re.finditer(raw, text)]
        assert [(m.span(), m.groupdict()) for m in rx.finditer(text)] == expected, name


def test_dates_a_publication_date_at_the_end_of_the_calendar_resolves_nothing_relative(nlp):
    """"Am Montag" after 9999-12-31 is past the last date Python has: the whole document
    failed with an OverflowError; now only its relative dates go unresolved."""
    found = dates(nlp, "Am Montag kam es zum Streit. Am 3. Mai 2023 war alles gut.", published="9999-12-31")
    assert ("3. Mai 2023", "2023-05-03", "date") in found
