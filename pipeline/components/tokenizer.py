"""Tokenizer rules for German agency copy.

spaCy's German tokenizer already splits „…“ »…« ‚…‘ quotes, keeps ``z.B.``,
``Dr.``, ``36.000`` and ``3,5`` whole and keeps hyphen compounds such as
``Kreml-Sprecher`` together. :func:`customize_tokenizer` adds what agency copy
needs on top of that:

- gender forms ``Bürger:innen`` / ``Bürger*innen`` / ``Bürger_innen`` stay one
  token (the default splits at ``:``);
- more abbreviations that end a word with a full stop (``Mio.``, ``Mrd.``,
  ``Tsd.``, ``Abg.``, ``Std.``, ``ggf.``, ``inkl.``, ``zzgl.``, ...) stay whole;
- ordinal dates: ``2.`` before a month name is one token (``am 2. März``) —
  already the default, kept by the tests — but a full stop after a year or a
  long number is split off (``im Jahr 1990.`` -> ``1990`` ``.``);
- agency signatures ``(afp/so)`` split into ``(``, ``afp``, ``/``, ``so``, ``)``
  and datelines ``Berlin (dpa) -`` into ``Berlin``, ``(``, ``dpa``, ``)``, ``-``.

The function changes the tokenizer in place, is idempotent, and works on any
German pipeline (``spacy.blank("de")``, ``de_core_news_sm``, meldung's own).
The rules are plain regular expressions and special cases, so they are saved
with the pipeline (``nlp.to_disk``) and load without meldung installed.

In a training config the same rules are applied by the registered callback::

    [initialize.before_init]
    @callbacks = "meldung.german_tokenizer.v1"
"""

from __future__ import annotations

import re
from typing import Callable

import spacy
from spacy.language import Language
from spacy.symbols import NORM, ORTH
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

#: Gender forms kept as one token: Bürger*innen, Lehrer:in, Student_innen, Kolleg*innen.
GENDER_PATTERN = r"[^\W\d_][^\W\d_]*(?:[*:_][Ii]n(?:nen)?)"
#: The full token_match pattern meldung adds (anchored at both ends).
TOKEN_MATCH_PATTERN = rf"(?:{GENDER_PATTERN})\Z"

#: Suffix rules meldung adds: a full stop after a year or a long number ends the
#: sentence (``im Jahr 1990.``, ``rund 36.000.``); spaCy's German rules keep every
#: ``<digits>.`` whole as an ordinal. Ordinals of up to three digits stay whole
#: (``am 2. März``, ``zum 100. Geburtstag``).
EXTRA_SUFFIXES: tuple[str, ...] = (r"(?<=[0-9]{4})\.", r"(?<=[.,][0-9]{3})\.", r"(?<=,[0-9])\.", r"(?<=,[0-9]{2})\.")

#: Abbreviations with a final full stop that must not be split off. spaCy's
#: German exceptions already cover many (z.B., Dr., Prof., bzw., Nr., ca., u.a.,
#: etc.); adding them again is harmless and keeps the list self-contained.
ABBREVIATIONS: tuple[str, ...] = (
    "Abg.", "Abk.", "Abs.", "Abt.", "allg.", "Anm.", "Aufl.", "Bd.", "Bde.",
    "bspw.", "bzgl.", "bzw.", "ca.", "Chr.", "d.h.", "d.J.", "d.M.", "Dipl.", "Dir.",
    "Dr.", "dt.", "ebd.", "eigtl.", "einschl.", "entspr.", "erg.", "etc.",
    "ev.", "evtl.", "exkl.", "Fa.", "Fam.", "ff.", "Fr.", "gem.", "Gebr.", "gegr.",
    "ggf.", "ggü.", "Hbf.", "Hr.", "Hrn.", "Hrsg.", "i.A.", "i.d.R.", "i.e.", "inkl.",
    "Ing.", "insb.", "Inh.", "Jh.", "Jhd.", "jr.", "Jr.", "jun.", "kath.", "Kap.",
    "Kfm.", "kgl.", "lt.", "max.", "Mio.", "Mrd.", "Mill.", "min.", "Mrz.",
    "n.Chr.", "Nr.", "Nrn.", "o.ä.", "o.Ä.", "o.g.", "Pf.", "Pfd.", "Pkt.", "Prof.",
    "Red.", "rd.", "resp.", "S.", "s.o.", "s.u.", "sen.", "sog.", "St.",
    "Std.", "Str.", "Tel.", "Tsd.", "u.a.", "u.ä.", "u.Ä.", "u.a.m.", "u.U.", "urspr.",
    "usw.", "v.a.", "v.Chr.", "Verf.", "vgl.", "Vors.", "vs.", "z.B.", "z.T.", "z.Zt.",
    "zit.", "zzgl.", "zz.", "zzt.", "Jan.", "Feb.", "Febr.", "Apr.", "Aug.", "Sept.",
    "Sep.", "Okt.", "Nov.", "Dez.",
)


def _token_match_with(current: Callable | None) -> Callable:
    """meldung's token_match, combined with an existing one (de_core_news_sm may have one)."""
    if current is None:
        pattern = TOKEN_MATCH_PATTERN
    else:
        old = getattr(getattr(current, "__self__", None), "pattern", None)
        if old is None:  # an opaque callable: cannot be combined and saved, keep it
            return current
        if TOKEN_MATCH_PATTERN in old:
            return current
        pattern = f"(?:{TOKEN_MATCH_PATTERN})|(?:{old})"
    return re.compile(pattern).match


def _suffix_search_with(current: Callable | None) -> Callable | None:
    """The tokenizer's suffix search with :data:`EXTRA_SUFFIXES` appended (once)."""
    old = getattr(getattr(current, "__self__", None), "pattern", None)
    if old is None:
        return current
    extra = "|".join(f"{p}$" for p in EXTRA_SUFFIXES)
    if extra in old:
        return current
    return re.compile(f"{old}|{extra}").search


def customize_tokenizer(nlp: Language) -> Language:
    """Apply meldung's German agency-copy rules to ``nlp.tokenizer`` in place.

    Idempotent: calling it twice gives the same tokenizer. Returns ``nlp``.

    A tokenizer that already has the rules (the bundled model saves them) is left
    alone: setting a property of spaCy's tokenizer empties its cache, but the cache's
    map (preshed) keeps counting deleted entries, and spaCy stops caching once that
    count reaches ``max_cache_size``. A tokenizer emptied after it had cached 10,000
    words never caches again (400 benchmark reports, second pass over the same texts:
    0.16 -> 0.58 CPU s). Where a rule is added, the cache is built anew at the end.
    """
    tokenizer = nlp.tokenizer
    token_match = _token_match_with(tokenizer.token_match)
    suffix_search = _suffix_search_with(tokenizer.suffix_search)
    rules = tokenizer.rules or {}
    missing = [abbr for abbr in ABBREVIATIONS if abbr not in rules]
    if token_match is tokenizer.token_match and suffix_search is tokenizer.suffix_search and not missing:
        return nlp
    tokenizer.token_match = token_match
    tokenizer.suffix_search = suffix_search
    for abbr in missing:
        tokenizer.add_special_case(abbr, [{ORTH: abbr, NORM: abbr}])
    tokenizer.rules = dict(tokenizer.rules)  # new, empty cache and special-case maps
    return nlp


def tokenizer_copy(nlp: Language) -> Callable[[str], Doc]:
    """A tokenizer with the same rules as ``nlp.tokenizer`` and a cache of its own, for
    tokenising lexicon entries at load time: spaCy's tokenizer caches at most
    ``max_cache_size`` (10,000) words, and 7,000 gazetteer names tokenised with the
    pipeline's own tokenizer filled that cache before any text was read (tokenising
    1,000 benchmark reports then took 2.3 instead of 1.4 CPU s)."""
    tokenizer = nlp.tokenizer
    if not isinstance(tokenizer, Tokenizer):
        return tokenizer
    return Tokenizer(nlp.vocab).from_bytes(tokenizer.to_bytes(exclude=["vocab"]))


@spacy.registry.callbacks("meldung.german_tokenizer.v1")
def create_german_tokenizer_callback() -> Callable[[Language], Language]:
    """Config callback (``[initialize.before_init]`` or ``[nlp.after_creation]``)."""
    return customize_tokenizer
