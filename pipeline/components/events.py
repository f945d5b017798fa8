"""Events in German agency copy: who did what to whom, where, when, how many.

``meldung_events`` finds event triggers (verbs, nouns, fixed phrases of the trigger
lexicon) and writes one span per event mention to ``doc.spans["events"]``. The span
is the trigger's anchor word (the finite or lexical verb, the event noun); on it:

- ``event_type`` (str): a type of the taxonomy (``pipeline/data/events/taxonomy.tsv``:
  statement, appeal, threaten, meet, visit, negotiate, agree, reject, support, sanction,
  protest, arrest, attack, kill, injure, displace, disaster, election, resign, appoint,
  court, release; each with its nearest CAMEO root code).
- ``event_trigger`` (str): the trigger as written, discontinuous parts joined with
  " … " ("kommen … zusammen", "kamen … ums Leben").
- ``event_actor`` / ``event_target`` (str or None): who acts / who or what is acted on.
  The canonical name where the phrase is an entity mention (``doc.spans["mentions"]``
  with ``mention_canonical``, else ``doc.ents``), else the name (a proper-noun run:
  "Bundeskanzler Olaf Scholz" -> "Olaf Scholz"), else the phrase without articles
  and numbers ("türkische Soldaten"). Coordinated parties are joined with "; ".
- ``event_place`` (str or None): a place of the sentence within three words after a
  locative preposition (a LOC mention, else a name of the place gazetteer), the nearest
  to the trigger; else the dateline place.
- ``event_date`` (str or None): the resolved value of the nearest time expression of
  the sentence (``doc.spans["dates"]``, ``date_value``), date part only.
- ``event_quantity`` (float or None) / ``event_quantity_what`` (str or None): the count
  of the actor or target (``doc.spans["numbers"]``): "34 Soldaten getötet" -> 34, Soldaten.
- ``event_negated`` (bool): nicht / kein / weder / nie in the clause.
- ``event_modality`` (str): ``asserted``, ``planned`` (wollen, planen, sollen + infinitive,
  future werden, a future date with a present verb, a nominal event that is announced),
  ``reported`` (Konjunktiv I, hearsay "sollen" + perfect, an event reported inside
  indirect speech) or ``negated``.
- ``event_quote_start`` (int or None): for statement events, the start offset of the
  quote (``doc.spans["quotes"]``) whose cue is the trigger or that is in its sentence.

Roles come from the dependency parse when the pipeline has one (subject, object,
"von"/"durch" agent of a passive, genitive of a nominal event, the subject of a
support verb: "Gespräche führen", "Sanktionen verhängen"). Without a parse, simple
clause heuristics: the nearest noun phrase (capitalised words) left of the trigger
is the actor and the one to its right the target, swapped for a passive.

Lemmas come from the pipeline's lemmatizer when it has one, and always also from a
fallback (irregular forms in ``lemmas.tsv``, suffix rules, separable particles), so
a blank or weak pipeline still finds "trafen", "festgenommen", "Anschläge".

What it does **not** do: event coreference (every mention is a row: "das Treffen"
after "trafen sich" is a second meet row), cross-sentence roles, and events inside
reported speech that are only expected or demanded ("er erwarte schwierige
Gespräche" is no negotiation): nominal triggers inside indirect or direct speech are
dropped, verbal ones kept as reported.
"""

from __future__ import annotations

import json
import operator
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import chain, compress, repeat
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

import numpy
import srsly
from spacy import util
from spacy.attrs import DEP, HEAD, IS_ALPHA, IS_PUNCT, LEMMA, ORTH, POS, SENT_START, TAG
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.pipeline import Pipe
from spacy.scorer import Scorer
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token
from spacy.training import Example

from . import _tokens

__all__ = [
    "DATA_DIR", "EventMatch", "EventLexicon", "EventTagger", "find_events", "make_events",
    "SPAN_EXTENSIONS", "MODALITIES", "lemma_candidates",
]

#: the package's own taxonomy and lexicons
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "events"
GAZETTEER_DIR = Path(__file__).resolve().parent.parent / "data" / "gazetteers"
#: Span extensions this component writes (events table columns + modality, quote_start)
SPAN_EXTENSIONS = ("event_type", "event_trigger", "event_actor", "event_target", "event_place",
                   "event_date", "event_quantity", "event_quantity_what", "event_negated",
                   "event_modality", "event_quote_start")
MODALITIES = ("asserted", "planned", "reported", "negated")
#: types whose count is read from the nearest number when no role carries one
COUNT_TYPES = {"kill", "injure", "displace", "arrest", "protest", "release"}
#: types whose grammatical subject is the one affected when there is no object
#: ("Menschen kamen ums Leben", "Zivilisten flohen")
UNDERGOER_TYPES = {"kill", "injure", "displace"}
#: types whose clause after/before a comma is reported content
SPEECH_TYPES = {"statement", "appeal", "threaten"}
LOC_LABELS = {"LOC", "GPE"}
PREPOSITIONS = {"in", "im", "bei", "beim", "nach", "vor", "aus", "auf", "an", "am", "mit", "von", "vom",
                "zu", "zum", "zur", "seit", "für", "gegen", "über", "unter", "um", "wegen", "trotz",
                "durch", "ohne", "zwischen", "nahe", "laut", "gemäß", "ins", "ans", "aufs"}
LOC_PREPS = {"in", "im", "bei", "beim", "nahe", "vor", "nach", "aus", "auf", "an", "am"}
FUNCTION_WORDS = {
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines",
    "bei", "nach", "in", "im", "am", "an", "auf", "aus", "mit", "von", "vom", "zu", "zum", "zur",
    "seit", "vor", "für", "gegen", "über", "unter", "um", "wie", "als", "wegen", "trotz", "dabei",
    "damit", "dazu", "zuvor", "zudem", "auch", "so", "es", "er", "sie", "wir", "ich", "man", "dies",
    "diese", "dieser", "dieses", "das", "dass", "und", "oder", "aber", "doch", "denn", "weil",
    "wenn", "ob", "nun", "jetzt", "heute", "gestern", "morgen", "anschließend", "unterdessen",
    "seither", "zunächst", "bislang", "bisher", "erneut", "weitere", "weiteren", "mehrere",
    "mehr", "mindestens", "rund", "knapp", "fast", "etwa", "insgesamt", "nach", "laut", "unter",
    "kein", "keine", "nicht", "seine", "ihre", "sein", "ihr", "ihren", "seinen", "alle", "beide",
    "beiden", "am", "im",
}
ARTICLES = {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer",
            "eines", "sein", "seine", "seinen", "seinem", "seiner", "ihr", "ihre", "ihren",
            "ihrem", "ihrer", "dieser", "diese", "diesen", "diesem", "kein", "keine", "keinen"}
WEEKDAY_WORDS = {"montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag",
                 "sonntag", "sonnabend", "januar", "februar", "märz", "april", "mai", "juni",
                 "juli", "august", "september", "oktober", "november", "dezember", "uhr",
                 "woche", "wochen", "jahr", "jahren", "monat", "monaten", "tag", "tagen", "nacht",
                 "abend", "morgen", "freitagabend", "montagabend"}
WERDEN = {"wurde", "wurden", "worden", "wird", "werden", "würde", "würden", "werde"}
SUBJ_DEPS = {"nsubj", "nsubj:pass", "sb", "csubj"}
OBJ_DEPS = {"obj", "iobj", "oa", "da", "dobj"}
PRT_DEPS = {"compound:prt", "svp", "prt"}
#: their StringStore keys, for _tokens.among
_PRT_DEP_IDS = numpy.array(sorted(get_string_id(d) for d in PRT_DEPS), dtype=numpy.uint64)
NOUN_POS = {"NOUN", "PROPN"}
_VERB_SUFFIXES = ("test", "ten", "tet", "te", "est", "en", "et", "st", "t", "e", "n")
#: the suffixes by their last letter, in the order above (only these can end a word)
_VERB_SUFFIXES_BY_LAST = {last: tuple(s for s in _VERB_SUFFIXES if s.endswith(last)) for last in "ten"}
_NOUN_SUFFIXES = ("en", "es", "n", "e", "s")
_UMLAUT = str.maketrans({"ä": "a", "ö": "o", "ü": "u"})


class EventMatch(NamedTuple):
    """An event mention: the anchor's token offsets ``[start, end)`` and its roles."""

    start: int
    end: int
    type: str
    trigger: str
    actor: str | None
    target: str | None
    place: str | None
    date: str | None
    quantity: float | None
    quantity_what: str | None
    negated: bool
    modality: str
    quote_start: int | None


class Entry(NamedTuple):
    type: str
    lemma: str
    kind: str  # verb, noun, adj, phrase
    context: frozenset[str]
    words: tuple[str, ...] = ()  # fixed words of a phrase (lower case)


def _read_tsv(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    return [line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


@dataclass(eq=False)  # hashed by identity: it keys the per-form lemma cache
class EventLexicon:
    """The taxonomy, trigger lexicon, lemma fallback and cue words of a data folder."""

    taxonomy: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    entries: dict[str, list[Entry]] = field(default_factory=dict)  # lower-case lemma -> entries
    phrases: dict[str, list[Entry]] = field(default_factory=dict)  # verb lemma -> phrase entries
    forms: dict[str, str] = field(default_factory=dict)
    cues: dict[str, set[str]] = field(default_factory=dict)
    not_compounds: set[str] = field(default_factory=set)
    rows: dict[str, list[list[str]]] = field(default_factory=dict)

    FILES = ("taxonomy.tsv", "triggers.tsv", "lemmas.tsv", "cues.tsv", "not_compounds.tsv")

    @classmethod
    def from_dir(cls, path: str | Path) -> "EventLexicon":
        path = Path(path)
        return cls.from_rows({name: _read_tsv(path / name) for name in cls.FILES})

    @classmethod
    def from_rows(cls, rows: dict[str, list[list[str]]]) -> "EventLexicon":
        lex = cls(rows=rows)
        for r in rows.get("taxonomy.tsv", []):
            lex.taxonomy[r[0]] = (r[1], r[2], r[3] if len(r) > 3 else "")
        for r in rows.get("triggers.tsv", []):
            etype, lemma, kind = r[0], r[1], r[2]
            if lex.taxonomy and etype not in lex.taxonomy:
                raise ValueError(f"triggers.tsv: type {etype!r} of {lemma!r} is not in taxonomy.tsv")
            context = frozenset(w for w in (r[3].split("|") if len(r) > 3 and r[3] else []) if w)
            if kind == "phrase":
                *words, verb = lemma.split()
                entry = Entry(etype, verb.lower(), kind, context, tuple(w.lower() for w in words))
                lex.phrases.setdefault(verb.lower(), []).append(entry)
            else:
                lex.entries.setdefault(lemma.lower(), []).append(Entry(etype, lemma.lower(), kind, context))
        lex.forms = {r[0].lower(): r[1].lower() for r in rows.get("lemmas.tsv", []) if len(r) > 1}
        for r in rows.get("cues.tsv", []):
            lex.cues.setdefault(r[0], set()).add(r[1].lower())
        lex.not_compounds = {r[0].lower() for r in rows.get("not_compounds.tsv", []) if not r[0].startswith("-")}
        lex.not_compound_endings = tuple(r[0][1:].lower() for r in rows.get("not_compounds.tsv", [])
                                         if r[0].startswith("-"))
        lex.noun_keys = {k for k, es in lex.entries.items() if any(e.kind == "noun" for e in es)}
        return lex

    def to_dir(self, path: str | Path) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for name in self.FILES:
            lines = ["\t".join(r) for r in self.rows.get(name, [])]
            (path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")

    def cue(self, kind: str) -> set[str]:
        return self.cues.get(kind, set())

    def lookup(self, lemma: str, kinds: tuple[str, ...],
               sent_words: set[str] | Callable[[], set[str]]) -> Entry | None:
        """The entry of ``lemma`` for one of ``kinds`` whose context fits the sentence
        (``sent_words``: its words and lemmas, or a function that makes them: only an entry
        with context words asks for them)."""
        default = None
        for entry in self.entries.get(lemma, ()):
            if entry.kind not in kinds:
                continue
            if entry.context:
                if entry.context & (sent_words() if callable(sent_words) else sent_words):
                    return entry
            elif default is None:
                default = entry
        return default


@lru_cache(maxsize=1)
def default_lexicon() -> EventLexicon:
    """The package's taxonomy and lexicons, loaded once."""
    return EventLexicon.from_dir(DATA_DIR)


@lru_cache(maxsize=1)
def place_names() -> dict[str, set[tuple[str, ...]]]:
    """Country and city names of meldung's gazetteer (read only), keyed by first word."""
    names: dict[str, set[tuple[str, ...]]] = {}
    for name in ("countries.txt", "cities.txt"):
        path = GAZETTEER_DIR / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            words = tuple(line.strip().split())
            if words and words[0][:1].isupper():
                names.setdefault(words[0], set()).add(words)
    return names


# -- lemmas


def _verb_guesses(word: str, lex: EventLexicon) -> set[str]:
    out = {word}
    if word in lex.forms:
        out.add(lex.forms[word])
    stems = [word]
    if word.startswith("ge") and len(word) > 5:
        rest = word[2:]
        stems.append(rest)
        if rest in lex.forms:
            out.add(lex.forms[rest])
    for s in stems:
        for suf in _VERB_SUFFIXES_BY_LAST.get(s[-1:], ()):
            if s.endswith(suf) and len(s) - len(suf) >= 3:
                stem = s[: -len(suf)]
                out.update((stem + "en", stem + "n"))
    return out


def _noun_guesses(word: str) -> set[str]:
    out = {word}
    for suf in _NOUN_SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            stem = word[: -len(suf)]
            out.update((stem, stem + "e", stem.translate(_UMLAUT)))
            if stem.endswith("e"):
                out.add(stem[:-1].translate(_UMLAUT))
    out.add(word.translate(_UMLAUT))
    return out


def lemma_candidates(token: Token, lex: EventLexicon, *, noun: bool, particle: str | None = None) -> list[str]:
    """Possible lower-case lemmas of ``token``: the pipeline's lemma first, then the fallback.

    >>> from spacy.lang.de import German
    >>> [c for c in lemma_candidates(German()("festgenommen")[0], default_lexicon(), noun=False) if c == "festnehmen"]
    ['festnehmen']
    """
    first = token.lemma_.lower() if token.lemma_ and token.lemma_ != token.text else None
    return list(_candidates(token.lower_, first, lex, noun, particle))


@lru_cache(maxsize=65536)
def _candidates(low: str, first: str | None, lex: "EventLexicon", noun: bool,
                particle: str | None) -> tuple[str, ...]:
    """The work of :func:`lemma_candidates`, cached per word form (most of the
    component's time went here, for the same few thousand forms again and again)."""
    out: list[str] = [first] if first else []
    if noun:
        parts = low.split("-")
        # the whole form first, then its last part; a set here iterated in an order that
        # changed with Python's string hash seed from run to run ("nato-gipfel", "gipfel")
        for word in dict.fromkeys((low, parts[-1])):
            out.extend(sorted(_noun_guesses(word)))
        return tuple(c for c in dict.fromkeys(out) if c)
    guesses = set(_verb_guesses(low, lex))
    for p in _particles_for(low, lex):
        if low.startswith(p) and len(low) > len(p) + 3:
            rest = low[len(p):]
            if rest.startswith("zu") and len(rest) > 5:  # anzugreifen
                guesses.update(p + g for g in _verb_guesses(rest[2:], lex))
            guesses.update(p + g for g in _verb_guesses(rest, lex))
    out.extend(sorted(guesses, key=lambda g: (g != low, len(g), g)))  # g: ties in a fixed order
    if particle:
        out = [particle + c for c in out]
    return tuple(c for c in dict.fromkeys(out) if c)


def _particles_for(word: str, lex: EventLexicon) -> Iterable[str]:
    """The particle cues ``word`` can start with, in the order of the cue set: only those
    of its own first letter (testing all 27 was most of the time of a new form's
    candidates). Grouped once per lexicon."""
    particles = lex.cue("particle")
    got = lex.__dict__.get("_particles_by_initial")
    if got is None or got[0] is not particles:
        groups: dict[str, list[str]] = {}
        for p in particles:
            groups.setdefault(p[:1], []).append(p)
        got = lex.__dict__["_particles_by_initial"] = (particles, {k: tuple(v) for k, v in groups.items()})
    groups = got[1]
    return particles if "" in groups else groups.get(word[:1], ())  # an empty cue starts every word


# -- sentence helpers


def _is_nounish(tok: Token, parsed: bool) -> bool:
    """A noun by POS (with a tagger) or, in German, by its capital letter."""
    if not tok.text[:1].isupper() or not any(ch.isalpha() for ch in tok.text):
        return False
    if tok.pos_ and tok.pos_ not in ("", "X"):
        return tok.pos_ in NOUN_POS
    if tok.is_sent_start or (tok.i > 0 and doc_prev_is_open(tok)):
        return tok.lower_ not in FUNCTION_WORDS
    return True


def doc_prev_is_open(tok: Token) -> bool:
    return tok.doc[tok.i - 1].text in _OPENERS


#: tokens after which a capitalised word is no sign of a noun (without a tagger)
_OPENERS = ("„", "»", '"', "(", "-", "–", ":")


#: tokens that end a clause (:func:`_clause_bounds`)
CLAUSE_BREAKS = frozenset({",", ";", ":", "–"})


def _clause_bounds(sent: Span, i: int, text: list[str] | None = None) -> tuple[int, int]:
    """Token range of the comma-delimited stretch of ``sent`` around token ``i``
    (``text``: the Doc's token texts, ``_TokenTable.text``, when the caller has them)."""
    if text is None:
        text = _tokens.doc_words(sent.doc)[0]
    start, end = sent.start, sent.end
    for j in range(i - 1, sent.start - 1, -1):
        if text[j] in CLAUSE_BREAKS:
            start = j + 1
            break
    for j in range(i + 1, sent.end):
        if text[j] in CLAUSE_BREAKS:
            end = j
            break
    return start, end


def _particle_at(i: int, sent_end: int, lex: EventLexicon, parsed: bool, table: "_TokenTable") -> int | None:
    """The index of the separated particle of the finite verb at ``i`` ("kommen ...
    zusammen", "wies ... zurück"), read from ``table``: the trigger search asks it for every
    verb, and a Token per child and per look was most of its time."""
    if parsed:
        child = table.particle_child(i, lex.cue("particle"))
        if child is not None:
            return child
        # a particle the parser attached elsewhere (or tagged as a preposition): the
        # clause-final one, with no other full verb in between
        found = _particle_at(i, sent_end, lex, False, table) if table.tags(i, i + 1)[0].startswith("VV") else None
        if found is not None and not any(t.startswith("VV") for t in table.tags(i + 1, found)):
            return found
        return None
    particles = lex.cue("particle")
    text, lower, punct = table.text, table.lower, table.punct
    for j in range(i + 1, sent_end):
        if text[j] in (",", ";", ":") or (lower[j] in ("und", "oder", "aber") and j > i + 1 and lower[j - 1] not in particles):
            return None
        if lower[j] in particles:
            if j + 1 >= sent_end or punct[j + 1] or lower[j + 1] in ("und", "oder", "aber"):
                return j
    return None


#: word classes that never trigger an event (with a tagger): skipped before the lemma lookup
CLOSED_POS = frozenset({"DET", "ADP", "PRON", "CCONJ", "SCONJ", "NUM", "PART", "SYM", "INTJ"})
_NN, _NE, _PTKVZ = get_string_id("NN"), get_string_id("NE"), get_string_id("PTKVZ")
#: the word class of each POS id for the trigger search: open, closed, noun, or none
#: (no tagger: "" and X)
_OPEN, _CLOSED, _NOUN, _UNTAGGED = range(4)
_POS_CLASS = numpy.zeros(max(POS_IDS.values()) + 1, dtype="uint8")
_POS_CLASS[[POS_IDS[p] for p in CLOSED_POS]] = _CLOSED
_POS_CLASS[[POS_IDS[p] for p in NOUN_POS]] = _NOUN
_POS_CLASS[[POS_IDS[""], POS_IDS["X"]]] = _UNTAGGED


#: the first letter of a word (a slice: "" for an empty word, as ``word[:1]``)
_FIRST_LETTER = slice(0, 1)


class _Trigger(NamedTuple):
    token: Token
    entry: Entry
    extra: tuple[Token, ...]  # particle or phrase words


def _where(flags: list[bool]) -> list[int]:
    """The indices of the true ``flags`` (found in C, not a Python loop per flag)."""
    return list(compress(range(len(flags)), flags))


class _TokenTable:
    """The token attributes the rules read, one list per attribute, read once per Doc.

    Reading them through a new Token object at every look (``for tok in sent`` per
    sentence, ``tok.lower_`` per rule) was most of the trigger search; one
    ``Doc.to_array`` and a string lookup per value is cheaper still than a Token each."""

    def __init__(self, doc: Doc):
        self.doc = doc
        cols = doc.to_array([ORTH, LEMMA, POS, TAG, IS_PUNCT, IS_ALPHA, SENT_START, DEP,
                             HEAD]).T if len(doc) else numpy.zeros((9, 0), dtype="uint64")
        # the string columns read as lists; flags, relations and heads stay arrays until asked
        self._cols = cols
        # hash -> string through the shared cache: the StringStore decodes a new str per look
        self.text = _tokens.words(doc, cols[0].tolist())
        self.lower = _tokens.lower_words(self.text)
        # the lemmas stay hashes: the per-form caches are keyed by them, and only the
        # sentences with a trigger word and the forms seen first need the strings (no
        # component before decodes a Doc's lemmas: decoding them all was a fifth of the table)
        self.lemma_ids = cols[1].tolist()
        self._particles: set[str] | None = None
        self._particle_children: dict[int, int] = {}
        # is_sent_start 1 (True), else -1 (as unsigned: False) or 0 (None): both false here
        self.sent_starts = cols[6]  # (SENT_START as read, for _tokens.sentence_bounds)
        self.sent_start = (cols[6] == 1).tolist()
        self._find_slots()
        self._trigger_words: tuple | None = None

    def lemma(self, i: int) -> str:
        """The lemma of token ``i`` ("" where it has none)."""
        return _tokens.hash_strings(self.doc, self.lemma_ids[i:i + 1])[0]

    def lemmas(self, indices: list[int]) -> list[str]:
        """The lemmas of the tokens at ``indices``, decoded at once."""
        return _tokens.hash_strings(self.doc, list(map(self.lemma_ids.__getitem__, indices)))

    def lemma_lower(self, start: int, end: int) -> Iterator[str]:
        """The lemmas of tokens ``[start, end)`` in lower case: only a trigger entry with
        context words (its sentence) and the modality rules (a trigger's clause) ask
        (lowering all of a Doc's lemmas at once lowered most of them for nothing)."""
        return map(str.lower, _tokens.hash_strings(self.doc, self.lemma_ids[start:end]))

    @cached_property
    def pos_id(self) -> list[int]:
        """The POS ids (compared with :data:`_NAME_POS_IDS`: no string per token)."""
        return self._cols[2].tolist()

    @cached_property
    def punct(self) -> list[bool]:
        return (self._cols[4] == 1).tolist()

    @cached_property
    def alpha(self) -> list[bool]:
        return (self._cols[5] == 1).tolist()

    def tags(self, start: int, end: int) -> list[str]:
        """The STTS tags of tokens ``[start, end)``, decoded where asked: the particle search
        and the modality rule read a few, and decoding every token's was a tenth of the
        table."""
        return _tokens.hash_strings(self.doc, self._cols[3][start:end].tolist())

    def _find_slots(self) -> None:
        """The words the trigger search looks at, in order (a sentence takes its share with
        two bisections, not a test of every token). Nouns: nounish words and capitalised
        sentence starts; verbs, adjectives and phrase verbs: the rest, but punctuation, closed
        word classes and words without letters (unless hyphenated: "Nato-Gipfel")."""
        cols, text, starts = self._cols, self.text, self.sent_start
        # one lookup per token in the table of word classes (a comparison per class and
        # token array was most of the slot search: numpy's cost per call, not per value)
        word_class = _POS_CLASS[cols[2]]
        not_verb = (cols[4] == 1) | (word_class == _CLOSED)
        for i in _where((~not_verb & (cols[5] != 1)).tolist()):
            not_verb[i] = "-" not in text[i]
        # :func:`_is_nounish` of the capitalised words (only those can be nounish), plus the
        # STTS tag, its POS and tag tests made for all tokens at once: a method call per
        # word was the table's biggest cost. A noun by its word class or tag (the STTS
        # tagger is the better judge of nouns: tags 94%, UPOS 92% on GSD test; the
        # morphologizer gave "Gespräche" in "führten in Genf Gespräche über ..." ADV, the
        # tagger NN), unknown without a tagger
        tag = cols[3]
        noun = (word_class == _NOUN) | (tag == _NN) | (tag == _NE)
        tagged = word_class != _UNTAGGED
        capital = numpy.fromiter(map(str.isupper, map(operator.getitem, text, repeat(_FIRST_LETTER))),
                                 dtype=bool, count=len(text))
        # a word with a letter: all letters (IS_ALPHA), else looked at ("G7", "Nato-Gipfel")
        letter = cols[5] == 1
        for i in _where((capital & ~letter).tolist()):
            letter[i] = any(ch.isalpha() for ch in text[i])
        nounish = capital & letter & tagged & noun  # (as arrays: a test per word was the cost)
        lower = self.lower
        for i in _where((capital & letter & ~tagged).tolist()):  # no tagger: the capital decides
            nounish[i] = not (starts[i] or (i > 0 and text[i - 1] in _OPENERS)) or lower[i] not in FUNCTION_WORDS
        not_verb |= nounish
        self.noun_slots = numpy.flatnonzero(nounish | (capital & (cols[6] == 1))).tolist()
        self.verb_slots = numpy.flatnonzero(~not_verb).tolist()

    def trigger_words(self, lex: EventLexicon) -> tuple[list[int], list[tuple], list[int], list[tuple[str, ...]]]:
        """The verb slots that can be a trigger (:func:`_verb_form`: keys of their own, or a
        particle can make some) with their verb forms, and the noun slots with
        :func:`_noun_keys`, made once per Doc and lexicon. The cached answers of all slots
        are looked up in one pass in C (a loop per sentence and slot was most of the trigger
        search); only the forms seen first make theirs. A sentence with none of these
        words has no trigger, and needs no more look."""
        got = self._trigger_words
        if got is None or got[0] is not lex:
            verbs, verb_forms = self._verb_words(lex)
            nouns, noun_keys = self._noun_words(lex)
            got = self._trigger_words = (lex, verbs, verb_forms, nouns, noun_keys)
        return got[1:]

    def sentences_with_trigger_words(self, lex: EventLexicon, bounds: list[tuple[int, int]]
                                     ) -> list[tuple[int, int]]:
        """The sentences of ``bounds`` (in order, as ``doc.sents``) that hold a word of
        :meth:`trigger_words`: each word's sentence found by a bisection (in C), not each
        sentence asked in turn (two in three have none, and a Doc has a few dozen words of
        :meth:`trigger_words`)."""
        starts, ends = [start for start, _ in bounds], [end for _, end in bounds]
        if any(map(operator.lt, starts[1:], ends)):  # (sentences of a user hook that overlap)
            return bounds
        verbs, _, nouns, _ = self.trigger_words(lex)
        held = sorted(set(map(bisect_right, repeat(ends), chain(verbs, nouns))))
        return [bounds[k] for k in held if k < len(bounds)]

    def has_trigger_words(self, lex: EventLexicon, start: int, end: int) -> bool:
        """Whether tokens ``[start, end)`` hold a word of :meth:`trigger_words`."""
        verbs, _, nouns, _ = self.trigger_words(lex)
        return bisect_left(verbs, start) < bisect_left(verbs, end) or \
            bisect_left(nouns, start) < bisect_left(nouns, end)

    def form_key(self, i: int) -> tuple[str, int]:
        """(text, lemma hash) of token ``i``: the key of the per-form caches (the lower case
        is the text's; the lemma is as good as its hash, one-to-one)."""
        return self.text[i], self.lemma_ids[i]

    def _form_keys(self, slots: list[int]) -> Iterator[tuple[str, int]]:
        """:meth:`form_key` of each of ``slots``."""
        return zip(map(self.text.__getitem__, slots), map(self.lemma_ids.__getitem__, slots))

    def _verb_words(self, lex: EventLexicon) -> tuple[list[int], list[tuple]]:
        forms = _tokens.form_cache(lex, "_verb_forms")
        answers = list(map(forms.get, self._form_keys(self.verb_slots), repeat(_UNSEEN_VERB)))
        # (an unseen form is kept: its answer is made below)
        kept = list(map(operator.itemgetter(1), answers))
        slots, answers = list(compress(self.verb_slots, kept)), list(compress(answers, kept))
        unseen = _where(list(map(operator.is_, answers, repeat(_UNSEEN_VERB))))
        words = list(map(slots.__getitem__, unseen))
        for k, i, lemma in zip(unseen, words, self.lemmas(words)):
            answers[k] = forms[self.form_key(i)] = _verb_form(self, i, lemma, lex)
        kept = list(map(operator.itemgetter(1), answers))
        return list(compress(slots, kept)), list(compress(answers, kept))

    def _noun_words(self, lex: EventLexicon) -> tuple[list[int], list[tuple[str, ...]]]:
        known = _tokens.form_cache(lex, "_noun_keys", _tokens.MAX_NOUN_FORMS)
        answers = list(map(known.get, self._form_keys(self.noun_slots), repeat(_UNSEEN_NOUN)))
        # (an unseen form is kept, a form without keys is not: () is false)
        slots, answers = list(compress(self.noun_slots, answers)), list(compress(answers, answers))
        unseen = _where(list(map(operator.is_, answers, repeat(_UNSEEN_NOUN))))
        words = list(map(slots.__getitem__, unseen))
        lemmas = self.lemmas(words)
        may_hold = _may_hold_noun_keys(list(map(self.lower.__getitem__, words)), lemmas, lex)
        # most new forms hold no key: their answers are stored at once
        without = list(compress(unseen, map(operator.not_, may_hold)))
        known.update(zip(self._form_keys(list(map(slots.__getitem__, without))), repeat(())))
        for k in without:
            answers[k] = ()
        for k, i, lemma in compress(zip(unseen, words, lemmas), may_hold):
            answers[k] = known[self.form_key(i)] = _noun_keys(self.lower[i], lemma, self.text[i], lex)
        return list(compress(slots, answers)), list(compress(answers, answers))

    def particle_child(self, i: int, particles: set[str]) -> int | None:
        """The first of ``doc[i].children`` that is a separated verb particle (by its
        relation, or tagged PTKVZ and one of ``particles``), else None. All are found in one
        pass over the heads on first use: a list of children per verb was most of the
        particle search."""
        if self._particles is not particles:
            found: dict[int, int] = {}
            lower = self.lower
            tagged = numpy.flatnonzero(self._cols[3] == _PTKVZ).tolist()
            # the relation is only asked whether it marks a particle: compared as a number
            # (here, not per Doc: a Doc with no verb to ask about needs none of this)
            by_relation = numpy.flatnonzero(_tokens.among(self._cols[7], _PRT_DEP_IDS)).tolist()
            marked = sorted(set(by_relation).union(c for c in tagged if lower[c] in particles))
            for c, head in zip(marked, self.heads_of(marked)):
                if head != c:  # (a root is its own head)
                    found.setdefault(head, c)
            self._particle_children, self._particles = found, particles
        return self._particle_children.get(i)

    def heads_of(self, tokens: list[int] | None = None) -> list[int]:
        """The head of each of ``tokens`` (default: every token; a root is its own): the
        HEAD column holds each head as an offset from its token, stored as an unsigned
        64-bit number (read here as signed: a head before its token is a negative offset)."""
        if tokens is None:
            return (numpy.arange(len(self.text)) + self._cols[8].view(numpy.int64)).tolist()
        return (numpy.asarray(tokens, dtype=numpy.int64) + self._cols[8][tokens].view(numpy.int64)).tolist()

    @cached_property
    def children_of(self) -> dict[int, list[int]]:
        """The children of each token that has any, ascending (from the heads, once per Doc)."""
        kids: dict[int, list[int]] = {}
        for c, head in enumerate(self.heads_of()):
            if head != c:
                kids.setdefault(head, []).append(c)
        return kids

    def candidates(self, i: int, lex: EventLexicon, noun: bool, particle: str | None = None) -> tuple[str, ...]:
        """:func:`lemma_candidates` of token ``i``."""
        lemma, text = self.lemma(i), self.text[i]
        first = lemma.lower() if lemma and lemma != text else None
        return _candidates(self.lower[i], first, lex, noun, particle)


def _find_triggers(sent: Span, lex: EventLexicon, parsed: bool, table: _TokenTable | None = None) -> list[_Trigger]:
    doc = sent.doc
    table = table or _TokenTable(doc)
    lower = table.lower
    verbs = _verb_candidates(sent, lex, parsed, table)
    nouns = _noun_candidates(sent, lex, table)
    if not verbs and not nouns:  # most sentences: no word can be a trigger
        return []
    words = _sentence_words(table, sent.start, sent.end)
    consumed: set[int] = set()
    found: list[_Trigger] = []
    where: dict[str, list[int]] | None = None  # (:func:`_word_positions`, made on first need)
    # fixed phrases first: their words are no triggers of their own
    for i, (phrase_keys, first_phrase_keys, _), particle in verbs:
        # a verb already taken as the word of an earlier phrase tries its first candidate
        # only (the loop stops after it)
        for cand in (first_phrase_keys if i in consumed else phrase_keys):
            for entry in lex.phrases[cand]:
                if where is None:
                    where = _word_positions(lower, sent.start, sent.end)
                hits = _phrase_words(sent, entry.words, doc[i], lower, where)
                if hits is not None and (not entry.context or entry.context & words()):
                    found.append(_Trigger(doc[i], entry, tuple(hits)))
                    consumed.update(t.i for t in hits)
                    consumed.add(i)
                    break
            if i in consumed:
                break
    for i, (_, _, verb_keys), particle in verbs:
        if i in consumed:
            continue
        for cand in verb_keys:
            entry = lex.lookup(cand, ("verb", "adj"), words)
            if entry is not None:
                found.append(_Trigger(doc[i], entry, (doc[particle],) if particle is not None else ()))
                consumed.add(i)
                break
    for i, keys in nouns:
        if i in consumed:
            continue
        entry = _noun_entry(keys, lex, words)
        if entry is not None:
            found.append(_Trigger(doc[i], entry, ()))
    return sorted(found, key=lambda t: t.token.i)


def _sentence_words(table: _TokenTable, start: int, end: int) -> Callable[[], set[str]]:
    """A function giving the lower-case words and lemmas of tokens ``[start, end)``, made on
    first use: only the few trigger entries with context words ask (8 of the package's
    330), and making them for every sentence with a trigger word (its lemmas decoded and
    lowered) was a sixth of the trigger search."""
    made: set[str] | None = None

    def words() -> set[str]:
        nonlocal made
        if made is None:
            made = set(table.lower[start:end])
            made.update(table.lemma_lower(start, end))
            made.discard("")  # (no lemma: no word; a context word is never empty anyway)
        return made

    return words


def _noun_candidates(sent: Span, lex: EventLexicon, table: _TokenTable) -> list[tuple[int, tuple[str, ...]]]:
    """(index, :func:`_noun_keys`) of every word of ``sent`` that can be a noun trigger:
    a nounish or sentence-initial capitalised word with keys."""
    _, _, nouns, keys = table.trigger_words(lex)
    lo, hi = bisect_left(nouns, sent.start), bisect_left(nouns, sent.end)
    return list(zip(nouns[lo:hi], keys[lo:hi]))


#: the verb keys of a word without any (:func:`_verb_keys`)
_NO_VERB_KEYS = ((), (), ())
#: what the per-form caches give for a form not seen yet (:meth:`_TokenTable.trigger_words`);
#: true in the place of the answer's flag, so that the form is kept for a look
_UNSEEN_VERB = (None, True)
_UNSEEN_NOUN = (None,)


def _verb_candidates(sent: Span, lex: EventLexicon, parsed: bool, table: _TokenTable
                     ) -> list[tuple[int, tuple[tuple[str, ...], ...], int | None]]:
    """(index, :func:`_verb_keys`, particle index) of every word of ``sent`` that can be a
    verb, adjective or phrase trigger. A word without keys of its own looks for its
    separated particle only when a particle can make a key of it (:func:`_verb_form`,
    cached per lexicon and form): the particle search for every verb of every sentence
    was a third of the trigger search."""
    text, sent_start, lower = table.text, table.sent_start, table.lower
    verbs, forms, _, _ = table.trigger_words(lex)
    lo, hi = bisect_left(verbs, sent.start), bisect_left(verbs, sent.end)
    out = []
    for i, (keys, may_take_particle) in zip(verbs[lo:hi], forms[lo:hi]):
        particle = None
        if may_take_particle and (text[i][:1].islower() or sent_start[i]):
            particle = _particle_at(i, sent.end, lex, parsed, table)
            if particle is not None:
                keys = _verb_keys(table, i, lex, lower[particle])
        if keys != _NO_VERB_KEYS:
            out.append((i, keys, particle))
    return out


def _particle_keys(lex: EventLexicon) -> frozenset[str] | None:
    """The ends of the lexicon's verb, adjective and phrase keys after a prefix of 1+
    letters: a word can become a key with a separated particle ("zusammen" + "kommen")
    only if one of its lemma candidates is one of these. (None: any word can, as a lemma
    fallback of "" turns into the particle alone.)"""
    got = lex.__dict__.get("_particle_keys", False)
    if got is False:
        keys = [k for k, es in lex.phrases.items() if es]
        keys += [k for k, es in lex.entries.items() if any(e.kind in ("verb", "adj") for e in es)]
        got = None if "" in lex.forms.values() else frozenset(k[j:] for k in keys for j in range(1, len(k)))
        lex.__dict__["_particle_keys"] = got
    return got


def _verb_form(table: _TokenTable, i: int, lemma: str, lex: EventLexicon) -> tuple[tuple[tuple[str, ...], ...], bool]:
    """The :func:`_verb_keys` of token ``i`` (lemma ``lemma``) without a particle, and whether
    its particle can matter: it has keys of its own (a particle replaces them) or a particle
    can make a key of it."""
    text = table.text[i]
    if not _may_hold_verb_key(table.lower[i], lemma.lower() if lemma and lemma != text else None, lex):
        return _NO_VERB_KEYS, False
    keys = _verb_keys(table, i, lex, None)
    if keys != _NO_VERB_KEYS:
        return keys, True
    particle_keys = _particle_keys(lex)
    return keys, particle_keys is None or any(c in particle_keys for c in table.candidates(i, lex, False))


def _may_hold_verb_key(low: str, first: str | None, lex: EventLexicon) -> bool:
    """False when no lemma candidate of a word (lower case ``low``, pipeline lemma ``first``)
    can end a verb, adjective or phrase key, so that neither the word nor the word with a
    particle can be a trigger, without making its candidates: most new word forms are no
    verb of the lexicon, and their candidates were most of the first look at each form.

    Besides ``first``, every candidate is ``low`` itself (also as a particle and the rest),
    a lemma of ``lemmas.tsv`` for an end of ``low``, or a stem of ``low`` (3+ letters
    before a verb suffix; after "ge", also without it) with "en" or "n"; a key must end in
    the whole candidate. Only a "zu" or an inner "ge" that a particle drops ("an|zu|greifen"
    -> "angreifen", "ab|ge|lehnt" -> "ablehnen") makes candidates of mere ends of ``low``:
    then a key can end in them only if it ends in the same last four letters, or in the
    stem's last three letters with "en" or "n". Short words take the full look. (Asking
    only those last letters of every word let half of the new forms through: "werden",
    "ägyptischen".)"""
    index = _verb_key_index(lex)
    if index is None or first is not None and first in index[0] or len(low) < 5 or low in index[0]:
        return True
    if "zu" in low and low[-4:] in index[1]:
        return True
    if _form_end_finder(lex)(low[::-1]) is not None:  # a word of lemmas.tsv ends it
        return True
    # a "ge" or "zu" inside the word can be dropped after a particle ("ab|ge|lehnt" ->
    # "ablehnen"): then any 3+ letter end of a stem can end a candidate
    inner = "ge" in low[1:] or "zu" in low
    ge_rest = low.startswith("ge") and len(low) > 5
    for suf in _VERB_SUFFIXES_BY_LAST.get(low[-1:], ()):
        if low.endswith(suf) and len(low) - len(suf) >= 3:
            stem = low[:-len(suf)]
            if inner:
                if stem[-3:] + "en" in index[2] or stem[-3:] + "n" in index[1]:
                    return True
            elif stem + "en" in index[0] or stem + "n" in index[0] or ge_rest and len(stem) >= 5 and (
                    stem[2:] + "en" in index[0] or stem[2:] + "n" in index[0]):
                return True
    return False


def _form_end_finder(lex: EventLexicon) -> Callable[[str], re.Match | None]:
    """``match`` of a regex for the words of ``lemmas.tsv`` spelt backwards: given a word
    spelt backwards, is one of them an end of it (one match in C per word, not a set
    lookup per end)."""
    finder = lex.__dict__.get("_form_end_finder")
    if finder is None:
        finder = lex.__dict__["_form_end_finder"] = _literal_finder(
            sorted(form[::-1] for form in lex.forms if form)).match
    return finder


def _verb_key_index(lex: EventLexicon) -> tuple[frozenset[str], frozenset[str], frozenset[str]] | None:
    """Every end of the verb, adjective and phrase keys, and their last four and last five
    letters (for :func:`_may_hold_verb_key`); None when any word can become a key
    (:func:`_particle_keys`)."""
    index = lex.__dict__.get("_verb_key_index", False)
    if index is False:
        keys = [k for k, es in lex.phrases.items() if es]
        keys += [k for k, es in lex.entries.items() if any(e.kind in ("verb", "adj") for e in es)]
        index = None if _particle_keys(lex) is None else (
            frozenset(k[j:] for k in keys for j in range(len(k))),
            frozenset(k[-4:] for k in keys), frozenset(k[-5:] for k in keys))
        lex.__dict__["_verb_key_index"] = index
    return index


def _verb_keys(table: _TokenTable, i: int, lex: EventLexicon, particle: str | None
               ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The lemma candidates of token ``i`` (as a verb) that have phrase entries, those of
    its first candidate only, and those with verb or adjective entries; cached per lexicon
    and form: most candidates of most words have no entry at all, and looking each up
    again in every sentence was a fifth of the trigger search."""
    cache = _tokens.form_cache(lex, "_verb_keys")
    key = (*table.form_key(i), particle)
    got = cache.get(key)
    if got is None:
        cands = table.candidates(i, lex, False, particle)
        got = cache[key] = (tuple(c for c in cands if lex.phrases.get(c)),
                            tuple(c for c in cands[:1] if lex.phrases.get(c)),
                            tuple(c for c in cands if any(e.kind in ("verb", "adj")
                                                          for e in lex.entries.get(c, ()))))
    return got


def _phrase_words(sent: Span, words: tuple[str, ...], verb: Token, lower: list[str] | None = None,
                  where: dict[str, list[int]] | None = None) -> list[Token] | None:
    """The phrase's fixed words nearest the verb in ``sent`` (``lower``: the Doc's lower-case
    forms, when the caller has them; ``where``: :func:`_word_positions` of the sentence, when
    the caller has them: a bisection per word instead of a scan of the sentence)."""
    doc = sent.doc
    if where is None:
        lower = lower or [t.lower_ for t in doc]
        where = _word_positions(lower, sent.start, sent.end)
    v = verb.i
    hits = []
    for w in words:
        at = where.get(w, ())
        k = bisect_left(at, v)
        left = at[k - 1] if k > 0 else None
        right = next((i for i in at[k:k + 2] if i != v), None)
        if left is None and right is None:
            return None
        # the nearest; of two as near, the one before the verb (as ``min`` in text order)
        hits.append(doc[left if right is None or (left is not None and v - left <= right - v)
                        else right])
    return hits


def _word_positions(lower: list[str], start: int, end: int) -> dict[str, list[int]]:
    """The tokens of each lower-case form in ``lower[start:end]``, ascending."""
    where: dict[str, list[int]] = {}
    for i in range(start, end):
        where.setdefault(lower[i], []).append(i)
    return where


def _noun_entry(keys: tuple[str, ...], lex: EventLexicon,
                words: set[str] | Callable[[], set[str]]) -> Entry | None:
    """The noun entry of a word with lexicon keys ``keys`` (:func:`_noun_keys`: its lemma
    candidates, then the tails of compounds: Sondergipfel, Parlamentswahl, Nato-Gipfel),
    the first whose context fits ``words``."""
    for key in keys:
        entry = lex.lookup(key, ("noun",), words)
        if entry is not None:
            return entry
    return None


def _noun_keys(low: str, lemma: str, text: str, lex: EventLexicon) -> tuple[str, ...]:
    """The lexicon keys with noun entries that :func:`_noun_entry` tries for a word, in
    order (cached per lexicon and form by :meth:`_TokenTable.trigger_words`: the compound
    search tried every tail of every candidate of every capitalised word of every sentence
    again)."""
    first = lemma.lower() if lemma and lemma != text else None
    if not _may_hold_noun_key(low, first, lex):
        return ()
    cands = _candidates(low, first, lex, True, None)
    keys = [c for c in cands if c in lex.noun_keys]
    if not (low in lex.not_compounds or lemma.lower() in lex.not_compounds or (
            lex.not_compound_endings and low.endswith(lex.not_compound_endings))):
        tails = _noun_tails(lex)
        for cand in cands:  # compounds: every tail of 3+ letters after a head of 3+ letters
            for tail in tails.get(cand[-3:], ()):  # longest first, as cand[k:] for k = 3, 4, ...
                if len(cand) - len(tail) >= 3 and cand.endswith(tail) \
                        and cand[:-len(tail)] not in lex.not_compounds:
                    keys.append(tail)
    return tuple(keys)


def _may_hold_noun_key(low: str, first: str | None, lex: EventLexicon) -> bool:
    """False when no noun key can come out of a word (lower case ``low``, pipeline lemma
    ``first``), without making its candidates: most capitalised words (names, nouns of no
    event) have none, and the candidates and the compound search were most of the time of
    the first look at each form.

    Every candidate is ``first`` or a prefix of ``low`` or of its spelling without umlauts,
    perhaps with an "e" added (:func:`_noun_guesses`), and every key tried is a candidate or
    its tail; so a key without a final "e" is a part of one of these three words."""
    contains_core = _noun_core_finder(lex)
    return contains_core(low) is not None or _other_spelling_holds(low, first, contains_core)


def _other_spelling_holds(low: str, first: str | None, contains_core: Callable) -> bool:
    """The rest of :func:`_may_hold_noun_key` once the word ``low`` itself holds no key:
    its lemma ``first`` (where it differs) or its spelling without umlauts."""
    if first is not None and first != low and contains_core(first) is not None:
        return True
    plain = low.translate(_UMLAUT)
    return plain != low and contains_core(plain) is not None


def _may_hold_noun_keys(lows: list[str], lemmas: list[str], lex: EventLexicon) -> list[bool]:
    """:func:`_may_hold_noun_key` of many words at once (lower case ``lows``, pipeline
    ``lemmas``): a Doc's new capitalised forms (a few dozen: a thousand reports have more
    different ones than the per-form cache keeps) took two Python calls each, and most
    hold no key. The words themselves are searched in one pass in C; a lemma or spelling
    without umlauts is searched only when it differs from the word."""
    contains_core = _noun_core_finder(lex)
    found = list(map(contains_core, lows))
    for k in _where([m is None for m in found]):
        found[k] = _other_spelling_holds(lows[k], lemmas[k].lower(), contains_core)
    return list(map(bool, found))


def _literal_finder(words: list[str]) -> re.Pattern:
    """A regex that matches where one of ``words`` starts, written as a tree of their
    shared prefixes ("streik|sturm" -> "s(?:treik|turm)"), so that the engine tries only
    the words that go on like the text at hand, not every word at every position. (Where
    a word matches, a longer one with it as a prefix is not tried: whether one matches is
    all its users ask.) No ``words``: a regex that never matches."""
    if not words:
        return re.compile("(?!)")
    tree: dict = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def pattern(node: dict) -> str:
        if "" in node:
            return ""  # a shorter word matches already: what follows needs no look
        branches = [re.escape(ch) + pattern(rest) for ch, rest in sorted(node.items())]
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return re.compile(pattern(tree))


def _noun_core_finder(lex: EventLexicon) -> Callable[[str], re.Match | None]:
    """``search`` of a regex for the noun keys without a final "e" (for
    :func:`_may_hold_noun_key`): one scan in C per word, not a lookup per three letters."""
    finder = lex.__dict__.get("_noun_core_finder")
    if finder is None:
        cores = [key[:-1] if key.endswith("e") else key for key in sorted(lex.noun_keys)]
        finder = lex.__dict__["_noun_core_finder"] = _literal_finder(cores).search
    return finder


def _noun_tails(lex: EventLexicon) -> dict[str, list[str]]:
    """Noun keys of 3+ letters by their last three letters, longest first: a compound's
    tail ends like the compound, so only these few need a look."""
    tails = lex.__dict__.get("_noun_tails")
    if tails is None:
        tails = {}
        for k in sorted(lex.noun_keys, key=len, reverse=True):
            if len(k) >= 3:
                tails.setdefault(k[-3:], []).append(k)
        lex.__dict__["_noun_tails"] = tails
    return tails


# -- roles


def _body_start(doc: Doc, text: list[str] | None = None) -> int:
    """First token after a dateline "Berlin (dpa) - " (0 when there is none): the dateline
    is metadata, its place is used through ``doc._.dateline_place``. (``text``: the Doc's
    token texts, when the caller has them.)"""
    text = text if text is not None else [t.text for t in doc[:20]]
    for i, word in enumerate(text[:20]):
        if word in ("-", "–", "—") and i > 0 and text[i - 1] == ")":
            return i + 1
    return 0


def _mention_spans(doc: Doc) -> list[Span]:
    return list(doc.spans["mentions"]) if "mentions" in doc.spans else list(doc.ents)


class _Context:
    """Per-document lookups shared by the triggers of a Doc.

    The token table and the body start are read at once (the trigger search needs them);
    the rest is made on first use: a Doc without a trigger (one in ten) needs none of it,
    and a Doc without a statement no quotes."""

    def __init__(self, doc: Doc, lex: EventLexicon):
        self.doc = doc
        self.lex = lex
        self.parsed = doc.has_annotation("DEP")
        self.table = _TokenTable(doc)
        self.body_start = _body_start(doc, self.table.text)
        self._loc_prep_sents: dict[tuple[int, int], bool] = {}  # (:meth:`has_loc_prep`)
        self._phrases: dict[int, list[Token]] = {}
        self._role_texts: dict[int, str | None] = {}

    @cached_property
    def mentions(self) -> list[Span]:
        return _mention_spans(self.doc)

    def canonical(self, span: Span) -> str:
        """The canonical name of a mention (``mention_canonical``), else its text; the value
        read from ``doc.user_data`` where spaCy keeps it (:func:`_tokens.extension_values`):
        an Underscore object per look was most of the time of the place scan's start."""
        return self._canonical_value(span)[0] or span.text

    @cached_property
    def _canonical_value(self) -> Callable[[Span], list]:
        return _tokens.extension_values(self.doc, ["mention_canonical"], optional=True)

    @cached_property
    def by_token(self) -> dict[int, Span]:
        """token -> the first mention that holds it."""
        out: dict[int, Span] = {}
        for m in self.mentions:
            for i in range(m.start, m.end):
                out.setdefault(i, m)
        return out

    @cached_property
    def numbers(self) -> list[Span]:
        return list(self.doc.spans["numbers"]) if "numbers" in self.doc.spans else []

    @cached_property
    def number_tokens(self) -> set[int]:
        """:func:`_number_tokens` from the number spans read already."""
        return {i for s in self.numbers for i in range(s.start, s.end)}

    @cached_property
    def counts(self) -> list[Span]:
        """The numbers that can count a party: those without a unit."""
        if not Span.has_extension("number_unit"):
            return self.numbers
        unit = self.span_values(["number_unit"])
        return [s for s in self.numbers if not unit(s)[0]]

    @cached_property
    def number_values(self) -> Callable[[Span], list]:
        """``number_value`` and ``number_what`` of a number span (:func:`_tokens.extension_values`)."""
        return _tokens.extension_values(self.doc, ["number_value", "number_what"])

    @cached_property
    def date_values(self) -> list[tuple[int, int, str]]:
        return _date_values(list(self.doc.spans["dates"]) if "dates" in self.doc.spans else [],
                            self.span_values(["date_value", "date_kind"]))

    @cached_property
    def quotes(self) -> list[Span]:
        return list(self.doc.spans["quotes"]) if "quotes" in self.doc.spans else []

    @cached_property
    def quote_cues(self) -> list[int | None]:
        """The cue offset of each quote (``quote_cue_start``), read once per Doc."""
        if not Span.has_extension("quote_cue_start"):
            return [None] * len(self.quotes)
        cue = self.span_values(["quote_cue_start"])
        return [cue(q)[0] for q in self.quotes]

    @cached_property
    def quote_index(self) -> tuple | None:
        """For :func:`_quote_start`, by bisection instead of a pass over the quotes per
        trigger: the (cue offset, quote number) pairs ascending; the quote starts and the
        running maximum of their ends, when the quotes are in order of start (else None)."""
        cues = sorted((cue, k) for k, cue in enumerate(self.quote_cues) if cue is not None)
        starts = [q.start for q in self.quotes]
        if any(a > b for a, b in zip(starts, starts[1:])):
            return cues, None, None
        ends, top = [], -1
        for q in self.quotes:
            top = max(top, q.end)
            ends.append(top)
        return cues, starts, ends

    def children(self, tok: Token) -> list[Token]:
        """``list(tok.children)``: spaCy finds them by a pass over the token's whole subtree,
        which for the root of a long sentence is the sentence, per look."""
        doc = self.doc
        return [doc[c] for c in self.table.children_of.get(tok.i, ())]

    def has_loc_prep(self, start: int, end: int) -> bool:
        """Whether a token of ``start:end`` is a locative preposition (once per sentence)."""
        got = self._loc_prep_sents.get((start, end))
        if got is None:
            got = self._loc_prep_sents[(start, end)] = any(
                map(LOC_PREPS.__contains__, self.table.lower[start:end]))
        return got

    def span_values(self, names: list[str]) -> Callable[[Span], list]:
        """A function giving ``[span._.get(name) for name in names]`` of a span of the Doc
        (None for an extension that is not registered), through
        :func:`_tokens.extension_values`: an Underscore object per span and value was most of
        the time of reading the Doc's numbers, dates and quotes."""
        return _tokens.extension_values(self.doc, names, optional=True)

    @cached_property
    def place_scan(self) -> "_PlaceScan":
        return _PlaceScan(self)

    @cached_property
    def published(self) -> str | None:
        return self.doc._.published if Doc.has_extension("published") else None

    @cached_property
    def dateline(self) -> str | None:
        return self.doc._.dateline_place if Doc.has_extension("dateline_place") else None

    def phrase_tokens(self, head: Token) -> list[Token]:
        """:func:`_phrase_tokens` of ``head`` in this Doc, made once per head: the role text,
        the role words and the count each ask for it. (Shared: not to be changed.)"""
        got = self._phrases.get(head.i)
        if got is None:
            got = self._phrases[head.i] = _phrase_tokens(head, self.parsed, self.number_tokens)
        return got

    def role_text(self, head: Token) -> str | None:
        """:func:`_role_text` of ``head``, made once per head: the triggers of a sentence
        often share their parties."""
        if head.i not in self._role_texts:
            self._role_texts[head.i] = _role_text(head, self)
        return self._role_texts[head.i]


class _PlaceScan:
    """The places of a Doc: token start -> (end, name) of LOC mentions, else gazetteer
    names (:attr:`found`), found by a scan that runs only as far as the triggers ask.

    The scan goes left to right over the words that can start a name or introduce one and
    over the LOC mentions (its stops); a LOC mention is skipped whole, a name found is
    stepped over. Two in three sentences have no trigger, and the scan of all of them was a
    tenth of the component: a stretch of stops before a sentence that is asked about is
    passed over unscanned when none of them can change what the scan finds from that
    sentence on: no gazetteer name can reach into it (those have at most ``longest``
    words), no LOC mention does, and no name after a locative preposition can (that search
    never goes past a word without letters). The places of a stretch that was passed over
    are made by a scan of the whole Doc, should anything ask for them."""

    def __init__(self, ctx: _Context):
        # what the scan reads of the context, not the context itself: the context keeps the
        # scan, and a reference back would make a cycle that kept every Doc's context and
        # tables until the garbage collector's rare full pass (peak memory +15% over 3,000
        # reports)
        self.doc, self.table, self.by_token = ctx.doc, ctx.table, ctx.by_token
        self.text, self.lower = ctx.table.text, ctx.table.lower
        mentions: dict[int, tuple[int, str]] = {}
        for m in ctx.mentions:
            # (the mention's text starts with its first word's)
            if m.label_ in LOC_LABELS and self.text[m.start][:1].isupper():  # not demonyms ("palästinensischen")
                mentions[m.start] = (m.end, ctx.canonical(m))
        self._mentions = mentions
        self._mention_starts = sorted(mentions)
        self.found = dict(mentions)
        self._next = 0  # the scan's next word: those before it are done or inside a place
        self._done = 0  # the words before this are scanned or passed over
        self._passed: list[tuple[int, int]] = []
        self._whole = False

    def starts_in(self, start: int, end: int) -> list[int]:
        """The starts of the places in tokens ``[start, end)``, in order."""
        self._cover(start, end)
        return sorted(k for k in self.found if start <= k < end)

    def at(self, i: int) -> tuple[int, str] | None:
        """(end, name) of the place that starts at token ``i``, else None."""
        self._cover(i, i + 1)
        return self.found.get(i)

    def _cover(self, start: int, end: int) -> None:
        """Scan so that :attr:`found` holds every place that starts in ``[start, end)``, as a
        scan of the whole Doc finds them."""
        if self._whole or end <= start:
            return
        if start < self._done:
            if any(a < min(end, self._done) and start < b for a, b in self._passed):
                self._scan_whole()
                return
            start = self._done
            if end <= start:
                return
        elif start > self._done:
            if self._can_pass(self._done, start):
                self._passed.append((self._done, start))
                self._next = max(self._next, start)
            else:
                start = self._done
        self._scan(start, end)
        self._done = end

    def _scan_whole(self) -> None:
        self.found = dict(self._mentions)
        self._next, self._whole = 0, True
        self._scan(0, len(self.text))

    def _can_pass(self, lo: int, hi: int) -> bool:
        """Whether the stops in ``[lo, hi)`` can leave the scan from ``hi`` on as it is."""
        text, lower = self.text, self.lower
        starts = place_starts()
        if any(map(starts.__contains__, text[max(lo, hi - _longest_place()):hi])):
            return False
        alpha = self.table.alpha
        last_break = hi - 1  # the last word without letters before hi (or lo - 1)
        while last_break >= lo and alpha[last_break]:
            last_break -= 1
        if any(map(LOC_PREPS.__contains__, lower[max(lo, last_break):hi])):
            return False
        starts_at = self._mention_starts
        return all(self._mentions[m][0] <= hi for m in starts_at[bisect_left(starts_at, lo):bisect_left(starts_at, hi)])

    def _scan(self, lo: int, hi: int) -> None:
        """Run the scan over the stops in ``[lo, hi)`` (it may step on past ``hi``)."""
        text, lower, out = self.text, self.lower, self.found
        names = place_names()
        by_token = self.by_token
        stops = [lo + k for k in _where(list(map(operator.or_, map(place_starts().__contains__, text[lo:hi]),
                                                  map(LOC_PREPS.__contains__, lower[lo:hi]))))]
        starts_at = self._mention_starts
        mentions = starts_at[bisect_left(starts_at, lo):bisect_left(starts_at, hi)]
        i = self._next
        for stop in sorted(set(mentions).union(stops)) if mentions else stops:  # (stops: in order)
            if stop < i:
                continue
            i = stop
            if i in out:
                i = out[i][0]
                continue
            if i in by_token:  # a PER/ORG mention
                i += 1
                continue
            word = text[i]
            base = word[:-1] if word.endswith("s") and word[:-1] in names else word
            best = None
            for cand in names.get(base, ()):
                k = len(cand)
                got = tuple(text[i:i + k])
                if k > 1 and got[:-1] == cand[:-1] and got[-1] in (cand[-1], cand[-1] + "s"):
                    best = max(best or 0, k)
                elif k == 1:
                    best = max(best or 0, 1)
            if not best and lower[i] in LOC_PREPS:
                k = _name_after_preposition(self.doc, i, self.table)
                if k is not None and k not in by_token and k not in out:
                    out[k] = (k + 1, text[k])  # a stop there or not: k is stepped over
                i += 1
                continue
            if best:
                name = " ".join(text[i:i + best])
                out[i] = (i + best, name.rstrip("s") if base != word and best == 1 else name)
                i += best
            else:
                i += 1
        self._next = i


@lru_cache(maxsize=1)
def _longest_place() -> int:
    """The most words of a gazetteer place name."""
    return max((len(words) for names in place_names().values() for words in names), default=1)


@lru_cache(maxsize=1)
def place_starts() -> frozenset[str]:
    """The words that can start a place name of the gazetteer: a first word, or a first
    word with a genitive "s" (one set lookup per token of the place scan, not three)."""
    names = place_names()
    return frozenset(names).union(word + "s" for word in names)


@lru_cache(maxsize=1)
def common_nouns() -> frozenset[str]:
    """German common nouns (meldung's gazetteer filter list, read only)."""
    path = GAZETTEER_DIR / "common_nouns.txt"
    if not path.exists():
        return frozenset()
    return frozenset(w.strip() for w in path.read_text(encoding="utf-8").splitlines() if w.strip())


@lru_cache(maxsize=4096)
def _ends_in_noun(word: str, nouns: frozenset[str]) -> bool:
    """A compound of a common noun ("Polizeiangaben", "Hochrechnungen")? Tails of 6+ letters.
    Cached per word: the place scan asks it for the same names after prepositions again
    and again, and the look at every tail was a third of the preposition rule."""
    places = place_names()
    for k in range(2, len(word) - 5):
        tail = word[k].upper() + word[k + 1:]
        if tail in nouns and (tail not in places or (tail,) not in places[tail]):
            return True
    return False


#: the word classes a place name after a preposition can have (ids of PROPN, NOUN, X, "")
_NAME_POS_IDS = frozenset(POS_IDS[p] for p in ("PROPN", "NOUN", "X", ""))


def _name_after_preposition(doc: Doc, i: int, table: _TokenTable | None = None) -> int | None:
    """Token index of a proper name after the locative preposition at ``i``
    ("in Paris", "in der kanadischen Provinz Quebec"), else None. (``table``: the Doc's
    token attributes, when the caller has them: it is asked at every preposition.)"""
    table = table or _TokenTable(doc)
    text, lower, alpha, pos = table.text, table.lower, table.alpha, table.pos_id
    nouns = common_nouns()
    n = len(text)
    j = i + 1
    while j < n and j <= i + 3 and (lower[j] in ARTICLES or text[j][:1].islower()) and alpha[j]:
        j += 1
    found = None
    while j < n and text[j][:1].isupper() and alpha[j]:
        word = text[j]
        if lower[j] not in WEEKDAY_WORDS and word not in nouns and not _ends_in_noun(word, nouns) and (
                pos[j] in _NAME_POS_IDS) and lower[j] not in FUNCTION_WORDS:
            found = j
        j += 1
    return found


def _phrase_tokens(head: Token, parsed: bool, nums: set[int] | None = None) -> list[Token]:
    """The words of the noun phrase headed by ``head`` (no articles, numbers, clauses, PPs).

    ``nums``: the Doc's number tokens (:func:`_number_tokens`) when the caller has them
    (``_Context.number_tokens``); recomputing them per phrase was a tenth of the component."""
    doc = head.doc
    if nums is None:
        nums = _number_tokens(doc)
    if parsed:
        keep = {head.i}
        stack = [head]
        while stack:
            t = stack.pop()
            for c in t.children:
                if c.dep_ in ("amod", "compound", "flat", "flat:name", "nk", "pnc") or (
                        c.dep_ in ("nmod", "ag") and not any(g.dep_ == "case" for g in c.children)
                        and c.i > head.i) or (c.dep_ == "appos" and c.pos_ == "PROPN"):
                    if c.pos_ in ("NUM", "DET", "PUNCT", "ADP"):
                        continue
                    keep.add(c.i)
                    stack.append(c)
        lo, hi = min(keep), max(keep)
        toks = [doc[i] for i in range(lo, hi + 1) if (i not in nums or i == head.i) and not doc[i].is_space]
        while toks and (toks[0].lower_ in ARTICLES or toks[0].pos_ in ("DET", "ADP", "NUM", "PUNCT", "ADV")):
            toks = toks[1:]
        while toks and (toks[-1].pos_ in ("PUNCT", "ADP", "DET", "CCONJ") or toks[-1].is_punct):
            toks = toks[:-1]
        return toks or [head]
    # no parse: adjectives and capitalised words around head
    sent = head.sent if doc.has_annotation("SENT_START") else doc[:]
    lo = head.i
    while lo - 1 >= sent.start:
        p = doc[lo - 1]
        if (p.text[:1].isupper() and p.lower_ not in FUNCTION_WORDS and p.is_alpha) or (
                p.is_alpha and p.text[:1].islower() and p.lower_ not in ARTICLES and p.lower_ not in FUNCTION_WORDS
                and p.lower_.endswith(("e", "en", "er", "es", "em")) and lo - 2 >= sent.start
                and (doc[lo - 2].lower_ in ARTICLES or doc[lo - 2].like_num
                     or doc[lo - 2].lower_ in FUNCTION_WORDS)):
            lo -= 1
        else:
            break
    hi = head.i
    while hi + 1 < sent.end and doc[hi + 1].text[:1].isupper() and doc[hi + 1].is_alpha \
            and doc[hi + 1].lower_ not in FUNCTION_WORDS and doc[hi + 1].lower_ not in WEEKDAY_WORDS:
        hi += 1
    return [doc[i] for i in range(lo, hi + 1) if (i not in nums or i == head.i) and not doc[i].is_space]


def _number_tokens(doc: Doc) -> set[int]:
    if "numbers" not in doc.spans:
        return set()
    return {i for s in doc.spans["numbers"] for i in range(s.start, s.end)}


ROLE_SUFFIXES = ("chef", "chefin", "sprecher", "sprecherin", "minister", "ministerin", "präsident",
                 "präsidentin", "kanzler", "kanzlerin", "führer", "führerin", "haber", "papst",
                 "könig", "königin", "premier", "vorsitzende", "vorsitzender", "sekretär",
                 "sekretärin", "general", "oberst", "richter", "anwalt", "botschafter",
                 "bürgermeister", "kommissar", "kommissarin", "beauftragte", "gouverneur",
                 "staatschef", "oberbefehlshaber", "generaloberst")


@lru_cache(maxsize=1)
def role_words() -> frozenset[str]:
    path = GAZETTEER_DIR / "roles.txt"
    words = path.read_text(encoding="utf-8").split() if path.exists() else []
    return frozenset(w.lower() for w in words)


def _role_like(tok: Token) -> bool:
    low = tok.lower_
    return low in role_words() or low.endswith(ROLE_SUFFIXES) or tok.text[:1].islower()


def _name_in(toks: list[Token]) -> str | None:
    """The person's name at the end of a phrase with a role ("Bundeskanzler Olaf Scholz",
    "Kremlchef Wladimir Putin"), else None."""
    nouns = common_nouns()
    run: list[Token] = []
    for t in reversed(toks):
        if t.text[:1].isupper() and t.text not in nouns and not _role_like(t):
            run.insert(0, t)
        else:
            break
    rest = toks[: len(toks) - len(run)]
    if run and (len(run) >= 2 and rest or (rest and _role_like(rest[-1]))):
        return " ".join(t.text for t in run)
    return None


PRONOUNS = {"sich", "es", "man", "er", "sie", "wir", "ich", "ihr", "das", "dies", "dieser", "diese",
            "der", "die", "beide", "beiden", "zugleich", "dabei"}


def _name_after(tok: Token, have: set[int], table: _TokenTable | None = None) -> list[Token]:
    """Capitalised non-nouns right after a phrase: the name after a role ("Regierungschef
    Benjamin Netanjahu") or the surname after a first name ("Christine Lambrecht").
    (``table``: the Doc's token attributes, when the caller has them: four Tokens per
    word looked at otherwise.)"""
    doc = tok.doc
    table = table or _TokenTable(doc)
    text, lower, alpha, pos = table.text, table.lower, table.alpha, table.pos_id
    nouns = common_nouns()
    out = []
    j = tok.i + 1
    while j < len(text) and j not in have and text[j][:1].isupper() and alpha[j] \
            and text[j] not in nouns and lower[j] not in FUNCTION_WORDS \
            and lower[j] not in WEEKDAY_WORDS and pos[j] in _NAME_POS_IDS \
            and len(out) < 3:
        out.append(doc[j])
        j += 1
    return out


def _usable(mention: Span) -> bool:
    """A mention short and clean enough to name one party (resolvers on weak pipelines
    can return "Scholz und der französische Präsident Macron" as one mention)."""
    return len(mention) <= 6 and not any(t.is_space or t.lower_ in ("und", ",", "oder") for t in mention)


def _role_text(head: Token, ctx: _Context) -> str | None:
    """Canonical name, name or phrase of the party headed by ``head``."""
    if head.like_num or head.pos_ == "NUM" or head.lower_ in PRONOUNS or head.pos_ == "PRON":
        return None
    toks = ctx.phrase_tokens(head)
    toks = toks + _name_after(toks[-1] if toks else head, {t.i for t in toks}, ctx.table)
    if head.i in ctx.by_token and _usable(ctx.by_token[head.i]):
        return ctx.canonical(ctx.by_token[head.i])
    for t in toks:
        m = ctx.by_token.get(t.i)
        if m is not None and m.label_ in ("PER", "ORG") and _usable(m):
            return ctx.canonical(m)
    name = _name_in(toks)
    if name:
        return name
    return " ".join(t.text for t in toks) if toks else None


#: relations that join the words of one name ("Olaf" under "Bundeskanzler", UD and TIGER)
NAME_DEPS = frozenset({"flat", "flat:name", "pnc"})


def _conjuncts(tok: Token) -> list[Token]:
    """``tok`` and the heads coordinated with it (also an "appos" after "und", a frequent
    misparse of "Scholz und der französische Präsident Macron")."""
    out = [tok]
    doc = tok.doc
    for c in tok.children:
        if c.dep_ in ("conj", "cj") or (c.dep_ == "appos" and c.i > tok.i and any(
                doc[k].lower_ == "und" for k in range(tok.i + 1, c.i))):
            out.extend(_conjuncts(c))
        elif c.i > tok.i and (c.dep_ in NAME_DEPS or c.dep_ == "appos"):
            # the name after a role: "Bundeskanzler Olaf(appos) Scholz und der ...
            # Präsident(conj of Olaf)"; the name itself is the same person
            out.extend(_conjuncts(c)[1:])
    return out


def _join(texts: Iterable[str | None]) -> str | None:
    seen = [t for t in dict.fromkeys(x for x in texts if x)]
    return "; ".join(seen) if seen else None


def _is_passive(tok: Token, sent: Span, parsed: bool, text: list[str] | None = None,
                children: Callable[[Token], list[Token]] | None = None) -> bool:
    if parsed:
        kids = children(tok) if children is not None else list(tok.children)
        if any(c.dep_ in ("aux:pass", "nsubj:pass") for c in kids):
            return True
        if tok.tag_ == "VVPP" and any(c.lower_ in WERDEN for c in kids):
            return True
        return False
    low = tok.lower_
    participle = low.endswith("t") or low.startswith("ge") or "ge" in low[2:6] and low.endswith("en") or (
        low.endswith("en") and low in default_lexicon().forms and default_lexicon().forms[low] != low
        and not low.endswith("ten"))
    if not participle:
        return False
    start, end = _clause_bounds(sent, tok.i, text)
    return any(sent.doc[j].lower_ in WERDEN for j in range(start, tok.i))


def _agent(tok: Token, extra: list[Token]) -> Token | None:
    """The "von"/"durch" agent of a passive verb (also when attached to its subject)."""
    for t in [tok] + extra:
        for c in t.children:
            if any(g.dep_ == "case" and g.lower_ in ("von", "durch") for g in c.children) and c.pos_ in NOUN_POS:
                return c
    return None


def _verb_roles(trig: _Trigger, sent: Span, ctx: _Context) -> tuple[list[Token], list[Token]]:
    tok = trig.token
    doc = sent.doc
    if ctx.parsed:
        kids = ctx.children  # (``Token.children`` scans the whole subtree: a long sentence)
        clause = tok
        subj = [c for c in kids(clause) if c.dep_ in SUBJ_DEPS]
        up = tok
        for _ in range(2):  # "Scholz will ... reisen", "wies ... zurück und drohte ..."
            if subj or up.head.i == up.i or up.head.pos_ not in ("VERB", "AUX"):
                break
            up = up.head
            subj = [c for c in kids(up) if c.dep_ in SUBJ_DEPS]
        objs = [c for c in kids(clause) if c.dep_ in OBJ_DEPS and c.lower_ not in ("sich", "es")]
        if objs and (not subj or all(x.lower_ in ("das", "dies", "es", "dabei") for x in subj)) \
                and (trig.entry.type in SPEECH_TYPES or subj) and objs[0].pos_ in NOUN_POS:
            # "Das teilte ein Regierungssprecher mit": the parser's subject is the pronoun
            subj, objs = objs[:1], objs[1:]
        elif subj and all(x.lower_ in ("das", "dies", "dabei", "zugleich") for x in subj):
            after = [c for c in kids(tok) if c.i > tok.i and c.pos_ in NOUN_POS and c.dep_ not in ("obl", "nmod")]
            subj = after[:1] or subj
        if not objs:
            objs = [c for c in kids(clause) if c.dep_ in ("obl", "op", "mo") and c.pos_ in NOUN_POS
                    and any(g.dep_ == "case" and g.lower_ in ("gegen", "auf", "mit", "über") for g in kids(c))]
        if _is_passive(tok, sent, True, children=kids):
            agent = _agent(tok, subj)
            actors = _conjuncts(agent) if agent is not None else []
            targets = [t for s in subj for t in _conjuncts(s)]
        else:
            actors = [t for s in subj for t in _conjuncts(s)]
            targets = [t for o in objs[:1] for t in _conjuncts(o)]
            if not targets and trig.entry.type in UNDERGOER_TYPES:  # "14 Menschen kamen ums Leben"
                actors, targets = [], actors
        return actors, targets
    # no parse: nearest noun left = actor, right = target (swapped for a passive)
    start, end = _clause_bounds(sent, tok.i, ctx.table.text)
    left = _nearest_np(doc, range(tok.i - 1, sent.start - 1, -1), ctx, skip=trig, skip_pp=True)
    right = _nearest_np(doc, range(tok.i + 1, sent.end), ctx, skip=trig, skip_pp=True)
    if left is None and right is not None and not _is_passive(tok, sent, False, ctx.table.text):
        # verb second: "Das teilte ein Regierungssprecher mit" - the subject follows the verb
        after = _phrase_tokens(right, False)[-1].i + 1
        second = _nearest_np(doc, range(after, sent.end), ctx, skip=trig, skip_pp=True)
        if second is None and trig.entry.type in UNDERGOER_TYPES:
            return [], [right]
        return [right], ([second] if second is not None else [])
    if _is_passive(tok, sent, False, ctx.table.text):
        agent = None
        for j in range(sent.start, sent.end - 1):
            if doc[j].lower_ in ("von", "durch") and j > tok.i - 8:
                agent = _nearest_np(doc, range(j + 1, min(j + 5, sent.end)), ctx, skip=trig)
                break
        return ([agent] if agent is not None else []), ([left] if left is not None else [])
    if right is None and left is not None and trig.entry.type in UNDERGOER_TYPES:
        return [], [left]
    return ([left] if left is not None else []), ([right] if right is not None else [])


def _after_preposition(doc: Doc, tok: Token) -> bool:
    toks = _phrase_tokens(tok, False)
    j = toks[0].i - 1
    while j >= 0 and doc[j].lower_ in ARTICLES:
        j -= 1
    return j >= 0 and doc[j].lower_ in PREPOSITIONS


def _nearest_np(doc: Doc, order: Iterable[int], ctx: _Context, skip: _Trigger,
                skip_pp: bool = False) -> Token | None:
    seen: set[int] = set()
    for j in order:
        t = doc[j]
        if j in seen or j < ctx.body_start or t.is_space:
            continue
        if t.i == skip.token.i or any(t.i == x.i for x in skip.extra):
            continue
        if t.text in (",", ";", ":"):
            return None
        if t.i in ctx.by_token and ctx.by_token[t.i].label_ not in LOC_LABELS:
            return t
        if _is_nounish(t, False) and t.lower_ not in WEEKDAY_WORDS and t.lower_ not in FUNCTION_WORDS \
                and t.i not in ctx.number_tokens:
            if skip_pp and _after_preposition(doc, t):
                seen.update(x.i for x in _phrase_tokens(t, False))
                continue
            return t
    return None


def _noun_roles(trig: _Trigger, sent: Span, ctx: _Context) -> tuple[list[Token], list[Token]]:
    tok = trig.token
    doc = sent.doc
    actors: list[Token] = []
    targets: list[Token] = []
    if ctx.parsed:
        head = tok.head
        cases = {g.lower_ for g in tok.children if g.dep_ == "case"}
        if head.i != tok.i and head.pos_ not in NOUN_POS and (
                (tok.dep_ in OBJ_DEPS | {"obl", "nsubj:pass"} and head.lemma_.lower() in ctx.lex.cue("support_verb"))
                or tok.dep_ in OBJ_DEPS or (tok.dep_ == "obl" and cases & {"zu", "zum", "zur"})):
            # "führten Gespräche", "verhängte Sanktionen", "ist zu einem Besuch eingetroffen"
            actors = [t for c in head.children if c.dep_ in SUBJ_DEPS and c.lower_ not in PRONOUNS
                      for t in _conjuncts(c)]
        if not actors:
            # the support verb misparsed as an adjective that keeps its subject:
            # "Die EU verhängte(ADJA, amod) Sanktionen", with EU its nsubj
            actors = [t for a in tok.children if a.dep_ == "amod" and _is_support_verb(a, ctx)
                      for c in a.children if c.dep_ in SUBJ_DEPS and c.lower_ not in PRONOUNS
                      for t in _conjuncts(c)]
        if not actors and tok.dep_ in ("flat", "appos", "nmod") and head.pos_ in NOUN_POS:
            # the object misparsed as part of the name before it: "Die Delegationen führten in
            # Genf Gespräche" with Gespräche flat under Genf; the support verb is the root
            root = sent.root
            if root.i < tok.i and root.pos_ in ("VERB", "AUX") and _is_support_verb(root, ctx):
                actors = [t for c in root.children if c.dep_ in SUBJ_DEPS and c.lower_ not in PRONOUNS
                          for t in _conjuncts(c)]
        for c in tok.children:
            cases = {g.lower_ for g in c.children if g.dep_ == "case"}
            if c.pos_ not in NOUN_POS:
                continue
            if not actors and (c.dep_ in ("nmod", "ag") and (not cases or cases & {"von", "zwischen", "durch"})):
                actors = _conjuncts(c)
            elif cases & {"auf", "gegen", "mit"} and not targets:
                targets = _conjuncts(c)
        return actors, targets
    # no parse: "Angriff der Armee auf die Stadt", "Treffen zwischen X und Y"
    start, _ = _clause_bounds(sent, tok.i, ctx.table.text)
    for k in range(tok.i - 1, start - 1, -1):  # "Die EU verhängte Sanktionen"
        v = doc[k]
        if v.text[:1].islower() and v.is_alpha and _is_support_verb(v, ctx):
            np = _nearest_np(doc, range(k - 1, start - 1, -1), ctx, skip=trig, skip_pp=True)
            if np is None:
                np = _nearest_np(doc, range(k + 1, tok.i), ctx, skip=trig, skip_pp=True)
            if np is not None:
                actors = [np]
            break
    j = tok.i + 1
    if not actors and j < sent.end and doc[j].lower_ in ("der", "des", "von", "zwischen", "durch"):
        np = _nearest_np(doc, range(j + 1, min(j + 5, sent.end)), ctx, skip=trig)
        if np is not None:
            actors = [np] + _coordinated(doc, np, sent, ctx, trig)
    for k in range(tok.i + 1, min(tok.i + 8, sent.end)):
        if doc[k].lower_ in ("auf", "gegen", "mit"):
            np = _nearest_np(doc, range(k + 1, min(k + 5, sent.end)), ctx, skip=trig)
            if np is not None:
                targets = [np]
            break
    return actors, targets


def _is_support_verb(tok: Token, ctx: _Context) -> bool:
    """Whether the word can be a form of a support verb ("verhängte", "führten"); cached
    per lexicon and form (the nominal triggers ask it of the same verbs again and again)."""
    cache = _tokens.form_cache(ctx.lex, "_support_verbs")
    key = ctx.table.form_key(tok.i)  # (what lemma_candidates reads)
    got = cache.get(key)
    if got is None:
        got = cache[key] = bool(ctx.lex.cue("support_verb") & set(lemma_candidates(tok, ctx.lex, noun=False)))
    return got


def _coordinated(doc: Doc, np: Token, sent: Span, ctx: _Context, trig: _Trigger) -> list[Token]:
    """Heads coordinated with ``np`` by "und" to its right (no parse)."""
    toks = _phrase_tokens(np, False)
    j = toks[-1].i + 1
    if j < sent.end and doc[j].lower_ == "und":
        other = _nearest_np(doc, range(j + 1, min(j + 6, sent.end)), ctx, skip=trig)
        if other is not None and other.i != trig.token.i:
            return [other]
    return []


def _left_coordinated(doc: Doc, np: Token, sent: Span, ctx: _Context, trig: _Trigger) -> list[Token]:
    """Heads coordinated with ``np`` by "und" to its left (no parse): "Erdogan und Putin"."""
    toks = _phrase_tokens(np, False)
    j = toks[0].i - 1
    while j > sent.start and doc[j].lower_ in ARTICLES:
        j -= 1
    if j > sent.start and doc[j].lower_ == "und":
        other = _nearest_np(doc, range(j - 1, max(j - 6, sent.start - 1), -1), ctx, skip=trig)
        if other is not None:
            return [other]
    return []


def _place(trig: _Trigger, sent: Span, ctx: _Context, role_toks: set[int],
           trigger_toks: set[int] = frozenset()) -> str | None:
    """A place after a locative preposition in the sentence (nearest to the trigger), else
    the dateline place."""
    lower = ctx.table.lower
    if not ctx.has_loc_prep(sent.start, sent.end):
        # a place counts only within three words after a locative preposition of the
        # sentence: without one (a trigger sentence in four) the place scan is not asked
        return _dateline(ctx)
    cands = []
    scan = ctx.place_scan
    starts = scan.starts_in(sent.start, sent.end)
    places = scan.found  # (the places of the sentence are all there now)
    for start in starts:
        if start in role_toks or start in trigger_toks:
            continue
        end, name = places[start]
        if any(p in LOC_PREPS for p in lower[max(start - 3, sent.start):start]):
            cands.append((abs(start - trig.token.i), start, end, name))
    if not cands:
        # carrying the last place of earlier sentences over ("scene") was tried and
        # scored lower on the gold (place 0.69 vs 0.73): the dateline it is
        return _dateline(ctx)
    _, start, end, name = min(cands)
    names = [name]
    k = start - 1
    if k > sent.start and lower[k] == "und":
        before = [(s0, v) for s0, v in places.items() if v[0] == k and sent.start <= s0]
        if before:
            names.insert(0, before[0][1][1])
    j = end
    while j + 1 < sent.end and lower[j] in ("und", ",") and (j + 1) in places:
        e, n = places[j + 1]
        names.append(n)
        j = e
    return "; ".join(names)


def _dateline(ctx: _Context) -> str | None:
    return ctx.dateline


def _date_values(dates: list[Span], values: Callable[[Span], list]) -> list[tuple[int, int, str]]:
    """(start, end, value) of the time expressions that can date an event: a resolved
    date or time (no duration, set, unresolved reference or period). ``values``: a span's
    ``date_value`` and ``date_kind`` (:meth:`_Context.span_values`)."""
    out = []
    for s in dates:
        value, kind = values(s)
        if not value or kind in ("duration", "set") or value.endswith("_REF") or value.startswith("P"):
            continue
        out.append((s.start, s.end, value))
    return out


def _date(trig: _Trigger, sent: Span, ctx: _Context) -> str | None:
    best = None
    for start, end, value in ctx.date_values:
        if not (sent.start <= start < sent.end):
            continue
        dist = min(abs(start - trig.token.i), abs(end - 1 - trig.token.i))
        if best is None or dist < best[0]:
            best = (dist, value)
    if best is None:
        return None
    value = best[1]
    m = re.match(r"^(\d{4}-\d{2}-\d{2})T", value)
    return m.group(1) if m else value


def _quantity(trig: _Trigger, sent: Span, ctx: _Context, heads: list[Token]) -> tuple[float | None, str | None]:
    doc = sent.doc
    nums = [s for s in ctx.counts if sent.start <= s.start < sent.end]
    if not nums:
        return None, None
    start, end = _clause_bounds(sent, trig.token.i, ctx.table.text)
    before = [s for s in nums if start <= s.start < trig.token.i]
    nearest = max(before, key=lambda s: s.start) if before else None
    for h in heads:
        phrase = {t.i for t in ctx.phrase_tokens(h)} | {h.i}
        for s in nums:
            attached = ctx.parsed and any(t.head.i in phrase for t in s) or s.end in phrase or (
                s.end < sent.end and doc[s.end].i in phrase) or any(t.i == h.i for t in s)
            if attached or (not ctx.parsed and s.end == min(phrase)):
                if trig.entry.type in COUNT_TYPES and nearest is not None and nearest.start > s.start \
                        and not ctx.number_values(nearest)[1]:
                    s = nearest  # "30 Menschen getötet und mehr als 100 verletzt"
                    return ctx.number_values(s)[0], None
                value, what = ctx.number_values(s)
                return value, what or (h.text if not h.like_num else None)
    if trig.entry.type in COUNT_TYPES:
        start, end = _clause_bounds(sent, trig.token.i, ctx.table.text)
        near = [s for s in nums if start <= s.start < end] or nums
        s = min(near, key=lambda s: abs(s.start - trig.token.i))
        if abs(s.start - trig.token.i) <= 12:
            value, what = ctx.number_values(s)
            return value, what
    return None, None


def _negated(trig: _Trigger, sent: Span, ctx: _Context) -> bool:
    neg = ctx.lex.cue("negation")
    tok = trig.token
    doc = sent.doc
    lower = ctx.table.lower  # (a Token and a string decoding per look otherwise)
    if ctx.parsed:
        scope = [tok] + ([tok.head] if tok.pos_ in NOUN_POS and tok.head.i != tok.i else [])
        for t in scope:
            for c in ctx.children(t):
                if lower[c.i] in neg and not (c.i + 1 < len(doc) and lower[c.i + 1] == "nur"):
                    return True
        return False
    start, end = _clause_bounds(sent, tok.i, ctx.table.text)
    if trig.entry.kind == "noun":
        # "kein Treffen", "keine neuen Gespräche"; "ein Treffen wird es nicht geben"
        if any(x in neg for x in lower[max(start, tok.i - 3):tok.i]):
            return True
        words = set(lower[start:end])
        return bool(words & {"nicht", "nie", "niemals"}) and bool(words & {"geben", "gibt", "stattfinden", "statt"})
    for j in range(start, end):
        if lower[j] in neg and not (j + 1 < len(doc) and lower[j + 1] == "nur"):
            return True
    return False


#: the words :func:`_content_ranges` looks at: quotation marks and the comma
_SPEECH_MARKS = frozenset({"„", "»", "“", "«", '"', ","})


def _content_ranges(sent: Span, triggers: list[_Trigger], lex: EventLexicon,
                    table: _TokenTable | None = None) -> list[tuple[int, int]]:
    """Token ranges of reported speech in ``sent``: quotation marks, and the clause after
    "sagte," / before ", sagte" of a speech trigger."""
    text = (table or _TokenTable(sent.doc)).text
    out = []
    open_at = None
    commas = []
    # only the quotation marks and commas need a look: found in one pass in C
    marks = _where(list(map(_SPEECH_MARKS.__contains__, text[sent.start:sent.end])))
    for i in map(sent.start.__add__, marks):
        if text[i] == ",":
            commas.append(i)
        elif text[i] in ("„", "»", "“") and open_at is None and text[i] != "“":
            open_at = i
        elif text[i] in ("“", "«", '"') and open_at is not None:
            out.append((open_at, i))
            open_at = None
    speech = lex.cue("speech")
    for trig in triggers:
        if trig.entry.type not in SPEECH_TYPES and trig.entry.lemma not in speech:
            continue
        tok = trig.token
        # the first comma after the trigger, the last before it: bisections of ``commas``
        k = bisect_right(commas, tok.i)
        after = commas[k:k + 1]
        k = bisect_left(commas, tok.i)
        before = commas[k - 1:k] if k else []
        if after and after[0] - tok.i <= 8 and not before:
            out.append((after[0] + 1, sent.end))
        elif before and tok.i - before[-1] <= 2:
            out.append((sent.start, before[-1]))
    return out


def _covered(ranges: list[tuple[int, int]]) -> Callable[[int], bool]:
    """``i -> any(a <= i < b for a, b in ranges)``, with the ranges merged once and a
    bisection per look (a sentence with many quotes and triggers was quadratic)."""
    merged: list[list[int]] = []
    for a, b in sorted(r for r in ranges if r[0] < r[1]):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    starts = [a for a, _ in merged]

    def covered(i: int) -> bool:
        k = bisect_right(starts, i) - 1
        return k >= 0 and i < merged[k][1]
    return covered


def _modality(trig: _Trigger, sent: Span, ctx: _Context, negated: bool, date: str | None,
              in_speech: bool) -> str:
    if negated:
        return "negated"
    lex = ctx.lex
    tok = trig.token
    table = ctx.table
    start, end = _clause_bounds(sent, tok.i, table.text)
    clause = table.lower[start:end]  # the clause's lower-case words
    lowers = set(clause)
    verbal = trig.entry.kind != "noun"
    perfect = any(x in ("haben", "sein") for x in clause)
    if perfect or verbal:  # (only these ask for the clause's lemmas)
        words = set(table.lemma_lower(start, end)).union(map(lex.forms.get, clause, clause), lowers)
        if perfect and {"sollen", "soll", "sollte", "sollten"} & words:
            return "reported"
        if verbal and (lex.cue("planned") & words or "geplant" in lowers):
            return "planned"
    if not verbal and "geplant" in lowers:
        return "planned"
    low = table.lower[tok.i]
    morph = str(tok.morph)  # read once: a MorphAnalysis and its string per look
    future_aux = {"wird", "werden", "werde", "würde", "würden"} & lowers
    is_inf = low.endswith("en") and not low.startswith("ge") and (
        not ctx.parsed or "VerbForm=Inf" in morph or table.tags(tok.i, tok.i + 1)[0] in ("VVINF", "VVIZU"))
    if verbal and future_aux and is_inf and not _is_passive(tok, sent, ctx.parsed, table.text):
        return "planned"
    if future_aux and not verbal and "geben" in lowers:
        return "planned"
    published = ctx.published
    if date and published and date[:10] > str(published)[:10] and len(date) >= 7 and date[:4].isdigit():
        if not any(x in ("hatte", "hatten", "war", "waren") for x in clause) and not \
                re.match(r"^(ge|.*t$)", low) or "Tense=Pres" in morph:
            return "planned"
    subj = lex.cue("subjunctive")
    if any(x in subj for x in clause) or "Mood=Sub" in morph:
        return "reported"
    if in_speech:
        return "reported"
    return "asserted"


def find_events(doc: Doc, lexicon: EventLexicon | None = None) -> Iterator[EventMatch]:
    """The event mentions of ``doc`` in text order (the Doc is left as it is).

    Reads ``doc.spans`` "numbers", "dates", "quotes", "mentions" (or ``doc.ents``) when
    present and the dependency parse when the pipeline has one.
    """
    lex = lexicon or default_lexicon()
    ctx = _Context(doc, lex)
    parsed_sents = doc.has_annotation("SENT_START")
    bounds = _tokens.sentence_bounds(doc, ctx.table.sent_starts) if parsed_sents else [(0, len(doc))]
    for start, end in ctx.table.sentences_with_trigger_words(lex, bounds):
        start = max(start, ctx.body_start)
        if end <= start or not ctx.table.has_trigger_words(lex, start, end):
            continue  # (a sentence whose trigger words are all in the dateline: no Span made)
        sent = doc[start:end]
        triggers = _find_triggers(sent, lex, ctx.parsed, ctx.table)
        if not triggers:
            continue
        speech = _content_ranges(sent, triggers, lex, ctx.table)
        embedders = [t for t in triggers if t.entry.kind != "noun" and (
            t.entry.lemma in lex.cue("embedding"))]
        announcers = [t for t in triggers if t.entry.kind != "noun" and t.entry.lemma in lex.cue("announce")]
        found: list[EventMatch] = []
        trigger_toks = {t.token.i for t in triggers} | {x.i for t in triggers for x in t.extra}
        in_speech_at = _covered(speech)
        for trig in triggers:
            tok = trig.token
            in_speech = in_speech_at(tok.i)
            nominal = trig.entry.kind == "noun"
            if nominal and in_speech:
                continue
            if nominal and _embedded(trig, embedders, sent, ctx):
                continue
            if nominal:
                actors, targets = _noun_roles(trig, sent, ctx)
            else:
                actors, targets = _verb_roles(trig, sent, ctx)
                if not ctx.parsed:
                    if actors:
                        actors = _left_coordinated(doc, actors[0], sent, ctx, trig) + actors
                    if targets:
                        targets = targets + _coordinated(doc, targets[-1], sent, ctx, trig)
            own = {tok.i} | {x.i for x in trig.extra}
            actors = [t for t in actors if _can_fill_role(t, own, ctx)]
            targets = [t for t in targets if _can_fill_role(t, own, ctx)]
            actor = _join(ctx.role_text(t) for t in actors)
            target = _join(ctx.role_text(t) for t in targets)
            role_toks = {t.i for h in actors + targets for t in ctx.phrase_tokens(h)}
            place = _place(trig, sent, ctx, role_toks, trigger_toks)
            date = _date(trig, sent, ctx)
            heads = targets + actors if trig.entry.type in COUNT_TYPES else actors + targets
            quantity, what = _quantity(trig, sent, ctx, heads)
            if target is None and what and trig.entry.type in UNDERGOER_TYPES:
                target = what  # "mindestens 14 Menschen ... ums Leben": the counted are affected
            visited = ctx.place_scan.at(targets[0].i) if trig.entry.type == "visit" and targets else None
            if visited and place == _dateline(ctx):
                place = visited[1]
            negated = _negated(trig, sent, ctx)
            modality = _modality(trig, sent, ctx, negated, date, in_speech and not nominal)
            if nominal and modality == "asserted" and _embedded(trig, announcers, sent, ctx):
                modality = "planned"  # "kündigte einen Streik an"
            parts = sorted([tok] + list(trig.extra), key=lambda t: t.i)
            runs: list[list[Token]] = []
            for t in parts:
                if runs and runs[-1][-1].i + 1 == t.i:
                    runs[-1].append(t)
                else:
                    runs.append([t])
            text = " … ".join(" ".join(t.text for t in run) for run in runs)
            quote_start = _quote_start(trig, sent, ctx) if trig.entry.type == "statement" else None
            found.append(EventMatch(tok.i, tok.i + 1, trig.entry.type, text, actor, target, place, date,
                                    quantity, what, negated, modality, quote_start))
        attackers = [e.actor for e in found if e.type == "attack" and e.actor]
        for e in found:
            if e.type in ("kill", "injure") and e.actor is None and len(set(attackers)) == 1:
                e = e._replace(actor=attackers[0])  # "Bei Angriffen der Armee wurden ... getötet"
            yield e


def _can_fill_role(tok: Token, own: set[int], ctx: _Context) -> bool:
    """A role is not a word of the event's own trigger ("Leben" of "kamen ums Leben"),
    not an adjective a misparse coordinates with it ("obdachlos"), not a line break.
    (Keeping only nouns and pronouns measured worse on the gold: the parser's POS for
    role heads is too often wrong.)"""
    if tok.is_space or tok.i in own:
        return False
    return not (ctx.parsed and tok.pos_ == "ADJ" and tok.dep_ == "conj")


def _embedded(trig: _Trigger, embedders: list[_Trigger], sent: Span, ctx: _Context) -> bool:
    """Is a nominal trigger only the object of an appeal/threat/rejection ("forderte Neuwahlen")?"""
    tok = trig.token
    if ctx.parsed:
        head = tok.head
        for _ in range(2):
            if any(e.token.i == head.i for e in embedders):
                return True
            if head.head.i == head.i:
                break
            head = head.head
        return False
    start, end = _clause_bounds(sent, tok.i, ctx.table.text)
    return any(start <= e.token.i < tok.i for e in embedders)


def _quote_start(trig: _Trigger, sent: Span, ctx: _Context) -> int | None:
    tok = trig.token
    quotes = ctx.quotes
    cues, starts, ends = ctx.quote_index
    # the first quote (in the Doc's order) whose cue is in the trigger's characters
    at = cues[bisect_left(cues, (tok.idx, -1)):bisect_left(cues, (tok.idx + len(tok.text), -1))]
    if at:
        return quotes[min(k for _, k in at)].start_char
    if starts is None:  # (quotes not in order of start: look at each)
        for q in quotes:
            if sent.start <= q.start < sent.end or q.start <= tok.i < q.end:
                return q.start_char
        return None
    # the first quote that starts in the sentence, or the first that holds the trigger: of
    # the quotes starting at or before it, the first that ends after it (running maximum)
    first = bisect_left(starts, sent.start)
    if not (first < len(starts) and starts[first] < sent.end):
        first = len(starts)
    holds = bisect_right(ends, tok.i)
    if holds < bisect_right(starts, tok.i):
        first = min(first, holds)
    return quotes[first].start_char if first < len(starts) else None


# -- the spaCy component


def _register_extensions() -> None:
    for name in SPAN_EXTENSIONS:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    for name in ("published", "dateline_place"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


_register_extensions()


def events_score(examples: Iterable[Example], spans_key: str = "events", **kwargs) -> dict:
    """Exact-span precision/recall/F1 of ``doc.spans[spans_key]``, labelled by event type."""
    return Scorer.score_spans(examples, attr=f"spans_{spans_key}", allow_overlap=True,
                              labeled=True, **kwargs)


@util.registry.scorers("meldung.events_scorer.v1")
def make_events_scorer() -> Callable:
    return events_score


@Language.factory(
    "meldung_events",
    requires=["doc.sents"],
    assigns=["doc.spans"] + [f"span._.{name}" for name in SPAN_EXTENSIONS],
    default_config={"spans_key": "events", "overwrite": True,
                    "scorer": {"@scorers": "meldung.events_scorer.v1"}},
    default_score_weights={"spans_events_f": 1.0, "spans_events_p": 0.0, "spans_events_r": 0.0},
)
def make_events(nlp: Language, name: str, spans_key: str, overwrite: bool,
                scorer: Callable | None) -> "EventTagger":
    return EventTagger(nlp, name, spans_key=spans_key, overwrite=overwrite, scorer=scorer)


class EventTagger(Pipe):
    """Write event mentions to ``doc.spans[spans_key]`` with their roles."""

    def __init__(self, nlp: Language, name: str = "meldung_events", *, spans_key: str = "events",
                 overwrite: bool = True, scorer: Callable | None = events_score) -> None:
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.overwrite = overwrite
        self.scorer = scorer
        self.lexicon: EventLexicon | None = None

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, data_dir: str | Path | None = None) -> None:
        """Load taxonomy and lexicons from ``data_dir`` (default: ``pipeline/data/events``)."""
        self.lexicon = EventLexicon.from_dir(data_dir) if data_dir else default_lexicon()

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            matches = list(find_events(doc, self.lexicon or default_lexicon()))
            self.set_annotations(doc, matches)
            return doc
        except Exception as e:  # noqa: BLE001 - the error handler decides
            error_handler(self.name, self, [doc], e)

    def set_annotations(self, doc: Doc, matches: list[EventMatch]) -> None:
        spans = []
        set_values = _tokens.extension_writer(doc, SPAN_EXTENSIONS)
        for m in matches:
            span = Span(doc, m.start, m.end, label=m.type)
            set_values(span, m[2:])  # the match's fields after start and end, in SPAN_EXTENSIONS' order
            spans.append(span)
        if self.overwrite or self.spans_key not in doc.spans:
            doc.spans[self.spans_key] = spans
        else:
            doc.spans[self.spans_key].extend(spans)

    def score(self, examples: Iterable[Example], **kwargs) -> dict:
        return events_score(examples, spans_key=self.spans_key, **kwargs)

    # -- serialisation: the lexicons in use
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = util.ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        (self.lexicon or default_lexicon()).to_dir(path / "lexicon")
        srsly.write_json(path / "cfg", {"spans_key": self.spans_key, "overwrite": self.overwrite})

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "EventTagger":
        path = util.ensure_path(path)
        if (path / "lexicon").exists():
            self.lexicon = EventLexicon.from_dir(path / "lexicon")
        if (path / "cfg").exists():
            cfg = json.loads((path / "cfg").read_text(encoding="utf-8"))
            self.spans_key = cfg.get("spans_key", self.spans_key)
            self.overwrite = cfg.get("overwrite", self.overwrite)
        return self
