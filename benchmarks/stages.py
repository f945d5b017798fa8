"""Where the time of a full `meldung run` goes: CPU seconds by stage.

    python benchmarks/stages.py REPORTS.jsonl      # prints one JSON object

One ordinary run (``pipeline.run.run``, one process, the bundled model unless ``--model``)
with a clock around each stage: reading the input, making the Docs, every pipeline
component on its own (the model's and meldung's), turning Docs into rows, writing the part
files, linking people at the end. ``benchmarks/run.py`` calls it for its table of stages;
(c) vs (b) there is wall time, this is where it comes from.

The components are timed through a wrapper put in the pipeline's place. spaCy chains the
components as generators (a component pulls its Docs from the one before), so a wrapper
counts only the time between asking its component for a Doc and getting it, minus the time
that component spent pulling from upstream.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, Iterator

clock = time.process_time
SECONDS: Counter = Counter()


class TimedComponent:
    """A pipeline component with a clock: every attribute is the component's own, and its
    Docs come through :meth:`pipe` (spaCy's own per-Doc loop for a component without one)."""

    def __init__(self, name: str, component: Callable, nlp) -> None:
        self.name, self.component, self.nlp = name, component, nlp

    def __getattr__(self, attribute: str):
        return getattr(self.component, attribute)

    def __call__(self, doc, **kwargs):
        start = clock()
        try:
            return self.component(doc, **kwargs)
        finally:
            SECONDS[self.name] += clock() - start

    def pipe(self, docs: Iterable, **kwargs) -> Iterator:
        from spacy.util import _pipe  # the loop Language.pipe runs a component with

        upstream = [0.0]

        def pulled() -> Iterator:
            stream = iter(docs)
            while True:
                start = clock()
                try:
                    doc = next(stream)
                except StopIteration:
                    upstream[0] += clock() - start
                    return
                upstream[0] += clock() - start
                yield doc

        inner = _pipe(pulled(), self.component, self.name, self.nlp.default_error_handler, kwargs)
        while True:
            start, before = clock(), upstream[0]
            try:
                doc = next(inner)
            except StopIteration:
                SECONDS[self.name] += clock() - start - (upstream[0] - before)
                return
            SECONDS[self.name] += clock() - start - (upstream[0] - before)
            yield doc


def timed_function(owner, attribute: str, stage: str) -> None:
    """Put a clock around ``owner.attribute`` (a function the run calls by that name)."""
    function = getattr(owner, attribute)

    def timed(*args, **kwargs):
        start = clock()
        try:
            return function(*args, **kwargs)
        finally:
            SECONDS[stage] += clock() - start

    setattr(owner, attribute, timed)


def timed_generator(owner, attribute: str, stage: str) -> None:
    """Put a clock around each step of the generator ``owner.attribute`` returns."""
    function = getattr(owner, attribute)

    def timed(*args, **kwargs):
        items = function(*args, **kwargs)
        while True:
            start = clock()
            try:
                item = next(items)
            except StopIteration:
                SECONDS[stage] += clock() - start
                return
            SECONDS[stage] += clock() - start
            yield item

    setattr(owner, attribute, timed)


def measure(path: Path, model: str | None) -> dict:
    import pipeline.run as run_module
    from pipeline.nlp import load
    from pipeline.run import RunOptions, run
    from pipeline.tables.writers import DatasetWriter

    nlp = load(model)
    # the pipeline's (name, component) list; Language has no public way to swap a
    # component object for another without a factory
    nlp._components = [(name, TimedComponent(name, component, nlp)) for name, component in nlp._components]
    timed_generator(run_module, "iter_reports", "read input")
    timed_function(run_module, "make_doc", "make Docs")
    timed_function(run_module, "checked_rows", "rows")
    timed_function(DatasetWriter, "write_part", "write parts")
    timed_function(run_module, "link_people_parts", "link people")
    with tempfile.TemporaryDirectory() as out:
        start = clock()
        summary = run([str(path)], Path(out) / "out", RunOptions(overwrite=True), nlp=nlp)
        total = clock() - start
    return {"documents": sum(summary.documents.values()), "words": summary.words, "total": total,
            "model": [name for name in nlp.pipe_names if not name.startswith("meldung_")],
            "seconds": dict(SECONDS)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("reports", type=Path, help="a JSON Lines file of reports")
    parser.add_argument("--model", default=None, help="model name or folder (default: the bundled one)")
    args = parser.parse_args()
    print(json.dumps(measure(args.reports, args.model)))


if __name__ == "__main__":
    main()
