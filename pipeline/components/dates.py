"""Time expressions in German news prose, normalised to ISO 8601 / TIMEX3 values.

``meldung_dates`` finds dates, times, durations and sets and writes them to
``doc.spans["dates"]`` with, on each Span:

- ``value`` (str or None): ISO 8601 / TIMEX3 value: ``2020-03-02``, ``2020-03``,
  ``2020``, ``199`` (decade), ``19`` (century), ``BC0490``, ``2015-SU`` (season),
  ``2023-05-23T14:30``, ``P3Y`` / ``PT2H`` / ``PXD`` (durations), ``XXXX-WXX-1``
  (sets), ``PRESENT_REF`` / ``FUTURE_REF`` (heute, jetzt, bald in narrative mode).
- ``kind`` (str): ``date``, ``time``, ``duration`` or ``set``.
- ``anchor`` (str or None): ISO date the expression was resolved against: the
  publication date ``doc._.published`` (news mode), or in narrative mode the
  last date the text mentioned. None for values that need no anchor.
- ``mod`` (str or None): TIMEX modifier: START (Anfang), MID (Mitte), END (Ende),
  APPROX (etwa, gegen), MORE_THAN, LESS_THAN, EQUAL_OR_MORE.

Spans follow the TIMEX convention: prepositions are not part of the span
("am Freitag" -> "Freitag", "im Dezember" -> "Dezember", "seit drei Jahren" ->
"drei Jahren"), except "vor" / "nach" in "vor drei Wochen", "nach zwei Tagen",
and modifiers ("Anfang März", "mehr als zwei Wochen") are. ``with_preposition=True``
in the config extends each span over its preposition ("am Freitag").

Resolution of relative expressions (German news conventions):

- a bare weekday: the finite verb's tense decides (morphology ``Tense=Past`` /
  ``Tense=Pres`` when the pipeline has it; a small lexicon of past forms and
  perfect auxiliaries, and future cues like "wird", otherwise): past -> the most
  recent such day within the last 6 days (the publication day included:
  "teilte am Dienstag mit" on a Tuesday is that day); present/future -> the next
  such day within 6 days (present tense with a weekday is future in German:
  "kommen am Freitag zusammen"); no tense -> the nearest such day.
  "vergangenen"/"letzten" and "kommenden"/"nächsten" force the direction.
- a month or day without year ("im Dezember", "Anfang März", "2. März"):
  past -> the most recent, future -> the next, no tense -> the nearest.
- "gestern", "heute", "morgen", "vergangene Woche", "vor drei Wochen": from the anchor.
- "am Vortag", "einen Tag später", "zwei Tage zuvor", "im selben Jahr": from the last
  date the text mentioned (else the anchor).
- no anchor (no publication date): relative expressions keep their text and
  ``value`` None, except that a month or day without year is given the TIMEX3
  underspecified form (``XXXX-12``, ``XXXX-03-02``), and a weekday ``XXXX-WXX-5``.

``document_type="narrative"`` (histories, encyclopaedia texts, WikiWarsDE) uses
the last mentioned date as reference for everything, like HeidelTime's
narrative mode; "heute"/"jetzt" are then PRESENT_REF and "bald" FUTURE_REF.

dateparser / python-dateutil: ``dateparser.parse`` reads complete German dates
("2. März 2020", "02.03.2020") but not what news needs: it returns one datetime
(no granularity, so "März 2020" becomes a day), resolves "am Donnerstag"
always backwards ("PREFER_DATES_FROM" is one global setting, not the verb's
tense), knows nothing of TIMEX values for durations, seasons, decades or
"Anfang/Ende", and is slow per call. So expressions are matched with the
regular expressions below and the calendar arithmetic is done with
``dateutil.relativedelta`` (month/year shifts that clamp the day).
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache, partial
from itertools import chain
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

import srsly
from dateutil.relativedelta import relativedelta
from spacy import util
from spacy.attrs import IDX, LEMMA, LOWER, MORPH, TAG
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.scorer import Scorer
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.training import Example

from . import _tokens
from . import numbers as _numbers

__all__ = [
    "DATA_DIR", "DateMatch", "DateTagger", "find_dates", "sentence_tense", "make_dates",
    "SPAN_EXTENSIONS",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "dates"
SPAN_EXTENSIONS = ("date_value", "date_kind", "date_anchor", "date_mod")
#: narrative mode: only scene-setting bare years move the reference year
SCENE_ONLY = True

MONTHS = {
    "januar": 1, "jänner": 1, "jan.": 1, "februar": 2, "feber": 2, "feb.": 2, "febr.": 2,
    "märz": 3, "mär.": 3, "april": 4, "apr.": 4, "mai": 5, "juni": 6, "jun.": 6, "juli": 7,
    "jul.": 7, "august": 8, "aug.": 8, "september": 9, "sep.": 9, "sept.": 9, "oktober": 10,
    "okt.": 10, "november": 11, "nov.": 11, "dezember": 12, "dez.": 12,
}
WEEKDAYS = {"montag": 1, "dienstag": 2, "mittwoch": 3, "donnerstag": 4, "freitag": 5,
            "samstag": 6, "sonnabend": 6, "sonntag": 7}
SEASONS = {"frühjahr": "SP", "frühling": "SP", "sommer": "SU", "herbst": "FA", "winter": "WI"}
TIMES_OF_DAY = {"morgen": "MO", "früh": "MO", "vormittag": "MO", "mittag": "MI",
                "nachmittag": "AF", "abend": "EV", "nacht": "NI"}
MODS = {"anfang": "START", "beginn": "START", "mitte": "MID", "ende": "END",
        "anfang/mitte": "START", "mitte/ende": "END"}
UNITS = {"jahr": "Y", "jahre": "Y", "jahren": "Y", "jahres": "Y", "monat": "M", "monate": "M",
         "monaten": "M", "monats": "M", "woche": "W", "wochen": "W", "tag": "D", "tage": "D",
         "tagen": "D", "tages": "D", "stunde": "H", "stunden": "H", "minute": "MIN",
         "minuten": "MIN", "jahrzehnt": "DE", "jahrzehnte": "DE", "jahrzehnten": "DE",
         "jahrhundert": "CE", "jahrhunderte": "CE", "jahrhunderten": "CE"}
APPROX_MODS = {"mehr als": "MORE_THAN", "über": "MORE_THAN", "fast": "APPROX", "knapp": "APPROX",
               "etwa": "APPROX", "rund": "APPROX", "ungefähr": "APPROX", "gut": "MORE_THAN",
               "mindestens": "EQUAL_OR_MORE", "weniger als": "LESS_THAN", "gegen": "APPROX"}

_MON = (r"(?:Januar|Jänner|Februar|Feber|März|April|Mai|Juni|Juli|August|September|Oktober|"
        r"November|Dezember|Jan\.|Febr?\.|Mär\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Okt\.|Nov\.|Dez\.)")
_WD = r"(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonnabend|Sonntag)"
_TOD = r"(?:morgen|früh|vormittag|mittag|nachmittag|abend|nacht)"
_MOD = r"(?:Anfang|Beginn|Mitte|Ende|Anfang/Mitte|Mitte/Ende)"
_BC = r"(?:v\.\s?Chr\.?|vor Christus)"
_NUMW = (r"(?:\d+(?:,\d+)?|ein|eine|einen|einem|einer|eines|zwei|drei|vier|fünf|sechs|sieben|acht|"
         r"neun|zehn|elf|zwölf|[a-zäöüß]+zehn|[a-zäöüß]+zig|[a-zäöüß]+ßig|hundert|anderthalb|"
         r"eineinhalb|zweieinhalb|mehrere|mehreren|einige|einigen|wenige|wenigen|weniger|paar|"
         r"ein paar|beiden|beide)")
_UNIT = (r"(?:Jahren|Jahre|Jahr|Jahrzehnten|Jahrzehnte|Jahrzehnt|Jahrhunderten|Jahrhunderte|"
         r"Monaten|Monate|Monat|Wochen|Woche|Tagen|Tage|Tag|Stunden|Stunde|Minuten|Minute)")
_APPROX = r"(?:mehr als|über|fast|knapp|etwa|rund|ungefähr|gut|mindestens|weniger als)"
_PREP = r"(?:am|im|um|seit|ab|bis|vom|zum|gegen|an|in|zwischen|von|bis zum|Am|Im|Um|Seit|Ab|Bis|Vom|Gegen|Von|In)"

#: (pattern name, regular expression); every match is a candidate, the longest win
PATTERNS: list[tuple[str, str]] = [
    ("numeric", r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2})(?![\d.]\d)"),
    ("iso", r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
    ("day_range", rf"\b(?P<d>\d{{1,2}})\.(?=\s*(?:bis|und|–|-|/)\s*(?:zum\s+)?\d{{1,2}}\.\s*{_MON})"),
    ("day_range", rf"\b(?P<night>Nacht)\s+vom\s+(?P<d>\d{{1,2}})\.(?=\s*(?:auf\s+den|zum|/)\s*\d{{1,2}}\.\s*{_MON})"),
    ("day_month", rf"(?:\b(?:(?:frühen|späten)\s+)?(?P<todw>Morgen|Vormittag|Mittag|Nachmittag|Abend|Nacht|Morgenstunden|Abendstunden)\s+des\s+)?\b(?P<d>\d{{1,2}})\.\s*(?P<mon>{_MON})(?:\s+(?P<y>\d{{1,4}})(?:\s*(?P<bc>{_BC}))?(?!\d|,\d))?"),
    ("month", rf"(?:\b(?P<approx>ungefähr|etwa)\s+)?(?:\b(?P<mod>{_MOD})\s+)?(?P<mon>{_MON})(?:\s+(?P<y>\d{{4}}|\d{{1,3}}\s*{_BC}))?(?![\w])"),
    ("season", rf"(?:\b(?P<mod>{_MOD})\s+(?:des\s+)?)?(?P<season>Frühjahrs?|Frühlings?|Sommers?|Herbst(?:es|s)?|Winters?)(?:\s+(?:des\s+Jahres\s+)?(?P<y>\d{{4}}))?\b"),
    # the second year of a range written short: "1912/13", "1926–28", "Winter 1777/78"
    ("year_tail", r"(?<=\b\d{4}[/–-])(?P<yy>\d{2})(?![\d]|[.,]\d)\b"),
    # the first year of a range before "v. Chr.": "264–260 v. Chr.", "449/448 v. Chr."
    ("bc_range", rf"\b(?P<y>\d{{1,4}})(?=\s*[–/-]\s*\d{{1,4}}\s*{_BC})"),
    ("year", rf"(?:\b(?P<mod>{_MOD}|Frühjahr|Sommer|Herbst|Winter)\s+(?:(?:des\s+)?Jahres\s+)?)?(?:\b(?P<jahr>Jahr(?:es|e)?|Jahreswende)\s+)?\b(?P<y>\d{{1,4}})(?:\s*(?P<bc>{_BC}))?(?!\d|,\d|\.\d|\s*(?:Uhr|%|Prozent))"),
    ("decade", rf"(?:\b(?P<mod>{_MOD})\s+der\s+)?\b(?P<dec>\d{{2}}|\d{{4}})er(?:[\s-]?Jahren?)?\b"),
    ("century", rf"(?:\b(?P<mod>{_MOD})\s+(?:des\s+)?)?\b(?P<c>\d{{1,2}})\.\s*Jahrhunderts?(?:\s*(?P<bc>{_BC}))?"),
    ("time", rf"(?:\b(?P<approx>[Gg]egen|[Ee]twa|[Kk]napp|[Kk]urz nach|[Kk]urz vor)\s+)?\b(?P<h>\d{{1,2}})(?:[.:](?P<mi>\d{{2}}))?\s*Uhr(?:\s+(?P<mi2>\d{{2}})\b)?"),
    ("midnight", r"\b(?:(?P<approx>[Gg]egen)\s+)?(?P<w>Mitternacht)\b"),
    ("today", rf"\b(?P<w>heute|Heute|gestern|Gestern|vorgestern|Vorgestern|morgen|übermorgen|Übermorgen)(?P<tod>{_TOD})?\b(?!\s+(?:früh|abend|nacht)\b)"),
    ("now", r"\b(?P<w>jetzt|Jetzt|derzeit|Derzeit|zurzeit|Zurzeit|gegenwärtig|bald|Bald)\b"),
    ("same_day", r"\b(?:(?:selben|gleichen|diesem|demselben)\s+Tag|Vorjahr|Vorjahres)\b"),
    ("vague_ref", r"\b(?P<w>(?:[Ww]enig|[Kk]urz)\s+(?:später|danach|darauf|zuvor|vorher))\b"),
    ("vortag", r"\b(?P<w>Vortag|Vorabend|Folgetag|Tag zuvor|Tag davor|Tag danach|nächsten Tag|folgenden Tag|Tag darauf)\b"),
    ("weekday", rf"(?:\b(?P<rel>(?i:vergangenen|vergangene|letzten|letzte|vorigen|kommenden|kommende|nächsten|nächste|diesen|diese))\s+)?\b(?P<wd>{_WD})(?P<tod>{_TOD})?\b"),
    ("weekday_set", r"\b(?:(?:jeden|Jeden)\s+(?P<wd>" + _WD[3:-1] + r")|(?P<wds>montags|dienstags|mittwochs|donnerstags|freitags|samstags|sonnabends|sonntags))\b"),
    ("set", r"\b(?:(?:jeden|jede|jedes|Jeden|Jede|Jedes)\s+(?P<u>Tag|Woche|Monat|Jahr)|(?P<adv>täglich|wöchentlich|monatlich|jährlich|alljährlich))\b"),
    ("relative_unit", r"\b(?:(?P<mod>Anfang|Mitte|Ende)\s+(?:der|des)\s+)?(?P<rel>(?i:vergangenen|vergangene|vergangenes|letzten|letzte|letztes|vorigen|vorige|voriges|kommenden|kommende|kommendes|nächsten|nächste|nächstes|diesen|diese|dieses|diesem|laufenden|laufende|laufendes|selben|gleichen|folgenden|neuen))\s+(?P<u>Woche|Wochenende|Monats?|Jahr(?:es)?)\b"),
    ("year_end", r"\b(?P<w>Jahresende|Jahresbeginn|Jahresanfang|Jahresmitte|Monatsende|Monatsanfang)\b"),
    # the lookahead (a time unit within seven words) only makes the scan 2-3x faster
    ("quantity", rf"(?=\b(?:[\w,]+\s+){{1,7}}(?:Jahr|Monat|Woche|Tag|Stunde|Minute))(?:\b(?P<pre>vor|nach|Vor|Nach|innerhalb von|binnen)\s+)?(?:\b(?P<approx>(?i:{_APPROX}))\s+)?\b(?P<n>(?i:{_NUMW}))\s+(?P<u>{_UNIT})(?:\s+(?P<post>später|zuvor|danach|davor|früher|lang|nach|vor)\b)?"),
    ("vague_duration", rf"\b(?:(?P<pre>seit|Seit)\s+)?(?P<u>Jahren|Jahrzehnten|Monaten|Wochen|Tagen|Stunden)\b(?=\s)|\b(?P<adv>jahrelang(?:e|en)?|monatelang(?:e|en)?|wochenlang(?:e|en)?|tagelang(?:e|en)?|stundenlang(?:e|en)?|jahrzehntelang(?:e|en)?)\b"),
]


def _first_chars(items, ignorecase: bool = False) -> tuple[set[tuple[str, bool]] | None, bool]:
    """(character-class atoms, each with its IGNORECASE flag, one of which starts every
    match; whether the items can match the empty string) of a parsed pattern; None for
    "any character"."""
    from re import _constants as c

    atoms: set[tuple[str, bool]] = set()
    for op, av in items:
        if op is c.LITERAL:
            got, nullable = {(re.escape(chr(av)), ignorecase)}, False
        elif op is c.IN:
            got, nullable = _class_atoms(av, ignorecase), False
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):  # zero width: look further
            got, nullable = set(), True
        elif op is c.BRANCH:
            got, nullable = set(), False
            for branch in av[1]:
                sub, sub_nullable = _first_chars(branch, ignorecase)
                if sub is None:
                    return None, False
                got |= sub
                nullable = nullable or sub_nullable
        elif op is c.SUBPATTERN:
            got, nullable = _first_chars(av[3], ignorecase or bool(av[1] & c.SRE_FLAG_IGNORECASE))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            got, nullable = _first_chars(av[2], ignorecase)
            nullable = nullable or av[0] == 0
        else:
            return None, False
        if got is None:
            return None, False
        atoms |= got
        if not nullable:
            return atoms, False
    return atoms, True


def _class_atoms(items, ignorecase: bool) -> set[tuple[str, bool]] | None:
    """The atoms of a character class (None when it is negated or not simple)."""
    from re import _constants as c

    named = {c.CATEGORY_DIGIT: r"\d", c.CATEGORY_WORD: r"\w", c.CATEGORY_SPACE: r"\s"}
    atoms: set[tuple[str, bool]] = set()
    for op, av in items:
        if op is c.LITERAL:
            atoms.add((re.escape(chr(av)), ignorecase))
        elif op is c.RANGE:
            atoms.add((f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}", ignorecase))
        elif op is c.CATEGORY and av in named:
            atoms.add((named[av], ignorecase))
        else:
            return None
    return atoms


def _with_first_char_test(rx: str) -> str:
    """``rx`` behind a lookahead for the characters its matches can start with.

    Most patterns start with optional words ("Anfang", "Jahr", "vergangenen"), so
    Python's ``re`` tries them at every position of the text; the lookahead lets it
    skip the positions no match can start at (the scan became ~1.5x faster, with the
    same matches: the lookahead only states what the pattern itself requires, and
    case-insensitive parts are tested case-insensitively, as ``re`` folds them)."""
    try:
        from re import _parser

        parsed = _parser.parse(rx)
        atoms, nullable = _first_chars(parsed, bool(parsed.state.flags & re.IGNORECASE))
    except (ImportError, AttributeError, TypeError, ValueError):
        return rx
    if atoms is None or nullable or not atoms:
        return rx
    exact = "".join(sorted(a for a, folded in atoms if not folded))
    folded = "".join(sorted(a for a, folded in atoms if folded))
    test = "|".join(([f"[{exact}]"] if exact else []) + ([f"(?i:[{folded}])"] if folded else []))
    return f"(?={test})(?:{rx})"


_COMPILED = [(name, re.compile(_with_first_char_test(rx))) for name, rx in PATTERNS]

#: month names and abbreviations of ``_MON``: each alternative contains one of these
_MONTH_GATE = ("Jan", "Jän", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")
_WEEKDAY_GATE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonnabend", "Sonntag")
#: per pattern (same order as PATTERNS): strings one of which every match reads (in the
#: match or in its lookarounds), or a regex (str) for them, or None. A pattern runs only
#: over the stretches of text around these (see :class:`_Scanner`): finding a few words is
#: far cheaper than a regex scan of the whole text, and these patterns cannot match
#: elsewhere (their required month, weekday, unit or "Uhr" is case-sensitive in the
#: pattern). Checked against a full scan in tests/components/test_dates_gates.py.
_GATES: list[str | tuple[str, ...] | None] = [
    r"\.(?<=\d\.)\d",  # numeric ("3.4"; led by the dot, which re finds fast, as below)
    r"-(?<=\d-)\d\d-",  # iso
    _MONTH_GATE,  # day_range: the lookahead requires a month
    _MONTH_GATE,  # day_range ("Nacht vom 3. auf den 4. März")
    _MONTH_GATE,  # day_month
    _MONTH_GATE,  # month
    ("Frühjahr", "Frühling", "Sommer", "Herbst", "Winter"),  # season
    r"[/–-](?<=\d[/–-])\d",  # year_tail: the lookbehind's year and separator, the short year
    ("Chr",),  # bc_range: "v. Chr." or "vor Christus" in the lookahead
    r"\d",  # year
    r"er(?<=\der)",  # decade
    ("Jahrhundert",),  # century
    ("Uhr",),  # time
    ("Mitternacht",),  # midnight
    ("heute", "Heute", "gestern", "Gestern", "morgen", "Übermorgen"),  # today
    ("jetzt", "Jetzt", "derzeit", "Derzeit", "zurzeit", "Zurzeit", "gegenwärtig", "bald", "Bald"),  # now
    ("Tag", "Vorjahr"),  # same_day
    ("später", "danach", "darauf", "zuvor", "vorher"),  # vague_ref
    ("Vortag", "Vorabend", "Folgetag", "Tag"),  # vortag
    _WEEKDAY_GATE,  # weekday
    _WEEKDAY_GATE + ("montags", "dienstags", "mittwochs", "donnerstags", "freitags", "samstags",
                     "sonnabends", "sonntags"),  # weekday_set
    ("jede", "Jede", "täglich", "wöchentlich", "monatlich", "jährlich"),  # set
    ("Woche", "Monat", "Jahr"),  # relative_unit: the unit group is case-sensitive
    ("Jahresende", "Jahresbeginn", "Jahresanfang", "Jahresmitte", "Monatsende", "Monatsanfang"),  # year_end
    ("Jahr", "Monat", "Woche", "Tag", "Stunde", "Minute"),  # quantity: the lookahead's unit
    ("Jahren", "Jahrzehnten", "Monaten", "Wochen", "Tagen", "Stunden", "lang"),  # vague_duration
]
assert len(_GATES) == len(_COMPILED)


def _after_space(text: str, pos: int) -> bool:
    """Is the character before ``pos`` whitespace?"""
    return text[pos - 1:pos].isspace()


def _after_day_number(text: str, pos: int) -> bool:
    """Does a digit and a dot, then perhaps whitespace, come before ``pos`` ("3. März")?"""
    k = pos
    while k and text[k - 1].isspace():
        k -= 1
    return k >= 2 and text[k - 1] == "." and text[k - 2].isdigit()


#: pattern name -> what every match has before its gate word, as a test of the text at
#: the word's start (``str.isspace``/``isdigit`` take in all that ``\s``/``\d`` match). The
#: gate words are common inside other words ("Dienstag", "Vorjahr") and after other
#: words ("im März"); these patterns need a unit after whitespace ("drei Tage", "nächsten
#: Jahr") or a month after a day number ("3. März"), and run only around such words.
_GATE_CONTEXTS: dict[str, Callable[[str, int], bool]] = {
    "day_range": _after_day_number, "day_month": _after_day_number,
    "relative_unit": _after_space, "quantity": _after_space,
}


def _reach(items, ignorecase: bool = False) -> set[tuple[str, bool]] | None:
    """The character-class atoms (each with its IGNORECASE flag) of every character a
    parsed pattern can read with success, in the match or in a lookaround; None when
    that is any character (``.``, ``[^...]``, a back reference)."""
    from re import _constants as c

    atoms: set[tuple[str, bool]] = set()
    for op, av in items:
        if op is c.LITERAL:
            got = {(re.escape(chr(av)), ignorecase)}
        elif op is c.IN:
            got = _class_atoms(av, ignorecase)
        elif op is c.AT:
            got = set()
        elif op in (c.ASSERT, c.ASSERT_NOT):
            # a one-character lookaround reads only the character next to the current
            # position; a stretch's closing barrier may be that character
            got = set() if av[1].getwidth() == (1, 1) else _reach(av[1], ignorecase)
        elif op is c.BRANCH:
            got = set()
            for branch in av[1]:
                sub = _reach(branch, ignorecase)
                got = None if sub is None or got is None else got | sub
        elif op is c.SUBPATTERN:
            got = _reach(av[3], ignorecase or bool(av[1] & c.SRE_FLAG_IGNORECASE))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            got = _reach(av[2], ignorecase)
        else:
            return None
        if got is None:
            return None
        atoms |= got
    return atoms


def _barrier(rx: str) -> re.Pattern | None:
    """A regex for one character that no match of ``rx`` (nor its lookarounds) can read,
    or None when there is none (or the parser is not there: then the whole text is scanned).
    A letter read case-insensitively may be any word character (the case variants of the
    Latin letters in the patterns are letters too)."""
    try:
        from re import _parser

        parsed = _parser.parse(rx)
        atoms = _reach(parsed, bool(parsed.state.flags & re.IGNORECASE))
    except (ImportError, AttributeError, TypeError, ValueError):
        return None
    if atoms is None or parsed.getwidth()[0] == 0:
        return None
    readable = {atom for atom, _ in atoms}
    if any(folded for _, folded in atoms):
        readable.add(r"\w")
    return re.compile("[^" + "".join(sorted(readable)) + "]")


class _Scanner(NamedTuple):
    """A date pattern with what bounds where it can match.

    Every match, with whatever its lookarounds read, lies between two ``barrier``
    characters (characters the pattern cannot read) and reads one of the ``gate`` words.
    So the pattern needs to run only over the barrier-free stretches of text around the
    gate words, each bounded with ``pos``/``endpos``: the regex engine then reads exactly
    what a scan of the whole text reads there and finds the same matches (``endpos`` lies
    past the closing barrier, which a match can test but not read through). Most stretches
    are a clause or a sentence, so the patterns scan a small part of the text."""

    name: str
    rx: re.Pattern
    gate: str | tuple[str, ...] | None  # the gate words, or a regex for them
    gate_rx: re.Pattern | None  # a regex gate, compiled
    barrier: re.Pattern | None
    gate_context: Callable[[str, int], bool] | None = None  # what comes before a gate word
    #: the words a match can have before its gate word, as a regex over the reversed text
    #: (see :data:`_WORDS_BEFORE_GATE`), or None
    words_before: re.Pattern | None = None

    def finditer(self, text: str, backwards: str, gate_words: dict[str, list[int]]) -> Iterator[re.Match]:
        """``self.rx.finditer(text)``; ``backwards`` is ``text[::-1]``, ``gate_words`` where
        the gate words start (:func:`_gate_words_at`)."""
        if self.gate is None:
            yield from self.rx.finditer(text)
            return
        if self.gate_rx is None and gate_words.keys().isdisjoint(self.gate):
            return  # none of its words in the text (most patterns, in most texts)
        next_gate = self._gate_finder(text, gate_words)
        if self.barrier is None:
            if next_gate(0) >= 0:
                yield from self.rx.finditer(text)
        else:
            for start, end in self._stretches(text, backwards, next_gate):
                yield from self.rx.finditer(text, start, end + 1)

    def _gate_finder(self, text: str, gate_words: dict[str, list[int]]) -> Callable[[int], int]:
        """A function: position -> where the next gate word starts from there, or -1."""
        if self.gate_rx is not None:
            def next_regex_gate(pos: int) -> int:
                found = self.gate_rx.search(text, pos)
                return found.start() if found else -1
            return next_regex_gate
        found = [gate_words[word] for word in self.gate if word in gate_words]
        # each word's starts are in text order: most patterns find one of their words or none
        starts = found[0] if len(found) == 1 else sorted(chain.from_iterable(found))
        if self.gate_context is not None:
            starts = [pos for pos in starts if self.gate_context(text, pos)]

        def next_gate_word(pos: int) -> int:
            k = bisect.bisect_left(starts, pos)
            return starts[k] if k < len(starts) else -1
        return next_gate_word

    def _stretches(self, text: str, backwards: str, next_gate: Callable[[int], int]) -> Iterator[tuple[int, int]]:
        """(start, end) of the barrier-free stretches that hold a gate word, in text order;
        ``end`` is the barrier's position (or the end of the text). Where a match can have
        only a few words before its gate word (``words_before``), a stretch starts at the
        first of these words before its first gate word: no match starts before them (a
        later gate word has its few words later still), and the scan of the clause before
        them, which holds no match, is left out."""
        n = len(text)
        i = next_gate(0)
        while i >= 0:
            before = self.barrier.search(backwards, n - i)
            after = self.barrier.search(text, i)
            end = after.start() if after else n
            start = n - before.start() if before else 0
            if self.words_before is not None and (words := self.words_before.match(backwards, n - i)):
                start = max(start, n - words.end())
            yield start, end
            # the next gate word in a later stretch (one starting on this barrier cannot be read)
            i = next_gate(end + 1)


#: pattern name -> the most words (whitespace-separated) a match has before its gate word,
#: where that gate word follows whitespace (:func:`_after_space`): "[innerhalb von] [mehr
#: als] [ein paar] Tagen" (preposition, qualifier, number: two words each at most),
#: "[Ende] [des] [kommenden] Jahres" (modifier, article, relative word)
_WORDS_BEFORE_GATE = {"quantity": 6, "relative_unit": 3}


def _words_back(count: int) -> re.Pattern:
    """A regex over the reversed text for up to ``count`` words (each after its whitespace)
    before a position: its end is where the farthest of them starts."""
    return re.compile(rf"(?:\s+\S+){{1,{count}}}")


_SCANNERS = [_Scanner(name, rx, gate, None if isinstance(gate, tuple) or gate is None else re.compile(gate),
                      _barrier(rx.pattern), _GATE_CONTEXTS.get(name),
                      _words_back(_WORDS_BEFORE_GATE[name]) if name in _WORDS_BEFORE_GATE else None)
             for (name, rx), gate in zip(_COMPILED, _GATES)]
assert all(_GATE_CONTEXTS.get(name) is _after_space for name in _WORDS_BEFORE_GATE)


def _words_regex(words: list[str]) -> re.Pattern:
    """One regex for ``words`` that finds the longest of them at a position; grouped by first
    character, so that ``re`` skips the other characters fast."""
    by_first: dict[str, list[str]] = {}
    for word in sorted(words, key=lambda w: (-len(w), w)):
        by_first.setdefault(word[0], []).append(re.escape(word[1:]))
    return re.compile("|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in sorted(by_first.items())))


_GATE_WORDS = sorted({word for gate in _GATES if isinstance(gate, tuple) for word in gate})
#: the gate words with a capital first letter, found with one regex: a capital starts few
#: positions of a text, and the regex is tried only there. The others ("heute", "lang",
#: "danach", ...) start like a third of the positions of German prose, where the one
#: regex tried them all; each is found with ``str.find`` instead (a fast pass over the
#: text per word: two thirds of the time of that scan)
_CAPITALISED_GATE_WORDS = [word for word in _GATE_WORDS if word[0].isupper()]
_LOWER_GATE_WORDS = [word for word in _GATE_WORDS if not word[0].isupper()]
_GATE_WORDS_RX = _words_regex(_CAPITALISED_GATE_WORDS)
#: capitalised gate word -> the gate words it starts with (all gate words found where it is)
_GATE_PREFIXES = {word: [w for w in _CAPITALISED_GATE_WORDS if word.startswith(w)]
                  for word in _CAPITALISED_GATE_WORDS}


def _gate_words_at(text: str) -> dict[str, list[int]]:
    """Where each gate word starts, in text order, overlapping ones too: one scan for the
    capitalised gate words of all patterns, which resumes one character after each hit,
    and a search for each other gate word."""
    found: dict[str, list[int]] = {}
    hit = _GATE_WORDS_RX.search(text)
    while hit:
        for word in _GATE_PREFIXES[hit.group()]:
            found.setdefault(word, []).append(hit.start())
        hit = _GATE_WORDS_RX.search(text, hit.start() + 1)
    for word in _LOWER_GATE_WORDS:
        pos = text.find(word)
        while pos >= 0:
            found.setdefault(word, []).append(pos)
            pos = text.find(word, pos + 1)
    return found


class DateMatch(NamedTuple):
    """A time expression: character offsets into ``doc.text`` and its normalisation."""

    start_char: int
    end_char: int
    text: str
    value: str | None
    kind: str
    anchor: str | None
    mod: str | None = None
    prep_start: int | None = None  # where a preceding preposition starts ("am Freitag")


@dataclass
class _Cand:
    name: str
    start: int
    end: int
    g: dict

    @property
    def length(self) -> int:
        return self.end - self.start


def _read_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


@dataclass
class DateLexicon:
    past_forms: set[str]
    future_cues: set[str]
    auxiliaries: set[str]

    FILES = ("past_forms.txt", "future_cues.txt", "auxiliaries.txt")

    @classmethod
    def from_dir(cls, path: str | Path) -> "DateLexicon":
        path = Path(path)
        return cls(*(set(_read_lines(path / f)) for f in cls.FILES))

    def to_dir(self, path: str | Path) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for name, words in zip(self.FILES, (self.past_forms, self.future_cues, self.auxiliaries)):
            (path / name).write_text("\n".join(sorted(words)) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def default_lexicon() -> DateLexicon:
    return DateLexicon.from_dir(DATA_DIR)


# -- tense


def sentence_tense(sent: Span, lexicon: DateLexicon | None = None) -> str | None:
    """``"past"``, ``"future"`` (present tense included) or None for a sentence.

    Uses the morphology (``Tense``) of finite verbs when the pipeline has it,
    else the past forms, perfect auxiliaries and future cues of the lexicon.
    """
    return _TenseTable(sent.doc).tense(sent.start, sent.end, lexicon or default_lexicon())


_PARTICIPLE_RX = re.compile(r"ge[a-zäöüß]{2,}(t|en)|[a-zäöüß]+(ge)[a-zäöüß]+(t|en)")


class _TenseTable:
    """The lower-case forms, tags, lemmas and morphology keys :func:`sentence_tense`
    reads, as hashes read once per Doc: it looked at every token of a sentence up to
    five times, each time through a new Token object (and ``tok.morph`` through a new
    analysis). The tests compare hashes (tags, lexicon words); strings are made only for
    the few tokens whose spelling itself is tested (finite verbs against their lemma,
    participles after a perfect auxiliary)."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.has_morph = doc.has_annotation("MORPH")
        self.rows = doc.to_array([LOWER, TAG, LEMMA, MORPH]) if len(doc) else None

    def tense(self, start: int, end: int, lex: DateLexicon) -> str | None:
        """:func:`sentence_tense` of the tokens ``start:end``."""
        doc = self.doc
        lowers, tags, lemmas, keys = self.rows[start:end].T.tolist() if end > start else [[]] * 4
        words = _LexiconHashes.of(lex)
        if self.has_morph:
            tenses = set()
            for k in _finite_verbs(doc, keys, tags):
                if tags[k] in _FINITE_TAG_IDS and _spelt_like_lemma(doc, lowers[k], lemmas[k]):
                    # a finite verb spelt like its infinitive is present tense ("kommen ... zusammen"):
                    # no German past form is; the morphologizer once said Tense=Past for it
                    tenses.add("Pres")
                else:
                    tenses.update(_tokens.morph_get(doc, keys[k], "Tense"))
            if "Past" in tenses:
                return "past"
            if tenses:
                # perfect: "hat ... angegriffen" (present auxiliary + participle) is past
                if _PARTICIPLE_TAG_ID in tags and not words.auxiliaries.isdisjoint(lowers):
                    return "past"
                if _WIRD_IDS[0] in lowers or _WIRD_IDS[1] in lowers or "Pres" in tenses:
                    return "future"
        return _lexical_tense(doc, lowers, words)


def _spelt_like_lemma(doc: Doc, lower: int, lemma: int) -> bool:
    """Is the token with LOWER hash ``lower`` spelt like its lemma (in lower case)?"""
    lower_text, lemma_text = _tokens.hash_strings(doc, [lower, lemma])
    return lower_text == lemma_text.lower()


class _LexiconHashes(NamedTuple):
    """A tense lexicon's word sets as string hashes, to test a sentence's LOWER hashes
    without making their strings; made once per lexicon (kept on it)."""

    past_forms: frozenset[int]
    future_cues: frozenset[int]
    auxiliaries: frozenset[int]

    @classmethod
    def of(cls, lex: DateLexicon) -> "_LexiconHashes":
        made = lex.__dict__.get("_hashes")
        if made is None:
            made = lex.__dict__["_hashes"] = cls(*(frozenset(map(get_string_id, words)) for words in (
                lex.past_forms, lex.future_cues, lex.auxiliaries)))
        return made


def _finite_verbs(doc: Doc, keys: list[int], tags: list[int]) -> list[int]:
    """The positions of the tokens tagged finite or analysed ``VerbForm=Fin`` (``keys``:
    their MORPH hashes, ``tags`` their TAG hashes); only these have a say in a sentence's
    tense."""
    for key in set(keys).difference(_FINITE_MORPH):
        _FINITE_MORPH[key] = "Fin" in _tokens.morph_get(doc, key, "VerbForm")
    return [k for k, (key, tag) in enumerate(zip(keys, tags)) if _FINITE_MORPH[key] or tag in _FINITE_TAG_IDS]


#: STTS tags of finite verbs
_FINITE_TAGS = frozenset({"VVFIN", "VAFIN", "VMFIN"})
_FINITE_TAG_IDS = frozenset(map(get_string_id, _FINITE_TAGS))
_PARTICIPLE_TAG_ID = get_string_id("VVPP")
_WIRD_IDS = (get_string_id("wird"), get_string_id("werden"))
#: MORPH hash -> whether the analysis has VerbForm=Fin (an analysis never changes; as many
#: entries as distinct analyses, a few thousand)
_FINITE_MORPH: dict[int, bool] = {}


def _lexical_tense(doc: Doc, lowers: list[int], words: _LexiconHashes) -> str | None:
    """The tense from word forms alone (a pipeline without morphology), from the LOWER
    hashes of a sentence: past forms, a perfect auxiliary with a participle, future cues.
    The words' strings are made only when an auxiliary asks for a participle."""
    if not words.past_forms.isdisjoint(lowers):
        return "past"
    if not words.auxiliaries.isdisjoint(lowers) and any(
            map(_PARTICIPLE_RX.fullmatch, _tokens.hash_strings(doc, lowers))):
        return "past"
    if not words.future_cues.isdisjoint(lowers):
        return "future"
    return None


# -- calendar helpers


def _iso(d: date, precision: str = "D") -> str:
    if precision == "Y":
        return f"{d.year:04d}"
    if precision == "M":
        return f"{d.year:04d}-{d.month:02d}"
    return d.isoformat()


def _pick(candidates: list[date], anchor: date, tense: str | None) -> date:
    """Choose among candidate dates: past -> latest <= anchor, future -> earliest >= anchor."""
    if tense == "past":
        past = [c for c in candidates if c <= anchor]
        if past:
            return max(past)
    if tense == "future":
        future = [c for c in candidates if c >= anchor]
        if future:
            return min(future)
    return min(candidates, key=lambda c: (abs((c - anchor).days), c > anchor))


def _weekday(anchor: date, wd: int, direction: str | None) -> date:
    delta = (wd - anchor.isoweekday()) % 7  # 0..6 days forward
    if direction == "past_strict":
        return anchor - timedelta(days=(7 - delta) if delta else 7)
    if direction == "future_strict":
        return anchor + timedelta(days=delta or 7)
    past = anchor - timedelta(days=(7 - delta) % 7)
    future = anchor + timedelta(days=delta)
    if direction == "past":
        return past
    if direction == "future":
        return future
    return past if (anchor - past) <= (future - anchor) else future


def _year_of(y: str, bc: str | None, ref: date | None) -> int | str:
    if bc:
        return f"BC{int(y):04d}"
    n = int(y)
    if len(y) == 2:
        base = ref.year if ref else 2000
        options = [1900 + n, 2000 + n, 1800 + n]
        return min(options, key=lambda v: (v > base + 10, abs(v - base)))
    return n


def _num(text: str) -> float | None:
    text = text.lower()
    if text in ("mehrere", "mehreren", "einige", "einigen", "wenige", "wenigen", "weniger", "paar",
                "ein paar"):
        return None
    if re.fullmatch(r"\d+(,\d+)?", text):
        return float(text.replace(",", "."))
    return _numbers.word_value(text, _numbers.default_lexicon())


def _fmt_n(n: float | None) -> str:
    if n is None:
        return "X"
    return str(int(n)) if n == int(n) else str(n)


def _duration(n: float | None, unit: str) -> str:
    if unit == "H":
        return f"PT{_fmt_n(n)}H"
    if unit == "MIN":
        return f"PT{_fmt_n(n)}M"
    if unit == "CE":
        return f"P{_fmt_n(n)}CE"
    return f"P{_fmt_n(n)}{unit}"


def _shift(ref: date, n: float, unit: str, sign: int) -> date | None:
    k = int(n) * sign
    if unit == "D":
        return ref + timedelta(days=k)
    if unit == "W":
        return ref + timedelta(weeks=k)
    if unit == "M":
        return ref + relativedelta(months=k)
    if unit == "Y":
        return ref + relativedelta(years=k)
    if unit == "DE":
        return ref + relativedelta(years=10 * k)
    return None


# -- finding


def _candidates(text: str, *, full_scan: bool = False) -> list[_Cand]:
    """The matches of all patterns, overlaps resolved: the longest wins, then the first.
    ``full_scan`` runs every pattern over the whole text (what the gated scan must equal)."""
    cands = []
    backwards = text[::-1]
    gate_words = _gate_words_at(text)
    for scanner in _SCANNERS:
        matches = scanner.rx.finditer(text) if full_scan else scanner.finditer(text, backwards, gate_words)
        for m in matches:
            if m.end() > m.start():
                cands.append(_Cand(scanner.name, m.start(), m.end(), m.groupdict()))
    return _without_overlaps(cands)


def _without_overlaps(cands: list[_Cand]) -> list[_Cand]:
    """The candidates that win their overlaps (the longest, then the first), in text order.
    The chosen ones never overlap, so sorted by start their ends are sorted too: whether a
    candidate overlaps one of them is decided by its two neighbours (bisect), not by a
    look at every chosen one."""
    starts: list[int] = []  # of the chosen, sorted
    ends: list[int] = []
    chosen: list[_Cand] = []
    for c in sorted(cands, key=lambda c: (c.start - c.end, c.start)):
        k = bisect.bisect_right(starts, c.start)
        if (k and ends[k - 1] > c.start) or (k < len(starts) and starts[k] < c.end):
            continue
        starts.insert(k, c.start)
        ends.insert(k, c.end)
        chosen.insert(k, c)
    return chosen


def _is_year_number(c: _Cand, number_chars: Callable[[], list[tuple[int, int]]]) -> bool:
    """A bare year candidate that the numbers finder reads as a quantity, or no year at all.
    ``number_chars`` gives the character ranges of the quantities (asked for only here,
    by a bare four-digit number that may be a year)."""
    g = c.g
    if g.get("bc") or g.get("jahr") or g.get("mod"):
        return False
    y = g["y"]
    if len(y) != 4 or not (1000 <= int(y) <= 2100):
        return True
    return any(s < c.end and c.start < e for s, e in number_chars())


#: the event a quantity counts from: "nach [der japanischen Kapitulation]", "vor [seinem Tod]",
#: "nach [Kriegsbeginn]", "vor [der Aufnahme der Kampfhandlungen]" (definite or bare, not "einem")
_EVENT_NP_RX = re.compile(
    r"\s+(?!(?:ein|eine|einem|einer|eines|einen)\b)(?:(?:der|dem|seinem|seiner|ihrem|ihrer)\s+)?(?:[a-zäöüß]+(?:en|em|er|e)\s+)*"
    r"[A-ZÄÖÜ][\w-]*[a-zäöüß](?:\s+(?:der|des)\s+(?:[a-zäöüß]+(?:en|e)\s+)*[A-ZÄÖÜ][\w-]*[a-zäöüß])?")
#: a month or day completed by the year of the discourse: "August desselben Jahres"
_SAME_YEAR_RX = re.compile(r"\s+(?:des(?:selben|\s+gleichen|\s+selben)|des\s+(folgenden|darauffolgenden|vorigen))\s+Jahres\b")
_BC_RANGE_AFTER_RX = re.compile(rf"\s*[–/-]\s*\d{{1,4}}\s*{_BC}")
#: expressions resolved against the narrative reference (no year of their own)
_REF_DERIVED = ("month", "day_month", "day_range", "season", "same_day", "relative_unit", "year_end",
                "quantity")
#: an approximation before a date is part of it (mod APPROX); "um" only before years
_APPROX_PREFIX_RX = re.compile(r"\b([Gg]egen|[Ee]twa|[Uu]m|[Cc]irca|ca\.)\s+(?:das\s+)?$")
_APPROX_TARGETS = ("year", "bc_range", "decade", "century", "month", "day_month", "season")
#: anaphoric days that keep their fused article: "am selben Tag", "am Tag darauf"
_ANAPHORIC_DAY_RX = re.compile(r"(?:selben|gleichen|demselben)\s+Tag|Tag\s+(?:darauf|zuvor|davor|danach)")
#: "im Laufe des", "im Verlauf der": part of the TIMEX extent
_LAUFE_RX = re.compile(r"\b(?:Laufe|Verlauf)\s+(?:des|der)\s+$")
_PREP_RX = re.compile(rf"{_PREP}\s+(?:dem\s+|den\s+)?$")


#: the number span values that make it count something: a unit, a counted noun, a qualifier
_COUNTING_VALUES = ("number_unit", "number_what", "number_approx")


def _quantity_chars(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges of the number expressions that count something (a unit, a counted
    noun or a qualifier): a year inside one is a quantity ("1500 Soldaten"). The numbers
    pipe's spans when it ran before (their values read where span._ keeps them, not
    through an Underscore object per span), else the numbers finder's matches."""
    if "numbers" in doc.spans:
        values = _tokens.extension_values(doc, _COUNTING_VALUES)
        return [(s.start_char, s.end_char) for s in doc.spans["numbers"] if values(s) != [None, None, None]]
    return [(doc[m.start].idx, doc[m.end - 1].idx + len(doc[m.end - 1]))
            for m in _numbers.find_numbers(doc)
            if m.unit is not None or m.what is not None or m.approx is not None]


def find_dates(doc: Doc, anchor: str | date | None = None, *, document_type: str = "news",
               lexicon: DateLexicon | None = None) -> Iterator[DateMatch]:
    """Yield the time expressions of ``doc`` in text order; the Doc is left alone.

    Args:
        doc: a German Doc (sentences, morphology used if present).
        anchor: publication date (ISO string or date); default ``doc._.published``.
        document_type: ``"news"`` (relative expressions against the anchor) or
            ``"narrative"`` (against the last date mentioned).
    Yields:
        :class:`DateMatch` records, not overlapping.
    Raises:
        ValueError: for an unknown document_type or an anchor that is not an ISO date.
    """
    if document_type not in ("news", "narrative"):
        raise ValueError(f"document_type must be 'news' or 'narrative', not {document_type!r}")
    if anchor is None and Doc.has_extension("published"):
        anchor = doc._.published
    if isinstance(anchor, str):
        anchor = date.fromisoformat(anchor[:10])
    lex = lexicon or default_lexicon()
    text = _tokens.doc_text(doc)  # the numbers component decoded the words of this Doc
    narrative = document_type == "narrative"
    ref: date | None = anchor  # the discourse reference date
    ref_prec = "D"
    tense_cache: dict[int, str | None] = {}
    sents = _tokens.sentence_bounds(doc) if doc.has_annotation("SENT_START") else [(0, len(doc))]
    token_starts = doc.to_array(IDX).tolist() if len(doc) else [0]
    sent_starts = [token_starts[start] for start, _ in sents]
    cands = _candidates(text)
    tense_table = cache(partial(_TenseTable, doc))  # built at the first tense asked for
    quantity_chars = cache(partial(_quantity_chars, doc))  # read at the first year that may be one

    def tense_at(pos: int) -> str | None:
        """The tense of the sentence at character ``pos``; asked only where it decides a
        value (a day or month without year, a weekday), not for every candidate: most
        (years, quantities, "heute") never need it, and many Docs no tense table at all."""
        k = max(bisect.bisect_right(sent_starts, pos) - 1, 0)
        if k not in tense_cache:
            tense_cache[k] = tense_table().tense(*sents[k], lex)
        return tense_cache[k]

    headings = _heading_lines(text)
    heading_seen: set[int] = set()  # headings whose first date already set the reference

    consumed = 0  # end of the last expression, which may have grown over later candidates
    bc_ref: int | None = None  # narrative: the story is in this year before Christ
    for idx, c in enumerate(cands):
        g = c.g
        if c.start < consumed:
            continue
        ref_year = ref.year if ref is not None else None
        if c.name == "year" and not g.get("bc") and (
                _BC_RANGE_AFTER_RX.match(text, c.end)  # "im Jahr 478/477 v. Chr."
                or (narrative and bc_ref is not None and len(g["y"]) <= 3 and abs(int(g["y"]) - bc_ref) <= 50)):
            g = dict(g, bc="v. Chr.")  # a year near a BC reference is BC too ("Das Jahr 149")
        if c.name == "year" and _is_year_number(c, quantity_chars):
            continue
        # a heading ("Kriegsjahr 1915", "Westfront 1944/1945", "Juni 1941 bis Juni 1944") sets
        # the scene with its first date; later dates in the same heading do not move it
        heading = _heading_at(headings, c.start)
        keep_ref = (ref, ref_prec) if heading is not None and heading in heading_seen else None
        if heading is not None:
            heading_seen.add(heading)
        value: str | None = None
        kind, mod, used_anchor = "date", None, None
        base = anchor if not narrative else ref
        if g.get("mod"):
            mod = MODS.get(g["mod"].lower())
        if g.get("approx"):
            mod = APPROX_MODS.get(g["approx"].lower(), "APPROX")
        name = c.name
        if name in ("numeric", "iso"):
            y = _year_of(g["y"], None, ref)
            try:
                d = date(int(y), int(g["m"]), int(g["d"]))
            except ValueError:
                continue
            value, ref, ref_prec = d.isoformat(), d, "D"
        elif name in ("day_month", "day_range"):
            if name == "day_range":
                nxt = next((n for n in cands[idx + 1:] if n.name == "day_month"), None)
                if nxt is None:
                    continue
                mon, y, bc = MONTHS[nxt.g["mon"].lower()], nxt.g.get("y"), nxt.g.get("bc")
            else:
                mon, y, bc = MONTHS[g["mon"].lower()], g.get("y"), g.get("bc")
            day = int(g["d"])
            if y:
                yv = _year_of(y, bc, ref)
                if isinstance(yv, str):
                    value = f"{yv}-{mon:02d}-{day:02d}"
                else:
                    try:
                        ref, ref_prec = date(yv, mon, day), "D"
                    except ValueError:
                        continue
                    value = ref.isoformat()
            elif base is not None:
                used_anchor = base
                options = []
                for yy in (base.year - 1, base.year, base.year + 1):
                    try:
                        options.append(date(yy, mon, day))
                    except ValueError:
                        pass
                if not options:
                    continue
                same_year = [o for o in options if o.year == base.year]
                # narrative: the year of the reference (the story stays in its year); news: by tense
                d = same_year[0] if narrative and same_year else _pick(options, base, tense_at(c.start))
                value, ref, ref_prec = d.isoformat(), d, "D"
            else:
                value = f"XXXX-{mon:02d}-{day:02d}"
            if g.get("night") and value:  # "in der Nacht vom 16. auf den 17. Juni"
                value += "TNI"
                kind = "time"
            if g.get("todw") and value:
                value += "T" + TIMES_OF_DAY.get(g["todw"].lower().replace("stunden", ""), "MO")
                kind = "time"
        elif name == "month":
            mon = MONTHS[g["mon"].lower()]
            y = g.get("y")
            if y:
                yv = _year_of(*(re.match(r"(\d+)\s*(.*)", y).groups()), ref) if not y.isdigit() \
                    else int(y)
                if isinstance(yv, str):
                    value = f"{yv}-{mon:02d}"
                else:
                    value, ref, ref_prec = f"{yv:04d}-{mon:02d}", date(yv, mon, 1), "M"
            elif g["mon"] == "Mai" and not (g.get("mod") or _month_context(text, c.start)):
                continue  # "Mai" alone is often a name
            elif base is not None:
                used_anchor = base
                if narrative:
                    d = date(base.year, mon, 1)
                else:
                    options = [date(yy, mon, 1) for yy in (base.year - 1, base.year, base.year + 1)]
                    first = base.replace(day=1)
                    d = _pick(options, first, tense_at(c.start))
                value = f"{d.year:04d}-{mon:02d}"
                if narrative:
                    ref, ref_prec = (ref if ref and ref.month == mon and ref.year == d.year else d), "M"
            else:
                value = f"XXXX-{mon:02d}"
        elif name == "season":
            season = g["season"].lower().rstrip("s")
            season = {"herbste": "herbst", "frühjahr": "frühjahr", "frühling": "frühling"}.get(season, season)
            code = SEASONS.get(season) or SEASONS.get(season.rstrip("e"))
            if code is None:
                continue
            if g.get("y"):
                value = f"{int(g['y']):04d}-{code}"
                ref, ref_prec = date(int(g["y"]), 1, 1), "Y"
            elif _prep_before(text, c.start) in ("im", "Im", "diesem", "vergangenen", "kommenden") and base:
                used_anchor = base
                value = f"{base.year:04d}-{code}"
            else:
                continue
        elif name == "year":
            yv = _year_of(g["y"], g.get("bc"), ref)
            if g.get("mod") and g["mod"].lower() in SEASONS:
                value = f"{yv if isinstance(yv, str) else f'{yv:04d}'}-{SEASONS[g['mod'].lower()]}"
                mod = None
            else:
                value = yv if isinstance(yv, str) else f"{yv:04d}"
            # a bare year moves the reference only where it sets the scene ("Im Jahr 1941",
            # "1941 begann", a heading), not in asides ("die Grenze von 1940")
            scene = g.get("jahr") or g.get("mod") or _prep_before(text, c.start) in ("im", "Im", "") \
                or text[max(0, c.start - 1):c.start] in ("\n", "") or _sentence_initial(text, c.start) \
                or heading is not None
            if not isinstance(yv, str) and (scene or not SCENE_ONLY) and not (ref and ref.year == yv):
                ref, ref_prec = date(yv, 1, 1), "Y"
        elif name == "year_tail":
            first = int(text[c.start - 5:c.start - 1])
            y = first // 100 * 100 + int(g["yy"])
            if y <= first:
                y += 100
            if not (1000 <= first <= 2100 and y - first <= 20):
                continue
            value = f"{y:04d}"
            prev = cands[idx - 1] if idx else None
            if prev is not None and prev.name == "year" and prev.end == c.start - 1 \
                    and (prev.g.get("mod") or "").lower() in SEASONS:
                value += "-" + SEASONS[prev.g["mod"].lower()]
        elif name == "bc_range":
            value = f"BC{int(g['y']):04d}"
        elif name == "decade":
            dec = g["dec"]
            value = (dec[:3] if len(dec) == 4 else "19" + dec[0])
        elif name == "century":
            n = int(g["c"])
            value = f"BC{n - 1:02d}" if g.get("bc") else f"{n - 1:02d}"
        elif name in ("time", "midnight"):
            kind = "time"
            if name == "midnight":
                hh, mm = 24, 0
            else:
                hh, mm = int(g["h"]), int(g.get("mi") or g.get("mi2") or 0)
                if hh > 24 or mm > 59:
                    continue
            day = ref if (ref is not None and ref_prec == "D") else base
            if day is not None:
                used_anchor = day
                value = f"{day.isoformat()}T{hh:02d}:{mm:02d}"
            else:
                value = f"T{hh:02d}:{mm:02d}"
        elif name == "today":
            w = g["w"].lower()
            offset = {"heute": 0, "gestern": -1, "vorgestern": -2, "morgen": 1, "übermorgen": 2}[w]
            if narrative and w == "heute":
                value = "PRESENT_REF"
            elif anchor is not None:
                d = anchor + timedelta(days=offset)
                used_anchor = anchor
                value = d.isoformat()
                if g.get("tod"):
                    value += "T" + TIMES_OF_DAY[g["tod"]]
                    kind = "time"
        elif name == "now":
            w = g["w"].lower()
            if w == "bald":
                value = "FUTURE_REF"
            elif narrative or anchor is None:
                value = "PRESENT_REF"
            else:
                value, used_anchor = anchor.isoformat(), anchor
        elif name == "same_day":
            day = ref if ref is not None else anchor
            if day is not None:
                used_anchor = day
                w = text[c.start:c.end].lower()
                value = f"{day.year - 1:04d}" if w.startswith("vorjahr") else _iso(day, ref_prec if day is ref else "D")
        elif name == "vague_ref":
            w = g["w"].lower()
            value = "FUTURE_REF" if w.split()[-1] in ("später", "danach", "darauf") else "PAST_REF"
        elif name == "vortag":
            w = g["w"].lower()
            day = ref if (ref is not None and ref_prec == "D") else anchor
            if day is not None:
                d = day + timedelta(days=-1 if w in ("vortag", "vorabend", "tag zuvor", "tag davor") else 1)
                value, used_anchor = d.isoformat(), day
        elif name == "weekday":
            wd = WEEKDAYS[g["wd"].lower()]
            rel = (g.get("rel") or "").lower()
            direction = {"vergangenen": "past_strict", "vergangene": "past_strict", "letzten": "past_strict",
                         "letzte": "past_strict", "vorigen": "past_strict", "kommenden": "future_strict",
                         "kommende": "future_strict", "nächsten": "future_strict", "nächste": "future_strict",
                         }.get(rel) or tense_at(c.start)
            day = anchor if not narrative else (ref if ref is not None and ref_prec == "D" else None)
            if day is not None:
                d = _weekday(day, wd, direction)
                used_anchor = day
                value = d.isoformat()
                if g.get("tod"):
                    value += "T" + TIMES_OF_DAY[g["tod"]]
                    kind = "time"
            else:
                value = f"XXXX-WXX-{wd}"
        elif name == "weekday_set":
            kind = "set"
            w = (g.get("wd") or g.get("wds") or "").lower().rstrip("s")
            value = f"XXXX-WXX-{WEEKDAYS.get(w, WEEKDAYS.get(w + 's', 0))}"
        elif name == "set":
            kind = "set"
            u = (g.get("u") or "").lower()
            adv = (g.get("adv") or "").lower()
            code = {"tag": "D", "woche": "W", "monat": "M", "jahr": "Y", "täglich": "D",
                    "wöchentlich": "W", "monatlich": "M", "jährlich": "Y", "alljährlich": "Y"}[u or adv]
            value = f"P1{code}"
        elif name == "relative_unit":
            rel = g["rel"].lower()
            rel = rel if rel in ("diesem", "dieses") else rel.rstrip("nsr")
            u = g["u"].lower().rstrip("s")
            u = {"jahre": "jahr", "monat": "monat", "woche": "woche", "wochenende": "wochenende"}.get(u, u)
            step = {"vergangene": -1, "letzte": -1, "vorige": -1, "kommende": 1, "nächste": 1,
                    "diese": 0, "dieses": 0, "diesem": 0, "laufende": 0, "selbe": 0, "gleiche": 0, "folgende": 1, "neue": 1}.get(rel)
            discourse = rel in ("selbe", "gleiche", "folgende", "neue", "diesem", "dieses")
            day = (ref if discourse else anchor) if not narrative else ref
            if step is None or day is None:
                value = None
            else:
                used_anchor = day
                if u == "jahr":
                    value = f"{day.year + step:04d}"
                elif u == "monat":
                    value = _iso(day + relativedelta(months=step), "M")
                elif u == "woche":
                    iso = (day + timedelta(weeks=step)).isocalendar()
                    value = f"{iso[0]:04d}-W{iso[1]:02d}"
                else:
                    iso = (day + timedelta(weeks=step)).isocalendar()
                    value = f"{iso[0]:04d}-W{iso[1]:02d}-WE"
        elif name == "year_end":
            w = g["w"].lower()
            day = ref if narrative or anchor is None else anchor
            mod = "END" if w.endswith("ende") else ("MID" if "mitte" in w else "START")
            if day is not None:
                used_anchor = day
                value = f"{day.year:04d}" if w.startswith("jahres") else _iso(day, "M")
        elif name == "quantity":
            n = _num(g["n"])
            unit = UNITS[g["u"].lower()]
            if g["n"].isdigit() and int(g["n"]) > 1000:
                continue
            pre, post = (g.get("pre") or "").lower(), (g.get("post") or "").lower()
            if g.get("approx") and not mod:
                mod = APPROX_MODS.get(g["approx"].lower())
            sign = 0
            if post in ("später", "danach") or pre == "nach" and post != "nach":
                sign = 1
            elif post in ("zuvor", "davor", "früher"):
                sign = -1
            elif pre == "vor" and post != "nach":
                sign = -1
            if pre == "nach" and g.get("approx") and not post:
                sign = 0  # "nach fast drei Jahren", "nach etwa zwanzig Tagen": elapsed time
            if sign and n is None:
                value = "FUTURE_REF" if sign > 0 else "PAST_REF"  # "wenige Tage später"
            elif sign and n is not None and unit in ("D", "W", "M", "Y", "DE"):
                day = ref if (sign and (post or pre == "nach" or narrative)) else anchor
                if pre == "vor" and not narrative:
                    day = anchor
                if day is None:
                    value = None
                else:
                    d = _shift(day, n, unit, sign)
                    used_anchor = day
                    prec = "Y" if unit in ("Y", "DE") else (ref_prec if day is ref else "D")
                    value = _iso(d, prec) if d else None
            else:
                kind = "duration"
                value = _duration(n, unit)
        elif name == "vague_duration":
            kind = "duration"
            adv = (g.get("adv") or "").lower()
            if adv:
                unit = {"jahr": "Y", "mona": "M", "woch": "W", "tage": "D", "stun": "H", "jahrz": "DE"}
                key = "jahrz" if adv.startswith("jahrz") else adv[:4]
                value = _duration(None, unit.get(key, "Y"))
            else:
                if not g.get("pre"):
                    continue
                value = _duration(None, UNITS[g["u"].lower()])
        if value is None and kind == "date" and name in ("year", "decade", "century"):
            continue
        start, end = c.start, c.end
        if name == "vague_duration" and g.get("pre"):
            start = c.start + len(g["pre"]) + 1
        if name == "quantity":
            post = g.get("post") or ""
            if g.get("pre") and g.get("approx") and kind == "duration":
                start = c.start + text[c.start:].index(g["approx"])  # "nach [fast drei Jahren]"
            if post == "lang":
                end = c.end - len(" lang")  # a postposition, like a preposition not in the span
            elif post in ("nach", "vor"):
                np_ = _EVENT_NP_RX.match(text, c.end)
                # "zwei Wochen nach Kriegsbeginn", "zwei Tage nach der Bombardierung"; else the
                # preposition stays out: "15 Tage [nach einem Angriff]"
                end = np_.end() if np_ else c.end - len(post) - 1
        if name in ("month", "day_month") and value and not g.get("y") and value[:1].isdigit():
            same = _SAME_YEAR_RX.match(text, end)
            if same:  # "im August desselben Jahres", "am 8. Mai des folgenden Jahres"
                end = same.end()
                shift = {"folgenden": 1, "darauffolgenden": 1, "vorigen": -1}.get(same.group(1), 0)
                value = f"{int(value[:4]) + shift:04d}" + value[4:]
        approx = _APPROX_PREFIX_RX.search(text, max(0, start - 15), start)
        if approx and kind == "date" and value and name in _APPROX_TARGETS \
                and (approx.group(1).lower() != "um" or name in ("year", "bc_range", "decade", "century")):
            start = approx.start()  # "[gegen Ende September]", "[etwa 1945]", "[Um das Jahr 500 v. Chr.]"
            mod = mod or "APPROX"
        if name in ("same_day", "vortag") and _ANAPHORIC_DAY_RX.match(text[start:end]) \
                and text[max(0, start - 3):start] in ("am ", "Am "):
            start -= 3  # "am selben Tag", "am Tag darauf": the fused article belongs to the phrase
        lauf = _LAUFE_RX.search(text, max(0, start - 30), start)
        if lauf and kind == "date":
            start = lauf.start()  # "im [Laufe des 18. Jahrhunderts]", "im [Verlauf des 18. August]"
        if keep_ref is not None:
            ref, ref_prec = keep_ref
        consumed = end
        if narrative and value and kind == "date":
            if value.startswith("BC") and name in ("year", "month", "day_month", "day_range"):
                bc_ref = int(value[2:6]) if len(value) >= 6 else bc_ref
            elif bc_ref is not None and name in _REF_DERIVED and ref_year is not None \
                    and value[:4].isdigit() and abs(int(value[:4]) - ref_year) <= 10:
                # resolved against the (AD) reference while the story is BC: count back from bc_ref
                value = f"BC{bc_ref - (int(value[:4]) - ref_year):04d}" + value[4:]
            elif value[:4].isdigit() and name in ("year", "numeric", "iso") or (
                    name in ("month", "day_month") and g.get("y")):
                bc_ref = None
        pm = _PREP_RX.search(text, max(0, start - 20), start)
        yield DateMatch(start, end, text[start:end], value, kind,
                        used_anchor.isoformat() if used_anchor else None, mod,
                        pm.start() if pm else None)


_LINE_RX = re.compile(r"[^\n]+")


def _heading_lines(text: str) -> list[tuple[int, int]]:
    """Character ranges of heading lines: short lines without closing punctuation that
    stand alone between blank lines (or at the start/end of the text)."""
    out = []
    for m in _LINE_RX.finditer(text):
        line = m.group().strip()
        if not line or len(line) > 120 or line[-1] in ".!?:;,“\"»«„":
            continue
        before = text[max(0, m.start() - 2):m.start()]
        after = text[m.end():m.end() + 2]
        if (m.start() == 0 or before == "\n\n") or (m.end() == len(text) or after == "\n\n"):
            out.append((m.start(), m.end()))
    return out


def _heading_at(headings: list[tuple[int, int]], pos: int) -> int | None:
    k = bisect.bisect_right(headings, (pos, len(headings) and 1 << 62)) - 1
    if k >= 0 and headings[k][0] <= pos < headings[k][1]:
        return k
    return None


def _prep_before(text: str, pos: int) -> str:
    m = re.search(r"(\S+)\s+$", text[max(0, pos - 20):pos])
    return m.group(1) if m else ""


def _sentence_initial(text: str, pos: int) -> bool:
    before = text[max(0, pos - 3):pos].rstrip()
    return before == "" or before[-1:] in ".!?\n"


def _month_context(text: str, pos: int) -> bool:
    return _prep_before(text, pos) in ("im", "Im", "Anfang", "Mitte", "Ende", "seit", "bis", "ab",
                                       "zum", "Seit", "Bis", "Ab", "vom", "und", "/", "des", "den")


# -- the spaCy component


#: Label of every date span.
SPAN_LABEL = "DATE"


#: tokens that hold two time expressions and may be split at a match boundary: year and
#: day ranges written as one token ("1940–1943", "1926–28", "264–260", "27./28.") and a
#: truncated compound ("Juli- und Augustmonate")
_RANGE_TOKEN = re.compile(r"\d{1,4}\.?[–/-]\d{1,4}\.?|[^\W\d_]+-")


def _split_range_tokens(doc: Doc, matches: list[DateMatch], aligned: list[Span | None]) -> bool:
    """Split range tokens where a time expression starts or ends inside them; whether
    the Doc was retokenized. ``aligned``: each match's span, None where one of its ends
    falls inside a token.

    spaCy spans cannot start inside a token, and the tokenizer keeps "1940–1943" whole,
    so a year range would otherwise become one span with one value. Span groups already
    on the Doc (numbers, ...) are rebuilt from their character offsets afterwards; their
    ``Span._`` values are keyed by character offsets and stay.
    """
    # most documents have no boundary inside a token, and reading every token's offset
    # is the expensive part
    if all(aligned):
        return False
    starts = doc.to_array(IDX).tolist()
    cuts: dict[int, set[int]] = {}
    for m in matches:
        for pos in (m.start_char, m.end_char):
            k = bisect.bisect_right(starts, pos) - 1
            if k < 0:
                continue
            tok = doc[k]
            if tok.idx < pos < tok.idx + len(tok.text) and _RANGE_TOKEN.fullmatch(tok.text):
                cuts.setdefault(k, set()).add(pos - tok.idx)
    if not cuts:
        return False
    groups = {key: [(s.start_char, s.end_char, s.label, s.kb_id, s.id) for s in group]
              for key, group in doc.spans.items()}
    with doc.retokenize() as retokenizer:
        for k, offsets in cuts.items():
            tok = doc[k]
            pieces, last = [], 0
            for off in sorted(offsets):
                pieces.append(tok.text[last:off])
                last = off
            pieces.append(tok.text[last:])
            # a separator at the start of a piece is a token of its own ("–1943" -> "–", "1943")
            orths = []
            for piece in pieces:
                if len(piece) > 1 and piece[0] in "–/-":
                    orths.extend([piece[0], piece[1:]])
                elif len(piece) > 1 and piece[-1] in "–/-":
                    orths.extend([piece[:-1], piece[-1]])
                else:
                    orths.append(piece)
            head = tok.head if tok.head.i != tok.i else (tok, 0)
            retokenizer.split(tok, orths, heads=[head] + [(tok, 0)] * (len(orths) - 1))
    for key, spans in groups.items():
        rebuilt = [doc.char_span(s, e, label=label, kb_id=kb, span_id=sid) for s, e, label, kb, sid in spans]
        doc.spans[key] = [sp for sp in rebuilt if sp is not None]
    return True


def _register_extensions() -> None:
    for name in SPAN_EXTENSIONS:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


_register_extensions()


def dates_score(examples: Iterable[Example], spans_key: str = "dates", **kwargs) -> dict:
    """Exact-span precision/recall/F1 of ``doc.spans[spans_key]``."""
    return Scorer.score_spans(examples, attr=f"spans_{spans_key}", allow_overlap=True,
                              labeled=False, **kwargs)


@util.registry.scorers("meldung.dates_scorer.v1")
def make_dates_scorer() -> Callable:
    return dates_score


@Language.factory(
    "meldung_dates",
    requires=["doc.sents"],
    assigns=["doc.spans", "span._.date_value", "span._.date_kind", "span._.date_anchor", "span._.date_mod"],
    default_config={"spans_key": "dates", "overwrite": True, "document_type": "news",
                    "with_preposition": False, "scorer": {"@scorers": "meldung.dates_scorer.v1"}},
    default_score_weights={"spans_dates_f": 1.0, "spans_dates_p": 0.0, "spans_dates_r": 0.0},
)
def make_dates(nlp: Language, name: str, spans_key: str, overwrite: bool, document_type: str,
               with_preposition: bool, scorer: Callable | None) -> "DateTagger":
    return DateTagger(nlp, name, spans_key=spans_key, overwrite=overwrite,
                      document_type=document_type, with_preposition=with_preposition, scorer=scorer)


class DateTagger(Pipe):
    """Write time expressions to ``doc.spans[spans_key]`` with TIMEX3 values."""

    def __init__(self, nlp: Language, name: str = "meldung_dates", *, spans_key: str = "dates",
                 overwrite: bool = True, document_type: str = "news", with_preposition: bool = False,
                 scorer: Callable | None = dates_score) -> None:
        if document_type not in ("news", "narrative"):
            raise ValueError(f"document_type must be 'news' or 'narrative', not {document_type!r}")
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.overwrite = overwrite
        self.document_type = document_type
        self.with_preposition = with_preposition
        self.scorer = scorer
        self.lexicon: DateLexicon | None = None

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, data_dir: str | Path | None = None) -> None:
        """Load the tense lexicons from ``data_dir`` (default: ``pipeline/data/dates``)."""
        self.lexicon = DateLexicon.from_dir(data_dir) if data_dir else default_lexicon()

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            anchor = doc._.published if Doc.has_extension("published") else None
            try:
                matches = list(find_dates(doc, anchor, document_type=self.document_type,
                                          lexicon=self.lexicon or default_lexicon()))
            except (ValueError, OverflowError) as err:  # a malformed publication date, or one so
                # near the year 9999 that "next Monday" is past it: resolve nothing relative
                if Doc.has_extension("meldung_errors"):
                    if doc._.meldung_errors is None:
                        doc._.meldung_errors = []
                    doc._.meldung_errors.append(["dates", f"bad publication date {anchor!r}: {err}"])
                doc._.published = None
                matches = list(find_dates(doc, None, document_type=self.document_type,
                                          lexicon=self.lexicon or default_lexicon()))
            self.set_annotations(doc, matches)
            return doc
        except Exception as e:  # noqa: BLE001 - the error handler decides
            error_handler(self.name, self, [doc], e)

    def set_annotations(self, doc: Doc, matches: list[DateMatch]) -> None:
        # each match's span where both its ends are token boundaries (most are): the
        # range-token test and the annotation ask for the same span
        aligned = [doc.char_span(m.start_char, m.end_char, label=SPAN_LABEL) for m in matches]
        if _split_range_tokens(doc, matches, aligned):
            aligned = [None] * len(matches)
        spans = []
        # the values stored where span._ keeps them, without an Underscore object per span
        set_values = _tokens.extension_writer(doc, SPAN_EXTENSIONS)
        for m, span in zip(matches, aligned):
            start = m.prep_start if (self.with_preposition and m.prep_start is not None) else m.start_char
            if span is None or start != m.start_char:
                span = doc.char_span(start, m.end_char, label=SPAN_LABEL, alignment_mode="contract")
            if span is None or not len(span):
                span = doc.char_span(start, m.end_char, label=SPAN_LABEL, alignment_mode="expand")
            if span is None or not len(span):
                continue
            set_values(span, (m.value, m.kind, m.anchor, m.mod))
            spans.append(span)
        if self.overwrite or self.spans_key not in doc.spans:
            doc.spans[self.spans_key] = spans
        else:
            doc.spans[self.spans_key].extend(spans)

    def score(self, examples: Iterable[Example], **kwargs) -> dict:
        return dates_score(examples, spans_key=self.spans_key, **kwargs)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = util.ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        (self.lexicon or default_lexicon()).to_dir(path / "lexicon")
        srsly.write_json(path / "cfg", {"spans_key": self.spans_key, "overwrite": self.overwrite,
                                        "document_type": self.document_type,
                                        "with_preposition": self.with_preposition})

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "DateTagger":
        path = util.ensure_path(path)
        if (path / "lexicon").exists():
            self.lexicon = DateLexicon.from_dir(path / "lexicon")
        if (path / "cfg").exists():
            cfg = json.loads((path / "cfg").read_text(encoding="utf-8"))
            for key in ("spans_key", "overwrite", "document_type", "with_preposition"):
                setattr(self, key, cfg.get(key, getattr(self, key)))
        return self
