"""Pretrain the ner component's tok2vec on openly licensed raw German text.

    python models/ner/pretrain.py --shared ../shared [--epochs 8]

Raw text (all CC BY / CC BY-SA / CC0; no NC text such as corpora/news):
- German Political Speeches (Barbaresi, CC BY-SA 4.0): Lammert's Bundestag
  speeches and the government-speech excerpts, one paragraph per line;
- the sentences of the CC BY / CC0 NER training sets already converted
  (GermEval dev train split, SmartData, UNER PUD, Europeana, HIPE).
GermEval test text is never used. Output: models/ner/pretrain/model-last.bin
(spaCy's character objective, ``configs/pretrain.cfg``).
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
    args = p.parse_args(argv)
    raw = HERE / "corpus" / "raw.jsonl"
    n_words = 0
    with open(raw, "w", encoding="utf-8") as f:
        for text in list(speech_paragraphs(args.shared)) + list(corpus_sentences()):
            n_words += len(text.split())
            f.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    print(f"raw text: {n_words} words -> {raw}", flush=True)
    cmd = [sys.executable, "-m", "spacy", "pretrain", str(HERE / "configs" / "pretrain.cfg"),
           str(args.out), "--paths.raw_text", str(raw), "--system.seed", "0",
           "--pretraining.max_epochs", str(args.epochs)]
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)
    last = sorted(args.out.glob("model*.bin"), key=lambda p: p.stat().st_mtime)[-1]
    if last.name != "model-last.bin":
        (args.out / "model-last.bin").write_bytes(last.read_bytes())


if __name__ == "__main__":
    main()
