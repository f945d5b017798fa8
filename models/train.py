"""Train meldung's German pipeline (tagger, morphologizer, parser, lemmatizer) from ../shared/corpora.

One command retrains everything (data preparation, every ablation variant,
evaluation on UD German GSD test, the bundled model)::

    python models/train.py all

Steps, each also a command of its own::

    python models/train.py convert            # UD CoNLL-U -> models/corpus/*.spacy
    python models/train.py silver             # HanTa silver tags/lemmas on CC BY(-SA) text
    python models/train.py pretrain           # spacy pretrain of tok2vec on that text
    python models/train.py train VARIANT      # models/training/VARIANT/model-best
    python models/train.py evaluate VARIANT   # models/results/VARIANT.json (GSD test)
    python models/train.py lemmas VARIANT     # edit tree vs lookup vs combination
    python models/assemble.py --variant VARIANT   # models/de_meldung

Data (never copied into the repository; read from ``../shared/corpora`` next
to the checkout, or from ``$MELDUNG_CORPORA`` / ``--corpora``):

- train: UD German GSD **dev** (minus every 10th block of 10 sentences) + UD
  German PUD (tag unset: its XPOS is not STTS);
- dev (early stopping, model choice): every 10th block of 10 GSD dev sentences;
- test (evaluation only, never for a choice): UD German GSD test.
- LIT (CC BY-NC-SA) and the NC news corpora are never read.

Run one heavy job at a time, on one core::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \\
        nohup timeout 25m python models/train.py train baseline > models/training/baseline.log 2>&1 &
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

MODELS = Path(__file__).resolve().parent
REPO = MODELS.parent
for _path in (REPO, MODELS):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

CONFIGS = MODELS / "configs"
CORPUS = MODELS / "corpus"  # gitignored
TRAINING = MODELS / "training"  # gitignored
RESULTS = MODELS / "results"  # committed: the figures behind the model card
SEED = 0

GSD_DEV = "ud/UD_German-GSD/de_gsd-ud-dev.conllu"
GSD_TEST = "ud/UD_German-GSD/de_gsd-ud-test.conllu"
PUD = "ud/UD_German-PUD/de_pud-ud-test.conllu"
SPEECHES = "raw/GermanPoliticalSpeeches"
LEGAL_TIMEX = "ner/LegalER-DE/dataset_courts_timex.zip"
GERMEVAL_DEV = "ner/GermEval2014/NER-de-dev.tsv"

#: Ablation variants: config file + overrides + training data. Every variant
#: early-stops on the held-out GSD dev blocks; GSD test is only scored afterwards.
VARIANTS: dict[str, dict] = {
    "baseline": {"config": "ud.cfg", "train": "train.spacy", "overrides": {}},
    "silver": {"config": "ud.cfg", "train": "train_silver.spacy", "overrides": {}},
    "pretrain": {
        "config": "ud.cfg",
        "train": "train.spacy",
        "overrides": {"paths.init_tok2vec": str(TRAINING / "pretrain_tok2vec" / "model-last.bin")},
    },
    "wide": {
        "config": "ud.cfg",
        "train": "train.spacy",
        "overrides": {
            "components.tok2vec.model.encode.width": 192,
            "components.tok2vec.model.embed.rows": [10000, 2000, 5000, 5000],
        },
    },
    "long": {
        "config": "ud.cfg",
        "train": "train.spacy",
        "overrides": {"training.max_steps": 6000, "training.patience": 3000},
    },
    "silver_pretrain": {
        "config": "ud.cfg",
        "train": "train_silver.spacy",
        "overrides": {"paths.init_tok2vec": str(TRAINING / "pretrain_tok2vec" / "model-last.bin")},
    },
    # one tok2vec for the UD pipes and NER, trained on the UD data (as silver) plus the NER data of
    # models/ner (as its "best" variant); early stopping on UD dev blocks + NER dev split together.
    # Stopped at 7,000 steps: dev scores tracked joint_small, whose smaller parser is 3x cheaper
    "joint": {"config": "joint.cfg", "train": "joint/train", "dev": "joint/dev", "overrides": {}},
    # the same with de_core_news_sm's parser size (hidden 64, 2 maxout pieces): about a third of the work
    # (stopped after 9,500 steps: dev scores had not risen since step 7,000, which is model-best)
    "joint_small": {
        "config": "joint.cfg",
        "train": "joint/train",
        "dev": "joint/dev",
        "overrides": {
            "components.parser.model.hidden_width": 64,
            "components.parser.model.maxout_pieces": 2,
            "training.max_steps": 9500,
        },
    },
    # stage 2: joint_small's model, trained on with UD gold 12 times (a third of the words instead
    # of a tenth): in stage 1 the parser lagged far behind the UD-only model (dev LAS 59 vs 74)
    "joint_small_ud": {
        "config": "joint.cfg",
        "train": "joint_ud/train",
        "dev": "joint/dev",
        "source": "joint_small/model-best",
        "gold_copies": 12,
        "overrides": {
            "training.max_steps": 4000,
            "training.optimizer.learn_rate": 0.0005,
            "training.batcher.size.start": 1000,
            # resumed, the edit-tree lemmatizer lost its trees (dev lemma 94 -> 62 in 500 steps):
            # it stays as stage 1 left it
            "training.frozen_components": ["trainable_lemmatizer"],
        },
    },
    # stage 3: a fresh edit-tree lemmatizer on joint_small_ud's tok2vec, everything else frozen
    # (the lemmatizer frozen through stage 2 had lost dev lemma accuracy: 94.2 -> 91.9)
    "joint_small_ud_lemma": {
        "config": "joint.cfg",
        "train": "train_silver.spacy",
        "dev": "joint/dev",
        "source": "joint_small_ud/model-best",
        "fresh": ["trainable_lemmatizer"],
        "overrides": {
            "training.max_steps": 3000,
            "training.frozen_components": ["tok2vec", "tagger", "morphologizer", "parser", "ner"],
            "training.annotating_components": ["tok2vec"],
        },
    },
}


def corpora_dir(arg: str | None = None) -> Path:
    """../shared/corpora next to the checkout, unless overridden."""
    path = Path(arg or os.environ.get("MELDUNG_CORPORA") or REPO.parent / "shared" / "corpora")
    if not (path / "ud").is_dir():
        raise SystemExit(f"corpora not found at {path} (set MELDUNG_CORPORA or --corpora)")
    return path


def log(*args) -> None:
    print(time.strftime("%H:%M:%S"), *args, flush=True)


# --------------------------------------------------------------------------- convert


def is_heldout(index: int) -> bool:
    """Every 10th block of 10 consecutive GSD dev sentences is held out (80 of 799)."""
    return (index // 10) % 10 == 9


def group_docs(sent_docs: list, size: int = 10) -> list:
    from spacy.tokens import Doc

    return [Doc.from_docs(sent_docs[i : i + size]) for i in range(0, len(sent_docs), size)]


def convert(corpora: Path, out: Path = CORPUS, *, limit: int | None = None) -> dict[str, int]:
    """Write train.spacy, dev.spacy, test.spacy (gold, multiword tokens merged)."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    from pipeline.evaluate.ud import read_conllu, sentence_to_doc

    vocab = Vocab()
    out.mkdir(parents=True, exist_ok=True)
    gsd = [sentence_to_doc(vocab, s) for s in read_conllu(corpora / GSD_DEV, limit=limit)]
    train_gsd = [d for i, d in enumerate(gsd) if not is_heldout(i)]
    dev_gsd = [d for i, d in enumerate(gsd) if is_heldout(i)]
    pud_docs: list = []
    current: list = []
    for s in read_conllu(corpora / PUD, limit=limit):
        if s.newdoc and current:
            pud_docs.append(current)
            current = []
        current.append(sentence_to_doc(vocab, s, stts=False))
    if current:
        pud_docs.append(current)
    from spacy.tokens import Doc

    train_docs = group_docs(train_gsd) + [Doc.from_docs(g) for g in pud_docs]
    dev_docs = group_docs(dev_gsd)
    test = [sentence_to_doc(vocab, s) for s in read_conllu(corpora / GSD_TEST, limit=limit)]
    counts = {}
    for name, docs in (("train", train_docs), ("dev", dev_docs), ("test", group_docs(test))):
        DocBin(docs=docs, store_user_data=False).to_disk(out / f"{name}.spacy")
        counts[name] = (len(docs), sum(len(d) for d in docs))
        log(f"{name}.spacy: {counts[name][0]} docs, {counts[name][1]} tokens")
    return counts


# --------------------------------------------------------------------------- raw text


def speeches_paragraphs(corpora: Path) -> list[str]:
    """Paragraphs of the German Political Speeches corpus (CC BY-SA 4.0)."""
    folder = corpora / SPEECHES
    paragraphs: list[str] = []
    with gzip.open(folder / "Bundestagspraesident.xml.gz") as handle:
        root = ElementTree.parse(handle).getroot()
    for text in root.iter("text"):
        body = text.findtext("rohtext") or ""
        paragraphs.extend(p.strip() for p in body.split("\n") if len(p.split()) >= 4)
    with gzip.open(folder / "speeches.json.gz") as handle:
        speeches = json.load(handle)["speech"]
    for text in speeches.values():
        paragraphs.extend(p.strip() for p in (text or "").split("\n") if len(p.split()) >= 4)
    return paragraphs


def legal_sentences(corpora: Path) -> list[str]:
    """Tokenised sentences of the LegalER court decisions (CC BY 4.0), TIMEX3 tags removed."""
    import zipfile

    sentences: list[str] = []
    with zipfile.ZipFile(corpora / LEGAL_TIMEX) as archive:
        for name in sorted(archive.namelist()):
            if not name.endswith(".txt"):
                continue
            for line in archive.read(name).decode("utf8").splitlines():
                line = re.sub(r"</?TIMEX3[^>]*>", "", line).strip()
                if not line or line.startswith("<") or len(line.split()) < 4:
                    continue
                sentences.append(line)
    return sentences


def germeval_sentences(corpora: Path) -> list[list[str]]:
    """Token lists of the GermEval 2014 dev sentences (CC BY 4.0) that NER trains on.

    Every 10th sentence (index % 10 == 9) is the NER dev split (``models/ner/convert.py``), on
    which NER choices are made; it stays out of the silver and pretraining text as well, so the
    joint model never sees those sentences in training, not even without their labels.
    """
    sentences, current = [], []
    for line in (corpora / GERMEVAL_DEV).read_text(encoding="utf8").splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if current:
                sentences.append(current)
            current = []
            continue
        parts = line.split("\t")
        if len(parts) >= 2:
            current.append(parts[1])
    if current:
        sentences.append(current)
    return [s for i, s in enumerate(sentences) if i % 10 != 9]


# --------------------------------------------------------------------------- silver

#: HanTa writes a few tags its own way; map them to STTS as in TIGER.
HANTA_TAGS = {"NNA": "NN", "NNI": "NN", "ORD_ABR": "ADJA", "SYMB": "XY", "URL": "XY", "UNKNOWN": "XY"}


#: UD German GSD lemma conventions HanTa does not follow (object pronouns -> nominative).
PRONOUN_LEMMAS = {
    "mich": "ich", "mir": "ich", "dich": "du", "dir": "du", "uns": "wir", "euch": "ihr",
    "ihn": "er", "ihm": "er", "ihnen": "sie", "Ihnen": "Sie", "Ihn": "er", "Ihm": "er",
}


def hanta_tag(tag: str) -> str:
    tag = re.sub(r"^([A-Z]+)\(([A-Z]+)\)$", r"\1\2", tag)  # VV(FIN) -> VVFIN, ADJ(A) -> ADJA; $( stays
    return HANTA_TAGS.get(tag, tag)


def hanta_lemma(word: str, lemma: str, tag: str) -> str:
    """HanTa's lemma, moved to UD German GSD conventions."""
    if tag == "APPRART":  # zum -> "zu der", as the merged multiword tokens of GSD
        return f"{lemma.lower()} der"
    if tag in ("PPER", "PRF") and word in PRONOUN_LEMMAS:
        return PRONOUN_LEMMAS[word]
    if word.isupper() and len(word) > 1 and lemma.lower() == word.lower():
        return word  # SPD, not Spd
    return lemma


def silver(corpora: Path, out: Path = CORPUS, *, words: int = 120_000, seed: int = SEED) -> int:
    """HanTa STTS tags + lemmas on CC BY(-SA) text -> silver.spacy and train_silver.spacy.

    Silver docs carry tag and lemma only (no POS, morph or heads), so the
    morphologizer and parser treat them as unannotated and skip them.
    """
    import spacy
    from HanTa import HanoverTagger as ht
    from spacy.tokens import Doc, DocBin

    from pipeline.components.tokenizer import customize_tokenizer

    rng = random.Random(seed)
    nlp = customize_tokenizer(spacy.blank("de"))
    speech = speeches_paragraphs(corpora)
    legal = legal_sentences(corpora)
    germeval = germeval_sentences(corpora)
    rng.shuffle(speech)
    rng.shuffle(legal)
    rng.shuffle(germeval)
    # half speeches, a quarter court decisions, a quarter GermEval sentences
    budget = {"speech": words // 2, "legal": words // 4, "germeval": words // 4}
    token_lists: list[list[str]] = []
    for name, items, tokenize in (
        ("speech", speech, lambda t: [x.text for x in nlp(t) if not x.is_space]),
        ("legal", legal, lambda t: t.split()),
        ("germeval", germeval, lambda t: t),
    ):
        n = 0
        for item in items:
            tokens = tokenize(item)
            if not tokens or len(tokens) > 120:
                continue
            token_lists.append(tokens)
            n += len(tokens)
            if n >= budget[name]:
                break
        log(f"silver {name}: {n} words")
    tagger = ht.HanoverTagger("morphmodel_ger.pgz")
    vocab = nlp.vocab
    docs = []
    for tokens in token_lists:
        tagged = tagger.tag_sent(tokens, taglevel=1)
        tags = [hanta_tag(t[2]) for t in tagged]
        lemmas = [hanta_lemma(w, t[1], tag) for w, t, tag in zip(tokens, tagged, tags)]
        docs.append(Doc(vocab, words=tokens, tags=tags, lemmas=lemmas))
    grouped = [Doc.from_docs(docs[i : i + 10]) for i in range(0, len(docs), 10)]
    DocBin(docs=grouped, store_user_data=False).to_disk(out / "silver.spacy")
    gold = list(DocBin().from_disk(out / "train.spacy").get_docs(vocab))
    # gold twice: gold sentences keep the weight of about 40% of the words seen
    DocBin(docs=gold + gold + grouped, store_user_data=False).to_disk(out / "train_silver.spacy")
    total = sum(len(d) for d in docs)
    log(f"silver.spacy: {len(docs)} sentences, {total} words")
    return total


# --------------------------------------------------------------------------- pretrain


def pretrain_text(corpora: Path, out: Path = CORPUS) -> Path:
    """raw.jsonl for ``spacy pretrain``: speeches, court sentences, GermEval dev (all CC BY / CC BY-SA)."""
    path = out / "raw.jsonl"
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    lines = [{"text": p} for p in speeches_paragraphs(corpora)]
    legal = legal_sentences(corpora)
    rng.shuffle(legal)
    lines += [{"text": s} for s in legal[:15000]]
    lines += [{"text": " ".join(s)} for s in germeval_sentences(corpora)]
    rng.shuffle(lines)
    with path.open("w", encoding="utf8") as handle:
        for line in lines:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    log(f"raw.jsonl: {len(lines)} texts, {sum(len(x['text'].split()) for x in lines)} words")
    return path


def pretrain(corpora: Path, *, max_epochs: int = 2) -> Path:
    from spacy.cli.pretrain import pretrain as spacy_pretrain
    from spacy.util import load_config

    import pipeline.components.tokenizer  # noqa: F401  (registers the callback)

    raw = CORPUS / "raw.jsonl"
    if not raw.exists():
        pretrain_text(corpora)
    out = TRAINING / "pretrain_tok2vec"
    out.mkdir(parents=True, exist_ok=True)
    config = load_config(
        CONFIGS / "ud.cfg",
        overrides={
            "paths.raw_text": str(raw),
            "paths.train": str(CORPUS / "train.spacy"),
            "paths.dev": str(CORPUS / "dev.spacy"),
            "pretraining.max_epochs": max_epochs,
        },
        interpolate=True,
    )
    spacy_pretrain(config, out, use_gpu=-1, silent=False)
    # keep a stable name for the last epoch
    weights = sorted(out.glob("model*.bin"), key=lambda p: p.stat().st_mtime)
    last = weights[-1]
    shutil.copy(last, out / "model-last.bin")
    log(f"pretrained weights: {last.name} -> model-last.bin")
    return out / "model-last.bin"


# --------------------------------------------------------------------------- train / evaluate


NER_CORPUS = MODELS / "ner" / "corpus"
#: NER sets as in models/ner's chosen variant: GermEval train x5, the other sets with possible MISC missing
NER_SETS = ["germeval_train.spacy"] * 5 + [
    f"{name}.miscmissing.spacy" for name in ("europeana", "hipe", "mobie", "uner_pud", "smartdata")
]


def joint_corpus(out: Path = CORPUS / "joint", gold_copies: int = 1) -> tuple[Path, Path]:
    """Folders of symlinks for the joint model: train = UD gold x3 + HanTa silver + NER sets; dev =
    the UD dev blocks + the NER dev split. A Doc without a layer's annotation (NER sentences have no
    tags or heads, UD sentences no entities) gives that layer no loss and no score, so each pipe
    learns from its own data while the shared tok2vec learns from all of it."""
    if not (NER_CORPUS / "germeval_train.spacy").exists():
        subprocess.run([sys.executable, str(MODELS / "ner" / "convert.py"), "--shared", str(corpora_dir().parent),
                        "--out", str(NER_CORPUS)], check=True)
    if not (CORPUS / "train_silver.spacy").exists():
        raise SystemExit("run `python models/train.py convert` and `python models/train.py silver` first")
    train_dir, dev_dir = out / "train", out / "dev"
    if (dev_dir / "ner_dev.spacy").exists():  # made already (two variants may train side by side)
        return train_dir, dev_dir
    for folder in (train_dir, dev_dir):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    (train_dir / "ud_silver.spacy").symlink_to(CORPUS / "train_silver.spacy")  # gold x2 + silver
    for i in range(gold_copies):  # gold a third (or more) time
        (train_dir / f"ud_gold_{i}.spacy").symlink_to(CORPUS / "train.spacy")
    for i, name in enumerate(NER_SETS):
        (train_dir / f"ner_{i}_{name}").symlink_to(NER_CORPUS / name)
    (dev_dir / "ud_dev.spacy").symlink_to(CORPUS / "dev.spacy")
    (dev_dir / "ner_dev.spacy").symlink_to(NER_CORPUS / "germeval_devsplit.spacy")
    return train_dir, dev_dir


def stage2_config(config_path: Path, source: Path, output: Path, fresh: list[str] | None = None) -> Path:
    """``config_path`` with every component but ``fresh`` ones sourced from ``source`` (spaCy
    then resumes their training instead of initialising them), written next to the output."""
    from thinc.api import Config

    config = Config().from_disk(config_path, interpolate=False)
    width = Config().from_disk(config_path)["components"]["tok2vec"]["model"]["encode"]["width"]
    for name in config["nlp"]["pipeline"]:
        if name in (fresh or []):  # its listener cannot refer to the sourced tok2vec's settings
            config["components"][name]["model"]["tok2vec"]["width"] = width
        else:
            config["components"][name] = {"source": str(source)}
    output.mkdir(parents=True, exist_ok=True)
    path = output.parent / f"{output.name}.cfg"
    config.to_disk(path)
    return path


def train(variant: str, *, overrides: dict | None = None, output: Path | None = None) -> Path:
    from spacy.cli.train import train as spacy_train

    import pipeline.components.tokenizer  # noqa: F401  (registers meldung.german_tokenizer.v1)

    spec = VARIANTS[variant]
    output = output or TRAINING / variant
    if spec["config"] == "joint.cfg":
        joint_corpus()  # the dev folder (and stage 1's training folder)
        if spec["train"].startswith("joint_"):
            joint_corpus(CORPUS / Path(spec["train"]).parent, spec.get("gold_copies", 1))
    settings = {
        "paths.train": str(CORPUS / spec["train"]),
        "paths.dev": str(CORPUS / spec.get("dev", "dev.spacy")),
        "system.seed": SEED,
        **spec["overrides"],
        **(overrides or {}),
    }
    config = CONFIGS / spec["config"]
    if "source" in spec:  # stage 2: every component sourced from a stage-1 model, trained on
        config = stage2_config(config, TRAINING / spec["source"], output, spec.get("fresh"))
    log(f"training {variant} -> {output} with {settings}")
    spacy_train(config, output, overrides=settings, use_gpu=-1)
    return output / "model-best"


def evaluate(variant: str, corpora: Path, *, model: Path | None = None, lemmatizer: str | None = None, pos_rules: bool = False) -> dict:
    import spacy

    import pipeline.components.sentences  # noqa: F401
    import pipeline.components.tokenizer  # noqa: F401
    from pipeline.evaluate.ud import evaluate_ud

    model = model or TRAINING / variant / "model-best"
    from pipeline.components.sentences import add_sentence_rules

    nlp = spacy.load(model)
    if lemmatizer:
        set_lemmatizer(nlp, lemmatizer)
    if pos_rules:
        add_pos_rules(nlp, tag_to_pos_map(corpora))
    add_sentence_rules(nlp)
    scores = evaluate_ud(nlp, corpora / GSD_TEST)
    dev = evaluate_ud(nlp, CORPUS / "dev.conllu") if (CORPUS / "dev.conllu").exists() else None
    result = {"variant": variant + ("+pos_from_tag" if pos_rules else ""), "lemmatizer": lemmatizer or "edit_tree", "model": str(model.relative_to(REPO)) if model.is_relative_to(REPO) else str(model), "gsd_test": scores, "heldout_dev": dev}
    RESULTS.mkdir(exist_ok=True)
    name = variant if not lemmatizer else f"{variant}.lemma-{lemmatizer}"
    if pos_rules:
        name += ".pos_from_tag"
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    log(name, json.dumps(scores))
    return result


def set_lemmatizer(nlp, kind: str) -> None:
    """Swap the lemmatizer: ``edit_tree`` (trained), ``lookup`` (spacy-lookups-data),
    ``edit_tree+lookup`` (edit tree, lookup where no edit tree applies)."""
    from spacy.lookups import load_lookups

    if kind == "edit_tree":
        return
    if kind == "lookup":
        nlp.remove_pipe("trainable_lemmatizer")
    elif kind == "edit_tree+lookup":
        nlp.get_pipe("trainable_lemmatizer").backoff = None
    else:
        raise ValueError(kind)
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup", "overwrite": False},
                              before="ner" if "ner" in nlp.pipe_names else None)
    lemmatizer.initialize(lookups=load_lookups("de", ["lemma_lookup"]))


#: purity above which an STTS tag sets UPOS (``pos_from_tag``), chosen on the held-out GSD dev
#: blocks (dev UPOS: none 93.48, 0.98 93.79, 0.95 93.72, 0.92 94.10, 0.90 94.49, 0.87 94.80,
#: 0.85 94.57); the tagger's STTS tags are more accurate (XPOS 94.3 on GSD test) than the
#: morphologizer's UPOS (92.1), and most STTS tags decide the UPOS
POS_FROM_TAG_PURITY = 0.87


def gsd_training_tokens(corpora: Path | None = None):
    """(UPOS, STTS tag, FEATS) of every word of the GSD dev training blocks (the held-out
    blocks left out), from the CoNLL-U file in ``corpora``."""
    from pipeline.evaluate.ud import read_conllu

    for i, sentence in enumerate(read_conllu(corpora_dir(str(corpora) if corpora else None) / GSD_DEV)):
        if is_heldout(i):
            continue
        for line in sentence.lines:
            fields = line.split("\t")
            if len(fields) > 5 and fields[0].isdigit():
                yield fields[3], fields[4], fields[5]


def tag_to_pos_map(corpora: Path | None = None, *, purity: float = POS_FROM_TAG_PURITY,
                   min_count: int = 20) -> dict[str, str]:
    """STTS tags whose UPOS is the same in at least ``purity`` of the gold GSD dev training
    blocks' tokens (the held-out blocks not counted), with their UPOS."""
    from collections import Counter, defaultdict

    counts: dict[str, Counter] = defaultdict(Counter)
    for upos, tag, _ in gsd_training_tokens(corpora):
        counts[tag][upos] += 1
    mapping = {}
    for tag, c in counts.items():
        pos, n = c.most_common(1)[0]
        if sum(c.values()) >= min_count and n / sum(c.values()) >= purity:
            mapping[tag] = pos
    return mapping


#: thresholds of :func:`morph_conventions`, chosen on the held-out GSD dev blocks (dev morph:
#: none 74.86, 0.95/0.02 81.92, 0.90/0.05 81.92, 0.98/0.01 82.00)
MORPH_ALWAYS, MORPH_NEVER = 0.98, 0.01
MORPH_CONVENTIONS = REPO / "pipeline" / "data" / "morph" / "gsd_conventions.json"


def morph_conventions(corpora: Path | None = None, *, always: float = MORPH_ALWAYS, never: float = MORPH_NEVER,
                      min_count: int = 20) -> dict[str, dict]:
    """Per STTS tag, GSD's morphology conventions in the GSD dev training blocks: the
    features it always gives (``add``: in at least ``always`` of the tag's tokens, e.g.
    ``VerbForm=Fin`` on VVFIN) and the features it gives at all (``keep``: more than ``never``;
    e.g. no ``Tense`` on VVPP, no ``Degree`` on ADV). The model learned other conventions
    from the rest of its training data (see pipeline/components/morph_conventions.py)."""
    from collections import Counter, defaultdict

    tokens: Counter = Counter()
    features: dict[str, Counter] = defaultdict(Counter)
    for _, tag, feats in gsd_training_tokens(corpora):
        tokens[tag] += 1
        if feats != "_":
            for feature in feats.split("|"):
                features[tag][tuple(feature.split("=", 1))] += 1
    table = {}
    for tag, n in sorted(tokens.items()):
        if n < min_count:
            continue
        keys: Counter = Counter()
        for (key, _), count in features[tag].items():
            keys[key] += count
        table[tag] = {"add": {k: v for (k, v), c in sorted(features[tag].items()) if c / n >= always},
                      "keep": sorted(k for k, c in keys.items() if c / n > never)}
    return table


def write_morph_conventions(corpora: Path | None = None, out: Path = MORPH_CONVENTIONS) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(morph_conventions(corpora), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def add_pos_rules(nlp, mapping: dict[str, str]) -> None:
    """An attribute_ruler after the morphologizer: UPOS from the STTS tag where the tag decides it."""
    ruler = nlp.add_pipe("attribute_ruler", name="pos_from_tag", after="morphologizer")
    for tag, pos in sorted(mapping.items()):
        ruler.add(patterns=[[{"TAG": tag}]], attrs={"POS": pos})


def write_dev_conllu(corpora: Path) -> Path:
    """The held-out GSD dev blocks as CoNLL-U (for scoring choices, never GSD test)."""
    from pipeline.evaluate.ud import read_conllu

    out = CORPUS / "dev.conllu"
    with out.open("w", encoding="utf8") as handle:
        for i, s in enumerate(read_conllu(corpora / GSD_DEV)):
            if is_heldout(i):
                handle.write("\n".join(s.comments + s.lines) + "\n\n")
    return out


def table(results: Path = RESULTS) -> str:
    """The ablation table (GSD test, gold tokens) from models/results/*.json, as Markdown."""
    rows = ["| variant | lemmatizer | UPOS | XPOS | morph (all words) | morph (words with features) | lemma | UAS | LAS | sent F | dev UPOS | dev lemma | dev LAS |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    def pct(x):
        return "-" if x is None else f"{100 * x:.1f}"
    order = list(VARIANTS)
    lemma_order = ["edit_tree", "lookup", "edit_tree+lookup"]
    found = []
    for path in results.glob("*.json"):
        r = json.loads(path.read_text())
        if "gsd_test" not in r:
            continue
        base = r["variant"].split("+")[0]
        found.append(((order.index(base) if base in order else 99, r["variant"], lemma_order.index(r["lemmatizer"])), r))
    for _, r in sorted(found, key=lambda x: x[0]):
        t, d = r["gsd_test"], r.get("heldout_dev") or {}
        rows.append(
            f"| {r['variant']} | {r['lemmatizer']} | {pct(t['upos'])} | {pct(t['xpos'])} | {pct(t['morph'])} | "
            f"{pct(t['morph_feats'])} | {pct(t['lemma'])} | {pct(t['uas'])} | {pct(t['las'])} | {pct(t['sent_f'])} | "
            f"{pct(d.get('upos'))} | {pct(d.get('lemma'))} | {pct(d.get('las'))} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", default=None, help="folder of the shared corpora (default ../shared/corpora)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("convert")
    p = sub.add_parser("silver")
    p.add_argument("--words", type=int, default=120_000)
    p = sub.add_parser("pretrain")
    p.add_argument("--epochs", type=int, default=2)
    for name in ("train", "evaluate", "lemmas", "posrules"):
        p = sub.add_parser(name)
        p.add_argument("variant", choices=sorted(VARIANTS))
    sub.add_parser("conventions", help="write pipeline/data/morph/gsd_conventions.json from GSD dev")
    sub.add_parser("all")
    sub.add_parser("table")
    args = parser.parse_args(argv)
    corpora = corpora_dir(args.corpora)

    if args.command == "convert":
        convert(corpora)
        write_dev_conllu(corpora)
    elif args.command == "silver":
        silver(corpora, words=args.words)
    elif args.command == "pretrain":
        pretrain(corpora, max_epochs=args.epochs)
    elif args.command == "train":
        train(args.variant)
    elif args.command == "evaluate":
        evaluate(args.variant, corpora)
    elif args.command == "posrules":
        evaluate(args.variant, corpora, lemmatizer="edit_tree+lookup", pos_rules=True)
    elif args.command == "lemmas":
        for kind in ("lookup", "edit_tree+lookup"):
            evaluate(args.variant, corpora, lemmatizer=kind)
    elif args.command == "conventions":
        print(write_morph_conventions(corpora))
    elif args.command == "table":
        print(table())
    elif args.command == "all":
        convert(corpora)
        write_dev_conllu(corpora)
        silver(corpora)
        pretrain(corpora)
        for variant in VARIANTS:
            train(variant)
            evaluate(variant, corpora)
            for kind in ("lookup", "edit_tree+lookup"):
                evaluate(variant, corpora, lemmatizer=kind)
        from assemble import CHOSEN_LEMMATIZER, CHOSEN_VARIANT, assemble

        assemble(TRAINING / CHOSEN_VARIANT / "model-best", lemmatizer=CHOSEN_LEMMATIZER, variant=CHOSEN_VARIANT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
