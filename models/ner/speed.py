"""Words per second of the NER model (+ meldung's gazetteer and filter) on one core.

    OMP_NUM_THREADS=1 python models/ner/speed.py MODEL_DIR [--layers]

Text: the GermEval 2014 test sentences joined with spaces (96.5k words), run
through ``nlp.pipe`` with batch size 256 and spaCy's own tokenizer, as in
BASELINES.md. Best of 3 runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import spacy

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import pipeline.components.entity_ruler  # noqa: E402,F401
from pipeline.evaluate.ner import read_gold  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model", type=Path)
    p.add_argument("--layers", action="store_true", help="add gazetteer and filter")
    p.add_argument("--data", type=Path,
                   default=Path("../shared/corpora/ner/GermEval2014/NER-de-test.tsv"))
    args = p.parse_args(argv)
    nlp = spacy.load(args.model)
    if args.layers:
        nlp.add_pipe("meldung_gazetteer")
        nlp.add_pipe("meldung_entity_filter")
    texts = [" ".join(words) for words, _ in read_gold(args.data)]
    n_words = sum(len(t.split()) for t in texts)
    list(nlp.pipe(texts[:200]))  # warm up (loads the lists)
    best = 0.0
    for _ in range(3):
        t0 = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=256):
            pass
        best = max(best, n_words / (time.perf_counter() - t0))
    print(f"{args.model} pipes={nlp.pipe_names} words={n_words} words/s={best:.0f}")


if __name__ == "__main__":
    main()
