"""Quotations in German news prose: who said what, direct, indirect and mixed.

``meldung_quotes`` finds reported speech and writes it to ``doc.spans["quotes"]``,
one span per quotation, the span being the **message** (the quoted words, not
the reporting clause). For direct speech the span **includes the quotation
marks** (as the Wikinews gold data does); a quotation split around its reporting
clause („Wir werden …“, sagte Erdogan, „… ergreifen.“) is one span from the first
opening to the last closing mark. Each span carries (values str/int/None only):

- ``quote_kind``: ``direct`` (in quotation marks, or a headline "Erdogan: ..."),
  ``indirect`` (reported, mostly Konjunktiv, or with a source phrase such as
  "laut ...", "nach Angaben ...", "... zufolge", ", so X"), ``mixed`` (indirect
  speech that embeds a literal quoted phrase: Frankreich sei „ein
  unverzichtbarer Partner“, sagte ...).
- ``quote_speaker`` (canonical name), ``quote_speaker_entity`` (entity id of
  the mentions table), ``quote_speaker_text`` / ``_start`` / ``_end`` (the
  speaker as written, character offsets). A pronoun ("er", "sie") or a
  description ("der Kreml-Sprecher") resolves to the nearest preceding
  compatible person; a quote with no reporting clause that continues an
  earlier one (a Konjunktiv sentence, a paragraph in quotation marks) gets the
  earlier quote's speaker, offsets included.
- ``quote_cue`` / ``_start`` / ``_end``: the reporting verb or phrase as
  written, words joined by a space ("teilte mit", "nach Angaben"); the offsets
  run from its first to its last word.

Speakers resolve against ``doc.spans["mentions"]`` (``mention_entity``,
``mention_canonical``) when the entities resolver ran, else against
``doc.ents`` (entity ids numbered as ``pipeline.tables.rows`` numbers them),
else by a capitalised-name heuristic (the longest earlier name ending in the
same surname, role nouns from ``roles.txt`` stripped).

:func:`find_quotes` is the plain generator (records in text order, the Doc left
alone); the factory wraps it. ``Doc._.quotes`` returns the records of the spans
on the Doc. The lexicons (reporting verbs, source phrases, Konjunktiv forms,
role nouns) are the files in ``pipeline/data/quotes/`` (see its README).

What it does **not** do: "Reported" speech without a complement clause ("Er
kritisierte die Entscheidung") and free indirect speech in the indicative are
not quotes here; quotations in the text of other quotations are not separate
rows (a mixed quote's literal part is part of its row); the speaker of a quote
whose reporting clause is in a different paragraph is only found when it is
the previous quote's speaker. Like textacy's ``direct_quotations`` the
quotation-mark reading is character based: an opening mark that never closes
runs to the end of its paragraph, never further.

Konjunktiv: ``token.morph.get("Mood") == ["Sub"]`` where the pipeline has a
morphologizer, and always the word list ``konjunktiv.txt`` plus "er/sie/es/man
+ a form in -e" (``er erwarte``), so it works on weak or blank pipelines.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, compress, repeat
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple, Sequence

import numpy
import srsly
from spacy import util
from spacy.attrs import DEP, IDX, IS_PUNCT, IS_SPACE, LEMMA, MORPH, ORTH, POS, SENT_START, SPACY
from spacy.language import Language
from spacy.parts_of_speech import NAMES as POS_NAMES
from spacy.pipeline import Pipe
from spacy.scorer import Scorer
from spacy.strings import get_string_id
from spacy.symbols import AUX, VERB
from spacy.tokens import Doc, Span, Token
from spacy.training import Example

from . import _tokens

__all__ = [
    "DATA_DIR", "Quote", "QuoteLexicon", "QuoteTagger", "find_quotes", "find_quotation_marks",
    "is_subjunctive", "make_quotes", "SPAN_EXTENSIONS",
]

#: the package's own lexicons
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "quotes"
#: Span extensions this component writes (the extra columns of the quotes table)
SPAN_EXTENSIONS = ("quote_kind", "quote_speaker", "quote_speaker_entity", "quote_speaker_text",
                   "quote_speaker_start", "quote_speaker_end", "quote_cue", "quote_cue_start",
                   "quote_cue_end")
#: Label of every quote span.
SPAN_LABEL = "QUOTE"


class Quote(NamedTuple):
    """A quotation; offsets are character offsets into the document text (as in the table)."""

    start: int
    end: int
    text: str
    kind: str  # direct / indirect / mixed
    speaker: str | None
    speaker_entity: int | None
    speaker_text: str | None
    speaker_start: int | None
    speaker_end: int | None
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    #: the message without an inserted reporting clause: ((start, end), ...) char ranges
    parts: tuple[tuple[int, int], ...] = ()
    #: the cue's words as char ranges ("teilte ... mit" is two)
    cue_parts: tuple[tuple[int, int], ...] = ()
    #: literal quoted parts inside an indirect message (mixed quotes), char ranges
    literal: tuple[tuple[int, int], ...] = ()


# -- lexicons

def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [ln.rstrip("\n") for ln in path.read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")]


_INSEPARABLE = ("be", "er", "ver", "ent", "zer", "ge", "miss", "emp", "hinter", "über", "unter",
                "wider")


def weak_forms(lemma: str) -> set[str]:
    """Finite and participle forms of a weak verb: sagen -> sagt, sagte, sagten, gesagt, ...

    >>> sorted(weak_forms("erklären"))[:3]
    ['erkläre', 'erklären', 'erklärt']
    """
    stem = lemma[:-2] if lemma.endswith("en") else lemma[:-1]
    e = "e" if re.search(r"(t|d|chn|ffn|gn)$", stem) else ""
    forms = {stem + "e", lemma, stem + e + "t", stem + e + "te", stem + e + "ten", stem + e + "test"}
    if lemma.endswith("ieren") or lemma.startswith(_INSEPARABLE):
        forms.add(stem + e + "t")
    else:
        forms.add("ge" + stem + e + "t")
    return forms


@dataclass
class QuoteLexicon:
    """Reporting verbs, source phrases, Konjunktiv forms and role nouns."""

    #: form (lower case) -> (lemma, strength, particle or "")
    verbs: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    #: phrase tokens (lower case) -> position of the source ("after", "before", "none")
    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)
    konjunktiv: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    role_suffixes: tuple[str, ...] = ()
    texts: dict[str, str] = field(default_factory=dict)

    source_nouns: set[str] = field(default_factory=set)
    #: form (lower case) -> every particle verb it is a form of ("gab": angeben, zugeben, ...)
    particle_verbs: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)

    #: words that open a main clause without being its subject, time nouns among them
    not_speakers: set[str] = field(default_factory=set)

    #: nouns that report speech before a content clause ("vertritt die Ansicht, dass")
    cue_nouns: set[str] = field(default_factory=set)

    #: first words of the source phrases, and "nach" ("nach Angaben"): a quick test before
    #: the phrase lookup
    phrase_starts: frozenset[str] = frozenset()

    FILES = ("cue_verbs.tsv", "cue_phrases.tsv", "konjunktiv.txt", "roles.txt", "source_nouns.txt",
             "not_speakers.txt", "cue_nouns.txt")

    @classmethod
    def from_dir(cls, path: str | Path) -> "QuoteLexicon":
        path = Path(path)
        texts = {name: (path / name).read_text(encoding="utf-8") if (path / name).exists() else ""
                 for name in cls.FILES}
        return cls.from_texts(texts)

    @classmethod
    def from_texts(cls, texts: dict[str, str]) -> "QuoteLexicon":
        lex = cls(texts=dict(texts))

        def rows(name: str) -> list[str]:
            return [ln for ln in texts.get(name, "").splitlines()
                    if ln.strip() and not ln.startswith("#")]

        for line in rows("cue_verbs.tsv"):
            cols = line.split("\t") + ["", "", ""]
            lemma, strength, particle, extra = cols[0], cols[1] or "speech", cols[2], cols[3]
            base = lemma[len(particle):] if particle and lemma.startswith(particle) else lemma
            forms = {f.strip() for f in extra.split(",") if f.strip()} or weak_forms(base)
            if extra:
                forms |= {base}
            for form in forms:
                lex.verbs.setdefault(form.lower(), (lemma, strength, particle))
                if particle:  # "gab" is angeben, bekanntgeben, zugeben: all are tried
                    lex.particle_verbs.setdefault(form.lower(), []).append(
                        (lemma, strength, particle))
                if particle:  # joined forms: mitteilte, mitgeteilt, mitzuteilen
                    lex.verbs.setdefault((particle + form).lower(), (lemma, strength, ""))
            if particle:
                lex.verbs.setdefault(lemma.lower(), (lemma, strength, ""))
        for line in rows("cue_phrases.tsv"):
            phrase, _, where = line.partition("\t")
            lex.phrases[tuple(phrase.split())] = where.strip() or "after"
        lex.phrase_starts = frozenset({p[0] for p in lex.phrases} | {"nach"})
        lex.konjunktiv = {ln.strip().lower() for ln in rows("konjunktiv.txt")}
        lex.source_nouns = {ln.strip() for ln in rows("source_nouns.txt")}
        lex.not_speakers = {ln.strip() for ln in rows("not_speakers.txt")}
        lex.cue_nouns = {ln.strip() for ln in rows("cue_nouns.txt")}
        roles = [ln.strip() for ln in rows("roles.txt")]
        lex.roles = {r for r in roles if not r.startswith("-")}
        lex.role_suffixes = tuple(r[1:].lower() for r in roles if r.startswith("-"))
        return lex

    def to_dir(self, path: str | Path) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for name in self.FILES:
            (path / name).write_text(self.texts.get(name, ""), encoding="utf-8")

    def is_role(self, word: str) -> bool:
        return word in self.roles or word.lower().endswith(self.role_suffixes)


@lru_cache(maxsize=1)
def default_lexicon() -> QuoteLexicon:
    """The package's lexicons, loaded once."""
    return QuoteLexicon.from_dir(DATA_DIR)


# -- rule switches (module constants; ``python -m pipeline.evaluate.quotes --off`` turns each
#    off for the ablation table in docs/quotes.md)

#: in a main clause the speaker is the constituent before the finite verb (V2 "Vorfeld")
VORFELD = True
#: consecutive continuation sentences of one paragraph are one quote (as the Wikinews gold
#: marks free indirect speech over several sentences)
MERGE_CONTINUATIONS = True
#: "soll ..." in the main clause continues reported speech like a Konjunktiv does
REPORTATIVE = True
#: a cue noun before a content clause reports ("vertrat die Ansicht, dass ...")
NOUN_CUES = True
#: thought verbs with an object ("Der Präsident vermutet einen Putsch.") are reported speech
WEAK_REPORTED = True


# -- word classes (used when the pipeline has no tagger; with one, POS decides too)

DETS = frozenset("der die das den dem des ein eine einer eines einem einen sein seine seiner "
                 "seines seinem seinen ihr ihre ihrer ihres ihrem ihren dieser diese dieses "
                 "diesem diesen mehrere zwei drei viele einige andere beide".split())
PREPS = frozenset("am an im in bei beim auf vor nach gegenüber mit von vom zu zum zur über für "
                  "aus während um seit laut unter zwischen durch gegen ohne wegen trotz neben "
                  "hinter vorm ins ans aufs anlässlich angesichts aufgrund gemäß seitens infolge "
                  "bezüglich hinsichtlich entgegen dank statt anstatt bis ab innerhalb "
                  "außerhalb".split())
#: object pronouns: never a speaker, whatever the parse says ("charakterisierte ihn")
OBJ_PRONOUNS = frozenset("ihn ihm ihnen sich mich mir dich dir uns euch".split())
SUBJ_PRONOUNS = frozenset({"er", "sie", "es", "man", "wir", "ich", "ihr"})
#: lower-case words that end a noun phrase although they are not prepositions
NP_STOP = frozenset("und oder sowie aber doch jedoch auch noch bereits schon nun dann dazu "
                    "zudem außerdem demnach nicht nur erst heute gestern morgen damals jetzt "
                    "so wie als dass ob es sich selbst weiter zuvor später".split())
#: subordinators that make a clause after a reporting verb something else than its content
NOT_CONTENT = frozenset("nachdem bevor während als seit seitdem bis um wobei womit weil da "
                        "sodass obwohl damit indem".split())
CONTENT_START = frozenset({"dass", "daß", "ob"})
FUNCTION_E = frozenset("die eine keine alle seine ihre diese jene welche jede meine deine unsere "
                       "eure beide heute gerade ohne gerne ebenfalls bitte einige manche solche "
                       "andere derselbe dieselbe dasselbe ganze erste letzte nächste".split())
#: Opening mark -> its closing marks (German „…“ „…” „…", chevrons both ways, English, single).
OPEN_CLOSE: dict[str, tuple[str, ...]] = {
    "„": ("“", "”", '"'), "»": ("«",), "«": ("»",), "“": ("”",), '"': ('"',),
    "‚": ("‘", "’"), "›": ("‹",), "‹": ("›",),
}
#: Every closing mark.
_CLOSERS = frozenset(c for cs in OPEN_CLOSE.values() for c in cs)
ALL_MARKS = frozenset(OPEN_CLOSE) | _CLOSERS
BLOCK_LABELS = ("paragraph", "headline", "subheading", "dateline", "signature")
HEAD_LABELS = ("headline", "subheading")


def is_subjunctive(token: Token, lexicon: QuoteLexicon | None = None) -> bool:
    """Whether a token is a finite verb in Konjunktiv (I or II)."""
    lex = lexicon or default_lexicon()
    low = token.lower_
    if token.morph.get("Mood") == ["Sub"]:
        return True
    if low in lex.konjunktiv:
        return True
    if token.i > 0 and token.text.islower() and low.endswith("e") and len(low) > 3 \
            and low not in FUNCTION_E and token.pos_ in ("", "VERB", "AUX") \
            and token.morph.get("Tense") != ["Past"]:
        if token.doc[token.i - 1].lower_ in ("er", "sie", "es", "man"):
            return True
        # "China übertreibe die Gefahr": a singular noun subject and a verb in -e
        if token.pos_ and not low.endswith("te") and token.doc.has_annotation("DEP") and any(
                c.dep_ == "nsubj" and c.pos_ in ("NOUN", "PROPN") and
                c.morph.get("Number") != ["Plur"] for c in token.children):
            return True
    return False


# -- structure: blocks, sentences, quotation marks

def _blocks(doc: Doc) -> list[tuple[int, int, str]]:
    """Paragraph-like blocks (start, end, label): layout blocks, else text split at newlines."""
    if "layout" in doc.spans and len(doc.spans["layout"]):
        spans = sorted(doc.spans["layout"], key=lambda s: s.start)
        return [(s.start, s.end, s.label_) for s in spans if s.label_ in BLOCK_LABELS]
    blocks, start = [], 0
    for tok in doc:
        # a blank line, or a newline after a sentence end (a single newline inside a
        # sentence is a hard wrap: „ein\nunverzichtbarer Partner“)
        if tok.is_space and "\n" in tok.text and (
                tok.text.count("\n") > 1 or tok.i == 0 or
                doc[tok.i - 1].text[-1:] in ".!?:“”«»\"" or tok.i + 1 >= len(doc)):
            if start < tok.i:
                blocks.append((start, tok.i, "paragraph"))
            start = tok.i + 1
    if start < len(doc):
        blocks.append((start, len(doc), "paragraph"))
    return blocks


def find_quotation_marks(doc: Doc, start: int = 0, end: int | None = None,
                         texts: list[str] | None = None, space: Sequence[bool] | None = None
                         ) -> list[tuple[int, int, int, bool]]:
    """Quotations in ``doc[start:end]`` as (open, close, depth, closed) token indices.

    Nested marks (»… „…“ …«, „… ‚…‘ …“) give depth 1, 2, ...; an opening mark that
    never closes in the range runs to its last non-space token (``closed`` False),
    so a missing mark never swallows more than the block it is in. ``texts`` and
    ``space``: the token texts and ``is_space`` flags when the caller has read them already.
    """
    end = len(doc) if end is None else end
    texts = texts if texts is not None else [t.text for t in doc]
    stack: list[tuple[str, int]] = []
    # closing mark -> the stack positions, ascending, of the open quotations it closes: the
    # innermost is the last one, found without a scan of the stack (which made many
    # unclosed opening marks, "„Wir „Wir …", quadratic in their number)
    closing: dict[str, list[int]] = {c: [] for c in _CLOSERS}

    def push(text: str, i: int) -> None:
        for c in OPEN_CLOSE[text]:
            closing[c].append(len(stack))
        stack.append((text, i))

    def pop() -> tuple[str, int]:
        text, i = stack.pop()
        for c in OPEN_CLOSE[text]:
            closing[c].pop()
        return text, i

    found = []
    # only the marks matter: the other tokens are filtered out in C
    for i in compress(range(start, end), map(ALL_MARKS.__contains__, texts[start:end])):
        text = texts[i]
        if stack and text in OPEN_CLOSE[stack[-1][0]]:
            mark, o = pop()
            found.append((o, i, len(stack), True))
            continue
        if text in ("‚", "’", "‘") and not _is_mark(doc, i):
            continue
        if text in OPEN_CLOSE:
            # a closing mark of an outer quote that is also an opener ("“" after „)
            outer = closing[text][-1] if closing.get(text) else None
            if outer is not None:
                while len(stack) > outer + 1:
                    pop()
                mark, o = pop()
                found.append((o, i, len(stack), True))
            else:
                push(text, i)
    last = end - 1
    while last > start and (space[last] if space is not None else doc[last].is_space):
        last -= 1
    for depth, (mark, o) in enumerate(stack):
        if o < last:
            found.append((o, last, depth, False))
    found.sort()
    return found


def _is_mark(doc: Doc, i: int) -> bool:
    """Single marks double as apostrophes; a ‚ or ‘ token standing alone is a mark."""
    return len(doc[i].text) == 1


# -- helpers on tokens

def _cap(ctx: _Ctx, t: int) -> bool:
    """Token t is capitalised and no punctuation."""
    return ctx.text[t][:1].isupper() and not ctx.punct[t]


def _np_token(ctx: _Ctx, t: int) -> bool:
    """Could token t be part of a noun phrase naming a speaker."""
    if ctx.punct[t] or ctx.space[t] or ctx.text[t] in ALL_MARKS:
        return False
    low, pos = ctx.lower[t], ctx.pos[t]
    if pos:
        if pos in ("PROPN", "NOUN", "X"):
            return True
        if pos in ("DET", "ADJ", "NUM"):
            return low not in PREPS
        if pos == "PRON":
            return low in SUBJ_PRONOUNS
        if pos in ("ADP", "VERB", "AUX", "ADV", "CCONJ", "SCONJ", "PART", "PUNCT"):
            return False
    if low in PREPS or low in NP_STOP or low in AUX_WORDS:
        return False
    if _cap(ctx, t) or low in DETS or low in SUBJ_PRONOUNS:
        return True
    return ctx.text[t].islower() and re.search(r"(e|en|er|es|em|ische[nmrs]?)$", low) is not None


@dataclass
class _Ctx:
    doc: Doc
    lex: QuoteLexicon
    sents: list[tuple[int, int]]
    sent_of: list[int]
    block_of: list[int]
    blocks: list[tuple[int, int, str]]
    in_quote: list[bool]
    mentions: list[tuple[int, int, str, int | None, str]]  # start, end, label, entity, canonical
    #: per-token attributes, read once per Doc (see :func:`_context`): ``doc[i]`` builds a
    #: Token object on each access and ``tok.lower_`` decodes the string again, which made
    #: most of the component's time. ``lower``/``text``: the forms; ``pos``: coarse POS names;
    #: ``morph``: MORPH keys (for :func:`_subjunctive`); ``ws``: a space follows (for
    #: :meth:`span_text`)
    lower: Sequence[str] = ()
    text: Sequence[str] = ()
    pos: list[str] = field(default_factory=list)
    morph: list[int] = field(default_factory=list)
    punct: Sequence[bool] = ()
    space: Sequence[bool] = ()
    idx: list[int] = field(default_factory=list)
    ws: list[int] = field(default_factory=list)
    #: DEP and LEMMA hashes (array columns), decoded by :meth:`dep` and :meth:`lemma` for the
    #: few tokens asked
    dep_ids: numpy.ndarray = field(default_factory=lambda: numpy.zeros(0, numpy.uint64))
    lemma_ids: numpy.ndarray = field(default_factory=lambda: numpy.zeros(0, numpy.uint64))
    #: token index -> lexicon entry of the tokens that are a reporting verb by their form or
    #: (tagged a verb) their lemma, ascending (see :func:`_verb_entries`)
    cue_entries: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    #: token indices, ascending, of the tokens that have a lexicon entry (:func:`_cue_at`'s
    #: first test), that can start a source phrase (:func:`_phrase_at`'s first test), and of
    #: the commas and semicolons (:func:`_segments`): the scans jump from one to the next
    cue_starts: list[int] = field(default_factory=list)
    phrase_starts_at: list[int] = field(default_factory=list)
    #: token indices, ascending, of the cue nouns (:func:`_noun_cue`)
    cue_nouns_at: list[int] = field(default_factory=list)
    separators: list[int] = field(default_factory=list)
    #: :func:`_subjunctive` of each token once asked (None: not yet)
    subjunctive: list[bool | None] = field(default_factory=list)
    #: token indices, ascending, of the tokens that can be Konjunktiv (``subjunctive`` None
    #: at first; every other token's answer is False): the scans for a Konjunktiv in a
    #: clause look at these only, not at each token of the clause
    maybe_subjunctive: list[int] = field(default_factory=list)
    #: ``doc.has_annotation("DEP")`` and ``("POS")``, asked once: the rules ask for every
    #: verb they look at, and each answer looks at the Doc's tokens again
    parsed: bool = False
    tagged: bool = False
    #: per index i, the tokens before i that are neither punctuation nor space (built by
    #: :func:`_blank` when first needed)
    words_before: list[int] | None = None
    #: (comma, sentence end) -> :func:`_apposition_end` of that comma with ``list_ok`` and
    #: nothing taken, as :func:`_particle_later` asks it (it reads only the token columns,
    #: which do not change): each reporting verb's particle search walks the commas to
    #: the end of its clause, and one long sentence of framed quotes has hundreds
    comma_ends: dict[tuple[int, int], int] = field(default_factory=dict)

    def dep(self, i: int) -> str:
        """``doc[i].dep_``."""
        return self.doc.vocab.strings[int(self.dep_ids[i])]

    def lemma(self, i: int) -> str:
        """``doc[i].lemma_``."""
        return self.doc.vocab.strings[int(self.lemma_ids[i])]

    def like_num(self, i: int) -> bool:
        """``doc[i].like_num``: asked for a few words of the speaker candidates only, where
        a column of every token's flag cost more than all the answers."""
        return self.doc[i].like_num

    def span_text(self, s: int, e: int) -> str:
        """``doc[s:e].text`` without building the Span and its Tokens."""
        return _tokens.span_text(self.text, self.ws, s, e)


#: :func:`_blank` looks at each token of a range up to this long; a longer range is
#: answered from :attr:`_Ctx.words_before` (a look per token made the check of every
#: quotation of a long sentence quadratic in the sentence's length)
_BLANK_SCAN = 64


def _blank(ctx: _Ctx, s: int, e: int) -> bool:
    """Whether tokens [s, e) are all punctuation or space (True when there are none)."""
    punct, space = ctx.punct, ctx.space
    if e - s <= _BLANK_SCAN:
        return all(punct[t] or space[t] for t in range(s, e))
    before = ctx.words_before
    if before is None:  # tokens that are neither punctuation nor space before each index
        before = ctx.words_before = [0, *accumulate(
            not (p or w) for p, w in zip(punct, space))]
    return before[e] == before[s]


def _chars(ctx: _Ctx, s: int, e: int) -> tuple[int, int]:
    """Character offsets of tokens [s, e) (s < e): ``(doc[s:e].start_char, .end_char)``."""
    return ctx.idx[s], ctx.idx[e - 1] + len(ctx.text[e - 1])


def _subjunctive(ctx: _Ctx, t: int) -> bool:
    """:func:`is_subjunctive` of token ``t``, read from the context's token lists: the
    component asks it for most tokens of every candidate sentence, and the Token and
    MorphAnalysis objects built for each question cost more than the test itself. Each
    token's answer is kept: the rules ask again for every cue of a sentence."""
    known = ctx.subjunctive[t]
    if known is None:
        known = ctx.subjunctive[t] = _subjunctive_at(ctx, t)
    return known


def _subjunctive_at(ctx: _Ctx, t: int) -> bool:
    lex, low, key = ctx.lex, ctx.lower[t], ctx.morph[t]
    if _tokens.morph_get(ctx.doc, key, "Mood") == ["Sub"]:
        return True
    if low in lex.konjunktiv:
        return True
    pos = ctx.pos[t]
    if t > 0 and ctx.text[t].islower() and low.endswith("e") and len(low) > 3 \
            and low not in FUNCTION_E and pos in ("", "VERB", "AUX") \
            and _tokens.morph_get(ctx.doc, key, "Tense") != ["Past"]:
        if ctx.lower[t - 1] in ("er", "sie", "es", "man"):
            return True
        # the rare rest (a look at the subject) as is_subjunctive has it
        return is_subjunctive(ctx.doc[t], lex)
    return False


#: pronominal adverbs announcing a content clause ("darauf hinweisen, dass")
CORRELATES = frozenset("darauf davon dazu daran darüber dafür davor damit dagegen darum "
                       "daraufhin".split())


def _is_particle(ctx: _Ctx, j: int, hi: int) -> bool:
    """A separated verb particle ends its clause ("teilte ... mit."); a preposition is followed
    by its noun ("nahmen an der Feier teil")."""
    if ctx.dep(j) == "compound:prt":
        return True
    k = j + 1
    while k < hi and ctx.space[k]:
        k += 1
    if k >= hi:
        return True
    low = ctx.lower[k]
    return ctx.punct[k] or ctx.text[k] in ALL_MARKS or low in ("und", "oder", "sowie", "dass") \
        or ctx.pos[k] in ("VERB", "AUX") or low in AUX_WORDS


def _cue_entry(ctx: _Ctx, i: int, lo: int) -> tuple[str, str, str] | None:
    """The lexicon entry (lemma, strength, particle) of token i when it can be a reporting
    verb: its form, else (tagged a verb) its lemma; None when it is none."""
    entry = ctx.cue_entries.get(i)
    if entry is None or ctx.in_quote[i] or ctx.punct[i]:
        return None  # the common case: no entry
    pos = ctx.pos[i]
    if ctx.text[i][:1].isupper() and i > lo and pos not in ("VERB", "AUX"):
        return None
    if pos and pos not in ("VERB", "AUX", "ADJ", "X", "") and not (
            pos in ("PUNCT", "SYM") and ctx.doc[i].is_alpha):  # a word tagged as punctuation
        return None
    return entry


def _verb_entries(ctx: _Ctx, candidates: list[int]) -> dict[int, tuple[str, str, str]]:
    """The lexicon entries of the ``candidates`` (ascending) that have one: by their form,
    else by their lemma (the candidates without a cue form are tagged a verb). Made once per
    Doc: the rules ask for the verbs of a sentence again and again, and most verbs have no
    entry."""
    verbs, lower = ctx.lex.verbs, ctx.lower
    cache = _tokens.form_cache(ctx.lex, "_quote_lemma_entries")
    entries = {}
    by_form = map(verbs.get, map(lower.__getitem__, candidates))
    for i, entry, lemma_id in zip(candidates, by_form, ctx.lemma_ids[candidates].tolist()):
        if entry is None:
            entry = cache[lemma_id] if lemma_id in cache else _lemma_entry(ctx, lemma_id, cache)
        if entry is not None:
            entries[i] = entry
    return entries


def _lemma_entry(ctx: _Ctx, key: int, cache: dict) -> tuple[str, str, str] | None:
    """The lexicon entry of the lemma with hash ``key``, if that lemma is a reporting verb
    that needs no particle; kept per lemma in ``cache`` (per lexicon): the verbs of a text
    recur."""
    lemma = ctx.doc.vocab.strings[key]
    entry = ctx.lex.verbs.get(lemma.lower()) if lemma else None
    if entry and entry[2]:
        entry = None  # a bare lemma match of a particle verb needs the particle
    elif entry and entry[0].lower() != lemma.lower():
        entry = None  # the lemma is another verb's form: "geriet" (geraten) is no "raten"
    cache[key] = entry
    return entry


def _particle_later(ctx: _Ctx, i: int, lo: int, hi: int, particle: str) -> int | None:
    """The separated particle of verb i later in its clause ("teilte ... mit"), else None."""
    text, lower, in_quote, comma_ends = ctx.text, ctx.lower, ctx.in_quote, ctx.comma_ends
    j = i + 1
    while j < hi and text[j] not in (".", ":", ";"):
        if in_quote[j]:  # "wies alle Vorwürfe als „haltlos“ zurück"
            k = j
            while k < hi and in_quote[k]:
                k += 1
            if k - j > 8:
                return None
            j = k
            continue
        if text[j] == ",":  # "geht nach dem Treffen mit X, Joachim Rücker, davon aus"
            k = comma_ends.get((j, hi))
            if k is None:
                k = comma_ends[j, hi] = _apposition_end(ctx, j, lo, hi, frozenset(),
                                                        list_ok=True)
            if k == j or k >= hi or text[k] != ",":
                return None
            j = k + 1
            continue
        low = lower[j]
        if (low == particle and _is_particle(ctx, j, hi)) or (
                low.startswith("dar") and low.endswith(particle)):
            return j
        j += 1
    return None


#: auxiliaries right before a reporting verb that belong to its cue ("hat erklärt")
CUE_AUX = frozenset(("hat", "hatte", "haben", "hatten", "habe", "hätte", "wurde", "wird", "ist",
                     "war"))


def _cue_at(ctx: _Ctx, i: int, lo: int, hi: int) -> tuple[list[int], str] | None:
    """If token i is a reporting verb, the cue's token indices and its strength."""
    entry = _cue_entry(ctx, i, lo)
    if entry is None:
        return None
    lower = ctx.lower
    if i + 1 < hi and lower[i + 1] == "worden":
        return None  # "sei festgelegt worden": a passive, not a report
    strength = entry[1]
    cue = [i]
    # a particle verb when its particle is there ("rief ... auf" is aufrufen, not rufen)
    for _, p_strength, particle in ctx.lex.particle_verbs.get(lower[i], ()):
        if i > lo and lower[i - 1] == particle:  # "wie ... bekannt gab"
            cue.insert(0, i - 1)
        else:  # "teilte ... mit": the particle later in the clause
            j = _particle_later(ctx, i, lo, hi, particle)
            if j is not None:
                cue.append(j)
        if len(cue) > 1:
            strength = p_strength
            break
    if len(cue) == 1 and entry[2]:
        return None
    # a correlate before the content clause belongs to the cue ("wies darauf hin, dass",
    # "geht davon aus, dass", "warnte davor, ...")
    j = i + 1
    while j < min(hi, i + 8) and ctx.text[j] not in (",", ".", ":", ";") and \
            not ctx.in_quote[j]:
        if lower[j] in CORRELATES and j not in cue:
            cue.append(j)
            cue.sort()
            break
        j += 1
    if i > lo and lower[i - 1] in CUE_AUX:
        cue.insert(0, i - 1)
    return cue, strength


def _sent_cues(ctx: _Ctx, lo: int, hi: int) -> list[tuple[int, list[int], str]]:
    """(verb, cue tokens, strength) of each reporting verb in [lo, hi)."""
    out = []
    starts = ctx.cue_starts  # _cue_at says None at once for the other tokens
    for i in starts[bisect_left(starts, lo):bisect_left(starts, hi)]:
        hit = _cue_at(ctx, i, lo, hi)
        if hit:
            out.append((i, hit[0], hit[1]))
    return out


def _np_after(ctx: _Ctx, j: int, hi: int) -> tuple[int, int] | None:
    """The noun phrase starting at j (speaker after an inverted verb: "sagte Erdogan"):
    [article] [adjectives] Name-or-Noun+ and up to two genitive/von attachments
    ("der Sprecher des Weißen Hauses", "Sprecher von Human Rights Watch")."""
    doc = ctx.doc
    while j < hi and ctx.space[j]:
        j += 1
    if j >= hi:
        return None
    if ctx.lower[j] in SUBJ_PRONOUNS and ctx.lower[j] != "es":
        return j, j + 1

    def core(k: int) -> int:
        """End of [det] [adj]* Cap+ from k, or k when there is none."""
        m = k
        if m < hi and ctx.lower[m] in DETS and not _cap_noun(ctx, m, m == j):
            m += 1
        while m < hi and _adj(ctx, m):
            m += 1
        n = m
        while n < hi and _cap_noun(ctx, n, n == j) and not ctx.in_quote[n]:
            n += 1
        if n > m and n + 2 < hi and ctx.text[n] in OPEN_CLOSE:  # der Sender „Silverbird“
            close = next((t for t in range(n + 1, min(hi, n + 6))
                          if ctx.text[t] in OPEN_CLOSE[ctx.text[n]]), None)
            if close is not None and _is_name(ctx, n + 1, close):
                n = close + 1
        return n if n > m else k

    def attached(k: int) -> int:
        """k after up to three genitive or von attachments and a name the tagger missed."""
        for _ in range(3):
            low = ctx.lower[k] if k < hi else ""
            name_end = _name_at(ctx, k, hi)
            if name_end:  # "der zuständige Gewerkschaftsvorstand Uwe Foullong"
                k = name_end
                continue
            if low in ("des", "der", "eines", "einer", "von", "vom"):
                nxt = core(k + 1 if low in ("von", "vom") else k)
                if nxt > k + 1:
                    k = nxt
                    continue
            elif low.endswith("er") and _adj(ctx, k) and k + 1 < hi and _cap_noun(ctx, k + 1):
                k = core(k)  # a genitive without article: "Meinung politischer Beobachter"
                continue
            break
        return k

    k = core(j)
    if k == j:
        return None
    k = attached(k)
    # coordination: "Angaben der New York Times und der Los Angeles Times"
    if k + 1 < hi and ctx.lower[k] in ("und", "sowie") and not ctx.in_quote[k + 1]:
        nxt = core(k + 1)
        if nxt > k + 1:
            k = attached(nxt)
    # a place at the end of the frame: "teilte der USGS in Denver mit.", "ein Reporter aus Leeds."
    end = _name_at(ctx, k + 1, hi, ("LOC",)) if k + 1 < hi and ctx.lower[k] in ("in", "aus") else 0
    if end:
        after = end
        if after < hi and ctx.dep(after) == "compound:prt":
            after += 1
        if after >= hi or ctx.punct[after]:
            k = end
    return j, k


def _name_at(ctx: _Ctx, k: int, hi: int, labels: tuple[str, ...] = ("PER", "ORG")) -> int:
    """End of a named entity with one of ``labels`` starting at token k (within hi), else 0."""
    for m in ctx.mentions:
        if m[0] == k and m[2] in labels and m[1] <= hi:
            return m[1]
    return 0


AUX_WORDS = frozenset("hat hatte hatten haben habe hätte hätten ist war waren sind sei wird wurde "
                      "wurden werden würde würden kann konnte könne könnte muss musste soll sollte "
                      "will wollte darf durfte".split())


def _cap_noun(ctx: _Ctx, t: int, first: bool = False) -> bool:
    """Token t is a capitalised word that can be (part of) a noun or name."""
    if not _cap(ctx, t) or ctx.text[t] in ALL_MARKS:
        return False
    low, pos = ctx.lower[t], ctx.pos[t]
    if pos:
        return pos in ("PROPN", "NOUN", "X", "ADJ", "NUM") or (first and pos == "DET") \
            or (pos == "DET" and low not in DETS)  # "The Jakarta Post"
    return low not in PREPS and low not in NP_STOP and low not in AUX_WORDS


def _adj(ctx: _Ctx, t: int) -> bool:
    """Token t is a lower-case attributive adjective ("französische", "ehemaligen")."""
    low = ctx.lower[t]
    if not ctx.text[t].islower() or low in AUX_WORDS or low in NP_STOP or low in PREPS:
        return False
    if ctx.pos[t]:
        return ctx.pos[t] == "ADJ"
    return re.search(r"(e|en|er|es|em)$", low) is not None and len(ctx.text[t]) > 3


def _np_before(ctx: _Ctx, v: int, lo: int) -> tuple[int, int] | None:
    """The noun phrase right before token v, when it starts its clause ("Scholz sagte")."""
    doc = ctx.doc
    k = v
    while k > lo and _np_token(ctx, k - 1) and not ctx.in_quote[k - 1]:
        k -= 1
        if ctx.lower[k] in SUBJ_PRONOUNS and k < v - 1:
            k += 1
            break
    if k == v:
        return None
    if k > lo:
        prev = k - 1
        low = ctx.lower[prev]
        if low in PREPS or (ctx.pos[prev] == "ADP"):
            return None
        if not (ctx.punct[prev] or low in ("und", "wie", "dass", "so", "als", "doch",
                                           "aber", "denn", "oder", "sowie")
                or low in AUX_WORDS or ctx.text[prev] in ALL_MARKS):
            return None
    span = (k, v)
    if not any(_cap(ctx, t) or ctx.lower[t] in SUBJ_PRONOUNS for t in range(*span)):
        return None
    return span


def _np_before_apposition(ctx: _Ctx, v: int, lo: int) -> tuple[int, int] | None:
    """Without a parse: "Der Gouverneur von Oaxaca, Gabino Cué, sagte" and
    "Kristina Schröder (CDU) sagte": the NP before an apposition or parenthesis."""
    doc = ctx.doc
    p = v - 1
    if p <= lo or ctx.text[p] not in (",", ")"):
        return None
    opener = "," if ctx.text[p] == "," else "("
    k = p - 1
    while k > lo and k > p - 10 and ctx.text[k] != opener and _appos_token(ctx, k):
        k -= 1
    if k <= lo or ctx.text[k] != opener or k == p - 1:
        return None
    return _np_before(ctx, k, lo)  # the apposition is added by _apposition


def _speaker_for_verb(ctx: _Ctx, v: int, cue: list[int], lo: int, hi: int,
                      message: tuple[int, int]) -> tuple[int, int] | None:
    """The speaker of reporting verb ``v`` in clause ``[lo, hi)`` outside ``message``: its
    subject, or in the passive its agent ("von der Opposition kritisiert"), else None."""
    doc = ctx.doc
    if _passive(ctx, v, cue):
        for t in range(lo, hi):
            if ctx.lower[t] in ("von", "vom") and not (message[0] <= t < message[1]) and \
                    t not in cue:
                np = _np_after(ctx, t + 1, hi if t >= message[1] else min(hi, message[0]))
                if np and np[0] == t + 1 and not doc[t + 1].like_num and \
                        not ctx.text[t + 1][:1].isdigit() and not all(
                        ctx.text[k] in ctx.lex.not_speakers or doc[k].like_num or
                        ctx.lower[k] in DETS for k in range(*np)):  # "vom 11. August"
                    return t, np[1]
        return None
    return _subject_for_verb(ctx, v, cue, lo, hi, message)


#: StringStore keys of the relations the rules ask of a verb's children, compared with
#: ``Token.dep`` (a key is its label's hash in every Vocab): ``Token.dep_`` decodes the
#: label again at each look
_PASSIVE_DEPS = frozenset(map(get_string_id, ("aux:pass", "nsubj:pass")))
_SUBJECT_DEPS = frozenset(map(get_string_id, ("nsubj", "sb")))
_NSUBJ = get_string_id("nsubj")


def _passive(ctx: _Ctx, v: int, cue: list[int]) -> bool:
    """"wurde kritisiert", "wird vorgeworfen": a werden auxiliary in the cue or, with a parse,
    on the verb."""
    doc = ctx.doc
    if any(ctx.lower[t] in PASSIVE_AUX for t in cue):
        return True
    # Token.children of a Doc without a parse can crash spaCy (a segfault seen with the blank
    # pipeline, whose sentence starts are set without heads): ask only when there is one
    return ctx.parsed and any(
        c.dep in _PASSIVE_DEPS for c in doc[v].children)


def _parser_subject(ctx: _Ctx, v: int, cue: list[int], lo: int, hi: int,
                    message: tuple[int, int]) -> tuple[int, int] | None:
    """The subject the parser gives the cue verb (or its head), without a relative clause or
    apposition after a comma, outside the message."""
    doc = ctx.doc
    if not ctx.parsed:
        return None
    heads = [doc[c] for c in cue]
    for h in heads + [doc[v].head]:
        for child in h.children:
            if child.dep in _SUBJECT_DEPS and lo <= child.i < hi \
                    and not (message[0] <= child.i < message[1]) \
                    and child.lower_ not in OBJ_PRONOUNS:
                toks = [t.i for t in child.subtree if lo <= t.i < hi
                        and not (message[0] <= t.i < message[1])]
                s, e = min(toks), max(toks) + 1
                if s < message[0] < e:  # the subtree reaches into the message
                    e = message[0]
                    while e > s and ctx.lower[e - 1] in PREPS | DETS:
                        e -= 1  # "Vertreter der Verbände vor einem „…“"
                # stop at a relative clause or apposition comma
                for t in range(child.i, e):
                    if ctx.text[t] in (",", "(", "–") and t > child.i:
                        e = t
                        break
                for t in range(child.i - 1, s - 1, -1):
                    if ctx.text[t] in (",", "(", "–"):
                        s = t + 1
                        break
                while s < e and (ctx.punct[s] or ctx.text[s] in ALL_MARKS):
                    s += 1
                if s < e and ctx.lower[child.i] != "es":
                    return s, e
    return None


#: words before the finite verb that make the clause no main clause, or its Vorfeld no subject
NOT_VORFELD = frozenset("den dem des einem einen ihm ihr ihnen mir uns euch wie als so wenn "
                        "nachdem weil da dass ob obwohl während bevor seit was wer wo warum "
                        "wann wieso weshalb".split())
#: words after the finite verb before an inverted subject ("Am Montag sagte jedoch der Minister")
MIDFIELD_SKIP = frozenset("jedoch aber auch bereits schon noch nun dann zudem außerdem "
                          "allerdings ebenfalls erneut weiter sich nochmals indes".split())


def _vorfeld(ctx: _Ctx, cue: list[int], lo: int, message: tuple[int, int]
             ) -> tuple[int, int] | None:
    """(start, finite verb) of a main clause whose finite verb is the cue or an auxiliary
    before it: German puts exactly one constituent before it (V2), the "Vorfeld".

    The parser is unreliable exactly there ("Brian Baptie von der britischen Erdbebenwarte
    sagte": it makes "Baptie" the object; "Der amerikanische Präsident hat bereits sein
    Veto angekündigt": the subject hangs on the auxiliary), while the word order is not.
    None when the clause does not start before the cue (the quote comes first, "„…“, sagte
    X") or is subordinate ("wie X mitteilte")."""
    doc = ctx.doc
    s = lo
    while s < cue[0] and (ctx.punct[s] or ctx.space[s] or ctx.text[s] in ALL_MARKS):
        s += 1
    if message[0] <= s < message[1]:  # „…“, sagte X
        s = message[1]
        while s < cue[0] and (ctx.punct[s] or ctx.space[s] or ctx.text[s] in ALL_MARKS):
            s += 1
    if s < cue[0] and ctx.lower[s] in ("und", "aber", "doch", "denn", "sondern", "oder"):
        s += 1
    if s >= cue[0] or ctx.lower[s] in NOT_VORFELD or ctx.pos[s] == "SCONJ" or \
            s < message[1] and message[0] < cue[0]:
        return None
    t = s
    while t < cue[0]:
        text, pos = ctx.text[t], ctx.pos[t]
        if ctx.in_quote[t] or text in (".", ";", ":"):
            return None
        if text == "," and t + 1 < cue[0] and ctx.lower[t + 1] in REL_PRONOUNS:
            k = next((k for k in range(t + 1, cue[0]) if ctx.text[k] == ","), None)
            if k is None:
                return None
            t = k + 1  # a relative clause inside the Vorfeld has its own finite verb
            continue
        if ctx.lower[t] in AUX_WORDS and pos in ("AUX", "VERB", ""):
            break
        if pos in ("VERB", "AUX") and not set(
                _tokens.morph_get(doc, ctx.morph[t], "VerbForm")) & {"Part", "Inf"}:
            return None  # another finite verb: the cue is in a later clause
        t += 1
    return s, t


def _vorfeld_is_speaker(ctx: _Ctx, s: int, e: int, f: int) -> bool:
    """Whether the Vorfeld's noun phrase [s, e) (the Vorfeld [s, f) up to its first comma:
    a relative clause or apposition may follow) can be the subject of the finite verb f:
    not a prepositional phrase, adverb, object pronoun, dative or time expression."""
    doc = ctx.doc
    first, first_pos = ctx.lower[s], ctx.pos[s]
    if _particle_name(ctx, s, e):
        return True
    if e - s > 20 or first in PREPS or first_pos in ("ADP", "ADV", "VERB", "AUX") or \
            ctx.text[s] in ctx.lex.not_speakers or (first in NOT_SOURCE and e - s == 1):
        return first in SUBJ_PRONOUNS and e - s == 1
    if first == "der" and s + 1 < e and _adj(ctx, s + 1) and ctx.lower[s + 1].endswith("en"):
        return False  # "Der englisch-sprachigen Zeitung sagte X": dative (nominative: "der neue")
    if (ctx.like_num(s) or first_pos == "NUM") and f < len(doc) and first not in ("ein", "eine") \
            and not (_tokens.morph_get(doc, ctx.morph[f], "Number") == ["Plur"] or
                     ctx.lower[f].endswith("n") or ctx.lower[f] == "sind"):
        return False  # "Zwölf Todesopfer forderte ein Taifun": a plural object, singular verb
    nouns = [t for t in range(s, e) if ctx.pos[t] in ("NOUN", "PROPN", "X") or (
        not ctx.pos[t] and _cap(ctx, t))]
    if not nouns:
        return e - s == 1 and first in SUBJ_PRONOUNS
    if all(ctx.text[t] in ctx.lex.not_speakers or ctx.like_num(t) for t in nouns):
        return False
    return not any(ctx.pos[t] in ("VERB", "AUX") and
                   "Fin" in _tokens.morph_get(doc, ctx.morph[t], "VerbForm")
                   for t in range(s, e) if not ctx.in_quote[t])


def _particle_name(ctx: _Ctx, s: int, f: int) -> bool:
    """"Von der Leyen", "Zu Guttenberg": a surname with its particle opening the sentence,
    not a prepositional phrase ("Von der Regierung" has a common noun)."""
    doc = ctx.doc
    if ctx.text[s] not in ("Von", "Van", "Zu", "De") or f - s > 4 or f - s < 2:
        return False
    k = s + 1
    if ctx.lower[k] in ("der", "den", "dem") and f - s > 2:
        k += 1
    return all(ctx.pos[t] == "PROPN" or any(m[0] <= t < m[1] and m[2] == "PER"
                                             for m in ctx.mentions) for t in range(k, f))


def _trim_speaker(ctx: _Ctx, s: int, e: int) -> tuple[int, int]:
    while e > s and (ctx.space[e - 1] or ctx.text[e - 1] in (",", "–", "-")):
        e -= 1
    return s, e


def _subject_for_verb(ctx: _Ctx, v: int, cue: list[int], lo: int, hi: int,
                      message: tuple[int, int]) -> tuple[int, int] | None:
    doc = ctx.doc
    parsed = _parser_subject(ctx, v, cue, lo, hi, message)
    vf = _vorfeld(ctx, cue, lo, message) if VORFELD else None
    if vf is not None:
        s, f = vf
        # the noun phrase up to a comma; appositions are added with the others
        e = next((t for t in range(s + 1, f) if ctx.text[t] in (",", "(", "–")), f)
        if ctx.lower[s] == "aus" and any(ctx.lex.verbs.get(ctx.lower[c], ("",))[0] ==
                                          "verlauten" for c in cue):
            return _trim_speaker(ctx, s, e)  # "Aus Militärkreisen verlautete, ..."
        if _vorfeld_is_speaker(ctx, s, e, f):
            if parsed is None or parsed[0] < f:
                return _trim_speaker(ctx, s, e)
        elif parsed is None or parsed[0] < f:
            k = f + 1
            while k < hi and (ctx.lower[k] in MIDFIELD_SKIP or k in cue):
                k += 1
            after = _np_after(ctx, k, hi if message[0] <= k else min(hi, message[0]))
            if after is not None:
                return after
    if parsed is not None:
        return parsed
    first = cue[0]
    last = cue[-1] if len(cue) == 1 or doc[cue[-1]].i == v else v
    # inverted: nothing of the clause before the cue (sentence start, after the message)
    clause_start = lo
    if message[1] <= first:
        clause_start = max(lo, message[1])
    before = _np_before(ctx, first, clause_start) or _np_before_apposition(ctx, first,
                                                                           clause_start)
    if before is None:  # "Die Politiker haben dazu aufgerufen": the subject before the auxiliary
        a = first - 1
        while a > clause_start and a > first - 4 and ctx.text[a].islower() and \
                ctx.lower[a] not in AUX_WORDS:
            a -= 1
        if a >= clause_start and ctx.lower[a] in AUX_WORDS:
            before = _np_before(ctx, a, clause_start)
    after = _np_after(ctx, last + 1, hi if message[0] <= last else min(hi, message[0]))
    starts_clause = first == clause_start or all(
        ctx.punct[t] or ctx.text[t] in ALL_MARKS or ctx.space[t]
        for t in range(clause_start, first))
    if starts_clause or before is None:
        return after or before
    return before


def _clause_end(ctx: _Ctx, i: int, hi: int) -> int:
    """End (exclusive) of the clause running from i: the next comma, colon, ..."""
    while i < hi and ctx.text[i] not in (",", ";", ":", "(", "–") and ctx.text[i] not in ALL_MARKS:
        i += 1
    return i


def _trim(ctx: _Ctx, s: int, e: int) -> tuple[int, int]:
    while s < e and (ctx.space[s] or ctx.text[s] in (",", ";", ":", "–", "-")):
        s += 1
    while e > s and (ctx.space[e - 1] or ctx.text[e - 1] in (",", ";", ":", "–", "-", ".", "!",
                                                                 "?")):
        e -= 1
    return s, e


def _has_subjunctive(ctx: _Ctx, s: int, e: int) -> bool:
    """Whether a token of [s, e) outside quotation marks is Konjunktiv."""
    in_quote = ctx.in_quote
    return any(not in_quote[t] and _subjunctive(ctx, t) for t in _maybe_subjunctive(ctx, s, e))


def _maybe_subjunctive(ctx: _Ctx, s: int, e: int) -> list[int]:
    """The tokens of [s, e) that can be Konjunktiv, ascending (the others are not)."""
    maybe = ctx.maybe_subjunctive
    return maybe[bisect_left(maybe, s):bisect_left(maybe, e)]


# -- speaker resolution

def _mentions(ctx: _Ctx) -> list[tuple[int, int, str, int | None, str]]:
    """(start, end, label, entity, canonical) of the mentions, else of the entities."""
    doc = ctx.doc
    if "mentions" in doc.spans:
        spans = list(doc.spans["mentions"])
    else:
        spans = list(doc.ents)
    # (None where no entities resolver registered them)
    values = _tokens.extension_values(doc, _MENTION_EXTENSIONS, optional=True)
    ids: dict[str, int] = {}
    out = []
    for span in spans:
        canonical, entity = values(span)
        start, end, label = span.start, span.end, span.label_
        name = canonical or ctx.span_text(start, end)
        if entity is None:  # as pipeline.tables.rows numbers entities without a resolver
            entity = ids.setdefault(f"{label}:{name}", len(ids))
        out.append((start, end, label, entity, name))
    return out


_MENTION_EXTENSIONS = ["mention_canonical", "mention_entity"]


def _strip_roles(ctx: _Ctx, s: int, e: int) -> tuple[int, int]:
    """The name part of a speaker NP: articles, adjectives and role nouns removed."""
    doc = ctx.doc
    # a genitive or "von" attachment names an organisation, not a person: keep whole
    while s < e and (ctx.lower[s] in DETS or not _cap(ctx, s) or ctx.lex.is_role(ctx.text[s])):
        s += 1
    return s, e


def _name_heuristic(ctx: _Ctx, s: int, e: int) -> str | None:
    """Canonical name without NER: the longest earlier capitalised run ending in the surname."""
    doc = ctx.doc
    ns, ne = _strip_roles(ctx, s, e)
    if ns >= ne:
        return None
    name = ctx.text[ns:ne]
    if any(low in DETS for low in ctx.lower[ns:ne]):
        return None
    surname = name[-1]
    best = name
    for t in range(s):
        if ctx.text[t] == surname:
            k = t
            while k > 0 and _cap(ctx, k - 1) and not ctx.lex.is_role(ctx.text[k - 1]) \
                    and ctx.lower[k - 1] not in DETS and not doc[k - 1].is_sent_start:
                k -= 1
            run = ctx.text[k:t + 1]
            if len(run) > len(best) and len(run) <= 4:
                best = run
    return " ".join(best)


def _resolve(ctx: _Ctx, s: int, e: int) -> tuple[str | None, int | None]:
    """(canonical, entity) of a speaker NP at tokens [s, e)."""
    doc = ctx.doc
    if e - s > 1 and ctx.lower[s] in PREPS and not _particle_name(ctx, s, e):
        s += 1  # a passive agent "von der Regierung", a source "aus Regierungskreisen"
    text = ctx.span_text(s, e)
    if e - s > 2 and ctx.text[s] in ctx.lex.source_nouns:  # "Angaben (von|der) Polizei"
        s += 1
        if ctx.lower[s] in ("von", "vom"):
            s += 1
        text = ctx.span_text(s, e)
    overlapping = [m for m in ctx.mentions if m[0] < e and m[1] > s]
    # a place inside an attachment is not the speaker: "Die Sprecherin des Umweltamts von
    # Bayern", "Der BBC-Korrespondent in Mexiko-Stadt" (a PER or ORG there still names who
    # speaks: "ein Sprecher von Siemens")
    head = next((t for t in range(s, e) if _cap(ctx, t) and ctx.lower[t] not in DETS), s)
    overlapping = [m for m in overlapping if m[2] in ("PER", "ORG") or m[0] <= head < m[1]]
    if overlapping:
        order = {"PER": 0, "ORG": 1}
        m = min(overlapping, key=lambda m: (order.get(m[2], 2), m[0]))
        if m[2] == "PER" and " " not in m[4]:  # "Scholz" -> an earlier "Olaf Scholz"
            longer = [x for x in ctx.mentions if x[0] < s and x[2] == "PER"
                      and x[4].endswith(" " + m[4])]
            if longer:
                return longer[-1][4], m[3] if m[3] is not None else longer[-1][3]
        return m[4], m[3]
    low = text.lower()
    is_pron = e - s == 1 and low in SUBJ_PRONOUNS
    desc = not is_pron and ctx.lower[s] in DETS and all(
        not _cap(ctx, t) or ctx.lex.is_role(ctx.text[t]) for t in range(s + 1, e))
    role_words = {w for w in ctx.text[s:e] if ctx.lex.is_role(w)}
    if is_pron or (desc and role_words):
        plural = False
        if low == "sie":
            verb = doc[e] if e < len(doc) else None
            plural = (verb is not None and verb.morph.get("Number") == ["Plur"]) or (
                verb is not None and verb.text.endswith("en") and not verb.pos_) or (
                s > 0 and doc[s - 1].morph.get("Number") == ["Plur"])
        want = ("ORG",) if plural else ("PER",)
        earlier = [m for m in ctx.mentions if m[1] <= s and m[2] in want]
        if desc:  # prefer a person introduced with the same role word
            for m in reversed(earlier):
                around = set(ctx.text[max(0, m[0] - 3):min(len(doc), m[1] + 3)])
                if role_words & around:
                    return m[4], m[3]
        if earlier:
            m = earlier[-1]
            return m[4], m[3]
        return (None, None) if is_pron else (_article_stripped(ctx, s, e), None)
    if not ctx.mentions:
        return _name_heuristic(ctx, s, e) or _article_stripped(ctx, s, e), None
    return _article_stripped(ctx, s, e), None


def _article_stripped(ctx: _Ctx, s: int, e: int) -> str:
    if e - s > 1 and ctx.lower[s] in DETS:
        s += 1
    return ctx.span_text(s, e)


# -- finding

class _Found(NamedTuple):
    start: int  # token offsets of the message
    end: int
    kind: str
    speaker: tuple[int, int] | None
    cue: tuple[int, ...]
    parts: tuple[tuple[int, int], ...]
    literal: tuple[tuple[int, int], ...] = ()
    inherited: bool = False


def _context(doc: Doc, lex: QuoteLexicon) -> _Ctx:
    blocks = _blocks(doc)
    block_of = [0] * len(doc)
    for b, (s, e, _) in enumerate(blocks):
        block_of[s:e] = [b] * (e - s)
    table = doc.to_array(_TOKEN_COLUMNS)
    if doc.has_annotation("SENT_START"):
        sents = _tokens.sentence_bounds(doc, table[:, _SENT_START_COLUMN])
    else:
        sents = [(s, e) for s, e, _ in blocks]
    # sentences never cross blocks: cut them where the block changes
    changes = _block_changes(blocks, block_of)
    split = []
    for s, e in sents:
        cut = s
        for i in changes[bisect_right(changes, s):bisect_left(changes, e)]:
            split.append((cut, i))
            cut = i
        split.append((cut, e))
    sent_of = [0] * len(doc)
    for k, (s, e) in enumerate(split):
        sent_of[s:e] = [k] * (e - s)
    ctx = _Ctx(doc, lex, split, sent_of, block_of, blocks, [False] * len(doc), [],
               parsed=doc.has_annotation("DEP"), tagged=doc.has_annotation("POS"))
    _read_tokens(ctx, table)
    mentions = _mentions(ctx)
    if not any(m[2] == "PER" for m in mentions):  # no person NER: names by heuristic
        mentions = sorted(mentions + _pseudo_mentions(ctx))
    ctx.mentions = mentions
    return ctx


def _block_changes(blocks: list[tuple[int, int, str]], block_of: list[int]) -> list[int]:
    """The tokens whose block (``block_of``) is not the one of the token before them,
    ascending. The blocks set ``block_of`` a slice each, so it can only change where a
    block starts or ends: a look at those few tokens, not a pass over the Doc."""
    n = len(block_of)
    bounds = {s for s, _, _ in blocks} | {e for _, e, _ in blocks}
    return sorted(i for i in bounds if 0 < i < n and block_of[i] != block_of[i - 1])


#: coarse POS name by its id, with plain int keys (spaCy's ``NAMES`` has enum keys, which
#: make a lookup per token half again as slow)
_POS_NAME = {int(key): name for key, name in POS_NAMES.items()}
#: the token attributes the rules read, in one ``Doc.to_array`` (see :func:`_read_tokens`)
_TOKEN_COLUMNS = [ORTH, POS, MORPH, IDX, SPACY, IS_PUNCT, IS_SPACE, DEP, LEMMA, SENT_START]
#: where SENT_START is in the table (for the sentence bounds, read with the rest)
_SENT_START_COLUMN = _TOKEN_COLUMNS.index(SENT_START)


def _read_tokens(ctx: _Ctx, table: numpy.ndarray) -> None:
    """Fill the context's per-token lists from ``table``, the Doc's ``_TOKEN_COLUMNS``
    read in one ``Doc.to_array``, and the shared string cache: one pass per attribute in
    C, not a Token per look; the lexicon tests of every token are one dict lookup per
    token (see :func:`_word_classes`)."""
    doc, n = ctx.doc, len(ctx.doc)
    ctx.dep_ids, ctx.lemma_ids = table[:, 7], table[:, 8]  # asked for a few tokens only
    pos = table[:, 1]
    verb_like = (pos == VERB) | (pos == AUX)
    # the tokens a form in -e can make Konjunktiv: tagged a verb, or not tagged
    # (see _subjunctive_at)
    verb_or_untagged = numpy.flatnonzero(verb_like | (pos == 0)).tolist()
    orth, pos, ctx.morph, ctx.idx, ctx.ws = table[:, :5].T.tolist()
    ctx.punct, ctx.space = table[:, 5:7].astype(bool).T.tolist()
    ctx.pos = list(map(_POS_NAME.__getitem__, pos))
    ctx.text = _tokens.words(doc, orth)
    ctx.lower = _tokens.lower_words(ctx.text)
    cue_form, phrase_start, separator, subjunctive_form, ctx.cue_nouns_at = _word_classes(
        ctx.lex, ctx.text, ctx.lower, verb_or_untagged)
    verb_like[cue_form] = True
    ctx.cue_entries = _verb_entries(ctx, numpy.flatnonzero(verb_like).tolist())
    ctx.cue_starts = list(ctx.cue_entries)
    ctx.phrase_starts_at = phrase_start
    ctx.separators = separator
    # a token is Konjunktiv only by its MORPH or by its form: the others are answered now,
    # the rest (None) when a rule asks
    subjunctive: list[bool | None] = [False] * n
    maybe = sorted({*_subjunctive_moods(doc, ctx.morph), *subjunctive_form})
    for t in maybe:
        subjunctive[t] = None
    ctx.subjunctive, ctx.maybe_subjunctive = subjunctive, maybe


#: the tokens that split a sentence into segments (:func:`_segments`)
SEPARATORS = frozenset({",", ";"})
#: bits of :func:`_word_bits`: what a word form (lower case, or as written) is in the lexicon;
#: _WRITTEN: the lower case of a form in the table of forms as written
_CUE, _PHRASE, _KONJUNKTIV, _SOURCE_NOUN, _SEPARATOR, _CUE_NOUN, _WRITTEN = 1, 2, 4, 8, 16, 32, 64


def _word_bits(lex: QuoteLexicon) -> tuple[dict[str, int], dict[str, int]]:
    """(lower-case form -> bits, form as written -> bits) of the lexicon's word lists that
    every token is tested against; made on first use and kept on the lexicon. The lower-case
    table also marks (_WRITTEN) the lower case of every form as written: only the tokens
    so marked can be in the other table."""
    got = lex.__dict__.get("_quote_word_bits")
    if got is None:
        lower: dict[str, int] = {}
        written: dict[str, int] = {}
        for words, bit, table in ((lex.verbs, _CUE, lower), (lex.phrase_starts, _PHRASE, lower),
                                  (lex.konjunktiv, _KONJUNKTIV, lower),
                                  (lex.source_nouns, _SOURCE_NOUN, written),
                                  (SEPARATORS, _SEPARATOR, written),
                                  (lex.cue_nouns, _CUE_NOUN, written)):
            for word in words:
                table[word] = table.get(word, 0) | bit
        for word in written:
            lower[word.lower()] = lower.get(word.lower(), 0) | _WRITTEN
        got = lex.__dict__["_quote_word_bits"] = (lower, written)
    return got


def _word_classes(lex: QuoteLexicon, text: Sequence[str], lower: Sequence[str],
                  verb_or_untagged: list[int]
                  ) -> tuple[list[int], list[int], list[int], list[int], list[int]]:
    """Token indices, ascending: of the forms that can be a cue, of those that can start a
    source phrase, of the commas and semicolons, of the forms that can be Konjunktiv (the
    form tests of :func:`_subjunctive_at`: in the word list, or, among the tokens
    ``verb_or_untagged``, a lower-case form in -e of more than three letters that is no
    function word), and of the cue nouns. (A tagged token in -e that is no verb is no
    Konjunktiv by its form: the few verbs are tested, not the many nouns and adjectives.)

    One dict lookup per token finds every word-list entry at once (a set test per list and
    token cost four times as much; a cache of the answers per form was emptied and refilled
    all the time: 1,000 reports bring ~45,000 different forms), and a second one, of the
    form as written, only for the few tokens whose lower case is in that table."""
    lower_bits, written_bits = _word_bits(lex)
    by_lower = list(map(lower_bits.get, lower))
    listed = list(compress(range(len(lower)), by_lower))
    cue_form = [t for t in listed if by_lower[t] & _CUE]
    by_text = {t: written_bits.get(text[t], 0) for t in listed if by_lower[t] & _WRITTEN}
    sources = [t for t, bits in by_text.items() if bits]
    phrase_start = sorted({t for t in listed if by_lower[t] & _PHRASE} |
                          {t for t in sources if by_text[t] & _SOURCE_NOUN})
    separator = [t for t in sources if by_text[t] & _SEPARATOR]
    cue_nouns = [t for t in sources if by_text[t] & _CUE_NOUN]
    konjunktiv = [t for t in listed if by_lower[t] & _KONJUNKTIV]
    konjunktiv += [t for t in verb_or_untagged if lower[t].endswith("e") and len(lower[t]) > 3
                   and lower[t] not in FUNCTION_E and text[t].islower()]
    return cue_form, phrase_start, separator, konjunktiv, cue_nouns


#: MORPH key -> whether the analysis has Mood=Sub (a few hundred analyses at most)
_SUB_MOOD: dict[int, bool] = {}


def _subjunctive_moods(doc: Doc, keys: list[int]) -> list[int]:
    """The indices of the MORPH keys ``keys`` whose analysis is Konjunktiv (``Mood=Sub``),
    ascending: a few tokens of a Doc, picked out in C."""
    try:
        return list(compress(range(len(keys)), map(_SUB_MOOD.__getitem__, keys)))
    except KeyError:
        for key in keys:
            if key not in _SUB_MOOD:
                _SUB_MOOD[key] = _tokens.morph_get(doc, key, "Mood") == ["Sub"]
        return list(compress(range(len(keys)), map(_SUB_MOOD.__getitem__, keys)))


def _pseudo_mentions(ctx: _Ctx) -> list[tuple[int, int, str, int | None, str]]:
    """Person names without NER: capitalised words after a role noun ("Bundeskanzler Olaf
    Scholz"), and later mentions of the same surname ("Scholz"). Entity ids stay None."""
    out = []
    names: dict[str, str] = {}
    is_role, text, lower = ctx.lex.is_role, ctx.text, ctx.lower
    n = len(text)
    i = 0
    while i < n:
        if _cap(ctx, i) and is_role(text[i]):
            k = i + 1
            while k < n and k - i <= 3 and _cap(ctx, k) and not is_role(text[k]) \
                    and lower[k] not in DETS and lower[k] not in PREPS \
                    and lower[k] not in NP_STOP and text[k] not in ALL_MARKS:
                k += 1
            if k > i + 1:
                out.append((i + 1, k, "PER", None, ctx.span_text(i + 1, k)))
                names.setdefault(text[k - 1], ctx.span_text(i + 1, k))
                i = k
                continue
        i += 1
    taken = {t for s, e, *_ in out for t in range(s, e)}
    for t, word in enumerate(text):
        if t not in taken and word in names:
            out.append((t, t + 1, "PER", None, names[word]))
    out.sort()
    return out


def _phrase_at(ctx: _Ctx, i: int, hi: int) -> tuple[int, str] | None:
    """A source phrase starting at token i: (its length, where the source is)."""
    doc = ctx.doc
    low = ctx.lower
    if low[i] not in ctx.lex.phrase_starts and ctx.text[i] not in ctx.lex.source_nouns:
        return None
    if low[i] == "nach":  # nach [det] [adj]* Angaben/Untersuchungen/...
        k = i + 1
        if k < hi and ctx.lower[k] in DETS:
            k += 1
        while k < hi and _adj(ctx, k):
            k += 1
        if k < hi and (ctx.text[k] in ctx.lex.source_nouns or (
                "-" in ctx.text[k] or ctx.text[k][:1].isupper()) and ctx.lower[k].endswith(
                ("angaben", "berichten", "informationen", "schätzungen", "aussagen"))):
            return 1, "nach"
    if ctx.text[i] in ctx.lex.source_nouns and i + 1 < hi and ctx.lower[i + 1] == "nach" and \
            i > 0 and ctx.lower[i - 1] in DETS:  # "ihrer Meinung nach"
        return 2, "possessive"
    for n in (4, 3, 2, 1):
        key = tuple(low[i:min(i + n, hi)])
        if len(key) == n and key in ctx.lex.phrases:
            return n, ctx.lex.phrases[key]
    return None


def _find_sources(ctx: _Ctx, lo: int, hi: int) -> list[tuple[list[int], tuple[int, int] | None,
                                                            tuple[int, int]]]:
    """Source phrases in a sentence: (cue tokens, speaker NP, frame range to cut from the message)."""
    doc = ctx.doc
    out = []
    starts = ctx.phrase_starts_at
    i = lo
    while i < hi:
        if ctx.in_quote[i]:
            i += 1
            continue
        k = bisect_left(starts, i)
        if k == len(starts) or starts[k] != i:  # _phrase_at would say None: on to the next start
            i = starts[k] if k < len(starts) else hi
            continue
        hit = _phrase_at(ctx, i, hi)
        if hit is None:
            i += 1
            continue
        n, where = hit
        words = [t.lower_ for t in doc[i:i + n]]
        cue = list(range(i, i + n))
        if where == "nach":  # cue "nach", speaker from the noun on ("Angaben der Polizei")
            k = i + 1
            np = _np_after(ctx, k, hi)
            if np is None:
                i += 1
                continue
            out.append(([i], np, (i, _apposition_end(ctx, np[1], lo, hi, frozenset(), True))))
            i = np[1]
            continue
        if where == "possessive":  # "ihrer Meinung nach"
            out.append(([i + 1], (i - 1, i + 1), (i - 1, i + 2)))
            i += 2
            continue
        if words == ["so"]:
            # ", so der Sprecher." / ", so Müller weiter." - only as a frame after a comma
            if not (i > lo and ctx.text[i - 1] == ","):
                i += 1
                continue
            np = _np_after(ctx, i + 1, hi)
            if np is None:
                i += 1
                continue
            end = _clause_end(ctx, np[1], hi)
            end = min(end, hi)
            if end < hi and ctx.text[end] not in (",",):
                pass
            e = _apposition_end(ctx, np[1], lo, hi, frozenset())  # ", so X, der Sprecher."
            out.append((cue, np, (i - 1, max(e, _frame_end(ctx, e, hi)))))
            i = np[1]
            continue
        if where == "after":
            np = _np_after(ctx, i + n, hi)
            if np is None and i + n < hi and ctx.lower[i + n] in ("von", "vom"):
                np = _np_after(ctx, i + n + 1, hi)
            if np is None and i + n < hi and ctx.text[i + n] in OPEN_CLOSE:  # laut „Reuters“
                close = next((k for k in range(i + n + 1, min(hi, i + n + 8))
                              if ctx.text[k] in OPEN_CLOSE[ctx.text[i + n]]), None)
                if close is not None and close > i + n + 1:
                    np = (i + n, close + 1)
            if np is None:
                i += n
                continue
            if words[0] == "laut" and i > lo and ctx.text[i - 1][:1].islower() and \
                    ctx.pos[i - 1] == "AUX":
                pass
            frame = (i, _apposition_end(ctx, np[1], lo, hi, frozenset(), list_ok=True))
            out.append((cue, np, frame))
            i = np[1]
        elif where == "before":  # "X zufolge"
            k = i
            while k > lo and _np_token(ctx, k - 1) and ctx.lower[k - 1] not in SUBJ_PRONOUNS:
                k -= 1
            np = (k, i) if k < i else None
            out.append((cue, np, (k, i + n)))
            i += n
        else:  # "hieß es (aus Regierungskreisen)", "demnach"
            np = None
            end = i + n
            np = _prepositional_source(ctx, end, hi, ("aus", "von", "vom", "bei", "in"))
            if np:  # "hieß es aus Regierungskreisen": with "aus"
                end = np[1]
            if words[0] in ("hieß", "heißt") or words[-1] in ("hieß", "heißt"):
                # "hieß es" is the cue when it is the frame of a clause
                pass
            out.append((cue, np, (i, end)))
            i = end
    return out


def _frame_end(ctx: _Ctx, i: int, hi: int) -> int:
    """End of a reporting frame after the speaker: up to the next comma or the sentence end."""
    k = i
    while k < hi and ctx.text[k] not in (",", ";", ":") and ctx.text[k] not in ALL_MARKS:
        k += 1
    return k


REL_PRONOUNS = frozenset("der die das dem den denen deren dessen welcher welche welches".split())


def _wie_span(ctx: _Ctx, s: int, e: int) -> tuple[int, int] | None:
    """"Wie das Nachrichtenmagazin Der Spiegel in einem Vorabbericht berichtet": everything
    between "wie" and the verb is the source when it holds no verb (as the gold marks it)."""
    doc = ctx.doc
    while e > s and ctx.lower[e - 1] in AUX_WORDS:
        e -= 1
    if e - s < 1 or e - s > 16 or not _cap(ctx, s) and ctx.lower[s] not in DETS:
        return None
    if any(ctx.pos[t] in ("VERB", "AUX") or ctx.text[t] in (".", ";", ":") or ctx.in_quote[t]
           and ctx.text[t] not in ALL_MARKS for t in range(s, e)):
        return None
    return s, e


def _noun_cue(ctx: _Ctx, lo: int, end: int, claimed: set[int]) -> "_Found | None":
    """A cue noun right before a comma and a content clause (dass/ob, Konjunktiv or a
    zu-infinitive): the message is the clause, the cue the clause's verb and the noun, the
    speaker the verb's subject."""
    doc = ctx.doc
    at = ctx.cue_nouns_at
    for n in at[bisect_left(at, lo + 1):bisect_left(at, end - 2)]:
        if ctx.in_quote[n]:
            continue
        c = n + 1  # "die Auffassung vertreten, ...": the clause's verb may follow the noun
        while c < min(end, n + 3) and ctx.pos[c] in ("VERB", "AUX") and ctx.text[c] != ",":
            c += 1
        if c >= end - 1 or ctx.text[c] != ",":
            continue
        s = c + 1
        if any(t in claimed for t in range(s, end)) or not _is_clause(ctx, s, end):
            continue
        infinitive = any(ctx.lower[t] == "zu" and ctx.text[t + 1].islower()
                         for t in range(s, end - 1))
        if not (ctx.lower[s] in CONTENT_START or _has_subjunctive(ctx, s, end) or infinitive):
            continue
        v = next((t for t in range(n - 1, lo - 1, -1) if ctx.pos[t] in ("VERB", "AUX")
                  and not ctx.in_quote[t]), None)
        if v is None or any(ctx.text[t] in (",", ";", ":") for t in range(v, n)):
            continue
        cue = [v, n, *range(n + 1, c)]
        speaker = _speaker_for_verb(ctx, v, cue, lo, c, (s, end))
        ms, me = _trim(ctx, s, end)
        if me > ms:
            return _Found(ms, me, "indirect", speaker, tuple(cue), ((ms, me),))
    return None


def _is_clause(ctx: _Ctx, s: int, e: int) -> bool:
    """Whether [s, e) after a reporting verb's comma can be its content: not an apposition
    ("sagte Müller, der Bürgermeister von X") nor a relative clause ("Müller, der seit 2005
    im Amt ist")."""
    doc = ctx.doc
    infinitive = any(ctx.lower[t] == "zu" and ctx.text[t + 1].islower() and
                     not _adj(ctx, t + 1) or ctx.lower[t] == "zu" and t + 2 == e
                     for t in range(s, e - 1))  # "..., die Kontrollen zu verstärken"
    if not infinitive and all(_appos_token(ctx, t) for t in range(s, e)):
        return False
    r = s + 1 if ctx.pos[s] == "ADP" and s + 1 < e else s  # "von dem nur ... gelten"
    if ctx.lower[r] in REL_PRONOUNS and r + 1 < e:
        nxt = r + 1
        if _tokens.morph_get(doc, ctx.morph[r], "PronType") == ["Rel"] or \
                ctx.lower[r] in ("denen", "dessen"):
            return False
        if ctx.pos[r] and ctx.pos[nxt] and not (
                ctx.pos[nxt] in ("ADJ", "NOUN", "PROPN", "NUM", "DET", "X") or _cap(ctx, nxt)):
            return False  # "…, der am Sonntag …", "…, das sich …": a relative clause
    if ctx.lower[s] in REL_PRONOUNS and s + 1 < e:
        nxt = s + 1
        if not ctx.pos[s] and ctx.text[nxt].islower() and not _adj(ctx, nxt) and \
                not _subjunctive(ctx, nxt):
            return False
    return True


def _has_verb(ctx: _Ctx, s: int, e: int) -> bool:
    """Whether [s, e) has a verb (always True without a tagger): "Petra Pau,
    PDS-Abgeordnete, spricht von ..." has none before the cue, so it is no content clause."""
    if not ctx.tagged:
        return True
    return any(ctx.pos[t] in ("VERB", "AUX") or ctx.lower[t] in AUX_WORDS for t in range(s, e))


def _frame_after_content(ctx: _Ctx, lo: int, first: int, s: int, end: int, strength: str) -> bool:
    """"Die Lage sei ernst, sagte X, ..." - the verb is an inverted frame after its content,
    so what follows its next comma is not a content clause (unless dass/ob or Konjunktiv)."""
    doc = ctx.doc
    p = first - 1
    while p > lo and ctx.space[p]:
        p -= 1
    if p <= lo or ctx.text[p] != "," or ctx.lower[s] in CONTENT_START:
        return False
    b = lo
    while b < p and (ctx.punct[b] or ctx.space[b]):
        b += 1
    if p - b < 3 or not _has_subjunctive(ctx, b, p):
        return False
    return not _has_subjunctive(ctx, s, end)


MAIN_DEPS = ("ROOT", "root")
WINDOW = 18


def _main_subjunctive(ctx: _Ctx, s: int, e: int) -> int | None:
    """The Konjunktiv verb of a sentence's main clause (a continuation of reported speech):
    with a parse, the root or its auxiliary, copula or coordinated verb, anywhere in the
    sentence; without one, a Konjunktiv form among the first 18 tokens."""
    doc = ctx.doc
    parsed = ctx.parsed
    for t in _maybe_subjunctive(ctx, s, e if parsed else min(e, s + 18)):
        if ctx.in_quote[t] or not _subjunctive(ctx, t):
            continue
        if not parsed or t < s + WINDOW:
            return t
        tok = doc[t]  # only now: a Token per word asked was a tenth of the component
        head = tok.head if tok.dep_ in ("aux", "aux:pass", "cop") else tok
        if head.dep_ == "conj":
            head = head.head
        if head.dep_ in MAIN_DEPS:
            return t
    return None


def _reportative(ctx: _Ctx, s: int, e: int) -> int | None:
    """The finite "soll"/"sollen" of a sentence's main clause: in agency copy it marks what
    others report or plan ("Der Mann soll Gelder veruntreut haben", "Die Kürzungen sollen
    vor allem die Verwaltung treffen") - in the indicative, so no Konjunktiv shows it."""
    doc = ctx.doc
    end = e
    while end > s and (ctx.punct[end - 1] or ctx.space[end - 1]):
        end -= 1
    if end - s < 4:
        return None
    soll = next((t for t in range(s, end - 1) if ctx.lower[t] in ("soll", "sollen")
                 and not ctx.in_quote[t]), None)
    if soll is None or ctx.parsed and not (
            ctx.dep(soll) in MAIN_DEPS or doc[soll].head.dep_ in MAIN_DEPS):
        return None
    return soll


def _is_name(ctx: _Ctx, s: int, e: int) -> bool:
    """A name in quotation marks, not a quotation: the newspaper „Financial Times“, the ship
    „Hvalur 9“, the website „icelandreview.com“, the film „This Is It“ - up to six words, each
    capitalised (or a number), or one proper noun or web address."""
    doc = ctx.doc
    words = [doc[t] for t in range(s, e) if not (ctx.punct[t] and ctx.text[t] in "-–'.")]
    if not words or len(words) > 6:
        return False
    if len(words) == 1:
        w = words[0]
        return w.pos_ == "PROPN" or ("." in w.text.strip(".") and " " not in w.text) or w.like_url
    if not words[0].text[:1].isupper():
        return False
    return all(w.text[:1].isupper() or w.like_num or w.lower_ in QUOTED_NAME_SMALL_WORDS for w in words)


#: lower-case words inside quoted names ("Department of Vertebrate Zoology", "Biennale for
#: Contemporary Art", "Ethiopian People's Revolutionary Democratic Front")
QUOTED_NAME_SMALL_WORDS = frozenset("of for the and in on at 's de la le du des del da di y et".split())


COORD = frozenset({"und", "sowie", "aber", "doch", "oder"})


def _segments(ctx: _Ctx, lo: int, hi: int) -> list[tuple[int, int]]:
    """A sentence split at semicolons outside quotation marks: each part can report its own
    source ("Laut Polizei ist er 24; demnach wäre er ...")."""
    out, start = [], lo
    seps = ctx.separators  # only a comma or semicolon splits
    for t in seps[bisect_left(seps, lo):bisect_left(seps, hi)]:
        if ctx.in_quote[t] or t - start < 3 or hi - t <= 3:
            continue
        if ctx.text[t] == ";" or ctx.text[t] == "," and ctx.lower[t + 1] in COORD and any(
                _cue_at(ctx, k, t + 1, hi) for k in range(t + 2, min(hi, t + 5))):
            # "…, und gab an, die Polizei zu informieren": a second reporting clause
            out.append((start, t))
            start = t + 1
    out.append((start, hi))
    return out


def _has_free(claimed: set[int], s: int, e: int, n: int) -> bool:
    """Whether at least n of the tokens [s, e) are not claimed."""
    for t in range(s, e):
        if t not in claimed:
            n -= 1
            if not n:
                return True
    return False


def _may_report(ctx: _Ctx, lo: int, end: int) -> bool:
    """Whether [lo, end) has a word :func:`_indirect` can start from: a reporting verb, a
    source phrase or a cue noun. Most segments have none, and the rules would each look
    at them in vain."""
    return _any_in(ctx.cue_starts, lo, end) or _any_in(ctx.phrase_starts_at, lo, end) or (
        NOUN_CUES and _any_in(ctx.cue_nouns_at, lo + 1, end - 2))


def _any_in(ascending: list[int], lo: int, hi: int) -> bool:
    """Whether the ascending list has a value in [lo, hi)."""
    k = bisect_left(ascending, lo)
    return k < len(ascending) and ascending[k] < hi


def _indirect(ctx: _Ctx, lo: int, hi: int, claimed: set[int]) -> _Found | None:
    """Indirect speech in the sentence [lo, hi): a reporting verb with its content clause,
    or a source phrase; None if there is none."""
    doc = ctx.doc
    end = hi
    while end > lo and (ctx.space[end - 1] or ctx.text[end - 1] in (".", "!", "?")):
        end -= 1
    if end <= lo or not _may_report(ctx, lo, end):
        return None
    if not _has_free(claimed, lo, end, 3):
        return None
    cues = _sent_cues(ctx, lo, end)
    for v, cue, strength in cues:
        if v in claimed:
            continue
        first, last = cue[0], cue[-1]
        # A: "X sagte (am Montag), CLAUSE" - content after the next comma or colon
        k = _clause_end(ctx, last + 1, end)
        if k < end and ctx.text[k] in (",", ":") and k - last <= 14:
            s = k + 1
            while s < end and ctx.space[s]:
                s += 1
            if s < end and ctx.lower[s] not in NOT_CONTENT and not ctx.in_quote[s - 1] and \
                    not _cue_at(ctx, s, s, end) and _is_clause(ctx, s, end) and \
                    not (ctx.lower[s] in AUX_WORDS and _cue_at(ctx, end - 1, s, end)) and \
                    not _frame_after_content(ctx, lo, first, s, end, strength):
                content_ok = ctx.lower[s] in CONTENT_START or ctx.text[k] == ":" or \
                    _has_subjunctive(ctx, s, end)
                if strength == "speech" and not content_ok:
                    content_ok = ctx.lower[s] not in ("welche", "welcher", "was", "wo")
                if content_ok and not any(t in claimed for t in range(s, end)):
                    speaker = _speaker_for_verb(ctx, v, cue, lo, k, (s, end))
                    w = next((t for t in range(first - 1, max(lo, first - 10) - 1, -1)
                              if ctx.lower[t] == "wie"), None)
                    if w is not None and (w == lo or ctx.text[w - 1] == ",") and all(
                            ctx.text[t] not in (",", ".") for t in range(w, first)):
                        cue = [w, *cue]  # "Wie die Polizei mitteilte, ..." (the gold's cue)
                    ms, me = _trim(ctx, s, end)
                    if me > ms:
                        return _Found(ms, me, "indirect", speaker, tuple(cue), ((ms, me),))
    for v, cue, strength in cues:
        if v in claimed:
            continue
        first, last = cue[0], cue[-1]
        # B: "CLAUSE, sagte X." / "CLAUSE, teilte X mit." - verb right after a comma
        p = first - 1
        while p > lo and ctx.space[p]:
            p -= 1
        aux = None
        if ctx.text[p] != "," and last + 1 >= end or ctx.text[p] != "," and \
                ctx.text[last + 1] in (",", ";"):
            # "CLAUSE, hatte Obama in Moskau gesagt.": the auxiliary after the comma
            c = next((t for t in range(first - 1, max(lo, first - 25), -1)
                      if ctx.punct[t]), None)
            if c is not None and ctx.text[c] == "," and c + 1 < first and \
                    ctx.lower[c + 1] in AUX_WORDS and ctx.lower[c + 1] not in PASSIVE_AUX:
                p, aux = c, c + 1
        if p > lo and ctx.text[p] == "," and not ctx.in_quote[p - 1]:
            s = lo
            # "Er betonte, ... , sagte er" is A; here the content starts the sentence
            while s < p and (ctx.punct[s] or ctx.space[s]):
                s += 1
            if p - s >= 3 and not any(t in claimed for t in range(s, p)) and (
                    strength == "speech" or _has_subjunctive(ctx, s, p)) and (
                    _has_subjunctive(ctx, s, p) or ctx.lower[s] not in NOT_CONTENT) and (
                    _has_verb(ctx, s, p)):
                fe = _frame_end(ctx, last + 1, end)
                if aux is not None:
                    cue = [aux, *cue]
                    speaker = _np_after(ctx, aux + 1, first)
                else:
                    speaker = _speaker_for_verb(ctx, v, cue, p + 1, fe, (s, p))
                ms, me = _trim(ctx, s, p)
                if me > ms:
                    return _Found(ms, me, "indirect", speaker, tuple(cue), ((ms, me),))
        # C: "wie X mitteilte, CLAUSE" / "CLAUSE, wie X mitteilte."
        w = next((t for t in range(first - 1, max(lo, first - 16) - 1, -1)
                  if ctx.lower[t] == "wie"), None)
        wie_np = None
        if w is not None and not all(ctx.text[t] not in (",", ".") for t in range(w, first)):
            # "wie Alan Stern, Direktor des Missionsrats, betont": commas of an apposition
            wie_np = _np_after(ctx, w + 1, first)
            if wie_np is None or _apposition_end(ctx, wie_np[1], w + 1, first, frozenset(),
                                                 list_ok=True) not in (first, first - 1):
                w = None
        elif w is not None and first - w > 10:
            w = None
        if w is not None:
            np = wie_np or _wie_span(ctx, w + 1, first) or _np_before(ctx, first, w + 1) or \
                _np_after(ctx, w + 1, first)
            cue_t = (w, *cue)
            if w == lo or (w > lo and ctx.text[w - 1] == "," and w - 1 > lo):
                if w == lo:  # "Wie X mitteilte, CLAUSE"
                    k = _clause_end(ctx, last + 1, end)
                    if k < end and ctx.text[k] == ",":
                        ms, me = _trim(ctx, k + 1, end)
                        if me > ms:
                            return _Found(ms, me, "indirect", np, cue_t, ((ms, me),))
                else:  # "CLAUSE, wie X mitteilte."
                    ms, me = _trim(ctx, lo, w - 1)
                    if me - ms >= 3:
                        return _Found(ms, me, "indirect", np, cue_t, ((ms, me),))
    # A': "X vertrat die Ansicht, dass ...", "X erteilte den Befehl, ... zu helfen"
    found = _noun_cue(ctx, lo, end, claimed) if NOUN_CUES else None
    if found is not None:
        return found
    # D: source phrases: laut X, nach Angaben X, X zufolge, so X, hieß es
    for cue, np, (fs, fe) in _find_sources(ctx, lo, end):
        if any(t in claimed for t in cue):
            continue
        words = " ".join(ctx.lower[t] for t in cue)
        if words in ("hieß es", "heißt es", "es hieß", "es heißt", "wie es hieß", "verlautete"):
            # "CLAUSE, hieß es (aus X)." or "Es hieß, CLAUSE"
            if fs > lo and ctx.text[fs - 1] == ",":
                ms, me = _trim(ctx, lo, fs - 1)
            elif fs == lo or all(ctx.punct[t] for t in range(lo, fs)) or (
                    fe < end and ctx.text[fe] == ","):
                if np is None and fs > lo + 1:  # "In einer Erklärung heißt es"
                    np = _prepositional_source(ctx, lo, fs)
                ms, me = _trim(ctx, fe, end)
            else:
                continue
            if me - ms >= 3:
                return _Found(ms, me, "indirect", np, tuple(cue), ((ms, me),))
            continue
        # the message is the rest of the sentence, the frame cut out
        left = _trim(ctx, lo, fs)
        right = _trim(ctx, fe, end)
        parts = tuple(p for p in (left, right) if p[1] - p[0] >= 1)
        if not parts or sum(e - s for s, e in parts) < 3:
            continue
        if words == "demnach":  # the gold's convention: "demnach" is cue and source
            np = (cue[0], cue[0] + 1)
        ms, me = parts[0][0], parts[-1][1]
        return _Found(ms, me, "indirect", np, tuple(cue), parts)
    return None


def _is_continuation(f: "_Found") -> bool:
    """A cue-less continuation sentence found after its quote (no speaker of its own)."""
    return f.kind in ("indirect", "mixed") and f.inherited and not f.cue and f.speaker is None


#: a quote without reporting clause takes the speaker of one at most this many sentences before
INHERIT_GAP = 2
#: thought verbs that with an object are not reported thought ("fand einen Brief")
NOT_REPORTED = frozenset({"finden", "zeigen", "wissen", "überzeugen", "denken", "schätzen",
                          "rufen", "melden", "entscheiden", "berufen"})
#: objects that make "fordern" a count of victims, not a demand ("forderte zwölf Todesopfer")
CASUALTY_NOUNS = frozenset({"Todesopfer", "Tote", "Toten", "Menschenleben", "Opfer", "Leben",
                            "Verletzte", "Verletzten"})
PASSIVE_AUX = frozenset("wird werden wurde wurden worden".split())
#: subjects that are not sources ("Das beschloss ...", "Ihnen drohen ...")
NOT_SOURCE = frozenset("das dies es ihnen ihm wikinews was".split())


def _reported_ok(ctx: _Ctx, v: int, cue: list[int], sp: tuple[int, int], lo: int, hi: int
                 ) -> bool:
    """Whether "X kritisierte die Entscheidung." is reported speech: the reporting verb heads
    the main clause in the active voice, and its subject is a source."""
    doc = ctx.doc
    verb = doc[v]
    if any(ctx.lower[t] in PASSIVE_AUX for t in cue) or doc[sp[1] - 1].lower_ in NOT_SOURCE:
        return False
    first = next((t for t in range(lo, hi) if not (ctx.punct[t] or ctx.space[t])), lo)
    if ctx.lower[first] in NOT_SOURCE and first + 1 < hi and (
            ctx.pos[first + 1] in ("VERB", "AUX") or first + 1 in cue):
        return False  # "Das teilte ein Sprecher mit.": it reports the sentence before
    if any(ctx.text[t] == "(" for t in range(max(lo, sp[0] - 2), sp[0])):
        return False  # "(Wikinews berichtete)"
    lemma = ctx.lex.verbs.get(verb.lower_, (verb.lemma_,))[0]
    if lemma in NOT_REPORTED and not any(t > v for t in cue):  # "rief ... auf" is aufrufen
        return False
    if lemma == "fordern" and any(ctx.text[t] in CASUALTY_NOUNS for t in range(lo, hi)):
        return False
    if lemma == "annehmen":  # without a content clause: accept, take on ("nahm Ausmaße an")
        return False
    if lemma == "sprechen" and not any(ctx.lower[t] in ("von", "über") for t in range(v + 1, hi)):
        return False  # "sprach mit seiner Frau", "sprach ein Gebet"
    if ctx.parsed:
        head = verb if verb.dep_ in ("ROOT", "root") or verb.dep_ == "conj" and \
            verb.head.dep_ in ("ROOT", "root") else None
        if head is None:
            return False
        if any(c.dep in _PASSIVE_DEPS for c in head.children):
            return False
        if any(c.dep == _NSUBJ and sp[0] <= c.i < sp[1] for c in head.children):
            return True
        # a misparsed subject right before the verb at the start of the sentence
        return sp[1] == cue[0] and all(ctx.punct[t] or ctx.space[t] for t in range(lo, sp[0]))
    return not any(ctx.lower[t] in PASSIVE_AUX for t in range(lo, hi))


def _direct_frames(ctx: _Ctx, quotes: list[tuple[int, int, bool]], indirect: bool = True
                   ) -> list[_Found]:
    """Top-level quotations attached to a reporting frame: after („…“, sagte X), before
    (X sagte: „…“), around (split quotes), and headline speakers (Erdogan: „…“)."""
    doc = ctx.doc
    found: list[_Found] = []
    used: set[int] = set()
    opens = [o for o, _, _ in quotes]
    # the next word (not punctuation, not space, not in a quote found so far) at or after
    # a token: a skip list over tokens that are not one. ``ctx.in_quote`` only turns True in
    # the loop below, so a token skipped once stays skipped (checked again on each look)
    skip = list(range(1, len(doc) + 1))
    punct, space, in_quote = ctx.punct, ctx.space, ctx.in_quote
    n_tok = len(doc)

    def word_at(t: int) -> int:
        path = []
        while t < n_tok and (punct[t] or space[t] or in_quote[t]):
            path.append(t)
            t = skip[t]
        for p in path:
            skip[p] = t
        return t

    for n, (o, c, closed) in enumerate(quotes):
        if n in used:
            continue
        s_lo, s_hi = ctx.sents[ctx.sent_of[o]]
        s_hi = max(s_hi, ctx.sents[ctx.sent_of[c]][1])
        inner = c - o - 1
        # after: „…“, sagte X (am Montag)[, „…“].   „…“, so X.
        j = c + 1
        if j < s_hi and ctx.text[j] == ",":
            j += 1
        elif j < s_hi and ctx.text[c - 1] in (",", "?", "!"):
            pass
        else:
            j = -1
        if closed and 0 < j < s_hi:
            hit = _cue_at(ctx, j, j, s_hi)
            cue: list[int] | None = None
            speaker = None
            frame_end = j
            if hit:
                cue = hit[0]
                speaker = _np_after(ctx, cue[0] + 1, s_hi)
                if speaker and doc[speaker[0]].lower_ == "es":
                    speaker = None
                frame_end = _frame_end(ctx, max(cue[-1] + 1, speaker[1] if speaker else 0), s_hi)
            elif ctx.lower[j] == "so":
                speaker = _np_after(ctx, j + 1, s_hi)
                if speaker:
                    cue = [j]
                    frame_end = _frame_end(ctx, speaker[1], s_hi)
            elif ctx.lower[j] in ("hieß", "heißt") and j + 1 < s_hi and ctx.lower[j + 1] == "es":
                cue = [j, j + 1]
                frame_end = _frame_end(ctx, j + 2, s_hi)
                k = j + 2
                if k < s_hi and ctx.lower[k] in ("aus", "von", "vom", "bei", "in"):
                    speaker = _np_after(ctx, k + 1, s_hi)
            if cue is not None:
                if hit and speaker is None:  # "„…“, sagte der Sprecher" parsed differently
                    speaker = _speaker_for_verb(ctx, cue[-1], cue, j, frame_end, (o, c + 1))
                parts = [(o, c + 1)]
                end = c + 1
                # mixed: "Frankreich sei „ein unverzichtbarer Partner“, sagte ..."
                # (only the first two words of the sentence before o outside quotes count:
                # found by skipping, not by a scan from the sentence start per quote)
                pre0 = word_at(s_lo)
                pre = [pre0, word_at(pre0 + 1)] if pre0 < o else []
                pre = [t for t in pre if t < o]
                if indirect and len(pre) >= 2 and ctx.text[o - 1] != ":":
                    # every quoted part of the sentence is literal: "Die „unter Druck
                    # stehenden Soldaten“ hätten „Zivilisten getötet“, so Murtha."
                    # (the quotes from pre[0] on, sorted by opening mark: a bisection)
                    lit = tuple((a, b + 1) for a, b, _ in quotes[
                                bisect_left(opens, pre[0]):bisect_right(opens, c)]
                                if b <= c and not _is_name(ctx, a + 1, b))
                    found.append(_Found(pre[0], c + 1, "mixed", speaker, tuple(cue),
                                        ((pre[0], c + 1),), lit or ((o, c + 1),)))
                    for t in range(pre[0], frame_end):
                        ctx.in_quote[t] = True
                    used.add(n)
                    continue
                # split quote: „…“, sagte X, „…“ (also after a colon)
                k = frame_end
                if k < s_hi and ctx.text[k] in (",", ":") and n + 1 < len(quotes) and \
                        quotes[n + 1][0] == k + 1:
                    o2, c2, _ = quotes[n + 1]
                    parts.append((o2, c2 + 1))
                    end = c2 + 1
                    used.add(n + 1)
                    frame_end = c2 + 1
                found.append(_Found(o, end, "direct", speaker, tuple(cue), tuple(parts)))
                for t in range(o, max(end, frame_end)):
                    ctx.in_quote[t] = True
                used.add(n)
                continue
        # before: X sagte: „…“ / Erdogan: „…“
        p = o - 1
        if p >= s_lo and ctx.text[p] in (":", ","):
            cues = [(v, cue, st) for v, cue, st in _sent_cues(ctx, s_lo, p)]
            if cues:
                v, cue, _ = cues[-1]
                speaker = _speaker_for_verb(ctx, v, cue, s_lo, p, (o, c + 1))
                if ctx.text[p] == ":" or cue[-1] >= p - 3:
                    found.append(_Found(o, c + 1, "direct", speaker, tuple(cue), ((o, c + 1),)))
                    used.add(n)
                    continue
            if ctx.text[p] == ":":
                frame = _heisst_es_frame(ctx, s_lo, p)
                if frame is not None:  # "In dem Schreiben heißt es wörtlich: „…“"
                    found.append(_Found(o, c + 1, "direct", frame[1], tuple(frame[0]),
                                        ((o, c + 1),)))
                    used.add(n)
                    continue
                np = _np_before(ctx, p, s_lo)
                if np and np[0] == s_lo or (np and all(ctx.punct[t] for t in range(s_lo, np[0]))):
                    found.append(_Found(o, c + 1, "direct", np, (), ((o, c + 1),)))
                    used.add(n)
                    continue
    return found


def _heisst_es_frame(ctx: _Ctx, lo: int, hi: int
                     ) -> tuple[list[int], tuple[int, int] | None] | None:
    """(cue, source) of a frame "In X heißt es:" / "So heißt es in X:" / "hieß es aus X:"
    before a colon, with the preposition in the source as the gold marks it; else None."""
    doc = ctx.doc
    k = next((t for t in range(lo, hi - 1) if ctx.lower[t] in ("heißt", "hieß")
              and ctx.lower[t + 1] == "es"), None)
    if k is None:
        return None
    cue = [k, k + 1]
    for start in (k + 2, lo + 1 if ctx.lower[lo] == "so" else lo):
        source = _prepositional_source(ctx, start, hi)
        if source is not None:
            return cue, source
    return cue, None


#: prepositions that introduce the source of "heißt es" ("In der Erklärung heißt es")
SOURCE_PREPS = ("in", "im", "aus", "bei")


def _prepositional_source(ctx: _Ctx, p: int, hi: int, preps: tuple[str, ...] = SOURCE_PREPS
                          ) -> tuple[int, int] | None:
    """The source "preposition + noun phrase" at token p ("aus Regierungskreisen", "In einer
    Erklärung"), preposition included as the Wikinews gold marks it; None if there is none."""
    if p >= hi or ctx.lower[p] not in preps:
        return None
    np = _np_after(ctx, p + 1, hi)
    return (p, np[1]) if np is not None else None


def _headline(ctx: _Ctx, lo: int, hi: int) -> _Found | None:
    """"Erdogan: Wir werden nicht nachgeben" in a headline or subheading."""
    doc = ctx.doc
    colon = next((t for t in range(lo, min(hi, lo + 6)) if ctx.text[t] == ":"), None)
    if colon is None or colon == lo or colon + 1 >= hi:
        return None
    np = _np_before(ctx, colon, lo)
    if np is None or np[0] != lo:
        return None
    ms, me = _trim(ctx, colon + 1, hi)
    if me - ms < 2:
        return None
    return _Found(ms, me, "direct", np, (), ((ms, me),))


def find_quotes(doc: Doc, lexicon: QuoteLexicon | None = None, *, indirect: bool = True,
                continuations: bool = True, max_gap: int = 6, reported: bool = True
                ) -> Iterator[Quote]:
    """Yield the quotations of a Doc in text order; leave the Doc alone.

    Args:
        doc: a Doc; sentences (``doc.sents``), a parser, a morphologizer, NER and the
            entities resolver's ``doc.spans["mentions"]`` are each used when present.
        lexicon: reporting verbs, source phrases, Konjunktiv forms, role nouns
            (default: ``pipeline/data/quotes``).
        indirect: also find indirect and mixed speech (False: direct only).
        continuations: sentences with no reporting clause that continue the previous
            quote (Konjunktiv sentences, quotation-mark paragraphs) get its speaker.
        max_gap: at most this many sentences between a quote and its continuation; the
            continuation takes the quote's speaker only within ``INHERIT_GAP`` sentences.
        reported: also yield reported speech without a content clause ("Die Opposition
            kritisierte die Entscheidung."): kind ``reported``, the whole sentence, no cue.

    Yields:
        :class:`Quote` records (character offsets, as in the quotes table).
    """
    lex = lexicon or default_lexicon()
    if not len(doc):
        return
    ctx = _context(doc, lex)
    marks: list[tuple[int, int, bool]] = []
    all_marks: list[tuple[int, int, int, bool]] = []
    for s, e, _ in ctx.blocks:
        q = find_quotation_marks(doc, s, e, ctx.text, ctx.space)
        all_marks.extend(q)
        marks.extend((o, c, closed) for o, c, depth, closed in q if depth == 0)
    marks.sort()
    found = _direct_frames(ctx, marks, indirect)
    claimed = {t for f in found for t in range(f.start, f.end)}
    for f in found:
        claimed |= set(f.cue)
        if f.speaker:
            claimed |= set(range(*f.speaker))
    open_marks = [(o, c, closed) for o, c, closed in marks if o not in claimed]
    in_marks = [False] * len(doc)
    for o, c, _ in marks:
        in_marks[o:c + 1] = repeat(True, c + 1 - o)
    ctx.in_quote = in_marks
    head_blocks = {b for b, (_, _, label) in enumerate(ctx.blocks) if label in HEAD_LABELS}
    by_sent: list[_Found] = []
    for k, (lo, hi) in enumerate(ctx.sents):
        if ctx.block_of[lo] in head_blocks:
            h = _headline(ctx, lo, hi)
            if h and not any(t in claimed for t in range(h.start, h.end)):
                by_sent.append(h)
            continue
        if not indirect or not _may_report(ctx, lo, hi):
            continue  # (no segment of the sentence has a word to start from)
        for seg_lo, seg_hi in _segments(ctx, lo, hi):
            f = _indirect(ctx, seg_lo, seg_hi, claimed)
            if f is None:
                continue
            lit = tuple((o, c + 1) for o, c, _ in open_marks if f.start <= o and c < f.end
                        and not (f.speaker and f.speaker[0] <= o < f.speaker[1])  # laut „AP“
                        and not _is_name(ctx, o + 1, c))
            if lit:
                f = f._replace(kind="mixed", literal=lit)
            by_sent.append(f)
            claimed |= set(range(f.start, f.end))
    # the rest of the quotation marks: whole-sentence quotes, phrases in a cue sentence
    for o, c, closed in open_marks:
        if o in claimed:
            continue
        k = ctx.sent_of[o]
        lo, hi = ctx.sents[k]
        inner = c - o - 1
        whole = _blank(ctx, lo, o) and _blank(ctx, c + 1, hi)
        cues = [x for x in _sent_cues(ctx, lo, hi) if not (o <= x[0] <= c)]
        if whole and inner >= 2:
            found.append(_Found(o, c + 1, "direct", None, (), ((o, c + 1),), inherited=True))
        elif cues and inner >= 1 and not _is_name(ctx, o + 1, c):
            v, cue, _ = cues[0]
            speaker = _speaker_for_verb(ctx, v, cue, lo, hi, (o, c + 1))
            found.append(_Found(o, c + 1, "direct", speaker, tuple(cue), ((o, c + 1),)))
        elif inner >= 6 and any(ctx.pos[t] in ("VERB", "AUX") or _subjunctive(ctx, t)
                                for t in range(o + 1, c)):
            found.append(_Found(o, c + 1, "direct", None, (), ((o, c + 1),), inherited=True))
        else:
            continue
        claimed |= set(range(o, c + 1))
    items = sorted(by_sent + found, key=lambda f: f.start)
    # continuations: Konjunktiv sentences without a reporting clause after a quote
    if (continuations or reported) and indirect:
        covered = set()
        for f in items:  # the sentences of the tokens [start, end): a run of sentences
            if f.end > f.start:
                covered.update(range(ctx.sent_of[f.start], ctx.sent_of[f.end - 1] + 1))
        extra = []
        sent_items = {ctx.sent_of[f.start]: f for f in items}
        last_k = None
        for k, (lo, hi) in enumerate(ctx.sents):
            if k in sent_items:
                last_k = k
                continue
            if k in covered or ctx.block_of[lo] in head_blocks:
                continue
            # a reporting sentence without a content clause ("Er kritisierte das Gesetz.",
            # "Die Gewerkschaft bezeichnet das als Irrweg.") can still be continued
            anchor = None
            for v, cue, strength in _sent_cues(ctx, lo, hi):
                if strength == "speech" or (strength == "weak" and WEAK_REPORTED):
                    sp = _speaker_for_verb(ctx, v, cue, lo, hi, (hi, hi))
                    if sp:
                        ok = _reported_ok(ctx, v, cue, sp, lo, hi)
                        if strength == "weak" and not ok:
                            continue
                        anchor = _Found(lo, hi, "anchor", sp, tuple(cue), (), inherited=ok)
                        break
            if anchor is not None:
                if reported and anchor.inherited:
                    s, e = lo, hi
                    while s < e and ctx.space[s]:
                        s += 1
                    while e > s and ctx.space[e - 1]:
                        e -= 1
                    anchor = anchor._replace(start=s, end=e, kind="reported", parts=((s, e),),
                                             cue=(),
                                             inherited=False)
                extra.append(anchor)
                last_k = k
                continue
            if not continuations or last_k is None or k - last_k > max_gap:
                continue
            s, e = lo, hi
            while s < e and (ctx.space[s] or ctx.punct[s] and ctx.text[s] not in ALL_MARKS):
                s += 1
            while e > s and ctx.space[e - 1]:
                e -= 1
            if e - s < 3 or in_marks[s] and ctx.text[s] in ALL_MARKS:  # a quote begins the sentence
                continue
            head = _main_subjunctive(ctx, s, e)
            if head is None and REPORTATIVE:
                head = _reportative(ctx, s, e)
            if head is None or ctx.lower[s] in ("wenn", "falls", "ob", "als"):
                continue
            lit = tuple((o, c + 1) for o, c, _ in open_marks if s <= o and c < e)
            f = _Found(s, e, "mixed" if lit else "indirect", None, (), ((s, e),), lit, True)
            if MERGE_CONTINUATIONS and extra and _is_continuation(extra[-1]) and \
                    ctx.sent_of[extra[-1].end - 1] == k - 1 and \
                    ctx.block_of[extra[-1].start] == ctx.block_of[s]:
                # the next sentence of the same continued speech: one quote over both
                prev_f = extra.pop()
                lit = prev_f.literal + lit
                f = _Found(prev_f.start, e, "mixed" if lit else "indirect", None, (),
                           ((prev_f.start, e),), lit, True)
            extra.append(f)
            sent_items[k] = f
            last_k = k
        items = sorted(items + extra, key=lambda f: f.start)
    # inherit speakers, resolve, yield
    prev: Quote | None = None
    prev_k = None
    for f in items:
        k = ctx.sent_of[f.start]
        if f.kind == "anchor":
            s, e = f.speaker
            canonical, entity = _resolve(ctx, s, e)
            prev = Quote(0, 0, "", "anchor", canonical, entity, ctx.span_text(s, e), ctx.idx[s],
                         ctx.idx[e - 1] + len(doc[e - 1]), None, None, None)
            prev_k = k
            continue
        if f.speaker is not None:
            s, e = f.speaker
            while e - s > 1 and ctx.lower[s] in LEADING_NOT_SPEAKER:
                s += 1  # "Wie die Polizei mitteilte"
            canonical, entity = _resolve(ctx, s, e)
            e2 = _apposition(ctx, s, e, f)
            if e2 > e and not any(m[2] == "PER" and m[0] < e and m[1] > s for m in ctx.mentions):
                names = [(m[0], m[1]) for m in ctx.mentions
                         if m[2] == "PER" and m[0] >= e and m[1] <= e2]
                if not names and ctx.text[e] == ",":  # a bare name: ", Gabino Cué,"
                    k = e + 1
                    while k < e2 and _cap(ctx, k) and not ctx.lex.is_role(ctx.text[k]) and \
                            ctx.lower[k] not in DETS:
                        k += 1
                    if k > e + 1 and (k == e2 or ctx.text[k] in (",", "(")):
                        names = [(e + 1, k)]
                if names:  # "Der Gouverneur von Oaxaca, Gabino Cué, sagte"
                    canonical, entity = _resolve(ctx, names[0][0], names[0][1])
            e = e2
            if canonical is None and prev is not None and e - s == 1 and \
                    ctx.lower[s] in ("er", "sie") and prev.speaker:
                canonical, entity = prev.speaker, prev.speaker_entity
            sp = (canonical, entity, ctx.span_text(s, e), ctx.idx[s], ctx.idx[e - 1] + len(ctx.text[e - 1]))
        elif f.inherited and prev is not None and prev_k is not None and (
                k - prev_k <= INHERIT_GAP):
            sp = (prev.speaker, prev.speaker_entity, prev.speaker_text, prev.speaker_start,
                  prev.speaker_end)
        else:
            sp = (None, None, None, None, None)
        cue_parts = tuple(_chars(ctx, t, t + 1) for t in f.cue)
        cue = " ".join(ctx.text[t] for t in f.cue) or None
        start, end = _chars(ctx, f.start, f.end)
        parts = tuple(_chars(ctx, a, b) for a, b in f.parts)
        literal = tuple(_chars(ctx, a, b) for a, b in f.literal)
        q = Quote(start, end, ctx.span_text(f.start, f.end), f.kind, *sp, cue,
                  cue_parts[0][0] if cue_parts else None, cue_parts[-1][1] if cue_parts else None,
                  parts, cue_parts, literal)
        yield q
        prev, prev_k = q, ctx.sent_of[f.end - 1]


#: words that start a reporting clause but not its speaker ("Wie die Polizei mitteilte")
LEADING_NOT_SPEAKER = frozenset({"wie", "so", "und", "auch", "doch", "aber", "denn"})
#: lower-case words allowed in an apposition besides articles, prepositions and adjectives
APPOS_WORDS = frozenset({"und", "sowie", "für", "a.", "d.", "außer", "seines", "ihres"})


def _apposition(ctx: _Ctx, s: int, e: int, f: _Found) -> int:
    """End of a speaker NP with its apposition or parenthesis: "Marcelo Ebrard, der
    Bürgermeister von Mexiko-Stadt(,)", "Der Gouverneur von Oaxaca, Gabino Cué,",
    "Kristina Schröder (CDU)" - as the Wikinews gold marks speakers. The apposition ends at a
    comma, the cue or the sentence end; it has no verb and no part of the message or cue."""
    lo, hi = ctx.sents[ctx.sent_of[s]]
    taken = set(f.cue)
    for a, b in (f.parts or ((f.start, f.end),)):
        if f.kind != "reported":
            taken.update(range(a, b))
    return _apposition_end(ctx, e, lo, hi, taken, list_ok=f.kind == "reported" or f.start > e)


def _apposition_end(ctx: _Ctx, e: int, lo: int, hi: int, taken: set[int] | frozenset[int],
                    list_ok: bool = False) -> int:
    """End of the apposition(s) or parenthesis after an NP ending at e (else e); with
    ``list_ok`` the apposition may be followed by a comma and more of the clause."""
    doc = ctx.doc
    limit = min(hi, e + 16)
    for _ in range(2):
        if e < limit and ctx.text[e] == "(":
            c = next((t for t in range(e + 1, min(limit, e + 8)) if ctx.text[t] == ")"), None)
            if c is None or any(t in taken for t in range(e, c + 1)):
                return e
            e = c + 1
            continue
        if e + 1 < limit and ctx.text[e] == ",":
            k = e + 1
            while k < limit and ctx.text[k] not in (",", ".", ";", ":", "(", ")", "–") and \
                    k not in taken and _appos_token(ctx, k):
                k += 1
            if k == e + 1 or not (k >= hi or ctx.text[k] in (",", ".", "(") or k in taken or
                                  ctx.text[k] == "–"):
                return e
            # ``list_ok`` is tested before ``_cue_at``: :func:`_particle_later` (called by
            # ``_cue_at``) asks with ``list_ok`` at each comma, and a ``_cue_at`` here then
            # asked again for the next reporting verb of the sentence - a recursion per
            # framed quote ("„Nein“, sagte er, „Nein“, sagte er, ..."), exponential in their
            # number and a RecursionError past a few hundred, for an answer not used
            if not list_ok and k < hi and ctx.text[k] == "," and k + 1 < hi and \
                    k + 1 not in taken and not _cue_at(ctx, k + 1, lo, hi):
                return e  # ", der Bürgermeister, X ..." is a list, not an apposition
            if not any(_cap(ctx, t) for t in range(e + 1, k)):
                return e
            e = k
            continue
        break
    return e


def _appos_token(ctx: _Ctx, t: int) -> bool:
    """Could token t be part of an apposition ("der Bürgermeister von Mexiko-Stadt")."""
    low, pos = ctx.lower[t], ctx.pos[t]
    if ctx.text[t] in ALL_MARKS or _cap(ctx, t) and low not in AUX_WORDS and (
            not pos or pos in ("PROPN", "NOUN", "X", "ADJ", "NUM", "DET")):
        return True
    if pos in ("VERB", "AUX") or low in AUX_WORDS or low in ctx.lex.verbs:
        return False
    return low in DETS or low in PREPS or low in APPOS_WORDS or ctx.like_num(t) or _adj(ctx, t)


# -- the spaCy component

def _register_extensions() -> None:
    for name in SPAN_EXTENSIONS:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if not Doc.has_extension("quotes"):
        Doc.set_extension("quotes", getter=quotes_of)


def quotes_of(doc: Doc, spans_key: str = "quotes") -> list[Quote]:
    """``Doc._.quotes``: the records of the quote spans on the Doc (what the table holds)."""
    if spans_key not in doc.spans:
        return []
    out = []
    for span in doc.spans[spans_key]:
        x = span._
        out.append(Quote(span.start_char, span.end_char, span.text, x.quote_kind, x.quote_speaker,
                         x.quote_speaker_entity, x.quote_speaker_text, x.quote_speaker_start,
                         x.quote_speaker_end, x.quote_cue, x.quote_cue_start, x.quote_cue_end))
    return out


_register_extensions()


def quotes_score(examples: Iterable[Example], spans_key: str = "quotes", **kwargs) -> dict:
    """Exact-span precision/recall/F1 of ``doc.spans[spans_key]`` (the token-overlap
    scores of the Wikinews evaluation are in ``pipeline.evaluate.quotes``)."""
    return Scorer.score_spans(examples, attr=f"spans_{spans_key}", allow_overlap=True,
                              labeled=False, **kwargs)


@util.registry.scorers("meldung.quotes_scorer.v1")
def make_quotes_scorer() -> Callable:
    return quotes_score


@Language.factory(
    "meldung_quotes",
    requires=["doc.sents"],
    assigns=["doc.spans"] + [f"span._.{n}" for n in SPAN_EXTENSIONS],
    default_config={"spans_key": "quotes", "overwrite": True, "indirect": True,
                    "continuations": True, "max_gap": 6, "reported": True,
                    "scorer": {"@scorers": "meldung.quotes_scorer.v1"}},
    default_score_weights={"spans_quotes_f": 1.0, "spans_quotes_p": 0.0, "spans_quotes_r": 0.0},
)
def make_quotes(nlp: Language, name: str, spans_key: str, overwrite: bool, indirect: bool,
                continuations: bool, max_gap: int, reported: bool,
                scorer: Callable | None) -> "QuoteTagger":
    return QuoteTagger(nlp, name, spans_key=spans_key, overwrite=overwrite, indirect=indirect,
                       continuations=continuations, max_gap=max_gap, reported=reported,
                       scorer=scorer)


class QuoteTagger(Pipe):
    """Write quotations to ``doc.spans[spans_key]`` with speaker and cue extensions."""

    def __init__(self, nlp: Language, name: str = "meldung_quotes", *, spans_key: str = "quotes",
                 overwrite: bool = True, indirect: bool = True, continuations: bool = True,
                 max_gap: int = 6, reported: bool = True,
                 scorer: Callable | None = quotes_score) -> None:
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.overwrite = overwrite
        self.indirect = indirect
        self.continuations = continuations
        self.max_gap = max_gap
        self.reported = reported
        self.scorer = scorer
        self.lexicon: QuoteLexicon | None = None

    @property
    def cfg(self) -> dict:
        return {"spans_key": self.spans_key, "overwrite": self.overwrite, "indirect": self.indirect,
                "continuations": self.continuations, "max_gap": self.max_gap,
                "reported": self.reported}

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, data_dir: str | Path | None = None) -> None:
        """Load the lexicons from ``data_dir`` (default: ``pipeline/data/quotes``)."""
        self.lexicon = QuoteLexicon.from_dir(data_dir) if data_dir else default_lexicon()

    def find(self, doc: Doc) -> list[Quote]:
        return list(find_quotes(doc, self.lexicon or default_lexicon(), indirect=self.indirect,
                                continuations=self.continuations, max_gap=self.max_gap,
                                reported=self.reported))

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            self.set_annotations(doc, self.find(doc))
            return doc
        except Exception as e:  # noqa: BLE001 - the error handler decides
            error_handler(self.name, self, [doc], e)

    def set_annotations(self, doc: Doc, quotes: list[Quote]) -> None:
        spans = []
        set_values = _tokens.extension_writer(doc, SPAN_EXTENSIONS)
        label = doc.vocab.strings.add(SPAN_LABEL)  # once, not once per span
        for q in quotes:
            span = doc.char_span(q.start, q.end, label=label, alignment_mode="expand")
            if span is None:
                continue
            set_values(span, (q.kind, q.speaker, q.speaker_entity, q.speaker_text,
                              q.speaker_start, q.speaker_end, q.cue, q.cue_start, q.cue_end))
            spans.append(span)
        if self.overwrite or self.spans_key not in doc.spans:
            doc.spans[self.spans_key] = spans
        else:
            doc.spans[self.spans_key].extend(spans)

    def score(self, examples: Iterable[Example], **kwargs) -> dict:
        return quotes_score(examples, spans_key=self.spans_key, **kwargs)

    # -- serialisation: the lexicons in use and the settings
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = util.ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        (self.lexicon or default_lexicon()).to_dir(path / "lexicon")
        srsly.write_json(path / "cfg", self.cfg)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "QuoteTagger":
        path = util.ensure_path(path)
        if (path / "lexicon").exists():
            self.lexicon = QuoteLexicon.from_dir(path / "lexicon")
        if (path / "cfg").exists():
            cfg = json.loads((path / "cfg").read_text(encoding="utf-8"))
            for key, value in cfg.items():
                if key in self.cfg:
                    setattr(self, key, value)
        return self
