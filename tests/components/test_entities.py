"""meldung_entities on hand-built Docs (blank German pipeline, entities set by hand)."""

from __future__ import annotations

import re

import pytest
import spacy
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

import pipeline.extensions  # noqa: F401 - doc._.doc_id, doc._.dateline_place
from pipeline.components.entities import EntityResolver, resolve_entities
from pipeline.link import link_people, person_id
from pipeline.tables.rows import mentions_rows, resolved_entity_rows

WORKED_EXAMPLE = (
    "Berlin (dpa) - Bundeskanzler Olaf Scholz und der französische Präsident Emmanuel Macron "
    "kommen am Freitag in Paris zusammen. Das teilte ein Regierungssprecher am Dienstag mit.\n\n"
    "Neue Hilfen für die Ukraine\n\n"
    "Scholz sagte, er erwarte schwierige Gespräche. Frankreich sei „ein unverzichtbarer Partner“, "
    "sagte Regierungssprecher Steffen Hebestreit. Bei Überschwemmungen in Norditalien kamen am "
    "Montag mindestens 14 Menschen ums Leben, rund 36.000 wurden obdachlos. (dpa/abc)"
)
WORKED_ENTS = [("Olaf Scholz", "PER"), ("Scholz", "PER"), ("Emmanuel Macron", "PER"),
               ("Steffen Hebestreit", "PER"), ("Paris", "LOC"), ("Ukraine", "LOC"),
               ("Frankreich", "LOC"), ("Norditalien", "LOC")]


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("de")
    nlp.add_pipe("meldung_entities")
    return nlp


def make(nlp, text: str, ents=(), *, dateline_place: str | None = None,
         dateline: str | None = None) -> Doc:
    """A Doc of ``text`` with every word-bounded occurrence of each (text, label) as an
    entity, then meldung_entities run on it."""
    doc = nlp.make_doc(text)
    spans = []
    for name, label in ents:
        for m in re.finditer(r"(?<!\w)%s(?!\w)" % re.escape(name), text):
            span = doc.char_span(m.start(), m.end(), label=label)
            if span is not None:
                spans.append(span)
    doc.ents = filter_spans(spans)
    doc._.dateline_place = dateline_place
    if dateline:
        start = text.index(dateline)
        doc.spans["layout"] = [doc.char_span(start, start + len(dateline), label="dateline")]
    return nlp.get_pipe("meldung_entities")(doc)


def people(doc: Doc) -> dict[str, dict]:
    return {r["canonical"]: r for r in doc._.entities if r["label"] == "PER"}


def places(doc: Doc) -> dict[str, dict]:
    return {r["canonical"]: r for r in doc._.entities if r["label"] == "LOC"}


@pytest.mark.parametrize("text,ents,canonical,n", [
    ("Der russische Präsident Wladimir Putin reist. Putins Sprecher schwieg.",
     [("Wladimir Putin", "PER"), ("Putins", "PER")], "Wladimir Putin", 2),
    ("Putins Plan: Wladimir Putin will verhandeln.",
     [("Wladimir Putin", "PER"), ("Putins", "PER")], "Wladimir Putin", 2),
    ("Erdogans Sprecher und Recep Tayyip Erdogan selbst; Erdogan schwieg.",
     [("Recep Tayyip Erdogan", "PER"), ("Erdogans", "PER"), ("Erdogan", "PER")], "Recep Tayyip Erdogan", 3),
])
def test_entities_inflected_names(nlp, text, ents, canonical, n):
    doc = make(nlp, text, ents)
    assert list(people(doc)) == [canonical]
    assert people(doc)[canonical]["n_mentions"] == n


@pytest.mark.parametrize("text,ents,expected", [
    ("Recep Tayyip Erdogan kam. Tayyip Erdogan sprach, dann Erdogan.",
     [("Recep Tayyip Erdogan", "PER"), ("Tayyip Erdogan", "PER"), ("Erdogan", "PER")],
     {"Recep Tayyip Erdogan": 3}),
    ("Kreml-Sprecher Dmitri Peskow sagte, Peskow habe nichts gehört.",
     [("Dmitri Peskow", "PER"), ("Peskow", "PER")], {"Dmitri Peskow": 2}),
])
def test_entities_surname_only_joins_full_name(nlp, text, ents, expected):
    doc = make(nlp, text, ents)
    assert {name: r["n_mentions"] for name, r in people(doc).items()} == expected


@pytest.mark.parametrize("text,ents", [
    ("Bundestrainer Hansi Flick und seine Frau Silke Flick kamen. Flick sagte nichts.",
     [("Hansi Flick", "PER"), ("Silke Flick", "PER"), ("Flick", "PER")]),
])
def test_entities_same_surname_two_people_do_not_merge(nlp, text, ents):
    doc = make(nlp, text, ents)
    found = people(doc)
    assert {"Hansi Flick", "Silke Flick"} <= set(found)
    assert found["Hansi Flick"]["entity"] != found["Silke Flick"]["entity"]
    assert found["Hansi Flick"]["n_mentions"] == found["Silke Flick"]["n_mentions"] == 1
    assert found["Flick"]["n_mentions"] == 1  # ambiguous: joins neither


@pytest.mark.parametrize("text,word,country,canonical", [
    ("Die türkische Regierung schweigt.", "türkische", "TR", "Türkei"),
    ("Nach russischen Angaben wurde nicht geschossen.", "russischen", "RU", "Russland"),
    ("Der US-amerikanischen Regierung zufolge ist das falsch.", "US-amerikanischen", "US", "USA"),
    ("Ein französischer Diplomat bestätigte das.", "französischer", "FR", "Frankreich"),
    ("Die deutsche Wirtschaft schrumpft.", "deutsche", "DE", "Deutschland"),
    ("Russische Truppen zogen ab.", "Russische", "RU", "Russland"),
])
def test_entities_demonyms_resolve_to_country(nlp, text, word, country, canonical):
    doc = make(nlp, text)
    [mention] = list(doc.spans["mentions"])
    assert (mention.text, mention.label_, mention._.mention_canonical) == (word, "LOC", canonical)
    assert places(doc)[canonical]["country"] == country
    assert places(doc)[canonical]["kind"] == "country"


@pytest.mark.parametrize("text", ["Er sprach Deutsch.", "Die Deutsche Bahn streikt."])
def test_entities_demonym_not_language_or_inside_entity(nlp, text):
    doc = make(nlp, text, [("Deutsche Bahn", "ORG")])
    assert [m.label_ for m in doc.spans["mentions"]] == (["ORG"] if "Bahn" in text else [])


def test_entities_demonym_joins_the_country(nlp):
    doc = make(nlp, "Die Türkei und die türkische Armee.", [("Türkei", "LOC")])
    assert places(doc)["Türkei"]["n_mentions"] == 2
    assert len(places(doc)) == 1


@pytest.mark.parametrize("name,canonical,country,kind", [
    ("Moskau", "Moskau", "RU", "city"),
    ("Peking", "Peking", "CN", "city"),
    ("Den Haag", "Den Haag", "NL", "city"),
    ("Kiew", "Kiew", "UA", "city"),
    ("Russlands", "Russland", "RU", "country"),
    ("Norditalien", "Norditalien", "IT", "region"),
    ("Vereinigten Staaten", "USA", "US", "country"),
    ("Frankfurt", "Frankfurt am Main", "DE", "city"),
])
def test_entities_exonyms_and_place_data(nlp, name, canonical, country, kind):
    doc = make(nlp, f"Gespräche in {name} begannen.", [(name, "LOC")])
    place = places(doc)[canonical]
    assert (place["country"], place["kind"]) == (country, kind)
    if kind != "region":
        assert isinstance(place["lat"], float) and isinstance(place["lon"], float)


def test_entities_unknown_place_keeps_its_name(nlp):
    doc = make(nlp, "In Kleinkleckersdorf brannte es.", [("Kleinkleckersdorf", "LOC")])
    assert places(doc)["Kleinkleckersdorf"] == {
        "entity": 0, "label": "LOC", "canonical": "Kleinkleckersdorf", "n_mentions": 1, "start": 3,
        "country": None, "kind": "other", "lat": None, "lon": None}


@pytest.mark.parametrize("text,dateline,place_value,expected", [
    ("Moskau/Ankara (AFP) - Der Kreml schwieg.", "Moskau/Ankara (AFP) -", "Moskau/Ankara",
     [("Moskau", "RU"), ("Ankara", "TR")]),
    ("Berlin, 23. Mai 2023 (dpa) - Es regnet.", "Berlin, 23. Mai 2023 (dpa) -", "Berlin", [("Berlin", "DE")]),
])
def test_entities_dateline_place(nlp, text, dateline, place_value, expected):
    doc = make(nlp, text, dateline_place=place_value, dateline=dateline)
    assert [(m.text, m.label_) for m in doc.spans["mentions"]] == [(n, "LOC") for n, _ in expected]
    assert [(p["canonical"], p["country"]) for p in places(doc).values()] == expected


def test_entities_dateline_place_already_an_entity_is_not_doubled(nlp):
    text = "Berlin (dpa) - In Berlin regnet es."
    doc = make(nlp, text, [("Berlin", "LOC")], dateline_place="Berlin", dateline="Berlin (dpa) -")
    assert places(doc)["Berlin"]["n_mentions"] == 2


@pytest.mark.parametrize("text", ["", "Es regnet seit Tagen, und ein Ende ist nicht in Sicht."])
def test_entities_report_without_entities(nlp, text):
    doc = make(nlp, text)
    assert doc._.entities == []
    assert list(doc.spans["mentions"]) == []
    assert resolved_entity_rows(doc) == {"people": [], "places": [], "organisations": []}


@pytest.mark.parametrize("text,name,role", [
    ("Kreml-Sprecher Dmitri Peskow sagte das.", "Dmitri Peskow", "Kreml-Sprecher"),
    ("Das sagte der türkische Präsident Recep Tayyip Erdogan.", "Recep Tayyip Erdogan", "türkische Präsident"),
    ("Das sagte Chef der Linken Martin Schirdewan.", "Martin Schirdewan", "Chef der Linken"),
    ("UN-Generalsekretär António Guterres warnte.", "António Guterres", "UN-Generalsekretär"),
    ("Regierungssprecher Steffen Hebestreit sagte das.", "Steffen Hebestreit", "Regierungssprecher"),
    ("Das Treffen des französischen Präsidenten Emmanuel Macron.", "Emmanuel Macron", "französische Präsident"),
    ("Der Präsident des Bundesamts für Verfassungsschutz, Thomas Haldenwang, warnte.",
     "Thomas Haldenwang", "Präsident des Bundesamts für Verfassungsschutz"),
    ("Das sagte Thomas Haldenwang, Präsident des Verfassungsschutzes, am Montag.",
     "Thomas Haldenwang", "Präsident des Verfassungsschutzes"),
    ("Bundesfinanzminister Christian Lindner (FDP) sprach.", "Christian Lindner", "Bundesfinanzminister"),
])
def test_entities_roles(nlp, text, name, role):
    doc = make(nlp, text, [(name, "PER")])
    assert people(doc)[name]["roles"] == [role]


@pytest.mark.parametrize("text,name", [
    ("Das sagte Steffen Hebestreit am Montag.", "Steffen Hebestreit"),
    ("Laut sagte Anna Schmidt nichts.", "Anna Schmidt"),
])
def test_entities_no_role(nlp, text, name):
    doc = make(nlp, text, [(name, "PER")])
    assert people(doc)[name]["roles"] == []


def test_entities_role_from_dependency_tree(nlp):
    words = ["Merkel", ",", "seit", "2005", "Kanzlerin", ",", "sagte", "das", "."]
    heads = [6, 0, 4, 2, 0, 4, 6, 6, 6]
    deps = ["sb", "punct", "mo", "nk", "app", "punct", "ROOT", "oa", "punct"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps)
    doc.ents = [Span(doc, 0, 1, label="PER")]
    doc = nlp.get_pipe("meldung_entities")(doc)
    assert people(doc)["Merkel"]["roles"] == ["Kanzlerin"]


@pytest.mark.parametrize("text,ents,expected", [
    ("Die EZB hob die Zinsen an.", [("EZB", "ORG")], {"Europäische Zentralbank": 1}),
    ("Die Europäische Zentralbank (EZB) erhöht. Die EZB bleibt.",
     [("Europäische Zentralbank", "ORG"), ("EZB", "ORG")], {"Europäische Zentralbank": 3}),
    ("Die UNO und die Vereinten Nationen.", [("UNO", "ORG"), ("Vereinten Nationen", "ORG")],
     {"Vereinte Nationen": 2}),
    ("Die NATO und die Nato.", [("NATO", "ORG"), ("Nato", "ORG")], {"Nato": 2}),
    ("Der Kreml und die Bundeswehr.", [("Kreml", "ORG"), ("Bundeswehr", "ORG")], {"Kreml": 1, "Bundeswehr": 1}),
    ("Der Bauernverband Nordwest (BVN) klagt, der BVN droht.",
     [("Bauernverband Nordwest", "ORG"), ("BVN", "ORG")], {"Bauernverband Nordwest": 3}),
])
def test_entities_organisations(nlp, text, ents, expected):
    doc = make(nlp, text, ents)
    found = {r["canonical"]: r["n_mentions"] for r in doc._.entities if r["label"] == "ORG"}
    assert found == expected


def test_entities_worked_example(nlp):
    doc = make(nlp, WORKED_EXAMPLE, WORKED_ENTS, dateline_place="Berlin", dateline="Berlin (dpa) -")
    found = {name: (r["roles"], r["n_mentions"]) for name, r in people(doc).items()}
    assert found == {
        "Olaf Scholz": (["Bundeskanzler"], 2),
        "Emmanuel Macron": (["französische Präsident"], 1),
        "Steffen Hebestreit": (["Regierungssprecher"], 1),
    }
    assert {(p["canonical"], p["country"]) for p in places(doc).values()} == {
        ("Berlin", "DE"), ("Paris", "FR"), ("Frankreich", "FR"), ("Norditalien", "IT"), ("Ukraine", "UA")}
    assert places(doc)["Frankreich"]["n_mentions"] == 2  # "französische" and "Frankreich"
    rows = resolved_entity_rows(doc)
    assert {r["canonical"]: r["roles"] for r in rows["people"]}["Olaf Scholz"] == ["Bundeskanzler"]
    mentions = mentions_rows(doc)
    assert [m["canonical"] for m in mentions if m["text"] == "Scholz"] == ["Olaf Scholz"]
    assert all(WORKED_EXAMPLE[m["start"]:m["end"]] == m["text"] for m in mentions)


def test_entities_values_survive_doc_to_bytes(nlp):
    doc = make(nlp, WORKED_EXAMPLE, WORKED_ENTS)
    back = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert back._.entities == doc._.entities
    assert [(s.text, s._.mention_entity, s._.mention_canonical) for s in back.spans["mentions"]] == \
        [(s.text, s._.mention_entity, s._.mention_canonical) for s in doc.spans["mentions"]]


def test_entities_to_disk_from_disk_round_trip(nlp, tmp_path):
    resolver = nlp.get_pipe("meldung_entities")
    resolver.initialize()
    resolver.to_disk(tmp_path / "entities")
    roles = tmp_path / "entities" / "data" / "roles" / "roles.txt"
    assert roles.exists() and (tmp_path / "entities" / "data" / "places" / "places.tsv").exists()
    roles.write_text(roles.read_text(encoding="utf-8") + "Schiedsrichter\n", encoding="utf-8")
    other = spacy.blank("de")
    loaded = other.add_pipe("meldung_entities").from_disk(tmp_path / "entities")
    assert isinstance(loaded, EntityResolver)
    doc = make(other, "Schiedsrichter Felix Zwayer pfiff.", [("Felix Zwayer", "PER")])
    assert people(doc)["Felix Zwayer"]["roles"] == ["Schiedsrichter"]
    doc = make(other, WORKED_EXAMPLE, WORKED_ENTS)
    assert doc._.entities == make(nlp, WORKED_EXAMPLE, WORKED_ENTS)._.entities


def test_entities_nlp_to_disk_round_trip(nlp, tmp_path):
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == ["meldung_entities"]
    assert resolve_entities(make(loaded, WORKED_EXAMPLE, WORKED_ENTS)).entities


@pytest.mark.parametrize("names,expected", [
    (["Recep Tayyip Erdogan", "Erdogan", "Tayyip Erdogan"],
     {"Recep Tayyip Erdogan": "Recep Tayyip Erdogan", "Erdogan": "Recep Tayyip Erdogan",
      "Tayyip Erdogan": "Recep Tayyip Erdogan"}),
    (["Hansi Flick", "Silke Flick", "Flick"],
     {"Hansi Flick": "Hansi Flick", "Silke Flick": "Silke Flick", "Flick": "Flick"}),
    (["Putin"], {"Putin": "Putin"}),
])
def test_link_people(names, expected):
    assert link_people(names) == expected


def test_link_person_id_stable():
    mapping = link_people(["Olaf Scholz", "Scholz"])
    assert person_id(mapping["Scholz"]) == person_id("Olaf Scholz") == person_id("olaf scholz")


def test_entities_one_sense_per_document():
    """NER labels the same name differently in two places; the document settles it."""
    nlp = spacy.blank("de")
    nlp.add_pipe("meldung_entities")
    doc = make(nlp, "Der Gouverneur des Gebiets Cherson, Olexander Prokudin, sagte das. "
                    "Prokudin ist seit 2022 im Amt.",
               [("Cherson", "PER"), ("Olexander Prokudin", "PER"), ("Prokudin", "LOC")])
    assert set(people(doc)) == {"Olexander Prokudin"}
    assert people(doc)["Olexander Prokudin"]["n_mentions"] == 2
    assert "Cherson" in places(doc)


def test_entities_role_noun_alone_is_no_person():
    nlp = spacy.blank("de")
    nlp.add_pipe("meldung_entities")
    doc = make(nlp, "Das teilte ein Regierungssprecher mit.", [("Regierungssprecher", "PER")])
    assert people(doc) == {}


def test_entities_word_after_a_one_word_opening_is_the_verb_not_an_adjective(nlp):
    """"Das kündigte Verteidigungsminister Boris Pistorius an": German puts the finite verb
    second, so "kündigte" is no adjective of the role even where a tagger says ADJA."""
    words = ["Das", "kündigte", "Verteidigungsminister", "Boris", "Pistorius", "an", "."]
    doc = Doc(nlp.vocab, words=words, tags=["PDS", "ADJA", "NN", "NE", "NE", "PTKVZ", "$."],
              pos=["PRON", "ADJ", "NOUN", "PROPN", "PROPN", "ADP", "PUNCT"],
              sent_starts=[True, False, False, False, False, False, False])
    doc.ents = [Span(doc, 3, 5, label="PER")]
    doc = nlp.get_pipe("meldung_entities")(doc)
    assert people(doc)["Boris Pistorius"]["roles"] == ["Verteidigungsminister"]


def test_entities_punctuation_is_each_vocab_own(monkeypatch):
    """The resolver's punctuation test is the Doc's own Vocab's: a Doc on a bare ``Vocab()``
    (no lexical attributes: "," is no punctuation there) seen first does not change what a
    German Doc's mention is."""
    from spacy.vocab import Vocab

    import pipeline.components.entities as entities

    def report(vocab):
        doc = Doc(vocab, words=["Anna", "Schmidt", ",", "sagte", "sie"])
        doc.ents = [Span(doc, 0, 3, label="PER")]
        return doc

    monkeypatch.setattr(entities, "_FORM_FLAGS", entities._FlagCaches())  # no form seen yet
    resolve_entities(report(Vocab()))
    after_bare = resolve_entities(report(spacy.blank("de").vocab)).mentions
    assert [m.canonical for m in after_bare] == ["Anna Schmidt"]
