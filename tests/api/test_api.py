"""The Python API: analyze texts and files, stream rows, read a written run."""

import pytest
from typer.testing import CliRunner

import pipeline
from pipeline.cli import app
from pipeline.tables import schema


@pytest.fixture(scope="module")
def nlp():
    return pipeline.load("blank")


def test_api_analyze_text_returns_contract_frames(nlp):
    tables = pipeline.analyze(["Bundeskanzler Olaf Scholz sagte am Montag in Berlin, er sei zufrieden."],
                              published="2023-05-23", nlp=nlp)
    for name in schema.TABLE_NAMES:
        assert list(tables[name].columns) == schema.column_names(name)
    docs = tables.documents
    assert docs["status"].tolist() == ["ok"] and str(docs["published"].iloc[0]) == "2023-05-23"


def test_api_analyze_single_string_and_paths(nlp, write):
    path = write("a.txt", "Titel\n\nBerlin (dpa) - Ein Text.\n")
    tables = pipeline.analyze(str(path), nlp=nlp)
    assert tables.documents["agency"].tolist() == ["dpa"]
    assert tables.documents["doc_id"].tolist() == ["a.txt"]


def test_api_analyze_repeated_ids_get_a_suffix_and_each_its_own_text(nlp, write):
    write("a.jsonl", '{"id": "x", "text": "Eins zwei drei vier fünf sechs sieben."}\n')
    write("b.jsonl", '{"id": "x", "text": "Berlin ist groß."}\n')
    docs = pipeline.analyze([str(write.folder)], nlp=nlp).documents.set_index("doc_id")
    assert docs.loc["x", "text"].startswith("Eins") and docs.loc["x#2", "text"].startswith("Berlin")
    assert docs.loc["x", "n_tokens"] == 8 and docs.loc["x#2", "n_tokens"] == 4


def test_api_analyze_empty_text_is_an_empty_document(nlp):
    tables = pipeline.analyze(["   "], nlp=nlp)
    assert tables.documents["status"].tolist() == ["empty"]


def test_api_iter_rows_streams_one_document_at_a_time(nlp):
    rows = list(pipeline.iter_rows(["Erster Text.", "Zweiter Text."], nlp=nlp))
    assert [r["documents"][0]["doc_id"] for r in rows] == ["text-0", "text-1"]


def test_api_unknown_table_is_a_clear_error(nlp):
    tables = pipeline.analyze(["Ein Text."], nlp=nlp)
    with pytest.raises(KeyError, match="known"):
        tables["quote"]


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl", "duckdb"])
def test_api_read_a_written_run(write, tmp_path, fmt):
    write("a.txt", "Titel\n\nBerlin, 23. Mai 2023 (dpa) - Am Freitag kommen 14 Menschen. Schluss. (dpa/abc)\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(write.folder), "--out", str(out), "--model", "blank",
                                      "--format", fmt, "-q"])
    assert result.exit_code == 0, result.output
    tables = pipeline.read(out)
    docs = tables.documents
    assert docs["doc_id"].tolist() == ["a.txt"] and docs["author"].tolist() == ["abc"]
    assert docs["published"].dtype == schema.empty_frame("documents")["published"].dtype
    assert str(docs["published"].iloc[0]) == "2023-05-23"
    for name in schema.TABLE_NAMES:
        assert list(tables[name].columns) == schema.column_names(name)


def test_api_read_refuses_a_folder_without_tables(tmp_path):
    with pytest.raises(FileNotFoundError):
        pipeline.read(tmp_path)


def test_api_a_text_with_a_lone_surrogate_is_an_error_row_and_the_others_are_analysed(nlp):
    tables = pipeline.analyze(["Berlin (dpa) - Ein guter Text.", "Berlin (dpa) - Olaf Scholz \ud800 sagte."], nlp=nlp)
    docs = tables.documents.set_index("doc_id")
    assert docs.loc["text-0", "status"] == "ok"
    assert docs.loc["text-1", "status"] == "error" and "lone surrogate" in docs.loc["text-1", "error"]


def test_api_a_text_over_max_chars_is_an_error_row(nlp):
    from pipeline.ingest import ReadOptions

    tables = pipeline.analyze(["Berlin (dpa) - " + "Wort " * 50], nlp=nlp, options=ReadOptions(max_chars=100))
    assert tables.documents["status"].tolist() == ["error"]
    assert "too long" in tables.documents["error"][0]


def test_api_a_one_line_text_longer_than_a_file_name_is_a_text(nlp):
    text = "Berlin (dpa) - " + "Bundeskanzler Olaf Scholz sagte am Montag in Berlin etwas. " * 6  # one line, 370 chars
    assert pipeline.analyze([text], nlp=nlp).documents["status"].tolist() == ["ok"]
