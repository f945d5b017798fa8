"""The clocks of benchmarks/stages.py: each component's time is its own."""

import importlib.util
import time
from pathlib import Path

import spacy
from spacy.language import Language

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _burn(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


@Language.component("test_slow_component")
def slow_component(doc):
    _burn(0.04)
    return doc


@Language.component("test_quick_component")
def quick_component(doc):
    _burn(0.005)
    doc.user_data["seen"] = True
    return doc


def test_a_component_is_not_charged_for_the_components_before_it():
    stages = _load("stages")
    nlp = spacy.blank("de")
    nlp.add_pipe("test_slow_component")
    nlp.add_pipe("test_quick_component")
    nlp._components = [(name, stages.TimedComponent(name, c, nlp)) for name, c in nlp._components]
    docs = list(nlp.pipe(["Eins.", "Zwei.", "Drei.", "Vier."], batch_size=2))
    assert all(doc.user_data["seen"] for doc in docs)
    assert 0.15 <= stages.SECONDS["test_slow_component"] < 0.3
    assert 0.02 <= stages.SECONDS["test_quick_component"] < 0.1  # not the slow one's 0.16 s


def test_the_stage_table_adds_up_meldung_tables_and_input_against_the_model():
    run = _load("run")
    answer = {"documents": 500, "total": 14.0, "model": ["tok2vec", "ner"],
              "seconds": {"read input": 0.5, "make Docs": 1.0, "tok2vec": 5.0, "ner": 4.0,
                          "meldung_quotes": 2.0, "rows": 1.0, "write parts": 0.5}}
    lines = run.stage_table(500, answer)
    assert "| meldung_quotes | meldung | 4.00 | 20.0% |" in lines
    assert "| **all tables** | | **3.00** | **15.0%** |" in lines
    assert lines[-1].endswith("everything else 8.00 s, **+40%** over the model (CPU time).")


def test_the_table_takes_the_run_of_median_time_per_word():
    run = _load("run")
    runs = [{"words": 100, "seconds": 3.0}, {"words": 200, "seconds": 2.0}, {"words": 100, "seconds": 1.5}]
    assert run._median_run(runs) == {"words": 100, "seconds": 1.5}  # 10, 15 and 30 ms per word
    assert run._median_run(runs[:2]) == {"words": 200, "seconds": 2.0}  # of two: the quicker


def test_the_report_gives_the_median_turn_beside_the_ratio_of_medians(tmp_path):
    run = _load("run")
    row = {"n": 1000, "words": 270_000, "tokenizer": 150_000.0, "model": 12_000.0, "full": 9_000.0,
           "rss_mb": 600.0, "load_seconds": 2.0, "ratios": [1.40, 1.25, 1.27]}
    args = type("Args", (), {"repeat": 3, "model": "-", "output": tmp_path / "RESULTS.md"})()
    run.report([row], args)
    text = args.output.read_text(encoding="utf-8")
    assert "| 1,000 | 270,000 | 150,000 | 12,000 | 9,000 | +33% time | 600 MB | 2.0 s |" in text
    assert "turns at 1,000 reports: +40%, +25%, +27% (median turn +27%)." in text
