"""Build the bundled pipeline ``models/de_meldung`` from the trained parts.

    python models/assemble.py                      # the chosen UD variant, NER if trained
    python models/assemble.py --variant silver --lemmatizer edit_tree+lookup
    python models/assemble.py --no-ner
    python models/assemble.py --source models/de_meldung   # re-assemble the bundled model (e.g. to add pos_from_tag)

Steps:

1. load the UD pipeline (tok2vec, tagger, morphologizer, parser,
   trainable_lemmatizer) from ``models/training/<variant>/model-best``;
2. apply meldung's tokenizer rules (``customize_tokenizer``; idempotent, so the
   saved tokenizer always carries the current rules);
3. with ``--sentences`` only, add ``meldung_sentences`` before the parser (by
   default it is left out, so that plain ``spacy.load`` works without meldung;
   ``pipeline.nlp`` adds it with ``add_sentence_rules``);
4. set up the lemmatizer (``edit_tree``, ``lookup`` or ``edit_tree+lookup``:
   spacy-lookups-data's German table where the edit tree has no answer);
   unless ``--no-pos-rules``, add ``pos_from_tag`` after the morphologizer: spaCy's
   attribute ruler setting UPOS from the STTS tags that decide it in the GSD dev
   training blocks (``train.tag_to_pos_map``; the tagger is the more accurate of the two);
5. a joint source (``configs/joint.cfg``: its ``ner`` listens to the shared tok2vec)
   keeps its own ``ner``; otherwise, if ``models/ner/output/model-best`` exists,
   source its ``ner`` component (which has its own embedded tok2vec, so it does not
   listen to ours): ``nlp.add_pipe("ner", source=ner_nlp)``;
6. write ``models/de_meldung`` (to a temporary folder first, then swap) and
   check that it stays at most 30 MB.

The result loads with plain ``spacy.load("models/de_meldung")``: the tokenizer
rules are saved as regular expressions and special cases, every component is
one of spaCy's own.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

MODELS = Path(__file__).resolve().parent
REPO = MODELS.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DEFAULT_OUT = MODELS / "de_meldung"
DEFAULT_NER = MODELS / "ner" / "output" / "model-best"
#: The variant and lemmatizer chosen on the held-out GSD dev blocks (see README.md).
CHOSEN_VARIANT = "joint_small_ud_lemma"
CHOSEN_LEMMATIZER = "edit_tree+lookup"
MAX_BYTES = 30 * 1024 * 1024

SOURCES = [
    {"name": "UD German GSD v2.16 (dev split)", "url": "https://github.com/UniversalDependencies/UD_German-GSD", "license": "CC BY-SA 4.0"},
    {"name": "UD German PUD v2.17", "url": "https://github.com/UniversalDependencies/UD_German-PUD", "license": "CC BY-SA 3.0"},
]
SILVER_SOURCES = [
    {"name": "German Political Speeches Corpus (Barbaresi 2018), HanTa-tagged", "url": "https://adrien.barbaresi.eu/corpora/speeches/", "license": "CC BY-SA 4.0"},
    {"name": "LegalER-DE court decisions (Leitner et al. 2019), sentences, HanTa-tagged", "url": "https://github.com/elenanereiss/Legal-Entity-Recognition", "license": "CC BY 4.0"},
    {"name": "GermEval 2014 NER dev sentences, HanTa-tagged", "url": "https://sites.google.com/site/germeval2014ner/", "license": "CC BY 4.0"},
    {"name": "HanTa 1.2.1 German model (silver annotation only, not shipped)", "url": "https://github.com/wartaal/HanTa", "license": "LGPL-3.0-or-later"},
]
LOOKUP_SOURCE = {"name": "spacy-lookups-data 1.0.5, de_lemma_lookup", "url": "https://github.com/explosion/spacy-lookups-data", "license": "MIT (package)"}


def relative_paths(config_path: Path, *, lemmatizer: str = "edit_tree") -> None:
    """Write the [paths] of the saved config relative to the repository (no machine paths),
    and the edit tree's backoff as set up by ``set_lemmatizer`` (an attribute set at run
    time does not reach the saved config)."""
    from thinc.api import Config

    config = Config().from_disk(config_path, interpolate=False)
    if lemmatizer == "edit_tree+lookup" and "trainable_lemmatizer" in config["components"]:
        config["components"]["trainable_lemmatizer"]["backoff"] = None
    for key, value in config["paths"].items():
        if isinstance(value, str) and value:
            path = Path(value)
            if path.is_absolute():
                config["paths"][key] = path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else path.name
    config.to_disk(config_path)


def listens_to_shared_tok2vec(pipe) -> bool:
    """Whether a component reads a shared tok2vec (a listener) rather than embedding its own."""
    return any(node.name.startswith("tok2vec-listener") for node in pipe.model.walk())


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def assemble(
    source: Path,
    out: Path = DEFAULT_OUT,
    *,
    lemmatizer: str = CHOSEN_LEMMATIZER,
    ner: Path | None = DEFAULT_NER,
    variant: str = CHOSEN_VARIANT,
    sentences: bool = False,
    pos_rules: bool = True,
) -> Path:
    import spacy

    import pipeline.components.sentences  # noqa: F401  (registers meldung_sentences)
    from pipeline.components.tokenizer import customize_tokenizer

    sys.path.insert(0, str(MODELS))
    from train import POS_FROM_TAG_PURITY, add_pos_rules, set_lemmatizer, tag_to_pos_map

    nlp = spacy.load(source)
    customize_tokenizer(nlp)
    if sentences:
        from pipeline.components.sentences import add_sentence_rules

        add_sentence_rules(nlp)
    if "lemmatizer" not in nlp.pipe_names:  # a source that is an assembled model has it already
        set_lemmatizer(nlp, lemmatizer)
    if pos_rules and "pos_from_tag" not in nlp.pipe_names and "morphologizer" in nlp.pipe_names:
        add_pos_rules(nlp, tag_to_pos_map())  # UPOS from the STTS tag where the tag decides it
    joint = "ner" in nlp.pipe_names and listens_to_shared_tok2vec(nlp.get_pipe("ner"))
    if joint:  # trained with the UD pipes on one tok2vec (configs/joint.cfg): it stays
        ner = None
    elif "ner" in nlp.pipe_names and ner is not None:  # re-assembling: the new NER replaces the old
        nlp.remove_pipe("ner")
    # an assembled model as the source keeps the name of the UD training output it came from
    source_name = nlp.meta.get("meldung", {}).get("source") or (
        str(source.relative_to(REPO)) if source.is_relative_to(REPO) else source.name)
    sources = list(SOURCES)
    if variant.startswith(("silver", "joint")):
        sources += SILVER_SOURCES
    if joint:
        sources.append({"name": "NER sets of models/ner (GermEval 2014 dev, CC BY/CC0 sets)", "url": "models/ner/README.md",
                        "license": "CC BY 4.0 / CC0"})
    if lemmatizer != "edit_tree":
        sources.append(LOOKUP_SOURCE)
    if ner is not None and (ner / "config.cfg").exists():
        ner_nlp = spacy.load(ner)
        ner_pipe = ner_nlp.get_pipe("ner")
        if listens_to_shared_tok2vec(ner_pipe):
            raise SystemExit(f"{ner}: its ner listens to a shared tok2vec; it must embed its own")
        nlp.add_pipe("ner", source=ner_nlp)
        sources.append({"name": "meldung NER (see models/ner)", "url": "models/ner", "license": "see models/ner"})
    nlp.meta.update(
        {
            "name": "meldung",
            "version": "0.1.0",
            "description": "meldung's German pipeline: tokenizer rules for agency copy, rule-based sentence "
            "boundaries, STTS tagger, UD morphology (UPOS from the STTS tag where it decides it), "
            "UD dependency parser, lemmatizer"
            + (", NER" if "ner" in nlp.pipe_names else ""),
            "license": "CC BY-SA 4.0",
            "sources": sources,
            "url": "models/README.md",
            "meldung": {"ud_variant": variant, "lemmatizer": lemmatizer, "source": source_name,
                        "pos_from_tag_purity": POS_FROM_TAG_PURITY if "pos_from_tag" in nlp.pipe_names else None},
        }
    )
    out = out.resolve()
    tmp = Path(tempfile.mkdtemp(prefix=".de_meldung.", dir=out.parent))
    try:
        nlp.to_disk(tmp)
        relative_paths(tmp / "config.cfg", lemmatizer=lemmatizer)
        size = folder_size(tmp)
        if size > MAX_BYTES:
            raise SystemExit(f"assembled model is {size / 1e6:.1f} MB, over the 30 MB limit")
        old = out.with_name(out.name + ".old")
        if out.exists():
            out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps({"model": str(out), "pipeline": nlp.pipe_names, "bytes": folder_size(out)}))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Assemble models/de_meldung from the trained UD pipeline (+ NER).")
    parser.add_argument("--variant", default=CHOSEN_VARIANT, help="UD training variant (models/training/VARIANT/model-best)")
    parser.add_argument("--source", type=Path, default=None, help="UD pipeline folder (overrides --variant)")
    parser.add_argument("--lemmatizer", default=CHOSEN_LEMMATIZER, choices=["edit_tree", "lookup", "edit_tree+lookup"])
    parser.add_argument("--ner", type=Path, default=DEFAULT_NER, help="NER pipeline folder whose 'ner' is sourced, if it exists")
    parser.add_argument("--no-ner", action="store_true", help="do not add NER")
    parser.add_argument("--sentences", action="store_true", help="put meldung_sentences into the model (then loading needs meldung)")
    parser.add_argument("--no-pos-rules", action="store_true",
                        help="no attribute ruler setting UPOS from STTS tags that decide it (pos_from_tag)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    source = args.source or MODELS / "training" / args.variant / "model-best"
    assemble(source, args.out, lemmatizer=args.lemmatizer, ner=None if args.no_ner else args.ner, variant=args.variant, sentences=args.sentences,
             pos_rules=not args.no_pos_rules)
    return 0


if __name__ == "__main__":
    sys.exit(main())
