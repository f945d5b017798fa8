"""Morphology accuracy with each piece of ``meldung_morph_agreement`` switched off in turn.

    python models/ablate_morph.py                               # held-out GSD dev blocks
    python models/ablate_morph.py --data ../shared/corpora/ud/UD_German-GSD/de_gsd-ud-test.conllu

Runs the bundled pipeline once over the gold tokens of a CoNLL-U file up to the agreement
component, then applies the component in each variant to copies of the Docs and prints
morphology accuracy (all words, as ``meldung evaluate ud`` scores it) as a Markdown table.
The held-out dev blocks (``models/corpus/dev.conllu``, written by ``python models/train.py
convert``) are where every choice was made; GSD test is reported, never used to choose.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from spacy.tokens import Doc  # noqa: E402

from pipeline.evaluate.ud import gold_docs  # noqa: E402
from pipeline.nlp import load  # noqa: E402

SWITCHES = ("use_lexicon", "use_adjectives", "use_relations", "use_pronouns", "use_passive", "use_degree")
VARIANTS = {
    "model + conventions (no agreement)": None,
    "all of meldung_morph_agreement": {},
    "without the noun lexicon": {"use_lexicon": False},
    "without adjective endings": {"use_adjectives": False},
    "without the parse's case preference": {"use_relations": False},
    "without pronoun case": {"use_pronouns": False},
    "without passive voice": {"use_passive": False},
    "without adjective degree": {"use_degree": False},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(HERE / "corpus" / "dev.conllu"))
    args = parser.parse_args()
    nlp = load(None)
    agreement = nlp.get_pipe("meldung_morph_agreement")
    before = nlp.pipe_names[:nlp.pipe_names.index("meldung_morph_agreement")]
    gold, _ = gold_docs(args.data, nlp.vocab, None)
    docs = []
    for reference in gold:
        doc = Doc(nlp.vocab, words=[t.text for t in reference], spaces=[bool(t.whitespace_) for t in reference])
        for name in before:
            doc = nlp.get_pipe(name)(doc)
        docs.append(doc)
    print(f"| variant ({Path(args.data).name}) | morph (all words) | morph (words with features) |")
    print("|---|---:|---:|")
    for label, switches in VARIANTS.items():
        hits = feats_hits = feats_total = 0
        for reference, doc in zip(gold, docs):
            doc = doc.copy()
            if switches is not None:
                for switch in SWITCHES:
                    setattr(agreement, switch, switches.get(switch, True))
                agreement(doc)
            for want, got in zip(reference, doc):
                right = str(want.morph) == str(got.morph)
                hits += right
                if str(want.morph):
                    feats_total += 1
                    feats_hits += right
        n = sum(len(d) for d in gold)
        print(f"| {label} | {100 * hits / n:.2f} | {100 * feats_hits / feats_total:.2f} |")


if __name__ == "__main__":
    main()
