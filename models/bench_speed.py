"""Words per second of meldung's German pipeline on one core.

    python models/bench_speed.py [--model models/de_meldung] [--words 50000]

Prints, for ``nlp.pipe`` with batch size 256 over German sentences (GermEval
2014 test text from ../shared/corpora, as in BASELINES.md; override with
``--corpora`` or $MELDUNG_CORPORA):

- tokenizer alone,
- tagger + parser (tok2vec, tagger, parser),
- tagger + morphologizer + parser,
- the whole model (every component, plus meldung_sentences; its pos_from_tag ruler as
  the array lookup that ``pipeline.load()`` puts in its place).

Threads are pinned to one (OMP/OpenBLAS/MKL) before numpy is imported.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

MODELS = Path(__file__).resolve().parent
REPO = MODELS.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def germeval_texts(corpora: Path, max_words: int) -> list[str]:
    texts, current, n = [], [], 0
    for line in (corpora / "ner/GermEval2014/NER-de-test.tsv").read_text(encoding="utf8").splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if current:
                texts.append(" ".join(current))
                n += len(current)
                current = []
                if n >= max_words:
                    break
            continue
        current.append(line.split("\t")[1])
    return texts


def words_per_second(nlp, texts: list[str], *, disable: list[str] = (), repeat: int = 1) -> tuple[int, float]:
    best = 0.0
    n_words = 0
    for _ in range(repeat):
        start = time.perf_counter()
        n_words = 0
        with nlp.select_pipes(disable=list(disable)):
            for doc in nlp.pipe(texts, batch_size=256):
                n_words += sum(1 for t in doc if not t.is_space)
        best = max(best, n_words / (time.perf_counter() - start))
    return n_words, best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Words/s of the pipeline on one core.")
    parser.add_argument("--model", default=str(MODELS / "de_meldung"))
    parser.add_argument("--corpora", default=os.environ.get("MELDUNG_CORPORA") or str(REPO.parent / "shared" / "corpora"))
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    import spacy

    from pipeline.components.sentences import add_sentence_rules
    from pipeline.nlp import speed_up_pos_rules

    nlp = spacy.load(args.model)
    texts = germeval_texts(Path(args.corpora), args.words)
    names = nlp.pipe_names
    keep_tp = {"tok2vec", "tagger", "parser"}
    keep_tmp = keep_tp | {"morphologizer"}
    results = {}
    n, wps = words_per_second(nlp, texts, disable=names)
    results["tokenizer"] = round(wps)
    results["tagger+parser"] = round(words_per_second(nlp, texts, disable=[p for p in names if p not in keep_tp])[1])
    results["tagger+morphologizer+parser"] = round(words_per_second(nlp, texts, disable=[p for p in names if p not in keep_tmp])[1])
    add_sentence_rules(nlp)
    speed_up_pos_rules(nlp)
    results["whole model"] = round(words_per_second(nlp, texts)[1])
    results["words"] = n
    results["pipeline"] = nlp.pipe_names
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for key, value in results.items():
            print(f"{key:<30}{value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
