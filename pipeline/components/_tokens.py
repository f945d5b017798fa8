"""Token attributes read per Doc as plain lists, for the rule components' hot loops.

``doc[i]``, ``for tok in doc`` and ``span`` iteration build a new ``Token`` object at
every look, and ``tok.lower_`` / ``tok.tag_`` then decode the string from the
StringStore again. The rules look at the same few attributes of every token many
times, so the components read them once per Doc with ``Doc.to_array`` and map the
hashes to strings through a cache shared by all Docs (a hash always names the same
string, so the cache can never give a different answer than the StringStore).
"""

from __future__ import annotations

import itertools
import operator
from itertools import compress, repeat
from typing import Any, Callable, Sequence

import numpy
from spacy.attrs import MORPH, ORTH, SENT_START, SPACY
from spacy.tokens import Doc, MorphAnalysis, Span
from spacy.vocab import Vocab

#: hash -> string, filled from the StringStores the Docs come with; bounded by the
#: number of distinct word forms, lemmas and tags seen (at most _MAX_STRINGS; see hash_strings)
_STRINGS: dict[int, str] = {}
#: ~6 MB; full after ~700 benchmark reports, flat after. 100,000 (full after ~1,500)
#: gave the same speed on 3,000 reports and 27 MB more peak memory (682 vs 655 MB).
_MAX_STRINGS = 50_000
#: MORPH hash -> {field: values}, for the few fields the rules ask for
_MORPH: dict[tuple[int, str], list[str]] = {}
#: MORPH hash -> {field: value}; as bounded as the vocab's morphology (a few thousand analyses)
_FEATURES: dict[int, dict[str, str]] = {}


#: entries of a per-lexicon cache of word forms before it is emptied (memory stays flat).
#: The caches fill within the first thousand or two reports of a run, so their size is
#: most of what peak memory gains after that: 50,000 (with 100,000 strings above) gave
#: 636 -> 689 MB from 1,000 to 3,000 benchmark reports, 20,000 625 -> 656 MB, at the
#: same speed.
MAX_FORMS = 20_000
#: entries of a cache of answers per noun (form, lemma) pair whose answer is dear (a
#: compound split against a lexicon: 10-25 us): 1,000 benchmark reports bring ~23,600
#: different pairs and ~30,000 capitalised forms, so MAX_FORMS cut such a cache to its
#: first half every few hundred reports and the answers were worked out again when the
#: nouns came back. With this limit (a few MB each, peak RSS of 3,000 reports 600 -> 610
#: MB with both the agreement's and the events' cache) events took ~6% less over 3,000
#: reports, the agreement ~7%.
MAX_NOUN_FORMS = 60_000


def form_cache(owner: object, name: str, limit: int = MAX_FORMS) -> dict:
    """A dict kept on ``owner`` (a lexicon) as attribute ``name``, for answers per word form
    that depend only on that lexicon, and gone with the lexicon. Once it holds more than
    ``limit`` entries, only the first ``limit // 2`` stay: the forms a run meets first are
    its frequent ones. (Emptying it made the components answer for the common words again
    every few hundred reports: 1,000 reports have ~30,000 distinct capitalised words.)"""
    cache = owner.__dict__.get(name)
    if cache is None:
        cache = owner.__dict__[name] = {}
    elif len(cache) > limit:
        cache = owner.__dict__[name] = dict(itertools.islice(cache.items(), limit // 2))
    return cache


def cached_answers(keys: list, cache: dict, answer: Callable[[Any], Any]) -> list:
    """``answer(key)`` for each of ``keys``, from ``cache`` (a :func:`form_cache`) where it
    holds the key; the keys new to it are answered once each (a Doc repeats its words) and
    stored. A Doc's keys are then one dict look-up each, in C. ``answer`` never gives None
    (None marks a key not seen yet)."""
    found = list(map(cache.get, keys))
    if None in found:
        for key in dict.fromkeys(compress(keys, map(operator.is_, found, repeat(None)))):
            cache[key] = answer(key)
        found = list(map(cache.__getitem__, keys))
    return found


def strings(doc: Doc, attr: int) -> list[str]:
    """The string values of ``attr`` (ORTH, LOWER, LEMMA, TAG, ...) of every token:
    ``[tok.lower_ for tok in doc]`` without a Token or a string decoding per token."""
    if not len(doc):
        return []
    return hash_strings(doc, doc.to_array(attr).tolist())


def hash_strings(doc: Doc, hashes: list[int]) -> list[str]:
    """The strings of ``hashes`` (from ``doc``'s StringStore), through the shared cache.

    A full cache keeps its first half and makes room for new strings in the other: the
    first strings of a run are its frequent ones, and every component asks for the same
    Doc's rare words after the first one has decoded them. (Emptying it when full made every
    component decode the common words again: 1,000 benchmark reports bring 69,000 different
    strings; taking nothing more when full made every component after the first decode each
    Doc's rare words again, through this function's slow path.)"""
    try:
        return list(map(_STRINGS.__getitem__, hashes))
    except KeyError:
        store = doc.vocab.strings
        distinct = set(hashes)
        new = distinct.difference(_STRINGS)
        if len(distinct) > _MAX_STRINGS // 2:  # one huge Doc: not worth keeping
            missing = {h: store[h] for h in new}
            return [s if s is not None else missing[h] for s, h in zip(map(_STRINGS.get, hashes), hashes)]
        if len(_STRINGS) + len(new) > _MAX_STRINGS:
            _keep_first_strings(_MAX_STRINGS // 2)
            new = distinct.difference(_STRINGS)  # the Doc's strings in the dropped half too
        _STRINGS.update({h: store[h] for h in new})
        return list(map(_STRINGS.__getitem__, hashes))


def _keep_first_strings(n: int) -> None:
    """Drop all but the ``n`` strings that came into the cache first (a few ms, once every
    few hundred reports)."""
    kept = list(itertools.islice(_STRINGS.items(), n))
    _STRINGS.clear()
    _STRINGS.update(kept)


#: a token's trailing whitespace by its SPACY flag (0/1 or False/True)
_TRAILING = ("", " ")


def span_text(words: Sequence[str], spaces: Sequence[int], start: int, end: int) -> str:
    """``doc[start:end].text`` from the token strings and their SPACY flags, without a Span
    or a Token per word: the words with their trailing spaces, the last one's left off."""
    if end <= start:
        return ""
    last = end - 1
    return "".join(map(operator.add, words[start:last], map(_TRAILING.__getitem__, spaces[start:last]))) + words[last]


#: Docs whose word forms are kept (see :func:`words`): more than the Docs a pipeline
#: holds between two components that read the words (a batch: 64 in a run). About 13 kB
#: a Doc of the benchmark.
RECENT_DOCS = 256
#: id(Doc) -> (ORTH hashes, word forms) of the Docs read last (see :func:`words`)
_RECENT_WORDS: dict[int, tuple[list[int], list[str]]] = {}
#: Form lists whose lower case is kept (see :func:`lower_words`): the components that
#: lower the words run one after the other on a Doc. (512 kept 9 MB more at peak over
#: 1,000 benchmark reports for nothing.)
RECENT_LOWER = 8
#: id(forms) -> (word forms, their lower case) of the form lists lowered last
_RECENT_LOWER: dict[int, tuple[list[str], list[str]]] = {}


def _keep_recent(recent: dict, key: int, entry: tuple, limit: int) -> None:
    """Keep ``entry`` under ``key``; a table of ``limit`` entries keeps its newer half."""
    if len(recent) >= limit:
        for old in list(itertools.islice(recent, limit // 2)):
            del recent[old]
    recent[key] = entry


def words(doc: Doc, orths: list[int]) -> list[str]:
    """The word forms of ``doc``'s tokens from their ORTH hashes ``orths``. Most of
    meldung's components read them: the sentence rules before the parser, the noun phrase
    agreement before the NER, all after it; and spaCy runs a batch of Docs through the
    parser, the lemmatizer and the NER between them. The forms of the last
    :data:`RECENT_DOCS` Docs are kept, and given again for the same Doc with the same
    hashes (the forms are those hashes decoded, so they are right whichever Doc had the
    id before). The list is shared by the callers: do not change it."""
    key = id(doc)
    kept = _RECENT_WORDS.get(key)
    if kept is not None and kept[0] == orths:
        return kept[1]
    forms = hash_strings(doc, orths)
    _keep_recent(_RECENT_WORDS, key, (orths, forms), RECENT_DOCS)
    return forms


def lower_words(forms: list[str]) -> list[str]:
    """The lower case of the word forms ``forms`` (a list from :func:`words`): what
    ``Token.lower_`` gives, since spaCy's LOWER getter is ``str.lower`` of the form, and
    cheaper than decoding a second column of hashes. Several components lower the same
    shared list: the answers for the last lists are kept (such a list is never changed,
    and it is held here, so the same object is the same forms). The result is shared
    too: do not change it."""
    key = id(forms)
    kept = _RECENT_LOWER.get(key)
    if kept is not None and kept[0] is forms:
        return kept[1]
    lowered = list(map(str.lower, forms))
    _keep_recent(_RECENT_LOWER, key, (forms, lowered), RECENT_LOWER)
    return lowered


def doc_words(doc: Doc) -> tuple[list[str], list[int]]:
    """The word forms of ``doc``'s tokens (see :func:`words`) and their trailing-whitespace
    flags, as lists."""
    if not len(doc):
        return [], []
    orths, spaces = doc.to_array([ORTH, SPACY]).T.tolist()
    return words(doc, orths), spaces


def doc_text(doc: Doc) -> str:
    """``doc.text`` from :func:`doc_words` (``doc.text`` builds a Token object per word): the
    words and their whitespace interleaved in one list and joined once."""
    forms, spaces = doc_words(doc)
    parts = [""] * (2 * len(forms))
    parts[::2] = forms
    parts[1::2] = map(_TRAILING.__getitem__, spaces)
    return "".join(parts)


def morph_get(doc: Doc, key: int, field: str) -> list[str]:
    """``tok.morph.get(field)`` for a token whose MORPH hash is ``key``, cached per
    (analysis, field): the analysis behind a hash never changes."""
    got = _MORPH.get((key, field))
    if got is None:
        got = _MORPH[(key, field)] = MorphAnalysis.from_id(doc.vocab, key).get(field)
    return got


def morph_features(vocab: Vocab, key: int) -> dict[str, str]:
    """``MorphAnalysis.to_dict()`` of the analysis behind MORPH hash ``key`` ({} for none),
    cached: the analysis behind a hash never changes. The dict is shared: do not change it."""
    got = _FEATURES.get(key)
    if got is None:
        got = _FEATURES[key] = MorphAnalysis.from_id(vocab, key).to_dict() if key else {}
    return got


def set_morphs(doc: Doc, old: numpy.ndarray, new: list[int]) -> None:
    """Give the tokens whose MORPH key in ``new`` differs from ``old`` (the Doc's keys, as
    ``to_array`` read them) their new analysis. Token by token: about one token in eight
    changes, and ``Doc.from_array`` decodes and looks up the analysis of every token
    (three times the time). A key the Doc's own vocab does not know (a Doc made on another
    vocab than the pipeline's, which added the analysis) goes through ``Doc.from_array`` for
    the whole Doc, which adds it there or says why it cannot."""
    vocab = doc.vocab
    new_column = numpy.asarray(new, dtype=old.dtype)
    changed = numpy.flatnonzero(old != new_column).tolist()
    if not all(map(vocab.morphology.get, {new[i] for i in changed if new[i]})):
        doc.from_array([MORPH], new_column)
        return
    for i in changed:
        if new[i]:
            doc[i].morph = MorphAnalysis.from_id(vocab, new[i])
        else:
            doc[i].set_morph(None)


def among(values: numpy.ndarray, keys: numpy.ndarray) -> numpy.ndarray:
    """Per value, whether it is one of the few ``keys`` (StringStore keys of tags, relations,
    words; **sorted**, as ``numpy.array(sorted(...))`` makes them): ``numpy.isin`` without its
    set-up cost, which is most of the time for a Doc's few hundred tokens. A binary search
    per value: a fourth of the time of comparing every value with every key (3.3 vs 13 us
    for 336 tokens and 17 keys, 2.2 vs 8.3 us for 2 keys)."""
    if not len(keys):
        return numpy.zeros(len(values), dtype=bool)
    return keys[numpy.minimum(keys.searchsorted(values), len(keys) - 1)] == values


def sentence_bounds(doc: Doc, sent_starts: numpy.ndarray | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence, as ``doc.sents`` gives them (which requires the
    SENT_START annotation), without building a Span per sentence. A Doc with a
    ``sents`` user hook gets the hook's sentences. ``sent_starts``: the Doc's SENT_START
    column where the caller has read it already (another ``Doc.to_array`` otherwise)."""
    if "sents" in doc.user_hooks:
        return [(s.start, s.end) for s in doc.sents]
    if not doc.has_annotation("SENT_START"):
        list(doc.sents)  # raises spaCy's own error (E030)
    n = len(doc)
    if not n:
        return []
    values = doc.to_array(SENT_START) if sent_starts is None else sent_starts.copy()
    values[0] = 1  # the first token starts a sentence whatever it says
    starts = numpy.flatnonzero(values == 1).tolist()
    return list(zip(starts, starts[1:] + [n]))


def _values_in_user_data() -> bool:
    """Whether spaCy keeps a Span's extension value in ``doc.user_data`` under
    ``("._.", name, start_char, end_char)``, asked once of a two-word Doc. It does in
    spaCy 3.8, but the key is no public contract (some 3.x versions added the label:
    hence a labelled span, as the rows' spans are)."""
    name = "meldung_values_probe"
    Span.set_extension(name, default=None, force=True)
    try:
        doc = Doc(Vocab(), words=["ein", "Test"])
        span = Span(doc, 1, 2, label="LOC")
        span._.set(name, "probe")
        return doc.user_data == {("._.", name, span.start_char, span.end_char): "probe"}
    finally:
        Span.remove_extension(name)


_VALUES_IN_USER_DATA = _values_in_user_data()
_PLAIN = (None, None, None, None)  # Span.get_extension of a default-None value: no getter


def _plain_in_user_data(names: Sequence[str]) -> bool:
    """Whether the values of the Span extensions ``names`` are plain values where spaCy
    keeps them in ``doc.user_data`` (as :func:`_values_in_user_data` found): no getter,
    setter or method, default None."""
    return _VALUES_IN_USER_DATA and all(Span.get_extension(name) == _PLAIN for name in names)


def extension_values(doc: Doc, names: Sequence[str], *, optional: bool = False) -> Callable[[Span], list]:
    """A function giving the values of the Span extensions ``names`` (all registered)
    of a span of ``doc``, as ``[span._.get(name) for name in names]`` gives them.
    ``optional``: names may be of extensions no component registered (no such component
    loaded); their values are None.

    ``span._`` builds an Underscore object per span and runs Python code per value (the
    rows read 180,000 values per 1,000 reports); where spaCy keeps plain values in
    ``doc.user_data`` (:func:`_plain_in_user_data`), they are read from there: a dict
    lookup each. Extensions with a getter, a method or a default other than None are read
    through ``span._``."""
    if optional:
        known = [name for name in names if Span.has_extension(name)]
        if len(known) < len(names):
            read = extension_values(doc, known)

            def with_none(span: Span) -> list:
                got = dict(zip(known, read(span)))
                return [got.get(name) for name in names]
            return with_none
    if _plain_in_user_data(names):
        data = doc.user_data

        def values(span: Span) -> list:
            start, end = span.start_char, span.end_char
            return [data.get(("._.", name, start, end)) for name in names]
    else:
        def values(span: Span) -> list:
            underscore = span._
            return [underscore.get(name) for name in names]
    return values


def extension_writer(doc: Doc, names: Sequence[str]) -> Callable[[Span, Sequence], None]:
    """A function giving a span of ``doc`` the values of its Span extensions ``names``
    (all registered), as ``span._.set(name, value)`` per name does.

    The writing twin of :func:`extension_values`: where spaCy keeps plain values in
    ``doc.user_data`` (:func:`_plain_in_user_data`), they are stored there, a dict store
    each, instead of an Underscore object per span and Python code per value (a fifth of
    the time spent on a quote after it was found). Extensions with a setter, getter,
    method or default other than None go through ``span._``."""
    if _plain_in_user_data(names):
        data = doc.user_data

        def set_values(span: Span, values: Sequence) -> None:
            start, end = itertools.repeat(span.start_char), itertools.repeat(span.end_char)
            data.update(zip(zip(itertools.repeat("._."), names, start, end), values))
    else:
        def set_values(span: Span, values: Sequence) -> None:
            underscore = span._
            for name, value in zip(names, values):
                underscore.set(name, value)
    return set_values
