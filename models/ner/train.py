"""Train meldung's German NER model (one variant per call, fixed seed).

    python models/ner/train.py --variant best            # convert + (pretrain) + train
    python models/ner/train.py --variant ge5_full --out models/ner/training/ge5_full

Every variant trains on a mix of DocBins from ``models/ner/corpus`` (made by
convert.py from ../shared) and early-stops on ``germeval_devsplit`` (every 10th
GermEval dev sentence). GermEval test is never read here.
The chosen variant ("best") is copied to ``models/ner/output/`` so that
``models/ner/output/model-best`` is a normal ``spacy train`` output folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
CONFIGS = HERE / "configs"
EXTRA = ("europeana", "hipe", "mobie", "uner_pud", "smartdata")

#: variant -> (config file, GermEval repeats, extra-set suffix or None, overrides, pretrain)
VARIANTS: dict[str, dict] = {
    # GermEval dev split only
    "ge_only": dict(config="base.cfg", ge=1, extra=None),
    # + CC BY / CC0 sets, O everywhere, GermEval once
    "ge1_full": dict(config="base.cfg", ge=1, extra=""),
    # GermEval up-weighted 5x
    "ge5_full": dict(config="base.cfg", ge=5, extra=""),
    # GermEval 5x, other sets' possible-MISC O tokens set to missing
    "ge5_miss": dict(config="base.cfg", ge=5, extra=".miscmissing"),
    # wider tok2vec and more hash rows (character-ish prefix/suffix features)
    "ge5_miss_wide": dict(config="base.cfg", ge=5, extra=".miscmissing", overrides={
        "components.ner.model.tok2vec.encode.width": "128",
        "components.ner.model.tok2vec.embed.rows": "[10000,2000,5000,2500]",
    }),
    # CharacterEmbed variant
    "ge5_miss_char": dict(config="char.cfg", ge=5, extra=".miscmissing"),
    # pretrained tok2vec (spacy pretrain on CC BY-SA speeches + CC BY NER texts)
    "ge5_miss_pre": dict(config="base_pretrained.cfg", ge=5, extra=".miscmissing", pretrain=True),
    # lexicon features (gazetteers, common nouns, roles) as static vectors: feature_vectors.py
    "ge5_miss_feat": dict(config="base.cfg", ge=5, extra=".miscmissing", vectors=True, overrides={
        "components.ner.model.tok2vec.embed.include_static_vectors": "true",
    }),
}
# stage 2: continue a stage-1 model on GermEval dev-train only (lower learning rate)
for _stage1 in ("ge5_full", "ge5_miss", "ge5_miss_pre", "ge5_miss_wide"):
    VARIANTS[_stage1 + "_ft"] = dict(config="finetune.cfg", ge=1, extra=None, source=_stage1)
VARIANTS["best"] = VARIANTS["ge5_miss"]


def build_train_dir(name: str, ge: int, extra: str | None) -> Path:
    """A folder of symlinks: GermEval train ``ge`` times + the extra sets."""
    d = HERE / "training" / name / "train"
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    for i in range(ge):
        (d / f"germeval_train_{i}.spacy").symlink_to(CORPUS / "germeval_train.spacy")
    if extra is not None:
        for s in EXTRA:
            (d / f"{s}{extra}.spacy").symlink_to(CORPUS / f"{s}{extra}.spacy")
    return d


def run(cmd: list[str]) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--variant", default="best", choices=sorted(VARIANTS))
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (default: models/ner/training/<variant>; "
                        "'best' -> models/ner/output)")
    p.add_argument("--shared", type=Path, default=Path("../shared"))
    p.add_argument("--convert", action="store_true", help="(re)build the DocBins first")
    p.add_argument("--max-steps", type=int, default=None)
    args = p.parse_args(argv)

    v = VARIANTS[args.variant]
    if args.convert or not (CORPUS / "germeval_train.spacy").exists():
        run([sys.executable, str(HERE / "convert.py"), "--shared", str(args.shared),
             "--out", str(CORPUS)])
    out = args.out or (HERE / "output" if args.variant == "best"
                       else HERE / "training" / args.variant)
    train_dir = build_train_dir(args.variant, v["ge"], v["extra"])
    cmd = [sys.executable, "-m", "spacy", "train", str(CONFIGS / v["config"]),
           "--output", str(out),
           "--paths.train", str(train_dir),
           "--paths.dev", str(CORPUS / "germeval_devsplit.spacy"),
           "--system.seed", "0"]
    for key, value in v.get("overrides", {}).items():
        cmd += [f"--{key}", value]
    if v.get("source"):
        stage1 = HERE / "training" / v["source"] / "model-best"
        if not stage1.exists():
            run([sys.executable, __file__, "--variant", v["source"], "--shared", str(args.shared)])
        cmd += ["--paths.source", str(stage1)]
    if args.max_steps:
        cmd += ["--training.max_steps", str(args.max_steps)]
    if v.get("pretrain"):
        weights = HERE / "pretrain" / "ner_tok2vec.bin"
        if not weights.exists():
            run([sys.executable, str(HERE / "pretrain.py"), "--shared", str(args.shared)])
        cmd += ["--paths.init_tok2vec", str(weights)]
    if v.get("vectors"):
        vectors = HERE / "vectors"
        run([sys.executable, str(HERE / "feature_vectors.py"), "--out", str(vectors)])
        cmd += ["--paths.vectors", str(vectors)]
    print("+", " ".join(cmd), flush=True)
    # exec, so that `timeout` and signals reach spacy train itself
    os.execv(sys.executable, cmd)


if __name__ == "__main__":
    main()
