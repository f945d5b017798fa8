"""Running on Dask: one task per input partition, the model loaded once per worker.

Inputs are partitioned by file, and large JSON Lines files by line ranges. Each
task reads its partition, analyses it and writes its own part files (atomically)
straight into the output folder, which must therefore be on a file system every
worker sees (a local disk for ``--scheduler local``; a shared mount for a real
cluster). A doc_id repeated within a partition gets a suffix ("x#2") as in a local
run; one repeated in another partition does not (no task sees the others' ids), so in
a Dask run ``doc_id`` is unique only if the input's ids are. The driver records each
finished part in the manifest, so ``--resume`` works as in a local run. A task that
raises is retried by Dask; one whose worker dies (killed, out of memory) is run on
another worker, up to Dask's ``distributed.scheduler.allowed-failures`` (3) times; a
partition that still fails is recorded in the errors table and the run goes on.

Start a cluster with ``dask scheduler`` on one machine and ``dask worker
tcp://HOST:8786`` on each worker (with meldung installed), then
``meldung run ... --scheduler tcp://HOST:8786``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
import uuid
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

from .ingest import ReadOptions, read_source
from .ingest.readers import READ_ERRORS, BlankLines, jsonl_line_runs
from .ingest.sources import DEFAULT_MAX_BYTES, Source, iter_sources
from .run import RunOptions, RunSummary, analyse, checked_rows, link_people_parts, unique_reports
from .tables import schema
from .tables.writers import DatasetWriter, OutputExists, write_part_files

#: A JSON Lines file is split into partitions of this many lines.
LINES_PER_PARTITION = 2000
RETRIES = 2


@dataclass(frozen=True)
class Partition:
    source: Source
    origin: int = 0  # which input argument the file was found under

    @property
    def name(self) -> str:
        """A part name that is the same for the same partition in every run (for --resume),
        and, with the same arguments, after the input folder moved. The input argument's
        number tells a/x.txt from b/x.txt (``run a b``: both named x.txt below their input;
        with one name they were one part, and a document was lost)."""
        key = f"{self.source.name}|{self.source.lines}"
        if self.origin:
            key = f"{self.origin}|{key}"
        return "d" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _record_lines(source: Source, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[tuple[bool, int]]:
    """``(False, n)`` for n blank lines in a row, ``(True, 1)`` for any other line of
    ``source``, split and numbered by the reader's own
    :func:`~pipeline.ingest.readers.jsonl_line_runs` (``for line in handle`` held a line
    without a newline whole, however long, and a UTF-16 file's lines split as bytes were
    not the reader's lines)."""
    with source.open() as handle, contextlib.closing(jsonl_line_runs(handle, max_bytes)) as runs:
        for item in runs:
            yield (False, item.count) if isinstance(item, BlankLines) else (True, 1)


def _ranges_with_records(source: Source, lines_per_partition: int, max_bytes: int) -> list[int]:
    """The first lines of the ranges of ``lines_per_partition`` lines that hold a line
    that is not blank (a record, or a line the reader reports as an error); at least the
    first. A range of blank lines only is no partition: 200 MB of newlines gzipped made
    100,000 of them, each read from the start of the file, and each gave the documents
    table an ``empty`` row "no records" that a local run of the same file does not have."""
    starts, line = [], 0
    for record, n in _record_lines(source, max_bytes):
        line += n
        if record:
            first = (line - 1) // lines_per_partition * lines_per_partition + 1
            if not starts or starts[-1] != first:
                starts.append(first)
    return starts or [1]


def partitions(inputs: Iterable[str], lines_per_partition: int = LINES_PER_PARTITION,
               max_bytes: int = DEFAULT_MAX_BYTES) -> list[Partition]:
    """The inputs as partitions: a file each, large JSON Lines files in line ranges
    (lines as the reader with ``max_bytes``, --max-bytes, numbers them)."""
    parts = []
    for origin, item in enumerate(inputs):
        parts += _partitions(item, origin, lines_per_partition, max_bytes)
    return parts


def _partitions(item: str, origin: int, lines_per_partition: int, max_bytes: int) -> list[Partition]:
    parts = []
    for source in iter_sources([item]):
        if source.path is None:
            raise ValueError("standard input (-) cannot be distributed; give files")
        if source.suffix in (".jsonl", ".ndjson", ".json"):
            try:
                starts = _ranges_with_records(source, lines_per_partition, max_bytes)
            except (*READ_ERRORS, ValueError):  # a broken .gz, say: one
                parts.append(Partition(source, origin))  # partition, whose reader reports it
                continue
            for first in starts:
                parts.append(Partition(replace(source, lines=(first, first + lines_per_partition - 1)), origin))
        else:
            parts.append(Partition(source, origin))
    return parts


_MODELS: dict = {}


def _worker_nlp(model: str | None):
    """One pipeline per worker process, loaded on its first task."""
    from .nlp import load

    if model not in _MODELS:
        _MODELS[model] = load(model)
    return _MODELS[model]


def process_partition(partition: Partition, part_root: str, fmt: str, model: str | None,
                      published: date | None, read: ReadOptions) -> dict:
    """A Dask task: analyse one partition and write its part files; return the manifest
    entry. (A resume goes by partition, not by doc_id: ids repeat across partitions.)"""
    nlp = _worker_nlp(model)
    tables: dict[str, list[dict]] = {name: [] for name in schema.TABLE_NAMES}
    doc_ids: list[str] = []
    status: Counter = Counter()
    words = 0
    # repeated doc_ids get their suffixes as in a local run ("x", "x#2"), within the partition
    reports = unique_reports(read_source(partition.source, read), set(), RunSummary(), published)
    for report, doc in analyse(nlp, reports):
        for table, rows in checked_rows(report, doc).items():
            tables[table].extend(rows)
        doc_ids.append(report.doc_id)
        status[report.status] += 1
        words += len(doc) if doc is not None else 0
    counts = write_part_files(Path(part_root), fmt, partition.name, tables)
    return {"part": partition.name, "doc_ids": doc_ids, "rows": counts, "status": dict(status),
            "words": words}


def _client(scheduler: str, n_workers: int):
    """(client, cluster to close or None, whether the client is ours to close)."""
    from dask.distributed import Client, LocalCluster

    if scheduler == "local":
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        return Client(cluster), cluster, True
    own = _default_client_of(scheduler)
    if own is not None:
        return own, None, False
    return Client(scheduler), None, True


def _default_client_of(scheduler: str):
    """The caller's default Client when it talks to ``scheduler`` (a notebook's), else None.

    A second Client of the same scheduler in one process broke when a worker died: the
    results of the partitions that worker held were computed again, and waiting for them
    raised "RuntimeError: <asyncio.locks.Event ...> is bound to a different event loop"
    (in one of two runs of tests/cli/test_dask_workers.py). One Client per process, the
    caller's, avoids that."""
    from dask.distributed import default_client

    try:
        client = default_client()
    except ValueError:  # no Client in this process
        return None
    address = getattr(client.scheduler, "address", None)
    return client if client.status == "running" and address == scheduler else None


def _failure_message(error: BaseException) -> str:
    """The errors row of a partition Dask gave up on. A task that raised was run
    :data:`RETRIES` more times; one whose workers died (Dask's ``KilledWorker``) was given
    to another worker as often as the scheduler's ``distributed.scheduler.allowed-failures``
    allows (3 by default): Dask's ``retries`` count only raised errors."""
    if type(error).__name__ == "KilledWorker":
        last = getattr(getattr(error, "last_worker", None), "address", "?")
        return (f"{getattr(error, 'allowed_failures', 0) + 1} workers died running this partition "
                f"(the last: {last}; its log may tell why, out of memory often)")
    return f"worker failed after {RETRIES} retries: {error!r}"


def _give_up(writer: DatasetWriter, partition: Partition, error: BaseException) -> None:
    """Record a partition that failed for good as one errors row, in a part under the
    partition's own name: a --resume takes it for done (as a local run its error rows),
    and finds no part of a local run (a number) in the folder."""
    writer.discard_part(partition.name)  # what its dying worker had written of it
    lines = partition.source.lines
    errors = [{"doc_id": partition.source.name + (f":{lines[0]}-" if lines else ""),
               "source": partition.source.name, "stage": "worker", "message": _failure_message(error)}]
    counts = write_part_files(writer.part_root, writer.fmt, partition.name, {"errors": errors})
    writer.commit(partition.name, [], counts)


def run_dask(inputs: list[str], out: str | Path, options: RunOptions, scheduler: str,
             progress=None) -> RunSummary:
    """Like :func:`pipeline.run.run`, with the partitions spread over a Dask cluster."""
    from dask.distributed import as_completed

    started = time.perf_counter()
    writer = DatasetWriter(out, options.fmt, resume=options.resume, overwrite=options.overwrite)
    try:
        local = sorted(p for p in writer.committed_parts if not p.startswith("d"))
        if local:
            raise OutputExists(f"output folder {out} holds a run made without --scheduler (part {local[0]}); "
                               f"resume it without --scheduler")
        summary = RunSummary(earlier=Counter(writer.documents_before))
        every = partitions(inputs, max_bytes=options.read.max_bytes)
        # a part is named by its input's place among the inputs: with the inputs in another
        # order, or a new one before them, a resume named them anew and wrote their rows twice
        strange = sorted(writer.committed_parts - {p.name for p in every})
        if strange:
            raise OutputExists(f"output folder {out} holds parts of inputs this run does not have "
                               f"(part {strange[0]}); resume with the inputs of the run, in their order "
                               f"(new ones may come after them)")
        todo = [p for p in every if p.name not in writer.committed_parts]
        client, cluster, ours = _client(scheduler, max(options.n_process, 2))
        futures: list = []
        try:
            # a key of this run's own: a Client that outlives the run (a notebook's) hands an
            # existing future back for a key it holds, and a run interrupted before would
            # have lent its tasks, writing to its own folder, to this one
            run_key = uuid.uuid4().hex[:8]
            futures = [client.submit(process_partition, p, str(writer.part_root), options.fmt, options.model,
                                     options.published, options.read, key=f"meldung-{p.name}-{run_key}",
                                     retries=RETRIES, pure=False) for p in todo]
            by_key = {f.key: p for f, p in zip(futures, todo)}
            for future in as_completed(futures):
                partition = by_key[future.key]
                try:
                    # a result lost with the worker that held it (status "lost") is computed
                    # again first: only a partition that failed for good is given up on
                    result = future.result()
                except (Exception, asyncio.CancelledError) as error:  # noqa: BLE001
                    _give_up(writer, partition, error)
                    summary.documents["error"] += 1
                    continue
                writer.commit(result["part"], result["doc_ids"], result["rows"], {"status": result["status"]})
                summary.documents.update(result["status"])
                summary.words += result["words"]
                if progress:
                    progress(sum(summary.documents.values()), summary.words, summary.failed)
        finally:
            if ours:
                client.close()
            else:  # the caller's Client goes on: stop what this run left unfinished
                client.cancel(futures)
            if cluster is not None:
                cluster.close()
        link_people_parts(writer)
        writer.close()
    finally:
        writer.release()  # (a run that failed: the folder may be resumed at once)
    summary.rows = dict(writer.rows_written)
    summary.seconds = time.perf_counter() - started
    return summary
