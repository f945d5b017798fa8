"""Quotation-mark matching stays linear in the number of marks, with the same answers.

Many opening marks without a closing one ("„Wir „Wir „Wir …") made
``sentences._quotations`` (a scan of every later mark per opening mark),
``quotes.find_quotation_marks`` (a scan of the stack per opening mark) and
``quotes._blank`` (a scan of the sentence per quotation) quadratic: 8,000 marks took
seconds, 100,000 characters of them half a minute. The tests compare the answers with
the old algorithms (kept here as references) on random mark sequences, and count the
work at n and 4n marks: linear work grows about 4 times, the old work 16 times.
"""

from __future__ import annotations

import random

import pytest
import spacy
from spacy.tokens import Doc

from pipeline.components import quotes
from pipeline.components.quotes import OPEN_CLOSE, _blank, _Ctx, find_quotation_marks
from pipeline.components.sentences import QUOTE_MARKS, QUOTE_PAIRS, _quotations

WORDS = ["Wir", "sagte", ",", ".", "er", "’s", "‚"]
MARKS = sorted(QUOTE_MARKS | set(OPEN_CLOSE) | {c for cs in OPEN_CLOSE.values() for c in cs})


@pytest.fixture(scope="module")
def vocab():
    return spacy.blank("de").vocab


def _random_texts(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(MARKS) if rng.random() < 0.6 else rng.choice(WORDS) for _ in range(n)]


def _old_quotations(texts, start=0, end=None):
    """sentences._quotations before the fix (a scan of every later mark)."""
    end = len(texts) if end is None else end
    inside = [i for i in range(start, end) if texts[i] in QUOTE_MARKS]
    k = 0
    while k < len(inside):
        i = inside[k]
        closers = QUOTE_PAIRS.get(texts[i])
        close = None
        if closers is not None:
            close = next((m for m in range(k + 1, len(inside)) if texts[inside[m]] in closers), None)
        if close is None:
            k += 1
            continue
        yield i, inside[close]
        k = close + 1


def _old_quotation_marks(doc, start=0, end=None):
    """quotes.find_quotation_marks before the fix (a scan of the stack per opening mark)."""
    end = len(doc) if end is None else end
    texts = [t.text for t in doc]
    stack, found = [], []
    for i in range(start, end):
        text = texts[i]
        if text not in quotes.ALL_MARKS:
            continue
        if stack and text in OPEN_CLOSE[stack[-1][0]]:
            _, o = stack.pop()
            found.append((o, i, len(stack), True))
            continue
        if text in ("‚", "’", "‘") and len(text) != 1:
            continue
        if text in OPEN_CLOSE:
            outer = next((k for k in range(len(stack) - 1, -1, -1)
                          if text in OPEN_CLOSE[stack[k][0]]), None)
            if outer is not None:
                while len(stack) > outer + 1:
                    stack.pop()
                _, o = stack.pop()
                found.append((o, i, len(stack), True))
            else:
                stack.append((text, i))
    last = end - 1
    while last > start and doc[last].is_space:
        last -= 1
    for depth, (_, o) in enumerate(stack):
        if o < last:
            found.append((o, last, depth, False))
    found.sort()
    return found


def test_quotations_same_answers_as_before():
    rng = random.Random(7)
    for _ in range(400):
        texts = _random_texts(rng, rng.randint(0, 40))
        start = rng.randint(0, len(texts))
        end = rng.randint(start, len(texts))
        assert list(_quotations(texts, start, end)) == list(_old_quotations(texts, start, end))
        assert list(_quotations(texts)) == list(_old_quotations(texts))


@pytest.mark.parametrize("texts,expected", [
    (["„", "Wir", "„", "Wir", "“", "x", "„", "y"], [(0, 4)]),  # the first opener takes the first closer
    (["»", "a", "„", "b", "«", "c", "“"], [(0, 4)]),            # the inner „ is skipped with it
    (['"', "a", '"', '"', "b"], [(0, 2)]),                      # the third " never closes
    (["«", "a", "»", "“", "b", "”"], [(0, 2), (3, 5)]),
    (["“", "„", "a", "”"], [(0, 3)]),
])
def test_quotations_tricky_cases(texts, expected):
    assert list(_quotations(texts)) == expected


def test_quotation_marks_same_answers_as_before(vocab):
    rng = random.Random(11)
    for _ in range(400):
        words = _random_texts(rng, rng.randint(1, 40))
        doc = Doc(vocab, words=words)
        start = rng.randint(0, len(doc) - 1)
        end = rng.randint(start + 1, len(doc))
        assert find_quotation_marks(doc, start, end) == _old_quotation_marks(doc, start, end)
        assert find_quotation_marks(doc) == _old_quotation_marks(doc)


def test_quotation_marks_tricky_case(vocab):
    # » „ „ ‚ x « : the « closes the », the unclosed „ „ inside it are dropped; a second
    # quotation that never closes runs to the last non-space token
    doc = Doc(vocab, words=["»", "„", "„", "x", "«", "„", "y", "z"])
    assert find_quotation_marks(doc) == [(0, 4, 0, True), (5, 7, 0, False)]


class _Counting(list):
    """A list that counts the reads by index."""

    reads = 0

    def __getitem__(self, key):
        _Counting.reads += 1
        return super().__getitem__(key)


class _CountingDict(dict):
    reads = 0

    def __getitem__(self, key):
        _CountingDict.reads += 1
        return super().__getitem__(key)


def _work_quotations(n: int) -> int:
    texts = _Counting(["„", "Wir"] * n)
    _Counting.reads = 0
    list(_quotations(texts))
    return _Counting.reads


def _work_quotation_marks(vocab, n: int, monkeypatch) -> int:
    monkeypatch.setattr(quotes, "OPEN_CLOSE", _CountingDict(OPEN_CLOSE))
    doc = Doc(vocab, words=["„", "Wir"] * n)
    _CountingDict.reads = 0
    found = find_quotation_marks(doc)
    assert len(found) == n and found[0] == (0, 2 * n - 1, 0, False)
    return _CountingDict.reads


def test_quotations_work_is_linear_in_the_marks():
    small, large = _work_quotations(500), _work_quotations(2_000)
    assert large < 6 * small  # quadratic: 16 times (the old scan: 125,000 -> 2,000,000 reads)


def test_quotation_marks_work_is_linear_in_the_marks(vocab, monkeypatch):
    small = _work_quotation_marks(vocab, 500, monkeypatch)
    large = _work_quotation_marks(vocab, 2_000, monkeypatch)
    assert large < 6 * small  # quadratic: 16 times


def _ctx(punct, space) -> _Ctx:
    return _Ctx(doc=None, lex=None, sents=[], sent_of=[], block_of=[], blocks=[], in_quote=[],
                mentions=[], punct=punct, space=space)


def test_blank_same_answers_and_linear_work():
    rng = random.Random(3)
    n = 3_000
    punct = [rng.random() < 0.97 for _ in range(n)]
    space = [rng.random() < 0.5 for _ in range(n)]
    ctx = _ctx(punct, space)
    for _ in range(2_000):
        s, e = rng.randint(0, n), rng.randint(0, n)
        if rng.random() < 0.5:
            e = min(n, s + rng.randint(0, 80))
        assert _blank(ctx, s, e) == all(punct[t] or space[t] for t in range(s, e))
    # every quotation of one long sentence asks about the sentence around it
    counted = _ctx(_Counting([True] * n), _Counting([False] * n))
    _Counting.reads = 0
    for o in range(0, n, 2):
        assert _blank(counted, 0, o) and _blank(counted, o + 1, n)
    assert _Counting.reads < 10 * n  # a scan per call: about n * n / 2 reads
