"""``meldung evaluate TASK``: scores against gold data; each task a thin command
over a plain function in :mod:`pipeline.evaluate` that returns a dict."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

app = typer.Typer(help="Score meldung against gold data (ud, ner, ...).", no_args_is_help=True)
console = Console()


def _print(title: str, scores: dict, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(scores, ensure_ascii=False, indent=2, default=str))
        return
    console.print(f"[bold]{title}[/bold]")
    for key, value in scores.items():
        if isinstance(value, dict):
            console.print(f"  {key}:")
            for k, v in value.items():
                console.print(f"    {k:<14} {v:.4f}" if isinstance(v, float) else f"    {k:<14} {v}")
        else:
            console.print(f"  {key:<16} {value:.4f}" if isinstance(value, float) else f"  {key:<16} {value}")


def _load(model: Optional[str]):
    from ..components.tokenizer import customize_tokenizer
    from ..nlp import ModelNotFound, load_base

    try:
        return customize_tokenizer(load_base(model))  # the run's tokenizer; evaluators add their pipes
    except ModelNotFound as error:
        Console(stderr=True).print(f"[bold red]error:[/bold red] {error}")
        raise typer.Exit(code=2)


def _task(module: str, function: str):
    try:
        return getattr(importlib.import_module(f"pipeline.evaluate.{module}"), function)
    except (ImportError, AttributeError):
        Console(stderr=True).print(f"[bold red]error:[/bold red] evaluation '{module}' is not available")
        raise typer.Exit(code=2)


DataOpt = Annotated[Path, typer.Option("--data", exists=True, dir_okay=False, help="Gold file.")]
ModelOpt = Annotated[Optional[str], typer.Option(help="Model name or folder (default: bundled).")]
LimitOpt = Annotated[Optional[int], typer.Option(help="Score only the first N sentences/documents.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")]


@app.command("ud")
def ud(data: DataOpt, model: ModelOpt = None, limit: LimitOpt = None, as_json: JsonOpt = False) -> None:
    """Tagging, morphology, lemmas and parse against a UD CoNLL-U file (gold tokens).

    Example: meldung evaluate ud --data ../shared/corpora/ud/UD_German-GSD/de_gsd-ud-test.conllu
    """
    scores = _task("ud", "evaluate_ud")(_load(model), data, limit=limit)
    _print(f"UD evaluation on {data.name}", scores, as_json)


@app.command("ner")
def ner(data: DataOpt, model: ModelOpt = None, limit: LimitOpt = None, as_json: JsonOpt = False) -> None:
    """Named entities (PER/LOC/ORG/MISC, exact span, micro P/R/F1) against GermEval TSV or CoNLL.

    Example: meldung evaluate ner --data ../shared/corpora/ner/GermEval2014/NER-de-test.tsv
    """
    scores = _task("ner", "evaluate_ner")(_load(model), data, limit=limit)
    _print(f"NER evaluation on {data.name}", scores, as_json)


@app.command("dates")
def dates(data: Annotated[Path, typer.Option("--data", exists=True, help="WikiWarsDE folder (TIMEX2 gold).")],
          model: ModelOpt = None, limit: LimitOpt = None, as_json: JsonOpt = False) -> None:
    """Time expressions: extraction P/R/F1 (strict and overlap) and value accuracy on WikiWarsDE.

    Example: meldung evaluate dates --data ../shared/corpora/time/WikiWarsDE
    """
    scores = _task("dates", "evaluate_dates")(_load(model), data, limit=limit)
    _print(f"Dates evaluation on {data.name}", scores, as_json)


@app.command("numbers")
def numbers(data: Annotated[Path, typer.Option("--data", exists=True,
                                               help="Gold list (JSON Lines) or a DFKI corpus folder/file.")],
            model: ModelOpt = None, limit: LimitOpt = None, as_json: JsonOpt = False) -> None:
    """Numbers: value accuracy on a gold list, or detection P/R/F1 on SmartData/MobIE annotations.

    Example: meldung evaluate numbers --data corpus/_gold/numbers.jsonl
    """
    scores = _task("numbers", "evaluate_numbers")(_load(model), data, limit=limit)
    _print(f"Numbers evaluation on {data.name}", scores, as_json)
