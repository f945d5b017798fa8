"""UPOS from the STTS tag, for the tags that decide it: the bundled model's ``pos_from_tag``, fast.

The bundled model carries spaCy's ``attribute_ruler`` as ``pos_from_tag`` (27 patterns such
as ``{"TAG": "APPR"} -> POS ADP``; models/README.md, "UPOS from STTS tags"), so that plain
``spacy.load`` gives the better UPOS. The attribute ruler matches and sets attributes token by
token in Python: 1.0 CPU s per 1,000 benchmark reports, a twentieth of the whole model.
``meldung_pos_from_tag`` does the same with one array lookup per Doc (about 0.05 s), and
``pipeline.load()`` puts it in the ruler's place when every pattern of the ruler is one such
single-token TAG -> POS rule (:func:`tag_to_pos_mapping`); the UPOS it sets is the same.
"""

from __future__ import annotations

import numpy
from spacy.attrs import POS, TAG
from spacy.language import Language
from spacy.parts_of_speech import IDS as UPOS_IDS
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc


def tag_to_pos_mapping(ruler: AttributeRuler) -> dict[str, str] | None:
    """The ruler's rules as {STTS tag: UPOS}, or None if any rule is more than that
    (several tokens, other conditions, other attributes, an index)."""
    mapping: dict[str, str] = {}
    for rule in ruler.patterns:
        patterns, attrs = rule["patterns"], rule["attrs"]
        if rule.get("index", 0) != 0 or set(attrs) != {"POS"}:
            return None
        for pattern in patterns:
            if len(pattern) != 1 or set(pattern[0]) != {"TAG"} or not isinstance(pattern[0]["TAG"], str):
                return None
            mapping[pattern[0]["TAG"]] = attrs["POS"]
    return mapping


class PosFromTag:
    """Sets ``token.pos_`` to ``mapping[token.tag_]`` where the tag is in ``mapping``."""

    def __init__(self, nlp: Language, name: str, mapping: dict[str, str]) -> None:
        self.name = name
        self.mapping = dict(mapping)
        # TAG values are string hashes, POS values the ids of spaCy's UPOS symbols
        self._pos_of_tag = {nlp.vocab.strings.add(tag): UPOS_IDS[pos] for tag, pos in self.mapping.items()}

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc) or not self._pos_of_tag:
            return doc
        array = doc.to_array([TAG, POS])
        tags, inverse = numpy.unique(array[:, 0], return_inverse=True)
        known = numpy.array([int(t) in self._pos_of_tag for t in tags])[inverse]
        if not known.any():
            return doc
        pos = numpy.array([self._pos_of_tag.get(int(t), 0) for t in tags], dtype=array.dtype)[inverse]
        array[:, 1] = numpy.where(known, pos, array[:, 1])
        doc.from_array([POS], numpy.ascontiguousarray(array[:, 1]))
        return doc


@Language.factory("meldung_pos_from_tag", default_config={"mapping": {}},
                  requires=["token.tag"], assigns=["token.pos"])
def make_pos_from_tag(nlp: Language, name: str, mapping: dict[str, str]) -> PosFromTag:
    return PosFromTag(nlp, name, mapping)
