"""Convert the shared NER corpora into spaCy DocBins for meldung's NER model.

Reads from ``../shared/corpora`` (never copies the corpora), writes gitignored
``models/ner/corpus/*.spacy``. Labels are mapped to PER / LOC / ORG / MISC.

    python models/ner/convert.py --shared ../shared --out models/ner/corpus

Sets and mappings (see models/ner/README.md for why each is in or out):

- GermEval 2014 dev (CC BY 4.0): outer column, OTH -> MISC, *deriv / *part -> O.
  Every 10th sentence (index % 10 == 9) -> ``germeval_devsplit`` (early stopping
  and every tuning choice); the other 1,980 -> ``germeval_train``. GermEval test
  -> ``germeval_test`` (evaluation only).
- EuropeanaNewspapers (CC0), HIPE-2022 NewsEye + SoNAR (CC BY 4.0), SmartData v1
  train+test (CC BY 4.0), MobIE train+dev+test (CC BY 4.0), UNER German-PUD
  (CC BY-SA 3.0): PER/LOC/ORG only. Each is written twice: ``<name>.spacy`` with
  every other token O, and ``<name>.miscmissing.spacy`` where O tokens that could
  be an unannotated MISC name (capitalised, not sentence-initial, not a known
  German common noun or function word) are set to *missing* (spaCy ent_iob 0),
  so the model is not taught that "Olympische Spiele" is O.
- Europarl-IXA (no explicit licence) and LegalER (NC badge conflict, legal
  citations) -> ``europarl`` / not converted: extra evaluation only, never in the
  bundled default.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

import spacy
from spacy.tokens import Doc, DocBin, Span
from spacy.vocab import Vocab

Sentence = tuple[list[str], list[str], list[bool]]  # words, BIO tags, spaces

LABELS = ("PER", "LOC", "ORG", "MISC")


# ---------------------------------------------------------------- readers
def read_germeval(path: Path) -> Iterator[Sentence]:
    """GermEval 2014 TSV, outer level: OTH -> MISC, *deriv/*part -> O."""
    words: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#\t") or line.startswith("# "):
                continue
            if not line.strip():
                if words:
                    yield words, tags, [True] * len(words)
                words, tags = [], []
                continue
            cols = line.split("\t")
            words.append(cols[1])
            tags.append(map_germeval_tag(cols[2]))
    if words:
        yield words, tags, [True] * len(words)


def map_germeval_tag(tag: str) -> str:
    if tag == "O" or tag.endswith("deriv") or tag.endswith("part"):
        return "O"
    prefix, label = tag.split("-", 1)
    return f"{prefix}-{'MISC' if label == 'OTH' else label}"


def read_conll(path: Path, *, sep: str | None = None, word_col: int = 0,
               tag_col: int = -1, mapping: dict[str, str] | None = None) -> Iterator[Sentence]:
    """Generic CoNLL/BIO reader: blank line between sentences, '#' comments,
    -DOCSTART- skipped; tags mapped through ``mapping`` (unmapped -> O)."""
    opener = gzip.open if str(path).endswith(".gz") else open
    words: list[str] = []
    tags: list[str] = []
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line.startswith("# "):
                continue  # comment (UNER: "# sent_id = ..."); a "#" token is "#\t..."
            if not line.strip() or line.startswith("-DOCSTART-"):
                if words:
                    yield words, tags, [True] * len(words)
                words, tags = [], []
                continue
            cols = line.split(sep) if sep else line.split()
            if len(cols) < 2:
                continue
            words.append(cols[word_col])
            tags.append(map_tag(cols[tag_col], mapping))
    if words:
        yield words, tags, [True] * len(words)


def map_tag(tag: str, mapping: dict[str, str] | None) -> str:
    tag = tag.strip()
    m = re.match(r"^([BI])[-_.](.+)$", tag)
    if not m:
        return "O"
    prefix, label = m.group(1), m.group(2)
    if mapping is None:
        label = label.upper()
        return f"{prefix}-{label}" if label in LABELS else "O"
    target = mapping.get(label)
    return f"{prefix}-{target}" if target else "O"


def read_europeana(path: Path, max_len: int = 60) -> Iterator[Sentence]:
    """Europeana BIO (one token stream, no sentence breaks): split after . ! ?
    (and at ``max_len`` tokens), skip comment and malformed lines."""
    words: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if line.startswith("# "):
                if words:
                    yield words, tags, [True] * len(words)
                words, tags = [], []
                continue
            cols = line.split(" ")
            if len(cols) != 2:
                continue  # token with spaces or missing tag (SBB noise)
            words.append(cols[0])
            tags.append(map_tag(cols[1], {"PER": "PER", "LOC": "LOC", "ORG": "ORG"}))
            end = cols[0] in {".", "!", "?"} and tags[-1] == "O"
            if end or (len(words) >= max_len and tags[-1] == "O"):
                yield words, tags, [True] * len(words)
                words, tags = [], []
    if words:
        yield words, tags, [True] * len(words)


def read_hipe(path: Path) -> Iterator[Sentence]:
    """HIPE-2022 TSV, NE-COARSE-LIT; HumanProd -> MISC; split at EndOfSentence."""
    words: list[str] = []
    tags: list[str] = []
    spaces: list[bool] = []
    mapping = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "HumanProd": "MISC"}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#") or line.startswith("TOKEN\t"):
                if line.startswith("# hipe2022:document_id") and words:
                    yield words, tags, spaces
                    words, tags, spaces = [], [], []
                continue
            cols = line.split("\t")
            if not cols[0].strip():
                continue
            words.append(cols[0])
            tags.append(map_tag(cols[1], mapping))
            misc = cols[-1]
            spaces.append("NoSpaceAfter" not in misc)
            if "EndOfSentence" in misc and tags[-1] == "O":
                yield words, tags, spaces
                words, tags, spaces = [], [], []
    if words:
        yield words, tags, spaces


SMARTDATA_MAP = {
    "person": "PER", "organization": "ORG", "organization-company": "ORG",
    "location": "LOC", "location-city": "LOC", "location-street": "LOC",
    "location-stop": "LOC",
}


def read_smartdata_v1(path: Path, nlp) -> Iterator[Doc]:
    """SmartData v1 JSON stream: character-offset mentions on raw text, tokenised
    with spaCy's German tokenizer and split into sentences; mentions that do not
    align with token boundaries are dropped (counted)."""
    text = gzip.open(path, "rt", encoding="utf-8").read()
    dec = json.JSONDecoder()
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        obj, pos = dec.raw_decode(text, pos)
        body = obj["text"]["string"] if isinstance(obj["text"], dict) else obj["text"]
        mentions = obj["conceptMentions"]
        mentions = mentions.get("array", []) if isinstance(mentions, dict) else (mentions or [])
        doc = nlp(body)
        spans = []
        for m in mentions:
            label = SMARTDATA_MAP.get(m["type"])
            if not label:
                continue
            span = doc.char_span(m["span"]["start"], m["span"]["end"], label=label)
            if span is not None:
                spans.append(span)
        spans = spacy.util.filter_spans(spans)
        doc.ents = spans
        # one Doc per sentence (newlines and sentencizer), whitespace-only dropped
        for sent in doc.sents:
            sub = sent.as_doc()
            if any(not t.is_space for t in sub):
                yield sub


# ---------------------------------------------------------------- building
class NounLexicon:
    """Word forms of German common nouns (german-nouns, CC BY-SA 4.0), excluding
    entries that are also names (Toponym, Vorname, Nachname, Eigenname)."""

    NAME_POS = {"Toponym", "Vorname", "Nachname", "Eigenname", "Straßenname", "Abkürzung"}

    def __init__(self) -> None:
        import german_nouns

        path = Path(list(german_nouns.__path__)[0]) / "nouns.csv"
        forms: set[str] = set()
        names: set[str] = set()
        with open(path, encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader)
            form_cols = [i for i, h in enumerate(header)
                         if any(c in h for c in ("nominativ", "genitiv", "dativ", "akkusativ"))]
            for row in reader:
                pos = set(row[1].split(","))
                target = names if pos & self.NAME_POS else forms
                for i in form_cols:
                    if i < len(row) and row[i] and " " not in row[i]:
                        target.add(row[i])
        self.forms = forms - names

    def __contains__(self, word: str) -> bool:
        return word in self.forms


def make_doc(vocab: Vocab, words: list[str], tags: list[str], spaces: list[bool]) -> Doc:
    tags = fix_bio(tags)
    return Doc(vocab, words=words, spaces=spaces, ents=tags)


def fix_bio(tags: list[str]) -> list[str]:
    """I- after O or another label becomes B- (Europeana has such cases)."""
    out = []
    prev = "O"
    for t in tags:
        if t.startswith("I-") and (prev == "O" or prev[2:] != t[2:]):
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


def misc_missing(doc: Doc, nouns: NounLexicon) -> Doc:
    """Copy of ``doc`` where O tokens that might be an unannotated MISC name are
    missing: capitalised, alphabetic, not sentence-initial, not a common noun."""
    tags = []
    for i, tok in enumerate(doc):
        if tok.ent_iob_ in ("B", "I"):
            tags.append(f"{tok.ent_iob_}-{tok.ent_type_}")
            continue
        prev = doc[i - 1].text if i else ""
        sentence_start = i == 0 or prev in {".", "!", "?", ":", "„", "\"", "(", "-", "–"}
        candidate = (tok.text[:1].isupper() and tok.text.replace("-", "").isalpha()
                     and not sentence_start and tok.text not in nouns
                     and tok.text.lower() not in STOP_CAPS)
        tags.append(None if candidate else "O")
    words = [t.text for t in doc]
    spaces = [bool(t.whitespace_) for t in doc]
    return Doc(doc.vocab, words=words, spaces=spaces, ents=tags)


#: capitalised forms that are never MISC (pronouns of address, days, months)
STOP_CAPS = {
    "sie", "ihr", "ihre", "ihnen", "ihrer", "ihren", "ihrem", "du", "dich", "dir",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
    "januar", "februar", "märz", "april", "mai", "juni", "juli", "august",
    "september", "oktober", "november", "dezember",
}


def _blank(token) -> bool:
    return token.is_space or not token.text.strip()


def clean_ents(doc: Doc) -> Doc:
    """Trim whitespace tokens off entity edges and drop entities with inner
    whitespace tokens (spaCy's NER cannot learn them: E024)."""
    ents = []
    changed = False
    for ent in doc.ents:
        start, end = ent.start, ent.end
        while start < end and _blank(doc[start]):
            start += 1
        while end > start and _blank(doc[end - 1]):
            end -= 1
        if start == end or any(_blank(t) for t in doc[start:end]):
            changed = True
            continue
        changed |= (start, end) != (ent.start, ent.end)
        ents.append(Span(doc, start, end, label=ent.label_))
    if changed:
        missing = [t.i for t in doc if t.ent_iob == 0]
        doc.set_ents(ents, missing=[doc[i:i + 1] for i in missing], default="outside")
    return doc


def write(docs: Iterable[Doc], path: Path) -> Counter:
    db = DocBin(store_user_data=False)
    counts: Counter = Counter()
    for doc in docs:
        doc = clean_ents(doc)
        db.add(doc)
        counts["docs"] += 1
        counts["tokens"] += len(doc)
        for ent in doc.ents:
            counts[ent.label_] += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(path)
    return counts


def write_conll(docs: Iterable[Doc], path: Path) -> None:
    """Token<TAB>BIO per line, blank line between sentences (for evaluate_ner)."""
    with open(path, "w", encoding="utf-8") as f:
        for doc in docs:
            for tok in doc:
                tag = "O" if tok.ent_iob_ in ("O", "") else f"{tok.ent_iob_}-{tok.ent_type_}"
                f.write(f"{tok.text}\t{tag}\n")
            f.write("\n")


def convert(shared: Path, out: Path) -> dict[str, Counter]:
    ner = shared / "corpora" / "ner"
    vocab = Vocab()
    stats: dict[str, Counter] = {}

    # GermEval
    dev = list(read_germeval(ner / "GermEval2014" / "NER-de-dev.tsv"))
    train_docs = [make_doc(vocab, *s) for i, s in enumerate(dev) if i % 10 != 9]
    devsplit_docs = [make_doc(vocab, *s) for i, s in enumerate(dev) if i % 10 == 9]
    stats["germeval_train"] = write(train_docs, out / "germeval_train.spacy")
    stats["germeval_devsplit"] = write(devsplit_docs, out / "germeval_devsplit.spacy")
    write_conll(devsplit_docs, out / "germeval_devsplit.conll")
    stats["germeval_test"] = write(
        (make_doc(vocab, *s) for s in read_germeval(ner / "GermEval2014" / "NER-de-test.tsv")),
        out / "germeval_test.spacy")

    # out-of-domain, PER/LOC/ORG only
    extra: dict[str, list[Doc]] = {}
    eu = ner / "EuropeanaNewspapers-DE"
    extra["europeana"] = [make_doc(vocab, *s) for f in sorted(eu.glob("enp_DE.*.bio"))
                          for s in read_europeana(f)]
    extra["hipe"] = [make_doc(vocab, *s)
                     for f in sorted((ner / "HIPE2022-NewsEye-DE").glob("*.tsv"))
                     + sorted((ner / "HIPE2022-SoNAR-DE").glob("*.tsv"))
                     for s in read_hipe(f)]
    mobie_map = {k: v for k, v in SMARTDATA_MAP.items()}
    extra["mobie"] = [make_doc(vocab, *s)
                      for f in ("train", "dev", "test")
                      for s in read_conll(ner / "MobIE-DFKI" / f"{f}.conll2003", sep="\t",
                                          mapping=mobie_map)]
    extra["uner_pud"] = [make_doc(vocab, *s)
                         for s in read_conll(ner / "UNER-German-PUD" / "de_pud-ud-test.iob2",
                                             sep="\t", word_col=1, tag_col=2,
                                             mapping={"PER": "PER", "LOC": "LOC", "ORG": "ORG"})]
    nlp = spacy.blank("de", vocab=vocab)
    nlp.add_pipe("sentencizer")
    sd = ner / "SmartData-DFKI" / "v1_20180119"
    extra["smartdata"] = [d for f in ("train", "test")
                          for d in read_smartdata_v1(sd / f"{f}.json.gz", nlp)]

    nouns = NounLexicon()
    for name, docs in extra.items():
        stats[name] = write(docs, out / f"{name}.spacy")
        stats[name + ".miscmissing"] = write((misc_missing(d, nouns) for d in docs),
                                             out / f"{name}.miscmissing.spacy")

    # evaluation-only sets (licence unclear): never in the bundled default
    stats["europarl_eval"] = write(
        (make_doc(vocab, *s) for s in read_conll(ner / "Europarl-IXA-DE" / "de-europarl.test.conll02",
                                                 sep="\t")),
        out / "eval" / "europarl.spacy")
    return stats


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shared", type=Path, default=Path("../shared"))
    p.add_argument("--out", type=Path, default=Path("models/ner/corpus"))
    args = p.parse_args(argv)
    stats = convert(args.shared, args.out)
    for name, c in stats.items():
        print(f"{name:28s} docs={c['docs']:6d} tokens={c['tokens']:8d} "
              + " ".join(f"{l}={c[l]}" for l in LABELS))


if __name__ == "__main__":
    main()
