"""The committed model models/de_meldung loads offline with plain spaCy and tags German."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "models" / "de_meldung"

pytestmark = pytest.mark.skipif(not (BUNDLED / "config.cfg").exists(), reason="models/de_meldung has not been built")


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


@pytest.mark.parametrize("limit_mb", [30])
def test_bundled_model_size(limit_mb):
    assert folder_bytes(BUNDLED) <= limit_mb * 1024 * 1024


@pytest.mark.parametrize(
    "text,expected",
    [("Bundeskanzler Olaf Scholz kommt am Freitag nach Paris.", {"Scholz": "PROPN", "kommt": "VERB", "Paris": "PROPN"})],
)
def test_bundled_model_loads_offline_with_plain_spacy(tmp_path, text, expected):
    """A fresh interpreter, no network, no meldung import: spacy.load(path) works."""
    code = (
        "import json, sys, spacy\n"
        f"nlp = spacy.load({str(BUNDLED)!r})\n"
        f"doc = nlp({text!r})\n"
        "print(json.dumps({'pipe_names': nlp.pipe_names, 'pos': {t.text: t.pos_ for t in doc}, "
        "'tags': [t.tag_ for t in doc], 'lemmas': [t.lemma_ for t in doc], 'deps': [t.dep_ for t in doc]}))\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "no_proxy": "*", "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert {"tagger", "morphologizer", "parser"} <= set(result["pipe_names"])
    for word, pos in expected.items():
        assert result["pos"][word] == pos
    assert all(result["tags"]) and all(result["lemmas"]) and result["deps"].count("ROOT") >= 1


@pytest.mark.parametrize("text", ["Die Bürger:innen zahlen 36.000 Euro, sagte Dr. Müller am 2. März."])
def test_bundled_model_via_pipeline_nlp(text):
    from pipeline.components.sentences import add_sentence_rules
    from pipeline.nlp import load_base

    nlp = add_sentence_rules(load_base(str(BUNDLED)))
    doc = nlp(text)
    assert len(list(doc.sents)) == 1
    assert "Bürger:innen" in [t.text for t in doc]


def test_bundled_model_upos_follows_a_deciding_stts_tag():
    """pos_from_tag: where the STTS tag decides the UPOS (ADJD -> ADJ, APPR -> ADP), the
    tagger's answer wins over the morphologizer's; tags that do not decide it (PIS: PRON or
    DET) keep the morphologizer's."""
    import spacy

    nlp = spacy.load(BUNDLED)
    ruler = nlp.get_pipe("pos_from_tag")
    decided = {p["patterns"][0][0]["TAG"]: p["attrs"]["POS"] for p in ruler.patterns}
    assert decided["ADJD"] == "ADJ" and decided["APPR"] == "ADP" and "PIS" not in decided
    doc = nlp("Die Lage ist schlecht, sagte er als Sprecher der Regierung.")
    for token in doc:
        if token.tag_ in decided:
            assert token.pos_ == decided[token.tag_], (token.text, token.tag_, token.pos_)


@pytest.mark.parametrize("rule,after", [
    ("meldung_morph_conventions", "pos_from_tag"),
    ("meldung_morph_agreement", "meldung_lemma_check"),
])
def test_token_rules_follow_their_pipe_in_the_bundled_model_only(rule, after):
    """``pipeline.load()`` adds meldung's token rules to its own model, each right after the
    pipe it corrects, and to no other pipeline (a blank one here)."""
    import pipeline

    assert rule not in pipeline.load("blank").pipe_names
    names = pipeline.load().pipe_names
    assert names.index(rule) == names.index(after) + 1
