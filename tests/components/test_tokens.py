"""The shared token-attribute reader of the rule components (pipeline/components/_tokens.py)."""

import spacy
from spacy.attrs import ORTH

from pipeline.components import _tokens


def test_tokens_strings_through_a_full_cache_stay_right_and_the_cache_stays_bounded(monkeypatch):
    nlp = spacy.blank("de")
    doc = nlp("Der Quorxbauer bellte am Abend in Zwibbelstadt")
    monkeypatch.setattr(_tokens, "_STRINGS", {})
    monkeypatch.setattr(_tokens, "_MAX_STRINGS", 3)
    assert _tokens.strings(doc, ORTH) == [t.text for t in doc]
    assert len(_tokens._STRINGS) <= 3  # too many new strings for the room left: none taken
    monkeypatch.setattr(_tokens, "_MAX_STRINGS", 5)
    assert _tokens.strings(doc[:4].as_doc(), ORTH) == ["Der", "Quorxbauer", "bellte", "am"]
    assert set(_tokens._STRINGS.values()) == {"Der", "Quorxbauer", "bellte", "am"}
    assert _tokens.strings(doc, ORTH) == [t.text for t in doc]  # full: the rest from the store
    assert len(_tokens._STRINGS) == 4


def test_tokens_sentence_bounds_as_doc_sents():
    nlp = spacy.blank("de")
    doc = nlp("Ein Satz . Noch einer . Und drei")
    for tok in doc:
        tok.is_sent_start = tok.i in (0, 3, 6)
    assert _tokens.sentence_bounds(doc) == [(s.start, s.end) for s in doc.sents] == [(0, 3), (3, 6), (6, 8)]
    assert _tokens.sentence_bounds(nlp("")) == []


def test_tokens_span_text_and_doc_text_as_spacy_gives_them():
    from spacy.attrs import SPACY

    doc = spacy.blank("de")("Berlin (dpa) - Der  Bundestag tagte.\n\nNeu ")
    words, spaces = [t.text for t in doc], doc.to_array(SPACY).tolist()
    assert _tokens.doc_text(doc) == doc.text
    assert all(_tokens.span_text(words, spaces, i, j) == doc[i:j].text
               for i in range(len(doc) + 1) for j in range(i, len(doc) + 1))


def test_morph_features_are_the_analysis_as_a_dict():
    nlp = spacy.blank("de")
    key = nlp.vocab.morphology.add("Case=Dat|Gender=Fem|Number=Sing")
    assert _tokens.morph_features(nlp.vocab, key) == {"Case": "Dat", "Gender": "Fem", "Number": "Sing"}
    assert _tokens.morph_features(nlp.vocab, 0) == {}
