"""pipeline.evaluate.ud: CoNLL-U reading (multiword tokens merged) and scoring."""

from __future__ import annotations

import pytest
import spacy

from pipeline.evaluate.ud import evaluate_ud, read_conllu, sentence_to_doc

CONLLU = """# sent_id = s1
# text = Er geht zum Bahnhof.
1	Er	er	PRON	PPER	Case=Nom|Gender=Masc|Number=Sing|Person=3|PronType=Prs	3	nsubj	_	_
2	geht	gehen	VERB	VVFIN	Mood=Ind|Number=Sing|Person=3|Tense=Pres|VerbForm=Fin	0	root	_	_
3-4	zum	_	_	_	_	_	_	_	_
3	zu	zu	ADP	APPR	_	5	case	_	_
4	dem	der	DET	ART	Case=Dat|Definite=Def|Gender=Masc|Number=Sing|PronType=Art	5	det	_	_
5	Bahnhof	Bahnhof	NOUN	NN	Case=Dat|Gender=Masc|Number=Sing	2	obl	_	SpaceAfter=No
6	.	.	PUNCT	$.	_	2	punct	_	_

# sent_id = s2
# text = Das ist gut.
1	Das	der	PRON	PDS	Case=Nom|Gender=Neut|Number=Sing|PronType=Dem	3	nsubj	_	_
2	ist	sein	AUX	VAFIN	Mood=Ind|Number=Sing|Person=3|Tense=Pres|VerbForm=Fin	3	cop	_	_
3	gut	gut	ADJ	ADJD	Degree=Pos	0	root	_	SpaceAfter=No
4	.	.	PUNCT	$.	_	3	punct	_	_

"""


@pytest.fixture()
def conllu_file(tmp_path):
    path = tmp_path / "tiny.conllu"
    path.write_text(CONLLU, encoding="utf8")
    return path


@pytest.mark.parametrize("expected", [(["Er", "geht", "zum", "Bahnhof", "."], "APPRART", "zu der")])
def test_evaluate_ud_merges_multiword_tokens(conllu_file, expected):
    words, tag, lemma = expected
    sentence = next(read_conllu(conllu_file))
    doc = sentence_to_doc(spacy.blank("de").vocab, sentence)
    assert [t.text for t in doc] == words
    assert doc[2].tag_ == tag and doc[2].lemma_ == lemma and doc[2].pos_ == "ADP"
    assert doc[3].head.i == 1 and doc[2].head.i == 3


@pytest.mark.parametrize("keys", [("upos", "xpos", "morph", "lemma", "uas", "las", "sent_f", "words_per_second")])
def test_evaluate_ud_blank_pipeline(conllu_file, keys):
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    scores = evaluate_ud(nlp, conllu_file)
    assert set(keys) <= set(scores)
    assert scores["upos"] is None and scores["las"] is None  # nothing to score
    assert scores["sent_f"] == 1.0
    assert scores["n_sentences"] == 2 and scores["n_words"] == 9


@pytest.mark.parametrize("limit", [1])
def test_evaluate_ud_limit(conllu_file, limit):
    nlp = spacy.blank("de")
    assert evaluate_ud(nlp, conllu_file, limit=limit, raw_sentences=False)["n_sentences"] == limit


@pytest.mark.parametrize("floor", [{"upos": 0.8, "las": 0.5, "lemma": 0.8}])
def test_evaluate_ud_bundled_model(bundled_nlp, conllu_file, floor):
    scores = evaluate_ud(bundled_nlp, conllu_file)
    for key, value in floor.items():
        assert scores[key] >= value, key
