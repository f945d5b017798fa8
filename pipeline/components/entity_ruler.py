"""German knowledge around the statistical NER: a gazetteer and a noun filter.

Two spaCy components:

- ``meldung_gazetteer`` adds PER / LOC / ORG entities from small name lists
  (countries and Länder, cities with German exonyms, organisations and their
  abbreviations, first names followed by a capitalised word) where no entity is
  yet. Genitive forms ("Deutschlands", "Berlins") are matched. ``pipeline.load()``
  puts it **before** ``ner``: the model then labels around the gazetteer's names
  and still finds its own on the other tokens (although the gazetteer's ``doc.ents``
  leaves them marked "outside"). Chosen on the GermEval dev split, with the filter
  after the model: F1 61.0 before ``ner`` against 60.1 after it
  (models/ner/README.md). Added after ``ner``, it fills only the gaps the model left.
  A listed place right after a proper noun no list knows is left to the model: it is
  then mostly part of a club's or firm's name ("Borussia Mönchengladbach").
- ``meldung_entity_filter`` removes single-token entities that are German common
  nouns ("Präsident", "Gruppe"), start with a lower-case letter ("deutschen",
  GermEval's *deriv*, which meldung does not count as a mention) or contain no
  letter. Names in the gazetteer are never removed.

The lists live in ``pipeline/data/gazetteers/`` (sources and licences in its
README); ``initialize(data_dir=...)`` can load others, and ``to_disk`` /
``from_disk`` save and load exactly the lists in use.
"""


import operator
from itertools import compress, repeat
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

from spacy import util
from spacy.attrs import ORTH, TAG
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import Pipe
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.training import Example

from . import _tokens
from .tokenizer import tokenizer_copy

__all__ = [
    "DATA_DIR", "GazetteerMatch", "Gazetteer", "EntityFilter", "find_gazetteer_matches",
    "make_gazetteer", "make_entity_filter",
]

#: the package's own gazetteer files
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "gazetteers"

#: list file -> entity label (first_names is used by the PER rule, not as phrases)
LIST_LABELS = {"countries.txt": "LOC", "cities.txt": "LOC", "organisations.txt": "ORG"}
FILES = ("countries.txt", "cities.txt", "organisations.txt", "first_names.txt",
         "common_nouns.txt", "roles.txt")

#: capitalised words that never continue a "first name + surname" match
NOT_SURNAMES = {
    "Der", "Die", "Das", "Den", "Dem", "Des", "Ein", "Eine", "Und", "Oder", "Aber", "In",
    "Im", "Am", "Auf", "Mit", "Von", "Vom", "Zu", "Zum", "Zur", "Für", "Bei", "Nach",
    "Sie", "Er", "Es", "Wir", "Ich", "Ihr", "Als", "Wie", "Wenn", "Dass", "Auch",
}


def _read_list(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def _write_list(path: Path, entries: Iterable[str]) -> None:
    path.write_text("\n".join(entries) + "\n", encoding="utf-8")


class GazetteerMatch(NamedTuple):
    """A name found by the gazetteer: token offsets, label, and which list."""

    start: int
    end: int
    label: str
    source: str


def _genitive(name: str) -> str | None:
    """German genitive of a name ending in a vowel or consonant other than s/x/z."""
    if name[-1:] in ("s", "x", "z", "ß") or not name[-1:].isalpha() or name.isupper():
        return None
    return name + "s"


def find_gazetteer_matches(doc: Doc, matcher: PhraseMatcher, first_names: set[str],
                           nouns: set[str], roles: tuple[str, ...] = (),
                           known: set[str] = frozenset(),
                           word_kinds: dict[str, int] | None = None) -> Iterator[GazetteerMatch]:
    """Yield gazetteer matches, overlapping ones included: the phrase matches, then the
    first-name and role matches, each kind in text order.

    Phrase matches come from ``matcher`` (match ids are ``"LABEL|source"``), but a place
    right after a proper noun no list knows is left to the model
    (:func:`_after_unknown_name`: "Borussia Mönchengladbach");
    a first name followed by a capitalised word that is not a common noun gives
    a PER match over both tokens (and a third such token, as in "Anna Lena Schmidt");
    a role noun ("Präsident", "US-Präsident", "Regierungssprecherin": a token ending
    in one of ``roles``) followed by 1-2 such words that are not in another list
    (``known``) gives a PER match over those words ("Kanzlerin Merkel").

    ``word_kinds``: the answers of :func:`_word_kinds` per word form for these lists,
    kept by the caller over Docs (each Doc's new forms are added).
    """
    strings = doc.vocab.strings
    # the rules below look at every token's text, several times: read once as a list
    # (no Token per look, see _tokens.py)
    texts, spaces = _tokens.doc_words(doc)
    tags = None  # read at the first place matched (many Docs match none)
    for match_id, start, end in matcher(doc):
        label, _, source = strings[match_id].partition("|")
        if label == "LOC" and tags is None:
            tags = doc.to_array(TAG).tolist() if doc.has_annotation("TAG") else []
        if label == "LOC" and tags and _after_unknown_name(texts, tags, start, (known, nouns, first_names)):
            continue
        yield GazetteerMatch(start, end, label, source)
    n = len(texts)
    kinds = _word_kinds(texts[:-1], first_names, roles, {} if word_kinds is None else word_kinds)
    for i in compress(range(n - 1), map(operator.and_, kinds, repeat(_FIRST_NAME))):
        text = texts[i]
        if text not in first_names and not all(p in first_names for p in text.split("-")):
            continue  # a hyphenated word is a first name when its parts are: "Karl-Theodor"
        end = i + 1
        while end < n and end - i < 3 and _surname_like(texts[end], nouns):
            end += 1
        # "Ursula von der Leyen": a particle right after the first name(s) only ("Anna Maier
        # von der Kreisverwaltung", "John Sifton von Human Rights Watch" are a name and an
        # organisation), and not after an article ("eine Art von ...")
        if all(t in first_names for t in texts[i + 1:end]) and text not in known and \
                not (i > 0 and texts[i - 1].lower() in ARTICLES):  # lower_ is str.lower of the text
            end = _particle_surname_end(texts, end, nouns, known, first_names) or end
        if end > i + 1 and _tokens.span_text(texts, spaces, i, end) not in known:  # "Rio de Janeiro" is a city
            yield GazetteerMatch(i, end, "PER", "first_names")
    for i in compress(range(n - 1), map(operator.and_, kinds, repeat(_ROLE_NOUN))):
        start = end = i + 1
        while (end < n and end - start < 2 and _surname_like(texts[end], nouns)
               and texts[end] not in known and texts[end] not in first_names
               and not texts[end].endswith(roles)):
            end += 1
        if end > start:
            yield GazetteerMatch(start, end, "PER", "roles")


#: TAG hashes of a proper noun and of the articles before a noun
_NE = get_string_id("NE")
_ARTICLE_TAGS = (get_string_id("ART"), get_string_id("APPRART"))


def _after_unknown_name(texts: list[str], tags: list[int], start: int,
                        lists: tuple[set[str], ...]) -> bool:
    """Whether the place name at ``start`` follows a proper noun (by its tag) that none of
    ``lists`` knows (names, common nouns: "Westen" tagged NE in "im Westen Afghanistans";
    first names): then the place is most likely part of a club's, party's or firm's name
    ("Borussia Mönchengladbach", "Panathinaikos Athen", "Bayer Leverkusen"), which the
    model labels whole when the gazetteer has not claimed the place first. (``tags``: the
    tokens' TAG hashes.)"""
    if start == 0 or tags[start - 1] != _NE or (start > 1 and tags[start - 2] in _ARTICLE_TAGS):
        return False  # "im Westen Afghanistans": after an article a noun, whatever its tag
    before = texts[start - 1]
    return before[:1].isupper() and not any(before in names for names in lists)


#: the kinds of word the PER rules start at (bits of :func:`_word_kinds`' answers)
_FIRST_NAME = 1  # a first name, or hyphenated (it may be made of first names: "Karl-Theodor")
_ROLE_NOUN = 2  # ends in a role noun ("Präsident", "US-Präsident", "Regierungssprecherin")


def _word_kinds(texts: list[str], first_names: set[str], roles: tuple[str, ...],
                known_forms: dict[str, int]) -> list[int]:
    """Per word, the PER rules it may start (:data:`_FIRST_NAME`, :data:`_ROLE_NOUN`, both
    or 0). Both rules tested every token; nearly all words are neither, and a form's answer
    never changes for the same lists: ``known_forms`` keeps it per form (over Docs, when
    the caller keeps the dict), so a Doc's words are one dict look-up each, in C."""
    def kind(text: str) -> int:
        first = _FIRST_NAME if text in first_names or "-" in text else 0
        return first | (_ROLE_NOUN if text.endswith(roles) else 0)

    return _tokens.cached_answers(texts, known_forms, kind)


#: name particles between first name and surname ("Ursula von der Leyen", "Karl-Theodor zu
#: Guttenberg", "Ludwig van Beethoven", "Mohammed bin Salman"), longest first
NAME_PARTICLES = (("von", "der"), ("van", "der"), ("van", "den"), ("de", "la"), ("von",),
                  ("van",), ("zu",), ("de",), ("di",), ("da",), ("dos",), ("bin",), ("ben",),
                  ("al",), ("el",), ("le",), ("ter",))
#: the words a particle starts with
PARTICLE_WORDS = frozenset(particle[0] for particle in NAME_PARTICLES)


#: articles before a capitalised word that make it a noun, not a first name ("eine Art von")
ARTICLES = frozenset("ein eine einer einen einem eines der die das den dem des diese dieser "
                     "dieses jede jeder jedes".split())
#: endings of abstract and institution nouns, never of a surname after a particle
#: ("Robert Kelly von der Universität")
NOUN_ENDINGS = ("ität", "schaft", "heit", "keit", "tion", "ung", "amt", "ium", "behörde")


def _particle_surname_end(texts: list[str], k: int, nouns: set[str], known: set[str],
                          first_names: set[str] = frozenset()) -> int:
    """End of "particle(s) Surname" starting at token k (``texts``: the tokens' texts),
    else 0; a place or organisation (``known``: "Anna von Berlin"), a first name ("Roman
    von Markus") or a compound of a common noun is no surname."""
    if k >= len(texts) or texts[k] not in PARTICLE_WORDS:  # no particle here: the usual case
        return 0
    for particle in NAME_PARTICLES:
        end = k + len(particle)
        if end < len(texts) and tuple(texts[k:end]) == particle:
            surname = texts[end]
            if _surname_like(surname, nouns) and surname not in known and \
                    surname not in first_names and not surname.endswith(NOUN_ENDINGS) and \
                    not _noun_compound(surname, nouns):
                return end + 1
    return 0


def _noun_compound(text: str, nouns: set[str]) -> bool:
    """A compound ending in a common noun of five letters or more ("Kreisverwaltung")."""
    return any(text[k:].capitalize() in nouns for k in range(3, len(text) - 4))


def _surname_like(text: str, nouns: set[str]) -> bool:
    core = text.replace("-", "")
    return (len(text) > 1 and text[0].isupper() and core.isalpha() and not text.isupper()
            and text not in nouns and text not in NOT_SURNAMES)


@Language.factory(
    "meldung_gazetteer",
    assigns=["doc.ents"],
    default_config={"overwrite": False, "use_first_names": True, "use_roles": True,
                    "labels": ["PER", "LOC", "ORG"]},
)
def make_gazetteer(nlp: Language, name: str, overwrite: bool, use_first_names: bool,
                   use_roles: bool, labels: list[str]) -> "Gazetteer":
    gazetteer = Gazetteer(nlp, name, overwrite=overwrite, use_first_names=use_first_names,
                          use_roles=use_roles, labels=labels)
    # load the lists now, not on first use: a first use inside ``nlp.memory_zone()`` would
    # build the phrase patterns from strings the zone drops when it ends
    gazetteer.initialize()
    return gazetteer


class Gazetteer(Pipe):
    """Add gazetteer names as entities where the model found none."""

    def __init__(self, nlp: Language, name: str = "meldung_gazetteer", *,
                 overwrite: bool = False, use_first_names: bool = True,
                 use_roles: bool = True,
                 labels: Iterable[str] = ("PER", "LOC", "ORG")) -> None:
        self.nlp = nlp
        self.name = name
        self.overwrite = overwrite
        self.use_first_names = use_first_names
        self.use_roles = use_roles
        self.ent_labels = list(labels)
        self.lists: dict[str, list[str]] = {}
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._loaded = False

    # -- data
    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, data_dir: str | Path | None = None) -> None:
        """Load the lists from ``data_dir`` (default: the package's gazetteers)."""
        self.set_lists({f: _read_list(Path(data_dir or DATA_DIR) / f) for f in FILES})

    def set_lists(self, lists: dict[str, list[str]]) -> None:
        self.lists = {f: list(lists.get(f, [])) for f in FILES}
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        tokenizer = tokenizer_copy(self.nlp)  # keeps the pipeline's tokenizer cache for the text
        for fname, label in LIST_LABELS.items():
            if label not in self.ent_labels:
                continue
            forms = set(self.lists[fname])
            if label == "LOC":
                forms |= {g for n in self.lists[fname] if (g := _genitive(n))}
            key = f"{label}|{fname.rsplit('.', 1)[0]}"
            self.matcher.add(key, [tokenizer(n) for n in sorted(forms)])
        self.first_names = set(self.lists["first_names.txt"]) if self.use_first_names else set()
        self.nouns = set(self.lists["common_nouns.txt"])
        self.roles = tuple(self.lists["roles.txt"]) if self.use_roles else ()
        self.known = {n for f in LIST_LABELS for n in self.lists[f]}
        self.__dict__.pop("_word_kinds", None)  # the answers per word form were for the old lists
        self._loaded = True

    def _ensure(self) -> None:
        if not self._loaded:
            self.initialize()

    # -- annotation
    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            self._ensure()
            self.set_annotations(doc, list(self.match(doc)))
            return doc
        except Exception as e:
            error_handler(self.name, self, [doc], e)
            return doc

    def match(self, doc: Doc) -> Iterator[GazetteerMatch]:
        self._ensure()
        word_kinds = _tokens.form_cache(self, "_word_kinds")  # answers for the lists in use
        for m in find_gazetteer_matches(doc, self.matcher, self.first_names, self.nouns,
                                        self.roles, self.known, word_kinds):
            if m.label in self.ent_labels:
                yield m

    def set_annotations(self, doc: Doc, matches: list[GazetteerMatch]) -> None:
        spans = util.filter_spans([Span(doc, m.start, m.end, label=m.label) for m in matches])
        if self.overwrite:
            kept = [e for e in doc.ents if not any(_overlap(e, s) for s in spans)]
            doc.ents = util.filter_spans(kept + spans)
            return
        taken = [False] * len(doc)
        for ent in doc.ents:
            for i in range(ent.start, ent.end):
                taken[i] = True
        new = [s for s in spans if not any(taken[s.start:s.end])]
        if new:
            doc.ents = list(doc.ents) + new

    # -- serialisation
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = tuple()) -> None:
        self._ensure()
        path = util.ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        for fname, entries in self.lists.items():
            _write_list(path / fname, entries)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = tuple()) -> "Gazetteer":
        path = util.ensure_path(path)
        self.set_lists({f: _read_list(path / f) for f in FILES})
        return self


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


@Language.factory(
    "meldung_entity_filter",
    assigns=["doc.ents"],
    requires=["doc.ents"],
    default_config={"remove_common_nouns": True, "remove_lowercase": True,
                    "remove_nonalpha": True, "remove_compounds": True, "trim_punct": True,
                    "remove_function_words": True},
)
def make_entity_filter(nlp: Language, name: str, remove_common_nouns: bool,
                       remove_lowercase: bool, remove_nonalpha: bool,
                       remove_compounds: bool, trim_punct: bool,
                       remove_function_words: bool) -> "EntityFilter":
    return EntityFilter(nlp, name, remove_common_nouns=remove_common_nouns,
                        remove_lowercase=remove_lowercase, remove_nonalpha=remove_nonalpha,
                        remove_compounds=remove_compounds, trim_punct=trim_punct,
                        remove_function_words=remove_function_words)


#: word classes (from a tagger, when there is one) that a one-token name never has
FUNCTION_POS = frozenset({"ADV", "ADP", "DET", "PRON", "CCONJ", "SCONJ", "AUX", "PART", "NUM"})


class EntityFilter(Pipe):
    """Remove single-token entities that are common nouns, lower-case or letterless,
    and hyphenated compounds whose head is a common noun ("EU-Kommission",
    "Merkel-Regierung": GermEval's *part, not a mention). With ``trim_punct``,
    punctuation at the edges of an entity ("Adam Seroczynski ,") is cut off first;
    a closing bracket or quote is kept when the entity also contains its opener."""

    def __init__(self, nlp: Language, name: str = "meldung_entity_filter", *,
                 remove_common_nouns: bool = True, remove_lowercase: bool = True,
                 remove_nonalpha: bool = True, remove_compounds: bool = True,
                 trim_punct: bool = True, remove_function_words: bool = True) -> None:
        self.nlp = nlp
        self.name = name
        self.remove_common_nouns = remove_common_nouns
        self.remove_lowercase = remove_lowercase
        self.remove_nonalpha = remove_nonalpha
        self.remove_compounds = remove_compounds
        self.trim_punct = trim_punct
        self.remove_function_words = remove_function_words
        self.nouns: set[str] = set()
        self.protected: set[str] = set()
        self._loaded = False

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, data_dir: str | Path | None = None) -> None:
        """Load common nouns and protected names from ``data_dir``."""
        d = Path(data_dir or DATA_DIR)
        # role nouns are common nouns too ("Ministerin" as a one-token LOC is never a name)
        self.set_lists(_read_list(d / "common_nouns.txt") + _read_list(d / "roles.txt"),
                       [n for f in LIST_LABELS for n in _read_list(d / f)])

    def set_lists(self, nouns: Iterable[str], protected: Iterable[str]) -> None:
        self.protected = set(protected)
        self.nouns = set(nouns) - self.protected
        self._loaded = True

    def _ensure(self) -> None:
        if not self._loaded:
            self.initialize()

    @staticmethod
    def trim(ent: Span) -> Span | None:
        """``ent`` without punctuation tokens at its edges (None if nothing is left)."""
        doc = ent.doc
        start, end = ent.start, ent.end
        while start < end and doc[start].is_punct and doc[start].text not in ("(", "„", '"'):
            start += 1
        while end > start and doc[end - 1].is_punct and not (
                doc[end - 1].text in (")", "“", '"') and end - start > 1
                and any(t.text in ("(", "„", '"') for t in doc[start:end - 1])):
            end -= 1
        if start == end:
            return None
        if (start, end) == (ent.start, ent.end):
            return ent
        return Span(doc, start, end, label=ent.label)

    def is_spurious(self, ent: Span) -> bool:
        """Whether ``ent`` is a one-token entity the filter removes."""
        if len(ent) != 1:
            return False
        text = ent.text
        if text in self.protected:
            return False
        if self.remove_nonalpha and not any(c.isalpha() for c in text):
            return True
        if self.remove_lowercase and text[:1].islower():
            return True
        if self.remove_function_words and ent[0].pos_ in FUNCTION_POS and not any(c.isupper() for c in text[1:]):
            # a capitalised adverb or article the model took for a name ("Mindestens 46 Tote");
            # a capital inside the word is a name's, whatever the tagger says ("Die PiS kam":
            # PiS tagged as a personal pronoun)
            return True
        if self.remove_compounds and "-" in text.strip("-"):
            head = text.rsplit("-", 1)[1]
            if head[:1].isupper() and head in self.nouns:
                return True
        return self.remove_common_nouns and text in self.nouns

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            self._ensure()
            found = doc.ents  # (a new Span per entity at every read)
            ents = [self.trim(e) if self.trim_punct else e for e in found]
            ents = [e for e in ents if e is not None and not self.is_spurious(e)]
            if [(e.start, e.end, e.label) for e in ents] != [(e.start, e.end, e.label) for e in found]:
                doc.set_ents(ents, default="outside")
            return doc
        except Exception as e:
            error_handler(self.name, self, [doc], e)
            return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = tuple()) -> None:
        self._ensure()
        path = util.ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        _write_list(path / "common_nouns.txt", sorted(self.nouns))
        _write_list(path / "protected.txt", sorted(self.protected))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = tuple()) -> "EntityFilter":
        path = util.ensure_path(path)
        self.set_lists(_read_list(path / "common_nouns.txt"), _read_list(path / "protected.txt"))
        return self
