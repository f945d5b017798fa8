"""Number-expression evaluation: detection on DFKI corpora, values on meldung's gold list.

``evaluate_numbers(nlp, path)`` recognises the gold format from ``path``:

- ``*.jsonl`` with ``text``, ``span``, ``value`` (``corpus/_gold/numbers.jsonl``):
  one expression per line. Scores: ``found`` (a predicted span overlaps the
  gold span), ``exact_span``, ``value_accuracy`` (predicted value equals the
  gold value, relative tolerance 1e-6; a missed expression counts as wrong),
  ``approx_accuracy``, ``unit_accuracy``, ``what_accuracy`` (all over all rows).
- MobIE (``*.conll2003`` or its folder: ``test.conll2003``): CoNLL-2003 IOB2,
  run on the gold tokens, one Doc per sentence.
- SmartData (``*.json.gz`` or its folder: ``v3_20200302/test.json.gz``):
  a stream of JSON documents with character-offset ``conceptMentions``.

Detection gold for MobIE/SmartData: types ``number``, ``money``, ``percent``,
``distance`` are number expressions; ``duration`` counts only when it contains
a digit or a German number word ("20 Minuten", "zwei Wochen"; not
"ganztägig", "Monate"), because meldung counts the number in a duration. The
corpora's ``number`` also covers ordinals ("neunten"), ages ("75-Jährigen")
and phone numbers, which meldung leaves out on purpose; they stay in the gold
and cost recall. Scores: strict (same character offsets) and overlap (one-to-one,
sharing a character) precision / recall / F1, and overlap recall per gold type.
It prints nothing.

    python -m pipeline.evaluate.numbers --data corpus/_gold/numbers.jsonl
    python -m pipeline.evaluate.numbers --data ../shared/corpora/ner/MobIE-DFKI
    python -m pipeline.evaluate.numbers --data ../shared/corpora/ner/SmartData-DFKI
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import time
from collections import Counter
from pathlib import Path
from typing import Iterator

from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["evaluate_numbers", "read_gold_values", "read_mobie", "read_smartdata", "main"]

NUMBER_TYPES = {"number", "money", "percent", "distance", "duration"}
_NUMBER_WORD = re.compile(
    r"\d|\b(ein|eine|einen|einem|einer|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|"
    r"zwölf|\w+zehn|\w+zig|\w+ßig|hundert|tausend|halbe|viertel)\w*\b", re.I)


def _mapped(label: str, text: str) -> str | None:
    label = label.lower().replace("_", "-")
    if label not in NUMBER_TYPES:
        return None
    if label == "duration" and not _NUMBER_WORD.search(text):
        return None
    return label


def read_gold_values(path: str | Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def read_mobie(path: str | Path) -> Iterator[tuple[list[str], list[tuple[int, int, str]]]]:
    """Yield ``(words, spans)`` per sentence; spans are token offsets with the gold type."""
    words: list[str] = []
    tags: list[str] = []

    def flush():
        spans, start, label = [], None, None
        for i, tag in enumerate(tags + ["O"]):
            if start is not None and not (tag.startswith("I-") and tag[2:] == label):
                spans.append((start, i, label))
                start = None
            if tag.startswith("B-") or (tag.startswith("I-") and start is None):
                start, label = i, tag[2:]
        return spans

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("-DOCSTART-"):
                continue
            if not line.strip():
                if words:
                    yield words, flush()
                words, tags = [], []
                continue
            cols = line.split("\t") if "\t" in line else line.split()
            words.append(cols[0])
            tags.append(cols[-1])
    if words:
        yield words, flush()


def read_smartdata(path: str | Path) -> Iterator[tuple[str, list[tuple[int, int, str]]]]:
    """Yield ``(text, spans)`` per document; spans are character offsets with the gold type."""
    raw = gzip.open(path, "rt", encoding="utf-8").read()
    decoder, i = json.JSONDecoder(), 0
    while True:
        while i < len(raw) and raw[i].isspace():
            i += 1
        if i >= len(raw):
            break
        obj, i = decoder.raw_decode(raw, i)
        text = obj["text"]["string"] if isinstance(obj["text"], dict) else obj["text"]
        mentions = obj.get("conceptMentions") or {}
        mentions = mentions.get("array", []) if isinstance(mentions, dict) else mentions
        yield text, [(m["span"]["start"], m["span"]["end"], m["type"]) for m in mentions]


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def _detection(pairs: list[tuple[list[tuple[int, int]], list[tuple[int, int, str]]]]) -> dict:
    n_pred = n_gold = strict = overlap = 0
    by_type: Counter = Counter()
    found_type: Counter = Counter()
    for pred, gold in pairs:
        n_pred += len(pred)
        n_gold += len(gold)
        gold_spans = {(s, e) for s, e, _ in gold}
        strict += sum(1 for s, e in pred if (s, e) in gold_spans)
        used: set[int] = set()
        for k, (gs, ge, label) in enumerate(gold):
            by_type[label] += 1
            for j, (s, e) in enumerate(pred):
                if j not in used and s < ge and gs < e:
                    used.add(j)
                    overlap += 1
                    found_type[label] += 1
                    break
    out = {f"strict_{k}": v for k, v in _prf(strict, n_pred, n_gold).items()}
    out.update({f"overlap_{k}": v for k, v in _prf(overlap, n_pred, n_gold).items()})
    out.update(n_pred=n_pred, n_gold=n_gold)
    out["recall_by_type"] = {t: round(found_type[t] / by_type[t], 4) for t in sorted(by_type)}
    return out


def _run_on_words(nlp: Language, words: list[str]) -> Doc:
    doc = Doc(nlp.vocab, words=words)
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def _ensure_numbers_pipe(nlp: Language) -> None:
    from ..components import numbers  # noqa: F401 - registers the factory

    if "meldung_numbers" not in nlp.pipe_names:
        nlp.add_pipe("meldung_numbers")


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def _values(nlp: Language, path: Path, limit: int | None) -> dict:
    rows = list(read_gold_values(path))[:limit] if limit else list(read_gold_values(path))
    c: Counter = Counter()
    for row in rows:
        doc = nlp(row["text"])
        start = row["text"].find(row["span"])
        end = start + len(row["span"])
        spans = [s for s in doc.spans.get("numbers", []) if s.start_char < end and start < s.end_char]
        if not spans:
            continue
        span = min(spans, key=lambda s: abs(s.start_char - start) + abs(s.end_char - end))
        c["found"] += 1
        c["exact_span"] += (span.start_char, span.end_char) == (start, end)
        c["value"] += _close(span._.number_value, row["value"])
        c["approx"] += span._.number_approx == row.get("approx")
        c["unit"] += span._.number_unit == row.get("unit")
        c["what"] += span._.number_what == row.get("what")
    n = len(rows)
    out = {"n": n}
    for key in ("found", "exact_span"):
        out[key] = round(c[key] / n, 4) if n else 0.0
    for key in ("value", "approx", "unit", "what"):
        out[f"{key}_accuracy"] = round(c[key] / n, 4) if n else 0.0
    return out


def _detect(path: Path) -> tuple[str, Path]:
    if path.is_dir():
        if (path / "test.conll2003").exists():
            return "mobie", path / "test.conll2003"
        if (path / "v3_20200302" / "test.json.gz").exists():
            return "smartdata", path / "v3_20200302" / "test.json.gz"
        raise ValueError(f"{path}: no test.conll2003 or v3_20200302/test.json.gz in this folder")
    if path.suffix == ".jsonl":
        return "values", path
    if path.name.endswith(".json.gz"):
        return "smartdata", path
    if path.suffix in (".conll2003", ".conll", ".tsv", ".txt"):
        return "mobie", path
    raise ValueError(f"{path}: unknown gold format (want .jsonl, .conll2003 or .json.gz)")


def evaluate_numbers(nlp: Language, path: str | Path, *, limit: int | None = None) -> dict:
    """Scores of ``nlp``'s ``doc.spans["numbers"]`` against the gold at ``path`` (format autodetected).

    ``limit`` caps the gold rows (values), sentences (MobIE) or documents (SmartData).
    """
    _ensure_numbers_pipe(nlp)
    started = time.perf_counter()
    fmt, path = _detect(Path(path))
    if fmt == "values":
        result = _values(nlp, path, limit)
    else:
        pairs = []
        items = read_mobie(path) if fmt == "mobie" else read_smartdata(path)
        for k, item in enumerate(items):
            if limit and k >= limit:
                break
            if fmt == "mobie":
                words, spans = item
                doc = _run_on_words(nlp, words)
                gold = []
                for s, e, label in spans:
                    text = doc[s:e].text
                    if (mapped := _mapped(label, text)):
                        gold.append((doc[s].idx, doc[e - 1].idx + len(doc[e - 1]), mapped))
            else:
                text, spans = item
                doc = nlp(text)
                gold = [(s, e, m) for s, e, label in spans if (m := _mapped(label, text[s:e]))]
            pred = [(s.start_char, s.end_char) for s in doc.spans.get("numbers", [])]
            pairs.append((pred, gold))
        result = _detection(pairs)
        result["n_items"] = len(pairs)
    result["format"] = fmt
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="numbers.jsonl, a MobIE or SmartData file or folder")
    parser.add_argument("--model", default=None, help="model name or path (default: meldung's default)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N rows/sentences/documents")
    args = parser.parse_args(argv)
    from ..nlp import load_base

    nlp = load_base(args.model)
    result = evaluate_numbers(nlp, args.data, limit=args.limit)
    result["model"] = ",".join(nlp.pipe_names)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
