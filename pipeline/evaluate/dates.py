"""Time-expression evaluation on WikiWarsDE (TIMEX2 inline gold).

``evaluate_dates(nlp, path)`` reads ``keyinline/*.key.xml`` of a WikiWarsDE
folder (or one such file), strips the ``<TIMEX2>`` tags to get the text, runs
the pipeline with the document creation time as ``doc._.published`` and
compares ``doc.spans["dates"]`` with the gold timexes of the TEXT part:

- extraction precision / recall / F1, **strict** (same character offsets) and
  **overlap** (a predicted and a gold span share a character; one-to-one);
- **value accuracy**: of the overlapping pairs, the share whose value equals
  the gold ``val`` (the ACE TERN / HeidelTime convention: accuracy over the
  correctly extracted expressions).

The ``meldung_dates`` pipe is run in ``narrative`` mode (WikiWarsDE is
encyclopaedic narrative; HeidelTime's published figures also use its narrative
setting). Documents are split into a tuning part and a held-out part: every 5th
document (sorted by name: 5th, 10th, 15th) is held out; the tuning part is the
rest. Figures are reported for ``all``, ``tune`` and ``heldout``. It prints nothing.

    python -m pipeline.evaluate.dates --data ../shared/corpora/time/WikiWarsDE [--model PATH] [--limit N]
"""

from __future__ import annotations

import argparse
import html
import json
import re
import time
from pathlib import Path
from typing import Iterator

from spacy.language import Language

__all__ = ["evaluate_dates", "read_wikiwars", "main"]

_TIMEX = re.compile(r"<TIMEX2([^>]*)>|</TIMEX2>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def read_wikiwars(path: str | Path) -> Iterator[dict]:
    """Yield ``{"id", "dct", "text", "timexes": [(start, end, val)]}`` per document.

    Nested TIMEX2 are kept as separate gold expressions; offsets index the TEXT part.
    """
    path = Path(path)
    files = sorted((path / "keyinline").glob("*.xml")) if path.is_dir() else [path]
    if path.is_dir() and not files:
        files = sorted(path.glob("*.key.xml"))
    for f in files:
        raw = f.read_text(encoding="utf-8")
        dct = re.search(r'<DATETIME>.*?val="([^"]+)"', raw, re.S)
        body = raw[raw.index("<TEXT>") + len("<TEXT>"):raw.index("</TEXT>")]
        text_parts, timexes, stack, pos, out_len = [], [], [], 0, 0
        for m in _TIMEX.finditer(body):
            chunk = html.unescape(body[pos:m.start()])
            text_parts.append(chunk)
            out_len += len(chunk)
            if m.group(0).startswith("</"):
                start, attrs = stack.pop()
                timexes.append((start, out_len, attrs.get("val")))
            else:
                stack.append((out_len, dict(_ATTR.findall(m.group(1)))))
            pos = m.end()
        text_parts.append(html.unescape(body[pos:]))
        yield {"id": f.name.split(".")[0], "dct": dct.group(1)[:10] if dct else None,
               "text": "".join(text_parts), "timexes": sorted(timexes)}


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def _score(pairs: list[tuple[list, list]]) -> dict:
    n_pred = n_gold = strict = overlap = correct = 0
    for pred, gold in pairs:
        n_pred += len(pred)
        n_gold += len(gold)
        gold_spans = {(s, e) for s, e, _ in gold}
        strict += sum(1 for s, e, _ in pred if (s, e) in gold_spans)
        used: set[int] = set()
        for s, e, v in pred:
            for k, (gs, ge, gv) in enumerate(gold):
                if k not in used and s < ge and gs < e:
                    used.add(k)
                    overlap += 1
                    correct += int(v is not None and v == gv)
                    break
    out = {f"strict_{k}": v for k, v in _prf(strict, n_pred, n_gold).items()}
    out.update({f"overlap_{k}": v for k, v in _prf(overlap, n_pred, n_gold).items()})
    out["value_accuracy"] = round(correct / overlap, 4) if overlap else 0.0
    out.update(n_pred=n_pred, n_gold=n_gold)
    return out


def _ensure_dates_pipe(nlp: Language) -> None:
    from ..components import dates  # noqa: F401 - registers the factory

    if "meldung_dates" not in nlp.pipe_names:
        nlp.add_pipe("meldung_dates", config={"document_type": "narrative"})
    else:
        nlp.get_pipe("meldung_dates").document_type = "narrative"


def evaluate_dates(nlp: Language, path: str | Path, *, limit: int | None = None) -> dict:
    """Scores of ``nlp``'s ``doc.spans["dates"]`` against WikiWarsDE at ``path``.

    Returns ``{"all": {...}, "tune": {...}, "heldout": {...}, "n_docs": int, "seconds": float}``
    where each part holds strict_p/r/f, overlap_p/r/f, value_accuracy, n_pred, n_gold.
    """
    from .. import extensions  # noqa: F401 - registers doc._.published

    _ensure_dates_pipe(nlp)
    started = time.perf_counter()
    parts: dict[str, list] = {"all": [], "tune": [], "heldout": []}
    docs = list(read_wikiwars(path))[:limit] if limit else list(read_wikiwars(path))
    for k, item in enumerate(docs, start=1):
        doc = nlp.make_doc(item["text"])
        doc._.published = item["dct"]
        doc = nlp(doc)
        pred = [(s.start_char, s.end_char, s._.date_value) for s in doc.spans.get("dates", [])]
        pair = (pred, item["timexes"])
        parts["all"].append(pair)
        parts["heldout" if k % 5 == 0 else "tune"].append(pair)
    result = {name: _score(pairs) for name, pairs in parts.items()}
    result["n_docs"] = len(docs)
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


def _load(model: str | None) -> Language:
    from ..nlp import load_base

    nlp = load_base(model)
    if model in (None, "blank") and "parser" not in nlp.pipe_names:
        try:  # the project's German tokenizer rules ("im Jahr 1990." -> "1990" ".")
            from ..components.tokenizer import customize_tokenizer
            customize_tokenizer(nlp)
        except ImportError:
            pass
    return nlp


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="WikiWarsDE folder (or one keyinline file)")
    parser.add_argument("--model", default=None, help="model name or path (default: meldung's default)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    args = parser.parse_args(argv)
    nlp = _load(args.model)
    result = evaluate_dates(nlp, args.data, limit=args.limit)
    result["model"] = ",".join(nlp.pipe_names)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
