"""Entity-resolution evaluation: people, roles, places, demonyms, organisations.

``evaluate_entities(nlp, path)`` reads ``corpus/_gold/entities.jsonl`` (one report
per line: ``doc_id`` as in ``corpus/_gold/documents.jsonl``, ``mentions`` as
``[text, label]`` pairs, every word-bounded occurrence of a text being a gold NER
mention, and the expected ``people`` (canonical, roles), ``places`` (canonical,
country), ``organisations`` (canonical) and ``demonyms`` ([text, country] per
occurrence)), runs the pipeline on the sample reports in ``corpus/`` and returns
micro precision / recall / F1 over all reports for

- ``people``: canonical names (case-insensitive);
- ``roles``: (person canonical, role) pairs;
- ``places``: (canonical, country) pairs;
- ``organisations``: canonical names;
- ``demonyms``: country adjectives found as mentions, with the right country.

With ``gold_mentions=True`` (the default when the pipeline has no ``ner``) the
gold mentions replace ``doc.ents`` before ``meldung_entities`` runs, so the
resolution alone is measured; otherwise the model's own mentions are used.

``evaluate_germeval(nlp, path)`` counts, on GermEval 2014 (gold tokens), how many
gold PER/LOC/ORG mentions end up as a mention of an entity in the right table
(people/places/organisations: same tokens, same label). It prints nothing.

    python -m pipeline.evaluate.entities --data corpus/_gold/entities.jsonl [--gold-mentions]
    python -m pipeline.evaluate.entities --germeval ../shared/corpora/ner/GermEval2014/NER-de-test.tsv
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..components import entities as entities_mod
from ..ingest import iter_reports
from ..run import make_doc
from .ner import read_gold, spans_from_bio

__all__ = ["evaluate_entities", "evaluate_germeval", "gold_ents", "main"]

CORPUS = Path(__file__).resolve().parent.parent.parent / "corpus"
PIPE = "meldung_entities"


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def gold_ents(doc: Doc, mentions: list[list[str]]) -> list[Span]:
    """Spans for every word-bounded occurrence of each gold ``[text, label]``
    (longest first where they overlap; occurrences inside a token are skipped)."""
    spans = []
    for text, label in mentions:
        for m in re.finditer(r"(?<!\w)%s(?!\w)" % re.escape(text), doc.text):
            span = doc.char_span(m.start(), m.end(), label=label)
            if span is not None:
                spans.append(span)
    return filter_spans(spans)


def _ensure_pipe(nlp: Language) -> None:
    if PIPE not in nlp.pipe_names:
        nlp.add_pipe(PIPE)


def _analyse(nlp: Language, doc: Doc, mentions: list | None) -> Doc:
    for name, proc in nlp.pipeline:
        if name == PIPE and mentions is not None:
            doc.set_ents(gold_ents(doc, mentions), default="outside")
        doc = proc(doc)
    return doc


def _key(*parts) -> tuple:
    return tuple(p.casefold() if isinstance(p, str) else p for p in parts)


def _predicted(doc: Doc, lexicon) -> dict[str, Counter]:
    records = doc._.entities or []
    by_id = {r["entity"]: r for r in records}
    out = {k: Counter() for k in ("people", "roles", "places", "organisations", "demonyms")}
    for r in records:
        if r["label"] == "PER":
            out["people"][_key(r["canonical"])] = 1
            for role in r.get("roles") or []:
                out["roles"][_key(r["canonical"], role)] = 1
        elif r["label"] == "LOC":
            out["places"][_key(r["canonical"], r.get("country"))] = 1
        elif r["label"] == "ORG":
            out["organisations"][_key(r["canonical"])] = 1
    ents = {(e.start, e.end) for e in doc.ents}
    for span in doc.spans["mentions"] if "mentions" in doc.spans else []:
        if (span.start, span.end) in ents or len(span) != 1 or lexicon.demonym(span.text) is None:
            continue
        country = by_id.get(span._.mention_entity, {}).get("country")
        out["demonyms"][_key(span.text, country)] += 1
    return out


def _expected(gold: dict) -> dict[str, Counter]:
    out = {k: Counter() for k in ("people", "roles", "places", "organisations", "demonyms")}
    for p in gold.get("people", []):
        out["people"][_key(p["canonical"])] = 1
        for role in p.get("roles", []):
            out["roles"][_key(p["canonical"], role)] = 1
    for p in gold.get("places", []):
        out["places"][_key(p["canonical"], p.get("country"))] = 1
    for o in gold.get("organisations", []):
        out["organisations"][_key(o)] = 1
    for text, country in gold.get("demonyms", []):
        out["demonyms"][_key(text, country)] += 1
    return out


def evaluate_entities(nlp: Language, path: str | Path, *, limit: int | None = None,
                      gold_mentions: bool | None = None, corpus: str | Path = CORPUS,
                      details: bool = False) -> dict:
    """Micro P/R/F1 of people, roles, places, organisations and demonyms on ``path``.

    Returns ``{task: {"p", "r", "f", "tp", "fp", "fn"}, "n_docs", "gold_mentions",
    "seconds"}``; with ``details``, also ``"misses"``: per document the expected
    items not found (``fn``) and the found items not expected (``fp``).
    """
    if gold_mentions is None:
        gold_mentions = "ner" not in nlp.pipe_names
    _ensure_pipe(nlp)
    lexicon = nlp.get_pipe(PIPE).lexicon or entities_mod.default_lexicon()
    golds = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    if limit is not None:
        golds = golds[:limit]
    totals = {k: Counter() for k in ("people", "roles", "places", "organisations", "demonyms")}
    misses = {}
    t0 = time.perf_counter()
    for gold in golds:
        report = next(iter_reports([str(Path(corpus) / gold["doc_id"])]))
        doc = _analyse(nlp, make_doc(nlp, report), gold["mentions"] if gold_mentions else None)
        pred, exp = _predicted(doc, lexicon), _expected(gold)
        for task in totals:
            tp = sum((pred[task] & exp[task]).values())
            totals[task]["tp"] += tp
            totals[task]["fp"] += sum(pred[task].values()) - tp
            totals[task]["fn"] += sum(exp[task].values()) - tp
            if details:
                fn = sorted(map(str, (exp[task] - pred[task]).elements()))
                fp = sorted(map(str, (pred[task] - exp[task]).elements()))
                if fn or fp:
                    misses.setdefault(gold["doc_id"], {})[task] = {"fn": fn, "fp": fp}
    result = {task: _prf(c["tp"], c["fp"], c["fn"]) for task, c in totals.items()}
    result.update(n_docs=len(golds), gold_mentions=gold_mentions,
                  seconds=round(time.perf_counter() - t0, 2))
    if details:
        result["misses"] = misses
    return result


def evaluate_germeval(nlp: Language, path: str | Path, *, limit: int | None = None) -> dict:
    """How many gold PER/LOC/ORG mentions of GermEval 2014 (outer level) end up as
    a mention (same tokens, same label) of an entity record in the right table."""
    _ensure_pipe(nlp)
    gold = list(read_gold(path, "germeval"))
    if limit is not None:
        gold = gold[:limit]
    table = {"PER": "people", "LOC": "places", "ORG": "organisations"}
    counts = Counter()
    t0 = time.perf_counter()
    for words, tags in gold:
        doc = Doc(nlp.vocab, words=words)
        for _name, proc in nlp.pipeline:
            doc = proc(doc)
        records = {r["entity"]: r for r in doc._.entities or []}
        found = {(s.start, s.end, s.label_) for s in doc.spans["mentions"]
                 if s.label_ in table and s._.mention_entity in records
                 and records[s._.mention_entity]["label"] == s.label_}
        for start, end, label in spans_from_bio(tags):
            if label not in table:
                continue
            counts[f"gold_{label}"] += 1
            if (start, end, label) in found:
                counts[f"right_{label}"] += 1
    out = {"n_sents": len(gold), "seconds": round(time.perf_counter() - t0, 1)}
    for label in table:
        g, r = counts[f"gold_{label}"], counts[f"right_{label}"]
        out[label] = {"gold": g, "right_row": r, "share": round(r / g, 3) if g else 0.0}
    g = sum(counts[f"gold_{lab}"] for lab in table)
    r = sum(counts[f"right_{lab}"] for lab in table)
    out["all"] = {"gold": g, "right_row": r, "share": round(r / g, 3) if g else 0.0}
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(CORPUS / "_gold" / "entities.jsonl"))
    parser.add_argument("--germeval", default=None, help="GermEval 2014 TSV: mentions in the right table")
    parser.add_argument("--model", default=None, help="model name or path (default: the bundled one)")
    parser.add_argument("--gold-mentions", action="store_true", help="use the gold NER mentions")
    parser.add_argument("--details", action="store_true", help="list the misses per document")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    from ..nlp import load

    nlp = load(args.model)
    if args.germeval:
        result = evaluate_germeval(nlp, args.germeval, limit=args.limit)
    else:
        result = evaluate_entities(nlp, args.data, limit=args.limit, details=args.details,
                                   gold_mentions=True if args.gold_mentions else None)
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
