"""Named-entity evaluation on gold-tokenised German data.

``evaluate_ner(nlp, path)`` reads GermEval 2014 TSV (outer column; OTH -> MISC;
``*deriv`` / ``*part`` ignored, i.e. O) or CoNLL/BIO files (last column is the
tag), runs the pipeline on the gold tokens and returns exact-span micro
precision / recall / F1 and the same per label. It prints nothing.

    python -m pipeline.evaluate.ner --data ../shared/corpora/ner/GermEval2014/NER-de-test.tsv \
        [--model PATH] [--limit N] [--rules none|after|first]

It does not score nested (inner) GermEval entities, nor partial matches.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from pathlib import Path
from typing import Iterator

from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["evaluate_ner", "read_gold", "spans_from_bio", "main"]

LABEL_MAP = {"OTH": "MISC", "PER": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}

GoldSentence = tuple[list[str], list[str]]


def _map_tag(tag: str) -> str:
    m = re.match(r"^([BI])-(.+)$", tag.strip())
    if not m:
        return "O"
    label = m.group(2)
    if label.endswith("deriv") or label.endswith("part"):
        return "O"
    label = LABEL_MAP.get(label, LABEL_MAP.get(label.upper()))
    return f"{m.group(1)}-{label}" if label else "O"


def _detect(path: Path) -> str:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("# "):
                continue
            if line.startswith("#\t"):
                return "germeval"
            cols = line.rstrip("\n").split("\t")
            if len(cols) == 4 and cols[0].isdigit():
                return "germeval"
            return "conll"
    return "conll"


def read_gold(path: str | Path, fmt: str = "auto") -> Iterator[GoldSentence]:
    """Yield ``(words, tags)`` per sentence; tags are BIO over PER/LOC/ORG/MISC."""
    path = Path(path)
    if fmt == "auto":
        fmt = _detect(path)
    if fmt not in ("germeval", "conll"):
        raise ValueError(f"unknown format {fmt!r}: use 'germeval', 'conll' or 'auto'")
    words: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if fmt == "germeval" and line.startswith("#\t"):
                continue
            if line.startswith("# ") or line.startswith("-DOCSTART-"):
                continue
            if not line.strip():
                if words:
                    yield words, tags
                words, tags = [], []
                continue
            cols = line.split("\t") if "\t" in line else line.split()
            if fmt == "germeval":
                words.append(cols[1])
                tags.append(_map_tag(cols[2]))
            else:
                words.append(cols[0])
                tags.append(_map_tag(cols[-1]))
    if words:
        yield words, tags


def spans_from_bio(tags: list[str]) -> set[tuple[int, int, str]]:
    """Exact spans ``(start, end, label)``; an I- without a B- starts a span."""
    spans = set()
    start, label = None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        if tag.startswith("I-") and label == tag[2:]:
            continue
        if label is not None:
            spans.add((start, i, label))
            start, label = None, None
        if tag != "O":
            start, label = i, tag[2:]
    return spans


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f": f, "tp": tp, "fp": fp, "fn": fn}


def _run(nlp: Language, docs: list[Doc], batch_size: int = 256) -> list[Doc]:
    """Run every pipe of ``nlp`` on pre-tokenised Docs (gold tokens)."""
    for _name, proc in nlp.pipeline:
        if hasattr(proc, "pipe"):
            docs = list(proc.pipe(docs, batch_size=batch_size))
        else:
            docs = [proc(doc) for doc in docs]
    return docs


def evaluate_ner(nlp: Language, path: str | Path, *, fmt: str = "auto",
                 limit: int | None = None) -> dict:
    """Exact-span micro P/R/F1 and per-label scores of ``nlp`` on gold file ``path``.

    Returns ``{"p", "r", "f", "tp", "fp", "fn", "per_label": {label: {...}},
    "n_sents", "n_words", "words_per_second"}``. Labels the pipeline predicts
    outside PER/LOC/ORG/MISC count as false positives under their own name.
    """
    gold = list(read_gold(path, fmt))
    if limit is not None:
        gold = gold[:limit]
    docs = [Doc(nlp.vocab, words=words) for words, _ in gold]
    t0 = time.perf_counter()
    docs = _run(nlp, docs)
    seconds = time.perf_counter() - t0
    counts: dict[str, Counter] = {}
    for (words, tags), doc in zip(gold, docs):
        g = spans_from_bio(tags)
        p = {(e.start, e.end, e.label_) for e in doc.ents}
        for label in {s[2] for s in g | p}:
            c = counts.setdefault(label, Counter())
            gl = {s for s in g if s[2] == label}
            pl = {s for s in p if s[2] == label}
            c["tp"] += len(gl & pl)
            c["fp"] += len(pl - gl)
            c["fn"] += len(gl - pl)
    total = Counter()
    for c in counts.values():
        total.update(c)
    result = _prf(total["tp"], total["fp"], total["fn"])
    result["per_label"] = {label: _prf(c["tp"], c["fp"], c["fn"])
                           for label, c in sorted(counts.items())}
    n_words = sum(len(w) for w, _ in gold)
    result.update(n_sents=len(gold), n_words=n_words,
                  words_per_second=n_words / seconds if seconds else 0.0)
    return result


def format_table(result: dict) -> str:
    lines = [f"{'label':6s} {'P':>6s} {'R':>6s} {'F1':>6s} {'gold':>6s}"]
    for label, s in result["per_label"].items():
        lines.append(f"{label:6s} {100 * s['p']:6.1f} {100 * s['r']:6.1f} {100 * s['f']:6.1f} "
                     f"{s['tp'] + s['fn']:6d}")
    lines.append(f"{'micro':6s} {100 * result['p']:6.1f} {100 * result['r']:6.1f} "
                 f"{100 * result['f']:6.1f} {result['tp'] + result['fn']:6d}")
    lines.append(f"{result['n_sents']} sentences, {result['n_words']} words, "
                 f"{result['words_per_second']:.0f} words/s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    import spacy

    ap = argparse.ArgumentParser(description="Exact-span NER scores on gold-tokenised data.")
    ap.add_argument("--data", required=True, type=Path, help="GermEval TSV or CoNLL/BIO file")
    ap.add_argument("--model", default=None,
                    help="pipeline folder or package (default: meldung's bundled model)")
    ap.add_argument("--fmt", default="auto", choices=["auto", "germeval", "conll"])
    ap.add_argument("--limit", type=int, default=None, help="first N sentences only")
    ap.add_argument("--exclude", default="", help="comma-separated pipes to disable")
    ap.add_argument("--rules", default="none", choices=["none", "after", "first"],
                    help="add meldung_gazetteer (after the model, or first) and meldung_entity_filter")
    args = ap.parse_args(argv)
    if args.model:
        nlp = spacy.load(args.model, exclude=[p for p in args.exclude.split(",") if p])
    else:
        from pipeline.nlp import load

        nlp = load()
    if args.rules != "none":
        import pipeline.components.entity_ruler  # noqa: F401  (registers the factories)

        if "meldung_gazetteer" not in nlp.pipe_names:
            nlp.add_pipe("meldung_gazetteer", first=args.rules == "first")
        if "meldung_entity_filter" not in nlp.pipe_names:
            nlp.add_pipe("meldung_entity_filter")
    print(format_table(evaluate_ner(nlp, args.data, fmt=args.fmt, limit=args.limit)))


if __name__ == "__main__":
    main()
