"""Dask runs that meet faults: a worker that dies in the middle of a partition (Dask runs
the partition again on another worker; a partition that kills every worker it is given
becomes one error row, and the other partitions' rows are all there), a result lost with
its worker, a broken gzip feed, and resumes: after a partition was given up on, with the
inputs in another order, and without --scheduler."""

import gzip
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import cloudpickle
import pytest
from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

import pipeline
from pipeline.distributed import partitions, run_dask
from pipeline.run import RunOptions, run
from pipeline.tables.writers import OutputExists

# the plugin below goes to the workers by value: they cannot import this test module
cloudpickle.register_pickle_by_value(sys.modules[__name__])


class DiesOnSterben(WorkerPlugin):
    """Installed in every worker, those the nanny starts after a death too: a task on a
    file named "...sterben..." ends the worker's process (``os._exit``, as a segfault or
    the kernel's OOM killer would), every time or only the first time."""

    def __init__(self, marker: str, every_time: bool):
        self.marker, self.every_time = marker, every_time

    def setup(self, worker) -> None:
        import pipeline.distributed as distributed
        from pipeline.tables.writers import write_table_file

        analyse_partition = distributed.process_partition
        if getattr(analyse_partition, "dies_on_sterben", False):
            return
        marker, every_time = Path(self.marker), self.every_time

        def process_partition(partition, part_root, fmt, *args):
            if "sterben" in partition.source.name and (every_time or not marker.exists()):
                marker.touch()
                # one table written, then the end: as a worker killed between two tables
                write_table_file(Path(part_root) / "documents" / f"part-{partition.name}.parquet",
                                 "documents", [{"doc_id": "sterben.txt", "text": "Hier"}], fmt)
                os._exit(1)
            return analyse_partition(partition, part_root, fmt, *args)

        process_partition.dies_on_sterben = True
        distributed.process_partition = process_partition


def _cluster(n_workers: int = 2) -> LocalCluster:
    """Worker processes as ``--scheduler local`` starts them."""
    return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None)


def _run_on_a_cluster(folder: Path, out: Path, plugin: DiesOnSterben):
    with _cluster() as cluster:
        with Client(cluster) as client:  # the scheduler keeps the plugin for new workers too
            client.register_plugin(plugin)
        return run_dask([str(folder)], out, RunOptions(model="blank"), cluster.scheduler_address)


@pytest.mark.parametrize("every_time", [False, True], ids=["once", "every time"])
def test_dask_a_worker_that_dies_is_retried_then_recorded(write, tmp_path, every_time):
    for i in range(4):
        write(f"{i}.txt", f"Bericht {i} ist gut.")
    write("sterben.txt", "Hier stirbt ein Prozess.")
    marker = tmp_path / "died"

    summary = _run_on_a_cluster(write.folder, tmp_path / "out", DiesOnSterben(str(marker), every_time))

    assert marker.exists()  # a worker did die
    tables = pipeline.read(tmp_path / "out")
    if every_time:
        assert summary.failed == 1 and summary.documents["ok"] == 4
        assert tables.errors["stage"].tolist() == ["worker"]
        assert tables.errors["message"].iloc[0].startswith("4 workers died running this partition")
        assert sorted(tables.documents["doc_id"]) == [f"{i}.txt" for i in range(4)]
        # the part the dying worker began holds the errors row now, and none of its rows
        dead = next(p.name for p in partitions([str(write.folder)]) if "sterben" in p.source.name)
        assert len(list((tmp_path / "out" / "errors").glob(f"part-{dead}.*"))) == 1
        # a resume takes the partition given up on for done, as a local run its error rows
        again = run_dask([str(write.folder)], tmp_path / "out", RunOptions(model="blank", resume=True), "local")
        assert sum(again.documents.values()) == 0
        assert len(pipeline.read(tmp_path / "out").errors) == 1
    else:  # run again on a fresh worker: nothing lost, nothing twice
        assert summary.failed == 0 and summary.documents["ok"] == 5
        assert tables.errors.empty
        assert sorted(tables.documents["doc_id"]) == [f"{i}.txt" for i in range(4)] + ["sterben.txt"]


def test_dask_a_worker_death_in_a_process_that_has_a_client_of_its_own(write, tmp_path, monkeypatch):
    """A notebook with its own Client of the cluster (the default one) runs meldung on
    that Client: a second one in the process broke when a worker died."""
    for i in range(4):
        write(f"{i}.txt", f"Bericht {i} ist gut.")
    write("sterben.txt", "Hier stirbt ein Prozess.")
    with _cluster() as cluster, \
            Client(cluster) as client:
        client.register_plugin(DiesOnSterben(str(tmp_path / "died"), every_time=False))
        monkeypatch.setattr("dask.distributed.Client", None)  # no second Client made
        summary = run_dask([str(write.folder)], tmp_path / "out", RunOptions(model="blank"),
                           cluster.scheduler_address)
        assert client.status == "running"  # the notebook's client is still its own
    assert summary.failed == 0 and summary.documents["ok"] == 5


def test_dask_a_run_is_not_resumed_without_scheduler(write, tmp_path):
    write("a.jsonl", '{"id": "x", "text": "Eins."}\n')
    write("b.jsonl", '{"id": "x", "text": "Zwei."}\n')  # no suffix on Dask: x twice
    run_dask([str(write.folder)], tmp_path / "out", RunOptions(model="blank"), "local")
    with pytest.raises(OutputExists, match="resume it with --scheduler"):
        run([str(write.folder)], tmp_path / "out", RunOptions(model="blank", resume=True))
    assert pipeline.read(tmp_path / "out").documents["doc_id"].tolist() == ["x", "x"]


def test_dask_a_broken_gzip_feed_is_an_error_row_as_in_a_local_run(write, tmp_path):
    lines = "".join(json.dumps({"id": f"r{i}", "text": f"Bericht {i}."}) + "\n" for i in range(3000))
    data = gzip.compress(lines.encode("utf-8"), mtime=0)
    write("feed.jsonl.gz", data[: len(data) // 2])  # cut off
    write("a.txt", "Eins ist gut.")
    local = run([str(write.folder)], tmp_path / "local", RunOptions(), nlp=pipeline.load("blank"))
    on_dask = run_dask([str(write.folder)], tmp_path / "dask", RunOptions(model="blank"), "local")
    assert dict(on_dask.documents) == dict(local.documents) and on_dask.failed == 1


def test_dask_a_result_lost_with_its_worker_is_computed_again(write, tmp_path):
    """One worker: it holds the result of 1.txt when it dies on sterben.txt, while the
    driver still waits over the result of 0.txt. 1.txt is analysed again, not given up."""
    for i in range(2):
        write(f"{i}.txt", f"Bericht {i} ist gut.")
    write("sterben.txt", "Hier stirbt ein Prozess.")
    marker = tmp_path / "died"

    def slow_progress(*_):  # the driver busy until the worker holding 1.txt has died
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1)

    with _cluster(n_workers=1) as cluster:
        with Client(cluster) as client:
            client.register_plugin(DiesOnSterben(str(marker), every_time=False))
        summary = run_dask([str(write.folder)], tmp_path / "out", RunOptions(model="blank"),
                           cluster.scheduler_address, progress=slow_progress)
    assert marker.exists()
    assert summary.failed == 0 and summary.documents["ok"] == 3
    assert sorted(pipeline.read(tmp_path / "out").documents["doc_id"]) == ["0.txt", "1.txt", "sterben.txt"]


def test_dask_a_resume_redoes_a_partition_whose_ids_another_partition_has_too(write, tmp_path):
    """Dask gives no suffix to an id repeated in another partition; a resume goes by
    partition, so the second "x" is analysed when its partition was not finished."""
    write("a.jsonl", '{"id": "x", "text": "Eins."}\n')
    write("b.jsonl", '{"id": "x", "text": "Zwei."}\n')
    out = tmp_path / "out"
    run_dask([str(write.folder)], out, RunOptions(model="blank"), "local")
    unfinished = next(p.name for p in partitions([str(write.folder)]) if p.source.name == "b.jsonl")
    manifest = out / "_meldung" / "manifest.jsonl"  # as if killed before b.jsonl's commit
    manifest.write_text("".join(line + "\n" for line in manifest.read_text().splitlines()
                                if unfinished not in line))
    again = run_dask([str(write.folder)], out, RunOptions(model="blank", resume=True), "local")
    assert dict(again.documents) == {"ok": 1}
    assert sorted(pipeline.read(out).documents["text"]) == ["Eins.", "Zwei."]


def test_dask_a_run_on_a_notebooks_client_after_an_interrupted_one_writes_its_own_parts(write, tmp_path):
    for i in range(6):
        write(f"{i}.txt", f"Bericht {i} ist gut.")

    def interrupt(*_):
        raise KeyboardInterrupt

    with _cluster() as cluster, \
            Client(cluster):
        try:
            run_dask([str(write.folder)], tmp_path / "first", RunOptions(model="blank"),
                     cluster.scheduler_address, progress=interrupt)
        except KeyboardInterrupt as interrupted:  # kept, as a notebook keeps the last error
            kept = interrupted
        summary = run_dask([str(write.folder)], tmp_path / "second", RunOptions(model="blank"),
                           cluster.scheduler_address)
    assert kept is not None and summary.documents["ok"] == 6
    assert sorted(pipeline.read(tmp_path / "second").documents["doc_id"]) == [f"{i}.txt" for i in range(6)]


def test_dask_a_gzip_feed_with_a_corrupt_stream_is_an_error_row(write, tmp_path):
    data = bytearray(gzip.compress(b'{"id": "a", "text": "Eins."}\n' * 100, mtime=0))
    data[10] = 0xFF  # the deflate stream's first block: zlib.error, not OSError
    write("feed.jsonl.gz", bytes(data))
    write("b.txt", "Zwei ist gut.")
    summary = run_dask([str(write.folder)], tmp_path / "out", RunOptions(model="blank"), "local")
    assert summary.failed == 1 and summary.documents["ok"] == 1


def test_dask_a_resume_with_the_inputs_in_another_order_is_refused(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for folder, name in [(first, "1.txt"), (second, "2.txt")]:
        folder.mkdir()
        (folder / name).write_text(f"Bericht {name} ist gut.", encoding="utf-8")
    out = tmp_path / "out"
    run_dask([str(first)], out, RunOptions(model="blank"), "local")
    with pytest.raises(OutputExists, match="resume with the inputs of the run"):
        run_dask([str(second), str(first)], out, RunOptions(model="blank", resume=True), "local")
    again = run_dask([str(first), str(second)], out, RunOptions(model="blank", resume=True), "local")
    assert dict(again.documents) == {"ok": 1}  # a new input after them is welcome
    assert sorted(pipeline.read(out).documents["doc_id"]) == ["1.txt", "2.txt"]


@pytest.mark.parametrize("content, lines", [
    (b"", 0), (b"a\n", 1), (b"a\nb", 2), (b"a\n\nb\n", 3),
    ('{"text": "\u010a"}\n'.encode("utf-16"), 1),  # U+010A is the bytes 0A 01: no line break
])
def test_dask_partitions_count_lines_as_the_reader_numbers_them(tmp_path, content, lines):
    from pipeline.distributed import _record_lines
    from pipeline.ingest.sources import iter_sources

    (tmp_path / "f.jsonl").write_bytes(content)
    (source,) = iter_sources([str(tmp_path / "f.jsonl")])
    assert sum(n for _, n in _record_lines(source)) == lines


def test_dask_a_range_of_blank_lines_only_is_no_partition(tmp_path):
    """Lines 1-3 and 5,004 hold records, the 5,000 lines between are blank: with ranges of
    1,000 lines, two partitions, and no ``empty`` "no records" row that a local run of the
    file does not have (each blank range gave one, named after the file)."""
    from pipeline.ingest import ReadOptions, read_source

    record = json.dumps({"text": "Berlin (dpa) - Ein Satz."}) + "\n"
    path = tmp_path / "f.jsonl"
    path.write_text(record * 3 + "\n" * 5000 + record, encoding="utf-8")
    parts = partitions([str(path)], lines_per_partition=1000)
    assert [p.source.lines for p in parts] == [(1, 1000), (5001, 6000)]
    docs = [r.doc_id for p in parts for r in read_source(p.source, ReadOptions())]
    local = [r.doc_id for r in read_source(replace(parts[0].source, lines=None), ReadOptions())]
    assert docs == local == ["f.jsonl:1", "f.jsonl:2", "f.jsonl:3", "f.jsonl:5004"]


def test_dask_a_file_of_blank_lines_only_is_one_partition_and_one_empty_row(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_text("\n" * 5000, encoding="utf-8")
    (part,) = partitions([str(path)], lines_per_partition=1000)
    from pipeline.ingest import ReadOptions, read_source

    assert [(r.doc_id, r.status) for r in read_source(part.source, ReadOptions())] == [("f.jsonl", "empty")]
