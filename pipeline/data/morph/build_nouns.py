"""Build ``nouns.tsv.gz``: gender and case/number paradigm of German nouns, from Wiktionary.

    pip install german-nouns        # build time only; meldung reads the written file
    python pipeline/data/morph/build_nouns.py

Source: the ``german-nouns`` package (1.2.5; ~100,000 nouns compiled from the German
Wiktionary, CC BY-SA 4.0; the written file keeps that licence). Each line is one lemma::

    Haus<TAB>n<TAB>Haus:NsDsAs;Hauses:Gs;Hause:Ds;Häuser:NpGpAp;Häusern:Dp

genders ``m``/``f``/``n`` (several for nouns of two genders, ``-`` where Wiktionary gives
none, as for plurals only like "Leute"), then every written form with the cells it fills:
case ``N``/``G``/``D``/``A`` and number ``s``/``p``.

A compound is left out when meldung finds exactly the same analyses for all its forms
through its head noun ("Bundesregierung" through "Regierung"): ``morph_agreement``
looks a form up as a lemma, then with up to three letters cut off, then by its longest
known tail (``NounLexicon.analyses``). That keeps the file and the table in memory at
about half of the full list; the build checks every form of a left-out lemma against the
final file and puts the lemma back where the answer differs. Nouns declined like
adjectives are merged under their -e form ("Vorsitzender" m + "Vorsitzende" f), which is the
lemma spaCy gives both.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from pipeline.components.morph_agreement import NounLexicon, encode_entry  # noqa: E402

CASES = {"nominativ": "N", "genitiv": "G", "dativ": "D", "akkusativ": "A"}
GENDERS = {"m": "m", "f": "f", "n": "n"}


def read_wiktionary(path: Path) -> dict[str, tuple[str, dict[str, set[str]]]]:
    """{lemma: (genders, {form: {cell}})} for every noun row of german-nouns' CSV."""
    entries: dict[str, tuple[str, dict[str, set[str]]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        header = next(rows)
        cells = []
        for i, column in enumerate(header):
            words = column.split()
            if len(words) >= 2 and words[0] in CASES and words[1].rstrip("*") in ("singular", "plural"):
                cells.append((i, CASES[words[0]] + words[1][0]))
        gender_columns = [i for i, column in enumerate(header) if column.startswith("genus")]
        for row in rows:
            lemma = row[0]
            if not lemma[:1].isupper() or "Substantiv" not in row[1]:
                continue
            genders = {GENDERS[row[i]] for i in gender_columns if row[i] in GENDERS}
            forms: dict[str, set[str]] = {}
            for i, cell in cells:
                form = row[i].strip()
                if form and form[:1].isupper() and " " not in form:
                    forms.setdefault(form, set()).add(cell)
            if not forms:
                continue
            old_genders, old_forms = entries.get(lemma, ("", {}))
            for form, found in old_forms.items():
                forms.setdefault(form, set()).update(found)
            entries[lemma] = ("".join(sorted(genders | set(old_genders))), forms)
    return entries


def merge_adjectival(entries: dict[str, tuple[str, dict[str, set[str]]]]) -> None:
    """Nouns declined like adjectives have one Wiktionary lemma per gender ("Vorsitzender" m,
    "Vorsitzende" f) while the lemmatizer gives "Vorsitzende" for both: put the masculine
    entry's genders and forms under the form without -r as well, so that the article decides
    ("der Vorsitzende": masculine nominative)."""
    for lemma in sorted(entries):
        genders, forms = entries[lemma]
        base = lemma[:-1]
        if lemma.endswith("er") and base in forms:  # "Beamter": forms "Beamte", "Beamten"
            other_genders, other_forms = entries.get(base, ("", {}))
            merged = {form: set(cells) for form, cells in other_forms.items()}
            for form, cells in forms.items():
                merged.setdefault(form, set()).update(cells)
            entries[base] = ("".join(sorted(set(genders) | set(other_genders))), merged)


def reduce(entries: dict[str, tuple[str, dict[str, set[str]]]]) -> dict[str, str]:
    """Encoded lines of the lemmas whose analyses the lexicon cannot find through another
    lemma. Shortest lemmas first, so that heads are in before their compounds; then every
    left-out lemma is checked against the final lexicon (a longer lemma kept later, "das
    Bremsen", can answer first for a form of a left-out one, "die Bremsen") and put back
    where the answer differs, until nothing changes."""
    lines = {lemma: encode_entry(genders or "-", forms) for lemma, (genders, forms) in entries.items()}

    def same(lexicon: NounLexicon, lemma: str) -> bool:
        full = NounLexicon({lemma: lines[lemma]})
        return all(lexicon.analyses(form, "") == full.analyses(form, lemma) for form in entries[lemma][1])

    kept: dict[str, str] = {}
    lexicon = NounLexicon(kept)
    for lemma in sorted(entries, key=lambda word: (len(word), word)):
        if not same(lexicon, lemma):
            kept[lemma] = lines[lemma]
    while True:
        lexicon = NounLexicon(kept)
        missing = [lemma for lemma in sorted(entries) if lemma not in kept and not same(lexicon, lemma)]
        if not missing:
            return kept
        kept.update((lemma, lines[lemma]) for lemma in missing)


def main() -> None:
    import german_nouns

    source = Path(next(iter(german_nouns.__path__))) / "nouns.csv"
    entries = read_wiktionary(source)
    merge_adjectival(entries)
    kept = reduce(entries)
    NounLexicon(kept).write(HERE / "nouns.tsv.gz")
    print(f"{len(entries)} nouns, {len(kept)} written to nouns.tsv.gz")


if __name__ == "__main__":
    main()
