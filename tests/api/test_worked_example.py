"""DESIGN.md's worked example through the whole bundled pipeline, as a user runs it.

Unlike the component tests (gold entities, hand-made Docs), this reads the report with
the ingester and the bundled model's own NER, so it fails when the model misses a name.
"""

from __future__ import annotations

import pandas as pd
import pytest

import pipeline
from pipeline.nlp import default_model
from worked_example import DESIGN_TEXT

#: the same as an agency would send it: headline, dateline, unwrapped paragraphs
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
    return pipeline.analyze([DESIGN_TEXT], published="2023-05-23")


def test_worked_example_document(tables):
    doc = tables["documents"].iloc[0]
    assert (doc["agency"], doc["author"]) == ("dpa", "abc")
    assert list(doc["subheadings"]) == ["Neue Hilfen für die Ukraine"]
    assert doc["headline"] is pd.NA  # a wrapped first line is no headline


def test_worked_example_people_roles_and_places_exactly(tables):
    people = {r.canonical: (list(r.roles), r.n_mentions) for r in tables["people"].itertuples()}
    assert people == {
        "Olaf Scholz": (["Bundeskanzler"], 2),  # "Scholz" is the same person
        "Emmanuel Macron": (["französische Präsident"], 1),
        "Steffen Hebestreit": (["Regierungssprecher"], 1),
    }
    assert set(tables["places"]["canonical"]) == {"Paris", "Frankreich", "Norditalien", "Ukraine"}


def test_worked_example_quotes_exactly(tables):
    quotes = tables["quotes"]
    got = [(r.kind, r.speaker, r.speaker_text, r.cue) for r in quotes.itertuples()]
    assert got == [
        ("indirect", "Olaf Scholz", "Scholz", "sagte"),
        ("mixed", "Steffen Hebestreit", "Regierungssprecher Steffen Hebestreit", "sagte"),
    ]


def test_worked_example_numbers_and_dates(tables):
    numbers = [(r.value, r.what, r.approx) for r in tables["numbers"].itertuples()]
    assert numbers[0] == (14.0, "Menschen", "mindestens")
    assert numbers[1][0] == 36000.0 and numbers[1][2] == "rund"
    assert [str(v) for v in tables["dates"]["value"]] == ["2023-05-26", "2023-05-23", "2023-05-22"]


def test_worked_example_events(tables):
    events = tables["events"]
    meet = events[events["type"] == "meet"].iloc[0]
    assert (meet["actor"], meet["place"], meet["date"]) == (
        "Olaf Scholz; Emmanuel Macron", "Paris", "2023-05-26")
    kill = events[events["type"] == "kill"].iloc[0]
    assert (kill["quantity"], kill["quantity_what"], kill["place"], kill["date"]) == (
        14.0, "Menschen", "Norditalien", "2023-05-22")


def test_worked_example_as_an_agency_sends_it():
    tables = pipeline.analyze([REPORT], published="2023-05-23")
    doc = tables["documents"].iloc[0]
    assert doc["headline"] == "Scholz und Macron beraten über Hilfen"
    assert doc["dateline_place"] == "Berlin"
    people = tables["people"].set_index("canonical")
    # headline "Scholz", "Bundeskanzler Olaf Scholz", "Scholz sagte": one person
    assert people.loc["Olaf Scholz", "n_mentions"] == 3
    assert set(people.index) == {"Olaf Scholz", "Emmanuel Macron", "Steffen Hebestreit"}
    assert {"Paris", "Frankreich", "Norditalien", "Ukraine", "Berlin"} == set(tables["places"]["canonical"])


def test_worked_example_by_meldung_run(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "worked.txt").write_text(DESIGN_TEXT, encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                                      "--date", "2023-05-23", "--quiet"])
    assert result.exit_code == 0, result.output
    tables = pipeline.read(tmp_path / "out")
    assert set(tables["people"]["canonical"]) == {"Olaf Scholz", "Emmanuel Macron", "Steffen Hebestreit"}
    assert set(tables["places"]["canonical"]) == {"Paris", "Frankreich", "Norditalien", "Ukraine"}
    assert list(tables["quotes"]["speaker"]) == ["Olaf Scholz", "Steffen Hebestreit"]


def test_coordinated_people_keep_their_own_roles():
    tables = pipeline.analyze(["Armeechef Abdel Fattah al-Burhan und RSF-Anführer Mohamed Hamdan Daglo "
                               "kämpfen seit dem 15. April um die Macht."])
    roles = {r.canonical: list(r.roles) for r in tables["people"].itertuples()}
    assert roles.get("Mohamed Hamdan Daglo") == ["RSF-Anführer"]


def test_a_document_reads_the_same_whatever_came_before():
    """Batches run in memory zones; nothing learnt in one may be lost in the next."""
    from pipeline.api import _reports
    from pipeline.ingest import ReadOptions
    from pipeline.run import analyse

    nlp = pipeline.load()
    other = "Die Polizei in Hamburg nahm am Dienstag zwei Männer fest. (dpa)"
    reports = list(_reports([other, other, DESIGN_TEXT], None, ReadOptions()))
    after = [[(e.text, e.label_) for e in doc.ents] for _, doc in analyse(nlp, reports, batch_size=1, zone_chars=1)][-1]
    alone = [[(e.text, e.label_) for e in doc.ents]
             for _, doc in analyse(pipeline.load(), reports[-1:], batch_size=1)][0]
    assert after == alone
