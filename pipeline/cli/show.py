"""``meldung show`` and ``meldung report``: HTML a person can read."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

app = typer.Typer()
err = Console(stderr=True)


def _fail(message: str) -> None:
    err.print(f"[bold red]error:[/bold red] {message}", highlight=False)
    raise typer.Exit(code=2)


def _write(html_text: str, out: Optional[Path]) -> None:
    if out is None:
        typer.echo(html_text)
        return
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(html_text, encoding="utf-8")
    tmp.replace(out)
    err.print(f"wrote {out}")


@app.command(epilog="Example: meldung show corpus/txt/dpa-scholz-macron.txt --out scholz.html")
def show(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="One input file (any format).")],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="HTML file to write (default: stdout).")] = None,
    doc_id: Annotated[Optional[str], typer.Option(help="Which document of a JSON Lines/CSV file.")] = None,
    published: Annotated[Optional[str], typer.Option("--date", help="Publication date YYYY-MM-DD if the input has none.")] = None,
    model: Annotated[Optional[str], typer.Option(help="Model name or folder (default: bundled).")] = None,
) -> None:
    """One document as a self-contained HTML page with entities, quotes, numbers,
    dates and events marked, and their tables below."""
    from ..api import analyze
    from ..nlp import ModelNotFound
    from ..render import document_html

    try:
        tables = analyze([file], published=published, model=model)
        page = document_html(tables, doc_id)
    except ModelNotFound as error:
        _fail(str(error))
    except (KeyError, ValueError) as error:
        _fail(str(error).strip("'\""))
    _write(page, out)


@app.command(epilog="Example: meldung report out/ --html report.html")
def report(
    run_dir: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="Output folder of `meldung run`.")],
    html_out: Annotated[Path, typer.Option("--html", help="HTML file to write.")] = Path("report.html"),
) -> None:
    """An overview of a run as HTML: documents, top people, places and speakers,
    quotes per speaker, events per type, errors."""
    from ..api import read
    from ..render import report_html

    try:
        tables = read(run_dir)
    except FileNotFoundError as error:
        _fail(str(error))
    _write(report_html(tables), html_out)
