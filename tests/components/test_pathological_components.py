"""The quotes, events and sentence rules stay (near) linear on pathological input, with
the same answers.

One long sentence of framed quotes ("„Wir kommen“, sagte er, " x n) made
``quotes._direct_frames`` rescan the sentence from its start per quote (the words before
a mixed quote), and the events component look at every comma, quote, speech range and
child of the sentence root per trigger: 4 times the text took 12 and 16 times as long.
A run of separate white-space tokens made ``sentences._hard_breaks`` look ahead over the
rest of the run per token. The cue search of the quotes took time exponential in the
framed quotes of a sentence (14 "„Nein“, sagte er," took over 20 s) and raised
RecursionError past 330. The tests check answers on small tricky cases (and the new
helpers against the plain scans they replace), and the work or time at n and 4n.
"""

from __future__ import annotations

import random
import time

import pytest
import spacy
from spacy.tokens import Doc

import pipeline
from pipeline.components import events, quotes
from pipeline.components.quotes import find_quotes
from pipeline.components.sentences import _hard_breaks

FRAMED = "„Wir kommen“, sagte er, "


@pytest.fixture(scope="module")
def blank_nlp():
    return pipeline.load("blank")


@pytest.fixture(scope="module")
def model_nlp():
    from pipeline.nlp import load

    return load(None)


def _doc_before(nlp, text: str, name: str) -> tuple[Doc, object]:
    """A Doc run through every component before ``name``, and that component."""
    doc = nlp.make_doc(text)
    for pipe_name, pipe in nlp.pipeline:
        if pipe_name == name:
            return doc, pipe
        doc = pipe(doc)
    raise KeyError(name)


# -- quotes: the words before a mixed quote


@pytest.mark.parametrize("text, expected", [
    # the second mixed quote starts after the first one's frame (its words are in a quote)
    ("Frankreich sei „ein unverzichtbarer Partner“, sagte Merkel, und Paris sei „bereit“, "
     "sagte sie.",
     [(0, 44, "mixed"), (60, 82, "mixed")]),
    ("„Wir kommen“, sagte er, Frankreich sei „bereit“, sagte sie, „Wir kommen“, sagte er.",
     [(0, 12, "direct"), (24, 47, "mixed"), (60, 72, "direct")]),
    # a split quote, then a "mixed" one of the frame words left over
    (FRAMED * 3, [(0, 36, "direct"), (38, 60, "mixed")]),
    # one word before the quote: no mixed quote
    ("Er „kommt“, sagte sie.", [(3, 10, "direct")]),
])
def test_direct_frames_tricky_cases(blank_nlp, text, expected):
    doc = blank_nlp(text)
    got = [(q.start, q.end, q.kind) for q in find_quotes(doc)]
    assert got == expected


class _Counting(list):
    reads = 0

    def __getitem__(self, i):
        _Counting.reads += 1
        return super().__getitem__(i)


def _quote_reads(nlp, n: int, monkeypatch) -> int:
    with nlp.select_pipes(disable=["meldung_quotes", "meldung_events"]):
        doc = nlp(FRAMED * n)
    context = quotes._context

    def counting_context(doc, lex):
        ctx = context(doc, lex)
        ctx.punct, ctx.space = _Counting(ctx.punct), _Counting(ctx.space)
        return ctx
    monkeypatch.setattr(quotes, "_context", counting_context)
    _Counting.reads = 0
    found = list(find_quotes(doc))
    monkeypatch.setattr(quotes, "_context", context)
    assert len(found) >= n // 2
    return _Counting.reads


def test_direct_frames_work_is_linear(model_nlp, monkeypatch):
    # (the model pipeline: in the blank one, the cue search on this text recursed once per
    # framed quote; test_many_framed_quotes_in_one_sentence below is about that)
    small = _quote_reads(model_nlp, 500, monkeypatch)
    large = _quote_reads(model_nlp, 2000, monkeypatch)
    assert large < 6 * small  # the scan from the sentence start per quote: 16 times


# -- events


def test_phrase_words_nearest_as_before(blank_nlp):
    """The bisection in ``_phrase_words`` picks the word a scan of the sentence picks: the
    nearest to the verb, the one before it of two as near, never the verb itself."""
    rng = random.Random(7)
    vocab = blank_nlp.vocab
    pool = ["ab", "zu", "sagte", "es", "ab"]
    for _ in range(500):
        words = [rng.choice(pool) for _ in range(rng.randint(1, 12))]
        doc = Doc(vocab, words=words)
        sent = doc[0:len(doc)]
        lower = [t.lower_ for t in doc]
        verb = doc[rng.randrange(len(doc))]
        want = tuple(rng.choice(pool) for _ in range(rng.randint(1, 2)))
        ref = []
        for w in want:
            match = [i for i in range(sent.start, sent.end) if lower[i] == w and i != verb.i]
            if not match:
                ref = None
                break
            ref.append(min(match, key=lambda i: abs(i - verb.i)))
        got = events._phrase_words(sent, want, verb, lower)
        assert (None if got is None else [t.i for t in got]) == ref


def test_covered_as_any():
    rng = random.Random(3)
    for _ in range(500):
        ranges = [(rng.randint(0, 20), rng.randint(0, 20)) for _ in range(rng.randint(0, 5))]
        covered = events._covered(ranges)
        for i in range(-1, 22):
            assert covered(i) == any(a <= i < b for a, b in ranges)


EVENT_TEXT = ("Berlin. Der Kanzler sagte am Montag, man werde „keine Waffen liefern“. "
              "„Wir verhandeln weiter“, sagte die Ministerin, und Paris kündigte an, die "
              "Gespräche „in Genf“ fortzusetzen, so der Sprecher. Die Regierung verurteilte "
              "den Angriff, „wir reisen nach Kiew“, sagte Scholz, „und treffen Selenskyj“.")


#: (start, end, label, then the extensions by name; the quote starts: 37, 71, 141, 196)
EXPECTED_EVENTS = [
    (20, 25, 'statement', 'Kanzler', 'XXXX-WXX-1', 'asserted', False, None, None, None, 37, None, 'sagte', 'statement'),
    (61, 68, 'support', None, 'XXXX-WXX-1', 'reported', False, None, None, None, None, 'Waffen', 'liefern', 'support'),
    (96, 101, 'statement', 'Ministerin', None, 'asserted', False, 'Genf', None, None, 71, None, 'sagte', 'statement'),
    (128, 136, 'statement', 'Ministerin', None, 'asserted', False, 'Genf', None, None, 141, None, 'kündigte an', 'statement'),
    (145, 154, 'negotiate', None, None, 'planned', False, 'Genf', None, None, None, None, 'Gespräche', 'negotiate'),
    (210, 221, 'statement', 'Regierung', None, 'reported', False, 'Kiew', None, None, 196, 'Angriff', 'verurteilte', 'statement'),
    (240, 246, 'visit', None, None, 'reported', False, 'Kiew', None, None, None, None, 'reisen', 'visit'),
    (259, 264, 'statement', 'Scholz', None, 'reported', False, 'Kiew', None, None, 196, None, 'sagte', 'statement'),
    (278, 285, 'meet', 'Scholz', None, 'reported', False, 'Kiew', None, None, None, None, 'treffen', 'meet'),
]


def _event_rows(doc):
    return [(s.start_char, s.end_char, s.label_, *[getattr(s._, name) for name in
                                                    sorted(events.SPAN_EXTENSIONS)])
            for s in doc.spans["events"]]


def test_events_children_and_answers(model_nlp):
    doc, pipe = _doc_before(model_nlp, EVENT_TEXT, "meldung_events")
    ctx = events._Context(doc, events.default_lexicon())
    for tok in doc:
        assert [t.i for t in ctx.children(tok)] == [t.i for t in tok.children]
    doc = pipe(doc)
    rows = _event_rows(doc)
    assert rows == EXPECTED_EVENTS


def _events_time(nlp, n: int) -> float:
    doc, pipe = _doc_before(nlp, FRAMED * n, "meldung_events")
    best = float("inf")
    for _ in range(2):
        doc.spans.pop("events", None)
        start = time.perf_counter()
        pipe(doc)
        best = min(best, time.perf_counter() - start)
    return best


def test_events_time_is_near_linear(model_nlp):
    small = _events_time(model_nlp, 400)
    large = _events_time(model_nlp, 1600)
    assert large < 8 * small  # quadratic: 16 times (0.68 s -> 11.2 s at 1,000 -> 4,000)


# -- sentences: runs of white-space tokens


def _space_doc(vocab, words):
    return Doc(vocab, words=words, spaces=[False] * len(words))


@pytest.mark.parametrize("words, expected", [
    (["a", "\n", " ", "\n", "B"], {4: "blank line"}),
    (["a", " ", "\n", " ", "B"], {4: "newline"}),
    (["a", " ", "\n", " ", "b", "\n"], {}),  # lower case after one newline; nothing after
    (["a", "\n\n", "b", " ", " ", "\n"], {2: "blank line"}),
])
def test_hard_breaks_runs_of_space_tokens(words, expected):
    doc = _space_doc(spacy.blank("de").vocab, words)
    assert _hard_breaks(doc, "layout") == expected


def test_hard_breaks_layout_span_before_spaces():
    doc = _space_doc(spacy.blank("de").vocab, ["Titel", "\n", " ", "\n", "Text", "."])
    span = doc[0:1]
    span.label_ = "title"
    doc.spans["layout"] = [span]
    assert _hard_breaks(doc, "layout") == {0: "layout:title", 4: "after:title"}


def test_hard_breaks_time_is_linear():
    vocab = spacy.blank("de").vocab
    times = []
    for n in (3000, 12000):
        doc = _space_doc(vocab, ["a"] + ["\n"] * n + ["B"])
        start = time.perf_counter()
        assert _hard_breaks(doc, "layout") == {n + 1: "blank line"}
        times.append(time.perf_counter() - start)
    assert times[1] < 8 * times[0] + 0.01  # quadratic: 16 times (0.04 s -> 0.66 s at 2,000 -> 8,000)


# -- quotes: the particle search of a reporting verb in a long sentence of framed quotes
#
# "„Wir kommen“, sagte er, " x n in one sentence, blank pipeline (no tagger: "kommen" may be an
# adjective, so „Wir kommen“ reads as an apposition): ``_cue_at`` looked for the particle of
# "sagte" (zusagen, vorhersagen) with ``_particle_later``, which asked ``_apposition_end`` at
# each comma of the rest of the sentence, which asked ``_cue_at`` for the next "sagte" (an
# answer it then ignored, as ``list_ok`` was set) - a recursion per framed quote, several
# branches per level: 13 quotes took 13 s, 14 more than 20 s, and from about 330 (the model
# pipeline: „Nein“ frames) the first descent hit the recursion limit at once, so the report
# became an error row.


def _framed_expected(frame: str, quoted: int, n: int) -> list[tuple[int, int, str]]:
    """What the quotes of ``frame * n`` (n a multiple of 3) are, as for three frames: a split
    quote over two framed quotes, then a mixed one of the frame words and the third."""
    size = len(frame)
    out = []
    for m in range(n // 3):
        base = 3 * size * m
        out.append((base, base + size + quoted, "direct"))
        out.append((base + size + quoted + 2, base + 2 * size + quoted, "mixed"))
    return out


@pytest.mark.parametrize("frame, quoted", [(FRAMED, len("„Wir kommen“")),
                                           ("„Nein“, sagte sie, ", len("„Nein“"))],
                         ids=["wir-kommen", "nein"])
def test_many_framed_quotes_in_one_sentence(blank_nlp, frame, quoted):
    n = 501
    doc = blank_nlp(frame * n)  # raised RecursionError (and took exponential time below that)
    assert len(list(doc.sents)) == 1
    got = [(q.start, q.end, q.kind) for q in doc._.quotes]
    assert got == _framed_expected(frame, quoted, n)
    assert {q.cue for q in doc._.quotes} == {"sagte"}
    # every framed quote is in exactly one quote row
    opens = [i for i, ch in enumerate(doc.text) if ch == "„"]
    assert len(opens) == n
    assert all(sum(s <= o < e for s, e, _ in got) == 1 for o in opens)


def test_framed_quotes_small_as_before(blank_nlp):
    # the same answers for a few frames (where the old code still finished)
    for n in (3, 6, 9):
        doc = blank_nlp(FRAMED * n)
        assert [(q.start, q.end, q.kind) for q in find_quotes(doc)] == \
            _framed_expected(FRAMED, len("„Wir kommen“"), n)


def test_cue_search_does_not_recurse(blank_nlp, monkeypatch):
    """``_cue_at`` is never called inside ``_cue_at``, and the particle search asks one
    apposition check per comma, not one per comma and reporting verb."""
    with blank_nlp.select_pipes(disable=["meldung_quotes", "meldung_events"]):
        docs = {n: blank_nlp(FRAMED * n) for n in (150, 600)}
    cue_at, apposition_end = quotes._cue_at, quotes._apposition_end
    state = {"depth": 0, "appositions": 0}

    def counting_cue_at(*args, **kwargs):
        # (fails at once: the old recursion took minutes before the recursion limit)
        assert state["depth"] == 0, "_cue_at called inside _cue_at"
        state["depth"] += 1
        try:
            return cue_at(*args, **kwargs)
        finally:
            state["depth"] -= 1

    def counting_apposition_end(*args, **kwargs):
        state["appositions"] += 1
        return apposition_end(*args, **kwargs)

    monkeypatch.setattr(quotes, "_cue_at", counting_cue_at)
    monkeypatch.setattr(quotes, "_apposition_end", counting_apposition_end)
    counts = {}
    for n, doc in docs.items():
        state.update(depth=0, appositions=0)
        found = list(find_quotes(doc))
        assert len(found) == 2 * n // 3
        counts[n] = state["appositions"]
    assert counts[600] < 6 * counts[150]  # a check per comma and verb: 16 times
