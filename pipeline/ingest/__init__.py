"""Ingestion: input files in, :class:`Report` records out, one at a time.

>>> from pipeline.ingest import iter_reports
>>> reports = iter_reports(["corpus/"])          # doctest: +SKIP
"""

from __future__ import annotations

from typing import Iterable, Iterator

from .readers import READERS, DEFAULT_MAX_CHARS, Fields, ReadOptions, read_txt
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
            head = handle.read(512).lstrip()
    except OSError:
        return ".txt"
    if head.startswith(b"{"):
        return ".jsonl"
    if head.startswith(b"<"):
        return ".xml"
    return ".txt"


def read_source(source: Source, options: ReadOptions | None = None) -> Iterator[Report]:
    """All reports in one input file, by its format (ending, else content)."""
    options = options or ReadOptions()
    reader = READERS.get(source.suffix) or READERS[sniff_suffix(source)]
    yield from reader(source, options)


def read_stdin(options: ReadOptions) -> Iterator[Report]:
    """Standard input: JSON Lines if the first character is ``{``, XML/HTML if ``<``,
    else one plain-text report."""
    import io
    import sys
    import tempfile

    # stdin cannot be read twice, so spool it (to disk past 16 MB) and sniff the copy
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    spool.write(sys.stdin.buffer.read())
    spool.seek(0)
    head = spool.read(512).lstrip()
    spool.seek(0)
    suffix = ".jsonl" if head.startswith(b"{") else ".xml" if head.startswith(b"<") else ".txt"

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
        if source.path is None:
            yield from read_stdin(options)
        else:
            yield from read_source(source, options)
