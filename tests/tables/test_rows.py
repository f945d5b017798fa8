"""Doc -> rows: the span extension values read as span._ gives them."""

import pytest
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from pipeline.components import _tokens
from pipeline.tables import rows


@pytest.fixture
def doc_with_values():
    for name in ("rows_test_plain", "rows_test_list"):
        Span.set_extension(name, default=None, force=True)
    Span.set_extension("rows_test_getter", getter=lambda span: span.text.upper(), force=True)
    doc = Doc(Vocab(), words=["Scholz", "sagte", "am", "Freitag", "in", "Berlin"])
    doc[0:1]._.rows_test_plain = "Olaf Scholz"
    doc[3:4]._.rows_test_list = ["Freitag"]
    yield doc
    for name in ("rows_test_plain", "rows_test_list", "rows_test_getter"):
        Span.remove_extension(name)


def test_rows_spacy_keeps_plain_span_values_where_the_rows_read_them():
    assert _tokens._VALUES_IN_USER_DATA  # spaCy 3.8; if this fails, the rows read span._ (slower)


def test_rows_extension_values_are_those_of_span_underscore(doc_with_values):
    doc = doc_with_values
    for names in (["rows_test_plain", "rows_test_list"], ["rows_test_plain", "rows_test_getter"], []):
        values = rows.extension_values(doc, names)
        for span in (doc[0:1], doc[3:4], doc[0:2], doc[5:6]):
            assert values(span) == [span._.get(name) for name in names]
