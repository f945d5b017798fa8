"""Event evaluation: meldung's own gold reports, and trigger detection on DFKI corpora.

``evaluate_events(nlp, path)`` recognises the gold from ``path``:

- ``*.jsonl`` with ``doc_id``, ``type``, ``trigger``, ``start``, ``end`` and the roles
  (``corpus/_gold/events.jsonl``): the reports are read from ``reports`` (default: the
  ``events/reports.jsonl`` next to the gold's folder, i.e. ``corpus/events/reports.jsonl``)
  through meldung's ingester, so dateline place and publication date are set as in a
  run. An event is found when a predicted event has the same type and its trigger is in
  the same sentence (one-to-one, nearest trigger first). Scores: ``precision``,
  ``recall``, ``f1`` (type + sentence), the same without the type (``untyped_*``),
  per type, and per role over the found events: ``strict`` (same value after case
  folding and dropping articles; quantities equal; ";"-separated lists as sets) and
  ``lenient`` (every gold part's head word - the last word before a postmodifier such
  as "von", "der", "mit", else the last word - minus German endings, occurs in the
  prediction; for dates the shorter value is a prefix of the longer). ``negated`` and
  ``modality`` accuracy are over all found events.
- SmartData v3 (``*.json.gz`` or its folder ``v3_20200302``) and MobIE
  (``*.jsonl.gz`` or its folder ``v1_20210811``): trigger detection for the event types
  that have a counterpart in meldung's taxonomy (:data:`DFKI_TYPES`: Accident and
  Disaster -> disaster, Strike -> protest, OrganizationLeadership -> appoint/resign).
  Traffic events (TrafficJam, Obstruction, Delay, CanceledRoute, ...) and company events
  (Acquisition, Merger, Insolvency, Layoffs, SpinOff) have none and are left out. Gold =
  the ``trigger`` arguments of the mapped events (for Disaster, which has no trigger, the
  ``type`` argument: "Hochwasser"); OrganizationLeadership events are person-position-
  organisation relations without a trigger and so add no gold. A predicted event of a
  mapped type is right when its trigger overlaps a gold trigger of a mapped event of that
  type. The corpora annotate an event only with its arguments, so unannotated mentions
  ("Unfall" in a general remark) count against precision: it is a lower bound.
  Scores: precision / recall / F1, and recall per corpus type.

It prints nothing. ::

    python -m pipeline.evaluate.events --data corpus/_gold/events.jsonl
    python -m pipeline.evaluate.events --data ../shared/corpora/ner/SmartData-DFKI/v3_20200302/dev.json.gz
    python -m pipeline.evaluate.events --data ../shared/corpora/events/mobie/v1_20210811/test.jsonl.gz
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import time
from bisect import bisect_right
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterator

from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["evaluate_events", "read_gold", "read_dfki", "DFKI_TYPES", "ROLES", "main"]

ROLES = ("actor", "target", "place", "date", "quantity", "quantity_what")
#: DFKI event type -> meldung types that count as the same event
DFKI_TYPES = {
    "Accident": {"disaster"},
    "Disaster": {"disaster"},
    "Strike": {"protest"},
    "OrganizationLeadership": {"appoint", "resign"},
}
_ARTICLES = {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines"}


def read_gold(path: str | Path) -> dict[str, list[dict]]:
    """Gold events by doc_id."""
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            event = json.loads(line)
            by_doc[event["doc_id"]].append(event)
    return dict(by_doc)


def _norm(text: str) -> str:
    words = [w for w in re.findall(r"[\w\-/]+", text.casefold()) if w not in _ARTICLES]
    return " ".join(words)


def _stem(word: str) -> str:
    word = word.casefold()
    for suf in ("en", "er", "es", "em", "n", "s", "e"):
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            return word[: -len(suf)]
    return word


def role_match(role: str, gold, pred) -> tuple[bool, bool]:
    """(strict, lenient) agreement of one role value."""
    if role == "quantity":
        ok = pred is not None and abs(float(pred) - float(gold)) <= 1e-6 * max(1.0, abs(float(gold)))
        return ok, ok
    if pred is None:
        return False, False
    if role == "date":
        g, p = str(gold), str(pred)
        return g == p, g.startswith(p) or p.startswith(g)
    gold_parts = [_norm(x) for x in str(gold).split(";") if x.strip()]
    pred_parts = [_norm(x) for x in str(pred).split(";") if x.strip()]
    strict = set(gold_parts) == set(pred_parts)
    pred_stems = {_stem(w) for p in pred_parts for w in p.split()}
    lenient = all(p and _stem(_head(p)) in pred_stems for p in gold_parts)
    return strict, lenient


_POSTMODIFIERS = {"von", "vom", "mit", "für", "der", "des", "gegen", "auf", "über", "an", "aus", "zwischen", "im", "in"}


def _head(phrase: str) -> str:
    """The head word of a normalised German noun phrase: the last word before a
    postmodifier ("lieferung von kampfpanzern" -> "lieferung"), else the last word."""
    words = phrase.split()
    for i, w in enumerate(words):
        if i > 0 and w in _POSTMODIFIERS:
            return words[i - 1]
    return words[-1]


def _sentence_of(doc: Doc):
    starts = [s.start_char for s in doc.sents]
    return lambda char: max(bisect_right(starts, char) - 1, 0)


def _match(gold: list[dict], pred: list[dict], sent_of) -> list[tuple[dict, dict]]:
    """One-to-one pairs of gold and predicted events with the same type and sentence."""
    pairs = []
    cands = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if g["type"] == p["type"] and sent_of(g["start"]) == sent_of(p["start"]):
                cands.append((abs(g["start"] - p["start"]), gi, pi))
    used_g, used_p = set(), set()
    for _, gi, pi in sorted(cands):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gold[gi], pred[pi]))
    return pairs


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0, "tp": tp, "n_pred": n_pred, "n_gold": n_gold}


def _pred_rows(doc: Doc) -> list[dict]:
    rows = []
    for span in doc.spans.get("events", []) if "events" in doc.spans else []:
        row = {"type": span._.event_type, "start": span.start_char, "trigger": span._.event_trigger}
        for name in ROLES + ("negated", "modality"):
            row[name] = span._.get(f"event_{name}")
        rows.append(row)
    return rows


def _evaluate_own(nlp: Language, path: Path, reports: Path | None, limit: int | None) -> dict:
    from ..ingest import iter_reports
    from ..run import make_doc

    gold = read_gold(path)
    reports = reports or path.parent.parent / "events" / "reports.jsonl"
    totals = Counter()
    per_type: dict[str, Counter] = defaultdict(Counter)
    roles = {r: Counter() for r in ROLES}
    errors: list[dict] = []
    n_docs = 0
    started = time.perf_counter()
    for report in iter_reports([str(reports)]):
        if report.doc_id not in gold or report.status != "ok":
            continue
        if limit is not None and n_docs >= limit:
            break
        n_docs += 1
        doc = nlp(make_doc(nlp, report))
        sent_of = _sentence_of(doc)
        g_events, p_events = gold[report.doc_id], _pred_rows(doc)
        pairs = _match(g_events, p_events, sent_of)
        untyped = _match([dict(e, type="x") for e in g_events], [dict(e, type="x") for e in p_events], sent_of)
        totals.update(gold=len(g_events), pred=len(p_events), tp=len(pairs), untyped_tp=len(untyped))
        for e in g_events:
            per_type[e["type"]]["gold"] += 1
        for e in p_events:
            per_type[e["type"]]["pred"] += 1
        for g, p in pairs:
            per_type[g["type"]]["tp"] += 1
            for role in ROLES:
                if g.get(role) is None:
                    roles[role]["gold_null"] += 1
                    roles[role]["null_ok"] += p.get(role) is None
                    continue
                strict, lenient = role_match(role, g[role], p.get(role))
                roles[role].update(n=1, strict=strict, lenient=lenient)
            totals["negated_ok"] += bool(g.get("negated")) == bool(p.get("negated"))
            totals["modality_ok"] += (g.get("modality") or "asserted") == p.get("modality")
        matched_g = {id(g) for g, _ in pairs}
        matched_p = {id(p) for _, p in pairs}
        for g in g_events:
            if id(g) not in matched_g:
                errors.append({"doc_id": report.doc_id, "kind": "missed", "type": g["type"], "trigger": g["trigger"],
                               "sent": sent_of(g["start"])})
        for p in p_events:
            if id(p) not in matched_p:
                errors.append({"doc_id": report.doc_id, "kind": "spurious", "type": p["type"], "trigger": p["trigger"],
                               "sent": sent_of(p["start"])})
    out = {"data": str(path), "n_docs": n_docs, **_prf(totals["tp"], totals["pred"], totals["gold"])}
    untyped = _prf(totals["untyped_tp"], totals["pred"], totals["gold"])
    out.update({"untyped_precision": untyped["precision"], "untyped_recall": untyped["recall"],
                "untyped_f1": untyped["f1"]})
    out["per_type"] = {t: _prf(c["tp"], c["pred"], c["gold"]) for t, c in sorted(per_type.items())}
    out["roles"] = {r: {"n": c["n"], "strict": round(c["strict"] / c["n"], 3) if c["n"] else None,
                        "lenient": round(c["lenient"] / c["n"], 3) if c["n"] else None,
                        "null_agreement": round(c["null_ok"] / c["gold_null"], 3) if c["gold_null"] else None}
                    for r, c in roles.items()}
    out["negated_accuracy"] = round(totals["negated_ok"] / totals["tp"], 3) if totals["tp"] else None
    out["modality_accuracy"] = round(totals["modality_ok"] / totals["tp"], 3) if totals["tp"] else None
    out["errors"] = errors
    out["seconds"] = round(time.perf_counter() - started, 1)
    return out


# -- DFKI corpora (SmartData, MobIE)


def _unwrap(value):
    """Avro JSON: {"array": [...]}, {"string": "..."} -> the plain value."""
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in (
            "array", "string", "map", "float", "long", "int"):
        return next(iter(value.values()))
    return value


def _iter_json_stream(text: str) -> Iterator[dict]:
    dec = json.JSONDecoder()
    i = 0
    while i < len(text):
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        obj, i = dec.raw_decode(text, i)
        yield obj


def read_dfki(path: str | Path) -> Iterator[tuple[str, str, list[tuple[int, int, str]]]]:
    """(doc id, text, [(trigger start, end, corpus event type)]) per document of a SmartData
    ``*.json.gz`` (stream of JSON objects) or MobIE ``*.jsonl.gz`` file, mapped events only."""
    path = Path(path)
    if path.is_dir():
        found = sorted(path.glob("**/dev.json.gz")) or sorted(path.glob("**/test.jsonl.gz"))
        if not found:
            raise FileNotFoundError(f"no dev.json.gz or test.jsonl.gz below {path}")
        path = found[0]
    with gzip.open(path, "rt", encoding="utf-8") as f:
        text = f.read()
    docs = (json.loads(line) for line in text.splitlines() if line.strip()) if path.name.endswith(".jsonl.gz") \
        else _iter_json_stream(text)
    for d in docs:
        triggers = []
        for rel in _unwrap(d.get("relationMentions")) or []:
            if rel["name"] not in DFKI_TYPES:
                continue
            for arg in _unwrap(rel.get("args")) or []:
                # the anchor: the trigger; Disaster events have none, their disaster-type
                # argument ("Hochwasser", "Erdbeben") is the word that names the event
                if arg.get("role") == "trigger" or (rel["name"] == "Disaster" and arg.get("role") == "type"):
                    span = arg["conceptMention"]["span"]
                    triggers.append((span["start"], span["end"], rel["name"]))
        yield d["id"], _unwrap(d.get("text")) or "", triggers


def _evaluate_dfki(nlp: Language, path: Path, limit: int | None) -> dict:
    mapped = set().union(*DFKI_TYPES.values())
    tp = n_pred = n_gold = gold_found = 0
    per_type: dict[str, Counter] = defaultdict(Counter)
    n_docs = 0
    started = time.perf_counter()
    for doc_id, text, triggers in read_dfki(path):
        if limit is not None and n_docs >= limit:
            break
        n_docs += 1
        doc = nlp(text)
        preds = [(s.start_char, s.end_char, s._.event_type) for s in doc.spans.get("events", [])
                 if s._.event_type in mapped] if "events" in doc.spans else []
        n_pred += len(preds)
        n_gold += len(triggers)
        for gs, ge, gtype in triggers:
            per_type[gtype]["gold"] += 1
            if any(ps < ge and gs < pe and ptype in DFKI_TYPES[gtype] for ps, pe, ptype in preds):
                gold_found += 1
                per_type[gtype]["found"] += 1
        for ps, pe, ptype in preds:
            if any(ps < ge and gs < pe and ptype in DFKI_TYPES[gtype] for gs, ge, gtype in triggers):
                tp += 1
    p = tp / n_pred if n_pred else 0.0
    r = gold_found / n_gold if n_gold else 0.0
    return {"data": str(path), "n_docs": n_docs, "n_gold": n_gold, "n_pred": n_pred,
            "precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "recall_per_type": {t: {"n": c["gold"], "recall": round(c["found"] / c["gold"], 3)}
                                for t, c in sorted(per_type.items())},
            "mapping": {k: sorted(v) for k, v in DFKI_TYPES.items()},
            "seconds": round(time.perf_counter() - started, 1)}


def evaluate_events(nlp: Language, path: str | Path, *, limit: int | None = None,
                    reports: str | Path | None = None) -> dict:
    """Scores of ``nlp`` (with ``meldung_events``) against the gold at ``path`` (see module doc)."""
    path = Path(path)
    if path.suffix == ".jsonl" and not path.name.endswith(".jsonl.gz"):
        return _evaluate_own(nlp, path, Path(reports) if reports else None, limit)
    return _evaluate_dfki(nlp, path, limit)


def load_pipeline(model: str | None = None) -> Language:
    """The best available pipeline with ``meldung_events`` added: ``model``, else
    ``models/de_meldung``, else the newest ``models/training/*/model-best``, else blank."""
    from .. import nlp as nlp_module
    from ..components import events  # noqa: F401 - registers meldung_events

    if model is None:
        root = nlp_module.BUNDLED_MODEL.parent
        if (root / "de_meldung" / "config.cfg").exists():
            model = str(root / "de_meldung")
        else:
            best = sorted(root.glob("training/*/model-best/config.cfg"), key=lambda p: p.stat().st_mtime)
            model = str(best[-1].parent) if best else "blank"
    nlp = nlp_module.load(model)
    if "meldung_events" not in nlp.pipe_names:
        nlp.add_pipe("meldung_events")
    nlp.meta.setdefault("_meldung_model", model)
    return nlp


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="gold file or folder (see the module doc)")
    parser.add_argument("--model", default=None, help="pipeline name or path (default: best available)")
    parser.add_argument("--limit", type=int, default=None, help="evaluate the first N documents only")
    parser.add_argument("--errors", action="store_true", help="also print missed and spurious events")
    args = parser.parse_args(argv)
    nlp = load_pipeline(args.model)
    scores = evaluate_events(nlp, args.data, limit=args.limit)
    scores["model"] = nlp.meta.get("_meldung_model")
    shown = dict(scores)
    if not args.errors:
        shown.pop("errors", None)
    print(json.dumps(shown, ensure_ascii=False, indent=1))
    return scores


if __name__ == "__main__":
    main()
