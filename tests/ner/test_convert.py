"""The corpus converter (models/ner/convert.py) on a few lines."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("ner_convert", ROOT / "models" / "ner" / "convert.py")
convert = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(convert)


@pytest.mark.parametrize("tag,expected", [
    ("B-PER", "B-PER"), ("I-OTH", "I-MISC"), ("B-LOCderiv", "O"), ("I-ORGpart", "O"), ("O", "O"),
])
def test_convert_germeval_tag_mapping(tag, expected):
    assert convert.map_germeval_tag(tag) == expected


def test_convert_read_germeval_outer_level(germeval_file):
    sents = list(convert.read_germeval(germeval_file))
    assert len(sents) == 2
    words, tags, _ = sents[0]
    assert words[:2] == ["Angela", "Merkel"]
    assert tags == ["B-PER", "I-PER", "O", "O", "O", "O", "B-ORG", "O", "B-LOC", "O", "B-MISC", "O"]
    assert sents[1][1] == ["O", "O", "O", "B-LOC", "O", "O"]


@pytest.mark.parametrize("mapping,tags,expected", [
    ({"person": "PER", "location-city": "LOC"},
     ["B-person", "I-person", "O", "B-location-city", "B-location-route"],
     ["B-PER", "I-PER", "O", "B-LOC", "O"]),
])
def test_convert_read_conll_maps_fine_labels(tmp_path, mapping, tags, expected):
    words = ["Anna", "Schmidt", "in", "Berlin", "A100"]
    lines = ["-DOCSTART- -1- O O", ""] + [f"{w}\tNN\tI-NN\t{t}" for w, t in zip(words, tags)] + [""]
    path = tmp_path / "x.conll"
    path.write_text("\n".join(lines), encoding="utf-8")
    (sent,) = list(convert.read_conll(path, sep="\t", mapping=mapping))
    assert sent[0] == words
    assert sent[1] == expected


def test_convert_fix_bio_repairs_orphan_inside():
    assert convert.fix_bio(["O", "I-PER", "I-PER", "I-LOC"]) == ["O", "B-PER", "I-PER", "B-LOC"]


def test_convert_misc_missing_only_unknown_capitalised(blank_de):
    from spacy.tokens import Doc

    class Nouns:
        def __contains__(self, word):
            return word in {"Präsident"}

    doc = Doc(blank_de.vocab, words=["Der", "Präsident", "sah", "Olympia", "in", "Paris"],
              ents=["O", "O", "O", "O", "O", "B-LOC"])
    out = convert.misc_missing(doc, Nouns())
    assert [t.ent_iob_ for t in out] == ["O", "O", "O", "", "O", "B"]
