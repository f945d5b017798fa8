"""The record every reader yields: one agency report, decoded, with its metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


def encodable(text: str) -> bool:
    """Whether ``text`` can be stored (UTF-8 has no lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def readable(value: str) -> str:
    """``value`` with lone surrogates (a JSON escape like ``\\ud800`` without its pair,
    or an undecodable file name) as U+FFFD: no table can store them, and an id, a name or
    a message should still say where its row came from."""
    if encodable(value):
        return value
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in value)


#: Kinds of layout block, in the order they appear in a report.
BLOCK_KINDS = ("headline", "dateline", "subheading", "paragraph", "signature")


@dataclass
class Block:
    """A stretch of ``Report.text`` with a layout role (offsets into the text)."""

    start: int
    end: int
    kind: str


@dataclass
class Report:
    """One input document as ingested, before any NLP.

    ``status`` is ``ok`` for a document to analyse, ``empty`` or ``error`` for one
    that is recorded in the documents table with ``error`` saying why.
    """

    doc_id: str
    source: str
    text: str = ""
    format: str = "txt"
    headline: str | None = None
    agency: str | None = None
    author: str | None = None
    dateline_place: str | None = None
    published: date | None = None
    url: str | None = None
    blocks: list[Block] = field(default_factory=list)
    status: str = "ok"
    error: str | None = None
    stage: str | None = None

    @property
    def subheadings(self) -> list[str]:
        return [self.text[b.start : b.end] for b in self.blocks if b.kind == "subheading"]

    @classmethod
    def failed(cls, doc_id: str, source: str, stage: str, message: str, *, fmt: str = "txt",
               status: str = "error") -> "Report":
        # (the message may quote a file name that is no UTF-8)
        return cls(doc_id=doc_id, source=source, format=fmt, status=status, error=readable(message), stage=stage)
