"""evaluate_numbers / evaluate_dates: silent functions returning flat dicts, on small inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from pipeline.evaluate.dates import evaluate_dates, read_wikiwars
from pipeline.evaluate.numbers import evaluate_numbers

ROOT = Path(__file__).resolve().parents[2]
WIKIWARS = ROOT.parent / "shared" / "corpora" / "time" / "WikiWarsDE"

KEY = """<DOC>
<DOCID>x</DOCID>
<DATETIME> <TIMEX2 val="2011-02-16T17:00:00">2011-02-16T17:00:00</TIMEX2> </DATETIME>
<TEXT>
Der Krieg begann am <TIMEX2 val="1939-09-01">1. September 1939</TIMEX2> in Polen. Im <TIMEX2 val="1939-12">Dezember</TIMEX2> fiel Schnee &amp; Eis.
</TEXT>
</DOC>
"""


def blank():
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    return nlp


def test_eval_read_wikiwars_offsets(tmp_path):
    (tmp_path / "keyinline").mkdir()
    (tmp_path / "keyinline" / "x.key.xml").write_text(KEY, encoding="utf-8")
    doc = next(read_wikiwars(tmp_path))
    assert doc["dct"] == "2011-02-16"
    assert [doc["text"][s:e] for s, e, _ in doc["timexes"]] == ["1. September 1939", "Dezember"]
    assert "Schnee & Eis" in doc["text"]


def test_eval_dates_scores(tmp_path):
    (tmp_path / "keyinline").mkdir()
    (tmp_path / "keyinline" / "x.key.xml").write_text(KEY, encoding="utf-8")
    result = evaluate_dates(blank(), tmp_path)
    assert result["all"]["strict_f"] == 1.0 and result["all"]["value_accuracy"] == 1.0
    assert result["n_docs"] == 1


def test_eval_numbers_values(tmp_path):
    path = tmp_path / "numbers.jsonl"
    rows = [{"text": "Rund 36.000 wurden obdachlos.", "span": "Rund 36.000", "value": 36000,
             "approx": "rund", "unit": None, "what": None},
            {"text": "Es starben 34 Soldaten.", "span": "34", "value": 34, "approx": None,
             "unit": None, "what": "Soldaten"}]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    result = evaluate_numbers(blank(), path)
    assert result["value_accuracy"] == 1.0 and result["what_accuracy"] == 1.0 and result["n"] == 2


def test_eval_numbers_conll(tmp_path):
    path = tmp_path / "x.conll2003"
    path.write_text("-DOCSTART- -1- O O\n\nStau\tNN\tO\tO\nauf\tAPPR\tO\tO\n5\tCARD\tO\tB-distance\n"
                    "km\tNN\tO\tI-distance\nund\tKON\tO\tO\nganztägig\tADJD\tO\tB-duration\n", encoding="utf-8")
    result = evaluate_numbers(blank(), path)
    assert result["n_gold"] == 1 and result["strict_f"] == 1.0


@pytest.mark.skipif(not WIKIWARS.exists(), reason="WikiWarsDE not present")
def test_eval_dates_wikiwars_one_document():
    result = evaluate_dates(blank(), WIKIWARS, limit=1)
    assert result["n_docs"] == 1 and result["all"]["overlap_f"] > 0.8
