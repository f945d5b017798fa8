"""People, places and organisations: from NER mentions to one record per real entity.

``meldung_entities`` runs after ``ner`` (and after meldung's gazetteer/filter when
present). It reads ``doc.ents`` and writes, following the contract in
``pipeline/tables/rows.py``:

- ``doc.spans["mentions"]``: every mention span in text order: the NER's entities
  plus mentions the NER does not have: country adjectives ("türkische",
  "US-amerikanischen": label LOC, pointing to their country) and the dateline
  place (``doc._.dateline_place``, found inside the ``dateline`` block of
  ``doc.spans["layout"]``). Each span carries ``span._.mention_entity`` (int id
  within the document) and ``span._.mention_canonical`` (str).
- ``doc._.entities``: a list of plain dicts, one per entity, in order of first
  mention: ``entity``, ``label`` (PER/LOC/ORG/MISC), ``canonical``,
  ``n_mentions``, ``start`` (character offset of the first mention); PER also
  ``roles`` (list of str); LOC also ``country`` (ISO 3166-1 alpha-2), ``kind``
  (country/city/region/other), ``lat``, ``lon`` (float or None).

Within a document:

- people: full names are one entity; a surname alone, a shorter form of the name
  or a genitive ("Putins", "Erdogans") joins the full name whose last word it is
  when exactly one full name in the report has that surname. With two people of
  the same surname ("Hansi Flick", "Silke Flick") a bare "Flick" joins neither and
  stays an entity of its own: the component does not guess. ``canonical`` is the
  longest uninflected form of the name, without titles and honorifics.
- roles: the role noun before the name with its adjectives ("der französische
  Präsident Emmanuel Macron" -> "französische Präsident"), a role with a genitive
  ("Chef der Linken Martin Schirdewan", "Präsident des Bundesamts für
  Verfassungsschutz, Thomas Haldenwang"), an apposition after the name
  ("Thomas Haldenwang, Präsident des Bundesamts, ..."), and, when the pipeline
  has a parser, role nouns attached to the name by ``nk``/``app``/``pnc`` (TIGER)
  or ``appos``/``compound``/``flat``/``nmod`` (UD). A role noun is a word of
  ``pipeline/data/roles/roles.txt`` or a compound ending in one ("Kreml-Sprecher",
  "Regierungssprecher"). Inflected role nouns are normalised ("des französischen
  Präsidenten" -> "französische Präsident"); roles are otherwise kept as written.
- places: the German standard name, country, kind and coordinates come from
  ``pipeline/data/places/`` (GeoNames cities with German exonyms, CLDR country
  names, a hand list of regions); genitives ("Russlands") and compass regions
  ("Norditalien", "Ostukraine": kind region of that country) are resolved.
- organisations: abbreviations and inflected forms join their canonical name
  (``pipeline/data/organisations/organisations.tsv``: "EZB" -> "Europäische
  Zentralbank"); "Long Name (ABBR)" in the text joins the two within the report.

What it does not do: pronouns and title-only references ("der Präsident", "er")
are not mentions; nationals ("die Türken") are not place mentions; nothing is
linked across documents here (see ``pipeline/link.py``).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, repeat
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

from spacy import util
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc, Span, Token
from spacy.training import Example
from spacy.vocab import Vocab

from . import _tokens

__all__ = [
    "DATA_DIR", "DATA_FILES", "Place", "Mention", "EntityRecord", "Resolution", "EntityLexicon",
    "resolve_entities", "find_demonyms", "find_dateline_places", "person_roles",
    "make_entities", "EntityResolver", "SPAN_EXTENSIONS",
]

#: the package's data folder (places/, roles/, organisations/ below it)
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: the data files the component reads, relative to DATA_DIR
DATA_FILES = (
    "places/places.tsv", "places/regions.tsv", "places/official_names.tsv", "places/demonyms.tsv",
    "roles/roles.txt", "roles/not_roles.txt", "roles/honorifics.txt",
    "organisations/organisations.tsv",
)
#: Span extensions written on every mention
SPAN_EXTENSIONS = ("mention_entity", "mention_canonical")
LABELS = ("PER", "LOC", "ORG", "MISC")

DETERMINERS = {
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines",
    "sein", "seine", "seinen", "seinem", "seiner", "ihr", "ihre", "ihren", "ihrem", "ihrer",
    "dessen", "deren", "unser", "unsere", "dieser", "diese", "diesen", "diesem", "jener",
}
GENITIVE_LINKS = {"der", "des"}
#: lower-case words that belong to a name ("von der Leyen", "al-Burhan" is one token)
NAME_PARTICLES = {"von", "van", "der", "de", "den", "del", "da", "di", "du", "zu", "vom", "al", "bin", "ibn", "la", "le"}
_ADJ = re.compile(r"^[a-zäöüß][a-zäöüß\-]*(e|en|er|es|em)$")
#: without POS tags, only these look like adjectives before a role ("sagte" must not)
_ADJ_GUESS = re.compile(
    r"^[a-zäöüß][a-zäöüß\-]*(isch|ig|lich|nd|iert|ehemalig|früher|neu|alt|bisherig|erst|zweit|"
    r"dritt|letzt|gewählt|oberst|höchst|einstig|vorig|dortig|hiesig|damalig|jetzig|groß|mächtig)"
    r"(e|en|er|es|em)$")
_COMPASS = re.compile(r"^(Nordost|Nordwest|Südost|Südwest|Nord|Süd|Ost|West|Mittel|Zentral)-?(.+)$")
_INFLECTIONS = ("", "e", "en", "er", "es", "em")
#: the inflection a word may end in, by its last letter: each ends in a letter of its own
#: (e, n, r, s, m), so a word's last letter names the one inflection it can have
_INFLECTION_BY_LAST_LETTER = {ending[-1]: ending for ending in _INFLECTIONS[1:]}
ROLE_DEPS = {"nk", "app", "pnc", "appos", "compound", "flat", "nmod"}


class Place(NamedTuple):
    """What the place data says about a name."""

    canonical: str
    country: str | None
    kind: str
    lat: float | None
    lon: float | None


class Mention(NamedTuple):
    """A mention: token offsets ``[start, end)``, label, entity id and canonical name."""

    start: int
    end: int
    label: str
    entity: int
    canonical: str


class EntityRecord(NamedTuple):
    """One entity of a document: the columns of people/places/organisations."""

    entity: int
    label: str
    canonical: str
    n_mentions: int
    start: int
    roles: list[str] | None = None
    country: str | None = None
    kind: str | None = None
    lat: float | None = None
    lon: float | None = None

    def as_dict(self) -> dict:
        out = {"entity": self.entity, "label": self.label, "canonical": self.canonical,
               "n_mentions": self.n_mentions, "start": self.start}
        if self.label == "PER":
            out["roles"] = list(self.roles or [])
        if self.label == "LOC":
            out.update(country=self.country, kind=self.kind, lat=self.lat, lon=self.lon)
        return out


class Resolution(NamedTuple):
    mentions: list[Mention]
    entities: list[EntityRecord]


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _float(value: str) -> float | None:
    return float(value) if value.strip() else None


@dataclass
class EntityLexicon:
    """Places, demonyms, roles and organisations, parsed from the data files' texts."""

    texts: dict[str, str] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    countries: dict[str, Place] = field(default_factory=dict)
    demonyms: dict[str, str] = field(default_factory=dict)
    roles: tuple[str, ...] = ()
    role_set: set[str] = field(default_factory=set)
    not_roles: set[str] = field(default_factory=set)
    honorifics: set[str] = field(default_factory=set)
    organisations: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dir(cls, path: str | Path) -> "EntityLexicon":
        path = Path(path)
        texts = {}
        for name in DATA_FILES:
            file = path / name
            texts[name] = file.read_text(encoding="utf-8") if file.exists() else ""
        return cls.from_texts(texts)

    @classmethod
    def from_texts(cls, texts: dict[str, str]) -> "EntityLexicon":
        lex = cls(texts=dict(texts))
        for line in _lines(texts.get("places/places.tsv", "")):
            alias, canonical, cc, kind, lat, lon = (line.split("\t") + [""] * 6)[:6]
            lex.places[alias] = Place(canonical, cc or None, kind or "other", _float(lat), _float(lon))
            if kind == "country" and alias == canonical:
                lex.countries[cc] = lex.places[alias]
        for line in _lines(texts.get("places/official_names.tsv", "")):
            name, cc = line.split("\t")[:2]
            if name not in lex.places and cc in lex.countries:
                lex.places[name] = lex.countries[cc]
        for line in _lines(texts.get("places/regions.tsv", "")):
            canonical, aliases, cc, kind, lat, lon = (line.split("\t") + [""] * 6)[:6]
            place = Place(canonical, cc or None, kind or "region", _float(lat), _float(lon))
            for alias in [canonical, *[a for a in aliases.split("|") if a]]:
                lex.places[alias] = place
        for line in _lines(texts.get("places/demonyms.tsv", "")):
            stem, cc = line.split("\t")[:2]
            lex.demonyms[stem] = cc
        words = _lines(texts.get("roles/roles.txt", ""))
        lex.role_set = {w.strip().lower() for w in words}
        lex.roles = tuple(sorted(lex.role_set, key=len, reverse=True))
        lex.not_roles = {w.strip().lower() for w in _lines(texts.get("roles/not_roles.txt", ""))}
        lex.honorifics = {w.strip() for w in _lines(texts.get("roles/honorifics.txt", ""))}
        for line in _lines(texts.get("organisations/organisations.tsv", "")):
            canonical, _, aliases = line.partition("\t")
            lex.organisations.setdefault(canonical, canonical)
            for alias in aliases.split("|"):
                if alias.strip():
                    lex.organisations[alias.strip()] = canonical
        return lex

    def to_dir(self, path: str | Path) -> None:
        path = Path(path)
        for name in DATA_FILES:
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            (path / name).write_text(self.texts.get(name, ""), encoding="utf-8")

    # -- look-ups
    def place(self, name: str) -> Place | None:
        """The place a (possibly genitive) name refers to, compass regions included.
        (Answers are kept per name: every mention of a place asks again.)"""
        places = _tokens.form_cache(self, "_place_of")
        if name not in places:
            places[name] = self._find_place(name)
        return places[name]

    def _find_place(self, name: str) -> Place | None:
        name = " ".join(name.split())
        for form in _base_forms(name):
            if form in self.places:
                return self.places[form]
        for form in _base_forms(name):
            m = _COMPASS.match(form)
            if m and len(m.group(2)) > 2:
                rest = m.group(2)
                inner = self.places.get(rest[:1].upper() + rest[1:])
                if inner is not None and inner.kind == "country":
                    return Place(form, inner.country, "region", None, None)
        return None

    def demonym(self, word: str) -> str | None:
        """The country code of an inflected country adjective ("türkischen" -> TR)."""
        low = word.lower()
        ending = _INFLECTION_BY_LAST_LETTER.get(low[-1:])
        if ending is None or not low.endswith(ending):  # most words: no inflection to strip
            return None
        return self.demonyms.get(low[:-len(ending)])

    def demonym_forms(self) -> frozenset[str]:
        """Every lower-case word :meth:`demonym` knows: each stem with each inflection (the
        inflection a word may have is named by its last letter, so these are exactly the
        words with a country). A Doc's country adjectives are then its lower-case words in
        this set, found in one set intersection. Made on first use, kept on the lexicon."""
        forms = self.__dict__.get("_demonym_forms")
        if forms is None:
            forms = self.__dict__["_demonym_forms"] = frozenset(
                stem + ending for stem in self.demonyms for ending in _INFLECTIONS[1:])
        return forms

    def role_base(self, word: str) -> str | None:
        """``word`` as a role noun in its base form ("Präsidenten" -> "Präsident",
        "Kreml-Sprecher" -> itself), or None if it is no role noun. (Answers are kept
        per word form: the words around every person name are asked about.)"""
        bases = _tokens.form_cache(self, "_role_base_of")
        if word not in bases:
            bases[word] = self._find_role_base(word)
        return bases[word]

    def _find_role_base(self, word: str) -> str | None:
        if not word[:1].isupper() or not word.replace("-", "").isalpha():
            return None
        low = word.lower()
        if low in self.not_roles:
            return None
        for ending in ("", "s", "es", "n", "en"):
            if ending and not low.endswith(ending):
                continue
            core = low[:len(low) - len(ending)] if ending else low
            if core in self.role_set or core.endswith(self.roles):  # one C call for the whole tuple
                return word[:len(word) - len(ending)] if ending else word
        return None

    def organisation(self, name: str) -> str | None:
        name = " ".join(name.split())
        for form in _base_forms(name):
            if form in self.organisations:
                return self.organisations[form]
        return None


def _base_forms(name: str) -> list[str]:
    """``name`` and its forms without a genitive ending ("Russlands" -> "Russland")."""
    forms = [name]
    for suffix in ("’s", "'s", "'", "’", "s", "es"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 3:
            forms.append(name[:-len(suffix)])
    return forms


@lru_cache(maxsize=1)
def default_lexicon() -> EntityLexicon:
    """The package's data, loaded once."""
    return EntityLexicon.from_dir(DATA_DIR)


class _FormFlags:
    """A lexeme flag of each token (``"is_punct"``, ``"is_space"``), read like a list by
    token index. The resolver asks for it at the edges of names and mentions only, not
    for every token, and a lexeme's flag is the same for every token of its form in a
    Vocab: so each form is looked up once, in a cache kept over the Docs of that Vocab
    (:class:`_FlagCaches`), rather than a column of the whole Doc read."""

    __slots__ = ("vocab", "texts", "flag", "known")

    def __init__(self, vocab: Vocab, texts: list[str], flag: str) -> None:
        self.vocab, self.texts, self.flag = vocab, texts, flag
        self.known = _FORM_FLAGS.of(vocab, flag)

    def __getitem__(self, i: int) -> bool:
        text = self.texts[i]
        flag = self.known.get(text)
        if flag is None:
            flag = self.known[text] = getattr(self.vocab[text], self.flag)
        return flag


class _FlagCaches:
    """:class:`_FormFlags`' answers per flag (attributes named after it, bounded by
    :func:`_tokens.form_cache`), for one Vocab at a time: a flag is the Vocab's (a bare
    ``Vocab()`` has no lexical attribute getters, so "." is no punctuation there), and a
    Doc of another Vocab starts the caches again. (A Vocab cannot be weakly referenced; the
    last one is kept.)"""

    def __init__(self) -> None:
        self.vocab: Vocab | None = None

    def of(self, vocab: Vocab, flag: str) -> dict[str, bool]:
        if vocab is not self.vocab:
            self.__dict__.clear()
            self.vocab = vocab
        return _tokens.form_cache(self, flag)


_FORM_FLAGS = _FlagCaches()


class _DocView:
    """The token attributes the resolver reads, read once per Doc as plain lists.

    Resolving a Doc's entities looks at the same tokens many times (the tokens around
    every person name, every mention's text), and ``doc[i]`` builds a new Token,
    ``doc[s:e]`` a new Span, and ``doc.text`` joins the whole text again (see _tokens.py).
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        # the words as the numbers and dates components decoded them for this Doc
        self.texts, self.space_after = _tokens.doc_words(doc)
        # asked for the tokens at the edges of names and mentions only: no column read
        self.punct = _FormFlags(doc.vocab, self.texts, "is_punct")
        self.space = _FormFlags(doc.vocab, self.texts, "is_space")
        self.blocks = [(b.start, b.end) for b in doc.spans["layout"]] if "layout" in doc.spans else []
        self.has_sentences = doc.has_annotation("SENT_START")
        self.has_parse = doc.has_annotation("DEP")
        self._sentences: list[tuple[int, int]] | None = None  # read when first asked for
        self._sentence_starts: list[int] = []

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text``."""
        return _tokens.span_text(self.texts, self.space_after, start, end)

    def block(self, i: int) -> tuple[int, int] | None:
        """(start, end) of the first layout block holding token ``i``."""
        for start, end in self.blocks:
            if start <= i < end:
                return start, end
        return None

    def sentence(self, i: int) -> tuple[int, int]:
        """(start, end) of ``doc[i].sent`` (the Doc has SENT_START annotation)."""
        doc = self.doc
        if "sent" in doc.user_token_hooks or "sent" in doc.user_span_hooks:
            sent = doc[i].sent
            return sent.start, sent.end
        if self._sentences is None:
            self._sentences = _tokens.sentence_bounds(doc)
            self._sentence_starts = [start for start, _ in self._sentences]
        return self._sentences[bisect_right(self._sentence_starts, i) - 1]


# -- finding the extra mentions


def _is_sentence_initial(doc: Doc, i: int) -> bool:
    if i == 0:
        return True
    if doc.has_annotation("SENT_START") and doc[i].is_sent_start:
        return True
    prev = doc[i - 1]
    return prev.is_space or prev.text in (".", "!", "?", ":", "„", "\"", "»", "-", "–") or "\n" in prev.whitespace_


def find_demonyms(doc: Doc, lexicon: EntityLexicon, taken: list[bool],
                  texts: list[str] | None = None) -> list[tuple[int, str]]:
    """Token indices of country adjectives outside any entity, with their country code.

    Lower-case forms count everywhere ("die türkische Regierung"); a capitalised form
    only at a sentence start before a capitalised noun ("Russische Truppen").
    (``texts``: the tokens' texts, when the caller has read them; a list not changed
    afterwards, as :func:`_tokens.lower_words` keeps its answers for the lists it saw last.)
    """
    # read once as a list (no Token per word, see _tokens.py); the lower-case words are
    # the numbers component's (_tokens.lower_words keeps them for the Doc), and most Docs
    # have no country adjective at all: one intersection in C finds the ones there are
    texts = _tokens.doc_words(doc)[0] if texts is None else texts
    lower = _tokens.lower_words(texts)
    hits = lexicon.demonym_forms().intersection(lower)
    if not hits:
        return []
    found = []
    for i in compress(range(len(lower)), map(hits.__contains__, lower)):
        if taken[i]:
            continue
        text = texts[i]
        cc = lexicon.demonym(text)
        # a word with a hyphen ("US-amerikanische") need not be all letters (IS_ALPHA),
        # asked of the few hits only
        if "-" not in text and not doc[i].is_alpha or cc not in lexicon.countries:
            continue
        if text.rsplit("-", 1)[-1][:1].isupper():  # "US-amerikanische" is lower-case
            if not (_is_sentence_initial(doc, i) and i + 1 < len(texts) and texts[i + 1][:1].isupper()):
                continue
        found.append((i, cc))
    return found


def find_dateline_places(doc: Doc, taken: list[bool], text: str | None = None) -> list[Span]:
    """Spans of the places in ``doc._.dateline_place`` ("Moskau/Ankara": two), found
    in the ``dateline`` layout block, else near the start of the text; places already
    covered by an entity are left out. (``text``: ``doc.text``, when the caller has it; it
    is read only for a Doc without a dateline block.)"""
    value = doc._.dateline_place if Doc.has_extension("dateline_place") else None
    if not value:
        return []
    names = [n.strip() for n in re.split(r"[/,;]| und ", value) if n.strip()]
    # the first dateline block (the blocks after it are not looked at)
    block = next((s for s in doc.spans["layout"] if s.label_ == "dateline"), None) \
        if "layout" in doc.spans else None
    # the text searched and where it starts in the Doc: the block's own text is short, while
    # doc.text joins all the tokens' texts anew each time
    if block is not None:
        offset, window = block.start_char, block.text
    else:
        offset, window = 0, (doc.text if text is None else text)[:400]
    spans = []
    for name in names:
        pos = window.find(name)
        if pos < 0:
            continue
        pos += offset
        span = doc.char_span(pos, pos + len(name))
        if span is None or any(taken[span.start:span.end]):
            continue
        spans.append(span)
    return spans


# -- people


def _clean_person(view: _DocView, start: int, end: int, lexicon: EntityLexicon) -> tuple[int, int]:
    """Token offsets of the name proper: no leading titles, role nouns, articles,
    adjectives or honorifics; no punctuation at the edges."""
    texts, punct = view.texts, view.punct
    while start < end and (texts[start] in lexicon.honorifics or punct[start]
                           or texts[start] in DETERMINERS
                           or (texts[start][:1].islower() and texts[start] not in NAME_PARTICLES)
                           or (lexicon.role_base(texts[start]) and end - start > 1)):
        start += 1
    while end > start and (punct[end - 1] and texts[end - 1] not in (".",) or view.space[end - 1]):
        end -= 1
    return start, end


def _name_words(view: _DocView, start: int, end: int) -> list[str]:
    return " ".join(view.span_text(start, end).split()).split(" ")


#: one-word openings of a main clause: the next word is its finite verb (V2), never an
#: adjective, whatever the tagger says ("Das kündigte Verteidigungsminister X an")
V2_OPENERS = frozenset("das dies er sie es man wir ich dann nun so".split())


def _is_adjective(tok: Token) -> bool:
    if tok.i > 0 and tok.doc[tok.i - 1].is_sent_start and tok.doc[tok.i - 1].lower_ in V2_OPENERS:
        return False
    if tok.pos_ in ("ADJ",) or tok.tag_ in ("ADJA",):
        return True
    if tok.pos_ or tok.tag_:
        return False
    return bool(_ADJ_GUESS.match(tok.text)) and tok.lower_ not in DETERMINERS


def _adjectives_before(doc: Doc, k: int, lower: int) -> int:
    """Start of the adjectives ("französische", "ehemalige") right before token ``k``;
    without POS tags only a run of adjective-like words after an article counts
    ("der französische Präsident", not "sagte Präsident")."""
    j = k
    while j - 1 >= lower and _is_adjective(doc[j - 1]):
        j -= 1
    if j < k and not (doc.has_annotation("POS") or doc.has_annotation("TAG")):
        if not (j - 1 >= lower and doc[j - 1].lower_ in DETERMINERS):
            return k
    return j


def _role_text(view: _DocView, first: int, noun: int, last: int, lexicon: EntityLexicon) -> str:
    """The role phrase ``doc[first:last+1]`` with role noun at ``noun``, inflection of
    the noun (and its adjectives) normalised to the nominative singular."""
    words = view.texts[first:last + 1]
    base = lexicon.role_base(view.texts[noun]) or view.texts[noun]
    if base != view.texts[noun]:
        words[noun - first] = base
        for k in range(first, noun):
            w = words[k - first]
            if _ADJ.match(w) and w.endswith(("en", "er", "es", "em")):
                words[k - first] = w[:-2] + "e"
    return " ".join(words)


def _sentence_start(view: _DocView, i: int) -> int:
    """Where the scan for roles before token ``i`` stops: the start of its sentence,
    unless the sentence starts right before (a parser splitting "Armeechef | Abdel
    ..." is wrong more often than a role noun directly before a name), or of its layout block."""
    block = view.block(i)
    if view.has_sentences:
        start = view.sentence(i)[0]
        if start >= i - 1 and i >= 2:
            start = view.sentence(i - 1)[0]
        return max(start, block[0]) if block else start
    return max(block[0] if block else 0, i - 12)


def _sentence_end(view: _DocView, i: int) -> int:
    block = view.block(i)
    if view.has_sentences:
        end = view.sentence(i)[1]
        return min(end, block[1]) if block else end
    return min(block[1] if block else len(view.texts), i + 12)


def person_roles(doc: Doc, start: int, end: int, lexicon: EntityLexicon,
                 view: _DocView | None = None) -> list[str]:
    """Roles written around the person name ``doc[start:end]`` (see the module doc).
    (``view``: the Doc's tokens read as lists, when the caller has them.)"""
    view = view or _DocView(doc)
    texts, punct = view.texts, view.punct  # (``lower_`` is ``text.lower()`` in spaCy)
    roles: list[str] = []
    lower = _sentence_start(view, start)
    j = start - 1
    if j >= lower and lexicon.role_base(texts[j]):
        roles.append(_role_text(view, _adjectives_before(doc, j, lower), j, j, lexicon))
    elif j >= lower:
        # "Chef der Linken Martin Schirdewan", "Präsident des Bundesamts ..., Thomas Haldenwang"
        comma = texts[j] == ","
        stop = j - 1 if comma else j
        for r in range(stop - 1, max(lower, stop - 7) - 1, -1):
            if punct[r] or texts[r].lower() in ("sagte", "und", "oder", "sowie", "mit"):
                break
            if lexicon.role_base(texts[r]) and texts[r + 1].lower() in GENITIVE_LINKS:
                if comma or all(word[:1].isupper() or word.lower() in GENITIVE_LINKS or _ADJ.match(word)
                                for word in texts[r + 1:stop + 1]):
                    roles.append(_role_text(view, _adjectives_before(doc, r, lower), r, stop, lexicon))
                break
    # apposition after the name: "Thomas Haldenwang, Präsident des Bundesamts, ..."
    upper = _sentence_end(view, max(end - 1, start))
    if end < upper - 1 and texts[end] == ",":
        k = end + 1
        if texts[k].lower() in DETERMINERS:
            k += 1
        first = k
        while k < upper and _is_adjective(doc[k]):
            k += 1
        if k < upper and lexicon.role_base(texts[k]):
            last = k
            if k + 1 < upper and texts[k + 1].lower() in GENITIVE_LINKS:
                m = k + 1
                while m + 1 < upper and m - k < 6 and not punct[m + 1]:
                    m += 1
                if m + 1 >= upper or texts[m + 1] in (",", ".", ")"):
                    last = m
            roles.append(_role_text(view, first, k, last, lexicon))
    # the parse, when there is one
    if view.has_parse:
        for i in range(start, end):  # (a Token per word, no Span)
            tok = doc[i]
            candidates = [c for c in tok.children if _role_dep(c) and not start <= c.i < end]
            head = tok.head
            if not start <= head.i < end and _role_dep(tok):
                candidates.append(head)
            for c in candidates:
                between = range(c.i + 1, start) if c.i < start else range(end, c.i)
                if any(texts[t].lower() in ("und", "oder", "sowie") for t in between):
                    continue  # another person's role: "Armeechef X und RSF-Anführer Y"
                if lexicon.role_base(texts[c.i]):
                    text = _role_text(view, _adjectives_before(doc, c.i, _sentence_start(view, c.i)),
                                      c.i, c.i, lexicon)
                    if not any(text in r or r in text for r in roles):
                        roles.append(text)
    return roles


#: relation key -> whether the relation (its subtype left off) is one of ROLE_DEPS; as
#: bounded as the parser's labels
_ROLE_DEP: dict[int, bool] = {}


def _role_dep(tok: Token) -> bool:
    """Whether ``tok`` hangs on its head by a relation of ROLE_DEPS, answered per relation
    key (``tok.dep_`` decodes the label again at each look, and most words around a name
    are asked)."""
    dep = tok.dep
    known = _ROLE_DEP.get(dep)
    if known is None:
        known = _ROLE_DEP[dep] = tok.dep_.split(":")[0] in ROLE_DEPS
    return known


def _resolve_people(view: _DocView, spans: list[tuple[int, int]], lexicon: EntityLexicon
                    ) -> list[tuple[int, int, tuple, str, list[str]]]:
    """(start, end, key, canonical, roles) for each PER mention."""
    names = []  # (start, end, words, name_start, name_end)
    for start, end in spans:
        s, e = _clean_person(view, start, end, lexicon)
        if s >= e:
            continue
        names.append((start, end, _name_words(view, s, e), s, e))
    # surnames seen uninflected, to strip genitives ("Putins" -> "Putin")
    lasts = {w[-1] for _, _, w, _, _ in names}

    def base(words: list[str]) -> list[str]:
        last = words[-1]
        for suffix in ("’", "'"):
            if last.endswith(suffix):
                return words[:-1] + [last[:-1]]
        if last.endswith("s") and last[:-1] in lasts and len(last) > 3:
            return words[:-1] + [last[:-1]]
        return words

    names = [(a, b, tuple(base(w)), s, e) for a, b, w, s, e in names]
    full = sorted({w for _, _, w, _, _ in names if len(w) > 1}, key=len, reverse=True)
    # cluster full names: a shorter full name joins the one longer name it is part of
    cluster_of: dict[tuple, tuple] = {}
    for w in full:
        owners = [c for c in set(cluster_of.values()) if c[-1] == w[-1] and _subsequence(w, c)]
        cluster_of[w] = owners[0] if len(owners) == 1 else w
    by_surname: dict[str, set[tuple]] = {}
    for w, c in cluster_of.items():
        by_surname.setdefault(w[-1], set()).add(c)
    out = []
    for a, b, w, s, e in names:
        if len(w) > 1:
            key = cluster_of[w]
        else:
            owners = by_surname.get(w[0], set())
            key = next(iter(owners)) if len(owners) == 1 else w
        out.append((a, b, ("PER",) + key, " ".join(key), person_roles(view.doc, s, e, lexicon, view)))
    return out


def _subsequence(short: tuple, long: tuple) -> bool:
    it = iter(long)
    return all(any(x == y for y in it) for x in short)


# -- the resolver


def consistent_labels(doc: Doc, ents: list[tuple[int, int, str]], lex: EntityLexicon,
                      view: _DocView | None = None) -> list[tuple[int, int, str]]:
    """One sense per document for names, and no role nouns as people.

    A small NER model labels a bare surname by its context, so the same "Scholz" is PER
    after "Bundeskanzler Olaf" and LOC in "Scholz sagte, ..."; a surname of a full PER
    name in the document is that person wherever it stands (unless it is a known place
    name). A PER mention made only of role nouns ("Regierungssprecher" before the name)
    is no person.

    >>> import spacy
    >>> doc = spacy.blank("de")("Bundeskanzler Olaf Scholz kam . Scholz sagte , der Regierungssprecher ...")
    >>> consistent_labels(doc, [(1, 3, "PER"), (5, 6, "LOC"), (9, 10, "PER")], default_lexicon())
    [(1, 3, 'PER'), (5, 6, 'PER')]
    """
    texts = (view or _DocView(doc)).texts

    def is_role_only(s: int, e: int) -> bool:
        return all(lex.role_base(text) is not None for text in texts[s:e])

    ents = [(s, e, lab) for s, e, lab in ents if not (lab == "PER" and is_role_only(s, e))]
    surnames = {texts[e - 1] for s, e, lab in ents if lab == "PER" and e - s > 1}
    out = []
    for s, e, lab in ents:
        word = texts[s]
        place = lex.place(word) if e - s == 1 else None
        if lab != "PER" and e - s == 1 and place is None:
            if word in surnames or (word.endswith("s") and word[:-1] in surnames):
                lab = "PER"
        elif lab == "PER" and place is not None and word not in surnames \
                and place.kind in ("city", "country", "region"):
            lab = "LOC"  # "Gouverneur des Gebiets Cherson": a known place, no one's name here
        out.append((s, e, lab))
    return out


def resolve_entities(doc: Doc, lexicon: EntityLexicon | None = None, *, demonyms: bool = True,
                     dateline: bool = True) -> Resolution:
    """Mentions and entities of ``doc``; the Doc is left alone.

    Args:
        doc: a Doc with ``doc.ents`` (labels PER/LOC/ORG/MISC; PERSON, GPE and
            ORGANIZATION are read as PER, LOC and ORG; other labels become MISC).
        lexicon: the data (default: the package's ``pipeline/data``).
        demonyms: add country adjectives as LOC mentions.
        dateline: add the dateline place as a LOC mention.
    Returns:
        :class:`Resolution` with the mentions (text order) and the entities (in order
        of first mention, ``entity`` counting from 0).
    """
    lex = lexicon or default_lexicon()
    view = _DocView(doc)
    label_map = {"PERSON": "PER", "GPE": "LOC", "ORGANIZATION": "ORG", "ORGANISATION": "ORG"}
    ner = [(e.start, e.end, e.label_) for e in doc.ents]  # each label decoded once
    ents = consistent_labels(doc, [(s, e, label_map.get(label, label)) for s, e, label in ner], lex, view)
    taken = [False] * len(doc)
    for s, e, _ in ents:
        taken[s:e] = repeat(True, e - s)
    raw: list[tuple[int, int, str, tuple, str]] = []  # start, end, label, key, canonical
    roles_of: dict[tuple, list[str]] = {}
    places: dict[tuple, Place] = {}

    # people
    for a, b, key, canonical, roles in _resolve_people(
            view, [(s, e) for s, e, lab in ents if lab == "PER"], lex):
        raw.append((a, b, "PER", key, canonical))
        known = roles_of.setdefault(key, [])
        for r in roles:
            if r.lower() not in {k.lower() for k in known}:
                known.append(r)

    # places (NER, demonyms, dateline)
    loc_texts = {" ".join(view.span_text(s, e).split()) for s, e, lab in ents if lab == "LOC"}
    loc_spans = [(s, e) for s, e, lab in ents if lab == "LOC"]
    extra: list[tuple[int, int, Place]] = []
    if demonyms:
        for i, cc in find_demonyms(doc, lex, taken, view.texts):
            extra.append((i, i + 1, lex.countries[cc]))
    if dateline:
        for span in find_dateline_places(doc, taken):
            loc_spans.append((span.start, span.end))
    for s, e in loc_spans:
        text = _strip_text(view, s, e)
        place = lex.place(text)
        if place is None:
            canonical = text
            for form in _base_forms(text)[1:]:
                if form in loc_texts:
                    canonical = form
            place = Place(canonical, None, "other", None, None)
        extra.append((s, e, place))
    for s, e, place in extra:
        key = ("LOC", place.canonical, place.country)
        places.setdefault(key, place)
        raw.append((s, e, "LOC", key, place.canonical))

    # organisations and MISC
    local_abbr: dict[str, str] = {}
    org_texts = {" ".join(view.span_text(s, e).split()) for s, e, lab in ents if lab == "ORG"}
    texts = view.texts
    for s, e, lab in ents:
        if lab == "ORG" and e + 2 < len(texts) and texts[e] == "(" and texts[e + 2] == ")":
            long = _strip_text(view, s, e)
            local_abbr[texts[e + 1]] = lex.organisation(long) or long
    for s, e, lab in ents:
        if lab not in ("ORG", "MISC"):
            continue
        text = _strip_text(view, s, e)
        if lab == "ORG":
            canonical = local_abbr.get(text) or lex.organisation(text)
            if canonical is None:
                canonical = text
                for form in _base_forms(text)[1:]:
                    if form in org_texts:
                        canonical = form
        else:
            canonical = text
        raw.append((s, e, lab, (lab, canonical), canonical))

    # unknown labels (a model with other labels): kept as MISC mentions
    for s, e, lab in ents:
        if lab not in LABELS:
            text = _strip_text(view, s, e)
            raw.append((s, e, "MISC", ("MISC", text), text))

    raw.sort(key=itemgetter(0, 1))
    ids: dict[tuple, int] = {}
    for s, e, lab, key, _ in raw:
        ids.setdefault(key, len(ids))
    canonical_of: dict[tuple, str] = {}
    for s, e, lab, key, canonical in raw:
        if lab == "PER":
            canonical_of[key] = " ".join(key[1:])
        else:
            canonical_of.setdefault(key, canonical)
    mentions = [Mention(s, e, lab, ids[key], canonical_of[key]) for s, e, lab, key, _ in raw]
    counts: dict[tuple, int] = {}
    first: dict[tuple, int] = {}
    labels: dict[tuple, str] = {}
    for s, e, lab, key, _ in raw:
        counts[key] = counts.get(key, 0) + 1
        if key not in first:
            first[key] = doc[s].idx
        labels[key] = lab
    entities = []
    for key, entity in ids.items():
        label = labels[key]
        # made whole at once (``_replace`` builds a second record through a dict)
        common = (entity, label, canonical_of[key], counts[key], first[key])
        if label == "PER":
            rec = EntityRecord(*common, roles=roles_of.get(key, []))
        elif label == "LOC":
            p = places[key]
            rec = EntityRecord(*common, country=p.country, kind=p.kind, lat=p.lat, lon=p.lon)
        else:
            rec = EntityRecord(*common)
        entities.append(rec)
    return Resolution(mentions, entities)


def _strip_text(view: _DocView, s: int, e: int) -> str:
    texts, punct = view.texts, view.punct
    while e > s + 1 and punct[e - 1] and texts[e - 1] not in (")", "."):
        e -= 1
    while s < e - 1 and (punct[s] or texts[s] in DETERMINERS):
        s += 1
    return " ".join(view.span_text(s, e).split())


# -- the spaCy component


def _register_extensions() -> None:
    for name in SPAN_EXTENSIONS:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if not Doc.has_extension("entities"):
        Doc.set_extension("entities", default=None)


_register_extensions()


def _set_mention_values(doc: Doc, spans: list[Span], mentions: list[Mention]) -> None:
    """``span._.mention_entity`` and ``span._.mention_canonical`` of each mention's span,
    through :func:`_tokens.extension_writer` (as the quotes component writes its values):
    stored in ``doc.user_data`` where spaCy keeps plain values there (a ``span._`` object
    per span and Python code per value otherwise), through ``span._`` if not."""
    set_values = _tokens.extension_writer(doc, SPAN_EXTENSIONS)
    for span, mention in zip(spans, mentions):
        set_values(span, (mention.entity, mention.canonical))


@Language.factory(
    "meldung_entities",
    requires=["doc.ents"],
    assigns=["doc.spans", "doc._.entities", "span._.mention_entity", "span._.mention_canonical"],
    default_config={"spans_key": "mentions", "demonyms": True, "dateline": True},
)
def make_entities(nlp: Language, name: str, spans_key: str, demonyms: bool,
                  dateline: bool) -> "EntityResolver":
    resolver = EntityResolver(nlp, name, spans_key=spans_key, demonyms=demonyms, dateline=dateline)
    # the package's data now, when the pipeline is loaded, rather than at the first Doc
    resolver.initialize()
    return resolver


class EntityResolver(Pipe):
    """Group NER mentions into entities with canonical names, roles and places on the map."""

    def __init__(self, nlp: Language, name: str = "meldung_entities", *, spans_key: str = "mentions",
                 demonyms: bool = True, dateline: bool = True) -> None:
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.demonyms = demonyms
        self.dateline = dateline
        self.lexicon: EntityLexicon | None = None

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, data_dir: str | Path | None = None) -> None:
        """Load the data from ``data_dir`` (layout as ``pipeline/data``: places/, roles/,
        organisations/; default: the package's data)."""
        self.lexicon = EntityLexicon.from_dir(data_dir) if data_dir else default_lexicon()

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            resolution = resolve_entities(doc, self.lexicon or default_lexicon(),
                                          demonyms=self.demonyms, dateline=self.dateline)
            self.set_annotations(doc, resolution)
            return doc
        except Exception as e:  # noqa: BLE001 - the error handler decides
            error_handler(self.name, self, [doc], e)

    def set_annotations(self, doc: Doc, resolution: Resolution) -> None:
        mentions = resolution.mentions
        # each label's StringStore key found once, not once per span (in the order met: a
        # label new to the StringStore is added in the same order in every run)
        label_ids = {label: doc.vocab.strings.add(label) for label in dict.fromkeys(m.label for m in mentions)}
        spans = [Span(doc, m.start, m.end, label=label_ids[m.label]) for m in mentions]
        _set_mention_values(doc, spans, mentions)
        doc.spans[self.spans_key] = spans
        doc._.entities = [rec.as_dict() for rec in resolution.entities]

    # -- serialisation: the data in use
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = util.ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        (self.lexicon or default_lexicon()).to_dir(path / "data")
        (path / "cfg").write_text(json.dumps({"spans_key": self.spans_key, "demonyms": self.demonyms,
                                              "dateline": self.dateline}), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "EntityResolver":
        path = util.ensure_path(path)
        if (path / "data").exists():
            self.lexicon = EntityLexicon.from_dir(path / "data")
        if (path / "cfg").exists():
            cfg = json.loads((path / "cfg").read_text(encoding="utf-8"))
            self.spans_key = cfg.get("spans_key", self.spans_key)
            self.demonyms = cfg.get("demonyms", self.demonyms)
            self.dateline = cfg.get("dateline", self.dateline)
        return self
