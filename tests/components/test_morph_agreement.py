"""meldung_morph_agreement: case, gender and number of noun phrases from the noun lexicon,
the articles, the adjective endings and the prepositions."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

import pipeline.components.morph_agreement  # noqa: F401 - registers the factory
from pipeline.components.morph_agreement import DEFAULT_NOUNS, NounLexicon, determiner_analyses


def agree(rows):
    """rows: (word, pos, tag, dep, head index, lemma, morph) -> the morph strings afterwards."""
    nlp = spacy.blank("de")
    component = nlp.add_pipe("meldung_morph_agreement")
    words, pos, tags, deps, heads, lemmas, morphs = map(list, zip(*rows))
    doc = Doc(nlp.vocab, words=words, pos=pos, tags=tags, deps=deps, heads=heads, lemmas=lemmas, morphs=morphs)
    return [str(t.morph) for t in component(doc)]


def test_preposition_article_and_noun_leave_one_analysis():
    # the model took "Präsidenten" for a plural; after "mit dem" it can only be dative singular
    out = agree([
        ("Er", "PRON", "PPER", "nsubj", 1, "er", "Case=Nom|Gender=Masc|Number=Sing|Person=3|PronType=Prs"),
        ("sprach", "VERB", "VVFIN", "ROOT", 1, "sprechen", "Mood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin"),
        ("mit", "ADP", "APPR", "case", 4, "mit", ""),
        ("dem", "DET", "ART", "det", 4, "der", "Case=Dat|Definite=Def|Gender=Neut|Number=Sing|PronType=Art"),
        ("Präsidenten", "NOUN", "NN", "obl", 1, "Präsident", "Case=Dat|Gender=Masc|Number=Plur"),
    ])
    assert out[3] == "Case=Dat|Definite=Def|Gender=Masc|Number=Sing|PronType=Art"
    assert out[4] == "Case=Dat|Gender=Masc|Number=Sing"
    assert out[:3] == ["Case=Nom|Gender=Masc|Number=Sing|Person=3|PronType=Prs",
                       "Mood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin", ""]


def test_a_compound_takes_gender_and_forms_of_its_head_noun():
    # "Bundesregierung" is not in the lexicon file; "Regierung" is, and it is feminine
    assert "Bundesregierung" not in NounLexicon.read(DEFAULT_NOUNS).lines
    out = agree([
        ("von", "ADP", "APPR", "case", 2, "von", ""),
        ("der", "DET", "ART", "det", 2, "der", "Case=Dat|Definite=Def|Gender=Masc|Number=Sing|PronType=Art"),
        ("Bundesregierung", "NOUN", "NN", "ROOT", 2, "Bundesregierung", "Case=Dat|Gender=Masc|Number=Sing"),
    ])
    assert out[2] == "Case=Dat|Gender=Fem|Number=Sing"
    assert out[1] == "Case=Dat|Definite=Def|Gender=Fem|Number=Sing|PronType=Art"


def test_the_parse_chooses_among_what_agreement_leaves():
    # "die Regierung" is nominative or accusative; as the subject it is nominative
    out = agree([
        ("Die", "DET", "ART", "det", 1, "der", "Case=Acc|Definite=Def|Gender=Fem|Number=Sing|PronType=Art"),
        ("Regierung", "NOUN", "NN", "nsubj", 2, "Regierung", "Case=Acc|Gender=Fem|Number=Sing"),
        ("tagte", "VERB", "VVFIN", "ROOT", 2, "tagen", "Mood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin"),
    ])
    assert out[:2] == ["Case=Nom|Definite=Def|Gender=Fem|Number=Sing|PronType=Art", "Case=Nom|Gender=Fem|Number=Sing"]


def test_plural_article_keeps_no_gender_and_adjective_ending_agrees():
    out = agree([
        ("mit", "ADP", "APPR", "case", 3, "mit", ""),
        ("den", "DET", "ART", "det", 3, "der", "Case=Acc|Definite=Def|Number=Plur|PronType=Art"),
        ("kleinen", "ADJ", "ADJA", "amod", 3, "klein", "Case=Acc|Degree=Pos|Gender=Masc|Number=Sing"),
        ("Häusern", "NOUN", "NN", "ROOT", 3, "Haus", "Case=Acc|Gender=Masc|Number=Plur"),
    ])
    assert out[1] == "Case=Dat|Definite=Def|Number=Plur|PronType=Art"
    assert out[2] == "Case=Dat|Degree=Pos|Gender=Neut|Number=Plur"
    assert out[3] == "Case=Dat|Gender=Neut|Number=Plur"


def test_uninflected_words_and_unconstrained_nouns_stay_as_the_model_left_them():
    out = agree([
        ("super", "ADJ", "ADJA", "amod", 1, "super", "Degree=Pos"),
        ("Xylofonbau", "PROPN", "NE", "ROOT", 1, "Xylofonbau", "Case=Nom|Gender=Masc|Number=Sing"),
    ])
    assert out == ["Degree=Pos", "Case=Nom|Gender=Masc|Number=Sing"]


@pytest.mark.parametrize("rows,expected", [
    # "dem Frau" is wrong German, or a wrong lexicon entry or lemma: the lexicon is the
    # constraint skipped, so the article never gets an analysis it cannot have
    ([("mit", "ADP", "APPR", "case", 2, "mit", ""),
      ("dem", "DET", "ART", "det", 2, "der", "Case=Dat|Definite=Def|Gender=Masc|Number=Sing|PronType=Art"),
      ("Frau", "NOUN", "NN", "ROOT", 2, "Frau", "Case=Dat|Gender=Masc|Number=Sing")],
     {1: "Case=Dat|Definite=Def|Gender=Masc|Number=Sing|PronType=Art", 2: "Case=Dat|Gender=Masc|Number=Sing"}),
    # a contraction outranks a preposition before it: "bis zum Ende" is dative
    ([("bis", "ADP", "APPR", "case", 2, "bis", ""),
      ("zum", "ADP", "APPRART", "case", 2, "zu der", ""),
      ("Ende", "NOUN", "NN", "ROOT", 2, "Ende", "Case=Acc|Gender=Neut|Number=Sing")],
     {2: "Case=Dat|Gender=Neut|Number=Sing"}),
    # nouns declined like adjectives: Wiktionary has "Vorsitzender" (m) and "Vorsitzende" (f),
    # the lemmatizer gives "Vorsitzende" for both; the article decides
    ([("Der", "DET", "ART", "det", 1, "der", "Case=Nom|Definite=Def|Gender=Fem|Number=Sing|PronType=Art"),
      ("Vorsitzende", "NOUN", "NN", "nsubj", 2, "Vorsitzende", "Case=Nom|Gender=Fem|Number=Sing"),
      ("sagte", "VERB", "VVFIN", "ROOT", 2, "sagen", "Mood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin")],
     {1: "Case=Nom|Gender=Masc|Number=Sing"}),
])
def test_articles_and_prepositions_constrain_before_the_lexicon(rows, expected):
    out = agree(rows)
    assert {i: out[i] for i in expected} == expected


def test_determiner_tables_follow_german_declension():
    assert determiner_analyses("dem") == {("Dat", "Masc", "Sing"), ("Dat", "Neut", "Sing")}
    assert determiner_analyses("eines") == {("Gen", "Masc", "Sing"), ("Gen", "Neut", "Sing")}
    assert ("Nom", "Masc", "Sing") in determiner_analyses("unser")  # the stem ends in -er
    assert ("Nom", "Masc", "Sing") not in determiner_analyses("einer")  # "ein Mann", not "einer Mann"
    assert determiner_analyses("viel") is None


def test_noun_lexicon_reads_forms_and_survives_to_disk(tmp_path):
    lexicon = NounLexicon.read(DEFAULT_NOUNS)
    assert lexicon.analyses("Häusern", "Haus") == {("Dat", "Neut", "Plur")}
    assert lexicon.analyses("Regierungen", "") == {(c, "Fem", "Plur") for c in ("Nom", "Acc", "Dat", "Gen")}
    assert lexicon.analyses("Xylofonbau", "Xylofonbau") is None
    nlp = spacy.blank("de")
    nlp.add_pipe("meldung_morph_agreement").lexicon = NounLexicon({"Tisch": "m\tTisch:AsDsNs;Tische:ApNp"})
    nlp.to_disk(tmp_path / "m")
    again = spacy.load(tmp_path / "m").get_pipe("meldung_morph_agreement").lexicon
    assert again.analyses("Tische", "Tisch") == {("Acc", "Masc", "Plur"), ("Nom", "Masc", "Plur")}


def test_personal_pronouns_take_the_case_their_form_and_relation_allow():
    out = agree([
        ("Sie", "PRON", "PPER", "nsubj", 1, "sie", "Case=Acc|Gender=Fem|Number=Sing|Person=3|PronType=Prs"),
        ("sah", "VERB", "VVFIN", "ROOT", 1, "sehen", "Mood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin"),
        ("ihn", "PRON", "PPER", "obj", 1, "er", "Case=Nom|Gender=Masc|Number=Sing|Person=3|PronType=Prs"),
        ("mit", "ADP", "APPR", "case", 4, "mit", ""),
        ("uns", "PRON", "PPER", "obl", 1, "wir", "Case=Acc|Number=Plur|Person=1|PronType=Prs"),
    ])
    assert [o.split("|")[0] for o in (out[0], out[2], out[4])] == ["Case=Nom", "Case=Acc", "Case=Dat"]


def test_passive_werden_gets_voice_pass():
    out = agree([
        ("Er", "PRON", "PPER", "nsubj:pass", 2, "er", "Case=Nom|Gender=Masc|Number=Sing|Person=3|PronType=Prs"),
        ("wurde", "AUX", "VAFIN", "aux:pass", 2, "werden", "Mood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin"),
        ("gewählt", "VERB", "VVPP", "ROOT", 2, "wählen", "VerbForm=Part"),
    ])
    assert out[1] == "Mood=Ind|Number=Sing|Person=3|Tense=Past|VerbForm=Fin|Voice=Pass"
    assert out[2] == "VerbForm=Part"


def test_each_piece_of_knowledge_can_be_switched_off_in_the_config():
    nlp = spacy.blank("de")
    component = nlp.add_pipe("meldung_morph_agreement", config={"use_lexicon": False})
    doc = Doc(nlp.vocab, words=["Bundesregierung"], pos=["NOUN"], tags=["NN"], deps=["ROOT"], heads=[0],
              lemmas=["Bundesregierung"], morphs=["Case=Nom|Gender=Masc|Number=Sing"])
    assert str(component(doc)[0].morph) == "Case=Nom|Gender=Masc|Number=Sing"  # no lexicon: left alone


def test_adjective_degree_from_form_and_lemma():
    from pipeline.components.morph_agreement import adjective_degree

    assert adjective_degree("größeren", "groß", attributive=True) == "Cmp"
    assert adjective_degree("neuesten", "neu", attributive=True) == "Sup"
    assert adjective_degree("größte", "groß", attributive=True) == "Sup"
    assert adjective_degree("toller", "toll", attributive=True) is None  # "in toller Gesellschaft"
    assert adjective_degree("schneller", "schnell", attributive=False) == "Cmp"  # "er ist schneller"
    assert adjective_degree("besten", "gut", attributive=True) is None  # suppletive: left to the model
    out = agree([
        ("die", "DET", "ART", "det", 2, "der", "Case=Nom|Definite=Def|Gender=Fem|Number=Sing|PronType=Art"),
        ("größte", "ADJ", "ADJA", "amod", 2, "groß", "Case=Nom|Degree=Pos|Gender=Fem|Number=Sing"),
        ("Stadt", "NOUN", "NN", "ROOT", 2, "Stadt", "Case=Nom|Gender=Fem|Number=Sing"),
    ])
    assert out[1] == "Case=Nom|Degree=Sup|Gender=Fem|Number=Sing"


def test_lexicon_form_with_the_encodings_separators_is_unknown_not_misread():
    lexicon = NounLexicon({"Ei": "n\tEi:AsDsNs;Eier:ApDpGpNp"})
    assert lexicon.mask("Eier", "Ei")
    assert lexicon.mask("Ei:AsDsNs;Eier", "Ei") == 0  # not the cells of "Eier" in the encoded line
