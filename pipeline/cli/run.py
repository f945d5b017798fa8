"""``meldung run``: analyse reports and write the tables."""

from __future__ import annotations

import logging
import signal
import sys
from contextlib import contextmanager
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, List, Optional

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer()
err = Console(stderr=True)
log = logging.getLogger("meldung")


class Format(str, Enum):
    parquet = "parquet"
    csv = "csv"
    jsonl = "jsonl"
    duckdb = "duckdb"


EXAMPLES = """
Examples:

  meldung run corpus/ --out out/     # every report below corpus/, Parquet
  meldung run feed.jsonl.gz --out out/ --format duckdb
  meldung run export.csv --text-field body --id-field guid --out out/
  cat report.txt | meldung run - --date 2023-05-23 --out out/

Exit codes: 0 all documents analysed (empty ones included); 1 some
documents failed (see the errors table); 2 bad arguments (missing input,
output folder not writable or already used); 130 stopped by Ctrl-C, 143
by SIGTERM: the documents analysed so far are written, and the same
command with --resume does the rest.
"""


@app.command(epilog=EXAMPLES)
def run(
    inputs: Annotated[List[str], typer.Argument(
        help="Files, folders (read recursively), globs, .gz files, or - for standard input.",
        show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder: one sub-folder per table.",
                                      show_default=False)],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Table format.")] = Format.parquet,
    published: Annotated[Optional[datetime], typer.Option(
        "--date", formats=["%Y-%m-%d"],
        help="Publication date (YYYY-MM-DD) for documents whose input gives none; "
        "relative dates ('am Freitag') are resolved against it.")] = None,
    model: Annotated[Optional[str], typer.Option(
        help="spaCy model: a package name (de_core_news_sm), a pipeline folder, or 'blank'. "
        "Default: the bundled model in models/de_meldung.")] = None,
    n_process: Annotated[int, typer.Option(min=1, help="Processes for the NLP pipeline.")] = 1,
    batch_size: Annotated[int, typer.Option(min=1, help="Documents per nlp.pipe batch.")] = 64,
    batch_chars: Annotated[int, typer.Option(
        min=1, help="Characters of text per nlp.pipe batch at most (keeps peak memory flat "
        "when long and short reports mix; one longer report is a batch alone).")] = 60_000,
    part_size: Annotated[int, typer.Option(
        min=1, help="Documents per written part file (the unit --resume keeps).")] = 500,
    resume: Annotated[bool, typer.Option(
        help="Continue a run in --out that was stopped: finished documents are skipped.")] = False,
    overwrite: Annotated[bool, typer.Option(help="Replace the tables of an earlier run in --out.")] = False,
    scheduler: Annotated[Optional[str], typer.Option(
        help="Run on Dask: 'local' (a LocalCluster of --n-process workers, at least 2) or "
        "tcp://HOST:PORT of a running cluster. Inputs are split by file and JSON Lines line ranges.")] = None,
    id_field: Annotated[str, typer.Option(help="JSON Lines/CSV field with the document id.",
                                          rich_help_panel="Input fields")] = "id",
    text_field: Annotated[str, typer.Option(help="JSON Lines/CSV field with the text.",
                                            rich_help_panel="Input fields")] = "text",
    headline_field: Annotated[str, typer.Option(help="Field with the headline.",
                                                rich_help_panel="Input fields")] = "headline",
    published_field: Annotated[str, typer.Option(help="Field with the publication date.",
                                                 rich_help_panel="Input fields")] = "published",
    agency_field: Annotated[str, typer.Option(help="Field with the agency.",
                                              rich_help_panel="Input fields")] = "agency",
    url_field: Annotated[str, typer.Option(help="Field with the URL.",
                                           rich_help_panel="Input fields")] = "url",
    max_chars: Annotated[int, typer.Option(
        min=1, help="Longest document analysed, in characters; longer ones become error rows.",
        rich_help_panel="Limits")] = 1_000_000,
    max_bytes: Annotated[int, typer.Option(
        min=1, help="Largest input file read (decompressed), in bytes; larger ones become error rows. "
        "JSON Lines files are streamed and not limited by this.",
        rich_help_panel="Limits")] = 64 * 1024 * 1024,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no summary.")] = False,
) -> None:
    """Analyse German agency reports and write the tables (documents, mentions, people,
    places, organisations, numbers, dates, quotes, events, errors) to --out."""
    from ..ingest import Fields, InputNotFound, ReadOptions, check_inputs
    from ..nlp import ModelNotFound
    from ..run import RunOptions, run as run_all
    from ..tables.writers import OutputExists

    if scheduler and scheduler != "local" and not scheduler.startswith(("tcp://", "tls://")):
        _fail("--scheduler takes 'local' or tcp://HOST:PORT")
    if scheduler and "-" in inputs:
        _fail("standard input (-) cannot be distributed with --scheduler; give files")
    try:
        check_inputs(inputs)
    except InputNotFound as error:
        _fail(str(error))
    fields = Fields(id=id_field, text=text_field, headline=headline_field, published=published_field,
                    agency=agency_field, url=url_field)
    options = RunOptions(
        fmt=fmt.value, model=model, published=published.date() if published else None,
        n_process=n_process, batch_size=batch_size, batch_chars=batch_chars, part_size=part_size, resume=resume,
        overwrite=overwrite, read=ReadOptions(fields=fields, max_chars=max_chars, max_bytes=max_bytes),
    )
    if scheduler:
        from functools import partial

        from ..distributed import run_dask

        run_all = partial(_dask_run, run_dask, scheduler=scheduler)
    try:
        with _stopped_by_signals():
            summary = _run_with_progress(run_all, inputs, out, options, quiet=quiet)
    except _Stopped as stop:
        _say_stopped(out, stop.code)
    except OutputExists as error:
        _fail(str(error))
    except ModelNotFound as error:
        _fail(str(error))
    except PermissionError as error:
        _fail(f"cannot write to {out}: {error.strerror or error}")
    except (FileExistsError, NotADirectoryError) as error:
        _fail(f"cannot use {out} as output folder: {error}")
    if not quiet:
        _print_summary(summary, out)
    # (a resumed run answers for the whole run: its earlier parts' failures too)
    raise typer.Exit(code=1 if summary.failed or summary.earlier.get("error") else 0)


def _dask_run(run_dask, inputs, out, options, progress=None, *, scheduler: str):
    return run_dask(inputs, out, options, scheduler, progress=progress)


class _Stopped(KeyboardInterrupt):
    """The run was stopped by Ctrl-C (SIGINT) or SIGTERM; ``code`` is the shell's exit
    status for it (128 + the signal's number)."""

    def __init__(self, code: int) -> None:
        super().__init__()
        self.code = code


@contextmanager
def _stopped_by_signals():
    """Turn Ctrl-C and SIGTERM (``kill``, ``timeout``, a batch system ending a job) into
    :class:`_Stopped`, so that the run writes what it has analysed and says how to go
    on. A run used to end in silence on Ctrl-C, and SIGTERM killed it on the spot."""
    def stop(signum, frame):
        raise _Stopped(128 + signum)

    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # (a job started with nohup keeps ignoring)
            previous[signum] = signal.signal(signum, stop)
    try:
        yield
    except KeyboardInterrupt as interrupt:  # (raised where our handler was not yet in place)
        if isinstance(interrupt, _Stopped):
            raise
        raise _Stopped(128 + signal.SIGINT) from None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _say_stopped(out: Path, code: int) -> None:
    from ..tables.writers import committed_documents

    kept = committed_documents(out)
    err.print(f"[bold yellow]stopped:[/bold yellow] {kept:,} documents are written to {out}; "
              f"run the same command with --resume to analyse the rest", highlight=False)
    raise typer.Exit(code=code)


def _fail(message: str) -> None:
    err.print(f"[bold red]error:[/bold red] {message}", highlight=False)
    raise typer.Exit(code=2)


def _run_with_progress(run_all, inputs, out, options, *, quiet: bool):
    if quiet:
        return run_all(inputs, out, options)
    if err.is_terminal:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"),
                      TextColumn("{task.completed} documents"), TextColumn("{task.fields[wps]} words/s"),
                      TextColumn("[red]{task.fields[failed]} failed"), TimeElapsedColumn(),
                      console=err, transient=True) as bar:
            task = bar.add_task("analysing", total=None, wps="-", failed=0)
            clock = {}

            def progress(docs: int, words: int, failed: int) -> None:
                import time

                start = clock.setdefault("t", time.perf_counter())
                elapsed = max(time.perf_counter() - start, 1e-6)
                bar.update(task, completed=docs, wps=f"{words / elapsed:,.0f}", failed=failed)

            return run_all(inputs, out, options, progress=progress)

    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s meldung %(message)s")

    def progress(docs: int, words: int, failed: int) -> None:
        if docs % 1000 == 0:
            log.info("documents=%d words=%d failed=%d", docs, words, failed)

    return run_all(inputs, out, options, progress=progress)


def _print_summary(summary, out: Path) -> None:
    docs = summary.documents
    table = Table(title=f"meldung: tables written to {out}", show_header=True)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, n in summary.rows.items():
        table.add_row(name, f"{n:,}")
    console = Console(stderr=False)
    console.print(table)
    line = (f"documents: {docs.get('ok', 0)} ok, {docs.get('empty', 0)} empty, {docs.get('error', 0)} failed"
            + (f", {summary.skipped} already done (resumed; {summary.earlier.get('error', 0)} of the "
               f"run's documents failed before)" if summary.skipped else "")
            + (f"; {summary.apart} that the stopped run was analysing analysed in a process of their own"
               if summary.apart else "")
            + f"; {summary.words:,} words in {summary.seconds:.1f} s ({summary.words_per_second:,.0f} words/s)")
    console.print(line, highlight=False)
