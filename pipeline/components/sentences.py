"""Sentence boundaries for German agency copy, set before the parser.

``meldung_sentences`` runs before the parser and presets ``token.is_sent_start``
where the text settles the question; elsewhere it leaves the value unset and
the parser decides. spaCy's parser keeps preset values: a token preset to
``True`` starts a sentence, one preset to ``False`` does not
(``tests/model/test_sentences.py`` checks this on the bundled model).

Rules, strongest first:

1. Layout blocks: the ingester puts ``doc.spans["layout"]`` (labels
   ``headline``, ``dateline``, ``subheading``, ``paragraph``, ``signature``) on
   each Doc. Every block starts a sentence, and the token after a block starts
   one too, so a headline or subheading is never glued to the next sentence.
   Headlines, datelines, subheadings and signatures are not split inside.
2. Line breaks: a blank line always ends a sentence; a single newline does too
   unless the next line starts in lower case (a hard-wrapped sentence).
3. Quotations („…“, »…«, «…», "…", “…”): no sentence starts inside a quotation
   whose marks are balanced within its paragraph, nor right after its closing
   mark when a comma or a lower-case word follows (``„…“, sagte er``). An
   unclosed quotation constrains nothing, so it cannot glue the rest of the
   document together.
4. No sentence starts after an abbreviation (``z.B.``, ``Dr.``, ``Mio.``) or an
   ordinal (``am 2. März``, ``der 3. Oktober``, ``2. Liga``) unless a newline follows.
5. ``require_terminal`` (default on): inside a paragraph a sentence starts only
   after sentence-final punctuation (``.``, ``!``, ``?``, ``:``, ``…``, possibly
   followed by a closing quotation mark or bracket), so the parser cannot cut
   ``Scholz | sagte, ...``. Text that ends sentences without punctuation needs
   line breaks or layout spans (or ``require_terminal=false``).

``add_sentence_rules(nlp)`` puts it before the parser of any pipeline; the
bundled model does not contain it, so that ``spacy.load("models/de_meldung")``
works without meldung installed (``pipeline.nlp`` adds it).

Like textacy's quotation finder, the rules read characters, not meaning: a
quotation that really holds several sentences stays one sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Callable, Iterable, Iterator, NamedTuple

import numpy
from spacy.attrs import IS_SPACE, ORTH, SENT_START
from spacy.errors import Errors
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc

from . import _tokens
from .tokenizer import ABBREVIATIONS

#: Layout labels whose blocks are one sentence each (never split inside).
ATOMIC_BLOCKS = frozenset({"headline", "dateline", "subheading", "signature"})
#: Opening mark -> closing marks, per German and international usage.
QUOTE_PAIRS: dict[str, tuple[str, ...]] = {
    "„": ("“", '"', "”"),
    "»": ("«",),
    "«": ("»",),
    "“": ("”",),
    '"': ('"',),
}
#: Every opening or closing quotation mark.
QUOTE_MARKS = frozenset(QUOTE_PAIRS) | {c for closers in QUOTE_PAIRS.values() for c in closers}
MONTHS = frozenset(
    "Januar Jänner Februar März April Mai Juni Juli August September Oktober November "
    "Dezember Jan. Feb. Febr. Apr. Aug. Sep. Sept. Okt. Nov. Dez.".split()
)
#: Abbreviations after which a sentence may well end (``usw.`` closes lists).
MAY_END_SENTENCE = frozenset({"usw.", "etc.", "u.ä.", "o.ä.", "u.Ä.", "o.Ä.", "u.a.m.", "ff."})
ORDINAL = re.compile(r"^\d{1,3}\.$")
#: Tokens after which a sentence may start (rule 5); closing marks count when they follow one.
TERMINAL = frozenset({".", "!", "?", "…", "...", "?!", "!?", ":", "..", "!!", "??"})
CLOSING = frozenset({"“", "”", '"', "«", "»", "‘", "’", "'", ")", "]"})


class SentenceBoundary(NamedTuple):
    """A decision for one token: ``is_start`` True/False, and why."""

    i: int
    is_start: bool
    reason: str


def _hard_breaks(doc: Doc, spans_key: str, texts: list[str] | None = None,
                 spaces: list[bool] | None = None) -> dict[int, str]:
    """Token indices that must start a sentence, with the reason. (``texts`` and
    ``spaces``, the tokens' text and is_space read once, spare a Token per look.)"""
    texts = [t.text for t in doc] if texts is None else texts
    spaces = [t.is_space for t in doc] if spaces is None else spaces
    n = len(texts)
    breaks: dict[int, str] = {}
    layout = doc.spans[spans_key] if spans_key in doc.spans else []
    # With layout blocks, a single newline inside a paragraph is a hard wrap, not
    # a break: "… ein Regierungssprecher am\nDienstag mit." (German nouns start
    # upper case, so the next line's case says nothing).
    wrapped = any(span.label_ == "paragraph" for span in layout)
    # for each space token: the first token after it that is not one (``run_end``), and
    # whether a space token between has a newline (``newline_after``), in one pass from
    # the end (a look ahead per space token was quadratic on a run of them)
    space_at = [i for i, space in enumerate(spaces) if space]
    run_end: dict[int, int] = {}
    newline_after: dict[int, bool] = {}
    for i in reversed(space_at):
        if i + 1 in run_end:
            run_end[i] = run_end[i + 1]
            newline_after[i] = newline_after[i + 1] or "\n" in texts[i + 1]
        else:
            run_end[i] = i + 1
            newline_after[i] = False
    for span in layout:
        breaks.setdefault(span.start, f"layout:{span.label_}")
        end = span.end
        if end < n and spaces[end]:
            end = run_end[end]
        if end < n:
            breaks.setdefault(end, f"after:{span.label_}")
    for i in space_at:
        text = texts[i]
        if "\n" not in text:
            continue
        nxt = run_end[i]
        if nxt >= n:
            continue
        blank = text.count("\n") >= 2 or newline_after[i]
        if blank:
            breaks.setdefault(nxt, "blank line")
        elif not wrapped and not texts[nxt][:1].islower():
            breaks.setdefault(nxt, "newline")
    return breaks


def _segments(n: int, starts: set[int]) -> Iterator[tuple[int, int]]:
    bounds = sorted({0, *starts, n})
    for a, b in zip(bounds, bounds[1:]):
        if a < b:
            yield a, b


def find_quotations(doc: Doc, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """(open, close) token indices of balanced outermost quotations in ``doc[start:end]``.

    An opening mark without its closing mark in the range is skipped.
    """
    return _quotations([t.text for t in doc], start, end)


def _quotations(texts: list[str], start: int = 0, end: int | None = None,
                marks: list[int] | None = None) -> Iterator[tuple[int, int]]:
    """:func:`find_quotations` on the tokens' texts. ``marks``, the indices of all quotation
    marks (``QUOTE_MARKS``) in ascending order, spares a look at every other token."""
    end = len(texts) if end is None else end
    if marks is None:
        marks = [i for i, text in enumerate(texts) if text in QUOTE_MARKS]
    inside = marks[bisect_left(marks, start):bisect_left(marks, end)]
    # each mark -> its positions in ``inside``, ascending: the first closing mark after an
    # opening one is found by bisection. (A scan of every later mark made a range with many
    # unclosed opening marks, "„Wir „Wir …", quadratic in their number.)
    positions: dict[str, list[int]] = {}
    for m, i in enumerate(inside):
        positions.setdefault(texts[i], []).append(m)
    k = 0
    while k < len(inside):
        i = inside[k]
        closers = QUOTE_PAIRS.get(texts[i])
        close = None
        if closers is not None:
            close = _next_position(positions, closers, k)
        if close is None:  # no opening mark, or unbalanced: constrain nothing
            k += 1
            continue
        yield i, inside[close]
        k = close + 1


def _next_position(positions: dict[str, list[int]], marks: tuple[str, ...], k: int) -> int | None:
    """The least position after ``k`` of any of ``marks`` in ``positions`` (each mark's
    positions, ascending), or None."""
    best = None
    for mark in marks:
        at = positions.get(mark)
        if at:
            j = bisect_right(at, k)
            if j < len(at) and (best is None or at[j] < best):
                best = at[j]
    return best


def find_sentence_boundaries(
    doc: Doc,
    *,
    spans_key: str = "layout",
    abbreviations: frozenset[str] = frozenset(ABBREVIATIONS),
    require_terminal: bool = True,
) -> Iterator[SentenceBoundary]:
    """Yield the boundary decisions the rules can make, in text order; leave the Doc alone."""
    states, reasons = sentence_decisions(
        doc, spans_key=spans_key, abbreviations=abbreviations, require_terminal=require_terminal
    )
    for i, state in enumerate(states):
        if state:
            yield SentenceBoundary(i, state == 1, reasons[i])


def sentence_decisions(
    doc: Doc,
    *,
    spans_key: str = "layout",
    abbreviations: frozenset[str] = frozenset(ABBREVIATIONS),
    require_terminal: bool = True,
) -> tuple[list[int], list[str | None]]:
    """Per token: 1 (starts a sentence), -1 (does not) or 0 (left to the parser), and
    the reason of each decision; the first rule to decide a token wins.

    Nearly every token gets a decision, so they are kept in two lists rather than as
    one :class:`SentenceBoundary` per token, and the rules read each token's text and
    is_space from lists (a Token per look cost more than the rules themselves)."""
    # lists, not Tokens: see pipeline/components/_tokens.py
    columns = doc.to_array([ORTH, IS_SPACE]) if len(doc) else numpy.zeros((0, 2), dtype=numpy.uint64)
    texts = _tokens.words(doc, columns[:, 0].tolist())  # (shared: not to be changed)
    spaces = (columns[:, 1] == 1).tolist()
    n = len(texts)
    states = [0] * n
    reasons: list[str | None] = [None] * n
    hard = _hard_breaks(doc, spans_key, texts, spaces)
    for i, reason in hard.items():
        states[i] = 1
        reasons[i] = reason

    def forbid(indices: Iterable[int], reason: str) -> None:
        for i in indices:
            if 0 < i < n and not states[i]:
                states[i] = -1
                reasons[i] = reason

    # an agency signature "(afp/jm)" closing a paragraph is a sentence of its own
    for start, end in _signatures(texts, spaces):
        if not states[start]:
            states[start] = 1
            reasons[start] = "signature"
        forbid(range(start + 1, end), "inside signature")

    # headline, dateline, subheading, signature: one sentence each
    if spans_key in doc.spans:
        for span in doc.spans[spans_key]:
            if span.label_ in ATOMIC_BLOCKS:
                forbid(range(span.start + 1, span.end), f"inside:{span.label_}")
    marks = [i for i, text in enumerate(texts) if text in QUOTE_MARKS]
    for seg_start, seg_end in _segments(n, set(hard)):
        for open_i, close_i in _quotations(texts, seg_start, seg_end, marks):
            forbid(range(open_i + 1, close_i + 1), "inside quotation")
            nxt = close_i + 1
            if nxt < seg_end and (texts[nxt] in {",", ";"} or texts[nxt][:1].islower()):
                forbid((nxt,), "after quotation")
    for i in hard:  # the white space before a hard break belongs to the sentence before it
        j = i - 1
        while j > 0 and spaces[j]:
            forbid((j,), "white space")
            j -= 1
    # "." in the text: a cheap test every ordinal passes, before the regular expression
    for i in [i for i in range(n - 1) if "." in texts[i] or texts[i] in abbreviations]:
        nxt = i + 1
        if spaces[nxt]:
            continue
        text = texts[i]
        if text in abbreviations:
            if text in MAY_END_SENTENCE and texts[nxt][:1].isupper():
                continue
            forbid((nxt,), "after abbreviation")
        elif ORDINAL.match(text):
            # "am 2. März", "der 3. Oktober", "die 2. Liga"; but "auf Platz 2. Die ..." may end
            if texts[nxt] in MONTHS or not texts[nxt][:1].isupper() or not _ends_clause_at(texts, i):
                forbid((nxt,), "after ordinal")
    if require_terminal:
        after_terminal = _after_terminal(texts, spaces)
        for i in range(1, n):  # forbid(), inlined: this one looks at every token
            if not (states[i] or spaces[i] or after_terminal[i]):
                states[i] = -1
                reasons[i] = "no terminal punctuation before"
    return states, reasons


SIGNATURE_PART = re.compile(r"^[a-zäöü]{1,8}$", re.IGNORECASE)


def find_signatures(doc: Doc) -> Iterator[tuple[int, int]]:
    """(start, end) of agency signatures such as ``(dpa/abc)`` or ``(afp)`` at a paragraph end."""
    return _signatures([t.text for t in doc], [t.is_space for t in doc])


def _signatures(texts: list[str], spaces: list[bool]) -> Iterator[tuple[int, int]]:
    """:func:`find_signatures` on the tokens' texts and is_space flags."""
    n = len(texts)
    for i in [i for i, text in enumerate(texts) if text == "(" and i]:
        j = i + 1
        parts = []
        while j < n and j - i <= 7 and texts[j] != ")":
            parts.append(texts[j])
            j += 1
        if j >= n or texts[j] != ")" or not parts:
            continue
        words = [p for p in parts if p != "/"]
        if not words or not all(SIGNATURE_PART.match(w) for w in words) or words[0].lower() not in AGENCIES:
            continue
        end = j + 1
        if end == n or (spaces[end] and "\n" in texts[end]):
            if _terminal_before(texts, spaces, i):
                yield i, end


#: Agency short names that open a signature ``(dpa/abc)``.
AGENCIES = frozenset({"dpa", "afp", "ap", "reuters", "rtr", "kna", "epd", "sid", "dts", "apa", "sda", "ddp", "dapd", "ots", "red", "mit"})


def _terminal_before(texts: list[str], spaces: list[bool], i: int) -> bool:
    """Whether the text before token ``i`` ends like a sentence (``.``, ``?``, ``.“``, ``.)``)."""
    j = i - 1
    while j >= 0 and spaces[j]:
        j -= 1
    if j < 0:
        return True
    if texts[j] in CLOSING:
        j -= 1
        while j >= 0 and texts[j] in CLOSING:
            j -= 1
        if j < 0:
            return True
    return _ends_like_sentence(texts[j])


def _ends_like_sentence(text: str) -> bool:
    """Whether a sentence may end with the token ``text`` (closing marks aside)."""
    return text[-1:] in ".!?" or text in TERMINAL  # "." itself is in TERMINAL


def _after_terminal(texts: list[str], spaces: list[bool]) -> list[bool]:
    """:func:`_terminal_before` of every token, in one pass over the Doc rather than a
    walk back from each token: a token ends like a sentence by its own text, a closing
    mark as the token before it does (True at the start of the Doc); white space passes
    on the value of the last token before it."""
    ends = [text[-1:] in ".!?" or text in TERMINAL for text in texts]  # _ends_like_sentence, inlined
    for k in [k for k, text in enumerate(texts) if text in CLOSING]:  # ascending: ".“)" chains
        ends[k] = ends[k - 1] if k else True
    after = [True, *ends[:-1]] if texts else []
    for k in [k for k, space in enumerate(spaces) if space and k + 1 < len(texts)]:
        after[k + 1] = after[k]
    return after


#: words before a number that make it an ordinal, not a sentence end (``am 2.``, ``der 3.``)
_ORDINAL_CONTEXT = frozenset({
    "am", "an", "vom", "zum", "bis", "seit", "ab", "den", "der", "dem", "des", "die", "das",
    "im", "zur", "beim", "ihr", "ihre", "ihrem", "ihren", "seine", "seinem", "seinen", "sein",
    "ihres", "seines", "jeden", "jedes", "jeder", "zu", "um", "in", "über", "für", "ins", ",",
})


def _ends_clause_at(texts: list[str], i: int) -> bool:
    """``… auf Platz 2. Die …``: a number ends a sentence when no determiner,
    preposition or article precedes it closely (``am 2.``, ``der 3.``)."""
    return i > 0 and texts[i - 1].lower() not in _ORDINAL_CONTEXT


@Language.factory(
    "meldung_sentences",
    requires=["token.text"],
    assigns=["token.is_sent_start"],
    default_config={
        "spans_key": "layout",
        "overwrite": False,
        "require_terminal": True,
        "scorer": {"@scorers": "spacy.senter_scorer.v1"},
    },
)
def make_sentences(
    nlp: Language, name: str, spans_key: str, overwrite: bool, require_terminal: bool, scorer: Callable | None
) -> "SentenceRules":
    return SentenceRules(
        nlp, name, spans_key=spans_key, overwrite=overwrite, require_terminal=require_terminal, scorer=scorer
    )


class SentenceRules(Pipe):
    """Presets ``token.is_sent_start`` from layout, line breaks, quotations, abbreviations.

    Values already set on the Doc (by the caller or an earlier pipe) are kept
    unless ``overwrite`` is true.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "meldung_sentences",
        *,
        spans_key: str = "layout",
        overwrite: bool = False,
        require_terminal: bool = True,
        scorer: Callable | None = None,
    ) -> None:
        self.name = name
        self.require_terminal = require_terminal
        self.spans_key = spans_key
        self.overwrite = overwrite
        self.scorer = scorer
        self.abbreviations = frozenset(ABBREVIATIONS) | _tokenizer_abbreviations(nlp)

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            states, _ = sentence_decisions(
                doc,
                spans_key=self.spans_key,
                abbreviations=self.abbreviations,
                require_terminal=self.require_terminal,
            )
            self._write(doc, states)
            return doc
        except Exception as err:  # noqa: BLE001 - routed to nlp's error handler
            error_handler(self.name, self, [doc], err)
            return doc

    def set_annotations(self, doc: Doc, boundaries: list[SentenceBoundary]) -> None:
        """Write the decisions in one ``Doc.from_array``: the ``Token.is_sent_start``
        setter checks the whole Doc for a parse at every call, which made setting a
        Doc's boundaries quadratic in its length. Same values, same error on a parsed Doc."""
        states = [0] * len(doc)
        for b in boundaries:
            states[b.i] = 1 if b.is_start else -1
        self._write(doc, states)

    def _write(self, doc: Doc, states: list[int]) -> None:
        """Set SENT_START to ``states`` (1 start, -1 not, 0 no decision) where the Doc
        has no value yet, or wherever a decision was made with ``overwrite``."""
        if not any(states):
            return
        values = doc.to_array([SENT_START]).astype(numpy.int64)  # 1 start, -1 not, 0 unknown
        decided = numpy.array(states, dtype=numpy.int64).reshape(values.shape)
        write = decided != 0
        if not self.overwrite:
            write &= values == 0
        if not write.any():
            return
        if doc.has_annotation("DEP"):
            raise ValueError(Errors.E043)
        values[write] = decided[write]
        doc.from_array([SENT_START], values.astype(numpy.uint64))

    def to_disk(self, path, *, exclude=tuple()) -> None:  # config carries all settings
        return None

    def from_disk(self, path, *, exclude=tuple()) -> "SentenceRules":
        return self


def add_sentence_rules(nlp: Language, name: str = "meldung_sentences", **config) -> Language:
    """Add ``meldung_sentences`` before the parser (or ``senter``), once; return ``nlp``.

    Works on any German pipeline (the bundled one, ``de_core_news_sm``, a blank
    one: without a parser or senter the rules go last and the boundaries they
    leave open stay open).
    """
    if name in nlp.pipe_names:
        return nlp
    for before in ("parser", "senter", "sentencizer"):
        if before in nlp.pipe_names:
            nlp.add_pipe("meldung_sentences", name=name, before=before, config=config)
            return nlp
    nlp.add_pipe("meldung_sentences", name=name, config=config)
    return nlp


def _tokenizer_abbreviations(nlp: Language) -> frozenset[str]:
    """Special cases of the tokenizer that end in a full stop (``Dr.``, ``z.B.``)."""
    rules = getattr(nlp.tokenizer, "rules", None) or {}
    return frozenset(k for k in rules if len(k) > 1 and k.endswith(".") and not k[:-1].isdigit())
