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


def _fmt(value) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def _print(title: str, scores: dict, as_json: bool) -> None:
    """Scores as indented lines; a dict of plain values prints on one line."""
    if as_json:
        typer.echo(json.dumps(scores, ensure_ascii=False, indent=2, default=str))
        return
    console.print(f"[bold]{title}[/bold]", highlight=False)

    def show(key, value, depth: int) -> None:
        pad = "  " * depth
        if isinstance(value, dict) and all(not isinstance(v, (dict, list)) for v in value.values()):
            console.print(f"{pad}{key:<18} " + "  ".join(f"{k} {_fmt(v)}" for k, v in value.items()),
                          highlight=False, soft_wrap=True)
        elif isinstance(value, dict):
            console.print(f"{pad}{key}:", highlight=False)
            for k, v in value.items():
                show(k, v, depth + 1)
        else:
            console.print(f"{pad}{key:<18} {_fmt(value)}", highlight=False, soft_wrap=True)

    for key, value in scores.items():
        show(key, value, 1)


def _load(model: Optional[str], *, full_pipe: Optional[str] = None):
    """The model with the run's tokenizer; with ``full_pipe``, meldung's whole pipeline
    (as ``meldung run`` uses it) with that pipe added if missing."""
    from ..components.tokenizer import customize_tokenizer
    from ..nlp import ModelNotFound, load, load_base

    try:
        if full_pipe is None:
            return customize_tokenizer(load_base(model))  # evaluators add their own pipes
        nlp = load(model)
        if full_pipe not in nlp.pipe_names:
            nlp.add_pipe(full_pipe)
        return nlp
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
def ud(data: DataOpt, model: ModelOpt = None, limit: LimitOpt = None, as_json: JsonOpt = False,
       rules: Annotated[bool, typer.Option(
           "--rules/--no-rules",
           help="The bundled model's morphology conventions, lemma check and noun phrase agreement, "
                "as `meldung run` uses them.")] = True,
       ) -> None:
    """Tagging, morphology, lemmas and parse against a UD CoNLL-U file (gold tokens).

    Example: meldung evaluate ud --data ../shared/corpora/ud/UD_German-GSD/de_gsd-ud-test.conllu
    """
    from ..nlp import add_token_rules

    nlp = _load(model)
    if rules:
        add_token_rules(nlp)
    scores = _task("ud", "evaluate_ud")(nlp, data, limit=limit)
    _print(f"UD evaluation on {data.name}", scores, as_json)


@app.command("ner")
def ner(data: DataOpt, model: ModelOpt = None, limit: LimitOpt = None, as_json: JsonOpt = False,
        rules: Annotated[bool, typer.Option(
            "--rules/--no-rules",
            help="The bundled model's gazetteer and entity filter, as `meldung run` uses them.")] = True,
        ) -> None:
    """Named entities (PER/LOC/ORG/MISC, exact span, micro P/R/F1) against GermEval TSV or CoNLL.

    Example: meldung evaluate ner --data ../shared/corpora/ner/GermEval2014/NER-de-test.tsv
    """
    from ..nlp import add_entity_rules

    nlp = _load(model)
    if rules:
        add_entity_rules(nlp)
    scores = _task("ner", "evaluate_ner")(nlp, data, limit=limit)
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


@app.command("quotes")
def quotes(data: DataOpt, model: ModelOpt = None, limit: LimitOpt = None, as_json: JsonOpt = False,
           top: Annotated[bool, typer.Option(help="Score against top-level gold quotations only.")] = False) -> None:
    """Quotes: token-overlap P/R/F1 of message, speaker and cue, overall and per type
    (GermEval 2023 SpkAtt style) on the German news quotation attribution data.

    Example: meldung evaluate quotes --data ../shared/corpora/quotes/german-news-quotation-attribution/dev.jsonl.gz
    """
    from ..components import quotes as _  # noqa: F401 - registers the factory

    scores = _task("quotes", "evaluate_quotes")(_load(model, full_pipe="meldung_quotes"), data, limit=limit, top=top)
    _print(f"Quotes evaluation on {data.name}", scores, as_json)


@app.command("entities")
def entities(data: DataOpt, model: ModelOpt = None, limit: LimitOpt = None, as_json: JsonOpt = False,
             gold_mentions: Annotated[bool, typer.Option(help="Feed the gold mentions instead of the NER's "
                                                               "(measures the resolution alone).")] = False) -> None:
    """People (canonical), roles, places (+ country), organisations and demonyms against
    corpus/_gold/entities.jsonl; with a GermEval TSV: gold mentions that end up in the right table row.

    Example: meldung evaluate entities --data corpus/_gold/entities.jsonl
    """
    nlp = _load(model, full_pipe="meldung_entities")
    if data.suffix == ".tsv":
        scores = _task("entities", "evaluate_germeval")(nlp, data, limit=limit)
    else:
        scores = _task("entities", "evaluate_entities")(nlp, data, limit=limit,
                                                        gold_mentions=True if gold_mentions else None)
    _print(f"Entities evaluation on {data.name}", scores, as_json)


@app.command("events")
def events(data: Annotated[Path, typer.Option("--data", exists=True, help="Gold JSON Lines or a DFKI corpus.")],
           model: ModelOpt = None, limit: LimitOpt = None, as_json: JsonOpt = False) -> None:
    """Events: precision/recall (type + sentence) and role accuracy on corpus/_gold/events.jsonl,
    or trigger detection on SmartData/MobIE event annotations.

    Example: meldung evaluate events --data corpus/_gold/events.jsonl
    """
    from ..components import events as _  # noqa: F401 - registers the factory

    scores = _task("events", "evaluate_events")(_load(model, full_pipe="meldung_events"), data, limit=limit)
    _print(f"Events evaluation on {data.name}", scores, as_json)
