"""Ingestion: input files in, :class:`Report` records out, one at a time.

>>> from pipeline.ingest import iter_reports
>>> reports = iter_reports(["corpus/"])          # doctest: +SKIP
"""

from __future__ import annotations

from typing import Iterable, Iterator

from .readers import READERS, READ_ERRORS, DEFAULT_MAX_CHARS, Fields, ReadOptions, read_txt
from .report import Block, Report
from .sources import InputNotFound, Source, check_inputs, iter_sources

__all__ = ["Block", "Fields", "InputNotFound", "ReadOptions", "Report", "Source",
           "check_inputs", "iter_reports", "read_source", "DEFAULT_MAX_CHARS"]


def sniff_suffix(source: Source) -> str:
    """The format of a file with an unknown ending (or stdin), from its first bytes."""
    if source.path is None and source.name == "stdin":
        return ".txt"  # stdin is read once; its format is guessed in read_stdin
    try:
        with source.open() as handle:
            head = handle.read(512)
    except READ_ERRORS:  # a cut-off or corrupt data.gz: the text reader makes it an error row
        return ".txt"
    return suffix_of(head)


def suffix_of(head: bytes) -> str:
    """``.jsonl`` if the first character of ``head`` (a file's first bytes) is ``{``,
    ``.xml`` if ``<``, else ``.txt``; the character read in JSON's encoding rule (UTF-8
    with or without a byte order mark, UTF-16, UTF-32): compared as bytes, a JSON Lines
    file in UTF-16 or with a BOM was read as one plain-text report."""
    import json

    text = head.decode(json.detect_encoding(head[:4]), errors="ignore").lstrip("\ufeff \t\r\n")
    return ".jsonl" if text.startswith("{") else ".xml" if text.startswith("<") else ".txt"


def read_source(source: Source, options: ReadOptions | None = None) -> Iterator[Report]:
    """All reports in one input file, by its format (ending, else content). (Guarded
    here too: a Dask worker reads its partition with this, not :func:`iter_reports`.)"""
    yield from _guarded(_read_source(source, options or ReadOptions()), source)


def _read_source(source: Source, options: ReadOptions) -> Iterator[Report]:
    if source.problem:
        yield Report.failed(source.name, source.name, "read", source.problem)
        return
    reader = READERS.get(source.suffix) or READERS[sniff_suffix(source)]
    yield from reader(source, options)


def read_stdin(options: ReadOptions) -> Iterator[Report]:
    """Standard input: JSON Lines if the first character is ``{``, XML/HTML if ``<``,
    else one plain-text report."""
    import io
    import shutil
    import sys
    import tempfile

    # stdin cannot be read twice, so spool it (to disk past 16 MB) and sniff the copy; a
    # megabyte at a time: read whole, 400 MB piped in took 1.23 GB of memory
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    shutil.copyfileobj(sys.stdin.buffer, spool, 1 << 20)
    spool.seek(0)
    suffix = suffix_of(spool.read(512))
    spool.seek(0)

    class _Spooled(Source):
        def open(self) -> io.BufferedIOBase:  # noqa: D401 - same contract as Source.open
            spool.seek(0)
            return _NoClose(spool)

    yield from READERS[suffix](_Spooled(None, "stdin" + suffix if suffix != ".txt" else "stdin"), options)


class _NoClose:
    def __init__(self, handle):
        self._h = handle

    def __getattr__(self, name):
        return getattr(self._h, name)

    def __iter__(self):
        return iter(self._h)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def iter_reports(inputs: Iterable[str], options: ReadOptions | None = None) -> Iterator[Report]:
    """Every report in ``inputs`` (files, folders, globs, ``-``), streamed in a stable order."""
    options = options or ReadOptions()
    for source in iter_sources(inputs):
        reports = read_stdin(options) if source.path is None else _read_source(source, options)
        yield from _guarded(reports, source)


def _guarded(reports: Iterator[Report], source: Source) -> Iterator[Report]:
    """``reports``, and for an exception no reader foresaw one error row for ``source``:
    the run goes on with the next input and keeps the reports already read from this one
    (a cut-off ``data.gz`` once ended the whole run with a traceback)."""
    try:
        yield from reports
    except Exception as err:  # noqa: BLE001 - whatever it is, it is this input's fault
        message = f"cannot read: {type(err).__name__}: {err}"[:300]
        yield Report.failed(source.name, source.name, "read", message)
