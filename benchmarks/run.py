"""Throughput and memory of meldung, measured side by side on one corpus.

    python benchmarks/run.py                 # N = 1,000 and 10,000 reports; writes benchmarks/RESULTS.md
    python benchmarks/run.py --sizes 200 --repeat 1   # a quick look

The corpus: the sample reports in corpus/ and, when present, the raw news texts in
../shared/corpora/news (Wikinews, 10kGNAD; used here only to measure speed),
repeated until N reports. Each measurement runs in its own process (so peak RSS is
its own):
  (a) spaCy tokenisation alone of the same texts (the ceiling),
  (b) the model's nlp.pipe without meldung's components (its pos_from_tag attribute ruler
      replaced by the equivalent array lookup, as pipeline.load() does),
  (c) the full `meldung run` (ingest + all components + writing Parquet; timed after
      the pipeline is loaded, like (b), with the load time reported on its own),
each as words per second per process (the median of ``--repeat`` runs of (a), (b) and
(c), taken in turn: the machine's speed drifts by several percent between minutes, and
one run each of (b) and (c) at different moments moved their ratio by as much); plus peak RSS of (c) at every N, the
speedup of `--n-process 2` over 1 at the largest N, and, at the smallest N, where
(c)'s time goes: CPU seconds by stage of one more full run (benchmarks/stages.py).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT.parent / "shared" / "corpora" / "news"


def base_texts() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from pipeline.ingest import iter_reports

    texts = [r.text for r in iter_reports([str(ROOT / "corpus")]) if r.status == "ok"]
    wikinews = NEWS / "wikinews-de" / "articles.jsonl.gz"
    if wikinews.exists():
        with gzip.open(wikinews, "rt", encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()]
    gnad = NEWS / "10kGNAD" / "test.csv.gz"
    if gnad.exists():
        with gzip.open(gnad, "rt", encoding="utf-8") as handle:
            texts += [row[1] for row in csv.reader(handle, delimiter=";", quotechar="'") if len(row) > 1]
    return [t for t in texts if t.strip()]


def write_corpus(folder: Path, n: int, texts: list[str]) -> Path:
    path = folder / f"bench-{n}.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(n):
            handle.write(json.dumps({"id": f"b{i}", "text": texts[i % len(texts)],
                                     "published": "2023-05-23"}, ensure_ascii=False) + "\n")
    return path


MEASURE = r"""
import json, resource, sys, time
mode, path, model = sys.argv[1], sys.argv[2], sys.argv[3]
texts = [json.loads(l)["text"] for l in open(path, encoding="utf-8")]
import spacy
from pipeline.nlp import load_base
nlp = spacy.blank("de") if mode == "tokenizer" else load_base(None if model == "-" else model)
if mode != "tokenizer":  # the model as meldung runs it: its UPOS ruler as an array lookup
    from pipeline.nlp import speed_up_pos_rules
    speed_up_pos_rules(nlp)
if mode == "tokenizer":
    from pipeline.components.tokenizer import customize_tokenizer
    customize_tokenizer(nlp)
start = time.perf_counter(); words = 0
if mode == "tokenizer":
    for doc in nlp.tokenizer.pipe(texts, batch_size=256):
        words += len(doc)
else:
    for doc in nlp.pipe(texts, batch_size=64):
        words += len(doc)
seconds = time.perf_counter() - start
print(json.dumps({"words": words, "seconds": seconds,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# The model is loaded before the clock starts, as in (b): (c) vs (b) then compares the work
# per document, and the load (a few seconds, once per run) is reported on its own.
RUN = r"""
import json, resource, sys, time
from pipeline.nlp import load
from pipeline.run import RunOptions, run
path, out, n_process, model = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
start = time.perf_counter()
nlp = load(None if model == "-" else model)
load_seconds = time.perf_counter() - start
start = time.perf_counter()
summary = run([path], out, RunOptions(n_process=n_process, overwrite=True), nlp=nlp)
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"words": summary.words, "seconds": seconds, "rss_mb": rss / 1024,
                  "docs": sum(summary.documents.values()), "load_seconds": load_seconds}))
"""


def _child(code: str, *args: str) -> dict:
    return _python("-c", code, *args)


def _python(*argv: str) -> dict:
    """Run Python with ``argv`` in a process of its own (one BLAS thread) and return the
    JSON object its output ends with."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, *argv], capture_output=True, text=True, env=env, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--model", default="-", help="model name or folder (default: the bundled one)")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of (a), (b) and (c) per size, in turn; the table has their medians")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be 1 or more")
    texts = base_texts()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for n in args.sizes:
            path = write_corpus(tmp, n, texts)
            runs = [_measure_once(path, tmp / f"out-{n}", args.model) for _ in range(args.repeat)]
            tok, model, full = (_median_run([r[i] for r in runs]) for i in range(3))
            row = {"n": n, "words": full["words"],
                   "tokenizer": tok["words"] / tok["seconds"], "model": model["words"] / model["seconds"],
                   "full": full["words"] / full["seconds"], "rss_mb": max(r[2]["rss_mb"] for r in runs),
                   "load_seconds": full["load_seconds"],
                   "ratios": [r[2]["seconds"] / r[2]["words"] / (r[1]["seconds"] / r[1]["words"]) for r in runs]}
            if n == max(args.sizes):
                two = _child(RUN, str(path), str(tmp / f"out2-{n}"), "2", args.model)
                row["speedup"] = full["seconds"] / two["seconds"]
            if n == min(args.sizes):
                row["stages"] = _stages(path, args.model)
            rows.append(row)
            print(json.dumps(row), flush=True)
    report(rows, args)


def _measure_once(path: Path, out: Path, model: str) -> tuple[dict, dict, dict]:
    """One run each of (a), (b) and (c) over ``path``, one after the other."""
    return (_child(MEASURE, "tokenizer", str(path), model), _child(MEASURE, "model", str(path), model),
            _child(RUN, str(path), str(out), "1", model))


def _median_run(runs: list[dict]) -> dict:
    """The run of median time per word (the lower middle one of an even number)."""
    ranked = sorted(runs, key=lambda r: r["seconds"] / r["words"])
    return ranked[(len(ranked) - 1) // 2]


def _stages(path: Path, model: str) -> dict:
    """CPU seconds by stage of one full run over ``path`` (benchmarks/stages.py)."""
    return _python(str(ROOT / "benchmarks" / "stages.py"), str(path), *([] if model == "-" else ["--model", model]))


def report(rows: list[dict], args) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {date.today().isoformat()} with `python benchmarks/run.py` on {os.cpu_count()} cores "
        f"({platform.processor() or platform.machine()}, Python {platform.python_version()}); "
        f"model: {'bundled (models/de_meldung)' if args.model == '-' else args.model}. "
        "Words per second per process (one process unless noted).",
        "",
        "(c) is timed after loading the pipeline, as (b) is; the load is its own column. "
        f"Each figure is the median of {args.repeat} runs, (a), (b) and (c) in turn; peak RSS the "
        "highest of (c)'s.",
        "",
        "| reports | words | (a) tokenizer | (b) model nlp.pipe | (c) full meldung run | (c) vs (b) | peak RSS (c) | load (c) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        overhead = (r["model"] / r["full"] - 1) * 100
        lines.append(f"| {r['n']:,} | {r['words']:,} | {r['tokenizer']:,.0f} | {r['model']:,.0f} | "
                     f"{r['full']:,.0f} | +{overhead:.0f}% time | {r['rss_mb']:,.0f} MB | {r['load_seconds']:.1f} s |")
    big = rows[-1]
    if args.repeat > 1:
        lines += [""] + [f"(c) vs (b) in each of the {args.repeat} turns at {r['n']:,} reports: "
                         + ", ".join(f"+{(x - 1) * 100:.0f}%" for x in r["ratios"])
                         + f" (median turn +{(statistics.median(r['ratios']) - 1) * 100:.0f}%)." for r in rows]
        lines += ["", "The column \"(c) vs (b)\" divides the medians of (b) and (c); the median turn "
                  "compares (b) and (c) of the same minutes, so the machine's drift between turns "
                  "does not enter it."]
    lines += ["", f"`--n-process 2` vs 1 at {big['n']:,} reports: {big.get('speedup', float('nan')):.2f}x."]
    if len(rows) > 1:
        growth = (rows[-1]["rss_mb"] / rows[0]["rss_mb"] - 1) * 100
        lines.append(f"Peak RSS at {rows[-1]['n']:,} reports vs {rows[0]['n']:,}: {growth:+.0f}%.")
    staged = [r for r in rows if "stages" in r]
    if staged:
        lines += [""] + stage_table(staged[0]["n"], staged[0]["stages"])
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


#: stages of a run that are not a pipeline component, and what they belong to
_RUN_STAGES = {"read input": "input", "make Docs": "model", "rows": "tables", "write parts": "tables",
               "link people": "tables"}


def stage_table(n: int, stages: dict) -> list[str]:
    """The Markdown section "where (c)'s time goes" from benchmarks/stages.py's answer:
    each stage as CPU seconds per 1,000 reports and as a share of the model's stages (the
    tokenizer, as "make Docs", and the model's components: what (b) runs)."""
    seconds, model_pipes = stages["seconds"], set(stages["model"])
    kind = {name: _RUN_STAGES.get(name, "model" if name in model_pipes else "meldung") for name in seconds}
    model = sum(v for name, v in seconds.items() if kind[name] == "model")
    per_1000 = 1000 / stages["documents"]
    lines = [f"Where (c)'s time goes: CPU seconds by stage of one full run over the {n:,} reports "
             f"(`python benchmarks/stages.py`; {stages['total']:.1f} s in all), in pipeline order; "
             "\"vs model\" is the share of the model's stages (the tokenizer and the model's "
             "components, what (b) runs).",
             "",
             "| stage | part | CPU s per 1,000 reports | vs model |",
             "|---|---|---:|---:|"]
    for name, value in seconds.items():
        lines.append(f"| {name} | {kind[name]} | {value * per_1000:.2f} | {value / model * 100:.1f}% |")
    for part in ("meldung", "tables", "input"):
        value = sum(v for name, v in seconds.items() if kind[name] == part)
        lines.append(f"| **all {part}** | | **{value * per_1000:.2f}** | **{value / model * 100:.1f}%** |")
    added = sum(v for name, v in seconds.items() if kind[name] != "model")
    lines += ["", f"Model stages {model * per_1000:.2f} s per 1,000 reports; everything else "
              f"{added * per_1000:.2f} s, **+{added / model * 100:.0f}%** over the model (CPU time)."]
    return lines


if __name__ == "__main__":
    main()
