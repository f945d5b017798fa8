"""Pathological text that made the run quadratic: long runs without white space.

spaCy's tokenizer takes time quadratic in the length of a run of punctuation without
spaces (8,000 ``(`` took 13 s, 16,000 ``=`` 116 s, 100,000 ``"`` did not finish in 900 s).
``pipeline.run.make_doc`` cuts each run longer than ``LONG_RUN`` into tokens of
``LONG_RUN_PIECE`` characters before the tokenizer sees it; the Doc's text stays the
report's text exactly (every table's offsets index into documents.text).
"""

from __future__ import annotations

import time

import pytest
from spacy.attrs import SENT_START

import pipeline
from pipeline.ingest import Block, Report
from pipeline.run import LONG_RUN, LONG_RUN_PIECE, make_doc, tokenize, unwrap_lines


@pytest.fixture
def nlp(blank_nlp):
    return blank_nlp


def _tokens(doc):
    return [(t.text, t.whitespace_) for t in doc]


@pytest.mark.parametrize("char", ["=", "(", '"', "„", "/", "*"])
def test_long_run_is_cut_not_tokenised(nlp, char):
    text = char * 20_000
    started = time.perf_counter()
    doc = tokenize(nlp, text)
    seconds = time.perf_counter() - started
    assert doc.text == text
    # the tokenizer would make 20,000 one-character tokens, in minutes (16,000 "=": 116 s)
    assert max(len(t) for t in doc) == LONG_RUN_PIECE
    assert len(doc) == 20_000 // LONG_RUN_PIECE
    assert seconds < 5


def test_runs_amid_text_keep_the_text_and_the_other_tokens(nlp):
    before, after = "Berlin (dpa) - Ein Text mit „Zitat“.\n\n", "\nNoch ein Satz, z.B. so. "
    middle = " Dazwischen  ein Wort.\n"
    text = before + "=" * 2_345 + middle + "(" * (LONG_RUN + 1) + after
    doc = tokenize(nlp, text)
    assert doc.text == text
    assert max(len(t) for t in doc) <= LONG_RUN_PIECE
    # the stretches around the runs are tokenised as the tokenizer tokenises them
    assert _tokens(doc[:len(nlp.make_doc(before))]) == _tokens(nlp.make_doc(before))
    run1 = ["=" * LONG_RUN_PIECE] * 23 + ["=" * 45]
    i = len(nlp.make_doc(before))
    assert [t.text for t in doc[i:i + len(run1)]] == run1
    assert [t.whitespace_ for t in doc[i:i + len(run1)]] == [""] * (len(run1) - 1) + [" "]
    tail = _tokens(nlp.make_doc(after))
    assert _tokens(doc[len(doc) - len(tail):]) == tail
    # no sentence start preset where the pieces were joined (only the first token's, as ever)
    assert doc.to_array([SENT_START]).tolist() == [1] + [0] * (len(doc) - 1)
    assert not doc.has_annotation("SENT_START")


@pytest.mark.parametrize("text", [
    "Ein ganz normaler Satz mit einem „Zitat“, sagte er.\n\nNoch einer (dpa/abc)",
    "Link: https://example.com/" + "pfad/" * 190 + "?x=1 und weiter.",  # ~ 1,000: not a long run
    "=" * LONG_RUN + " " + "(" * LONG_RUN,  # at the limit: tokenised as before
    "",
])
def test_text_without_a_long_run_is_tokenised_as_before(nlp, text):
    assert _tokens(tokenize(nlp, text)) == _tokens(nlp.make_doc(text))


def test_make_doc_keeps_layout_and_metadata_on_a_cut_doc(nlp):
    head = "Berlin (dpa) - Ein Text.\n\n"
    text = head + "=" * 16_000 + "\nEnde."
    report = Report(doc_id="d1", source="test", text=text, dateline_place="Berlin",
                    blocks=[Block(0, len(head) - 2, "paragraph"),
                            Block(len(head), len(text), "paragraph")])
    doc = make_doc(nlp, report)
    assert doc.text == unwrap_lines(text)
    assert doc._.doc_id == "d1" and doc._.dateline_place == "Berlin"
    layout = [(s.label_, s.start_char, s.end_char) for s in doc.spans["layout"]]
    assert layout == [("paragraph", 0, len(head) - 2), ("paragraph", len(head), len(text))]


def test_analyze_a_long_run_fast_with_its_text(nlp):
    text = "Berlin (dpa) - Ein Text.\n\n" + "=" * 20_000 + "\n\nNoch ein Satz."
    started = time.perf_counter()
    tables = pipeline.analyze([text], nlp=nlp)
    assert time.perf_counter() - started < 20  # before: minutes
    documents = tables.documents
    assert list(documents.status) == ["ok"]
    assert documents.text.iloc[0] == text
