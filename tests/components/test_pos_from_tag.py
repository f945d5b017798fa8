"""meldung_pos_from_tag: the bundled model's UPOS-from-STTS attribute ruler, done with arrays."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

import pipeline
from pipeline.components.pos_from_tag import tag_to_pos_mapping

BUNDLED = Path(pipeline.nlp.BUNDLED_MODEL)


def ruler_with(rules):
    nlp = spacy.blank("de")
    ruler = nlp.add_pipe("attribute_ruler", name="pos_from_tag")
    for patterns, attrs in rules:
        ruler.add(patterns=patterns, attrs=attrs)
    return nlp, ruler


def test_pos_from_tag_reads_single_token_tag_rules_of_a_ruler():
    _, ruler = ruler_with([([[{"TAG": "APPR"}]], {"POS": "ADP"}), ([[{"TAG": "ADJD"}]], {"POS": "ADJ"})])
    assert tag_to_pos_mapping(ruler) == {"APPR": "ADP", "ADJD": "ADJ"}


@pytest.mark.parametrize("patterns,attrs", [
    ([[{"TAG": "NN"}, {"TAG": "NE"}]], {"POS": "PROPN"}),  # two tokens
    ([[{"TAG": "NN", "LOWER": "box"}]], {"POS": "PROPN"}),  # another condition
    ([[{"TAG": "NN"}]], {"POS": "NOUN", "LEMMA": "x"}),  # another attribute
])
def test_pos_from_tag_leaves_other_rulers_alone(patterns, attrs):
    _, ruler = ruler_with([(patterns, attrs)])
    assert tag_to_pos_mapping(ruler) is None


def test_pos_from_tag_sets_upos_only_for_mapped_tags():
    nlp = spacy.blank("de")
    fast = nlp.add_pipe("meldung_pos_from_tag", config={"mapping": {"APPR": "ADP", "ADJD": "ADJ"}})
    doc = Doc(nlp.vocab, words=["Es", "ist", "gut", "in", "Rom"], tags=["PPER", "VAFIN", "ADJD", "APPR", "NE"],
              pos=["PRON", "AUX", "ADV", "CCONJ", "PROPN"])
    assert [t.pos_ for t in fast(doc)] == ["PRON", "AUX", "ADJ", "ADP", "PROPN"]


@pytest.mark.skipif(not (BUNDLED / "config.cfg").exists(), reason="models/de_meldung has not been built")
def test_pos_from_tag_gives_the_bundled_rulers_upos_and_load_uses_it(corpus_dir):
    nlp = spacy.load(BUNDLED)
    ruler = nlp.get_pipe("pos_from_tag")
    texts = [p.read_text("utf-8-sig") for p in sorted((corpus_dir / "txt").glob("*.txt"))[:4]]
    docs = list(nlp.pipe(texts, disable=["pos_from_tag"]))
    slow = [ruler(d.copy()) for d in docs]
    fast_pipe = nlp.add_pipe("meldung_pos_from_tag", name="fast", config={"mapping": tag_to_pos_mapping(ruler)})
    fast = [fast_pipe(d.copy()) for d in docs]
    assert [[t.pos_ for t in d] for d in slow] == [[t.pos_ for t in d] for d in fast]
    assert sum(t.pos_ != u.pos_ for d, e in zip(docs, fast) for t, u in zip(d, e)) > 0  # it did something
    assert type(pipeline.load().get_pipe("pos_from_tag")).__name__ == "PosFromTag"
