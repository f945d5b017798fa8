"""The ``meldung`` command: one module per command, merged into one typer app."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from .. import __version__
from . import evaluate, run, show

app = typer.Typer(
    name="meldung",
    help="German news agency reports in, tables of people, places, organisations, "
    "numbers, dates, quotes and events out.",
    rich_markup_mode="rich",
    no_args_is_help=True,
    add_completion=False,
    epilog="Example: [bold]meldung run corpus/ --out out/[/bold]   then   "
    "[bold]python -c \"import pandas as pd; print(pd.read_parquet('out/quotes'))\"[/bold]",
)
app.add_typer(run.app)
app.add_typer(show.app)
app.add_typer(evaluate.app, name="evaluate")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"meldung {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Print the version and exit.")] = None,
) -> None:
    """German news agency reports in, structured tables out."""


def main() -> None:
    app()
