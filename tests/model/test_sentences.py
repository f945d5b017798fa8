"""meldung_sentences: sentence boundaries preset before the parser (pipeline/components/sentences.py)."""

from __future__ import annotations

import pytest
import spacy

import pipeline.components.sentences  # noqa: F401  (registers meldung_sentences)
from pipeline.components.sentences import add_sentence_rules, find_quotations, find_sentence_boundaries
from pipeline.components.tokenizer import customize_tokenizer


@pytest.fixture(scope="module")
def rules_nlp():
    """Tokenizer + meldung_sentences + a sentencizer standing in for the parser."""
    nlp = customize_tokenizer(spacy.blank("de"))
    nlp.add_pipe("meldung_sentences")
    return nlp


def preset(nlp, text, layout=()):
    """is_sent_start as preset by meldung_sentences, keyed by token text (first occurrence)."""
    doc = nlp.make_doc(text)
    if layout:
        doc.spans["layout"] = [doc.char_span(text.index(part), text.index(part) + len(part), label=label) for part, label in layout]
    doc = nlp.get_pipe("meldung_sentences")(doc)
    return doc


def starts(doc):
    return [t.text for t in doc if t.is_sent_start]


def forbidden(doc):
    return [t.text for t in doc if t.is_sent_start is False]


@pytest.mark.parametrize(
    "text,not_starts",
    [
        ("Er sagte: „Wir gehen. Wir kommen wieder.“ Dann ging er.", ["Wir", "kommen", "“"]),
        ("»Das ist vorbei. Endgültig«, sagte sie.", ["Endgültig", "«", ","]),
        ('Er sagte: "Wir gehen. Sofort." Dann ging er.', ["Sofort", '"']),
        ("„Nein. Niemals“, sagte er.", ["Niemals", "“", ","]),
    ],
)
def test_sentences_no_break_inside_quotes(rules_nlp, text, not_starts):
    doc = preset(rules_nlp, text)
    for word in not_starts:
        assert word in forbidden(doc), word


@pytest.mark.parametrize(
    "text,word",
    [
        ("Er sagte: „Wir gehen. Wir kommen wieder.\n\nNeuer Absatz beginnt hier.", "Neuer"),
        ("Ein „offenes Zitat. Noch ein Satz.\nZweiter Absatz.", "Zweiter"),
    ],
)
def test_sentences_unbalanced_quote_capped_at_paragraph(rules_nlp, text, word):
    doc = preset(rules_nlp, text)
    assert word in starts(doc)
    # the unclosed quotation constrains nothing
    assert not any(b.reason == "inside quotation" for b in find_sentence_boundaries(doc))
    assert "Noch" not in forbidden(doc)


@pytest.mark.parametrize(
    "text,word",
    [
        ("Er kam am 2. März nach Berlin.", "März"),
        ("Der 3. Oktober ist ein Feiertag.", "Oktober"),
        ("Das war z.B. Dr. Müller.", "Müller"),
        ("Er bekam 3,5 Mio. Euro.", "Euro"),
        ("Die Firma u.a. Siemens.", "Siemens"),
        ("Sie spielen in der 2. Liga.", "Liga"),
    ],
)
def test_sentences_no_break_after_ordinal_or_abbreviation(rules_nlp, text, word):
    assert word in forbidden(preset(rules_nlp, text))


@pytest.mark.parametrize(
    "text,expected_starts",
    [
        ("Titel ohne Punkt\n\nDer Text beginnt hier.", ["Titel", "Der"]),
        ("Erster Absatz endet.\nZweiter Absatz beginnt.", ["Erster", "Zweiter"]),
        ("Zwischentitel\nDer Text.", ["Zwischentitel", "Der"]),
    ],
)
def test_sentences_break_at_newlines(rules_nlp, text, expected_starts):
    assert starts(preset(rules_nlp, text)) == expected_starts


@pytest.mark.parametrize(
    "text,forbidden_word",
    [("Bundeskanzler Olaf Scholz und Emmanuel\nkommen am Freitag zusammen.", "kommen")],
)
def test_sentences_hard_wrapped_line_not_broken(rules_nlp, text, forbidden_word):
    assert forbidden_word not in starts(preset(rules_nlp, text))


@pytest.mark.parametrize(
    "text,layout,expected_starts",
    [
        (
            "Scholz trifft Macron Neue Hilfen für die Ukraine Scholz sagte, er erwarte schwierige Gespräche.",
            [
                ("Scholz trifft Macron", "headline"),
                ("Neue Hilfen für die Ukraine", "subheading"),
                ("Scholz sagte, er erwarte schwierige Gespräche.", "paragraph"),
            ],
            ["Scholz", "Neue", "Scholz"],
        ),
        (
            "Berlin (dpa) - Der Kreml-Sprecher sagte das. (afp/so)",
            [("Berlin (dpa) -", "dateline"), ("Der Kreml-Sprecher sagte das.", "paragraph"), ("(afp/so)", "signature")],
            ["Berlin", "Der", "("],
        ),
    ],
)
def test_sentences_layout_blocks(rules_nlp, text, layout, expected_starts):
    doc = preset(rules_nlp, text, layout)
    assert starts(doc) == expected_starts
    headline = doc.spans["layout"][0]
    assert all(t.is_sent_start is False for t in headline[1:])


@pytest.mark.parametrize(
    "text,not_starts,may_start",
    [
        ("Scholz sagte, er erwarte schwierige Gespräche. Frankreich sei gut.", ["sagte", "er"], ["Frankreich"]),
        ("Er kam (spät). Dann ging er. „Gut.“ Sie blieb.", ["spät", ")"], ["Dann", "„", "Sie"]),
    ],
)
def test_sentences_start_only_after_terminal_punctuation(rules_nlp, text, not_starts, may_start):
    doc = preset(rules_nlp, text)
    for word in not_starts:
        assert word in forbidden(doc), word
    for word in may_start:
        assert word not in forbidden(doc), word


@pytest.mark.parametrize(
    "text,signature_start",
    [("Mehr als 4000 Menschen wurden getötet. (afp/jm)", "("), ("Es kamen 14 Menschen ums Leben. (dpa/abc)\n", "(")],
)
def test_sentences_agency_signature_own_sentence(rules_nlp, text, signature_start):
    doc = preset(rules_nlp, text)
    assert starts(doc)[-1] == signature_start
    assert forbidden(doc)[-3:] == [t.text for t in doc if not t.is_space][-3:]


@pytest.mark.parametrize("text", ["Er sagte: „Wir gehen. Wir kommen wieder.“ Dann ging er."])
def test_sentences_keeps_preset_values(rules_nlp, text):
    doc = rules_nlp.make_doc(text)
    for token in doc:
        token.is_sent_start = token.i == 0
    doc = rules_nlp.get_pipe("meldung_sentences")(doc)
    assert starts(doc) == ["Er"]


@pytest.mark.parametrize("text,expected", [("„a“ und »b« und „c", [(0, 2), (4, 6)])])
def test_sentences_find_quotations(rules_nlp, text, expected):
    assert list(find_quotations(rules_nlp.make_doc(text))) == expected


@pytest.mark.parametrize(
    "text,sentences",
    [
        (
            "Er sagte: „Wir gehen. Wir kommen wieder.“ Dann ging er nach Hause. Am 2. März kam Dr. Müller.",
            ["Er sagte: „Wir gehen. Wir kommen wieder.“", "Dann ging er nach Hause.", "Am 2. März kam Dr. Müller."],
        ),
    ],
)
def test_sentences_bundled_model(bundled_nlp, text, sentences):
    nlp = add_sentence_rules(bundled_nlp)
    assert nlp.pipe_names.index("meldung_sentences") == nlp.pipe_names.index("parser") - 1
    assert [s.text for s in nlp(text).sents] == sentences


@pytest.mark.parametrize(
    "text,force_true,force_false",
    [("Dann ging er nach Hause und sie kam mit Dr. Müller zurück. Das war gut.", "sie", "Das")],
)
def test_sentences_parser_keeps_preset_boundaries(bundled_nlp, text, force_true, force_false):
    """spaCy's parser keeps preset True and False values of is_sent_start."""
    doc = bundled_nlp.make_doc(text)
    words = [t.text for t in doc]
    doc[words.index(force_true)].is_sent_start = True
    doc[words.index(force_false)].is_sent_start = False
    for _, proc in bundled_nlp.pipeline:  # tok2vec, tagger, morphologizer, (meldung_sentences,) parser, ...
        doc = proc(doc)
    assert doc[words.index(force_true)].is_sent_start is True
    assert doc[words.index(force_false)].is_sent_start is False


def test_sentences_set_annotations_like_the_token_setter(rules_nlp):
    """The decisions are written in one array, with the values (and the error on a
    parsed Doc) that setting ``token.is_sent_start`` one by one gives."""
    from spacy.tokens import Doc

    from pipeline.components.sentences import SentenceBoundary, SentenceRules

    text = "Er sagte: „Wir gehen. Wir kommen.“ Am 2. März kam Dr. Meier.\n\nNeu hier. (dpa/abc)\n"
    pipe = rules_nlp.get_pipe("meldung_sentences")
    by_token, at_once = rules_nlp.make_doc(text), rules_nlp.make_doc(text)
    boundaries = list(find_sentence_boundaries(by_token, abbreviations=pipe.abbreviations))
    for b in boundaries:
        if by_token[b.i].is_sent_start is None:
            by_token[b.i].is_sent_start = b.is_start
    pipe.set_annotations(at_once, boundaries)
    values = [t.is_sent_start for t in at_once]
    assert values == [t.is_sent_start for t in by_token]
    assert True in values[1:] and False in values and None in values
    parsed = Doc(rules_nlp.vocab, words=["Er", "kam", "."], heads=[1, 1, 1], deps=["nsubj", "ROOT", "punct"])
    with pytest.raises(ValueError):
        SentenceRules(rules_nlp, overwrite=True).set_annotations(parsed, [SentenceBoundary(1, True, "test")])
