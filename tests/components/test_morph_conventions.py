"""meldung_morph_conventions: the model's features per STTS tag in UD German GSD's conventions."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

import pipeline.components.morph_conventions  # noqa: F401 - registers the factory
from pipeline.components.morph_conventions import DEFAULT_TABLE, load_table


def convert(words, tags, morphs):
    nlp = spacy.blank("de")
    conventions = nlp.add_pipe("meldung_morph_conventions")
    doc = Doc(nlp.vocab, words=words, tags=tags, morphs=morphs)
    return [str(t.morph) for t in conventions(doc)]


def test_morph_conventions_add_what_gsd_always_has_and_drop_what_it_never_has():
    out = convert(["Er", "kam", "gestern", "angereist", "."], ["PPER", "VVFIN", "ADV", "VVPP", "$."],
                  ["Case=Nom|Gender=Masc|Number=Sing|Person=3|PronType=Prs",
                   "Mood=Ind|Number=Sing|Person=3|Tense=Past",  # no VerbForm
                   "Degree=Pos",  # GSD's adverbs have no degree
                   "Tense=Past",  # GSD's participles: VerbForm=Part only
                   ""])
    assert out == ["Case=Nom|Gender=Masc|Number=Sing|Person=3|PronType=Prs",
                   "Mood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin",
                   "", "VerbForm=Part", ""]


def test_morph_conventions_leave_case_gender_number_to_the_model():
    out = convert(["Häuser"], ["NN"], ["Case=Dat|Gender=Neut|Number=Plur"])
    assert out == ["Case=Dat|Gender=Neut|Number=Plur"]


def test_morph_conventions_table_comes_from_the_package_and_survives_to_disk(tmp_path):
    table = load_table(DEFAULT_TABLE)
    assert table["VVFIN"]["add"] == {"VerbForm": "Fin"} and "Tense" not in table["VVPP"]["keep"]
    nlp = spacy.blank("de")
    nlp.add_pipe("meldung_morph_conventions").table = {"NN": {"add": {}, "keep": ["Case"]}}
    nlp.to_disk(tmp_path / "m")
    again = spacy.load(tmp_path / "m")
    assert again.get_pipe("meldung_morph_conventions").table == {"NN": {"add": {}, "keep": ["Case"]}}


def test_rare_participle_tags_follow_the_full_verbs_participle():
    # "worden" (VAPP) is too rare in GSD dev to have its own entry; it is a participle like VVPP
    assert convert(["worden"], ["VAPP"], ["Tense=Past"]) == ["VerbForm=Part"]
