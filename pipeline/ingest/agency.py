"""The structure of a German agency report in plain text.

Most reports arrive as plain text shaped like this::

    Scholz und Macron treffen sich in Paris          <- headline (first line)

    Berlin (dpa) - Bundeskanzler Olaf Scholz ...     <- dateline, then the body

    Neue Hilfen für die Ukraine                      <- subheading (Zwischenzeile)

    Scholz sagte, ... (dpa/abc)                      <- signature: agency/author

No library parses this German agency layout (trafilatura and newspaper handle
HTML pages; their plain-text paths treat "Berlin (dpa) -" as body text and glue
subheadings to the next sentence), so it is done here with a few documented
patterns. The agencies recognised are data: ``pipeline/data/agencies.tsv``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources

from .report import Block

#: A subheading is a short single line without final punctuation.
MAX_SUBHEADING_CHARS = 90
MAX_SUBHEADING_WORDS = 12
MAX_HEADLINE_CHARS = 250

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_DATELINE = re.compile(
    r"""(?P<place>[A-ZÄÖÜ][\w.'’-]*(?:[ /][A-Za-zÄÖÜäöü][\w.'’-]*){0,4}?)
        (?:\s*,\s*(?P<date>[^()\n]{4,40}?))?
        \s*\(\s*(?P<agency>[^()\n]{2,40}?)\s*\)
        \s*[-–—]+\s*""",
    re.VERBOSE,
)
_SIGNATURE = re.compile(
    r"""(?:^|(?<=[.!?“”"«»)\s]))
        (?P<sig>\(\s*(?P<inner>[A-Za-z][\w-]{0,14}(?:\s*/\s*[A-Za-z][\w-]{0,14}){0,3})\s*\)
        |(?P<bare>[A-Za-z][\w-]{0,14}(?:/[A-Za-z][\w-]{0,14}){1,3}))
        [ \t]*$""",
    re.VERBOSE,
)
_BARE_AGENCY_LINE = re.compile(r"^[ \t]*\(?(?P<inner>[A-Za-z][\w-]{1,14})\)?[ \t]*$")


@lru_cache(maxsize=1)
def agencies() -> dict[str, str]:
    """Lower-cased agency name as written -> agency code, from agencies.tsv."""
    table: dict[str, str] = {}
    text = resources.files("pipeline.data").joinpath("agencies.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, _, names = line.partition("\t")
        table[code.lower()] = code
        for name in names.split(","):
            if name.strip():
                table[name.strip().lower()] = code
    return table


def agency_code(name: str | None) -> str | None:
    """The agency code for a name as written ("AFP" -> "afp"), or None if unknown."""
    if not name:
        return None
    return agencies().get(name.strip().lower())


@dataclass
class Structure:
    """What the layout parser found: blocks and the metadata they carry."""

    blocks: list[Block] = field(default_factory=list)
    headline: str | None = None
    dateline_place: str | None = None
    dateline_date: date | None = None
    agency: str | None = None
    author: str | None = None


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each paragraph in ``text[start:end]``, whitespace trimmed.

    Paragraphs are separated by blank lines; a text without any blank line but
    with several lines is taken to have one paragraph per line.
    """
    end = len(text) if end is None else end
    chunk = text[start:end]
    if _PARAGRAPH_BREAK.search(chunk):
        pieces = _split_keep_offsets(chunk, _PARAGRAPH_BREAK)
    else:
        pieces = _split_keep_offsets(chunk, re.compile(r"\n"))
    spans = []
    for s, e in pieces:
        seg = chunk[s:e]
        left = len(seg) - len(seg.lstrip())
        right = len(seg.rstrip())
        if right > left:
            spans.append((start + s + left, start + s + right))
    return spans


def _split_keep_offsets(text: str, sep: re.Pattern) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in sep.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return spans


def parse_structure(text: str, *, find_headline: bool = True,
                    known_headline: str | None = None) -> Structure:
    """Blocks and metadata of a plain-text report.

    ``find_headline``: take the first line as the headline when it looks like one
    (.txt files); off for JSON Lines/CSV, whose text field is the body.
    ``known_headline``: a headline from metadata; if the text starts with it, that
    line is marked as the headline block.
    """
    result = Structure()
    paras = paragraphs(text)
    if not paras:
        return result
    first_start, first_end = paras[0]
    first_line_end = text.find("\n", first_start, first_end)
    first_line_end = first_end if first_line_end < 0 else first_line_end
    first_line = text[first_start:first_line_end].rstrip()
    is_headline = False
    if known_headline and first_line.strip() == known_headline.strip():
        is_headline = True
    elif find_headline and _looks_like_headline(first_line, multi=len(paras) > 1) and \
            not _continues(text[first_line_end:first_end]):
        is_headline = True
    if is_headline:
        hl_end = first_start + len(first_line)
        result.blocks.append(Block(first_start, hl_end, "headline"))
        result.headline = first_line.strip()
        rest = paragraphs(text, hl_end, first_end)
        paras = rest + paras[1:]
    if not paras:
        return result
    for para in paras[:2]:  # a kicker line (Dachzeile) may stand before the dateline
        if find_dateline(text, para, result):
            break
    body = list(paras)
    body = find_signature(text, body, result)
    for i, (s, e) in enumerate(body):
        kind = "paragraph"
        if 0 < i < len(body) - 1 and _looks_like_subheading(text[s:e]):
            kind = "subheading"
        result.blocks.append(Block(s, e, kind))
    result.blocks.sort(key=lambda b: (b.start, -b.end))
    return result


def _looks_like_headline(line: str, *, multi: bool) -> bool:
    line = line.strip()
    if not line or len(line) > MAX_HEADLINE_CHARS or not multi:
        return False
    if _DATELINE.match(line) and agency_code(_DATELINE.match(line).group("agency").split("/")[0]):
        return False
    return not line.endswith((".", ",", ";"))


def _continues(rest_of_paragraph: str) -> bool:
    """Whether the first line is the start of a wrapped sentence, not a headline: the
    next line of the same paragraph goes on in lower case ("... Emmanuel Macron /
    kommen am Freitag in Paris zusammen.")."""
    nxt = rest_of_paragraph.lstrip("\r\n").lstrip(" \t")
    return nxt[:1].islower()


def _looks_like_subheading(chunk: str) -> bool:
    if "\n" in chunk or len(chunk) > MAX_SUBHEADING_CHARS:
        return False
    if len(chunk.split()) > MAX_SUBHEADING_WORDS:
        return False
    if not chunk[:1].isupper() and not chunk[:1].isdigit() and chunk[:1] not in "„»\"":
        return False
    # a subheading may be a quote ('Faeser: „Wir bleiben wachsam“'), but a quoted
    # sentence ('„Wir bleiben wachsam.“') is a paragraph
    bare = chunk.rstrip().rstrip("“”\"«»‘’'")
    return not bare.endswith((".", "!", "?", ":", ";", ",", ")"))


def find_dateline(text: str, para: tuple[int, int], result: Structure) -> bool:
    """Read a dateline at the start of ``para`` into ``result``; True if there was one."""
    s, e = para
    m = _DATELINE.match(text, s, e)
    if not m:
        return False
    parts = [p.strip() for p in m.group("agency").split("/")]
    code = agency_code(parts[0])
    if code is None:
        return False
    result.agency = code
    result.dateline_place = m.group("place").strip()
    if m.group("date"):
        result.dateline_date = parse_german_date(m.group("date"))
    result.blocks.append(Block(s, m.end(), "dateline"))
    return True


def find_signature(text: str, body: list[tuple[int, int]], result: Structure) -> list[tuple[int, int]]:
    """Mark the agency signature at the end; return the body paragraphs without it."""
    if not body:
        return body
    s, e = body[-1]
    last_line_start = text.rfind("\n", s, e) + 1 or s
    last_line_start = max(last_line_start, s)
    tail = text[last_line_start:e]
    m = _SIGNATURE.search(tail)
    parts: list[str] = []
    if m:
        parts = [p.strip() for p in (m.group("inner") or m.group("bare")).split("/")]
        sig_start = last_line_start + m.start("sig")
    else:
        bare = _BARE_AGENCY_LINE.match(tail)
        if bare and last_line_start == s:
            parts = [bare.group("inner")]
            sig_start = s + (len(tail) - len(tail.lstrip()))
    codes = [agency_code(p) for p in parts]
    if not parts or not any(codes):
        return body
    agency = next(c for c in codes if c)
    authors = [p for p, c in zip(parts, codes) if not c]
    if result.agency is None:
        result.agency = agency
    if authors:
        result.author = "/".join(authors)
    result.blocks.append(Block(sig_start, e, "signature"))
    before = text[s:sig_start].rstrip()
    if before.strip():
        return body[:-1] + [(s, s + len(before))]
    return body[:-1]


_GERMAN_DATE = re.compile(r"(\d{1,2})\.\s*(\d{1,2}\.|[A-Za-zÄÖÜäöü]+)\s*(\d{4})")
_MONTHS = {
    "januar": 1, "jänner": 1, "jan": 1, "februar": 2, "feb": 2, "märz": 3, "mär": 3,
    "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8,
    "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11,
    "nov": 11, "dezember": 12, "dez": 12,
}


def parse_german_date(text: str) -> date | None:
    """A full date as datelines write it: "23. Mai 2023", "23.05.2023"; else None.

    Only complete day-month-year dates count; dateparser would also accept "Mai"
    alone and fill in today's day and year, which is wrong for a dateline.
    """
    m = _GERMAN_DATE.search(text)
    if not m:
        return None
    day, month_s, year = m.groups()
    month = int(month_s[:-1]) if month_s.endswith(".") else _MONTHS.get(month_s.lower().rstrip("."))
    if not month:
        return None
    try:
        return date(int(year), month, int(day))
    except ValueError:
        return None
