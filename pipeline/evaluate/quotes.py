"""Evaluate ``meldung_quotes`` on the German Wikinews quotation set and on REDEWIEDERGABE.

Wikinews (``german-news-quotation-attribution``, JSON Lines, gzipped): the
pipeline runs on each article's ``originalText``; predicted and gold parts
become sets of gold token ids (a gold token counts when a predicted character
range overlaps it). As in the GermEval 2023 SpkAtt evaluation (token-overlap
P/R/F1 per part after message alignment), predicted and gold messages are
aligned one-to-one by maximum token overlap (greedy, largest overlap first;
upstream uses a linear sum assignment), and for each part (message, speaker,
cue) precision = overlapping tokens of aligned pairs / predicted tokens, recall
= overlapping tokens / gold tokens.

- ``all``: every gold quotation, nested ones too. A *mixed* prediction also
  predicts its literal quoted part(s) as separate direct messages (the gold
  annotates "Frankreich sei „ein Partner“" as an indirect quote with a nested
  direct one).
- ``top``: only gold quotations that are not nested, and no extra predictions
  for literal parts (like SpkAtt's "simplified" subtask, without addressees).
- per gold type (Direct, Indirect, IndirectFreeIndirect, FreeIndirect,
  Reported): recall over that type's gold; precision over the predictions
  aligned to that type plus unaligned predictions of the matching kind
  (direct -> Direct, indirect/mixed -> Indirect).

REDEWIEDERGABE (``--rw DIR`` of ``*.tsv``): the tokens of each sample are
joined by spaces into a text; every token inside a predicted direct message
(or a mixed quote's literal part) is labelled direct, inside an indirect or
mixed message indirect; token-level P/R/F1 against the gold ``stwr`` types
``direct`` and ``indirect``.

    python -m pipeline.evaluate.quotes --data ../shared/corpora/quotes/german-news-quotation-attribution/dev.jsonl.gz
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Iterator

from spacy.language import Language

PARTS = ("message", "speaker", "cue")
#: rules of pipeline.components.quotes that ``--off`` can switch off (module switches)
RULE_SWITCHES = {
    "vorfeld": "VORFELD",  # speaker = the constituent before the finite verb
    "merge": "MERGE_CONTINUATIONS",  # consecutive continuation sentences are one quote
    "reportative": "REPORTATIVE",  # main-clause "soll" continues reported speech
    "noun-cues": "NOUN_CUES",  # "vertrat die Ansicht, dass ..."
    "weak-reported": "WEAK_REPORTED",  # thought verbs with an object are reported speech
}
KIND_TYPE = {"direct": "Direct", "indirect": "Indirect", "mixed": "Indirect", "reported": "Reported"}


def read_articles(path: str | Path, limit: int | None = None) -> Iterator[dict]:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if limit is not None and n >= limit:
                break
            if line.strip():
                yield json.loads(line)


class _TokenMap:
    """Character ranges -> gold token ids."""

    def __init__(self, tokens: list[dict]):
        self.tokens = sorted(tokens, key=lambda t: t["charBegin"])

    def ids(self, ranges: Iterable[tuple[int, int]]) -> frozenset[int]:
        out = set()
        for a, b in ranges:
            if a is None or b is None:
                continue
            for t in self.tokens:
                if t["charBegin"] >= b:
                    break
                if t["charEnd"] > a and not t["text"].isspace():
                    out.add(t["id"])
        return frozenset(out)


def gold(article: dict, *, top: bool) -> list[dict]:
    out = []
    for a in article["annotations"]:
        if top and a.get("isNested"):
            continue
        out.append({p: frozenset(a[p if p != "message" else "quote"].get("tokenIds") or [])
                    for p in PARTS} | {"type": a["type"]})
    return out


def align(pred: list[dict], gold_: list[dict], *, order_ties: bool = False
          ) -> list[tuple[int, int]]:
    """One-to-one pairs (pred index, gold index) by maximum message overlap, greedy.

    Equal overlaps go to the pair whose messages match best (Jaccard): a quoted phrase
    predicted inside a sentence overlaps the gold sentence quote and the gold phrase quote
    nested in it by the same count, and belongs to the phrase. ``order_ties``: text order
    decides ties instead (the scorer before 2026-12-03; docs/quotes.md has both figures)."""
    cands = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold_):
            ov = len(p["message"] & g["message"])
            if ov:
                jaccard = 0.0 if order_ties else ov / len(p["message"] | g["message"])
                cands.append((ov, jaccard, -i, -j))
    cands.sort(reverse=True)
    used_p, used_g, pairs = set(), set(), []
    for ov, _, i, j in cands:
        i, j = -i, -j
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((i, j))
    return pairs


class _Counts:
    def __init__(self):
        self.c = defaultdict(lambda: [0, 0, 0])  # part -> [tp, pred, gold]

    def add(self, part: str, tp: int, pred: int, gold_: int) -> None:
        x = self.c[part]
        x[0] += tp
        x[1] += pred
        x[2] += gold_

    def scores(self) -> dict:
        out = {}
        for part in PARTS:
            tp, p, g = self.c[part]
            prec = tp / p if p else 0.0
            rec = tp / g if g else 0.0
            f = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
            out[part] = {"p": round(prec, 4), "r": round(rec, 4), "f": round(f, 4),
                         "pred_tokens": p, "gold_tokens": g}
        return out


def score_article(pred: list[dict], gold_: list[dict], counts: dict[str, _Counts], *,
                  order_ties: bool = False) -> None:
    pairs = align(pred, gold_, order_ties=order_ties)
    pg = dict(pairs)
    types = {g["type"] for g in gold_} | {p["type"] for p in pred}
    for part in PARTS:
        counts["all"].add(part, sum(len(pred[i][part] & gold_[j][part]) for i, j in pairs),
                          sum(len(p[part]) for p in pred), sum(len(g[part]) for g in gold_))
    for t in types:
        c = counts.setdefault(t, _Counts())
        for part in PARTS:
            tp = sum(len(pred[i][part] & gold_[j][part]) for i, j in pairs if gold_[j]["type"] == t)
            pt = sum(len(pred[i][part]) for i, j in pairs if gold_[j]["type"] == t) + sum(
                len(p[part]) for i, p in enumerate(pred) if i not in pg and p["type"] == t)
            gt = sum(len(g[part]) for g in gold_ if g["type"] == t)
            c.add(part, tp, pt, gt)
    counts["_n"].add("message", len(pairs), len(pred), len(gold_))


def evaluate_quotes(nlp: Language, path: str | Path, *, limit: int | None = None,
                    top: bool = False, order_ties: bool = False) -> dict:
    """Token-overlap P/R/F1 of message, speaker and cue, overall and per gold type.

    Returns ``{"all": {part: {p, r, f, ...}}, "Direct": {...}, ..., "n_articles",
    "n_pred", "n_gold", "n_aligned", "seconds"}``.
    """
    pipe_name = next((n for n, p in nlp.pipeline if type(p).__name__ == "QuoteTagger"), None)
    if pipe_name is None:
        raise ValueError("the pipeline has no meldung_quotes component")
    pipe = nlp.get_pipe(pipe_name)
    counts: dict[str, _Counts] = {"all": _Counts(), "_n": _Counts()}
    articles = list(read_articles(path, limit))
    t0 = time.perf_counter()
    texts = (a["originalText"] for a in articles)
    for article, doc in zip(articles, nlp.pipe(texts, batch_size=16)):
        tmap = _TokenMap(article["tokens"])
        pred = []
        for q in pipe.find(doc):
            speaker = tmap.ids([(q.speaker_start, q.speaker_end)]) \
                if q.speaker_start is not None else frozenset()
            cue = tmap.ids(q.cue_parts)
            pred.append({"message": tmap.ids(q.parts or [(q.start, q.end)]), "speaker": speaker,
                         "cue": cue, "type": KIND_TYPE[q.kind]})
            if not top and q.kind == "mixed":
                for a, b in q.literal:
                    pred.append({"message": tmap.ids([(a, b)]), "speaker": speaker, "cue": cue,
                                 "type": "Direct"})
        score_article(pred, gold(article, top=top), counts, order_ties=order_ties)
    n = counts.pop("_n").c["message"]
    out = {name: c.scores() for name, c in counts.items()}
    out.update(n_articles=len(articles), n_aligned=n[0], n_pred=n[1], n_gold=n[2],
               seconds=round(time.perf_counter() - t0, 1))
    return out


# -- REDEWIEDERGABE

def read_rw(path: Path) -> tuple[list[str], list[set[str]]]:
    """Tokens of a sample and, per token, the STWR types it is part of."""
    words, types = [], []
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    col = header.index("stwr")
    for line in lines[1:]:
        cells = line.split("\t")
        if len(cells) <= col:
            continue
        words.append(cells[0])
        value = cells[col]
        ts = set()
        if value and value != "-":
            for ann in value.split("|"):
                kind = ann.split(".")[0].strip()
                ts.update(kind.split())
        types.append(ts)
    return words, types


def evaluate_rw(nlp: Language, folder: str | Path, *, limit: int | None = None,
                prefix: str = "") -> dict:
    """Token-level P/R/F1 of direct and indirect speech on REDEWIEDERGABE samples."""
    pipe_name = next((n for n, p in nlp.pipeline if type(p).__name__ == "QuoteTagger"), None)
    pipe = nlp.get_pipe(pipe_name)
    files = sorted(Path(folder).glob(f"{prefix}*.tsv"))[:limit]
    tp = defaultdict(int)
    np_ = defaultdict(int)
    ng = defaultdict(int)
    for path in files:
        words, types = read_rw(path)
        text, starts = "", []
        for w in words:
            starts.append(len(text))
            text += w + " "
        doc = nlp(text[:-1] if text else text)
        labels = [set() for _ in words]
        ranges = []
        for q in pipe.find(doc):
            if q.kind == "direct":
                ranges += [(a, b, "direct") for a, b in (q.parts or [(q.start, q.end)])]
            else:
                ranges += [(a, b, "indirect") for a, b in (q.parts or [(q.start, q.end)])]
                ranges += [(a, b, "direct") for a, b in q.literal]
        for a, b, kind in ranges:
            for k, s in enumerate(starts):
                if s < b and s + len(words[k]) > a:
                    labels[k].add(kind)
        for k in range(len(words)):
            for kind in ("direct", "indirect"):
                p, g = kind in labels[k], kind in types[k]
                tp[kind] += p and g
                np_[kind] += p
                ng[kind] += g
    out = {"n_samples": len(files)}
    for kind in ("direct", "indirect"):
        p = tp[kind] / np_[kind] if np_[kind] else 0.0
        r = tp[kind] / ng[kind] if ng[kind] else 0.0
        out[kind] = {"p": round(p, 4), "r": round(r, 4),
                     "f": round(2 * p * r / (p + r), 4) if p + r else 0.0,
                     "pred_tokens": np_[kind], "gold_tokens": ng[kind]}
    return out


def load_pipeline(model: str | None) -> Language:
    from ..components import quotes  # noqa: F401 - registers meldung_quotes
    from ..nlp import load

    nlp = load(model)
    if "meldung_quotes" not in nlp.pipe_names:
        nlp.add_pipe("meldung_quotes")
    return nlp


def _table(result: dict) -> str:
    lines = [f"{'':22} " + "  ".join(f"{p:>17}" for p in PARTS),
             f"{'':22} " + "  ".join(f"{'P':>5} {'R':>5} {'F1':>5}" for _ in PARTS)]
    for name, scores in result.items():
        if not isinstance(scores, dict) or "message" not in scores:
            continue
        lines.append(f"{name:22} " + "  ".join(
            f"{scores[p]['p']:5.3f} {scores[p]['r']:5.3f} {scores[p]['f']:5.3f}" for p in PARTS))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help="Wikinews quotation JSON Lines (.jsonl.gz)")
    ap.add_argument("--rw", help="folder of REDEWIEDERGABE .tsv samples")
    ap.add_argument("--rw-prefix", default="", help="only samples whose name starts so (rwk_mkhz)")
    ap.add_argument("--model", default=None, help="spaCy model name or path (default: meldung's)")
    ap.add_argument("--limit", type=int, default=None, help="first N articles / samples only")
    ap.add_argument("--top", action="store_true", help="only top-level (not nested) gold quotes")
    ap.add_argument("--no-indirect", action="store_true", help="direct speech only (ablation)")
    ap.add_argument("--no-continuations", action="store_true", help="ablation")
    ap.add_argument("--no-reported", action="store_true",
                    help="ablation: no reported-speech rows (X kritisierte die Entscheidung.)")
    ap.add_argument("--order-ties", action="store_true",
                    help="align equal overlaps by text order (the earlier scorer), not by best match")
    ap.add_argument("--off", default="", metavar="RULES",
                    help="ablation: comma-separated rules to switch off: " + ", ".join(RULE_SWITCHES))
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args(argv)
    from ..components import quotes as rules

    for name in filter(None, args.off.split(",")):
        if name not in RULE_SWITCHES:
            ap.error(f"unknown rule {name!r}; known: {', '.join(RULE_SWITCHES)}")
        setattr(rules, RULE_SWITCHES[name], False)
    nlp = load_pipeline(args.model)
    pipe = nlp.get_pipe("meldung_quotes")
    pipe.indirect = not args.no_indirect
    pipe.continuations = not args.no_continuations
    pipe.reported = not args.no_reported
    result = {"model": args.model or "default"}
    if args.data:
        result["wikinews"] = evaluate_quotes(nlp, args.data, limit=args.limit, top=args.top,
                                             order_ties=args.order_ties)
    if args.rw:
        result["redewiedergabe"] = evaluate_rw(nlp, args.rw, limit=args.limit,
                                               prefix=args.rw_prefix)
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
    else:
        if "wikinews" in result:
            w = result["wikinews"]
            print(f"Wikinews: {w['n_articles']} articles, {w['n_gold']} gold, {w['n_pred']} "
                  f"predicted, {w['n_aligned']} aligned, {w['seconds']} s")
            print(_table(w))
        if "redewiedergabe" in result:
            r = result["redewiedergabe"]
            print(f"REDEWIEDERGABE: {r['n_samples']} samples (token level)")
            for kind in ("direct", "indirect"):
                print(f"  {kind:9} P {r[kind]['p']:.3f} R {r[kind]['r']:.3f} F1 {r[kind]['f']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
