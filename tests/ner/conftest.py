"""Fixtures for the NER tests: tiny gold files and the trained model if present."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

ROOT = Path(__file__).resolve().parents[2]
MODEL_DIRS = (ROOT / "models" / "ner" / "output" / "model-best", ROOT / "models" / "ner" / "best")

GERMEVAL_LINES = """#\thttp://de.wikipedia.org/wiki/X\t[2009-10-17]
1\tAngela\tB-PER\tO
2\tMerkel\tI-PER\tO
3\tbesucht\tO\tO
4\tdie\tO\tO
5\tdeutsche\tB-LOCderiv\tO
6\tFirma\tO\tO
7\tSiemens\tB-ORG\tO
8\tin\tO\tO
9\tBerlin\tB-LOC\tO
10\tzur\tO\tO
11\tIAA\tB-OTH\tO
12\t.\tO\tO

#\thttp://www.spiegel.de/y\t[2009-10-17]
1\tDie\tO\tO
2\tEU-Kommission\tB-ORGpart\tO
3\tin\tO\tO
4\tBrüssel\tB-LOC\tO
5\ttagt\tO\tO
6\t.\tO\tO

"""


@pytest.fixture
def germeval_file(tmp_path: Path) -> Path:
    path = tmp_path / "mini.tsv"
    path.write_text(GERMEVAL_LINES, encoding="utf-8")
    return path


@pytest.fixture
def blank_de():
    return spacy.blank("de")


@pytest.fixture(scope="session")
def ner_model():
    """The bundled pipeline when it has NER (what users get), else a trained NER folder."""
    bundled = ROOT / "models" / "de_meldung"
    for path in (bundled, *MODEL_DIRS):
        if (path / "config.cfg").exists():
            nlp = spacy.load(path)
            if "ner" in nlp.pipe_names:
                return nlp
    pytest.skip("no trained NER model (run models/ner/train.py --variant best)")
