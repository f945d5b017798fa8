"""Number expressions in German news prose, as values a computer can sum and sort.

``meldung_numbers`` finds quantities ("mindestens 14 Menschen", "rund 36.000",
"1,5 Milliarden Euro", "zwei Drittel", "Dutzende Verletzte", "10 bis 20 km")
and writes them to ``doc.spans["numbers"]`` with, on each Span:

- ``value`` (float): the number. German separators (``36.000`` -> 36000.0,
  ``3,5`` -> 3.5), multipliers (``1,5 Mio.`` -> 1500000.0), number words up to
  billions (``dreiundzwanzig``, ``eine Million``), fractions as the fraction
  (``zwei Drittel`` -> 0.667, ``die Hälfte`` -> 0.5).
  Ranges (``zwischen 10 und 20``, ``10 bis 20``, ``10-20``): ``value`` is the
  lower bound and ``value_max`` the upper bound.
  Vague quantities (``Dutzende``, ``Hunderte``, ``Tausende``, ``Millionen``):
  ``value`` is the lower bound (24, 200, 2000, 2000000), ``value_max`` the next
  order of magnitude (exclusive), and ``approx`` is ``"mindestens"`` unless the
  text has its own qualifier.
- ``value_max`` (float or None): upper bound of a range or a vague quantity.
- ``approx`` (str or None): the normalised qualifier (knapp, rund, etwa,
  mehr als, mindestens, bis zu, fast, über, weniger als, ungefähr, circa, gut,
  annähernd, ...; ``ca.`` -> circa, ``nahezu`` -> fast).
- ``unit`` (str or None): normalised unit (Prozent, Euro, Dollar, km, m², kg, °C, ...).
- ``what`` (str or None): the counted noun as written ("Soldaten"), from the
  dependency tree when the pipeline has a parser, else the next noun (POS tag)
  or capitalised word in the sentence. Never set when there is a unit.

The span covers qualifier, number and unit ("rund 36.000", "1,5 Milliarden
Euro"), not the counted noun.

What it does **not** count (by design): dates and years ("2. März", "2020",
"1990er"), times ("14.30 Uhr"), ordinals ("2.", "zweite": a rank is not a count),
identifiers after "Artikel", "Paragraf", "Nr.", "Linie", "Gleis", ... (list in
``pipeline/data/numbers/not_counts.tsv``), phone numbers (a leading 0 or +,
three or more digit groups in a row), route names ("A 100"), scores ("3:1"),
and number words that are only articles ("ein Mann": "ein" counts only before
Million, Dutzend, Drittel, ...).

The lexicons (number words, qualifiers, units, multipliers, fractions, vague
quantities, identifier words) are the TSV files in ``pipeline/data/numbers/``
(format in its README); ``initialize(data_dir=...)`` loads others and
``to_disk``/``from_disk`` save and load exactly the lexicons in use.

German number words are read with ``text_to_num.text2num(word, "de")`` where it
works (single words, compounds: "dreiundzwanzig", "zweihunderttausend"); see
:func:`word_value` for what it gets wrong and is handled here instead.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

import srsly
from spacy import util
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.scorer import Scorer
from spacy.tokens import Doc, Span
from spacy.training import Example
from text_to_num import text2num

from . import _tokens

__all__ = [
    "DATA_DIR", "NumberMatch", "NumberLexicon", "NumberTagger", "find_numbers",
    "parse_digits", "word_value", "make_numbers", "SPAN_EXTENSIONS",
]

#: the package's own lexicons
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "numbers"
#: Span extensions this component writes (column names of the numbers table + value_max)
SPAN_EXTENSIONS = ("number_value", "number_value_max", "number_approx", "number_unit", "number_what")

MONTHS = {
    "januar", "jänner", "februar", "märz", "april", "mai", "juni", "juli", "august",
    "september", "oktober", "november", "dezember", "jan.", "feb.", "febr.", "mär.", "apr.",
    "jun.", "jul.", "aug.", "sep.", "sept.", "okt.", "nov.", "dez.",
}
WEEKDAYS = {"montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag",
            "sonnabend", "sonntag"}
#: words before a 4-digit number that make it a year
YEAR_CUES = {
    "im", "in", "jahr", "jahre", "jahres", "jahren", "seit", "bis", "von", "vom", "ab", "anfang",
    "mitte", "ende", "frühjahr", "frühling", "sommer", "herbst", "winter", "vor", "nach",
    "zwischen", "um", "(", "jahrgang", "saison", "spielzeit", "wahl", "wm", "em", "olympia",
    "und", "oder", "/", "–", "-", "seit", "zum", "zur", "fürs", "für", "des",
} | MONTHS
#: words that never are the counted noun
NOT_WHAT = {"Uhr", "Jahr", "Prozent", "Euro", "Dollar", "Mal", "Mio.", "Mrd."} | {
    m.capitalize() for m in MONTHS} | {d.capitalize() for d in WEEKDAYS}

_DIGITS = re.compile(r"^([+\-−±]?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$")
_GLUED = re.compile(r"^(\d+(?:,\d+)?)(km|m|cm|mm|kg|t|min|h|%|€|Mio\.?|Mrd\.?)$")
#: a year with a sentence-final dot ("im Jahr 1990."); a digit group before a space-separated
#: thousands group ("12 000"); such a group (compiled once: ``re.fullmatch`` with a pattern
#: string looks the pattern up in ``re``'s cache at every token)
_YEAR_WITH_DOT = re.compile(r"1\d{3}\.|20\d{2}\.")
_LEADING_GROUP = re.compile(r"\d{1,3}")
_THOUSANDS_GROUP = re.compile(r"\d{3}")
_NUMBER_MORPHEMES = re.compile(
    r"^(?:null|eins|ein|zwei|zwan|drei|vier|fünf|sechs|sech|sieben|sieb|acht|neun|zehn|elf|"
    r"zwölf|zig|ßig|hundert|tausend|und)+$"
)


class NumberMatch(NamedTuple):
    """A number expression: token offsets ``[start, end)`` and its reading."""

    start: int
    end: int
    value: float | None
    value_max: float | None
    approx: str | None
    unit: str | None
    what: str | None


def _read_tsv(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.rstrip("\n").split("\t"))
    return rows


@dataclass
class NumberLexicon:
    """Everything the finder looks up, loaded from the TSV files of a data folder."""

    approx: dict[tuple[str, ...], str] = field(default_factory=dict)
    units: dict[tuple[str, ...], tuple[str, str]] = field(default_factory=dict)
    scales: dict[str, float] = field(default_factory=dict)
    words: dict[str, float] = field(default_factory=dict)
    fractions: dict[str, float] = field(default_factory=dict)
    vague: dict[str, tuple[float, float]] = field(default_factory=dict)
    not_counts: set[str] = field(default_factory=set)

    FILES = ("approx.tsv", "units.tsv", "scales.tsv", "words.tsv", "fractions.tsv",
             "vague.tsv", "not_counts.tsv")

    @classmethod
    def from_dir(cls, path: str | Path) -> "NumberLexicon":
        path = Path(path)
        return cls.from_rows({name: _read_tsv(path / name) for name in cls.FILES})

    @classmethod
    def from_rows(cls, rows: dict[str, list[list[str]]]) -> "NumberLexicon":
        lex = cls()
        lex.rows = rows  # kept for to_disk
        for r in rows.get("approx.tsv", []):
            lex.approx[tuple(r[0].split())] = r[1]
        for r in rows.get("units.tsv", []):
            lex.units[tuple(r[0].split())] = (r[1], r[2] if len(r) > 2 else "")
        lex.scales = {r[0]: float(r[1]) for r in rows.get("scales.tsv", [])}
        lex.words = {r[0]: float(r[1]) for r in rows.get("words.tsv", [])}
        lex.fractions = {r[0]: float(r[1]) for r in rows.get("fractions.tsv", [])}
        lex.vague = {r[0]: (float(r[1]), float(r[2])) for r in rows.get("vague.tsv", [])}
        lex.not_counts = {r[0] for r in rows.get("not_counts.tsv", [])}
        lex.max_unit = max((len(k) for k in lex.units), default=1)
        lex.max_approx = max((len(k) for k in lex.approx), default=1)
        return lex

    def to_dir(self, path: str | Path) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for name in self.FILES:
            lines = ["\t".join(r) for r in getattr(self, "rows", {}).get(name, [])]
            (path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def default_lexicon() -> NumberLexicon:
    """The package's lexicons, loaded once."""
    return NumberLexicon.from_dir(DATA_DIR)


def parse_digits(text: str) -> float | None:
    """A number written with German separators as a float, else None.

    >>> parse_digits("36.000"), parse_digits("1.234.567"), parse_digits("-3,5")
    (36000.0, 1234567.0, -3.5)
    """
    m = _DIGITS.match(text)
    if not m:
        return None
    sign, whole, frac = m.groups()
    value = float(whole.replace(".", "") + ("." + frac if frac else ""))
    return -value if sign in ("-", "−") else value


def _text2num(word: str) -> float | None:
    """``text2num(word, "de")`` for a word made of number morphemes, else None. The test
    comes before the cache: most words fail it, and would only push the number words out."""
    if not _NUMBER_MORPHEMES.match(word) or word == "und":
        return None
    return _morphemes_value(word)


@lru_cache(maxsize=4096)
def _morphemes_value(word: str) -> float | None:
    try:
        return float(text2num(word, "de"))
    except ValueError:
        return None


def word_value(word: str, lex: NumberLexicon) -> float | None:
    """The value of one German number word (lower case), else None.

    text2num("...", "de") reads single words and compounds ("dreiundzwanzig" ->
    23, "zweihunderttausend" -> 200000) but fails on what agency copy writes:
    inflected "eine"/"einem"/"einer" ("eine Million" raises "invalid literal
    for text2num: 'eine million'"), "eineinhalb"/"anderthalb", and it
    never reads fractions ("zwei Drittel" raises) or digits with a multiplier
    word ("1,5 Millionen"; alpha2digit gives "1,5 1000000"). Those come from
    the lexicon ``words.tsv``/``fractions.tsv`` and the scale logic here.
    """
    if word in lex.words:
        return lex.words[word]
    return _text2num(word)


def _is_article_one(word: str) -> bool:
    return word in ("ein", "eine", "einen", "einem", "einer", "eines")


class _Core(NamedTuple):
    end: int
    value: float
    unit: str | None = None
    vague: tuple[float, float] | None = None
    fraction: bool = False


class _Words:
    """The token attributes the finder reads at every token, as lists read once per Doc
    (see ``_tokens.py``): ``doc[i]`` builds a new Token at every look, ``tok.lower_``
    decodes the string again, and ``tok.sent`` walks the sentence. (What it asks of a
    few tokens only, it asks their Token, ``doc``.)"""

    def __init__(self, doc: Doc):
        n = len(doc)
        self.doc = doc
        self.text, self.spaced = _tokens.doc_words(doc)  # word forms, trailing whitespace
        self.lower = _tokens.lower_words(self.text)
        self.parsed = doc.has_annotation("DEP")
        self.tagged = doc.has_annotation("TAG") or doc.has_annotation("POS")
        self._sents = _tokens.sentence_bounds(doc) if doc.has_annotation("SENT_START") else [(0, n)]
        self._sent_starts = [start for start, _ in self._sents]

    def sentence(self, i: int) -> tuple[int, int]:
        """(start, end) of the sentence of token ``i``; the whole Doc without sentences."""
        return self._sents[bisect.bisect_right(self._sent_starts, i) - 1]


def _read_core(w: _Words, i: int, limit: int, lex: NumberLexicon) -> _Core | None:
    """Read a number starting at token ``i`` (digits or words, multipliers, fractions)."""
    text, low = w.text[i], w.lower[i]
    value: float | None = None
    j = i + 1
    is_digits = False
    # digits, possibly with a space as thousands separator ("12 000")
    d = parse_digits(text)
    if d is None and text.endswith(".") and (
            j >= len(w.text) or w.doc[j].is_space or ((len(text) > 4 or "," in text)
                                                  and w.text[j][:1].isupper())):
        # "rund 36.000." at a sentence end is one token for spaCy's German rules
        # (it keeps "<digits>." whole as an ordinal); "2." / "100." stay ordinals
        d = parse_digits(text[:-1])
        if d is not None and _YEAR_WITH_DOT.fullmatch(text):
            return None  # "im Jahr 1990." is a year
        if d is not None:
            return _Core(j, d)
    if d is not None:
        value, is_digits = d, True
        if (_LEADING_GROUP.fullmatch(text) and j < limit and _THOUSANDS_GROUP.fullmatch(w.text[j])
                and w.spaced[i] and not (j + 1 < limit and w.text[j + 1].isdigit())):
            value, j = float(text + w.text[j]), j + 1
    elif m := _GLUED.match(text):
        value = parse_digits(m.group(1))
        suffix = m.group(2)
        scale = lex.scales.get(suffix.lower()) or lex.scales.get(suffix.lower() + ".")
        if scale:
            return _Core(j, value * scale)
        unit = lex.units.get((suffix,))
        return _Core(j, value, unit[0] if unit else suffix)
    elif text[:1].isupper() and not w.doc[i].is_sent_start and low not in lex.scales and low not in lex.fractions:
        # number words are written in lower case ("Elf" mid-sentence is a team)
        if low in lex.vague:
            return _Core(j, lex.vague[low][0], vague=lex.vague[low])
        return None
    elif low in lex.vague and not low.startswith(("millionen", "milliarden")):
        return _Core(j, lex.vague[low][0], vague=lex.vague[low])
    elif low in ("millionen", "milliarden") and (i == 0 or word_value(w.lower[i - 1], lex) is None):
        return _Core(j, lex.vague[low][0], vague=lex.vague[low])
    elif low in ("mehrere", "einige", "viele", "etliche") and j < limit and w.lower[j] in (
            "hundert", "tausend", "dutzend", "millionen", "milliarden"):
        base = {"hundert": "hunderte", "tausend": "tausende", "dutzend": "dutzende",
                "millionen": "millionen", "milliarden": "milliarden"}[w.lower[j]]
        return _Core(j + 1, lex.vague[base][0], vague=lex.vague[base])
    elif low in lex.fractions and low == "hälfte":
        return _Core(j, lex.fractions[low], fraction=True)
    else:
        value = word_value(low, lex)
        if value is None:
            return None
        if _is_article_one(low):
            nxt = w.lower[j] if j < limit else ""
            if nxt not in lex.scales and nxt not in lex.fractions:
                return None
    # further number words and multipliers: "zwei Millionen dreihunderttausend", "1,5 Mio."
    total, current = 0.0, value
    while j < limit:
        word = w.lower[j]
        if word in lex.scales:
            factor = lex.scales[word]
            if factor >= 1e6:
                total += (current if current is not None else 1.0) * factor
                current = None
            else:
                current = (current if current is not None else 1.0) * factor
            j += 1
        elif not is_digits and current is None and (v := word_value(word, lex)) is not None \
                and not _is_article_one(word) and word not in ("beide", "beiden"):
            current = v
            j += 1
        else:
            break
    value = total + (current or 0.0)
    if j < limit and w.lower[j] in lex.fractions and w.lower[j] != "hälfte":
        return _Core(j + 1, value * lex.fractions[w.lower[j]], fraction=True)
    return _Core(j, value)


_BARE_NUMBER = re.compile(r"\+?\d+")
_LEADING_ZERO = re.compile(r"0\d{2,}")
_ALL_DIGITS = re.compile(r"\d+")
_ROUTE_LETTERS = re.compile(r"[A-Z]{1,2}")
_YEAR = re.compile(r"1\d{3}|20\d{2}|2100")


def _excluded(w: _Words, i: int, core: _Core, limit: int, lex: NumberLexicon) -> bool:
    """Is the number at token ``i`` a date, year, time, phone number or identifier?"""
    text = w.text[i]
    prev = i - 1 if i > 0 else None
    nxt = core.end if core.end < limit else None
    if prev is not None and (w.lower[prev] in lex.not_counts or w.text[prev] in lex.not_counts):
        return True
    if prev is not None and _BARE_NUMBER.fullmatch(w.text[prev]) and text[:1].isdigit():
        return True  # "030 1234567": a number right after a bare number is a phone/code part
    if nxt is not None and (w.lower[nxt] in ("uhr", "h") or w.lower[nxt] in MONTHS):
        return True
    if not (text[:1].isdigit() or text[:1] in "+-−" or w.doc[i].like_num):
        return False
    # phone numbers and codes: leading zero ("030"), leading + with a digit group after it,
    # three or more digit tokens in a row
    if _LEADING_ZERO.fullmatch(text) or (text.startswith("+") and nxt is not None and w.text[nxt].isdigit()):
        return True
    run = 0
    for k in range(max(i - 2, 0), min(i + 3, limit)):
        run = run + 1 if _ALL_DIGITS.fullmatch(w.text[k]) else 0
        if run >= 3:
            return True
    # route and line names: "A 100", "S 1", "U2", "B 96"
    if prev is not None and _ROUTE_LETTERS.fullmatch(w.text[prev]) and w.spaced[prev]:
        return True
    # slashes and year ranges: "2019/20", "24/7"
    if (prev is not None and w.text[prev] == "/" and not w.spaced[prev]) or (
            nxt is not None and w.text[nxt] == "/" and not w.spaced[i]):
        return True
    # years: a 4-digit number 1000..2100 without separators is a year unless a unit,
    # a qualifier or a counted noun makes it a quantity
    if _YEAR.fullmatch(text) and core.end == i + 1:
        if prev is not None and w.lower[prev] in YEAR_CUES:
            return True
        if nxt is None or not w.text[nxt][:1].isupper() or w.lower[nxt] in MONTHS or w.lower[nxt] in WEEKDAYS:
            return not _unit_at(w, core.end, limit, lex)
    return False


def _unit_at(w: _Words, j: int, limit: int, lex: NumberLexicon) -> tuple[int, str] | None:
    """The unit starting at token ``j``: (end, normalised unit), longest first."""
    for n in range(min(lex.max_unit, limit - j), 0, -1):
        hit = lex.units.get(tuple(w.text[j:j + n]))
        if hit is None and n == 1 and w.lower[j] in ("prozent", "euro", "dollar", "kilometer",
                                                     "meter", "tonnen", "grad"):
            hit = lex.units.get((w.text[j].capitalize(),))
        if hit is not None:
            return j + n, hit[0]
    return None


def _approx_before(w: _Words, i: int, lower: int, lex: NumberLexicon) -> tuple[int, str] | None:
    """The qualifier ending just before token ``i``: (start, normalised), longest first."""
    for n in range(min(lex.max_approx, i - lower), 0, -1):
        words = tuple(w.lower[i - n:i])
        if words in lex.approx:
            return i - n, lex.approx[words]
    return None


def _what(w: _Words, start: int, end: int, limit: int, fraction_or_vague: bool) -> str | None:
    """The counted noun: dependency head if parsed, else the next noun in the sentence."""
    doc = w.doc
    if w.parsed:
        for tok in doc[start:end]:
            head = tok.head
            if head.i >= end and head.pos_ in ("NOUN", "PROPN") and tok.dep_ in ("nk", "nummod", "amod", "nmod"):
                return head.text if head.text not in NOT_WHAT else None
        last = doc[end - 1]
        for child in last.children:  # "zwei Drittel der Stimmen", "Tausende von Menschen"
            if child.dep_ in ("ag", "pg", "nmod") and child.pos_ == "NOUN" and child.i >= end:
                return child.text
    has_pos = w.tagged
    skip = 0
    for tok in doc[end:min(limit, end + 5)]:
        if tok.is_punct or tok.like_num:
            return None
        if has_pos:
            if tok.pos_ == "NOUN":
                return tok.text if tok.text not in NOT_WHAT else None
            if tok.pos_ in ("ADJ", "DET") or (fraction_or_vague and tok.pos_ == "ADP"):
                skip += 1
                if skip <= 3:
                    continue
            return None
        word = tok.text
        if word[:1].isupper() and word.replace("-", "").isalpha() and len(word) > 1:
            return word if word not in NOT_WHAT else None
        # attributive adjectives ("14 verletzte Menschen"), "der"/"von" after fractions
        if (re.fullmatch(r"[a-zäöüß]+(e|en|er|es|em)", word) and skip < 2) or (
                fraction_or_vague and word in ("der", "des", "von", "aller") and skip < 2):
            skip += 1
            continue
        return None
    return None


#: words that start a vague quantity before "hundert", "tausend", ... ("mehrere Tausend")
_VAGUE_HEADS = frozenset({"mehrere", "einige", "viele", "etliche", "millionen", "milliarden"})


def _possible_starts(w: _Words, lex: NumberLexicon) -> list[int]:
    """The tokens where :func:`_read_core` may find a number: those with a digit, and the
    number words, scales, fractions and vague quantities. Most tokens are other words;
    reading each in :func:`_read_core` was most of the component's time. The answers are
    kept per word form on the lexicon, over all Docs (:func:`_tokens.form_cache`, so memory
    stays flat): a new dict per Doc learnt the same common words again in every report. (A
    lexicon is not changed once loaded; one that were would need a new NumberLexicon object.)"""
    words = _start_words(lex)

    def may_start(text: str) -> bool:
        low = text.lower()  # what w.lower holds (spaCy's LOWER is str.lower)
        return low in words or any(map(str.isdigit, text)) or _text2num(low) is not None

    answers = _tokens.cached_answers(w.text, _tokens.form_cache(lex, "_may_start"), may_start)
    return list(compress(range(len(w.text)), answers))


def _start_words(lex: NumberLexicon) -> frozenset[str]:
    """The lexicon's words a number can start with (vague quantities, scales, fractions,
    number words) and the vague heads, as one set made once per lexicon: a new word form
    is tested against one set, not five. (With :func:`_text2num`, this is
    ``word_value(low) is not None`` or one of those.)"""
    words = lex.__dict__.get("_start_words")
    if words is None:
        words = lex.__dict__["_start_words"] = frozenset().union(
            lex.vague, lex.scales, lex.fractions, _VAGUE_HEADS, lex.words)
    return words


def find_numbers(doc: Doc, lexicon: NumberLexicon | None = None) -> Iterator[NumberMatch]:
    """Yield the number expressions of ``doc`` in text order; the Doc is left alone.

    Args:
        doc: a German Doc; sentence boundaries, POS tags and a parse are used if present.
        lexicon: the lexicons to use (default: ``pipeline/data/numbers``).
    Yields:
        :class:`NumberMatch` records, not overlapping.
    """
    lex = lexicon or default_lexicon()
    w = _Words(doc)
    taken = 0  # end of the last expression
    for i in _possible_starts(w, lex):
        if i < taken:
            continue
        limit = w.sentence(i)[1]
        core = _read_core(w, i, limit, lex)
        if core is None or _excluded(w, i, core, limit, lex):
            continue
        start, end = i, core.end
        value, value_max, unit, approx = core.value, None, core.unit, None
        if core.vague:
            value_max = core.vague[1]
        # ranges: "10 bis 20", "10-20", "zwischen 10 und 20", "zwei bis drei Millionen"
        between = start > 0 and w.lower[start - 1] == "zwischen"
        if end + 1 < limit and (w.lower[end] in ("bis", "-", "–") or (between and w.lower[end] == "und")):
            upper = _read_core(w, end + 1, limit, lex)
            if upper is not None and not upper.vague and not _excluded(w, end + 1, upper, limit, lex):
                factor = upper.value / _unscaled(w, end + 1, lex)
                if factor >= 1000 and end == i + 1 and value * factor <= upper.value:
                    value *= factor  # shared multiplier: "zwei bis drei Millionen"
                value_max, end = upper.value, upper.end
                unit = unit or upper.unit
                if between:
                    start -= 1
        if unit is None and end < limit:
            if hit := _unit_at(w, end, limit, lex):
                end, unit = hit
        if unit is None and start > 0 and w.text[start - 1] in ("€", "$", "£", "US$"):
            start -= 1
            unit = lex.units[(w.text[start],)][0]
        if start > 0 and (q := _approx_before(w, start, w.sentence(start)[0], lex)):
            start, approx = q
        elif core.vague:
            approx = "mindestens"
        if value is not None and start > 0 and w.lower[start - 1] == "minus" and value > 0:
            start, value = start - 1, -value
        what = None
        if unit is None:
            what = _what(w, i, end, limit, bool(core.fraction or core.vague))
        yield NumberMatch(start, end, value, value_max, approx, unit, what)
        taken = end


def _unscaled(w: _Words, i: int, lex: NumberLexicon) -> float:
    """The value of the number at ``i`` before its multiplier words."""
    d = parse_digits(w.text[i])
    if d is not None:
        return d or 1.0
    v = word_value(w.lower[i], lex)
    return v or 1.0


# -- the spaCy component


#: Label of every number span.
SPAN_LABEL = "NUMBER"


def _register_extensions() -> None:
    for name in SPAN_EXTENSIONS:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


_register_extensions()


def numbers_score(examples: Iterable[Example], spans_key: str = "numbers", **kwargs) -> dict:
    """Exact-span precision/recall/F1 of ``doc.spans[spans_key]``."""
    return Scorer.score_spans(examples, attr=f"spans_{spans_key}", allow_overlap=True,
                              labeled=False, **kwargs)


@util.registry.scorers("meldung.numbers_scorer.v1")
def make_numbers_scorer() -> Callable:
    return numbers_score


@Language.factory(
    "meldung_numbers",
    requires=["doc.sents"],
    assigns=["doc.spans", "span._.number_value", "span._.number_value_max", "span._.number_approx", "span._.number_unit",
             "span._.number_what"],
    default_config={"spans_key": "numbers", "overwrite": True,
                    "scorer": {"@scorers": "meldung.numbers_scorer.v1"}},
    default_score_weights={"spans_numbers_f": 1.0, "spans_numbers_p": 0.0, "spans_numbers_r": 0.0},
)
def make_numbers(nlp: Language, name: str, spans_key: str, overwrite: bool,
                 scorer: Callable | None) -> "NumberTagger":
    return NumberTagger(nlp, name, spans_key=spans_key, overwrite=overwrite, scorer=scorer)


class NumberTagger(Pipe):
    """Write number expressions to ``doc.spans[spans_key]`` with their values."""

    def __init__(self, nlp: Language, name: str = "meldung_numbers", *, spans_key: str = "numbers",
                 overwrite: bool = True, scorer: Callable | None = numbers_score) -> None:
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.overwrite = overwrite
        self.scorer = scorer
        self.lexicon: NumberLexicon | None = None

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, data_dir: str | Path | None = None) -> None:
        """Load the lexicons from ``data_dir`` (default: ``pipeline/data/numbers``)."""
        self.lexicon = NumberLexicon.from_dir(data_dir) if data_dir else default_lexicon()

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            matches = list(find_numbers(doc, self.lexicon or default_lexicon()))
            self.set_annotations(doc, matches)
            return doc
        except Exception as e:  # noqa: BLE001 - the error handler decides
            error_handler(self.name, self, [doc], e)

    def set_annotations(self, doc: Doc, matches: list[NumberMatch]) -> None:
        spans = []
        # the values stored where span._ keeps them, without an Underscore object per span
        set_values = _tokens.extension_writer(doc, SPAN_EXTENSIONS)
        for m in matches:
            span = Span(doc, m.start, m.end, label=SPAN_LABEL)
            set_values(span, (m.value, m.value_max, m.approx, m.unit, m.what))
            spans.append(span)
        if self.overwrite or self.spans_key not in doc.spans:
            doc.spans[self.spans_key] = spans
        else:
            doc.spans[self.spans_key].extend(spans)

    def score(self, examples: Iterable[Example], **kwargs) -> dict:
        return numbers_score(examples, spans_key=self.spans_key, **kwargs)

    # -- serialisation: the lexicons in use
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = util.ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        (self.lexicon or default_lexicon()).to_dir(path / "lexicon")
        srsly.write_json(path / "cfg", {"spans_key": self.spans_key, "overwrite": self.overwrite})

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "NumberTagger":
        path = util.ensure_path(path)
        if (path / "lexicon").exists():
            self.lexicon = NumberLexicon.from_dir(path / "lexicon")
        if (path / "cfg").exists():
            cfg = json.loads((path / "cfg").read_text(encoding="utf-8"))
            self.spans_key = cfg.get("spans_key", self.spans_key)
            self.overwrite = cfg.get("overwrite", self.overwrite)
        return self
