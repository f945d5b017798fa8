"""pipeline.evaluate.ner on a tiny hand-made gold file."""

from __future__ import annotations

import pytest

from pipeline.evaluate.ner import evaluate_ner, read_gold, spans_from_bio


@pytest.mark.parametrize("tags,expected", [
    (["B-PER", "I-PER", "O", "B-LOC"], {(0, 2, "PER"), (3, 4, "LOC")}),
    (["I-ORG", "I-ORG", "B-ORG"], {(0, 2, "ORG"), (2, 3, "ORG")}),
])
def test_evaluate_spans_from_bio(tags, expected):
    assert spans_from_bio(tags) == expected


def test_evaluate_read_gold_germeval(germeval_file):
    gold = list(read_gold(germeval_file))
    assert len(gold) == 2
    assert spans_from_bio(gold[0][1]) == {(0, 2, "PER"), (6, 7, "ORG"), (8, 9, "LOC"), (10, 11, "MISC")}
    assert spans_from_bio(gold[1][1]) == {(3, 4, "LOC")}


def test_evaluate_ner_exact_spans(germeval_file, blank_de):
    ruler = blank_de.add_pipe("entity_ruler")
    ruler.add_patterns([
        {"label": "PER", "pattern": "Merkel"},          # wrong boundary: fp + fn
        {"label": "ORG", "pattern": "Siemens"},         # tp
        {"label": "LOC", "pattern": "Berlin"},          # tp
        {"label": "LOC", "pattern": "Brüssel"},         # tp
    ])
    result = evaluate_ner(blank_de, germeval_file)
    assert (result["tp"], result["fp"], result["fn"]) == (3, 1, 2)
    assert result["p"] == pytest.approx(0.75)
    assert result["r"] == pytest.approx(0.6)
    assert result["per_label"]["LOC"]["f"] == pytest.approx(1.0)
    assert result["per_label"]["MISC"]["r"] == 0.0
    assert result["n_sents"] == 2


def test_evaluate_ner_limit(germeval_file, blank_de):
    assert evaluate_ner(blank_de, germeval_file, limit=1)["n_sents"] == 1


def test_evaluate_read_gold_conll(tmp_path):
    path = tmp_path / "x.conll"
    path.write_text("Kohl\tB-PER\nin\tO\nBonn\tB-LOC\n\nEU\tB-ORG\n", encoding="utf-8")
    gold = list(read_gold(path))
    assert [w for w, _ in gold] == [["Kohl", "in", "Bonn"], ["EU"]]
    assert gold[1][1] == ["B-ORG"]
