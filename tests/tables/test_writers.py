"""Each writer round-trips through pandas and DuckDB; parts are atomic; resume."""

import json
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.tables import schema
from pipeline.tables.writers import DatasetWriter, OutputExists, read_part_file

ROWS = {
    "documents": [{"doc_id": "a", "text": "Köln „zitiert“", "published": date(2023, 5, 23), "status": "ok",
                   "n_chars": 14, "subheadings": ["Zwischen, mit Komma"]},
                  {"doc_id": "b", "text": "", "status": "error", "error": "kaputt"}],
    "numbers": [{"doc_id": "a", "sent": 0, "start": 0, "end": 2, "text": "14", "value": 14.0, "approx": "mindestens"}],
    "errors": [{"doc_id": "b", "source": "b.xml", "stage": "parse", "message": "kaputt"}],
}


def read_back(out: Path, fmt: str, table: str) -> pd.DataFrame:
    if fmt == "parquet":
        return pd.read_parquet(out / table)
    if fmt == "csv":
        return pd.concat(pd.read_csv(p) for p in sorted((out / table).glob("*.csv")))
    if fmt == "jsonl":
        return pd.concat(pd.read_json(p, lines=True) for p in sorted((out / table).glob("*.jsonl")))
    con = duckdb.connect(str(out / "meldung.duckdb"), read_only=True)
    try:
        return con.sql(f'SELECT * FROM "{table}"').df()
    finally:
        con.close()


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl", "duckdb"])
def test_writers_round_trip(tmp_path, fmt):
    writer = DatasetWriter(tmp_path / "out", fmt)
    writer.write_part(ROWS, ["a", "b"])
    writer.close()
    for table in schema.TABLE_NAMES:
        frame = read_back(tmp_path / "out", fmt, table)
        assert len(frame) == len(ROWS.get(table, []))
        if fmt != "jsonl" or len(frame):  # an empty JSON Lines file carries no column names
            assert list(frame.columns) == schema.column_names(table)
    docs = read_back(tmp_path / "out", fmt, "documents")
    assert docs["text"].iloc[0] == "Köln „zitiert“"
    assert str(docs["published"].iloc[0])[:10] == "2023-05-23"


def test_writers_parquet_readable_by_duckdb_glob(tmp_path):
    writer = DatasetWriter(tmp_path / "out", "parquet")
    writer.write_part(ROWS, ["a", "b"])
    writer.write_part({"documents": [{"doc_id": "c", "status": "ok"}]}, ["c"])
    writer.close()
    n = duckdb.sql(f"SELECT count(*) FROM read_parquet('{tmp_path}/out/documents/*.parquet')").fetchall()[0][0]
    assert n == 3
    assert duckdb.sql(f"SELECT typeof(published) FROM read_parquet('{tmp_path}/out/documents/*.parquet') LIMIT 1").fetchall()[0][0] == "DATE"


def test_writers_refuse_used_folder_without_resume_or_overwrite(tmp_path):
    DatasetWriter(tmp_path / "out").write_part(ROWS, ["a", "b"])
    with pytest.raises(OutputExists):
        DatasetWriter(tmp_path / "out")
    writer = DatasetWriter(tmp_path / "out", overwrite=True)
    assert not writer.done
    assert not list((tmp_path / "out" / "documents").glob("*.parquet"))


def test_writers_resume_drops_uncommitted_parts(tmp_path):
    out = tmp_path / "out"
    writer = DatasetWriter(out)
    writer.write_part(ROWS, ["a", "b"])
    # a killed run: a part file that made it to disk, but not into the manifest
    (out / "documents" / "part-00001.parquet").write_bytes(b"half")
    (out / "documents" / ".part-00002.parquet.tmp").write_bytes(b"half")
    (out / "documents" / ".part-00003.parquet.4711.tmp").write_bytes(b"half")  # (a writer's pid)
    with open(out / "_meldung" / "manifest.jsonl", "a") as manifest:
        manifest.write('{"part": "00001", "doc_ids": ["c"')  # cut off mid-line
    resumed = DatasetWriter(out, resume=True)
    assert set(resumed.done) == {"a", "b"}
    assert sorted(p.name for p in (out / "documents").iterdir()) == ["part-00000.parquet"]
    resumed.write_part({"documents": [{"doc_id": "c", "status": "ok"}]}, ["c"])
    resumed.close()
    assert sorted(pd.read_parquet(out / "documents")["doc_id"]) == ["a", "b", "c"]


def test_writers_csv_lists_as_json(tmp_path):
    writer = DatasetWriter(tmp_path / "out", "csv")
    writer.write_part(ROWS, ["a", "b"])
    frame = read_back(tmp_path / "out", "csv", "documents")
    assert json.loads(frame["subheadings"].iloc[0]) == ["Zwischen, mit Komma"]


def test_writers_a_folder_refused_keeps_nothing_of_the_run(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OutputExists, match="holds no meldung run"):
        DatasetWriter(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_writers_a_csv_part_with_a_cell_longer_than_csvs_default_limit_reads_back(tmp_path):
    """An id of 200,000 characters: the people linking at the end of a CSV run read the
    parts back and failed on csv's default field limit (131,072) after every part was written."""
    import csv

    long_id = "x" * 200_000
    writer = DatasetWriter(tmp_path / "out", "csv")
    writer.write_part({"documents": [{"doc_id": long_id, "status": "ok"}]}, [long_id])
    csv.field_size_limit(131_072)  # (as a fresh process has it)
    table = read_part_file(tmp_path / "out" / "documents" / "part-00000.csv", "documents")
    assert table.column("doc_id").to_pylist() == [long_id]
