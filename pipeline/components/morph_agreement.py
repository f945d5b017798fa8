"""Case, gender and number of German noun phrases from a noun lexicon and agreement.

The morphologizer guesses ``Case``/``Gender``/``Number`` token by token from 1,800 training
sentences, and most of its morphology errors are there: on the held-out GSD dev blocks, a
noun's case was wrong 51 times in 1,289 words and its gender 31 times ("Lichtmaschine"
masculine, "Präsidenten" plural after "dem"). German answers most of that in the words
themselves: a noun's gender is fixed by the lexicon, its form allows few cells of its
paradigm ("Häusern": dative plural only), the article allows a few more ("dem": dative
singular, masculine or neuter), a preposition governs a case ("mit": dative). The
intersection is often one analysis: "mit dem Präsidenten" can only be dative singular
masculine.

``meldung_morph_agreement`` runs after the parser and the lemmatizer. For every noun and
proper noun it intersects what the lexicon allows for a common noun
(``pipeline/data/morph/nouns.tsv.gz``, from Wiktionary), what its determiners and adjective
endings allow and the case its preposition governs; a constraint that would leave nothing
is skipped (a wrong parse or an unknown word must not block the others). Among what is
left it takes the case the parse suggests (subject: nominative, object: accusative, a noun
modifier without preposition or number: genitive, a conjunct: its first conjunct's), then
the analysis closest to the model's own features, and writes it to the noun, its
determiners and its attributive adjectives (only the features they already have: an
uninflected "super" stays without case). Nothing is written where no constraint applied.

The same component gives personal pronouns the case their form allows ("ihn": accusative)
or, where the form has two, the case of their relation or preposition, and passive
*werden* (``aux:pass``) ``Voice=Pass``, and adjectives whose form is their lemma plus a
comparative or superlative suffix ``Degree=Cmp``/``Sup`` ("größeren", "neuesten"). Each piece
can be switched off in the config (``use_lexicon``, ``use_adjectives``, ``use_relations``,
``use_pronouns``, ``use_passive``, ``use_degree``).

Written by hand because spaCy's morphologizer is the only German morphology we can train
here, and no installable package resolves case in context. The lexicons are data
(``nouns.tsv.gz``, ``prepositions.tsv`` in ``pipeline/data/morph/``); the closed paradigms
of the grammar (articles, ein-/der-word and adjective endings, personal pronouns) are the
tables below. Measured in models/README.md, "Noun phrase agreement".
"""

from __future__ import annotations

import functools
import gzip
import io
import itertools
import re
from pathlib import Path
from typing import Iterable

import numpy
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.symbols import ADJ, DET, NOUN, PROPN
from spacy.tokens import Doc

from ._tokens import MAX_FORMS, MAX_NOUN_FORMS, among, cached_answers, form_cache, hash_strings, morph_features, set_morphs, words

DEFAULT_NOUNS = Path(__file__).resolve().parent.parent / "data" / "morph" / "nouns.tsv.gz"
NOUNS_FILE = "nouns.tsv.gz"

#: an analysis of a noun phrase: (Case, Gender, Number) in UD's values
Analysis = tuple[str, str, str]
CASES = ("Nom", "Acc", "Dat", "Gen")
GENDERS = ("Masc", "Fem", "Neut")
#: the 24 analyses in a fixed order, the more frequent first (nominative before accusative,
#: dative, genitive; masculine, feminine, neuter; singular before plural): among analyses the
#: evidence cannot tell apart, the first is taken. A set of them is an int with bit i for ANALYSES[i]
ANALYSES: tuple[Analysis, ...] = tuple(itertools.product(CASES, GENDERS, ("Sing", "Plur")))
ALL: frozenset[Analysis] = frozenset(ANALYSES)
_CELL_CASE = {"N": "Nom", "G": "Gen", "D": "Dat", "A": "Acc"}
_CELL_NUMBER = {"s": "Sing", "p": "Plur"}
_GENDER = {"m": "Masc", "f": "Fem", "n": "Neut"}


def _plural(case: str) -> set[Analysis]:
    return {(case, gender, "Plur") for gender in GENDERS}


#: strong endings of der-words ("dieser", "jedem") and of ein-words after the stem ("meinem")
ENDINGS: dict[str, frozenset[Analysis]] = {
    "er": frozenset({("Nom", "Masc", "Sing"), ("Gen", "Fem", "Sing"), ("Dat", "Fem", "Sing")} | _plural("Gen")),
    "e": frozenset({("Nom", "Fem", "Sing"), ("Acc", "Fem", "Sing")} | _plural("Nom") | _plural("Acc")),
    "es": frozenset({("Nom", "Neut", "Sing"), ("Acc", "Neut", "Sing"),
                     ("Gen", "Masc", "Sing"), ("Gen", "Neut", "Sing")}),
    "em": frozenset({("Dat", "Masc", "Sing"), ("Dat", "Neut", "Sing")}),
    "en": frozenset({("Acc", "Masc", "Sing")} | _plural("Dat")),
}
_GENITIVE_ES = frozenset({("Gen", "Masc", "Sing"), ("Gen", "Neut", "Sing")})
ARTICLES: dict[str, frozenset[Analysis]] = {
    "der": ENDINGS["er"], "die": ENDINGS["e"], "den": ENDINGS["en"], "dem": ENDINGS["em"],
    "das": frozenset({("Nom", "Neut", "Sing"), ("Acc", "Neut", "Sing")}), "des": _GENITIVE_ES,
}
#: ein-words without ending: "ein Mann", "ein Kind" (nominative), "ein Kind" (accusative)
_BARE = frozenset({("Nom", "Masc", "Sing"), ("Nom", "Neut", "Sing"), ("Acc", "Neut", "Sing")})
EIN_STEMS = ("ein", "kein", "mein", "dein", "sein", "ihr", "unser", "euer", "eur")
DER_STEMS = ("dies", "jen", "jed", "welch", "manch", "solch", "all")
#: everything but the nominative singular and the accusative feminine/neuter singular: "-en" after a der-word
_REST = frozenset(a for a in ALL
                  if a not in {("Nom", g, "Sing") for g in GENDERS} | {("Acc", "Fem", "Sing"), ("Acc", "Neut", "Sing")})
#: adjective endings after a der-word ("der alte Mann", "den alten Mann")
WEAK_ENDINGS: dict[str, frozenset[Analysis]] = {
    "e": frozenset({("Nom", g, "Sing") for g in GENDERS} | {("Acc", "Fem", "Sing"), ("Acc", "Neut", "Sing")}),
    "en": _REST,
}
#: adjective endings after an ein-word without ending ("ein alter Mann", "ein altes Haus";
#: after "einem", "eine" the weak endings apply)
MIXED_ENDINGS: dict[str, frozenset[Analysis]] = {
    "er": frozenset({("Nom", "Masc", "Sing")}),
    "es": frozenset({("Nom", "Neut", "Sing"), ("Acc", "Neut", "Sing")}),
}
#: adjective endings without a determiner ("alter Wein", "altes Brot"): the der-word endings,
#: but the genitive masculine/neuter singular is "-en" ("guten Weines"), not "-es"
STRONG_ENDINGS: dict[str, frozenset[Analysis]] = {
    **ENDINGS,
    "es": frozenset({("Nom", "Neut", "Sing"), ("Acc", "Neut", "Sing")}),
    "en": ENDINGS["en"] | _GENITIVE_ES,
}
PREPOSITIONS_FILE = DEFAULT_NOUNS.parent / "prepositions.tsv"


def read_prepositions(path: Path) -> dict[str, frozenset[str]]:
    """{preposition: the cases it governs} from ``word<TAB>Case,Case`` lines (``#`` comments)."""
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, cases = line.split("\t")
            table[word.strip()] = frozenset(case.strip() for case in cases.split(","))
    return table


#: prepositions and the cases they govern (``pipeline/data/morph/prepositions.tsv``)
PREPOSITIONS: dict[str, frozenset[str]] = read_prepositions(PREPOSITIONS_FILE)
#: preposition + article in one word (spaCy's tokenizer keeps "im" whole; GSD splits it)
CONTRACTIONS: dict[str, frozenset[Analysis]] = {
    **dict.fromkeys(("im", "am", "beim", "vom", "zum", "unterm", "überm", "vorm", "hinterm"), ENDINGS["em"]),
    "zur": frozenset({("Dat", "Fem", "Sing")}),
    **dict.fromkeys(("ins", "ans", "aufs", "fürs", "ums", "übers", "durchs", "vors"),
                    frozenset({("Acc", "Neut", "Sing")})),
}
#: personal pronouns and the cases their form allows ("ihr" is left alone: a second person
#: plural nominative or a feminine dative, which decides more features than the case)
PRONOUN_CASES: dict[str, frozenset[str]] = {
    **dict.fromkeys(("ich", "du", "er", "wir"), frozenset({"Nom"})),
    **dict.fromkeys(("mich", "dich", "ihn"), frozenset({"Acc"})),
    **dict.fromkeys(("mir", "dir", "ihm", "ihnen"), frozenset({"Dat"})),
    **dict.fromkeys(("sie", "es"), frozenset({"Nom", "Acc"})),
    **dict.fromkeys(("uns", "euch"), frozenset({"Acc", "Dat"})),
}
#: the case a dependency relation implies, to choose among what agreement leaves
RELATION_CASE = {"nsubj": "Nom", "nsubj:pass": "Nom", "obj": "Acc", "iobj": "Dat"}
#: answers kept by the caches of pure functions below (least recently used go first; 1,000
#: benchmark reports ask ~3,600 different questions of _closest, ~8,700 of adjective_degree)
_MAX_QUESTIONS = 4_096


def determiner_analyses(word: str) -> frozenset[Analysis] | None:
    """What an article, ein-word or der-word allows; None for other determiners ("viel")."""
    word = word.lower()
    found = ARTICLES.get(word)
    if found is not None:
        return found
    for stem in EIN_STEMS:
        if word.startswith(stem):
            ending = word[len(stem):]
            if not ending:
                return _BARE
            if ending in ENDINGS:
                # "eines"/"meines" is genitive only (no nominative "eines Kind"), "einer"/"meiner"
                # never nominative masculine (that is "ein"/"mein")
                if ending == "es":
                    return _GENITIVE_ES
                return ENDINGS[ending] - {("Nom", "Masc", "Sing")} if ending == "er" else ENDINGS[ending]
    for stem in DER_STEMS:
        ending = word[len(stem):] if word.startswith(stem) else None
        if ending in ENDINGS:
            return ENDINGS[ending]
    return None


def encode_entry(genders: str, forms: dict[str, set[str]]) -> str:
    """One lexicon line after the lemma: ``genders<TAB>form:cells;...`` (see build_nouns.py)."""
    return genders + "\t" + ";".join(f"{form}:{''.join(sorted(cells))}" for form, cells in sorted(forms.items()))


_BIT = {analysis: 1 << i for i, analysis in enumerate(ANALYSES)}


def to_mask(analyses: Iterable[Analysis]) -> int:
    """A set of analyses as a bit mask (intersections are then one ``&``)."""
    mask = 0
    for analysis in analyses:
        mask |= _BIT[analysis]
    return mask


def from_mask(mask: int) -> frozenset[Analysis]:
    """The analyses of a bit mask."""
    return frozenset(analysis for i, analysis in enumerate(ANALYSES) if mask >> i & 1)


_ALL_MASK = to_mask(ALL)
_CONTRACTION_MASKS = {word: to_mask(found) for word, found in CONTRACTIONS.items()}
_PREPOSITION_MASKS = {word: to_mask(a for a in ALL if a[0] in cases) for word, cases in PREPOSITIONS.items()}
_STRONG, _WEAK, _MIXED = ({ending: to_mask(found) for ending, found in table.items()}
                           for table in (STRONG_ENDINGS, WEAK_ENDINGS, MIXED_ENDINGS))


def _adjective_endings(determiners: list[str]) -> dict[str, int]:
    """The ending masks for adjectives after these determiners: strong without one, mixed
    after a bare ein-word ("ein alter Mann"), weak after any other ("dem alten Mann")."""
    if not determiners:
        return _STRONG
    word = determiners[-1].lower()
    if word in EIN_STEMS:
        return _MIXED
    return _WEAK if word in CONTRACTIONS or determiner_analyses(word) is not None else _STRONG


class NounLexicon:
    """Gender and paradigm cells of German nouns, by lemma; finds compounds by their head.

    ``lines`` maps a lemma to its encoded entry (``encode_entry``); entries stay encoded
    (about 10 MB), and a form's analyses are read from its entry when asked for, as a bit
    mask over ``ANALYSES``."""

    def __init__(self, lines: dict[str, str], beginnings: frozenset[str] | None = None) -> None:
        self.lines = lines
        #: the first three letters of every lemma (``read`` gives them; a lexicon still
        #: being filled, as in build_nouns.py, goes without): a tail of a compound whose
        #: first three letters begin no lemma is found under none, at one look
        self.beginnings = beginnings

    def analyses(self, form: str, lemma: str) -> frozenset[Analysis] | None:
        """What the lexicon allows for ``form``: under ``lemma``; else under the form as a
        lemma, or minus up to three letters ("Regierungen" -> "Regierung"); else the same
        for its longest known tail, the head of a compound ("Bundesregierungen")."""
        mask = self.mask(form, lemma)
        return from_mask(mask) if mask else None

    def mask(self, form: str, lemma: str) -> int:
        """``analyses`` as a bit mask; 0 where the lexicon knows nothing."""
        if lemma in self.lines:
            found = self._form_mask(lemma, form)
            if found:
                return found
        found = self._by_form(form)
        if found:
            return found
        beginnings = self.beginnings
        for start in range(1, len(form) - 3):
            if form[start] != "-":
                head = form[start].upper()
                # (every lemma _by_form tries is 3 letters or more and begins as the tail)
                if beginnings is None or head + form[start + 1:start + 3] in beginnings:
                    found = self._by_form(head + form[start + 1:])
                    if found:
                        return found
        return 0

    def _by_form(self, form: str) -> int:
        lines = self.lines
        for cut in range(4):
            lemma = form[:len(form) - cut]
            if len(lemma) < 3:
                return 0
            if lemma in lines:
                found = self._form_mask(lemma, form)
                if found:
                    return found
        return 0

    def _form_mask(self, lemma: str, form: str) -> int:
        """The analyses of ``form`` in ``lemma``'s entry (0 if the entry lacks it), read
        from the encoded line: a search for the one form a noun asks about, instead of
        decoding every form of the entry (a form holds no ``:`` or ``;``)."""
        if ":" in form or ";" in form:  # would be read as part of the encoding
            return 0
        line = self.lines[lemma]
        at = line.find("\t" + form + ":")
        if at < 0:
            at = line.find(";" + form + ":")
            if at < 0:
                return 0
        start = at + len(form) + 2
        end = line.find(";", start)
        return _cells_mask(line[:line.index("\t")], line[start:] if end < 0 else line[start:end])

    @classmethod
    def read(cls, path: Path) -> "NounLexicon":
        """The lexicon in ``path``; a malformed line (a hand edit) fails here, with its
        number, not in the middle of a run."""
        lines = {}
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                line = line.rstrip("\n")
                if not line.strip():
                    continue
                if not _LINE.fullmatch(line):
                    raise ValueError(f"{path}: line {number} is not 'lemma<TAB>genders<TAB>form:cells;...': {line[:80]!r}")
                lemma, entry = line.split("\t", 1)
                lines[lemma] = entry
        return cls(lines, frozenset(lemma[:3] for lemma in lines))

    def write(self, path: Path) -> None:
        """Sorted lines, gzip without timestamp or file name (hence the buffer: gzip
        writes the name of a file it opens itself): the same lexicon gives the same bytes."""
        buffer = io.BytesIO()
        with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as raw:
            raw.write("".join(f"{lemma}\t{self.lines[lemma]}\n" for lemma in sorted(self.lines)).encode("utf-8"))
        Path(path).write_bytes(buffer.getvalue())


#: one lexicon line: lemma, genders (m/f/n or -), forms with their case/number cells
_LINE = re.compile(r"[^\t]+\t(?:[mfn]+|-)\t[^\t:;]+:(?:[NGDA][sp])+(?:;[^\t:;]+:(?:[NGDA][sp])+)*")


@functools.lru_cache(maxsize=4_096)
def _cells_mask(genders: str, cells: str) -> int:
    """The analyses of a lexicon form: its case/number ``cells`` ("DsAp") with each of
    the entry's ``genders`` ("mn"; "-": any). Few distinct pairs, hence the cache."""
    names = [_GENDER[g] for g in genders if g in _GENDER] or list(GENDERS)
    return to_mask((_CELL_CASE[cells[i]], gender, _CELL_NUMBER[cells[i + 1]])
                   for i in range(0, len(cells), 2) for gender in names)


_DET_RELATIONS = frozenset(map(get_string_id, ("det", "det:poss")))
_AMOD, _CASE = get_string_id("amod"), get_string_id("case")
_NMOD, _CONJ, _NUMMOD = get_string_id("nmod"), get_string_id("conj"), get_string_id("nummod")
_RELATION_CASE_IDS = {get_string_id(relation): case for relation, case in RELATION_CASE.items()}
#: prepositions that govern the genitive or the dative ("wegen"): the parse then prefers the genitive
_GENITIVE_OR_DATIVE = frozenset(word for word, cases in PREPOSITIONS.items() if cases == {"Gen", "Dat"})
_PPER = get_string_id("PPER")
_AUX_PASS = get_string_id("aux:pass")
_WERDEN = get_string_id("werden")
_ADJA = get_string_id("ADJA")
_ADJD = get_string_id("ADJD")
#: the relations _Phrases reads (a StringStore key is a uint64, as Doc.to_array gives it)
_READ_RELATIONS = numpy.array(sorted({*_DET_RELATIONS, _AMOD, _CASE, _NUMMOD}), dtype=numpy.uint64)


class MorphAgreement:
    """Sets case, gender and number of noun phrases (see the module docstring)."""

    def __init__(self, nlp: Language, name: str = "meldung_morph_agreement",
                 lexicon: NounLexicon | None = None, *, use_lexicon: bool = True, use_adjectives: bool = True,
                 use_relations: bool = True, use_pronouns: bool = True, use_passive: bool = True,
                 use_degree: bool = True) -> None:
        self.nlp = nlp
        self.name = name
        #: which pieces of knowledge apply (all by default; single ones off for the ablation
        #: in models/README.md, ``python models/ablate_morph.py``)
        self.use_lexicon, self.use_adjectives, self.use_relations = use_lexicon, use_adjectives, use_relations
        self.use_pronouns, self.use_passive, self.use_degree = use_pronouns, use_passive, use_degree
        self.lexicon = lexicon if lexicon is not None else NounLexicon.read(DEFAULT_NOUNS)
        self._write_cache: dict[tuple[int, Analysis, str], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        array = doc.to_array([POS, DEP, HEAD, TAG, ORTH, LEMMA, MORPH])
        pos = array[:, 0].tolist()
        phrases = _Phrases(doc, array, pos)
        form_cache(self, "_write_cache")  # (emptied here when full, read below)
        morphs = array[:, 6].tolist()
        new = list(morphs)
        case_of: dict[int, str] = {}
        lexicon_masks = self._lexicon_masks(phrases) if self.use_lexicon else {}
        for noun in phrases.nouns:
            chosen = self._resolve(phrases, noun, lexicon_masks.get(noun), new, case_of)
            if chosen is not None:
                case_of[noun] = chosen[0]
                self._write(new, noun, chosen, "noun" if pos[noun] == NOUN else "name")
                for det in phrases.determiners.get(noun, ()):
                    self._write(new, det, chosen, "det")
                for adjective in phrases.adjectives.get(noun, ()):
                    self._write(new, adjective, chosen, "adj")
        for pronoun in phrases.pronouns if self.use_pronouns else ():
            case = _pronoun_case(phrases, pronoun)
            if case is not None:
                new[pronoun] = self._with(new[pronoun], Case=case)
        for auxiliary in phrases.passives if self.use_passive else ():
            new[auxiliary] = self._with(new[auxiliary], Voice="Pass")
        for adjective, lemma, attributive in phrases.graded_adjectives if self.use_degree else ():
            degree = adjective_degree(phrases.words[adjective], lemma, attributive)
            if degree is not None and "Degree" in self._feature_dict(new[adjective]):
                new[adjective] = self._with(new[adjective], Degree=degree)
        set_morphs(doc, array[:, 6], new)
        return doc

    def _resolve(self, phrases: "_Phrases", noun: int, lexicon_mask: int | None, morphs: list[int],
                 case_of: dict[int, str]) -> Analysis | None:
        """The analysis of the phrase headed by ``noun``, or None if nothing constrains it.
        ``lexicon_mask``: what the lexicon allows for it (None: not looked up, a name)."""
        markers = phrases.case_markers.get(noun)
        dets = phrases.determiners.get(noun)
        adjectives = phrases.adjectives.get(noun) if self.use_adjectives else None
        if not (markers or dets or adjectives or lexicon_mask is not None):
            return None  # nothing to constrain it: most names without an article
        # the closed classes first, so that a wrong lexicon entry (or a wrong lemma) is the
        # constraint skipped, not the article: "zum" before "bis" ("bis zum Ende")
        words = phrases.words
        prepositions = [words[i].lower() for i in markers] if markers else []
        determiners = [words[i] for i in dets] if dets else []
        constraints = [_CONTRACTION_MASKS[word] for word in prepositions if word in _CONTRACTION_MASKS]
        constraints += map(_determiner_mask, determiners)
        constraints += [_PREPOSITION_MASKS.get(word, 0) for word in prepositions if word not in _CONTRACTION_MASKS]
        if lexicon_mask is not None:
            constraints.append(lexicon_mask)
        if adjectives:
            # a contraction is an article too: "im zweiten Anlauf" has weak endings
            endings = _adjective_endings(determiners + [word for word in prepositions if word in CONTRACTIONS])
            for adjective in adjectives:
                if "Case" in self._feature_dict(morphs[adjective]):  # "super Brötchen": not inflected
                    constraints.append(_adjective_mask(words[adjective], endings))
        left = _ALL_MASK
        for allowed in constraints:
            if left & allowed:  # a constraint that would leave nothing is skipped
                left &= allowed
        if left == _ALL_MASK:
            return None
        if not left & (left - 1):
            return ANALYSES[left.bit_length() - 1]
        model = self._feature_dict(morphs[noun])
        preferred = self._relation_case(phrases, noun, prepositions, morphs, case_of) if self.use_relations else None
        return _closest(left, preferred, model.get("Case"), model.get("Gender"), model.get("Number"))

    def _relation_case(self, phrases: "_Phrases", noun: int, prepositions: list[str],
                       morphs: list[int], case_of: dict[int, str]) -> str | None:
        relation = phrases.deps[noun]
        if relation in _RELATION_CASE_IDS:
            return _RELATION_CASE_IDS[relation]
        if relation == _NMOD and not prepositions and noun not in phrases.counted:
            return "Gen"  # "die Chefs der Industrie"; not "7 Tage Erholung", "18 Uhr"
        if not _GENITIVE_OR_DATIVE.isdisjoint(prepositions):
            return "Gen"
        if relation == _CONJ:  # the first conjunct's case, as resolved or as the model has it
            head = phrases.heads[noun]
            return case_of.get(head) or (self._feature_dict(morphs[head]).get("Case") if head != noun else None)
        return None

    def _lexicon_masks(self, phrases: "_Phrases") -> dict[int, int]:
        """{common noun: what the lexicon allows for its form and lemma}, one cache look per
        noun (the cache keeps the answers per (form, lemma): most nouns recur)."""
        cache = form_cache(self.lexicon, "_noun_cache", MAX_NOUN_FORMS)  # answers of this lexicon
        keys = [(phrases.words[i], lemma) for i, lemma in phrases.common_nouns]
        found = cached_answers(keys, cache, lambda key: self.lexicon.mask(*key))
        return dict(zip([i for i, _ in phrases.common_nouns], found))

    def _write(self, morphs: list[int], i: int, analysis: Analysis, kind: str) -> None:
        """Put ``analysis`` on token ``i``: all three features on a noun; on a name,
        determiner or adjective only the features the model gave it (an uninflected
        "super" or a name without case stays so), and no gender on a plural article
        that had none."""
        key = (morphs[i], analysis, kind)  # one lookup per token; the rule below per new key
        new = self._write_cache.get(key)
        if new is None:
            new = self._write_cache[key] = self._rewritten(morphs[i], analysis, kind)
        morphs[i] = new

    def _rewritten(self, morph: int, analysis: Analysis, kind: str) -> int:
        features = self._feature_dict(morph)
        if kind != "noun" and "Case" not in features:
            return morph
        case, gender, number = analysis
        if kind != "det" or number == "Sing" or "Gender" in features:
            return self._with(morph, Case=case, Gender=gender, Number=number)
        return self._with(morph, Case=case, Number=number)

    def _with(self, morph: int, **values: str) -> int:
        """``morph`` with these feature values, added to the vocab's morphology if new
        (cached: few analyses, many tokens)."""
        key = (morph, tuple(values.items()))
        new = self._write_cache.get(key)
        if new is None:
            features = self._feature_dict(morph)
            changed = dict(features, **values)
            new = self._write_cache[key] = morph if changed == features else self.nlp.vocab.morphology.add(
                "|".join(f"{k}={v}" for k, v in sorted(changed.items())))
        return new

    def _feature_dict(self, key: int) -> dict[str, str]:
        return morph_features(self.nlp.vocab, key)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.lexicon.write(path / NOUNS_FILE)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "MorphAgreement":
        self.lexicon = NounLexicon.read(Path(path) / NOUNS_FILE)
        return self


@functools.lru_cache(maxsize=_MAX_QUESTIONS)
def _closest(left: int, preferred: str | None, case: str | None, gender: str | None,
             number: str | None) -> Analysis:
    """Of the analyses in ``left``, the one with the case the parse suggests (counted
    twice) and most of the model's own features; of equals the first in ANALYSES, the more
    frequent one. (Cached: a run asks the same few thousand questions again and again.)"""
    best, best_score = None, -1
    for i, analysis in enumerate(ANALYSES):
        if left >> i & 1:
            score = (2 * (analysis[0] == preferred) + (analysis[0] == case)
                     + (analysis[1] == gender) + (analysis[2] == number))
            if score > best_score:
                best, best_score = analysis, score
    return best


_DETERMINER_MASKS: dict[str, int] = {}


def _determiner_mask(word: str) -> int:
    found = _DETERMINER_MASKS.get(word)
    if found is None:
        analyses = determiner_analyses(word)
        found = to_mask(analyses) if analyses else 0
        if len(_DETERMINER_MASKS) < MAX_FORMS:
            _DETERMINER_MASKS[word] = found
    return found


def _adjective_mask(word: str, endings: dict[str, int]) -> int:
    """What an attributive adjective's ending allows; 0 for the indeclinable "Berliner"."""
    if word[:1].isupper() and word.endswith("er"):
        return 0
    return endings.get(word[-2:].lower()) or endings.get(word[-1:].lower(), 0)


_UMLAUTS = str.maketrans("äöü", "aou")
_ENDING_LETTERS = ("en", "em", "er", "es", "e")


@functools.lru_cache(maxsize=_MAX_QUESTIONS)
def adjective_degree(form: str, lemma: str, attributive: bool) -> str | None:
    """``Cmp`` or ``Sup`` where an adjective's form is its lemma (the positive) plus the
    comparative or superlative suffix, umlaut allowed ("größeren": groß, "neuesten": neu,
    "größte": groß), else None (the model's degree stays). An attributive adjective always
    has an ending, so "toller" there is "toll" + "-er" (positive), and only "tollere" a
    comparative. (Cached per question: a Doc's adjectives repeat.)"""
    word, lemma = form.lower().translate(_UMLAUTS), lemma.lower().translate(_UMLAUTS)
    if not lemma or word == lemma:
        return None
    stem = word
    if attributive:
        ending = next((e for e in _ENDING_LETTERS if word.endswith(e)), None)
        if ending is None:
            return None
        stem = word[:-len(ending)]
    if stem in (lemma + "er", lemma + "r") and not lemma.endswith("er"):
        return "Cmp"
    if stem in (lemma + "st", lemma + "est") or (stem == lemma + "t" and lemma[-1:] in "ßsz"):
        return "Sup"
    return None


def _pronoun_case(phrases: "_Phrases", i: int) -> str | None:
    """The case of personal pronoun ``i``: the one its form allows, else the one of its
    relation ("sie" as the object: accusative) or of its preposition ("mit uns": dative)."""
    allowed = PRONOUN_CASES.get(phrases.words[i].lower())
    if allowed is None:
        return None
    if len(allowed) > 1:
        relation = _RELATION_CASE_IDS.get(phrases.deps[i])
        governed = [PREPOSITIONS.get(phrases.words[p].lower(), frozenset()) for p in phrases.case_markers.get(i, ())]
        allowed = {relation} & allowed if relation else allowed.intersection(*governed) if governed else allowed
    return next(iter(allowed)) if len(allowed) == 1 else None


class _Phrases:
    """A Doc's nouns with their determiners, attributive adjectives and case markers, read
    from the parse as plain lists (no Token objects)."""

    def __init__(self, doc: Doc, array: numpy.ndarray, pos: list[int]) -> None:
        self.pos = pos
        positions = numpy.arange(len(doc))
        pos_column, dep_column, tag_column, lemma_column = array[:, 0], array[:, 1], array[:, 3], array[:, 5]
        deps = dep_column.tolist()
        heads = array[:, 2].astype("int64") + positions
        self.heads = heads.tolist()
        # the token classes the rules read, found with numpy (a Doc has a few of each)
        nouns = numpy.flatnonzero((pos_column == NOUN) | (pos_column == PROPN))
        self.nouns = nouns.tolist()
        self.determiners: dict[int, list[int]] = {}
        self.adjectives: dict[int, list[int]] = {}
        self.case_markers: dict[int, list[int]] = {}
        #: nouns with a number before them ("7 Tage")
        self.counted: set[int] = set()
        self.pronouns = numpy.flatnonzero(tag_column == _PPER).tolist()
        self.passives = numpy.flatnonzero((dep_column == _AUX_PASS) & (lemma_column == _WERDEN)).tolist()
        attributive = tag_column == _ADJA
        graded = numpy.flatnonzero(attributive | (tag_column == _ADJD))
        self.deps: list[int] = deps
        # the rules read only words before their noun, and only in these relations
        read = (heads > positions) & among(dep_column, _READ_RELATIONS)
        for i in numpy.flatnonzero(read).tolist():
            relation, head = deps[i], self.heads[i]
            if relation in _DET_RELATIONS and pos[i] == DET:
                self.determiners.setdefault(head, []).append(i)
            elif relation == _AMOD and pos[i] == ADJ and attributive[i]:
                self.adjectives.setdefault(head, []).append(i)
            elif relation == _CASE:
                self.case_markers.setdefault(head, []).append(i)
            elif relation == _NUMMOD:
                self.counted.add(head)
        #: every token's word form: the components after the NER read the same shared list
        #: (``_tokens.words``), so the forms are decoded once for all of them
        self.words = words(doc, array[:, 4].tolist())
        common = nouns[pos_column[nouns] == NOUN]
        #: (index, lemma) of the common nouns, which the lexicon is asked about
        self.common_nouns = list(zip(common.tolist(), hash_strings(doc, lemma_column[common].tolist())))
        #: (index, lemma, attributive) of the adjectives (ADJA, ADJD), for their degree
        self.graded_adjectives = list(zip(graded.tolist(), hash_strings(doc, lemma_column[graded].tolist()),
                                          attributive[graded].tolist()))


@Language.factory("meldung_morph_agreement",
                  default_config={"use_lexicon": True, "use_adjectives": True, "use_relations": True,
                                  "use_pronouns": True, "use_passive": True, "use_degree": True},
                  requires=["token.pos", "token.dep", "token.lemma", "token.morph"], assigns=["token.morph"])
def make_morph_agreement(nlp: Language, name: str, use_lexicon: bool, use_adjectives: bool, use_relations: bool,
                         use_pronouns: bool, use_passive: bool, use_degree: bool) -> MorphAgreement:
    return MorphAgreement(nlp, name, use_lexicon=use_lexicon, use_adjectives=use_adjectives,
                          use_relations=use_relations, use_pronouns=use_pronouns, use_passive=use_passive,
                          use_degree=use_degree)
