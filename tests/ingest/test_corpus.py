"""The sample corpus against its gold: metadata and subheadings of every report,
and the expected failure of every bad input."""

import json

import pytest

from pipeline.ingest import iter_reports

FIELDS = ["headline", "dateline_place", "agency", "author", "published", "subheadings"]


@pytest.fixture(scope="module")
def ingested(corpus_dir):
    return {r.doc_id: r for r in iter_reports([str(corpus_dir)])}


@pytest.fixture(scope="module")
def gold_bad(corpus_dir):
    path = corpus_dir / "_gold" / "bad.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def test_corpus_has_every_format_and_agency(gold_documents):
    assert len(gold_documents) >= 20
    assert {"txt", "jsonl", "csv", "nitf", "newsml", "html"} <= {g["format"] for g in gold_documents}
    assert {"dpa", "afp", "reuters"} <= {g["agency"] for g in gold_documents}


@pytest.mark.parametrize("field", FIELDS)
def test_corpus_metadata_matches_gold(ingested, gold_documents, field):
    wrong = []
    for gold in gold_documents:
        report = ingested[gold["doc_id"]]
        value = getattr(report, field)
        if field == "published" and value is not None:
            value = value.isoformat()
        if value != gold[field]:
            wrong.append((gold["doc_id"], value, gold[field]))
    assert wrong == []


def test_corpus_body_text_is_kept(ingested, gold_documents):
    for gold in gold_documents:
        report = ingested[gold["doc_id"]]
        assert report.status == "ok"
        assert gold["first_sentence_start"] in report.text


def test_corpus_every_good_document_once(ingested, gold_documents):
    # corpus/events/ holds the short reports of the events gold; they have no metadata gold
    ok = {doc_id for doc_id, r in ingested.items() if r.status == "ok" and not r.source.startswith("events/")}
    bad_ok = {doc_id for doc_id in ok if doc_id.startswith("not-json")}
    assert ok - bad_ok == {g["doc_id"] for g in gold_documents}


def test_corpus_bad_inputs_fail_as_expected(ingested, gold_bad):
    for bad in gold_bad:
        rows = [r for doc_id, r in ingested.items() if r.source.split(":")[0] == bad["source"]]
        failed = [r for r in rows if r.status != "ok"]
        assert len([r for r in rows if r.status == "ok"]) == bad["n_ok"], bad["source"]
        assert failed and all(r.status == bad["status"] and r.error for r in failed), bad["source"]
