"""A second look at the lemmas of open-class words, against the pipeline's lemma table.

The bundled model's edit-tree lemmatizer learned from 1,800 sentences. On words it
has not seen it applies an edit tree of a similar word, and the result is often no
German word at all: ``Nachtleben`` -> ``Nachtleb``, ``Pharmakonzern`` ->
``Pharmakonzer``, ``saß`` -> ``saßn``, ``gewechselt`` -> ``gewechselen``,
``läuft`` -> ``läufen``; a capitalised verb or adverb at the start of a sentence
keeps its capital (``Geht`` -> ``Geht``, ``Also`` -> ``Also``). Cue verbs and event
triggers are looked up by lemma, so such a lemma loses a quote or an event.

``meldung_lemma_check`` runs after the lemmatizers and asks spacy-lookups-data's
German table (355,000 forms, already in the pipeline's ``lemmatizer``) about
open-class words only (nouns, names, adjectives, adverbs, verbs; the table's
answers for pronouns and articles follow other conventions: ``es`` -> ``ich``):

1. A verb, adjective or adverb with a capitalised lemma at the start of a sentence
   (or after an opening quote, colon or bracket) gets the lower-case lemma, or the
   table's lemma of the lower-case form (``Geht`` -> ``gehen``, ``Nettes`` -> ``nett``).
2. A lemma the table knows as a lemma is kept. Otherwise the table's lemma of the
   form is taken, if it has one; for an adjective only when the form starts with
   the model's lemma (comparatives: ``kompetenteren`` -> ``kompetenter`` ->
   ``kompetent``), since the table cuts pronominal adjectives short (``anderen`` ->
   ``ander``, where UD has ``anderer``).
3. A noun the table does not know (most compounds) keeps its form as lemma when
   the form ends in a longer known noun than the model's lemma does
   (``Nachtleben``: ends in *Leben*; ``Nachtleb`` ends in no noun).

Measured with ``meldung evaluate ud`` and on the held-out GSD dev blocks
(models/README.md, "Lemma check"). Pipelines without a lookup ``lemmatizer`` are
left as they are.
"""

from __future__ import annotations

from typing import Mapping

import numpy
from spacy.attrs import LEMMA, ORTH, SENT_START, TAG
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc

from ._tokens import among, cached_answers, form_cache

#: STTS tags of the open word classes the check looks at
OPEN_TAGS = frozenset({"NN", "NE", "ADJA", "ADJD", "ADV", "VVFIN", "VVINF", "VVIZU", "VVPP", "VVIMP",
                       "VAFIN", "VAINF", "VAPP", "VAIMP", "VMFIN", "VMINF", "VMPP"})
NOUN_TAGS = frozenset({"NN", "NE"})
#: tokens after which a word is capitalised as at a sentence start
OPENERS = frozenset({'"', "„", "“", "»", "«", "‚", "‘", "'", ":", "("})
#: shortest noun counted as the head of a compound
MIN_HEAD = 3
#: the same as StringStore keys, for reading a Doc's arrays without decoding strings
_OPEN_TAG_KEYS = frozenset(map(get_string_id, OPEN_TAGS))
_OPENER_KEYS = frozenset(map(get_string_id, OPENERS))
_OPEN_TAG_ARRAY = numpy.array(sorted(_OPEN_TAG_KEYS), dtype=numpy.uint64)
_OPENER_ARRAY = numpy.array(sorted(_OPENER_KEYS), dtype=numpy.uint64)
_NOUN_TAG_ARRAY = numpy.array(sorted(map(get_string_id, NOUN_TAGS)), dtype=numpy.uint64)
#: bits of a lemma's flags (``LemmaCheck._lemma_flags``)
_CAPITALISED, _KNOWN = 1, 2


def _first_words(words: numpy.ndarray, starts: numpy.ndarray) -> numpy.ndarray:
    """Per token (ORTH and SENT_START columns), whether it is written as at a sentence
    start: the first token, a sentence start, or a token after an opening quote, colon
    or bracket."""
    first = starts == 1
    first[0] = True
    first[1:] |= among(words[:-1], _OPENER_ARRAY)
    return first


class LemmaCheck:
    """Corrects edit-tree lemmas that are no German word (see the module docstring)."""

    def __init__(self, nlp: Language, name: str = "meldung_lemma_check") -> None:
        self.nlp = nlp
        self.name = name
        self._table: Mapping[str, str] | None = None
        self._lemmas: frozenset[str] = frozenset()
        self._nouns: frozenset[str] = frozenset()

    def load_table(self) -> bool:
        """Read the lookup table of the pipeline's ``lemmatizer`` (once; at the first Doc
        unless called before, e.g. before worker processes are forked so that they
        share it). Whether there is one."""
        if self._table is not None:
            return bool(self._table)
        table: Mapping[str, str] = {}
        if "lemmatizer" in self.nlp.pipe_names:
            lookups = getattr(self.nlp.get_pipe("lemmatizer"), "lookups", None)
            if lookups is not None and lookups.has_table("lemma_lookup"):
                table = lookups.get_table("lemma_lookup")
        self.set_table(table)
        return bool(table)

    def set_table(self, table: Mapping[str, str]) -> None:
        """Use ``table`` (form -> lemma). Known lemmas are the table's values; known
        nouns are capitalised values that are their own lemma (``Wahlen`` -> ``Wahl``
        makes *Wahlen* no noun head)."""
        self._table = table
        self.__dict__.pop("_checked_lemmas", None)  # answers of the table before
        self.__dict__.pop("_flags_by_lemma", None)
        values = set(table.values())
        self._lemmas = frozenset(v.lower() for v in values)
        self._nouns = frozenset(v.lower() for v in values if v[:1].isupper() and table.get(v) == v)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc) or not self.load_table():
            return doc
        columns = doc.to_array([ORTH, LEMMA, TAG, SENT_START])
        orths, tags = columns[:, 0], columns[:, 2]
        first_words = _first_words(orths, columns[:, 3])
        # rule 1 looks at the verbs, adjectives and adverbs written as at a sentence start
        at_start = first_words & ~among(tags, _NOUN_TAG_ARRAY)
        # an open-class word whose lemma is its form keeps it, but for rule 1
        candidates = numpy.flatnonzero(among(tags, _OPEN_TAG_ARRAY) & (columns[:, 1] != 0)
                                       & ((orths != columns[:, 1]) | at_start))
        if not len(candidates):
            return doc
        words, lemmas, tags = orths[candidates], columns[candidates, 1], tags[candidates]
        first = first_words[candidates]
        # Most lemmas are kept by rule 2 alone: the lemma is the form or a known lemma,
        # which needs one look per distinct lemma, not per (form, lemma, tag, first).
        # Rule 1 (a capitalised lemma at a sentence start) comes before it.
        flags = numpy.array(self._lemma_flags(lemmas.tolist(), doc), dtype=numpy.uint8)
        capitalised = at_start[candidates] & (flags & _CAPITALISED != 0)
        kept = ~capitalised & ((words == lemmas) | (flags & _KNOWN != 0))
        rest = numpy.flatnonzero(~kept)
        keys = zip(words[rest].tolist(), lemmas[rest].tolist(), tags[rest].tolist(), first[rest].tolist())
        for i, key in zip(candidates[rest].tolist(), keys):
            better = self._checked(key, doc)
            if better:
                doc[i].lemma_ = better
        return doc

    def _lemma_flags(self, lemmas: list[int], doc: Doc) -> list[int]:
        """Per LEMMA key, ``_CAPITALISED`` and ``_KNOWN`` (the lemma is a lemma of the
        table), cached per key: strings decoded for the lemmas a run has not seen yet."""
        strings = doc.vocab.strings

        def flags(key: int) -> int:  # (a lemma new to the cache, decoded once)
            lemma = strings[key]
            return _CAPITALISED * lemma[:1].isupper() | _KNOWN * (lemma.lower() in self._lemmas)

        return cached_answers(lemmas, form_cache(self, "_flags_by_lemma"), flags)

    def _checked(self, key: tuple[int, int, int, bool], doc: Doc) -> str:
        """The checked lemma for a (form, lemma, tag, first) of StringStore keys, "" where
        the model's lemma stays; cached (the answer depends on these four only)."""
        checked = form_cache(self, "_checked_lemmas")
        better = checked.get(key)
        if better is None:
            store = doc.vocab.strings
            word, lemma, tag, first = key
            lemma_text = store[lemma]
            better = self.lemma(store[word], lemma_text, store[tag], first)
            checked[key] = better = "" if better == lemma_text else better
        return better

    def lemma(self, word: str, lemma: str, tag: str, first: bool) -> str:
        """The checked lemma of ``word`` (STTS ``tag``) whose model lemma is ``lemma``."""
        table = self._table or {}
        if first and tag not in NOUN_TAGS and lemma[:1].isupper():
            lower = lemma[:1].lower() + lemma[1:]
            if lower in self._lemmas:
                return lower
            return table.get(word.lower()) or lower
        if lemma == word or lemma.lower() in self._lemmas:
            return lemma
        known = table.get(word)
        if known and (not tag.startswith("ADJ") or word.startswith(lemma)):
            return known
        if tag in NOUN_TAGS and self._noun_head(word) > self._noun_head(lemma):
            return word
        return lemma

    def _noun_head(self, word: str) -> int:
        """Length of the longest known noun ``word`` ends in (0: none)."""
        low = word.lower()
        for start in range(len(low) - MIN_HEAD + 1):
            if low[start:] in self._nouns:
                return len(low) - start
        return 0


@Language.factory("meldung_lemma_check", requires=["token.lemma", "token.tag"], assigns=["token.lemma"])
def make_lemma_check(nlp: Language, name: str) -> LemmaCheck:
    return LemmaCheck(nlp, name)
