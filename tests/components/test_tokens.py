"""The shared token-attribute reader of the rule components (pipeline/components/_tokens.py)."""

import numpy
import spacy
from spacy.attrs import ORTH

from pipeline.components import _tokens


def test_tokens_strings_through_a_full_cache_stay_right_and_the_cache_stays_bounded(monkeypatch):
    nlp = spacy.blank("de")
    monkeypatch.setattr(_tokens, "_STRINGS", {})
    monkeypatch.setattr(_tokens, "_MAX_STRINGS", 8)
    first, second = nlp("Der Quorxbauer bellte am"), nlp("Abend in Zwibbelstadt heute")
    assert _tokens.strings(first, ORTH) == [t.text for t in first]
    assert _tokens.strings(second, ORTH) == [t.text for t in second]
    assert len(_tokens._STRINGS) == 8  # full
    third = nlp("eins zwei drei eins")
    assert _tokens.strings(third, ORTH) == ["eins", "zwei", "drei", "eins"]
    # the first half stays (a run's first strings are its frequent ones), the rest makes room
    kept = list(_tokens._STRINGS.values())
    assert set(kept[:4]) == {"Der", "Quorxbauer", "bellte", "am"} and set(kept[4:]) == {"eins", "zwei", "drei"}
    huge = nlp("fünf neue Wörter auf einmal")  # more than half the cache: read, not kept
    assert _tokens.strings(huge, ORTH) == [t.text for t in huge]
    assert len(_tokens._STRINGS) == 7
    assert _tokens.strings(first, ORTH) == [t.text for t in first]
    # full again: the strings of the Doc that were in the dropped half come back with the new one
    again = nlp("eins vier fünf")
    assert _tokens.strings(again, ORTH) == ["eins", "vier", "fünf"]
    assert len(_tokens._STRINGS) == 7


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


def test_form_cache_keeps_its_first_half_when_full():
    class Lexicon:
        pass

    lexicon = Lexicon()
    cache = _tokens.form_cache(lexicon, "_answers", limit=4)
    cache.update({"der": 1, "die": 2, "das": 3, "Quorx": 4, "Zwibbel": 5})
    assert _tokens.form_cache(lexicon, "_answers", limit=4) == {"der": 1, "die": 2}  # the first ones stay
    assert _tokens.form_cache(lexicon, "_answers", limit=4) is lexicon._answers
    assert _tokens.form_cache(Lexicon(), "_answers") == {}  # one cache per lexicon


def test_set_morphs_writes_the_changed_tokens_also_on_a_doc_of_another_vocab():
    from spacy.attrs import MORPH
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    pipeline_vocab = Vocab()
    key = pipeline_vocab.morphology.add("Case=Nom|Number=Sing")  # as a component adds it
    for vocab in (pipeline_vocab, Vocab()):  # the pipeline's own, and one that lacks the analysis
        vocab.strings.add("Case=Nom|Number=Sing")
        doc = Doc(vocab, words=["Der", "Hund"])
        old = doc.to_array(MORPH)
        _tokens.set_morphs(doc, old, [0, key])
        assert [str(t.morph) for t in doc] == ["", "Case=Nom|Number=Sing"]


def test_sentence_bounds_from_a_column_read_already_and_lower_words_shared():
    from spacy.attrs import SENT_START

    doc = spacy.blank("de")("Ein Satz . Noch einer")
    for tok in doc:
        tok.is_sent_start = tok.i in (0, 3)
    column = doc.to_array(SENT_START)
    column[0] = 0  # the caller's array is not changed
    assert _tokens.sentence_bounds(doc, column) == _tokens.sentence_bounds(doc) == [(0, 3), (3, 5)]
    assert column[0] == 0
    forms = _tokens.doc_words(doc)[0]
    assert _tokens.lower_words(forms) == ["ein", "satz", ".", "noch", "einer"]
    assert _tokens.lower_words(forms) is _tokens.lower_words(forms)  # lowered once for all components
    assert _tokens.lower_words(["ẞ", "İ"]) == ["ß", "i̇"]


def test_among_marks_the_values_that_are_one_of_the_keys():
    keys = numpy.array([3, 7], dtype=numpy.uint64)
    assert _tokens.among(numpy.array([1, 3, 5, 7], dtype=numpy.uint64), keys).tolist() == [False, True, False, True]


def test_among_handles_values_beyond_the_keys_large_keys_and_no_keys():
    big = 2 ** 64 - 5  # StringStore keys use the whole uint64 range
    keys = numpy.array(sorted([9, 400, big]), dtype=numpy.uint64)
    values = numpy.array([0, 9, 10, 400, big, 2 ** 64 - 1], dtype=numpy.uint64)
    assert _tokens.among(values, keys).tolist() == [False, True, False, True, True, False]
    assert _tokens.among(values, numpy.array([], dtype=numpy.uint64)).tolist() == [False] * 6


def test_extension_writer_sets_what_span_underscore_and_extension_values_read():
    from spacy.tokens import Doc, Span

    Span.set_extension("test_plain_a", default=None, force=True)
    Span.set_extension("test_plain_b", default=None, force=True)
    Span.set_extension("test_got", getter=lambda span: span.text.upper(), force=True)
    try:
        doc = Doc(spacy.blank("de").vocab, words=["Berlin", "und", "Paris"])
        plain = ["test_plain_a", "test_plain_b"]
        _tokens.extension_writer(doc, plain)(Span(doc, 0, 1, label="LOC"), ["Berlin", 3])
        span = Span(doc, 0, 1, label="LOC")
        assert [span._.test_plain_a, span._.test_plain_b] == ["Berlin", 3]
        assert _tokens.extension_values(doc, plain)(span) == ["Berlin", 3]
        assert Span(doc, 2, 3)._.test_plain_a is None  # another span keeps its own values
        # with a getter among the names, the writer does what span._.set does
        names = ["test_plain_a", "test_got"]
        by_writer, by_hand = (Doc(doc.vocab, words=["Berlin", "und", "Paris"]) for _ in range(2))
        _tokens.extension_writer(by_writer, names)(Span(by_writer, 2, 3), ["Paris", "x"])
        for name, value in zip(names, ["Paris", "x"]):
            Span(by_hand, 2, 3)._.set(name, value)
        assert by_writer.user_data == by_hand.user_data
        assert Span(by_writer, 2, 3)._.test_got == "PARIS"
    finally:
        for name in ("test_plain_a", "test_plain_b", "test_got"):
            Span.remove_extension(name)


def test_extension_values_optional_gives_none_for_an_extension_nobody_registered():
    from spacy.tokens import Doc, Span

    Span.set_extension("test_plain_c", default=None, force=True)
    try:
        doc = Doc(spacy.blank("de").vocab, words=["Berlin", "und", "Paris"])
        span = Span(doc, 0, 1, label="LOC")
        span._.test_plain_c = "Berlin"
        names = ["test_plain_c", "test_never_registered"]
        assert _tokens.extension_values(doc, names, optional=True)(span) == ["Berlin", None]
        assert _tokens.extension_values(doc, names[:1], optional=True)(span) == ["Berlin"]
        try:  # without optional an unknown name is an error, as span._.get makes it
            _tokens.extension_values(doc, names)(span)
        except AttributeError:
            pass
        else:
            raise AssertionError("an unregistered extension was read")
    finally:
        Span.remove_extension("test_plain_c")


def test_cached_answers_works_out_each_new_key_once_and_keeps_it():
    asked = []

    def length(word):
        asked.append(word)
        return len(word)

    cache = {"Bonn": 4}
    assert _tokens.cached_answers(["Bonn", "Berlin", "Berlin", "in"], cache, length) == [4, 6, 6, 2]
    assert asked == ["Berlin", "in"]  # "Bonn" was known; "Berlin" asked once
    assert cache == {"Bonn": 4, "Berlin": 6, "in": 2}
    assert _tokens.cached_answers(["in", "Bonn"], cache, length) == [2, 4] and asked == ["Berlin", "in"]


def test_words_of_a_doc_are_decoded_once_while_other_docs_are_read_in_between(monkeypatch):
    nlp = spacy.blank("de")
    first, second = nlp("Der Hund bellt"), nlp("Die Katze schläft")
    forms = _tokens.doc_words(first)[0]
    assert _tokens.doc_words(second)[0] == ["Die", "Katze", "schläft"]
    assert _tokens.doc_words(first)[0] is forms  # (a batch of Docs between two readers)
    lowered = _tokens.lower_words(forms)
    _tokens.lower_words(_tokens.doc_words(second)[0])
    assert _tokens.lower_words(forms) is lowered
    # the same Doc with other words (changed, or another Doc at the same id): decoded anew
    other = [nlp.vocab.strings.add("Der"), nlp.vocab.strings.add("Fuchs"), nlp.vocab.strings.add("bellt")]
    assert _tokens.words(first, other) == ["Der", "Fuchs", "bellt"]
    # bounded: the oldest half goes when full
    monkeypatch.setattr(_tokens, "RECENT_DOCS", 4)
    monkeypatch.setattr(_tokens, "_RECENT_WORDS", {})
    docs = [nlp(f"Satz {i}") for i in range(6)]
    for doc in docs:
        _tokens.doc_words(doc)
    assert len(_tokens._RECENT_WORDS) <= 4 and id(docs[-1]) in _tokens._RECENT_WORDS
    assert _tokens.doc_words(docs[0])[0] == ["Satz", "0"]
