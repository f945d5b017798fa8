"""DESIGN.md's worked example through the whole bundled pipeline, as a user runs it.

Unlike the component tests (gold entities, hand-made Docs), this reads the report with
the ingester and the bundled model's own NER, so it fails when the model misses a name.
"""

from __future__ import annotations

import pytest

import pipeline
from pipeline.nlp import default_model

REPORT = """Scholz und Macron beraten über Hilfen

Berlin (dpa) - Bundeskanzler Olaf Scholz und der französische Präsident Emmanuel Macron kommen am Freitag in Paris zusammen. Das teilte ein Regierungssprecher am Dienstag mit.

Neue Hilfen für die Ukraine

Scholz sagte, er erwarte schwierige Gespräche. Frankreich sei „ein unverzichtbarer Partner“, sagte Regierungssprecher Steffen Hebestreit. Bei Überschwemmungen in Norditalien kamen am Montag mindestens 14 Menschen ums Leben, rund 36.000 wurden obdachlos. (dpa/abc)
"""


def _has_ner() -> bool:
    model = default_model()
    if model is None:
        return False
    import spacy

    return "ner" in spacy.load(model).pipe_names


pytestmark = pytest.mark.skipif(not _has_ner(), reason="the bundled model has no NER")


@pytest.fixture(scope="module")
def tables():
    return pipeline.analyze([REPORT], published="2023-05-23")


def test_worked_example_people_with_roles(tables):
    people = tables["people"].set_index("canonical")
    assert {"Olaf Scholz", "Emmanuel Macron", "Steffen Hebestreit"} <= set(people.index)
    # headline "Scholz", "Bundeskanzler Olaf Scholz", "Scholz sagte": one person
    assert people.loc["Olaf Scholz", "n_mentions"] == 3
    assert "Bundeskanzler" in list(people.loc["Olaf Scholz", "roles"])
    assert "Regierungssprecher" in list(people.loc["Steffen Hebestreit", "roles"])


def test_worked_example_places(tables):
    places = set(tables["places"]["canonical"])
    assert {"Paris", "Frankreich", "Norditalien", "Ukraine"} <= places


def test_worked_example_quotes_have_resolved_speakers(tables):
    quotes = tables["quotes"]
    speakers = {(row.kind, row.speaker) for row in quotes.itertuples()}
    assert ("indirect", "Olaf Scholz") in speakers
    assert ("mixed", "Steffen Hebestreit") in speakers
    mixed = quotes[quotes["kind"] == "mixed"].iloc[0]
    assert mixed["speaker_text"] == "Regierungssprecher Steffen Hebestreit"


def test_worked_example_meeting_event(tables):
    events = tables["events"]
    meet = events[events["type"] == "meet"]
    assert len(meet) == 1
    row = meet.iloc[0]
    assert "Scholz" in row["actor"] and "Macron" in (row["actor"] + " " + str(row["target"]))
    assert row["place"] == "Paris"
    assert row["date"] == "2023-05-26"
