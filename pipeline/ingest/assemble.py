"""Building a :class:`Report` from parts: metadata fields and layout blocks.

Shared by every reader, so that plain text, records and XML/HTML end up with the
same metadata rules (metadata first, then dateline and signature, then --date).
"""

from __future__ import annotations

from datetime import date, datetime

from dateutil import parser as dateutil_parser

from . import agency as agency_mod
from .report import Block, Report


def parse_published(value) -> date | None:
    """A publication date from metadata: ISO dates and datetimes, NITF's compact
    ``20230523T101500+0200``, German ``23. Mai 2023`` / ``23.05.2023``; else None.

    A timestamp keeps its own local date (no conversion to UTC): an agency report
    stamped 00:30 in Berlin belongs to that Berlin day.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    german = agency_mod.parse_german_date(text)
    if german:
        return german
    try:
        return dateutil_parser.isoparse(text).date()
    except (ValueError, OverflowError):
        pass
    try:
        return dateutil_parser.parse(text, dayfirst=True, fuzzy=False).date()
    except (ValueError, OverflowError):
        return None


def from_plain_text(report: Report, *, find_headline: bool) -> Report:
    """Fill ``report``'s blocks and metadata from its text's agency layout."""
    structure = agency_mod.parse_structure(
        report.text, find_headline=find_headline, known_headline=report.headline
    )
    report.blocks = structure.blocks
    _merge(report, structure)
    return report


def from_blocks(report: Report, parts: list[tuple[str, str]]) -> Report:
    """Join ``(kind, text)`` parts into ``report.text`` with blank lines between them,
    keep their kinds as blocks, then read the dateline and the signature."""
    pieces, blocks, pos = [], [], 0
    for kind, text in parts:
        text = " ".join(text.split())
        if not text:
            continue
        if pieces:
            pieces.append("\n\n")
            pos += 2
        pieces.append(text)
        blocks.append(Block(pos, pos + len(text), kind))
        pos += len(text)
    report.text = "".join(pieces)
    body = [(b.start, b.end) for b in blocks if b.kind == "paragraph"]
    structure = agency_mod.Structure()
    if body:
        for para in body[:2]:  # a kicker line (Dachzeile) may stand before the dateline
            if agency_mod.find_dateline(report.text, para, structure):
                break
        kept = agency_mod.find_signature(report.text, body[-1:], structure)
        if structure.blocks and structure.blocks[-1].kind == "signature":
            last = blocks.index(next(b for b in blocks if (b.start, b.end) == body[-1]))
            if kept:
                blocks[last] = Block(kept[0][0], kept[0][1], "paragraph")
            else:
                del blocks[last]
    report.blocks = sorted(blocks + structure.blocks, key=lambda b: (b.start, -b.end))
    if report.headline is None:
        report.headline = next((report.text[b.start:b.end] for b in blocks if b.kind == "headline"), None)
    _merge(report, structure)
    return report


def _merge(report: Report, structure: agency_mod.Structure) -> None:
    """Metadata wins over what the text says; the text fills the gaps."""
    report.headline = report.headline or structure.headline
    report.dateline_place = report.dateline_place or structure.dateline_place
    if report.agency:
        report.agency = agency_mod.agency_code(report.agency) or report.agency.lower()
    report.agency = report.agency or structure.agency
    report.author = report.author or structure.author
    report.published = report.published or structure.dateline_date
