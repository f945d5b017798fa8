"""A Dask worker that dies in the middle of a partition: Dask runs the partition again
on another worker; a partition that kills every worker it is given becomes one error
row, and the other partitions' rows are all there."""

import os
import sys
from pathlib import Path

import cloudpickle
import pytest
from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

import pipeline
from pipeline.distributed import partitions, run_dask
from pipeline.run import RunOptions

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
                                 "documents", [], fmt)
                os._exit(1)
            return analyse_partition(partition, part_root, fmt, *args)

        process_partition.dies_on_sterben = True
        distributed.process_partition = process_partition


def _run_on_a_cluster(folder: Path, out: Path, plugin: DiesOnSterben):
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
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
        dead = next(p.name for p in partitions([str(write.folder)]) if "sterben" in p.source.name)
        written = {f.name.lstrip(".").split(".")[0] for f in (tmp_path / "out").glob("*/*part-*")}
        assert f"part-{dead}" not in written and len(written) == 4 + 1  # 4 partitions, the errors row
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
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.register_plugin(DiesOnSterben(str(tmp_path / "died"), every_time=False))
        monkeypatch.setattr("dask.distributed.Client", None)  # no second Client made
        summary = run_dask([str(write.folder)], tmp_path / "out", RunOptions(model="blank"),
                           cluster.scheduler_address)
        assert client.status == "running"  # the notebook's client is still its own
    assert summary.failed == 0 and summary.documents["ok"] == 5
