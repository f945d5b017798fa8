"""Lexicon features for the NER model, stored as spaCy static vectors.

    python models/ner/feature_vectors.py            # -> models/ner/vectors/ (a blank pipeline with the vectors)

German capitalises every noun, so the shape of a word says little about whether it is a
name; a CNN trained on 2,000 sentences cannot learn which capitalised words are names.
What the project knows as data can: the gazetteers in ``pipeline/data/`` (first names,
places, countries, organisations, roles, common nouns). Each known word form gets a
small vector of 0/1 features, one dimension a list; ``include_static_vectors`` feeds it
to the tok2vec beside the hashed NORM/PREFIX/SUFFIX/SHAPE embeddings. Unlike the
gazetteer rule, the model learns how far to trust each list ("Berlin" the city vs.
"Berliner Zeitung" the organisation).

Only the package's own data is read (the licences are those of
``pipeline/data/gazetteers/README.md`` and ``pipeline/data/places/README.md``); nothing
from GermEval test.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy

from pipeline.components.entity_ruler import _read_list as _lines  # the gazetteers' own reader

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "pipeline" / "data"

#: one dimension per list, in this order
FEATURES = ("first_name", "place", "country", "organisation", "common_noun", "role", "demonym")


def _tsv_column(path: Path, col: int) -> list[str]:
    return [ln.split("\t")[col] for ln in _lines(path) if len(ln.split("\t")) > col]


def _with_genitive(words: set[str]) -> set[str]:
    """Names also in the genitive ("Putins", "Berlins"); German adds -s unless the name
    ends in a sibilant."""
    return words | {w + "s" for w in words if not w.endswith(("s", "x", "z", "ß"))}


def _tokens(names: list[str]) -> set[str]:
    """Every word of multi-word names ("Neu Delhi" -> "Neu", "Delhi")."""
    return {tok for name in names for tok in name.replace("-", " ").split() if tok[:1].isupper()} | set(names)


def feature_lists() -> dict[str, set[str]]:
    """Word forms per feature, from the package's data files."""
    gaz = DATA / "gazetteers"
    places = _lines(gaz / "cities.txt") + _tsv_column(DATA / "places" / "places.tsv", 0)
    countries = _lines(gaz / "countries.txt") + _tsv_column(DATA / "places" / "official_names.tsv", 0)
    orgs = _lines(gaz / "organisations.txt") + _tsv_column(DATA / "organisations" / "organisations.tsv", 0)
    roles = _lines(gaz / "roles.txt") + _lines(DATA / "roles" / "roles.txt")
    stems = _tsv_column(DATA / "places" / "demonyms.tsv", 0)
    demonyms = {s + e for s in stems for e in ("", "e", "en", "er", "es", "em")}
    return {
        "first_name": _with_genitive(set(_lines(gaz / "first_names.txt"))),
        "place": _with_genitive(_tokens(places)),
        "country": _with_genitive(_tokens(countries)),
        "organisation": _with_genitive(_tokens(orgs)),
        "common_noun": set(_lines(gaz / "common_nouns.txt")),
        "role": {r for r in roles if " " not in r},
        "demonym": demonyms | {d[:1].upper() + d[1:] for d in demonyms},
    }


def build(out: Path) -> tuple[int, int]:
    """Write a blank German pipeline holding the vectors; return (words, dimensions)."""
    import spacy

    lists = feature_lists()
    words = sorted(set().union(*lists.values()))
    table = numpy.zeros((len(words), len(FEATURES)), dtype="float32")
    for j, name in enumerate(FEATURES):
        members = lists[name]
        for i, w in enumerate(words):
            if w in members:
                table[i, j] = 1.0
    # a blank pipeline holding the vectors, the form `[initialize] vectors` loads
    nlp = spacy.blank("de")
    nlp.vocab.reset_vectors(width=len(FEATURES))
    for w, row in zip(words, table):
        nlp.vocab.set_vector(w, row)
    nlp.to_disk(out)
    return len(words), len(FEATURES)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "vectors")
    args = p.parse_args()
    n, d = build(args.out)
    print(f"{n:,} word forms x {d} features -> {args.out}")


if __name__ == "__main__":
    main()
