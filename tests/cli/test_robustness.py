"""Bad input, odd output folders and dying workers: a run goes on and loses nothing.

Each case is one that broke a run before (found in a review of the batch machinery).
"""

import csv
import gzip
import io
import json
import os
import time
from pathlib import Path

import pytest
from spacy.language import Language
from typer.testing import CliRunner

import pipeline
from pipeline.cli import app
from pipeline.run import RunOptions, run

runner = CliRunner()


@pytest.fixture
def nlp(blank_nlp):
    return blank_nlp


def _jsonl(records) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def _feed(n: int) -> str:
    return _jsonl({"id": f"r{i}", "text": f"Berlin (dpa) - Bericht {i} über viele Dinge."} for i in range(n))


# --- bad input crashes the run instead of becoming an error row -------------------------

def _truncated_gzip() -> bytes:
    data = gzip.compress(_feed(2000).encode("utf-8"), mtime=0)
    return data[: len(data) // 2]


def _corrupt_gzip() -> bytes:
    data = bytearray(gzip.compress(("Ein Text über Berlin. " * 200).encode("utf-8"), mtime=0))
    for i in range(20, 40):
        data[i] ^= 0xFF
    return bytes(data)


@pytest.mark.parametrize("name, content", [
    ("feed.jsonl.gz", _truncated_gzip()),             # EOFError while iterating the lines
    ("feed.jsonl.gz", _feed(3).encode("utf-8")),      # BadGzipFile: not gzip at all
    ("report.txt.gz", _corrupt_gzip()),               # zlib.error from read_bytes
])
def test_robust_broken_gzip_is_an_error_row_and_the_run_goes_on(write, tmp_path, nlp, name, content):
    write("a.txt", "Eins ist gut.")
    write(name, content)
    write("z.txt", "Zwei ist auch gut.")
    summary = run([str(write.folder)], tmp_path / "out", RunOptions(), nlp=nlp)
    tables = pipeline.read(tmp_path / "out")
    assert {"a.txt", "z.txt"} <= set(tables.documents["doc_id"])
    assert tables.errors["source"].str.startswith(name).any()
    assert summary.failed >= 1


def test_robust_deeply_nested_json_line_is_an_error_row(write, tmp_path, nlp):
    write("d.jsonl", '{"id": "ok1", "text": "Gut."}\n' + "[" * 100_000 + "\n" + '{"id": "ok2", "text": "Auch gut."}\n')
    run([str(write.folder)], tmp_path / "out", RunOptions(), nlp=nlp)  # RecursionError before
    tables = pipeline.read(tmp_path / "out")
    assert tables.documents["doc_id"].tolist() == ["ok1", "d.jsonl:2", "ok2"]
    assert tables.errors["doc_id"].tolist() == ["d.jsonl:2"]


@pytest.mark.parametrize("record", [
    {"id": "s", "text": "Hallo \ud800 Welt."},
    {"id": "s\udc00", "text": "Gut zwei."},
    {"id": "s", "text": "Gut drei.", "headline": "X\ud800"},
])
def test_robust_lone_surrogate_in_a_json_line_does_not_crash_the_run(write, tmp_path, nlp, record):
    # json.dumps writes the lone surrogate as the escape \ud800, which is valid JSON
    write("s.jsonl", _jsonl([{"id": "ok", "text": "Gut."}, record, {"id": "ok2", "text": "Gut vier."}]))
    run([str(write.folder)], tmp_path / "out", RunOptions(), nlp=nlp)  # UnicodeEncodeError in write_part before
    docs = pipeline.read(tmp_path / "out").documents
    assert len(docs) == 3 and {"ok", "ok2"} <= set(docs["doc_id"])


def test_robust_empty_jsonl_file_gets_a_row(write, tmp_path, nlp):
    # README: "an empty file ... becomes a documents row with status error or empty"
    write("e.txt", "")
    write("e.jsonl", "")
    run([str(write.folder)], tmp_path / "out", RunOptions(), nlp=nlp)
    docs = pipeline.read(tmp_path / "out").documents
    assert sorted(docs["doc_id"]) == ["e.jsonl", "e.txt"]


# --- valid CSV read wrongly -------------------------------------------------------------

def _csv(rows) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["id", "text"])
    writer.writerows(rows)
    return buf.getvalue()


def test_robust_csv_with_a_long_text_keeps_every_row(write, tmp_path, nlp):
    long_text = "Lang. " * 30_000  # 180,000 characters: under --max-chars, over csv's field limit
    write("f.csv", _csv([["c1", "Kurz."], ["c2", long_text], ["c3", "Auch kurz."]]))
    run([str(write.folder)], tmp_path / "out", RunOptions(), nlp=nlp)
    docs = pipeline.read(tmp_path / "out").documents
    assert docs["doc_id"].tolist() == ["c1", "c2", "c3"]  # was ["c1", "f.csv"]: c2, c3 lost
    assert (docs["status"] == "ok").all()


def test_robust_csv_text_ending_in_a_quotation_is_read_exactly(write):
    from pipeline.ingest import iter_reports

    text = 'Merkel sagte: "Wir schaffen das."'
    path = write("q.csv", _csv([["a", text]]))  # a,"Merkel sagte: ""Wir schaffen das."""
    (report,) = iter_reports([str(path)])
    assert report.text == text  # was 'Merkel sagte: "Wir schaffen das."""' (sniffed doublequote=False)


# --- Dask ---------------------------------------------------------------------------------

def test_robust_dask_two_files_with_the_same_name_are_both_kept(tmp_path):
    from pipeline.distributed import partitions

    for folder, text in (("a", "Berlin (dpa) - Text A."), ("b", "Paris (AFP) - Text B.")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.txt").write_text(text, encoding="utf-8")
    inputs = [str(tmp_path / "a"), str(tmp_path / "b")]
    assert len({p.name for p in partitions(inputs)}) == 2  # both "x.txt": the same part file
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", *inputs, "--out", str(out), "--model", "blank", "-q",
                                 "--scheduler", "local"])
    assert result.exit_code == 0, result.output
    docs = pipeline.read(out).documents
    assert sorted(docs["text"]) == ["Berlin (dpa) - Text A.", "Paris (AFP) - Text B."]


def test_robust_dask_resume_of_a_local_run_is_refused(write, tmp_path, nlp):
    write("a.txt", "Eins ist gut.")
    write("b.txt", "Zwei ist gut.")
    out = tmp_path / "out"
    run([str(write.folder)], out, RunOptions(), nlp=nlp)  # a local run (finished, or killed)
    result = runner.invoke(app, ["run", str(write.folder), "--out", str(out), "--model", "blank", "-q",
                                 "--scheduler", "local", "--resume"])
    assert result.exit_code != 0 and "without --scheduler" in result.output  # redid every document before
    docs = pipeline.read(out).documents
    assert sorted(docs["doc_id"]) == ["a.txt", "b.txt"]


# --- output folder ------------------------------------------------------------------------

def test_robust_overwrite_keeps_files_that_are_not_meldungs(write, tmp_path):
    write("a.txt", "Eins ist gut.")
    out = tmp_path / "home"
    (out / "documents").mkdir(parents=True)
    (out / "documents" / "thesis.txt").write_text("two years of work")
    (out / "notes.txt").write_text("notes")
    runner.invoke(app, ["run", str(write.folder), "--out", str(out), "--model", "blank", "-q", "--overwrite"])
    assert (out / "documents" / "thesis.txt").exists()  # rmtree'd: no meldung run was ever there


def test_robust_resume_keeps_files_that_are_not_meldungs(write, tmp_path):
    write("a.txt", "Eins ist gut.")
    out = tmp_path / "home"
    (out / "documents").mkdir(parents=True)
    (out / "documents" / "thesis.txt").write_text("two years of work")
    runner.invoke(app, ["run", str(write.folder), "--out", str(out), "--model", "blank", "-q", "--resume"])
    assert (out / "documents" / "thesis.txt").exists()  # unlinked as an "uncommitted part"


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_robust_resume_does_not_read_its_own_tables_as_input(tmp_path, fmt):
    project = tmp_path / "project"
    project.mkdir()
    (project / "feed.jsonl").write_text(_feed(6), encoding="utf-8")
    args = ["run", str(project), "--out", str(project / "out"), "--model", "blank", "-q", "--format", fmt]
    assert runner.invoke(app, args).exit_code == 0
    runner.invoke(app, args + ["--resume"])  # nothing left to do
    docs = pipeline.read(project / "out").documents
    assert sorted(docs["doc_id"]) == [f"r{i}" for i in range(6)]  # + out/documents/part-00000.jsonl:1 ...


def test_robust_resume_in_another_format_is_refused(tmp_path):
    """A CSV run resumed without repeating --format would mix Parquet into a CSV dataset."""
    from pipeline.tables.writers import DatasetWriter, OutputExists

    out = tmp_path / "out"
    DatasetWriter(out, "csv").write_part({"documents": [{"doc_id": "a", "status": "ok"}]}, ["a"])
    with pytest.raises(OutputExists, match="--format csv"):
        DatasetWriter(out, "parquet", resume=True)
    assert DatasetWriter(out, "csv", resume=True).done.keys() == {"a"}


# --- the manifest -------------------------------------------------------------------------

def test_robust_a_half_manifest_line_does_not_hide_the_next_commit(tmp_path, nlp):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(_feed(6), encoding="utf-8")
    out = tmp_path / "out"
    run([str(feed)], out, RunOptions(part_size=2), nlp=nlp)
    manifest = out / "_meldung" / "manifest.jsonl"
    lines = manifest.read_text("utf-8").splitlines(keepends=True)
    manifest.write_text("".join(lines[:2]) + lines[2][:30], encoding="utf-8")  # killed mid-line
    first = run([str(feed)], out, RunOptions(part_size=2, resume=True), nlp=nlp)
    assert first.skipped == 4
    again = run([str(feed)], out, RunOptions(part_size=2, resume=True), nlp=nlp)
    assert again.skipped == 6 and sum(again.documents.values()) == 0  # was 4: part 00002 redone


def test_robust_ids_with_unicode_line_separators_stay_committed(tmp_path, nlp):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(_jsonl({"id": i, "text": f"Bericht {n}."} for n, i in enumerate(["a", "b\u2028c", "d\x85e"])),
                    encoding="utf-8")
    out = tmp_path / "out"
    run([str(feed)], out, RunOptions(part_size=1), nlp=nlp)
    again = run([str(feed)], out, RunOptions(part_size=1, resume=True), nlp=nlp)
    assert again.skipped == 3  # was 1: the manifest is split on U+2028 / U+0085 by str.splitlines


# --- n_process > 1 --------------------------------------------------------------------------

MAIN_PID = os.getpid()


@Language.component("robust_dies_on_sterben")
def robust_dies_on_sterben(doc):
    """A crash no Python code can catch, like a segfault in compiled code."""
    if "sterben" in doc.text and os.getpid() != MAIN_PID:
        os._exit(1)
    return doc


def test_robust_a_worker_dying_while_the_parent_submits_costs_only_its_document(write, tmp_path, monkeypatch):
    import pipeline.run as run_module

    for i in range(12):
        write(f"{i:02d}.txt", "Hier muss ein Prozess sterben." if i == 3 else f"Bericht {i} ist gut.")
    real = run_module.iter_reports

    def slow_input(*args, **kwargs):  # a slow disk or network mount: the pool breaks between submits
        for report in real(*args, **kwargs):
            time.sleep(0.2)
            yield report

    monkeypatch.setattr(run_module, "iter_reports", slow_input)
    nlp = pipeline.load("blank")
    nlp.add_pipe("robust_dies_on_sterben")
    # BrokenProcessPool raised by pool.submit in _rows_from_pool before
    summary = run([str(write.folder)], tmp_path / "out", RunOptions(n_process=2, batch_size=1), nlp=nlp)
    assert summary.documents["ok"] == 11 and summary.failed == 1
    assert pipeline.read(tmp_path / "out").errors["doc_id"].tolist() == ["03.txt"]


def test_robust_a_file_name_that_is_no_utf8_still_gets_its_row(write, tmp_path, nlp):
    write("a.txt", "Eins ist gut.")
    with open(os.path.join(os.fsencode(write.folder), b"b\xff.txt"), "wb") as handle:
        handle.write("Zwei ist gut.".encode("utf-8"))
    summary = run([str(write.folder)], tmp_path / "out", RunOptions(), nlp=nlp)
    assert summary.documents["ok"] == 2
    assert sorted(pipeline.read(tmp_path / "out").documents["doc_id"]) == ["a.txt", "b\ufffd.txt"]


def test_robust_overwrite_in_another_format_leaves_no_parts_of_the_run_before(write, tmp_path):
    write("a.txt", "Eins ist gut.")
    out = tmp_path / "out"
    args = ["run", str(write.folder), "--out", str(out), "--model", "blank", "-q"]
    assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, args + ["--overwrite", "--format", "duckdb"]).exit_code == 0
    assert not (out / "documents").exists()  # the Parquet parts of the first run
    assert runner.invoke(app, args + ["--overwrite", "--format", "csv"]).exit_code == 0
    assert not (out / "meldung.duckdb").exists() and not (out / "_meldung" / "parts").exists()
    assert [p.suffix for p in (out / "documents").iterdir()] == [".csv"]


class _Killed(BaseException):
    """The process ends here (as with kill -9: nothing after it runs)."""


@pytest.mark.parametrize("removals", [0, 1, 4, 11])
def test_robust_an_overwrite_killed_while_it_removes_the_run_before_resumes_to_every_row(
        write, tmp_path, nlp, monkeypatch, removals):
    for i in range(30):
        write(f"{i:02d}.txt", f"Bericht {i} aus Berlin.")
    out = tmp_path / "out"
    run([str(write.folder)], out, RunOptions(part_size=5), nlp=nlp)
    real_unlink, seen = Path.unlink, []

    def unlink(path, *args, **kwargs):
        if len(seen) == removals:
            raise _Killed
        seen.append(path)
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(Path, "unlink", unlink)
    with pytest.raises(_Killed):
        run([str(write.folder)], out, RunOptions(part_size=5, overwrite=True), nlp=nlp)
    monkeypatch.undo()
    run([str(write.folder)], out, RunOptions(part_size=5, resume=True), nlp=nlp)
    assert sorted(pipeline.read(out).documents["doc_id"]) == [f"{i:02d}.txt" for i in range(30)]


def test_robust_a_duckdb_run_keeps_its_file_when_a_resume_fails_before_writing(write, tmp_path, nlp):
    write("a.txt", "Bericht aus Berlin.")
    out = tmp_path / "out"
    run([str(write.folder)], out, RunOptions(fmt="duckdb"), nlp=nlp)
    assert (out / "meldung.duckdb").exists()
    with pytest.raises(Exception):
        run([str(write.folder)], out, RunOptions(fmt="duckdb", resume=True, model="no-such-model"))
    assert (out / "meldung.duckdb").exists()


def test_robust_a_run_whose_format_file_was_left_empty_resumes(write, tmp_path, nlp):
    write("a.txt", "Bericht aus Berlin.")
    out = tmp_path / "out"
    run([str(write.folder)], out, RunOptions(), nlp=nlp)
    (out / "_meldung" / "format").write_text("")  # a write cut off by a kill
    write("b.txt", "Bericht aus Paris.")
    run([str(write.folder)], out, RunOptions(resume=True), nlp=nlp)
    assert sorted(pipeline.read(out).documents["doc_id"]) == ["a.txt", "b.txt"]
    assert (out / "_meldung" / "format").read_text().strip() == "parquet"


def test_robust_a_second_run_on_a_folder_another_run_writes_to_is_refused(write, tmp_path, nlp):
    import subprocess
    import sys

    write("a.txt", "Bericht aus Berlin.")
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen(  # another process, as a run that is still writing
        [sys.executable, "-c", "import sys, time; from filelock import FileLock; "
         "lock = FileLock(sys.argv[1]); lock.acquire(); print('held', flush=True); time.sleep(60)",
         str(out / ".meldung.lock")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(pipeline.run.OutputExists, match="another meldung run is writing"):
            run([str(write.folder)], out, RunOptions(resume=True), nlp=nlp)
    finally:
        holder.kill()
        holder.wait()
    run([str(write.folder)], out, RunOptions(resume=True), nlp=nlp)  # its end let go of the lock
    assert pipeline.read(out).documents["doc_id"].tolist() == ["a.txt"]
    run([str(write.folder)], out, RunOptions(overwrite=True), nlp=nlp)  # and this run of it


def _hold_lock(path):
    """Another process holding ``path``'s lock, as a run that is still writing."""
    import subprocess
    import sys

    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from filelock import FileLock; "
         "lock = FileLock(sys.argv[1]); lock.acquire(); print('held', flush=True); time.sleep(60)",
         str(path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_robust_a_run_that_lost_the_race_for_a_new_folder_leaves_the_winners_lock(write, tmp_path, nlp,
                                                                                   monkeypatch):
    """Two runs start on a new folder at once: both see no lock file, one takes the lock.
    The other, refused, removed the lock file the winner held, and a third run then
    made a new one, took it and wrote beside the winner."""
    import filelock

    write("a.txt", "Bericht aus Berlin.")
    out = tmp_path / "out"
    holders = []
    acquire = filelock.BaseFileLock.acquire

    def winner_comes_first(self, *args, **kwargs):  # after this run looked for the lock file
        if not holders:
            holders.append(_hold_lock(out / ".meldung.lock"))
        return acquire(self, *args, **kwargs)

    monkeypatch.setattr(filelock.BaseFileLock, "acquire", winner_comes_first)
    try:
        with pytest.raises(pipeline.run.OutputExists, match="another meldung run is writing"):
            run([str(write.folder)], out, RunOptions(), nlp=nlp)
        monkeypatch.undo()
        assert (out / ".meldung.lock").exists()
        with pytest.raises(pipeline.run.OutputExists, match="another meldung run is writing"):
            run([str(write.folder)], out, RunOptions(resume=True), nlp=nlp)  # the third run
    finally:
        for holder in holders:
            holder.kill()
            holder.wait()


def test_robust_an_overwrite_in_another_format_killed_while_removing_resumes_in_its_format(write, tmp_path,
                                                                                          nlp, monkeypatch):
    """--overwrite --format csv over a JSON Lines run, killed while it removes that run: the
    same command with --resume carries the overwrite on (it was refused for the old
    run's format, and the advice given rebuilt the run in the format not asked for)."""
    for i in range(30):
        write(f"{i:02d}.txt", f"Bericht {i} aus Berlin.")
    out = tmp_path / "out"
    run([str(write.folder)], out, RunOptions(fmt="jsonl", part_size=5), nlp=nlp)
    unlink, removed = Path.unlink, []

    class _Killed(BaseException):
        pass

    def dies_after_two(self, *args, **kwargs):
        if self.name.startswith("part-") and len(removed) == 2:
            raise _Killed
        removed.append(self)
        return unlink(self, *args, **kwargs)

    monkeypatch.setattr(Path, "unlink", dies_after_two)
    with pytest.raises(_Killed):
        run([str(write.folder)], out, RunOptions(fmt="csv", part_size=5, overwrite=True), nlp=nlp)
    monkeypatch.undo()
    run([str(write.folder)], out, RunOptions(fmt="csv", part_size=5, resume=True), nlp=nlp)
    assert sorted(pipeline.read(out).documents["doc_id"]) == [f"{i:02d}.txt" for i in range(30)]
    assert not list(out.glob("*/part-*.jsonl"))


def test_robust_resume_after_a_new_file_with_a_finished_id_came_first_is_refused(write, tmp_path, nlp):
    """A new file sorted before the old one, holding one of its ids: the resume skipped the
    new "x" as done (lost) and wrote the old "x" again as "x#2" (twice)."""
    write("b.jsonl", _jsonl([{"id": "x", "text": "Bericht aus Bonn."}, {"id": "y", "text": "Bericht aus Ulm."}]))
    out = tmp_path / "out"
    run([str(write.folder)], out, RunOptions(), nlp=nlp)
    write("a.jsonl", _jsonl([{"id": "x", "text": "Bericht aus Kiel."}]))
    with pytest.raises(pipeline.run.OutputExists, match="in their order"):
        run([str(write.folder)], out, RunOptions(resume=True), nlp=nlp)
    docs = pipeline.read(out).documents
    assert sorted(zip(docs["doc_id"], docs["text"])) == [("x", "Bericht aus Bonn."), ("y", "Bericht aus Ulm.")]
    write("c.jsonl", _jsonl([{"id": "x", "text": "Bericht aus Jena."}]))  # new ids after the old: welcome
    (write.folder / "a.jsonl").unlink()
    run([str(write.folder)], out, RunOptions(resume=True), nlp=nlp)
    docs = pipeline.read(out).documents
    assert sorted(docs["doc_id"]) == ["x", "x#2", "y"]


def test_robust_a_resumed_run_exits_1_for_the_failures_of_its_first_part(write, tmp_path):
    """A run over failing inputs exits 1; killed after writing them and resumed, it exited
    0 (only the resumed documents were counted), and a script took the run for clean."""
    write("a.jsonl", "{broken\n" + _jsonl([{"id": "ok1", "text": "Bericht aus Bonn."}]))
    out = tmp_path / "out"
    args = ["run", str(write.folder), "--out", str(out), "--model", "blank", "-q"]
    assert runner.invoke(app, args).exit_code == 1
    write("b.jsonl", _jsonl([{"id": "ok2", "text": "Bericht aus Ulm."}]))  # as if killed before it
    assert runner.invoke(app, args + ["--resume"]).exit_code == 1
    result = runner.invoke(app, [a for a in args if a != "-q"] + ["--resume"])
    assert result.exit_code == 1 and "1 of the run's documents failed before" in " ".join(result.output.split())
