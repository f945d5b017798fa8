"""`meldung run` end to end: typer's test runner and the installed command."""

import json
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.tables import schema

runner = CliRunner()


@pytest.fixture
def inputs(write):
    write("a.txt", "Scholz in Paris\n\nBerlin (dpa) - Olaf Scholz reist nach Paris. Er trifft Macron.\n\nZwischentitel\n\nEnde. (dpa/abc)\n")
    write("b.jsonl", json.dumps({"id": "j1", "text": "Paris (AFP) - Hallo.", "published": "2023-05-23"}) + "\nkaputt\n")
    write("c.txt", "")
    return write.folder


def test_cli_run_writes_every_table(inputs, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(inputs), "--out", str(out), "--model", "blank", "--date", "2024-01-02"])
    assert result.exit_code == 1, result.output  # one JSON line is broken
    for table in schema.TABLE_NAMES:
        frame = pd.read_parquet(out / table)
        assert list(frame.columns) == schema.column_names(table)
    docs = pd.read_parquet(out / "documents").set_index("doc_id")
    assert docs.loc["a.txt", "status"] == "ok" and docs.loc["c.txt", "status"] == "empty"
    assert docs.loc["b.jsonl:2", "status"] == "error"
    assert str(docs.loc["a.txt", "published"]) == "2024-01-02"  # --date fills the gap
    assert str(docs.loc["j1", "published"]) == "2023-05-23"  # metadata wins
    assert "documents: 2 ok, 1 empty, 1 failed" in result.output
    errors = pd.read_parquet(out / "errors")
    assert set(errors["doc_id"]) == {"b.jsonl:2", "c.txt"}


def test_cli_run_exit_0_when_all_documents_ok(write, tmp_path):
    write("a.txt", "Ein Text.")
    result = runner.invoke(app, ["run", str(write.folder), "--out", str(tmp_path / "o"), "--model", "blank", "-q"])
    assert result.exit_code == 0 and result.output == ""


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "duckdb"])
def test_cli_run_other_formats(inputs, tmp_path, fmt):
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(inputs), "--out", str(out), "--model", "blank", "--format", fmt, "-q"])
    assert result.exit_code == 1
    expected = [out / "meldung.duckdb"] if fmt == "duckdb" else [out / t for t in schema.TABLE_NAMES]
    assert all(p.exists() for p in expected)


def test_cli_missing_input_is_exit_2_without_traceback(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.output and "Traceback" not in result.output


def test_cli_used_output_folder_is_refused(inputs, tmp_path):
    out = tmp_path / "out"
    runner.invoke(app, ["run", str(inputs), "--out", str(out), "--model", "blank", "-q"])
    again = runner.invoke(app, ["run", str(inputs), "--out", str(out), "--model", "blank", "-q"])
    assert again.exit_code == 2 and "--resume" in again.output
    resumed = runner.invoke(app, ["run", str(inputs), "--out", str(out), "--model", "blank", "--resume"])
    assert "already done" in resumed.output
    assert len(pd.read_parquet(out / "documents")) == 4  # nothing twice


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_cli_unwritable_output_is_exit_2(inputs, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    result = runner.invoke(app, ["run", str(inputs), "--out", str(locked / "out"), "--model", "blank"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_cli_output_path_that_is_a_file_is_exit_2(inputs, tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    result = runner.invoke(app, ["run", str(inputs), "--out", str(target), "--model", "blank"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_cli_unknown_model_is_exit_2(inputs, tmp_path):
    result = runner.invoke(app, ["run", str(inputs), "--out", str(tmp_path / "o"), "--model", "de_nonexistent_xx"])
    assert result.exit_code == 2 and "cannot load model" in result.output


def test_cli_help_has_examples():
    result = runner.invoke(app, ["run", "--help"])
    assert result.exit_code == 0 and "meldung run corpus/ --out out/" in result.output


def test_cli_installed_command_reads_stdin(tmp_path):
    exe = shutil.which("meldung") or os.path.join(os.path.dirname(sys.executable), "meldung")
    out = tmp_path / "out"
    proc = subprocess.run(
        [exe, "run", "-", "--out", str(out), "--model", "blank", "--date", "2023-05-23"],
        input="Titel\n\nBerlin (dpa) - Ein Bericht aus Berlin.\n".encode(), capture_output=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    docs = pd.read_parquet(out / "documents")
    assert list(docs["doc_id"]) == ["stdin"] and docs["agency"].iloc[0] == "dpa"


def test_cli_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("meldung ")


def test_cli_run_on_the_sample_corpus(corpus_dir, gold_documents, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(corpus_dir), "--out", str(out), "--model", "blank", "-q"])
    assert result.exit_code == 1  # corpus/bad/ holds documents that must fail
    docs = pd.read_parquet(out / "documents")
    assert docs["doc_id"].is_unique
    ok = set(docs.loc[docs["status"] == "ok", "doc_id"])
    assert {g["doc_id"] for g in gold_documents} <= ok
    failed = docs[docs["status"] != "ok"]
    assert set(failed["doc_id"]) <= set(pd.read_parquet(out / "errors")["doc_id"])
    assert all(failed["source"].str.startswith("bad/"))
    # every offset indexes into documents.text
    texts = dict(zip(docs["doc_id"], docs["text"]))
    for table in ("mentions", "numbers", "dates", "quotes"):
        for row in pd.read_parquet(out / table).itertuples():
            assert texts[row.doc_id][row.start:row.end] == row.text


@pytest.mark.parametrize("task,data", [("numbers", "corpus/_gold/numbers.jsonl"),
                                       ("entities", "corpus/_gold/entities.jsonl")])
def test_cli_evaluate_prints_scores(task, data):
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / data
    args = ["evaluate", task, "--data", str(path), "--model", "blank", "--limit", "3", "--json"]
    if task == "entities":
        args.append("--gold-mentions")
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores  # a dict of figures
