"""The bundled model's dependency labels in the conventions of UD German GSD, where they differ.

The parser learned from GSD and from PUD, whose annotators label "es" differently: PUD calls
it an expletive (``expl``) 90 times in 146, GSD's dev training blocks call it the subject
(``nsubj``) whenever its verb has no other subject (66 times: "es gibt", "es regnet", "es
ist schwer") and ``expl`` only beside another subject (14 times: "es kamen viele Leute",
"es ist klar, dass ..."). The parser mixes the two. ``meldung_parse_conventions`` relabels an
"es" (``expl``) whose head has no other subject as ``nsubj``; other labels stay the parser's.

``pipeline.load()`` adds it after the bundled model's parser (and ``meldung evaluate ud``
unless ``--no-rules``); other pipelines (de_core_news_sm: TIGER labels) are left alone.
Measured in models/README.md, "Parse conventions".
"""

from __future__ import annotations

import numpy
from spacy.attrs import DEP, HEAD, LOWER
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc

_ES = get_string_id("es")
_EXPL = get_string_id("expl")
_NSUBJ = get_string_id("nsubj")
#: relations that give a verb a subject already
_SUBJECTS = frozenset(map(get_string_id, ("nsubj", "nsubj:pass", "csubj", "csubj:pass")))


class ParseConventions:
    """Relabels subject-less expletive "es" as ``nsubj`` (see the module docstring)."""

    def __init__(self, nlp: Language, name: str = "meldung_parse_conventions") -> None:
        self.nlp = nlp
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc) or not doc.has_annotation("DEP"):
            return doc
        array = doc.to_array([LOWER, DEP, HEAD])
        candidates = numpy.flatnonzero((array[:, 0] == _ES) & (array[:, 1] == _EXPL)).tolist()
        if not candidates:
            return doc
        deps = array[:, 1].tolist()
        heads = (array[:, 2].astype("int64") + numpy.arange(len(doc))).tolist()
        with_subject = {head for dep, head in zip(deps, heads) if dep in _SUBJECTS}
        for i in candidates:
            if heads[i] != i and heads[i] not in with_subject:
                doc[i].dep = _NSUBJ  # one label; heads and sentences stay as they are
        return doc


@Language.factory("meldung_parse_conventions", requires=["token.dep", "token.head"], assigns=["token.dep"])
def make_parse_conventions(nlp: Language, name: str) -> ParseConventions:
    return ParseConventions(nlp, name)
