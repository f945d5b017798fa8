"""Score a trained NER model with and without meldung's German knowledge layer.

    python models/ner/ablate.py MODEL_DIR [--data dev|test|PATH] [--markdown NAME]

Rows: the model alone; + the common-noun filter alone; + punctuation trimming
alone; + ``meldung_entity_filter`` (all its rules: trim, common nouns, lower-case,
letterless, noun-headed hyphen compounds);
+ ``meldung_gazetteer`` (added after the model, only where it found nothing);
+ both (gazetteer, then filter). ``--data dev`` is the GermEval dev split used for
every choice; ``--data test`` is GermEval 2014 test, for reporting only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import spacy

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.evaluate.ner import evaluate_ner  # noqa: E402
import pipeline.components.entity_ruler  # noqa: E402,F401

DATA = {
    "dev": HERE / "corpus" / "germeval_devsplit.conll",
    "test": Path("../shared/corpora/ner/GermEval2014/NER-de-test.tsv"),
}
_OFF = {"remove_common_nouns": False, "remove_lowercase": False, "remove_nonalpha": False, "remove_function_words": False,
        "remove_compounds": False, "trim_punct": False}
#: row -> [(factory, config)]
LAYERS = {
    "model": [],
    "+nounfilter": [("meldung_entity_filter", {**_OFF, "remove_common_nouns": True})],
    "+trim": [("meldung_entity_filter", {**_OFF, "trim_punct": True})],
    "+filter": [("meldung_entity_filter", {})],
    "+gazetteer": [("meldung_gazetteer", {})],
    "+gazetteer+filter": [("meldung_gazetteer", {}), ("meldung_entity_filter", {})],
    # the gazetteer BEFORE the model (the model keeps its entities and predicts around them)
    "gazetteer-first+filter": [("^meldung_gazetteer", {}), ("meldung_entity_filter", {})],
}


def score(model: Path, data: Path, layers: list[tuple[str, dict]]) -> dict:
    nlp = spacy.load(model)
    for name, config in layers:
        if name.startswith("^"):
            nlp.add_pipe(name[1:], config=config, first=True)
        else:
            nlp.add_pipe(name, config=config)
    return evaluate_ner(nlp, data)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model", type=Path)
    p.add_argument("--data", default="dev")
    p.add_argument("--markdown", default=None, help="row name prefix for a markdown table")
    p.add_argument("--layers", default=",".join(LAYERS))
    args = p.parse_args(argv)
    data = DATA.get(args.data, Path(args.data))
    for row in args.layers.split(","):
        r = score(args.model, data, LAYERS[row])
        pl = r["per_label"]
        f = {k: 100 * pl.get(k, {"f": 0})["f"] for k in ("PER", "LOC", "ORG", "MISC")}
        name = f"{args.markdown or args.model.name} {row}"
        print(f"| {name} | {100 * r['p']:.1f} | {100 * r['r']:.1f} | {100 * r['f']:.1f} | "
              f"{f['PER']:.1f} | {f['LOC']:.1f} | {f['ORG']:.1f} | {f['MISC']:.1f} |", flush=True)


if __name__ == "__main__":
    main()
