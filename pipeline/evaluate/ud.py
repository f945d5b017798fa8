"""Score a German pipeline against a Universal Dependencies treebank (CoNLL-U).

``evaluate_ud(nlp, path)`` reads the treebank, merges multiword tokens the way
spaCy's own CoNLL-U converter does (``zum`` = ``zu`` + ``dem`` becomes one token
``zum`` with tag ``APPRART``, lemma ``zu der``), runs the pipeline on the gold
tokens of each sentence and returns accuracies:

- ``upos``, ``xpos`` (STTS; only tokens whose gold XPOS is STTS are counted,
  so a treebank with another tagset such as PUD gives ``None``), ``lemma``;
- ``morph``: the whole feature string equal (UD "UFeats": every word counts,
  a word without features must get none); ``morph_feats``: the same over the
  words that have gold features only (what spaCy's ``morph_acc`` reports);
- ``uas`` / ``las``: heads and labels, punctuation excluded (spaCy's scorer
  convention, as in BASELINES.md);
- ``sent_f``: sentence boundary F1 on the raw text with the pipeline's own
  tokenisation (``None`` when ``raw_sentences=False``);
- ``words_per_second``: words of the gold-token pass divided by its time.

``python -m pipeline.evaluate.ud --data FILE.conllu [--model PATH]`` prints the
figures. The function is silent.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

#: Tags spaCy's converter produces for merged tokens, mapped to STTS.
MERGED_TAGS = {"APPR_ART": "APPRART", "APPR_PDS": "APPRART", "APPO_ART": "APPRART"}
#: Old STTS spellings in UD German GSD, mapped to TIGER's (used by de_core_news_sm and HanTa).
TAG_RENAMES = {"PAV": "PROAV", **MERGED_TAGS}
STTS_TAGS = frozenset(
    "ADJA ADJD ADV APPR APPRART APPO APZR ART CARD FM ITJ KOUI KOUS KON KOKOM NN NE "
    "PDS PDAT PIS PIAT PIDAT PPER PPOSS PPOSAT PRELS PRELAT PRF PWS PWAT PWAV PROAV PAV "
    "PTKZU PTKNEG PTKVZ PTKANT PTKA TRUNC VVFIN VVIMP VVINF VVIZU VVPP VAFIN VAIMP "
    "VAINF VAPP VMFIN VMINF VMPP XY $, $. $(".split()
)


@dataclass
class Sentence:
    """One CoNLL-U sentence: its id, text, and word lines (10 columns each)."""

    sent_id: str
    text: str
    lines: list[str]
    newdoc: str | None = None
    comments: list[str] = field(default_factory=list)


def read_conllu(path: str | Path, *, limit: int | None = None) -> Iterator[Sentence]:
    """Yield the sentences of a CoNLL-U file (at most ``limit``)."""
    n = 0
    block: list[str] = []
    with open(path, encoding="utf8") as handle:
        for raw in [*handle, "\n"]:
            line = raw.rstrip("\n")
            if line.strip():
                block.append(line)
                continue
            if not block:
                continue
            comments = [x for x in block if x.startswith("#")]
            words = [x for x in block if not x.startswith("#")]
            block = []
            meta = {}
            for c in comments:
                if "=" in c:
                    key, _, value = c[1:].partition("=")
                    meta[key.strip()] = value.strip()
            yield Sentence(
                sent_id=meta.get("sent_id", str(n)),
                text=meta.get("text", ""),
                lines=words,
                newdoc=meta.get("newdoc id"),
                comments=comments,
            )
            n += 1
            if limit is not None and n >= limit:
                return


def sentence_to_doc(
    vocab: Vocab, sentence: Sentence, *, stts: bool = True, rename_tags: bool = True
) -> Doc:
    """A gold Doc for one sentence, multiword tokens merged as ``spacy convert`` does.

    ``stts=False`` leaves the tag unset (for treebanks whose XPOS is not STTS).
    ``rename_tags`` maps ``APPR_ART`` to ``APPRART`` and GSD's ``PAV`` to ``PROAV``.
    """
    from spacy.training.converters.conllu_to_docs import conllu_sentence_to_doc

    doc = conllu_sentence_to_doc(
        vocab, sentence.lines, "", merge_subtokens=True, set_ents=False
    )
    for token in doc:
        if not stts:
            token.tag_ = ""
        elif rename_tags and token.tag_ in TAG_RENAMES:
            token.tag_ = TAG_RENAMES[token.tag_]
    return doc


def _is_punct(dep: str) -> bool:
    return dep.lower() in ("punct", "p")


def _sentence_spans(texts: list[str], sep: str = " ") -> tuple[str, list[tuple[int, int]]]:
    spans, parts, offset = [], [], 0
    for text in texts:
        spans.append((offset, offset + len(text)))
        parts.append(text)
        offset += len(text) + len(sep)
    return sep.join(parts), spans


def gold_docs(path: str | Path, vocab: Vocab, limit: int | None) -> tuple[list[Doc], list[Sentence]]:
    """The sentences of a CoNLL-U file as gold Docs (and as read), e.g. for an ablation that
    runs its own pipeline over their tokens (models/ablate_morph.py)."""
    sentences = list(read_conllu(path, limit=limit))
    return [sentence_to_doc(vocab, s) for s in sentences], sentences


def evaluate_ud(
    nlp: Language,
    path: str | Path,
    *,
    limit: int | None = None,
    raw_sentences: bool = True,
    sentences_per_doc: int = 10,
    batch_size: int = 64,
) -> dict:
    """Score ``nlp`` on a CoNLL-U file with gold tokens; return a dict of figures.

    Args:
        nlp: any German pipeline (tagger/morphologizer/parser/lemmatizer are
            each scored only if present).
        path: a ``.conllu`` file.
        limit: score only the first ``limit`` sentences.
        raw_sentences: also run the pipeline on the raw text (groups of
            ``sentences_per_doc`` sentences, or the treebank's documents) and
            score sentence boundaries (``sent_f``).
    Returns:
        dict with ``upos``, ``xpos``, ``morph``, ``morph_feats``, ``lemma``,
        ``uas``, ``las``, ``sent_f``, ``words_per_second``, ``n_sentences``,
        ``n_words``; a figure is ``None`` when nothing could be scored.
    """
    golds, sentences = gold_docs(path, nlp.vocab, limit)
    preds_in = [Doc(nlp.vocab, words=[t.text for t in g], spaces=[bool(t.whitespace_) for t in g]) for g in golds]
    # gold sentences: mark each Doc as one sentence so a sentence component cannot split it
    for doc in preds_in:
        for i, token in enumerate(doc):
            token.is_sent_start = i == 0
    n_words = sum(len(d) for d in preds_in)
    start = time.perf_counter()
    preds = list(nlp.pipe(preds_in, batch_size=batch_size))
    elapsed = time.perf_counter() - start

    counts = {k: [0, 0] for k in ("upos", "xpos", "morph", "morph_feats", "lemma", "uas", "las")}
    for gold, pred in zip(golds, preds):
        for g, p in zip(gold, pred):
            if g.pos_:
                counts["upos"][1] += 1
                counts["upos"][0] += g.pos_ == p.pos_
            if g.tag_ and g.tag_ in STTS_TAGS:
                counts["xpos"][1] += 1
                counts["xpos"][0] += g.tag_ == p.tag_
            gold_morph, pred_morph = str(g.morph), str(p.morph)
            counts["morph"][1] += 1
            counts["morph"][0] += gold_morph == pred_morph
            if gold_morph:
                counts["morph_feats"][1] += 1
                counts["morph_feats"][0] += gold_morph == pred_morph
            if g.lemma_:
                counts["lemma"][1] += 1
                counts["lemma"][0] += g.lemma_ == p.lemma_
            if g.dep_ and not _is_punct(g.dep_):
                counts["uas"][1] += 1
                counts["las"][1] += 1
                head_ok = g.head.i == p.head.i
                counts["uas"][0] += head_ok
                counts["las"][0] += head_ok and g.dep_.lower() == p.dep_.lower()

    has = {
        "upos": "morphologizer" in nlp.pipe_names or "attribute_ruler" in nlp.pipe_names,
        "xpos": "tagger" in nlp.pipe_names,
        "morph": "morphologizer" in nlp.pipe_names,
        "morph_feats": "morphologizer" in nlp.pipe_names,
        "lemma": any("lemmatizer" in n for n in nlp.pipe_names),
        "uas": "parser" in nlp.pipe_names,
        "las": "parser" in nlp.pipe_names,
    }
    scores: dict = {
        k: (round(c[0] / c[1], 4) if c[1] and has[k] else None) for k, c in counts.items()
    }
    scores["sent_f"] = _sentence_f(nlp, sentences, sentences_per_doc) if raw_sentences else None
    scores["words_per_second"] = round(n_words / elapsed) if elapsed > 0 else None
    scores["n_sentences"] = len(golds)
    scores["n_words"] = n_words
    return scores


def _groups(sentences: list[Sentence], size: int) -> Iterable[list[Sentence]]:
    if any(s.newdoc for s in sentences):
        group: list[Sentence] = []
        for s in sentences:
            if s.newdoc and group:
                yield group
                group = []
            group.append(s)
        if group:
            yield group
    else:
        for i in range(0, len(sentences), size):
            yield sentences[i : i + size]


def _sentence_f(nlp: Language, sentences: list[Sentence], size: int) -> float | None:
    if not any(s.text for s in sentences):
        return None
    tp = n_gold = n_pred = 0
    texts, gold_spans = [], []
    for group in _groups(sentences, size):
        text, spans = _sentence_spans([s.text for s in group])
        texts.append(text)
        gold_spans.append(set(spans))
    for doc, gold in zip(nlp.pipe(texts), gold_spans):
        pred = set()
        for sent in doc.sents:
            stripped = sent.text.strip()
            if not stripped:
                continue
            start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
            pred.add((start, start + len(stripped)))
        tp += len(gold & pred)
        n_gold += len(gold)
        n_pred += len(pred)
    if not n_gold or not n_pred:
        return None
    p, r = tp / n_pred, tp / n_gold
    return round(2 * p * r / (p + r), 4) if p + r else 0.0


def main(argv: list[str] | None = None) -> int:
    """``python -m pipeline.evaluate.ud --data FILE [--model NAME_OR_PATH] [--limit N]``."""
    parser = argparse.ArgumentParser(description="Score a German pipeline on a UD CoNLL-U file (gold tokens).")
    parser.add_argument("--data", required=True, help="CoNLL-U file, e.g. ../shared/corpora/ud/UD_German-GSD/de_gsd-ud-test.conllu")
    parser.add_argument("--model", default=None, help="pipeline name or folder (default: meldung's bundled model)")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N sentences")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-sentence-rules", action="store_true", help="do not add meldung_sentences before the parser")
    parser.add_argument("--no-rules", action="store_true",
                        help="do not add meldung's morphology conventions, lemma check and "
                             "noun phrase agreement (the bundled model's token rules)")
    args = parser.parse_args(argv)

    from pipeline.components.sentences import add_sentence_rules
    from pipeline.nlp import add_token_rules, load_base

    nlp = load_base(args.model)
    if not args.no_sentence_rules:
        add_sentence_rules(nlp)
    if not args.no_rules:
        add_token_rules(nlp)
    scores = evaluate_ud(nlp, args.data, limit=args.limit)
    if args.json:
        print(json.dumps(scores, indent=2))
    else:
        for key, value in scores.items():
            shown = f"{value:.4f}" if isinstance(value, float) else str(value)
            print(f"{key:<18}{shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
