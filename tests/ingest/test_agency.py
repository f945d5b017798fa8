"""The agency layout of plain-text reports: headline, dateline, subheadings, signature."""

from datetime import date

import pytest

from pipeline.ingest.agency import parse_german_date, parse_structure
from worked_example import DESIGN_TEXT

#: with a headline and a dateline, as an agency sends it
WORKED_EXAMPLE = ("Scholz und Macron treffen sich in Paris\n\nBerlin (dpa) - " + DESIGN_TEXT)


def blocks(text, **kw):
    s = parse_structure(text, **kw)
    return s, [(b.kind, text[b.start:b.end]) for b in s.blocks]


def test_agency_worked_example_metadata():
    s, found = blocks(WORKED_EXAMPLE)
    assert s.headline == "Scholz und Macron treffen sich in Paris"
    assert (s.dateline_place, s.agency, s.author) == ("Berlin", "dpa", "abc")
    assert ("subheading", "Neue Hilfen für die Ukraine") in found
    assert ("signature", "(dpa/abc)") in found
    assert ("dateline", "Berlin (dpa) - ") in found
    # the paragraph before the signature ends with the sentence, not the signature
    assert any(k == "paragraph" and t.endswith("obdachlos.") for k, t in found)


@pytest.mark.parametrize(
    "dateline,place,agency,when",
    [
        ("Moskau/Ankara (AFP) - ", "Moskau/Ankara", "afp", None),
        ("Frankfurt (Reuters) - ", "Frankfurt", "reuters", None),
        ("New York (dpa-AFX) – ", "New York", "dpa", None),
        ("Berlin, 23. Mai 2023 (dpa) - ", "Berlin", "dpa", date(2023, 5, 23)),
        ("Kiew, 02.03.2022 (AFP) - ", "Kiew", "afp", date(2022, 3, 2)),
    ],
)
def test_agency_dateline_forms(dateline, place, agency, when):
    s, _ = blocks("Eine Überschrift\n\n" + dateline + "Der Text beginnt hier. Und geht weiter.\n")
    assert (s.dateline_place, s.agency, s.dateline_date) == (place, agency, when)


@pytest.mark.parametrize(
    "ending,agency,author",
    [
        ("Ende des Textes. (afp/so)", "afp", "so"),
        ("Ende des Textes.\n\ndpa/abc", "dpa", "abc"),
        ("Ende des Textes.\n(Reuters)", "reuters", None),
        ("Ende des Textes. (ju/dpa)", "dpa", "ju"),
        ("Ende des Textes. (Das ist kein Kürzel)", None, None),
        ("Er sagte dies der AFP.", None, None),
    ],
)
def test_agency_signature_forms(ending, agency, author):
    s, _ = blocks("Eine Überschrift\n\nDer Text beginnt hier. " + ending + "\n")
    assert (s.agency, s.author) == (agency, author)


def test_agency_subheading_needs_text_after_it():
    text = "Titel\n\nErster Absatz mit Satz.\n\nKein Zwischentitel am Ende"
    _, found = blocks(text)
    assert "subheading" not in [k for k, _ in found]


def test_agency_long_line_without_period_is_not_subheading():
    line = "Das ist eine sehr lange Zeile ohne Punkt am Ende die aber viel zu viele Wörter enthält um ein Zwischentitel zu sein"
    _, found = blocks(f"Titel\n\nAbsatz eins.\n\n{line}\n\nAbsatz zwei.")
    assert ("paragraph", line) in found


def test_agency_body_without_headline_when_not_asked():
    s, found = blocks("Berlin (dpa) - Der Text.\n\nMehr Text.", find_headline=False)
    assert s.headline is None and found[0][0] == "paragraph"


def test_agency_first_line_that_is_a_dateline_is_not_a_headline():
    s, _ = blocks("Berlin (dpa) - Der Text beginnt sofort.\n\nMehr Text.")
    assert s.headline is None and s.dateline_place == "Berlin"


@pytest.mark.parametrize("text,expected", [
    ("23. Mai 2023", date(2023, 5, 23)), ("1. Januar 2020", date(2020, 1, 1)),
    ("23.05.2023", date(2023, 5, 23)), ("Mai 2023", None), ("31. Februar 2023", None),
])
def test_agency_german_dates(text, expected):
    assert parse_german_date(text) == expected
