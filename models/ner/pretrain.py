"""Pretrain the ner component's tok2vec on openly licensed raw German text.

    python models/ner/pretrain.py --shared ../shared [--epochs 8]

Raw text (all CC BY / CC BY-SA / CC0; no NC text such as corpora/news):
- German Political Speeches (Barbaresi, CC BY-SA 4.0): Lammert's Bundestag
  speeches and the government-speech excerpts, one paragraph per line;
- the sentences of the CC BY / CC0 NER training sets already converted
  (GermEval dev train split, SmartData, UNER PUD, Europeana, HIPE).
GermEval test text is never used. Output: models/ner/pretrain/ner_tok2vec.bin (spaCy's character objective,
``configs/pretrain_tok2vec.cfg``, re-packaged for ``configs/base_pretrained.cfg``).
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def speech_paragraphs(shared: Path):
    base = shared / "corpora" / "raw" / "GermanPoliticalSpeeches"
    xml = gzip.open(base / "Bundestagspraesident.xml.gz", "rt", encoding="utf-8").read()
    for body in re.findall(r"<rohtext>(.*?)</rohtext>", xml, flags=re.S):
        for line in html.unescape(body).splitlines():
            line = re.sub(r",(?=\S)", ", ", line.strip())  # "Pärt,sehr" run-ons
            if len(line.split()) >= 5:
                yield line
    data = json.load(gzip.open(base / "speeches.json.gz", "rt", encoding="utf-8"))
    for text in data["speech"].values():
        for line in text.splitlines():
            if len(line.split()) >= 5:
                yield line.strip()


def corpus_sentences():
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    vocab = Vocab()
    for name in ("germeval_train", "smartdata", "uner_pud", "europeana", "hipe"):
        for doc in DocBin().from_disk(HERE / "corpus" / f"{name}.spacy").get_docs(vocab):
            if len(doc) >= 5:
                yield doc.text


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shared", type=Path, default=Path("../shared"))
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--out", type=Path, default=HERE / "pretrain")
    p.add_argument("--max-minutes", type=float, default=11.0,
                   help="stop pretraining after this long and keep the last full epoch")
    args = p.parse_args(argv)
    raw = HERE / "corpus" / "raw.jsonl"
    n_words = 0
    with open(raw, "w", encoding="utf-8") as f:
        for text in list(speech_paragraphs(args.shared)) + list(corpus_sentences()):
            n_words += len(text.split())
            f.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    print(f"raw text: {n_words} words -> {raw}", flush=True)
    cmd = [sys.executable, "-m", "spacy", "pretrain", str(HERE / "configs" / "pretrain_tok2vec.cfg"),
           str(args.out), "--paths.raw_text", str(raw), "--system.seed", "0",
           "--pretraining.max_epochs", str(args.epochs)]
    print("+", " ".join(cmd), flush=True)
    try:
        subprocess.run(cmd, check=True, timeout=args.max_minutes * 60)
    except subprocess.TimeoutExpired:
        print(f"stopped after {args.max_minutes} minutes", flush=True)
    last = sorted(args.out.glob("model*.bin"), key=lambda p: p.stat().st_mtime)[-1]
    print(f"pretrained weights: {last}", flush=True)
    to_ner_tok2vec(last, args.out / "ner_tok2vec.bin")


def to_ner_tok2vec(weights: Path, out: Path) -> None:
    """Re-package standalone Tok2Vec weights as the ner model's "tok2vec" ref
    (Tok2Vec >> list2array >> Linear), which ``[initialize] init_tok2vec`` with
    ``[pretraining] component = "ner", layer = "tok2vec"`` loads
    (configs/base_pretrained.cfg). The Linear layer keeps its fresh init."""
    from spacy.training.initialize import init_nlp
    from spacy.util import load_config

    config = load_config(HERE / "configs" / "base_pretrained.cfg",
                         overrides={"paths.train": str(HERE / "corpus" / "germeval_devsplit.spacy"),
                                    "paths.dev": str(HERE / "corpus" / "germeval_devsplit.spacy")})
    nlp = init_nlp(config)
    ref = nlp.get_pipe("ner").model.get_ref("tok2vec")
    ref.layers[0].from_bytes(weights.read_bytes())
    out.write_bytes(ref.to_bytes())
    print(f"ner tok2vec weights: {out}", flush=True)


if __name__ == "__main__":
    main()
