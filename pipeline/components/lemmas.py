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

from spacy.attrs import LEMMA, ORTH, SENT_START, TAG
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc

from ._tokens import form_cache

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
        values = set(table.values())
        self._lemmas = frozenset(v.lower() for v in values)
        self._nouns = frozenset(v.lower() for v in values if v[:1].isupper() and table.get(v) == v)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc) or not self.load_table():
            return doc
        columns = doc.to_array([ORTH, LEMMA, TAG, SENT_START])
        words, lemmas, tags, starts = (columns[:, k].tolist() for k in range(4))
        # The answer depends on the form, the model's lemma, the tag and the position
        # class only, and a Doc repeats most of them: one dict look per token, strings
        # decoded only for the (form, lemma, tag, first) a run has not seen yet.
        checked = form_cache(self, "_checked_lemmas")
        store = doc.vocab.strings
        for i, tag in enumerate(tags):
            if tag not in _OPEN_TAG_KEYS or not lemmas[i]:
                continue
            first = i == 0 or starts[i] == 1 or words[i - 1] in _OPENER_KEYS
            key = (words[i], lemmas[i], tag, first)
            better = checked.get(key)
            if better is None:
                lemma = store[lemmas[i]]
                better = self.lemma(store[words[i]], lemma, store[tag], first)
                checked[key] = better = "" if better == lemma else better
            if better:
                doc[i].lemma_ = better
        return doc

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
